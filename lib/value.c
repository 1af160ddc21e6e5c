/*
 * Typed value parsing: one parser per option type (bool, int, string, enum,
 * list, key:value list, tag sets, w), chosen by the type of the option's
 * row. A parser reads the decoded value of one occurrence, warns or refuses
 * in the option's words, and gives the typed value; store_value keeps it.
 */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"
#include "diag_int.h"
#include "uri_int.h"
#include "options_int.h"
#include "value_int.h"
#include "error_int.h"
#include "split_int.h"
#include "util_int.h"

static mongouri_status nomem(mongouri_error *err)
{
    return mongouri__nomem(err);
}

/* ------------------------------------------------------------------------ */
/* Words                                                                     */
/* ------------------------------------------------------------------------ */

int mongouri__parse_bool_other(const char *s, size_t n)
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

bool mongouri__parse_int_any(const char *s, size_t n, int64_t *out)
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
    if (n - i <= 18) { /* 18 digits cannot overflow: no check per digit */
        for (; i < n; i++) {
            unsigned d = (unsigned char)s[i] - (unsigned)'0';
            if (d > 9)
                return false;
            v = v * 10 + d;
        }
    }
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

size_t mongouri__count_pieces(const char *v, size_t n, char sep)
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

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

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
bool mongouri__value_secret(mongouri__vctx *c, const mongouri__pair *p)
{
    if (p->offset >= 0 && p->source == MONGOURI_SOURCE_URI)
        return c->secret_at(c->secret_ctx, (size_t)p->offset + p->klen,
                            (size_t)(p->offset + p->length));
    return !mongouri__pair_spans(p->key, p->klen, p->val, p->vlen, 0, false, any_span, NULL);
}

const char *mongouri__value_text(mongouri__vctx *c, const mongouri__pair *p)
{
    return mongouri__value_secret(c, p) ? "(hidden)" : p->val;
}

/* A value fit to show in a message: secrets never, long values cut. */
static void show_value(mongouri__vctx *c, const mongouri__pair *p, char *buf, size_t cap, int id,
                       const char *v, size_t n)
{
    if ((id >= 0 && (mongouri__options[id].info.flags & MONGOURI_OPTION_SECRET)) ||
        mongouri__value_secret(c, p)) {
        snprintf(buf, cap, "(hidden)");
        return;
    }
    if (n > 40)
        snprintf(buf, cap, "'%.37s...'", v);
    else
        snprintf(buf, cap, "'%.*s'", (int)n, v);
}

static mongouri_status invalid_value(mongouri__vctx *c, int id, const mongouri__pair *p,
                                     const char *why)
{
    char shown[64];
    const mongouri__optdef *def = &mongouri__options[id];
    mongouri_status rc;

    show_value(c, p, shown, sizeof shown, id, p->val, p->vlen);
    rc = mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, def->info.name, p->source,
                        p->offset, p->length, "%s: invalid value %s (%s); the option is ignored",
                        def->info.name, shown, why);
    if (rc == MONGOURI_OK || (c->uri->flags & MONGOURI_PARSE_STRICT))
        mongouri__warn_hint(c->uri, c->err, "allowed: %s", def->info.values);
    return rc;
}

/* Parse k:v,k:v into *out; false (with *bad set) when an element lacks ':'. */
static mongouri_status parse_kv(mongouri__vctx *c, char *v, size_t n, bool properties,
                                mongouri__kv **out, size_t *count, bool *bad)
{
    size_t k = n == 0 ? 0 : mongouri__count_pieces(v, n, ',');
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

/* ------------------------------------------------------------------------ */
/* One parser per type                                                       */
/* ------------------------------------------------------------------------ */

/* One occurrence being typed: `v` starts as the slot's value and is stored
 * when the parser sets `store`. */
typedef struct typed {
    int id;
    const mongouri__optdef *def;
    const mongouri__pair *p;
    const mongouri__value *slot;
    mongouri__payload v;
    bool is_string;
    bool store;
} typed;

static mongouri_status parse_bool_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    const char *name = t->def->info.name;
    int b = mongouri__parse_bool(p->val, p->vlen);

    if (b < 0)
        return invalid_value(c, t->id, p, "not true or false");
    if (b >= 2) {
        mongouri_status rc =
            mongouri__warn(c->uri, c->err, MONGOURI_D_LEGACY_BOOLEAN, name, p->source, p->offset,
                           p->length, "%s=%s is a deprecated boolean form; write %s=%s", name,
                           mongouri__value_text(c, p), name, b == 2 ? "true" : "false");
        if (rc != MONGOURI_OK)
            return rc;
    }
    t->v.b = (b == 1 || b == 2);
    t->store = true;
    return MONGOURI_OK;
}

