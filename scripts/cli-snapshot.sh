#!/usr/bin/env bash
# Runs a fixed set of `kruispunt` commands (canonical problems, every example, sensitivities, compare,
# breakeven, loans, value --loan, portfolio, CSV output) and stores their outputs in DIR, with the run times
# (`"seconds"` fields and the CSVs' timing columns) removed, so that two builds can be compared bit
# for bit: a restructuring keeps every number. Usage:
#   scripts/cli-snapshot.sh KRUISPUNT DIR [--quick]
#   diff -r DIR_BEFORE DIR_AFTER && echo identical
# --quick: the examples at 20,000 paths instead of 100,000 (about 1 minute instead of 3).
set -euo pipefail
K="$(realpath "$1")"; OUT="$2"; QUICK="${3:-}"
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
N=100000; [ "$QUICK" = "--quick" ] && N=20000
strip() { sed -E -e 's/"seconds": ?[-0-9.e+]+/"seconds":0/g' -e 's/, [0-9.]+ s$/, T s/'; }
run() {  # run NAME ARGS...: stdout (timings stripped) into DIR/NAME.json, exit code kept
  local name="$1"; shift
  local rc=0
  "$K" "$@" > "$OUT/$name.raw" 2> "$OUT/$name.err" || rc=$?
  strip < "$OUT/$name.raw" > "$OUT/$name.json"; rm -f "$OUT/$name.raw"
  echo "exit $rc" >> "$OUT/$name.json"
  sed -i -E '/^\s*$/d' "$OUT/$name.err"
}
PUT=(price american-put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 --exercises 50)
run put_antithetic "${PUT[@]}" --paths 100000 --json
run put_plain "${PUT[@]}" --paths 30001 --no-antithetic --json
run put_laguerre "${PUT[@]}" --paths 50000 --basis laguerre --degree 3 --json
run put_qmc "${PUT[@]}" --paths 32768 --qmc --json
run put_upper "${PUT[@]}" --paths 20000 --upper-bound --upper-outer 200 --upper-inner 100 --json
run put_deep_otm price american-put --spot 80 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 --exercises 50 --paths 20000 --json
run maxcall3 price max-call --assets 3 --spot 100 --strike 100 --rate 0.05 --dividend 0.1 --vol 0.2 --corr 0 --maturity 3 --exercises 9 --paths 50000 --json
run perpetual_lsm price perpetual-investment --value 100 --cost 100 --rate 0.04 --yield 0.04 --vol 0.2 --method lsm --horizon 40 --exercises 160 --paths 20000 --json
for f in steelworks_h2_dri minimal_case chemical_site_eboilers methanol_waste_gasification refinery_hydrogen_ccs_porthos; do
  run "value_$f" value "examples/$f.yaml" --paths "$N" --json --quiet
done
run value_steelworks_accelerated value examples/steelworks_h2_dri.yaml --scenario accelerated --paths 20000 --json --quiet
run value_steelworks_text value examples/steelworks_h2_dri.yaml --paths 20000 --quiet
run value_minimal_sens value examples/minimal_case.yaml --paths 20000 --sensitivities --json --quiet --out "$OUT/minimal_out"
run value_steelworks_sens value examples/steelworks_h2_dri.yaml --paths 20000 --sensitivities --json --quiet
run compare_steelworks compare examples/steelworks_h2_dri.yaml --scenarios all --paths 10000 --json --quiet
run breakeven_minimal breakeven examples/minimal_case.yaml --instrument operating-subsidy --paths 10000 --json --quiet
run loan_steelworks loan examples/steelworks_h2_dri.yaml examples/steelworks_dri_green_loan.yaml --paths 10000 --json --quiet
run loan_refinery loan examples/refinery_hydrogen_ccs_porthos.yaml examples/refinery_ccs_loan.yaml --scenario accelerated --paths 10000 --json --quiet
run value_steelworks_loan value examples/steelworks_h2_dri.yaml --loan examples/steelworks_dri_green_loan.yaml --paths 10000 --json --quiet
run value_minimal_loan_text value examples/minimal_case.yaml --loan tests/data/loan_file_test/few_drawn.yaml --paths 2000 --quiet
# technology risk with a guarantee, insurance and a CCfD (the state's and insurer's payments share its paths)
RISK=(--set options.ng_dri_eaf.risk.capex_overrun.mean=0.2 --set options.ng_dri_eaf.risk.capex_overrun.sd=0.3
  --set options.ng_dri_eaf.risk.capex_overrun.state_share=0.5 --set "options.ng_dri_eaf.risk.delay_years=[0.6,0.3,0.1]"
  --set "options.ng_dri_eaf.ccfd={strike: 150, years: 15}" --set "options.h2_dri_eaf.risk.ramp_up.availability=[0.6,0.85]"
  --set options.h2_dri_eaf.risk.incidents.frequency_per_year=0.05 --set options.h2_dri_eaf.risk.incidents.severity.mean=3e8
  --set options.h2_dri_eaf.risk.incidents.severity.sd=6e8 --set "options.h2_dri_eaf.risk.insurance={share: 0.8, deductible: 1e7, limit: 1e9, loading: 1.5}")
run value_steelworks_risk value examples/steelworks_h2_dri.yaml --paths 20000 --json --quiet "${RISK[@]}"
run loan_steelworks_risk loan examples/steelworks_h2_dri.yaml examples/steelworks_dri_green_loan.yaml --paths 10000 --json --quiet "${RISK[@]}"
run portfolio portfolio examples/dutch_industry_loan_portfolio.yaml --paths 10000 --json --quiet
if [ -d "$OUT/minimal_out" ]; then
  strip < "$OUT/minimal_out/results.json" > "$OUT/minimal_out/results.stripped" && rm "$OUT/minimal_out/results.json"
fi
echo "snapshot written to $OUT"
