//! Walks every service and operation in the models: names equal the AWS CLI's, and help and
//! skeletons render for all of them.

use command::{parse_line, Catalog, Parsed};
mod common;

use common::venv_python;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn service_and_operation_names_equal_the_aws_cli() {
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
    // AWS CLI customizations that split one API operation into several commands; not offered.
    let customizations = [
        "rds add-option-to-option-group",
        "rds remove-option-from-option-group",
    ];
    let mut checked = 0;
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
        for (cli_op, api) in ops {
            let api = api.as_str().unwrap();
            if customizations.contains(&format!("{svc} {cli_op}").as_str()) {
                continue;
            }
            match model.operation_by_cli_name(cli_op) {
                Some(op) if op.name == api => checked += 1,
                Some(op) => problems.push(format!("{svc} {cli_op}: ours {} vs aws {api}", op.name)),
                // A hidden alias the CLI adds beside the real name.
                None if ops.iter().any(|(other, a)| {
                    other != cli_op && a == api && model.operation_by_cli_name(other).is_some()
                }) => {}
                None => problems.push(format!("{svc} {cli_op} ({api}) is unknown to us")),
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
}

#[test]
fn every_operation_renders_help_and_a_skeleton() {
    let cat = Catalog::open(None).expect("models");
    let mut ops = 0;
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
}
