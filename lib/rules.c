/*
 * Cross-option rules: on the merged option set (keyword + URI + TXT), and
 * on one occurrence as it is merged (tls/ssl agreement, options that may not
 * repeat, what TXT may set). Each rule names its section of SPEC-RULES.md.
 * The auth rules are in auth.c, the TLS settings they lead to in
 * tls_settings.c.
 */
#include <stdio.h>
#include <string.h>

#include "diag_int.h"
#include "error_int.h"
#include "uri_int.h"
#include "rules_int.h"
#include "options_int.h"
#include "value_int.h"

#define OPT(u, id) mongouri__val((u), MONGOURI_OPT_##id)

/* The rule groups stay out of line: the common path (no group applies, or
 * one that finds nothing) only tests masks. */
#define OUT_OF_LINE __attribute__((noinline))

/* The options each rule group looks at: a group runs only when its options
 * are present (both of a pair where the rule needs both). */
#define BIT(id) MONGOURI__BIT(MONGOURI_OPT_##id)
#define WRITE_CONCERN_BOTH (BIT(W) | BIT(JOURNAL))
#define TOPOLOGY_ANY (BIT(DIRECTCONNECTION) | BIT(LOADBALANCED) | BIT(SRVMAXHOSTS))
#define PROXY_ANY (BIT(PROXYHOST) | BIT(PROXYPORT) | BIT(PROXYUSERNAME) | BIT(PROXYPASSWORD))
#define READ_PREFERENCE_ANY (BIT(READPREFERENCETAGS) | BIT(MAXSTALENESSSECONDS))
#define POOL_BOTH (BIT(MINPOOLSIZE) | BIT(MAXPOOLSIZE))
/* the TLS options that relax or select checks: every conflict is a pair of them */
#define TLS_RELAXING                                                                               \
    (BIT(TLSINSECURE) | BIT(TLSALLOWINVALIDCERTIFICATES) | BIT(TLSALLOWINVALIDHOSTNAMES) |         \
     BIT(TLSDISABLEOCSPENDPOINTCHECK) | BIT(TLSDISABLECERTIFICATEREVOCATIONCHECK) |                \
     BIT(TLSCRLFILE))

static const char *where(const mongouri__value *v)
{
    switch ((mongouri_source)v->present_source) {
    case MONGOURI_SOURCE_KEYWORD:
        return "keyword";
    case MONGOURI_SOURCE_TXT:
        return "TXT record";
    default:
        return "URI";
    }
}

/* Offset for an error about value `v`: its place in the URI, or -1. */
static long off(const mongouri__value *v)
{
    return v->present_source == MONGOURI_SOURCE_URI ? v->present_offset : -1;
}

static bool is_true(const mongouri__value *v)
{
    return v->set && v->v.b;
}

/* Error about two options at once; the caret goes under the later one. */
static mongouri_status pair_error(mongouri_uri *uri, mongouri_error *err, mongouri_status status,
                                  mongouri_diag code, int a, int b, const char *why)
{
    const mongouri__value *va = mongouri__val(uri, a), *vb = mongouri__val(uri, b);
    const mongouri__value *later = off(vb) >= off(va) ? vb : va;
    const char *na =
        va->present ? mongouri__key_spelled(va->spelling) : mongouri__options[a].info.name;
    const char *nb =
        vb->present ? mongouri__key_spelled(vb->spelling) : mongouri__options[b].info.name;
    int culprit = later == vb ? b : a;

    mongouri__error_set(err, status, code, mongouri__options[culprit].info.name, off(later),
                        off(later) >= 0 ? later->present_length : 0,
                        "%s (%s) and %s (%s) cannot be used together: %s", na, where(va), nb,
                        where(vb), why);
    if (err != NULL)
        err->source = (mongouri_source)later->present_source;
    return status;
}

