#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in ./build-fuzz and runs each for a
# bounded time: `scripts/fuzz.sh [seconds]` (default 60) for the card's APDUs and as long again
# for HTTP requests into the service's route table. A crash fails the script and leaves the
# input in build-fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cxx=$(command -v clang++-14 || command -v clang++)
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMYNACERT_BUILD_TESTS=OFF -DMYNACERT_BUILD_BENCHMARKS=OFF -DMYNACERT_BUILD_FUZZERS=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-fuzz --target apdu_fuzz http_fuzz -j "$(nproc)"
mkdir -p build-fuzz/corpus-apdu
# Seeds: the APDUs OpenSC and myna send (jpki-card.md §7, §8), length-prefixed.
printf '\x0f\x00\xa4\x04\x0c\x0a\xd3\x92\xf0\x00\x26\x01\x00\x00\x00\x01\x07\x00\xa4\x02\x0c\x02\x00\x18\x04\x00\x20\x00\x80\x09\x00\x20\x00\x80\x04\x31\x32\x33\x34\x07\x00\xa4\x02\x0c\x02\x00\x17\x0a\x80\x2a\x00\x80\x04\x30\x31\x30\x0d\x00' \
  > build-fuzz/corpus-apdu/opensc-sign
# An issuer session: unlock the auth PIN, write the auth CA EF with 30 82 00 00, set the juki PIN.
printf '\xff\x03\x2c\x03\x98\x07\xd6\x8b\x00\x30\x82\x00\x00\x07\x2c\x02\x9c\x31\x32\x33\x34' \
  > build-fuzz/corpus-apdu/issuer-session
cd build-fuzz
./fuzz/apdu_fuzz -max_total_time="$seconds" -max_len=600 -print_final_stats=1 corpus-apdu 2>&1 | tail -12
mkdir -p corpus-http
# Seeds: a resident's check, a booking, a staff call without a session, an OCSP GET, raw HTTP.
printf '\x00/api/explain?municipality=yamagata&birth=1980-07-07&card_issued=2021-07-07' > corpus-http/explain
printf '\x01/api/bookings\n{"counter":"kanazawa-cityhall","date":"2026-12-14","start":"10:00","name":"a"}' > corpus-http/booking
printf '\x01/api/cases/1/decide\n{}' > corpus-http/staff
printf '\x00/ocsp/MEIwQDA%%2BMDwwOjAJBgUrDgMCGgUABBQ' > corpus-http/ocsp
printf 'GET /api/calendar?counter=yokohama-naka&from=2026-12-28&days=8 HTTP/1.1\r\nHost: x\r\nCookie: mynacert_session=ab\r\n\r\n' > corpus-http/raw
./fuzz/http_fuzz -max_total_time="$seconds" -max_len=2048 -print_final_stats=1 corpus-http 2>&1 | tail -12
