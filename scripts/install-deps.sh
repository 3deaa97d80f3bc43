#!/usr/bin/env bash
# The single source of truth for Kruispunt's system packages (Debian 12).
# Idempotent: safe to run again; installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  python3                # the CLI tests and scripts/expected-outputs.py
  python3-yaml           # tests/cli/extreme_fields_test.sh lists a case file's numeric fields
  libquantlib0-dev       # QuantLib: reference engines (FD, MCAmericanEngine), oracles
  libboost-dev libboost-math-dev  # Boost.Math: distributions, root finders, optimisers
  libeigen3-dev          # Eigen: Cholesky, QR, linear algebra
  libtbb-dev             # oneTBB: parallel path generation
  doctest-dev            # doctest: unit tests
  librandom123-dev       # Random123: counter-based Philox generator
  libcli11-dev           # CLI11: command line
  nlohmann-json3-dev     # nlohmann-json: JSON output
  libyaml-cpp-dev        # yaml-cpp: case and parameter files
  chromium               # headless browser: tests/report/ renders the HTML report
  clang                  # libFuzzer (tests/fuzz, scripts/run-fuzzers.sh)
)
# Node.js and npm install the report's charting libraries (results/report/package-lock.json); the
# machine's own Node.js is used when there is one (Debian's npm conflicts with other builds of it).
command -v npm >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The report's charting libraries (Vega, Vega-Lite, vega-embed), pinned by results/report/package-lock.json
# and embedded into the report at build time. Re-installed only when the lock file changed.
report="$(dirname "$0")/../results/report"
if ! cmp -s "$report/package-lock.json" "$report/node_modules/.kp-installed-lock.json"; then
  npm ci --prefix "$report" --no-audit --no-fund --loglevel=error
  cp "$report/package-lock.json" "$report/node_modules/.kp-installed-lock.json"
fi
