//! The words after the operation, read one at a time.

use super::OpOptions;
use crate::error::CommandError;

/// An option as given: `--name`, `--name=value`, or `-name` for a known option.
pub(super) struct Given<'w> {
    /// The word as typed.
    pub word: &'w str,
    /// Lowercased, without the dashes.
    pub name: String,
    /// The value after `=`, if any.
    pub inline: Option<&'w str>,
}

/// One word: an option, or a value that follows no option.
pub(super) enum Word<'w> {
    Option(Given<'w>),
    Positional(String),
}

/// The words and how far they have been read.
pub(super) struct Cursor<'w> {
    words: &'w [String],
    at: usize,
    ops: &'w OpOptions<'w>,
}

impl<'w> Cursor<'w> {
    pub fn new(words: &'w [String], ops: &'w OpOptions<'w>) -> Self {
        Cursor { words, at: 0, ops }
    }

    /// The next word, as an option or a positional value.
    pub fn next_word(&mut self) -> Option<Word<'w>> {
        let w = self.words.get(self.at)?;
        self.at += 1;
        Some(match option_word(w, &|n| self.ops.is_known(n)) {
            Some((name, inline)) => Word::Option(Given {
                word: w,
                name,
                inline,
            }),
            None => Word::Positional(w.clone()),
        })
    }

    fn is_opt(&self, w: &str) -> bool {
        option_word(w, &|n| self.ops.is_known(n)).is_some()
    }

    /// One value: inline (`--x=v`) or the next word, which must not be an option.
    pub fn value(&mut self, given: &Given) -> Result<String, CommandError> {
        if let Some(v) = given.inline {
            return Ok(v.to_string());
        }
        self.next_value_if(|_| true)
            .ok_or_else(|| CommandError::invalid(format!("--{} needs a value", given.name)))
    }

    /// The next word, taken when it is not an option and `wanted` accepts it.
    pub fn next_value_if(&mut self, wanted: impl Fn(&str) -> bool) -> Option<String> {
        let v = self.words.get(self.at)?;
        if self.is_opt(v) || !wanted(v) {
            return None;
        }
        self.at += 1;
        Some(v.clone())
    }

    /// Every word up to the next option.
    pub fn values(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.next_value_if(|_| true)).collect()
    }
}

/// An option word: `--name`, `--name=value`, or `-name` when `name` is a known option.
pub(crate) fn option_word<'w>(
    w: &'w str,
    is_known: &dyn Fn(&str) -> bool,
) -> Option<(String, Option<&'w str>)> {
    let body = if let Some(b) = w.strip_prefix("--") {
        b
    } else if let Some(b) = w.strip_prefix('-') {
        if !b.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = b.split('=').next().unwrap_or(b).to_lowercase();
        if !is_known(&name) {
            return None;
        }
        b
    } else {
        return None;
    };
    match body.split_once('=') {
        Some((n, v)) => Some((n.to_lowercase(), Some(v))),
        None => Some((body.to_lowercase(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::option_word;

    #[test]
    fn option_words() {
        let known = |n: &str| n == "function-name";
        assert_eq!(option_word("--a=b", &known), Some(("a".into(), Some("b"))));
        assert_eq!(
            option_word("-function-name", &known),
            Some(("function-name".into(), None))
        );
        assert_eq!(option_word("-5", &known), None);
        assert_eq!(option_word("-other", &known), None);
        assert_eq!(option_word("--", &known), Some((String::new(), None)));
        assert_eq!(
            option_word("--Function-Name", &known),
            Some(("function-name".into(), None))
        );
    }
}
