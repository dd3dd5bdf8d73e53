#!/usr/bin/env bash
# The expiry-notice batch (`notices run --no-pdf`) over N synthetic holders (default 10 M), on
# SQLite and on PostgreSQL side by side (issue 15: < 60 s on PostgreSQL for 10 M holders).
# The holders are written by the database itself (notices_test's FillHolders): expiries spread
# over five years, every fifth in Yokohama (its city notices carry 予約IDs); run date 2026-05-01,
# so ≈ 4.4 % of the holders are due. Each engine reports: the fill, the selection, the run, and
# a second run that must send nothing.
#
# usage: bench/notices_bench.sh [N]      (≈ 12 GB of disk for 10 M holders on both engines)
# Needs: scripts/build.sh (release), PostgreSQL (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000000}"
T=./build/src/notices/notices_test
work=$(mktemp -d /tmp/mynacert-notices-bench.XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as its own user when this runs as root
cleanup() {
  scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
admin="$(scripts/postgres.sh start "$work/pg")"  # fsync on, as in production
echo "# notice batch over $n holders — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
for engine in Sqlite Postgres; do
  TMPDIR="$work" MYNACERT_TEST_POSTGRES="$admin" MYNACERT_NOTICES_N="$n" "$T" \
    --gtest_also_run_disabled_tests --gtest_filter="*DISABLED_SelectionOverManyHolders/$engine" |
    awk -v e="$engine" '/holders/ { print e ": " $0 } /FAILED|Failure/ { print; bad = 1 } END { exit bad }'
done
