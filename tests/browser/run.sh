#!/usr/bin/env bash
# run.sh MYNACERT [TEST FILE…] — the UI in real headless Chromium (Debian's /usr/bin/chromium,
# driven by playwright-core; no browser is ever downloaded).
#
#  1. a temporary home with demo secrets; `mynacert demo seed --json` (or, for a mynacert
#     without it, seed-fallback.sh with the counter's own commands);
#  2. `mynacert serve --port 0 --port-file …`, waiting for /api/health;
#  3. `node --test` over tests/*.test.mjs (one Chromium per file, files one after the other);
#  4. screenshots into $MYNACERT_BROWSER_ARTIFACTS (default: browser-artifacts/ next to the
#     binary, i.e. build/browser-artifacts/), the server's log there too; the server stopped.
#
# Exit: 0 all passed, 1 a failure, 2 bad usage, 77 (CTest's skip code) when node, npm or
# chromium is missing. `npm ci` runs only when node_modules is missing or does not match
# package-lock.json, serialised with flock (the release and ASan trees share this folder).
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 MYNACERT [TEST FILE…]" >&2
  exit 2
fi
bin="$(realpath "$1")"
shift
if [ ! -x "$bin" ]; then
  echo "run.sh: $bin is not an executable" >&2
  exit 2
fi
chromium="${MYNACERT_CHROMIUM:-/usr/bin/chromium}"
for tool in node npm jq curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (scripts/install-deps.sh installs it)"
    exit 77
  fi
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "SKIP: node $(node --version) is too old for playwright-core (20 or later)"
  exit 77
fi
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium not found (apt-get install chromium; scripts/install-deps.sh does)"
  exit 77
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
artifacts="${MYNACERT_BROWSER_ARTIFACTS:-$(dirname "$bin")/browser-artifacts}"
mkdir -p "$artifacts"
artifacts="$(realpath "$artifacts")"
rm -f "$artifacts"/*.png "$artifacts"/*.pdf "$artifacts"/server.log

# ---- npm packages (playwright-core only; its install scripts are not needed) ----
installed_matches_lock() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages)) {
      if (!path) continue;
      let v;
      try { v = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version; }
      catch (e) { process.exit(1); }
      if (v !== meta.version) process.exit(1);
    }' 2>/dev/null
}
(
  cd "$here"
  if command -v flock >/dev/null 2>&1; then
    exec 9<package.json
    flock 9
  fi
  if ! installed_matches_lock; then
    echo "run.sh: npm ci --ignore-scripts in $here"
    # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces; playwright-core downloads nothing.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
)

# ---- a home, its secrets, the demo population ----
work="$(mktemp -d "${TMPDIR:-/tmp}/mynacert-browser.XXXXXX")"
home="$work/home"
mkdir -p "$home"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -f "$work/server.log" ] && cp "$work/server.log" "$artifacts/server.log"
  [ -f "$work/seed.json" ] && cp "$work/seed.json" "$artifacts/seed.json"
  rm -rf "$work"
}
trap cleanup EXIT

export MYNACERT_HOME="$home"
export MYNACERT_CA_PASSPHRASE="browser-test CA passphrase $$"
export MYNACERT_ISSUER_KEY="browser-test issuer key 0123456789abcdef"
export MYNACERT_CARD_SECRET="browser-test card secret $$"
export MYNACERT_DEMO_STAFF_PASSWORD="browser-test staff password $$"
# Under ASan: the leak reports of cairo's and fontconfig's own caches are suppressed (tests/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$here/../lsan.supp"

# The seed's day, and the server's: the first day on or after today (JST) on which Kanazawa City
# Hall's counter is open, so that the congestion test can issue tickets whatever the day CI runs
# on (on a Saturday it could not: CI went red once on it). The server's clock starts at 10:00 of
# that day, below; the residents' situations are built around it.
today=$("$bin" calendar --municipality kanazawa --counter kanazawa-cityhall --days 14 --json 2>/dev/null |
  jq -r '[.days[] | select(.open)][0].date // empty' 2>/dev/null || true)
seed_day=()
[ -n "$today" ] && seed_day=(--today "$today")

t0=$(date +%s.%N)
if "$bin" --help 2>/dev/null | grep -qE '^ +demo +'; then
  "$bin" demo seed --home "$home" "${seed_day[@]}" --staff-password env:MYNACERT_DEMO_STAFF_PASSWORD --json \
    >"$work/seed.json" 2>"$work/seed.log" || { cat "$work/seed.log" >&2; echo "run.sh: demo seed failed" >&2; exit 1; }
else
  echo "run.sh: this mynacert has no 'demo seed'; seeding with tests/browser/seed-fallback.sh"
  bash "$here/seed-fallback.sh" "$bin" "$home" >"$work/seed.json" ||
    { cat "$home/seed-fallback.log" >&2 || true; echo "run.sh: seed-fallback.sh failed" >&2; exit 1; }
fi
jq -e . "$work/seed.json" >/dev/null || { echo "run.sh: the seed printed no JSON" >&2; exit 1; }
t1=$(date +%s.%N)

# ---- the server ----
# The clock runs from 10:00 JST of the seed's day (an open day, above): the counters are open
# whatever the hour and the day CI runs at (the congestion test issues tickets, which a closed
# counter refuses).
clock_start=()
if "$bin" serve --help 2>/dev/null | grep -q -- '--clock-start'; then
  clock_start=(--clock-start "$(jq -r .today "$work/seed.json")T10:00")
fi
"$bin" serve --home "$home" --address 127.0.0.1 --port 0 --port-file "$work/port" --threads 4 "${clock_start[@]}" \
  >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  if [ -s "$work/port" ]; then
    port="$(tr -dc 0-9 <"$work/port")"
    if [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then break; fi
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log" >&2
    echo "run.sh: mynacert serve exited" >&2
    exit 1
  fi
  port=""
  sleep 0.1
done
if [ -z "$port" ]; then
  cat "$work/server.log" >&2
  echo "run.sh: the server did not answer /api/health within 30 s" >&2
  exit 1
fi
t2=$(date +%s.%N)
echo "run.sh: seeded in $(awk "BEGIN{printf \"%.1f\", $t1 - $t0}") s; serving http://127.0.0.1:$port/ (home $home)"

# ---- the tests ----
export MYNACERT_URL="http://127.0.0.1:$port"
export MYNACERT_SEED="$work/seed.json"
export MYNACERT_BROWSER_ARTIFACTS="$artifacts"
export MYNACERT_CHROMIUM="$chromium"
export MYNACERT_BIN="$bin"
cd "$here"
if [ $# -gt 0 ]; then files=("$@"); else files=(tests/*.test.mjs); fi
status=0
node --test --test-concurrency=1 --test-timeout=240000 "${files[@]}" || status=$?
t3=$(date +%s.%N)

# The server stops on SIGTERM; under ASan/UBSan its log must show no report.
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$work/server.log"; then
  echo "run.sh: the server's log has a sanitizer report (see $artifacts/server.log)" >&2
  status=1
fi
echo "run.sh: tests took $(awk "BEGIN{printf \"%.1f\", $t3 - $t2}") s; screenshots in $artifacts"
exit "$status"
