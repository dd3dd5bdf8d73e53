#!/usr/bin/env bash
# Compares mynacert's national holidays with three independent npm datasets
# (shared/spec/holidays.md §9): the Cabinet Office CSV 1955–2026, holiday_jp 1970–2050 and the
# japanese-holidays computation 2027–2099. Dates and names, both directions (a full diff).
# Usage: compare.sh HOLIDAY_DUMP_BINARY. Exit 0 all equal, 1 a difference, 77 no node/npm.
set -euo pipefail
dump="$(realpath "${1:?usage: compare.sh HOLIDAY_DUMP_BINARY}")"
here="$(cd "$(dirname "$0")" && pwd)"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  echo "holiday oracle: node/npm not found, skipped"; exit 77; }
cd "$here"
# One npm ci at a time for the source tree (two build dirs may run this test together).
exec 9>"$here/.npm.lock"
flock 9
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.mynacert-lock; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json node_modules/.mynacert-lock
fi
flock -u 9
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node export.js cao >"$work/cao.csv"
node export.js holiday_jp >"$work/hj.csv"
node export.js computed 2027 2099 >"$work/jh.csv"
status=0
check() {  # name file from to expected_lines
  local lines; lines=$(wc -l <"$2")
  if [ "$lines" -ne "$5" ]; then echo "FAIL-$1: dataset has $lines lines, expected $5"; status=1; return; fi
  if "$dump" "$3" "$4" | diff "$2" - >"$work/$1.diff"; then
    echo "OK-$1 ($3–$4, $lines holidays)"
  else
    echo "FAIL-$1 ($3–$4):"; head -20 "$work/$1.diff"; status=1
  fi
}
check cao "$work/cao.csv" 1955 2026 1050
check holiday_jp "$work/hj.csv" 1970 2050 1329
check computed "$work/jh.csv" 2027 2099 1304
exit $status
