#!/usr/bin/env bash
# The single source of truth for Kruispunt's system packages (Debian 12).
# Idempotent: safe to run again; installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libquantlib0-dev       # QuantLib: reference engines (FD, MCAmericanEngine), oracles
  libboost-dev libboost-math-dev  # Boost.Math: distributions, root finders, optimisers
  libeigen3-dev          # Eigen: Cholesky, QR, linear algebra
  libtbb-dev             # oneTBB: parallel path generation
  doctest-dev            # doctest: unit tests
  librandom123-dev       # Random123: counter-based Philox generator
  libcli11-dev           # CLI11: command line
  nlohmann-json3-dev     # nlohmann-json: JSON output
  libyaml-cpp-dev        # yaml-cpp: case and parameter files
)

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
