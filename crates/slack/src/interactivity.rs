//! Interactivity (`POST /slack/interactivity`, form field `payload=` holding JSON) and slash
//! commands (`POST /slack/commands`, form fields), already signature-checked.
//!
//! `block_actions` → [`Event::Action`] (or a request to open a form's modal), `view_submission`
//! → [`Event::Form`], a slash command → [`Event::Text`]. How the engine's action, value and
//! message id travel in Slack's `action_id`, `value` and `block_id` is described in
//! [`crate::ids`].

use crate::ids::{self, FormOrigin};
use crate::json::{opt_str, req_str, Json, JsonError};
use engine::{Event, Inbound};
use serde_json::Value;

/// Why a request could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InteractionError {
    #[error("form field {0:?} is missing")]
    MissingField(&'static str),
    #[error("form field {0:?} appears more than once")]
    DuplicateField(String),
    #[error("the payload is not JSON: {0}")]
    NotJson(String),
    #[error(transparent)]
    Shape(#[from] JsonError),
    #[error("{0}: no value was chosen (a menu was cleared)")]
    NoValue(String),
    #[error("{0}: unsupported element type {1:?}")]
    UnsupportedElement(String, String),
    #[error("unknown or expired handle {0:?}: the long value it stood for is no longer stored")]
    UnknownHandle(String),
    #[error("view.private_metadata: {0}")]
    BadMetadata(String),
    #[error(
        "view.private_metadata names workspace {metadata:?} but the request comes from {team:?}"
    )]
    WorkspaceMismatch { metadata: String, team: String },
    #[error("this action opens a form; it is not sent to the engine")]
    NotForEngine,
}

/// One interactivity request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interaction {
    BlockActions(BlockActions),
    ViewSubmission(ViewSubmission),
    /// Another payload type (`view_closed`, `shortcut`, `message_action`, …): the reason.
    Ignored(String),
}

/// A button pressed or a menu option chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockActions {
    pub team_id: String,
    pub user_id: String,
    pub api_app_id: Option<String>,
    /// Where the message with the control is (absent for controls in modals).
    pub channel_id: Option<String>,
    /// Slack's id of that message (`container.message_ts`, else `message.ts`): what
    /// `chat.update` needs.
    pub message_ts: Option<String>,
    /// The thread that message is in, if any.
    pub thread_ts: Option<String>,
    /// Ephemeral messages cannot be `chat.update`d: use `response_url`.
    pub is_ephemeral: bool,
    /// Replaces or answers the message for 30 minutes (5 uses).
    pub response_url: Option<String>,
    /// Opens a modal (`views.open`) within 3 seconds.
    pub trigger_id: String,
    /// The first (in practice the only) action.
    pub action: SlackAction,
}

/// `actions[0]` as Slack sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackAction {
    /// The element type: `button`, `static_select`, …
    pub kind: String,
    pub action_id: String,
    pub block_id: Option<String>,
    /// `value` of a button, `selected_option.value` of a menu; `None` when a menu was
    /// cleared.
    pub value: Option<String>,
}

/// What a `block_actions` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An engine action: becomes [`Event::Action`].
    Engine {
        message: Option<String>,
        action: String,
        value: String,
    },
    /// The button that opens a form: open the modal stored under `key`
    /// ([`crate::blocks::Modal::key`]) with `views.open` and this request's `trigger_id`.
    OpenForm { key: String },
}

/// A modal submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSubmission {
    pub team_id: String,
    pub user_id: String,
    pub view_id: String,
    pub callback_id: String,
    pub private_metadata: String,
    pub trigger_id: Option<String>,
    /// `(block_id, action_id, value)` for every input, in the view's order; `None` for an
    /// empty optional input.
    pub values: Vec<(String, String, Option<String>)>,
}

