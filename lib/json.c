/* The JSON rendering of a result (cJSON), and redaction of secrets. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "uri_int.h"
#include "host_int.h"
#include "options_int.h"
#include "split_int.h"
#include "util_int.h"
#include "value_int.h"

#define MASK "****"

/* ------------------------------------------------------------------------ */
/* Redaction                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct span {
    size_t start, end; /* [start, end) is replaced by MASK */
} span;

typedef struct spans {
    span *v;
    size_t n, cap;
} spans;

static bool add_span(spans *s, size_t start, size_t end)
{
    if (end <= start)
        return true;
    if (s->n == s->cap) {
        size_t cap = s->cap == 0 ? 8 : s->cap * 2;
        span *grown = realloc(s->v, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        s->v = grown;
        s->cap = cap;
    }
    s->v[s->n].start = start;
    s->v[s->n].end = end;
    s->n++;
    return true;
}

static bool span_cb(void *ctx, size_t start, size_t end)
{
    return add_span(ctx, start, end);
}

/* The tokenizer decides what is secret, for the parser and the redactor alike. */
static bool collect_spans(const char *t, size_t len, spans *out)
{
    return mongouri__secret_spans(t, len, span_cb, out);
}

static int by_start(const void *a, const void *b)
{
    const span *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort the spans and merge those that overlap or touch. */
static void normalize(spans *sp)
{
    size_t o = 0;

    if (sp->n < 2)
        return;
    qsort(sp->v, sp->n, sizeof *sp->v, by_start);
    for (size_t i = 1; i < sp->n; i++) {
        if (sp->v[i].start <= sp->v[o].end) {
            if (sp->v[i].end > sp->v[o].end)
                sp->v[o].end = sp->v[i].end;
        } else {
            sp->v[++o] = sp->v[i];
        }
    }
    sp->n = o + 1;
}

char *mongouri_redact(const char *text, long offset, long *redacted_offset)
{
    spans sp = {NULL, 0, 0};
    size_t len, outlen, o = 0, i = 0;
    char *out;

    if (text == NULL)
        return NULL;
    len = strlen(text);
    if (!collect_spans(text, len, &sp)) {
        free(sp.v);
        return NULL;
    }
    normalize(&sp);
    outlen = len;
    for (size_t k = 0; k < sp.n; k++)
        outlen = outlen - (sp.v[k].end - sp.v[k].start) + strlen(MASK);
    out = malloc(outlen + 1);
    if (out == NULL) {
        free(sp.v);
        return NULL;
    }
    if (redacted_offset != NULL)
        *redacted_offset = offset;
    for (size_t k = 0; k <= sp.n; k++) {
        size_t stop = k < sp.n ? sp.v[k].start : len;
        if (offset >= 0 && (size_t)offset >= i && (size_t)offset < stop && redacted_offset)
            *redacted_offset = (long)(o + ((size_t)offset - i));
        memcpy(out + o, text + i, stop - i);
        o += stop - i;
        if (k == sp.n)
            break;
        if (offset >= 0 && (size_t)offset >= sp.v[k].start && (size_t)offset < sp.v[k].end &&
            redacted_offset)
            *redacted_offset = (long)o;
        memcpy(out + o, MASK, strlen(MASK));
        o += strlen(MASK);
        i = sp.v[k].end;
    }
    if (offset >= 0 && (size_t)offset >= len && redacted_offset)
        *redacted_offset = (long)(o + ((size_t)offset - len));
    out[o] = '\0';
    free(sp.v);
    return out;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A JSON string from bytes that may not be UTF-8 (an invalid input is echoed in
 * "uri"): each byte of an invalid sequence becomes U+FFFD, so the document is
 * always valid UTF-8.
 */
static cJSON *text_json(const char *s)
{
    size_t n = strlen(s), bad, o = 0;
    char *fixed;
    cJSON *item;

    if (mongouri__utf8_valid(s, n, &bad))
        return cJSON_CreateString(s);
    fixed = malloc(3 * n + 1);
    if (fixed == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t k;
        if ((unsigned char)s[i] < 0x80) {
            fixed[o++] = s[i++];
            continue;
        }
        for (k = 2; k <= 4 && i + k <= n; k++)
            if (mongouri__utf8_valid(s + i, k, &bad))
                break;
        if (k <= 4 && i + k <= n) {
            memcpy(fixed + o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(fixed + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    fixed[o] = '\0';
    item = cJSON_CreateString(fixed);
    /* the copy may hold the whole input, secrets included (SHOW_SECRETS) */
    mongouri__wipe(fixed, o);
    free(fixed);
    return item;
}

static cJSON *str_or_null(const char *s)
{
    return s != NULL ? text_json(s) : cJSON_CreateNull();
}

static cJSON *secret(const char *s, unsigned int flags)
{
    if (s == NULL)
        return cJSON_CreateNull();
    return cJSON_CreateString((flags & MONGOURI_JSON_SHOW_SECRETS) ? s : MASK);
}

static bool put(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return false;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static bool push(cJSON *arr, cJSON *item)
{
    if (item == NULL)
        return false;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static cJSON *diag_json(const mongouri_error *e)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL;

    ok = ok && put(o, "code", cJSON_CreateString(mongouri_diag_name(e->code)));
    ok = ok && put(o, "option", e->option[0] != '\0' ? text_json(e->option) : cJSON_CreateNull());
    ok = ok && put(o, "offset",
                   e->offset >= 0 ? cJSON_CreateNumber((double)e->offset) : cJSON_CreateNull());
    ok = ok && put(o, "length", cJSON_CreateNumber((double)e->length));
    ok = ok && put(o, "source", cJSON_CreateString(mongouri_source_name(e->source)));
    ok = ok && put(o, "message", text_json(e->message));
    ok = ok && put(o, "hint", e->hint[0] != '\0' ? text_json(e->hint) : cJSON_CreateNull());
    if (ok && e->status != MONGOURI_OK)
        ok = put(o, "status", cJSON_CreateString(mongouri_strerror(e->status)));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *kv_object(const mongouri__kv *items, size_t n, unsigned int flags, bool props)
{
    cJSON *o = cJSON_CreateObject();
    int first = MONGOURI_SHOWN_ALL;
    /* as the tokenizer reads the URI: a secret item hides itself and all
     * that follows it, names included */
    size_t shown =
        (flags & MONGOURI_JSON_SHOW_SECRETS) ? n : mongouri__items_shown(items, n, props, &first);
    bool ok = o != NULL;

    for (size_t i = 0; ok && i < shown; i++)
        ok = put(o, items[i].key, cJSON_CreateString(items[i].value));
    if (ok && first == MONGOURI_SHOWN_KEY) {
        ok = put(o, items[shown].key, cJSON_CreateString(MASK));
        shown++;
    }
    if (ok && shown < n)
        ok = put(o, MASK, cJSON_CreateString(MASK));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *option_json(const mongouri_uri *uri, int id, unsigned int flags)
{
    const mongouri__optdef *def = &mongouri__options[id];
    const mongouri__value *v = mongouri__val(uri, id);

    switch (def->info.type) {
    case MONGOURI_TYPE_BOOL:
        return cJSON_CreateBool(v->v.b);
    case MONGOURI_TYPE_INT:
        return cJSON_CreateNumber((double)v->v.i);
    case MONGOURI_TYPE_W:
        if (!v->is_string)
            return cJSON_CreateNumber((double)v->v.i);
        /* fall through */
    case MONGOURI_TYPE_STRING:
    case MONGOURI_TYPE_ENUM:
        if (mongouri__value_hidden(uri, id))
            return secret(v->v.s, flags);
        return cJSON_CreateString(v->v.s);
    case MONGOURI_TYPE_LIST: {
        if (!(flags & MONGOURI_JSON_SHOW_SECRETS) && mongouri__value_hidden(uri, id))
            return cJSON_CreateString(MASK);
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; a != NULL && i < v->v.list.n; i++)
            if (!push(a, cJSON_CreateString(v->v.list.items[i]))) {
                cJSON_Delete(a);
                return NULL;
            }
        return a;
    }
    case MONGOURI_TYPE_KEYVALUE:
        return kv_object(v->v.kv.items, v->v.kv.n, flags,
                         id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES);
    case MONGOURI_TYPE_TAGSETS: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; a != NULL && i < v->v.tags.n; i++)
            if (!push(a, kv_object(v->v.tags.sets[i].tags, v->v.tags.sets[i].n, flags, false))) {
                cJSON_Delete(a);
                return NULL;
            }
        return a;
    }
    }
    return NULL;
}

static bool render_valid(cJSON *root, const mongouri_uri *uri, unsigned int flags)
{
    cJSON *hosts, *auth, *opts, *srcs, *tls, *tsrc, *tdet, *warns;
    const mongouri_tls_settings *t = &uri->tls;
    bool ok = true;

    ok = ok && put(root, "scheme",
                   cJSON_CreateString(uri->scheme == MONGOURI_SCHEME_MONGODB_SRV ? "mongodb+srv"
                                                                                 : "mongodb"));
    ok = ok && put(root, "resolved", cJSON_CreateBool(uri->resolved));
    ok = ok && put(root, "hosts", hosts = cJSON_CreateArray());
    for (size_t i = 0; ok && i < uri->nhosts; i++) {
        const mongouri__host *h = &uri->hosts[i];
        cJSON *o = cJSON_CreateObject();
        ok = push(hosts, o);
        ok = ok && put(o, "host", cJSON_CreateString(h->host));
        ok = ok && put(o, "port", h->port != 0 ? cJSON_CreateNumber(h->port) : cJSON_CreateNull());
        ok = ok && put(o, "type",
                       cJSON_CreateString(mongouri_host_type_name((mongouri_host_type)h->type)));
        ok = ok &&
             put(o, "source", cJSON_CreateString(mongouri_source_name((mongouri_source)h->source)));
    }

    ok = ok && put(root, "auth", auth = cJSON_CreateObject());
    ok = ok && put(auth, "username", str_or_null(uri->username));
    ok = ok && put(auth, "password", secret(uri->password, flags));
    ok = ok && put(auth, "db", str_or_null(uri->database));
    ok = ok && put(auth, "credential", cJSON_CreateBool(uri->has_credential));
    ok = ok && put(auth, "mechanism", str_or_null(uri->has_credential ? uri->mechanism : NULL));
    /* The auth source is the authSource value when that is given: hidden as it is. */
    if (uri->has_credential && uri->auth_source != NULL &&
        mongouri__value_hidden(uri, MONGOURI_OPT_AUTHSOURCE))
        ok = ok && put(auth, "source", secret(uri->auth_source, flags));
    else
        ok = ok && put(auth, "source", str_or_null(uri->has_credential ? uri->auth_source : NULL));
    if (ok && uri->has_credential && uri->nprops > 0)
        ok = put(auth, "mechanismProperties", kv_object(uri->props, uri->nprops, flags, true));
    else if (ok)
        ok = put(auth, "mechanismProperties", cJSON_CreateNull());

    ok = ok && put(root, "options", opts = cJSON_CreateObject());
    ok = ok && put(root, "optionSources", srcs = cJSON_CreateObject());
    for (int id = 0; ok && id < MONGOURI_OPT__COUNT; id++) {
        const mongouri__value *v = mongouri__val(uri, id);
        /* gssapiServiceName is shown as what it stands for: the SERVICE_NAME
         * of authMechanismProperties (as the writer writes it) */
        bool gssapi =
            id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && uri->gssapi_service_name != NULL;
        cJSON *value;

        if (!v->set && !gssapi)
            continue;
        value = v->set ? option_json(uri, id, flags) : cJSON_CreateObject();
        if (gssapi && value != NULL && !cJSON_HasObjectItem(value, "SERVICE_NAME") &&
            !put(value, "SERVICE_NAME",
                 mongouri__item_shown("SERVICE_NAME", uri->gssapi_service_name, true) ==
                         MONGOURI_SHOWN_ALL
                     ? cJSON_CreateString(uri->gssapi_service_name)
                     : secret(uri->gssapi_service_name, flags))) {
            cJSON_Delete(value);
            value = NULL;
        }
        ok = put(opts, mongouri__options[id].info.name, value);
        ok = ok && put(srcs, mongouri__options[id].info.name,
                       cJSON_CreateString(mongouri_source_name(
                           (mongouri_source)(v->set ? v->source : uri->gssapi_source))));
    }

    ok = ok && put(root, "tls", tls = cJSON_CreateObject());
    ok = ok && put(tls, "enabled", cJSON_CreateBool(t->enabled));
    ok = ok && put(tls, "caFile", str_or_null(t->ca_file));
    ok = ok && put(tls, "certificateKeyFile", str_or_null(t->certificate_key_file));
    ok = ok &&
         put(tls, "certificateKeyFilePassword", secret(t->certificate_key_file_password, flags));
    ok = ok && put(tls, "crlFile", str_or_null(t->crl_file));
    ok = ok &&
         put(tls, "verifyCertificates", cJSON_CreateBool(t->enabled && t->verify_certificates));
    ok = ok && put(tls, "verifyHostnames", cJSON_CreateBool(t->enabled && t->verify_hostnames));
    ok = ok && put(tls, "revocation", cJSON_CreateString(mongouri_revocation_name(t->revocation)));
    ok = ok && put(tls, "source", tsrc = cJSON_CreateObject());
    ok = ok && put(tls, "detail", tdet = cJSON_CreateObject());
    for (int f = 0; ok && f < MONGOURI_TLS__FIELDS; f++) {
        ok = put(tsrc, mongouri_tls_field_name((mongouri_tls_field)f),
                 cJSON_CreateString(mongouri_source_name((mongouri_source)t->source[f])));
        ok = ok && put(tdet, mongouri_tls_field_name((mongouri_tls_field)f),
                       cJSON_CreateString(mongouri_tls_source_detail(t, (mongouri_tls_field)f)));
    }

    ok = ok && put(root, "warnings", warns = cJSON_CreateArray());
    for (size_t i = 0; ok && i < uri->nwarnings; i++)
        ok = push(warns, diag_json(&uri->warnings[i]));
    ok = ok && put(root, "error", cJSON_CreateNull());
    return ok;
}

static bool render_invalid(cJSON *root, const mongouri_error *err)
{
    bool ok = true;

    ok = ok && put(root, "scheme", cJSON_CreateNull());
    ok = ok && put(root, "resolved", cJSON_CreateBool(false));
    ok = ok && put(root, "hosts", cJSON_CreateArray());
    ok = ok && put(root, "auth", cJSON_CreateNull());
    ok = ok && put(root, "options", cJSON_CreateObject());
    ok = ok && put(root, "optionSources", cJSON_CreateObject());
    ok = ok && put(root, "tls", cJSON_CreateNull());
    ok = ok && put(root, "warnings", cJSON_CreateArray());
    if (err != NULL)
        ok = ok && put(root, "error", diag_json(err));
    else
        ok = ok && put(root, "error", cJSON_CreateNull());
    return ok;
}

/*
 * Zero every string of the tree (it may hold secrets), values and names,
 * before it is freed; strings the tree only refers to are not its own.
 */
static void wipe_tree(cJSON *item)
{
    for (; item != NULL; item = item->next) {
        if (item->valuestring != NULL && !(item->type & cJSON_IsReference))
            mongouri__wipe_str(item->valuestring);
        if (item->string != NULL && !(item->type & cJSON_StringIsConst))
            mongouri__wipe_str(item->string);
        if (!(item->type & cJSON_IsReference))
            wipe_tree(item->child);
    }
}

void mongouri_json_tree_free(cJSON *tree)
{
    if (tree == NULL)
        return;
    wipe_tree(tree);
    cJSON_Delete(tree);
}

/*
 * Print into memory of our own (malloc), so that mongouri_free() is the right
 * way to release it whatever allocator hooks cJSON was given, and so that no
 * copy of a shown secret is left behind in a freed print buffer.
 */
static char *print_owned(cJSON *root, bool pretty, bool secrets, size_t hint)
{
    size_t cap = 1024 + 8 * hint;

    for (int tries = 0; tries < 16; tries++, cap *= 2) {
        char *buf = malloc(cap);
        if (buf == NULL)
            return NULL;
        if (cap <= INT32_MAX && cJSON_PrintPreallocated(root, buf, (int)cap, pretty))
            return buf;
        if (secrets)
            mongouri__wipe(buf, cap);
        free(buf);
    }
    return NULL;
}

cJSON *mongouri_json_tree(const char *input, const mongouri_uri *uri, const mongouri_error *err,
                          unsigned int flags)
{
    cJSON *root = cJSON_CreateObject();
    char *shown = NULL;
    bool ok;

    if (root == NULL)
        return NULL;
    if (input != NULL && !(flags & MONGOURI_JSON_SHOW_SECRETS))
        shown = mongouri_redact(input, -1, NULL);
    ok = put(root, "valid", cJSON_CreateBool(uri != NULL));
    if (input == NULL)
        ok = ok && put(root, "uri", cJSON_CreateNull());
    else
        ok = ok && put(root, "uri", text_json(shown != NULL ? shown : input)) &&
             (shown != NULL || (flags & MONGOURI_JSON_SHOW_SECRETS));
    free(shown);
    ok = ok && (uri != NULL ? render_valid(root, uri, flags) : render_invalid(root, err));
    if (!ok) {
        mongouri_json_tree_free(root);
        return NULL;
    }
    return root;
}

char *mongouri_json_render(const char *input, const mongouri_uri *uri, const mongouri_error *err,
                           unsigned int flags)
{
    cJSON *root = mongouri_json_tree(input, uri, err, flags);
    char *text;

    if (root == NULL)
        return NULL;
    text =
        print_owned(root, (flags & MONGOURI_JSON_PRETTY) != 0,
                    (flags & MONGOURI_JSON_SHOW_SECRETS) != 0, input != NULL ? strlen(input) : 0);
    mongouri_json_tree_free(root);
    return text;
}
