//! The authorizer's decisions move the right way when policies change: a Deny added to a
//! guardrail or to the role's policies never turns a refusal into an allow, removing an
//! Allow never does either, and an action on the always-deny list is refused whatever the
//! generated guardrails and role say, however it is spelled.

use authz::always_deny;
use authz::{Authorizer, Decision, LayerKind, Subject};
use command::IamData;
use policy::simulate::context_from;
use policy::{Context, Outcome, Policy};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::RngAlgorithm;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};

const CASES: u32 = 2000;

fn authorizer() -> &'static Authorizer {
    static A: OnceLock<Authorizer> = OnceLock::new();
    // The access-level data set is not needed: the generated policies list their actions.
    A.get_or_init(|| Authorizer::new(Arc::new(IamData::without_data())))
}

const ACTIONS: &[&str] = &[
    "ec2:DescribeInstances",
    "EC2:describeinstances",
    "ec2:StartInstances",
    "ec2:TerminateInstances",
    "lambda:InvokeFunction",
    "lambda:DeleteFunction",
    "s3:ListBucket",
    "s3:GetBucketTagging",
    "support:DescribeCases",
    "ssm-incidents:ListIncidentRecords",
    "logs:GetLogEvents",
    "cloudwatch:GetMetricData",
    "iam:ListUsers",
    "s3:GetObject",
    "sts:GetCallerIdentity",
];

const ACTION_PATTERNS: &[&str] = &[
    "*",
    "ec2:*",
    "ec2:Describe*",
    "EC2:DESCRIBE*",
    "ec2:?tartInstances",
    "ec2:TerminateInstances",
    "lambda:Invoke*",
    "lambda:*Function",
    "s3:*",
    "s3:List*",
    "s3:Get*",
    "support:*",
    "ssm-incidents:*",
    "logs:Get*",
    "cloudwatch:GetMetricData",
    "iam:*",
    "sts:*",
    "secretsmanager:*",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
    "arn:aws:ec2:eu-west-1:123456789012:instance/i-0def",
    "arn:aws:lambda:us-east-1:123456789012:function:deploy",
    "arn:aws:s3:::bucket",
    "arn:aws:logs:us-east-1:123456789012:log-group:/app:log-stream:x",
];

const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "*",
    "arn:aws:ec2:*:123456789012:instance/*",
    "arn:aws:ec2:us-east-?:*:*",
    "arn:aws:lambda:*:*:function:${aws:PrincipalTag/app, 'deploy'}",
    "arn:aws:s3:::bucket*",
    "arn:aws:logs:*:*:log-group:/app:*",
    "arn:aws:*:*:*:*",
];

/// (operator, key, values) with the values as JSON text.
const CONDITIONS: &[(&str, &str, &str)] = &[
    ("StringEquals", "aws:RequestedRegion", "\"us-east-1\""),
    (
        "StringNotEquals",
        "aws:RequestedRegion",
        "[\"eu-west-1\",\"us-east-2\"]",
    ),
    ("StringLikeIfExists", "aws:PrincipalTag/team", "\"op*\""),
    (
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        "[\"env\",\"team\"]",
    ),
    ("ForAllValues:StringLike", "aws:TagKeys", "\"e*\""),
    ("ForAnyValue:StringNotEquals", "AWS:TagKeys", "\"env\""),
    ("Bool", "aws:MultiFactorAuthPresent", "true"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "\"false\""),
    (
        "IpAddress",
        "aws:SourceIp",
        "[\"10.0.0.0/8\",\"2001:db8::/32\"]",
    ),
    ("NotIpAddress", "aws:SourceIp", "\"192.168.0.0/16\""),
    ("NumericLessThan", "aws:MultiFactorAuthAge", "3600"),
    (
        "DateGreaterThan",
        "aws:CurrentTime",
        "\"2024-01-01T00:00:00Z\"",
    ),
    ("Null", "aws:PrincipalTag/team", "\"false\""),
    ("Null", "aws:SourceIp", "true"),
    (
        "ArnLike",
        "aws:SourceArn",
        "\"arn:aws:lambda:*:*:function:*\"",
    ),
    (
        "StringEquals",
        "aws:username",
        "\"${aws:PrincipalTag/owner}\"",
    ),
];

