//! The state the options left → the call, in the order the AWS CLI builds it (ripgrep's
//! `HiArgs`): the one value without its option, the option table's order,
//! `--cli-input-json`, the CLI's own options, `--count`, the page size, what is missing.

use super::low::LowArgs;
use super::OpOptions;
use crate::customize;
use crate::error::CommandError;
use crate::options::OpArg;
use crate::parse::{missing_params, Call, Parsed};
use crate::skeleton;
use crate::suggest::did_you_mean;
use crate::values;
use awsmodel::ShapeKind;
use serde_json::{Map, Value};

pub(super) fn parsed(ops: &OpOptions, low: LowArgs) -> Result<Parsed, CommandError> {
    let LowArgs {
        mut params,
        globals,
        positionals,
        input_json,
        skeleton,
        page_size,
        no_paginate,
        count,
        extras,
        seen: _,
    } = low;
    positional(ops, &positionals, &mut params)?;
    if let Some(kind) = skeleton {
        let output = kind == "output";
        return Ok(Parsed::Skeleton(skeleton::for_operation(
            ops.model, ops.op, output,
        )));
    }
    let mut params = in_table_order(ops, params);
    if let Some(base) = input_json {
        fill_from_input_json(ops, base, &mut params)?;
    }
    apply_extras(ops, &extras, &mut params)?;
    if ops.runs_instances() {
        let (min, max) = count.unwrap_or((1, 1));
        params.entry("MinCount").or_insert(Value::from(min));
        params.entry("MaxCount").or_insert(Value::from(max));
    }
    let (service, op_cli) = (ops.service, ops.op_cli);
    let page_size =
        page_size.or_else(|| customize::default_page_size(service, op_cli, &params, !no_paginate));
    customize::finish(service, op_cli, &mut params);
    if let Some(n) = page_size {
        set_page_size(ops, n, &mut params)?;
    }
    let missing = missing_params(ops.cat, service, ops.model, ops.op, &ops.args, &params)?;
    let signing_name = ops.model.metadata.signing_name();
    let iam = ops.cat.iam.info(ops.model_name, signing_name, &ops.op.name);
    Ok(Parsed::Call(Box::new(Call {
        service: service.to_string(),
        model_name: ops.model_name.to_string(),
        operation: ops.op.name.clone(),
        cli_operation: op_cli.to_string(),
        params,
        globals,
        missing,
        iam,
    })))
}

/// Chat's shorthand: the one required parameter given without its option.
fn positional(
    ops: &OpOptions,
    positionals: &[String],
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    if positionals.is_empty() {
        return Ok(());
    }
    let required: Vec<&OpArg> = ops.args.iter().filter(|a| a.required).collect();
    match (positionals.len(), required.as_slice()) {
        (1, [only]) if !params.contains_key(&only.member) => {
            let opt = format!("--{}", only.cli);
            let v = values::from_cli(ops.model, &only.shape_ref, positionals, &opt)?;
            params.insert(only.member.clone(), v);
            Ok(())
        }
        _ => Err(CommandError::syntax(format!(
            "unexpected value '{}': values follow their option, as in `--name value`; `{} {} --help` lists the options",
            positionals[0], ops.service, ops.op_cli
        ))),
    }
}

/// The AWS CLI builds parameters in the order of its option table (the model's members,
/// renamed options last); requests depend on it.
fn in_table_order(ops: &OpOptions, mut params: Map<String, Value>) -> Map<String, Value> {
    let mut ordered = Map::with_capacity(params.len());
    for arg in &ops.args {
        if let Some(v) = params.remove(&arg.member) {
            ordered.insert(arg.member.clone(), v);
        }
    }
    ordered.extend(params);
    ordered
}

/// --cli-input-json fills what the options did not, after them, in its own order.
fn fill_from_input_json(
    ops: &OpOptions,
    base: Map<String, Value>,
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    let model = ops.model;
    let Some(shape) = model.input_shape(ops.op) else {
        return Err(CommandError::invalid(format!(
            "{} {} takes no parameters, so --cli-input-json must be {{}}",
            ops.service, ops.op_cli
        )));
    };
    for (k, v) in base {
        let Some(mref) = shape.members.get(&k) else {
            let hint = did_you_mean(&k, shape.members.keys().map(String::as_str));
            return Err(CommandError::unknown(format!(
                "--cli-input-json: unknown parameter '{k}'{hint}"
            )));
        };
        if params.contains_key(&k) {
            continue;
        }
        let ms = model
            .shape(&mref.shape)
            .ok_or_else(|| CommandError::invalid(format!("no shape {}", mref.shape)))?;
        let v = values::validate(model, ms, v, &format!("--cli-input-json {k}"), 1)?;
        params.insert(k, v);
    }
    Ok(())
}

/// The CLI's own options come last in its table; what they built is checked like any other
/// value.
fn apply_extras(
    ops: &OpOptions,
    extras: &[(&'static str, Vec<String>)],
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    let model = ops.model;
    customize::apply(model, ops.op, ops.service, ops.op_cli, extras, params)?;
    let Some((first, _)) = extras.first() else {
        return Ok(());
    };
    for (member, value) in params.iter_mut() {
        let Some(arg) = ops.args.iter().find(|a| &a.member == member) else {
            continue;
        };
        if let Some(shape) = model.shape(&arg.shape_ref.shape) {
            *value = values::validate(model, shape, value.take(), &format!("--{first}"), 1)?;
        }
    }
    Ok(())
}

/// The paginator adds the page size after the other parameters, as the AWS CLI's does.
fn set_page_size(
    ops: &OpOptions,
    n: i64,
    params: &mut Map<String, Value>,
) -> Result<(), CommandError> {
    let model = ops.model;
    let Some(p) = model.paginators.get(&ops.op.name) else {
        return Ok(());
    };
    let Some(limit) = &p.limit_key else {
        return Err(CommandError::invalid(format!(
            "--page-size: {} {} has no page size to set",
            ops.service, ops.op_cli
        )));
    };
    // The limit member's own type: Route 53's MaxItems is text.
    let text = model
        .input_shape(ops.op)
        .and_then(|s| s.members.get(limit))
        .and_then(|r| model.shape(&r.shape))
        .is_some_and(|s| s.kind == ShapeKind::String);
    let v = if text {
        Value::from(n.to_string())
    } else {
        Value::from(n)
    };
    params.entry(limit.clone()).or_insert(v);
    Ok(())
}
