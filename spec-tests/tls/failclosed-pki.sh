#!/usr/bin/env bash
# The throw-away PKI of tls-failclosed (a driver's view of the applicator).
#
#   failclosed-pki.sh DIR BIG_PORT
#
# ca.pem (P-256), server.pem (localhost), wronghost.pem (wronghost.example.com),
# revoked.pem (localhost, revoked) with a revoked staple staple-revoked.der
# signed by a delegated OCSP signer, bigocsp.pem (localhost) whose OCSP
# responder is http://127.0.0.1:BIG_PORT/. Valid for a few days; deleted with DIR.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: failclosed-pki.sh DIR BIG_PORT" >&2; exit 2; }
big=$2
# shellcheck source=SCRIPTDIR/../pki-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../pki-common.sh"
mkdir -p "$1"
cd "$1"
exec </dev/null
pki_ca_cnf ca.cnf db ca.pem ca.key 7
cat >>ca.cnf <<CNF
[ server_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[ wronghost_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wronghost.example.com
[ bigocsp_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$big/
[ ocsp_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
CNF
{
    pki_make_ca ca.cnf ca "Fail-closed CA" 7
    pki_issue ca.cnf server localhost server_ext
    pki_issue ca.cnf wronghost wronghost.example.com wronghost_ext
    pki_issue ca.cnf revoked localhost server_ext
    pki_issue ca.cnf ocsp "Fail-closed OCSP signer" ocsp_ext
    pki_issue ca.cnf bigocsp localhost bigocsp_ext
    openssl ca -batch -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise
    openssl ocsp -issuer ca.pem -cert revoked.pem -no_nonce -reqout revoked.req
    openssl ocsp -index db/index.txt -CA ca.pem -rsigner ocsp.pem -rkey ocsp.key \
        -reqin revoked.req -respout staple-revoked.der -ndays 1
} >pki.log 2>&1
test -s staple-revoked.der
