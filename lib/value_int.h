/*
 * Typed values (value.c): one parser per option type, chosen by the row's
 * type, and the occurrence of an option they read (key, decoded value,
 * source, where it stands).
 */
#ifndef MONGOURI_VALUE_INT_H
#define MONGOURI_VALUE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mongouri/mongouri.h"

typedef struct mongouri__kv {
    const char *key;
    const char *value;
} mongouri__kv;

typedef struct mongouri__tagset {
    size_t n;
    mongouri__kv *tags;
} mongouri__tagset;

/* The typed value of an option. */
typedef union mongouri__payload {
    bool b;
    int64_t i;
    const char *s;
    struct {
        uint32_t n;
        const char **items;
    } list;
    struct {
        uint32_t n;
        mongouri__kv *items;
    } kv;
    struct {
        uint32_t n, cap;
        mongouri__tagset *sets;
    } tags;
} mongouri__payload;

typedef struct mongouri__value {
    bool set : 1;           /* has a valid value */
    bool present : 1;       /* the key appeared (valid value or not) */
    bool by_alias : 1;      /* last set through a (deprecated) alias */
    bool is_string : 1;     /* w: string rather than integer */
    uint8_t source;         /* mongouri_source of the value */
    uint8_t present_source; /* mongouri_source of the first appearance */
    uint8_t id;             /* mongouri__opt */
    uint8_t spelling;       /* key index of the name at first appearance */
    uint8_t set_spelling;   /* key index of the name that set the value */
    int32_t offset;         /* offset of the key=value pair in the URI, -1 if none */
    int32_t length;
    int32_t present_offset; /* first appearance */
    int32_t present_length;
    mongouri__payload v;
} mongouri__value;

/* One key=value occurrence from any source. */
typedef struct mongouri__pair {
    const char *key; /* raw key as written */
    size_t klen;
    const char *val; /* decoded value, NUL-terminated, owned by the arena */
    size_t vlen;
    mongouri_source source;
    long offset; /* of the key in the URI, -1 elsewhere */
    long length; /* of key=value */
} mongouri__pair;

/* What the value parsers and the merge work on. */
typedef struct mongouri__vctx {
    mongouri_uri *uri;
    mongouri_error *err;
    /* Does input[start, end) touch a byte the tokenizer calls secret? */
    bool (*secret_at)(void *ctx, size_t start, size_t end);
    void *secret_ctx;
    bool query_semicolon; /* the query holds a ';' (raw or %3B) somewhere */
    long srv_offset;      /* the SRV host in the input: where TXT errors point */
    long srv_length;
} mongouri__vctx;

/* The legacy and odd forms of a boolean (value.c). */
int mongouri__parse_bool_other(const char *s, size_t n);

/* 1 true, 0 false, 2 legacy true, 3 legacy false, -1 invalid. */
static inline int mongouri__parse_bool(const char *s, size_t n)
{
    /* "true" and "false" in any letter case, the common case, first. */
    if (n == 4 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'r' && (s[2] | 0x20) == 'u' &&
        (s[3] | 0x20) == 'e')
        return 1;
    if (n == 5 && (s[0] | 0x20) == 'f' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'l' &&
        (s[3] | 0x20) == 's' && (s[4] | 0x20) == 'e')
        return 0;
    return mongouri__parse_bool_other(s, n);
}
/* A decimal integer (optional '-') that fits int64_t. */
bool mongouri__parse_int_any(const char *s, size_t n, int64_t *out);
static inline bool mongouri__parse_int(const char *s, size_t n, int64_t *out)
{
    /* the common value, 1 to 9 digits and no sign, here; the rest (a sign,
     * long values, the int64_t bounds) in mongouri__parse_int_any */
    if (n - 1u < 9u) {
        uint32_t v = 0;
        size_t i = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned char)s[i] - (unsigned)'0';
            if (d > 9)
                break;
            v = v * 10u + d;
        }
        if (i == n) {
            *out = (int64_t)v;
            return true;
        }
        if (s[0] != '-')
            return false; /* a byte that is not a digit */
    }
    return mongouri__parse_int_any(s, n, out);
}
/* Pieces of v[0..n) split on `sep` (at least 1). */
size_t mongouri__count_pieces(const char *v, size_t n, char sep);

/* May the value of `p` appear in a message? */
bool mongouri__value_secret(mongouri__vctx *c, const mongouri__pair *p);
/* The decoded value of `p` for a message, or "(hidden)". */
const char *mongouri__value_text(mongouri__vctx *c, const mongouri__pair *p);

/* Type the value of `p` for option `id` by the row's type and store it in
 * the option's slot; an invalid value leaves the slot unchanged. */
mongouri_status mongouri__store_value(mongouri__vctx *c, int id, const mongouri__pair *p,
                                      bool by_alias, uint8_t spelling);

#endif /* MONGOURI_VALUE_INT_H */
