/*
 * The OpenSSL applicator: SSL_CTX and SSL set-up from normalized TLS
 * settings, certificate/key/CRL file checks with exact diagnoses, the
 * failure diagnosis of a handshake, and the probe used by validate-uri.
 * OCSP lives in tls_ocsp.c, the network jobs in tls_net.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tls_int.h"

#define PROBE_TIMEOUT_MS_DEFAULT 10000
#define PROBE_REPLY_MIN_MS 250 /* for the reply to hello, once accepted */

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

const char *mongouri_tls_category_name(mongouri_tls_category category)
{
    static const char *const names[] = {
        "ok",
        "connect-failed",
        "unknown-ca",
        "expired",
        "not-yet-valid",
        "hostname-mismatch",
        "revoked",
        "ocsp-invalid",
        "must-staple-missing",
        "client-certificate",
        "protocol-version",
        "handshake-failed",
    };

    if ((unsigned)category < sizeof names / sizeof names[0])
        return names[category];
    return "unknown";
}

const char *mongouri_tls_revocation_source_name(mongouri_tls_revocation_source s)
{
    static const char *const names[] = {
        "not-checked", "staple", "cache", "responder", "crl", "soft-fail",
    };

    if ((unsigned)s < sizeof names / sizeof names[0])
        return names[s];
    return "unknown";
}

static const char *alert_name(int desc)
{
    switch (desc) {
    case 0:
        return "close_notify";
    case 10:
        return "unexpected_message";
    case 20:
        return "bad_record_mac";
    case 22:
        return "record_overflow";
    case 40:
        return "handshake_failure";
    case 42:
        return "bad_certificate";
    case 43:
        return "unsupported_certificate";
    case 44:
        return "certificate_revoked";
    case 45:
        return "certificate_expired";
    case 46:
        return "certificate_unknown";
    case 47:
        return "illegal_parameter";
    case 48:
        return "unknown_ca";
    case 49:
        return "access_denied";
    case 50:
        return "decode_error";
    case 51:
        return "decrypt_error";
    case 70:
        return "protocol_version";
    case 71:
        return "insufficient_security";
    case 80:
        return "internal_error";
    case 86:
        return "inappropriate_fallback";
    case 90:
        return "user_canceled";
    case 109:
        return "missing_extension";
    case 110:
        return "unsupported_extension";
    case 112:
        return "unrecognized_name";
    case 113:
        return "bad_certificate_status_response";
    case 116:
        return "certificate_required";
    case 120:
        return "no_application_protocol";
    default:
        return "unknown alert";
    }
}

static const char *version_name(int v)
{
    switch (v) {
    case SSL3_VERSION:
        return "SSLv3";
    case TLS1_VERSION:
        return "TLSv1";
    case TLS1_1_VERSION:
        return "TLSv1.1";
    case TLS1_2_VERSION:
        return "TLSv1.2";
    case TLS1_3_VERSION:
        return "TLSv1.3";
    default:
        return "";
    }
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

void mongouri__asn1_time_text(const ASN1_TIME *t, char *buf, size_t cap)
{
    struct tm tm;

    if (cap == 0)
        return;
    buf[0] = '\0';
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return;
    if (strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        buf[0] = '\0';
}

static void name_text(const X509_NAME *name, char *buf, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    int n = 0;

    buf[0] = '\0';
    if (b == NULL)
        return;
    if (name != NULL && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
        n = BIO_read(b, buf, (int)cap - 1);
    buf[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

/*
 * `prefix` and the bytes of `str`, as text that hides nothing: a byte
 * outside printable ASCII is shown as \xNN and a backslash as \\ (a name
 * "localhost\0.evil.com" must not read as "localhost").
 */
static void escaped_item(char *item, size_t cap, const char *prefix, const ASN1_STRING *str)
{
    const unsigned char *d = ASN1_STRING_get0_data(str);
    int len = ASN1_STRING_length(str), i;
    size_t used = (size_t)snprintf(item, cap, "%s", prefix);

    for (i = 0; d != NULL && i < len && used + 5 < cap; i++) {
        if (d[i] == '\\')
            used += (size_t)snprintf(item + used, cap - used, "\\\\");
        else if (d[i] < 0x20 || d[i] > 0x7e)
            used += (size_t)snprintf(item + used, cap - used, "\\x%02X", d[i]);
        else
            item[used++] = (char)d[i];
    }
    item[used < cap ? used : cap - 1] = '\0';
}

/* "DNS:a, IP:127.0.0.1" of a certificate's subjectAltName, control bytes escaped. */
static void san_text(X509 *x, char *buf, size_t cap)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    size_t used = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char item[300] = "";

        if (g->type == GEN_DNS) {
            escaped_item(item, sizeof item, "DNS:", g->d.dNSName);
        } else if (g->type == GEN_IPADD) {
            char ip[INET6_ADDRSTRLEN] = "?";
            int len = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);

            if (len == 4)
                inet_ntop(AF_INET, d, ip, sizeof ip);
            else if (len == 16)
                inet_ntop(AF_INET6, d, ip, sizeof ip);
            snprintf(item, sizeof item, "IP:%s", ip);
        } else if (g->type == GEN_EMAIL) {
            escaped_item(item, sizeof item, "email:", g->d.rfc822Name);
        } else if (g->type == GEN_URI) {
            escaped_item(item, sizeof item, "URI:", g->d.uniformResourceIdentifier);
        }
        if (item[0] != '\0' && used + 1 < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used == 0 ? "" : ", ", item);
        if (used >= cap)
            used = cap - 1;
    }
    GENERAL_NAMES_free(gens);
}

static bool is_ip_literal(const char *host)
{
    unsigned char tmp[16];

    return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

/* Copy `host` without the brackets of an IPv6 literal. */
static void host_copy(char *dst, size_t cap, const char *host)
{
    size_t n = strlen(host);

    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        snprintf(dst, cap, "%.*s", (int)(n - 2), host + 1);
    else
        snprintf(dst, cap, "%s", host);
}

/* ------------------------------------------------------------------------ */
/* ex_data                                                                   */
/* ------------------------------------------------------------------------ */

static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static int ctx_index = -1;
static int ssl_index = -1;

static void ctx_state_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                           void *argp)
{
    mongouri__tls_ctx_state *cs = ptr;

    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (cs == NULL)
        return;
    free(cs->ca_file);
    free(cs->crl_file);
    free(cs->verify_certificates_source);
    free(cs->verify_hostnames_source);
    mongouri__ocsp_cache_free(cs->cache);
    free(cs);
}

static void ssl_state_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                           void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    free(ptr);
}

/* SSL_dup() must not share the state: the copy starts without one. */
static int ssl_state_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
                         long argl, void *argp)
{
    (void)to, (void)from, (void)idx, (void)argl, (void)argp;
    *from_d = NULL;
    return 1;
}

static void index_init(void)
{
    ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, ctx_state_free);
    ssl_index = SSL_get_ex_new_index(0, NULL, NULL, ssl_state_dup, ssl_state_free);
}

mongouri__tls_ctx_state *mongouri__tls_ctx_state_get(const SSL_CTX *ctx)
{
    pthread_once(&index_once, index_init);
    if (ctx == NULL || ctx_index < 0)
        return NULL;
    return SSL_CTX_get_ex_data(ctx, ctx_index);
}

mongouri__tls_ssl_state *mongouri__tls_ssl_state_get(const SSL *ssl)
{
    pthread_once(&index_once, index_init);
    if (ssl == NULL || ssl_index < 0)
        return NULL;
    return SSL_get_ex_data(ssl, ssl_index);
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri_tls_options_init(mongouri_tls_options *opts, unsigned int version)
{
    const mongouri_tls_options defaults = MONGOURI_TLS_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_TLS_OPTIONS_VERSION);
}

static mongouri_status options_load(mongouri_tls_options *dst, const mongouri_tls_options *src,
                                    mongouri_error *err)
{
    const mongouri_tls_options defaults = MONGOURI_TLS_OPTIONS_INIT;

    *dst = defaults;
    if (src != NULL) {
        mongouri_status rc = mongouri__opts_check("mongouri_tls_options", src->version,
                                                  MONGOURI_TLS_OPTIONS_VERSION, err);

        if (rc != MONGOURI_OK)
            return rc;
        dst->ocsp_timeout_ms = src->ocsp_timeout_ms;
        dst->ocsp_cache_size = src->ocsp_cache_size;
    }
    if (dst->ocsp_timeout_ms <= 0)
        dst->ocsp_timeout_ms = MONGOURI_TLS_OCSP_TIMEOUT_MS_DEFAULT;
    if (dst->ocsp_cache_size == 0)
        dst->ocsp_cache_size = MONGOURI_TLS_OCSP_CACHE_SIZE_DEFAULT;
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */
/* ------------------------------------------------------------------------ */

/* Password callback: hands over the configured password, never prompts. */
typedef struct password_state {
    const char *password;
    bool asked;
} password_state;

static int password_cb(char *buf, int size, int rwflag, void *u)
{
    password_state *ps = u;
    size_t n;

    (void)rwflag;
    if (ps == NULL)
        return -1;
    ps->asked = true;
    if (ps->password == NULL)
        return -1;
    n = strlen(ps->password);
    if (size < 0 || n > (size_t)size)
        return -1;
    memcpy(buf, ps->password, n);
    return (int)n;
}

/* Installed as the context's default: OpenSSL never falls back to a prompt. */
static int refuse_password_cb(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

static mongouri_status file_error(mongouri_error *err, mongouri_diag code, const char *option,
                                  const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static mongouri_status file_error(mongouri_error *err, mongouri_diag code, const char *option,
                                  const char *hint, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mongouri__error_set(err, MONGOURI_E_FILE, code, option, -1, 0, "%s", msg);
    if (hint != NULL)
        mongouri__error_hint(err, "%s", hint);
    return MONGOURI_E_FILE;
}

static void free_wiped(unsigned char *buf, size_t len)
{
    if (buf != NULL)
        mongouri__wipe(buf, len);
    free(buf);
}

/* What a file that is not a regular file is, for the diagnosis. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

static mongouri_status not_regular(mongouri_error *err, const char *option, const char *path,
                                   mode_t mode)
{
    return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                      S_ISDIR(mode) ? "Name a PEM file, not a directory."
                                    : "Name a regular file; pipes, devices and sockets are not "
                                      "read.",
                      "%s: %s is %s, not a regular file", option, path, file_kind(mode));
}

static mongouri_status too_large(mongouri_error *err, const char *option, const char *path)
{
    return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                      "A certificate, key or CRL file is far smaller; check the path.",
                      "%s: %s is larger than the limit of %ld bytes (%ld MiB)", option, path,
                      (long)MONGOURI_TLS_FILE_MAX_BYTES,
                      (long)(MONGOURI_TLS_FILE_MAX_BYTES / (1024 * 1024)));
}

/*
 * The whole file, for `option`, NUL-terminated (never NULL on success):
 * missing and unreadable are told apart. Only a regular file of at most
 * MONGOURI_TLS_FILE_MAX_BYTES is read: it is opened without blocking (a
 * FIFO would wait for a writer) and checked on the open descriptor, so
 * pipes, devices (/dev/zero), sockets, directories and huge files are
 * refused at once.
 */
static mongouri_status read_whole(const char *path, const char *option, unsigned char **out,
                                  size_t *out_len, mongouri_error *err)
{
    struct stat sb;
    unsigned char *buf = NULL;
    size_t len = 0, cap;
    int fd, e;

    *out = NULL;
    *out_len = 0;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return file_error(err, MONGOURI_D_FILE_MISSING, option,
                              "Check the path; a relative path is resolved from the working "
                              "directory of the process.",
                              "%s: %s does not exist", option, path);
        return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                          "Check the permissions of the file and of its directories.",
                          "%s: %s cannot be accessed (%s)", option, path, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode))
        return not_regular(err, option, path, sb.st_mode);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                          "Check the permissions of the file.", "%s: %s cannot be read (%s)",
                          option, path, strerror(errno));
    /* The path may have been replaced since stat(): judge what was opened. */
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        mode_t mode = sb.st_mode;

        close(fd);
        return not_regular(err, option, path, mode);
    }
    if (sb.st_size > MONGOURI_TLS_FILE_MAX_BYTES) {
        close(fd);
        return too_large(err, option, path);
    }
    /* Room for the data, a NUL, and one byte to notice a file that grew. */
    cap = (size_t)sb.st_size + 2;
    buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, option, -1, 0,
                                   "out of memory reading %s", path);
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, cap - 1 - len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            close(fd);
            free_wiped(buf, len);
            return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                              "Check the permissions of the file.", "%s: %s cannot be read (%s)",
                              option, path, strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap - 1) { /* it grew while being read */
            close(fd);
            free_wiped(buf, len);
            if (len > (size_t)MONGOURI_TLS_FILE_MAX_BYTES)
                return too_large(err, option, path);
            return file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                              "Do not change the file while it is being read.",
                              "%s: %s changed while it was read", option, path);
        }
    }
    close(fd);
    buf[len] = '\0'; /* the text may be searched as a string */
    *out = buf;
    *out_len = len;
    return MONGOURI_OK;
}

/*
 * What OpenSSL's error queue says after a failed call; pops the whole
 * queue. A failed allocation shows as ERR_R_MALLOC_FAILURE; OpenSSL 3.0
 * also fails some allocations without queuing anything, and a real
 * decoding or key problem always queues its reason, so a failure with an
 * empty queue is counted as out of memory too.
 */
typedef struct error_scan {
    bool oom;
    unsigned long first;       /* 0 = none */
    unsigned long bad_decrypt; /* EVP_R_BAD_DECRYPT, 0 = none */
} error_scan;