static const struct {
    int a, b;
    const char *why;
} tls_pairs[] = {
    {MONGOURI_OPT_TLSINSECURE, MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES,
     "both decide whether certificates are checked, and the specification forbids giving "
     "both, whatever their values"},
    {MONGOURI_OPT_TLSINSECURE, MONGOURI_OPT_TLSALLOWINVALIDHOSTNAMES,
     "both decide whether host names are checked, and the specification forbids giving "
     "both, whatever their values"},
    {MONGOURI_OPT_TLSINSECURE, MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK,
     "tlsInsecure already turns OCSP off"},
    {MONGOURI_OPT_TLSINSECURE, MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK,
     "tlsInsecure already turns revocation checking off"},
    {MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES, MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK,
     "with invalid certificates allowed there is no revocation checking to configure"},
    {MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES, MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK,
     "with invalid certificates allowed there is no revocation checking to configure"},
    {MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK, MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK,
     "disabling revocation checking already disables OCSP"},
    /* One handshake uses one revocation source: a CRL file replaces OCSP. */
    {MONGOURI_OPT_TLSCRLFILE, MONGOURI_OPT_TLSINSECURE,
     "a CRL is only checked when certificates are verified"},
    {MONGOURI_OPT_TLSCRLFILE, MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES,
     "a CRL is only checked when certificates are verified"},
    {MONGOURI_OPT_TLSCRLFILE, MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK,
     "tlsCRLFile turns revocation checking on"},
    {MONGOURI_OPT_TLSCRLFILE, MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK,
     "with tlsCRLFile revocation is checked against the CRL, never by OCSP"},
};

/* A.2 rules 1-7 (presence, not values, counts), the CRL pairs of DESIGN.md,
 * and A.2's [impl] note: other TLS options under tls=false are ignored with
 * a warning. */
OUT_OF_LINE static mongouri_status check_tls(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *tls = OPT(uri, TLS);
    uint64_t seen = uri->present & TLS_RELAXING;

    /* every pair needs two of these options */
    for (size_t i = 0; (seen & (seen - 1)) != 0 && i < sizeof tls_pairs / sizeof tls_pairs[0];
         i++) {
        int a = tls_pairs[i].a, b = tls_pairs[i].b;
        uint64_t pair = MONGOURI__BIT(a) | MONGOURI__BIT(b);
        if ((uri->present & pair) == pair) {
            mongouri_status rc =
                pair_error(uri, err, MONGOURI_E_CONFLICT,
                           a == MONGOURI_OPT_TLSCRLFILE ? MONGOURI_D_REVOCATION_CONFLICT
                                                        : MONGOURI_D_TLS_CONFLICT,
                           a, b, tls_pairs[i].why);
            mongouri__error_hint(err, "remove one of %s and %s", mongouri__options[a].info.name,
                                 mongouri__options[b].info.name);
            return rc;
        }
    }
    /* tls=false with other TLS options: they are ignored. */
    if (tls->set && !tls->v.b) {
        for (size_t k = 0; k < uri->nvals; k++) {
            const mongouri__value *v = &uri->vals[k];
            int i = v->id;
            mongouri_status rc;
            if (!(mongouri__options[i].info.flags & MONGOURI_OPTION_TLS) || !v->present)
                continue;
            rc = mongouri__warn(uri, err, MONGOURI_D_TLS_IGNORED, mongouri__options[i].info.name,
                                (mongouri_source)v->present_source, off(v),
                                off(v) >= 0 ? v->present_length : 0,
                                "%s is ignored because tls=false", mongouri__options[i].info.name);
            if (rc != MONGOURI_OK)
                return rc;
        }
    }
    return MONGOURI_OK;
}

mongouri_status mongouri__rule_error(mongouri_uri *uri, mongouri_error *err, mongouri_status status,
                                     mongouri_diag code, int id, const char *fmt, const char *arg)
{
    const mongouri__value *v = mongouri__val(uri, id);

    /* formatted once, straight into the message (every rule's message is
     * far under its 255 bytes, so nothing is ever cut) */
    mongouri__error_set(err, status, code, mongouri__options[id].info.name, off(v),
                        off(v) >= 0 ? v->present_length : 0, fmt, arg);
    if (err != NULL)
        err->source = (mongouri_source)v->present_source;
    return status;
}

/* C (srvServiceName, srvMaxHosts): an option whose row is flagged
 * MONGOURI_OPTION_SRV_ONLY needs mongodb+srv://. Of several, the one of the
 * last flagged row in the table is reported (srvServiceName before
 * srvMaxHosts), whatever their order or source. `seen` holds the bits of the
 * flagged options present (not 0). */
OUT_OF_LINE static mongouri_status srv_only_error(mongouri_uri *uri, mongouri_error *err,
                                                  uint64_t seen)
{
    int found = 63;

    while ((seen >> found) == 0)
        found--;
    return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_SRV_ONLY, found,
                                "%s is only valid with mongodb+srv://",
                                mongouri__options[found].info.name);
}

