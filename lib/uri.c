/*
 * The parse pipeline: split the connection string (scheme, userinfo, hosts,
 * database, query), type every option through the option table, merge
 * keyword options (and TXT options after a resolution), then run the
 * cross-option rules and normalize credentials and TLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_int.h"
#include "diag_int.h"
#include "error_int.h"
#include "host_int.h"
#include "internal.h"
#include "rules_int.h"
#include "split_int.h"
#include "tls_settings_int.h"
#include "userinfo_int.h"
#include "util_int.h"

#define SCHEME "mongodb://"
#define SCHEME_SRV "mongodb+srv://"

typedef struct ctx {
    mongouri_uri *uri;
    mongouri_error *err;
    const char *text; /* the input */
    size_t len;
    long srv_offset; /* the SRV host in the input: where TXT errors point */
    long srv_length;
    bool query_semicolon;      /* the query holds a ';' (raw or %3B) somewhere */
    mongouri__secrets secrets; /* the secret ranges of the input, found on first use */
} ctx;

/* Does input[start, end) touch a byte the tokenizer calls secret? */
static bool secret_at(ctx *c, size_t start, size_t end)
{
    return mongouri__secret_at(&c->secrets, start, end);
}

/* Point a TXT-record error at the SRV host name it came from. */
static mongouri_status txt_error(ctx *c, mongouri_status rc)
{
    if (c->err != NULL) {
        c->err->source = MONGOURI_SOURCE_TXT;
        if (c->err->offset < 0) {
            c->err->offset = c->srv_offset;
            c->err->length = c->srv_length;
        }
    }
    return rc;
}

static mongouri_status nomem(mongouri_error *err)
{
    return mongouri__nomem(err);
}

const mongouri__value mongouri__unset = {.offset = -1, .present_offset = -1};

