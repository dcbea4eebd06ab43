//! The values a rule set computes with, and how botocore (Python) prints and tests them.

use std::sync::Arc;

/// A value during rule evaluation. Cheap to clone: strings, lists and objects are shared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// Python's `None`: an unset parameter, a failed parse, a missing attribute.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<Vec<Val>>),
    Obj(Arc<Vec<(Arc<str>, Val)>>),
}

impl Val {
    pub(crate) fn str(s: &str) -> Val {
        Val::Str(Arc::from(s))
    }

    pub(crate) fn string(s: String) -> Val {
        Val::Str(Arc::from(s))
    }

    pub(crate) fn obj(fields: Vec<(&str, Val)>) -> Val {
        Val::Obj(Arc::new(
            fields.into_iter().map(|(k, v)| (Arc::from(k), v)).collect(),
        ))
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The field of an object, if this is one and has it.
    pub(crate) fn field(&self, name: &str) -> Option<&Val> {
        match self {
            Val::Obj(fields) => fields.iter().find(|(k, _)| &**k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Python's truth value (`not x`).
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::List(l) => !l.is_empty(),
            Val::Obj(o) => !o.is_empty(),
        }
    }

    /// The Python class name botocore's type errors print (`<class 'str'>`).
    pub(crate) fn py_type(&self) -> &'static str {
        match self {
            Val::Null => "NoneType",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Float(_) => "float",
            Val::Str(_) => "str",
            Val::List(_) => "list",
            Val::Obj(_) => "dict",
        }
    }

    /// `str(x)` in Python: what a template inserts.
    pub(crate) fn py_str(&self) -> String {
        match self {
            Val::Str(s) => s.to_string(),
            other => other.py_repr(),
        }
    }

    /// `repr(x)` in Python, close enough for messages.
    pub(crate) fn py_repr(&self) -> String {
        match self {
            Val::Null => "None".into(),
            Val::Bool(true) => "True".into(),
            Val::Bool(false) => "False".into(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => {
                if f.fract() == 0.0 && f.is_finite() {
                    format!("{f:.1}")
                } else {
                    f.to_string()
                }
            }
            Val::Str(s) => py_str_repr(s),
            Val::List(items) => {
                let inner: Vec<String> = items.iter().map(Val::py_repr).collect();
                format!("[{}]", inner.join(", "))
            }
            Val::Obj(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}: {}", py_str_repr(k), v.py_repr()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }

    /// A JSON literal from a rule set or a parameter default.
    pub(crate) fn from_json(v: &serde_json::Value) -> Val {
        match v {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Val::str(s),
            serde_json::Value::Array(a) => {
                Val::List(Arc::new(a.iter().map(Val::from_json).collect()))
            }
            serde_json::Value::Object(o) => Val::Obj(Arc::new(
                o.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Val::from_json(v)))
                    .collect(),
            )),
        }
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Val::Null => serde_json::Value::Null,
            Val::Bool(b) => serde_json::Value::Bool(*b),
            Val::Int(i) => serde_json::Value::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Val::Str(s) => serde_json::Value::String(s.to_string()),
            Val::List(l) => serde_json::Value::Array(l.iter().map(Val::to_json).collect()),
            Val::Obj(o) => serde_json::Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Python's `repr` of a string: single quotes unless the text holds one and no double quote.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_printing() {
        assert_eq!(Val::Bool(true).py_str(), "True");
        assert_eq!(Val::Null.py_str(), "None");
        assert_eq!(Val::str("a").py_str(), "a");
        assert_eq!(Val::str("a").py_repr(), "'a'");
        assert_eq!(Val::str("it's").py_repr(), "\"it's\"");
        let l = Val::List(Arc::new(vec![Val::str("a"), Val::Int(2)]));
        assert_eq!(l.py_str(), "['a', 2]");
        assert_eq!(
            Val::obj(vec![("k", Val::Bool(false))]).py_str(),
            "{'k': False}"
        );
    }

    #[test]
    fn python_truth() {
        assert!(!Val::Null.truthy());
        assert!(!Val::str("").truthy());
        assert!(Val::str("x").truthy());
        assert!(!Val::Int(0).truthy());
        assert!(!Val::List(Arc::new(vec![])).truthy());
    }
}
