#!/usr/bin/env bash
# Issue 18: status look-ups per second for a registered verifier (POST /api/verifier/v1/status:
# the API key checked, the certificate parsed and its issuer found, the CA store read, the
# pairwise holder ID computed, JSON out) vs. plain OCSP for the same certificate on the same
# server (POST /ocsp: a pre-signed answer from the responder's cache), side by side in one run,
# both with wrk over keep-alive connections.
#
# usage: bench/verifier_bench.sh [--quick]   (--quick: 2 s runs — a smoke test)
# Needs: scripts/build.sh (release); wrk (scripts/install-deps.sh --bench), curl, jq, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=10
[ "${1:-}" = "--quick" ] && secs=2
M=./build/mynacert
for tool in wrk curl jq openssl xxd; do command -v "$tool" >/dev/null || { echo "verifier_bench: needs $tool" >&2; exit 2; }; done
work=$(mktemp -d /tmp/mynacert-verifier-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export MYNACERT_HOME="$work/home" MYNACERT_CA_PASSPHRASE="bench CA passphrase" \
  MYNACERT_ISSUER_KEY="bench issuer key 0123" MYNACERT_CARD_SECRET="bench card secret"

# One holder with a card (both certificates), one verifier of both kinds.
$M resident add --clerk bench --municipality yamagata --name '山形　花子' \
  --address '山形県山形市旅篭町二丁目3番25号' --birth 1980-07-07 --sex 2 >/dev/null
printf '1234\nABC123\n1234\n1234\n' | $M card issue --clerk bench --resident 1 --date 2026-04-01 --applied 2026-03-01 >/dev/null
card=$(ls "$work/home/cards/"*.card)
$M card export --slot auth --out "$work/auth.der" --card "$card" --secret env:MYNACERT_CARD_SECRET >/dev/null
key=$($M verifier add --name bench --kinds sign,auth --json | jq -r .api_key)

$M serve --port 0 --port-file "$work/port" --threads "$(nproc)" --limit-verifier off >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$work/port")"

# The same certificate both ways.
curl -fsS "$base/ca/auth.crt" -o "$work/ca.der"
openssl x509 -inform DER -in "$work/ca.der" -out "$work/ca.pem"
openssl x509 -inform DER -in "$work/auth.der" -out "$work/auth.pem"
openssl ocsp -issuer "$work/ca.pem" -cert "$work/auth.pem" -no_nonce -reqout "$work/req.der" >/dev/null 2>&1
body="{\"certificate_hex\":\"$(xxd -p "$work/auth.der" | tr -d '\n')\"}"
status=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" "$base/api/verifier/v1/status" | jq -r .state)
[ "$status" = good ] || { echo "verifier_bench: the verifier API said '$status'" >&2; exit 1; }
cat >"$work/status.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '$body'
LUA
cat >"$work/ocsp.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"
local f = io.open("$work/req.der", "rb")
wrk.body = f:read("*all")
f:close()
LUA
curl -fsS -H 'Content-Type: application/ocsp-request' --data-binary @"$work/req.der" "$base/ocsp" -o "$work/resp.der"
openssl ocsp -respin "$work/resp.der" -issuer "$work/ca.pem" -cert "$work/auth.pem" -CAfile "$work/ca.pem" 2>&1 | grep -q ': good' \
  || { echo "verifier_bench: OCSP did not say good" >&2; exit 1; }

rps() { awk '/Requests\/sec/ { print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
run() { wrk -t2 -c16 -d"${secs}s" -s "$1" "$2" | rps; }
echo "# verifier status look-ups vs OCSP — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, serve --threads $(nproc), wrk -t2 -c16 -d${secs}s"
ocsp=$(run "$work/ocsp.lua" "$base/ocsp")
api=$(run "$work/status.lua" "$base/api/verifier/v1/status")
ocsp2=$(run "$work/ocsp.lua" "$base/ocsp")  # again, after: the machine did not drift
echo "POST /ocsp (pre-signed answer)            $ocsp req/s (again after: $ocsp2)"
echo "POST /api/verifier/v1/status (key, JSON)  $api req/s"
echo "ratio verifier API / OCSP: $(ratio "$api" "$(awk -v a="$ocsp" -v b="$ocsp2" 'BEGIN { print (a + b) / 2 }')")"
