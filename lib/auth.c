/*
 * The auth rules (auth specification, summarized in SPEC-RULES.md B.3 "Auth
 * format") and the credential of a result: mechanism, source and
 * properties, with the defaults the spec gives.
 */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"
#include "error_int.h"
#include "uri_int.h"
#include "rules_int.h"
#include "split_int.h"
#include "util_int.h"
#include "value_int.h"

#define OPT(u, id) mongouri__val((u), MONGOURI_OPT_##id)

/* B.2: an empty authSource is an error, even without credentials. */
mongouri_status mongouri__auth_empty_source(mongouri_error *err, const char *option, long offset,
                                            long length)
{
    return mongouri__error_set(err, MONGOURI_E_AUTH, MONGOURI_D_EMPTY_VALUE, option, offset, length,
                               "authSource must not be empty");
}

/* C (authMechanism): only the mechanisms of the auth spec; an unknown one is
 * an error, since the credential could not be used. */
mongouri_status mongouri__auth_unknown_mechanism(mongouri_error *err, const char *option,
                                                 const char *shown, const char *allowed,
                                                 mongouri_source source, long offset, long length)
{
    mongouri__error_set(err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, option, offset, length,
                        "authMechanism %s is not a supported mechanism", shown);
    mongouri__error_hint(err, "use one of %s", allowed);
    if (err != NULL)
        err->source = source;
    return MONGOURI_E_AUTH;
}

/* An auth error under authMechanism, or at the start of the host information. */
static mongouri_status auth_error(mongouri_uri *uri, mongouri_error *err, const char *msg,
                                  const char *arg)
{
    const mongouri__value *mech = OPT(uri, AUTHMECHANISM);

    if (mech->present)
        return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                    MONGOURI_OPT_AUTHMECHANISM, msg, arg);
    return mongouri__error_set(
        err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, NULL,
        (long)strlen(uri->scheme == MONGOURI_SCHEME_MONGODB_SRV ? "mongodb+srv://" : "mongodb://"),
        0, msg, arg);
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

/* B.3 Auth format (MONGODB-OIDC: unknown properties are errors; likewise for
 * every mechanism): only the properties of `mech` (none when NULL). */
static mongouri_status check_props(mongouri_uri *uri, mongouri_error *err, const char *mech,
                                   const char *const *allowed)
{
    /* The items after a secret one are secret too: whether they are right
     * may not choose the answer, so they are refused unread. */
    if (uri->nprops >= 2) {
        int first;
        size_t shown = mongouri__items_shown(uri->props, uri->nprops, true, &first);
        if (shown + 1 < uri->nprops) {
            mongouri_status rc = mongouri__rule_error(
                uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                "%s",
                "authMechanismProperties: a property follows a secret one (or another option run "
                "into one), and cannot be checked without showing the secret");
            mongouri__error_hint(err, "give the secret property last, and every option in a "
                                      "key=value pair of its own");
            return rc;
        }
    }
    for (size_t i = 0; i < uri->nprops; i++) {
        if (allowed == NULL || !one_of(uri->props[i].key, allowed)) {
            char m[160];
            /* every item before this one is shown whole (the check above):
             * its own name is shown unless it holds a secret */
            if (mongouri__item_shown(uri->props[i].key, uri->props[i].value, true) ==
                MONGOURI_SHOWN_NONE)
                snprintf(m, sizeof m,
                         "authMechanismProperties: a property whose name holds a secret is not a "
                         "property of %s",
                         mech);
            else
                snprintf(m, sizeof m, "authMechanismProperties: %.40s is not a property of %s",
                         uri->props[i].key, mech);
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                        MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s", m);
        }
    }
    return MONGOURI_OK;
}

/* The mechanisms, told apart once, in the order the checks below rely on
 * (the value parser only stores those of the option table; any other would
 * be checked as MONGODB-OIDC is, with an ordinary authSource). */
