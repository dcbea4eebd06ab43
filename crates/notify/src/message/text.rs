//! Notifications that arrive as plain text: CloudFormation's stack events on an SNS
//! topic (`Key='value'` lines) and AWS Budgets alerts (`Budget Name: …` lines).

use super::ops::StackChange;
use super::value::arn_account;

/// A text notification of a known format.
#[derive(Debug, Clone, PartialEq)]
pub enum TextNotice {
    /// A stack or resource status change; `account` from the `Namespace` line.
    Stack {
        change: StackChange,
        account: Option<String>,
        timestamp: Option<String>,
    },
    Budget(Budget),
}

/// An AWS Budgets alert.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Budget {
    pub name: String,
    pub account: Option<String>,
    /// The sentence saying what crossed what.
    pub summary: Option<String>,
    /// The `Key: value` lines after the name, in order.
    pub fields: Vec<(String, String)>,
}

/// Reads a text notification; `None` when it is neither format.
pub fn parse(message: &str) -> Option<TextNotice> {
    stack(message).or_else(|| budget(message).map(TextNotice::Budget))
}

/// `Key='value'` lines; a value may run over several lines until its closing quote.
fn quoted_lines(message: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in message.lines() {
        if let Some((key, mut value)) = open.take() {
            value.push('\n');
            match line.strip_suffix('\'') {
                Some(end) => {
                    value.push_str(end);
                    out.push((key, value));
                }
                None => {
                    value.push_str(line);
                    open = Some((key, value));
                }
            }
            continue;
        }
        let Some((key, rest)) = line.split_once("='") else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        match rest.strip_suffix('\'') {
            Some(value) => out.push((key.to_string(), value.to_string())),
            None => open = Some((key.to_string(), rest.to_string())),
        }
    }
    out
}

fn stack(message: &str) -> Option<TextNotice> {
    let lines = quoted_lines(message);
    let get = |k: &str| {
        lines
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty() && v != "null")
    };
    let stack_id = get("StackId")?;
    let status = get("ResourceStatus")?;
    let logical = get("LogicalResourceId");
    let stack_name = get("StackName");
    // The stack's own event names the stack as its logical resource.
    let own = logical.is_some() && logical == stack_name;
    let account = get("Namespace").or_else(|| arn_account(&stack_id));
    Some(TextNotice::Stack {
        change: StackChange {
            stack_id: Some(stack_id),
            stack_name,
            logical_id: logical.filter(|_| !own),
            physical_id: get("PhysicalResourceId").filter(|_| !own),
            resource_type: get("ResourceType").filter(|_| !own),
            status: Some(status),
            reason: get("ResourceStatusReason"),
        },
        account,
        timestamp: get("Timestamp"),
    })
}

fn budget(message: &str) -> Option<Budget> {
    let mut name = None;
    let mut account = None;
    let mut summary = None;
    let mut fields = Vec::new();
    for line in message.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("AWS Account") {
            let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
            if digits.len() == 12 {
                account = Some(digits);
            }
        } else if line.starts_with("You requested") && summary.is_none() {
            summary = Some(line.to_string());
        } else if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k == "Budget Name" {
                name = Some(v.to_string());
            } else if name.is_some() && !k.is_empty() && !v.is_empty() && k.len() <= 40 {
                fields.push((k.to_string(), v.to_string()));
            }
        }
    }
    Some(Budget {
        name: name.filter(|n| !n.is_empty())?,
        account,
        summary,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_lines_with_a_value_over_two_lines() {
        let m = "StackId='arn:aws:cloudformation:us-east-1:111122223333:stack/web/1'\n\
                 ResourceStatus='CREATE_FAILED'\nResourceStatusReason='first\nsecond'\n\
                 LogicalResourceId='Queue'\nStackName='web'\n";
        let Some(TextNotice::Stack {
            change, account, ..
        }) = parse(m)
        else {
            panic!("stack expected")
        };
        assert_eq!(change.reason.as_deref(), Some("first\nsecond"));
        assert_eq!(change.logical_id.as_deref(), Some("Queue"));
        assert_eq!(account.as_deref(), Some("111122223333"));
    }

    #[test]
    fn budget_lines() {
        let m = "AWS Budget Notification\nAWS Account 111122223333\n\nBudget Name: team\nAlert Type: ACTUAL\n";
        let Some(TextNotice::Budget(b)) = parse(m) else {
            panic!("budget expected")
        };
        assert_eq!(b.name, "team");
        assert_eq!(b.account.as_deref(), Some("111122223333"));
        assert_eq!(b.fields, vec![("Alert Type".into(), "ACTUAL".into())]);
        assert!(parse("hello: world").is_none());
    }
}
