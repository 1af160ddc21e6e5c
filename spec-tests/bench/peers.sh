#!/usr/bin/env bash
# peers.sh [CORPUS]
#
# Measures, in one run and on the same corpus, what parsing one connection
# string costs in mongouri and in the peers that are installed:
#   mongouri       tools/bench-parse from the build (mongouri_uri_parse_len + destroy)
#   libmongoc      mongoc_uri_new_with_error + mongoc_uri_destroy   (libmongoc-dev)
#   pymongo        pymongo.uri_parser.parse_uri                      (python3-pymongo)
#   Go connstring  connstring.ParseAndValidate of the Go driver     (golang-go,
#                                                                    golang-mongodb-mongo-driver-dev)
# and prints, per implementation, instructions per URI (callgrind) and
# nanoseconds per URI (wall clock), each with its ratio to mongouri.
#
# CORPUS defaults to ../shared/bench/corpus-bench.txt beside the repository:
# one connection string per line, '#' lines and blank lines skipped. Lines
# starting with mongodb+srv:// are left out for every implementation (pymongo
# and the Go driver would resolve them through DNS).
#
# How each figure is taken:
#   instructions  mongouri and libmongoc: callgrind counts only the measured
#                 loop (--toggle-collect, as spec-tests/bench/callgrind.sh
#                 does), over PEERS_C_ITERATIONS passes of the corpus.
#                 pymongo and Go: callgrind counts the whole process twice,
#                 once with PEERS_PY_ITERATIONS / PEERS_GO_ITERATIONS passes and
#                 once with none (start-up, corpus loading and the warm-up
#                 pass); the difference divided by the parses is per URI.
#   ns            each program parses the corpus once (warm-up), then repeats
#                 the measured loop with 1, 2, 4, ... passes until one run lasts
#                 at least PEERS_SECONDS, then twice more with as many passes,
#                 and the fastest of the three counts (mongouri: three runs of
#                 bench-parse with passes for PEERS_SECONDS); Go runs with GOMAXPROCS=1 so that its
#                 garbage collector shares the one core the C parsers use.
#   invalid       how many URIs each implementation rejects: they are parsed
#                 and counted like the others (a rejection may cost more or less).
#
# Nothing is installed and nothing is fetched: a peer that is not there is
# skipped with a line that says so. The C driver and the Go driver
# (spec-tests/bench/peers/) are built into a temporary directory; Go builds
# against the Debian package's sources with GO111MODULE=off, GOPROXY=off.
#
# Environment:
#   BENCH_PARSE          bench-parse binary (default: build/tools/bench-parse)
#   PEERS_SECONDS        minimum wall-clock time of a timed run (default 0.5)
#   PEERS_CALLGRIND      implementations counted under callgrind (default
#                        "mongouri libmongoc pymongo go"; "" for none)
#   PEERS_C_ITERATIONS   passes under callgrind for the C parsers (default 20)
#   PEERS_PY_ITERATIONS  passes under callgrind for pymongo (default 10)
#   PEERS_GO_ITERATIONS  passes under callgrind for Go (default 50)
#   PEERS_PYTHON         the Python interpreter to try first
#   PEERS_GOPATH         GOPATH holding the Go driver (default /usr/share/gocode)
# Exit: 0; 1 when mongouri or an installed peer fails to build or run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-$root/../shared/bench/corpus-bench.txt}
bench=${BENCH_PARSE:-$root/build/tools/bench-parse}
seconds=${PEERS_SECONDS:-0.5}
callgrind_set=" ${PEERS_CALLGRIND-mongouri libmongoc pymongo go} "
c_iter=${PEERS_C_ITERATIONS:-20}
py_iter=${PEERS_PY_ITERATIONS:-10}
go_iter=${PEERS_GO_ITERATIONS:-50}
gopath=${PEERS_GOPATH:-/usr/share/gocode}

die() { echo "peers.sh: $*" >&2; exit 1; }
[ -r "$corpus" ] || die "$corpus: cannot read the corpus"
[ -x "$bench" ] || die "$bench: bench-parse not built (bash tools/build.sh, or set BENCH_PARSE)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

