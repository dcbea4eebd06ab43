//! What can go wrong between a validated call and its printed result.

/// A wire-level failure, with the text shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// A parameter cannot be put on the wire as given.
    #[error("{0}")]
    Param(String),
    /// The endpoint rule set refused the call or found no endpoint.
    #[error("{0}")]
    Endpoint(String),
    /// Something this build does not do yet.
    #[error("{0} is not supported yet")]
    Unsupported(String),
}
