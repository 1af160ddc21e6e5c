/*
 * Names: the stable names of the public enums (categories, revocation
 * sources) and the labels of TLS alerts, protocol versions and CRL reasons.
 */
#include <openssl/ssl.h>

#include "mongouri/openssl.h"
#include "tls/labels.h"

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

const char *mongouri__tls_alert_name(int desc)
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

const char *mongouri__tls_version_name(int v)
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

const char *mongouri__crl_reason_name(int reason)
{
    static const char *const names[] = {
        "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
        "superseded",    "cessationOfOperation", "certificateHold", "(unused)",
        "removeFromCRL", "privilegeWithdrawn",   "aACompromise",
    };

    if (reason >= 0 && (size_t)reason < sizeof names / sizeof names[0])
        return names[reason];
    return "";
}
