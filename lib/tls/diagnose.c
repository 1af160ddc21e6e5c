/*
 * The diagnosis of a handshake (mongouri_tls_diagnose): first what was
 * seen (names, versions, the peer's certificate, the chain check, alerts,
 * revocation, OpenSSL's error), then an ordered table of named rules: the
 * first rule that applies explains the outcome and gives its category.
 */
#include <stdbool.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mongouri/openssl.h"
#include "tls/explain.h"
#include "tls/labels.h"
#include "tls/names.h"
#include "tls/report.h"
#include "tls/state.h"

static bool is_protocol_reason(int reason)
{
    return reason == SSL_R_UNSUPPORTED_PROTOCOL || reason == SSL_R_NO_PROTOCOLS_AVAILABLE ||
           reason == SSL_R_VERSION_TOO_LOW || reason == SSL_R_WRONG_SSL_VERSION ||
           reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION || reason == SSL_R_UNSUPPORTED_SSL_VERSION;
}

static bool is_crl_error(int e)
{
    return e == X509_V_ERR_UNABLE_TO_GET_CRL || e == X509_V_ERR_CRL_HAS_EXPIRED ||
           e == X509_V_ERR_CRL_NOT_YET_VALID || e == X509_V_ERR_CRL_SIGNATURE_FAILURE ||
           e == X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE ||
           e == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER;
}

/* What the rules look at: the connection, its state, and how the call ended. */
typedef struct diag_input {
    const SSL *ssl;
    const mongouri__tls_ssl_state *st;
    const mongouri__tls_ctx_state *cs;
    int ssl_err; /* SSL_get_error() of the call; SSL_ERROR_NONE when it returned > 0 */
    int reason;  /* reason of the first queued error when it is OpenSSL's SSL library's, else 0 */
    bool finished;
} diag_input;

/* The connection ended during the handshake, without an alert of the server. */
static bool connection_closed(const diag_input *in)
{
    return in->ssl_err == SSL_ERROR_SYSCALL || in->ssl_err == SSL_ERROR_ZERO_RETURN ||
           in->reason == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

/* Our own revocation verdict ends the handshake with "invalid status response". */
static bool revocation_verdict(const diag_input *in)
{
    return in->st->rev == MONGOURI__REV_REVOKED || in->st->rev == MONGOURI__REV_STAPLE_INVALID ||
           in->st->rev == MONGOURI__REV_MUST_STAPLE_MISSING;
}

static bool handshake_done(const diag_input *in)
{
    return in->ssl_err == SSL_ERROR_NONE && in->finished;
}

static mongouri_tls_category explain_done(const diag_input *in, mongouri_tls_report *r)
{
    const mongouri__tls_ctx_state *cs = in->cs;

    if (cs->revocation == MONGOURI_REVOCATION_CRL && r->revocation_detail[0] != '\0') {
        mongouri__tls_ssl_state tmp = *in->st;

        mongouri__tls_set_text(tmp.rev_detail, sizeof tmp.rev_detail, "%s", r->revocation_detail);
        mongouri__tls_explain_success(&tmp, cs, in->ssl, r);
    } else {
        mongouri__tls_explain_success(in->st, cs, in->ssl, r);
    }
    r->verify_error = cs->verify_certificates ? 0 : r->verify_error;
    return MONGOURI_TLS_OK;
}

static bool handshake_waiting(const diag_input *in)
{
    return in->ssl_err == SSL_ERROR_WANT_READ || in->ssl_err == SSL_ERROR_WANT_WRITE;
}

static mongouri_tls_category explain_waiting(const diag_input *in, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the handshake is not finished (waiting for the %s)",
                           in->ssl_err == SSL_ERROR_WANT_READ ? "server" : "network");
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Is TLS enabled on the server, on this port? A server without TLS "
                           "never answers the client's hello.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool revoked_per_crl(const diag_input *in)
{
    return revocation_verdict(in) && in->st->rev_source == MONGOURI_TLS_REV_CRL;
}

static mongouri_tls_category explain_verify(const diag_input *in, mongouri_tls_report *r)
{
    return mongouri__tls_explain_verify(in->st, in->cs, r);
}

static mongouri_tls_category explain_revocation(const diag_input *in, mongouri_tls_report *r)
{
    return mongouri__tls_explain_revocation(in->st, r);
}

static bool chain_check_failed(const diag_input *in)
{
    return in->cs->verify_certificates && in->st->verify_error != 0;
}

static bool alert_received(const diag_input *in)
{
    return in->st->alert_received >= 0;
}

static mongouri_tls_category explain_alert(const diag_input *in, mongouri_tls_report *r)
{
    return mongouri__tls_explain_alert(in->st, in->cs, in->ssl, r);
}

static bool protocol_refused(const diag_input *in)
{
    return is_protocol_reason(in->reason);
}

static mongouri_tls_category explain_protocol(const diag_input *in, mongouri_tls_report *r)
{
    (void)in;
    mongouri__tls_set_text(r->detail, sizeof r->detail, "the client offers %s; the server %s (%s)",
                           r->versions_offered,
                           r->server_version[0] != '\0' ? "answered with an older version"
                                                        : "chose a version the client refuses",
                           r->openssl_error);
    if (r->server_version[0] != '\0') {
        size_t n = strlen(r->detail);

        mongouri__tls_set_text(r->detail + n, sizeof r->detail - n, "; the server speaks %s",
                               r->server_version);
    }
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "The server speaks only older TLS versions; TLS 1.2 is the minimum. "
                           "Enable TLS 1.2 or 1.3 on the server.");
    return MONGOURI_TLS_PROTOCOL_VERSION;
}

