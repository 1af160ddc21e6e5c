/*
 * The explanations the diagnosis chooses from: what a failed chain check,
 * a revocation verdict or an alert of the server means, and what a
 * successful handshake checked. Each fills r->detail and r->hint.
 */
#ifndef MONGOURI_TLS_EXPLAIN_H
#define MONGOURI_TLS_EXPLAIN_H

#include <openssl/ssl.h>

#include "mongouri/openssl.h"
#include "tls/state.h"

/* The chain check failed with r->verify_error (at r->verify_depth). */
mongouri_tls_category mongouri__tls_explain_verify(const mongouri__tls_ssl_state *st,
                                                   const mongouri__tls_ctx_state *cs,
                                                   mongouri_tls_report *r);
/* Our OCSP verdict (revoked, invalid staple, missing Must-Staple staple) ended the handshake. */
mongouri_tls_category mongouri__tls_explain_revocation(const mongouri__tls_ssl_state *st,
                                                       mongouri_tls_report *r);
/* The server ended the handshake with alert r->alert_received. */
mongouri_tls_category mongouri__tls_explain_alert(const mongouri__tls_ssl_state *st,
                                                  const mongouri__tls_ctx_state *cs, const SSL *ssl,
                                                  mongouri_tls_report *r);
/* A finished handshake: version, cipher, trust, name and revocation, into r->detail. */
void mongouri__tls_explain_success(const mongouri__tls_ssl_state *st,
                                   const mongouri__tls_ctx_state *cs, const SSL *ssl,
                                   mongouri_tls_report *r);

#endif /* MONGOURI_TLS_EXPLAIN_H */
