//! Differential testing against an independent evaluator: thousands of generated requests
//! decided by this engine and by `@cloud-copilot/iam-simulate` (run through node from
//! tests/oracle, installed by scripts/setup.sh; AGPL, used as a tool only) must agree on
//! every case. The generator stays inside what the oracle models the way AWS does (see
//! tests/README.md for its known deviations).

use policy::simulate::{decide, parse_request};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const CASES: usize = 4000;
const ACCOUNT: &str = "123456789012";

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (action, resource-ARN builder) pairs the oracle's data knows.
const ACTIONS: &[(&str, &str)] = &[
    ("s3:GetObject", "object"),
    ("s3:PutObject", "object"),
    ("s3:ListBucket", "bucket"),
    ("ec2:StartInstances", "instance"),
    ("ec2:StopInstances", "instance"),
    ("ec2:TerminateInstances", "instance"),
    ("lambda:InvokeFunction", "function"),
    ("lambda:GetFunction", "function"),
    ("lambda:DeleteFunction", "function"),
    ("dynamodb:GetItem", "table"),
    ("dynamodb:PutItem", "table"),
    ("sqs:SendMessage", "queue"),
    ("sns:Publish", "topic"),
];

const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];
const NAMES: &[&str] = &["reports", "alice", "ops-data", "Reports", "bob"];

fn resource(rng: &mut Rng, kind: &str) -> String {
    let region = rng.pick(REGIONS);
    let name = rng.pick(NAMES);
    match kind {
        "object" => format!(
            "arn:aws:s3:::{}/{}/{}",
            rng.pick(&["reports", "logs"]),
            name,
            rng.pick(&["a.txt", "x/y.csv"])
        ),
        "bucket" => format!("arn:aws:s3:::{name}"),
        "instance" => format!(
            "arn:aws:ec2:{region}:{ACCOUNT}:instance/i-{}",
            rng.pick(&["0abc", "0def", "1abc"])
        ),
        "function" => format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        "table" => format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"),
        "queue" => format!("arn:aws:sqs:{region}:{ACCOUNT}:{name}"),
        _ => format!("arn:aws:sns:{region}:{ACCOUNT}:{name}"),
    }
}

fn resource_pattern(rng: &mut Rng, kind: &str) -> String {
    let concrete = resource(rng, kind);
    match rng.below(9) {
        0 => "*".into(),
        1 => concrete,
        2 => {
            // Replace the part after the last '/' or ':' with a wildcard.
            let cut = concrete.rfind(['/', ':']).unwrap_or(concrete.len() - 1);
            format!("{}*", &concrete[..=cut])
        }
        3 => concrete
            .replacen("us-east-1", "*", 1)
            .replacen("eu-west-1", "*", 1),
        4 => concrete.replacen(ACCOUNT, "*", 1),
        5 => concrete.replace("i-0", "i-?"),
        // A variable after a '/': the oracle does not substitute one that starts the
        // resource part (`…:function:${aws:username}`), which AWS does.
        6 => match concrete.rfind('/') {
            Some(cut) => format!("{}${{aws:username}}*", &concrete[..=cut]),
            None => concrete,
        },
        7 => concrete.replace("reports", "rep*s"),
        _ => {
            let (a, k) = *rng.pick(ACTIONS);
            let _ = a;
            resource(rng, k)
        }
    }
}

fn action_pattern(rng: &mut Rng, action: &str) -> String {
    let (svc, name) = action.split_once(':').unwrap();
    match rng.below(8) {
        0 => "*".into(),
        1 => format!("{svc}:*"),
        2 => format!("{svc}:{}*", &name[..3]),
        3 => format!("{}:{}", svc.to_uppercase(), name.to_lowercase()),
        4 => format!("{svc}:?{}", &name[1..]),
        5 => format!("{svc}:*{}", &name[name.len() - 4..]),
        _ => action.to_string(),
    }
}

/// Condition keys: (key, type) — global keys the oracle accepts for every action.
const KEYS: &[(&str, &str)] = &[
    ("aws:SourceIp", "ip"),
    ("aws:RequestedRegion", "region"),
    ("aws:username", "user"),
    ("aws:PrincipalTag/team", "team"),
    ("aws:MultiFactorAuthPresent", "bool"),
    ("aws:SecureTransport", "bool"),
    ("aws:MultiFactorAuthAge", "number"),
    ("aws:CurrentTime", "date"),
    ("aws:PrincipalServiceNamesList", "services"),
];

