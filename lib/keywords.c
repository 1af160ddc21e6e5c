/*
 * Keyword options: the options a driver's users pass in code. Each is
 * checked when it is set, strictly, through the same table and rules as the
 * URI; conflicts within the keyword set are refused at once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_int.h"
#include "error_int.h"
#include "merge_int.h"
#include "options_int.h"
#include "rules_int.h"
#include "uri_int.h"
#include "util_int.h"
#include "value_int.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);

    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static void wipe_free(char *s)
{
    if (s == NULL)
        return;
    mongouri__wipe_str(s);
    free(s);
}

mongouri_status mongouri_keywords_new(mongouri_keywords **out, mongouri_error *err)
{
    mongouri__error_clear(err);
    if (out == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out must not be NULL");
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    return MONGOURI_OK;
}

void mongouri_keywords_destroy(mongouri_keywords *kw)
{
    if (kw == NULL)
        return;
    for (size_t i = 0; i < kw->n; i++) {
        wipe_free(kw->items[i].key);
        wipe_free(kw->items[i].value);
    }
    free(kw->items);
    free(kw);
}

size_t mongouri_keywords_count(const mongouri_keywords *kw)
{
    return kw == NULL ? 0 : kw->n;
}

static mongouri_status append(mongouri_keywords *kw, int id, const char *key, const char *value)
{
    char *k, *v;

    if (kw->n == kw->cap) {
        size_t cap = kw->cap == 0 ? 8 : kw->cap * 2;
        void *grown = realloc(kw->items, cap * sizeof *kw->items);
        if (grown == NULL)
            return MONGOURI_E_NOMEM;
        kw->items = grown;
        kw->cap = cap;
    }
    k = dup_str(key);
    v = dup_str(value);
    if (k == NULL || v == NULL) {
        free(k);
        wipe_free(v);
        return MONGOURI_E_NOMEM;
    }
    kw->items[kw->n].id = id;
    kw->items[kw->n].key = k;
    kw->items[kw->n].value = v;
    kw->n++;
    return MONGOURI_OK;
}

mongouri_status mongouri__keywords_clone(mongouri_keywords **out, const mongouri_keywords *kw)
{
    mongouri_keywords *copy;

    *out = NULL;
    if (kw == NULL)
        return MONGOURI_OK;
    copy = calloc(1, sizeof *copy);
    if (copy == NULL)
        return MONGOURI_E_NOMEM;
    for (size_t i = 0; i < kw->n; i++) {
        if (append(copy, kw->items[i].id, kw->items[i].key, kw->items[i].value) != MONGOURI_OK) {
            mongouri_keywords_destroy(copy);
            return MONGOURI_E_NOMEM;
        }
    }
    *out = copy;
    return MONGOURI_OK;
}

/* A keyword has no place in a URI: nothing it holds lies in a secret range
 * of one (its secrets are found from its key, by the value step). */
static bool no_text(void *ctx, size_t start, size_t end)
{
    (void)ctx;
    (void)start;
    (void)end;
    return true; /* never asked for a keyword; if it were, hide */
}

/*
 * An auth error that waits for the URI: what a credential needs from it (a
 * user name, a password) is reported under authMechanism or at the hosts.
 * Those about a keyword option itself (authSource, authMechanismProperties)
 * hold whatever the URI adds, since a keyword wins over it.
 */
static bool needs_the_uri(const mongouri_error *e)
{
    return strcmp(e->option, "authMechanismProperties") != 0 &&
           strcmp(e->option, "authSource") != 0;
}

/*
 * Check the set as it would be, `skip` left out (the value being replaced,
 * or (size_t)-1), through the steps a parse uses, strictly (any warning is
 * an error) and without a URI: every keyword is merged (looked up, typed by
 * the value parser of its type, tls and ssl agreement), then the rules on the
 * options alone (write concern, the TLS conflict matrix) run on the set, and
 * the credential rules that do not depend on the URI.
 */
