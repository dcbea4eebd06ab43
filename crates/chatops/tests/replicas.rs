//! Several `chatops serve` replicas on one PostgreSQL schema (a throwaway one per test), moto
//! behind a recording proxy (every AWS request counted), and one Slack Web API double.
//! Signed Slack events and Run presses go to replicas chosen at random, Slack's redeliveries
//! (same event id, `X-Slack-Retry-Num: 1`) to a different one: every command is answered
//! once, every write reaches AWS once, Run pressed on two replicas at once runs once. A
//! replica SIGKILLed mid-run and a new one started lose nothing sent after the kill and double
//! nothing; PostgreSQL cut off mid-run (a TCP proxy in front of it refuses and drops every
//! connection) makes `/readyz` say 503 naming the store, no replica panics or exits, and
//! service resumes without a restart once the database is back.
//!
//! The server comes from `CHATOPS_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); schemas are created and dropped with `psql`.

mod common;

use common::notices::TOPIC;
use common::slack_api::{mention_event, run_press, signed_post, ApiCall, SlackApi};
use common::web::{drain, plain, send, until, Server};
use common::{recording_proxy, Moto};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

// ---- PostgreSQL: the server, a throwaway schema, a proxy that can cut it off ---------------

fn base_url() -> String {
    std::env::var("CHATOPS_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

/// `host:port` of a `postgres://user@host:port/db` URL (port 5432 when absent).
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth = rest.split(['/', '?']).next().unwrap_or(rest);
    let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:5432")
    }
}

/// `url` with its `host:port` replaced by `to`.
fn with_authority(url: &str, to: &str) -> String {
    let from = authority(url);
    if url.contains(&from) {
        url.replacen(&from, to, 1)
    } else {
        // No port in the URL: the host alone is replaced.
        url.replacen(from.trim_end_matches(":5432"), to, 1)
    }
}

/// Runs one SQL statement with `psql` against the test server.
fn psql(sql: &str) -> Result<(), String> {
    let url = base_url();
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url, "-c", sql])
        .output()
        .map_err(|e| format!("cannot run psql (is the PostgreSQL client installed?): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "psql -c {sql:?} against {url} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// One throwaway schema, dropped with everything in it when this is.
struct Schema {
    name: String,
}

impl Schema {
    fn new() -> Schema {
        let id = store::new_pending_id().expect("random id");
        let name = format!("chatops_r_{}", &id[1..17]);
        psql(&format!("CREATE SCHEMA {name}")).unwrap_or_else(|e| {
            panic!(
                "these tests need PostgreSQL (CHATOPS_TEST_POSTGRES, default {DEFAULT_URL}): {e}"
            )
        });
        Schema { name }
    }

    /// The store URL of this schema, reached at `via` (`host:port`) or at the server itself.
    fn url(&self, via: Option<&str>) -> String {
        let base = base_url();
        let base = via.map_or(base.clone(), |v| with_authority(&base, v));
        let sep = if base.contains('?') { '&' } else { '?' };
        format!(
            "{base}{sep}options=-csearch_path%3D{}&application_name={}",
            self.name, self.name
        )
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        // Best effort: a schema left behind is clutter, not a wrong result.
        let _ = psql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
    }
}

/// A TCP proxy in front of PostgreSQL: [`PgProxy::cut`] drops every connection and refuses
/// new ones (accepted and closed at once) until [`PgProxy::restore`], as a database restart
/// or a network partition looks to the replicas.
struct PgProxy {
    addr: String,
    /// Open, and the connections being forwarded; one lock, so none slips past a cut.
    state: Arc<Mutex<(bool, Vec<tokio::task::AbortHandle>)>>,
    _rt: tokio::runtime::Runtime,
}

impl PgProxy {
    fn start(upstream: String) -> PgProxy {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the PostgreSQL proxy");
        let addr = listener.local_addr().expect("proxy address").to_string();
        let state = Arc::new(Mutex::new((true, Vec::new())));
        let shared = state.clone();
        rt.spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let mut s = shared.lock().expect("proxy state");
                if !s.0 {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                s.1.retain(|h: &tokio::task::AbortHandle| !h.is_finished());
                s.1.push(task.abort_handle());
            }
        });
        PgProxy {
            addr,
            state,
            _rt: rt,
        }
    }

    /// Drops every forwarded connection and refuses new ones.
    fn cut(&self) {
        let mut s = self.state.lock().expect("proxy state");
        s.0 = false;
        for h in s.1.drain(..) {
            h.abort();
        }
    }

    fn restore(&self) {
        self.state.lock().expect("proxy state").0 = true;
    }
}

