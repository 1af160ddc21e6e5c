/*
 * The connection-string writer: a parsed URI back to text, in canonical form.
 *
 * Canonical means: the scheme, the user name and password, the hosts in their
 * order, the database, then one key=value per option that has a value, under
 * its canonical name, in the table's (alphabetical) order; aliases are
 * replaced, repeated keys are gone (the value the parse kept is written), and
 * neither options that are ignored (TLS options under tls=false) nor values
 * equal to the specified default are repeated. Components are percent-encoded
 * with uriparser's escaping (everything but the unreserved characters), and
 * the query is composed by uriparser's query composer, with '+' written %2B
 * and a space %20 (never '+'); only '/' and ':' (and ',' between list items)
 * are then shown unescaped in option values.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uriparser/Uri.h>

#include "format_int.h"
#include "uri_int.h"
#include "error_int.h"
#include "host_int.h"
#include "options_int.h"
#include "util_int.h"
#include "value_int.h"

/* ------------------------------------------------------------------------ */
/* Defaults that are not repeated                                            */
/* ------------------------------------------------------------------------ */

/* Only defaults fixed by the specifications, the same for every driver. */
static const struct {
    int id;
    int64_t i;     /* bools: 0/1; ints */
    const char *s; /* enums */
} defaults[] = {
    {MONGOURI_OPT_DIRECTCONNECTION, 0, NULL},
    {MONGOURI_OPT_LOADBALANCED, 0, NULL},
    {MONGOURI_OPT_LOCALTHRESHOLDMS, 15, NULL},
    {MONGOURI_OPT_MAXCONNECTING, 2, NULL},
    {MONGOURI_OPT_MAXPOOLSIZE, 100, NULL},
    {MONGOURI_OPT_MINPOOLSIZE, 0, NULL},
    {MONGOURI_OPT_READPREFERENCE, 0, "primary"},
    {MONGOURI_OPT_RETRYREADS, 1, NULL},
    {MONGOURI_OPT_RETRYWRITES, 1, NULL},
    {MONGOURI_OPT_SERVERMONITORINGMODE, 0, "auto"},
    {MONGOURI_OPT_SERVERSELECTIONTIMEOUTMS, 30000, NULL},
    {MONGOURI_OPT_SRVSERVICENAME, 0, "mongodb"},
    {MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES, 0, NULL},
    {MONGOURI_OPT_TLSALLOWINVALIDHOSTNAMES, 0, NULL},
    {MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK, 0, NULL},
    {MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK, 0, NULL},
    {MONGOURI_OPT_TLSINSECURE, 0, NULL},
    {MONGOURI_OPT_ZLIBCOMPRESSIONLEVEL, -1, NULL},
};

static bool is_default(const mongouri__value *v, int id)
{
    const mongouri__optdef *def = &mongouri__options[id];

    /* compressors of names all unknown: none, as when absent */
    if (def->info.type == MONGOURI_TYPE_LIST && v->v.list.n == 0)
        return true;

    for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++) {
        if (defaults[k].id != id)
            continue;
        switch (def->info.type) {
        case MONGOURI_TYPE_BOOL:
            return v->v.b == (defaults[k].i != 0);
        case MONGOURI_TYPE_INT:
            return v->v.i == defaults[k].i;
        case MONGOURI_TYPE_ENUM:
        case MONGOURI_TYPE_STRING:
            return defaults[k].s != NULL && v->v.s != NULL &&
                   mongouri__strcasecmp(v->v.s, defaults[k].s) == 0;
        default:
            return false;
        }
    }
    return false;
}

static bool written_source(const mongouri__value *v)
{
    return v->set && (v->source == MONGOURI_SOURCE_URI || v->source == MONGOURI_SOURCE_KEYWORD);
}

/* Dropped for a reason other than tls's own (which depends on the others). */
static mongouri__format_drop drops_other(const mongouri_uri *uri, int id)
{
    const mongouri__value *v = mongouri__val(uri, id);

    /* gssapiServiceName is written as authMechanismProperties=SERVICE_NAME:… */
    if (id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && uri->gssapi_service_name != NULL &&
        (uri->gssapi_source == MONGOURI_SOURCE_URI ||
         uri->gssapi_source == MONGOURI_SOURCE_KEYWORD))
        return MONGOURI__FORMAT_KEPT;
    if (!written_source(v))
        return MONGOURI__FORMAT_UNSET;
    if ((mongouri__options[id].info.flags & MONGOURI_OPTION_TLS) && !uri->tls.enabled)
        return MONGOURI__FORMAT_TLS_OFF;
    if (is_default(v, id))
        return MONGOURI__FORMAT_DEFAULT;
    return MONGOURI__FORMAT_KEPT;
}

