/*
 * The tokenizer (split.c): the parts of a connection string, and which of
 * its bytes are secret. Never installed.
 */
#ifndef MONGOURI_SPLIT_INT_H
#define MONGOURI_SPLIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mongouri/mongouri.h"

enum { MONGOURI__SPLIT_OK = 0, MONGOURI__SPLIT_AMBIGUOUS = 1 };

typedef struct mongouri__split {
    size_t start;      /* first byte after the scheme */
    bool has_userinfo; /* userinfo is [start, at) */
    size_t at;
    size_t hosts_start, hosts_end;
    bool has_db; /* database is [db_start, db_end) */
    size_t db_start, db_end;
    bool has_query; /* options are [query, len) */
    size_t query;
    int problem;       /* MONGOURI__SPLIT_*: why the string cannot be split */
    size_t problem_at; /* the offending byte */
    /* What the same scan saw, for the parser's sizing and checks: */
    size_t nhosts;        /* the ','-separated pieces of the host list (0 when empty) */
    size_t nopts;         /* 0 without a query, else in [min(its '&' pieces, OPT__COUNT),
                           * OPT__COUNT] (and at most the text's '&' + 1): an upper bound */
    bool query_semicolon; /* the query holds a raw ';' */
    size_t nul;           /* the first NUL byte at or after `start`; len when none */
} mongouri__split;

/* Split t[0..len) whose scheme ends at `start`, per the connection-string
 * spec, in one scan of the text. */
void mongouri__split_text(const char *t, size_t len, size_t start, mongouri__split *out);

/* One '&'-separated piece of an option text (a URI query, a TXT record):
 * the key is [start, eq) and the value [eq + 1, end) when has_eq; without
 * '=', eq == end. */
typedef struct mongouri__piece {
    size_t start, eq, end;
    bool has_eq;
} mongouri__piece;

/* The next non-empty piece of t[*pos, end) ("&&" and a trailing '&' hold
 * none); false when there is none left. The one splitter of options, for the
 * parser, the TXT record and the secret ranges alike. */
static inline bool mongouri__piece_next(const char *t, size_t end, size_t *pos,
                                        mongouri__piece *out)
{
    size_t i = *pos, amp;
    const char *e;

    for (;; i++) {
        const char *a;
        if (i >= end)
            return false;
        a = memchr(t + i, '&', end - i);
        amp = a != NULL ? (size_t)(a - t) : end;
        if (amp != i)
            break;
    }
    e = memchr(t + i, '=', amp - i);
    out->start = i;
    out->end = amp;
    out->has_eq = e != NULL;
    out->eq = e != NULL ? (size_t)(e - t) : amp;
    *pos = amp + 1; /* may pass `end` by one: the next call ends */
    return true;
}

/* Calls fn(ctx, start, end) for every secret byte range of t[0..len), in
 * order of the parts; stops (false) when fn returns false. Works on any text. */
typedef bool (*mongouri__span_fn)(void *ctx, size_t start, size_t end);
bool mongouri__secret_spans(const char *t, size_t len, mongouri__span_fn fn, void *ctx);

/* The secret ranges of an input, found on the first question (most parses
 * show no input text in a message and never ask), sorted and merged. */
typedef struct mongouri__secrets {
    const char *text;
    size_t len;
    bool ready;
    bool failed; /* out of memory: every range counts as secret */
    size_t n, cap;
    size_t (*spans)[2];
} mongouri__secrets;

static inline void mongouri__secrets_init(mongouri__secrets *s, const char *text, size_t len)
{
    s->text = text;
    s->len = len;
    s->ready = s->failed = false;
    s->n = s->cap = 0;
    s->spans = NULL;
}

static inline void mongouri__secrets_free(mongouri__secrets *s)
{
    if (s->spans != NULL)
        free(s->spans);
    s->spans = NULL;
}
/* Does text[start, end) touch a byte mongouri__secret_spans calls secret? */
bool mongouri__secret_at(mongouri__secrets *s, size_t start, size_t end);

enum { MONGOURI__KEY_PLAIN = 0, MONGOURI__KEY_SECRET = 1, MONGOURI__KEY_PROPERTIES = 2 };
/* What the value of an option named k[0..n) holds; a near miss of a secret
 * option, a name that says password, token or secret, or no name: secret. */
int mongouri__key_kind(const char *k, size_t n);
/* An authMechanismProperties item name whose value is secret (or a near miss). */
bool mongouri__property_secret(const char *k, size_t n);
/* The secret ranges (offset by `base`) of an authMechanismProperties value
 * v[0..n): percent-encoded as in a URI when `esc`, else as given (keywords). */
bool mongouri__property_spans(const char *v, size_t n, size_t base, bool esc, mongouri__span_fn fn,
                              void *ctx);

/* The secret ranges (offset by `base`) of the value v[0..n) of the option
 * k[0..n): all of it for a secret key, the secret items of properties, and
 * in a plain value what follows a secret "name=" run into it or a secret
 * property item of an unknown option. The one judgement of a pair. */
bool mongouri__pair_spans(const char *k, size_t kn, const char *v, size_t n, size_t base, bool esc,
                          mongouri__span_fn fn, void *ctx);
/* Does the decoded text v[0..n) hold another option run into it, a "name="
 * whose name is not a plain one (what mongouri__pair_spans masks after)? */
bool mongouri__run_in(const char *v, size_t n);
/* What of the key:value item may be shown (a mongouri_shown): a secret
 * property's value when `props`, and a key or value holding a run-in option
 * (the key's, then all of the item), are masked. */
int mongouri__item_shown(const char *key, const char *value, bool props);
/* Of items[0..n): how many come before the first one not shown whole; that
 * one's mongouri_shown in *first (MONGOURI_SHOWN_ALL when there is none). */
struct mongouri__kv;
size_t mongouri__items_shown(const struct mongouri__kv *items, size_t n, bool props, int *first);
/* Whether option `id`'s value is shown masked (public: mongouri_uri_option_hidden). */
bool mongouri__value_hidden(const mongouri_uri *uri, int id);

#endif /* MONGOURI_SPLIT_INT_H */
