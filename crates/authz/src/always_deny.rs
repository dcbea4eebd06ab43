//! The always-deny list: actions refused whatever guardrails and roles say, kept as data in
//! `data/always_deny.tsv`.

use policy::action::ActionSet;
use policy::glob::Glob;
use policy::statement::{Effect, ResourcePattern, Statement};
use policy::{Policy, Version};

/// One entry: an IAM action pattern and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub pattern: String,
    pub reason: String,
}

/// The list as shipped.
pub fn entries() -> Vec<Entry> {
    include_str!("../data/always_deny.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (pattern, reason) = l.split_once('\t')?;
            Some(Entry {
                pattern: pattern.trim().to_string(),
                reason: reason.trim().to_string(),
            })
        })
        .collect()
}

/// The list as a policy of Deny statements, one per entry, in file order.
pub fn policy(entries: &[Entry]) -> Policy {
    let statements = entries
        .iter()
        .enumerate()
        .map(|(i, e)| Statement {
            index: i,
            sid: None,
            effect: Effect::Deny,
            not_action: false,
            actions: ActionSet::new(std::slice::from_ref(&e.pattern)),
            not_resource: false,
            resources: vec![ResourcePattern::Any],
            conditions: Vec::new(),
        })
        .collect();
    Policy {
        name: "always-deny list".into(),
        version: Version::V2012,
        statements,
    }
}

/// The entry that refuses an action, if any (for explanations and tests).
pub fn matching<'e>(entries: &'e [Entry], action: &str) -> Option<&'e Entry> {
    let (svc, name) = action.split_once(':')?;
    entries.iter().find(|e| match e.pattern.split_once(':') {
        Some((s, n)) => s.eq_ignore_ascii_case(svc) && Glob::new(n).matches_ignore_ascii_case(name),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_well_formed() {
        let e = entries();
        assert!(e.len() >= 35, "{}", e.len());
        for entry in &e {
            policy::action::check_action(&entry.pattern).unwrap();
            assert!(!entry.reason.is_empty());
        }
        for must in [
            "s3:PutObject",
            "identitystore:*",
            "cognito-identity:*",
            "sso-admin:*",
            "sso-oidc:*",
            "lightsail:UpdateRelationalDatabase",
            "ecr:GetLogin",
        ] {
            assert!(e.iter().any(|x| x.pattern == must), "{must} missing");
        }
        assert_eq!(matching(&e, "IAM:listusers").unwrap().pattern, "iam:*");
        assert!(matching(&e, "s3:ListBucket").is_none());
    }
}
