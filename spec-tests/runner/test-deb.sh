#!/usr/bin/env bash
# test-deb.sh: the Debian packages, installed in a brand-new Debian 12 root.
#
# From the project root (as root; ../shared/tools/fresh-debian makes the root
# with debootstrap, and clones the committed state of the project into it):
#     bash spec-tests/runner/test-deb.sh
# Inside that root it runs itself with --inside: installs the build
# dependencies only (tools/setup.sh build), builds the packages with
# cpack -G DEB, installs them with apt (which brings what libmongouri-dev
# depends on), checks what each package holds, then builds the consumers of
# test-install.sh against /usr (pkg-config and find_package, static and
# shared, with and without OpenSSL) and runs validate-uri from its package.
# Takes a few minutes (most of it apt); not part of the regular suite.
set -euo pipefail

if [ "${1:-}" != --inside ]; then
  cd "$(dirname "$0")/../.."
  fresh=../shared/tools/fresh-debian
  [ -x "$fresh" ] || [ -f "$fresh" ] || { echo "SKIP: no $fresh"; exit 77; }
  [ "$(id -u)" -eq 0 ] || { echo "SKIP: fresh-debian needs root"; exit 77; }
  start=$(date +%s)
  bash "$fresh" . ../shared -- bash spec-tests/runner/test-deb.sh --inside
  rc=$?
  echo "test-deb: $(( $(date +%s) - start )) s in the fresh root"
  exit $rc
fi

# --- inside the fresh root ---------------------------------------------------
t0=$(date +%s)
bash tools/setup.sh build >/tmp/setup.log 2>&1 || { cat /tmp/setup.log; exit 1; }
t1=$(date +%s)
echo "setup.sh build: $((t1 - t0)) s; $(grep -E '^(Need to get|After this operation)' /tmp/setup.log | tr '\n' ' ')"
# cpack's Debian generator needs file(1) (and dpkg-shlibdeps, which
# build-essential brings).
apt-get install -y -q --no-install-recommends file >/tmp/file.log 2>&1 || { cat /tmp/file.log; exit 1; }
cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DMONGOURI_BUILD_TESTS=OFF >/dev/null
cmake --build build-deb -j"$(nproc)" >/dev/null
(cd build-deb && cpack -G DEB >/dev/null)
t2=$(date +%s)
echo "build and cpack: $((t2 - t1)) s"
ls build-deb/*.deb
for p in libmongouri0 libmongouri-dev validate-uri; do
  ls build-deb/${p}_*.deb >/dev/null || { echo "no $p package"; exit 1; }
done

# Only the packages' own dependencies come in; the build tree is not used below.
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends ./build-deb/*.deb >/tmp/apt.log 2>&1 ||
  { cat /tmp/apt.log; exit 1; }
echo "apt install of the packages: $(( $(date +%s) - t2 )) s"

# What each package holds.
dpkg -L libmongouri0 | grep -Eq '/libmongouri\.so\.[0-9]+$'
dpkg -L libmongouri0 | grep -Eq '/libmongouri-openssl\.so\.[0-9]+$'
! dpkg -L libmongouri0 | grep -E '\.(a|h|pc)$|/libmongouri(-openssl)?\.so$'
dpkg -L libmongouri-dev | grep -q '/usr/include/mongouri/mongouri.h'
dpkg -L libmongouri-dev | grep -q '/libmongouri\.a$'
dpkg -L libmongouri-dev | grep -q '/pkgconfig/mongouri-openssl\.pc$'
dpkg -L libmongouri-dev | grep -q '/cmake/mongouri/mongouriConfig\.cmake$'
dpkg -L validate-uri | grep -q '^/usr/bin/validate-uri$'
test -f /usr/share/doc/libmongouri0/copyright
grep -q 'Apache License' /usr/share/doc/libmongouri0/copyright

# The tool, from its package.
out=$(validate-uri --fix 'mongodb://alice:p@ss@db.example.net/?sslCAFile=/etc/ca.pem')
grep -qx 'mongodb://alice:\*\*\*\*@db.example.net/?tlsCAFile=/etc/ca.pem' <<<"$out" ||
  { echo "validate-uri --fix printed: $out"; exit 1; }
validate-uri --version

# Consumers against /usr (no prefix, no LD_LIBRARY_PATH).
bash spec-tests/runner/test-install.sh - . /usr
echo "test-deb: ok"
