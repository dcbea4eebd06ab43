//! Running a complete call against AWS (or the operator's emulator) and turning the result
//! into what the AWS CLI would print.

use crate::exit;
use crate::run::{Reply, SessionArgs};
use command::{Call, Catalog};
use serde_json::{json, Map, Value};
use std::time::Duration;
use wire::client::{CallError, Client, Settings};

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

/// The input tokens a `--starting-token` stands for (base64 JSON, as the AWS CLI makes them;
/// a bare token is taken for the first input token).
pub fn starting_token_params(
    model: &awsmodel::ServiceModel,
    op: &awsmodel::Operation,
    token: &str,
) -> Map<String, Value> {
    use base64::Engine;
    let mut out = Map::new();
    let Some(p) = model.paginators.get(&op.name) else {
        return out;
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()
        .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok());
    match decoded {
        Some(map) => {
            for name in &p.input_token {
                if let Some(v) = map.get(name) {
                    out.insert(name.clone(), v.clone());
                }
            }
        }
        None => {
            if let Some(first) = p.input_token.first() {
                out.insert(first.clone(), Value::String(token.to_string()));
            }
        }
    }
    out
}

/// The `--starting-token` for the page after `result`, if the paginator says there is one.
pub fn next_token(
    model: &awsmodel::ServiceModel,
    op: &awsmodel::Operation,
    result: &Value,
) -> Option<String> {
    use base64::Engine;
    let p = model.paginators.get(&op.name)?;
    if let Some(more) = &p.more_results {
        if result.pointer(&format!("/{}", more.replace('.', "/"))) == Some(&Value::Bool(false)) {
            return None;
        }
    }
    let mut tokens = Map::new();
    for (input, output) in p.input_token.iter().zip(&p.output_token) {
        let path = output.split(" || ").next().unwrap_or(output);
        if let Some(v) = result
            .pointer(&format!("/{}", path.replace('.', "/")))
            .filter(|v| !v.is_null() && *v != &Value::String(String::new()))
        {
            tokens.insert(input.clone(), v.clone());
        }
    }
    if tokens.is_empty() {
        return None;
    }
    Some(
        base64::engine::general_purpose::STANDARD
            .encode(serde_json::to_vec(&Value::Object(tokens)).ok()?),
    )
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
        params.extend(starting_token_params(&model, op, t));
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
pub fn execute(cat: &Catalog, call: &Call, region: &str, s: &SessionArgs) -> Reply {
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
    if let Some(t) = &call.globals.starting_token {
        params.extend(starting_token_params(&model, op, t));
    }
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
        let client = Client::from_environment().await;
        client.send(&model, op, &prepared, settings.deadline).await
    });
    match outcome {
        Ok(result) => {
            let mut note = String::new();
            if let Some(token) = next_token(&model, op, &result) {
                note = format!(
                    "More results are available. For the next page, run:\n  {} {} … --starting-token {token}",
                    call.service, call.cli_operation
                );
            }
            let shown = shown_result(call, result);
            match crate::render::render(
                &shown,
                call.globals.output.as_deref(),
                call.globals.query.as_deref(),
                &op.name,
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
