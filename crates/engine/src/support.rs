//! `@aws support create-case`: a form for subject, service, category, severity, description
//! and CC addresses, then the usual confirmation of the write.

use crate::engine::{say, Engine, Turn};
use crate::message::{ActionId, Block, Choice, Field, Message};
use crate::pending::PendingCall;
use crate::text::{code, quote};

const SEVERITIES: &[(&str, &str)] = &[
    ("low", "General guidance"),
    ("normal", "System impaired"),
    ("high", "Production system impaired"),
    ("urgent", "Production system down"),
    ("critical", "Business-critical system down"),
];

impl Engine {
    pub(crate) fn support_form(&self, t: &mut Turn<'_>) {
        let field = |name: &str, label: &str, multiline: bool, optional: bool| Field {
            name: name.into(),
            label: label.into(),
            options: Vec::new(),
            multiline,
            optional,
        };
        let mut severity = field("severity-code", "Severity", false, false);
        severity.options = SEVERITIES
            .iter()
            .map(|(v, l)| Choice {
                label: format!("{v}: {l}"),
                value: v.to_string(),
            })
            .collect();
        let mut m = Message::default();
        m.text("Open an AWS Support case. You will see the whole case before it is sent.");
        m.blocks.push(Block::Form {
            action: ActionId::SUPPORT_CASE.into(),
            title: "New support case".into(),
            fields: vec![
                field("subject", "Subject", false, false),
                field(
                    "service-code",
                    "Service code (e.g. amazon-elastic-compute-cloud-linux)",
                    false,
                    false,
                ),
                field("category-code", "Category code (e.g. other)", false, false),
                severity,
                field("communication-body", "Describe the problem", true, false),
                field(
                    "cc-email-addresses",
                    "CC email addresses (space-separated)",
                    false,
                    true,
                ),
            ],
            submit: "Review".into(),
        });
        t.tell(m);
    }

    pub(crate) async fn support_submitted(&self, t: &mut Turn<'_>, values: &[(String, String)]) {
        let get = |k: &str| {
            values
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut missing = Vec::new();
        let mut text = String::from("support create-case");
        for key in [
            "subject",
            "service-code",
            "category-code",
            "severity-code",
            "communication-body",
        ] {
            match get(key) {
                Some(v) => text.push_str(&format!(" --{key} {}", quote(&v))),
                None => missing.push(key),
            }
        }
        if !missing.is_empty() {
            t.tell(say(format!("The case needs: {}.", missing.join(", "))));
            return;
        }
        if let Some(sev) = get("severity-code") {
            if !SEVERITIES.iter().any(|(v, _)| *v == sev) {
                t.tell(say(format!(
                    "{} is not a severity; use one of low, normal, high, urgent, critical.",
                    code(&sev)
                )));
                return;
            }
        }
        if let Some(cc) = get("cc-email-addresses") {
            text.push_str(" --cc-email-addresses");
            for addr in cc.split([' ', ',']).filter(|a| !a.is_empty()) {
                if !addr.contains('@') {
                    t.tell(say(format!("{} is not an email address.", code(addr))));
                    return;
                }
                text.push(' ');
                text.push_str(&quote(addr));
            }
        }
        self.start(t, PendingCall::command(&text), None).await;
    }
}
