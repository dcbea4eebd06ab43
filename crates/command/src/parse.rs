//! A chat line → a validated call, help text or a skeleton.

use crate::catalog::Catalog;
use crate::chat_text::normalize;
use crate::customize::{self, extra_options, Arity, ExtraOption};
use crate::error::CommandError;
use crate::help;
use crate::iam::IamInfo;
use crate::options::{
    op_args, OpArg, IGNORED_FLAGS, OUTPUT_FORMATS, REFUSED_GLOBALS, VALUE_GLOBALS,
};
use crate::skeleton;
use crate::suggest::did_you_mean;
use crate::tokens::tokenize;
use crate::values;
use awsmodel::{xform_name, Operation, ServiceDocs, ServiceModel, ShapeKind};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// What a line asks for.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// An AWS call (possibly with required parameters still missing).
    Call(Box<Call>),
    /// Help text to show.
    Help(String),
    /// A `--generate-cli-skeleton` document to show.
    Skeleton(Value),
}

/// Options that shape the output rather than the request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Globals {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}

/// A required parameter the line did not give, for the conversation to ask for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingParam {
    /// The API member name (`FunctionName`).
    pub member: String,
    /// The option as typed (`--function-name`).
    pub option: String,
    /// The shape kind (`string`, `list`, …).
    pub type_name: String,
    /// Plain-text description from the model.
    pub doc: String,
    /// Allowed values, when the model lists them.
    pub enum_values: Vec<String>,
}

/// A validated AWS call, exactly as the AWS CLI would build it.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The CLI service name (`s3api`).
    pub service: String,
    /// botocore's folder name (`s3`).
    #[serde(skip)]
    pub model_name: String,
    /// The API operation name (`GetFunction`).
    pub operation: String,
    /// The CLI operation name (`get-function`).
    #[serde(skip)]
    pub cli_operation: String,
    /// Parameters by API member name, in the order given.
    pub params: Map<String, Value>,
    pub globals: Globals,
    pub missing: Vec<MissingParam>,
    pub iam: IamInfo,
}

impl Call {
    /// The operation under its service's names, for the always-deny list.
    pub fn aliases(&self) -> Vec<String> {
        crate::iam::service_aliases(&self.service, &self.model_name, &self.operation)
    }
}

