/*
 * The parse pipeline: split the connection string (scheme, userinfo, hosts,
 * database, query), type every option through the option table, merge
 * keyword options (and TXT options after a resolution), then run the
 * cross-option rules and normalize credentials and TLS.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "merge_int.h"
#include "value_int.h"

#define SCHEME "mongodb://"
#define SCHEME_SRV "mongodb+srv://"

typedef struct ctx {
    mongouri_uri *uri;
    mongouri_error *err;
    const char *text; /* the input */
    size_t len;
    long srv_offset; /* the SRV host in the input: where TXT errors point */
    long srv_length;
    /* The secret ranges of the input (the tokenizer's), found on the first
     * message that would show input text; sorted and merged. */
    bool query_semicolon; /* the query holds a ';' (raw or %3B) somewhere */
    bool spans_ready;
    bool spans_failed; /* out of memory: every range counts as secret */
    size_t nspans, capspans;
    size_t (*spans)[2];
} ctx;

static bool span_add(void *vc, size_t start, size_t end)
{
    ctx *c = vc;

    if (end <= start)
        return true;
    if (c->nspans == c->capspans) {
        size_t cap = c->capspans == 0 ? 8 : c->capspans * 2;
        size_t(*grown)[2] = realloc(c->spans, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        c->spans = grown;
        c->capspans = cap;
    }
    c->spans[c->nspans][0] = start;
    c->spans[c->nspans][1] = end;
    c->nspans++;
    return true;
}

static int span_cmp(const void *a, const void *b)
{
    const size_t *x = a, *y = b;

    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Does input[start, end) touch a byte the tokenizer calls secret? */
static bool secret_at(ctx *c, size_t start, size_t end)
{
    size_t lo = 0, hi;

    if (!c->spans_ready) {
        c->spans_ready = true;
        if (!mongouri__secret_spans(c->text, c->len, span_add, c)) {
            c->spans_failed = true;
        } else if (c->nspans > 1) {
            size_t o = 0;
            qsort(c->spans, c->nspans, sizeof *c->spans, span_cmp);
            for (size_t i = 1; i < c->nspans; i++) {
                if (c->spans[i][0] <= c->spans[o][1]) {
                    if (c->spans[i][1] > c->spans[o][1])
                        c->spans[o][1] = c->spans[i][1];
                } else {
                    o++;
                    c->spans[o][0] = c->spans[i][0];
                    c->spans[o][1] = c->spans[i][1];
                }
            }
            c->nspans = o + 1;
        }
    }
    if (c->spans_failed)
        return true;
    if (end <= start)
        end = start + 1;
    /* the first span that ends after `start` */
    hi = c->nspans;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->spans[mid][1] <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nspans && c->spans[lo][0] < end;
}

/* Point a TXT-record error at the SRV host name it came from. */
static mongouri_status txt_error(ctx *c, mongouri_status rc)
{
    if (c->err != NULL) {
        c->err->source = MONGOURI_SOURCE_TXT;
        if (c->err->offset < 0) {
            c->err->offset = c->srv_offset;
            c->err->length = c->srv_length;
        }
    }
    return rc;
}

static mongouri_status nomem(mongouri_error *err)
{
    return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                               "out of memory");
}

const mongouri__value mongouri__unset = {.offset = -1, .present_offset = -1};

mongouri__value *mongouri__slot(mongouri_uri *u, int id)
{
    mongouri__value *v;

    if (u->slot[id] != 0)
        return &u->vals[u->slot[id] - 1];
    if (u->nvals == u->capvals) {
        /* Values move when the array grows: callers hold no value pointer
         * across the creation of another. */
        uint8_t cap = u->capvals == 0
                          ? 8
                          : (uint8_t)(u->capvals * 2 > MONGOURI_OPT__COUNT ? MONGOURI_OPT__COUNT
                                                                           : u->capvals * 2);
        mongouri__value *grown = mongouri__arena_alloc(&u->arena, cap * sizeof *grown);
        if (grown == NULL)
            return NULL;
        if (u->nvals > 0)
            memcpy(grown, u->vals, u->nvals * sizeof *grown);
        u->vals = grown;
        u->capvals = cap;
    }
    v = &u->vals[u->nvals];
    *v = mongouri__unset;
    v->id = (uint8_t)id;
    u->slot[id] = ++u->nvals;
    return v;
}

/* ------------------------------------------------------------------------ */
/* Warnings                                                                  */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri__warn(mongouri_uri *uri, mongouri_error *err, mongouri_diag code,
                               const char *option, mongouri_source source, long offset, long length,
                               const char *fmt, ...)
{
    mongouri_error *w;
    va_list ap;

    if (uri->flags & MONGOURI_PARSE_STRICT) {
        if (err != NULL) {
            mongouri__error_set(err, MONGOURI_E_OPTION, code, option, offset, length, "%s", "");
            err->source = source;
            char *tail;
            va_start(ap, fmt);
            vsnprintf(err->message, sizeof err->message, fmt, ap);
            va_end(ap);
            /* The option is refused, not ignored or overridden: say so. */
            if ((tail = strstr(err->message, "; the option is ignored")) != NULL ||
                (tail = strstr(err->message, "; the last value is used")) != NULL)
                *tail = '\0';
            else if ((tail = strstr(err->message, " is ignored")) != NULL)
                memcpy(tail, " is refused", strlen(" is refused")); /* same length */
            mongouri__error_hint(err, "strict mode turns this warning into an error");
        }
        return MONGOURI_E_OPTION;
    }
    if (uri->nwarnings >= MONGOURI__MAX_WARNINGS) {
        /* Bounded memory: the last slot counts what was not kept. */
        w = &uri->warnings[MONGOURI__MAX_WARNINGS - 1];
        uri->warnings_dropped++;
        mongouri__error_set(w, MONGOURI_OK, MONGOURI_D_LIMIT, NULL, -1, 0,
                            "%zu more warnings were not recorded", uri->warnings_dropped + 1);
        return MONGOURI_OK;
    }
    if (uri->nwarnings == uri->capwarnings) {
        size_t cap = uri->capwarnings == 0 ? 4 : uri->capwarnings * 2;
        mongouri_error *grown = mongouri__arena_alloc(&uri->arena, cap * sizeof *grown);
        if (grown == NULL)
            return nomem(err);
        if (uri->nwarnings > 0)
            memcpy(grown, uri->warnings, uri->nwarnings * sizeof *grown);
        uri->warnings = grown;
        uri->capwarnings = cap;
    }
    w = &uri->warnings[uri->nwarnings++];
    mongouri__error_set(w, MONGOURI_OK, code, option, offset, length, "%s", "");
    w->source = source;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Options: typed by value.c, merged by level by merge.c                     */
/* ------------------------------------------------------------------------ */

typedef mongouri__pair pair;

static bool secret_in_text(void *vc, size_t start, size_t end)
{
    return secret_at(vc, start, end);
}

/* One key=value occurrence from any source. */
static mongouri_status apply_pair(ctx *c, const pair *p)
{
    mongouri__vctx v = {c->uri,        c->err,       secret_in_text, c, c->query_semicolon,
                        c->srv_offset, c->srv_length};

    return mongouri__merge_pair(&v, p);
}

/* ------------------------------------------------------------------------ */
/* Splitting the connection string                                           */
/* ------------------------------------------------------------------------ */

static mongouri_status syntax(ctx *c, mongouri_diag code, size_t at, size_t len, const char *fmt,
                              const char *arg)
{
    char msg[256];

    snprintf(msg, sizeof msg, fmt, arg);
    return mongouri__error_set(c->err, MONGOURI_E_SYNTAX, code, NULL, (long)at, (long)len, "%s",
                               msg);
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_ipv4(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;

    while (i <= n) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - start < 3) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return false;
        parts++;
        if (i == n)
            break;
        if (s[i] != '.' || parts == 4)
            return false;
        i++;
    }
    return parts == 4;
}

/* ASCII characters allowed raw in a host name: letters, digits, - . _ ~ (3: A-Z) */
static const uint8_t host_ascii[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Characters allowed in a host name: host_ascii and UTF-8 bytes. */
static bool host_char(unsigned char ch)
{
    return ch >= 0x80 || host_ascii[ch] != 0;
}

static mongouri_status bad_host_char(ctx *c, size_t at, unsigned char ch)
{
    char shown[8];
    mongouri_status rc;

    if (ch < 0x20 || ch == 0x7f)
        snprintf(shown, sizeof shown, "0x%02x", ch);
    else
        snprintf(shown, sizeof shown, "'%c'", ch);
    rc = syntax(c, MONGOURI_D_BAD_HOST, at, 1, "character %s is not allowed in a host name", shown);
    if (ch == ' ' || ch == '/')
        mongouri__error_hint(c->err, "percent-encode a unix socket path: "
                                     "%%2Ftmp%%2Fmongodb-27017.sock");
    return rc;
}

static mongouri_status parse_port(ctx *c, size_t at, size_t n, uint16_t *port)
{
    const char *s = c->text + at;
    unsigned v = 0;

    if (n == 0) /* point at the ':' */
        return syntax(c, MONGOURI_D_BAD_PORT, at - 1, 1, "%s", "a ':' must be followed by a port");
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            mongouri_status rc =
                syntax(c, MONGOURI_D_BAD_PORT, at, n, "%s", "the port is not a number");
            mongouri__error_hint(c->err, "a port is 1 to 65535; an IPv6 address goes in "
                                         "brackets, [::1]:27017");
            return rc;
        }
        if (v <= 65535)
            v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > 65535) {
        char num[16];
        if (n > 6)
            return syntax(c, MONGOURI_D_BAD_PORT, at, n, "%s",
                          "the port is out of range (1 to 65535)");
        if (secret_at(c, at, at + n))
            return syntax(c, MONGOURI_D_BAD_PORT, at, n, "%s",
                          "the port is out of range (1 to 65535)");
        snprintf(num, sizeof num, "%.*s", (int)n, s);
        return syntax(c, MONGOURI_D_BAD_PORT, at, n, "port %s is out of range (1 to 65535)", num);
    }
    *port = (uint16_t)v;
    return MONGOURI_OK;
}

