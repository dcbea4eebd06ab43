#!/usr/bin/env bash
# Makes the TEST-ONLY signing keys of crates/teams/testdata (run once; the output is committed):
#   identity-key.pem          RSA 2048 (PKCS#8): the key teams::testing::identity serves and signs with
#   identity-rotated-key.pem  RSA 2048 (PKCS#8): the key IdentityDouble::rotate switches to
#   identity-foreign-key.pem  RSA 2048 (PKCS#8): never served; IdentityDouble::mint_foreign signs
#                             with it ("bad signature" tests)
# A key is made only when its file is absent (delete it to start over).
# These keys are published in this repository: they prove nothing and must never be trusted
# outside tests (TEAMS_OPENID_METADATA_URL must never point at the identity double in production).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/crates/teams/testdata"
mkdir -p "$out"
for name in identity-key identity-rotated-key identity-foreign-key; do
  if [ ! -e "$out/$name.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/$name.pem"
  fi
done
