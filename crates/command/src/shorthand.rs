//! The AWS CLI's shorthand syntax: `Key=a,Values=b,c`, `{A=1,B=[x,y]}`, quoting and `\,`.
//!
//! The grammar follows the AWS CLI exactly (what it accepts, we accept, with the same
//! result); parameter files (`key@=file://…`) are refused because nothing is read from disk
//! because of a chat message.

use indexmap::IndexMap;

/// A parsed shorthand value before the model gives it types.
#[derive(Debug, Clone, PartialEq)]
pub enum Sh {
    Str(String),
    List(Vec<Sh>),
    Map(IndexMap<String, Sh>),
}

/// A shorthand syntax error, with a caret under the place it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShorthandError(pub String);

/// Deepest nesting of `[` and `{` accepted, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

struct P<'a> {
    s: &'a [char],
    i: usize,
    depth: usize,
}

/// Parses a whole shorthand value (`A=b,C=d`) into a map.
pub fn parse(input: &str) -> Result<IndexMap<String, Sh>, ShorthandError> {
    let chars: Vec<char> = input.chars().collect();
    let mut p = P {
        s: &chars,
        i: 0,
        depth: 0,
    };
    p.parameter()
}

fn is_start(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}
fn is_first_follow(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}
fn is_second_follow(c: char) -> bool {
    c.is_whitespace() || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '#' | '/' | ':')
}