/* C (directConnection, loadBalanced, srvMaxHosts), D.1 (directConnection=true
 * with +srv) and D.4 item 3 (on the merged set). */
OUT_OF_LINE static mongouri_status check_topology(mongouri_uri *uri, mongouri_error *err)
{
    bool srv = uri->scheme == MONGOURI_SCHEME_MONGODB_SRV;
    const mongouri__value *dc = OPT(uri, DIRECTCONNECTION);
    const mongouri__value *lb = OPT(uri, LOADBALANCED);
    const mongouri__value *rs = OPT(uri, REPLICASET);
    const mongouri__value *smh = OPT(uri, SRVMAXHOSTS);
    mongouri_status rc;

    if (is_true(dc)) {
        if (srv) {
            rc = mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_DIRECT_CONNECTION,
                                      MONGOURI_OPT_DIRECTCONNECTION, "%s",
                                      "directConnection=true cannot be used with mongodb+srv://");
            mongouri__error_hint(err, "mongodb+srv:// discovers a deployment; use mongodb://host "
                                      "for a direct connection");
            return rc;
        }
        if (uri->nhosts > 1)
            return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_DIRECT_CONNECTION,
                                        MONGOURI_OPT_DIRECTCONNECTION, "%s",
                                        "directConnection=true needs exactly one host");
    }
    if (is_true(lb)) {
        if (uri->nhosts > 1 && (!srv || uri->resolved))
            return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_LOAD_BALANCED,
                                        MONGOURI_OPT_LOADBALANCED, "%s",
                                        uri->resolved
                                            ? "loadBalanced=true needs exactly one SRV record"
                                            : "loadBalanced=true needs exactly one host");
        if (rs->set)
            return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_LOAD_BALANCED,
                              MONGOURI_OPT_LOADBALANCED, MONGOURI_OPT_REPLICASET,
                              "a load balancer hides the replica set");
        if (is_true(dc))
            return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_LOAD_BALANCED,
                              MONGOURI_OPT_LOADBALANCED, MONGOURI_OPT_DIRECTCONNECTION,
                              "a load balancer is not a direct connection");
    }
    if (smh->set && smh->v.i > 0) {
        if (rs->set)
            return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_SRV_MAX_HOSTS,
                              MONGOURI_OPT_SRVMAXHOSTS, MONGOURI_OPT_REPLICASET,
                              "a replica set needs every seed");
        if (is_true(lb))
            return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_SRV_MAX_HOSTS,
                              MONGOURI_OPT_SRVMAXHOSTS, MONGOURI_OPT_LOADBALANCED,
                              "a load balancer takes exactly one host");
    }
    return MONGOURI_OK;
}

/* C (proxy options, socks5 spec): the proxy options need proxyHost, and a
 * user name and password go together. */
OUT_OF_LINE static mongouri_status check_proxy(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *host = OPT(uri, PROXYHOST);
    const mongouri__value *user = OPT(uri, PROXYUSERNAME);
    const mongouri__value *pass = OPT(uri, PROXYPASSWORD);
    static const int deps[] = {MONGOURI_OPT_PROXYPORT, MONGOURI_OPT_PROXYUSERNAME,
                               MONGOURI_OPT_PROXYPASSWORD};

    if (!host->present) {
        for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++)
            if (mongouri__val(uri, deps[i])->present)
                return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                                            deps[i], "%s needs proxyHost",
                                            mongouri__options[deps[i]].info.name);
    }
    if (user->present && !pass->present)
        return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                                    MONGOURI_OPT_PROXYUSERNAME, "%s",
                                    "proxyUsername needs proxyPassword");
    if (pass->present && !user->present)
        return mongouri__rule_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                                    MONGOURI_OPT_PROXYPASSWORD, "%s",
                                    "proxyPassword needs proxyUsername");
    return MONGOURI_OK;
}

/* C (readPreferenceTags, maxStalenessSeconds; server-selection spec): no tags
 * or staleness with mode primary. */
