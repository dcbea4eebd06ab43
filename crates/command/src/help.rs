//! Help text from the models: the services, a service's operations, an operation's options.

use crate::catalog::Catalog;
use crate::customize::{self, Arity};
use crate::options::OpArg;
use crate::values::supports_shorthand;
use awsmodel::{Operation, ServiceDocs, ServiceModel, Shape, ShapeKind};
use std::fmt::Write;

/// Longest one-line summary shown in a list.
const SUMMARY_CHARS: usize = 100;

/// The list of services.
pub fn services(cat: &Catalog) -> String {
    let names: Vec<&str> = cat
        .models
        .services()
        .iter()
        .map(|s| s.cli_name.as_str())
        .collect();
    format!(
        "Type an AWS CLI command, such as `lambda list-functions` or `cloudwatch describe-alarms --state-value ALARM`.\n\
         `<service> --help` lists a service's operations; `<service> <operation> --help` explains one.\n\n\
         {} services: {}",
        names.len(),
        names.join(", ")
    )
}

/// A service's operations with one-line summaries.
pub fn service(cli_service: &str, model: &ServiceModel, docs: &ServiceDocs) -> String {
    let mut out = String::new();
    let title = model.metadata.service_full_name.as_str();
    let _ = writeln!(out, "{cli_service}: {title}");
    let summary = first_sentence(&html_to_text(docs.service()));
    if !summary.is_empty() {
        let _ = writeln!(out, "{summary}");
    }
    let _ = writeln!(out, "\nOperations:");
    let mut ops: Vec<(&str, &str)> = model
        .cli_operations
        .iter()
        .filter(|(cli, _)| customize::removed_operation(cli_service, cli).is_none())
        .map(|(c, a)| (c.as_str(), a.as_str()))
        .chain(
            customize::made_commands(cli_service)
                .filter_map(|c| customize::made_operation(cli_service, c).map(|api| (c, api))),
        )
        .collect();
    ops.sort();
    for (cli, api) in ops {
        let doc = first_sentence(&html_to_text(docs.operation(api)));
        if doc.is_empty() {
            let _ = writeln!(out, "  {cli}");
        } else {
            let _ = writeln!(out, "  {cli} — {}", truncate(&doc, SUMMARY_CHARS));
        }
    }
    let _ = write!(out, "\n`{cli_service} <operation> --help` explains one.");
    out
}

/// An operation's synopsis and each option with its type, whether it is required, allowed
/// values, the shorthand form and the description.
pub(crate) fn operation(
    args: &[OpArg],
    cli_service: &str,
    op_cli: &str,
    model: &ServiceModel,
    docs: &ServiceDocs,
    op: &Operation,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{cli_service} {op_cli}");
    let doc = html_to_text(docs.operation(&op.name));
    if !doc.is_empty() {
        let _ = writeln!(out, "\n{doc}");
    }
    if op.deprecated {
        let _ = writeln!(
            out,
            "\nDeprecated{}",
            op.deprecated_message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
    }
    let _ = write!(out, "\nSynopsis:\n  {cli_service} {op_cli}");
    for a in args {
        let v = if a.kind == ShapeKind::Boolean {
            String::new()
        } else {
            " <value>".to_string()
        };
        let flag = if let Some(neg) = &a.negative {
            format!("--{} | --{neg}", a.cli)
        } else {
            format!("--{}", a.cli)
        };
        if a.required {
            let _ = write!(out, " {flag}{v}");
        } else {
            let _ = write!(out, " [{flag}{v}]");
        }
    }
    if model.paginators.contains_key(&op.name) {
        let _ = write!(out, " [--starting-token <value>] [--max-items <value>]");
    }
    let _ = writeln!(out);
    if args.is_empty() {
        let _ = writeln!(out, "\nThis operation takes no parameters.");
        return out.trim_end().to_string();
    }
    let _ = writeln!(out, "\nOptions:");
    for a in args {
        let Some(shape) = model.shape(&a.shape_ref.shape) else {
            continue;
        };
        let req = if a.required { "required" } else { "optional" };
        let _ = writeln!(out, "  --{} ({}, {req})", a.cli, type_label(model, shape));
        if !shape.enum_values.is_empty() {
            let _ = writeln!(
                out,
                "      Allowed values: {}",
                shape.enum_values.join(", ")
            );
        }
        if supports_shorthand(model, shape) {
            if let Some(sh) = shorthand_form(model, shape) {
                let _ = writeln!(out, "      Shorthand: {sh}");
            }
        }
        let d = option_doc(docs, op, a);
        for line in d.lines().filter(|l| !l.trim().is_empty()) {
            let _ = writeln!(out, "      {line}");
        }
    }
    let extras = customize::extra_options(cli_service, op_cli);
    if !extras.is_empty() {
        let _ = writeln!(out, "\nShort forms the AWS CLI adds:");
        for x in extras {
            let _ = writeln!(
                out,
                "  --{}{}\n      {}",
                x.name,
                match x.arity {
                    Arity::One => " <value>",
                    Arity::Many => " <value> ...",
                    Arity::AnyNumber => " [<value> ...]",
                    Arity::Flag => "",
                },
                x.doc
            );
        }
    }
    out.trim_end().to_string()
}

fn type_label(model: &ServiceModel, shape: &Shape) -> String {
    if shape.document {
        return "document (JSON)".to_string();
    }
    match shape.kind {
        ShapeKind::List => {
            let inner = shape
                .member
                .as_ref()
                .and_then(|m| model.shape(&m.shape))
                .map(|s| s.kind.name())
                .unwrap_or("value");
            format!("list of {inner}")
        }
        k => k.name().to_string(),
    }
}

/// The shorthand form of a structure, map or list of them, as the CLI documents it.
pub fn shorthand_form(model: &ServiceModel, shape: &Shape) -> Option<String> {
    let mut stack: Vec<&str> = Vec::new();
    match shape.kind {
        ShapeKind::List => {
            let m = model.shape(&shape.member.as_ref()?.shape)?;
            Some(format!("{} ...", sh_doc(model, m, &mut stack, 0)?))
        }
        _ => sh_doc(model, shape, &mut stack, 0),
    }
}

fn sh_doc<'m>(
    model: &'m ServiceModel,
    shape: &'m Shape,
    stack: &mut Vec<&'m str>,
    depth: usize,
) -> Option<String> {
    if depth > 3 {
        return None;
    }
    match shape.kind {
        ShapeKind::Structure => {
            let mut parts = Vec::new();
            for (name, r) in &shape.members {
                let ms = model.shape(&r.shape)?;
                if ms.document {
                    continue;
                }
                if stack.contains(&r.shape.as_str()) {
                    parts.push(format!("{name}=( ... recursive ... )"));
                    continue;
                }
                stack.push(&r.shape);
                let inner = sh_doc(model, ms, stack, depth + 1);
                stack.pop();
                parts.push(format!("{name}={}", inner?));
            }
            let body = parts.join(",");
            Some(if depth == 0 {
                body
            } else {
                format!("{{{body}}}")
            })
        }
        ShapeKind::List => {
            let m = model.shape(&shape.member.as_ref()?.shape)?;
            let e = sh_doc(model, m, stack, depth + 1)?;
            Some(if !m.kind.is_scalar() || depth > 1 {
                format!("[{e},{e}]")
            } else {
                format!("{e},{e}")
            })
        }
        ShapeKind::Map => {
            let v = model.shape(&shape.value.as_ref()?.shape)?;
            let e = sh_doc(model, v, stack, depth + 1)?;
            let body = format!("KeyName1={e},KeyName2={e}");
            Some(if depth == 0 {
                body
            } else {
                format!("{{{body}}}")
            })
        }
        k => Some(k.name().to_string()),
    }
}

