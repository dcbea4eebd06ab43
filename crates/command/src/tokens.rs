//! Splitting a command line into words the way a POSIX shell would, without expanding
//! anything: no variables, globs, command substitution or redirection ever happen.

use crate::chat_text::LITERAL_APOSTROPHE;
use crate::error::CommandError;

/// Longest input accepted, so a hostile paste cannot make us allocate without bound.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Splits `line` into words: whitespace separates; `'…'` is literal; `"…"` allows `\"`, `\\`,
/// `` \` `` and `\$` escapes; a backslash outside quotes escapes the next character, and a
/// backslash before a newline joins the lines (commands pasted from the docs).
pub fn tokenize(line: &str) -> Result<Vec<String>, CommandError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(CommandError::syntax(format!(
            "the command is {} bytes long; the limit is {} bytes",
            line.len(),
            MAX_LINE_BYTES
        )));
    }
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(CommandError::syntax(
                                "a single quote (') is not closed".to_string(),
                            ))
                        }
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\' | '`' | '$')) => cur.push(e),
                            Some('\n') => {}
                            Some(other) => {
                                cur.push('\\');
                                cur.push(other);
                            }
                            None => {
                                return Err(CommandError::syntax(
                                    "a double quote (\") is not closed".to_string(),
                                ))
                            }
                        },
                        Some(ch) => cur.push(ch),
                        None => {
                            return Err(CommandError::syntax(
                                "a double quote (\") is not closed".to_string(),
                            ))
                        }
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(other) => {
                    in_word = true;
                    cur.push(other);
                }
                None => {
                    in_word = true;
                    cur.push('\\');
                }
            },
            other => {
                in_word = true;
                cur.push(other);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    // Apostrophes that chat clean-up marked as text (Bob’s) are plain apostrophes again.
    for w in words.iter_mut().filter(|w| w.contains(LITERAL_APOSTROPHE)) {
        *w = w.replace(LITERAL_APOSTROPHE, "'");
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::tokenize;

    #[test]
    fn splits_like_a_shell() {
        let t = |s: &str| tokenize(s).unwrap();
        assert_eq!(t("a b  c"), ["a", "b", "c"]);
        assert_eq!(t("a 'b c' \"d e\""), ["a", "b c", "d e"]);
        assert_eq!(t(r#"--x '{"a": "b"}'"#), ["--x", r#"{"a": "b"}"#]);
        assert_eq!(t(r#"a\ b "q\"x" 'it''s'"#), ["a b", "q\"x", "its"]);
        assert_eq!(t("a \\\n b"), ["a", "b"]);
        assert_eq!(t("x ''"), ["x", ""]);
        assert_eq!(t("$(rm -rf /)"), ["$(rm", "-rf", "/)"]);
        assert!(tokenize("a 'b").is_err());
        assert!(tokenize("a \"b").is_err());
    }
}
