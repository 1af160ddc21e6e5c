/*
 * mongodb+srv seed-list discovery with c-ares 1.18: the SRV and the TXT
 * query in flight together, parent-domain validation of every SRV target,
 * the TXT record rules, then the builder merges the TXT options and runs
 * every rule again on the merged set.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "internal.h"

#define DNS_NAME_MAX 253                /* longest domain name, in text form */
#define QUERY_NAME_CAP (DNS_NAME_MAX + 80) /* "_service._tcp." + host + NUL */
#define SERVERS_CAP 512

enum { Q_SRV = 0, Q_TXT = 1, Q_COUNT = 2 };

struct report_query {
    char type[4];               /* "SRV" or "TXT" */
    char name[QUERY_NAME_CAP];  /* without the trailing dot */
    const char *outcome;
    size_t records;
    double ms;
    int status;                 /* ARES_* after parsing */
    int timeouts;
    bool done;
};

struct mongouri_resolve_report {
    char servers[SERVERS_CAP];
    double total_ms;
    size_t nqueries;
    struct report_query q[Q_COUNT];

    size_t nsrv;                /* the SRV answer, sorted */
    char **srv_targets;
    uint16_t *srv_ports;
    char *txt;                  /* the first TXT record, joined */
    size_t txt_len;
    bool oom;                   /* memory ran out inside a callback */
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

struct query_ctx {
    mongouri_resolve_report *report;
    int index;
    double t0;
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

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

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_status = ARES_SUCCESS;

static void ares_init_once(void)
{
    /* Never cleaned up: c-ares keeps no resources for it on POSIX systems. */
    ares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
}

int mongouri__ares_init(void)
{
    /* The one initialisation of c-ares for the whole library (resolution and
     * the TLS probe): ares_library_init is not thread-safe. */
    pthread_once(&ares_once, ares_init_once);
    return ares_init_status;
}

/* ------------------------------------------------------------------------ */
/* Random source for srvMaxHosts                                             */
/* ------------------------------------------------------------------------ */

static uint32_t random_u32(void)
{
    uint32_t x;
    uint64_t z;
    struct timespec ts;

    if (getrandom(&x, sizeof x, 0) == (ssize_t)sizeof x)
        return x;
    /* No getrandom(): mix the clock (splitmix64); good enough to spread load. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    z = (uint64_t)ts.tv_sec * 1000000007u + (uint64_t)ts.tv_nsec + (uint64_t)(uintptr_t)&x;
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

mongouri_status mongouri_resolve_options_init(mongouri_resolve_options *opts,
                                              unsigned int version)
{
    const mongouri_resolve_options defaults = MONGOURI_RESOLVE_OPTIONS_INIT;

    if (opts == NULL || version == 0 || version > MONGOURI_RESOLVE_OPTIONS_VERSION)
        return MONGOURI_E_INVALID_ARG;
    *opts = defaults;
    opts->version = version;
    return MONGOURI_OK;
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
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "mongouri_resolve_options version %u is not supported "
                                   "(this library knows 1 to %u)",
                                   opts->version, (unsigned)MONGOURI_RESOLVE_OPTIONS_VERSION);
    /* Version 1 fields; later versions append theirs below a version test. */
    if (opts->timeout_ms < 0 || opts->tries < 0 || opts->deadline_ms < 0)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "resolver timeout_ms, tries and deadline_ms must not be "
                                   "negative (0 means the default)");
    if (opts->dns_servers != NULL && opts->dns_servers[0] == '\0')
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "dns_servers is empty; pass NULL for the system's "
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

const char *mongouri_resolve_report_query_outcome(const mongouri_resolve_report *report,
                                                  size_t i)
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
    return report == NULL ? NULL : report->txt;
}

/* ------------------------------------------------------------------------ */
/* Answers (parsed inside the callbacks: the buffer dies with them)          */
/* ------------------------------------------------------------------------ */

static const char *outcome_of(int status)
{
    switch (status) {
    case ARES_SUCCESS: return "NOERROR";
    case ARES_ENODATA: return "NODATA";
    case ARES_ENOTFOUND: return "NXDOMAIN";
    case ARES_ESERVFAIL: return "SERVFAIL";
    case ARES_EREFUSED: return "REFUSED";
    case ARES_ENOTIMP: return "NOTIMP";
    case ARES_EFORMERR: return "FORMERR";
    case ARES_ETIMEOUT: return "timeout";
    case ARES_ECONNREFUSED: return "unreachable";
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return "deadline";
    case ARES_EBADRESP: return "malformed";
    default: return "error";
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

static int parse_srv(mongouri_resolve_report *r, const unsigned char *abuf, int alen)
{
    struct ares_srv_reply *list = NULL, *p;
    struct seed *seeds = NULL;
    size_t n = 0, i;
    int rc;

    rc = ares_parse_srv_reply(abuf, alen, &list);
    if (rc != ARES_SUCCESS)
        return rc; /* ARES_ENODATA when the answer holds no SRV record */
    for (p = list; p != NULL; p = p->next)
        n++;
    if (n == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    seeds = calloc(n, sizeof *seeds);
    r->srv_targets = calloc(n, sizeof *r->srv_targets);
    r->srv_ports = calloc(n, sizeof *r->srv_ports);
    if (seeds == NULL || r->srv_targets == NULL || r->srv_ports == NULL)
        goto oom;
    for (p = list, i = 0; p != NULL; p = p->next, i++) {
        seeds[i].host = dup_dns_name(p->host, strlen(p->host));
        seeds[i].port = p->port;
        if (seeds[i].host == NULL)
            goto oom;
    }
    qsort(seeds, n, sizeof *seeds, seed_cmp);
    for (i = 0; i < n; i++) {
        r->srv_targets[i] = seeds[i].host;
        r->srv_ports[i] = seeds[i].port;
        seeds[i].host = NULL;
    }
    r->nsrv = n;
    r->q[Q_SRV].records = n;
    rc = ARES_SUCCESS;
    goto out;
oom:
    r->oom = true;
    rc = ARES_ENOMEM;
    if (seeds != NULL)
        for (i = 0; i < n; i++)
            free(seeds[i].host);
    free(r->srv_targets);
    free(r->srv_ports);
    r->srv_targets = NULL;
    r->srv_ports = NULL;
out:
    free(seeds);
    ares_free_data(list);
    return rc;
}

static int parse_txt(mongouri_resolve_report *r, const unsigned char *abuf, int alen)
{
    struct ares_txt_ext *list = NULL, *p;
    size_t records = 0, len = 0;
    int rc;

    rc = ares_parse_txt_reply_ext(abuf, alen, &list);
    if (rc != ARES_SUCCESS)
        return rc;
    /* record_start marks the first character-string of each record. */
    for (p = list; p != NULL; p = p->next) {
        if (p->record_start)
            records++;
        if (records == 1)
            len += p->length;
    }
    r->q[Q_TXT].records = records;
    if (records == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    r->txt = malloc(len + 1);
    if (r->txt == NULL) {
        r->oom = true;
        rc = ARES_ENOMEM;
        goto out;
    }
    records = 0;
    len = 0;
    for (p = list; p != NULL; p = p->next) {
        if (p->record_start && ++records > 1)
            break;
        memcpy(r->txt + len, p->txt, p->length);
        len += p->length;
    }
    r->txt[len] = '\0';
    r->txt_len = len; /* may differ from strlen() when the record holds a NUL */
out:
    ares_free_data(list);
    return rc;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct query_ctx *ctx = arg;
    mongouri_resolve_report *r = ctx->report;
    struct report_query *q = &r->q[ctx->index];

    q->ms = now_ms() - ctx->t0;
    q->timeouts = timeouts;
    if (status == ARES_SUCCESS && abuf != NULL)
        status = ctx->index == Q_SRV ? parse_srv(r, abuf, alen) : parse_txt(r, abuf, alen);
    q->status = status;
    q->outcome = outcome_of(status);
    q->done = true;
}

/* ------------------------------------------------------------------------ */
/* The c-ares channel                                                        */
/* ------------------------------------------------------------------------ */

static void format_servers(char *dst, size_t cap, const struct ares_addr_port_node *list)
{
    const struct ares_addr_port_node *p;
    char ip[INET6_ADDRSTRLEN];
    size_t used = 0;
    int n;

    dst[0] = '\0';
    for (p = list; p != NULL && used < cap; p = p->next) {
        if (inet_ntop(p->family, p->family == AF_INET6 ? (const void *)&p->addr.addr6
                                                      : (const void *)&p->addr.addr4,
                      ip, sizeof ip) == NULL)
            snprintf(ip, sizeof ip, "?");
        n = snprintf(dst + used, cap - used, p->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
                     used > 0 ? ", " : "", ip, p->udp_port > 0 ? p->udp_port : NS_DEFAULTPORT);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (dst[0] == '\0')
        snprintf(dst, cap, "(none)");
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

/*
 * A channel on the configured servers. With a single server, SERVFAIL and
 * REFUSED are reported as such (ARES_FLAG_NOCHECKRESP): there is no other
 * server to fail over to, and "the server refused" says more than c-ares'
 * "could not contact DNS servers". With several, c-ares fails over.
 */
static mongouri_status channel_open(ares_channel *out, char *servers, size_t cap,
                                    const resolve_cfg *cfg, mongouri_error *err)
{
    ares_channel ch = NULL;
    struct ares_addr_port_node *list = NULL;
    const struct ares_addr_port_node *p;
    const int flags = ARES_FLAG_NOSEARCH;
    size_t count = 0;
    mongouri_status st;
    int rc;

    *out = NULL;
    rc = mongouri__ares_init();
    if (rc != ARES_SUCCESS) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                 "c-ares could not be initialized: %s", ares_strerror(rc));
        goto fail;
    }
    rc = channel_init(&ch, cfg, flags);
    if (rc != ARES_SUCCESS)
        goto fail_ares;
    if (cfg->dns_servers != NULL) {
        rc = ares_set_servers_ports_csv(ch, cfg->dns_servers);
        if (rc == ARES_EBADSTR || rc == ARES_ENODATA) {
            st = mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL,
                                     -1, 0, "DNS servers \"%.100s\" are not a comma-separated "
                                     "list of IP or IP:PORT (host names are not accepted)",
                                     cfg->dns_servers);
            goto fail;
        }
        if (rc != ARES_SUCCESS)
            goto fail_ares;
    }
    rc = ares_get_servers_ports(ch, &list);
    if (rc != ARES_SUCCESS)
        goto fail_ares;
    for (p = list; p != NULL; p = p->next)
        count++;
    format_servers(servers, cap, list);
    if (count == 0) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                 "no DNS server is configured");
        goto fail;
    }
    if (count == 1) {
        ares_destroy(ch);
        ch = NULL;
        rc = channel_init(&ch, cfg, flags | ARES_FLAG_NOCHECKRESP);
        if (rc == ARES_SUCCESS)
            rc = ares_set_servers_ports(ch, list);
        if (rc != ARES_SUCCESS)
            goto fail_ares;
    }
    ares_free_data(list);
    *out = ch;
    return MONGOURI_OK;
fail_ares:
    st = rc == ARES_ENOMEM
             ? mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory")
             : mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                   "the DNS resolver could not be set up: %s",
                                   ares_strerror(rc));
fail:
    if (list != NULL)
        ares_free_data(list);
    if (ch != NULL)
        ares_destroy(ch);
    return st;
}

/*
 * Run the channel until both queries are answered, c-ares gives up, or the
 * deadline passes (then the pending queries are cancelled). Returns false
 * only when poll() itself fails.
 */
static bool run_queries(ares_channel ch, const mongouri_resolve_report *r, double deadline)
{
    for (;;) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        struct timeval max, tv, *tvp;
        nfds_t nfds = 0;
        double left;
        int bits, i, n, wait_ms;

        if (r->q[Q_SRV].done && r->q[Q_TXT].done)
            return true;
        left = deadline - now_ms();
        if (left <= 0) {
            ares_cancel(ch); /* the callbacks run now, with ARES_ECANCELLED */
            return true;
        }
        bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
        for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short events = 0;

            /* ARES_GETSOCK_WRITABLE() shifts a signed 1 by up to 31: undefined. */
            if ((unsigned)bits & (1u << i))
                events |= POLLIN;
            if ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
                events |= POLLOUT;
            if (events == 0)
                continue;
            pfd[nfds].fd = socks[i];
            pfd[nfds].events = events;
            pfd[nfds].revents = 0;
            nfds++;
        }
        max.tv_sec = (time_t)(left / 1000.0);
        max.tv_usec = (suseconds_t)((left - (double)max.tv_sec * 1000.0) * 1000.0);
        tvp = ares_timeout(ch, &max, &tv);
        wait_ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
        n = poll(pfd, nfds, wait_ms);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ares_cancel(ch);
            return false;
        }
        if (n == 0) {
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* expires queries */
            continue;
        }
        for (i = 0; i < (int)nfds; i++) {
            ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

            if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
                rfd = pfd[i].fd;
            if (pfd[i].revents & POLLOUT)
                wfd = pfd[i].fd;
            if (rfd != ARES_SOCKET_BAD || wfd != ARES_SOCKET_BAD)
                ares_process_fd(ch, rfd, wfd);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Errors that say what was asked, of whom, and what came back               */
/* ------------------------------------------------------------------------ */

static mongouri_status query_error(mongouri_error *err, const mongouri__host *h,
                                   const mongouri_resolve_report *r, int i,
                                   const resolve_cfg *cfg, bool several_servers)
{
    const struct report_query *q = &r->q[i];
    const char *t = q->type, *name = q->name, *srv = r->servers;
    const long off = h->offset, len = h->length;
    const double ms = q->ms;
    mongouri_status st;

    switch (q->status) {
    case ARES_ENOTFOUND:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_NXDOMAIN, NULL, off, len,
                                 "%s query for \"%s\" against %s: NXDOMAIN, the name does not "
                                 "exist (%.0f ms)", t, name, srv, ms);
        mongouri__error_hint(err, "check the host name: a mongodb+srv host needs SRV records "
                                  "at _<srvServiceName>._tcp.<host>");
        break;
    case ARES_ENODATA:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS, NULL, off, len,
                                 "%s query for \"%s\" against %s: the name has no %s records "
                                 "(NODATA, %.0f ms)", t, name, srv, t, ms);
        mongouri__error_hint(err, "check the host name and srvServiceName, or use mongodb:// "
                                  "with the host list");
        break;
    case ARES_ETIMEOUT:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT, NULL, off, len,
                                 "%s query for \"%s\" against %s: no answer, timed out after "
                                 "%.0f ms (%d tries, first-try timeout %d ms)", t, name, srv, ms,
                                 cfg->tries, cfg->timeout_ms);
        mongouri__error_hint(err, "check that the DNS server is reachable, or raise the "
                                  "timeout or the tries");
        break;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT, NULL, off, len,
                                 "%s query for \"%s\" against %s: no answer within the %d ms "
                                 "deadline (timed out after %.0f ms)", t, name, srv,
                                 cfg->deadline_ms, ms);
        mongouri__error_hint(err, "check that the DNS server is reachable, or raise the "
                                  "deadline");
        break;
    case ARES_ECONNREFUSED:
        if (several_servers)
            st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED, NULL, off,
                                     len, "%s query for \"%s\" against %s: no server answered "
                                     "(each refused the connection, or answered REFUSED or "
                                     "SERVFAIL; %.0f ms)", t, name, srv, ms);
        else
            st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED, NULL, off,
                                     len, "%s query for \"%s\" against %s: connection refused, "
                                     "no DNS server is listening there (%.0f ms)", t, name, srv,
                                     ms);
        mongouri__error_hint(err, "check the DNS server address and port");
        break;
    case ARES_EREFUSED:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED, NULL, off, len,
                                 "%s query for \"%s\" against %s: the server refused the query "
                                 "(REFUSED, %.0f ms)", t, name, srv, ms);
        mongouri__error_hint(err, "this server does not answer for that name; use a resolver "
                                  "that does");
        break;
    case ARES_ESERVFAIL:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s: SERVFAIL, the server could "
                                 "not answer (%.0f ms)", t, name, srv, ms);
        mongouri__error_hint(err, "a DNS failure upstream of that server; try again later or "
                                  "ask another resolver");
        break;
    case ARES_ENOMEM:
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    default:
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, off, len,
                                 "%s query for \"%s\" against %s failed: %s (%s, %.0f ms)", t,
                                 name, srv, ares_strerror(q->status), q->outcome, ms);
        break;
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

