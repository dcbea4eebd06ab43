//! Output formats: what the AWS CLI prints for an operation's parsed response, byte for byte.
//!
//! Input is the parsed response as the CLI's formatters see it: a JSON object in the model's
//! member order, timestamps already ISO 8601 strings, blobs already base64 strings (a
//! `ResponseMetadata` member is dropped, as the CLI does). Output is the CLI's
//! `--output json|text|table|yaml|yaml-stream|off`, after `--query`:
//!
//! - `json`: `json.dumps(indent=4, ensure_ascii=False)` plus a newline: non-ASCII as is,
//!   floats as Python writes them (`1.0`, `1e-07`, `1e+16`). Nothing at all for an empty
//!   object (an operation without output); `null` for a query that selects nothing.
//! - `text`: `awscli/text.py`: tab-separated; a dict's scalar values on one line in key order,
//!   prefixed by the upper-cased key it sits under, then its lists and dicts; a list of dicts
//!   with the union of their scalar keys as columns; `True`, `False`, `None`.
//! - `table`: `awscli/table.py` without colour, the operation name as the title, laid out for
//!   a fixed terminal width ([`DEFAULT_TABLE_WIDTH`] columns unless told otherwise: what the
//!   CLI uses when its output is not a terminal). Wide and ambiguous East Asian characters
//!   count as two columns. Nothing at all for a falsy result (`null`, `[]`, `{}`, `""`, `0`).
//! - `yaml`, `yaml-stream`: the AWS CLI v2 formats (v1 has neither): `ruamel.yaml`'s safe
//!   dumper with libyaml's emitter: keys sorted, block style, `[]`/`{}` when empty, strings
//!   quoted when YAML 1.2 would read them as another type, folded at 80 columns; a top-level
//!   scalar as JSON; `yaml-stream` wraps the response in a one-item list.
//! - `off`: nothing (AWS CLI v2).
//!
//! `--query` is parsed by the `jmespath` crate and evaluated with the semantics of Python's
//! jmespath (see [`Query`], from the `jmespath-py` crate, which botocore's paginators in `wire`
//! use too). Python's spelling of values (`str`, `repr`, floats, `json.dumps`) comes from the
//! `pyrepr` crate, which the request serializers share. For a paginated operation, `text` and `yaml-stream` print page by
//! page: [`render_pages`].
//!
//! Differences from the CLI that we accept are listed on [`render_with_options`].
//!
//! Why by hand: the output must be byte-identical to the installed AWS CLI's (`awscli`'s
//! `formatter.py`, `text.py`, `table.py`) and, for YAML, to ruamel.yaml over libyaml's
//! emitter; no crate reproduces those. `tests/output_oracle.rs` checks every format against
//! them.

mod pages;
mod table;
mod text;
mod yaml;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

pub use jmespath_py::Query;
use jmespath_py::{QueryError, RVal};
pub use pages::{render_pages, Paging};

/// The width, in columns, tables are laid out for: the AWS CLI's default when standard output
/// is not a terminal. Wider tables are turned on their side where they can be.
pub const DEFAULT_TABLE_WIDTH: usize = 80;

/// An `--output` format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    Json,
    Text,
    Table,
    Yaml,
    YamlStream,
    /// AWS CLI v2's `--output off`: nothing on standard output.
    Off,
}

impl OutputFormat {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [OutputFormat; 6] = [
        OutputFormat::Json,
        OutputFormat::Text,
        OutputFormat::Table,
        OutputFormat::Yaml,
        OutputFormat::YamlStream,
        OutputFormat::Off,
    ];

    /// The `--output` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Text => "text",
            OutputFormat::Table => "table",
            OutputFormat::Yaml => "yaml",
            OutputFormat::YamlStream => "yaml-stream",
            OutputFormat::Off => "off",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = OutputError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| OutputError::UnknownFormat(s.to_owned()))
    }
}

/// Why a response could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutputError {
    /// The `--query` expression does not parse. The CLI reports this before sending the
    /// request: compile the query with [`Query::compile`] up front to do the same.
    #[error("Bad value for --query {expression}: {message}")]
    BadQuery { expression: String, message: String },
    /// Evaluating the query failed (a function given the wrong types, an unknown function,
    /// ...); the message is the one the CLI prints.
    #[error("{0}")]
    Query(String),
    /// The CLI's formatter cannot lay out this shape either (a table of rows of unequal
    /// lengths, a text list mixing structures and scalars); the message says why.
    #[error("{0}")]
    Format(String),
    /// Not an `--output` format.
    #[error("argument --output: Invalid choice: '{0}', valid choices are: json, text, table, yaml, yaml-stream, off")]
    UnknownFormat(String),
}

