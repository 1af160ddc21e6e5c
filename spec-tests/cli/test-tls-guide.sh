# The TLS configuration guide's examples, typed in as a newcomer would: each
# gives a clear and correct account (human) and the right normalized settings
# (JSON).
. "$(dirname "$0")/lib.sh"

# tls_json DESC ARGS...: run --json and compare "enabled verifyCertificates
# verifyHostnames revocation source.enabled".
tls_json() {
    local desc=$1 want=$2
    shift 2
    vu --json "$@"
    expect_rc 0 "$desc: valid"
    expect_eq "$desc: settings" \
        "$(j .tls.enabled) $(j .tls.verifyCertificates) $(j .tls.verifyHostnames) $(j .tls.revocation) $(j .tls.source.enabled)" \
        "$want"
}

# 1. TLS on the URI.
tls_json "tls=true on the URI" "true true true ocsp uri" 'mongodb://db.example.com/?tls=true'
vu 'mongodb://db.example.com/?tls=true'
expect_out "TLS: on" "tls=true: TLS on"
if grep -E '^  enabled ' "$TMP/out" | grep -qi 'URI'; then ok "tls=true: provenance URI"; else fail "tls=true: provenance URI"; fi
expect_out "system's trust store" "tls=true: system trust store"
expect_out "The certificate must name the host" "tls=true: host names checked"

# 2. TLS as a keyword option.
tls_json "tls as a keyword" "true true true ocsp keyword" -o tls=true 'mongodb://db.example.com/'
vu -o tls=true 'mongodb://db.example.com/'
if grep -E '^  enabled ' "$TMP/out" | grep -qi 'keyword'; then ok "keyword tls: provenance keyword"; else fail "keyword tls: provenance keyword"; fi

# 3. mongodb+srv: TLS on by default.
tls_json "+srv default" "true true true ocsp implied" 'mongodb+srv://cluster0.example.com/'
vu 'mongodb+srv://cluster0.example.com/'
expect_out "implied by mongodb+srv" "+srv: says why TLS is on"
expect_out "SRV name" "+srv: the host is an SRV name"
tls_json "+srv with tls=false" "false false false none uri" 'mongodb+srv://cluster0.example.com/?tls=false'
vu 'mongodb+srv://cluster0.example.com/?tls=false'
expect_out "TLS: off" "+srv tls=false: off"
expect_out "not encrypted" "+srv tls=false: says the connection is not encrypted"

# 4. tlsCAFile.
tls_json "tlsCAFile" "true true true ocsp uri" 'mongodb://db.example.com/?tls=true&tlsCAFile=/etc/ssl/mongo-ca.pem'
expect_eq "tlsCAFile: caFile" "$(j .tls.caFile) $(j .tls.source.caFile)" "/etc/ssl/mongo-ca.pem uri"
vu 'mongodb://db.example.com/?tls=true&tlsCAFile=/etc/ssl/mongo-ca.pem'
expect_out "checked against the CA certificates in /etc/ssl/mongo-ca.pem" "tlsCAFile: explained"
tls_json "tlsCAFile alone implies TLS" "true true true ocsp implied" 'mongodb://db.example.com/?tlsCAFile=/etc/ssl/mongo-ca.pem'
vu 'mongodb://db.example.com/?tlsCAFile=/etc/ssl/mongo-ca.pem'
expect_out "implied by tlsCAFile" "tlsCAFile alone: says why TLS is on"

# 5. tlsCRLFile.
tls_json "tlsCRLFile" "true true true crl uri" 'mongodb://db.example.com/?tls=true&tlsCAFile=/etc/ssl/ca.pem&tlsCRLFile=/etc/ssl/ca.crl'
expect_eq "tlsCRLFile: crlFile" "$(j .tls.crlFile)" /etc/ssl/ca.crl
vu 'mongodb://db.example.com/?tls=true&tlsCAFile=/etc/ssl/ca.pem&tlsCRLFile=/etc/ssl/ca.crl'
expect_out "checked against the CRL in /etc/ssl/ca.crl" "tlsCRLFile: explained"
vu --json 'mongodb://db.example.com/?tls=true&tlsCRLFile=/etc/ssl/ca.crl&tlsAllowInvalidCertificates=true'
expect_rc 1 "tlsCRLFile with tlsAllowInvalidCertificates: error"
expect_eq "CRL conflict code" "$(j .error.code)" revocation-conflict