/*
 * A host name (decoded dec[0..dlen) of the raw s[0..hl) at `at`) must be a
 * DNS name: labels of 1 to 63 characters, at most 253 characters in all
 * (RFC 1034 3.1, 1123 2.1). One trailing dot (an absolute name, as resolvers
 * and the drivers accept it) is allowed and not counted. Lengths are of the
 * decoded bytes; the error points at the offending label.
 */
static mongouri_status check_dns_name(ctx *c, size_t at, const char *s, size_t hl, const char *dec,
                                      size_t dlen)
{
    size_t n = dlen > 1 && dec[dlen - 1] == '.' ? dlen - 1 : dlen;
    size_t start = 0, end = 0, from, to;
    mongouri_status rc;
    char msg[160];

    msg[0] = '\0';
    for (size_t i = 0; i <= n && msg[0] == '\0'; i++) {
        if (i < n && dec[i] != '.')
            continue;
        start = end;
        end = i + 1;
        if (i == start)
            snprintf(msg, sizeof msg, "%s",
                     "the host name has an empty label (a '.' at the "
                     "start or two in a row)");
        else if (i - start > 63)
            snprintf(msg, sizeof msg,
                     "a label of the host name has %zu characters (1 to 63 "
                     "allowed)",
                     i - start);
    }
    if (msg[0] == '\0' && n > 253) {
        /* the label that holds the 254th character */
        for (start = 253; start > 0 && dec[start - 1] != '.';)
            start--;
        end = 253;
        while (end < n && dec[end] != '.')
            end++;
        end++;
        snprintf(msg, sizeof msg,
                 "the host name has %zu characters, longer than a DNS name "
                 "(253)",
                 n);
    }
    if (msg[0] == '\0')
        return MONGOURI_OK;
    from = mongouri__pct_source_index(s, hl, start);
    to = mongouri__pct_source_index(s, hl, end - 1);
    if (c->uri->scheme != MONGOURI_SCHEME_MONGODB_SRV)
        return syntax(c, MONGOURI_D_BAD_HOST, at + from, to > from ? to - from : 1, "%s", msg);
    /* the SRV name: refused offline, it cannot be looked up */
    rc = syntax(c, MONGOURI_D_SRV_HOST, at + from, to > from ? to - from : 1, "%s", msg);
    mongouri__error_hint(c->err, "write the full DNS name, e.g. cluster0.example.com");
    return rc;
}

