/* The tokenizer's split of a connection string (mongouri__split_text): a
 * table of pinned cases, and every short string over the bytes that matter
 * compared with a plain reading of the rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/*
 * The rules, read one at a time with memchr (the reference): the host list
 * ends at the first '/'; without a '/', at the first '?', and an '@' after
 * that '?' is ambiguous; the userinfo precedes the last '@' before the end
 * of the host list; with a '/', a '?' after the userinfo still ends the host
 * list (and then there is no database).
 */
static void reference(const char *t, size_t len, size_t start, mongouri__split *out)
{
    const char *slash = memchr(t + start, '/', len - start), *qm, *at;
    size_t hend = slash != NULL ? (size_t)(slash - t) : len;

    memset(out, 0, sizeof *out);
    out->start = start;
    if (slash == NULL && (qm = memchr(t + start, '?', len - start)) != NULL) {
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
    if (slash != NULL && (qm = memchr(t + out->hosts_start, '?', hend - out->hosts_start)) != NULL)
        hend = (size_t)(qm - t);
    out->hosts_end = hend;
    out->query = len;
    if (hend < len && t[hend] == '/') {
        const char *q = memchr(t + hend + 1, '?', len - hend - 1);
        out->has_db = true;
        out->db_start = hend + 1;
        out->db_end = q != NULL ? (size_t)(q - t) : len;
        if (q != NULL) {
            out->has_query = true;
            out->query = (size_t)(q - t) + 1;
        }
    } else if (hend < len) {
        out->has_query = true;
        out->query = hend + 1;
    }
}

static size_t count(const char *t, size_t from, size_t to, char ch)
{
    size_t n = 0;

    for (size_t i = from; i < to; i++)
        n += t[i] == ch;
    return n;
}

static void show(char *buf, size_t cap, const char *t, size_t len)
{
    size_t o = 0;

    for (size_t i = 0; i < len && o + 5 < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, t[i] == '\0' ? "\\0" : "%c", t[i]);
    buf[o] = '\0';
}

/* The split of t[0..len) (from `start`) against the reference. */
static void check(const char *t, size_t len, size_t start)
{
    mongouri__split got, want;
    char shown[512];
    const char *nul;

    reference(t, len, start, &want);
    memset(&got, 0x5a, sizeof got);
    mongouri__split_text(t, len, start, &got);
    show(shown, sizeof shown, t, len);
    cr_assert_eq(got.start, want.start, "%s", shown);
    cr_assert_eq(got.has_userinfo, want.has_userinfo, "has_userinfo of \"%s\"", shown);
    cr_assert_eq(got.at, want.at, "at of \"%s\"", shown);
    cr_assert_eq(got.hosts_start, want.hosts_start, "hosts_start of \"%s\"", shown);
    cr_assert_eq(got.hosts_end, want.hosts_end, "hosts_end of \"%s\"", shown);
    cr_assert_eq(got.has_db, want.has_db, "has_db of \"%s\"", shown);
    cr_assert_eq(got.db_start, want.db_start, "db_start of \"%s\"", shown);
    cr_assert_eq(got.db_end, want.db_end, "db_end of \"%s\"", shown);
    cr_assert_eq(got.has_query, want.has_query, "has_query of \"%s\"", shown);
    cr_assert_eq(got.query, want.query, "query of \"%s\"", shown);
    cr_assert_eq(got.problem, want.problem, "problem of \"%s\"", shown);
    cr_assert_eq(got.problem_at, want.problem_at, "problem_at of \"%s\"", shown);
#ifndef OLD_SPLIT
    /* the sizes: the exact host count, a bound on the options */
    cr_assert_eq(
        got.nhosts,
        want.hosts_end > want.hosts_start ? count(t, want.hosts_start, want.hosts_end, ',') + 1 : 0,
        "nhosts of \"%s\"", shown);
    if (want.has_query) {
        size_t least = count(t, want.query, len, '&') + 1, most = count(t, start, len, '&') + 1;
        cr_assert_geq(got.nopts, least < MONGOURI_OPT__COUNT ? least : MONGOURI_OPT__COUNT,
                      "nopts of \"%s\"", shown);
        cr_assert_leq(got.nopts, most < MONGOURI_OPT__COUNT ? most : MONGOURI_OPT__COUNT,
                      "nopts of \"%s\"", shown);
    } else {
        cr_assert_eq(got.nopts, 0, "nopts of \"%s\"", shown);
    }
    cr_assert_eq(got.query_semicolon, want.has_query && count(t, want.query, len, ';') > 0,
                 "query_semicolon of \"%s\"", shown);
    nul = memchr(t + start, '\0', len - start);
    cr_assert_eq(got.nul, nul != NULL ? (size_t)(nul - t) : len, "nul of \"%s\"", shown);
#else
    (void)nul;
#endif
}

typedef struct split_case {
    const char *text;
    bool has_userinfo;
    int at, hosts_start, hosts_end;
    bool has_db;
    int db_start, db_end;
    bool has_query;
    int query, problem_at; /* problem_at -1: none */
} split_case;

/* Offsets count from the start of the text ("mongodb://" is 10 bytes). */
static const split_case cases[] = {
    {"mongodb://", false, 0, 10, 10, false, 0, 0, false, 10, -1},
    {"mongodb://h", false, 0, 10, 11, false, 0, 0, false, 11, -1},
    {"mongodb://a,b:1/", false, 0, 10, 15, true, 16, 16, false, 16, -1},
    {"mongodb://u:p@h/db?w=1", true, 13, 14, 15, true, 16, 18, true, 19, -1},
    {"mongodb://u:p@ss@h/d", true, 16, 17, 18, true, 19, 20, false, 20, -1},
    {"mongodb://u?:p@h/", true, 14, 15, 16, true, 17, 17, false, 17, -1},
    {"mongodb://u:p@h?x=a@b", true, 13, 14, 15, false, 0, 0, true, 16, 15},
    {"mongodb://h?tlsCAFile=/p", false, 0, 10, 11, false, 0, 0, true, 12, -1},
    {"mongodb://h?", false, 0, 10, 11, false, 0, 0, true, 12, -1},
    {"mongodb://h/?", false, 0, 10, 11, true, 12, 12, true, 13, -1},
    {"mongodb://h//x", false, 0, 10, 11, true, 12, 14, false, 14, -1},
    {"mongodb://%2Ftmp%2Fm.sock/d?a=1&b=2", false, 0, 10, 25, true, 26, 27, true, 28, -1},
    {"mongodb:///tmp/m.sock", false, 0, 10, 10, true, 11, 21, false, 21, -1},
    {"mongodb://u:p/w@h/d", false, 0, 10, 13, true, 14, 19, false, 19, -1},
    {"mongodb://@/", true, 10, 11, 11, true, 12, 12, false, 12, -1},
    {"mongodb://u@h?a=1/x@y", true, 11, 12, 13, false, 0, 0, true, 14, -1},
    {"mongodb://?@", false, 0, 10, 10, false, 0, 0, true, 11, 10},
};

Test(split, pinned_cases)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const split_case *c = &cases[i];
        size_t len = strlen(c->text);
        mongouri__split sp;

        mongouri__split_text(c->text, len, 10, &sp);
        cr_assert_eq(sp.has_userinfo, c->has_userinfo, "%s", c->text);
        if (c->has_userinfo)
            cr_assert_eq(sp.at, (size_t)c->at, "%s", c->text);
        cr_assert_eq(sp.hosts_start, (size_t)c->hosts_start, "%s", c->text);
        cr_assert_eq(sp.hosts_end, (size_t)c->hosts_end, "%s", c->text);
        cr_assert_eq(sp.has_db, c->has_db, "%s", c->text);
        if (c->has_db) {
            cr_assert_eq(sp.db_start, (size_t)c->db_start, "%s", c->text);
            cr_assert_eq(sp.db_end, (size_t)c->db_end, "%s", c->text);
        }
        cr_assert_eq(sp.has_query, c->has_query, "%s", c->text);
        cr_assert_eq(sp.query, (size_t)c->query, "%s", c->text);
        cr_assert_eq(sp.problem,
                     c->problem_at >= 0 ? MONGOURI__SPLIT_AMBIGUOUS : MONGOURI__SPLIT_OK, "%s",
                     c->text);
        if (c->problem_at >= 0)
            cr_assert_eq(sp.problem_at, (size_t)c->problem_at, "%s", c->text);
        check(c->text, len, 10);
    }
}

