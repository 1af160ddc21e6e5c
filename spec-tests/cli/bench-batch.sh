# Benchmark: validate-uri --batch over 10,000 generated connection strings.
# Prints the rate; fails only when the output is wrong, never on timing.
# Usage: bash bench-batch.sh VALIDATE_URI JSON_GET [COUNT]
set -u
export LC_ALL=C
VU=${1:?path to validate-uri}
JG=${2:?path to json-get}
COUNT=${3:-10000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vu-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# A realistic mix: replica sets with credentials and options, +srv strings,
# TLS settings, IPv6 and unix sockets, warnings and some invalid strings.
for ((i = 0; i < COUNT; i++)); do
    case $((i % 10)) in
    0) echo "mongodb://app$i:s3cr%40t$i@db$i-a.example.com:27017,db$i-b.example.com:27017,db$i-c.example.com:27017/shop?replicaSet=rs$i&authSource=admin&retryWrites=true&w=majority&readPreference=secondaryPreferred&maxPoolSize=$((i % 200 + 1))" ;;
    1) echo "mongodb+srv://user$i:pw$i@cluster$i.abcde.mongodb.net/orders?retryWrites=true&w=majority&appName=svc$i" ;;
    2) echo "mongodb://db$i.example.com/?tls=true&tlsCAFile=/etc/ssl/ca-$i.pem&tlsCertificateKeyFile=/etc/ssl/client-$i.pem&tlsCertificateKeyFilePassword=k$i" ;;
    3) echo "mongodb://[::1]:$((27017 + i % 100)),127.0.0.1:27018/?directConnection=false&connectTimeoutMS=$((i % 9000 + 1000))&compressors=zstd,zlib&zlibCompressionLevel=6" ;;
    4) echo "mongodb://%2Ftmp%2Fmongodb-$i.sock/admin?heartbeatFrequencyMS=15000" ;;
    5) echo "mongodb://localhost:27017/?maxPoolSize=abc&unknownOpt$i=1" ;;
    6) echo "mongodb://h$i:99999/" ;;
    7) echo "mongodb://h$i/?tlsInsecure=true&tlsAllowInvalidCertificates=true" ;;
    8) echo "mongodb://u$i:p$i@h$i.example.com/?authMechanism=SCRAM-SHA-256&readPreference=nearest&readPreferenceTags=dc:ny,rack:$i&readPreferenceTags=" ;;
    9) echo "mongodb+srv://c$i.example.com/?tls=false&loadBalanced=true&srvServiceName=custom" ;;
    esac
done >"$TMP/uris"

now() { date +%s%N; }
t0=$(now)
"$VU" --batch <"$TMP/uris" >"$TMP/out" 2>"$TMP/err"
rc=$?
t1=$(now)
lines=$(wc -l <"$TMP/out")
ns=$((t1 - t0))
[ "$ns" -gt 0 ] || ns=1
rate=$((COUNT * 1000000000 / ns))
printf 'uris=%d seconds=%d.%03d uris_per_second=%d exit=%d\n' \
    "$COUNT" $((ns / 1000000000)) $(((ns / 1000000) % 1000)) "$rate" "$rc"

# Correctness only: one JSON object per line, and the expected verdicts.
[ "$lines" -eq "$COUNT" ] || { echo "FAIL: $lines output lines for $COUNT URIs"; head -3 "$TMP/err"; exit 1; }
valid=$("$JG" .valid <"$TMP/out" | grep -c true)
echo "valid=$valid invalid=$((COUNT - valid))"
[ "$valid" -eq $((COUNT * 8 / 10)) ] || { echo "FAIL: expected $((COUNT * 8 / 10)) valid"; exit 1; }
exit 0