static mongouri_status parse_host(ctx *c, size_t at, size_t n, mongouri__host *h)
{
    const char *s = c->text + at;
    mongouri_status rc;

    h->offset = (long)at;
    h->length = (long)n;
    h->port = 0;
    h->source = MONGOURI_SOURCE_URI;
    if (n == 0)
        return syntax(c, MONGOURI_D_NO_HOST, at, 0, "%s", "empty host name");

    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        char addr[INET6_ADDRSTRLEN + 1];
        unsigned char bin[16];
        size_t alen;
        if (close == NULL)
            return syntax(c, MONGOURI_D_BAD_HOST, at, n, "%s", "'[' without a closing ']'");
        alen = (size_t)(close - s) - 1;
        if (alen == 0 || alen >= sizeof addr)
            return syntax(c, MONGOURI_D_BAD_HOST, at, n, "%s", "not an IPv6 address");
        memcpy(addr, s + 1, alen);
        addr[alen] = '\0';
        if (memchr(addr, '%', alen) != NULL) {
            rc = syntax(c, MONGOURI_D_BAD_HOST, at + 1, alen, "%s",
                        "IPv6 zone identifiers are not supported");
            return rc;
        }
        if (inet_pton(AF_INET6, addr, bin) != 1)
            return syntax(c, MONGOURI_D_BAD_HOST, at + 1, alen, "'%s' is not an IPv6 address",
                          addr);
        for (size_t k = 0; k < alen; k++) /* SDAM: addresses in lower case */
            addr[k] = (char)(addr[k] >= 'A' && addr[k] <= 'Z' ? addr[k] + 32 : addr[k]);
        h->host = mongouri__arena_strndup(&c->uri->arena, addr, alen);
        if (h->host == NULL)
            return nomem(c->err);
        h->type = MONGOURI_HOST_IP_LITERAL;
        if ((size_t)(close - s) + 1 == n)
            return MONGOURI_OK;
        if (close[1] != ':')
            return syntax(c, MONGOURI_D_BAD_HOST, at + (size_t)(close - s) + 1, 1, "%s",
                          "only ':port' may follow ']'");
        return parse_port(c, at + (size_t)(close - s) + 2, n - (size_t)(close - s) - 2, &h->port);
    }

    {
        const char *colon = memchr(s, ':', n);
        size_t hl = colon != NULL ? (size_t)(colon - s) : n;
        bool encoded = false;
        bool plain = true;
        char *dec;
        size_t dlen, bad;
        mongouri_diag diag;

        if (hl == 0)
            return syntax(c, MONGOURI_D_NO_HOST, at, n, "%s", "a port without a host name");
        {
            /* One pass classifies the raw host: plain DNS characters (the
             * common case, copied in lower case, as SDAM normalizes host
             * names), '%' escapes, or other bytes. */
            unsigned kinds = 0;
            for (size_t i = 0; i < hl; i++) {
                unsigned char ch = (unsigned char)s[i];
                unsigned k = host_ascii[ch];
                kinds |= k;
                if (k != 0)
                    continue;
                plain = false;
                if (ch == '%')
                    encoded = true;
                else if (ch < 0x20 || ch == 0x7f)
                    return bad_host_char(c, at + i, ch);
            }
            dec = mongouri__arena_alloc(&c->uri->arena, hl + 1);
            if (dec == NULL)
                return nomem(c->err);
            if (plain) {
                memcpy(dec, s, hl);
                if (kinds & 2u) /* an upper-case letter: SDAM wants lower case */
                    for (size_t k = 0; k < hl; k++)
                        dec[k] = (char)(dec[k] + (((unsigned)dec[k] - 'A' < 26u) << 5));
                dec[hl] = '\0';
                dlen = hl;
            } else {
                if (!mongouri__pct_decode(s, hl, dec, &dlen, &bad, &diag))
                    return syntax(c, diag, at + bad, 1, "%s",
                                  diag == MONGOURI_D_BAD_ESCAPE
                                      ? "'%' must be followed by two hex digits in a host"
                                  : diag == MONGOURI_D_BAD_UTF8
                                      ? "the host name is not valid UTF-8"
                                      : "the host decodes to an invalid byte");
                /* A unix socket path (percent-encoded '/') may hold any
                 * character; a host name only those of DNS names and UTF-8. */
                if (memchr(dec, '/', dlen) == NULL) {
                    for (size_t i = 0; i < hl; i++)
                        if (s[i] != '%' && !host_char((unsigned char)s[i]))
                            return bad_host_char(c, at + i, (unsigned char)s[i]);
                    for (size_t i = 0; encoded && i < dlen; i++)
                        if (!host_char((unsigned char)dec[i]))
                            return syntax(c, MONGOURI_D_BAD_HOST,
                                          at + mongouri__pct_source_index(s, hl, i), 1, "%s",
                                          "the decoded host name has a character that is not "
                                          "allowed");
                }
            }
        }
        h->host = dec;
        if (!plain && memchr(dec, '/', dlen) == NULL) /* a socket path keeps its case */
            for (size_t k = 0; k < dlen; k++)
                dec[k] = (char)(dec[k] >= 'A' && dec[k] <= 'Z' ? dec[k] + 32 : dec[k]);
        if (memchr(dec, '/', dlen) != NULL) {
            if (dlen < 6 || memcmp(dec + dlen - 5, ".sock", 5) != 0)
                return syntax(c, MONGOURI_D_BAD_HOST, at, hl, "%s",
                              "a host with '/' must be a unix socket path ending in .sock");
            h->type = MONGOURI_HOST_UNIX;
        } else if (is_ipv4(dec, dlen)) {
            h->type = MONGOURI_HOST_IPV4;
        } else {
            h->type = MONGOURI_HOST_HOSTNAME;
            rc = check_dns_name(c, at, s, hl, dec, dlen);
            if (rc != MONGOURI_OK)
                return rc;
        }
        if (colon == NULL)
            return MONGOURI_OK;
        if (h->type == MONGOURI_HOST_UNIX)
            return syntax(c, MONGOURI_D_BAD_PORT, at + hl, n - hl, "%s",
                          "a unix socket takes no port");
        return parse_port(c, at + hl + 1, n - hl - 1, &h->port);
    }
}

