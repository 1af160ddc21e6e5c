#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh test), builds, shows validate-uri on an example, then runs
# every test suite: the regular build (unit tests, fixtures, CLI, DNS, TLS,
# valgrind runs), the same suites built with AddressSanitizer and
# UndefinedBehaviorSanitizer, and a short fuzz pass. The last line sums them up.
set -uo pipefail
cd "$(dirname "$0")/.."

EXAMPLE='mongodb+srv://alice:s3cret@cluster0.example.net/app?retryWrites=true&w=majority&tlsCAFile=/etc/ssl/certs/ca-certificates.crt'

bash tools/setup.sh test || { echo "setup failed"; exit 1; }
bash tools/build.sh -DMONGOURI_BUILD_TESTS=ON || { echo "build failed"; exit 1; }
echo "== validate-uri on an example"
build/tools/validate-uri "$EXAMPLE" || { echo "validate-uri failed on the example"; exit 1; }

passed=0
failed=0
tally() { # $1: ctest log
  local line p f
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n 1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
  p=$(( $(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line") - f ))
  passed=$((passed + p)); failed=$((failed + f))
}

echo "== layout (clang-format --dry-run -Werror over lib, include and tools)"
mapfile -t sources < <(find lib include/mongouri tools -name '*.[ch]' | sort)
if clang-format --style=file --dry-run -Werror "${sources[@]}"; then
  passed=$((passed + 1))
else
  echo "layout differs from .clang-format: run clang-format -i on the files above"; failed=$((failed + 1))
fi

jobs=$(nproc)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== test suites (regular build)"
ctest --test-dir build --output-on-failure -j"$jobs" 2>&1 | tee "$log/regular.txt"
tally "$log/regular.txt"

echo "== test suites (AddressSanitizer + UndefinedBehaviorSanitizer)"
fixtures=()
[ -d ../shared/spec-fixtures ] && fixtures=(-DMONGOURI_SPEC_FIXTURES="$(cd ../shared/spec-fixtures && pwd)")
if cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DMONGOURI_SANITIZE=ON "${fixtures[@]}" >/dev/null &&
   cmake --build build-asan -j"$jobs" >"$log/asan-build.txt" 2>&1; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -E '^(valgrind|bench)' 2>&1 | tee "$log/asan.txt"
  tally "$log/asan.txt"
else
  cat "$log/asan-build.txt"; echo "sanitizer build failed"; failed=$((failed + 1))
fi

if [ -f spec-tests/fuzz/run.sh ]; then
  echo "== short fuzz pass"
  bash spec-tests/fuzz/run.sh; rc=$?
  case $rc in 0) passed=$((passed + 1)) ;; 77) echo "fuzz pass skipped: no clang" ;; *) failed=$((failed + 1)) ;; esac
fi

echo "all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
