/* Stable names of what the applicator reports: TLS alerts, protocol versions, CRL reasons. */
#ifndef MONGOURI_TLS_LABELS_H
#define MONGOURI_TLS_LABELS_H

/* "handshake_failure", ... for a TLS alert description; "unknown alert" otherwise. */
const char *mongouri__tls_alert_name(int desc);
/* "TLSv1.2", ... for an SSL/TLS protocol version; "" otherwise. */
const char *mongouri__tls_version_name(int v);
/* "keyCompromise", ... for an OCSP_REVOKED_STATUS_* / CRL reason code; "" otherwise. */
const char *mongouri__crl_reason_name(int reason);

#endif /* MONGOURI_TLS_LABELS_H */
