"""`chatops run` versus the reference `aws` on the same 20 commands against one moto server.

Run with the project's venv after scripts/setup.sh:
    .venv/bin/python benches/run_vs_aws.py [repetitions]
Prints wall time per command (median of the repetitions) for both and the ratio.
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv", "bin")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/aws-chatops-target"))
CHATOPS = os.path.join(TARGET, "release", "chatops")

SETUP = [
    "kinesis create-stream --stream-name s1 --shard-count 1",
    "sqs create-queue --queue-name q1",
    "sns create-topic --name t1",
    "s3api create-bucket --bucket bench-bucket",
    "dynamodb create-table --table-name T --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST",
    "ssm put-parameter --name /p --value v --type String",
    "logs create-log-group --log-group-name g1",
]

COMMANDS = [
    "kinesis list-streams",
    "kinesis describe-stream-summary --stream-name s1",
    "sqs list-queues",
    "sns list-topics",
    "s3api list-buckets",
    "s3api get-bucket-location --bucket bench-bucket",
    "dynamodb list-tables",
    "dynamodb describe-table --table-name T",
    "ssm get-parameter --name /p",
    "logs describe-log-groups",
    "cloudwatch describe-alarms",
    "ec2 describe-instances",
    "ec2 describe-vpcs",
    "iam list-users",
    "sts get-caller-identity",
    "lambda list-functions",
    "events list-rules",
    "rds describe-db-instances",
    "elbv2 describe-load-balancers",
    "autoscaling describe-auto-scaling-groups",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen([os.path.join(VENV, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cfg = tempfile.NamedTemporaryFile("w", delete=False)
        cfg.write("[default]\ncli_timestamp_format = iso8601\n")
        cfg.close()
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=cfg.name,
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true")
        for c in SETUP:
            subprocess.run([CHATOPS, "run", "--yes", "--endpoint-url", url, c], env=env, capture_output=True, check=True)

        def timed(argv):
            t = time.perf_counter()
            r = subprocess.run(argv, env=env, capture_output=True)
            if r.returncode != 0:
                raise SystemExit(f"failed: {argv}: {r.stderr.decode()}")
            return time.perf_counter() - t

        rows = []
        for c in COMMANDS:
            ours = statistics.median(timed([CHATOPS, "run", "--endpoint-url", url, c]) for _ in range(reps))
            theirs = statistics.median(timed([os.path.join(VENV, "aws")] + c.split() + ["--endpoint-url", url]) for _ in range(reps))
            rows.append((c, ours, theirs))
        print(f"{'command':55} {'chatops ms':>11} {'aws ms':>9} {'ratio':>7}")
        for c, o, t in rows:
            print(f"{c:55} {o * 1000:11.1f} {t * 1000:9.1f} {t / o:6.1f}x")
        ours = statistics.median(r[1] for r in rows)
        theirs = statistics.median(r[2] for r in rows)
        print(f"{'median':55} {ours * 1000:11.1f} {theirs * 1000:9.1f} {theirs / ours:6.1f}x")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
