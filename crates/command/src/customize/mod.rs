//! What the AWS CLI changes by hand in single API calls, so that lines from AWS's own
//! documentation work as typed and build the request `aws` builds:
//!
//! - options it adds (`ec2 authorize-security-group-ingress --protocol tcp --port 22 --cidr
//!   …`, `cloudfront create-invalidation --paths`, `cloudwatch put-metric-data --metric-name
//!   …`, `emr list-clusters --active`, `ses send-email --to … --subject … --text …`,
//!   `ec2 run-instances --associate-public-ip-address`, `configservice
//!   put-configuration-recorder --recording-group`, `deploy … --s3-location`) — built in
//!   [`build`];
//! - model options it renames, drops or no longer requires (`ses send-email --from`, `rds
//!   add-option-to-option-group --options`) and operations it makes from another or removes
//!   (`rds add-option-to-option-group` is `ModifyOptionGroup`) — the tables below;
//! - rewrites of the finished parameters (network ACL protocol names, the run-instances
//!   network interface, EC2's default page sizes) — [`fixups`].
//!
//! Each follows the CLI's `awscli/customizations` code, learnt from it, not copied; the
//! parity tests compare our parameters with the installed CLI's for every one of them.

mod build;
mod fixups;

pub(crate) use build::apply;
pub(crate) use fixups::{default_page_size, finish};

/// How many values an added option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// `--subject Hello`
    One,
    /// `--paths /a /b`: one or more.
    Many,
    /// `--secondary-private-ip-addresses`: zero or more.
    AnyNumber,
    /// `--active`: no value.
    Flag,
}

/// An option the AWS CLI defines itself rather than from the model.
#[derive(Debug)]
pub(crate) struct ExtraOption {
    pub name: &'static str,
    pub arity: Arity,
    pub doc: &'static str,
}

const fn opt(name: &'static str, arity: Arity, doc: &'static str) -> ExtraOption {
    ExtraOption { name, arity, doc }
}

const SECURITY_GROUP: &[ExtraOption] = &[
    opt(
        "protocol",
        Arity::One,
        "tcp, udp, icmp, all, or a protocol number (instead of --ip-permissions)",
    ),
    opt(
        "port",
        Arity::One,
        "a port (22), a range (22-25) or all (instead of --ip-permissions)",
    ),
    opt(
        "cidr",
        Arity::One,
        "an IPv4 range in CIDR form (instead of --ip-permissions)",
    ),
    opt(
        "source-group",
        Arity::One,
        "a security group id (sg-…) or name (instead of --ip-permissions)",
    ),
    opt(
        "group-owner",
        Arity::One,
        "the account that owns --source-group",
    ),
];

const INVALIDATION: &[ExtraOption] = &[opt(
    "paths",
    Arity::Many,
    "the paths to invalidate, separated by spaces (instead of --invalidation-batch)",
)];

/// In the order of the AWS CLI's option table, which is the order it fills `MetricData`.
const PUT_METRIC_DATA: &[ExtraOption] = &[
    opt(
        "metric-name",
        Arity::One,
        "the metric's name (instead of --metric-data)",
    ),
    opt(
        "timestamp",
        Arity::One,
        "when the value was measured (default: when received)",
    ),
    opt("unit", Arity::One, "the unit of the value"),
    opt("value", Arity::One, "the value to record"),
    opt(
        "dimensions",
        Arity::One,
        "Name=Value pairs separated by commas",
    ),
    opt(
        "statistic-values",
        Arity::One,
        "SampleCount=…,Sum=…,Minimum=…,Maximum=…",
    ),
    opt(
        "storage-resolution",
        Arity::One,
        "1 for high resolution, 60 for standard",
    ),
];

const LIST_CLUSTERS: &[ExtraOption] = &[
    opt(
        "active",
        Arity::Flag,
        "clusters starting, bootstrapping, running, waiting or terminating (instead of --cluster-states)",
    ),
    opt(
        "terminated",
        Arity::Flag,
        "terminated clusters (instead of --cluster-states)",
    ),
    opt(
        "failed",
        Arity::Flag,
        "clusters terminated with errors (instead of --cluster-states)",
    ),
];

const SEND_EMAIL: &[ExtraOption] = &[
    opt(
        "to",
        Arity::Many,
        "the primary recipients, separated by spaces (instead of --destination)",
    ),
    opt(
        "cc",
        Arity::Many,
        "the copy (Cc) recipients, separated by spaces",
    ),
    opt(
        "bcc",
        Arity::Many,
        "the blind-copy (Bcc) recipients, separated by spaces",
    ),
    opt(
        "subject",
        Arity::One,
        "the subject of the message (instead of --message)",
    ),
    opt("text", Arity::One, "the text body of the message"),
    opt("html", Arity::One, "the HTML body of the message"),
];

const RUN_INSTANCES: &[ExtraOption] = &[
    opt(
        "secondary-private-ip-addresses",
        Arity::AnyNumber,
        "secondary private IP addresses of the instance's network interface",
    ),
    opt(
        "secondary-private-ip-address-count",
        Arity::One,
        "how many secondary private IP addresses to assign",
    ),
    opt(
        "associate-public-ip-address",
        Arity::Flag,
        "give the instance a public IP address",
    ),
    opt(
        "no-associate-public-ip-address",
        Arity::Flag,
        "give the instance no public IP address",
    ),
];

const RECORDING_GROUP: &[ExtraOption] = &[opt(
    "recording-group",
    Arity::One,
    "what the recorder records (the recordingGroup of --configuration-recorder)",
)];

const REVISION_LOCATION: &[ExtraOption] = &[
    opt(
        "s3-location",
        Arity::One,
        "bucket=…,key=…,bundleType=tar|tgz|zip[,eTag=…][,version=…] (instead of --revision)",
    ),
    opt(
        "github-location",
        Arity::One,
        "repository=account/repo,commitId=… (instead of --revision)",
    ),
];

