//! botocore's service models, read the way the AWS CLI reads them.
//!
//! The AWS CLI is a thin layer over these JSON models; reading the same files gives every
//! service and operation, their documentation and their shapes without a release of ours.

pub mod bundle;
mod cli_renames;
mod docs;
mod locate;
mod names;
mod registry;
mod shape;

pub use cli_renames::ArgRenames;
pub use docs::ServiceDocs;
pub use locate::{chosen_models_dir, LocateError};
pub use names::{cli_name_for_service, model_name_for_cli, xform_name};
pub use registry::{ModelError, Models, ServiceEntry};
pub use shape::{Http, Metadata, Operation, Paginator, ServiceModel, Shape, ShapeKind, ShapeRef};