static bool not_tls(const diag_input *in)
{
    return in->reason == SSL_R_WRONG_VERSION_NUMBER || in->reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
           in->reason == SSL_R_RECORD_LENGTH_MISMATCH;
}

static mongouri_tls_category explain_not_tls(const diag_input *in, mongouri_tls_report *r)
{
    (void)in;
    mongouri__tls_set_text(r->detail, sizeof r->detail, "the server did not answer with TLS (%s)",
                           r->openssl_error);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "This port does not speak TLS: enable TLS on the server "
                           "(net.tls.mode), or connect without tls=true.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool closed_without_certificate(const diag_input *in)
{
    return connection_closed(in) && in->st->certificate_requested &&
           !in->cs->has_client_certificate;
}

static mongouri_tls_category explain_no_certificate(const diag_input *in, mongouri_tls_report *r)
{
    (void)in;
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the server asked for a client certificate, none was sent, and it "
                           "closed the connection");
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Give the client certificate and its key with tlsCertificateKeyFile.");
    return MONGOURI_TLS_CLIENT_CERTIFICATE;
}

static mongouri_tls_category explain_closed(const diag_input *in, mongouri_tls_report *r)
{
    (void)in;
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the server closed the connection during the handshake%s%s",
                           r->openssl_error[0] != '\0' ? " (" : "", r->openssl_error);
    if (r->openssl_error[0] != '\0')
        strncat(r->detail, ")", sizeof r->detail - strlen(r->detail) - 1);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Is TLS enabled on the server, on this port? Check the server's log "
                           "for why it dropped the connection.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool always(const diag_input *in)
{
    (void)in;
    return true;
}

