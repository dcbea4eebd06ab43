//! Keeps the database password out of every error. The driver's messages do not normally
//! contain it, but a parse error may quote the URL, and a server message may echo what it
//! was sent; so every driver error is turned into text, the password (as written in the URL
//! and as decoded) replaced, and only that text kept. The original error is not kept.

use crate::StoreError;
use std::error::Error as _;

/// A driver error's text with the password removed.
#[derive(Debug)]
pub(crate) struct Redacted(String);

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Redacted {}

/// What to remove: every spelling of the password we know.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor { .. }")
    }
}

impl Redactor {
    /// Remembers the password as written in `url` (URL or `key=value` form) and each
    /// spelling in `also` (the decoded one, one given apart from the URL).
    pub(crate) fn new(url: &str, also: &[&[u8]]) -> Redactor {
        let mut secrets: Vec<String> = url_password(url)
            .into_iter()
            .map(str::to_string)
            .chain(also.iter().map(|b| String::from_utf8_lossy(b).into_owned()))
            .filter(|s| !s.is_empty())
            .collect();
        // Longest first, so a password containing another spelling is removed whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub(crate) fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "<password>");
        }
        out
    }

    /// The whole error chain as one redacted line.
    fn text(&self, e: &(dyn std::error::Error + 'static)) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            source = s.source();
        }
        self.clean(&text)
    }

    /// The error as redacted text, to put inside another error.
    pub(crate) fn redacted(&self, e: &postgres::Error) -> Redacted {
        Redacted(self.text(e))
    }

    /// A connection that could not be opened.
    pub(crate) fn unavailable(&self, op: &'static str, e: &postgres::Error) -> StoreError {
        StoreError::Unavailable {
            op,
            source: Box::new(Redacted(self.text(e))),
        }
    }

    /// Any driver error: `Unavailable` when the connection is lost or the server refuses
    /// work for now, `Backend` otherwise.
    pub(crate) fn wrap(&self, op: &'static str, e: &postgres::Error) -> StoreError {
        let source = Box::new(Redacted(self.text(e)));
        if connection_lost(e) {
            StoreError::Unavailable { op, source }
        } else {
            StoreError::Backend { op, source }
        }
    }
}

/// True for errors that say the connection is gone or the server is not taking work:
/// closed, I/O failure, timeout, SQLSTATE class 08 (connection exception) or 57P
/// (operator intervention: shutdown, terminated backend, starting up).
pub(crate) fn connection_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        let code = code.code();
        return code.starts_with("08") || code.starts_with("57P");
    }
    if e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return true;
    }
    let text = e.to_string();
    text.starts_with("timeout waiting for server") || text.starts_with("error connecting")
}

/// The password as written in a `postgres://user:password@host/db` URL or a
/// `password=secret` key-value string, if any.
fn url_password(url: &str) -> Vec<&str> {
    let mut found = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        // The user info ends at the last `@` (a password may contain `@` or `/`; the decoded
        // password from the parsed settings is redacted as well, whatever this finds).
        if let Some((userinfo, _)) = rest.rsplit_once('@') {
            if let Some((_, password)) = userinfo.split_once(':') {
                found.push(password);
            }
        }
        if let Some((_, query)) = rest.split_once('?') {
            for pair in query.split('&') {
                if let Some(p) = pair.strip_prefix("password=") {
                    found.push(p);
                }
            }
        }
    } else {
        for word in url.split_whitespace() {
            if let Some(p) = word.strip_prefix("password=") {
                found.push(p.trim_matches('\''));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_password_in_every_form() {
        assert_eq!(
            url_password("postgres://u:s3cr%40t@h:5432/db"),
            ["s3cr%40t"]
        );
        assert_eq!(url_password("postgres://u:p@ss@h/db"), ["p@ss"]);
        assert_eq!(url_password("postgres://u:a/b@h/db"), ["a/b"]);
        assert_eq!(url_password("postgres://u@h/db?password=abc&x=1"), ["abc"]);
        assert_eq!(url_password("host=h password='xyz' user=u"), ["xyz"]);
        assert!(url_password("postgres://u@h/db").is_empty());
        let r = Redactor::new("postgres://u:s3cr%40t@h/db", &[b"s3cr@t"]);
        assert_eq!(
            r.clean("bad s3cr@t and s3cr%40t"),
            "bad <password> and <password>"
        );
    }
}
