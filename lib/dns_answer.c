/*
 * DNS answers: a bounded walk over the message (c-ares 1.18 has no record
 * API, and ares_parse_srv_reply neither gives owners nor refuses odd
 * targets). Only records of the queried name (or of a CNAME chain from it)
 * count; the TXT record is kept raw and shown with \xHH escapes. Parsed
 * inside the c-ares callbacks: the buffer dies with them.
 */
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>
#include <ares_dns.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ares_loop_int.h"
#include "dns_answer_int.h"
#include "dns_report_int.h"
#include "util_int.h"

#define MAX_CNAMES 8 /* links followed from the queried name */

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

char *mongouri__dns_name_dup(const char *s, size_t n)
{
    char *out;
    size_t i;

    while (n > 0 && s[n - 1] == '.')
        n--;
    out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        out[i] = ascii_lower(s[i]);
    out[n] = '\0';
    return out;
}

bool mongouri__dns_same_name(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);

    while (na > 0 && a[na - 1] == '.')
        na--;
    while (nb > 0 && b[nb - 1] == '.')
        nb--;
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */
/* ------------------------------------------------------------------------ */

struct seed {
    char *host;
    uint16_t port;
};

static int seed_cmp(const void *a, const void *b)
{
    const struct seed *x = a, *y = b;
    int c = strcmp(x->host, y->host);

    if (c != 0)
        return c;
    return (x->port > y->port) - (x->port < y->port);
}

/* One resource record of the answer section. */
struct rr {
    char *owner; /* lower case, no trailing dot (c-ares' escaped text) */
    unsigned type;
    uint32_t ttl;
    const unsigned char *rdata;
    size_t rdlen;
};

/* Expand the name at `p` (c-ares: compression, loop and bound checks);
 * `*len` receives its encoded length. Returns ARES_*. */
static int expand_name(const unsigned char *p, const unsigned char *abuf, int alen, char **out,
                       long *len)
{
    char *s = NULL;
    int rc = ares_expand_name(p, abuf, alen, &s, len);
    char *copy;

    if (rc != ARES_SUCCESS)
        return rc == ARES_ENOMEM ? ARES_ENOMEM : ARES_EBADRESP;
    copy = mongouri__dns_name_dup(s, strlen(s));
    ares_free_string(s);
    if (copy == NULL)
        return ARES_ENOMEM;
    *out = copy;
    return ARES_SUCCESS;
}

/* Skip one encoded name (bounds only; expand_name reads the ones we use). */
static bool skip_name(const unsigned char *abuf, size_t alen, size_t *at)
{
    size_t p = *at;

    for (int labels = 0; labels < 128; labels++) {
        unsigned len;

        if (p >= alen)
            return false;
        len = abuf[p];
        if ((len & 0xC0) == 0xC0) {
            if (p + 2 > alen)
                return false;
            *at = p + 2;
            return true;
        }
        if (len & 0xC0)
            return false;
        p++;
        if (len == 0) {
            *at = p;
            return true;
        }
        p += len;
    }
    return false;
}

typedef struct walk {
    struct rr *rrs;
    size_t n;
    char *chain[MAX_CNAMES + 1]; /* the queried name, then each CNAME target */
    size_t nchain;
} walk;

static void walk_free(walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->rrs[i].owner);
    free(w->rrs);
    for (size_t i = 0; i < w->nchain; i++)
        free(w->chain[i]);
    memset(w, 0, sizeof *w);
}

static bool in_chain(const walk *w, const char *owner)
{
    for (size_t i = 0; i < w->nchain; i++)
        if (mongouri__dns_same_name(w->chain[i], owner))
            return true;
    return false;
}

/*
 * Read the answer section of `abuf` and follow the CNAME chain from `qname`.
 * Returns ARES_SUCCESS, ARES_ENOMEM, or ARES_EBADRESP with q->bad set.
 */
