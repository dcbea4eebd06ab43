//! Text notifications as messages: CloudFormation's SNS stack events in the same layout
//! as their EventBridge form, and AWS Budgets alerts with their sentence and fields.

use super::layout::{self, Doc, LONG, VALUE};
use super::{ops, Meta};
use crate::message::text::{Budget, TextNotice};
use crate::message::{Raw, TextMessage};
use engine::{Message, Rich};

/// Budget lines shown at most.
const BUDGET_FIELDS: usize = 12;

pub fn headline(t: &TextMessage) -> Rich {
    match &t.notice {
        TextNotice::Stack { change, .. } => ops::stack_headline(change),
        TextNotice::Budget(b) => budget_headline(b),
    }
}

fn budget_headline(b: &Budget) -> Rich {
    layout::headline("💰", &format!("AWS Budgets: {}", b.name))
}

pub fn render(t: &TextMessage, meta: &Meta) -> Message {
    let mut doc = Doc::new(headline(t));
    let origin = match &t.notice {
        TextNotice::Stack {
            change,
            account,
            timestamp,
        } => {
            ops::stack(&mut doc, change);
            doc.code_field("Account", account.as_deref(), VALUE);
            doc.time_field("Time", timestamp.as_deref());
            "CloudFormation stack event"
        }
        TextNotice::Budget(b) => {
            doc.paragraph(b.summary.as_deref(), LONG);
            for (k, v) in b.fields.iter().take(BUDGET_FIELDS) {
                doc.code_field(k, Some(v), VALUE);
            }
            if b.fields.len() > BUDGET_FIELDS {
                doc.mark_cut();
            }
            doc.code_field("Account", b.account.as_deref(), VALUE);
            "AWS Budgets"
        }
    };
    doc.finish(Some(origin.into()), meta, Raw::Text(&t.raw))
}
