//! `rest-json` and `rest-xml`: members bound to the URI, query string and headers; the rest
//! (or the payload member) in a JSON or XML body.

use super::{base64, format_time, given_members, percent_encode, scalar_text, to_time, Serialized};
use crate::error::WireError;
use crate::traits::Member;
use awsmodel::{Operation, ServiceModel, ShapeKind};
use serde_json::{Map, Value};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Body {
    Json,
    Xml,
}

/// The request URI botocore uses: for S3 the bucket is part of the endpoint the rule set
/// resolves (host or path), so `/{Bucket}` is taken off the model's URI.
pub(crate) fn request_uri<'a>(
    model: &ServiceModel,
    op: &'a Operation,
) -> std::borrow::Cow<'a, str> {
    let uri = op.http.request_uri.as_str();
    if model.metadata.signing_name() == "s3" && model.metadata.endpoint_prefix == "s3" {
        if let Some(rest) = uri.strip_prefix("/{Bucket}") {
            return rest.to_string().into();
        }
    }
    uri.into()
}

pub(super) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    body: Body,
) -> Result<Serialized, WireError> {
    let mut s = Serialized::new(&op.http.method);
    let template = request_uri(model, op);
    let Some(input) = op.input.as_ref().and_then(|r| Member::of(model, r)) else {
        s.path = template.into_owned();
        return Ok(s);
    };
    let mut uri_args: Vec<(String, String)> = Vec::new();
    let mut body_args = Map::new();
    for (key, r, v) in given_members(&input.shape.members, params) {
        let Some(m) = Member::of(model, r) else {
            continue;
        };
        let name = m.name().unwrap_or(key).to_string();
        match m.location() {
            Some("uri") => uri_args.push((name, scalar_text(m, v, "iso8601")?)),
            Some("querystring") => match (m.shape.kind, v) {
                (ShapeKind::Map, Value::Object(obj)) => {
                    for (k, x) in obj {
                        match x {
                            Value::Array(items) => {
                                for i in items {
                                    s.query.push((
                                        k.clone(),
                                        i.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| i.to_string()),
                                    ));
                                }
                            }
                            _ => s.query.push((
                                k.clone(),
                                x.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| x.to_string()),
                            )),
                        }
                    }
                }
                (ShapeKind::List, Value::Array(items)) => {
                    let member = crate::traits::child(model, m.shape.member.as_deref())
                        .ok_or_else(|| WireError::Param("list without member".into()))?;
                    for i in items {
                        s.query
                            .push((name.clone(), scalar_text(member, i, "iso8601")?));
                    }
                }
                _ => s.query.push((name, scalar_text(m, v, "iso8601")?)),
            },
            Some("header") => {
                if m.shape.kind == ShapeKind::List && v.as_array().is_some_and(|a| a.is_empty()) {
                    continue;
                }
                s.headers.push((name, header_value(model, m, v)?));
            }
            Some("headers") => {
                if let Value::Object(obj) = v {
                    for (k, x) in obj {
                        s.headers.push((
                            format!("{name}{k}"),
                            x.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| x.to_string()),
                        ));
                    }
                }
            }
            _ => {
                body_args.insert(key.clone(), v.clone());
            }
        }
    }
    s.path = render_uri(&template, &uri_args)?;
    let payload = input.shape.payload.as_deref();
    let payload_member = payload
        .and_then(|p| input.shape.members.get(p))
        .and_then(|r| Member::of(model, r));
    let streaming =
        payload_member.is_some_and(|m| matches!(m.shape.kind, ShapeKind::Blob | ShapeKind::String));
    if streaming {
        if let Some(Value::String(text)) = payload.and_then(|p| params.get(p)) {
            s.body = text.as_bytes().to_vec();
        }
    } else if let (Some(p), Some(pm)) = (payload, payload_member) {
        s.body = match params.get(p) {
            Some(v) if !v.is_null() => body_bytes(model, pm, v, body, key_name(pm, p))?,
            _ => empty_body(body),
        };
    } else if !body_args.is_empty() {
        s.body = body_bytes(
            model,
            input,
            &Value::Object(body_args),
            body,
            key_name(input, ""),
        )?;
    } else if body == Body::Json && input.shape.members.values().any(|r| r.location.is_none()) {
        s.body = b"{}".to_vec();
    }
    if body == Body::Json && !streaming && !s.body.is_empty() && s.header("Content-Type").is_none()
    {
        s.headers
            .push(("Content-Type".into(), "application/json".into()));
    }
    Ok(s)
}

fn key_name<'m>(m: Member<'m>, default: &'m str) -> &'m str {
    m.name().unwrap_or(default)
}

fn empty_body(body: Body) -> Vec<u8> {
    match body {
        Body::Json => b"{}".to_vec(),
        Body::Xml => Vec::new(),
    }
}

fn body_bytes(
    model: &ServiceModel,
    m: Member<'_>,
    v: &Value,
    body: Body,
    root: &str,
) -> Result<Vec<u8>, WireError> {
    match body {
        Body::Json => {
            let obj = v.as_object().cloned().unwrap_or_default();
            let json = if m.shape.kind == ShapeKind::Structure && !m.shape.document {
                super::json::structure(model, m, &obj)?
            } else {
                super::json::value(model, m, v)?
            };
            Ok(pyrepr::json_dumps(&json).into_bytes())
        }
        Body::Xml => {
            if root.is_empty() {
                return Err(WireError::Param(
                    "the model gives the XML body no root element name".into(),
                ));
            }
            let mut out = String::new();
            super::xml::write(model, m, v, root, &mut out)?;
            Ok(out.into_bytes())
        }
    }
}

/// Fills `{Name}` and greedy `{Name+}` labels, percent-encoded as botocore encodes them.
fn render_uri(template: &str, args: &[(String, String)]) -> Result<String, WireError> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| WireError::Param(format!("bad URI template {template}")))?;
        let label = &after[..end];
        let (name, greedy) = match label.strip_suffix('+') {
            Some(n) => (n, true),
            None => (label, false),
        };
        let value = args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                WireError::Param(format!(
                    "{name} is required (it is part of the request path)"
                ))
            })?;
        if value.is_empty() {
            return Err(WireError::Param(format!(
                "{name} must not be empty (it is part of the request path)"
            )));
        }
        out.push_str(&percent_encode(value, if greedy { "/~" } else { "" }));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn header_value(model: &ServiceModel, m: Member<'_>, v: &Value) -> Result<String, WireError> {
    Ok(match (m.shape.kind, v) {
        (ShapeKind::Timestamp, v) => {
            let t = to_time(v)?;
            let whole = chrono::DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
            format_time(whole, m.timestamp_format().unwrap_or("rfc822")).text()
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = crate::traits::child(model, m.shape.member.as_deref())
                .ok_or_else(|| WireError::Param("list without member".into()))?;
            let mut parts = Vec::new();
            for i in items.iter().filter(|i| !i.is_null()) {
                if member.shape.kind == ShapeKind::String {
                    let s = i.as_str().unwrap_or_default();
                    parts.push(if s.contains('"') || s.contains(',') {
                        format!("\"{}\"", s.replace('"', "\\\""))
                    } else {
                        s.to_string()
                    });
                } else {
                    parts.push(header_value(model, member, i)?);
                }
            }
            parts.join(",")
        }
        (_, v) if m.r.jsonvalue => base64(pyrepr::json_dumps_compact(v).as_bytes()),
        _ => scalar_text(m, v, "rfc822")?,
    })
}
