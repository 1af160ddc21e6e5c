#!/usr/bin/env bash
# differential.sh BASE [BUILD_DIR]
#
# Does this tree's library answer every input exactly as the library of the
# commit BASE does? For work that must change no behaviour (speed, layout).
# Builds BASE's core library in a temporary worktree, links the driver
# (driver.c) against it and against BUILD_DIR's (default ./build, already
# built), generates about a million and a half inputs (inputs.py: every
# fixture URI, ours and the official ones when ../shared/spec-fixtures is
# there, and the bench corpora, each with prefixes, deletions and byte
# replacements) and compares, per input, a hash of everything both answer in
# default mode, strict mode and with keywords: status, error and warnings
# (every field), JSON with and without secrets, redaction. Prints
# `N inputs, N differ` and the full answers of the first differing inputs.
# Exit: 0 when none differs, 1 otherwise. Takes about ten minutes on two
# cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:?usage: differential.sh BASE [BUILD_DIR]}
build=$(cd "${2:-build}" && pwd)
here=spec-tests/differential

tmp=$(mktemp -d)
cleanup() {
  git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

git worktree add --detach "$tmp/base" "$base" >/dev/null
cmake -S "$tmp/base" -B "$tmp/base/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMONGOURI_BUILD_TESTS=OFF >/dev/null
cmake --build "$tmp/base/build" -j"$(nproc)" --target mongouri_static >/dev/null
libs=(-lcjson -lcares -lpthread)
cc -O1 -I"$tmp/base/include" -I"$tmp/base/build/include" "$here/driver.c" \
  "$tmp/base/build/lib/libmongouri.a" "${libs[@]}" -o "$tmp/driver-base"
cc -O1 -Iinclude -I"$build/include" "$here/driver.c" "$build/lib/libmongouri.a" "${libs[@]}" \
  -o "$tmp/driver-this"

sources=(spec-tests/fixtures spec-tests/bench/*.txt)
[ -d ../shared/spec-fixtures ] && sources+=(../shared/spec-fixtures)
[ -f ../shared/bench/corpus-bench.txt ] && sources+=(../shared/bench/corpus-bench.txt)
python3 "$here/inputs.py" "${sources[@]}" >"$tmp/inputs.hex"

"$tmp/driver-base" <"$tmp/inputs.hex" >"$tmp/base.txt" &
base_pid=$!
"$tmp/driver-this" <"$tmp/inputs.hex" >"$tmp/this.txt"
wait "$base_pid"

total=$(wc -l <"$tmp/inputs.hex")
diff "$tmp/base.txt" "$tmp/this.txt" | sed -n 's/^> \([0-9]*\) .*/\1/p' >"$tmp/differ.txt" || true
differ=$(wc -l <"$tmp/differ.txt")
if [ "$differ" -gt 0 ]; then
  head -5 "$tmp/differ.txt" | while read -r i; do
    sed -n "$((i + 1))p" "$tmp/inputs.hex" >"$tmp/one.hex"
    echo "--- input $i, $base:"
    "$tmp/driver-base" --full <"$tmp/one.hex"
    echo "--- input $i, this tree:"
    "$tmp/driver-this" --full <"$tmp/one.hex"
  done
fi
echo "$total inputs, $differ differ"
[ "$differ" -eq 0 ]
