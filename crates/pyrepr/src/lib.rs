//! How Python spells values: `str()`, `repr()`, `float.__repr__`, and `json.dumps`.
//!
//! botocore and the AWS CLI are Python programs: botocore writes request bodies with
//! `json.dumps` and numbers with `str(float)`, and the CLI builds every output format from
//! `str`, `repr` and `json.dumps`. Reproducing these primitives exactly is what makes our
//! request bodies and our printed output byte-identical to theirs. One crate serves both, below
//! the request path (`wire`) and the printer (`cli-output`), so neither depends on the other.
//!
//! Why by hand: no crate spells floats as Python's `repr` does (ryu gives the shortest
//! digits, via serde_json; Python lays them out differently: `1e+16`, `1e-05`, `100.0`), nor
//! escapes strings as `repr` and `json.dumps(ensure_ascii=True)` do. The Unicode tables
//! (`str.isprintable`, East Asian Width) are generated from Python's `unicodedata` by
//! `scripts/gen_unicode_tables.py`, so they match the Python that runs the CLI.

use serde_json::{Number, Value};

#[rustfmt::skip]
mod unicode_tables;

use unicode_tables::{EAST_ASIAN_WIDE, NOT_PRINTABLE};

fn in_ranges(table: &[(u32, u32)], cp: u32) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The number of terminal columns the CLI's table formatter counts for `text`: two for every
/// character whose East Asian Width is Wide, Fullwidth or Ambiguous, one otherwise.
pub fn text_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.chars()
        .map(|c| {
            if in_ranges(EAST_ASIAN_WIDE, c as u32) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Python's `str.isprintable()` for one character.
pub fn is_printable(c: char) -> bool {
    !in_ranges(NOT_PRINTABLE, c as u32)
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in [-4, 16), else in scientific notation with a signed two-digit
/// (or longer) exponent; integral values in fixed notation end in `.0`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // The shortest digits that round-trip, ties to even as Python's dtoa breaks them:
    // ryu's, through serde_json ("1e16", "-2148590000000000.2", "1.5e-7", "0.001").
    let text = match Number::from_f64(f) {
        Some(n) => n.to_string(),
        None => return "nan".to_owned(),
    };
    let (negative, text) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text.as_str()),
    };
    let (mantissa, exp10) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().expect("exponent is an integer")),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = format!("{int_part}{frac_part}");
    // Significant digits, and the exponent of the first one.
    let leading_zeros = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let exp = if all.trim_start_matches('0').is_empty() {
        0
    } else {
        int_part.len() as i32 - 1 - leading_zeros as i32 + exp10
    };
    let ndigits = digits.len() as i32;
    // Python's decpt: the value is 0.d1d2... * 10^decpt.
    let decpt = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if decpt <= -4 || decpt > 16 {
        out.push_str(&digits[..1]);
        if ndigits > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..(-decpt) {
            out.push('0');
        }
        out.push_str(digits);
    } else if decpt >= ndigits {
        out.push_str(digits);
        for _ in 0..(decpt - ndigits) {
            out.push('0');
        }
        out.push_str(".0");
    } else {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    }
    out
}

/// A JSON number as Python prints it (`str()`, `repr()` and `json.dumps` agree for numbers):
/// integers exactly, floats through `float_repr`.
pub fn number_str(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        float_repr(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Python's `str(value)` for a parsed JSON value: strings as themselves, `True`/`False`/`None`,
/// numbers as Python prints them, lists and dicts through `repr()`.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            py_repr_into(other, &mut out);
            out
        }
    }
}

/// Python's `repr(value)`.
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    py_repr_into(value, &mut out);
    out
}

fn py_repr_into(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&number_str(n)),
        Value::String(s) => py_str_repr_into(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr_into(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_str_repr_into(k, out);
                out.push_str(": ");
                py_repr_into(v, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has a single quote and no double quote.
pub fn py_str_repr_into(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x7f => out.push(c),
            c if is_printable(c) => out.push(c),
            c => {
                let cp = c as u32;
                if cp <= 0xff {
                    out.push_str(&format!("\\x{:02x}", cp));
                } else if cp <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", cp));
                } else {
                    out.push_str(&format!("\\U{:08x}", cp));
                }
            }
        }
    }
    out.push(quote);
}

