#!/usr/bin/env bash
# linear-callgrind.sh BENCH_PARSE [MAX_BYTES]
#
# Instructions per byte of one parse, counted by callgrind (exact and
# independent of the machine's load and caches), for every shape of
# bench-parse's generated inputs at 1 KiB, 4 KiB, ... up to MAX_BYTES
# (default 1 MiB). Prints one line per size and, per shape,
#   shape=NAME instr_per_byte_1KiB=... instr_per_byte_16KiB=...
#   instr_per_byte_max=... growth_max_vs_16KiB=...
# where a growth near 1 (or below) means the cost grows linearly.
# Figures, not verdicts. Exit: 0, 77 when valgrind is missing (skip), 1 when
# a run fails.
set -euo pipefail

bench=${1:?usage: linear-callgrind.sh BENCH_PARSE [MAX_BYTES]}
max=${2:-1048576}

command -v valgrind >/dev/null || { echo "linear-callgrind.sh: valgrind not found, skipped"; exit 77; }
command -v callgrind_annotate >/dev/null || { echo "linear-callgrind.sh: callgrind_annotate not found, skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for shape in hosts tag-sets password repeated-options unknown-options; do
  first=0 mid=0 last=0
  for ((size = 1024; size <= max; size *= 4)); do
    if ! valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --toggle-collect=measure_one \
        "$bench" --shape "$shape" "$size" 1 >"$tmp/out.txt" 2>"$tmp/valgrind.txt"; then
      cat "$tmp/valgrind.txt" >&2
      echo "linear-callgrind.sh: bench-parse --shape $shape $size failed" >&2
      exit 1
    fi
    bytes=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$tmp/out.txt")
    instr=$(callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.out" 2>/dev/null |
      awk '!found && index($0, ":measure_one ") { gsub(",", "", $1); v = $1; found = 1 }
           END { print found ? v : 0 }')
    per=$(awk -v i="$instr" -v b="$bytes" 'BEGIN { printf "%.2f", i / b }')
    echo "shape=$shape bytes=$bytes instructions=$instr instr_per_byte=$per"
    [ "$size" -eq 1024 ] && first=$per
    [ "$size" -eq 16384 ] && mid=$per
    last=$per
  done
  awk -v s="$shape" -v f="$first" -v m="$mid" -v l="$last" 'BEGIN {
    printf "shape=%s instr_per_byte_1KiB=%s instr_per_byte_16KiB=%s instr_per_byte_max=%s growth_max_vs_16KiB=%.2f\n",
      s, f, m, l, (m > 0) ? l / m : 0 }'
done
