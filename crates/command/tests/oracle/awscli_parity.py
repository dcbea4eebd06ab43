"""Reference oracle: the parameters the installed AWS CLI builds for a command line.

Reads JSON lines {"shell": "<command as typed in a terminal>", "ours": {"service", "operation",
"params"}, "stage": "built" | "final"} on stdin. For each, runs the AWS CLI's own driver
in-process (nothing is sent), captures the operation and its parameters, normalizes both sides
by the operation's input shape (timestamps to epoch seconds, floats to float, blobs to text) and
writes {"ok": bool, "detail": "..."} per line.

"built" (the default) captures the parameters as the CLI's options built them, before any
before-parameter-build handler (botocore's own transformations there, such as encoding EC2
user data, happen in our wire layer). "final" captures them after every handler, just before
serialization: for the CLI's customizations that rewrite parameters there (network ACL
protocol names, run-instances' network interface, the default instance count).
"""
import io
import json
import os
import shlex
import sys
import contextlib
import decimal

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
os.environ.pop("AWS_PROFILE", None)

from awscli.clidriver import create_clidriver  # noqa: E402
from botocore.utils import parse_timestamp  # noqa: E402


class Captured(Exception):
    pass


captured = {}


def capture(params, model, **kwargs):
    captured["operation"] = model.name
    captured["service"] = model.service_model.service_name
    captured["params"] = json.loads(json.dumps(params, default=_raw))
    captured["model"] = model
    raise Captured()


def _raw(v):
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    raise TypeError(type(v))


def normalize(shape, value):
    if shape is None or value is None:
        return value
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        # A caller reference the CLI makes up (cli-<time>) differs on every run.
        return {
            k: ("cli-*" if k == "CallerReference" and str(v).startswith("cli-") else normalize(shape.members.get(k), v))
            for k, v in value.items()
        }
    if t == "list" and isinstance(value, list):
        return [normalize(shape.member, v) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: normalize(shape.value, v) for k, v in value.items()}
    if t == "timestamp":
        return parse_timestamp(value).timestamp()
    if t in ("float", "double") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


stage = {"name": "built"}


def capture_built(params, model, **kwargs):
    if stage["name"] == "built":
        capture(params, model)


def patch_final_capture():
    """Captures the parameters at the client's last step before serializing them."""
    from botocore.client import BaseClient

    original = BaseClient._convert_to_request_dict

    def convert(self, api_params, operation_model, *args, **kwargs):
        if stage["name"] == "final":
            capture(api_params, operation_model)
        return original(self, api_params, operation_model, *args, **kwargs)

    BaseClient._convert_to_request_dict = convert


def main():
    driver = create_clidriver()
    driver.session.get_component("event_emitter").register_first("before-parameter-build.*.*", capture_built)
    patch_final_capture()
    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        req = json.loads(raw)
        stage["name"] = req.get("stage", "built")
        captured.clear()
        argv = shlex.split(req["shell"])
        if argv and argv[0] == "aws":
            argv = argv[1:]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                rc = driver.main(argv)
            except SystemExit as e:
                rc = e.code
            except Captured:
                rc = None
        if "params" not in captured:
            print(json.dumps({"ok": False, "detail": f"the AWS CLI did not build a call (rc={rc}): {err.getvalue().strip()[-500:]}"}), flush=True)
            continue
        model = captured["model"]
        if stage["name"] == "final" and model.input_shape is not None:
            # botocore fills idempotency tokens with a new UUID; so does our wire layer.
            for name, member in model.input_shape.members.items():
                if member.metadata.get("idempotencyToken") and name not in req["ours"].get("params", {}):
                    captured["params"].pop(name, None)
        theirs = normalize(model.input_shape, captured["params"])
        ours = req["ours"]
        mine = normalize(model.input_shape, ours.get("params", {}))
        problems = []
        if ours.get("operation") != captured["operation"]:
            problems.append(f"operation: ours {ours.get('operation')} vs aws {captured['operation']}")
        if mine != theirs:
            problems.append(f"params: ours {json.dumps(mine, sort_keys=True)} vs aws {json.dumps(theirs, sort_keys=True)}")
        print(json.dumps({"ok": not problems, "detail": "; ".join(problems), "aws_service": captured["service"]}), flush=True)


if __name__ == "__main__":
    main()