/*
 * Does an '@' after the host information look like the end of a userinfo
 * split early by an unescaped '/' or '?' in the password? An '@' before the
 * query, or one right after a '?' with no '=' before it.
 */
static bool stray_at(const char *s, size_t from, size_t len)
{
    size_t i = from;

    while (i < len && s[i] != '?') {
        if (s[i] == '@')
            return true;
        i++;
    }
    for (i++; i < len && s[i] != '='; i++)
        if (s[i] == '@')
            return true;
    return false;
}

static mongouri_status parse_userinfo(ctx *c, size_t at, size_t n)
{
    const char *s = c->text + at;
    size_t colon = n;
    char *user, *pass;
    size_t ulen, plen, bad;
    mongouri_diag diag;
    mongouri_status rc;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ':') {
            if (colon != n) {
                rc = syntax(c, MONGOURI_D_BAD_USERINFO, at + i, 1, "%s",
                            "the password contains an unescaped ':'");
                mongouri__error_hint(c->err, "percent-encode ':' in a user name or password "
                                             "as %%3A");
                return rc;
            }
            colon = i;
        } else if (ch == '@' || ch == '[' || ch == ']' || ch == '#' || ch == '?' || ch == ' ' ||
                   ch < 0x20 || ch == 0x7f) {
            static const char *const names[] = {"@", "[", "]", "#", "?", "space"};
            const char *what = ch == '@'   ? names[0]
                               : ch == '[' ? names[1]
                               : ch == ']' ? names[2]
                               : ch == '#' ? names[3]
                               : ch == '?' ? names[4]
                                           : names[5];
            rc = syntax(c, MONGOURI_D_BAD_USERINFO, at + i, 1,
                        "the %s contains an unescaped reserved character",
                        colon == n ? "user name" : "password");
            if (ch == '@')
                mongouri__error_hint(c->err, "percent-encode '@' in a user name or password as "
                                             "%%40");
            else if (ch < 0x20 || ch == 0x7f)
                mongouri__error_hint(c->err, "control characters must be percent-encoded");
            else if (ch == '?')
                mongouri__error_hint(c->err, "percent-encode '?' in a user name or password as "
                                             "%%3F (or an '@' in an option value as %%40)");
            else
                mongouri__error_hint(c->err, "percent-encode it (%s: %%%02X)", what, ch);
            return rc;
        }
    }
    ulen = colon;
    user = mongouri__arena_alloc(&c->uri->arena, ulen + 1);
    if (user == NULL)
        return nomem(c->err);
    if (!mongouri__pct_decode(s, ulen, user, &ulen, &bad, &diag)) {
        rc = syntax(c, diag, at + bad, 1, "%s",
                    diag == MONGOURI_D_BAD_ESCAPE ? "the user name has a '%' that is not "
                                                    "followed by two hex digits"
                                                  : "the user name decodes to an invalid byte");
        mongouri__error_hint(c->err, "write a literal '%%' as %%25");
        return rc;
    }
    c->uri->username = user;
    c->uri->has_userinfo = true;
    if (colon == n)
        return MONGOURI_OK;
    plen = n - colon - 1;
    c->uri->has_secret = true;
    pass = mongouri__arena_alloc(&c->uri->arena, plen + 1);
    if (pass == NULL)
        return nomem(c->err);
    if (!mongouri__pct_decode(s + colon + 1, plen, pass, &plen, &bad, &diag)) {
        rc = syntax(c, diag, at + colon + 1 + bad, 1, "%s",
                    diag == MONGOURI_D_BAD_ESCAPE ? "the password has a '%' that is not "
                                                    "followed by two hex digits"
                                                  : "the password decodes to an invalid byte");
        mongouri__error_hint(c->err, "write a literal '%%' in a password as %%25");
        return rc;
    }
    c->uri->password = pass;
    return MONGOURI_OK;
}

