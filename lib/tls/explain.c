/*
 * What a failure means, as the diagnosis explains it: the failed chain
 * check, our revocation verdict, the server's alert; and what a successful
 * handshake checked.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/explain.h"
#include "tls/labels.h"
#include "tls/report.h"
#include "tls/state.h"

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

/* A failed chain check, as the verify rules see it. */
typedef struct verify_case {
    const mongouri__tls_ssl_state *st;
    const mongouri__tls_ctx_state *cs;
    int e;            /* r->verify_error */
    int depth;        /* r->verify_depth */
    const char *text; /* OpenSSL's text of `e` */
    const char *who;  /* subject of the certificate it concerns */
} verify_case;

static bool untrusted_applies(const verify_case *c)
{
    return is_trust_error(c->e);
}

static mongouri_tls_category untrusted_explain(const verify_case *c, mongouri_tls_report *r)
{
    char store[400] = "";

    if (c->cs->ca_file == NULL) {
        char desc[380];

        mongouri_tls_system_store(desc, sizeof desc, NULL);
        snprintf(store, sizeof store, " (%s)", desc);
    }
    mongouri__tls_set_text(
        r->detail, sizeof r->detail,
        "certificate verify failed (%d: %s) for %s at depth %d; trusted CAs: %s%s%s", c->e, c->text,
        c->who, r->verify_depth, c->cs->ca_file != NULL ? "tlsCAFile " : "the system store",
        c->cs->ca_file != NULL ? c->cs->ca_file : "", store);
    if (c->cs->ca_file != NULL)
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "tlsCAFile does not hold the CA that signed the server's certificate: "
            "give that CA (and any intermediate) in tlsCAFile.");
    else
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The system store does not trust the server's certificate: give the CA "
            "that signed it with tlsCAFile.");
    return MONGOURI_TLS_UNKNOWN_CA;
}

static bool ca_expired_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_CERT_HAS_EXPIRED && c->depth > 0;
}

static mongouri_tls_category ca_expired_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the CA certificate %s (depth %d of the chain) expired on %s", c->who,
                           r->verify_depth, c->st->verify_time);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "A CA certificate of the chain has expired, not the server's own: install the "
        "CA's current certificate (on the server for an intermediate it sends, in "
        "tlsCAFile or the system store for a root), and check the clocks.");
    return MONGOURI_TLS_EXPIRED;
}

static bool expired_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_CERT_HAS_EXPIRED;
}

static mongouri_tls_category expired_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the certificate of %s (depth %d) expired on %s", c->who,
                           r->verify_depth, c->st->verify_time);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Renew the server's certificate (and check the clocks); "
                           "tlsAllowInvalidCertificates=true hides this, insecurely.");
    return MONGOURI_TLS_EXPIRED;
}

static bool not_yet_valid_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_CERT_NOT_YET_VALID;
}

static mongouri_tls_category not_yet_valid_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(
        r->detail, sizeof r->detail, "the %scertificate of %s (depth %d) is not valid before %s",
        r->verify_depth > 0 ? "CA " : "", c->who, r->verify_depth, c->st->verify_time);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Check the clock of this machine and of the server's CA.");
    return MONGOURI_TLS_NOT_YET_VALID;
}

static bool name_mismatch_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_HOSTNAME_MISMATCH || c->e == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

static mongouri_tls_category name_mismatch_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(
        r->detail, sizeof r->detail, "%s %s is not among the certificate's names (%s; subject %s)",
        c->e == X509_V_ERR_IP_ADDRESS_MISMATCH ? "IP address" : "host name", r->expected_name,
        r->peer_names[0] != '\0' ? r->peer_names : "no subjectAltName", r->peer_subject);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "Connect with a name the certificate lists, or reissue the server's "
        "certificate with a subjectAltName for %s; tlsAllowInvalidHostnames=true "
        "skips the check, insecurely.",
        r->expected_name);
    return MONGOURI_TLS_HOSTNAME_MISMATCH;
}

static bool revoked_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_CERT_REVOKED;
}

static mongouri_tls_category revoked_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail, "the certificate of %s is %s", c->who,
                           c->st->rev_detail[0] != '\0' ? c->st->rev_detail : "revoked");
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "The server's certificate was revoked: install a new certificate on the "
                           "server.");
    return MONGOURI_TLS_REVOKED;
}

static bool no_crl_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_UNABLE_TO_GET_CRL;
}

static mongouri_tls_category no_crl_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "revocation: tlsCRLFile %s has no CRL from the issuer of %s",
                           c->cs->crl_file, c->who);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "Give the CRL published by the CA that issued the server's certificate in "
        "tlsCRLFile.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool crl_unusable_applies(const verify_case *c)
{
    return c->e == X509_V_ERR_CRL_HAS_EXPIRED || c->e == X509_V_ERR_CRL_NOT_YET_VALID ||
           c->e == X509_V_ERR_CRL_SIGNATURE_FAILURE ||
           c->e == X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE;
}

