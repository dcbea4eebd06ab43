//! Checks for the value formats the configuration uses: durations, regions,
//! account ids, role ARNs, URLs, names, and Teams' tenant and conversation ids. Each returns what was expected on failure.

use std::time::Duration;

/// Parses a duration such as `30s`, `10m`, `12h`, `7d`, `2w` or `1h30m`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    const EXPECTED: &str =
        "expected a duration such as \"30s\", \"10m\", \"12h\", \"7d\", \"2w\" or \"1h30m\"";
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("empty duration; {EXPECTED}"));
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("`{text}` is not a duration; {EXPECTED}"));
        }
        let (number, tail) = rest.split_at(digits);
        let unit_len = tail.chars().take_while(char::is_ascii_alphabetic).count();
        let (unit, tail) = tail.split_at(unit_len);
        let seconds_per: u64 = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            "" if tail.is_empty() => {
                return Err(format!(
                    "`{text}` has a number without a unit; {EXPECTED} (units: s, m, h, d, w)"
                ))
            }
            "" => return Err(format!("`{text}` is not a duration; {EXPECTED}")),
            other => {
                return Err(format!(
                    "`{text}` has an unknown unit `{other}`; {EXPECTED} (units: s, m, h, d, w)"
                ))
            }
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("`{text}` is too large; {EXPECTED}"))?;
        total = n
            .checked_mul(seconds_per)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(|| format!("`{text}` is too large; {EXPECTED}"))?;
        rest = tail;
    }
    if total == 0 {
        return Err(format!(
            "`{text}` is zero; expected a duration longer than zero"
        ));
    }
    Ok(Duration::from_secs(total))
}

/// An AWS region name: lowercase, like `us-east-1`, `eu-central-2` or `us-gov-west-1`.
pub(crate) fn check_region(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let ok = parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|p| {
            !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not an AWS region; expected a lowercase region name such as \"us-east-1\" or \"eu-west-2\""
        ))
    }
}

/// A 12-digit AWS account id.
pub(crate) fn check_account_id(text: &str) -> Result<(), String> {
    if text.len() == 12 && text.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not an AWS account id; expected exactly 12 digits, such as \"123456789012\""
        ))
    }
}

/// The parts of an IAM role ARN that the configuration checks further.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleArn {
    pub account: String,
}

/// An IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
pub(crate) fn parse_role_arn(text: &str) -> Result<RoleArn, String> {
    let expected = "expected an IAM role ARN like \"arn:aws:iam::123456789012:role/NAME\"";
    let bad = |why: &str| format!("`{text}` is not a role ARN: {why}; {expected}");
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return Err(bad(
            "it does not have the form arn:PARTITION:iam::ACCOUNT:role/NAME",
        ));
    }
    let partition = parts[1];
    if !is_partition(partition) {
        return Err(bad(&format!(
            "`{partition}` is not a partition (aws, aws-cn, aws-us-gov, ...)"
        )));
    }
    if parts[2] != "iam" {
        return Err(bad(&format!("the service is `{}`, not `iam`", parts[2])));
    }
    if !parts[3].is_empty() {
        return Err(bad("IAM ARNs have no region (expected `iam::`)"));
    }
    if check_account_id(parts[4]).is_err() {
        return Err(bad(&format!("`{}` is not a 12-digit account id", parts[4])));
    }
    let Some(path_and_name) = parts[5].strip_prefix("role/") else {
        return Err(bad("the resource must start with `role/`"));
    };
    let segments: Vec<&str> = path_and_name.split('/').collect();
    let name = segments.last().copied().unwrap_or("");
    if name.is_empty() || name.len() > 64 {
        return Err(bad("the role name must be 1 to 64 characters"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if segments
        .iter()
        .any(|s| s.is_empty() || !s.chars().all(allowed))
    {
        return Err(bad(
            "role paths and names use only letters, digits and + = , . @ _ -",
        ));
    }
    Ok(RoleArn {
        account: parts[4].to_string(),
    })
}

/// An AWS partition name: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ...
fn is_partition(text: &str) -> bool {
    text == "aws"
        || text.strip_prefix("aws-").is_some_and(|p| {
            !p.is_empty()
                && p.split('-')
                    .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase()))
        })
}

/// The parts of an SNS topic ARN that routing and `config check` use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TopicArn {
    pub region: String,
    pub account: String,
}

