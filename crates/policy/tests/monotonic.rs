//! Properties of the decision procedure over generated policies and requests:
//! a Deny can only refuse more, an Allow can only allow more, removing either moves the
//! decision the expected way, decisions are deterministic with an explanation, every path
//! into a policy (JSON value, compact text, pretty text, `{name, document}`) decides alike,
//! and a multi-action operation is allowed exactly when each of its actions is.
//!
//! The generator draws from a small vocabulary so that statements often match: a few
//! services and actions (case variants, `*` and `?`), ARNs with wildcards and variables,
//! NotAction/NotResource, conditions of every operator family with the negated, IfExists,
//! ForAllValues:/ForAnyValue: and Null forms, and request contexts in several key cases.

use policy::simulate::{context_from, decide, parse_request, simulate_line};
use policy::{evaluate, Layer, Outcome, Policy};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, TestRunner};
use serde_json::{json, Map, Value};

const CASES: u32 = 2000;

const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "S3:getobject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:DescribeInstances",
    "EC2:describeINSTANCES",
    "ec2:StartInstances",
    "ec2:TerminateInstances",
    "lambda:InvokeFunction",
    "iam:ListUsers",
    "sts:GetCallerIdentity",
    "dynamodb:Scan",
];

const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:get?bject",
    "S3:GETOBJECT",
    "s3:PutObject",
    "s3:List*",
    "ec2:Describe*",
    "ec2:Describe?nstances",
    "ec2:*Instances",
    "ec2:StartInstances",
    "EC2:Terminate*",
    "lambda:Invoke*",
    "lambda:?nvokeFunction",
    "iam:*",
    "sts:GetCallerIdentity",
    "dynamodb:*",
    "dynamodb:Scan",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/key.txt",
    "arn:aws:s3:::bucket/home/bob/notes.txt",
    "arn:aws:s3:::bucket/home/ops/a:b/c",
    "arn:aws:s3:::Bucket/key.txt",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
    "arn:aws:ec2:eu-west-1:123456789012:instance/i-0def",
    "arn:aws:ec2:us-east-10:210987654321:volume/vol-1",
    "arn:aws:lambda:us-east-1:123456789012:function:deploy:prod",
    "arn:aws:iam::123456789012:user/bob",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
];

