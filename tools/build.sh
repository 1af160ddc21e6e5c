#!/usr/bin/env bash
# Installs what is missing, then configures and builds mongouri in ./build.
# Extra arguments are passed to the CMake configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
fixtures=()
[ -d ../shared/spec-fixtures ] && fixtures=(-DMONGOURI_SPEC_FIXTURES="$(cd ../shared/spec-fixtures && pwd)")
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "${fixtures[@]}" "$@" >/dev/null
cmake --build build -j"$(nproc)"