static mongouri_tls_category crl_unusable_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail, "revocation: the CRL in tlsCRLFile %s: %s",
                           c->cs->crl_file, c->text);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Download a current CRL from the CA into tlsCRLFile.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static mongouri_tls_category unusable_explain(const verify_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "certificate verify failed (%d: %s) for %s at depth %d", c->e, c->text,
                           c->who, r->verify_depth);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "The server's certificate is not usable for a TLS server (check its key usage, "
        "extended key usage and basic constraints).");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool any_failure(const verify_case *c)
{
    (void)c;
    return true;
}

/* The meaning of a failed chain check, in order: the first rule that applies explains it. */
static const struct {
    const char *name;
    bool (*applies)(const verify_case *c);
    mongouri_tls_category (*explain)(const verify_case *c, mongouri_tls_report *r);
} verify_rules[] = {
    {"untrusted-chain", untrusted_applies, untrusted_explain},
    {"ca-certificate-expired", ca_expired_applies, ca_expired_explain},
    {"certificate-expired", expired_applies, expired_explain},
    {"not-yet-valid", not_yet_valid_applies, not_yet_valid_explain},
    {"name-mismatch", name_mismatch_applies, name_mismatch_explain},
    {"revoked", revoked_applies, revoked_explain},
    {"no-crl-of-issuer", no_crl_applies, no_crl_explain},
    {"crl-unusable", crl_unusable_applies, crl_unusable_explain},
    {"unusable-certificate", any_failure, unusable_explain},
};

mongouri_tls_category mongouri__tls_explain_verify(const mongouri__tls_ssl_state *st,
                                                   const mongouri__tls_ctx_state *cs,
                                                   mongouri_tls_report *r)
{
    verify_case c;
    size_t i;

    c.st = st;
    c.cs = cs;
    c.e = r->verify_error;
    c.depth = r->verify_depth;
    c.text = X509_verify_cert_error_string(c.e);
    c.who = st->verify_subject[0] != '\0' ? st->verify_subject : "the certificate";
    for (i = 0; !verify_rules[i].applies(&c); i++) {
        /* the last rule always applies */
    }
    return verify_rules[i].explain(&c, r);
}

mongouri_tls_category mongouri__tls_explain_revocation(const mongouri__tls_ssl_state *st,
                                                       mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail, "%s", st->rev_detail);
    if (st->rev == MONGOURI__REV_REVOKED) {
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The server's certificate was revoked: install a new certificate on the "
            "server.");
        return MONGOURI_TLS_REVOKED;
    }
    if (st->rev == MONGOURI__REV_MUST_STAPLE_MISSING) {
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The certificate is Must-Staple: turn on OCSP stapling on the server "
            "(tlsDisableCertificateRevocationCheck=true skips revocation checks).");
        return MONGOURI_TLS_MUST_STAPLE_MISSING;
    }
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
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

/* An alert of the server, as the alert rules see it. */
typedef struct alert_case {
    const mongouri__tls_ssl_state *st;
    const mongouri__tls_ctx_state *cs;
    const SSL *ssl;
    int a; /* r->alert_received */
} alert_case;

static bool protocol_version_applies(const alert_case *c)
{
    return c->a == 70;
}

static mongouri_tls_category protocol_version_explain(const alert_case *c, mongouri_tls_report *r)
{
    (void)c;
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the client offers %s; the server refused them (alert protocol_version)",
                           r->versions_offered);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "The server speaks only older TLS versions; TLS 1.2 is the minimum. Enable "
        "TLS 1.2 or 1.3 on the server.");
    return MONGOURI_TLS_PROTOCOL_VERSION;
}

static bool certificate_missing_applies(const alert_case *c)
{
    return c->a == 116 ||
           (c->a == 40 && c->st->certificate_requested &&
            (!c->st->certificate_sent || c->st->certificate_sent_empty)) ||
           (is_client_cert_alert(c->a) && !c->cs->has_client_certificate &&
            c->st->certificate_requested);
}

static mongouri_tls_category certificate_missing_explain(const alert_case *c,
                                                         mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the server requires a client certificate and none was sent (alert %s)",
                           mongouri__tls_alert_name(c->a));
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Give the client certificate and its key with tlsCertificateKeyFile.");
    return MONGOURI_TLS_CLIENT_CERTIFICATE;
}

static bool certificate_rejected_applies(const alert_case *c)
{
    return is_client_cert_alert(c->a) && c->cs->has_client_certificate;
}

static mongouri_tls_category certificate_rejected_explain(const alert_case *c,
                                                          mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the server rejected the client certificate (alert %s)",
                           mongouri__tls_alert_name(c->a));
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Use a client certificate signed by a CA the server trusts (its "
                           "net.tls.CAFile), current, and meant for client authentication.");
    return MONGOURI_TLS_CLIENT_CERTIFICATE;
}