// ---- the replicas ---------------------------------------------------------------------------

/// moto behind a recording proxy, the Slack double, a schema, and the configuration the
/// replicas share. Replicas are dropped (killed) before the schema is.
struct Cluster {
    replicas: Vec<Option<Server>>,
    api: SlackApi,
    aws: Arc<Mutex<Vec<String>>>,
    cfg: PathBuf,
    dir: PathBuf,
    _pg: Option<PgProxy>,
    _schema: Schema,
    _moto: Moto,
}

fn config(dir: &Path, store_url: &str, endpoint: &str) -> PathBuf {
    let file = dir.join("chatops.toml");
    let text = format!(
        r#"[store]
postgres = "{store_url}"

[notify]
rate_per_minute = 0

[[notifications]]
topic_arn = "{TOPIC}"
channels = ["slack-ops", "ops"]

[limits]
commands_per_user = "off"
commands_per_channel = "off"
slack_pacing = false

[[workspaces]]
name = "web"
platform = "web"

[[workspaces]]
name = "acme"
platform = "slack"
team_id = "T0001"

[[accounts]]
name = "dev"
id = "123456789012"
region = "eu-west-1"
endpoint = "{endpoint}"

[[policies]]
name = "queue-create"
document = '{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"sqs:CreateQueue","Resource":"*"}}}}'

[[roles]]
name = "admin"
policies = ["AdministratorAccess"]

[[channels]]
name = "ops"
workspace = "web"
platform_id = "ops"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"

[[channels]]
name = "slack-ops"
workspace = "acme"
platform_id = "C0001"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"
guardrails = ["ReadOnly", "queue-create"]
"#
    );
    std::fs::write(&file, text).expect("write the configuration");
    file
}

impl Cluster {
    /// `n` replicas started at once (so their migrations race too); through a [`PgProxy`]
    /// when `proxied`.
    fn start(name: &str, n: usize, proxied: bool) -> Cluster {
        let moto = Moto::start();
        let (endpoint, aws) = recording_proxy(&moto.url);
        let schema = Schema::new();
        let pg = proxied.then(|| PgProxy::start(authority(&base_url())));
        let dir = common::temp_dir(name);
        let cfg = config(
            &dir,
            &schema.url(pg.as_ref().map(|p| p.addr.as_str())),
            &endpoint,
        );
        let api = SlackApi::start();
        let replicas = std::thread::scope(|s| {
            let started: Vec<_> = (0..n)
                .map(|_| s.spawn(|| start_replica(&cfg, &api.url)))
                .collect();
            started
                .into_iter()
                .map(|h| Some(h.join().expect("a replica started")))
                .collect()
        });
        Cluster {
            replicas,
            api,
            aws,
            cfg,
            dir,
            _pg: pg,
            _schema: schema,
            _moto: moto,
        }
    }

    fn add_replica(&mut self) -> usize {
        self.replicas
            .push(Some(start_replica(&self.cfg, &self.api.url)));
        self.replicas.len() - 1
    }

    fn slack_addr(&self, i: usize) -> Option<String> {
        self.replicas[i].as_ref().and_then(|s| s.slack.clone())
    }

    fn live(&self) -> Vec<usize> {
        (0..self.replicas.len())
            .filter(|&i| self.replicas[i].is_some())
            .collect()
    }

    /// Every stderr line of the live replicas that reports a panic.
    fn panics(&self) -> Vec<String> {
        self.replicas
            .iter()
            .flatten()
            .flat_map(|s| s.stderr_lines())
            .filter(|l| l.contains("panicked"))
            .collect()
    }