/* tls is written only when the scheme and the TLS options written with it do
 * not already give its value. */
static bool tls_written(const mongouri_uri *uri)
{
    bool implied = uri->scheme == MONGOURI_SCHEME_MONGODB_SRV;

    for (int id = 0; !implied && id < MONGOURI_OPT__COUNT; id++)
        if (id != MONGOURI_OPT_TLS && (mongouri__options[id].info.flags & MONGOURI_OPTION_TLS) &&
            drops_other(uri, id) == MONGOURI__FORMAT_KEPT)
            implied = true;
    return uri->tls.enabled != implied;
}

mongouri__format_drop mongouri__format_drops(const mongouri_uri *uri, int id)
{
    if (id == MONGOURI_OPT_TLS)
        return tls_written(uri) ? MONGOURI__FORMAT_KEPT : MONGOURI__FORMAT_TLS_IMPLIED;
    return drops_other(uri, id);
}

/* ------------------------------------------------------------------------ */
/* A growing buffer whose bytes are wiped when it is released                */
/* ------------------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t n, cap;
    bool failed;
} buf;

static void buf_free(buf *b)
{
    if (b->p != NULL) {
        mongouri__wipe(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->n = b->cap = 0;
}

static bool buf_reserve(buf *b, size_t more)
{
    size_t cap;
    char *p;

    if (b->failed)
        return false;
    if (more < b->cap - b->n)
        return true;
    if (more > SIZE_MAX / 4 - b->n) {
        b->failed = true;
        return false;
    }
    cap = (b->n + more + 1) * 2;
    p = malloc(cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    if (b->p != NULL)
        memcpy(p, b->p, b->n);
    buf_free(b);
    b->p = p;
    b->cap = cap;
    /* b->n was reset by buf_free */
    return true;
}

static void buf_add(buf *b, const char *s, size_t n)
{
    size_t keep = b->n;

    if (!buf_reserve(b, n))
        return;
    b->n = keep;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_str(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

/* A component percent-encoded by uriparser (all but the unreserved characters). */
static void buf_escaped(buf *b, const char *s)
{
    size_t n = strlen(s), keep = b->n;
    char *end;

    if (n > (SIZE_MAX / 4 - 1) / 3 || !buf_reserve(b, 3 * n + 1)) {
        b->failed = true;
        return;
    }
    b->n = keep;
    end = uriEscapeExA(s, s + n, b->p + b->n, URI_FALSE, URI_FALSE);
    b->n = (size_t)(end - b->p);
}

/* ------------------------------------------------------------------------ */
/* Option values in their string form                                        */
/* ------------------------------------------------------------------------ */

/* What stands for a secret in a redacted query: the composer writes it
 * "%01", which is then replaced by "****" (in the redacted form, a real
 * U+0001 in a value is hidden as well, which errs on the safe side). */
#define SECRET_MARK "\x01"

static void kv_join(buf *b, const mongouri__kv *items, size_t n, bool props, bool redact)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_str(b, ",");
        buf_str(b, items[i].key);
        buf_str(b, ":");
        if (redact && props && strcmp(items[i].key, "AWS_SESSION_TOKEN") == 0)
            buf_str(b, SECRET_MARK);
        else
            buf_str(b, items[i].value);
    }
}

/* The value of option `id` (not a tag set) into `b`. */
static void value_text(buf *b, const mongouri_uri *uri, int id, bool redact)
{
    const mongouri__optdef *def = &mongouri__options[id];
    const mongouri__value *v = mongouri__val(uri, id);
    char num[24];

    if (id == MONGOURI_OPT_TLS) { /* the effective value: it may be implied */
        buf_str(b, uri->tls.enabled ? "true" : "false");
        return;
    }
    switch (def->info.type) {
    case MONGOURI_TYPE_BOOL:
        buf_str(b, v->v.b ? "true" : "false");
        break;
    case MONGOURI_TYPE_W:
        if (v->is_string) {
            buf_str(b, v->v.s);
            break;
        }
        /* fall through */
    case MONGOURI_TYPE_INT:
        snprintf(num, sizeof num, "%" PRId64, v->v.i);
        buf_str(b, num);
        break;
    case MONGOURI_TYPE_STRING:
    case MONGOURI_TYPE_ENUM:
        buf_str(b, redact && (def->info.flags & MONGOURI_OPTION_SECRET) ? SECRET_MARK : v->v.s);
        break;
    case MONGOURI_TYPE_LIST:
        for (uint32_t i = 0; i < v->v.list.n; i++) {
            if (i > 0)
                buf_str(b, ",");
            buf_str(b, v->v.list.items[i]);
        }
        break;
    case MONGOURI_TYPE_KEYVALUE: {
        bool props = id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES;
        uint32_t n = written_source(v) ? v->v.kv.n : 0;
        bool has_service = false;

        kv_join(b, v->v.kv.items, n, props, redact);
        for (uint32_t i = 0; i < n; i++)
            has_service = has_service || strcmp(v->v.kv.items[i].key, "SERVICE_NAME") == 0;
        if (props && uri->gssapi_service_name != NULL && !has_service) {
            buf_str(b, n > 0 ? ",SERVICE_NAME:" : "SERVICE_NAME:");
            buf_str(b, uri->gssapi_service_name);
        }
        break;
    }
    case MONGOURI_TYPE_TAGSETS:
        break; /* one pair per set, by the caller */
    }
}

