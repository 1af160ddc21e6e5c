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
make_pki() {
    local d=$1 ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
    mkdir -p "$d/db"
    : >"$d/db/index.txt"
    echo 1000 >"$d/db/serial"
    echo 1000 >"$d/db/crlnumber"
    cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $d/db
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $d/ca.pem
private_key = $d/ca.key
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
copy_extensions = none
unique_subject = no
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
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
        openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 -subj "/CN=Test CA" \
            -config ca.cnf -extensions v3_ca
        openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -days 30 \
            -subj "/CN=Other CA" -config ca.cnf -extensions v3_ca
        for name in server client revoked expired wronghost server-expired server-revoked; do
            openssl req -new $ec -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" -config ca.cnf
        done
        openssl ca -batch -config ca.cnf -extensions server_ext -in server.csr -out server.pem -notext
        openssl ca -batch -config ca.cnf -extensions wronghost_ext -in wronghost.csr \
            -out wronghost.pem -notext
        openssl ca -batch -config ca.cnf -extensions server_ext -in server-expired.csr \
            -out server-expired.pem -notext -startdate 20200101000000Z -enddate 20200102000000Z
        openssl ca -batch -config ca.cnf -extensions server_ext -in server-revoked.csr \
            -out server-revoked.pem -notext
        openssl ca -batch -config ca.cnf -extensions client_ext -in client.csr -out client.pem -notext
        openssl ca -batch -config ca.cnf -extensions client_ext -in revoked.csr -out revoked.pem -notext
        openssl ca -batch -config ca.cnf -extensions client_ext -in expired.csr -out expired.pem \
            -notext -startdate 20200101000000Z -enddate 20200102000000Z
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