static void scan_errors(error_scan *es)
{
    unsigned long e;

    memset(es, 0, sizeof *es);
    while ((e = ERR_get_error()) != 0) {
        if (es->first == 0)
            es->first = e;
        if (ERR_GET_REASON(e) == (ERR_R_MALLOC_FAILURE & ERR_REASON_MASK))
            es->oom = true;
        if (es->bad_decrypt == 0 && ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT)
            es->bad_decrypt = e;
    }
    if (es->first == 0)
        es->oom = true;
}

static void error_text(unsigned long e, char *buf, size_t cap)
{
    const char *r = e == 0 ? NULL : ERR_reason_error_string(e);

    snprintf(buf, cap, "%s", r != NULL ? r : "unknown error");
}

static mongouri_status out_of_memory(mongouri_error *err, const char *option, const char *what)
{
    return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, option, -1, 0,
                               "out of memory %s", what);
}

/* How many times `tag` ("-----BEGIN CERTIFICATE-----") occurs in buf[0..len). */
static int count_tag(const unsigned char *buf, size_t len, const char *tag)
{
    size_t tl = strlen(tag), i;
    int n = 0;

    for (i = 0; i + tl <= len; i++)
        if (buf[i] == '-' && memcmp(buf + i, tag, tl) == 0) {
            n++;
            i += tl - 1;
        }
    return n;
}

/*
 * Every certificate of a PEM text (PEM_read_bio_X509_AUX reads the three
 * certificate labels counted here) into `*out`, which may be empty. Each
 * certificate block must decode: a block that does not is an error, and
 * so is a failed allocation (MONGOURI_E_NOMEM), never a shorter list.
 */
static mongouri_status read_certificates(const unsigned char *buf, size_t len, const char *path,
                                         const char *option, STACK_OF(X509) * *out,
                                         mongouri_error *err)
{
    int blocks = count_tag(buf, len, "-----BEGIN CERTIFICATE-----") +
                 count_tag(buf, len, "-----BEGIN TRUSTED CERTIFICATE-----") +
                 count_tag(buf, len, "-----BEGIN X509 CERTIFICATE-----");
    STACK_OF(X509) *certs = NULL;
    BIO *b = NULL;
    X509 *x;
    error_scan es;
    char why[96];

    *out = NULL;
    ERR_clear_error();
    certs = sk_X509_new_null();
    b = len > INT_MAX ? NULL : BIO_new_mem_buf(buf, (int)len);
    if (certs == NULL || b == NULL)
        goto oom;
    while (sk_X509_num(certs) < blocks &&
           (x = PEM_read_bio_X509_AUX(b, NULL, refuse_password_cb, NULL)) != NULL) {
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            goto oom;
        }
    }
    if (sk_X509_num(certs) < blocks) {
        int bad = sk_X509_num(certs) + 1; /* the block that did not decode */

        scan_errors(&es);
        if (es.oom)
            goto oom;
        error_text(es.first, why, sizeof why);
        BIO_free(b);
        sk_X509_pop_free(certs, X509_free);
        return file_error(err, MONGOURI_D_FILE_NO_CERTIFICATE, option,
                          "Each -----BEGIN CERTIFICATE----- block must hold one certificate "
                          "in PEM form.",
                          "%s: certificate %d of the %d in %s does not decode (%s)", option, bad,
                          blocks, path, why);
    }
    ERR_clear_error();
    BIO_free(b);
    *out = certs;
    return MONGOURI_OK;

oom:
    ERR_clear_error();
    BIO_free(b);
    sk_X509_pop_free(certs, X509_free);
    return out_of_memory(err, option, "reading the certificates");
}

static mongouri_status load_ca_file(const char *path, STACK_OF(X509) * *out, mongouri_error *err)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    mongouri_status st;

    *out = NULL;
    st = read_whole(path, "tlsCAFile", &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    st = read_certificates(buf, len, path, "tlsCAFile", out, err);
    free_wiped(buf, len);
    if (st != MONGOURI_OK)
        return st;
    if (sk_X509_num(*out) == 0) {
        sk_X509_free(*out);
        *out = NULL;
        return file_error(err, MONGOURI_D_FILE_NO_CERTIFICATE, "tlsCAFile",
                          "tlsCAFile must hold the CA certificates in PEM form "
                          "(-----BEGIN CERTIFICATE-----).",
                          "tlsCAFile: %s contains no PEM certificate", path);
    }
    return MONGOURI_OK;
}

/*
 * After X509_check_private_key() said no: 0 when the two public keys really
 * differ (their SubjectPublicKeyInfo encodings differ), 1 when they are the
 * same (the check failed for another reason, memory), -1 when they cannot
 * be encoded (memory). The check itself answers 0 for a failed allocation
 * as for a mismatch.
 */
static int same_public_key(EVP_PKEY *a, EVP_PKEY *b)
{
    unsigned char *da = NULL, *db = NULL;
    int la = a == NULL ? -1 : i2d_PUBKEY(a, &da);
    int lb = b == NULL ? -1 : i2d_PUBKEY(b, &db);
    int ret;

    if (la <= 0 || lb <= 0)
        ret = -1;
    else
        ret = la == lb && memcmp(da, db, (size_t)la) == 0;
    OPENSSL_free(da);
    OPENSSL_free(db);
    return ret;
}

/* The certificate (+chain) and private key of tlsCertificateKeyFile. */
typedef struct client_identity {
    X509 *leaf;
    STACK_OF(X509) * chain;
    EVP_PKEY *key;
} client_identity;

static void client_identity_clear(client_identity *id)
{
    X509_free(id->leaf);
    sk_X509_pop_free(id->chain, X509_free);
    EVP_PKEY_free(id->key);
    memset(id, 0, sizeof *id);
}

static mongouri_status load_key_file(const char *path, const char *password, client_identity *id,
                                     mongouri_error *err)
{
    const char *opt = "tlsCertificateKeyFile";
    unsigned char *buf = NULL;
    size_t len = 0;
    STACK_OF(X509) *certs = NULL;
    password_state ps = {password, false};
    BIO *b = NULL;
    mongouri_status st;
    char why[128], subject[256], when[32];

    memset(id, 0, sizeof *id);
    st = read_whole(path, opt, &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    st = read_certificates(buf, len, path, opt, &certs, err);
    if (st != MONGOURI_OK)
        goto fail;
    if (sk_X509_num(certs) == 0) {
        st = file_error(err, MONGOURI_D_FILE_NO_CERTIFICATE, opt,
                        "tlsCertificateKeyFile must hold the client certificate and its "
                        "private key, both in PEM form, in one file.",
                        "%s: %s contains no PEM certificate", opt, path);
        goto fail;
    }
    b = BIO_new_mem_buf(buf, (int)len);
    if (b == NULL) {
        st = out_of_memory(err, opt, "reading the private key");
        goto fail;
    }
    ERR_clear_error();
    id->key = PEM_read_bio_PrivateKey(b, NULL, password_cb, &ps);
    if (id->key == NULL) {
        error_scan es;

        scan_errors(&es);
        if (es.oom && !(ps.asked && password == NULL)) {
            st = out_of_memory(err, opt, "reading the private key");
        } else if (ps.asked && password == NULL) {
            ERR_clear_error();
            st = file_error(err, MONGOURI_D_KEY_NEEDS_PASSWORD, opt,
                            "Give the key's password with tlsCertificateKeyFilePassword, or "
                            "use an unencrypted key.",
                            "%s: the private key in %s is encrypted and no "
                            "tlsCertificateKeyFilePassword is given",
                            opt, path);
        } else if (ps.asked) {
            error_text(es.bad_decrypt != 0 ? es.bad_decrypt : es.first, why, sizeof why);
            st = file_error(err, MONGOURI_D_KEY_BAD_PASSWORD, "tlsCertificateKeyFilePassword",
                            "Check tlsCertificateKeyFilePassword (in a URI, percent-encode "
                            "characters such as @ : / ? # [ ] %).",
                            "tlsCertificateKeyFilePassword does not decrypt the private key "
                            "in %s (%s)",
                            path, why);
        } else if (strstr((const char *)buf, "PRIVATE KEY-----") != NULL) {
            error_text(es.first, why, sizeof why);
            st = file_error(err, MONGOURI_D_FILE_NO_KEY, opt,
                            "Write the key in PEM form (PKCS#8 or traditional).",
                            "%s: the private key in %s cannot be read (%s)", opt, path, why);
        } else {
            ERR_clear_error();
            st = file_error(err, MONGOURI_D_FILE_NO_KEY, opt,
                            "Concatenate the client certificate and its private key into one "
                            "PEM file.",
                            "%s: %s contains no private key", opt, path);
        }
        goto fail;
    }
    id->leaf = sk_X509_shift(certs);
    id->chain = certs;
    certs = NULL;
    name_text(X509_get_subject_name(id->leaf), subject, sizeof subject);
    ERR_clear_error();
    if (X509_check_private_key(id->leaf, id->key) != 1) {
        int same = same_public_key(X509_get0_pubkey(id->leaf), id->key);

        ERR_clear_error();
        if (same != 0) { /* the check could not run: out of memory */
            st = out_of_memory(err, opt, "checking the private key");
            goto fail;
        }
        st = file_error(err, MONGOURI_D_KEY_MISMATCH, opt,
                        "Put the private key that belongs to the certificate in the file.",
                        "%s: the private key in %s does not match its certificate (%s)", opt, path,
                        subject);
        goto fail;
    }
    if (X509_cmp_current_time(X509_get0_notAfter(id->leaf)) < 0) {
        mongouri__asn1_time_text(X509_get0_notAfter(id->leaf), when, sizeof when);
        st = file_error(err, MONGOURI_D_CERT_EXPIRED, opt, "Renew the client certificate.",
                        "%s: the client certificate in %s (%s) expired on %s", opt, path, subject,
                        when);
        goto fail;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(id->leaf)) > 0) {
        mongouri__asn1_time_text(X509_get0_notBefore(id->leaf), when, sizeof when);
        st = file_error(err, MONGOURI_D_CERT_NOT_YET_VALID, opt,
                        "Check the clock of this machine, or wait until the certificate is "
                        "valid.",
                        "%s: the client certificate in %s (%s) is not valid before %s", opt, path,
                        subject, when);
        goto fail;
    }
    BIO_free(b);
    free_wiped(buf, len);
    return MONGOURI_OK;

fail:
    ERR_clear_error();
    BIO_free(b);
    sk_X509_pop_free(certs, X509_free);
    client_identity_clear(id);
    free_wiped(buf, len);
    return st;
}

/*
 * Every CRL of tlsCRLFile, PEM (any number, each block must decode) or
 * DER (one). A failed allocation is MONGOURI_E_NOMEM, never fewer CRLs.
 */
static mongouri_status load_crl_file(const char *path, STACK_OF(X509_CRL) * *out,
                                     mongouri_error *err)
{
    const char *opt = "tlsCRLFile";
    unsigned char *buf = NULL;
    size_t len = 0;
    STACK_OF(X509_CRL) *crls = NULL;
    mongouri_status st;
    error_scan es;
    char why[160] = "no CRL found";
    bool pem;

    *out = NULL;
    st = read_whole(path, opt, &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    crls = sk_X509_CRL_new_null();
    if (crls == NULL || len > INT_MAX) {
        free(buf);
        sk_X509_CRL_free(crls);
        return out_of_memory(err, opt, "reading the CRLs");
    }
    ERR_clear_error();
    pem =
        len > 0 && memchr(buf, '-', len) != NULL && strstr((const char *)buf, "-----BEGIN") != NULL;
    if (pem) {
        int blocks = count_tag(buf, len, "-----BEGIN X509 CRL-----");
        BIO *b = BIO_new_mem_buf(buf, (int)len);
        X509_CRL *crl;

        if (b == NULL)
            goto oom;
        while (sk_X509_CRL_num(crls) < blocks &&
               (crl = PEM_read_bio_X509_CRL(b, NULL, refuse_password_cb, NULL)) != NULL) {
            if (!sk_X509_CRL_push(crls, crl)) {
                X509_CRL_free(crl);
                BIO_free(b);
                goto oom;
            }
        }
        BIO_free(b);
        if (blocks == 0) {
            snprintf(why, sizeof why, "no -----BEGIN X509 CRL----- block");
        } else if (sk_X509_CRL_num(crls) < blocks) {
            char reason[80];

            scan_errors(&es);
            if (es.oom)
                goto oom;
            error_text(es.first, reason, sizeof reason);
            snprintf(why, sizeof why, "PEM CRL block %d of %d does not decode: %s",
                     sk_X509_CRL_num(crls) + 1, blocks, reason);
            sk_X509_CRL_pop_free(crls, X509_CRL_free);
            crls = sk_X509_CRL_new_null();
            if (crls == NULL)
                goto oom;
        }
    } else if (len > 0) {
        const unsigned char *p = buf;
        X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);

        if (crl == NULL) {
            char reason[80];

            scan_errors(&es);
            if (es.oom)
                goto oom;
            error_text(es.first, reason, sizeof reason);
            snprintf(why, sizeof why, "not a DER CRL: %s", reason);
        } else if (!sk_X509_CRL_push(crls, crl)) {
            X509_CRL_free(crl);
            goto oom;
        }
    } else {
        snprintf(why, sizeof why, "the file is empty");
    }
    ERR_clear_error();
    free(buf);
    if (sk_X509_CRL_num(crls) == 0) {
        sk_X509_CRL_free(crls);
        return file_error(err, MONGOURI_D_CRL_UNPARSEABLE, opt,
                          "tlsCRLFile must hold a CRL in PEM (-----BEGIN X509 CRL-----) or DER "
                          "form.",
                          "%s: %s holds no readable CRL (%s)", opt, path, why);
    }
    *out = crls;
    return MONGOURI_OK;

oom:
    ERR_clear_error();
    free(buf);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    return out_of_memory(err, opt, "reading the CRLs");
}

