//! Events API request bodies (`POST /slack/events`, already signature-checked), as Slack
//! sends them: `url_verification`, `event_callback` carrying `app_mention` or a direct
//! `message`, `app_uninstalled` / `tokens_revoked` (the app losing a team's token), and
//! `app_rate_limited`. Anything else is [`Envelope::Ignored`] with the reason,
//! never an error: Slack may add event types at any time.

use crate::json::{opt_str, req_str, Json, JsonError};
use engine::{Event, Inbound};
use serde_json::Value;

/// The bot's own identity, so it never answers itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotIdentity {
    /// The bot user's id (`U…`, from `auth.test`'s `user_id` or the install's `bot_user_id`).
    pub user_id: Option<String>,
    /// The bot's id (`B…`, from `auth.test`'s `bot_id`).
    pub bot_id: Option<String>,
}

/// One Events API request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Envelope {
    /// Slack checking the endpoint: answer `200` with this challenge (plain text or
    /// `{"challenge": …}`).
    UrlVerification { challenge: String },
    /// An event.
    Callback(Callback),
    /// Slack stopped sending events for a minute (more than 30,000 an hour): log it.
    RateLimited {
        team_id: String,
        minute_rate_limited: Option<i64>,
    },
    /// A body of another `type`; acknowledge it and do nothing.
    Ignored(String),
}

/// An `event_callback`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// Unique per event across retries: the key that makes a retried or duplicated delivery
    /// run once.
    pub event_id: String,
    /// The workspace the app is installed in (the engine's workspace).
    pub team_id: String,
    pub api_app_id: String,
    pub event_time: Option<i64>,
    pub event: SlackEvent,
}

/// The inner event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackEvent {
    /// `app_mention`: someone wrote `@bot …` in a channel.
    Mention(UserMessage),
    /// `message` with `channel_type: "im"`: someone wrote to the bot directly.
    DirectMessage(UserMessage),
    /// `app_uninstalled`: the app was removed from the team; its tokens no longer work.
    AppUninstalled,
    /// `tokens_revoked`: the user ids whose OAuth (user) tokens and bot tokens were revoked.
    TokensRevoked {
        oauth: Vec<String>,
        bot: Vec<String>,
    },
    /// Any other event, a bot's message, an edit, the bot's own message: the reason.
    Ignored(String),
}

/// A message a person wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    pub channel: String,
    pub user: String,
    /// The text as the user typed it ([`crate::text::from_slack`] applied); a leading
    /// `<@U…>` mention is kept (the engine strips it).
    pub text: String,
    /// The message's own timestamp (its id in the channel).
    pub ts: String,
    /// The thread it was written in, if any.
    pub thread_ts: Option<String>,
    /// The user's workspace when it differs from the app's (shared channels).
    pub user_team: Option<String>,
}

/// Why a body could not be read: the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error(transparent)]
    Shape(#[from] JsonError),
}

/// Parses one Events API request body.
pub fn parse(body: &[u8], bot: &BotIdentity) -> Result<Envelope, EventError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| EventError::NotJson(e.to_string()))?;
    let root = Json::root(&v)?;
    let kind = req_str(&root, "type")?;
    match kind {
        "url_verification" => Ok(Envelope::UrlVerification {
            challenge: req_str(&root, "challenge")?.to_string(),
        }),
        "app_rate_limited" => Ok(Envelope::RateLimited {
            team_id: req_str(&root, "team_id")?.to_string(),
            minute_rate_limited: root.get("minute_rate_limited").and_then(|m| m.v.as_i64()),
        }),
        "event_callback" => {
            let event = root.req_object("event")?;
            Ok(Envelope::Callback(Callback {
                event_id: req_str(&root, "event_id")?.to_string(),
                team_id: req_str(&root, "team_id")?.to_string(),
                api_app_id: req_str(&root, "api_app_id")?.to_string(),
                event_time: root.get("event_time").and_then(|t| t.v.as_i64()),
                event: parse_event(&event, bot)?,
            }))
        }
        other => Ok(Envelope::Ignored(format!("body type {other:?}"))),
    }
}

