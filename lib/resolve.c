/*
 * mongodb+srv seed-list discovery with c-ares 1.18: the SRV and the TXT
 * query in flight together, sent raw (ares_send) to each DNS server in turn,
 * every answer read by our own bounded walker (c-ares 1.18 has no record API,
 * and ares_parse_srv_reply neither gives owners nor refuses odd targets):
 * only records of the queried name (or of a CNAME chain from it) count, every
 * SRV target is checked as a URI host name, then against the parent domain;
 * the TXT record rules; then the builder merges the TXT options and runs
 * every rule again on the merged set. SRV polling (rescans) reuses the SRV
 * half and applies the answer to a driver's seed list.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <ares_dns.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ares_loop_int.h"
#include "internal.h"

#define DNS_NAME_MAX 253                   /* longest domain name, in text form */
#define QUERY_NAME_CAP (DNS_NAME_MAX + 80) /* "_service._tcp." + host + NUL */
#define SERVERS_CAP 512

#define MAX_SERVERS 8 /* DNS servers tried in order */
#define ATTEMPTS_CAP 400
#define MAX_CNAMES 8    /* links followed from the queried name */
#define MIN_RESCAN_S 60 /* SRV polling: never faster than this */

enum { Q_SRV = 0, Q_TXT = 1, Q_COUNT = 2 };

/* Outcomes beyond c-ares' statuses. */
enum {
    ST_NOT_RESPONSE = 1001, /* QR bit clear: a query, not an answer */
    ST_TRUNCATED = 1002,    /* UDP answer truncated, the TCP retry failed */
    ST_RCODE = 1003         /* an RCODE without a name of its own */
};

struct report_query {
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
};

struct mongouri_resolve_report {
    char servers[SERVERS_CAP];
    double total_ms;
    size_t nqueries;
    struct report_query q[Q_COUNT];

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
typedef struct resolve_cfg {
    const char *dns_servers;
    int timeout_ms;
    int tries;
    int deadline_ms;
    uint32_t (*random)(void *ctx, uint32_t bound);
    void *random_ctx;
} resolve_cfg;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Lower-case copy of s[0..n) without a trailing dot; NULL when out of memory. */
static char *dup_dns_name(const char *s, size_t n)
{
    char *out;
    size_t i;

    while (n > 0 && s[n - 1] == '.')
        n--;
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        out[i] = ascii_lower(s[i]);
    out[n] = '\0';
    return out;
}

/* ------------------------------------------------------------------------ */
/* Random source for srvMaxHosts                                             */
/* ------------------------------------------------------------------------ */

static uint32_t random_u32(void)
{
    uint32_t x;
    uint64_t z;

    if (getrandom(&x, sizeof x, 0) == (ssize_t)sizeof x)
        return x;
    /* No getrandom(): mix the clock (splitmix64); good enough to spread load. */
    z = (uint64_t)(mongouri__clock_ms() * 1e6) + (uint64_t)(uintptr_t)&x;
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint32_t)(z ^ (z >> 31));
}

/* Uniform in [0, bound), without modulo bias. */
static uint32_t default_random(void *ctx, uint32_t bound)
{
    uint32_t skip, x;

    (void)ctx;
    if (bound <= 1)
        return 0;
    skip = (uint32_t)((UINT32_MAX % bound + 1u) % bound); /* 2^32 mod bound */
    do
        x = random_u32();
    while (x > UINT32_MAX - skip);
    return x % bound;
}

/* The caller's source, kept inside [0, bound) whatever it returns. */
static uint32_t checked_random(void *ctx, uint32_t bound)
{
    const resolve_cfg *cfg = ctx;
    uint32_t x;

    if (bound <= 1)
        return 0;
    x = cfg->random(cfg->random_ctx, bound);
    return x < bound ? x : x % bound;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri_resolve_options_init(mongouri_resolve_options *opts, unsigned int version)
{
    const mongouri_resolve_options defaults = MONGOURI_RESOLVE_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_RESOLVE_OPTIONS_VERSION);
}

static mongouri_status load_options(resolve_cfg *cfg, const mongouri_resolve_options *opts,
                                    mongouri_error *err)
{
    cfg->dns_servers = NULL;
    cfg->timeout_ms = MONGOURI_RESOLVE_DEFAULT_TIMEOUT_MS;
    cfg->tries = MONGOURI_RESOLVE_DEFAULT_TRIES;
    cfg->deadline_ms = MONGOURI_RESOLVE_DEFAULT_DEADLINE_MS;
    cfg->random = default_random;
    cfg->random_ctx = NULL;
    if (opts == NULL)
        return MONGOURI_OK;
    if (opts->version == 0 || opts->version > MONGOURI_RESOLVE_OPTIONS_VERSION)
        return mongouri__opts_check("mongouri_resolve_options", opts->version,
                                    MONGOURI_RESOLVE_OPTIONS_VERSION, err);
    /* Version 1 fields; later versions append theirs below a version test. */
    if (opts->timeout_ms < 0 || opts->tries < 0 || opts->deadline_ms < 0)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "resolver timeout_ms, tries and deadline_ms must not be "
                                   "negative (0 means the default)");
    if (opts->dns_servers != NULL && opts->dns_servers[0] == '\0')
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "dns_servers is empty; pass NULL for the system's "
                                   "resolvers or a list of IP:PORT");
    cfg->dns_servers = opts->dns_servers;
    if (opts->timeout_ms > 0)
        cfg->timeout_ms = opts->timeout_ms;
    if (opts->tries > 0)
        cfg->tries = opts->tries;
    if (opts->deadline_ms > 0)
        cfg->deadline_ms = opts->deadline_ms;
    if (opts->random != NULL) {
        cfg->random = opts->random;
        cfg->random_ctx = opts->random_ctx;
    }
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* The report                                                                */
/* ------------------------------------------------------------------------ */

void mongouri_resolve_report_destroy(mongouri_resolve_report *report)
{
    size_t i;

    if (report == NULL)
        return;
    for (i = 0; i < report->nsrv; i++)
        free(report->srv_targets[i]);
    free(report->srv_targets);
    free(report->srv_ports);
    free(report->txt);
    free(report->txt_shown);
    free(report);
}

const char *mongouri_resolve_report_servers(const mongouri_resolve_report *report)
{
    return report == NULL ? "" : report->servers;
}

double mongouri_resolve_report_total_ms(const mongouri_resolve_report *report)
{
    return report == NULL ? -1.0 : report->total_ms;
}

size_t mongouri_resolve_report_query_count(const mongouri_resolve_report *report)
{
    return report == NULL ? 0 : report->nqueries;
}

static const struct report_query *report_query(const mongouri_resolve_report *report, size_t i)
{
    return report == NULL || i >= report->nqueries ? NULL : &report->q[i];
}

const char *mongouri_resolve_report_query_type(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? NULL : q->type;
}

const char *mongouri_resolve_report_query_name(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? NULL : q->name;
}

const char *mongouri_resolve_report_query_outcome(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? NULL : q->outcome;
}

size_t mongouri_resolve_report_query_records(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? 0 : q->records;
}

double mongouri_resolve_report_query_ms(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? -1.0 : q->ms;
}

size_t mongouri_resolve_report_srv_count(const mongouri_resolve_report *report)
{
    return report == NULL ? 0 : report->nsrv;
}

const char *mongouri_resolve_report_srv_target(const mongouri_resolve_report *report, size_t i)
{
    return report == NULL || i >= report->nsrv ? NULL : report->srv_targets[i];
}

uint16_t mongouri_resolve_report_srv_port(const mongouri_resolve_report *report, size_t i)
{
    return report == NULL || i >= report->nsrv ? 0 : report->srv_ports[i];
}

const char *mongouri_resolve_report_txt(const mongouri_resolve_report *report)
{
    return report == NULL ? NULL : report->txt_shown;
}

const char *mongouri_resolve_report_query_server(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? NULL : q->server;
}

const char *mongouri_resolve_report_query_attempts(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? NULL : q->attempts;
}

size_t mongouri_resolve_report_query_ignored(const mongouri_resolve_report *report, size_t i)
{
    const struct report_query *q = report_query(report, i);

    return q == NULL ? 0 : q->ignored;
}

uint32_t mongouri_resolve_report_srv_ttl(const mongouri_resolve_report *report)
{
    return report == NULL ? 0 : report->srv_min_ttl;
}

