"""The release binary: its size, the memory its models take, and how close a one-shot
`chatops run` comes to a bare curl of the same request.

Run after scripts/setup.sh (which builds the release binary):
    .venv/bin/python benches/binary_startup.py [repetitions]

Prints:
- the binary's size and the embedded data bundle's (stored and inflated);
- peak resident memory of `--dry-run` of one command, of `--help` (documentation read), and
  of a shell session that loads 20 service models;
- median wall and CPU time of `run --dry-run "lambda list-functions"`, of `run` of it against
  moto, and of curl sending the same request to moto.
"""
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv", "bin")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/aws-chatops-target"))
CHATOPS = os.path.join(TARGET, "release", "chatops")
BUNDLE = os.path.join(ROOT, "crates", "awsmodel", "data", "aws-data.bin")
TWENTY = ["ec2 describe-instances", "s3api list-buckets", "lambda list-functions",
          "cloudwatch describe-alarms", "logs describe-log-groups", "dynamodb list-tables",
          "sqs list-queues", "sns list-topics", "kinesis list-streams",
          "ssm describe-parameters", "ecs list-clusters", "eks list-clusters",
          "rds describe-db-instances", "autoscaling describe-auto-scaling-groups",
          "elbv2 describe-load-balancers", "route53 list-hosted-zones",
          "cloudformation list-stacks", "stepfunctions list-state-machines",
          "events list-rules", "support describe-services"]
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
           AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
           AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")


def measure(argv, stdin=None):
    """(wall seconds, CPU seconds, peak RSS in KiB) of one run. posix_spawn, not fork: a
    forked Python's own pages would count in the child's peak."""
    null = os.open(os.devnull, os.O_RDWR)
    r, w = os.pipe() if stdin else (null, None)
    actions = [(os.POSIX_SPAWN_DUP2, r, 0), (os.POSIX_SPAWN_DUP2, null, 1),
               (os.POSIX_SPAWN_DUP2, null, 2)]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, ENV, file_actions=actions)
    if stdin:
        os.close(r)
        os.write(w, stdin.encode())
        os.close(w)
    os.close(null)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv} failed")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def medians(argv, n, stdin=None):
    runs = [measure(argv, stdin) for _ in range(n)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def bundle_sizes():
    with open(BUNDLE, "rb") as f:
        data = f.read()
    at = len(b"CHATOPS-DATA 1\n")
    (hlen,) = struct.unpack_from("<I", data, at)
    at += 4 + hlen
    (count,) = struct.unpack_from("<I", data, at)
    at += 4
    stored = inflated = 0
    for _ in range(count):
        (n,) = struct.unpack_from("<H", data, at)
        at += 2 + n
        _, s, i = struct.unpack_from("<III", data, at)
        at += 12
        stored += s
        inflated += i
    return count, stored, inflated


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    size = os.path.getsize(CHATOPS)
    print(f"binary: {size / 1e6:.1f} MB ({CHATOPS})")

    _, _, rss_one = medians([CHATOPS, "run", "--dry-run", "lambda list-functions"], 5)
    _, _, rss_help = medians([CHATOPS, "run", "ec2 run-instances --help"], 5)
    script = "".join(f"{line}\n" for line in TWENTY)
    _, _, rss_twenty = medians([CHATOPS, "shell", "--dry-run"], 3, stdin=script)
    print(f"peak memory: one model {rss_one / 1024:.1f} MiB; ec2 help with its documentation "
          f"{rss_help / 1024:.1f} MiB; 20 models in one shell {rss_twenty / 1024:.1f} MiB "
          f"(+{(rss_twenty - rss_one) / 1024:.1f} MiB over one)")

    # Read only now: a spawned child's peak memory starts from this process's pages.
    count, stored, inflated = bundle_sizes()
    print(f"embedded data: {count} entries, {stored / 1e6:.1f} MB stored, "
          f"{inflated / 1e6:.1f} MB inflated")

    port = free_port()
    moto = subprocess.Popen([os.path.join(VENV, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        line = "lambda list-functions"
        rows = [
            ("run --dry-run", [CHATOPS, "run", "--dry-run", line]),
            ("run against moto", [CHATOPS, "run", "--endpoint-url", url, line]),
        ]
        curl = shutil.which("curl")
        if curl:
            rows.append(("curl, same request", [
                curl, "-s", "-o", "/dev/null",
                "-H", "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
                "-H", "X-Amz-Date: 20260101T000000Z",
                f"{url}/2015-03-31/functions/"]))
        for _ in range(3):
            measure(rows[1][1])  # warm moto
        print(f"one-shot `{line}`, median of {n}:")
        for name, argv in rows:
            wall, cpu, _ = medians(argv, n)
            print(f"  {name:<20} {wall * 1000:6.1f} ms wall {cpu * 1000:6.1f} ms CPU")
    finally:
        moto.kill()
        moto.wait()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        main()
