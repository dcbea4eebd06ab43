//! The rule-set standard library: `isValidHostLabel`, `parseURL`, `uriEncode`, `substring`,
//! `aws.parseArn`, `aws.isVirtualHostableS3Bucket` and `getAttr`, with botocore's results for
//! every input (including its Python quirks), never a panic.

use super::value::Val;
use super::EndpointError;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::sync::Arc;

/// Everything but `A-Z a-z 0-9 - . _ ~` (RFC 3986 unreserved) is encoded.
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Python's `quote(path)`: unreserved and `/` stay.
const PATH_ENCODE: &AsciiSet = &URI_ENCODE.remove(b'/');

fn invalid(msg: impl Into<String>) -> EndpointError {
    EndpointError::Evaluation(msg.into())
}

/// Python's `$` also matches before one final newline.
fn strip_final_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// `^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$`, with Python's Unicode `\d`.
fn is_host_label(s: &str) -> bool {
    let s = strip_final_newline(s);
    let n = s.chars().count();
    if n == 0 || n > 63 || s.starts_with('-') || s.ends_with('-') {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || is_unicode_decimal(c))
}

/// Python's `\d` in a str pattern: Unicode decimal digits (category Nd).
fn is_unicode_decimal(c: char) -> bool {
    if c.is_ascii_digit() {
        return true;
    }
    // `to_digit` knows only ASCII; Unicode Nd digits are numeric and map to a single
    // decimal value. Good enough: treat any non-ASCII numeric char that is a decimal digit
    // per char::is_numeric and not a letter as a digit.
    !c.is_ascii() && c.is_numeric() && !c.is_alphabetic() && unicode_nd(c)
}

/// Ranges of the Unicode Nd category that are contiguous runs of ten digits.
fn unicode_nd(c: char) -> bool {
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0,
        0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0,
        0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0,
        0x1E950, 0x1FBF0,
    ];
    let u = c as u32;
    ZEROS.iter().any(|z| u >= *z && u < z + 10)
}

/// `isValidHostLabel(value, allowSubDomains)`.
pub(crate) fn is_valid_host_label(
    value: &Val,
    allow_subdomains: &Val,
) -> Result<Val, EndpointError> {
    let s = match value {
        Val::Null => return Ok(Val::Bool(false)),
        Val::Str(s) => s,
        other => {
            return Err(invalid(format!(
                "isValidHostLabel expects a string, not <class '{}'>",
                other.py_type()
            )))
        }
    };
    Ok(Val::Bool(host_label_check(s, allow_subdomains)))
}

fn host_label_check(s: &str, allow_subdomains: &Val) -> bool {
    match allow_subdomains {
        Val::Bool(false) if s.contains('.') => false,
        Val::Bool(true) => s.split('.').all(is_host_label),
        _ => is_host_label(s),
    }
}

