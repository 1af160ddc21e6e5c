# --connect: one entry per host with a category, exit 4 when any host fails.
# Servers: openssl s_server on 127.0.0.1, free ports, stopped by PID.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pki.sh"

command -v openssl >/dev/null || skip "openssl not installed"
P="$TMP/pki"
make_pki "$P" || { cat "$P/pki.log"; fail "PKI generation"; finish; }

# start_server NAME [EXTRA...]: an s_server with the test CA's certificate
# NAME.pem; sets $port.
start_server() { start_tls_server "$P" "$@"; }

start_server server || skip "cannot start openssl s_server"
good=$port
closed=$(free_port) || skip "no free port"

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 0 "handshake with the right CA"
expect_eq "one connection" "$(jn .connections)" 1
expect_eq "connection fields" "$(j '.connections[0].host') $(j '.connections[0].port') $(j '.connections[0].ok') $(j '.connections[0].category')" "127.0.0.1 $good true ok"
for k in detail hint; do
    expect_eq "connection has $k" "$(jt ".connections[0].$k")" string
done
expect_eq "contract keys, then tls" "$("$JG" --whole --keys '.connections[0]' <"$TMP/out" | tr '\n' ' ')" \
    "host port ok category detail hint tls "
expect_eq "tls: name expected" "$(j '.connections[0].tls.expectedName')" 127.0.0.1
expect_eq "tls: certificate names" "$(j '.connections[0].tls.peerNames')" "DNS:localhost, IP:127.0.0.1, IP:::1"
expect_eq "tls: certificate subject" "$(j '.connections[0].tls.peerSubject')" "CN=server"
expect_eq "tls: expiry given" "$(jt '.connections[0].tls.peerNotAfter')" string
expect_eq "tls: chain check passed" "$(j '.connections[0].tls.verifyError') $(j '.connections[0].tls.verifyErrorText')" "0 null"
expect_eq "tls: versions offered" "$(j '.connections[0].tls.versionsOffered')" "TLSv1.2-TLSv1.3"
expect_eq "tls: version negotiated" "$(j '.connections[0].tls.version')" "TLSv1.3"
expect_eq "tls: no alert" "$(j '.connections[0].tls.alertReceived') $(j '.connections[0].tls.alertSent')" "null null"
expect_eq "tls: revocation soft-fail (no staple, no responder)" \
    "$(j '.connections[0].tls.revocation.source') $(j '.connections[0].tls.revocation.status')" "soft-fail unknown"
expect_eq "tls: time taken" "$(jt '.connections[0].tls.elapsedMs')" number

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/other-ca.pem"
expect_rc 4 "unknown CA"
expect_eq "unknown CA category" "$(j '.connections[0].category')" unknown-ca
expect_eq "unknown CA not ok" "$(j '.connections[0].ok')" false
expect_ne "unknown CA has a hint" "$(j '.connections[0].hint')" ""

vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$closed/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "nothing listening"
expect_eq "connect-failed category" "$(j '.connections[0].category')" connect-failed
expect_eq "connect-failed: tls says only the name" \
    "$(j '.connections[0].tls.expectedName') $(j '.connections[0].tls.peerSubject') $(j '.connections[0].tls.versionsOffered')" \
    "127.0.0.1 null null"

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

vu --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/ca.pem"
expect_re "^      name expected +127\.0\.0\.1\$" "human ok: name expected"
expect_re "^      certificate names +DNS:localhost, IP:127\.0\.0\.1, IP:::1\$" "human ok: certificate names"
expect_re "^      chain check +passed\$" "human ok: chain check"
expect_re "^      TLS versions +offered TLSv1\.2-TLSv1\.3, negotiated TLSv1\.3\$" "human ok: versions"
expect_re "^  127\.0\.0\.1:$good  ok  \([0-9]+ ms\)\$" "human ok: time taken"

# Hostname mismatch: the name expected against the certificate's names.
start_server wronghost || skip "cannot start openssl s_server"
wrong=$port
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$wrong/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "hostname mismatch"
expect_eq "mismatch: category" "$(j '.connections[0].category')" hostname-mismatch
expect_eq "mismatch: name expected" "$(j '.connections[0].tls.expectedName')" localhost
expect_eq "mismatch: certificate names" "$(j '.connections[0].tls.peerNames')" "DNS:db.example.com"
expect_eq "mismatch: certificate subject" "$(j '.connections[0].tls.peerSubject')" "CN=wronghost"
expect_eq "mismatch: X.509 error" \
    "$(j '.connections[0].tls.verifyError')/$(j '.connections[0].tls.verifyErrorText')/$(j '.connections[0].tls.verifyDepth')" \
    "62/hostname mismatch/0"
expect_eq "mismatch: no version negotiated" "$(j '.connections[0].tls.version')" null
vu --connect --timeout-ms 3000 "mongodb://localhost:$wrong/?tls=true&tlsCAFile=$P/ca.pem"
expect_out "FAILED: hostname-mismatch" "human mismatch: category"
expect_re "^      certificate verify failed: host name localhost is not among the certificate's names" \
    "human mismatch: certificate verify failed, and why"
