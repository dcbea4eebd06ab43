#!/usr/bin/env bash
# Runs every test: installs what the tests need (pinned Python tools in .venv, Rust tools),
# checks formatting and lints, then the whole suite with cargo-nextest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aws-chatops-target}"
"$root/scripts/setup.sh"
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo nextest run --workspace --no-fail-fast
