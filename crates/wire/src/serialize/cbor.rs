//! `smithy-rpc-v2-cbor`: a CBOR body (definite lengths, shortest integer encodings, tag 1
//! timestamps) posted to `/service/{Service}/operation/{Operation}`.

use super::{format_time, given_members, to_time, Serialized, Stamp};
use crate::error::WireError;
use crate::traits::{child, Member};
use awsmodel::{Operation, ServiceModel, ShapeKind};
use serde_json::{Map, Value};

pub(super) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
) -> Result<Serialized, WireError> {
    let mut s = Serialized::new("POST");
    let service = model.metadata.target_prefix.as_deref().unwrap_or_default();
    s.path = format!("/service/{service}/operation/{}", op.name);
    if let Some(input) = op.input.as_ref().and_then(|r| Member::of(model, r)) {
        let mut body = Vec::new();
        let entries: Vec<(String, Member<'_>, &Value)> =
            given_members(&input.shape.members, params)
                .filter_map(|(k, r, v)| {
                    Member::of(model, r).map(|m| (m.name().unwrap_or(k).to_string(), m, v))
                })
                .collect();
        head(&mut body, 5, entries.len() as u64);
        for (name, m, v) in entries {
            text(&mut body, &name);
            item(model, m, v, &mut body)?;
        }
        s.body = body;
    }
    s.headers
        .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
    if model.metadata.aws_query_compatible.is_some() {
        s.headers.push(("x-amzn-query-mode".into(), "true".into()));
    }
    s.headers.push(("Accept".into(), "application/cbor".into()));
    if !s.body.is_empty() {
        s.headers
            .push(("Content-Type".into(), "application/cbor".into()));
    }
    Ok(s)
}

/// A major type and its argument in the shortest form.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u8::MAX as u64 {
        out.extend([m | 24, n as u8]);
    } else if n <= u16::MAX as u64 {
        out.push(m | 25);
        out.extend((n as u16).to_be_bytes());
    } else if n <= u32::MAX as u64 {
        out.push(m | 26);
        out.extend((n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend(n.to_be_bytes());
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend(s.as_bytes());
}

fn int(out: &mut Vec<u8>, i: i64) {
    if i >= 0 {
        head(out, 0, i as u64);
    } else {
        head(out, 1, (-1 - i) as u64);
    }
}

fn special(out: &mut Vec<u8>, f: f64) -> bool {
    let bytes: &[u8] = if f.is_nan() {
        &[0xf9, 0x7e, 0x00]
    } else if f == f64::INFINITY {
        &[0xf9, 0x7c, 0x00]
    } else if f == f64::NEG_INFINITY {
        &[0xf9, 0xfc, 0x00]
    } else {
        return false;
    };
    out.extend(bytes);
    true
}

fn double(out: &mut Vec<u8>, f: f64) {
    if !special(out, f) {
        out.push(0xfb);
        out.extend(f.to_be_bytes());
    }
}

fn item(
    model: &ServiceModel,
    m: Member<'_>,
    v: &Value,
    out: &mut Vec<u8>,
) -> Result<(), WireError> {
    match (m.shape.kind, v) {
        (ShapeKind::Structure, Value::Object(obj)) => {
            let entries: Vec<(&String, &Value)> =
                obj.iter().filter(|(_, x)| !x.is_null()).collect();
            head(out, 5, entries.len() as u64);
            for (k, x) in entries {
                let member = m
                    .shape
                    .members
                    .get(k)
                    .and_then(|r| Member::of(model, r))
                    .ok_or_else(|| WireError::Param(format!("unknown member {k}")))?;
                text(out, member.name().unwrap_or(k));
                item(model, member, x, out)?;
            }
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = child(model, m.shape.member.as_deref())
                .ok_or_else(|| WireError::Param("list without member".into()))?;
            head(out, 4, items.len() as u64);
            for i in items {
                item(model, member, i, out)?;
            }
        }
        (ShapeKind::Map, Value::Object(obj)) => {
            let km = child(model, m.shape.key.as_deref())
                .ok_or_else(|| WireError::Param("map without key".into()))?;
            let vm = child(model, m.shape.value.as_deref())
                .ok_or_else(|| WireError::Param("map without value".into()))?;
            head(out, 5, obj.len() as u64);
            for (k, x) in obj {
                item(model, km, &Value::String(k.clone()), out)?;
                item(model, vm, x, out)?;
            }
        }
        (ShapeKind::Integer | ShapeKind::Long, Value::Number(n)) => int(
            out,
            n.as_i64()
                .ok_or_else(|| WireError::Param(format!("{n} is not a whole number")))?,
        ),
        (ShapeKind::Float, Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            if !special(out, f) {
                out.push(0xfa);
                out.extend((f as f32).to_be_bytes());
            }
        }
        (ShapeKind::Double, Value::Number(n)) => double(out, n.as_f64().unwrap_or(0.0)),
        (ShapeKind::Boolean, Value::Bool(b)) => out.push(if *b { 0xf5 } else { 0xf4 }),
        (ShapeKind::Blob, Value::String(s)) => {
            head(out, 2, s.len() as u64);
            out.extend(s.as_bytes());
        }
        (ShapeKind::Timestamp, v) => {
            out.push(0xc1);
            match format_time(to_time(v)?, "unixtimestamp") {
                Stamp::Float(f) => double(out, f),
                Stamp::Int(i) => int(out, i),
                Stamp::Text(t) => text(out, &t),
            }
        }
        (_, Value::String(s)) => text(out, s),
        (_, other) => {
            return Err(WireError::Param(format!(
                "cannot encode {other} as {}",
                m.shape.kind.name()
            )))
        }
    }
    Ok(())
}
