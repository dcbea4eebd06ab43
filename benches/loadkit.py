"""What the load benchmarks share: SNS notifications signed as SNS signs them (SignatureVersion
2, with the test key whose certificate `chatops serve` is told to trust through
CHATOPS_SNS_TRUSTED_CERT), the server's peak memory, and percentiles.
"""
import base64
import json
import os
import statistics
import uuid
from datetime import datetime, timezone

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/aws-chatops-target"))
CHATOPS = os.path.join(TARGET, "release", "chatops")
TESTDATA = os.path.join(ROOT, "crates", "sns", "testdata")
# The certificate the server trusts for SigningCertURL (CHATOPS_SNS_TRUSTED_CERT).
TEST_CERT = os.path.join(TESTDATA, "sns-test-cert.pem")
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"


def test_key():
    """The private key of the test certificate."""
    with open(os.path.join(TESTDATA, "sns-test-key.pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def string_to_sign(e):
    """SNS's string to sign for a Notification: each present key and value on its own line."""
    keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    return "".join(f"{k}\n{e[k]}\n" for k in keys if k in e)


def notification(key, topic):
    """A signed custom notification whose title is `bench-<marker>`: (marker, body bytes)."""
    marker = str(uuid.uuid4())
    message = json.dumps({"version": "1.0", "source": "custom",
                          "content": {"title": f"bench-{marker}",
                                      "description": "load test notification"}})
    e = {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": topic,
         "Message": message,
         "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
         "SignatureVersion": "2", "SigningCertURL": CERT_URL,
         "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"}
    sig = key.sign(string_to_sign(e).encode(), padding.PKCS1v15(), hashes.SHA256())
    e["Signature"] = base64.b64encode(sig).decode()
    return marker, json.dumps(e).encode()


def peak_rss_kib(pid):
    """VmHWM of a running process, in KiB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentiles(values):
    """(p50, p99, max) of a list of numbers; zeros for an empty list."""
    if not values:
        return 0.0, 0.0, 0.0
    if len(values) == 1:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=100)
    return q[49], q[98], max(values)
