#!/usr/bin/env bash
# The README's test command: installs the dependencies, builds the normal and the sanitizer
# builds, and runs every test in both (the holiday oracle included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
scripts/build.sh asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
echo "== tests (ASan + UBSan build)"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
echo "== benchmarks build and run once (smoke)"
./build/bench/rules_bench --benchmark_min_time=0.01 >/dev/null
echo "== all tests passed"