/* ------------------------------------------------------------------------ */
/* What the files mean (beyond being readable)                               */
/* ------------------------------------------------------------------------ */

/*
 * A check of a file that could not run (X509_cmp_current_time() answers 0,
 * a signature check fails without a verdict): out of memory, or a file
 * whose contents cannot be judged; never a pass.
 */
static mongouri_status cannot_judge(mongouri_error *err, mongouri_diag code, const char *option,
                                    const char *path, const char *what)
{
    error_scan es;
    char why[96];

    scan_errors(&es);
    if (es.oom)
        return out_of_memory(err, option, "checking the files");
    error_text(es.first, why, sizeof why);
    return file_error(err, code, option, "Check the file with openssl x509/crl -text.",
                      "%s: %s of %s cannot be checked (%s)", option, what, path, why);
}

/* X509_cmp_current_time(), with its error (0) told apart from a verdict. */
static int compare_now(const ASN1_TIME *t)
{
    return t == NULL ? 0 : X509_cmp_current_time(t);
}

/*
 * tlsCAFile must hold at least one certificate OpenSSL can use as a trust
 * anchor today: a CA certificate, or a self-signed one (a pinned server
 * certificate), current. When none is, the first one says why.
 */
static mongouri_status check_ca_certs(const char *path, STACK_OF(X509) * certs, mongouri_error *err)
{
    const char *opt = "tlsCAFile";
    int i, n = sk_X509_num(certs), why = 0;
    X509 *bad = NULL;
    char subject[256], when[32], lead[600];

    ERR_clear_error();
    for (i = 0; i < n; i++) {
        X509 *x = sk_X509_value(certs, i), *copy = NULL;
        int reason = 0, after, before, is_ca;
        uint32_t flags = X509_get_extension_flags(x);
        bool self_signed;

        /*
         * Extensions that could not be cached say nothing about CA:TRUE.
         * OpenSSL 3 does not always queue a failed allocation there, so the
         * certificate is decoded again: invalid twice is the certificate's
         * own fault; a copy that cannot be made is memory.
         */
        if ((flags & EXFLAG_INVALID) != 0) {
            ERR_clear_error();
            copy = X509_dup(x);
            if (copy == NULL)
                return out_of_memory(err, opt, "checking the certificates");
            flags = X509_get_extension_flags(copy);
            if ((flags & EXFLAG_INVALID) != 0) {
                X509_free(copy);
                return cannot_judge(err, MONGOURI_D_FILE_NO_CERTIFICATE, opt, path,
                                    "the extensions of a certificate");
            }
            x = copy;
        }
        self_signed = (flags & EXFLAG_SS) != 0;
        is_ca = X509_check_ca(x);
        X509_free(copy); /* x is only read for its dates below, from the original */
        x = sk_X509_value(certs, i);
        if (is_ca == 0 && !self_signed) {
            reason = 1;
        } else {
            after = compare_now(X509_get0_notAfter(x));
            before = after == 0 ? 0 : compare_now(X509_get0_notBefore(x));
            if (after == 0 || before == 0)
                return cannot_judge(err, MONGOURI_D_FILE_NO_CERTIFICATE, opt, path,
                                    "the validity dates of a certificate");
            if (after < 0)
                reason = 2;
            else if (before > 0)
                reason = 3;
        }
        if (reason == 0)
            return MONGOURI_OK;
        if (bad == NULL) {
            bad = x;
            why = reason;
        }
    }
    if (bad == NULL)
        return MONGOURI_OK;
    name_text(X509_get_subject_name(bad), subject, sizeof subject);
    if (n == 1)
        snprintf(lead, sizeof lead, "the %scertificate in %s (%s)", why == 1 ? "" : "CA ", path,
                 subject);
    else
        snprintf(lead, sizeof lead,
                 "none of the %d certificates in %s is a usable CA; the first (%s)", n, path,
                 subject);
    if (why == 1)
        return file_error(err, MONGOURI_D_NOT_CA, opt,
                          "tlsCAFile must hold the certificate of the CA that signed the "
                          "server's certificate (basicConstraints CA:TRUE), not the server's "
                          "own certificate.",
                          "%s: %s is not a CA certificate", opt, lead);
    if (why == 2) {
        mongouri__asn1_time_text(X509_get0_notAfter(bad), when, sizeof when);
        return file_error(err, MONGOURI_D_CERT_EXPIRED, opt,
                          "The CA certificate itself has expired: get the CA's current "
                          "certificate from whoever runs the CA and put it in tlsCAFile (and "
                          "check the clock of this machine).",
                          "%s: %s expired on %s", opt, lead, when);
    }
    mongouri__asn1_time_text(X509_get0_notBefore(bad), when, sizeof when);
    return file_error(err, MONGOURI_D_CERT_NOT_YET_VALID, opt,
                      "Check the clock of this machine; the CA certificate is not valid yet.",
                      "%s: %s is not valid before %s", opt, lead, when);
}

/* Every CRL must be current and, with tlsCAFile, issued and signed by one of its CAs. */
static mongouri_status check_crls(const char *path, STACK_OF(X509_CRL) * crls, const char *ca_path,
                                  STACK_OF(X509) * cas, bool unknown_ok, mongouri_error *err)
{
    const char *opt = "tlsCRLFile";
    int i, j;

    for (i = 0; i < sk_X509_CRL_num(crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(crls, i);
        const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
        const ASN1_TIME *last = X509_CRL_get0_lastUpdate(crl);
        char issuer[256], when[32];
        int next_cmp, last_cmp;

        name_text(X509_CRL_get_issuer(crl), issuer, sizeof issuer);
        if (cas != NULL) {
            X509 *ca = NULL;

            for (j = 0; j < sk_X509_num(cas) && ca == NULL; j++)
                if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
                                  X509_get_subject_name(sk_X509_value(cas, j))) == 0)
                    ca = sk_X509_value(cas, j);
            if (ca == NULL && unknown_ok)
                continue; /* maybe an intermediate's: the handshake will tell */
            if (ca == NULL)
                return file_error(err, MONGOURI_D_CRL_WRONG_ISSUER, opt,
                                  "Give the CRL published by the CA that issued the server's "
                                  "certificate (if it is the CRL of an intermediate CA, add "
                                  "that intermediate to tlsCAFile).",
                                  "%s: the CRL in %s is issued by %s, which is not a CA of "
                                  "tlsCAFile %s",
                                  opt, path, issuer, ca_path);
            ERR_clear_error();
            /* OpenSSL 3 does not always queue a failed allocation: a signature
             * that does not verify is checked once more before it is called
             * wrong (a real mismatch fails both times). */
            if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1 &&
                X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1) {
                error_scan es;

                scan_errors(&es);
                if (es.oom)
                    return out_of_memory(err, opt, "checking the CRL's signature");
                return file_error(err, MONGOURI_D_CRL_WRONG_ISSUER, opt,
                                  "The CRL names the right CA but was signed by another key: "
                                  "download the CRL again from that CA.",
                                  "%s: the signature of the CRL in %s does not verify with the "
                                  "key of %s in tlsCAFile %s",
                                  opt, path, issuer, ca_path);
            }
        }
        ERR_clear_error();
        /* Each compared once: a second call could fail where the first did not. */
        next_cmp = next == NULL ? 1 : compare_now(next);
        last_cmp = next_cmp == 0 ? 0 : compare_now(last);
        if (next_cmp == 0 || last_cmp == 0)
            return cannot_judge(err, MONGOURI_D_CRL_UNPARSEABLE, opt, path,
                                "the update times of a CRL");
        if (next_cmp < 0) {
            mongouri__asn1_time_text(next, when, sizeof when);
            return file_error(err, MONGOURI_D_CRL_EXPIRED, opt,
                              "Download the current CRL from the CA into tlsCRLFile; OpenSSL "
                              "refuses every certificate checked against an expired CRL.",
                              "%s: the CRL in %s (issuer %s) expired on %s (its nextUpdate)", opt,
                              path, issuer, when);
        }
        if (last_cmp > 0) {
            mongouri__asn1_time_text(last, when, sizeof when);
            return file_error(err, MONGOURI_D_CRL_NOT_YET_VALID, opt,
                              "Check the clock of this machine; the CRL is not valid yet.",
                              "%s: the CRL in %s (issuer %s) is not valid before %s", opt, path,
                              issuer, when);
        }
    }
    return MONGOURI_OK;
}

/* Hashed certificate names ("5ed36f99.0") in one directory, at most `limit` looked at. */
static long count_hashed(const char *path, bool *exists)
{
    DIR *d = opendir(path);
    struct dirent *e;
    long n = 0, seen = 0;

    *exists = d != NULL;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && seen++ < 1000000L) {
        const char *p = e->d_name;
        size_t k;

        for (k = 0; k < 8 && isxdigit((unsigned char)p[k]); k++) {
            /* eight hex digits */
        }
        if (k == 8 && p[8] == '.' && isdigit((unsigned char)p[9]) &&
            strspn(p + 9, "0123456789") == strlen(p + 9))
            n++;
    }
    closedir(d);
    return n;
}

mongouri_status mongouri_tls_system_store(char *buf, size_t cap, mongouri_error *err)
{
    const char *fenv = X509_get_default_cert_file_env(), *denv = X509_get_default_cert_dir_env();
    const char *file = getenv(fenv), *dirs = getenv(denv);
    bool file_from_env = file != NULL && file[0] != '\0';
    bool dir_from_env = dirs != NULL && dirs[0] != '\0';
    char ftext[512], dtext[1024] = "";
    long ncerts = 0, nhashed = 0;
    size_t used = 0;
    mongouri_error ferr;
    bool file_bad = false; /* the context would refuse the file (see load_system_store) */

    mongouri__error_clear(err);
    ERR_set_mark(); /* the caller's OpenSSL errors stay as they are */
    if (!file_from_env)
        file = X509_get_default_cert_file();
    if (!dir_from_env)
        dirs = X509_get_default_cert_dir();
    memset(&ferr, 0, sizeof ferr);
    {
        /* As load_system_store() reads it: a file that is there must be read
         * whole and every certificate block must decode. */
        struct stat sb;

        if (stat(file, &sb) != 0) {
            snprintf(ftext, sizeof ftext, "file %s (%s) does not exist", file,
                     file_from_env ? fenv : "OpenSSL's default");
        } else {
            unsigned char *data = NULL;
            size_t len = 0;
            STACK_OF(X509) *certs = NULL;

            if (read_whole(file, "tlsCAFile", &data, &len, &ferr) == MONGOURI_OK &&
                read_certificates(data, len, file, "tlsCAFile", &certs, &ferr) == MONGOURI_OK) {
                ncerts = sk_X509_num(certs);
                snprintf(ftext, sizeof ftext, "file %s (%s) with %ld certificate%s", file,
                         file_from_env ? fenv : "OpenSSL's default", ncerts,
                         ncerts == 1 ? "" : "s");
            } else {
                file_bad = true;
                snprintf(ftext, sizeof ftext, "file %s (%s) cannot be used", file,
                         file_from_env ? fenv : "OpenSSL's default");
            }
            sk_X509_pop_free(certs, X509_free);
            free_wiped(data, len);
        }
    }
    {
        const char *p = dirs;

        while (*p != '\0') {
            size_t k = strcspn(p, ":");
            char one[512];
            bool exists;
            long h;

            snprintf(one, sizeof one, "%.*s", (int)(k < sizeof one ? k : sizeof one - 1), p);
            if (one[0] != '\0') {
                h = count_hashed(one, &exists);
                nhashed += h;
                if (used < sizeof dtext) {
                    int w = exists ? snprintf(dtext + used, sizeof dtext - used,
                                              "%sdirectory %s (%s) with %ld hashed "
                                              "certificate%s",
                                              used == 0 ? "" : "; ", one,
                                              dir_from_env ? denv : "OpenSSL's default", h,
                                              h == 1 ? "" : "s")
                                   : snprintf(dtext + used, sizeof dtext - used,
                                              "%sdirectory %s (%s) does not exist",
                                              used == 0 ? "" : "; ", one,
                                              dir_from_env ? denv : "OpenSSL's default");
                    used = w < 0 ? used : used + (size_t)w;
                }
            }
            p += k;
            if (*p == ':')
                p++;
        }
    }
    ERR_pop_to_mark();
    if (buf != NULL && cap > 0)
        snprintf(buf, cap, "%s; %s", ftext, dtext[0] != '\0' ? dtext : "no directory");
    if (file_bad) {
        /* ferr.message is "tlsCAFile: <why>"; no tlsCAFile was given. */
        const char *why =
            strncmp(ferr.message, "tlsCAFile: ", 11) == 0 ? ferr.message + 11 : ferr.message;

        mongouri__error_set(err, ferr.status, ferr.code, "tlsCAFile", -1, 0,
                            "no tlsCAFile, and the system trust store %s: %s", ftext, why);
        if (ferr.status != MONGOURI_E_NOMEM)
            mongouri__error_hint(err,
                                 "Repair or replace the system's CA bundle (Debian: "
                                 "update-ca-certificates), point %s at a readable PEM "
                                 "bundle, or give the CA certificate with tlsCAFile.",
                                 fenv);
        return ferr.status;
    }
    if (ncerts == 0 && nhashed == 0) {
        mongouri__error_set(err, MONGOURI_E_FILE, MONGOURI_D_TRUST_STORE_EMPTY, "tlsCAFile", -1, 0,
                            "no tlsCAFile, and the system trust store is empty: %s; %s", ftext,
                            dtext[0] != '\0' ? dtext : "no directory");
        mongouri__error_hint(err,
                             "Give the CA certificate with tlsCAFile, install the "
                             "system's CA certificates (Debian: ca-certificates), or point "
                             "%s at a PEM bundle.",
                             fenv);
        return MONGOURI_E_FILE;
    }
    return MONGOURI_OK;
}

