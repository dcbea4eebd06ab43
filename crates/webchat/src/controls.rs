//! Checks that a button press, menu choice or form submission names a control that is really
//! on the message, as the server last sent it.
//!
//! The page is not trusted: a hand-written frame could press a button that was never offered,
//! or press Run on a message already replaced by "Run by alice". The engine checks again, but
//! refusing here too keeps forged and stale presses from reaching it at all.

use engine::{Block, Message};

/// Why a press or a submission does not fit the message as it was last sent; the page gets
/// the text in an `unknown_control` error frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    #[error("message {message} has no button or menu option {action:?} = {value:?} (any more)")]
    NoControl {
        message: String,
        action: String,
        value: String,
    },
    #[error("message {message} has no form {action:?} (any more)")]
    NoForm { message: String, action: String },
    #[error("form {action:?} has no field {field:?}")]
    NoField { action: String, field: String },
    #[error("field {field:?} takes one of {options}, not {value:?}")]
    NotAnOption {
        field: String,
        options: String,
        value: String,
    },
    #[error("field {0:?} is required")]
    Required(String),
}

/// `Ok` when `message` has a button with this action and value, or a menu with this action
/// offering this value; otherwise why not.
pub fn check_action(message: &Message, action: &str, value: &str) -> Result<(), ControlError> {
    let found = message.blocks.iter().any(|b| match b {
        Block::Buttons { buttons } => buttons
            .iter()
            .any(|b| b.action == action && b.value == value),
        Block::Menu {
            action: a, options, ..
        } => a == action && options.iter().any(|o| o.value == value),
        _ => false,
    });
    if found {
        Ok(())
    } else {
        Err(ControlError::NoControl {
            message: message.id.clone(),
            action: action.to_string(),
            value: value.to_string(),
        })
    }
}

/// `Ok` when `message` has a form with this action, every value names one of its fields,
/// every field that is not optional has a value, and choice fields hold one of their options.
pub fn check_form(
    message: &Message,
    action: &str,
    values: &[(String, String)],
) -> Result<(), ControlError> {
    let fields = message
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Form {
                action: a, fields, ..
            } if a == action => Some(fields),
            _ => None,
        })
        .ok_or_else(|| ControlError::NoForm {
            message: message.id.clone(),
            action: action.to_string(),
        })?;
    for (name, value) in values {
        let field =
            fields
                .iter()
                .find(|f| &f.name == name)
                .ok_or_else(|| ControlError::NoField {
                    action: action.to_string(),
                    field: name.clone(),
                })?;
        if !value.is_empty()
            && !field.options.is_empty()
            && !field.options.iter().any(|o| &o.value == value)
        {
            return Err(ControlError::NotAnOption {
                field: name.clone(),
                options: field
                    .options
                    .iter()
                    .map(|o| o.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                value: value.clone(),
            });
        }
    }
    for field in fields.iter().filter(|f| !f.optional) {
        let given = values
            .iter()
            .any(|(n, v)| n == &field.name && !v.trim().is_empty());
        if !given {
            return Err(ControlError::Required(field.name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::{Button, Choice, Field, Style};

    fn message() -> Message {
        Message {
            id: "m1".into(),
            thread: None,
            only_to: None,
            blocks: vec![
                Block::Buttons {
                    buttons: vec![Button {
                        label: "Run".into(),
                        action: "run".into(),
                        value: "p1".into(),
                        style: Style::Primary,
                        confirm: None,
                    }],
                },
                Block::Menu {
                    action: "param".into(),
                    placeholder: "pick".into(),
                    options: vec![Choice {
                        label: "A".into(),
                        value: "a".into(),
                    }],
                },
                Block::Form {
                    action: "case".into(),
                    title: "Case".into(),
                    fields: vec![
                        Field {
                            name: "subject".into(),
                            label: "Subject".into(),
                            options: vec![],
                            multiline: false,
                            optional: false,
                        },
                        Field {
                            name: "severity".into(),
                            label: "Severity".into(),
                            options: vec![Choice {
                                label: "Low".into(),
                                value: "low".into(),
                            }],
                            multiline: false,
                            optional: true,
                        },
                    ],
                    submit: "Send".into(),
                },
            ],
        }
    }

    #[test]
    fn actions_must_be_on_the_message() {
        let m = message();
        assert!(check_action(&m, "run", "p1").is_ok());
        assert!(check_action(&m, "param", "a").is_ok());
        assert_eq!(
            check_action(&m, "run", "p2").map_err(|e| e.to_string()),
            Err("message m1 has no button or menu option \"run\" = \"p2\" (any more)".into())
        );
        assert!(check_action(&m, "param", "b").is_err());
        assert!(check_action(&m, "cancel", "p1").is_err());
    }

    #[test]
    fn forms_must_match_their_fields() {
        let m = message();
        let v = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert!(check_form(&m, "case", &v(&[("subject", "x")])).is_ok());
        assert!(check_form(&m, "case", &v(&[("subject", "x"), ("severity", "low")])).is_ok());
        assert!(matches!(
            check_form(&m, "case", &v(&[("subject", "x"), ("severity", "max")])),
            Err(ControlError::NotAnOption { .. })
        ));
        assert_eq!(
            check_form(&m, "case", &v(&[("severity", "low")])),
            Err(ControlError::Required("subject".into()))
        );
        assert!(matches!(
            check_form(&m, "case", &v(&[("subject", "x"), ("other", "y")])),
            Err(ControlError::NoField { .. })
        ));
        assert!(matches!(
            check_form(&m, "other", &v(&[("subject", "x")])),
            Err(ControlError::NoForm { .. })
        ));
    }
}
