/*
 * The responders of the leaf's AIA: one HTTP/1.0 POST each (plain http
 * only), sent in parallel through the network jobs of tls/net.c; the
 * first conclusive answer wins.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "tls/ocsp_responders.h"
#include "tls/net.h"
#include "ares_loop_int.h"
#include "tls/ocsp_response.h"
#include "util_int.h"

#define OCSP_MAX_RESPONDERS 8
#define OCSP_RESPONSE_MAX (256 * 1024)

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
    mongouri__ocsp_answer answer; /* the first conclusive one */
    int winner;                   /* index of its responder, -1 */
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
    mongouri__ocsp_answer ans;

    body = http_body(job->response, job->response_len, &body_len, r->problem, sizeof r->problem);
    if (body == NULL)
        return false;
    resp = d2i_OCSP_RESPONSE(NULL, &body, (long)body_len);
    if (resp == NULL) {
        snprintf(r->problem, sizeof r->problem, "answer is not an OCSP response");
        return false;
    }
    mongouri__ocsp_check_response(resp, f->req, f->leaf, f->issuer, f->chain, f->store, &ans);
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
void mongouri__ocsp_query_responders(X509 *leaf, X509 *issuer, STACK_OF(X509) * chain,
                                     X509_STORE *store, int timeout_ms, mongouri__ocsp_answer *ans,
                                     char *winner_url, size_t winner_cap, char *summary,
                                     size_t summary_cap)
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