/* The provenance of the option a file diagnosis names. */
static void error_source(mongouri_error *err, const mongouri_tls_settings *tls)
{
    static const struct {
        const char *option;
        mongouri_tls_field field;
    } map[] = {
        {"tlsCAFile", MONGOURI_TLS_CA_FILE},
        {"tlsCertificateKeyFile", MONGOURI_TLS_CERTIFICATE_KEY_FILE},
        {"tlsCertificateKeyFilePassword", MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD},
        {"tlsCRLFile", MONGOURI_TLS_CRL_FILE},
    };
    size_t i;

    if (err == NULL)
        return;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(err->option, map[i].option) == 0) {
            err->source = err->code == MONGOURI_D_TRUST_STORE_EMPTY
                              ? MONGOURI_SOURCE_DEFAULT
                              : mongouri_tls_source(tls, map[i].field);
            return;
        }
}

/*
 * `before_connect`: a CRL whose issuer is not in tlsCAFile may be that of an
 * intermediate the server sends; the handshake decides, not the file check.
 */
static mongouri_status check_files(const mongouri_tls_settings *tls, bool before_connect,
                                   mongouri_error *err)
{
    const char *ca, *key, *crl;
    STACK_OF(X509) *cas = NULL;
    mongouri_status st = MONGOURI_OK;

    mongouri__error_clear(err);
    if (tls == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "no TLS settings given");
    ca = mongouri_tls_ca_file(tls);
    key = mongouri_tls_certificate_key_file(tls);
    crl = mongouri_tls_crl_file(tls);
    ERR_set_mark();
    if (ca != NULL) {
        st = load_ca_file(ca, &cas, err);
        if (st == MONGOURI_OK)
            st = check_ca_certs(ca, cas, err);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (key != NULL) {
        client_identity id;

        st = load_key_file(key, mongouri_tls_certificate_key_file_password(tls), &id, err);
        client_identity_clear(&id);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (crl != NULL) {
        STACK_OF(X509_CRL) *crls = NULL;

        st = load_crl_file(crl, &crls, err);
        if (st == MONGOURI_OK)
            st = check_crls(crl, crls, ca, cas, before_connect, err);
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (ca == NULL && mongouri_tls_enabled(tls) && mongouri_tls_verify_certificates(tls))
        st = mongouri_tls_system_store(NULL, 0, err);
out:
    if (st != MONGOURI_OK)
        error_source(err, tls);
    sk_X509_pop_free(cas, X509_free);
    ERR_pop_to_mark();
    return st;
}

mongouri_status mongouri_tls_check_files(const mongouri_tls_settings *tls, mongouri_error *err)
{
    return check_files(tls, false, err);
}

/* ------------------------------------------------------------------------ */
/* The context                                                               */
/* ------------------------------------------------------------------------ */

static int verify_cb(int ok, X509_STORE_CTX *xs);
static bool install_prepare_guard(SSL_CTX *ctx);

static char *dup_or_null(const char *s)
{
    char *p;

    if (s == NULL)
        return NULL;
    p = malloc(strlen(s) + 1);
    if (p != NULL)
        strcpy(p, s);
    return p;
}

/*
 * SSL_CTX_use_cert_and_key() refused the key as too weak for the security
 * level, although its strength is enough: the strength could not be
 * computed then (a failed allocation yields 0 bits).
 */
static bool key_too_small_but_is_not(SSL_CTX *ctx, const error_scan *es, EVP_PKEY *key)
{
    static const int level_bits[] = {0, 80, 112, 128, 192, 256};
    int level = SSL_CTX_get_security_level(ctx);
    int bits;

    if (ERR_GET_LIB(es->first) != ERR_LIB_SSL ||
        (ERR_GET_REASON(es->first) != SSL_R_EE_KEY_TOO_SMALL &&
         ERR_GET_REASON(es->first) != SSL_R_CA_KEY_TOO_SMALL))
        return false;
    bits = EVP_PKEY_get_security_bits(key);
    ERR_clear_error();
    return bits <= 0 || (level >= 0 && level <= 5 && bits >= level_bits[level]);
}

/* A failed X509_STORE_add_*: out of memory, or OpenSSL's reason. */
static mongouri_status store_error(mongouri_error *err, const char *option, const char *what,
                                   const char *path)
{
    error_scan es;
    char why[96];

    scan_errors(&es);
    if (es.oom)
        return out_of_memory(err, option, "filling the trust store");
    error_text(es.first, why, sizeof why);
    return mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, option, -1, 0,
                               "cannot add %s %s to the trust store (%s)", what, path, why);
}

/* Every certificate of `certs` into `store` (duplicates are harmless). */
static mongouri_status add_certificates(X509_STORE *store, STACK_OF(X509) * certs, const char *path,
                                        mongouri_error *err)
{
    int i;

    ERR_clear_error();
    for (i = 0; i < sk_X509_num(certs); i++)
        if (!X509_STORE_add_cert(store, sk_X509_value(certs, i)))
            return store_error(err, "tlsCAFile", "the certificates of", path);
    return MONGOURI_OK;
}

/*
 * The system store, as SSL_CTX_set_default_verify_paths() sets it up (the
 * file and the directory OpenSSL was built with, or SSL_CERT_FILE and
 * SSL_CERT_DIR), except that nothing is dropped silently: OpenSSL's own
 * loader keeps whatever part of the file it managed to load, even none,
 * when an allocation fails. A missing file is no error (the directory may
 * hold the certificates); a failed allocation is MONGOURI_E_NOMEM.
 */
static mongouri_status load_system_store(X509_STORE *store, mongouri_error *err)
{
    const char *file = getenv(X509_get_default_cert_file_env());
    const char *dir = getenv(X509_get_default_cert_dir_env());
    X509_LOOKUP *lookup;
    STACK_OF(X509) *certs = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    mongouri_status st;
    struct stat sb;

    if (file == NULL || file[0] == '\0')
        file = X509_get_default_cert_file();
    if (dir == NULL || dir[0] == '\0')
        dir = X509_get_default_cert_dir();
    if (stat(file, &sb) == 0) {
        st = read_whole(file, "tlsCAFile", &buf, &len, err);
        if (st == MONGOURI_OK) {
            st = read_certificates(buf, len, file, "tlsCAFile", &certs, err);
            free_wiped(buf, len);
        }
        if (st == MONGOURI_OK)
            st = add_certificates(store, certs, file, err);
        sk_X509_pop_free(certs, X509_free);
        if (st == MONGOURI_E_NOMEM)
            return st;
        if (st != MONGOURI_OK) {
            char why[256];
            const char *m = err != NULL ? err->message : "";

            /* The loaders' messages start with the option; no tlsCAFile was given. */
            snprintf(why, sizeof why, "%s", strncmp(m, "tlsCAFile: ", 11) == 0 ? m + 11 : m);
            return mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, NULL, -1, 0,
                                       "cannot load the system's trusted certificates: %s", why);
        }
    }
    ERR_clear_error();
    lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == NULL || !X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM)) {
        error_scan es;

        scan_errors(&es);
        if (es.oom)
            return out_of_memory(err, NULL, "setting up the system trust store");
        return mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, NULL, -1, 0,
                                   "cannot use the system's certificate directory %s", dir);
    }
    return MONGOURI_OK;
}

mongouri_status mongouri_tls_ctx_new(SSL_CTX **out, const mongouri_tls_settings *tls,
                                     const mongouri_tls_options *opts, mongouri_error *err)
{
    mongouri_tls_options o;
    SSL_CTX *ctx = NULL;
    mongouri__tls_ctx_state *cs = NULL;
    X509_STORE *store;
    STACK_OF(X509) *cas = NULL;
    STACK_OF(X509_CRL) *crls = NULL;
    client_identity id = {NULL, NULL, NULL};
    const char *ca, *key, *crl;
    mongouri_status st;
    int i;

    if (out != NULL)
        *out = NULL;
    mongouri__error_clear(err);
    if (out == NULL || tls == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_ctx_new needs an out-pointer and settings");
    st = options_load(&o, opts, err);
    if (st != MONGOURI_OK)
        return st;
    pthread_once(&index_once, index_init);
    if (ctx_index < 0 || ssl_index < 0)
        return mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, NULL, -1, 0,
                                   "cannot register OpenSSL ex_data indexes");
    ca = mongouri_tls_ca_file(tls);
    key = mongouri_tls_certificate_key_file(tls);
    crl = mongouri_tls_crl_file(tls);
    if (mongouri_tls_revocation(tls) == MONGOURI_REVOCATION_CRL && crl == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG,
                                   "tlsCRLFile", -1, 0, "CRL revocation without tlsCRLFile");

    ERR_set_mark();
    ctx = SSL_CTX_new(TLS_client_method());
    cs = calloc(1, sizeof *cs);
    if (ctx == NULL || cs == NULL) {
        st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                 "cannot create the SSL_CTX");
        goto fail;
    }
    cs->revocation = mongouri_tls_revocation(tls);
    cs->verify_certificates = mongouri_tls_verify_certificates(tls);
    cs->verify_hostnames = mongouri_tls_verify_hostnames(tls);
    cs->ocsp_timeout_ms = o.ocsp_timeout_ms;
    cs->ca_file = dup_or_null(ca);
    cs->crl_file = dup_or_null(crl);
    cs->verify_certificates_source =
        dup_or_null(mongouri_tls_source_detail(tls, MONGOURI_TLS_VERIFY_CERTIFICATES));
    cs->verify_hostnames_source =
        dup_or_null(mongouri_tls_source_detail(tls, MONGOURI_TLS_VERIFY_HOSTNAMES));
    if ((ca != NULL && cs->ca_file == NULL) || (crl != NULL && cs->crl_file == NULL) ||
        cs->verify_certificates_source == NULL || cs->verify_hostnames_source == NULL) {
        st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                 "out of memory");
        goto fail;
    }
    if (!cs->verify_certificates)
        cs->revocation = MONGOURI_REVOCATION_NONE;
    if (!SSL_CTX_set_ex_data(ctx, ctx_index, cs)) {
        st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                 "out of memory");
        goto fail;
    }
    /* From here on the context owns `cs` (freed with it). */

    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        st = mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, NULL, -1, 0,
                                 "cannot require TLS 1.2");
        goto fail;
    }
    SSL_CTX_set_default_passwd_cb(ctx, refuse_password_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    store = SSL_CTX_get_cert_store(ctx);

    /* Trust: tlsCAFile, or the system store; every certificate or none. */
    if (ca != NULL) {
        st = load_ca_file(ca, &cas, err);
        if (st != MONGOURI_OK)
            goto fail;
        st = add_certificates(store, cas, ca, err);
        if (st != MONGOURI_OK)
            goto fail;
    } else if (cs->verify_certificates) {
        st = load_system_store(store, err);
        if (st != MONGOURI_OK)
            goto fail;
    }

    /* Client certificate and key. */
    if (key != NULL) {
        st = load_key_file(key, mongouri_tls_certificate_key_file_password(tls), &id, err);
        if (st != MONGOURI_OK)
            goto fail;
        ERR_clear_error();
        if (!SSL_CTX_use_cert_and_key(ctx, id.leaf, id.key, id.chain, 1)) {
            char why[128];
            error_scan es;

            scan_errors(&es);
            if (es.oom || key_too_small_but_is_not(ctx, &es, id.key)) {
                st = out_of_memory(err, "tlsCertificateKeyFile", "using the client certificate");
                goto fail;
            }
            error_text(es.first, why, sizeof why);
            st = mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP,
                                     "tlsCertificateKeyFile", -1, 0,
                                     "cannot use the client certificate of %s (%s)", key, why);
            goto fail;
        }
        cs->has_client_certificate = true;
    }

    /* Revocation. */
    if (cs->revocation == MONGOURI_REVOCATION_CRL) {
        st = load_crl_file(crl, &crls, err);
        if (st != MONGOURI_OK)
            goto fail;
        ERR_clear_error();
        for (i = 0; i < sk_X509_CRL_num(crls); i++) {
            if (!X509_STORE_add_crl(store, sk_X509_CRL_value(crls, i))) {
                st = store_error(err, "tlsCRLFile", "the CRLs of", crl);
                goto fail;
            }
        }
        if (!X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK)) {
            st = store_error(err, "tlsCRLFile", "the CRL check for", crl);
            goto fail;
        }
    } else if (cs->revocation == MONGOURI_REVOCATION_OCSP ||
               cs->revocation == MONGOURI_REVOCATION_OCSP_STAPLE_ONLY) {
        cs->cache = mongouri__ocsp_cache_new(o.ocsp_cache_size);
        if (cs->cache == NULL) {
            st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                     "out of memory");
            goto fail;
        }
        SSL_CTX_set_tlsext_status_cb(ctx, mongouri__ocsp_status_cb);
        SSL_CTX_set_tlsext_status_arg(ctx, NULL);
    }
    /* Peer verification stays on at the context level: an SSL that skipped
     * mongouri_tls_ssl_prepare() is refused (prepare sets its own mode). */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    if (!install_prepare_guard(ctx)) {
        st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                 "cannot install the handshake guard");
        goto fail;
    }

    sk_X509_pop_free(cas, X509_free);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    client_identity_clear(&id);
    ERR_pop_to_mark();
    *out = ctx;
    return MONGOURI_OK;

fail:
    if (ctx == NULL || SSL_CTX_get_ex_data(ctx, ctx_index) != cs)
        ctx_state_free(NULL, cs, NULL, 0, 0, NULL);
    sk_X509_pop_free(cas, X509_free);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    client_identity_clear(&id);
    SSL_CTX_free(ctx);
    ERR_pop_to_mark();
    return st;
}

