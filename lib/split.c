/*
 * The tokenizer: where the parts of a connection string lie, and which of its
 * bytes are secret. The parser splits the string with mongouri__split_text
 * and shows input text in a message only where mongouri__secret_spans finds
 * nothing secret; the redactor masks exactly those spans. One function
 * decides, so the two cannot disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "split_int.h"
#include "util_int.h"
#include "options_int.h"
#include "value_int.h"

static const char *find_scheme_end(const char *t, size_t len)
{
    for (size_t i = 0; i + 3 <= len; i++)
        if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/')
            return t + i + 3;
    return NULL;
}

static size_t count_byte(const char *v, size_t n, char ch)
{
    size_t k = 0;
    const char *end = v + n, *p;

    while ((p = memchr(v, ch, (size_t)(end - v))) != NULL) {
        k++;
        v = p + 1;
    }
    return k;
}

/* The split with memchr, one part at a time: for a text too short for a
 * block scan, and where there is no SSE2. */
static void split_plain(const char *t, size_t len, size_t start, mongouri__split *out)
{
    const char *slash, *qm, *at, *q;
    size_t hend;

    out->start = start;
    out->has_userinfo = false;
    out->at = 0;
    out->has_db = false;
    out->db_start = out->db_end = 0;
    out->problem = MONGOURI__SPLIT_OK;
    out->problem_at = 0;
    /* The host information ends at the first '/'; the userinfo is what
     * precedes the last '@' before it. */
    slash = memchr(t + start, '/', len - start);
    hend = slash != NULL ? (size_t)(slash - t) : len;
    if (slash == NULL && (qm = memchr(t + start, '?', len - start)) != NULL) {
        /* No '/': the host list ends at the first '?', and an '@' after it
         * ends either a userinfo holding a '?' or an option value holding an
         * '@': ambiguous. */
        if (memchr(qm, '@', (size_t)(t + len - qm)) != NULL) {
            out->problem = MONGOURI__SPLIT_AMBIGUOUS;
            out->problem_at = (size_t)(qm - t);
        }
        hend = (size_t)(qm - t);
    }
    for (size_t i = start; (at = memchr(t + i, '@', hend - i)) != NULL; i = (size_t)(at - t) + 1) {
        out->has_userinfo = true;
        out->at = (size_t)(at - t);
    }
    out->hosts_start = out->has_userinfo ? out->at + 1 : start;
    /* An unescaped '?', '#', '[' or ']' in the userinfo: the parser's
     * userinfo check refuses it with the percent-encoding hint. */
    /* With a '/' later, a '?' after the userinfo still ends the host list
     * (mongodb://host?tlsCAFile=/path): then there is no database. */
    if (slash != NULL && (qm = memchr(t + out->hosts_start, '?', hend - out->hosts_start)) != NULL)
        hend = (size_t)(qm - t);
    out->hosts_end = hend;
    out->has_query = false;
    out->query = len;
    if (hend < len && t[hend] == '/') {
        out->has_db = true;
        out->db_start = hend + 1;
        q = memchr(t + hend + 1, '?', len - hend - 1);
        out->db_end = q != NULL ? (size_t)(q - t) : len;
        if (q != NULL) {
            out->has_query = true;
            out->query = (size_t)(q - t) + 1;
        }
    } else if (hend < len) {
        out->has_query = true;
        out->query = hend + 1;
    }
    out->nhosts = 0;
    if (out->hosts_end > out->hosts_start)
        out->nhosts = count_byte(t + out->hosts_start, out->hosts_end - out->hosts_start, ',') + 1;
    out->nopts = 0;
    out->query_semicolon = false;
    if (out->has_query) {
        out->nopts = count_byte(t + out->query, len - out->query, '&') + 1;
        if (out->nopts > MONGOURI_OPT__COUNT)
            out->nopts = MONGOURI_OPT__COUNT;
        out->query_semicolon = memchr(t + out->query, ';', len - out->query) != NULL;
    }
    q = memchr(t + start, '\0', len - start);
    out->nul = q != NULL ? (size_t)(q - t) : len;
}

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
/* The block scans (split_scan_int.h): SSE2, and AVX2 where the processor
 * has it, 16 and 32 bytes at a time. */
#include <immintrin.h>