int64_t mongouri_resolve_report_rescan_ms(const mongouri_resolve_report *report)
{
    uint32_t ttl = mongouri_resolve_report_srv_ttl(report);

    /* The lowest TTL, never below 60 s; 60 s when no TTL is known. */
    return (int64_t)(ttl > MIN_RESCAN_S ? ttl : MIN_RESCAN_S) * 1000;
}

/* ------------------------------------------------------------------------ */
/* Answers: a bounded walk over the message (parsed inside the callbacks:    */
/* the buffer dies with them)                                                */
/* ------------------------------------------------------------------------ */

static const char *rcode_name(int rcode)
{
    static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                        "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                        "NXRRSET", "NOTAUTH", "NOTZONE"};

    return rcode >= 0 && rcode < (int)(sizeof names / sizeof names[0]) ? names[rcode] : NULL;
}

static const char *outcome_of(int status)
{
    switch (status) {
    case ARES_SUCCESS:
        return "NOERROR";
    case ARES_ENODATA:
        return "NODATA";
    case ARES_ENOTFOUND:
        return "NXDOMAIN";
    case ARES_ESERVFAIL:
        return "SERVFAIL";
    case ARES_EREFUSED:
        return "REFUSED";
    case ARES_ENOTIMP:
        return "NOTIMP";
    case ARES_EFORMERR:
        return "FORMERR";
    case ARES_ETIMEOUT:
        return "timeout";
    case ARES_ECONNREFUSED:
        return "unreachable";
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        return "deadline";
    case ARES_EBADRESP:
        return "malformed";
    case ARES_ENOMEM:
        return "out-of-memory";
    case ST_NOT_RESPONSE:
        return "not-a-response";
    case ST_TRUNCATED:
        return "truncated";
    default:
        return "error";
    }
}

static void set_outcome(struct report_query *q, int status, int rcode)
{
    q->status = status;
    q->rcode = rcode;
    if (status == ST_RCODE) {
        const char *n = rcode_name(rcode);

        if (n != NULL)
            snprintf(q->outcome_buf, sizeof q->outcome_buf, "%s", n);
        else
            snprintf(q->outcome_buf, sizeof q->outcome_buf, "RCODE %d", rcode);
        q->outcome = q->outcome_buf;
    } else {
        q->outcome = outcome_of(status);
    }
}

struct seed {
    char *host;
    uint16_t port;
};

static int seed_cmp(const void *a, const void *b)
{
    const struct seed *x = a, *y = b;
    int c = strcmp(x->host, y->host);

    if (c != 0)
        return c;
    return (x->port > y->port) - (x->port < y->port);
}

/* One resource record of the answer section. */
struct rr {
    char *owner; /* lower case, no trailing dot (c-ares' escaped text) */
    unsigned type;
    uint32_t ttl;
    const unsigned char *rdata;
    size_t rdlen;
};

/* Equal DNS names in text form: ASCII case-insensitive, trailing dots ignored. */
static bool same_name(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);

    while (na > 0 && a[na - 1] == '.')
        na--;
    while (nb > 0 && b[nb - 1] == '.')
        nb--;
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

/* Expand the name at `p` (c-ares: compression, loop and bound checks);
 * `*len` receives its encoded length. Returns ARES_*. */
static int expand_name(const unsigned char *p, const unsigned char *abuf, int alen, char **out,
                       long *len)
{
    char *s = NULL;
    int rc = ares_expand_name(p, abuf, alen, &s, len);
    char *copy;

    if (rc != ARES_SUCCESS)
        return rc == ARES_ENOMEM ? ARES_ENOMEM : ARES_EBADRESP;
    copy = dup_dns_name(s, strlen(s));
    ares_free_string(s);
    if (copy == NULL)
        return ARES_ENOMEM;
    *out = copy;
    return ARES_SUCCESS;
}

/* Skip one encoded name (bounds only; expand_name reads the ones we use). */
static bool skip_name(const unsigned char *abuf, size_t alen, size_t *at)
{
    size_t p = *at;

    for (int labels = 0; labels < 128; labels++) {
        unsigned len;

        if (p >= alen)
            return false;
        len = abuf[p];
        if ((len & 0xC0) == 0xC0) {
            if (p + 2 > alen)
                return false;
            *at = p + 2;
            return true;
        }
        if (len & 0xC0)
            return false;
        p++;
        if (len == 0) {
            *at = p;
            return true;
        }
        p += len;
    }
    return false;
}

typedef struct walk {
    struct rr *rrs;
    size_t n;
    char *chain[MAX_CNAMES + 1]; /* the queried name, then each CNAME target */
    size_t nchain;
} walk;

static void walk_free(walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->rrs[i].owner);
    free(w->rrs);
    for (size_t i = 0; i < w->nchain; i++)
        free(w->chain[i]);
    memset(w, 0, sizeof *w);
}

static bool in_chain(const walk *w, const char *owner)
{
    for (size_t i = 0; i < w->nchain; i++)
        if (same_name(w->chain[i], owner))
            return true;
    return false;
}

/*
 * Read the answer section of `abuf` and follow the CNAME chain from `qname`.
 * Returns ARES_SUCCESS, ARES_ENOMEM, or ARES_EBADRESP with q->bad set.
 */
static int walk_answer(walk *w, struct report_query *q, const unsigned char *abuf, int alen,
                       const char *qname)
{
    size_t at = HFIXEDSZ, n = (size_t)alen;
    unsigned qd = DNS_HEADER_QDCOUNT(abuf), an = DNS_HEADER_ANCOUNT(abuf);
    int rc;

    memset(w, 0, sizeof *w);
    if (qd != 1) {
        snprintf(q->bad, sizeof q->bad, "%u questions instead of 1", qd);
        return ARES_EBADRESP;
    }
    if (!skip_name(abuf, n, &at) || at + QFIXEDSZ > n) {
        snprintf(q->bad, sizeof q->bad, "the question section is cut short");
        return ARES_EBADRESP;
    }
    at += QFIXEDSZ;
    /* Every record takes at least 11 bytes: no count can make us allocate more. */
    if (an > (n - at) / 11) {
        snprintf(q->bad, sizeof q->bad, "it claims %u answer records in %zu bytes", an, n - at);
        return ARES_EBADRESP;
    }
    w->rrs = mongouri__dns_calloc(an ? an : 1, sizeof *w->rrs);
    w->chain[0] = dup_dns_name(qname, strlen(qname));
    if (w->rrs == NULL || w->chain[0] == NULL) {
        free(w->chain[0]);
        w->chain[0] = NULL;
        return ARES_ENOMEM;
    }
    w->nchain = 1;
    for (unsigned i = 0; i < an; i++) {
        struct rr *r = &w->rrs[w->n];
        long len = 0;

        rc = expand_name(abuf + at, abuf, alen, &r->owner, &len);
        if (rc != ARES_SUCCESS) {
            snprintf(q->bad, sizeof q->bad, "the owner name of answer record %u is invalid", i + 1);
            return rc;
        }
        w->n++;
        at += (size_t)len;
        if (at + RRFIXEDSZ > n) {
            snprintf(q->bad, sizeof q->bad, "answer record %u is cut short", i + 1);
            return ARES_EBADRESP;
        }
        r->type = DNS_RR_TYPE(abuf + at);
        r->ttl = (uint32_t)DNS__32BIT(abuf + at + 4);
        r->rdlen = DNS_RR_LEN(abuf + at);
        at += RRFIXEDSZ;
        if (r->rdlen > n - at) {
            snprintf(q->bad, sizeof q->bad,
                     "answer record %u has %zu bytes of data past the "
                     "end of the message",
                     i + 1, r->rdlen - (n - at));
            return ARES_EBADRESP;
        }
        if (DNS_RR_CLASS(abuf + at - RRFIXEDSZ) != ns_c_in)
            r->type = 0; /* not class IN: never used */
        r->rdata = abuf + at;
        at += r->rdlen;
    }
    /* The CNAME chain, in whatever order its records came. */
    for (bool grown = true; grown && w->nchain <= MAX_CNAMES;) {
        grown = false;
        for (size_t i = 0; i < w->n && w->nchain <= MAX_CNAMES; i++) {
            struct rr *r = &w->rrs[i];
            char *target = NULL;
            long len = 0;

            if (r->type != ns_t_cname || !same_name(r->owner, w->chain[w->nchain - 1]))
                continue;
            rc = expand_name(r->rdata, abuf, alen, &target, &len);
            if (rc != ARES_SUCCESS || (size_t)len > r->rdlen) {
                free(target);
                if (rc == ARES_ENOMEM)
                    return rc;
                snprintf(q->bad, sizeof q->bad, "the CNAME record of \"%.100s\" is invalid",
                         r->owner);
                return ARES_EBADRESP;
            }
            if (in_chain(w, target)) { /* a loop: stop following */
                free(target);
                continue;
            }
            w->chain[w->nchain++] = target;
            grown = true;
            break;
        }
    }
    return ARES_SUCCESS;
}

