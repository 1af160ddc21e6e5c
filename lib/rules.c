/*
 * Cross-option rules on the merged option set (keyword + URI + TXT), the
 * credential rules of the auth specification, and the normalized TLS
 * settings.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define OPT(u, id) mongouri__val((u), MONGOURI_OPT_##id)
#define NAME(id) (mongouri__options[MONGOURI_OPT_##id].info.name)

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

static mongouri_status check_tls(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *tls = OPT(uri, TLS);
    const uint64_t relaxing = MONGOURI__BIT(MONGOURI_OPT_TLSINSECURE) |
                              MONGOURI__BIT(MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES) |
                              MONGOURI__BIT(MONGOURI_OPT_TLSALLOWINVALIDHOSTNAMES) |
                              MONGOURI__BIT(MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK) |
                              MONGOURI__BIT(MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK) |
                              MONGOURI__BIT(MONGOURI_OPT_TLSCRLFILE);
    uint64_t seen = uri->present & relaxing;

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

static mongouri_status single_error(mongouri_uri *uri, mongouri_error *err, mongouri_status status,
                                    mongouri_diag code, int id, const char *fmt, const char *arg)
{
    const mongouri__value *v = mongouri__val(uri, id);
    char msg[256];

    snprintf(msg, sizeof msg, fmt, arg);
    mongouri__error_set(err, status, code, mongouri__options[id].info.name, off(v),
                        off(v) >= 0 ? v->present_length : 0, "%s", msg);
    if (err != NULL)
        err->source = (mongouri_source)v->present_source;
    return status;
}

static mongouri_status check_topology(mongouri_uri *uri, mongouri_error *err)
{
    bool srv = uri->scheme == MONGOURI_SCHEME_MONGODB_SRV;
    const mongouri__value *dc = OPT(uri, DIRECTCONNECTION);
    const mongouri__value *lb = OPT(uri, LOADBALANCED);
    const mongouri__value *rs = OPT(uri, REPLICASET);
    const mongouri__value *smh = OPT(uri, SRVMAXHOSTS);
    mongouri_status rc;

    if (!srv) {
        if (OPT(uri, SRVSERVICENAME)->present) {
            rc = single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_SRV_ONLY,
                              MONGOURI_OPT_SRVSERVICENAME, "%s",
                              "srvServiceName is only valid with mongodb+srv://");
            return rc;
        }
        if (smh->present)
            return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_SRV_ONLY,
                                MONGOURI_OPT_SRVMAXHOSTS, "%s",
                                "srvMaxHosts is only valid with mongodb+srv://");
    }
    if (is_true(dc)) {
        if (srv) {
            rc = single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_DIRECT_CONNECTION,
                              MONGOURI_OPT_DIRECTCONNECTION, "%s",
                              "directConnection=true cannot be used with mongodb+srv://");
            mongouri__error_hint(err, "mongodb+srv:// discovers a deployment; use mongodb://host "
                                      "for a direct connection");
            return rc;
        }
        if (uri->nhosts > 1)
            return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_DIRECT_CONNECTION,
                                MONGOURI_OPT_DIRECTCONNECTION, "%s",
                                "directConnection=true needs exactly one host");
    }
    if (is_true(lb)) {
        if (uri->nhosts > 1 && (!srv || uri->resolved))
            return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_LOAD_BALANCED,
                                MONGOURI_OPT_LOADBALANCED, "%s",
                                uri->resolved ? "loadBalanced=true needs exactly one SRV record"
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

static mongouri_status check_proxy(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *host = OPT(uri, PROXYHOST);
    const mongouri__value *user = OPT(uri, PROXYUSERNAME);
    const mongouri__value *pass = OPT(uri, PROXYPASSWORD);
    static const int deps[] = {MONGOURI_OPT_PROXYPORT, MONGOURI_OPT_PROXYUSERNAME,
                               MONGOURI_OPT_PROXYPASSWORD};

    if ((uri->present &
         (MONGOURI__BIT(MONGOURI_OPT_PROXYHOST) | MONGOURI__BIT(MONGOURI_OPT_PROXYPORT) |
          MONGOURI__BIT(MONGOURI_OPT_PROXYUSERNAME) | MONGOURI__BIT(MONGOURI_OPT_PROXYPASSWORD))) ==
        0)
        return MONGOURI_OK;

    if (!host->present) {
        for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++)
            if (mongouri__val(uri, deps[i])->present)
                return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY, deps[i],
                                    "%s needs proxyHost", mongouri__options[deps[i]].info.name);
    }
    if (user->present && !pass->present)
        return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                            MONGOURI_OPT_PROXYUSERNAME, "%s", "proxyUsername needs proxyPassword");
    if (pass->present && !user->present)
        return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_PROXY,
                            MONGOURI_OPT_PROXYPASSWORD, "%s", "proxyPassword needs proxyUsername");
    return MONGOURI_OK;
}

static mongouri_status check_read_preference(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *mode = OPT(uri, READPREFERENCE);
    const mongouri__value *tags = OPT(uri, READPREFERENCETAGS);
    const mongouri__value *stale = OPT(uri, MAXSTALENESSSECONDS);
    bool primary = !mode->set || strcmp(mode->v.s, "primary") == 0;
    bool real_tags = false;

    if ((uri->present & (MONGOURI__BIT(MONGOURI_OPT_READPREFERENCETAGS) |
                         MONGOURI__BIT(MONGOURI_OPT_MAXSTALENESSSECONDS))) == 0)
        return MONGOURI_OK;

    if (!primary)
        return MONGOURI_OK;
    if (tags->set)
        for (size_t i = 0; i < tags->v.tags.n; i++)
            real_tags = real_tags || tags->v.tags.sets[i].n > 0;
    if (real_tags)
        return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_READ_PREFERENCE,
                            MONGOURI_OPT_READPREFERENCETAGS, "%s",
                            "readPreferenceTags cannot be used with readPreference=primary (the "
                            "default)");
    if (stale->set && stale->v.i > 0)
        return single_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_READ_PREFERENCE,
                            MONGOURI_OPT_MAXSTALENESSSECONDS, "%s",
                            "maxStalenessSeconds cannot be used with readPreference=primary "
                            "(the default)");
    return MONGOURI_OK;
}

static mongouri_status check_pool(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *min = OPT(uri, MINPOOLSIZE);
    const mongouri__value *max = OPT(uri, MAXPOOLSIZE);

    if (min->set && max->set && max->v.i > 0 && min->v.i > max->v.i)
        return pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_POOL, MONGOURI_OPT_MINPOOLSIZE,
                          MONGOURI_OPT_MAXPOOLSIZE, "minPoolSize is larger than maxPoolSize");
    return MONGOURI_OK;
}

/* Read/write-concern spec: w=0 asks for no acknowledgement, journal=true for one. */
static mongouri_status check_write_concern(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *w = OPT(uri, W);
    const mongouri__value *j = OPT(uri, JOURNAL);

    if (w->set && !w->is_string && w->v.i == 0 && is_true(j)) {
        pair_error(uri, err, MONGOURI_E_CONFLICT, MONGOURI_D_WRITE_CONCERN, MONGOURI_OPT_W,
                   MONGOURI_OPT_JOURNAL,
                   "w=0 asks for no acknowledgement and journal=true for one");
        mongouri__error_hint(err, "remove journal=true, or ask for w=1 or more");
        return MONGOURI_E_CONFLICT;
    }
    return MONGOURI_OK;
}

