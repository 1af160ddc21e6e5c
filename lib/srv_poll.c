/*
 * SRV polling (rescans): the SRV query alone, its answer applied to a
 * driver's seed list (mongouri_srv_apply), the list left alone when the
 * answer is unusable.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <stdlib.h>
#include <string.h>

#include "dns_answer_int.h"
#include "dns_engine_int.h"
#include "srv_int.h"
#include "dns_report_int.h"
#include "error_int.h"
#include "uri_int.h"

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

    return pa == pb && mongouri__dns_same_name(a->host, b->host);
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
    list[*n].host = mongouri__dns_name_dup(s->host, strlen(s->host));
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
    mongouri__resolve_cfg cfg;

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
    cfg.random = random != NULL ? random : mongouri__srv_default_random;
    cfg.random_ctx = random_ctx;
    /* srvMaxHosts 0 (or enough room): all; else new ones at random until full. */
    for (i = 0; i < nfresh; i++) {
        size_t j = i;

        if (srv_max_hosts != 0 && n >= srv_max_hosts)
            break;
        if (srv_max_hosts != 0 && n + (nfresh - i) > srv_max_hosts) {
            const mongouri_seed *t;

            j = i + mongouri__srv_checked_random(&cfg, (uint32_t)(nfresh - i));
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
                                const mongouri__resolve_cfg *cfg_in, mongouri_error *err)
{
    mongouri_resolve_report *r;
    mongouri_seed *answer = NULL;
    size_t nanswer = 0, nservers = 0, i;
    mongouri__resolve_cfg cfg;
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
    r = mongouri__dns_report_new();
    if (r == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    res->report = r;
    st = mongouri__srv_prepare(r, uri, &host, &res->reason);
    if (st == MONGOURI_OK) /* a rescan asks for the SRV records only */
        st = mongouri__dns_ask(r, &cfg, 1, &nservers, &res->reason);
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
            mongouri__dns_query_error(&res->reason, &uri->hosts[0], r, Q_SRV, &cfg, nservers > 1);
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
    domain = mongouri__srv_parent_domain(host);
    for (i = 0; i < r->nsrv; i++) {
        char why[200];
        mongouri_diag d = mongouri__srv_check_target(r->srv_targets[i], domain, why, sizeof why);

        if (d != MONGOURI_D_NONE) {
            if (res->ignored++ == 0)
                mongouri__error_set(&res->reason, MONGOURI_E_DNS, d, NULL, -1, 0,
                                    "SRV record \"%s\" port %u is left out: %.140s; target "
                                    "\"%.120s\"",
                                    r->q[Q_SRV].name, (unsigned)r->srv_ports[i], why,
                                    mongouri__srv_shown_target(r->srv_targets[i]));
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
    mongouri__resolve_cfg cfg;
    mongouri_status st;

    mongouri__error_clear(err);
    if (out != NULL)
        *out = NULL;
    if (out == NULL || uri == NULL || (current == NULL && ncurrent > 0))
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out and uri must not be NULL");
    st = mongouri__srv_check_uri(uri, err);
    if (st == MONGOURI_OK)
        st = mongouri__srv_load_options(&cfg, opts, err);
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
