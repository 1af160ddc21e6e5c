#!/usr/bin/env bash
# The shared library exports the public API and nothing else: every defined
# dynamic symbol starts with mongouri_, and the API's entry points are there.
set -euo pipefail
lib=$1
syms=$(nm -D --defined-only "$lib" | awk 'NF == 3 {print $3}')
[ -n "$syms" ] || { echo "no exported symbol read from $lib"; exit 1; }
others=$(grep -v '^mongouri_' <<<"$syms" || true)
[ -z "$others" ] || { echo "exported besides mongouri_*:"; echo "$others"; exit 1; }
for f in mongouri_uri_parse mongouri_uri_resolve mongouri_tls_ctx_new mongouri_json_render; do
  grep -qx "$f" <<<"$syms" || { echo "missing export: $f"; exit 1; }
done
if grep -q '^mongouri__' <<<"$syms"; then echo "internal symbols exported"; exit 1; fi
echo "$(wc -l <<<"$syms") symbols, all mongouri_*"
