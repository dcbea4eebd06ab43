//! The `json` protocol (`X-Amz-Target`) and the JSON bodies of `rest-json`.

use super::{base64, format_time, given_members, to_time, Serialized};
use crate::error::WireError;
use crate::traits::{child, Member};
use awsmodel::{Operation, ServiceModel, ShapeKind};
use serde_json::{Map, Value};

pub(super) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
) -> Result<Serialized, WireError> {
    let mut s = Serialized::new(&op.http.method);
    let target = format!(
        "{}.{}",
        model.metadata.target_prefix.as_deref().unwrap_or_default(),
        op.wire_name
    );
    let version = model.metadata.json_version.as_deref().unwrap_or("1.0");
    s.headers.push(("X-Amz-Target".into(), target));
    s.headers.push((
        "Content-Type".into(),
        format!("application/x-amz-json-{version}"),
    ));
    if model.metadata.aws_query_compatible.is_some() {
        s.headers.push(("x-amzn-query-mode".into(), "true".into()));
    }
    let body = match op.input.as_ref().and_then(|r| Member::of(model, r)) {
        Some(input) => structure(model, input, params)?,
        None => Value::Object(Map::new()),
    };
    s.body = pyrepr::json_dumps(&body).into_bytes();
    Ok(s)
}

/// A structure's members as a JSON object, top-level members in the model's order.
pub(crate) fn structure(
    model: &ServiceModel,
    m: Member<'_>,
    params: &Map<String, Value>,
) -> Result<Value, WireError> {
    let mut out = Map::new();
    for (key, r, v) in given_members(&m.shape.members, params) {
        let Some(member) = Member::of(model, r) else {
            continue;
        };
        let name = member.name().unwrap_or(key).to_string();
        out.insert(name, value(model, member, v)?);
    }
    Ok(Value::Object(out))
}

/// One value as the JSON protocols write it.
pub(crate) fn value(model: &ServiceModel, m: Member<'_>, v: &Value) -> Result<Value, WireError> {
    if m.shape.document {
        return Ok(v.clone());
    }
    Ok(match (m.shape.kind, v) {
        (ShapeKind::Structure, Value::Object(obj)) => {
            // Nested structures keep the order the user gave.
            let mut out = Map::new();
            for (k, x) in obj {
                if x.is_null() {
                    continue;
                }
                let Some(member) = m.shape.members.get(k).and_then(|r| Member::of(model, r)) else {
                    return Err(WireError::Param(format!("unknown member {k}")));
                };
                out.insert(
                    member.name().unwrap_or(k).to_string(),
                    value(model, member, x)?,
                );
            }
            Value::Object(out)
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = child(model, m.shape.member.as_deref())
                .ok_or_else(|| WireError::Param("list without member".into()))?;
            Value::Array(
                items
                    .iter()
                    .map(|x| value(model, member, x))
                    .collect::<Result<_, _>>()?,
            )
        }
        (ShapeKind::Map, Value::Object(obj)) => {
            let vm = child(model, m.shape.value.as_deref())
                .ok_or_else(|| WireError::Param("map without value".into()))?;
            let mut out = Map::new();
            for (k, x) in obj {
                out.insert(k.clone(), value(model, vm, x)?);
            }
            Value::Object(out)
        }
        (ShapeKind::Timestamp, v) => {
            format_time(to_time(v)?, m.timestamp_format().unwrap_or("unixtimestamp")).json()
        }
        (ShapeKind::Blob, Value::String(s)) => Value::String(base64(s.as_bytes())),
        (ShapeKind::Float | ShapeKind::Double, Value::Number(n))
            if n.as_f64().is_some_and(|f| !f.is_finite()) =>
        {
            Value::String(pyrepr::number_str(n))
        }
        _ => v.clone(),
    })
}