impl P<'_> {
    fn cur(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn eof(&self) -> bool {
        self.i >= self.s.len()
    }
    fn ws(&mut self) {
        while self.cur().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }
    fn err(&self, expected: &str) -> ShorthandError {
        let actual = match self.cur() {
            Some(c) => format!("'{c}'"),
            None => "the end of the value".to_string(),
        };
        let text: String = self.s.iter().collect();
        let caret: String = " ".repeat(self.s[..self.i.min(self.s.len())].len());
        ShorthandError(format!(
            "expected {expected} but found {actual} at position {}:\n{text}\n{caret}^",
            self.i + 1
        ))
    }
    fn expect(&mut self, c: char, ws: bool) -> Result<(), ShorthandError> {
        if ws {
            self.ws();
        }
        if self.cur() != Some(c) {
            return Err(self.err(&format!("'{c}'")));
        }
        self.i += 1;
        if ws {
            self.ws();
        }
        Ok(())
    }

    fn parameter(&mut self) -> Result<IndexMap<String, Sh>, ShorthandError> {
        let mut out = IndexMap::new();
        let (k, v) = self.keyval()?;
        out.insert(k, v);
        while !self.eof() {
            let before = self.i;
            self.expect(',', true)?;
            let (k, v) = self.keyval()?;
            if out.contains_key(&k) {
                self.i = before + 1;
                return Err(ShorthandError(format!(
                    "the key \"{k}\" is given twice; if these are separate list items, separate them with a space instead of \",\""
                )));
            }
            out.insert(k, v);
        }
        Ok(out)
    }

    fn key_and_equals(&mut self) -> Result<String, ShorthandError> {
        let start = self.i;
        while self.cur().is_some_and(is_key_char) {
            self.i += 1;
        }
        let key: String = self.s[start..self.i].iter().collect();
        self.ws();
        if key.is_empty() && self.cur() == Some('=') {
            return Err(ShorthandError(format!(
                "a key name is missing before '=' at position {}",
                self.i + 1
            )));
        }
        if self.cur() == Some('@') {
            return Err(ShorthandError(format!(
                "'{key}@=' reads a parameter file; files are never read because of a chat message, so give the value itself"
            )));
        }
        self.expect('=', true)?;
        Ok(key)
    }

    fn keyval(&mut self) -> Result<(String, Sh), ShorthandError> {
        let key = self.key_and_equals()?;
        let v = self.values()?;
        Ok((key, v))
    }

    fn values(&mut self) -> Result<Sh, ShorthandError> {
        match self.cur() {
            None => Ok(Sh::Str(String::new())),
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<Sh, ShorthandError> {
        let first = self.first_value()?;
        self.ws();
        if self.eof() || self.cur() != Some(',') {
            return Ok(Sh::Str(first));
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            match self.second_value() {
                Ok(v) => {
                    self.ws();
                    if self.eof() {
                        list.push(v);
                        break;
                    }
                    if self.cur() == Some(',') {
                        self.expect(',', true)?;
                        list.push(v);
                    } else {
                        self.backtrack_to_comma();
                        break;
                    }
                }
                Err(e) => {
                    if self.eof() {
                        return Err(e);
                    }
                    self.backtrack_to_comma();
                    break;
                }
            }
        }
        if list.len() == 1 {
            return Ok(Sh::Str(first));
        }
        Ok(Sh::List(list.into_iter().map(Sh::Str).collect()))
    }

    fn backtrack_to_comma(&mut self) {
        while self.i > 0 && self.s.get(self.i) != Some(&',') {
            self.i -= 1;
        }
    }

    fn run(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.i;
        let mut raw = String::new();
        let mut first = true;
        loop {
            if self.cur() == Some('\\') && self.s.get(self.i + 1) == Some(&',') {
                raw.push(',');
                self.i += 2;
            } else if let Some(c) = self
                .cur()
                .filter(|&c| if first { is_start(c) } else { follow(c) })
            {
                raw.push(c);
                self.i += 1;
            } else {
                break;
            }
            first = false;
        }
        if self.i == start {
            return None;
        }
        Some(raw.trim_end().to_string())
    }

    fn plain_value(&mut self) -> String {
        self.run(is_first_follow).unwrap_or_default()
    }

    fn first_value(&mut self) -> Result<String, ShorthandError> {
        match self.cur() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => Ok(self.plain_value()),
        }
    }

    fn second_value(&mut self) -> Result<String, ShorthandError> {
        match self.cur() {
            Some('\'') => self.quoted('\''),
            Some('"') => self.quoted('"'),
            _ => self
                .run(is_second_follow)
                .ok_or_else(|| self.err("a value")),
        }
    }

    /// A quoted value: `\q` stands for the quote, `\\` for a backslash.
    fn quoted(&mut self, q: char) -> Result<String, ShorthandError> {
        let start = self.i;
        self.i += 1;
        let mut j = self.i;
        loop {
            match self.s.get(j) {
                None => {
                    return Err(ShorthandError(format!(
                        "the quote ({q}) opened at position {} is not closed",
                        start + 1
                    )));
                }
                Some('\\') if self.s.get(j + 1) == Some(&q) => j += 2,
                Some(&c) if c == q => break,
                Some(_) => j += 1,
            }
        }
        let inner: String = self.s[self.i..j].iter().collect();
        self.i = j + 1;
        let qs = q.to_string();
        Ok(inner.replace(&format!("\\{q}"), &qs).replace("\\\\", "\\"))
    }

    fn enter(&mut self) -> Result<(), ShorthandError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ShorthandError(format!(
                "the value is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(())
    }

    fn explicit_list(&mut self) -> Result<Sh, ShorthandError> {
        self.enter()?;
        self.expect('[', true)?;
        let mut values = Vec::new();
        while self.cur() != Some(']') {
            let v = self.explicit_value()?;
            values.push(v);
            self.ws();
            if self.cur() != Some(']') {
                self.expect(',', false)?;
                self.ws();
            }
        }
        self.expect(']', false)?;
        self.depth -= 1;
        Ok(Sh::List(values))
    }

    fn explicit_value(&mut self) -> Result<Sh, ShorthandError> {
        match self.cur() {
            Some('[') => self.explicit_list(),
            Some('{') => self.hash_literal(),
            _ => Ok(Sh::Str(self.first_value()?)),
        }
    }

    fn hash_literal(&mut self) -> Result<Sh, ShorthandError> {
        self.enter()?;
        self.expect('{', true)?;
        let mut map = IndexMap::new();
        while self.cur() != Some('}') {
            let key = self.key_and_equals()?;
            let v = self.explicit_value()?;
            self.ws();
            if self.cur() != Some('}') {
                self.expect(',', false)?;
                self.ws();
            }
            map.insert(key, v);
        }
        self.expect('}', false)?;
        self.depth -= 1;
        Ok(Sh::Map(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Sh {
        Sh::Str(v.into())
    }

    #[test]
    fn parses_the_cli_forms() {
        let m = parse("Name=instance-type,Values=t2.micro,m1.small").unwrap();
        assert_eq!(m["Name"], s("instance-type"));
        assert_eq!(m["Values"], Sh::List(vec![s("t2.micro"), s("m1.small")]));
        let m = parse("a=b,c=d").unwrap();
        assert_eq!(m.len(), 2);
        let m = parse("a=[1,2],b={c=d,e=[f]}").unwrap();
        assert_eq!(m["a"], Sh::List(vec![s("1"), s("2")]));
        let m = parse(r#"a='x,y',b="q\"z",c=1\,2"#).unwrap();
        assert_eq!(m["a"], s("x,y"));
        assert_eq!(m["b"], s("q\"z"));
        assert_eq!(m["c"], s("1,2"));
        let m = parse("a=").unwrap();
        assert_eq!(m["a"], s(""));
        assert!(parse("a=b,a=c").is_err());
        assert!(parse("a").is_err());
        assert!(parse("a=[b").is_err());
        assert!(parse("a@=file://x").is_err());
        let deep = "a=".to_string() + &"[".repeat(100);
        assert!(parse(&deep).is_err());
    }
}
