# --resolve / --dns-server: the seed list and TXT options of a mongodb+srv
# string, from a dnsmasq started by the test on a free port.
. "$(dirname "$0")/lib.sh"

command -v dnsmasq >/dev/null || skip "dnsmasq not installed"

start_dnsmasq \
    --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27017 \
    --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27018 \
    --txt-record=test1.example.com,"replicaSet=repl0&authSource=thisDB" \
    --srv-host=_mongodb._tcp.bad.example.com,localhost.bad.example.com,27017 \
    --txt-record=bad.example.com,"socketTimeoutMS=100" \
    --srv-host=_mongodb._tcp.evil.example.com,mongo.attacker.org,27017 \
    --srv-host=_mongodb._tcp.notxt.example.com,db.notxt.example.com,27017 \
    --srv-host=_mongodb._tcp.secret.example.com,db.secret.example.com,27017 \
    --txt-record=secret.example.com,"replicaSet=rs&tlsCertificateKeyFilePassword=hunter2&authMechanismProperties=AWS_SESSION_TOKEN:tok123" ||
    skip "cannot start dnsmasq: $(tail -2 "$TMP/dnsmasq.log" 2>/dev/null)"
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
expect_eq "the DNS server asked" "$(j .resolution.servers)" "$DNS"
expect_eq "two queries" "$(jn .resolution.queries)" 2
expect_eq "query types" "$(j '.resolution.queries[0].type') $(j '.resolution.queries[1].type')" "SRV TXT"
expect_eq "query names" "$(j '.resolution.queries[0].name') $(j '.resolution.queries[1].name')" \
    "_mongodb._tcp.test1.example.com test1.example.com"
expect_eq "query outcomes" "$(j '.resolution.queries[0].outcome') $(j '.resolution.queries[1].outcome')" \
    "NOERROR NOERROR"
expect_eq "query record counts" "$(j '.resolution.queries[0].records') $(j '.resolution.queries[1].records')" "2 1"
expect_positive "SRV query time" "$(j '.resolution.queries[0].ms')"
expect_positive "TXT query time" "$(j '.resolution.queries[1].ms')"
expect_eq "raw SRV answer" "$(jn .resolution.srv) $(j '.resolution.srv[0].target') $(j '.resolution.srv[0].port') $(j '.resolution.srv[1].port')" \
    "2 localhost.test1.example.com 27017 27018"
expect_eq "the TXT record" "$(j .resolution.txt)" "replicaSet=repl0&authSource=thisDB"
expect_eq "TXT options marked txt" "$(j .options.replicaSet)/$(j .optionSources.replicaSet)" "repl0/txt"
expect_eq "seeds marked txt" "$(j '.hosts[0].source') $(j '.hosts[1].source')" "txt txt"

vu --json --dns-server "$DNS" 'mongodb+srv://test1.example.com/?replicaSet=fromUri'
expect_eq "URI wins over TXT" "$(j .options.replicaSet)" fromUri

vu --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://test1.example.com/'
expect_rc 0 "human: resolves"
expect_out "seed list from DNS SRV" "human: hosts are the seed list"
expect_out "localhost.test1.example.com:27018" "human: seed shown"
expect_re "^  TXT options +authSource=thisDB, replicaSet=repl0\$" "human: TXT options shown"
expect_re "^  DNS server +$DNS\$" "human: the DNS server"
expect_re "^  SRV query +_mongodb\._tcp\.test1\.example\.com: NOERROR, 2 records, [0-9]+\.[0-9] ms\$" \
    "human: SRV query line (name, outcome, records, time)"
expect_re "^  TXT query +test1\.example\.com: NOERROR, 1 record, [0-9]+\.[0-9] ms\$" \
    "human: TXT query line (name, outcome, records, time)"
