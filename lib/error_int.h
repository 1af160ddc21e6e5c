/* Error records (error.c): filling a mongouri_error. Never installed. */
#ifndef MONGOURI_ERROR_INT_H
#define MONGOURI_ERROR_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "mongouri/mongouri.h"

/* Record a diagnosis into `err` (which may be NULL) and return `status`. */
mongouri_status mongouri__error_set(mongouri_error *err, mongouri_status status, mongouri_diag code,
                                    const char *option, long offset, long length, const char *fmt,
                                    ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
void mongouri__error_hint(mongouri_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Reset `err` (which may be NULL) to "no error". */
static inline void mongouri__error_clear(mongouri_error *err)
{
    if (err == NULL)
        return;
    err->status = MONGOURI_OK;
    err->code = MONGOURI_D_NONE;
    err->source = MONGOURI_SOURCE_DEFAULT;
    err->offset = -1;
    err->length = 0;
    err->option[0] = '\0';
    err->message[0] = '\0';
    err->hint[0] = '\0';
}

/* A syntax error at [at, at + len) of the input: `fmt` holds at most one %s. */
mongouri_status mongouri__syntax_error(mongouri_error *err, mongouri_diag code, size_t at,
                                       size_t len, const char *fmt, const char *arg);
/* The out-of-memory error. */
mongouri_status mongouri__nomem(mongouri_error *err);

/* vsnprintf into dst[0..cap); text that does not fit is cut before the
 * UTF-8 sequence that would be split, so a message stays valid UTF-8. */
void mongouri__text_vformat(char *dst, size_t cap, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

/* A TXT-record error: its source is the record, and without an offset of its
 * own it points at the SRV host name [offset, offset + length) it came from. */
mongouri_status mongouri__txt_error(mongouri_error *err, mongouri_status rc, long offset,
                                    long length);

#endif /* MONGOURI_ERROR_INT_H */
