//! The JSON envelope SNS POSTs to an HTTP(S) subscriber (and writes, unchanged, into an SQS
//! queue subscribed without raw delivery), read strictly enough that its signature can be
//! checked and loosely enough that fields SNS may add later do no harm.

use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use thiserror::Error;

/// The three kinds of message SNS delivers; each has its own required fields and its own
/// string to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// A message published to the topic.
    Notification,
    /// Sent once when the subscription is made; the endpoint confirms by visiting `SubscribeURL`.
    SubscriptionConfirmation,
    /// Sent when the subscription is deleted.
    UnsubscribeConfirmation,
}

impl MessageType {
    /// The `Type` value as SNS writes it (and as it is signed).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Notification => "Notification",
            MessageType::SubscriptionConfirmation => "SubscriptionConfirmation",
            MessageType::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }

    /// Reads a `Type` value; exact spelling only, since it is part of what is signed.
    pub fn from_type(value: &str) -> Option<MessageType> {
        match value {
            "Notification" => Some(MessageType::Notification),
            "SubscriptionConfirmation" => Some(MessageType::SubscriptionConfirmation),
            "UnsubscribeConfirmation" => Some(MessageType::UnsubscribeConfirmation),
            _ => None,
        }
    }

    /// True for the two confirmation types, which carry `SubscribeURL` and `Token`.
    pub fn is_confirmation(self) -> bool {
        !matches!(self, MessageType::Notification)
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One SNS message as delivered. String fields are kept exactly as sent, because the
/// signature covers those bytes (a `Timestamp` re-printed by a date library would not verify).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `Type`: which message this is (decides required fields and the string to sign).
    pub message_type: MessageType,
    /// `MessageId`: unique per published message and kept across retries: deduplicate on it.
    pub message_id: String,
    /// `TopicArn`: the topic it was published to; check it against an allow-list, since any
    /// AWS account can sign messages for its own topics.
    pub topic_arn: String,
    /// `Subject`: present on notifications only when the publisher gave one (signed when present).
    pub subject: Option<String>,
    /// `Message`: the payload (for alarms and events itself a JSON string).
    pub message: String,
    /// `Timestamp`: when SNS sent it, as sent (ISO 8601 / RFC 3339, e.g. `2012-04-26T20:45:04.751Z`).
    pub timestamp: String,
    /// `SignatureVersion`: `"1"` (SHA1withRSA) or `"2"` (SHA256withRSA); checked by the verifier.
    pub signature_version: String,
    /// `Signature`: base64 of the RSA signature over [`crate::string_to_sign`].
    pub signature: String,
    /// `SigningCertURL` (or `SigningCertUrl` in SNS→Lambda records): where the certificate is;
    /// not signed, so the verifier only trusts SNS's own hosts.
    pub signing_cert_url: String,
    /// `UnsubscribeURL` (or `UnsubscribeUrl`): on notifications; not signed.
    pub unsubscribe_url: Option<String>,
    /// `SubscribeURL`: on confirmations (required there, signed).
    pub subscribe_url: Option<String>,
    /// `Token`: on confirmations (required there, signed), for `ConfirmSubscription`.
    pub token: Option<String>,
    /// `MessageAttributes`: publisher-set attributes, kept as JSON; not signed.
    pub message_attributes: Option<Value>,
}

