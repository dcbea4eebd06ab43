//! A command from text to result: parse, the always-deny list, the account, missing
//! parameters one at a time, authorization, confirmation for writes, the call, the result.

use crate::engine::{say, Engine, Turn};
use crate::message::{ActionId, Block, Button, Inbound, Message, Style};
use crate::outcome::{Outcome, Question};
use crate::pending::PendingCall;
use crate::text::{code, first_word, literal, mention, strip_mention};
use authz::plan::{plan, Ask, Plan};
use command::{parse_line, Call, Parsed};
use store::{NewPending, PendingCommand, PendingUpdate, Waiting};

pub(crate) use crate::outcome::ACCOUNT_QUESTION;

impl Engine {
    pub(crate) async fn on_text(&self, t: &mut Turn<'_>, raw: &str) {
        let text = strip_mention(raw);
        let (word, rest) = first_word(text);
        match word.as_str() {
            "" | "help" if rest.is_empty() => return self.help_menu(t),
            "set" if first_word(rest).0 == "default-account" => {
                return self.set_default_account(t, first_word(rest).1).await
            }
            "switch-role" => return self.switch_role(t, rest).await,
            "show-role" => return self.show_role(t).await,
            "alias" => return self.alias_command(t, rest).await,
            "actions" if matches!(rest.trim(), "" | "list") => return self.actions_list(t),
            "notifications" if crate::notifications::is_ours(rest) => {
                return self.notifications_command(t, text, rest).await
            }
            "run" => return self.run_alias(t, rest).await,
            "support" if rest.trim().eq_ignore_ascii_case("create-case") => {
                return self.support_form(t)
            }
            _ => {}
        }
        if let Some((pending, value)) = self.answer_to(t, text).await {
            return self.answer(t, pending, &value).await;
        }
        self.start(t, PendingCall::command(text), None).await;
    }

    /// A message that answers the user's open question: `<param-name> <value>`, or any
    /// reply in the question's thread.
    async fn answer_to(&self, t: &Turn<'_>, text: &str) -> Option<(PendingCommand, String)> {
        let open = self
            .store
            .list_pending(&t.ev.workspace, &t.ev.channel, &t.ev.user, t.now)
            .await
            .ok()?;
        let (word, rest) = first_word(text);
        let word = word.trim_start_matches('-').trim_start_matches('$');
        for p in &open {
            let Some(param) = p.state.parameter() else {
                continue;
            };
            let name = param.trim_start_matches('-').trim_start_matches('$');
            if !rest.is_empty()
                && (word == name || (param == ACCOUNT_QUESTION && word == "account"))
            {
                return Some((p.clone(), rest.to_string()));
            }
        }
        // A plain reply in the thread of the question.
        let thread = t.ev.thread.as_deref()?;
        open.into_iter()
            .find(|p| p.thread.as_deref() == Some(thread) && p.state.parameter().is_some())
            .map(|p| (p, text.to_string()))
    }

    /// Parses the pending call again, with its answers.
    pub(crate) fn build(&self, pc: &PendingCall) -> Result<Parsed, command::CommandError> {
        let parsed = parse_line(&self.cat, &pc.text)?;
        let Parsed::Call(mut call) = parsed else {
            return Ok(parsed);
        };
        for (opt, val) in &pc.fills {
            call.fill(&self.cat, &format!("{opt} {}", crate::text::quote(val)))?;
        }
        Ok(Parsed::Call(call))
    }

