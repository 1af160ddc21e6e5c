# make_pki DIR: a throw-away PKI for the validate-uri tests (P-256, 30 days).
#   ca.pem ca.key        test CA            other-ca.pem   an unrelated CA
#   server.pem server.key  CN=server, SAN localhost, 127.0.0.1, ::1
#   wronghost.pem wronghost.key  CN=wronghost, SAN db.example.com only
#   server-expired.pem server-expired.key  like server.pem, expired on 2020-01-02
#   server-revoked.pem server-revoked.key  like server.pem, revoked (keyCompromise) in ca.crl
#   client.pem client.key  client-combined.pem (certificate + key)
#   client-combined-enc.pem  certificate + key encrypted with "hunter2"
#   client-mismatch.pem  client certificate + the server's key
#   expired-combined.pem   an expired client certificate + its key
#   ca.crl               a CRL of the CA (the "revoked" certificate listed)
#   garbage.pem          text, no PEM block
# shellcheck source=SCRIPTDIR/../pki-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../pki-common.sh"

make_pki() {
    local d=$1
    pki_ca_cnf "$d/ca.cnf" "$d/db" "$d/ca.pem" "$d/ca.key" 30
    cat >>"$d/ca.cnf" <<CNF
[ server_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ wronghost_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:db.example.com
[ client_ext ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF
    (
        set -e
        cd "$d"
        pki_make_ca ca.cnf ca "Test CA" 30
        pki_make_ca ca.cnf other-ca "Other CA" 30
        pki_issue ca.cnf server server server_ext
        pki_issue ca.cnf wronghost wronghost wronghost_ext
        pki_issue ca.cnf server-expired server-expired server_ext \
            -startdate 20200101000000Z -enddate 20200102000000Z
        pki_issue ca.cnf server-revoked server-revoked server_ext
        pki_issue ca.cnf client client client_ext
        pki_issue ca.cnf revoked revoked client_ext
        pki_issue ca.cnf expired expired client_ext \
            -startdate 20200101000000Z -enddate 20200102000000Z
        openssl ca -batch -config ca.cnf -revoke revoked.pem -crl_reason keyCompromise
        openssl ca -batch -config ca.cnf -revoke server-revoked.pem -crl_reason keyCompromise
        openssl ca -batch -config ca.cnf -gencrl -out ca.crl
        cat client.pem client.key >client-combined.pem
        openssl pkey -in client.key -aes256 -passout pass:hunter2 -out client-enc.key
        cat client.pem client-enc.key >client-combined-enc.pem
        cat client.pem server.key >client-mismatch.pem
        cat expired.pem expired.key >expired-combined.pem
        echo "this is not a certificate" >garbage.pem
    ) >"$d/pki.log" 2>&1
}
