#!/usr/bin/env bash
# Hostile input (issue 16): each finding of the adversarial run as a repro that must now fail
# cleanly: output written whole or not at all, duplicate keys, aliases under --set, strict options,
# overflowed results, breakeven independent of --upper, calibration refusing failed fits, no echo of
# referenced files, limits up front. Usage: hostile_cli_test.sh KRUISPUNT SOURCE_DIR
set -u
K="$1"; S="$2"; T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
C="$S/examples/minimal_case.yaml"; W="$S/examples/steelworks_h2_dri.yaml"
# expect CODE REGEX CMD...: exit code CODE and stderr+stdout matching REGEX
expect() {
  local code="$1" re="$2"; shift 2
  "$@" > "$T/o" 2>&1; local rc=$?
  [ "$rc" -eq "$code" ] || fail "exit $rc (expected $code): $* :: $(head -c 600 "$T/o")"
  grep -Eq -- "$re" "$T/o" || fail "output of '$*' does not match '$re': $(head -c 600 "$T/o")"
}
notmp() { ! ls -a "$1" | grep -q 'tmp-' || fail "temporary file left in $1: $(ls -a "$1")"; }

# --- output integrity -------------------------------------------------------------------------
"$K" value "$C" --paths 2000 --quiet > /dev/full 2> "$T/e"; [ $? -eq 1 ] || fail "stdout /dev/full not an error"
grep -q "standard output: writing failed" "$T/e" || fail "stdout message: $(cat "$T/e")"
"$K" value "$C" --paths 2000 --quiet >&- 2> "$T/e"; [ $? -eq 2 ] || fail "closed stdout not an error"
mkdir "$T/out"; "$K" value "$C" --paths 2000 --quiet --out "$T/out" > /dev/null || fail "value --out"
cp "$T/out/results.json" "$T/good.json"
# a write failure (file size limit: EFBIG) leaves the previous results intact and no temporary file
(trap '' XFSZ; ulimit -f 2; "$K" value "$C" --paths 2000 --seed 7 --quiet --out "$T/out" > /dev/null 2> "$T/e"); rc=$?
[ $rc -eq 1 ] || fail "--out write failure exit $rc"; grep -q -- "--out: cannot write .*results.json" "$T/e" || fail "write failure message: $(cat "$T/e")"
cmp -s "$T/good.json" "$T/out/results.json" || fail "previous results.json not intact"
notmp "$T/out"
# output paths refused before the valuation: a device, a FIFO, a directory, a missing directory
mkfifo "$T/fifo"
expect 2 "--csv: the output file is .*a FIFO" "$K" compare "$C" --paths 2000 --quiet --csv "$T/fifo"
expect 2 "--report: the output file is .*a directory" "$K" value "$C" --paths 2000 --quiet --report "$T/out"
expect 2 "--out: the output file is .*a FIFO" "$K" calibrate --series "$S/data/eua_dec_futures_daily_2010_2025.csv" --out "$T/fifo"
expect 2 "--report: the directory of .* but must exist" "$K" value "$C" --paths 2000 --quiet --report "$T/nodir/r.html"
touch "$T/plainfile"
expect 2 "--out: the output directory is .*not a regular file|--out: the output directory is" "$K" value "$C" --paths 2000 --quiet --out "$T/plainfile"
if [ "$(id -u)" -eq 0 ]; then
  mknod "$T/null" c 1 3
  expect 2 "a character device" "$K" value "$C" --paths 2000 --quiet --report "$T/null"
  expect 2 "a character device" "$K" compare "$C" --paths 2000 --quiet --csv "$T/null"
  expect 2 "a character device" "$K" calibrate --series "$S/data/eua_dec_futures_daily_2010_2025.csv" --out "$T/null"
  [ -c "$T/null" ] || fail "device replaced"
fi
notmp "$T"

