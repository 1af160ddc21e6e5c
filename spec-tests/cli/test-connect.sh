# --connect: one entry per host with a category, exit 4 when any host fails.
# Servers: openssl s_server on 127.0.0.1, free ports, stopped by PID.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pki.sh"

command -v openssl >/dev/null || skip "openssl not installed"
P="$TMP/pki"
make_pki "$P" || { cat "$P/pki.log"; fail "PKI generation"; finish; }

# start_server: an s_server with the test CA's server certificate; sets $port.
start_server() {
    local try pid
    for try in 1 2 3 4 5; do
        port=$(free_port) || return 1
        openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$P/server.pem" \
            -key "$P/server.key" </dev/null >"$TMP/s_server.$port.log" 2>&1 &
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

start_server || skip "cannot start openssl s_server"
good=$port
closed=$(free_port) || skip "no free port"

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 0 "handshake with the right CA"
expect_eq "one connection" "$(jn .connections)" 1
expect_eq "connection fields" "$(j '.connections[0].host') $(j '.connections[0].port') $(j '.connections[0].ok') $(j '.connections[0].category')" "127.0.0.1 $good true ok"
for k in detail hint; do
    expect_eq "connection has $k" "$(jt ".connections[0].$k")" string
done

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/other-ca.pem"
expect_rc 4 "unknown CA"
expect_eq "unknown CA category" "$(j '.connections[0].category')" unknown-ca
expect_eq "unknown CA not ok" "$(j '.connections[0].ok')" false
expect_ne "unknown CA has a hint" "$(j '.connections[0].hint')" ""

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$closed/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "nothing listening"
expect_eq "connect-failed category" "$(j '.connections[0].category')" connect-failed

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good,127.0.0.1:$closed/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "one of two hosts fails"
expect_eq "two entries" "$(jn .connections)" 2
expect_eq "first ok, second not" "$(j '.connections[0].ok') $(j '.connections[1].ok')" "true false"

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsInsecure=true"
expect_rc 0 "tlsInsecure accepts the unknown CA"

# Human account.
vu --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good,127.0.0.1:$closed/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "human: one of two fails"
expect_out "1 of 2 hosts failed" "human: verdict counts hosts"
expect_out "127.0.0.1:$good  ok" "human: good host ok"
expect_out "FAILED: connect-failed" "human: failed host category"

# No connection attempt after a failed file check; files first.
vu --json --connect --check-files "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/nope.pem"
expect_rc 5 "file failure before connecting"
expect_eq "no connection attempted" "$(jn .connections)" 0

# Invalid URI: no connection, exit 1.
vu --json --connect "mongodb://127.0.0.1:0/?tls=true"
expect_rc 1 "invalid URI is not probed"

finish
