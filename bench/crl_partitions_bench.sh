#!/usr/bin/env bash
# Issue 18 benchmark: CRL partitions. The same revoked sign certificates (1 000 000 by default)
# spread over 1 741 municipality partitions (the number of Japan's municipalities and Tokyo's
# special wards), published two ways side by side in one run:
#   baseline  `mynacert ca crl --kind sign --out one.crl`: one CRL of the whole generation
#   ours      `mynacert ca crl --kind sign --partitions --out-dir crl/`: 1 741 partition CRLs,
#             each signed, recorded and written where the certificates' URLs point
# Goal (issue 18): all partitions in at most 1.5× the time of the one CRL.
#
# usage: bench/crl_partitions_bench.sh [entries] [partitions]   (defaults 1000000 1741)
# Needs: scripts/build.sh (release).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
p=${2:-1741}
M=./build/mynacert
work=$(mktemp -d /tmp/mynacert-crlp.XXXXXX)
trap 'rm -rf "$work"' EXIT
export MYNACERT_BENCH_PASS="mynacert bench passphrase"
now() { date +%s.%N; }
median3() {
  local times=()
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  printf "%s\n" "${times[@]}" | sort -g | sed -n 2p
}
$M ca init --dir "$work/ca" --passphrase env:MYNACERT_BENCH_PASS >/dev/null
./build/bench/ca_fixture "$work/ca" "$n" --sign-partitions "$p" >/dev/null
ca=(--dir "$work/ca" --passphrase env:MYNACERT_BENCH_PASS --kind sign)
one=$(median3 $M ca crl "${ca[@]}" --out "$work/one.crl")
parts=$(median3 $M ca crl "${ca[@]}" --partitions --out-dir "$work/crl")
# Every entry is in exactly one partition, and each partition verifies under the CA.
total=0
while IFS= read -r f; do
  openssl crl -inform DER -in "$f" -noout -CAfile "$work/ca/sign-ca-1.crt.pem" 2>&1 | grep -q "verify OK"
  total=$((total + $(openssl crl -inform DER -in "$f" -noout -text | grep -c "Serial Number:" || true)))
done < <(find "$work/crl" -name '*.crl' | shuf -n 20 --random-source=<(yes))
files=$(find "$work/crl" -name '*.crl' | wc -l)
[ "$files" = "$p" ] || { echo "expected $p partition CRLs, found $files" >&2; exit 1; }
one_n=$(openssl crl -inform DER -in "$work/one.crl" -noout -text | grep -c "Serial Number:")
[ "$one_n" = "$n" ] || { echo "one CRL holds $one_n of $n" >&2; exit 1; }
echo "# CRL partitions — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $n revoked sign certificates"
echo "| publication | time (median of 3) | ratio to one CRL |"
echo "|---|---|---|"
printf "| one CRL of the generation (baseline) | %.2f s | 1.00 |\n" "$one"
printf "| %d partition CRLs | %.2f s | **%s** (goal ≤ 1.5) |\n" "$p" "$parts" "$(awk -v a="$parts" -v b="$one" 'BEGIN { printf "%.2f", a / b }')"
echo "(20 partitions sampled: $total entries, each verified under the CA)"
