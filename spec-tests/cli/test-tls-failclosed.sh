# Fail closed, and say exactly why: what the TLS files mean (not only that they
# parse), the system trust store, and what --connect reports for each.
# Servers: openssl s_server on 127.0.0.1, free ports, stopped by PID.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/failclosed-pki.sh"

command -v openssl >/dev/null || skip "openssl not installed"
P="$TMP/pki"
mkdir -p "$P"
make_failclosed_pki "$P" || { tail -20 "$P/pki.log"; fail "PKI generation"; finish; }
start_server() { start_tls_server "$P" "$@"; }

# files DESC CODE OPTION QUERY [MESSAGE-PART]: --check-files --json fails with CODE.
files() {
    local desc=$1 code=$2 option=$3 query=$4 part=${5:-}
    vu --json --check-files "mongodb://localhost/?$query"
    expect_rc 5 "$desc"
    expect_eq "$desc: code" "$(j .files.error.code)" "$code"
    expect_eq "$desc: option" "$(j .files.error.option)" "$option"
    if [ -n "$part" ]; then
        case "$(j .files.error.message)" in
            *"$part"*) ok "$desc: message says '$part'" ;;
            *) fail "$desc: message '$(j .files.error.message)' lacks '$part'" ;;
        esac
    fi
}

## What the files mean.
files "expired CA certificate" certificate-expired tlsCAFile "tlsCAFile=$P/exp-ca.pem" \
    "the CA certificate in $P/exp-ca.pem (CN=Expired CA) expired on 2020-01-02"
case "$(j .files.error.hint)" in
    *"CA certificate itself has expired"*) ok "expired CA: the hint speaks of the CA" ;;
    *) fail "expired CA: hint '$(j .files.error.hint)'" ;;
esac
files "a server certificate as tlsCAFile" not-a-ca-certificate tlsCAFile "tlsCAFile=$P/server.pem" \
    "(CN=server) is not a CA certificate"
files "CRL of another CA" crl-wrong-issuer tlsCRLFile "tlsCAFile=$P/ca.pem&tlsCRLFile=$P/other.crl" \
    "issued by CN=Other CA, which is not a CA of tlsCAFile"
sleep 1 # short.crl's nextUpdate is one second after it was made
files "expired CRL" crl-expired tlsCRLFile "tlsCAFile=$P/ca.pem&tlsCRLFile=$P/short.crl" \
    "(issuer CN=Test CA) expired on"
files "PEM CRL block that does not decode" crl-unparseable tlsCRLFile \
    "tlsCAFile=$P/ca.pem&tlsCRLFile=$P/garbage-block.crl" "PEM CRL block 1 of 1 does not decode"
vu --json --check-files "mongodb://localhost/?tlsCAFile=$P/ca.pem&tlsCRLFile=$P/ca.crl"
expect_rc 0 "the CA's own current CRL passes"
cat "$P/server.pem" "$P/ca.pem" >"$P/leaf-and-ca.pem"
vu --json --check-files "mongodb://localhost/?tlsCAFile=$P/leaf-and-ca.pem"
expect_rc 0 "a tlsCAFile with a CA among other certificates passes"

## The provenance of the option a diagnosis names (was "default").
vu --json --check-files "mongodb://localhost/?tlsCAFile=$P/nope.pem"
expect_eq "files.error.source of a URI option" "$(j .files.error.source)" uri
vu --json --check-files -o "tlsCAFile=$P/nope.pem" "mongodb://localhost/"
expect_eq "files.error.source of a keyword option" "$(j .files.error.source)" keyword

## The system trust store, when no tlsCAFile is given.
mkdir -p "$TMP/empty-dir"
SSL_CERT_FILE="$TMP/none.pem" SSL_CERT_DIR="$TMP/none-dir" vu --json --check-files "mongodb://localhost/?tls=true"
expect_rc 5 "missing system store"
expect_eq "missing system store: code" "$(j .files.error.code)" trust-store-empty
case "$(j .files.error.message)" in
    *"file $TMP/none.pem (SSL_CERT_FILE) does not exist; directory $TMP/none-dir (SSL_CERT_DIR) does not exist"*)
        ok "missing system store: names the file and directory, and where they came from" ;;
    *) fail "missing system store: message '$(j .files.error.message)'" ;;
