"""Reference oracle: the parameters the installed AWS CLI builds for a command line.

Reads JSON lines {"shell": "<command as typed in a terminal>", "ours": {"service", "operation",
"params"}} on stdin. For each, runs the AWS CLI's own driver in-process up to the point where
botocore is about to serialize the request (nothing is sent), captures the operation and its
parameters, normalizes both sides by the operation's input shape (timestamps to epoch seconds,
floats to float, blobs to text) and writes {"ok": bool, "detail": "..."} per line.
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


def main():
    driver = create_clidriver()
    driver.session.get_component("event_emitter").register_first("before-parameter-build.*.*", capture)
    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        req = json.loads(raw)
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