expect_re "^  SRV answer +localhost\.test1\.example\.com:2701[78]\$" "human: raw SRV answer"
expect_re '^  TXT record +"replicaSet=repl0&authSource=thisDB"$' "human: the TXT record"
expect_re "^  seed list +2 seeds \(listed under Hosts\), answered in [0-9]+\.[0-9] ms\$" "human: timing"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://nosuch.example.com/'
expect_rc 3 "NXDOMAIN"
expect_eq "NXDOMAIN: invalid" "$(j .valid)" false
expect_eq "NXDOMAIN code" "$(j .error.code)" dns-nxdomain
expect_eq "NXDOMAIN: both queries reported" "$(jn .resolution.queries) $(j '.resolution.queries[0].outcome') $(j '.resolution.queries[1].outcome')" \
    "2 NXDOMAIN NXDOMAIN"
expect_eq "NXDOMAIN: no answer" "$(jn .resolution.srv) $(j .resolution.txt) $(j .resolution.ok)" "0 null false"
vu --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://nosuch.example.com/'
expect_out "DNS resolution failed" "human: DNS failure verdict"
expect_re "^  SRV query +_mongodb\._tcp\.nosuch\.example\.com: NXDOMAIN, 0 records, [0-9.]+ ms\$" \
    "human: the failed query is shown"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://bad.example.com/'
expect_ne "TXT option not allowed: fails" "$rc" 0
expect_eq "TXT option not allowed code" "$(j .error.code)" txt-option-not-allowed

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://evil.example.com/'
expect_ne "target outside the parent domain: fails" "$rc" 0
expect_eq "parent domain code" "$(j .error.code)" srv-parent-domain
expect_eq "parent domain: the offending SRV target is shown" "$(j '.resolution.srv[0].target')" mongo.attacker.org
expect_eq "parent domain: no TXT record" "$(j '.resolution.queries[1].outcome') $(j .resolution.txt)" "NODATA null"

# A TXT record with secrets (refused, as only three options may come from DNS):
# the record is shown with the secret values hidden, in both outputs.
vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://secret.example.com/'
expect_eq "secret TXT: refused" "$rc $(j .error.code)" "3 txt-option-not-allowed"
expect_eq "secret TXT: shown redacted" "$(j .resolution.txt)" \
    "replicaSet=rs&tlsCertificateKeyFilePassword=****&authMechanismProperties=AWS_SESSION_TOKEN:****"
expect_no_out hunter2 "secret TXT, JSON: no key password"
expect_no_out tok123 "secret TXT, JSON: no session token"
vu --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://secret.example.com/'
expect_out "tlsCertificateKeyFilePassword=****" "secret TXT, human: shown redacted"
expect_no_out hunter2 "secret TXT, human: no key password"
expect_no_out tok123 "secret TXT, human: no session token"
vu --show-secrets --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://secret.example.com/'
expect_out "tlsCertificateKeyFilePassword=hunter2" "secret TXT, --show-secrets: shown"

vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://notxt.example.com/'
expect_rc 0 "no TXT record is fine"

# A merged-set conflict that only appears after DNS: TXT replicaSet + srvMaxHosts.
vu --json --dns-server "$DNS" --timeout-ms 3000 'mongodb+srv://test1.example.com/?srvMaxHosts=1'
expect_rc 1 "TXT replicaSet with URI srvMaxHosts: invalid"

# No answer at all: a port nothing listens on.
quiet=$(free_port) || skip "no free port"
vu --json --dns-server "127.0.0.1:$quiet" --timeout-ms 1000 'mongodb+srv://test1.example.com/'
expect_rc 3 "unreachable DNS server"
expect_eq "unreachable: outcomes" "$(j '.resolution.queries[0].outcome') $(j '.resolution.queries[1].outcome')" \
    "unreachable unreachable"

# --connect resolves first; with seeds that do not listen, it fails with 4 (not 3).
vu --json --dns-server "$DNS" --connect --timeout-ms 1000 'mongodb+srv://test1.example.com/?tls=false'
expect_rc 4 "connect after resolve: the seeds do not answer"
expect_eq "connect after resolve: entries per seed" "$(jn .connections)" 2

finish
