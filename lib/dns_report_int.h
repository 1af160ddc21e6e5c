/*
 * Private declarations of the resolution report (dns_report.c), shared by
 * the DNS modules: what was asked of which server and what came back, the
 * effective options, and the errors that say so. Never installed.
 */
#ifndef MONGOURI_DNS_REPORT_INT_H
#define MONGOURI_DNS_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host_int.h"

#define DNS_NAME_MAX 253                   /* longest domain name, in text form */
#define QUERY_NAME_CAP (DNS_NAME_MAX + 80) /* "_service._tcp." + host + NUL */
#define SERVERS_CAP 512
#define ATTEMPTS_CAP 400

enum { Q_SRV = 0, Q_TXT = 1, Q_COUNT = 2 };

/* Outcomes beyond c-ares' statuses. */
enum {
    ST_NOT_RESPONSE = 1001, /* QR bit clear: a query, not an answer */
    ST_TRUNCATED = 1002,    /* UDP answer truncated, the TCP retry failed */
    ST_RCODE = 1003         /* an RCODE without a name of its own */
};

typedef struct mongouri__dns_query {
    char type[4];              /* "SRV" or "TXT" */
    char name[QUERY_NAME_CAP]; /* without the trailing dot */
    const char *outcome;
    char outcome_buf[16]; /* "RCODE 6" and the like */
    size_t records;       /* records of the queried name */
    size_t ignored;       /* records of other names, not used */
    double ms;
    int status; /* ARES_* or ST_*, after parsing */
    int detail; /* ST_TRUNCATED: the TCP retry's ARES_* status */
    int rcode;  /* ST_RCODE: the RCODE */
    int timeouts;
    bool truncated; /* the UDP answer was truncated; TCP was used */
    bool done;
    char server[64];             /* the server whose answer (or failure) is the outcome */
    char attempts[ATTEMPTS_CAP]; /* every attempt, in order: "IP:PORT OUTCOME, ..." */
    char bad[256];               /* why an answer is malformed */
} mongouri__dns_query;

struct mongouri_resolve_report {
    char servers[SERVERS_CAP];
    double total_ms;
    size_t nqueries;
    mongouri__dns_query q[Q_COUNT];

    size_t nsrv; /* the SRV answer (records of the queried name), sorted */
    char **srv_targets;
    uint16_t *srv_ports;
    uint32_t srv_min_ttl; /* lowest TTL of those records; 0 when none */
    char *txt;            /* the first TXT record, joined (raw bytes) */
    size_t txt_len;
    char *txt_shown; /* the same, always valid UTF-8 (\xHH escapes) */
    bool oom;        /* memory ran out inside a callback */
};

/* The effective options: the caller's, over the defaults. */
typedef struct mongouri__resolve_cfg {
    const char *dns_servers;
    int timeout_ms;
    int tries;
    int deadline_ms;
    uint32_t (*random)(void *ctx, uint32_t bound);
    void *random_ctx;
} mongouri__resolve_cfg;

/* A new report, servers "(none)"; NULL when out of memory. */
mongouri_resolve_report *mongouri__dns_report_new(void);

/* Record the outcome of query `q`: an ARES_* or ST_* status (ST_RCODE with
 * its `rcode`). */
void mongouri__dns_set_outcome(mongouri__dns_query *q, int status, int rcode);

/* The error for query `i` of `r`, which failed: what was asked of whom and
 * what came back, at the host `h`; with the servers asked in order when
 * there were several. */
mongouri_status mongouri__dns_query_error(mongouri_error *err, const mongouri__host *h,
                                          const mongouri_resolve_report *r, int i,
                                          const mongouri__resolve_cfg *cfg, bool several_servers);

#endif /* MONGOURI_DNS_REPORT_INT_H */
