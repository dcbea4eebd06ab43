//! The layered decision for one command, outermost first: the always-deny list, the
//! channel's guardrails (or the protection policy), then the role's own policies where the
//! config holds them. Every layer's explicit Deny wins; each of the others must allow; an
//! operation needing several actions passes only when all do.

use crate::always_deny;
use crate::builtin::{Builtins, PROTECTION};
use command::IamData;
use policy::{evaluate, Context, Layer, Outcome, Policy};
use std::sync::Arc;

/// Which layer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    AlwaysDeny,
    Guardrail,
    Protection,
    Role,
}

impl LayerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerKind::AlwaysDeny => "always-deny list",
            LayerKind::Guardrail => "guardrail",
            LayerKind::Protection => "protection policy",
            LayerKind::Role => "role",
        }
    }
}

/// The policies that apply to one command.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The channel's display name, for advice.
    pub channel: &'a str,
    /// The channel's guardrails; empty means the protection policy.
    pub guardrails: &'a [Policy],
    /// The role in use (channel role or the user's), by name.
    pub role: Option<&'a str>,
    /// The role's own policies where the config holds them; `None` leaves the role to AWS.
    pub role_policies: Option<&'a [Policy]>,
}

/// A decision and its explanation in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    /// The layer that refused (none when allowed).
    pub layer: Option<LayerKind>,
    /// The action that decided a refusal.
    pub action: Option<String>,
    /// The policy and statement that denied, when one did.
    pub policy: Option<String>,
    pub statement: Option<String>,
    /// Why, for the user and the audit log.
    pub reason: String,
    /// What to ask an admin for.
    pub advice: Option<String>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }
}

/// Decides commands; made once per process.
pub struct Authorizer {
    deny_list: Vec<always_deny::Entry>,
    always_deny: Vec<Policy>,
    protection: Vec<Policy>,
    builtins: Builtins,
}

impl Authorizer {
    pub fn new(iam: Arc<IamData>) -> Authorizer {
        let deny_list = always_deny::entries();
        let builtins = Builtins::new(iam);
        let protection = builtins.get(PROTECTION).into_iter().collect();
        Authorizer {
            always_deny: vec![always_deny::policy(&deny_list)],
            deny_list,
            protection,
            builtins,
        }
    }

    /// The built-in policies by name.
    pub fn builtins(&self) -> &Builtins {
        &self.builtins
    }

    /// The always-deny list's refusal of a command's IAM actions and its operation's
    /// service-named aliases, as the parser reports them (also for a line it refused).
    pub fn always_denied_command(
        &self,
        actions: &[String],
        aliases: &[String],
    ) -> Option<Decision> {
        let names: Vec<&str> = actions.iter().chain(aliases).map(String::as_str).collect();
        self.always_denied(&names)
    }

    /// Only the always-deny list (for surfaces with no channel configuration). `actions`
    /// may include the operation's service-named aliases.
    pub fn always_denied(&self, actions: &[&str]) -> Option<Decision> {
        let layers = [self.deny_layer()];
        let v = evaluate(&layers, actions, "*", &Context::new());
        (v.outcome == Outcome::ExplicitDeny).then(|| {
            let action = actions[v.action];
            self.deny_list_decision(action, v.hit.map_or(0, |h| h.statement))
        })
    }

