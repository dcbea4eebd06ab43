//! Turning option values into typed API parameters, as the AWS CLI does, and checking them
//! against the model (types, enums, ranges, unknown and missing keys).

use crate::error::CommandError;
use crate::shorthand::{self, Sh};
use crate::suggest::did_you_mean;
use awsmodel::{ServiceModel, Shape, ShapeKind, ShapeRef};
use serde_json::{Map, Number, Value};

/// Deepest JSON nesting checked; deeper values are refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

fn shape_of<'m>(model: &'m ServiceModel, r: &ShapeRef) -> Result<&'m Shape, CommandError> {
    model.shape(&r.shape).ok_or_else(|| {
        CommandError::invalid(format!("the service model has no shape '{}'", r.shape))
    })
}

/// True when the CLI accepts shorthand for this shape: structures, maps and lists of them.
pub fn supports_shorthand(model: &ServiceModel, shape: &Shape) -> bool {
    if shape.document {
        return false;
    }
    match shape.kind {
        ShapeKind::Structure | ShapeKind::Map => true,
        ShapeKind::List => shape
            .member
            .as_ref()
            .and_then(|m| model.shape(&m.shape))
            .is_some_and(|s| !s.kind.is_scalar()),
        _ => false,
    }
}

fn refuse_param_file(text: &str, opt: &str) -> Result<(), CommandError> {
    let lower = text.trim_start().to_ascii_lowercase();
    for prefix in ["file://", "fileb://"] {
        if lower.starts_with(prefix) {
            return Err(CommandError::refused(format!(
                "{opt}: '{prefix}' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself"
            )));
        }
    }
    Ok(())
}

fn parse_json(text: &str, opt: &str) -> Result<Value, CommandError> {
    serde_json::from_str(text).map_err(|e| {
        let hint = if text.trim_start().starts_with('{') && !text.contains('"') {
            "; for shorthand drop the braces (Key=value,...), for JSON quote the keys and text values"
        } else {
            ""
        };
        CommandError::syntax(format!("{opt}: invalid JSON ({e}){hint}: {text}"))
    })
}

/// The value of one option from the words that followed it on the command line.
pub fn from_cli(
    model: &ServiceModel,
    r: &ShapeRef,
    words: &[String],
    opt: &str,
) -> Result<Value, CommandError> {
    for w in words {
        refuse_param_file(w, opt)?;
    }
    let shape = shape_of(model, r)?;
    let single = || -> Result<&String, CommandError> {
        match words {
            [one] => Ok(one),
            [] => Err(CommandError::invalid(format!("{opt} needs a value"))),
            _ => Err(CommandError::invalid(format!(
                "{opt} takes one value but got {}: {}; quote a value that contains spaces",
                words.len(),
                words.join(" ")
            ))),
        }
    };
    let raw = if shape.document || (r.jsonvalue && r.location.as_deref() == Some("header")) {
        parse_json(single()?, opt)?
    } else if shape.kind.is_scalar() {
        scalar_from_text(shape, single()?, opt)?
    } else if matches!(shape.kind, ShapeKind::Structure | ShapeKind::Map) {
        let text = single()?;
        if text.trim_start().starts_with('{') {
            parse_json(text, opt)?
        } else if shape.kind == ShapeKind::Structure
            && shape.members.len() == 1
            && shape
                .members
                .get("Value")
                .and_then(|m| model.shape(&m.shape))
                .is_some_and(|s| s.kind == ShapeKind::String)
            && !text.contains('=')
        {
            Value::Object(Map::from_iter([(
                "Value".to_string(),
                Value::String(text.clone()),
            )]))
        } else {
            let sh = shorthand::parse(text)
                .map_err(|e| CommandError::syntax(format!("{opt}: {}", e.0)))?;
            coerce(model, shape, &Sh::Map(sh), opt, 0)?
        }
    } else {
        // A list: several words, one JSON list, or one shorthand value per element.
        if words.is_empty() {
            return Err(CommandError::invalid(format!(
                "{opt} needs at least one value"
            )));
        }
        let member_ref = shape
            .member
            .as_ref()
            .ok_or_else(|| CommandError::invalid(format!("{opt}: list without a member shape")))?;
        let member = shape_of(model, member_ref)?;
        let first = words[0].trim_start();
        if words.len() == 1 && first.starts_with('[') {
            parse_json(&words[0], opt)?
        } else if member.kind.is_scalar() || member.document {
            Value::Array(
                words
                    .iter()
                    .map(|w| scalar_or_json(member, w, opt))
                    .collect::<Result<_, _>>()?,
            )
        } else if first.starts_with('{') || first.starts_with('[') {
            Value::Array(
                words
                    .iter()
                    .map(|w| parse_json(w, opt))
                    .collect::<Result<_, _>>()?,
            )
        } else {
            let mut items = Vec::with_capacity(words.len());
            for (i, w) in words.iter().enumerate() {
                let sh = shorthand::parse(w)
                    .map_err(|e| CommandError::syntax(format!("{opt}: {}", e.0)))?;
                items.push(coerce(
                    model,
                    member,
                    &Sh::Map(sh),
                    &format!("{opt}[{i}]"),
                    1,
                )?);
            }
            Value::Array(items)
        }
    };
    validate(model, shape, raw, opt, 0)
}

