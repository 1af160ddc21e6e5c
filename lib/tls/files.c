/*
 * The files of the TLS settings, read and decoded: only regular files of
 * a bounded size, every PEM block decoded or an error, the key's password
 * handed over by a callback that never prompts, a failed allocation told
 * apart from a bad file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mongouri/openssl.h"
#include "tls/errors.h"
#include "tls/files.h"
#include "tls/names.h"
#include "error_int.h"
#include "util_int.h"

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
int mongouri__tls_refuse_password_cb(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

void mongouri__tls_free_wiped(unsigned char *buf, size_t len)
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
    return mongouri__tls_file_error(
        err, MONGOURI_D_FILE_UNREADABLE, option,
        S_ISDIR(mode) ? "Name a PEM file, not a directory."
                      : "Name a regular file; pipes, devices and sockets are not "
                        "read.",
        "%s: %s is %s, not a regular file", option, path, file_kind(mode));
}

static mongouri_status too_large(mongouri_error *err, const char *option, const char *path)
{
    return mongouri__tls_file_error(
        err, MONGOURI_D_FILE_UNREADABLE, option,
        "A certificate, key or CRL file is far smaller; check the path.",
        "%s: %s is larger than the limit of %ld bytes (%ld MiB)", option, path,
        (long)MONGOURI_TLS_FILE_MAX_BYTES, (long)(MONGOURI_TLS_FILE_MAX_BYTES / (1024 * 1024)));
}

/*
 * The whole file, for `option`, NUL-terminated (never NULL on success):
 * missing and unreadable are told apart. Only a regular file of at most
 * MONGOURI_TLS_FILE_MAX_BYTES is read: it is opened without blocking (a
 * FIFO would wait for a writer) and checked on the open descriptor, so
 * pipes, devices (/dev/zero), sockets, directories and huge files are
 * refused at once.
 */
