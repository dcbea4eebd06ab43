//! Output printed page by page: what the CLI does for a paginated operation in `text`
//! (awscli v1 and v2) and `yaml-stream` (v2) output.
//!
//! The other formats print the merged result (botocore's `build_full_result`), which is
//! rendered with [`render_with_options`](super::render_with_options).
//!
//! `text` prints, for each page, a document made of the paginator's result keys (the first
//! page also carries its `non_aggregate_keys`), with `--query` applied to each page on its own:
//! keys outside those lists (a page's `NextToken`, `ResponseMetadata`) are not printed, a
//! result key a page lacks prints as `None`, and a query such as `Contents[].Key` prints one
//! line per page. When `--max-items` stopped the pagination, a last document
//! `{"NextToken": {"NextToken": <resume token>}}` goes through the same query and printer.
//!
//! `yaml-stream` prints each page (without `ResponseMetadata`, after the query) as a
//! one-item YAML list.

use serde_json::{Map, Value};

use super::{text, yaml, OutputError, OutputFormat, Query};
use jmespath_py::RVal;

/// How the operation pages (its entry in `paginators-1.json`) and where pagination stopped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paging<'a> {
    /// The paginator's `result_key`s (JMESPath expressions such as `Contents` or
    /// `DistributionList.Items`).
    pub result_keys: &'a [&'a str],
    /// The paginator's `non_aggregate_keys`.
    pub non_aggregate_keys: &'a [&'a str],
    /// The token to resume from, when `--max-items` stopped the pagination.
    pub resume_token: Option<&'a str>,
}

/// Renders the pages of a paginated operation as the CLI prints them in `text` or
/// `yaml-stream` output (`off` prints nothing). Other formats print the merged result:
/// [`OutputError::Format`] for them.
pub fn render_pages(
    pages: &[Value],
    format: OutputFormat,
    query: Option<&str>,
    paging: &Paging<'_>,
) -> Result<String, OutputError> {
    let query = query.map(Query::compile).transpose()?;
    match format {
        OutputFormat::Text => text_pages(pages, query.as_ref(), paging),
        OutputFormat::YamlStream => {
            let mut out = String::new();
            for page in pages {
                let mut page = RVal::from_json(page);
                if let RVal::Object(map) = &page {
                    if map.contains_key("ResponseMetadata") {
                        let mut map = (**map).clone();
                        map.shift_remove("ResponseMetadata");
                        page = RVal::object(map);
                    }
                }
                if let Some(q) = &query {
                    page = q.search_shared(&page)?;
                }
                out.push_str(&yaml::dump(&RVal::array(vec![page]), query.is_some()));
            }
            Ok(out)
        }
        OutputFormat::Off => Ok(String::new()),
        other => Err(OutputError::Format(format!(
            "--output {other} prints the merged result of all pages, not page by page"
        ))),
    }
}

fn text_pages(
    pages: &[Value],
    query: Option<&Query>,
    paging: &Paging<'_>,
) -> Result<String, OutputError> {
    let compile = |keys: &[&str]| -> Result<Vec<(String, Query)>, OutputError> {
        keys.iter()
            .map(|k| Ok((k.to_string(), Query::compile(k)?)))
            .collect()
    };
    let result_keys = compile(paging.result_keys)?;
    let non_aggregate_keys = compile(paging.non_aggregate_keys)?;
    let mut out = String::new();
    let print = |current: Value, out: &mut String| -> Result<(), OutputError> {
        let current = match query {
            Some(q) => q.search(&current)?,
            None => current,
        };
        out.push_str(&text::format_text(&current)?);
        Ok(())
    };
    for (i, page) in pages.iter().enumerate() {
        let mut current = Map::new();
        if i == 0 {
            for (expression, q) in &non_aggregate_keys {
                set_value_from_jmespath(&mut current, expression, q.search(page)?);
            }
        }
        for (expression, q) in &result_keys {
            set_value_from_jmespath(&mut current, expression, q.search(page)?);
        }
        print(Value::Object(current), &mut out)?;
    }
    if let Some(token) = paging.resume_token {
        let mut inner = Map::new();
        inner.insert("NextToken".to_owned(), Value::from(token));
        let mut outer = Map::new();
        outer.insert("NextToken".to_owned(), Value::Object(inner));
        print(Value::Object(outer), &mut out)?;
    }
    Ok(out)
}

/// botocore's `set_value_from_jmespath` for a dotted path: `a.b` sets `source["a"]["b"]`.
fn set_value_from_jmespath(source: &mut Map<String, Value>, expression: &str, value: Value) {
    match expression.split_once('.') {
        Some((key, rest)) => {
            let entry = source
                .entry(key.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                set_value_from_jmespath(inner, rest, value);
            }
        }
        None => {
            source.insert(expression.to_owned(), value);
        }
    }
}
