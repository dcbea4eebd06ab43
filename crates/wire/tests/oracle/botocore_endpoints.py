"""Expected endpoints, from botocore's own resolver, for tests/endpoints_vs_botocore.rs.

For every service botocore knows, for each region × {plain, FIPS, dual-stack, both} and for
a custom endpoint, a real botocore client is built (dummy credentials, no config files) and
its `EndpointRulesetResolver` is asked for:

- the provider parameters of one call (`_get_provider_params`, the S3 / S3 Control
  `before-endpoint-resolution` handlers included), and the same with rule-set defaults;
- what `EndpointProvider.resolve_endpoint` returns for them (url, headers, properties) or
  the message of the error it raises;
- the signing context `auth_schemes_to_signing_ctx` derives from `authSchemes` (botocore
  without the CRT, so sigv4a is not supported), or its error.

The call: the first operation (by name) that has no static/context parameters, with no input;
for S3 and S3 Control a set of bucket / ARN inputs; and, for us-east-1 without variants, every
operation that has static or context parameters, its context members filled with samples.

Usage: botocore_endpoints.py OUT.json [service,service,...]
"""

import json
import os
import sys

# No profile, environment or config file may change what botocore does.
for k in list(os.environ):
    if k.startswith("AWS_"):
        del os.environ[k]
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

import botocore  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import EndpointProviderError  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
VARIANTS = [(False, False), (True, False), (False, True), (True, True)]
CUSTOM_ENDPOINT = "http://127.0.0.1:5000"

S3_INPUTS = [
    ("ListBuckets", {}),
    ("HeadBucket", {"Bucket": "my-bucket"}),
    ("GetObject", {"Bucket": "my-bucket", "Key": "my-key"}),
    ("HeadBucket", {"Bucket": "my.bucket.with.dots"}),
    ("HeadBucket", {"Bucket": "Invalid_Bucket"}),
    ("GetBucketLocation", {"Bucket": "my-bucket"}),
    ("CreateBucket", {"Bucket": "my-bucket"}),
    ("HeadBucket", {"Bucket": "mybucket--use1-az4--x-s3"}),
    ("GetObject", {"Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws:s3:us-east-1:123456789012:accesspoint:myendpoint", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/mybanner", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/myendpoint", "Key": "k"}),
    ("GetObject", {"Bucket": "arn:aws:sqs:us-west-2:123456789012:someresource", "Key": "k"}),
]

