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

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ridgelens: all benchmark peers are installed"
  exit 0
fi

sudo_if_needed=()
[ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
echo "ridgelens: installing ${missing[*]}"
"${sudo_if_needed[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
