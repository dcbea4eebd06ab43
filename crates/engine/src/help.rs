//! `@aws help`: a menu of topics (commands, aliases, accounts, roles), each answered from
//! the channel's own configuration.

use crate::engine::{say, Engine, Turn};
use crate::message::{ActionId, Block, Choice, Message};
use crate::text::{code, literal};

impl Engine {
    pub(crate) fn help_menu(&self, t: &mut Turn<'_>) {
        let mut m = Message::default();
        m.text("I run AWS CLI commands here, under this channel's guardrails: `@aws <service> <operation> [options]`, as in a terminal (`@aws lambda list-functions`).");
        m.blocks.push(Block::Menu {
            action: ActionId::HELP.into(),
            placeholder: "What do you need help with?".into(),
            options: [
                ("Running commands", "commands"),
                ("Aliases", "aliases"),
                ("Accounts and regions", "accounts"),
                ("Roles", "roles"),
                ("Notifications", "notifications"),
            ]
            .iter()
            .map(|(label, value)| Choice {
                label: label.to_string(),
                value: value.to_string(),
            })
            .collect(),
        });
        t.tell(m);
    }

    pub(crate) fn help_topic(&self, t: &mut Turn<'_>, topic: &str) {
        let text = match topic {
            "commands" => "Type a command as in a terminal: `@aws cloudwatch describe-alarms --state-value ALARM`. Leave out what you don't know and I'll ask for it. Commands that change resources show Run and Cancel first. `@aws <service> --help` and `@aws <service> <operation> --help` show the options; `--region`, `--query` and `--output table` work as in the CLI.".to_string(),
            "aliases" => "`@aws alias create <name> <command with $variables>` saves a command for the channel; `@aws run <name> <values…>` (or `--variable value`) runs it with your permissions; `@aws alias list`, `@aws alias delete <name>`.".to_string(),
            "accounts" => {
                let accounts: Vec<String> = self
                    .cfg
                    .channel_accounts(t.channel)
                    .map(|a| format!("{} ({}, {})", a.name, a.id, a.region))
                    .collect();
                format!(
                    "This channel can use: {}. `@aws set default-account` chooses the default, remembered for {} days; add `--region <region>` to any command (the channel remembers the last one).",
                    literal(accounts.join("; ")),
                    self.account_ttl().as_secs() / 86_400
                )
            }
            "roles" => {
                if t.channel.user_roles.is_empty() {
                    "Commands here run as the channel's role.".to_string()
                } else {
                    format!(
                        "You can choose a role for your commands here: `@aws switch-role` ({}); `@aws show-role` shows yours. The channel's guardrails always apply on top of any role.",
                        literal(t.channel.user_roles.join(", "))
                    )
                }
            }
            "notifications" => "`@aws notifications` shows which alarms and events come to this channel and what is muted; `@aws notifications test` shows the same to everyone with a test post. `@aws notifications mute <alarm-name-or-pattern> [duration]` silences matching notifications here (`*` and `?` wildcards; 30m, 1h, 2d or 1h30m; default 1h, at most 30 days); `@aws notifications unmute <pattern>` or `@aws notifications unmute all` lifts it early.".to_string(),
            other => format!("There is no help topic {}.", code(other)),
        };
        t.tell(say(text));
    }
}