/// An SNS topic ARN: `arn:PARTITION:sns:REGION:ACCOUNT:NAME`, the name as SNS allows it
/// (1 to 256 letters, digits, `-` and `_`, a FIFO topic's ending in `.fifo`).
pub(crate) fn parse_topic_arn(text: &str) -> Result<TopicArn, String> {
    let expected = "expected an SNS topic ARN like \"arn:aws:sns:us-east-1:123456789012:alarms\"";
    let bad = |why: &str| format!("`{text}` is not a topic ARN: {why}; {expected}");
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return Err(bad(
            "it does not have the form arn:PARTITION:sns:REGION:ACCOUNT:NAME",
        ));
    }
    if !is_partition(parts[1]) {
        return Err(bad(&format!(
            "`{}` is not a partition (aws, aws-cn, aws-us-gov, ...)",
            parts[1]
        )));
    }
    if parts[2] != "sns" {
        return Err(bad(&format!("the service is `{}`, not `sns`", parts[2])));
    }
    if check_region(parts[3]).is_err() {
        return Err(bad(&format!("`{}` is not a region", parts[3])));
    }
    if check_account_id(parts[4]).is_err() {
        return Err(bad(&format!("`{}` is not a 12-digit account id", parts[4])));
    }
    if !is_resource_name(parts[5], 256) {
        return Err(bad(
            "topic names are 1 to 256 letters, digits, - and _ (FIFO topics end in .fifo)",
        ));
    }
    Ok(TopicArn {
        region: parts[3].to_string(),
        account: parts[4].to_string(),
    })
}

/// The parts of an SQS queue URL that routing and `config check` use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueUrl {
    pub account: String,
    /// The region named by an AWS host (`sqs.REGION.amazonaws.com`); `None` for other
    /// hosts (emulators, the legacy `queue.amazonaws.com`).
    pub region: Option<String>,
}

/// An SQS queue URL: http(s), a host, and a path ending in `/ACCOUNT/QUEUE`, so AWS's
/// `https://sqs.us-east-1.amazonaws.com/123456789012/chatops` and an emulator's
/// `http://127.0.0.1:5000/123456789012/chatops` both fit.
pub(crate) fn parse_queue_url(text: &str) -> Result<QueueUrl, String> {
    let expected = "expected an SQS queue URL like \"https://sqs.us-east-1.amazonaws.com/123456789012/chatops\"";
    let bad = |why: &str| format!("`{text}` is not a queue URL: {why}; {expected}");
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| bad("it does not start with https:// or http://"))?;
    check_authority(text, rest, expected)?;
    if rest.contains(['?', '#']) {
        return Err(bad("it has a query or fragment"));
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let segments: Vec<&str> = path.split('/').collect();
    let (account, queue) = match segments.as_slice() {
        [.., account, queue] => (*account, *queue),
        _ => return Err(bad("the path does not name an account id and a queue")),
    };
    if check_account_id(account).is_err() {
        return Err(bad(&format!(
            "`{account}` (the path's second-to-last part) is not a 12-digit account id"
        )));
    }
    if !is_resource_name(queue, 80) {
        return Err(bad(
            "queue names are 1 to 80 letters, digits, - and _ (FIFO queues end in .fifo)",
        ));
    }
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let region = host
        .strip_prefix("sqs.")
        .and_then(|h| {
            h.strip_suffix(".amazonaws.com")
                .or_else(|| h.strip_suffix(".amazonaws.com.cn"))
        })
        .filter(|r| check_region(r).is_ok())
        .map(str::to_string);
    Ok(QueueUrl {
        account: account.to_string(),
        region,
    })
}

/// An SNS topic or SQS queue name: 1 to `max` letters, digits, `-` and `_`, with an optional
/// `.fifo` ending (within `max`).
fn is_resource_name(text: &str, max: usize) -> bool {
    let base = text.strip_suffix(".fifo").unwrap_or(text);
    !base.is_empty()
        && text.len() <= max
        && base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The alarm states CloudWatch sends; the `states` filter also takes event statuses.
pub(crate) const ALARM_STATES: [&str; 3] = ["ALARM", "OK", "INSUFFICIENT_DATA"];

/// A value of a route's `states` filter: an alarm state, or an event's status as the event
/// writes it (`CREATE_FAILED`, `STOPPED`, `open`). Any word of letters, digits, `_`, `-` and
/// `.` is taken, since event statuses are open-ended; a near miss of a long alarm state
/// (`ALRAM`, `INSUFFICIENT`) is refused, because it would silently match nothing.
pub(crate) fn check_state(text: &str) -> Result<(), String> {
    let expected = "expected ALARM, OK, INSUFFICIENT_DATA or an event status such as CREATE_FAILED";
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        return Err(format!(
            "`{text}` is not a state; {expected} (letters, digits, _ - . only)"
        ));
    }
    let upper = text.to_ascii_uppercase();
    if ALARM_STATES.contains(&upper.as_str()) {
        return Ok(());
    }
    for state in ["ALARM", "INSUFFICIENT_DATA"] {
        let distance = strsim::damerau_levenshtein(&upper, state);
        let near = distance <= 2
            || (upper.len() >= 8 && (state.starts_with(&upper) || upper.starts_with(state)));
        if near {
            return Err(format!(
                "`{text}` is not an alarm state; {expected} (did you mean `{state}`?)"
            ));
        }
    }
    Ok(())
}

