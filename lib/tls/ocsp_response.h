/* Judging one OCSP response for a leaf certificate, and the leaf's Must-Staple feature. */
#ifndef MONGOURI_TLS_OCSP_RESPONSE_H
#define MONGOURI_TLS_OCSP_RESPONSE_H

#include <stdbool.h>
#include <time.h>

#include <openssl/ocsp.h>

#define MONGOURI__OCSP_SKEW_SECONDS 300L /* tolerated clock skew for thisUpdate */

typedef struct mongouri__ocsp_answer {
    int status; /* V_OCSP_CERTSTATUS_*, -1 when the response is unusable */
    int reason; /* OCSP_REVOKED_STATUS_* */
    time_t this_update;
    time_t next_update; /* 0 when the response has none */
    char revoked_at[32];
    char problem[160]; /* why it is unusable */
} mongouri__ocsp_answer;

/*
 * `resp` for `leaf` issued by `issuer` (`chain`: the leaf's verified chain;
 * `req`: the request whose nonce must be echoed, or NULL), into `ans`.
 */
void mongouri__ocsp_check_response(OCSP_RESPONSE *resp, OCSP_REQUEST *req, X509 *leaf, X509 *issuer,
                                   STACK_OF(X509) * chain, X509_STORE *store,
                                   mongouri__ocsp_answer *ans);

/* The leaf carries the TLS feature status_request (RFC 7633). */
bool mongouri__ocsp_must_staple(X509 *leaf);

#endif /* MONGOURI_TLS_OCSP_RESPONSE_H */
