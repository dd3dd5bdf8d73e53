#!/usr/bin/env bash
# The README's test command: installs the dependencies, builds the normal and the sanitizer
# builds, runs every test in both (the holiday oracle, OpenSC against the virtual card, the
# store suites on a throw-away PostgreSQL server and, in the normal build, three instances
# behind nginx included), and fuzzes the card's APDU handling for a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
scripts/build.sh asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
echo "   (browser_ui: the UI in headless Chromium; screenshots in build/browser-artifacts/)"
echo "== tests (ASan + UBSan build)"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
echo "== fuzzing the APDU parser and the card (libFuzzer, bounded)"
scripts/fuzz.sh 60
echo "== benchmarks build and run once (smoke)"
./build/bench/rules_bench --benchmark_min_time=0.01 >/dev/null
echo "== all tests passed"
