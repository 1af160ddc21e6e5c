# No output mode prints a secret of its input: password, key password,
# proxy password, AWS session token; valid strings, warnings, errors, keyword
# options, batch, strict, file checks. --show-secrets is the only way.
. "$(dirname "$0")/lib.sh"

PW='Pw-Zq81xQ'
KP='Kp-Jm42yR'
PP='Pp-Vx77wS'
TK='Tk-Lr93nT'
KWP='Kw-Hs55bU'
SECRETS=("$PW" "$KP" "$PP" "$TK" "$KWP")

# Every secret, also percent-encoded forms of a password holding reserved characters.
URIS=(
    "mongodb://alice:$PW@localhost/"
    "mongodb://alice:$PW@localhost/?tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=$KP"
    "mongodb://alice:$PW@localhost/?proxyHost=p&proxyUsername=u&proxyPassword=$PP"
    "mongodb://alice:$PW@localhost/?maxPoolSize=abc&unknownOption=1"
    "mongodb://alice:$PW@localhost:70000/"
    "mongodb://alice:$PW@@localhost/"
    "mongodb://alice:$PW:extra@localhost/"
    "mongodb://alice:$PW%zz@localhost/"
    "mongodb://alice:$PW@localhost/?w"
    "mongodb://alice:$PW@localhost/?tlsInsecure=true&tlsAllowInvalidCertificates=true&tlsCertificateKeyFilePassword=$KP"
    "mongodb://localhost/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:$TK"
    "mongodb://alice:$PW@localhost/?authMechanism=MONGODB-X509"
    "mongo://alice:$PW@localhost/"
    "mongodb+srv://alice:$PW@cluster0.example.com:27017/"
    "mongodb://alice:$PW@localhost/?tlsCertificateKeyFilePassword=$KP&tlsCertificateKeyFilePassword=$KP"
    "mongodb://alice:$PW"
    "mongodb://al?ice:$PW@localhost/db?w=1"
    "mongodb://us?r:$PW@localhost?w=1"
    "mongodb://localhost/?=$PW"
    "mongodb://localhost/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN=$TK"
    "mongodb://localhost/?authMechanismProperties=AWS_SESSION_TOKEN:x,$TK"
    "mongodb://alice:$PW@localhost/?tlsCertificateKeyFilePassword=$KP"
    # another option run into a plain value, or written without its '='
    "mongodb://localhost/?w=1;tlsCertificateKeyFilePassword=$KP"
    "mongodb://localhost/?w=1%26tlsCertificateKeyFilePassword%3D$KP"
    "mongodb://localhost/?tlsCertificateKeyFilePassword%3D$KP"
    # ... and shown as a decoded value: the options table and JSON hide it too
    "mongodb://localhost/?appname=a%26tlsCertificateKeyFilePassword%3D$KP"
    "mongodb://localhost/?compressors=zlib,x%26proxyPassword%3D$PP"
    "mongodb://localhost/?proxyPassword:$PP"
    "mongodb://localhost/?w=1;tlsCertificateKeyFilePassword=$KP&w=2"
    "mongodb://localhost/?authMechanism=MONGODB-AWS&authMechanismProperties%3DAWS_SESSION_TOKEN:$TK"
    # unknown names that say password, and unknown options holding properties
    "mongodb://localhost/?tlsCertificateKeyFilePass=$KP"
    "mongodb://localhost/?keyPass=$KP"
    "mongodb://localhost/?passw0rd=$PW"
    "mongodb://localhost/?authMechanism=MONGODB-AWS&authMechProperties=AWS_SESSION_TOKEN:$TK"
    "mongodb://localhost/?authMechanism=MONGODB-AWS&properties=SERVICE_NAME:x,AWS_SESSION_TOKEN:$TK"
    # another option run into a tag set or a mechanism property
    "mongodb://localhost/?readPreference=secondary&readPreferenceTags=dc:ny,proxyPassword=$PP:1"
    "mongodb://localhost/?readPreference=secondary&readPreferenceTags=dc:ny,racgssapiServiceName=$PP:1"
    "mongodb://alice@localhost/?authMechanism=GSSAPI&gssapiServiceName=svc;authMechanismPropeeName=$TK"
    "mongodb://alice@localhost/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:svc;proxyPassword=$PP,SERVICE_REALM:r"
)

leaks=0
# scan DESC: no secret in stdout or stderr of the last run.
scan() {
    local s
    for s in "${SECRETS[@]}"; do
        if grep -qF -- "$s" "$TMP/out" "$TMP/err"; then
            fail "$1: '$s' printed"
            leaks=$((leaks + 1))
            return
        fi
    done
    ok "$1: no secret printed"
}