#define SCAN_NONE ((size_t)-1)
/* 32 bytes 0 then 32 bytes 0xff: where a block of the last bytes keeps them */
static const unsigned char scan_keep_last[64] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

#define SCAN_W 16
#define SCAN_VEC __m128i
#define SCAN_NAME(x) x##_sse2
#define SCAN_ATTR
#define SCAN_LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define SCAN_SET1(c) _mm_set1_epi8(c)
#define SCAN_EQ _mm_cmpeq_epi8
#define SCAN_OR _mm_or_si128
#define SCAN_AND _mm_and_si128
#define SCAN_ANDNOT _mm_andnot_si128
#define SCAN_XOR _mm_xor_si128
#define SCAN_MINU8 _mm_min_epu8
#define SCAN_SUBS8 _mm_subs_epi8
#define SCAN_MASK(v) ((unsigned)_mm_movemask_epi8(v))
#define SCAN_ZERO _mm_setzero_si128()
#define SCAN_SUM(v) sum_sse2(v)
static inline size_t sum_sse2(__m128i v)
{
    __m128i s = _mm_sad_epu8(v, _mm_setzero_si128());
    return (size_t)_mm_cvtsi128_si32(s) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(s, 8));
}
#include "split_scan_int.h"

#if defined(__x86_64__) || defined(__i386__)
#define SPLIT_AVX2 1
#define SCAN_W 32
#define SCAN_VEC __m256i
#define SCAN_NAME(x) x##_avx2
#define SCAN_ATTR __attribute__((target("avx2")))
#define SCAN_LOADU(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define SCAN_SET1(c) _mm256_set1_epi8(c)
#define SCAN_EQ _mm256_cmpeq_epi8
#define SCAN_OR _mm256_or_si256
#define SCAN_AND _mm256_and_si256
#define SCAN_ANDNOT _mm256_andnot_si256
#define SCAN_XOR _mm256_xor_si256
#define SCAN_MINU8 _mm256_min_epu8
#define SCAN_SUBS8 _mm256_subs_epi8
#define SCAN_MASK(v) ((unsigned)_mm256_movemask_epi8(v))
#define SCAN_ZERO _mm256_setzero_si256()
#define SCAN_SUM(v) sum_avx2(v)
static inline __attribute__((target("avx2"))) size_t sum_avx2(__m256i v)
{
    __m256i s = _mm256_sad_epu8(v, _mm256_setzero_si256());
    __m128i h = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    return (size_t)_mm_cvtsi128_si32(h) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(h, 8));
}
#include "split_scan_int.h"
#endif

void mongouri__split_text(const char *t, size_t len, size_t start, mongouri__split *out)
{
#ifdef SPLIT_AVX2
    if (len >= 32 && __builtin_cpu_supports("avx2")) {
        split_avx2(t, len, start, out);
        return;
    }
#endif
    if (len >= 16)
        split_sse2(t, len, start, out);
    else
        split_plain(t, len, start, out);
}
#else
void mongouri__split_text(const char *t, size_t len, size_t start, mongouri__split *out)
{
    split_plain(t, len, start, out);
}
#endif

/* ------------------------------------------------------------------------ */
/* What is secret                                                            */
/* ------------------------------------------------------------------------ */

static bool contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);

    for (size_t i = 0; i + m <= n; i++)
        if (mongouri__strncasecmp(s + i, needle, m) == 0)
            return true;
    return false;
}

static bool says_secret(const char *k, size_t n)
{
    /* "pass" also covers a cut or misspelled password (keyPass, passw0rd) */
    return contains_ci(k, n, "pass") || contains_ci(k, n, "secret") || contains_ci(k, n, "token") ||
           contains_ci(k, n, "pwd") || contains_ci(k, n, "cred");
}