    fn deny_layer(&self) -> Layer<'_> {
        Layer {
            name: "always-deny list",
            policies: &self.always_deny,
            must_allow: false,
            absolute: true,
        }
    }

    fn deny_list_decision(&self, action: &str, entry: usize) -> Decision {
        let e = &self.deny_list[entry];
        Decision {
            outcome: Outcome::ExplicitDeny,
            layer: Some(LayerKind::AlwaysDeny),
            action: Some(action.to_string()),
            policy: Some("always-deny list".into()),
            statement: Some(e.pattern.clone()),
            reason: format!(
                "{action} is never run from chat: {} ({} is on the always-deny list, which no guardrail or role can override)",
                e.reason, e.pattern
            ),
            advice: Some("use the AWS console or the AWS CLI with your own credentials for this".into()),
        }
    }

    /// Decides a command needing `actions` on `resource` (`*` when not known).
    pub fn check(
        &self,
        actions: &[&str],
        resource: &str,
        ctx: &Context,
        who: &Subject,
    ) -> Decision {
        self.check_call(actions, &[], resource, ctx, who)
    }

    /// [`Authorizer::check`], with the operation's service-named aliases
    /// (`sso-oidc:CreateToken`) checked against the always-deny list only.
    pub fn check_call(
        &self,
        actions: &[&str],
        aliases: &[&str],
        resource: &str,
        ctx: &Context,
        who: &Subject,
    ) -> Decision {
        // The list decides first, over every action and alias, so a refusal it makes is
        // never reported as some other layer's.
        let names: Vec<&str> = actions.iter().chain(aliases).copied().collect();
        if let Some(d) = self.always_denied(&names) {
            return d;
        }
        if actions.is_empty() {
            return Decision {
                outcome: Outcome::ImplicitDeny,
                layer: None,
                action: None,
                policy: None,
                statement: None,
                reason: "the command maps to no IAM action, so nothing can allow it".into(),
                advice: None,
            };
        }
        let protected = who.guardrails.is_empty();
        let (guard_kind, guard_policies) = if protected {
            (LayerKind::Protection, self.protection.as_slice())
        } else {
            (LayerKind::Guardrail, who.guardrails)
        };
        let mut layers = vec![
            self.deny_layer(),
            Layer {
                name: guard_kind.as_str(),
                policies: guard_policies,
                must_allow: true,
                absolute: false,
            },
        ];
        let mut kinds = vec![LayerKind::AlwaysDeny, guard_kind];
        if let Some(rp) = who.role_policies {
            layers.push(Layer {
                name: "role policy",
                policies: rp,
                must_allow: true,
                absolute: false,
            });
            kinds.push(LayerKind::Role);
        }
        let v = evaluate(&layers, actions, resource, ctx);
        let Some(hit) = v.hit else {
            return Decision {
                outcome: Outcome::Allowed,
                layer: None,
                action: None,
                policy: None,
                statement: None,
                reason: v.explain(&layers, actions, resource, ctx),
                advice: None,
            };
        };
        let action = actions[v.action];
        let kind = kinds[hit.layer];
        if kind == LayerKind::AlwaysDeny {
            return self.deny_list_decision(action, hit.statement);
        }
        let role = who.role.unwrap_or("the channel role");
        let channel = who.channel;
        let (policy, statement, reason, advice) = match (v.outcome, kind) {
            (Outcome::ExplicitDeny, k) => {
                let p = &layers[hit.layer].policies[hit.policy];
                let st = p.statements[hit.statement].label();
                let owner = match k {
                    LayerKind::Role => format!("role \"{role}\"'s policy \"{}\"", p.name),
                    other => format!("{} \"{}\"", other.as_str(), p.name),
                };
                (
                    Some(p.name.clone()),
                    Some(st.clone()),
                    format!("{action} is denied by {owner}, {st}"),
                    format!("ask an admin to change {owner} if {action} should be allowed in {channel}"),
                )
            }
            (_, LayerKind::Protection) => (
                None,
                None,
                format!(
                    "{channel} has no guardrails configured, so the protection policy applies; it allows read-only actions, lambda:Invoke*, support:* and ssm-incidents:*, not {action}"
                ),
                format!("ask an admin to give {channel} guardrails that allow {action}"),
            ),
            (_, LayerKind::Role) => (
                None,
                None,
                format!("role \"{role}\" does not allow {action}"),
                format!(
                    "ask an admin to allow {action} in role \"{role}\", or choose a role that allows it with `@aws switch-role`"
                ),
            ),
            _ => (
                None,
                None,
                format!("no guardrail of {channel} allows {action}"),
                format!("ask an admin to add a guardrail that allows {action} to {channel}"),
            ),
        };
        Decision {
            outcome: v.outcome,
            layer: Some(kind),
            action: Some(action.to_string()),
            policy,
            statement,
            reason,
            advice: Some(advice),
        }
    }
}