static int walk_answer(walk *w, mongouri__dns_query *q, const unsigned char *abuf, int alen,
                       const char *qname)
{
    size_t at = HFIXEDSZ, n = (size_t)alen;
    unsigned qd = DNS_HEADER_QDCOUNT(abuf), an = DNS_HEADER_ANCOUNT(abuf);
    int rc;

    memset(w, 0, sizeof *w);
    if (qd != 1) {
        snprintf(q->bad, sizeof q->bad, "%u questions instead of 1", qd);
        return ARES_EBADRESP;
    }
    if (!skip_name(abuf, n, &at) || at + QFIXEDSZ > n) {
        snprintf(q->bad, sizeof q->bad, "the question section is cut short");
        return ARES_EBADRESP;
    }
    at += QFIXEDSZ;
    /* Every record takes at least 11 bytes: no count can make us allocate more. */
    if (an > (n - at) / 11) {
        snprintf(q->bad, sizeof q->bad, "it claims %u answer records in %zu bytes", an, n - at);
        return ARES_EBADRESP;
    }
    w->rrs = mongouri__dns_calloc(an ? an : 1, sizeof *w->rrs);
    w->chain[0] = mongouri__dns_name_dup(qname, strlen(qname));
    if (w->rrs == NULL || w->chain[0] == NULL) {
        free(w->chain[0]);
        w->chain[0] = NULL;
        return ARES_ENOMEM;
    }
    w->nchain = 1;
    for (unsigned i = 0; i < an; i++) {
        struct rr *r = &w->rrs[w->n];
        long len = 0;

        rc = expand_name(abuf + at, abuf, alen, &r->owner, &len);
        if (rc != ARES_SUCCESS) {
            snprintf(q->bad, sizeof q->bad, "the owner name of answer record %u is invalid", i + 1);
            return rc;
        }
        w->n++;
        at += (size_t)len;
        if (at + RRFIXEDSZ > n) {
            snprintf(q->bad, sizeof q->bad, "answer record %u is cut short", i + 1);
            return ARES_EBADRESP;
        }
        r->type = DNS_RR_TYPE(abuf + at);
        r->ttl = (uint32_t)DNS__32BIT(abuf + at + 4);
        r->rdlen = DNS_RR_LEN(abuf + at);
        at += RRFIXEDSZ;
        if (r->rdlen > n - at) {
            snprintf(q->bad, sizeof q->bad,
                     "answer record %u has %zu bytes of data past the "
                     "end of the message",
                     i + 1, r->rdlen - (n - at));
            return ARES_EBADRESP;
        }
        if (DNS_RR_CLASS(abuf + at - RRFIXEDSZ) != ns_c_in)
            r->type = 0; /* not class IN: never used */
        r->rdata = abuf + at;
        at += r->rdlen;
    }
    /* The CNAME chain, in whatever order its records came. */
    for (bool grown = true; grown && w->nchain <= MAX_CNAMES;) {
        grown = false;
        for (size_t i = 0; i < w->n && w->nchain <= MAX_CNAMES; i++) {
            struct rr *r = &w->rrs[i];
            char *target = NULL;
            long len = 0;

            if (r->type != ns_t_cname ||
                !mongouri__dns_same_name(r->owner, w->chain[w->nchain - 1]))
                continue;
            rc = expand_name(r->rdata, abuf, alen, &target, &len);
            if (rc != ARES_SUCCESS || (size_t)len > r->rdlen) {
                free(target);
                if (rc == ARES_ENOMEM)
                    return rc;
                snprintf(q->bad, sizeof q->bad, "the CNAME record of \"%.100s\" is invalid",
                         r->owner);
                return ARES_EBADRESP;
            }
            if (in_chain(w, target)) { /* a loop: stop following */
                free(target);
                continue;
            }
            w->chain[w->nchain++] = target;
            grown = true;
            break;
        }
    }
    return ARES_SUCCESS;
}

/* Min of two TTLs, where 0 in `cur` means none yet. */
static uint32_t min_ttl(uint32_t cur, uint32_t ttl, bool first)
{
    return first || ttl < cur ? ttl : cur;
}

