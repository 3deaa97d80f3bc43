#!/usr/bin/env bash
# ASan + UBSan build of the targets of the fast test subset (see scripts/run-tests.sh): each
# doctest suite labelled `fast` is a target of the same name; the CLI tests need `kruispunt`.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DKP_SANITIZE=ON "${launcher[@]}"
targets=$(ctest --test-dir build-asan -N -L fast -LE cli | sed -n 's/^ *Test *#[0-9]*: *//p')
cmake --build build-asan -j "$(nproc)" --target kruispunt $targets