/* Min of two TTLs, where 0 in `cur` means none yet. */
static uint32_t min_ttl(uint32_t cur, uint32_t ttl, bool first)
{
    return first || ttl < cur ? ttl : cur;
}

static int parse_srv(mongouri_resolve_report *r, struct report_query *q, const unsigned char *abuf,
                     int alen)
{
    struct seed *seeds = NULL;
    size_t n = 0, i;
    walk w;
    int rc;

    rc = walk_answer(&w, q, abuf, alen, q->name);
    if (rc != ARES_SUCCESS)
        goto out;
    seeds = mongouri__dns_calloc(w.n ? w.n : 1, sizeof *seeds);
    if (seeds == NULL) {
        rc = ARES_ENOMEM;
        goto out;
    }
    for (i = 0; i < w.n; i++) {
        const struct rr *x = &w.rrs[i];
        long len = 0;

        if (x->type != ns_t_srv)
            continue;
        if (!in_chain(&w, x->owner)) {
            q->ignored++; /* a record of another name: never a seed */
            continue;
        }
        if (x->rdlen < 7) {
            snprintf(q->bad, sizeof q->bad,
                     "an SRV record of \"%.100s\" has %zu bytes of data "
                     "(at least 7 needed)",
                     x->owner, x->rdlen);
            rc = ARES_EBADRESP;
            goto out;
        }
        rc = expand_name(x->rdata + 6, abuf, alen, &seeds[n].host, &len);
        if (rc == ARES_SUCCESS && (size_t)len > x->rdlen - 6) {
            free(seeds[n].host);
            rc = ARES_EBADRESP;
        }
        if (rc != ARES_SUCCESS) {
            if (rc == ARES_EBADRESP)
                snprintf(q->bad, sizeof q->bad,
                         "the target of an SRV record of \"%.100s\" is "
                         "not a valid encoded name",
                         x->owner);
            goto out;
        }
        seeds[n].port = (uint16_t)DNS__16BIT(x->rdata + 4);
        r->srv_min_ttl = min_ttl(r->srv_min_ttl, x->ttl, n == 0);
        n++;
    }
    q->records = n;
    if (n == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    r->srv_targets = mongouri__dns_calloc(n, sizeof *r->srv_targets);
    r->srv_ports = mongouri__dns_calloc(n, sizeof *r->srv_ports);
    if (r->srv_targets == NULL || r->srv_ports == NULL) {
        free(r->srv_targets);
        free(r->srv_ports);
        r->srv_targets = NULL;
        r->srv_ports = NULL;
        rc = ARES_ENOMEM;
        goto out;
    }
    qsort(seeds, n, sizeof *seeds, seed_cmp);
    for (i = 0; i < n; i++) {
        r->srv_targets[i] = seeds[i].host;
        r->srv_ports[i] = seeds[i].port;
        seeds[i].host = NULL;
    }
    r->nsrv = n;
    rc = ARES_SUCCESS;
out:
    if (rc != ARES_SUCCESS && rc != ARES_ENODATA)
        r->srv_min_ttl = 0;
    if (seeds != NULL)
        for (i = 0; i < n; i++)
            free(seeds[i].host);
    free(seeds);
    walk_free(&w);
    if (rc == ARES_ENOMEM)
        r->oom = true;
    return rc;
}

/* The record for display: valid UTF-8 kept, every other byte (and NUL) as \xHH. */
static char *shown_txt(const char *s, size_t n)
{
    char *out = mongouri__dns_malloc(n * 4 + 1), *o = out;
    size_t i = 0, bad;

    if (out == NULL)
        return NULL;
    while (i < n) {
        size_t k;

        if (mongouri__utf8_valid(s + i, n - i, &bad))
            bad = n - i;
        for (k = 0; k < bad; k++) {
            if (s[i + k] == '\0')
                break;
            *o++ = s[i + k];
        }
        i += k;
        if (i < n) {
            snprintf(o, 5, "\\x%02X", (unsigned char)s[i]);
            o += 4;
            i++;
        }
    }
    *o = '\0';
    return out;
}

static int parse_txt(mongouri_resolve_report *r, struct report_query *q, const unsigned char *abuf,
                     int alen)
{
    size_t records = 0, len = 0, i;
    const struct rr *first = NULL;
    walk w;
    int rc;

    rc = walk_answer(&w, q, abuf, alen, q->name);
    if (rc != ARES_SUCCESS)
        goto out;
    for (i = 0; i < w.n; i++) {
        const struct rr *x = &w.rrs[i];
        size_t at = 0;

        if (x->type != ns_t_txt)
            continue;
        if (!in_chain(&w, x->owner)) {
            q->ignored++;
            continue;
        }
        /* character-strings: <length><bytes>..., exactly filling the data */
        while (at < x->rdlen) {
            size_t k = x->rdata[at];

            if (k > x->rdlen - at - 1) {
                snprintf(q->bad, sizeof q->bad,
                         "a character-string of a TXT record of "
                         "\"%.80s\" runs past its record",
                         x->owner);
                rc = ARES_EBADRESP;
                goto out;
            }
            if (records == 0)
                len += k;
            at += 1 + k;
        }
        if (records++ == 0)
            first = x;
    }
    q->records = records;
    if (records == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    r->txt = mongouri__dns_malloc(len + 1);
    if (r->txt == NULL) {
        rc = ARES_ENOMEM;
        goto out;
    }
    len = 0;
    for (i = 0; i < first->rdlen;) {
        size_t k = first->rdata[i];

        memcpy(r->txt + len, first->rdata + i + 1, k);
        len += k;
        i += 1 + k;
    }
    r->txt[len] = '\0';
    r->txt_len = len; /* may differ from strlen() when the record holds a NUL */
    r->txt_shown = shown_txt(r->txt, len);
    if (r->txt_shown == NULL)
        rc = ARES_ENOMEM;
out:
    walk_free(&w);
    if (rc == ARES_ENOMEM)
        r->oom = true;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* The engine: each server in turn, both queries in flight together          */
/* ------------------------------------------------------------------------ */

typedef struct engine engine;

struct qstate {
    engine *e;
    int k;               /* Q_SRV or Q_TXT */
    unsigned char *qbuf; /* the query message (ares_create_query) */
    int qlen;
    bool active;   /* sent to the current server, no outcome yet */
    bool final;    /* outcome settled */
    bool tcp;      /* the current attempt is over TCP */
    int servfails; /* SERVFAIL answers from the current server */
    double t0;
};

struct engine {
    mongouri_resolve_report *r;
    const resolve_cfg *cfg;
    struct ares_addr_port_node servers[MAX_SERVERS];
    size_t nservers, cur;
    char cur_name[64];
    ares_channel udp, tcp;
    int nq;
    struct qstate qs[Q_COUNT];
    unsigned long failures0; /* this thread's failed allocations when the resolution started */
};

static void server_name(char *dst, size_t cap, const struct ares_addr_port_node *p)
{
    char ip[INET6_ADDRSTRLEN];

    if (inet_ntop(p->family,
                  p->family == AF_INET6 ? (const void *)&p->addr.addr6
                                        : (const void *)&p->addr.addr4,
                  ip, sizeof ip) == NULL)
        snprintf(ip, sizeof ip, "?");
    snprintf(dst, cap, p->family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip,
             p->udp_port > 0 ? p->udp_port : NS_DEFAULTPORT);
}

static void add_attempt(struct report_query *q, const char *server, const char *what)
{
    size_t used = strlen(q->attempts);

    if (used + 1 < sizeof q->attempts)
        snprintf(q->attempts + used, sizeof q->attempts - used, "%s%s %s", used > 0 ? ", " : "",
                 server, what);
}

static void send_query(struct qstate *qs);

/* The query's attempt on this server is over with `status`. */
static void query_ends(struct qstate *qs, int status, int rcode)
{
    engine *e = qs->e;
    struct report_query *q = &e->r->q[qs->k];
    bool settles;

    set_outcome(q, status, rcode);
    snprintf(q->server, sizeof q->server, "%s", e->cur_name);
    add_attempt(q, e->cur_name, q->outcome);
    qs->active = false;
    q->done = true;
    /* An answer (records, NODATA, NXDOMAIN), no memory or no time left
     * settles it; any other failure is this server's: ask the next one. */
    settles = status == ARES_SUCCESS || status == ARES_ENODATA || status == ARES_ENOTFOUND ||
              status == ARES_ENOMEM || status == ARES_ECANCELLED || status == ARES_EDESTRUCTION ||
              e->cur + 1 >= e->nservers;
    qs->final = settles;
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct qstate *qs = arg;
    engine *e = qs->e;
    mongouri_resolve_report *r = e->r;
    struct report_query *q = &r->q[qs->k];
    int rcode;

    q->ms = mongouri__clock_ms() - qs->t0;
    q->timeouts += timeouts;
    if (status != ARES_SUCCESS) {
        if (qs->tcp && q->truncated && status != ARES_ECANCELLED && status != ARES_EDESTRUCTION &&
            status != ARES_ENOMEM) {
            q->detail = status;
            status = ST_TRUNCATED;
        }
        query_ends(qs, status, 0);
        return;
    }
    if (abuf == NULL || alen < HFIXEDSZ) {
        snprintf(q->bad, sizeof q->bad, "the answer is %d bytes long", alen);
        query_ends(qs, ARES_EBADRESP, 0);
        return;
    }
    if (!DNS_HEADER_QR(abuf)) {
        query_ends(qs, ST_NOT_RESPONSE, 0);
        return;
    }
    if (DNS_HEADER_TC(abuf) && !qs->tcp) {
        /* Truncated over UDP: the same question over TCP, on this server. */
        add_attempt(q, e->cur_name, "truncated (UDP), retried over TCP");
        q->truncated = true;
        qs->tcp = true;
        send_query(qs);
        return;
    }
    rcode = DNS_HEADER_RCODE(abuf);
    switch (rcode) {
    case NOERROR:
        /* Records from an earlier server's failed parse are gone by now. */
        q->records = 0;
        q->ignored = 0;
        q->bad[0] = '\0';
        status = qs->k == Q_SRV ? parse_srv(r, q, abuf, alen) : parse_txt(r, q, abuf, alen);
        query_ends(qs, status, 0);
        return;
    case SERVFAIL:
        if (qs->servfails++ == 0 && mongouri__clock_ms() < qs->t0 + e->cfg->deadline_ms) {
            add_attempt(q, e->cur_name, "SERVFAIL, retried");
            send_query(qs); /* a temporary failure: once more */
            return;
        }
        query_ends(qs, ARES_ESERVFAIL, rcode);
        return;
    case NXDOMAIN:
        query_ends(qs, ARES_ENOTFOUND, rcode);
        return;
    case REFUSED:
        query_ends(qs, ARES_EREFUSED, rcode);
        return;
    case NOTIMP:
        query_ends(qs, ARES_ENOTIMP, rcode);
        return;
    case FORMERR:
        query_ends(qs, ARES_EFORMERR, rcode);
        return;
    default:
        query_ends(qs, ST_RCODE, rcode);
        return;
    }
}

static void send_query(struct qstate *qs)
{
    engine *e = qs->e;

    ares_send(qs->tcp ? e->tcp : e->udp, qs->qbuf, qs->qlen, on_reply, qs);
}

static int channel_init(ares_channel *ch, const resolve_cfg *cfg, int flags)
{
    struct ares_options o;

    memset(&o, 0, sizeof o);
    o.timeout = cfg->timeout_ms;
    o.tries = cfg->tries;
    o.flags = flags;
    return ares_init_options(ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
}

static mongouri_status setup_error(mongouri_error *err, int rc)
{
    if (rc == ARES_ENOMEM)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    return mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                               "the DNS resolver could not be set up: %s", ares_strerror(rc));
}

/* The configured servers (or the system's), in order, and their names. */
static mongouri_status load_servers(engine *e, char *names, size_t cap, mongouri_error *err)
{
    ares_channel ch = NULL;
    struct ares_addr_port_node *list = NULL;
    const struct ares_addr_port_node *p;
    size_t used = 0;
    mongouri_status st;
    int rc;

    rc = mongouri__ares_init();
    if (rc != ARES_SUCCESS)
        return mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                   "c-ares could not be initialized: %s", ares_strerror(rc));
    rc = channel_init(&ch, e->cfg, ARES_FLAG_NOSEARCH);
    if (rc != ARES_SUCCESS)
        return setup_error(err, rc);
    if (e->cfg->dns_servers != NULL) {
        rc = ares_set_servers_ports_csv(ch, e->cfg->dns_servers);
        if (rc == ARES_EBADSTR || rc == ARES_ENODATA) {
            st = mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                     0,
                                     "DNS servers \"%.100s\" are not a comma-separated "
                                     "list of IP or IP:PORT (host names are not accepted)",
                                     e->cfg->dns_servers);
            goto out;
        }
    }
    if (rc == ARES_SUCCESS)
        rc = ares_get_servers_ports(ch, &list);
    if (rc != ARES_SUCCESS) {
        st = setup_error(err, rc);
        goto out;
    }
    e->nservers = 0;
    names[0] = '\0';
    for (p = list; p != NULL; p = p->next) {
        char name[64];

        if (e->nservers == MAX_SERVERS) {
            st = mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                     0, "more than %d DNS servers", MAX_SERVERS);
            goto out;
        }
        e->servers[e->nservers] = *p;
        e->servers[e->nservers].next = NULL;
        e->nservers++;
        server_name(name, sizeof name, p);
        if (used < cap)
            used += (size_t)snprintf(names + used, cap - used, "%s%s", used > 0 ? ", " : "", name);
    }
    if (e->nservers == 0) {
        snprintf(names, cap, "(none)");
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                 "no DNS server is configured");
        goto out;
    }
    st = MONGOURI_OK;
