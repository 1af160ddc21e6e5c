# --batch: one URI per line in, one JSON object per line out, same order.
. "$(dirname "$0")/lib.sh"

{
    printf '%s\n' 'mongodb://localhost/'
    printf '%s\n' 'mongodb://localhost/?maxPoolSize=abc'
    printf '%s\n' 'mongo://bad/'
    printf '%s\n' ''
    printf '%s\r\n' 'mongodb://crlf.example.com/?appName=x'
    printf '%s\n' 'mongodb+srv://cluster0.example.com/'
    printf '%s' 'mongodb://last-line-without-newline/'
} >"$TMP/in"

vu_in "$TMP/in" --batch
expect_rc 1 "first failing line decides the exit status (invalid)"
expect_eq "one output line per input line" "$(wc -l <"$TMP/out")" 7
expect_eq "every line is one JSON object" "$("$JG" --type . <"$TMP/out" | sort -u)" object
expect_eq "valid flags in order" "$("$JG" .valid <"$TMP/out" | tr '\n' ' ')" "true true false false true true true "
expect_eq "warnings per line" "$("$JG" --length .warnings <"$TMP/out" | sed -n 2p)" 1
expect_eq "error code of the bad line" "$(sed -n 3p "$TMP/out" | "$JG" .error.code)" bad-scheme
expect_eq "empty line: an error of its own" "$(sed -n 4p "$TMP/out" | "$JG" .valid)" false
expect_eq "CR stripped" "$(sed -n 5p "$TMP/out" | "$JG" '.hosts[0].host')" crlf.example.com
expect_eq "last line without newline" "$(sed -n 7p "$TMP/out" | "$JG" '.hosts[0].host')" last-line-without-newline

printf '%s\n' 'mongodb://a/' 'mongodb://b/?tls=true' >"$TMP/in"
vu_in "$TMP/in" --batch
expect_rc 0 "all valid: exit 0"
expect_eq "two lines" "$(wc -l <"$TMP/out")" 2

: >"$TMP/in"
vu_in "$TMP/in" --batch
expect_rc 0 "empty input: exit 0"
expect_eq "empty input: no output" "$(wc -c <"$TMP/out")" 0

# Strict mode and keyword options apply to every line.
printf '%s\n' 'mongodb://a/' 'mongodb://b/?unknownOption=1' >"$TMP/in"
vu_in "$TMP/in" --batch --strict
expect_rc 1 "strict batch"
expect_eq "strict: second line invalid" "$("$JG" .valid <"$TMP/out" | tr '\n' ' ')" "true false "
vu_in "$TMP/in" --batch -o appName=audit
expect_eq "keyword applied to every line" "$("$JG" .options.appname <"$TMP/out" | tr '\n' ' ')" "audit audit "
vu_in "$TMP/in" --batch -o nosuchOption=1
expect_rc 1 "refused keyword: every line invalid"
expect_eq "refused keyword: every line says so" "$("$JG" .valid <"$TMP/out" | tr '\n' ' ')" "false false "

# --batch output is JSON even without --json, and compact (one line each).
printf '%s\n' 'mongodb://a/' >"$TMP/in"
vu_in "$TMP/in" --batch --json
expect_eq "one line with --json too" "$(wc -l <"$TMP/out")" 1

# The exit status is that of the first failing line: a file check failure (5)
# before an invalid line (1).
printf '%s\n' "mongodb://a/?tlsCAFile=$TMP/none.pem" 'mongo://x' >"$TMP/in"
vu_in "$TMP/in" --batch --check-files
expect_rc 5 "first failure wins"
expect_eq "files key on the checked line" "$(sed -n 1p "$TMP/out" | "$JG" .files.ok)" false
expect_eq "no files key on the invalid line" "$(sed -n 2p "$TMP/out" | "$JG" --type .files 2>/dev/null)" ""

# A NUL byte inside a line is an error of that line only.
printf 'mongodb://a/\nmongodb://b\0c/\nmongodb://d/\n' >"$TMP/in"
vu_in "$TMP/in" --batch
expect_eq "NUL line: three outputs" "$(wc -l <"$TMP/out")" 3
expect_eq "NUL line invalid, others valid" "$("$JG" .valid <"$TMP/out" | tr '\n' ' ')" "true false true "

finish
