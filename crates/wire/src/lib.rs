//! The wire: a validated AWS call becomes a signed HTTP request, and its response becomes the
//! parsed result the AWS CLI would print, as botocore does it.
//!
//! # The request path
//!
//! ```text
//! prepare  client::prepare        the steps below; nothing is sent
//!            handlers             botocore's parameter handlers (idempotency tokens, user data…)
//!            serialize            method, path, query, headers, body for the six protocols
//!            target               endpoint rule set → URL, signing name and region
//!                                 (the rule-set engine is the endpoint-rules crate)
//!            client::join_url     URL with the host prefix; then the request checksum
//! sign     client::sign           SigV4 (aws-sigv4)
//! send     client::Client::send   pooled HTTP, the CLI's standard retries, one deadline
//! parse    parse                  status, headers, body → the CLI's JSON result or AwsError
//! page     paging                 the first page as the CLI prints it, with its NextToken
//! print    (cli-output crate)     json, text, table, yaml, --query: not part of a request
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
pub mod telemetry;
mod traits;

pub use error::WireError;
