#!/usr/bin/env bash
# The README's main command: installs the dependencies, builds, and runs the main job —
# `mynacert explain` on a worked example of the seeds, the procedure for an agent, and a
# counter's calendar.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
m=./build/mynacert
set -x
# Seed 001 (金沢市): a certificate expiring on 7/7 can be renewed free from 4/8.
$m explain --birth 1985-07-07 --card-issued 2021-03-01 --today 2025-04-08 --municipality kanazawa
# Seed 000 (山形市): an agent without the inquiry-and-response form: 文書照会, two visits.
$m procedure --municipality yamagata --procedure renewal --applicant agent_without_form
# Seed 003 (横浜市): a ward counter over two weeks (2nd/4th Saturday mornings open).
$m calendar --municipality yokohama --counter yokohama-naka --from 2026-03-09 --days 14