# 6. tlsInsecure.
tls_json "tlsInsecure" "true false false none uri" 'mongodb://db.example.com/?tls=true&tlsInsecure=true'
vu 'mongodb://db.example.com/?tls=true&tlsInsecure=true'
expect_out "certificate is NOT checked" "tlsInsecure: certificates not checked, said plainly"
expect_out "host name in the certificate is NOT checked" "tlsInsecure: host names not checked"
expect_out "Revocation: not checked" "tlsInsecure: revocation off"
if grep -E '^  verify certificates ' "$TMP/out" | grep -q tlsInsecure; then ok "tlsInsecure: named as the cause"; else fail "tlsInsecure: named as the cause"; fi

# 7. tlsAllowInvalidCertificates.
tls_json "tlsAllowInvalidCertificates" "true false true none uri" 'mongodb://db.example.com/?tls=true&tlsAllowInvalidCertificates=true'
vu 'mongodb://db.example.com/?tls=true&tlsAllowInvalidCertificates=true'
expect_out "certificate is NOT checked" "tlsAllowInvalidCertificates: explained"
expect_out "The certificate must name the host" "tlsAllowInvalidCertificates: host names still checked"

# 8. tlsAllowInvalidHostnames.
tls_json "tlsAllowInvalidHostnames" "true true false ocsp uri" 'mongodb://db.example.com/?tls=true&tlsAllowInvalidHostnames=true'
vu 'mongodb://db.example.com/?tls=true&tlsAllowInvalidHostnames=true'
expect_out "host name in the certificate is NOT checked" "tlsAllowInvalidHostnames: explained"
expect_no_out "certificate is NOT checked:" "tlsAllowInvalidHostnames: chain still checked"

# The guide's pitfalls.
vu --json 'mongodb://db.example.com/?tls=false&tlsCAFile=/etc/ssl/ca.pem'
expect_rc 0 "tls=false with tlsCAFile: a warning"
expect_eq "tls stays off" "$(j .tls.enabled)" false
expect_eq "warning says ignored" "$(j '.warnings[0].code')" tls-option-ignored
vu --json 'mongodb://db.example.com/?tlsInsecure=true&tlsAllowInvalidCertificates=true'
expect_rc 1 "tlsInsecure with tlsAllowInvalidCertificates: error"
vu 'mongodb://db.example.com/?tlsInsecure=true&tlsAllowInvalidCertificates=true'
expect_out "^" "conflict: caret shown"
vu --json 'mongodb://db.example.com/?tls=true&ssl=false'
expect_rc 1 "tls/ssl disagreement: error"
expect_eq "disagreement code" "$(j .error.code)" tls-ssl-disagree
vu --json 'mongodb://alice:p@ss@db.example.com/?tls=true'
expect_rc 1 "unescaped @ in the password"
vu 'mongodb://alice:p@ss@db.example.com/?tls=true'
expect_out "%40" "unescaped @: hint shows %40"
expect_no_out "p@ss" "unescaped @: the password is not printed"
vu --json 'mongodb://db.example.com/?tls=true&tlsCertificateKeyFile=/etc/ssl/client.pem&tlsCertificateKeyFilePassword=hunter2'
expect_eq "client certificate" "$(j .tls.certificateKeyFile)" /etc/ssl/client.pem
vu 'mongodb://db.example.com/?tls=true&tlsCertificateKeyFile=/etc/ssl/client.pem&tlsCertificateKeyFilePassword=hunter2'
expect_out "client certificate is presented from /etc/ssl/client.pem" "client certificate explained"
expect_no_out "hunter2" "key password hidden"

finish
