/*
 * The OpenSSL applicator: turns normalized TLS settings into a configured
 * SSL_CTX / SSL, checks revocation (CRL, OCSP staple and responders), checks
 * certificate files, and explains handshake failures.
 *
 * This header needs OpenSSL's; mongouri.h does not.
 *
 * Typical use by a driver:
 *
 *     SSL_CTX *ctx;
 *     mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err);  once
 *     SSL *ssl;
 *     mongouri_tls_ssl_new(&ssl, ctx, host, &err);     per connection (SSL_new + prepare)
 *     SSL_set_fd(ssl, fd);
 *     ret = SSL_connect(ssl);
 *     if (ret != 1)
 *         mongouri_tls_diagnose(ssl, ret, &report);   category, detail, hint
 *
 * Policy: TLS 1.2 is the minimum and is never relaxed. Revocation follows
 * the settings' `revocation` field: "crl" checks the leaf against
 * tlsCRLFile; "ocsp" requests a staple, verifies it, then asks the leaf's
 * responders in parallel under one deadline and soft-fails when nothing
 * is known; "ocsp-staple-only" never contacts a responder; "none" checks
 * nothing. A private key is never prompted for on the terminal.
 */
#ifndef MONGOURI_OPENSSL_H
#define MONGOURI_OPENSSL_H

#include <openssl/ssl.h>

#include "mongouri/mongouri.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a handshake (or the attempt to reach the server) came to. Numbers frozen. */
typedef enum mongouri_tls_category {
    MONGOURI_TLS_OK = 0,                  /* "ok" */
    MONGOURI_TLS_CONNECT_FAILED = 1,      /* "connect-failed" */
    MONGOURI_TLS_UNKNOWN_CA = 2,          /* "unknown-ca" */
    MONGOURI_TLS_EXPIRED = 3,             /* "expired" */
    MONGOURI_TLS_NOT_YET_VALID = 4,       /* "not-yet-valid" */
    MONGOURI_TLS_HOSTNAME_MISMATCH = 5,   /* "hostname-mismatch" */
    MONGOURI_TLS_REVOKED = 6,             /* "revoked" */
    MONGOURI_TLS_OCSP_INVALID = 7,        /* "ocsp-invalid" */
    MONGOURI_TLS_MUST_STAPLE_MISSING = 8, /* "must-staple-missing" */
    MONGOURI_TLS_CLIENT_CERTIFICATE = 9,  /* "client-certificate" */
    MONGOURI_TLS_PROTOCOL_VERSION = 10,   /* "protocol-version" */
    MONGOURI_TLS_HANDSHAKE_FAILED = 11,   /* "handshake-failed" */
    MONGOURI_TLS__CATEGORIES
} mongouri_tls_category;

/** Which revocation source decided (or failed to), in a report. Numbers frozen. */
typedef enum mongouri_tls_revocation_source {
    MONGOURI_TLS_REV_NOT_CHECKED = 0, /* "not-checked": revocation off, or no check ran */
    MONGOURI_TLS_REV_STAPLE = 1,      /* "staple": the OCSP response the server stapled */
    MONGOURI_TLS_REV_CACHE = 2,       /* "cache": an earlier conclusive OCSP answer */
    MONGOURI_TLS_REV_RESPONDER = 3,   /* "responder": an OCSP responder of the leaf's AIA */
    MONGOURI_TLS_REV_CRL = 4,         /* "crl": tlsCRLFile */
    MONGOURI_TLS_REV_SOFT_FAIL = 5    /* "soft-fail": OCSP on, nothing conclusive */
} mongouri_tls_revocation_source;

