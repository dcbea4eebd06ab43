//! Serializing a validated call into the parts of an HTTP request, per protocol, exactly as
//! botocore does (same method, path, query, headers and body bytes).

mod cbor;
mod json;
mod query;
mod rest;
mod xml;

use crate::error::WireError;
use crate::traits::Member;
use awsmodel::{Operation, ServiceModel, ShapeKind};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The protocol-level request, before the endpoint and signing are applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Serialized {
    pub method: String,
    /// The path, possibly with a literal query part from the model (`/?tagging`).
    pub path: String,
    /// Query parameters in order (repeated keys for lists).
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A prefix the model puts before the endpoint's host (`{AccountId}.`).
    pub host_prefix: Option<String>,
}

impl Serialized {
    fn new(method: &str) -> Serialized {
        Serialized {
            method: if method.is_empty() {
                "POST".into()
            } else {
                method.into()
            },
            path: "/".into(),
            ..Default::default()
        }
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Serializes `params` (API member names, validated by the command language) for `op`.
pub fn serialize(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
) -> Result<Serialized, WireError> {
    let mut s = match model.protocol() {
        "json" => json::serialize(model, op, params)?,
        "rest-json" => rest::serialize(model, op, params, rest::Body::Json)?,
        "rest-xml" => rest::serialize(model, op, params, rest::Body::Xml)?,
        "query" => query::serialize(model, op, params, false)?,
        "ec2" => query::serialize(model, op, params, true)?,
        "smithy-rpc-v2-cbor" => cbor::serialize(model, op, params)?,
        other => return Err(WireError::Unsupported(format!("the '{other}' protocol"))),
    };
    s.host_prefix = host_prefix(model, op, params)?;
    Ok(s)
}

/// The given parameters that are members of the structure, in the order given (botocore
/// iterates the parameters; the command language lays them out in the model's order and
/// handlers append what they add).
pub(crate) fn given_members<'a>(
    members: &'a indexmap::IndexMap<String, awsmodel::ShapeRef>,
    params: &'a Map<String, Value>,
) -> impl Iterator<Item = (&'a String, &'a awsmodel::ShapeRef, &'a Value)> {
    params
        .iter()
        .filter(|(_, v)| !v.is_null())
        .filter_map(move |(k, v)| members.get(k).map(|r| (k, r, v)))
}

fn host_prefix(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
) -> Result<Option<String>, WireError> {
    let Some(prefix) = op
        .endpoint
        .as_ref()
        .and_then(|e| e.get("hostPrefix"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    let mut out = prefix.to_string();
    if let Some(input) = model.input_shape(op) {
        for (name, r) in &input.members {
            if !r.host_label {
                continue;
            }
            let v = params.get(name).and_then(Value::as_str).unwrap_or("");
            if v.is_empty()
                || !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            {
                return Err(WireError::Param(format!(
                    "{name} must contain only letters, digits, hyphens and periods, as it becomes part of the host name"
                )));
            }
            out = out.replace(&format!("{{{name}}}"), v);
        }
    }
    Ok(Some(out))
}

/// A timestamp value (ISO 8601 text or epoch seconds) as a UTC time.
pub(crate) fn to_time(v: &Value) -> Result<DateTime<Utc>, WireError> {
    match v {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| WireError::Param(format!("'{s}' is not a timestamp"))),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            let secs = f.floor();
            let nanos = ((f - secs) * 1e9).round() as u32;
            DateTime::from_timestamp(secs as i64, nanos.min(999_999_999))
                .ok_or_else(|| WireError::Param(format!("{f} is not a timestamp")))
        }
        other => Err(WireError::Param(format!("{other} is not a timestamp"))),
    }
}

/// A timestamp in one of the model's formats (`iso8601`, `unixTimestamp`, `rfc822`).
pub(crate) enum Stamp {
    Text(String),
    Int(i64),
    Float(f64),
}

pub(crate) fn format_time(t: DateTime<Utc>, format: &str) -> Stamp {
    let micros = t.timestamp_subsec_micros();
    match format.to_ascii_lowercase().as_str() {
        "unixtimestamp" => {
            if micros > 0 {
                Stamp::Float(t.timestamp() as f64 + micros as f64 / 1e6)
            } else {
                Stamp::Int(t.timestamp())
            }
        }
        "rfc822" => Stamp::Text(t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()),
        _ => {
            if micros > 0 {
                Stamp::Text(format!("{}.{:06}Z", t.format("%Y-%m-%dT%H:%M:%S"), micros))
            } else {
                Stamp::Text(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            }
        }
    }
}

impl Stamp {
    pub(crate) fn text(&self) -> String {
        match self {
            Stamp::Text(s) => s.clone(),
            Stamp::Int(i) => i.to_string(),
            Stamp::Float(f) => pyrepr::botocore_float(*f),
        }
    }
    pub(crate) fn json(&self) -> Value {
        match self {
            Stamp::Text(s) => Value::String(s.clone()),
            Stamp::Int(i) => Value::from(*i),
            Stamp::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
        }
    }
}

/// A scalar as the text botocore puts in query strings, headers and form bodies.
pub(crate) fn scalar_text(m: Member<'_>, v: &Value, default_ts: &str) -> Result<String, WireError> {
    Ok(match (m.shape.kind, v) {
        (ShapeKind::Boolean, Value::Bool(b)) => b.to_string(),
        (ShapeKind::Timestamp, v) => {
            format_time(to_time(v)?, m.timestamp_format().unwrap_or(default_ts)).text()
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Number(n)) => pyrepr::number_str(n),
        (ShapeKind::Blob, Value::String(s)) => base64(s.as_bytes()),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, Value::Bool(b)) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        (_, other) => other.to_string(),
    })
}

pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// botocore's `percent_encode`: everything but letters, digits and `-._~` (plus `safe`).
pub(crate) fn percent_encode(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || (b < 0x80 && safe.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A form body as botocore's request preparation writes it (`urlencode`: `quote_plus`, so
/// spaces become `+`).
pub fn encode_form(pairs: &[(String, String)]) -> String {
    let plus = |s: &str| percent_encode(s, " ").replace(' ', "+");
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", plus(k), plus(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `key=value&…` with botocore's encoding for query strings.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k, ""), percent_encode(v, "")))
        .collect::<Vec<_>>()
        .join("&")
}
