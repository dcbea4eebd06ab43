//! One compiled statement and whether it applies to a request.

use crate::action::ActionSet;
use crate::arn::ArnPattern;
use crate::condition::Condition;
use crate::context::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A `Resource` entry.
#[derive(Debug, Clone)]
pub enum ResourcePattern {
    Any,
    Arn(ArnPattern),
}

impl ResourcePattern {
    fn is_short(&self) -> bool {
        matches!(self, ResourcePattern::Arn(p) if p.is_short())
    }

    fn matches(&self, resource: &str, ctx: &Context) -> bool {
        match self {
            ResourcePattern::Any => true,
            ResourcePattern::Arn(p) => p.matches(resource, ctx),
        }
    }
}

/// A validated statement, compiled for evaluation.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the policy, from 0.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// `true` for `NotAction`.
    pub not_action: bool,
    pub actions: ActionSet,
    /// `true` for `NotResource`.
    pub not_resource: bool,
    pub resources: Vec<ResourcePattern>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// Whether the statement applies: action, resource and every condition match.
    /// `action` is lower-cased `service:name`.
    pub fn applies(&self, action: &str, resource: &str, ctx: &Context) -> bool {
        if self.actions.contains_lower(action) == self.not_action {
            return false;
        }
        let listed = self.resources.iter().any(|r| r.matches(resource, ctx));
        if listed == self.not_resource {
            return false;
        }
        // What "everything but a short ARN" allows is not documented: an Allow never
        // applies through it (a Deny does), so neither reading is ever more permissive.
        if self.not_resource
            && self.effect == Effect::Allow
            && self.resources.iter().any(ResourcePattern::is_short)
        {
            return false;
        }
        self.conditions.iter().all(|c| c.holds(ctx))
    }

    /// `Sid "X"` or `statement 2` (1-based), for people.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) => format!("statement \"{s}\""),
            None => format!("statement {}", self.index + 1),
        }
    }
}