OUT_OF_LINE static mongouri_status check_read_preference(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *mode = OPT(uri, READPREFERENCE);
    const mongouri__value *tags = OPT(uri, READPREFERENCETAGS);
    const mongouri__value *stale = OPT(uri, MAXSTALENESSSECONDS);
    bool primary = !mode->set || strcmp(mode->v.s, "primary") == 0;
    bool real_tags = false;

    if (!primary)
        return MONGOURI_OK;
    if (tags->set)
        for (size_t i = 0; i < tags->v.tags.n; i++)
            real_tags = real_tags || tags->v.tags.sets[i].n > 0;
    if (real_tags)
        return mongouri__rule_error(
            uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_READ_PREFERENCE,
            MONGOURI_OPT_READPREFERENCETAGS, "%s",
            "readPreferenceTags cannot be used with readPreference=primary (the "
            "default)");
    if (stale->set && stale->v.i > 0)
        return mongouri__rule_error(
            uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_READ_PREFERENCE,
            MONGOURI_OPT_MAXSTALENESSSECONDS, "%s",
            "maxStalenessSeconds cannot be used with readPreference=primary "
            "(the default)");
    return MONGOURI_OK;
}

/* C (minPoolSize; CMAP): minPoolSize <= maxPoolSize when maxPoolSize > 0. */
OUT_OF_LINE static mongouri_status check_pool(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *min = OPT(uri, MINPOOLSIZE), *max = OPT(uri, MAXPOOLSIZE);

    if (min->set && max->set && max->v.i > 0 && min->v.i > max->v.i)
        return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_POOL, MONGOURI_OPT_MINPOOLSIZE,
                          MONGOURI_OPT_MAXPOOLSIZE, "minPoolSize is larger than maxPoolSize");
    return MONGOURI_OK;
}

/* C (journal, w; read/write-concern spec): w=0 asks for no acknowledgement, journal=true for one.
 */
OUT_OF_LINE static mongouri_status check_write_concern(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *w = OPT(uri, W), *j = OPT(uri, JOURNAL);

    if (w->set && !w->is_string && w->v.i == 0 && is_true(j)) {
        pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_WRITE_CONCERN, MONGOURI_OPT_W,
                   MONGOURI_OPT_JOURNAL,
                   "w=0 asks for no acknowledgement and journal=true for one");
        mongouri__error_hint(err, "remove journal=true, or ask for w=1 or more");
        return MONGOURI_E_CONFLICT;
    }
    return MONGOURI_OK;
}

/* Whether the TLS rules can find anything: two options that relax or
 * select checks (a conflict), or tls=false beside an option flagged TLS. */
static inline bool tls_rules_apply(const mongouri_uri *uri, uint64_t present)
{
    uint64_t seen = present & TLS_RELAXING;
    const mongouri__value *tls;

    if ((present & mongouri__mask_tls) == 0)
        return false;
    if ((seen & (seen - 1)) != 0)
        return true;
    tls = OPT(uri, TLS);
    return tls->set && !tls->v.b;
}

mongouri_status mongouri__rules_check_options(mongouri_uri *uri, mongouri_error *err)
{
    uint64_t present = uri->present;
    mongouri_status rc;

    if ((present & WRITE_CONCERN_BOTH) == WRITE_CONCERN_BOTH &&
        (rc = check_write_concern(uri, err)) != MONGOURI_OK)
        return rc;
    if (tls_rules_apply(uri, present))
        return check_tls(uri, err);
    return MONGOURI_OK;
}

/* Every rule group, in order, on a set that has the options of one. */
OUT_OF_LINE static mongouri_status check_all(mongouri_uri *uri, mongouri_error *err)
{
    uint64_t present = uri->present;
    mongouri_status rc;

    if ((rc = mongouri__rules_check_options(uri, err)) != MONGOURI_OK)
        return rc;
    if ((present & mongouri__mask_srv_only) != 0 && uri->scheme != MONGOURI_SCHEME_MONGODB_SRV)
        return srv_only_error(uri, err, present & mongouri__mask_srv_only);
    /* every topology rule needs one of these (replicaSet only beside them) */
    if ((present & TOPOLOGY_ANY) != 0 && (rc = check_topology(uri, err)) != MONGOURI_OK)
        return rc;
    if ((present & PROXY_ANY) != 0 && (rc = check_proxy(uri, err)) != MONGOURI_OK)
        return rc;
    if ((present & READ_PREFERENCE_ANY) != 0 &&
        (rc = check_read_preference(uri, err)) != MONGOURI_OK)
        return rc;
    if ((present & POOL_BOTH) == POOL_BOTH)
        return check_pool(uri, err);
    return MONGOURI_OK;
}