mongouri__value *mongouri__slot(mongouri_uri *u, int id)
{
    mongouri__value *v;

    if (u->slot[id] != 0)
        return &u->vals[u->slot[id] - 1];
    if (u->nvals == u->capvals) {
        /* Values move when the array grows: callers hold no value pointer
         * across the creation of another. */
        uint8_t cap = u->capvals == 0
                          ? 8
                          : (uint8_t)(u->capvals * 2 > MONGOURI_OPT__COUNT ? MONGOURI_OPT__COUNT
                                                                           : u->capvals * 2);
        mongouri__value *grown = mongouri__arena_alloc(&u->arena, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        if (u->nvals > 0)
            memcpy(grown, u->vals, u->nvals * sizeof *grown);
        u->vals = grown;
        u->capvals = cap;
    }
    v = &u->vals[u->nvals];
    *v = mongouri__unset;
    v->id = (uint8_t)id;
    u->slot[id] = ++u->nvals;
    return v;
}

static bool is_secret(int id)
{
    return (mongouri__options[id].info.flags & MONGOURI_OPTION_SECRET) != 0 ||
           id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES;
}

/* ------------------------------------------------------------------------ */
/* Warnings                                                                  */
/* ------------------------------------------------------------------------ */

/* Attach a hint to the warning just recorded (the error, in strict mode). */
static void last_warning_hint(mongouri_uri *uri, mongouri_error *err, const char *fmt,
                              const char *arg)
{
    mongouri__warn_hint(uri, err, fmt, arg);
}

/* ------------------------------------------------------------------------ */
/* Value parsing                                                             */
/* ------------------------------------------------------------------------ */

static int parse_bool_other(const char *s, size_t n);

/* 1 true, 0 false, 2 legacy true, 3 legacy false, -1 invalid. */
static int parse_bool(const char *s, size_t n)
{
    /* "true" and "false" in any letter case, the common case, first. */
    if (n == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' &&
        (s[3] | 0x20) == 'e')
        return 1;
    if (n == 5 && (s[0] | 0x20) == 'f' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'l' &&
        (s[3] | 0x20) == 's' && (s[4] | 0x20) == 'e')
        return 0;
    return parse_bool_other(s, n);
}

static int parse_bool_other(const char *s, size_t n)
{
    static const char *const legacy_true[] = {"1", "yes", "y", "t"};
    static const char *const legacy_false[] = {"0", "-1", "no", "n", "f"};

    if (mongouri__ieq(s, n, "true"))
        return 1;
    if (mongouri__ieq(s, n, "false"))
        return 0;
    for (size_t i = 0; i < sizeof legacy_true / sizeof legacy_true[0]; i++)
        if (mongouri__ieq(s, n, legacy_true[i]))
            return 2;
    for (size_t i = 0; i < sizeof legacy_false / sizeof legacy_false[0]; i++)
        if (mongouri__ieq(s, n, legacy_false[i]))
            return 3;
    return -1;
}

static bool parse_int(const char *s, size_t n, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0;
    size_t i = 0;

    if (n > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == n)
        return false;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - (unsigned)'0';
        if (d > 9)
            return false;
        if (v > (UINT64_C(9223372036854775808) - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (!neg && v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* RFC 6335 service name, up to 62 characters as the seedlist spec allows. */
static bool valid_service_name(const char *s, size_t n)
{
    bool letter = false;

    if (n == 0 || n > 62 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
        else if (c == '-') {
            if (i > 0 && s[i - 1] == '-')
                return false;
        } else if (!(c >= '0' && c <= '9'))
            return false;
    }
    return letter;
}

static const char *const auth_properties[] = {
    "SERVICE_NAME", "CANONICALIZE_HOST_NAME", "SERVICE_REALM", "SERVICE_HOST", "AWS_SESSION_TOKEN",
    "ENVIRONMENT",  "TOKEN_RESOURCE",         "ALLOWED_HOSTS", NULL,
};

static const char *canonical_property(const char *k, size_t n)
{
    for (size_t i = 0; auth_properties[i] != NULL; i++)
        if (mongouri__ieq(k, n, auth_properties[i]))
            return auth_properties[i];
    return NULL;
}

typedef struct pair {
    const char *key; /* raw key as written */
    size_t klen;
    const char *val; /* decoded value, NUL-terminated, owned by the arena */
    size_t vlen;
    mongouri_source source;
    long offset; /* of the key in the URI, -1 elsewhere */
    long length; /* of key=value */
} pair;

/* Stops the tokenizer at the first secret range. */
static bool any_span(void *ctx, size_t start, size_t end)
{
    (void)ctx;
    (void)start;
    (void)end;
    return false;
}

/* May the value of `p` appear in a message? Only where the tokenizer finds no
 * secret: in the URI by its ranges, elsewhere by what the key holds. */
static bool value_secret(ctx *c, const pair *p)
{
    if (p->offset >= 0 && p->source == MONGOURI_SOURCE_URI)
        return secret_at(c, (size_t)p->offset + p->klen, (size_t)(p->offset + p->length));
    return !mongouri__pair_spans(p->key, p->klen, p->val, p->vlen, 0, false, any_span, NULL);
}

/* The decoded value of `p` for a message, or "(hidden)". */
static const char *value_text(ctx *c, const pair *p)
{
    return value_secret(c, p) ? "(hidden)" : p->val;
}

/* A value fit to show in a message: secrets never, long values cut. */
static void show_value(ctx *c, const pair *p, char *buf, size_t cap, int id, const char *v,
                       size_t n)
{
    if ((id >= 0 && (mongouri__options[id].info.flags & MONGOURI_OPTION_SECRET)) ||
        value_secret(c, p)) {
        snprintf(buf, cap, "(hidden)");
        return;
    }
    if (n > 40)
        snprintf(buf, cap, "'%.37s...'", v);
    else
        snprintf(buf, cap, "'%.*s'", (int)n, v);
}

static mongouri_status invalid_value(ctx *c, int id, const pair *p, const char *why)
{
    char shown[64];
    const mongouri__optdef *def = &mongouri__options[id];
    mongouri_status rc;

    show_value(c, p, shown, sizeof shown, id, p->val, p->vlen);
    rc = mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, def->info.name, p->source,
                        p->offset, p->length, "%s: invalid value %s (%s); the option is ignored",
                        def->info.name, shown, why);
    if (rc == MONGOURI_OK || (c->uri->flags & MONGOURI_PARSE_STRICT))
        last_warning_hint(c->uri, c->err, "allowed: %s", def->info.values);
    return rc;
}

/* Split v[0..n) on `sep`; returns the count of pieces (at least 1). */
static size_t count_pieces(const char *v, size_t n, char sep)
{
    size_t k = 1;
    const char *end = v + n;
    const char *p;

    while ((p = memchr(v, sep, (size_t)(end - v))) != NULL) {
        k++;
        v = p + 1;
    }
    return k;
}

/* Parse k:v,k:v into *out; false (with *bad set) when an element lacks ':'. */
static mongouri_status parse_kv(ctx *c, char *v, size_t n, bool properties, mongouri__kv **out,
                                size_t *count, bool *bad)
{
    size_t k = n == 0 ? 0 : count_pieces(v, n, ',');
    mongouri__kv *items;
    size_t m = 0;
    char *s = v;

    *bad = false;
    *count = 0;
    *out = NULL;
    if (k == 0)
        return MONGOURI_OK;
    if (k > MONGOURI_MAX_LIST_ITEMS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "more than %u items in one option", MONGOURI_MAX_LIST_ITEMS);
    items = mongouri__arena_alloc(&c->uri->arena, k * sizeof *items);
    if (items == NULL)
        return nomem(c->err);
    for (;;) {
        char *end = strchr(s, ',');
        char *colon;
        if (end != NULL)
            *end = '\0';
        colon = strchr(s, ':');
        if (colon == NULL || colon == s) {
            *bad = true;
            return MONGOURI_OK;
        }
        *colon = '\0';
        items[m].key = s;
        if (properties) {
            const char *canon = canonical_property(s, (size_t)(colon - s));
            if (canon != NULL)
                items[m].key = canon;
        }
        items[m].value = colon + 1;
        m++;
        if (end == NULL)
            break;
        s = end + 1;
    }
    *out = items;
    *count = m;
    return MONGOURI_OK;
}

/* Rank of a source in the merge: keyword > URI > TXT. */
static int rank(mongouri_source s)
{
    switch (s) {
    case MONGOURI_SOURCE_KEYWORD:
        return 3;
    case MONGOURI_SOURCE_URI:
        return 2;
    case MONGOURI_SOURCE_TXT:
        return 1;
    default:
        return 0;
    }
}

/*
 * Type the value of one option occurrence and store it. `slot` already
 * knows the occurrence is the winner; invalid values leave it unchanged.
 */
static mongouri_status store_value(ctx *c, int id, const pair *p, bool by_alias, uint8_t spelling)
{
    const mongouri__optdef *def = &mongouri__options[id];
    mongouri__value *slot = mongouri__slot(c->uri, id);
    /* The new value; the slot changes only once it is known to be valid. */
    mongouri__payload nv = slot->v;
    bool is_string = slot->is_string;
    char *v = (char *)p->val;
    size_t n = p->vlen;
    mongouri_status rc = MONGOURI_OK;

    if (n == 0 && def->info.type != MONGOURI_TYPE_TAGSETS) {
        if (id == MONGOURI_OPT_AUTHSOURCE)
            return mongouri__auth_empty_source(c->err, def->info.name, p->offset, p->length);
        rc = mongouri__warn(c->uri, c->err, MONGOURI_D_EMPTY_VALUE, def->info.name, p->source,
                            p->offset, p->length, "%s has an empty value; the option is ignored",
                            def->info.name);
        if (rc == MONGOURI_OK || (c->uri->flags & MONGOURI_PARSE_STRICT))
            last_warning_hint(c->uri, c->err, "allowed: %s", def->info.values);
        return rc;
    }

    switch (def->info.type) {
    case MONGOURI_TYPE_BOOL: {
        int b = parse_bool(v, n);
        if (b < 0)
            return invalid_value(c, id, p, "not true or false");
        if (b >= 2) {
            rc = mongouri__warn(c->uri, c->err, MONGOURI_D_LEGACY_BOOLEAN, def->info.name,
                                p->source, p->offset, p->length,
                                "%s=%s is a deprecated boolean form; write %s=%s", def->info.name,
                                value_text(c, p), def->info.name, b == 2 ? "true" : "false");
            if (rc != MONGOURI_OK)
                return rc;
        }
        nv.b = (b == 1 || b == 2);
        break;
    }
    case MONGOURI_TYPE_INT: {
        int64_t i;
        if (!parse_int(v, n, &i))
            return invalid_value(c, id, p, "not an integer");
        if (i < def->min || i > def->max ||
            (id == MONGOURI_OPT_MAXSTALENESSSECONDS && i != -1 && i < 90))
            return invalid_value(c, id, p, "out of range");
        nv.i = i;
        break;
    }
    case MONGOURI_TYPE_STRING:
        if (id == MONGOURI_OPT_SRVSERVICENAME && !valid_service_name(v, n))
            return invalid_value(c, id, p, "not a service name");
        if (id == MONGOURI_OPT_APPNAME && n > 128)
            return invalid_value(c, id, p, "longer than 128 bytes");
        nv.s = v;
        break;
    case MONGOURI_TYPE_ENUM: {
        const char *found = NULL;
        for (size_t i = 0; def->choices[i] != NULL; i++)
            if (mongouri__ieq(v, n, def->choices[i]))
                found = def->choices[i];
        if (found == NULL) {
            if (id == MONGOURI_OPT_AUTHMECHANISM) {
                char shown[64];
                show_value(c, p, shown, sizeof shown, id, v, n);
                return mongouri__auth_unknown_mechanism(c->err, def->info.name, shown,
                                                        def->info.values, p->source, p->offset,
                                                        p->length);
            }
            return invalid_value(c, id, p, "not one of the allowed values");
        }
        nv.s = found;
        break;
    }
    case MONGOURI_TYPE_LIST: {
        size_t k = count_pieces(v, n, ',');
        const char **items;
        size_t m = 0;
        char *s = v;
        if (k > MONGOURI_MAX_LIST_ITEMS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, def->info.name,
                                       p->offset, p->length, "more than %u items in %s",
                                       MONGOURI_MAX_LIST_ITEMS, def->info.name);
        items = mongouri__arena_alloc(&c->uri->arena, k * sizeof *items);
        if (items == NULL)
            return nomem(c->err);
        for (;;) {
            char *end = strchr(s, ',');
            const char *found = NULL;
            size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
            for (size_t i = 0; def->choices[i] != NULL; i++)
                if (mongouri__ieq(s, len, def->choices[i]))
                    found = def->choices[i];
            if (found == NULL) {
                char shown[64];
                show_value(c, p, shown, sizeof shown, id, s, len);
                rc = mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, def->info.name,
                                    p->source, p->offset, p->length,
                                    "%s: unknown compressor %s is ignored", def->info.name, shown);
                if (rc != MONGOURI_OK)
                    return rc;
            } else {
                bool dup = false;
                for (size_t i = 0; i < m; i++)
                    dup = dup || items[i] == found;
                if (!dup)
                    items[m++] = found;
            }
            if (end == NULL)
                break;
            s = end + 1;
        }
        nv.list.n = m;
        nv.list.items = items;
        break;
    }
    case MONGOURI_TYPE_KEYVALUE: {
        bool bad;
        mongouri__kv *items;
        size_t m;
        rc = parse_kv(c, v, n, id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES, &items, &m, &bad);
        if (rc != MONGOURI_OK)
            return rc;
        if (bad) {
            rc = mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, def->info.name, p->source,
                                p->offset, p->length,
                                "%s: every item must be KEY:value (a value cannot contain a "
                                "comma); the option is ignored",
                                def->info.name);
            return rc;
        }
        nv.kv.n = m;
        nv.kv.items = items;
        break;
    }
    case MONGOURI_TYPE_TAGSETS: {
        bool bad;
        mongouri__kv *items;
        size_t m;
        mongouri__tagset *sets;
        size_t have = slot->set ? slot->v.tags.n : 0;
        rc = parse_kv(c, v, n, false, &items, &m, &bad);
        if (rc != MONGOURI_OK)
            return rc;
        if (bad) {
            char shown[64];
            show_value(c, p, shown, sizeof shown, id, v, n);
            rc = mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, def->info.name, p->source,
                                p->offset, p->length,
                                "readPreferenceTags: tag set %s is not key:value,key:value; it "
                                "is ignored",
                                shown);
            return rc;
        }
        if (have >= MONGOURI_MAX_TAG_SETS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, def->info.name,
                                       p->offset, p->length, "more than %u readPreferenceTags",
                                       MONGOURI_MAX_TAG_SETS);
        if (slot->set && have < slot->v.tags.cap) {
            sets = slot->v.tags.sets;
        } else {
            uint32_t cap = have == 0 ? 2 : (uint32_t)have * 2;
            sets = mongouri__arena_alloc(&c->uri->arena, cap * sizeof *sets);
            if (sets == NULL)
                return nomem(c->err);
            if (have > 0)
                memcpy(sets, slot->v.tags.sets, have * sizeof *sets);
            nv.tags.cap = cap;
        }
        sets[have].n = m;
        sets[have].tags = items;
        nv.tags.n = (uint32_t)have + 1;
        nv.tags.sets = sets;
        break;
    }
    case MONGOURI_TYPE_W: {
        int64_t i;
        if (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
            if (parse_int(v, n, &i) && i < 0) {
                /* read/write-concern spec: a negative w is an error, not ignored */
                mongouri_status e = mongouri__error_set(
                    c->err, MONGOURI_E_OPTION, MONGOURI_D_INVALID_VALUE, def->info.name, p->offset,
                    p->length, "w=%s: a number of acknowledgements cannot be negative",
                    value_text(c, p));
                mongouri__error_hint(c->err, "allowed: %s", def->info.values);
                if (c->err != NULL)
                    c->err->source = p->source;
                return e;
            }
            if (!parse_int(v, n, &i) || i > def->max)
                return invalid_value(c, id, p, "a number must be an integer >= 0");
            nv.i = i;
            is_string = false;
        } else {
            nv.s = v;
            is_string = true;
        }
        break;
    }
    }
    slot->v = nv;
    slot->is_string = is_string;
    slot->set = true;
    slot->set_spelling = spelling;
    slot->by_alias = by_alias;
    slot->source = (uint8_t)p->source;
    slot->offset = p->offset;
    slot->length = p->length;
    return MONGOURI_OK;
}

/* ';' does not separate options: warn when a value holds ";knownKey=". */
static mongouri_status semicolon_check(ctx *c, const pair *p, const mongouri__key *k)
{
    const char *v = p->val, *end = p->val + p->vlen, *semi;

    while ((semi = memchr(v, ';', (size_t)(end - v))) != NULL) {
        const char *name = semi + 1;
        const char *eq = memchr(name, '=', (size_t)(end - name));
        if (eq != NULL) {
            mongouri__key next = mongouri__option_lookup(name, (size_t)(eq - name));
            if (next.id >= 0) {
                mongouri_status rc = mongouri__warn(
                    c->uri, c->err, MONGOURI_D_MALFORMED_OPTION, mongouri__options[k->id].info.name,
                    p->source, p->offset, p->length,
                    "the value of %s contains ';%s=': ';' does not separate options, so %s is "
                    "part of the value",
                    k->spelled, next.spelled, next.spelled);
                if (rc == MONGOURI_OK || (c->uri->flags & MONGOURI_PARSE_STRICT))
                    last_warning_hint(c->uri, c->err, "separate options with '&': %s",
                                      "key=value&key=value");
                return rc;
            }
        }
        v = semi + 1;
    }
    return MONGOURI_OK;
}

/* gssapiServiceName=NAME: the deprecated form of authMechanismProperties=SERVICE_NAME:NAME. */
static mongouri_status apply_service_name(ctx *c, const pair *p, const mongouri__key *k)
{
    mongouri_uri *uri = c->uri;
    mongouri_status rc;

    if (p->source == MONGOURI_SOURCE_TXT) {
        rc = mongouri__rule_txt_allowed(c->err, k->id, "gssapiServiceName", true);
        return txt_error(c, rc);
    }
    rc = mongouri__warn(uri, c->err, MONGOURI_D_DEPRECATED_OPTION, "gssapiServiceName", p->source,
                        p->offset, (long)p->klen,
                        "%s is deprecated; use authMechanismProperties=SERVICE_NAME:<name>",
                        k->spelled);
    if (rc != MONGOURI_OK)
        return rc;
    if (p->vlen == 0)
        return mongouri__warn(uri, c->err, MONGOURI_D_EMPTY_VALUE, "gssapiServiceName", p->source,
                              p->offset, p->length,
                              "gssapiServiceName has an empty value; the option is ignored");
    if (uri->gssapi_service_name != NULL) {
        if (rank(uri->gssapi_source) > rank(p->source))
            return MONGOURI_OK;
        if (uri->gssapi_source == p->source) {
            rc = mongouri__warn(uri, c->err, MONGOURI_D_REPEATED_OPTION, "gssapiServiceName",
                                p->source, p->offset, p->length,
                                "gssapiServiceName is given more than once; the last value is "
                                "used");
            if (rc != MONGOURI_OK)
                return rc;
        }
    }
    uri->gssapi_service_name = p->val;
    uri->gssapi_source = (uint8_t)p->source;
    uri->gssapi_offset = (int32_t)p->offset;
    uri->gssapi_length = (int32_t)p->length;
    return MONGOURI_OK;
}

/* One key=value occurrence from any source. */
static mongouri_status apply_pair(ctx *c, const pair *p)
{
    mongouri_uri *uri = c->uri;
    mongouri__key k = mongouri__option_lookup(p->key, p->klen);
    mongouri__value *slot;
    const mongouri__optdef *def;
    mongouri_status rc;

    if (k.id < 0 || is_secret(k.id))
        uri->has_secret = true; /* a misspelled key may hold a secret too */
    if (k.id < 0) {
        const char *near;
        size_t badk;
        /* a known name is ASCII; an unknown one is echoed, so it must be UTF-8 */
        if (!mongouri__utf8_valid(p->key, p->klen, &badk)) {
            rc = mongouri__error_set(c->err, MONGOURI_E_SYNTAX, MONGOURI_D_BAD_UTF8, NULL,
                                     p->offset >= 0 ? p->offset + (long)badk : -1, 1,
                                     "an option name is not valid UTF-8");
            if (c->err != NULL)
                c->err->source = p->source;
            return rc;
        }
        /* The suggestion is worth its cost only when the warning is kept. */
        near = (uri->flags & MONGOURI_PARSE_STRICT) || uri->nwarnings < MONGOURI__MAX_WARNINGS - 1
                   ? mongouri__option_suggest(p->key, p->klen)
                   : NULL;
        char key[MONGOURI_OPTION_NAME_MAX];
        size_t kl = mongouri__utf8_cut(p->key, p->klen < sizeof key - 1 ? p->klen : sizeof key - 1);
        if (p->offset >= 0 && p->source == MONGOURI_SOURCE_URI &&
            secret_at(c, (size_t)p->offset, (size_t)p->offset + p->klen)) {
            /* the name lies where the tokenizer sees a secret: never shown */
            rc = mongouri__warn(uri, c->err, MONGOURI_D_UNKNOWN_OPTION, NULL, p->source, p->offset,
                                (long)p->klen,
                                "an unknown option is ignored (its name is not shown: it may "
                                "hold a secret)");
            return rc;
        }
        memcpy(key, p->key, kl);
        key[kl] = '\0';
        if (p->source == MONGOURI_SOURCE_TXT) {
            rc = mongouri__rule_txt_allowed(c->err, -1, key, false);
            return txt_error(c, rc);
        }
        rc = mongouri__warn(uri, c->err, MONGOURI_D_UNKNOWN_OPTION, key, p->source, p->offset,
                            (long)p->klen, "unknown option '%s' is ignored", key);
        if (rc == MONGOURI_OK || (uri->flags & MONGOURI_PARSE_STRICT)) {
            if (near != NULL)
                last_warning_hint(uri, c->err, "did you mean %s?", near);
        }
        return rc;
    }
    /* (not in a secret: what a secret holds never changes a message) */
    if (p->source != MONGOURI_SOURCE_TXT &&
        (p->source != MONGOURI_SOURCE_URI || c->query_semicolon ||
         p->vlen + 1 < (size_t)(p->length - (long)p->klen)) && /* escaped: %3B */
        memchr(p->val, ';', p->vlen) != NULL &&
        !is_secret(k.id) && !value_secret(c, p) && (rc = semicolon_check(c, p, &k)) != MONGOURI_OK)
        return rc;
    if (k.id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && k.alias)
        return apply_service_name(c, p, &k);
    def = &mongouri__options[k.id];
    slot = mongouri__slot(uri, k.id);
    if (slot == NULL)
        return nomem(c->err);

    if (p->source == MONGOURI_SOURCE_TXT &&
        (rc = mongouri__rule_txt_allowed(c->err, k.id, k.spelled, false)) != MONGOURI_OK)
        return txt_error(c, rc);

    if (k.deprecated) {
        rc = mongouri__warn(uri, c->err, MONGOURI_D_DEPRECATED_OPTION, def->info.name, p->source,
                            p->offset, (long)p->klen, "%s is deprecated; use %s", k.spelled,
                            def->info.name);
        if (rc != MONGOURI_OK)
            return rc;
    }

    /* Presence counts for conflicts whatever the value; keep the first. */
    if (!slot->present) {
        uri->present |= MONGOURI__BIT(k.id);
        slot->present = true;
        slot->present_source = (uint8_t)p->source;
        slot->present_offset = p->offset;
        slot->present_length = p->length;
        slot->spelling = k.index;
    }

    if (k.id == MONGOURI_OPT_TLS && slot->set && slot->source != p->source) {
        /* tls and ssl must agree across keyword, URI and TXT too */
        mongouri__occurrence o = {k.spelled, value_text(c, p), p->source, p->offset, p->length};
        rc = mongouri__rule_tls_agree(c->err, slot, parse_bool(p->val, p->vlen), false, &o);
        if (rc != MONGOURI_OK)
            return rc;
    }

    if (slot->set && rank(slot->source) > rank(p->source))
        return MONGOURI_OK; /* a higher source already decided */

    if (slot->set && slot->source == p->source) {
        /* A repeat within one source. */
        if (k.id == MONGOURI_OPT_TLS && parse_bool(p->val, p->vlen) >= 0) {
            /* every tls/ssl occurrence must carry one value; an invalid or
             * empty one is a warning like any other (below) */
            mongouri__occurrence o = {k.spelled, value_text(c, p), p->source, p->offset, p->length};
            rc = mongouri__rule_tls_agree(c->err, slot, parse_bool(p->val, p->vlen), true, &o);
            if (rc != MONGOURI_OK)
                return rc;
            /* agreeing repeats are silent, but a legacy form is still one */
            if (parse_bool(p->val, p->vlen) >= 2)
                return mongouri__warn(
                    uri, c->err, MONGOURI_D_LEGACY_BOOLEAN, "tls", p->source, p->offset, p->length,
                    "%s=%s is a deprecated boolean form; write %s=%s", k.spelled, value_text(c, p),
                    k.spelled, parse_bool(p->val, p->vlen) == 2 ? "true" : "false");
            return MONGOURI_OK;
        }
        if (def->info.type == MONGOURI_TYPE_TAGSETS || k.id == MONGOURI_OPT_TLS)
            return store_value(c, k.id, p, k.alias, k.index); /* tls: invalid, warned there */
        {
            mongouri__occurrence o = {k.spelled, NULL, p->source, p->offset, p->length};
            if ((rc = mongouri__rule_no_repeat(c->err, k.id, &o)) != MONGOURI_OK)
                return rc;
        }
        if (slot->by_alias != k.alias && (k.deprecated || slot->by_alias)) {
            /* A deprecated alias beside its replacement: the replacement wins. */
            rc = mongouri__warn(uri, c->err, MONGOURI_D_REPEATED_OPTION, def->info.name, p->source,
                                p->offset, p->length,
                                "%s and its deprecated alias are both given; %s is used",
                                def->info.name, def->info.name);
            if (rc != MONGOURI_OK || k.deprecated)
                return rc;
            return store_value(c, k.id, p, k.alias, k.index);
        }
        rc = mongouri__warn(uri, c->err, MONGOURI_D_REPEATED_OPTION, def->info.name, p->source,
                            p->offset, p->length,
                            "%s is given more than once; the last value is used", def->info.name);
        if (rc != MONGOURI_OK)
            return rc;
    } else if (slot->set && def->info.type == MONGOURI_TYPE_TAGSETS) {
        /* A higher source replaces the whole list of tag sets. */
        slot->set = false;
        slot->v.tags.n = 0;
    }
    return store_value(c, k.id, p, k.alias, k.index);
}

/* ------------------------------------------------------------------------ */
/* Splitting the connection string                                           */
/* ------------------------------------------------------------------------ */

static mongouri_status syntax(ctx *c, mongouri_diag code, size_t at, size_t len, const char *fmt,
                              const char *arg)
{
    return mongouri__syntax_error(c->err, code, at, len, fmt, arg);
}

static bool secret_cb(void *vc, size_t start, size_t end)
{
    return secret_at(vc, start, end);
}

/* A piece of a TXT record that is not key=value, or does not decode. */
static mongouri_status txt_malformed(ctx *c, const char *why)
{
    return txt_error(c, mongouri__error_set(c->err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL,
                                            -1, 0, "the TXT record %s", why));
}

/* The error of a URI option piece that is not key=value. */
static mongouri_status piece_malformed(ctx *c, const mongouri__piece *pc)
{
    size_t i = pc->start, amp = pc->end;
    mongouri_status rc;

    if (pc->has_eq)
        return syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "%s",
                      "an option has a value but no name");
    {
        mongouri__key k = mongouri__option_lookup(c->text + i, amp - i);
        rc = syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "option '%s' has no '=value'",
                    k.id >= 0 ? mongouri__options[k.id].info.name : "?");
        if (k.id < 0 && c->err != NULL)
            snprintf(c->err->message, sizeof c->err->message, "an option has no '=value'");
    }
    mongouri__error_hint(c->err, "write options as key=value, separated by '&'");
    return rc;
}

