//! What a card's controls carry, and reading it back.
//!
//! Every `Action.Submit` of ours has an object as `data`, with one key, [`DATA_KEY`]:
//!
//! | control | `data` | inputs (ids) |
//! |---|---|---|
//! | button | `{"chatops": {"m": message, "a": action, "v": value}}` | none (`associatedInputs: "none"`) |
//! | menu | `{"chatops": {"m", "a", "k": "menu", "i": input id}}` | one `Input.ChoiceSet`: `chatops.menu` (the message's first menu), `chatops.menu.2`, … |
//! | form | `{"chatops": {"m", "a", "k": "form", "p": prefix, "f": [field names]}}` | one input per field: prefix + name; the prefix is `f.` (the message's first form), `f2.`, … |
//!
//! Teams answers an `Action.Submit` with a message activity whose `value` is the action's
//! `data` with the card's input values added beside its keys (`{"chatops": {…},
//! "chatops.menu": "choice", "f.name": "…"}`); [`read_submission`] turns that into the
//! engine's [`Event`]. An `Action.Execute` (an `adaptiveCard/action` invoke) carries the same
//! object in `value.action.data`: [`read_execute`].
//!
//! The message id travels as it is (`""` when the message has none, read back as `None`);
//! the engine checks that the control is really on that message. Everything here is sent
//! by a client, so anything may arrive: a wrong shape is a [`SubmitError`], never a panic.

use engine::Event;
use serde_json::{json, Map, Value};

/// The key of our object in a submit action's `data`.
pub const DATA_KEY: &str = "chatops";
/// The input id of a message's first menu (later menus: [`menu_input_id`]).
pub const MENU_INPUT: &str = "chatops.menu";
/// The id prefix of a message's first form's fields (later forms: [`form_prefix`]).
pub const FORM_PREFIX: &str = "f.";

/// `k` of a menu's submit action.
const KIND_MENU: &str = "menu";
/// `k` of a form's submit action.
const KIND_FORM: &str = "form";

/// The `data` of a button's `Action.Submit`.
pub fn button_data(message_id: &str, action: &str, value: &str) -> Value {
    json!({ DATA_KEY: { "m": message_id, "a": action, "v": value } })
}

/// The `data` of the submit action under a menu whose `Input.ChoiceSet` has id `input`.
pub fn menu_data(message_id: &str, action: &str, input: &str) -> Value {
    json!({ DATA_KEY: { "m": message_id, "a": action, "k": KIND_MENU, "i": input } })
}

/// The `data` of a form's submit action: its fields' ids are `prefix` + each name.
pub fn form_data(message_id: &str, action: &str, prefix: &str, names: &[&str]) -> Value {
    json!({ DATA_KEY: { "m": message_id, "a": action, "k": KIND_FORM, "p": prefix, "f": names } })
}

/// The input id of the `n`th menu of a message (from 0): `chatops.menu`, `chatops.menu.2`,
/// … (ids must be unique within a card).
pub fn menu_input_id(n: usize) -> String {
    if n == 0 {
        MENU_INPUT.to_string()
    } else {
        format!("{MENU_INPUT}.{}", n + 1)
    }
}

/// The field id prefix of the `n`th form of a message (from 0): `f.`, `f2.`, ….
pub fn form_prefix(n: usize) -> String {
    if n == 0 {
        FORM_PREFIX.to_string()
    } else {
        format!("f{}.", n + 1)
    }
}

/// Why a submission cannot be read as an engine event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("the submission is {found}, expected a JSON object")]
    NotAnObject { found: String },
    #[error("the submission has no \"{DATA_KEY}\" object: not from one of our cards")]
    NotOurs,
    #[error("the invoke has no action.data object")]
    NoActionData,
    #[error("the submission names no action (\"{DATA_KEY}.a\" missing or empty)")]
    MissingAction,
    #[error("{field} is {found}, expected {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
        /// The value received (its JSON, cut).
        found: String,
    },
    #[error("the button carries no value (\"{DATA_KEY}.v\" missing)")]
    MissingValue,
    #[error("the menu was submitted with no choice (input {input:?} missing or empty)")]
    NoChoice { input: String },
    #[error("unknown control kind {0:?}, expected \"menu\" or \"form\"")]
    UnknownKind(String),
}

/// A value received, for error messages: its JSON, cut at 40 characters.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 40 {
        return text;
    }
    let mut cut: String = text.chars().take(39).collect();
    cut.push('…');
    cut
}

/// `obj[key]` as a string: `None` when absent or null, an error when another type.
fn opt_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, SubmitError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(SubmitError::WrongType {
            field: format!("{path}{key}"),
            expected: "a string",
            found: shown(other),
        }),
    }
}

