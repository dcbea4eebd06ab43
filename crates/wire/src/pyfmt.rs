//! Numbers and JSON written the way Python writes them, so request bodies are byte for byte
//! those of the AWS CLI (botocore uses `json.dumps` and `str(float)`).

use serde_json::{Number, Value};

/// Python's `repr(float)`: the shortest digits that round-trip, scientific notation below
/// 1e-4 and from 1e16, `.0` on whole numbers.
pub fn float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Shortest round-trip digits and exponent from Rust's formatter.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { "-" } else { "+" };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-point) as usize));
    }
    let point = point as usize;
    if digits.len() <= point {
        format!("{sign}{digits}{}.0", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// A number as Python prints it: integers as integers, floats with `repr`.
pub fn number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    float(n.as_f64().unwrap_or(0.0))
}

/// `json.dumps(value)` with Python's defaults: `", "` and `": "` separators and non-ASCII
/// escaped as `\uXXXX`.
pub fn json(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, (", ", ": "));
    out
}

/// `json.dumps(value, separators=(',', ':'))`.
pub fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v, (",", ":"));
    out
}

fn write_json(out: &mut String, v: &Value, seps: (&str, &str)) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => write_str(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(seps.0);
                }
                write_json(out, x, seps);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(seps.0);
                }
                write_str(out, k);
                out.push_str(seps.1);
                write_json(out, x, seps);
            }
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_python_prints_them() {
        for (f, s) in [
            (12.5, "12.5"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (1.5e300, "1.5e+300"),
            (100.0, "100.0"),
        ] {
            assert_eq!(float(f), s, "{f}");
        }
    }

    #[test]
    fn json_as_python_dumps_it() {
        let v: Value =
            serde_json::from_str(r#"{"a": [1, 2.5, "é\n"], "b": {"c": null, "d": true}}"#).unwrap();
        assert_eq!(
            json(&v),
            r#"{"a": [1, 2.5, "\u00e9\n"], "b": {"c": null, "d": true}}"#
        );
        assert_eq!(json(&Value::String("😀".into())), r#""\ud83d\ude00""#);
        assert_eq!(json(&Value::String("\u{7f}".into())), r#""\u007f""#);
    }
}
