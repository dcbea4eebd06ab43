#!/usr/bin/env bash
# Runs every test: installs what the tests need (pinned Python tools in .venv, Rust tools),
# makes sure PostgreSQL is up with a test database, checks formatting and lints, then the
# whole suite with cargo-nextest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aws-chatops-target}"
"$root/scripts/setup.sh"
if ! command -v cargo-nextest >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi
# PostgreSQL for the store's conformance suite and the multi-replica tests: started if it is
# not running (installed first if missing), waited for (up to 60 s), and a database of the
# tests' own (chatops_test) created if missing. CHATOPS_TEST_POSTGRES already set means the
# caller provides one; it is used as is.
if [ -z "${CHATOPS_TEST_POSTGRES:-}" ]; then
  pg_host=127.0.0.1
  pg_up() { pg_isready -q -h "$pg_host" -p 5432; }
  if ! command -v pg_isready >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq postgresql >&2
  fi
  if ! pg_up; then
    service postgresql start >&2 || true
    if ! pg_up && command -v pg_lsclusters >/dev/null 2>&1; then
      pg_lsclusters -h | while read -r version cluster _; do
        pg_ctlcluster "$version" "$cluster" start >&2 || true
      done
    fi
  fi
  for _ in $(seq 60); do
    pg_up && break
    sleep 1
  done
  if ! pg_up; then
    echo "error: PostgreSQL does not accept connections at $pg_host:5432 after 60 s; the store's PostgreSQL tests and the replica tests need it" >&2
    exit 1
  fi
  pg_db=chatops_test
  if [ "$(psql -X -h "$pg_host" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" != 1 ]; then
    psql -X -q -h "$pg_host" -U postgres -d postgres -c "CREATE DATABASE $pg_db"
  fi
  export CHATOPS_TEST_POSTGRES="postgres://postgres@$pg_host:5432/$pg_db"
fi
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo nextest run --workspace --no-fail-fast