fn first_sentence(s: &str) -> String {
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line.to_string(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut t: String = s.chars().take(n - 1).collect();
    t.push('…');
    t
}

/// An option's description as plain text: its member's documentation, else its shape's.
pub(crate) fn option_doc(docs: &ServiceDocs, op: &Operation, a: &OpArg) -> String {
    let input = op.input.as_ref().map(|r| r.shape.as_str()).unwrap_or("");
    docs.member(input, &a.member, &a.shape_ref.shape)
        .map(html_to_text)
        .unwrap_or_default()
}

/// The model's HTML documentation as plain text: paragraphs kept, list items as `- `,
/// tags dropped, entities decoded, spaces collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        push_text(&mut out, &rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else {
            push_text(&mut out, &rest[i..]);
            rest = "";
            break;
        };
        let tag = after[..end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        match name {
            "p" | "br" | "ul" | "ol" | "dl" | "div" | "note" | "important" | "h1" | "h2" | "h3"
            | "h4"
                if !out.ends_with("\n\n") && !out.is_empty() && !out.ends_with("- ") =>
            {
                out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
            }
            "li" if !tag.starts_with('/') => {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                // Items of one list follow each other without a blank line.
                let trimmed = out.trim_end_matches('\n');
                let last_line = trimmed.rsplit('\n').next().unwrap_or("");
                if last_line.trim_start().starts_with("- ") {
                    out.truncate(trimmed.len());
                    out.push('\n');
                }
                out.push_str("- ");
            }
            "li" | "dt" | "dd" if !out.ends_with('\n') => out.push('\n'),
            _ => {}
        }
        rest = &after[end + 1..];
    }
    push_text(&mut out, rest);
    let lines: Vec<String> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut text = String::new();
    let mut blank = true;
    for l in lines {
        if l.is_empty() {
            if !blank {
                text.push('\n');
            }
            blank = true;
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&l);
        blank = false;
    }
    text.trim().to_string()
}

fn push_text(out: &mut String, s: &str) {
    out.push_str(&decode_entities(&s.replace('\n', " ")));
}

/// Decodes the HTML entities the model documentation uses.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let mut matched = false;
        for (ent, ch) in [
            ("&amp;", "&"),
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&#39;", "'"),
            ("&apos;", "'"),
            ("&nbsp;", " "),
        ] {
            if let Some(after) = tail.strip_prefix(ent) {
                out.push_str(ch);
                rest = after;
                matched = true;
                break;
            }
        }
        if !matched {
            out.push('&');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn renders_doc_html() {
        let t = html_to_text("<p>Returns a <code>Function</code>.</p><ul><li><p>One</p></li><li>Two &amp; three</li></ul>");
        assert_eq!(t, "Returns a Function.\n\n- One\n- Two & three");
    }
}
