//! Which `SigningCertURL`s may be fetched (or, with a trusted certificate, accepted at all).
//!
//! Anyone can POST an envelope whose `SigningCertURL` points at their own certificate and sign
//! it with their own key; the signature then "verifies". What makes a signature mean "AWS sent
//! this" is that the certificate came from AWS, so the URL must be exactly
//! `https://sns.<region>.amazonaws.com[.cn]/<name>.pem`: host matching
//! `^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`, no userinfo, no port, no query, no fragment.
//!
//! The check reads the raw string with a deliberately narrow grammar (lower-case scheme and
//! host, a path of `[A-Za-z0-9._/-]` only, no percent-escapes, no dot segments) rather than
//! normalising first, so no spelling that a URL library would *rewrite* into an allowed host
//! (`%2e`, upper case, a trailing dot, a backslash, tabs, `@`) gets through. As a second line,
//! the WHATWG parser `reqwest` fetches with must then agree on scheme, host, port and path.

use crate::verify::VerifyError;

/// Longest URL looked at; SNS's are about 100 characters.
const MAX_URL_LEN: usize = 1024;
/// How much of a refused URL an error repeats (the URL is attacker-chosen and goes to logs).
const MAX_URL_IN_ERROR: usize = 200;

/// Why a `SigningCertURL` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertUrlReason {
    /// Longer than any SNS certificate URL.
    TooLong,
    /// The scheme is not `https` (written in lower case).
    NotHttps,
    /// `user@` or `user:pass@` before the host.
    UserInfo,
    /// An explicit port (even `:443`).
    Port,
    /// The host is not `sns.<region>.amazonaws.com` or `sns.<region>.amazonaws.com.cn`.
    Host(String),
    /// A `?query`.
    Query,
    /// A `#fragment`.
    Fragment,
    /// A path character outside `[A-Za-z0-9._/-]` (percent-escapes included).
    PathCharacter(char),
    /// A `.` or `..` path segment.
    DotSegment,
    /// The path does not end with `.pem`.
    NotPem,
    /// The URL library that would fetch it reads it differently from this check.
    ParsersDisagree,
}

impl std::fmt::Display for CertUrlReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertUrlReason::TooLong => write!(f, "longer than {MAX_URL_LEN} characters"),
            CertUrlReason::NotHttps => write!(f, "the scheme must be https (lower case)"),
            CertUrlReason::UserInfo => write!(f, "a user name before the host is not allowed"),
            CertUrlReason::Port => write!(f, "an explicit port is not allowed"),
            CertUrlReason::Host(host) => write!(
                f,
                "host {:?} is not sns.<region>.amazonaws.com[.cn] (lower case, no trailing dot)",
                shorten(host)
            ),
            CertUrlReason::Query => write!(f, "a query string is not allowed"),
            CertUrlReason::Fragment => write!(f, "a fragment is not allowed"),
            CertUrlReason::PathCharacter(c) => write!(
                f,
                "path character {c:?} is not allowed (only A-Z a-z 0-9 . _ - /)"
            ),
            CertUrlReason::DotSegment => write!(f, "'.' and '..' path segments are not allowed"),
            CertUrlReason::NotPem => write!(f, "the path must end with .pem"),
            CertUrlReason::ParsersDisagree => {
                write!(f, "the URL does not parse to the same host and path")
            }
        }
    }
}

/// Says whether `url` may be a `SigningCertURL`: `Ok` for
/// `https://sns.<region>.amazonaws.com[.cn]/….pem`, else
/// [`VerifyError::CertUrlNotAllowed`] naming the URL and the rule it breaks.
pub fn check_cert_url(url: &str) -> Result<(), VerifyError> {
    cert_url_problem(url).map_or(Ok(()), |reason| {
        Err(VerifyError::CertUrlNotAllowed {
            url: shorten(url),
            reason,
        })
    })
}