/// Python's type name for a value (`type(v).__name__`), as jmespath's error messages show it.
pub fn py_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Writes a JSON string the way Python's `json` module does.
pub fn json_str_into(s: &str, ensure_ascii: bool, out: &mut String) {
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
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && !(' '..='~').contains(&c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.dumps(value, indent=4, ensure_ascii=False)`: what `--output json` prints
/// (without the trailing newline).
pub fn json_pretty_into(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(level + 1, out);
                json_pretty_into(item, level + 1, out);
            }
            newline_indent(level, out);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(level + 1, out);
                json_str_into(k, false, out);
                out.push_str(": ");
                json_pretty_into(v, level + 1, out);
            }
            newline_indent(level, out);
            out.push('}');
        }
        other => json_compact_into(other, false, ", ", ": ", out),
    }
}

fn newline_indent(level: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..level * 4 {
        out.push(' ');
    }
}

/// `json.dumps(value, separators=(item_sep, key_sep), ensure_ascii=...)` without indentation.
pub fn json_compact_into(
    value: &Value,
    ensure_ascii: bool,
    item_sep: &str,
    key_sep: &str,
    out: &mut String,
) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&json_number(n)),
        Value::String(s) => json_str_into(s, ensure_ascii, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                json_compact_into(item, ensure_ascii, item_sep, key_sep, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                json_str_into(k, ensure_ascii, out);
                out.push_str(key_sep);
                json_compact_into(v, ensure_ascii, item_sep, key_sep, out);
            }
            out.push('}');
        }
    }
}

/// A number as Python's `json` module writes it (`NaN`/`Infinity` cannot occur in a
/// `serde_json::Value`, but are spelled as Python would for completeness).
fn json_number(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.is_nan() => "NaN".to_owned(),
        Some(f) if n.is_f64() && f.is_infinite() => {
            if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        }
        _ => number_str(n),
    }
}

/// Python's `repr(float)` with botocore's spelling of the special values (`NaN`, `Infinity`,
/// `-Infinity`): what request bodies and parsed non-finite floats carry, where `repr` would
/// write `nan` and `inf`.
pub fn botocore_float(f: f64) -> String {
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
    float_repr(f)
}

/// `json.dumps(value)` with Python's defaults (`", "` and `": "` separators, non-ASCII
/// escaped as `\uXXXX`): botocore's JSON request bodies.
pub fn json_dumps(v: &Value) -> String {
    let mut out = String::new();
    json_compact_into(v, true, ", ", ": ", &mut out);
    out
}

/// `json.dumps(value, separators=(',', ':'))`: botocore's `jsonvalue` headers.
pub fn json_dumps_compact(v: &Value) -> String {
    let mut out = String::new();
    json_compact_into(v, true, ",", ":", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_like_python() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e100, "1e+100"),
            (2.5, "2.5"),
            (1234.5678, "1234.5678"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            // Two shortest candidates at the same distance: Python takes the even digit.
            #[allow(clippy::excessive_precision)]
            (-2148590000000000.25, "-2148590000000000.2"),
            (0.001, "0.001"),
            (100.0, "100.0"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "{f:?}");
        }
    }

    #[test]
    fn repr_like_python() {
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(py_repr(&json!("a'b\"c")), "'a\\'b\"c'");
        assert_eq!(
            py_repr(&json!("tab\there\u{7f}é\u{200b}")),
            "'tab\\there\\x7fé\\u200b'"
        );
        assert_eq!(
            py_repr(&json!({"a": [1, 2.5, null, true, "x"]})),
            "{'a': [1, 2.5, None, True, 'x']}"
        );
    }

    #[test]
    fn widths() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("日本"), 4);
        assert_eq!(text_width("é"), 2); // Latin-1 letters are Ambiguous too
        assert_eq!(text_width("e\u{301}"), 3);
        assert_eq!(text_width("±"), 2); // Ambiguous counts as wide
    }

    #[test]
    fn floats_as_botocore_sends_them() {
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
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(botocore_float(f), s, "{f}");
        }
    }

    #[test]
    fn json_as_python_dumps_it() {
        let v: Value =
            serde_json::from_str(r#"{"a": [1, 2.5, "é\n"], "b": {"c": null, "d": true}}"#).unwrap();
        assert_eq!(
            json_dumps(&v),
            r#"{"a": [1, 2.5, "\u00e9\n"], "b": {"c": null, "d": true}}"#
        );
        assert_eq!(json_dumps(&Value::String("😀".into())), r#""\ud83d\ude00""#);
        assert_eq!(json_dumps(&Value::String("\u{7f}".into())), r#""\u007f""#);
        assert_eq!(
            json_dumps_compact(&json!({"a": [1, "b"]})),
            r#"{"a":[1,"b"]}"#
        );
    }
}