/* Unique seeds of the sorted SRV answer; port 0 means the default port. */
static size_t collect_seeds(const mongouri_resolve_report *r, const char **hosts,
                            uint16_t *ports)
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

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

static mongouri_status resolve_with(mongouri_uri **out, mongouri_resolve_report *r,
                                    const mongouri_uri *uri, const resolve_cfg *cfg,
                                    mongouri_error *err)
{
    const mongouri__host *h = &uri->hosts[0];
    const char *service = NULL, *domain;
    struct query_ctx ctx[Q_COUNT];
    mongouri__srv_answer answer;
    ares_channel ch = NULL;
    const char **hosts = NULL;
    uint16_t *ports = NULL;
    char *host = NULL;
    char qname[QUERY_NAME_CAP + 1];
    mongouri_status st;
    bool several;
    double t0;
    size_t i;
    int k;

    host = dup_dns_name(h->host, strlen(h->host));
    if (host == NULL)
        goto oom;
    if (host[0] == '\0' || strlen(host) > DNS_NAME_MAX) {
        st = mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_SRV_HOST, NULL, h->offset,
                                 h->length, "the mongodb+srv host \"%.100s\" is not a DNS name "
                                 "of 1 to %d characters", h->host, DNS_NAME_MAX);
        goto out;
    }
    if (mongouri_uri_get_string(uri, "srvServiceName", &service) != MONGOURI_OK ||
        service == NULL || service[0] == '\0')
        service = "mongodb";
    snprintf(r->q[Q_SRV].type, sizeof r->q[Q_SRV].type, "SRV");
    snprintf(r->q[Q_TXT].type, sizeof r->q[Q_TXT].type, "TXT");
    snprintf(r->q[Q_SRV].name, sizeof r->q[Q_SRV].name, "_%.63s._tcp.%s", service, host);
    snprintf(r->q[Q_TXT].name, sizeof r->q[Q_TXT].name, "%s", host);

    st = channel_open(&ch, r->servers, sizeof r->servers, cfg, err);
    if (st != MONGOURI_OK)
        goto out;
    several = strchr(r->servers, ',') != NULL;

    /* Both queries leave before either answer is read. */
    t0 = now_ms();
    r->nqueries = Q_COUNT;
    for (k = 0; k < Q_COUNT; k++) {
        ctx[k].report = r;
        ctx[k].index = k;
        ctx[k].t0 = t0;
        r->q[k].status = ARES_ECANCELLED; /* until its callback says otherwise */
        r->q[k].outcome = "deadline";
        /* Absolute names: c-ares never appends a search domain to them. */
        snprintf(qname, sizeof qname, "%s.", r->q[k].name);
        ares_query(ch, qname, ns_c_in, k == Q_SRV ? ns_t_srv : ns_t_txt, on_answer, &ctx[k]);
    }
    if (!run_queries(ch, r, t0 + cfg->deadline_ms)) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE, NULL, -1, 0,
                                 "waiting for the DNS answers failed: %s", strerror(errno));
        goto out;
    }
    ares_destroy(ch); /* answers nothing still pending (ARES_EDESTRUCTION) */
    ch = NULL;
    r->total_ms = now_ms() - t0;
    if (r->oom)
        goto oom;

    /* SRV: any failure, or no record, is an error. */
    if (r->q[Q_SRV].status != ARES_SUCCESS) {
        st = query_error(err, h, r, Q_SRV, cfg, several);
        goto out;
    }
    /* Every target inside the parent domain, or nothing is used. */
    domain = parent_domain(host);
    for (i = 0; i < r->nsrv; i++) {
        if (in_domain(r->srv_targets[i], domain))
            continue;
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN, NULL,
                                 h->offset, h->length, "SRV target \"%s\" (from \"%s\") is not "
                                 "inside the parent domain \"%s\"; no seed is used",
                                 r->srv_targets[i][0] != '\0' ? r->srv_targets[i] : ".",
                                 r->q[Q_SRV].name, domain);
        mongouri__error_hint(err, "every SRV target must end with \".%s\"; fix the SRV records",
                             domain);
        if (err != NULL)
            err->source = MONGOURI_SOURCE_TXT;
        goto out;
    }
    /* TXT: no record is no option; any other failure is an error. */
    if (r->q[Q_TXT].status != ARES_SUCCESS && r->q[Q_TXT].status != ARES_ENODATA &&
        r->q[Q_TXT].status != ARES_ENOTFOUND) {
        st = query_error(err, h, r, Q_TXT, cfg, several);
        mongouri__error_hint(err, "a TXT lookup that fails is an error, so that options from "
                                  "DNS are never lost silently");
        goto out;
    }
    if (r->q[Q_TXT].records > 1) {
        st = mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_MULTIPLE, NULL, h->offset,
                                 h->length, "TXT query for \"%s\" against %s returned %zu "
                                 "records; at most one is allowed", r->q[Q_TXT].name,
                                 r->servers, r->q[Q_TXT].records);
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
                             "out of memory");
out:
    if (ch != NULL)
        ares_destroy(ch);
    free(hosts);
    free(ports);
    free(host);
    return st;
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
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "out and uri must not be NULL");
    *out = NULL;
    if (uri->scheme != MONGOURI_SCHEME_MONGODB_SRV)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "only a mongodb+srv:// connection string is resolved");
    if (uri->resolved)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1,
                                   0, "this connection string is already resolved; resolve "
                                   "the parsed one");
    if (uri->nhosts != 1 || uri->hosts[0].type != MONGOURI_HOST_HOSTNAME)
        return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_SRV_HOST, NULL, -1, 0,
                                   "a mongodb+srv connection string needs exactly one host "
                                   "name");
    st = load_options(&cfg, opts, err);
    if (st != MONGOURI_OK)
        return st;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    snprintf(r->servers, sizeof r->servers, "(none)");
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