/// The first rule `url` breaks, if any.
fn cert_url_problem(url: &str) -> Option<CertUrlReason> {
    if url.len() > MAX_URL_LEN {
        return Some(CertUrlReason::TooLong);
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return Some(CertUrlReason::NotHttps);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Some(CertUrlReason::UserInfo);
    }
    if authority.contains(':') && !authority.starts_with('[') {
        return Some(CertUrlReason::Port);
    }
    if !is_sns_host(authority) {
        return Some(CertUrlReason::Host(authority.to_string()));
    }
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let (path, tail) = after.split_at(path_end);
    if tail.starts_with('?') {
        return Some(CertUrlReason::Query);
    }
    if tail.starts_with('#') {
        return Some(CertUrlReason::Fragment);
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Some(CertUrlReason::PathCharacter(c));
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return Some(CertUrlReason::DotSegment);
    }
    // `path` is empty or starts with '/' (the authority ended at one of "/?#").
    if !path.ends_with(".pem") {
        return Some(CertUrlReason::NotPem);
    }
    // Second line: the parser reqwest fetches with must see the same thing.
    match reqwest::Url::parse(url) {
        Ok(parsed)
            if parsed.scheme() == "https"
                && parsed.host_str() == Some(authority)
                && parsed.port().is_none()
                && parsed.username().is_empty()
                && parsed.password().is_none()
                && parsed.path() == path
                && parsed.query().is_none()
                && parsed.fragment().is_none() =>
        {
            None
        }
        _ => Some(CertUrlReason::ParsersDisagree),
    }
}