static mongouri_status parse_database(ctx *c, size_t at, size_t n)
{
    const char *s = c->text + at;
    char *db;
    size_t dlen, bad;
    mongouri_diag diag;

    if (n == 0)
        return MONGOURI_OK;
    db = mongouri__arena_alloc(&c->uri->arena, n + 1);
    if (db == NULL)
        return nomem(c->err);
    if (!mongouri__pct_decode(s, n, db, &dlen, &bad, &diag))
        return syntax(c, diag, at + bad, 1, "%s",
                      diag == MONGOURI_D_BAD_ESCAPE ? "the database name has a '%' that is not "
                                                      "followed by two hex digits"
                                                    : "the database name decodes to an invalid "
                                                      "byte");
    for (size_t i = 0; i < dlen; i++) {
        char ch = db[i];
        if (ch == '/' || ch == '\\' || ch == ' ' || ch == '"' || ch == '$' || ch == '@') {
            char shown[8];
            mongouri_status rc;
            snprintf(shown, sizeof shown, ch == ' ' ? "space" : "'%c'", ch);
            rc = mongouri__error_set(c->err, MONGOURI_E_SYNTAX, MONGOURI_D_BAD_DATABASE, NULL,
                                     (long)(at + mongouri__pct_source_index(s, n, i)), 1,
                                     "the database name may not contain %s", shown);
            if (ch == '/' || ch == '@')
                mongouri__error_hint(c->err, "if '/' or '?' belongs to the password, "
                                             "percent-encode it (%%2F, %%3F)");
            return rc;
        }
    }
    c->uri->database = db;
    return MONGOURI_OK;
}

static mongouri_status parse_query(ctx *c, size_t at, size_t end)
{
    size_t i = at;
    size_t count = 0;

    /* one scan for the rare ';', raw or escaped, instead of one per value */
    c->query_semicolon = memchr(c->text + at, ';', end - at) != NULL;

    while (i < end) {
        size_t amp = i;
        size_t eq;
        pair p;
        char *val;
        size_t bad;
        mongouri_diag diag;
        mongouri_status rc;

        {
            const char *a = memchr(c->text + i, '&', end - i);
            amp = a != NULL ? (size_t)(a - c->text) : end;
        }
        if (amp == i) { /* empty piece, "&&" or a trailing '&' */
            i = amp + 1;
            continue;
        }
        if (++count > MONGOURI_MAX_OPTIONS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, (long)i, 0,
                                       "more than %u options", MONGOURI_MAX_OPTIONS);
        {
            const char *e = memchr(c->text + i, '=', amp - i);
            eq = e != NULL ? (size_t)(e - c->text) : amp;
        }
        if (eq == amp) {
            mongouri__key k = mongouri__option_lookup(c->text + i, amp - i);
            rc = syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "option '%s' has no '=value'",
                        k.id >= 0 ? mongouri__options[k.id].info.name : "?");
            if (k.id < 0 && c->err != NULL)
                snprintf(c->err->message, sizeof c->err->message, "an option has no '=value'");
            mongouri__error_hint(c->err, "write options as key=value, separated by '&'");
            return rc;
        }
        if (eq == i)
            return syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "%s",
                          "an option has a value but no name");
        val = mongouri__arena_alloc(&c->uri->arena, amp - eq);
        if (val == NULL)
            return nomem(c->err);
        p.key = c->text + i;
        p.klen = eq - i;
        if (!mongouri__pct_decode(c->text + eq + 1, amp - eq - 1, val, &p.vlen, &bad, &diag)) {
            mongouri__key k = mongouri__option_lookup(p.key, p.klen);
            c->uri->has_secret = true; /* a partly decoded value stays in the arena */
            rc = mongouri__error_set(
                c->err, MONGOURI_E_SYNTAX, diag,
                k.id >= 0 ? mongouri__options[k.id].info.name : NULL, (long)(eq + 1 + bad), 1, "%s",
                diag == MONGOURI_D_BAD_ESCAPE ? "an option value has a '%' that is not followed by "
                                                "two hex digits"
                : diag == MONGOURI_D_NUL_BYTE ? "an option value decodes to a NUL byte"
                                              : "an option value decodes to invalid UTF-8");
            if (diag == MONGOURI_D_BAD_ESCAPE)
                mongouri__error_hint(c->err, "write a literal '%%' as %%25");
            return rc;
        }
        p.val = val;
        p.source = MONGOURI_SOURCE_URI;
        p.offset = (long)i;
        p.length = (long)(amp - i);
        rc = apply_pair(c, &p);
        if (rc != MONGOURI_OK)
            return rc;
        i = amp + 1;
    }
    return MONGOURI_OK;
}

