# -o KEY=VALUE: keyword options win over the URI; conflicts are checked on
# the merged set and name both options and where each came from.
. "$(dirname "$0")/lib.sh"

# Precedence.
vu --json -o appName=fromKeyword 'mongodb://localhost/?appName=fromUri'
expect_rc 0 "keyword and URI option"
expect_eq "keyword wins" "$(j .options.appname)" fromKeyword
vu -o appName=fromKeyword 'mongodb://localhost/?appName=fromUri'
row=$(grep -E '^  appname ' "$TMP/out")
case "$row" in *fromKeyword*keyword*) ok "human: the keyword value, provenance keyword" ;; *) fail "human: appname row '$row'" ;; esac

vu --json -o tls=false 'mongodb+srv://cluster0.example.com/'
expect_eq "keyword tls=false beats the +srv default" "$(j .tls.enabled)" false
expect_eq "its provenance" "$(j .tls.source.enabled)" keyword
# tls and ssl must agree everywhere: a keyword that contradicts the URI is a
# conflict naming both, not a silent override of a security setting.
vu --json -o tls=true 'mongodb://localhost/?tls=false'
expect_rc 1 "keyword tls=true against URI tls=false"
expect_eq "its code" "$(j .error.code)" tls-ssl-disagree
vu --json -o tls=true 'mongodb://localhost/?ssl=true'
expect_rc 0 "keyword tls=true agreeing with URI ssl=true"
expect_eq "TLS on" "$(j .tls.enabled)" true
vu --json -o ssl=true 'mongodb://localhost/'
expect_eq "alias ssl as keyword" "$(j .tls.enabled)" true
vu --json -o TLSCAFILE=/etc/ssl/ca.pem 'mongodb://localhost/'
expect_rc 0 "keyword names are case-insensitive"
expect_eq "keyword tlsCAFile" "$(j .tls.caFile)" /etc/ssl/ca.pem
expect_eq "keyword tlsCAFile implies TLS" "$(j .tls.enabled):$(j .tls.source.enabled)" true:implied
vu --json -o maxPoolSize=7 -o maxPoolSize=9 'mongodb://localhost/'
expect_eq "repeated -o: the last one counts" "$(j .options.maxPoolSize)" 9
vu --json -o 'authMechanismProperties=SERVICE_NAME:other' 'mongodb://u@localhost/?authMechanism=GSSAPI'
expect_rc 0 "key:value keyword"

# Keywords are strict.
vu --json -o tlsCAfle=x 'mongodb://localhost/'
expect_rc 1 "unknown keyword refused"
expect_eq "unknown keyword code" "$(j .error.code)" unknown-option
vu -o tlsCAfle=x 'mongodb://localhost/'
expect_out "tlsCAFile" "unknown keyword: nearest name suggested"
vu --json -o retryWrites=yes 'mongodb://localhost/'
expect_rc 1 "legacy boolean refused as keyword"
vu --json -o maxPoolSize=-1 'mongodb://localhost/'
expect_rc 1 "out-of-range keyword refused"

# Conflicts on the merged set: keyword with URI.
vu --json -o tlsAllowInvalidCertificates=true 'mongodb://localhost/?tlsInsecure=true'
expect_rc 1 "keyword/URI conflict"
expect_eq "conflict code" "$(j .error.code)" tls-conflict
msg=$(j .error.message)
case "$msg" in *tlsInsecure*tlsAllowInvalidCertificates*|*tlsAllowInvalidCertificates*tlsInsecure*) ok "conflict names both options" ;; *) fail "conflict names both options: '$msg'" ;; esac
case "$msg" in *keyword*) ok "conflict says one came from a keyword" ;; *) fail "conflict provenance: '$msg'" ;; esac
vu -o tlsAllowInvalidCertificates=true 'mongodb://localhost/?tlsInsecure=true'
expect_out "invalid" "human: invalid"
expect_out "tlsInsecure" "human: names tlsInsecure"

vu --json -o tlsDisableOCSPEndpointCheck=false 'mongodb://localhost/?tlsDisableCertificateRevocationCheck=false'
expect_rc 1 "presence-based conflict, values false"
vu --json -o tls=false 'mongodb://localhost/?ssl=true'
expect_rc 1 "keyword tls=false against URI ssl=true"
vu --json -o tlsCRLFile=/crl.pem 'mongodb://localhost/?tlsInsecure=true'
expect_rc 1 "CRL with tlsInsecure across keyword and URI"
expect_eq "revocation conflict code" "$(j .error.code)" revocation-conflict

# Conflicts between two keywords.
vu --json -o tlsInsecure=true -o tlsAllowInvalidHostnames=true 'mongodb://localhost/'
expect_rc 1 "keyword/keyword conflict"
expect_eq "keyword/keyword conflict code" "$(j .error.code)" tls-conflict

# Keyword rules with the URI's scheme.
vu --json -o directConnection=true 'mongodb+srv://cluster0.example.com/'
expect_rc 1 "directConnection=true keyword with +srv"
vu --json -o srvMaxHosts=2 'mongodb://localhost/'
expect_rc 1 "srvMaxHosts keyword with mongodb://"

finish
