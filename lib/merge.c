/*
 * Merging the sources of the options by level: keyword > URI > TXT >
 * default. Each occurrence is looked up, checked against where it comes
 * from (TXT-allowed, deprecated spellings, tls and ssl agreement, repeats),
 * and handed to the value parser of its type when its level wins.
 */
#include <string.h>

#include "diag_int.h"
#include "uri_int.h"
#include "merge_int.h"
#include "options_int.h"
#include "rules_int.h"
#include "value_int.h"
#include "error_int.h"
#include "util_int.h"

static mongouri_status nomem(mongouri_error *err)
{
    return mongouri__nomem(err);
}

/* Point a TXT-record error at the SRV host name it came from. */
static mongouri_status txt_error(mongouri__vctx *c, mongouri_status rc)
{
    return mongouri__txt_error(c->err, rc, c->srv_offset, c->srv_length);
}

int mongouri__rank(mongouri_source s)
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

/* ';' does not separate options: warn when a value holds ";knownKey=". */
static mongouri_status semicolon_check(mongouri__vctx *c, const mongouri__pair *p,
                                       const mongouri__key *k)
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
                    mongouri__warn_hint(c->uri, c->err, "separate options with '&': %s",
                                        "key=value&key=value");
                return rc;
            }
        }
        v = semi + 1;
    }
    return MONGOURI_OK;
}

/* gssapiServiceName=NAME: the deprecated form of authMechanismProperties=SERVICE_NAME:NAME. */
static mongouri_status apply_service_name(mongouri__vctx *c, const mongouri__pair *p,
                                          const mongouri__key *k)
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
        if (mongouri__rank(uri->gssapi_source) > mongouri__rank(p->source))
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

/*
 * The first plain URI appearance of a string or w option (decoded, not
 * escaped): none of the level, repeat or TXT checks applies, and a valid
 * value is stored here; anything else goes through store_value.
 */
/* A first appearance whose value the type's parser stores, or warns about. */
static mongouri_status by_type(mongouri__vctx *c, mongouri__value *slot, const mongouri__pair *p,
                               const mongouri__key *k)
{
    mongouri__first_present(slot, k, p->offset, p->length);
    return mongouri__store_value(c, k->id, p, k->alias, k->index);
}

