/* Error records, static names of codes, and the library's free(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_int.h"
#include "util_int.h"

static void copy_option(char *dst, size_t cap, const char *src)
{
    size_t n = src == NULL ? 0 : strlen(src);

    if (n >= cap)
        n = cap - 1;
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void mongouri__text_vformat(char *dst, size_t cap, const char *fmt, va_list ap)
{
    int n = vsnprintf(dst, cap, fmt, ap);

    if (n >= 0 && (size_t)n >= cap)
        dst[mongouri__utf8_cut(dst, cap - 1)] = '\0';
}

mongouri_status mongouri__error_set(mongouri_error *err, mongouri_status status, mongouri_diag code,
                                    const char *option, long offset, long length, const char *fmt,
                                    ...)
{
    va_list ap;

    if (err == NULL)
        return status;
    err->status = status;
    err->code = code;
    err->source = offset >= 0 ? MONGOURI_SOURCE_URI : MONGOURI_SOURCE_DEFAULT;
    err->offset = offset;
    err->length = length;
    copy_option(err->option, sizeof err->option, option);
    va_start(ap, fmt);
    mongouri__text_vformat(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->hint[0] = '\0';
    return status;
}

mongouri_status mongouri__syntax_error(mongouri_error *err, mongouri_diag code, size_t at,
                                       size_t len, const char *fmt, const char *arg)
{
    char msg[256];

    snprintf(msg, sizeof msg, fmt, arg);
    return mongouri__error_set(err, MONGOURI_E_SYNTAX, code, NULL, (long)at, (long)len, "%s", msg);
}

mongouri_status mongouri__nomem(mongouri_error *err)
{
    return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                               "out of memory");
}

void mongouri__error_hint(mongouri_error *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    mongouri__text_vformat(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
}

const char *mongouri_strerror(mongouri_status status)
{
    static const char *const text[] = {
        "success",
        "invalid argument",
        "out of memory",
        "malformed connection string",
        "conflicting options",
        "invalid option",
        "invalid credentials",
        "input limit exceeded",
        "DNS resolution failed",
        "TLS failure",
        "unusable certificate, key or CRL file",
    };

    if ((unsigned)status < sizeof text / sizeof text[0])
        return text[status];
    return "unknown status";
}

const char *mongouri_diag_name(mongouri_diag code)
{
    static const char *const names[] = {
        "none",
        "bad-scheme",
        "no-host",
        "bad-host",
        "bad-port",
        "bad-userinfo",
        "bad-percent-escape",
        "bad-utf8",
        "nul-byte",
        "bad-database",
        "malformed-option",
        "unknown-option",
        "invalid-value",
        "empty-value",
        "repeated-option",
        "deprecated-option",
        "legacy-boolean",
        "tls-option-ignored",
        "tls-conflict",
        "tls-ssl-disagree",
        "revocation-conflict",
        "srv-only-option",
        "bad-srv-host",
        "direct-connection",
        "load-balanced",
        "proxy",
        "auth",
        "limit",
        "srv-max-hosts",
        "read-preference",
        "invalid-argument",
        "out-of-memory",
        "dns-nxdomain",
        "dns-no-records",
        "dns-timeout",
        "dns-refused",
        "dns-failure",
        "srv-parent-domain",
        "txt-multiple-records",
        "txt-option-not-allowed",
        "txt-malformed",
        "pool-size",
        "file-missing",
        "file-unreadable",
        "no-certificate",
        "no-private-key",
        "key-needs-password",
        "key-bad-password",
        "key-certificate-mismatch",
        "certificate-expired",
        "certificate-not-yet-valid",
        "crl-unparseable",
        "tls-setup",
        "tls-handshake",
        "connect-failed",
        "not-a-ca-certificate",
        "crl-expired",
        "crl-not-yet-valid",
        "crl-wrong-issuer",
        "trust-store-empty",
        "write-concern",
    };

    if ((unsigned)code < sizeof names / sizeof names[0])
        return names[code];
    return "unknown";
}

const char *mongouri_source_name(mongouri_source source)
{
    switch (source) {
    case MONGOURI_SOURCE_DEFAULT:
        return "default";
    case MONGOURI_SOURCE_URI:
        return "uri";
    case MONGOURI_SOURCE_KEYWORD:
        return "keyword";
    case MONGOURI_SOURCE_TXT:
        return "txt";
    case MONGOURI_SOURCE_IMPLIED:
        return "implied";
    }
    return "unknown";
}

void mongouri_wipe(void *p, size_t n)
{
    if (p != NULL)
        mongouri__wipe(p, n);
}

void mongouri_free(void *ptr)
{
    free(ptr);
}

mongouri_status mongouri__txt_error(mongouri_error *err, mongouri_status rc, long offset,
                                    long length)
{
    if (err != NULL) {
        err->source = MONGOURI_SOURCE_TXT;
        if (err->offset < 0) {
            err->offset = offset;
            err->length = length;
        }
    }
    return rc;
}
