#!/usr/bin/env python3
"""Seeds a freshly started moto server with the demo's resources:

    .venv/bin/python scripts/seed_demo.py http://127.0.0.1:PORT

Two accounts, as in examples/demo/chatops.toml.in:
  dev  123456789012 (moto's default account), us-east-1
  prod 210987654321, eu-west-1 — moto keeps one set of resources per account; the seeding
       selects the account with moto's `x-moto-account-id` request header, and chatops reaches
       it the way it reaches a real account: STS AssumeRole of arn:aws:iam::210987654321:role/chatops
       (moto files the temporary keys under the role's account).

Per account: Lambda functions (one with DB_PASSWORD in its environment, to show masking),
CloudWatch metric data and alarms (in ALARM, OK and INSUFFICIENT_DATA), a Kinesis stream, log
groups with ERROR / Exception lines, EC2 instances (one running, one stopped), an SNS topic
with a subscription, SQS queues, an S3 bucket with a few objects.

It also switches moto's Lambda to its Docker-free implementation (`lambda invoke` answers with
the request payload), so invoking works with no Docker daemon.

Meant for a fresh moto server (on one it has fully seeded already it does nothing): quiet on
success; on error it names the failing call and exits 1.
Run it with the project's .venv (scripts/setup.sh installs it): it uses botocore in one process, not
one AWS CLI start-up per call.
"""
import io
import json
import os
import sys
import time
import urllib.request
import zipfile

if len(sys.argv) != 2 or not sys.argv[1]:
    print(f"usage: {sys.argv[0]} MOTO_URL   (e.g. http://127.0.0.1:5000)", file=sys.stderr)
    sys.exit(2)
# moto's fake credentials, and nothing from the caller's own AWS set-up.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_CONFIG_FILE="/dev/null",
    AWS_SHARED_CREDENTIALS_FILE="/dev/null",
)
for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
    os.environ.pop(name, None)

try:
    import botocore.session
    from botocore.config import Config
except ImportError:
    print(f"seed_demo: botocore is missing from {sys.executable}; run scripts/setup.sh first "
          "and run this with .venv/bin/python", file=sys.stderr)
    sys.exit(1)

URL = sys.argv[1].rstrip("/")
DEV = ("123456789012", "us-east-1")
PROD = ("210987654321", "eu-west-1")
NOW = int(time.time())

session = botocore.session.get_session()
_clients = {}


def client(service, account):
    """A botocore client for one (account id, region), pinned to that account in moto."""
    key = (service, account)
    if key not in _clients:
        account_id, region = account
        c = session.create_client(
            service,
            region_name=region,
            endpoint_url=URL,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

        def pin(request, **_):
            request.headers["x-moto-account-id"] = account_id

        c.meta.events.register("before-sign", pin)
        _clients[key] = c
    return _clients[key]


def call(service, account, operation, **params):
    """Calls one operation; on any error prints the call and exits 1."""
    c = client(service, account)
    try:
        return getattr(c, operation)(**params)
    except Exception as e:  # noqa: BLE001 — fail loudly with the call that failed
        shown = {k: ("<zip>" if k == "Code" else v) for k, v in params.items()}
        print(
            f"seed_demo: FAILED: {service} {operation} (account {account[0]}, {account[1]}) "
            f"{json.dumps(shown, default=str)}\n  {type(e).__name__}: {e}",
            file=sys.stderr,
        )
        sys.exit(1)


def moto_api(path, body):
    req = urllib.request.Request(
        URL + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except Exception as e:  # noqa: BLE001
        print(f"seed_demo: FAILED: POST {URL}{path} {json.dumps(body)}\n  {e}", file=sys.stderr)
        sys.exit(1)


def zipped(source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("handler.py", source)
    return buf.getvalue()


HANDLER = '''import json, os

def handler(event, context):
    print("event:", json.dumps(event))
    return {"statusCode": 200, "body": json.dumps({"ok": True, "fn": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")})}
'''

TRUST_LAMBDA = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})


def trust_chatops():
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                       "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]}],
    })


