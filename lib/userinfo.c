/*
 * The parts around the hosts: the userinfo (user name and password, split
 * at the first ':', percent-decoded) and the database, per SPEC-RULES.md
 * B.1 steps 3 and 5.
 */
#include <stdio.h>
#include <string.h>

#include "error_int.h"
#include "userinfo_int.h"
#include "util_int.h"

#if defined(__GNUC__)
__attribute__((cold, noinline))
#endif
static mongouri_status
syntax(mongouri_error *err, mongouri_diag code, size_t at, size_t len, const char *fmt,
       const char *arg)
{
    return mongouri__syntax_error(err, code, at, len, fmt, arg);
}

/*
 * Does an '@' after the host information look like the end of a userinfo
 * split early by an unescaped '/' or '?' in the password? An '@' before the
 * query, or one right after a '?' with no '=' before it.
 */
bool mongouri__stray_at(const char *s, size_t from, size_t len)
{
    size_t i = from;

    while (i < len && s[i] != '?') {
        if (s[i] == '@')
            return true;
        i++;
    }
    for (i++; i < len && s[i] != '='; i++)
        if (s[i] == '@')
            return true;
    return false;
}

/* Bytes of a userinfo that need a look: ':' and the reserved characters
 * refused raw ('@', '[', ']', '#', '?', space, controls). */
