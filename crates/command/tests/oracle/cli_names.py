"""Reference oracle: every service and operation name as the installed AWS CLI spells them.

Prints one JSON object: {cli service name: {"model": botocore service name, "ops": {cli op:
{"api": API op, "args": {option: member or null}}}}} for the commands that map to a service
model (high-level customizations are left out). An option maps to null when the CLI defines it
itself rather than from a model member (paging, --cli-input-json, customizations).
"""
import json
import os

os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

from awscli.arguments import CLIArgument  # noqa: E402
from awscli.clidriver import ServiceCommand, ServiceOperation, create_clidriver  # noqa: E402

driver = create_clidriver()
out = {}
for name, cmd in driver._get_command_table().items():
    if not isinstance(cmd, ServiceCommand):
        continue
    ops = {}
    for op_name, op in cmd._get_command_table().items():
        if isinstance(op, ServiceOperation) and getattr(op, "_operation_model", None) is not None:
            args = {}
            for arg_name, arg in op.arg_table.items():
                member = getattr(arg, "_serialized_name", None) if isinstance(arg, CLIArgument) else None
                args[arg_name] = member
            ops[op_name] = {"api": op._operation_model.name, "args": args}
    out[name] = {"model": cmd._service_name if hasattr(cmd, "_service_name") else name, "ops": ops}
print(json.dumps(out))
