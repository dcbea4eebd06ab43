//! Condition blocks: every IAM operator, the `IfExists` suffix, the `ForAllValues:` and
//! `ForAnyValue:` set prefixes, and negated operators whose values combine as NOR.

mod values;

pub use values::{date, number, Cidr};

use crate::arn::ArnPattern;
use crate::context::{Context, ContextValue};
use crate::glob::Glob;
use crate::variables::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds<T: PartialOrd>(self, request: T, policy: T) -> bool {
        match self {
            Cmp::Eq => request == policy,
            Cmp::Lt => request < policy,
            Cmp::Le => request <= policy,
            Cmp::Gt => request > policy,
            Cmp::Ge => request >= policy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    StringEquals { ignore_case: bool },
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// A parsed operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Operator {
    family: Family,
    negated: bool,
    if_exists: bool,
    set: Option<SetOp>,
}

fn base_operator(name: &str) -> Option<(Family, bool)> {
    use Cmp::*;
    use Family::*;
    Some(match name {
        "StringEquals" => (StringEquals { ignore_case: false }, false),
        "StringNotEquals" => (StringEquals { ignore_case: false }, true),
        "StringEqualsIgnoreCase" => (StringEquals { ignore_case: true }, false),
        "StringNotEqualsIgnoreCase" => (StringEquals { ignore_case: true }, true),
        "StringLike" => (StringLike, false),
        "StringNotLike" => (StringLike, true),
        "NumericEquals" => (Numeric(Eq), false),
        "NumericNotEquals" => (Numeric(Eq), true),
        "NumericLessThan" => (Numeric(Lt), false),
        "NumericLessThanEquals" => (Numeric(Le), false),
        "NumericGreaterThan" => (Numeric(Gt), false),
        "NumericGreaterThanEquals" => (Numeric(Ge), false),
        "DateEquals" => (Date(Eq), false),
        "DateNotEquals" => (Date(Eq), true),
        "DateLessThan" => (Date(Lt), false),
        "DateLessThanEquals" => (Date(Le), false),
        "DateGreaterThan" => (Date(Gt), false),
        "DateGreaterThanEquals" => (Date(Ge), false),
        "Bool" => (Bool, false),
        "BinaryEquals" => (Binary, false),
        "IpAddress" => (Ip, false),
        "NotIpAddress" => (Ip, true),
        "ArnEquals" | "ArnLike" => (Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Arn, true),
        "Null" => (Null, false),
        _ => return None,
    })
}

fn parse_operator(name: &str) -> Result<Operator, String> {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetOp::ForAllValues), r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetOp::ForAnyValue), r)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let Some((family, negated)) = base_operator(base) else {
        return Err(format!(
            "unknown condition operator \"{name}\" (operators are e.g. StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, with an optional IfExists suffix and ForAllValues:/ForAnyValue: prefix; names are case-sensitive)"
        ));
    };
    if family == Family::Null && (if_exists || set.is_some()) {
        return Err(format!(
            "\"{name}\": Null takes neither the IfExists suffix nor a ForAllValues:/ForAnyValue: prefix"
        ));
    }
    Ok(Operator {
        family,
        negated,
        if_exists,
        set,
    })
}

#[derive(Debug, Clone)]
enum Values {
    Strings(Vec<Template>),
    Patterns(Vec<(Template, Option<Glob>)>),
    Numbers(Vec<f64>),
    Dates(Vec<i64>),
    Bools(Vec<bool>),
    Blobs(Vec<Vec<u8>>),
    Ranges(Vec<Cidr>),
    Arns(Vec<ArnValue>),
    /// `true`: the key must be absent.
    Null(Vec<bool>),
}

#[derive(Debug, Clone)]
enum ArnValue {
    Pattern(ArnPattern),
    /// Not an ARN pattern (`*`, or text without six parts): matched as a whole.
    Whole(Template),
}

/// One operator applied to one condition key.
#[derive(Debug, Clone)]
pub struct Condition {
    operator: String,
    key: String,
    op: Operator,
    values: Values,
}

