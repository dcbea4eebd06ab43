//! What the options said, before it becomes a call (ripgrep's `LowArgs`).

use crate::error::CommandError;
use crate::parse::Globals;
use serde_json::{Map, Value};

#[derive(Default)]
pub(super) struct LowArgs {
    /// Parameters by API member name, in the order given.
    pub params: Map<String, Value>,
    /// The options given so far, by their canonical name.
    pub seen: Vec<String>,
    pub globals: Globals,
    /// Values that follow no option.
    pub positionals: Vec<String>,
    /// `--cli-input-json`.
    pub input_json: Option<Map<String, Value>>,
    /// `--generate-cli-skeleton`: `input`, `output` or `yaml-input`.
    pub skeleton: Option<String>,
    /// `--page-size`.
    pub page_size: Option<i64>,
    /// `--no-paginate`.
    pub no_paginate: bool,
    /// `ec2 run-instances --count MIN[:MAX]`.
    pub count: Option<(i64, i64)>,
    /// The options the AWS CLI adds by hand, with their values.
    pub extras: Vec<(&'static str, Vec<String>)>,
}

impl LowArgs {
    /// Records an option, refusing it the second time.
    pub fn first_time(&mut self, canonical: String) -> Result<(), CommandError> {
        if self.seen.contains(&canonical) {
            return Err(CommandError::invalid(format!(
                "--{canonical} is given more than once"
            )));
        }
        self.seen.push(canonical);
        Ok(())
    }
}
