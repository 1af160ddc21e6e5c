# The human account of an error puts a caret under the offending byte of the
# (redacted) URI: the character above the caret is the input byte at the
# error's offset, counted in characters, with redaction and long strings.
. "$(dirname "$0")/lib.sh"

# check_caret DESC URI [FLAGS...]: the error's offset from --json, then the
# character above the caret in the human output.
check_caret() {
    local desc=$1 uri=$2
    shift 2
    local off rest hit n line caretline col above
    vu --json "$@" "$uri"
    off=$(j .error.offset)
    if ! [[ "$off" =~ ^[0-9]+$ ]]; then fail "$desc: no error offset (got '$off')"; return; fi
    # The character that starts at byte $off of the input.
    rest=$(printf '%s' "$uri" | tail -c +"$((off + 1))")
    vu "$@" "$uri"
    expect_rc 1 "$desc: invalid"
    hit=$(grep -nE '^ *\^~*$' "$TMP/out" | head -1)
    if [ -z "$hit" ]; then fail "$desc: no caret line"; sed 's/^/    | /' "$TMP/out"; return; fi
    n=${hit%%:*}
    caretline=${hit#*:}
    line=$(sed -n "$((n - 1))p" "$TMP/out")
    col=${caretline%%^*}
    col=${#col}
    if [ -z "$rest" ]; then
        expect_eq "$desc: caret just past the end" "$col" "${#line}"
        return
    fi
    above=${line:$col:1}
    if [ "$above" = "${rest:0:1}" ]; then
        ok "$desc: caret under '$above' (byte $off)"
    else
        fail "$desc: caret under '$above', the input at byte $off is '${rest:0:1}'"
        sed 's/^/    | /' "$TMP/out" | head -8
    fi
}

check_caret "bad port" 'mongodb://localhost:70000/'
check_caret "bad port after a password (redacted before the caret)" 'mongodb://alice:LongPassword123@localhost:70000/'
# (with a userinfo: without one, a "port" that is not digits may be a password and is masked)
check_caret "non-numeric port" 'mongodb://user@db.example.com:27x17/?tls=true'
check_caret "option without =" 'mongodb://localhost/?w'
check_caret "bad percent escape in the database" 'mongodb://localhost/db%zz'
check_caret "unknown option in strict mode" 'mongodb://localhost/?tlsCAfle=ca.pem' --strict
check_caret "invalid value in strict mode" 'mongodb://h/?appName=x&maxPoolSize=abc' --strict
check_caret "multibyte characters before the caret" 'mongodb://bücher.example.com:0/'
check_caret "tls/ssl disagreement" 'mongodb://localhost/?tls=true&ssl=false'
long=$(printf 'a%.0s' $(seq 1 300))
check_caret "long URI, cut around the caret" "mongodb://localhost/?appName=$long&maxPoolSize=abc" --strict

# A caret line is exactly one caret plus a tilde run covering the span.
vu 'mongodb://localhost/?tlsCAfle=ca.pem' --strict
expect_out "^" "caret printed"
vu --strict 'mongodb://localhost/?tlsCAfle=ca.pem'
expect_out "did you mean tlsCAFile" "typo: the nearest option name is suggested"

# Warnings get a caret too.
vu 'mongodb://localhost/?maxPoolSize=abc'
expect_rc 0 "warning only"
if grep -qE '^ *\^~*$' "$TMP/out"; then ok "warning has a caret"; else fail "warning has no caret"; fi

# Errors that come from keyword options have no position in the URI.
vu -o maxPoolSize=abc 'mongodb://localhost/'
expect_rc 1 "keyword error"
if grep -qE '^ *\^' "$TMP/out"; then fail "keyword error has a caret"; else ok "keyword error: no caret"; fi
expect_out "keyword" "keyword error names its source"

finish
