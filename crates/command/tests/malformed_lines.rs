//! Malformed and refused chat lines, each with the exact message the user sees.
//!
//! Every row of `CASES` is a line a person could really type, the kind of error it must give
//! and the full message. When a message changes on purpose, change the row; when it changes by
//! accident, this test says so.
//!
//! `REJECTED_BUT_UNCLEAR` holds lines that are (rightly) rejected but whose current message is
//! unclear or misleading: only the rejection and its kind are pinned there, so a better
//! message can land without editing this file. The sanity tests at the end check that
//! `parse_line` never panics on odd input and that nothing is read from a `file://` path.

use command::tokenize;
use command::{parse_line, Catalog, ErrorKind, Parsed};
use std::sync::OnceLock;
use ErrorKind::{Invalid, Refused, Syntax, Unknown};

fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| Catalog::open(None).expect("botocore models (run scripts/setup.sh)"))
}

/// `(line, kind, exact message)`.
const CASES: &[(&str, ErrorKind, &str)] = &[
    // ── Refused global options ──────────────────────────────────────────────────────────────
    (
        "lambda list-functions --endpoint-url http://x",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "lambda list-functions --endpoint-url=http://x",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "lambda list-functions -endpoint-url=http://x",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "lambda list-functions \u{2014}endpoint-url http://x",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "lambda list-functions --endpoint-url",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "lambda list-functions --profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions \u{2014}profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions \u{2013}profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions -\u{2014}profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions -profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions --PROFILE prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions --profile=",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "sts get-caller-identity --profile default",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions --debug",
        Refused,
        "--debug is not allowed in chat: debug output can contain credentials and request signatures",
    ),
    (
        "lambda list-functions -debug",
        Refused,
        "--debug is not allowed in chat: debug output can contain credentials and request signatures",
    ),
    (
        "lambda list-functions --debug true",
        Refused,
        "--debug is not allowed in chat: debug output can contain credentials and request signatures",
    ),
    (
        "lambda list-functions --no-verify-ssl",
        Refused,
        "--no-verify-ssl is not allowed in chat: TLS certificate checks are never turned off",
    ),
    (
        "lambda list-functions --no-verify-ssl=true",
        Refused,
        "--no-verify-ssl is not allowed in chat: TLS certificate checks are never turned off",
    ),
    (
        "lambda list-functions --ca-bundle /etc/x.pem",
        Refused,
        "--ca-bundle is not allowed in chat: the trusted certificates are set by the operator, never from chat",
    ),
    (
        "lambda list-functions --no-sign-request",
        Refused,
        "--no-sign-request is not allowed in chat: every request is signed with the channel's role",
    ),
    (
        "lambda list-functions --cli-read-timeout 5",
        Refused,
        "--cli-read-timeout is not allowed in chat: the time limit is set by the operator",
    ),
    (
        "lambda list-functions --cli-read-timeout=0",
        Refused,
        "--cli-read-timeout is not allowed in chat: the time limit is set by the operator",
    ),
    (
        "lambda list-functions --cli-connect-timeout 5",
        Refused,
        "--cli-connect-timeout is not allowed in chat: the time limit is set by the operator",
    ),
    (
        "lambda list-functions --cli-connect-timeout=5",
        Refused,
        "--cli-connect-timeout is not allowed in chat: the time limit is set by the operator",
    ),
    // ── file:// and fileb:// are never read ─────────────────────────────────────────────────
    (
        "lambda invoke --function-name f --payload file://payload.json",
        Refused,
        "--payload: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "lambda invoke --function-name f --payload fileb://payload.json",
        Refused,
        "--payload: 'fileb://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "lambda invoke --function-name=file:///etc/passwd",
        Refused,
        "--function-name: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "lambda invoke --function-name FILE:///etc/passwd",
        Refused,
        "--function-name: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        // Chat's positional shorthand goes through the same check.
        "lambda get-function file:///etc/passwd",
        Refused,
        "--function-name: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "lambda update-function-code --function-name f --zip-file fileb://f.zip",
        Refused,
        "--zip-file: 'fileb://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "cloudformation create-stack --stack-name s --template-body file://t.yaml",
        Refused,
        "--template-body: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "ec2 run-instances --image-id ami-1 --user-data file://x.sh",
        Refused,
        "--user-data: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        // Inside a list value: the second item.
        "ec2 describe-instances --instance-ids i-1 file:///etc/passwd",
        Refused,
        "--instance-ids: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "ec2 describe-instances --instance-ids i-1 fileb://x",
        Refused,
        "--instance-ids: 'fileb://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "ec2 describe-instances --instance-ids ' file://x'",
        Refused,
        "--instance-ids: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "ec2 describe-instances --filters file://filters.json",
        Refused,
        "--filters: 'file://' values are not read in chat (nothing is ever read from disk because of a chat message); paste the value itself",
    ),
    (
        "ec2 describe-instances --filters Name@=file://x",
        Syntax,
        "--filters: 'Name@=' reads a parameter file; files are never read because of a chat message, so give the value itself",
    ),
    (
        "ec2 describe-instances --filters Name=a,Values@=file://x",
        Syntax,
        "--filters: 'Values@=' reads a parameter file; files are never read because of a chat message, so give the value itself",
    ),
    (
        "lambda get-function --cli-input-json file://in.json",
        Refused,
        "--cli-input-json takes the JSON itself in chat; files and URLs are never read because of a chat message",
    ),
    (
        "lambda get-function --cli-input-json fileb://in.json",
        Refused,
        "--cli-input-json takes the JSON itself in chat; files and URLs are never read because of a chat message",
    ),
    (
        "lambda get-function --cli-input-json https://example.com/in.json",
        Refused,
        "--cli-input-json takes the JSON itself in chat; files and URLs are never read because of a chat message",
    ),
    // ── High-level s3 commands and local set-up ─────────────────────────────────────────────
    (
        "s3 ls",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use `s3api list-buckets`, or `s3api list-objects-v2 --bucket NAME`",
    ),
    (
        "aws S3 ls s3://bucket",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use `s3api list-buckets`, or `s3api list-objects-v2 --bucket NAME`",
    ),
    (
        "s3 cp a b",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use the matching `s3api` operation (`s3api --help` lists them)",
    ),
    (
        "s3 mb s3://x",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use `s3api create-bucket --bucket NAME`",
    ),
    (
        "s3 rb s3://x",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use `s3api delete-bucket --bucket NAME`",
    ),
    (
        "s3 rm s3://x/k",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use `s3api delete-object --bucket NAME --key KEY`",
    ),
    (
        "s3 sync . s3://x",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use the matching `s3api` operation (`s3api --help` lists them)",
    ),
    (
        "s3 mv a b",
        Refused,
        "the AWS CLI's high-level `s3` commands run many calls and read or write local files, so they are not available in chat; use the matching `s3api` operation (`s3api --help` lists them)",
    ),
    (
        "configure",
        Refused,
        "`configure` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration",
    ),
    (
        "configure set region us-east-1",
        Refused,
        "`configure` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration",
    ),
    (
        "configure --profile x",
        Refused,
        "`configure` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration",
    ),
    (
        "login",
        Refused,
        "`login` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration",
    ),
    (
        "logout",
        Refused,
        "`logout` changes the AWS CLI's local set-up and does not exist in chat; accounts and roles come from the channel's configuration",
    ),
    // ── Unknown service, operation, option, value (with suggestions) ────────────────────────
    (
        "lamda list-functions",
        Unknown,
        "unknown service 'lamda' (did you mean 'lambda' or 'lambda-web' or 'lambda-core'?); `help` lists the services",
    ),
    ("zzzzzz list", Unknown, "unknown service 'zzzzzz'; `help` lists the services"),
    (
        "lambda list-functon",
        Unknown,
        "'list-functon' is not an operation of lambda (did you mean 'list-functions' or 'list-function-url-configs' or 'list-function-event-invoke-configs'?); `lambda --help` lists them",
    ),
    (
        "ec2 describ-instances",
        Unknown,
        "'describ-instances' is not an operation of ec2 (did you mean 'describe-instances' or 'describe-instance-types' or 'describe-fleet-instances'?); `ec2 --help` lists them",
    ),
    ("s3api", Syntax, "which s3api operation? `s3api --help` lists them"),
    (
        "lambda get-function --function-nme x",
        Unknown,
        "unknown option --function-nme for lambda get-function (did you mean '--function-name'?); `lambda get-function --help` lists its options",
    ),
    (
        "lambda get-function --FunctionName x",
        Unknown,
        "unknown option --functionname for lambda get-function (did you mean '--function-name'?); `lambda get-function --help` lists its options",
    ),
    (
        "lambda get-function --function_name x",
        Unknown,
        "unknown option --function_name for lambda get-function (did you mean '--function-name'?); `lambda get-function --help` lists its options",
    ),
    (
        "ec2 describe-instances --filter Name=a,Values=b",
        Unknown,
        "unknown option --filter for ec2 describe-instances (did you mean '--filters'?); `ec2 describe-instances --help` lists its options",
    ),
    (
        "ec2 DescribeInstances --max-itemz 5",
        Unknown,
        "unknown option --max-itemz for ec2 describe-instances (did you mean '--max-items'?); `ec2 describe-instances --help` lists its options",
    ),
    (
        "lambda list-functions --no-profile",
        Unknown,
        "unknown option --no-profile for lambda list-functions; `lambda list-functions --help` lists its options",
    ),
    (
        "cloudwatch describe-alarms --state-value ALRM",
        Invalid,
        "--state-value: 'ALRM' is not a valid value (did you mean 'ALARM'?); valid values: OK, ALARM, INSUFFICIENT_DATA",
    ),
    (
        "cloudwatch describe-alarms --state-value alarm",
        Invalid,
        "--state-value: 'alarm' is not a valid value (did you mean 'ALARM'?); valid values: OK, ALARM, INSUFFICIENT_DATA",
    ),
    (
        "dynamodb scan --table-name t --select ALL",
        Invalid,
        "--select: 'ALL' is not a valid value (did you mean 'ALL_ATTRIBUTES' or 'ALL_PROJECTED_ATTRIBUTES'?); valid values: ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, COUNT",
    ),
    (
        "ecs list-services --launch-type fargate",
        Invalid,
        "--launch-type: 'fargate' is not a valid value (did you mean 'FARGATE'?); valid values: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES",
    ),
    (
        "lambda invoke --function-name f --invocation-type Sync",
        Invalid,
        "--invocation-type: 'Sync' is not a valid value; valid values: Event, RequestResponse, DryRun",
    ),
    (
        "cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPU --start-time 2024-01-01 --end-time 2024-01-02 --period 60 --statistics Avg",
        Invalid,
        "--statistics[0]: 'Avg' is not a valid value; valid values: SampleCount, Average, Sum, Minimum, Maximum",
    ),
    (
        "lambda update-function-configuration --function-name f --tracing-config Mode=Sometimes",
        Invalid,
        "--tracing-config.Mode: 'Sometimes' is not a valid value; valid values: Active, PassThrough",
    ),
    (
        "dynamodb create-table --table-name t --attribute-definitions AttributeName=a,AttributeType=X --key-schema AttributeName=a,KeyType=HASH --billing-mode PAY_PER_REQUEST",
        Invalid,
        "--attribute-definitions[0].AttributeType: 'X' is not a valid value; valid values: S, N, B",
    ),
    // ── Numbers: type and range ─────────────────────────────────────────────────────────────
    ("ec2 describe-instances --max-items abc", Invalid, "--max-items: expected a positive whole number, got 'abc'"),
    ("ec2 describe-instances --max-items 0", Invalid, "--max-items: expected a positive whole number, got '0'"),
    ("ec2 describe-instances --page-size -1", Invalid, "--page-size: expected a positive whole number, got '-1'"),
    (
        "kinesis create-stream --stream-name s --shard-count two",
        Invalid,
        "--shard-count: expected a whole number, got 'two'",
    ),
    (
        "kinesis create-stream --stream-name s --shard-count 1.5",
        Invalid,
        "--shard-count: expected a whole number, got '1.5'",
    ),
    (
        "logs get-log-events --log-group-name g --log-stream-name s --limit 0",
        Invalid,
        "--limit: must be at least 1, got 0",
    ),
    (
        "logs get-log-events --log-group-name g --log-stream-name s --limit 20000",
        Invalid,
        "--limit: must be at most 10000, got 20000",
    ),
    (
        "lambda put-function-concurrency --function-name f --reserved-concurrent-executions -1",
        Invalid,
        "--reserved-concurrent-executions: must be at least 0, got -1",
    ),
    (
        "cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPU --start-time 2024-01-01 --end-time 2024-01-02 --period sixty --statistics Average",
        Invalid,
        "--period: expected a whole number, got 'sixty'",
    ),
    (
        "logs filter-log-events --log-group-name g --start-time yesterday",
        Invalid,
        "--start-time: expected a whole number, got 'yesterday'",
    ),
    // ── --max-items and friends on an operation that does not page ──────────────────────────
    (
        "lambda get-function --function-name x --max-items 5",
        Unknown,
        "unknown option --max-items for lambda get-function; lambda get-function does not page its results",
    ),
    (
        "lambda get-function --function-name x --starting-token t",
        Unknown,
        "unknown option --starting-token for lambda get-function; lambda get-function does not page its results",
    ),
    (
        "lambda get-function --function-name x --page-size 2",
        Unknown,
        "unknown option --page-size for lambda get-function; lambda get-function does not page its results",
    ),
    // ── Booleans ────────────────────────────────────────────────────────────────────────────
    (
        "s3api put-public-access-block --bucket b --public-access-block-configuration BlockPublicAcls=yes",
        Invalid,
        "--public-access-block-configuration.BlockPublicAcls: expected true or false, got 'yes'",
    ),
    ("ec2 describe-instances --dry-run=maybe", Invalid, "--dry-run is a flag; it takes no value, got 'maybe'"),
    (
        "ec2 describe-instances --dry-run maybe",
        Syntax,
        "unexpected value 'maybe': values follow their option, as in `--name value`; `ec2 describe-instances --help` lists the options",
    ),
    ("ec2 describe-instances --dry-run --no-dry-run", Invalid, "--dry-run is given more than once"),
    // ── Timestamps ──────────────────────────────────────────────────────────────────────────
    (
        "cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPU --start-time yesterday --end-time now --period 60 --statistics Average",
        Invalid,
        "--start-time: 'yesterday' is not a timestamp; use ISO 8601 (2024-05-01T13:00:00Z) or seconds since 1970",
    ),
    (
        "cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPU --start-time 2024-13-01 --end-time 2024-01-02 --period 60 --statistics Average",
        Invalid,
        "--start-time: '2024-13-01' is not a timestamp; use ISO 8601 (2024-05-01T13:00:00Z) or seconds since 1970",
    ),
    (
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=1,Timestamp=nope",
        Invalid,
        "--metric-data[0].Timestamp: 'nope' is not a timestamp; use ISO 8601 (2024-05-01T13:00:00Z) or seconds since 1970",
    ),
    // ── JSON ────────────────────────────────────────────────────────────────────────────────
    (
        r#"ec2 describe-instances --filters '[{"Name":"a","Values":["b"]}'"#,
        Syntax,
        r#"--filters: invalid JSON (EOF while parsing a list at line 1 column 28): [{"Name":"a","Values":["b"]}"#,
    ),
    (
        r#"ec2 describe-instances --filters '[{"Name":"a","Values":"b"}]'"#,
        Invalid,
        r#"--filters[0].Values: expected a list, got "b""#,
    ),
    (
        r#"ec2 describe-instances --filters '[{"Nam":"a","Values":["b"]}]'"#,
        Unknown,
        "--filters[0]: unknown key 'Nam' (did you mean 'Name'?); valid keys: Name, Values",
    ),
    ("ec2 describe-instances --filters '[1,2]'", Invalid, "--filters[0]: expected a structure, got 1"),
    (
        r#"dynamodb get-item --table-name t --key '{"id":{"S":"1"}'"#,
        Syntax,
        r#"--key: invalid JSON (EOF while parsing an object at line 1 column 15): {"id":{"S":"1"}"#,
    ),
    (
        r#"lambda get-function --cli-input-json '{"FunctionName":'"#,
        Syntax,
        "--cli-input-json: invalid JSON (EOF while parsing a value at line 1 column 16)",
    ),
    (
        "lambda get-function --cli-input-json '[1]'",
        Invalid,
        "--cli-input-json must be a JSON object of the operation's parameters",
    ),
    (
        r#"lambda get-function --cli-input-json '{"FunctionNam":"x"}'"#,
        Unknown,
        "--cli-input-json: unknown parameter 'FunctionNam' (did you mean 'FunctionName'?)",
    ),
    (
        r#"lambda get-function --cli-input-json '{"FunctionName":5}'"#,
        Invalid,
        "--cli-input-json FunctionName: expected text, got 5",
    ),
    // ── Quotes ──────────────────────────────────────────────────────────────────────────────
    ("lambda get-function --function-name 'x", Syntax, "a single quote (') is not closed"),
    ("lambda get-function --function-name x'", Syntax, "a single quote (') is not closed"),
    ("lambda get-function --function-name \u{2018}x", Syntax, "a single quote (') is not closed"),
    ("lambda get-function --function-name \"x", Syntax, "a double quote (\") is not closed"),
    (r#"lambda get-function --function-name "x\""#, Syntax, "a double quote (\") is not closed"),
    // ── Shorthand ───────────────────────────────────────────────────────────────────────────
    (
        "ec2 describe-instances --filters Name=a,,",
        Syntax,
        "--filters: expected '=' but found the end of the value at position 9:\nName=a,,\n        ^",
    ),
    (
        "ec2 describe-instances --filters Name=a,Values=b,",
        Syntax,
        "--filters: expected a value but found the end of the value at position 17:\nName=a,Values=b,\n                ^",
    ),
    (
        "ec2 describe-instances --filters Name",
        Syntax,
        "--filters: expected '=' but found the end of the value at position 5:\nName\n    ^",
    ),
    (
        "ec2 describe-instances --filters Name=a,Values=[b",
        Syntax,
        "--filters: expected ',' but found the end of the value at position 17:\nName=a,Values=[b\n                ^",
    ),
    (
        "ec2 describe-instances --filters Name=a,Values={b}",
        Syntax,
        "--filters: expected '=' but found '}' at position 17:\nName=a,Values={b}\n                ^",
    ),
    (
        "ec2 describe-instances --filters Nme=a",
        Unknown,
        "--filters[0]: unknown key 'Nme' (did you mean 'Name'?); valid keys: Name, Values",
    ),
    (
        "ec2 describe-instances --filters Name=a,Values=b,Foo=c",
        Unknown,
        "--filters[0]: unknown key 'Foo'; valid keys: Name, Values",
    ),
    (
        "ec2 describe-instances --filters Name=a,Name=b",
        Syntax,
        r#"--filters: the key "Name" is given twice; if these are separate list items, separate them with a space instead of ",""#,
    ),
    (
        "lambda update-function-configuration --function-name f --environment Variables={A=[1,2]}",
        Invalid,
        "--environment.Variables.A: expected a single value, got a list",
    ),
    (
        "lambda update-function-configuration --function-name f --environment Vars={A=1}",
        Unknown,
        "--environment: unknown key 'Vars'; valid keys: Variables",
    ),
    // ── Unions and required nested keys ─────────────────────────────────────────────────────
    (
        r#"cloudwatch put-metric-alarm --alarm-name a --evaluation-window '{"WallClockWindow":{},"SlidingWindow":{}}'"#,
        Invalid,
        "--evaluation-window: set exactly one of WallClockWindow, SlidingWindow, not WallClockWindow and SlidingWindow",
    ),
    (
        r#"bedrock-runtime count-tokens --model-id m --input '{"invokeModel":{"body":"e30="},"converse":{}}'"#,
        Invalid,
        "--input: set exactly one of invokeModel, converse, not invokeModel and converse",
    ),
    (
        "cloudwatch put-metric-data --namespace n --metric-data Value=1",
        Invalid,
        "--metric-data[0]: missing required key MetricName",
    ),
    (
        "dynamodb create-table --table-name t --attribute-definitions AttributeName=a,AttributeType=S --key-schema AttributeName=a --billing-mode PAY_PER_REQUEST",
        Invalid,
        "--key-schema[0]: missing required key KeyType",
    ),
    // ── Options given twice, or without their value ─────────────────────────────────────────
    ("lambda get-function --function-name a --function-name b", Invalid, "--function-name is given more than once"),
    ("lambda get-function --function-name a --function-name=b", Invalid, "--function-name is given more than once"),
    ("lambda get-function --function-name a -function-name b", Invalid, "--function-name is given more than once"),
    ("lambda list-functions --region us-east-1 --region eu-west-1", Invalid, "--region is given more than once"),
    ("lambda get-function --function-name", Invalid, "--function-name needs a value"),
    ("lambda get-function --function-name --qualifier 1", Invalid, "--function-name needs a value"),
    ("lambda get-function --function-name f --qualifier", Invalid, "--qualifier needs a value"),
    ("sqs send-message --queue-url q --message-body", Invalid, "--message-body needs a value"),
    ("ec2 describe-instances --instance-ids", Invalid, "--instance-ids needs at least one value"),
    ("ec2 describe-instances --instance-ids --dry-run", Invalid, "--instance-ids needs at least one value"),
    ("lambda list-functions --output", Invalid, "--output needs a value"),
    ("lambda list-functions --query", Invalid, "--query needs a value"),
    // ── Values without an option ────────────────────────────────────────────────────────────
    (
        "lambda get-function a b",
        Syntax,
        "unexpected value 'a': values follow their option, as in `--name value`; `lambda get-function --help` lists the options",
    ),
    (
        "lambda list-functions extra",
        Syntax,
        "unexpected value 'extra': values follow their option, as in `--name value`; `lambda list-functions --help` lists the options",
    ),
    (
        "lambda get-function --function-name f extra",
        Syntax,
        "unexpected value 'extra': values follow their option, as in `--name value`; `lambda get-function --help` lists the options",
    ),
    (
        "ec2 describe-instances i-123",
        Syntax,
        "unexpected value 'i-123': values follow their option, as in `--name value`; `ec2 describe-instances --help` lists the options",
    ),
    (
        // The AWS CLI's outfile argument: there is no local file to write.
        "lambda invoke --function-name f out.json",
        Syntax,
        "unexpected value 'out.json': values follow their option, as in `--name value`; `lambda invoke --help` lists the options",
    ),
    (
        "invoke f g",
        Syntax,
        "unexpected value 'f': values follow their option, as in `--name value`; `lambda invoke --help` lists the options",
    ),
    // ── Nothing to run ──────────────────────────────────────────────────────────────────────
    ("", Syntax, "there is no command to run; type one such as `lambda list-functions`, or `help`"),
    ("   ", Syntax, "there is no command to run; type one such as `lambda list-functions`, or `help`"),
    ("aws", Syntax, "there is no command to run; type one such as `lambda list-functions`, or `help`"),
    ("``", Syntax, "there is no command to run; type one such as `lambda list-functions`, or `help`"),
    // ── --output and --region ───────────────────────────────────────────────────────────────
    (
        "lambda list-functions --output jsn",
        Invalid,
        "--output: 'jsn' is not an output format (did you mean 'json'?); use one of json, text, table, yaml, yaml-stream, off",
    ),
    (
        "lambda list-functions --output xml",
        Invalid,
        "--output: 'xml' is not an output format; use one of json, text, table, yaml, yaml-stream, off",
    ),
    (
        "lambda list-functions --region 'us east 1'",
        Invalid,
        "--region: 'us east 1' is not a region name (such as us-east-1)",
    ),
    ("lambda list-functions --region=", Invalid, "--region: '' is not a region name (such as us-east-1)"),
    (
        "lambda list-functions --region US-EAST-1",
        Invalid,
        "--region: 'US-EAST-1' is not a region name (such as us-east-1)",
    ),
    // Global options before the service or between service and operation.
    (
        "--profile prod lambda list-functions",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "--endpoint-url=http://x lambda list-functions",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "--debug lambda list-functions",
        Refused,
        "--debug is not allowed in chat: debug output can contain credentials and request signatures",
    ),
    (
        "lambda --profile prod list-functions",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda --endpoint-url http://x list-functions",
        Refused,
        "--endpoint-url is not allowed in chat: the endpoint is set by the operator in the configuration, never from chat",
    ),
    (
        "--function-name x lambda get-function",
        Syntax,
        "--function-name cannot come before the service; options follow the operation, as in `lambda get-function --function-name my-fn`",
    ),
    // Dash look-alikes typed on phones.
    (
        "lambda list-functions \u{2014}-profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "lambda list-functions \u{2010}\u{2010}profile prod",
        Refused,
        "--profile is not allowed in chat: credentials come from the channel's account and role, never from a local profile",
    ),
    (
        "s3 presign s3://x/k",
        Refused,
        "`s3 presign` is not available in chat: a presigned URL hands out access to an object to whoever holds it",
    ),
    (
        "history list",
        Refused,
        "`history` shows the AWS CLI's local command history and does not exist in chat",
    ),
    (
        "kinesis create-stream --stream-name s --shard-count 99999999999999999999",
        Invalid,
        "--shard-count: 99999999999999999999 is too large for a whole number",
    ),
    ("lambda get-function --function-name=", Invalid, "--function-name is empty; give a value"),
    ("lambda get-function --function-name ''", Invalid, "--function-name is empty; give a value"),
    (
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=abc",
        Invalid,
        "--metric-data[0].Value: expected a number, got 'abc'",
    ),
    (
        "ec2 describe-instances --filters 'Name=\"a'",
        Syntax,
        "--filters: the quote (\") opened at position 6 is not closed",
    ),
    (
        "ec2 describe-instances --filters =a",
        Syntax,
        "--filters: a key name is missing before '=' at position 1",
    ),
    (
        "s3api put-public-access-block --bucket b --public-access-block-configuration BlockPublicAcls=true,BlockPublicAcls=false",
        Syntax,
        "--public-access-block-configuration: the key \"BlockPublicAcls\" is given twice; if these are separate list items, separate them with a space instead of \",\"",
    ),
    (
        "ec2 describe-instances --filters '{Name=a,Values=b}'",
        Syntax,
        "--filters: invalid JSON (key must be a string at line 1 column 2); for shorthand drop the braces (Key=value,...), for JSON quote the keys and text values: {Name=a,Values=b}",
    ),
    (
        "lambda get-function --=x",
        Syntax,
        "'--=x' is not an option: options are written --name value; `lambda get-function --help` lists them",
    ),
    (
        "lambda get-function --",
        Syntax,
        "'--' is not an option: options are written --name value; `lambda get-function --help` lists them",
    ),
    (
        "lambda list-functions --generate-cli-skeleton foo",
        Syntax,
        "unexpected value 'foo': values follow their option, as in `--name value`; `lambda list-functions --help` lists the options",
    ),
    ("lambda list-functions --color maybe", Invalid, "--color: 'maybe' is not one of on, off, auto"),
    (
        "lambda list-functions --cli-binary-format nope",
        Invalid,
        "--cli-binary-format: 'nope' is not one of base64, raw-in-base64-out",
    ),
    // The AWS CLI's paging options replace an operation's own MaxItems member.
    ("lambda list-functions --max-items abc", Invalid, "--max-items: expected a positive whole number, got 'abc'"),
    ("iam list-users --max-items many", Invalid, "--max-items: expected a positive whole number, got 'many'"),
    (
        "lambda list-functions --region us-east-1x",
        Invalid,
        "--region: 'us-east-1x' is not a region name (such as us-east-1)",
    ),
    (
        "lambda list-functions --function-version \u{1b}[31mALL",
        Syntax,
        "the command contains an invisible control character (U+001B); retype it without that character",
    ),
    // ── The AWS CLI's own options, misused ─────────────────────────────────────────────────
    (
        "emr list-clusters --active --failed",
        Invalid,
        "--active and --failed cannot be combined: give one of them (or --cluster-states)",
    ),
    (
        "emr list-clusters --cluster-states RUNNING --terminated",
        Invalid,
        "--cluster-states cannot be combined with --terminated; give one or the other",
    ),
    (
        "emr list-clusters --active=yes",
        Invalid,
        "--active takes no value",
    ),
    (
        "ses send-email --from a@example.com --destination ToAddresses=b@example.com --to c@example.com --subject s --text t",
        Invalid,
        "--destination cannot be combined with --to; give one or the other",
    ),
    (
        "ses send-email --from a@example.com --to b@example.com --message Subject={Data=s},Body={Text={Data=t}} --text t",
        Invalid,
        "--message cannot be combined with --text; give one or the other",
    ),
    (
        "ec2 run-instances --image-id ami-1 --network-interfaces DeviceIndex=0,SubnetId=subnet-1 --associate-public-ip-address",
        Invalid,
        "--network-interfaces cannot be combined with --associate-public-ip-address; give one or the other",
    ),
    (
        "ec2 run-instances --image-id ami-1 --secondary-private-ip-address-count two",
        Invalid,
        "--secondary-private-ip-address-count: expected a whole number, got 'two'",
    ),
    (
        "deploy create-deployment --application-name a --s3-location bucket=b,key=k",
        Invalid,
        "--s3-location must give bucket, key, bundleType; missing bundleType",
    ),
    (
        "deploy create-deployment --application-name a --s3-location bucket=b,key=k,bundleType=zip --github-location repository=r,commitId=c",
        Invalid,
        "--s3-location and --github-location cannot be combined: give one of them (or --revision)",
    ),
    (
        "rds modify-option-group --option-group-name og",
        Unknown,
        "'modify-option-group' is not an AWS CLI command: the AWS CLI offers modify-option-group as two commands: `rds add-option-to-option-group --option-group-name … --options …` and `rds remove-option-from-option-group --option-group-name … --options …`",
    ),
    (
        "rds add-option-to-option-group --option-group-name og --options-to-remove X",
        Unknown,
        "unknown option --options-to-remove for rds add-option-to-option-group (did you mean '--options' or '--option-group-name'?); `rds add-option-to-option-group --help` lists its options",
    ),

];

#[test]
fn malformed_lines_give_exact_messages() {
    let cat = catalog();
    let mut rows: Vec<(String, ErrorKind, String)> = CASES
        .iter()
        .map(|(l, k, m)| (l.to_string(), k.clone(), m.to_string()))
        .collect();
    // A line over 64 KiB (a hostile or accidental paste).
    let head = "lambda get-function --function-name ";
    let long = format!("{head}{}", "a".repeat(64 * 1024 + 1 - head.len()));
    assert_eq!(long.len(), 65537);
    rows.push((
        long,
        Syntax,
        "the command is 65537 bytes long; the limit is 65536 bytes".to_string(),
    ));
    assert!(rows.len() >= 50, "only {} rows", rows.len());

    let mut failures = Vec::new();
    for (line, kind, message) in &rows {
        let shown = if line.len() > 120 {
            format!("{}… ({} bytes)", &line[..80], line.len())
        } else {
            line.clone()
        };
        match parse_line(cat, line) {
            Err(e) if e.kind == *kind && e.message == *message => {}
            Err(e) => failures.push(format!(
                "line:  {shown:?}\n  want: {kind:?}: {message}\n  got:  {:?}: {}",
                e.kind, e.message
            )),
            Ok(p) => failures.push(format!(
                "line:  {shown:?}\n  want: {kind:?}: {message}\n  got:  accepted: {}",
                describe(&p)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} lines differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Global options may come before the service, as in the AWS CLI.
#[test]
fn global_options_before_the_service_are_read() {
    let cat = catalog();
    match parse_line(
        cat,
        "--region eu-west-1 lambda list-functions --output text",
    ) {
        Ok(Parsed::Call(call)) => {
            assert_eq!(call.operation, "ListFunctions");
            assert_eq!(call.globals.region.as_deref(), Some("eu-west-1"));
            assert_eq!(call.globals.output.as_deref(), Some("text"));
        }
        other => panic!("{other:?}"),
    }
}

/// The limit is on the line itself: exactly 64 KiB is tokenized (and then fails for another
/// reason), one byte more is refused before anything else.
#[test]
fn the_length_limit_is_exact() {
    let cat = catalog();
    let head = "lambda get-function --function-name ";
    let at_limit = format!("{head}{}", "a".repeat(64 * 1024 - head.len()));
    let err = parse_line(cat, &at_limit).expect_err("a 65536-character function name is too long");
    assert_eq!(err.kind, Invalid);
    assert!(!err.message.contains("bytes long"), "{}", err.message);
    // Multi-byte characters count in bytes, not characters.
    let wide = format!("{head}{}", "é".repeat(33 * 1024));
    let err = parse_line(cat, &wide).expect_err("over the limit in bytes");
    assert_eq!(
        err.message,
        format!(
            "the command is {} bytes long; the limit is 65536 bytes",
            wide.len()
        )
    );
}

fn describe(p: &Parsed) -> String {
    match p {
        Parsed::Call(c) => format!(
            "{} {} {}",
            c.service,
            c.cli_operation,
            serde_json::Value::Object(c.params.clone())
        ),
        Parsed::Help(_) => "help text".to_string(),
        Parsed::Skeleton(_) => "a skeleton".to_string(),
    }
}

/// `file://` values are refused where the AWS CLI would read them and passed on literally
/// where it would not; either way the file's content never appears.
#[test]
fn file_values_are_never_read() {
    let cat = catalog();
    let dir = std::env::temp_dir().join(format!("chatops-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("secret.json");
    let secret = "SECRET-9f1c2e-must-never-appear";
    std::fs::write(
        &path,
        format!("{{\"FunctionName\": \"{secret}\", \"Payload\": \"{secret}\"}}"),
    )
    .unwrap();
    let p = path.display();

    let refused = [
        format!("lambda invoke --function-name f --payload file://{p}"),
        format!("lambda invoke --function-name f --payload fileb://{p}"),
        format!("lambda get-function --function-name file://{p}"),
        format!("ec2 describe-instances --instance-ids i-1 file://{p}"),
        format!("ec2 describe-instances --filters file://{p}"),
        format!("ec2 describe-instances --filters Name@=file://{p}"),
        format!("lambda get-function --cli-input-json file://{p}"),
        format!("lambda get-function --cli-input-json fileb://{p}"),
    ];
    for line in &refused {
        let err = parse_line(cat, line).expect_err(line);
        assert!(matches!(err.kind, Refused | Syntax), "{line}: {err:?}");
        assert!(
            !err.message.contains(secret),
            "{line}: the file was read: {}",
            err.message
        );
        assert!(
            err.message.contains("never") || err.message.contains("not read"),
            "{line}: {}",
            err.message
        );
    }

    // Nested values are not parameter files in the AWS CLI either: they stay literal text.
    let literal = format!("file://{p}");
    let nested = [
        (
            format!("ec2 describe-instances --filters Name=a,Values={literal}"),
            "Filters",
        ),
        (
            format!("ec2 describe-instances --filters Name=a,Values=[{literal}]"),
            "Filters",
        ),
        (
            format!(
                r#"ec2 describe-instances --filters '[{{"Name":"a","Values":["{literal}"]}}]'"#
            ),
            "Filters",
        ),
        (
            format!(r#"lambda get-function --cli-input-json '{{"FunctionName":"{literal}"}}'"#),
            "FunctionName",
        ),
    ];
    for (line, member) in &nested {
        let Ok(Parsed::Call(call)) = parse_line(cat, line) else {
            panic!("{line}: not a call")
        };
        let json = serde_json::Value::Object(call.params.clone()).to_string();
        assert!(!json.contains(secret), "{line}: the file was read: {json}");
        assert!(
            json.contains(&literal),
            "{line}: the literal value is gone: {json}"
        );
        assert!(call.params.contains_key(*member), "{line}: {json}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Odd input: whatever happens, `parse_line` returns instead of panicking.
#[test]
fn odd_inputs_never_panic() {
    let cat = catalog();
    let odd: &[&str] = &[
        "'", "\"", "\\", "`", "```", "````", "` `", "''", "\"\"", "'\"", "\"'", "\\'", "\\\"", "\\\n",
        "-", "--", "---", "—", "–", "‐", "-—", "—-", "=", "==", "@", "@ ", "<@", "<@>", "<@ >", "<", ">", "<>",
        "&", "&amp", "&amp;", "&#39;", "&#39", "\u{0}", "\u{1b}[31m", "\u{7f}", "\r", "\r\n", "\t", "\u{feff}",
        "\u{200b}", "\u{202e}lambda", "\u{1F600}", "é", "ﬁle://x", "ｌａｍｂｄａ list-functions", "λ λ",
        "lambda\u{0}list-functions", "lambda list-functions\u{0}", "lambda get-function --function-name \u{0}",
        "lambda get-function --function-name '\u{1b}[2J'", "lambda get-function --function-name 😀",
        "lambda get-function \u{2014}", "lambda get-function \u{2014}\u{2014}", "lambda get-function -\u{2014}",
        "lambda get-function --\u{2014}", "lambda get-function --function-name=\u{2014}",
        "lambda \u{2014}help", "lambda get-function —help", "help —", "--help", "-h", "aws aws",
        "lambda get-function --function-name \\", "lambda get-function --function-name \"\\",
        "lambda get-function --function-name '\\'", "lambda get-function --function-name 'a'\"b\"'c",
        "ec2 describe-instances --filters 'Name=😀,,'", "ec2 describe-instances --filters 'Name=\"é'",
        "ec2 describe-instances --filters 'Name=é,Values=[ü,\u{0}'", "ec2 describe-instances --filters '\u{0}=\u{0}'",
        "ec2 describe-instances --filters ',,,,'", "ec2 describe-instances --filters '[[[[['",
        "ec2 describe-instances --filters '{{{{{'", "ec2 describe-instances --filters 'Name=a,Values={'",
        "ec2 describe-instances --filters 'Name=a,Values=[{}]'", "ec2 describe-instances --filters 'Name=\\\\'",
        "ec2 describe-instances --filters \"Name='\"", "ec2 describe-instances --filters Name=a\\,",
        "ec2 describe-instances --filters '[null]'", "ec2 describe-instances --filters '[{\"Name\":null}]'",
        "ec2 describe-instances --filters '[{\"Values\":[null, 1, true, {}]}]'",
        "ec2 describe-instances --max-items 1e999", "ec2 describe-instances --max-items -0",
        "ec2 describe-instances --max-items 9223372036854775808", "ec2 describe-instances --max-items ' 5 '",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=NaN",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=inf",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=1e999",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=1,Timestamp=1e300",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=1,Timestamp=-1e300",
        "cloudwatch put-metric-data --namespace n --metric-data MetricName=m,Value=1,Timestamp=9999999999999999999",
        "cloudwatch put-metric-data --namespace n --metric-data '[{\"MetricName\":\"m\",\"Timestamp\":1e308}]'",
        "cloudwatch put-metric-data --namespace n --metric-data '[{\"MetricName\":\"m\",\"Timestamp\":-9e18}]'",
        "cloudwatch put-metric-data --namespace n --metric-data '[{\"MetricName\":\"m\",\"Value\":18446744073709551615}]'",
        "logs get-log-events --log-group-name g --log-stream-name s --limit 18446744073709551616",
        "lambda get-function --cli-input-json '{}' --cli-input-json '{}'", "lambda get-function --cli-input-json ''",
        "lambda get-function --cli-input-json 'null'", "lambda get-function --cli-input-json '\u{0}'",
        "sts get-caller-identity --cli-input-json '{\"x\":1}'", "sts get-caller-identity --generate-cli-skeleton output",
        "lambda list-functions --generate-cli-skeleton=", "lambda list-functions --output=", "lambda list-functions --query ''",
        "invoke", "invoke ''", "invoke \u{0}", "s3 \u{0}", "configure \u{0}",
    ];
    for line in odd {
        let _ = parse_line(cat, line);
    }

    // Deep nesting in JSON and shorthand is refused rather than overflowing the stack.
    for depth in [10, 100, 1000, 10_000] {
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let _ = parse_line(cat, &format!("ec2 describe-instances --filters '{json}'"));
        let sh = format!("Name={}{}", "[".repeat(depth), "]".repeat(depth));
        let _ = parse_line(cat, &format!("ec2 describe-instances --filters '{sh}'"));
        let hash = format!("Name={}", "{a=".repeat(depth));
        let _ = parse_line(cat, &format!("ec2 describe-instances --filters '{hash}'"));
        let obj = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let _ = parse_line(
            cat,
            &format!("lambda get-function --cli-input-json '{obj}'"),
        );
    }
}

/// Every prefix of some tricky lines (cut at each character), and a deterministic mix of
/// fragments: an incomplete or odd line must give an answer, never a panic.
#[test]
fn prefixes_and_mixes_never_panic() {
    let cat = catalog();
    let lines = [
        r#"@aws `lambda invoke —function-name "my fn" --payload '{"a": [1, {"b": "c"}]}' --region eu-west-1`"#,
        r#"ec2 describe-instances --filters Name=tag:Name,Values="a,b",'c d' Name=x,Values=[1,2] --max-items 5"#,
        r#"dynamodb put-item --table-name t --item 'id={S=1},n={N="2"},l={L=[{S=a},{BOOL=true}]}'"#,
        "lambda update-function-configuration --function-name f --environment \"Variables={A=1,B='x y'}\" \\\n --timeout 30",
        "```bash\naws cloudwatch describe-alarms \u{2013}state-value ALARM &amp;&amp; <https://x|y>\n```",
    ];
    for line in lines {
        let cuts: Vec<usize> = line
            .char_indices()
            .map(|(i, _)| i)
            .chain([line.len()])
            .collect();
        for &end in &cuts {
            let _ = parse_line(cat, &line[..end]);
            let _ = tokenize(&line[..end]);
        }
    }

    let fragments = [
        "lambda",
        "get-function",
        "list-functions",
        "ec2",
        "describe-instances",
        "s3",
        "s3api",
        "aws",
        "@aws",
        "--function-name",
        "--filters",
        "--max-items",
        "--page-size",
        "--region",
        "--output",
        "--profile",
        "--cli-input-json",
        "--generate-cli-skeleton",
        "--dry-run",
        "--no-dry-run",
        "--instance-ids",
        "--help",
        "x",
        "5",
        "-1",
        "true",
        "Name=a",
        "Values=[b",
        "{",
        "}",
        "[",
        "]",
        "'",
        "\"",
        "\\",
        "=",
        ",",
        "`",
        "—",
        "–",
        "&amp;",
        "<@U1>",
        "<https://x|y>",
        "file://x",
        "k@=file://y",
        "é",
        "😀",
        "\u{0}",
        "\n",
        "\t",
    ];
    // A small linear congruential generator: the same lines on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..3000 {
        let heads = [
            "",
            "lambda get-function ",
            "ec2 describe-instances ",
            "lambda list-functions ",
            "invoke ",
        ];
        let n = 1 + next() % 8;
        let mut line = heads[next() % heads.len()].to_string();
        for _ in 0..n {
            line.push_str(fragments[next() % fragments.len()]);
            if next() % 3 != 0 {
                line.push(' ');
            }
        }
        let _ = parse_line(cat, &line);
    }
}
