//! Policies known by name: the default protection policy and AWS Chatbot's command
//! permission templates, ReadOnly and ViewOnly built from the access-level data set, and
//! AdministratorAccess. Usable as guardrails and as role policies, and passed to STS as
//! session policies (an AWS-managed ARN where AWS has the same policy, else the document).

use command::IamData;
use policy::action::{ActionClass, ActionSet};
use policy::glob::Glob;
use policy::statement::{Effect, ResourcePattern, Statement};
use policy::{Policy, Version};
use std::sync::Arc;

/// The protection policy's name: what a channel with no guardrails gets.
pub const PROTECTION: &str = "ProtectionPolicy";

/// Which data-defined action class a built-in starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadClass {
    /// Every Read and List action (AWS's ReadOnlyAccess).
    ReadOnly,
    /// Read and List actions that return metadata, not stored data (AWS's ViewOnlyAccess).
    ViewOnly,
}

impl ReadClass {
    /// The AWS-managed policy that stands for the class in a session policy.
    pub fn managed_arn(self) -> &'static str {
        match self {
            ReadClass::ReadOnly => "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ReadClass::ViewOnly => "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        }
    }
}

/// One built-in policy.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    /// What it allows, for `help` and errors.
    pub summary: &'static str,
    /// The data-defined class of actions it allows, if any.
    pub class: Option<ReadClass>,
    /// Its listed statements as a policy document, if any.
    pub document: Option<&'static str>,
    /// An AWS-managed policy equal to the whole built-in (then STS gets only the ARN).
    pub managed_arn: Option<&'static str>,
}

/// Every built-in.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: PROTECTION,
        summary:
            "read-only, plus lambda:Invoke*, support:* and ssm-incidents:* (the default guardrail)",
        class: Some(ReadClass::ReadOnly),
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"InvokeSupportIncidents","Effect":"Allow","Action":["lambda:Invoke*","support:*","ssm-incidents:*"],"Resource":"*"}]}"#,
        ),
        managed_arn: None,
    },
    Builtin {
        name: "ReadOnly Command Permissions",
        summary:
            "read-only, minus IAM, KMS, STS and the credential-returning reads AWS Chatbot denies",
        class: Some(ReadClass::ReadOnly),
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenySensitive","Effect":"Deny","Action":["iam:*","kms:*","sts:*","cognito-idp:GetSigningCertificate","ec2:GetPasswordData","ecr:GetAuthorizationToken","gamelift:RequestUploadCredentials","gamelift:GetInstanceAccess","lightsail:DownloadDefaultKeyPair","lightsail:GetInstanceAccessDetails","lightsail:GetKeyPair","lightsail:GetKeyPairs","redshift:GetClusterCredentials","s3:GetBucketPolicy","storagegateway:DescribeChapCredentials"],"Resource":"*"}]}"#,
        ),
        managed_arn: None,
    },
    Builtin {
        name: "Lambda-Invoke Command Permissions",
        summary: "lambda:InvokeAsync and lambda:InvokeFunction",
        class: None,
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"LambdaInvoke","Effect":"Allow","Action":["lambda:InvokeAsync","lambda:InvokeFunction"],"Resource":"*"}]}"#,
        ),
        managed_arn: None,
    },
    Builtin {
        name: "AWS Support Command Permissions",
        summary: "support:* (AWS's AWSSupportAccess)",
        class: None,
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Support","Effect":"Allow","Action":"support:*","Resource":"*"}]}"#,
        ),
        managed_arn: Some("arn:aws:iam::aws:policy/AWSSupportAccess"),
    },
    Builtin {
        name: "Incident Manager Permissions",
        summary: "ssm-incidents:* and ssm-contacts:*",
        class: None,
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"IncidentManager","Effect":"Allow","Action":["ssm-incidents:*","ssm-contacts:*"],"Resource":"*"}]}"#,
        ),
        managed_arn: None,
    },
    Builtin {
        name: "ReadOnly",
        summary: "every action the access-level data set classes as Read or List",
        class: Some(ReadClass::ReadOnly),
        document: None,
        managed_arn: Some("arn:aws:iam::aws:policy/ReadOnlyAccess"),
    },
    Builtin {
        name: "ViewOnly",
        summary: "Read and List actions that return metadata, not stored data",
        class: Some(ReadClass::ViewOnly),
        document: None,
        managed_arn: Some("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
    },
    Builtin {
        name: "AdministratorAccess",
        summary: "every action",
        class: None,
        document: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        managed_arn: Some("arn:aws:iam::aws:policy/AdministratorAccess"),
    },
];

/// Read and List actions (`only_metadata` leaves out those that return stored data).
struct ReadActions {
    iam: Arc<IamData>,
    only_metadata: bool,
    data_reads: Vec<Glob>,
}

impl ReadActions {
    fn new(iam: Arc<IamData>, class: ReadClass) -> ReadActions {
        let data_reads = include_str!("../data/data_read_actions.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Glob::new(&l.to_ascii_lowercase()))
            .collect();
        ReadActions {
            iam,
            only_metadata: class == ReadClass::ViewOnly,
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

    /// A built-in by its exact name.
    pub fn find(name: &str) -> Option<&'static Builtin> {
        BUILTINS.iter().find(|b| b.name == name)
    }

    /// Whether a name is built in (exact, as in the config).
    pub fn is_builtin(name: &str) -> bool {
        Builtins::find(name).is_some()
    }

    /// The policy of a built-in name.
    pub fn get(&self, name: &str) -> Option<Policy> {
        let b = Builtins::find(name)?;
        let mut statements = Vec::new();
        if let Some(class) = b.class {
            let actions =
                ActionSet::from_class(Arc::new(ReadActions::new(self.iam.clone(), class)));
            statements.push(Statement {
                index: 0,
                sid: Some(format!("{class:?}")),
                effect: Effect::Allow,
                not_action: false,
                actions,
                not_resource: false,
                resources: vec![ResourcePattern::Any],
                conditions: Vec::new(),
            });
        }
        if let Some(doc) = b.document {
            // The documents are fixed and covered by tests; a broken one would show there.
            let listed = Policy::parse(name, doc).ok()?;
            for mut s in listed.statements {
                s.index = statements.len();
                statements.push(s);
            }
        }
        Some(Policy {
            name: name.to_string(),
            version: Version::V2012,
            statements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_builds() {
        let b = Builtins::new(Arc::new(IamData::without_data()));
        for builtin in BUILTINS {
            let p = b.get(builtin.name).expect(builtin.name);
            assert!(!p.statements.is_empty(), "{}", builtin.name);
            for (i, s) in p.statements.iter().enumerate() {
                assert_eq!(s.index, i);
            }
            assert!(builtin.document.is_some() || builtin.class.is_some());
        }
        assert!(b.get("readonly").is_none(), "names are exact");
    }
}