    fn writes_of(&self, queue: &str) -> usize {
        let quoted = format!("\"{queue}\"");
        self.aws
            .lock()
            .expect("AWS log")
            .iter()
            .filter(|r| r.contains("CreateQueue") && r.contains(&quoted))
            .count()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.replicas.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_replica(cfg: &Path, api: &str) -> Server {
    Server::start_capturing(
        cfg,
        &[
            ("SLACK_BOT_TOKEN", "xoxb-test"),
            ("SLACK_SIGNING_SECRET", SECRET),
            ("SLACK_API_URL", api),
            ("RUST_LOG", "info"),
            // An event acked by a replica that dies is answered by another after this.
            ("CHATOPS_SLACK_EVENT_LEASE_SECONDS", "2"),
            ("CHATOPS_WEB_TOKEN", WEB_TOKEN),
            (
                "CHATOPS_SNS_TRUSTED_CERT",
                sns::testing::cert_path().to_str().expect("a UTF-8 path"),
            ),
        ],
    )
}

// ---- Slack's side -----------------------------------------------------------------------------

/// A small xorshift generator: which replica gets a request. Seeded at random and printed, so
/// a failing spread can be replayed by hand.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let id = store::new_pending_id().expect("random id");
        let seed = u64::from_str_radix(&id[1..17], 16).unwrap_or(0x9e37_79b9_7f4a_7c15) | 1;
        eprintln!("replica choice seed: {seed:#x}");
        Dice(seed)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// One of `from`, and another one of `from` (different when there are two or more).
    fn two(&mut self, from: &[usize]) -> (usize, usize) {
        let a = self.below(from.len());
        let b = (a + 1 + self.below(from.len().max(2) - 1)) % from.len();
        (from[a], from[b])
    }
}

/// One command typed in Slack: the event and the thread its answers go to.
struct Typed {
    line: String,
    thread: String,
    body: String,
}

fn typed(tag: &str, n: usize, line: String) -> Typed {
    let thread = format!("1700200{n:03}.000300");
    let body = mention_event(&format!("Ev{tag}{n:04}"), &thread, "U1", &line);
    Typed { line, thread, body }
}

fn post_event(addr: &str, body: &str, retry: bool) -> u16 {
    let retry = retry.then_some((1, "http_timeout"));
    signed_post(
        SECRET,
        addr,
        "/slack/events",
        "application/json",
        body,
        retry,
    )
}

fn post_press(addr: &str, form: &str) -> u16 {
    signed_post(
        SECRET,
        addr,
        "/slack/interactivity",
        "application/x-www-form-urlencoded",
        form,
        None,
    )
}

/// The messages posted (`chat.postMessage`) in `thread`.
fn posts_in<'a>(calls: &'a [ApiCall], thread: &str) -> Vec<&'a ApiCall> {
    calls
        .iter()
        .filter(|c| c.method == "chat.postMessage" && c.body["thread_ts"] == thread)
        .collect()
}

/// The ephemeral notes (`chat.postEphemeral`) in `thread`.
fn notes_in(calls: &[ApiCall], thread: &str) -> usize {
    calls
        .iter()
        .filter(|c| c.method == "chat.postEphemeral" && c.body["thread_ts"] == thread)
        .count()
}

/// The updates of message `ts` saying it was run.
fn run_marks(calls: &[ApiCall], ts: &str) -> usize {
    calls
        .iter()
        .filter(|c| {
            c.method == "chat.update" && c.body["ts"] == ts && c.body.to_string().contains("Run by")
        })
        .count()
}