# --- input integrity --------------------------------------------------------------------------
sed 's/^  capture:/  capture:\n    capex: 4.0e8/' "$C" > "$T/dupkey.yaml"   # capex given twice
expect 2 "options.capture.capex: the key 'capex' is given twice \(lines [0-9]+ and [0-9]+\)" "$K" value "$T/dupkey.yaml" --paths 2000
{ cat "$C"; printf '  capture:\n    capex: 1\n'; } > "$T/dupopt.yaml"                 # a second option of the same name
expect 2 "the key 'capture' is given twice" "$K" value "$T/dupopt.yaml" --paths 2000
printf 'name: a\nloans:\n  one: {case: %s, loan: %s}\n  one: {case: %s, loan: %s}\n' "$W" "$S/examples/steelworks_dri_green_loan.yaml" "$W" "$S/examples/steelworks_dri_green_loan.yaml" > "$T/dup_portfolio.yaml"
expect 2 "loans.one: the key 'one' is given twice" "$K" portfolio "$T/dup_portfolio.yaml" --paths 2000 --quiet
# --set on a node shared through an alias is refused
sed -e 's/^    decision_window: {earliest: 2026, latest: 2040}/    decision_window: \&w {earliest: 2026, latest: 2040}/' "$C" > "$T/alias.yaml"
printf '  capture2:\n    capex: 4.0e8\n    capture_rate: 0.9\n    lifetime_years: 20\n    decision_window: *w\n' >> "$T/alias.yaml"
expect 2 "--set options.capture.decision_window.latest: .*shared through a YAML anchor or alias" "$K" value "$T/alias.yaml" --paths 2000 --set options.capture.decision_window.latest=2030
expect 2 "--seed.*must be a whole number" "$K" value "$C" --paths 2000 --seed -1
expect 2 "--seed.*must be at most 18446744073709551615" "$K" value "$C" --paths 2000 --seed 18446744073709551616
expect 2 "--paths.*must be a whole number" "$K" value "$C" --paths 1e3
expect 2 "--report-paths is 1, but must be even" "$K" value "$C" --paths 2000 --report "$T/r.html" --report-paths 1
expect 2 "--report-paths is 4, but must be given only with --report" "$K" value "$C" --paths 2000 --report-paths 4
expect 2 "the case file is a directory, but must be a file" "$K" value "$S/examples"
head -c 5000000 /dev/zero | tr '\0' 'a' > "$T/big.yaml"
expect 2 "big.yaml: the case file is 5000000 bytes, but must be at most 4194304 bytes" "$K" value "$T/big.yaml"

# --- referenced files: never echoed -----------------------------------------------------------
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nsecretline:x:2:2\n' > "$T/passwd"
expect 2 "passwd: the file is plain text, not YAML fields, but must be a YAML map of fields" "$K" value "$C" --paths 2000 --set "factors.co2.params_file=$T/passwd"
grep -q "secretline\|daemon" "$T/o" && fail "the referenced file's contents were echoed: $(cat "$T/o")"
cp "$T/passwd" "$T/passwd.yaml"
expect 2 "passwd.yaml: the file is plain text" "$K" value "$C" --paths 2000 --scenario "$T/passwd.yaml"
grep -q "secretline" "$T/o" && fail "scenario file echoed"

# --- results checked before they are printed ----------------------------------------------------
expect 2 "the result [a-z_.]+ is .*but must be finite.*factors.product.value = 1e\+308" "$K" value "$C" --paths 2000 --quiet \
  --set factors.product.model=constant --set factors.product.value=1e308 --out "$T/over"
[ -e "$T/over" ] && fail "an overflowed result wrote --out"
# Schwartz-Smith with sigma 10 over 100 years, and spots of 1e200 and 1e308: overflow named, exit 2
expect 2 "the result [][a-z_.0-9]+ is .*but must be finite" "$K" value "$C" --paths 2000 --quiet \
  --set valuation.horizon_years=100 --set "options.capture.decision_window={earliest: 2026, latest: 2100}" \
  --set "factors.co2={model: schwartz-smith, unit: EUR/t, spot: 70, parameters: {kappa: 1, sigma_chi: 10, mu_xi: 0, sigma_xi: 10, rho: 0}}"
expect 2 "the result [a-z_.]+ is .*but must be finite.*factors.co2.spot = 1e\+200" "$K" value "$C" --paths 2000 --quiet \
  --set factors.co2.spot=1e200
