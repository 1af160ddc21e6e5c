/* The applicator's error objects, and what OpenSSL's error queue says after a failed call. */
#ifndef MONGOURI_TLS_ERRORS_H
#define MONGOURI_TLS_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

#include "mongouri/mongouri.h"

/* MONGOURI_E_FILE with `code`, `option`, the message and an optional hint. */
mongouri_status mongouri__tls_file_error(mongouri_error *err, mongouri_diag code,
                                         const char *option, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/*
 * What OpenSSL's error queue says after a failed call; pops the whole
 * queue. A failed allocation shows as ERR_R_MALLOC_FAILURE; OpenSSL 3.0
 * also fails some allocations without queuing anything, and a real
 * decoding or key problem always queues its reason, so a failure with an
 * empty queue is counted as out of memory too.
 */
typedef struct mongouri__tls_error_scan {
    bool oom;
    unsigned long first;       /* 0 = none */
    unsigned long bad_decrypt; /* EVP_R_BAD_DECRYPT, 0 = none */
} mongouri__tls_error_scan;

void mongouri__tls_scan_errors(mongouri__tls_error_scan *es);
/* OpenSSL's reason for `e` ("bad decrypt"), "unknown error" when none. */
void mongouri__tls_error_text(unsigned long e, char *buf, size_t cap);
/* MONGOURI_E_NOMEM: "out of memory <what>". */
mongouri_status mongouri__tls_out_of_memory(mongouri_error *err, const char *option,
                                            const char *what);

#endif /* MONGOURI_TLS_ERRORS_H */