/// An `http://` or `https://` URL with a host and an optional port and path.
pub(crate) fn check_http_url(text: &str) -> Result<(), String> {
    let expected = "expected an http or https URL such as \"http://127.0.0.1:5000\"";
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"))
        .ok_or_else(|| format!("`{text}` is not an http(s) URL; {expected}"))?;
    check_authority(text, rest, expected)
}

/// A PostgreSQL connection URL: `postgres://` or `postgresql://`.
pub(crate) fn check_postgres_url(text: &str) -> Result<(), String> {
    let expected = "expected a URL such as \"postgres://user:password@host:5432/chatops\"";
    let rest = text
        .strip_prefix("postgres://")
        .or_else(|| text.strip_prefix("postgresql://"))
        .ok_or_else(|| format!("`{text}` is not a PostgreSQL URL; {expected}"))?;
    // user info may hold characters a host may not; check only what follows it.
    let rest = match rest.split_once('/') {
        Some((authority, _)) => authority.rsplit_once('@').map_or(authority, |(_, h)| h),
        None => rest.rsplit_once('@').map_or(rest, |(_, h)| h),
    };
    if rest.is_empty() {
        // postgres:///db uses a local socket; accept it.
        return Ok(());
    }
    check_authority(text, rest, expected)
}

fn check_authority(text: &str, rest: &str, expected: &str) -> Result<(), String> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(format!(
            "`{text}` holds credentials; {expected} without user or password"
        ));
    }
    let (host, port) = if let Some(after) = authority.strip_prefix('[') {
        // [IPv6]:port
        match after.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':')),
            None => return Err(format!("`{text}` has an unclosed `[`; {expected}")),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{text}` has no valid host; {expected}"));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(format!("`{text}` has an invalid port `{port}`; {expected}"));
        }
    }
    if text.chars().any(char::is_whitespace) {
        return Err(format!("`{text}` contains whitespace; {expected}"));
    }
    Ok(())
}

/// A name users type in chat (accounts, roles, workspaces): letters, digits, `_`, `-`, `.`.
pub(crate) fn check_identifier(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a valid name; expected 1 to 64 letters, digits, `_`, `-` or `.`, starting with a letter or digit"
        ))
    }
}

/// A free-form name (channels, policies, users): not blank, no surrounding spaces or control characters.
pub(crate) fn check_label(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err("the name is empty; expected a non-empty name".to_string())
    } else if text.trim() != text || text.chars().any(char::is_control) {
        Err(format!(
            "`{text}` has surrounding spaces or control characters; expected a plain name"
        ))
    } else {
        Ok(())
    }
}

/// Whether `text` is a GUID in its usual form: 8-4-4-4-12 hexadecimal digits, any case.
pub(crate) fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// An Azure AD (Microsoft Entra) tenant id: a GUID.
pub(crate) fn check_tenant_id(text: &str) -> Result<(), String> {
    if is_guid(text.trim()) && text.trim() == text {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a tenant id; expected the Azure AD (Microsoft Entra) tenant id, a GUID such as \"72f988bf-86f1-41af-91ab-2d7cd011db47\" (Azure portal: Microsoft Entra ID, Overview, Tenant ID)"
        ))
    }
}

/// What a Teams `platform_id` must be, for errors.
const TEAMS_CONVERSATION: &str = "expected a Teams conversation id: a channel's or group chat's \"19:…@thread.tacv2\" (the bot's welcome message names it), or a personal chat's \"a:…\"";

/// A Teams conversation id, as activities carry it in `conversation.id`: `19:…@thread.tacv2`
/// (a channel; older ones `@thread.skype`), `19:…@thread.v2` (a group or meeting chat) or
/// `a:…` (a personal chat with the bot). A channel's "link to message" id ends in
/// `;messageid=…`; the conversation is the part before it.
pub(crate) fn check_teams_conversation_id(text: &str) -> Result<(), String> {
    if let Some((conversation, _)) = text.split_once(";messageid=") {
        return Err(format!(
            "`{text}` names one message (a reply thread), not a conversation; use the part before `;messageid=`: \"{conversation}\""
        ));
    }
    if let Some(id) = channel_id_in_link(text) {
        return Err(format!(
            "`{text}` is a link to a channel, not its id; use the id the link holds: \"{id}\""
        ));
    }
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{text}` is empty or contains spaces; {TEAMS_CONVERSATION}"
        ));
    }
    let known_form = match text.strip_prefix("19:") {
        Some(rest) => rest.contains("@thread.") && !rest.starts_with('@'),
        None => text.strip_prefix("a:").is_some_and(|rest| !rest.is_empty()),
    };
    if known_form {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a Teams conversation id; {TEAMS_CONVERSATION}"
        ))
    }
}

