/*
 * The DNS engine: the SRV and the TXT query in flight together, sent raw
 * (ares_send) to each DNS server in turn over UDP, over TCP when the answer
 * is truncated, once more after a SERVFAIL; every answer read by
 * dns_answer.c inside the callbacks, on the one c-ares loop (ares_loop.c).
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <ares_dns.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ares_loop_int.h"
#include "dns_answer_int.h"
#include "dns_engine_int.h"
#include "dns_report_int.h"
#include "error_int.h"

#define MAX_SERVERS 8 /* DNS servers tried in order */

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
    const mongouri__resolve_cfg *cfg;
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

static void add_attempt(mongouri__dns_query *q, const char *server, const char *what)
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
    mongouri__dns_query *q = &e->r->q[qs->k];
    bool settles;

    mongouri__dns_set_outcome(q, status, rcode);
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
    mongouri__dns_query *q = &r->q[qs->k];
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
        status = qs->k == Q_SRV ? mongouri__dns_parse_srv(r, q, abuf, alen)
                                : mongouri__dns_parse_txt(r, q, abuf, alen);
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

static int channel_init(ares_channel *ch, const mongouri__resolve_cfg *cfg, int flags)
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
                mongouri__dns_set_outcome(&r->q[k], ARES_ENOMEM, 0);
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

mongouri_status mongouri__dns_ask(mongouri_resolve_report *r, const mongouri__resolve_cfg *cfg,
                                  int nq, size_t *nservers, mongouri_error *err)
{
    engine e;
    mongouri_status st;

    memset(&e, 0, sizeof e);
    e.r = r;
    e.cfg = cfg;
    e.nq = nq;
    st = load_servers(&e, r->servers, sizeof r->servers, err);
    *nservers = e.nservers;
    if (st != MONGOURI_OK)
        return st;
    return run_engine(&e, mongouri__clock_ms(), err);
}