expect 2 "the result [a-z_.]+ is .*but must be finite.*factors.co2.spot = 1e\+308" "$K" value "$C" --paths 2000 --quiet \
  --set factors.co2.spot=1e308
# in-range but hard to fit: gas mean reversion far slower than the horizon (said invest_now at -769 m
# beside never investing at +5,896 m): a fitting failure, not a decision. The steelworks as it was
# then (before the 2026-12-07 recalibration: 1.66 t/t, steel 600 EUR/t, premium 120, hydrogen at the
# power price); on the recalibrated case the same kappa gives a consistent invest_now in H2-DRI.
OLDW=(--set plant.emission_intensity_t_per_t=1.66 --set factors.product.value=600
      --set policy.green_premium.eur_per_t=120 --set factors.hydrogen.power_price_factor=1)
# The statistical repros at 20,000 paths (and the 4,000-path one below) run in the Release pass only:
# under the sanitizers (KP_SANITIZED=1, tests/CMakeLists.txt) they cost a minute and test the fits'
# statistics, not memory; the same code (value, its checks and warnings) runs in the other cases.
if [ -z "${KP_SANITIZED:-}" ]; then
expect 1 "is below never invest .* fitting failure" "$K" value "$W" --paths 20000 --quiet --set factors.gas.parameters.kappa=1e-6 "${OLDW[@]}"
fi
expect 1 "below close now .* fitting failure" "$K" value "$W" --paths 2000 --quiet --set alternatives.close.value=1e300
if [ -z "${KP_SANITIZED:-}" ]; then
# below never investing by only ~0.1% of its value, but 6 standard errors of the pathwise difference
# (the two values in quadrature would hide it): a fitting failure
expect 1 "value of waiting is .* more than 3 standard errors below 0.* fitting failure" "$K" value \
  "$S/examples/chemical_site_eboilers.yaml" --paths 20000 --quiet --set plant.decommissioning_cost=1e9
# 2 to 3 standard errors below 0: the decision is printed, with a warning that it is doubtful (the
# steelworks as it was, OLDW above: -1,838.9 +- 910.2 m, 2.0 SE; recalibrated, kappa 0.01 gives +152 +- 231 m)
expect 0 "Warning: the value of waiting is -[0-9.]+ \+- [0-9.]+ m, 2\.[0-9] standard errors below 0" "$K" value "$W" \
  --paths 20000 --quiet --set factors.gas.parameters.kappa=0.01 "${OLDW[@]}"
# within 2 standard errors of 0 (the rules disagree: the recalibrated steelworks with kappa 0.01 at
# 4,000 paths, -155.1 +- 286.9 m): the decision is printed with a warning that it could go either way
expect 0 "Warning: the value of waiting is -?[0-9.]+ \+- [0-9.]+ m, within 2 standard errors of 0.*could go either way" \
  "$K" value "$W" --paths 4000 --quiet --set factors.gas.parameters.kappa=0.01
fi

# --- breakeven: --upper checked; the break-even does not depend on it ----------------------------
expect 2 "--upper is -5, but must be above 0" "$K" breakeven "$C" --instrument operating-subsidy --paths 2000 --upper -5 --quiet
expect 2 "--upper.*must be a finite number" "$K" breakeven "$C" --instrument operating-subsidy --paths 2000 --upper nan --quiet
expect 2 "--upper is 1e\+100, but must be above 0 and at most" "$K" breakeven "$C" --instrument operating-subsidy --paths 2000 --upper 1e100 --quiet
for u in 1000 1000000; do
  "$K" breakeven "$C" --instrument operating-subsidy --paths 2000 --upper $u --json --quiet > "$T/b$u.json" || fail "breakeven --upper $u"
done
b1=$(sed -n 's/.*"breakeven":\([0-9.e+]*\),.*/\1/p' "$T/b1000.json"); b2=$(sed -n 's/.*"breakeven":\([0-9.e+]*\),.*/\1/p' "$T/b1000000.json")
awk -v a="$b1" -v b="$b2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= 2e-3 * a) }' \
  || fail "break-even depends on --upper: $b1 (1000) vs $b2 (1e6)"