static bool nothing_in_common_applies(const alert_case *c)
{
    return c->a == 40 || c->a == 71;
}

static mongouri_tls_category nothing_in_common_explain(const alert_case *c, mongouri_tls_report *r)
{
    char offered[400];

    offered_text(c->ssl, offered, sizeof offered);
    mongouri__tls_set_text(
        r->detail, sizeof r->detail,
        "the server ended the handshake with alert %s (%d): no cipher suite or key "
        "exchange group in common; %s",
        mongouri__tls_alert_name(c->a), c->a, offered);
    mongouri__tls_set_text(
        r->hint, sizeof r->hint,
        "Client and server share no cipher suite or key exchange group: enable on the "
        "server one of those the client offers (OpenSSL's defaults, TLS 1.2 or 1.3).");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static mongouri_tls_category other_alert_explain(const alert_case *c, mongouri_tls_report *r)
{
    mongouri__tls_set_text(r->detail, sizeof r->detail,
                           "the server ended the handshake with alert %s (%d)%s%s",
                           mongouri__tls_alert_name(c->a), c->a,
                           r->openssl_error[0] != '\0' ? ": " : "", r->openssl_error);
    mongouri__tls_set_text(r->hint, sizeof r->hint,
                           "Check the server's log for why it refused the handshake.");
    return MONGOURI_TLS_HANDSHAKE_FAILED;
}

static bool any_alert(const alert_case *c)
{
    (void)c;
    return true;
}

/* The meaning of the server's alert, in order: the first rule that applies explains it. */
static const struct {
    const char *name;
    bool (*applies)(const alert_case *c);
    mongouri_tls_category (*explain)(const alert_case *c, mongouri_tls_report *r);
} alert_rules[] = {
    {"protocol-version", protocol_version_applies, protocol_version_explain},
    {"client-certificate-missing", certificate_missing_applies, certificate_missing_explain},
    {"client-certificate-rejected", certificate_rejected_applies, certificate_rejected_explain},
    {"nothing-in-common", nothing_in_common_applies, nothing_in_common_explain},
    {"other-alert", any_alert, other_alert_explain},
};

mongouri_tls_category mongouri__tls_explain_alert(const mongouri__tls_ssl_state *st,
                                                  const mongouri__tls_ctx_state *cs, const SSL *ssl,
                                                  mongouri_tls_report *r)
{
    alert_case c;
    size_t i;

    c.st = st;
    c.cs = cs;
    c.ssl = ssl;
    c.a = r->alert_received;
    for (i = 0; !alert_rules[i].applies(&c); i++) {
        /* the last rule always applies */
    }
    return alert_rules[i].explain(&c, r);
}

void mongouri__tls_explain_success(const mongouri__tls_ssl_state *st,
                                   const mongouri__tls_ctx_state *cs, const SSL *ssl,
                                   mongouri_tls_report *r)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    char trust[300], name[300], rev[300];

    if (!cs->verify_certificates)
        mongouri__tls_set_text(
            trust, sizeof trust, "certificate not verified (%s)%s%s",
            cs->verify_certificates_source != NULL ? cs->verify_certificates_source
                                                   : "verification off",
            st->verify_error != 0 ? "; it would fail: " : "",
            st->verify_error != 0 ? X509_verify_cert_error_string(st->verify_error) : "");
    else
        mongouri__tls_set_text(trust, sizeof trust, "certificate %s verified against %s%s",
                               r->peer_subject,
                               cs->ca_file != NULL ? "tlsCAFile " : "the system store",
                               cs->ca_file != NULL ? cs->ca_file : "");
    if (!cs->verify_certificates)
        mongouri__tls_set_text(name, sizeof name, "name not checked");
    else if (!cs->verify_hostnames)
        mongouri__tls_set_text(name, sizeof name, "name not checked (%s)",
                               cs->verify_hostnames_source != NULL ? cs->verify_hostnames_source
                                                                   : "off");
    else
        mongouri__tls_set_text(name, sizeof name, "%s matches %s", r->expected_name, r->peer_names);
    if (cs->revocation == MONGOURI_REVOCATION_NONE)
        mongouri__tls_set_text(rev, sizeof rev, "revocation not checked");
    else if (st->rev_detail[0] != '\0')
        mongouri__tls_set_text(rev, sizeof rev, "revocation: %s", st->rev_detail);
    else
        mongouri__tls_set_text(rev, sizeof rev, "revocation: not checked");
    mongouri__tls_set_text(r->detail, sizeof r->detail, "%s %s; %s; %s; %s", r->version,
                           c != NULL ? SSL_CIPHER_get_name(c) : "", trust, name, rev);
}