/* The error of a URI option value that does not decode. */
static mongouri_status value_undecodable(ctx *c, const pair *p, size_t eq, size_t bad,
                                         mongouri_diag diag)
{
    mongouri__key k = mongouri__option_lookup(p->key, p->klen);
    mongouri_status rc;

    c->uri->has_secret = true; /* a partly decoded value stays in the arena */
    rc = mongouri__error_set(
        c->err, MONGOURI_E_SYNTAX, diag, k.id >= 0 ? mongouri__options[k.id].info.name : NULL,
        (long)(eq + 1 + bad), 1, "%s",
        diag == MONGOURI_D_BAD_ESCAPE ? "an option value has a '%' that is not followed by "
                                        "two hex digits"
        : diag == MONGOURI_D_NUL_BYTE ? "an option value decodes to a NUL byte"
                                      : "an option value decodes to invalid UTF-8");
    if (diag == MONGOURI_D_BAD_ESCAPE)
        mongouri__error_hint(c->err, "write a literal '%%' as %%25");
    return rc;
}

/*
 * The key=value pairs of t[at, end), a URI query or a TXT record, split by
 * the tokenizer's pieces, decoded and applied one by one as `source`.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline mongouri_status
apply_pieces(ctx *c, const char *t, size_t at, size_t end, mongouri_source source)
{
    bool txt = source == MONGOURI_SOURCE_TXT;
    size_t count = 0;
    mongouri__piece pc;

    for (size_t i = at; mongouri__piece_next(t, end, &i, &pc);) {
        pair p;
        char *val;
        size_t bad;
        mongouri_diag diag;
        mongouri_status rc;

        if (++count > MONGOURI_MAX_OPTIONS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL,
                                       txt ? -1 : (long)pc.start, 0, "more than %u options%s",
                                       MONGOURI_MAX_OPTIONS, txt ? " in the TXT record" : "");
        if (!pc.has_eq || pc.eq == pc.start)
            return txt ? txt_malformed(c, "has an option without '=value'")
                       : piece_malformed(c, &pc);
        val = mongouri__arena_alloc(&c->uri->arena, pc.end - pc.eq);
        if (val == NULL)
            return nomem(c->err);
        p.key = t + pc.start;
        p.klen = pc.eq - pc.start;
        if (!mongouri__pct_decode(t + pc.eq + 1, pc.end - pc.eq - 1, val, &p.vlen, &bad, &diag))
            return txt ? txt_malformed(c, "has a badly encoded value")
                       : value_undecodable(c, &p, pc.eq, bad, diag);
        p.val = val;
        p.source = source;
        p.offset = txt ? -1 : (long)pc.start;
        p.length = txt ? 0 : (long)(pc.end - pc.start);
        rc = apply_pair(c, &p);
        if (rc != MONGOURI_OK)
            return rc;
    }
    return MONGOURI_OK;
}

static mongouri_status parse_query(ctx *c, size_t at, size_t end)
{
    /* one scan for the rare ';', raw or escaped, instead of one per value */
    c->query_semicolon = memchr(c->text + at, ';', end - at) != NULL;
    return apply_pieces(c, c->text, at, end, MONGOURI_SOURCE_URI);
}