for uri in "${URIS[@]}"; do
    short=${uri:0:60}
    vu "$uri"; scan "human   $short"
    vu --json "$uri"; scan "json    $short"
    vu --strict "$uri"; scan "strict  $short"
    vu --strict --json "$uri"; scan "strict json $short"
    vu -o "tlsCertificateKeyFilePassword=$KWP" -o tlsCertificateKeyFile=/k.pem "$uri"; scan "keyword $short"
    vu --json -o "tlsCertificateKeyFilePassword=$KWP" -o tlsCertificateKeyFile=/k.pem "$uri"; scan "keyword json $short"
    vu --check-files "$uri"; scan "files   $short"
    vu --check-files --json "$uri"; scan "files json $short"
    vu --fix "$uri"; scan "fix     $short"
    printf '%s\n' "$uri" >"$TMP/in"
    vu_in "$TMP/in" -; scan "stdin   $short"
done

# Batch over all of them at once, plain and strict.
printf '%s\n' "${URIS[@]}" >"$TMP/batch"
vu_in "$TMP/batch" --batch; scan "batch"
vu_in "$TMP/batch" --batch --strict; scan "batch strict"
vu_in "$TMP/batch" --batch -o "tlsCertificateKeyFilePassword=$KWP"; scan "batch keyword"

# A batch line cut by a NUL: what comes before it shows no secret either.
printf 'mongodb://alice:%s\0@localhost/\n' "$PW" >"$TMP/nul"
vu_in "$TMP/nul" --batch; scan "batch line cut by a NUL"
vu_in "$TMP/nul" --batch --json; scan "batch json line cut by a NUL"

# --fix writes and lists values: what the tokenizer calls secret in them is hidden
# (the written string, the change lines, the refusals).
vu --fix "mongodb://localhost/?appname=a%26tlsCertificateKeyFilePassword%3D$KP"
scan "fix writes a value holding a key password"
vu --fix "mongodb://localhost/?appname=proxyPassword=$PP&appName=x"
scan "fix refuses a repeat whose value holds a proxy password"
vu --fix "mongodb://localhost/?appName=a%26proxyPassword%3D$PP"
scan "fix renames an option whose value holds a proxy password"

# The same run-in and unknown names given as keyword options.
for kv in "w=1&tlsCertificateKeyFilePassword=$KWP" "w=1;proxyPassword=$KWP" \
          "keyPass=$KWP" "authMechProperties=AWS_SESSION_TOKEN:$TK"; do
    vu -o "$kv" 'mongodb://localhost/?authMechanism=MONGODB-AWS'; scan "keyword $kv"
    vu --json -o "$kv" 'mongodb://localhost/?authMechanism=MONGODB-AWS'; scan "keyword json $kv"
done

# Keyword errors and usage errors.
vu -o "tlsCertificateKeyFilePassword=$KWP" -o tlsInsecure=true -o tlsAllowInvalidCertificates=true 'mongodb://localhost/'
scan "keyword conflict"
vu -o "$KWP" 'mongodb://localhost/'
expect_rc 2 "secret typed without its key"
scan "usage error for -o without ="
vu "--unknown=$KWP" 'mongodb://localhost/'
expect_rc 2 "unknown flag with a secret value"
scan "usage error for an unknown flag"

# Missing files named next to a password.
vu --check-files "mongodb://alice:$PW@localhost/?tlsCertificateKeyFile=$TMP/none.pem&tlsCertificateKeyFilePassword=$KP"
scan "file check failure"

# Positive control: --show-secrets does show them, in human and JSON output.
vu --show-secrets "mongodb://alice:$PW@localhost/?tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=$KP"
expect_out "$PW" "--show-secrets shows the password (human)"
expect_out "$KP" "--show-secrets shows the key password (human)"
vu --show-secrets --json "mongodb://alice:$PW@localhost/?tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=$KP"
expect_eq "--show-secrets shows the password (json)" "$(j .auth.password)" "$PW"
expect_eq "--show-secrets shows the key password (json)" "$(j .tls.certificateKeyFilePassword)" "$KP"

# Without it, the fields are still there, hidden.
vu --json "mongodb://alice:$PW@localhost/?tlsCertificateKeyFile=/k.pem&tlsCertificateKeyFilePassword=$KP"
expect_eq "password field hidden" "$(j .auth.password)" '****'
expect_ne "key password field hidden" "$(j .tls.certificateKeyFilePassword)" "$KP"
vu "mongodb://alice:$PW@localhost/"
expect_out "alice:****@localhost" "human output shows the redacted URI"

# An authSource value with a run-in secret: the auth source line hides it too.
AS="mongodb://alice:$PW@localhost/db?authSource=x%26authMechanismProperties=AWS_SESSION_TOKEN:tok-$KP"
vu "$AS"
expect_no_out "tok-$KP" "human: the auth source hides the run-in secret"
vu --json "$AS"
expect_no_out "tok-$KP" "json: the auth source hides the run-in secret"

echo "leaks: $leaks"
finish
