//! Walks every service and operation in the models: names equal the AWS CLI's, and help and
//! skeletons render for all of them.

use command::{parse_line, Catalog, Parsed};
mod common;

use common::venv_python;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn service_operation_and_option_names_equal_the_aws_cli() {
    let cat = common::awscli_catalog();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/cli_names.py");
    let out = Command::new(venv_python())
        .arg(script)
        .output()
        .expect("run the oracle");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = names.as_object().unwrap();
    assert!(
        names.len() > 400,
        "the AWS CLI lists {} services",
        names.len()
    );
    let mut checked = 0;
    let mut args_checked = 0;
    let mut problems = Vec::new();
    for (svc, info) in names {
        let Some(entry) = cat.models.entry(svc) else {
            problems.push(format!("service {svc} is unknown to us"));
            continue;
        };
        assert_eq!(
            entry.model_name,
            info["model"].as_str().unwrap(),
            "model of {svc}"
        );
        let model = cat.models.service(svc).unwrap();
        let ops = info["ops"].as_object().unwrap();
        for (cli_op, info) in ops {
            let api = info["api"].as_str().unwrap();
            match model.operation_by_cli_name(cli_op) {
                Some(op) if op.name == api => checked += 1,
                Some(op) => {
                    problems.push(format!("{svc} {cli_op}: ours {} vs aws {api}", op.name));
                    continue;
                }
                // A hidden alias the CLI adds beside the real name.
                None if ops.iter().any(|(other, o)| {
                    other != cli_op
                        && o["api"] == api
                        && model.operation_by_cli_name(other).is_some()
                }) =>
                {
                    continue
                }
                // A command the CLI makes from another operation (rds
                // add-option-to-option-group); its options are compared below.
                None if command::operation_options(&cat, svc, cli_op).is_some() => checked += 1,
                None => {
                    problems.push(format!("{svc} {cli_op} ({api}) is unknown to us"));
                    continue;
                }
            }
            // Operations whose options the AWS CLI rebuilds by hand (flattened or file-based
            // arguments); we offer the model's options for these.
            if [
                "cloudsearch define-index-field",
                "datapipeline put-pipeline-definition",
            ]
            .contains(&format!("{svc} {cli_op}").as_str())
            {
                continue;
            }
            let ours = command::operation_options(&cat, svc, cli_op).unwrap();
            let input_members: Vec<String> = model
                .operations
                .get(api)
                .and_then(|op| model.input_shape(op))
                .map(|s| s.members.keys().cloned().collect())
                .unwrap_or_default();
            let theirs = info["args"].as_object().unwrap();
            for (name, member) in theirs {
                let Some(member) = member.as_str() else {
                    continue;
                };
                match ours.iter().find(|(n, _)| n == name) {
                    Some((_, m)) if m == member => args_checked += 1,
                    Some((_, m)) => problems.push(format!(
                        "{svc} {cli_op} --{name}: ours sets {m}, aws sets {member}"
                    )),
                    // An option the CLI builds itself that fills part of a member
                    // (configservice --recording-group): a hand-made option of ours too.
                    None if !input_members.contains(&member.to_string())
                        && command::extra_option_names(svc, cli_op).contains(&name.as_str()) =>
                    {
                        args_checked += 1
                    }
                    None => problems.push(format!(
                        "{svc} {cli_op} --{name} ({member}) is unknown to us"
                    )),
                }
            }
            for (name, member) in &ours {
                if !theirs.contains_key(name) {
                    problems.push(format!(
                        "{svc} {cli_op}: we accept --{name} ({member}), the AWS CLI does not"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked > 18_000, "only {checked} operations checked");
    assert!(args_checked > 60_000, "only {args_checked} options checked");
}

#[test]
fn every_operation_renders_help_and_a_skeleton() {
    let cat = Catalog::open(None).expect("models");
    let mut ops = 0;
    let mut removed = 0;
    for entry in cat.models.services() {
        let svc = &entry.cli_name;
        let Ok(model) = cat.models.service(svc) else {
            continue;
        };
        match parse_line(&cat, &format!("{svc} --help")) {
            Ok(Parsed::Help(text)) => assert!(
                text.starts_with(&format!("{svc}:")),
                "{svc} help: {text:.80}"
            ),
            other => panic!("{svc} --help gave {other:?}"),
        }
        for cli_op in model.cli_operations.keys() {
            match parse_line(&cat, &format!("{svc} {cli_op} --help")) {
                // The operations the AWS CLI replaces by commands of its own.
                Err(e) if e.message.contains("is not an AWS CLI command") => {
                    removed += 1;
                    continue;
                }
                Ok(Parsed::Help(text)) => {
                    assert!(
                        text.starts_with(&format!("{svc} {cli_op}")),
                        "{svc} {cli_op}: {text:.80}"
                    );
                    assert!(
                        text.contains("Synopsis:"),
                        "{svc} {cli_op} help has no synopsis"
                    );
                }
                other => panic!("{svc} {cli_op} --help gave {other:?}"),
            }
            match parse_line(&cat, &format!("{svc} {cli_op} --generate-cli-skeleton")) {
                Ok(Parsed::Skeleton(v)) => assert!(v.is_object(), "{svc} {cli_op} skeleton is {v}"),
                other => panic!("{svc} {cli_op} --generate-cli-skeleton gave {other:?}"),
            }
            ops += 1;
        }
    }
    assert!(ops > 18_000, "walked only {ops} operations");
    assert_eq!(removed, 1, "only rds modify-option-group is replaced");
}
