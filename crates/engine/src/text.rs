//! Reading what a user typed (the bot's mention, the engine's own commands, answers to a
//! question), and writing values into the engine's text dialect (see
//! [`crate::message::Rich`]) so they are shown exactly as they are.

/// A user's mention in the engine's dialect (see [`crate::message::Rich`]); each surface
/// shows it its own way: Slack as a mention, the web chat as a highlighted name, the terminal
/// as `@user`. An id the dialect cannot hold as a mention (empty, or with spaces, `<`, `>`
/// or `\`) is written as the literal text `@user` instead, so it can never open markup.
pub fn mention(user: &str) -> String {
    if user.is_empty() || user.contains(|c: char| c.is_whitespace() || "<>\\".contains(c)) {
        return literal(format!("@{user}"));
    }
    format!("<@{user}>")
}

/// A value as plain text of the dialect: every `\`, `*`, `` ` `` and `<` is escaped, so
/// [`crate::message::Rich`] reads it back as exactly `value`, never as markup.
pub fn literal(value: impl std::fmt::Display) -> String {
    let value = value.to_string();
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if crate::message::ESCAPED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A value shown as code (a command, a name the user could type), escaped like [`literal`].
/// An empty value is shown as two backticks (there is no empty code span).
pub fn code(value: impl std::fmt::Display) -> String {
    let value = value.to_string();
    if value.is_empty() {
        return literal("``");
    }
    format!("`{}`", literal(value))
}

/// A value shown with emphasis (a name being set or asked for), escaped like [`literal`].
pub fn strong(value: impl std::fmt::Display) -> String {
    let value = value.to_string();
    if value.is_empty() {
        return String::new();
    }
    format!("*{}*", literal(value))
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
    fn dialect_reads_marks_and_escapes() {
        use crate::message::{Rich, Span};
        let r = Rich::from(format!(
            "{} ran {} as {} \\* a*b <@ x> `",
            mention("U1"),
            code("x `1` *y* <@U2> \\"),
            strong("a*b")
        ));
        assert_eq!(
            r.0,
            vec![
                Span::Mention("U1".into()),
                Span::Plain(" ran ".into()),
                Span::Code("x `1` *y* <@U2> \\".into()),
                Span::Plain(" as ".into()),
                Span::Strong("a*b".into()),
                Span::Plain(" * a*b <@ x> `".into()),
            ]
        );
        assert_eq!(Rich::from(r.dialect()), r);
        assert_eq!(
            r.plain(),
            "<@U1> ran `x `1` *y* <@U2> \\` as *a*b* * a*b <@ x> `"
        );
        // Unpaired or empty marks, and backslashes before other characters, are text.
        for t in ["a <@", "**", "``", "a\\nb", "<@>", "*a\nb", "C:\\dir"] {
            assert_eq!(Rich::from(t).plain(), t, "{t}");
        }
        assert_eq!(
            Rich::from(mention("a b")).0,
            vec![Span::Plain("@a b".into())]
        );
        assert_eq!(Rich::from(code("")).plain(), "``");
    }

    proptest::proptest! {
        #[test]
        fn literal_is_read_back_as_one_plain_span(v in "(\\\\|\\*|`|<|>|@|U|1| |\n|x|\\PC){0,40}") {
            let r = crate::message::Rich::from(literal(&v));
            if v.is_empty() {
                proptest::prop_assert!(r.0.is_empty());
            } else {
                proptest::prop_assert_eq!(r.0, vec![crate::message::Span::Plain(v.clone())]);
            }
            let c = crate::message::Rich::from(code(&v));
            if !v.is_empty() {
                proptest::prop_assert_eq!(c.0, vec![crate::message::Span::Code(v.clone())]);
            }
        }
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