esac
: >"$TMP/empty.pem"
SSL_CERT_FILE="$TMP/empty.pem" SSL_CERT_DIR="$TMP/empty-dir" vu --check-files "mongodb://localhost/?tls=true"
expect_rc 5 "empty system store"
expect_out "file $TMP/empty.pem (SSL_CERT_FILE) with 0 certificates; directory $TMP/empty-dir (SSL_CERT_DIR) with 0 hashed certificates" \
    "empty system store: counts shown"
expect_out "trust-store-empty" "empty system store: diagnosis"
SSL_CERT_FILE="$P/ca.pem" SSL_CERT_DIR="$TMP/empty-dir" vu --json --check-files "mongodb://localhost/?tls=true"
expect_rc 0 "system store of one CA"
expect_eq "files.trustStore" "$(j .files.trustStore)" \
    "file $P/ca.pem (SSL_CERT_FILE) with 1 certificate; directory $TMP/empty-dir (SSL_CERT_DIR) with 0 hashed certificates"
env -u SSL_CERT_FILE -u SSL_CERT_DIR "$VU" --json --check-files "mongodb://localhost/?tls=true" >"$TMP/out" 2>"$TMP/err"
case "$(j .files.trustStore)" in
    *"(OpenSSL's default)"*) ok "without the variables: OpenSSL's default paths are named" ;;
    *) fail "default store: '$(j .files.trustStore)'" ;;
esac
vu --json --check-files "mongodb://localhost/?tls=true&tlsCAFile=$P/ca.pem"
expect_eq "with tlsCAFile: no system store" "$(j .files.trustStore)" null
SSL_CERT_FILE="$TMP/none.pem" SSL_CERT_DIR="$TMP/none-dir" vu --json --check-files "mongodb://localhost/?tls=true&tlsInsecure=true"
expect_rc 0 "certificates not verified: the store does not matter"

## A bundle whose second certificate block does not decode: the block is named by its number.
{ cat "$P/ca.pem"; printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'; } >"$TMP/bad-second.pem"
files "tlsCAFile whose second block does not decode" no-certificate tlsCAFile \
    "tlsCAFile=$TMP/bad-second.pem" "certificate 2 of the 2 in $TMP/bad-second.pem does not decode"

## The system store is judged as the context loads it: every block of the file must decode,
## and a file that cannot be read is no empty file (the context refuses both).
SSL_CERT_FILE="$TMP/bad-second.pem" SSL_CERT_DIR="$TMP/empty-dir" vu --json --check-files "mongodb://localhost/?tls=true"
expect_rc 5 "system store file whose second block does not decode"
expect_eq "system store, bad block: code" "$(j .files.error.code)" no-certificate
case "$(j .files.error.message)" in
    *"system trust store file $TMP/bad-second.pem (SSL_CERT_FILE) cannot be used: certificate 2 of the 2"*)
        ok "system store, bad block: the message names the file and the block" ;;
    *) fail "system store, bad block: message '$(j .files.error.message)'" ;;
esac
mkdir -p "$TMP/hashed-dir"
cp "$P/ca.pem" "$TMP/hashed-dir/$(openssl x509 -hash -noout -in "$P/ca.pem").0"
SSL_CERT_FILE="$TMP/empty-dir" SSL_CERT_DIR="$TMP/hashed-dir" vu --json --check-files "mongodb://localhost/?tls=true"
expect_rc 5 "system store file that is a directory, hashed directory with a CA"
expect_eq "system store file that is a directory: code" "$(j .files.error.code)" file-unreadable
SSL_CERT_FILE="$TMP/none.pem" SSL_CERT_DIR="$TMP/hashed-dir" vu --json --check-files "mongodb://localhost/?tls=true"
expect_rc 0 "no system store file, hashed directory with a CA"

