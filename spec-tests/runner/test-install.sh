#!/usr/bin/env bash
# test-install.sh BUILD_DIR SOURCE_DIR [PREFIX]
# Installs the build into a temporary prefix (or uses PREFIX, already
# installed, e.g. /usr from the Debian packages), then builds two consumers
# against it, each with pkg-config and with CMake's find_package(mongouri), each
# linked static and shared: the README example (libmongouri only; it must not
# pull in OpenSSL) and a driver-like program that calls OpenSSL itself through
# libmongouri-openssl.
set -euo pipefail
build=$1; src=$2; prefix=${3:-}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
if [ -z "$prefix" ]; then
  prefix=$tmp/prefix
  cmake --install "$build" --prefix "$prefix" >/dev/null
  test -f "$prefix/share/man/man1/validate-uri.1"
  test -x "$prefix/bin/validate-uri"
  libdir=$(ls -d "$prefix"/lib*/ | head -n 1)
  export PKG_CONFIG_PATH="$libdir/pkgconfig"
  export LD_LIBRARY_PATH="$libdir"
fi
test -f "$prefix/include/mongouri/mongouri.h"
test -f "$prefix/include/mongouri/openssl.h"
test -f "$prefix/include/mongouri/version.h"
! test -e "$prefix/include/mongouri/version.h.in"

core_src=$src/spec-tests/runner/readme_example.c
tls_src=$src/spec-tests/runner/consumer_openssl.c
core_out='^TLS on \(implied by mongodb\+srv\), CA file'
tls_out='^openssl consumer: verify peer, TLS 1.2 minimum, OpenSSL 3'
checked=0

run() { # $1 program, $2 expected output (ERE), $3 "core" to check it has no OpenSSL
  local out
  out=$("$1") || { echo "$1 failed: $out"; exit 1; }
  grep -Eq "$2" <<<"$out" || { echo "$1 printed: $out"; exit 1; }
  if [ "${3:-}" = core ] && grep -E 'libssl|libcrypto' <<<"$(ldd "$1")"; then
    echo "$1: the parse library's consumer loads OpenSSL"; exit 1
  fi
  checked=$((checked + 1))
}

# pkg-config, shared and static.
pkg-config --exists mongouri mongouri-openssl
! grep -E -- '-l(ssl|crypto)' <<<"$(pkg-config --libs --static mongouri)" || { echo "mongouri.pc pulls in OpenSSL"; exit 1; }
requires=$(pkg-config --print-requires mongouri-openssl)
grep -q '^mongouri' <<<"$requires" || { echo "mongouri-openssl.pc does not require mongouri"; exit 1; }
grep -q '^openssl' <<<"$requires" || { echo "mongouri-openssl.pc does not require openssl"; exit 1; }
cc -std=c11 -o "$tmp/pc-core-shared" "$core_src" $(pkg-config --cflags --libs mongouri)
run "$tmp/pc-core-shared" "$core_out" core
cc -std=c11 -o "$tmp/pc-tls-shared" "$tls_src" $(pkg-config --cflags --libs mongouri-openssl)
run "$tmp/pc-tls-shared" "$tls_out"
# Static: the archives only (-Wl,-Bstatic for mongouri's own, system libraries shared).
pc_static() { # $1 module, $2... libraries of mongouri, outermost first
  local m=$1 libs=() l
  shift
  for l in "$@"; do libs+=("-l:lib$l.a"); done
  # --libs --static minus mongouri's -l flags, which the archives replace.
  echo "${libs[*]} $(pkg-config --libs --static "$m" | sed -E 's/(^| )-lmongouri(-openssl)?( |$)/ /g')"
}
cc -std=c11 -o "$tmp/pc-core-static" "$core_src" $(pkg-config --cflags mongouri) \
  -L"$(pkg-config --variable=libdir mongouri)" $(pc_static mongouri mongouri)
run "$tmp/pc-core-static" "$core_out" core
if grep -q libmongouri <<<"$(ldd "$tmp/pc-core-static")"; then echo "static consumer loads libmongouri.so"; exit 1; fi
cc -std=c11 -o "$tmp/pc-tls-static" "$tls_src" $(pkg-config --cflags mongouri-openssl) \
  -L"$(pkg-config --variable=libdir mongouri)" $(pc_static mongouri-openssl mongouri-openssl mongouri)
run "$tmp/pc-tls-static" "$tls_out"
if grep -q libmongouri <<<"$(ldd "$tmp/pc-tls-static")"; then echo "static consumer loads libmongouri*.so"; exit 1; fi

# find_package(mongouri), every target.
for target in mongouri mongouri_shared mongouri_static openssl openssl_shared openssl_static; do
  dir=$tmp/cmake-$target
  mkdir -p "$dir"
  case $target in
    openssl*) cp "$tls_src" "$dir/main.c"; expect=$tls_out; kind= ;;
    *) cp "$core_src" "$dir/main.c"; expect=$core_out; kind=core ;;
  esac
  cat > "$dir/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(mongouri 0.1 REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE mongouri::$target)
CMAKE
  cmake -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$prefix" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
  cmake --build "$dir/build" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
  run "$dir/build/consumer" "$expect" $kind
  case $target in
    *static) if grep -q libmongouri <<<"$(ldd "$dir/build/consumer")"; then echo "$target consumer loads libmongouri*.so"; exit 1; fi ;;
    *) grep -q libmongouri <<<"$(ldd "$dir/build/consumer")" || { echo "$target consumer does not load libmongouri*.so"; exit 1; } ;;
  esac
done
echo "install: $checked consumers (pkg-config and find_package, static and shared, with and without OpenSSL): ok"
