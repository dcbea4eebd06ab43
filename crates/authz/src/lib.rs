//! Authorization for chat commands: the always-deny list, channel guardrails (or the
//! protection policy), roles, and the built-in policies, with decisions people can read.

pub mod always_deny;
pub mod authorizer;
pub mod builtin;

pub use authorizer::{Authorizer, Decision, LayerKind, Subject};
pub use builtin::{Builtins, BUILTINS, PROTECTION};
