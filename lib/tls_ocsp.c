/*
 * OCSP for the OpenSSL applicator: the stapled response, a cache of
 * conclusive answers keyed by CertID, and the leaf's responders queried in
 * parallel under one deadline. Only the leaf is checked; soft-fail when
 * nothing conclusive is known.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "tls_int.h"

#define OCSP_MAX_RESPONDERS 8
#define OCSP_SKEW_SECONDS 300L                /* tolerated clock skew for thisUpdate */
#define OCSP_MAX_AGE_SECONDS (7L * 24 * 3600) /* an answer without nextUpdate */
#define OCSP_RESPONSE_MAX (256 * 1024)
#define TLS_FEATURE_STATUS_REQUEST 5

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

/* ------------------------------------------------------------------------ */
/* Cache                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct cache_entry {
    unsigned char *key; /* DER of the SHA-1 CertID */
    int key_len;
    int status; /* V_OCSP_CERTSTATUS_GOOD or _REVOKED */
    int reason;
    time_t this_update;
    time_t next_update;
    char revoked_at[32];
} cache_entry;

struct mongouri__ocsp_cache {
    pthread_mutex_t mu;
    size_t cap;
    size_t n;
    cache_entry *entries;
};

mongouri__ocsp_cache *mongouri__ocsp_cache_new(size_t capacity)
{
    mongouri__ocsp_cache *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->cap = capacity;
    c->entries = calloc(capacity == 0 ? 1 : capacity, sizeof *c->entries);
    if (c->entries == NULL || pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->entries);
        free(c);
        return NULL;
    }
    return c;
}

void mongouri__ocsp_cache_free(mongouri__ocsp_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n; i++)
        free(c->entries[i].key);
    free(c->entries);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static void cache_remove_at(mongouri__ocsp_cache *c, size_t i)
{
    free(c->entries[i].key);
    c->entries[i] = c->entries[--c->n];
}

static ptrdiff_t cache_find(mongouri__ocsp_cache *c, const unsigned char *key, int len)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (c->entries[i].key_len == len && memcmp(c->entries[i].key, key, (size_t)len) == 0)
            return (ptrdiff_t)i;
    return -1;
}