const CONTEXT: &[(&str, &[&str])] = &[
    ("aws:RequestedRegion", &["\"us-east-1\"", "\"eu-west-1\""]),
    ("aws:PrincipalTag/team", &["\"ops\"", "\"dev\""]),
    ("aws:PrincipalTag/owner", &["\"bob\""]),
    ("aws:username", &["\"bob\"", "\"alice\""]),
    ("aws:TagKeys", &["[]", "[\"env\"]", "[\"env\",\"team\"]"]),
    ("aws:MultiFactorAuthPresent", &["true", "false"]),
    ("aws:MultiFactorAuthAge", &["60", "86400"]),
    ("aws:SourceIp", &["\"10.1.2.3\"", "\"192.168.1.1\""]),
    ("aws:CurrentTime", &["\"2024-06-01T00:00:00Z\""]),
    (
        "aws:SourceArn",
        &["\"arn:aws:lambda:us-east-1:1:function:f\""],
    ),
];

fn list(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Value> {
    (prop::collection::vec(select(pool), 1..=max), any::<bool>()).prop_map(|(v, as_list)| {
        if v.len() == 1 && !as_list {
            json!(v[0])
        } else {
            json!(v)
        }
    })
}

fn statement(effect: Option<&'static str>) -> BoxedStrategy<Value> {
    let effect = match effect {
        Some(e) => Just(e).boxed(),
        None => prop_oneof![5 => Just("Allow"), 1 => Just("Deny")].boxed(),
    };
    (
        effect,
        prop::bool::weighted(0.15),
        list(ACTION_PATTERNS, 3),
        prop::bool::weighted(0.1),
        list(RESOURCE_PATTERNS, 2),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => prop::collection::vec(select(CONDITIONS), 1..=2),
        ],
    )
        .prop_map(
            |(effect, not_action, actions, not_resource, resources, conds)| {
                let mut st = Map::new();
                st.insert("Effect".into(), json!(effect));
                st.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    actions,
                );
                st.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    resources,
                );
                if !conds.is_empty() {
                    let mut block = Map::new();
                    for (op, key, vals) in conds {
                        let keys = block
                            .entry(op.to_string())
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(k) = keys {
                            k.insert(key.to_string(), serde_json::from_str(vals).unwrap());
                        }
                    }
                    st.insert("Condition".into(), Value::Object(block));
                }
                Value::Object(st)
            },
        )
        .boxed()
}

fn policy_doc() -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(None), 1..=4)
        .prop_map(|sts| json!({"Version": "2012-10-17", "Statement": sts}))
}

fn context() -> impl Strategy<Value = Map<String, Value>> {
    let entries: Vec<BoxedStrategy<Option<(String, Value)>>> = CONTEXT
        .iter()
        .map(|(key, vals)| {
            let key = *key;
            prop::option::weighted(0.5, select(*vals))
                .prop_map(move |o| o.map(|v| (key.to_string(), serde_json::from_str(v).unwrap())))
                .boxed()
        })
        .collect();
    entries.prop_map(|es| es.into_iter().flatten().collect())
}

/// One command to decide: guardrails (possibly none: the protection policy), the role's
/// policies when the config holds them, the actions, the resource and the context.
#[derive(Debug, Clone)]
struct Case {
    guardrails: Vec<Value>,
    role: Option<Vec<Value>>,
    actions: Vec<String>,
    resource: String,
    context: Map<String, Value>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            1 => Just(Vec::new()),
            6 => prop::collection::vec(policy_doc(), 1..=3),
        ],
        prop::option::weighted(0.7, prop::collection::vec(policy_doc(), 0..=2)),
        prop_oneof![
            3 => prop::collection::vec(select(ACTIONS), 1..=1),
            1 => prop::collection::vec(select(ACTIONS), 2..=2),
        ],
        select(RESOURCES),
        context(),
    )
        .prop_map(|(guardrails, role, actions, resource, context)| Case {
            guardrails,
            role,
            actions: actions.into_iter().map(String::from).collect(),
            resource: resource.into(),
            context,
        })
}

fn parsed(what: &str, docs: &[Value]) -> Vec<Policy> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            Policy::from_value(&format!("{what} {i}"), d)
                .unwrap_or_else(|e| panic!("generated policy rejected: {e}\n{d}"))
        })
        .collect()
}

fn check(c: &Case) -> Decision {
    let guardrails = parsed("guardrail", &c.guardrails);
    let role = c.role.as_deref().map(|r| parsed("role policy", r));
    let ctx: Context = context_from(&c.context).expect("valid context");
    let who = Subject {
        channel: "#ops",
        guardrails: &guardrails,
        role: Some("ops"),
        role_policies: role.as_deref(),
    };
    let actions: Vec<&str> = c.actions.iter().map(String::as_str).collect();
    let d = authorizer().check(&actions, &c.resource, &ctx, &who);
    assert!(!d.reason.is_empty(), "empty reason for {c:?}");
    d
}

