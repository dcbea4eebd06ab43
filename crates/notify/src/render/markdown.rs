//! The `client-markdown` of custom notifications, shown safely: the engine's rich text
//! has only plain, strong, code and mentions, so `*bold*` / `**bold**` become strong,
//! `` `code` `` and ```` ```blocks``` ```` become code, and everything else — links
//! (`<http://x|label>`), `@here`, `<!channel>`, `<@U1>`, `_italic_` — stays plain text,
//! shown literally. A mention is never made from payload text.

use engine::Span;

/// The spans of a markdown text.
pub fn spans(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        let found = if starts(&chars, i, "```") {
            closed(&chars, i + 3, "```", true).map(|(t, next)| {
                let t = t.strip_prefix('\n').unwrap_or(&t).trim_end().to_string();
                (Span::Code(t), next)
            })
        } else if starts(&chars, i, "**") {
            closed(&chars, i + 2, "**", false).map(|(t, n)| (Span::Strong(t), n))
        } else if chars[i] == '*' {
            closed(&chars, i + 1, "*", false)
                .filter(|(t, _)| !t.starts_with(' ') && !t.ends_with(' '))
                .map(|(t, n)| (Span::Strong(t), n))
        } else if chars[i] == '`' {
            closed(&chars, i + 1, "`", false).map(|(t, n)| (Span::Code(t), n))
        } else {
            None
        };
        match found {
            Some((span, next)) if !is_empty(&span) => {
                if !plain.is_empty() {
                    out.push(Span::Plain(std::mem::take(&mut plain)));
                }
                out.push(span);
                i = next;
            }
            _ => {
                plain.push(chars[i]);
                i += 1;
            }
        }
    }
    if !plain.is_empty() {
        out.push(Span::Plain(plain));
    }
    out
}

/// The text of a markdown string without its marks (for one-line headlines).
pub fn plain(text: &str) -> String {
    spans(text)
        .into_iter()
        .map(|s| match s {
            Span::Plain(t) | Span::Strong(t) | Span::Code(t) | Span::Mention(t) => t,
        })
        .collect()
}

fn is_empty(span: &Span) -> bool {
    match span {
        Span::Plain(t) | Span::Strong(t) | Span::Code(t) | Span::Mention(t) => t.trim().is_empty(),
    }
}

fn starts(chars: &[char], at: usize, mark: &str) -> bool {
    mark.chars()
        .enumerate()
        .all(|(k, m)| chars.get(at + k) == Some(&m))
}

/// The text from `from` to the next `mark`, and the index after it; single-line marks
/// do not cross a newline.
fn closed(chars: &[char], from: usize, mark: &str, multiline: bool) -> Option<(String, usize)> {
    let mut j = from;
    while j < chars.len() {
        if starts(chars, j, mark) {
            let inner: String = chars.get(from..j)?.iter().collect();
            return Some((inner, j + mark.chars().count()));
        }
        if !multiline && chars[j] == '\n' {
            return None;
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_spans_and_the_rest_stays_text() {
        assert_eq!(
            spans("*Deploy* of `web` **now** <http://x|y> <!channel> <@U1> @here _i_"),
            vec![
                Span::Strong("Deploy".into()),
                Span::Plain(" of ".into()),
                Span::Code("web".into()),
                Span::Plain(" ".into()),
                Span::Strong("now".into()),
                Span::Plain(" <http://x|y> <!channel> <@U1> @here _i_".into()),
            ]
        );
        assert_eq!(
            spans("```\nline 1\nline 2\n```"),
            vec![Span::Code("line 1\nline 2".into())]
        );
        for t in ["a * b * c", "**", "`", "*\n*", "````"] {
            let s = spans(t);
            assert!(s.iter().all(|s| matches!(s, Span::Plain(_))), "{t}: {s:?}");
        }
    }
}
