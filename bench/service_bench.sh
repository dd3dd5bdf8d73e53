#!/usr/bin/env bash
# Benchmarks of `mynacert serve` (issues 6 and 14), each side by side with its baseline in one run:
#   0. /api/health and GET /ocsp p99 latency while 64 connections flood POST /api/staff/login,
#      vs. the same server idle — with the per-address login limit off (only the bounded
#      scrypt pool protects the service) and with the defaults (the limit answers 429 first);
#   1. GET /api/explain (the rules over HTTP: parse, assess, explain in Japanese and English,
#      JSON) vs. GET /api/health on the same server (the HTTP floor: same server, no rules) and
#      vs. nginx serving the same explain JSON as a static file;
#   2. POST /api/bookings (a SQLite transaction per request: slot row, conditional UPDATE,
#      insert) vs. GET /api/slots on the same counter (a read on a pooled connection);
#   3. the notice batch over 1 000 000 synthetic holders (notices_test's scale test:
#      selection, and the run with --no-pdf) — see docs/notices.md.
#
# usage: bench/service_bench.sh [--quick]   (--quick: 2 s runs, no 1 M batch — a smoke test)
# Needs: scripts/build.sh (release); wrk and nginx (scripts/install-deps.sh --bench).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
B=./build
M=$B/mynacert
for tool in wrk curl jq; do command -v "$tool" >/dev/null || { echo "service_bench: needs $tool" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "service_bench: needs nginx" >&2; exit 2; }
work=$(mktemp -d /tmp/mynacert-svc-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
secs=10
[ $quick = 1 ] && secs=2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rps() { awk '/Requests\/sec/ { print $2 }'; }
lat() { awk '/Latency/ { print $2 }'; }

export MYNACERT_CA_PASSPHRASE="bench CA passphrase" MYNACERT_ISSUER_KEY="bench issuer key" \
  MYNACERT_CARD_SECRET="bench card secret"
# The per-address limits off on this server: wrk comes from one address and measures the paths
# themselves (section 0 also runs a server with the defaults).
$M serve --home "$work/home" --port 0 --port-file "$work/port" --threads "$(nproc)" \
  --limit-login off --limit-booking off --limit-lookup off --limit-cancel off >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
base="http://127.0.0.1:$port"
curl -fsS "$base/api/health" >/dev/null

echo "# mynacert service benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, serve --threads $(nproc)"
echo

# 0. A login flood ----------------------------------------------------------------------------
# p99 in ms from wrk --latency ("99%  1.23ms").
p99() { awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
  f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }'; }
cat >"$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name":"nobody","password":"a guess that is wrong"}'
LUA
# An OCSP request for serial 1 of the auth CA, as a GET (RFC 6960 A.1).
curl -fsS "$base/ca/auth.crt" -o "$work/auth.crt"
openssl ocsp -issuer <(openssl x509 -inform DER -in "$work/auth.crt") -serial 1 -no_nonce -reqout "$work/req.der" >/dev/null 2>&1
ocsp_q="/ocsp/$(base64 -w0 "$work/req.der" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')"
curl -fsS "$base$ocsp_q" -o /dev/null
flood_secs=$((secs + 4))
probe() {  # $1 base URL → "health_p99 ocsp_p99"
  local h o
  h=$(wrk -t1 -c4 -d"$((secs / 2))s" --latency "$1/api/health" | p99)
  o=$(wrk -t1 -c4 -d"$((secs / 2))s" --latency "$1$ocsp_q" | p99)
  echo "$h $o"
}
flood_row() {  # $1 label, $2 base URL
  read -r idle_h idle_o < <(probe "$2")
  wrk -t1 -c64 -d"${flood_secs}s" -s "$work/login.lua" "$2/api/staff/login" >"$work/flood.out" 2>&1 &
  local wp=$!
  sleep 1
  read -r busy_h busy_o < <(probe "$2")
  wait "$wp" || true
  local logins; logins=$(rps <"$work/flood.out")
  printf "| %s | %s | %s | **%s×** | %s | %s | **%s×** | %.0f |\n" "$1" "$idle_h" "$busy_h" "$(ratio "$busy_h" "$idle_h")" \
    "$idle_o" "$busy_o" "$(ratio "$busy_o" "$idle_o")" "$logins"
}
$M serve --home "$work/home2" --port 0 --port-file "$work/port2" --threads "$(nproc)" >"$work/serve2.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -s "$work/port2" ] && break; sleep 0.1; done
base2="http://127.0.0.1:$(cat "$work/port2")"
curl -fsS "$base2$ocsp_q" -o /dev/null || true
echo "## 0. p99 latency while 64 connections flood POST /api/staff/login (wrk -c64), vs. idle"
echo
echo "| server | health p99 idle (ms) | flooded | ratio | GET /ocsp p99 idle (ms) | flooded | ratio | login answers/s |"
echo "|---|---|---|---|---|---|---|---|"
flood_row "login limit off: only the bounded scrypt pool" "$base"
flood_row "defaults (10 logins, then 10/min per address)" "$base2"
echo

