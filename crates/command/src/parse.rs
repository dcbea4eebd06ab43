//! A chat line → a validated call, help text or a skeleton.

use crate::args::{parse_args, OpOptions};
use crate::catalog::Catalog;
use crate::chat_text::normalize;
use crate::customize::{self, extra_options};
use crate::error::CommandError;
use crate::help;
use crate::iam::IamInfo;
use crate::options::{op_args, OpArg, IGNORED_FLAGS, REFUSED_GLOBALS, VALUE_GLOBALS};
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
    let mut words = words_of(text)?;
    // The AWS CLI takes its global options before the service too (`--region x lambda …`):
    // they are moved to the end, where the option parser reads them.
    let mut moved = take_leading_globals(&mut words, 0)?;
    if let Some(help) = service_word(cat, &mut words)? {
        return Ok(help);
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
    let (op_cli, op) = operation_word(&model, &cli_service, op_word)?;
    let ops = OpOptions::new(cat, &model, &cli_service, &model_name, &op_cli, op);
    parse_args(&ops, &words[2..]).map_err(|mut e| {
        e.actions = crate::iam::actions_for(&model_name, model.metadata.signing_name(), &op.name);
        e.aliases = crate::iam::service_aliases(&cli_service, &model_name, &op.name);
        e
    })
}

/// The message's words, without a leading `aws`.
fn words_of(text: &str) -> Result<Vec<String>, CommandError> {
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
    Ok(words)
}

/// The first word, where a service name is expected: `help`, chat's `invoke` shorthand
/// (rewritten in place), or the AWS CLI commands that do not exist in chat.
fn service_word(cat: &Catalog, words: &mut Vec<String>) -> Result<Option<Parsed>, CommandError> {
    let Some(first) = words.first() else {
        return Err(CommandError::syntax(
            "there is no command to run; type one such as `lambda list-functions`, or `help`",
        ));
    };
    let svc = first.to_lowercase();
    if matches!(svc.as_str(), "help" | "--help" | "-h") {
        return Ok(Some(Parsed::Help(help::services(cat))));
    }
    if svc == "invoke" {
        // Chat's shorthand: `invoke <function> [--payload …]`.
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
    Ok(None)
}

/// The operation the second word names (`get-function`, or the API's `GetFunction`), with
/// its CLI name.
fn operation_word<'m>(
    model: &'m ServiceModel,
    cli_service: &str,
    op_word: &str,
) -> Result<(String, &'m Operation), CommandError> {
    let op_cli = if op_word.chars().any(|c| c.is_ascii_uppercase()) && !op_word.contains('-') {
        xform_name(op_word)
    } else {
        op_word.to_lowercase()
    };
    if let Some(instead) = customize::removed_operation(cli_service, &op_cli) {
        return Err(CommandError::unknown(format!(
            "'{op_cli}' is not an AWS CLI command: {instead}"
        )));
    }
    let Some(op) = find_operation(model, cli_service, &op_cli) else {
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
    Ok((op_cli, op))
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

pub(crate) fn missing_params(
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

pub(crate) fn service_docs(
    cat: &Catalog,
    cli_service: &str,
) -> Result<Arc<ServiceDocs>, CommandError> {
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
    let model_name = cat.models.entry(service)?.model_name.clone();
    let ctx = OpOptions::new(cat, &model, &cli_service, &model_name, op_cli, op);
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