fn request_value(rng: &mut Rng, ty: &str) -> Value {
    match ty {
        "ip" => json!(rng.pick(&[
            "10.1.2.3",
            "192.168.1.10",
            "203.0.113.7",
            "2001:db8::1",
            "8.8.8.8"
        ])),
        "region" => json!(rng.pick(&["us-east-1", "eu-west-1", "ap-south-1"])),
        "user" => json!(rng.pick(&["alice", "bob", "Alice", "reports"])),
        "team" => json!(rng.pick(&["ops", "dev", "OPS"])),
        "bool" => json!(rng.pick(&["true", "false"])),
        "number" => json!(rng.pick(&["100", "3600", "7200", "0"])),
        "date" => json!(rng.pick(&[
            "2024-01-01T00:00:00Z",
            "2025-06-15T12:30:00Z",
            "2023-12-31T23:59:59Z"
        ])),
        _ => {
            let n = rng.below(4);
            let all = [
                "lambda.amazonaws.com",
                "ec2.amazonaws.com",
                "s3.amazonaws.com",
            ];
            json!((0..n)
                .map(|i| all[(i + rng.below(3)) % 3])
                .collect::<Vec<_>>())
        }
    }
}

fn condition(rng: &mut Rng) -> (String, String, Value) {
    let (key, ty) = *rng.pick(KEYS);
    let ifx = if rng.chance(20) { "IfExists" } else { "" };
    let (op, values): (String, Vec<&str>) = match ty {
        "ip" => (
            rng.pick(&["IpAddress", "NotIpAddress"]).to_string() + ifx,
            vec![*rng.pick(&[
                "10.0.0.0/8",
                "192.168.0.0/16",
                "203.0.113.7/32",
                "2001:db8::/32",
                "8.8.0.0/16",
            ])],
        ),
        "region" | "user" | "team" => {
            let op = rng.pick(&[
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                "StringLike",
                "StringNotLike",
            ]);
            let pool: &[&str] = match ty {
                "region" => &["us-east-1", "eu-*", "us-east-?", "eu-west-1"],
                "user" => &["alice", "Alice", "a*", "${aws:PrincipalTag/team}", "bob"],
                _ => &["ops", "OPS", "d?v", "${aws:username}"],
            };
            let n = 1 + rng.below(2);
            (
                op.to_string() + ifx,
                (0..n).map(|_| *rng.pick(pool)).collect(),
            )
        }
        "bool" => (
            "Bool".to_string() + ifx,
            vec![*rng.pick(&["true", "false"])],
        ),
        "number" => (
            rng.pick(&[
                "NumericEquals",
                "NumericNotEquals",
                "NumericLessThan",
                "NumericLessThanEquals",
                "NumericGreaterThan",
                "NumericGreaterThanEquals",
            ])
            .to_string()
                + ifx,
            vec![*rng.pick(&["3600", "100", "0"])],
        ),
        "date" => (
            rng.pick(&[
                "DateEquals",
                "DateNotEquals",
                "DateLessThan",
                "DateLessThanEquals",
                "DateGreaterThan",
                "DateGreaterThanEquals",
            ])
            .to_string()
                + ifx,
            vec![*rng.pick(&["2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"])],
        ),
        _ => {
            let set = rng.pick(&["ForAllValues:", "ForAnyValue:"]);
            let op = rng.pick(&[
                "StringEquals",
                "StringNotEquals",
                "StringLike",
                "StringNotLike",
            ]);
            let n = 1 + rng.below(2);
            (
                format!("{set}{op}"),
                (0..n)
                    .map(|_| {
                        *rng.pick(&[
                            "lambda.amazonaws.com",
                            "ec2.amazonaws.com",
                            "*.amazonaws.com",
                        ])
                    })
                    .collect(),
            )
        }
    };
    let op = if rng.chance(8) {
        "Null".to_string()
    } else {
        op
    };
    let values = if op == "Null" {
        json!(rng.pick(&["true", "false"]))
    } else if values.len() == 1 && rng.chance(50) {
        json!(values[0])
    } else {
        json!(values)
    };
    (op, key.to_string(), values)
}

