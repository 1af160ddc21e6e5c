/* The userinfo and database of a connection string (userinfo.c). Never installed. */
#ifndef MONGOURI_USERINFO_INT_H
#define MONGOURI_USERINFO_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "mongouri/mongouri.h"
#include "util_int.h"

/* The userinfo text[at, at + n) (B.1 step 3): the decoded user name, and the
 * password when there is a ':' (then *secret is set before it is decoded, so
 * that a partly decoded one is wiped too). */
mongouri_status mongouri__userinfo_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **user, const char **password, bool *secret);

/* The database text[at, at + n) (B.1 step 5): *db stays NULL when empty. */
mongouri_status mongouri__database_parse(const char *text, size_t at, size_t n,
                                         mongouri__arena *arena, mongouri_error *err,
                                         const char **db);

/* Does an '@' after the host information look like the end of a userinfo
 * split early by an unescaped '/' or '?' in the password? */
bool mongouri__stray_at(const char *s, size_t from, size_t len);

#endif /* MONGOURI_USERINFO_INT_H */
