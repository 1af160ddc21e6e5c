/* The callbacks every context of mongouri_tls_ctx_new() installs (see callbacks.h). */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls/callbacks.h"
#include "tls/labels.h"
#include "tls/names.h"
#include "tls/state.h"

/* Remember the first failure of the chain check; never changes the verdict. */
int mongouri__tls_verify_cb(int ok, X509_STORE_CTX *xs)
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
        mongouri__tls_name_text(X509_get_subject_name(cert), st->verify_subject,
                                sizeof st->verify_subject);
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

bool mongouri__tls_install_prepare_guard(SSL_CTX *ctx)
{
    SSL_CTX_set_cert_verify_callback(ctx, guard_verify_cb, NULL);
    return SSL_CTX_add_custom_ext(ctx, PREPARE_GUARD_EXT_TYPE, SSL_EXT_CLIENT_HELLO, guard_add_cb,
                                  NULL, NULL, NULL, NULL) == 1;
}

void mongouri__tls_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
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