/// Reads the `value` of a message activity answering one of our `Action.Submit`s (the
/// action's `data` with the card's input values beside its keys).
///
/// - a button → [`Event::Action`] with its action and value;
/// - a menu → [`Event::Action`] with the menu's action and the chosen value;
/// - a form → [`Event::Form`] with `(field name, value)` for every filled field, in the
///   form's field order; empty fields are left out (the engine asks for what is missing).
pub fn read_submission(value: &Value) -> Result<Event, SubmitError> {
    let top = value.as_object().ok_or(SubmitError::NotAnObject {
        found: shown(value),
    })?;
    let ours = match top.get(DATA_KEY) {
        Some(Value::Object(o)) => o,
        _ => return Err(SubmitError::NotOurs),
    };
    let p = "chatops.";
    let message = opt_str(ours, "m", p)?
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    let action = opt_str(ours, "a", p)?
        .filter(|a| !a.is_empty())
        .ok_or(SubmitError::MissingAction)?
        .to_string();
    match opt_str(ours, "k", p)? {
        None => {
            let value = opt_str(ours, "v", p)?.ok_or(SubmitError::MissingValue)?;
            Ok(Event::Action {
                message,
                action,
                value: value.to_string(),
            })
        }
        Some(KIND_MENU) => {
            let input = opt_str(ours, "i", p)?.unwrap_or(MENU_INPUT);
            let chosen = opt_str(top, input, "")?
                .filter(|v| !v.is_empty())
                .ok_or_else(|| SubmitError::NoChoice {
                    input: input.to_string(),
                })?;
            Ok(Event::Action {
                message,
                action,
                value: chosen.to_string(),
            })
        }
        Some(KIND_FORM) => {
            let prefix = opt_str(ours, "p", p)?.unwrap_or(FORM_PREFIX);
            let names: Vec<String> = match ours.get("f") {
                None | Some(Value::Null) => {
                    // No field list: every input with the prefix, in the order received.
                    top.keys()
                        .filter_map(|k| k.strip_prefix(prefix))
                        .map(str::to_string)
                        .collect()
                }
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| match n {
                        Value::String(s) => Ok(s.clone()),
                        other => Err(SubmitError::WrongType {
                            field: format!("chatops.f[{i}]"),
                            expected: "a string",
                            found: shown(other),
                        }),
                    })
                    .collect::<Result<_, _>>()?,
                Some(other) => {
                    return Err(SubmitError::WrongType {
                        field: "chatops.f".to_string(),
                        expected: "an array of field names",
                        found: shown(other),
                    })
                }
            };
            let mut values = Vec::new();
            for name in names {
                let id = format!("{prefix}{name}");
                if let Some(v) = opt_str(top, &id, "")?.filter(|v| !v.is_empty()) {
                    if !values.iter().any(|(n, _): &(String, String)| *n == name) {
                        values.push((name, v.to_string()));
                    }
                }
            }
            Ok(Event::Form {
                message,
                action,
                values,
            })
        }
        Some(other) => Err(SubmitError::UnknownKind(other.to_string())),
    }
}