out:
    if (list != NULL)
        ares_free_data(list);
    ares_destroy(ch);
    return st;
}

/* UDP and TCP channels on server `e->cur` alone; c-ares passes every RCODE
 * through (NOCHECKRESP) and leaves truncation to us (IGNTC). */
static int open_channels(engine *e)
{
    const int base = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
    int rc;

    server_name(e->cur_name, sizeof e->cur_name, &e->servers[e->cur]);
    rc = channel_init(&e->udp, e->cfg, base | ARES_FLAG_IGNTC);
    if (rc == ARES_SUCCESS)
        rc = ares_set_servers_ports(e->udp, &e->servers[e->cur]);
    if (rc == ARES_SUCCESS)
        rc = channel_init(&e->tcp, e->cfg, base | ARES_FLAG_USEVC);
    if (rc == ARES_SUCCESS)
        rc = ares_set_servers_ports(e->tcp, &e->servers[e->cur]);
    return rc;
}

static void close_channels(engine *e)
{
    if (e->udp != NULL)
        ares_destroy(e->udp);
    if (e->tcp != NULL)
        ares_destroy(e->tcp);
    e->udp = NULL;
    e->tcp = NULL;
}

static bool any_active(const engine *e)
{
    for (int k = 0; k < e->nq; k++)
        if (e->qs[k].active)
            return true;
    return false;
}

static bool memory_ran_out(const engine *e)
{
    return mongouri__dns_alloc_failures() != e->failures0 || e->r->oom;
}

static bool engine_go_on(void *arg)
{
    const engine *e = arg;

    return any_active(e) && !memory_ran_out(e);
}

/*
 * Run both channels until no query is active, the deadline passes (the
 * pending queries are then cancelled), or memory ran out. Returns false only
 * when poll() itself fails.
 */
static bool run_channels(engine *e, double deadline)
{
    mongouri__ares_loop loop;
    mongouri__ares_loop_end end;
    int saved;

    memset(&loop, 0, sizeof loop);
    loop.channels[0] = e->udp;
    loop.channels[1] = e->tcp;
    loop.deadline_ms = (int64_t)deadline;
    loop.max_wait_ms = 100; /* an allocation failure is noticed quickly */
    loop.go_on = engine_go_on;
    loop.arg = e;
    end = mongouri__ares_loop_run(&loop);
    saved = errno;
    /* The queries still pending (none when every one has its outcome): the
     * callbacks run now, with ARES_ECANCELLED. */
    ares_cancel(e->udp);
    ares_cancel(e->tcp);
    errno = saved;
    return end != MONGOURI__ARES_LOOP_FAILED;
}

/*
 * Ask every query of `e` (names already in the report), server after server,
 * until each has an answer or no server is left. Fills the report.
 */
