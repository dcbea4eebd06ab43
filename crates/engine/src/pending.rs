//! What a pending command keeps between messages: the text as typed, the answers given since,
//! the chosen account, and (for aliases) the variables. The call is parsed again from these
//! whenever it is needed, so a restart loses nothing and the parser stays the one authority.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `call` document stored with a pending command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCall {
    /// `command`, `next_page`.
    pub kind: String,
    /// The command line (after alias expansion).
    pub text: String,
    /// Answers to questions, as (option, value), applied in order.
    pub fills: Vec<(String, String)>,
    /// The account chosen for it.
    pub account: Option<String>,
    /// For an alias whose variables are still being asked.
    pub alias: Option<AliasRun>,
}

/// An alias being run: its template and the variables known so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasRun {
    pub name: String,
    pub template: String,
    pub vars: BTreeMap<String, String>,
}

impl PendingCall {
    pub fn command(text: &str) -> PendingCall {
        PendingCall {
            kind: "command".into(),
            text: text.to_string(),
            ..PendingCall::default()
        }
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    pub fn from_value(v: &serde_json::Value) -> Option<PendingCall> {
        serde_json::from_value(v.clone()).ok()
    }

    /// The command as it will run, for confirmations and the audit log.
    pub fn full_text(&self) -> String {
        let mut s = self.text.clone();
        for (opt, val) in &self.fills {
            s.push(' ');
            s.push_str(opt);
            s.push(' ');
            s.push_str(&crate::text::quote(val));
        }
        s
    }
}

/// The variables of an alias template, in order of first appearance (`$name`, `${name}`).
pub fn template_vars(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, c) in template.char_indices() {
        if c != '$' {
            continue;
        }
        let rest = &template[i + 1..];
        let name = if let Some(inner) = rest.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => &inner[..end],
                None => continue,
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        };
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !out.iter().any(|n| n == name)
        {
            out.push(name.to_string());
        }
    }
    out
}

/// The template with the known variables substituted (each value quoted as one word).
pub fn expand(template: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        let q = crate::text::quote(v);
        out = out.replace(&format!("${{{k}}}"), &q);
        // Longest names first would matter for `$a` vs `$ab`; replace only whole names.
        let mut result = String::new();
        let mut rest = out.as_str();
        let pat = format!("${k}");
        while let Some(pos) = rest.find(&pat) {
            let after = &rest[pos + pat.len()..];
            let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            result.push_str(&rest[..pos]);
            result.push_str(if whole { &q } else { &pat });
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_in_order() {
        assert_eq!(
            template_vars("lambda invoke --function-name $fn --payload ${body} --x $fn $fn2"),
            ["fn", "body", "fn2"]
        );
        assert!(template_vars("cost $ 5").is_empty());
    }

    #[test]
    fn expansion_quotes_and_respects_names() {
        let mut vars = BTreeMap::new();
        vars.insert("fn".to_string(), "my fn".to_string());
        vars.insert("fn2".to_string(), "b".to_string());
        assert_eq!(expand("x $fn $fn2 ${fn}", &vars), "x 'my fn' b 'my fn'");
    }
}
