/*
 * validate-uri: what both outputs (JSON and human) show the same way: the
 * result to describe, the TXT record as it may be shown, the texts of X.509
 * errors and TLS alerts, the term of the TLS guide; and the wipe helper.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "validate-uri.h"

const mongouri_uri *vu_result_uri(const vu_result *r)
{
    return r->resolved != NULL ? r->resolved : r->parsed;
}

char *vu_txt_shown(const vu_result *r, bool show_secrets)
{
    static const char prefix[] = "mongodb://txt/?";
    const char *txt = mongouri_resolve_report_txt(r->resolve_report);
    size_t n, plen = sizeof prefix - 1;
    char *wrapped, *redacted, *shown;

    if (txt == NULL)
        return NULL;
    n = strlen(txt);
    if (show_secrets)
        return strdup(txt);
    /* The record is a URI query: the library's redaction of a URI hides its secrets. */
    wrapped = malloc(plen + n + 1);
    if (wrapped == NULL)
        return NULL;
    memcpy(wrapped, prefix, plen);
    memcpy(wrapped + plen, txt, n + 1);
    redacted = mongouri_redact(wrapped, -1, NULL);
    mongouri_wipe(wrapped, plen + n);
    free(wrapped);
    if (redacted == NULL)
        return NULL;
    if (strncmp(redacted, prefix, plen) == 0)
        shown = strdup(redacted + plen);
    else
        shown = strdup("(hidden: the record could not be redacted)");
    mongouri_free(redacted);
    return shown;
}

const char *vu_verify_error_text(int verify_error)
{
    return verify_error == 0 ? "" : X509_verify_cert_error_string(verify_error);
}

const char *vu_alert_text(int alert)
{
    const char *text;

    if (alert < 0)
        return "";
    /* TLS 1.3 alerts OpenSSL 3.0 has no long text for (RFC 8446, 6.2; RFC 7301). */
    switch (alert) {
    case 109:
        return "missing extension";
    case 115:
        return "unknown PSK identity";
    case 116:
        return "certificate required";
    case 120:
        return "no application protocol";
    default:
        break;
    }
    text = SSL_alert_desc_string_long(alert);
    return text != NULL && strcmp(text, "unknown") != 0 ? text : "unknown alert";
}

const char *vu_tls_guide_term(const mongouri_tls_report *t, bool verify_certificates)
{
    switch (t->category) {
    case MONGOURI_TLS_UNKNOWN_CA:
    case MONGOURI_TLS_EXPIRED:
    case MONGOURI_TLS_NOT_YET_VALID:
    case MONGOURI_TLS_HOSTNAME_MISMATCH:
        return "certificate verify failed";
    case MONGOURI_TLS_REVOKED:
        return t->revocation_source == MONGOURI_TLS_REV_CRL ? "certificate verify failed"
                                                            : "invalid status response";
    case MONGOURI_TLS_OCSP_INVALID:
    case MONGOURI_TLS_MUST_STAPLE_MISSING:
        return "invalid status response";
    case MONGOURI_TLS_PROTOCOL_VERSION:
        return t->alert_received == 70 ? "tlsv1 alert protocol version" : "unsupported protocol";
    case MONGOURI_TLS_CLIENT_CERTIFICATE:
    case MONGOURI_TLS_HANDSHAKE_FAILED:
        if (verify_certificates && t->verify_error != 0 && t->alert_received < 0)
            return "certificate verify failed";
        if (t->alert_received == 40)
            return "sslv3 alert handshake failure";
        if (t->alert_received == 116)
            return "tlsv13 alert certificate required";
        return NULL;
    default:
        return NULL;
    }
}
