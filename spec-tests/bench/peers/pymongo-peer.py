"""pymongo-peer: what one pymongo.uri_parser.parse_uri() costs over a corpus,
for spec-tests/bench/peers.sh.

    pymongo-peer.py time CORPUS MIN_SECONDS
        Parses every line once (warm-up), then runs the measured loop over
        the corpus with 1, 2, 4, ... iterations until one run lasts at least
        MIN_SECONDS, runs that many iterations twice more and keeps the
        fastest of the three (the least disturbed by other processes), and
        prints key=value lines:
          uris=N invalid=N iterations=N ns_per_uri=... version=...
    pymongo-peer.py count CORPUS ITERATIONS
        Warm-up, then the measured loop ITERATIONS times, untimed: under
        callgrind, the run with 0 iterations gives the start-up cost that the
        script subtracts.

The corpus has one connection string per line; blank lines and lines
starting with '#' are skipped.
"""
import sys
import time

import pymongo
from pymongo.uri_parser import parse_uri


def load(path):
    with open(path, encoding="utf-8") as f:
        uris = [l.rstrip("\r\n") for l in f]
    return [u for u in uris if u and not u.startswith("#")]


def measure(uris, iterations):
    for _ in range(iterations):
        for u in uris:
            try:
                parse_uri(u)
            except Exception:
                pass


def main(argv):
    if len(argv) != 4 or argv[1] not in ("time", "count"):
        sys.stderr.write("usage: pymongo-peer.py time CORPUS MIN_SECONDS\n"
                         "       pymongo-peer.py count CORPUS ITERATIONS\n")
        return 2
    uris = load(argv[2])
    if not uris:
        sys.stderr.write("pymongo-peer.py: %s: no connection string\n" % argv[2])
        return 1
    invalid = 0
    for u in uris:
        try:
            parse_uri(u)
        except Exception:
            invalid += 1
    if argv[1] == "count":
        iterations = int(argv[3])
        measure(uris, iterations)
        print("uris=%d\ninvalid=%d\niterations=%d" % (len(uris), invalid, iterations))
        return 0
    min_ns = float(argv[3]) * 1e9
    iterations = 1
    while True:
        t0 = time.perf_counter_ns()
        measure(uris, iterations)
        ns = time.perf_counter_ns() - t0
        if ns >= min_ns:
            break
        iterations *= 2
    for _ in range(2):
        t0 = time.perf_counter_ns()
        measure(uris, iterations)
        ns = min(ns, time.perf_counter_ns() - t0)
    print("uris=%d\ninvalid=%d\niterations=%d\nns_per_uri=%.1f\nversion=%s" %
          (len(uris), invalid, iterations, ns / (iterations * len(uris)), pymongo.version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
