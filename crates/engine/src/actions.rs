//! Buttons, menus and forms: Run and Cancel (checked again, exactly once, only by whom the
//! channel allows), parameter and account choices, Next page, roles, help topics, the
//! support-case form.

use crate::engine::{say, Engine, Turn};
use crate::message::ActionId;
use crate::pending::PendingCall;
use crate::pipeline::ACCOUNT_QUESTION;
use crate::text::{code, literal, mention};
use command::Parsed;
use store::{PendingCommand, PendingState, Transition};

/// "18:30 UTC".
pub(crate) fn clock_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02} UTC", secs / 3600, secs / 60 % 60)
}

/// "2026-01-31 18:30 UTC": a time further away than today (a mute's end).
pub(crate) fn utc_date_time(ms: i64) -> String {
    let (year, month, day) = civil_date(ms.div_euclid(86_400_000));
    format!("{year:04}-{month:02}-{day:02} {}", clock_time(ms))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01, by whole 400-year eras
/// (146,097 days each) so leap years need no table.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days from 0000-03-01, so a leap day ends each year
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Engine {
    pub(crate) async fn on_action(
        &self,
        t: &mut Turn<'_>,
        message: Option<&str>,
        action: &str,
        value: &str,
    ) {
        match action {
            ActionId::RUN | ActionId::NEXT_PAGE => self.on_run(t, message, value).await,
            ActionId::CANCEL => self.on_cancel(t, message, value).await,
            ActionId::PARAM | ActionId::ACCOUNT => {
                let Some((id, choice)) = value.split_once('|') else {
                    t.tell(say("error: this choice is malformed"));
                    return;
                };
                if id == "default" {
                    return self.set_default_account(t, choice).await;
                }
                match self.open_pending(t, id).await {
                    Some(p) if p.state.parameter().is_some() => {
                        let expected = action == ActionId::ACCOUNT;
                        if (p.state.parameter() == Some(ACCOUNT_QUESTION)) != expected {
                            t.tell(say("error: this choice does not answer the open question"));
                            return;
                        }
                        self.answer(t, p, choice).await
                    }
                    Some(_) => t.tell(say("That question was already answered.")),
                    None => {}
                }
            }
            ActionId::ROLE => self.switch_role(t, value).await,
            ActionId::HELP => self.help_topic(t, value),
            ActionId::COMMAND => self.on_text(t, value).await,
            ActionId::CUSTOM_ACTION => self.run_custom_action(t, value).await,
            other => t.tell(say(format!("error: unknown action {}", code(other)))),
        }
    }

    pub(crate) async fn on_form(
        &self,
        t: &mut Turn<'_>,
        _message: Option<&str>,
        action: &str,
        values: &[(String, String)],
    ) {
        match action {
            ActionId::SUPPORT_CASE => self.support_submitted(t, values).await,
            other => t.tell(say(format!("error: unknown form {}", code(other)))),
        }
    }

    /// A pending command of this channel, or a message saying why not.
    async fn open_pending(&self, t: &mut Turn<'_>, id: &str) -> Option<PendingCommand> {
        match self.store.get_pending(id).await {
            Ok(Some(p)) if p.workspace == t.ev.workspace && p.channel == t.ev.channel => Some(p),
            Ok(_) => {
                t.tell(say("This command is no longer available here."));
                None
            }
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                None
            }
        }
    }

    /// Whether this user may confirm or cancel `p`.
    fn may_act(&self, t: &mut Turn<'_>, p: &PendingCommand) -> bool {
        if p.user == t.ev.user || t.channel.confirm_by == config::ConfirmBy::Anyone {
            return true;
        }
        t.tell(say(format!(
            "Only {}, who asked, can run or cancel this command in this channel.",
            mention(&p.user)
        )));
        false
    }

    async fn on_run(&self, t: &mut Turn<'_>, message: Option<&str>, id: &str) {
        let Some(p) = self.open_pending(t, id).await else {
            return;
        };
        if p.state != PendingState::AwaitingConfirmation {
            t.tell(say(already(&p)));
            return;
        }
        if !self.may_act(t, &p) {
            return;
        }
        let Some(pc) = PendingCall::from_value(&p.call) else {
            t.tell(say(
                "error: this command can no longer be read; type it again",
            ));
            return;
        };
        let call = match self.build(&pc) {
            Ok(Parsed::Call(c)) => *c,
            Ok(_) => return,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        t.service = Some(call.service.clone());
        // Next page is a new call and counts; Run belongs to a change counted when asked.
        if pc.kind == "next_page" && self.over_limit(t, &pc.full_text()).await {
            return;
        }
        // Authorization is checked again: guardrails or the user's role may have changed.
        let plan = self.plan_for(t, &pc, &call).await;
        if !plan.decision.allowed() {
            self.refuse(t, &pc, &plan.decision, Some(&p)).await;
            return;
        }
        match self.store.claim_for_run(&p.id, &t.ev.user, t.now).await {
            Ok(Transition::Applied(_)) => {}
            Ok(Transition::AlreadyTaken { state, by, at }) => {
                let mut q = p.clone();
                q.state = state;
                q.acted_by = by;
                q.acted_at = at;
                t.tell(say(already(&q)));
                return;
            }
            Ok(Transition::Expired) => {
                t.tell(say(
                    "This command expired before it was run; type it again.",
                ));
                return;
            }
            Ok(Transition::NotFound) => return,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        }
        if pc.kind != "next_page" {
            if let Some(msg) = message.map(str::to_string).or(p.message_id.clone()) {
                let mut m = say(code(format!(
                    "aws {}",
                    self.opts.masker.mask_command(&pc.full_text())
                )));
                m.context(format!(
                    "▶️ Run by {} at {}",
                    mention(&t.ev.user),
                    clock_time(t.now)
                ));
                t.update(&msg, m);
            }
        }
        self.execute(t, &pc, &call, &plan, Some(&p.id)).await;
    }

    async fn on_cancel(&self, t: &mut Turn<'_>, message: Option<&str>, id: &str) {
        let Some(p) = self.open_pending(t, id).await else {
            return;
        };
        if !p.state.is_waiting() {
            t.tell(say(already(&p)));
            return;
        }
        if !self.may_act(t, &p) {
            return;
        }
        match self.store.cancel(&p.id, &t.ev.user, t.now).await {
            Ok(Transition::Applied(_)) => {
                if let Some(msg) = message.map(str::to_string).or(p.message_id.clone()) {
                    let mut m = say(code(format!(
                        "aws {}",
                        self.opts.masker.mask_command(&p.command_text)
                    )));
                    m.context(format!(
                        "✖️ Cancelled by {} at {}",
                        mention(&t.ev.user),
                        clock_time(t.now)
                    ));
                    t.update(&msg, m);
                }
                t.outcome = Some(crate::outcome::Outcome::Cancelled);
                self.audit_pending(
                    &p,
                    "cancelled",
                    &format!("cancelled by {}", t.ev.user),
                    t.now,
                )
                .await;
            }
            _ => t.tell(say("This command can no longer be cancelled.")),
        }
    }
}

/// What happened to a command that is no longer waiting.
fn already(p: &PendingCommand) -> String {
    let by = p
        .acted_by
        .as_deref()
        .map(|u| format!(" by {}", mention(u)))
        .unwrap_or_default();
    let at = p
        .acted_at
        .map(|a| format!(" at {}", clock_time(a)))
        .unwrap_or_default();
    match p.state {
        PendingState::Running | PendingState::Done => {
            format!("This command was already run{by}{at}.")
        }
        PendingState::Cancelled => format!("This command was cancelled{by}{at}."),
        PendingState::Expired => "This command expired; type it again.".into(),
        PendingState::AwaitingInput { .. } => {
            "This command still needs an answer before it can run.".into()
        }
        PendingState::AwaitingConfirmation => "This command is waiting for Run or Cancel.".into(),
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn dates_in_utc() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date_time(1_767_225_600_000), "2026-01-01 00:00 UTC");
        assert_eq!(
            utc_date_time(1_767_225_600_000 + 3_600_000 + 90_000),
            "2026-01-01 01:01 UTC"
        );
        // 2024 is a leap year, 2100 is not, 2000 is.
        assert_eq!(utc_date_time(1_709_164_800_000), "2024-02-29 00:00 UTC");
        assert_eq!(utc_date_time(4_107_542_400_000), "2100-03-01 00:00 UTC");
        assert_eq!(utc_date_time(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_date_time(-86_400_000), "1969-12-31 00:00 UTC");
    }
}
