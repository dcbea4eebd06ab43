//! `--output text`: the AWS CLI's tab-separated text formatter (`awscli/text.py`).
//!
//! Rules, as the CLI applies them:
//! - a dict prints one line with its scalar values in key order (sorted), prefixed by the
//!   upper-cased key it was found under, then recurses into its non-scalar values, sorted by key;
//! - a list of dicts prints each dict with the union of all the dicts' scalar keys as columns
//!   (a missing key prints as an empty column);
//! - a list of scalars prints one `IDENTIFIER\tvalue` line per element under a key, or one
//!   tab-joined line at the top level;
//! - scalars print through Python's `str()`: `True`, `False`, `None`, `1.0`.

use serde_json::{Map, Value};

use super::OutputError;
use pyrepr::{py_str, py_type_name};

pub(crate) fn format_text(value: &Value) -> Result<String, OutputError> {
    let mut out = String::new();
    format_value(value, None, None, &mut out)?;
    Ok(out)
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn format_value(
    item: &Value,
    identifier: Option<&str>,
    scalar_keys: Option<&[String]>,
    out: &mut String,
) -> Result<(), OutputError> {
    match item {
        Value::Object(map) => format_dict(scalar_keys, map, identifier, out),
        Value::Array(list) => format_list(list, identifier, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_list(
    list: &[Value],
    identifier: Option<&str>,
    out: &mut String,
) -> Result<(), OutputError> {
    if list.is_empty() {
        return Ok(());
    }
    if list.iter().any(|v| v.is_object()) {
        let all_keys = all_scalar_keys(list)?;
        for element in list {
            format_value(element, identifier, Some(&all_keys), out)?;
        }
    } else if list.iter().any(|v| v.is_array()) {
        let scalars: Vec<&Value> = list.iter().filter(|v| is_scalar(v)).collect();
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for non_scalar in list.iter().filter(|v| !is_scalar(v)) {
            format_value(non_scalar, identifier, None, out)?;
        }
    } else {
        let all: Vec<&Value> = list.iter().collect();
        format_scalar_list(&all, identifier, out);
    }
    Ok(())
}

fn format_scalar_list(elements: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            let id = id.to_uppercase();
            for item in elements {
                out.push_str(&id);
                out.push('\t');
                out.push_str(&py_str(item));
                out.push('\n');
            }
        }
        None => {
            let parts: Vec<String> = elements.iter().map(|v| py_str(v)).collect();
            out.push_str(&parts.join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(
    scalar_keys: Option<&[String]>,
    map: &Map<String, Value>,
    identifier: Option<&str>,
    out: &mut String,
) -> Result<(), OutputError> {
    let mut scalars: Vec<String> = Vec::new();
    let mut non_scalars: Vec<(&str, &Value)> = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                if is_scalar(v) {
                    scalars.push(py_str(v));
                } else {
                    non_scalars.push((k, v));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(map.get(key).map(py_str).unwrap_or_default());
            }
            let mut remaining: Vec<&String> = map.keys().filter(|k| !keys.contains(k)).collect();
            remaining.sort();
            for k in remaining {
                non_scalars.push((k, &map[k.as_str()]));
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (new_identifier, non_scalar) in non_scalars {
        format_value(non_scalar, Some(new_identifier), None, out)?;
    }
    Ok(())
}

/// The sorted union of the scalar-valued keys of a list's dicts. The CLI requires every
/// element of such a list to be a dict (it fails with an AttributeError otherwise).
fn all_scalar_keys(list: &[Value]) -> Result<Vec<String>, OutputError> {
    let mut keys: Vec<String> = Vec::new();
    for item in list {
        let map = item.as_object().ok_or_else(|| {
            OutputError::Format(format!(
                "'{}' object has no attribute 'items'",
                py_type_name(item)
            ))
        })?;
        for (k, v) in map {
            if is_scalar(v) && !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys.sort();
    Ok(keys)
}