fn statements_mut(doc: &mut Value) -> &mut Vec<Value> {
    match &mut doc["Statement"] {
        Value::Array(a) => a,
        _ => unreachable!("generated documents hold a statement array"),
    }
}

/// Adds a statement to a guardrail or to the role's policies, existing or new. A new
/// guardrail is only added where there are guardrails already, unless `may_replace_protection`
/// (the first guardrail replaces the protection policy: a different policy, not an addition).
fn add(c: &mut Case, to_role: bool, at: Index, st: Value, may_replace_protection: bool) {
    let layer = if to_role {
        match c.role.as_mut() {
            Some(r) => r,
            None => return,
        }
    } else {
        if c.guardrails.is_empty() && !may_replace_protection {
            return;
        }
        &mut c.guardrails
    };
    let i = at.index(layer.len() + 1);
    if i == layer.len() {
        layer.push(json!({"Version": "2012-10-17", "Statement": [st]}));
    } else {
        statements_mut(&mut layer[i]).push(st);
    }
}

/// Removes one Allow statement; a policy's only statement takes the policy with it, but
/// the last guardrail stays (without guardrails the protection policy would apply).
fn remove_allow(c: &mut Case, at: Index) -> bool {
    let mut candidates = Vec::new();
    let layers = [(false, Some(&c.guardrails)), (true, c.role.as_ref())];
    for (role, layer) in layers {
        let Some(layer) = layer else { continue };
        for (pi, p) in layer.iter().enumerate() {
            let sts = p["Statement"].as_array().expect("array");
            for (si, s) in sts.iter().enumerate() {
                let alone = sts.len() == 1;
                if s["Effect"] == "Allow" && !(alone && !role && layer.len() == 1) {
                    candidates.push((role, pi, si, alone));
                }
            }
        }
    }
    if candidates.is_empty() {
        return false;
    }
    let (role, pi, si, alone) = candidates[at.index(candidates.len())];
    let layer = if role {
        c.role.as_mut().expect("role policies")
    } else {
        &mut c.guardrails
    };
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
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

/// An action the always-deny list covers, spelled in a generated way.
fn denied_action() -> impl Strategy<Value = String> {
    let entries: Vec<String> = always_deny::entries()
        .into_iter()
        .map(|e| e.pattern)
        .collect();
    (
        select(entries),
        select(&["ListUsers", "CreateUser", "s", "Get"][..]),
        0..4usize,
    )
        .prop_map(|(pattern, fill, case)| {
            let (svc, name) = pattern.split_once(':').expect("service:action");
            let name = if name == "*" {
                fill.to_string()
            } else {
                name.replace('*', fill)
            };
            let action = format!("{svc}:{name}");
            match case {
                1 => action.to_ascii_lowercase(),
                2 => action.to_ascii_uppercase(),
                3 => format!("{}:{}", svc.to_ascii_uppercase(), name),
                _ => action,
            }
        })
}

proptest! {
    #![proptest_config(config())]

    /// A Deny added to a guardrail (or as a new guardrail, even replacing the protection
    /// policy) or to the role's policies never turns a refusal into an allow; an explicit
    /// deny stays one.
    #[test]
    fn adding_a_deny_never_allows(
        c in case(),
        st in statement(Some("Deny")),
        to_role in any::<bool>(),
        at in any::<Index>(),
    ) {
        let before = check(&c);
        let mut c2 = c.clone();
        add(&mut c2, to_role, at, st, true);
        let after = check(&c2);
        if !before.allowed() {
            prop_assert!(!after.allowed(), "{:?} ({}) became allowed ({})\n{:?}", before.outcome, before.reason, after.reason, c2);
        }
        if before.outcome == Outcome::ExplicitDeny {
            prop_assert_eq!(after.outcome, Outcome::ExplicitDeny, "{}\n{:?}", after.reason, c2);
        }
    }

    /// Removing an Allow from a guardrail or from the role's policies never turns a refusal
    /// into an allow.
    #[test]
    fn removing_an_allow_never_allows(c in case(), at in any::<Index>()) {
        let mut c2 = c.clone();
        if remove_allow(&mut c2, at) {
            let before = check(&c);
            let after = check(&c2);
            if !before.allowed() {
                prop_assert!(!after.allowed(), "{:?} ({}) became allowed ({})\nbefore {:?}\nafter {:?}", before.outcome, before.reason, after.reason, c, c2);
            }
        }
    }

    /// An Allow added to an existing guardrail or to the role's policies never refuses what
    /// was allowed.
    #[test]
    fn adding_an_allow_never_refuses(
        c in case(),
        st in statement(Some("Allow")),
        to_role in any::<bool>(),
        at in any::<Index>(),
    ) {
        let before = check(&c);
        let mut c2 = c.clone();
        add(&mut c2, to_role, at, st, false);
        let after = check(&c2);
        if before.allowed() {
            prop_assert!(after.allowed(), "allowed became {:?}: {}\n{:?}", after.outcome, after.reason, c2);
        }
    }

    /// An always-denied action is refused by the always-deny list whatever the guardrails
    /// and the role say, alone or with other actions, before or after them.
    #[test]
    fn always_denied_whatever_the_policies(
        c in case(),
        denied in denied_action(),
        first in any::<bool>(),
        admin in any::<bool>(),
    ) {
        let mut c2 = c.clone();
        if first {
            c2.actions.insert(0, denied.clone());
        } else {
            c2.actions.push(denied.clone());
        }
        if admin {
            // Even with everything allowed everywhere.
            let everything = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
            c2.guardrails.push(everything.clone());
            c2.role.get_or_insert_with(Vec::new).push(everything);
        }
        let d = check(&c2);
        prop_assert_eq!(d.outcome, Outcome::ExplicitDeny, "{} allowed: {}\n{:?}", denied, d.reason, c2);
        // When the listed action comes first, the list is what decides (and the advice is
        // not "ask an admin"). After another action, a guardrail's or role's own Deny of
        // that action may be reported instead: see `the_list_decides_whatever_the_order`.
        if first {
            prop_assert_eq!(d.layer, Some(LayerKind::AlwaysDeny), "{}: {}", denied, d.reason);
        }
        prop_assert!(authorizer().always_denied(&[denied.as_str()]).is_some(), "{}", denied);
    }
}

/// The always-deny list is the outermost layer, so it should be what a refusal names even
/// when another action of the same command comes first and a guardrail denies that one: the
/// guardrail's advice ("ask an admin to change guardrail …") cannot help, the list's can.
#[test]
fn the_list_decides_whatever_the_order() {
    let c = Case {
        guardrails: vec![json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}]})],
        role: None,
        actions: vec!["lambda:InvokeFunction".into(), "chatbot:ListUsers".into()],
        resource: "*".into(),
        context: Map::new(),
    };
    let d = check(&c);
    assert_eq!(d.outcome, Outcome::ExplicitDeny);
    assert_eq!(d.layer, Some(LayerKind::AlwaysDeny), "{}", d.reason);
}

