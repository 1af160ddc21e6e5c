# validate-uri --fix: one check per kind of change, and per kind of refusal.
# Each fix is checked three ways: the corrected string printed, the change
# line, and that the corrected string (shown with --show-secrets) parses
# without a warning to the same hosts, credentials and options.
. "$(dirname "$0")/lib.sh"

# fixes URI EXPECTED_STRING CHANGE_LINE...: --fix succeeds, prints the string
# (password masked) and each change line exactly.
fixes() {
    local uri=$1 want=$2 line
    shift 2
    vu --fix "$uri"
    if [ "$rc" != 0 ]; then fail "--fix $uri: exit $rc"; sed 's/^/    | /' "$TMP/out"; return; fi
    if [ "$(head -n 1 "$TMP/out")" = "$want" ]; then ok "--fix $uri: prints $want"; else
        fail "--fix $uri: printed $(head -n 1 "$TMP/out"), wanted $want"; fi
    for line in "$@"; do
        if grep -qxF "  $line" "$TMP/out"; then ok "  change line: $line"; else
            fail "  no change line '$line' in:"; sed 's/^/    | /' "$TMP/out"; fi
    done
    # As many change lines as expected, no more.
    if [ "$(($(wc -l <"$TMP/out") - 1))" = "$#" ]; then ok "  $# change lines"; else
        fail "  $(($(wc -l <"$TMP/out") - 1)) change lines, wanted $#"; sed 's/^/    | /' "$TMP/out"; fi
    # The real string parses, without a warning, and --fix leaves it as is.
    vu --fix --show-secrets "$uri"
    local fixed
    fixed=$(head -n 1 "$TMP/out")
    vu --json "$fixed"
    if [ "$rc" = 0 ] && [ "$(jn .warnings)" = 0 ]; then ok "  the corrected string is valid, no warning"; else
        fail "  the corrected string $fixed: exit $rc, $(jn .warnings) warnings"; fi
    vu --fix --show-secrets "$fixed"
    if [ "$(head -n 1 "$TMP/out")" = "$fixed" ] && grep -q 'no change' "$TMP/out"; then ok "  a fixed point"; else
        fail "  --fix on the corrected string changes it again:"; sed 's/^/    | /' "$TMP/out"; fi
}

# refuses URI REASON_SUBSTRING: --fix exits 1, prints no string, says why.
refuses() {
    local uri=$1 why=$2
    vu --fix "$uri"
    if [ "$rc" = 1 ] && grep -q 'cannot fix' "$TMP/out" && grep -qF -- "$why" "$TMP/out" &&
       ! grep -q '^mongodb' "$TMP/out"; then ok "--fix refuses $uri: $why"; else
        fail "--fix $uri: exit $rc, wanted a refusal saying '$why':"; sed 's/^/    | /' "$TMP/out"; fi
}

# Percent-encoding of the user name and password.
fixes 'mongodb://alice:p@ss@db.example.net/app' 'mongodb://alice:****@db.example.net/app' \
    "percent-encoded '@' in the password"
fixes 'mongodb://alice:pa:ss@db.example.net/' 'mongodb://alice:****@db.example.net' \
    "percent-encoded ':' in the password"
fixes 'mongodb://al ice:pw#1@db.example.net/' 'mongodb://al%20ice:****@db.example.net' \
    "percent-encoded ' ' in the user name" "percent-encoded '#' in the password"
fixes 'mongodb://alice:50%off@db.example.net/' 'mongodb://alice:****@db.example.net' \
    "percent-encoded '%' in the password"
# The password really is what was meant: shown with --show-secrets.
vu --fix --show-secrets 'mongodb://alice:p@ss+1@db.example.net/'
if [ "$(head -n 1 "$TMP/out")" = 'mongodb://alice:p%40ss%2B1@db.example.net' ]; then
    ok "--show-secrets: the password encoded, '+' as %2B (never a space)"; else
    fail "--show-secrets: $(head -n 1 "$TMP/out")"; fi
# Masked otherwise, in every line.
vu --fix 'mongodb://alice:Sekr1t-Zq@ss@db.example.net/?tlsCertificateKeyFilePassword=Kp-Jm42&tlsCertificateKeyFilePassword=Kp-Jm42'
if ! grep -qE 'Sekr1t|Kp-Jm42' "$TMP/out"; then ok "secrets masked in the string and the change lines"; else
    fail "a secret is shown:"; sed 's/^/    | /' "$TMP/out"; fi

# Option names: aliases, legacy spellings, letter case.
fixes 'mongodb://db.example.net/?sslCAFile=/etc/ca.pem' 'mongodb://db.example.net/?tlsCAFile=/etc/ca.pem' \
    "sslCAFile → tlsCAFile"
fixes 'mongodb://db.example.net/?wtimeout=5' 'mongodb://db.example.net/?wTimeoutMS=5' \
    "wtimeout → wTimeoutMS"
fixes 'mongodb://db.example.net/?ssl=true&tlsCAFile=/ca.pem' 'mongodb://db.example.net/?tlsCAFile=/ca.pem' \
    "removed ssl=true: the TLS options given imply it"
fixes 'mongodb://db.example.net/?REPLICASET=rs0' 'mongodb://db.example.net/?replicaSet=rs0' \
    "REPLICASET → replicaSet"

