#!/usr/bin/env python3
# Stored expected outputs of the examples (issue 14, item 5; cf. ORE's Examples/*/ExpectedOutput):
# each example is run exactly as a user runs it (`kruispunt value examples/CASE.yaml --json`: the
# case file's own paths and seed, no other flag), and its key results, each with its standard error,
# are kept in examples/expected/CASE.json.
#   update KRUISPUNT  rewrites every examples/expected/CASE.json (scripts/update-expected.sh calls it)
#   check KRUISPUNT   re-runs every example and compares with the stored file (CTest
#                     cli_expected_outputs, tests/cli/expected_outputs_test.sh)
# The check: the decision, its technology, the first year's trigger status and the first year with a
# trigger found must be equal; every value within K = 4 combined standard errors,
# sqrt(se_stored^2 + se_now^2), plus a bias budget of 0 (and 1e-9 of the value, for floating-point
# rounding when both SEs are 0). The same code and seed
# give bit-identical results, so what this guards is a code change that moves a result beyond its
# Monte Carlo noise: the README's and docs' figures would then be stale.
# Python 3 standard library only; run from anywhere (paths are relative to the project root).
import datetime, json, math, os, re, subprocess, sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
EXPECTED_DIR = os.path.join(ROOT, "examples", "expected")
# the examples `kruispunt value` runs: every examples/*.yaml but the loan and portfolio files (for
# `loan` / `portfolio`; the rule of tests/cases/case_file_test.cpp), so a new example needs its file
CASES = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "examples"))
               if f.endswith(".yaml") and "loan" not in f and "portfolio" not in f)
YEARS = [2030, 2035, 2040]   # P(invested by the end of YEAR), where inside the horizon
K = 4.0                      # standard errors (docs: STYLE.md 6, about 6e-5 false failures per value)
BIAS_BUDGET = 0.0            # same engine, same estimator: no bias between the stored and the new run
ROUNDING = 1e-9              # relative, for values whose SEs are both 0 (deterministic)


def command(case):
    """The command line, relative to the project root, that produces CASE's output."""
    return ["value", f"examples/{case}.yaml", "--json"]


