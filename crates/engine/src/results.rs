//! Running an authorized call and showing what came back: the result as a code block (cut,
//! with the whole result attached, when long), a Next page button, errors in the CLI's words,
//! refusals with their reason; and the audit record of each.

use crate::engine::{new_message_id, say, Engine, Turn};
use crate::message::{ActionId, Block, Button, Message, Style};
use crate::outcome::Outcome;
use crate::pending::PendingCall;
use crate::pipeline::describe_route;
use crate::runner::{FailureKind, Route};
use crate::text::{code, literal, mention};
use authz::plan::Plan;
use authz::Decision;
use command::Call;
use store::{AuditRecord, PendingCommand, Waiting};
use wire::assume::AssumeParams;

/// The role session a plan asks for, if any.
pub(crate) fn assume_params(t: &Turn<'_>, p: &Plan) -> Option<AssumeParams> {
    let role_arn = p.role_arn.clone()?;
    let session = p.session.clone().unwrap_or_default();
    Some(AssumeParams {
        role_arn,
        user: t.ev.user.clone(),
        policy_arns: session.policy_arns,
        policy: session.inline,
        tags: authz::plan::session_tags(t.channel),
    })
}

impl Engine {
    /// Runs the call and posts its result; `pending` is finished with the outcome.
    pub(crate) async fn execute(
        &self,
        t: &mut Turn<'_>,
        pc: &PendingCall,
        call: &Call,
        p: &Plan,
        pending: Option<&str>,
    ) {
        let assume = assume_params(t, p);
        let endpoint = p.account.as_ref().and_then(|a| a.endpoint.clone());
        let route = Route {
            region: &p.region,
            endpoint: endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        if call.globals.region.is_some() {
            let _ = self
                .store
                .set_last_region(&t.ev.workspace, &t.ev.channel, &p.region, t.now)
                .await;
        }
        let started = std::time::Instant::now();
        let outcome = self.runner.call(call, &route).await;
        let took = started.elapsed().as_millis() as i64;
        let command = pc.full_text();
        let mut m = Message::default();
        let (outcome_name, decision_reason) = match &outcome {
            Ok(ran) if crate::alarm_charts::follows(call) => {
                m = self.alarm_charts(t, pc, &ran.result).await;
                if let Some(b) = self
                    .next_page_button(t, pc, ran.next_token.as_deref())
                    .await
                {
                    m.blocks.push(b);
                }
                ("ok".to_string(), p.decision.reason.clone())
            }
            Ok(ran) if crate::insights::follows(call) => {
                m = self
                    .query_results(t, pc, call, &ran.result, &p.region)
                    .await;
                ("ok".to_string(), p.decision.reason.clone())
            }
            Ok(ran) => {
                self.result_blocks(
                    &mut m,
                    &ran.text,
                    &format!("{}-{}.txt", call.service, call.cli_operation),
                );
                if let Some(b) = self
                    .next_page_button(t, pc, ran.next_token.as_deref())
                    .await
                {
                    m.blocks.push(b);
                }
                ("ok".to_string(), p.decision.reason.clone())
            }
            Err(f) => {
                m.text(format!("⚠️ {}", literal(&f.message)));
                let name = match f.kind {
                    FailureKind::Aws => f.code.clone().unwrap_or_else(|| "error".into()),
                    FailureKind::TimedOut => "timeout".into(),
                    _ => "error".into(),
                };
                (name, p.decision.reason.clone())
            }
        };
        m.context(format!(
            "{} · {} · asked by {} · {:.1} s",
            code(self.opts.masker.mask_command(&command)),
            describe_route(p),
            mention(&t.ev.user),
            took as f64 / 1000.0
        ));
        t.post(m);
        if let Some(id) = pending {
            let _ = self.store.finish(id, &outcome_name, t.now).await;
        }
        t.outcome = Some(match outcome {
            Ok(ran) => Outcome::Ran { ran: Box::new(ran) },
            Err(failure) => Outcome::Failed { failure },
        });
        self.audit(
            t,
            &command,
            p,
            "allowed",
            &decision_reason,
            &outcome_name,
            Some(took),
        )
        .await;
    }

    /// The result text as a code block, cut with a note and attached whole when long.
    fn result_blocks(&self, m: &mut Message, text: &str, file_name: &str) {
        if text.trim().is_empty() {
            m.text("✅ Done (no output).");
            return;
        }
        let limit = self.opts.max_inline_chars;
        if text.chars().count() <= limit {
            m.code(text);
            return;
        }
        let mut cut = String::new();
        for line in text.lines() {
            if cut.chars().count() + line.chars().count() + 1 > limit {
                break;
            }
            cut.push_str(line);
            cut.push('\n');
        }
        if cut.is_empty() {
            cut = text.chars().take(limit).collect();
        }
        let lines = text.lines().count();
        m.code(cut.trim_end());
        m.context(format!(
            "The result is {} characters ({lines} lines); the first part is shown, the whole result is attached.",
            text.chars().count()
        ));
        m.blocks.push(Block::File {
            name: file_name.into(),
            content_type: "text/plain".into(),
            content: text.to_string(),
        });
    }

    /// Keeps the command for its next page; returns the id the button carries.
    /// Next page, when the result has one and the command can be kept to continue.
    async fn next_page_button(
        &self,
        t: &Turn<'_>,
        pc: &PendingCall,
        token: Option<&str>,
    ) -> Option<Block> {
        let id = self.next_page(t, pc, token?).await?;
        Some(Block::Buttons {
            buttons: vec![Button {
                label: "Next page".into(),
                action: ActionId::NEXT_PAGE.into(),
                value: id,
                style: Style::Default,
                confirm: None,
            }],
        })
    }

    async fn next_page(&self, t: &Turn<'_>, pc: &PendingCall, token: &str) -> Option<String> {
        let mut next = pc.clone();
        next.kind = "next_page".into();
        // The token is a global option: it goes in the text, replacing an earlier one.
        let mut words = command::tokenize(&pc.text).ok()?;
        if let Some(i) = words.iter().position(|w| w == "--starting-token") {
            words.drain(i..(i + 2).min(words.len()));
        }
        words.push("--starting-token".into());
        words.push(token.to_string());
        next.text = words
            .iter()
            .map(|w| crate::text::quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        let p = self
            .store
            .create_pending(&self.new_pending(t, &next, Waiting::AwaitingConfirmation, None))
            .await
            .ok()?;
        Some(p.id)
    }

    /// Tells the asker why a command will not run and what to ask for; records it.
    pub(crate) async fn refuse(
        &self,
        t: &mut Turn<'_>,
        pc: &PendingCall,
        d: &Decision,
        existing: Option<&PendingCommand>,
    ) {
        let mut m = Message {
            id: new_message_id(),
            ..Message::default()
        };
        m.text(format!("🚫 Not run: {}.", literal(&d.reason)));
        if let Some(a) = &d.advice {
            m.context(format!("What to do: {}.", literal(a)));
        }
        m.code(format!(
            "aws {}",
            self.opts.masker.mask_command(&pc.full_text())
        ));
        t.tell(m);
        t.outcome = Some(Outcome::Refused {
            decision: Box::new(d.clone()),
        });
        if let Some(e) = existing {
            let _ = self.store.cancel(&e.id, "authorizer", t.now).await;
            if let Some(msg) = &e.message_id {
                t.update(msg, say(format!("Not run: {}.", literal(&d.reason))));
            }
        }
        self.record(AuditRecord {
            account: pc.account.clone(),
            decision: d.outcome.as_str().into(),
            reason: d.reason.clone(),
            outcome: "refused".into(),
            ..self.turn_record(t, &pc.full_text())
        })
        .await;
    }

    /// One audit record for a command that was decided.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn audit(
        &self,
        t: &Turn<'_>,
        command: &str,
        p: &Plan,
        decision: &str,
        reason: &str,
        outcome: &str,
        took: Option<i64>,
    ) {
        self.record(AuditRecord {
            account: p.account.as_ref().map(|a| a.name.clone()),
            region: Some(p.region.clone()),
            role: p
                .role
                .as_ref()
                .map(|r| r.name.clone())
                .or_else(|| p.role_arn.clone()),
            decision: decision.into(),
            reason: reason.into(),
            outcome: outcome.into(),
            duration_ms: took,
            ..self.turn_record(t, command)
        })
        .await;
    }

    /// The audit record of a pending command that ended without running.
    pub(crate) async fn audit_pending(
        &self,
        p: &PendingCommand,
        outcome: &str,
        reason: &str,
        now: i64,
    ) {
        self.record(AuditRecord {
            time: now,
            workspace: p.workspace.clone(),
            channel: p.channel.clone(),
            user: p.user.clone(),
            user_name: None,
            account: p.account.clone(),
            region: p.region.clone(),
            role: p.role.clone(),
            command: self.opts.masker.mask_command(&p.command_text),
            decision: "allowed".into(),
            reason: reason.into(),
            outcome: outcome.into(),
            duration_ms: None,
        })
        .await;
    }

    /// A record of this turn for `command` (masked); the caller sets the rest.
    pub(crate) fn turn_record(&self, t: &Turn<'_>, command: &str) -> AuditRecord {
        AuditRecord {
            time: t.now,
            workspace: t.ev.workspace.clone(),
            channel: t.ev.channel.clone(),
            user: t.ev.user.clone(),
            user_name: t.ev.user_name.clone(),
            account: None,
            region: None,
            role: None,
            command: self.opts.masker.mask_command(command),
            decision: String::new(),
            reason: String::new(),
            outcome: String::new(),
            duration_ms: None,
        }
    }

    /// Appends to the audit log; a failing store is logged, never a reason to lose the reply.
    pub(crate) async fn record(&self, r: AuditRecord) {
        if let Err(e) = self.store.append_audit(&r).await {
            tracing::error!(command = %r.command, user = %r.user, error = %e, "audit log: could not record");
        }
    }
}
