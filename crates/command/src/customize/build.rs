//! The values of the options the AWS CLI adds: each fills model parameters the way the
//! CLI's own option does.

use super::{extra_options, replaced_member};
use crate::error::CommandError;
use crate::shorthand::{self, Sh};
use crate::values;
use awsmodel::{Operation, ServiceModel};
use serde_json::{json, Map, Value};

/// The first structure of a list member, made (from `seed`) when the list is absent or holds
/// no structure first.
fn first_of<'a>(
    params: &'a mut Map<String, Value>,
    member: &str,
    seed: Value,
) -> &'a mut Map<String, Value> {
    let list = params.entry(member.to_string()).or_insert(Value::Null);
    if !list
        .as_array()
        .is_some_and(|a| a.first().is_some_and(Value::is_object))
    {
        *list = json!([seed]);
    }
    list.as_array_mut()
        .and_then(|a| a.first_mut())
        .and_then(Value::as_object_mut)
        .expect("a list holding one structure")
}

fn first_element<'a>(
    params: &'a mut Map<String, Value>,
    member: &str,
) -> &'a mut Map<String, Value> {
    first_of(params, member, json!({}))
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

/// Fills the model's parameters from the hand-made options, after the model's own options
/// (the CLI's table lists its added options last).
pub(crate) fn apply(
    model: &ServiceModel,
    op: &Operation,
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
    for (name, _) in &given {
        if let Some((member, option)) = replaced_member(service, name) {
            if params.contains_key(member) {
                return Err(CommandError::invalid(format!(
                    "{option} cannot be combined with --{name}; give one or the other"
                )));
            }
        }
    }
    one_of(
        &given,
        &["active", "terminated", "failed"],
        "--cluster-states",
    )?;
    one_of(&given, &["s3-location", "github-location"], "--revision")?;
    one_of(
        &given,
        &[
            "associate-public-ip-address",
            "no-associate-public-ip-address",
        ],
        "",
    )?;
    for (name, values) in given {
        let v = values.first().map(String::as_str).unwrap_or("");
        match (service, *name) {
            ("ec2", "secondary-private-ip-addresses") if !values.is_empty() => {
                let list: Vec<Value> = values
                    .iter()
                    .map(|ip| json!({"PrivateIpAddress": ip, "Primary": false}))
                    .collect();
                let interface = network_interface(params);
                interface
                    .entry("PrivateIpAddresses")
                    .or_insert(Value::Array(list));
            }
            ("ec2", "secondary-private-ip-addresses") => {}
            ("ec2", "secondary-private-ip-address-count") => {
                let n: i64 = v.trim().parse().map_err(|_| {
                    CommandError::invalid(format!("--{name}: expected a whole number, got '{v}'"))
                })?;
                // The CLI leaves a count of 0 out.
                if n != 0 {
                    network_interface(params)
                        .insert("SecondaryPrivateIpAddressCount".into(), json!(n));
                }
            }
            ("ec2", "associate-public-ip-address") => {
                network_interface(params).insert("AssociatePublicIpAddress".into(), json!(true));
            }
            ("ec2", "no-associate-public-ip-address") => {
                network_interface(params).insert("AssociatePublicIpAddress".into(), json!(false));
            }
            ("ec2", _) => security_group(name, v, params)?,
            ("cloudfront", "paths") => {
                let reference = unique_reference();
                params.insert(
                    "InvalidationBatch".into(),
                    json!({ "CallerReference": reference, "Paths": { "Quantity": values.len(), "Items": values } }),
                );
            }
            ("cloudwatch", _) => metric_data(name, v, params)?,
            ("emr", state) => {
                let states: &[&str] = match state {
                    "active" => &[
                        "STARTING",
                        "BOOTSTRAPPING",
                        "RUNNING",
                        "WAITING",
                        "TERMINATING",
                    ],
                    "terminated" => &["TERMINATED"],
                    _ => &["TERMINATED_WITH_ERRORS"],
                };
                params.insert("ClusterStates".into(), json!(states));
            }
            ("ses", "to" | "cc" | "bcc") => {
                let key = match *name {
                    "to" => "ToAddresses",
                    "cc" => "CcAddresses",
                    _ => "BccAddresses",
                };
                object_at(params, "Destination").insert(key.into(), json!(values));
            }
            ("ses", part) => {
                let message = params
                    .entry("Message")
                    .or_insert_with(|| json!({"Subject": {}, "Body": {}}));
                let Some(message) = message.as_object_mut() else {
                    return Err(CommandError::invalid(format!(
                        "--message must be a structure to combine with --{part}"
                    )));
                };
                match part {
                    "subject" => {
                        message.insert("Subject".into(), json!({ "Data": v }));
                    }
                    _ => {
                        let key = if part == "text" { "Text" } else { "Html" };
                        let body = message.entry("Body").or_insert_with(|| json!({}));
                        if let Some(body) = body.as_object_mut() {
                            body.insert(key.into(), json!({ "Data": v }));
                        }
                    }
                }
            }
            ("configservice", "recording-group") => {
                let Some(member) = model
                    .input_shape(op)
                    .and_then(|s| s.members.get("ConfigurationRecorder"))
                    .and_then(|r| model.shape(&r.shape))
                    .and_then(|s| s.members.get("recordingGroup"))
                else {
                    return Err(CommandError::unknown(
                        "--recording-group: this model's configuration recorder has no recordingGroup",
                    ));
                };
                let group = values::from_cli(model, member, values, "--recording-group")?;
                object_at(params, "ConfigurationRecorder").insert("recordingGroup".into(), group);
            }
            ("deploy", location) => {
                params.insert("revision".into(), revision_location(location, v)?);
            }
            (_, other) => return Err(CommandError::unknown(format!("unknown option --{other}"))),
        }
    }
    Ok(())
}

