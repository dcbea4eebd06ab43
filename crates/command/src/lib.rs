//! The command language: a chat line becomes exactly the call the AWS CLI would make, or
//! help, or a clear error naming what is wrong.

mod args;
mod catalog;
mod chat_text;
mod customize;
mod error;
pub mod help;
mod iam;
mod options;
mod parse;
mod shorthand;
mod skeleton;
mod suggest;
pub mod timestamp;
mod tokens;
mod values;

pub use catalog::{Catalog, CatalogError};
pub use chat_text::normalize;
pub use error::{CommandError, ErrorKind};
pub use iam::{actions_for, iam_prefix, service_aliases, Access, IamData, IamDataError, IamInfo};
pub use parse::{
    extra_option_names, operation_options, parse_line, Call, Globals, MissingParam, Parsed,
};
pub use shorthand::{parse as parse_shorthand, Sh, ShorthandError};
pub use suggest::{closest, did_you_mean};
pub use tokens::tokenize;