fn statement(rng: &mut Rng, action: &str, kind: &str) -> Value {
    let mut s = serde_json::Map::new();
    s.insert(
        "Effect".into(),
        json!(if rng.chance(70) { "Allow" } else { "Deny" }),
    );
    let n = 1 + rng.below(2);
    let actions: Vec<String> = (0..n)
        .map(|_| {
            if rng.chance(75) {
                action_pattern(rng, action)
            } else {
                rng.pick(ACTIONS).0.to_string()
            }
        })
        .collect();
    s.insert(
        if rng.chance(15) {
            "NotAction"
        } else {
            "Action"
        }
        .into(),
        json!(actions),
    );
    let n = 1 + rng.below(2);
    let resources: Vec<String> = (0..n).map(|_| resource_pattern(rng, kind)).collect();
    s.insert(
        if rng.chance(15) {
            "NotResource"
        } else {
            "Resource"
        }
        .into(),
        json!(resources),
    );
    if rng.chance(45) {
        let mut c = serde_json::Map::new();
        for _ in 0..1 + rng.below(2) {
            let (op, key, values) = condition(rng);
            let entry = c.entry(op).or_insert_with(|| json!({}));
            entry[key] = values;
        }
        s.insert("Condition".into(), Value::Object(c));
    }
    Value::Object(s)
}

fn policy(rng: &mut Rng, action: &str, kind: &str) -> Value {
    let n = 1 + rng.below(3);
    json!({"Version": "2012-10-17", "Statement": (0..n).map(|_| statement(rng, action, kind)).collect::<Vec<_>>()})
}

fn case(rng: &mut Rng) -> Value {
    let (action, kind) = *rng.pick(ACTIONS);
    let mut context = serde_json::Map::new();
    // Variables always resolve: the oracle reads unresolved ones differently from AWS.
    context.insert("aws:username".into(), request_value(rng, "user"));
    context.insert("aws:PrincipalTag/team".into(), request_value(rng, "team"));
    for (key, ty) in KEYS {
        if !context.contains_key(*key) && rng.chance(50) {
            context.insert(key.to_string(), request_value(rng, ty));
        }
    }
    let identity: Vec<Value> = (0..1 + rng.below(2))
        .map(|_| policy(rng, action, kind))
        .collect();
    let session: Vec<Value> = (0..rng.below(3))
        .map(|_| policy(rng, action, kind))
        .collect();
    json!({
        "action": action,
        "resource": resource(rng, kind),
        "context": context,
        "identity_policies": identity,
        "session_policies": session,
    })
}

#[test]
fn agrees_with_iam_simulate() {
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    assert!(
        oracle
            .join("node_modules/@cloud-copilot/iam-simulate")
            .is_dir(),
        "the oracle is not installed: run scripts/setup.sh (npm ci in {})",
        oracle.display()
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases: Vec<Value> = (0..CASES).map(|_| case(&mut rng)).collect();
    let input: String = cases.iter().map(|c| c.to_string() + "\n").collect();
    let mut child = Command::new("node")
        .arg(oracle.join("simulate.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let answers: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    let mut tally = std::collections::BTreeMap::new();
    let mut disagree = Vec::new();
    for (c, a) in cases.iter().zip(&answers) {
        let theirs = a["decision"].as_str().unwrap_or("?");
        assert_ne!(
            theirs, "error",
            "the oracle refused a generated case: {a}\n{c}"
        );
        let req = parse_request(&c.to_string()).unwrap_or_else(|e| panic!("{e}\n{c}"));
        let (ours, _) = decide(&req);
        *tally.entry(theirs.to_string()).or_insert(0) += 1;
        if ours.as_str() != theirs {
            disagree.push(format!("ours {ours}, oracle {theirs}: {c}"));
        }
    }
    eprintln!(
        "differential: {} cases, oracle decisions {tally:?}",
        cases.len()
    );
    // Every outcome is exercised, so agreement means something.
    for o in ["allowed", "explicitDeny", "implicitDeny"] {
        assert!(
            tally.get(o).copied().unwrap_or(0) >= CASES / 20,
            "too few {o}: {tally:?}"
        );
    }
    assert!(
        disagree.is_empty(),
        "{} of {} disagree; first:\n{}",
        disagree.len(),
        cases.len(),
        disagree
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
