#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build (Release) and run every
# test; then an AddressSanitizer + UndefinedBehaviorSanitizer build runs the fast subset (label
# `fast`). .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh Release build -DKP_WARNINGS_AS_ERRORS=ON
ctest --test-dir build --output-on-failure -j "$(nproc)"
# Sanitizer pass: only the fast suites are built and run (-O1 keeps it quick).
bash scripts/build-sanitize.sh
ctest --test-dir build-asan --output-on-failure -L fast -j "$(nproc)"
