/*
 * mongodb+srv seed-list discovery: the entry points, the options, and the
 * seedlist rules. The engine (dns_engine.c) asks for the SRV and the TXT
 * records; every SRV target is checked as a URI host name, then against the
 * parent domain; the TXT record rules; then the builder merges the TXT
 * options and runs every rule again on the merged set. SRV polling
 * (srv_poll.c) reuses the SRV half.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ares_loop_int.h"
#include "dns_answer_int.h"
#include "dns_engine_int.h"
#include "srv_int.h"
#include "dns_report_int.h"
#include "error_int.h"
#include "host_int.h"
#include "util_int.h"
#include "uri_int.h"
#include "opts_int.h"

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
uint32_t mongouri__srv_default_random(void *ctx, uint32_t bound)
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
uint32_t mongouri__srv_checked_random(void *ctx, uint32_t bound)
{
    const mongouri__resolve_cfg *cfg = ctx;
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

mongouri_status mongouri__srv_load_options(mongouri__resolve_cfg *cfg,
                                           const mongouri_resolve_options *opts,
                                           mongouri_error *err)
{
    cfg->dns_servers = NULL;
    cfg->timeout_ms = MONGOURI_RESOLVE_DEFAULT_TIMEOUT_MS;
    cfg->tries = MONGOURI_RESOLVE_DEFAULT_TRIES;
    cfg->deadline_ms = MONGOURI_RESOLVE_DEFAULT_DEADLINE_MS;
    cfg->random = mongouri__srv_default_random;
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
/* Seedlist rules                                                            */
/* ------------------------------------------------------------------------ */

/*
 * The parent domain of an SRV host: everything after the first label when
 * the host has three labels or more, the whole host when it has one or two.
 */
const char *mongouri__srv_parent_domain(const char *host)
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
mongouri_diag mongouri__srv_check_target(const char *target, const char *domain, char *why,
                                         size_t cap)
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
const char *mongouri__srv_shown_target(const char *t)
{
    return t[0] != '\0' ? t : ".";
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

/* The SRV host of `uri` (lower case, no trailing dot) and the query names. */
mongouri_status mongouri__srv_prepare(mongouri_resolve_report *r, const mongouri_uri *uri,
                                      char **host, mongouri_error *err)
{
    const mongouri__host *h = &uri->hosts[0];
    const char *service = NULL;

    *host = mongouri__dns_name_dup(h->host, strlen(h->host));
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
                                    const mongouri_uri *uri, const mongouri__resolve_cfg *cfg,
                                    mongouri_error *err)
{
    const mongouri__host *h = &uri->hosts[0];
    const char *domain;
    mongouri__srv_answer answer;
    const char **hosts = NULL;
    uint16_t *ports = NULL;
    char *host = NULL;
    mongouri_status st;
    size_t nservers = 0, i, bad;
    bool several;

    st = mongouri__srv_prepare(r, uri, &host, err);
    if (st != MONGOURI_OK)
        goto out;
    st = mongouri__dns_ask(r, cfg, Q_COUNT, &nservers, err);
    if (st != MONGOURI_OK)
        goto out;
    several = nservers > 1;
    if (r->oom)
        goto oom;

    /* SRV: any failure, or no record, is an error. */
    if (r->q[Q_SRV].status != ARES_SUCCESS) {
        st = mongouri__dns_query_error(err, h, r, Q_SRV, cfg, several);
        goto out;
    }
    /* Every target a valid host name inside the parent domain, or nothing is used. */
    domain = mongouri__srv_parent_domain(host);
    for (i = 0; i < r->nsrv; i++) {
        char why[200];
        mongouri_diag d = mongouri__srv_check_target(r->srv_targets[i], domain, why, sizeof why);

        if (d == MONGOURI_D_NONE)
            continue;
        if (d == MONGOURI_D_NOMEM)
            goto oom;
        st = mongouri__error_set(err, MONGOURI_E_DNS, d, NULL, h->offset, h->length,
                                 "SRV record \"%s\" port %u (from %s) is refused: %.140s; "
                                 "target \"%.120s%s\"; no seed is used",
                                 r->q[Q_SRV].name, (unsigned)r->srv_ports[i], r->q[Q_SRV].server,
                                 why, mongouri__srv_shown_target(r->srv_targets[i]),
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
        st = mongouri__dns_query_error(err, h, r, Q_TXT, cfg, several);
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
    answer.random = mongouri__srv_checked_random;
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
mongouri_status mongouri__srv_check_uri(const mongouri_uri *uri, mongouri_error *err)
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

mongouri_status mongouri_uri_resolve_ex(mongouri_uri **out, mongouri_resolve_report **report,
                                        const mongouri_uri *uri,
                                        const mongouri_resolve_options *opts, mongouri_error *err)
{
    mongouri_resolve_report *r = NULL;
    mongouri__resolve_cfg cfg;
    mongouri_status st;

    mongouri__error_clear(err);
    if (report != NULL)
        *report = NULL;
    if (out == NULL || uri == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out and uri must not be NULL");
    *out = NULL;
    st = mongouri__srv_check_uri(uri, err);
    if (st != MONGOURI_OK)
        return st;
    st = mongouri__srv_load_options(&cfg, opts, err);
    if (st != MONGOURI_OK)
        return st;
    r = mongouri__dns_report_new();
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
/* For the SRV fuzz harness                                                  */
/* ------------------------------------------------------------------------ */

int mongouri__resolve_parse_raw(const unsigned char *msg, size_t len, bool txt, const char *host,
                                void (*each)(void *ctx, const char *text, bool accepted), void *ctx)
{
    mongouri_resolve_report *r;
    mongouri__dns_query *q;
    char *h;
    int rc;

    if (len < HFIXEDSZ || len > 65535 || host == NULL)
        return ARES_EBADRESP;
    r = mongouri__dns_report_new();
    h = mongouri__dns_name_dup(host, strlen(host));
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
    rc = txt ? mongouri__dns_parse_txt(r, q, msg, (int)len)
             : mongouri__dns_parse_srv(r, q, msg, (int)len);
    if (rc == ARES_SUCCESS && !txt) {
        for (size_t i = 0; i < r->nsrv; i++) {
            char why[200];

            each(ctx, r->srv_targets[i],
                 mongouri__srv_check_target(r->srv_targets[i], mongouri__srv_parent_domain(h), why,
                                            sizeof why) == MONGOURI_D_NONE);
        }
    }
    if (rc == ARES_SUCCESS && txt && r->txt_shown != NULL)
        each(ctx, r->txt_shown, mongouri__utf8_valid(r->txt, r->txt_len, &(size_t){0}));
    free(h);
    mongouri_resolve_report_destroy(r);
    return rc;
}