/// Parses one chat message.
pub fn parse_line(cat: &Catalog, text: &str) -> Result<Parsed, CommandError> {
    let line = normalize(text);
    if let Some(c) = line
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(CommandError::syntax(format!(
            "the command contains an invisible control character (U+{:04X}); retype it without that character",
            c as u32
        )));
    }
    let mut words = tokenize(&line)?;
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("aws")) {
        words.remove(0);
    }
    // The AWS CLI takes its global options before the service too (`--region x lambda …`):
    // they are moved to the end, where the option parser reads them.
    let mut moved = take_leading_globals(&mut words, 0)?;
    let Some(first) = words.first() else {
        return Err(CommandError::syntax(
            "there is no command to run; type one such as `lambda list-functions`, or `help`",
        ));
    };
    let svc = first.to_lowercase();
    if matches!(svc.as_str(), "help" | "--help" | "-h") {
        return Ok(Parsed::Help(help::services(cat)));
    }
    if svc == "invoke" {
        // The seed's simplified syntax: `invoke <function> [--payload …]`.
        words[0] = "lambda".to_string();
        words.insert(1, "invoke".to_string());
    } else if svc == "s3" {
        return Err(high_level_s3(words.get(1).map(String::as_str)));
    } else if matches!(svc.as_str(), "configure" | "login" | "logout") {
        return Err(CommandError::refused(format!(
            "`{svc}` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration"
        )));
    } else if svc == "history" {
        return Err(CommandError::refused(
            "`history` shows the AWS CLI's local command history and does not exist in chat",
        ));
    }
    let svc = words[0].to_lowercase();
    moved.extend(take_leading_globals(&mut words, 1)?);
    words.extend(moved);
    let Some(entry) = cat.models.entry(&svc) else {
        let hint = did_you_mean(
            &svc,
            cat.models.services().iter().map(|s| s.cli_name.as_str()),
        );
        return Err(CommandError::unknown(format!(
            "unknown service '{svc}'{hint}; `help` lists the services"
        )));
    };
    let cli_service = entry.cli_name.clone();
    let model_name = entry.model_name.clone();
    let model = cat
        .models
        .service(&cli_service)
        .map_err(|e| CommandError::unknown(e.to_string()))?;
    let Some(op_word) = words.get(1) else {
        return Err(CommandError::syntax(format!(
            "which {cli_service} operation? `{cli_service} --help` lists them"
        )));
    };
    if matches!(op_word.to_lowercase().as_str(), "help" | "--help" | "-h") {
        let docs = service_docs(cat, &cli_service)?;
        return Ok(Parsed::Help(help::service(&cli_service, &model, &docs)));
    }
    let op_cli = if op_word.chars().any(|c| c.is_ascii_uppercase()) && !op_word.contains('-') {
        xform_name(op_word)
    } else {
        op_word.to_lowercase()
    };
    if let Some(instead) = customize::removed_operation(&cli_service, &op_cli) {
        return Err(CommandError::unknown(format!(
            "'{op_cli}' is not an AWS CLI command: {instead}"
        )));
    }
    let Some(op) = find_operation(&model, &cli_service, &op_cli) else {
        if op_cli.starts_with('-') {
            return Err(CommandError::syntax(format!(
                "an operation name must come before options: `{cli_service} <operation> {op_word} …`; `{cli_service} --help` lists the operations"
            )));
        }
        let hint = did_you_mean(&op_cli, model.cli_operations.keys().map(String::as_str));
        return Err(CommandError::unknown(format!(
            "'{op_cli}' is not an operation of {cli_service}{hint}; `{cli_service} --help` lists them"
        )));
    };
    parse_args(
        cat,
        &model,
        &cli_service,
        &model_name,
        &op_cli,
        op,
        &words[2..],
    )
    .map_err(|mut e| {
        e.actions = crate::iam::actions_for(&model_name, model.metadata.signing_name(), &op.name);
        e.aliases = crate::iam::service_aliases(&cli_service, &model_name, &op.name);
        e
    })
}

/// An operation by the name the AWS CLI gives it, including the commands the CLI makes from
/// another operation (`rds add-option-to-option-group`).
fn find_operation<'m>(
    model: &'m ServiceModel,
    service: &str,
    op_cli: &str,
) -> Option<&'m Operation> {
    match customize::made_operation(service, op_cli) {
        Some(api) => model.operations.get(api),
        None => model.operation_by_cli_name(op_cli),
    }
}

/// Removes global options found at `at` (before the service, or between it and the
/// operation) and returns them; refused ones are refused here.
fn take_leading_globals(words: &mut Vec<String>, at: usize) -> Result<Vec<String>, CommandError> {
    let mut out = Vec::new();
    while let Some(w) = words.get(at) {
        let Some(body) = w
            .strip_prefix("--")
            .or_else(|| w.strip_prefix('-').filter(|b| b.len() > 1))
        else {
            break;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n.to_lowercase(), Some(v.to_string())),
            None => (body.to_lowercase(), None),
        };
        if let Some((_, why)) = REFUSED_GLOBALS.iter().find(|(n, _)| *n == name) {
            return Err(CommandError::refused(format!(
                "--{name} is not allowed in chat: {why}"
            )));
        }
        if matches!(name.as_str(), "help" | "h") {
            break;
        }
        let takes_value = VALUE_GLOBALS.contains(&name.as_str()) && name != "generate-cli-skeleton";
        if !takes_value && !IGNORED_FLAGS.contains(&name.as_str()) {
            let place = if at == 0 {
                "before the service"
            } else {
                "between the service and the operation"
            };
            return Err(CommandError::syntax(format!(
                "--{name} cannot come {place}; options follow the operation, as in `lambda get-function --function-name my-fn`"
            )));
        }
        let w = words.remove(at);
        out.push(w);
        if takes_value && inline.is_none() {
            if at >= words.len() {
                return Err(CommandError::invalid(format!("--{name} needs a value")));
            }
            out.push(words.remove(at));
        }
    }
    Ok(out)
}

