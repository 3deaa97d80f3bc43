# The reference-class technology risk of the steelworks and refinery examples, with the insurance
# and state guarantee the tables compare (docs/valuation.md "Technology risk" and "Risk sharing"), as
# --set arrays: STEEL_RISK, STEEL_INS, STEEL_GUAR, REF_RISK, REF_INS, REF_GUAR. Sourced by
# scripts/technology-risk.sh and scripts/risk-sharing.sh.
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
