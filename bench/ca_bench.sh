#!/usr/bin/env bash
# Issue 3 benchmarks, each measured side by side with its baseline in one run:
#   1. certificates issued per second (from an existing public key) vs. `openssl speed rsa2048`;
#      recorded durably one by one, and by 8 concurrent issuers through the group commit
#      (pki/issuance_committer.h) on SQLite and on PostgreSQL
#   2. CRL generation for 100 000 and 1 000 000 revoked entries vs. `openssl ca -gencrl` on the
#      same index
#   3. OCSP responses per second against `mynacert ca ocsp-serve`: with wrk (POST, keep-alive)
#      vs. nginx serving one pre-signed response as a static file; and vs. `openssl ocsp -index
#      … -port` on the same data with ab (one connection per request, POST). wrk cannot be used
#      against OpenSSL's responder: OpenSSL 3.0's responder never answers wrk's requests (it
#      blocks before logging the request line; curl and ab work), so both responders are
#      measured with ab there, side by side.
#
# usage: bench/ca_bench.sh [--quick]     (--quick: 10 000 CRL entries, 2 s runs — a smoke test)
# Needs: scripts/build.sh (release); wrk, nginx, ab (scripts/install-deps.sh --bench installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
B=./build
M=$B/mynacert
for tool in wrk nginx ab openssl psql; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "ca_bench: needs $tool" >&2; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d /tmp/mynacert-bench.XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user when this runs as root
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export MYNACERT_BENCH_PASS="mynacert bench passphrase"
secs=5; crl_sizes=(100000 1000000)
if [ $quick = 1 ]; then secs=2; crl_sizes=(10000); fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
now() { date +%s.%N; }
# The median wall time of 5 runs of a command (seconds).
median5() {
  local times=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(now)
    "$@" >/dev/null 2>&1
    t1=$(now)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  printf "%s\n" "${times[@]}" | sort -g | sed -n 3p
}

echo "# mynacert CA benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(openssl version)"
echo

