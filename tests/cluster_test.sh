#!/usr/bin/env bash
# Three instances on one PostgreSQL behind nginx (scripts/cluster.sh), tried over HTTP:
#   1. a staff login made on instance A is used on B and C;
#   2. 1 000 booking requests at one slot of capacity 2, spread over the instances by nginx:
#      exactly 2 confirmed, and the database holds exactly those 2;
#   3. a revocation recorded by another process on the same database is answered `revoked` by
#      instance B's OCSP within one second;
#   4. the notice batch started on two instances at once sends each letter once;
#   5. kill -9 of one instance in the middle of a booking burst: every booking confirmed to a
#      client is in the database, and the others keep serving through nginx.
# Usage: tests/cluster_test.sh [MYNACERT_BINARY] (ctest runs it on the release build's).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$repo/build/mynacert}"
work="$(mktemp -d /tmp/mynacert-cluster-test.XXXXXX)"
chmod 755 "$work"  # the cluster's user reaches its home inside
export MYNACERT_HOME="$work/home" INSTANCES=3 HTTPS_PORT=18443 HTTP_PORT=18080 FIRST_PORT=19101
export EDGE_LIMITS=off SERVE_ARGS="--limit-booking 100000/100000 --bookings-per-booker 0"
# A copy the cluster's unprivileged user can reach wherever the checkout is (/root is closed).
install -m 755 "$bin" "$work/mynacert"
export CLUSTER_SKIP_BUILD=1 MYNACERT_BIN="$work/mynacert"
cleanup() {
  "$repo/scripts/cluster.sh" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$repo/scripts/cluster.sh" start > "$work/start.log" 2>&1 || { cat "$work/start.log" >&2; fail "cluster start"; }
home="$MYNACERT_HOME"
pw="$(cat "$home/staff-password.txt")"
db="postgresql://postgres@/mynacert?host=$home/postgres"
edge="https://127.0.0.1:$HTTPS_PORT"
A="http://127.0.0.1:19101" B="http://127.0.0.1:19102" C="http://127.0.0.1:19103"

# 1. One login, every instance.
login() {  # URL NAME COOKIEJAR → the CSRF token
  curl -fsS -c "$3" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$2\",\"password\":\"$pw\"}" "$1/api/staff/login" | jq -r .csrf
}
csrf="$(login "$A" supervisor "$work/a.jar")"
for url in "$B" "$C"; do
  who="$(curl -fsS -b "$work/a.jar" "$url/api/staff/me" | jq -r .name)"
  [ "$who" = supervisor ] || fail "the session made on A is not known on $url ($who)"
done
echo "ok: a login on A is used on B and C"

# A bookable slot of capacity 2 at Kanazawa's city hall (reservations optional: no code).
find_slot() {  # skip N slots → "DATE START"
  local skip="$1" d
  for offset in $(seq 14 60); do
    d="$(date -d "+$offset days" +%F)"
    while read -r start; do
      if [ "$skip" -eq 0 ]; then echo "$d $start"; return; fi
      skip=$((skip - 1))
    done < <(curl -fsS "$A/api/slots?counter=kanazawa-cityhall&date=$d" |
               jq -r '.slots[] | select(.bookable_now and .available == 2 and .capacity == 2) | .start')
  done
}
burst() {  # DATE START N OUT: N bookings through nginx, 32 at a time; one status line each
  local day="$1" start="$2" n="$3" out="$4"
  seq 1 "$n" | xargs -P 32 -I{} sh -c "curl -sk -o '$out.{}' -w '%{http_code}\n' -H 'Content-Type: application/json' \
    -d '{\"counter\":\"kanazawa-cityhall\",\"date\":\"$day\",\"start\":\"$start\",\"name\":\"金沢　太郎{}\",\"phone\":\"076-000-{}\"}' \
    '$edge/api/bookings'" > "$out" || true
}
confirmed_in_db() {  # DATE START → confirmed bookings the staff API lists
  curl -fsS -b "$work/a.jar" "$B/api/bookings?counter=kanazawa-cityhall&date=$1" |
    jq --arg s "$2" '[.bookings[] | select(.start == $s and .status == "confirmed")] | length'
}

# 2. 1 000 requests at one slot of capacity 2.
read -r day start < <(find_slot 0)
[ -n "${day:-}" ] || fail "no bookable slot found"
burst "$day" "$start" 1000 "$work/burst1"
ok="$(grep -c '^201$' "$work/burst1" || true)"
full="$(grep -c '^409$' "$work/burst1" || true)"
[ "$ok" -eq 2 ] || fail "$ok bookings confirmed at a slot of capacity 2 ($(sort "$work/burst1" | uniq -c | tr '\n' ' '))"
[ "$full" -eq 998 ] || fail "$full refusals, expected 998 ($(sort "$work/burst1" | uniq -c | tr '\n' ' '))"
[ "$(confirmed_in_db "$day" "$start")" -eq 2 ] || fail "the database does not hold exactly 2 bookings"
echo "ok: 1000 requests over nginx, 2 confirmed, 998 full ($day $start)"

# 3. A revocation by another process on the same database: B's OCSP says revoked within 1 s.
serial="$(psql "$db" -tAc "SELECT serial FROM ca_certificates WHERE ca_kind = 'auth' AND state = 'good' ORDER BY serial LIMIT 1")"
psql "$db" -tAc "SELECT encode(der, 'base64') FROM ca_certificates WHERE ca_kind = 'auth' AND serial = '$serial'" |
  base64 -d | openssl x509 -inform DER -out "$work/holder.pem"
curl -fsS "$B/ca/auth.crt" | openssl x509 -inform DER -out "$work/issuer.pem"
ocsp_status() {  # URL → good | revoked | …
  openssl ocsp -issuer "$work/issuer.pem" -cert "$work/holder.pem" -url "$1/ocsp" -noverify -no_nonce 2>/dev/null |
    awk -F': ' '/holder.pem/ {print $2; exit}'
}
[ "$(ocsp_status "$B")" = good ] || fail "B does not answer good before the revocation"
set -a; . "$home/secrets.env"; set +a
"$work/mynacert" ca revoke --dir "$home/ca" --db "$db" --kind auth --serial "$serial" \
  --reason keyCompromise --actor cluster-test --passphrase env:MYNACERT_CA_PASSPHRASE >/dev/null
t0="$(date +%s%N)"
while [ "$(ocsp_status "$B")" != revoked ]; do
  [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ] || fail "B still answers good 3 s after the revocation"
  sleep 0.05
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -le 1000 ] || fail "B answered revoked only after $ms ms"
echo "ok: revoked on B's OCSP after $ms ms"

