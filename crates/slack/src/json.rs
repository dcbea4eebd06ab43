//! Reading untrusted JSON with errors that name the field (`event.user: missing`).

use serde_json::Value;

/// A field that is missing or of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct JsonError {
    pub path: String,
    pub problem: String,
}

/// A JSON value and where it is in the body.
#[derive(Debug, Clone)]
pub struct Json<'a> {
    pub v: &'a Value,
    pub path: String,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Json<'a> {
    /// The body itself, which must be an object.
    pub fn root(v: &'a Value) -> Result<Json<'a>, JsonError> {
        let j = Json {
            v,
            path: "the body".to_string(),
        };
        if v.is_object() {
            Ok(Json {
                v,
                path: String::new(),
            })
        } else {
            Err(j.wrong("an object"))
        }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn wrong(&self, expected: &str) -> JsonError {
        JsonError {
            path: if self.path.is_empty() {
                "the body".to_string()
            } else {
                self.path.clone()
            },
            problem: format!("expected {expected}, found {}", kind(self.v)),
        }
    }

    pub fn missing(&self, key: &str) -> JsonError {
        JsonError {
            path: self.child_path(key),
            problem: "missing".to_string(),
        }
    }

    /// A field, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<Json<'a>> {
        let v = self.v.get(key)?;
        (!v.is_null()).then(|| Json {
            v,
            path: self.child_path(key),
        })
    }

    pub fn req(&self, key: &str) -> Result<Json<'a>, JsonError> {
        self.get(key).ok_or_else(|| self.missing(key))
    }

    /// A field that must be an object.
    pub fn req_object(&self, key: &str) -> Result<Json<'a>, JsonError> {
        let j = self.req(key)?;
        if j.v.is_object() {
            Ok(j)
        } else {
            Err(j.wrong("an object"))
        }
    }

    /// A field that may be absent but, when present, is an object.
    pub fn opt_object(&self, key: &str) -> Result<Option<Json<'a>>, JsonError> {
        match self.get(key) {
            Some(j) if j.v.is_object() => Ok(Some(j)),
            Some(j) => Err(j.wrong("an object")),
            None => Ok(None),
        }
    }

    /// The elements of an array field.
    pub fn req_array(&self, key: &str) -> Result<Vec<Json<'a>>, JsonError> {
        let j = self.req(key)?;
        let items = j.v.as_array().ok_or_else(|| j.wrong("an array"))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| Json {
                v,
                path: format!("{}[{i}]", j.path),
            })
            .collect())
    }

    /// The fields of an object, in order.
    pub fn entries(&self) -> Result<Vec<(&'a str, Json<'a>)>, JsonError> {
        let map = self.v.as_object().ok_or_else(|| self.wrong("an object"))?;
        Ok(map
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str(),
                    Json {
                        v,
                        path: self.child_path(k),
                    },
                )
            })
            .collect())
    }
}

/// A string field that must be present.
pub fn req_str<'a>(j: &Json<'a>, key: &str) -> Result<&'a str, JsonError> {
    let f = j.req(key)?;
    f.v.as_str().ok_or_else(|| f.wrong("a string"))
}

/// A string field that may be absent or `null`.
pub fn opt_str<'a>(j: &Json<'a>, key: &str) -> Result<Option<&'a str>, JsonError> {
    match j.get(key) {
        None => Ok(None),
        Some(f) => f.v.as_str().map(Some).ok_or_else(|| f.wrong("a string")),
    }
}