def run(kruispunt, case):
    out = subprocess.run([kruispunt] + command(case), cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL: kruispunt {' '.join(command(case))}: exit {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def seed_of(case):
    """simulation.seed of the case file (the JSON does not report it), or the default, 42."""
    text = open(os.path.join(ROOT, "examples", f"{case}.yaml"), encoding="utf-8").read()
    block = re.search(r"^simulation:\n((?:[ \t]+.*\n|\s*\n)*)", text, re.M)
    if block:
        s = re.search(r"^\s+seed:\s*(\d+)", block.group(1), re.M)
        if s:
            return int(s.group(1))
    return 42


def est(e):
    """{value, std_error} from a JSON estimate (value null when it is not defined)."""
    return {"value": e["value"], "std_error": e["std_error"]}


def summary(j):
    """The key results of one `value --json` output: decision, values with their SEs."""
    years = [y["year"] for y in j["invested_by"]]
    v = {"option_value": est(j["option_value"]),
         "never_invest": est(j["never_invest"]),
         "value_of_waiting": est(j["value_of_waiting"])}
    for tech, e in j["npv_now"].items():
        v[f"npv_now.{tech}"] = est(e) if e is not None else {"value": None, "std_error": None}
    for y in YEARS:
        if y in years:
            b = j["invested_by"][years.index(y)]
            v[f"invested_by.{y}"] = {"value": b["probability"], "std_error": b["std_error"]}
    # P(never invest) = 1 - P(invested by the end of the horizon); its SE is that of the last year's
    last = j["invested_by"][-1]
    v["never_probability"] = {"value": j["never_probability"], "std_error": last["std_error"]}
    # today's CO2 trigger (its status: found, above_range, below_range, no_switch), and the first year
    # with a trigger found (the year the README's tables quote)
    t0 = j["trigger"][0]
    found = next((t for t in j["trigger"] if t["status"] == "found"), None)
    if found is not None:
        v[f"trigger.{found['year']}"] = {"value": found["co2_price"], "std_error": found["std_error"]}
    return {"decision": j["decision"], "technology": j["technology"],
            "trigger_first_year": {"year": t0["year"], "status": t0["status"]},
            "first_trigger_found": found["year"] if found is not None else None,
            "horizon": [years[0], years[-1]], "values": v}


def commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def update(kruispunt):
    os.makedirs(EXPECTED_DIR, exist_ok=True)
    made = {"date": datetime.date.today().isoformat(), "commit": commit()}
    for case in CASES:
        j = run(kruispunt, case)
        doc = {"about": "Expected output of this example, compared by the CTest cli_expected_outputs "
                        "(scripts/expected-outputs.py); regenerate with scripts/update-expected.sh",
               "command": "kruispunt " + " ".join(command(case)),
               "settings": {"paths": j["paths"], "training_paths": j["training_paths"], "rules": j["rules"],
                            "seed": seed_of(case), "scenario": j["scenario"],
                            "threads": "any (the same seed gives bit-identical results on 1 or N threads)"},
               "made": made,
               "tolerance": {"k_standard_errors": K, "bias_budget": BIAS_BUDGET},
               "case": j["case"]}
        doc.update(summary(j))
        path = os.path.join(EXPECTED_DIR, f"{case}.json")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:  # whole file or nothing: write, then rename
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
        print(f"wrote examples/expected/{case}.json ({doc['decision']}, option value "
              f"{doc['values']['option_value']['value']:.6g} +- {doc['values']['option_value']['std_error']:.3g})")


def check(kruispunt):
    failures = []
    for case in CASES:
        path = os.path.join(EXPECTED_DIR, f"{case}.json")
        if not os.path.exists(path):
            failures.append(f"{case}: examples/expected/{case}.json is missing")
            continue
        stored = json.load(open(path, encoding="utf-8"))
        now = summary(run(kruispunt, case))
        bad = []
        for key in ("decision", "technology", "trigger_first_year", "first_trigger_found", "horizon"):
            if stored[key] != now[key]:
                bad.append(f"{key}: stored {stored[key]}, now {now[key]}")
        if set(stored["values"]) != set(now["values"]):
            bad.append(f"values reported: stored {sorted(stored['values'])}, now {sorted(now['values'])}")
        worst = 0.0
        for name in sorted(set(stored["values"]) & set(now["values"])):
            e, n = stored["values"][name], now["values"][name]
            if e["value"] is None or n["value"] is None:
                if e["value"] != n["value"]:
                    bad.append(f"{name}: stored {e['value']}, now {n['value']}")
                continue
            se = math.hypot(e["std_error"] or 0.0, n["std_error"] or 0.0)
            tol = K * se + BIAS_BUDGET + ROUNDING * abs(e["value"])
            diff = abs(n["value"] - e["value"])
            if se > 0:
                worst = max(worst, diff / se)
            if not diff <= tol:
                bad.append(f"{name}: stored {e['value']:.10g} +- {e['std_error']:.3g}, now {n['value']:.10g} "
                           f"+- {n['std_error']:.3g}: differs by {diff:.4g}, more than {K:g} combined SE ({tol:.4g})")
        print(f"{case}: {now['decision']}, {len(now['values'])} values, largest difference {worst:.2f} combined SE"
              + (f", {len(bad)} FAILED" if bad else ""))
        failures += [f"{case}: {b}" for b in bad]
    stale = sorted(f for f in os.listdir(EXPECTED_DIR) if f.endswith(".json") and f[:-5] not in CASES)
    failures += [f"examples/expected/{f}: no example examples/{f[:-5]}.yaml (remove the file)" for f in stale]
    if failures:
        print("FAIL: the examples against their stored outputs in examples/expected/:")
        for f in failures:
            print("  " + f)
        print("If the change is intended: regenerate with scripts/update-expected.sh, commit examples/expected/,\n"
              "and re-measure the figures the README and docs/valuation.md quote for these examples.")
        return 1
    print("expected outputs: all checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("update", "check"):
        sys.exit("usage: expected-outputs.py update|check KRUISPUNT")
    k = os.path.abspath(sys.argv[2])
    sys.exit(update(k) if sys.argv[1] == "update" else check(k))