static mongouri_status validate(const mongouri_keywords *kw, size_t skip, mongouri_error *err)
{
    mongouri_uri set = {.flags = MONGOURI_PARSE_STRICT};
    mongouri__vctx c = {.uri = &set, .err = err, .secret_at = no_text, .srv_offset = -1};
    mongouri_status rc = mongouri__merge_keywords(&c, kw, skip);

    if (rc == MONGOURI_OK)
        rc = mongouri__rules_check_options(&set, err);
    if (rc == MONGOURI_OK) {
        rc = mongouri__credential_derive(&set, err);
        if (rc != MONGOURI_OK && rc != MONGOURI_E_NOMEM && needs_the_uri(err))
            rc = MONGOURI_OK;
    }
    mongouri__arena_wipe(&set.arena); /* keyword values may be secrets */
    mongouri__arena_free(&set.arena);
    return rc;
}

/* 1 true, 0 false (canonical and legacy forms, read by the value parser), -1 neither. */
static int bool_word(const char *v)
{
    int b = mongouri__parse_bool(v, strlen(v));

    return b < 0 ? -1 : (b == 1 || b == 2);
}

mongouri_status mongouri_keywords_set(mongouri_keywords *kw, const char *key, const char *value,
                                      mongouri_error *err)
{
    mongouri__key k;
    mongouri_error local;
    mongouri_status rc;
    size_t replaced = (size_t)-1;

    mongouri__error_clear(err);
    if (kw == NULL || key == NULL || value == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "keywords, key and value must not be NULL");
    {
        size_t bad;
        if (!mongouri__utf8_valid(key, strlen(key), &bad) ||
            !mongouri__utf8_valid(value, strlen(value), &bad)) {
            rc = mongouri__error_set(err, MONGOURI_E_OPTION, MONGOURI_D_BAD_UTF8, NULL, -1, 0,
                                     "a keyword option's name or value is not valid UTF-8");
            if (err != NULL)
                err->source = MONGOURI_SOURCE_KEYWORD;
            return rc;
        }
    }
    k = mongouri__option_lookup(key, strlen(key));
    if (k.id < 0) {
        const char *near = mongouri__option_suggest(key, strlen(key));
        rc = mongouri__error_set(err, MONGOURI_E_OPTION, MONGOURI_D_UNKNOWN_OPTION, NULL, -1, 0,
                                 "unknown keyword option '%.60s'", key);
        if (err != NULL)
            err->source = MONGOURI_SOURCE_KEYWORD;
        if (near != NULL)
            mongouri__error_hint(err, "did you mean %s?", near);
        return rc;
    }

    /* An unsupported mechanism, an empty one too, is a credential error
     * (the value step would call an empty value empty): refused here, with
     * the words of the auth rule. */
    if (k.id == MONGOURI_OPT_AUTHMECHANISM) {
        bool known = false;
        for (size_t i = 0; mongouri__options[k.id].choices[i] != NULL; i++)
            known = known || mongouri__strcasecmp(value, mongouri__options[k.id].choices[i]) == 0;
        if (!known) {
            char shown[48];
            snprintf(shown, sizeof shown, "'%.40s'", value);
            return mongouri__auth_unknown_mechanism(err, "authMechanism", shown,
                                                    mongouri__options[k.id].info.values,
                                                    MONGOURI_SOURCE_KEYWORD, -1, 0);
        }
    }

    /* The set as it would be: the same option replaced, tag sets appended. */
    if (k.id != MONGOURI_OPT_READPREFERENCETAGS) {
        for (size_t i = 0; i < kw->n; i++)
            if (kw->items[i].id == k.id)
                replaced = i;
    }
    /* tls and ssl are one option: spelled both ways they must agree, as in the
     * URI; a security-relevant flip is never a replacement. */
    if (k.id == MONGOURI_OPT_TLS && replaced != (size_t)-1 &&
        mongouri__strcasecmp(kw->items[replaced].key, key) != 0) {
        int a = bool_word(kw->items[replaced].value), b = bool_word(value);
        if (a >= 0 && b >= 0 && a != b) {
            rc = mongouri__error_set(
                err, MONGOURI_E_CONFLICT, MONGOURI_D_TLS_DISAGREE, "tls", -1, 0,
                "keyword %s=%s contradicts keyword %s=%s: every tls and "
                "ssl option must have the same value",
                k.spelled, b ? "true" : "false",
                mongouri__option_lookup(kw->items[replaced].key, strlen(kw->items[replaced].key))
                    .spelled,
                a ? "true" : "false");
            mongouri__error_hint(err, "keep one of tls and ssl");
            if (err != NULL)
                err->source = MONGOURI_SOURCE_KEYWORD;
            return rc;
        }
    }
    if ((rc = append(kw, k.id, key, value)) != MONGOURI_OK)
        return mongouri__error_set(err, rc, MONGOURI_D_NOMEM, NULL, -1, 0, "out of memory");
    /* the set as it would be: without the older value */
    mongouri__error_clear(&local);
    rc = validate(kw, replaced, &local);
    if (rc != MONGOURI_OK) {
        kw->n--;
        wipe_free(kw->items[kw->n].key);
        wipe_free(kw->items[kw->n].value);
        if (err != NULL) {
            *err = local;
            err->source = MONGOURI_SOURCE_KEYWORD;
            err->offset = -1;
            err->length = 0;
            /* a conflict is reported against the option being set */
            if (rc == MONGOURI_E_CONFLICT)
                snprintf(err->option, sizeof err->option, "%s", mongouri__options[k.id].info.name);
        }
        return rc;
    }
    if (replaced != (size_t)-1) {
        wipe_free(kw->items[replaced].key);
        wipe_free(kw->items[replaced].value);
        memmove(&kw->items[replaced], &kw->items[replaced + 1],
                (kw->n - replaced - 1) * sizeof *kw->items);
        kw->n--;
    }
    return MONGOURI_OK;
}

