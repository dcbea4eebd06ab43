//! `aws.partition`: botocore's `partitions.json`, compiled once.

use super::value::Val;
use super::EndpointError;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The partitions of `partitions.json`, with their region patterns compiled.
#[derive(Debug)]
pub struct Partitions {
    list: Vec<Partition>,
}

#[derive(Debug)]
struct Partition {
    /// `regionRegex`, compiled on first use as `^(?:...)` (most lookups hit a listed
    /// region and never need it); `None` when it does not compile (never matches).
    pattern: Option<String>,
    regex: OnceLock<Option<regex::Regex>>,
    /// Region name → the partition's outputs with that region's overrides.
    regions: HashMap<String, Val>,
    outputs: Val,
}

impl Partitions {
    /// Compiles `partitions.json`.
    pub fn parse(data: &serde_json::Value) -> Result<Partitions, EndpointError> {
        let bad = |m: &str| EndpointError::Partitions(m.to_string());
        let items = data
            .get("partitions")
            .and_then(|p| p.as_array())
            .ok_or_else(|| bad("no 'partitions' list"))?;
        let mut list = Vec::with_capacity(items.len());
        for p in items {
            let id = p
                .get("id")
                .and_then(|v| v.as_str())
                .ok_or_else(|| bad("a partition has no 'id'"))?;
            let outputs_json = p
                .get("outputs")
                .and_then(|v| v.as_object())
                .ok_or_else(|| {
                    EndpointError::Partitions(format!("partition {id} has no 'outputs'"))
                })?;
            let pattern = p
                .get("regionRegex")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let outputs = outputs_with(outputs_json, None, id);
            let mut regions = HashMap::new();
            if let Some(rs) = p.get("regions").and_then(|v| v.as_object()) {
                for (name, overrides) in rs {
                    let overrides = overrides.as_object().filter(|o| {
                        o.keys()
                            .any(|k| k != "name" && outputs_json.contains_key(k))
                    });
                    let out = match overrides {
                        Some(o) => outputs_with(outputs_json, Some(o), id),
                        None => outputs.clone(),
                    };
                    regions.insert(name.clone(), out);
                }
            }
            list.push(Partition {
                pattern,
                regex: OnceLock::new(),
                regions,
                outputs,
            });
        }
        Ok(Partitions { list })
    }

    /// `aws.partition(region)`: the first partition listing the region or whose pattern
    /// matches it; the first partition (`aws`) otherwise, and for an unset region (as
    /// botocore does).
    pub(crate) fn lookup(&self, region: &Val) -> Result<Val, EndpointError> {
        let first = || {
            self.list.first().map(|p| p.outputs.clone()).ok_or_else(|| {
                EndpointError::Partitions("partitions.json lists no partition".into())
            })
        };
        let region = match region {
            Val::Null => return first(),
            Val::Str(s) => s,
            other => {
                return Err(EndpointError::Evaluation(format!(
                    "aws.partition expects a string, not <class '{}'>",
                    other.py_type()
                )))
            }
        };
        for p in &self.list {
            if let Some(out) = p.regions.get(&**region) {
                return Ok(out.clone());
            }
            let re = p.regex.get_or_init(|| {
                p.pattern
                    .as_ref()
                    .and_then(|r| regex::Regex::new(&format!("^(?:{r})")).ok())
            });
            if let Some(re) = re {
                // Python's `$` also matches before a final newline.
                if re.is_match(region) || region.strip_suffix('\n').is_some_and(|r| re.is_match(r))
                {
                    return Ok(p.outputs.clone());
                }
            }
        }
        first()
    }
}

/// The outputs object with `name` = the partition id and any region-level override of an
/// output field.
fn outputs_with(
    outputs: &serde_json::Map<String, serde_json::Value>,
    overrides: Option<&serde_json::Map<String, serde_json::Value>>,
    id: &str,
) -> Val {
    let mut fields: Vec<(Arc<str>, Val)> = outputs
        .iter()
        .map(|(k, v)| {
            let v = overrides
                .and_then(|o| o.get(k))
                .filter(|_| k != "name")
                .unwrap_or(v);
            (Arc::from(k.as_str()), Val::from_json(v))
        })
        .collect();
    match fields.iter_mut().find(|(k, _)| &**k == "name") {
        Some((_, v)) => *v = Val::str(id),
        None => fields.push((Arc::from("name"), Val::str(id))),
    }
    Val::Obj(Arc::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Partitions {
        Partitions::parse(&json!({"partitions": [
            {"id": "aws", "regionRegex": "^(us|eu)\\-\\w+\\-\\d+$",
             "regions": {"aws-global": {"description": "global"}, "us-east-1": {"dnsSuffix": "override.example"}},
             "outputs": {"name": "aws", "dnsSuffix": "amazonaws.com", "supportsFIPS": true}},
            {"id": "aws-cn", "regionRegex": "^cn\\-\\w+\\-\\d+$", "regions": {},
             "outputs": {"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "supportsFIPS": true}},
            {"id": "broken", "regionRegex": "(", "regions": {"x-1": {}},
             "outputs": {"dnsSuffix": "x"}}
        ]}))
        .unwrap()
    }

    fn name(p: &Partitions, r: Val) -> String {
        p.lookup(&r).unwrap().field("name").unwrap().py_str()
    }

    #[test]
    fn matching() {
        let p = sample();
        assert_eq!(name(&p, Val::str("eu-west-1")), "aws");
        assert_eq!(name(&p, Val::str("aws-global")), "aws");
        assert_eq!(name(&p, Val::str("cn-north-1")), "aws-cn");
        assert_eq!(name(&p, Val::str("mars-east-1")), "aws");
        assert_eq!(name(&p, Val::Null), "aws");
        assert_eq!(name(&p, Val::str("x-1")), "broken");
        assert_eq!(name(&p, Val::str("cn-north-1\n")), "aws-cn");
        assert!(p.lookup(&Val::Bool(true)).is_err());
    }

    #[test]
    fn region_overrides() {
        let p = sample();
        let o = p.lookup(&Val::str("us-east-1")).unwrap();
        assert_eq!(o.field("dnsSuffix"), Some(&Val::str("override.example")));
        let o = p.lookup(&Val::str("us-west-2")).unwrap();
        assert_eq!(o.field("dnsSuffix"), Some(&Val::str("amazonaws.com")));
        assert_eq!(o.field("supportsFIPS"), Some(&Val::Bool(true)));
    }

    #[test]
    fn malformed() {
        assert!(Partitions::parse(&json!({})).is_err());
        assert!(Partitions::parse(&json!({"partitions": [{"outputs": {}}]})).is_err());
        let empty = Partitions::parse(&json!({"partitions": []})).unwrap();
        assert!(empty.lookup(&Val::str("us-east-1")).is_err());
    }
}
