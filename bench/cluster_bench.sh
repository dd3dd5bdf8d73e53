#!/usr/bin/env bash
# Bookings per second (issue 15), side by side in one run, the same wrk load (bench/book.lua, as
# in service_bench.sh: POST /api/bookings spread over 20 days of one counter's slots — here
# "bench-hall" of a bench profile made from Kanazawa's with 1 000 places a slot, so that every
# request is a confirmed booking, one durable transaction):
#   a. one instance on SQLite (the embedded default; WAL, synchronous=FULL);
#   b. one instance on PostgreSQL (fsync on, synchronous_commit on);
#   c. three instances on one PostgreSQL behind nginx (HTTP, round robin, keep-alive upstream);
# and, through the same nginx, OCSP answered by the three instances (GET /ocsp/…, their
# pre-signed cache) vs. nginx serving that same pre-signed response as a static file.
#
# usage: bench/cluster_bench.sh [--quick]   (--quick: 3 s runs)
# Needs: scripts/build.sh (release); wrk, nginx (scripts/install-deps.sh --bench), PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
secs=10
[ "${1:-}" = "--quick" ] && secs=3
M="$repo/build/mynacert"
for tool in wrk curl jq psql; do command -v "$tool" >/dev/null || { echo "cluster_bench: needs $tool" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d /tmp/mynacert-cluster-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
rps() { awk '/Requests\/sec/ { print $2 }'; }
lat() { awk '/Latency/ { print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
export MYNACERT_CA_PASSPHRASE="bench CA passphrase" MYNACERT_ISSUER_KEY="bench issuer key" \
  MYNACERT_CARD_SECRET="bench card secret"

admin="$(scripts/postgres.sh start "$work/pg")"  # fsync on: durable commits, as in production
for db in one three; do psql "$admin" -qc "CREATE DATABASE $db"; done
pg() { echo "postgresql://postgres@/$1?host=$work/pg"; }
# The bench municipality: Kanazawa's rules and hours, 1 000 places a slot (the loader's maximum).
mkdir -p "$work/profiles" "$work/www"
sed -e 's/^id = "kanazawa"/id = "benchcity"/' -e 's/"kanazawa-cityhall"/"bench-hall"/' \
    -e 's/"kanazawa-shimin-center"/"bench-center"/' -e 's/^slot_capacity = .*/slot_capacity = 1000/' \
    -e 's/^name_ja = .*/name_ja = "ベンチ市"/' -e 's/^name_en = .*/name_en = "Bench City"/' \
    profiles/kanazawa.toml >"$work/profiles/benchcity.toml"
export BOOK_COUNTER=bench-hall

serve() {  # NAME HOME [DATABASE]: starts an instance; its port in $port (not a subshell, so
  # that its pid reaches the cleanup)
  local name="$1" home="$2" db="${3:-}"
  $M --profiles-dir "$work/profiles" serve --home "$home" ${db:+--database "$db"} --port 0 --port-file "$work/$name.port" \
    --limit-login off --limit-booking off --limit-lookup off --limit-cancel off \
    --bookings-per-booker 0 >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/$name.port" ] && break; sleep 0.1; done
  port=$(cat "$work/$name.port")
  curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null
}
serve sqlite "$work/h-sqlite"; p_sqlite=$port
serve one "$work/h-one" "$(pg one)"; p_one=$port
$M --profiles-dir "$work/profiles" db migrate --home "$work/h-three" --database "$(pg three)" >/dev/null
p3=()
for i in 1 2 3; do serve "three-$i" "$work/h-three" "$(pg three)"; p3+=("$port"); done
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  upstream three {
    server 127.0.0.1:${p3[0]}; server 127.0.0.1:${p3[1]}; server 127.0.0.1:${p3[2]};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:18480;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location / { proxy_pass http://three; }
    location /static/ { alias $work/www/; default_type application/ocsp-response; }
  }
}
EOF
"$NGINX" -c "$work/nginx.conf" -p "$work" 2>/dev/null || "$NGINX" -c "$work/nginx.conf" -p "$work"
lb="http://127.0.0.1:18480"
for _ in $(seq 50); do curl -fsS "$lb/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

# The load: 20 open days of bench-hall's slots (1 000 places each).
pairs=()
d=$(date -d "+14 days" +%F)
days=0
while [ $days -lt 20 ]; do
  starts=$(curl -fsS "http://127.0.0.1:$p_sqlite/api/slots?counter=bench-hall&date=$d" |
           jq -r '.slots[] | select(.bookable_now) | .start')
  if [ -n "$starts" ]; then
    days=$((days + 1))
    for t in $starts; do pairs+=("{\"$d\",\"$t\"}"); done
  fi
  d=$(date -d "$d +1 day" +%F)
done
echo "return {$(IFS=,; echo "${pairs[*]}")}" >"$work/slots.lua"
export BOOK_SLOTS="$work/slots.lua"

echo "# mynacert cluster benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo
echo "## POST /api/bookings (wrk -t2 -c32, ${secs} s each; $((${#pairs[@]} * 1000)) places in all)"
echo
echo "| target | requests/s | mean latency | confirmed / full / other | ÷ one SQLite instance |"
echo "|---|---|---|---|---|"
base_rps=""
run() {  # LABEL URL
  local out r
  out=$(wrk -t2 -c32 -d"${secs}s" -s bench/book.lua "$2")
  r=$(echo "$out" | rps)
  [ -z "$base_rps" ] && base_rps="$r"
  printf "| %s | %.0f | %s | %s / %s / %s | **%s×** |\n" "$1" "$r" "$(echo "$out" | lat)" \
    "$(echo "$out" | awk '/^status 201/ { print $3 }')" "$(echo "$out" | awk '/^status 409/ { print $3 }')" \
    "$(echo "$out" | awk '/^status other/ { print $3 }')" "$(ratio "$r" "$base_rps")"
}
run "one instance, SQLite" "http://127.0.0.1:$p_sqlite"
run "one instance, PostgreSQL" "http://127.0.0.1:$p_one"
run "three instances, PostgreSQL, nginx" "$lb"
echo
echo "PostgreSQL: $(psql "$admin" -tAc 'SELECT version()' | cut -d' ' -f1-2); fsync $(psql "$admin" -tAc 'SHOW fsync'),"\
     "synchronous_commit $(psql "$admin" -tAc 'SHOW synchronous_commit')."

# OCSP through nginx ---------------------------------------------------------------------------
# An auth certificate issued into the three instances' CA (their shared database), and its
# OCSP request as a GET (RFC 6960 A.1). The instances see it within a second (their caches
# follow the CA's event sequence); nginx then serves the same pre-signed answer as a file.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/card.key" 2>/dev/null
openssl pkey -in "$work/card.key" -pubout -out "$work/card.pub"
$M --database "$(pg three)" ca issue --dir "$work/h-three/ca" --passphrase env:MYNACERT_CA_PASSPHRASE \
  --actor bench --kind auth --public-key "$work/card.pub" --last-valid-day 2031-07-07 \
  --out "$work/leaf.pem" >/dev/null
ca_pem="$work/h-three/ca/auth-ca-1.crt.pem"
openssl ocsp -issuer "$ca_pem" -cert "$work/leaf.pem" -no_nonce -reqout "$work/req.der" 2>/dev/null
ocsp_q="/ocsp/$(base64 -w0 "$work/req.der" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')"
good=0
for _ in $(seq 50); do
  for i in 1 2 3; do  # each instance, through nginx's round robin
    curl -fsS "$lb$ocsp_q" -o "$work/www/resp.der" || true
  done
  if openssl ocsp -respin "$work/www/resp.der" -CAfile "$ca_pem" -issuer "$ca_pem" -cert "$work/leaf.pem" 2>/dev/null |
     grep -q ": good"; then good=1; break; fi
  sleep 0.1
done
[ $good = 1 ] || { echo "cluster_bench: the instances never answered good for the new certificate" >&2; exit 1; }
cmp -s "$work/www/resp.der" <(curl -fsS "$lb/static/resp.der") || { echo "cluster_bench: static copy differs" >&2; exit 1; }
ocsp_rps=$(wrk -t2 -c32 -d"${secs}s" "$lb$ocsp_q" | rps)
static_rps=$(wrk -t2 -c32 -d"${secs}s" "$lb/static/resp.der" | rps)
echo
echo "## OCSP through nginx (wrk -t2 -c32, keep-alive, ${secs} s each; GET, one good certificate)"
echo
echo "| target | responses/s | ÷ nginx static |"
echo "|---|---|---|"
printf "| three instances behind nginx (GET /ocsp/…, pre-signed cache) | %.0f | **%s×** |\n" "$ocsp_rps" "$(ratio "$ocsp_rps" "$static_rps")"
printf "| nginx serving the same pre-signed response as a static file | %.0f | 1.00× |\n" "$static_rps"