expect_re "^      name expected +localhost \(not among the certificate's names\)\$" "human mismatch: name expected"
expect_re "^      certificate names +DNS:db\.example\.com\$" "human mismatch: the certificate's names"
expect_re "^      chain check +certificate verify failed: hostname mismatch \(X\.509 error 62 at depth 0, CN=wronghost\)\$" \
    "human mismatch: chain check"
expect_out "tlsAllowInvalidHostnames" "human mismatch: hint names the way out"
vu --connect --timeout-ms 3000 "mongodb://localhost:$wrong/?tls=true&tlsCAFile=$P/ca.pem&tlsAllowInvalidHostnames=true"
expect_rc 0 "mismatch + tlsAllowInvalidHostnames"
expect_re "^      name expected +localhost \(not checked\)\$" "human: name not checked"
vu --connect --timeout-ms 3000 "mongodb://localhost:$wrong/?tls=true&tlsInsecure=true"
expect_rc 0 "mismatch + tlsInsecure"
expect_re "^      chain check +off \(certificates are not verified\); it would fail: " "human: chain check off, would fail"

# Expired server certificate: its expiry.
start_server server-expired || skip "cannot start openssl s_server"
expired=$port
vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$expired/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "expired certificate"
expect_eq "expired: category" "$(j '.connections[0].category')" expired
expect_eq "expired: expiry" "$(j '.connections[0].tls.peerNotAfter')" "2020-01-02 00:00:00 UTC"
expect_eq "expired: X.509 error" "$(j '.connections[0].tls.verifyError') $(j '.connections[0].tls.verifySubject')" \
    "10 CN=server-expired"
vu --connect --timeout-ms 3000 "mongodb://127.0.0.1:$expired/?tls=true&tlsCAFile=$P/ca.pem"
expect_re "^      certificate verify failed: .*expired on 2020-01-02" "human expired: certificate verify failed, and when"
expect_re "^      certificate expires +2020-01-02 00:00:00 UTC \(expired\)\$" "human expired: expiry row"

# Revoked (CRL): revocation source, status and reason.
start_server server-revoked || skip "cannot start openssl s_server"
revoked=$port
vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$revoked/?tls=true&tlsCAFile=$P/ca.pem&tlsCRLFile=$P/ca.crl"
expect_rc 4 "revoked certificate"
expect_eq "revoked: category" "$(j '.connections[0].category')" revoked
expect_eq "revoked: source status reason" \
    "$(j '.connections[0].tls.revocation.source') $(j '.connections[0].tls.revocation.status') $(j '.connections[0].tls.revocation.reason')" \
    "crl revoked keyCompromise"
vu --connect --timeout-ms 3000 "mongodb://127.0.0.1:$revoked/?tls=true&tlsCAFile=$P/ca.pem&tlsCRLFile=$P/ca.crl"
expect_re "^      revocation +source crl, status revoked, reason keyCompromise; " "human revoked: revocation row"
vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/ca.pem&tlsCRLFile=$P/ca.crl"
expect_rc 0 "CRL: good certificate"
expect_eq "CRL good: source status" \
    "$(j '.connections[0].tls.revocation.source') $(j '.connections[0].tls.revocation.status') $(j '.connections[0].tls.revocation.reason')" \
    "crl good null"

# A server that speaks only TLS 1.1 (its ciphers need security level 0).
start_server server -tls1_1 -cipher DEFAULT:@SECLEVEL=0 || skip "cannot start openssl s_server"
old=$port
vu --json --connect --timeout-ms 3000 "mongodb://127.0.0.1:$old/?tls=true&tlsCAFile=$P/ca.pem"
expect_rc 4 "TLS 1.1-only server"
expect_eq "TLS 1.1: category" "$(j '.connections[0].category')" protocol-version
expect_eq "TLS 1.1: versions offered, server's version" \
    "$(j '.connections[0].tls.versionsOffered') $(j '.connections[0].tls.serverVersion') $(j '.connections[0].tls.version')" \
    "TLSv1.2-TLSv1.3 TLSv1.1 null"
expect_eq "TLS 1.1: alert" "$(j '.connections[0].tls.alertReceived') $(j '.connections[0].tls.alertReceivedText')" \
    "70 protocol version"
vu --connect --timeout-ms 3000 "mongodb://127.0.0.1:$old/?tls=true&tlsCAFile=$P/ca.pem"
expect_out "FAILED: protocol-version" "human TLS 1.1: category"
expect_re "^      tlsv1 alert protocol version: the client offers TLSv1\.2-TLSv1\.3" "human TLS 1.1: the guide's words"
expect_re "^      TLS versions +offered TLSv1\.2-TLSv1\.3; the server speaks TLSv1\.1\$" "human TLS 1.1: offered against spoken"
expect_re "^      TLS alert +received protocol version \(70\)\$" "human TLS 1.1: the alert"

# No connection attempt after a failed file check; files first.
vu --json --connect --check-files "mongodb://127.0.0.1:$good/?tls=true&tlsCAFile=$P/nope.pem"
expect_rc 5 "file failure before connecting"
expect_eq "no connection attempted" "$(jn .connections)" 0

# Invalid URI: no connection, exit 1.
vu --json --connect "mongodb://127.0.0.1:0/?tls=true"
expect_rc 1 "invalid URI is not probed"

finish
