#!/usr/bin/env bash
# compare.sh DUMP_BINARY — compares mynacert's national holidays with three independent npm
# datasets (shared/spec/holidays.md §9). DUMP_BINARY FROM TO must print "YYYY-MM-DD,name"
# lines with the Cabinet Office CSV names (src/calendar/holiday_dump does).
#
#   cao         japanese-public-holidays (the Cabinet Office syukujitsu.csv)   1955–2026
#   holiday_jp  @holiday-jp/holiday_jp                                       1970–2050
#   computed    japanese-holidays (computed from the rules)                  2027–2099
#
# Each comparison is a full diff (dates and names, both directions) and prints OK-<name>.
# Exit 0 when all three agree, 1 on any difference, 2 on bad usage, 77 (CTest's skip code)
# when node or npm is absent. `npm ci --ignore-scripts` runs only when node_modules is missing
# or does not match package-lock.json; it is serialised with flock, so two build trees can
# run this against the one source tree.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DUMP_BINARY" >&2
  exit 2
fi
dump="$1"
if [ ! -x "$dump" ]; then
  echo "compare.sh: $dump is not an executable" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node/npm not found; the holiday oracle needs them (apt-get install nodejs npm)"
  exit 77
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# The installed packages match the lock when every package the lock lists is installed at
# its locked version.
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

install() {
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] &&
     installed_matches_lock; then
    return 0
  fi
  echo "compare.sh: npm ci --ignore-scripts in $here"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
}

# Lock on package.json (read-only open; the file is tracked, so no stray lock file appears).
if command -v flock >/dev/null 2>&1; then
  exec 9<package.json
  flock 9
  install
  flock -u 9
  exec 9<&-
else
  install
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

status=0
# The pinned datasets have a known size (holidays.md §9); another size means the export or
# the installed package is not what was pinned, and the diff would prove nothing.
compare() {  # compare NAME FROM TO EXPECTED_LINES EXPORT_ARGS...
  local name="$1" from="$2" to="$3" expected="$4"
  shift 4
  node export.js "$@" >"$tmp/$name.oracle.csv"
  "$dump" "$from" "$to" >"$tmp/$name.ours.csv"
  local lines
  lines="$(wc -l <"$tmp/$name.oracle.csv")"
  if [ "$lines" -ne "$expected" ]; then
    echo "FAIL-$name: the oracle exported $lines lines, expected $expected"
    status=1
  elif diff -u --label "$name ($from–$to)" --label "mynacert" \
      "$tmp/$name.oracle.csv" "$tmp/$name.ours.csv"; then
    echo "OK-$name ($from–$to, $lines days)"
  else
    echo "FAIL-$name ($from–$to): the lines above differ (- $name, + mynacert)"
    status=1
  fi
}

compare cao 1955 2026 1050 cao
compare holiday_jp 1970 2050 1329 holiday_jp
compare computed 2027 2099 1304 computed 2027 2099
exit "$status"
