/* Arena allocator, secret wiping, ASCII helpers, strict percent-decoding. */
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "util_int.h"

/* A new block and its header stay within the allocator's small-size cache. */
#define ARENA_MIN_BLOCK (1024u - MONGOURI__BLOCK_HEADER)

static size_t header_size(void)
{
    return MONGOURI__BLOCK_HEADER;
}

static mongouri__block *block_new(size_t cap)
{
    mongouri__block *b = malloc(header_size() + cap);

    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->cap = cap;
    b->used = 0;
    b->owned = true;
    return b;
}

void *mongouri__arena_alloc_block(mongouri__arena *a, size_t n)
{
    mongouri__block *b = a->head;
    size_t cap = n;
    char *p;

    if (b != NULL && b->owned && cap < b->cap * 2u)
        cap = b->cap * 2u;
    if (cap < ARENA_MIN_BLOCK)
        cap = ARENA_MIN_BLOCK;
    b = block_new(cap);
    if (b == NULL)
        return NULL;
    b->next = a->head;
    a->head = b;
    p = (char *)b + header_size();
    b->used = n;
    return p;
}

char *mongouri__arena_strndup(mongouri__arena *a, const char *s, size_t n)
{
    char *p = mongouri__arena_chars(a, n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void mongouri__arena_free_blocks(mongouri__arena *a)
{
    mongouri__block *b = a->head;

    while (b != NULL) {
        mongouri__block *next = b->next;
        if (b->owned)
            free(b);
        b = next;
    }
    a->head = NULL;
}

void mongouri__wipe_str(char *s)
{
    if (s != NULL)
        mongouri__wipe(s, strlen(s));
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int mongouri__strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ca = lower((unsigned char)a[i]);
        unsigned char cb = lower((unsigned char)b[i]);
        if (ca != cb)
            return (int)ca - (int)cb;
        if (ca == '\0')
            return 0;
    }
    return 0;
}

int mongouri__strcasecmp(const char *a, const char *b)
{
    return mongouri__strncasecmp(a, b, (size_t)-1);
}

bool mongouri__ieq(const char *a, size_t an, const char *b)
{
    size_t i;

    for (i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x == y && y != '\0')
            continue; /* the common case: the same byte */
        if (y == '\0' || lower(x) != lower(y))
            return false;
    }
    return b[i] == '\0';
}

/* A hex digit's value with 0x10 set; 0 for any other byte. */
const unsigned char mongouri__hex[256] = {
    ['0'] = 0x10, ['1'] = 0x11, ['2'] = 0x12, ['3'] = 0x13, ['4'] = 0x14, ['5'] = 0x15,
    ['6'] = 0x16, ['7'] = 0x17, ['8'] = 0x18, ['9'] = 0x19, ['A'] = 0x1a, ['B'] = 0x1b,
    ['C'] = 0x1c, ['D'] = 0x1d, ['E'] = 0x1e, ['F'] = 0x1f, ['a'] = 0x1a, ['b'] = 0x1b,
    ['c'] = 0x1c, ['d'] = 0x1d, ['e'] = 0x1e, ['f'] = 0x1f,
};

/* Length of the UTF-8 sequence starting at s[0..n), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

bool mongouri__utf8_valid(const char *src, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;

    while (i < n) {
        size_t k;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq(s + i, n - i);
        if (k == 0) {
            if (bad != NULL)
                *bad = i;
            return false;
        }
        i += k;
    }
    return true;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* A run of src from i, copied to dst from o up to the next '%' or NUL (or
 * the end): eight bytes at a time, then one at a time. */
#define COPY_RUN()                                                                                 \
    do {                                                                                           \
        while (n - i >= 8) {                                                                       \
            uint64_t x, y, m;                                                                      \
            memcpy(&x, src + i, 8);                                                                \
            y = x ^ (ONES * '%');                                                                  \
            m = (((y - ONES) & ~y) | ((x - ONES) & ~x)) & HIGHS;                                   \
            memcpy(dst + o, &x, 8); /* o <= i: within dst[0..n) */                                 \
            seen |= x;                                                                             \
            if (m != 0) {                                                                          \
                size_t k = first_flagged(m, src + i);                                              \
                i += k;                                                                            \
                o += k;                                                                            \
                break;                                                                             \
            }                                                                                      \
            i += 8;                                                                                \
            o += 8;                                                                                \
        }                                                                                          \
        if (n - i < 8)                                                                             \
            while (i < n && src[i] != '%' && src[i] != '\0') {                                     \
                seen |= (unsigned char)src[i];                                                     \
                dst[o++] = src[i++];                                                               \
            }                                                                                      \
    } while (0)

/* The index in p[0..8) of the first '%' or NUL, one of which is there; m
 * flags them (the lowest flagged byte is exact: borrows only run upwards). */
static inline size_t first_flagged(uint64_t m, const char *p)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    (void)p;
    return (size_t)__builtin_ctzll(m) >> 3;
