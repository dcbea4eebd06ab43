//! Why a channel's policies cannot be used: a name the configuration does not resolve, a
//! document that does not parse, or guardrails AWS would not take as a session policy.
//! `chatops config check` shows these; the authorizer refuses commands with them.

/// A problem with the policies a channel or role names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("unknown built-in policy \"{0}\"")]
    UnknownBuiltin(String),
    #[error("no policy \"{0}\" in the config")]
    NotInConfig(String),
    /// The document does not parse or validate (the policy engine's words).
    #[error("{0}")]
    Invalid(String),
    #[error("policy \"{name}\": {reason}")]
    NotJson { name: String, reason: String },
    #[error("policy \"{name}\" uses Version {version} with \"${{\" in its text; give it Version 2012-10-17 to use it as a session policy")]
    OldVersionWithVariables { name: String, version: String },
    #[error("policy \"{0}\" has no statements")]
    NoStatements(String),
    #[error(
        "the guardrails need {count} AWS-managed policies, and AssumeRole takes at most {max}"
    )]
    TooManyManaged { count: usize, max: usize },
    #[error("the guardrails {names} make an inline session policy of {size} characters, and AWS allows {max} for AssumeRole; shorten them or use AWS-managed policies")]
    InlineTooLong {
        names: String,
        size: usize,
        max: usize,
    },
}
