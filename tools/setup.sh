#!/usr/bin/env bash
# setup.sh [build|test]: installs the Debian 12 packages mongouri needs, and
# only those; nothing happens when all of them are there.
#   build (default)  what tools/build.sh needs to build the libraries and
#                    validate-uri: a C compiler, CMake, pkg-config and the
#                    -dev packages of uriparser, cJSON, c-ares and OpenSSL
#                    (on a fresh minimal Debian 12: about 107 MB of downloads,
#                    430 MB on disk).
#   test             the above, plus what tools/test.sh needs to run every
#                    suite: Criterion, the openssl tool (test certificates),
#                    dnsmasq (DNS tests), valgrind, clang (sanitizers, fuzzing),
#                    clang-format (the layout check),
#                    procps and iproute2, and libmongoc-dev (comparisons)
#                    (about 96 MB more of downloads, 510 MB more on disk, most
#                    of it clang/LLVM).
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config ca-certificates
  liburiparser-dev libcjson-dev libc-ares-dev libssl-dev
)
test_packages=(
  openssl libcriterion-dev dnsmasq-base valgrind clang libclang-rt-14-dev clang-format procps
  iproute2 libmongoc-dev
)

case ${1:-build} in
  build) packages=("${build_packages[@]}") ;;
  test) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: setup.sh [build|test]" >&2; exit 2 ;;
esac

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
