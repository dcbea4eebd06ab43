//! Bot Framework activities → what the engine hears.
//!
//! Teams posts one JSON activity per request. What we act on:
//!
//! | activity | becomes |
//! |---|---|
//! | `message` with text, in a channel or group chat, the bot mentioned (`<at>…</at>` with a `mention` entity naming the bot) | [`Event::Text`] without the mention |
//! | `message` with text in a personal chat (no mention needed) | [`Event::Text`] |
//! | `message` with a `value` (a card's `Action.Submit`) | [`Event::Action`] or [`Event::Form`] ([`crate::actions::read_submission`]) |
//! | `invoke` named `adaptiveCard/action` (a card's `Action.Execute`) | the same, through [`crate::actions::read_execute`] |
//! | `conversationUpdate` whose `membersAdded` holds the bot | [`Incoming::Added`]: a welcome |
//!
//! Everything else (typing, reactions, members removed, a channel message that does not
//! mention the bot, the bot's own messages) is [`Incoming::Ignored`] with the reason.
//!
//! Where an answer goes: a channel's conversation id carries the thread after
//! `;messageid=` (`19:…@thread.tacv2;messageid=1700000000000`); the part before it is the
//! channel (what `[[channels]] platform_id` names) and the message id is the thread the
//! answer joins. A new channel post's own id starts its thread.

use crate::actions::{self, SubmitError};
use engine::{Event, Inbound};
use serde::Deserialize;
use serde_json::Value;

/// The name of the invoke a card's `Action.Execute` sends.
pub const EXECUTE_INVOKE: &str = "adaptiveCard/action";
/// What separates a channel's id from a thread's root message in a conversation id.
pub const THREAD_MARK: &str = ";messageid=";
/// Largest text accepted from a message (Teams' own limit is about 28 KB).
const MAX_TEXT: usize = 40_000;

/// The parts of a Bot Framework activity we read; unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub service_url: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub from: Option<ChannelAccount>,
    #[serde(default)]
    pub recipient: Option<ChannelAccount>,
    #[serde(default)]
    pub conversation: Option<ConversationAccount>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub reply_to_id: Option<String>,
    /// An invoke's name.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub entities: Option<Vec<Value>>,
    #[serde(default)]
    pub members_added: Option<Vec<ChannelAccount>>,
    #[serde(default)]
    pub channel_data: Option<ChannelData>,
}

/// A user or bot in an activity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAccount {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The user's Microsoft Entra (AAD) object id: their identity in the configuration.
    #[serde(default)]
    pub aad_object_id: Option<String>,
}

/// The conversation an activity belongs to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationAccount {
    #[serde(default)]
    pub id: String,
    /// `personal`, `channel` or `groupChat`.
    #[serde(default)]
    pub conversation_type: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// Teams' own part of an activity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelData {
    #[serde(default)]
    pub tenant: Option<IdOnly>,
    #[serde(default)]
    pub team: Option<IdOnly>,
    #[serde(default)]
    pub channel: Option<IdOnly>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdOnly {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// What kind of conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
pub enum Scope {
    /// A 1:1 chat with the bot: no mention needed, no threads.
    Personal,
    /// A team's channel: the bot answers when mentioned, in the message's thread.
    Channel,
    /// A group chat: the bot answers when mentioned.
    GroupChat,
}

/// Where an activity happened, and so where its answer goes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Place {
    /// The Bot Connector that sent it (answers go back there).
    pub service_url: String,
    /// The conversation id without a thread: the configuration's `platform_id`.
    pub channel: String,
    /// The root message of the thread the answer joins (channels only).
    pub thread: Option<String>,
    /// The Microsoft Entra tenant.
    pub tenant: Option<String>,
    pub scope: Scope,
}

impl Place {
    /// The conversation id answers are posted to: the channel's, with the thread when
    /// there is one.
    pub fn conversation(&self) -> String {
        conversation_id(&self.channel, self.thread.as_deref())
    }
}

/// A conversation id for `channel`, in `thread` when given.
pub fn conversation_id(channel: &str, thread: Option<&str>) -> String {
    match thread {
        Some(t) => format!("{channel}{THREAD_MARK}{t}"),
        None => channel.to_string(),
    }
}