# 1. Issuance --------------------------------------------------------------------------------
openssl_sign=$(openssl speed -seconds "$secs" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ { print $(NF-1) }')
ours_issue=$($B/bench/ca_bench --benchmark_filter='BM_IssueCertificate$' \
  --benchmark_min_time="$secs" --benchmark_format=csv 2>/dev/null |
  awk -F, '/BM_IssueCertificate/ { print $7 }')
ours_record=$($B/bench/ca_bench --benchmark_filter='BM_IssueAndRecord$' \
  --benchmark_min_time="$secs" --benchmark_format=csv 2>/dev/null |
  awk -F, '/BM_IssueAndRecord/ { print $7 }')
# 8 concurrent issuers, group commit: SQLite, then PostgreSQL (fsync on) started for the run.
grouped() {  # the threads:8 line's rate and certificates per commit
  $B/bench/ca_bench --benchmark_filter='BM_IssueAndRecordGrouped/real_time/threads:8$' \
    --benchmark_min_time="$secs" --benchmark_format=csv 2>/dev/null |
    awk -F, '/threads:8/ { print $7, $NF }'
}
read -r grouped_sqlite per_commit_sqlite <<<"$(grouped)"
admin="$(scripts/postgres.sh start "$work/pg")"
psql "$admin" -qc "CREATE DATABASE benchca"
read -r grouped_pg per_commit_pg <<<"$(MYNACERT_BENCH_POSTGRES="postgresql://postgres@/benchca?host=$work/pg" grouped)"
sign8=$($B/bench/ca_bench --benchmark_filter='BM_RsaSign2048/real_time/threads:8$' \
  --benchmark_min_time="$secs" --benchmark_format=csv 2>/dev/null | awk -F, '/threads:8/ { print $7 }')
echo "## Issuance"
echo "| what | per second | ratio to openssl speed rsa2048 sign |"
echo "|---|---|---|"
printf "| openssl speed rsa2048 (sign) | %.0f | 1.00 |\n" "$openssl_sign"
printf "| IssueCertificateDer (build + sign) | %.0f | **%s** |\n" "$ours_issue" "$(ratio "$ours_issue" "$openssl_sign")"
printf "| + recorded in SQLite (fsync per certificate) | %.0f | %s |\n" "$ours_record" "$(ratio "$ours_record" "$openssl_sign")"
printf "| 8 issuers, group commit, SQLite (%.1f per commit) | %.0f | **%s** |\n" "$per_commit_sqlite" "$grouped_sqlite" "$(ratio "$grouped_sqlite" "$openssl_sign")"
printf "| 8 issuers, group commit, PostgreSQL (%.1f per commit) | %.0f | **%s** |\n" "$per_commit_pg" "$grouped_pg" "$(ratio "$grouped_pg" "$openssl_sign")"
printf "| 8 threads signing only (every core; in-process) | %.0f | %s |\n" "$sign8" "$(ratio "$sign8" "$openssl_sign")"
echo

# 2. CRL -------------------------------------------------------------------------------------
echo "## CRL generation (signed, written to disk; median of 5 runs of the whole command)"
echo "| revoked entries | mynacert ca crl | openssl ca -gencrl | speed-up | CRL size |"
echo "|---|---|---|---|---|"
for n in "${crl_sizes[@]}"; do
  d="$work/crl-$n"
  $M ca init --dir "$d" --passphrase env:MYNACERT_BENCH_PASS >/dev/null
  $B/bench/ca_fixture "$d" "$n" >/dev/null
  cat >"$d/openssl.cnf" <<CNF
[ ca ]
default_ca = bench
[ bench ]
database = $d/index.txt
crlnumber = $d/crlnumber
default_md = sha256
default_crl_days = 1
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
  # Each side 5 times (median); every run publishes a new CRL number, as in production.
  ours_s=$(median5 $M ca crl --dir "$d" --passphrase env:MYNACERT_BENCH_PASS --kind auth --out "$d/ours.crl")
  theirs_s=$(median5 openssl ca -config "$d/openssl.cnf" -gencrl -keyfile "$d/auth-ca-1.key.pem" \
    -cert "$d/auth-ca-1.crt.pem" -passin env:MYNACERT_BENCH_PASS -out "$d/openssl.crl")
  # Both CRLs verify under the CA and hold the same number of entries.
  openssl crl -inform DER -in "$d/ours.crl" -noout -CAfile "$d/auth-ca-1.crt.pem" 2>&1 | grep -q "verify OK"
  ours_n=$(openssl crl -inform DER -in "$d/ours.crl" -noout -text | grep -c "Serial Number:")
  theirs_n=$(openssl crl -in "$d/openssl.crl" -noout -text | grep -c "Serial Number:")
  [ "$ours_n" = "$n" ] && [ "$theirs_n" = "$n" ] || { echo "entry counts differ: $ours_n / $theirs_n / $n" >&2; exit 1; }
  printf "| %d | %.3f s | %.3f s | **%s×** | %d bytes |\n" "$n" "$ours_s" "$theirs_s" \
    "$(ratio "$theirs_s" "$ours_s")" "$(stat -c %s "$d/ours.crl")"
done
echo

# 3. OCSP ------------------------------------------------------------------------------------
d="$work/ocsp"
$M ca init --dir "$d" --passphrase env:MYNACERT_BENCH_PASS >/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/card.key" 2>/dev/null
openssl pkey -in "$work/card.key" -pubout -out "$work/card.pub"
serial=$($M ca issue --dir "$d" --passphrase env:MYNACERT_BENCH_PASS --actor bench --kind auth \
  --public-key "$work/card.pub" --last-valid-day 2031-07-07 --out "$work/leaf.pem" --json |
  awk -F'"' '/"serial"/ { print $4 }')
$B/bench/ca_fixture "$d" 10000 "$serial" >/dev/null
openssl ocsp -issuer "$d/auth-ca-1.crt.pem" -cert "$work/leaf.pem" -no_nonce -reqout "$work/req.der" 2>/dev/null
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"
local f = io.open("$work/req.der", "rb")
wrk.body = f:read("*a")
f:close()
LUA
$M ca ocsp-serve --dir "$d" --passphrase env:MYNACERT_BENCH_PASS --port 0 \
  --port-file "$work/ours.port" --threads 1 >/dev/null &
pids+=($!)
openssl ocsp -index "$d/index.txt" -port 0 -rsigner "$d/auth-ocsp-1.crt.pem" \
  -rkey "$d/auth-ocsp-1.key.pem" -passin env:MYNACERT_BENCH_PASS -CA "$d/auth-ca-1.crt.pem" \
  -nmin 60 -ignore_err >"$work/openssl-ocsp.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -s "$work/ours.port" ] && grep -q "ACCEPT" "$work/openssl-ocsp.log" && break
  sleep 0.1
done
ours_port=$(cat "$work/ours.port")
openssl_port=$(sed -n 's/.*ACCEPT 0.0.0.0:\([0-9]*\).*/\1/p; s/.*ACCEPT \[::\]:\([0-9]*\).*/\1/p' "$work/openssl-ocsp.log" | head -1)
# The pre-signed response nginx serves, fetched from our responder; both answers say good.
mkdir -p "$work/www"
openssl ocsp -reqin "$work/req.der" -url "http://127.0.0.1:$ours_port/" \
  -respout "$work/www/resp.der" -CAfile "$d/auth-ca-1.crt.pem" 2>&1 | grep -q "Response verify OK"
openssl ocsp -issuer "$d/auth-ca-1.crt.pem" -cert "$work/leaf.pem" -url "http://127.0.0.1:$openssl_port/" \
  -CAfile "$d/auth-ca-1.crt.pem" 2>/dev/null | grep -q ": good"
nginx_port=$((20000 + RANDOM % 20000))
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/www; default_type application/ocsp-response; }
  }
}
NGINX
"$NGINX" -c "$work/nginx.conf" -p "$work" 2>/dev/null
sleep 0.3
rps() { awk '/^Requests\/sec:/ { print $2 }'; }
ab_rps() { awk '/^Requests per second:/ { print $4 }'; }
ours_rps=$(wrk -t1 -c32 -d"${secs}s" -s "$work/post.lua" "http://127.0.0.1:$ours_port/" | rps)
nginx_rps=$(wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$nginx_port/resp.der" | rps)
ours_ab=$(ab -q -t "$secs" -n 10000000 -c 8 -p "$work/req.der" -T application/ocsp-request \
  "http://127.0.0.1:$ours_port/" 2>/dev/null | ab_rps)
nginx_ab=$(ab -q -t "$secs" -n 10000000 -c 8 "http://127.0.0.1:$nginx_port/resp.der" 2>/dev/null | ab_rps)
openssl_ab=$(ab -q -t "$secs" -n 10000000 -c 8 -p "$work/req.der" -T application/ocsp-request \
  "http://127.0.0.1:$openssl_port/" 2>/dev/null | ab_rps)
echo "## OCSP responses per second (loopback, one server thread / worker)"
echo "| load | server | responses/s | ratio |"
echo "|---|---|---|---|"
printf "| wrk -t1 -c32, keep-alive | mynacert ca ocsp-serve (POST, pre-signed cache) | %.0f | |\n" "$ours_rps"
printf "| wrk -t1 -c32, keep-alive | nginx, one static pre-signed response (GET) | %.0f | ours ÷ nginx **%s×** |\n" "$nginx_rps" "$(ratio "$ours_rps" "$nginx_rps")"
printf "| ab -c8, a connection per request | mynacert ca ocsp-serve (POST) | %.0f | |\n" "$ours_ab"
printf "| ab -c8, a connection per request | nginx, the static response (GET) | %.0f | ours ÷ nginx %s× |\n" "$nginx_ab" "$(ratio "$ours_ab" "$nginx_ab")"
printf "| ab -c8, a connection per request | openssl ocsp -index -port (POST) | %.0f | ours ÷ openssl **%s×** |\n" "$openssl_ab" "$(ratio "$ours_ab" "$openssl_ab")"
printf "| | mynacert keep-alive ÷ openssl | | **%s×** |\n" "$(ratio "$ours_rps" "$openssl_ab")"
