//! Typed reading of TOML tables: each getter reports a missing key or a wrong
//! type to the [`Reporter`] and returns `None`, so reading goes on after a problem.

use std::ops::Range;

use crate::error::Reporter;
use crate::node::{Entry, Kind, Node};

/// A value with the span and key path it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
    pub key: String,
}

/// The best match for `word` among `candidates`, when one is close enough.
pub(crate) fn suggest<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let c_lower = c.to_lowercase();
            let distance = strsim::damerau_levenshtein(&lower, &c_lower);
            let close = c_lower == lower
                || distance <= 2.max(word.chars().count() / 4)
                || strsim::jaro_winkler(&lower, &c_lower) >= 0.9
                || (c_lower.len() >= 4
                    && lower.len() >= 4
                    && (c_lower.contains(&lower) || lower.contains(&c_lower)));
            (c, distance, close)
        })
        .filter(|(_, _, close)| *close)
        .min_by_key(|(_, d, _)| *d)
        .map(|(c, _, _)| c.to_string())
}

/// " (did you mean `x`?)" or nothing; goes at the end of a message.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match suggest(word, candidates) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// The keys of one TOML table, read against the keys it may hold.
pub(crate) struct Fields<'n> {
    pub path: String,
    pub span: Range<usize>,
    entries: &'n [Entry],
}

impl<'n> Fields<'n> {
    /// Reads `node` as a table at `path`, reporting every key not in `allowed`.
    pub fn new(r: &mut Reporter, node: &'n Node, path: &str, allowed: &[&str]) -> Option<Self> {
        let Kind::Table(entries) = &node.kind else {
            r.error(
                &node.span,
                path,
                format!("expected a table, found {}", node.kind.describe()),
            );
            return None;
        };
        for e in entries {
            if !allowed.contains(&e.key.as_str()) {
                let message = format!(
                    "unknown key `{}`; expected one of: {}{}",
                    e.key,
                    allowed.join(", "),
                    did_you_mean(&e.key, allowed.iter().copied())
                );
                r.error(&e.key_span, &join(path, &e.key), message);
            }
        }
        Some(Fields {
            path: path.to_string(),
            span: node.span.clone(),
            entries,
        })
    }

    pub fn key(&self, key: &str) -> String {
        join(&self.path, key)
    }

    pub fn get(&self, key: &str) -> Option<&'n Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Reports that `key` is missing; `what` says what it holds.
    pub fn missing(&self, r: &mut Reporter, key: &str, what: &str) {
        r.error(
            &self.span,
            &self.key(key),
            format!("missing required key `{key}` ({what})"),
        );
    }

    pub fn opt_str(&self, r: &mut Reporter, key: &str) -> Option<Spanned<String>> {
        let entry = self.get(key)?;
        expect_str(r, &entry.value, &self.key(key))
    }

    pub fn req_str(&self, r: &mut Reporter, key: &str, what: &str) -> Option<Spanned<String>> {
        if self.has(key) {
            self.opt_str(r, key)
        } else {
            self.missing(r, key, what);
            None
        }
    }

    pub fn opt_bool(&self, r: &mut Reporter, key: &str) -> Option<Spanned<bool>> {
        let entry = self.get(key)?;
        let path = self.key(key);
        match &entry.value.kind {
            Kind::Boolean(b) => Some(Spanned {
                value: *b,
                span: entry.value.span.clone(),
                key: path,
            }),
            Kind::String(s) if s == "true" || s == "false" => {
                r.error(
                    &entry.value.span,
                    &path,
                    format!("expected a boolean, found a string; write {s} without quotes"),
                );
                None
            }
            other => {
                r.error(
                    &entry.value.span,
                    &path,
                    format!(
                        "expected a boolean (true or false), found {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }

    /// An array of strings; a single string is reported as an error with a hint.
    pub fn opt_str_list(
        &self,
        r: &mut Reporter,
        key: &str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let entry = self.get(key)?;
        let path = self.key(key);
        match &entry.value.kind {
            Kind::Array(items) => {
                let values = items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| expect_str(r, item, &format!("{path}[{i}]")))
                    .collect();
                Some(Spanned {
                    value: values,
                    span: entry.value.span.clone(),
                    key: path,
                })
            }
            Kind::String(s) => {
                r.error(
                    &entry.value.span,
                    &path,
                    format!("expected an array of strings, found a string; write [\"{s}\"]"),
                );
                None
            }
            other => {
                r.error(
                    &entry.value.span,
                    &path,
                    format!("expected an array of strings, found {}", other.describe()),
                );
                None
            }
        }
    }

    /// The tables of `[[key]]` (or `key = [{...}, ...]`), each with its key path.
    pub fn tables(&self, r: &mut Reporter, key: &str) -> Vec<(String, &'n Node)> {
        let Some(entry) = self.get(key) else {
            return Vec::new();
        };
        let path = self.key(key);
        let items = match &entry.value.kind {
            Kind::ArrayOfTables(items) | Kind::Array(items) => items,
            other => {
                r.error(
                    &entry.value.span,
                    &path,
                    format!(
                        "expected an array of tables (write each entry as `[[{key}]]`), found {}",
                        other.describe()
                    ),
                );
                return Vec::new();
            }
        };
        items
            .iter()
            .enumerate()
            .map(|(i, node)| (format!("{path}[{i}]"), node))
            .collect()
    }
}

fn expect_str(r: &mut Reporter, node: &Node, path: &str) -> Option<Spanned<String>> {
    match &node.kind {
        Kind::String(s) => Some(Spanned {
            value: s.clone(),
            span: node.span.clone(),
            key: path.to_string(),
        }),
        other => {
            r.error(
                &node.span,
                path,
                format!("expected a string, found {}", other.describe()),
            );
            None
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = ["name", "id", "region", "role_arn", "endpoint"];
        assert_eq!(suggest("regoin", keys), Some("region".into()));
        assert_eq!(suggest("rolearn", keys), Some("role_arn".into()));
        assert_eq!(suggest("Name", keys), Some("name".into()));
        assert_eq!(suggest("colour", keys), None);
        assert_eq!(
            suggest("account", ["accounts", "roles"]),
            Some("accounts".into())
        );
        assert_eq!(did_you_mean("zzzzzz", keys), "");
    }
}
