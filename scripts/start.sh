#!/usr/bin/env bash
# The README's main command: installs the dependencies, builds, and runs the main job —
# `mynacert explain` on a worked example of the seeds, the procedure for an agent, a counter's
# calendar, and a test certification authority issuing and revoking a certificate.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
m=./build/mynacert
set -x
# Seed 001 (金沢市): a certificate expiring on 7/7 can be renewed free from 4/8.
$m explain --birth 1985-07-07 --card-issued 2021-03-01 --today 2025-04-08 --municipality kanazawa
# Seed 000 (山形市): an agent without the inquiry-and-response form: 文書照会, two visits.
$m procedure --municipality yamagata --procedure renewal --applicant agent_without_form
# Seed 003 (横浜市): a ward counter over two weeks (2nd/4th Saturday mornings open).
$m calendar --municipality yokohama --counter yokohama-naka --from 2026-03-09 --days 14
# A test certification authority (marked not J-LIS) and a virtual My Number Card in a temporary
# folder: the two roots; a key pair generated on the card through the issuer channel; an auth
# certificate for it (validity from the rules engine, R-VAL-1) written onto the card (R-WIN-6);
# the holder's view of the card; a revocation for an address change (R-CERT-5) and the CRL.
ca=$(mktemp -d)
export MYNACERT_DEMO_PASS="demo passphrase, never on argv" DEMO_CARD="demo card secret"
export DEMO_ISSUER="demo issuer master key" DEMO_AUTH=1234 DEMO_SIGN=DEMO2026 DEMO_TEXT=5678 \
  DEMO_JUKI=2468 DEMO_NUMBER=123456789012 DEMO_PINB=85070735205599
$m ca init --dir "$ca/ca" --passphrase env:MYNACERT_DEMO_PASS
card=(--card "$ca/card.json" --secret env:DEMO_CARD)
$m card new "${card[@]}" --issuer-key env:DEMO_ISSUER --auth-pin env:DEMO_AUTH \
  --sign-pin env:DEMO_SIGN --text-pin env:DEMO_TEXT --juki-pin env:DEMO_JUKI \
  --my-number env:DEMO_NUMBER --pin-b env:DEMO_PINB
$m card keygen "${card[@]}" --issuer-key env:DEMO_ISSUER --slot auth --out "$ca/card.pub"
$m ca issue --dir "$ca/ca" --passphrase env:MYNACERT_DEMO_PASS --actor demo --kind auth \
  --public-key "$ca/card.pub" --birth 1985-07-07 --card-expiry 2035-07-07 --out "$ca/auth.pem"
$m card write-cert "${card[@]}" --issuer-key env:DEMO_ISSUER --slot auth --cert "$ca/auth.pem"
$m card show "${card[@]}"
serial=$(openssl x509 -in "$ca/auth.pem" -noout -serial | cut -d= -f2)
$m ca revoke --dir "$ca/ca" --actor demo --kind auth --serial "$serial" --reason affiliationChanged
$m ca crl --dir "$ca/ca" --passphrase env:MYNACERT_DEMO_PASS --kind auth --out "$ca/auth.crl"
openssl crl -inform DER -in "$ca/auth.crl" -noout -text | grep -A1 "Serial Number"
rm -rf "$ca"
