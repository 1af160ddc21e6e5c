#!/usr/bin/env bash
# dns-seeds.sh TEST-HOSTILE HOSTILE-DNS OUTDIR
#
# Seeds for fuzz-srv from the hostile DNS server's answers: runs test-hostile
# with --dump (every answer the server sends is saved), then writes each one
# to OUTDIR as "#dns srv|txt HOST\n" followed by the raw message, the form
# fuzz-srv reads as a DNS answer. test-hostile's result does not matter here.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: dns-seeds.sh TEST-HOSTILE HOSTILE-DNS OUTDIR" >&2; exit 2; }
test_hostile=$1 hostile=$2 out=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mongouri-dns-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
"$test_hostile" --server "$hostile" --dump "$work" >/dev/null 2>&1 || true
n=0
for f in "$work"/*.bin; do
  [ -f "$f" ] || continue
  base=$(basename "$f" .bin)          # <qname>-<srv|txt>-<udp|tcp>
  qname=${base%-*}
  type=${qname##*-}
  qname=${qname%-*}
  case $type in srv | txt) ;; *) continue ;; esac
  host=$qname
  [ "$type" = srv ] && host=${qname#_*._tcp.}
  { printf '#dns %s %s\n' "$type" "$host"; cat "$f"; } >"$out/dns-$base"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "dns-seeds: no answer was dumped" >&2; exit 1; }
echo "dns-seeds: $n answers in $out"