/// `^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`, without a regex engine.
fn is_sns_host(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("sns.") else {
        return false;
    };
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
    match region {
        Some(region) => {
            !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
        None => false,
    }
}

fn shorten(s: &str) -> String {
    crate::shorten(s, MAX_URL_IN_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";

    fn reason(url: &str) -> CertUrlReason {
        match check_cert_url(url) {
            Err(VerifyError::CertUrlNotAllowed { reason, .. }) => reason,
            other => panic!("{url}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn real_sns_urls_are_allowed() {
        for url in [
            GOOD,
            "https://sns.eu-west-3.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-3250158c6b9ed0a9b5b8d7a1b8b2f2c2.pem",
            "https://sns.us-gov-west-1.amazonaws.com/a/b_c.pem",
        ] {
            assert_eq!(check_cert_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn other_hosts_are_refused() {
        for url in [
            "https://sns.us-east-1.amazonaws.com.evil.com/x.pem",
            "https://evil.com/sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com./x.pem",
            "https://SNS.us-east-1.amazonaws.com/x.pem",
            "https://sns.US-EAST-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.AMAZONAWS.com/x.pem",
            "https://sns%2eus-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1%2eamazonaws.com/x.pem",
            "https://sns..amazonaws.com/x.pem",
            "https://sns.amazonaws.com/x.pem",
            "https://sns.us.east.amazonaws.com/x.pem",
            "https://s3.us-east-1.amazonaws.com/x.pem",
            "https://xsns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.cn.evil/x.pem",
            "https://sns.us-east-1.amazonaws.co/x.pem",
            "https://54.239.0.1/x.pem",
            "https://[::1]/x.pem",
            "https://2130706433/x.pem",
            "https:///sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com\\.evil.com/x.pem",
            "https://sns.us-east-1.amazonaws.com\t/x.pem",
            "https://evil.com\\@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us_east-1.amazonaws.com/x.pem",
            "https://snѕ.us-east-1.amazonaws.com/x.pem",
            "https://xn--sns-.us-east-1.amazonaws.com/x.pem",
        ] {
            let r = reason(url);
            assert!(
                matches!(r, CertUrlReason::Host(_) | CertUrlReason::UserInfo),
                "{url}: {r:?}"
            );
        }
    }

    #[test]
    fn userinfo_ports_schemes_queries_and_fragments_are_refused() {
        let cases = [
            (
                "https://sns.us-east-1.amazonaws.com@evil.com/x.pem",
                CertUrlReason::UserInfo,
            ),
            (
                "https://user@sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::UserInfo,
            ),
            (
                "https://a:b@sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::UserInfo,
            ),
            (
                "https://sns.us-east-1.amazonaws.com:443/x.pem",
                CertUrlReason::Port,
            ),
            (
                "https://sns.us-east-1.amazonaws.com:8443/x.pem",
                CertUrlReason::Port,
            ),
            (
                "http://sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::NotHttps,
            ),
            (
                "HTTPS://sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::NotHttps,
            ),
            (
                " https://sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::NotHttps,
            ),
            (
                "https:/sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::NotHttps,
            ),
            (
                "//sns.us-east-1.amazonaws.com/x.pem",
                CertUrlReason::NotHttps,
            ),
            ("file:///etc/x.pem", CertUrlReason::NotHttps),
            ("", CertUrlReason::NotHttps),
            (
                "https://sns.us-east-1.amazonaws.com/x.pem?a=b",
                CertUrlReason::Query,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.pem?",
                CertUrlReason::Query,
            ),
            (
                "https://sns.us-east-1.amazonaws.com?/x.pem",
                CertUrlReason::Query,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.pem#f",
                CertUrlReason::Fragment,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.txt",
                CertUrlReason::NotPem,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.PEM",
                CertUrlReason::NotPem,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.pem/",
                CertUrlReason::NotPem,
            ),
            ("https://sns.us-east-1.amazonaws.com", CertUrlReason::NotPem),
            (
                "https://sns.us-east-1.amazonaws.com/",
                CertUrlReason::NotPem,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/%2e%2e/x.pem",
                CertUrlReason::PathCharacter('%'),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x%2epem",
                CertUrlReason::PathCharacter('%'),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/a\\b.pem",
                CertUrlReason::PathCharacter('\\'),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/a b.pem",
                CertUrlReason::PathCharacter(' '),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/x.pem\n",
                CertUrlReason::PathCharacter('\n'),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/@evil.com/x.pem",
                CertUrlReason::PathCharacter('@'),
            ),
            (
                "https://sns.us-east-1.amazonaws.com/../x.pem",
                CertUrlReason::DotSegment,
            ),
            (
                "https://sns.us-east-1.amazonaws.com/a/./x.pem",
                CertUrlReason::DotSegment,
            ),
        ];
        for (url, want) in cases {
            assert_eq!(reason(url), want, "{url}");
        }
        assert_eq!(
            reason(&format!("{GOOD}{}", "/a".repeat(600))),
            CertUrlReason::TooLong
        );
    }

    #[test]
    fn the_error_names_the_url_and_the_rule() {
        let err = check_cert_url("https://sns.us-east-1.amazonaws.com.evil.com/x.pem").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("https://sns.us-east-1.amazonaws.com.evil.com/x.pem"),
            "{text}"
        );
        assert!(text.contains("sns.<region>.amazonaws.com"), "{text}");
        // A huge URL is not repeated in full.
        let long = format!("https://evil.com/{}", "a".repeat(5000));
        assert!(check_cert_url(&long).unwrap_err().to_string().len() < 600);
    }

    proptest! {
        /// Whatever the checker allows, the URL parser reqwest uses reads as the same SNS host
        /// over https with no port, so nothing allowed can be fetched from elsewhere.
        #[test]
        fn allowed_urls_parse_to_an_sns_host(s in "https://[a-zA-Z0-9.:@%/\\\\?#_-]{0,60}") {
            if check_cert_url(&s).is_ok() {
                let u = reqwest::Url::parse(&s).expect("allowed URLs parse");
                prop_assert_eq!(u.scheme(), "https");
                prop_assert!(u.port().is_none());
                prop_assert!(is_sns_host(u.host_str().unwrap_or("")));
            }
        }

        #[test]
        fn allowed_variants_of_sns_urls(region in "[a-z0-9-]{1,20}", cn in any::<bool>(), name in "[A-Za-z0-9_-]{1,40}") {
            let url = format!("https://sns.{region}.amazonaws.com{}/{name}.pem", if cn { ".cn" } else { "" });
            prop_assert_eq!(check_cert_url(&url), Ok(()));
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = check_cert_url(&s);
        }
    }
}
