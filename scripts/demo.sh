#!/usr/bin/env bash
# The product on its embedded defaults: a local AWS emulator (moto) seeded with Lambda
# functions, alarms, a Kinesis stream, log groups, EC2 instances, an SNS topic, queues and
# buckets in two accounts; the built-in web chat on SQLite; a sample configuration with a
# read-only channel, an ops channel (writes behind confirmation) and an on-call channel (user
# roles). Prints the URL and the sign-in token. Ctrl-C stops everything.
#
#   scripts/demo.sh            web chat on 127.0.0.1:8080 (another free port if taken)
#   scripts/demo.sh --shell    the terminal instead (`chatops shell` on the ops channel)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/aws-chatops-target}"
"$root/scripts/setup.sh"

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_free() { .venv/bin/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $1)) == 0)"; }

state="${CHATOPS_DEMO_DIR:-$root/.demo}"
mkdir -p "$state"
moto_port="$(free_port)"
.venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >"$state/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  port_free "$moto_port" || break
  sleep 0.1
done
moto_url="http://127.0.0.1:$moto_port"
.venv/bin/python scripts/seed_demo.py "$moto_url"

# A fresh store each time: moto starts empty too.
rm -f "$state"/chatops.db*
sed -e "s#@MOTO_URL@#$moto_url#g" -e "s#@DB_PATH@#$state/chatops.db#g" \
  examples/demo/chatops.toml.in >"$state/chatops.toml"

# The service's own credentials: moto accepts any.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
bin="$CARGO_TARGET_DIR/release/chatops"

echo "moto (local AWS) at $moto_url; configuration: $state/chatops.toml"
if [ "${1:-}" = "--shell" ]; then
  "$bin" shell --config "$state/chatops.toml" --channel ops --user demo
  exit
fi
web_port="${CHATOPS_PORT:-8080}"
port_free "$web_port" || web_port=0
echo "Try: @aws lambda list-functions · @aws cloudwatch describe-alarms --state-value ALARM ·"
echo "     @aws lambda get-function (then pick a function) · @aws set default-account · @aws help"
"$bin" serve --config "$state/chatops.toml" --addr "127.0.0.1:$web_port" >"$state/serve.out" &
serve_pid=$!
tail -n +1 -f "$state/serve.out" &
tail_pid=$!
trap 'kill "$serve_pid" "$tail_pid" "$moto_pid" 2>/dev/null || true' EXIT INT TERM
# Once it listens: subscribe its POST /sns to the seeded topic (moto delivers at once and
# never asks for confirmation).
sns_url=""
for _ in $(seq 1 300); do
  sns_url="$(sed -n 's#^notifications: POST \(http://[^ ]*\).*#\1#p' "$state/serve.out" 2>/dev/null | head -1)"
  [ -n "$sns_url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || exit 1
  sleep 0.1
done
topic="arn:aws:sns:us-east-1:123456789012:ops-alerts"
aws=(.venv/bin/aws --endpoint-url "$moto_url" --region us-east-1)
"${aws[@]}" sns subscribe --topic-arn "$topic" --protocol http \
  --notification-endpoint "$sns_url" >/dev/null
echo "Notifications: $topic delivers to $sns_url (channels ops and oncall). Make an alarm arrive:"
echo "     AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing ${aws[*]} sns publish \\"
echo "       --topic-arn $topic --message file://examples/demo/notifications/alarm.json"
echo "     (then alarm-ok.json: it lands in the alarm's thread; also guardduty.json, deploy.json)"
wait "$serve_pid"
