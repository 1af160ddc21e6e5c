# Exit codes of the validate-uri contract, and usage errors.
. "$(dirname "$0")/lib.sh"

vu 'mongodb://localhost/'
expect_rc 0 "valid URI"
vu 'mongodb://localhost/?unknownOption=1'
expect_rc 0 "valid URI with a warning"
vu 'mongo://localhost/'
expect_rc 1 "bad scheme"
vu ''
expect_rc 1 "empty URI"
vu 'mongodb://localhost:0/'
expect_rc 1 "bad port"
vu --json 'mongodb://localhost:0/'
expect_rc 1 "bad port, --json"
vu --strict 'mongodb://localhost/?unknownOption=1'
expect_rc 1 "warning under --strict"
vu -o nosuchOption=1 'mongodb://localhost/'
expect_rc 1 "unknown keyword option (keywords are strict)"
vu -o maxPoolSize=lots 'mongodb://localhost/'
expect_rc 1 "invalid keyword value"

# Usage errors: 2, with a message on stderr and nothing on stdout.
vu
expect_rc 2 "no URI"
expect_err "missing URI" "no URI: says so"
vu --jsno 'mongodb://localhost/'
expect_rc 2 "unknown flag"
expect_err "Did you mean --json?" "unknown flag: nearest flag suggested"
vu --dns-srever=127.0.0.1:53 'mongodb://localhost/'
expect_rc 2 "unknown flag with a value"
expect_err "Did you mean --dns-server?" "unknown flag with a value: suggestion"
# Flags are suggested by the library's one policy (mongouri_suggest): 3 edits
# are near enough for a long flag, as for a long option name.
vu --shw-secrt 'mongodb://localhost/'
expect_rc 2 "unknown long flag"
expect_err "Did you mean --show-secrets?" "long flag three edits away: suggestion"
vu --colour 'mongodb://localhost/'
expect_rc 2 "unknown flag, far from every flag"
if grep -q "Did you mean" "$TMP/err"; then fail "far flag: no suggestion expected"; else
    ok "far flag: no suggestion"; fi
vu -o appName 'mongodb://localhost/'
expect_rc 2 "-o without ="
vu -o '=x' 'mongodb://localhost/'
expect_rc 2 "-o with an empty key"
vu 'mongodb://localhost/' -o
expect_rc 2 "-o without its argument"
vu --timeout-ms abc 'mongodb://localhost/'
expect_rc 2 "--timeout-ms not a number"
vu --timeout-ms 0 'mongodb://localhost/'
expect_rc 2 "--timeout-ms zero"
vu --timeout-ms
expect_rc 2 "--timeout-ms without its argument"
vu --dns-server= 'mongodb://localhost/'
expect_rc 2 "--dns-server empty"
vu 'mongodb://a/' 'mongodb://b/'
expect_rc 2 "two URIs"
vu --batch 'mongodb://a/'
expect_rc 2 "--batch with a URI argument"
[ -s "$TMP/out" ] && fail "usage error wrote to stdout" || ok "usage error: stdout empty"

# Flags that end normally.
vu --help
expect_rc 0 "--help"
vu -h
expect_rc 0 "-h"
vu --version
expect_rc 0 "--version"
expect_out "validate-uri (mongouri)" "--version names the tool"
vu -- 'mongodb://localhost/'
expect_rc 0 "-- ends the flags"
vu --option=appName=x 'mongodb://localhost/'
expect_rc 0 "--option=KEY=VALUE"
vu -oappName=x 'mongodb://localhost/'
expect_rc 0 "-oKEY=VALUE"
vu --resolve 'mongodb://localhost/'
expect_rc 0 "--resolve on mongodb:// (nothing to resolve)"

# A URI on stdin with "-".
printf 'mongodb://localhost/\n' >"$TMP/in"
vu_in "$TMP/in" -
expect_rc 0 "URI from stdin"
printf 'mongo://x\n' >"$TMP/in"
vu_in "$TMP/in" -
expect_rc 1 "invalid URI from stdin"
: >"$TMP/in"
vu_in "$TMP/in" -
expect_rc 2 "no URI on stdin"

# DNS failure: a DNS server that does not answer (nothing listens there).
port=$(free_port) || skip "no free port"
vu --dns-server "127.0.0.1:$port" --timeout-ms 2000 'mongodb+srv://cluster0.example.com/'
expect_rc 3 "DNS failure"
# TLS/connection failure: nothing listens on the port.
vu --connect --timeout-ms 2000 "mongodb://127.0.0.1:$port/?tls=true"
expect_rc 4 "connection failure"
# File check failure.
vu --check-files "mongodb://localhost/?tlsCAFile=$TMP/no-such-ca.pem"
expect_rc 5 "file check failure"

finish
