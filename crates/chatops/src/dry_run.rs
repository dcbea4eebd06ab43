//! `--dry-run`: what a line would send, as JSON, and nothing sent. It parses and plans as
//! the conversation does (the same always-deny list, the same planning of account, region
//! and role), then builds the request without signing it.

use crate::exit;
use crate::terminal::{denied, describe_missing, Printed, Terminal};
use command::{parse_line, Call, Catalog, Parsed};
use serde_json::{json, Map, Value};

/// The `--dry-run` document of a call.
pub fn dry_run_json(call: &Call, region: &str) -> Value {
    let mut v = json!({
        "service": call.service,
        "operation": call.operation,
        "params": call.params,
        "iam_actions": call.iam.actions,
        "access": call.iam.access,
        "region": region,
    });
    if !call.missing.is_empty() {
        v["missing"] = json!(call.missing.iter().map(|m| &m.option).collect::<Vec<_>>());
    }
    if !call.iam.unknown.is_empty() {
        v["access_unknown"] = json!(call.iam.unknown);
    }
    v
}

/// Describes a line: the call, the decision (with a configured channel), the request.
pub async fn dry_run(cat: &Catalog, term: &Terminal, configured: bool, line: &str) -> Printed {
    let call = match parse_line(cat, engine::text::strip_mention(line)) {
        Err(e) => {
            return match authz::Authorizer::new(cat.iam.clone())
                .always_denied_command(&e.actions, &e.aliases)
            {
                Some(d) => denied(&d),
                None => Printed::error(format!("error: {e}"), exit::BAD_LINE),
            };
        }
        Ok(Parsed::Help(text)) => return shown(text),
        Ok(Parsed::Skeleton(v)) => return shown(pretty(&v)),
        Ok(Parsed::Call(call)) => call,
    };
    let Some(plan) = term.plan(&call).await else {
        return Printed::error(
            "error: the terminal's channel is not configured",
            exit::FAILED,
        );
    };
    // Refused lines (the always-deny list first) are not described.
    if !plan.decision.allowed() {
        return denied(&plan.decision);
    }
    let mut doc = dry_run_json(&call, &plan.region);
    if configured {
        doc["authorization"] = json!({
            "decision": plan.decision.outcome.as_str(),
            "reason": plan.decision.reason,
            "account": plan.account.as_ref().map(|a| &a.name),
            "role_arn": plan.role_arn,
        });
    }
    let mut follow: Vec<Value> = Vec::new();
    for f in engine::follow_up_calls(&call).iter() {
        follow.push(follow_up_json(cat, term, configured, f).await);
    }
    if !follow.is_empty() {
        doc["then"] = Value::Array(follow);
    }
    let mut stderr = String::new();
    if call.missing.is_empty() {
        let endpoint = plan.account.as_ref().and_then(|a| a.endpoint.as_deref());
        match request_json(cat, &call, &plan.region, endpoint) {
            Ok(req) => doc["request"] = req,
            Err(e) => stderr = format!("error: {e}"),
        }
    } else {
        stderr = describe_missing(&call);
    }
    Printed {
        stdout: pretty(&doc),
        stderr,
        code: if call.missing.is_empty() {
            exit::OK
        } else {
            exit::NEEDS_INPUT
        },
    }
}

/// A call the engine makes after this one: its operation, IAM actions, when, and (with a
/// configured channel) whether the channel allows it.
async fn follow_up_json(
    cat: &Catalog,
    term: &Terminal,
    configured: bool,
    f: &engine::FollowUp,
) -> Value {
    let Ok(Parsed::Call(call)) = parse_line(cat, f.line) else {
        return json!({ "line": f.line, "when": f.when });
    };
    let mut v = json!({
        "service": call.service,
        "operation": call.operation,
        "iam_actions": call.iam.actions,
        "access": call.iam.access,
        "when": f.when,
    });
    if configured {
        if let Some(plan) = term.plan(&call).await {
            v["authorization"] = json!({
                "decision": plan.decision.outcome.as_str(),
                "reason": plan.decision.reason,
            });
        }
    }
    v
}

fn shown(text: String) -> Printed {
    Printed {
        stdout: text,
        stderr: String::new(),
        code: exit::OK,
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The request part: method, URL, headers (no signature) and body.
fn request_json(
    cat: &Catalog,
    call: &Call,
    region: &str,
    endpoint: Option<&str>,
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
    let settings = wire::client::Settings {
        endpoint_url: endpoint.map(str::to_string),
        deadline: crate::terminal::deadline(),
        ..wire::client::Settings::default()
    };
    let p = wire::client::prepare(&cat.models, &model, op, &params, region, &settings)
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
