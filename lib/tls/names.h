/* Certificate and host names as text: subjects, subjectAltNames (escaped), dates, IP literals. */
#ifndef MONGOURI_TLS_NAMES_H
#define MONGOURI_TLS_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

/* "2026-12-03 20:05:30 UTC"; "" when `t` is NULL or unreadable. */
void mongouri__asn1_time_text(const ASN1_TIME *t, char *buf, size_t cap);
/* One line (RFC 2253) of `name`; "" when NULL or out of memory. */
void mongouri__tls_name_text(const X509_NAME *name, char *buf, size_t cap);
/* "DNS:a, IP:127.0.0.1" of a certificate's subjectAltName, control bytes escaped. */
void mongouri__tls_san_text(X509 *x, char *buf, size_t cap);
/* An IPv4 or IPv6 address literal (without brackets). */
bool mongouri__tls_is_ip_literal(const char *host);
/* Copy `host` without the brackets of an IPv6 literal. */
void mongouri__tls_host_copy(char *dst, size_t cap, const char *host);

#endif /* MONGOURI_TLS_NAMES_H */
