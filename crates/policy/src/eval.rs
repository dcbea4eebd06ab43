//! Decisions over layers of policies, as AWS combines them: an explicit Deny anywhere wins;
//! otherwise every layer that must allow needs an applicable Allow; an operation that needs
//! several actions is allowed only when all of them are.

use crate::context::Context;
use crate::document::Policy;
use crate::statement::{Effect, Statement};
use std::fmt;

/// The three answers IAM gives (the names `iam:SimulateCustomPolicy` uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::ExplicitDeny => "explicitDeny",
            Outcome::ImplicitDeny => "implicitDeny",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A group of policies with one part in the decision (the role's policies, the guardrails,
/// the always-deny list).
#[derive(Debug, Clone, Copy)]
pub struct Layer<'p> {
    /// What people call this layer ("guardrail", "role policy", "always-deny list").
    pub name: &'p str,
    pub policies: &'p [Policy],
    /// When set, some statement of this layer must allow the action.
    pub must_allow: bool,
    /// Its denies also cover the actions AWS never denies (`sts:GetCallerIdentity`).
    pub absolute: bool,
}

/// Where a decision came from: layer, policy and statement indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub layer: usize,
    pub policy: usize,
    pub statement: usize,
}

/// The result, small and allocation-free; [`Verdict::explain`] turns it into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Which of the requested actions decided it.
    pub action: usize,
    /// The denying statement (explicit deny), or the layer that did not allow (implicit
    /// deny, `statement` unused).
    pub hit: Option<Hit>,
}

/// AWS answers these for any caller; no policy can deny them.
fn never_denied(action: &str) -> bool {
    action == "sts:getcalleridentity"
}

fn applying<'p>(
    layer: &Layer<'p>,
    effect: Effect,
    action: &str,
    resource: &str,
    ctx: &Context,
) -> Option<(usize, &'p Statement)> {
    layer.policies.iter().enumerate().find_map(|(pi, p)| {
        p.statements
            .iter()
            .find(|s| s.effect == effect && s.applies(action, resource, ctx))
            .map(|s| (pi, s))
    })
}

/// Decides a request of one or more actions on one resource.
pub fn evaluate(layers: &[Layer], actions: &[&str], resource: &str, ctx: &Context) -> Verdict {
    let mut lowered: [Option<String>; 4] = Default::default();
    let lower = |i: usize, lowered: &mut [Option<String>; 4]| -> String {
        if i < 4 {
            lowered[i]
                .get_or_insert_with(|| actions[i].to_ascii_lowercase())
                .clone()
        } else {
            actions[i].to_ascii_lowercase()
        }
    };
    // Explicit denies first, over every action and layer.
    for i in 0..actions.len() {
        let a = lower(i, &mut lowered);
        for (li, layer) in layers.iter().enumerate() {
            if !layer.absolute && never_denied(&a) {
                continue;
            }
            if let Some((pi, s)) = applying(layer, Effect::Deny, &a, resource, ctx) {
                return Verdict {
                    outcome: Outcome::ExplicitDeny,
                    action: i,
                    hit: Some(Hit {
                        layer: li,
                        policy: pi,
                        statement: s.index,
                    }),
                };
            }
        }
    }
    for i in 0..actions.len() {
        let a = lower(i, &mut lowered);
        if never_denied(&a) {
            continue;
        }
        for (li, layer) in layers.iter().enumerate() {
            if layer.must_allow && applying(layer, Effect::Allow, &a, resource, ctx).is_none() {
                return Verdict {
                    outcome: Outcome::ImplicitDeny,
                    action: i,
                    hit: Some(Hit {
                        layer: li,
                        policy: 0,
                        statement: 0,
                    }),
                };
            }
        }
    }
    Verdict {
        outcome: Outcome::Allowed,
        action: 0,
        hit: None,
    }
}

impl Verdict {
    /// The decision in plain words: which layer, policy and statement, or what allowed it.
    pub fn explain(
        &self,
        layers: &[Layer],
        actions: &[&str],
        resource: &str,
        ctx: &Context,
    ) -> String {
        let action = actions.get(self.action).copied().unwrap_or("");
        let on = if resource == "*" {
            String::new()
        } else {
            format!(" on {resource}")
        };
        match (self.outcome, self.hit) {
            (Outcome::ExplicitDeny, Some(h)) => {
                let layer = &layers[h.layer];
                let policy = &layer.policies[h.policy];
                let st = &policy.statements[h.statement];
                format!(
                    "{action}{on} is denied by {} \"{}\", {}",
                    layer.name,
                    policy.name,
                    st.label()
                )
            }
            (Outcome::ImplicitDeny, Some(h)) => {
                let layer = &layers[h.layer];
                if layer.policies.is_empty() {
                    format!(
                        "{action}{on} is not allowed: there is no {} to allow it",
                        layer.name
                    )
                } else {
                    format!("no {} allows {action}{on}", layer.name)
                }
            }
            _ => {
                let mut parts = Vec::new();
                for a in actions {
                    let lower = a.to_ascii_lowercase();
                    if never_denied(&lower) {
                        parts.push(format!("{a} is allowed for every caller"));
                        continue;
                    }
                    let by: Vec<String> = layers
                        .iter()
                        .filter(|l| l.must_allow)
                        .filter_map(|l| {
                            applying(l, Effect::Allow, &lower, resource, ctx).map(|(pi, s)| {
                                format!("{} \"{}\" {}", l.name, l.policies[pi].name, s.label())
                            })
                        })
                        .collect();
                    if by.is_empty() {
                        parts.push(format!("{a} is allowed"));
                    } else {
                        parts.push(format!("{a} is allowed by {}", by.join(" and ")));
                    }
                }
                parts.join("; ")
            }
        }
    }
}