static mongouri_status run_engine(engine *e, double t0, mongouri_error *err)
{
    mongouri_resolve_report *r = e->r;
    const double deadline = t0 + e->cfg->deadline_ms;
    mongouri_status st = MONGOURI_OK;
    char qname[QUERY_NAME_CAP + 1];
    int k, rc;

    e->failures0 = mongouri__dns_alloc_failures();
    r->nqueries = (size_t)e->nq;
    for (k = 0; k < e->nq; k++) {
        struct qstate *qs = &e->qs[k];

        qs->e = e;
        qs->k = k;
        qs->t0 = t0;
        r->q[k].status = ARES_ECANCELLED; /* until a callback says otherwise */
        r->q[k].outcome = "deadline";
        /* Absolute names: never a search domain appended. */
        snprintf(qname, sizeof qname, "%s.", r->q[k].name);
        rc = ares_create_query(qname, ns_c_in, k == Q_SRV ? ns_t_srv : ns_t_txt, 0, 1, &qs->qbuf,
                               &qs->qlen, 0);
        if (rc != ARES_SUCCESS) {
            st = rc == ARES_ENOMEM
                     ? setup_error(err, rc)
                     : mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_SRV_HOST, NULL, -1, 0,
                                           "\"%.100s\" is not a name DNS can "
                                           "ask for",
                                           r->q[k].name);
            goto out;
        }
    }
    for (e->cur = 0; e->cur < e->nservers; e->cur++) {
        bool pending = false;

        for (k = 0; k < e->nq; k++)
            pending = pending || !e->qs[k].final;
        if (!pending || mongouri__clock_ms() >= deadline)
            break;
        rc = open_channels(e);
        if (rc != ARES_SUCCESS) {
            st = setup_error(err, rc);
            goto out;
        }
        for (k = 0; k < e->nq; k++) {
            struct qstate *qs = &e->qs[k];

            if (qs->final)
                continue;
            qs->active = true;
            qs->tcp = false;
            qs->servfails = 0;
            r->q[k].truncated = false;
            send_query(qs);
        }
        if (!run_channels(e, deadline)) {
            st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                     "waiting for the DNS answers failed: %s", strerror(errno));
            goto out;
        }
        close_channels(e); /* nothing is pending */
        if (memory_ran_out(e))
            break;
    }
    /* Memory that ran out anywhere during the resolution (in c-ares too,
     * which then drops the answer) is the failure, not what it looked like. */
    if (memory_ran_out(e))
        for (k = 0; k < e->nq; k++)
            if (r->q[k].status != ARES_SUCCESS && r->q[k].status != ARES_ENODATA &&
                r->q[k].status != ARES_ENOTFOUND)
                set_outcome(&r->q[k], ARES_ENOMEM, 0);
    for (k = 0; k < e->nq; k++) {
        if (r->q[k].server[0] == '\0')
            snprintf(r->q[k].server, sizeof r->q[k].server, "%s",
                     e->nservers > 0 ? e->cur_name : "(none)");
        if (r->q[k].status == ARES_ENOMEM)
            r->oom = true;
    }
out:
    close_channels(e);
    for (k = 0; k < e->nq; k++)
        if (e->qs[k].qbuf != NULL)
            ares_free_string(e->qs[k].qbuf);
    r->total_ms = mongouri__clock_ms() - t0;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Errors that say what was asked, of whom, and what came back               */
/* ------------------------------------------------------------------------ */

static const char *detail_of(int status)
{
    switch (status) {
    case ARES_ECONNREFUSED:
        return "the connection was refused or reset";
    case ARES_ETIMEOUT:
        return "no answer over TCP either";
    case ARES_EBADRESP:
        return "the TCP answer was malformed";
    default:
        return ares_strerror(status);
    }
}

