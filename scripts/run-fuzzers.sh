#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Debian's clang under ASan + UBSan, in the
# sanitizer tree the fast tests use (scripts/build-sanitize.sh, build-asan, -O1), and runs each
# for SECONDS seconds (default 20; CI runs 10, a longer soak e.g. `scripts/run-fuzzers.sh 600`),
# as many at once as the machine has cores, on a copy of its seed corpus (tests/fuzz/corpus/<target>,
# plus examples/ and data/). Any crash, leak, sanitizer report or uncaught exception fails (exit 1);
# the reproducer is left in build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
if ! command -v clang++ >/dev/null; then
  echo "run-fuzzers: clang++ is not installed (scripts/install-deps.sh installs it): fuzzers skipped"
  exit 0
fi
bash scripts/build-sanitize.sh fuzz_case fuzz_loan fuzz_scenario fuzz_csv > /dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# One fuzzer a core (two at a time on this 2-core machine): the same seconds each, half the wall time.
run_one() {
  local t="$1" work="build-asan/corpus/$1"
  rm -rf "$work"; mkdir -p "$work"
  cp tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  case "$t" in
    fuzz_csv) cp data/*.csv tests/data/calibration_test/*.csv "$work"/ 2>/dev/null || true ;;
    *) cp examples/*.yaml cases/scenarios/*.yaml "$work"/ 2>/dev/null || true ;;
  esac
  (cd build-asan && TMPDIR="$PWD" ./tests/fuzz/$t -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
     -timeout=10 -print_final_stats=1 "corpus/$t" > "$t.log" 2>&1)
}
report() {
  local t="$1" rc="$2"
  echo "run-fuzzers: $t for ${seconds} s"
  if [ "$rc" -ne 0 ]; then
    echo "run-fuzzers: $t FOUND A PROBLEM (build-asan/$t.log):"; tail -40 "build-asan/$t.log"; return 1
  fi
  grep -E "stat::number_of_executed_units|Done" "build-asan/$t.log" | tail -2
}
jobs_at_once="$(nproc)"
status=0
targets=(fuzz_case fuzz_loan fuzz_scenario fuzz_csv)
for ((i = 0; i < ${#targets[@]}; i += jobs_at_once)); do
  batch=("${targets[@]:i:jobs_at_once}")
  pids=()
  for t in "${batch[@]}"; do run_one "$t" & pids+=($!); done
  for k in "${!batch[@]}"; do
    rc=0; wait "${pids[$k]}" || rc=$?
    report "${batch[$k]}" "$rc" || status=1
  done
done
exit $status
