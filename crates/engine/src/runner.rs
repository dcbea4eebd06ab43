//! Running a complete call against AWS (or the operator's emulator): the request, the
//! assumed role's session, the first page shaped as the CLI shows it, and the text the AWS
//! CLI would print. Shared by every surface.

use awsmodel::Models;
use command::Call;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use wire::assume::{AssumeParams, SessionCache};
use wire::client::{CallError, Client, Settings};

/// A call that answered.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The first page as chat shows it (a `lambda invoke` payload decoded).
    pub result: Value,
    /// The `--starting-token` for the next page, when there is one.
    pub next_token: Option<String>,
    /// What the AWS CLI prints for it, in the call's `--output` and `--query`.
    pub text: String,
}

/// Why a call did not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// AWS answered with an error.
    Aws,
    TimedOut,
    /// No answer: connection refused, reset, DNS.
    Network,
    /// The answer could not be read.
    Malformed,
    Credentials,
    /// The call cannot be made as given (a parameter, the output options).
    Invalid,
    /// The channel's role could not be assumed.
    AssumeRole,
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: FailureKind,
    /// The message a user sees.
    pub message: String,
    /// AWS's error code, when AWS answered.
    pub code: Option<String>,
}

impl Failure {
    fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            code: None,
        }
    }
}

/// Where and as whom a call goes.
#[derive(Debug, Clone, Default)]
pub struct Route<'a> {
    pub region: &'a str,
    /// An emulator endpoint (an operator setting, never from chat).
    pub endpoint: Option<&'a str>,
    /// The role to assume for the call, if any.
    pub assume: Option<&'a AssumeParams>,
}

/// Sends calls; keeps the HTTP pool and the assumed-role sessions between them.
pub struct Runner {
    models: Arc<Models>,
    base: Client,
    sessions: SessionCache,
    deadline: Duration,
    masker: Option<crate::mask::Masker>,
}

impl Runner {
    /// `base` signs calls made without a role, and the AssumeRole calls.
    pub fn new(models: Arc<Models>, base: Client, deadline: Duration) -> Runner {
        Runner {
            sessions: SessionCache::new(base.clone(), models.clone()),
            models,
            base,
            deadline,
            masker: None,
        }
    }

    /// Masks secret fields in every result before it is rendered.
    pub fn with_masker(mut self, masker: crate::mask::Masker) -> Runner {
        self.masker = Some(masker);
        self
    }

    /// The settings for one call.
    pub fn settings(&self, endpoint: Option<&str>) -> Settings {
        Settings {
            endpoint_url: endpoint.map(str::to_string),
            deadline: self.deadline,
            ..Settings::default()
        }
    }

    /// Sends a complete call and renders its first page.
    pub async fn call(&self, call: &Call, route: &Route<'_>) -> Result<Ran, Failure> {
        let model = self
            .models
            .service(&call.service)
            .map_err(|e| Failure::new(FailureKind::Invalid, e.to_string()))?;
        let op = model.operations.get(&call.operation).ok_or_else(|| {
            Failure::new(
                FailureKind::Invalid,
                format!("{} has no operation {}", call.service, call.cli_operation),
            )
        })?;
        let mut params = call.params.clone();
        let start = call
            .globals
            .starting_token
            .as_deref()
            .map(|t| wire::paging::decode_start(&model, op, t))
            .unwrap_or_default();
        params.extend(start.params.clone());
        let settings = self.settings(route.endpoint);
        let prepared =
            wire::client::prepare(&self.models, &model, op, &params, route.region, &settings)
                .map_err(|e| Failure::new(FailureKind::Invalid, e.to_string()))?;
        let client = match route.assume {
            None => self.base.clone(),
            Some(p) => self
                .sessions
                .client_for(p, route.region, &settings)
                .await
                .map_err(|e| {
                    let mut f = failure(call, &prepared.url, e);
                    f.message = format!("could not assume role {}: {}", p.role_arn, f.message);
                    f.kind = FailureKind::AssumeRole;
                    f
                })?,
        };
        let result = client
            .send(&model, op, &prepared, settings.deadline)
            .await
            .map_err(|e| failure(call, &prepared.url, e))?;
        let max_items = call.globals.max_items.map(|n| n.max(0) as usize);
        let (shaped, next_token) =
            wire::paging::shape_first_page(&model, op, &result, &start, max_items)
                .map_err(|e| Failure::new(FailureKind::Malformed, e.to_string()))?;
        let mut shown = shown_result(call, shaped);
        if let Some(m) = &self.masker {
            m.mask(&mut shown);
        }
        let text = crate::render::render_paged(
            &model,
            op,
            &shown,
            next_token.as_deref(),
            call.globals.output.as_deref(),
            call.globals.query.as_deref(),
        )
        .map_err(|e| Failure::new(FailureKind::Invalid, e))?;
        Ok(Ran {
            result: shown,
            next_token,
            text,
        })
    }
}

fn failure(call: &Call, url: &str, e: CallError) -> Failure {
    match e {
        CallError::Aws { error, retries } => Failure {
            kind: FailureKind::Aws,
            message: error
                .cli_message(&call.operation, Some(retries))
                .trim()
                .to_string(),
            code: Some(error.code.clone()),
        },
        CallError::TimedOut { after } => {
            let mut msg = format!(
                "{} {} timed out after {:.0} s.",
                call.service,
                call.cli_operation,
                after.as_secs_f64()
            );
            if call.service == "lambda" && call.operation == "Invoke" {
                msg.push_str(" To run the function without waiting for it, invoke it asynchronously: add --invocation-type Event.");
            }
            Failure::new(FailureKind::TimedOut, msg)
        }
        CallError::Network { message, retries } => Failure::new(
            FailureKind::Network,
            format!(
                "could not reach {url} after {} attempts: {message}",
                retries + 1
            ),
        ),
        CallError::Malformed(m) => Failure::new(
            FailureKind::Malformed,
            format!("the response could not be read: {m}"),
        ),
        CallError::Credentials(m) => Failure::new(FailureKind::Credentials, m),
        CallError::Wire(e) => Failure::new(FailureKind::Invalid, e.to_string()),
    }
}

/// What chat shows of a result: for `lambda invoke`, the function's payload as text and its
/// log tail decoded, since there is no output file.
fn shown_result(call: &Call, mut result: Value) -> Value {
    if call.service == "lambda" && call.operation == "Invoke" {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        if let Some(obj) = result.as_object_mut() {
            for key in ["Payload", "LogResult"] {
                if let Some(Value::String(s)) = obj.get(key) {
                    if let Ok(bytes) = b64.decode(s) {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let v = serde_json::from_str::<Value>(&text)
                            .ok()
                            .filter(|_| key == "Payload")
                            .unwrap_or(Value::String(text));
                        obj.insert(key.to_string(), v);
                    }
                }
            }
        }
    }
    result
}
