//! The options of one operation, named as the AWS CLI names them, and the global options.

use awsmodel::{xform_name, Operation, ServiceModel, ShapeKind, ShapeRef};

/// One operation option (`--function-name`) and the input member it sets.
#[derive(Debug, Clone)]
pub struct OpArg {
    /// Without the leading dashes.
    pub cli: String,
    pub member: String,
    pub shape_ref: ShapeRef,
    pub kind: ShapeKind,
    pub required: bool,
}

/// The options of an operation in the model's member order.
pub fn op_args(model: &ServiceModel, op: &Operation) -> Vec<OpArg> {
    let Some(input) = model.input_shape(op) else {
        return Vec::new();
    };
    input
        .members
        .iter()
        .map(|(name, r)| OpArg {
            cli: xform_name(name),
            member: name.clone(),
            shape_ref: r.clone(),
            kind: model
                .shape(&r.shape)
                .map(|s| s.kind)
                .unwrap_or(ShapeKind::Unknown),
            required: input.required.iter().any(|x| x == name),
        })
        .collect()
}

/// Global options chat never honours, and why.
pub const REFUSED_GLOBALS: &[(&str, &str)] = &[
    (
        "endpoint-url",
        "the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "profile",
        "credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "debug",
        "debug output can contain credentials and request signatures",
    ),
    (
        "no-verify-ssl",
        "TLS certificate checks are never turned off",
    ),
    (
        "ca-bundle",
        "the trusted certificates are set by the operator, never from chat",
    ),
    (
        "no-sign-request",
        "every request is signed with the channel's role",
    ),
    ("cli-read-timeout", "the time limit is set by the operator"),
    (
        "cli-connect-timeout",
        "the time limit is set by the operator",
    ),
];

/// Global options that take a value.
pub const VALUE_GLOBALS: &[&str] = &[
    "region",
    "output",
    "query",
    "cli-input-json",
    "cli-binary-format",
    "color",
    "generate-cli-skeleton",
];

/// Global options that are accepted and have no effect in chat.
pub const IGNORED_FLAGS: &[&str] = &["no-paginate", "no-cli-pager", "no-cli-auto-prompt"];

/// Output formats `--output` accepts.
pub const OUTPUT_FORMATS: &[&str] = &["json", "text", "table", "yaml", "yaml-stream"];
