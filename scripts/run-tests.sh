#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build (Release) and run every
# test; then an AddressSanitizer + UndefinedBehaviorSanitizer build runs the fast subset (label
# `fast`); finally the libFuzzer targets of tests/fuzz run for 10 s each under ASan + UBSan
# (scripts/run-fuzzers.sh). .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh Release build -DKP_WARNINGS_AS_ERRORS=ON
ctest --test-dir build --output-on-failure -j "$(nproc)"
# Sanitizer pass: only the fast suites are built and run (-O1 keeps it quick).
bash scripts/build-sanitize.sh
ctest --test-dir build-asan --output-on-failure -L fast -j "$(nproc)"
# Fuzzers: the case, loan/portfolio, scenario and CSV readers, 10 s each (longer: run-fuzzers.sh 600).
bash scripts/run-fuzzers.sh 10
