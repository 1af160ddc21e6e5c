/*
 * The per-context and per-connection state, kept as OpenSSL ex_data of the
 * SSL_CTX and of the SSL, and the applicator's versioned options.
 */
#include <pthread.h>
#include <stdlib.h>

#include "tls/state.h"
#include "util_int.h"
#include "opts_int.h"

static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static int ctx_index = -1;
static int ssl_index = -1;

void mongouri__tls_ctx_state_free(mongouri__tls_ctx_state *cs)
{
    if (cs == NULL)
        return;
    free(cs->ca_file);
    free(cs->crl_file);
    free(cs->verify_certificates_source);
    free(cs->verify_hostnames_source);
    if (cs->cache != NULL && cs->cache_free != NULL)
        cs->cache_free(cs->cache);
    free(cs);
}

static void ctx_state_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                           void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    mongouri__tls_ctx_state_free(ptr);
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

bool mongouri__tls_state_indexes_ready(void)
{
    pthread_once(&index_once, index_init);
    return ctx_index >= 0 && ssl_index >= 0;
}

bool mongouri__tls_ctx_state_attach(SSL_CTX *ctx, mongouri__tls_ctx_state *cs)
{
    return mongouri__tls_state_indexes_ready() && SSL_CTX_set_ex_data(ctx, ctx_index, cs);
}

bool mongouri__tls_ssl_state_attach(SSL *ssl, mongouri__tls_ssl_state *st)
{
    return mongouri__tls_state_indexes_ready() && SSL_set_ex_data(ssl, ssl_index, st);
}

/* Options */

mongouri_status mongouri_tls_options_init(mongouri_tls_options *opts, unsigned int version)
{
    const mongouri_tls_options defaults = MONGOURI_TLS_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_TLS_OPTIONS_VERSION);
}

mongouri_status mongouri__tls_options_load(mongouri_tls_options *dst,
                                           const mongouri_tls_options *src, mongouri_error *err)
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
