//! Options the AWS CLI adds to a few operations by hand, so that the lines in AWS's own
//! documentation work as typed: `ec2 authorize-security-group-ingress --protocol tcp --port 22
//! --cidr 10.0.0.0/8`, `cloudfront create-invalidation --paths '/*'`, `cloudwatch
//! put-metric-data --metric-name m --value 1`. Each fills the model's parameters the way the
//! CLI does; giving both forms is refused.

use crate::error::CommandError;
use serde_json::{json, Map, Value};

/// An option the AWS CLI defines itself rather than from the model.
#[derive(Debug)]
pub(crate) struct ExtraOption {
    pub name: &'static str,
    /// Takes several values (`--paths /a /b`).
    pub many: bool,
    pub doc: &'static str,
}

const SECURITY_GROUP: &[ExtraOption] = &[
    ExtraOption {
        name: "protocol",
        many: false,
        doc: "tcp, udp, icmp, all, or a protocol number (instead of --ip-permissions)",
    },
    ExtraOption {
        name: "port",
        many: false,
        doc: "a port (22), a range (22-25) or all (instead of --ip-permissions)",
    },
    ExtraOption {
        name: "cidr",
        many: false,
        doc: "an IPv4 range in CIDR form (instead of --ip-permissions)",
    },
    ExtraOption {
        name: "source-group",
        many: false,
        doc: "a security group id (sg-…) or name (instead of --ip-permissions)",
    },
    ExtraOption {
        name: "group-owner",
        many: false,
        doc: "the account that owns --source-group",
    },
];

const INVALIDATION: &[ExtraOption] = &[ExtraOption {
    name: "paths",
    many: true,
    doc: "the paths to invalidate, separated by spaces (instead of --invalidation-batch)",
}];

/// In the order of the AWS CLI's option table, which is the order it fills `MetricData`.
const PUT_METRIC_DATA: &[ExtraOption] = &[
    ExtraOption {
        name: "metric-name",
        many: false,
        doc: "the metric's name (instead of --metric-data)",
    },
    ExtraOption {
        name: "timestamp",
        many: false,
        doc: "when the value was measured (default: when received)",
    },
    ExtraOption {
        name: "unit",
        many: false,
        doc: "the unit of the value",
    },
    ExtraOption {
        name: "value",
        many: false,
        doc: "the value to record",
    },
    ExtraOption {
        name: "dimensions",
        many: false,
        doc: "Name=Value pairs separated by commas",
    },
    ExtraOption {
        name: "statistic-values",
        many: false,
        doc: "SampleCount=…,Sum=…,Minimum=…,Maximum=…",
    },
    ExtraOption {
        name: "storage-resolution",
        many: false,
        doc: "1 for high resolution, 60 for standard",
    },
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
        _ => &[],
    }
}

/// The model member the hand-made options fill, which cannot be given as well.
fn replaced_member(service: &str, op_cli: &str) -> Option<(&'static str, &'static str)> {
    match extra_options(service, op_cli).first().map(|o| o.name) {
        Some("protocol") => Some(("IpPermissions", "--ip-permissions")),
        Some("paths") => Some(("InvalidationBatch", "--invalidation-batch")),
        Some("metric-name") => Some(("MetricData", "--metric-data")),
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

fn first_element<'a>(
    params: &'a mut Map<String, Value>,
    member: &str,
) -> &'a mut Map<String, Value> {
    let list = params
        .entry(member.to_string())
        .or_insert_with(|| json!([{}]));
    if !list
        .as_array()
        .is_some_and(|a| a.first().is_some_and(Value::is_object))
    {
        *list = json!([{}]);
    }
    list.as_array_mut()
        .and_then(|a| a.first_mut())
        .and_then(Value::as_object_mut)
        .expect("a list holding one structure")
}

fn number(opt: &str, v: &str) -> Result<Value, CommandError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| CommandError::invalid(format!("--{opt}: expected a number, got '{v}'")))
}

fn pairs(opt: &str, v: &str) -> Result<Vec<(String, String)>, CommandError> {
    v.split(',')
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| {
                    CommandError::invalid(format!(
                        "--{opt}: expected Name=Value pairs separated by commas, got '{p}'"
                    ))
                })
        })
        .collect()
}