impl From<QueryError> for OutputError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::BadQuery {
                expression,
                message,
            } => OutputError::BadQuery {
                expression,
                message,
            },
            QueryError::Query(message) => OutputError::Query(message),
        }
    }
}

/// Everything that decides the output.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    pub format: OutputFormat,
    /// The `--query` expression.
    pub query: Option<&'a str>,
    /// The table title: the operation's name (`DescribeInstances`). Without one, the table
    /// has no title row (the CLI always has one).
    pub title: Option<&'a str>,
    /// The terminal width tables are laid out for.
    pub table_width: usize,
}

impl<'a> RenderOptions<'a> {
    pub fn new(format: OutputFormat) -> Self {
        RenderOptions {
            format,
            query: None,
            title: None,
            table_width: DEFAULT_TABLE_WIDTH,
        }
    }
}

/// Renders `value` in `format` after `query`, as the AWS CLI prints it (tables untitled).
pub fn render(
    value: &Value,
    format: OutputFormat,
    query: Option<&str>,
) -> Result<String, OutputError> {
    render_with_options(
        value,
        &RenderOptions {
            query,
            ..RenderOptions::new(format)
        },
    )
}

/// Like [`render`], with the table titled `title` (the operation name, `DescribeInstances`).
pub fn render_with_title(
    value: &Value,
    format: OutputFormat,
    query: Option<&str>,
    title: &str,
) -> Result<String, OutputError> {
    render_with_options(
        value,
        &RenderOptions {
            query,
            title: Some(title),
            ..RenderOptions::new(format)
        },
    )
}

/// Renders `value` as the CLI would with these options.
///
/// Known differences from the CLI:
/// - numbers are what `serde_json` holds: an integer beyond 64 bits arrives as a float and
///   prints as one (the CLI's Python ints are unbounded); a query result of infinity or NaN
///   (`to_number('Infinity')`) is `null` here;
/// - a JSON literal in a query that uses a number beyond 64 bits, or `NaN`, which Python's
///   JSON parser accepts, does not parse;
/// - where the CLI's formatter crashes on a shape (text of a list mixing structures and
///   scalars, a table of ragged rows), we return [`OutputError::Format`] and print nothing,
///   where the CLI may already have printed part of the text output; the messages of
///   these errors are ours, not Python's;
/// - an expression reference outside a function argument (`--query '&a'`) is an error; the
///   CLI prints a Python object's address.
pub fn render_with_options(
    value: &Value,
    options: &RenderOptions<'_>,
) -> Result<String, OutputError> {
    let query = options.query.map(Query::compile).transpose()?;
    render_compiled(value, options, query.as_ref())
}

/// [`render_with_options`] with a query compiled beforehand (`options.query` is ignored).
pub fn render_compiled(
    value: &Value,
    options: &RenderOptions<'_>,
    query: Option<&Query>,
) -> Result<String, OutputError> {
    let response = without_response_metadata(value);
    if options.format == OutputFormat::Off {
        // The CLI v2's `off` formatter ignores the response: the query is not evaluated.
        return Ok(String::new());
    }
    // The YAML formats need the query result with Python's object identity (an object
    // selected twice is written once, with an anchor); the others need plain values.
    let result: Cow<'_, Value>;
    let shared: Option<RVal>;
    match query {
        Some(q) => {
            let r = q.search_shared(&RVal::from_json(&response))?;
            result = Cow::Owned(r.to_json());
            shared = Some(r);
        }
        None => {
            result = response;
            shared = None;
        }
    }
    let result = result.as_ref();
    let shared = || shared.clone().unwrap_or_else(|| RVal::from_json(result));
    let is_empty_object = matches!(result, Value::Object(m) if m.is_empty());
    Ok(match options.format {
        OutputFormat::Json => {
            if is_empty_object {
                String::new()
            } else {
                let mut out = String::new();
                pyrepr::json_pretty_into(result, 0, &mut out);
                out.push('\n');
                out
            }
        }
        OutputFormat::Text => text::format_text(result)?,
        OutputFormat::Table => {
            table::format_table(result, options.title.unwrap_or(""), options.table_width)?
        }
        OutputFormat::Yaml => {
            if is_empty_object {
                String::new()
            } else {
                yaml::dump(&shared(), query.is_some())
            }
        }
        OutputFormat::YamlStream => {
            if is_empty_object {
                String::new()
            } else {
                yaml::dump(&RVal::array(vec![shared()]), query.is_some())
            }
        }
        OutputFormat::Off => String::new(),
    })
}

/// The CLI drops `ResponseMetadata` (the request id) before printing.
fn without_response_metadata(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::Object(map) if map.contains_key("ResponseMetadata") => {
            let mut map = map.clone();
            map.shift_remove("ResponseMetadata");
            Cow::Owned(Value::Object(map))
        }
        _ => Cow::Borrowed(value),
    }
}
