#!/usr/bin/env bash
# Installs everything the project needs, pinned, and builds the binary. Safe to run repeatedly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aws-chatops-target}"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha
want="$(sha256sum scripts/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --disable-pip-version-check -q -r scripts/requirements.txt
  echo "$want" > "$stamp"
fi
# The policy engine's differential oracle (@cloud-copilot/iam-simulate, pinned by its lock
# file; a test tool only, never linked).
oracle=crates/policy/tests/oracle
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm >&2
fi
want="$(sha256sum "$oracle/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$oracle/node_modules/.lock.sha" 2>/dev/null)" != "$want" ]; then
  (cd "$oracle" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$oracle/node_modules/.lock.sha"
fi
# The Teams surface's card validator: Microsoft's Adaptive Cards parser (adaptivecards,
# pinned by its lock file; a test tool only, never linked).
cards=crates/teams/tests/cards
want="$(sha256sum "$cards/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$cards/node_modules/.lock.sha" 2>/dev/null)" != "$want" ]; then
  (cd "$cards" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$cards/node_modules/.lock.sha"
fi
# Microsoft's Teams app manifest schema and validator (@microsoft/app-manifest, pinned by its
# lock file; a test tool only), for crates/teams/tests/package.rs.
schema=crates/teams/tests/manifest-schema
want="$(sha256sum "$schema/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$schema/node_modules/.lock.sha" 2>/dev/null)" != "$want" ]; then
  (cd "$schema" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$schema/node_modules/.lock.sha"
fi
# The web chat's browser tests: Debian's Chromium (Playwright never downloads a browser here)
# and playwright-core, pinned by its lock file.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium >&2
fi
# The chat's messages use emoji (🚫 ⚠️ ▶️); without a colour emoji font the screenshots show
# empty boxes.
if [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  apt-get update -qq && apt-get install -y -qq fonts-noto-color-emoji >&2
fi
browser=crates/webchat/tests/browser
want="$(sha256sum "$browser/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$browser/node_modules/.lock.sha" 2>/dev/null)" != "$want" ]; then
  (cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$browser/node_modules/.lock.sha"
fi
cargo build --release --bin chatops >&2