    /// Starts (or continues, with `existing`) a command.
    pub(crate) async fn start(
        &self,
        t: &mut Turn<'_>,
        pc: PendingCall,
        existing: Option<PendingCommand>,
    ) {
        let call = match self.build(&pc) {
            // A new command counts against the limits; an answer belongs to one counted.
            Ok(Parsed::Call(_))
                if existing.is_none() && self.over_limit(t, &pc.full_text()).await =>
            {
                return
            }
            Ok(Parsed::Call(call)) => *call,
            Ok(Parsed::Help(text)) => return show(t, text),
            Ok(Parsed::Skeleton(v)) => {
                return show(t, serde_json::to_string_pretty(&v).unwrap_or_default())
            }
            Err(e) => {
                if let Some(d) = self
                    .authorizer
                    .always_denied_command(&e.actions, &e.aliases)
                {
                    self.refuse(t, &pc, &d, existing.as_ref()).await;
                    return;
                }
                if let Some(p) = &existing {
                    // A bad answer: say why, and keep asking.
                    if let Some(param) = p.state.parameter() {
                        t.tell(say(format!(
                            "That answer does not fit: {}. Answer {} again.",
                            literal(&e),
                            code(param.trim_start_matches('-'))
                        )));
                        t.outcome = Some(Outcome::Invalid {
                            message: e.to_string(),
                        });
                        return;
                    }
                }
                t.tell(say(format!("error: {}", literal(&e))));
                t.outcome = Some(Outcome::Invalid {
                    message: e.to_string(),
                });
                return;
            }
        };
        t.service = Some(call.service.clone());
        if let Some(d) = self
            .authorizer
            .always_denied_command(&call.iam.actions, &call.aliases())
        {
            self.refuse(t, &pc, &d, existing.as_ref()).await;
            return;
        }
        let mut pc = pc;
        if pc.account.is_none() {
            match self.account_for(t).await {
                Some(a) => pc.account = Some(a),
                None => return self.ask_account(t, pc, existing).await,
            }
        }
        if let Some(missing) = call.missing.first() {
            let missing = missing.clone();
            return self.ask_parameter(t, pc, &call, &missing, existing).await;
        }
        let p = self.plan_for(t, &pc, &call).await;
        if !p.decision.allowed() {
            self.refuse(t, &pc, &p.decision, existing.as_ref()).await;
            return;
        }
        if call.iam.access == command::Access::Write {
            return self.confirm(t, pc, &call, &p, existing).await;
        }
        if let Some(e) = &existing {
            // A read that waited for input: it runs now, exactly once.
            let _ = self
                .store
                .update_pending(
                    e.id.as_str(),
                    &self.update_of(e, &pc, Waiting::AwaitingConfirmation),
                    t.now,
                )
                .await;
            match self.store.claim_for_run(&e.id, &t.ev.user, t.now).await {
                Ok(store::Transition::Applied(_)) => {}
                _ => return,
            }
            if let Some(msg) = &e.message_id {
                let mut m = say(code(pc.full_text()));
                m.context(answered(t, &pc));
                t.update(msg, m);
            }
            self.execute(t, &pc, &call, &p, Some(&e.id)).await;
        } else {
            self.execute(t, &pc, &call, &p, None).await;
        }
    }

    /// How a call would be decided and routed for the event's user in its channel, with
    /// `account` (else the channel's default), without running or keeping anything: the
    /// planning of a typed command, for `--dry-run`.
    pub async fn plan_call(
        &self,
        ev: &Inbound,
        account: Option<&str>,
        call: &Call,
    ) -> Option<Plan> {
        let channel = self
            .cfg
            .channel_by_platform_id(&ev.workspace, &ev.channel)?;
        let t = Turn {
            ev,
            channel,
            now: (self.clock)(),
            out: Vec::new(),
            outcome: None,
            service: None,
        };
        let mut pc = PendingCall::command("");
        pc.account = match account {
            Some(a) => Some(a.to_string()),
            None => self.account_for(&t).await,
        };
        Some(self.plan_for(&t, &pc, call).await)
    }

    /// The account a channel uses now: its only one, or the default chosen earlier.
    async fn account_for(&self, t: &Turn<'_>) -> Option<String> {
        if t.channel.accounts.len() == 1 {
            return t.channel.accounts.first().cloned();
        }
        let state = self
            .store
            .channel_state(&t.ev.workspace, &t.ev.channel)
            .await
            .ok()??;
        state
            .default_account_at(t.now)
            .filter(|a| t.channel.accounts.iter().any(|c| c == a))
            .map(str::to_string)
    }

    /// The region: typed in the command, else the channel's last one, else the account's.
    async fn region_for(&self, t: &Turn<'_>, call: &Call) -> Option<String> {
        if let Some(r) = &call.globals.region {
            return Some(r.clone());
        }
        self.store
            .channel_state(&t.ev.workspace, &t.ev.channel)
            .await
            .ok()
            .flatten()
            .and_then(|s| s.last_region)
    }

    /// Authorization with the user's role as it is now.
    pub(crate) async fn plan_for(&self, t: &Turn<'_>, pc: &PendingCall, call: &Call) -> Plan {
        let role = self
            .store
            .user_role(&t.ev.workspace, &t.ev.channel, &t.ev.user)
            .await
            .ok()
            .flatten();
        let aliases = call.aliases();
        let region = self.region_for(t, call).await;
        plan(
            &self.cfg,
            &self.authorizer,
            &Ask {
                channel: t.channel,
                user: &t.ev.user,
                user_role: role.as_deref(),
                account: pc.account.as_deref(),
                region: region.as_deref(),
                actions: &call.iam.actions,
                aliases: &aliases,
                now_ms: t.now,
            },
        )
    }

