/*
 * The resolution report and its getters, the names of the outcomes, and the
 * errors that say what was asked, of whom, and what came back.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns_report_int.h"
#include "error_int.h"
#include "host_int.h"

#define MIN_RESCAN_S 60 /* SRV polling: never faster than this */

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

static const mongouri__dns_query *report_query(const mongouri_resolve_report *report, size_t i)
{
    return report == NULL || i >= report->nqueries ? NULL : &report->q[i];
}

const char *mongouri_resolve_report_query_type(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? NULL : q->type;
}

const char *mongouri_resolve_report_query_name(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? NULL : q->name;
}

const char *mongouri_resolve_report_query_outcome(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? NULL : q->outcome;
}

size_t mongouri_resolve_report_query_records(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? 0 : q->records;
}

double mongouri_resolve_report_query_ms(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

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
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? NULL : q->server;
}

const char *mongouri_resolve_report_query_attempts(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

    return q == NULL ? NULL : q->attempts;
}

size_t mongouri_resolve_report_query_ignored(const mongouri_resolve_report *report, size_t i)
{
    const mongouri__dns_query *q = report_query(report, i);

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

mongouri_resolve_report *mongouri__dns_report_new(void)
{
    mongouri_resolve_report *r = calloc(1, sizeof *r);

    if (r != NULL)
        snprintf(r->servers, sizeof r->servers, "(none)");
    return r;
}

/* ------------------------------------------------------------------------ */
/* Outcomes                                                                  */
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

void mongouri__dns_set_outcome(mongouri__dns_query *q, int status, int rcode)
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

mongouri_status mongouri__dns_query_error(mongouri_error *err, const mongouri__host *h,
                                          const mongouri_resolve_report *r, int i,
                                          const mongouri__resolve_cfg *cfg, bool several_servers)
{
    const mongouri__dns_query *q = &r->q[i];
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
