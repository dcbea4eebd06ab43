//! Reading the XML protocols' responses (`query`, `ec2`, `rest-xml`) and errors.

use super::dom::{self, Node};
use super::{request_id, scalar_from_text, AwsError, ParseFailure, Response};
use crate::traits::{child, Member};
use awsmodel::{ServiceModel, ShapeKind};
use serde_json::{Map, Value};

fn root(resp: &Response) -> Result<Node, ParseFailure> {
    dom::parse(&resp.body).map_err(|e| {
        let shown = String::from_utf8_lossy(&resp.body[..resp.body.len().min(200)]).into_owned();
        ParseFailure::Malformed(format!("the response is not valid XML ({e}): {shown}"))
    })
}

/// `query` and `ec2`: the result wrapper element (query) or the root (ec2) is the output.
pub(super) fn query(
    model: &ServiceModel,
    out: Member<'_>,
    resp: &Response,
    ec2: bool,
) -> Result<Value, ParseFailure> {
    let root = root(resp)?;
    let wrapper = result_wrapper(out);
    let start = match (ec2, wrapper) {
        (false, Some(w)) => root
            .child(w)
            .ok_or_else(|| ParseFailure::Malformed(format!("the response has no {w} element")))?,
        _ => &root,
    };
    structure(model, out, &[start])
}

fn result_wrapper<'m>(out: Member<'m>) -> Option<&'m str> {
    out.r.result_wrapper.as_deref()
}

/// `rest-xml`: header-bound members, then the payload member or the body.
pub(super) fn rest(
    model: &ServiceModel,
    out: Member<'_>,
    resp: &Response,
) -> Result<Value, ParseFailure> {
    super::rest_result(model, out, resp, true, |m, top| {
        let root = root(resp)?;
        if top {
            structure(model, m, &[&root]).map(Some)
        } else {
            value(model, m, &[&root]).map(Some)
        }
    })
}

fn structure(model: &ServiceModel, m: Member<'_>, nodes: &[&Node]) -> Result<Value, ParseFailure> {
    let Some(node) = nodes.first() else {
        return Ok(Value::Object(Map::new()));
    };
    let mut out = Map::new();
    for (name, r) in &m.shape.members {
        let Some(member) = Member::of(model, r) else {
            continue;
        };
        if member.location().is_some() {
            continue;
        }
        if member.r.xml_attribute {
            let attr = member.name().unwrap_or(name);
            let local = attr.rsplit(':').next().unwrap_or(attr);
            if let Some((_, v)) = node
                .attrs
                .iter()
                .find(|(k, _)| k == attr || k.rsplit(':').next() == Some(local))
            {
                out.insert(name.clone(), Value::String(v.clone()));
            }
            continue;
        }
        let key = if member.shape.kind == ShapeKind::List && member.flattened() {
            child(model, member.shape.member.as_deref())
                .and_then(|c| c.name())
                .or(member.name())
                .unwrap_or(name)
        } else {
            member.name().unwrap_or(name)
        };
        let found: Vec<&Node> = node.all(key).collect();
        if found.is_empty() {
            continue;
        }
        out.insert(name.clone(), value(model, member, &found)?);
    }
    Ok(Value::Object(out))
}

fn value(model: &ServiceModel, m: Member<'_>, nodes: &[&Node]) -> Result<Value, ParseFailure> {
    match m.shape.kind {
        ShapeKind::Structure => structure(model, m, nodes),
        ShapeKind::List => {
            let member = child(model, m.shape.member.as_deref())
                .ok_or_else(|| ParseFailure::Malformed("list without member".into()))?;
            let items: Vec<&Node> = if m.flattened() {
                nodes.to_vec()
            } else {
                let name = member.name().unwrap_or("member");
                nodes
                    .first()
                    .map(|n| n.all(name).collect())
                    .unwrap_or_default()
            };
            items
                .iter()
                .map(|n| value(model, member, &[*n]))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        ShapeKind::Map => {
            let km = child(model, m.shape.key.as_deref())
                .ok_or_else(|| ParseFailure::Malformed("map without key".into()))?;
            let vm = child(model, m.shape.value.as_deref())
                .ok_or_else(|| ParseFailure::Malformed("map without value".into()))?;
            let (kn, vn) = (km.name().unwrap_or("key"), vm.name().unwrap_or("value"));
            let entries: Vec<&Node> = if m.flattened() {
                nodes.to_vec()
            } else {
                nodes
                    .first()
                    .map(|n| n.all("entry").collect())
                    .unwrap_or_default()
            };
            let mut out = Map::new();
            for e in entries {
                let k = e.child(kn).map(|n| n.text.clone()).unwrap_or_default();
                let v = match e.child(vn) {
                    Some(n) => value(model, vm, &[n])?,
                    None => Value::Null,
                };
                out.insert(k, v);
            }
            Ok(Value::Object(out))
        }
        ShapeKind::Blob => Ok(Value::String(
            nodes
                .first()
                .map(|n| n.text.trim().to_string())
                .unwrap_or_default(),
        )),
        _ => scalar_from_text(m, nodes.first().map(|n| n.text.as_str()).unwrap_or("")),
    }
}

/// The error in an XML response: `<ErrorResponse><Error>` (query, rest-xml), `<Response><Errors><Error>`
/// (ec2) or a bare `<Error>` (S3).
pub(super) fn error(resp: &Response) -> Option<AwsError> {
    let root = dom::parse(&resp.body).ok()?;
    let err = if root.name == "Error" {
        &root
    } else {
        root.child("Error")
            .or_else(|| root.child("Errors").and_then(|e| e.child("Error")))?
    };
    let text = |n: &str| err.child(n).map(|c| c.text.clone());
    let rid = root
        .child("RequestId")
        .or_else(|| root.child("RequestID"))
        .or_else(|| err.child("RequestId"))
        .map(|n| n.text.clone())
        .or_else(|| request_id(resp));
    Some(AwsError {
        code: text("Code").unwrap_or_default(),
        message: text("Message").unwrap_or_default(),
        status: resp.status,
        request_id: rid,
    })
}