mongouri_status mongouri__rules_check(mongouri_uri *uri, mongouri_error *err)
{
    uint64_t present = uri->present;

    if ((present & (mongouri__mask_srv_only | TOPOLOGY_ANY | PROXY_ANY | READ_PREFERENCE_ANY)) ==
            0 &&
        (present & WRITE_CONCERN_BOTH) != WRITE_CONCERN_BOTH &&
        (present & POOL_BOTH) != POOL_BOTH && !tls_rules_apply(uri, present))
        return MONGOURI_OK;
    return check_all(uri, err);
}

/* ------------------------------------------------------------------------ */
/* Rules on one occurrence, as it is merged                                  */
/* ------------------------------------------------------------------------ */

static const char *source_word(mongouri_source s)
{
    return s == MONGOURI_SOURCE_KEYWORD ? "keyword" : "URI";
}

/* A.2 rule 8: every tls and ssl occurrence, across keyword, URI and TXT,
 * carries one value; an invalid or empty one is only a warning. */
mongouri_status mongouri__rule_tls_agree(mongouri_error *err, const mongouri__value *tls, int b,
                                         bool repeat, const mongouri__occurrence *o)
{
    const char *prev = tls->v.b ? "true" : "false";
    mongouri_status rc;

    if (b < 0 || (b == 1 || b == 2) == tls->v.b)
        return MONGOURI_OK;
    if (repeat) {
        rc = mongouri__error_set(err, MONGOURI_E_CONFLICT, MONGOURI_D_TLS_DISAGREE, "tls",
                                 o->offset, o->length,
                                 "%s=%s contradicts the earlier %s=%s: every tls and ssl "
                                 "option must have the same value",
                                 o->spelled, o->shown, mongouri__key_spelled(tls->spelling), prev);
        mongouri__error_hint(err, "keep one of tls and ssl");
        return rc;
    }
    rc = mongouri__error_set(
        err, MONGOURI_E_CONFLICT, MONGOURI_D_TLS_DISAGREE, "tls",
        o->offset >= 0 ? o->offset : tls->offset, o->offset >= 0 ? o->length : tls->length,
        "%s=%s (%s) contradicts %s=%s (%s): every tls and ssl option must have the same value",
        o->spelled, o->shown, source_word(o->source), mongouri__key_spelled(tls->set_spelling),
        prev, source_word((mongouri_source)tls->source));
    mongouri__error_hint(err, "keep one of them, or give both the same value");
    if (err != NULL)
        err->source = o->source;
    return rc;
}

/* B.2: any repetition of proxyHost, proxyPort, proxyUsername or
 * proxyPassword is an error (fixture proxy-options). */
mongouri_status mongouri__rule_no_repeat(mongouri_error *err, int id, const mongouri__occurrence *o)
{
    mongouri_status rc;

    switch (id) {
    case MONGOURI_OPT_PROXYHOST:
    case MONGOURI_OPT_PROXYPORT:
    case MONGOURI_OPT_PROXYUSERNAME:
    case MONGOURI_OPT_PROXYPASSWORD:
        break;
    default:
        return MONGOURI_OK;
    }
    rc = mongouri__error_set(err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                             mongouri__options[id].info.name, o->offset, o->length,
                             "%s is given more than once", mongouri__options[id].info.name);
    mongouri__error_hint(err, "give each proxy option once");
    return rc;
}

/* D.3: only authSource, replicaSet and loadBalanced may come from a TXT
 * record; any other key, known or not, is an error (TLS above all). */
mongouri_status mongouri__rule_txt_allowed(mongouri_error *err, int id, const char *name,
                                           bool deprecated_alias)
{
    if (id < 0)
        return mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED, name, -1, 0,
                                   "the TXT record sets '%s', which is not an option (only "
                                   "authSource, replicaSet and loadBalanced may come from DNS)",
                                   name);
    if (deprecated_alias)
        return mongouri__error_set(err, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED, name, -1, 0,
                                   "the TXT record sets %s; only authSource, replicaSet and "
                                   "loadBalanced may come from DNS",
                                   name);
    if (mongouri__options[id].info.flags & MONGOURI_OPTION_TXT_ALLOWED)
        return MONGOURI_OK;
    return mongouri__error_set(
        err, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED, mongouri__options[id].info.name, -1, 0,
        "the TXT record sets %s; only authSource, replicaSet and loadBalanced may come from DNS%s",
        name, id == MONGOURI_OPT_TLS ? " (TLS can never be changed by DNS)" : "");
}
