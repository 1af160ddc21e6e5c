#!/usr/bin/env bash
# test-symbols.sh LIBMONGOURI.so LIBMONGOURI-OPENSSL.so
# Each shared library exports its public API and nothing else: every defined
# dynamic symbol starts with mongouri_ (never the internal mongouri__), carries
# the library's symbol version, and the API's entry points are there. The
# parse library neither needs nor mentions OpenSSL.
set -euo pipefail
core=$1; tls=$2
fail() { echo "$*"; exit 1; }

check_exports() { # $1 library, $2 version node, $3... required entry points
  local lib=$1 node=$2 syms others unversioned f
  shift 2
  # "ADDR T name@@NODE"; the version node itself is an absolute symbol (A).
  syms=$(nm -D --defined-only "$lib" | awk 'NF == 3 && $2 != "A" {print $3}')
  [ -n "$syms" ] || fail "no exported symbol read from $lib"
  unversioned=$(grep -v "@@$node\$" <<<"$syms" || true)
  [ -z "$unversioned" ] || { echo "$lib: not versioned $node:"; echo "$unversioned"; exit 1; }
  syms=$(sed 's/@@.*//' <<<"$syms")
  others=$(grep -v '^mongouri_' <<<"$syms" || true)
  [ -z "$others" ] || { echo "$lib exports besides mongouri_*:"; echo "$others"; exit 1; }
  if grep -q '^mongouri__' <<<"$syms"; then fail "$lib exports internal symbols"; fi
  for f in "$@"; do
    grep -qx "$f" <<<"$syms" || fail "$lib: missing export: $f"
  done
  echo "$lib: $(wc -l <<<"$syms") symbols, all mongouri_*, version $node"
  exported=$syms
}

check_exports "$core" MONGOURI_0 mongouri_uri_parse mongouri_uri_resolve mongouri_json_render \
  mongouri_json_tree mongouri_json_tree_free mongouri_wipe mongouri_suggest mongouri_option_suggest \
  mongouri_version mongouri_tls_enabled
core_syms=$exported
if grep -q '^mongouri_tls_ctx_new$' <<<"$core_syms"; then fail "$core exports the OpenSSL applicator"; fi

check_exports "$tls" MONGOURI_OPENSSL_0 mongouri_tls_ctx_new mongouri_tls_ssl_prepare \
  mongouri_tls_diagnose mongouri_tls_probe mongouri_tls_check_files
dup=$(comm -12 <(sort <<<"$core_syms") <(sort <<<"$exported"))
[ -z "$dup" ] || { echo "exported by both libraries:"; echo "$dup"; exit 1; }

# No OpenSSL in the parse library: not needed, not loaded, no symbol of it used.
# (Outputs are read whole first: grep -q closing a pipe early would fail it.)
core_dyn=$(readelf -d "$core"); tls_dyn=$(readelf -d "$tls")
if grep -E 'NEEDED.*(libssl|libcrypto)' <<<"$core_dyn"; then fail "$core needs OpenSSL"; fi
if grep -E 'libssl|libcrypto' <<<"$(ldd "$core")"; then fail "$core loads OpenSSL"; fi
if grep -E ' (SSL|X509|EVP|OPENSSL|ERR|OCSP|BIO|CRYPTO)_' <<<"$(nm -D --undefined-only "$core")"; then
  fail "$core uses OpenSSL symbols"
fi
# The applicator does need it, and the parse library.
grep -q 'NEEDED.*libssl.so' <<<"$tls_dyn" || fail "$tls does not link libssl"
grep -q "NEEDED.*\[$(basename "$(readlink -f "$core")" | sed -E 's/(\.so\.[0-9]+).*/\1/')\]" <<<"$tls_dyn" ||
  fail "$tls does not link $core"
# SONAMEs carry the ABI major.
grep -Eq 'SONAME.*\[libmongouri\.so\.[0-9]+\]' <<<"$core_dyn" || fail "$core: no versioned SONAME"
grep -Eq 'SONAME.*\[libmongouri-openssl\.so\.[0-9]+\]' <<<"$tls_dyn" || fail "$tls: no versioned SONAME"
echo "no OpenSSL in $core"
