#!/usr/bin/env bash
# A PostgreSQL server of mynacert's own, in a folder: made with initdb on first start, listening
# only on a Unix socket in that folder (no port to collide with), started and stopped by pg_ctl.
# Run as root, the server runs as an unprivileged user: $MYNACERT_PG_USER, else "postgres"
# (Debian's package makes it), which must be able to reach the folder.
#
#   scripts/postgres.sh start DIR [--for-tests]   prints the locator (postgresql://…)
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh url DIR
#
# --for-tests turns fsync off: a throw-away server for the test suites, never for data.
# The server trusts connections on its socket only; the folder is 0700, so only its owner (and
# root) can reach the socket.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: scripts/postgres.sh start|stop|url DIR [--for-tests]" >&2
  exit 2
fi
dir="$(realpath -m "$dir")"
data="$dir/data"
url="postgresql://postgres@/postgres?host=$dir"
owner="${MYNACERT_PG_USER:-postgres}"

bin=""
for b in /usr/lib/postgresql/*/bin; do [ -x "$b/pg_ctl" ] && bin="$b"; done
if [ -z "$bin" ]; then
  echo "postgres.sh: PostgreSQL is not installed (scripts/install-deps.sh installs it)" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  url)
    echo "$url"
    ;;
  start)
    if [ "$(id -u)" -eq 0 ] && ! getent passwd "$owner" >/dev/null; then
      echo "postgres.sh: run as root, the server needs the user $owner (Debian's postgresql package makes postgres)" >&2
      exit 2
    fi
    mkdir -p "$dir"
    chmod 0700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$owner": "$dir"
    if ! as_owner test -w "$dir"; then
      echo "postgres.sh: $dir: the user $owner cannot write here (a parent folder closed to it?)" >&2
      exit 2
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 2; }
    fi
    opts="-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200"
    [ "${3:-}" = "--for-tests" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null ||
        { tail -20 "$dir/server.log" >&2; exit 2; }
    fi
    echo "$url"
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "postgres.sh: unknown command $cmd (start, stop, url)" >&2
    exit 2
    ;;
esac