typedef enum mech_kind {
    MECH_DEFAULT, /* no authMechanism */
    MECH_SCRAM,   /* SCRAM-* */
    MECH_PLAIN,
    MECH_GSSAPI,
    MECH_X509,
    MECH_AWS,
    MECH_OIDC,
    MECH_OTHER
} mech_kind;

static mech_kind mech_kind_of(const char *m)
{
    if (m == NULL)
        return MECH_DEFAULT;
    switch (m[0]) {
    case 'S':
        return strncmp(m, "SCRAM", 5) == 0 ? MECH_SCRAM : MECH_OTHER;
    case 'P':
        return strcmp(m, "PLAIN") == 0 ? MECH_PLAIN : MECH_OTHER;
    case 'G':
        return strcmp(m, "GSSAPI") == 0 ? MECH_GSSAPI : MECH_OTHER;
    case 'M':
        if (strcmp(m, "MONGODB-X509") == 0)
            return MECH_X509;
        if (strcmp(m, "MONGODB-AWS") == 0)
            return MECH_AWS;
        return strcmp(m, "MONGODB-OIDC") == 0 ? MECH_OIDC : MECH_OTHER;
    default:
        return MECH_OTHER;
    }
}

/*
 * B.3 Auth format, "Credential rules the fixtures exercise": a credential
 * from '@' or authMechanism alone, the default source per mechanism, the
 * user name and password each mechanism needs or refuses, and its
 * properties (GSSAPI, MONGODB-AWS, MONGODB-OIDC); G.2 for the AWS cases.
 */