/// Reads the `value` of an `adaptiveCard/action` invoke (an `Action.Execute`): its
/// `action.data` holds the same object a submission's `value` does (see
/// [`read_submission`]).
pub fn read_execute(value: &Value) -> Result<Event, SubmitError> {
    if !value.is_object() {
        return Err(SubmitError::NotAnObject {
            found: shown(value),
        });
    }
    match value.get("action").and_then(|a| a.get("data")) {
        Some(data @ Value::Object(_)) => read_submission(data),
        _ => Err(SubmitError::NoActionData),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Teams sends for a submit: the data's keys with the inputs beside them.
    fn merged(data: Value, inputs: &[(&str, &str)]) -> Value {
        let mut v = data;
        for (k, val) in inputs {
            v[*k] = json!(val);
        }
        v
    }

    #[test]
    fn button_round_trips() {
        let v = button_data("m1", "run", "p-7");
        assert_eq!(
            read_submission(&v),
            Ok(Event::Action {
                message: Some("m1".into()),
                action: "run".into(),
                value: "p-7".into(),
            })
        );
        // Teams adds every input of the card beside the data; a button ignores them.
        let v = merged(button_data("", "help", ""), &[("f.x", "1")]);
        assert_eq!(
            read_submission(&v),
            Ok(Event::Action {
                message: None,
                action: "help".into(),
                value: String::new(),
            })
        );
    }

    #[test]
    fn menu_reads_its_own_input() {
        let data = menu_data("m1", "param", &menu_input_id(1));
        assert_eq!(menu_input_id(1), "chatops.menu.2");
        let v = merged(data, &[(MENU_INPUT, "other"), ("chatops.menu.2", "q1")]);
        assert_eq!(
            read_submission(&v),
            Ok(Event::Action {
                message: Some("m1".into()),
                action: "param".into(),
                value: "q1".into(),
            })
        );
        let none = menu_data("m1", "param", MENU_INPUT);
        assert_eq!(
            read_submission(&none),
            Err(SubmitError::NoChoice {
                input: MENU_INPUT.into()
            })
        );
        let empty = merged(menu_data("m1", "param", MENU_INPUT), &[(MENU_INPUT, "")]);
        assert!(matches!(
            read_submission(&empty),
            Err(SubmitError::NoChoice { .. })
        ));
    }

    #[test]
    fn form_reads_fields_in_order_and_leaves_out_empty_ones() {
        let data = form_data("m1", "param", "f.", &["b", "a", "c"]);
        let v = merged(
            data,
            &[
                ("f.a", "1"),
                ("f.b", "2"),
                ("f.c", ""),
                ("g.z", "no"),
                ("f.zz", "x"),
            ],
        );
        assert_eq!(
            read_submission(&v),
            Ok(Event::Form {
                message: Some("m1".into()),
                action: "param".into(),
                values: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
            })
        );
        // Without the field list: every prefixed input.
        let v = json!({"chatops": {"m": "m1", "a": "x", "k": "form", "p": "f2."},
                       "f2.q": "1", "f.q": "2"});
        assert_eq!(
            read_submission(&v),
            Ok(Event::Form {
                message: Some("m1".into()),
                action: "x".into(),
                values: vec![("q".into(), "1".into())],
            })
        );
    }

    #[test]
    fn execute_reads_action_data() {
        let v = json!({"action": {"type": "Action.Execute", "verb": "x",
                       "data": merged(menu_data("m", "a", MENU_INPUT), &[(MENU_INPUT, "c")])},
                       "trigger": "manual"});
        assert_eq!(
            read_execute(&v),
            Ok(Event::Action {
                message: Some("m".into()),
                action: "a".into(),
                value: "c".into(),
            })
        );
        assert_eq!(
            read_execute(&json!({"action": {}})),
            Err(SubmitError::NoActionData)
        );
        assert_eq!(
            read_execute(&json!({"action": {"data": "s"}})),
            Err(SubmitError::NoActionData)
        );
        assert_eq!(
            read_execute(&json!(3)),
            Err(SubmitError::NotAnObject { found: "3".into() })
        );
    }

    #[test]
    fn hostile_submissions_are_errors() {
        let cases = [
            (json!(null), "is null"),
            (json!([1]), "is [1]"),
            (json!("chatops"), "is \"chatops\""),
            (json!({}), "not from one of our cards"),
            (json!({"chatops": "x"}), "not from one of our cards"),
            (json!({"chatops": {}}), "names no action"),
            (json!({"chatops": {"a": ""}}), "names no action"),
            (
                json!({"chatops": {"a": 1}}),
                "chatops.a is 1, expected a string",
            ),
            (json!({"chatops": {"a": "x", "m": {}}}), "chatops.m is {}"),
            (json!({"chatops": {"a": "x"}}), "no value"),
            (json!({"chatops": {"a": "x", "v": []}}), "chatops.v is []"),
            (
                json!({"chatops": {"a": "x", "k": "zap"}}),
                "unknown control kind",
            ),
            (json!({"chatops": {"a": "x", "k": 5}}), "chatops.k is 5"),
            (
                json!({"chatops": {"a": "x", "k": "menu", "i": 2}}),
                "chatops.i is 2",
            ),
            (
                json!({"chatops": {"a": "x", "k": "menu"}, "chatops.menu": 7}),
                "chatops.menu is 7",
            ),
            (
                json!({"chatops": {"a": "x", "k": "form", "f": "a"}}),
                "chatops.f is \"a\", expected an array of field names",
            ),
            (
                json!({"chatops": {"a": "x", "k": "form", "f": [null]}}),
                "chatops.f[0] is null",
            ),
            (
                json!({"chatops": {"a": "x", "k": "form", "f": ["n"]}, "f.n": true}),
                "f.n is true",
            ),
        ];
        for (v, want) in cases {
            let err = read_submission(&v).expect_err(&v.to_string());
            assert!(err.to_string().contains(want), "{v}: {err}");
        }
        // Deep or large values never panic.
        let mut deep = json!("x");
        for _ in 0..200 {
            deep = json!({ "chatops": deep });
        }
        assert!(read_submission(&deep).is_err());
        let long = json!({"chatops": {"a": "x".repeat(100_000)}, "v": 1});
        let err = read_submission(&json!({"chatops": {"a": ["y".repeat(100_000)]}}));
        assert!(
            matches!(&err, Err(SubmitError::WrongType { found, .. }) if found.chars().count() == 40)
        );
        assert_eq!(read_submission(&long), Err(SubmitError::MissingValue));
        let many: Map<String, Value> = (0..10_000)
            .map(|i| (format!("f.{i}"), json!("v")))
            .chain([(
                "chatops".to_string(),
                json!({"a": "x", "k": "form", "m": "m"}),
            )])
            .collect();
        match read_submission(&Value::Object(many)) {
            Ok(Event::Form { values, .. }) => assert_eq!(values.len(), 10_000),
            other => panic!("{other:?}"),
        }
    }
}
