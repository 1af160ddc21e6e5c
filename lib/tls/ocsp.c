/*
 * OCSP for the OpenSSL applicator: the stapled response, a cache of
 * conclusive answers keyed by CertID, and the leaf's responders queried in
 * parallel under one deadline. Only the leaf is checked; soft-fail when
 * nothing conclusive is known.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "tls/labels.h"
#include "tls/ocsp.h"
#include "tls/ocsp_cache.h"
#include "tls/ocsp_responders.h"
#include "tls/ocsp_response.h"
#include "tls/state.h"
#include "tls/net.h"
#include "ares_loop_int.h"

static void describe(mongouri__tls_ssl_state *st, const char *verdict, const char *source,
                     const mongouri__ocsp_answer *ans)
{
    if (ans != NULL && ans->status == V_OCSP_CERTSTATUS_REVOKED)
        snprintf(st->rev_detail, sizeof st->rev_detail, "%s per %s (%s, since %s)", verdict, source,
                 mongouri__crl_reason_name(ans->reason),
                 ans->revoked_at[0] != '\0' ? ans->revoked_at : "unknown time");
    else
        snprintf(st->rev_detail, sizeof st->rev_detail, "%s per %s", verdict, source);
}

/* Record a conclusive answer; returns what the callback must return. */
static int conclude(mongouri__tls_ssl_state *st, mongouri_tls_revocation_source src,
                    const mongouri__ocsp_answer *ans, const char *source_text)
{
    st->rev_source = src;
    if (ans->status == V_OCSP_CERTSTATUS_REVOKED) {
        st->rev = MONGOURI__REV_REVOKED;
        st->rev_reason = ans->reason;
        describe(st, "revoked", source_text, ans);
        return 0;
    }
    st->rev = MONGOURI__REV_GOOD;
    describe(st, "good", source_text, ans);
    return 1;
}

int mongouri__ocsp_status_cb(SSL *ssl, void *arg)
{
    mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    mongouri__tls_ctx_state *cs = mongouri__tls_ctx_state_get(ctx);
    X509 *leaf = SSL_get0_peer_certificate(ssl);
    STACK_OF(X509) *chain = SSL_get0_verified_chain(ssl);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509 *issuer;
    OCSP_CERTID *id = NULL;
    unsigned char *key = NULL;
    const unsigned char *p = NULL;
    int key_len = 0, ret = 1;
    long len;
    mongouri__ocsp_answer ans;
    mongouri__ocsp_cache_entry hit;

    (void)arg;
    if (st == NULL || cs == NULL || leaf == NULL ||
        (cs->revocation != MONGOURI_REVOCATION_OCSP &&
         cs->revocation != MONGOURI_REVOCATION_OCSP_STAPLE_ONLY) ||
        SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE)
        return 1;
    ERR_set_mark();
    issuer = chain != NULL && sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;
    if (issuer == NULL) {
        st->rev = MONGOURI__REV_UNKNOWN;
        st->rev_source = MONGOURI_TLS_REV_SOFT_FAIL;
        snprintf(st->rev_detail, sizeof st->rev_detail,
                 "not checked: the server's certificate is its own issuer");
        goto out;
    }
    id = OCSP_cert_to_id(NULL, leaf, issuer);
    key_len = id == NULL ? 0 : i2d_OCSP_CERTID(id, &key);

    /* 1-3: the staple decides when it is valid and conclusive. */
    len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
    if (len > 0 && p != NULL) {
        OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, len);

        st->staple_received = true;
        if (resp == NULL) {
            memset(&ans, 0, sizeof ans);
            ans.status = -1;
            snprintf(ans.problem, sizeof ans.problem, "not an OCSP response");
        } else {
            mongouri__ocsp_check_response(resp, NULL, leaf, issuer, chain, store, &ans);
            OCSP_RESPONSE_free(resp);
        }
        if (ans.status < 0) {
            st->rev = MONGOURI__REV_STAPLE_INVALID;
            st->rev_source = MONGOURI_TLS_REV_STAPLE;
            snprintf(st->rev_detail, sizeof st->rev_detail,
                     "the stapled OCSP response is invalid: %s", ans.problem);
            ret = 0;
            goto out;
        }
        if (ans.status != V_OCSP_CERTSTATUS_UNKNOWN) {
            if (key_len > 0)
                mongouri__ocsp_cache_put(cs->cache, key, key_len, ans.status, ans.reason,
                                         ans.this_update, ans.next_update, ans.revoked_at);
            ret = conclude(st, MONGOURI_TLS_REV_STAPLE, &ans, "the stapled OCSP response");
            goto out;
        }
    } else if (mongouri__ocsp_must_staple(leaf)) {
        st->rev = MONGOURI__REV_MUST_STAPLE_MISSING;
        st->rev_source = MONGOURI_TLS_REV_STAPLE;
        snprintf(st->rev_detail, sizeof st->rev_detail,
                 "the certificate requires an OCSP staple (TLS feature status_request) "
                 "and the server sent none");
        ret = 0;
        goto out;
    }

    /* 4: an earlier conclusive answer. */
    if (key_len > 0 && mongouri__ocsp_cache_get(cs->cache, key, key_len, &hit)) {
        memset(&ans, 0, sizeof ans);
        ans.status = hit.status;
        ans.reason = hit.reason;
        snprintf(ans.revoked_at, sizeof ans.revoked_at, "%s", hit.revoked_at);
        ret = conclude(st, MONGOURI_TLS_REV_CACHE, &ans, "the OCSP cache");
        goto out;
    }

    /* 7: the responders, unless endpoint checks are off; 10: soft-fail. */
    st->rev = MONGOURI__REV_UNKNOWN;
    st->rev_source = MONGOURI_TLS_REV_SOFT_FAIL;
    if (cs->revocation == MONGOURI_REVOCATION_OCSP_STAPLE_ONLY) {
        snprintf(st->rev_detail, sizeof st->rev_detail,
                 "unknown: %s; responders not contacted (tlsDisableOCSPEndpointCheck)",
                 st->staple_received ? "the staple says unknown" : "no staple");
        goto out;
    } else {
        char url[256] = "", summary[200] = "", source[300];

        int timeout_ms = cs->ocsp_timeout_ms;

        /* Soft-fail means the connection goes ahead: leave it time to. */
        if (st->deadline_ms > 0) {
            int64_t share = (st->deadline_ms - mongouri__now_ms()) / 2;

            if (share < timeout_ms)
                timeout_ms = share < 1 ? 1 : (int)share;
        }
        mongouri__ocsp_query_responders(leaf, issuer, chain, store, timeout_ms, &ans, url,
                                        sizeof url, summary, sizeof summary);
        if (ans.status >= 0) {
            if (key_len > 0)
                mongouri__ocsp_cache_put(cs->cache, key, key_len, ans.status, ans.reason,
                                         ans.this_update, ans.next_update, ans.revoked_at);
            snprintf(source, sizeof source, "OCSP responder %s", url);
            ret = conclude(st, MONGOURI_TLS_REV_RESPONDER, &ans, source);
            goto out;
        }
        snprintf(st->rev_detail, sizeof st->rev_detail, "unknown (soft-fail): %s%s",
                 st->staple_received ? "the staple says unknown; " : "no staple; ", summary);
    }
out:
    ERR_pop_to_mark();
    OPENSSL_free(key);
    OCSP_CERTID_free(id);
    return ret;
}