def ami(acct):
    """An Amazon Linux 2023 x86_64 image from moto's built-in catalogue for the region."""
    images = call("ec2", acct, "describe_images", Owners=["amazon"],
                  Filters=[{"Name": "name", "Values": ["al2023-ami-2023*"]},
                           {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    if not images:
        images = call("ec2", acct, "describe_images", Owners=["amazon"])["Images"]
    if not images:
        print(f"seed_demo: FAILED: moto knows no AMI in {acct[1]}", file=sys.stderr)
        sys.exit(1)
    return sorted(images, key=lambda i: i.get("Name", ""))[0]["ImageId"]


def log_lines(fn, kind):
    """(offset seconds before now, message) pairs for a Lambda log stream."""
    req = ["3f1c9a52-0b7e-4d55-9a0e-6c1d2b7e8a01", "7a2e5c10-44d1-4c0f-8f3b-2b9d0e6f1c72",
           "c9d8e7f6-1a2b-4c3d-8e9f-0a1b2c3d4e5f"]
    lines = []
    t = 3000
    for i, r in enumerate(req):
        lines.append((t, f"START RequestId: {r} Version: $LATEST"))
        lines.append((t - 1, f"[INFO]\t{r}\t{fn}: handling request"))
        if kind == "errors" and i == 1:
            lines.append((t - 2, f"[ERROR]\t{r}\tdatabase connection failed: timeout after 5000 ms "
                                 f"(host orders-db.internal:5432)"))
            lines.append((t - 2, "Traceback (most recent call last):\n"
                                 "  File \"/var/task/handler.py\", line 42, in handler\n"
                                 "    conn = connect(os.environ[\"DB_HOST\"])\n"
                                 "psycopg2.OperationalError: could not connect to server: Connection timed out"))
            lines.append((t - 3, f"[ERROR]\t{r}\tUnhandled Exception: OperationalError; returning 502"))
        elif kind == "errors" and i == 2:
            lines.append((t - 2, f"[WARNING]\t{r}\tretrying payment capture (attempt 2 of 3)"))
            lines.append((t - 3, f"[ERROR]\t{r}\tException: PaymentGatewayError: upstream returned 503"))
        else:
            lines.append((t - 2, f"[INFO]\t{r}\tdone"))
        lines.append((t - 4, f"END RequestId: {r}"))
        lines.append((t - 4, f"REPORT RequestId: {r}\tDuration: {120 + 37 * i}.52 ms\t"
                             f"Billed Duration: {121 + 37 * i} ms\tMemory Size: 256 MB\tMax Memory Used: 87 MB"))
        t -= 900
    return lines


def put_logs(acct, group, stream, lines, retention=None):
    call("logs", acct, "create_log_group", logGroupName=group)
    if retention:
        call("logs", acct, "put_retention_policy", logGroupName=group, retentionInDays=retention)
    call("logs", acct, "create_log_stream", logGroupName=group, logStreamName=stream)
    events = [{"timestamp": (NOW - off) * 1000, "message": msg} for off, msg in lines]
    events.sort(key=lambda e: e["timestamp"])
    call("logs", acct, "put_log_events", logGroupName=group, logStreamName=stream, logEvents=events)


def metric_series(acct, namespace, name, dims, values, unit="Count"):
    # One point a minute, ending now.
    data = [{"MetricName": name, "Dimensions": dims, "Value": float(v), "Unit": unit,
             "Timestamp": NOW - 60 * (len(values) - 1 - i)} for i, v in enumerate(values)]
    call("cloudwatch", acct, "put_metric_data", Namespace=namespace, MetricData=data)


def alarm(acct, name, description, namespace, metric, dims, stat, threshold, state, reason,
          topic_arn, unit=None, comparison="GreaterThanOrEqualToThreshold"):
    params = dict(AlarmName=name, AlarmDescription=description, Namespace=namespace,
                  MetricName=metric, Dimensions=dims, Statistic=stat, Period=60,
                  EvaluationPeriods=1, Threshold=threshold, ComparisonOperator=comparison,
                  TreatMissingData="missing", ActionsEnabled=True,
                  AlarmActions=[topic_arn], OKActions=[topic_arn])
    if unit:
        params["Unit"] = unit
    call("cloudwatch", acct, "put_metric_alarm", **params)
    # moto creates every alarm in OK and never evaluates it: set the state the demo shows.
    call("cloudwatch", acct, "set_alarm_state", AlarmName=name, StateValue=state,
         StateReason=reason)


def seed(acct, env):
    account_id, region = acct
    prefix = "acme" if env == "dev" else "acme-prod"

    # IAM: the Lambda execution role, and the role chatops assumes (prod's `role_arn`).
    lambda_role = call("iam", acct, "create_role", RoleName="lambda-exec",
                       AssumeRolePolicyDocument=TRUST_LAMBDA)["Role"]["Arn"]
    call("iam", acct, "create_role", RoleName="chatops",
         AssumeRolePolicyDocument=trust_chatops(),
         Description="assumed by aws-chatops for each chat user")

    # SNS and SQS.
    topic = call("sns", acct, "create_topic", Name="ops-alerts")["TopicArn"]
    call("sns", acct, "subscribe", TopicArn=topic, Protocol="email",
         Endpoint=f"oncall+{env}@example.com")
    dlq = call("sqs", acct, "create_queue", QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = call("sqs", acct, "get_queue_attributes", QueueUrl=dlq,
                   AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = call("sqs", acct, "create_queue", QueueName="orders-queue", Attributes={
        "VisibilityTimeout": "60",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"}),
    })["QueueUrl"]
    for i in range(3):
        call("sqs", acct, "send_message", QueueUrl=queue,
             MessageBody=json.dumps({"orderId": f"ord-{1001 + i}", "amount": 19.99 + i}))
    call("sqs", acct, "send_message", QueueUrl=dlq,
         MessageBody=json.dumps({"orderId": "ord-0999", "error": "PaymentGatewayError"}))

    # Lambda functions.
    code = zipped(HANDLER)
    functions = {
        "orders-api": ("HTTP API for orders", {
            "DB_HOST": "orders-db.internal", "DB_USER": "orders_app",
            "DB_PASSWORD": "s3cr3t-Pa55w0rd-demo", "LOG_LEVEL": "INFO",
        }),
        "thumbnail-generator": ("Resizes uploaded images", {"TARGET_BUCKET": f"{prefix}-thumbnails"}),
        "nightly-report": ("Builds the nightly sales report", None),
    }
    if env == "prod":
        del functions["nightly-report"]
        functions["payments-webhook"] = ("Receives payment provider callbacks", {
            "PROVIDER": "stripe", "WEBHOOK_SECRET": "whsec_demo_0123456789"})
    for name, (desc, variables) in functions.items():
        params = dict(FunctionName=name, Runtime="python3.12", Role=lambda_role,
                      Handler="handler.handler", Code={"ZipFile": code}, Description=desc,
                      Timeout=30, MemorySize=256, Tags={"team": "platform", "env": env})
        if variables:
            params["Environment"] = {"Variables": variables}
        call("lambda", acct, "create_function", **params)

    # Logs: one group per function, with errors in orders-api (and payments-webhook).
    for name in functions:
        kind = "errors" if name in ("orders-api", "payments-webhook") else "clean"
        put_logs(acct, f"/aws/lambda/{name}",
                 time.strftime("%Y/%m/%d", time.gmtime(NOW)) + "/[$LATEST]a1b2c3d4e5f60718293a4b5c6d7e8f90",
                 log_lines(name, kind), retention=14)
    put_logs(acct, "/app/web", "web-1", [
        (1800, "GET /health 200 2ms"),
        (1500, "GET /orders/1001 200 41ms"),
        (1200, "ERROR upstream orders-api returned 502 for GET /orders/1002"),
        (1190, "java.lang.IllegalStateException: circuit breaker OPEN for orders-api"),
        (900, "GET /orders/1003 200 38ms"),
        (600, "WARN slow request GET /reports/daily 2310ms"),
    ], retention=30)

    # Kinesis.
    call("kinesis", acct, "create_stream", StreamName="clickstream", ShardCount=2)
    call("kinesis", acct, "add_tags_to_stream", StreamName="clickstream", Tags={"env": env})
    for i in range(5):
        call("kinesis", acct, "put_record", StreamName="clickstream", PartitionKey=f"user-{i}",
             Data=json.dumps({"event": "page_view", "page": f"/product/{100 + i}"}).encode())

    # EC2: web-1 running, batch-worker stopped.
    image = ami(acct)
    run = call("ec2", acct, "run_instances", ImageId=image, InstanceType="t3.micro",
               MinCount=1, MaxCount=1,
               TagSpecifications=[{"ResourceType": "instance",
                                   "Tags": [{"Key": "Name", "Value": "web-1"},
                                            {"Key": "env", "Value": env}]}])
    web1 = run["Instances"][0]["InstanceId"]
    run = call("ec2", acct, "run_instances", ImageId=image, InstanceType="t3.small",
               MinCount=1, MaxCount=1,
               TagSpecifications=[{"ResourceType": "instance",
                                   "Tags": [{"Key": "Name", "Value": "batch-worker"},
                                            {"Key": "env", "Value": env}]}])
    worker = run["Instances"][0]["InstanceId"]
    call("ec2", acct, "stop_instances", InstanceIds=[worker])

    # S3.
    bucket = f"{prefix}-artifacts-{account_id}"
    params = {"Bucket": bucket}
    if region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    call("s3", acct, "create_bucket", **params)
    for key, body in [("releases/orders-api-1.4.2.zip", b"PK demo"),
                      ("releases/orders-api-1.4.3.zip", b"PK demo 2"),
                      ("reports/2024-06-01.csv", b"date,orders\n2024-06-01,1234\n")]:
        call("s3", acct, "put_object", Bucket=bucket, Key=key, Body=body)

    # CloudWatch: metric data, then alarms in ALARM, OK and INSUFFICIENT_DATA.
    fn_dim = lambda n: [{"Name": "FunctionName", "Value": n}]  # noqa: E731
    metric_series(acct, "AWS/Lambda", "Errors", fn_dim("orders-api"), [0, 0, 1, 4, 7, 9])
    metric_series(acct, "AWS/Lambda", "Invocations", fn_dim("orders-api"), [120, 131, 118, 140, 126, 133])
    metric_series(acct, "AWS/Lambda", "Errors", fn_dim("thumbnail-generator"), [0, 0, 0, 0, 0, 0])
    metric_series(acct, "AWS/EC2", "CPUUtilization", [{"Name": "InstanceId", "Value": web1}],
                  [22.5, 25.1, 31.0, 28.4, 24.9, 23.3], unit="Percent")
    metric_series(acct, "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds",
                  [{"Name": "StreamName", "Value": "clickstream"}], [0, 0, 120, 80, 0, 0],
                  unit="Milliseconds")
    alarm(acct, "orders-api-errors", "orders-api is failing requests", "AWS/Lambda", "Errors",
          fn_dim("orders-api"), "Sum", 5, "ALARM",
          "Threshold Crossed: 1 datapoint [9.0] was greater than or equal to the threshold (5.0).",
          topic)
    alarm(acct, "thumbnail-generator-errors", "thumbnail-generator errors", "AWS/Lambda",
          "Errors", fn_dim("thumbnail-generator"), "Sum", 1, "OK",
          "Threshold Crossed: 1 datapoint [0.0] was not greater than or equal to the threshold (1.0).",
          topic)
    alarm(acct, "web-1-cpu-high", "web-1 CPU above 80%", "AWS/EC2", "CPUUtilization",
          [{"Name": "InstanceId", "Value": web1}], "Average", 80, "OK",
          "Threshold Crossed: 1 datapoint [23.3] was not greater than or equal to the threshold (80.0).",
          topic, unit="Percent")
    alarm(acct, "clickstream-iterator-age", "clickstream consumers falling behind",
          "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds",
          [{"Name": "StreamName", "Value": "clickstream"}], "Maximum", 60000, "OK",
          "Threshold Crossed: 1 datapoint [0.0] was not greater than or equal to the threshold (60000.0).",
          topic)
    alarm(acct, "orders-dlq-not-empty", "messages in the orders dead-letter queue", "AWS/SQS",
          "ApproximateNumberOfMessagesVisible", [{"Name": "QueueName", "Value": "orders-dlq"}],
          "Maximum", 1, "INSUFFICIENT_DATA",
          "Insufficient Data: 1 datapoint was unknown.", topic)
    if env == "prod":
        alarm(acct, "payments-webhook-errors", "payments-webhook is failing", "AWS/Lambda",
              "Errors", fn_dim("payments-webhook"), "Sum", 3, "ALARM",
              "Threshold Crossed: 1 datapoint [6.0] was greater than or equal to the threshold (3.0).",
              topic)


# Lambda without Docker: moto's simple backend (invoke answers with the payload). Must be set
# before any function is created: functions live in the backend chosen at creation.
moto_api("/moto-api/config", {"lambda": {"use_docker": False}})
# Seeded already (the last thing seeded is prod's last alarm): nothing to do.
if call("cloudwatch", PROD, "describe_alarms", AlarmNames=["payments-webhook-errors"])["MetricAlarms"]:
    sys.exit(0)
seed(DEV, "dev")
seed(PROD, "prod")