int mongouri__key_kind(const char *k, size_t n)
{
    mongouri__key key;
    const mongouri_option_info *info = NULL;

    if (n == 0)
        return MONGOURI__KEY_SECRET; /* nameless: nothing says what it holds */
    key = mongouri__option_lookup(k, n);
    if (key.id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && key.alias)
        return MONGOURI__KEY_PLAIN; /* gssapiServiceName: a service name */
    if (key.id >= 0) {
        info = &mongouri__options[key.id].info;
    } else {
        const char *near;
        if (says_secret(k, n))
            return MONGOURI__KEY_SECRET;
        near = mongouri__option_suggest(k, n);
        if (near != NULL)
            info = mongouri_option_find(near);
        else if (contains_ci(k, n, "mechanismprop"))
            return MONGOURI__KEY_PROPERTIES;
    }
    if (info == NULL)
        return MONGOURI__KEY_PLAIN;
    if (info->flags & MONGOURI_OPTION_SECRET)
        return MONGOURI__KEY_SECRET;
    if (strcmp(info->name, "authMechanismProperties") == 0)
        return MONGOURI__KEY_PROPERTIES;
    return MONGOURI__KEY_PLAIN;
}

bool mongouri__property_secret(const char *k, size_t n)
{
    if (mongouri__ieq(k, n, "AWS_SESSION_TOKEN"))
        return true;
    /* The other properties are not secret, spelled right. */
    if (mongouri__ieq(k, n, "SERVICE_NAME") || mongouri__ieq(k, n, "SERVICE_REALM") ||
        mongouri__ieq(k, n, "SERVICE_HOST") || mongouri__ieq(k, n, "CANONICALIZE_HOST_NAME") ||
        mongouri__ieq(k, n, "ENVIRONMENT") || mongouri__ieq(k, n, "TOKEN_RESOURCE") ||
        mongouri__ieq(k, n, "ALLOWED_HOSTS"))
        return false;
    return contains_ci(k, n, "session") || contains_ci(k, n, "token") ||
           contains_ci(k, n, "secret") || contains_ci(k, n, "password") ||
           contains_ci(k, n, "aws_") || mongouri__edit_distance(k, n, "AWS_SESSION_TOKEN", 4) <= 4;
}

/* Length of the separator `ch` (raw, or as %XX when `esc`) at v[i], or 0. */
static size_t sep_at(const char *v, size_t i, size_t n, char ch, const char *escaped, bool esc)
{
    if (v[i] == ch)
        return 1;
    if (esc && v[i] == '%' && i + 2 < n && mongouri__strncasecmp(v + i, escaped, 3) == 0)
        return 3;
    return 0;
}

/*
 * authMechanismProperties v[0..n): items split on ',' and names on the first
 * ':', either possibly percent-encoded, as the parser reads them. The value
 * of an item whose name is a secret one, or a near miss of it (the whole
 * item when it has no ':'), is secret, and so is everything after it: where
 * that begins, or n.
 */
static size_t property_from(const char *v, size_t n, bool esc)
{
    size_t i = 0;

    while (i < n) {
        size_t start = i, colon = n;
        char name[64];
        size_t nlen = 0, bad, kend;
        mongouri_diag diag;

        while (i < n && sep_at(v, i, n, ',', "%2C", esc) == 0) {
            if (colon == n && sep_at(v, i, n, ':', "%3A", esc) != 0)
                colon = i;
            i++;
        }
        kend = colon != n ? colon : i;
        if (colon == n) {
            /* No ':' (AWS_SESSION_TOKEN=x, AWS_SESSION_TOKEN-x): the name is the
             * leading run of letters and '_', the rest may be the secret. */
            kend = start;
            while (kend < i && ((v[kend] >= 'A' && v[kend] <= 'Z') ||
                                (v[kend] >= 'a' && v[kend] <= 'z') || v[kend] == '_'))
                kend++;
        }
        if (kend - start >= sizeof name || !esc ||
            !mongouri__pct_decode(v + start, kend - start, name, &nlen, &bad, &diag)) {
            /* judged as written: a keyword value, a name too long to be a
             * property, or one the parser refuses to decode anyway */
            nlen = kend - start < sizeof name ? kend - start : sizeof name - 1;
            memcpy(name, v + start, nlen);
        }
        if (mongouri__property_secret(name, nlen))
            return colon != n ? colon + sep_at(v, colon, n, ':', "%3A", esc) : kend;
        if (i < n)
            i += sep_at(v, i, n, ',', "%2C", esc);
    }
    return n;
}

bool mongouri__property_spans(const char *v, size_t n, size_t base, bool esc, mongouri__span_fn fn,
                              void *ctx)
{
    size_t from = property_from(v, n, esc);

    return from >= n || fn(ctx, base + from, base + n);
}

