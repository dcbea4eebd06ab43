//! `GET /metrics` of `chatops serve`: Prometheus text (0.0.4) that a strict reader accepts,
//! whose command counter and latency histograms move when a command runs through the web
//! chat against moto; and, with `CHATOPS_METRICS_TOKEN`, only for a scrape that presents it.

mod common;

use common::notices::config;
use common::prometheus::{parse, Exposition};
use common::web::{plain, send, until, Server};
use common::{http_get, temp_dir, Moto};
use serde_json::json;

fn scrape(server: &Server) -> Exposition {
    let (status, body) = http_get(&server.addr.to_string(), "/metrics", &[]);
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_moves_the_counters_and_histograms() {
    let moto = Moto::start();
    let dir = temp_dir("metrics");
    let cfg = dir.join("chatops.toml");
    std::fs::write(&cfg, config(&dir.join("chatops.db"), &moto.url, "", false)).expect("config");
    let server = Server::start(&cfg);

    let before = scrape(&server);
    let ran = [
        ("service", "sqs"),
        ("outcome", "ran"),
        ("decision", "allowed"),
    ];
    assert_eq!(before.sum("chatops_commands_total", &ran), 0.0);

    let cookie = server.sign_in();
    let (mut ws, _) = server.join(&cookie, "local", "ops").await;
    send(
        &mut ws,
        json!({"type": "text", "workspace": "local", "channel": "ops", "text": "sqs list-queues"}),
    )
    .await;
    until(&mut ws, "with the command's result", |f| {
        f["type"] == "post" && plain(&f["message"]).contains("asked by")
    })
    .await;

    let after = scrape(&server);
    assert_eq!(after.types["chatops_commands_total"], "counter");
    assert_eq!(after.sum("chatops_commands_total", &ran), 1.0);
    for histogram in [
        "chatops_engine_turn_duration_seconds",
        "chatops_aws_call_duration_seconds",
        "chatops_store_operation_duration_seconds",
    ] {
        assert_eq!(after.types[histogram], "histogram", "{histogram}");
    }
    assert_eq!(
        after.sum(
            "chatops_engine_turn_duration_seconds_count",
            &[("outcome", "ran")]
        ),
        1.0
    );
    assert!(
        after.sum(
            "chatops_engine_turn_duration_seconds_sum",
            &[("outcome", "ran")]
        ) > 0.0
    );
    assert_eq!(
        after.sum(
            "chatops_aws_call_duration_seconds_count",
            &[("service", "sqs"), ("result", "ok")]
        ),
        1.0
    );
    // The turn wrote its audit record through the timed store.
    assert!(
        after.sum(
            "chatops_store_operation_duration_seconds_count",
            &[("operation", "append_audit"), ("result", "ok")]
        ) >= 1.0
    );
    assert_eq!(after.sum("chatops_webchat_connections", &[]), 1.0);
    // The join and the command.
    assert!(
        after.sum(
            "chatops_webchat_messages_total",
            &[("direction", "received")]
        ) >= 2.0
    );
    // No label carries a user, channel or command text.
    for s in &after.samples {
        for v in s.labels.values() {
            assert!(
                !v.contains("list-queues") && v != "ops" && v != "local",
                "{s:?}"
            );
        }
    }
}

#[test]
fn a_metrics_token_is_required_when_set() {
    let dir = temp_dir("metrics-token");
    let cfg = dir.join("chatops.toml");
    std::fs::write(
        &cfg,
        config(&dir.join("chatops.db"), "http://127.0.0.1:9", "", false),
    )
    .expect("config");
    let token = "scrape-secret-0123456789";
    let server = Server::start_with(&cfg, &[("CHATOPS_METRICS_TOKEN", token)]);
    let addr = server.addr.to_string();
    let (status, body) = http_get(&addr, "/metrics", &[]);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("CHATOPS_METRICS_TOKEN"), "{body}");
    let (status, _) = http_get(&addr, "/metrics", &[("Authorization", "Bearer wrong")]);
    assert_eq!(status, 401);
    let bearer = format!("Bearer {token}");
    let (status, body) = http_get(&addr, "/metrics", &[("Authorization", &bearer)]);
    assert_eq!(status, 200, "{body}");
    let e = parse(&body);
    assert!(
        e.types.contains_key("chatops_http_requests_in_flight"),
        "{body}"
    );
    // /healthz stays open.
    assert_eq!(http_get(&addr, "/healthz", &[]).0, 200);
}

#[test]
fn the_strict_reader_rejects_what_is_not_the_format() {
    for bad in [
        "no_type_declared 1",
        "# TYPE a counter\na{x=\"1\" 1",
        "# TYPE a counter\na one",
        "# TYPE a counter\n# TYPE a counter\na 1",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 0",
    ] {
        assert!(
            std::panic::catch_unwind(|| parse(bad)).is_err(),
            "accepted: {bad}"
        );
    }
    let ok = parse("# HELP a help text\n# TYPE a counter\na{k=\"v \\\"q\\\"\"} 3\n");
    assert_eq!(ok.sum("a", &[("k", "v \"q\"")]), 3.0);
}