static mongouri_status parse_text(ctx *c)
{
    const char *s = c->text;
    size_t len = c->len;
    size_t start, hend, at_pos = 0, i;
    size_t nhosts;
    bool have_at = false;
    mongouri__split sp;
    mongouri__host_ctx hc;
    mongouri_status rc;

    if (len >= sizeof SCHEME_SRV - 1 && memcmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0) {
        c->uri->scheme = MONGOURI_SCHEME_MONGODB_SRV;
        start = sizeof SCHEME_SRV - 1;
    } else if (len >= sizeof SCHEME - 1 && memcmp(s, SCHEME, sizeof SCHEME - 1) == 0) {
        c->uri->scheme = MONGOURI_SCHEME_MONGODB;
        start = sizeof SCHEME - 1;
    } else {
        size_t sl = 0;
        while (sl < len && s[sl] != ':' && sl < 32)
            sl++;
        rc = syntax(c, MONGOURI_D_BAD_SCHEME, 0, sl, "%s",
                    len == 0 ? "the connection string is empty"
                             : "a connection string starts with mongodb:// or mongodb+srv://");
        if ((len >= sizeof SCHEME - 1 &&
             mongouri__strncasecmp(s, SCHEME, sizeof SCHEME - 1) == 0) ||
            (len >= sizeof SCHEME_SRV - 1 &&
             mongouri__strncasecmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0))
            mongouri__error_hint(c->err, "write the scheme in lower case");
        return rc;
    }

    {
        /* The tokenizer: the host information ends at the first '/', the
         * userinfo at the last '@' before it. */
        mongouri__split_text(s, len, start, &sp);
        if (sp.problem == MONGOURI__SPLIT_AMBIGUOUS) {
            rc = syntax(c, MONGOURI_D_BAD_USERINFO, sp.problem_at, 1, "%s",
                        "an '@' after '?' with no '/' before it is ambiguous: either the user "
                        "name or password holds an unescaped '?', or an option value holds an "
                        "unescaped '@'");
            mongouri__error_hint(c->err, "percent-encode '?' in a user name or password as "
                                         "%%3F, or '@' in an option value as %%40");
            return rc;
        }
        have_at = sp.has_userinfo;
        at_pos = sp.at;
        hend = sp.hosts_end;
    }
    i = start;
    if (have_at) {
        rc = mongouri__userinfo_parse(s, start, at_pos - start, &c->uri->arena, c->err,
                                      &c->uri->username, &c->uri->password, &c->uri->has_secret);
        if (rc != MONGOURI_OK)
            return rc;
        c->uri->has_userinfo = true;
        i = at_pos + 1;
    }

    if (i == hend) {
        rc = syntax(c, MONGOURI_D_NO_HOST, i, 0, "%s", "no host is given");
        if (hend < len && s[hend] == '/' && !have_at)
            mongouri__error_hint(c->err, "a unix socket path must be percent-encoded: "
                                         "%%2Ftmp%%2Fmongodb-27017.sock");
        return rc;
    }
    nhosts = count_pieces(s + i, hend - i, ',');
    if (nhosts > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, (long)i, 0,
                                   "more than %u hosts", MONGOURI_MAX_HOSTS);
    c->uri->hosts = mongouri__arena_alloc(&c->uri->arena, nhosts * sizeof *c->uri->hosts);
    if (c->uri->hosts == NULL)
        return nomem(c->err);
    hc.text = s;
    hc.arena = &c->uri->arena;
    hc.err = c->err;
    hc.srv = c->uri->scheme == MONGOURI_SCHEME_MONGODB_SRV;
    hc.secret_at = secret_cb;
    hc.secret_ctx = c;
    for (size_t k = 0; k < nhosts; k++) {
        const char *comma = memchr(s + i, ',', hend - i);
        size_t e = comma != NULL ? (size_t)(comma - s) : hend;
        rc = mongouri__host_parse(&hc, i, e - i, &c->uri->hosts[k]);
        if (rc != MONGOURI_OK) {
            /* An unescaped '/' or '?' in a password splits the string early. */
            if (!have_at && hend < len && mongouri__stray_at(s, hend, len)) {
                size_t q = hend;
                rc = syntax(c, MONGOURI_D_BAD_USERINFO, q, 1, "%s",
                            "the user name or password seems to contain an unescaped '/' or "
                            "'?'");
                mongouri__error_hint(c->err, "percent-encode '/' as %%2F and '?' as %%3F in a "
                                             "user name or password");
            }
            return rc;
        }
        c->uri->nhosts++;
        i = e + 1;
    }

    if (c->uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        const mongouri__host *h = &c->uri->hosts[0];
        if (nhosts != 1) {
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)c->uri->hosts[1].offset,
                        (size_t)c->uri->hosts[1].length, "%s",
                        "mongodb+srv:// takes exactly one host name");
            mongouri__error_hint(c->err, "list several hosts only with mongodb://");
            return rc;
        }
        if (h->type != MONGOURI_HOST_HOSTNAME)
            return syntax(c, MONGOURI_D_SRV_HOST, (size_t)h->offset, (size_t)h->length, "%s",
                          "mongodb+srv:// needs a DNS name, not an IP address or socket path");
        /* an empty label, which cannot be looked up, parse_host refused */
        if (h->port != 0) {
            const char *colon = memchr(s + h->offset, ':', (size_t)h->length);
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)(colon - s),
                        (size_t)(h->offset + h->length - (colon - s)), "%s",
                        "mongodb+srv:// takes no port: the ports come from the SRV records");
            return rc;
        }
    }

    if (hend == len)
        return MONGOURI_OK;
    if (sp.has_db &&
        (rc = mongouri__database_parse(s, sp.db_start, sp.db_end - sp.db_start, &c->uri->arena,
                                       c->err, &c->uri->database)) != MONGOURI_OK)
        return rc;
    if (sp.has_query)
        return parse_query(c, sp.query, len);
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Keywords and TXT                                                          */
/* ------------------------------------------------------------------------ */