S3CONTROL_INPUTS = [
    ("ListRegionalBuckets", {"AccountId": "123456789012"}),
    ("GetBucket", {"AccountId": "123456789012", "Bucket": "my-bucket"}),
    ("GetBucket", {"AccountId": "123456789012", "Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/bucket/mybucket"}),
    ("GetAccessPoint", {"AccountId": "123456789012", "Name": "my-ap"}),
    ("GetAccessPoint", {"AccountId": "123456789012", "Name": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/myap"}),
    ("ListStorageLensConfigurations", {"AccountId": "123456789012"}),
    ("CreateBucket", {"Bucket": "my-bucket"}),
]


def sample_value(service, member, param):
    """A plausible value for an input member that feeds an endpoint parameter."""
    if param == "Bucket" or member == "Bucket":
        return "my-bucket"
    if param == "AccountId":
        return "123456789012"
    low = member.lower()
    if low.endswith("arn"):
        return f"arn:aws:{service}:us-east-1:123456789012:resource/my-resource"
    if "table" in low:
        return "my-table"
    return "my-" + low


def jsonable(v):
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    return repr(v)


def resolve_case(client, op_name, call_input):
    resolver = client._ruleset_resolver
    op_model = client.meta.service_model.operation_model(op_name)
    context = {"client_config": client.meta.config}
    args = dict(call_input)
    out = {"operation": op_name, "input": call_input}
    try:
        params = resolver._get_provider_params(op_model, args, context)
    except Exception as e:  # the handlers can refuse an input
        out["params_error"] = f"{type(e).__name__}: {e}"
        return out
    for name in getattr(resolver._provider, "_excluded_params", ()):
        params.pop(name, None)
    full = dict(params)
    for name, spec in resolver._param_definitions.items():
        if full.get(name) is None and spec.default is not None:
            full[name] = spec.default
    out["params"] = jsonable(params)
    out["params_full"] = jsonable(full)
    try:
        ep = resolver._provider.resolve_endpoint(**params)
    except EndpointProviderError as e:
        out["expect"] = {"error": e.kwargs.get("msg", str(e))}
        return out
    except Exception as e:
        out["expect"] = {"exception": f"{type(e).__name__}: {e}"}
        return out
    expect = {
        "url": ep.url,
        "headers": {k: v[0] for k, v in ep.headers.items() if v},
        "properties": jsonable(ep.properties),
    }
    schemes = ep.properties.get("authSchemes")
    if schemes is not None:
        try:
            auth_type, signing = resolver.auth_schemes_to_signing_ctx(schemes)
            expect["auth_type"] = auth_type
            expect["signing_name"] = signing.get("signing_name")
            expect["signing_region"] = signing.get("region")
        except Exception as e:
            expect["auth_error"] = f"{type(e).__name__}: {e}"
    out["expect"] = expect
    return out


def plain_operation(model):
    """The first operation that takes no endpoint-related input."""
    names = sorted(model.operation_names)
    for name in names:
        op = model.operation_model(name)
        raw = op._operation_model
        if raw.get("staticContextParams") or raw.get("operationContextParams") or op.context_parameters:
            continue
        return name
    return names[0] if names else None


def context_operations(service, model):
    """Operations with static or context parameters, with their context members filled."""
    out = []
    for name in sorted(model.operation_names):
        op = model.operation_model(name)
        raw = op._operation_model
        if raw.get("operationContextParams"):
            continue  # JMESPath-derived parameters: not supported on our side yet
        if not (raw.get("staticContextParams") or op.context_parameters):
            continue
        call_input = {}
        for p in op.context_parameters:
            call_input[p.member_name] = sample_value(service, p.member_name, p.name)
        out.append((name, call_input))
    return out


def main():
    out_path = sys.argv[1]
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 and sys.argv[2] else None
    session = botocore.session.get_session()
    cases = []
    skipped = []
    for service in session.get_available_services():
        if only and service not in only:
            continue
        configs = [(r, f, d, None) for r in REGIONS for (f, d) in VARIANTS]
        configs += [("us-east-1", False, False, CUSTOM_ENDPOINT), ("us-east-1", True, True, CUSTOM_ENDPOINT)]
        model = None
        for region, fips, dual, endpoint in configs:
            try:
                client = session.create_client(
                    service,
                    region_name=region,
                    endpoint_url=endpoint,
                    aws_access_key_id="AKIDEXAMPLE",
                    aws_secret_access_key="SECRET",
                    config=Config(use_fips_endpoint=fips, use_dualstack_endpoint=dual),
                )
            except Exception as e:
                skipped.append(f"{service} {region} fips={fips} dualstack={dual}: {type(e).__name__}: {e}")
                continue
            if client._ruleset_resolver is None:
                skipped.append(f"{service}: no rule set")
                break
            model = client.meta.service_model
            if service == "s3":
                calls = list(S3_INPUTS)
            elif service == "s3control":
                calls = list(S3CONTROL_INPUTS)
            else:
                op = plain_operation(model)
                calls = [(op, {})] if op else []
            if region == "us-east-1" and not fips and not dual and endpoint is None:
                seen = {(c[0], json.dumps(c[1], sort_keys=True)) for c in calls}
                for c in context_operations(service, model):
                    if (c[0], json.dumps(c[1], sort_keys=True)) not in seen:
                        calls.append(c)
            for op_name, call_input in calls:
                case = {
                    "service": service,
                    "region": region,
                    "fips": fips,
                    "dualstack": dual,
                    "endpoint": endpoint,
                }
                case.update(resolve_case(client, op_name, call_input))
                cases.append(case)
    with open(out_path, "w") as f:
        json.dump({"botocore": botocore.__version__, "cases": cases, "skipped": skipped}, f)


if __name__ == "__main__":
    main()
