//! `chatops policy simulate`: one JSON request per line in, one decision per line out, with
//! AWS's semantics for a role session (identity policies ∩ session policies, deny wins).

use crate::context::Context;
use crate::document::Policy;
use crate::eval::{evaluate, Layer, Outcome};
use crate::json::Json;
use serde_json::{json, Map, Value};

/// A parsed request line.
#[derive(Debug)]
pub struct SimRequest {
    pub actions: Vec<String>,
    pub resource: String,
    pub context: Context,
    pub identity: Vec<Policy>,
    pub session: Vec<Policy>,
}

/// Reads one request object; the error names the field that is wrong.
pub fn parse_request(line: &str) -> Result<SimRequest, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Object(o) = v else {
        return Err("a request must be a JSON object".into());
    };
    for k in o.keys() {
        if !matches!(
            k.as_str(),
            "action" | "resource" | "context" | "identity_policies" | "session_policies"
        ) {
            return Err(format!(
                "unknown field \"{k}\" (a request has action, resource, context, identity_policies, session_policies)"
            ));
        }
    }
    let actions = match o.get("action") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("action: list items must be strings")?,
        Some(_) => return Err("action: must be a string or a non-empty list of strings".into()),
        None => return Err("action: missing (e.g. \"s3:GetObject\")".into()),
    };
    for a in &actions {
        match a.split_once(':') {
            Some((s, n)) if !s.is_empty() && !n.is_empty() && !a.contains(['*', '?']) => {}
            _ => {
                return Err(format!(
                "action: \"{a}\" is not service:Action without wildcards (e.g. \"s3:GetObject\")"
            ))
            }
        }
    }
    let resource = match o.get("resource") {
        None => "*".to_string(),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err("resource: must be an ARN or \"*\"".into()),
    };
    let context = match o.get("context") {
        None | Some(Value::Null) => Context::new(),
        Some(Value::Object(m)) => context_from(m)?,
        Some(_) => return Err("context: must be an object of condition keys".into()),
    };
    let identity = policies(&o, "identity_policies", "identity policy")?;
    let session = policies(&o, "session_policies", "session policy")?;
    Ok(SimRequest {
        actions,
        resource,
        context,
        identity,
        session,
    })
}

/// Condition keys from JSON: strings, numbers and booleans are single values, lists are sets.
pub fn context_from(m: &Map<String, Value>) -> Result<Context, String> {
    let mut ctx = Context::new();
    for (k, v) in m {
        match v {
            Value::Array(items) => {
                let vals = items
                    .iter()
                    .map(scalar)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        format!("context.{k}: list items must be strings, numbers or booleans")
                    })?;
                ctx.set_many(k, vals);
            }
            other => {
                let s = scalar(other).ok_or_else(|| {
                    format!("context.{k}: must be a string, number, boolean or a list of them")
                })?;
                ctx.set(k, s);
            }
        }
    }
    Ok(ctx)
}

fn scalar(v: &Value) -> Option<String> {
    Json::from_value(v).as_scalar()
}

fn policies(o: &Map<String, Value>, field: &str, what: &str) -> Result<Vec<Policy>, String> {
    let list = match o.get(field) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(format!("{field}: must be a list of policy documents")),
    };
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            let default_name = format!("{what} #{}", i + 1);
            let (name, doc) = match p {
                Value::Object(m) if m.contains_key("document") => (
                    m.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(&default_name)
                        .to_string(),
                    m["document"].clone(),
                ),
                other => (default_name, other.clone()),
            };
            let parsed = match &doc {
                Value::String(text) => Policy::parse(&name, text),
                v => Policy::from_value(&name, v),
            };
            parsed.map_err(|e| format!("{field}[{i}]: {e}"))
        })
        .collect()
}

/// Decides a parsed request: identity policies must allow, session policies (when given)
/// must allow too, any explicit deny wins.
pub fn decide(req: &SimRequest) -> (Outcome, String) {
    let layers = [
        Layer {
            name: "identity policy",
            policies: &req.identity,
            must_allow: true,
            absolute: false,
        },
        Layer {
            name: "session policy",
            policies: &req.session,
            must_allow: !req.session.is_empty(),
            absolute: false,
        },
    ];
    let actions: Vec<&str> = req.actions.iter().map(String::as_str).collect();
    let v = evaluate(&layers, &actions, &req.resource, &req.context);
    let why = v.explain(&layers, &actions, &req.resource, &req.context);
    (v.outcome, why)
}

/// One input line to one output line.
pub fn simulate_line(line: &str) -> String {
    let out = match parse_request(line) {
        Ok(req) => {
            let (outcome, why) = decide(&req);
            json!({"decision": outcome.as_str(), "explanation": why})
        }
        Err(e) => json!({"decision": "error", "error": e}),
    };
    out.to_string()
}
