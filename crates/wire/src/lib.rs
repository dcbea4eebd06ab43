//! The wire: a validated AWS call becomes a signed HTTP request, and its response becomes the
//! parsed result the AWS CLI would print, as botocore does it.
//!
//! # The request path
//!
//! ```text
//! prepare   client::prepare
//!             handlers    botocore's parameter handlers (idempotency tokens, EC2 user data, …)
//!             serialize   method, path, query, headers, body per protocol (six protocols)
//!             target      endpoint rule set → URL, signing name and region (endpoint-rules crate)
//!             client      URL joined with the host prefix, request checksum
//! sign      client::sign        SigV4 (aws-sigv4)
//! send      client::Client::send  pooled HTTP, the CLI's standard retries, one deadline
//! parse     parse               status, headers and body → the CLI's JSON result, or AwsError
//! page      paging              the first page shaped as the CLI prints it, NextToken
//! print     (cli-output crate)  json, text, table, yaml, --query: not part of a request
//! ```
//!
//! Credentials per command (STS AssumeRole with session policies) are in [`assume`], which
//! sends through the same path.
//!
//! Below this crate: `endpoint-rules` (the rule-set engine), `jmespath-py` (JMESPath with
//! Python's semantics, for the paginators) and `pyrepr` (numbers and JSON spelled as Python
//! spells them, for request bodies). The printer, `cli-output`, builds on the same two lower
//! crates; it and `wire` do not depend on each other.

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
