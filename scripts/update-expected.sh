#!/usr/bin/env bash
# Regenerates the stored expected outputs, examples/expected/CASE.json, from
# `kruispunt value examples/CASE.yaml --json` (each case file's own paths and seed, no other flag):
# decision, option value, never invest, NPV now per technology, value of waiting, P(invested by
# 2030/2035/2040), today's trigger and P(never invest), each with its standard error, plus the
# command, settings, date and commit. Each file is written whole (temporary file, then rename).
# The CTest cli_expected_outputs (tests/cli/expected_outputs_test.sh) re-runs the same commands and
# compares within 4 combined standard errors. After regenerating, re-measure the figures the README
# and docs/valuation.md quote for these examples. Usage (from anywhere, after a Release build):
#   scripts/update-expected.sh [KRUISPUNT]     (default: build/app/kruispunt)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
K="${1:-$root/build/app/kruispunt}"
[ -x "$K" ] || { echo "update-expected.sh: $K is not an executable (build first, or pass the binary)" >&2; exit 2; }
exec python3 "$root/scripts/expected-outputs.py" update "$K"
