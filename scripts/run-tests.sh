#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build (Release) and run every
# test; then one AddressSanitizer + UndefinedBehaviorSanitizer build (clang, build-asan) runs the
# fast subset (label `fast`; a few statistical validations are left to the Release pass, see
# SANITIZER_SKIP in tests/CMakeLists.txt) and the libFuzzer targets of tests/fuzz, 10 s each
# (scripts/run-fuzzers.sh). .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh Release build -DKP_WARNINGS_AS_ERRORS=ON
ctest --test-dir build --output-on-failure -j "$(nproc)"
# Sanitizer pass: only the fast suites (and the fuzzers) are built, -O1.
bash scripts/build-sanitize.sh
ctest --test-dir build-asan --output-on-failure -L fast -LE expected_outputs -j "$(nproc)"
# Fuzzers: the case, loan/portfolio, scenario and CSV readers, 10 s each (longer: run-fuzzers.sh 600).
bash scripts/run-fuzzers.sh 10