/* Every string of up to 5 of the bytes that matter, placed at several
 * offsets so that the parts fall on either side of every 16-byte block. */
Test(split, every_short_string)
{
    static const char alphabet[] = "/?@,&;a";
    const size_t nsym = sizeof alphabet; /* the terminating NUL is one of them */
    static const size_t before[] = {0, 3, 6, 21, 38}, after[] = {0, 9, 17, 40};
    char buf[128];

    for (size_t n = 0; n <= 5; n++) {
        size_t total = 1;
        for (size_t k = 0; k < n; k++)
            total *= nsym;
        for (size_t code = 0; code < total; code++) {
            char mid[8];
            size_t c = code;
            for (size_t k = 0; k < n; k++, c /= nsym)
                mid[k] = alphabet[c % nsym];
            for (size_t b = 0; b < sizeof before / sizeof before[0]; b++)
                for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
                    size_t len = 10;
                    memcpy(buf, "mongodb://", 10);
                    memset(buf + len, 'h', before[b]);
                    len += before[b];
                    memcpy(buf + len, mid, n);
                    len += n;
                    memset(buf + len, 'x', after[a]);
                    len += after[a];
                    check(buf, len, 10);
                }
        }
    }
}

/* Longer random strings, each in a buffer of exactly its size (the
 * sanitizer build catches a read past the end), from any start. */
Test(split, random_strings)
{
    static const char alphabet[] = "/?@,&;\0aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    unsigned long x = 12345;

    for (int round = 0; round < 40000; round++) {
        size_t len, start;
        char *t;
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        len = (size_t)(x >> 33) % 300;
        t = malloc(len + 1);
        cr_assert_not_null(t);
        for (size_t i = 0; i < len; i++) {
            x = x * 6364136223846793005ul + 1442695040888963407ul;
            t[i] = alphabet[(x >> 33) % (sizeof alphabet - 1)];
        }
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        start = len == 0 ? 0 : (size_t)(x >> 33) % (len + 1);
        check(t, len, start);
        free(t);
    }
}

/* Many '&' (beyond what a lane of the block scan counts) and a long text. */
Test(split, long_queries)
{
    static const size_t sizes[] = {40, 63, 64, 65, 200, 5000, 70000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], len = 0;
        char *t = malloc(n * 2 + 40);
        cr_assert_not_null(t);
        len += (size_t)sprintf(t, "mongodb://u@a,b,c/d?");
        for (size_t i = 0; i < n; i++) {
            t[len++] = i % 7 == 3 ? ';' : 'w';
            t[len++] = '&';
        }
        check(t, len, 10);
        /* every '&' in one lane of the 16-byte blocks */
        memset(t + 20, 'x', len - 20);
        for (size_t i = 20 + 16; i < len; i += 16)
            t[i] = '&';
        check(t, len, 10);
        free(t);
    }
}