/**
 * Structured account of one connection attempt. Caller-owned, fixed size;
 * every string is NUL-terminated and empty when unknown. Nothing in it is
 * secret.
 *
 * Versioned: the caller only provides the memory; mongouri_tls_diagnose()
 * and the probes fill all of it, `report_version` included, which they set
 * to the MONGOURI_TLS_REPORT_VERSION of the library (whatever the caller
 * left there is overwritten, never read). Later versions only append
 * fields; a caller reads a field added in version N only when
 * `report_version` >= N. (`version` is the negotiated TLS version.)
 */
typedef struct mongouri_tls_report {
    unsigned int report_version; /* set by the library: MONGOURI_TLS_REPORT_VERSION */
    mongouri_tls_category category;
    char detail[512]; /* what was seen: names, revocation source, versions */
    char hint[256];   /* what to change */

    /* What was seen, field by field. */
    char expected_name[256];  /* host name or IP address the certificate had to match */
    char peer_subject[256];   /* subject of the server's leaf certificate (one line) */
    char peer_names[512];     /* its subjectAltName entries: "DNS:a, IP:127.0.0.1" */
    char peer_not_after[32];  /* its expiry, "2026-12-03 20:05:30 UTC" */
    int verify_error;         /* X509_V_ERR_* of the chain check (0 = none / not run) */
    int verify_depth;         /* depth of the certificate it concerns, -1 = none */
    char verify_subject[256]; /* subject of that certificate */
    mongouri_tls_revocation_source revocation_source;
    char revocation_status[16];  /* "good", "revoked", "unknown" or "" */
    char revocation_reason[32];  /* CRL reason of a revoked certificate ("keyCompromise") */
    char revocation_detail[256]; /* responder URL, staple problem, soft-fail causes */
    char versions_offered[32];   /* "TLSv1.2-TLSv1.3" */
    char version[16];            /* negotiated version, "" when none */
    char server_version[16];     /* best version the server speaks, when found out */
    int alert_received;          /* TLS alert description from the server, -1 = none */
    int alert_sent;              /* TLS alert description we sent, -1 = none */
    char openssl_error[160];     /* first OpenSSL error of the failure ("bad decrypt") */
    long elapsed_ms;             /* mongouri_tls_probe: time spent, -1 otherwise */
} mongouri_tls_report;

#define MONGOURI_TLS_REPORT_VERSION 1

/** Stable name of a category ("unknown-ca", ...). Never NULL. */
MONGOURI_API const char *mongouri_tls_category_name(mongouri_tls_category category);
/** Stable name of a revocation source ("staple", ...). Never NULL. */
MONGOURI_API const char *mongouri_tls_revocation_source_name(mongouri_tls_revocation_source s);

/** Versioned options of the applicator. NULL everywhere means the defaults. */
typedef struct mongouri_tls_options {
    unsigned int version;   /* MONGOURI_TLS_OPTIONS_VERSION */
    int ocsp_timeout_ms;    /* one deadline for all responders of a handshake; 0 = 5000 */
    size_t ocsp_cache_size; /* conclusive OCSP answers kept per SSL_CTX; 0 = 256 */
} mongouri_tls_options;

#define MONGOURI_TLS_OPTIONS_VERSION 1
#define MONGOURI_TLS_OPTIONS_INIT                                                                  \
    {                                                                                              \
        MONGOURI_TLS_OPTIONS_VERSION, 0, 0                                                         \
    }
#define MONGOURI_TLS_OCSP_TIMEOUT_MS_DEFAULT 5000
#define MONGOURI_TLS_OCSP_CACHE_SIZE_DEFAULT 256

/*
 * tlsCAFile, tlsCertificateKeyFile and tlsCRLFile must be regular files of
 * at most this many bytes; anything else (a FIFO, a device such as
 * /dev/zero, a socket, a directory, a larger file) is refused at once with
 * MONGOURI_D_FILE_UNREADABLE, never waited on or read.
 */
#define MONGOURI_TLS_FILE_MAX_BYTES (64L * 1024 * 1024)

/** Fill `opts` (not NULL) with the defaults of `version`. */
MONGOURI_API mongouri_status mongouri_tls_options_init(mongouri_tls_options *opts,
                                                       unsigned int version);