# 4. The notice batch on two instances at once: each letter once.
csrf_b="$(login "$B" supervisor "$work/b.jar")"
run_batch() {  # URL JAR CSRF OUT
  curl -sS -o "$4" -w '%{http_code}\n' -b "$2" -H "X-CSRF-Token: $3" -H 'Content-Type: application/json' \
    -d '{"pdf": false}' "$1/api/notices/run"
}
run_batch "$A" "$work/a.jar" "$csrf" "$work/notices-a.json" > "$work/code-a" &
run_batch "$B" "$work/b.jar" "$csrf_b" "$work/notices-b.json" > "$work/code-b" &
wait
letters="$(psql "$db" -tAc "SELECT COUNT(*) FROM notices_sent WHERE run_date = (SELECT MAX(run_date) FROM notices_sent)")"
distinct="$(psql "$db" -tAc "SELECT COUNT(DISTINCT (resident_id, kind, cert_expiry)) FROM notices_sent")"
sent() { jq '[.letters[]?, .undeliverable_letters[]?] | length' "$1" 2>/dev/null || echo 0; }
sent_a="$(sent "$work/notices-a.json")"
sent_b="$(sent "$work/notices-b.json")"
echo "   A: HTTP $(cat "$work/code-a") $(jq -c '{batch, resumed, already_sent, error}' "$work/notices-a.json")"
echo "   B: HTTP $(cat "$work/code-b") $(jq -c '{batch, resumed, already_sent, error}' "$work/notices-b.json")"
[ "$letters" -gt 0 ] || fail "the batch sent nothing (A: $(cat "$work/code-a") B: $(cat "$work/code-b"))"
[ "$((sent_a + sent_b))" -eq "$distinct" ] ||
  fail "A reported $sent_a letters and B $sent_b, but $distinct were recorded: a letter twice"
echo "ok: notice batch on A and B at once: $distinct letters, each once (A $sent_a, B $sent_b)"

# 5. kill -9 of instance 2 in the middle of a burst: no confirmed booking lost, the rest serve.
read -r day2 start2 < <(find_slot 1)
burst "$day2" "$start2" 400 "$work/burst2" &
sleep 0.3
kill -9 "$(cat "$home/run/serve-2.pid")"
wait
confirmed_to_clients="$(grep -c '^201$' "$work/burst2" || true)"
numbers="$(for f in "$work"/burst2.*; do jq -r 'select(.number) | .number' "$f" 2>/dev/null; done | sort -n)"
[ "$(echo "$numbers" | grep -c . || true)" -eq "$confirmed_to_clients" ] || fail "201s without a booking number"
listed="$(curl -fsS -b "$work/a.jar" "$A/api/bookings?counter=kanazawa-cityhall&date=$day2" |
  jq -r --arg s "$start2" '.bookings[] | select(.start == $s and .status == "confirmed") | .number' | sort -n)"
[ "$numbers" = "$listed" ] || fail "confirmed to clients: [$numbers], in the database: [$listed]"
for _ in 1 2 3 4 5; do curl -fsSk "$edge/api/health" >/dev/null || fail "nginx stopped serving after the kill"; done
echo "ok: kill -9 mid-burst: $confirmed_to_clients confirmed to clients, all in the database; still serving"
echo "cluster_test: all passed"
