/*
 * One OCSP response judged for the leaf (RFC 6960): successful, signed by
 * the issuing CA or a responder it delegated to, nonce echoed, covering
 * the leaf, inside its validity window.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tls/names.h"
#include "tls/ocsp_response.h"

#define OCSP_MAX_AGE_SECONDS (7L * 24 * 3600) /* an answer without nextUpdate */
#define TLS_FEATURE_STATUS_REQUEST 5

static time_t wall_time(const ASN1_GENERALIZEDTIME *t)
{
    int days = 0, secs = 0;

    if (t == NULL || !ASN1_TIME_diff(&days, &secs, NULL, t))
        return 0;
    return time(NULL) + (time_t)days * 86400 + secs;
}

/* The most specific (last) error of the queue: "signature failure". */
static void last_error_text(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e == 0 ? NULL : ERR_reason_error_string(e);

    snprintf(buf, cap, "%s", r != NULL ? r : "unknown error");
}

/*
 * The certificate named by the responder ID of `bs`, looked up the way
 * OCSP_basic_verify does: first in `chain`, then among the response's own
 * certificates. NULL when neither holds it.
 */
static X509 *find_signer(OCSP_BASICRESP *bs, STACK_OF(X509) * chain)
{
    const ASN1_OCTET_STRING *key_hash = NULL;
    const X509_NAME *name = NULL;
    const STACK_OF(X509) * lists[2];
    int l, i;

    if (!OCSP_resp_get0_id(bs, &key_hash, &name))
        return NULL;
    lists[0] = chain;
    lists[1] = OCSP_resp_get0_certs(bs);
    for (l = 0; l < 2; l++) {
        for (i = 0; lists[l] != NULL && i < sk_X509_num(lists[l]); i++) {
            X509 *x = sk_X509_value(lists[l], i);

            if (name != NULL) {
                if (X509_NAME_cmp(name, X509_get_subject_name(x)) == 0)
                    return x;
            } else if (key_hash != NULL && key_hash->length == SHA_DIGEST_LENGTH) {
                unsigned char md[SHA_DIGEST_LENGTH];
                unsigned int md_len = 0;

                if (X509_pubkey_digest(x, EVP_sha1(), md, &md_len) && md_len == sizeof md &&
                    memcmp(md, key_hash->data, sizeof md) == 0)
                    return x;
            }
        }
    }
    return NULL;
}

/*
 * RFC 6960 4.2.2.2, checked on its own after OCSP_basic_verify: the
 * response is signed (the signature checked with `signer`'s key) either by
 * `issuer`, the CA that issued the certificate in question, or by a
 * certificate that `issuer` issued directly and that carries
 * id-kp-OCSPSigning. Nothing else: no other trusted CA, no delegate of
 * another CA. NULL when allowed, else why not.
 */
static const char *signer_not_authorized(OCSP_BASICRESP *bs, X509 *signer, X509 *issuer)
{
    EVP_PKEY *pkey = X509_get0_pubkey(signer);
    EVP_PKEY *ca_key = X509_get0_pubkey(issuer);
    const X509_ALGOR *alg = OCSP_resp_get0_tbs_sigalg(bs);
    const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
    const OCSP_RESPDATA *tbs = OCSP_resp_get0_respdata(bs);

    if (pkey == NULL || ca_key == NULL || alg == NULL || sig == NULL || tbs == NULL ||
        ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), (X509_ALGOR *)alg, (ASN1_BIT_STRING *)sig,
                         (void *)tbs, pkey) != 1)
        return "the signature does not verify with the responder's key";
    if (X509_NAME_cmp(X509_get_subject_name(signer), X509_get_subject_name(issuer)) == 0 &&
        EVP_PKEY_eq(pkey, ca_key) == 1)
        return NULL; /* the issuing CA itself */
    if (X509_check_issued(issuer, signer) != X509_V_OK || X509_verify(signer, ca_key) != 1)
        return "the signer is neither the issuing CA nor a responder it authorized";
    if ((X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) == 0 ||
        (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) == 0)
        return "the delegated responder's certificate lacks id-kp-OCSPSigning";
    return NULL;
}

/*
 * Check `resp` for `leaf` (issued by `issuer`): successful, signed by the
 * issuer or a responder it delegated to (RFC 6960 4.2.2.2; the signer's
 * own chain checked against `store`), nonce of `req` echoed if any, a
 * SingleResponse for the leaf, within its validity window (nothing past
 * nextUpdate). `chain` is the verified chain of the leaf: the issuer may
 * sign without putting its certificate in the response. Fills `ans`.
 */