static mongouri_status parse_text(ctx *c)
{
    const char *s = c->text;
    size_t len = c->len;
    size_t start, hend, at_pos = 0, i;
    size_t nhosts;
    bool have_at = false;
    mongouri__split sp;
    mongouri_status rc;

    if (len >= sizeof SCHEME_SRV - 1 && memcmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0) {
        c->uri->scheme = MONGOURI_SCHEME_MONGODB_SRV;
        start = sizeof SCHEME_SRV - 1;
    } else if (len >= sizeof SCHEME - 1 && memcmp(s, SCHEME, sizeof SCHEME - 1) == 0) {
        c->uri->scheme = MONGOURI_SCHEME_MONGODB;
        start = sizeof SCHEME - 1;
    } else {
        size_t sl = 0;
        while (sl < len && s[sl] != ':' && sl < 32)
            sl++;
        rc = syntax(c, MONGOURI_D_BAD_SCHEME, 0, sl, "%s",
                    len == 0 ? "the connection string is empty"
                             : "a connection string starts with mongodb:// or mongodb+srv://");
        if ((len >= sizeof SCHEME - 1 &&
             mongouri__strncasecmp(s, SCHEME, sizeof SCHEME - 1) == 0) ||
            (len >= sizeof SCHEME_SRV - 1 &&
             mongouri__strncasecmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0))
            mongouri__error_hint(c->err, "write the scheme in lower case");
        return rc;
    }

    {
        /* The tokenizer: the host information ends at the first '/', the
         * userinfo at the last '@' before it. */
        mongouri__split_text(s, len, start, &sp);
        if (sp.problem == MONGOURI__SPLIT_AMBIGUOUS) {
            rc = syntax(c, MONGOURI_D_BAD_USERINFO, sp.problem_at, 1, "%s",
                        "an '@' after '?' with no '/' before it is ambiguous: either the user "
                        "name or password holds an unescaped '?', or an option value holds an "
                        "unescaped '@'");
            mongouri__error_hint(c->err, "percent-encode '?' in a user name or password as "
                                         "%%3F, or '@' in an option value as %%40");
            return rc;
        }
        have_at = sp.has_userinfo;
        at_pos = sp.at;
        hend = sp.hosts_end;
    }
    i = start;
    if (have_at) {
        rc = parse_userinfo(c, start, at_pos - start);
        if (rc != MONGOURI_OK)
            return rc;
        i = at_pos + 1;
    }

    if (i == hend) {
        rc = syntax(c, MONGOURI_D_NO_HOST, i, 0, "%s", "no host is given");
        if (hend < len && s[hend] == '/' && !have_at)
            mongouri__error_hint(c->err, "a unix socket path must be percent-encoded: "
                                         "%%2Ftmp%%2Fmongodb-27017.sock");
        return rc;
    }
    nhosts = mongouri__count_pieces(s + i, hend - i, ',');
    if (nhosts > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, (long)i, 0,
                                   "more than %u hosts", MONGOURI_MAX_HOSTS);
    c->uri->hosts = mongouri__arena_alloc(&c->uri->arena, nhosts * sizeof *c->uri->hosts);
    if (c->uri->hosts == NULL)
        return nomem(c->err);
    for (size_t k = 0; k < nhosts; k++) {
        const char *comma = memchr(s + i, ',', hend - i);
        size_t e = comma != NULL ? (size_t)(comma - s) : hend;
        rc = parse_host(c, i, e - i, &c->uri->hosts[k]);
        if (rc != MONGOURI_OK) {
            /* An unescaped '/' or '?' in a password splits the string early. */
            if (!have_at && hend < len && stray_at(s, hend, len)) {
                size_t q = hend;
                rc = syntax(c, MONGOURI_D_BAD_USERINFO, q, 1, "%s",
                            "the user name or password seems to contain an unescaped '/' or "
                            "'?'");
                mongouri__error_hint(c->err, "percent-encode '/' as %%2F and '?' as %%3F in a "
                                             "user name or password");
            }
            return rc;
        }
        c->uri->nhosts++;
        i = e + 1;
    }

    if (c->uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        const mongouri__host *h = &c->uri->hosts[0];
        if (nhosts != 1) {
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)c->uri->hosts[1].offset,
                        (size_t)c->uri->hosts[1].length, "%s",
                        "mongodb+srv:// takes exactly one host name");
            mongouri__error_hint(c->err, "list several hosts only with mongodb://");
            return rc;
        }
        if (h->type != MONGOURI_HOST_HOSTNAME)
            return syntax(c, MONGOURI_D_SRV_HOST, (size_t)h->offset, (size_t)h->length, "%s",
                          "mongodb+srv:// needs a DNS name, not an IP address or socket path");
        /* an empty label, which cannot be looked up, parse_host refused */
        if (h->port != 0) {
            const char *colon = memchr(s + h->offset, ':', (size_t)h->length);
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)(colon - s),
                        (size_t)(h->offset + h->length - (colon - s)), "%s",
                        "mongodb+srv:// takes no port: the ports come from the SRV records");
            return rc;
        }
    }

    if (hend == len)
        return MONGOURI_OK;
    if (sp.has_db && (rc = parse_database(c, sp.db_start, sp.db_end - sp.db_start)) != MONGOURI_OK)
        return rc;
    if (sp.has_query)
        return parse_query(c, sp.query, len);
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Keywords and TXT                                                          */
/* ------------------------------------------------------------------------ */

static mongouri_status apply_keywords(ctx *c, const mongouri_keywords *kw)
{
    if (kw == NULL)
        return MONGOURI_OK;
    for (size_t i = 0; i < kw->n; i++) {
        pair p;
        size_t n = strlen(kw->items[i].value);
        char *v = mongouri__arena_strndup(&c->uri->arena, kw->items[i].value, n);
        mongouri_status rc;
        if (v == NULL)
            return nomem(c->err);
        p.key = kw->items[i].key;
        p.klen = strlen(p.key);
        p.val = v;
        p.vlen = n;
        p.source = MONGOURI_SOURCE_KEYWORD;
        p.offset = -1;
        p.length = 0;
        rc = apply_pair(c, &p);
        if (rc != MONGOURI_OK) {
            if (c->err != NULL)
                c->err->source = MONGOURI_SOURCE_KEYWORD;
            return rc;
        }
    }
    return MONGOURI_OK;
}