mongouri_status mongouri__rules_check(mongouri_uri *uri, mongouri_error *err)
{
    mongouri_status rc;

    if ((rc = check_write_concern(uri, err)) != MONGOURI_OK)
        return rc;

    if ((rc = check_tls(uri, err)) != MONGOURI_OK)
        return rc;
    if ((rc = check_topology(uri, err)) != MONGOURI_OK)
        return rc;
    if ((rc = check_proxy(uri, err)) != MONGOURI_OK)
        return rc;
    if ((rc = check_read_preference(uri, err)) != MONGOURI_OK)
        return rc;
    return check_pool(uri, err);
}

/* ------------------------------------------------------------------------ */
/* Credentials (auth specification)                                          */
/* ------------------------------------------------------------------------ */

static mongouri_status auth_error(mongouri_uri *uri, mongouri_error *err, const char *msg,
                                  const char *arg)
{
    const mongouri__value *mech = OPT(uri, AUTHMECHANISM);

    if (mech->present)
        return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, MONGOURI_OPT_AUTHMECHANISM,
                            msg, arg);
    {
        char m[256];
        snprintf(m, sizeof m, msg, arg);
        return mongouri__error_set(err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, NULL,
                                   (long)strlen(uri->scheme == MONGOURI_SCHEME_MONGODB_SRV
                                                    ? "mongodb+srv://"
                                                    : "mongodb://"),
                                   0, "%s", m);
    }
}

