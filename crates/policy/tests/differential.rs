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

const CASES: usize = 6000;
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
    ("iam:GetRole", "role"),
    ("logs:GetLogEvents", "log-stream"),
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
        // IAM paths: the role's name follows any number of path parts.
        "role" => format!(
            "arn:aws:iam::{ACCOUNT}:role/{}{name}",
            rng.pick(&["", "ops/", "ops/team/"])
        ),
        // Resource types separated by `:` (and a log group named with `/`).
        "log-stream" => format!(
            "arn:aws:logs:{region}:{ACCOUNT}:log-group:{}:log-stream:{}",
            rng.pick(&["/aws/lambda/orders", "app"]),
            rng.pick(&["s1", "2026/01/01/abc"])
        ),
        _ => format!("arn:aws:sns:{region}:{ACCOUNT}:{name}"),
    }
}

/// The resource part of an ARN split after its resource type (`instance/`, `log-group:`);
/// S3 bucket and object ARNs and parts without a separator have none.
fn split_type(arn: &str) -> (String, String, String) {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let head = parts[..5].join(":") + ":";
    let rest = parts[5];
    if arn.starts_with("arn:aws:s3:::") {
        return (head, String::new(), rest.to_string());
    }
    match rest.find(['/', ':']) {
        Some(i) => (head, rest[..=i].to_string(), rest[i + 1..].to_string()),
        None => (head, String::new(), rest.to_string()),
    }
}

const VARIABLES: &[&str] = &[
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "${aws:RequestedRegion}",
];

fn resource_pattern(rng: &mut Rng, kind: &str) -> String {
    let concrete = resource(rng, kind);
    match rng.below(15) {
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
        // A wildcard in the resource type, which IAM compares literally.
        9 | 10 => {
            let (head, ty, id) = split_type(&concrete);
            if ty.is_empty() {
                return format!("{head}*");
            }
            let sep = &ty[ty.len() - 1..];
            let name = &ty[..ty.len() - 1];
            let ty = match rng.below(4) {
                0 => format!("*{sep}"),
                1 => format!("{}?{sep}", &name[..name.len() - 1]),
                2 => format!("{}?{}{sep}", &name[..2], &name[3..]),
                _ => format!("{}*{sep}", &name[..2]),
            };
            let id = if rng.chance(50) { id } else { "*".to_string() };
            format!("{head}{ty}{id}")
        }
        // Short ARNs, padded with wildcards.
        11 => {
            let parts: Vec<&str> = concrete.split(':').collect();
            match rng.below(4) {
                0 => format!("arn:aws:{}:*", parts[2]),
                1 => format!("arn:aws:{}:{}:*", parts[2], parts[3]),
                2 => "arn:aws:*".to_string(),
                _ => format!("arn:aws:{}:{}:{}:*", parts[2], parts[3], parts[4]),
            }
        }
        // A variable in a segment before the resource part: plain text there.
        12 => {
            let mut parts: Vec<String> = concrete.splitn(6, ':').map(str::to_string).collect();
            let i = 1 + rng.below(4);
            parts[i] = rng.pick(VARIABLES).to_string();
            parts.join(":")
        }
        // A variable in the resource type (literal) or as the resource id.
        13 | 14 => {
            let (head, ty, id) = split_type(&concrete);
            let var = rng.pick(&VARIABLES[..2]);
            if ty.is_empty() || rng.chance(50) {
                let id = if rng.chance(50) {
                    var.to_string()
                } else {
                    format!("{var}*")
                };
                if ty.is_empty() && !concrete.starts_with("arn:aws:s3:::") {
                    // A variable that starts a resource part without a type: the oracle
                    // does not substitute it (AWS does), so keep a literal lead.
                    return format!("{head}{}", id.replacen('$', "x$", 1));
                }
                format!("{head}{ty}{id}")
            } else {
                let sep = &ty[ty.len() - 1..];
                format!("{head}{var}{sep}{id}")
            }
        }
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
    let mut resources: Vec<String> = (0..n).map(|_| resource_pattern(rng, kind)).collect();
    let not_resource = rng.chance(15);
    if not_resource && s["Effect"] == "Deny" {
        // The oracle never inverts a short ARN's mismatch in NotResource, so a Deny
        // through one does not apply there; we let it apply (fail closed). AWS does not
        // document the case (tests/README.md, deviation 7).
        for r in resources.iter_mut() {
            if r.starts_with("arn:") && r.split(':').count() < 6 {
                *r = resource(rng, kind);
            }
        }
    }
    s.insert(
        if not_resource {
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

/// The shapes of one Resource entry, in words (for the coverage count).
fn arn_shapes(r: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !r.starts_with("arn:") {
        return out;
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    if r.split(':').count() < 6 && !r.contains("${") {
        out.push("short ARN");
        return out;
    }
    if parts[..parts.len().min(5)].iter().any(|p| p.contains("${")) {
        out.push("variable before the resource part");
    }
    if r.starts_with("arn:aws:s3:::") {
        out.push("S3 bucket/object");
        return out;
    }
    if r.contains(":role/") && r.matches('/').count() > 1 {
        out.push("IAM path");
    }
    let Some(rest) = parts.get(5) else {
        return out;
    };
    if let Some(i) = rest.find(['/', ':']) {
        let (ty, id) = (&rest[..i], &rest[i + 1..]);
        out.push(if rest.as_bytes()[i] == b':' {
            "':' resource type"
        } else {
            "'/' resource type"
        });
        if ty.contains(['*', '?']) {
            out.push("resource-type wildcard");
        }
        if ty.contains("${") {
            out.push("variable in the resource type");
        }
        if id.contains("${") {
            out.push("variable in the resource id");
        }
    }
    out
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
    // The ARN shapes the generator must reach, counted by case.
    let mut shapes = std::collections::BTreeMap::new();
    for c in &cases {
        let mut seen = std::collections::BTreeSet::new();
        for p in c["identity_policies"]
            .as_array()
            .unwrap()
            .iter()
            .chain(c["session_policies"].as_array().unwrap())
        {
            for st in p["Statement"].as_array().unwrap() {
                let list = st
                    .get("Resource")
                    .or_else(|| st.get("NotResource"))
                    .unwrap();
                for r in list.as_array().unwrap().iter().filter_map(Value::as_str) {
                    seen.extend(arn_shapes(r));
                }
            }
        }
        for s in seen {
            *shapes.entry(s).or_insert(0usize) += 1;
        }
    }
    eprintln!("differential: cases by ARN shape {shapes:?}");
    for s in [
        "resource-type wildcard",
        "short ARN",
        "variable before the resource part",
        "variable in the resource type",
        "variable in the resource id",
        "S3 bucket/object",
        "IAM path",
        "':' resource type",
        "'/' resource type",
    ] {
        assert!(
            shapes.get(s).copied().unwrap_or(0) >= CASES / 100,
            "the generator rarely makes {s}: {shapes:?}"
        );
    }
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
    let report = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("differential.txt");
    let _ = std::fs::write(&report, disagree.join("\n"));
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
