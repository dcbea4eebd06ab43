//! From the configuration to the policies of one channel and role: guardrails (built-in or
//! custom), the role's own policies, and the session policy for STS.

use crate::builtin::Builtins;
use crate::err::PolicyError;
use crate::session::{session_policy, Guardrail, SessionPolicy};
use config::{Channel, Config, Guardrails, PolicyRef, Role};
use policy::Policy;

/// Lets `config::load_with` check policy names and documents with this engine.
pub struct ConfigCatalog;

impl config::PolicyCatalog for ConfigCatalog {
    fn is_builtin(&self, name: &str) -> bool {
        Builtins::is_builtin(name)
    }

    fn validate_document(&self, text: &str) -> Result<(), String> {
        Policy::parse("document", text).map(|_| ()).map_err(|e| {
            e.problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn builtin_names(&self) -> Vec<String> {
        crate::BUILTINS.iter().map(|b| b.name.to_string()).collect()
    }
}

/// The policy a reference names.
pub fn policy_of(cfg: &Config, builtins: &Builtins, r: &PolicyRef) -> Result<Policy, PolicyError> {
    match r {
        PolicyRef::Builtin(name) => builtins
            .get(name)
            .ok_or_else(|| PolicyError::UnknownBuiltin(name.clone())),
        PolicyRef::Custom(name) => {
            let doc = cfg
                .policy_document(r)
                .ok_or_else(|| PolicyError::NotInConfig(name.clone()))?;
            Policy::parse(name, doc).map_err(|e| PolicyError::Invalid(e.to_string()))
        }
    }
}

/// A channel's guardrails; empty when the protection policy applies.
pub fn guardrails(
    cfg: &Config,
    builtins: &Builtins,
    channel: &Channel,
) -> Result<Vec<Policy>, PolicyError> {
    match &channel.guardrails {
        Guardrails::Protection => Ok(Vec::new()),
        Guardrails::Policies(refs) => refs.iter().map(|r| policy_of(cfg, builtins, r)).collect(),
    }
}

/// A role's own policies, where the config holds them.
pub fn role_policies(
    cfg: &Config,
    builtins: &Builtins,
    role: &Role,
) -> Result<Option<Vec<Policy>>, PolicyError> {
    if role.policies.is_empty() {
        return Ok(None);
    }
    role.policies
        .iter()
        .map(|r| policy_of(cfg, builtins, r))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The session policy a channel's commands assume their role with.
pub fn channel_session_policy(
    cfg: &Config,
    channel: &Channel,
) -> Result<SessionPolicy, PolicyError> {
    let refs: &[PolicyRef] = match &channel.guardrails {
        Guardrails::Protection => &[],
        Guardrails::Policies(refs) => refs,
    };
    let mut parts = Vec::new();
    for r in refs {
        parts.push(match r {
            PolicyRef::Builtin(n) => Guardrail::Builtin(n),
            PolicyRef::Custom(n) => Guardrail::Custom {
                name: n,
                document: cfg
                    .policy_document(r)
                    .ok_or_else(|| PolicyError::NotInConfig(n.clone()))?,
            },
        });
    }
    session_policy(&parts)
}
