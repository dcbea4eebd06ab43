//! Problems found in a configuration file, each with its file, line, column and key.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The configuration file.
    pub file: PathBuf,
    /// 1-based line of the problem; 0 when it has no place in the file
    /// (the file itself could not be read).
    pub line: usize,
    /// 1-based column (in characters) of the problem; 0 with `line` 0.
    pub column: usize,
    /// Dotted key path of the value at fault, e.g. `channels[1].guardrails[0]`
    /// (array indexes count from 0). Empty for TOML syntax errors and an unreadable file.
    pub key: String,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found while loading a configuration file, in file order.
///
/// `Display` prints one problem per line as `FILE:LINE:COL: KEY: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors {
    errors: Vec<ConfigError>,
}

impl ConfigErrors {
    /// The problems, sorted by line then column.
    pub fn errors(&self) -> &[ConfigError] {
        &self.errors
    }

    /// How many problems there are (never 0).
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always false: a `ConfigErrors` holds at least one problem.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.errors.iter()
    }

    pub(crate) fn new(mut errors: Vec<ConfigError>) -> Self {
        errors.sort_by_key(|e| (e.line, e.column));
        errors.dedup();
        ConfigErrors { errors }
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

/// Collects problems while a file is read; turns byte spans into lines and columns.
pub(crate) struct Reporter<'s> {
    file: PathBuf,
    source: &'s str,
    line_starts: Vec<usize>,
    errors: Vec<ConfigError>,
}

impl<'s> Reporter<'s> {
    pub fn new(file: &Path, source: &'s str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Reporter {
            file: file.to_path_buf(),
            source,
            line_starts,
            errors: Vec::new(),
        }
    }

    /// Records a problem at `span` for `key`.
    pub fn error(&mut self, span: &Range<usize>, key: &str, message: impl Into<String>) {
        let (line, column) = self.position(span.start);
        self.errors.push(ConfigError {
            file: self.file.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
        });
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<ConfigError> {
        self.errors
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.position(offset).0
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .source
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line_index + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_char_columns() {
        let src = "ab\ncdé f\n\nx";
        let mut r = Reporter::new(Path::new("c.toml"), src);
        r.error(&(0..1), "a", "m");
        r.error(&(3..4), "b", "m");
        r.error(&(8..9), "c", "m"); // 'f' after "cdé " (é is 2 bytes)
        r.error(&(11..12), "d", "m");
        let e = r.into_errors();
        let pos: Vec<(usize, usize)> = e.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(pos, vec![(1, 1), (2, 1), (2, 5), (4, 1)]);
    }

    #[test]
    fn display_is_file_line_col_key_message() {
        let mut r = Reporter::new(Path::new("c.toml"), "x = 1\n");
        r.error(&(4..5), "x", "bad");
        let errs = ConfigErrors::new(r.into_errors());
        assert_eq!(errs.to_string(), "c.toml:1:5: x: bad");
    }
}
