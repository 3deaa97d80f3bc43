#!/usr/bin/env bash
# The HTML report in a real browser: writes `kruispunt value --report` for the minimal case (small
# paths; with a loan drawn on few paths, so the risk and bankability section is whole), renders it in
# headless Chromium (Debian's chromium, scripts/install-deps.sh) and checks that every chart drew
# marks into its SVG, that no chart failed, and that the page references nothing outside itself. Also: the progress bar shows on a terminal and not otherwise.
# Usage: report_browser_test.sh KRUISPUNT SOURCE_DIR
set -u
K="$1"; S="$2"; T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v chromium >/dev/null || fail "chromium is not installed (scripts/install-deps.sh installs it)"
C="$S/examples/minimal_case.yaml"
"$K" value "$C" --paths 2000 --report-paths 2000 --report "$T/report.html" --loan "$S/tests/data/loan_file_test/few_drawn.yaml" \
  --quiet > "$T/value.txt" || fail "value --report exit $?"
grep -q "Report written to $T/report.html" "$T/value.txt" || fail "no report line"
R="$T/report.html"
# self-contained: no external script, style, image or link; a CSP forbids any fetch
grep -Eq '<script[^>]* src=|<link[^>]*href=|<img[^>]* src="?http' "$R" && fail "the report references an external file"
grep -q "default-src 'none'" "$R" || fail "no Content-Security-Policy"
# the reader is told what the price model implies when it contradicts the case (mu 0.03, sigma 0.415:
# a falling median), and what is valued after the horizon
grep -q "Check the price model.</b> factors.co2: the median falls from 70 to" "$R" || fail "no price-model warning"
grep -q "nothing valued from 2046 on" "$R" || fail "no statement of what is valued after the horizon"
size=$(stat -c %s "$R"); [ "$size" -lt 3000000 ] || fail "report is $size bytes"
# render (the page draws asynchronously; virtual time lets the scripts finish before the DOM dump)
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --virtual-time-budget=30000 \
  --user-data-dir="$T/profile" --dump-dom "file://$R" > "$T/dom.html" 2> "$T/chromium.log" || fail "chromium exit $?: $(tail -5 "$T/chromium.log")"
grep -q 'data-charts="done"' "$T/dom.html" || fail "the page's script did not finish: $(tail -5 "$T/chromium.log")"
charts=$(grep -o 'data-chart="[a-z]*"' "$R" | sort -u | wc -l)
[ "$charts" -eq 9 ] || fail "$charts charts in the page, expected 9"
for c in fan boundary timing value cfar emissions production tornado compare; do
  tag=$(grep -o "<div[^>]*data-chart=\"$c\"[^>]*>" "$T/dom.html")
  echo "$tag" | grep -q 'data-drawn="true"' || fail "chart $c did not draw: $tag"
  marks=$(echo "$tag" | sed -n 's/.*data-marks="\([0-9]*\)".*/\1/p')
  [ "${marks:-0}" -gt 0 ] || fail "chart $c has no marks"
  echo "$tag" | grep -q 'data-error' && fail "chart $c: $tag"
done
grep -q 'class="chart-error"' "$T/dom.html" && fail "a chart reported an error"
# the risk and bankability section, with the loan given (value --loan): its tables
for id in risk downside cash-flow-at-risk worst-year loan loan-variants loan-few-drawn; do
  grep -q "id=\"$id\"" "$R" || fail "no element $id in the risk and bankability section"
done
grep -q '<svg[^>]*class="marks"' "$T/dom.html" || fail "no Vega SVG in the page"
# progress bar: on a terminal (script(1) gives the command a pseudo-terminal) for a run of more than
# a second; never with --quiet
if command -v script >/dev/null; then
  script -qec "\"$K\" value \"$C\" --paths 200000 --sensitivities > /dev/null" /dev/null > "$T/tty.txt" 2>&1
  grep -q 'paths/s' "$T/tty.txt" || fail "no progress bar on a terminal: $(head -c 300 "$T/tty.txt")"
  script -qec "\"$K\" value \"$C\" --paths 200000 --sensitivities --quiet > /dev/null" /dev/null > "$T/quiet.txt" 2>&1
  grep -q 'paths/s' "$T/quiet.txt" && fail "progress bar despite --quiet"
fi
echo "report in the browser: all checks passed"