int mongouri__dns_parse_srv(mongouri_resolve_report *r, mongouri__dns_query *q,
                            const unsigned char *abuf, int alen)
{
    struct seed *seeds = NULL;
    size_t n = 0, i;
    walk w;
    int rc;

    rc = walk_answer(&w, q, abuf, alen, q->name);
    if (rc != ARES_SUCCESS)
        goto out;
    seeds = mongouri__dns_calloc(w.n ? w.n : 1, sizeof *seeds);
    if (seeds == NULL) {
        rc = ARES_ENOMEM;
        goto out;
    }
    for (i = 0; i < w.n; i++) {
        const struct rr *x = &w.rrs[i];
        long len = 0;

        if (x->type != ns_t_srv)
            continue;
        if (!in_chain(&w, x->owner)) {
            q->ignored++; /* a record of another name: never a seed */
            continue;
        }
        if (x->rdlen < 7) {
            snprintf(q->bad, sizeof q->bad,
                     "an SRV record of \"%.100s\" has %zu bytes of data "
                     "(at least 7 needed)",
                     x->owner, x->rdlen);
            rc = ARES_EBADRESP;
            goto out;
        }
        rc = expand_name(x->rdata + 6, abuf, alen, &seeds[n].host, &len);
        if (rc == ARES_SUCCESS && (size_t)len > x->rdlen - 6) {
            free(seeds[n].host);
            rc = ARES_EBADRESP;
        }
        if (rc != ARES_SUCCESS) {
            if (rc == ARES_EBADRESP)
                snprintf(q->bad, sizeof q->bad,
                         "the target of an SRV record of \"%.100s\" is "
                         "not a valid encoded name",
                         x->owner);
            goto out;
        }
        seeds[n].port = (uint16_t)DNS__16BIT(x->rdata + 4);
        r->srv_min_ttl = min_ttl(r->srv_min_ttl, x->ttl, n == 0);
        n++;
    }
    q->records = n;
    if (n == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    r->srv_targets = mongouri__dns_calloc(n, sizeof *r->srv_targets);
    r->srv_ports = mongouri__dns_calloc(n, sizeof *r->srv_ports);
    if (r->srv_targets == NULL || r->srv_ports == NULL) {
        free(r->srv_targets);
        free(r->srv_ports);
        r->srv_targets = NULL;
        r->srv_ports = NULL;
        rc = ARES_ENOMEM;
        goto out;
    }
    qsort(seeds, n, sizeof *seeds, seed_cmp);
    for (i = 0; i < n; i++) {
        r->srv_targets[i] = seeds[i].host;
        r->srv_ports[i] = seeds[i].port;
        seeds[i].host = NULL;
    }
    r->nsrv = n;
    rc = ARES_SUCCESS;
out:
    if (rc != ARES_SUCCESS && rc != ARES_ENODATA)
        r->srv_min_ttl = 0;
    if (seeds != NULL)
        for (i = 0; i < n; i++)
            free(seeds[i].host);
    free(seeds);
    walk_free(&w);
    if (rc == ARES_ENOMEM)
        r->oom = true;
    return rc;
}

/* The record for display: valid UTF-8 kept, every other byte (and NUL) as \xHH. */
static char *shown_txt(const char *s, size_t n)
{
    char *out = mongouri__dns_malloc(n * 4 + 1), *o = out;
    size_t i = 0, bad;

    if (out == NULL)
        return NULL;
    while (i < n) {
        size_t k;

        if (mongouri__utf8_valid(s + i, n - i, &bad))
            bad = n - i;
        for (k = 0; k < bad; k++) {
            if (s[i + k] == '\0')
                break;
            *o++ = s[i + k];
        }
        i += k;
        if (i < n) {
            snprintf(o, 5, "\\x%02X", (unsigned char)s[i]);
            o += 4;
            i++;
        }
    }
    *o = '\0';
    return out;
}

int mongouri__dns_parse_txt(mongouri_resolve_report *r, mongouri__dns_query *q,
                            const unsigned char *abuf, int alen)
{
    size_t records = 0, len = 0, i;
    const struct rr *first = NULL;
    walk w;
    int rc;

    rc = walk_answer(&w, q, abuf, alen, q->name);
    if (rc != ARES_SUCCESS)
        goto out;
    for (i = 0; i < w.n; i++) {
        const struct rr *x = &w.rrs[i];
        size_t at = 0;

        if (x->type != ns_t_txt)
            continue;
        if (!in_chain(&w, x->owner)) {
            q->ignored++;
            continue;
        }
        /* character-strings: <length><bytes>..., exactly filling the data */
        while (at < x->rdlen) {
            size_t k = x->rdata[at];

            if (k > x->rdlen - at - 1) {
                snprintf(q->bad, sizeof q->bad,
                         "a character-string of a TXT record of "
                         "\"%.80s\" runs past its record",
                         x->owner);
                rc = ARES_EBADRESP;
                goto out;
            }
            if (records == 0)
                len += k;
            at += 1 + k;
        }
        if (records++ == 0)
            first = x;
    }
    q->records = records;
    if (records == 0) {
        rc = ARES_ENODATA;
        goto out;
    }
    r->txt = mongouri__dns_malloc(len + 1);
    if (r->txt == NULL) {
        rc = ARES_ENOMEM;
        goto out;
    }
    len = 0;
    for (i = 0; i < first->rdlen;) {
        size_t k = first->rdata[i];

        memcpy(r->txt + len, first->rdata + i + 1, k);
        len += k;
        i += 1 + k;
    }
    r->txt[len] = '\0';
    r->txt_len = len; /* may differ from strlen() when the record holds a NUL */
    r->txt_shown = shown_txt(r->txt, len);
    if (r->txt_shown == NULL)
        rc = ARES_ENOMEM;
out:
    walk_free(&w);
    if (rc == ARES_ENOMEM)
        r->oom = true;
    return rc;
}
