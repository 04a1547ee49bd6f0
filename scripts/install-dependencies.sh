#!/usr/bin/env bash
# Installs everything ridgelens needs to build, test and run its default
# example on Debian 12 (all Debian packages; nothing is downloaded otherwise).
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libeigen3-dev libspectra-dev libsuitesparse-dev libopenblas-dev
  libboost-program-options-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist
  clang libclang-rt-14-dev libomp-dev  # .ci/run: the libFuzzer targets of fuzz/ (clang, OpenMP)
  libpetsc-real-dev libslepc-real-dev openmpi-bin libopenmpi-dev  # ridgelens::mpi and ridgelens-mpi (optional component)
  chromium  # renders the HTML page of `ridgelens plot` in the tests (skipped without it)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ridgelens: all build dependencies are installed"
  exit 0
fi

sudo_if_needed=()
[ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
echo "ridgelens: installing ${missing[*]}"
"${sudo_if_needed[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
