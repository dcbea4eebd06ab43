//! The `query` and `ec2` protocols: form-encoded bodies with `Action` and `Version`.

use super::{given_members, scalar_text, Serialized};
use crate::error::WireError;
use crate::traits::{child, Member};
use awsmodel::{Operation, ServiceModel, ShapeKind};
use serde_json::{Map, Value};

pub(super) fn serialize(
    model: &ServiceModel,
    op: &Operation,
    params: &Map<String, Value>,
    ec2: bool,
) -> Result<Serialized, WireError> {
    let mut s = Serialized::new(&op.http.method);
    s.headers.push((
        "Content-Type".into(),
        "application/x-www-form-urlencoded; charset=utf-8".into(),
    ));
    let mut pairs = vec![
        ("Action".to_string(), op.wire_name.clone()),
        ("Version".to_string(), model.metadata.api_version.clone()),
    ];
    if let Some(input) = op.input.as_ref().and_then(|r| Member::of(model, r)) {
        let q = Q { model, ec2 };
        for (key, r, v) in given_members(&input.shape.members, params) {
            let Some(member) = Member::of(model, r) else {
                continue;
            };
            q.value(&mut pairs, member, v, &q.name(member, key))?;
        }
    }
    s.body = super::encode_form(&pairs).into_bytes();
    Ok(s)
}

struct Q<'m> {
    model: &'m ServiceModel,
    ec2: bool,
}

impl Q<'_> {
    /// The name a member takes in the form: EC2 prefers `queryName`, then a capitalised
    /// `locationName`.
    fn name(&self, m: Member<'_>, default: &str) -> String {
        if self.ec2 {
            if let Some(q) = &m.r.query_name {
                return q.to_string();
            }
            if let Some(n) = m.name() {
                let mut c = n.chars();
                return match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                    None => String::new(),
                };
            }
            return default.to_string();
        }
        m.name().unwrap_or(default).to_string()
    }

    fn value(
        &self,
        out: &mut Vec<(String, String)>,
        m: Member<'_>,
        v: &Value,
        prefix: &str,
    ) -> Result<(), WireError> {
        match (m.shape.kind, v) {
            (ShapeKind::Structure, Value::Object(obj)) => {
                for (k, x) in obj {
                    if x.is_null() {
                        continue;
                    }
                    let Some(member) = m
                        .shape
                        .members
                        .get(k)
                        .and_then(|r| Member::of(self.model, r))
                    else {
                        return Err(WireError::Param(format!("unknown member {k}")));
                    };
                    let p = format!("{prefix}.{}", self.name(member, k));
                    self.value(out, member, x, &p)?;
                }
            }
            (ShapeKind::List, Value::Array(items)) => {
                let member = child(self.model, m.shape.member.as_deref())
                    .ok_or_else(|| WireError::Param("list without member".into()))?;
                if self.ec2 {
                    for (i, x) in items.iter().enumerate() {
                        self.value(out, member, x, &format!("{prefix}.{}", i + 1))?;
                    }
                    return Ok(());
                }
                if items.is_empty() {
                    out.push((prefix.to_string(), String::new()));
                    return Ok(());
                }
                let list_prefix = if m.flattened() {
                    match member.name() {
                        Some(n) => {
                            let mut parts: Vec<&str> = prefix.split('.').collect();
                            parts.pop();
                            parts.push(n);
                            parts.join(".")
                        }
                        None => prefix.to_string(),
                    }
                } else {
                    format!("{prefix}.{}", member.name().unwrap_or("member"))
                };
                for (i, x) in items.iter().enumerate() {
                    self.value(out, member, x, &format!("{list_prefix}.{}", i + 1))?;
                }
            }
            (ShapeKind::Map, Value::Object(obj)) => {
                let km = child(self.model, m.shape.key.as_deref())
                    .ok_or_else(|| WireError::Param("map without key".into()))?;
                let vm = child(self.model, m.shape.value.as_deref())
                    .ok_or_else(|| WireError::Param("map without value".into()))?;
                let full = if m.flattened() {
                    prefix.to_string()
                } else {
                    format!("{prefix}.entry")
                };
                let (ks, vs) = (km.name().unwrap_or("key"), vm.name().unwrap_or("value"));
                for (i, (k, x)) in obj.iter().enumerate() {
                    out.push((format!("{full}.{}.{ks}", i + 1), k.clone()));
                    self.value(out, vm, x, &format!("{full}.{}.{vs}", i + 1))?;
                }
            }
            _ => out.push((prefix.to_string(), scalar_text(m, v, "iso8601")?)),
        }
        Ok(())
    }
}