# The corpus every implementation parses: no comments, no blank lines, no SRV.
tr -d '\r' <"$corpus" | grep -v -e '^#' -e '^$' >"$tmp/all.txt" || true
grep -v -i '^mongodb+srv://' "$tmp/all.txt" >"$tmp/corpus.txt" || true
uris=$(wc -l <"$tmp/corpus.txt")
srv=$(($(wc -l <"$tmp/all.txt") - uris))
[ "$uris" -gt 0 ] || die "$corpus: no connection string (other than mongodb+srv)"

# Every program runs in the temporary directory, so that a relative file name
# in the corpus (pymongo opens tlsCAFile and tlsCertificateKeyFile) means the
# same thing wherever the script is started from.
bench=$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")
cd "$tmp"

have_valgrind=0
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null && have_valgrind=1

echo "corpus: $corpus ($uris URIs$([ "$srv" -eq 0 ] || echo ", $srv mongodb+srv lines left out"))"
# lscpu may be missing or fail (a minimal root): then /proc/cpuinfo, then "unknown".
cpu=$({ lscpu 2>/dev/null || true; } | sed -n 's/^Model name: *//p' | head -1)
[ -n "$cpu" ] || cpu=$({ cat /proc/cpuinfo 2>/dev/null || true; } | sed -n 's/^model name[[:space:]]*: *//p' | head -1)
echo "machine: ${cpu:-unknown CPU}, $(nproc) cores, $(uname -sr)"
[ "$have_valgrind" -eq 1 ] || echo "callgrind: valgrind not found, instructions not measured"

# Results: one line per implementation, "name|label|instr|ns|invalid|note".
: >"$tmp/results"
val() { sed -n "s/^$1=//p" "$2" | head -1; }

# Instructions spent inside FUNCTION of callgrind output FILE (0 when absent).
inclusive() {
  callgrind_annotate --inclusive=yes --threshold=100 "$2" 2>/dev/null |
    awk -v f=":$1 " '!found && index($0, f) { gsub(",", "", $1); v = $1; found = 1 }
                     END { print found ? v : 0 }'
}

# Total instructions of a whole run, from callgrind's summary line.
total_instructions() { # FILE
  awk '/^summary:/ { print $2; found = 1 } END { if (!found) print 0 }' "$1"
}

# counted NAME ITER -- COMMAND...: instructions per URI of COMMAND's loop,
# as (run with ITER passes - run with 0 passes) / (ITER * URIs).
differential() {
  local name=$1 iter=$2
  shift 3
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$name-0.out" "$@" count \
    "$tmp/corpus.txt" 0 >/dev/null 2>"$tmp/$name-vg.txt" ||
    { cat "$tmp/$name-vg.txt" >&2; die "$name failed under callgrind"; }
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$name-n.out" "$@" count \
    "$tmp/corpus.txt" "$iter" >/dev/null 2>"$tmp/$name-vg.txt" ||
    { cat "$tmp/$name-vg.txt" >&2; die "$name failed under callgrind"; }
  awk -v a="$(total_instructions "$tmp/$name-0.out")" \
    -v b="$(total_instructions "$tmp/$name-n.out")" -v n=$((iter * uris)) \
    'BEGIN { printf "%.0f\n", (b - a) / n }'
}

# The note of a peer whose instructions come from the differential method.
no_callgrind_note() {
  if [ "$have_valgrind" -eq 0 ]; then echo "ns only (no valgrind)"
  elif [[ $callgrind_set != *" $1 "* ]]; then echo "ns only (not counted: PEERS_CALLGRIND)"
  else echo "instr: whole process minus an empty run"; fi
}

wants_callgrind() { [ "$have_valgrind" -eq 1 ] && [[ $callgrind_set == *" $1 "* ]]; }

# --- mongouri ---------------------------------------------------------------
"$bench" --no-mongoc "$tmp/corpus.txt" 20 >"$tmp/mu-cal.txt" 2>"$tmp/mu-err.txt" ||
  { cat "$tmp/mu-err.txt" >&2; die "bench-parse failed"; }
