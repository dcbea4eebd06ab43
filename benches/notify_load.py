"""Notifications under load: 200 signed SNS notifications per second for 30 s through
`chatops serve`'s `POST /sns` to a Slack Web API double, every one verified (SignatureVersion
2 against the test certificate the server trusts), de-duplicated in the SQLite store,
rendered and posted.

Run after scripts/setup.sh (which builds the release binary):
    .venv/bin/python benches/notify_load.py [rate] [seconds]

Prints how many were sent, answered 200, posted, posted more than once; the time from
sending each notification to the double receiving its chat.postMessage (p50, p99, max);
and the server's peak resident memory.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from loadkit import CHATOPS, TEST_CERT, notification, peak_rss_kib, percentiles, test_key

TOPIC = "arn:aws:sns:us-east-1:123456789012:bench"

received = {}  # notification title -> list of receive times
lock = threading.Lock()


class Slack(BaseHTTPRequestHandler):
    """chat.postMessage answers a fresh ts and records when each title arrived."""
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK (40 ms) on a kept-alive connection.
    disable_nagle_algorithm = True
    counter = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        method = self.path.rsplit("/", 1)[-1]
        now = time.perf_counter()
        if method == "auth.test":
            answer = {"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": "T0001"}
        elif method == "chat.postMessage":
            text = body.decode("utf-8", "replace")
            marker = text.split("bench-", 1)[1][:36] if "bench-" in text else "?"
            with lock:
                received.setdefault(marker, []).append(now)
                Slack.counter += 1
                ts = "1700000000.%06d" % Slack.counter
            answer = {"ok": True, "channel": "C0BENCH", "ts": ts}
        else:
            answer = {"ok": True}
        out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def main():
    rate = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total = rate * seconds
    key = test_key()
    print(f"signing {total} notifications ...", flush=True)
    batch = [notification(key, TOPIC) for _ in range(total)]

    slack = ThreadingHTTPServer(("127.0.0.1", 0), Slack)
    threading.Thread(target=slack.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="notify-bench-")
    cfg = os.path.join(tmp, "chatops.toml")
    with open(cfg, "w") as f:
        f.write(f"""
[store]
sqlite = "{tmp}/chatops.db"

[notify]
rate_per_minute = 0

# Slack's own tier (about one message per second per channel) is for real workspaces; the
# double has no limit, and what is measured here is the server.
[limits]
slack_pacing = false

[[workspaces]]
name = "acme"
platform = "slack"

[[accounts]]
name = "dev"
id = "123456789012"

[[roles]]
name = "admin"
policies = ["ReadOnly"]

[[channels]]
name = "alerts"
workspace = "acme"
platform_id = "C0BENCH"
accounts = ["dev"]
role_setting = "channel"
channel_role = "admin"

[[notifications]]
topic_arn = "{TOPIC}"
account = "dev"
channels = ["alerts"]
""")
    env = dict(os.environ, SLACK_SIGNING_SECRET="8f742231b10e8888abcd99yyyzzz85a5",
               SLACK_BOT_TOKEN="xoxb-bench",
               SLACK_API_URL=f"http://127.0.0.1:{slack.server_address[1]}/api/",
               CHATOPS_SNS_TRUSTED_CERT=TEST_CERT,
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_EC2_METADATA_DISABLED="true")
    server = subprocess.Popen([CHATOPS, "serve", "--config", cfg, "--addr", "127.0.0.1:0"],
                              env=env, stdout=subprocess.PIPE, text=True)
    addr = None
    for line in server.stdout:
        if line.startswith("notifications: POST http://"):
            addr = line.split("http://", 1)[1].split("/", 1)[0]
            break
    if addr is None:
        sys.exit("chatops serve did not start its notification endpoint")
    host, port = addr.rsplit(":", 1)

    local = threading.local()
    sent_at = {}
    statuses = []

    def send(item):
        marker, body = item
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        start = time.perf_counter()
        with lock:
            sent_at[marker] = start
        try:
            conn.request("POST", "/sns", body, {"Content-Type": "text/plain; charset=UTF-8",
                                               "x-amz-sns-message-type": "Notification"})
            r = conn.getresponse()
            r.read()
            status = r.status
        except OSError:
            local.conn = None
            status = 0
        with lock:
            statuses.append(status)

    print(f"sending {rate}/s for {seconds} s ...", flush=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for i, item in enumerate(batch):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, item)
    elapsed = time.perf_counter() - t0
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(received) >= total:
                break
        time.sleep(0.1)
    rss = peak_rss_kib(server.pid)
    server.terminate()
    server.wait()
    slack.shutdown()

    ok = sum(1 for s in statuses if s == 200)
    twice = sum(1 for v in received.values() if len(v) > 1)
    latencies = [(received[m][0] - sent_at[m]) * 1000 for m in received if m in sent_at]
    p50, p99, top = percentiles(latencies)
    print(f"sent {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s); answered 200: {ok}; "
          f"posted: {len(received)}; posted twice: {twice}")
    print(f"receipt to post: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {top:.1f} ms")
    print(f"server peak RSS: {rss / 1024:.1f} MiB")
    if ok != total or len(received) != total or twice:
        sys.exit(1)


if __name__ == "__main__":
    main()