# 1. The rules over HTTP ----------------------------------------------------------------------
q="/api/explain?municipality=yamagata&birth=1980-07-07&card_issued=2021-07-07&today=2026-05-01"
mkdir -p "$work/www"
curl -fsS "$base$q" >"$work/www/explain.json"
nginx_port=$((20000 + RANDOM % 20000))
cat >"$work/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location / { default_type application/json; }
  }
}
NGINX
"$NGINX" -c "$work/nginx.conf" -p "$work" 2>/dev/null
sleep 0.3
explain_out=$(wrk -t2 -c64 -d"${secs}s" "$base$q")
health_out=$(wrk -t2 -c64 -d"${secs}s" "$base/api/health")
nginx_out=$(wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$nginx_port/explain.json")
explain=$(echo "$explain_out" | rps); health=$(echo "$health_out" | rps); nginx=$(echo "$nginx_out" | rps)
echo "## 1. GET /api/explain (wrk -t2 -c64, ${secs} s each, keep-alive; $(wc -c <"$work/www/explain.json") bytes of JSON)"
echo
echo "| target | requests/s | mean latency | ratio |"
echo "|---|---|---|---|"
printf "| mynacert GET /api/explain (seed example, Yamagata) | %.0f | %s | |\n" "$explain" "$(echo "$explain_out" | lat)"
printf "| mynacert GET /api/health (same server, no rules) | %.0f | %s | explain ÷ health **%s×** |\n" "$health" "$(echo "$health_out" | lat)" "$(ratio "$explain" "$health")"
printf "| nginx, the same JSON as a static file | %.0f | %s | explain ÷ nginx **%s×** |\n" "$nginx" "$(echo "$nginx_out" | lat)" "$(ratio "$explain" "$nginx")"
echo

# 2. Booking ----------------------------------------------------------------------------------
# Kanazawa City Hall (bookable without a 予約ID, 7+ days ahead, R-OFF-3): the requests go round
# the slots of 20 open days, so the first ones are confirmed and the rest find the slot full —
# both paths are a write transaction (BEGIN IMMEDIATE, conditional UPDATE, commit or rollback).
pairs=()
d=$(date -d "+8 days" +%F)
days=()
while [ ${#days[@]} -lt 20 ]; do
  starts=$(curl -fsS "$base/api/slots?counter=kanazawa-cityhall&date=$d" | jq -r '.slots[].start')
  if [ -n "$starts" ]; then
    days+=("$d")
    for t in $starts; do pairs+=("{\"$d\",\"$t\"}"); done
  fi
  d=$(date -d "$d +1 day" +%F)
done
echo "return {$(IFS=,; echo "${pairs[*]}")}" >"$work/slots.lua"
export BOOK_SLOTS="$work/slots.lua"
slot_q="/api/slots?counter=kanazawa-cityhall&date=${days[0]}"
book_out=$(wrk -t2 -c16 -d"${secs}s" -s bench/book.lua "$base")
slots_out=$(wrk -t2 -c16 -d"${secs}s" "$base$slot_q")
book=$(echo "$book_out" | rps); slots=$(echo "$slots_out" | rps)
created=$(echo "$book_out" | awk '/^status 201/ { print $3 }'); full=$(echo "$book_out" | awk '/^status 409/ { print $3 }')
other=$(echo "$book_out" | awk '/^status other/ { print $3 }')
echo "## 2. POST /api/bookings (wrk -t2 -c16, ${secs} s each)"
echo
echo "| target | requests/s | mean latency | ratio |"
echo "|---|---|---|---|"
printf "| POST /api/bookings (%s confirmed, %s full, %s other) | %.0f | %s | |\n" "${created:-0}" "${full:-0}" "$other" "$book" "$(echo "$book_out" | lat)"
printf "| GET /api/slots, same counter (read) | %.0f | %s | book ÷ slots **%s×** |\n" "$slots" "$(echo "$slots_out" | lat)" "$(ratio "$book" "$slots")"
# Each confirmed booking is one SQLite commit (WAL, synchronous=FULL: one fsync), so the ratio
# follows the disk: the same run's synchronous 4 kB writes, for context.
dsync=$(dd if=/dev/zero of="$work/dsync" bs=4k count=200 oflag=dsync 2>&1 | awk '/copied/ { print $(NF-3) }')
echo
echo "This disk: 200 synchronous 4 kB writes in ${dsync} s ($(awk -v t="$dsync" 'BEGIN { printf "%.1f", t * 1000 / 200 }') ms each)."
echo
[ "$other" = 0 ] || { echo "service_bench: unexpected statuses" >&2; echo "$book_out" >&2; exit 1; }

# 3. The notice batch over 1 M holders --------------------------------------------------------
if [ $quick = 0 ]; then
  echo "## 3. Notice batch over 1 000 000 synthetic holders (SQLite)"
  echo
  MYNACERT_NOTICES_N=1000000 $B/src/notices/notices_test --gtest_also_run_disabled_tests \
    --gtest_filter='NoticesTest.DISABLED_SelectionOverManyHolders' 2>&1 | grep -E 'holders:' | sed 's/^/    /'
fi