const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "*",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/home/${aws:username}/*",
    "arn:aws:s3:::bucket/home/${aws:PrincipalTag/team, 'shared'}/*",
    "arn:aws:s3:::bucket/${*}*",
    "arn:aws:s3:*",
    "arn:aws:ec2:*:123456789012:instance/*",
    "arn:aws:ec2:us-east-?:*:*",
    "arn:aws:ec2:*:*:*",
    "arn:aws:lambda:*:*:function:*",
    "arn:aws:lambda:us-east-1:123456789012:function:deploy",
    "arn:aws:*:*:*:*",
    "arn:aws:iam::*:user/${aws:username}",
    "arn:aws:dynamodb:*:*:table/Orders",
    "arn:aws:dynamodb:${aws:RequestedRegion}:*:table/*",
];

/// Condition keys with the values a request may carry, as JSON text (lists are sets).
const CONTEXT: &[(&str, &[&str])] = &[
    ("aws:username", &["\"bob\"", "\"alice\"", "\"al*ce\""]),
    ("aws:PrincipalTag/team", &["\"ops\"", "\"dev\"", "\"OPS\""]),
    ("aws:RequestedRegion", &["\"us-east-1\"", "\"eu-west-1\""]),
    (
        "aws:SourceIp",
        &[
            "\"10.1.2.3\"",
            "\"192.168.7.7\"",
            "\"203.0.113.5\"",
            "\"2001:db8::1\"",
            "\"not-an-ip\"",
        ],
    ),
    (
        "aws:TagKeys",
        &[
            "[]",
            "[\"env\"]",
            "[\"env\",\"team\"]",
            "[\"Owner\",\"team\"]",
        ],
    ),
    (
        "aws:MultiFactorAuthPresent",
        &["true", "false", "\"true\"", "\"TRUE\""],
    ),
    (
        "aws:CurrentTime",
        &[
            "\"2024-06-01T00:00:00Z\"",
            "\"2023-01-01T00:00:00Z\"",
            "\"garbage\"",
        ],
    ),
    ("s3:max-keys", &["5", "100", "\"10.5\"", "\"x\"", "[1,200]"]),
    (
        "aws:SourceArn",
        &[
            "\"arn:aws:s3:::bucket\"",
            "\"arn:aws:lambda:us-east-1:123456789012:function:deploy\"",
            "\"nope\"",
        ],
    ),
    ("ec2:InstanceType", &["\"t3.micro\"", "\"m5.large\""]),
    ("aws:bin", &["\"QmluYXJ5\"", "\"other\""]),
];

/// Every key a condition may name, present in requests or not.
const ALL_KEYS: &[&str] = &[
    "aws:username",
    "aws:PrincipalTag/team",
    "aws:RequestedRegion",
    "aws:SourceIp",
    "aws:TagKeys",
    "aws:MultiFactorAuthPresent",
    "aws:CurrentTime",
    "s3:max-keys",
    "aws:SourceArn",
    "ec2:InstanceType",
    "aws:bin",
    "aws:CalledVia",
];

fn case_variant(key: &str, variant: usize) -> String {
    match variant {
        1 => key.to_ascii_lowercase(),
        2 => key.to_ascii_uppercase(),
        _ => key.to_string(),
    }
}

/// One string alone, or a list.
fn one_or_many(items: Vec<Value>, as_list: bool) -> Value {
    if items.len() == 1 && !as_list {
        items.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

fn names(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Value> {
    (prop::collection::vec(select(pool), 1..=max), any::<bool>()).prop_map(|(v, list)| {
        one_or_many(
            v.into_iter().map(|s| Value::String(s.into())).collect(),
            list,
        )
    })
}

/// A condition value as written: sometimes a JSON number or boolean instead of a string.
fn typed(raw: &str, native: bool) -> Value {
    if native {
        if let Ok(n) = raw.parse::<i64>() {
            return json!(n);
        }
        match raw {
            "true" => return json!(true),
            "false" => return json!(false),
            _ => {}
        }
    }
    Value::String(raw.into())
}

type Cond = (String, String, Value);

fn cond_family(
    ops: &'static [&'static str],
    keys: &'static [&'static str],
    vals: &'static [&'static str],
    modifiers: bool,
) -> BoxedStrategy<Cond> {
    let prefixes: &'static [&'static str] = if modifiers {
        &["", "", "ForAllValues:", "ForAnyValue:"]
    } else {
        &[""]
    };
    let suffixes: &'static [&'static str] = if modifiers { &["", "IfExists"] } else { &[""] };
    (
        select(ops),
        select(keys),
        0..3usize,
        prop::collection::vec(select(vals), 1..=3),
        any::<bool>(),
        any::<bool>(),
        select(prefixes),
        select(suffixes),
    )
        .prop_map(|(op, key, case, vals, list, native, pre, suf)| {
            let vals = vals.into_iter().map(|v| typed(v, native)).collect();
            (
                format!("{pre}{op}{suf}"),
                case_variant(key, case),
                one_or_many(vals, list),
            )
        })
        .boxed()
}

fn condition() -> BoxedStrategy<Cond> {
    prop_oneof![
        3 => cond_family(
            &[
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                "StringLike",
                "StringNotLike",
            ],
            &[
                "aws:RequestedRegion",
                "aws:username",
                "aws:PrincipalTag/team",
                "ec2:InstanceType",
                "aws:TagKeys",
                "aws:CalledVia",
            ],
            &[
                "us-east-1",
                "eu-*",
                "bob",
                "al*ce",
                "${aws:username}",
                "ops",
                "OPS",
                "t3.*",
                "env",
                "team",
                "${aws:PrincipalTag/team, 'ops'}",
                "${*}",
                "${aws:missing}",
                "*",
            ],
            true,
        ),
        1 => cond_family(
            &[
                "NumericEquals",
                "NumericNotEquals",
                "NumericLessThan",
                "NumericLessThanEquals",
                "NumericGreaterThan",
                "NumericGreaterThanEquals",
            ],
            &["s3:max-keys", "aws:MultiFactorAuthAge"],
            &["10", "100", "5.5", "0", "-1"],
            true,
        ),
        1 => cond_family(
            &[
                "DateEquals",
                "DateNotEquals",
                "DateLessThan",
                "DateLessThanEquals",
                "DateGreaterThan",
                "DateGreaterThanEquals",
            ],
            &["aws:CurrentTime", "aws:TokenIssueTime"],
            &[
                "2024-01-01T00:00:00Z",
                "2024-06-01T00:00:00Z",
                "1717200000",
                "2023-12-31",
            ],
            true,
        ),
        1 => cond_family(
            &["Bool"],
            &["aws:MultiFactorAuthPresent", "aws:SecureTransport"],
            &["true", "false"],
            true,
        ),
        1 => cond_family(&["BinaryEquals"], &["aws:bin"], &["QmluYXJ5", "b3RoZXI="], true),
        1 => cond_family(
            &["IpAddress", "NotIpAddress"],
            &["aws:SourceIp"],
            &[
                "10.0.0.0/8",
                "192.168.0.0/16",
                "203.0.113.5",
                "2001:db8::/32",
                "0.0.0.0/0",
            ],
            true,
        ),
        1 => cond_family(
            &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
            &["aws:SourceArn", "aws:PrincipalArn"],
            &[
                "arn:aws:s3:::bucket",
                "arn:aws:lambda:*:*:function:*",
                "*",
                "arn:aws:iam::*:user/${aws:username}",
                "arn:aws:s3:::*",
            ],
            true,
        ),
        1 => cond_family(&["Null"], ALL_KEYS, &["true", "false"], false),
    ]
    .boxed()
}

/// A statement; `effect` fixes the effect, otherwise Allow is likelier than Deny.
fn statement(effect: Option<&'static str>) -> BoxedStrategy<Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => prop_oneof![3 => Just("Allow"), 1 => Just("Deny")].boxed(),
    };
    let conditions = prop_oneof![
        3 => Just(Vec::new()),
        2 => prop::collection::vec(condition(), 1..=3),
    ];
    (
        effect,
        prop::bool::weighted(0.2),
        names(ACTION_PATTERNS, 3),
        prop::bool::weighted(0.15),
        names(RESOURCE_PATTERNS, 2),
        conditions,
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, conds)| {
                let mut st = Map::new();
                st.insert("Effect".into(), json!(effect));
                let ak = if not_action { "NotAction" } else { "Action" };
                st.insert(ak.into(), actions);
                let rk = if not_resource {
                    "NotResource"
                } else {
                    "Resource"
                };
                st.insert(rk.into(), resources);
                if !conds.is_empty() {
                    let mut block = Map::new();
                    for (op, key, vals) in conds {
                        let keys = block.entry(op).or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(k) = keys {
                            k.insert(key, vals);
                        }
                    }
                    st.insert("Condition".into(), Value::Object(block));
                }
                Value::Object(st)
            },
        )
        .boxed()
}

fn policy_doc() -> BoxedStrategy<Value> {
    (
        prop::collection::vec(statement(None), 1..=4),
        select(
            &[
                Some("2012-10-17"),
                Some("2012-10-17"),
                Some("2012-10-17"),
                Some("2008-10-17"),
                None,
            ][..],
        ),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(mut sts, version, as_object, sids)| {
            if sids {
                for (i, s) in sts.iter_mut().enumerate() {
                    if let Value::Object(m) = s {
                        m.insert("Sid".into(), json!(format!("S{i}")));
                    }
                }
            }
            let mut doc = Map::new();
            if let Some(v) = version {
                doc.insert("Version".into(), json!(v));
            }
            let statement = if sts.len() == 1 && as_object {
                sts.remove(0)
            } else {
                Value::Array(sts)
            };
            doc.insert("Statement".into(), statement);
            Value::Object(doc)
        })
        .boxed()
}

fn context() -> impl Strategy<Value = Map<String, Value>> {
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = CONTEXT
        .iter()
        .map(|(key, vals)| {
            let key = *key;
            prop::option::weighted(0.45, (select(*vals), 0..3usize))
                .prop_map(move |o| {
                    o.map(|(v, case)| {
                        let value = serde_json::from_str(v).expect("context vocabulary is JSON");
                        (case_variant(key, case), value)
                    })
                })
                .boxed()
        })
        .collect();
    entries.prop_map(|es| es.into_iter().flatten().collect())
}

/// A generated `policy simulate` request.
#[derive(Debug, Clone)]
struct Req {
    actions: Vec<String>,
    resource: String,
    context: Map<String, Value>,
    identity: Vec<Value>,
    session: Vec<Value>,
}

impl Req {
    fn line_with(&self, identity: Vec<Value>, session: Vec<Value>) -> String {
        let action = if self.actions.len() == 1 {
            json!(self.actions[0])
        } else {
            json!(self.actions)
        };
        json!({
            "action": action,
            "resource": self.resource,
            "context": self.context,
            "identity_policies": identity,
            "session_policies": session,
        })
        .to_string()
    }

    fn line(&self) -> String {
        self.line_with(self.identity.clone(), self.session.clone())
    }

    fn layer_mut(&mut self, session: bool) -> &mut Vec<Value> {
        if session {
            &mut self.session
        } else {
            &mut self.identity
        }
    }
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop::collection::vec(select(REQUEST_ACTIONS), 1..=2),
        select(RESOURCES),
        context(),
        prop::collection::vec(policy_doc(), 0..=3),
        prop_oneof![
            1 => Just(Vec::new()),
            1 => prop::collection::vec(policy_doc(), 1..=2),
        ],
    )
        .prop_map(|(actions, resource, context, identity, session)| Req {
            actions: actions.into_iter().map(String::from).collect(),
            resource: resource.into(),
            context,
            identity,
            session,
        })
}

/// Decides a request line; every generated request must be valid.
fn run(line: &str) -> (Outcome, String) {
    match parse_request(line) {
        Ok(req) => decide(&req),
        Err(e) => panic!("generated request rejected: {e}\n{line}"),
    }
}

fn refused(o: Outcome) -> bool {
    o != Outcome::Allowed
}

fn statements_mut(doc: &mut Value) -> &mut Vec<Value> {
    let st = &mut doc["Statement"];
    if !st.is_array() {
        let one = st.take();
        *st = Value::Array(vec![one]);
    }
    match st {
        Value::Array(a) => a,
        _ => unreachable!(),
    }
}

/// Adds a statement to the identity or session policies: to an existing policy, or as a
/// new policy (`index` past the end). With `keep_session_shape`, a new policy is never the
/// first session policy (a first session policy makes the session layer one that must
/// allow, which may refuse more: the right answer, but not "adding an Allow").
fn add_statement(r: &mut Req, session: bool, index: Index, st: Value, keep_session_shape: bool) {
    let layer = r.layer_mut(session);
    let new_allowed = !(session && keep_session_shape && layer.is_empty());
    let slots = layer.len() + usize::from(new_allowed);
    if slots == 0 {
        return;
    }
    let i = index.index(slots);
    if i == layer.len() {
        layer.push(json!({"Version": "2012-10-17", "Statement": [st]}));
    } else {
        statements_mut(&mut layer[i]).push(st);
    }
}

/// Removes one statement of `effect`, chosen by `index`; `false` when there is none that
/// can go. A policy's only statement takes its policy with it, unless that policy is the
/// last session policy (removing it would lift the session layer altogether).
fn remove_statement(r: &mut Req, effect: &str, index: Index) -> bool {
    let mut candidates = Vec::new();
    for session in [false, true] {
        let layer = if session { &r.session } else { &r.identity };
        for (pi, p) in layer.iter().enumerate() {
            let sts: Vec<&Value> = match &p["Statement"] {
                Value::Array(a) => a.iter().collect(),
                one => vec![one],
            };
            for (si, s) in sts.iter().enumerate() {
                if s["Effect"] == effect {
                    let alone = sts.len() == 1;
                    if alone && session && layer.len() == 1 {
                        continue;
                    }
                    candidates.push((session, pi, si, alone));
                }
            }
        }
    }
    if candidates.is_empty() {
        return false;
    }
    let (session, pi, si, alone) = candidates[index.index(candidates.len())];
    let layer = r.layer_mut(session);
    if alone {
        layer.remove(pi);
    } else {
        statements_mut(&mut layer[pi]).remove(si);
    }
    true
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        // ChaCha is most of the run time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// (a) A Deny added anywhere never turns a refusal into an allow, and an explicit deny
    /// stays one.
    #[test]
    fn adding_a_deny_never_allows(
        r in request(),
        st in statement(Some("Deny")),
        session in any::<bool>(),
        at in any::<Index>(),
    ) {
        let (before, why_before) = run(&r.line());
        let mut r2 = r.clone();
        add_statement(&mut r2, session, at, st, false);
        let (after, why_after) = run(&r2.line());
        if refused(before) {
            prop_assert!(refused(after), "{before} ({why_before}) became {after} ({why_after})\n{}", r2.line());
        }
        if before == Outcome::ExplicitDeny {
            prop_assert_eq!(after, Outcome::ExplicitDeny, "{} / {}\n{}", why_before, why_after, r2.line());
        }
    }

    /// (b) Removing an Allow never turns a refusal into an allow (nor lifts an explicit deny).
    #[test]
    fn removing_an_allow_never_allows(r in request(), at in any::<Index>()) {
        let mut r2 = r.clone();
        if remove_statement(&mut r2, "Allow", at) {
            let (before, why_before) = run(&r.line());
            let (after, why_after) = run(&r2.line());
            if refused(before) {
                prop_assert!(refused(after), "{before} ({why_before}) became {after} ({why_after})\nbefore: {}\nafter: {}", r.line(), r2.line());
            }
            if before == Outcome::ExplicitDeny {
                prop_assert_eq!(after, Outcome::ExplicitDeny);
            }
        }
    }

    /// (c) Adding an Allow never refuses what was allowed, and never lifts an explicit deny.
    #[test]
    fn adding_an_allow_never_refuses(
        r in request(),
        st in statement(Some("Allow")),
        session in any::<bool>(),
        at in any::<Index>(),
    ) {
        let (before, why_before) = run(&r.line());
        let mut r2 = r.clone();
        add_statement(&mut r2, session, at, st, true);
        let (after, why_after) = run(&r2.line());
        if before == Outcome::Allowed {
            prop_assert_eq!(after, Outcome::Allowed, "{} / {}\n{}", why_before, why_after, r2.line());
        }
        if before == Outcome::ExplicitDeny {
            prop_assert_eq!(after, Outcome::ExplicitDeny, "{} / {}\n{}", why_before, why_after, r2.line());
        }
    }

    /// Removing a Deny never refuses what was allowed.
    #[test]
    fn removing_a_deny_never_refuses(r in request(), at in any::<Index>()) {
        let mut r2 = r.clone();
        if remove_statement(&mut r2, "Deny", at) {
            let (before, _) = run(&r.line());
            let (after, why_after) = run(&r2.line());
            if before == Outcome::Allowed {
                prop_assert_eq!(after, Outcome::Allowed, "{}\nbefore: {}\nafter: {}", why_after, r.line(), r2.line());
            }
        }
    }

    /// (d) The same request decides the same way every time, through `decide`, through
    /// `simulate_line` (one JSON line) and through `evaluate` on the parsed policies, and the
    /// explanation is never empty.
    #[test]
    fn deterministic_and_explained(r in request()) {
        let line = r.line();
        let (o1, w1) = run(&line);
        let (o2, w2) = run(&line);
        prop_assert_eq!(o1, o2);
        prop_assert_eq!(&w1, &w2);
        prop_assert!(!w1.trim().is_empty(), "empty explanation\n{}", line);

        let out = simulate_line(&line);
        prop_assert!(!out.contains('\n'), "{}", out);
        let v: Value = serde_json::from_str(&out).expect("simulate_line writes JSON");
        prop_assert_eq!(v["decision"].as_str(), Some(o1.as_str()));
        prop_assert_eq!(v["explanation"].as_str(), Some(w1.as_str()));

        let parse = |what: &str, docs: &[Value]| -> Vec<Policy> {
            docs.iter()
                .enumerate()
                .map(|(i, d)| Policy::from_value(&format!("{what} #{}", i + 1), d).expect("valid"))
                .collect()
        };
        let identity = parse("identity policy", &r.identity);
        let session = parse("session policy", &r.session);
        let layers = [
            Layer { name: "identity policy", policies: &identity, must_allow: true, absolute: false },
            Layer { name: "session policy", policies: &session, must_allow: !session.is_empty(), absolute: false },
        ];
        let ctx = context_from(&r.context).expect("valid context");
        let actions: Vec<&str> = r.actions.iter().map(String::as_str).collect();
        let v = evaluate(&layers, &actions, &r.resource, &ctx);
        prop_assert_eq!(v, evaluate(&layers, &actions, &r.resource, &ctx));
        prop_assert_eq!(v.outcome, o1);
        prop_assert_eq!(v.explain(&layers, &actions, &r.resource, &ctx), w1);
    }

    /// (e) A policy read back from its own JSON text (compact, pretty, or wrapped with its
    /// name) decides exactly as the document did.
    #[test]
    fn reparsed_text_decides_alike(r in request(), pretty in any::<bool>(), wrapped in any::<bool>()) {
        let (want, why) = run(&r.line());
        let as_text = |what: &str, docs: &[Value]| -> Vec<Value> {
            docs.iter()
                .enumerate()
                .map(|(i, d)| {
                    let text = if pretty {
                        serde_json::to_string_pretty(d).unwrap()
                    } else {
                        d.to_string()
                    };
                    // The text must also parse on its own, through Policy::parse.
                    let name = format!("{what} #{}", i + 1);
                    Policy::parse(&name, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
                    if wrapped {
                        json!({"name": name, "document": text})
                    } else {
                        Value::String(text)
                    }
                })
                .collect()
        };
        let line = r.line_with(
            as_text("identity policy", &r.identity),
            as_text("session policy", &r.session),
        );
        let (got, got_why) = run(&line);
        prop_assert_eq!(got, want);
        prop_assert_eq!(got_why, why);
    }

    /// An operation needing several actions is allowed exactly when each action is, and is
    /// an explicit deny exactly when some action is.
    #[test]
    fn multi_action_is_the_conjunction(r in request(), second in select(REQUEST_ACTIONS)) {
        let mut one = r.clone();
        one.actions.truncate(1);
        let mut other = r.clone();
        other.actions = vec![second.to_string()];
        let mut both = r.clone();
        both.actions = vec![one.actions[0].clone(), second.to_string()];
        let (a, _) = run(&one.line());
        let (b, _) = run(&other.line());
        let (ab, why) = run(&both.line());
        let want = if a == Outcome::ExplicitDeny || b == Outcome::ExplicitDeny {
            Outcome::ExplicitDeny
        } else if a == Outcome::Allowed && b == Outcome::Allowed {
            Outcome::Allowed
        } else {
            Outcome::ImplicitDeny
        };
        prop_assert_eq!(ab, want, "{} / {} gave {}\n{}", a, b, why, both.line());
    }
}

/// The generator is only useful if it reaches every outcome often enough, and if the
/// mutations above actually change decisions now and then (otherwise the properties would
/// hold vacuously).
#[test]
fn generator_reaches_every_outcome_and_mutations_matter() {
    const SAMPLES: usize = 1000;
    let mut runner = TestRunner::new(config());
    let strategy = (
        request(),
        statement(Some("Deny")),
        statement(Some("Allow")),
        any::<bool>(),
        any::<Index>(),
    );
    let mut counts = [0usize; 3];
    let (mut deny_refused, mut allow_allowed, mut removal_refused) = (0, 0, 0);
    for _ in 0..SAMPLES {
        let (r, deny, allow, session, at) =
            strategy.new_tree(&mut runner).expect("generate").current();
        let (o, _) = run(&r.line());
        counts[o as usize] += 1;
        let mut r2 = r.clone();
        add_statement(&mut r2, session, at, deny, false);
        if o == Outcome::Allowed && refused(run(&r2.line()).0) {
            deny_refused += 1;
        }
        let mut r3 = r.clone();
        add_statement(&mut r3, session, at, allow, true);
        if refused(o) && !refused(run(&r3.line()).0) {
            allow_allowed += 1;
        }
        let mut r4 = r;
        if o == Outcome::Allowed
            && remove_statement(&mut r4, "Allow", at)
            && refused(run(&r4.line()).0)
        {
            removal_refused += 1;
        }
    }
    eprintln!(
        "of {SAMPLES}: allowed {} explicitDeny {} implicitDeny {}; an added Deny refused {deny_refused} allowed requests, an added Allow allowed {allow_allowed} refused ones, a removed Allow refused {removal_refused} allowed ones",
        counts[0], counts[1], counts[2]
    );
    for (i, c) in counts.iter().enumerate() {
        assert!(
            *c * 20 >= SAMPLES,
            "outcome #{i} reached only {c} times of {SAMPLES}: {counts:?}"
        );
    }
    for (what, n) in [
        ("added Deny", deny_refused),
        ("added Allow", allow_allowed),
        ("removed Allow", removal_refused),
    ] {
        assert!(
            n * 100 >= SAMPLES,
            "{what} changed only {n} decisions of {SAMPLES}"
        );
    }
}
