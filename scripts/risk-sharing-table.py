#!/usr/bin/env python3
"""The tables of docs/valuation.md "Risk sharing" and docs/loans.md from scripts/risk-sharing.sh's JSON."""
import json
import os
import sys

d = sys.argv[1]


def load(name):
    with open(os.path.join(d, name + ".json")) as f:
        return json.load(f)


def pm(e, scale=1e6, fmt="{:,.1f}"):
    if e is None or e.get("value") is None:
        return "-"
    se = e.get("std_error")
    return (fmt + " ± " + fmt).format(e["value"] / scale, se / scale) if se is not None else fmt.format(e["value"] / scale)


def p(e):
    return "{:.3f} ± {:.3f}".format(e["value"], e["std_error"])


def route(r):
    return ", ".join("{} {:.0%}".format(k, v) for k, v in r["route"].items() if v >= 0.005)


cases = [("steelworks", "steelworks"), ("refinery", "refinery")]
others = [("steelworks_ccfd200", "steelworks, CCfD at 200"), ("refinery_ccfd150", "refinery, CCfD at 150 on CCS")]


def rows(files):
    for f, name in files:
        if os.path.exists(os.path.join(d, f + ".json")):
            for r in load(f)["rows"]:
                if f in dict(others) and r["instrument"] == "as_written":
                    continue
                yield name, r


print("| case | instrument | decision | option value | owner's gain | value of waiting | P(by 2030) | P(by 2035) | route | owner's ES 95% | ES 99% |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name, r in rows(cases + others):
    dec = r["decision"] + (" " + r["technology"] if r.get("technology") else "")
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        name, r["instrument"], dec, pm(r["option_value"]), pm(r["owner_gain"]), pm(r["value_of_waiting"]),
        p(r["invest_by_2030"]), p(r["invest_by_2035"]), route(r), pm(r["owner"]["es_95"]), pm(r["owner"]["es_99"])))
print()
print("| case | instrument | state's cost | of which SDE++/CCfD | guarantee | grant | p99 | ES 99% | extra vs as written | insurer's claims | premium |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name, r in rows(cases + others):
    s = r["state"]
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        name, r["instrument"], pm(s["cost"]), pm(s["subsidy"]), pm(s["guarantee"]), pm(s["grant"]), pm(s["p99"]),
        pm(s["es_99"]), pm(s["extra"]), pm(r["insurer"]["claims"]), pm(r["insurer"]["premium"])))
print()
print("| loan | PD given drawn | expected loss, m | ES 99%, m | break-even margin, bp | owner's option value |")
print("|---|---|---|---|---|---|")
loans = [("steelworks_loan", "steelworks DRI green loan: "), ("steelworks_loan_incidents", "the same, NG-DRI with incidents: "),
         ("refinery_loan_0.01", "refinery CCS loan, on time: "), ("refinery_loan_0.05", "the same, incidents 0.05/yr: ")]
for r, name in ((r, name) for f, name in loans for r in load(f)["rows"]):
    l = r["loan"]
    print("| {} | {:.1%} ± {:.1%} | {} | {} | {} | {} |".format(
        name + r["instrument"], l["pd_given_drawn"]["value"], l["pd_given_drawn"]["std_error"], pm(l["expected_loss"]),
        pm(l["es_99"]), pm(l["breakeven_margin"], 1e-4), pm(r["option_value"])))
