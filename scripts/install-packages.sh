#!/usr/bin/env bash
# install-packages.sh WHAT PACKAGE...: apt-installs those of the Debian
# packages that are missing (with sudo when not root); WHAT names the set in
# the messages. Used by install-dependencies.sh and install-benchmark-peers.sh.
set -euo pipefail

what=$1
shift
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ridgelens: all $what are installed"
  exit 0
fi

sudo_if_needed=()
[ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
echo "ridgelens: installing ${missing[*]}"
"${sudo_if_needed[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
