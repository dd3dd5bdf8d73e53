#!/usr/bin/env bash
# mynacert as a city runs it, on one machine: PostgreSQL (initdb in <home>/postgres, on a Unix
# socket there), N `mynacert serve` instances on one database and one shared home folder, and
# nginx in front as the TLS terminator and load balancer (docs/scale.md says how the same
# pieces spread over several machines).
#
#   scripts/cluster.sh start    installs, builds, starts everything, seeds the demo once;
#                               prints the URL (https://127.0.0.1:8443/) and the staff password
#   scripts/cluster.sh stop     stops nginx, the instances and PostgreSQL
#   scripts/cluster.sh status   each instance's /api/health, and through nginx
#
# Home: $MYNACERT_HOME, else ./mynacert-cluster. INSTANCES (3), HTTPS_PORT (8443), HTTP_PORT
# (8080: redirects to https), FIRST_PORT (9101: the instances' own ports on 127.0.0.1);
# SERVE_ARGS: more flags for every instance (e.g. --limit-booking 1000/1000 for a load test);
# EDGE_LIMITS=off: no rate limits at nginx (a load test from one address); MYNACERT_BIN: the
# binary (default ./build/mynacert) and CLUSTER_SKIP_BUILD=1: use it as built.
# Run as root, PostgreSQL and the instances run as the unprivileged user "mynacert" (made here,
# owning the home); nginx's workers too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
cmd="${1:-start}"
instances="${INSTANCES:-3}"
https_port="${HTTPS_PORT:-8443}"
http_port="${HTTP_PORT:-8080}"
first_port="${FIRST_PORT:-9101}"
umask 077
home="${MYNACERT_HOME:-./mynacert-cluster}"
mkdir -p "$home"
home="$(cd "$home" && pwd)"
chmod 700 "$home"
m="${MYNACERT_BIN:-$repo/build/mynacert}"
user="mynacert"
[ "$(id -u)" -eq 0 ] || user="$(id -un)"

as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pg_dir="$home/postgres"
admin_url="postgresql://postgres@/postgres?host=$pg_dir"
db_url="postgresql://postgres@/mynacert?host=$pg_dir"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

stop_all() {
  if [ -f "$home/nginx/nginx.pid" ]; then
    "$NGINX" -p "$home/nginx" -c "$home/nginx/nginx.conf" -s quit 2>/dev/null || true
  fi
  for pidfile in "$home"/run/serve-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  sleep 1
  MYNACERT_PG_USER="$user" scripts/postgres.sh stop "$pg_dir" || true
}

status() {
  local ok=0 i port
  for ((i = 1; i <= instances; i++)); do
    port=$((first_port + i - 1))
    if curl -fsS -m 2 "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
      echo "instance $i (127.0.0.1:$port): up"
    else
      echo "instance $i (127.0.0.1:$port): DOWN"
      ok=1
    fi
  done
  if curl -fsSk -m 2 "https://127.0.0.1:$https_port/api/health" >/dev/null 2>&1; then
    echo "nginx (https://127.0.0.1:$https_port/): up"
  else
    echo "nginx (https://127.0.0.1:$https_port/): DOWN"
    ok=1
  fi
  return $ok
}

case "$cmd" in
  stop) stop_all; exit 0 ;;
  status) status; exit $? ;;
  start) ;;
  *) echo "usage: scripts/cluster.sh start|stop|status" >&2; exit 2 ;;
esac

if [ -z "${CLUSTER_SKIP_BUILD:-}" ]; then  # tests/cluster_test.sh: already built
  scripts/install-deps.sh
  scripts/build.sh release
fi

if [ "$(id -u)" -eq 0 ]; then
  getent passwd "$user" >/dev/null ||
    useradd --system --no-create-home --home-dir "$home" --shell /usr/sbin/nologin "$user"
  chown -R "$user": "$home"
  if ! runuser -u "$user" -- test -x "$home" || ! runuser -u "$user" -- test -x "$m"; then
    echo "cluster.sh: the user $user cannot reach $home or $m (a parent folder closed to it?);" \
         "choose a MYNACERT_HOME it can reach, e.g. /srv/mynacert" >&2
    exit 2
  fi
fi
mkdir -p "$home/run" "$home/logs" "$home/nginx/tmp"
[ "$(id -u)" -eq 0 ] && chown "$user": "$home/run" "$home/logs" "$home/nginx/tmp"

. scripts/home-setup.sh
home_secrets "$home"
home_password "$home"
[ "$(id -u)" -eq 0 ] && chown "$user": "$home/secrets.env" "$pwfile"

# PostgreSQL, and the database of the stores.
MYNACERT_PG_USER="$user" scripts/postgres.sh start "$pg_dir" >/dev/null
if ! psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = 'mynacert'" | grep -q 1; then
  psql "$admin_url" -qc "CREATE DATABASE mynacert" >/dev/null
fi
as_user "$m" db migrate --home "$home" --database "$db_url" >/dev/null

