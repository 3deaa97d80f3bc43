#!/usr/bin/env bash
# Configure and build. Usage: scripts/build.sh [BuildType=Release] [dir=build] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
type="${1:-Release}"; dir="${2:-build}"; shift $(( $# > 2 ? 2 : $# ))
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@"
cmake --build "$dir" -j "$(nproc)"