static mongouri_status apply_keywords(ctx *c, const mongouri_keywords *kw)
{
    if (kw == NULL)
        return MONGOURI_OK;
    for (size_t i = 0; i < kw->n; i++) {
        pair p;
        size_t n = strlen(kw->items[i].value);
        char *v = mongouri__arena_strndup(&c->uri->arena, kw->items[i].value, n);
        mongouri_status rc;
        if (v == NULL)
            return nomem(c->err);
        p.key = kw->items[i].key;
        p.klen = strlen(p.key);
        p.val = v;
        p.vlen = n;
        p.source = MONGOURI_SOURCE_KEYWORD;
        p.offset = -1;
        p.length = 0;
        rc = apply_pair(c, &p);
        if (rc != MONGOURI_OK) {
            if (c->err != NULL)
                c->err->source = MONGOURI_SOURCE_KEYWORD;
            return rc;
        }
    }
    return MONGOURI_OK;
}

/* The options of the TXT record (D.3), through the same pieces and pair
 * step as the URI's; the text is kept in the arena while they are used. */
static mongouri_status apply_txt(ctx *c, const char *txt)
{
    size_t n = strlen(txt);
    char *copy = mongouri__arena_strndup(&c->uri->arena, txt, n);

    if (copy == NULL)
        return nomem(c->err);
    return apply_pieces(c, copy, 0, n, MONGOURI_SOURCE_TXT);
}

