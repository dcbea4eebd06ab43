#![no_main]
//! CloudWatch alarm messages: any bytes, and any JSON object made an alarm, parse and
//! render without a panic or a mention.
use libfuzzer_sys::fuzz_target;
use serde_json::json;

#[path = "notify_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::run(data, &[("AlarmName", json!("fuzz-alarm"))]);
});