/* ------------------------------------------------------------------------ */
/* The query                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct pair {
    UriQueryListA q;
    int id;
    buf value;
} pair;

static size_t pair_count(const mongouri_uri *uri)
{
    size_t n = 0;

    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        if (mongouri__format_drops(uri, id) != MONGOURI__FORMAT_KEPT)
            continue;
        if (mongouri__options[id].info.type == MONGOURI_TYPE_TAGSETS)
            n += mongouri__val(uri, id)->v.tags.n;
        else
            n++;
    }
    return n;
}

/* Compose the query of `uri` into `out` ("" when there is no option). */
static mongouri_status compose_query(buf *out, const mongouri_uri *uri, bool redact,
                                     mongouri_error *err)
{
    size_t n = pair_count(uri), k = 0;
    pair *pairs;
    char *query = NULL;
    mongouri_status rc = MONGOURI_OK;

    if (n == 0)
        return MONGOURI_OK;
    pairs = calloc(n, sizeof *pairs);
    if (pairs == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        const mongouri__value *v = mongouri__val(uri, id);
        if (mongouri__format_drops(uri, id) != MONGOURI__FORMAT_KEPT)
            continue;
        if (mongouri__options[id].info.type == MONGOURI_TYPE_TAGSETS) {
            for (uint32_t s = 0; s < v->v.tags.n; s++, k++) {
                pairs[k].q.key = mongouri__options[id].info.name;
                pairs[k].id = id;
                buf_str(&pairs[k].value, "");
                kv_join(&pairs[k].value, v->v.tags.sets[s].tags, v->v.tags.sets[s].n, false, false);
            }
        } else {
            pairs[k].q.key = mongouri__options[id].info.name;
            pairs[k].id = id;
            buf_str(&pairs[k].value, "");
            value_text(&pairs[k].value, uri, id, redact);
            k++;
        }
    }
    for (size_t i = 0; rc == MONGOURI_OK && i < n; i++) {
        mongouri_option_type type = mongouri__options[pairs[i].id].info.type;
        bool structured = type == MONGOURI_TYPE_LIST || type == MONGOURI_TYPE_KEYVALUE ||
                          type == MONGOURI_TYPE_TAGSETS;
        if (pairs[i].value.failed) {
            rc = MONGOURI_E_NOMEM;
            break;
        }
        /* One pair at a time through the composer, so that what RFC 3986
         * allows in a query unescaped is shown so: '/' and ':' in any value
         * (file paths, URLs), and the ',' that separates the items of a list
         * ("zstd,snappy", "dc:ny,rack:1"; the parse decodes a value before it
         * splits it, so "%2C" and "," mean the same there). '&', '=', '+',
         * '?', '#' and '@' stay escaped. */
        pairs[i].q.value = pairs[i].value.p;
        pairs[i].q.next = NULL;
        if (uriComposeQueryMallocExA(&query, &pairs[i].q, URI_FALSE, URI_FALSE) != URI_SUCCESS) {
            query = NULL;
            rc = MONGOURI_E_NOMEM;
            break;
        }
        if (i > 0)
            buf_str(out, "&");
        for (const char *p = query; *p != '\0';) {
            if (redact && p[0] == '%' && p[1] == '0' && p[2] == '1') { /* the secret mark */
                buf_str(out, "****");
                p += 3;
            } else if (structured && p[0] == '%' && p[1] == '2' && p[2] == 'C') {
                buf_str(out, ",");
                p += 3;
            } else if (p[0] == '%' && p[1] == '3' && p[2] == 'A') {
                buf_str(out, ":");
                p += 3;
            } else if (p[0] == '%' && p[1] == '2' && p[2] == 'F') {
                buf_str(out, "/"); /* file paths stay readable */
                p += 3;
            } else {
                buf_add(out, p, 1);
                p++;
            }
        }
        mongouri__wipe(query, strlen(query));
        free(query);
        query = NULL;
    }
    for (size_t i = 0; i < n; i++)
        buf_free(&pairs[i].value);
    free(pairs);
    if (rc != MONGOURI_OK)
        return mongouri__error_set(err, rc, MONGOURI_D_NOMEM, NULL, -1, 0, "out of memory");
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* The whole string                                                          */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri_uri_format(const mongouri_uri *uri, unsigned int flags, char **out,
                                    mongouri_error *err)
{
    bool redact = (flags & MONGOURI_FORMAT_REDACT) != 0;
    buf b = {0};
    mongouri_status rc;

    mongouri__error_clear(err);
    if (out != NULL)
        *out = NULL;
    if (uri == NULL || out == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_uri_format: %s is NULL", uri == NULL ? "uri" : "out");
    if ((flags & ~(unsigned int)MONGOURI_FORMAT_REDACT) != 0)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_uri_format: unknown flags %#x", flags);
    if (uri->resolved)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "a resolved mongodb+srv URI has no connection string of "
                                   "its own: format the URI that was resolved");

    buf_str(&b, uri->scheme == MONGOURI_SCHEME_MONGODB_SRV ? "mongodb+srv://" : "mongodb://");
    if (uri->username != NULL) {
        buf_escaped(&b, uri->username);
        if (uri->password != NULL) {
            buf_str(&b, ":");
            if (redact)
                buf_str(&b, "****");
            else
                buf_escaped(&b, uri->password);
        }
        buf_str(&b, "@");
    }
    for (size_t i = 0; i < uri->nhosts; i++) {
        const mongouri__host *h = &uri->hosts[i];
        if (i > 0)
            buf_str(&b, ",");
        switch ((mongouri_host_type)h->type) {
        case MONGOURI_HOST_IP_LITERAL:
            buf_str(&b, "[");
            buf_str(&b, h->host);
            buf_str(&b, "]");
            break;
        case MONGOURI_HOST_UNIX:
            buf_escaped(&b, h->host); /* every '/' as %2F */
            break;
        case MONGOURI_HOST_HOSTNAME:
        case MONGOURI_HOST_IPV4:
            buf_escaped(&b, h->host); /* validated: unreserved characters only */
            break;
        }
        if (h->port != 0) {
            char port[8];
            snprintf(port, sizeof port, ":%u", (unsigned)h->port);
            buf_str(&b, port);
        }
    }
    if (uri->database != NULL || pair_count(uri) > 0)
        buf_str(&b, "/");
    if (uri->database != NULL)
        buf_escaped(&b, uri->database);
    if (pair_count(uri) > 0) {
        buf_str(&b, "?");
        rc = compose_query(&b, uri, redact, err);
        if (rc != MONGOURI_OK) {
            buf_free(&b);
            return rc;
        }
    }
    if (b.failed) {
        buf_free(&b);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    }
    /* Exactly sized copy, so that mongouri_free() (free) may release it; the
     * working buffer is wiped. */
    *out = malloc(b.n + 1);
    if (*out == NULL) {
        buf_free(&b);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    }
    memcpy(*out, b.p, b.n + 1);
    buf_free(&b);
    if (redact) {
        /* What the tokenizer calls secret in the written string is hidden
         * too (a value that holds another option's secret, %26...%3D...). */
        char *hidden = mongouri_redact(*out, -1, NULL);
        mongouri__wipe_str(*out);
        free(*out);
        *out = hidden;
        if (hidden == NULL)
            return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                       "out of memory");
    }
    if (!redact) {
        /* Fail closed: a string that does not parse back is never handed out.
         * (It can happen when an option ignored for its invalid value had
         * kept a rule from applying.) */
        mongouri_uri *again = NULL;
        mongouri_error why;
        rc = mongouri__build(&again, *out, strlen(*out), uri->flags, NULL, NULL, &why);
        mongouri_uri_destroy(again);
        if (rc != MONGOURI_OK) {
            mongouri__wipe_str(*out);
            free(*out);
            *out = NULL;
            rc = mongouri__error_set(err, MONGOURI_E_CONFLICT, why.code, why.option, -1, 0,
                                     "the settings cannot be written back as a connection "
                                     "string: %s",
                                     why.message);
            return rc;
        }
    }
    return MONGOURI_OK;
}