fn high_level_s3(sub: Option<&str>) -> CommandError {
    let hint = match sub.unwrap_or("") {
        "ls" => "`s3api list-buckets`, or `s3api list-objects-v2 --bucket NAME`",
        "mb" => "`s3api create-bucket --bucket NAME`",
        "rb" => "`s3api delete-bucket --bucket NAME`",
        "rm" => "`s3api delete-object --bucket NAME --key KEY`",
        "presign" => {
            return CommandError::refused(
                "`s3 presign` is not available in chat: a presigned URL hands out access to an object to whoever holds it",
            )
        }
        _ => "the matching `s3api` operation (`s3api --help` lists them)",
    };
    CommandError::refused(format!(
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use {hint}"
    ))
}

/// An option word: `--name`, `--name=value`, or `-name` when `name` is a known option.
fn option_word<'w>(
    w: &'w str,
    is_known: &dyn Fn(&str) -> bool,
) -> Option<(String, Option<&'w str>)> {
    let body = if let Some(b) = w.strip_prefix("--") {
        b
    } else if let Some(b) = w.strip_prefix('-') {
        if !b.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = b.split('=').next().unwrap_or(b).to_lowercase();
        if !is_known(&name) {
            return None;
        }
        b
    } else {
        return None;
    };
    match body.split_once('=') {
        Some((n, v)) => Some((n.to_lowercase(), Some(v))),
        None => Some((body.to_lowercase(), None)),
    }
}

struct Ctx<'a> {
    args: Vec<OpArg>,
    extras: &'static [ExtraOption],
    model: &'a ServiceModel,
    op: &'a Operation,
}

