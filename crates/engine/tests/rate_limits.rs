//! Flood control through the engine on moto: the command after the limit is refused with a
//! message naming the limit and the wait, makes no AWS request (counted by a proxy in front
//! of moto), is audited, and goes through once the clock has moved on; the channel's limit
//! counts everyone; help, answers, Run and Cancel are not counted.

mod common;

use common::*;
use engine::{Options, Outcome};
use regex_lite::Regex;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use store::{AuditFilter, SqliteStore, Store};
use testkit::Moto;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// 3 commands a minute per user in a channel, 5 per channel.
const LIMITS: &str = "\n[limits]\ncommands_per_user = \"3/1m\"\ncommands_per_channel = \"5/1m\"\n";

/// A TCP proxy in front of moto that counts the HTTP requests going through it.
struct Counted {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl Counted {
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn counting_proxy(target: &str) -> Counted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = target.trim_start_matches("http://").to_string();
    let requests = Arc::new(AtomicUsize::new(0));
    let count = requests.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                continue;
            };
            let count = count.clone();
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut sr, &mut cw).await;
            });
            tokio::spawn(async move {
                let line =
                    Regex::new(r"(?m)^(GET|POST|PUT|DELETE|HEAD|PATCH) /\S* HTTP/1\.1\r$").unwrap();
                let mut seen = String::new();
                let mut counted = 0;
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match cr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                    let total = line.find_iter(&seen).count();
                    count.fetch_add(total - counted, Ordering::SeqCst);
                    counted = total;
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Counted { url, requests }
}

/// The engine of the flow tests with [`LIMITS`], its AWS calls going through a counting proxy.
async fn limited_fixture() -> (Fixture, Counted) {
    let moto = Moto::start();
    let proxy = counting_proxy(&moto.url).await;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().unwrap());
    let now = Arc::new(AtomicI64::new(1_767_225_600_000));
    let clock = now.clone();
    let toml = format!("{}{LIMITS}", CONFIG.replace("{moto}", &proxy.url));
    let engine = engine::testing::engine(&toml, store.clone(), Options::default())
        .with_clock(Arc::new(move || clock.load(Ordering::SeqCst)));
    (
        Fixture {
            moto,
            engine,
            store,
            now,
        },
        proxy,
    )
}

/// Checks the proxy counted `n` requests. A turn's requests have all passed the proxy by
/// the time its reply returns (each is read there before moto answers it).
async fn requests_settle_at(p: &Counted, n: usize) {
    assert_eq!(p.requests(), n, "AWS requests");
}

#[tokio::test]
async fn the_command_after_the_limit_is_refused_without_an_aws_call_until_the_clock_moves() {
    let (f, moto) = limited_fixture().await;
    for i in 0..3 {
        let r = f.reply("C-RO", "alice", "sqs list-queues").await;
        assert!(
            matches!(r.outcome, Some(Outcome::Ran { .. })),
            "command {i}: {}",
            all_text(&r.out)
        );
    }
    requests_settle_at(&moto, 3).await;

    f.advance(1_000);
    let r = f.reply("C-RO", "alice", "sqs list-queues").await;
    let text = all_text(&r.out);
    assert_eq!(
        text,
        "⏳ Slow down: you have run 3 commands in the last minute in this channel (limit 3/min). Try again in 19 s."
    );
    let p = posts(&r.out);
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].only_to.as_deref(),
        Some("alice"),
        "only the asker sees it"
    );
    let Some(Outcome::Limited { retry_after_ms, .. }) = r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(retry_after_ms, 19_000);
    requests_settle_at(&moto, 3).await;

    let audit = f.store.query_audit(&AuditFilter::default()).unwrap();
    let last = &audit.last().unwrap().record;
    assert_eq!(
        (last.decision.as_str(), last.outcome.as_str()),
        ("rateLimited", "refused")
    );
    assert_eq!(last.command, "sqs list-queues");
    assert_eq!(
        last.reason,
        "rate limit 3/min per user in a channel; try again in 19 s"
    );

    // Others, and alice elsewhere, are not held up.
    let r = f.reply("C-RO", "bob", "sqs list-queues").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Ran { .. })),
        "{}",
        all_text(&r.out)
    );
    requests_settle_at(&moto, 4).await;

    // 19 s later one command has refilled: it runs, and the next is refused again.
    f.advance(19_000);
    let r = f.reply("C-RO", "alice", "sqs list-queues").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Ran { .. })),
        "{}",
        all_text(&r.out)
    );
    requests_settle_at(&moto, 5).await;
    let r = f.reply("C-RO", "alice", "sqs list-queues").await;
    assert!(matches!(r.outcome, Some(Outcome::Limited { .. })));
    requests_settle_at(&moto, 5).await;
}

