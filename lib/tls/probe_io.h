/*
 * What the probe does on the wire: connect (TCP under a deadline, or a Unix
 * domain socket), run the handshake on a non-blocking socket, exchange a
 * MongoDB hello afterwards, and the second connections that find out what
 * a refusing server speaks.
 */
#ifndef MONGOURI_TLS_PROBE_IO_H
#define MONGOURI_TLS_PROBE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "mongouri/openssl.h"

/* Milliseconds left until the monotonic `deadline`, 0 when past. */
int mongouri__tls_remaining_ms(int64_t deadline);

/* A connected, non-blocking socket, or -1 with `why` filled. */
int mongouri__tls_tcp_connect(const char *host, uint16_t port, int64_t deadline, char *why,
                              size_t cap);
int mongouri__tls_unix_connect(const char *path, char *why, size_t cap);

/* SSL_connect on a non-blocking socket until done, failed or past the deadline. */
int mongouri__tls_handshake(SSL *ssl, int fd, int64_t deadline, bool *timed_out);

typedef enum mongouri__tls_after {
    MONGOURI__AFTER_REPLY = 0,   /* a MongoDB reply to hello */
    MONGOURI__AFTER_OTHER_REPLY, /* bytes that are no MongoDB reply */
    MONGOURI__AFTER_NO_REPLY,    /* nothing within the wait (TLS accepted, server silent) */
    MONGOURI__AFTER_CLOSED,      /* the server closed the connection */
    MONGOURI__AFTER_REFUSED      /* an alert: the server refused us after all */
} mongouri__tls_after;

/* After a good handshake: send hello, read until the answer decides (see probe_io.c). */
mongouri__tls_after mongouri__tls_after_handshake(SSL *ssl, int fd, int64_t deadline, int reply_ms,
                                                  int *fail_ret, bool *close_notify,
                                                  size_t *got_out);
/* What happened after a good handshake, appended to the success detail. */
void mongouri__tls_describe_after(mongouri_tls_report *r, mongouri__tls_after o, bool close_notify,
                                  size_t got, int waited_ms);

/* A second connection offering every cipher and group: what the server picks, into the detail. */
void mongouri__tls_learn_server_choice(const char *host, uint16_t port, bool unix_path,
                                       int64_t deadline, mongouri_tls_report *r);
/* A second connection offering only older versions: r->server_version. */
void mongouri__tls_learn_server_version(const char *host, uint16_t port, int64_t deadline,
                                        mongouri_tls_report *r);

#endif /* MONGOURI_TLS_PROBE_IO_H */