fn parse_event(e: &Json<'_>, bot: &BotIdentity) -> Result<SlackEvent, JsonError> {
    let kind = req_str(e, "type")?;
    if kind == "app_uninstalled" {
        return Ok(SlackEvent::AppUninstalled);
    }
    if kind == "tokens_revoked" {
        let list = |name: &str| -> Vec<String> {
            e.v.get("tokens")
                .and_then(|t| t.get(name))
                .and_then(serde_json::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|u| u.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        return Ok(SlackEvent::TokensRevoked {
            oauth: list("oauth"),
            bot: list("bot"),
        });
    }
    if kind != "app_mention" && kind != "message" {
        return Ok(SlackEvent::Ignored(format!("event type {kind:?}")));
    }
    if let Some(subtype) = opt_str(e, "subtype")? {
        return Ok(SlackEvent::Ignored(format!(
            "{kind} with subtype {subtype:?}"
        )));
    }
    if let Some(b) = opt_str(e, "bot_id")? {
        return Ok(SlackEvent::Ignored(format!("{kind} from bot {b:?}")));
    }
    if kind == "message" {
        match opt_str(e, "channel_type")? {
            Some("im") => {}
            Some(other) => {
                return Ok(SlackEvent::Ignored(format!(
                    "message in a {other:?} conversation (channels are answered on app_mention)"
                )))
            }
            None => {
                return Ok(SlackEvent::Ignored(
                    "message without channel_type".to_string(),
                ))
            }
        }
    }
    let user = req_str(e, "user")?;
    if bot.user_id.as_deref() == Some(user) {
        return Ok(SlackEvent::Ignored(format!("{kind} from the bot itself")));
    }
    let m = UserMessage {
        channel: req_str(e, "channel")?.to_string(),
        user: user.to_string(),
        text: crate::text::from_slack(opt_str(e, "text")?.unwrap_or("")),
        ts: req_str(e, "ts")?.to_string(),
        thread_ts: opt_str(e, "thread_ts")?.map(str::to_string),
        user_team: opt_str(e, "user_team")?
            .or(opt_str(e, "team")?)
            .map(str::to_string),
    };
    Ok(if kind == "app_mention" {
        SlackEvent::Mention(m)
    } else {
        SlackEvent::DirectMessage(m)
    })
}

impl Callback {
    /// The engine event for a mention or direct message; `None` for ignored events.
    /// The workspace is the app's team id; the thread is the message's thread, or the
    /// message itself so the reply starts a thread under it (in channels and DMs alike:
    /// prompts and confirmations then stay together).
    pub fn to_inbound(&self) -> Option<Inbound> {
        let m = match &self.event {
            SlackEvent::Mention(m) | SlackEvent::DirectMessage(m) => m,
            SlackEvent::AppUninstalled
            | SlackEvent::TokensRevoked { .. }
            | SlackEvent::Ignored(_) => return None,
        };
        Some(Inbound {
            workspace: self.team_id.clone(),
            channel: m.channel.clone(),
            thread: Some(m.thread_ts.clone().unwrap_or_else(|| m.ts.clone())),
            user: m.user.clone(),
            user_name: None,
            event: Event::Text {
                text: m.text.clone(),
            },
        })
    }
}

/// Slack's retry headers: `X-Slack-Retry-Num` (1, 2, 3) and `X-Slack-Retry-Reason`
/// (`http_timeout`, `http_error`, `too_many_requests`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    pub num: u32,
    pub reason: Option<String>,
}

/// Header names, lower case.
pub const RETRY_NUM_HEADER: &str = "x-slack-retry-num";
pub const RETRY_REASON_HEADER: &str = "x-slack-retry-reason";

/// Reads the retry headers: `None` for a first delivery (or an unreadable number, which
/// is treated as a first delivery: de-duplication by `event_id` protects either way).
pub fn retry(num: Option<&str>, reason: Option<&str>) -> Option<Retry> {
    let num = num?.trim().parse::<u32>().ok()?;
    Some(Retry {
        num,
        reason: reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(64).collect()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn bot() -> BotIdentity {
        BotIdentity {
            user_id: Some("U0LAN0Z89".into()),
            bot_id: Some("B0BOT".into()),
        }
    }

    #[test]
    fn url_verification() {
        assert_eq!(
            parse(&fixture("url_verification.json"), &bot()).unwrap(),
            Envelope::UrlVerification {
                challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P".into()
            }
        );
    }

    #[test]
    fn app_mention_becomes_threaded_text() {
        let Envelope::Callback(cb) = parse(&fixture("app_mention.json"), &bot()).unwrap() else {
            panic!("not a callback")
        };
        assert_eq!(cb.event_id, "Ev123ABC456");
        assert_eq!(cb.team_id, "T123ABC456");
        assert_eq!(cb.api_app_id, "A123ABC456");
        assert_eq!(cb.event_time, Some(1515449522));
        let inbound = cb.to_inbound().unwrap();
        assert_eq!(
            inbound,
            Inbound {
                workspace: "T123ABC456".into(),
                channel: "C123ABC456".into(),
                thread: Some("1515449522.000016".into()),
                user: "U061F7AUR".into(),
                user_name: None,
                event: Event::Text {
                    text: "<@U0LAN0Z89> ec2 describe-instances --filters Name=tag:env,Values=a&b"
                        .into()
                },
            }
        );
        assert_eq!(
            engine::text::strip_mention(match &inbound.event {
                Event::Text { text } => text,
                _ => unreachable!(),
            }),
            "ec2 describe-instances --filters Name=tag:env,Values=a&b"
        );
    }

    #[test]
    fn mention_in_a_thread_replies_in_that_thread() {
        let Envelope::Callback(cb) = parse(&fixture("app_mention_thread.json"), &bot()).unwrap()
        else {
            panic!()
        };
        let i = cb.to_inbound().unwrap();
        assert_eq!(i.thread.as_deref(), Some("1700000000.000100"));
        assert_eq!(
            i.event,
            Event::Text {
                text: "<@U0LAN0Z89> s3 ls example.com".into()
            }
        );
    }

    #[test]
    fn direct_message_without_mention() {
        let Envelope::Callback(cb) = parse(&fixture("message_im.json"), &bot()).unwrap() else {
            panic!()
        };
        assert!(matches!(cb.event, SlackEvent::DirectMessage(_)));
        let i = cb.to_inbound().unwrap();
        assert_eq!(i.channel, "D024BE91L");
        assert_eq!(i.user, "U2147483697");
        assert_eq!(i.thread.as_deref(), Some("1355517523.000005"));
        assert_eq!(
            i.event,
            Event::Text {
                text: "sts get-caller-identity".into()
            }
        );
    }

    #[test]
    fn bots_edits_channels_and_self_are_ignored() {
        for (name, why) in [
            ("message_im_bot.json", "from bot"),
            ("message_changed.json", "subtype \"message_changed\""),
            ("message_bot_message.json", "subtype \"bot_message\""),
            ("message_channel.json", "\"channel\" conversation"),
            ("message_im_self.json", "the bot itself"),
            ("reaction_added.json", "event type \"reaction_added\""),
        ] {
            let Envelope::Callback(cb) = parse(&fixture(name), &bot()).unwrap() else {
                panic!("{name}")
            };
            match &cb.event {
                SlackEvent::Ignored(reason) => assert!(reason.contains(why), "{name}: {reason}"),
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(cb.to_inbound(), None);
        }
    }

    #[test]
    fn other_bodies() {
        assert_eq!(
            parse(&fixture("app_rate_limited.json"), &bot()).unwrap(),
            Envelope::RateLimited {
                team_id: "T123456".into(),
                minute_rate_limited: Some(1518467820)
            }
        );
        assert_eq!(
            parse(br#"{"type":"something_new"}"#, &bot()).unwrap(),
            Envelope::Ignored("body type \"something_new\"".into())
        );
    }

    #[test]
    fn hostile_bodies_get_errors_naming_the_field() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "not JSON"),
            (b"{", "not JSON"),
            (b"[1]", "the body: expected an object"),
            (b"{}", "type: missing"),
            (br#"{"type":7}"#, "type: expected a string"),
            (br#"{"type":"url_verification"}"#, "challenge: missing"),
            (br#"{"type":"event_callback","event_id":"E","team_id":"T","api_app_id":"A"}"#, "event: missing"),
            (br#"{"type":"event_callback","event_id":"E","team_id":"T","api_app_id":"A","event":[]}"#, "event: expected an object"),
            (br#"{"type":"event_callback","event_id":"E","team_id":"T","api_app_id":"A","event":{"type":"app_mention","text":"hi","ts":"1.2","channel":"C"}}"#, "event.user: missing"),
            (br#"{"type":"event_callback","event_id":"E","team_id":"T","api_app_id":"A","event":{"type":"app_mention","user":"U1","text":"hi","ts":1.2,"channel":"C"}}"#, "event.ts: expected a string"),
            (br#"{"type":"event_callback","team_id":"T","api_app_id":"A","event":{"type":"app_mention"}}"#, "event_id: missing"),
        ];
        for (body, want) in cases {
            let err = parse(body, &bot()).unwrap_err().to_string();
            assert!(
                err.contains(want),
                "{:?}: {err}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn uninstall_and_revocation() {
        let body = br#"{"type":"event_callback","event_id":"Ev1","team_id":"T1","api_app_id":"A1","event":{"type":"app_uninstalled"}}"#;
        let Envelope::Callback(cb) = parse(body, &bot()).unwrap() else {
            panic!()
        };
        assert_eq!(cb.event, SlackEvent::AppUninstalled);
        assert_eq!(cb.to_inbound(), None);
        let body = br#"{"type":"event_callback","event_id":"Ev2","team_id":"T1","api_app_id":"A1","event":{"type":"tokens_revoked","tokens":{"oauth":["U1"],"bot":["U0BOT",7]}}}"#;
        let Envelope::Callback(cb) = parse(body, &bot()).unwrap() else {
            panic!()
        };
        assert_eq!(
            cb.event,
            SlackEvent::TokensRevoked {
                oauth: vec!["U1".into()],
                bot: vec!["U0BOT".into()]
            }
        );
        let body = br#"{"type":"event_callback","event_id":"Ev3","team_id":"T1","api_app_id":"A1","event":{"type":"tokens_revoked"}}"#;
        let Envelope::Callback(cb) = parse(body, &bot()).unwrap() else {
            panic!()
        };
        assert_eq!(
            cb.event,
            SlackEvent::TokensRevoked {
                oauth: vec![],
                bot: vec![]
            }
        );
    }

    #[test]
    fn retry_headers() {
        assert_eq!(retry(None, None), None);
        assert_eq!(
            retry(Some("1"), Some("http_timeout")),
            Some(Retry {
                num: 1,
                reason: Some("http_timeout".into())
            })
        );
        assert_eq!(
            retry(Some(" 3 "), Some("")),
            Some(Retry {
                num: 3,
                reason: None
            })
        );
        assert_eq!(retry(Some("x"), Some("http_error")), None);
    }
}