__attribute__((noinline)) static mongouri_status derive(mongouri_uri *uri, mongouri_error *err)
{
    const mongouri__value *mech, *src, *props;
    const char *m;
    const char *user = uri->username;
    mech_kind kind;
    static const char *const gssapi_props[] = {"SERVICE_NAME", "CANONICALIZE_HOST_NAME",
                                               "SERVICE_REALM", "SERVICE_HOST", NULL};
    static const char *const canon_values[] = {
        "true", "false", "none", "forward", "forwardAndReverse", NULL};
    static const char *const aws_props[] = {"AWS_SESSION_TOKEN", NULL};
    static const char *const oidc_props[] = {"ENVIRONMENT", "TOKEN_RESOURCE", "ALLOWED_HOSTS",
                                             NULL};
    static const char *const oidc_envs[] = {"test", "azure", "gcp", "k8s", NULL};
    mongouri_status rc;

    mech = OPT(uri, AUTHMECHANISM);
    m = mech->set ? mech->v.s : NULL;
    uri->has_credential = uri->has_userinfo || m != NULL;
    if (!uri->has_credential)
        return MONGOURI_OK;
    src = OPT(uri, AUTHSOURCE);
    props = OPT(uri, AUTHMECHANISMPROPERTIES);
    kind = mech_kind_of(m);
    uri->mechanism = m;
    if (props->set) {
        uri->props = props->v.kv.items;
        uri->nprops = props->v.kv.n;
    }
    if (kind >= MECH_GSSAPI && kind <= MECH_OIDC) { /* an external source */
        if (src->set && strcmp(src->v.s, "$external") != 0)
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                        MONGOURI_OPT_AUTHSOURCE,
                                        "authSource must be $external for %s", m);
        uri->auth_source = "$external";
    } else if (src->set) {
        uri->auth_source = src->v.s;
    } else if (kind == MECH_PLAIN) {
        uri->auth_source = uri->database != NULL ? uri->database : "$external";
    } else {
        uri->auth_source = uri->database != NULL ? uri->database : "admin";
    }

    if (kind <= MECH_GSSAPI) {
        if (user == NULL || user[0] == '\0') {
            rc = auth_error(uri, err, "%s needs a user name", m != NULL ? m : "authentication");
            mongouri__error_hint(err, "write mongodb://USER:PASSWORD@host, or remove the '@'");
            return rc;
        }
    }
    /* The auth spec: these mechanisms MUST be given a password. Without a
     * mechanism the official fixtures accept a user name alone. */
    if ((kind == MECH_SCRAM || kind == MECH_PLAIN) && uri->password == NULL) {
        rc = auth_error(uri, err, "%s needs a password", m);
        mongouri__error_hint(err, "write mongodb://USER:PASSWORD@host");
        return rc;
    }
    if (kind != MECH_GSSAPI && uri->gssapi_service_name != NULL) {
        mongouri__error_set(err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, "gssapiServiceName",
                            uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_offset : -1,
                            uri->gssapi_source == MONGOURI_SOURCE_URI ? uri->gssapi_length : 0,
                            "gssapiServiceName is only used with authMechanism=GSSAPI");
        if (err != NULL)
            err->source = (mongouri_source)uri->gssapi_source;
        return MONGOURI_E_AUTH;
    }
    if ((kind == MECH_X509 || kind == MECH_OIDC) && user != NULL && user[0] == '\0') {
        rc = auth_error(uri, err, "%s: the user name is empty", m);
        mongouri__error_hint(err, "give the user name, or remove the '@'");
        return rc;
    }
    if (kind <= MECH_PLAIN)
        return uri->nprops == 0
                   ? MONGOURI_OK
                   : check_props(uri, err, m != NULL ? m : "the default mechanism", NULL);

    if (kind == MECH_GSSAPI) {
        const char *canon;
        if ((rc = check_props(uri, err, m, gssapi_props)) != MONGOURI_OK)
            return rc;
        canon = prop(uri->props, uri->nprops, "CANONICALIZE_HOST_NAME");
        if (canon != NULL && !one_of(canon, canon_values))
            return mongouri__rule_error(
                uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                "%s",
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
    if (kind == MECH_X509) {
        if (uri->password != NULL)
            return auth_error(uri, err, "%s takes no password: the certificate authenticates", m);
        return check_props(uri, err, m, NULL);
    }
    if (kind == MECH_AWS) {
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
            return mongouri__rule_error(
                uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH, MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                "%s",
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
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
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
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                        MONGOURI_OPT_AUTHMECHANISMPROPERTIES, "%s",
                                        "ENVIRONMENT must be test, azure, gcp or k8s");
        res = prop(uri->props, uri->nprops, "TOKEN_RESOURCE");
        if ((strcmp(env, "azure") == 0 || strcmp(env, "gcp") == 0) && res == NULL)
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                        MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                                        "ENVIRONMENT:%s needs TOKEN_RESOURCE", env);
        if (strcmp(env, "azure") != 0 && strcmp(env, "gcp") != 0 && res != NULL)
            return mongouri__rule_error(uri, err, MONGOURI_E_AUTH, MONGOURI_D_AUTH,
                                        MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
                                        "TOKEN_RESOURCE is not used with ENVIRONMENT:%s", env);
        if (user != NULL && strcmp(env, "azure") != 0)
            return auth_error(uri, err, "a user name is not allowed with ENVIRONMENT:%s", env);
        return MONGOURI_OK;
    }
}

mongouri_status mongouri__credential_derive(mongouri_uri *uri, mongouri_error *err)
{
    const uint64_t mech_or_props = MONGOURI__BIT(MONGOURI_OPT_AUTHMECHANISM) |
                                   MONGOURI__BIT(MONGOURI_OPT_AUTHMECHANISMPROPERTIES);

    /* a mechanism is only set when authMechanism appeared */
    if ((uri->present & mech_or_props) == 0) {
        const mongouri__value *src;
        if (!uri->has_userinfo) {
            uri->has_credential = false;
            return MONGOURI_OK;
        }
        /* USER[:PASSWORD]@ alone: the default mechanism, nothing else to check */
        if (uri->username != NULL && uri->username[0] != '\0' && uri->gssapi_service_name == NULL) {
            uri->has_credential = true;
            uri->mechanism = NULL;
            src = OPT(uri, AUTHSOURCE);
            uri->auth_source = src->set                ? src->v.s
                               : uri->database != NULL ? uri->database
                                                       : "admin";
            return MONGOURI_OK;
        }
    }
    return derive(uri, err);
}
