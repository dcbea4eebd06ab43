//! A response becomes the JSON the AWS CLI prints, or the AWS error it carries.

mod cbor;
mod dom;
mod json;
mod xml;

use crate::traits::Member;
use awsmodel::{Operation, ServiceModel, ShapeKind};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

/// An HTTP response as received.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An error AWS returned, as the AWS CLI reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsError {
    pub code: String,
    pub message: String,
    pub status: u16,
    pub request_id: Option<String>,
}

impl AwsError {
    /// `An error occurred (Code) when calling the Operation operation: message`.
    pub fn cli_message(&self, operation: &str, retries: Option<u32>) -> String {
        let retry = match retries {
            Some(n) if n > 0 => format!(" (reached max retries: {n})"),
            _ => String::new(),
        };
        let msg = if self.message.is_empty() {
            "Unknown"
        } else {
            &self.message
        };
        format!(
            "An error occurred ({}) when calling the {operation} operation{retry}: {msg}",
            self.code
        )
    }
}

/// Why a response could not be turned into a result.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseFailure {
    /// AWS answered with an error.
    Aws(AwsError),
    /// The body is not what the protocol promises (truncated, not JSON/XML, …).
    Malformed(String),
}

/// Parses `resp` for `op`: the output structure on success, the error otherwise.
pub fn parse_response(
    model: &ServiceModel,
    op: &Operation,
    resp: &Response,
) -> Result<Value, ParseFailure> {
    let protocol = model.protocol();
    if resp.status >= 300 {
        return Err(ParseFailure::Aws(parse_error(protocol, resp)));
    }
    let Some(out) = op.output.as_ref().and_then(|r| Member::of(model, r)) else {
        return Ok(Value::Object(Map::new()));
    };
    match protocol {
        "json" => json::body(model, out, &resp.body),
        "rest-json" => json::rest(model, out, resp),
        "query" | "ec2" => xml::query(model, out, resp, protocol == "ec2"),
        "rest-xml" => xml::rest(model, out, resp),
        "smithy-rpc-v2-cbor" => cbor::body(model, out, &resp.body),
        other => Err(ParseFailure::Malformed(format!(
            "responses of the '{other}' protocol are not read yet"
        ))),
    }
}

fn parse_error(protocol: &str, resp: &Response) -> AwsError {
    let generic = || AwsError {
        code: resp.status.to_string(),
        message: reason(resp.status).to_string(),
        status: resp.status,
        request_id: request_id(resp),
    };
    let mut err = match protocol {
        "json" | "rest-json" => json::error(resp),
        "smithy-rpc-v2-cbor" => cbor::error(resp),
        _ if resp.body.iter().all(u8::is_ascii_whitespace) => generic(),
        _ => xml::error(resp).unwrap_or_else(generic),
    };
    if err.code.is_empty() {
        err.code = resp.status.to_string();
    }
    err
}

fn request_id(resp: &Response) -> Option<String> {
    resp.header("x-amzn-requestid")
        .or(resp.header("x-amz-request-id"))
        .map(str::to_string)
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// A timestamp as the AWS CLI (v2) prints it: Python's `isoformat()`.
pub(crate) fn timestamp_out(raw: &Value) -> Result<Value, ParseFailure> {
    let dt: DateTime<FixedOffset> = match raw {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            let secs = f.floor();
            let nanos = ((f - secs) * 1e6).round() as u32 * 1000;
            Utc.timestamp_opt(secs as i64, nanos.min(999_999_000))
                .single()
                .ok_or_else(|| ParseFailure::Malformed(format!("{f} is not a timestamp")))?
                .fixed_offset()
        }
        Value::String(s) => parse_time_text(s)
            .ok_or_else(|| ParseFailure::Malformed(format!("'{s}' is not a timestamp")))?,
        other => {
            return Err(ParseFailure::Malformed(format!(
                "{other} is not a timestamp"
            )))
        }
    };
    let base = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
    let micros = dt.timestamp_subsec_micros();
    let frac = if micros > 0 {
        format!(".{micros:06}")
    } else {
        String::new()
    };
    Ok(Value::String(format!("{base}{frac}{}", dt.format("%:z"))))
}

fn parse_time_text(s: &str) -> Option<DateTime<FixedOffset>> {
    let t = s.trim();
    if let Ok(f) = t.parse::<f64>() {
        return timestamp_out(&serde_json::Number::from_f64(f).map(Value::Number)?)
            .ok()
            .and_then(|v| {
                v.as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            });
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(t) {
        return Some(d);
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%SZ",
        "%a, %d %b %Y %H:%M:%S GMT",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
            return Some(n.and_utc().fixed_offset());
        }
    }
    None
}

/// A scalar from text (XML bodies, headers), by the member's kind.
pub(crate) fn scalar_from_text(m: Member<'_>, text: &str) -> Result<Value, ParseFailure> {
    let bad = |what: &str| ParseFailure::Malformed(format!("'{text}' is not {what}"));
    Ok(match m.shape.kind {
        ShapeKind::Integer | ShapeKind::Long => Value::from(
            text.trim()
                .parse::<i64>()
                .map_err(|_| bad("a whole number"))?,
        ),
        ShapeKind::Float | ShapeKind::Double => {
            let f: f64 = match text.trim() {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                "-Infinity" => f64::NEG_INFINITY,
                t => t.parse().map_err(|_| bad("a number"))?,
            };
            serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(pyrepr::botocore_float(f)))
        }
        ShapeKind::Boolean => Value::Bool(text.trim() == "true"),
        ShapeKind::Timestamp => timestamp_out(&Value::String(text.to_string()))?,
        _ => Value::String(text.to_string()),
    })
}

/// The REST protocols' result: members bound to HTTP, then the payload member (blob and
/// string payloads are the raw body) or the body's members. `read` parses a non-empty body
/// through a member's shape; `top` says whether it is the whole output (HTTP-bound members
/// left out). An empty body is skipped for XML and read as `{}` for JSON, as botocore does.
pub(crate) fn rest_result(
    model: &ServiceModel,
    out: Member<'_>,
    resp: &Response,
    skip_empty_body: bool,
    read: impl Fn(Member<'_>, bool) -> Result<Option<Value>, ParseFailure>,
) -> Result<Value, ParseFailure> {
    let mut result = json::http_bound(model, out, resp)?;
    let empty = skip_empty_body && resp.body.iter().all(u8::is_ascii_whitespace);
    let payload = out
        .shape
        .payload
        .as_deref()
        .and_then(|p| out.shape.members.get(p).map(|r| (p, r)));
    match payload {
        Some((name, r)) => {
            let Some(pm) = Member::of(model, r) else {
                return Ok(Value::Object(result));
            };
            let v = match pm.shape.kind {
                ShapeKind::Blob => Some(Value::String(crate::serialize::base64(&resp.body))),
                ShapeKind::String => Some(Value::String(
                    String::from_utf8_lossy(&resp.body).into_owned(),
                )),
                _ if empty => None,
                _ => read(pm, false)?,
            };
            if let Some(v) = v {
                result.insert(name.to_string(), v);
            }
        }
        None if empty => {}
        None => {
            if let Some(Value::Object(body)) = read(out, true)? {
                result.extend(body);
            }
        }
    }
    Ok(Value::Object(json::reorder(out, result)))
}