# Passes for about PEERS_SECONDS, from a short calibration run.
mu_iter=$(awk -v ns="$(val ns_per_uri "$tmp/mu-cal.txt")" -v n="$uris" -v s="$seconds" \
  'BEGIN { i = (ns > 0) ? int(s * 1e9 / (ns * n)) + 1 : 1000; print (i < 20) ? 20 : i }')
mu_ns=
for _ in 1 2 3; do
  "$bench" --no-mongoc "$tmp/corpus.txt" "$mu_iter" >"$tmp/mu.txt" 2>"$tmp/mu-err.txt" ||
    { cat "$tmp/mu-err.txt" >&2; die "bench-parse failed"; }
  mu_ns=$(awk -v a="$mu_ns" -v b="$(val ns_per_uri "$tmp/mu.txt")" \
    'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
done
mu_instr=-
if wants_callgrind mongouri; then
  valgrind --tool=callgrind --callgrind-out-file="$tmp/mu.out" \
    --toggle-collect=measure_mongouri "$bench" --no-mongoc "$tmp/corpus.txt" "$c_iter" \
    >/dev/null 2>"$tmp/mu-vg.txt" || { cat "$tmp/mu-vg.txt" >&2; die "bench-parse failed under callgrind"; }
  mu_instr=$(awk -v t="$(inclusive measure_mongouri "$tmp/mu.out")" -v n=$((c_iter * uris)) \
    'BEGIN { printf "%.0f\n", t / n }')
fi
echo "mongouri|mongouri|$mu_instr|$mu_ns|$(val invalid "$tmp/mu.txt")|" >>"$tmp/results"

# --- libmongoc --------------------------------------------------------------
if ! command -v cc >/dev/null || ! pkg-config --exists libmongoc-1.0 2>/dev/null; then
  echo "libmongoc: skipped (libmongoc-dev not installed)"
else
  # shellcheck disable=SC2046
  cc -std=c11 -O2 -g -o "$tmp/mongoc-peer" "$here/peers/mongoc-peer.c" \
    $(pkg-config --cflags --libs libmongoc-1.0) 2>"$tmp/cc.txt" ||
    { cat "$tmp/cc.txt" >&2; die "mongoc-peer.c does not build"; }
  "$tmp/mongoc-peer" time "$tmp/corpus.txt" "$seconds" >"$tmp/mc.txt" || die "mongoc-peer failed"
  mc_instr=-
  if wants_callgrind libmongoc; then
    valgrind --tool=callgrind --callgrind-out-file="$tmp/mc.out" \
      --toggle-collect=measure_mongoc "$tmp/mongoc-peer" count "$tmp/corpus.txt" "$c_iter" \
      >/dev/null 2>"$tmp/mc-vg.txt" || { cat "$tmp/mc-vg.txt" >&2; die "mongoc-peer failed under callgrind"; }
    mc_instr=$(awk -v t="$(inclusive measure_mongoc "$tmp/mc.out")" -v n=$((c_iter * uris)) \
      'BEGIN { printf "%.0f\n", t / n }')
  fi
  echo "libmongoc|libmongoc $(val version "$tmp/mc.txt")|$mc_instr|$(val ns_per_uri "$tmp/mc.txt")|$(val invalid "$tmp/mc.txt")|" >>"$tmp/results"
fi

# --- pymongo ----------------------------------------------------------------
python=
for p in ${PEERS_PYTHON:-} python3 /usr/bin/python3; do
  command -v "$p" >/dev/null || continue
  # The interpreter itself (not a wrapper script such as a pyenv shim).
  python=$("$p" -c 'import sys, pymongo.uri_parser; print(sys.executable)' 2>/dev/null) && break
  python=
done
if [ -z "$python" ]; then
  echo "pymongo: skipped (no python3 can import pymongo: python3-pymongo not installed)"
else
  export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1
  "$python" "$here/peers/pymongo-peer.py" time "$tmp/corpus.txt" "$seconds" >"$tmp/py.txt" ||
    die "pymongo-peer.py failed"
  py_instr=-
  py_note=$(no_callgrind_note pymongo)
  if wants_callgrind pymongo; then
    py_instr=$(differential pymongo "$py_iter" -- "$python" "$here/peers/pymongo-peer.py")
  fi
  echo "pymongo|pymongo $(val version "$tmp/py.txt") ($("$python" -c 'import platform; print("CPython", platform.python_version())'))|$py_instr|$(val ns_per_uri "$tmp/py.txt")|$(val invalid "$tmp/py.txt")|$py_note" >>"$tmp/results"
fi

# --- Go driver --------------------------------------------------------------
if ! command -v go >/dev/null; then
  echo "Go connstring: skipped (go not installed: golang-go)"
elif [ ! -d "$gopath/src/go.mongodb.org/mongo-driver/x/mongo/driver/connstring" ]; then
  echo "Go connstring: skipped (golang-mongodb-mongo-driver-dev not installed)"
else
  gocache=$(go env GOCACHE 2>/dev/null || true)
  case $gocache in off | "") gocache=$tmp/gocache ;; esac
  # CGO_ENABLED=0: the pure-Go resolver, no C start-up code (callgrind
  # aborts on cgo's thread start-up signals).
  CGO_ENABLED=0 GO111MODULE=off GOPATH=$gopath GOPROXY=off GOFLAGS='' GOCACHE=$gocache \
    go build -o "$tmp/connstring-peer" "$here/peers/connstring-peer.go" 2>"$tmp/go.txt" ||
    { cat "$tmp/go.txt" >&2; die "connstring-peer.go does not build"; }
  GOMAXPROCS=1 "$tmp/connstring-peer" time "$tmp/corpus.txt" "$seconds" >"$tmp/gov.txt" ||
    die "connstring-peer failed"
  go_instr=-
  go_note=$(no_callgrind_note go)
  if wants_callgrind go; then
    # No asynchronous preemption signals under callgrind: they serve other
    # goroutines, and there are none.
    go_instr=$(GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 differential go "$go_iter" -- "$tmp/connstring-peer")
  fi
  drv=$(dpkg-query -W -f='${Version}' golang-mongodb-mongo-driver-dev 2>/dev/null | sed 's/+.*//')
  echo "go|Go driver ${drv:-?} connstring ($(go env GOVERSION 2>/dev/null || echo go))|$go_instr|$(val ns_per_uri "$tmp/gov.txt")|$(val invalid "$tmp/gov.txt")|$go_note" >>"$tmp/results"
