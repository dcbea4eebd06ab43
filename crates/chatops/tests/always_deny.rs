//! Every entry of the always-deny list is refused however the command is spelled, whatever
//! the guardrails and role allow, and nothing reaches the endpoint.

mod common;

use authz::always_deny::{entries, matching};
use authz::{Authorizer, LayerKind, Subject};
use command::{actions_for, parse_line, service_aliases, Catalog, Parsed};
use common::{fake, respond};
use policy::{Context, Outcome};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Entries no CLI operation maps to; the authorizer must still refuse the action.
const NO_OPERATION: &[&str] = &["ecr:GetLogin", "s3:HeadObject"];

/// The spellings a chat user might type for one operation.
fn spellings(service: &str, op: &str) -> Vec<String> {
    let camel: String = op
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    vec![
        format!("@aws {service} {op}"),
        format!("{} {}", service.to_uppercase(), op.to_uppercase()),
        format!("<@U0123> aws {service} {camel}"),
        format!("@aws --region eu-west-1 {service} {op} --output table"),
    ]
}

#[test]
fn every_entry_is_refused_in_every_spelling() {
    let cat = Catalog::open(None).expect("models");
    let authorizer = Authorizer::new(cat.iam.clone());
    let admin = vec![authorizer.builtins().get("AdministratorAccess").unwrap()];
    let who = Subject {
        channel: "#ops",
        guardrails: &admin,
        role: Some("admin"),
        role_policies: Some(&admin),
    };
    let list = entries();
    let mut per_entry: BTreeMap<String, usize> =
        list.iter().map(|e| (e.pattern.clone(), 0)).collect();
    let mut failures = Vec::new();
    let mut lines = 0;
    for svc in cat.models.services() {
        let Ok(model) = cat.models.service(&svc.cli_name) else {
            continue;
        };
        for (cli_op, op_name) in &model.cli_operations {
            let mut names = actions_for(&svc.model_name, model.metadata.signing_name(), op_name);
            names.extend(service_aliases(&svc.cli_name, &svc.model_name, op_name));
            // Every entry that refuses the operation counts as covered by it.
            let mut refused = false;
            for e in &list {
                if names
                    .iter()
                    .any(|a| matching(std::slice::from_ref(e), a).is_some())
                {
                    *per_entry.get_mut(&e.pattern).unwrap() += 1;
                    refused = true;
                }
            }
            if !refused {
                continue;
            }
            for line in spellings(&svc.cli_name, cli_op) {
                lines += 1;
                // The engine strips the bot's mention before the line is parsed.
                let (actions, aliases) = match parse_line(&cat, engine::text::strip_mention(&line))
                {
                    Ok(Parsed::Call(call)) => (call.iam.actions.clone(), call.aliases()),
                    Ok(_) => {
                        failures.push(format!("{line}: not a call"));
                        continue;
                    }
                    Err(e) => (e.actions, e.aliases),
                };
                let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
                let aliases: Vec<&str> = aliases.iter().map(String::as_str).collect();
                let d = authorizer.check_call(&actions, &aliases, "*", &Context::new(), &who);
                if d.outcome != Outcome::ExplicitDeny || d.layer != Some(LayerKind::AlwaysDeny) {
                    failures.push(format!(
                        "{line}: {:?} {:?} ({})",
                        d.outcome, d.layer, d.reason
                    ));
                }
            }
        }
    }
    for e in NO_OPERATION {
        let d = authorizer.check(&[e], "*", &Context::new(), &who);
        assert_eq!(d.layer, Some(LayerKind::AlwaysDeny), "{e}");
    }
    let uncovered: Vec<&String> = per_entry
        .iter()
        .filter(|(p, n)| **n == 0 && !NO_OPERATION.contains(&p.as_str()))
        .map(|(p, _)| p)
        .collect();
    assert!(
        uncovered.is_empty(),
        "entries no operation maps to: {uncovered:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {lines} lines not refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(lines > 1000, "only {lines} lines tried");
}

/// One line per entry (plus spellings with options) through the binary: exit 3, no request.
#[test]
fn the_binary_refuses_and_sends_nothing() {
    let endpoint = fake(Arc::new(|_, s| respond(s, "200 OK", "{}")));
    let lines = [
        "iam list-users",
        "@aws IAM create-access-key -user-name bob",
        "kms decrypt --ciphertext-blob aGVsbG8=",
        "sts get-caller-identity",
        "sts assume-role --role-arn arn:aws:iam::123456789012:role/x --role-session-name s",
        "secretsmanager get-secret-value —secret-id prod/db",
        "cognito-idp list-user-pools --max-results 5",
        "cognito-identity list-identity-pools --max-results 5",
        "sso list-accounts --access-token t",
        "sso-admin list-instances",
        "sso-oidc create-token --client-id a --client-secret b --grant-type c",
        "identitystore list-users --identity-store-id d-1",
        "chatbot describe-slack-channel-configurations",
        "sdb list-domains",
        "appsync list-api-keys --api-id a",
        "codecommit get-file --repository-name r --file-path p",
        "codecommit get-commit --repository-name r --commit-id c",
        "codecommit get-differences --repository-name r --after-commit-specifier main",
        "connect get-federation-token --instance-id i",
        "dynamodb get-item --table-name t --key '{\"id\":{\"S\":\"1\"}}'",
        "DynamoDB Batch-Get-Item --request-items '{}'",
        "ec2 get-password-data --instance-id i-1",
        "@aws ec2 GetPasswordData -instance-id i-1",
        "ecr get-authorization-token",
        "gamelift request-upload-credentials --build-id b",
        "gamelift get-instance-access --fleet-id f --instance-id i",
        "lightsail download-default-key-pair",
        "lightsail get-instance-access-details --instance-name n",
        "lightsail get-key-pair --key-pair-name k",
        "lightsail get-key-pairs",
        "lightsail update-relational-database --relational-database-name db --master-user-password x",
        "redshift get-cluster-credentials --db-user u --cluster-identifier c",
        "storagegateway describe-chap-credentials --target-arn arn:aws:storagegateway:us-east-1:123456789012:gateway/g/target/t",
        "s3api get-object --bucket b --key k out.txt",
        "s3api head-object --bucket b --key k",
        "s3api put-object --bucket b --key k --body hello",
        "s3api get-bucket-policy --bucket b",
        "snowball get-job-unlock-code --job-id j",
        "cognito-idp get-signing-certificate --user-pool-id p",
    ];
    let mut failures = Vec::new();
    for line in lines {
        let out = Command::new(env!("CARGO_BIN_EXE_chatops"))
            .args(["run", "--endpoint-url", &endpoint.url, "--yes", line])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(3) || !stderr.contains("always-deny list") {
            failures.push(format!("{line}: exit {:?}: {stderr}", out.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        endpoint.hits.load(Ordering::SeqCst),
        0,
        "a refused command reached the endpoint"
    );
}