static const char *prop(const mongouri__kv *props, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(props[i].key, key) == 0)
            return props[i].value;
    return NULL;
}

static bool one_of(const char *v, const char *const *set)
{
    for (size_t i = 0; set[i] != NULL; i++)
        if (strcmp(v, set[i]) == 0)
            return true;
    return false;
}

static mongouri_status check_props(mongouri_uri *uri, mongouri_error *err, const char *mech,
                                   const char *const *allowed)
{
    bool after_secret = false;

    for (size_t i = 0; i < uri->nprops; i++) {
        if (allowed == NULL || !one_of(uri->props[i].key, allowed)) {
            char m[160];
            /* as the tokenizer reads the value: all after a secret item is secret */
            if (after_secret)
                snprintf(m, sizeof m,
                         "authMechanismProperties: a property after a secret one is "
                         "not a property of %s",
                         mech);
            else
                snprintf(m, sizeof m, "authMechanismProperties: %.40s is not a property of %s",
                         uri->props[i].key, mech);
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s", m);
        }
        after_secret =
            after_secret || mongouri__property_secret(uri->props[i].key, strlen(uri->props[i].key));
    }
    return MONGOURI_OK;
}

mongouri_status mongouri__credential_derive(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *mech = OPT(uri, AUTHMECHANISM);
    const mongouri__value *src = OPT(uri, AUTHSOURCE);
    const mongouri__value *props = OPT(uri, AUTHMECHANISMPROPERTIES);
    const char *m = mech->set ? mech->v.s : NULL;
    const char *user = uri->username;
    bool external;
    static const char *const gssapi_props[] = {"SERVICE_NAME", "CANONICALIZE_HOST_NAME",
                                               "SERVICE_REALM", "SERVICE_HOST", NULL};
    static const char *const canon_values[] = {
        "true", "false", "none", "forward", "forwardAndReverse", NULL};
    static const char *const aws_props[] = {"AWS_SESSION_TOKEN", NULL};
    static const char *const oidc_props[] = {"ENVIRONMENT", "TOKEN_RESOURCE", "ALLOWED_HOSTS",
                                             NULL};
    static const char *const oidc_envs[] = {"test", "azure", "gcp", "k8s", NULL};
    mongouri_status rc;

    uri->has_credential = uri->has_userinfo || m != NULL;
    if (!uri->has_credential)
        return MONGOURI_OK;
    uri->mechanism = m;
    if (props->set) {
        uri->props = props->v.kv.items;
        uri->nprops = props->v.kv.n;
    }
    external = m != NULL && (strcmp(m, "GSSAPI") == 0 || strcmp(m, "MONGODB-X509") == 0 ||
                             strcmp(m, "MONGODB-AWS") == 0 || strcmp(m, "MONGODB-OIDC") == 0);
    if (external) {
        if (src->set && strcmp(src->v.s, "$external") != 0)
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, MONGOURI_OPT_AUTHSOURCE,
                                "authSource must be $external for %s", m);
        uri->auth_source = "$external";
    } else if (src->set) {
        uri->auth_source = src->v.s;
    } else if (m != NULL && strcmp(m, "PLAIN") == 0) {
        uri->auth_source = uri->database != NULL ? uri->database : "$external";
    } else {
        uri->auth_source = uri->database != NULL ? uri->database : "admin";
    }

    if (m == NULL || strncmp(m, "SCRAM", 5) == 0 || strcmp(m, "PLAIN") == 0 ||
        strcmp(m, "GSSAPI") == 0) {
        if (user == NULL || user[0] == '\0') {
            rc = auth_error(uri, err, "%s needs a user name", m != NULL ? m : "authentication");
            mongouri__error_hint(err, "write mongodb://USER:PASSWORD@host, or remove the '@'");
            return rc;
        }
    }
    /* The auth spec: these mechanisms MUST be given a password. Without a
     * mechanism the official fixtures accept a user name alone. */
    if (m != NULL && (strncmp(m, "SCRAM", 5) == 0 || strcmp(m, "PLAIN") == 0) &&
        uri->password == NULL) {
        rc = auth_error(uri, err, "%s needs a password", m);
        mongouri__error_hint(err, "write mongodb://USER:PASSWORD@host");
        return rc;
    }
    if ((m == NULL || strcmp(m, "GSSAPI") != 0) && uri->gssapi_service_name != NULL) {
        mongouri__error_set(err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, "gssapiServiceName",
                            uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_offset : -1,
                            uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_length : 0,
                            "gssapiServiceName is only used with authMechanism=GSSAPI");
        if (err != NULL)
            err->source = (mongouri_source)uri->gssapi_source;
        return MONGOURI_E_AUTH;
    }
    if ((m != NULL && (strcmp(m, "MONGODB-X509") == 0 || strcmp(m, "MONGODB-OIDC") == 0)) &&
        user != NULL && user[0] == '\0') {
        rc = auth_error(uri, err, "%s: the user name is empty", m);
        mongouri__error_hint(err, "give the user name, or remove the '@'");
        return rc;
    }
    if (m == NULL || strncmp(m, "SCRAM", 5) == 0 || strcmp(m, "PLAIN") == 0)
        return check_props(uri, err, m != NULL ? m : "the default mechanism", NULL);

    if (strcmp(m, "GSSAPI") == 0) {
        const char *canon;
        if ((rc = check_props(uri, err, m, gssapi_props)) != MONGOURI_OK)
            return rc;
        canon = prop(uri->props, uri->nprops, "CANONICALIZE_HOST_NAME");
        if (canon != NULL && !one_of(canon, canon_values))
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s",
                                "CANONICALIZE_HOST_NAME must be true, false, none, forward or "
                                "forwardAndReverse");
        if (uri->gssapi_service_name != NULL) {
            const char *sn = prop(uri->props, uri->nprops, "SERVICE_NAME");
            if (sn != NULL && strcmp(sn, uri->gssapi_service_name) != 0) {
                mongouri__error_set(
                    err, MONGOURI_E_CONFLICT, MONGOURI_D_AUTH, "gssapiServiceName",
                    uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_offset : -1,
                    uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_length : 0,
                    "gssapiServiceName and the SERVICE_NAME of "
                    "authMechanismProperties name different services");
                mongouri__error_hint(err, "keep only authMechanismProperties=SERVICE_NAME:...");
                if (err != NULL)
                    err->source = (mongouri_source)uri->gssapi_source;
                return MONGOURI_E_CONFLICT;
            }
        }
        if (prop(uri->props, uri->nprops, "SERVICE_NAME") == NULL) {
            mongouri__kv *np = mongouri__arena_alloc(&uri->arena, (uri->nprops + 1) * sizeof *np);
            if (np == NULL)
                return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                           "out of memory");
            if (uri->nprops > 0)
                memcpy(np, uri->props, uri->nprops * sizeof *np);
            np[uri->nprops].key = "SERVICE_NAME";
            np[uri->nprops].value =
                uri->gssapi_service_name != NULL ? uri->gssapi_service_name : "mongodb";
            uri->props = np;
            uri->nprops++;
        }
        return MONGOURI_OK;
    }
    if (strcmp(m, "MONGODB-X509") == 0) {
        if (uri->password != NULL)
            return auth_error(uri, err, "%s takes no password: the certificate authenticates", m);
        return check_props(uri, err, m, NULL);
    }
    if (strcmp(m, "MONGODB-AWS") == 0) {
        if (user != NULL || uri->password != NULL) {
            rc = auth_error(uri, err,
                            "%s takes no user name or password in the connection "
                            "string",
                            m);
            mongouri__error_hint(err, "give AWS credentials through the environment or the "
                                      "driver's credential provider");
            return rc;
        }
        if (prop(uri->props, uri->nprops, "AWS_SESSION_TOKEN") != NULL)
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s",
                                "AWS_SESSION_TOKEN may not be given as an option: the driver's AWS "
                                "credential provider supplies it");
        return check_props(uri, err, m, aws_props);
    }
    /* MONGODB-OIDC */
    {
        const char *env, *res;
        if (uri->password != NULL)
            return auth_error(uri, err, "%s takes no password", m);
        if ((rc = check_props(uri, err, m, oidc_props)) != MONGOURI_OK)
            return rc;
        if (prop(uri->props, uri->nprops, "ALLOWED_HOSTS") != NULL &&
            props->source != MONGOURI_SOURCE_KEYWORD)
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s",
                                "ALLOWED_HOSTS may not be given in the connection string");
        env = prop(uri->props, uri->nprops, "ENVIRONMENT");
        /* Properties that were given but dropped with a warning are not a
         * second error: the warning already names the problem. */
        if (env == NULL && props->present && !props->set)
            return MONGOURI_OK;
        if (env == NULL)
            return auth_error(uri, err,
                              "%s needs ENVIRONMENT in authMechanismProperties (test, "
                              "azure, gcp or k8s)",
                              m);
        if (!one_of(env, oidc_envs))
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s",
                                "ENVIRONMENT must be test, azure, gcp or k8s");
        res = prop(uri->props, uri->nprops, "TOKEN_RESOURCE");
        if ((strcmp(env, "azure") == 0 || strcmp(env, "gcp") == 0) && res == NULL)
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                                "ENVIRONMENT:%s needs TOKEN_RESOURCE", env);
        if (strcmp(env, "azure") != 0 && strcmp(env, "gcp") != 0 && res != NULL)
            return single_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                                "TOKEN_RESOURCE is not used with ENVIRONMENT:%s", env);
        if (user != NULL && strcmp(env, "azure") != 0)
            return auth_error(uri, err, "a user name is not allowed with ENVIRONMENT:%s", env);
        return MONGOURI_OK;
    }
}

