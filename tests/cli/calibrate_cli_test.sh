#!/usr/bin/env bash
# CLI checks of `kruispunt calibrate`: JSON fields, model comparison, --out, correlations, and bad
# data (exit 2, file:line in the message, no half-written output). Usage: calibrate_cli_test.sh KRUISPUNT SOURCE_DIR
set -u
K="$1"; S="$2"; T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
E="$S/data/eua_dec_futures_daily_2010_2025.csv"; D="$S/tests/data/calibration_test"
"$K" calibrate --series "$E" --model ou --from 2018-01-01 --time business --json > "$T/ou.json" || fail "ou fit exit $?"
for k in '"model": "ou"' '"kappa"' '"theta"' '"sigma"' '"std_error"' '"log_likelihood"' '"aic"' '"bic"' '"observations": 1854'; do
  grep -q "$k" "$T/ou.json" || fail "JSON lacks $k"; done
"$K" calibrate --series "$E" --model gbm,jump --from 2018-01-01 --json | grep -q '"delta_aic"' || fail "no comparison"
"$K" calibrate --series "$E" --model gbm --out "$T/gbm.yaml" > /dev/null && grep -q '^model: gbm' "$T/gbm.yaml" || fail "--out"
"$K" calibrate --series "$E" --series "$S/data/ttf_front_month_daily_2017_2025.csv" --from 2018-01-01 --frequency weekly --json \
  | grep -q '"observations": 376' || fail "correlation"
out=$("$K" calibrate --series "$D/unsorted.csv" --out "$T/bad.yaml" 2>&1); rc=$?
[ $rc -eq 2 ] || fail "unsorted: exit $rc"; echo "$out" | grep -q 'unsorted.csv:4:' || fail "unsorted: $out"
[ ! -e "$T/bad.yaml" ] || fail "half-written output"
out=$("$K" calibrate --series "$E" --column settle 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q ":1: column 'settle'" || fail "column: $out"
out=$("$K" calibrate --series "$D/nonpositive.csv" --model ou 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q 'nonpositive.csv:24:' || fail "nonpositive: $out"
"$K" calibrate --series "$E" --model heston > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown model"
ls -A "$T" | grep -q '\.tmp' && fail "temporary file left"
# Schwartz-Smith on a futures panel (--futures): JSON fields, --out with the extra parameters,
# --maturities / --common-error, and bad panels (exit 2, file:line).
F="$D/futures_panel.csv"
"$K" calibrate --futures "$F" --model schwartz-smith --json --out "$T/ss.yaml" > "$T/ss.json" || fail "futures fit exit $?"
for k in '"rho"' '"lambda_chi"' '"mu_xi_star"' '"s_e_0.25"' '"s_e_2"' '"measurements"' '"diagnostics_by_maturity"' '"observations": 299'; do
  grep -q "$k" "$T/ss.json" || fail "futures JSON lacks $k"; done
grep -q '^  mu_xi_star:' "$T/ss.yaml" && grep -q 'maturities: \[0.25, 0.5, 1, 2\]' "$T/ss.yaml" || fail "futures --out"
"$K" calibrate --futures "$F" --maturities 0.25,0.5,1,2 --common-error --json | grep -q '"s_e"' || fail "--maturities/--common-error"
out=$("$K" calibrate --futures "$D/futures_not_maturity.csv" 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "futures_not_maturity.csv:1: column 'volume' is not a maturity" || fail "not a maturity: $out"
out=$("$K" calibrate --futures "$D/futures_nonpositive.csv" 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q 'futures_nonpositive.csv:4: f_0.5 is 0' || fail "futures nonpositive: $out"
out=$("$K" calibrate --futures "$D/futures_one_maturity.csv" 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q 'futures_one_maturity.csv:1: number of maturities is 1' || fail "one maturity: $out"
echo "calibrate CLI: all checks passed"
