//! Aliases shared by a channel: `alias create <name> <command with $vars>`, `alias list`,
//! `alias delete <name>`, and `run <name> v1 v2` or `run <name> --var v`; missing variables
//! are asked for. They run with the invoking user's permissions.

use crate::engine::{new_message_id, say, Engine, Turn};
use crate::message::{Block, Message};
use crate::pending::{expand, template_vars, AliasRun, PendingCall};
use crate::text::{code, first_word, literal, mention, strong};
use store::{Alias, PendingCommand, Waiting};

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Engine {
    pub(crate) async fn alias_command(&self, t: &mut Turn<'_>, rest: &str) {
        let (verb, args) = first_word(rest);
        match verb.as_str() {
            "create" => {
                let (name, template) = first_word(args);
                if !valid_name(&name) || template.trim().is_empty() {
                    t.tell(say("Usage: `@aws alias create <name> <command with $variables>`, e.g. `@aws alias create logs logs tail-ish --log-group-name $group`. Names are letters, digits, - and _."));
                    return;
                }
                let template = crate::text::strip_mention(template).to_string();
                if let Err(e) = command::tokenize(&template) {
                    t.tell(say(format!(
                        "error: the command does not read: {}",
                        literal(e)
                    )));
                    return;
                }
                let alias = Alias {
                    workspace: t.ev.workspace.clone(),
                    channel: t.ev.channel.clone(),
                    name: name.clone(),
                    template: template.clone(),
                    created_by: t.ev.user.clone(),
                    created_at: t.now,
                };
                match self.store.create_alias(&alias, false).await {
                    Ok(()) => {
                        let vars = template_vars(&template);
                        let usage = if vars.is_empty() {
                            code(format!("@aws run {name}"))
                        } else {
                            code(format!(
                                "@aws run {name} {}",
                                vars.iter()
                                    .map(|v| format!("<{v}>"))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ))
                        };
                        t.post(say(format!(
                            "{} created alias {}: {}. Run it with {usage}.",
                            mention(&t.ev.user),
                            strong(&name),
                            code(&template)
                        )));
                    }
                    Err(store::StoreError::AliasExists { .. }) => {
                        t.tell(say(format!(
                            "Alias {} exists; delete it first with {}.",
                            strong(&name),
                            code(format!("@aws alias delete {name}"))
                        )));
                    }
                    Err(e) => {
                        t.tell(say(format!("error: {}", literal(e))));
                    }
                }
            }
            "list" => {
                match self
                    .store
                    .list_aliases(&t.ev.workspace, &t.ev.channel)
                    .await
                {
                    Ok(list) if list.is_empty() => {
                        t.tell(say("This channel has no aliases yet: `@aws alias create <name> <command>`."));
                    }
                    Ok(list) => {
                        let mut m = Message::default();
                        m.text("Aliases in this channel:");
                        m.blocks.push(Block::Table {
                            columns: vec!["name".into(), "command".into(), "created by".into()],
                            rows: list
                                .iter()
                                .map(|a| {
                                    vec![a.name.clone(), a.template.clone(), mention(&a.created_by)]
                                })
                                .collect(),
                        });
                        t.post(m);
                    }
                    Err(e) => {
                        t.tell(say(format!("error: {}", literal(e))));
                    }
                }
            }
            "delete" => {
                let name = args.trim();
                match self
                    .store
                    .delete_alias(&t.ev.workspace, &t.ev.channel, name)
                    .await
                {
                    Ok(true) => {
                        t.post(say(format!(
                            "{} deleted alias {}.",
                            mention(&t.ev.user),
                            strong(name)
                        )));
                    }
                    Ok(false) => {
                        t.tell(say(format!(
                            "There is no alias {} in this channel.",
                            strong(name)
                        )));
                    }
                    Err(e) => {
                        t.tell(say(format!("error: {}", literal(e))));
                    }
                }
            }
            _ => {
                t.tell(say("Usage: `@aws alias create <name> <command>`, `@aws alias list`, `@aws alias delete <name>`."));
            }
        }
    }

    pub(crate) async fn run_alias(&self, t: &mut Turn<'_>, rest: &str) {
        let (name, args) = first_word(rest);
        let alias = match self
            .store
            .alias(&t.ev.workspace, &t.ev.channel, &name)
            .await
        {
            Ok(Some(a)) => a,
            Ok(None) => {
                t.tell(say(format!(
                    "There is no alias {} in this channel; `@aws alias list` shows them.",
                    strong(&name)
                )));
                return;
            }
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        let words = match command::tokenize(args) {
            Ok(w) => w,
            Err(e) => {
                t.tell(say(format!("error: {}", literal(e))));
                return;
            }
        };
        let vars = template_vars(&alias.template);
        let mut run = AliasRun {
            name: alias.name.clone(),
            template: alias.template.clone(),
            ..AliasRun::default()
        };
        let mut positional = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if let Some(var) = w.strip_prefix("--").filter(|v| vars.iter().any(|x| x == v)) {
                match words.get(i + 1) {
                    Some(v) => run.vars.insert(var.to_string(), v.clone()),
                    None => {
                        t.tell(say(format!("{} needs a value.", code(format!("--{var}")))));
                        return;
                    }
                };
                i += 2;
            } else {
                positional.push(w.clone());
                i += 1;
            }
        }
        let free: Vec<String> = vars
            .iter()
            .filter(|v| !run.vars.contains_key(*v))
            .cloned()
            .collect();
        let mut free = free.iter();
        for value in positional {
            match free.next() {
                Some(var) => {
                    run.vars.insert(var.clone(), value);
                }
                None => {
                    t.tell(say(format!(
                        "Alias {} takes {} value(s): {}.",
                        strong(&name),
                        vars.len(),
                        literal(vars.join(", "))
                    )));
                    return;
                }
            }
        }
        let mut pc = PendingCall::command(&expand(&run.template, &run.vars));
        pc.alias = Some(run);
        if let Some(missing) = self.next_alias_var(&pc) {
            // Counted now: the answers that complete it are not new commands.
            if self.over_limit(t, &pc.full_text()).await {
                return;
            }
            return self.ask_alias_var(t, pc, &missing, None).await;
        }
        pc.alias = None;
        self.start(t, pc, None).await;
    }

    /// A custom action's button (`[[actions]]` on a notification): its command runs with the
    /// notification's values as the presser's own command; a value the notification did
    /// not have is asked for, as an alias's variable is.
    pub(crate) async fn run_custom_action(&self, t: &mut Turn<'_>, value: &str) {
        #[derive(serde::Deserialize)]
        struct Pressed {
            name: String,
            template: String,
            #[serde(default)]
            vars: std::collections::BTreeMap<String, String>,
        }
        let p: Pressed = match serde_json::from_str(value) {
            Ok(p) => p,
            Err(e) => {
                t.tell(say(format!(
                    "error: this button is malformed: {}",
                    literal(e)
                )));
                return;
            }
        };
        if !self
            .cfg
            .actions
            .iter()
            .any(|a| a.name == p.name && a.command == p.template)
        {
            t.tell(say(format!(
                "The action {} is no longer in the configuration (or has changed); nothing was run.",
                strong(&p.name)
            )));
            return;
        }
        let run = AliasRun {
            name: p.name,
            template: p.template,
            vars: p.vars,
        };
        let mut pc = PendingCall::command(&expand(&run.template, &run.vars));
        pc.alias = Some(run);
        if let Some(missing) = self.next_alias_var(&pc) {
            // Counted now: the answers that complete it are not new commands.
            if self.over_limit(t, &pc.full_text()).await {
                return;
            }
            return self.ask_alias_var(t, pc, &missing, None).await;
        }
        pc.alias = None;
        self.start(t, pc, None).await;
    }

    pub(crate) fn next_alias_var(&self, pc: &PendingCall) -> Option<String> {
        let a = pc.alias.as_ref()?;
        template_vars(&a.template)
            .into_iter()
            .find(|v| !a.vars.contains_key(v))
    }

    pub(crate) async fn ask_alias_var(
        &self,
        t: &mut Turn<'_>,
        pc: PendingCall,
        var: &str,
        existing: Option<PendingCommand>,
    ) {
        let message_id = new_message_id();
        let Some(p) = self
            .keep_pending(
                t,
                &pc,
                Waiting::AwaitingInput {
                    parameter: format!("${var}"),
                },
                existing,
                &message_id,
            )
            .await
        else {
            t.tell(say("error: the command could not be kept; try again"));
            return;
        };
        let name = pc
            .alias
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default();
        let mut m = Message {
            id: message_id,
            ..Message::default()
        };
        m.text(format!("Alias {} needs {}.", strong(&name), strong(var)));
        m.context(format!(
            "answer {} (or reply in this thread)",
            code(format!("@aws {var} <value>"))
        ));
        t.post(m);
        t.outcome = Some(crate::outcome::Outcome::Asked {
            pending: p.id,
            question: Box::new(crate::outcome::Question {
                parameter: format!("${var}"),
                type_name: "string".into(),
                doc: format!("{var} of alias {name}"),
                choices: Vec::new(),
                call: None,
            }),
        });
    }
}
