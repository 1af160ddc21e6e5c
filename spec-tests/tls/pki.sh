#!/usr/bin/env bash
# Generates the throw-away PKI of the TLS suite into DIR.
#
#   pki.sh DIR GOOD_PORT HANG_PORT DOWN_PORT SHORT_PORT V6_PORT
#
# GOOD_PORT is a loopback OCSP responder that answers from DIR/index.txt,
# HANG_PORT one that accepts and never answers, DOWN_PORT a port nothing
# listens on, SHORT_PORT a responder whose answers expire within seconds,
# V6_PORT a responder on [::1]. The AIA of each server certificate points at one of them.
# Everything is valid for a few days only and is deleted with DIR.
set -euo pipefail

[ $# -eq 6 ] || { echo "usage: pki.sh DIR GOOD_PORT HANG_PORT DOWN_PORT SHORT_PORT V6_PORT" >&2; exit 2; }
dir=$1 good=$2 hang=$3 down=$4 short=$5 v6=$6
# shellcheck source=SCRIPTDIR/../pki-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../pki-common.sh"
mkdir -p "$dir"
cd "$dir"
exec </dev/null

good_url="http://127.0.0.1:$good/"
hang_url="http://127.0.0.1:$hang/"
down_url="http://127.0.0.1:$down/"
short_url="http://127.0.0.1:$short/"
v6_url="http://[::1]:$v6/ocsp"

# server_section NAME URL...: a server certificate section for the loopback names,
# without key usage, whose AIA lists an OCSP responder at each URL (none: no AIA).
server_section() {
    local name=$1 aia="" url
    shift
    for url in "$@"; do
        aia="${aia:+$aia, }OCSP;URI:$url"
    done
    printf '[ %s ]\n' "$name"
    printf 'basicConstraints = CA:false\nextendedKeyUsage = serverAuth\n'
    printf 'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n'
    [ -z "$aia" ] || printf 'authorityInfoAccess = %s\n' "$aia"
}

# One configuration per CA: a database (index.txt, serial) of its own.
write_cnf() { # name
    local name=$1
    pki_ca_cnf "$name.cnf" "db-$name" "$name.pem" "$name.key" 7
    {
        cat <<CNF
[ server_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
authorityInfoAccess = OCSP;URI:$good_url
[ wronghost_ext ]
basicConstraints = CA:false
extendedKeyUsage = serverAuth
subjectAltName = DNS:wronghost.example.com, IP:10.1.1.1
authorityInfoAccess = OCSP;URI:$good_url
CNF
        server_section down_ext "$down_url"
        server_section short_ext "$short_url"
        server_section v6_ext "$v6_url"
        server_section hang_ext "$hang_url"
        server_section parallel_ext "$hang_url" "$down_url" "$good_url"
        server_section byname_ext "http://localhost:$good/ocsp"
        server_section muststaple_ext "$good_url"
        echo "tlsfeature = status_request"
        server_section noaia_ext
        cat <<CNF
[ client_ext ]
basicConstraints = CA:false
extendedKeyUsage = clientAuth
[ ocsp_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
CNF
    } >>"$name.cnf"
}

make_ca() { # name cn
    write_cnf "$1"
    pki_make_ca "$1.cnf" "$1" "$2" 7 2>/dev/null
}

issue() { # ca name cn ext [extra openssl ca args...]
    local ca=$1
    shift
    pki_issue "$ca.cnf" "$@" 2>/dev/null
}

make_ca ca "mongouri Test CA"
make_ca other-ca "mongouri Other CA"

issue ca server localhost server_ext
issue ca wronghost wronghost.example.com wronghost_ext
issue ca expired localhost server_ext -startdate 20200101000000Z -enddate 20200102000000Z
issue ca notyet localhost server_ext -startdate 20990101000000Z -enddate 20990201000000Z
issue ca revoked localhost server_ext
issue ca down localhost down_ext
issue ca hang localhost hang_ext
issue ca short localhost short_ext
issue ca v6responder localhost v6_ext
issue ca parallel localhost parallel_ext
issue ca byname localhost byname_ext
issue ca muststaple localhost muststaple_ext
issue ca noaia localhost noaia_ext
issue ca ocsp "mongouri OCSP signer" ocsp_ext
issue ca client client client_ext
issue ca client-expired client client_ext -startdate 20200101000000Z -enddate 20200102000000Z
issue other-ca foreign localhost server_ext
issue other-ca foreign-client client client_ext

# An RSA server certificate from the same (EC) CA.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-rsa.key 2>/dev/null
issue ca server-rsa localhost server_ext

# Issued by the CA but never entered in its database: the responder says "unknown".
openssl req -new "${PKI_EC[@]}" -keyout unknown.key -out unknown.csr -subj "/CN=localhost" \
    -config ca.cnf 2>/dev/null
openssl x509 -req -in unknown.csr -CA ca.pem -CAkey ca.key -set_serial 0x7777 -days 7 \
    -extfile ca.cnf -extensions server_ext -out unknown.pem 2>/dev/null

# Revocations and CRLs (PEM and DER), and a CRL of the other CA.
openssl ca -batch -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config ca.cnf -revoke parallel.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config ca.cnf -revoke byname.pem -crl_reason superseded 2>/dev/null
openssl ca -batch -config ca.cnf -revoke v6responder.pem -crl_reason cessationOfOperation 2>/dev/null
openssl ca -batch -config ca.cnf -gencrl -out ca.crl 2>/dev/null
openssl crl -in ca.crl -outform DER -out ca.crl.der
openssl ca -batch -config other-ca.cnf -gencrl -out other-ca.crl 2>/dev/null
cp db-ca/index.txt index.txt
cp db-ca/index.txt.attr index.txt.attr

# Stapled responses, produced offline (no responder involved).
staple() { # cert out signer key [extra openssl ocsp args...]
    local cert=$1 out=$2 signer=$3 key=$4
    shift 4
    openssl ocsp -issuer ca.pem -cert "$cert" -no_nonce -reqout "$out.req" 2>/dev/null
    openssl ocsp -index index.txt -CA ca.pem -rsigner "$signer" -rkey "$key" \
        -reqin "$out.req" -respout "$out" -ndays 1 "$@" >/dev/null 2>&1
}
staple server.pem staple-good.der ocsp.pem ocsp.key
staple server.pem staple-good-by-ca.der ca.pem ca.key
staple server-rsa.pem staple-rsa-good.der ocsp.pem ocsp.key
staple revoked.pem staple-revoked.der ocsp.pem ocsp.key
staple muststaple.pem staple-muststaple.der ocsp.pem ocsp.key
staple wronghost.pem staple-wronghost.der ocsp.pem ocsp.key
staple server.pem staple-badsig.der ocsp.pem ocsp.key -badsig
staple unknown.pem staple-unknown.der ocsp.pem ocsp.key

# Client certificate and key files in tlsCertificateKeyFile style.
openssl pkey -in client.key -aes256 -passout pass:hunter2 -out client-enc.key
cat client.pem client.key > client-combined.pem
cat client.pem client-enc.key > client-combined-enc.pem
cat client-expired.pem client-expired.key > client-expired-combined.pem
cat foreign-client.pem foreign-client.key > foreign-client-combined.pem
cat client.pem server.key > client-mismatch.pem
cp client.key client-keyonly.pem
cp client.pem client-certonly.pem
cp ca.pem mixed-ca.pem
# Files that are not what they claim to be.
printf 'this is not a certificate\n' > garbage.pem
: > empty.pem
printf -- '-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n' > garbage.crl
chmod 600 ./*.key

# An OCSP request for server.pem (also used by tls_matrix.c to sign old staples).
openssl ocsp -issuer ca.pem -cert server.pem -no_nonce -reqout server-ocsp.req 2>/dev/null
# The OCSP cache: a good answer valid for days, then a revoked one for the same
# certificate valid for an hour only (a database in which server.pem is revoked).
serial=$(openssl x509 -in server.pem -noout -serial)
serial=${serial#serial=}
awk -F'\t' -v OFS='\t' -v s="$serial" -v t="$(date -u +%y%m%d%H%M%SZ)" \
    '$4 == s { $1 = "R"; $3 = t ",keyCompromise" } 1' index.txt >index-server-revoked.txt
grep -q "^R.*	$serial	" index-server-revoked.txt
cp index.txt.attr index-server-revoked.txt.attr
openssl ocsp -index index.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key \
    -reqin server-ocsp.req -respout staple-cache-good.der -ndays 3 >/dev/null 2>&1
openssl ocsp -index index-server-revoked.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key \
    -reqin server-ocsp.req -respout staple-cache-revoked.der -nmin 60 >/dev/null 2>&1
# A good answer without nextUpdate (neither -ndays nor -nmin), thisUpdate now.
openssl ocsp -index index.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key \
    -reqin server-ocsp.req -respout staple-nonext-fresh.der >/dev/null 2>&1
