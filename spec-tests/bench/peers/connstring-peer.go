// connstring-peer: what one connstring.ParseAndValidate() of the MongoDB Go driver
// costs over a corpus, for spec-tests/bench/peers.sh.
//
//	connstring-peer time CORPUS MIN_SECONDS
//	    Parses every line once (warm-up), then runs the measured loop over
//	    the corpus with 1, 2, 4, ... iterations until one run lasts at least
//	    MIN_SECONDS, runs that many iterations twice more and keeps the
//	    fastest of the three (the least disturbed by other processes), and
//	    prints key=value lines:
//	      uris=N invalid=N iterations=N ns_per_uri=...
//	connstring-peer count CORPUS ITERATIONS
//	    Warm-up, then the measured loop ITERATIONS times, untimed: under
//	    callgrind, the run with 0 iterations gives the start-up cost that the
//	    script subtracts.
//
// The corpus has one connection string per line; blank lines and lines
// starting with '#' are skipped. Built by peers.sh against the Debian
// package's sources (GO111MODULE=off, GOPATH=/usr/share/gocode), offline.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/x/mongo/driver/connstring"
)

var sink int

func measure(uris []string, iterations int) {
	for it := 0; it < iterations; it++ {
		for _, u := range uris {
			cs, err := connstring.ParseAndValidate(u)
			if err == nil {
				sink += len(cs.Hosts)
			}
		}
	}
}

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "time" && os.Args[1] != "count") {
		fmt.Fprintln(os.Stderr, "usage: connstring-peer time CORPUS MIN_SECONDS\n"+
			"       connstring-peer count CORPUS ITERATIONS")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "connstring-peer:", err)
		os.Exit(1)
	}
	var uris []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if l != "" && !strings.HasPrefix(l, "#") {
			uris = append(uris, l)
		}
	}
	if len(uris) == 0 {
		fmt.Fprintln(os.Stderr, "connstring-peer: no connection string")
		os.Exit(1)
	}
	arg, err := strconv.ParseFloat(os.Args[3], 64)
	if err != nil || arg < 0 {
		fmt.Fprintln(os.Stderr, "connstring-peer: bad number:", os.Args[3])
		os.Exit(2)
	}
	invalid := 0
	for _, u := range uris {
		if _, err := connstring.ParseAndValidate(u); err != nil {
			invalid++
		}
	}
	if os.Args[1] == "count" {
		measure(uris, int(arg))
		fmt.Printf("uris=%d\ninvalid=%d\niterations=%d\n", len(uris), invalid, int(arg))
		return
	}
	iterations := 1
	var ns int64
	for {
		t0 := time.Now()
		measure(uris, iterations)
		ns = time.Since(t0).Nanoseconds()
		if float64(ns) >= arg*1e9 || iterations >= 1<<30 {
			break
		}
		iterations *= 2
	}
	for r := 0; r < 2; r++ {
		t0 := time.Now()
		measure(uris, iterations)
		if again := time.Since(t0).Nanoseconds(); again < ns {
			ns = again
		}
	}
	fmt.Printf("uris=%d\ninvalid=%d\niterations=%d\nns_per_uri=%.1f\n", len(uris), invalid,
		iterations, float64(ns)/float64(iterations*len(uris)))
}
