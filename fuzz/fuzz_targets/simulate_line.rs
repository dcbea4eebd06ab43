#![no_main]
//! `chatops policy simulate` answers any input line with exactly one JSON line: a decision
//! with its explanation, or an error.
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let out = policy::simulate::simulate_line(&line);
    assert!(!out.contains('\n') && !out.contains('\r'), "{out}");
    let v: Value = serde_json::from_str(&out).expect("one JSON value");
    let decision = v["decision"].as_str().expect("a decision");
    match decision {
        "allowed" | "explicitDeny" | "implicitDeny" => {
            assert!(!v["explanation"].as_str().expect("explanation").is_empty())
        }
        "error" => assert!(!v["error"].as_str().expect("error text").is_empty()),
        other => panic!("unknown decision {other}"),
    }
});
