#!/usr/bin/env bash
# One AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan, -O1) serves both the fast
# test subset and the libFuzzer targets of tests/fuzz: with Debian's clang the fuzzers are built
# in the same tree (coverage instrumentation, -fsanitize=fuzzer-no-link, on every library), so
# the libraries are compiled once instead of twice (CI time, scripts/run-tests.sh). Without clang
# it falls back to GCC and no fuzzers.
# Usage: scripts/build-sanitize.sh [targets...]   (default: kruispunt, every `fast` doctest suite
# and, with clang, the fuzzers)
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
compiler=()
fuzzers=OFF
if command -v clang++ >/dev/null; then
  # Shared QuantLib: Debian's static archive wants GCC's OpenMP runtime, which clang does not link.
  compiler=(-DCMAKE_CXX_COMPILER=clang++ -DKP_STATIC_QUANTLIB=OFF)
  fuzzers=ON
fi
mkdir -p build-asan
# A unity build (each target's sources compiled as one or two translation units): the headers of
# Eigen, QuantLib and yaml-cpp parsed once a target, not once a file; about 4.5 instead of 6-7
# minutes on two cores (the Release build of scripts/build.sh is a unity build too).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_UNITY_BUILD=ON -DKP_SANITIZE=ON -DKP_BUILD_FUZZERS=$fuzzers -DKP_BUILD_EXAMPLES=OFF "${compiler[@]}" "${launcher[@]}" \
  > build-asan/configure.log
if [ $# -gt 0 ]; then
  targets="$*"
else
  targets="kruispunt $(ctest --test-dir build-asan -N -L fast -LE cli | sed -n 's/^ *Test *#[0-9]*: *//p')"
  [ "$fuzzers" = ON ] && targets="$targets fuzz_case fuzz_loan fuzz_scenario fuzz_csv"
fi
cmake --build build-asan -j "$(nproc)" --target $targets
