//! Action patterns (`s3:Get*`, `*`): case-insensitive, wildcards in the name only.

use crate::glob::Glob;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// A set of actions defined by data rather than listed (every Read or List action of the
/// access-level data set, for the built-in ReadOnly policy).
pub trait ActionClass: Send + Sync {
    /// Whether a lower-cased `service:name` belongs to the class.
    fn contains(&self, action: &str) -> bool;
    /// How the class is shown where a policy would list actions.
    fn describe(&self) -> String;
}

impl fmt::Debug for dyn ActionClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The actions a statement's `Action` or `NotAction` lists, compiled for fast lookup.
#[derive(Debug, Clone, Default)]
pub struct ActionSet {
    any: bool,
    /// Lower-cased `service:name` without wildcards.
    exact: HashSet<String>,
    /// (lower-cased service, lower-cased name pattern).
    globs: Vec<(String, Glob)>,
    classes: Vec<Arc<dyn ActionClass>>,
    /// As written, for explanations.
    written: Vec<String>,
}

impl ActionSet {
    /// Compiles validated patterns (see [`check_action`]).
    pub fn new(patterns: &[String]) -> ActionSet {
        let mut set = ActionSet {
            written: patterns.to_vec(),
            ..ActionSet::default()
        };
        for p in patterns {
            if p == "*" {
                set.any = true;
                continue;
            }
            let lower = p.to_ascii_lowercase();
            match lower.split_once(':') {
                Some((svc, name)) if name.contains(['*', '?']) => {
                    set.globs.push((svc.to_string(), Glob::new(name)));
                }
                Some(_) => {
                    set.exact.insert(lower);
                }
                None => {}
            }
        }
        set
    }

    /// A set holding one class of actions.
    pub fn from_class(class: Arc<dyn ActionClass>) -> ActionSet {
        ActionSet {
            written: vec![class.describe()],
            classes: vec![class],
            ..ActionSet::default()
        }
    }

    /// Whether a lower-cased `service:name` is listed.
    pub fn contains_lower(&self, action: &str) -> bool {
        if self.any || self.exact.contains(action) {
            return true;
        }
        if self.classes.iter().any(|c| c.contains(action)) {
            return true;
        }
        if self.globs.is_empty() {
            return false;
        }
        let Some((svc, name)) = action.split_once(':') else {
            return false;
        };
        self.globs.iter().any(|(s, g)| s == svc && g.matches(name))
    }

    /// The patterns as the policy wrote them.
    pub fn written(&self) -> &[String] {
        &self.written
    }
}

/// What is wrong with an action pattern (a validation problem of the policy).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    #[error("action \"{0}\" must be \"*\" or service:Action, e.g. \"s3:GetObject\" (the service prefix is missing)")]
    NoService(String),
    #[error("action \"{action}\": the service prefix \"{service}\" must be letters, digits and hyphens, without wildcards")]
    BadService { action: String, service: String },
    #[error("action \"{action}\": the action name after \"{service}:\" is empty")]
    EmptyName { action: String, service: String },
    #[error("action \"{0}\": policy variables are not allowed in actions")]
    Variable(String),
    #[error(
        "action \"{0}\": the action name may hold only letters, digits and the wildcards * and ?"
    )]
    BadName(String),
}

/// Checks one action pattern; `Err` says what is wrong.
pub fn check_action(a: &str) -> Result<(), ActionError> {
    if a == "*" {
        return Ok(());
    }
    let Some((svc, name)) = a.split_once(':') else {
        return Err(ActionError::NoService(a.to_string()));
    };
    if svc.is_empty() || !svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ActionError::BadService {
            action: a.to_string(),
            service: svc.to_string(),
        });
    }
    if name.is_empty() {
        return Err(ActionError::EmptyName {
            action: a.to_string(),
            service: svc.to_string(),
        });
    }
    if name.contains("${") {
        return Err(ActionError::Variable(a.to_string()));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "*?-_.".contains(c))
    {
        return Err(ActionError::BadName(a.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(p: &[&str]) -> ActionSet {
        ActionSet::new(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn matching() {
        let s = set(&["S3:Get*", "ec2:DescribeInstances", "lambda:?nvokeFunction"]);
        assert!(s.contains_lower("s3:getobject"));
        assert!(!s.contains_lower("s3:putobject"));
        assert!(s.contains_lower("ec2:describeinstances"));
        assert!(s.contains_lower("lambda:invokefunction"));
        assert!(!s.contains_lower("s3x:getobject"));
        assert!(!s.contains_lower("nocolon"));
        assert!(set(&["*"]).contains_lower("anything:atall"));
    }

    #[test]
    fn checks() {
        assert!(check_action("s3:GetObject").is_ok());
        assert!(check_action("*").is_ok());
        assert!(check_action("s3:*").is_ok());
        assert!(check_action("GetObject").is_err());
        assert!(check_action("s*:Get").is_err());
        assert!(check_action("s3:").is_err());
        assert!(check_action("s3:Get Object").is_err());
        assert!(check_action("iam:${aws:username}").is_err());
    }
}
