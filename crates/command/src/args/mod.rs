//! The options after the operation (`--function-name my-fn --region eu-west-1`) → a call,
//! help or a skeleton.
//!
//! Laid out as ripgrep lays out its flags (`crates/core/flags/{defs,parse,hiargs}.rs`): the
//! loop in [`parse_args`] reads one option word at a time and hands it to the one definition
//! for its kind, which updates the [`LowArgs`] state:
//!
//! - [`members`]: an option made from a member of the operation's input (`--function-name`);
//! - [`globals`]: a global option (`--region`, `--output`, `--query`, the paging options, …),
//!   one definition each in a table;
//! - [`extras`]: an option the AWS CLI adds by hand to one operation (`ses send-email --to`).
//!
//! [`finish`] then turns the state into the call, in the order the AWS CLI builds it.

mod cursor;
mod extras;
mod finish;
mod globals;
mod low;
mod members;

use crate::catalog::Catalog;
use crate::customize::{extra_options, ExtraOption};
use crate::error::CommandError;
use crate::help;
use crate::options::{op_args, OpArg, IGNORED_FLAGS, REFUSED_GLOBALS, VALUE_GLOBALS};
use crate::parse::{service_docs, Parsed};
use crate::suggest::did_you_mean;
use awsmodel::{Operation, ServiceModel};
use cursor::{Cursor, Given, Word};
use low::LowArgs;

/// One operation and every option it accepts.
pub(crate) struct OpOptions<'a> {
    pub cat: &'a Catalog,
    pub model: &'a ServiceModel,
    /// The CLI service name (`s3api`).
    pub service: &'a str,
    /// botocore's folder name (`s3`).
    pub model_name: &'a str,
    /// The CLI operation name (`get-function`).
    pub op_cli: &'a str,
    pub op: &'a Operation,
    /// The options made from the input's members, in the AWS CLI's table order.
    pub args: Vec<OpArg>,
    /// The options the AWS CLI adds by hand.
    pub extras: &'static [ExtraOption],
}

impl<'a> OpOptions<'a> {
    pub fn new(
        cat: &'a Catalog,
        model: &'a ServiceModel,
        service: &'a str,
        model_name: &'a str,
        op_cli: &'a str,
        op: &'a Operation,
    ) -> Self {
        OpOptions {
            args: op_args(&cat.renames, service, op_cli, model, op),
            extras: extra_options(service, op_cli),
            cat,
            model,
            service,
            model_name,
            op_cli,
            op,
        }
    }

    /// The member option `name` names, and whether it is the `--no-` form.
    pub fn arg(&self, name: &str) -> Option<(&OpArg, bool)> {
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

    pub fn extra(&self, name: &str) -> Option<&'static ExtraOption> {
        self.extras.iter().find(|x| x.name == name)
    }

    pub fn paginates(&self) -> bool {
        self.model.paginators.contains_key(&self.op.name)
    }

    /// `ec2 run-instances` replaces MinCount and MaxCount with `--count N` or
    /// `--count MIN:MAX` (default 1), as the AWS CLI does.
    pub fn runs_instances(&self) -> bool {
        self.service == "ec2" && self.op_cli == "run-instances"
    }

    /// Whether `-name` (one dash) is an option of this operation rather than a value.
    pub fn is_known(&self, name: &str) -> bool {
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

    /// The names an unknown option is compared with.
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

/// Reads the words after the operation.
pub(crate) fn parse_args(ops: &OpOptions, words: &[String]) -> Result<Parsed, CommandError> {
    let mut low = LowArgs::default();
    let mut words = Cursor::new(words, ops);
    while let Some(word) = words.next_word() {
        match word {
            Word::Positional(w) => low.positionals.push(w),
            Word::Option(given) => {
                if let Some(help) = step(ops, &given, &mut words, &mut low)? {
                    return Ok(help);
                }
            }
        }
    }
    finish::parsed(ops, low)
}

/// One option: checks that hold for every kind, then the definition for its kind. Returns
/// help when the option asks for it.
fn step(
    ops: &OpOptions,
    given: &Given,
    words: &mut Cursor,
    low: &mut LowArgs,
) -> Result<Option<Parsed>, CommandError> {
    let name = given.name.as_str();
    let (cli_service, op_cli) = (ops.service, ops.op_cli);
    if name.is_empty() {
        return Err(CommandError::syntax(format!(
            "'{}' is not an option: options are written --name value; `{cli_service} {op_cli} --help` lists them",
            given.word
        )));
    }
    if name == "help" {
        let docs = service_docs(ops.cat, cli_service)?;
        let text = help::operation(&ops.args, cli_service, op_cli, ops.model, &docs, ops.op);
        return Ok(Some(Parsed::Help(text)));
    }
    if let Some((_, why)) = REFUSED_GLOBALS.iter().find(|(n, _)| *n == name) {
        return Err(CommandError::refused(format!(
            "--{name} is not allowed in chat: {why}"
        )));
    }
    let canonical = match ops.arg(name) {
        Some((a, _)) => a.cli.clone(),
        None => name.to_string(),
    };
    low.first_time(canonical)?;
    if let Some((arg, negated)) = ops.arg(name) {
        members::update(ops, arg, negated, given, words, low)?;
    } else if let Some(def) = globals::find(ops, name) {
        (def.update)(given, words, low)?;
    } else if let Some(extra) = ops.extra(name) {
        extras::update(extra, given, words, low)?;
    } else {
        return Err(unknown_option(ops, name));
    }
    Ok(None)
}

fn unknown_option(ops: &OpOptions, name: &str) -> CommandError {
    let (cli_service, op_cli) = (ops.service, ops.op_cli);
    let names: Vec<String> = ops
        .all_names()
        .into_iter()
        .map(|n| format!("--{n}"))
        .collect();
    let hint = did_you_mean(&format!("--{name}"), names.iter().map(String::as_str));
    let why = if matches!(name, "starting-token" | "max-items" | "page-size") {
        format!("; {cli_service} {op_cli} does not page its results")
    } else {
        format!("; `{cli_service} {op_cli} --help` lists its options")
    };
    CommandError::unknown(format!(
        "unknown option --{name} for {cli_service} {op_cli}{hint}{why}"
    ))
}
