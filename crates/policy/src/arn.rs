//! ARN patterns: the partition, service, region and account are matched one segment at a
//! time (wildcards do not cross `:`); the resource part after the fifth colon is matched as a
//! whole, where `*` spans `/` and `:`. Matching is case-sensitive.
//!
//! A policy's `Resource` / `NotResource` entry follows two more of IAM's rules ("Identify AWS
//! resources with ARNs", "Policy variables"): policy variables are substituted only in the
//! resource part (before the fifth colon `${…}` is plain text), and the resource type — the
//! resource part up to its first `/` or `:` — is compared literally, wildcards included
//! (`…:functio?:orders` matches no function). S3 bucket and object ARNs
//! (`arn:aws:s3:::bucket/key`) have no resource type: their whole resource part is a pattern.
//! Condition values (`ArnLike`) keep the plain segment matching.

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
    /// The literal resource type and its separator (`function:`, `instance/`) that a
    /// `Resource` entry's resource part starts with; empty for conditions, S3 bucket and
    /// object ARNs, and resource parts without a separator.
    resource_type: String,
    /// Written with fewer than six parts (`arn:aws:s3:*`) and padded with wildcards.
    short: bool,
}

/// Why a text is not an ARN pattern (a validation problem of the policy).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("\"{0}\" must be \"*\" or an ARN starting with \"arn:\"")]
    NotAnArn(String),
    #[error("\"{0}\" is not a full ARN: it needs six parts, arn:partition:service:region:account:resource")]
    Short(String),
    #[error("\"{0}\" names no service")]
    NoService(String),
}

impl ArnPattern {
    /// Compiles a condition value (`ArnLike`, `ArnEquals`); `Err` says why it is not an
    /// ARN pattern.
    pub fn new(pattern: &str, variables: bool) -> Result<ArnPattern, ArnError> {
        ArnPattern::compile(pattern, variables, false)
    }

    /// Compiles a `Resource` or `NotResource` entry, with IAM's rules for the resource type
    /// and for where variables apply.
    pub fn resource(pattern: &str, variables: bool) -> Result<ArnPattern, ArnError> {
        ArnPattern::compile(pattern, variables, true)
    }

