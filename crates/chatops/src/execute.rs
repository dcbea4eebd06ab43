//! Running a complete call against AWS (or the operator's emulator) and turning the result
//! into what the AWS CLI would print.

use crate::exit;
use crate::run::{Reply, SessionArgs};
use command::{Call, Catalog};
use engine::{FailureKind, Route, Runner};
use serde_json::{json, Map, Value};
use std::time::Duration;
use wire::assume::AssumeParams;
use wire::client::{Client, Settings};

/// The deadline for one command: `CHATOPS_DEADLINE_SECS`, else the seed's 15 s.
pub fn deadline() -> Duration {
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
        .operations
        .get(&call.operation)
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
    let route = Route {
        region,
        endpoint: s.endpoint_url.as_deref(),
        assume,
    };
    let outcome = runtime.block_on(async {
        let runner = Runner::new(
            cat.models.clone(),
            Client::from_environment().await,
            deadline(),
        );
        runner.call(call, &route).await
    });
    match outcome {
        Ok(ran) => Reply {
            stdout: ran.text,
            stderr: ran
                .next_token
                .map(|t| format!("More results are available. For the next page, run the same command with --starting-token {t}"))
                .unwrap_or_default(),
            code: exit::OK,
        },
        // The AWS CLI prints a blank line before AWS's error.
        Err(f) if f.kind == FailureKind::Aws => fail(exit::FAILED, format!("\n{}", f.message)),
        Err(f) => {
            let code = match f.kind {
                FailureKind::TimedOut => exit::TIMED_OUT,
                FailureKind::Invalid => exit::BAD_LINE,
                _ => exit::FAILED,
            };
            fail(code, format!("error: {}", f.message))
        }
    }
}