/// At most one of a group of added options (the CLI lets a later one overwrite or refuses).
fn one_of(
    given: &[&(&'static str, Vec<String>)],
    group: &[&str],
    instead_of: &str,
) -> Result<(), CommandError> {
    let used: Vec<String> = given
        .iter()
        .filter(|(n, _)| group.contains(n))
        .map(|(n, _)| format!("--{n}"))
        .collect();
    if used.len() > 1 {
        let alt = if instead_of.is_empty() {
            String::new()
        } else {
            format!(" (or {instead_of})")
        };
        return Err(CommandError::invalid(format!(
            "{} cannot be combined: give one of them{alt}",
            used.join(" and ")
        )));
    }
    Ok(())
}

/// A structure member, made empty when absent.
fn object_at<'a>(params: &'a mut Map<String, Value>, member: &str) -> &'a mut Map<String, Value> {
    let v = params
        .entry(member.to_string())
        .or_insert_with(|| json!({}));
    if !v.is_object() {
        *v = json!({});
    }
    v.as_object_mut().expect("made an object above")
}

/// The first network interface run-instances' simple options describe (device 0).
fn network_interface(params: &mut Map<String, Value>) -> &mut Map<String, Value> {
    first_of(params, "NetworkInterfaces", json!({ "DeviceIndex": 0 }))
}

/// `--s3-location bucket=b,key=k,bundleType=zip` or `--github-location repository=…,commitId=…`
/// (shorthand or JSON) as a deploy `revision`.
fn revision_location(option: &str, text: &str) -> Result<Value, CommandError> {
    let fields: Map<String, Value> = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(CommandError::syntax(format!(
                    "--{option}: expected a JSON object or key=value pairs"
                )))
            }
        }
    } else {
        shorthand::parse(text)
            .map_err(|e| CommandError::syntax(format!("--{option}: {}", e.0)))?
            .into_iter()
            .map(|(k, v)| match v {
                Sh::Str(s) => Ok((k, Value::String(s))),
                _ => Err(CommandError::invalid(format!(
                    "--{option}: {k} takes one value"
                ))),
            })
            .collect::<Result<_, _>>()?
    };
    let text_of = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (required, kind, key): (&[&str], &str, &str) = if option == "s3-location" {
        (&["bucket", "key", "bundleType"], "S3", "s3Location")
    } else {
        (&["repository", "commitId"], "GitHub", "gitHubLocation")
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| text_of(k).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(CommandError::invalid(format!(
            "--{option} must give {}; missing {}",
            required.join(", "),
            missing.join(", ")
        )));
    }
    let optional: &[&str] = if option == "s3-location" {
        &["eTag", "version"]
    } else {
        &[]
    };
    let mut location = Map::new();
    for k in required.iter().chain(optional) {
        if let Some(v) = fields.get(*k) {
            location.insert(k.to_string(), v.clone());
        }
    }
    Ok(json!({ "revisionType": kind, key: location }))
}

/// `--protocol`, `--port`, `--cidr`, `--source-group`, `--group-owner`: one permission.
fn security_group(
    name: &str,
    v: &str,
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    match name {
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
            let (Ok(from), Ok(to)) = (from.trim().parse::<i64>(), to.trim().parse::<i64>()) else {
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
        _ => {
            let key = match (name, v.starts_with("sg-")) {
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
    }
    Ok(())
}

/// `put-metric-data --metric-name … --value …`: one datum.
fn metric_data(name: &str, v: &str, params: &mut Map<String, Value>) -> Result<(), CommandError> {
    let datum = first_element(params, "MetricData");
    match name {
        "metric-name" => {
            datum.insert("MetricName".into(), json!(v));
        }
        "unit" => {
            datum.insert("Unit".into(), json!(v));
        }
        "timestamp" => {
            datum.insert("Timestamp".into(), json!(v));
        }
        "value" => {
            datum.insert("Value".into(), number(name, v)?);
        }
        "storage-resolution" => {
            let n: i64 = v.trim().parse().map_err(|_| {
                CommandError::invalid(format!("--storage-resolution: expected 1 or 60, got '{v}'"))
            })?;
            datum.insert("StorageResolution".into(), json!(n));
        }
        "dimensions" => {
            let dims: Vec<Value> = pairs(name, v)?
                .into_iter()
                .map(|(k, v)| json!({ "Name": k, "Value": v }))
                .collect();
            datum.insert("Dimensions".into(), Value::Array(dims));
        }
        _ => {
            let mut stats = Map::new();
            for (k, val) in pairs(name, v)? {
                stats.insert(k, number(name, &val)?);
            }
            datum.insert("StatisticValues".into(), Value::Object(stats));
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
