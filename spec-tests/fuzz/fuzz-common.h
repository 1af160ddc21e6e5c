/*
 * Shared by the libFuzzer harnesses: splitting an input into lines, keyword
 * options from lines, reading every part of a result, and the invariants
 * every error and warning must keep. A broken invariant aborts with a
 * message, which libFuzzer reports as a crash with the input saved.
 *
 * Input format (all harnesses): the first line is the connection string,
 * taken as raw bytes (NUL bytes included). Each further line is a keyword
 * option "key=value" (no '=': the value is empty), except the line "strict",
 * which selects MONGOURI_PARSE_STRICT. fuzz-srv gives some lines other
 * meanings (see there).
 */
#ifndef MONGOURI_FUZZ_COMMON_H
#define MONGOURI_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mongouri/mongouri.h"

#define FUZZ_MAX_LINES 64

/*
 * FUZZ_CHECK(cond, fmt, ...) aborts when cond is false. FUZZ_CHECK_AS(name,
 * ...) is the same for an invariant with a name, which FUZZ_SKIP (a
 * comma-separated list of names in the environment) can switch off while a
 * known finding waits for its fix, so that fuzzing goes on past it.
 */
#define FUZZ_CHECK(cond, ...) FUZZ_CHECK_AS(NULL, cond, __VA_ARGS__)
#define FUZZ_CHECK_AS(name, cond, ...)                                                        \
    do {                                                                                      \
        if (!(cond) && !fuzz_skipped(name)) {                                                 \
            fprintf(stderr, "fuzz invariant %s broken at %s:%d: %s: ",                       \
                    (name) != NULL ? (const char *)(name) : "", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static inline bool fuzz_skipped(const char *name)
{
    const char *list = name != NULL ? getenv("FUZZ_SKIP") : NULL;
    size_t n = name != NULL ? strlen(name) : 0;

    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t m = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (m == n && memcmp(p, name, n) == 0)
            return true;
        p = comma != NULL ? comma + 1 : NULL;
    }
    return false;
}

typedef struct fuzz_line {
    const char *p;
    size_t n;
} fuzz_line;

/* Cut data into at most FUZZ_MAX_LINES lines at '\n' (the last takes the rest). */
static inline size_t fuzz_lines(const uint8_t *data, size_t size, fuzz_line *out)
{
    const char *p = (const char *)data, *end = p + size;
    size_t n = 0;

    while (n < FUZZ_MAX_LINES) {
        const char *nl = n + 1 < FUZZ_MAX_LINES ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        out[n].p = p;
        out[n].n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        n++;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return n;
}

/* NUL-terminated copy (stops at an embedded NUL, as a C string would). */
static inline char *fuzz_strdup(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static inline bool fuzz_line_is(const fuzz_line *l, const char *word)
{
    return l->n == strlen(word) && memcmp(l->p, word, l->n) == 0;
}

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static inline bool fuzz_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/*
 * Change every letter and digit of t[start..end) to another of its class,
 * except the two bytes after any '%' of t (which may lie before `start`): no
 * %XX escape is made, unmade or changed, so a secret changed this way is as
 * valid as before, and the output that depends on it must stay byte for
 * byte the same.
 */
static inline void fuzz_mutate_range(char *t, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++) {
        char c = t[i];
        if ((i >= 1 && t[i - 1] == '%') || (i >= 2 && t[i - 2] == '%'))
            continue;
        if ((c >= 'a' && c < 'z') || (c >= 'A' && c < 'Z') || (c >= '0' && c < '9'))
            t[i] = (char)(c + 1);
        else if (c == 'z')
            t[i] = 'a';
        else if (c == 'Z')
            t[i] = 'A';
        else if (c == '9')
            t[i] = '0';
    }
}

static inline void fuzz_mutate_secret(char *s, size_t n)
{
    fuzz_mutate_range(s, 0, n);
}

static inline bool fuzz_secret_key(const char *key)
{
    const mongouri_option_info *info = mongouri_option_find(key);
    return info != NULL && (info->flags & MONGOURI_OPTION_SECRET);
}

/* Apply the keyword lines lines[1..n); errors are expected and ignored. */
static inline mongouri_keywords *fuzz_keywords(const fuzz_line *lines, size_t n, unsigned *flags)
{
    mongouri_keywords *kw = NULL;

    *flags = 0;
    if (mongouri_keywords_new(&kw, NULL) != MONGOURI_OK)
        abort();
    for (size_t i = 1; i < n; i++) {
        const fuzz_line *l = &lines[i];
        const char *eq;
        char *key, *value;
        mongouri_error err;
        mongouri_status rc;
        if (fuzz_line_is(l, "strict")) {
            *flags |= MONGOURI_PARSE_STRICT;
            continue;
        }
        eq = memchr(l->p, '=', l->n);
        key = fuzz_strdup(l->p, eq != NULL ? (size_t)(eq - l->p) : l->n);
        value = eq != NULL ? fuzz_strdup(eq + 1, l->n - (size_t)(eq - l->p) - 1)
                           : fuzz_strdup("", 0);
        rc = mongouri_keywords_set(kw, key, value, &err);
        FUZZ_CHECK(rc == MONGOURI_OK || (rc == err.status && rc < MONGOURI_E__LAST),
                   "keywords_set returned %d, err.status %d", (int)rc, (int)err.status);
        FUZZ_CHECK(memchr(err.message, '\0', sizeof err.message) != NULL, "message not terminated");
        /* A refused secret: the same refusal, word for word, whatever its
         * letters (the set is unchanged on failure, so trying again is safe). */
        if (rc != MONGOURI_OK && fuzz_secret_key(key)) {
            mongouri_error err2;
            mongouri_status rc2;
            fuzz_mutate_secret(value, strlen(value));
            rc2 = mongouri_keywords_set(kw, key, value, &err2);
            FUZZ_CHECK(rc2 == rc && strcmp(err.message, err2.message) == 0 &&
                           strcmp(err.hint, err2.hint) == 0,
                       "a secret keyword value shows in the error: %s / %s", err.message,
                       err2.message);
        }
        free(key);
        free(value);
    }
    return kw;
}

/* Every error or warning: codes in range, strings terminated, offsets inside. */
static inline void fuzz_check_diag(const mongouri_error *e, size_t len, bool warning)
{
    FUZZ_CHECK(memchr(e->message, '\0', sizeof e->message) != NULL, "message not terminated");
    FUZZ_CHECK(memchr(e->hint, '\0', sizeof e->hint) != NULL, "hint not terminated");
    FUZZ_CHECK(memchr(e->option, '\0', sizeof e->option) != NULL, "option not terminated");
    FUZZ_CHECK(e->code > MONGOURI_D_NONE && e->code < MONGOURI_D__LAST, "code %d", (int)e->code);
    FUZZ_CHECK(e->message[0] != '\0', "empty message (%s)", mongouri_diag_name(e->code));
    FUZZ_CHECK((unsigned)e->source <= MONGOURI_SOURCE_IMPLIED, "source %d", (int)e->source);
    if (warning)
        FUZZ_CHECK(e->status == MONGOURI_OK, "warning with status %d", (int)e->status);
    else
        FUZZ_CHECK(e->status > MONGOURI_OK && e->status < MONGOURI_E__LAST, "status %d",
                   (int)e->status);
    FUZZ_CHECK_AS("diag-offset", e->offset >= -1 && e->offset <= (long)len, "offset %ld of %zu (%s: %s)",
               e->offset, len, mongouri_diag_name(e->code), e->message);
    FUZZ_CHECK(e->length >= 0, "length %ld", e->length);
    if (e->offset >= 0 && e->source == MONGOURI_SOURCE_URI)
        FUZZ_CHECK_AS("diag-span", (size_t)e->offset + (size_t)e->length <= len,
                   "span %ld+%ld beyond %zu bytes (%s: %s)", e->offset, e->length, len,
                   mongouri_diag_name(e->code), e->message);
}

static size_t fuzz_sink;

static inline void fuzz_touch(const char *s)
{
    if (s != NULL)
        fuzz_sink += strlen(s);
}

/* Read every part of a valid result through the public API. */
static inline void fuzz_read_all(const mongouri_uri *uri, size_t len)
{
    const mongouri_tls_settings *tls;
    size_t n;

    FUZZ_CHECK(mongouri_uri_scheme(uri) == MONGOURI_SCHEME_MONGODB ||
                   mongouri_uri_scheme(uri) == MONGOURI_SCHEME_MONGODB_SRV, "scheme");
    n = mongouri_uri_host_count(uri);
    for (size_t i = 0; i < n; i++) {
        const char *h = mongouri_uri_host(uri, i);
        FUZZ_CHECK(h != NULL, "host %zu is NULL", i);
        fuzz_touch(h);
        fuzz_sink += mongouri_uri_host_port(uri, i);
        fuzz_touch(mongouri_host_type_name(mongouri_uri_host_type(uri, i)));
        fuzz_touch(mongouri_source_name(mongouri_uri_host_source(uri, i)));
    }
    FUZZ_CHECK(mongouri_uri_host(uri, n) == NULL, "host past the end");
    fuzz_touch(mongouri_uri_username(uri));
    fuzz_touch(mongouri_uri_password(uri));
    fuzz_touch(mongouri_uri_database(uri));
    fuzz_sink += mongouri_uri_has_credential(uri);
    fuzz_touch(mongouri_uri_auth_mechanism(uri));
    fuzz_touch(mongouri_uri_auth_source(uri));
    n = mongouri_uri_auth_property_count(uri);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(mongouri_uri_auth_property_key(uri, i) != NULL, "property key %zu", i);
        fuzz_touch(mongouri_uri_auth_property_key(uri, i));
        fuzz_touch(mongouri_uri_auth_property_value(uri, i));
    }
    fuzz_touch(mongouri_uri_auth_property_key(uri, n));
    for (size_t i = 0; i < mongouri_option_count(); i++) {
        const mongouri_option_info *info = mongouri_option_at(i);
        bool b;
        int64_t v;
        const char *s = NULL;
        FUZZ_CHECK(info != NULL && info->name != NULL, "option %zu", i);
        fuzz_sink += mongouri_uri_has_option(uri, info->name);
        fuzz_touch(mongouri_source_name(mongouri_uri_option_source(uri, info->name)));
        if (mongouri_uri_get_bool(uri, info->name, &b) == MONGOURI_OK)
            fuzz_sink += b;
        if (mongouri_uri_get_int(uri, info->name, &v) == MONGOURI_OK)
            fuzz_sink += (size_t)v;
        if (mongouri_uri_get_string(uri, info->name, &s) == MONGOURI_OK)
            fuzz_touch(s);
    }
    n = mongouri_uri_compressor_count(uri);
    for (size_t i = 0; i <= n; i++)
        fuzz_touch(mongouri_uri_compressor(uri, i));
    n = mongouri_uri_tag_set_count(uri);
    for (size_t s = 0; s <= n; s++) {
        size_t m = mongouri_uri_tag_count(uri, s);
        FUZZ_CHECK(s < n || m == 0, "tags in a set past the end");
        for (size_t i = 0; i <= m; i++) {
            fuzz_touch(mongouri_uri_tag_key(uri, s, i));
            fuzz_touch(mongouri_uri_tag_value(uri, s, i));
        }
    }
    tls = mongouri_uri_tls(uri);
    FUZZ_CHECK(tls != NULL, "no TLS settings");
    fuzz_sink += mongouri_tls_enabled(tls) + mongouri_tls_verify_certificates(tls) +
                 mongouri_tls_verify_hostnames(tls);
    fuzz_touch(mongouri_tls_ca_file(tls));
    fuzz_touch(mongouri_tls_certificate_key_file(tls));
    fuzz_touch(mongouri_tls_certificate_key_file_password(tls));
    fuzz_touch(mongouri_tls_crl_file(tls));
    fuzz_touch(mongouri_revocation_name(mongouri_tls_revocation(tls)));
    for (int f = 0; f < MONGOURI_TLS__FIELDS; f++) {
        const char *d = mongouri_tls_source_detail(tls, (mongouri_tls_field)f);
        FUZZ_CHECK(d != NULL, "no source detail for field %d", f);
        fuzz_touch(d);
        fuzz_touch(mongouri_source_name(mongouri_tls_source(tls, (mongouri_tls_field)f)));
    }
    n = mongouri_uri_warning_count(uri);
    for (size_t i = 0; i < n; i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);
        FUZZ_CHECK(w != NULL, "warning %zu is NULL", i);
        fuzz_check_diag(w, len, true);
    }
    FUZZ_CHECK(mongouri_uri_warning(uri, n) == NULL, "warning past the end");
}

#endif /* MONGOURI_FUZZ_COMMON_H */
