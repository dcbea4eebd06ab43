//! Credentials per command: STS AssumeRole against moto's STS and against a capturing
//! endpoint — the session policies, session name, source identity and tags are sent; the
//! session signs later calls; sessions are cached per (role, policy, user) and renewed
//! shortly before they end.

mod common;

use command::Catalog;
use common::{capturing_sts, Moto};
use std::time::{Duration, SystemTime};
use wire::assume::{AssumeParams, SessionCache};
use wire::client::{prepare, Client, Settings};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn base_client() -> Client {
    let creds = aws_credential_types::Credentials::new("testing", "testing", None, None, "test");
    Client::with_credentials(aws_credential_types::provider::SharedCredentialsProvider::new(creds))
}

fn params(user: &str) -> AssumeParams {
    let session = authz::session_policy(&[
        authz::Guardrail::Builtin("ReadOnly"),
        authz::Guardrail::Builtin("Lambda-Invoke Command Permissions"),
    ])
    .unwrap();
    AssumeParams {
        role_arn: "arn:aws:iam::123456789012:role/ops".into(),
        user: user.into(),
        policy_arns: session.policy_arns,
        policy: session.inline,
        tags: vec![
            ("chatops-workspace".into(), "acme".into()),
            ("chatops-channel".into(), "ops".into()),
        ],
    }
}

fn settings(url: &str) -> Settings {
    Settings {
        endpoint_url: Some(url.to_string()),
        ..Settings::default()
    }
}

#[test]
fn moto_sessions_are_assumed_cached_and_used() {
    let moto = Moto::start();
    let cat = Catalog::open(None).unwrap();
    let cache = SessionCache::new(base_client(), cat.models.clone());
    let rt = runtime();
    let s = settings(&moto.url);
    let a = rt
        .block_on(cache.session(&params("U012AB"), "us-east-1", &s))
        .unwrap();
    let again = rt
        .block_on(cache.session(&params("U012AB"), "us-east-1", &s))
        .unwrap();
    assert_eq!(
        a.credentials.access_key_id(),
        again.credentials.access_key_id(),
        "cached"
    );
    assert!(a.credentials.session_token().is_some());
    assert!(a.expires > SystemTime::now() + Duration::from_secs(30 * 60));
    let other = rt
        .block_on(cache.session(&params("U999"), "us-east-1", &s))
        .unwrap();
    assert_ne!(
        a.credentials.access_key_id(),
        other.credentials.access_key_id(),
        "one session per user"
    );
    assert_eq!(cache.len(), 2);

    // The session signs later calls: STS says who we are.
    let client = rt
        .block_on(cache.client_for(&params("U012AB"), "us-east-1", &s))
        .unwrap();
    let model = cat.models.service("sts").unwrap();
    let op = model.operation_by_cli_name("get-caller-identity").unwrap();
    let p = prepare(
        &cat.models,
        &model,
        op,
        &Default::default(),
        "us-east-1",
        &s,
    )
    .unwrap();
    let who = rt
        .block_on(client.send(&model, op, &p, s.deadline))
        .unwrap();
    let arn = who["Arn"].as_str().unwrap();
    assert!(arn.ends_with(":assumed-role/ops/chatops-U012AB"), "{arn}");
}

fn form_value(request: &str, key: &str) -> Option<String> {
    let body = request.split("\r\n\r\n").nth(1)?;
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| urldecode(v))
    })
}

fn urldecode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn the_request_carries_session_policies_identity_and_tags() {
    let (url, seen) = capturing_sts(Duration::from_secs(3600));
    let cat = Catalog::open(None).unwrap();
    let cache = SessionCache::new(base_client(), cat.models.clone());
    let rt = runtime();
    let p = params("U012AB");
    let s = rt
        .block_on(cache.session(&p, "us-east-1", &settings(&url)))
        .unwrap();
    assert_eq!(s.credentials.access_key_id(), "ASIAKEY1");
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(form_value(r, "Action").as_deref(), Some("AssumeRole"));
    assert_eq!(
        form_value(r, "RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/ops")
    );
    assert_eq!(
        form_value(r, "RoleSessionName").as_deref(),
        Some("chatops-U012AB")
    );
    assert_eq!(form_value(r, "SourceIdentity").as_deref(), Some("U012AB"));
    assert_eq!(form_value(r, "DurationSeconds").as_deref(), Some("3600"));
    assert_eq!(
        form_value(r, "PolicyArns.member.1.arn").as_deref(),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    let inline = form_value(r, "Policy").unwrap();
    assert!(policy::Policy::parse("inline", &inline).is_ok(), "{inline}");
    assert!(inline.contains("lambda:InvokeFunction"));
    assert_eq!(
        form_value(r, "Tags.member.1.Key").as_deref(),
        Some("chatops-workspace")
    );
    assert_eq!(form_value(r, "Tags.member.2.Value").as_deref(), Some("ops"));
    assert!(
        r.contains("Credential=testing/"),
        "signed with the service's own credentials"
    );
}

#[test]
fn sessions_near_their_end_are_renewed() {
    // Four minutes left is inside the five-minute renewal window: every ask assumes anew.
    let (url, seen) = capturing_sts(Duration::from_secs(240));
    let cat = Catalog::open(None).unwrap();
    let cache = SessionCache::new(base_client(), cat.models.clone());
    let rt = runtime();
    let s = settings(&url);
    let a = rt
        .block_on(cache.session(&params("U1"), "us-east-1", &s))
        .unwrap();
    let b = rt
        .block_on(cache.session(&params("U1"), "us-east-1", &s))
        .unwrap();
    assert_ne!(a.credentials.access_key_id(), b.credentials.access_key_id());
    assert_eq!(seen.lock().unwrap().len(), 2);
}
