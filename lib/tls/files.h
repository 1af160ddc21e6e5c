/*
 * Loading the files of the TLS settings: tlsCAFile, tlsCertificateKeyFile
 * (with its password) and tlsCRLFile, each read whole, strictly, with an
 * exact diagnosis (MONGOURI_E_FILE) of what is wrong with it.
 */
#ifndef MONGOURI_TLS_FILES_H
#define MONGOURI_TLS_FILES_H

#include <stddef.h>

#include <openssl/x509.h>

#include "mongouri/mongouri.h"

/* A pem_password_cb that refuses: OpenSSL never falls back to a prompt. */
int mongouri__tls_refuse_password_cb(char *buf, int size, int rwflag, void *u);

/* The whole regular file `path` (for `option`), NUL-terminated; freed with _free_wiped. */
mongouri_status mongouri__tls_read_whole(const char *path, const char *option, unsigned char **out,
                                         size_t *out_len, mongouri_error *err);
/* Wipe `len` bytes of `buf`, then free it (NULL is fine). */
void mongouri__tls_free_wiped(unsigned char *buf, size_t len);

/* Every certificate of the PEM text buf[0..len) into `*out` (may be empty). */
mongouri_status mongouri__tls_read_certificates(const unsigned char *buf, size_t len,
                                                const char *path, const char *option,
                                                STACK_OF(X509) * *out, mongouri_error *err);

/* The certificates of tlsCAFile `path`: at least one. */
mongouri_status mongouri__tls_load_ca_file(const char *path, STACK_OF(X509) * *out,
                                           mongouri_error *err);

/* The certificate (+chain) and private key of tlsCertificateKeyFile. */
typedef struct mongouri__tls_client_identity {
    X509 *leaf;
    STACK_OF(X509) * chain;
    EVP_PKEY *key;
} mongouri__tls_client_identity;

/* The identity of tlsCertificateKeyFile `path`: a key that matches a current certificate. */
mongouri_status mongouri__tls_load_key_file(const char *path, const char *password,
                                            mongouri__tls_client_identity *id, mongouri_error *err);
void mongouri__tls_client_identity_clear(mongouri__tls_client_identity *id);

/* The CRLs of tlsCRLFile `path`: at least one. */
mongouri_status mongouri__tls_load_crl_file(const char *path, STACK_OF(X509_CRL) * *out,
                                            mongouri_error *err);

#endif /* MONGOURI_TLS_FILES_H */
