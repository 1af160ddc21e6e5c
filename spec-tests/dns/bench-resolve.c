/*
 * Proof that the SRV and the TXT query are in flight together. Against a
 * DNS server that delays every answer by D ms, a resolution that needs both
 * answers takes about D when the queries overlap and 2 D when they do not.
 *
 *   bench-resolve --dns-server IP:PORT --delay-ms D [--uri URI] [--runs N]
 *
 * Prints both figures for each run and the median, and exits 1 unless the
 * median total stays under 1.5 D (and both answers did take at least D).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mongouri/mongouri.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *server = NULL, *text = "mongodb+srv://two.mongouri.test/";
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    mongouri_uri *parsed = NULL;
    mongouri_error err;
    double delay = -1, totals[64], sums[64];
    int runs = 5, i, bad = 0;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dns-server") == 0)
            server = argv[i + 1];
        else if (strcmp(argv[i], "--delay-ms") == 0)
            delay = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--uri") == 0)
            text = argv[i + 1];
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else
            break;
    }
    if (i != argc || server == NULL || delay <= 0 || runs < 1 || runs > 64) {
        fprintf(stderr, "usage: bench-resolve --dns-server IP:PORT --delay-ms D [--uri URI] "
                        "[--runs N (1-64)]\n");
        return 2;
    }
    if (mongouri_uri_parse(&parsed, text, NULL, &err) != MONGOURI_OK) {
        fprintf(stderr, "bench-resolve: %s\n", err.message);
        return 2;
    }
    o.dns_servers = server;
    o.timeout_ms = (int)(delay * 4); /* no retry may hide inside the figures */
    o.deadline_ms = (int)(delay * 20);

    printf("server %s delays every answer by %.0f ms; %s\n", server, delay, text);
    for (i = 0; i < runs; i++) {
        mongouri_resolve_report *rep = NULL;
        mongouri_uri *out = NULL;
        double srv, txt;

        if (mongouri_uri_resolve_ex(&out, &rep, parsed, &o, &err) != MONGOURI_OK) {
            fprintf(stderr, "bench-resolve: %s\n", err.message);
            mongouri_resolve_report_destroy(rep);
            mongouri_uri_destroy(parsed);
            return 1;
        }
        srv = mongouri_resolve_report_query_ms(rep, 0);
        txt = mongouri_resolve_report_query_ms(rep, 1);
        totals[i] = mongouri_resolve_report_total_ms(rep);
        sums[i] = srv + txt;
        printf("run %d: SRV %.1f ms, TXT %.1f ms; one after the other would take %.1f ms, "
               "resolution took %.1f ms\n", i + 1, srv, txt, sums[i], totals[i]);
        if (srv < delay * 0.9 || txt < delay * 0.9)
            bad = 1; /* the delay was not applied: the figures prove nothing */
        mongouri_resolve_report_destroy(rep);
        mongouri_uri_destroy(out);
    }
    mongouri_uri_destroy(parsed);
    qsort(totals, (size_t)runs, sizeof totals[0], cmp_double);
    qsort(sums, (size_t)runs, sizeof sums[0], cmp_double);
    printf("median: sequential %.1f ms (2 x delay), concurrent %.1f ms (1 x delay = %.0f ms)\n",
           sums[runs / 2], totals[runs / 2], delay);
    if (bad) {
        printf("FAIL: an answer came faster than the delay; is the server the delaying one?\n");
        return 1;
    }
    if (totals[runs / 2] >= delay * 1.5) {
        printf("FAIL: resolution took %.1f ms, not one delay: the queries did not overlap\n",
               totals[runs / 2]);
        return 1;
    }
    printf("OK: SRV and TXT were in flight together\n");
    return 0;
}
