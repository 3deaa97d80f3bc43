#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Debian's clang under ASan + UBSan (-O0: the build
# dominates the time in CI, and the readers are I/O bound) and runs each
# for SECONDS seconds (default 20; CI runs 10, a longer soak e.g. `scripts/run-fuzzers.sh 600`)
# on a copy of its seed corpus (tests/fuzz/corpus/<target>, plus examples/ and data/). Any crash,
# leak, sanitizer report or uncaught exception fails (exit 1); the reproducer is left in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
if ! command -v clang++ >/dev/null; then
  echo "run-fuzzers: clang++ is not installed (scripts/install-deps.sh installs it): fuzzers skipped"
  exit 0
fi
mkdir -p build-fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DKP_SANITIZE=ON -DKP_BUILD_FUZZERS=ON -DKP_BUILD_TESTS=OFF \
  -DKP_BUILD_EXAMPLES=OFF -DKP_NATIVE=OFF -DKP_STATIC_QUANTLIB=OFF "${launcher[@]}" > build-fuzz/build.log
cmake --build build-fuzz -j "$(nproc)" --target fuzz_case fuzz_loan fuzz_scenario fuzz_csv >> build-fuzz/build.log
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in fuzz_case fuzz_loan fuzz_scenario fuzz_csv; do
  work="build-fuzz/corpus/$t"; rm -rf "$work"; mkdir -p "$work"
  cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  case "$t" in
    fuzz_csv) cp data/*.csv tests/data/calibration_test/*.csv "$work"/ 2>/dev/null || true ;;
    *) cp examples/*.yaml cases/scenarios/*.yaml "$work"/ 2>/dev/null || true ;;
  esac
  echo "run-fuzzers: $t for ${seconds} s"
  if ! (cd build-fuzz && TMPDIR="$PWD" ./tests/fuzz/$t -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 "corpus/$t" > "$t.log" 2>&1); then
    echo "run-fuzzers: $t FOUND A PROBLEM (build-fuzz/$t.log):"; tail -40 "build-fuzz/$t.log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "build-fuzz/$t.log" | tail -2
  fi
done
exit $status
