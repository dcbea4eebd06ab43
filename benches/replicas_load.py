"""Several replicas under load: N `chatops serve` processes (release binary) on one PostgreSQL
database, or one on SQLite (`--sqlite`), receive a mixed load spread at random across them for
a fixed time at a target rate:

- Slack `app_mention` events of a read command (default `sqs list-queues`, run against moto),
  signed as Slack signs them (v0 HMAC-SHA256 of `v0:{ts}:{body}`);
- `block_actions` button presses: the `command` button Slack shows under a notification (Show
  logs), whose value is a command line run as if the presser typed it, here the same read
  command; each press is on a message of its own, so its answer threads under that message;
- SNS notifications to `/sns`, signed with the test certificate the replicas trust, routed to
  two channels.

A Slack Web API double (its own process) records every call with its receive time; moto
answers AWS. Afterwards every event is matched with its answers: a mention or press by the
thread its answer is posted in (the event's `ts` / the pressed message's `ts`), a
notification by the marker in its title, per channel.

Run after scripts/setup.sh (release binary in $CARGO_TARGET_DIR/release/chatops, PostgreSQL on
127.0.0.1:5432, user postgres, trust):
    .venv/bin/python benches/replicas_load.py                       # 3 replicas, 1000/s, 60 s
    .venv/bin/python benches/replicas_load.py --sqlite --replicas 1 # one replica on SQLite
    .venv/bin/python benches/replicas_load.py --command help        # mentions answered without AWS

A fresh database `chatops_bench_<random>` is created for the run and dropped after it; nothing
is written in the repository. Replica logs stay in the printed temporary directory when an
event was lost or doubled.
"""
import argparse
import collections
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from loadkit import CHATOPS, TEST_CERT, notification, peak_rss_kib, percentiles, test_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0001"
BOT = "U0BOT"
ASK_CHANNEL = "C0OPS"
ALERT_CHANNELS = ["C0ALERT1", "C0ALERT2"]
TOPIC = "arn:aws:sns:us-east-1:123456789012:bench"
PG = "postgres://postgres@127.0.0.1:5432"
MARKER = re.compile(rb"bench-([0-9a-f-]{36})")


def event_ts(n):
    """A Slack-style ts unique to event n: the thread its answer must be posted in."""
    return f"{1700000000 + n // 1000000}.{n % 1000000:06d}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the Slack Web API double (its own process) --------------------------------------------

def slack_double(ready):
    """Answers auth.test, users.info, chat.postMessage/postEphemeral/update (and response_url
    posts) with ok; records (method, thread or ts, channel, marker, receive time, the start
    of the text) for each.
    GET /count answers how many were recorded, GET /dump all of them."""
    records = []
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes: without TCP_NODELAY the body waits for the
        # client's delayed ACK (40 ms) on a kept-alive connection.
        disable_nagle_algorithm = True

        def answer(self, obj):
            out = json.dumps(obj).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def do_GET(self):
            with lock:
                snapshot = list(records) if self.path == "/dump" else None
                count = len(records)
            self.answer(snapshot if snapshot is not None else {"count": count})

        def do_POST(self):
            now = time.monotonic()
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            method = self.path.rsplit("/", 1)[-1]
            if "json" in self.headers.get("Content-Type", ""):
                try:
                    fields = json.loads(raw or b"{}")
                except ValueError:
                    fields = {}
            else:
                fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace")).items()}
            if not isinstance(fields, dict):
                fields = {}
            text = json.dumps(fields.get("blocks") or fields.get("text") or "")[:160]
            marker = MARKER.search(raw)
            marker = marker.group(1).decode() if marker else None
            channel = fields.get("channel")
            if method == "auth.test":
                return self.answer({"ok": True, "user_id": BOT, "bot_id": "B0BOT",
                                    "team_id": TEAM, "user": "aws", "team": "Acme"})
            if method == "users.info":
                return self.answer({"ok": True, "user": {"id": fields.get("user"), "name": "bench"}})
            if "/response/" in self.path:
                key = event_ts(int(method))
                with lock:
                    records.append(("response_url", key, ASK_CHANNEL, marker, now, text))
                return self.answer({"ok": True})
            if method in ("chat.postMessage", "chat.postEphemeral"):
                with lock:
                    counter[0] += 1
                    ts = "1800000000.%06d" % counter[0]
                    records.append((method, fields.get("thread_ts"), channel, marker, now, text))
                return self.answer({"ok": True, "channel": channel, "ts": ts, "message_ts": ts})
            if method == "chat.update":
                with lock:
                    records.append((method, fields.get("ts"), channel, marker, now, text))
                return self.answer({"ok": True, "channel": channel, "ts": fields.get("ts")})
            with lock:
                records.append((method, None, channel, marker, now, text))
            return self.answer({"ok": True})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    ready.send(server.server_address[1])
    server.serve_forever()