impl Ctx<'_> {
    fn arg(&self, name: &str) -> Option<(&OpArg, bool)> {
        // The AWS CLI's paging options replace members of the same name (IAM's MaxItems); a
        // member that is itself named page-size is the page size.
        if self.paginates()
            && (matches!(name, "starting-token" | "max-items")
                || (name == "page-size" && !self.args.iter().any(|a| a.cli == name)))
        {
            return None;
        }
        self.args
            .iter()
            .find_map(|a| a.matches(name).map(|neg| (a, neg)))
    }
    fn extra(&self, name: &str) -> Option<&'static ExtraOption> {
        self.extras.iter().find(|x| x.name == name)
    }
    fn paginates(&self) -> bool {
        self.model.paginators.contains_key(&self.op.name)
    }
    fn is_known(&self, name: &str) -> bool {
        self.arg(name).is_some()
            || self.extra(name).is_some()
            || (name == "count"
                && self.model.metadata.service_id == "EC2"
                && self.op.name == "RunInstances")
            || name == "help"
            || REFUSED_GLOBALS.iter().any(|(n, _)| *n == name)
            || VALUE_GLOBALS.contains(&name)
            || IGNORED_FLAGS.contains(&name)
            || (self.paginates() && matches!(name, "starting-token" | "max-items" | "page-size"))
    }
    fn all_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.args.iter().map(|a| a.cli.clone()).collect();
        v.extend(self.args.iter().filter_map(|a| a.negative.clone()));
        v.extend(self.extras.iter().map(|x| x.name.to_string()));
        v.extend(VALUE_GLOBALS.iter().map(|s| s.to_string()));
        if self.paginates() {
            v.extend(["starting-token", "max-items", "page-size"].map(String::from));
        }
        v
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_args(
    cat: &Catalog,
    model: &Arc<ServiceModel>,
    cli_service: &str,
    model_name: &str,
    op_cli: &str,
    op: &Operation,
    words: &[String],
) -> Result<Parsed, CommandError> {
    let ctx = Ctx {
        args: op_args(&cat.renames, cli_service, op_cli, model, op),
        extras: extra_options(cli_service, op_cli),
        model,
        op,
    };
    let known = |n: &str| ctx.is_known(n);
    let mut params = Map::new();
    let mut seen: Vec<String> = Vec::new();
    let mut globals = Globals::default();
    let mut positionals: Vec<String> = Vec::new();
    let mut input_json: Option<Map<String, Value>> = None;
    let mut skeleton_kind: Option<String> = None;
    let mut page_size: Option<i64> = None;
    let mut no_paginate = false;
    let mut count: Option<(i64, i64)> = None;
    let mut extra_given: Vec<(&'static str, Vec<String>)> = Vec::new();
    let is_opt = |w: &str| option_word(w, &known).is_some();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let Some((name, inline)) = option_word(w, &known) else {
            positionals.push(w.clone());
            i += 1;
            continue;
        };
        i += 1;
        if name.is_empty() {
            return Err(CommandError::syntax(format!(
                "'{w}' is not an option: options are written --name value; `{cli_service} {op_cli} --help` lists them"
            )));
        }
        if name == "help" {
            return Ok(Parsed::Help(help::operation(
                &ctx.args,
                cli_service,
                op_cli,
                model,
                &*service_docs(cat, cli_service)?,
                op,
            )));
        }
        if let Some((_, why)) = REFUSED_GLOBALS.iter().find(|(n, _)| *n == name) {
            return Err(CommandError::refused(format!(
                "--{name} is not allowed in chat: {why}"
            )));
        }
        let canonical = match ctx.arg(&name) {
            Some((a, _)) => a.cli.clone(),
            None => name.clone(),
        };
        if seen.contains(&canonical) {
            return Err(CommandError::invalid(format!(
                "--{canonical} is given more than once"
            )));
        }
        seen.push(canonical);
        // One value: inline (`--x=v`) or the next word.
        let take_one = |i: &mut usize| -> Result<String, CommandError> {
            if let Some(v) = inline {
                return Ok(v.to_string());
            }
            match words.get(*i) {
                Some(v) if !is_opt(v) => {
                    *i += 1;
                    Ok(v.clone())
                }
                _ => Err(CommandError::invalid(format!("--{name} needs a value"))),
            }
        };
        if let Some((arg, negated)) = ctx.arg(&name) {
            let opt = format!("--{}", arg.cli);
            let value = if arg.bool_struct {
                let given = match inline {
                    Some(v) => Some(v.to_string()),
                    None if negated => None,
                    None => match words.get(i) {
                        Some(v)
                            if !is_opt(v)
                                && (v.contains('=') || v.trim_start().starts_with('{')) =>
                        {
                            i += 1;
                            Some(v.clone())
                        }
                        _ => None,
                    },
                };
                match (given, negated) {
                    (Some(v), false) => values::from_cli(model, &arg.shape_ref, &[v], &opt)?,
                    (Some(_), true) => {
                        return Err(CommandError::invalid(format!(
                            "--{name} is a flag; it takes no value"
                        )))
                    }
                    (None, neg) => serde_json::json!({ "Value": !neg }),
                }
            } else if arg.kind == ShapeKind::Boolean {
                let explicit = match inline {
                    Some(v) => Some(v.to_string()),
                    None => match words.get(i) {
                        Some(v)
                            if v.eq_ignore_ascii_case("true")
                                || v.eq_ignore_ascii_case("false") =>
                        {
                            i += 1;
                            Some(v.clone())
                        }
                        _ => None,
                    },
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
                Value::Bool(b != negated)
            } else if arg.kind == ShapeKind::List {
                let mut vals: Vec<String> = inline.map(|v| vec![v.to_string()]).unwrap_or_default();
                while let Some(v) = words.get(i) {
                    if is_opt(v) {
                        break;
                    }
                    vals.push(v.clone());
                    i += 1;
                }
                if customize::bare_word_list(cli_service, op_cli, &arg.cli) {
                    bare_word_list(model, arg, &vals, &opt)?
                } else {
                    values::from_cli(model, &arg.shape_ref, &vals, &opt)?
                }
            } else {
                let v = take_one(&mut i)?;
                values::from_cli(model, &arg.shape_ref, &[v], &opt)?
            };
            params.insert(arg.member.clone(), value);
            continue;
        }
        match name.as_str() {
            "region" => {
                let r = take_one(&mut i)?;
                if !looks_like_region(&r) {
                    return Err(CommandError::invalid(format!(
                        "--region: '{r}' is not a region name (such as us-east-1)"
                    )));
                }
                globals.region = Some(r);
            }
            "output" => {
                let o = take_one(&mut i)?.to_lowercase();
                if !OUTPUT_FORMATS.contains(&o.as_str()) {
                    let hint = did_you_mean(&o, OUTPUT_FORMATS.iter().copied());
                    return Err(CommandError::invalid(format!(
                        "--output: '{o}' is not an output format{hint}; use one of {}",
                        OUTPUT_FORMATS.join(", ")
                    )));
                }
                globals.output = Some(o);
            }
            "query" => globals.query = Some(take_one(&mut i)?),
            "color" => {
                let v = take_one(&mut i)?;
                if !matches!(v.as_str(), "on" | "off" | "auto") {
                    return Err(CommandError::invalid(format!(
                        "--color: '{v}' is not one of on, off, auto"
                    )));
                }
            }
            "cli-binary-format" => {
                let v = take_one(&mut i)?;
                if !matches!(v.as_str(), "base64" | "raw-in-base64-out") {
                    return Err(CommandError::invalid(format!(
                        "--cli-binary-format: '{v}' is not one of base64, raw-in-base64-out"
                    )));
                }
            }
            "cli-input-json" => {
                let v = take_one(&mut i)?;
                let t = v.trim_start();
                if t.starts_with("file://")
                    || t.starts_with("fileb://")
                    || t.starts_with("http://")
                    || t.starts_with("https://")
                {
                    return Err(CommandError::refused(
                        "--cli-input-json takes the JSON itself in chat; files and URLs are never read because of a chat message",
                    ));
                }
                match serde_json::from_str::<Value>(&v) {
                    Ok(Value::Object(m)) => input_json = Some(m),
                    Ok(_) => {
                        return Err(CommandError::invalid(
                            "--cli-input-json must be a JSON object of the operation's parameters",
                        ))
                    }
                    Err(e) => {
                        return Err(CommandError::syntax(format!(
                            "--cli-input-json: invalid JSON ({e})"
                        )))
                    }
                }
            }
            "generate-cli-skeleton" => {
                let kind = match inline {
                    Some(v) => v.to_string(),
                    None => match words.get(i) {
                        Some(v) if matches!(v.as_str(), "input" | "output" | "yaml-input") => {
                            i += 1;
                            v.clone()
                        }
                        _ => "input".to_string(),
                    },
                };
                if !matches!(kind.as_str(), "input" | "output" | "yaml-input") {
                    return Err(CommandError::invalid(format!(
                        "--generate-cli-skeleton: '{kind}' is not one of input, output, yaml-input"
                    )));
                }
                skeleton_kind = Some(kind);
            }
            "starting-token" if ctx.paginates() => globals.starting_token = Some(take_one(&mut i)?),
            "max-items" | "page-size" if ctx.paginates() => {
                let v = take_one(&mut i)?;
                let n = v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        CommandError::invalid(format!(
                            "--{name}: expected a positive whole number, got '{v}'"
                        ))
                    })?;
                if name == "max-items" {
                    globals.max_items = Some(n);
                } else {
                    page_size = Some(n);
                }
            }
            "count" if run_instances_count(cli_service, op_cli) => {
                let v = take_one(&mut i)?;
                count = Some(parse_count(&v)?);
            }
            n if IGNORED_FLAGS.contains(&n) => no_paginate |= n == "no-paginate",
            n if ctx.extra(n).is_some() => {
                let extra = ctx.extra(n).expect("checked above");
                let mut vals: Vec<String> = Vec::new();
                match extra.arity {
                    Arity::Many | Arity::AnyNumber => {
                        vals.extend(inline.map(str::to_string));
                        while let Some(v) = words.get(i).filter(|v| !is_opt(v)) {
                            vals.push(v.clone());
                            i += 1;
                        }
                        if vals.is_empty() && extra.arity == Arity::Many {
                            return Err(CommandError::invalid(format!(
                                "--{name} needs at least one value"
                            )));
                        }
                    }
                    Arity::One => vals.push(take_one(&mut i)?),
                    Arity::Flag => {
                        if inline.is_some() {
                            return Err(CommandError::invalid(format!("--{name} takes no value")));
                        }
                    }
                }
                extra_given.push((extra.name, vals));
            }
            _ => {
                let names: Vec<String> = ctx
                    .all_names()
                    .into_iter()
                    .map(|n| format!("--{n}"))
                    .collect();
                let hint = did_you_mean(&format!("--{name}"), names.iter().map(String::as_str));
                let why = if matches!(name.as_str(), "starting-token" | "max-items" | "page-size") {
                    format!("; {cli_service} {op_cli} does not page its results")
                } else {
                    format!("; `{cli_service} {op_cli} --help` lists its options")
                };
                return Err(CommandError::unknown(format!(
                    "unknown option --{name} for {cli_service} {op_cli}{hint}{why}"
                )));
            }
        }
    }

    // The seed's simplified syntax: the one required parameter given without its option.
    if !positionals.is_empty() {
        let required: Vec<&OpArg> = ctx.args.iter().filter(|a| a.required).collect();
        match (positionals.len(), required.as_slice()) {
            (1, [only]) if !params.contains_key(&only.member) => {
                let opt = format!("--{}", only.cli);
                let v = values::from_cli(model, &only.shape_ref, &positionals, &opt)?;
                params.insert(only.member.clone(), v);
            }
            _ => {
                return Err(CommandError::syntax(format!(
                    "unexpected value '{}': values follow their option, as in `--name value`; `{cli_service} {op_cli} --help` lists the options",
                    positionals[0]
                )));
            }
        }
    }

    if let Some(kind) = skeleton_kind {
        return Ok(Parsed::Skeleton(skeleton::for_operation(
            model,
            op,
            kind == "output",
        )));
    }

    // The AWS CLI builds parameters in the order of its option table (the model's members,
    // renamed options last); requests depend on it.
    let mut ordered = Map::with_capacity(params.len());
    for arg in &ctx.args {
        if let Some(v) = params.remove(&arg.member) {
            ordered.insert(arg.member.clone(), v);
        }
    }
    ordered.extend(params);
    let mut params = ordered;

    // --cli-input-json fills what the options did not, after them, in its own order.
    if let Some(base) = input_json {
        let Some(shape) = model.input_shape(op) else {
            return Err(CommandError::invalid(format!(
                "{cli_service} {op_cli} takes no parameters, so --cli-input-json must be {{}}"
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
    }

    // The CLI's own options come last in its table.
    customize::apply(model, op, cli_service, op_cli, &extra_given, &mut params)?;
    if let Some((first, _)) = extra_given.first() {
        // What the hand-made options built is checked like any other value.
        for (member, value) in params.iter_mut() {
            let Some(arg) = ctx.args.iter().find(|a| &a.member == member) else {
                continue;
            };
            if let Some(shape) = model.shape(&arg.shape_ref.shape) {
                *value = values::validate(model, shape, value.take(), &format!("--{first}"), 1)?;
            }
        }
    }
    if run_instances_count(cli_service, op_cli) {
        let (min, max) = count.unwrap_or((1, 1));
        params.entry("MinCount").or_insert(Value::from(min));
        params.entry("MaxCount").or_insert(Value::from(max));
    }

    let page_size = page_size
        .or_else(|| customize::default_page_size(cli_service, op_cli, &params, !no_paginate));
    customize::finish(cli_service, op_cli, &mut params);
    // The paginator adds the page size after the other parameters, as the AWS CLI's does.
    if let (Some(n), Some(p)) = (page_size, model.paginators.get(&op.name)) {
        let Some(limit) = &p.limit_key else {
            return Err(CommandError::invalid(format!(
                "--page-size: {cli_service} {op_cli} has no page size to set"
            )));
        };
        // The limit member's own type: Route 53's MaxItems is text.
        let text = model
            .input_shape(op)
            .and_then(|s| s.members.get(limit))
            .and_then(|r| model.shape(&r.shape))
            .is_some_and(|s| s.kind == ShapeKind::String);
        let v = if text {
            Value::from(n.to_string())
        } else {
            Value::from(n)
        };
        params.entry(limit.clone()).or_insert(v);
    }

    let missing = missing_params(cat, cli_service, model, op, &ctx.args, &params)?;
    let iam = cat
        .iam
        .info(model_name, model.metadata.signing_name(), &op.name);
    Ok(Parsed::Call(Box::new(Call {
        service: cli_service.to_string(),
        model_name: model_name.to_string(),
        operation: op.name.clone(),
        cli_operation: op_cli.to_string(),
        params,
        globals,
        missing,
        iam,
    })))
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

/// `ec2 run-instances` replaces MinCount and MaxCount with `--count N` or `--count MIN:MAX`
/// (default 1), as the AWS CLI does.
fn run_instances_count(service: &str, op_cli: &str) -> bool {
    service == "ec2" && op_cli == "run-instances"
}

fn parse_count(v: &str) -> Result<(i64, i64), CommandError> {
    let bad = || {
        CommandError::invalid(format!(
            "--count: expected a number of instances such as 2, or a range such as 1:3, got '{v}'"
        ))
    };
    let num = |t: &str| t.trim().parse::<i64>().ok().filter(|n| *n > 0);
    match v.split_once(':') {
        Some((a, b)) => {
            let (a, b) = (num(a).ok_or_else(bad)?, num(b).ok_or_else(bad)?);
            if a > b {
                return Err(bad());
            }
            Ok((a, b))
        }
        None => num(v).map(|n| (n, n)).ok_or_else(bad),
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`: two
/// letters, one or more words, a number.
fn looks_like_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && r.len() <= 32
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok_and(|n| n > 0)
        && !parts[parts.len() - 1].starts_with('0')
}

fn missing_params(
    cat: &Catalog,
    cli_service: &str,
    model: &ServiceModel,
    op: &Operation,
    args: &[OpArg],
    params: &Map<String, Value>,
) -> Result<Vec<MissingParam>, CommandError> {
    let missing: Vec<&OpArg> = args
        .iter()
        .filter(|a| a.required && !a.shape_ref.idempotency_token && !params.contains_key(&a.member))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    // Descriptions are read only when there is something to ask for.
    let docs = service_docs(cat, cli_service)?;
    Ok(missing
        .into_iter()
        .map(|a| {
            let shape = model.shape(&a.shape_ref.shape);
            MissingParam {
                member: a.member.clone(),
                option: format!("--{}", a.cli),
                type_name: a.kind.name().to_string(),
                doc: help::option_doc(&docs, op, a),
                enum_values: shape.map(|s| s.enum_values.clone()).unwrap_or_default(),
            }
        })
        .collect())
}

fn service_docs(cat: &Catalog, cli_service: &str) -> Result<Arc<ServiceDocs>, CommandError> {
    cat.models
        .docs(cli_service)
        .map_err(|e| CommandError::unknown(e.to_string()))
}

/// The options the AWS CLI adds by hand to an operation (`ses send-email --to`), by name.
pub fn extra_option_names(service: &str, op_cli: &str) -> Vec<&'static str> {
    extra_options(service, op_cli)
        .iter()
        .map(|x| x.name)
        .collect()
}

/// Every option name an operation accepts that sets an input member, with that member: what
/// the AWS CLI derives from the model, its renames and hidden aliases, and `--no-` forms.
/// Paging options (`--max-items`, …) replace members of the same name and are left out.
pub fn operation_options(
    cat: &Catalog,
    service: &str,
    op_cli: &str,
) -> Option<Vec<(String, String)>> {
    let model = cat.models.service(service).ok()?;
    let cli_service = cat.models.entry(service)?.cli_name.clone();
    let op = find_operation(&model, &cli_service, op_cli)?;
    let ctx = Ctx {
        args: op_args(&cat.renames, &cli_service, op_cli, &model, op),
        extras: extra_options(&cli_service, op_cli),
        model: &model,
        op,
    };
    let mut out = Vec::new();
    for a in &ctx.args {
        for name in [Some(&a.cli), a.negative.as_ref(), a.alias.as_ref()]
            .into_iter()
            .flatten()
        {
            if ctx.arg(name).is_some() {
                out.push((name.clone(), a.member.clone()));
            }
        }
    }
    Some(out)
}

impl Call {
    /// Fills one missing (or any) parameter from a follow-up message such as
    /// `function-name my-fn` or `--function-name my-fn`.
    pub fn fill(&mut self, cat: &Catalog, text: &str) -> Result<(), CommandError> {
        let words = tokenize(&normalize(text))?;
        let Some(first) = words.first() else {
            return Err(CommandError::syntax(
                "give the parameter's name and its value, such as `function-name my-fn`",
            ));
        };
        let model = cat
            .models
            .service(&self.service)
            .map_err(|e| CommandError::unknown(e.to_string()))?;
        let op = find_operation(&model, &self.service, &self.cli_operation).ok_or_else(|| {
            CommandError::unknown(format!(
                "{} has no operation {}",
                self.service, self.cli_operation
            ))
        })?;
        let args = op_args(&cat.renames, &self.service, &self.cli_operation, &model, op);
        let name = first.trim_start_matches('-').to_lowercase();
        let Some(arg) = args
            .iter()
            .find(|a| a.matches(&name).is_some() || a.member.eq_ignore_ascii_case(&name))
        else {
            let hint = did_you_mean(&name, args.iter().map(|a| a.cli.as_str()));
            return Err(CommandError::unknown(format!(
                "{} {} has no parameter '{name}'{hint}",
                self.service, self.cli_operation
            )));
        };
        let opt = format!("--{}", arg.cli);
        let rest = &words[1..];
        let value = if arg.kind == ShapeKind::Boolean {
            match rest {
                [] => Value::Bool(true),
                [v] => values::scalar_from_text(
                    model
                        .shape(&arg.shape_ref.shape)
                        .ok_or_else(|| CommandError::invalid("no shape"))?,
                    v,
                    &opt,
                )?,
                _ => return Err(CommandError::invalid(format!("{opt} takes true or false"))),
            }
        } else {
            values::from_cli(&model, &arg.shape_ref, rest, &opt)?
        };
        self.params.insert(arg.member.clone(), value);
        self.missing = missing_params(cat, &self.service, &model, op, &args, &self.params)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::option_word;

    #[test]
    fn option_words() {
        let known = |n: &str| n == "function-name";
        assert_eq!(option_word("--a=b", &known), Some(("a".into(), Some("b"))));
        assert_eq!(
            option_word("-function-name", &known),
            Some(("function-name".into(), None))
        );
        assert_eq!(option_word("-5", &known), None);
        assert_eq!(option_word("-other", &known), None);
        assert_eq!(option_word("--", &known), Some((String::new(), None)));
        assert_eq!(
            option_word("--Function-Name", &known),
            Some(("function-name".into(), None))
        );
    }
}
