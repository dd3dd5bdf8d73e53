#!/usr/bin/env bash
# Bookings per second (issue 15), side by side in one run, the same wrk load (bench/book.lua, as
# in service_bench.sh: POST /api/bookings spread over 20 days of one counter's slots — here
# "bench-hall" of a bench profile made from Kanazawa's with 1 000 places a slot, so that every
# request is a confirmed booking, one durable transaction):
#   a. one instance on SQLite (the embedded default; WAL, synchronous=FULL);
#   b. one instance on PostgreSQL (fsync on, synchronous_commit on);
#   c. three instances on one PostgreSQL behind nginx (HTTP, round robin, keep-alive upstream);
# and each instance's database round trip alone, for the reading of the curve.
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
mkdir -p "$work/profiles"
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
