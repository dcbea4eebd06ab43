//! The options of one operation, named as the AWS CLI names them, and the global options.

use crate::customize::{self, OptionChange};
use awsmodel::{xform_name, ArgRenames, Operation, ServiceModel, ShapeKind, ShapeRef};

/// One operation option (`--function-name`) and the input member it sets.
#[derive(Debug, Clone)]
pub struct OpArg {
    /// Without the leading dashes.
    pub cli: String,
    pub member: String,
    pub shape_ref: ShapeRef,
    pub kind: ShapeKind,
    pub required: bool,
    /// For booleans, the option that sets false (`--no-x`, or the CLI's rename of it).
    pub negative: Option<String>,
    /// A hidden old spelling the CLI also accepts.
    pub alias: Option<String>,
    /// An EC2 `{"Value": true|false}` structure the CLI offers as a `--x` / `--no-x` flag.
    pub bool_struct: bool,
}

impl OpArg {
    /// Whether `name` (without dashes) names this option, and if so whether it negates it.
    pub fn matches(&self, name: &str) -> Option<bool> {
        if self.cli == name || self.alias.as_deref() == Some(name) {
            return Some(false);
        }
        (self.negative.as_deref() == Some(name)).then_some(true)
    }
}

/// The options of an operation in the model's member order, named as the AWS CLI names
/// them (its renames applied).
pub fn op_args(
    renames: &ArgRenames,
    service: &str,
    op_cli: &str,
    model: &ServiceModel,
    op: &Operation,
) -> Vec<OpArg> {
    let Some(input) = model.input_shape(op) else {
        return Vec::new();
    };
    let args = input
        .members
        .iter()
        .map(|(name, r)| {
            let derived = xform_name(name);
            let kind = model
                .shape(&r.shape)
                .map(|s| s.kind)
                .unwrap_or(ShapeKind::Unknown);
            let bool_struct = service == "ec2" && is_bool_struct(model, &r.shape);
            // The CLI renames options before it turns EC2's Value structures into flags, so
            // only a plain boolean's `--no-` form can be renamed.
            let negative = if bool_struct {
                Some(format!("no-{derived}"))
            } else {
                (kind == ShapeKind::Boolean).then(|| {
                    let neg = format!("no-{derived}");
                    renames.rename(service, op_cli, &neg).to_string()
                })
            };
            OpArg {
                cli: renames.rename(service, op_cli, &derived).to_string(),
                alias: renames.alias(service, op_cli, &derived).map(str::to_string),
                member: name.clone(),
                shape_ref: r.clone(),
                kind,
                required: input.required.iter().any(|x| x == name),
                negative,
                bool_struct,
            }
        })
        .filter_map(|mut a| {
            for (member, change) in customize::option_changes(service, op_cli) {
                if *member == a.member {
                    match change {
                        OptionChange::Rename(new) => a.cli = new.to_string(),
                        OptionChange::Drop => return None,
                        OptionChange::Optional => a.required = false,
                    }
                }
            }
            Some(a)
        })
        // `ec2 run-instances` takes `--count N[:M]` in place of MinCount and MaxCount.
        .filter(|a| {
            !(service == "ec2"
                && op_cli == "run-instances"
                && matches!(a.member.as_str(), "MinCount" | "MaxCount"))
        })
        .collect::<Vec<_>>();
    // The CLI re-adds a renamed option at the end of its table.
    let (kept, renamed): (Vec<OpArg>, Vec<OpArg>) = args
        .into_iter()
        .partition(|a| a.cli == xform_name(&a.member));
    kept.into_iter().chain(renamed).collect()
}

/// A structure whose only member is a boolean `Value`.
fn is_bool_struct(model: &ServiceModel, shape: &str) -> bool {
    model.shape(shape).is_some_and(|s| {
        s.kind == ShapeKind::Structure
            && s.members.len() == 1
            && s.members
                .get("Value")
                .and_then(|v| model.shape(&v.shape))
                .is_some_and(|v| v.kind == ShapeKind::Boolean)
    })
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
pub const OUTPUT_FORMATS: &[&str] = &["json", "text", "table", "yaml", "yaml-stream", "off"];