def double_get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    r = conn.getresponse()
    out = json.loads(r.read())
    conn.close()
    return out


# ---- the events ----------------------------------------------------------------------------

def slack_headers(body, content_type):
    ts = str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    sig = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig}


def mention(n, run, command):
    ts = event_ts(n)
    body = json.dumps({
        "token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
        "event_id": f"Ev{run}{n:07d}", "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT, "is_bot": True}],
        "event": {"type": "app_mention", "user": f"U{n % 50:04d}", "channel": ASK_CHANNEL,
                  "ts": ts, "event_ts": ts, "text": f"<@{BOT}> {command}"},
    }).encode()
    return "/slack/events", body, slack_headers(body, "application/json")


def press(n, command, double_url):
    ts = event_ts(n)
    payload = {
        "type": "block_actions", "user": {"id": f"U{n % 50:04d}", "team_id": TEAM},
        "api_app_id": "A1", "token": "x", "trigger_id": f"{n}.1.bench", "team": {"id": TEAM},
        "channel": {"id": ASK_CHANNEL},
        "container": {"type": "message", "message_ts": ts, "channel_id": ASK_CHANNEL,
                      "is_ephemeral": False},
        "message": {"type": "message", "ts": ts, "user": BOT, "text": "notification"},
        "response_url": f"{double_url}response/{n}",
        "actions": [{"type": "button", "action_id": "command~0", "value": command,
                     "text": {"type": "plain_text", "text": "Show"}, "action_ts": ts}],
    }
    body = ("payload=" + urllib.parse.quote(json.dumps(payload), safe="")).encode()
    return "/slack/interactivity", body, slack_headers(body, "application/x-www-form-urlencoded")


def sns_request(body):
    return "/sns", body, {"Content-Type": "text/plain; charset=UTF-8",
                          "x-amz-sns-message-type": "Notification"}


# ---- the senders (processes, each a thread pool with keep-alive connections) -------------------

def sender(index, procs, plan, sns_bodies, addrs, t0, rate, threads, run, command, double_url, out):
    """Sends events index, index+procs, … each at t0 + n/rate to its replica; puts
    (n, status, send time, ack time) for each in `out`."""
    local = threading.local()
    results = []
    lock = threading.Lock()

    def send(n):
        kind, replica = plan[n]
        if kind == "mention":
            path, body, headers = mention(n, run, command)
        elif kind == "press":
            path, body, headers = press(n, command, double_url)
        else:
            path, body, headers = sns_request(sns_bodies[n])
        conns = getattr(local, "conns", None)
        if conns is None:
            conns = local.conns = {}
        start = time.monotonic()
        status = 0
        for _attempt in range(2):  # a kept-alive connection the server closed: reconnect once
            conn = conns.get(replica)
            if conn is None:
                host, port = addrs[replica].rsplit(":", 1)
                conn = conns[replica] = http.client.HTTPConnection(host, int(port), timeout=60)
            try:
                conn.request("POST", path, body, headers)
                r = conn.getresponse()
                r.read()
                status = r.status
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conns.pop(replica, None)
        done = time.monotonic()
        with lock:
            results.append((n, status, start, done))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for n in range(index, len(plan), procs):
            delay = t0 + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, n)
    out.put((results, time.process_time()))


# ---- the services --------------------------------------------------------------------------

def psql(sql, db="postgres"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
                    "-qAtc", sql], check=True, stdout=subprocess.DEVNULL)


