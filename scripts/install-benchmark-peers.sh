#!/usr/bin/env bash
# Installs the peers that bench/compare_peers runs against ridgelens (SciPy's
# ARPACK eigsh, spsolve and cg; scikit-learn's Ridge; PyTorch autograd) plus
# GNU time for peak-memory figures. Debian 12 packages only; benchmarks are not
# part of CI, so these are deliberately not in install-dependencies.sh.
set -euo pipefail

packages=(
  python3-numpy python3-scipy python3-sklearn python3-torch
  time
)

bash "$(dirname "$0")/install-packages.sh" "benchmark peers" "${packages[@]}"
