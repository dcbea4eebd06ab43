#!/usr/bin/env bash
# Builds the Microsoft Teams app package (manifest.json, color.png, outline.png, zipped) to
# upload in Teams: `chatops teams package`, building the release binary first when it is out
# of date (cargo decides; set CHATOPS_BIN to use a binary you already have).
#
#   scripts/teams-package.sh --app-id GUID --domain chatops.example.com [--name aws] \
#       [--out aws-chatops-teams.zip] [--app-version 1.0.1] [--website-url https://…]
#
# --app-id defaults to $TEAMS_APP_ID. `chatops teams package --help` lists every option.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aws-chatops-target}"

bin="${CHATOPS_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release --bin chatops >&2)
  bin="$CARGO_TARGET_DIR/release/chatops"
fi

args=("$@")
has_app_id=false
for a in "$@"; do
  case "$a" in --app-id|--app-id=*) has_app_id=true ;; esac
done
if ! $has_app_id && [ -n "${TEAMS_APP_ID:-}" ]; then
  args=(--app-id "$TEAMS_APP_ID" "${args[@]}")
fi
exec "$bin" teams package "${args[@]}"
