/*
 * The context: mongouri_tls_ctx_new() turns normalized TLS settings into a
 * client SSL_CTX (TLS 1.2 minimum, the trust store, the client identity,
 * revocation) that carries its state and refuses unprepared SSLs.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "mongouri/openssl.h"
#include "tls/callbacks.h"
#include "tls/errors.h"
#include "tls/files.h"
#include "tls/ocsp.h"
#include "tls/ocsp_cache.h"
#include "tls/state.h"
#include "error_int.h"

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
static bool key_too_small_but_is_not(SSL_CTX *ctx, const mongouri__tls_error_scan *es,
                                     EVP_PKEY *key)
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
    mongouri__tls_error_scan es;
    char why[96];

    mongouri__tls_scan_errors(&es);
    if (es.oom)
        return mongouri__tls_out_of_memory(err, option, "filling the trust store");
    mongouri__tls_error_text(es.first, why, sizeof why);
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
        st = mongouri__tls_read_whole(file, "tlsCAFile", &buf, &len, err);
        if (st == MONGOURI_OK) {
            st = mongouri__tls_read_certificates(buf, len, file, "tlsCAFile", &certs, err);
            mongouri__tls_free_wiped(buf, len);
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
        mongouri__tls_error_scan es;

        mongouri__tls_scan_errors(&es);
        if (es.oom)
            return mongouri__tls_out_of_memory(err, NULL, "setting up the system trust store");
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
    mongouri__tls_client_identity id = {NULL, NULL, NULL};
    const char *ca, *key, *crl;
    mongouri_status st;
    int i;

    if (out != NULL)
        *out = NULL;
    mongouri__error_clear(err);
    if (out == NULL || tls == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "mongouri_tls_ctx_new needs an out-pointer and settings");
    st = mongouri__tls_options_load(&o, opts, err);
    if (st != MONGOURI_OK)
        return st;
    if (!mongouri__tls_state_indexes_ready())
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
    if (!mongouri__tls_ctx_state_attach(ctx, cs)) {
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
    SSL_CTX_set_default_passwd_cb(ctx, mongouri__tls_refuse_password_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    store = SSL_CTX_get_cert_store(ctx);

    /* Trust: tlsCAFile, or the system store; every certificate or none. */
    if (ca != NULL) {
        st = mongouri__tls_load_ca_file(ca, &cas, err);
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
        st = mongouri__tls_load_key_file(key, mongouri_tls_certificate_key_file_password(tls), &id,
                                         err);
        if (st != MONGOURI_OK)
            goto fail;
        ERR_clear_error();
        if (!SSL_CTX_use_cert_and_key(ctx, id.leaf, id.key, id.chain, 1)) {
            char why[128];
            mongouri__tls_error_scan es;

            mongouri__tls_scan_errors(&es);
            if (es.oom || key_too_small_but_is_not(ctx, &es, id.key)) {
                st = mongouri__tls_out_of_memory(err, "tlsCertificateKeyFile",
                                                 "using the client certificate");
                goto fail;
            }
            mongouri__tls_error_text(es.first, why, sizeof why);
            st = mongouri__error_set(err, MONGOURI_E_TLS, MONGOURI_D_TLS_SETUP,
                                     "tlsCertificateKeyFile", -1, 0,
                                     "cannot use the client certificate of %s (%s)", key, why);
            goto fail;
        }
        cs->has_client_certificate = true;
    }

    /* Revocation. */
    if (cs->revocation == MONGOURI_REVOCATION_CRL) {
        st = mongouri__tls_load_crl_file(crl, &crls, err);
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
        cs->cache_free = mongouri__ocsp_cache_free;
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
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, mongouri__tls_verify_cb);
    if (!mongouri__tls_install_prepare_guard(ctx)) {
        st = mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                 "cannot install the handshake guard");
        goto fail;
    }

    sk_X509_pop_free(cas, X509_free);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    mongouri__tls_client_identity_clear(&id);
    ERR_pop_to_mark();
    *out = ctx;
    return MONGOURI_OK;

fail:
    if (ctx == NULL || mongouri__tls_ctx_state_get(ctx) != cs)
        mongouri__tls_ctx_state_free(cs);
    sk_X509_pop_free(cas, X509_free);
    sk_X509_CRL_pop_free(crls, X509_CRL_free);
    mongouri__tls_client_identity_clear(&id);
    SSL_CTX_free(ctx);
    ERR_pop_to_mark();
    return st;
}
