//! Authorization for chat commands: the always-deny list, channel guardrails (or the
//! protection policy), roles, and the built-in policies, with decisions people can read; and
//! the same guardrails as STS session policies.

pub mod always_deny;
pub mod authorizer;
pub mod builtin;
pub mod err;
pub mod plan;
pub mod resolve;
pub mod session;

pub use authorizer::{Authorizer, Decision, LayerKind, Subject};
pub use builtin::{Builtin, Builtins, BUILTINS, PROTECTION};
pub use err::PolicyError;
pub use session::{session_policy, Guardrail, SessionPolicy};
