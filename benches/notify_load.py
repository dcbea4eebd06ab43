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
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/aws-chatops-target"))
CHATOPS = os.path.join(TARGET, "release", "chatops")
TESTDATA = os.path.join(ROOT, "crates", "sns", "testdata")
TOPIC = "arn:aws:sns:us-east-1:123456789012:bench"
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"

received = {}  # notification title -> list of receive times
lock = threading.Lock()


class Slack(BaseHTTPRequestHandler):
    """chat.postMessage answers a fresh ts and records when each title arrived."""
    protocol_version = "HTTP/1.1"
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


def string_to_sign(e):
    keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    return "".join(f"{k}\n{e[k]}\n" for k in keys if k in e)


def envelopes(n, key):
    out = []
    for _ in range(n):
        marker = str(uuid.uuid4())
        message = json.dumps({"version": "1.0", "source": "custom",
                              "content": {"title": f"bench-{marker}",
                                          "description": "load test notification"}})
        e = {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": TOPIC,
             "Message": message,
             "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
             "SignatureVersion": "2", "SigningCertURL": CERT_URL,
             "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"}
        sig = key.sign(string_to_sign(e).encode(), padding.PKCS1v15(), hashes.SHA256())
        e["Signature"] = base64.b64encode(sig).decode()
        out.append((marker, json.dumps(e).encode()))
    return out


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    rate = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    total = rate * seconds
    with open(os.path.join(TESTDATA, "sns-test-key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    print(f"signing {total} notifications ...", flush=True)
    batch = envelopes(total, key)

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
               CHATOPS_SNS_TRUSTED_CERT=os.path.join(TESTDATA, "sns-test-cert.pem"),
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
    latencies = sorted((received[m][0] - sent_at[m]) * 1000 for m in received if m in sent_at)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(f"sent {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s); answered 200: {ok}; "
          f"posted: {len(received)}; posted twice: {twice}")
    print(f"receipt to post: p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"server peak RSS: {rss / 1024:.1f} MiB")
    if ok != total or len(received) != total or twice:
        sys.exit(1)


if __name__ == "__main__":
    main()