    pub(crate) fn update_of(
        &self,
        e: &PendingCommand,
        pc: &PendingCall,
        waiting: Waiting,
    ) -> PendingUpdate {
        let mut u = PendingUpdate::from(e);
        u.command_text = pc.full_text();
        u.call = pc.to_value();
        u.waiting = waiting;
        u.account = pc.account.clone();
        u
    }

    /// Keeps (or creates) the pending command in the given state; returns it.
    pub(crate) async fn keep_pending(
        &self,
        t: &Turn<'_>,
        pc: &PendingCall,
        waiting: Waiting,
        existing: Option<PendingCommand>,
        message_id: &str,
    ) -> Option<PendingCommand> {
        match existing {
            Some(e) => {
                let mut u = self.update_of(&e, pc, waiting);
                u.message_id = Some(message_id.to_string());
                self.store
                    .update_pending(&e.id, &u, t.now)
                    .await
                    .ok()?
                    .applied()
            }
            None => self
                .store
                .create_pending(&self.new_pending(t, pc, waiting, Some(message_id.to_string())))
                .await
                .ok(),
        }
    }

    /// A new pending command for this turn.
    pub(crate) fn new_pending(
        &self,
        t: &Turn<'_>,
        pc: &PendingCall,
        waiting: Waiting,
        message_id: Option<String>,
    ) -> NewPending {
        NewPending {
            workspace: t.ev.workspace.clone(),
            channel: t.ev.channel.clone(),
            thread: t.ev.thread.clone(),
            user: t.ev.user.clone(),
            command_text: pc.full_text(),
            call: pc.to_value(),
            waiting,
            message_id,
            account: pc.account.clone(),
            region: None,
            role: None,
            created_at: t.now,
            expires_at: t.now + self.pending_ttl(),
        }
    }

    /// One button per account of the channel; `key` is the pending id, or `default`.
    pub(crate) fn account_buttons(&self, t: &Turn<'_>, key: &str) -> Block {
        let buttons = self
            .cfg
            .channel_accounts(t.channel)
            .map(|a| Button {
                label: format!("{} ({})", a.name, a.id),
                action: ActionId::ACCOUNT.into(),
                value: format!("{key}|{}", a.name),
                style: Style::Default,
                confirm: None,
            })
            .collect();
        Block::Buttons { buttons }
    }

    /// Asks which account to use, remembered for the channel.
    async fn ask_account(
        &self,
        t: &mut Turn<'_>,
        pc: PendingCall,
        existing: Option<PendingCommand>,
    ) {
        let message_id = crate::engine::new_message_id();
        let Some(p) = self
            .keep_pending(
                t,
                &pc,
                Waiting::AwaitingInput {
                    parameter: ACCOUNT_QUESTION.into(),
                },
                existing,
                &message_id,
            )
            .await
        else {
            t.tell(say("error: the command could not be kept; try again"));
            return;
        };
        let days = self.account_ttl().as_secs() / 86_400;
        let mut m = Message {
            id: message_id,
            ..Message::default()
        };
        m.text(format!(
            "Which account should {} run in? This channel will use it for the next {days} days (`@aws set default-account` changes it).",
            code(pc.full_text())
        ));
        m.blocks.push(self.account_buttons(t, &p.id));
        t.post(m);
        t.outcome = Some(Outcome::Asked {
            pending: p.id,
            question: Box::new(Question {
                parameter: ACCOUNT_QUESTION.into(),
                type_name: "account".into(),
                doc: "the account to run the command in".into(),
                choices: t.channel.accounts.clone(),
                call: None,
            }),
        });
    }

