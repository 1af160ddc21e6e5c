/*
 * What the applicator keeps per SSL_CTX and per SSL (OpenSSL ex_data), and
 * the applicator's versioned options. Every other file of the applicator
 * reads and writes the state through this module; it calls none of them.
 */
#ifndef MONGOURI_TLS_STATE_H
#define MONGOURI_TLS_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "mongouri/openssl.h"

typedef struct mongouri__ocsp_cache mongouri__ocsp_cache;

typedef struct mongouri__tls_ctx_state {
    mongouri_revocation revocation;
    bool verify_certificates;
    bool verify_hostnames;
    bool has_client_certificate;
    char *ca_file; /* copies, for hints; NULL when not given */
    char *crl_file;
    char *verify_certificates_source; /* "URI option tlsInsecure", ... */
    char *verify_hostnames_source;
    int ocsp_timeout_ms;
    mongouri__ocsp_cache *cache;
    void (*cache_free)(mongouri__ocsp_cache *cache); /* set with `cache` */
} mongouri__tls_ctx_state;

/* What the revocation check of one handshake came to. */
typedef enum mongouri__rev_outcome {
    MONGOURI__REV_UNCHECKED = 0,
    MONGOURI__REV_GOOD,
    MONGOURI__REV_REVOKED,
    MONGOURI__REV_UNKNOWN,        /* soft-fail: nothing conclusive */
    MONGOURI__REV_STAPLE_INVALID, /* hard failure */
    MONGOURI__REV_MUST_STAPLE_MISSING
} mongouri__rev_outcome;

typedef struct mongouri__tls_ssl_state {
    char host[256];
    bool host_is_ip;
    bool ready; /* mongouri_tls_ssl_prepare() completed; until then the handshake is refused */

    /* First failure of the chain check (verify callback). */
    int verify_error;
    int verify_depth;
    char verify_subject[256];
    char verify_time[32]; /* notAfter or notBefore of that certificate */

    /* Messages seen (message callback). */
    int alert_received;
    int alert_sent;
    int server_hello_version;
    bool certificate_requested;
    bool certificate_sent;
    bool certificate_sent_empty;
    bool ticket_received; /* a TLS 1.3 NewSessionTicket: the server accepted our Finished */

    /* OCSP or CRL outcome. */
    mongouri__rev_outcome rev;
    mongouri_tls_revocation_source rev_source;
    int rev_reason; /* OCSP_REVOKED_STATUS_*, -1 when none */
    bool staple_received;
    char rev_detail[256];

    /* Monotonic deadline of the whole connection (0 = none, set after
     * mongouri_tls_ssl_prepare): the OCSP responders may use at most half
     * of what is left of it, the handshake keeps the rest. */
    int64_t deadline_ms;
} mongouri__tls_ssl_state;

/* The registered ex_data indexes: false when OpenSSL could not register them. */
bool mongouri__tls_state_indexes_ready(void);

mongouri__tls_ctx_state *mongouri__tls_ctx_state_get(const SSL_CTX *ctx);
mongouri__tls_ssl_state *mongouri__tls_ssl_state_get(const SSL *ssl);

/* Hand `cs` (calloc'ed) / `st` (calloc'ed) to `ctx` / `ssl`, which free it; false for memory. */
bool mongouri__tls_ctx_state_attach(SSL_CTX *ctx, mongouri__tls_ctx_state *cs);
bool mongouri__tls_ssl_state_attach(SSL *ssl, mongouri__tls_ssl_state *st);

/* Free a context state that was never attached (NULL is fine). */
void mongouri__tls_ctx_state_free(mongouri__tls_ctx_state *cs);

/* `src` (NULL = defaults) checked and copied over the defaults into `dst`. */
mongouri_status mongouri__tls_options_load(mongouri_tls_options *dst,
                                           const mongouri_tls_options *src, mongouri_error *err);

#endif /* MONGOURI_TLS_STATE_H */
