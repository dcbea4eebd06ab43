//! Text in both directions.
//!
//! Outgoing: Slack's mrkdwn gives `&`, `<` and `>` control meaning (`<http://x|label>` links,
//! `<!channel>` broadcasts, `<#C1>` channel links, `<@U1>` mentions), so every piece of text
//! is escaped to `&amp;`, `&lt;`, `&gt;`. The engine's [`Rich`] text is rendered span by
//! span (`rich_atoms`): plain text is escaped completely, so it never forms a mention
//! whatever it contains; a mention span becomes `<@U…>` / `<@W…>` only when its id is a Slack
//! user id (a `U` or `W` and upper-case letters and digits), so people are notified, and
//! `@id` otherwise. Nothing can form a link, a broadcast or a labelled mention. Code and
//! tables are escaped completely (no mentions).
//!
//! Incoming: Slack sends message text escaped the same way and with its own markup (links
//! it detected, mentions); [`from_slack`] turns that back into what the user typed.

use engine::{Rich, Span};

/// Longest user id kept as a mention (Slack's ids are 9–11 characters today).
const MAX_ID_LEN: usize = 24;

/// Length of `<@…>` at the start of `s` when it is a user mention the engine may write.
fn mention_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("<@")?;
    let end = rest.find('>')?;
    let id = &rest[..end];
    let mut chars = id.chars();
    let first = chars.next()?;
    let ok = (first == 'U' || first == 'W')
        && id.len() >= 3
        && id.len() <= MAX_ID_LEN
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    ok.then_some(end + 3)
}

/// One indivisible piece of escaped output: a mention, an entity, or one character.
pub(crate) fn atoms(text: &str, keep_mentions: bool) -> Vec<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if keep_mentions {
            if let Some(n) = mention_len(rest) {
                out.push(rest[..n].to_string());
                i += n;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or('\u{fffd}');
        out.push(match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            c => c.to_string(),
        });
        i += c.len_utf8().max(1);
    }
    out
}

/// A backtick inside inline code: mrkdwn has no escape for it and would end the code there,
/// so it is shown as the look-alike MODIFIER LETTER GRAVE ACCENT.
const CODE_BACKTICK: char = '\u{02CB}';

/// A `*` inside strong text: mrkdwn would end the emphasis there, so it is shown as the
/// look-alike ASTERISK OPERATOR.
const STRONG_STAR: char = '\u{2217}';

/// One indivisible piece of mrkdwn per atom for the engine's rich text: plain text escaped
/// completely, strong as `*…*`, code as `` `…` ``, a mention as `<@ID>` when `ID` is a Slack
/// user id (and as the text `@ID` otherwise).
pub(crate) fn rich_atoms(text: &Rich) -> Vec<String> {
    let mut out = Vec::new();
    for span in &text.0 {
        match span {
            Span::Plain(t) => out.extend(atoms(t, false)),
            Span::Strong(t) => {
                out.push("*".to_string());
                out.extend(atoms(&t.replace('*', &STRONG_STAR.to_string()), false));
                out.push("*".to_string());
            }
            Span::Code(t) => {
                out.push("`".to_string());
                out.extend(atoms(&t.replace('`', &CODE_BACKTICK.to_string()), false));
                out.push("`".to_string());
            }
            Span::Mention(user) => {
                let written = format!("<@{user}>");
                if mention_len(&written) == Some(written.len()) {
                    out.push(written);
                } else {
                    out.extend(atoms(&format!("@{user}"), false));
                }
            }
        }
    }
    out
}

/// Atoms of text that is already escaped (entities and mentions stay whole).
pub(crate) fn escaped_atoms(escaped: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(escaped.len());
    let mut i = 0;
    while i < escaped.len() {
        let rest = &escaped[i..];
        let n = ["&amp;", "&lt;", "&gt;"]
            .iter()
            .find(|e| rest.starts_with(**e))
            .map(|e| e.len())
            .or_else(|| mention_len(rest))
            .unwrap_or_else(|| rest.chars().next().map_or(1, char::len_utf8));
        out.push(&rest[..n]);
        i += n;
    }
    out
}

/// Escapes text for mrkdwn, keeping `<@U…>` mentions.
pub fn escape(text: &str) -> String {
    atoms(text, true).concat()
}

/// Escapes text for mrkdwn completely (code, tables, labels of links nobody should follow).
pub fn escape_all(text: &str) -> String {
    atoms(text, false).concat()
}

/// Slack's character count of a string (Slack's limits count characters, not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// At most `max` characters of `s`, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if char_len(s) <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Splits escaped atoms into chunks of at most `limit` characters, preferring to cut after a
/// newline, never inside an atom (an entity or a mention). A chunk's trailing newline is
/// dropped (Slack trims it anyway).
pub(crate) fn chunk_atoms(atoms: &[String], limit: usize) -> Vec<String> {
    let limit = limit.max(MAX_ID_LEN + 4);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < atoms.len() {
        let mut len = 0;
        let mut end = start;
        let mut last_newline = None;
        while end < atoms.len() {
            let n = char_len(&atoms[end]);
            if len + n > limit {
                break;
            }
            len += n;
            if atoms[end] == "\n" {
                last_newline = Some(end);
            }
            end += 1;
        }
        if end < atoms.len() {
            if let Some(nl) = last_newline {
                if nl > start {
                    end = nl + 1;
                }
            }
        }
        let mut chunk: String = atoms[start..end].concat();
        if chunk.ends_with('\n') {
            chunk.pop();
        }
        chunks.push(chunk);
        start = end;
    }
    chunks
}