    fn compile(pattern: &str, variables: bool, resource: bool) -> Result<ArnPattern, ArnError> {
        let mut parts = split_arn(pattern, variables);
        let short = parts.len() < 6;
        if parts.first().map(String::as_str) != Some("arn") {
            return Err(ArnError::NotAnArn(pattern.to_string()));
        }
        if parts.len() < 6 {
            // A short pattern is accepted when its last segment is a lone wildcard:
            // `arn:aws:s3:*` covers every S3 ARN.
            if parts.last().map(String::as_str) != Some("*") {
                return Err(ArnError::Short(pattern.to_string()));
            }
            parts.resize(6, "*".to_string());
        }
        if parts[2].is_empty() {
            return Err(ArnError::NoService(pattern.to_string()));
        }
        let mut resource_type = String::new();
        if resource {
            let s3_object = parts[2] == "s3" && parts[3].is_empty() && parts[4].is_empty();
            if !s3_object {
                if let Some(end) = type_end(&parts[5], variables) {
                    resource_type = parts[5][..end].to_string();
                    parts[5] = parts[5][end..].to_string();
                }
            }
        }
        let segs = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Before the fifth colon of a Resource entry, `${…}` is plain text.
                let t = Template::parse(p, variables && (!resource || i == 5));
                if t.is_fixed() {
                    Seg::Fixed(Glob::new(p))
                } else {
                    Seg::Vars(t)
                }
            })
            .collect();
        Ok(ArnPattern {
            segs,
            resource_type,
            short,
        })
    }

    /// Whether it was written as a short ARN (`arn:aws:s3:*`).
    pub fn is_short(&self) -> bool {
        self.short
    }

    /// Whether an ARN matches; anything that is not a six-part ARN never does.
    pub fn matches(&self, arn: &str, ctx: &Context) -> bool {
        let mut rest = arn;
        for (i, seg) in self.segs.iter().enumerate() {
            let part = if i == 5 {
                match rest.strip_prefix(self.resource_type.as_str()) {
                    Some(id) => id,
                    None => return false,
                }
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

/// Where the resource type of a resource part ends: just after its first `/` or `:` (outside
/// `${…}` when variables apply); `None` when it has neither.
fn type_end(part: &str, variables: bool) -> Option<usize> {
    let mut in_var = false;
    let mut prev = '\0';
    for (i, c) in part.char_indices() {
        match c {
            '{' if variables && prev == '$' => in_var = true,
            '}' if in_var => in_var = false,
            '/' | ':' if !in_var => return Some(i + 1),
            _ => {}
        }
        prev = c;
    }
    None
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

    fn r(p: &str, arn: &str, ctx: &Context) -> bool {
        ArnPattern::resource(p, true).unwrap().matches(arn, ctx)
    }

    #[test]
    fn resource_types_are_compared_literally() {
        let c = Context::new();
        let f = "arn:aws:lambda:us-east-1:1:function:orders";
        assert!(r("arn:aws:lambda:*:*:function:*", f, &c));
        assert!(r("arn:aws:lambda:*:*:function:ord?rs", f, &c));
        assert!(r("arn:aws:lambda:*:*:*", f, &c));
        assert!(!r("arn:aws:lambda:*:*:functio?:orders", f, &c));
        assert!(!r("arn:aws:lambda:*:*:*:orders", f, &c));
        // No separator in the pattern: no resource type to compare, the glob decides.
        assert!(r("arn:aws:lambda:*:*:f*", f, &c));
        let i = "arn:aws:ec2:us-east-1:1:instance/i-1";
        assert!(!r("arn:aws:ec2:*:*:inst?nce/i-1", i, &c));
        assert!(!r("arn:aws:ec2:*:*:*/i-1", i, &c));
        assert!(r("arn:aws:ec2:*:*:instance/*", i, &c));
        assert!(!r(
            "arn:aws:ec2:*:*:*/team/*",
            "arn:aws:ec2:r:1:instance/team/x",
            &c
        ));
        // No separator: the whole resource part is a pattern.
        assert!(r("arn:aws:sqs:*:*:rep*", "arn:aws:sqs:r:1:reports", &c));
        // S3 buckets and objects have no resource type.
        assert!(r("arn:aws:s3:::rep*/x/*", "arn:aws:s3:::reports/x/a", &c));
        assert!(r("arn:aws:s3:::*/a", "arn:aws:s3:::b/a", &c));
        // A condition value keeps plain segment matching.
        assert!(m("arn:aws:lambda:*:*:functio?:orders", f));
    }

    #[test]
    fn variables_apply_only_after_the_fifth_colon_of_a_resource() {
        let mut c = Context::new();
        c.set("aws:RequestedRegion", "us-east-1");
        c.set("aws:username", "bob");
        let f = "arn:aws:lambda:us-east-1:1:function:bob";
        assert!(r("arn:aws:lambda:*:*:function:${aws:username}", f, &c));
        assert!(!r(
            "arn:aws:lambda:${aws:RequestedRegion}:*:function:bob",
            f,
            &c
        ));
        assert!(!r("arn:aws:${aws:username}:*:*:function:bob", f, &c));
        // A variable in the resource type is literal text too.
        assert!(!r(
            "arn:aws:lambda:*:*:${aws:username}/x",
            "arn:aws:lambda:r:1:bob/x",
            &c
        ));
        // Without a separator outside it, a variable is the resource id.
        assert!(r(
            "arn:aws:sqs:*:*:${aws:username}",
            "arn:aws:sqs:r:1:bob",
            &c
        ));
        assert!(r(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/bob/k",
            &c
        ));
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
