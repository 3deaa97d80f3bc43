#!/usr/bin/env bash
# Every numeric field of an example at 1e308 (issue 16: "21 fields accept 1e308 and print nulls"):
# the run must either refuse the input (exit 2, the message naming the field or the overflowed
# result) or give finite values with exit 0 (or a fitting failure, exit 1), never a crash and never
# a decision beside null values. One --set per field, 2,000 paths each.
# Usage: extreme_fields_test.sh KRUISPUNT SOURCE_DIR [CASE...]
set -u
K="$1"; S="$2"; shift 2
cases=("$@"); [ ${#cases[@]} -gt 0 ] || cases=(examples/refinery_hydrogen_ccs_porthos.yaml examples/minimal_case.yaml)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0; runs=0; declare -A seen=([0]=0 [1]=0 [2]=0)
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
for c in "${cases[@]}"; do
  # the dotted path of every numeric leaf (lists by index), from the case file itself
  python3 - "$S/$c" > "$T/fields" <<'PY' || { echo "FAIL: cannot list the fields of $c"; exit 1; }
import sys, yaml
def walk(x, path):
    if isinstance(x, dict):
        for k, v in x.items(): yield from walk(v, path + [str(k)])
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from walk(v, path + [str(i)])
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield ".".join(path)
for p in walk(yaml.safe_load(open(sys.argv[1])), []):
    if not p.startswith("simulation."): print(p)
PY
  while read -r f; do
    runs=$((runs + 1))
    "$K" value "$S/$c" --paths 2000 --quiet --json --set "$f=1e308" > "$T/o" 2> "$T/e"; rc=$?
    seen[$rc]=$(( ${seen[$rc]:-0} + 1 ))
    case $rc in
      0) python3 - "$T/o" <<'PY' || fail "$c $f=1e308: exit 0 with a non-finite value: $(head -c 300 "$T/o")"
import json, math, sys
j = json.load(open(sys.argv[1]))
for k in ("option_value", "never_invest", "value_of_waiting"):
    v = j[k]["value"]
    assert isinstance(v, (int, float)) and math.isfinite(v), k
PY
         ;;
      1) grep -q "fitting failure" "$T/e" || fail "$c $f=1e308: exit 1 without a fitting failure: $(head -c 300 "$T/e")" ;;
      2) grep -Eq -- "$f|must be finite|but must be" "$T/e" || fail "$c $f=1e308: exit 2 without naming the field: $(head -c 300 "$T/e")" ;;
      *) fail "$c $f=1e308: exit $rc: $(head -c 300 "$T/e")" ;;
    esac
  done < "$T/fields"
done
echo "$runs fields tried: ${seen[0]} finite (exit 0), ${seen[1]} fitting failures (exit 1), ${seen[2]} refused (exit 2)"
[ "$fails" -eq 0 ] && echo "all checks passed"