static mongouri_status apply_srv(ctx *c, const mongouri__srv_answer *srv)
{
    mongouri_uri *uri = c->uri;
    mongouri__host *hosts;

    if (srv->nseeds > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "more than %u SRV records", MONGOURI_MAX_HOSTS);
    hosts = mongouri__arena_alloc(&uri->arena, (srv->nseeds ? srv->nseeds : 1) * sizeof *hosts);
    if (hosts == NULL)
        return nomem(c->err);
    for (size_t i = 0; i < srv->nseeds; i++) {
        size_t n = strlen(srv->seed_hosts[i]);
        hosts[i].host = mongouri__arena_strndup(&uri->arena, srv->seed_hosts[i], n);
        if (hosts[i].host == NULL)
            return nomem(c->err);
        hosts[i].port = srv->seed_ports[i] != 0 ? srv->seed_ports[i] : 27017;
        hosts[i].type =
            mongouri__is_ipv4(hosts[i].host, n) ? MONGOURI_HOST_IPV4 : MONGOURI_HOST_HOSTNAME;
        hosts[i].source = MONGOURI_SOURCE_TXT;
        hosts[i].offset = -1;
        hosts[i].length = 0;
    }
    if (uri->nhosts > 0) {
        c->srv_offset = uri->hosts[0].offset;
        c->srv_length = uri->hosts[0].length;
    }
    uri->hosts = hosts;
    uri->nhosts = srv->nseeds;
    uri->resolved = true;
    if (srv->txt != NULL)
        return apply_txt(c, srv->txt);
    return MONGOURI_OK;
}

