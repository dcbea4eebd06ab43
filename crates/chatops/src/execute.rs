//! Running a complete call against AWS (or the operator's emulator) and turning the result
//! into what the AWS CLI would print.

use crate::exit;
use crate::run::{Reply, SessionArgs};
use command::{Call, Catalog};
use serde_json::{json, Map, Value};
use std::time::Duration;
use wire::assume::{AssumeParams, SessionCache};
use wire::client::{CallError, Client, Settings};

/// A failed call, with the role when assuming it was what failed.
struct AssumeFailed(String, CallError);

/// A call error in one line, for messages about the role.
fn describe(e: &CallError) -> String {
    match e {
        CallError::Aws { error, .. } => error.cli_message("AssumeRole", None).trim().to_string(),
        CallError::TimedOut { after } => format!("timed out after {:.0} s", after.as_secs_f64()),
        CallError::Network { message, .. } => message.clone(),
        CallError::Malformed(m) | CallError::Credentials(m) => m.clone(),
        CallError::Wire(w) => w.to_string(),
    }
}

/// The deadline for one command: `CHATOPS_DEADLINE_SECS`, else the seed's 15 s.
fn deadline() -> Duration {
    std::env::var("CHATOPS_DEADLINE_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(wire::client::DEFAULT_DEADLINE)
}

fn settings(s: &SessionArgs) -> Settings {
    Settings {
        endpoint_url: s.endpoint_url.clone(),
        deadline: deadline(),
        ..Settings::default()
    }
}

/// The `--dry-run` request part: method, URL, headers (no signature) and body.
pub fn request_json(
    cat: &Catalog,
    call: &Call,
    region: &str,
    s: &SessionArgs,
) -> Result<Value, String> {
    let model = cat
        .models
        .service(&call.service)
        .map_err(|e| e.to_string())?;
    let op = model
        .operation_by_cli_name(&call.cli_operation)
        .ok_or("unknown operation")?;
    let mut params = call.params.clone();
    if let Some(t) = &call.globals.starting_token {
        params.extend(wire::paging::decode_start(&model, op, t).params);
    }
    let p = wire::client::prepare(&cat.models, &model, op, &params, region, &settings(s))
        .map_err(|e| e.to_string())?;
    let headers: Map<String, Value> = p
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let body = match String::from_utf8(p.body.clone()) {
        Ok(text) => Value::String(text),
        Err(_) => json!({ "base64": wire::serialize::base64(&p.body) }),
    };
    Ok(
        json!({ "method": p.method, "url": p.url, "headers": headers, "body": body,
               "signing": { "service": p.target.signing_name, "region": p.target.signing_region } }),
    )
}

/// Sends a call and formats the reply.
/// With `assume`, the call is signed with that role's session.
pub fn execute(
    cat: &Catalog,
    call: &Call,
    region: &str,
    s: &SessionArgs,
    assume: Option<&AssumeParams>,
) -> Reply {
    let fail = |code, msg: String| Reply {
        stdout: String::new(),
        stderr: msg,
        code,
    };
    let model = match cat.models.service(&call.service) {
        Ok(m) => m,
        Err(e) => return fail(exit::FAILED, format!("error: {e}")),
    };
    let Some(op) = model.operation_by_cli_name(&call.cli_operation) else {
        return fail(
            exit::FAILED,
            format!(
                "error: {} has no operation {}",
                call.service, call.cli_operation
            ),
        );
    };
    let mut params = call.params.clone();
    let start = call
        .globals
        .starting_token
        .as_deref()
        .map(|t| wire::paging::decode_start(&model, op, t))
        .unwrap_or_default();
    params.extend(start.params.clone());
    let settings = settings(s);
    let prepared = match wire::client::prepare(&cat.models, &model, op, &params, region, &settings)
    {
        Ok(p) => p,
        Err(e) => return fail(exit::BAD_LINE, format!("error: {e}")),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return fail(
                exit::FAILED,
                format!("error: cannot start the runtime: {e}"),
            )
        }
    };
    let outcome = runtime.block_on(async {
        let mut client = Client::from_environment().await;
        if let Some(p) = assume {
            let sessions = SessionCache::new(client, cat.models.clone());
            client = sessions
                .client_for(p, region, &settings)
                .await
                .map_err(|e| AssumeFailed(p.role_arn.clone(), e))?;
        }
        client
            .send(&model, op, &prepared, settings.deadline)
            .await
            .map_err(|e| AssumeFailed(String::new(), e))
    });
    let outcome = match outcome {
        Ok(v) => Ok(v),
        Err(AssumeFailed(role, e)) if !role.is_empty() => {
            return fail(
                exit::FAILED,
                format!("error: could not assume role {role}: {}", describe(&e)),
            )
        }
        Err(AssumeFailed(_, e)) => Err(e),
    };
    match outcome {
        Ok(result) => {
            let max_items = call.globals.max_items.map(|n| n.max(0) as usize);
            let (shaped, token) =
                match wire::paging::shape_first_page(&model, op, &result, &start, max_items) {
                    Ok(x) => x,
                    Err(e) => return fail(exit::FAILED, format!("error: {e}")),
                };
            let note = match &token {
                Some(t) => format!(
                    "More results are available. For the next page, run the same command with --starting-token {t}"
                ),
                None => String::new(),
            };
            let shown = shown_result(call, shaped);
            match crate::render::render_paged(
                &model,
                op,
                &shown,
                token.as_deref(),
                call.globals.output.as_deref(),
                call.globals.query.as_deref(),
            ) {
                Ok(text) => Reply {
                    stdout: text,
                    stderr: note,
                    code: exit::OK,
                },
                Err(e) => fail(exit::BAD_LINE, format!("error: {e}")),
            }
        }
        Err(CallError::Aws { error, retries }) => fail(
            exit::FAILED,
            format!("\n{}", error.cli_message(&op.name, Some(retries))),
        ),
        Err(CallError::TimedOut { after }) => {
            let mut msg = format!(
                "error: {} {} timed out after {:.0} s.",
                call.service,
                call.cli_operation,
                after.as_secs_f64()
            );
            if call.service == "lambda" && call.operation == "Invoke" {
                msg.push_str(" To run the function without waiting for it, invoke it asynchronously: add --invocation-type Event.");
            }
            fail(exit::TIMED_OUT, msg)
        }
        Err(CallError::Network { message, retries }) => fail(
            exit::FAILED,
            format!(
                "error: could not reach {} after {} attempts: {message}",
                prepared.url,
                retries + 1
            ),
        ),
        Err(CallError::Malformed(m)) => fail(
            exit::FAILED,
            format!("error: the response could not be read: {m}"),
        ),
        Err(CallError::Credentials(m)) => fail(exit::FAILED, format!("error: {m}")),
        Err(CallError::Wire(e)) => fail(exit::BAD_LINE, format!("error: {e}")),
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