## The same at --connect: the precise diagnosis, not handshake-failed/not-checked.
start_server server || skip "cannot start openssl s_server"
good=$port
SSL_CERT_FILE="$TMP/none.pem" SSL_CERT_DIR="$TMP/none-dir" vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tls=true"
expect_rc 4 "connect, empty system store"
expect_eq "connect, empty system store: category" "$(j '.connections[0].category')" unknown-ca
case "$(j '.connections[0].detail')" in
    *"trusted CAs: the system store, which is empty (file $TMP/none.pem (SSL_CERT_FILE) does not exist"*)
        ok "connect, empty system store: detail" ;;
    *) fail "connect, empty system store: detail '$(j '.connections[0].detail')'" ;;
esac
SSL_CERT_FILE="$P/ca.pem" SSL_CERT_DIR="$TMP/empty-dir" vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tls=true"
expect_rc 0 "connect, SSL_CERT_FILE names the CA"
SSL_CERT_FILE="$P/other-ca.pem" SSL_CERT_DIR="$TMP/empty-dir" vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tls=true"
expect_eq "connect, system store of another CA: category" "$(j '.connections[0].category')" unknown-ca
case "$(j '.connections[0].detail')" in
    *"trusted CAs: the system store (file $P/other-ca.pem (SSL_CERT_FILE) with 1 certificate;"*)
        ok "connect, unknown CA: the detail names the system store used" ;;
    *) fail "connect, unknown CA: detail '$(j '.connections[0].detail')'" ;;
esac
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tlsCAFile=$P/exp-ca.pem"
expect_eq "connect, expired CA: category" "$(j '.connections[0].category')" expired
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tlsCAFile=$P/server.pem"
expect_eq "connect, non-CA tlsCAFile: category" "$(j '.connections[0].category')" unknown-ca
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tlsCAFile=$P/ca.pem&tlsCRLFile=$P/short.crl"
expect_eq "connect, expired CRL: revocation source" "$(j '.connections[0].tls.revocation.source')" crl
case "$(j '.connections[0].detail')" in
    *"CRL in $P/short.crl (issuer CN=Test CA) expired"*) ok "connect, expired CRL: detail" ;;
    *) fail "connect, expired CRL: detail '$(j '.connections[0].detail')'" ;;
esac
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$good/?tlsCAFile=$P/ca.pem&tlsCRLFile=$P/other.crl"
expect_rc 4 "connect, CRL of another CA"
expect_eq "connect, CRL of another CA: revocation source" "$(j '.connections[0].tls.revocation.source')" crl
case "$(j '.connections[0].detail')" in
    *"has no CRL from the issuer of CN=server"*) ok "connect, CRL of another CA: detail" ;;
    *) fail "connect, CRL of another CA: detail '$(j '.connections[0].detail')'" ;;
esac

## An expired CA in the chain the server sends: the hint speaks of the CA.
start_server inter-leaf -cert_chain "$P/inter-exp.pem" || skip "cannot start openssl s_server"
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_eq "expired intermediate: category" "$(j '.connections[0].category')" expired
case "$(j '.connections[0].detail')|$(j '.connections[0].hint')" in
    *"the CA certificate CN=Expired Intermediate (depth 1 of the chain) expired"*"not the server's own"*)
        ok "expired intermediate: detail and hint speak of the CA" ;;
    *) fail "expired intermediate: '$(j '.connections[0].detail')' / '$(j '.connections[0].hint')'" ;;
esac

## Words (item by item of what used to mislead).
vu --json 'mongodb://h/?tlsInsecure=false&tlsAllowInvalidCertificates=true'
expect_rc 1 "tlsInsecure=false with tlsAllowInvalidCertificates: still a conflict"
case "$(j .error.message)" in
    *"already allows"*) fail "conflict reason assumes tlsInsecure=true: '$(j .error.message)'" ;;
    *"whatever their values"*) ok "conflict reason holds for any values" ;;
    *) fail "conflict reason: '$(j .error.message)'" ;;
