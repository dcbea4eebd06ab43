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

PARTITION_OF = {"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"}


def s3_inputs(region):
    part = PARTITION_OF.get(region, "aws")
    return [
        ("ListBuckets", {}),
        ("HeadBucket", {"Bucket": "my-bucket"}),
        ("GetObject", {"Bucket": "my-bucket", "Key": "my-key"}),
        ("HeadBucket", {"Bucket": "my.bucket.with.dots"}),
        ("HeadBucket", {"Bucket": "Invalid_Bucket"}),
        ("GetBucketLocation", {"Bucket": "my-bucket"}),
        ("CreateBucket", {"Bucket": "my-bucket"}),
        ("HeadBucket", {"Bucket": "mybucket--use1-az4--x-s3"}),
        ("GetObject", {"Bucket": "arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint", "Key": "k"}),
        ("GetObject", {"Bucket": f"arn:{part}:s3:{region}:123456789012:accesspoint:myendpoint", "Key": "k"}),
        ("GetObject", {"Bucket": "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "Key": "k"}),
        ("GetObject", {"Bucket": f"arn:{part}:s3-outposts:{region}:123456789012:outpost/op-01234567890123456/accesspoint/reports", "Key": "k"}),
        ("GetObject", {"Bucket": f"arn:{part}:s3-object-lambda:{region}:123456789012:accesspoint/mybanner", "Key": "k"}),
        ("GetObject", {"Bucket": "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/myendpoint", "Key": "k"}),
        ("GetObject", {"Bucket": "arn:aws:sqs:us-west-2:123456789012:someresource", "Key": "k"}),
    ]


def s3control_inputs(region):
    part = PARTITION_OF.get(region, "aws")
    outpost = f"arn:{part}:s3-outposts:{region}:123456789012:outpost/op-01234567890123456"
    return [
        ("ListRegionalBuckets", {"AccountId": "123456789012"}),
        ("ListRegionalBuckets", {"AccountId": "123456789012", "OutpostId": "op-01234567890123456"}),
        ("GetBucket", {"AccountId": "123456789012", "Bucket": "my-bucket"}),
        ("GetBucket", {"AccountId": "123456789012", "Bucket": "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/bucket/mybucket"}),
        ("GetBucket", {"AccountId": "999999999999", "Bucket": outpost + "/bucket/mybucket"}),
        ("GetAccessPoint", {"AccountId": "123456789012", "Name": "my-ap"}),
        ("GetAccessPoint", {"AccountId": "123456789012", "Name": outpost + "/accesspoint/myap"}),
        ("ListStorageLensConfigurations", {"AccountId": "123456789012"}),
        ("CreateBucket", {"Bucket": "my-bucket"}),
    ]


def extra_configs(service, builtins):
    """Client settings beyond region and variants that feed the service's built-ins."""
    base = {"region": "us-east-1", "fips": False, "dualstack": False, "endpoint": None}
    out = []
    if service == "s3":
        for region in ("us-east-1", "eu-west-1"):
            out.append({**base, "region": region, "s3": {"addressing_style": "path"}})
            out.append({**base, "region": region, "s3": {"addressing_style": "virtual"}})
            out.append({**base, "region": region, "s3": {"use_accelerate_endpoint": True}})
            out.append({**base, "region": region, "dualstack": True, "s3": {"use_accelerate_endpoint": True}})
            out.append({**base, "region": region, "s3": {"use_arn_region": False}})
            out.append({**base, "region": region, "s3": {"s3_disable_multiregion_access_points": True}})
        out.append({**base, "s3": {"us_east_1_regional_endpoint": "regional"}})
        out.append({**base, "endpoint": CUSTOM_ENDPOINT, "s3": {"addressing_style": "virtual"}})
        out.append({**base, "endpoint": "https://s3-accelerate.amazonaws.com"})
        out.append({**base, "endpoint": "https://s3-accelerate.amazonaws.com", "s3": {"addressing_style": "path"}})
    if service == "s3control":
        for region in ("us-east-1", "us-gov-west-1"):
            out.append({**base, "region": region, "s3": {"use_arn_region": True}})
    if "AWS::STS::UseGlobalEndpoint" in builtins:
        for region in ("us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1"):
            out.append({**base, "region": region, "sts_regional_endpoints": "legacy"})
    if "AWS::Auth::AccountId" in builtins:
        for region in ("us-east-1", "cn-north-1"):
            for mode in ("preferred", "required", "disabled"):
                out.append({**base, "region": region, "account_id": "123456789012", "account_id_endpoint_mode": mode})
                out.append({**base, "region": region, "fips": True, "account_id": "123456789012", "account_id_endpoint_mode": mode})
            out.append({**base, "region": region, "account_id_endpoint_mode": "required"})
    return out


# Odd inputs handed straight to the provider (no client): the engine must agree on them too.
ODD_REGIONS = ["", "US-EAST-1", "us-east-1\n", "fips-us-east-1", "us-east-1-fips", "aws-global",
               "mars-north-7", "us-isob-east-1", "eusc-de-east-1", "a.b", "-bad-", "r\u00e9gion-1"]
ODD_ENDPOINTS = ["https://[::1]:8443/base/", "http://localhost:notaport", "https://example.com/a/../b//c",
                 "https://example.com?x=1", "not a url", "https://user@host.example.com:443",
                 "http://[fe80::1%25en0]/", "HTTPS://EXAMPLE.COM/A%20B/", "http://10.0.0.1"]


def odd_param_sets(resolver):
    defs = resolver._param_definitions
    out = []
    for region in ODD_REGIONS:
        out.append({"Region": region, "UseFIPS": False, "UseDualStack": False})
        out.append({"Region": region, "UseFIPS": True, "UseDualStack": True})
    for ep in ODD_ENDPOINTS:
        out.append({"Region": "us-west-2", "UseFIPS": False, "UseDualStack": False, "Endpoint": ep})
    out.append({"UseFIPS": False, "UseDualStack": False})
    out.append({"Region": "us-east-1", "UseFIPS": "yes"})
    # Keep only declared parameters, in the rule set's order (as botocore passes them).
    return [{k: p[k] for k in defs if k in p} for p in out]


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
        out["params_error_msg"] = str(e)
        return out
    for name in getattr(resolver._provider, "_excluded_params", ()):
        params.pop(name, None)
    full = dict(params)
    for name, spec in resolver._param_definitions.items():
        if full.get(name) is None and spec.default is not None:
            full[name] = spec.default
    out["params"] = jsonable(params)
    out["params_full"] = jsonable(full)
    out["expect"] = provider_result(resolver, params)
    return out


def provider_result(resolver, params):
    """What botocore's provider returns for these parameters, or the error it raises."""
    try:
        ep = resolver._provider.resolve_endpoint(**params)
    except EndpointProviderError as e:
        return {"error": e.kwargs.get("msg", str(e))}
    except Exception as e:
        return {"exception": f"{type(e).__name__}: {e}"}
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
    return expect


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


def make_client(session, service, cfg):
    if cfg.get("sts_regional_endpoints"):
        session = botocore.session.get_session()
        session.set_config_variable("sts_regional_endpoints", cfg["sts_regional_endpoints"])
    kwargs = {"use_fips_endpoint": cfg["fips"], "use_dualstack_endpoint": cfg["dualstack"]}
    if cfg.get("s3"):
        kwargs["s3"] = dict(cfg["s3"])
    if cfg.get("account_id_endpoint_mode"):
        kwargs["account_id_endpoint_mode"] = cfg["account_id_endpoint_mode"]
    return session.create_client(
        service,
        region_name=cfg["region"],
        endpoint_url=cfg["endpoint"],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="SECRET",
        aws_account_id=cfg.get("account_id"),
        config=Config(**kwargs),
    )


def main():
    out_path = sys.argv[1]
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 and sys.argv[2] else None
    session = botocore.session.get_session()
    cases = []
    skipped = []
    for service in session.get_available_services():
        if only and service not in only:
            continue
        configs = [
            {"region": r, "fips": f, "dualstack": d, "endpoint": None}
            for r in REGIONS
            for (f, d) in VARIANTS
        ]
        configs.append({"region": "us-east-1", "fips": False, "dualstack": False, "endpoint": CUSTOM_ENDPOINT})
        configs.append({"region": "us-east-1", "fips": True, "dualstack": True, "endpoint": CUSTOM_ENDPOINT})
        # FIPS pseudo-regions, which botocore rewrites to the region with FIPS on.
        configs.append({"region": "fips-us-east-1", "fips": False, "dualstack": False, "endpoint": None})
        configs.append({"region": "us-gov-west-1-fips", "fips": False, "dualstack": True, "endpoint": None})
        extras_added = False
        i = 0
        while i < len(configs):
            cfg = configs[i]
            i += 1
            try:
                client = make_client(session, service, cfg)
            except Exception as e:
                skipped.append(f"{service} {cfg}: {type(e).__name__}: {e}")
                continue
            resolver = client._ruleset_resolver
            if resolver is None:
                skipped.append(f"{service}: no rule set")
                break
            if not extras_added:
                extras_added = True
                builtins = {p.builtin for p in resolver._param_definitions.values() if p.builtin}
                configs.extend(extra_configs(service, builtins))
            model = client.meta.service_model
            region = cfg["region"]
            if service == "s3":
                calls = s3_inputs(region)
            elif service == "s3control":
                calls = s3control_inputs(region)
            else:
                op = plain_operation(model)
                calls = [(op, {})] if op else []
            plain = not cfg["fips"] and not cfg["dualstack"] and cfg["endpoint"] is None and len(cfg) == 4
            if region == "us-east-1" and plain:
                seen = {(c[0], json.dumps(c[1], sort_keys=True)) for c in calls}
                for c in context_operations(service, model):
                    if (c[0], json.dumps(c[1], sort_keys=True)) not in seen:
                        calls.append(c)
            for op_name, call_input in calls:
                case = {"service": service, **cfg}
                case.update(resolve_case(client, op_name, call_input))
                cases.append(case)
            if region == "us-east-1" and plain:
                for params in odd_param_sets(resolver):
                    case = {"service": service, "engine_only": True, "params": params}
                    case["expect"] = provider_result(resolver, params)
                    cases.append(case)
    with open(out_path, "w") as f:
        json.dump({"botocore": botocore.__version__, "cases": cases, "skipped": skipped}, f)


if __name__ == "__main__":
    main()
