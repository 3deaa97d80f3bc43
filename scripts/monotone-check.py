#!/usr/bin/env python3
# Usage (from the project root, after a build): python3 scripts/monotone-check.py
# Prints, for every investment example, the change of the option value (and in standard errors of
# the difference) when a capex falls 10%, a grant of 50% replaces any default, the SDE++ base amount
# or the green premium rises 20%, or the transport-and-storage tariff rises 20%; VIOLATED when the
# change has the wrong sign by more than 3 SE. Results: docs/valuation.md, "Monotone answers".
# Monotone properties of every investment example, measured with the CLI's defaults (rules retrained).
import json, subprocess, sys, yaml, math
K = "./build/app/kruispunt"
cases = ["minimal_case", "chemical_site_eboilers", "methanol_waste_gasification", "refinery_hydrogen_ccs_porthos", "steelworks_h2_dri"]
def val(c, sets):
    cmd = [K, "value", f"examples/{c}.yaml", "--json", "--quiet"]
    for s in sets: cmd += ["--set", s]
    j = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return j["option_value"]["value"], j["option_value"]["std_error"]
for c in cases:
    y = yaml.safe_load(open(f"examples/{c}.yaml"))
    b, bse = val(c, [])
    bumps = []
    for name, o in (y.get("options") or {}).items():
        if o.get("requires"): continue
        bumps.append((f"{name} capex -10%", [f"options.{name}.capex={float(o['capex'])*0.9:.6g}"], +1))
        bumps.append((f"{name} grant 50% (above any default)", [f"options.{name}.capital_grant={{share: 0.5}}"], +1))
        if "sde" in o and "base_amount" in o["sde"]:
            bumps.append((f"{name} SDE base +20%", [f"options.{name}.sde.base_amount={float(o['sde']['base_amount'])*1.2:.6g}"], +1))
        if "ts_tariff_per_t" in o:
            bumps.append((f"{name} T&S tariff +20%", [f"options.{name}.ts_tariff_per_t={float(o['ts_tariff_per_t'])*1.2:.6g}"], -1))
    gp = (y.get("policy") or {}).get("green_premium")
    if gp: bumps.append(("green premium +20%", [f"policy.green_premium.eur_per_t={float(gp['eur_per_t'])*1.2:.6g}"], +1))
    for label, sets, sign in bumps:
        v, se = val(c, sets)
        d = v - b; s = math.hypot(se, bse)
        print(f"{c:32s} {label:34s} {d/1e6:9.1f} m  ({d/s:+6.1f} SE) {'OK' if sign*d >= -3*s else 'VIOLATED'}", flush=True)