esac
vu --json -o tls=yes 'mongodb://h/'
expect_rc 1 "-o tls=yes is refused (keyword options are strict)"
case "$(j .error.hint)" in
    *"strict mode"*) fail "-o without --strict gets a strict-mode hint: '$(j .error.hint)'" ;;
    *"keyword options"*) ok "-o: the hint says keyword options are always strict" ;;
    *) fail "-o hint: '$(j .error.hint)'" ;;
esac
start_server server -tls1_3 -Verify 1 || skip "cannot start openssl s_server"
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_eq "TLS 1.3 client certificate required: category" "$(j '.connections[0].category')" client-certificate
expect_eq "alert 116 has its name" "$(j '.connections[0].tls.alertReceived') $(j '.connections[0].tls.alertReceivedText')" \
    "116 certificate required"
vu --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_re "^      TLS alert +received certificate required \(116\)" "human: alert 116 by name"

## Certificate names are shown with control bytes escaped.
start_server nul-san || skip "cannot start openssl s_server"
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_eq "SAN with a NUL: refused" "$(j '.connections[0].category')" hostname-mismatch
expect_eq "SAN with a NUL: shown escaped" "$(j '.connections[0].tls.peerNames')" 'DNS:localhost\x00.evil.com'
vu --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_re '^      certificate names +DNS:localhost\\x00\.evil\.com$' "human: SAN with a NUL escaped"

## Unix domain sockets are connected to; IPv6 hosts in brackets.
sock="$TMP/tls.sock"
openssl s_server -quiet -unix "$sock" -cert "$P/server.pem" -key "$P/server.key" \
    </dev/null >"$TMP/s_server.unix.log" 2>&1 &
CLEANUP_PIDS+=("$!")
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
enc=$(printf '%s' "$sock" | sed 's|/|%2F|g')
vu --json --connect --timeout-ms 3000 "mongodb://$enc/?tlsCAFile=$P/ca.pem"
expect_rc 0 "TLS over a Unix socket"
expect_eq "unix socket: ok, name expected" "$(j '.connections[0].ok') $(j '.connections[0].tls.expectedName')" "true localhost"
case "$(j '.connections[0].detail')" in
    *"over the Unix socket $sock"*) ok "unix socket: the detail says so" ;;
    *) fail "unix socket: detail '$(j '.connections[0].detail')'" ;;
esac
enc_missing=$(printf '%s' "$TMP/missing.sock" | sed 's|/|%2F|g')
vu --json --connect --timeout-ms 3000 "mongodb://$enc_missing/?tlsCAFile=$P/ca.pem"
expect_rc 4 "missing Unix socket: tried and failed"
expect_eq "missing Unix socket: category" "$(j '.connections[0].category')" connect-failed
case "$(j '.connections[0].detail')" in
    *"cannot connect to the Unix socket $TMP/missing.sock"*) ok "missing Unix socket: the detail names it" ;;
    *) fail "missing Unix socket: detail '$(j '.connections[0].detail')'" ;;
esac
closed=$(free_port) || skip "no free port"
vu --connect --timeout-ms 3000 "mongodb://[::1]:$closed/?tlsCAFile=$P/ca.pem"
expect_re "^  \[::1\]:$closed  FAILED: connect-failed" "IPv6 host printed in brackets"
vu --connect --timeout-ms 3000 "mongodb://[::1]/?tlsCAFile=$P/ca.pem"
expect_re "^  \[::1\]:27017  " "IPv6 host with the default port printed in brackets"

## No cipher in common: what each side offers.
start_server server -tls1_2 -cipher 'ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0' || skip "cannot start openssl s_server"
vu --json --connect --timeout-ms 3000 "mongodb://localhost:$port/?tlsCAFile=$P/ca.pem"
expect_rc 4 "no cipher in common"
case "$(j '.connections[0].detail')" in
    *"no cipher suite or key exchange group in common; the client offered TLS 1.3 suites TLS_"*", groups "*"the server picks ECDHE-ECDSA-NULL-SHA"*)
        ok "no cipher in common: the client's offer and the server's pick" ;;
    *) fail "no cipher in common: detail '$(j '.connections[0].detail')'" ;;
esac

finish
