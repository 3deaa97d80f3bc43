#!/usr/bin/env bash
# Measures: what link choices would save at the start of a kruispunt process, without changing the
# project: it relinks this build's kruispunt (the same objects, ninja's own link command) with other
# link flags, builds empty programs linked with one library each, checks that every variant prints
# the same value, then times them all with bench_process, interleaved (docs/benchmarks.md, "Where
# a whole process's extra time goes").
#   kruispunt-now         -Wl,-z,now: every PLT slot bound at load (LD_BIND_NOW) instead of lazily
#   kruispunt-O1          -Wl,-O1: optimised hash tables in the executable
#   kruispunt-static-ql   libQuantLib.a instead of libQuantLib.so (only the objects the tool uses)
#   kruispunt-static-ql-yaml         ... and libyaml-cpp.a
#   kruispunt-static-ql-yaml-stdcxx  ... and -static-libstdc++ -static-libgcc (libtbb still loads
#                                    the shared libstdc++: two copies; shown for the figure only)
#   floor-<lib>           int main() {} linked with that one library (--no-as-needed)
#
# Usage: benchmarks/startup_variants.sh [BUILD_DIR=build] [bench_process options...]
#   e.g. benchmarks/startup_variants.sh build --rounds 9 --repeats 3
#   (the build needs -DKP_BUILD_BENCHMARKS=ON; bench_process runs with --paths 2000 --no-quantlib,
#   so the valuation is a few ms and the start of the process dominates)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
shift $(( $# > 0 ? 1 : 0 ))
out="$build/startup-variants"
mkdir -p "$out"
cmake --build "$build" --target kruispunt bench_process >/dev/null

# ninja's link command for app/kruispunt, run from the build directory.
link=$(ninja -C "$build" -t commands app/kruispunt | tail -1 | sed 's/^: && //; s/ && :$//')
ql_so=$(echo "$link" | grep -o '[^ ]*libQuantLib\.so[^ ]*')
yaml_so=$(echo "$link" | grep -o '[^ ]*libyaml-cpp\.so[^ ]*')
ql_a=${ql_so%.so*}.a
yaml_a=$(dirname "$yaml_so")/libyaml-cpp.a
relink() {  # relink NAME SED-EXPRESSION...
  local name=$1; shift
  local cmd="$link"
  for e in "$@"; do cmd=$(echo "$cmd" | sed "$e"); done
  cmd=$(echo "$cmd" | sed "s#-o app/kruispunt#-o startup-variants/$name#")
  (cd "$build" && eval "$cmd")
}
relink kruispunt-now 's#-o app/kruispunt#-o app/kruispunt -Wl,-z,now#'
relink kruispunt-O1 's#-o app/kruispunt#-o app/kruispunt -Wl,-O1#'
relink kruispunt-static-ql "s#$ql_so#$ql_a#"
relink kruispunt-static-ql-yaml "s#$ql_so#$ql_a#" "s#$yaml_so#$yaml_a#"
relink kruispunt-static-ql-yaml-stdcxx "s#$ql_so#$ql_a#" "s#$yaml_so#$yaml_a#" \
  's#-o app/kruispunt#-o app/kruispunt -static-libstdc++ -static-libgcc#'

echo 'int main() { return 0; }' > "$out/floor.cpp"
c++ -O2 -Wl,--no-as-needed "$out/floor.cpp" -o "$out/floor-stdcxx"
c++ -O2 -Wl,--no-as-needed "$out/floor.cpp" -o "$out/floor-tbb" -ltbb
c++ -O2 -Wl,--no-as-needed "$out/floor.cpp" -o "$out/floor-yaml" "$yaml_so"
c++ -O2 -Wl,--no-as-needed "$out/floor.cpp" -o "$out/floor-gomp" -fopenmp
c++ -O2 -Wl,--no-as-needed "$out/floor.cpp" -o "$out/floor-quantlib" "$ql_so" -fopenmp

# Same objects, so the same results: check the value of each variant against the build's tool.
args=(price american-put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 --exercises 50
      --paths 2000 --threads 2 --json)
ref=$("$build/app/kruispunt" "${args[@]}" | grep -o '"value":[^,]*')
for v in kruispunt-now kruispunt-O1 kruispunt-static-ql kruispunt-static-ql-yaml kruispunt-static-ql-yaml-stdcxx; do
  got=$("$out/$v" "${args[@]}" | grep -o '"value":[^,]*')
  [ "$got" = "$ref" ] || { echo "startup_variants: $v prints $got, the build's tool $ref" >&2; exit 1; }
  echo "$v: $(stat -c %s "$out/$v") bytes, $(ldd "$out/$v" | grep -c '=>') shared libraries, $got"
done

ks=()
for v in kruispunt-now kruispunt-O1 kruispunt-static-ql kruispunt-static-ql-yaml kruispunt-static-ql-yaml-stdcxx; do
  ks+=(--kruispunt "$out/$v")
done
fl=()
for f in floor-stdcxx floor-tbb floor-yaml floor-gomp floor-quantlib; do fl+=(--floor "$out/$f"); done
fl+=(--floor "LD_BIND_NOW=1 $build/benchmarks/startup_floor_libs")
exec "$build/benchmarks/bench_process" --paths 2000 --no-quantlib --kruispunt "$build/app/kruispunt" "${ks[@]}" \
  "${fl[@]}" "$@"