/// A slash command (`/aws ec2 describe-instances`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub command: String,
    /// What the user typed after the command, [`crate::text::from_slack`] applied.
    pub text: String,
    pub user_id: String,
    pub channel_id: String,
    pub team_id: String,
    pub enterprise_id: Option<String>,
    pub api_app_id: Option<String>,
    pub response_url: Option<String>,
    pub trigger_id: Option<String>,
}

fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn single<'a>(
    fields: &'a [(String, String)],
    name: &'static str,
) -> Result<Option<&'a str>, InteractionError> {
    let mut found = fields.iter().filter(|(k, _)| k == name);
    let first = found.next().map(|(_, v)| v.as_str());
    if found.next().is_some() {
        return Err(InteractionError::DuplicateField(name.to_string()));
    }
    Ok(first)
}

fn required<'a>(
    fields: &'a [(String, String)],
    name: &'static str,
) -> Result<&'a str, InteractionError> {
    single(fields, name)?.ok_or(InteractionError::MissingField(name))
}

/// Parses an interactivity request body (`application/x-www-form-urlencoded`, `payload=`).
pub fn parse(body: &[u8]) -> Result<Interaction, InteractionError> {
    let fields = form_fields(body);
    parse_payload(required(&fields, "payload")?)
}

/// Parses the JSON of an interactivity payload (as Socket Mode delivers it).
pub fn parse_payload(payload: &str) -> Result<Interaction, InteractionError> {
    let v: Value =
        serde_json::from_str(payload).map_err(|e| InteractionError::NotJson(e.to_string()))?;
    parse_value(&v)
}

/// Parses an interactivity payload already decoded as JSON.
pub fn parse_value(v: &Value) -> Result<Interaction, InteractionError> {
    let root = Json::root(v)?;
    match req_str(&root, "type")? {
        "block_actions" => Ok(Interaction::BlockActions(block_actions(&root)?)),
        "view_submission" => Ok(Interaction::ViewSubmission(view_submission(&root)?)),
        other => Ok(Interaction::Ignored(format!("payload type {other:?}"))),
    }
}

fn team_id(root: &Json<'_>) -> Result<String, InteractionError> {
    // `team` is null for org-wide installs; the user's team is the next best.
    if let Some(team) = root.opt_object("team")? {
        return Ok(req_str(&team, "id")?.to_string());
    }
    let user = root.req_object("user")?;
    match opt_str(&user, "team_id")? {
        Some(t) => Ok(t.to_string()),
        None => Err(root.missing("team").into()),
    }
}

fn block_actions(root: &Json<'_>) -> Result<BlockActions, InteractionError> {
    let user = root.req_object("user")?;
    let container = root.opt_object("container")?;
    let message = root.opt_object("message")?;
    let channel = root.opt_object("channel")?;
    let actions = root.req_array("actions")?;
    let first = actions.first().ok_or_else(|| JsonError {
        path: "actions".into(),
        problem: "expected at least one action, found none".into(),
    })?;
    if !first.v.is_object() {
        return Err(first.wrong("an object").into());
    }
    let kind = req_str(first, "type")?.to_string();
    let value = match kind.as_str() {
        "button" => Some(req_str(first, "value")?.to_string()),
        "static_select" | "external_select" | "overflow" | "radio_buttons" => {
            match first.opt_object("selected_option")? {
                Some(o) => Some(req_str(&o, "value")?.to_string()),
                None => None,
            }
        }
        other => {
            return Err(InteractionError::UnsupportedElement(
                first.path.clone(),
                other.to_string(),
            ))
        }
    };
    let str_in = |j: &Option<Json<'_>>, key: &str| -> Result<Option<String>, JsonError> {
        match j {
            Some(j) => Ok(opt_str(j, key)?.map(str::to_string)),
            None => Ok(None),
        }
    };
    let is_ephemeral = container
        .as_ref()
        .and_then(|c| c.get("is_ephemeral"))
        .and_then(|e| e.v.as_bool())
        .unwrap_or(false);
    Ok(BlockActions {
        team_id: team_id(root)?,
        user_id: req_str(&user, "id")?.to_string(),
        api_app_id: opt_str(root, "api_app_id")?.map(str::to_string),
        channel_id: match str_in(&channel, "id")? {
            Some(c) => Some(c),
            None => str_in(&container, "channel_id")?,
        },
        message_ts: match str_in(&container, "message_ts")? {
            Some(ts) => Some(ts),
            None => str_in(&message, "ts")?,
        },
        thread_ts: match str_in(&message, "thread_ts")? {
            Some(ts) => Some(ts),
            None => str_in(&container, "thread_ts")?,
        },
        is_ephemeral,
        response_url: opt_str(root, "response_url")?.map(str::to_string),
        trigger_id: req_str(root, "trigger_id")?.to_string(),
        action: SlackAction {
            kind,
            action_id: req_str(first, "action_id")?.to_string(),
            block_id: opt_str(first, "block_id")?.map(str::to_string),
            value,
        },
    })
}

