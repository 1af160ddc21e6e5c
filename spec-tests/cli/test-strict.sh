# --strict turns every warning into an error.
. "$(dirname "$0")/lib.sh"

check() {
    local desc=$1 uri=$2 code=$3
    vu --json "$uri"
    expect_rc 0 "$desc: spec mode accepts"
    expect_eq "$desc: spec mode warns ($code)" "$(j '.warnings[0].code')" "$code"
    vu --json --strict "$uri"
    expect_rc 1 "$desc: strict mode refuses"
    expect_eq "$desc: strict error code" "$(j .error.code)" "$code"
    vu --strict "$uri"
    expect_out "invalid" "$desc: strict human verdict"
}

check "unknown option" 'mongodb://localhost/?unknownOption=1' unknown-option
check "invalid value" 'mongodb://localhost/?maxPoolSize=abc' invalid-value
check "legacy boolean" 'mongodb://localhost/?retryWrites=yes' legacy-boolean
check "empty value" 'mongodb://localhost/?maxIdleTimeMS=' empty-value
check "repeated option" 'mongodb://localhost/?replicaSet=a&replicaSet=b' repeated-option
check "TLS option ignored with tls=false" 'mongodb://localhost/?tls=false&tlsCAFile=ca.pem' tls-option-ignored

# No warning: strict changes nothing.
vu --strict 'mongodb://localhost/?tls=true&ssl=true'
expect_rc 0 "tls=true&ssl=true is silent, strict passes"
vu --json 'mongodb://localhost/?tls=true&ssl=true'
expect_eq "tls=true&ssl=true: no warning" "$(jn .warnings)" 0

# Human output of a warning in spec mode says how strict would treat it.
vu 'mongodb://localhost/?unknownOption=1'
expect_out "with 1 warning" "verdict counts warnings"
expect_out "--strict" "warning section mentions --strict"

finish