/* ------------------------------------------------------------------------ */
/* The connection                                                            */
/* ------------------------------------------------------------------------ */

/* Remember the first failure of the chain check; never changes the verdict. */
static int verify_cb(int ok, X509_STORE_CTX *xs)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);
    X509 *cert = X509_STORE_CTX_get_current_cert(xs);
    int e = X509_STORE_CTX_get_error(xs);

    if (ok || st == NULL || st->verify_error != 0)
        return ok;
    st->verify_error = e;
    st->verify_depth = X509_STORE_CTX_get_error_depth(xs);
    if (cert != NULL) {
        name_text(X509_get_subject_name(cert), st->verify_subject, sizeof st->verify_subject);
        if (e == X509_V_ERR_CERT_NOT_YET_VALID)
            mongouri__asn1_time_text(X509_get0_notBefore(cert), st->verify_time,
                                     sizeof st->verify_time);
        else
            mongouri__asn1_time_text(X509_get0_notAfter(cert), st->verify_time,
                                     sizeof st->verify_time);
    }
    if (e == X509_V_ERR_CERT_REVOKED && cert != NULL) {
        X509_CRL *crl = X509_STORE_CTX_get0_current_crl(xs);
        X509_REVOKED *rev = NULL;

        st->rev = MONGOURI__REV_REVOKED;
        st->rev_source = MONGOURI_TLS_REV_CRL;
        st->rev_reason = -1;
        if (crl != NULL && X509_CRL_get0_by_cert(crl, &rev, cert) == 1 && rev != NULL) {
            ASN1_ENUMERATED *r = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
            char when[32];

            st->rev_reason = r == NULL ? 0 : (int)ASN1_ENUMERATED_get(r);
            ASN1_ENUMERATED_free(r);
            mongouri__asn1_time_text(X509_REVOKED_get0_revocationDate(rev), when, sizeof when);
            snprintf(st->rev_detail, sizeof st->rev_detail, "revoked per tlsCRLFile (%s, since %s)",
                     mongouri__crl_reason_name(st->rev_reason), when);
        } else {
            snprintf(st->rev_detail, sizeof st->rev_detail, "revoked per tlsCRLFile");
        }
    }
    return ok;
}

/*
 * The guard against an SSL that was never prepared: its host check and
 * revocation check would silently not run. Two independent refusals, both
 * installed on the context so that every SSL made from it inherits them:
 * a ClientHello extension callback that aborts the handshake before
 * anything is sent (this also covers resumed sessions, which skip the
 * certificate check), and a certificate verification callback that fails
 * the chain check.
 */
#define PREPARE_GUARD_EXT_TYPE 0xFF4Du /* private-use type; never actually sent */

static void not_prepared_error(void)
{
    ERR_raise_data(ERR_LIB_SSL, SSL_R_CALLBACK_FAILED,
                   "mongouri: the SSL was not prepared with mongouri_tls_ssl_prepare()");
}

/* Prepared, completely: a prepare that failed half-way leaves a state that is not ready. */
static bool ssl_is_ready(const SSL *ssl)
{
    const mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);

    return st != NULL && st->ready;
}

static int guard_add_cb(SSL *ssl, unsigned int ext_type, unsigned int context,
                        const unsigned char **out, size_t *outlen, X509 *x, size_t chainidx,
                        int *al, void *add_arg)
{
    (void)ext_type, (void)context, (void)out, (void)outlen, (void)x, (void)chainidx;
    (void)add_arg;
    if (ssl_is_ready(ssl))
        return 0; /* prepared: add nothing */
    not_prepared_error();
    *al = SSL_AD_INTERNAL_ERROR;
    return -1;
}

static int guard_verify_cb(X509_STORE_CTX *xs, void *arg)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());

    (void)arg;
    if (ssl == NULL || !ssl_is_ready(ssl)) {
        X509_STORE_CTX_set_error(xs, X509_V_ERR_APPLICATION_VERIFICATION);
        not_prepared_error();
        return 0;
    }
    return X509_verify_cert(xs);
}

static bool install_prepare_guard(SSL_CTX *ctx)
{
    SSL_CTX_set_cert_verify_callback(ctx, guard_verify_cb, NULL);
    return SSL_CTX_add_custom_ext(ctx, PREPARE_GUARD_EXT_TYPE, SSL_EXT_CLIENT_HELLO, guard_add_cb,
                                  NULL, NULL, NULL, NULL) == 1;
}

static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);
    const unsigned char *p = buf;

    (void)version, (void)arg;
    if (st == NULL)
        return;
    if (content_type == SSL3_RT_ALERT && len >= 2 && p[1] != 0) {
        if (write_p && st->alert_sent < 0)
            st->alert_sent = p[1];
        else if (!write_p && st->alert_received < 0)
            st->alert_received = p[1];
    } else if (content_type == SSL3_RT_HANDSHAKE && len >= 1) {
        if (!write_p && p[0] == SSL3_MT_SERVER_HELLO && len >= 6 && st->server_hello_version == 0)
            st->server_hello_version = (p[4] << 8) | p[5];
        else if (!write_p && p[0] == SSL3_MT_CERTIFICATE_REQUEST)
            st->certificate_requested = true;
        else if (!write_p && p[0] == SSL3_MT_NEWSESSION_TICKET)
            st->ticket_received = true;
        else if (write_p && p[0] == SSL3_MT_CERTIFICATE) {
            st->certificate_sent = true;
            st->certificate_sent_empty = SSL_get_certificate(ssl) == NULL;
        }
    }
}

mongouri_status mongouri_tls_ssl_prepare(SSL *ssl, const char *host, mongouri_error *err)
{
    mongouri__tls_ctx_state *cs;
    mongouri__tls_ssl_state *st;
    bool fresh = false;

    mongouri__error_clear(err);
    if (ssl == NULL || host == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_ssl_prepare needs an SSL and a host");
    cs = mongouri__tls_ctx_state_get(SSL_get_SSL_CTX(ssl));
    if (cs == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "the SSL was not made from a mongouri_tls_ctx_new context");
    {
        /* An empty name would make SSL_set1_host check nothing, and a cut one
         * would check another name: refuse both. */
        size_t n = strlen(host);
        bool bracketed = n >= 2 && host[0] == '[' && host[n - 1] == ']';
        if (n == 0 || (bracketed && n == 2) || n - (bracketed ? 2 : 0) >= sizeof st->host)
            return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL,
                                       -1, 0, "the host name is empty or longer than %zu bytes",
                                       sizeof st->host - 1);
    }
    st = mongouri__tls_ssl_state_get(ssl);
    if (st == NULL) {
        st = calloc(1, sizeof *st);
        fresh = true;
    }
    if (st == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    memset(st, 0, sizeof *st);
    st->alert_received = st->alert_sent = -1;
    st->verify_depth = -1;
    st->rev_reason = -1;
    host_copy(st->host, sizeof st->host, host);
    st->host_is_ip = is_ip_literal(st->host);
    if (fresh && !SSL_set_ex_data(ssl, ssl_index, st)) {
        free(st);
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory");
    }

    ERR_set_mark();
    /* SNI for DNS names only (RFC 6066 forbids IP literals). */
    /* The name is non-empty, at most 255 bytes and, for an IP, a valid
     * literal: these calls can only fail for memory. */
    if (!st->host_is_ip && st->host[0] != '\0' && !SSL_set_tlsext_host_name(ssl, st->host)) {
        ERR_pop_to_mark();
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "out of memory sending %s as the server name (SNI)", st->host);
    }
    SSL_set_verify(ssl, cs->verify_certificates ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, verify_cb);
    if (cs->verify_certificates && cs->verify_hostnames) {
        int ok;

        if (st->host_is_ip)
            ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), st->host);
        else
            ok = SSL_set1_host(ssl, st->host);
        if (!ok) {
            ERR_pop_to_mark();
            return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                       "out of memory setting the check of the certificate "
                                       "against %s",
                                       st->host);
        }
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    if (cs->revocation == MONGOURI_REVOCATION_OCSP ||
        cs->revocation == MONGOURI_REVOCATION_OCSP_STAPLE_ONLY)
        SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
    SSL_set_msg_callback(ssl, msg_cb);
    ERR_pop_to_mark();
    st->ready = true;
    return MONGOURI_OK;
}

mongouri_status mongouri_tls_ssl_new(SSL **out, SSL_CTX *ctx, const char *host, mongouri_error *err)
{
    SSL *ssl;
    mongouri_status st;

    if (out != NULL)
        *out = NULL;
    mongouri__error_clear(err);
    if (out == NULL || ctx == NULL || host == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_ssl_new needs an out-pointer, a context "
                                   "and a host");
    ERR_set_mark();
    ssl = SSL_new(ctx);
    ERR_pop_to_mark();
    if (ssl == NULL)
        return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                   "cannot create the SSL");
    st = mongouri_tls_ssl_prepare(ssl, host, err);
    if (st != MONGOURI_OK) {
        SSL_free(ssl);
        return st;
    }
    *out = ssl;
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Diagnosis                                                                 */
/* ------------------------------------------------------------------------ */

static void report_init(mongouri_tls_report *r)
{
    memset(r, 0, sizeof *r);
    r->category = MONGOURI_TLS_OK;
    r->verify_depth = -1;
    r->alert_received = -1;
    r->alert_sent = -1;
    r->elapsed_ms = -1;
}

