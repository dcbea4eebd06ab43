//! Identity-policy documents: parsed and validated as IAM does, every problem reported with
//! the statement and field it is in.

use crate::action::{check_action, ActionSet};
use crate::arn::ArnPattern;
use crate::condition::{Condition, ConditionError};
use crate::json::Json;
use crate::statement::{Effect, ResourcePattern, Statement};
use std::collections::HashSet;
use std::fmt;

/// The policy language version; variables exist only in 2012-10-17.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012,
    /// 2008-10-17, or no Version at all.
    V2008,
}

/// A named, validated identity policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub version: Version,
    pub statements: Vec<Statement>,
}

/// One problem in a document: where (`Statement[1].Effect`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub policy: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy \"{}\" is invalid: ", self.policy)?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Policy {
    /// Parses a document from text.
    pub fn parse(name: &str, text: &str) -> Result<Policy, PolicyError> {
        match Json::parse(text) {
            Ok(j) => Policy::from_json(name, &j),
            Err(e) => Err(PolicyError {
                policy: name.to_string(),
                problems: vec![Problem {
                    path: String::new(),
                    message: e.to_string(),
                }],
            }),
        }
    }

    /// Validates a document already read as JSON.
    pub fn from_json(name: &str, doc: &Json) -> Result<Policy, PolicyError> {
        let mut v = Validator::default();
        let policy = v.document(name, doc);
        match policy {
            Some(p) if v.problems.is_empty() => Ok(p),
            _ => Err(PolicyError {
                policy: name.to_string(),
                problems: v.problems,
            }),
        }
    }

    /// Validates a `serde_json::Value` document.
    pub fn from_value(name: &str, doc: &serde_json::Value) -> Result<Policy, PolicyError> {
        Policy::from_json(name, &Json::from_value(doc))
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The entries of an object, each key once; duplicates are reported.
    fn object<'j>(&mut self, path: &str, j: &'j Json) -> Option<Vec<(&'j str, &'j Json)>> {
        let Json::Object(entries) = j else {
            let what = if path.is_empty() { "the policy" } else { path };
            self.problem(
                path,
                format!("{what} must be a JSON object, not {}", j.kind()),
            );
            return None;
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (k, v) in entries {
            if seen.insert(k.as_str()) {
                out.push((k.as_str(), v));
            } else {
                self.problem(&join(path, k), format!("\"{k}\" appears more than once"));
            }
        }
        Some(out)
    }

    fn document(&mut self, name: &str, doc: &Json) -> Option<Policy> {
        let entries = self.object("", doc)?;
        let mut version = Version::V2008;
        let mut statement = None;
        for (k, v) in &entries {
            match *k {
                "Version" => match v {
                    Json::String(s) if s == "2012-10-17" => version = Version::V2012,
                    Json::String(s) if s == "2008-10-17" => version = Version::V2008,
                    _ => self.problem(
                        "Version",
                        format!(
                            "must be \"2012-10-17\" (or the old \"2008-10-17\"), not {}",
                            shown(v)
                        ),
                    ),
                },
                "Id" => {
                    if !matches!(v, Json::String(_)) {
                        self.problem("Id", format!("must be a string, not {}", v.kind()));
                    }
                }
                "Statement" => statement = Some(*v),
                other => self.problem(
                    "",
                    format!(
                        "unknown top-level key \"{other}\" (a policy has Version, Id and Statement)"
                    ),
                ),
            }
        }
        let items: Vec<&Json> = match statement {
            None => {
                self.problem(
                    "Statement",
                    "missing: a policy needs at least one statement",
                );
                return None;
            }
            Some(Json::Array(a)) if a.is_empty() => {
                self.problem(
                    "Statement",
                    "is empty: a policy needs at least one statement",
                );
                return None;
            }
            Some(Json::Array(a)) => a.iter().collect(),
            Some(o @ Json::Object(_)) => vec![o],
            Some(other) => {
                self.problem(
                    "Statement",
                    format!(
                        "must be a statement object or an array of them, not {}",
                        other.kind()
                    ),
                );
                return None;
            }
        };
        let variables = version == Version::V2012;
        let mut statements = Vec::new();
        let mut sids = HashSet::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("Statement[{i}]");
            if let Some(s) = self.statement(&path, i, item, variables) {
                if let Some(sid) = &s.sid {
                    if !sids.insert(sid.clone()) {
                        self.problem(
                            &format!("{path}.Sid"),
                            format!("Sid \"{sid}\" is used by an earlier statement; Sids must be unique"),
                        );
                    }
                }
                statements.push(s);
            }
        }
        Some(Policy {
            name: name.to_string(),
            version,
            statements,
        })
    }

    fn statement(&mut self, path: &str, index: usize, j: &Json, vars: bool) -> Option<Statement> {
        let entries = self.object(path, j)?;
        let before = self.problems.len();
        let mut sid = None;
        let mut effect = None;
        let mut action: Option<(bool, Vec<String>)> = None;
        let mut resource: Option<(bool, Vec<ResourcePattern>)> = None;
        let mut conditions = Vec::new();
        for (k, v) in &entries {
            let at = join(path, k);
            match *k {
                "Sid" => match v {
                    Json::String(s) if s.chars().all(|c| c.is_ascii_alphanumeric()) => {
                        sid = (!s.is_empty()).then(|| s.clone())
                    }
                    Json::String(s) => self.problem(
                        &at,
                        format!("\"{s}\" may hold only letters and digits (A-Z, a-z, 0-9)"),
                    ),
                    _ => self.problem(&at, format!("must be a string, not {}", v.kind())),
                },
                "Effect" => match v {
                    Json::String(s) if s == "Allow" => effect = Some(Effect::Allow),
                    Json::String(s) if s == "Deny" => effect = Some(Effect::Deny),
                    _ => self.problem(
                        &at,
                        format!("must be \"Allow\" or \"Deny\" (case-sensitive), not {}", shown(v)),
                    ),
                },
                "Action" | "NotAction" => {
                    let list = self.actions(&at, v);
                    if action.is_some() {
                        self.problem(&at, "a statement has either Action or NotAction, not both");
                    } else if let Some(list) = list {
                        action = Some((*k == "NotAction", list));
                    }
                }
                "Resource" | "NotResource" => {
                    let list = self.resources(&at, v, vars);
                    if resource.is_some() {
                        self.problem(
                            &at,
                            "a statement has either Resource or NotResource, not both",
                        );
                    } else if let Some(list) = list {
                        resource = Some((*k == "NotResource", list));
                    }
                }
                "Condition" => conditions = self.conditions(&at, v, vars),
                "Principal" | "NotPrincipal" => self.problem(
                    &at,
                    format!("{k} belongs in resource and trust policies; an identity policy must not name one"),
                ),
                other => self.problem(
                    path,
                    format!(
                        "unknown key \"{other}\" (a statement has Sid, Effect, Action or NotAction, Resource or NotResource, and Condition)"
                    ),
                ),
            }
        }
        if effect.is_none() && !entries.iter().any(|(k, _)| *k == "Effect") {
            self.problem(&join(path, "Effect"), "missing: say \"Allow\" or \"Deny\"");
        }
        if action.is_none()
            && !entries
                .iter()
                .any(|(k, _)| *k == "Action" || *k == "NotAction")
        {
            self.problem(
                &join(path, "Action"),
                "missing: a statement needs Action or NotAction",
            );
        }
        if resource.is_none()
            && !entries
                .iter()
                .any(|(k, _)| *k == "Resource" || *k == "NotResource")
        {
            self.problem(
                &join(path, "Resource"),
                "missing: an identity-policy statement needs Resource or NotResource (\"*\" for all)",
            );
        }
        if self.problems.len() > before {
            return None;
        }
        let (not_action, actions) = action?;
        let (not_resource, resources) = resource?;
        Some(Statement {
            index,
            sid,
            effect: effect?,
            not_action,
            actions: ActionSet::new(&actions),
            not_resource,
            resources,
            conditions,
        })
    }

    /// A string or a non-empty array of strings.
    fn strings(&mut self, at: &str, v: &Json) -> Option<Vec<String>> {
        match v {
            Json::String(s) => Some(vec![s.clone()]),
            Json::Array(a) if a.is_empty() => {
                self.problem(at, "is an empty list: give at least one value");
                None
            }
            Json::Array(a) => {
                let mut out = Vec::new();
                for item in a {
                    match item {
                        Json::String(s) => out.push(s.clone()),
                        other => {
                            self.problem(
                                at,
                                format!("list items must be strings, not {}", other.kind()),
                            );
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.problem(
                    at,
                    format!(
                        "must be a string or a list of strings, not {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    fn actions(&mut self, at: &str, v: &Json) -> Option<Vec<String>> {
        let list = self.strings(at, v)?;
        let mut ok = true;
        for a in &list {
            if let Err(e) = check_action(a) {
                self.problem(at, e.to_string());
                ok = false;
            }
        }
        ok.then_some(list)
    }

    fn resources(&mut self, at: &str, v: &Json, vars: bool) -> Option<Vec<ResourcePattern>> {
        let list = self.strings(at, v)?;
        let mut out = Vec::new();
        for r in &list {
            if r == "*" {
                out.push(ResourcePattern::Any);
                continue;
            }
            match ArnPattern::resource(r, vars) {
                Ok(p) => out.push(ResourcePattern::Arn(p)),
                Err(e) => self.problem(at, e.to_string()),
            }
        }
        (out.len() == list.len()).then_some(out)
    }

    fn conditions(&mut self, at: &str, v: &Json, vars: bool) -> Vec<Condition> {
        let mut out = Vec::new();
        let Some(ops) = self.object(at, v) else {
            return out;
        };
        for (op, keys) in ops {
            let op_at = join(at, op);
            let Some(keys) = self.object(&op_at, keys) else {
                continue;
            };
            if keys.is_empty() {
                self.problem(&op_at, "names no condition key");
            }
            for (key, vals) in keys {
                let key_at = join(&op_at, key);
                let Some(raw) = self.condition_values(&key_at, vals) else {
                    continue;
                };
                match Condition::new(op, key, &raw, vars) {
                    Ok(c) => out.push(c),
                    Err(ConditionError::Operator(m)) => {
                        self.problem(&op_at, m);
                        break;
                    }
                    Err(ConditionError::Value(m)) => self.problem(&key_at, m),
                }
            }
        }
        out
    }

    /// Condition values: strings, numbers or booleans, alone or in a non-empty list.
    fn condition_values(&mut self, at: &str, v: &Json) -> Option<Vec<String>> {
        if let Some(s) = v.as_scalar() {
            return Some(vec![s]);
        }
        match v {
            Json::Array(a) if a.is_empty() => {
                self.problem(at, "is an empty list: give at least one value");
                None
            }
            Json::Array(a) => match a.iter().map(Json::as_scalar).collect::<Option<Vec<_>>>() {
                Some(list) => Some(list),
                None => {
                    self.problem(at, "list items must be strings, numbers or booleans");
                    None
                }
            },
            other => {
                self.problem(
                    at,
                    format!(
                        "must be a string, number, boolean or a list of them, not {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn shown(v: &Json) -> String {
    match v {
        Json::String(s) => format!("\"{s}\""),
        other => other.kind().to_string(),
    }
}
