//! Checks for the value formats the configuration uses: durations, regions,
//! account ids, role ARNs, URLs and names. Each returns what was expected on failure.

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
    let partition_ok = partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|p| {
            !p.is_empty()
                && p.split('-')
                    .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase()))
        });
    if !partition_ok {
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
}