fn input_value(el: &Json<'_>) -> Result<Option<String>, InteractionError> {
    let kind = req_str(el, "type")?;
    Ok(match kind {
        "plain_text_input" | "number_input" | "email_text_input" | "url_text_input" => {
            opt_str(el, "value")?.map(str::to_string)
        }
        "static_select" | "external_select" | "radio_buttons" => {
            match el.opt_object("selected_option")? {
                Some(o) => Some(req_str(&o, "value")?.to_string()),
                None => None,
            }
        }
        "datepicker" => opt_str(el, "selected_date")?.map(str::to_string),
        "timepicker" => opt_str(el, "selected_time")?.map(str::to_string),
        other => {
            return Err(InteractionError::UnsupportedElement(
                el.path.clone(),
                other.to_string(),
            ))
        }
    })
}

fn view_submission(root: &Json<'_>) -> Result<ViewSubmission, InteractionError> {
    let user = root.req_object("user")?;
    let view = root.req_object("view")?;
    let mut values = Vec::new();
    if let Some(state) = view.opt_object("state")? {
        if let Some(vals) = state.opt_object("values")? {
            for (block_id, block) in vals.entries()? {
                for (action_id, el) in block.entries()? {
                    if !el.v.is_object() {
                        return Err(el.wrong("an object").into());
                    }
                    values.push((
                        block_id.to_string(),
                        action_id.to_string(),
                        input_value(&el)?,
                    ));
                }
            }
        }
    }
    Ok(ViewSubmission {
        team_id: team_id(root)?,
        user_id: req_str(&user, "id")?.to_string(),
        view_id: req_str(&view, "id")?.to_string(),
        callback_id: req_str(&view, "callback_id")?.to_string(),
        private_metadata: opt_str(&view, "private_metadata")?
            .unwrap_or("")
            .to_string(),
        trigger_id: opt_str(root, "trigger_id")?.map(str::to_string),
        values,
    })
}

