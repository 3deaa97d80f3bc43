#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build (Release) and run the main
# job. Usage: scripts/run-main.sh [extra arguments for the main job]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh Release build
# The main job. Until the decarbonisation case model lands (issue "Invest now or wait"), the
# canonical valuation: the Longstaff-Schwartz (2001) Bermudan put with both bounds, and QuantLib's FD
# reference beside it.
./build/app/kruispunt price american-put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 \
  --exercises 50 --paths 1000000 --upper-bound "$@"
./build/app/kruispunt price american-put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --maturity 1 \
  --exercises 50 --method fd