static void set_text(char *dst, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_text(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

static bool is_protocol_reason(int reason)
{
    return reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_NO_PROTOCOLS_AVAILABLE ||
           reason == SSL_R_VERSION_TOO_LOW || reason == SSL_R_WRONG_SSL_VERSION ||
           reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION || reason == SSL_R_UNSUPPORTED_SSL_VERSION;
}

static bool is_client_cert_alert(int a)
{
    return a == 42 || a == 43 || a == 44 || a == 45 || a == 46 || a == 48 || a == 49 || a == 116;
}

/* The verify errors that mean "this chain does not lead to a trusted CA". */
static bool is_trust_error(int e)
{
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_INVALID_CA:
        return true;
    default:
        return false;
    }
}

static bool is_crl_error(int e)
{
    return e == X509_V_ERR_UNABLE_TO_GET_CRL || e == X509_V_ERR_CRL_HAS_EXPIRED ||
           e == X509_V_ERR_CRL_NOT_YET_VALID || e == X509_V_ERR_CRL_SIGNATURE_FAILURE ||
           e == X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE ||
           e == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER;
}

static mongouri_tls_category classify_verify(const mongouri__tls_ssl_state *st,
                                             const mongouri__tls_ctx_state *cs,
                                             mongouri_tls_report *r)
{
    int e = r->verify_error;
    const char *text = X509_verify_cert_error_string(e);
    const char *who = st->verify_subject[0] != '\0' ? st->verify_subject : "the certificate";

    if (is_trust_error(e)) {
        char store[400] = "";

        if (cs->ca_file == NULL) {
            char desc[380];

            mongouri_tls_system_store(desc, sizeof desc, NULL);
            snprintf(store, sizeof store, " (%s)", desc);
        }
        set_text(r->detail, sizeof r->detail,
                 "certificate verify failed (%d: %s) for %s at depth %d; trusted CAs: %s%s%s", e,
                 text, who, r->verify_depth,
                 cs->ca_file != NULL ? "tlsCAFile " : "the system store",
                 cs->ca_file != NULL ? cs->ca_file : "", store);
        if (cs->ca_file != NULL)
            set_text(r->hint, sizeof r->hint,
                     "tlsCAFile does not hold the CA that signed the server's certificate: "
                     "give that CA (and any intermediate) in tlsCAFile.");
        else
            set_text(r->hint, sizeof r->hint,
                     "The system store does not trust the server's certificate: give the CA "
                     "that signed it with tlsCAFile.");
        return MONGOURI_TLS_UNKNOWN_CA;
    }
    if (e == X509_V_ERR_CERT_HAS_EXPIRED && r->verify_depth > 0) {
        set_text(r->detail, sizeof r->detail,
                 "the CA certificate %s (depth %d of the chain) expired on %s", who,
                 r->verify_depth, st->verify_time);
        set_text(r->hint, sizeof r->hint,
                 "A CA certificate of the chain has expired, not the server's own: install the "
                 "CA's current certificate (on the server for an intermediate it sends, in "
                 "tlsCAFile or the system store for a root), and check the clocks.");
        return MONGOURI_TLS_EXPIRED;
    }
    if (e == X509_V_ERR_CERT_HAS_EXPIRED) {
        set_text(r->detail, sizeof r->detail, "the certificate of %s (depth %d) expired on %s", who,
                 r->verify_depth, st->verify_time);
        set_text(r->hint, sizeof r->hint,
                 "Renew the server's certificate (and check the clocks); "
                 "tlsAllowInvalidCertificates=true hides this, insecurely.");
        return MONGOURI_TLS_EXPIRED;
    }
    if (e == X509_V_ERR_CERT_NOT_YET_VALID) {
        set_text(r->detail, sizeof r->detail,
                 "the %scertificate of %s (depth %d) is not valid before %s",
                 r->verify_depth > 0 ? "CA " : "", who, r->verify_depth, st->verify_time);
        set_text(r->hint, sizeof r->hint,
                 "Check the clock of this machine and of the server's CA.");
        return MONGOURI_TLS_NOT_YET_VALID;
    }
    if (e == X509_V_ERR_HOSTNAME_MISMATCH || e == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        set_text(r->detail, sizeof r->detail,
                 "%s %s is not among the certificate's names (%s; subject %s)",
                 e == X509_V_ERR_IP_ADDRESS_MISMATCH ? "IP address" : "host name", r->expected_name,
                 r->peer_names[0] != '\0' ? r->peer_names : "no subjectAltName", r->peer_subject);
        set_text(r->hint, sizeof r->hint,
                 "Connect with a name the certificate lists, or reissue the server's "
                 "certificate with a subjectAltName for %s; tlsAllowInvalidHostnames=true "
                 "skips the check, insecurely.",
                 r->expected_name);
        return MONGOURI_TLS_HOSTNAME_MISMATCH;
    }
    if (e == X509_V_ERR_CERT_REVOKED) {
        set_text(r->detail, sizeof r->detail, "the certificate of %s is %s", who,
                 st->rev_detail[0] != '\0' ? st->rev_detail : "revoked");
        set_text(r->hint, sizeof r->hint,
                 "The server's certificate was revoked: install a new certificate on the "
                 "server.");
        return MONGOURI_TLS_REVOKED;
    }
    if (e == X509_V_ERR_UNABLE_TO_GET_CRL) {
        set_text(r->detail, sizeof r->detail,
                 "revocation: tlsCRLFile %s has no CRL from the issuer of %s", cs->crl_file, who);
        set_text(r->hint, sizeof r->hint,
                 "Give the CRL published by the CA that issued the server's certificate in "
                 "tlsCRLFile.");
        return MONGOURI_TLS_HANDSHAKE_FAILED;
    }
    if (e == X509_V_ERR_CRL_HAS_EXPIRED || e == X509_V_ERR_CRL_NOT_YET_VALID ||
        e == X509_V_ERR_CRL_SIGNATURE_FAILURE || e == X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE) {
        set_text(r->detail, sizeof r->detail, "revocation: the CRL in tlsCRLFile %s: %s",
                 cs->crl_file, text);
        set_text(r->hint, sizeof r->hint, "Download a current CRL from the CA into tlsCRLFile.");
        return MONGOURI_TLS_HANDSHAKE_FAILED;
    }
    set_text(r->detail, sizeof r->detail, "certificate verify failed (%d: %s) for %s at depth %d",
             e, text, who, r->verify_depth);
    set_text(r->hint, sizeof r->hint,
             "The server's certificate is not usable for a TLS server (check its key usage, "
             "extended key usage and basic constraints).");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static mongouri_tls_category classify_revocation(const mongouri__tls_ssl_state *st,
                                                 mongouri_tls_report *r)
{
    set_text(r->detail, sizeof r->detail, "%s", st->rev_detail);
    if (st->rev == MONGOURI__REV_REVOKED) {
        set_text(r->hint, sizeof r->hint,
                 "The server's certificate was revoked: install a new certificate on the "
                 "server.");
        return MONGOURI_TLS_REVOKED;
    }
    if (st->rev == MONGOURI__REV_MUST_STAPLE_MISSING) {
        set_text(r->hint, sizeof r->hint,
                 "The certificate is Must-Staple: turn on OCSP stapling on the server "
                 "(tlsDisableCertificateRevocationCheck=true skips revocation checks).");
        return MONGOURI_TLS_MUST_STAPLE_MISSING;
    }
    set_text(r->hint, sizeof r->hint,
             "Fix the OCSP stapling of the server (the staple must come from the CA's "
             "responder and be current), or set tlsDisableCertificateRevocationCheck=true.");
    return MONGOURI_TLS_OCSP_INVALID;
}

/*
 * What the client offered: its TLS 1.3 suites, how many TLS 1.2 ciphers
 * (and the first few), its key exchange groups.
 */
static void offered_text(const SSL *ssl, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *ciphers = SSL_get_ciphers(ssl);
    char v13[200] = "", v12[200] = "", groups[200] = "";
    size_t u13 = 0, u12 = 0, ug = 0;
    int i, n12 = 0, ng;

    for (i = 0; ciphers != NULL && i < sk_SSL_CIPHER_num(ciphers); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(ciphers, i);
        const char *name = SSL_CIPHER_get_name(c);
        bool tls13 = strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0;

        if (tls13 && u13 + strlen(name) + 2 < sizeof v13)
            u13 += (size_t)snprintf(v13 + u13, sizeof v13 - u13, "%s%s", u13 ? ":" : "", name);
        if (!tls13 && n12++ < 3 && u12 + strlen(name) + 2 < sizeof v12)
            u12 += (size_t)snprintf(v12 + u12, sizeof v12 - u12, "%s%s", u12 ? ":" : "", name);
    }
    ng = (int)SSL_get1_groups((SSL *)ssl, NULL);
    if (ng > 0) {
        int *ids = OPENSSL_malloc(sizeof *ids * (size_t)ng);

        if (ids != NULL && (int)SSL_get1_groups((SSL *)ssl, ids) == ng) {
            for (i = 0; i < ng; i++) {
                const char *g = SSL_group_to_name((SSL *)ssl, ids[i]);

                if (g != NULL && ug + strlen(g) + 2 < sizeof groups)
                    ug +=
                        (size_t)snprintf(groups + ug, sizeof groups - ug, "%s%s", ug ? ":" : "", g);
            }
        }
        OPENSSL_free(ids);
    }
    snprintf(buf, cap,
             "the client offered TLS 1.3 suites %s, %d TLS 1.2 ciphers (%s%s), "
             "groups %s",
             v13[0] != '\0' ? v13 : "none", n12, v12, n12 > 3 ? ":..." : "",
             groups[0] != '\0' ? groups : "OpenSSL's defaults");
}

static mongouri_tls_category classify_alert(const mongouri__tls_ssl_state *st,
                                            const mongouri__tls_ctx_state *cs, const SSL *ssl,
                                            mongouri_tls_report *r)
{
    int a = r->alert_received;

    if (a == 70) {
        set_text(r->detail, sizeof r->detail,
                 "the client offers %s; the server refused them (alert protocol_version)",
                 r->versions_offered);
        set_text(r->hint, sizeof r->hint,
                 "The server speaks only older TLS versions; TLS 1.2 is the minimum. Enable "
                 "TLS 1.2 or 1.3 on the server.");
        return MONGOURI_TLS_PROTOCOL_VERSION;
    }
    if (a == 116 ||
        (a == 40 && st->certificate_requested &&
         (!st->certificate_sent || st->certificate_sent_empty)) ||
        (is_client_cert_alert(a) && !cs->has_client_certificate && st->certificate_requested)) {
        set_text(r->detail, sizeof r->detail,
                 "the server requires a client certificate and none was sent (alert %s)",
                 alert_name(a));
        set_text(r->hint, sizeof r->hint,
                 "Give the client certificate and its key with tlsCertificateKeyFile.");
        return MONGOURI_TLS_CLIENT_CERTIFICATE;
    }
    if (is_client_cert_alert(a) && cs->has_client_certificate) {
        set_text(r->detail, sizeof r->detail,
                 "the server rejected the client certificate (alert %s)", alert_name(a));
        set_text(r->hint, sizeof r->hint,
                 "Use a client certificate signed by a CA the server trusts (its "
                 "net.tls.CAFile), current, and meant for client authentication.");
        return MONGOURI_TLS_CLIENT_CERTIFICATE;
    }
    if (a == 40 || a == 71) {
        char offered[400];

        offered_text(ssl, offered, sizeof offered);
        set_text(r->detail, sizeof r->detail,
                 "the server ended the handshake with alert %s (%d): no cipher suite or key "
                 "exchange group in common; %s",
                 alert_name(a), a, offered);
        set_text(r->hint, sizeof r->hint,
                 "Client and server share no cipher suite or key exchange group: enable on the "
                 "server one of those the client offers (OpenSSL's defaults, TLS 1.2 or 1.3).");
        return MONGOURI_TLS_HANDSHAKE_FAILED;
    }
    set_text(r->detail, sizeof r->detail, "the server ended the handshake with alert %s (%d)%s%s",
             alert_name(a), a, r->openssl_error[0] != '\0' ? ": " : "", r->openssl_error);
    set_text(r->hint, sizeof r->hint, "Check the server's log for why it refused the handshake.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static void describe_success(const mongouri__tls_ssl_state *st, const mongouri__tls_ctx_state *cs,
                             const SSL *ssl, mongouri_tls_report *r)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    char trust[300], name[300], rev[300];

    if (!cs->verify_certificates)
        set_text(trust, sizeof trust, "certificate not verified (%s)%s%s",
                 cs->verify_certificates_source != NULL ? cs->verify_certificates_source
                                                        : "verification off",
                 st->verify_error != 0 ? "; it would fail: " : "",
                 st->verify_error != 0 ? X509_verify_cert_error_string(st->verify_error) : "");
    else
        set_text(trust, sizeof trust, "certificate %s verified against %s%s", r->peer_subject,
                 cs->ca_file != NULL ? "tlsCAFile " : "the system store",
                 cs->ca_file != NULL ? cs->ca_file : "");
    if (!cs->verify_certificates)
        set_text(name, sizeof name, "name not checked");
    else if (!cs->verify_hostnames)
        set_text(name, sizeof name, "name not checked (%s)",
                 cs->verify_hostnames_source != NULL ? cs->verify_hostnames_source : "off");
    else
        set_text(name, sizeof name, "%s matches %s", r->expected_name, r->peer_names);
    if (cs->revocation == MONGOURI_REVOCATION_NONE)
        set_text(rev, sizeof rev, "revocation not checked");
    else if (st->rev_detail[0] != '\0')
        set_text(rev, sizeof rev, "revocation: %s", st->rev_detail);
    else
        set_text(rev, sizeof rev, "revocation: not checked");
    set_text(r->detail, sizeof r->detail, "%s %s; %s; %s; %s", r->version,
             c != NULL ? SSL_CIPHER_get_name(c) : "", trust, name, rev);
}

mongouri_tls_category mongouri_tls_diagnose(const SSL *ssl, int ret, mongouri_tls_report *r)
{
    const mongouri__tls_ssl_state *st;
    const mongouri__tls_ctx_state *cs;
    mongouri__tls_ssl_state empty_st;
    mongouri__tls_ctx_state empty_cs;
    X509 *peer;
    unsigned long e;
    int ssl_err, min_v, max_v, reason = 0;
    bool finished;
    mongouri_tls_category cat;

    if (r == NULL)
        return MONGOURI_TLS_HANDSHAKE_FAILED;
    report_init(r);
    if (ssl == NULL) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        set_text(r->detail, sizeof r->detail, "no connection");
        return r->category;
    }
    st = mongouri__tls_ssl_state_get(ssl);
    cs = mongouri__tls_ctx_state_get(SSL_get_SSL_CTX(ssl));
    if ((st == NULL || !st->ready) && cs != NULL) {
        /* One of our contexts refused it (see install_prepare_guard). */
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        r->verify_error = (int)SSL_get_verify_result(ssl);
        set_text(r->detail, sizeof r->detail,
                 "the SSL was not prepared: mongouri_tls_ssl_prepare() was never called on it "
                 "or did not succeed, so its host name and revocation checks could not run; "
                 "the handshake is refused");
        set_text(r->hint, sizeof r->hint,
                 "Call mongouri_tls_ssl_prepare(ssl, host, &err) after SSL_new(), or create "
                 "the SSL with mongouri_tls_ssl_new(&ssl, ctx, host, &err).");
        set_text(r->openssl_error, sizeof r->openssl_error, "%s",
                 ERR_peek_error() != 0 && ERR_reason_error_string(ERR_peek_error()) != NULL
                     ? ERR_reason_error_string(ERR_peek_error())
                     : "");
        return r->category;
    }
    if (st == NULL) {
        memset(&empty_st, 0, sizeof empty_st);
        empty_st.alert_received = empty_st.alert_sent = empty_st.verify_depth = -1;
        st = &empty_st;
    }
    if (cs == NULL) {
        memset(&empty_cs, 0, sizeof empty_cs);
        empty_cs.verify_certificates = SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE;
        empty_cs.revocation = MONGOURI_REVOCATION_NONE;
        cs = &empty_cs;
    }

    /* What was seen. */
    set_text(r->expected_name, sizeof r->expected_name, "%s", st->host);
    min_v = (int)SSL_get_min_proto_version((SSL *)ssl);
    max_v = (int)SSL_get_max_proto_version((SSL *)ssl);
    set_text(r->versions_offered, sizeof r->versions_offered, "%s-%s",
             min_v == 0 ? "TLSv1" : version_name(min_v),
             max_v == 0 ? "TLSv1.3" : version_name(max_v));
    finished = SSL_is_init_finished(ssl);
    if (finished)
        set_text(r->version, sizeof r->version, "%s", SSL_get_version(ssl));
    if (st->server_hello_version != 0 && st->server_hello_version < TLS1_2_VERSION)
        set_text(r->server_version, sizeof r->server_version, "%s",
                 version_name(st->server_hello_version));
    peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL && SSL_get_peer_cert_chain(ssl) != NULL &&
        sk_X509_num(SSL_get_peer_cert_chain(ssl)) > 0)
        peer = sk_X509_value(SSL_get_peer_cert_chain(ssl), 0); /* verification failed */
    if (peer != NULL) {
        name_text(X509_get_subject_name(peer), r->peer_subject, sizeof r->peer_subject);
        san_text(peer, r->peer_names, sizeof r->peer_names);
        mongouri__asn1_time_text(X509_get0_notAfter(peer), r->peer_not_after,
                                 sizeof r->peer_not_after);
    }
    r->verify_error = st->verify_error != 0 ? st->verify_error : (int)SSL_get_verify_result(ssl);
    r->verify_depth = st->verify_error != 0 ? st->verify_depth : -1;
    set_text(r->verify_subject, sizeof r->verify_subject, "%s", st->verify_subject);
    r->alert_received = st->alert_received;
    r->alert_sent = st->alert_sent;
    e = ERR_peek_error();
    if (e != 0) {
        const char *txt = ERR_reason_error_string(e);

        reason = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
        if (txt != NULL)
            set_text(r->openssl_error, sizeof r->openssl_error, "%s", txt);
        else
            ERR_error_string_n(e, r->openssl_error, sizeof r->openssl_error);
    }
    if (cs->revocation == MONGOURI_REVOCATION_CRL && st->rev == MONGOURI__REV_UNCHECKED &&
        finished && cs->verify_certificates) {
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        set_text(r->revocation_status, sizeof r->revocation_status, "good");
        set_text(r->revocation_detail, sizeof r->revocation_detail, "not revoked per tlsCRLFile %s",
                 cs->crl_file);
    } else {
        r->revocation_source = st->rev_source;
        set_text(r->revocation_status, sizeof r->revocation_status, "%s",
                 st->rev == MONGOURI__REV_GOOD      ? "good"
                 : st->rev == MONGOURI__REV_REVOKED ? "revoked"
                 : st->rev == MONGOURI__REV_UNKNOWN ? "unknown"
                                                    : "");
        if (st->rev == MONGOURI__REV_REVOKED)
            set_text(r->revocation_reason, sizeof r->revocation_reason, "%s",
                     mongouri__crl_reason_name(st->rev_reason));
        set_text(r->revocation_detail, sizeof r->revocation_detail, "%s", st->rev_detail);
    }

    if (cs->revocation == MONGOURI_REVOCATION_CRL && is_crl_error(r->verify_error)) {
        /* The CRL check ran and could not conclude: say so, not "not-checked". */
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        set_text(r->revocation_detail, sizeof r->revocation_detail, "tlsCRLFile %s: %s",
                 cs->crl_file != NULL ? cs->crl_file : "",
                 X509_verify_cert_error_string(r->verify_error));
    }
    ssl_err = ret > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, ret);
    if (ssl_err == SSL_ERROR_NONE && finished) {
        if (cs->revocation == MONGOURI_REVOCATION_CRL && r->revocation_detail[0] != '\0') {
            mongouri__tls_ssl_state tmp = *st;

            set_text(tmp.rev_detail, sizeof tmp.rev_detail, "%s", r->revocation_detail);
            describe_success(&tmp, cs, ssl, r);
        } else {
            describe_success(st, cs, ssl, r);
        }
        r->verify_error = cs->verify_certificates ? 0 : r->verify_error;
        r->category = MONGOURI_TLS_OK;
        return r->category;
    }
    if (ssl_err == SSL_ERROR_WANT_READ || ssl_err == SSL_ERROR_WANT_WRITE) {
        set_text(r->detail, sizeof r->detail, "the handshake is not finished (waiting for the %s)",
                 ssl_err == SSL_ERROR_WANT_READ ? "server" : "network");
        set_text(r->hint, sizeof r->hint,
                 "Is TLS enabled on the server, on this port? A server without TLS never "
                 "answers the client's hello.");
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        return r->category;
    }

    /* Our own revocation verdict ends the handshake with "invalid status response". */
    if (st->rev == MONGOURI__REV_REVOKED || st->rev == MONGOURI__REV_STAPLE_INVALID ||
        st->rev == MONGOURI__REV_MUST_STAPLE_MISSING) {
        if (st->rev_source == MONGOURI_TLS_REV_CRL) {
            cat = classify_verify(st, cs, r);
        } else {
            cat = classify_revocation(st, r);
        }
    } else if (cs->verify_certificates && st->verify_error != 0) {
        cat = classify_verify(st, cs, r);
    } else if (st->alert_received >= 0) {
        cat = classify_alert(st, cs, ssl, r);
    } else if (is_protocol_reason(reason)) {
        set_text(r->detail, sizeof r->detail, "the client offers %s; the server %s (%s)",
                 r->versions_offered,
                 r->server_version[0] != '\0' ? "answered with an older version"
                                              : "chose a version the client refuses",
                 r->openssl_error);
        if (r->server_version[0] != '\0') {
            size_t n = strlen(r->detail);

            set_text(r->detail + n, sizeof r->detail - n, "; the server speaks %s",
                     r->server_version);
        }
        set_text(r->hint, sizeof r->hint,
                 "The server speaks only older TLS versions; TLS 1.2 is the minimum. Enable "
                 "TLS 1.2 or 1.3 on the server.");
        cat = MONGOURI_TLS_PROTOCOL_VERSION;
    } else if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
               reason == SSL_R_RECORD_LENGTH_MISMATCH) {
        set_text(r->detail, sizeof r->detail, "the server did not answer with TLS (%s)",
                 r->openssl_error);
        set_text(r->hint, sizeof r->hint,
                 "This port does not speak TLS: enable TLS on the server (net.tls.mode), or "
                 "connect without tls=true.");
        cat = MONGOURI_TLS_HANDSHAKE_FAILED;
    } else if (ssl_err == SSL_ERROR_SYSCALL || ssl_err == SSL_ERROR_ZERO_RETURN ||
               reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        if (st->certificate_requested && !cs->has_client_certificate) {
            set_text(r->detail, sizeof r->detail,
                     "the server asked for a client certificate, none was sent, and it closed "
                     "the connection");
            set_text(r->hint, sizeof r->hint,
                     "Give the client certificate and its key with tlsCertificateKeyFile.");
            cat = MONGOURI_TLS_CLIENT_CERTIFICATE;
        } else {
            set_text(r->detail, sizeof r->detail,
                     "the server closed the connection during the handshake%s%s",
                     r->openssl_error[0] != '\0' ? " (" : "", r->openssl_error);
            if (r->openssl_error[0] != '\0')
                strncat(r->detail, ")", sizeof r->detail - strlen(r->detail) - 1);
            set_text(r->hint, sizeof r->hint,
                     "Is TLS enabled on the server, on this port? Check the server's log for "
                     "why it dropped the connection.");
            cat = MONGOURI_TLS_HANDSHAKE_FAILED;
        }
    } else {
        set_text(r->detail, sizeof r->detail, "TLS handshake failed: %s",
                 r->openssl_error[0] != '\0' ? r->openssl_error : "unknown error");
        set_text(r->hint, sizeof r->hint, "Check the server's TLS configuration and log.");
        cat = MONGOURI_TLS_HANDSHAKE_FAILED;
    }
    r->category = cat;
    return cat;
}