def config_text(store, moto_url):
    channels = [("ops", ASK_CHANNEL)] + [(f"alerts{i + 1}", c) for i, c in enumerate(ALERT_CHANNELS)]
    text = f"""[store]
{store}

[limits]
commands_per_user = "off"
commands_per_channel = "off"
slack_pacing = false

[notify]
rate_per_minute = 0

[[workspaces]]
name = "acme"
platform = "slack"
team_id = "{TEAM}"

[[accounts]]
name = "dev"
id = "123456789012"
region = "us-east-1"
endpoint = "{moto_url}"

[[roles]]
name = "reader"
policies = ["ReadOnly"]
"""
    for name, cid in channels:
        text += f"""
[[channels]]
name = "{name}"
workspace = "acme"
platform_id = "{cid}"
accounts = ["dev"]
role_setting = "channel"
channel_role = "reader"
"""
    names = ", ".join(f'"alerts{i + 1}"' for i in range(len(ALERT_CHANNELS)))
    text += f"""
[[notifications]]
topic_arn = "{TOPIC}"
account = "dev"
channels = [{names}]
"""
    return text


def start_replica(cfg, env, log_dir, i):
    """Starts one `chatops serve`; returns (process, address) once it serves /sns."""
    err = open(os.path.join(log_dir, f"replica{i}.stderr"), "w")
    proc = subprocess.Popen([CHATOPS, "serve", "--config", cfg, "--addr", "127.0.0.1:0"],
                            env=env, stdout=subprocess.PIPE, stderr=err, text=True)
    addr = None
    out = open(os.path.join(log_dir, f"replica{i}.stdout"), "w")
    for line in proc.stdout:
        out.write(line)
        if line.startswith("notifications: POST http://"):
            addr = line.split("http://", 1)[1].split("/", 1)[0]
            break
    if addr is None:
        sys.exit(f"replica {i} did not start; see {log_dir}/replica{i}.stderr")

    def drain():
        for line in proc.stdout:
            out.write(line)
        out.close()
    threading.Thread(target=drain, daemon=True).start()
    return proc, addr


def machine_busy():
    """(busy, total) jiffies of all CPUs so far (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def machine_busy_since(before):
    busy, total = machine_busy()
    return (busy - before[0]) / max(total - before[1], 1)


def cpu_seconds(pid):
    """User + system CPU seconds a running process has used."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def wait_moto(port, deadline):
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("moto_server did not start")


# ---- the run -------------------------------------------------------------------------------

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=1000, help="events per second (default 1000)")
    p.add_argument("--seconds", type=float, default=60, help="how long to send (default 60)")
    p.add_argument("--replicas", type=int, default=3, help="chatops serve processes (default 3)")
    p.add_argument("--sqlite", action="store_true", help="one SQLite file store instead of PostgreSQL")
    p.add_argument("--command", default="sqs list-queues",
                   help="what mentions and presses run (default 'sqs list-queues'; 'help' needs no AWS)")
    p.add_argument("--mix", default="0.4,0.3,0.3",
                   help="shares of mentions, button presses, notifications (default 0.4,0.3,0.3)")
    p.add_argument("--senders", type=int, default=2, help="sender processes (default 2)")
    p.add_argument("--threads", type=int, default=24, help="threads per sender process (default 24)")
    p.add_argument("--settle", type=float, default=120,
                   help="seconds to wait for answers after sending (default 120)")
    a = p.parse_args()
    if a.sqlite and a.replicas != 1:
        p.error("--sqlite runs one replica: add --replicas 1")
    return a


