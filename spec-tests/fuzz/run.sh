#!/usr/bin/env bash
# run.sh [SECONDS] [-- LIBFUZZER_FLAGS...]
#
# Builds the fuzz harnesses with clang (-fsanitize=fuzzer,address,undefined)
# in a build directory of their own, makes a seed corpus from our fixtures
# (and the official ones when MONGOURI_SPEC_FIXTURES names them, or when
# ../shared/spec-fixtures exists beside the project), then runs each harness
# for its share of SECONDS (default 60 in all). Flags after "--" go to every
# harness, e.g. "-- -runs=10000000" for a long campaign.
#
# Environment:
#   MONGOURI_FUZZ_BUILD     build directory (default: <project>/build-fuzz)
#   MONGOURI_SPEC_FIXTURES  folder of the official fixtures (optional)
#   FUZZ_HARNESSES          which harnesses, default "parse srv json"
#
# The corpus grows in <build>/spec-tests/fuzz/corpus/<harness>/ and is kept
# between runs. A crash, leak, timeout or sanitizer report stops that
# harness, saves the input under <build>/spec-tests/fuzz/artifacts/ and
# prints it as fixture-ready strings. Exit: 0 clean, 1 a finding, 77 no clang.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
total=60
if [ $# -gt 0 ] && [ "$1" != "--" ]; then total=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
extra=("$@")

build=${MONGOURI_FUZZ_BUILD:-$root/build-fuzz}
harnesses=(${FUZZ_HARNESSES:-parse srv json})
fixtures=${MONGOURI_SPEC_FIXTURES:-}
if [ -z "$fixtures" ] && [ -d "$root/../shared/spec-fixtures" ]; then
  fixtures=$(cd "$root/../shared/spec-fixtures" && pwd)
fi

command -v clang >/dev/null || { echo "fuzz: clang not found (Debian: clang, libclang-rt-14-dev), skipped"; exit 77; }

config=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMONGOURI_FUZZ=ON -DMONGOURI_SANITIZE=ON)
[ -n "$fixtures" ] && config+=(-DMONGOURI_SPEC_FIXTURES="$fixtures")
CC=clang cmake -S "$root" -B "$build" "${config[@]}" >/dev/null
cmake --build "$build" -j2 --target fuzz-seeds test-hostile hostile-dns \
  $(printf 'fuzz-%s ' "${harnesses[@]}") >/dev/null

dir=$build/spec-tests/fuzz
mkdir -p "$dir/artifacts"
sources=("$root/spec-tests/fixtures" "$root/spec-tests/bench")
[ -n "$fixtures" ] && sources+=("$fixtures")
[ -f "$fixtures/../bench/corpus-bench.txt" ] && sources+=("$fixtures/../bench/corpus-bench.txt")
"$dir/fuzz-seeds" corpus "$dir/seeds" "${sources[@]}"
"$dir/fuzz-seeds" dict "$dir/mongouri.dict"
bash "$root/spec-tests/fuzz/dns-seeds.sh" "$build/spec-tests/dns/test-hostile" \
  "$build/spec-tests/dns/hostile-dns" "$dir/seeds/srv"

per=$(( total / ${#harnesses[@]} ))
[ "$per" -ge 1 ] || per=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=()
for h in "${harnesses[@]}"; do
  mkdir -p "$dir/corpus/$h"
  log=$dir/fuzz-$h.log
  echo "fuzz: $h for ${per}s"
  if "$dir/fuzz-$h" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -dict="$dir/mongouri.dict" -artifact_prefix="$dir/artifacts/$h-" -print_final_stats=1 \
      "${extra[@]}" "$dir/corpus/$h" "$dir/seeds/$h" >"$log" 2>&1; then
    result=clean
  else
    result=FINDING
    status=1
    echo "---- fuzz-$h: last lines of $log"
    grep -av '^#[0-9]' "$log" | tail -n 40
    for a in $(grep -ao "$dir/artifacts/$h-[^ ]*" "$log" | sort -u); do
      [ -f "$a" ] || continue
      echo "---- input $a"
      "$dir/fuzz-seeds" show "$a"
    done
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(grep -ao '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
  summary+=("$h: ${runs:-?} executions, $result")
done
echo "fuzz summary (${total}s, ASan+UBSan): $(IFS=';'; echo "${summary[*]}" | sed 's/;/; /g')"
exit $status
