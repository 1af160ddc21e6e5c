#!/usr/bin/env bash
# Installs the Debian 12 packages mongouri needs to build and to run every
# test. Only what is missing is installed; nothing happens when all is there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  liburiparser-dev libcjson-dev libc-ares-dev libssl-dev openssl libcriterion-dev
  dnsmasq-base valgrind clang libclang-rt-14-dev procps iproute2
  libmongoc-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