fn scalar_or_json(shape: &Shape, text: &str, opt: &str) -> Result<Value, CommandError> {
    if shape.document {
        return parse_json(text, opt);
    }
    scalar_from_text(shape, text, opt)
}

/// A scalar typed as text: numbers and booleans are converted, the rest stays text.
pub fn scalar_from_text(shape: &Shape, text: &str, path: &str) -> Result<Value, CommandError> {
    match shape.kind {
        ShapeKind::Integer | ShapeKind::Long => {
            let t = text.trim();
            t.parse::<i64>()
                .map(|n| Value::Number(n.into()))
                .map_err(|_| {
                    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
                    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                        CommandError::invalid(format!(
                            "{path}: {t} is too large for a whole number"
                        ))
                    } else {
                        CommandError::invalid(format!(
                            "{path}: expected a whole number, got '{text}'"
                        ))
                    }
                })
        }
        ShapeKind::Float | ShapeKind::Double => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| {
                CommandError::invalid(format!("{path}: expected a number, got '{text}'"))
            }),
        ShapeKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(CommandError::invalid(format!(
                "{path}: expected true or false, got '{text}'"
            ))),
        },
        _ => Ok(Value::String(text.to_string())),
    }
}

/// Gives shorthand's untyped strings, lists and maps the types the model asks for.
fn coerce(
    model: &ServiceModel,
    shape: &Shape,
    v: &Sh,
    path: &str,
    depth: usize,
) -> Result<Value, CommandError> {
    if depth > MAX_DEPTH {
        return Err(CommandError::invalid(format!(
            "{path}: the value is nested too deeply"
        )));
    }
    if shape.document {
        return Err(CommandError::syntax(format!(
            "{path}: shorthand syntax does not support document values; give this option as JSON"
        )));
    }
    match (shape.kind, v) {
        (ShapeKind::Structure, Sh::Map(m)) => {
            let mut out = Map::new();
            for (k, val) in m {
                let Some(mref) = shape.members.get(k) else {
                    return Err(unknown_key(shape, k, path));
                };
                let ms = shape_of(model, mref)?;
                out.insert(
                    k.clone(),
                    coerce(model, ms, val, &format!("{path}.{k}"), depth + 1)?,
                );
            }
            Ok(Value::Object(out))
        }
        (ShapeKind::Map, Sh::Map(m)) => {
            let vref = shape.value.as_ref().ok_or_else(|| {
                CommandError::invalid(format!("{path}: map without a value shape"))
            })?;
            let vs = shape_of(model, vref)?;
            let mut out = Map::new();
            for (k, val) in m {
                out.insert(
                    k.clone(),
                    coerce(model, vs, val, &format!("{path}.{k}"), depth + 1)?,
                );
            }
            Ok(Value::Object(out))
        }
        (ShapeKind::List, _) => {
            let mref = shape.member.as_ref().ok_or_else(|| {
                CommandError::invalid(format!("{path}: list without a member shape"))
            })?;
            let ms = shape_of(model, mref)?;
            let items: Vec<&Sh> = match v {
                Sh::List(l) => l.iter().collect(),
                other => vec![other],
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.into_iter().enumerate() {
                out.push(coerce(model, ms, it, &format!("{path}[{i}]"), depth + 1)?);
            }
            Ok(Value::Array(out))
        }
        (k, Sh::Str(s)) if k.is_scalar() => scalar_from_text(shape, s, path),
        (k, other) => Err(CommandError::invalid(format!(
            "{path}: expected {}, got {}",
            describe_kind(k),
            match other {
                Sh::Str(s) => format!("the text '{s}'"),
                Sh::List(_) => "a list".to_string(),
                Sh::Map(_) => "a structure".to_string(),
            }
        ))),
    }
}

fn describe_kind(k: ShapeKind) -> &'static str {
    match k {
        ShapeKind::Structure => "a structure (Key=value,...)",
        ShapeKind::Map => "a map (Key=value,...)",
        ShapeKind::List => "a list",
        ShapeKind::Integer | ShapeKind::Long => "a whole number",
        ShapeKind::Float | ShapeKind::Double => "a number",
        ShapeKind::Boolean => "true or false",
        ShapeKind::Timestamp => "a timestamp",
        _ => "a single value",
    }
}

