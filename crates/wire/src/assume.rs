//! Credentials per command: STS AssumeRole with the channel's guardrails as session
//! policies, the chat user as session name and source identity, and session tags, so AWS
//! enforces the same limits the bot checks and CloudTrail shows who acted. Sessions are
//! cached per (role, session policy, user) until shortly before they expire.

use crate::client::{prepare, CallError, Client, Settings};
use aws_credential_types::Credentials;
use awsmodel::Models;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A session is renewed when less than this is left.
pub const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);
/// How long sessions last (AssumeRole's default and the least every role allows).
pub const SESSION_SECONDS: u32 = 3600;

/// What to assume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeParams {
    pub role_arn: String,
    /// The chat user (sanitized into STS's character set).
    pub user: String,
    pub policy_arns: Vec<String>,
    /// The inline session policy (minified JSON).
    pub policy: Option<String>,
    /// Session tags (workspace, channel).
    pub tags: Vec<(String, String)>,
}

impl AssumeParams {
    fn cache_key(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{:?}",
            self.role_arn,
            self.user,
            self.policy_arns.join(","),
            self.policy.as_deref().unwrap_or(""),
            self.tags
        )
    }

    /// The AssumeRole parameters, as the STS model names them.
    pub fn to_params(&self) -> Map<String, Value> {
        let name = sts_name(&format!("chatops-{}", self.user));
        let mut p = Map::new();
        p.insert("RoleArn".into(), json!(self.role_arn));
        p.insert("RoleSessionName".into(), json!(name));
        p.insert("SourceIdentity".into(), json!(sts_name(&self.user)));
        p.insert("DurationSeconds".into(), json!(SESSION_SECONDS));
        if !self.policy_arns.is_empty() {
            p.insert(
                "PolicyArns".into(),
                json!(self
                    .policy_arns
                    .iter()
                    .map(|a| json!({"arn": a}))
                    .collect::<Vec<_>>()),
            );
        }
        if let Some(doc) = &self.policy {
            p.insert("Policy".into(), json!(doc));
        }
        if !self.tags.is_empty() {
            p.insert(
                "Tags".into(),
                json!(self
                    .tags
                    .iter()
                    .map(|(k, v)| json!({"Key": k, "Value": tag_value(v)}))
                    .collect::<Vec<_>>()),
            );
        }
        p
    }
}

/// STS allows `[\w+=,.@-]`, 2 to 64 characters, in session names and source identities.
pub fn sts_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    while out.len() < 2 {
        out.push('-');
    }
    out
}

/// Tag values allow letters, digits, spaces and `_.:/=+-@`, up to 256 characters.
fn tag_value(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() || " _.:/=+-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(256)
        .collect()
}

/// Temporary credentials and when they end.
#[derive(Debug, Clone)]
pub struct Session {
    pub credentials: Credentials,
    pub expires: SystemTime,
}

/// Assumes roles with the service's own credentials and keeps the sessions.
pub struct SessionCache {
    base: Client,
    models: Arc<Models>,
    sessions: Mutex<HashMap<String, Session>>,
}

impl SessionCache {
    pub fn new(base: Client, models: Arc<Models>) -> SessionCache {
        SessionCache {
            base,
            models,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// A client signing with the assumed role's session (cached or new).
    pub async fn client_for(
        &self,
        p: &AssumeParams,
        region: &str,
        settings: &Settings,
    ) -> Result<Client, CallError> {
        let s = self.session(p, region, settings).await?;
        Ok(self.base.with_static_credentials(s.credentials))
    }

    /// The session for these parameters, assuming the role when none is cached or the
    /// cached one ends within [`RENEW_BEFORE`].
    pub async fn session(
        &self,
        p: &AssumeParams,
        region: &str,
        settings: &Settings,
    ) -> Result<Session, CallError> {
        let key = p.cache_key();
        if let Some(s) = self.cached(&key) {
            return Ok(s);
        }
        let s = self.assume(p, region, settings).await?;
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, s.clone());
        Ok(s)
    }

    fn cached(&self, key: &str) -> Option<Session> {
        let mut map = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let now = SystemTime::now();
        map.retain(|_, s| s.expires > now + RENEW_BEFORE);
        map.get(key).cloned()
    }

    /// How many sessions are kept (for tests and metrics).
    pub fn len(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    async fn assume(
        &self,
        p: &AssumeParams,
        region: &str,
        settings: &Settings,
    ) -> Result<Session, CallError> {
        let model = self
            .models
            .service("sts")
            .map_err(|e| CallError::Malformed(e.to_string()))?;
        let op = model
            .operation_by_cli_name("assume-role")
            .ok_or_else(|| CallError::Malformed("the STS model has no AssumeRole".into()))?;
        let prepared = prepare(&self.models, &model, op, &p.to_params(), region, settings)
            .map_err(CallError::Wire)?;
        let out = self
            .base
            .send(&model, op, &prepared, settings.deadline)
            .await?;
        session_from(&out)
    }
}

/// Reads AssumeRole's `Credentials`.
fn session_from(out: &Value) -> Result<Session, CallError> {
    let c = &out["Credentials"];
    let field = |k: &str| {
        c[k].as_str().map(str::to_string).ok_or_else(|| {
            CallError::Malformed(format!("AssumeRole's answer has no Credentials.{k}"))
        })
    };
    let expires = match &c["Expiration"] {
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp() as f64),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
    .map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs_f64(secs.max(0.0)))
    .ok_or_else(|| {
        CallError::Malformed("AssumeRole's answer has no readable Credentials.Expiration".into())
    })?;
    let credentials = Credentials::new(
        field("AccessKeyId")?,
        field("SecretAccessKey")?,
        Some(field("SessionToken")?),
        Some(expires),
        "chatops-assume-role",
    );
    Ok(Session {
        credentials,
        expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_sts() {
        assert_eq!(sts_name("U012AB"), "U012AB");
        assert_eq!(sts_name("alice smith/ops"), "alice-smith-ops");
        assert_eq!(sts_name("x"), "x-");
        assert_eq!(sts_name(&"a".repeat(100)).len(), 64);
    }

    #[test]
    fn params_carry_everything() {
        let p = AssumeParams {
            role_arn: "arn:aws:iam::123456789012:role/ops".into(),
            user: "U1".into(),
            policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
            policy: Some("{}".into()),
            tags: vec![("chatops-channel".into(), "#ops<x>".into())],
        };
        let m = p.to_params();
        assert_eq!(m["RoleSessionName"], "chatops-U1");
        assert_eq!(m["SourceIdentity"], "U1");
        assert_eq!(
            m["PolicyArns"][0]["arn"],
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        );
        assert_eq!(m["Tags"][0]["Value"], "_ops_x_");
    }
}