/**
 * Check the files named by `tls` (CA file, certificate/key file with its
 * password, CRL file) without connecting. MONGOURI_E_FILE with a precise
 * diagnosis (err->code, err->option) for the first problem found:
 * MONGOURI_D_FILE_MISSING, _FILE_UNREADABLE, _FILE_NO_CERTIFICATE,
 * _FILE_NO_KEY, _KEY_NEEDS_PASSWORD, _KEY_BAD_PASSWORD (the message quotes
 * OpenSSL's first error, "bad decrypt"), _KEY_MISMATCH, _CERT_EXPIRED,
 * _CERT_NOT_YET_VALID, _CRL_UNPARSEABLE; for what the files mean: a
 * tlsCAFile without a usable CA (_NOT_CA, or _CERT_EXPIRED /
 * _CERT_NOT_YET_VALID with option "tlsCAFile"), a CRL that is expired
 * (_CRL_EXPIRED), not yet valid (_CRL_NOT_YET_VALID) or not issued and
 * signed by a CA of tlsCAFile (_CRL_WRONG_ISSUER); with TLS on, certificates
 * verified and no tlsCAFile, an empty system trust store
 * (_TRUST_STORE_EMPTY, see mongouri_tls_system_store). err->source is the
 * provenance of the option named. Never prompts; never shows the
 * password. Leaves OpenSSL's error queue of the calling thread empty.
 */
MONGOURI_API mongouri_status mongouri_tls_check_files(const mongouri_tls_settings *tls,
                                                      mongouri_error *err);

/**
 * Describe the trust store OpenSSL uses when no tlsCAFile is given: the
 * file and directory named by SSL_CERT_FILE / SSL_CERT_DIR, else OpenSSL's
 * defaults (X509_get_default_cert_file/dir), with how many certificates
 * each holds, as one line in `buf` (`cap` bytes; `buf` may be NULL).
 * MONGOURI_OK when it holds a certificate; MONGOURI_E_FILE with
 * MONGOURI_D_TRUST_STORE_EMPTY (option "tlsCAFile") when it holds none.
 */
MONGOURI_API mongouri_status mongouri_tls_system_store(char *buf, size_t cap, mongouri_error *err);

/**
 * Create a client SSL_CTX from `tls` (not NULL): TLS 1.2 minimum; trust
 * from tlsCAFile, or the system store when none is given; the client
 * certificate and key (password through a callback that never prompts);
 * the CRL of tlsCRLFile with a CRL check of the leaf; OCSP stapling
 * callback and an OCSP cache. The files are checked as by
 * mongouri_tls_check_files() (same diagnoses). `opts` may be NULL.
 * On MONGOURI_OK `*out` is the caller's, released with SSL_CTX_free();
 * otherwise `*out` is NULL. Whether TLS is enabled at all is the caller's
 * decision: the context is built all the same. The SSL_CTX may be shared by
 * threads. Leaves
 * OpenSSL's error queue of the calling thread empty. Every SSL made from it
 * must go through mongouri_tls_ssl_prepare() before its handshake (or be
 * made by mongouri_tls_ssl_new()): the context refuses the handshake of an
 * SSL that was not prepared, before anything is sent, and
 * mongouri_tls_diagnose() says so (category "handshake-failed").
 *
 * With revocation "ocsp", a handshake without a conclusive staple or cached
 * answer waits (inside SSL_connect) for the leaf's responders, at most
 * `ocsp_timeout_ms`; responder host names are resolved with c-ares under
 * the same deadline.
 */
MONGOURI_API mongouri_status mongouri_tls_ctx_new(SSL_CTX **out, const mongouri_tls_settings *tls,
                                                  const mongouri_tls_options *opts,
                                                  mongouri_error *err);