static mongouri_status apply_txt(ctx *c, const char *txt)
{
    size_t n = strlen(txt);
    char *copy = mongouri__arena_strndup(&c->uri->arena, txt, n);
    char *s = copy;

    size_t count = 0;

    if (copy == NULL)
        return nomem(c->err);
    while (s != NULL && *s != '\0') {
        char *amp = strchr(s, '&');
        char *eq;
        char *val;
        size_t vlen, bad;
        mongouri_diag diag;
        pair p;
        mongouri_status rc;

        if (amp != NULL)
            *amp = '\0';
        if (*s == '\0') {
            s = amp != NULL ? amp + 1 : NULL;
            continue;
        }
        if (++count > MONGOURI_MAX_OPTIONS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                       "more than %u options in the TXT record",
                                       MONGOURI_MAX_OPTIONS);
        eq = strchr(s, '=');
        if (eq == NULL || eq == s) {
            rc = mongouri__error_set(c->err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL, -1, 0,
                                     "the TXT record has an option without '=value'");
            return txt_error(c, rc);
        }
        val = mongouri__arena_alloc(&c->uri->arena, strlen(eq + 1) + 1);
        if (val == NULL)
            return nomem(c->err);
        if (!mongouri__pct_decode(eq + 1, strlen(eq + 1), val, &vlen, &bad, &diag)) {
            rc = mongouri__error_set(c->err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL, -1, 0,
                                     "the TXT record has a badly encoded value");
            return txt_error(c, rc);
        }
        p.key = s;
        p.klen = (size_t)(eq - s);
        p.val = val;
        p.vlen = vlen;
        p.source = MONGOURI_SOURCE_TXT;
        p.offset = -1;
        p.length = 0;
        rc = apply_pair(c, &p);
        if (rc != MONGOURI_OK)
            return rc;
        s = amp != NULL ? amp + 1 : NULL;
    }
    return MONGOURI_OK;
}

static mongouri_status apply_srv(ctx *c, const mongouri__srv_answer *srv)
{
    mongouri_uri *uri = c->uri;
    mongouri__host *hosts;

    if (srv->nseeds > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "more than %u SRV records", MONGOURI_MAX_HOSTS);
    hosts = mongouri__arena_alloc(&uri->arena, (srv->nseeds ? srv->nseeds : 1) * sizeof *hosts);
    if (hosts == NULL)
        return nomem(c->err);
    for (size_t i = 0; i < srv->nseeds; i++) {
        size_t n = strlen(srv->seed_hosts[i]);
        hosts[i].host = mongouri__arena_strndup(&uri->arena, srv->seed_hosts[i], n);
        if (hosts[i].host == NULL)
            return nomem(c->err);
        hosts[i].port = srv->seed_ports[i] != 0 ? srv->seed_ports[i] : 27017;
        hosts[i].type = is_ipv4(hosts[i].host, n) ? MONGOURI_HOST_IPV4 : MONGOURI_HOST_HOSTNAME;
        hosts[i].source = MONGOURI_SOURCE_TXT;
        hosts[i].offset = -1;
        hosts[i].length = 0;
    }
    if (uri->nhosts > 0) {
        c->srv_offset = uri->hosts[0].offset;
        c->srv_length = uri->hosts[0].length;
    }
    uri->hosts = hosts;
    uri->nhosts = srv->nseeds;
    uri->resolved = true;
    if (srv->txt != NULL)
        return apply_txt(c, srv->txt);
    return MONGOURI_OK;
}

static void select_seeds(mongouri_uri *uri, const mongouri__srv_answer *srv)
{
    const mongouri__value *max = mongouri__val(uri, MONGOURI_OPT_SRVMAXHOSTS);
    size_t k;

    if (!max->set || max->v.i <= 0 || (uint64_t)max->v.i >= uri->nhosts)
        return;
    k = (size_t)max->v.i;
    if (srv->random == NULL) { /* resolution always gives one; keep the first k */
        uri->nhosts = k;
        return;
    }
    /* Fisher-Yates, stopped after the first k positions. */
    for (size_t i = 0; i < k; i++) {
        size_t j = i + srv->random(srv->random_ctx, (uint32_t)(uri->nhosts - i));
        mongouri__host t;
        if (j >= uri->nhosts)
            j = uri->nhosts - 1;
        t = uri->hosts[i];
        uri->hosts[i] = uri->hosts[j];
        uri->hosts[j] = t;
    }
    uri->nhosts = k;
}

