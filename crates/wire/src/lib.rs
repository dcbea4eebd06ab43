//! The wire: a validated AWS call becomes a signed HTTP request, its response becomes the
//! parsed result the AWS CLI prints (printing itself is the `cli-output` crate).

pub mod assume;
pub mod client;
mod error;
pub mod handlers;
pub mod paging;
pub mod parse;
pub mod serialize;
pub mod target;
mod traits;

pub use error::WireError;