#[tokio::test]
async fn the_channel_limit_counts_every_user() {
    let (f, moto) = limited_fixture().await;
    for user in ["alice", "alice", "alice", "bob", "bob"] {
        let r = f.reply("C-RO", user, "sqs list-queues").await;
        assert!(
            matches!(r.outcome, Some(Outcome::Ran { .. })),
            "{user}: {}",
            all_text(&r.out)
        );
    }
    requests_settle_at(&moto, 5).await;
    let r = f.reply("C-RO", "carol", "sqs list-queues").await;
    assert_eq!(
        all_text(&r.out),
        "⏳ Slow down: this channel has run 5 commands in the last minute (limit 5/min, for everyone in it). Try again in 12 s."
    );
    let audit = f.store.query_audit(&AuditFilter::default()).unwrap();
    let last = &audit.last().unwrap().record;
    assert_eq!(
        (last.user.as_str(), last.decision.as_str()),
        ("carol", "rateLimited")
    );
    assert_eq!(
        last.reason,
        "rate limit 5/min per channel; try again in 12 s"
    );
    // Another channel has its own limit.
    let r = f.reply("C-ONCALL", "carol", "switch-role readonly").await;
    assert!(r.outcome.is_none(), "{}", all_text(&r.out));
    let r = f.reply("C-ONCALL", "carol", "sqs list-queues").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Ran { .. })),
        "{}",
        all_text(&r.out)
    );
    requests_settle_at(&moto, 6).await;
}

#[tokio::test]
async fn help_answers_run_and_cancel_are_not_counted() {
    let (f, moto) = limited_fixture().await;
    for text in [
        "help",
        "",
        "sqs help",
        "sqs list-queues help",
        "help",
        "set default-account dev",
    ] {
        let r = f.reply("C-OPS", "alice", text).await;
        assert!(
            !matches!(r.outcome, Some(Outcome::Limited { .. })),
            "{text:?}: {}",
            all_text(&r.out)
        );
    }
    // 1: a change waits for Run; Cancel does not count.
    let out = f
        .say("C-OPS", "alice", "sqs create-queue --queue-name q1")
        .await;
    let (msg, action, value) = button(&out, "Cancel").expect("a Cancel button");
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    assert!(all_text(&out).contains("Cancelled"), "{}", all_text(&out));
    // 2: another change; pressing Run runs what was counted when it was asked.
    let out = f
        .say("C-OPS", "alice", "sqs create-queue --queue-name q2")
        .await;
    let (msg, action, value) = button(&out, "Run").expect("a Run button");
    let out = f.press("C-OPS", "alice", &msg, &action, &value).await;
    assert!(all_text(&out).contains("q2"), "{}", all_text(&out));
    requests_settle_at(&moto, 1).await;
    // 3: a command with a missing parameter; the answer does not count.
    let out = f.say("C-OPS", "alice", "sqs get-queue-url").await;
    assert!(all_text(&out).contains("queue-name"), "{}", all_text(&out));
    let out = f.say("C-OPS", "alice", "queue-name q2").await;
    assert!(all_text(&out).contains("q2"), "{}", all_text(&out));
    let made = moto.requests();
    assert!(made >= 2, "get-queue-url ran: {made} requests");
    // The fourth new command is refused; help still answers.
    let r = f.reply("C-OPS", "alice", "sqs list-queues").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Limited { .. })),
        "{}",
        all_text(&r.out)
    );
    let r = f.reply("C-OPS", "alice", "help").await;
    assert!(!matches!(r.outcome, Some(Outcome::Limited { .. })));
    assert!(
        !all_text(&r.out).contains("Slow down"),
        "{}",
        all_text(&r.out)
    );
    requests_settle_at(&moto, made).await;
}

#[tokio::test]
async fn an_alias_counts_once_however_many_variables_it_asks_for() {
    let (f, _moto) = limited_fixture().await;
    let out = f
        .say("C-RO", "alice", "alias create qurl sqs get-queue-url --queue-name $name --queue-owner-aws-account-id $owner")
        .await;
    assert!(
        all_text(&out).contains("created alias"),
        "{}",
        all_text(&out)
    );
    // 1: the alias, asking for both variables; the answers are not new commands.
    let r = f.reply("C-RO", "alice", "run qurl").await;
    assert!(
        all_text(&r.out).contains("needs *name*"),
        "{}",
        all_text(&r.out)
    );
    let r = f.reply("C-RO", "alice", "name jobs").await;
    assert!(
        all_text(&r.out).contains("needs *owner*"),
        "{}",
        all_text(&r.out)
    );
    let r = f.reply("C-RO", "alice", "owner 123456789012").await;
    assert!(
        !matches!(r.outcome, Some(Outcome::Limited { .. })),
        "{}",
        all_text(&r.out)
    );
    // 2 and 3: the alias with its values, and a typed command.
    let r = f.reply("C-RO", "alice", "run qurl jobs 123456789012").await;
    assert!(
        !matches!(r.outcome, Some(Outcome::Limited { .. })),
        "{}",
        all_text(&r.out)
    );
    let r = f.reply("C-RO", "alice", "sqs list-queues").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Ran { .. })),
        "{}",
        all_text(&r.out)
    );
    // 4: refused, before it asks for anything.
    let r = f.reply("C-RO", "alice", "run qurl").await;
    assert!(
        matches!(r.outcome, Some(Outcome::Limited { .. })),
        "{}",
        all_text(&r.out)
    );
    assert!(!all_text(&r.out).contains("needs"), "{}", all_text(&r.out));
}
