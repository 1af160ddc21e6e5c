/* The report of a handshake or probe: how an empty one starts, how its texts are written. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tls/report.h"

void mongouri__tls_report_init(mongouri_tls_report *r)
{
    memset(r, 0, sizeof *r);
    r->report_version = MONGOURI_TLS_REPORT_VERSION;
    r->category = MONGOURI_TLS_OK;
    r->verify_depth = -1;
    r->alert_received = -1;
    r->alert_sent = -1;
    r->elapsed_ms = -1;
}

void mongouri__tls_set_text(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}
