# --help lists every flag and every option the library knows; the man page
# documents every flag.
. "$(dirname "$0")/lib.sh"

FLAGS=(--json --batch --strict --show-secrets -o --resolve --dns-server --check-files --connect --timeout-ms --fix --help)
# The options of the URI-options specification plus the tlsCRLFile extension.
OPTIONS=(appname authMechanism authMechanismProperties authSource compressors
    connectTimeoutMS directConnection heartbeatFrequencyMS journal loadBalanced
    localThresholdMS maxConnecting maxIdleTimeMS maxPoolSize maxStalenessSeconds
    minPoolSize proxyHost proxyPort proxyUsername proxyPassword readConcernLevel
    readPreference readPreferenceTags replicaSet retryReads retryWrites
    serverMonitoringMode serverSelectionTimeoutMS serverSelectionTryOnce
    socketTimeoutMS srvMaxHosts srvServiceName timeoutMS tls
    tlsAllowInvalidCertificates tlsAllowInvalidHostnames tlsCAFile
    tlsCertificateKeyFile tlsCertificateKeyFilePassword tlsCRLFile
    tlsDisableCertificateRevocationCheck tlsDisableOCSPEndpointCheck tlsInsecure w
    waitQueueTimeoutMS wTimeoutMS zlibCompressionLevel)

vu --help
expect_rc 0 "--help"
for f in "${FLAGS[@]}"; do
    if grep -qE -- "(^|[ ,])$f([ ,=]|$)" "$TMP/out"; then ok "help lists $f"; else fail "help lacks $f"; fi
done
for o in "${OPTIONS[@]}"; do
    if grep -qE "^  $o  \(" "$TMP/out"; then ok "help lists option $o"; else fail "help lacks option $o"; fi
done
expect_out "ssl" "help lists the ssl alias"
expect_out "Exit status" "help explains exit codes"
expect_out "NO_COLOR" "help mentions NO_COLOR"
listed=$(grep -cE '^  [a-zA-Z]+  \(' "$TMP/out")
expect_eq "help lists as many options as the header line says" \
    "$(grep -oE 'options \([0-9]+' "$TMP/out" | grep -oE '[0-9]+')" "$listed"
[ -s "$TMP/err" ] && fail "--help wrote to stderr" || ok "--help: stderr empty"
if grep -q $'\033' "$TMP/out"; then fail "help has escape codes"; else ok "help: no escape codes"; fi

# Man page.
if [ -n "$SRC" ] && [ -f "$SRC/tools/validate-uri.1" ]; then
    man1="$SRC/tools/validate-uri.1"
    for f in "${FLAGS[@]}"; do
        esc=$(printf '%s' "$f" | sed 's/-/\\\\-/g')
        if grep -qE -- "$esc" "$man1"; then ok "man page documents $f"; else fail "man page lacks $f"; fi
    done
    for code in 0 1 2 3 4 5; do
        if grep -qE "^\.B $code\$" "$man1"; then ok "man page: exit $code"; else fail "man page: exit $code"; fi
    done
    if command -v groff >/dev/null 2>&1; then
        if groff -man -Tutf8 -ww -z "$man1" 2>"$TMP/groff" && [ ! -s "$TMP/groff" ]; then ok "man page renders without warnings"; else fail "man page warnings: $(head -3 "$TMP/groff")"; fi
    fi
else
    fail "man page not found under '$SRC'"
fi

finish