fi

# Every figure asked for is there and is a positive number: a driver that
# stops printing one fails the run instead of leaving a blank in the table.
awk -F'|' -v cg="$callgrind_set" -v vg="$have_valgrind" '
  function bad(x) { return x !~ /^[0-9]+([.][0-9]+)?$/ || x + 0 <= 0 }
  bad($4) { print "peers.sh: " $2 ": no ns per URI"; err = 1 }
  vg && index(cg, " " $1 " ") && bad($3) { print "peers.sh: " $2 ": no instructions per URI"; err = 1 }
  $5 !~ /^[0-9]+$/ { print "peers.sh: " $2 ": no invalid count"; err = 1 }
  END { exit err }' "$tmp/results" >&2 || exit 1

# --- Table ------------------------------------------------------------------
echo
awk -F'|' -v uris="$uris" '
  function num(x,   s, r) {
    if (x == "-" || x == "") return "-"
    s = sprintf("%.0f", x); r = ""
    while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
    return s r
  }
  function ratio(x, base) {
    return (x == "-" || x == "" || base == "-" || base + 0 <= 0) ? "-" : sprintf("%.1fx", x / base)
  }
  NR == 1 { bi = $3; bn = $4 }
  { rows[NR] = $0 }
  END {
    fmt = "%-40s %12s %8s %10s %8s %8s  %s\n"
    printf fmt, "implementation", "instr/URI", "ratio", "ns/URI", "ratio", "invalid", "note"
    for (i = 1; i <= NR; i++) {
      split(rows[i], f, "|")
      printf fmt, f[2], num(f[3]), ratio(f[3], bi), num(f[4]), ratio(f[4], bn), f[5] "/" uris, f[6]
    }
  }' "$tmp/results"
echo
echo "ratio: the implementation's cost / mongouri's (higher: mongouri is cheaper)."
echo "invalid: URIs the implementation rejects; they are parsed and counted like the others."
echo "took $(($(date +%s) - start)) s"