fn unknown_key(shape: &Shape, key: &str, path: &str) -> CommandError {
    let valid: Vec<&str> = shape.members.keys().map(String::as_str).collect();
    let hint = did_you_mean(key, valid.iter().copied());
    CommandError::unknown(format!(
        "{path}: unknown key '{key}'{hint}; valid keys: {}",
        valid.join(", ")
    ))
}

fn type_error(path: &str, want: &str, got: &Value) -> CommandError {
    CommandError::invalid(format!("{path}: expected {want}, got {got}"))
}

/// Checks a typed value against its shape and normalizes timestamps to ISO 8601 UTC.
pub fn validate(
    model: &ServiceModel,
    shape: &Shape,
    v: Value,
    path: &str,
    depth: usize,
) -> Result<Value, CommandError> {
    if depth > MAX_DEPTH {
        return Err(CommandError::invalid(format!(
            "{path}: the value is nested too deeply"
        )));
    }
    if shape.document {
        return Ok(v);
    }
    match shape.kind {
        ShapeKind::Structure => {
            let Value::Object(obj) = v else { return Err(type_error(path, "a structure", &v)) };
            let mut out = Map::new();
            for (k, val) in obj {
                let Some(mref) = shape.members.get(&k) else { return Err(unknown_key(shape, &k, path)) };
                let ms = shape_of(model, mref)?;
                let val = validate(model, ms, val, &format!("{path}.{k}"), depth + 1)?;
                out.insert(k, val);
            }
            if depth > 0 {
                check_required(shape, &out, path)?;
            }
            if shape.union && out.len() > 1 {
                return Err(CommandError::invalid(format!(
                    "{path}: set exactly one of {}, not {}",
                    shape.members.keys().cloned().collect::<Vec<_>>().join(", "),
                    out.keys().cloned().collect::<Vec<_>>().join(" and ")
                )));
            }
            Ok(Value::Object(out))
        }
        ShapeKind::List => {
            let Value::Array(items) = v else { return Err(type_error(path, "a list", &v)) };
            let mref = shape.member.as_ref().ok_or_else(|| CommandError::invalid(format!("{path}: list without a member shape")))?;
            let ms = shape_of(model, mref)?;
            check_len(shape, items.len(), path, "items")?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, it)| validate(model, ms, it, &format!("{path}[{i}]"), depth + 1))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        ShapeKind::Map => {
            let Value::Object(obj) = v else { return Err(type_error(path, "a map", &v)) };
            let vref = shape.value.as_ref().ok_or_else(|| CommandError::invalid(format!("{path}: map without a value shape")))?;
            let vs = shape_of(model, vref)?;
            let ks = shape.key.as_ref().and_then(|k| model.shape(&k.shape));
            let mut out = Map::new();
            for (k, val) in obj {
                if let Some(ks) = ks {
                    check_enum(ks, &k, &format!("{path} key"))?;
                }
                let val = validate(model, vs, val, &format!("{path}.{k}"), depth + 1)?;
                out.insert(k, val);
            }
            Ok(Value::Object(out))
        }
        ShapeKind::String => {
            let Value::String(s) = &v else { return Err(type_error(path, "text", &v)) };
            check_enum(shape, s, path)?;
            check_len(shape, s.chars().count(), path, "characters")?;
            Ok(v)
        }
        ShapeKind::Integer | ShapeKind::Long => {
            let Some(n) = v.as_i64() else { return Err(type_error(path, "a whole number", &v)) };
            check_range(shape, n as f64, path)?;
            Ok(v)
        }
        ShapeKind::Float | ShapeKind::Double => {
            let Some(n) = v.as_f64() else { return Err(type_error(path, "a number", &v)) };
            check_range(shape, n, path)?;
            Ok(v)
        }
        ShapeKind::Boolean => match v {
            Value::Bool(_) => Ok(v),
            _ => Err(type_error(path, "true or false", &v)),
        },
        ShapeKind::Timestamp => match &v {
            Value::String(s) => crate::timestamp::normalize(s)
                .map(Value::String)
                .ok_or_else(|| CommandError::invalid(format!(
                    "{path}: '{s}' is not a timestamp; use ISO 8601 (2024-05-01T13:00:00Z) or seconds since 1970"
                ))),
            Value::Number(n) => n
                .as_f64()
                .and_then(crate::timestamp::from_epoch)
                .map(Value::String)
                .ok_or_else(|| type_error(path, "a timestamp", &v)),
            _ => Err(type_error(path, "a timestamp", &v)),
        },
        ShapeKind::Blob => match v {
            Value::String(_) => Ok(v),
            _ => Err(type_error(path, "text (binary data)", &v)),
        },
        ShapeKind::Unknown => Ok(v),
    }
}

