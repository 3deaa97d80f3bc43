#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install the packages, build (Release) and run the main
# job: value the default example, the integrated steelworks case (blast furnaces to hydrogen DRI + EAF,
# with DRI on natural gas as a stepping stone). Extra arguments go to `kruispunt value`, e.g.
#   scripts/run-main.sh --scenario accelerated --json
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh Release build
./build/app/kruispunt value examples/steelworks_h2_dri.yaml "$@"