static mongouri_status query_error(mongouri_error *err, const mongouri__host *h,
                                   const mongouri_resolve_report *r, int i, const resolve_cfg *cfg,
                                   bool several_servers)
{
    const struct report_query *q = &r->q[i];
    const char *t = q->type, *name = q->name, *srv = q->server;
    const long off = h->offset, len = h->length;
    const double ms = q->ms;
    mongouri_status st;

    switch (q->status) {
    case ARES_ENOTFOUND:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_NXDOMAIN, NULL, off, len,
                                 "%s query for \"%s\" against %s: NXDOMAIN, the name does not "
                                 "exist (%.0f ms)",
                                 t, name, srv, ms);
        mongouri__error_hint(err, "check the host name: a mongodb+srv host needs SRV records "
                                  "at _<srvServiceName>._tcp.<host>");
        break;
    case ARES_ENODATA:
        if (q->ignored > 0)
            st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS, NULL, off, len,
                                     "%s query for \"%s\" against %s: no %s record of "
                                     "that name; %zu record(s) of other names in the answer "
                                     "are ignored (%.0f ms)",
                                     t, name, srv, t, q->ignored, ms);
        else
            st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS, NULL, off, len,
                                     "%s query for \"%s\" against %s: the name has no %s "
                                     "records (NODATA, %.0f ms)",
                                     t, name, srv, t, ms);
        mongouri__error_hint(err, "check the host name and srvServiceName, or use mongodb:// "
                                  "with the host list");
        break;
    case ARES_ETIMEOUT:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT, NULL, off, len,
                                 "%s query for \"%s\" against %s: no answer, timed out after "
                                 "%.0f ms (%d tries, first-try timeout %d ms)",
                                 t, name, srv, ms, cfg->tries, cfg->timeout_ms);
        mongouri__error_hint(err, "check that the DNS server is reachable, or raise the "
                                  "timeout or the tries");
        break;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT, NULL, off, len,
                                 "%s query for \"%s\" against %s: no answer within the %d ms "
                                 "deadline (timed out after %.0f ms)",
                                 t, name, srv, cfg->deadline_ms, ms);
        mongouri__error_hint(err, "check that the DNS server is reachable, or raise the "
                                  "deadline");
        break;
    case ARES_ECONNREFUSED:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED, NULL, off, len,
                                 "%s query for \"%s\" against %s: connection refused, no DNS "
                                 "server is listening there (%.0f ms)",
                                 t, name, srv, ms);
        mongouri__error_hint(err, "check the DNS server address and port");
        break;
    case ST_TRUNCATED:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: the UDP answer was truncated "
                                 "and the retry over TCP failed: %s (%.0f ms)",
                                 t, name, srv, detail_of(q->detail), ms);
        mongouri__error_hint(err, "the answer is too large for UDP: the DNS server (or a "
                                  "firewall) must accept DNS over TCP on port 53");
        break;
    case ST_NOT_RESPONSE:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: the reply is not a response "
                                 "(QR bit clear), so it is not used (%.0f ms)",
                                 t, name, srv, ms);
        mongouri__error_hint(err, "something other than a DNS server answers on that port");
        break;
    case ARES_EBADRESP:
        st =
            mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                "%s query for \"%s\" against %s: malformed answer, %s; it is "
                                "not used (%.0f ms)",
                                t, name, srv, q->bad[0] != '\0' ? q->bad : "it does not parse", ms);
        break;
    case ARES_EREFUSED:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED, NULL, off, len,
                                 "%s query for \"%s\" against %s: the server refused the query "
                                 "(REFUSED, %.0f ms)",
                                 t, name, srv, ms);
        mongouri__error_hint(err, "this server does not answer for that name; use a resolver "
                                  "that does");
        break;
    case ARES_ESERVFAIL:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: SERVFAIL twice, the server "
                                 "could not answer (%.0f ms)",
                                 t, name, srv, ms);
        mongouri__error_hint(err, "a DNS failure upstream of that server; try again later or "
                                  "ask another resolver");
        break;
    case ARES_EFORMERR:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: FORMERR, the server could "
                                 "not read the query (%.0f ms)",
                                 t, name, srv, ms);
        break;
    case ARES_ENOTIMP:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: NOTIMP, the server does not "
                                 "implement %s queries (%.0f ms)",
                                 t, name, srv, t, ms);
        break;
    case ST_RCODE:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: RCODE %d (%s), not an answer "
                                 "(%.0f ms)",
                                 t, name, srv, q->rcode,
                                 rcode_name(q->rcode) != NULL ? rcode_name(q->rcode) : "unassigned",
                                 ms);
        break;
    case ARES_ENOMEM:
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory while handling the DNS answers");
    default:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s failed: %s (%s, %.0f ms)", t, name,
                                 srv, ares_strerror(q->status), q->outcome, ms);
        break;
    }
    if (several_servers && err != NULL && st != MONGOURI_E_NOMEM) {
        /* Which servers were asked, in order, and what each said. */
        char hint[sizeof err->hint];

        snprintf(hint, sizeof hint, "servers asked in order: %.200s", q->attempts);
        snprintf(err->hint, sizeof err->hint, "%s", hint);
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Seedlist rules                                                            */
/* ------------------------------------------------------------------------ */

/*
 * The parent domain of an SRV host: everything after the first label when
 * the host has three labels or more, the whole host when it has one or two.
 */
static const char *parent_domain(const char *host)
{
    const char *dot = strchr(host, '.');

    if (dot != NULL && strchr(dot + 1, '.') != NULL)
        return dot + 1;
    return host;
}

/* `target` (lower-case, no trailing dot) ends with "." + domain. */
static bool in_domain(const char *target, const char *domain)
{
    size_t t = strlen(target), d = strlen(domain);

    return t > d + 1 && target[t - d - 1] == '.' && memcmp(target + t - d, domain, d) == 0;
}

/*
 * An SRV target as a seed: a URI host name (the parser's rules: c-ares's
 * escapes "\\000", "\\." and any byte outside letters, digits and "-._~" are
 * refused; a DNS name of labels of 1 to 63, at most 253 characters, without
 * the trailing dot a URI host may have), inside the parent domain. On
 * refusal `why` says why and the result is the diagnosis.
 */
static mongouri_diag check_target(const char *target, const char *domain, char *why, size_t cap)
{
    mongouri_error e;
    size_t n = strlen(target);

    if (n == 0) {
        snprintf(why, cap, "the target \".\" means no service");
        return MONGOURI_D_BAD_HOST;
    }
    if (mongouri__check_srv_target(target, n, &e) != MONGOURI_OK) {
        snprintf(why, cap, "not a host name: %.150s", e.message);
        return e.code == MONGOURI_D_NOMEM ? MONGOURI_D_NOMEM : MONGOURI_D_BAD_HOST;
    }
    if (!in_domain(target, domain)) {
        snprintf(why, cap, "not inside the parent domain \"%s\"", domain);
        return MONGOURI_D_SRV_PARENT_DOMAIN;
    }
    return MONGOURI_D_NONE;
}

/* Unique seeds of the sorted SRV answer; port 0 means the default port. */
static size_t collect_seeds(const mongouri_resolve_report *r, const char **hosts, uint16_t *ports)
{
    size_t i, n = 0;

    for (i = 0; i < r->nsrv; i++) {
        uint16_t port = r->srv_ports[i] != 0 ? r->srv_ports[i] : 27017;

        if (n > 0 && strcmp(hosts[n - 1], r->srv_targets[i]) == 0 && ports[n - 1] == port)
            continue;
        hosts[n] = r->srv_targets[i];
        ports[n] = port;
        n++;
    }
    return n;
}

/* Shown in a message: a long target cut, an empty one as ".". */
static const char *shown_target(const char *t)
{
    return t[0] != '\0' ? t : ".";
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

/* The SRV host of `uri` (lower case, no trailing dot) and the query names. */
static mongouri_status prepare(mongouri_resolve_report *r, const mongouri_uri *uri, char **host,
                               mongouri_error *err)
{
    const mongouri__host *h = &uri->hosts[0];
    const char *service = NULL;

    *host = dup_dns_name(h->host, strlen(h->host));
    if (*host == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    if ((*host)[0] == '\0' || strlen(*host) > DNS_NAME_MAX)
        return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_SRV_HOST, NULL, h->offset,
                                   h->length,
                                   "the mongodb+srv host \"%.100s\" is not a DNS "
                                   "name of 1 to %d characters",
                                   h->host, DNS_NAME_MAX);
    if (mongouri_uri_get_string(uri, "srvServiceName", &service) != MONGOURI_OK ||
        service == NULL || service[0] == '\0')
        service = "mongodb";
    snprintf(r->q[Q_SRV].type, sizeof r->q[Q_SRV].type, "SRV");
    snprintf(r->q[Q_TXT].type, sizeof r->q[Q_TXT].type, "TXT");
    snprintf(r->q[Q_SRV].name, sizeof r->q[Q_SRV].name, "_%.63s._tcp.%s", service, *host);
    snprintf(r->q[Q_TXT].name, sizeof r->q[Q_TXT].name, "%s", *host);
    return MONGOURI_OK;
}

static mongouri_status resolve_with(mongouri_uri **out, mongouri_resolve_report *r,
                                    const mongouri_uri *uri, const resolve_cfg *cfg,
                                    mongouri_error *err)
{
    const mongouri__host *h = &uri->hosts[0];
    const char *domain;
    mongouri__srv_answer answer;
    engine e;
    const char **hosts = NULL;
    uint16_t *ports = NULL;
    char *host = NULL;
    mongouri_status st;
    bool several;
    size_t i, bad;

    memset(&e, 0, sizeof e);
    e.r = r;
    e.cfg = cfg;
    e.nq = Q_COUNT;
    st = prepare(r, uri, &host, err);
    if (st != MONGOURI_OK)
        goto out;
    st = load_servers(&e, r->servers, sizeof r->servers, err);
    if (st != MONGOURI_OK)
        goto out;
    several = e.nservers > 1;
    st = run_engine(&e, mongouri__clock_ms(), err);
    if (st != MONGOURI_OK)
        goto out;
    if (r->oom)
        goto oom;

    /* SRV: any failure, or no record, is an error. */
    if (r->q[Q_SRV].status != ARES_SUCCESS) {
        st = query_error(err, h, r, Q_SRV, cfg, several);
        goto out;
    }
    /* Every target a valid host name inside the parent domain, or nothing is used. */
    domain = parent_domain(host);
    for (i = 0; i < r->nsrv; i++) {
        char why[200];
        mongouri_diag d = check_target(r->srv_targets[i], domain, why, sizeof why);

        if (d == MONGOURI_D_NONE)
            continue;
        if (d == MONGOURI_D_NOMEM)
            goto oom;
        st = mongouri__error_set(err, MONGOURI_E_DNS, d, NULL, h->offset, h->length,
                                 "SRV record \"%s\" port %u (from %s) is refused: %.140s; "
                                 "target \"%.120s%s\"; no seed is used",
                                 r->q[Q_SRV].name, (unsigned)r->srv_ports[i], r->q[Q_SRV].server,
                                 why, shown_target(r->srv_targets[i]),
                                 strlen(r->srv_targets[i]) > 120 ? "..." : "");
        if (d == MONGOURI_D_SRV_PARENT_DOMAIN)
            mongouri__error_hint(err,
                                 "every SRV target must end with \".%s\"; fix the SRV "
                                 "records",
                                 domain);
        else
            mongouri__error_hint(err, "an SRV target must be a plain DNS host name (letters, "
                                      "digits, '-', '.'); fix the SRV records");
        if (err != NULL)
            err->source = MONGOURI_SOURCE_TXT;
        goto out;
    }
    /* TXT: no record is no option; any other failure is an error. */
    if (r->q[Q_TXT].status != ARES_SUCCESS && r->q[Q_TXT].status != ARES_ENODATA &&
        r->q[Q_TXT].status != ARES_ENOTFOUND) {
        st = query_error(err, h, r, Q_TXT, cfg, several);
        if (err != NULL && err->hint[0] == '\0')
            mongouri__error_hint(err, "a TXT lookup that fails is an error, so that options "
                                      "from DNS are never lost silently");
        goto out;
    }
    if (r->q[Q_TXT].records > 1) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_MULTIPLE, NULL, h->offset,
                                 h->length,
                                 "TXT query for \"%s\" against %s returned %zu "
                                 "records; at most one is allowed",
                                 r->q[Q_TXT].name, r->q[Q_TXT].server, r->q[Q_TXT].records);
        mongouri__error_hint(err, "merge the options into one TXT record (k=v&k=v)");
        if (err != NULL)
            err->source = MONGOURI_SOURCE_TXT;
        goto out;
    }
    if (r->txt != NULL && strlen(r->txt) != r->txt_len) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL, h->offset,
                                 h->length, "the TXT record of \"%s\" contains a NUL byte",
                                 r->q[Q_TXT].name);
        if (err != NULL)
            err->source = MONGOURI_SOURCE_TXT;
        goto out;
    }
    if (r->txt != NULL && !mongouri__utf8_valid(r->txt, r->txt_len, &bad)) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL, h->offset,
                                 h->length,
                                 "the TXT record of \"%s\" is not valid UTF-8 "
                                 "(byte 0x%02X at offset %zu); it is refused, and shown with "
                                 "\\xHH escapes",
                                 r->q[Q_TXT].name, (unsigned char)r->txt[bad], bad);
        mongouri__error_hint(err, "a TXT record holds URI options: percent-encode any byte "
                                  "that is not UTF-8 text");
        if (err != NULL)
            err->source = MONGOURI_SOURCE_TXT;
        goto out;
    }

    hosts = calloc(r->nsrv, sizeof *hosts);
    ports = calloc(r->nsrv, sizeof *ports);
    if (hosts == NULL || ports == NULL)
        goto oom;
    answer.nseeds = collect_seeds(r, hosts, ports);
    answer.seed_hosts = hosts;
    answer.seed_ports = ports;
    answer.txt = r->txt;
    answer.random = checked_random;
    answer.random_ctx = (void *)cfg;
    st = mongouri__build(out, uri->text, uri->text_len, uri->flags, uri->keywords, &answer, err);
    goto out;
