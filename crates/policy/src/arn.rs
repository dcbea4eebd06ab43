//! ARN patterns: the partition, service, region and account are matched one segment at a
//! time (wildcards do not cross `:`); the resource part after the fifth colon is matched as a
//! whole, where `*` spans `/` and `:`. Matching is case-sensitive.

use crate::context::Context;
use crate::glob::Glob;
use crate::variables::Template;

#[derive(Debug, Clone)]
enum Seg {
    Fixed(Glob),
    Vars(Template),
}

impl Seg {
    fn matches(&self, text: &str, ctx: &Context) -> bool {
        match self {
            Seg::Fixed(g) => g.matches(text),
            Seg::Vars(t) => t.resolve_glob(ctx).is_some_and(|g| g.matches(text)),
        }
    }
}

/// A compiled `arn:…` pattern.
#[derive(Debug, Clone)]
pub struct ArnPattern {
    segs: Vec<Seg>,
}

impl ArnPattern {
    /// Compiles a pattern; `Err` says why it is not an ARN pattern.
    pub fn new(pattern: &str, variables: bool) -> Result<ArnPattern, String> {
        let mut parts = split_arn(pattern, variables);
        if parts.first().map(String::as_str) != Some("arn") {
            return Err(format!(
                "\"{pattern}\" must be \"*\" or an ARN starting with \"arn:\""
            ));
        }
        if parts.len() < 6 {
            // A short pattern is accepted when its last segment is a lone wildcard:
            // `arn:aws:s3:*` covers every S3 ARN.
            if parts.last().map(String::as_str) != Some("*") {
                return Err(format!(
                    "\"{pattern}\" is not a full ARN: it needs six parts, arn:partition:service:region:account:resource"
                ));
            }
            parts.resize(6, "*".to_string());
        }
        if parts[2].is_empty() {
            return Err(format!("\"{pattern}\" names no service"));
        }
        let segs = parts
            .iter()
            .map(|p| {
                let t = Template::parse(p, variables);
                if t.is_fixed() {
                    Seg::Fixed(Glob::new(p))
                } else {
                    Seg::Vars(t)
                }
            })
            .collect();
        Ok(ArnPattern { segs })
    }

    /// Whether an ARN matches; anything that is not a six-part ARN never does.
    pub fn matches(&self, arn: &str, ctx: &Context) -> bool {
        let mut rest = arn;
        for (i, seg) in self.segs.iter().enumerate() {
            let part = if i == 5 {
                rest
            } else {
                match rest.split_once(':') {
                    Some((p, r)) => {
                        rest = r;
                        p
                    }
                    None => return false,
                }
            };
            if !seg.matches(part, ctx) {
                return false;
            }
        }
        true
    }
}

/// Splits at the first five colons that are not inside `${…}`.
fn split_arn(text: &str, variables: bool) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if variables && c == '$' && chars.peek() == Some(&'{') {
            depth = true;
        } else if c == '}' {
            depth = false;
        }
        if c == ':' && !depth && parts.len() < 5 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, arn: &str) -> bool {
        ArnPattern::new(p, true)
            .unwrap()
            .matches(arn, &Context::new())
    }

    #[test]
    fn segments() {
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"));
        assert!(!m("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a"));
        assert!(m(
            "arn:aws:ec2:*:123456789012:instance/*",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        assert!(!m(
            "arn:aws:ec2:*:123456789012:instance/*",
            "arn:aws:ec2:us-east-1:x:123456789012:instance/i-1"
        ));
        assert!(m(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:eu-west-1:1:log-group:a:log-stream:b"
        ));
        assert!(m(
            "arn:aws:ec2:us-east-?:*:*",
            "arn:aws:ec2:us-east-1:1:vpc/v"
        ));
        assert!(!m(
            "arn:aws:ec2:us-east-?:*:*",
            "arn:aws:ec2:us-east-10:1:vpc/v"
        ));
        assert!(m("arn:aws:s3:*", "arn:aws:s3:::b/k"));
        assert!(!m("arn:aws:s3:::b", "*"));
    }

    #[test]
    fn rejects_non_arns() {
        assert!(ArnPattern::new("bucket/*", true).is_err());
        assert!(ArnPattern::new("arn:aws:s3", true).is_err());
        assert!(ArnPattern::new("arn:aws::::x", true).is_err());
    }

    #[test]
    fn variables_inside_segments() {
        let mut c = Context::new();
        c.set("aws:username", "bob");
        let p = ArnPattern::new("arn:aws:iam::*:user/${aws:username}", true).unwrap();
        assert!(p.matches("arn:aws:iam::1:user/bob", &c));
        assert!(!p.matches("arn:aws:iam::1:user/alice", &c));
        assert!(!p.matches("arn:aws:iam::1:user/bob", &Context::new()));
    }
}