/// The hand-made options of an operation.
pub(crate) fn extra_options(service: &str, op_cli: &str) -> &'static [ExtraOption] {
    match (service, op_cli) {
        (
            "ec2",
            "authorize-security-group-ingress"
            | "authorize-security-group-egress"
            | "revoke-security-group-ingress"
            | "revoke-security-group-egress",
        ) => SECURITY_GROUP,
        ("cloudfront", "create-invalidation") => INVALIDATION,
        ("cloudwatch", "put-metric-data") => PUT_METRIC_DATA,
        ("emr", "list-clusters") => LIST_CLUSTERS,
        ("ses", "send-email") => SEND_EMAIL,
        ("ec2", "run-instances") => RUN_INSTANCES,
        ("configservice", "put-configuration-recorder") => RECORDING_GROUP,
        (
            "deploy",
            "get-application-revision" | "register-application-revision" | "create-deployment",
        ) => REVISION_LOCATION,
        _ => &[],
    }
}

/// The model member an added option fills, with that member's option: giving both is
/// refused (the CLI refuses it, or lets one silently overwrite the other).
fn replaced_member(service: &str, extra: &str) -> Option<(&'static str, &'static str)> {
    match (service, extra) {
        ("ec2", "protocol" | "port" | "cidr" | "source-group" | "group-owner") => {
            Some(("IpPermissions", "--ip-permissions"))
        }
        ("ec2", "secondary-private-ip-addresses" | "secondary-private-ip-address-count")
        | ("ec2", "associate-public-ip-address") => {
            Some(("NetworkInterfaces", "--network-interfaces"))
        }
        ("cloudfront", _) => Some(("InvalidationBatch", "--invalidation-batch")),
        ("cloudwatch", _) => Some(("MetricData", "--metric-data")),
        ("emr", _) => Some(("ClusterStates", "--cluster-states")),
        ("ses", "to" | "cc" | "bcc") => Some(("Destination", "--destination")),
        ("ses", "text" | "html") => Some(("Message", "--message")),
        ("deploy", _) => Some(("revision", "--revision")),
        _ => None,
    }
}

/// What the CLI does to a model option of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionChange {
    /// Shown and typed under another name.
    Rename(&'static str),
    /// Not offered at all.
    Drop,
    /// Required by the model, optional in the CLI (an added option can fill it).
    Optional,
}

/// The CLI's changes to the model options of one operation, by member name.
pub(crate) fn option_changes(
    service: &str,
    op_cli: &str,
) -> &'static [(&'static str, OptionChange)] {
    use OptionChange::*;
    match (service, op_cli) {
        ("ses", "send-email") => &[
            ("Source", Rename("from")),
            ("Message", Optional),
            ("Destination", Optional),
        ],
        ("rds", "add-option-to-option-group") => &[
            ("OptionsToInclude", Rename("options")),
            ("OptionsToRemove", Drop),
        ],
        ("rds", "remove-option-from-option-group") => &[
            ("OptionsToRemove", Rename("options")),
            ("OptionsToInclude", Drop),
        ],
        (
            "deploy",
            "get-application-revision" | "register-application-revision" | "create-deployment",
        ) => &[("revision", Optional)],
        _ => &[],
    }
}

/// Commands the CLI makes from another operation of the model: (service, command, the API
/// operation it calls).
const MADE_OPERATIONS: &[(&str, &str, &str)] = &[
    ("rds", "add-option-to-option-group", "ModifyOptionGroup"),
    (
        "rds",
        "remove-option-from-option-group",
        "ModifyOptionGroup",
    ),
];

/// The API operation behind a command the CLI makes itself.
pub(crate) fn made_operation(service: &str, op_cli: &str) -> Option<&'static str> {
    MADE_OPERATIONS
        .iter()
        .find(|(s, c, _)| *s == service && *c == op_cli)
        .map(|(_, _, op)| *op)
}

/// The commands the CLI makes, for listings and help: (service, command).
pub(crate) fn made_commands(service: &str) -> impl Iterator<Item = &'static str> + '_ {
    MADE_OPERATIONS
        .iter()
        .filter(move |(s, _, _)| *s == service)
        .map(|(_, c, _)| *c)
}

/// Model operations the CLI does not offer, with what to use instead.
pub(crate) fn removed_operation(service: &str, op_cli: &str) -> Option<&'static str> {
    match (service, op_cli) {
        ("rds", "modify-option-group") => Some(
            "the AWS CLI offers modify-option-group as two commands: `rds add-option-to-option-group --option-group-name … --options …` and `rds remove-option-from-option-group --option-group-name … --options …`",
        ),
        _ => None,
    }
}

/// Operations whose list of one-member structures the CLI also takes as bare words
/// (`elb register-instances-with-load-balancer --instances i-1 i-2`), keyed by option.
pub(crate) fn bare_word_list(service: &str, op_cli: &str, option: &str) -> bool {
    matches!(
        (service, op_cli, option),
        ("firehose", "put-record-batch", "records")
            | (
                "workspaces",
                "reboot-workspaces",
                "reboot-workspace-requests"
            )
            | (
                "workspaces",
                "rebuild-workspaces",
                "rebuild-workspace-requests"
            )
            | (
                "workspaces",
                "terminate-workspaces",
                "terminate-workspace-requests"
            )
            | ("elb", "remove-tags", "tags")
            | ("elb", "describe-instance-health", "instances")
            | (
                "elb",
                "deregister-instances-from-load-balancer",
                "instances"
            )
            | ("elb", "register-instances-with-load-balancer", "instances")
    )
}
