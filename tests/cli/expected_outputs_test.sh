#!/usr/bin/env bash
# Stored expected outputs (issue 14, item 5): every example `kruispunt value` runs, run as a user runs
# it (its case file's paths and seed, `--json` only), against examples/expected/CASE.json: the same
# decision, technology and first-year trigger status, every key value within 4 combined standard
# errors (sqrt(se_stored^2 + se_now^2)), bias budget 0. The same code gives bit-identical results, so
# this guards a code change that moves a result beyond its Monte Carlo noise, which would leave the
# README's figures stale. The commands and the comparison are those of scripts/expected-outputs.py,
# which scripts/update-expected.sh runs to regenerate the files.
# Usage: expected_outputs_test.sh KRUISPUNT SOURCE_DIR
set -u
command -v python3 > /dev/null || { echo "FAIL: python3 is needed"; exit 1; }
exec python3 "$2/scripts/expected-outputs.py" check "$1"