static void select_seeds(mongouri_uri *uri, const mongouri__srv_answer *srv)
{
    const mongouri__value *max = mongouri__val(uri, MONGOURI_OPT_SRVMAXHOSTS);
    size_t k;

    if (!max->set || max->v.i <= 0 || (uint64_t)max->v.i >= uri->nhosts)
        return;
    k = (size_t)max->v.i;
    if (srv->random == NULL) { /* resolution always gives one; keep the first k */
        uri->nhosts = k;
        return;
    }
    /* Fisher-Yates, stopped after the first k positions. */
    for (size_t i = 0; i < k; i++) {
        size_t j = i + srv->random(srv->random_ctx, (uint32_t)(uri->nhosts - i));
        mongouri__host t;
        if (j >= uri->nhosts)
            j = uri->nhosts - 1;
        t = uri->hosts[i];
        uri->hosts[i] = uri->hosts[j];
        uri->hosts[j] = t;
    }
    uri->nhosts = k;
}

/* ------------------------------------------------------------------------ */
/* The pipeline                                                              */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri__build(mongouri_uri **out, const char *text, size_t len,
                                unsigned int flags, const mongouri_keywords *kw,
                                const mongouri__srv_answer *srv, mongouri_error *err)
{
    mongouri_uri *uri;
    ctx c;
    mongouri_status rc;

    /* One allocation holds the result and the first arena block. */
    size_t head = (sizeof *uri + 15u) & ~(size_t)15u;
    /* Decoded strings take at most `len` bytes; a typical URI fits the first
     * block, and the whole allocation stays small for the common case. */
    size_t room = len + 8 * sizeof(mongouri__value) + 3 * sizeof(mongouri__host) + 64;
    if (len > MONGOURI_MAX_URI_LENGTH)
        room = 0;
    uri = malloc(head + room);
    if (uri == NULL)
        return nomem(err);
    memset(uri, 0, sizeof *uri);
    uri->flags = flags;
    if (room > 0)
        mongouri__arena_adopt(&uri->arena, (char *)uri + head, room);
    c.uri = uri;
    c.err = err;
    c.text = text;
    c.len = len;
    c.srv_offset = -1;
    c.srv_length = 0;
    c.query_semicolon = false;
    mongouri__secrets_init(&c.secrets, text, len);

    if ((rc = parse_text(&c)) != MONGOURI_OK)
        goto fail;
    if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        /* kept (and wiped on destroy) for a later resolution */
        uri->text = mongouri__arena_strndup(&uri->arena, text, len);
        if (uri->text == NULL) {
            rc = nomem(err);
            goto fail;
        }
        uri->text_len = len;
    }
    if ((rc = apply_keywords(&c, kw)) != MONGOURI_OK)
        goto fail;
    if (srv != NULL && (rc = apply_srv(&c, srv)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__rules_check(uri, err)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__credential_derive(uri, err)) != MONGOURI_OK)
        goto fail;
    mongouri__tls_normalize(uri);
    if (srv != NULL)
        select_seeds(uri, srv);
    if (kw != NULL && kw->n > 0 &&
        (rc = mongouri__keywords_clone(&uri->keywords, kw)) != MONGOURI_OK) {
        nomem(err);
        goto fail;
    }
    mongouri__secrets_free(&c.secrets);
    *out = uri;
    return MONGOURI_OK;
