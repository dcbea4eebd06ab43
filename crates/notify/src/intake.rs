//! Where notifications come in: SNS HTTP(S) deliveries (`POST /sns`) and SQS queues
//! subscribed to the topics. Each body is checked before anything acts on it: an SNS
//! envelope's topic must be one the configuration lists and its signature must verify
//! (unless the route turned checks off for an emulator); then a subscription is confirmed,
//! or the notification delivered, and only then acknowledged (200 to SNS; the SQS message
//! deleted), so a delivery that failed is retried and one that worked is not repeated.

use std::sync::Arc;

use engine::Clock;
use sns::{Envelope, MessageType, Verifier};

use crate::aws::{AwsOps, SqsMessage};
use crate::deliver::{Incoming, Notifier, Report};
use crate::route::{Route, Routes};

/// The largest body taken at `POST /sns` (SNS messages are at most 256 KiB; the envelope
/// adds its fields and JSON escapes).
pub const MAX_BODY: usize = 320 * 1024;

/// What the endpoint answers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Done (delivered, confirmed, or nothing to do); SNS stops retrying.
    Done(String),
    /// The body is not an SNS message we can read (400).
    Malformed(String),
    /// Not from a listed topic, or not signed by SNS (401).
    Refused(String),
    /// Something on our side failed; SNS should retry (500).
    Retry(String),
    /// The signature cannot be checked now (the certificate could not be fetched); SNS
    /// should retry (503).
    Unavailable(String),
}

impl Answer {
    pub fn status(&self) -> u16 {
        match self {
            Answer::Done(_) => 200,
            Answer::Malformed(_) => 400,
            Answer::Refused(_) => 401,
            Answer::Retry(_) => 500,
            Answer::Unavailable(_) => 503,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Answer::Done(t)
            | Answer::Malformed(t)
            | Answer::Refused(t)
            | Answer::Retry(t)
            | Answer::Unavailable(t) => t,
        }
    }
}

/// The intake: routes, the signature checks, delivery, and the AWS calls it makes.
pub struct Intake {
    pub notifier: Arc<Notifier>,
    pub routes: Arc<Routes>,
    /// Checks SNS messages: signature and age for HTTP deliveries, the signature only for
    /// envelopes read from SQS (a queue keeps a message while the service is down).
    verifier: Verifier,
    aws: Arc<AwsOps>,
    clock: Clock,
}

impl Intake {
    pub fn new(
        notifier: Arc<Notifier>,
        routes: Arc<Routes>,
        verifier: Verifier,
        aws: Arc<AwsOps>,
        clock: Clock,
    ) -> Intake {
        Intake {
            notifier,
            routes,
            verifier,
            aws,
            clock,
        }
    }

    pub fn aws(&self) -> &Arc<AwsOps> {
        &self.aws
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis((self.clock)()).unwrap_or_default()
    }