static bool name_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

/* A value that holds "name=" (or "name%3D") with a name that is not a plain
 * one is another option run into it (w=1;tlsCertificateKeyFilePassword=x,
 * w=1%26proxyPassword%3Dx): what follows that '=' is secret, from where, or
 * n. */
static size_t run_in_from(const char *v, size_t n, bool esc)
{
    for (size_t j = 0; j < n; j++) {
        size_t sep = sep_at(v, j, n, '=', "%3D", esc), s = j;
        if (sep == 0)
            continue;
        while (s > 0 && name_char(v[s - 1]))
            s--;
        if (s < j && mongouri__key_kind(v + s, j - s) != MONGOURI__KEY_PLAIN)
            return j + sep;
    }
    return n;
}

bool mongouri__run_in(const char *v, size_t n)
{
    return run_in_from(v, n, false) < n;
}

int mongouri__item_shown(const char *key, const char *value, bool props)
{
    size_t kn = strlen(key);

    if (mongouri__run_in(key, kn))
        return MONGOURI_SHOWN_NONE;
    if ((props && mongouri__property_secret(key, kn)) || mongouri__run_in(value, strlen(value)))
        return MONGOURI_SHOWN_KEY;
    return MONGOURI_SHOWN_ALL;
}

size_t mongouri__items_shown(const mongouri__kv *items, size_t n, bool props, int *first)
{
    for (size_t i = 0; i < n; i++) {
        int s = mongouri__item_shown(items[i].key, items[i].value, props);
        if (s != MONGOURI_SHOWN_ALL) {
            *first = s;
            return i;
        }
    }
    *first = MONGOURI_SHOWN_ALL;
    return n;
}

bool mongouri__pair_spans(const char *k, size_t kn, const char *v, size_t n, size_t base, bool esc,
                          mongouri__span_fn fn, void *ctx)
{
    int kind = mongouri__key_kind(k, kn);
    int id;
    size_t from, other;

    if (kind == MONGOURI__KEY_SECRET)
        return n == 0 || fn(ctx, base, base + n);
    id = mongouri__option_lookup(k, kn).id;
    /* The value of a file option is a path, shown as given wherever the file
     * is named (settings, file checks, handshake reports): never split. */
    if (kind != MONGOURI__KEY_PROPERTIES && id >= 0 &&
        (mongouri__options[id].info.flags & MONGOURI_OPTION_PATH))
        return true;
    from = run_in_from(v, n, esc);
    /* The secret items of properties; an option nobody knows may hold what
     * authMechanismProperties holds (authMechProperties=AWS_SESSION_TOKEN:x). */
    if (kind == MONGOURI__KEY_PROPERTIES || id < 0) {
        other = property_from(v, n, esc);
        from = other < from ? other : from;
    }
    return from >= n || fn(ctx, base + from, base + n);
}

/* Digits only: a port (the parser's reading, whatever the value). The
 * judgement must not depend on which digits or letters a secret holds. */
