//! Reading what a user typed: the bot's mention, the engine's own commands (help, aliases,
//! roles, accounts) and answers to a question.

/// A user's mention in the engine's text dialect (see [`crate::message::Block::Text`]); each
/// surface shows it its own way: Slack as a mention, the web chat as a highlighted name, the
/// terminal as `@user`.
pub fn mention(user: &str) -> String {
    format!("<@{user}>")
}

/// Text of the engine's dialect as plain text (the terminal): mentions become `@user`.
pub fn to_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<@") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('>') {
            Some(end) if end > 0 && !after[..end].contains(char::is_whitespace) => {
                out.push('@');
                out.push_str(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("<@");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

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
    fn plain_text_shows_mentions_as_names() {
        assert_eq!(
            to_plain(&format!("{} ran `x <@ y>`", mention("U1"))),
            "@U1 ran `x <@ y>`"
        );
        assert_eq!(to_plain("a <@"), "a <@");
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