static mongouri_status merge_first(mongouri__vctx *c, const mongouri__pair *p,
                                   const mongouri__key *k)
{
    const mongouri__optdef *def = &mongouri__options[k->id];
    mongouri__value *slot = mongouri__first_slot(c->uri, k);
    const char *v = p->val;
    mongouri__payload pv;
    bool is_string = false;

    if (slot == NULL)
        return nomem(c->err);
    pv.i = 0;
    switch (k->type) {
    case MONGOURI_TYPE_STRING:
        if (def->check != MONGOURI__CHECK_NONE &&
            !(def->check == MONGOURI__CHECK_MAX128 && p->vlen <= 128))
            return by_type(c, slot, p, k);
        pv.s = v;
        break;
    case MONGOURI_TYPE_W:
        if (v[0] == '-')
            return by_type(c, slot, p, k);
        if (v[0] >= '0' && v[0] <= '9') {
            if (!mongouri__parse_int(v, p->vlen, &pv.i) || pv.i > def->max)
                return by_type(c, slot, p, k);
        } else {
            pv.s = v;
            is_string = true;
        }
        break;
    default:
        return by_type(c, slot, p, k);
    }
    mongouri__first_set(slot, k, p->offset, p->length, pv, is_string);
    return MONGOURI_OK;
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static mongouri_status
merge_slow(mongouri__vctx *c, const mongouri__pair *p, const mongouri__key *kp);

mongouri_status mongouri__merge_found(mongouri__vctx *c, const mongouri__pair *p,
                                      const mongouri__key *k)
{
    if (p->source == MONGOURI_SOURCE_URI && mongouri__first_plain(c, k, p->vlen) &&
        p->vlen + 1 == (size_t)(p->length - (long)p->klen))
        return merge_first(c, p, k);
    return merge_slow(c, p, k);
}

static mongouri_status merge_pair(mongouri__vctx *c, const mongouri__pair *p)
{
    return mongouri__merge_found(c, p, mongouri__key_find(p->key, p->klen));
}

static mongouri_status merge_slow(mongouri__vctx *c, const mongouri__pair *p,
                                  const mongouri__key *kp)
{
    static const mongouri__key unknown = {.id = -1};
    mongouri_uri *uri = c->uri;
    mongouri__key k = kp != NULL ? *kp : unknown;
    mongouri__value *slot;
    const mongouri__optdef *def;
    mongouri_status rc;

    if (k.id < 0 || k.secret)
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
            c->secret_at(c->secret_ctx, (size_t)p->offset, (size_t)p->offset + p->klen)) {
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
                mongouri__warn_hint(uri, c->err, "did you mean %s?", near);
        }
        return rc;
    }
    /* (not in a secret: what a secret holds never changes a message) */
    if (p->source != MONGOURI_SOURCE_TXT &&
        (p->source != MONGOURI_SOURCE_URI || c->query_semicolon ||
         p->vlen + 1 < (size_t)(p->length - (long)p->klen)) && /* escaped: %3B */
        memchr(p->val, ';', p->vlen) != NULL &&
        !k.secret && !mongouri__value_secret(c, p) &&
        (rc = semicolon_check(c, p, &k)) != MONGOURI_OK)
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
        mongouri__occurrence o = {k.spelled, mongouri__value_text(c, p), p->source, p->offset,
                                  p->length};
        rc = mongouri__rule_tls_agree(c->err, slot, mongouri__parse_bool(p->val, p->vlen), false,
                                      &o);
        if (rc != MONGOURI_OK)
            return rc;
    }

    if (slot->set && mongouri__rank(slot->source) > mongouri__rank(p->source))
        return MONGOURI_OK; /* a higher source already decided */

    if (slot->set && slot->source == p->source) {
        /* A repeat within one source. */
        if (k.id == MONGOURI_OPT_TLS && mongouri__parse_bool(p->val, p->vlen) >= 0) {
            /* every tls/ssl occurrence must carry one value; an invalid or
             * empty one is a warning like any other (below) */
            mongouri__occurrence o = {k.spelled, mongouri__value_text(c, p), p->source, p->offset,
                                      p->length};
            rc = mongouri__rule_tls_agree(c->err, slot, mongouri__parse_bool(p->val, p->vlen), true,
                                          &o);
            if (rc != MONGOURI_OK)
                return rc;
            /* agreeing repeats are silent, but a legacy form is still one */
            if (mongouri__parse_bool(p->val, p->vlen) >= 2)
                return mongouri__warn(
                    uri, c->err, MONGOURI_D_LEGACY_BOOLEAN, "tls", p->source, p->offset, p->length,
                    "%s=%s is a deprecated boolean form; write %s=%s", k.spelled,
                    mongouri__value_text(c, p), k.spelled,
                    mongouri__parse_bool(p->val, p->vlen) == 2 ? "true" : "false");
            return MONGOURI_OK;
        }
        if (def->info.type == MONGOURI_TYPE_TAGSETS || k.id == MONGOURI_OPT_TLS)
            return mongouri__store_value(c, k.id, p, k.alias,
                                         k.index); /* tls: invalid, warned there */
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
            return mongouri__store_value(c, k.id, p, k.alias, k.index);
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
    return mongouri__store_value(c, k.id, p, k.alias, k.index);
}

mongouri_status mongouri__merge_keywords(mongouri__vctx *c, const mongouri_keywords *kw,
                                         size_t skip)
{
    for (size_t i = 0; kw != NULL && i < kw->n; i++) {
        mongouri__pair p;
        size_t n = strlen(kw->items[i].value);
        char *v;
        mongouri_status rc;

        if (i == skip)
            continue;
        /* a copy in the result's arena: the value steps write into it */
        if ((v = mongouri__arena_strndup(&c->uri->arena, kw->items[i].value, n)) == NULL)
            return nomem(c->err);
        p.key = kw->items[i].key;
        p.klen = strlen(p.key);
        p.val = v;
        p.vlen = n;
        p.source = MONGOURI_SOURCE_KEYWORD;
        p.offset = -1;
        p.length = 0;
        if ((rc = merge_pair(c, &p)) != MONGOURI_OK) {
            if (c->err != NULL)
                c->err->source = MONGOURI_SOURCE_KEYWORD;
            return rc;
        }
    }
    return MONGOURI_OK;
}