/// The channel id inside a "Get link to channel" URL
/// (`https://teams.microsoft.com/l/channel/19%3a…%40thread.tacv2/General?groupId=…`), decoded.
fn channel_id_in_link(text: &str) -> Option<String> {
    let (_, tail) = text.split_once("/l/channel/")?;
    let encoded = tail.split(['/', '?']).next()?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
        match (b, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes)
        .ok()
        .filter(|id| id.starts_with("19:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(1_209_600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in [
            "",
            "7",
            "d",
            "7x",
            "0m",
            "1.5h",
            "-1h",
            "h1",
            "99999999999999999999d",
            "3 d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-west-2",
            "us-gov-west-1",
            "ap-southeast-5",
            "us-isob-east-1",
            "eu-central-2",
        ] {
            assert_eq!(check_region(ok), Ok(()), "{ok}");
        }
        for bad in [
            "US-EAST-1",
            "useast1",
            "us-east",
            "us-east-x",
            "u-east-1",
            "us--1",
            "us-east-1 ",
            "",
        ] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_ids() {
        assert!(check_account_id("012345678901").is_ok());
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(check_account_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        let ok = parse_role_arn("arn:aws:iam::123456789012:role/chatops").expect("ok");
        assert_eq!(ok.account, "123456789012");
        assert!(
            parse_role_arn("arn:aws-us-gov:iam::123456789012:role/path/to/Role+x=y,z.@_-").is_ok()
        );
        assert!(parse_role_arn("arn:aws-cn:iam::123456789012:role/a").is_ok());
        for bad in [
            "arn:aws:iam::123456789012:user/bob",
            "arn:aws:s3::123456789012:role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/a//b",
            "arn:aws:iam::123456789012:role/has space",
            "arn:AWS:iam::123456789012:role/x",
            "arn:aws:iam::123456789012",
            "role/x",
        ] {
            assert!(parse_role_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn topic_arns() {
        let ok = parse_topic_arn("arn:aws:sns:us-east-1:123456789012:alarms").expect("ok");
        assert_eq!(ok.account, "123456789012");
        assert_eq!(ok.region, "us-east-1");
        for ok in [
            "arn:aws-cn:sns:cn-north-1:123456789012:a_b-C",
            "arn:aws-us-gov:sns:us-gov-west-1:123456789012:orders.fifo",
        ] {
            assert!(parse_topic_arn(ok).is_ok(), "{ok}");
        }
        let long = format!("arn:aws:sns:us-east-1:123456789012:{}", "a".repeat(257));
        for bad in [
            "arn:aws:sqs:us-east-1:123456789012:alarms",
            "arn:aws:sns::123456789012:alarms",
            "arn:aws:sns:us-east-1:12345678901:alarms",
            "arn:aws:sns:us-east-1:123456789012:",
            "arn:aws:sns:us-east-1:123456789012:a:b",
            "arn:aws:sns:us-east-1:123456789012:has space",
            "arn:aws:sns:us-east-1:123456789012:.fifo",
            "arn:AWS:sns:us-east-1:123456789012:alarms",
            "alarms",
            long.as_str(),
        ] {
            assert!(parse_topic_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_urls() {
        let aws = parse_queue_url("https://sqs.us-east-1.amazonaws.com/123456789012/chatops")
            .expect("aws");
        assert_eq!(aws.account, "123456789012");
        assert_eq!(aws.region.as_deref(), Some("us-east-1"));
        let moto = parse_queue_url("http://127.0.0.1:5000/123456789012/q").expect("moto");
        assert_eq!(moto.account, "123456789012");
        assert_eq!(moto.region, None);
        for ok in [
            "http://localhost:4566/000000000000/orders.fifo",
            "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q",
            "https://queue.amazonaws.com/123456789012/q",
        ] {
            assert!(parse_queue_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "sqs.us-east-1.amazonaws.com/123456789012/q",
            "ftp://h/123456789012/q",
            "https://sqs.us-east-1.amazonaws.com/q",
            "https://sqs.us-east-1.amazonaws.com/",
            "https://sqs.us-east-1.amazonaws.com/12345/q",
            "https://sqs.us-east-1.amazonaws.com/123456789012/has space",
            "https://sqs.us-east-1.amazonaws.com/123456789012/q?x=1",
            "https://u:p@sqs.us-east-1.amazonaws.com/123456789012/q",
            "https:///123456789012/q",
            "https://queue.amazonaws.com/123456789012/q/",
        ] {
            assert!(parse_queue_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn states() {
        for ok in [
            "ALARM",
            "ok",
            "INSUFFICIENT_DATA",
            "CREATE_FAILED",
            "STOPPED",
            "open",
        ] {
            assert_eq!(check_state(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ALRAM",
            "ALARMS",
            "INSUFFICIENT",
            "INSUFICIENT_DATA",
            "",
            "has space",
        ] {
            assert!(check_state(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://example.com/path?q=1",
            "http://[::1]:4566",
            "http://localhost",
        ] {
            assert_eq!(check_http_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ftp://x",
            "http://",
            "http://:80",
            "http://h:0",
            "http://h:99999",
            "127.0.0.1:5000",
            "http://a b",
            "http://u:p@h",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
        for ok in [
            "postgres://u:p@db:5432/chatops",
            "postgresql://db/chatops",
            "postgres:///chatops",
            "postgres://u:p%40ss@db",
        ] {
            assert_eq!(check_postgres_url(ok), Ok(()), "{ok}");
        }
        for bad in ["mysql://db", "postgres://db:x/chatops", "chatops.db"] {
            assert!(check_postgres_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(check_identifier("prod-eu_1.a").is_ok());
        for bad in ["", "-x", "has space", "é", &"a".repeat(65)] {
            assert!(check_identifier(bad).is_err(), "{bad}");
        }
        assert!(check_label("ReadOnly Command Permissions").is_ok());
        assert!(check_label(" x").is_err());
        assert!(check_label("").is_err());
    }

    #[test]
    fn tenant_ids_are_guids() {
        assert!(check_tenant_id("72f988bf-86f1-41af-91ab-2d7cd011db47").is_ok());
        assert!(check_tenant_id("72F988BF-86F1-41AF-91AB-2D7CD011DB47").is_ok());
        for bad in [
            "",
            "72f988bf86f141af91ab2d7cd011db47",
            "{72f988bf-86f1-41af-91ab-2d7cd011db47}",
            " 72f988bf-86f1-41af-91ab-2d7cd011db47",
            "72f988bf-86f1-41af-91ab-2d7cd011db4g",
            "72f988bf-86f1-41af-91ab-2d7cd011db47-0",
            "contoso.onmicrosoft.com",
        ] {
            let e = check_tenant_id(bad).expect_err(bad);
            assert!(e.contains("expected the Azure AD"), "{e}");
        }
    }

    #[test]
    fn teams_conversation_ids() {
        for ok in [
            "19:abc123def456@thread.tacv2",
            "19:abc@thread.skype",
            "19:meeting_NjA4@thread.v2",
            "a:1xYz-AbC_012",
        ] {
            assert_eq!(check_teams_conversation_id(ok), Ok(()), "{ok}");
        }
        let e =
            check_teams_conversation_id("19:abc@thread.tacv2;messageid=1712345678901").unwrap_err();
        assert!(e.contains("the part before `;messageid=`"), "{e}");
        assert!(e.contains("\"19:abc@thread.tacv2\""), "{e}");
        let e = check_teams_conversation_id(
            "https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General?groupId=1&tenantId=2",
        )
        .unwrap_err();
        assert!(e.contains("\"19:abc@thread.tacv2\""), "{e}");
        for bad in [
            "",
            "C0123ABCD",
            "19:abc",
            "19:@thread.tacv2",
            "a:",
            "19:a b@thread.tacv2",
            "29:1abc",
        ] {
            let e = check_teams_conversation_id(bad).expect_err(bad);
            assert!(e.contains("expected a Teams conversation id"), "{bad}: {e}");
        }
    }
}
