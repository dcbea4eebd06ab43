//! Policies known by name: the seed's protection policy and AWS Chatbot's command
//! permission templates, ReadOnly and ViewOnly built from the access-level data set, and
//! AdministratorAccess. Usable as guardrails and as role policies.

use command::IamData;
use policy::action::{ActionClass, ActionSet};
use policy::glob::Glob;
use policy::statement::{Effect, ResourcePattern, Statement};
use policy::{Policy, Version};
use std::sync::Arc;

/// The protection policy's name: what a channel with no guardrails gets.
pub const PROTECTION: &str = "ProtectionPolicy";

/// Every built-in name, with what it allows and, where AWS has the same policy, its ARN
/// (passed to STS as `PolicyArns` instead of an inline document).
pub const BUILTINS: &[(&str, &str, Option<&str>)] = &[
    (
        PROTECTION,
        "read-only, plus lambda:Invoke*, support:* and ssm-incidents:* (the default guardrail)",
        None,
    ),
    (
        "ReadOnly Command Permissions",
        "read-only, minus IAM, KMS, STS and the credential-returning reads AWS Chatbot denies",
        None,
    ),
    (
        "Lambda-Invoke Command Permissions",
        "lambda:InvokeAsync and lambda:InvokeFunction",
        None,
    ),
    (
        "AWS Support Command Permissions",
        "support:* (AWS's AWSSupportAccess)",
        Some("arn:aws:iam::aws:policy/AWSSupportAccess"),
    ),
    (
        "Incident Manager Permissions",
        "ssm-incidents:* and ssm-contacts:*",
        None,
    ),
    (
        "ReadOnly",
        "every action the access-level data set classes as Read or List",
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess"),
    ),
    (
        "ViewOnly",
        "Read and List actions that return metadata, not stored data",
        Some("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
    ),
    (
        "AdministratorAccess",
        "every action",
        Some("arn:aws:iam::aws:policy/AdministratorAccess"),
    ),
];

/// Read and List actions (`only_metadata` leaves out those that return stored data).
struct ReadActions {
    iam: Arc<IamData>,
    only_metadata: bool,
    data_reads: Vec<Glob>,
}

impl ReadActions {
    fn new(iam: Arc<IamData>, only_metadata: bool) -> ReadActions {
        let data_reads = include_str!("../data/data_read_actions.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Glob::new(&l.to_ascii_lowercase()))
            .collect();
        ReadActions {
            iam,
            only_metadata,
            data_reads,
        }
    }
}

impl ActionClass for ReadActions {
    fn contains(&self, action: &str) -> bool {
        let Some(level) = self.iam.access_level(action) else {
            return false;
        };
        let read = level
            .split(',')
            .map(str::trim)
            .all(|l| l == "Read" || l == "List");
        read && !(self.only_metadata && self.data_reads.iter().any(|g| g.matches(action)))
    }

    fn describe(&self) -> String {
        if self.only_metadata {
            "<Read and List actions, without data reads>".into()
        } else {
            "<Read and List actions>".into()
        }
    }
}

/// The built-in policies, made once per process.
pub struct Builtins {
    iam: Arc<IamData>,
}

impl Builtins {
    pub fn new(iam: Arc<IamData>) -> Builtins {
        Builtins { iam }
    }

    /// Whether a name is built in (exact, as in the config).
    pub fn is_builtin(name: &str) -> bool {
        BUILTINS.iter().any(|(n, _, _)| *n == name)
    }

    /// The AWS-managed ARN that stands for a built-in, if there is one.
    pub fn managed_arn(name: &str) -> Option<&'static str> {
        BUILTINS
            .iter()
            .find(|(n, _, _)| *n == name)
            .and_then(|(_, _, arn)| *arn)
    }

    /// The policy of a built-in name.
    pub fn get(&self, name: &str) -> Option<Policy> {
        let read =
            |meta| Arc::new(ReadActions::new(self.iam.clone(), meta)) as Arc<dyn ActionClass>;
        let statements = match name {
            PROTECTION => vec![
                class_statement(0, "ReadOnly", read(false)),
                listed(
                    1,
                    "InvokeSupportIncidents",
                    Effect::Allow,
                    &["lambda:Invoke*", "support:*", "ssm-incidents:*"],
                ),
            ],
            "ReadOnly Command Permissions" => vec![
                class_statement(0, "ReadOnly", read(false)),
                listed(
                    1,
                    "DenySensitive",
                    Effect::Deny,
                    &[
                        "iam:*",
                        "kms:*",
                        "sts:*",
                        "cognito-idp:GetSigningCertificate",
                        "ec2:GetPasswordData",
                        "ecr:GetAuthorizationToken",
                        "gamelift:RequestUploadCredentials",
                        "gamelift:GetInstanceAccess",
                        "lightsail:DownloadDefaultKeyPair",
                        "lightsail:GetInstanceAccessDetails",
                        "lightsail:GetKeyPair",
                        "lightsail:GetKeyPairs",
                        "redshift:GetClusterCredentials",
                        "s3:GetBucketPolicy",
                        "storagegateway:DescribeChapCredentials",
                    ],
                ),
            ],
            "Lambda-Invoke Command Permissions" => vec![listed(
                0,
                "LambdaInvoke",
                Effect::Allow,
                &["lambda:InvokeAsync", "lambda:InvokeFunction"],
            )],
            "AWS Support Command Permissions" => {
                vec![listed(0, "Support", Effect::Allow, &["support:*"])]
            }
            "Incident Manager Permissions" => vec![listed(
                0,
                "IncidentManager",
                Effect::Allow,
                &["ssm-incidents:*", "ssm-contacts:*"],
            )],
            "ReadOnly" => vec![class_statement(0, "ReadOnly", read(false))],
            "ViewOnly" => vec![class_statement(0, "ViewOnly", read(true))],
            "AdministratorAccess" => vec![listed(0, "Everything", Effect::Allow, &["*"])],
            _ => return None,
        };
        Some(Policy {
            name: name.to_string(),
            version: Version::V2012,
            statements,
        })
    }
}

fn class_statement(index: usize, sid: &str, class: Arc<dyn ActionClass>) -> Statement {
    Statement {
        index,
        sid: Some(sid.to_string()),
        effect: Effect::Allow,
        not_action: false,
        actions: ActionSet::from_class(class),
        not_resource: false,
        resources: vec![ResourcePattern::Any],
        conditions: Vec::new(),
    }
}

fn listed(index: usize, sid: &str, effect: Effect, actions: &[&str]) -> Statement {
    let actions: Vec<String> = actions.iter().map(|s| s.to_string()).collect();
    Statement {
        index,
        sid: Some(sid.to_string()),
        effect,
        not_action: false,
        actions: ActionSet::new(&actions),
        not_resource: false,
        resources: vec![ResourcePattern::Any],
        conditions: Vec::new(),
    }
}
