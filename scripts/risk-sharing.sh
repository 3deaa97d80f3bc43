#!/usr/bin/env bash
# The value of risk-sharing on the examples with reference-class technology risk (docs/valuation.md
# "Risk sharing"): `kruispunt compare --instruments` on the steelworks and the refinery (100,000 paths),
# and the steelworks' DRI green loan on each row (20,000 paths: what insurance, the guarantee and a CCfD
# buy the bank). Prints the tables of docs/valuation.md, docs/loans.md and the README. Usage:
#   scripts/risk-sharing.sh [KRUISPUNT] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
K="${1:-build/app/kruispunt}"; OUT="${2:-$(mktemp -d)}"
mkdir -p "$OUT"
source scripts/reference-risk.sh  # STEEL_RISK, REF_RISK (the instruments' terms are the command's defaults)
S=examples/steelworks_h2_dri.yaml; R=examples/refinery_hydrogen_ccs_porthos.yaml; L=examples/steelworks_dri_green_loan.yaml
I=guarantee,insurance,ccfd,combined
"$K" compare $S --instruments $I --json --quiet "${STEEL_RISK[@]}" > "$OUT/steelworks.json"
# the refinery: insurance as in technology-risk.sh (deductible 5 m, limit 500 m); the CCfD replaces the
# CCS's SDE++ at its base amount (120 EUR/t): two-sided and without its floor
"$K" compare $R --instruments $I --insurance-deductible 5e6 --insurance-limit 5e8 --ccfd-options ccs --ccfd-strike 120 \
  --json --quiet "${REF_RISK[@]}" > "$OUT/refinery.json"
"$K" compare $S --instruments $I --loan $L --paths 20000 --json --quiet "${STEEL_RISK[@]}" > "$OUT/steelworks_loan.json"
# the CCfD at other strikes: the steelworks' NG-DRI at 200 EUR/t (about the case's median EUA from 2035),
# the refinery's CCS at 150 (about the capture's cost per tonne) instead of its SDE++
"$K" compare $S --instruments ccfd --ccfd-strike 200 --json --quiet "${STEEL_RISK[@]}" > "$OUT/steelworks_ccfd200.json"
"$K" compare $R --instruments ccfd --ccfd-options ccs --ccfd-strike 150 --json --quiet "${REF_RISK[@]}" > "$OUT/refinery_ccfd150.json"
# the loan when the financed NG-DRI plant has incidents too (0.02 a year of 300 +- 600 m: ASSUMPTION), with and
# without insurance
N=options.ng_dri_eaf.risk
"$K" compare $S --instruments insurance --loan $L --paths 20000 --json --quiet "${STEEL_RISK[@]}" \
  --set $N.incidents.frequency_per_year=0.02 --set $N.incidents.severity.mean=3e8 --set $N.incidents.severity.sd=6e8 \
  > "$OUT/steelworks_loan_incidents.json"
# the refinery's CCS loan (completion support since 2026-12-08, so it also prices under the delay risk:
# docs "Technology risk"), here with the delay removed as before, with and without insurance: at the
# reference-class incident frequency (0.01 a year) and at five times it (ASSUMPTION)
C=options.ccs.risk; RL=examples/refinery_ccs_loan.yaml
for f in 0.01 0.05; do
  "$K" compare $R --instruments insurance --insurance-deductible 5e6 --insurance-limit 5e8 --loan $RL --paths 20000 \
    --json --quiet "${REF_RISK[@]}" --set "$C.delay_years=[1.0]" --set $C.incidents.frequency_per_year=$f \
    > "$OUT/refinery_loan_$f.json"
done
python3 scripts/risk-sharing-table.py "$OUT"
