//! Everything parsing needs to know, opened once and shared.

use crate::iam::IamData;
use awsmodel::{ArgRenames, Models};
use std::path::Path;
use std::sync::Arc;

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
    /// Finds and opens the models (see [`awsmodel::find_models_dir`]) and the IAM data beside them.
    pub fn open(models_dir: Option<&Path>) -> Result<Catalog, String> {
        let dir = awsmodel::find_models_dir(models_dir).map_err(|e| e.to_string())?;
        let models = Models::open(&dir).map_err(|e| e.to_string())?;
        let iam = Arc::new(IamData::locate(&dir));
        let renames = ArgRenames::locate(&dir);
        Ok(Catalog {
            models: Arc::new(models),
            iam,
            renames,
        })
    }
}
