//! Asking for a missing parameter: its description, its allowed values as buttons or a
//! menu, and for resource names a menu filled by the matching list operation, run with the
//! same permissions. Free text always works too.

use crate::engine::{new_message_id, say, Engine, Turn};
use crate::message::{ActionId, Block, Button, Choice, Message, Rich, Style};
use crate::outcome::{Outcome, Question};
use crate::pending::PendingCall;
use crate::runner::Route;
use crate::text::{code, literal, strong};
use awsmodel::{ServiceModel, ShapeKind};
use command::{Call, MissingParam};
use serde_json::Value;
use store::{PendingCommand, Waiting};

/// Enum values up to this many are buttons; more are a menu.
const MAX_BUTTONS: usize = 5;

impl Engine {
    pub(crate) async fn ask_parameter(
        &self,
        t: &mut Turn<'_>,
        pc: PendingCall,
        call: &Call,
        missing: &MissingParam,
        existing: Option<PendingCommand>,
    ) {
        let message_id = new_message_id();
        let Some(p) = self
            .keep_pending(
                t,
                &pc,
                Waiting::AwaitingInput {
                    parameter: missing.option.clone(),
                },
                existing.clone(),
                &message_id,
            )
            .await
        else {
            t.tell(say("error: the command could not be kept; try again"));
            return;
        };
        if let Some(old) = existing
            .and_then(|e| e.message_id)
            .filter(|m| *m != message_id)
        {
            let mut m = say(code(pc.full_text()));
            m.context(crate::pipeline::answered(t, &pc));
            t.update(&old, m);
        }
        let name = missing.option.trim_start_matches('-');
        let mut m = Message {
            id: message_id,
            ..Message::default()
        };
        m.text(format!(
            "{} needs {} ({}).",
            code(format!("{} {}", call.service, call.cli_operation)),
            strong(name),
            literal(&missing.type_name)
        ));
        if let Some(first) = missing.doc.lines().find(|l| !l.trim().is_empty()) {
            m.context(Rich::verbatim(first.trim()));
        }
        let choices: Vec<Choice> = if !missing.enum_values.is_empty() {
            missing
                .enum_values
                .iter()
                .map(|v| Choice {
                    label: v.clone(),
                    value: v.clone(),
                })
                .collect()
        } else {
            self.resource_choices(t, &pc, call, &missing.member).await
        };
        t.outcome = Some(Outcome::Asked {
            pending: p.id.clone(),
            question: Box::new(Question {
                parameter: missing.option.clone(),
                type_name: missing.type_name.clone(),
                doc: missing
                    .doc
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                choices: choices.iter().map(|c| c.value.clone()).collect(),
                call: Some(Box::new(call.clone())),
            }),
        });
        let value = |v: &str| format!("{}|{v}", p.id);
        if !choices.is_empty() && choices.len() <= MAX_BUTTONS {
            m.blocks.push(Block::Buttons {
                buttons: choices
                    .iter()
                    .map(|c| Button {
                        label: c.label.clone(),
                        action: ActionId::PARAM.into(),
                        value: value(&c.value),
                        style: Style::Default,
                        confirm: None,
                    })
                    .collect(),
            });
        } else if !choices.is_empty() {
            m.blocks.push(Block::Menu {
                action: ActionId::PARAM.into(),
                placeholder: format!("Choose {name}"),
                options: choices
                    .into_iter()
                    .take(self.opts.menu_limit)
                    .map(|c| Choice {
                        label: c.label,
                        value: value(&c.value),
                    })
                    .collect(),
            });
        }
        m.context(format!(
            "or answer {} (or reply in this thread); other commands can run meanwhile",
            code(format!("@aws {name} <value>"))
        ));
        t.post(m);
    }

    /// Values for a resource-name parameter, from the service's list operation, when the
    /// channel may run it.
    async fn resource_choices(
        &self,
        t: &Turn<'_>,
        pc: &PendingCall,
        call: &Call,
        member: &str,
    ) -> Vec<Choice> {
        let Ok(model) = self.cat.models.service(&call.service) else {
            return Vec::new();
        };
        let Some((op, path)) = list_source(&model, member) else {
            return Vec::new();
        };
        let Some(cli_op) = model
            .cli_operations
            .iter()
            .find(|(_, name)| **name == op)
            .map(|(cli, _)| cli.clone())
        else {
            return Vec::new();
        };
        let mut text = format!("{} {cli_op}", call.service);
        if let Some(r) = &call.globals.region {
            text.push_str(&format!(" --region {r}"));
        }
        let list_pc = PendingCall {
            account: pc.account.clone(),
            ..PendingCall::command(&text)
        };
        let Ok(command::Parsed::Call(list)) = self.build(&list_pc) else {
            return Vec::new();
        };
        let p = self.plan_for(t, &list_pc, &list).await;
        if !p.decision.allowed() {
            return Vec::new();
        }
        let assume = crate::results::assume_params(t, &p);
        let endpoint = p.account.as_ref().and_then(|a| a.endpoint.clone());
        let route = Route {
            region: &p.region,
            endpoint: endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        match self.runner.call(&list, &route).await {
            Ok(ran) => values_at(&ran.result, &path)
                .into_iter()
                .map(|v| Choice {
                    label: v.clone(),
                    value: v,
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// The list operation whose output names resources like `member`, and where: (operation,
/// [list member, field]) — e.g. `FunctionName` ← ListFunctions `Functions[].FunctionName`,
/// `StreamName` ← ListStreams `StreamNames[]`.
pub fn list_source(model: &ServiceModel, member: &str) -> Option<(String, Vec<String>)> {
    let noun = member
        .trim_end_matches("Name")
        .trim_end_matches("Identifier")
        .trim_end_matches("Id")
        .trim_end_matches("Arn");
    let mut best: Option<(i32, String, Vec<String>)> = None;
    for (name, op) in &model.operations {
        if !(name.starts_with("List") || name.starts_with("Describe")) {
            continue;
        }
        let needs_input = op
            .input
            .as_ref()
            .and_then(|i| model.shapes.get(&i.shape))
            .is_some_and(|s| !s.required.is_empty());
        if needs_input {
            continue;
        }
        let Some(out) = op.output.as_ref().and_then(|o| model.shapes.get(&o.shape)) else {
            continue;
        };
        for (field, r) in &out.members {
            let Some(shape) = model.shapes.get(&r.shape) else {
                continue;
            };
            if shape.kind != ShapeKind::List {
                continue;
            }
            let Some(item) = shape
                .member
                .as_ref()
                .and_then(|m| model.shapes.get(&m.shape))
            else {
                continue;
            };
            let path = if item.kind == ShapeKind::Structure && item.members.contains_key(member) {
                vec![field.clone(), member.to_string()]
            } else if item.kind == ShapeKind::String && *field == format!("{member}s") {
                vec![field.clone()]
            } else {
                continue;
            };
            // Prefer the operation named after the resource (ListFunctions for FunctionName).
            let score = if !noun.is_empty() && name.contains(noun) {
                2
            } else {
                1
            } + i32::from(name.starts_with("List"));
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, name.clone(), path));
            }
        }
    }
    best.map(|(_, op, path)| (op, path))
}

fn values_at(result: &Value, path: &[String]) -> Vec<String> {
    let Some(list) = path
        .first()
        .and_then(|f| result.get(f))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|item| match path.get(1) {
            Some(field) => item.get(field).and_then(Value::as_str),
            None => item.as_str(),
        })
        .map(str::to_string)
        .collect()
}
