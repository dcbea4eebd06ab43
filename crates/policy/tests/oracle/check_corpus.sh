#!/usr/bin/env bash
# Run every conformance case through the iam-simulate oracle and print the cases
# where the oracle's decision differs from "expected".
# Cases marked "oracle_differs": true are known, explained deviations of
# iam-simulate from documented AWS behaviour: they are counted, not printed
# (unless the oracle starts agreeing). Any other disagreement => exit status 1.
# Usage: check_corpus.sh [conformance-dir]. Needs node >= 18 and python3;
# runs `npm ci` here on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="${1:-$here/../conformance}"
if [ ! -d "$here/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
fi
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
status=0
for f in "$corpus"/*.jsonl; do
  node "$here/simulate.mjs" < "$f" > "$tmp"
  python3 - "$f" "$tmp" <<'PY' || status=1
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
outs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
assert len(cases) == len(outs), (len(cases), len(outs))
fname = sys.argv[1].rsplit("/", 1)[-1]
bad = known = 0
for c, o in zip(cases, outs):
    got, exp, name = o["decision"], c["expected"], c["name"]
    if c.get("oracle_differs"):
        if got == exp:
            print("%s: %s: marked oracle_differs but the oracle now agrees (%s)" % (fname, name, got))
        else:
            known += 1
        continue
    if got == exp:
        continue
    bad += 1
    extra = (" " + o.get("error", "")) if got == "error" else ""
    if o.get("ignored_context_keys"):
        extra += " (ignored context keys: %s)" % o["ignored_context_keys"]
    print("DISAGREE %s: %s: expected %s, oracle %s%s" % (fname, name, exp, got, extra))
print("%s: %d cases, %d disagreements, %d known oracle deviations" % (fname, len(cases), bad, known))
sys.exit(1 if bad else 0)
PY
done
exit $status