/* ------------------------------------------------------------------------ */
/* The probe                                                                 */
/* ------------------------------------------------------------------------ */

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - mongouri__now_ms();

    return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* A TCP connection to host:port, or -1 with `why` filled. */
static int tcp_connect(const char *host, uint16_t port, int64_t deadline, char *why, size_t cap)
{
    mongouri__net_job job;
    char port_text[8];
    int fd = -1;

    snprintf(port_text, sizeof port_text, "%u", (unsigned)port);
    mongouri__net_job_init(&job, host, port_text);
    mongouri__net_run(&job, 1, deadline, NULL, NULL);
    if (job.state == MONGOURI__NET_DONE) {
        fd = job.fd;
        job.fd = -1;
    } else {
        snprintf(why, cap, "%s", job.error);
    }
    mongouri__net_job_clear(&job);
    return fd;
}

/* A connection to the Unix domain socket `path` (non-blocking afterwards), or -1. */
static int unix_connect(const char *path, char *why, size_t cap)
{
    struct sockaddr_un a;
    int fd, flags;

    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        snprintf(why, cap, "the Unix socket path %.60s... is longer than %zu bytes", path,
                 sizeof a.sun_path - 1);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(why, cap, "cannot connect to the Unix socket %.100s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        snprintf(why, cap, "cannot use the Unix socket %.100s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static bool wait_fd(int fd, bool for_write, int timeout_ms)
{
    struct pollfd p;

    p.fd = fd;
    p.events = for_write ? POLLOUT : POLLIN;
    p.revents = 0;
    return poll(&p, 1, timeout_ms) > 0;
}

/* SSL_connect on a non-blocking socket until done, failed or past the deadline. */
static int handshake(SSL *ssl, int fd, int64_t deadline, bool *timed_out)
{
    *timed_out = false;
    for (;;) {
        int ret = SSL_connect(ssl), e;

        if (ret == 1)
            return ret;
        e = SSL_get_error(ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return ret;
        if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, remaining_ms(deadline))) {
            *timed_out = true;
            return ret;
        }
    }
}

/*
 * After the handshake: a MongoDB "hello" (OP_MSG, opcode 2013) with the
 * document {hello: 1, $db: "admin"}, written out by hand (little-endian).
 */
#define HELLO_REQUEST_ID 0x6d6f6e67 /* "mong" */
static const unsigned char hello_msg[] = {
    52,   0,    0,    0,                               /* messageLength */
    0x67, 0x6e, 0x6f, 0x6d,                            /* requestID = HELLO_REQUEST_ID */
    0,    0,    0,    0,                               /* responseTo */
    0xdd, 0x07, 0,    0,                               /* opCode 2013: OP_MSG */
    0,    0,    0,    0,                               /* flagBits */
    0,                                                 /* section kind 0: body */
    31,   0,    0,    0,                               /* BSON document length */
    0x10, 'h',  'e',  'l',  'l', 'o', 0, 1, 0, 0,   0, /* hello: int32 1 */
    0x02, '$',  'd',  'b',  0,   6,   0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0, /* $db: "admin" */
    0                                                                      /* end of document */
};

typedef enum after_outcome {
    AFTER_REPLY = 0,   /* a MongoDB reply to hello */
    AFTER_OTHER_REPLY, /* bytes that are no MongoDB reply */
    AFTER_NO_REPLY,    /* nothing within the wait (TLS accepted, server silent) */
    AFTER_CLOSED,      /* the server closed the connection */
    AFTER_REFUSED      /* an alert: the server refused us after all */
} after_outcome;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * With TLS 1.3 a server refuses a missing or untrusted client certificate
 * only after SSL_connect succeeded. Send hello and read until the answer
 * decides: a reply (the server accepted us: an alert would have come
 * first, the stream is ordered), an alert, the end of the connection. A
 * TLS 1.3 server that asked for a certificate has processed our Finished
 * when its session ticket arrives; until then (or an alert, or a reply) we
 * wait up to the deadline, however slow the server; then, as after any
 * other handshake, up to `reply_ms` for the reply. `*fail_ret` is
 * the SSL_read result to diagnose after AFTER_REFUSED.
 */
static after_outcome after_handshake(SSL *ssl, int fd, int64_t deadline, int reply_ms,
                                     int *fail_ret, bool *close_notify, size_t *got_out)
{
    const mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);
    bool need_ack = st != NULL && st->certificate_requested && SSL_version(ssl) == TLS1_3_VERSION &&
                    !st->ticket_received;
    int64_t until = need_ack ? deadline : mongouri__now_ms() + reply_ms;
    unsigned char head[16];
    size_t got = 0, sent = 0;

    *close_notify = false;
    *got_out = 0;
    if (until > deadline)
        until = deadline;
    while (sent < sizeof hello_msg) {
        int w, e;

        ERR_clear_error();
        w = SSL_write(ssl, hello_msg + sent, (int)(sizeof hello_msg - sent));
        if (w > 0) {
            sent += (size_t)w;
            continue;
        }
        e = SSL_get_error(ssl, w);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, remaining_ms(until)))
                return AFTER_NO_REPLY;
            continue;
        }
        break; /* the read below tells why (alert, close) */
    }
    for (;;) {
        unsigned char buf[512];
        int ret, e;

        ERR_clear_error();
        ret = SSL_read(ssl, buf, sizeof buf);
        if (ret > 0) {
            size_t take = (size_t)ret < sizeof head - got ? (size_t)ret : sizeof head - got;

            memcpy(head + got, buf, take);
            got += take;
            *got_out += (size_t)ret;
            if (got == sizeof head) {
                uint32_t len = le32(head), to = le32(head + 8), op = le32(head + 12);

                return to == HELLO_REQUEST_ID && (op == 2013 || op == 1) && len >= 16 &&
                               len <= 48u * 1024 * 1024
                           ? AFTER_REPLY
                           : AFTER_OTHER_REPLY;
            }
            continue;
        }
        e = SSL_get_error(ssl, ret);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (need_ack && st->ticket_received) {
                need_ack = false; /* accepted: now only the reply is awaited */
                until = mongouri__now_ms() + reply_ms;
                if (until > deadline)
                    until = deadline;
            }
            if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, remaining_ms(until)))
                return got > 0 ? AFTER_OTHER_REPLY : AFTER_NO_REPLY;
            continue;
        }
        if (e == SSL_ERROR_SSL && st != NULL && st->alert_received >= 0) {
            *fail_ret = ret;
            return AFTER_REFUSED;
        }
        *close_notify = e == SSL_ERROR_ZERO_RETURN;
        ERR_clear_error();
        return AFTER_CLOSED;
    }
}

/* What happened after a good handshake, appended to the success detail. */
static void describe_after(mongouri_tls_report *r, after_outcome o, bool close_notify, size_t got,
                           int waited_ms)
{
    size_t n = strlen(r->detail);

    switch (o) {
    case AFTER_REPLY:
        set_text(r->detail + n, sizeof r->detail - n, "; MongoDB answered hello");
        break;
    case AFTER_OTHER_REPLY:
        set_text(r->detail + n, sizeof r->detail - n,
                 "; TLS ok, but the answer to hello (%zu bytes) is not a MongoDB reply", got);
        set_text(r->hint, sizeof r->hint,
                 "The server speaks TLS but not the MongoDB protocol: check the host and port.");
        break;
    case AFTER_NO_REPLY:
        set_text(r->detail + n, sizeof r->detail - n,
                 "; TLS ok, no MongoDB reply to hello within %d ms", waited_ms);
        set_text(r->hint, sizeof r->hint,
                 "The server accepted the TLS connection but did not answer a MongoDB hello: "
                 "is it a MongoDB server (or a proxy in front of one)?");
        break;
    case AFTER_CLOSED:
        set_text(r->detail + n, sizeof r->detail - n,
                 "; TLS handshake ok, then the server closed the connection %s, without "
                 "answering hello",
                 close_notify ? "(close_notify)" : "without close_notify");
        set_text(r->hint, sizeof r->hint,
                 "The server ended the connection right after the handshake: check its log "
                 "(connection limits, client certificate policy, a proxy).");
        break;
    case AFTER_REFUSED:
        break;
    }
}