/// Why a body is not an SNS envelope; every variant names the field and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnvelopeError {
    /// The body is not JSON (or not a JSON object) at all.
    #[error("body is not an SNS message: {reason} at line {line} column {column}")]
    Json {
        /// What the JSON parser expected.
        reason: String,
        /// 1-based line of the fault.
        line: usize,
        /// 1-based column of the fault.
        column: usize,
    },
    /// A key appears twice; which value was signed would be ambiguous.
    #[error("field {field:?} appears more than once")]
    Duplicate {
        /// The repeated key (shortened if long).
        field: String,
    },
    /// A required field is absent.
    #[error("field {field:?} is missing: every {message_type} message has it")]
    Missing {
        /// The field's name.
        field: &'static str,
        /// The `Type` that requires it.
        message_type: &'static str,
    },
    /// A field is there but not a JSON string.
    #[error("field {field:?} must be a string, found {found}")]
    NotAString {
        /// The field's name.
        field: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// `MessageAttributes` is there but not an object.
    #[error("field \"MessageAttributes\" must be an object, found {found}")]
    AttributesNotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// `Type` has a value SNS does not send.
    #[error("field \"Type\" is {value:?}: expected Notification, SubscriptionConfirmation or UnsubscribeConfirmation")]
    UnknownType {
        /// The value found (shortened if long).
        value: String,
    },
    /// Both spellings of one field (`SigningCertURL` and `SigningCertUrl`): which one counts
    /// would be ambiguous.
    #[error("fields {first:?} and {second:?} are both present: expected one of them")]
    BothSpellings {
        /// The SNS HTTP spelling.
        first: &'static str,
        /// The SNS→Lambda spelling.
        second: &'static str,
    },
}

/// The body's top-level keys in order, refusing duplicates (serde_json's own map would keep
/// the last value silently).
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object (an SNS message)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut seen = HashSet::new();
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if !seen.insert(k.clone()) {
                        return Err(serde::de::Error::custom(DuplicateKey(k)));
                    }
                    out.push((k, v));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Marker carried through serde's error text so a duplicate key becomes its own variant.
struct DuplicateKey(String);

const DUPLICATE_PREFIX: &str = "\u{0}duplicate key:";

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{DUPLICATE_PREFIX}{}", self.0)
    }
}

impl Envelope {
    /// Reads an SNS envelope from a request body (or an SQS message body).
    ///
    /// Refuses non-JSON (with the line and column), a non-object, duplicate keys, an unknown
    /// `Type`, and a missing or non-string field that `Type` requires. Unknown keys are ignored
    /// (SNS may add some); `null` counts as absent for optional fields (SNS→Lambda records
    /// write `"Subject": null`). Never panics.
    pub fn parse(body: &[u8]) -> Result<Envelope, EnvelopeError> {
        let fields: Fields = serde_json::from_slice(body).map_err(json_error)?;
        let get = |name: &str| {
            fields
                .0
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .filter(|v| !v.is_null())
        };

        let type_value = get("Type").ok_or(EnvelopeError::Missing {
            field: "Type",
            message_type: "SNS",
        })?;
        let type_str = as_string("Type", type_value)?;
        let message_type =
            MessageType::from_type(&type_str).ok_or_else(|| EnvelopeError::UnknownType {
                value: shorten(&type_str),
            })?;
        let kind = message_type.as_str();

        let required = |name: &'static str| -> Result<String, EnvelopeError> {
            match get(name) {
                Some(v) => as_string(name, v),
                None => Err(EnvelopeError::Missing {
                    field: name,
                    message_type: kind,
                }),
            }
        };
        let optional = |name: &'static str| -> Result<Option<String>, EnvelopeError> {
            get(name).map(|v| as_string(name, v)).transpose()
        };
        let either = |first: &'static str, second: &'static str| match (get(first), get(second)) {
            (Some(_), Some(_)) => Err(EnvelopeError::BothSpellings { first, second }),
            (Some(v), None) => as_string(first, v).map(Some),
            (None, Some(v)) => as_string(second, v).map(Some),
            (None, None) => Ok(None),
        };

        let message = required("Message")?;
        let message_id = required("MessageId")?;
        let timestamp = required("Timestamp")?;
        let topic_arn = required("TopicArn")?;
        let signature_version = required("SignatureVersion")?;
        let signature = required("Signature")?;
        let signing_cert_url =
            either("SigningCertURL", "SigningCertUrl")?.ok_or(EnvelopeError::Missing {
                field: "SigningCertURL",
                message_type: kind,
            })?;
        let unsubscribe_url = either("UnsubscribeURL", "UnsubscribeUrl")?;
        let (subscribe_url, token) = if message_type.is_confirmation() {
            (Some(required("SubscribeURL")?), Some(required("Token")?))
        } else {
            (optional("SubscribeURL")?, optional("Token")?)
        };
        // Subject is signed on notifications only; confirmations have none, and one there
        // would be unsigned text, so it is kept only where it is covered by the signature.
        let subject = if message_type.is_confirmation() {
            None
        } else {
            optional("Subject")?
        };
        let message_attributes = match get("MessageAttributes") {
            None => None,
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(other) => {
                return Err(EnvelopeError::AttributesNotAnObject {
                    found: json_type(other),
                })
            }
        };

        Ok(Envelope {
            message_type,
            message_id,
            topic_arn,
            subject,
            message,
            timestamp,
            signature_version,
            signature,
            signing_cert_url,
            unsubscribe_url,
            subscribe_url,
            token,
            message_attributes,
        })
    }
}