/* ------------------------------------------------------------------------ */
/* The pipeline                                                              */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri__build(mongouri_uri **out, const char *text, size_t len,
                                unsigned int flags, const mongouri_keywords *kw,
                                const mongouri__srv_answer *srv, mongouri_error *err)
{
    mongouri_uri *uri;
    ctx c;
    mongouri_status rc;

    /* One allocation holds the result and the first arena block. */
    size_t head = (sizeof *uri + 15u) & ~(size_t)15u;
    /* Decoded strings take at most `len` bytes; a typical URI fits the first
     * block, and the whole allocation stays small for the common case. */
    size_t room = len + 8 * sizeof(mongouri__value) + 3 * sizeof(mongouri__host) + 64;
    if (len > MONGOURI_MAX_URI_LENGTH)
        room = 0;
    uri = malloc(head + room);
    if (uri == NULL)
        return nomem(err);
    memset(uri, 0, sizeof *uri);
    uri->flags = flags;
    if (room > 0)
        mongouri__arena_adopt(&uri->arena, (char *)uri + head, room);
    c.uri = uri;
    c.err = err;
    c.text = text;
    c.len = len;
    c.srv_offset = -1;
    c.srv_length = 0;
    c.spans_ready = c.spans_failed = c.query_semicolon = false;
    c.nspans = c.capspans = 0;
    c.spans = NULL;

    if ((rc = parse_text(&c)) != MONGOURI_OK)
        goto fail;
    if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        /* kept (and wiped on destroy) for a later resolution */
        uri->text = mongouri__arena_strndup(&uri->arena, text, len);
        if (uri->text == NULL) {
            rc = nomem(err);
            goto fail;
        }
        uri->text_len = len;
    }
    if ((rc = apply_keywords(&c, kw)) != MONGOURI_OK)
        goto fail;
    if (srv != NULL && (rc = apply_srv(&c, srv)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__rules_check(uri, err)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__credential_derive(uri, err)) != MONGOURI_OK)
        goto fail;
    mongouri__tls_normalize(uri);
    if (srv != NULL)
        select_seeds(uri, srv);
    if (kw != NULL && kw->n > 0 &&
        (rc = mongouri__keywords_clone(&uri->keywords, kw)) != MONGOURI_OK) {
        nomem(err);
        goto fail;
    }
    free(c.spans);
    *out = uri;
    return MONGOURI_OK;
fail:
    free(c.spans);
    mongouri_uri_destroy(uri);
    return rc;
}

mongouri_status mongouri_parse_options_init(mongouri_parse_options *opts, unsigned int version)
{
    const mongouri_parse_options defaults = MONGOURI_PARSE_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_PARSE_OPTIONS_VERSION);
}

/* `terminated`: text[0..len) is known to hold no NUL (it was measured by strnlen). */
static mongouri_status parse_checked(mongouri_uri **out, const char *text, size_t len,
                                     const mongouri_parse_options *opts, mongouri_error *err,
                                     bool terminated)
{
    unsigned int flags = 0;
    const mongouri_keywords *kw = NULL;
    const char *nul;

    mongouri__error_clear(err);
    if (out == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out must not be NULL");
    *out = NULL;
    if (text == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    if (opts != NULL) {
        mongouri_status rc = mongouri__opts_check("mongouri_parse_options", opts->version,
                                                  MONGOURI_PARSE_OPTIONS_VERSION, err);

        if (rc != MONGOURI_OK)
            return rc;
        flags = opts->flags;
        kw = opts->keywords;
    }
    if (len > MONGOURI_MAX_URI_LENGTH)
        return mongouri__error_set(err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "the connection string is longer than %u bytes",
                                   MONGOURI_MAX_URI_LENGTH);
    nul = terminated ? NULL : memchr(text, '\0', len);
    if (nul != NULL)
        return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_NUL_BYTE, NULL,
                                   (long)(nul - text), 1,
                                   "the connection string contains a NUL byte");
    return mongouri__build(out, text, len, flags, kw, NULL, err);
}

mongouri_status mongouri_uri_parse_len(mongouri_uri **out, const char *text, size_t len,
                                       const mongouri_parse_options *opts, mongouri_error *err)
{
    return parse_checked(out, text, len, opts, err, false);
}

mongouri_status mongouri_uri_parse(mongouri_uri **out, const char *text,
                                   const mongouri_parse_options *opts, mongouri_error *err)
{
    if (text == NULL) {
        mongouri__error_clear(err);
        if (out != NULL)
            *out = NULL;
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    }
    return parse_checked(out, text, strnlen(text, MONGOURI_MAX_URI_LENGTH + 1), opts, err, true);
}

void mongouri_uri_destroy(mongouri_uri *uri)
{
    if (uri == NULL)
        return;
    /* Every secret lives in the arena (the password, secret option values,
     * values of unknown keys, the kept input): wipe it all when there was one. */
    if (uri->has_secret)
        mongouri__arena_wipe(&uri->arena);
    mongouri_keywords_destroy(uri->keywords);
    mongouri__arena_free(&uri->arena);
    free(uri);
}

/* ------------------------------------------------------------------------ */
/* For resolve.c: an SRV target checked as a URI host                        */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri__check_srv_target(const char *host, size_t n, mongouri_error *err)
{
    mongouri_uri tmp;
    mongouri__host h;
    mongouri_status rc = MONGOURI_OK;
    ctx c;
    size_t i;

    /* A DNS target is never percent-encoded, a socket path or host:port: only
     * the raw characters of a host name, then the parser's own host rules. */
    memset(&tmp, 0, sizeof tmp);
    memset(&c, 0, sizeof c);
    memset(&h, 0, sizeof h);
    c.uri = &tmp;
    c.err = err;
    c.text = host;
    c.len = n;
    c.srv_offset = -1;
    c.srv_length = 0;
    for (i = 0; i < n && rc == MONGOURI_OK; i++)
        if (!host_ascii[(unsigned char)host[i]])
            rc = bad_host_char(&c, i, (unsigned char)host[i]);
    /* the resolver gives names without the root's dot: one is an empty label */
    if (rc == MONGOURI_OK && n > 0 && host[n - 1] == '.')
        rc = syntax(&c, MONGOURI_D_BAD_HOST, n - 1, 1, "%s", "the host name has an empty label");
    if (rc == MONGOURI_OK)
        rc = parse_host(&c, 0, n, &h);
    if (rc == MONGOURI_OK && h.type != MONGOURI_HOST_HOSTNAME)
        rc = syntax(&c, MONGOURI_D_BAD_HOST, 0, n, "%s",
                    "an SRV target must be a host name, "
                    "not an IP address");
    mongouri__arena_free(&tmp.arena);
    return rc;
}