    /// Answers an open question and carries the command on.
    pub(crate) async fn answer(&self, t: &mut Turn<'_>, p: PendingCommand, value: &str) {
        let Some(mut pc) = PendingCall::from_value(&p.call) else {
            t.tell(say(
                "error: this command can no longer be read; type it again",
            ));
            return;
        };
        let Some(param) = p.state.parameter().map(str::to_string) else {
            return;
        };
        let value = value.trim();
        if param == ACCOUNT_QUESTION {
            let Some(account) = self.cfg.channel_account(t.channel, value) else {
                let text = format!(
                    "{} is not one of this channel's accounts ({}).",
                    code(value),
                    literal(t.channel.accounts.join(", "))
                );
                let said = say(text);
                let message = said.plain();
                t.tell(said);
                t.outcome = Some(Outcome::Invalid { message });
                return;
            };
            pc.account = Some(account.name.clone());
            let expires = t.now + self.account_ttl().as_millis() as i64;
            let _ = self
                .store
                .set_default_account(
                    &t.ev.workspace,
                    &t.ev.channel,
                    &account.name,
                    expires,
                    t.now,
                )
                .await;
        } else if let Some(var) = param.strip_prefix('$') {
            if let Some(a) = pc.alias.as_mut() {
                a.vars.insert(var.to_string(), value.to_string());
                pc.text = crate::pending::expand(&a.template, &a.vars);
            }
            if let Some(missing) = self.next_alias_var(&pc) {
                return self.ask_alias_var(t, pc, &missing, Some(p)).await;
            }
            pc.alias = None;
        } else {
            pc.fills.push((param.clone(), value.to_string()));
        }
        self.start(t, pc, Some(p)).await;
    }

    /// A write: shows the full command, account, region and role with Run and Cancel.
    async fn confirm(
        &self,
        t: &mut Turn<'_>,
        pc: PendingCall,
        call: &Call,
        p: &Plan,
        existing: Option<PendingCommand>,
    ) {
        let message_id = crate::engine::new_message_id();
        let Some(stored) = self
            .keep_pending(
                t,
                &pc,
                Waiting::AwaitingConfirmation,
                existing.clone(),
                &message_id,
            )
            .await
        else {
            t.tell(say("error: the command could not be kept; try again"));
            return;
        };
        if let Some(old) = existing.as_ref().and_then(|e| e.message_id.clone()) {
            let mut m = say(code(pc.full_text()));
            m.context(answered(t, &pc));
            t.update(&old, m);
        }
        let mut m = Message {
            id: message_id,
            ..Message::default()
        };
        m.text(format!(
            "{} wants to run a command that changes resources ({}{}):",
            mention(&t.ev.user),
            literal(call.iam.actions.join(", ")),
            literal(call.iam.unknown_note())
        ));
        m.code(format!(
            "aws {}",
            self.opts.masker.mask_command(&pc.full_text())
        ));
        m.context(describe_route(p));
        let who = if t.channel.confirm_by == config::ConfirmBy::Anyone {
            "anyone in the channel"
        } else {
            "only the asker"
        };
        m.blocks.push(Block::Buttons {
            buttons: vec![
                Button {
                    label: "Run".into(),
                    action: ActionId::RUN.into(),
                    value: stored.id.clone(),
                    style: Style::Primary,
                    confirm: None,
                },
                Button {
                    label: "Cancel".into(),
                    action: ActionId::CANCEL.into(),
                    value: stored.id.clone(),
                    style: Style::Default,
                    confirm: None,
                },
            ],
        });
        m.context(format!(
            "{who} can run it; it expires in {} minutes",
            self.pending_ttl() / 60_000
        ));
        t.post(m);
        t.outcome = Some(Outcome::AwaitingRun {
            pending: stored.id,
            call: Box::new(call.clone()),
        });
    }
}

/// Help or a skeleton, as a code block.
fn show(t: &mut Turn<'_>, text: String) {
    let mut m = Message::default();
    m.code(text.clone());
    t.post(m);
    t.outcome = Some(Outcome::Shown { text });
}

/// "account prod (123456789012) · region eu-west-1 · role ops", in the engine's dialect.
pub(crate) fn describe_route(p: &Plan) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &p.account {
        parts.push(format!("account {} ({})", literal(&a.name), literal(&a.id)));
    }
    parts.push(format!("region {}", literal(&p.region)));
    match (&p.role, &p.role_arn) {
        (Some(r), _) => parts.push(format!("role {}", literal(&r.name))),
        (None, Some(arn)) => parts.push(format!("role {}", literal(arn))),
        _ => {}
    }
    parts.join(" · ")
}

/// "answered by @alice (account prod)", in the engine's dialect: what the answered question
/// became.
pub(crate) fn answered(t: &Turn<'_>, pc: &PendingCall) -> String {
    match &pc.account {
        Some(a) => format!(
            "answered by {} (account {})",
            mention(&t.ev.user),
            literal(a)
        ),
        None => format!("answered by {}", mention(&t.ev.user)),
    }
}
