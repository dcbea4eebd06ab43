//! Reading the JSON protocols' responses and errors.

use super::{request_id, scalar_from_text, timestamp_out, AwsError, ParseFailure, Response};
use crate::traits::{child, Member};
use awsmodel::{ServiceModel, ShapeKind};
use serde_json::{Map, Value};

fn parse_body(bytes: &[u8]) -> Result<Value, ParseFailure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
        ParseFailure::Malformed(format!("the response is not valid JSON ({e}): {shown}"))
    })
}

/// The `json` protocol: the whole body is the output structure.
pub(super) fn body(
    model: &ServiceModel,
    out: Member<'_>,
    bytes: &[u8],
) -> Result<Value, ParseFailure> {
    let v = parse_body(bytes)?;
    Ok(shape_value(model, out, &v, true)?.unwrap_or_else(|| Value::Object(Map::new())))
}

/// A JSON value read through its shape; `top` leaves out members bound to HTTP.
pub(crate) fn shape_value(
    model: &ServiceModel,
    m: Member<'_>,
    v: &Value,
    top: bool,
) -> Result<Option<Value>, ParseFailure> {
    if v.is_null() {
        return Ok(None);
    }
    if m.shape.document {
        return Ok(Some(v.clone()));
    }
    Ok(Some(match (m.shape.kind, v) {
        (ShapeKind::Structure, Value::Object(obj)) => {
            let mut out = Map::new();
            for (name, r) in &m.shape.members {
                let Some(member) = Member::of(model, r) else {
                    continue;
                };
                if top && member.location().is_some() {
                    continue;
                }
                if let Some(x) = obj.get(member.name().unwrap_or(name)) {
                    if let Some(parsed) = shape_value(model, member, x, false)? {
                        out.insert(name.clone(), parsed);
                    }
                }
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = child(model, m.shape.member.as_deref())
                .ok_or_else(|| ParseFailure::Malformed("list without member".into()))?;
            Value::Array(
                items
                    .iter()
                    .map(|x| shape_value(model, member, x, false).map(|o| o.unwrap_or(Value::Null)))
                    .collect::<Result<_, _>>()?,
            )
        }
        (ShapeKind::Map, Value::Object(obj)) => {
            let vm = child(model, m.shape.value.as_deref())
                .ok_or_else(|| ParseFailure::Malformed("map without value".into()))?;
            let mut out = Map::new();
            for (k, x) in obj {
                out.insert(
                    k.clone(),
                    shape_value(model, vm, x, false)?.unwrap_or(Value::Null),
                );
            }
            Value::Object(out)
        }
        (ShapeKind::Timestamp, v) => timestamp_out(v)?,
        _ => v.clone(),
    }))
}

/// `rest-json`: members bound to headers and the status code, the payload member or the
/// rest of the body.
pub(super) fn rest(
    model: &ServiceModel,
    out: Member<'_>,
    resp: &Response,
) -> Result<Value, ParseFailure> {
    super::rest_result(model, out, resp, false, |m, top| {
        shape_value(model, m, &parse_body(&resp.body)?, top)
    })
}

/// Members in the model's order, as botocore builds its result.
pub(crate) fn reorder(out: Member<'_>, mut m: Map<String, Value>) -> Map<String, Value> {
    let mut ordered = Map::with_capacity(m.len());
    for name in out.shape.members.keys() {
        if let Some(v) = m.remove(name) {
            ordered.insert(name.clone(), v);
        }
    }
    ordered.extend(m);
    ordered
}

/// Output members bound to headers (`header`, `headers` prefix maps) and the status code.
pub(crate) fn http_bound(
    model: &ServiceModel,
    out: Member<'_>,
    resp: &Response,
) -> Result<Map<String, Value>, ParseFailure> {
    let mut result = Map::new();
    for (name, r) in &out.shape.members {
        let Some(m) = Member::of(model, r) else {
            continue;
        };
        match m.location() {
            Some("statusCode") => {
                result.insert(name.clone(), Value::from(resp.status));
            }
            Some("header") => {
                let hname = m.name().unwrap_or(name);
                let Some(text) = resp.header(hname) else {
                    continue;
                };
                let v = if m.r.jsonvalue {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(text.trim())
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok())
                        .unwrap_or_else(|| Value::String(text.to_string()))
                } else if m.shape.kind == ShapeKind::List {
                    let member = child(model, m.shape.member.as_deref())
                        .ok_or_else(|| ParseFailure::Malformed("list without member".into()))?;
                    Value::Array(
                        text.split(',')
                            .map(|p| scalar_from_text(member, p.trim()))
                            .collect::<Result<_, _>>()?,
                    )
                } else {
                    scalar_from_text(m, text)?
                };
                result.insert(name.clone(), v);
            }
            Some("headers") => {
                let prefix = m.name().unwrap_or("").to_ascii_lowercase();
                let mut map = Map::new();
                for (k, v) in &resp.headers {
                    let lower = k.to_ascii_lowercase();
                    if let Some(rest) = lower.strip_prefix(&prefix) {
                        map.insert(rest.to_string(), Value::String(v.clone()));
                    }
                }
                if !map.is_empty() {
                    result.insert(name.clone(), Value::Object(map));
                }
            }
            _ => {}
        }
    }
    Ok(result)
}

/// The error in a JSON protocol response.
pub(super) fn error(resp: &Response) -> AwsError {
    let body = parse_body(&resp.body).unwrap_or_else(|_| {
        let mut m = Map::new();
        m.insert(
            "message".into(),
            Value::String(String::from_utf8_lossy(&resp.body).into_owned()),
        );
        Value::Object(m)
    });
    let get = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let message = get("message")
        .or_else(|| get("Message"))
        .or_else(|| get("errorMessage"))
        .unwrap_or_default();
    let raw = resp
        .header("x-amzn-query-error")
        .map(|h| h.split(';').next().unwrap_or(h).to_string())
        .or_else(|| resp.header("x-amzn-errortype").map(str::to_string))
        .or_else(|| get("__type"))
        .or_else(|| get("code"))
        .or_else(|| get("Code"))
        .unwrap_or_else(|| resp.status.to_string());
    let mut code = raw.split(':').next().unwrap_or(&raw).to_string();
    if let Some((_, c)) = code.rsplit_once('#') {
        code = c.to_string();
    }
    AwsError {
        code,
        message,
        status: resp.status,
        request_id: request_id(resp),
    }
}