/// What the user typed, from the `text` of a Slack message event: links Slack detected
/// (`<https://x.io|x.io>`, `<mailto:a@b|a@b>`) become the text shown, channel links
/// (`<#C1|general>`) become `#general`, special mentions (`<!here>`) become `@here`, user
/// mentions `<@U1>` stay as they are (the engine strips a leading one), and the entities
/// `&amp;`, `&lt;`, `&gt;` are decoded.
pub fn from_slack(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            out.push_str(&decode_entities(&rest[open..]));
            rest = "";
            break;
        };
        let inner = &after[..close];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        if target.starts_with('@') {
            if label.is_some() {
                out.push('<');
                out.push_str(target);
                out.push('>');
            } else {
                out.push_str(&rest[open..open + close + 2]);
            }
        } else if let Some(ch) = target.strip_prefix('#') {
            out.push('#');
            out.push_str(&decode_entities(label.unwrap_or(ch)));
        } else if let Some(special) = target.strip_prefix('!') {
            let name = special.split('^').next().unwrap_or(special);
            out.push('@');
            out.push_str(&decode_entities(label.unwrap_or(name)));
        } else {
            out.push_str(&decode_entities(label.unwrap_or(target)));
        }
        rest = &after[close + 1..];
    }
    out.push_str(&decode_entities(rest));
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_controls_and_keeps_engine_mentions() {
        assert_eq!(
            escape("<@U024BE7LH> ran a & b > c <!channel> <http://evil|ok> <#C1>"),
            "<@U024BE7LH> ran a &amp; b &gt; c &lt;!channel&gt; &lt;http://evil|ok&gt; &lt;#C1&gt;"
        );
        assert_eq!(escape("<@U1|admin>"), "&lt;@U1|admin&gt;");
        assert_eq!(escape("<@u024be7lh>"), "&lt;@u024be7lh&gt;");
        assert_eq!(escape("<@W12345>"), "<@W12345>");
        assert_eq!(escape_all("<@U024BE7LH>"), "&lt;@U024BE7LH&gt;");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn from_slack_restores_what_was_typed() {
        assert_eq!(
            from_slack("<@U0LAN0Z89> s3 ls &lt;bucket&gt; &amp;&amp; <https://example.com|example.com> <mailto:a@b.io|a@b.io> <#C123|ops> <!here> <https://x.io>"),
            "<@U0LAN0Z89> s3 ls <bucket> && example.com a@b.io #ops @here https://x.io"
        );
        assert_eq!(from_slack("a < b"), "a < b");
        assert_eq!(from_slack("<@U1|bob> hi"), "<@U1> hi");
        assert_eq!(
            from_slack("--query 'Reservations[?x==`a`]' &gt; out"),
            "--query 'Reservations[?x==`a`]' > out"
        );
        assert_eq!(from_slack("&amp;lt;"), "&lt;");
    }

    #[test]
    fn chunks_prefer_newlines_and_keep_atoms_whole() {
        let a = atoms("aaaa\nbbbb\ncc&cc", true);
        let c = chunk_atoms(&a, 30);
        assert_eq!(c, vec!["aaaa\nbbbb\ncc&amp;cc"]);
        let long = "x".repeat(70);
        let c = chunk_atoms(&atoms(&long, true), 30);
        assert_eq!(
            c.iter().map(|s| s.len()).collect::<Vec<_>>(),
            vec![30, 30, 10]
        );
        let amp = "&".repeat(20);
        for chunk in chunk_atoms(&atoms(&amp, true), 31) {
            assert!(chunk.len() <= 31 && chunk.len() % 5 == 0, "{chunk}");
        }
    }

    proptest! {
        #[test]
        fn escaped_text_forms_no_link_or_broadcast(s in "(<|>|&|@|!|#|U|W|1|A|a|\\||:|/| |\n){0,60}") {
            let e = escape(&s);
            // Every '<' left starts a plain user mention and every '>' closes one.
            let mut rest = e.as_str();
            while let Some(i) = rest.find(['<', '>']) {
                let here = &rest[i..];
                prop_assert!(here.starts_with('<'), "stray '>' in {e:?}");
                let n = mention_len(here);
                prop_assert!(n.is_some(), "not a mention at {here:?} in {e:?}");
                rest = &here[n.unwrap_or(1)..];
            }
            prop_assert!(!escape_all(&s).contains(['<', '>']));
            // Escaping is reversible.
            prop_assert_eq!(decode_entities(&e), s.clone());
        }

        #[test]
        fn chunks_respect_the_limit_and_lose_nothing(s in "\\PC{0,400}", limit in 28usize..120) {
            let a = atoms(&s, true);
            let chunks = chunk_atoms(&a, limit);
            for c in &chunks {
                prop_assert!(char_len(c) <= limit);
            }
            let joined: String = chunks.concat();
            let expect: String = a.concat();
            prop_assert_eq!(joined.replace('\n', ""), expect.replace('\n', ""));
        }
    }
}
