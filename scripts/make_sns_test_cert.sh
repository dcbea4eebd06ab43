#!/usr/bin/env bash
# Makes the TEST-ONLY signing material of crates/sns/testdata (run once; the output is committed):
#   sns-test-key.pem    RSA 2048 private key (PKCS#8) that sns::testing signs with
#   sns-test-cert.pem   a self-signed certificate for that key (v3, with extensions)
#   other-cert.pem      a certificate for another RSA key (its key is thrown away): "wrong key" tests
#   ec-cert.pem         a certificate with an EC P-256 key: "not RSA" tests
#   small-rsa-cert.pem  a certificate with an RSA 1024 key: "key too small" tests
#   openssl-signed-v1.json, openssl-signed-v2.json
#                       notifications signed by openssl over a string to sign built here with
#                       printf: a check of the Rust side against an independent signer
# Keys and certificates are made only when sns-test-key.pem is absent (delete it to start
# over); the openssl-signed fixtures are made every time.
# These keys are published in this repository: they prove nothing and must never be trusted
# in production (CHATOPS_SNS_TRUSTED_CERT must never point at them outside tests).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/crates/sns/testdata"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
subj() { echo "/C=US/O=aws-chatops tests/CN=$1 (TEST KEY, NEVER TRUST)"; }

if [ ! -e "$out/sns-test-key.pem" ]; then
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/sns-test-key.pem"
openssl req -new -x509 -key "$out/sns-test-key.pem" -sha256 -days 36500 \
  -subj "$(subj sns.us-east-1.amazonaws.com)" -out "$out/sns-test-cert.pem"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/other.pem"
openssl req -new -x509 -key "$tmp/other.pem" -sha256 -days 36500 \
  -subj "$(subj other)" -out "$out/other-cert.pem"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.pem"
openssl req -new -x509 -key "$tmp/ec.pem" -sha256 -days 36500 \
  -subj "$(subj ec)" -out "$out/ec-cert.pem"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$tmp/small.pem"
openssl req -new -x509 -key "$tmp/small.pem" -sha256 -days 36500 \
  -subj "$(subj small)" -out "$out/small-rsa-cert.pem"
fi

# Notifications signed by openssl (SignatureVersion 1 = SHA-1, 2 = SHA-256).
topic="arn:aws:sns:us-east-1:111122223333:chatops"
message='{"AlarmName":"orders-api-errors","NewStateValue":"ALARM"}
second line, é ünïcode'
subject='ALARM: "orders-api-errors" in US East (N. Virginia)'
ts="2026-03-01T10:05:34.912Z"
for v in 1 2; do
  id="6a0d7c3e-0b1f-4c55-9a4e-00000000000$v"
  printf 'Message\n%s\nMessageId\n%s\nSubject\n%s\nTimestamp\n%s\nTopicArn\n%s\nType\nNotification\n' \
    "$message" "$id" "$subject" "$ts" "$topic" > "$tmp/sts"
  digest=$([ "$v" = 1 ] && echo -sha1 || echo -sha256)
  sig=$(openssl dgst "$digest" -sign "$out/sns-test-key.pem" "$tmp/sts" | base64 -w0)
  MESSAGE="$message" SUBJECT="$subject" python3 - "$v" "$id" "$ts" "$topic" "$sig" > "$out/openssl-signed-v$v.json" <<'PY'
import json, os, sys
v, mid, ts, topic, sig = sys.argv[1:]
print(json.dumps({
    "Type": "Notification", "MessageId": mid, "TopicArn": topic,
    "Subject": os.environ["SUBJECT"], "Message": os.environ["MESSAGE"], "Timestamp": ts,
    "SignatureVersion": v, "Signature": sig,
    "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem",
    "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topic + ":1",
}, indent=2, ensure_ascii=False))
PY
done
