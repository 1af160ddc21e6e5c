/* Error objects of the applicator, and the reading of OpenSSL's error queue. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "tls/errors.h"
#include "error_int.h"

mongouri_status mongouri__tls_file_error(mongouri_error *err, mongouri_diag code,
                                         const char *option, const char *hint, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mongouri__error_set(err, MONGOURI_E_FILE, code, option, -1, 0, "%s", msg);
    if (hint != NULL)
        mongouri__error_hint(err, "%s", hint);
    return MONGOURI_E_FILE;
}

void mongouri__tls_scan_errors(mongouri__tls_error_scan *es)
{
    unsigned long e;

    memset(es, 0, sizeof *es);
    while ((e = ERR_get_error()) != 0) {
        if (es->first == 0)
            es->first = e;
        if (ERR_GET_REASON(e) == (ERR_R_MALLOC_FAILURE & ERR_REASON_MASK))
            es->oom = true;
        if (es->bad_decrypt == 0 && ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT)
            es->bad_decrypt = e;
    }
    if (es->first == 0)
        es->oom = true;
}

void mongouri__tls_error_text(unsigned long e, char *buf, size_t cap)
{
    const char *r = e == 0 ? NULL : ERR_reason_error_string(e);

    snprintf(buf, cap, "%s", r != NULL ? r : "unknown error");
}

mongouri_status mongouri__tls_out_of_memory(mongouri_error *err, const char *option,
                                            const char *what)
{
    return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, option, -1, 0,
                               "out of memory %s", what);
}
