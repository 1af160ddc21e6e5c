/* Filling a mongouri_tls_report. */
#ifndef MONGOURI_TLS_REPORT_H
#define MONGOURI_TLS_REPORT_H

#include <stddef.h>

#include "mongouri/openssl.h"

/* An empty report of this library's MONGOURI_TLS_REPORT_VERSION: category ok, nothing seen. */
void mongouri__tls_report_init(mongouri_tls_report *r);

/* vsnprintf into a report field: always NUL-terminated, cut at `cap`. */
void mongouri__tls_set_text(char *dst, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* MONGOURI_TLS_REPORT_H */