mongouri_status mongouri_keywords_set_bool(mongouri_keywords *kw, const char *key, bool value,
                                           mongouri_error *err)
{
    mongouri__key k =
        key != NULL ? mongouri__option_lookup(key, strlen(key)) : (mongouri__key){.id = -1};

    if (k.id >= 0 && mongouri__options[k.id].info.type != MONGOURI_TYPE_BOOL) {
        mongouri__error_clear(err);
        mongouri__error_set(err, MONGOURI_E_OPTION, MONGOURI_D_INVALID_VALUE,
                            mongouri__options[k.id].info.name, -1, 0, "%s is not a boolean option",
                            mongouri__options[k.id].info.name);
        if (err != NULL)
            err->source = MONGOURI_SOURCE_KEYWORD;
        return MONGOURI_E_OPTION;
    }
    return mongouri_keywords_set(kw, key, value ? "true" : "false", err);
}

mongouri_status mongouri_keywords_set_int(mongouri_keywords *kw, const char *key, int64_t value,
                                          mongouri_error *err)
{
    char buf[32];
    mongouri__key k =
        key != NULL ? mongouri__option_lookup(key, strlen(key)) : (mongouri__key){.id = -1};

    if (k.id >= 0 && mongouri__options[k.id].info.type != MONGOURI_TYPE_INT &&
        mongouri__options[k.id].info.type != MONGOURI_TYPE_W) {
        mongouri__error_clear(err);
        mongouri__error_set(err, MONGOURI_E_OPTION, MONGOURI_D_INVALID_VALUE,
                            mongouri__options[k.id].info.name, -1, 0, "%s is not an integer option",
                            mongouri__options[k.id].info.name);
        if (err != NULL)
            err->source = MONGOURI_SOURCE_KEYWORD;
        return MONGOURI_E_OPTION;
    }
    snprintf(buf, sizeof buf, "%" PRId64, value);
    return mongouri_keywords_set(kw, key, buf, err);
}