static const bool special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
    [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
    [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
    [' '] = 1,  ['#'] = 1,  [':'] = 1,  ['?'] = 1,  ['@'] = 1,  ['['] = 1,  [']'] = 1,  [0x7f] = 1,
};

/* What the quick decoders do with a byte: copy it, decode an escape, note a
 * byte that needs the UTF-8 check, split the userinfo, or leave the part to
 * the full parse (which reports the error). */
enum { Q_COPY, Q_PCT, Q_HIGH, Q_COLON, Q_STOP };

#define Q_HIGH16                                                                                   \
    Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH,        \
        Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH, Q_HIGH
#define Q_STOP16                                                                                   \
    Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP,        \
        Q_STOP, Q_STOP, Q_STOP, Q_STOP, Q_STOP

/* The userinfo: the bytes of `special` stop, but for ':'. */
static const unsigned char user_class[256] = {
    Q_STOP16,        Q_STOP16,          [' '] = Q_STOP, ['#'] = Q_STOP, ['%'] = Q_PCT,
    [':'] = Q_COLON, ['?'] = Q_STOP,    ['@'] = Q_STOP, ['['] = Q_STOP, [']'] = Q_STOP,
    [0x7f] = Q_STOP, [0x80] = Q_HIGH16, Q_HIGH16,       Q_HIGH16,       Q_HIGH16,
    Q_HIGH16,        Q_HIGH16,          Q_HIGH16,       Q_HIGH16,
};

/* Copies the bytes of class Q_COPY from q on to *w (the parts are short: one
 * at a time). Returns where it stopped (end, or a byte to look at). */
static inline const unsigned char *copy_plain(const unsigned char *q, const unsigned char *end,
                                              char **w, const unsigned char *cls)
{
    char *d = *w;
    size_t k = 0;

    /* four bytes a round, each tested as it is copied */
    while (end - q >= 4) {
        if (cls[q[0]] != Q_COPY)
            goto out;
        d[0] = (char)q[0];
        k = 1;
        if (cls[q[1]] != Q_COPY)
            goto out;
        d[1] = (char)q[1];
        k = 2;
        if (cls[q[2]] != Q_COPY)
            goto out;
        d[2] = (char)q[2];
        k = 3;
        if (cls[q[3]] != Q_COPY)
            goto out;
        d[3] = (char)q[3];
        k = 0;
        d += 4;
        q += 4;
    }
    while (q < end && cls[*q] == Q_COPY)
        *d++ = (char)*q++;
out:
    *w = d + k;
    return q + k;
}

/* The byte an escape at q (q < end) decodes to, or -1 for a bad one. */
static inline int escape(const unsigned char *q, const unsigned char *end)
{
    unsigned h, l;

    if (end - q < 3 || ((h = mongouri__hex[q[1]]) & (l = mongouri__hex[q[2]]) & 0x10u) == 0)
        return -1;
    return (int)(((h << 4) | (l & 0x0fu)) & 0xffu);
}

/*
 * The userinfo of the common shape, decoded in one pass into one piece of the
 * arena (the user name, its NUL, the password): 1 when done, 0 to leave it
 * to the full parse (anything it would refuse, or no memory).
 */
static int quick_userinfo(const char *s, size_t n, mongouri__arena *arena, const char **user_out,
                          const char **password_out, bool *secret)
{
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    char *p = mongouri__arena_chars(arena, n + 1), *w = p, *pass = NULL;
    unsigned seen = 0, useen = 0;

    if (p == NULL)
        return 0;
    for (;;) {
        q = copy_plain(q, end, &w, user_class);
        if (q == end)
            break;
        switch (user_class[*q]) {
        case Q_PCT: {
            int c = escape(q, end);
            if (c <= 0)
                return 0;
            seen |= (unsigned)c;
            *w++ = (char)c;
            q += 3;
            continue;
        }
        case Q_HIGH:
            seen |= *q;
            *w++ = (char)*q++;
            continue;
        case Q_COLON:
            if (pass != NULL)
                return 0;
            *secret = true; /* before any byte of the password is written */
            *w++ = '\0';
            pass = w;
            useen = seen;
            seen = 0;
            q++;
            continue;
        default:
            return 0;
        }
    }
    *w = '\0';
    if (pass == NULL) {
        useen = seen;
        seen = 0;
    }
    if (((useen | seen) & 0x80u) != 0 &&
        (!mongouri__utf8_valid(p, pass != NULL ? (size_t)(pass - 1 - p) : (size_t)(w - p), NULL) ||
         (pass != NULL && !mongouri__utf8_valid(pass, (size_t)(w - pass), NULL))))
        return 0;
    *user_out = p;
    if (pass != NULL)
        *password_out = pass;
    return 1;
}

/* The full parse of a userinfo: every error, in the order of the text. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static mongouri_status
userinfo_full(const char *text, size_t at, size_t n, mongouri__arena *arena, mongouri_error *err,
              const char **user_out, const char **password_out, bool *secret)
{
    const char *s = text + at;
    size_t colon = n;
    char *user, *pass;
    size_t ulen, plen, bad;
    mongouri_diag diag;
    mongouri_status rc;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!special[ch])
            continue; /* the common case: one load per byte */
        if (ch == ':') {
            if (colon != n) {
                rc = syntax(err, MONGOURI_D_BAD_USERINFO, at + i, 1, "%s",
                            "the password contains an unescaped ':'");
                mongouri__error_hint(err, "percent-encode ':' in a user name or password "
                                          "as %%3A");
                return rc;
            }
            colon = i;
        } else if (ch == '@' || ch == '[' || ch == ']' || ch == '#' || ch == '?' || ch == ' ' ||
                   ch < 0x20 || ch == 0x7f) {
            static const char *const names[] = {"@", "[", "]", "#", "?", "space"};
            const char *what = ch == '@'   ? names[0]
                               : ch == '[' ? names[1]
                               : ch == ']' ? names[2]
                               : ch == '#' ? names[3]
                               : ch == '?' ? names[4]
                                           : names[5];
            rc = syntax(err, MONGOURI_D_BAD_USERINFO, at + i, 1,
                        "the %s contains an unescaped reserved character",
                        colon == n ? "user name" : "password");
            if (ch == '@')
                mongouri__error_hint(err, "percent-encode '@' in a user name or password as "
                                          "%%40");
            else if (ch < 0x20 || ch == 0x7f)
                mongouri__error_hint(err, "control characters must be percent-encoded");
            else if (ch == '?')
                mongouri__error_hint(err, "percent-encode '?' in a user name or password as "
                                          "%%3F (or an '@' in an option value as %%40)");
            else
                mongouri__error_hint(err, "percent-encode it (%s: %%%02X)", what, ch);
            return rc;
        }
    }
    ulen = colon;
    user = mongouri__arena_chars(arena, ulen + 1);
    if (user == NULL)
        return mongouri__nomem(err);
    if (!mongouri__pct_decode(s, ulen, user, &ulen, &bad, &diag)) {
        rc = syntax(err, diag, at + bad, 1, "%s",
                    diag == MONGOURI_D_BAD_ESCAPE ? "the user name has a '%' that is not "
                                                    "followed by two hex digits"
                                                  : "the user name decodes to an invalid byte");
        mongouri__error_hint(err, "write a literal '%%' as %%25");
        return rc;
    }
    *user_out = user;
    if (colon == n)
        return MONGOURI_OK;
    plen = n - colon - 1;
    *secret = true;
    pass = mongouri__arena_chars(arena, plen + 1);
    if (pass == NULL)
        return mongouri__nomem(err);
    if (!mongouri__pct_decode(s + colon + 1, plen, pass, &plen, &bad, &diag)) {
        rc = syntax(err, diag, at + colon + 1 + bad, 1, "%s",
                    diag == MONGOURI_D_BAD_ESCAPE ? "the password has a '%' that is not "
                                                    "followed by two hex digits"
                                                  : "the password decodes to an invalid byte");
        mongouri__error_hint(err, "write a literal '%%' in a password as %%25");
        return rc;
    }
    *password_out = pass;
    return MONGOURI_OK;
}

