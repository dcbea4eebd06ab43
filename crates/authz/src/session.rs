//! The guardrails as STS session policies, so AWS enforces the same intersection the bot
//! checks: AWS-managed ARNs go in `PolicyArns`, documents are merged into one inline `Policy`.

use crate::builtin::Builtins;
use crate::err::PolicyError;
use serde_json::{json, Value};

/// AWS's limits for AssumeRole session policies.
pub const MAX_INLINE_CHARS: usize = 2048;
pub const MAX_POLICY_ARNS: usize = 10;

/// A guardrail as the config names it.
#[derive(Debug, Clone, Copy)]
pub enum Guardrail<'a> {
    Builtin(&'a str),
    Custom { name: &'a str, document: &'a str },
}

/// What goes into AssumeRole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionPolicy {
    pub policy_arns: Vec<String>,
    /// Minified JSON, when some guardrail is a document.
    pub inline: Option<String>,
}

impl SessionPolicy {
    /// A stable key for the credentials cache.
    pub fn cache_key(&self) -> String {
        format!(
            "{}|{}",
            self.policy_arns.join(","),
            self.inline.as_deref().unwrap_or("")
        )
    }
}

/// Composes the session policy; an empty list means the protection policy.
pub fn session_policy(guardrails: &[Guardrail]) -> Result<SessionPolicy, PolicyError> {
    let protection = [Guardrail::Builtin(crate::PROTECTION)];
    let guardrails = if guardrails.is_empty() {
        &protection[..]
    } else {
        guardrails
    };
    let mut arns: Vec<String> = Vec::new();
    let mut statements: Vec<Value> = Vec::new();
    let mut inline_from: Vec<&str> = Vec::new();
    for g in guardrails {
        match g {
            Guardrail::Builtin(name) => {
                let b = Builtins::find(name)
                    .ok_or_else(|| PolicyError::UnknownBuiltin(name.to_string()))?;
                if let Some(arn) = b.managed_arn {
                    push_unique(&mut arns, arn);
                    continue;
                }
                if let Some(class) = b.class {
                    push_unique(&mut arns, class.managed_arn());
                }
                if let Some(doc) = b.document {
                    statements.extend(doc_statements(name, doc)?);
                    inline_from.push(name);
                }
            }
            Guardrail::Custom { name, document } => {
                statements.extend(doc_statements(name, document)?);
                inline_from.push(name);
            }
        }
    }
    if arns.len() > MAX_POLICY_ARNS {
        return Err(PolicyError::TooManyManaged {
            count: arns.len(),
            max: MAX_POLICY_ARNS,
        });
    }
    let inline = if statements.is_empty() {
        None
    } else {
        // Sids must be unique within one document; the merged one has none.
        for s in statements.iter_mut() {
            if let Value::Object(m) = s {
                m.remove("Sid");
            }
        }
        let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        if doc.len() > MAX_INLINE_CHARS {
            return Err(PolicyError::InlineTooLong {
                names: inline_from
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                size: doc.len(),
                max: MAX_INLINE_CHARS,
            });
        }
        Some(doc)
    };
    Ok(SessionPolicy {
        policy_arns: arns,
        inline,
    })
}

fn push_unique(arns: &mut Vec<String>, arn: &str) {
    if !arns.iter().any(|a| a == arn) {
        arns.push(arn.to_string());
    }
}

/// A document's statements as a list; a 2008 document with `${` text cannot be merged into
/// a 2012 one without changing its meaning.
fn doc_statements(name: &str, doc: &str) -> Result<Vec<Value>, PolicyError> {
    let v: Value = serde_json::from_str(doc).map_err(|e| PolicyError::NotJson {
        name: name.to_string(),
        reason: e.to_string(),
    })?;
    let version = v
        .get("Version")
        .and_then(Value::as_str)
        .unwrap_or("2008-10-17");
    if version != "2012-10-17" && doc.contains("${") {
        return Err(PolicyError::OldVersionWithVariables {
            name: name.to_string(),
            version: version.to_string(),
        });
    }
    Ok(match v.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return Err(PolicyError::NoStatements(name.to_string())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_is_readonly_arn_plus_inline() {
        let s = session_policy(&[]).unwrap();
        assert_eq!(s.policy_arns, ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
        let inline: Value = serde_json::from_str(s.inline.as_deref().unwrap()).unwrap();
        assert_eq!(inline["Statement"][0]["Action"][0], "lambda:Invoke*");
    }

    #[test]
    fn managed_builtins_are_arns_and_documents_merge() {
        let custom = r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Deny","Action":"ec2:Terminate*","Resource":"*"}}"#;
        let s = session_policy(&[
            Guardrail::Builtin("ReadOnly"),
            Guardrail::Builtin("AdministratorAccess"),
            Guardrail::Builtin("ReadOnly"),
            Guardrail::Builtin("Lambda-Invoke Command Permissions"),
            Guardrail::Custom {
                name: "no-terminate",
                document: custom,
            },
        ])
        .unwrap();
        assert_eq!(
            s.policy_arns,
            [
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "arn:aws:iam::aws:policy/AdministratorAccess"
            ]
        );
        let inline: Value = serde_json::from_str(s.inline.as_deref().unwrap()).unwrap();
        assert_eq!(inline["Statement"].as_array().unwrap().len(), 2);
        assert!(inline["Statement"][1].get("Sid").is_none());
        assert!(policy::Policy::parse("merged", s.inline.as_deref().unwrap()).is_ok());
    }

    #[test]
    fn size_limit_is_named() {
        let actions: Vec<String> = (0..200)
            .map(|i| format!("ec2:DescribeSomething{i}"))
            .collect();
        let doc = json!({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":actions,"Resource":"*"}}).to_string();
        let e = session_policy(&[Guardrail::Custom {
            name: "huge",
            document: &doc,
        }])
        .unwrap_err();
        let e = e.to_string();
        assert!(e.contains("\"huge\"") && e.contains("2048"), "{e}");
    }
}
