//! The AWS calls the notification side makes itself, as the route's account: confirming an
//! SNS subscription, and receiving and deleting SQS messages. They go through the same
//! command language and wire as a typed command (`sns confirm-subscription …`), so the
//! request is the one the AWS CLI sends, signed with the account's role when it has one.

use std::sync::Arc;
use std::time::Duration;

use command::{parse_line, Catalog, Parsed};
use engine::{Route, Runner};
use serde_json::Value;
use wire::assume::AssumeParams;

/// The role session name notification calls use (CloudTrail shows it).
pub const SESSION_USER: &str = "chatops-notifications";

/// A received SQS message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
}

/// Why an AWS call of the notification side failed (the message names the call).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AwsError(pub String);

/// Calls AWS for the notification side.
pub struct AwsOps {
    catalog: Arc<Catalog>,
    runner: Runner,
}

impl AwsOps {
    /// `client` signs calls of accounts without a role (and the AssumeRole calls); `deadline`
    /// must exceed the SQS long-poll wait.
    pub fn new(catalog: Arc<Catalog>, client: wire::client::Client, deadline: Duration) -> AwsOps {
        AwsOps {
            runner: Runner::new(catalog.models.clone(), client, deadline),
            catalog,
        }
    }

    async fn call(
        &self,
        account: &config::Account,
        region: &str,
        line: &str,
    ) -> Result<Value, AwsError> {
        let call = match parse_line(&self.catalog, line) {
            Ok(Parsed::Call(c)) if c.missing.is_empty() => c,
            Ok(_) => return Err(AwsError(format!("`{line}` is not a complete call"))),
            Err(e) => return Err(AwsError(format!("`{line}`: {e}"))),
        };
        let assume = account.role_arn.as_ref().map(|arn| AssumeParams {
            role_arn: arn.clone(),
            user: SESSION_USER.to_string(),
            policy_arns: Vec::new(),
            policy: None,
            tags: Vec::new(),
        });
        let route = Route {
            region,
            endpoint: account.endpoint.as_deref(),
            assume: assume.as_ref(),
        };
        self.runner
            .call(&call, &route)
            .await
            .map(|r| r.result)
            .map_err(|f| {
                AwsError(format!(
                    "{} {}: {}",
                    call.service, call.cli_operation, f.message
                ))
            })
    }

    /// Confirms a subscription with the token SNS sent; returns the subscription ARN.
    pub async fn confirm_subscription(
        &self,
        account: &config::Account,
        topic_arn: &str,
        token: &str,
    ) -> Result<String, AwsError> {
        let region = arn_region(topic_arn).unwrap_or(&account.region);
        let line = format!(
            "sns confirm-subscription --topic-arn {} --token {} --authenticate-on-unsubscribe true",
            quoted(topic_arn)?,
            quoted(token)?
        );
        let v = self.call(account, region, &line).await?;
        Ok(v.get("SubscriptionArn")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string())
    }

    /// Long-polls the queue for up to `wait_secs` (at most 20) and returns up to 10 messages.
    pub async fn receive(
        &self,
        account: &config::Account,
        queue_url: &str,
        wait_secs: u32,
    ) -> Result<Vec<SqsMessage>, AwsError> {
        let region = queue_region(queue_url).unwrap_or(&account.region);
        let line = format!(
            "sqs receive-message --queue-url {} --max-number-of-messages 10 --wait-time-seconds {}",
            quoted(queue_url)?,
            wait_secs.min(20)
        );
        let v = self.call(account, region, &line).await?;
        let mut out = Vec::new();
        for m in v
            .get("Messages")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let field = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
            match (field("MessageId"), field("ReceiptHandle"), field("Body")) {
                (Some(message_id), Some(receipt_handle), Some(body)) => out.push(SqsMessage {
                    message_id,
                    receipt_handle,
                    body,
                }),
                _ => tracing::warn!(
                    queue = queue_url,
                    "an SQS message without MessageId, ReceiptHandle or Body; left in the queue"
                ),
            }
        }
        Ok(out)
    }

    /// Deletes a handled message.
    pub async fn delete(
        &self,
        account: &config::Account,
        queue_url: &str,
        receipt_handle: &str,
    ) -> Result<(), AwsError> {
        let region = queue_region(queue_url).unwrap_or(&account.region);
        let line = format!(
            "sqs delete-message --queue-url {} --receipt-handle {}",
            quoted(queue_url)?,
            quoted(receipt_handle)?
        );
        self.call(account, region, &line).await.map(drop)
    }
}

/// A value as one single-quoted word of the command line; AWS values (ARNs, URLs, tokens,
/// receipt handles) never hold a quote, so one that does is refused rather than escaped.
fn quoted(value: &str) -> Result<String, AwsError> {
    if value.contains('\'') || value.contains('\n') || value.is_empty() {
        return Err(AwsError(format!(
            "unexpected characters in an AWS value: {value:?}"
        )));
    }
    Ok(format!("'{value}'"))
}

/// The region of an ARN (`arn:aws:sns:us-east-1:…`).
pub fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The region of a queue URL on AWS (`https://sqs.eu-west-1.amazonaws.com/…`); `None` for
/// an emulator's URL (the account's region applies).
pub fn queue_region(url: &str) -> Option<&str> {
    let host = url.split("://").nth(1)?.split('/').next()?;
    let rest = host.strip_prefix("sqs.")?;
    let region = rest.split('.').next()?;
    (rest.contains(".amazonaws.com") && !region.is_empty()).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_of_arns_and_queue_urls() {
        assert_eq!(
            arn_region("arn:aws:sns:eu-west-1:123456789012:alarms"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:sns"), None);
        assert_eq!(
            queue_region("https://sqs.ap-south-1.amazonaws.com/123456789012/q"),
            Some("ap-south-1")
        );
        assert_eq!(queue_region("http://127.0.0.1:5000/123456789012/q"), None);
    }

    #[test]
    fn values_with_quotes_are_refused() {
        assert!(quoted("a'b").is_err());
        assert_eq!(quoted("AQEB+x/y=").unwrap(), "'AQEB+x/y='");
    }
}
