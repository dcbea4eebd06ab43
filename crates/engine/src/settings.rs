//! The channel's default account and each user's role: `set default-account`,
//! `switch-role`, `show-role`.

use crate::engine::{say, Engine, Turn};
use crate::message::{ActionId, Block, Button, Message, Style};
use crate::text::{code, literal, mention, strong};

impl Engine {
    pub(crate) async fn set_default_account(&self, t: &mut Turn<'_>, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            let mut m = Message::default();
            m.text("Which account should this channel use by default?");
            m.blocks.push(self.account_buttons(t, "default"));
            t.post(m);
            return;
        }
        let Some(account) = self.cfg.channel_account(t.channel, name) else {
            t.tell(say(format!(
                "{} is not one of this channel's accounts ({}).",
                code(name),
                literal(t.channel.accounts.join(", "))
            )));
            return;
        };
        let ttl = self.account_ttl();
        let expires = t.now + ttl.as_millis() as i64;
        match self
            .store
            .set_default_account(
                &t.ev.workspace,
                &t.ev.channel,
                &account.name,
                expires,
                t.now,
            )
            .await
        {
            Ok(()) => {
                t.post(say(format!(
                    "{} set this channel's account to {} ({}) for {} days.",
                    mention(&t.ev.user),
                    strong(&account.name),
                    literal(&account.id),
                    ttl.as_secs() / 86_400
                )));
            }
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
            }
        }
    }

    pub(crate) async fn switch_role(&self, t: &mut Turn<'_>, name: &str) {
        let name = name.trim();
        let allowed = &t.channel.user_roles;
        if allowed.is_empty() {
            t.tell(say(
                "This channel has no roles to choose from; commands run as the channel's role.",
            ));
            return;
        }
        if name.is_empty() {
            let mut m = Message::default();
            m.text("Which role should your commands in this channel use?");
            let mut buttons: Vec<Button> = allowed
                .iter()
                .map(|r| Button {
                    label: r.clone(),
                    action: ActionId::ROLE.into(),
                    value: r.clone(),
                    style: Style::Default,
                    confirm: None,
                })
                .collect();
            buttons.push(Button {
                label: "Clear".into(),
                action: ActionId::ROLE.into(),
                value: "clear".into(),
                style: Style::Default,
                confirm: None,
            });
            m.blocks.push(Block::Buttons { buttons });
            t.tell(m);
            return;
        }
        if matches!(name, "clear" | "none") {
            let _ = self
                .store
                .clear_user_role(&t.ev.workspace, &t.ev.channel, &t.ev.user)
                .await;
            t.tell(say(
                "Your role is cleared; commands use the channel's role where it has one.",
            ));
            return;
        }
        if !t.channel.allows_user_role(name) {
            t.tell(say(format!(
                "{} is not a role this channel allows; choose one of: {}.",
                code(name),
                literal(allowed.join(", "))
            )));
            return;
        }
        match self
            .store
            .set_user_role(&t.ev.workspace, &t.ev.channel, &t.ev.user, name, t.now)
            .await
        {
            Ok(()) => {
                t.tell(say(format!(
                    "Your commands in this channel now run as role {}.",
                    strong(name)
                )));
            }
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
            }
        }
    }

    pub(crate) async fn show_role(&self, t: &mut Turn<'_>) {
        let mine = self
            .store
            .user_role(&t.ev.workspace, &t.ev.channel, &t.ev.user)
            .await
            .ok()
            .flatten();
        let describe = |name: &str| match self.cfg.role(name).and_then(|r| r.role_arn.clone()) {
            Some(arn) => format!("{} ({})", strong(name), literal(arn)),
            None => strong(name),
        };
        let text = match (mine, &t.channel.channel_role) {
            (Some(r), _) => format!("Your role in this channel: {}.", describe(&r)),
            (None, _) if t.channel.require_user_role => {
                "You have no role in this channel, and it requires one: choose one with `@aws switch-role`.".to_string()
            }
            (None, Some(c)) => format!("You have not chosen a role; commands use the channel's role {}.", describe(c)),
            (None, None) => "You have not chosen a role, and the channel has none.".to_string(),
        };
        t.tell(say(text));
    }
}
