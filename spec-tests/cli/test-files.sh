# --check-files: each file problem reported precisely, exit 5; good files pass.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pki.sh"

command -v openssl >/dev/null || skip "openssl not installed"
P="$TMP/pki"
make_pki "$P" || { cat "$P/pki.log"; fail "PKI generation"; finish; }

# files DESC WANT_EXIT WANT_CODE WANT_OPTION QUERY: --check-files on mongodb://localhost/?QUERY
files() {
    local desc=$1 want=$2 code=$3 option=$4 query=$5
    vu --json --check-files "mongodb://localhost/?$query"
    expect_rc "$want" "$desc"
    if [ "$want" = 0 ]; then
        expect_eq "$desc: files.ok" "$(j .files.ok)" true
        expect_eq "$desc: error null" "$(j .files.error)" null
    else
        expect_eq "$desc: files.ok" "$(j .files.ok)" false
        expect_eq "$desc: code" "$(j .files.error.code)" "$code"
        [ -n "$option" ] && expect_eq "$desc: option" "$(j .files.error.option)" "$option"
        expect_eq "$desc: URI itself still valid" "$(j .valid)" true
    fi
}

files "good CA, client certificate and CRL" 0 "" "" \
    "tls=true&tlsCAFile=$P/ca.pem&tlsCertificateKeyFile=$P/client-combined.pem&tlsCRLFile=$P/ca.crl"
files "encrypted key with the right password" 0 "" "" \
    "tlsCertificateKeyFile=$P/client-combined-enc.pem&tlsCertificateKeyFilePassword=hunter2"
files "missing CA file" 5 file-missing tlsCAFile "tlsCAFile=$P/nope.pem"
files "missing certificate/key file" 5 file-missing tlsCertificateKeyFile "tlsCertificateKeyFile=$P/nope.pem"
files "missing CRL file" 5 file-missing tlsCRLFile "tlsCAFile=$P/ca.pem&tlsCRLFile=$P/nope.crl"
files "CA file without a certificate" 5 no-certificate tlsCAFile "tlsCAFile=$P/garbage.pem"
files "key file without a certificate" 5 no-certificate tlsCertificateKeyFile "tlsCertificateKeyFile=$P/client.key"
files "encrypted key, no password" 5 key-needs-password tlsCertificateKeyFile \
    "tlsCertificateKeyFile=$P/client-combined-enc.pem"
files "encrypted key, wrong password" 5 key-bad-password "" \
    "tlsCertificateKeyFile=$P/client-combined-enc.pem&tlsCertificateKeyFilePassword=wrong-one"
files "key does not match the certificate" 5 key-certificate-mismatch tlsCertificateKeyFile \
    "tlsCertificateKeyFile=$P/client-mismatch.pem"
files "expired client certificate" 5 certificate-expired tlsCertificateKeyFile \
    "tlsCertificateKeyFile=$P/expired-combined.pem"
files "CRL unparseable" 5 crl-unparseable tlsCRLFile "tlsCAFile=$P/ca.pem&tlsCRLFile=$P/garbage.pem"
if [ "$(id -u)" != 0 ]; then
    cp "$P/ca.pem" "$P/locked.pem"
    chmod 000 "$P/locked.pem"
    files "unreadable CA file" 5 file-unreadable tlsCAFile "tlsCAFile=$P/locked.pem"
else
    echo "note: running as root; the unreadable-file case cannot be made"
fi
files "a directory as CA file" 5 file-unreadable tlsCAFile "tlsCAFile=$P"

# Human account: the file, what is wrong, a hint; the password never shown.
vu --check-files "mongodb://localhost/?tlsCertificateKeyFile=$P/client-combined-enc.pem&tlsCertificateKeyFilePassword=wrong-one"
expect_rc 5 "human: wrong password"
expect_out "a TLS file is unusable" "human: verdict"
expect_out "key-bad-password" "human: diagnosis"
expect_no_out "wrong-one" "human: the password is not printed"
vu --check-files "mongodb://localhost/?tls=true&tlsCAFile=$P/ca.pem&tlsCRLFile=$P/ca.crl"
expect_rc 0 "human: good files"
expect_out "$P/ca.crl" "human: lists the checked CRL"
vu --check-files 'mongodb://localhost/'
expect_out "nothing to check" "human: no file named"
# The file check never prompts for a password (stdin is closed here anyway).
vu --check-files "mongodb://localhost/?tlsCertificateKeyFile=$P/client-combined-enc.pem"
expect_rc 5 "no prompt for a missing password"

# An invalid URI is never file-checked: exit 1.
vu --check-files "mongodb://localhost:0/?tlsCAFile=$P/nope.pem"
expect_rc 1 "invalid URI wins over file checks"

finish
