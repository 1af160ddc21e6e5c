/* The OCSP check of a handshake: the status callback of every context that checks OCSP. */
#ifndef MONGOURI_TLS_OCSP_H
#define MONGOURI_TLS_OCSP_H

#include <openssl/ssl.h>

/*
 * SSL_CTX_set_tlsext_status_cb: the staple, then the cache, then (revocation
 * "ocsp") the responders, soft-failing when nothing is conclusive; records
 * the outcome in the SSL's state.
 */
int mongouri__ocsp_status_cb(SSL *ssl, void *arg);

#endif /* MONGOURI_TLS_OCSP_H */
