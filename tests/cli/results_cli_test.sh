#!/usr/bin/env bash
# CLI checks of issue 5 on the minimal case (small paths, fixed seed): value --sensitivities (JSON
# fields, directions beyond 3 standard errors, the exact capex change), breakeven (the printed --set
# flips the decision on re-run, slightly below it does not), compare (JSON and CSV), CSV and exit codes
# of bad input, nothing half-written. Usage: results_cli_test.sh KRUISPUNT SOURCE_DIR
set -u
K="$1"; S="$2"; T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
C="$S/examples/minimal_case.yaml"

# --- sensitivities ---------------------------------------------------------------------------
"$K" value "$C" --paths 4000 --sensitivities --json --out "$T/out" > "$T/v.json" 2> "$T/v.err" || fail "value exit $?"
[ -s "$T/v.err" ] && fail "stderr not silent when it is not a terminal: $(cat "$T/v.err")"
# field NAME MEASURE (option_value|npv_now) PART (value|std_error) of the sensitivity entry NAME
field() {
  sed 's/},{"name"/}\n{"name"/g' "$T/v.json" | grep "^.*{\"name\":\"$1\"" \
    | sed -n "s/^.*\"$2\":{\"value\":\([^,]*\),\"std_error\":\([^}]*\)}.*/\1 \2/p" | head -1 \
    | awk -v part="$3" '{ print (part == "value" ? $1 : $2) }'
}
for n in co2_level co2_vol capex discount_rate subsidy; do
  grep -q "{\"name\":\"$n\",\"bump\":\"[^\"]*\",\"option_value\":{\"value\":[-0-9.e]*,\"std_error\":[0-9.e]*},\"npv_now\":{\"value\":" "$T/v.json" \
    || fail "sensitivity $n missing or malformed"
done
# check NAME MEASURE OP: the change compared with 3 standard errors ("<" : below -3 SE, ">" : above +3 SE)
check() {
  local v se; v=$(field "$1" "$2" value); se=$(field "$1" "$2" std_error)
  awk -v v="$v" -v se="$se" -v op="$3" 'BEGIN { exit !((op == "<" && v < -3 * se) || (op == ">" && v > 3 * se)) }' \
    || fail "$1 $2: change $v, SE $se, expected $3 3 SE"
}
check co2_level option_value "<"      # an emitter pays more for every tonne: worth less
check co2_vol option_value ">"        # a more volatile CO2 price: the option to invest is worth more
check capex option_value "<"
check discount_rate option_value ">"  # costs only (no product price): a higher rate discounts them more
# capex +10%: NPV now falls by exactly 10% of the capex (4.0e8, no grant, no learning, paid at t = 0)
awk -v v="$(field capex npv_now value)" 'BEGIN { exit !(v > -4.0e7 - 1 && v < -4.0e7 + 1) }' \
  || fail "capex NPV-now change $(field capex npv_now value), expected -4.0e7"
head -1 "$T/out/sensitivities.csv" | grep -q '^name,bump,option_value_change_EUR,option_value_change_se_EUR,npv_now_change_EUR' \
  || fail "sensitivities.csv header"
[ "$(wc -l < "$T/out/sensitivities.csv")" -eq 6 ] || fail "sensitivities.csv rows"
"$K" value "$C" --paths 4000 --sensitivities | grep -q '+10% CO2 price level' || fail "text sensitivities"
# bit-identical for any thread count (per-path storage, reductions in path order)
for t in 1 2; do "$K" value "$C" --paths 4000 --sensitivities --json --threads $t | sed 's/"seconds":[0-9.e+-]*//' > "$T/t$t.json"; done
cmp -s "$T/t1.json" "$T/t2.json" || fail "results differ between 1 and 2 threads"

# --- breakeven: the --set it prints flips the decision; slightly below it does not -----------
"$K" breakeven "$C" --instrument operating-subsidy --paths 4000 --json > "$T/b.json" || fail "breakeven exit $?"
grep -q '"instrument":"operating-subsidy".*"breakeven":[0-9.]*,"band":\[[0-9.]*,[0-9.]*\],"set":"options.capture.sde=' "$T/b.json" \
  || fail "breakeven JSON: $(cat "$T/b.json")"
