# make_failclosed_pki DIR: make_pki DIR (pki.sh), and the PKI of the fail-closed tests.
#   exp-ca.pem          a self-signed CA certificate that expired on 2020-01-02
#   exp-server.pem/.key  a server certificate issued by it (current dates)
#   inter-exp.pem       an intermediate CA of ca.pem, expired on 2020-01-02
#   inter-leaf.pem/.key  a server certificate (localhost) issued by that intermediate
#   other.crl           a CRL of other-ca.pem
#   short.crl           a CRL of ca.pem whose nextUpdate is one second after it was made
#   garbage-block.crl   a PEM CRL block whose contents do not decode
#   nul-san.pem/.key    a server certificate whose SAN is "localhost\0.evil.com"
# shellcheck source=SCRIPTDIR/pki.sh
. "$(dirname "${BASH_SOURCE[0]}")/pki.sh"

make_failclosed_pki() {
    local d=$1
    make_pki "$d" || return 1
    (
        set -e
        cd "$d"
        cat >>ca.cnf <<CNF
[ inter_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
[ nulsan_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DER:301582136c6f63616c686f7374002e6576696c2e636f6d
CNF
        for name in exp inter other; do
            pki_ca_cnf "$name.cnf" "db-$name" "$name-ca.pem" "$name-ca.key" 30
            cat >>"$name.cnf" <<CNF
[ server_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
CNF
        done
        # The expired self-signed CA and a server certificate of it.
        openssl req -new "${PKI_EC[@]}" -keyout exp-ca.key -out exp-ca.csr -subj "/CN=Expired CA" \
            -config exp.cnf
        openssl ca -batch -config exp.cnf -selfsign -keyfile exp-ca.key -in exp-ca.csr \
            -out exp-ca.pem -extensions v3_ca -notext \
            -startdate 20200101000000Z -enddate 20200102000000Z
        pki_issue exp.cnf exp-server localhost server_ext
        # An expired intermediate of the test CA, and a leaf it issued.
        pki_issue ca.cnf inter-exp "Expired Intermediate" inter_ext \
            -startdate 20200101000000Z -enddate 20200102000000Z
        cp inter-exp.pem inter-ca.pem
        cp inter-exp.key inter-ca.key
        pki_issue inter.cnf inter-leaf localhost server_ext
        # CRLs: of another CA, one that expires at once, one that does not decode.
        openssl ca -batch -config other.cnf -gencrl -out other.crl
        openssl ca -batch -config ca.cnf -gencrl -crlsec 1 -out short.crl
        printf -- '-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n' >garbage-block.crl
        # A certificate name with a NUL inside.
        pki_issue ca.cnf nul-san localhost nulsan_ext
    ) >>"$d/pki.log" 2>&1
}
