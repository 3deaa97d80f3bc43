#!/usr/bin/env bash
# `value --loan` and the few-drawn-paths flag (issue 15, item 3). Checks:
# - value --loan prices the loan as `kruispunt loan` does: its JSON `loan` equals the loan command's
#   JSON (less case, scenario, stress scenarios and timings) key for key and digit for digit, at the
#   same seed and paths: the minimal case with a loan drawn on few paths, and the steelworks' green
#   loan (sized to a DSCR, incremental cash flow, fixed policy) under --scenario accelerated; the
#   first, without conditions or covenant, is priced by value with the valuation's own rules and by
#   loan with rules it trains itself: the same JSON says they are the same rules;
# - a loan drawn on fewer than 100 paths is flagged (JSON drawn_paths, few_drawn_paths; the text says
#   the figures given drawn rest on N paths and are not reliable, and prints no bare standard error);
# - a bad loan file stops value before the valuation (exit 2, the file and line named); without --loan
#   there is no `loan` key;
# - a loan's conditions precedent: `value --loan` prices the loan on the case with them, as `kruispunt
#   loan` does (same JSON), and values the case as written; `compare --instruments --loan` values every
#   row on the case with them (its as_written row = `value --set CONDITION`, digit for digit).
# Usage: value_loan_cli_test.sh KRUISPUNT SOURCE_DIR
set -u
K="$1"; S="$2"; T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || fail "python3 is not installed (scripts/install-deps.sh)"
M="$S/examples/minimal_case.yaml"; FEW="$S/tests/data/loan_file_test/few_drawn.yaml"
SW="$S/examples/steelworks_h2_dri.yaml"; GREEN="$S/examples/steelworks_dri_green_loan.yaml"

# same JSON: loan.json (kruispunt loan) against value.json's "loan"
same() {
  python3 - "$1" "$2" <<'PY' || fail "value --loan and kruispunt loan differ: $1 $2"
import json, sys
loan = json.load(open(sys.argv[1])); value = json.load(open(sys.argv[2]))["loan"]
for k in ("case", "scenario", "scenarios", "seconds"): loan.pop(k, None)
value.pop("seconds", None)
if list(loan) != list(value): sys.exit("keys: %s against %s" % (list(loan), list(value)))
for k in loan:
    if json.dumps(loan[k]) != json.dumps(value[k]): sys.exit("%s: %s against %s" % (k, loan[k], value[k]))
PY
}
"$K" loan "$M" "$FEW" --paths 2000 --seed 11 --json --quiet > "$T/l1.json" || fail "loan exit $?"
"$K" value "$M" --loan "$FEW" --paths 2000 --seed 11 --json --quiet > "$T/v1.json" || fail "value --loan exit $?"
same "$T/l1.json" "$T/v1.json"
"$K" loan "$SW" "$GREEN" --scenario accelerated --paths 2000 --json --quiet > "$T/l2.json" || fail "loan exit $?"
"$K" value "$SW" --loan "$GREEN" --scenario accelerated --paths 2000 --json --quiet > "$T/v2.json" || fail "value --loan exit $?"
same "$T/l2.json" "$T/v2.json"
grep -q '"drawn_paths":2000,"few_drawn_paths":false' "$T/v2.json" || fail "green loan: every path draws (fixed policy)"

# few drawn paths: the flag in JSON (the case as written and a stress scenario), the text's warning
python3 - "$T/v1.json" <<'PY' || fail "few drawn paths: JSON flag"
import json, sys
l = json.load(open(sys.argv[1]))["loan"]
n = l["drawn_paths"]
assert 0 < n < 100 and l["few_drawn_paths"] is True, (n, l["few_drawn_paths"])
assert abs(l["draw_probability"]["value"] - n / 2000) < 1e-12, l["draw_probability"]
PY
"$K" value "$M" --loan "$FEW" --paths 2000 --seed 11 --quiet > "$T/v1.txt" || fail "value --loan text exit $?"
grep -Eq '^    drawn on [0-9]+ of 2000 paths: the figures given drawn rest on [0-9]+ paths and are not reliable \(fewer than 100\)$' "$T/v1.txt" \
  || fail "no few-drawn warning in value's text: $(grep -A3 'P(drawn)' "$T/v1.txt")"
grep -Eq '^  PD given drawn +[0-9.]+%  \+- n/a \([0-9]+ drawn paths\)$' "$T/v1.txt" || fail "a bare SE of PD given drawn"
"$K" loan "$M" "$FEW" --paths 2000 --seed 11 --quiet > "$T/l1.txt" || fail "loan text exit $?"
grep -q 'the figures given drawn rest on' "$T/l1.txt" || fail "no few-drawn warning in loan's text"
# a stress scenario with few drawn paths names them in its title
python3 - "$T/l1.json" "$T/l1.txt" <<'PY' || fail "few drawn paths in the stress scenarios"
import json, sys
j = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read()
few = [s for s in j["scenarios"] if s["few_drawn_paths"]]
assert few, "no stress scenario with few drawn paths"
for s in j["scenarios"]:
    assert s["few_drawn_paths"] == (s["drawn_paths"] < 100), s
    if 0 < s["drawn_paths"] < 100:
        assert ("drawn on %d of 2000 paths, so PD given drawn" % s["drawn_paths"]) in text, s["scenario"]
PY

# bad input stops at once; no --loan: no loan key
"$K" value "$M" --loan "$S/tests/data/loan_file_test/wrong_type.yaml" --paths 2000 --quiet > "$T/bad.txt" 2>&1
rc=$?; [ "$rc" -eq 2 ] || fail "bad loan file: exit $rc"
grep -q "wrong_type.yaml:2: amount" "$T/bad.txt" || fail "bad loan file not named: $(cat "$T/bad.txt")"
"$K" value "$M" --paths 2000 --json --quiet | grep -q '"loan":' && fail "a loan key without --loan"
# conditions precedent (a 30% capital grant on the capture)
G="$S/tests/data/loan_file_test/condition_grant.yaml"; GRANT="options.capture.capital_grant={share: 0.3}"
"$K" loan "$M" "$G" --paths 2000 --json --quiet > "$T/gl.json" || fail "loan with conditions"
"$K" value "$M" --loan "$G" --paths 2000 --json --quiet > "$T/gv.json" || fail "value --loan with conditions"
same "$T/gl.json" "$T/gv.json"
"$K" value "$M" --paths 2000 --json --quiet > "$T/plain.json" || fail "value"
"$K" value "$M" --paths 2000 --json --quiet --set "$GRANT" > "$T/granted.json" || fail "value --set grant"
"$K" compare "$M" --instruments guarantee --loan "$G" --paths 2000 --json --quiet > "$T/gc.json" || fail "compare --loan"
python3 - "$T/gv.json" "$T/plain.json" "$T/granted.json" "$T/gc.json" <<'PY' || fail "conditions not applied as documented"
import json, sys
gv, plain, granted, gc = (json.load(open(f)) for f in sys.argv[1:])
assert gv["option_value"] == plain["option_value"], "value --loan values the case as written"
assert gv["loan"]["conditions"] == ["options.capture.capital_grant={share: 0.3}"], gv["loan"].get("conditions")
assert granted["option_value"] != plain["option_value"], "the grant changes nothing: a useless check"
row = gc["rows"][0]
assert row["instrument"] == "as_written" and row["option_value"] == granted["option_value"], (row["option_value"], granted["option_value"])
PY
echo "value --loan: all checks passed"