/// A user's turn: what the engine hears, and where it came from (kept in the store's inbox
/// until answered, so it is serializable).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Turn {
    /// The activity's id (de-duplication; a reply's `replyToId`).
    pub activity_id: String,
    pub place: Place,
    /// The user's AAD object id (else their Teams id).
    pub user: String,
    pub user_name: Option<String>,
    pub event: Event,
    /// For a card's submission: the activity id of the card it came from.
    pub card: Option<String>,
    /// Came as an `invoke` (Teams waits for an invoke response).
    pub invoke: bool,
}

impl Turn {
    /// The engine's event, with the configuration's workspace name.
    pub fn to_inbound(&self, workspace: &str) -> Inbound {
        Inbound {
            workspace: workspace.to_string(),
            channel: self.place.channel.clone(),
            thread: self.place.thread.clone(),
            user: self.user.clone(),
            user_name: self.user_name.clone(),
            event: self.event.clone(),
        }
    }
}

/// What an activity asks of us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Turn(Turn),
    /// The bot was added to a conversation.
    Added {
        place: Place,
        activity_id: String,
    },
    /// Nothing to do, and why (for the debug log).
    Ignored(&'static str),
}

/// Why an activity could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("the body is not a JSON activity: {0}")]
    Json(String),
    #[error("the activity has no `{0}`")]
    Missing(&'static str),
    #[error("the activity's text is {0} bytes, over the {MAX_TEXT} accepted")]
    TooLong(usize),
    #[error("a card submission could not be read: {0}")]
    Submission(#[from] SubmitError),
}

/// Reads an activity's JSON body (the token was checked before).
pub fn parse(body: &[u8]) -> Result<Activity, ActivityError> {
    serde_json::from_slice(body).map_err(|e| ActivityError::Json(e.to_string()))
}

impl Activity {
    /// What the activity asks of us.
    pub fn incoming(&self) -> Result<Incoming, ActivityError> {
        match self.kind.as_str() {
            "message" => self.message(),
            "invoke" if self.name.as_deref() == Some(EXECUTE_INVOKE) => self.execute(),
            "invoke" => Ok(Incoming::Ignored("an invoke other than a card action")),
            "conversationUpdate" => self.conversation_update(),
            _ => Ok(Incoming::Ignored(
                "an activity type the bot does not act on",
            )),
        }
    }

    fn place(&self) -> Result<Place, ActivityError> {
        let service_url = self
            .service_url
            .clone()
            .filter(|s| !s.trim().is_empty())
            .ok_or(ActivityError::Missing("serviceUrl"))?;
        let conversation = self
            .conversation
            .as_ref()
            .filter(|c| !c.id.is_empty())
            .ok_or(ActivityError::Missing("conversation.id"))?;
        let scope = match conversation.conversation_type.as_deref() {
            Some("channel") => Scope::Channel,
            Some("groupChat") => Scope::GroupChat,
            Some("personal") => Scope::Personal,
            // Older payloads: a channel's id has a thread part or `@thread`.
            _ if conversation.id.contains("@thread") => Scope::Channel,
            _ => Scope::Personal,
        };
        let (channel, thread) = match conversation.id.split_once(THREAD_MARK) {
            Some((c, t)) if !t.is_empty() => (c.to_string(), Some(t.to_string())),
            Some((c, _)) => (c.to_string(), None),
            None => (conversation.id.clone(), None),
        };
        // A new channel post starts its own thread: answers go under it.
        let thread = match (scope, thread) {
            (Scope::Channel, None) => self.id.clone(),
            (Scope::Channel, t) => t,
            _ => None,
        };
        let tenant = conversation.tenant_id.clone().or_else(|| {
            self.channel_data
                .as_ref()
                .and_then(|d| d.tenant.as_ref())
                .map(|t| t.id.clone())
        });
        Ok(Place {
            service_url,
            channel,
            thread,
            tenant,
            scope,
        })
    }

    fn user(&self) -> Result<(String, Option<String>), ActivityError> {
        let from = self
            .from
            .as_ref()
            .filter(|f| !f.id.is_empty())
            .ok_or(ActivityError::Missing("from.id"))?;
        let id = from
            .aad_object_id
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| from.id.clone());
        Ok((id, from.name.clone()))
    }

    fn activity_id(&self) -> Result<String, ActivityError> {
        self.id
            .clone()
            .filter(|i| !i.is_empty())
            .ok_or(ActivityError::Missing("id"))
    }

    fn sent_by_the_bot(&self) -> bool {
        match (&self.from, &self.recipient) {
            (Some(f), Some(r)) => !f.id.is_empty() && f.id == r.id,
            _ => false,
        }
    }

    fn message(&self) -> Result<Incoming, ActivityError> {
        if self.sent_by_the_bot() {
            return Ok(Incoming::Ignored("the bot's own message"));
        }
        let place = self.place()?;
        let (user, user_name) = self.user()?;
        let activity_id = self.activity_id()?;
        if let Some(value) = self.value.as_ref().filter(|v| v.is_object()) {
            let event = actions::read_submission(value)?;
            return Ok(Incoming::Turn(Turn {
                activity_id,
                place,
                user,
                user_name,
                event,
                card: self.reply_to_id.clone(),
                invoke: false,
            }));
        }
        let raw = self.text.as_deref().unwrap_or("");
        if raw.len() > MAX_TEXT {
            return Err(ActivityError::TooLong(raw.len()));
        }
        let bot = self.recipient.as_ref().map(|r| r.id.as_str()).unwrap_or("");
        let (text, mentioned) = without_bot_mention(raw, self.entities.as_deref(), bot);
        if place.scope != Scope::Personal && !mentioned {
            return Ok(Incoming::Ignored("a message that does not mention the bot"));
        }
        // "@aws" alone is an empty line, which the engine answers with help.
        let text = read_text(&text);
        Ok(Incoming::Turn(Turn {
            activity_id,
            place,
            user,
            user_name,
            event: Event::Text { text },
            card: None,
            invoke: false,
        }))
    }

    fn execute(&self) -> Result<Incoming, ActivityError> {
        let place = self.place()?;
        let (user, user_name) = self.user()?;
        let activity_id = self.activity_id()?;
        let value = self.value.as_ref().ok_or(ActivityError::Missing("value"))?;
        let event = actions::read_execute(value)?;
        Ok(Incoming::Turn(Turn {
            activity_id,
            place,
            user,
            user_name,
            event,
            card: self.reply_to_id.clone(),
            invoke: true,
        }))
    }

    fn conversation_update(&self) -> Result<Incoming, ActivityError> {
        let bot = self.recipient.as_ref().map(|r| r.id.as_str()).unwrap_or("");
        let added = self
            .members_added
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|m| !bot.is_empty() && m.id == bot);
        if !added {
            return Ok(Incoming::Ignored(
                "a membership change that does not add the bot",
            ));
        }
        let mut place = self.place()?;
        // A welcome starts its own thread, not one under the update.
        place.thread = None;
        Ok(Incoming::Added {
            place,
            activity_id: self.id.clone().unwrap_or_default(),
        })
    }
}

