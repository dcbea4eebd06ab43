//! Undoing what any chat does to a typed command line: phones turn `--` into an em dash and
//! quotes into curly quotes, people paste commands inside backticks or code blocks, and
//! invisible characters ride along with a paste.
//!
//! What one platform does to text (Slack's entities, links and mention markup) is undone by
//! that platform's surface before the text reaches the engine, and the bot's mention is the
//! engine's to strip: the line here is what the user typed, so `&amp;` stays `&amp;`.

/// The line a user meant to type, with chat decorations removed.
pub fn normalize(input: &str) -> String {
    let s = strip_code_wrapping(input.trim());
    let s = replace_typography(&s);
    strip_code_wrapping(s.trim())
}

fn strip_code_wrapping(s: &str) -> String {
    let t = s.trim();
    if let Some(inner) = t.strip_prefix("```").and_then(|r| r.strip_suffix("```")) {
        let inner = inner.trim_start_matches(|c: char| c != '\n' && c.is_whitespace());
        // A language tag on the opening fence line (```bash) is dropped, also when the
        // whole block is on one line (```bash lambda list-functions```).
        let inner = match inner.split_once(['\n', ' ']) {
            Some((first, rest)) if !first.trim().is_empty() && is_fence_tag(first.trim()) => rest,
            _ => inner,
        };
        return inner.trim().to_string();
    }
    if t.len() >= 2 && t.starts_with('`') && t.ends_with('`') && !t[1..t.len() - 1].contains('`') {
        return t[1..t.len() - 1].trim().to_string();
    }
    t.to_string()
}

fn is_fence_tag(s: &str) -> bool {
    matches!(
        s,
        "bash" | "sh" | "shell" | "console" | "zsh" | "text" | "aws"
    )
}

/// Stands for an apostrophe that is text, never a quote (see `tokenize`).
pub(crate) const LITERAL_APOSTROPHE: char = '\u{E000}';

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{FE58}'
            | '\u{FE63}'
            | '\u{FF0D}'
    )
}

/// Curly quotes become straight ones; a run of dash characters that starts a word (an option
/// typed on a phone: `—name`, `–-name`, `‐‐name`) becomes `--`; full-width ASCII becomes
/// ASCII; odd spaces become plain spaces; invisible and text-direction characters go (they
/// could make a reply display differently from what it says).
fn replace_typography(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_word_start = i == 0 || chars[i - 1].is_whitespace();
        let mut j = i;
        while j < chars.len() && is_dash(chars[j]) {
            j += 1;
        }
        // Only a dash run that starts a word and is followed by a letter is an option
        // (`—region`); a dash standing alone in text ("a — b") is kept.
        if at_word_start && j > i && chars.get(j).is_some_and(|n| n.is_alphabetic()) {
            let run = &chars[i..j];
            if run == ['-'] {
                out.push('-');
            } else if run.iter().all(|&d| d == '-') && run.len() > 2 {
                // "---x" is kept so that it is reported as typed.
                out.extend(run);
            } else {
                out.push_str("--");
            }
            i = j;
            continue;
        }
        match c {
            // An apostrophe inside a word (Bob’s, as phones type it) is an apostrophe, not
            // a quote: it is marked so the tokenizer keeps it as text.
            '\u{2019}'
                if i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) =>
            {
                out.push(LITERAL_APOSTROPHE)
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => out.push('"'),
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' | '\u{200A}' | '\u{3000}' => {
                out.push(' ')
            }
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}' => {}
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn undoes_chat_decorations() {
        let cases = [
            // Text reaches the parser as typed: entities, links and mentions are the
            // surfaces' and the engine's.
            ("x --q 'a &amp; b <c> <@U1>'", "x --q 'a &amp; b <c> <@U1>'"),
            ("<https://x|y>", "<https://x|y>"),
            ("`lambda list-functions`", "lambda list-functions"),
            ("```\nlambda list-functions\n```", "lambda list-functions"),
            (
                "```bash\naws lambda list-functions\n```",
                "aws lambda list-functions",
            ),
            (
                "lambda get-function —function-name f",
                "lambda get-function --function-name f",
            ),
            (
                "lambda get-function –function-name f",
                "lambda get-function --function-name f",
            ),
            (
                "x --q \u{201C}hi\u{201D} \u{2018}yo\u{2019}",
                "x --q \"hi\" 'yo'",
            ),
            ("x --d 2024\u{2013}01", "x --d 2024\u{2013}01"),
            ("`s3api list-buckets`", "s3api list-buckets"),
            ("x \u{2014}-profile p", "x --profile p"),
            ("x \u{2010}\u{2010}profile p", "x --profile p"),
            ("x -\u{2013}name v", "x --name v"),
            ("\u{202E}lambda list-functions", "lambda list-functions"),
            (
                "x --description \"a \u{2014} b\"",
                "x --description \"a \u{2014} b\"",
            ),
            (
                "x --description Bob\u{2019}s",
                "x --description Bob\u{E000}s",
            ),
            ("```bash lambda list-functions```", "lambda list-functions"),
            (
                "\u{FF4C}\u{FF41}\u{FF4D}\u{FF42}\u{FF44}\u{FF41} x",
                "lambda x",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "input: {input:?}");
        }
    }
}