fn resolve(
    value: &str,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<String, InteractionError> {
    ids::resolve_with(value, lookup).ok_or_else(|| InteractionError::UnknownHandle(value.into()))
}

impl BlockActions {
    /// What the action asks for, long values resolved through `lookup` (the stored
    /// [`crate::ids::Handles`]).
    pub fn target(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Target, InteractionError> {
        let action = resolve(ids::action_of(&self.action.action_id), &lookup)?;
        let value = self
            .action
            .value
            .as_deref()
            .ok_or_else(|| InteractionError::NoValue(self.action.action_id.clone()))?;
        if action == ids::OPEN_FORM_ACTION {
            return Ok(Target::OpenForm {
                key: value.to_string(),
            });
        }
        let message = match self.action.block_id.as_deref().and_then(ids::message_of) {
            Some(m) => Some(resolve(m, &lookup)?),
            None => None,
        };
        Ok(Target::Engine {
            message,
            action,
            value: resolve(value, &lookup)?,
        })
    }

    /// The engine event: the message's thread (or the message itself, so answers thread
    /// under it), the engine's message id from our `block_id`.
    pub fn to_inbound(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Inbound, InteractionError> {
        let Target::Engine {
            message,
            action,
            value,
        } = self.target(lookup)?
        else {
            return Err(InteractionError::NotForEngine);
        };
        Ok(Inbound {
            workspace: self.team_id.clone(),
            channel: self.channel_id.clone().ok_or_else(|| {
                InteractionError::Shape(JsonError {
                    path: "channel".into(),
                    problem: "missing (an action outside a conversation)".into(),
                })
            })?,
            thread: self.thread_ts.clone().or_else(|| self.message_ts.clone()),
            user: self.user_id.clone(),
            user_name: None,
            event: Event::Action {
                message,
                action,
                value,
            },
        })
    }
}

impl ViewSubmission {
    /// Where the form was shown, from `private_metadata`.
    pub fn origin(&self) -> Result<FormOrigin, InteractionError> {
        let o: FormOrigin = serde_json::from_str(&self.private_metadata)
            .map_err(|e| InteractionError::BadMetadata(e.to_string()))?;
        if o.workspace != self.team_id {
            return Err(InteractionError::WorkspaceMismatch {
                metadata: o.workspace,
                team: self.team_id.clone(),
            });
        }
        Ok(o)
    }

    /// The engine event: `Event::Form` with the form's action (the `callback_id`) and one
    /// `(field name, value)` per filled input (empty optional inputs are left out).
    pub fn to_inbound(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Inbound, InteractionError> {
        let origin = self.origin()?;
        let mut values = Vec::new();
        for (block_id, _action_id, value) in &self.values {
            if let Some(v) = value {
                values.push((resolve(block_id, &lookup)?, resolve(v, &lookup)?));
            }
        }
        Ok(Inbound {
            workspace: origin.workspace,
            channel: origin.channel,
            thread: origin.thread,
            user: self.user_id.clone(),
            user_name: None,
            event: Event::Form {
                message: origin.message,
                action: resolve(&self.callback_id, &lookup)?,
                values,
            },
        })
    }
}

/// Parses a slash command request body.
pub fn parse_slash_command(body: &[u8]) -> Result<SlashCommand, InteractionError> {
    slash_command(form_fields(body))
}

/// Parses a slash command delivered as JSON (a Socket Mode `slash_commands` envelope's
/// `payload`: the same fields as the form).
pub fn parse_slash_command_value(v: &Value) -> Result<SlashCommand, InteractionError> {
    let root = Json::root(v)?;
    let mut fields = Vec::new();
    for (k, f) in root.entries()? {
        match f.v {
            Value::String(s) => fields.push((k.to_string(), s.clone())),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
            _ => return Err(f.wrong("a string").into()),
        }
    }
    slash_command(fields)
}

fn slash_command(f: Vec<(String, String)>) -> Result<SlashCommand, InteractionError> {
    let opt = |name: &'static str| -> Result<Option<String>, InteractionError> {
        Ok(single(&f, name)?
            .filter(|v| !v.is_empty())
            .map(str::to_string))
    };
    let nonempty = |name: &'static str| -> Result<String, InteractionError> {
        opt(name)?.ok_or(InteractionError::MissingField(name))
    };
    Ok(SlashCommand {
        command: nonempty("command")?,
        text: crate::text::from_slack(single(&f, "text")?.unwrap_or("")),
        user_id: nonempty("user_id")?,
        channel_id: nonempty("channel_id")?,
        team_id: nonempty("team_id")?,
        enterprise_id: opt("enterprise_id")?,
        api_app_id: opt("api_app_id")?,
        response_url: opt("response_url")?,
        trigger_id: opt("trigger_id")?,
    })
}

impl SlashCommand {
    /// The engine event: the text after the command, in the channel (no thread: the reply
    /// starts one).
    pub fn to_inbound(&self) -> Inbound {
        Inbound {
            workspace: self.team_id.clone(),
            channel: self.channel_id.clone(),
            thread: None,
            user: self.user_id.clone(),
            user_name: None,
            event: Event::Text {
                text: self.text.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The body Slack posts: the JSON form-encoded in `payload`.
    fn form(json: &str) -> Vec<u8> {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", json)
            .finish()
            .into_bytes()
    }

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn button_press_becomes_an_engine_action() {
        let Interaction::BlockActions(a) =
            parse(&form(&fixture("block_actions_button.json"))).unwrap()
        else {
            panic!()
        };
        assert_eq!(a.team_id, "T9TK3CUKW");
        assert_eq!(a.user_id, "U123456789");
        assert_eq!(a.channel_id.as_deref(), Some("C123456789"));
        assert_eq!(a.message_ts.as_deref(), Some("1548261231.000200"));
        assert_eq!(a.thread_ts.as_deref(), Some("1548261200.000100"));
        assert!(!a.is_ephemeral);
        assert_eq!(
            a.response_url.as_deref(),
            Some("https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209")
        );
        assert_eq!(
            a.trigger_id,
            "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3"
        );
        assert_eq!(a.action.kind, "button");
        assert_eq!(
            a.to_inbound(none).unwrap(),
            Inbound {
                workspace: "T9TK3CUKW".into(),
                channel: "C123456789".into(),
                thread: Some("1548261200.000100".into()),
                user: "U123456789".into(),
                user_name: None,
                event: Event::Action {
                    message: Some("m00c0ffee00c0ffee0000beef".into()),
                    action: "run".into(),
                    value: "p42".into(),
                },
            }
        );
    }

    #[test]
    fn menu_choice_on_an_ephemeral_message() {
        let Interaction::BlockActions(a) =
            parse(&form(&fixture("block_actions_select_ephemeral.json"))).unwrap()
        else {
            panic!()
        };
        assert!(a.is_ephemeral);
        assert_eq!(a.message_ts.as_deref(), Some("1548261299.000300"));
        let i = a.to_inbound(none).unwrap();
        assert_eq!(i.thread.as_deref(), Some("1548261200.000100"));
        assert_eq!(
            i.event,
            Event::Action {
                message: Some("m00c0ffee00c0ffee0000beef".into()),
                action: "param".into(),
                value: "p42|t3.micro".into(),
            }
        );
    }

    #[test]
    fn handles_resolve_or_fail_clearly() {
        let json = fixture("block_actions_button.json").replace(
            "\"value\": \"p42\",\n            \"style\"",
            "\"value\": \"#h:abc\",\n            \"style\"",
        );
        let Interaction::BlockActions(a) = parse(&form(&json)).unwrap() else {
            panic!()
        };
        assert_eq!(a.action.value.as_deref(), Some("#h:abc"));
        assert_eq!(
            a.to_inbound(none),
            Err(InteractionError::UnknownHandle("#h:abc".into()))
        );
        let i = a
            .to_inbound(|k| (k == "#h:abc").then(|| "p42|a-very-long-value".to_string()))
            .unwrap();
        assert!(matches!(i.event, Event::Action { value, .. } if value == "p42|a-very-long-value"));
    }

    #[test]
    fn cleared_menu_and_foreign_blocks() {
        let mut v: Value =
            serde_json::from_str(&fixture("block_actions_select_ephemeral.json")).unwrap();
        v["actions"][0]["selected_option"] = Value::Null;
        let Interaction::BlockActions(a) = parse_value(&v).unwrap() else {
            panic!()
        };
        assert_eq!(a.action.value, None);
        assert!(matches!(
            a.to_inbound(none),
            Err(InteractionError::NoValue(_))
        ));
        // A block id Slack generated (not ours): no engine message.
        let mut v: Value = serde_json::from_str(&fixture("block_actions_button.json")).unwrap();
        v["actions"][0]["block_id"] = "=qXel".into();
        let Interaction::BlockActions(a) = parse_value(&v).unwrap() else {
            panic!()
        };
        assert!(matches!(
            a.to_inbound(none).unwrap().event,
            Event::Action { message: None, .. }
        ));
    }

    #[test]
    fn view_submission_becomes_a_form() {
        let Interaction::ViewSubmission(s) =
            parse(&form(&fixture("view_submission.json"))).unwrap()
        else {
            panic!()
        };
        assert_eq!(s.view_id, "V123ABC456");
        assert_eq!(s.callback_id, "support_case");
        assert_eq!(s.values.len(), 3);
        assert_eq!(
            s.to_inbound(none).unwrap(),
            Inbound {
                workspace: "T123ABC456".into(),
                channel: "C0123CHAN".into(),
                thread: Some("1700000000.000100".into()),
                user: "U123ABC456".into(),
                user_name: None,
                event: Event::Form {
                    message: Some("m00c0ffee00c0ffee0000beef".into()),
                    action: "support_case".into(),
                    values: vec![
                        ("subject".into(), "EC2 instance unreachable".into()),
                        ("severity".into(), "high".into()),
                    ],
                },
            }
        );
    }

    #[test]
    fn view_metadata_is_checked() {
        let base: Value = serde_json::from_str(&fixture("view_submission.json")).unwrap();
        let mut v = base.clone();
        v["view"]["private_metadata"] = "not json".into();
        let Interaction::ViewSubmission(s) = parse_value(&v).unwrap() else {
            panic!()
        };
        assert!(matches!(
            s.to_inbound(none),
            Err(InteractionError::BadMetadata(_))
        ));
        let mut v = base;
        v["view"]["private_metadata"] = r#"{"w":"T0OTHER","c":"C1"}"#.into();
        let Interaction::ViewSubmission(s) = parse_value(&v).unwrap() else {
            panic!()
        };
        assert!(matches!(
            s.to_inbound(none),
            Err(InteractionError::WorkspaceMismatch { .. })
        ));
    }

    #[test]
    fn other_payloads_are_ignored() {
        assert_eq!(
            parse(&form(&fixture("view_closed.json"))).unwrap(),
            Interaction::Ignored("payload type \"view_closed\"".into())
        );
    }

    #[test]
    fn hostile_payloads_get_errors_naming_the_field() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "form field \"payload\" is missing"),
            (b"payload=1&payload=2", "appears more than once"),
            (b"payload=%7B", "not JSON"),
            (b"payload=%5B%5D", "the body: expected an object"),
            (b"payload=%7B%7D", "type: missing"),
        ];
        for (body, want) in cases {
            let err = parse(body).unwrap_err().to_string();
            assert!(
                err.contains(want),
                "{:?}: {err}",
                String::from_utf8_lossy(body)
            );
        }
        let base: Value = serde_json::from_str(&fixture("block_actions_button.json")).unwrap();
        type Mutation = Box<dyn Fn(&mut Value)>;
        let mutations: Vec<(&str, Mutation, &str)> = vec![
            (
                "no actions",
                Box::new(|v| v["actions"] = Value::Array(vec![])),
                "actions: expected at least one",
            ),
            (
                "actions not array",
                Box::new(|v| v["actions"] = "x".into()),
                "actions: expected an array",
            ),
            (
                "action not object",
                Box::new(|v| v["actions"][0] = 5.into()),
                "actions[0]: expected an object",
            ),
            (
                "no action_id",
                Box::new(|v| {
                    v["actions"][0].as_object_mut().unwrap().remove("action_id");
                }),
                "actions[0].action_id: missing",
            ),
            (
                "button without value",
                Box::new(|v| {
                    v["actions"][0].as_object_mut().unwrap().remove("value");
                }),
                "actions[0].value: missing",
            ),
            (
                "datepicker",
                Box::new(|v| v["actions"][0]["type"] = "datepicker".into()),
                "unsupported element type \"datepicker\"",
            ),
            (
                "user not object",
                Box::new(|v| v["user"] = "U1".into()),
                "user: expected an object",
            ),
            (
                "no trigger",
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("trigger_id");
                }),
                "trigger_id: missing",
            ),
            (
                "no team",
                Box::new(|v| {
                    v.as_object_mut().unwrap().remove("team");
                    v["user"].as_object_mut().unwrap().remove("team_id");
                }),
                "team: missing",
            ),
            (
                "ts number",
                Box::new(|v| v["container"]["message_ts"] = 1.5.into()),
                "container.message_ts: expected a string",
            ),
        ];
        for (name, mutate, want) in mutations {
            let mut v = base.clone();
            mutate(&mut v);
            let err = parse_value(&v).unwrap_err().to_string();
            assert!(err.contains(want), "{name}: {err}");
        }
        let base: Value = serde_json::from_str(&fixture("view_submission.json")).unwrap();
        let mut v = base.clone();
        v["view"]["state"]["values"]["subject"]["value"]["type"] = "checkboxes".into();
        let err = parse_value(&v).unwrap_err().to_string();
        assert!(
            err.contains("view.state.values.subject.value: unsupported element type"),
            "{err}"
        );
        let mut v = base;
        v["view"]["state"]["values"]["subject"] = 3.into();
        let err = parse_value(&v).unwrap_err().to_string();
        assert!(
            err.contains("view.state.values.subject: expected an object"),
            "{err}"
        );
    }

    #[test]
    fn slash_command() {
        let c = parse_slash_command(fixture("slash_command.txt").as_bytes()).unwrap();
        assert_eq!(c.command, "/aws");
        assert_eq!(
            c.text,
            "ec2 describe-instances --filters Name=tag:env,Values=a&b"
        );
        assert_eq!(c.enterprise_id.as_deref(), Some("E0001"));
        assert_eq!(
            c.trigger_id.as_deref(),
            Some("13345224609.738474920.8088930838d88f008e0")
        );
        assert_eq!(
            c.response_url.as_deref(),
            Some("https://hooks.slack.com/commands/1234/5678")
        );
        assert_eq!(
            c.to_inbound(),
            Inbound {
                workspace: "T0001".into(),
                channel: "C2147483705".into(),
                thread: None,
                user: "U2147483697".into(),
                user_name: None,
                event: Event::Text {
                    text: "ec2 describe-instances --filters Name=tag:env,Values=a&b".into()
                },
            }
        );
        for (body, want) in [
            ("", "\"command\" is missing"),
            (
                "command=%2Faws&user_id=U1&channel_id=C1",
                "\"team_id\" is missing",
            ),
            (
                "command=%2Faws&user_id=U1&channel_id=C1&team_id=",
                "\"team_id\" is missing",
            ),
            (
                "command=%2Faws&command=%2Fx",
                "\"command\" appears more than once",
            ),
        ] {
            let err = parse_slash_command(body.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{body}: {err}");
        }
        let c = parse_slash_command(b"command=%2Faws&user_id=U1&channel_id=D1&team_id=T1").unwrap();
        assert_eq!(c.text, "");
        let v = serde_json::json!({"command": "/aws", "text": "s3 ls", "user_id": "U1",
            "channel_id": "C1", "team_id": "T1", "is_enterprise_install": "false"});
        assert_eq!(
            parse_slash_command_value(&v).unwrap().to_inbound().event,
            Event::Text {
                text: "s3 ls".into()
            }
        );
        let v = serde_json::json!({"command": ["/aws"]});
        assert!(parse_slash_command_value(&v)
            .unwrap_err()
            .to_string()
            .contains("command: expected a string"));
    }
}
