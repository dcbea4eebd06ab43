//! Numbers and JSON written the way Python writes them, so request bodies are byte for byte
//! those of the AWS CLI (botocore uses `json.dumps` and `str(float)`).

use serde_json::{Number, Value};

/// Python's `repr(float)`, with botocore's spelling of the special values (`NaN`,
/// `Infinity`, `-Infinity`) that request bodies use.
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
    crate::output::pyfmt::float_repr(f)
}

/// A number as Python prints it: integers as integers, floats with `repr`.
pub fn number(n: &Number) -> String {
    crate::output::pyfmt::number_str(n)
}

/// `json.dumps(value)` with Python's defaults: `", "` and `": "` separators and non-ASCII
/// escaped as `\uXXXX`.
pub fn json(v: &Value) -> String {
    let mut out = String::new();
    crate::output::pyfmt::json_compact_into(v, true, ", ", ": ", &mut out);
    out
}

/// `json.dumps(value, separators=(',', ':'))`.
pub fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    crate::output::pyfmt::json_compact_into(v, true, ",", ":", &mut out);
    out
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
