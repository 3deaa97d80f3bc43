#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Debian's clang under ASan + UBSan, in the
# sanitizer tree the fast tests use (scripts/build-sanitize.sh, build-asan, -O1), and runs each
# for SECONDS seconds (default 20; CI runs 10, a longer soak e.g. `scripts/run-fuzzers.sh 600`)
# on a copy of its seed corpus (tests/fuzz/corpus/<target>, plus examples/ and data/). Any crash,
# leak, sanitizer report or uncaught exception fails (exit 1); the reproducer is left in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
if ! command -v clang++ >/dev/null; then
  echo "run-fuzzers: clang++ is not installed (scripts/install-deps.sh installs it): fuzzers skipped"
  exit 0
fi
bash scripts/build-sanitize.sh fuzz_case fuzz_loan fuzz_scenario fuzz_csv > /dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in fuzz_case fuzz_loan fuzz_scenario fuzz_csv; do
  work="build-asan/corpus/$t"; rm -rf "$work"; mkdir -p "$work"
  cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  case "$t" in
    fuzz_csv) cp data/*.csv tests/data/calibration_test/*.csv "$work"/ 2>/dev/null || true ;;
    *) cp examples/*.yaml cases/scenarios/*.yaml "$work"/ 2>/dev/null || true ;;
  esac
  echo "run-fuzzers: $t for ${seconds} s"
  if ! (cd build-asan && TMPDIR="$PWD" ./tests/fuzz/$t -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 "corpus/$t" > "$t.log" 2>&1); then
    echo "run-fuzzers: $t FOUND A PROBLEM (build-asan/$t.log):"; tail -40 "build-asan/$t.log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "build-asan/$t.log" | tail -2
  fi
done
exit $status
