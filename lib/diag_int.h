/*
 * Warnings of a parse (diag.c): recorded on the result, or turned into the
 * error in strict mode. Never installed.
 */
#ifndef MONGOURI_DIAG_INT_H
#define MONGOURI_DIAG_INT_H

#include "mongouri/mongouri.h"

/* Warnings kept per result; beyond it they are counted in one last warning. */
#define MONGOURI__MAX_WARNINGS 64u

/*
 * Record a warning on `uri`; in strict mode it is the error instead. The
 * wording is chosen from `fmt`, the template, before anything is formatted:
 * strict mode drops a closing "; the option is ignored" or "; the last value
 * is used" and says " is refused" for " is ignored". The arguments (echoed
 * input) are never rewritten, and a message that does not fit is cut on a
 * UTF-8 boundary.
 */
mongouri_status mongouri__warn(mongouri_uri *uri, mongouri_error *err, mongouri_diag code,
                               const char *option, mongouri_source source, long offset, long length,
                               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

/* Set the hint of the warning just recorded (of the error, in strict mode):
 * `fmt` holds one %s, for `arg`. */
void mongouri__warn_hint(mongouri_uri *uri, mongouri_error *err, const char *fmt, const char *arg);

#endif /* MONGOURI_DIAG_INT_H */
