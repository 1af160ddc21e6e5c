# Shared helpers of the validate-uri tests. Sourced by test-*.sh, which are
# run as: bash test-NAME.sh VALIDATE_URI JSON_GET SOURCE_DIR
# Each check prints "ok" or "FAIL"; the script exits 1 when any failed and 77
# (skipped) when it called skip.
set -u
export LC_ALL=C.UTF-8
unset NO_COLOR

VU=${1:?path to validate-uri}
JG=${2:?path to json-get}
SRC=${3:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vu-test.XXXXXX")
checks=0
failures=0
CLEANUP_PIDS=()

cleanup() {
    local pid
    for pid in "${CLEANUP_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

ok()   { checks=$((checks + 1)); echo "ok   - $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL - $1"; }
skip() { echo "SKIP: $1"; exit 77; }

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ] || exit 1
    exit 0
}

# vu ARGS...: run validate-uri; stdout in $TMP/out, stderr in $TMP/err, status in $rc.
vu() {
    "$VU" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
}

# vu_in INPUTFILE ARGS...: same, with stdin from a file.
vu_in() {
    local in=$1
    shift
    "$VU" "$@" >"$TMP/out" 2>"$TMP/err" <"$in"
    rc=$?
}

# j PATH: a value of the (pretty, single) JSON output.
j()  { "$JG" --whole "$1" <"$TMP/out" 2>/dev/null; }
jt() { "$JG" --whole --type "$1" <"$TMP/out" 2>/dev/null; }
jn() { "$JG" --whole --length "$1" <"$TMP/out" 2>/dev/null; }

expect_rc() {
    local want=$1 desc=$2
    if [ "$rc" = "$want" ]; then ok "$desc (exit $rc)"; else
        fail "$desc: exit $rc, wanted $want"
        sed 's/^/    | /' "$TMP/out" | head -40
        sed 's/^/    ! /' "$TMP/err" | head -10
    fi
}

expect_eq() {
    local desc=$1 got=$2 want=$3
    if [ "$got" = "$want" ]; then ok "$desc"; else fail "$desc: got '$got', wanted '$want'"; fi
}

expect_ne() {
    local desc=$1 got=$2 unwanted=$3
    if [ "$got" != "$unwanted" ]; then ok "$desc"; else fail "$desc: got '$got'"; fi
}

# expect_out TEXT DESC: stdout contains TEXT (fixed string).
expect_out() {
    if grep -qF -- "$1" "$TMP/out"; then ok "$2"; else
        fail "$2: output lacks '$1'"
        sed 's/^/    | /' "$TMP/out" | head -60
    fi
}

# expect_re REGEX DESC: a line of stdout matches the extended regular expression.
expect_re() {
    if grep -qE -- "$1" "$TMP/out"; then ok "$2"; else
        fail "$2: no output line matches '$1'"
        sed 's/^/    | /' "$TMP/out" | head -60
    fi
}

# expect_positive DESC VALUE: VALUE is a number greater than zero.
expect_positive() {
    if [[ "$2" =~ ^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] && awk -v x="$2" 'BEGIN { exit !(x > 0) }'; then
        ok "$1"
    else
        fail "$1: got '$2', wanted a positive number"
    fi
}

expect_no_out() {
    if grep -qF -- "$1" "$TMP/out"; then fail "$2: output has '$1'"; else ok "$2"; fi
}

expect_err() {
    if grep -qF -- "$1" "$TMP/err"; then ok "$2"; else
        fail "$2: stderr lacks '$1'"
        sed 's/^/    ! /' "$TMP/err" | head -10
    fi
}

# A TCP port nothing listens on right now (best effort; callers retry on clash).
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( (RANDOM % 20000) + 30000 ))
        if command -v ss >/dev/null 2>&1; then
            ss -Hltun 2>/dev/null | awk '{print $5}' | grep -qE "[:.]$p\$" && continue
        fi
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
        echo "$p"
        return 0
    done
    return 1
}

# wait_tcp PORT: until something accepts on 127.0.0.1:PORT (5 s at most).
wait_tcp() {
    local i
    for i in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# start_dnsmasq RECORD-FLAGS...: a dnsmasq on 127.0.0.1 and a free port,
# authoritative for example.com, with the given --srv-host/--txt-record flags;
# sets $dport. Stopped by PID at exit.
start_dnsmasq() {
    local try pid
    for try in 1 2 3 4 5; do
        dport=$(free_port) || return 1
        dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
            --listen-address=127.0.0.1 --bind-interfaces --port="$dport" \
            --pid-file="$TMP/dnsmasq.pid" --user="$(id -un)" --log-facility="$TMP/dnsmasq.log" \
            --local=/example.com/ "$@" >"$TMP/dnsmasq.out" 2>&1 &
        pid=$!
        sleep 0.2
        if kill -0 "$pid" 2>/dev/null; then
            CLEANUP_PIDS+=("$pid")
            return 0
        fi
        wait "$pid" 2>/dev/null
    done
    return 1
}

# start_tls_server PKI_DIR NAME [EXTRA...]: an openssl s_server on 127.0.0.1
# and a free port with the certificate PKI_DIR/NAME.pem (key NAME.key) and
# extra s_server arguments; sets $port. Stopped by PID at exit.
start_tls_server() {
    local dir=$1 name=$2 try pid
    shift 2
    for try in 1 2 3 4 5; do
        port=$(free_port) || return 1
        openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$dir/$name.pem" \
            -key "$dir/$name.key" "$@" </dev/null >"$TMP/s_server.$port.log" 2>&1 &
        pid=$!
        if wait_tcp "$port"; then
            CLEANUP_PIDS+=("$pid")
            return 0
        fi
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    return 1
}