impl Condition {
    /// Builds a condition from an operator name, a key and its values as written.
    /// `variables` says whether `${…}` is a variable (Version 2012-10-17).
    pub fn new(
        operator: &str,
        key: &str,
        raw: &[String],
        variables: bool,
    ) -> Result<Condition, ConditionError> {
        let op = parse_operator(operator).map_err(ConditionError::Operator)?;
        let bad = |what: &str, v: &str| ConditionError::Value(format!("\"{v}\" is not {what}"));
        let values = match op.family {
            Family::StringEquals { .. } => {
                Values::Strings(raw.iter().map(|v| Template::parse(v, variables)).collect())
            }
            Family::StringLike => Values::Patterns(
                raw.iter()
                    .map(|v| {
                        let t = Template::parse(v, variables);
                        let g = t.is_fixed().then(|| Glob::new(v));
                        (t, g)
                    })
                    .collect(),
            ),
            Family::Numeric(_) => Values::Numbers(
                raw.iter()
                    .map(|v| number(v).ok_or_else(|| bad("a number", v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Date(_) => Values::Dates(
                raw.iter()
                    .map(|v| {
                        date(v).ok_or_else(|| {
                            bad(
                                "a date (ISO 8601 such as 2024-05-01T00:00:00Z, or epoch seconds)",
                                v,
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Family::Bool => Values::Bools(
                raw.iter()
                    .map(|v| bool_value(v).ok_or_else(|| bad("\"true\" or \"false\"", v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Binary => Values::Blobs(
                raw.iter()
                    .map(|v| values::binary(v).ok_or_else(|| bad("base64", v)))
                    .collect::<Result<_, _>>()?,
            ),
            Family::Ip => Values::Ranges(
                raw.iter()
                    .map(|v| {
                        Cidr::parse(v).ok_or_else(|| {
                            bad(
                                "an IP address or CIDR range (203.0.113.0/24, 2001:db8::/32)",
                                v,
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Family::Arn => Values::Arns(
                raw.iter()
                    .map(|v| match ArnPattern::new(v, variables) {
                        Ok(p) => ArnValue::Pattern(p),
                        Err(_) => ArnValue::Whole(Template::parse(v, variables)),
                    })
                    .collect(),
            ),
            Family::Null => Values::Null(
                raw.iter()
                    .map(|v| bool_value(v).ok_or_else(|| bad("\"true\" or \"false\"", v)))
                    .collect::<Result<_, _>>()?,
            ),
        };
        if key.trim().is_empty() {
            return Err(ConditionError::Value("the condition key is empty".into()));
        }
        Ok(Condition {
            operator: operator.to_string(),
            key: key.to_ascii_lowercase(),
            op,
            values,
        })
    }

    /// The operator as written, for explanations.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The key, lower-cased.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether the condition holds for a request.
    pub fn holds(&self, ctx: &Context) -> bool {
        let got = ctx.get_lower(&self.key);
        if let Values::Null(wants) = &self.values {
            let present = got.is_some();
            return wants.iter().any(|absent| *absent != present);
        }
        match self.op.set {
            None => match got {
                None => self.op.if_exists || self.op.negated,
                Some(ContextValue::One(v)) => self.test(v, ctx),
                // A single-value operator on a set does not match.
                Some(ContextValue::Many(_)) => false,
            },
            Some(SetOp::ForAllValues) => match got {
                None => true,
                Some(ContextValue::One(v)) => self.test(v, ctx),
                Some(ContextValue::Many(vs)) => vs.iter().all(|v| self.test(v, ctx)),
            },
            Some(SetOp::ForAnyValue) => match got {
                None => self.op.if_exists,
                Some(ContextValue::One(v)) => self.test(v, ctx),
                Some(ContextValue::Many(vs)) => vs.iter().any(|v| self.test(v, ctx)),
            },
        }
    }

    /// One request value against the policy values: positive operators need one match,
    /// negated ones need none.
    fn test(&self, v: &str, ctx: &Context) -> bool {
        self.any_value_matches(v, ctx) != self.op.negated
    }

    fn any_value_matches(&self, v: &str, ctx: &Context) -> bool {
        match (&self.values, self.op.family) {
            (Values::Strings(ts), Family::StringEquals { ignore_case }) => {
                let lower = ignore_case.then(|| v.to_lowercase());
                ts.iter().any(|t| match t.resolve(ctx) {
                    Some(p) => match &lower {
                        Some(l) => p.to_lowercase() == *l,
                        None => p == v,
                    },
                    None => false,
                })
            }
            (Values::Patterns(ps), _) => ps.iter().any(|(t, g)| match g {
                Some(g) => g.matches(v),
                None => t.resolve_glob(ctx).is_some_and(|g| g.matches(v)),
            }),
            (Values::Numbers(ns), Family::Numeric(cmp)) => {
                number(v).is_some_and(|r| ns.iter().any(|p| cmp.holds(r, *p)))
            }
            (Values::Dates(ds), Family::Date(cmp)) => {
                date(v).is_some_and(|r| ds.iter().any(|p| cmp.holds(r, *p)))
            }
            (Values::Bools(bs), _) => bool_value(v).is_some_and(|r| bs.contains(&r)),
            (Values::Blobs(bs), _) => {
                let r = values::binary(v).unwrap_or_else(|| v.as_bytes().to_vec());
                bs.contains(&r)
            }
            (Values::Ranges(rs), _) => rs.iter().any(|r| r.contains(v)),
            (Values::Arns(ps), _) => ps.iter().any(|p| match p {
                ArnValue::Pattern(p) => p.matches(v, ctx),
                ArnValue::Whole(t) => t.resolve_glob(ctx).is_some_and(|g| g.matches(v)),
            }),
            _ => false,
        }
    }
}

fn bool_value(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Why a condition could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionError {
    /// The operator name is wrong (reported at the operator).
    Operator(String),
    /// A value or the key is wrong (reported at the key).
    Value(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(op: &str, key: &str, vals: &[&str]) -> Condition {
        let raw: Vec<String> = vals.iter().map(|s| s.to_string()).collect();
        Condition::new(op, key, &raw, true).unwrap()
    }

    #[test]
    fn operator_names() {
        assert!(parse_operator("ForAnyValue:StringNotLikeIfExists").is_ok());
        assert!(parse_operator("stringequals").is_err());
        assert!(parse_operator("NullIfExists").is_err());
        assert!(parse_operator("ForAllValues:Null").is_err());
        assert!(parse_operator("StringEqualsIfExistsIfExists").is_err());
    }

    #[test]
    fn missing_keys() {
        let c = Context::new();
        assert!(!cond("StringEquals", "aws:x", &["a"]).holds(&c));
        assert!(cond("StringNotEquals", "aws:x", &["a"]).holds(&c));
        assert!(cond("StringEqualsIfExists", "aws:x", &["a"]).holds(&c));
        assert!(cond("Null", "aws:x", &["true"]).holds(&c));
        assert!(!cond("Null", "aws:x", &["false"]).holds(&c));
        assert!(cond("ForAllValues:StringEquals", "aws:x", &["a"]).holds(&c));
        assert!(!cond("ForAnyValue:StringEquals", "aws:x", &["a"]).holds(&c));
    }

    #[test]
    fn nor_for_negated() {
        let mut c = Context::new();
        c.set("aws:RequestedRegion", "eu-west-1");
        assert!(!cond(
            "StringNotEquals",
            "aws:requestedregion",
            &["eu-west-1", "us-east-1"]
        )
        .holds(&c));
        assert!(cond(
            "StringNotEquals",
            "AWS:RequestedRegion",
            &["us-east-2", "us-east-1"]
        )
        .holds(&c));
    }

    #[test]
    fn sets() {
        let mut c = Context::new();
        c.set_many("aws:TagKeys", vec!["a".into(), "b".into()]);
        assert!(cond("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b", "c"]).holds(&c));
        assert!(!cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).holds(&c));
        assert!(cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]).holds(&c));
        assert!(cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"]).holds(&c));
        assert!(!cond("ForAllValues:StringNotLike", "aws:TagKeys", &["a*"]).holds(&c));
        c.set_many("aws:TagKeys", vec![]);
        assert!(cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).holds(&c));
        assert!(!cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]).holds(&c));
    }

    #[test]
    fn typed_operators() {
        let mut c = Context::new();
        c.set("n", "5")
            .set("d", "2024-06-01T00:00:00Z")
            .set("ip", "10.1.2.3");
        c.set("b", "TRUE")
            .set("arn", "arn:aws:iam::123456789012:role/ops");
        assert!(cond("NumericLessThan", "n", &["6"]).holds(&c));
        assert!(!cond("NumericGreaterThan", "n", &["5"]).holds(&c));
        assert!(cond("NumericGreaterThanEquals", "n", &["5.0"]).holds(&c));
        assert!(cond("DateGreaterThan", "d", &["2024-01-01"]).holds(&c));
        assert!(cond("DateLessThan", "d", &["1717200001"]).holds(&c));
        assert!(cond("IpAddress", "ip", &["10.0.0.0/8"]).holds(&c));
        assert!(!cond("NotIpAddress", "ip", &["10.0.0.0/8", "192.168.0.0/16"]).holds(&c));
        assert!(cond("Bool", "b", &["true"]).holds(&c));
        assert!(cond("ArnLike", "arn", &["arn:aws:iam::*:role/*"]).holds(&c));
        assert!(!cond("ArnLike", "arn", &["arn:aws:iam::*:user/*"]).holds(&c));
        assert!(cond("ArnNotEquals", "arn", &["arn:aws:iam::*:user/*"]).holds(&c));
        assert!(Condition::new("NumericEquals", "n", &["x".into()], true).is_err());
    }
}
