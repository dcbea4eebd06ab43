//! Typed condition values: numbers, dates, IP ranges and base64 blobs, parsed the way IAM
//! reads them.

use base64::Engine;
use std::net::IpAddr;

/// A decimal number (`"10"`, `"-2.5"`).
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    ok.then(|| t.parse::<f64>().ok())
        .flatten()
        .filter(|n| n.is_finite())
}

/// A date as milliseconds since the epoch: W3C ISO 8601 (`2024`, `2024-05`, `2024-05-01`,
/// `2024-05-01T10:00Z`, `2024-05-01T10:00:00.5+02:00`) or epoch seconds.
pub fn date(s: &str) -> Option<i64> {
    let t = s.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse::<i64>().ok()?.checked_mul(1000);
    }
    let (date, time) = match t.split_once(['T', 't']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let mut it = date.split('-');
    let year: i64 = digits(it.next()?, 4)?;
    let month: i64 = it.next().map_or(Some(1), |m| digits(m, 2))?;
    let day: i64 = it.next().map_or(Some(1), |d| digits(d, 2))?;
    if it.next().is_some() || !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    if let Some(tm) = time {
        let (clock, offset) = split_zone(tm)?;
        let mut parts = clock.split(':');
        let h: i64 = digits(parts.next()?, 2)?;
        let m: i64 = digits(parts.next()?, 2)?;
        let (sec, frac) = match parts.next() {
            Some(s) => match s.split_once('.') {
                Some((s, f)) => (digits(s, 2)?, fraction_ms(f)?),
                None => (digits(s, 2)?, 0),
            },
            None => (0, 0),
        };
        if parts.next().is_some() || h > 24 || m > 59 || sec > 60 {
            return None;
        }
        ms += ((h * 60 + m) * 60 + sec) * 1000 + frac - offset * 60_000;
    }
    Some(ms)
}

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn fraction_ms(f: &str) -> Option<i64> {
    if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut padded: String = f.chars().take(3).collect();
    while padded.len() < 3 {
        padded.push('0');
    }
    padded.parse().ok()
}

/// Splits `10:00:00+02:00` into the clock and the offset in minutes (none = UTC).
fn split_zone(t: &str) -> Option<(&str, i64)> {
    if let Some(c) = t.strip_suffix(['Z', 'z']) {
        return Some((c, 0));
    }
    match t.rfind(['+', '-']) {
        Some(i) => {
            let (clock, zone) = t.split_at(i);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':').unwrap_or((&zone[1..], "00"));
            Some((clock, sign * (digits(h, 2)? * 60 + digits(m, 2)?)))
        }
        None => Some((t, 0)),
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An address range: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let t = s.trim();
        let (a, bits) = match t.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (t, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { addr, bits })
    }

    /// Whether an address (or a one-address range) lies in this range.
    pub fn contains(&self, ip: &str) -> bool {
        let Some(other) = Cidr::parse(ip) else {
            return false;
        };
        if other.bits < self.bits {
            return false;
        }
        match (self.addr, other.addr) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                prefix_eq(u32::from(a) as u128, u32::from(b) as u128, self.bits, 32)
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                prefix_eq(u128::from(a), u128::from(b), self.bits, 128)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8, width: u8) -> bool {
    if bits == 0 {
        return true;
    }
    let shift = u32::from(width - bits);
    (a >> shift) == (b >> shift)
}

/// Base64 text as bytes.
pub fn binary(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(date("1700000000"), Some(1_700_000_000_000));
        assert_eq!(date("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(date("2023-11-15T00:13:20+02:00"), Some(1_700_000_000_000));
        assert_eq!(date("2023-11-14T22:13:20.5Z"), Some(1_700_000_000_500));
        assert_eq!(date("2024-01"), date("2024-01-01T00:00Z"));
        assert_eq!(date("2024"), Some(2_024_000));
        assert_eq!(date("2024-02-30"), None);
        assert_eq!(date("yesterday"), None);
        assert_eq!(date("2024-1-1"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(number("10"), Some(10.0));
        assert_eq!(number(" -2.5 "), Some(-2.5));
        assert_eq!(number("ten"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number(""), None);
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3"));
        assert!(!c.contains("11.0.0.1"));
        assert!(!c.contains("::1"));
        assert!(Cidr::parse("203.0.113.7").unwrap().contains("203.0.113.7"));
        assert!(!Cidr::parse("203.0.113.7").unwrap().contains("203.0.113.8"));
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains("2001:db8:1::5"));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8"));
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0/8").is_none());
    }
}
