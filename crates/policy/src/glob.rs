//! Wildcard patterns as IAM uses them: `*` matches any run of characters (also none), `?`
//! exactly one. Text substituted from a policy variable or an escape is always literal.

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Lit(char),
    Star,
    One,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Glob {
    toks: Vec<Tok>,
    /// The pattern without wildcards, when it has none (matched by plain comparison).
    literal: Option<String>,
}

impl Glob {
    /// Compiles a pattern in which `*` and `?` are wildcards.
    pub fn new(pattern: &str) -> Glob {
        let mut b = GlobBuilder::default();
        b.pattern(pattern);
        b.build()
    }

    /// Whether the pattern is exactly `*`.
    pub fn is_any(&self) -> bool {
        self.toks == [Tok::Star]
    }

    /// The pattern as plain text when it has no wildcards.
    pub fn literal(&self) -> Option<&str> {
        self.literal.as_deref()
    }

    /// Matches the whole text, case-sensitively.
    pub fn matches(&self, text: &str) -> bool {
        match &self.literal {
            Some(l) => l == text,
            None => match_toks(&self.toks, text, false),
        }
    }

    /// Matches the whole text, ignoring ASCII case (actions, service prefixes).
    pub fn matches_ignore_ascii_case(&self, text: &str) -> bool {
        match &self.literal {
            Some(l) => l.eq_ignore_ascii_case(text),
            None => match_toks(&self.toks, text, true),
        }
    }
}

/// Builds a pattern from pieces, some with wildcards and some literal.
#[derive(Debug, Default)]
pub struct GlobBuilder {
    toks: Vec<Tok>,
}

impl GlobBuilder {
    /// Appends text in which `*` and `?` are wildcards.
    pub fn pattern(&mut self, text: &str) {
        for c in text.chars() {
            self.toks.push(match c {
                '*' => Tok::Star,
                '?' => Tok::One,
                c => Tok::Lit(c),
            });
        }
    }

    /// Appends text matched literally.
    pub fn literal(&mut self, text: &str) {
        self.toks.extend(text.chars().map(Tok::Lit));
    }

    pub fn build(mut self) -> Glob {
        // Runs of stars are one star.
        self.toks
            .dedup_by(|a, b| *a == Tok::Star && *b == Tok::Star);
        let literal = self
            .toks
            .iter()
            .map(|t| match t {
                Tok::Lit(c) => Some(*c),
                _ => None,
            })
            .collect::<Option<String>>();
        Glob {
            toks: self.toks,
            literal,
        }
    }
}

fn same(a: char, b: char, fold: bool) -> bool {
    a == b || (fold && a.eq_ignore_ascii_case(&b))
}

/// Iterative matching with one backtrack point (the last star): linear for typical
/// patterns, never exponential.
fn match_toks(toks: &[Tok], text: &str, fold: bool) -> bool {
    let mut p = 0usize; // index into toks
    let mut t = 0usize; // byte index into text
    let mut star: Option<(usize, usize)> = None; // (toks index after star, text index)
    while t < text.len() {
        let c = text[t..].chars().next().unwrap_or('\0');
        match toks.get(p) {
            Some(Tok::Star) => {
                star = Some((p + 1, t));
                p += 1;
                continue;
            }
            Some(Tok::One) => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            Some(Tok::Lit(l)) if same(*l, c, fold) => {
                p += 1;
                t += c.len_utf8();
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                let skipped = text[st..].chars().next().map_or(1, char::len_utf8);
                p = sp;
                t = st + skipped;
                star = Some((sp, t));
            }
            None => return false,
        }
    }
    toks[p..].iter().all(|t| *t == Tok::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let cases = [
            ("*", "", true),
            ("*", "anything/at:all", true),
            ("a*", "a", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "aéc", true),
            ("*Report", "DescribeReport", true),
            ("*Report", "DescribeReports", false),
            ("b/*/test/*", "b/1/2/test/3/x.jpg", true),
            ("b/*/test/*", "b//test/x", true),
            ("b/*/test/*", "b/test/x", false),
            ("**a", "a", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("", "", true),
            ("", "a", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(Glob::new(p).matches(t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn case() {
        assert!(Glob::new("Describe*").matches_ignore_ascii_case("describeinstances"));
        assert!(!Glob::new("Describe*").matches("describeinstances"));
        assert!(Glob::new("GetObject").matches_ignore_ascii_case("GETOBJECT"));
    }

    #[test]
    fn literal_pieces_are_not_wildcards() {
        let mut b = GlobBuilder::default();
        b.pattern("home/");
        b.literal("a*b");
        b.pattern("/*");
        let g = b.build();
        assert!(g.matches("home/a*b/x"));
        assert!(!g.matches("home/axxb/x"));
    }
}
