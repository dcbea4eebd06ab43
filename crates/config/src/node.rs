//! A small, span-carrying tree built from `toml_edit`'s parse, so the rest of
//! the crate never touches the TOML library and every value knows its place.

use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

/// One TOML value with the byte range it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

/// A key of a table with its own span.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Node,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
    Array(Vec<Node>),
    /// `[table]` or `{ inline = "table" }`.
    Table(Vec<Entry>),
    /// `[[array]]` of tables (kept apart from inline arrays only for messages).
    ArrayOfTables(Vec<Node>),
}

impl Kind {
    /// The name of this kind of value as a user would say it.
    pub fn describe(&self) -> String {
        match self {
            Kind::String(s) => format!("a string (\"{}\")", abbreviate(s)),
            Kind::Integer(i) => format!("an integer ({i})"),
            Kind::Float(f) => format!("a float ({f})"),
            Kind::Boolean(b) => format!("a boolean ({b})"),
            Kind::Datetime(d) => format!("a date-time ({d})"),
            Kind::Array(_) => "an array".to_string(),
            Kind::Table(_) => "a table".to_string(),
            Kind::ArrayOfTables(_) => "an array of tables".to_string(),
        }
    }
}

fn abbreviate(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// A TOML syntax error: its message and where it is.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parses `source` into a root table node.
pub(crate) fn parse(source: &str) -> Result<Node, SyntaxError> {
    match Document::parse(source) {
        Ok(doc) => Ok(from_table(doc.as_table(), 0..0)),
        Err(e) => Err(SyntaxError {
            message: e.message().trim().to_string(),
            span: e.span().unwrap_or(0..0),
        }),
    }
}

fn from_item(item: &Item, fallback: Range<usize>) -> Node {
    match item {
        Item::None => Node {
            span: fallback,
            kind: Kind::Table(Vec::new()),
        },
        Item::Value(v) => from_value(v, fallback),
        Item::Table(t) => from_table(t, fallback),
        Item::ArrayOfTables(a) => {
            let span = a.span().unwrap_or_else(|| fallback.clone());
            let tables = a.iter().map(|t| from_table(t, span.clone())).collect();
            Node {
                span,
                kind: Kind::ArrayOfTables(tables),
            }
        }
    }
}

fn from_table(table: &Table, fallback: Range<usize>) -> Node {
    let span = table.span().unwrap_or_else(|| fallback.clone());
    let entries = table
        .iter()
        .map(|(k, item)| {
            let key_span = table
                .key(k)
                .and_then(|key| key.span())
                .unwrap_or_else(|| span.clone());
            Entry {
                key: k.to_string(),
                value: from_item(item, key_span.clone()),
                key_span,
            }
        })
        .collect();
    Node {
        span,
        kind: Kind::Table(entries),
    }
}

fn from_value(value: &Value, fallback: Range<usize>) -> Node {
    let span = value.span().unwrap_or_else(|| fallback.clone());
    let kind = match value {
        Value::String(s) => Kind::String(s.value().clone()),
        Value::Integer(i) => Kind::Integer(*i.value()),
        Value::Float(f) => Kind::Float(*f.value()),
        Value::Boolean(b) => Kind::Boolean(*b.value()),
        Value::Datetime(d) => Kind::Datetime(d.value().to_string()),
        Value::Array(a) => Kind::Array(a.iter().map(|v| from_value(v, span.clone())).collect()),
        Value::InlineTable(t) => Kind::Table(
            t.iter()
                .map(|(k, v)| {
                    let key_span = t
                        .key(k)
                        .and_then(|key| key.span())
                        .unwrap_or_else(|| span.clone());
                    Entry {
                        key: k.to_string(),
                        value: from_value(v, key_span.clone()),
                        key_span,
                    }
                })
                .collect(),
        ),
    };
    Node { span, kind }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(node: &Node) -> &[Entry] {
        match &node.kind {
            Kind::Table(e) => e,
            other => panic!("not a table: {other:?}"),
        }
    }

    #[test]
    fn spans_point_at_values_keys_and_headers() {
        let src = "a = 1\n[[acc]]\nname = \"x\"\n[[acc]]\nid = [1, 2]\n[t.u]\nv = true\n";
        let root = parse(src).expect("parses");
        let entries = table(&root);
        assert_eq!(entries[0].key, "a");
        assert_eq!(&src[entries[0].value.span.clone()], "1");
        let Kind::ArrayOfTables(accs) = &entries[1].value.kind else {
            panic!("not array of tables")
        };
        assert_eq!(accs.len(), 2);
        assert!(src[accs[1].span.clone()].starts_with("[[acc]]"));
        let second = table(&accs[1]);
        assert_eq!(&src[second[0].key_span.clone()], "id");
        let t = table(&entries[2].value);
        assert_eq!(t[0].key, "u");
        assert!(src[t[0].value.span.clone()].starts_with("[t.u]"));
    }

    #[test]
    fn syntax_errors_have_a_span() {
        let err = parse("a = 1\nb = \n").expect_err("bad toml");
        assert!(err.span.start >= 6, "{err:?}");
        assert!(!err.message.is_empty());
    }
}
