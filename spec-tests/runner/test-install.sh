#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds the README example
# against it twice: with pkg-config and with CMake's find_package(mongouri).
set -euo pipefail
build=$1; src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -n 1)
test -f "$tmp/prefix/include/mongouri/mongouri.h"
test -f "$tmp/prefix/share/man/man1/validate-uri.1"
test -x "$tmp/prefix/bin/validate-uri"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c11 -o "$tmp/with-pkgconfig" "$src/spec-tests/runner/readme_example.c" \
  $(pkg-config --cflags --libs mongouri)
LD_LIBRARY_PATH="$libdir" "$tmp/with-pkgconfig" | grep -q '^TLS on (implied by mongodb+srv)'

mkdir -p "$tmp/consumer"
cp "$src/spec-tests/runner/readme_example.c" "$tmp/consumer/main.c"
cat > "$tmp/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(mongouri REQUIRED)
add_executable(consumer main.c)
target_link_libraries(consumer PRIVATE mongouri::mongouri_shared)
CMAKE
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/consumer/build/consumer" | grep -q '^TLS on (implied by mongodb+srv)'
echo "install, pkg-config and find_package: ok"