/*
 * The server refused every cipher or group offered: connect once more
 * offering all that OpenSSL knows (no certificate check, nothing is sent
 * over it) and say what the server picks.
 */
static void learn_server_choice(const char *host, uint16_t port, bool unix_path, int64_t deadline,
                                mongouri_tls_report *r)
{
    char why[160];
    int fd = unix_path ? unix_connect(host, why, sizeof why)
                       : tcp_connect(host, port, deadline, why, sizeof why);
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    bool timed_out;
    size_t n = strlen(r->detail);

    if (fd < 0)
        return;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        goto out;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
                                  "TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:"
                                  "TLS_AES_128_CCM_8_SHA256");
    if (!SSL_CTX_set1_groups_list(ctx, "x25519:secp256r1:x448:secp521r1:secp384r1:secp224r1:"
                                       "secp192r1:brainpoolP256r1:brainpoolP384r1:"
                                       "brainpoolP512r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:"
                                       "ffdhe8192"))
        ERR_clear_error();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd))
        goto out;
    if (!unix_path && !is_ip_literal(host))
        SSL_set_tlsext_host_name(ssl, host);
    if (handshake(ssl, fd, deadline, &timed_out) == 1) {
        const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
        int g = SSL_get_negotiated_group(ssl);
        const char *gname = g != 0 ? SSL_group_to_name(ssl, g) : NULL;

        set_text(r->detail + n, sizeof r->detail - n,
                 "; offered every cipher and group, the server picks %s%s%s (%s)",
                 c != NULL ? SSL_CIPHER_get_name(c) : "?", gname != NULL ? " with group " : "",
                 gname != NULL ? gname : "", SSL_get_version(ssl));
    } else if (!timed_out) {
        set_text(r->detail + n, sizeof r->detail - n,
                 "; offered every cipher and group OpenSSL knows, the server still refuses");
    }
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    ERR_clear_error();
}

/* Find out which older version a server speaks, for the protocol-version detail. */
static void learn_server_version(const char *host, uint16_t port, int64_t deadline,
                                 mongouri_tls_report *r)
{
    char why[160];
    int fd = tcp_connect(host, port, deadline, why, sizeof why);
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    bool timed_out;

    if (fd < 0)
        return;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        goto out;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd))
        goto out;
    if (handshake(ssl, fd, deadline, &timed_out) == 1)
        set_text(r->server_version, sizeof r->server_version, "%s", SSL_get_version(ssl));
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    ERR_clear_error();
}

/* The category of a file problem found before connecting. */
static void file_category(const mongouri_error *ferr, mongouri_tls_report *r)
{
    bool ca = strcmp(ferr->option, "tlsCAFile") == 0;

    if (strncmp(ferr->option, "tlsCertificateKeyFile", 21) == 0)
        r->category = MONGOURI_TLS_CLIENT_CERTIFICATE;
    else if (ca && ferr->code == MONGOURI_D_CERT_EXPIRED)
        r->category = MONGOURI_TLS_EXPIRED;
    else if (ca && ferr->code == MONGOURI_D_CERT_NOT_YET_VALID)
        r->category = MONGOURI_TLS_NOT_YET_VALID;
    else if (ca && (ferr->code == MONGOURI_D_NOT_CA || ferr->code == MONGOURI_D_TRUST_STORE_EMPTY))
        r->category = MONGOURI_TLS_UNKNOWN_CA;
    else
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
    if (strcmp(ferr->option, "tlsCRLFile") == 0) {
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        set_text(r->revocation_detail, sizeof r->revocation_detail, "not checked: %s (%s)",
                 mongouri_diag_name(ferr->code), ferr->message);
    }
}

static mongouri_status probe_fail(mongouri_tls_report *r, mongouri_error *err,
                                  mongouri_status status, mongouri_diag code, int64_t start)
{
    r->elapsed_ms = (long)(mongouri__now_ms() - start);
    mongouri__error_set(err, status, code, NULL, -1, 0, "%s: %s",
                        mongouri_tls_category_name(r->category), r->detail);
    mongouri__error_hint(err, "%s", r->hint);
    return status;
}

static mongouri_status probe_settings(const mongouri_tls_settings *tls,
                                      const mongouri_tls_options *opts, const char *host,
                                      uint16_t port, int timeout_ms, mongouri_tls_report *report,
                                      mongouri_error *err);

/*
 * A write to a connection the server has closed raises SIGPIPE, which would
 * end the caller's process: the probe blocks it on its thread and discards
 * one it caused.
 */
mongouri_status mongouri_tls_probe_settings(const mongouri_tls_settings *tls,
                                            const mongouri_tls_options *opts, const char *host,
                                            uint16_t port, int timeout_ms,
                                            mongouri_tls_report *report, mongouri_error *err)
{
    sigset_t pipe_set, old, pending;
    bool pending_before;
    mongouri_status st;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    pending_before = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    st = probe_settings(tls, opts, host, port, timeout_ms, report, err);
    sigpending(&pending);
    if (!pending_before && sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = {0, 0};

        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

static mongouri_status probe_settings(const mongouri_tls_settings *tls,
                                      const mongouri_tls_options *opts, const char *host,
                                      uint16_t port, int timeout_ms, mongouri_tls_report *report,
                                      mongouri_error *err)
{
    int64_t start = mongouri__now_ms(), deadline;
    mongouri_tls_report scratch;
    mongouri_tls_report *r = report != NULL ? report : &scratch;
    mongouri_tls_options o;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    char name[256], why[160] = "";
    int fd = -1, ret;
    bool timed_out, unix_path;
    mongouri_status st;

    report_init(r);
    mongouri__error_clear(err);
    if (tls == NULL || host == NULL || host[0] == '\0')
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_probe needs settings and a host");
    st = options_load(&o, opts, err);
    if (st != MONGOURI_OK)
        return st;
    deadline = start + (timeout_ms > 0 ? timeout_ms : PROBE_TIMEOUT_MS_DEFAULT);
    host_copy(name, sizeof name, host);
    /* A Unix domain socket: the server is this machine, its certificate must name localhost. */
    unix_path = name[0] == '/' || strstr(name, ".sock") != NULL;
    set_text(r->expected_name, sizeof r->expected_name, "%s", unix_path ? "localhost" : name);
    ERR_clear_error();

    if (mongouri_tls_enabled(tls)) {
        mongouri_error ferr;

        if (check_files(tls, true, &ferr) != MONGOURI_OK) {
            file_category(&ferr, r);
            set_text(r->detail, sizeof r->detail, "%s", ferr.message);
            set_text(r->hint, sizeof r->hint, "%s", ferr.hint);
            r->elapsed_ms = (long)(mongouri__now_ms() - start);
            if (ferr.code == MONGOURI_D_TRUST_STORE_EMPTY) {
                /* No file of the user's is at fault: no CA can be trusted at all. */
                static const char lead[] = "no tlsCAFile, and the system trust store is empty: ";
                const char *what = strncmp(ferr.message, lead, sizeof lead - 1) == 0
                                       ? ferr.message + sizeof lead - 1
                                       : ferr.message;

                set_text(r->detail, sizeof r->detail,
                         "no server can be verified: trusted CAs: the system store, which is "
                         "empty (%s)",
                         what);
                return probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TRUST_STORE_EMPTY, start);
            }
            if (err != NULL)
                *err = ferr;
            return MONGOURI_E_FILE;
        }
    }

    fd = unix_path ? unix_connect(name, why, sizeof why)
                   : tcp_connect(name, port, deadline, why, sizeof why);
    if (fd < 0) {
        r->category = MONGOURI_TLS_CONNECT_FAILED;
        set_text(r->detail, sizeof r->detail, "%s", why);
        set_text(r->hint, sizeof r->hint, "%s",
                 unix_path ? "Check the socket path and that the server is running and "
                             "listening on it (net.unixDomainSocket)."
                           : "Check the host and port, that the server is running, and that no "
                             "firewall blocks the port.");
        return probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_CONNECT, start);
    }
    if (!mongouri_tls_enabled(tls)) {
        if (unix_path)
            set_text(r->detail, sizeof r->detail, "connection to the Unix socket %s; TLS is off",
                     name);
        else
            set_text(r->detail, sizeof r->detail, "TCP connection to %s port %u; TLS is off", name,
                     (unsigned)port);
        r->elapsed_ms = (long)(mongouri__now_ms() - start);
        close(fd);
        return MONGOURI_OK;
    }

    if (o.ocsp_timeout_ms > remaining_ms(deadline))
        o.ocsp_timeout_ms = remaining_ms(deadline) > 0 ? remaining_ms(deadline) : 1;
    st = mongouri_tls_ctx_new(&ctx, tls, &o, err);
    if (st != MONGOURI_OK) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        set_text(r->detail, sizeof r->detail, "%s",
                 err != NULL ? err->message : "TLS set-up failed");
        r->elapsed_ms = (long)(mongouri__now_ms() - start);
        close(fd);
        return st;
    }
    ssl = SSL_new(ctx);
    if (ssl == NULL ||
        mongouri_tls_ssl_prepare(ssl, unix_path ? "localhost" : name, err) != MONGOURI_OK ||
        !SSL_set_fd(ssl, fd)) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        set_text(r->detail, sizeof r->detail, "cannot set up the TLS connection");
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP, start);
        goto out;
    }
    /* The OCSP responders leave the handshake its share of the deadline. */
    mongouri__tls_ssl_state_get(ssl)->deadline_ms = deadline;
    ERR_clear_error();
    {
        int64_t t0 = mongouri__now_ms();

        ret = handshake(ssl, fd, deadline, &timed_out);
        if (ret == 1) {
            int64_t took = mongouri__now_ms() - t0;
            int64_t reply_wait = PROBE_REPLY_MIN_MS + took * 2;
            bool close_notify;
            size_t got;
            int fail_ret = 1;
            after_outcome o;

            if (reply_wait > remaining_ms(deadline))
                reply_wait = remaining_ms(deadline);
            /* What the handshake showed, before the exchange changes the state. */
            mongouri_tls_diagnose(ssl, 1, r);
            o = after_handshake(ssl, fd, deadline, (int)reply_wait, &fail_ret, &close_notify, &got);
            if (o == AFTER_REFUSED) {
                ret = fail_ret;
            } else {
                describe_after(r, o, close_notify, got, (int)reply_wait);
                if (unix_path) {
                    size_t n = strlen(r->detail);

                    set_text(r->detail + n, sizeof r->detail - n,
                             "; over the Unix socket %s (certificate checked against localhost)",
                             name);
                }
                r->elapsed_ms = (long)(mongouri__now_ms() - start);
                st = MONGOURI_OK;
                goto out;
            }
        }
    }
    if (timed_out) {
        mongouri_tls_diagnose(ssl, ret, r);
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        set_text(r->detail, sizeof r->detail, "no TLS answer from %s port %u within %d ms", name,
                 (unsigned)port, timeout_ms > 0 ? timeout_ms : PROBE_TIMEOUT_MS_DEFAULT);
        set_text(r->hint, sizeof r->hint,
                 "Is TLS enabled on the server, on this port? A server without TLS never "
                 "answers the client's hello.");
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_HANDSHAKE, start);
        goto out;
    }
    mongouri_tls_diagnose(ssl, ret, r);
    if (r->category == MONGOURI_TLS_HANDSHAKE_FAILED &&
        (r->alert_received == 40 || r->alert_received == 71) &&
        strstr(r->detail, "no cipher suite or key exchange group in common") != NULL) {
        int64_t until = mongouri__now_ms() + 2000;

        SSL_free(ssl);
        ssl = NULL;
        close(fd);
        fd = -1;
        learn_server_choice(name, port, unix_path, until < deadline ? until : deadline, r);
    }
    if (r->category == MONGOURI_TLS_PROTOCOL_VERSION && r->server_version[0] == '\0') {
        int64_t until = mongouri__now_ms() + 2000;

        /* Many servers serve one connection at a time: end this one first. */
        SSL_free(ssl);
        ssl = NULL;
        close(fd);
        fd = -1;

        learn_server_version(name, port, until < deadline ? until : deadline, r);
        if (r->server_version[0] != '\0') {
            size_t n = strlen(r->detail);

            set_text(r->detail + n, sizeof r->detail - n, "; the server speaks %s",
                     r->server_version);
        }
    }
    if (r->category != MONGOURI_TLS_OK) {
        st = probe_fail(r, err, MONGOURI_E_TLS, MONGOURI_D_TLS_HANDSHAKE, start);
        goto out;
    }
    r->elapsed_ms = (long)(mongouri__now_ms() - start);
    st = MONGOURI_OK;
out:
    if (ssl != NULL && r->category == MONGOURI_TLS_OK)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    if (fd >= 0)
        close(fd);
    ERR_clear_error();
    return st;
}

mongouri_status mongouri_tls_probe(const mongouri_uri *uri, const char *host, uint16_t port,
                                   int timeout_ms, mongouri_tls_report *report, mongouri_error *err)
{
    if (uri == NULL) {
        if (report != NULL) {
            report_init(report);
            report->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        }
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_probe needs a parsed URI");
    }
    return mongouri_tls_probe_settings(mongouri_uri_tls(uri), NULL, host, port, timeout_ms, report,
                                       err);
}