/// Fills the model's parameters from the hand-made options, in the order they were typed.
pub(crate) fn apply(
    service: &str,
    op_cli: &str,
    given: &[(&'static str, Vec<String>)],
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    if given.is_empty() {
        return Ok(());
    }
    // Applied in the order of the CLI's option table, not the order typed.
    let table = extra_options(service, op_cli);
    let position = |n: &str| table.iter().position(|x| x.name == n).unwrap_or(usize::MAX);
    let mut given: Vec<&(&'static str, Vec<String>)> = given.iter().collect();
    given.sort_by_key(|(n, _)| position(n));
    if let Some((member, option)) = replaced_member(service, op_cli) {
        if params.contains_key(member) {
            return Err(CommandError::invalid(format!(
                "{option} cannot be combined with --{}; give one or the other",
                given[0].0
            )));
        }
    }
    for (name, values) in given {
        let v = values.first().map(String::as_str).unwrap_or("");
        match *name {
            "protocol" => {
                let ok = matches!(v, "tcp" | "udp" | "icmp" | "all")
                    || v.parse::<i64>()
                        .is_ok_and(|n| (0..=255).contains(&n) || n == -1);
                if !ok {
                    return Err(CommandError::invalid(format!(
                        "--protocol: '{v}' is not tcp, udp, icmp, all or a protocol number (0-255, or -1 for all)"
                    )));
                }
                let v = if v == "all" { "-1" } else { v };
                first_element(params, "IpPermissions").insert("IpProtocol".into(), json!(v));
            }
            "port" => {
                let (from, to) = match v {
                    "all" | "-1" => ("-1", "-1"),
                    _ => v.split_once('-').unwrap_or((v, v)),
                };
                let (Ok(from), Ok(to)) = (from.trim().parse::<i64>(), to.trim().parse::<i64>())
                else {
                    return Err(CommandError::invalid(format!(
                        "--port: expected a port such as 22 or a range such as 22-25, got '{v}'"
                    )));
                };
                let first = first_element(params, "IpPermissions");
                first.insert("FromPort".into(), json!(from));
                first.insert("ToPort".into(), json!(to));
            }
            "cidr" => {
                first_element(params, "IpPermissions")
                    .insert("IpRanges".into(), json!([{ "CidrIp": v }]));
            }
            "source-group" | "group-owner" => {
                let key = match (*name, v.starts_with("sg-")) {
                    ("group-owner", _) => "UserId",
                    (_, true) => "GroupId",
                    (_, false) => "GroupName",
                };
                let first = first_element(params, "IpPermissions");
                let pairs = first
                    .entry("UserIdGroupPairs")
                    .or_insert_with(|| json!([{}]));
                if let Some(p) = pairs
                    .as_array_mut()
                    .and_then(|a| a.first_mut())
                    .and_then(Value::as_object_mut)
                {
                    p.insert(key.into(), json!(v));
                }
            }
            "paths" => {
                let reference = unique_reference();
                params.insert(
                    "InvalidationBatch".into(),
                    json!({ "CallerReference": reference, "Paths": { "Quantity": values.len(), "Items": values } }),
                );
            }
            "metric-name" => {
                first_element(params, "MetricData").insert("MetricName".into(), json!(v));
            }
            "unit" => {
                first_element(params, "MetricData").insert("Unit".into(), json!(v));
            }
            "timestamp" => {
                first_element(params, "MetricData").insert("Timestamp".into(), json!(v));
            }
            "value" => {
                let n = number(name, v)?;
                first_element(params, "MetricData").insert("Value".into(), n);
            }
            "storage-resolution" => {
                let n: i64 = v.trim().parse().map_err(|_| {
                    CommandError::invalid(format!(
                        "--storage-resolution: expected 1 or 60, got '{v}'"
                    ))
                })?;
                first_element(params, "MetricData").insert("StorageResolution".into(), json!(n));
            }
            "dimensions" => {
                let dims: Vec<Value> = pairs(name, v)?
                    .into_iter()
                    .map(|(k, v)| json!({ "Name": k, "Value": v }))
                    .collect();
                first_element(params, "MetricData").insert("Dimensions".into(), Value::Array(dims));
            }
            "statistic-values" => {
                let mut stats = Map::new();
                for (k, val) in pairs(name, v)? {
                    stats.insert(k, number(name, &val)?);
                }
                first_element(params, "MetricData")
                    .insert("StatisticValues".into(), Value::Object(stats));
            }
            other => return Err(CommandError::unknown(format!("unknown option --{other}"))),
        }
    }
    Ok(())
}

/// A caller reference the way the CLI makes one: `cli-` and a time-based unique number.
fn unique_reference() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "cli-{}{:06}-{}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id()
    )
}
