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
source scripts/reference-risk.sh  # STEEL_RISK, STEEL_INS, STEEL_GUAR, REF_RISK, REF_INS, REF_GUAR
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