fn json_error(e: serde_json::Error) -> EnvelopeError {
    let text = e.to_string();
    if let Some(at) = text.find(DUPLICATE_PREFIX) {
        let rest = &text[at + DUPLICATE_PREFIX.len()..];
        // serde_json appends " at line L column C" to custom errors.
        let key = rest.rfind(" at line ").map_or(rest, |cut| &rest[..cut]);
        return EnvelopeError::Duplicate {
            field: shorten(key),
        };
    }
    // serde_json's message without its own " at line …" suffix, which we put back as fields.
    let reason = match text.rfind(" at line ") {
        Some(cut) if e.line() > 0 => text[..cut].to_string(),
        _ => text,
    };
    EnvelopeError::Json {
        reason,
        line: e.line(),
        column: e.column(),
    }
}

fn as_string(field: &'static str, v: &Value) -> Result<String, EnvelopeError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(EnvelopeError::NotAString {
            field,
            found: json_type(other),
        }),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn shorten(s: &str) -> String {
    crate::shorten(s, 100)
}

/// The exact text SNS signs for `env`: for each signed key that is present, in SNS's order,
/// `Key\nValue\n`.
///
/// Notification: `Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type`.
/// Both confirmations: `Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type`.
pub fn string_to_sign(env: &Envelope) -> String {
    let type_str = env.message_type.as_str();
    let fields: Vec<(&str, Option<&str>)> = match env.message_type {
        MessageType::Notification => vec![
            ("Message", Some(&env.message)),
            ("MessageId", Some(&env.message_id)),
            ("Subject", env.subject.as_deref()),
            ("Timestamp", Some(&env.timestamp)),
            ("TopicArn", Some(&env.topic_arn)),
            ("Type", Some(type_str)),
        ],
        MessageType::SubscriptionConfirmation | MessageType::UnsubscribeConfirmation => vec![
            ("Message", Some(&env.message)),
            ("MessageId", Some(&env.message_id)),
            ("SubscribeURL", env.subscribe_url.as_deref()),
            ("Timestamp", Some(&env.timestamp)),
            ("Token", env.token.as_deref()),
            ("TopicArn", Some(&env.topic_arn)),
            ("Type", Some(type_str)),
        ],
    };
    let mut out = String::new();
    for (key, value) in fields {
        if let Some(value) = value {
            out.push_str(key);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn notification() -> Value {
        json!({
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
            "Subject": "My First Message",
            "Message": "Hello world!",
            "Timestamp": "2012-05-02T00:54:06.655Z",
            "SignatureVersion": "1",
            "Signature": "EXAMPLEw6JRN...",
            "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
            "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96"
        })
    }

    fn confirmation() -> Value {
        json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37f",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
            "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37f",
            "Timestamp": "2012-04-26T20:45:04.751Z",
            "SignatureVersion": "1",
            "Signature": "EXAMPLEpH+...",
            "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem"
        })
    }

    fn parse(v: &Value) -> Result<Envelope, EnvelopeError> {
        Envelope::parse(v.to_string().as_bytes())
    }

    #[test]
    fn notification_parses_and_signs_its_six_fields() {
        let env = parse(&notification()).expect("valid");
        assert_eq!(env.message_type, MessageType::Notification);
        assert_eq!(env.subject.as_deref(), Some("My First Message"));
        assert!(env.unsubscribe_url.is_some());
        assert_eq!(
            string_to_sign(&env),
            "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n\
             Subject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\n\
             TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n"
        );
    }

    #[test]
    fn subject_is_left_out_when_absent_or_null() {
        let mut v = notification();
        v.as_object_mut().unwrap().remove("Subject");
        let without = string_to_sign(&parse(&v).unwrap());
        assert!(!without.contains("Subject"), "{without}");
        v["Subject"] = Value::Null;
        assert_eq!(string_to_sign(&parse(&v).unwrap()), without);
        // An empty Subject is present, and signed.
        v["Subject"] = json!("");
        assert!(string_to_sign(&parse(&v).unwrap()).contains("Subject\n\nTimestamp"));
    }

    #[test]
    fn confirmations_sign_their_seven_fields() {
        for ty in ["SubscriptionConfirmation", "UnsubscribeConfirmation"] {
            let mut v = confirmation();
            v["Type"] = json!(ty);
            let env = parse(&v).expect("valid");
            assert!(env.message_type.is_confirmation());
            let s = string_to_sign(&env);
            // The Message has a newline in it, so check the text around it.
            assert!(s.starts_with("Message\nYou have chosen"));
            assert!(s.contains(
                "\nMessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\nSubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37f\nTimestamp\n2012-04-26T20:45:04.751Z\nToken\n2336412f37f\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
            ));
            assert!(s.ends_with(&format!("Type\n{ty}\n")), "{s}");
        }
    }

    #[test]
    fn lambda_spellings_are_accepted_and_both_at_once_refused() {
        let mut v = notification();
        let o = v.as_object_mut().unwrap();
        let url = o.remove("SigningCertURL").unwrap();
        let unsub = o.remove("UnsubscribeURL").unwrap();
        o.insert("SigningCertUrl".into(), url.clone());
        o.insert("UnsubscribeUrl".into(), unsub.clone());
        let env = parse(&v).expect("lambda spelling");
        assert_eq!(json!(env.signing_cert_url), url);
        assert_eq!(json!(env.unsubscribe_url), unsub);
        v["SigningCertURL"] = url;
        assert_eq!(
            parse(&v),
            Err(EnvelopeError::BothSpellings {
                first: "SigningCertURL",
                second: "SigningCertUrl"
            })
        );
    }

    #[test]
    fn each_required_field_missing_is_named() {
        for field in [
            "Message",
            "MessageId",
            "Timestamp",
            "TopicArn",
            "Type",
            "SignatureVersion",
            "Signature",
            "SigningCertURL",
        ] {
            let mut v = notification();
            v.as_object_mut().unwrap().remove(field);
            let err = parse(&v).unwrap_err();
            assert!(
                matches!(err, EnvelopeError::Missing { field: f, .. } if f == field),
                "{field}: {err:?}"
            );
            assert!(err.to_string().contains(field), "{err}");
        }
        for field in ["SubscribeURL", "Token"] {
            let mut v = confirmation();
            v.as_object_mut().unwrap().remove(field);
            assert_eq!(
                parse(&v),
                Err(EnvelopeError::Missing {
                    field,
                    message_type: "SubscriptionConfirmation"
                })
            );
        }
        // Notifications need neither.
        assert!(parse(&notification()).is_ok());
    }

    #[test]
    fn wrong_types_and_values_are_named() {
        let mut v = notification();
        v["Message"] = json!({"a": 1});
        assert_eq!(
            parse(&v),
            Err(EnvelopeError::NotAString {
                field: "Message",
                found: "an object"
            })
        );
        let mut v = notification();
        v["SignatureVersion"] = json!(1);
        let err = parse(&v).unwrap_err();
        assert_eq!(
            err.to_string(),
            "field \"SignatureVersion\" must be a string, found a number"
        );
        let mut v = notification();
        v["Type"] = json!("notification");
        let err = parse(&v).unwrap_err();
        assert!(matches!(err, EnvelopeError::UnknownType { ref value } if value == "notification"));
        assert!(err.to_string().contains("expected Notification"), "{err}");
        let mut v = notification();
        v["MessageAttributes"] = json!([1]);
        assert_eq!(
            parse(&v),
            Err(EnvelopeError::AttributesNotAnObject { found: "an array" })
        );
        let mut v = notification();
        v["Subject"] = json!(true);
        assert!(matches!(
            parse(&v),
            Err(EnvelopeError::NotAString {
                field: "Subject",
                ..
            })
        ));
    }

    #[test]
    fn message_attributes_and_unknown_fields() {
        let mut v = notification();
        v["MessageAttributes"] = json!({"k": {"Type": "String", "Value": "v"}});
        v["SomethingNew"] = json!([1, 2]);
        let env = parse(&v).expect("valid");
        assert_eq!(env.message_attributes, Some(v["MessageAttributes"].clone()));
    }

    #[test]
    fn bad_json_names_the_position() {
        let err = Envelope::parse(b"{\n  \"Type\": \"Notification\",\n  oops\n}").unwrap_err();
        match err {
            EnvelopeError::Json { line, column, .. } => {
                assert_eq!(line, 3);
                assert!(column > 0);
            }
            other => panic!("{other:?}"),
        }
        let err = Envelope::parse(b"[1,2]").unwrap_err();
        assert!(err.to_string().contains("a JSON object"), "{err}");
        assert!(err.to_string().contains("line 1 column"), "{err}");
        let err = Envelope::parse(b"").unwrap_err();
        assert!(matches!(err, EnvelopeError::Json { .. }), "{err}");
        let err = Envelope::parse(b"{} trailing").unwrap_err();
        assert!(matches!(err, EnvelopeError::Json { line: 1, .. }), "{err}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let body = notification().to_string();
        let dup = body.replacen("{", "{\"TopicArn\":\"arn:aws:sns:us-east-1:1:other\",", 1);
        assert_eq!(
            Envelope::parse(dup.as_bytes()),
            Err(EnvelopeError::Duplicate {
                field: "TopicArn".into()
            })
        );
    }

    #[test]
    fn subject_on_a_confirmation_is_not_kept() {
        let mut v = confirmation();
        v["Subject"] = json!("unsigned");
        assert_eq!(parse(&v).unwrap().subject, None);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,12}".prop_map(Value::String),
            prop::sample::select(vec![
                "Notification",
                "SubscriptionConfirmation",
                "UnsubscribeConfirmation",
                "1"
            ])
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(env) = Envelope::parse(&bytes) {
                let _ = string_to_sign(&env);
            }
        }

        #[test]
        fn parse_never_panics_on_objects(
            fields in prop::collection::btree_map(
                prop::sample::select(vec![
                    "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                    "SignatureVersion", "Signature", "SigningCertURL", "SigningCertUrl",
                    "UnsubscribeURL", "UnsubscribeUrl", "SubscribeURL", "Token",
                    "MessageAttributes", "Other",
                ]),
                arb_json(),
                0..16,
            )
        ) {
            let v = Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            if let Ok(env) = parse(&v) {
                let s = string_to_sign(&env);
                let type_line = format!("Type\n{}\n", env.message_type);
                prop_assert!(s.ends_with(&type_line));
            }
        }

        /// Every field of a valid notification survives parsing unchanged, whatever it holds.
        #[test]
        fn values_are_kept_exactly(message in any::<String>(), subject in proptest::option::of(any::<String>())) {
            let mut v = notification();
            v["Message"] = json!(message);
            match &subject {
                Some(s) => v["Subject"] = json!(s),
                None => { v.as_object_mut().unwrap().remove("Subject"); }
            }
            let env = parse(&v).unwrap();
            prop_assert_eq!(&env.message, &message);
            prop_assert_eq!(&env.subject, &subject);
        }
    }
}