/// The text without the bot's mentions (`<at>Name</at>` of every `mention` entity naming
/// `bot`), and whether there was one.
fn without_bot_mention(text: &str, entities: Option<&[Value]>, bot: &str) -> (String, bool) {
    let mut out = text.to_string();
    let mut mentioned = false;
    for e in entities.unwrap_or_default() {
        if e.get("type").and_then(Value::as_str) != Some("mention") {
            continue;
        }
        let id = e.pointer("/mentioned/id").and_then(Value::as_str);
        if bot.is_empty() || id != Some(bot) {
            continue;
        }
        let marked = match e.get("text").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => match e.pointer("/mentioned/name").and_then(Value::as_str) {
                Some(n) => format!("<at>{n}</at>"),
                None => continue,
            },
        };
        if out.contains(&marked) {
            out = out.replacen(&marked, " ", 1);
            mentioned = true;
        }
    }
    (out, mentioned)
}

/// What the user typed, as the engine reads a line: Teams' HTML entities decoded (it sends
/// `&nbsp;` after a mention, `&lt;` for `<`), line breaks kept, surrounding space trimmed.
fn read_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("\r\n", "\n").trim().to_string()
}

/// The character an HTML entity's name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control() || *c == '\n' || *c == '\t')?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn channel_message(text: &str, mention: bool) -> Activity {
        let mut entities = vec![];
        if mention {
            entities.push(json!({"type":"mention","text":"<at>aws</at>","mentioned":{"id":"28:bot","name":"aws"}}));
        }
        serde_json::from_value(json!({
            "type": "message",
            "id": "1700000000001",
            "serviceUrl": "https://smba.example/amer/",
            "channelId": "msteams",
            "from": {"id": "29:user", "name": "Ana", "aadObjectId": "aad-ana"},
            "recipient": {"id": "28:bot", "name": "aws"},
            "conversation": {"id": "19:chan@thread.tacv2;messageid=1700000000000", "conversationType": "channel", "tenantId": "tid"},
            "text": text,
            "entities": entities,
        }))
        .unwrap()
    }

    #[test]
    fn a_mention_in_a_channel_thread_is_a_line_for_the_engine() {
        let a = channel_message(
            "\r\n<at>aws</at>&nbsp;lambda list-functions --query 'F[?x&lt;`2`]'\r\n",
            true,
        );
        let Incoming::Turn(t) = a.incoming().unwrap() else {
            panic!()
        };
        assert_eq!(
            t.event,
            Event::Text {
                text: "lambda list-functions --query 'F[?x<`2`]'".into()
            }
        );
        assert_eq!(t.place.channel, "19:chan@thread.tacv2");
        assert_eq!(t.place.thread.as_deref(), Some("1700000000000"));
        assert_eq!(
            t.place.conversation(),
            "19:chan@thread.tacv2;messageid=1700000000000"
        );
        assert_eq!(t.user, "aad-ana");
        assert_eq!(t.place.tenant.as_deref(), Some("tid"));
    }

    #[test]
    fn a_channel_message_without_the_bot_is_ignored() {
        let a = channel_message("lambda list-functions", false);
        assert!(matches!(a.incoming().unwrap(), Incoming::Ignored(_)));
        // Another user's mention is not the bot's.
        let mut a = channel_message("<at>Bob</at> hi", false);
        a.entities = Some(vec![
            json!({"type":"mention","text":"<at>Bob</at>","mentioned":{"id":"29:bob"}}),
        ]);
        assert!(matches!(a.incoming().unwrap(), Incoming::Ignored(_)));
    }

    #[test]
    fn a_personal_chat_needs_no_mention_and_has_no_thread() {
        let mut a = channel_message("s3 ls", false);
        a.conversation = Some(ConversationAccount {
            id: "a:personal".into(),
            conversation_type: Some("personal".into()),
            tenant_id: None,
        });
        let Incoming::Turn(t) = a.incoming().unwrap() else {
            panic!()
        };
        assert_eq!(t.place.scope, Scope::Personal);
        assert_eq!(t.place.thread, None);
        assert_eq!(
            t.event,
            Event::Text {
                text: "s3 ls".into()
            }
        );
    }

    #[test]
    fn a_new_channel_post_starts_its_own_thread() {
        let mut a = channel_message("<at>aws</at> help", true);
        a.conversation.as_mut().unwrap().id = "19:chan@thread.tacv2".into();
        let Incoming::Turn(t) = a.incoming().unwrap() else {
            panic!()
        };
        assert_eq!(t.place.thread.as_deref(), Some("1700000000001"));
    }

    #[test]
    fn the_bot_added_is_a_welcome_and_others_are_not() {
        let a: Activity = serde_json::from_value(json!({
            "type": "conversationUpdate", "id": "f:1", "serviceUrl": "https://smba.example/",
            "recipient": {"id": "28:bot"}, "membersAdded": [{"id": "28:bot"}],
            "conversation": {"id": "19:chan@thread.tacv2", "conversationType": "channel"}
        }))
        .unwrap();
        assert!(
            matches!(a.incoming().unwrap(), Incoming::Added { place, .. } if place.channel == "19:chan@thread.tacv2" && place.thread.is_none())
        );
        let mut b = a.clone();
        b.members_added = Some(vec![ChannelAccount {
            id: "29:someone".into(),
            ..ChannelAccount::default()
        }]);
        assert!(matches!(b.incoming().unwrap(), Incoming::Ignored(_)));
    }

    #[test]
    fn broken_activities_name_what_is_missing() {
        assert!(matches!(parse(b"{"), Err(ActivityError::Json(_))));
        let mut a = channel_message("<at>aws</at> help", true);
        a.service_url = None;
        assert_eq!(a.incoming(), Err(ActivityError::Missing("serviceUrl")));
        let mut a = channel_message("<at>aws</at> help", true);
        a.from = None;
        assert_eq!(a.incoming(), Err(ActivityError::Missing("from.id")));
        let a = channel_message(&format!("<at>aws</at> {}", "x".repeat(50_000)), true);
        assert!(matches!(a.incoming(), Err(ActivityError::TooLong(_))));
    }

    #[test]
    fn entities_decode_and_odd_ampersands_stay() {
        assert_eq!(
            read_text("a &amp;&amp; b &foo; &#x41;&#66; & c"),
            "a && b &foo; AB & c"
        );
        assert_eq!(read_text("&#0;x"), "&#0;x");
        assert_eq!(read_text("&"), "&");
    }
}
