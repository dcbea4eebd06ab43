//! IAM identity policies for the authorizer: documents parsed and validated as IAM does, and
//! decisions made exactly as AWS makes them, each with the statement that decided it.

pub mod action;
pub mod arn;
pub mod condition;
pub mod context;
pub mod document;
pub mod eval;
pub mod glob;
pub mod json;
pub mod simulate;
pub mod statement;
pub mod variables;

pub use context::{Context, ContextValue, Request};
pub use document::{Policy, PolicyError, Problem, Version};
pub use eval::{evaluate, Hit, Layer, Outcome, Verdict};
