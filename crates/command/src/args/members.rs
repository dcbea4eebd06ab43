//! An option made from a member of the operation's input (`--function-name`,
//! `--no-dry-run`, `--tags k=v …`): its value, read as the AWS CLI reads that member's type.

use super::cursor::{Cursor, Given};
use super::low::LowArgs;
use super::OpOptions;
use crate::customize;
use crate::error::CommandError;
use crate::options::OpArg;
use crate::values;
use awsmodel::{ServiceModel, ShapeKind};
use serde_json::Value;

/// Reads the member's value and sets it.
pub(super) fn update(
    ops: &OpOptions,
    arg: &OpArg,
    negated: bool,
    given: &Given,
    words: &mut Cursor,
    low: &mut LowArgs,
) -> Result<(), CommandError> {
    let opt = format!("--{}", arg.cli);
    let model = ops.model;
    let value = if arg.bool_struct {
        bool_struct(model, arg, negated, given, words)?
    } else if arg.kind == ShapeKind::Boolean {
        boolean(negated, given, words, &opt)?
    } else if arg.kind == ShapeKind::List {
        let mut vals: Vec<String> = given
            .inline
            .map(|v| vec![v.to_string()])
            .unwrap_or_default();
        vals.extend(words.values());
        if customize::bare_word_list(ops.service, ops.op_cli, &arg.cli) {
            bare_word_list(model, arg, &vals, &opt)?
        } else {
            values::from_cli(model, &arg.shape_ref, &vals, &opt)?
        }
    } else {
        let v = words.value(given)?;
        values::from_cli(model, &arg.shape_ref, &[v], &opt)?
    };
    low.params.insert(arg.member.clone(), value);
    Ok(())
}

/// An EC2 `{"Value": bool}` structure: `--x`, `--no-x`, or `--x Value=true` / `--x {…}`.
fn bool_struct(
    model: &ServiceModel,
    arg: &OpArg,
    negated: bool,
    given: &Given,
    words: &mut Cursor,
) -> Result<Value, CommandError> {
    let value = match given.inline {
        Some(v) => Some(v.to_string()),
        None if negated => None,
        None => words.next_value_if(|v| v.contains('=') || v.trim_start().starts_with('{')),
    };
    match (value, negated) {
        (Some(v), false) => {
            values::from_cli(model, &arg.shape_ref, &[v], &format!("--{}", arg.cli))
        }
        (Some(_), true) => Err(CommandError::invalid(format!(
            "--{} is a flag; it takes no value",
            given.name
        ))),
        (None, neg) => Ok(serde_json::json!({ "Value": !neg })),
    }
}

/// A boolean: `--x`, `--no-x`, or `--x true|false`.
fn boolean(
    negated: bool,
    given: &Given,
    words: &mut Cursor,
    opt: &str,
) -> Result<Value, CommandError> {
    let explicit = match given.inline {
        Some(v) => Some(v.to_string()),
        None => words
            .next_value_if(|v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")),
    };
    let b = match explicit {
        None => true,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(v) => {
            return Err(CommandError::invalid(format!(
                "{opt} is a flag; it takes no value, got '{v}'"
            )))
        }
    };
    Ok(Value::Bool(b != negated))
}

/// A list of one-member structures given as bare words, one structure per word.
fn bare_word_list(
    model: &ServiceModel,
    arg: &OpArg,
    words: &[String],
    opt: &str,
) -> Result<Value, CommandError> {
    let list = model
        .shape(&arg.shape_ref.shape)
        .ok_or_else(|| CommandError::invalid(format!("{opt}: no shape")))?;
    let member = list.member.as_ref().and_then(|m| model.shape(&m.shape));
    let key = member
        .filter(|m| m.members.len() == 1)
        .and_then(|m| m.members.keys().next());
    match (key, words.first()) {
        (Some(key), Some(first)) if !first.trim_start().starts_with('[') => {
            let items = words
                .iter()
                .map(|w| serde_json::json!({ key.as_str(): w }))
                .collect();
            values::validate(model, list, Value::Array(items), opt, 0)
        }
        _ => values::from_cli(model, &arg.shape_ref, words, opt),
    }
}
