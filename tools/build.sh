#!/usr/bin/env bash
# Installs the build dependencies that are missing (tools/setup.sh build),
# then configures and builds mongouri in ./build. The test suites are built
# too when their dependencies are there (tools/test.sh installs them).
# Extra arguments are passed to the CMake configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh build
fixtures=()
[ -d ../shared/spec-fixtures ] && fixtures=(-DMONGOURI_SPEC_FIXTURES="$(cd ../shared/spec-fixtures && pwd)")
tests=OFF
pkg-config --exists criterion 2>/dev/null && tests=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONGOURI_BUILD_TESTS=$tests "${fixtures[@]}" "$@" >/dev/null
cmake --build build -j"$(nproc)"