/// Waits (up to `within`) until `ready` returns something.
fn wait_for<T>(what: &str, within: Duration, mut ready: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = ready() {
            return v;
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Waits until the Slack double has seen no new call for `quiet` (at most 30 s): everything
/// in flight has landed, so counts are final.
fn settle(api: &SlackApi, quiet: Duration) -> Vec<ApiCall> {
    let mut last = (api.calls().len(), Instant::now());
    wait_for(
        "the Slack double to go quiet",
        Duration::from_secs(30),
        || {
            let calls = api.calls();
            if calls.len() != last.0 {
                last = (calls.len(), Instant::now());
                return None;
            }
            (last.1.elapsed() >= quiet).then_some(calls)
        },
    )
}

/// Sends `t` to replica `to`; when that one does not answer (dead), redelivers to another
/// live one as Slack does. Then, if `redeliver`, redelivers once more to a different replica
/// anyway (Slack's `http_timeout` retry of an ack it did not see in time).
fn deliver(c: &Cluster, dice: &mut Dice, t: &Typed, pool: &[usize], redeliver: bool) {
    let (first, second) = dice.two(pool);
    let first_ok = c
        .slack_addr(first)
        .is_some_and(|a| post_event(&a, &t.body, false) == 200);
    if first_ok && !redeliver {
        return;
    }
    let live: Vec<usize> = c.live();
    let other = if c.replicas[second].is_some() && second != first {
        second
    } else {
        *live
            .iter()
            .find(|&&i| i != first)
            .expect("another live replica")
    };
    let addr = c.slack_addr(other).expect("a live replica");
    assert_eq!(
        post_event(&addr, &t.body, true),
        200,
        "redelivery of {}",
        t.line
    );
}

/// The first post in each thread, once every thread has one.
fn first_posts(api: &SlackApi, commands: &[&Typed]) -> Vec<ApiCall> {
    wait_for(
        "an answer to every command",
        Duration::from_secs(60),
        || {
            let calls = api.calls();
            commands
                .iter()
                .map(|t| posts_in(&calls, &t.thread).first().map(|c| (*c).clone()))
                .collect()
        },
    )
}

/// Presses Run on `post` at replica `at` (trigger `trigger`); the status.
fn press(c: &Cluster, at: usize, post: &ApiCall, trigger: &str) -> u16 {
    let form = run_press(
        post,
        "U1",
        trigger,
        &format!("{}response/{trigger}", c.api.url),
    )
    .unwrap_or_else(|| panic!("no Run button on {post:?}"));
    let addr = c.slack_addr(at).expect("a live replica");
    post_press(&addr, &form)
}

fn reads(tag: &str, from: usize, n: usize) -> Vec<Typed> {
    (from..from + n)
        .map(|i| typed(tag, i, "sqs list-queues".into()))
        .collect()
}

fn writes(tag: &str, from: usize, n: usize) -> Vec<(Typed, String)> {
    (from..from + n)
        .map(|i| {
            let queue = format!("{}-w{i:03}", tag.to_ascii_lowercase());
            (
                typed(tag, i, format!("sqs create-queue --queue-name {queue}")),
                queue,
            )
        })
        .collect()
}

// ---- the tests --------------------------------------------------------------------------------

#[test]
fn events_and_presses_spread_over_three_replicas_are_answered_and_run_once() {
    let started = Instant::now();
    let c = Cluster::start("replicas-spread", 3, false);
    let mut dice = Dice::new();
    let pool = c.live();
    let reads = reads("S", 0, 12);
    let writes = writes("S", 100, 6);

    for t in reads.iter().chain(writes.iter().map(|(t, _)| t)) {
        deliver(&c, &mut dice, t, &pool, true);
    }
    let confirmations = first_posts(&c.api, &writes.iter().map(|(t, _)| t).collect::<Vec<_>>());

    // Run: pressed once; twice at once on two replicas (a double click); or once and
    // delivered again (same trigger) to another replica.
    std::thread::scope(|s| {
        for (i, post) in confirmations.iter().enumerate() {
            let (a, b) = dice.two(&pool);
            let c = &c;
            match i % 3 {
                0 => assert_eq!(press(c, a, post, &format!("t{i}")), 200),
                1 => {
                    let gate = Arc::new(Barrier::new(2));
                    for (at, trigger) in [(a, format!("t{i}a")), (b, format!("t{i}b"))] {
                        let gate = gate.clone();
                        s.spawn(move || {
                            gate.wait();
                            assert_eq!(press(c, at, post, &trigger), 200);
                        });
                    }
                }
                _ => {
                    assert_eq!(press(c, a, post, &format!("t{i}")), 200);
                    assert_eq!(press(c, b, post, &format!("t{i}")), 200);
                }
            }
        }
    });
    wait_for("a result for every Run", Duration::from_secs(60), || {
        let calls = c.api.calls();
        writes
            .iter()
            .all(|(t, _)| posts_in(&calls, &t.thread).len() >= 2)
            .then_some(())
    });
    let calls = settle(&c.api, Duration::from_millis(1500));

    for t in &reads {
        assert_eq!(
            posts_in(&calls, &t.thread).len(),
            1,
            "{} ({}) answered once",
            t.line,
            t.thread
        );
    }
    for (i, ((t, queue), confirmation)) in writes.iter().zip(&confirmations).enumerate() {
        let posts = posts_in(&calls, &t.thread);
        assert_eq!(
            posts.len(),
            2,
            "{}: the confirmation and the result, once each: {posts:#?}",
            t.line
        );
        assert!(
            posts[1].body.to_string().contains(queue.as_str()),
            "the result names the queue: {:?}",
            posts[1].body
        );
        let ts = confirmation.ts.as_deref().expect("a posted ts");
        assert_eq!(run_marks(&calls, ts), 1, "{}: marked as run once", t.line);
        // Only the losing press of a double click is told it already ran; the same press
        // delivered twice is handled once.
        assert_eq!(
            notes_in(&calls, &t.thread),
            usize::from(i % 3 == 1),
            "{}: notes to the presser",
            t.line
        );
        assert_eq!(c.writes_of(queue), 1, "{} reached AWS once", t.line);
    }
    assert_eq!(c.panics(), Vec::<String>::new());
    eprintln!("spread over three replicas: {:?}", started.elapsed());
}

/// Replica 0 is SIGKILLed right after a burst, while some of the events it acked are still
/// being processed; a new replica is started. Events sent after the kill (redelivered to a
/// live replica when they hit the dead one, as Slack does when no ack comes) are answered
/// once; confirmations posted by the dead replica can be run on the others; nothing is
/// written twice. Events the dead replica had acked but not finished are answered by another
/// replica once their lease (2 s here) ran out (again, if the dead one had posted its answer
/// but not yet recorded it: at least once, never lost).
#[test]
fn a_replica_killed_mid_run_loses_nothing_sent_after_and_doubles_nothing() {
    let started = Instant::now();
    let mut c = Cluster::start("replicas-kill", 3, false);
    let mut dice = Dice::new();
    let pool = c.live();
    let before_reads = reads("K", 0, 9);
    let before_writes = writes("K", 100, 3);
    for t in before_reads
        .iter()
        .chain(before_writes.iter().map(|(t, _)| t))
    {
        deliver(&c, &mut dice, t, &pool, false);
    }
    if let Some(victim) = c.replicas[0].take() {
        victim.kill();
    }
    // Sent to any of the three, the dead one included: Slack redelivers what was not acked.
    let after_reads = reads("K", 200, 6);
    let after_writes = writes("K", 300, 3);
    for t in after_reads
        .iter()
        .chain(after_writes.iter().map(|(t, _)| t))
    {
        deliver(&c, &mut dice, t, &pool, false);
    }
    let fresh = c.add_replica();
    let pool: Vec<usize> = c.live();
    assert!(pool.contains(&fresh) && !pool.contains(&0));
    let late_reads = reads("K", 400, 6);
    let late_writes = writes("K", 500, 3);
    for t in late_reads.iter().chain(late_writes.iter().map(|(t, _)| t)) {
        deliver(&c, &mut dice, t, &pool, true);
    }

    let sent_after: Vec<&Typed> = after_reads
        .iter()
        .chain(&late_reads)
        .chain(after_writes.iter().chain(&late_writes).map(|(t, _)| t))
        .collect();
    first_posts(&c.api, &sent_after);
    // What the dead replica had acked is answered by the others once its lease ran out.
    let sent_before: Vec<&Typed> = before_reads
        .iter()
        .chain(before_writes.iter().map(|(t, _)| t))
        .collect();
    first_posts(&c.api, &sent_before);
    // Run every write that got its confirmation, on the live replicas (the fresh one too).
    let calls = c.api.calls();
    let mut pressed = Vec::new();
    for (t, queue) in before_writes
        .iter()
        .chain(&after_writes)
        .chain(&late_writes)
    {
        if let Some(post) = posts_in(&calls, &t.thread).first() {
            let (at, _) = dice.two(&pool);
            assert_eq!(press(&c, at, post, &format!("k{}", t.thread)), 200);
            pressed.push((t, queue));
        }
    }
    wait_for("a result for every Run", Duration::from_secs(60), || {
        let calls = c.api.calls();
        pressed
            .iter()
            .all(|(t, _)| posts_in(&calls, &t.thread).len() >= 2)
            .then_some(())
    });
    let calls = settle(&c.api, Duration::from_millis(1500));

    for t in &sent_after {
        let n = posts_in(&calls, &t.thread).len();
        let want = if t.line.contains("create-queue") {
            2
        } else {
            1
        };
        assert_eq!(n, want, "{} sent after the kill: answered once", t.line);
    }
    let mut lost = Vec::new();
    for t in before_reads
        .iter()
        .chain(before_writes.iter().map(|(t, _)| t))
    {
        let n = posts_in(&calls, &t.thread).len();
        // An answer the dead replica posted just before it died (not yet marked done) is
        // posted again by the taker (the README's at-least-once case): a read's answer, or a
        // write's confirmation (whose Run still runs once, checked below), at most twice.
        let most = if t.line.contains("create-queue") {
            3
        } else {
            2
        };
        assert!(
            n <= most,
            "{} sent before the kill: answered at most twice ({n} posts)",
            t.line
        );
        if n == 0 {
            lost.push(t.line.clone());
        }
    }
    assert_eq!(
        lost,
        Vec::<String>::new(),
        "acked before the kill and never answered"
    );
    for (t, queue) in &pressed {
        assert_eq!(c.writes_of(queue), 1, "{} reached AWS once", t.line);
    }
    for (t, queue) in before_writes
        .iter()
        .chain(&after_writes)
        .chain(&late_writes)
    {
        assert!(c.writes_of(queue) <= 1, "{}: never twice", t.line);
    }
    assert_eq!(c.panics(), Vec::<String>::new());
    eprintln!(
        "killed mid-run: {} of {} events acked before the kill were never answered (in flight \
         on the killed replica); {:?}",
        lost.len(),
        before_reads.len() + before_writes.len(),
        started.elapsed()
    );
}

/// An event acked by a replica that dies before answering is answered by another one (the
/// inbox: recorded before the ack, held by the receiver under a lease).
#[test]
fn events_acked_by_a_replica_that_dies_are_answered_by_another() {
    let c = Cluster::start("replicas-inflight", 2, false);
    let mut c = c;
    let burst = reads("I", 0, 8);
    let addr = c.slack_addr(0).expect("replica 0");
    for t in &burst {
        assert_eq!(post_event(&addr, &t.body, false), 200, "{} acked", t.line);
    }
    if let Some(victim) = c.replicas[0].take() {
        victim.kill();
    }
    first_posts(&c.api, &burst.iter().collect::<Vec<_>>());
    let calls = settle(&c.api, Duration::from_millis(1500));
    for t in &burst {
        assert_eq!(
            posts_in(&calls, &t.thread).len(),
            1,
            "{} answered once",
            t.line
        );
    }
}

/// PostgreSQL cut off under two replicas (every connection dropped, new ones refused), then
/// back: `/readyz` says 503 naming the store while it is gone, requests fail cleanly or wait,
/// nothing panics or exits, and a command is answered again after the restore without
/// restarting anything.
#[test]
fn the_database_going_away_and_back_needs_no_restart() {
    let c = Cluster::start("replicas-pg-down", 2, true);
    let pg = c._pg.as_ref().expect("proxied");
    let web: Vec<String> = c
        .replicas
        .iter()
        .flatten()
        .map(|s| s.addr.to_string())
        .collect();
    let mut dice = Dice::new();
    let pool = c.live();
    let before = reads("P", 0, 2);
    let (write, queue) = writes("P", 50, 1).remove(0);
    for t in before.iter().chain([&write]) {
        deliver(&c, &mut dice, t, &pool, true);
    }
    first_posts(&c.api, &before.iter().collect::<Vec<_>>());
    let confirmation = first_posts(&c.api, &[&write]).remove(0);
    for addr in &web {
        assert_eq!(
            common::http_get(addr, "/readyz", &[]).0,
            200,
            "{addr} ready"
        );
    }

    pg.cut();
    for addr in &web {
        let body = wait_for(
            "/readyz to fail while the database is down",
            Duration::from_secs(30),
            || match common::http_get(addr, "/readyz", &[]) {
                (503, body) => Some(body),
                _ => None,
            },
        );
        assert!(body.contains("store"), "the answer names the store: {body}");
        eprintln!(
            "{addr} /readyz while the database is down: 503 {}",
            body.trim()
        );
    }
    // Requests during the outage: acked (or refused with an error status), never a hang or
    // a crash.
    let during = reads("P", 100, 2);
    for (i, t) in during.iter().enumerate() {
        let addr = c.slack_addr(pool[i % pool.len()]).expect("live");
        let asked = Instant::now();
        let status = post_event(&addr, &t.body, false);
        assert!(
            status == 200 || (500..600).contains(&status),
            "a clean answer during the outage, not {status}"
        );
        eprintln!(
            "event during the outage: {status} after {:?}",
            asked.elapsed()
        );
    }
    // Run pressed while the claim cannot be recorded: nothing is sent to AWS.
    assert_eq!(press(&c, pool[0], &confirmation, "p-during"), 200);
    let note = wait_for(
        "a note to the presser during the outage",
        Duration::from_secs(30),
        || {
            c.api
                .calls()
                .into_iter()
                .find(|x| x.method == "chat.postEphemeral" && x.body["thread_ts"] == write.thread)
        },
    );
    eprintln!("Run pressed during the outage: {}", note.body["text"]);
    assert_eq!(c.writes_of(&queue), 0, "no write without a recorded claim");
    for addr in &web {
        assert_eq!(
            common::http_get(addr, "/healthz", &[]).0,
            200,
            "{addr} alive"
        );
    }

    pg.restore();
    let restored = Instant::now();
    for addr in &web {
        wait_for(
            "/readyz to pass again after the database is back",
            Duration::from_secs(60),
            || (common::http_get(addr, "/readyz", &[]).0 == 200).then_some(()),
        );
    }
    let ready_after = restored.elapsed();
    let after = reads("P", 200, 2);
    for (i, t) in after.iter().enumerate() {
        let addr = c.slack_addr(pool[i % pool.len()]).expect("live");
        assert_eq!(post_event(&addr, &t.body, false), 200, "{} acked", t.line);
    }
    first_posts(&c.api, &after.iter().collect::<Vec<_>>());
    let answered_after = restored.elapsed();
    // The same confirmation runs once now, on the other replica.
    assert_eq!(press(&c, pool[1], &confirmation, "p-after"), 200);
    wait_for("the Run after the restore", Duration::from_secs(30), || {
        (posts_in(&c.api.calls(), &write.thread).len() >= 2).then_some(())
    });
    let calls = settle(&c.api, Duration::from_millis(1000));
    for t in before.iter().chain(&after) {
        assert_eq!(
            posts_in(&calls, &t.thread).len(),
            1,
            "{} answered once",
            t.line
        );
    }
    for t in &during {
        let answers: Vec<String> = calls
            .iter()
            .filter(|c| c.method.starts_with("chat.post") && c.body["thread_ts"] == t.thread)
            .map(|c| c.body["text"].to_string())
            .collect();
        let n = answers.len();
        eprintln!("event during the outage: {n} answer(s): {answers:?}");
        assert!(n <= 1, "{} never answered twice", t.line);
    }
    assert_eq!(
        posts_in(&calls, &write.thread).len(),
        2,
        "confirmed, then run once"
    );
    assert_eq!(c.writes_of(&queue), 1, "{} reached AWS once", write.line);
    assert_eq!(c.panics(), Vec::<String>::new());
    assert_eq!(c.live().len(), 2);
    eprintln!(
        "database back: every replica ready after {ready_after:?}, a command answered after \
         {answered_after:?}"
    );
}

/// The start-up token every replica shares (`CHATOPS_WEB_TOKEN`).
const WEB_TOKEN: &str = "replicas-web-token-0123456789";

/// Notifications through several replicas, with SNS retrying each through another one, are
/// posted once per channel; the web chat's viewers on every replica see them once, and see
/// what a user typed through another replica and its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_and_the_web_chat_reach_every_replica_once() {
    let c = Cluster::start("replicas-notify", 3, false);
    let web = |i: usize| c.replicas[i].as_ref().expect("live");
    let (mut ws0, _) = web(0)
        .join(&web(0).sign_in_with(WEB_TOKEN), "web", "ops")
        .await;
    let (mut ws2, _) = web(2)
        .join(&web(2).sign_in_with(WEB_TOKEN), "web", "ops")
        .await;
    let mut dice = Dice::new();
    let pool = c.live();
    let titles: Vec<String> = (0..6).map(|n| format!("deploy {n} finished")).collect();
    for title in &titles {
        let body = sns::testing::signed_notification(
            TOPIC,
            &common::notices::custom(title),
            Some("deploy"),
            2,
            chrono::Utc::now(),
        )
        .to_string();
        let (first, again) = dice.two(&pool);
        for at in [first, again] {
            let addr = web(at).addr.to_string();
            let body = body.clone();
            let (status, answer) = tokio::task::spawn_blocking(move || {
                common::notices::post_sns(&addr, &body, Some("Notification"))
            })
            .await
            .expect("posted");
            assert_eq!(status, 200, "{title} through replica {at}: {answer}");
        }
    }
    // Slack: each once in its channel.
    let calls = settle(&c.api, Duration::from_millis(1500));
    for title in &titles {
        let n = calls
            .iter()
            .filter(|call| {
                call.method == "chat.postMessage"
                    && call.body["channel"] == "C0001"
                    && call.body.to_string().contains(title.as_str())
            })
            .count();
        assert_eq!(n, 1, "{title} posted in Slack once");
    }
    // Web: each once on both replicas' sockets, whichever replica delivered it.
    for ws in [&mut ws0, &mut ws2] {
        let mut seen: Vec<String> = Vec::new();
        while seen.len() < titles.len() {
            let f = until(ws, "a notification", |f| f["type"] == "post").await;
            seen.push(plain(&f["message"]));
        }
        seen.extend(
            drain(ws, Duration::from_millis(1000))
                .await
                .iter()
                .filter(|f| f["type"] == "post")
                .map(|f| plain(&f["message"])),
        );
        for title in &titles {
            let n = seen.iter().filter(|t| t.contains(title.as_str())).count();
            assert_eq!(n, 1, "{title} shown once: {seen:#?}");
        }
    }
    // A line typed through replica 0 and its answer reach the viewer on replica 2.
    send(
        &mut ws0,
        serde_json::json!({"type": "text", "workspace": "web", "channel": "ops",
                           "text": "sqs list-queues"}),
    )
    .await;
    let typed = until(&mut ws2, "the typed line", |f| {
        f["type"] == "post" && f["from"] == "admin"
    })
    .await;
    assert_eq!(plain(&typed["message"]), "sqs list-queues");
    until(&mut ws2, "the answer", |f| {
        f["type"] == "post" && f["from"].is_null()
    })
    .await;
    assert_eq!(c.panics(), Vec::<String>::new());
}
