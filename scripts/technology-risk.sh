#!/usr/bin/env bash
# The examples with reference-class technology risk (docs/valuation.md "Technology risk"): the
# steelworks and the refinery as written, with risk, with risk and insurance, with risk and a state
# guarantee of half the overrun (value, 100,000 paths), and their green loans (20,000 paths).
# Prints the tables of docs/valuation.md and the README. Usage:
#   scripts/technology-risk.sh [KRUISPUNT] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
K="${1:-build/app/kruispunt}"; OUT="${2:-$(mktemp -d)}"
mkdir -p "$OUT"
# reference-class technology risk for the examples (docs/valuation.md "Technology risk")
H=options.h2_dri_eaf.risk; N=options.ng_dri_eaf.risk; S=options.h2_switch.risk
STEEL_RISK=(--set $H.capex_overrun.mean=0.4 --set $H.capex_overrun.sd=0.5 --set "$H.delay_years=[0.3,0.3,0.2,0.2]"
  --set "$H.ramp_up.availability=[0.6,0.85]" --set $H.ramp_up.first_of_a_kind=true
  --set $H.incidents.frequency_per_year=0.01 --set $H.incidents.severity.mean=3e8 --set $H.incidents.severity.sd=6e8
  --set $N.capex_overrun.mean=0.2 --set $N.capex_overrun.sd=0.3 --set "$N.delay_years=[0.6,0.3,0.1]"
  --set "$N.ramp_up.availability=[0.8]"
  --set $S.capex_overrun.mean=0.4 --set $S.capex_overrun.sd=0.5 --set "$S.ramp_up.availability=[0.7]"
  --set $S.incidents.frequency_per_year=0.01 --set $S.incidents.severity.mean=3e8 --set $S.incidents.severity.sd=6e8)
STEEL_INS=(--set $H.insurance.share=0.8 --set $H.insurance.deductible=1e7 --set $H.insurance.limit=1e9 --set $H.insurance.loading=1.5
  --set $S.insurance.share=0.8 --set $S.insurance.deductible=1e7 --set $S.insurance.limit=1e9 --set $S.insurance.loading=1.5)
C=options.ccs.risk; E=options.electrolysis.risk
REF_RISK=(--set $C.capex_overrun.mean=0.34 --set $C.capex_overrun.sd=0.4 --set "$C.delay_years=[0.5,0.3,0.2]"
  --set "$C.ramp_up.availability=[0.7,0.9]"
  --set $C.incidents.frequency_per_year=0.01 --set $C.incidents.severity.mean=1e8 --set $C.incidents.severity.sd=2e8
  --set $E.capex_overrun.mean=0.4 --set $E.capex_overrun.sd=0.5 --set "$E.delay_years=[0.4,0.3,0.3]"
  --set "$E.ramp_up.availability=[0.6,0.85]" --set $E.ramp_up.first_of_a_kind=true
  --set $E.incidents.frequency_per_year=0.02 --set $E.incidents.severity.mean=5e7 --set $E.incidents.severity.sd=1e8)
REF_INS=(--set $C.insurance.share=0.8 --set $C.insurance.deductible=5e6 --set $C.insurance.limit=5e8 --set $C.insurance.loading=1.5
  --set $E.insurance.share=0.8 --set $E.insurance.deductible=5e6 --set $E.insurance.limit=5e8 --set $E.insurance.loading=1.5)
STEEL_GUAR=(--set $H.capex_overrun.state_share=0.5 --set $S.capex_overrun.state_share=0.5 --set $N.capex_overrun.state_share=0.5)
REF_GUAR=(--set $C.capex_overrun.state_share=0.5 --set $E.capex_overrun.state_share=0.5)
S=examples/steelworks_h2_dri.yaml; R=examples/refinery_hydrogen_ccs_porthos.yaml
L=examples/steelworks_dri_green_loan.yaml; RL=examples/refinery_ccs_loan.yaml
"$K" value $S --json --quiet > "$OUT/S0.json"
"$K" value $S --json --quiet "${STEEL_RISK[@]}" > "$OUT/S1.json"
"$K" value $S --json --quiet "${STEEL_RISK[@]}" "${STEEL_INS[@]}" > "$OUT/S2.json"
"$K" value $S --json --quiet "${STEEL_RISK[@]}" "${STEEL_GUAR[@]}" > "$OUT/S3.json"
"$K" value $R --json --quiet > "$OUT/R0.json"
"$K" value $R --json --quiet "${REF_RISK[@]}" > "$OUT/R1.json"
"$K" value $R --json --quiet "${REF_RISK[@]}" "${REF_INS[@]}" > "$OUT/R2.json"
"$K" value $R --json --quiet "${REF_RISK[@]}" "${REF_GUAR[@]}" > "$OUT/R3.json"
"$K" loan $S $L --paths 20000 --json --quiet > "$OUT/LS0.json"
"$K" loan $S $L --paths 20000 --json --quiet "${STEEL_RISK[@]}" > "$OUT/LS1.json"
"$K" loan $S $L --paths 20000 --json --quiet "${STEEL_RISK[@]}" "${STEEL_INS[@]}" > "$OUT/LS2.json"
"$K" loan $S $L --paths 20000 --json --quiet "${STEEL_RISK[@]}" "${STEEL_GUAR[@]}" > "$OUT/LS3.json"
"$K" loan $R $RL --paths 20000 --json --quiet > "$OUT/LR0.json" 2> "$OUT/LR0.err" || true  # may be refused (sizing)
"$K" loan $R $RL --paths 20000 --json --quiet "${REF_RISK[@]}" > "$OUT/LR1.json" 2> "$OUT/LR1.err" || true  # may be refused (sizing)
"$K" loan $R $RL --paths 20000 --json --quiet "${REF_RISK[@]}" "${REF_INS[@]}" > "$OUT/LR2.json" 2> "$OUT/LR2.err" || true  # may be refused (sizing)
"$K" loan $R $RL --paths 20000 --json --quiet "${REF_RISK[@]}" "${REF_GUAR[@]}" > "$OUT/LR3.json" 2> "$OUT/LR3.err" || true  # may be refused (sizing)
python3 scripts/technology-risk-table.py "$OUT"