static mongouri_status parse_int_value(mongouri__vctx *c, typed *t)
{
    int64_t i;

    if (!mongouri__parse_int(t->p->val, t->p->vlen, &i))
        return invalid_value(c, t->id, t->p, "not an integer");
    if (i < t->def->min || i > t->def->max ||
        (t->def->check == MONGOURI__CHECK_STALENESS && i != -1 && i < 90))
        return invalid_value(c, t->id, t->p, "out of range");
    t->v.i = i;
    t->store = true;
    return MONGOURI_OK;
}

static mongouri_status parse_string_value(mongouri__vctx *c, typed *t)
{
    if (t->def->check == MONGOURI__CHECK_SERVICE && !valid_service_name(t->p->val, t->p->vlen))
        return invalid_value(c, t->id, t->p, "not a service name");
    if (t->def->check == MONGOURI__CHECK_MAX128 && t->p->vlen > 128)
        return invalid_value(c, t->id, t->p, "longer than 128 bytes");
    t->v.s = t->p->val;
    t->store = true;
    return MONGOURI_OK;
}

static mongouri_status parse_enum_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    const char *found = mongouri__choice(t->def, p->val, p->vlen);

    if (found == NULL) {
        if (t->id == MONGOURI_OPT_AUTHMECHANISM) {
            /* an unknown mechanism is a credential error, not an ignored option */
            char shown[64];
            show_value(c, p, shown, sizeof shown, t->id, p->val, p->vlen);
            return mongouri__auth_unknown_mechanism(c->err, t->def->info.name, shown,
                                                    t->def->info.values, p->source, p->offset,
                                                    p->length);
        }
        return invalid_value(c, t->id, p, "not one of the allowed values");
    }
    t->v.s = found;
    t->store = true;
    return MONGOURI_OK;
}

static mongouri_status parse_list_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    const char *name = t->def->info.name;
    size_t k = mongouri__count_pieces(p->val, p->vlen, ',');
    const char **items;
    size_t m = 0;
    const char *s = p->val;

    if (k > MONGOURI_MAX_LIST_ITEMS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, name, p->offset,
                                   p->length, "more than %u items in %s", MONGOURI_MAX_LIST_ITEMS,
                                   name);
    items = mongouri__arena_alloc(&c->uri->arena, k * sizeof *items);
    if (items == NULL)
        return nomem(c->err);
    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
        const char *found = mongouri__choice(t->def, s, len);
        if (found == NULL) {
            char shown[64];
            mongouri_status rc;
            show_value(c, p, shown, sizeof shown, t->id, s, len);
            rc =
                mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, name, p->source, p->offset,
                               p->length, "%s: unknown compressor %s is ignored", name, shown);
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
    t->v.list.n = (uint32_t)m;
    t->v.list.items = items;
    t->store = true;
    return MONGOURI_OK;
}

static mongouri_status parse_keyvalue_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    bool bad;
    mongouri__kv *items;
    size_t m;
    mongouri_status rc = parse_kv(c, (char *)p->val, p->vlen,
                                  t->id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES, &items, &m, &bad);

    if (rc != MONGOURI_OK)
        return rc;
    if (bad)
        return mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, t->def->info.name,
                              p->source, p->offset, p->length,
                              "%s: every item must be KEY:value (a value cannot contain a "
                              "comma); the option is ignored",
                              t->def->info.name);
    t->v.kv.n = (uint32_t)m;
    t->v.kv.items = items;
    t->store = true;
    return MONGOURI_OK;
}

/* Each occurrence adds one tag set to those of its source. */
static mongouri_status parse_tagsets_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    const mongouri__value *slot = t->slot;
    const char *name = t->def->info.name;
    bool bad;
    mongouri__kv *items;
    size_t m;
    mongouri__tagset *sets;
    size_t have = slot->set ? slot->v.tags.n : 0;
    mongouri_status rc = parse_kv(c, (char *)p->val, p->vlen, false, &items, &m, &bad);

    if (rc != MONGOURI_OK)
        return rc;
    if (bad) {
        char shown[64];
        show_value(c, p, shown, sizeof shown, t->id, p->val, p->vlen);
        return mongouri__warn(c->uri, c->err, MONGOURI_D_INVALID_VALUE, name, p->source, p->offset,
                              p->length,
                              "readPreferenceTags: tag set %s is not key:value,key:value; it "
                              "is ignored",
                              shown);
    }
    if (have >= MONGOURI_MAX_TAG_SETS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, name, p->offset,
                                   p->length, "more than %u readPreferenceTags",
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
        t->v.tags.cap = cap;
    }
    sets[have].n = m;
    sets[have].tags = items;
    t->v.tags.n = (uint32_t)have + 1;
    t->v.tags.sets = sets;
    t->store = true;
    return MONGOURI_OK;
}

