#!/usr/bin/env python3
"""The tables of docs/valuation.md "Technology risk" from scripts/technology-risk.sh's JSON files."""
import json
import os
import sys

d = sys.argv[1]


def load(name):
    with open(os.path.join(d, name + ".json")) as f:
        return json.load(f)


def pm(e, scale=1e6, fmt="{:,.1f}"):
    return (fmt + " ± " + fmt).format(e["value"] / scale, e["std_error"] / scale)


def by(d, year):
    for x in d["invested_by"]:
        if x["year"] == year:
            return "{:.3f} ± {:.3f}".format(x["probability"], x["std_error"])
    return "-"


def route(d):
    parts = []
    for k, v in d["timing"].items():
        p = sum(x["probability"] for x in v)
        if p >= 0.005:
            parts.append("{} {:.0%}".format(k, p))
    for k, v in d.get("stages", {}).items():
        if v["probability"] >= 0.005:
            parts.append("then {} {:.0%}".format(k, v["probability"]))
    return ", ".join(parts)


rows = [("S", "steelworks"), ("R", "refinery")]
kinds = ["as written", "with risk", "risk + insurance", "risk + state guarantee"]
print("| case | | option value | value of waiting | P(invested by 2030) | P(by 2035) | route | horizon emissions Mt | ES 99% vs never |")
print("|---|---|---|---|---|---|---|---|---|")
for p, name in rows:
    for i, kind in enumerate(kinds):
        v = load(p + str(i))
        e = v["horizon_emissions_t"]
        print("| {} | {} | {} | {} | {} | {} | {} | {:.1f} | {} |".format(
            name, kind, pm(v["option_value"]), pm(v["value_of_waiting"]), by(v, 2030), by(v, 2035), route(v),
            e["value"] / 1e6, pm(v["downside"]["optimal"]["vs_never"]["es_99"])))
print()
print("| loan | | PD (given drawn) | expected loss, m | LGD | break-even margin, bp |")
print("|---|---|---|---|---|---|")
for p, name in [("LS", "steelworks DRI green loan"), ("LR", "refinery CCS loan")]:
    for i, kind in enumerate(kinds):
        try:
            l = load(p + str(i))
        except (OSError, ValueError):
            with open(os.path.join(d, p + str(i) + ".err")) as f:
                msg = [x for x in f.read().splitlines() if x.startswith("kruispunt:")]
            print("| {} | {} | refused: {} | | | |".format(name, kind, msg[-1][len("kruispunt: "):] if msg else "?"))
            continue
        be = l["breakeven_margin"]
        bes = pm(be, 1e-4) if isinstance(be, dict) and be.get("value") is not None else str(be)
        print("| {} | {} | {} | {} | {} | {} |".format(
            name, kind, "{:.1%} ± {:.1%}".format(l["pd_given_drawn"]["value"], l["pd_given_drawn"]["std_error"]),
            pm(l["expected_loss"]), "{:.1%}".format(l["lgd"]["value"]), bes))