/**
 * Prepare `ssl` (created by SSL_new() from a context of
 * mongouri_tls_ctx_new()) for a connection to `host` (a DNS name, an IPv4
 * address or an IPv6 address with or without brackets): SNI for DNS names
 * only; the hostname check (SSL_set1_host) or the IP SAN check for IP
 * literals, neither when verifyHostnames is off; the verify mode; the OCSP
 * staple request. Call before the handshake. `host` is copied.
 */
MONGOURI_API mongouri_status mongouri_tls_ssl_prepare(SSL *ssl, const char *host,
                                                      mongouri_error *err);

/**
 * SSL_new(ctx) followed by mongouri_tls_ssl_prepare(ssl, host): the one call
 * that cannot forget the preparation. `ctx` must come from
 * mongouri_tls_ctx_new(). On MONGOURI_OK `*out` is the caller's, released
 * with SSL_free(); otherwise `*out` is NULL.
 */
MONGOURI_API mongouri_status mongouri_tls_ssl_new(SSL **out, SSL_CTX *ctx, const char *host,
                                                  mongouri_error *err);

/**
 * Explain the state of `ssl` (prepared by mongouri_tls_ssl_prepare) after
 * the handshake, or after the I/O call that failed. `ret` is what that
 * call (SSL_connect, SSL_do_handshake, SSL_read, ...) returned; pass 1 for
 * a finished handshake. Call it on the same thread, right after the call,
 * before anything else clears OpenSSL's error queue (it is left as is).
 * Fills `report` (not NULL) and returns its category.
 */
MONGOURI_API mongouri_tls_category mongouri_tls_diagnose(const SSL *ssl, int ret,
                                                         mongouri_tls_report *report);

/**
 * TCP-connect to host:port within `timeout_ms`, run the TLS handshake with
 * the settings of `uri`, and fill `report`. Returns MONGOURI_OK when the
 * connection is usable; MONGOURI_E_TLS (or MONGOURI_E_FILE for unusable
 * files) otherwise, with `report` saying why.
 *
 * The files are checked first (as by mongouri_tls_check_files; an empty
 * system trust store is MONGOURI_E_TLS, category "unknown-ca"). After a
 * successful handshake the probe sends a MongoDB hello (OP_MSG) and reads
 * until the reply, an alert or the end of the connection; a TLS 1.3 server
 * that asked for a client certificate is waited for (its session ticket,
 * an alert or the reply) until the timeout, because it rejects a missing
 * or untrusted certificate only then. report->detail ends with what
 * followed ("MongoDB answered hello", "no MongoDB reply to hello within N
 * ms", the server closed the connection); these are still MONGOURI_OK.
 * When the server refuses TLS 1.2 and 1.3, a second connection finds out
 * which older version it speaks (report->server_version); when it shares
 * no cipher suite or group, one finds out what it picks. A `host` that is
 * a path (starts with '/' or contains ".sock") is a Unix domain socket,
 * connected to over AF_UNIX, whose certificate must name "localhost".
 * With tls=false the probe only connects. `timeout_ms` <= 0 means 10 s; it
 * also bounds the OCSP deadline. SIGPIPE is blocked on the calling thread
 * while the probe runs. `report` may be NULL (not recommended); `uri` must
 * not.
 */
MONGOURI_API mongouri_status mongouri_tls_probe(const mongouri_uri *uri, const char *host,
                                                uint16_t port, int timeout_ms,
                                                mongouri_tls_report *report, mongouri_error *err);

/**
 * mongouri_tls_probe() with explicit settings and options (`opts` may be
 * NULL; its OCSP deadline is further bounded by what is left of
 * `timeout_ms`).
 */
MONGOURI_API mongouri_status mongouri_tls_probe_settings(
    const mongouri_tls_settings *tls, const mongouri_tls_options *opts, const char *host,
    uint16_t port, int timeout_ms, mongouri_tls_report *report, mongouri_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MONGOURI_OPENSSL_H */