static bool port_like(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Remembers how far the secret ranges reach, so that no judgement is made
 * from bytes already called secret. */
typedef struct reach {
    mongouri__span_fn fn;
    void *ctx;
    size_t end;
} reach;

static bool reach_cb(void *vr, size_t start, size_t end)
{
    reach *r = vr;

    if (end > r->end)
        r->end = end;
    return r->fn(r->ctx, start, end);
}

bool mongouri__secret_spans(const char *t, size_t len, mongouri__span_fn user_fn, void *user_ctx)
{
    const char *se = find_scheme_end(t, len);
    size_t p = se != NULL ? (size_t)(se - t) : 0;
    mongouri__split sp;
    mongouri__piece pc;
    reach r = {user_fn, user_ctx, 0};
    mongouri__span_fn fn = reach_cb;
    void *ctx = &r;

    mongouri__split_text(t, len, p, &sp);
    if (sp.has_userinfo) {
        const char *colon = memchr(t + p, ':', sp.at - p);
        if (colon != NULL && !fn(ctx, (size_t)(colon - t) + 1, sp.at))
            return false;
    } else {
        /* No userinfo: a password holding an unescaped '/' split the string
         * early when an '@' follows in the database part (the parser refuses
         * an '@' there). Whatever precedes it after a ':' is secret. */
        size_t i = sp.hosts_end, at = len;
        while (i < len && t[i] != '?' && t[i] != '@')
            i++;
        if (i < len && t[i] == '@')
            at = i;
        if (sp.problem == MONGOURI__SPLIT_AMBIGUOUS) {
            /* read as a userinfo, the password may run to the last '@' */
            for (size_t k = sp.problem_at; k < len; k++)
                if (t[k] == '@')
                    at = k;
        }
        if (at != len) {
            const char *colon = memchr(t + p, ':', at - p);
            if (colon != NULL && !fn(ctx, (size_t)(colon - t) + 1, at))
                return false;
        }
        /* A "port" that is not a port may be a password without its "@host"
         * (mongodb://alice:pw). */
        for (size_t h = sp.hosts_start; h < sp.hosts_end;) {
            const char *comma = memchr(t + h, ',', sp.hosts_end - h);
            size_t e = comma != NULL ? (size_t)(comma - t) : sp.hosts_end;
            const char *colon = t[h] == '[' ? NULL : memchr(t + h, ':', e - h);
            if (t[h] == '[') {
                const char *close = memchr(t + h, ']', e - h);
                if (close != NULL && close + 1 < t + e && close[1] == ':')
                    colon = close + 1;
            }
            if (colon != NULL && !port_like(colon + 1, (size_t)(t + e - colon - 1)) &&
                !fn(ctx, (size_t)(colon - t) + 1, e))
                return false;
            h = e + 1;
        }
    }

    /* Option values: '&'-separated key=value pairs from the query. */
    for (size_t i = sp.query; mongouri__piece_next(t, len, &i, &pc);) {
        size_t eq, vstart, amp = pc.end;
        if (pc.has_eq) {
            eq = pc.eq;
            vstart = eq + 1;
        } else {
            /* No '=': the name is the leading run of name characters, the
             * rest may be its value (tlsCertificateKeyFilePassword%3Dx,
             * proxyPassword:x). */
            eq = pc.start;
            while (eq < amp && name_char(t[eq]))
                eq++;
            vstart = eq;
        }
        if (pc.start < r.end) {
            /* a name that holds secret bytes says nothing: its value is secret */
            if (vstart < amp && !fn(ctx, vstart, amp))
                return false;
        } else if ((pc.has_eq || eq > pc.start) &&
                   !mongouri__pair_spans(t + pc.start, eq - pc.start, t + vstart, amp - vstart,
                                         vstart, true, fn, ctx)) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* The secret ranges of one input, for the messages of its parse             */
/* ------------------------------------------------------------------------ */

static bool span_add(void *vc, size_t start, size_t end)
{
    mongouri__secrets *c = vc;

    if (end <= start)
        return true;
    if (c->n == c->cap) {
        size_t cap = c->cap == 0 ? 8 : c->cap * 2;
        size_t(*grown)[2] = realloc(c->spans, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        c->spans = grown;
        c->cap = cap;
    }
    c->spans[c->n][0] = start;
    c->spans[c->n][1] = end;
    c->n++;
    return true;
}

static int span_cmp(const void *a, const void *b)
{
    const size_t *x = a, *y = b;

    return x[0] < y[0] ? -1 : x[0] > y[0];
}

bool mongouri__secret_at(mongouri__secrets *c, size_t start, size_t end)
{
    size_t lo = 0, hi;

    if (!c->ready) {
        c->ready = true;
        if (!mongouri__secret_spans(c->text, c->len, span_add, c)) {
            c->failed = true;
        } else if (c->n > 1) {
            size_t o = 0;
            qsort(c->spans, c->n, sizeof *c->spans, span_cmp);
            for (size_t i = 1; i < c->n; i++) {
                if (c->spans[i][0] <= c->spans[o][1]) {
                    if (c->spans[i][1] > c->spans[o][1])
                        c->spans[o][1] = c->spans[i][1];
                } else {
                    o++;
                    c->spans[o][0] = c->spans[i][0];
                    c->spans[o][1] = c->spans[i][1];
                }
            }
            c->n = o + 1;
        }
    }
    if (c->failed)
        return true;
    if (end <= start)
        end = start + 1;
    /* the first span that ends after `start` */
    hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->spans[mid][1] <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->spans[lo][0] < end;
}