# The demo population, once (as scripts/start.sh does on SQLite).
seeded="$(as_user "$m" demo seed --home "$home" --database "$db_url" --staff-password "file:$pwfile" --if-empty --json)"
if [ "$(jq -r '.skipped // false' <<<"$seeded")" != true ]; then
  printf '%s\n' "$seeded" > "$home/demo-residents.json"
  echo "demo: seeded for $(jq -r .today "$home/demo-residents.json") ($(jq '.residents | length' "$home/demo-residents.json") residents): $home/demo-residents.json"
elif [ -n "$new_password" ]; then
  for who in clerk supervisor; do
    printf '%s\n' "$new_password" | as_user "$m" staff add --home "$home" --database "$db_url" --name "$who" --role "$who"
  done
fi

# The instances: one home, one database; each trusts nginx (127.0.0.1) for the client's address.
for ((i = 1; i <= instances; i++)); do
  port=$((first_port + i - 1))
  pidfile="$home/run/serve-$i.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then continue; fi
  # The instance writes its own pid (runuser's would not be the server's), then becomes it.
  as_user env MYNACERT_CA_PASSPHRASE="$MYNACERT_CA_PASSPHRASE" MYNACERT_ISSUER_KEY="$MYNACERT_ISSUER_KEY" \
    MYNACERT_CARD_SECRET="$MYNACERT_CARD_SECRET" \
    sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" \
    "$m" serve --home "$home" --database "$db_url" --port "$port" --trusted-proxy 127.0.0.1 ${SERVE_ARGS:-} \
    >"$home/logs/serve-$i.log" 2>&1 &
done

# TLS: a self-signed certificate for this machine (replace tls.crt/tls.key with the city's).
if [ ! -f "$home/nginx/tls.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$home/nginx/tls.key" -out "$home/nginx/tls.crt" 2>/dev/null
fi
upstreams=""
for ((i = 1; i <= instances; i++)); do
  upstreams+="    server 127.0.0.1:$((first_port + i - 1)) max_fails=1 fail_timeout=2s;"$'\n'
done
worker_user=""
login_limit="limit_req zone=login burst=10 nodelay;"
booking_limit="limit_req zone=booking burst=5 nodelay;"
if [ "${EDGE_LIMITS:-on}" = off ]; then login_limit=""; booking_limit=""; fi
[ "$(id -u)" -eq 0 ] && worker_user="user $user;"
cat > "$home/nginx/nginx.conf" <<EOF
# Made by scripts/cluster.sh: TLS in front of $instances mynacert instances.
$worker_user
worker_processes auto;
pid $home/nginx/nginx.pid;
error_log $home/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log $home/nginx/access.log;
  client_body_temp_path $home/nginx/tmp/body;
  proxy_temp_path $home/nginx/tmp/proxy;
  fastcgi_temp_path $home/nginx/tmp/fastcgi;
  uwsgi_temp_path $home/nginx/tmp/uwsgi;
  scgi_temp_path $home/nginx/tmp/scgi;
  client_max_body_size 2m;
  # The cluster-wide rate limits, per client address, at the one place every request passes
  # (each instance keeps its own per-address limits too; docs/scale.md).
  limit_req_zone \$binary_remote_addr zone=login:10m rate=10r/m;
  map \$request_method \$booking_client { POST \$binary_remote_addr; default ""; }  # GET: staff's list
  limit_req_zone \$booking_client zone=booking:10m rate=5r/m;
  limit_req_status 429;
  upstream mynacert {
$upstreams    keepalive 64;
  }
  server {
    listen 127.0.0.1:$http_port;
    return 301 https://\$host:$https_port\$request_uri;
  }
  server {
    listen 127.0.0.1:$https_port ssl http2;
    ssl_certificate $home/nginx/tls.crt;
    ssl_certificate_key $home/nginx/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_set_header X-Real-IP \$remote_addr;
    proxy_set_header X-Forwarded-Proto https;
    proxy_set_header X-SSL-Client-Verify "";  # no mTLS here: a client's own header never passes
    proxy_set_header X-SSL-Client-Cert "";
    # A refused connection or a dead instance: the next one (passive health checks). A POST
    # is never sent twice (nginx retries only idempotent methods).
    proxy_next_upstream error timeout http_502 http_503;
    proxy_connect_timeout 2s;
    location = /api/staff/login { $login_limit proxy_pass http://mynacert; }
    location = /api/bookings { $booking_limit proxy_pass http://mynacert; }
    location / { proxy_pass http://mynacert; }
  }
}
EOF
"$NGINX" -t -q -p "$home/nginx" -c "$home/nginx/nginx.conf"
if [ -f "$home/nginx/nginx.pid" ] && kill -0 "$(cat "$home/nginx/nginx.pid")" 2>/dev/null; then
  "$NGINX" -p "$home/nginx" -c "$home/nginx/nginx.conf" -s reload
else
  "$NGINX" -p "$home/nginx" -c "$home/nginx/nginx.conf"
fi

for _ in $(seq 1 60); do
  status >/dev/null 2>&1 && break
  sleep 0.5
done
status
echo
echo "mynacert cluster: https://127.0.0.1:$https_port/ (self-signed certificate: $home/nginx/tls.crt)"
echo "staff: supervisor, clerk — password in $pwfile"
[ -n "$new_password" ] && echo "staff password (shown this once): $new_password"
echo "stop: scripts/cluster.sh stop"