/* A valid entry (thisUpdate <= now < nextUpdate) for `key`: true and its fields. */
static bool cache_get(mongouri__ocsp_cache *c, const unsigned char *key, int len, cache_entry *out)
{
    time_t now = time(NULL);
    ptrdiff_t i;
    bool hit = false;

    if (c == NULL)
        return false;
    pthread_mutex_lock(&c->mu);
    i = cache_find(c, key, len);
    if (i >= 0) {
        cache_entry *e = &c->entries[i];

        if (now + OCSP_SKEW_SECONDS >= e->this_update && now < e->next_update) {
            *out = *e;
            out->key = NULL;
            hit = true;
        } else {
            cache_remove_at(c, (size_t)i);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

/* Remember a conclusive answer that has a nextUpdate in the future. */
static void cache_put(mongouri__ocsp_cache *c, const unsigned char *key, int len, int status,
                      int reason, time_t this_update, time_t next_update, const char *revoked_at)
{
    time_t now = time(NULL);
    cache_entry *e;
    ptrdiff_t i;

    if (c == NULL || c->cap == 0 || next_update <= now ||
        (status != V_OCSP_CERTSTATUS_GOOD && status != V_OCSP_CERTSTATUS_REVOKED))
        return;
    pthread_mutex_lock(&c->mu);
    i = cache_find(c, key, len);
    if (i >= 0) {
        /* A revocation always replaces the entry; otherwise only a newer
         * answer (a later thisUpdate) does. */
        if (status != V_OCSP_CERTSTATUS_REVOKED && c->entries[i].this_update > this_update)
            goto out;
        e = &c->entries[i];
    } else {
        size_t j, victim = 0;
        unsigned char *copy;

        for (j = c->n; j-- > 0;)
            if (c->entries[j].next_update <= now)
                cache_remove_at(c, j);
        if (c->n == c->cap) {
            for (j = 1; j < c->n; j++)
                if (c->entries[j].next_update < c->entries[victim].next_update)
                    victim = j;
            cache_remove_at(c, victim);
        }
        copy = malloc((size_t)len);
        if (copy == NULL)
            goto out;
        memcpy(copy, key, (size_t)len);
        e = &c->entries[c->n++];
        e->key = copy;
        e->key_len = len;
    }
    e->status = status;
    e->reason = reason;
    e->this_update = this_update;
    e->next_update = next_update;
    snprintf(e->revoked_at, sizeof e->revoked_at, "%s", revoked_at);
out:
    pthread_mutex_unlock(&c->mu);
}

/* ------------------------------------------------------------------------ */
/* Checking one OCSP response                                                */
/* ------------------------------------------------------------------------ */

typedef struct ocsp_answer {
    int status; /* V_OCSP_CERTSTATUS_*, -1 when the response is unusable */
    int reason; /* OCSP_REVOKED_STATUS_* */
    time_t this_update;
    time_t next_update; /* 0 when the response has none */
    char revoked_at[32];
    char problem[160]; /* why it is unusable */
} ocsp_answer;

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
static void check_response(OCSP_RESPONSE *resp, OCSP_REQUEST *req, X509 *leaf, X509 *issuer,
                           STACK_OF(X509) * chain, X509_STORE *store, ocsp_answer *ans)
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
        if (!OCSP_check_validity(thisupd, nextupd, OCSP_SKEW_SECONDS,
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

static bool must_staple(X509 *leaf)
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

/* ------------------------------------------------------------------------ */
/* Responders                                                                */
/* ------------------------------------------------------------------------ */

typedef struct responder {
    char url[256];
    unsigned char *http; /* the HTTP request */
    size_t http_len;
    char problem[160];
} responder;

typedef struct fetch {
    responder *r;
    mongouri__net_job *jobs;
    OCSP_REQUEST *req;
    X509 *leaf, *issuer;
    STACK_OF(X509) * chain;
    X509_STORE *store;
    ocsp_answer answer; /* the first conclusive one */
    int winner;         /* index of its responder, -1 */
} fetch;

static const char *find_header(const char *head, size_t len, const char *name)
{
    size_t nl = strlen(name), i;

    for (i = 0; i + nl < len; i++)
        if ((i == 0 || head[i - 1] == '\n') && mongouri__strncasecmp(head + i, name, nl) == 0)
            return head + i + nl;
    return NULL;
}

/* The DER body of an HTTP 200 answer; NULL with `problem` filled otherwise. */
static const unsigned char *http_body(const unsigned char *buf, size_t len, size_t *body_len,
                                      char *problem, size_t cap)
{
    const char *s = (const char *)buf;
    const char *cl;
    size_t i, head_len = 0;
    int code;

    if (len < 12 || memcmp(s, "HTTP/1.", 7) != 0) {
        snprintf(problem, cap, "not an HTTP answer");
        return NULL;
    }
    code = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (code != 200) {
        snprintf(problem, cap, "HTTP status %d", code);
        return NULL;
    }
    for (i = 0; i + 4 <= len; i++) {
        if (memcmp(s + i, "\r\n\r\n", 4) == 0) {
            head_len = i + 4;
            break;
        }
    }
    if (head_len == 0) {
        snprintf(problem, cap, "truncated HTTP answer");
        return NULL;
    }
    *body_len = len - head_len;
    cl = find_header(s, head_len, "content-length:");
    if (cl != NULL) {
        unsigned long v = strtoul(cl, NULL, 10);

        if (v < *body_len)
            *body_len = v;
    }
    return buf + head_len;
}

static bool on_answer(mongouri__net_job *job, void *arg)
{
    fetch *f = arg;
    int k = (int)(job - f->jobs);
    responder *r = &f->r[k];
    const unsigned char *body;
    size_t body_len = 0;
    OCSP_RESPONSE *resp;
    ocsp_answer ans;

    body = http_body(job->response, job->response_len, &body_len, r->problem, sizeof r->problem);
    if (body == NULL)
        return false;
    resp = d2i_OCSP_RESPONSE(NULL, &body, (long)body_len);
    if (resp == NULL) {
        snprintf(r->problem, sizeof r->problem, "answer is not an OCSP response");
        return false;
    }
    check_response(resp, f->req, f->leaf, f->issuer, f->chain, f->store, &ans);
    OCSP_RESPONSE_free(resp);
    if (ans.status == V_OCSP_CERTSTATUS_GOOD || ans.status == V_OCSP_CERTSTATUS_REVOKED) {
        f->answer = ans;
        f->winner = k;
        return true;
    }
    if (ans.status == V_OCSP_CERTSTATUS_UNKNOWN)
        snprintf(r->problem, sizeof r->problem, "status unknown");
    else
        snprintf(r->problem, sizeof r->problem, "%s", ans.problem);
    return false;
}

/* Append "url: problem" to `out`. */
static void append_problem(char *out, size_t cap, const char *url, const char *problem)
{
    size_t used = strlen(out);

    if (used + 1 >= cap)
        return;
    if (snprintf(out + used, cap - used, "%s%s: %s", used == 0 ? "" : "; ", url, problem) < 0)
        out[used] = '\0'; /* a long list is cut short */
}

/*
 * Ask every responder of the leaf's AIA at once; the first good or revoked
 * answer wins. `ans->status` stays -1 when nothing conclusive came back
 * before the deadline, and `summary` lists what each responder did.
 */
static void query_responders(X509 *leaf, X509 *issuer, STACK_OF(X509) * chain, X509_STORE *store,
                             int timeout_ms, ocsp_answer *ans, char *winner_url, size_t winner_cap,
                             char *summary, size_t summary_cap)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(leaf);
    unsigned char *der = NULL;
    int der_len, n, i, used = 0;
    fetch f;
    int64_t deadline = mongouri__now_ms() + timeout_ms;

    memset(&f, 0, sizeof f);
    memset(ans, 0, sizeof *ans);
    ans->status = -1;
    f.winner = -1;
    summary[0] = '\0';
    n = urls == NULL ? 0 : sk_OPENSSL_STRING_num(urls);
    if (n == 0) {
        snprintf(summary, summary_cap, "the certificate names no OCSP responder");
        goto out;
    }
    if (n > OCSP_MAX_RESPONDERS)
        n = OCSP_MAX_RESPONDERS;
    f.r = calloc((size_t)n, sizeof *f.r);
    f.jobs = calloc((size_t)n, sizeof *f.jobs);
    f.req = OCSP_REQUEST_new();
    if (f.r == NULL || f.jobs == NULL || f.req == NULL ||
        OCSP_request_add0_id(f.req, OCSP_cert_to_id(NULL, leaf, issuer)) == NULL ||
        !OCSP_request_add1_nonce(f.req, NULL, -1) ||
        (der_len = i2d_OCSP_REQUEST(f.req, &der)) <= 0) {
        snprintf(summary, summary_cap, "cannot build the OCSP request");
        goto out;
    }
    f.leaf = leaf;
    f.issuer = issuer;
    f.chain = chain;
    f.store = store;
    for (i = 0; i < n; i++) {
        const char *url = sk_OPENSSL_STRING_value(urls, i);
        char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
        int use_ssl = 0;
        char head[768];
        int head_len;
        responder *r = &f.r[used];

        snprintf(r->url, sizeof r->url, "%s", url);
        if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, &query, NULL)) {
            append_problem(summary, summary_cap, url, "unusable URL");
        } else if (use_ssl) {
            append_problem(summary, summary_cap, url, "https responders are not used");
        } else {
            bool has_query = query != NULL && query[0] != '\0';
            size_t hl = strlen(host);

            /* OSSL_HTTP_parse_url keeps the brackets of an IPv6 literal. */
            head_len =
                snprintf(head, sizeof head,
                         "POST %s%s%s HTTP/1.0\r\nHost: %s:%s\r\n"
                         "Content-Type: application/ocsp-request\r\n"
                         "Accept: application/ocsp-response\r\n"
                         "Content-Length: %d\r\nConnection: close\r\n\r\n",
                         path, has_query ? "?" : "", has_query ? query : "", host, port, der_len);
            if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
                memmove(host, host + 1, hl - 2);
                host[hl - 2] = '\0';
            }
            r->http = head_len > 0 && (size_t)head_len < sizeof head
                          ? malloc((size_t)head_len + (size_t)der_len)
                          : NULL;
            if (r->http == NULL) {
                append_problem(summary, summary_cap, url, "cannot build the request");
            } else {
                memcpy(r->http, head, (size_t)head_len);
                memcpy(r->http + head_len, der, (size_t)der_len);
                r->http_len = (size_t)head_len + (size_t)der_len;
                mongouri__net_job_init(&f.jobs[used], host, port);
                f.jobs[used].request = r->http;
                f.jobs[used].request_len = r->http_len;
                f.jobs[used].response_max = OCSP_RESPONSE_MAX;
                used++;
            }
        }
        OPENSSL_free(host);
        OPENSSL_free(port);
        OPENSSL_free(path);
        OPENSSL_free(query);
    }
    mongouri__net_run(f.jobs, (size_t)used, deadline, on_answer, &f);
    if (f.winner >= 0) {
        *ans = f.answer;
        snprintf(winner_url, winner_cap, "%s", f.r[f.winner].url);
    } else {
        for (i = 0; i < used; i++) {
            const char *why = f.r[i].problem[0] != '\0' ? f.r[i].problem : f.jobs[i].error;

            if (f.jobs[i].state == MONGOURI__NET_FAILED && f.r[i].problem[0] == '\0' &&
                strncmp(why, "deadline", 8) == 0) {
                char t[64];

                snprintf(t, sizeof t, "no answer within %d ms", timeout_ms);
                append_problem(summary, summary_cap, f.r[i].url, t);
            } else {
                append_problem(summary, summary_cap, f.r[i].url, why);
            }
        }
    }
    for (i = 0; i < used; i++)
        mongouri__net_job_clear(&f.jobs[i]);
out:
    for (i = 0; f.r != NULL && i < n; i++)
        free(f.r[i].http);
    free(f.r);
    free(f.jobs);
    OPENSSL_free(der);
    OCSP_REQUEST_free(f.req);
    X509_email_free(urls);
}

/* ------------------------------------------------------------------------ */
/* The status callback                                                       */
/* ------------------------------------------------------------------------ */

static void describe(mongouri__tls_ssl_state *st, const char *verdict, const char *source,
                     const ocsp_answer *ans)
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
                    const ocsp_answer *ans, const char *source_text)
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
    ocsp_answer ans;
    cache_entry hit;

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
            check_response(resp, NULL, leaf, issuer, chain, store, &ans);
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
                cache_put(cs->cache, key, key_len, ans.status, ans.reason, ans.this_update,
                          ans.next_update, ans.revoked_at);
            ret = conclude(st, MONGOURI_TLS_REV_STAPLE, &ans, "the stapled OCSP response");
            goto out;
        }
    } else if (must_staple(leaf)) {
        st->rev = MONGOURI__REV_MUST_STAPLE_MISSING;
        st->rev_source = MONGOURI_TLS_REV_STAPLE;
        snprintf(st->rev_detail, sizeof st->rev_detail,
                 "the certificate requires an OCSP staple (TLS feature status_request) "
                 "and the server sent none");
        ret = 0;
        goto out;
    }

    /* 4: an earlier conclusive answer. */
    if (key_len > 0 && cache_get(cs->cache, key, key_len, &hit)) {
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
        query_responders(leaf, issuer, chain, store, timeout_ms, &ans, url, sizeof url, summary,
                         sizeof summary);
        if (ans.status >= 0) {
            if (key_len > 0)
                cache_put(cs->cache, key, key_len, ans.status, ans.reason, ans.this_update,
                          ans.next_update, ans.revoked_at);
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
