//! Cross-check with Slack's own Python SDK (`slack_sdk`, pinned in scripts/requirements.txt,
//! installed into `.venv` by scripts/setup.sh): its signer's signatures are accepted by ours,
//! ours are accepted by its verifier, both produce the same strings, and both refuse a
//! tampered body, a wrong secret, a timestamp older than five minutes and missing headers.

use serde_json::{json, Value};
use slack::signature::{sign, verify, SignatureError, SignatureHeaders};
use std::io::Write;
use std::process::{Command, Stdio};

const SDK: &str = r#"
import json, sys
from slack_sdk.signature import SignatureVerifier, Clock

class At(Clock):
    def __init__(self, t): self.t = t
    def now(self): return float(self.t)

req = json.load(sys.stdin)
out = []
for c in req["cases"]:
    signer = SignatureVerifier(c["secret"])
    sdk_sig = signer.generate_signature(timestamp=c["timestamp"], body=c["body"])
    verifier = SignatureVerifier(c["verify_secret"], clock=At(c["now"]))
    headers = {}
    if c["send_timestamp"]:
        headers["X-Slack-Request-Timestamp"] = c["timestamp"]
    if c["send_signature"]:
        headers["X-Slack-Signature"] = c["ours"]
    out.append({
        "sdk_signature": sdk_sig,
        "sdk_accepts_ours": verifier.is_valid_request(body=c["received_body"], headers=headers),
    })
json.dump(out, sys.stdout)
"#;

fn python() -> String {
    format!("{}/../../.venv/bin/python", env!("CARGO_MANIFEST_DIR"))
}

struct Case {
    secret: &'static str,
    verify_secret: &'static str,
    timestamp: String,
    now: i64,
    body: String,
    received_body: String,
    send_timestamp: bool,
    send_signature: bool,
    /// What our verifier must say.
    want: Result<(), fn(&SignatureError) -> bool>,
}

fn run_sdk(cases: &[Case]) -> Vec<Value> {
    let req = json!({
        "cases": cases.iter().map(|c| json!({
            "secret": c.secret,
            "verify_secret": c.verify_secret,
            "timestamp": c.timestamp,
            "now": c.now,
            "body": c.body,
            "received_body": c.received_body,
            "send_timestamp": c.send_timestamp,
            "send_signature": c.send_signature,
            "ours": sign(c.secret, &c.timestamp, c.body.as_bytes()),
        })).collect::<Vec<_>>()
    });
    let mut child = Command::new(python())
        .args(["-c", SDK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run scripts/setup.sh to create .venv with slack_sdk)",
                python()
            )
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(req.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "slack_sdk script failed (is slack_sdk installed? run scripts/setup.sh): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn signatures_agree_with_slack_sdk() {
    let now = 1_700_000_000i64;
    let ts = |t: i64| t.to_string();
    let bodies = [
        String::new(),
        r#"{"token":"XXYYZZ","team_id":"T123ABC456","api_app_id":"A123ABC456","event":{"type":"app_mention","user":"U061F7AUR","text":"<@U0LAN0Z89> ec2 describe-instances","ts":"1515449522.000016","channel":"C123ABC456","event_ts":"1515449522.000016"},"type":"event_callback","event_id":"Ev123ABC456","event_time":1515449522}"#.to_string(),
        "payload=%7B%22type%22%3A%22block_actions%22%7D".to_string(),
        "token=x&team_id=T0001&command=%2Faws&text=s3+ls+%E2%9C%93&user_id=U1&channel_id=C1".to_string(),
        "ünïcödé ✓ — \"quotes\" & <angles>\n\ttabs".to_string(),
        "x".repeat(100_000),
    ];
    let mut cases = Vec::new();
    // Valid requests, at several timestamps and clock skews inside the window.
    for (i, body) in bodies.iter().enumerate() {
        for (t, skew) in [
            (now, 0),
            (now - 17, 17),
            (now + 299, -299),
            (now - 300, 300),
        ] {
            cases.push(Case {
                secret: if i % 2 == 0 {
                    "8f742231b10e8888abcd99yyyzzz85a5"
                } else {
                    "another-secret"
                },
                verify_secret: if i % 2 == 0 {
                    "8f742231b10e8888abcd99yyyzzz85a5"
                } else {
                    "another-secret"
                },
                timestamp: ts(t),
                now: t + skew,
                body: body.clone(),
                received_body: body.clone(),
                send_timestamp: true,
                send_signature: true,
                want: Ok(()),
            });
        }
    }
    let body = bodies[1].clone();
    let base = || Case {
        secret: "s3cret",
        verify_secret: "s3cret",
        timestamp: ts(now),
        now,
        body: body.clone(),
        received_body: body.clone(),
        send_timestamp: true,
        send_signature: true,
        want: Ok(()),
    };
    cases.push(Case {
        received_body: body.replace("describe-instances", "terminate-instances"),
        want: Err(|e| *e == SignatureError::BadSignature),
        ..base()
    });
    cases.push(Case {
        verify_secret: "wrong",
        want: Err(|e| *e == SignatureError::BadSignature),
        ..base()
    });
    cases.push(Case {
        timestamp: ts(now - 301),
        want: Err(|e| matches!(e, SignatureError::Stale { .. })),
        ..base()
    });
    cases.push(Case {
        timestamp: ts(now - 3600),
        want: Err(|e| matches!(e, SignatureError::Stale { .. })),
        ..base()
    });
    cases.push(Case {
        timestamp: ts(now + 301),
        want: Err(|e| matches!(e, SignatureError::Stale { .. })),
        ..base()
    });
    cases.push(Case {
        send_timestamp: false,
        want: Err(|e| *e == SignatureError::MissingTimestamp),
        ..base()
    });
    cases.push(Case {
        send_signature: false,
        want: Err(|e| *e == SignatureError::MissingSignature),
        ..base()
    });
    cases.push(Case {
        send_timestamp: false,
        send_signature: false,
        want: Err(|e| *e == SignatureError::MissingTimestamp),
        ..base()
    });

    let sdk = run_sdk(&cases);
    assert_eq!(sdk.len(), cases.len());
    for (i, (c, s)) in cases.iter().zip(&sdk).enumerate() {
        let sdk_sig = s["sdk_signature"].as_str().unwrap();
        // Same signature strings.
        assert_eq!(
            sdk_sig,
            sign(c.secret, &c.timestamp, c.body.as_bytes()),
            "case {i}"
        );
        // Ours judges the SDK-signed request as the SDK judges ours.
        let headers = SignatureHeaders {
            timestamp: c.send_timestamp.then_some(c.timestamp.as_str()),
            signature: c.send_signature.then_some(sdk_sig),
        };
        let ours = verify(c.verify_secret, &headers, c.received_body.as_bytes(), c.now);
        match (&c.want, &ours) {
            (Ok(()), Ok(())) => {}
            (Err(check), Err(e)) if check(e) => {}
            _ => panic!("case {i}: ours said {ours:?}"),
        }
        assert_eq!(
            s["sdk_accepts_ours"].as_bool(),
            Some(c.want.is_ok()),
            "case {i}: slack_sdk disagrees with ours ({ours:?})"
        );
    }
}
