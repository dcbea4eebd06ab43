//! The wire: a validated AWS call becomes a signed HTTP request, its response becomes the
//! JSON the AWS CLI prints, formatted as the CLI formats it.

pub mod assume;
pub mod client;
pub mod endpoints;
mod error;
pub mod handlers;
pub mod output;
pub mod paging;
pub mod parse;
pub mod pyfmt;
pub mod serialize;
mod target;
mod traits;

pub use error::WireError;
