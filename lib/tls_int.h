/* Private declarations shared by the OpenSSL applicator's files. */
#ifndef MONGOURI_TLS_INT_H
#define MONGOURI_TLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/ocsp.h>
#include <openssl/ssl.h>

#include "internal.h"
#include "mongouri/openssl.h"

/* ------------------------------------------------------------------------ */
/* Time                                                                      */
/* ------------------------------------------------------------------------ */

/* Milliseconds of a monotonic clock. */
int64_t mongouri__now_ms(void);
/* "2026-12-03 20:05:30 UTC"; "" when `t` is NULL or unreadable. */
void mongouri__asn1_time_text(const ASN1_TIME *t, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Per-context and per-connection state (ex_data of SSL_CTX and SSL)         */
/* ------------------------------------------------------------------------ */

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

mongouri__tls_ctx_state *mongouri__tls_ctx_state_get(const SSL_CTX *ctx);
mongouri__tls_ssl_state *mongouri__tls_ssl_state_get(const SSL *ssl);

/* ------------------------------------------------------------------------ */
/* OCSP (tls_ocsp.c)                                                         */
/* ------------------------------------------------------------------------ */

mongouri__ocsp_cache *mongouri__ocsp_cache_new(size_t capacity);
void mongouri__ocsp_cache_free(mongouri__ocsp_cache *cache);

/* The status callback installed on every context that checks OCSP. */
int mongouri__ocsp_status_cb(SSL *ssl, void *arg);

/* "keyCompromise", ... for an OCSP_REVOKED_STATUS_* / CRL reason code. */
const char *mongouri__crl_reason_name(int reason);

/* ------------------------------------------------------------------------ */
/* Network jobs under one deadline (tls_net.c)                               */
/* ------------------------------------------------------------------------ */

#define MONGOURI__NET_MAX_ADDRS 8

typedef enum mongouri__net_state {
    MONGOURI__NET_RESOLVE = 0,
    MONGOURI__NET_CONNECT,
    MONGOURI__NET_SEND,
    MONGOURI__NET_RECEIVE,
    MONGOURI__NET_DONE,  /* finished: response received, or connected (connect-only) */
    MONGOURI__NET_FAILED /* `error` says why */
} mongouri__net_state;

/*
 * One connection: resolve host (numeric, or through c-ares), connect to
 * its addresses in turn, then either stop (connect-only, `request` NULL:
 * the caller takes `fd`) or send `request` and read until the peer closes.
 */
typedef struct mongouri__net_job {
    /* in */
    char host[256];
    char port[8];
    const unsigned char *request; /* borrowed; NULL = connect only */
    size_t request_len;
    size_t response_max; /* cap on the response size */
    /* out */
    mongouri__net_state state;
    int fd;                  /* connect-only: the connected socket; else -1 */
    unsigned char *response; /* malloc'ed; freed by mongouri__net_job_clear */
    size_t response_len;
    char error[160];
    /* private */
    struct sockaddr_storage addrs[MONGOURI__NET_MAX_ADDRS];
    socklen_t addr_lens[MONGOURI__NET_MAX_ADDRS];
    int naddrs;
    int next_addr;
    size_t sent;
    size_t response_cap;
    char last_connect_error[96];
} mongouri__net_job;

void mongouri__net_job_init(mongouri__net_job *job, const char *host, const char *port);
void mongouri__net_job_clear(mongouri__net_job *job);

/*
 * Run `jobs` concurrently until each has finished or failed, until `done`
 * (may be NULL) returns true for a finished job, or until the monotonic
 * time `deadline_ms`. Jobs still running at the end are FAILED with a
 * timeout message; their sockets are closed.
 */
void mongouri__net_run(mongouri__net_job *jobs, size_t n, int64_t deadline_ms,
                       bool (*done)(mongouri__net_job *job, void *arg), void *arg);

#endif /* MONGOURI_TLS_INT_H */
