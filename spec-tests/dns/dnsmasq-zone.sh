#!/usr/bin/env bash
# Serve DNS records with dnsmasq on 127.0.0.1 and a free port.
#
#   dnsmasq-zone.sh DIR RECORDS_FILE...
#
# Each RECORDS_FILE uses the format of the header of
# initial-dns-seedlist-discovery/dns-records.txt:
#   A      <name> <ipv4-address>
#   SRV    <name> <port> <target>
#   TXT    <name> "<string>" ["<string>" ...]   (one line = one record)
#   ABSENT <type> <name>                        (nothing to serve)
# Every zone a name belongs to is served as local-only, so names without a
# record are NXDOMAIN (or NODATA); names outside those zones are REFUSED.
#
# dnsmasq runs in the background. On success the script prints the server as
# IP:PORT and leaves DIR/dnsmasq.pid (its PID), DIR/dnsmasq.port and
# DIR/dnsmasq.log. Stop it with: kill "$(cat DIR/dnsmasq.pid)".
# Set DNSMASQ to use another binary (default: dnsmasq on PATH, or /usr/sbin).
set -euo pipefail

die() { echo "dnsmasq-zone: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: dnsmasq-zone.sh DIR RECORDS_FILE..."
[ -d "$1" ] || die "$1 is not a directory"
dir=$(cd "$1" && pwd) # dnsmasq changes to /: paths must be absolute
shift

dnsmasq_bin=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}
[ -x "$dnsmasq_bin" ] || die "dnsmasq not found (Debian package dnsmasq-base)"

# Zone of a name: leading _service/_proto labels dropped, then the last two
# labels (the whole name when it has one or two).
zone_of() {
  local n=$1
  while [[ $n == _*.* ]]; do n=${n#*.}; done
  local IFS=.
  local -a l
  read -r -a l <<<"$n"
  if [ ${#l[@]} -le 2 ]; then echo "$n"; else echo "${l[-2]}.${l[-1]}"; fi
}

args=()
declare -A zones=()
for file in "$@"; do
  [ -r "$file" ] || die "cannot read $file"
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    read -r type name rest <<<"$line"
    name=${name%.}
    case $type in
      A)
        read -r ip extra <<<"$rest"
        [ -n "$ip" ] && [ -z "${extra:-}" ] || die "$file:$lineno: A needs <name> <ip>"
        args+=("--host-record=$name,$ip")
        ;;
      SRV)
        read -r port target extra <<<"$rest"
        [[ ${port:-} =~ ^[0-9]+$ ]] && [ -n "${target:-}" ] && [ -z "${extra:-}" ] ||
          die "$file:$lineno: SRV needs <name> <port> <target>"
        # Priority 0, weight 0: clients must ignore both.
        args+=("--srv-host=$name,${target%.},$port,0,0")
        ;;
      TXT)
        # dnsmasq takes the character-strings comma-separated, unquoted.
        strings=()
        rest_left=$rest
        while [[ $rest_left =~ ^[[:space:]]*\"([^\"]*)\"(.*)$ ]]; do
          s=${BASH_REMATCH[1]}
          rest_left=${BASH_REMATCH[2]}
          [[ $s == *,* || $s == *\\* ]] && die "$file:$lineno: commas and backslashes are not supported"
          [ ${#s} -le 255 ] || die "$file:$lineno: a character-string is at most 255 bytes"
          strings+=("$s")
        done
        [[ $rest_left =~ ^[[:space:]]*$ ]] && [ ${#strings[@]} -gt 0 ] ||
          die "$file:$lineno: TXT needs <name> \"<string>\"..."
        joined=$(IFS=,; echo "${strings[*]}")
        args+=("--txt-record=$name,$joined")
        ;;
      ABSENT)
        read -r name extra <<<"$rest"
        [ -n "${name:-}" ] && [ -z "${extra:-}" ] || die "$file:$lineno: ABSENT needs <type> <name>"
        name=${name%.}
        ;;
      *)
        die "$file:$lineno: unknown record type '$type'"
        ;;
    esac
    zones[$(zone_of "$name")]=1
  done <"$file"
done
for z in "${!zones[@]}"; do args+=("--local=/$z/"); done

# A free port: try random high ports until dnsmasq binds one.
for _ in $(seq 1 30); do
  port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  rm -f "$dir/dnsmasq.pid" "$dir/dnsmasq.log"
  "$dnsmasq_bin" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
    --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
    --pid-file="$dir/dnsmasq.pid" --user="$(id -un)" --group="$(id -gn)" \
    --log-queries --log-facility=- "${args[@]}" \
    </dev/null >"$dir/dnsmasq.log" 2>&1 &
  bgpid=$!
  # Ready when it says "started" (after binding); gone when the port was taken.
  for _ in $(seq 1 100); do
    if grep -q 'started, version' "$dir/dnsmasq.log" 2>/dev/null && [ -s "$dir/dnsmasq.pid" ]; then
      echo "$bgpid" >"$dir/dnsmasq.pid"
      echo "$port" >"$dir/dnsmasq.port"
      echo "127.0.0.1:$port"
      exit 0
    fi
    kill -0 "$bgpid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$bgpid" 2>/dev/null; then
    kill "$bgpid" 2>/dev/null || true
    wait "$bgpid" 2>/dev/null || true
    die "dnsmasq did not start; log: $(tr '\n' ' ' <"$dir/dnsmasq.log")"
  fi
  wait "$bgpid" 2>/dev/null || true
  grep -q 'Address already in use' "$dir/dnsmasq.log" ||
    die "dnsmasq failed: $(tr '\n' ' ' <"$dir/dnsmasq.log")"
done
die "no free port found after 30 attempts"
