# validate-uri under valgrind: no memory error and no leak, in every mode.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pki.sh"

command -v valgrind >/dev/null || skip "valgrind not installed"
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)

# vg DESC ARGS...: the run must not end with valgrind's status.
vg() {
    local desc=$1
    shift
    "${VG[@]}" "$VU" "$@" >"$TMP/out" 2>"$TMP/err" <"${VG_IN:-/dev/null}"
    rc=$?
    if [ "$rc" = 99 ] || grep -q '^==[0-9]*==' "$TMP/err"; then
        fail "$desc: valgrind reports"
        grep '^==' "$TMP/err" | head -30
    else
        ok "$desc (exit $rc)"
    fi
}

vg "valid, human" 'mongodb://alice:pw@h1,h2:27018/db?replicaSet=rs&readPreference=nearest&tls=true&tlsCAFile=/ca.pem&readPreferenceTags=dc:ny&compressors=zlib'
vg "valid, json" --json 'mongodb+srv://alice:pw@cluster0.example.com/?appName=x'
vg "warnings, human" 'mongodb://h/?maxPoolSize=abc&tlsCAfle=x'
vg "error, human" 'mongodb://alice:pw@h:99999/'
vg "error, json" --json 'mongo://x'
vg "strict" --strict 'mongodb://h/?unknown=1'
vg "keywords" -o tls=true -o appName=x -o tlsCertificateKeyFilePassword=k 'mongodb://h/'
vg "keyword refused" -o nosuch=1 'mongodb://h/'
vg "keyword conflict" -o tlsInsecure=true 'mongodb://h/?tlsAllowInvalidCertificates=true'
vg "help" --help
vg "usage error" --nosuch
vg "check-files" --check-files --json 'mongodb://h/?tlsCAFile=/nonexistent.pem'
vg "resolve failure" --json --dns-server 127.0.0.1:1 --timeout-ms 500 'mongodb+srv://c.example.com/'
vg "connect failure" --json --connect --timeout-ms 500 'mongodb://127.0.0.1:1/?tls=true'

# The reports of a resolution and of handshakes, against real servers.
if command -v dnsmasq >/dev/null && start_dnsmasq \
    --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27017 \
    --srv-host=_mongodb._tcp.test1.example.com,localhost.test1.example.com,27018 \
    --txt-record=test1.example.com,"replicaSet=repl0&authSource=thisDB" \
    --srv-host=_mongodb._tcp.secret.example.com,db.secret.example.com,27017 \
    --txt-record=secret.example.com,"tlsCertificateKeyFilePassword=hunter2"; then
    vg "resolve, human" --dns-server "127.0.0.1:$dport" 'mongodb+srv://test1.example.com/'
    vg "resolve, json" --json --dns-server "127.0.0.1:$dport" 'mongodb+srv://test1.example.com/'
    vg "resolve, TXT refused" --dns-server "127.0.0.1:$dport" 'mongodb+srv://secret.example.com/'
    vg "resolve, NXDOMAIN, json" --json --dns-server "127.0.0.1:$dport" 'mongodb+srv://nosuch.example.com/'
else
    echo "# dnsmasq not available: resolution runs left out"
fi
P="$TMP/pki"
if make_pki "$P" && start_tls_server "$P" wronghost; then
    vg "connect, mismatch, human" --connect --timeout-ms 3000 "mongodb://localhost:$port/?tls=true&tlsCAFile=$P/ca.pem"
    vg "connect, mismatch, json" --json --connect --timeout-ms 3000 "mongodb://localhost:$port/?tls=true&tlsCAFile=$P/ca.pem"
    vg "connect, insecure, human" --connect --timeout-ms 3000 "mongodb://localhost:$port/?tls=true&tlsInsecure=true"
else
    echo "# no PKI or s_server: handshake runs left out"
fi

printf '%s\n' 'mongodb://a/' 'mongo://b' 'mongodb://c/?x=1' '' >"$TMP/batch"
VG_IN="$TMP/batch" vg "batch" --batch

finish
