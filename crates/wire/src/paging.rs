//! First page only, shaped as the AWS CLI prints a paginated result: the paginator's result
//! keys and non-aggregate keys, and a `NextToken` to resume from when more exists or
//! `--max-items` cut the page (botocore's `build_full_result` and token encoding).

use awsmodel::{Operation, ServiceModel};
use base64::Engine;
use jmespath_py::{Query, QueryError};
use serde_json::{Map, Value};

/// Where a `--starting-token` resumes: the input tokens to send, and how many items of that
/// page were already shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Start {
    pub params: Map<String, Value>,
    pub skip: usize,
}

const TRUNCATE_KEY: &str = "boto_truncate_amount";

/// Reads a `--starting-token` (base64 JSON, as the AWS CLI writes it; a bare token is taken
/// for the first input token).
pub fn decode_start(model: &ServiceModel, op: &Operation, token: &str) -> Start {
    let mut start = Start::default();
    let Some(p) = model.paginators.get(&op.name) else {
        return start;
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()
        .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok());
    match decoded {
        Some(map) => {
            for name in &p.input_token {
                if let Some(v) = map.get(name).filter(|v| !v.is_null()) {
                    start.params.insert(name.clone(), v.clone());
                }
            }
            start.skip = map.get(TRUNCATE_KEY).and_then(Value::as_u64).unwrap_or(0) as usize;
        }
        None => {
            if let Some(first) = p.input_token.first() {
                start
                    .params
                    .insert(first.clone(), Value::String(token.to_string()));
            }
        }
    }
    start
}

fn encode(tokens: &Map<String, Value>) -> String {
    base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(tokens).unwrap_or_default())
}

fn search(expr: &str, v: &Value) -> Result<Value, QueryError> {
    Query::compile(expr)?.search(v)
}

/// `set_value_from_jmespath`: sets `a.b.c` in nested objects, creating them.
fn set_path(target: &mut Map<String, Value>, path: &str, v: Value) {
    let mut parts = path.split('.').peekable();
    let mut cur = target;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(part.to_string(), v);
            return;
        }
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        cur = entry.as_object_mut().expect("made an object above");
    }
}

/// The page as the CLI prints a paginated result, and the token for the next page.
pub fn shape_first_page(
    model: &ServiceModel,
    op: &Operation,
    page: &Value,
    start: &Start,
    max_items: Option<usize>,
) -> Result<(Value, Option<String>), QueryError> {
    let Some(p) = model.paginators.get(&op.name) else {
        return Ok((page.clone(), None));
    };
    let mut out = Map::new();
    let mut truncated = false;
    for key in &p.result_key {
        let mut v = search(key, page)?;
        if v.is_null() {
            continue;
        }
        if let Value::Array(items) = &mut v {
            if start.skip > 0 {
                items.drain(..start.skip.min(items.len()));
            }
            if let Some(n) = max_items {
                if items.len() > n {
                    items.truncate(n);
                    truncated = true;
                }
            }
        }
        set_path(&mut out, key, v);
    }
    for key in &p.non_aggregate_keys {
        let v = search(key, page)?;
        set_path(&mut out, key, v);
    }
    let mut tokens = Map::new();
    if truncated {
        // The same page again, skipping what was shown.
        for (name, v) in &start.params {
            tokens.insert(name.clone(), v.clone());
        }
        tokens.insert(
            TRUNCATE_KEY.into(),
            Value::from(start.skip + max_items.unwrap_or(0)),
        );
    } else {
        let more = match &p.more_results {
            Some(expr) => search(expr, page)? == Value::Bool(true),
            None => true,
        };
        if more {
            for (input, output) in p.input_token.iter().zip(&p.output_token) {
                let v = search(output, page)?;
                if !v.is_null() && v != Value::String(String::new()) {
                    tokens.insert(input.clone(), v);
                }
            }
        }
    }
    if tokens.is_empty() {
        return Ok((Value::Object(out), None));
    }
    let token = encode(&tokens);
    out.insert("NextToken".into(), Value::String(token.clone()));
    Ok((Value::Object(out), Some(token)))
}