/// `^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`
pub(crate) fn looks_like_ipv4(s: &str) -> bool {
    let s = strip_final_newline(s);
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`.
pub(crate) fn is_virtual_hostable_s3_bucket(
    value: &Val,
    allow_subdomains: &Val,
) -> Result<Val, EndpointError> {
    let s = match value {
        Val::Null => return Ok(Val::Bool(false)),
        Val::Str(s) => s,
        other => {
            return Err(invalid(format!(
                "aws.isVirtualHostableS3Bucket expects a string, not <class '{}'>",
                other.py_type()
            )))
        }
    };
    if s.chars().count() < 3 || s.to_lowercase() != **s || looks_like_ipv4(s) {
        return Ok(Val::Bool(false));
    }
    Ok(Val::Bool(host_label_check(s, allow_subdomains)))
}

/// `uriEncode(value)`: percent-encoding of everything but the unreserved characters.
pub(crate) fn uri_encode(value: &Val) -> Val {
    match value {
        Val::Null => Val::Null,
        other => Val::string(utf8_percent_encode(&other.py_str(), URI_ENCODE).to_string()),
    }
}

/// `substring(value, start, stop, reverse)`.
pub(crate) fn substring(
    value: &Val,
    start: &Val,
    stop: &Val,
    reverse: &Val,
) -> Result<Val, EndpointError> {
    let s = match value {
        Val::Str(s) => s,
        other => {
            return Err(invalid(format!(
                "Input must be a string, not <class '{}'>.",
                other.py_type()
            )))
        }
    };
    let (start, stop) = match (start, stop) {
        (Val::Int(a), Val::Int(b)) => (*a, *b),
        (a, b) => {
            return Err(invalid(format!(
                "substring indexes must be integers, not <class '{}'> and <class '{}'>",
                a.py_type(),
                b.py_type()
            )))
        }
    };
    let len = s.chars().count() as i64;
    if start >= stop || len < stop || !s.is_ascii() {
        return Ok(Val::Null);
    }
    // The text is ASCII from here on, so bytes are characters. Python slices clamp.
    let clamp = |i: i64| -> usize {
        let i = if i < 0 { (len + i).max(0) } else { i.min(len) };
        i as usize
    };
    let (a, b) = if matches!(reverse, Val::Bool(true)) {
        (clamp(len - stop), clamp(len - start))
    } else {
        (clamp(start), clamp(stop))
    };
    if a >= b {
        return Ok(Val::str(""));
    }
    Ok(Val::str(&s[a..b]))
}

/// `aws.parseArn(value)`.
pub(crate) fn parse_arn(value: &Val) -> Result<Val, EndpointError> {
    let s = match value {
        Val::Null => return Ok(Val::Null),
        Val::Str(s) => s,
        other => {
            return Err(invalid(format!(
                "aws.parseArn expects a string, not <class '{}'>",
                other.py_type()
            )))
        }
    };
    if !s.starts_with("arn:") {
        return Ok(Val::Null);
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.len() < 6 {
        return Ok(Val::Null);
    }
    let (partition, service, region, account, resource) =
        (parts[1], parts[2], parts[3], parts[4], parts[5]);
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Ok(Val::Null);
    }
    let resource_id: Vec<Val> = resource.split([':', '/']).map(Val::str).collect();
    Ok(Val::obj(vec![
        ("partition", Val::str(partition)),
        ("service", Val::str(service)),
        ("region", Val::str(region)),
        ("accountId", Val::str(account)),
        ("resourceId", Val::List(Arc::new(resource_id))),
    ]))
}

/// The pieces of a URL as Python's `urllib.parse.urlsplit` cuts them.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct SplitUrl {
    pub scheme: String,
    pub netloc: String,
    pub path: String,
    pub query: String,
    pub fragment: String,
}

/// `urllib.parse.urlsplit` (Python 3.11): leading C0/space stripped, tabs and newlines
/// removed, scheme lower-cased, brackets checked.
pub(crate) fn urlsplit(url: &str) -> Result<SplitUrl, String> {
    let trimmed = url.trim_start_matches(|c: char| (c as u32) <= 0x20);
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest: &str = &cleaned;
    let mut out = SplitUrl::default();
    if let Some(i) = rest.find(':') {
        let first = rest.chars().next();
        if i > 0
            && first.is_some_and(|c| c.is_ascii_alphabetic())
            && rest[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            out.scheme = rest[..i].to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        out.netloc = after[..end].to_string();
        rest = &after[end..];
        let open = out.netloc.contains('[');
        let close = out.netloc.contains(']');
        if open != close {
            return Err("Invalid IPv6 URL".into());
        }
        if open && close {
            check_bracketed_netloc(&out.netloc)?;
        }
    }
    let mut rest = rest.to_string();
    if let Some(i) = rest.find('#') {
        out.fragment = rest[i + 1..].to_string();
        rest.truncate(i);
    }
    if let Some(i) = rest.find('?') {
        out.query = rest[i + 1..].to_string();
        rest.truncate(i);
    }
    out.path = rest;
    Ok(out)
}

fn check_bracketed_netloc(netloc: &str) -> Result<(), String> {
    let host_port = netloc.rsplit_once('@').map(|(_, h)| h).unwrap_or(netloc);
    let hostname = match host_port.split_once('[') {
        Some((before, bracketed)) => {
            if !before.is_empty() {
                return Err("Invalid IPv6 URL".into());
            }
            let (host, port) = bracketed.split_once(']').unwrap_or((bracketed, ""));
            if !port.is_empty() && !port.starts_with(':') {
                return Err("Invalid IPv6 URL".into());
            }
            host
        }
        None => host_port
            .split_once(':')
            .map(|(h, _)| h)
            .unwrap_or(host_port),
    };
    if let Some(future) = hostname.strip_prefix('v') {
        let ok = future.split_once('.').is_some_and(|(hex, tail)| {
            !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) && !tail.is_empty()
        });
        if !ok {
            return Err("IPvFuture address is invalid".into());
        }
        return Ok(());
    }
    let addr = hostname.split_once('%').map(|(a, _)| a).unwrap_or(hostname);
    if hostname.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err("An IPv4 address cannot be in brackets".into());
    }
    if addr.parse::<std::net::Ipv6Addr>().is_err() {
        return Err(format!(
            "'{hostname}' does not appear to be an IPv4 or IPv6 address"
        ));
    }
    Ok(())
}

impl SplitUrl {
    /// `(hostname, port)` as Python's `_hostinfo`: the part after `@`, brackets removed.
    fn hostinfo(&self) -> (&str, Option<&str>) {
        let hostinfo = self
            .netloc
            .rsplit_once('@')
            .map(|(_, h)| h)
            .unwrap_or(&self.netloc);
        let (host, port) = match hostinfo.split_once('[') {
            Some((_, bracketed)) => {
                let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
                let port = after.split_once(':').map(|(_, p)| p).unwrap_or("");
                (host, port)
            }
            None => hostinfo.split_once(':').unwrap_or((hostinfo, "")),
        };
        (host, (!port.is_empty()).then_some(port))
    }

    /// Python's `.hostname`: `None` when empty; lower-cased up to a `%` zone.
    pub(crate) fn hostname(&self) -> Option<String> {
        let (host, _) = self.hostinfo();
        if host.is_empty() {
            return None;
        }
        Some(match host.split_once('%') {
            Some((h, zone)) => format!("{}%{}", h.to_lowercase(), zone),
            None => host.to_lowercase(),
        })
    }

    /// Python's `.port` raises for a port that is not a number in 0..=65535.
    pub(crate) fn port_is_valid(&self) -> bool {
        match self.hostinfo().1 {
            None => true,
            Some(p) => {
                p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u64>().is_ok_and(|n| n <= 65535)
            }
        }
    }
}

/// RFC 3986 IPv6 address (with the permissive dotted quad botocore's pattern uses) and an
/// optional `%zone`, as botocore's `IPV6_ADDRZ_RE` checks `[hostname]`.
pub(crate) fn is_ipv6_with_zone(host: &str) -> bool {
    let (addr, zone) = match host.find('%') {
        Some(i) => (&host[..i], Some(&host[i + 1..])),
        None => (host, None),
    };
    if let Some(zone) = zone {
        if !is_zone_id(zone) {
            return false;
        }
    }
    is_rfc3986_ipv6(addr)
}

fn is_zone_id(z: &str) -> bool {
    if z.is_empty() {
        return false;
    }
    let b = z.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'!' | b'-' | b'~') {
            i += 1;
        } else if c == b'%'
            && i + 2 < b.len()
            && b[i + 1].is_ascii_hexdigit()
            && b[i + 2].is_ascii_hexdigit()
        {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

fn is_h16(s: &str) -> bool {
    (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Counts the 16-bit units of a run of `h16` groups whose last may be a dotted quad.
fn ipv6_units(part: &str, last_may_be_v4: bool) -> Option<usize> {
    if part.is_empty() {
        return Some(0);
    }
    let groups: Vec<&str> = part.split(':').collect();
    let mut units = 0;
    for (i, g) in groups.iter().enumerate() {
        if is_h16(g) {
            units += 1;
        } else if last_may_be_v4 && i == groups.len() - 1 && looks_like_ipv4_strict_end(g) {
            units += 2;
        } else {
            return None;
        }
    }
    Some(units)
}

fn looks_like_ipv4_strict_end(s: &str) -> bool {
    !s.ends_with('\n') && looks_like_ipv4(s)
}

fn is_rfc3986_ipv6(addr: &str) -> bool {
    match addr.find("::") {
        Some(i) => {
            let head = &addr[..i];
            let tail = &addr[i + 2..];
            if tail.contains("::") {
                return false;
            }
            match (ipv6_units(head, false), ipv6_units(tail, true)) {
                (Some(h), Some(t)) => h + t <= 7,
                _ => false,
            }
        }
        None => ipv6_units(addr, true) == Some(8),
    }
}

/// botocore's `remove_dot_segments`: `.` and `..` resolved, empty segments dropped.
fn normalize_url_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", out.join("/"))
}

/// `parseURL(value)`.
pub(crate) fn parse_url(value: &Val) -> Result<Val, EndpointError> {
    let s = match value {
        Val::Null => return Ok(Val::Null),
        Val::Str(s) => s,
        other => {
            return Err(invalid(format!(
                "parseURL expects a string, not <class '{}'>",
                other.py_type()
            )))
        }
    };
    let parts = urlsplit(s).map_err(invalid)?;
    if !parts.port_is_valid() {
        return Ok(Val::Null);
    }
    if !(parts.scheme == "https" || parts.scheme == "http") || !parts.query.is_empty() {
        return Ok(Val::Null);
    }
    let mut normalized =
        utf8_percent_encode(&normalize_url_path(&parts.path), PATH_ENCODE).to_string();
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    let hostname = parts.hostname();
    let is_ip = match &hostname {
        // botocore's IPv4 check runs `re.match` on None and raises.
        None => {
            return Err(invalid(
                "expected string or bytes-like object, got 'NoneType'",
            ))
        }
        Some(h) => looks_like_ipv4(h) || (!s.contains(['\t', '\r', '\n']) && is_ipv6_with_zone(h)),
    };
    Ok(Val::obj(vec![
        ("scheme", Val::string(parts.scheme)),
        ("authority", Val::string(parts.netloc)),
        ("path", Val::string(parts.path)),
        ("normalizedPath", Val::string(normalized)),
        ("isIp", Val::Bool(is_ip)),
    ]))
}

/// One step of a `getAttr` path: a field name, optionally followed by an index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PathPart {
    Field(String),
    /// `name[i]` (name may be empty): ends the walk, as botocore returns at the first index.
    Index(String, usize),
}

/// Splits `a.b[0]` the way botocore does: on `.`, and `(\w*)\[(\d+)\]` anywhere in a part.
pub(crate) fn parse_path(path: &str) -> Vec<PathPart> {
    path.split('.')
        .map(|part| match find_index(part) {
            Some((name, i)) => PathPart::Index(name, i),
            None => PathPart::Field(part.to_string()),
        })
        .collect()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn find_index(part: &str) -> Option<(String, usize)> {
    for (open, _) in part.match_indices('[') {
        let after = &part[open + 1..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || !after[digits.len()..].starts_with(']') {
            continue;
        }
        let before = &part[..open];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map(|(i, _)| i)
            .unwrap_or(open);
        let index = digits.parse::<usize>().unwrap_or(usize::MAX);
        return Some((part[start..open].to_string(), index));
    }
    None
}

fn len_of(v: &Val) -> Option<usize> {
    match v {
        Val::List(l) => Some(l.len()),
        Val::Str(s) => Some(s.chars().count()),
        Val::Obj(o) => Some(o.len()),
        _ => None,
    }
}

/// `getAttr(value, path)`: a missing field is `None` (botocore raises there; no rule set
/// reaches it), an index past the end is `None`.
pub(crate) fn get_attr(value: &Val, path: &[PathPart]) -> Result<Val, EndpointError> {
    let mut cur = value.clone();
    for part in path {
        match part {
            PathPart::Field(name) => {
                cur = match &cur {
                    Val::Obj(_) => cur.field(name).cloned().unwrap_or(Val::Null),
                    other => {
                        return Err(invalid(format!(
                            "getAttr: cannot read '{name}' of <class '{}'>",
                            other.py_type()
                        )))
                    }
                };
            }
            PathPart::Index(name, i) => {
                if !name.is_empty() {
                    cur = match &cur {
                        Val::Obj(_) => cur.field(name).cloned().unwrap_or(Val::Null),
                        other => {
                            return Err(invalid(format!(
                                "getAttr: cannot read '{name}' of <class '{}'>",
                                other.py_type()
                            )))
                        }
                    };
                }
                if cur.is_null() {
                    return Ok(Val::Null);
                }
                let Some(n) = len_of(&cur) else {
                    return Err(invalid(format!(
                        "getAttr: <class '{}'> cannot be indexed",
                        cur.py_type()
                    )));
                };
                if *i >= n {
                    return Ok(Val::Null);
                }
                return Ok(match &cur {
                    Val::List(l) => l[*i].clone(),
                    Val::Str(s) => s
                        .chars()
                        .nth(*i)
                        .map(|c| Val::string(c.to_string()))
                        .unwrap_or(Val::Null),
                    _ => {
                        return Err(invalid(format!(
                            "getAttr: <class '{}'> cannot be indexed",
                            cur.py_type()
                        )))
                    }
                });
            }
        }
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val::str(x)
    }
    const T: Val = Val::Bool(true);
    const F: Val = Val::Bool(false);

    #[test]
    fn host_labels() {
        let ok = |v: &str, sub: &Val| is_valid_host_label(&s(v), sub).unwrap() == T;
        assert!(ok("us-east-1", &F));
        assert!(ok("a", &F));
        assert!(ok(&"a".repeat(63), &F));
        assert!(!ok(&"a".repeat(64), &F));
        assert!(!ok("-a", &F));
        assert!(!ok("a-", &F));
        assert!(!ok("", &F));
        assert!(!ok("a.b", &F));
        assert!(ok("a.b", &T));
        assert!(!ok("a..b", &T));
        assert!(!ok("a.-b", &T));
        assert!(!ok("a_b", &F));
        assert!(!ok("a b", &F));
        // Python's `$` accepts one trailing newline.
        assert!(ok("abc\n", &F));
        assert_eq!(is_valid_host_label(&Val::Null, &F).unwrap(), F);
        assert!(is_valid_host_label(&T, &F).is_err());
    }

    #[test]
    fn virtual_hostable_buckets() {
        let ok = |v: &str, sub: &Val| is_virtual_hostable_s3_bucket(&s(v), sub).unwrap() == T;
        assert!(ok("my-bucket", &F));
        assert!(!ok("ab", &F));
        assert!(!ok("My-Bucket", &F));
        assert!(!ok("192.168.1.1", &T));
        assert!(!ok("my.bucket", &F));
        assert!(ok("my.bucket", &T));
        assert!(!ok("my_bucket", &F));
        assert_eq!(is_virtual_hostable_s3_bucket(&Val::Null, &T).unwrap(), F);
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_encode(&s("a b/c~d-e.f_g")), s("a%20b%2Fc~d-e.f_g"));
        assert_eq!(uri_encode(&s("é")), s("%C3%A9"));
        assert_eq!(uri_encode(&Val::Null), Val::Null);
        assert_eq!(uri_encode(&T), s("True"));
    }

    #[test]
    fn substrings() {
        let sub = |v: &str, a: i64, b: i64, r: bool| {
            substring(&s(v), &Val::Int(a), &Val::Int(b), &Val::Bool(r)).unwrap()
        };
        assert_eq!(sub("abcdefg", 0, 3, false), s("abc"));
        assert_eq!(sub("abcdefg", 0, 3, true), s("efg"));
        assert_eq!(sub("abcdefg", 2, 4, true), s("de"));
        assert_eq!(sub("abc", 0, 3, false), s("abc"));
        assert_eq!(sub("abc", 0, 4, false), Val::Null);
        assert_eq!(sub("abc", 2, 2, false), Val::Null);
        assert_eq!(sub("abc", 3, 1, false), Val::Null);
        assert_eq!(sub("ab\u{e9}d", 0, 2, false), Val::Null);
        let e = substring(&Val::Null, &Val::Int(0), &Val::Int(1), &F).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Input must be a string, not <class 'NoneType'>."
        );
    }

    #[test]
    fn arns() {
        let a = parse_arn(&s("arn:aws:s3:us-west-2:123456789012:accesspoint/my:ap")).unwrap();
        assert_eq!(a.field("partition"), Some(&s("aws")));
        assert_eq!(a.field("service"), Some(&s("s3")));
        assert_eq!(a.field("region"), Some(&s("us-west-2")));
        assert_eq!(a.field("accountId"), Some(&s("123456789012")));
        assert_eq!(
            a.field("resourceId").unwrap().py_str(),
            "['accesspoint', 'my', 'ap']"
        );
        let empty = parse_arn(&s("arn:aws:s3:::bucket")).unwrap();
        assert_eq!(empty.field("region"), Some(&s("")));
        assert_eq!(
            parse_arn(&s("arn:aws:s3:us-west-2:123")).unwrap(),
            Val::Null
        );
        assert_eq!(parse_arn(&s("arn::s3:r:a:res")).unwrap(), Val::Null);
        assert_eq!(parse_arn(&s("arn:aws::r:a:res")).unwrap(), Val::Null);
        assert_eq!(parse_arn(&s("arn:aws:s3:r:a:")).unwrap(), Val::Null);
        assert_eq!(parse_arn(&s("notarn:aws:s3:r:a:x")).unwrap(), Val::Null);
        assert_eq!(parse_arn(&Val::Null).unwrap(), Val::Null);
    }

    fn url(v: &str) -> Val {
        parse_url(&s(v)).unwrap()
    }

    #[test]
    fn urls() {
        let u = url("https://example.com:8443/a/./b//../c?");
        assert_eq!(u.field("scheme"), Some(&s("https")));
        assert_eq!(u.field("authority"), Some(&s("example.com:8443")));
        assert_eq!(u.field("path"), Some(&s("/a/./b//../c")));
        assert_eq!(u.field("normalizedPath"), Some(&s("/a/c/")));
        assert_eq!(u.field("isIp"), Some(&F));
        let u = url("http://127.0.0.1:5000");
        assert_eq!(u.field("path"), Some(&s("")));
        assert_eq!(u.field("normalizedPath"), Some(&s("/")));
        assert_eq!(u.field("isIp"), Some(&T));
        assert_eq!(url("http://[::1]:80/x").field("isIp"), Some(&T));
        assert_eq!(url("http://[fe80::1%25eth0]/").field("isIp"), Some(&T));
        assert_eq!(
            url("HTTPS://Example.com/a b").field("scheme"),
            Some(&s("https"))
        );
        assert_eq!(
            url("https://example.com/a b").field("normalizedPath"),
            Some(&s("/a%20b/"))
        );
        assert_eq!(
            url("https://example.com/a%20b").field("normalizedPath"),
            Some(&s("/a%2520b/"))
        );
        assert_eq!(
            url("https://example.com/x#frag").field("path"),
            Some(&s("/x"))
        );
        assert_eq!(
            url("https://user@host/").field("authority"),
            Some(&s("user@host"))
        );
        assert_eq!(url("https://example.com?a=b"), Val::Null);
        assert_eq!(url("ftp://example.com"), Val::Null);
        assert_eq!(url("example.com"), Val::Null);
        assert_eq!(url("https://example.com:port"), Val::Null);
        assert_eq!(url("https://example.com:70000"), Val::Null);
        assert_eq!(parse_url(&Val::Null).unwrap(), Val::Null);
        assert!(parse_url(&s("http://[::1/")).is_err());
        assert!(parse_url(&s("http:///path")).is_err());
        // Whitespace botocore's urlsplit drops.
        assert_eq!(
            url("  https://exa\tmple.com").field("authority"),
            Some(&s("example.com"))
        );
    }

    #[test]
    fn ipv6_forms() {
        for ok in [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4",
            "::ffff:1.2.3.4",
            "1::2:3",
            "1:2:3:4:5:6:7::",
        ] {
            assert!(is_ipv6_with_zone(ok), "{ok}");
        }
        for bad in [
            "1:2:3:4:5:6:7",
            "1::2::3",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            "1.2.3.4",
            "::1%",
            "g::",
        ] {
            assert!(!is_ipv6_with_zone(bad), "{bad}");
        }
        assert!(is_ipv6_with_zone("fe80::1%eth0"));
        assert!(is_ipv6_with_zone("fe80::1%25eth0"));
    }

    #[test]
    fn get_attr_paths() {
        let arn = parse_arn(&s("arn:aws:s3:us-west-2:123:accesspoint/ap")).unwrap();
        let g = |p: &str| get_attr(&arn, &parse_path(p)).unwrap();
        assert_eq!(g("region"), s("us-west-2"));
        assert_eq!(g("resourceId[0]"), s("accesspoint"));
        assert_eq!(g("resourceId[1]"), s("ap"));
        assert_eq!(g("resourceId[2]"), Val::Null);
        assert_eq!(g("missing"), Val::Null);
        assert_eq!(g("missing[0]"), Val::Null);
        let list = Val::List(Arc::new(vec![s("x"), s("y")]));
        assert_eq!(get_attr(&list, &parse_path("[1]")).unwrap(), s("y"));
        let nested = Val::obj(vec![("a", Val::obj(vec![("b", list.clone())]))]);
        assert_eq!(get_attr(&nested, &parse_path("a.b[0]")).unwrap(), s("x"));
        assert_eq!(get_attr(&nested, &parse_path("a.b")).unwrap(), list);
        assert!(get_attr(&Val::Null, &parse_path("a")).is_err());
        assert!(get_attr(&s("abc"), &parse_path("a")).is_err());
        assert_eq!(get_attr(&s("abc"), &parse_path("[1]")).unwrap(), s("b"));
        assert_eq!(parse_path("x-y[3]"), vec![PathPart::Index("y".into(), 3)]);
    }

    #[test]
    fn url_paths_normalize() {
        assert_eq!(normalize_url_path(""), "/");
        assert_eq!(normalize_url_path("/"), "/");
        assert_eq!(normalize_url_path("/a/../../b/"), "/b/");
        assert_eq!(normalize_url_path("a/b"), "a/b");
    }
}