set=$(sed -n 's/.*"set":"\([^"]*\)".*/\1/p' "$T/b1000000.json")
"$K" value "$C" --paths 2000 --set "$set" --json --quiet | grep -q '"decision":"invest_now"' || fail "--set '$set' (from --upper 1e6) does not flip"
# the band holds the re-run truth whatever --upper: on the same paths the case waits at its lower
# end and invests now at its upper end
for u in 1000 1000000; do
  lo=$(sed -n 's/.*"band":\[\([0-9.e+-]*\),.*/\1/p' "$T/b$u.json"); hi=$(sed -n 's/.*"band":\[[0-9.e+-]*,\([0-9.e+-]*\)\].*/\1/p' "$T/b$u.json")
  [ -n "$lo" ] && [ -n "$hi" ] || fail "breakeven --upper $u: no band in $(cat "$T/b$u.json")"
  "$K" value "$C" --paths 2000 --json --quiet --set "options.capture.sde={base_amount: $lo, years: 15}" | grep -q '"decision":"wait"' \
    || fail "breakeven --upper $u: at the band's lower end ($lo) the case does not wait"
  "$K" value "$C" --paths 2000 --json --quiet --set "options.capture.sde={base_amount: $hi, years: 15}" | grep -q '"decision":"invest_now"' \
    || fail "breakeven --upper $u: at the band's upper end ($hi) the case does not invest now"
done

# --- calibration refuses failed fits ------------------------------------------------------------
{ echo "date,price"; for d in $(seq -w 1 28); do echo "2024-02-$d,50"; done; } > "$T/const.csv"
for m in gbm jump; do
  expect 2 "const.csv: price: the log returns of the 28 prices are all equal \(a constant series\)" "$K" calibrate --series "$T/const.csv" --model $m --out "$T/p.yaml"
done
[ -e "$T/p.yaml" ] && fail "a parameter file was written from a constant series"
{ echo "date,price"; for d in $(seq -w 1 28); do echo "2024-02-$d,$((50 + (10#$d % 3)))"; done; } > "$T/vary.csv"
expect 2 "const.csv: price: the [0-9]+ daily log returns .* constant series" "$K" calibrate --series "$T/vary.csv" --series "$T/const.csv"
printf 'capacity,cost\n1,100\n2,100\n4,100\n8,100\n' > "$T/lc.csv"
expect 2 "spread of log cost is 0" "$K" calibrate --learning-curve "$T/lc.csv" --out "$T/lc.yaml"
[ -e "$T/lc.yaml" ] && fail "a learning curve was written from constant costs"

# --- limits up front ------------------------------------------------------------------------------
expect 2 "the run needs about [0-9.]+ GiB of memory.*but must fit in the machine's available memory" "$K" value "$W" --paths 100000000000 --quiet
expect 2 "but must fit in --max-memory 1M" "$K" value "$C" --paths 2000 --quiet --max-memory 1M
expect 2 "regression paths .* but must fit in the machine's available memory" "$K" price american-put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 --exercises 50 --training-paths 10000000000
{ sed -n '1,/^options:/p' "$C"; for i in $(seq 1 65); do printf '  o%d:\n    capex: 4.0e8\n' $i; done; } > "$T/many.yaml"
expect 2 "options: the number of options is 65, but must be at most 64" "$K" value "$T/many.yaml"
# mothballing (plant.mothball): a missing or bad field names the file and the field, exit 2
expect 2 "minimal_case.yaml.*plant.mothball.restart_cost: the field is missing" "$K" value "$C" --paths 2000 --quiet --set "plant.mothball={cost_per_year: 1e7}"
expect 2 "steelworks_h2_dri.yaml.*plant.mothball.restart_years: the value is -1, but must be in \[0, 20\]" "$K" value "$W" --paths 2000 --quiet --set "plant.mothball={cost_per_year: 1e7, restart_cost: 1e8, restart_years: -1}"
echo "all checks passed"