/* w: a number of acknowledgements or any other word (a tag set name). */
static mongouri_status parse_w_value(mongouri__vctx *c, typed *t)
{
    const mongouri__pair *p = t->p;
    const char *v = p->val;
    int64_t i;

    if (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
        if (mongouri__parse_int(v, p->vlen, &i) && i < 0) {
            /* read/write-concern spec: a negative w is an error, not ignored */
            mongouri_status e = mongouri__error_set(
                c->err, MONGOURI_E_OPTION, MONGOURI_D_INVALID_VALUE, t->def->info.name, p->offset,
                p->length, "w=%s: a number of acknowledgements cannot be negative",
                mongouri__value_text(c, p));
            mongouri__error_hint(c->err, "allowed: %s", t->def->info.values);
            if (c->err != NULL)
                c->err->source = p->source;
            return e;
        }
        if (!mongouri__parse_int(v, p->vlen, &i) || i > t->def->max)
            return invalid_value(c, t->id, p, "a number must be an integer >= 0");
        t->v.i = i;
        t->is_string = false;
    } else {
        t->v.s = v;
        t->is_string = true;
    }
    t->store = true;
    return MONGOURI_OK;
}

/* The parser of a row's type. */
static mongouri_status parse_typed(mongouri__vctx *c, typed *t)
{
    switch (t->def->info.type) {
    case MONGOURI_TYPE_BOOL:
        return parse_bool_value(c, t);
    case MONGOURI_TYPE_INT:
        return parse_int_value(c, t);
    case MONGOURI_TYPE_STRING:
        return parse_string_value(c, t);
    case MONGOURI_TYPE_ENUM:
        return parse_enum_value(c, t);
    case MONGOURI_TYPE_LIST:
        return parse_list_value(c, t);
    case MONGOURI_TYPE_KEYVALUE:
        return parse_keyvalue_value(c, t);
    case MONGOURI_TYPE_TAGSETS:
        return parse_tagsets_value(c, t);
    case MONGOURI_TYPE_W:
        return parse_w_value(c, t);
    }
    return MONGOURI_OK; /* no such type: nothing stored */
}

mongouri_status mongouri__store_value(mongouri__vctx *c, int id, const mongouri__pair *p,
                                      bool by_alias, uint8_t spelling)
{
    const mongouri__optdef *def = &mongouri__options[id];
    mongouri__value *slot = mongouri__slot(c->uri, id);
    typed t;
    mongouri_status rc;

    if (slot == NULL)
        return nomem(c->err);
    if (p->vlen == 0 && def->info.type != MONGOURI_TYPE_TAGSETS) {
        if (id == MONGOURI_OPT_AUTHSOURCE)
            return mongouri__auth_empty_source(c->err, def->info.name, p->offset, p->length);
        rc = mongouri__warn(c->uri, c->err, MONGOURI_D_EMPTY_VALUE, def->info.name, p->source,
                            p->offset, p->length, "%s has an empty value; the option is ignored",
                            def->info.name);
        if (rc == MONGOURI_OK || (c->uri->flags & MONGOURI_PARSE_STRICT))
            mongouri__warn_hint(c->uri, c->err, "allowed: %s", def->info.values);
        return rc;
    }
    /* The slot changes only once the new value is known to be valid. */
    t.id = id;
    t.def = def;
    t.p = p;
    t.slot = slot;
    t.v = slot->v;
    t.is_string = slot->is_string;
    t.store = false;
    rc = parse_typed(c, &t);
    if (!t.store)
        return rc;
    slot->v = t.v;
    slot->is_string = t.is_string;
    slot->set = true;
    slot->set_spelling = spelling;
    slot->by_alias = by_alias;
    slot->source = (uint8_t)p->source;
    slot->offset = p->offset;
    slot->length = p->length;
    return rc;
}