oom:
    st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                             "out of memory while handling the DNS answers");
out:
    free(hosts);
    free(ports);
    free(host);
    return st;
}

/* The checks every entry point makes on `uri`. */
static mongouri_status check_srv_uri(const mongouri_uri *uri, mongouri_error *err)
{
    if (uri->scheme != MONGOURI_SCHEME_MONGODB_SRV)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "only a mongodb+srv:// connection string is resolved");
    if (uri->resolved)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "this connection string is already resolved; resolve "
                                   "the parsed one");
    if (uri->nhosts != 1 || uri->hosts[0].type != MONGOURI_HOST_HOSTNAME)
        return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_SRV_HOST, NULL, -1, 0,
                                   "a mongodb+srv connection string needs exactly one host "
                                   "name");
    return MONGOURI_OK;
}

static mongouri_resolve_report *report_new(void)
{
    mongouri_resolve_report *r = calloc(1, sizeof *r);

    if (r != NULL)
        snprintf(r->servers, sizeof r->servers, "(none)");
    return r;
}

mongouri_status mongouri_uri_resolve_ex(mongouri_uri **out, mongouri_resolve_report **report,
                                        const mongouri_uri *uri,
                                        const mongouri_resolve_options *opts, mongouri_error *err)
{
    mongouri_resolve_report *r = NULL;
    resolve_cfg cfg;
    mongouri_status st;

    mongouri__error_clear(err);
    if (report != NULL)
        *report = NULL;
    if (out == NULL || uri == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out and uri must not be NULL");
    *out = NULL;
    st = check_srv_uri(uri, err);
    if (st != MONGOURI_OK)
        return st;
    st = load_options(&cfg, opts, err);
    if (st != MONGOURI_OK)
        return st;
    r = report_new();
    if (r == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    st = resolve_with(out, r, uri, &cfg, err);
    if (report != NULL && st != MONGOURI_E_NOMEM)
        *report = r;
    else
        mongouri_resolve_report_destroy(r);
    return st;
}

mongouri_status mongouri_uri_resolve(mongouri_uri **out, const mongouri_uri *uri,
                                     const mongouri_resolve_options *opts, mongouri_error *err)
{
    return mongouri_uri_resolve_ex(out, NULL, uri, opts, err);
}

/* ------------------------------------------------------------------------ */
/* SRV polling                                                               */
/* ------------------------------------------------------------------------ */

void mongouri_seeds_free(mongouri_seed *seeds, size_t n)
{
    if (seeds == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(seeds[i].host);
    free(seeds);
}

static bool seed_eq(const mongouri_seed *a, const mongouri_seed *b)
{
    uint16_t pa = a->port != 0 ? a->port : 27017, pb = b->port != 0 ? b->port : 27017;

    return pa == pb && same_name(a->host, b->host);
}

static bool seed_in(const mongouri_seed *s, const mongouri_seed *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (seed_eq(s, &list[i]))
            return true;
    return false;
}

static bool seed_push(mongouri_seed *list, size_t *n, const mongouri_seed *s)
{
    list[*n].host = dup_dns_name(s->host, strlen(s->host));
    if (list[*n].host == NULL)
        return false;
    list[*n].port = s->port != 0 ? s->port : 27017;
    (*n)++;
    return true;
}

mongouri_status mongouri_srv_apply(mongouri_seed **out, size_t *nout, const mongouri_seed *current,
                                   size_t ncurrent, const mongouri_seed *answer, size_t nanswer,
                                   uint32_t srv_max_hosts,
                                   uint32_t (*random)(void *ctx, uint32_t bound), void *random_ctx,
                                   mongouri_error *err)
{
    mongouri_seed *list = NULL;
    const mongouri_seed **fresh = NULL;
    size_t n = 0, nfresh = 0, i;
    resolve_cfg cfg;

    mongouri__error_clear(err);
    if (out == NULL || nout == NULL || (current == NULL && ncurrent > 0) ||
        (answer == NULL && nanswer > 0))
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out, nout, and the lists given a count must not be "
                                   "NULL");
    *out = NULL;
    *nout = 0;
    for (i = 0; i < ncurrent; i++)
        if (current[i].host == NULL)
            return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL,
                                       -1, 0, "current seed %zu has no host", i);
    for (i = 0; i < nanswer; i++)
        if (answer[i].host == NULL)
            return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL,
                                       -1, 0, "answer seed %zu has no host", i);
    list = calloc(ncurrent + nanswer + 1, sizeof *list);
    fresh = calloc(nanswer + 1, sizeof *fresh);
    if (list == NULL || fresh == NULL)
        goto oom;
    if (nanswer == 0) {
        /* A failed or empty answer never empties the list: it stays as it is. */
        for (i = 0; i < ncurrent; i++)
            if (!seed_push(list, &n, &current[i]))
                goto oom;
        goto done;
    }
    /* Hosts still present stay, in their order; the missing are dropped. */
    for (i = 0; i < ncurrent; i++)
        if (seed_in(&current[i], answer, nanswer) && !seed_in(&current[i], list, n) &&
            !seed_push(list, &n, &current[i]))
            goto oom;
    /* The new ones, each once. */
    for (i = 0; i < nanswer; i++) {
        bool dup = seed_in(&answer[i], list, n);

        for (size_t j = 0; !dup && j < nfresh; j++)
            dup = seed_eq(&answer[i], fresh[j]);
        if (!dup)
            fresh[nfresh++] = &answer[i];
    }
    cfg.random = random != NULL ? random : default_random;
    cfg.random_ctx = random_ctx;
    /* srvMaxHosts 0 (or enough room): all; else new ones at random until full. */
    for (i = 0; i < nfresh; i++) {
        size_t j = i;

        if (srv_max_hosts != 0 && n >= srv_max_hosts)
            break;
        if (srv_max_hosts != 0 && n + (nfresh - i) > srv_max_hosts) {
            const mongouri_seed *t;

            j = i + checked_random(&cfg, (uint32_t)(nfresh - i));
            t = fresh[i];
            fresh[i] = fresh[j];
            fresh[j] = t;
        }
        if (!seed_push(list, &n, fresh[i]))
            goto oom;
    }
done:
    free(fresh);
    *out = list;
    *nout = n;
    return MONGOURI_OK;
oom:
    free(fresh);
    mongouri_seeds_free(list, n);
    return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                               "out of memory");
}

struct mongouri_srv_poll_result {
    mongouri_seed *seeds; /* the new list: the current one when nothing applied */
    size_t nseeds;
    bool changed;                    /* the list differs from the current one */
    int64_t rescan_ms;               /* next rescan */
    size_t ignored;                  /* records left out */
    mongouri_error reason;           /* why the list was left alone, or the first record left out */
    mongouri_resolve_report *report; /* the SRV query; NULL for loadBalanced */
};

void mongouri_srv_poll_result_destroy(mongouri_srv_poll_result *res)
{
    if (res == NULL)
        return;
    mongouri_seeds_free(res->seeds, res->nseeds);
    mongouri_resolve_report_destroy(res->report);
    free(res);
}

size_t mongouri_srv_poll_result_seed_count(const mongouri_srv_poll_result *res)
{
    return res != NULL ? res->nseeds : 0;
}

const char *mongouri_srv_poll_result_seed_host(const mongouri_srv_poll_result *res, size_t i)
{
    return res != NULL && i < res->nseeds ? res->seeds[i].host : NULL;
}

uint16_t mongouri_srv_poll_result_seed_port(const mongouri_srv_poll_result *res, size_t i)
{
    return res != NULL && i < res->nseeds ? res->seeds[i].port : 0;
}

const mongouri_seed *mongouri_srv_poll_result_seeds(const mongouri_srv_poll_result *res)
{
    return res != NULL && res->nseeds > 0 ? res->seeds : NULL;
}