void mongouri__ocsp_check_response(OCSP_RESPONSE *resp, OCSP_REQUEST *req, X509 *leaf, X509 *issuer,
                                   STACK_OF(X509) * chain, X509_STORE *store,
                                   mongouri__ocsp_answer *ans)
{
    OCSP_BASICRESP *bs = NULL;
    X509 *signer;
    const char *refused;
    int rs, i, n;
    char why[96];

    memset(ans, 0, sizeof *ans);
    ans->status = -1;
    ans->reason = -1;
    rs = OCSP_response_status(resp);
    if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        snprintf(ans->problem, sizeof ans->problem, "response status %s",
                 OCSP_response_status_str(rs));
        return;
    }
    bs = OCSP_response_get1_basic(resp);
    if (bs == NULL) {
        snprintf(ans->problem, sizeof ans->problem, "not a basic OCSP response");
        return;
    }
    if (req != NULL && OCSP_check_nonce(req, bs) == 0) {
        snprintf(ans->problem, sizeof ans->problem, "nonce does not match the request");
        goto out;
    }
    /*
     * No OCSP_TRUSTOTHER (it would trust `chain`'s certificates unchecked)
     * and no OCSP_NOCHECKS (it would skip the signer's authorization);
     * OCSP_NOEXPLICIT: a root merely trusted for OCSP signing is not enough.
     */
    signer = find_signer(bs, chain);
    if (signer == NULL) {
        snprintf(ans->problem, sizeof ans->problem,
                 "signature does not verify (the signer's certificate is neither in the "
                 "response nor in the verified chain)");
        goto out;
    }
    if (OCSP_basic_verify(bs, chain, store, OCSP_NOEXPLICIT) <= 0) {
        last_error_text(why, sizeof why);
        snprintf(ans->problem, sizeof ans->problem, "signature does not verify (%s)", why);
        goto out;
    }
    refused = signer_not_authorized(bs, signer, issuer);
    if (refused != NULL) {
        snprintf(ans->problem, sizeof ans->problem, "signature does not verify (%s)", refused);
        goto out;
    }
    n = OCSP_resp_count(bs);
    for (i = 0; i < n; i++) {
        OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
        const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT *md_obj = NULL;
        const EVP_MD *md;
        OCSP_CERTID *mine;
        ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
        int st, reason = -1, same;

        OCSP_id_get0_info(NULL, &md_obj, NULL, NULL, (OCSP_CERTID *)cid);
        md = md_obj == NULL ? NULL : EVP_get_digestbyobj(md_obj);
        if (md == NULL)
            continue;
        mine = OCSP_cert_to_id(md, leaf, issuer);
        same = mine != NULL && OCSP_id_cmp(mine, cid) == 0;
        OCSP_CERTID_free(mine);
        if (!same)
            continue;
        st = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
        /* Without a nextUpdate, thisUpdate must be recent (RFC 6960 3.2). */
        if (!OCSP_check_validity(thisupd, nextupd, MONGOURI__OCSP_SKEW_SECONDS,
                                 nextupd == NULL ? OCSP_MAX_AGE_SECONDS : -1) ||
            (nextupd != NULL && X509_cmp_current_time(nextupd) <= 0)) {
            char a[32], b[32];

            mongouri__asn1_time_text(thisupd, a, sizeof a);
            mongouri__asn1_time_text(nextupd, b, sizeof b);
            snprintf(ans->problem, sizeof ans->problem,
                     "outside its validity window (thisUpdate %s, nextUpdate %s)", a,
                     b[0] != '\0' ? b : "none");
            goto out;
        }
        ans->status = st;
        ans->reason = st == V_OCSP_CERTSTATUS_REVOKED ? (reason < 0 ? 0 : reason) : -1;
        ans->this_update = wall_time(thisupd);
        ans->next_update = nextupd == NULL ? 0 : wall_time(nextupd);
        mongouri__asn1_time_text(rev, ans->revoked_at, sizeof ans->revoked_at);
        goto out;
    }
    snprintf(ans->problem, sizeof ans->problem, "does not cover the server's certificate");
out:
    OCSP_BASICRESP_free(bs);
}

bool mongouri__ocsp_must_staple(X509 *leaf)
{
    TLS_FEATURE *features = X509_get_ext_d2i(leaf, NID_tlsfeature, NULL, NULL);
    bool found = false;
    int i;

    for (i = 0; features != NULL && i < sk_ASN1_INTEGER_num(features); i++)
        if (ASN1_INTEGER_get(sk_ASN1_INTEGER_value(features, i)) == TLS_FEATURE_STATUS_REQUEST)
            found = true;
    TLS_FEATURE_free(features);
    return found;
}