mongouri_status mongouri__tls_read_whole(const char *path, const char *option, unsigned char **out,
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
            return mongouri__tls_file_error(
                err, MONGOURI_D_FILE_MISSING, option,
                "Check the path; a relative path is resolved from the working "
                "directory of the process.",
                "%s: %s does not exist", option, path);
        return mongouri__tls_file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
                                        "Check the permissions of the file and of its directories.",
                                        "%s: %s cannot be accessed (%s)", option, path,
                                        strerror(errno));
    }
    if (!S_ISREG(sb.st_mode))
        return not_regular(err, option, path, sb.st_mode);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return mongouri__tls_file_error(
            err, MONGOURI_D_FILE_UNREADABLE, option, "Check the permissions of the file.",
            "%s: %s cannot be read (%s)", option, path, strerror(errno));
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
            mongouri__tls_free_wiped(buf, len);
            return mongouri__tls_file_error(
                err, MONGOURI_D_FILE_UNREADABLE, option, "Check the permissions of the file.",
                "%s: %s cannot be read (%s)", option, path, strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap - 1) { /* it grew while being read */
            close(fd);
            mongouri__tls_free_wiped(buf, len);
            if (len > (size_t)MONGOURI_TLS_FILE_MAX_BYTES)
                return too_large(err, option, path);
            return mongouri__tls_file_error(err, MONGOURI_D_FILE_UNREADABLE, option,
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
mongouri_status mongouri__tls_read_certificates(const unsigned char *buf, size_t len,
                                                const char *path, const char *option,
                                                STACK_OF(X509) * *out, mongouri_error *err)
{
    int blocks = count_tag(buf, len, "-----BEGIN CERTIFICATE-----") +
                 count_tag(buf, len, "-----BEGIN TRUSTED CERTIFICATE-----") +
                 count_tag(buf, len, "-----BEGIN X509 CERTIFICATE-----");
    STACK_OF(X509) *certs = NULL;
    BIO *b = NULL;
    X509 *x;
    mongouri__tls_error_scan es;
    char why[96];

    *out = NULL;
    ERR_clear_error();
    certs = sk_X509_new_null();
    b = len > INT_MAX ? NULL : BIO_new_mem_buf(buf, (int)len);
    if (certs == NULL || b == NULL)
        goto oom;
    while (sk_X509_num(certs) < blocks &&
           (x = PEM_read_bio_X509_AUX(b, NULL, mongouri__tls_refuse_password_cb, NULL)) != NULL) {
        if (!sk_X509_push(certs, x)) {
            X509_free(x);
            goto oom;
        }
    }
    if (sk_X509_num(certs) < blocks) {
        int bad = sk_X509_num(certs) + 1; /* the block that did not decode */

        mongouri__tls_scan_errors(&es);
        if (es.oom)
            goto oom;
        mongouri__tls_error_text(es.first, why, sizeof why);
        BIO_free(b);
        sk_X509_pop_free(certs, X509_free);
        return mongouri__tls_file_error(
            err, MONGOURI_D_FILE_NO_CERTIFICATE, option,
            "Each -----BEGIN CERTIFICATE----- block must hold one certificate "
            "in PEM form.",
            "%s: certificate %d of the %d in %s does not decode (%s)", option, bad, blocks, path,
            why);
    }
    ERR_clear_error();
    BIO_free(b);
    *out = certs;
    return MONGOURI_OK;

oom:
    ERR_clear_error();
    BIO_free(b);
    sk_X509_pop_free(certs, X509_free);
    return mongouri__tls_out_of_memory(err, option, "reading the certificates");
}

mongouri_status mongouri__tls_load_ca_file(const char *path, STACK_OF(X509) * *out,
                                           mongouri_error *err)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    mongouri_status st;

    *out = NULL;
    st = mongouri__tls_read_whole(path, "tlsCAFile", &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    st = mongouri__tls_read_certificates(buf, len, path, "tlsCAFile", out, err);
    mongouri__tls_free_wiped(buf, len);
    if (st != MONGOURI_OK)
        return st;
    if (sk_X509_num(*out) == 0) {
        sk_X509_free(*out);
        *out = NULL;
        return mongouri__tls_file_error(err, MONGOURI_D_FILE_NO_CERTIFICATE, "tlsCAFile",
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

void mongouri__tls_client_identity_clear(mongouri__tls_client_identity *id)
{
    X509_free(id->leaf);
    sk_X509_pop_free(id->chain, X509_free);
    EVP_PKEY_free(id->key);
    memset(id, 0, sizeof *id);
}

mongouri_status mongouri__tls_load_key_file(const char *path, const char *password,
                                            mongouri__tls_client_identity *id, mongouri_error *err)
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
    st = mongouri__tls_read_whole(path, opt, &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    st = mongouri__tls_read_certificates(buf, len, path, opt, &certs, err);
    if (st != MONGOURI_OK)
        goto fail;
    if (sk_X509_num(certs) == 0) {
        st = mongouri__tls_file_error(
            err, MONGOURI_D_FILE_NO_CERTIFICATE, opt,
            "tlsCertificateKeyFile must hold the client certificate and its "
            "private key, both in PEM form, in one file.",
            "%s: %s contains no PEM certificate", opt, path);
        goto fail;
    }
    b = BIO_new_mem_buf(buf, (int)len);
    if (b == NULL) {
        st = mongouri__tls_out_of_memory(err, opt, "reading the private key");
        goto fail;
    }
    ERR_clear_error();
    id->key = PEM_read_bio_PrivateKey(b, NULL, password_cb, &ps);
    if (id->key == NULL) {
        mongouri__tls_error_scan es;

        mongouri__tls_scan_errors(&es);
        if (es.oom && !(ps.asked && password == NULL)) {
            st = mongouri__tls_out_of_memory(err, opt, "reading the private key");
        } else if (ps.asked && password == NULL) {
            ERR_clear_error();
            st = mongouri__tls_file_error(
                err, MONGOURI_D_KEY_NEEDS_PASSWORD, opt,
                "Give the key's password with tlsCertificateKeyFilePassword, or "
                "use an unencrypted key.",
                "%s: the private key in %s is encrypted and no "
                "tlsCertificateKeyFilePassword is given",
                opt, path);
        } else if (ps.asked) {
            mongouri__tls_error_text(es.bad_decrypt != 0 ? es.bad_decrypt : es.first, why,
                                     sizeof why);
            st = mongouri__tls_file_error(
                err, MONGOURI_D_KEY_BAD_PASSWORD, "tlsCertificateKeyFilePassword",
                "Check tlsCertificateKeyFilePassword (in a URI, percent-encode "
                "characters such as @ : / ? # [ ] %).",
                "tlsCertificateKeyFilePassword does not decrypt the private key "
                "in %s (%s)",
                path, why);
        } else if (strstr((const char *)buf, "PRIVATE KEY-----") != NULL) {
            mongouri__tls_error_text(es.first, why, sizeof why);
            st = mongouri__tls_file_error(err, MONGOURI_D_FILE_NO_KEY, opt,
                                          "Write the key in PEM form (PKCS#8 or traditional).",
                                          "%s: the private key in %s cannot be read (%s)", opt,
                                          path, why);
        } else {
            ERR_clear_error();
            st = mongouri__tls_file_error(
                err, MONGOURI_D_FILE_NO_KEY, opt,
                "Concatenate the client certificate and its private key into one "
                "PEM file.",
                "%s: %s contains no private key", opt, path);
        }
        goto fail;
    }
    id->leaf = sk_X509_shift(certs);
    id->chain = certs;
    certs = NULL;
    mongouri__tls_name_text(X509_get_subject_name(id->leaf), subject, sizeof subject);
    ERR_clear_error();
    if (X509_check_private_key(id->leaf, id->key) != 1) {
        int same = same_public_key(X509_get0_pubkey(id->leaf), id->key);

        ERR_clear_error();
        if (same != 0) { /* the check could not run: out of memory */
            st = mongouri__tls_out_of_memory(err, opt, "checking the private key");
            goto fail;
        }
        st = mongouri__tls_file_error(
            err, MONGOURI_D_KEY_MISMATCH, opt,
            "Put the private key that belongs to the certificate in the file.",
            "%s: the private key in %s does not match its certificate (%s)", opt, path, subject);
        goto fail;
    }
    if (X509_cmp_current_time(X509_get0_notAfter(id->leaf)) < 0) {
        mongouri__asn1_time_text(X509_get0_notAfter(id->leaf), when, sizeof when);
        st = mongouri__tls_file_error(
            err, MONGOURI_D_CERT_EXPIRED, opt, "Renew the client certificate.",
            "%s: the client certificate in %s (%s) expired on %s", opt, path, subject, when);
        goto fail;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(id->leaf)) > 0) {
        mongouri__asn1_time_text(X509_get0_notBefore(id->leaf), when, sizeof when);
        st = mongouri__tls_file_error(
            err, MONGOURI_D_CERT_NOT_YET_VALID, opt,
            "Check the clock of this machine, or wait until the certificate is "
            "valid.",
            "%s: the client certificate in %s (%s) is not valid before %s", opt, path, subject,
            when);
        goto fail;
    }
    BIO_free(b);
    mongouri__tls_free_wiped(buf, len);
    return MONGOURI_OK;

fail:
    ERR_clear_error();
    BIO_free(b);
    sk_X509_pop_free(certs, X509_free);
    mongouri__tls_client_identity_clear(id);
    mongouri__tls_free_wiped(buf, len);
    return st;
}

/*
 * Every CRL of tlsCRLFile, PEM (any number, each block must decode) or
 * DER (one). A failed allocation is MONGOURI_E_NOMEM, never fewer CRLs.
 */
mongouri_status mongouri__tls_load_crl_file(const char *path, STACK_OF(X509_CRL) * *out,
                                            mongouri_error *err)
{
    const char *opt = "tlsCRLFile";
    unsigned char *buf = NULL;
    size_t len = 0;
    STACK_OF(X509_CRL) *crls = NULL;
    mongouri_status st;
    mongouri__tls_error_scan es;
    char why[160] = "no CRL found";
    bool pem;

    *out = NULL;
    st = mongouri__tls_read_whole(path, opt, &buf, &len, err);
    if (st != MONGOURI_OK)
        return st;
    crls = sk_X509_CRL_new_null();
    if (crls == NULL || len > INT_MAX) {
        free(buf);
        sk_X509_CRL_free(crls);
        return mongouri__tls_out_of_memory(err, opt, "reading the CRLs");
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
               (crl = PEM_read_bio_X509_CRL(b, NULL, mongouri__tls_refuse_password_cb, NULL)) !=
                   NULL) {
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

            mongouri__tls_scan_errors(&es);
            if (es.oom)
                goto oom;
            mongouri__tls_error_text(es.first, reason, sizeof reason);
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

            mongouri__tls_scan_errors(&es);
            if (es.oom)
                goto oom;
            mongouri__tls_error_text(es.first, reason, sizeof reason);
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
        return mongouri__tls_file_error(
            err, MONGOURI_D_CRL_UNPARSEABLE, opt,
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
    return mongouri__tls_out_of_memory(err, opt, "reading the CRLs");
}