static mongouri_tls_category explain_other(const diag_input *in, mongouri_tls_report *r)
{
    (void)in;
    mongouri__tls_set_text(r->detail, sizeof r->detail, "TLS handshake failed: %s",
                           r->openssl_error[0] != '\0' ? r->openssl_error : "unknown error");
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Check the server's TLS configuration and log.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

typedef struct diag_rule {
    const char *name;
    bool (*applies)(const diag_input *in);
    mongouri_tls_category (*explain)(const diag_input *in, mongouri_tls_report *r);
} diag_rule;

/* In order: the first rule that applies decides; the last always applies. */
static const diag_rule rules[] = {
    {"handshake-done", handshake_done, explain_done},
    {"handshake-unfinished", handshake_waiting, explain_waiting},
    {"revoked-per-crl", revoked_per_crl, explain_verify},
    {"revocation-verdict", revocation_verdict, explain_revocation},
    {"chain-check-failed", chain_check_failed, explain_verify},
    {"alert-received", alert_received, explain_alert},
    {"protocol-version", protocol_refused, explain_protocol},
    {"not-tls", not_tls, explain_not_tls},
    {"closed-without-client-certificate", closed_without_certificate, explain_no_certificate},
    {"closed-during-handshake", connection_closed, explain_closed},
    {"handshake-failed", always, explain_other},
};

/* The SSL was made from one of our contexts but never prepared: the guard refused it. */
static mongouri_tls_category explain_not_prepared(const SSL *ssl, mongouri_tls_report *r)
{
    r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
    r->verify_error = (int)SSL_get_verify_result(ssl);
    mongouri__tls_set_text(
        r->detail, sizeof r->detail,
        "the SSL was not prepared: mongouri_tls_ssl_prepare() was never called on it "
        "or did not succeed, so its host name and revocation checks could not run; "
        "the handshake is refused");
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "Call mongouri_tls_ssl_prepare(ssl, host, &err) after SSL_new(), or create "
        "the SSL with mongouri_tls_ssl_new(&ssl, ctx, host, &err).");
    mongouri__tls_set_text(r->openssl_error, sizeof r->openssl_error, "%s",
                           ERR_peek_error() != 0 &&
                                   ERR_reason_error_string(ERR_peek_error()) != NULL
                               ? ERR_reason_error_string(ERR_peek_error())
                               : "");
    return r->category;
}