be=$(sed -n 's/.*"breakeven":\([0-9.e+]*\),.*/\1/p' "$T/b.json")
set=$(sed -n 's/.*"set":"\([^"]*\)".*/\1/p' "$T/b.json")
lo=$(sed -n 's/.*"band":\[\([0-9.e+]*\),.*/\1/p' "$T/b.json"); hi=$(sed -n 's/.*"band":\[[0-9.e+]*,\([0-9.e+]*\)\].*/\1/p' "$T/b.json")
awk -v b="$be" -v l="$lo" -v h="$hi" 'BEGIN { exit !(l <= b && b <= h && b > 0) }' || fail "band [$lo, $hi] around $be"
"$K" value "$C" --paths 4000 --set "$set" --json | grep -q '"decision":"invest_now"' || fail "--set '$set' does not flip"
below=$(awk -v b="$be" 'BEGIN { printf "%.10g", b * 0.99 }')
"$K" value "$C" --paths 4000 --set "${set/$be/$below}" --json | grep -q '"decision":"wait"' || fail "1% below $be still invests"
# co2-price: today's CO2 price at which investing now pays; it flips the decision, and it agrees
# with today's trigger read off the rule (within 3 SE of the trigger plus the band's half width)
"$K" breakeven "$C" --instrument co2-price --paths 8000 --json > "$T/bp.json" || fail "breakeven co2-price exit $?"
bp=$(sed -n 's/.*"breakeven":\([0-9.e+]*\),.*/\1/p' "$T/bp.json")
setp=$(sed -n 's/.*"set":"\([^"]*\)".*/\1/p' "$T/bp.json")
awk -v s="${setp#factors.co2.spot=}" -v b="$bp" 'BEGIN { d = s - b; if (d < 0) d = -d; exit !(d <= 1e-9 * b) }' \
  && [ "${setp%%=*}" = "factors.co2.spot" ] || fail "co2-price set: $(cat "$T/bp.json")"
lop=$(sed -n 's/.*"band":\[\([0-9.e+]*\),.*/\1/p' "$T/bp.json"); hip=$(sed -n 's/.*"band":\[[0-9.e+]*,\([0-9.e+]*\)\].*/\1/p' "$T/bp.json")
"$K" value "$C" --paths 8000 --set "$setp" --json | grep -q '"decision":"invest_now"' || fail "--set '$setp' does not flip"
"$K" value "$C" --paths 8000 --json > "$T/vp.json"
tr0=$(sed -n 's/.*"trigger":\[{"year":[0-9]*,"co2_price":\([0-9.e+]*\),"std_error":\([0-9.e+]*\),"status":"found"}.*/\1 \2/p' "$T/vp.json")
[ -n "$tr0" ] || fail "no trigger today: $(head -c 600 "$T/vp.json")"
awk -v b="$bp" -v l="$lop" -v h="$hip" -v t="${tr0% *}" -v se="${tr0#* }" \
  'BEGIN { d = b - t; if (d < 0) d = -d; exit !(d <= 3 * se + (h - l) / 2) }' \
  || fail "co2-price break-even $bp [$lop, $hip] against today's trigger $tr0"
"$K" breakeven "$C" --instrument capex-grant --paths 2000 --json | grep -q '"breakeven":null.*"note":"investing now does not become optimal up to 400000000' \
  || fail "capex-grant without break-even"

# --- compare ---------------------------------------------------------------------------------
"$K" compare "$C" --scenarios all --paths 2000 --json --csv "$T/compare.csv" > "$T/c.json" || fail "compare exit $?"
for s in stabilisation relocation innovation-hubs accelerated; do
  grep -q "{\"scenario\":\"$s\",\"decision\":\"[a-z_]*\",.*\"option_value\":{\"value\":" "$T/c.json" || fail "compare $s"; done
for k in '"value_of_waiting"' '"trigger"' '"invest_by_2030"' '"invest_by_2035"' '"cumulative_emissions_t"' '"cumulative_emissions_t_se"'; do
  grep -q "$k" "$T/c.json" || fail "compare JSON lacks $k"; done
