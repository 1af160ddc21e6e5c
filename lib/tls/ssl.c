/*
 * The connection: mongouri_tls_ssl_prepare() sets up one SSL of our context
 * for a host (SNI, the name or IP check, the verify mode, the OCSP staple
 * request), and mongouri_tls_ssl_new() makes and prepares one in a call.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "mongouri/openssl.h"
#include "tls/callbacks.h"
#include "tls/names.h"
#include "tls/state.h"
#include "error_int.h"

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
    mongouri__tls_host_copy(st->host, sizeof st->host, host);
    st->host_is_ip = mongouri__tls_is_ip_literal(st->host);
    if (fresh && !mongouri__tls_ssl_state_attach(ssl, st)) {
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
    SSL_set_verify(ssl, cs->verify_certificates ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                   mongouri__tls_verify_cb);
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
    SSL_set_msg_callback(ssl, mongouri__tls_msg_cb);
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
