//! Reading what a user typed: the bot's mention, the engine's own commands (help, aliases,
//! roles, accounts) and answers to a question.

/// The text without a leading `@aws`, `<@U…>` or `aws`.
pub fn strip_mention(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let before = t;
        if let Some(rest) = t.strip_prefix("<@") {
            if let Some(end) = rest.find('>') {
                t = rest[end + 1..].trim_start();
            }
        }
        for prefix in ["@aws", "@AWS", "@Aws"] {
            if let Some(rest) = t.strip_prefix(prefix) {
                if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                    t = rest.trim_start();
                }
            }
        }
        if t.len() > 4 && t[..4].eq_ignore_ascii_case("aws ") {
            t = t[4..].trim_start();
        }
        if t == before {
            return t;
        }
    }
}

/// The first word, lower-cased, and the rest.
pub fn first_word(text: &str) -> (String, &str) {
    let t = text.trim();
    match t.split_once(char::is_whitespace) {
        Some((w, rest)) => (w.to_lowercase(), rest.trim_start()),
        None => (t.to_lowercase(), ""),
    }
}

/// Quotes a value so the command tokenizer reads it back as one word, unchanged.
pub fn quote(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || "'\"\\`$|&;<>(){}[]*?#~".contains(c))
    {
        return value.to_string();
    }
    if !value.contains('\'') {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '`' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions() {
        assert_eq!(
            strip_mention("@aws lambda list-functions"),
            "lambda list-functions"
        );
        assert_eq!(strip_mention("<@U012> aws help"), "help");
        assert_eq!(strip_mention("  help "), "help");
        assert_eq!(strip_mention("@awsome"), "@awsome");
    }

    #[test]
    fn quoting_round_trips() {
        for v in [
            "plain",
            "two words",
            "it's",
            "a\"b",
            "{\"k\": 1}",
            "$HOME",
            "",
        ] {
            let words = command::tokenize(&format!("--x {}", quote(v))).unwrap();
            assert_eq!(words, vec!["--x".to_string(), v.to_string()], "{v}");
        }
    }
}
