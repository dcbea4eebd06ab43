//! Tolerant reads from a JSON payload: AWS messages vary in key case (`name`/`Name`),
//! number-or-string values and missing fields, and one bad field must never lose the
//! rest of the notification.

use serde_json::Value;

/// The value under `key`: the exact key first, else the first key equal to it ignoring
/// ASCII case (older alarm messages spell `Name`/`Value` where newer ones spell `name`).
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The value at a path of keys.
pub(crate) fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |cur, k| get(cur, k))
}

/// A scalar shown as text: a non-blank string as it is, a number or a boolean written
/// out; `None` for null, blank strings, arrays and objects.
pub(crate) fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The scalar under `key`, as text.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    get(v, key).and_then(scalar)
}

/// The scalar at a path of keys, as text.
pub(crate) fn text_at(v: &Value, keys: &[&str]) -> Option<String> {
    path(v, keys).and_then(scalar)
}

/// A number under `key`, also when written as a string (`"60"`).
pub(crate) fn number(v: &Value, key: &str) -> Option<f64> {
    match get(v, key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// The array under `key` (empty when absent or not an array).
pub(crate) fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    get(v, key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The scalars of the array under `key`, as text.
pub(crate) fn strings(v: &Value, key: &str) -> Vec<String> {
    array(v, key).iter().filter_map(scalar).collect()
}

/// At most `max` characters of `s`, ending in `…` when cut; `cut` is set then.
pub(crate) fn clip(s: &str, max: usize, cut: &mut bool) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    *cut = true;
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A number written without a needless `.0` (`0`, `1.5`, `99.9`).
pub(crate) fn show_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// The part of an ARN after its 5th colon (`stack/name/id`, `alarm:name`), or the
/// whole text when it is not an ARN.
pub(crate) fn arn_resource(arn: &str) -> &str {
    if !arn.starts_with("arn:") {
        return arn;
    }
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

/// The region field of an ARN (`arn:aws:cloudwatch:us-east-1:…` → `us-east-1`), when it
/// looks like a region code.
pub(crate) fn arn_region(arn: &str) -> Option<String> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let region = arn.split(':').nth(3)?;
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| region.to_string())
}

/// The account field of an ARN.
pub(crate) fn arn_account(arn: &str) -> Option<String> {
    if !arn.starts_with("arn:") {
        return None;
    }
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()))
        .then(|| account.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_keys_in_any_case_and_numbers_as_strings() {
        let v = json!({"Name": "FunctionName", "value": "orders", "Period": "60", "n": 1.5});
        assert_eq!(text(&v, "name").as_deref(), Some("FunctionName"));
        assert_eq!(text(&v, "Value").as_deref(), Some("orders"));
        assert_eq!(number(&v, "Period"), Some(60.0));
        assert_eq!(number(&v, "n"), Some(1.5));
        assert_eq!(text(&json!({"a": null}), "a"), None);
        assert_eq!(text(&json!({"a": "  "}), "a"), None);
        assert_eq!(show_number(0.0), "0");
        assert_eq!(show_number(2.5), "2.5");
    }

    #[test]
    fn arn_parts() {
        let a = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x:y";
        assert_eq!(arn_region(a).as_deref(), Some("eu-west-1"));
        assert_eq!(arn_account(a).as_deref(), Some("111122223333"));
        assert_eq!(arn_resource(a), "alarm:x:y");
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_resource("plain"), "plain");
    }
}