/* Bytes a database name may not hold (B.1 step 5, and '@'). */
static const bool db_refused[256] = {
    [' '] = 1, ['"'] = 1, ['$'] = 1, ['/'] = 1, ['@'] = 1, ['\\'] = 1,
};

/* The database: the refused bytes and NUL stop. */
static const unsigned char db_class[256] = {
    [0] = Q_STOP,      [' '] = Q_STOP, ['"'] = Q_STOP, ['$'] = Q_STOP,
    ['%'] = Q_PCT,     ['/'] = Q_STOP, ['@'] = Q_STOP, ['\\'] = Q_STOP,
    [0x80] = Q_HIGH16, Q_HIGH16,       Q_HIGH16,       Q_HIGH16,
    Q_HIGH16,          Q_HIGH16,       Q_HIGH16,       Q_HIGH16,
};

/* The database of the common shape, decoded into the arena in one pass: 1
 * when done, 0 to leave it to the full parse. */
static int quick_database(const char *s, size_t n, mongouri__arena *arena, const char **db_out)
{
    const unsigned char *q = (const unsigned char *)s, *end = q + n;
    char *p = mongouri__arena_chars(arena, n + 1), *w = p;
    unsigned seen = 0;

    if (p == NULL)
        return 0;
    for (;;) {
        /* eight plain bytes at a time (a name may be long), then one at a time */
        while (end - q >= 8 &&
               (db_class[q[0]] | db_class[q[1]] | db_class[q[2]] | db_class[q[3]] | db_class[q[4]] |
                db_class[q[5]] | db_class[q[6]] | db_class[q[7]]) == 0) {
            memcpy(w, q, 8);
            w += 8;
            q += 8;
        }
        q = copy_plain(q, end, &w, db_class);
        if (q == end)
            break;
        if (*q == '%') {
            int c = escape(q, end);
            if (c <= 0 || db_refused[c])
                return 0;
            seen |= (unsigned)c;
            *w++ = (char)c;
            q += 3;
        } else if (*q >= 0x80) {
            seen |= *q;
            *w++ = (char)*q++;
        } else {
            return 0;
        }
    }
    *w = '\0';
    if ((seen & 0x80u) != 0 && !mongouri__utf8_valid(p, (size_t)(w - p), NULL))
        return 0;
    *db_out = p;
    return 1;
}

/* The full parse of a database name. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static mongouri_status
database_full(const char *text, size_t at, size_t n, mongouri__arena *arena, mongouri_error *err,
              const char **db_out)
{
    const char *s = text + at;
    char *db;
    size_t dlen, bad;
    mongouri_diag diag;

    db = mongouri__arena_chars(arena, n + 1);
    if (db == NULL)
        return mongouri__nomem(err);
    if (!mongouri__pct_decode(s, n, db, &dlen, &bad, &diag))
        return syntax(err, diag, at + bad, 1, "%s",
                      diag == MONGOURI_D_BAD_ESCAPE ? "the database name has a '%' that is not "
                                                      "followed by two hex digits"
                                                    : "the database name decodes to an invalid "
                                                      "byte");
    for (size_t i = 0; i < dlen; i++) {
        char ch = db[i];
        if (db_refused[(unsigned char)ch]) {
            char shown[8];
            mongouri_status rc;
            snprintf(shown, sizeof shown, ch == ' ' ? "space" : "'%c'", ch);
            rc = mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_BAD_DATABASE, NULL,
                                     (long)(at + mongouri__pct_source_index(s, n, i)), 1,
                                     "the database name may not contain %s", shown);
            if (ch == '/' || ch == '@')
                mongouri__error_hint(err, "if '/' or '?' belongs to the password, "
                                          "percent-encode it (%%2F, %%3F)");
            return rc;
        }
    }
    *db_out = db;
    return MONGOURI_OK;
}

mongouri_status mongouri__userinfo_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **user_out, const char **password_out,
                                         bool *secret)
{
    if (quick_userinfo(text + at, n, arena, user_out, password_out, secret))
        return MONGOURI_OK;
    return userinfo_full(text, at, n, arena, err, user_out, password_out, secret);
}

mongouri_status mongouri__database_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **db_out)
{
    if (n == 0 || quick_database(text + at, n, arena, db_out))
        return MONGOURI_OK;
    return database_full(text, at, n, arena, err, db_out);
}
