/* Asking the OCSP responders of a leaf's AIA, in parallel under one deadline. */
#ifndef MONGOURI_TLS_OCSP_RESPONDERS_H
#define MONGOURI_TLS_OCSP_RESPONDERS_H

#include <stddef.h>

#include <openssl/x509.h>

#include "tls/ocsp_response.h"

/*
 * The first good or revoked answer of the leaf's responders within
 * `timeout_ms` into `ans` (status -1 when none) and its responder's URL
 * into `winner_url`; otherwise `summary` says what each responder did.
 */
void mongouri__ocsp_query_responders(X509 *leaf, X509 *issuer, STACK_OF(X509) * chain,
                                     X509_STORE *store, int timeout_ms, mongouri__ocsp_answer *ans,
                                     char *winner_url, size_t winner_cap, char *summary,
                                     size_t summary_cap);

#endif /* MONGOURI_TLS_OCSP_RESPONDERS_H */