/* ------------------------------------------------------------------------ */
/* Normalized TLS settings                                                   */
/* ------------------------------------------------------------------------ */

static const char *detail_of(const mongouri__value *v)
{
    return mongouri__key_detail(v->set_spelling, (mongouri_source)v->source);
}

static void set_field(mongouri_tls_settings *t, mongouri_tls_field f, mongouri_source s,
                      const char *detail)
{
    t->source[f] = (uint8_t)s;
    t->detail[f] = detail != NULL ? detail : "default";
}

static void file_field(mongouri_uri *uri, mongouri_tls_field f, int id, const char **dst)
{
    const mongouri__value *v = mongouri__val(uri, id);

    if (!v->set)
        return;
    *dst = v->v.s;
    set_field(&uri->tls, f, (mongouri_source)v->source, detail_of(v));
}

void mongouri__tls_normalize(mongouri_uri *uri)
{
    mongouri_tls_settings *t = &uri->tls;
    const mongouri__value *tls = OPT(uri, TLS);
    const mongouri__value *insecure = OPT(uri, TLSINSECURE);
    const mongouri__value *aic = OPT(uri, TLSALLOWINVALIDCERTIFICATES);
    const mongouri__value *aih = OPT(uri, TLSALLOWINVALIDHOSTNAMES);
    const mongouri__value *crc = OPT(uri, TLSDISABLECERTIFICATEREVOCATIONCHECK);
    const mongouri__value *ocsp = OPT(uri, TLSDISABLEOCSPENDPOINTCHECK);
    int first = -1;

    memset(t, 0, sizeof *t);
    for (int f = 0; f < MONGOURI_TLS__FIELDS; f++)
        set_field(t, (mongouri_tls_field)f, MONGOURI_SOURCE_DEFAULT, "default");

    for (size_t k = 0; k < uri->nvals; k++) {
        const mongouri__value *v = &uri->vals[k];
        int i = v->id;
        if (!(mongouri__options[i].info.flags & MONGOURI_OPTION_TLS) || !v->set)
            continue;
        /* keyword options first, then the earliest in the URI */
        if (first < 0 ||
            (v->source == MONGOURI_SOURCE_KEYWORD &&
             mongouri__val(uri, first)->source != MONGOURI_SOURCE_KEYWORD) ||
            (v->source == mongouri__val(uri, first)->source &&
             v->offset < mongouri__val(uri, first)->offset))
            first = i;
    }

    if (tls->set) {
        t->enabled = tls->v.b;
        set_field(t, MONGOURI_TLS_ENABLED, (mongouri_source)tls->source, detail_of(tls));
    } else if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        t->enabled = true;
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_IMPLIED, "implied by mongodb+srv");
    } else if (first >= 0) {
        t->enabled = true;
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_IMPLIED,
                  mongouri__key_detail(mongouri__key_canonical(first), MONGOURI_SOURCE_IMPLIED));
    } else {
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_DEFAULT, "default: off for mongodb://");
    }
    if (!t->enabled) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED, "implied by TLS off");
        return;
    }

    file_field(uri, MONGOURI_TLS_CA_FILE, MONGOURI_OPT_TLSCAFILE, &t->ca_file);
    file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE, MONGOURI_OPT_TLSCERTIFICATEKEYFILE,
               &t->certificate_key_file);
    file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD,
               MONGOURI_OPT_TLSCERTIFICATEKEYFILEPASSWORD, &t->certificate_key_file_password);
    file_field(uri, MONGOURI_TLS_CRL_FILE, MONGOURI_OPT_TLSCRLFILE, &t->crl_file);

    t->verify_certificates = true;
    t->verify_hostnames = true;
    if (is_true(insecure)) {
        t->verify_certificates = false;
        t->verify_hostnames = false;
        set_field(t, MONGOURI_TLS_VERIFY_CERTIFICATES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
        set_field(t, MONGOURI_TLS_VERIFY_HOSTNAMES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
    } else {
        if (aic->set) {
            t->verify_certificates = !aic->v.b;
            set_field(t, MONGOURI_TLS_VERIFY_CERTIFICATES, (mongouri_source)aic->source,
                      detail_of(aic));
        }
        if (aih->set) {
            t->verify_hostnames = !aih->v.b;
            set_field(t, MONGOURI_TLS_VERIFY_HOSTNAMES, (mongouri_source)aih->source,
                      detail_of(aih));
        }
    }

    if (!t->verify_certificates) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED,
                  is_true(insecure) ? "implied by tlsInsecure"
                                    : "implied by tlsAllowInvalidCertificates");
    } else if (t->crl_file != NULL) {
        t->revocation = MONGOURI_REVOCATION_CRL;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED, "implied by tlsCRLFile");
    } else if (is_true(crc)) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
    } else if (is_true(ocsp)) {
        t->revocation = MONGOURI_REVOCATION_OCSP_STAPLE_ONLY;
        set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
    } else {
        t->revocation = MONGOURI_REVOCATION_OCSP;
        if (crc->set)
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
        else if (ocsp->set)
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
    }
}
