//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`) and the
//! `${*}` `${?}` `${$}` escapes. They are recognised only under Version 2012-10-17; under
//! 2008-10-17 the text is literal.

use crate::context::Context;
use crate::glob::{Glob, GlobBuilder};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Policy text: `*` and `?` are wildcards where the operator allows them.
    Text(String),
    /// Always literal text (an escape).
    Escaped(char),
    Var {
        key: String,
        default: Option<String>,
    },
}

/// A policy string that may hold variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    raw: String,
    pieces: Vec<Piece>,
}

impl Template {
    /// Splits `text` into text and variables; with `variables` false it is all text.
    pub fn parse(text: &str, variables: bool) -> Template {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut plain = String::new();
        while let Some(start) = rest.find("${").filter(|_| variables) {
            let Some(len) = rest[start + 2..].find('}') else {
                break;
            };
            let inner = &rest[start + 2..start + 2 + len];
            let piece = match inner {
                "*" => Piece::Escaped('*'),
                "?" => Piece::Escaped('?'),
                "$" => Piece::Escaped('$'),
                _ => match parse_var(inner) {
                    Some(p) => p,
                    None => {
                        // Not a variable: keep the text as it is.
                        plain.push_str(&rest[..start + 2]);
                        rest = &rest[start + 2..];
                        continue;
                    }
                },
            };
            plain.push_str(&rest[..start]);
            if !plain.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut plain)));
            }
            pieces.push(piece);
            rest = &rest[start + 2 + len + 1..];
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            pieces.push(Piece::Text(plain));
        }
        Template {
            raw: text.to_string(),
            pieces,
        }
    }

    /// The text as written in the policy.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Whether the text needs a context to be resolved.
    pub fn is_fixed(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The variables named, lower-cased.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// The literal string, variables substituted; `None` when a variable has no value and
    /// no default.
    pub fn resolve(&self, ctx: &Context) -> Option<Cow<'_, str>> {
        if let [Piece::Text(t)] = self.pieces.as_slice() {
            return Some(Cow::Borrowed(t));
        }
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Escaped(c) => out.push(*c),
                Piece::Var { key, default } => out.push_str(lookup(ctx, key, default)?),
            }
        }
        Some(Cow::Owned(out))
    }

    /// A wildcard pattern: wildcards only in the policy's own text; substituted values and
    /// escapes are literal.
    pub fn resolve_glob(&self, ctx: &Context) -> Option<Glob> {
        let mut b = GlobBuilder::default();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => b.pattern(t),
                Piece::Escaped(c) => b.literal(c.encode_utf8(&mut [0; 4])),
                Piece::Var { key, default } => b.literal(lookup(ctx, key, default)?),
            }
        }
        Some(b.build())
    }
}

fn lookup<'a>(ctx: &'a Context, key: &str, default: &'a Option<String>) -> Option<&'a str> {
    ctx.single_lower(key).or(default.as_deref())
}

/// `key` or `key, 'default'`.
fn parse_var(inner: &str) -> Option<Piece> {
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.to_string()))
        }
        None => (inner.trim(), None),
    };
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/-_.@+=".contains(c));
    ok.then(|| Piece::Var {
        key: key.to_ascii_lowercase(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.set("aws:username", "al*ce");
        c.set("aws:PrincipalTag/Team", "ops");
        c
    }

    #[test]
    fn resolves_defaults_and_escapes() {
        let c = ctx();
        let t = Template::parse("home/${aws:UserName}/${*}${?}${$}", true);
        assert_eq!(t.resolve(&c).unwrap(), "home/al*ce/*?$");
        let t = Template::parse("${aws:PrincipalTag/missing, 'company-wide'}", true);
        assert_eq!(t.resolve(&c).unwrap(), "company-wide");
        let t = Template::parse("${aws:PrincipalTag/team}", true);
        assert_eq!(t.resolve(&c).unwrap(), "ops");
        assert!(Template::parse("${aws:userid}", true).resolve(&c).is_none());
    }

    #[test]
    fn substituted_text_is_literal_in_patterns() {
        let c = ctx();
        let g = Template::parse("home/${aws:username}/*", true)
            .resolve_glob(&c)
            .unwrap();
        assert!(g.matches("home/al*ce/x"));
        assert!(!g.matches("home/alice/x"));
    }

    #[test]
    fn version_2008_keeps_text() {
        let c = ctx();
        let t = Template::parse("home/${aws:username}", false);
        assert!(t.is_fixed());
        assert_eq!(t.resolve(&c).unwrap(), "home/${aws:username}");
    }

    #[test]
    fn unterminated_is_text() {
        let c = ctx();
        let t = Template::parse("a${b", true);
        assert_eq!(t.resolve(&c).unwrap(), "a${b");
        let t = Template::parse("a${} ${aws:username}", true);
        assert_eq!(t.resolve(&c).unwrap(), "a${} al*ce");
    }
}
