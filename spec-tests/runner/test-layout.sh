#!/usr/bin/env bash
# test-layout.sh SRC_DIR ARCHIVE...: the shape of lib/ that the architecture
# promises, checked on the sources and on the compiled objects.
#   - no file of lib/ is longer than 650 lines (one job a file, about 600);
#   - no header includes itself through others (no include cycle);
#   - no two objects of the static libraries call each other (calls go one way).
set -uo pipefail
src=$1
shift
fail=0
bad() { echo "test-layout: $*"; fail=1; }

# 1. File length.
while read -r n f; do
  [ "$f" = total ] && continue
  [ "$n" -gt 650 ] && bad "$f has $n lines (at most about 600: split it by job)"
done < <(find "$src/lib" -name '*.[ch]' -print0 | xargs -0 wc -l)

# 2. Include cycles among the private headers and sources of lib/.
declare -A edges
while IFS= read -r f; do
  rel=${f#"$src/lib/"}
  deps=""
  while IFS= read -r h; do
    [ -f "$src/lib/$h" ] && deps+="$h "
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
  edges[$rel]=$deps
done < <(find "$src/lib" -name '*.[ch]')

declare -A state # 1 on the path, 2 done
visit() {        # $1: file, $2: path so far
  local n=$1 m
  state[$n]=1
  for m in ${edges[$n]:-}; do
    if [ "${state[$m]:-0}" = 1 ]; then
      bad "include cycle: $2 -> $m"
    elif [ "${state[$m]:-0}" = 0 ]; then
      visit "$m" "$2 -> $m"
    fi
  done
  state[$n]=2
}
for n in "${!edges[@]}"; do
  [ "${state[$n]:-0}" = 0 ] && visit "$n" "$n"
done

# 3. Mutual calls between the objects of the archives given.
[ $# -ge 1 ] || bad "no archives given"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objects=()
k=0
for a in "$@"; do
  mkdir -p "$tmp/ar.$k"
  abs=$(realpath "$a")
  (cd "$tmp/ar.$k" && ar x "$abs") || bad "cannot read $a"
  for o in "$tmp/ar.$k"/*.o; do [ -f "$o" ] && objects+=("$o"); done
  k=$((k + 1))
done
[ ${#objects[@]} -ge 2 ] || bad "the archives hold no objects"
i=0
for o in "${objects[@]}"; do
  nm "$o" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$tmp/def.$i"
  nm "$o" | awk '$1 == "U" {print $2}' | sort -u >"$tmp/und.$i"
  name[i]=$(basename "$o" .o)
  i=$((i + 1))
done
[ -s "$tmp/def.0" ] || bad "nm found no symbols in ${objects[0]:-the archives}"
for ((a = 0; a < i; a++)); do
  for ((b = a + 1; b < i; b++)); do
    ab=$(comm -12 "$tmp/und.$a" "$tmp/def.$b" | head -n 1)
    ba=$(comm -12 "$tmp/und.$b" "$tmp/def.$a" | head -n 1)
    if [ -n "$ab" ] && [ -n "$ba" ]; then
      bad "${name[a]} and ${name[b]} call each other (${name[a]} uses $ab, ${name[b]} uses $ba)"
    fi
  done
done

[ "$fail" -eq 0 ] && echo "test-layout: lib/ keeps its shape ($i objects)"
exit "$fail"