def main():
    a = parse_args()
    shares = [float(x) for x in a.mix.split(",")]
    if len(shares) != 3 or min(shares) < 0 or sum(shares) <= 0:
        sys.exit(f"--mix {a.mix!r}: expected three non-negative shares")
    total = int(a.rate * a.seconds)
    rng = random.Random(14)
    plan = [(rng.choices(["mention", "press", "sns"], weights=shares)[0], rng.randrange(a.replicas))
            for _ in range(total)]
    run = uuid.uuid4().hex[:8]

    key = test_key()
    wanted = [n for n, (kind, _) in enumerate(plan) if kind == "sns"]
    print(f"signing {len(wanted)} SNS notifications ...", flush=True)
    sns_bodies, markers = {}, {}
    for n in wanted:
        markers[n], sns_bodies[n] = notification(key, TOPIC)

    tmp = tempfile.mkdtemp(prefix="replicas-bench-")
    ready_recv, ready_send = multiprocessing.Pipe(False)
    double = multiprocessing.Process(target=slack_double, args=(ready_send,), daemon=True)
    double.start()
    double_port = ready_recv.recv()
    double_url = f"http://127.0.0.1:{double_port}/api/"

    moto_port = free_port()
    moto = subprocess.Popen([os.path.join(VENV, "bin", "moto_server"), "-H", "127.0.0.1",
                             "-p", str(moto_port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_moto(moto_port, time.time() + 30)

    db = None
    if a.sqlite:
        store = f'sqlite = "{tmp}/chatops.db"'
    else:
        db = f"chatops_bench_{run}"
        psql(f"CREATE DATABASE {db}")
        store = f'postgres = "{PG}/{db}"'
    cfg = os.path.join(tmp, "chatops.toml")
    with open(cfg, "w") as f:
        f.write(config_text(store, f"http://127.0.0.1:{moto_port}"))
    env = dict(os.environ, SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-bench",
               SLACK_API_URL=double_url, CHATOPS_SNS_TRUSTED_CERT=TEST_CERT,
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
               AWS_EC2_METADATA_DISABLED="true")
    for k in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "CHATOPS_TOKEN_KEY", "AWS_PROFILE"):
        env.pop(k, None)

    replicas = []
    try:
        for i in range(a.replicas):
            replicas.append(start_replica(cfg, env, tmp, i))
        addrs = [addr for _, addr in replicas]
        where = "SQLite" if a.sqlite else f"PostgreSQL database {db}"
        print(f"{a.replicas} replica(s) on {where}: {', '.join(addrs)}; logs in {tmp}", flush=True)
        print(f"sending {total} events at {a.rate:.0f}/s for {a.seconds:.0f} s "
              f"(mentions and presses run {a.command!r}) ...", flush=True)

        out = multiprocessing.Queue()
        t0 = time.monotonic() + 0.5
        senders = [multiprocessing.Process(
            target=sender, args=(i, a.senders, plan, sns_bodies, addrs, t0, a.rate, a.threads,
                                 run, a.command, double_url, out))
            for i in range(a.senders)]
        for s in senders:
            s.start()
        busy_before = machine_busy()
        sent, sender_cpu = [], 0.0
        for _ in senders:
            results, cpu = out.get()
            sent.extend(results)
            sender_cpu += cpu
        busy = machine_busy_since(busy_before)
        for s in senders:
            s.join()
        last_send = max(r[2] for r in sent)
        last_ack = max(r[3] for r in sent)

        # Every event answered (or nothing more arriving for 15 s).
        expected = sum(1 for k, _ in plan if k != "sns") + len(wanted) * len(ALERT_CHANNELS)
        deadline = time.monotonic() + a.settle
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = double_get(double_port, "/count")["count"]
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            if count >= expected and time.monotonic() - quiet_since > 2:
                break
            if time.monotonic() - quiet_since > 15:
                break
            time.sleep(0.5)
        settled = (time.monotonic() - last_ack, count >= expected)
        records = double_get(double_port, "/dump")
        rss = [peak_rss_kib(p.pid) for p, _ in replicas]
        cpu = {"replicas": sum(cpu_seconds(p.pid) for p, _ in replicas),
               "Slack double": cpu_seconds(double.pid), "moto": cpu_seconds(moto.pid),
               "senders": sender_cpu}
    finally:
        for p, _ in replicas:
            p.send_signal(signal.SIGTERM)
        for p, _ in replicas:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        moto.terminate()
        moto.wait()
        double.terminate()
        if db:
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    bad = report(a, plan, sent, records, markers, t0, last_send, last_ack, rss, tmp)
    print(f"machine CPU busy while sending: {busy * 100:.0f}% of {os.cpu_count()} cores; CPU seconds "
          "for the whole run: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))
    print(f"waited {settled[0]:.0f} s after the last ack for answers"
          f"{'' if settled[1] else ' (stopped waiting before every answer came)'}")
    if bad:
        print(f"logs kept in {tmp}")
        sys.exit(1)
    shutil.rmtree(tmp, ignore_errors=True)


# ---- the figures ---------------------------------------------------------------------------

def first_words(blocks_json):
    """The first words of a posted message's text (its blocks as JSON)."""
    m = re.search(r'"text": "((?:[^"\\]|\\.){0,48})', blocks_json)
    if not m:
        return blocks_json[:48]
    try:
        return json.loads(f'"{m.group(1)}"')
    except ValueError:  # cut inside an escape
        return m.group(1)


def report(a, plan, sent, records, markers, t0, last_send, last_ack, rss, tmp):
    by_n = {r[0]: r for r in sent}
    answers = collections.defaultdict(list)  # thread ts -> [(method, time, text)]
    posts = collections.defaultdict(lambda: collections.defaultdict(list))  # marker -> channel -> times
    for method, key, channel, marker, t, text in records:
        if marker and method == "chat.postMessage":
            posts[marker][channel].append(t)
        elif key and method in ("chat.postMessage", "chat.postEphemeral", "chat.update",
                                "response_url"):
            answers[key].append((method, t, text))
    other = collections.Counter(r[0] for r in records
                                if r[0] not in ("chat.postMessage", "chat.postEphemeral",
                                                "chat.update", "response_url"))

    elapsed = last_send - t0
    print()
    print(f"sent {len(sent)} events in {elapsed:.1f} s: {len(sent) / max(elapsed, 1e-9):.0f}/s "
          f"achieved (target {a.rate:.0f}/s); last ack {last_ack - t0:.1f} s after the start")
    rows = []
    problems = []
    samples = {}  # kind -> how many answers start with which words (results or errors?)
    for kind in ("mention", "press", "sns"):
        ns = [n for n, (k, _) in enumerate(plan) if k == kind]
        if not ns:
            continue
        statuses = collections.Counter(by_n[n][1] for n in ns if n in by_n)
        acks = [(by_n[n][3] - by_n[n][2]) * 1000 for n in ns if n in by_n]
        lost, doubled, latency = [], [], []
        for n in ns:
            start = by_n[n][2]
            if kind == "sns":
                per_channel = posts.get(markers[n], {})
                counts = [len(per_channel.get(c, [])) for c in ALERT_CHANNELS]
                if min(counts) == 0:
                    lost.append((n, markers[n], counts))
                if max(counts) > 1:
                    doubled.append((n, markers[n], counts))
                firsts = [min(v) for v in per_channel.values() if v]
                latency.extend((t - start) * 1000 for t in firsts)
            else:
                got = answers.get(event_ts(n), [])
                if not got:
                    lost.append((n, event_ts(n), by_n[n][1]))
                elif len(got) > 1:
                    doubled.append((n, event_ts(n), [m for m, _, _ in got]))
                if got:
                    latency.append((min(t for _, t, _ in got) - start) * 1000)
                    samples.setdefault(kind, collections.Counter())[first_words(got[0][2])] += 1
        a50, a99, amax = percentiles(acks)
        l50, l99, _ = percentiles(latency)
        rows.append((kind, len(ns), " ".join(f"{s}:{c}" for s, c in sorted(statuses.items())),
                     f"{a50:.1f} / {a99:.1f} / {amax:.0f}", len(lost), len(doubled),
                     f"{l50:.0f} / {l99:.0f}"))
        for what, items in (("lost", lost), ("doubled", doubled)):
            if items:
                problems.append(f"{kind} {what} ({len(items)}): " +
                                "; ".join(f"#{n} {k} {extra}" for n, k, extra in items[:20]))
    head = ("kind", "sent", "HTTP statuses", "ack ms p50 / p99 / max", "lost", "doubled",
            "send→answer ms p50 / p99")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    print("notifications are counted per channel (" + ", ".join(ALERT_CHANNELS) +
          "): lost = missing in one, doubled = posted twice in one")
    print("replicas' peak RSS: " + ", ".join(f"{k / 1024:.1f} MiB" for k in rss))
    for kind, starts in samples.items():
        print(f"{kind} answers start with: " +
              "; ".join(f"{w!r} {c}" for w, c in starts.most_common(4)))
    if other:
        print("other Web API calls: " + ", ".join(f"{m} {c}" for m, c in other.most_common()))
    for p in problems:
        print(p)
    errors = 0
    for name in sorted(os.listdir(tmp)):
        if name.endswith(".stderr"):
            with open(os.path.join(tmp, name), errors="replace") as f:
                lines = [l for l in f if "ERROR" in l or "panic" in l]
            errors += len(lines)
            if lines:
                print(f"{name}: {len(lines)} error lines, first: {lines[0].strip()[:300]}")
    return bool(problems)


if __name__ == "__main__":
    main()