bool mongouri_srv_poll_result_changed(const mongouri_srv_poll_result *res)
{
    return res != NULL && res->changed;
}

int64_t mongouri_srv_poll_result_rescan_ms(const mongouri_srv_poll_result *res)
{
    return res != NULL ? res->rescan_ms : 10000;
}

size_t mongouri_srv_poll_result_ignored(const mongouri_srv_poll_result *res)
{
    return res != NULL ? res->ignored : 0;
}

const mongouri_error *mongouri_srv_poll_result_reason(const mongouri_srv_poll_result *res)
{
    static const mongouri_error none = {
        MONGOURI_OK, MONGOURI_D_NONE, MONGOURI_SOURCE_DEFAULT, -1, 0, "", "", ""};

    return res != NULL ? &res->reason : &none;
}

const mongouri_resolve_report *mongouri_srv_poll_result_report(const mongouri_srv_poll_result *res)
{
    return res != NULL ? res->report : NULL;
}

/* Leave the list as it is and say why; rescan after heartbeatFrequencyMS. */
static mongouri_status poll_unchanged(mongouri_srv_poll_result *res, const mongouri_uri *uri,
                                      const mongouri_seed *current, size_t ncurrent,
                                      mongouri_error *err)
{
    int64_t hb = 10000;
    mongouri_status st;

    if (mongouri_uri_get_int(uri, "heartbeatFrequencyMS", &hb) != MONGOURI_OK || hb <= 0)
        hb = 10000;
    res->rescan_ms = hb;
    res->changed = false;
    st = mongouri_srv_apply(&res->seeds, &res->nseeds, current, ncurrent, NULL, 0, 0, NULL, NULL,
                            err);
    return st;
}

static mongouri_status srv_poll(mongouri_srv_poll_result *res, const mongouri_uri *uri,
                                const mongouri_seed *current, size_t ncurrent,
                                const resolve_cfg *cfg_in, mongouri_error *err)
{
    mongouri_resolve_report *r;
    mongouri_seed *answer = NULL;
    size_t nanswer = 0, i;
    resolve_cfg cfg;
    engine e;
    char *host = NULL;
    const char *domain;
    int64_t max = 0;
    bool lb = false;
    mongouri_status st;

    cfg = *cfg_in;
    if (mongouri_uri_get_bool(uri, "loadBalanced", &lb) == MONGOURI_OK && lb) {
        mongouri__error_set(&res->reason, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                            0, "loadBalanced=true: SRV records are not polled");
        return poll_unchanged(res, uri, current, ncurrent, err);
    }
    r = report_new();
    if (r == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    res->report = r;
    memset(&e, 0, sizeof e);
    e.r = r;
    e.cfg = &cfg;
    e.nq = 1; /* a rescan asks for the SRV records only */
    st = prepare(r, uri, &host, &res->reason);
    if (st == MONGOURI_OK)
        st = load_servers(&e, r->servers, sizeof r->servers, &res->reason);
    if (st == MONGOURI_OK)
        st = run_engine(&e, mongouri__clock_ms(), &res->reason);
    if (st == MONGOURI_E_INVALID_ARG) { /* dns_servers that are no list of IP:PORT */
        free(host);
        if (err != NULL)
            *err = res->reason;
        return st;
    }
    if (st == MONGOURI_E_NOMEM || r->oom) {
        free(host);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    }
    if (st != MONGOURI_OK || r->q[Q_SRV].status != ARES_SUCCESS) {
        if (st == MONGOURI_OK)
            query_error(&res->reason, &uri->hosts[0], r, Q_SRV, &cfg, e.nservers > 1);
        free(host);
        return poll_unchanged(res, uri, current, ncurrent, err);
    }
    /* Invalid targets are left out (and counted), not an error. */
    answer = calloc(r->nsrv, sizeof *answer);
    if (answer == NULL) {
        free(host);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    }
    domain = parent_domain(host);
    for (i = 0; i < r->nsrv; i++) {
        char why[200];
        mongouri_diag d = check_target(r->srv_targets[i], domain, why, sizeof why);

        if (d != MONGOURI_D_NONE) {
            if (res->ignored++ == 0)
                mongouri__error_set(&res->reason, MONGOURI_E_DNS, d, NULL, -1, 0,
                                    "SRV record \"%s\" port %u is left out: %.140s; target "
                                    "\"%.120s\"",
                                    r->q[Q_SRV].name, (unsigned)r->srv_ports[i], why,
                                    shown_target(r->srv_targets[i]));
            continue;
        }
        answer[nanswer].host = r->srv_targets[i];
        answer[nanswer].port = r->srv_ports[i] != 0 ? r->srv_ports[i] : 27017;
        nanswer++;
    }
    free(host);
    if (nanswer == 0) {
        free(answer);
        if (res->ignored == 0)
            mongouri__error_set(&res->reason, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS, NULL, -1,
                                0, "no SRV record");
        return poll_unchanged(res, uri, current, ncurrent, err);
    }
    if (mongouri_uri_get_int(uri, "srvMaxHosts", &max) != MONGOURI_OK || max < 0)
        max = 0;
    st = mongouri_srv_apply(&res->seeds, &res->nseeds, current, ncurrent, answer, nanswer,
                            max > UINT32_MAX ? UINT32_MAX : (uint32_t)max, cfg.random,
                            cfg.random_ctx, err);
    free(answer);
    if (st != MONGOURI_OK) {
        return st;
    }
    res->rescan_ms = mongouri_resolve_report_rescan_ms(r);
    res->changed = res->nseeds != ncurrent;
    for (i = 0; !res->changed && i < ncurrent; i++)
        res->changed = !seed_in(&current[i], res->seeds, res->nseeds);
    return MONGOURI_OK;
}

/* The result is destroyed by the caller when this fails. */
mongouri_status mongouri_srv_poll(mongouri_srv_poll_result **out, const mongouri_uri *uri,
                                  const mongouri_seed *current, size_t ncurrent,
                                  const mongouri_resolve_options *opts, mongouri_error *err)
{
    mongouri_srv_poll_result *res;
    resolve_cfg cfg;
    mongouri_status st;

    mongouri__error_clear(err);
    if (out != NULL)
        *out = NULL;
    if (out == NULL || uri == NULL || (current == NULL && ncurrent > 0))
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out and uri must not be NULL");
    st = check_srv_uri(uri, err);
    if (st == MONGOURI_OK)
        st = load_options(&cfg, opts, err);
    if (st != MONGOURI_OK)
        return st;
    res = calloc(1, sizeof *res);
    if (res == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    mongouri__error_clear(&res->reason);
    st = srv_poll(res, uri, current, ncurrent, &cfg, err);
    if (st != MONGOURI_OK) {
        mongouri_srv_poll_result_destroy(res);
        return st;
    }
    *out = res;
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* For the SRV fuzz harness                                                  */
/* ------------------------------------------------------------------------ */

int mongouri__resolve_parse_raw(const unsigned char *msg, size_t len, bool txt, const char *host,
                                void (*each)(void *ctx, const char *text, bool accepted), void *ctx)
{
    mongouri_resolve_report *r;
    struct report_query *q;
    char *h;
    int rc;

    if (len < HFIXEDSZ || len > 65535 || host == NULL)
        return ARES_EBADRESP;
    r = report_new();
    h = dup_dns_name(host, strlen(host));
    if (r == NULL || h == NULL) {
        free(h);
        mongouri_resolve_report_destroy(r);
        return ARES_ENOMEM;
    }
    q = &r->q[txt ? Q_TXT : Q_SRV];
    if (txt)
        snprintf(q->name, sizeof q->name, "%.253s", h);
    else
        snprintf(q->name, sizeof q->name, "_mongodb._tcp.%.253s", h);
    rc = txt ? parse_txt(r, q, msg, (int)len) : parse_srv(r, q, msg, (int)len);
    if (rc == ARES_SUCCESS && !txt) {
        for (size_t i = 0; i < r->nsrv; i++) {
            char why[200];

            each(ctx, r->srv_targets[i],
                 check_target(r->srv_targets[i], parent_domain(h), why, sizeof why) ==
                     MONGOURI_D_NONE);
        }
    }
    if (rc == ARES_SUCCESS && txt && r->txt_shown != NULL)
        each(ctx, r->txt_shown, mongouri__utf8_valid(r->txt, r->txt_len, &(size_t){0}));
    free(h);
    mongouri_resolve_report_destroy(r);
    return rc;
}