/* What was seen, field by field, into `r`; the reason of OpenSSL's first error. */
static int report_seen(const SSL *ssl, const mongouri__tls_ssl_state *st,
                       const mongouri__tls_ctx_state *cs, bool finished, mongouri_tls_report *r)
{
    X509 *peer;
    unsigned long e;
    int min_v, max_v, reason = 0;

    mongouri__tls_set_text(r->expected_name, sizeof r->expected_name, "%s", st->host);
    min_v = (int)SSL_get_min_proto_version((SSL *)ssl);
    max_v = (int)SSL_get_max_proto_version((SSL *)ssl);
    mongouri__tls_set_text(r->versions_offered, sizeof r->versions_offered, "%s-%s",
                           min_v == 0 ? "TLSv1" : mongouri__tls_version_name(min_v),
                           max_v == 0 ? "TLSv1.3" : mongouri__tls_version_name(max_v));
    if (finished)
        mongouri__tls_set_text(r->version, sizeof r->version, "%s", SSL_get_version(ssl));
    if (st->server_hello_version != 0 && st->server_hello_version < TLS1_2_VERSION)
        mongouri__tls_set_text(r->server_version, sizeof r->server_version, "%s",
                               mongouri__tls_version_name(st->server_hello_version));
    peer = SSL_get0_peer_certificate(ssl);
    if (peer == NULL && SSL_get_peer_cert_chain(ssl) != NULL &&
        sk_X509_num(SSL_get_peer_cert_chain(ssl)) > 0)
        peer = sk_X509_value(SSL_get_peer_cert_chain(ssl), 0); /* verification failed */
    if (peer != NULL) {
        mongouri__tls_name_text(X509_get_subject_name(peer), r->peer_subject,
                                sizeof r->peer_subject);
        mongouri__tls_san_text(peer, r->peer_names, sizeof r->peer_names);
        mongouri__asn1_time_text(X509_get0_notAfter(peer), r->peer_not_after,
                                 sizeof r->peer_not_after);
    }
    r->verify_error = st->verify_error != 0 ? st->verify_error : (int)SSL_get_verify_result(ssl);
    r->verify_depth = st->verify_error != 0 ? st->verify_depth : -1;
    mongouri__tls_set_text(r->verify_subject, sizeof r->verify_subject, "%s", st->verify_subject);
    r->alert_received = st->alert_received;
    r->alert_sent = st->alert_sent;
    e = ERR_peek_error();
    if (e != 0) {
        const char *txt = ERR_reason_error_string(e);

        reason = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;
        if (txt != NULL)
            mongouri__tls_set_text(r->openssl_error, sizeof r->openssl_error, "%s", txt);
        else
            ERR_error_string_n(e, r->openssl_error, sizeof r->openssl_error);
    }
    if (cs->revocation == MONGOURI_REVOCATION_CRL && st->rev == MONGOURI__REV_UNCHECKED &&
        finished && cs->verify_certificates) {
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        mongouri__tls_set_text(r->revocation_status, sizeof r->revocation_status, "good");
        mongouri__tls_set_text(r->revocation_detail, sizeof r->revocation_detail,
                               "not revoked per tlsCRLFile %s", cs->crl_file);
    } else {
        r->revocation_source = st->rev_source;
        mongouri__tls_set_text(r->revocation_status, sizeof r->revocation_status, "%s",
                               st->rev == MONGOURI__REV_GOOD      ? "good"
                               : st->rev == MONGOURI__REV_REVOKED ? "revoked"
                               : st->rev == MONGOURI__REV_UNKNOWN ? "unknown"
                                                                  : "");
        if (st->rev == MONGOURI__REV_REVOKED)
            mongouri__tls_set_text(r->revocation_reason, sizeof r->revocation_reason, "%s",
                                   mongouri__crl_reason_name(st->rev_reason));
        mongouri__tls_set_text(r->revocation_detail, sizeof r->revocation_detail, "%s",
                               st->rev_detail);
    }

    if (cs->revocation == MONGOURI_REVOCATION_CRL && is_crl_error(r->verify_error)) {
        /* The CRL check ran and could not conclude: say so, not "not-checked". */
        r->revocation_source = MONGOURI_TLS_REV_CRL;
        mongouri__tls_set_text(r->revocation_detail, sizeof r->revocation_detail,
                               "tlsCRLFile %s: %s", cs->crl_file != NULL ? cs->crl_file : "",
                               X509_verify_cert_error_string(r->verify_error));
    }
    return reason;
}

mongouri_tls_category mongouri_tls_diagnose(const SSL *ssl, int ret, mongouri_tls_report *r)
{
    const mongouri__tls_ssl_state *st;
    const mongouri__tls_ctx_state *cs;
    mongouri__tls_ssl_state empty_st;
    mongouri__tls_ctx_state empty_cs;
    diag_input in;
    size_t i;

    if (r == NULL)
        return MONGOURI_TLS_HANDSHAKE_FAILED;
    mongouri__tls_report_init(r);
    if (ssl == NULL) {
        r->category = MONGOURI_TLS_HANDSHAKE_FAILED;
        mongouri__tls_set_text(r->detail, sizeof r->detail, "no connection");
        return r->category;
    }
    st = mongouri__tls_ssl_state_get(ssl);
    cs = mongouri__tls_ctx_state_get(SSL_get_SSL_CTX(ssl));
    if ((st == NULL || !st->ready) && cs != NULL)
        return explain_not_prepared(ssl, r);
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

    in.ssl = ssl;
    in.st = st;
    in.cs = cs;
    in.finished = SSL_is_init_finished(ssl);
    in.reason = report_seen(ssl, st, cs, in.finished, r);
    in.ssl_err = ret > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, ret);
    for (i = 0; !rules[i].applies(&in); i++) {
        /* the last rule always applies */
    }
    r->category = rules[i].explain(&in, r);
    return r->category;
}
