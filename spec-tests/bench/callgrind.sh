#!/usr/bin/env bash
# callgrind.sh BENCH_PARSE CORPUS [ITERATIONS]
#
# Instructions per connection string, counted by callgrind (exact and
# independent of the machine's load), for mongouri and, when bench-parse was
# built against libmongoc, for mongoc_uri_new_with_error() on the same corpus
# in the same run. Prints key=value lines:
#   uris=N iterations=N
#   mongouri_instructions_per_uri=...
#   mongoc_instructions_per_uri=...      (only with libmongoc)
#   instruction_ratio=...                (libmongoc / mongouri)
# then the top 15 functions of mongouri's own profile (a second run with
# libmongoc left out). Only the measured loops are counted: the warm-up
# pass, loading the corpus and start-up are outside the collection.
# Exit: 0, 77 when valgrind is missing (skip), 1 when a run fails.
set -euo pipefail

bench=${1:?usage: callgrind.sh BENCH_PARSE CORPUS [ITERATIONS]}
corpus=${2:?usage: callgrind.sh BENCH_PARSE CORPUS [ITERATIONS]}
iterations=${3:-20}

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found, skipped"; exit 77; }
command -v callgrind_annotate >/dev/null || { echo "callgrind.sh: callgrind_annotate not found, skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One run, both parsers: each measured loop's inclusive cost.
if ! valgrind --tool=callgrind --callgrind-out-file="$tmp/both.out" \
    --toggle-collect=measure_mongouri --toggle-collect=measure_mongoc \
    "$bench" "$corpus" "$iterations" >"$tmp/bench.txt" 2>"$tmp/valgrind.txt"; then
  cat "$tmp/valgrind.txt" >&2
  echo "callgrind.sh: bench-parse failed under callgrind" >&2
  exit 1
fi
uris=$(sed -n 's/^uris=//p' "$tmp/bench.txt")
[ -n "$uris" ] || { echo "callgrind.sh: no uris= line from bench-parse" >&2; exit 1; }
parses=$((uris * iterations))

inclusive() { # FUNCTION -> instructions spent inside it (0 when absent)
  callgrind_annotate --inclusive=yes --threshold=100 "$tmp/both.out" 2>/dev/null |
    awk -v f=":$1 " '!found && index($0, f) { gsub(",", "", $1); v = $1; found = 1 }
                     END { print found ? v : 0 }'
}
ours=$(inclusive measure_mongouri)
theirs=$(inclusive measure_mongoc)

echo "corpus=$corpus"
echo "uris=$uris"
echo "iterations=$iterations"
echo "invalid=$(sed -n 's/^invalid=//p' "$tmp/bench.txt")"
awk -v n="$parses" -v o="$ours" -v t="$theirs" 'BEGIN {
  printf "mongouri_instructions_per_uri=%.0f\n", o / n
  if (t > 0) {
    printf "mongoc_instructions_per_uri=%.0f\n", t / n
    printf "instruction_ratio=%.1f\n", (o > 0) ? t / o : 0
  }
}'
if [ "$theirs" -gt 0 ]; then
  echo "mongoc_invalid=$(sed -n 's/^mongoc_invalid=//p' "$tmp/bench.txt")"
else
  echo "mongoc: not compared (bench-parse built without libmongoc)"
fi

# mongouri alone, for its profile: exclusive cost per function.
valgrind --tool=callgrind --callgrind-out-file="$tmp/ours.out" \
  --toggle-collect=measure_mongouri \
  "$bench" --no-mongoc "$corpus" "$iterations" >/dev/null 2>"$tmp/valgrind.txt" || {
  cat "$tmp/valgrind.txt" >&2
  echo "callgrind.sh: bench-parse failed under callgrind" >&2
  exit 1
}
echo "top functions of mongouri (instructions over $parses parses, exclusive):"
callgrind_annotate --threshold=100 "$tmp/ours.out" 2>/dev/null |
  awk '/file:function/ { on = 1; getline; next } on && NF == 0 { on = 0; done = 1 }
       on && !done && ++n <= 15' |
  sed -e 's| \[[^]]*\]$||' -e 's|^|  |'
