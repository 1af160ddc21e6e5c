# Building blocks of the throw-away test PKIs (sourced by cli/pki.sh and tls/pki.sh).
# Keys are P-256 unless a key file exists already. The functions print openssl's
# chatter on stderr; callers redirect it.

PKI_EC=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)

# pki_ca_cnf CNF DB CERT KEY DAYS: writes CNF, the CA part of an "openssl ca" and
# "openssl req" configuration (CA certificate CERT and key KEY, database in DB,
# certificates and CRLs valid DAYS days, extension section v3_ca for the CA itself),
# and creates the empty database DB. The caller appends its extension sections.
pki_ca_cnf() {
    local cnf=$1 db=$2 cert=$3 key=$4 days=$5
    mkdir -p "$db"
    : >"$db/index.txt"
    echo 1000 >"$db/serial"
    echo 1000 >"$db/crlnumber"
    cat >"$cnf" <<CNF
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = $db
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $cert
private_key = $key
default_md = sha256
default_days = $days
default_crl_days = $days
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
CNF
}

# pki_make_ca CNF NAME CN DAYS: a self-signed CA certificate NAME.pem (subject CN,
# valid DAYS days) and its key NAME.key, in the current directory.
pki_make_ca() {
    openssl req -x509 "${PKI_EC[@]}" -keyout "$2.key" -out "$2.pem" -days "$4" \
        -subj "/CN=$3" -config "$1" -extensions v3_ca
}

# pki_issue CNF NAME CN EXT [openssl ca arguments...]: NAME.pem, subject CN, signed by
# the CA of CNF with the extension section EXT, and entered in the CA's database.
# NAME.key and NAME.csr are made first unless they exist.
pki_issue() {
    local cnf=$1 name=$2 cn=$3 ext=$4
    shift 4
    [ -f "$name.key" ] || openssl req -new "${PKI_EC[@]}" -keyout "$name.key" -out "$name.csr" \
        -subj "/CN=$cn" -config "$cnf"
    [ -f "$name.csr" ] || openssl req -new -key "$name.key" -out "$name.csr" \
        -subj "/CN=$cn" -config "$cnf"
    openssl ca -batch -config "$cnf" -extensions "$ext" -in "$name.csr" -out "$name.pem" \
        -notext "$@"
}
