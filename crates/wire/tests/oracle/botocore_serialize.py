"""Reference oracle: the request botocore serializes for an operation and parameters.

Reads JSON lines {"service": botocore name, "operation": API name, "params": {...},
"ours": {"method", "path", "query", "headers": {name: value}, "body_b64"}} and writes
{"ok": bool, "detail": str} per line. Uses a real botocore client so the model carries the same
customizations botocore applies (for S3, the bucket is taken off the request URI).
"""
import base64
import json
import os
import sys

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
os.environ["AWS_CONFIG_FILE"] = "/dev/null"

import botocore.session  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from botocore.utils import percent_encode_sequence  # noqa: E402

session = botocore.session.get_session()
clients = {}


def client(name):
    if name not in clients:
        clients[name] = session.create_client(name, region_name="us-east-1")
    return clients[name]


def main():
    for raw in sys.stdin:
        if not raw.strip():
            continue
        req = json.loads(raw)
        c = client(req["service"])
        op = c.meta.service_model.operation_model(req["operation"])
        # The handlers botocore runs before serializing (idempotency tokens, S3's bucket
        # taken off the path, copy sources, user data, Route 53 ids, list encoding).
        params = c._emit_api_params(req["params"], op, {})
        for name in op.idempotent_members:
            if name in params and name in req.get("tokens", []):
                params[name] = req["tokens_values"][name]
        s = c._serializer.serialize_to_request(params, op)
        body = s["body"]
        if isinstance(body, dict):
            # As AWSRequest prepares a dict body for the wire.
            body = urlencode(body, doseq=True).encode()
        elif isinstance(body, str):
            body = body.encode()
        qs = s.get("query_string") or ""
        if isinstance(qs, dict):
            qs = percent_encode_sequence(qs)
        ours = req["ours"]
        problems = []
        if ours["method"] != s["method"]:
            problems.append(f"method {ours['method']} vs {s['method']}")
        if ours["path"] != s["url_path"]:
            problems.append(f"path {ours['path']} vs {s['url_path']}")
        if ours["query"] != qs:
            problems.append(f"query {ours['query']} vs {qs}")
        if (ours.get("host_prefix") or None) != (s.get("host_prefix") or None):
            problems.append(f"host prefix {ours.get('host_prefix')} vs {s.get('host_prefix')}")
        theirs_h = {k: str(v) for k, v in s["headers"].items()}
        if ours["headers"] != theirs_h:
            problems.append(f"headers {ours['headers']} vs {theirs_h}")
        mine = base64.b64decode(ours["body_b64"])
        if mine != body:
            problems.append(f"body {mine[:400]!r} vs {body[:400]!r}")
        print(json.dumps({"ok": not problems, "detail": "; ".join(problems)}), flush=True)


if __name__ == "__main__":
    main()