# standard errors for every value shown: option value, value of waiting, trigger, P(invested by)
grep -q '"invest_by_2030":{"value":[-0-9.e+]*,"std_error":[0-9.e+-]*}' "$T/c.json" || fail "compare JSON: invest_by_2030 without std_error"
head -1 "$T/compare.csv" | grep -q '^scenario,decision,technology,option_value_EUR,option_value_se_EUR,value_of_waiting_EUR,value_of_waiting_se_EUR,trigger_year,trigger_EUR_per_tco2,trigger_se_EUR_per_tco2,invest_by_2030_probability,invest_by_2030_probability_se,invest_by_2035_probability,invest_by_2035_probability_se,cumulative_emissions_tco2,cumulative_emissions_se_tco2$' || fail "compare.csv header: $(head -1 "$T/compare.csv")"
[ "$(wc -l < "$T/compare.csv")" -eq 6 ] || fail "compare.csv rows"
sed -n 2p "$T/compare.csv" | grep -q '^as written,' || fail "compare.csv: the case as written is not the first row"
grep -q '^\[{"scenario":"as written",' "$T/c.json" || fail "compare JSON: the case as written is not first"
"$K" compare "$C" --paths 2000 > "$T/c.txt"
grep -q '^accelerated .* +- .* +- .* [01]\.[0-9][0-9] +- [0-9.]* *[01]\.[0-9][0-9] +- [0-9.]* ' "$T/c.txt" || fail "compare text table: $(cat "$T/c.txt")"

# --- bad input: exit 2, a message naming what was wrong, nothing written --------------------
out=$("$K" breakeven "$C" --instrument grant 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "instrument is 'grant'" || fail "bad instrument: $out"
out=$("$K" breakeven "$C" --instrument co2-floor 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "co2_levy.*must be enabled" || fail "co2-floor without levy: $out"
out=$("$K" breakeven "$C" --instrument capex-grant --target invested-by:2030 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "target is 'invested-by:2030', but must be invested-by:YEAR:P" || fail "bad target: $out"
out=$("$K" breakeven "$C" --instrument capex-grant --target invested-by:2030:1.5 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "a probability must be in (0, 1\]" || fail "target p: $out"
out=$("$K" breakeven "$C" --instrument capex-grant --target emissions:2099:1 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "the year is 2099, but must be within the horizon of .*\[2026, 2045\]" || fail "target year: $out"
out=$("$K" compare "$C" --scenarios stabilisation,nope 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q "'nope'" || fail "unknown scenario: $out"
printf 'name: bad\nanchors:\n  co2_path: ngfs/net-zero/remind\n' > "$T/bad_scen.yaml"
out=$("$K" value "$C" --paths 2000 --scenario "$T/bad_scen.yaml" 2>&1); [ $? -eq 2 ] \
  && echo "$out" | grep -q "bad_scen.yaml:3: anchors.co2_path: the NGFS path is 'net-zero/remind', but must be <scenario>/<model>" \
  || fail "bad scenario anchor: $out"
printf 'name: bad\nadjust:\n  options: {scale: 1.5}\n' > "$T/bad_scale.yaml"
out=$("$K" compare "$C" --paths 2000 --scenarios "$T/bad_scale.yaml" 2>&1); [ $? -eq 2 ] \
  && echo "$out" | grep -q "bad_scale.yaml:3: adjust.options.scale: the value is 1.5, but must be in (0, 1\]" \
  || fail "bad scenario scale: $out"
out=$("$K" value "$C" --paths 2000 --report "$T/missing/r.html" 2>&1); [ $? -eq 2 ] && echo "$out" | grep -q -- "--report" || fail "report dir: $out"
out=$("$K" value "$C" --paths 2000 --report "$T/r.html" --set options.capture.capex=-1 2>&1); [ $? -eq 2 ] || fail "bad case with --report: $out"
[ -e "$T/r.html" ] && fail "report written for a bad case"
ls -A "$T" "$T/missing" 2>/dev/null | grep -q '\.tmp' && fail "temporary file left"
echo "results CLI: all checks passed"