/// Required members of a nested structure must be present (top-level ones are prompted).
pub fn check_required(
    shape: &Shape,
    obj: &Map<String, Value>,
    path: &str,
) -> Result<(), CommandError> {
    let missing: Vec<&str> = shape
        .required
        .iter()
        .filter(|r| !obj.contains_key(*r))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CommandError::invalid(format!(
        "{path}: missing required key{} {}",
        if missing.len() > 1 { "s" } else { "" },
        missing.join(", ")
    )))
}

fn check_enum(shape: &Shape, s: &str, path: &str) -> Result<(), CommandError> {
    if shape.enum_values.is_empty() || shape.enum_values.iter().any(|e| e == s) {
        return Ok(());
    }
    let hint = did_you_mean(s, shape.enum_values.iter().map(String::as_str));
    let list = if shape.enum_values.len() <= 30 {
        format!("; valid values: {}", shape.enum_values.join(", "))
    } else {
        String::new()
    };
    Err(CommandError::invalid(format!(
        "{path}: '{s}' is not a valid value{hint}{list}"
    )))
}

fn check_len(shape: &Shape, len: usize, path: &str, unit: &str) -> Result<(), CommandError> {
    if len == 0 && shape.min.is_some_and(|m| m >= 1.0) {
        return Err(CommandError::invalid(format!(
            "{path} is empty; give a value"
        )));
    }
    if let Some(min) = shape.min {
        if (len as f64) < min {
            return Err(CommandError::invalid(format!(
                "{path}: needs at least {min} {unit}, got {len}"
            )));
        }
    }
    if let Some(max) = shape.max {
        if (len as f64) > max {
            return Err(CommandError::invalid(format!(
                "{path}: allows at most {max} {unit}, got {len}"
            )));
        }
    }
    Ok(())
}

fn check_range(shape: &Shape, n: f64, path: &str) -> Result<(), CommandError> {
    if let Some(min) = shape.min {
        if n < min {
            return Err(CommandError::invalid(format!(
                "{path}: must be at least {min}, got {n}"
            )));
        }
    }
    if let Some(max) = shape.max {
        if n > max {
            return Err(CommandError::invalid(format!(
                "{path}: must be at most {max}, got {n}"
            )));
        }
    }
    Ok(())
}