#else
    size_t k = 0;

    (void)m;
    while (p[k] != '%' && p[k] != '\0')
        k++;
    return k;
#endif
}

/* The decoding from src[i], the first '%', on: src[0..i) is in dst, and
 * *bad holds i, *dst_len the or of those bytes (six arguments: a tail call).
 * Every '%' must start an escape, and a raw NUL is an error too; the first of
 * these errors in the text wins, then the UTF-8 check of the output. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool
decode_escapes(const char *src, size_t n, char *dst, size_t *dst_len, size_t *bad,
               mongouri_diag *diag)
{
    size_t i = *bad;
    bool high = *dst_len >= 0x80;
    const char *z = memchr(src, 0, i);
    size_t o = i, nul = z != NULL ? (size_t)(z - src) : SIZE_MAX; /* nul: the first raw NUL */
    uint64_t seen = high ? 0x80u : 0u;                            /* every byte copied, or'ed */

    while (i < n) {
        if (src[i] == '%') {
            unsigned h, l;
            unsigned char c;
            if (nul != SIZE_MAX)
                break; /* a raw NUL before this escape */
            if (n - i < 3 || ((h = mongouri__hex[(unsigned char)src[i + 1]]) &
                              (l = mongouri__hex[(unsigned char)src[i + 2]]) & 0x10u) == 0) {
                *bad = i;
                *diag = MONGOURI_D_BAD_ESCAPE;
                return false;
            }
            c = (unsigned char)((h << 4) | (l & 0x0fu));
            if (c == 0) {
                *bad = i;
                *diag = MONGOURI_D_NUL_BYTE;
                return false;
            }
            seen |= c;
            dst[o++] = (char)c;
            i += 3;
        } else if (src[i] == '\0') {
            if (nul == SIZE_MAX)
                nul = i;
            dst[o++] = src[i++];
        }
        COPY_RUN();
    }
    if (nul != SIZE_MAX) {
        *bad = nul;
        *diag = MONGOURI_D_NUL_BYTE;
        return false;
    }
    dst[o] = '\0';
    *dst_len = o;
    if (seen & HIGHS) {
        size_t b;
        if (!mongouri__utf8_valid(dst, o, &b)) {
            *bad = mongouri__pct_source_index(src, n, b);
            *diag = MONGOURI_D_BAD_UTF8;
            return false;
        }
    }
    return true;
}

bool mongouri__pct_decode(const char *src, size_t n, char *dst, size_t *dst_len, size_t *bad,
                          mongouri_diag *diag)
{
    /* The common case: nothing to decode; copy while looking for '%' and for
     * bytes that need the UTF-8 check. A raw NUL is kept here (callers
     * refuse them), an error next to an escape. */
    unsigned char any = 0;
    size_t i = 0;

    /* eight bytes at a time while every one is in 0x26..0x7f (no '%', nothing
     * for the UTF-8 check; the rarer bytes below go one at a time) */
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, src + i, 8);
        if (((x - ONES * 0x26u) | x) & HIGHS)
            break;
        memcpy(dst + i, &x, 8);
    }
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '%') {
            *bad = i;
            *dst_len = any;
            return decode_escapes(src, n, dst, dst_len, bad, diag);
        }
        any |= ch;
        dst[i] = (char)ch;
    }
    dst[n] = '\0';
    *dst_len = n;
    if (any < 0x80)
        return true;
    if (!mongouri__utf8_valid(dst, n, bad)) {
        *diag = MONGOURI_D_BAD_UTF8;
        return false;
    }
    return true;
}

size_t mongouri__pct_source_index(const char *src, size_t n, size_t index)
{
    size_t si = 0;

    for (size_t di = 0; si < n && di < index; di++)
        si += (src[si] == '%' && si + 2 < n) ? 3 : 1;
    return si;
}

size_t mongouri__utf8_cut(const char *s, size_t n)
{
    size_t k = n;

    /* step back over continuation bytes to the start of the last sequence */
    while (k > 0 && ((unsigned char)s[k - 1] & 0xC0u) == 0x80u)
        k--;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xC0u) {
        unsigned char lead = (unsigned char)s[k - 1];
        size_t need = lead >= 0xF0u ? 4 : lead >= 0xE0u ? 3 : 2;
        if (n - (k - 1) < need)
            return k - 1;
    }
    return n;
}

unsigned mongouri__edit_distance(const char *a, size_t an, const char *b, unsigned max)
{
    size_t bn = strlen(b);
    unsigned row[80];

    if (an >= sizeof row / sizeof row[0] || bn >= sizeof row / sizeof row[0])
        return max + 1;
    if ((an > bn ? an - bn : bn - an) > max)
        return max + 1;
    for (size_t j = 0; j <= bn; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        unsigned prev = row[0];
        unsigned best;
        row[0] = (unsigned)i;
        best = row[0];
        for (size_t j = 1; j <= bn; j++) {
            unsigned cur = row[j];
            unsigned cost =
                lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 1]) ? 0 : 1;
            unsigned v = prev + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[bn];
}
