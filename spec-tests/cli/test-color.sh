# Colour only when stdout is a terminal, and never with NO_COLOR set.
. "$(dirname "$0")/lib.sh"

ESC=$'\033'
for uri in 'mongodb://localhost/' 'mongodb://localhost:0/' 'mongodb://localhost/?x=1'; do
    vu "$uri"
    if grep -q "$ESC" "$TMP/out"; then fail "pipe: escape codes for $uri"; else ok "pipe: no colour for $uri"; fi
done
vu --json 'mongodb://localhost:0/'
if grep -q "$ESC" "$TMP/out"; then fail "json: escape codes"; else ok "json: no colour"; fi

# A terminal, through script(1) when it is there.
command -v script >/dev/null 2>&1 || { echo "note: script(1) missing; terminal cases not run"; finish; }
tty_run() { TERM=xterm script -qec "$*" /dev/null </dev/null >"$TMP/out" 2>&1; }
tty_run "'$VU' 'mongodb://localhost:0/'"
if grep -q "$ESC\[" "$TMP/out"; then ok "terminal: colour"; else fail "terminal: no colour"; sed 's/^/    | /' "$TMP/out" | head -5; fi
tty_run "NO_COLOR=1 '$VU' 'mongodb://localhost:0/'"
if grep -q "$ESC" "$TMP/out"; then fail "terminal with NO_COLOR: escape codes"; else ok "terminal with NO_COLOR: no colour"; fi
tty_run "NO_COLOR= '$VU' 'mongodb://localhost:0/'"
if grep -q "$ESC\[" "$TMP/out"; then ok "terminal with empty NO_COLOR: colour"; else fail "terminal with empty NO_COLOR: no colour"; fi
tty_run "TERM=dumb '$VU' 'mongodb://localhost:0/'"
if grep -q "$ESC" "$TMP/out"; then fail "terminal with TERM=dumb: escape codes"; else ok "terminal with TERM=dumb: no colour"; fi
tty_run "'$VU' --json 'mongodb://localhost:0/'"
if grep -q "$ESC" "$TMP/out"; then fail "terminal, --json: escape codes"; else ok "terminal, --json: no colour"; fi

# A connection string cannot drive the terminal: control bytes are escaped.
vu 'mongodb://localhost/?appName=%1B%5B31mred'
if grep -q "$ESC" "$TMP/out"; then fail "decoded ESC printed raw"; else ok "decoded ESC escaped"; fi
expect_out '\x1B' "decoded ESC shown as \\x1B"

finish