fail:
    mongouri__secrets_free(&c.secrets);
    mongouri_uri_destroy(uri);
    return rc;
}

mongouri_status mongouri_parse_options_init(mongouri_parse_options *opts, unsigned int version)
{
    const mongouri_parse_options defaults = MONGOURI_PARSE_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_PARSE_OPTIONS_VERSION);
}

/* `terminated`: text[0..len) is known to hold no NUL (it was measured by strnlen). */
static mongouri_status parse_checked(mongouri_uri **out, const char *text, size_t len,
                                     const mongouri_parse_options *opts, mongouri_error *err,
                                     bool terminated)
{
    unsigned int flags = 0;
    const mongouri_keywords *kw = NULL;
    const char *nul;

    mongouri__error_clear(err);
    if (out == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out must not be NULL");
    *out = NULL;
    if (text == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    if (opts != NULL) {
        mongouri_status rc = mongouri__opts_check("mongouri_parse_options", opts->version,
                                                  MONGOURI_PARSE_OPTIONS_VERSION, err);

        if (rc != MONGOURI_OK)
            return rc;
        flags = opts->flags;
        kw = opts->keywords;
    }
    if (len > MONGOURI_MAX_URI_LENGTH)
        return mongouri__error_set(err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "the connection string is longer than %u bytes",
                                   MONGOURI_MAX_URI_LENGTH);
    nul = terminated ? NULL : memchr(text, '\0', len);
    if (nul != NULL)
        return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_NUL_BYTE, NULL,
                                   (long)(nul - text), 1,
                                   "the connection string contains a NUL byte");
    return mongouri__build(out, text, len, flags, kw, NULL, err);
}

mongouri_status mongouri_uri_parse_len(mongouri_uri **out, const char *text, size_t len,
                                       const mongouri_parse_options *opts, mongouri_error *err)
{
    return parse_checked(out, text, len, opts, err, false);
}

mongouri_status mongouri_uri_parse(mongouri_uri **out, const char *text,
                                   const mongouri_parse_options *opts, mongouri_error *err)
{
    if (text == NULL) {
        mongouri__error_clear(err);
        if (out != NULL)
            *out = NULL;
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    }
    return parse_checked(out, text, strnlen(text, MONGOURI_MAX_URI_LENGTH + 1), opts, err, true);
}

void mongouri_uri_destroy(mongouri_uri *uri)
{
    if (uri == NULL)
        return;
    /* Every secret lives in the arena (the password, secret option values,
     * values of unknown keys, the kept input): wipe it all when there was one. */
    if (uri->has_secret)
        mongouri__arena_wipe(&uri->arena);
    mongouri_keywords_destroy(uri->keywords);
    mongouri__arena_free(&uri->arena);
    free(uri);
}