/// The generated channels reach every outcome, and the mutations change decisions now and
/// then (otherwise the properties above would hold vacuously).
#[test]
fn generator_reaches_every_outcome_and_mutations_matter() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    const SAMPLES: usize = 1000;
    let mut runner = TestRunner::new(config());
    let strategy = (
        case(),
        statement(Some("Deny")),
        any::<bool>(),
        any::<Index>(),
    );
    let mut counts = [0usize; 3];
    let (mut deny_refused, mut removal_refused) = (0, 0);
    for _ in 0..SAMPLES {
        let (c, deny, to_role, at) = strategy.new_tree(&mut runner).expect("generate").current();
        let d = check(&c);
        counts[d.outcome as usize] += 1;
        if d.allowed() {
            let mut c2 = c.clone();
            add(&mut c2, to_role, at, deny, true);
            deny_refused += usize::from(!check(&c2).allowed());
            let mut c3 = c;
            removal_refused += usize::from(remove_allow(&mut c3, at) && !check(&c3).allowed());
        }
    }
    eprintln!(
        "of {SAMPLES}: allowed {} explicitDeny {} implicitDeny {}; an added Deny refused {deny_refused} allowed commands, a removed Allow {removal_refused}",
        counts[0], counts[1], counts[2]
    );
    for (i, c) in counts.iter().enumerate() {
        assert!(
            *c * 20 >= SAMPLES,
            "outcome #{i}: only {c} of {SAMPLES}: {counts:?}"
        );
    }
    assert!(
        deny_refused * 100 >= SAMPLES,
        "an added Deny refused only {deny_refused}"
    );
    assert!(
        removal_refused * 100 >= SAMPLES,
        "a removed Allow refused only {removal_refused}"
    );
}
