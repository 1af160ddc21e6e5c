/*
 * What OpenSSL calls during a handshake of one of our contexts: the verify
 * callback that records the first failure of the chain check, the message
 * callback that records alerts and handshake messages, and the guard that
 * refuses an SSL that was never prepared.
 */
#ifndef MONGOURI_TLS_CALLBACKS_H
#define MONGOURI_TLS_CALLBACKS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

/* Remember the first failure of the chain check; never changes the verdict. */
int mongouri__tls_verify_cb(int ok, X509_STORE_CTX *xs);
/* SSL_set_msg_callback: alerts, ServerHello version, certificate request/sent, tickets. */
void mongouri__tls_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                          SSL *ssl, void *arg);
/* Refuse the handshake of every SSL of `ctx` not made ready by mongouri_tls_ssl_prepare(). */
bool mongouri__tls_install_prepare_guard(SSL_CTX *ctx);

#endif /* MONGOURI_TLS_CALLBACKS_H */
