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

mongouri_status mongouri__userinfo_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **user_out, const char **password_out,
                                         bool *secret)
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

mongouri_status mongouri__database_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **db_out)
{
    const char *s = text + at;
    char *db;
    size_t dlen, bad;
    mongouri_diag diag;

    if (n == 0)
        return MONGOURI_OK;
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
