# --resolve / --dns-server: the seed list and TXT options of a mongodb+srv
# string, from a dnsmasq started by the test on a free port.
. "$(dirname "$0")/lib.sh"

command -v dnsmasq >/dev/null || skip "dnsmasq not installed"

start_dns() {
    local try pid
    for try in 1 2 3 4 5; do
        dport=$(free_port) || return 1
        dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
            --listen-address=127.0.0.1 --bind-interfaces --port="$dport" \
            --pid-file="$TMP/dnsmasq.pid" --user="$(id -un)" --log-facility="$TMP/dnsmasq.log" \
            --local=/example.com/ \
            --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27017 \
            --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27018 \
            --txt-record=test1.example.com,"replicaSet=repl0&authSource=thisDB" \
            --srv-host=_mongodb._tcp.bad.example.com,localhost.bad.example.com,27017 \
            --txt-record=bad.example.com,"socketTimeoutMS=100" \
            --srv-host=_mongodb._tcp.evil.example.com,mongo.attacker.org,27017 \
            --srv-host=_mongodb._tcp.notxt.example.com,db.notxt.example.com,27017 \
            >"$TMP/dnsmasq.out" 2>&1 &
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

start_dns || skip "cannot start dnsmasq: $(tail -2 "$TMP/dnsmasq.log" 2>/dev/null)"
DNS="127.0.0.1:$dport"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://test1.example.com/'
expect_rc 0 "resolves"
expect_eq "two seeds" "$(jn .hosts)" 2
expect_eq "seed ports" "$("$JG" --whole '.hosts' <"$TMP/out" | grep -o '"port":[0-9]*' | sort | tr '\n' ' ')" '"port":27017 "port":27018 '
expect_eq "seed host" "$(j '.hosts[0].host')" localhost.test1.example.com
expect_eq "TXT replicaSet" "$(j .options.replicaSet)" repl0
expect_eq "TXT authSource" "$(j .options.authSource)" thisDB
expect_eq "TLS still on (TXT cannot change it)" "$(j .tls.enabled)" true
expect_eq "resolution performed" "$(j .resolution.performed) $(j .resolution.ok)" "true true"
expect_eq "elapsed time given" "$(jt .resolution.elapsedMs)" number

vu --json --dns-server "$DNS" 'mongodb+srv://test1.example.com/?replicaSet=fromUri'
expect_eq "URI wins over TXT" "$(j .options.replicaSet)" fromUri

vu --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://test1.example.com/'
expect_rc 0 "human: resolves"
expect_out "seed list from DNS SRV" "human: hosts are the seed list"
expect_out "localhost.test1.example.com:27018" "human: seed shown"
expect_out "TXT options: authSource=thisDB, replicaSet=repl0" "human: TXT options shown"
expect_out "_mongodb._tcp.test1.example.com" "human: the SRV query name"
expect_out "answered in" "human: timing"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://nosuch.example.com/'
expect_rc 3 "NXDOMAIN"
expect_eq "NXDOMAIN: invalid" "$(j .valid)" false
expect_eq "NXDOMAIN code" "$(j .error.code)" dns-nxdomain
vu --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://nosuch.example.com/'
expect_out "DNS resolution failed" "human: DNS failure verdict"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://bad.example.com/'
expect_ne "TXT option not allowed: fails" "$rc" 0
expect_eq "TXT option not allowed code" "$(j .error.code)" txt-option-not-allowed

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://evil.example.com/'
expect_ne "target outside the parent domain: fails" "$rc" 0
expect_eq "parent domain code" "$(j .error.code)" srv-parent-domain

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://notxt.example.com/'
expect_rc 0 "no TXT record is fine"

# A merged-set conflict that only appears after DNS: TXT replicaSet + srvMaxHosts.
vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://test1.example.com/?srvMaxHosts=1'
expect_rc 1 "TXT replicaSet with URI srvMaxHosts: invalid"

# No answer at all: a port nothing listens on.
quiet=$(free_port) || skip "no free port"
vu --json --dns-server "127.0.0.1:$quiet" --timeout-ms 1000 'mongodb+srv://test1.example.com/'
expect_rc 3 "unreachable DNS server"

# --connect resolves first; with seeds that do not listen, it fails with 4 (not 3).
vu --json --dns-server "$DNS" --connect --timeout-ms 1000 'mongodb+srv://test1.example.com/?tls=false'
expect_rc 4 "connect after resolve: the seeds do not answer"
expect_eq "connect after resolve: entries per seed" "$(jn .connections)" 2

finish
