#!/usr/bin/env bash
# Run a command against test DNS servers that live only as long as it does.
#
#   run-with-dns.sh [--records FILE]... [--forwarder BIN] [--delay-ms N] -- COMMAND [ARG]...
#
# Starts dnsmasq on 127.0.0.1 and a free port serving the records files
# (dnsmasq-zone.sh). With --forwarder, also starts four dns-forwarder
# instances in front of it: one that delays every answer by N ms (default
# 200), one that answers SERVFAIL to everything, and two that forward
# everything but TXT queries, which they answer with SERVFAIL or NXDOMAIN.
# In the arguments of COMMAND these words are replaced:
#   @DNS@           dnsmasq, as 127.0.0.1:PORT
#   @DELAY_DNS@     the delaying forwarder      @DELAY_MS@  its delay
#   @SERVFAIL_DNS@  the SERVFAIL server
#   @SERVFAIL_TXT_DNS@  SERVFAIL for TXT only   @NXDOMAIN_TXT_DNS@  NXDOMAIN for TXT only
# Every server is stopped by its PID when the command ends, also on failure
# or interruption. The exit status is the command's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
records=()
forwarder=
delay_ms=200
while [ $# -gt 0 ]; do
  case $1 in
    --records) records+=("$2"); shift 2 ;;
    --forwarder) forwarder=$2; shift 2 ;;
    --delay-ms) delay_ms=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run-with-dns: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] && [ ${#records[@]} -gt 0 ] || {
  echo "usage: run-with-dns.sh --records FILE... [--forwarder BIN] [--delay-ms N] -- COMMAND..." >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/mongouri-dns.XXXXXX")
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local p='' st i
  # A subshell forked just now may still hold this trap: only the script cleans up.
  [ "$BASHPID" = "$$" ] || exit 1
  [ -f "$work/dnsmasq.pid" ] && read -r p <"$work/dnsmasq.pid"
  for i in "${pids[@]}" $p; do kill "$i" 2>/dev/null || true; done
  wait 2>/dev/null || true # every child: the forwarders and the watchdog
  if [ -n "$p" ]; then
    # Not our child: wait until it is gone or a zombie (at most 2 s).
    for ((i = 0; i < 40; i++)); do
      st=Z
      [ -r "/proc/$p/stat" ] && read -r _ _ st _ <"/proc/$p/stat" 2>/dev/null
      [ "$st" = Z ] && break
      sleep 0.05
    done
  fi
  if [ "${status:-1}" -ne 0 ] && [ -f "$work/dnsmasq.log" ]; then
    echo "--- dnsmasq log (last 40 lines) ---" >&2
    tail -n 40 "$work/dnsmasq.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Start a background process. A forked child holds the traps until it execs;
# without the signal traps it cannot run cleanup itself if killed early.
spawned=
spawn() {
  trap - INT TERM HUP
  "$@" &
  spawned=$!
  trap 'exit 130' INT TERM HUP
}

dns=$("$here/dnsmasq-zone.sh" "$work" "${records[@]}")

started= # IP:PORT of the forwarder start_forwarder started last
start_forwarder() { # NAME ARG...
  local name=$1
  shift
  local i port
  spawn "$forwarder" --port-file "$work/$name.port" "$@" </dev/null >>"$work/forwarders.log" 2>&1
  pids+=("$spawned")
  for ((i = 0; i < 100; i++)); do
    if [ -s "$work/$name.port" ] && read -r port <"$work/$name.port"; then
      started="127.0.0.1:$port"
      return 0
    fi
    sleep 0.02
  done
  echo "run-with-dns: $name forwarder did not start" >&2
  return 1
}

delay_dns=none servfail_dns=none servfail_txt_dns=none nxdomain_txt_dns=none
if [ -n "$forwarder" ]; then
  start_forwarder delay --upstream "$dns" --delay-ms "$delay_ms"
  delay_dns=$started
  start_forwarder servfail --answer servfail
  servfail_dns=$started
  start_forwarder servfail-txt --upstream "$dns" --answer servfail --only-type TXT
  servfail_txt_dns=$started
  start_forwarder nxdomain-txt --upstream "$dns" --answer nxdomain --only-type TXT
  nxdomain_txt_dns=$started
fi

# If this script is killed outright (no trap runs), a watchdog stops the
# servers. A fresh bash, not a subshell, which would share this shell's jobs.
read -r dnsmasq_pid <"$work/dnsmasq.pid"
# shellcheck disable=SC2016 # expanded by that bash
spawn bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
               rm -rf "$2"; shift 2; kill "$@" 2>/dev/null' \
  watchdog $$ "$work" "$dnsmasq_pid" "${pids[@]}" </dev/null >/dev/null 2>&1
pids+=("$spawned")

args=()
for a in "$@"; do
  a=${a//@DNS@/$dns}
  a=${a//@DELAY_DNS@/$delay_dns}
  a=${a//@DELAY_MS@/$delay_ms}
  a=${a//@SERVFAIL_DNS@/$servfail_dns}
  a=${a//@SERVFAIL_TXT_DNS@/$servfail_txt_dns}
  a=${a//@NXDOMAIN_TXT_DNS@/$nxdomain_txt_dns}
  args+=("$a")
done

# In the background, so that a signal reaches the trap at once (and the
# command is stopped with the servers).
status=0
spawn "${args[@]}" </dev/null
pids+=("$spawned")
wait "$spawned" || status=$?
exit "$status"