    /// Handles one `POST /sns` body; `type_header` is `x-amz-sns-message-type`, when sent.
    pub async fn sns_http(&self, type_header: Option<&str>, body: &[u8]) -> Answer {
        let env = match Envelope::parse(body) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "POST /sns: not an SNS message");
                return Answer::Malformed(format!("not an SNS message: {e}"));
            }
        };
        if let Some(h) = type_header {
            if h != env.message_type.as_str() {
                return Answer::Malformed(format!(
                    "the x-amz-sns-message-type header says {h:?} but the body's Type is {:?}",
                    env.message_type.as_str()
                ));
            }
        }
        let routes = self.routes.for_topic(&env.topic_arn);
        if routes.is_empty() {
            tracing::warn!(topic = %env.topic_arn, message_id = %env.message_id, kind = env.message_type.as_str(),
                "POST /sns: refused a message from a topic no [[notifications]] entry lists");
            return Answer::Refused(format!(
                "topic {} is not listed in the configuration's [[notifications]]",
                env.topic_arn
            ));
        }
        if routes.iter().any(|r| r.verify_signatures) {
            if let Err(e) = self.verifier.verify(&env, self.now()).await {
                tracing::warn!(topic = %env.topic_arn, message_id = %env.message_id, error = %e,
                    "POST /sns: refused a message whose signature did not verify");
                return match e.http_status() {
                    // The certificate could not be had: SNS should try again later.
                    503 => Answer::Unavailable(format!("cannot check the signature now: {e}")),
                    400 => Answer::Malformed(format!("signature check failed: {e}")),
                    _ => Answer::Refused(format!("signature check failed: {e}")),
                };
            }
        } else if let Err(e) = self.verifier.check_age(&env, self.now()) {
            return Answer::Refused(e.to_string());
        }
        match env.message_type {
            MessageType::Notification => {
                let report = self.notifier.deliver(&incoming(&env), &routes).await;
                crate::telemetry::received("sns", &report);
                answer(&env.message_id, &report)
            }
            MessageType::SubscriptionConfirmation => self.confirm(&env, &routes).await,
            MessageType::UnsubscribeConfirmation => {
                tracing::warn!(topic = %env.topic_arn, "SNS says this endpoint was unsubscribed from the topic");
                Answer::Done("noted".into())
            }
        }
    }

    /// Confirms a subscription to a listed topic with the route's account.
    async fn confirm(&self, env: &Envelope, routes: &[&Route]) -> Answer {
        let Some(token) = env.token.as_deref() else {
            return Answer::Malformed("a SubscriptionConfirmation without Token".into());
        };
        let Some(account) = routes.iter().find_map(|r| r.account.as_ref()) else {
            tracing::error!(topic = %env.topic_arn,
                "cannot confirm the subscription: no [[accounts]] entry for the topic's account (set `account` on its [[notifications]] entry)");
            return Answer::Retry(format!(
                "no account is configured to confirm the subscription to {}",
                env.topic_arn
            ));
        };
        match self
            .aws
            .confirm_subscription(account, &env.topic_arn, token)
            .await
        {
            Ok(arn) => {
                tracing::info!(topic = %env.topic_arn, subscription = %arn, "confirmed the SNS subscription");
                Answer::Done(format!("confirmed {arn}"))
            }
            Err(e) => {
                tracing::error!(topic = %env.topic_arn, error = %e, "cannot confirm the SNS subscription");
                Answer::Retry(format!("cannot confirm the subscription: {e}"))
            }
        }
    }

    /// Handles one message read from `route`'s queue; true when it may be deleted (handled,
    /// or never deliverable: a forged or unreadable envelope, which is logged).
    pub async fn sqs_message(&self, route: &Route, raw: bool, m: &SqsMessage) -> bool {
        let routes = match &route.source {
            config::NotificationSource::Queue { url, .. } => self.routes.for_queue(url),
            config::NotificationSource::Topic { .. } => vec![route],
        };
        let incoming = if raw || !looks_like_envelope(&m.body) {
            Incoming {
                message_id: m.message_id.clone(),
                topic_arn: None,
                subject: None,
                message: m.body.clone(),
            }
        } else {
            let env = match Envelope::parse(m.body.as_bytes()) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(route = %route.name, message_id = %m.message_id, error = %e,
                        "an SQS message that looks like an SNS envelope but is not one; deleted");
                    return true;
                }
            };
            if route.verify_signatures {
                if let Err(e) = self.verifier.verify_any_age(&env).await {
                    tracing::error!(route = %route.name, message_id = %m.message_id, error = %e,
                        "an SQS message whose SNS signature did not verify; deleted");
                    return true;
                }
            }
            if env.message_type != MessageType::Notification {
                tracing::info!(route = %route.name, kind = env.message_type.as_str(),
                    "an SNS confirmation message in an SQS queue (SQS subscriptions confirm themselves); deleted");
                return true;
            }
            incoming(&env)
        };
        let report = self.notifier.deliver(&incoming, &routes).await;
        crate::telemetry::received("sqs", &report);
        report.complete()
    }
}

fn incoming(env: &Envelope) -> Incoming {
    Incoming {
        message_id: env.message_id.clone(),
        topic_arn: Some(env.topic_arn.clone()),
        subject: env.subject.clone(),
        message: env.message.clone(),
    }
}

fn answer(message_id: &str, report: &Report) -> Answer {
    if report.complete() {
        Answer::Done(format!("delivered {message_id}"))
    } else {
        Answer::Retry(format!(
            "{message_id} could not be posted to every channel; retry"
        ))
    }
}

/// Whether an SQS body is an SNS envelope (non-raw delivery) rather than a message put
/// there directly (raw delivery, or EventBridge → SQS).
fn looks_like_envelope(body: &str) -> bool {
    let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    o.contains_key("Type") && o.contains_key("TopicArn") && o.contains_key("MessageId")
}
