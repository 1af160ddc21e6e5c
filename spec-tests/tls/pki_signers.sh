#!/usr/bin/env bash
# Generates the PKIs of the OCSP signer matrix (tls_ocsp_signers.c) into DIR.
#
#   pki_signers.sh DIR HANG_PORT VARIANT...
#
# Two hierarchies, DIR/ec (P-256 keys) and DIR/rsa (RSA 2048), each with:
#   root.pem     the CA the client trusts, with other.pem (another trusted CA) in trust.pem
#   int.pem      an intermediate CA issued by root
#   del.pem      a responder issued by root with id-kp-OCSPSigning
#   noeku.pem    a responder issued by root without any extended key usage
#   odel.pem     a responder issued by other with id-kp-OCSPSigning
#   intdel.pem   a responder issued by int with id-kp-OCSPSigning
# Each VARIANT is NAME:ISSUER:SIGNER:CERTS (ISSUER root or int; SIGNER one of the
# above, or root, int, other; CERTS "certs" or "nocerts": whether the signer's
# certificate is in the response, with "-bykey" when the responder ID is the
# hash of the signer's key rather than its name). For each, K/good-NAME.pem and K/revoked-NAME.pem
# are issued by ISSUER (one key, K/leaf.key, the second revoked in ISSUER's database),
# their AIA naming the responder whose port is in K/resp-NAME/port; K/resp-NAME/
# gets what that responder needs (ca.pem, ocsp.pem, ocsp.key, index.txt as links),
# and K/staple-NAME-good.der, K/staple-NAME-revoked.der are signed by SIGNER with
# `openssl ocsp` (-resp_no_certs for "nocerts"). ec/hang.pem's AIA names a responder
# at HANG_PORT that never answers. Everything is valid for a few days only.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: pki_signers.sh DIR HANG_PORT VARIANT..." >&2; exit 2; }
dir=$1 hang=$2
shift 2
variants=("$@")
# shellcheck source=SCRIPTDIR/../pki-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../pki-common.sh"
exec </dev/null

leaf_sections() { # the extension sections of the server certificates
    local spec name port
    for spec in "${variants[@]}"; do
        name=${spec%%:*}
        port=$(cat "resp-$name/port")
        printf '[ leaf_%s ]\nbasicConstraints = CA:false\nextendedKeyUsage = serverAuth\n' "$name"
        printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n'
        printf 'authorityInfoAccess = OCSP;URI:http://127.0.0.1:%s/\n' "$port"
    done
    printf '[ leaf_hang ]\nbasicConstraints = CA:false\nextendedKeyUsage = serverAuth\n'
    printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\n'
    printf 'authorityInfoAccess = OCSP;URI:http://127.0.0.1:%s/\n' "$hang"
    cat <<CNF
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ocsp_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
[ noeku_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
CNF
}

one_hierarchy() { # k
    local k=$1 spec name issuer signer certs st flag
    mkdir -p "$dir/$k"
    cd "$dir/$k"
    for ca in root other int; do
        pki_ca_cnf "$ca.cnf" "db-$ca" "$ca.pem" "$ca.key" 7
        leaf_sections >>"$ca.cnf"
    done
    pki_make_ca root.cnf root "Signers Root $k" 7 2>/dev/null
    pki_make_ca other.cnf other "Signers Other CA $k" 7 2>/dev/null
    pki_issue root.cnf int "Signers Intermediate $k" ca_ext 2>/dev/null
    pki_issue root.cnf del "Signers Delegate $k" ocsp_ext 2>/dev/null
    pki_issue root.cnf noeku "Signers Delegate without EKU $k" noeku_ext 2>/dev/null
    pki_issue other.cnf odel "Signers Delegate of Other $k" ocsp_ext 2>/dev/null
    pki_issue int.cnf intdel "Signers Delegate of Intermediate $k" ocsp_ext 2>/dev/null
    cat root.pem other.pem >trust.pem
    openssl req -new "${PKI_EC[@]}" -keyout leaf.key -out leaf.csr -subj "/CN=localhost" \
        -config root.cnf 2>/dev/null
    for spec in "${variants[@]}"; do
        IFS=: read -r name issuer signer certs <<<"$spec"
        for st in good revoked; do
            cp leaf.key "$st-$name.key"
            cp leaf.csr "$st-$name.csr"
            pki_issue "$issuer.cnf" "$st-$name" localhost "leaf_$name" 2>/dev/null
        done
        openssl ca -batch -config "$issuer.cnf" -revoke "revoked-$name.pem" \
            -crl_reason keyCompromise 2>/dev/null
    done
    if [ "$k" = ec ]; then
        cp leaf.key hang.key
        cp leaf.csr hang.csr
        pki_issue root.cnf hang localhost leaf_hang 2>/dev/null
    fi
    for spec in "${variants[@]}"; do
        IFS=: read -r name issuer signer certs <<<"$spec"
        ln -sf "../$issuer.pem" "resp-$name/ca.pem"
        ln -sf "../$signer.pem" "resp-$name/ocsp.pem"
        ln -sf "../$signer.key" "resp-$name/ocsp.key"
        ln -sf "../db-$issuer/index.txt" "resp-$name/index.txt"
        flag=()
        [[ $certs == nocerts* ]] && flag+=(-resp_no_certs)
        [[ $certs == *-bykey ]] && flag+=(-resp_key_id)
        for st in good revoked; do
            openssl ocsp -issuer "$issuer.pem" -cert "$st-$name.pem" -no_nonce \
                -reqout "staple-$name-$st.req" 2>/dev/null
            openssl ocsp -index "db-$issuer/index.txt" -CA "$issuer.pem" -rsigner "$signer.pem" \
                -rkey "$signer.key" "${flag[@]}" -reqin "staple-$name-$st.req" \
                -respout "staple-$name-$st.der" -ndays 1 >/dev/null 2>&1
            [ -s "staple-$name-$st.der" ]
        done
    done
    chmod 600 ./*.key
}

one_hierarchy ec
PKI_EC=(-newkey rsa:2048 -nodes)
one_hierarchy rsa