# Repeats with the same value.
fixes 'mongodb://db.example.net/?w=1&w=1' 'mongodb://db.example.net/?w=1' "dropped repeated w=1"
fixes 'mongodb://db.example.net/?ssl=true&tls=true' 'mongodb://db.example.net/?tls=true' \
    "ssl → tls" "dropped repeated tls=true"

# What the parse ignores.
fixes 'mongodb://db.example.net/?tls=false&tlsCAFile=/ca.pem' 'mongodb://db.example.net' \
    "removed tlsCAFile: ignored because tls=false" "removed tls=false: the default for mongodb://"
fixes 'mongodb+srv://c.example.com/?tls=false&tlsCAFile=/ca.pem' 'mongodb+srv://c.example.com/?tls=false' \
    "removed tlsCAFile: ignored because tls=false"
fixes 'mongodb://db.example.net/?appName=&w=2' 'mongodb://db.example.net/?w=2' \
    "removed appname=: an empty value is ignored"

# Values: legacy and non-canonical forms, defaults.
fixes 'mongodb://db.example.net/?journal=yes' 'mongodb://db.example.net/?journal=true' \
    "journal=yes → journal=true"
fixes 'mongodb://db.example.net/?readPreference=SECONDARY' 'mongodb://db.example.net/?readPreference=secondary' \
    "readPreference=SECONDARY → readPreference=secondary"
fixes 'mongodb://db.example.net/?retryWrites=true&maxPoolSize=100&w=majority' 'mongodb://db.example.net/?w=majority' \
    "removed retryWrites=true: the default" "removed maxPoolSize=100: the default"
fixes 'mongodb+srv://c.example.com/?tls=true' 'mongodb+srv://c.example.com' \
    "removed tls=true: mongodb+srv implies it"
fixes 'mongodb://db.example.net/?tlsAllowInvalidHostnames=false' 'mongodb://db.example.net/?tls=true' \
    "removed tlsAllowInvalidHostnames=false: the default" "added tls=true: what the options left out implied"
fixes 'mongodb://db.example.net/?appName=a+b' 'mongodb://db.example.net/?appname=a%2Bb' \
    "appName → appname"
fixes 'mongodb://alice:p@s:s@db.example.net/?appName=x@y' 'mongodb://alice:****@db.example.net/?appname=x%40y' \
    "percent-encoded '@' in the password" "percent-encoded ':' in the password" "appName → appname"
# The deprecated gssapiServiceName becomes the SERVICE_NAME property it stands for.
fixes 'mongodb://user%40REALM@localhost/?authMechanism=GSSAPI&gssapiServiceName=other' \
    'mongodb://user%40REALM@localhost/?authMechanism=GSSAPI&authMechanismProperties=SERVICE_NAME:other' \
    'gssapiServiceName → authMechanismProperties' \
    'gssapiServiceName=other → authMechanismProperties=SERVICE_NAME:other'
fixes 'mongodb://%61lice:pw@DB.example.net:27017/' 'mongodb://alice:****@db.example.net:27017' \
    "wrote the user name, password, hosts and database in canonical percent-encoding"

# Nothing to do.
vu --fix 'mongodb://db.example.net/app?w=majority'
if [ "$rc" = 0 ] && [ "$(sed -n 2p "$TMP/out")" = '  no change: the connection string is canonical' ]; then
    ok "a canonical string: no change"; else fail "canonical string:"; sed 's/^/    | /' "$TMP/out"; fi

# Refusals: what needs a human choice.
# gssapiServiceName and authMechanismProperties are merged, not repeats of one another;
# a repeat within either still is.
fixes 'mongodb://u@h/?authMechanism=GSSAPI&gssapiServiceName=x&authMechanismProperties=CANONICALIZE_HOST_NAME:true' \
    'mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:true,SERVICE_NAME:x' \
    'gssapiServiceName → authMechanismProperties' \
    'gssapiServiceName=x → authMechanismProperties=CANONICALIZE_HOST_NAME:true,SERVICE_NAME:x'
fixes 'mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:true&gssapiServiceName=x' \
    'mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=CANONICALIZE_HOST_NAME:true,SERVICE_NAME:x' \
    'authMechanismProperties=CANONICALIZE_HOST_NAME:true → authMechanismProperties=CANONICALIZE_HOST_NAME:true,SERVICE_NAME:x'
refuses 'mongodb://u@h/?authMechanism=GSSAPI&gssapiServiceName=x&authMechanismProperties=CANONICALIZE_HOST_NAME:true&authMechanismProperties=SERVICE_REALM:r' \
    'authMechanismProperties is given 3 times with different values'
refuses 'mongodb://u@h/?authMechanism=GSSAPI&gssapiServiceName=x&gssapiServiceName=y' \
    'authMechanismProperties is given 2 times with different values'
refuses 'mongodb://db.example.net/?w=1&w=majority' 'w is given 2 times with different values (w=1, w=majority)'
refuses 'mongodb://db.example.net/?wtimeout=5&wTimeoutMS=9' 'different values'
refuses 'mongodb://db.example.net/?maxPoolSize=-3' "maxPoolSize: invalid value '-3'"
refuses 'mongodb://db.example.net/?colour=blue' "unknown option 'colour'"
refuses 'mongodb://db.example.net/?tlsInsecure=true&tlsAllowInvalidCertificates=true' 'cannot be used together'
refuses 'mongodb://u:p?x@db.example.net/' "cannot be told"
refuses 'mongodb://db.example.net:99999/' 'port'
vu --fix --json 'mongodb://h/'
expect_rc 2 "--fix with --json is a usage error"

finish
