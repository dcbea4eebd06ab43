//! XML bodies of `rest-xml`, as Python's ElementTree writes them (no declaration,
//! `<Empty />`, attributes in order, namespaces on the element that declares them).

use super::{base64, format_time, to_time};
use crate::error::WireError;
use crate::traits::{child, Member};
use awsmodel::{ServiceModel, ShapeKind};
use serde_json::Value;

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape_attr(s: &str) -> String {
    escape_text(s)
        .replace('"', "&quot;")
        .replace('\r', "&#13;")
        .replace('\n', "&#10;")
        .replace('\t', "&#09;")
}

fn namespace_attr(m: Member<'_>) -> Option<(String, String)> {
    match m.xml_namespace()? {
        Value::String(uri) => Some(("xmlns".into(), uri.clone())),
        Value::Object(o) => {
            let uri = o.get("uri")?.as_str()?.to_string();
            match o
                .get("prefix")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
            {
                Some(p) => Some((format!("xmlns:{p}"), uri)),
                None => Some(("xmlns".into(), uri)),
            }
        }
        _ => None,
    }
}

fn open(out: &mut String, name: &str, attrs: &[(String, String)]) {
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        out.push_str(&format!(" {k}=\"{}\"", escape_attr(v)));
    }
}

fn leaf(out: &mut String, name: &str, attrs: &[(String, String)], text: &str) {
    open(out, name, attrs);
    if text.is_empty() {
        out.push_str(" />");
    } else {
        out.push('>');
        out.push_str(&escape_text(text));
        out.push_str(&format!("</{name}>"));
    }
}

/// An element holding already-written children (`<Name />` when there are none).
fn element(out: &mut String, name: &str, attrs: &[(String, String)], inner: &str) {
    open(out, name, attrs);
    if inner.is_empty() {
        out.push_str(" />");
    } else {
        out.push('>');
        out.push_str(inner);
        out.push_str(&format!("</{name}>"));
    }
}

/// Writes `v` as the element `name`.
pub(super) fn write(
    model: &ServiceModel,
    m: Member<'_>,
    v: &Value,
    name: &str,
    out: &mut String,
) -> Result<(), WireError> {
    let ns: Vec<(String, String)> = namespace_attr(m).into_iter().collect();
    match (m.shape.kind, v) {
        (ShapeKind::Structure, Value::Object(obj)) => {
            let mut attrs = ns;
            let mut inner = String::new();
            let entries: Vec<(&String, &Value)> = obj.iter().collect();
            for (k, x) in entries {
                if x.is_null() {
                    continue;
                }
                let Some(member) = m.shape.members.get(k).and_then(|r| Member::of(model, r)) else {
                    return Err(WireError::Param(format!("unknown member {k}")));
                };
                let mname = member.name().unwrap_or(k);
                if member.r.xml_attribute {
                    attrs.push((
                        mname.to_string(),
                        x.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string()),
                    ));
                    continue;
                }
                write(model, member, x, mname, &mut inner)?;
            }
            element(out, name, &attrs, &inner);
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = child(model, m.shape.member.as_deref())
                .ok_or_else(|| WireError::Param("list without member".into()))?;
            if m.flattened() {
                for i in items {
                    write(model, member, i, name, out)?;
                }
            } else {
                let item_name = member.name().unwrap_or("member");
                let mut inner = String::new();
                for i in items {
                    write(model, member, i, item_name, &mut inner)?;
                }
                element(out, name, &ns, &inner);
            }
        }
        (ShapeKind::Map, Value::Object(obj)) => {
            let km = child(model, m.shape.key.as_deref())
                .ok_or_else(|| WireError::Param("map without key".into()))?;
            let vm = child(model, m.shape.value.as_deref())
                .ok_or_else(|| WireError::Param("map without value".into()))?;
            let (kn, vn) = (km.name().unwrap_or("key"), vm.name().unwrap_or("value"));
            let mut entries = String::new();
            for (k, x) in obj {
                let mut e = String::new();
                write(model, km, &Value::String(k.clone()), kn, &mut e)?;
                write(model, vm, x, vn, &mut e)?;
                let tag = if m.flattened() { name } else { "entry" };
                entries.push_str(&format!("<{tag}>{e}</{tag}>"));
            }
            if m.flattened() {
                out.push_str(&entries);
            } else {
                open(out, name, &ns);
                out.push('>');
                out.push_str(&entries);
                out.push_str(&format!("</{name}>"));
            }
        }
        (ShapeKind::Boolean, Value::Bool(b)) => {
            leaf(out, name, &ns, if *b { "true" } else { "false" })
        }
        (ShapeKind::Blob, Value::String(s)) => leaf(out, name, &ns, &base64(s.as_bytes())),
        (ShapeKind::Timestamp, v) => {
            let text = format_time(to_time(v)?, m.timestamp_format().unwrap_or("iso8601")).text();
            leaf(out, name, &ns, &text)
        }
        (ShapeKind::Float | ShapeKind::Double, Value::Number(n)) => {
            leaf(out, name, &ns, &pyrepr::number_str(n))
        }
        (_, Value::String(s)) => leaf(out, name, &ns, s),
        (_, Value::Bool(b)) => leaf(out, name, &ns, if *b { "True" } else { "False" }),
        (_, other) => leaf(out, name, &ns, &other.to_string()),
    }
    Ok(())
}
