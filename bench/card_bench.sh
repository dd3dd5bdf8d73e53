#!/usr/bin/env bash
# Issue 4's benchmark, one run, side by side: APDU round trips in-process and through pcscd +
# vpcd (the same APDUs, bench/card_bench.cc), and the wall time of OpenSC's
# `pkcs15-tool --list-certificates` against our card. Uses the test's private pcscd harness.
#
#   scripts/build.sh && bench/card_bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
name=card_bench
source "$root/tests/pcsc_harness.sh" "$@"
bin="$root/build/mynacert"
min_time=2
runs=30
[ "${1:-}" = "--quick" ] && { min_time=0.2; runs=5; }

export BENCH_SECRET="card bench secret" BENCH_ISSUER="card bench issuer key" CA_PASS="card bench ca"
export AUTH_PIN=1234 SIGN_PIN=ABC123 TEXT_PIN=5678 JUKI_PIN=2468 MY_NUMBER=123456789012 PIN_B=85070731205599
card="$work/card.json"
c=(--card "$card" --secret env:BENCH_SECRET)
"$bin" card new "${c[@]}" --issuer-key env:BENCH_ISSUER --auth-pin env:AUTH_PIN --sign-pin env:SIGN_PIN \
  --text-pin env:TEXT_PIN --juki-pin env:JUKI_PIN --my-number env:MY_NUMBER --pin-b env:PIN_B >/dev/null
"$bin" ca init --dir "$work/ca" --passphrase env:CA_PASS >/dev/null
for slot in auth sign; do
  "$bin" card keygen "${c[@]}" --issuer-key env:BENCH_ISSUER --slot $slot --out "$work/$slot.pub"
  "$bin" ca issue --dir "$work/ca" --passphrase env:CA_PASS --actor bench --kind $slot \
    --public-key "$work/$slot.pub" --birth 1985-07-07 --card-expiry 2035-07-07 --name "試験　太郎" \
    --sex 1 --address "東京都世田谷区世田谷４－２１－２７" --prefecture-en Tokyo-to \
    --municipality-en Setagaya-ku --out "$work/$slot.pem" >/dev/null
  "$bin" card write-cert "${c[@]}" --issuer-key env:BENCH_ISSUER --slot $slot --cert "$work/$slot.pem" >/dev/null
  "$bin" card write-cert "${c[@]}" --issuer-key env:BENCH_ISSUER --slot $slot-ca \
    --cert "$work/ca/$slot-ca-1.crt.pem" >/dev/null
done
pcsc_start_pcscd
pcsc_start_card "$bin" "$card" BENCH_SECRET

step "APDU round trips: in-process and through pcscd + vpcd (median of 3)"
MYNACERT_BENCH_READER="$reader" "$root/build/bench/card_bench" --benchmark_min_time=$min_time \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 | grep -E "median|Benchmark|---"

step "pkcs15-tool --list-certificates: wall time over $runs runs (process start, PC/SC, PKCS#15 bind, 4 certificates)"
times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N)
  pkcs15-tool --list-certificates >/dev/null 2>&1 || fail "pkcs15-tool"
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
step "the same for opensc-tool -n (process start + card recognition only), for scale"
times=()
for _ in $(seq "$runs"); do
  t0=$(date +%s%N); opensc-tool -n >/dev/null 2>&1; t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, min %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
kill -TERM "$card_pid"; wait "$card_pid" || true
tail -1 "$work/card.log"

step "baseline: vsmartcard's own emulator (vicc -t iso7816, Python) in the same reader, the same APDUs"
# vicc has no JPKI AP: it answers these APDUs with errors, but every one is a full round trip.
command -v vicc >/dev/null || fail "vicc missing: scripts/install-deps.sh --bench (vsmartcard-vpicc)"
vicc -t iso7816 -P "$port" > "$work/vicc.log" 2>&1 &
vicc_pid=$!
pids+=($vicc_pid)
for _ in $(seq 200); do opensc-tool -l 2>/dev/null | grep -q '^0 *Yes' && break; sleep 0.05; done
sleep 1  # vicc (Python) answers the first power-up late
MYNACERT_BENCH_READER="$reader" "$root/build/bench/card_bench" --benchmark_min_time=$min_time \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_filter='(PinStatus|ReadBinary256)/pcscd_vpcd' 2>&1 | grep -E "median|ERROR" \
  || echo "vicc did not attach: $(tail -3 "$work/vicc.log")"
kill -TERM "$vicc_pid" 2>/dev/null; wait "$vicc_pid" 2>/dev/null || true
for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *No' && break; sleep 0.05; done

step "our card without the busy-poll after each answer (card serve --spin-us 0)"
for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *No' && break; sleep 0.05; done
pcsc_start_card "$bin" "$card" BENCH_SECRET --spin-us 0
MYNACERT_BENCH_READER="$reader" "$root/build/bench/card_bench" --benchmark_min_time=$min_time \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_filter='(PinStatus|ReadBinary256)/pcscd_vpcd' 2>&1 | grep -E "median"
kill -TERM "$card_pid"; wait "$card_pid" || true
for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *No' && break; sleep 0.05; done

