#![no_main]
//! The policy parser and validator return a policy or its problems for any text, and a
//! policy that parses decides a few fixed requests (as identity and as session policy) with
//! an explanation, never a panic.
use libfuzzer_sys::fuzz_target;
use policy::{evaluate, Context, Layer, Outcome, Policy};
use std::sync::OnceLock;

const REQUESTS: &[(&[&str], &str)] = &[
    (&["s3:GetObject"], "arn:aws:s3:::bucket/home/bob/a:b/c.txt"),
    (&["ec2:DescribeInstances"], "*"),
    (
        &["ec2:StartInstances", "EC2:stopinstances"],
        "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
    ),
    (&["sts:GetCallerIdentity"], "*"),
    (&["lambda:InvokeFunction"], "arn:aws:lambda:eu-west-1:123456789012:function:f:1"),
];

fn contexts() -> &'static [Context] {
    static C: OnceLock<Vec<Context>> = OnceLock::new();
    C.get_or_init(|| {
        let mut full = Context::new();
        full.set("aws:username", "b*b?")
            .set("aws:userid", "AIDA${*}")
            .set("aws:PrincipalTag/team", "ops")
            .set("aws:SourceIp", "10.1.2.3")
            .set("aws:CurrentTime", "2024-06-01T00:00:00Z")
            .set("aws:EpochTime", "1717200000")
            .set("aws:MultiFactorAuthPresent", "true")
            .set("aws:MultiFactorAuthAge", "42.5")
            .set("aws:SourceArn", "arn:aws:s3:::bucket")
            .set("aws:RequestedRegion", "us-east-1")
            .set("aws:bin", "QmluYXJ5");
        full.set_many("aws:TagKeys", vec!["env".into(), "Team".into()]);
        full.set_many("aws:CalledVia", vec![]);
        let mut odd = Context::new();
        odd.set("aws:SourceIp", "2001:db8::1")
            .set("aws:CurrentTime", "not a date")
            .set("aws:MultiFactorAuthAge", "NaN")
            .set("aws:username", "")
            .set("", "empty key");
        vec![Context::new(), full, odd]
    })
}

fn allow_all() -> &'static [Policy] {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    P.get_or_init(|| {
        vec![Policy::parse(
            "all",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        )
        .expect("valid")]
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(p) = Policy::parse("fuzz", &text) else {
        return;
    };
    let mine = std::slice::from_ref(&p);
    let as_identity = [Layer {
        name: "identity policy",
        policies: mine,
        must_allow: true,
        absolute: false,
    }];
    let as_session = [
        Layer {
            name: "identity policy",
            policies: allow_all(),
            must_allow: true,
            absolute: false,
        },
        Layer {
            name: "session policy",
            policies: mine,
            must_allow: true,
            absolute: true,
        },
    ];
    for ctx in contexts() {
        for (actions, resource) in REQUESTS {
            for layers in [&as_identity[..], &as_session[..]] {
                let v = evaluate(layers, actions, resource, ctx);
                assert!(v.action < actions.len());
                if v.outcome != Outcome::Allowed {
                    assert!(v.hit.is_some());
                }
                let why = v.explain(layers, actions, resource, ctx);
                assert!(!why.is_empty());
                assert_eq!(v, evaluate(layers, actions, resource, ctx));
            }
        }
    }
});
