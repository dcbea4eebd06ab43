//! The global options chat honours, one definition each: `--region`, `--output`, `--query`,
//! `--cli-input-json`, `--generate-cli-skeleton`, the paging options, ….
//!
//! The ones chat refuses (`--profile`, `--endpoint-url`, …) are refused before any definition
//! is looked up; see [`REFUSED_GLOBALS`](crate::options::REFUSED_GLOBALS).

use super::cursor::{Cursor, Given};
use super::low::LowArgs;
use super::OpOptions;
use crate::error::CommandError;
use crate::options::OUTPUT_FORMATS;
use crate::suggest::did_you_mean;
use serde_json::Value;

type Update = fn(&Given, &mut Cursor, &mut LowArgs) -> Result<(), CommandError>;

/// One global option.
pub(super) struct GlobalDef {
    pub name: &'static str,
    /// Whether the operation has this option (the paging options only when it pages).
    applies: fn(&OpOptions) -> bool,
    /// Reads the option's value into the state.
    pub update: Update,
}

const fn def(name: &'static str, applies: fn(&OpOptions) -> bool, update: Update) -> GlobalDef {
    GlobalDef {
        name,
        applies,
        update,
    }
}

fn always(_: &OpOptions) -> bool {
    true
}

fn pages(ops: &OpOptions) -> bool {
    ops.paginates()
}

fn runs_instances(ops: &OpOptions) -> bool {
    ops.runs_instances()
}

/// Every global option chat honours, in the order they are looked up.
const GLOBALS: &[GlobalDef] = &[
    def("region", always, region),
    def("output", always, output),
    def("query", always, |g, w, low| {
        low.globals.query = Some(w.value(g)?);
        Ok(())
    }),
    def("color", always, |g, w, _| {
        one_of(g, &w.value(g)?, &["on", "off", "auto"])
    }),
    def("cli-binary-format", always, |g, w, _| {
        one_of(g, &w.value(g)?, &["base64", "raw-in-base64-out"])
    }),
    def("cli-input-json", always, cli_input_json),
    def("generate-cli-skeleton", always, skeleton),
    def("starting-token", pages, |g, w, low| {
        low.globals.starting_token = Some(w.value(g)?);
        Ok(())
    }),
    def("max-items", pages, |g, w, low| {
        low.globals.max_items = Some(positive(g, w)?);
        Ok(())
    }),
    def("page-size", pages, |g, w, low| {
        low.page_size = Some(positive(g, w)?);
        Ok(())
    }),
    def("count", runs_instances, |g, w, low| {
        low.count = Some(parse_count(&w.value(g)?)?);
        Ok(())
    }),
    // Accepted, with no effect in chat but --no-paginate's on the default page size.
    def("no-paginate", always, |_, _, low| {
        low.no_paginate = true;
        Ok(())
    }),
    def("no-cli-pager", always, |_, _, _| Ok(())),
    def("no-cli-auto-prompt", always, |_, _, _| Ok(())),
];

/// The definition of global option `name`, if the operation has it.
pub(super) fn find(ops: &OpOptions, name: &str) -> Option<&'static GlobalDef> {
    GLOBALS.iter().find(|d| d.name == name && (d.applies)(ops))
}

fn region(g: &Given, w: &mut Cursor, low: &mut LowArgs) -> Result<(), CommandError> {
    let r = w.value(g)?;
    if !looks_like_region(&r) {
        return Err(CommandError::invalid(format!(
            "--region: '{r}' is not a region name (such as us-east-1)"
        )));
    }
    low.globals.region = Some(r);
    Ok(())
}

fn output(g: &Given, w: &mut Cursor, low: &mut LowArgs) -> Result<(), CommandError> {
    let o = w.value(g)?.to_lowercase();
    if !OUTPUT_FORMATS.contains(&o.as_str()) {
        let hint = did_you_mean(&o, OUTPUT_FORMATS.iter().copied());
        return Err(CommandError::invalid(format!(
            "--output: '{o}' is not an output format{hint}; use one of {}",
            OUTPUT_FORMATS.join(", ")
        )));
    }
    low.globals.output = Some(o);
    Ok(())
}

/// A value that is checked and has no effect in chat.
fn one_of(g: &Given, v: &str, allowed: &[&str]) -> Result<(), CommandError> {
    if !allowed.contains(&v) {
        return Err(CommandError::invalid(format!(
            "--{}: '{v}' is not one of {}",
            g.name,
            allowed.join(", ")
        )));
    }
    Ok(())
}

fn cli_input_json(g: &Given, w: &mut Cursor, low: &mut LowArgs) -> Result<(), CommandError> {
    let v = w.value(g)?;
    let t = v.trim_start();
    if ["file://", "fileb://", "http://", "https://"]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return Err(CommandError::refused(
            "--cli-input-json takes the JSON itself in chat; files and URLs are never read because of a chat message",
        ));
    }
    match serde_json::from_str::<Value>(&v) {
        Ok(Value::Object(m)) => {
            low.input_json = Some(m);
            Ok(())
        }
        Ok(_) => Err(CommandError::invalid(
            "--cli-input-json must be a JSON object of the operation's parameters",
        )),
        Err(e) => Err(CommandError::syntax(format!(
            "--cli-input-json: invalid JSON ({e})"
        ))),
    }
}

/// `--generate-cli-skeleton [input|output|yaml-input]`: the value is optional.
fn skeleton(g: &Given, w: &mut Cursor, low: &mut LowArgs) -> Result<(), CommandError> {
    const KINDS: [&str; 3] = ["input", "output", "yaml-input"];
    let kind = match g.inline {
        Some(v) => v.to_string(),
        None => w
            .next_value_if(|v| KINDS.contains(&v))
            .unwrap_or_else(|| "input".to_string()),
    };
    if !KINDS.contains(&kind.as_str()) {
        return Err(CommandError::invalid(format!(
            "--generate-cli-skeleton: '{kind}' is not one of input, output, yaml-input"
        )));
    }
    low.skeleton = Some(kind);
    Ok(())
}

/// `--max-items` and `--page-size`.
fn positive(g: &Given, w: &mut Cursor) -> Result<i64, CommandError> {
    let v = w.value(g)?;
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            CommandError::invalid(format!(
                "--{}: expected a positive whole number, got '{v}'",
                g.name
            ))
        })
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

#[cfg(test)]
mod tests {
    use super::GLOBALS;
    use crate::options::{IGNORED_FLAGS, REFUSED_GLOBALS, VALUE_GLOBALS};

    /// The table and the lists the leading-globals scan and `-name` recognition use agree.
    #[test]
    fn every_listed_global_has_a_definition() {
        for name in VALUE_GLOBALS.iter().chain(IGNORED_FLAGS) {
            assert!(GLOBALS.iter().any(|d| d.name == *name), "{name}");
        }
        for (name, _) in REFUSED_GLOBALS {
            assert!(!GLOBALS.iter().any(|d| d.name == *name), "{name}");
        }
    }
}
