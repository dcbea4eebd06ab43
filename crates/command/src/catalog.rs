//! Everything parsing needs to know, opened once and shared.

use crate::iam::IamData;
use awsmodel::{ArgRenames, Models};
use std::path::Path;
use std::sync::Arc;

/// Why the catalog cannot be opened; each says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Models(#[from] awsmodel::LocateError),
    #[error(transparent)]
    AccessLevels(#[from] crate::iam::IamDataError),
    #[error("the AWS CLI's option renames: {0}")]
    Renames(#[from] awsmodel::bundle::BundleError),
}

/// The service models and the IAM access-level data.
#[derive(Debug)]
pub struct Catalog {
    pub models: Arc<Models>,
    /// Shared with the authorizer's built-in ReadOnly and ViewOnly policies.
    pub iam: Arc<IamData>,
    /// The AWS CLI's option renames.
    pub renames: ArgRenames,
}

impl Catalog {
    /// Opens the models (embedded, or the folder chosen by `models_dir` /
    /// `CHATOPS_MODELS_DIR`) and the access-level data (embedded, or
    /// `CHATOPS_IAMDATA_DIR`). Either one missing or unreadable is an error that says how to
    /// fix it: without them every call would be unknown or a write.
    pub fn open(models_dir: Option<&Path>) -> Result<Catalog, CatalogError> {
        let models = Models::locate(models_dir)?;
        let iam = Arc::new(IamData::open()?);
        let renames = ArgRenames::locate(models.dir())?;
        Ok(Catalog {
            models: Arc::new(models),
            iam,
            renames,
        })
    }

    /// The data in use, one line each: what `chatops config check` reports.
    pub fn describe(&self) -> Vec<String> {
        vec![
            format!("service models: {}", self.models.describe()),
            format!("access levels: {}", self.iam.describe()),
            format!("AWS CLI option renames: {}", self.renames.len()),
        ]
    }
}
