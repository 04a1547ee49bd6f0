#!/usr/bin/env bash
# Installs everything ridgelens needs to build, test and run its default
# example on a minimal Debian 12 (debootstrap --variant=minbase plus git): all
# Debian packages, nothing is downloaded otherwise. .ci/run checks after the
# test suite that every package the build and the tests used is named here or
# pulled in by one named here (scripts/check-install-closure.py).
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  python3-dev pybind11-dev python3-numpy python3-scipy python3-pytest python3-torch python3-sklearn  # the Python module ridgelens and its tests (sklearn: the diabetes data of the selection tests)
  libeigen3-dev libspectra-dev libsuitesparse-dev libopenblas-dev
  libboost-program-options-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist
  python3  # /usr/bin/python3: scripts/check-install-closure.py and the SVG check of the plot tests
  clang libclang-rt-14-dev libomp-dev  # .ci/run: the libFuzzer targets of fuzz/ (clang, OpenMP)
  libpetsc-real-dev libslepc-real-dev openmpi-bin libopenmpi-dev  # ridgelens::mpi and ridgelens-mpi (optional component)
  chromium  # renders the HTML page of `ridgelens plot` in the tests (skipped without it)
)

bash "$(dirname "$0")/install-packages.sh" "build dependencies" "${packages[@]}"
