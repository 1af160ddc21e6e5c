/*
 * Host parsing: one element of the host list of a connection string (a DNS
 * name, an IPv4 address, an IP literal in brackets or a percent-encoded unix
 * socket path, with its port), and an SRV target checked by the same rules.
 * Connection-string spec: SPEC-RULES.md B.1 step 4; the SRV name: D.1.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "error_int.h"
#include "host_int.h"
#include "util_int.h"

static mongouri_status syntax(const mongouri__host_ctx *c, mongouri_diag code, size_t at,
                              size_t len, const char *fmt, const char *arg)
{
    return mongouri__syntax_error(c->err, code, at, len, fmt, arg);
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

bool mongouri__is_ipv4(const char *s, size_t n)
{
    const char *e = s + n;

    for (int part = 0;; part++) {
        unsigned v;
        if (s == e || !is_digit(*s))
            return false;
        v = (unsigned)(*s++ - '0');
        if (s != e && is_digit(*s)) {
            if (v == 0) /* no leading zero */
                return false;
            v = v * 10 + (unsigned)(*s++ - '0');
            if (s != e && is_digit(*s) && (v = v * 10 + (unsigned)(*s++ - '0')) > 255)
                return false;
        }
        if (part == 3)
            return s == e;
        if (s == e || *s++ != '.')
            return false;
    }
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

static mongouri_status bad_host_char(const mongouri__host_ctx *c, size_t at, unsigned char ch)
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

static mongouri_status parse_port(const mongouri__host_ctx *c, size_t at, size_t n, uint16_t *port)
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
        if (c->secret_at(c->secret_ctx, at, at + n))
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
static mongouri_status check_dns_name(const mongouri__host_ctx *c, size_t at, const char *s,
                                      size_t hl, const char *dec, size_t dlen)
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
    if (!c->srv)
        return syntax(c, MONGOURI_D_BAD_HOST, at + from, to > from ? to - from : 1, "%s", msg);
    /* the SRV name: refused offline, it cannot be looked up */
    rc = syntax(c, MONGOURI_D_SRV_HOST, at + from, to > from ? to - from : 1, "%s", msg);
    mongouri__error_hint(c->err, "write the full DNS name, e.g. cluster0.example.com");
    return rc;
}

/* Every host the fast path does not take: text[at, at + n), no ',' in it. */
static mongouri_status host_parse_slow(const mongouri__host_ctx *c, size_t at, size_t n,
                                       mongouri__host *h)
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
        h->host = mongouri__arena_strndup(c->arena, addr, alen);
        if (h->host == NULL)
            return mongouri__nomem(c->err);
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
            dec = mongouri__arena_chars(c->arena, hl + 1);
            if (dec == NULL)
                return mongouri__nomem(c->err);
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
        } else if (mongouri__is_ipv4(dec, dlen)) {
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

/* The host text[at, at + rem) up to its first ',', which is not in its first
 * k bytes, by host_parse_slow. */
__attribute__((noinline)) static mongouri_status host_parse_from(const mongouri__host_ctx *c,
                                                                 size_t at, size_t rem, size_t k,
                                                                 mongouri__host *h, size_t *stop)
{
    const char *s = c->text + at;
    const char *comma = memchr(s + k, ',', rem - k);
    size_t n = comma != NULL ? (size_t)(comma - s) : rem;

    *stop = at + n;
    return host_parse_slow(c, at, n, h);
}

/* Host-name bytes the fast path copies, lower-cased: letters, digits, - . _ ~;
 * 0x80 for every other byte. */
#define HOST_X8 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80
#define HOST_X16 HOST_X8, HOST_X8
/* clang-format off */
static const unsigned char host_lower[256] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x2d, 0x2e, 0x80,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x80, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x80, 0x80, 0x80, 0x80, 0x5f,
    0x80, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x80, 0x80, 0x80, 0x7e, 0x80,
    HOST_X16, HOST_X16, HOST_X16, HOST_X16, HOST_X16, HOST_X16, HOST_X16, HOST_X16,
};
/* clang-format on */

/* Lower-cased bytes of s[0, 8) in one word, each 0x80 when not copied. */
#define HOST_B(p, i) ((uint64_t)host_lower[(unsigned char)(p)[i]] << (8 * (i)))
#define HOST_W8(p)                                                                                 \
    (HOST_B(p, 0) | HOST_B(p, 1) | HOST_B(p, 2) | HOST_B(p, 3) | HOST_B(p, 4) | HOST_B(p, 5) |     \
     HOST_B(p, 6) | HOST_B(p, 7))
#define HOST_HI 0x8080808080808080u
#define HOST_LO 0x7f7f7f7f7f7f7f7fu
/* 0x80 in each byte of w that is '.', 0 in the others. */
#define HOST_DOT(w) ((w) ^ 0x2e2e2e2e2e2e2e2eu)
#define HOST_DOTS(w) (~(((HOST_DOT(w) & HOST_LO) + HOST_LO) | HOST_DOT(w) | HOST_LO))

#ifdef __SSE2__
/* Copy p[0, 16) to out lower-cased; bit i of the result is set when p[i] is
 * a letter, digit, - . _ or ~, of *dots when it is a '.'. */
static inline unsigned host_sse16(const char *p, char *out, unsigned *dots)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i case_bit = _mm_set1_epi8(0x20), y = _mm_or_si128(x, case_bit); /* y: letters lower */
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8(0x60)),
                                   _mm_cmplt_epi8(y, _mm_set1_epi8(0x7b)));
    __m128i punct = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x2c)), /* - . / 0-9 */
                                  _mm_cmplt_epi8(x, _mm_set1_epi8(0x3a)));
    __m128i ok = _mm_or_si128(_mm_or_si128(letter, _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))),
                              _mm_or_si128(punct, _mm_cmpeq_epi8(x, _mm_set1_epi8('~'))));

    ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')), ok);
    _mm_storeu_si128((__m128i *)(void *)out, _mm_or_si128(x, _mm_and_si128(letter, case_bit)));
    *dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
    return (unsigned)_mm_movemask_epi8(ok);
}
#endif

/*
 * The host text[at, first ',' before end or end). The fast path takes a plain
 * DNS name or IPv4 address with an optional port in one pass: it copies the
 * bytes lower-cased (16 at a time with SSE2, else 8, then one by one), checks
 * the labels (none empty, 1 to 63 bytes, at most 253 bytes, one trailing dot
 * allowed) and reads the port (1 to 5 digits, 1 to 65535). Anything else
 * (another byte, an error) is left to host_parse_slow, which gives the same
 * result and every message.
 */
mongouri_status mongouri__host_parse(const mongouri__host_ctx *c, size_t at, size_t end,
                                     mongouri__host *h, size_t *stop)
{
    const char *s = c->text + at;
    size_t rem = end - at, lim = rem < 255 ? rem : 255; /* 255: a name too long */
    size_t k = 0, hl;
    mongouri__block *b = c->arena->head;
    char buf[256], *d = buf, *dec;
    unsigned v = 0;

    /* Write straight into the arena's free space when it has room. */
    if (b != NULL && b->cap - b->used > lim)
        d = (char *)b + MONGOURI__BLOCK_HEADER + b->used;
#ifdef __SSE2__
    if (lim >= 16) {
        /* 16 bytes at a time, the last window overlapping the one before */
        unsigned prev = 1, dots, bad; /* prev: a '.' (or the start) before byte k */
        for (;;) {
            size_t from = k + 16 <= lim ? k : lim - 16, n = 16 - (k - from);
            bad = ~host_sse16(s + from, d + from, &dots) >> (k - from) & ((1u << n) - 1);
            dots >>= k - from;
            if (bad != 0)
                dots &= (bad & (0 - bad)) - 1; /* the dots before the first other byte */
            if ((dots & (dots << 1 | prev)) != 0)
                goto slow;
            if (bad != 0) {
                k += (size_t)__builtin_ctz(bad);
                goto scanned;
            }
            prev = dots >> (n - 1) & 1u;
            k += n;
            if (k == lim)
                goto scanned;
        }
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    {
        /* dots: the '.' bytes of the last word; a '.' before the first byte
         * makes a leading '.' an empty label, as two '.' in a row are */
        uint64_t dots = (uint64_t)0x80 << 56;
        for (; k + 8 <= lim; k += 8) {
            uint64_t w = HOST_W8(s + k), bad = w & HOST_HI, here = HOST_DOTS(w);
            memcpy(d + k, &w, 8);
            if (bad != 0)
                here &= (bad & (0 - bad)) - 1; /* the dots before the first other byte */
            if ((here & (here << 8 | dots >> 56)) != 0)
                goto slow;
            dots = here;
            if (bad != 0) {
                k += (size_t)__builtin_ctzll(bad) >> 3;
                goto scanned;
            }
        }
    }
#endif
    for (unsigned char l; k < lim && !((l = host_lower[(unsigned char)s[k]]) & 0x80u); k++) {
        if (l == '.' && (k == 0 || d[k - 1] == '.'))
            goto slow;
        d[k] = (char)l;
    }
scanned:
    hl = k;
    if (k < rem && s[k] != ':' && s[k] != ',')
        goto slow;
    if (hl == 0 || (k == lim && lim < rem))
        goto slow;
    /* The scan found no empty label; one trailing '.' is not counted. */
    if (hl - (d[hl - 1] == '.') > 253)
        goto slow;
    for (size_t i = 0, label = 0; hl > 63 && i < hl; i++) /* labels of 1 to 63 bytes */
        if (d[i] == '.')
            label = i + 1;
        else if (i - label >= 63)
            goto slow;
    if (k < rem && s[k] == ':') {
        size_t p = k + 1;
        unsigned dg;
        if (rem - p >= 5 && (rem - p == 5 || s[p + 5] == ',')) {
            /* five digits, the common port (27017), without a loop */
            const unsigned char *q = (const unsigned char *)s + p;
            unsigned d4 = (unsigned)q[4] - '0';
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* the first four as one word: all '0'..'9' when every byte has
             * high nibble 3 both as it is and plus 6 (a byte from 0xfa on,
             * whose carry could spoil the next, already fails the first) */
            uint32_t x;
            memcpy(&x, q, 4);
            if ((x & 0xf0f0f0f0u) != 0x30303030u ||
                ((x + 0x06060606u) & 0xf0f0f0f0u) != 0x30303030u || d4 > 9u)
                goto slow; /* not five digits: the general code decides */
            x -= 0x30303030u;
            x = (x * 10u + (x >> 8)) & 0x00ff00ffu; /* two-digit halves */
            x = (x * 100u + (x >> 16)) & 0xffffu;   /* the first four digits */
            v = x * 10u + d4;
#else
            unsigned d0 = q[0] - '0', d1 = q[1] - '0', d2 = q[2] - '0', d3 = q[3] - '0';
            if (d0 > 9u || d1 > 9u || d2 > 9u || d3 > 9u || d4 > 9u)
                goto slow; /* not five digits: the general code decides */
            v = (((d0 * 10u + d1) * 10u + d2) * 10u + d3) * 10u + d4;
#endif
            if (v - 1u >= 65535u)
                goto slow;
            p += 5;
        } else {
            for (; p < rem && (dg = (unsigned)(unsigned char)s[p] - '0') < 10u; p++)
                v = v * 10u + dg;
            if (p - k - 2 >= 5u || v - 1u >= 65535u || (p < rem && s[p] != ','))
                goto slow;
        }
        k = p;
    }
    dec = mongouri__arena_chars(c->arena, hl + 1);
    if (dec == NULL)
        return mongouri__nomem(c->err);
    if (dec != d)
        memcpy(dec, d, hl);
    dec[hl] = '\0';
    h->host = dec;
    h->port = (uint16_t)v;
    h->type =
        is_digit(s[0]) && mongouri__is_ipv4(dec, hl) ? MONGOURI_HOST_IPV4 : MONGOURI_HOST_HOSTNAME;
    h->source = MONGOURI_SOURCE_URI;
    h->offset = (long)at;
    h->length = (long)k;
    *stop = at + k;
    return MONGOURI_OK;
slow:
    return host_parse_from(c, at, rem, k, h, stop);
}

/* An SRV target shows no secret. */
static bool no_secret(void *ctx, size_t start, size_t end)
{
    (void)ctx;
    (void)start;
    (void)end;
    return false;
}

/* For resolve.c: an SRV target checked as a URI host. */
mongouri_status mongouri__check_srv_target(const char *host, size_t n, mongouri_error *err)
{
    mongouri__arena arena = {NULL};
    mongouri__host_ctx c = {host, &arena, err, false, no_secret, NULL};
    mongouri__host h;
    mongouri_status rc = MONGOURI_OK;
    size_t i, stop;

    /* A DNS target is never percent-encoded, a socket path or host:port: only
     * the raw characters of a host name, then the parser's own host rules. */
    memset(&h, 0, sizeof h);
    for (i = 0; i < n && rc == MONGOURI_OK; i++)
        if (!host_ascii[(unsigned char)host[i]])
            rc = bad_host_char(&c, i, (unsigned char)host[i]);
    /* the resolver gives names without the root's dot: one is an empty label */
    if (rc == MONGOURI_OK && n > 0 && host[n - 1] == '.')
        rc = syntax(&c, MONGOURI_D_BAD_HOST, n - 1, 1, "%s", "the host name has an empty label");
    if (rc == MONGOURI_OK)
        rc = mongouri__host_parse(&c, 0, n, &h, &stop);
    if (rc == MONGOURI_OK && h.type != MONGOURI_HOST_HOSTNAME)
        rc = syntax(&c, MONGOURI_D_BAD_HOST, 0, n, "%s",
                    "an SRV target must be a host name, "
                    "not an IP address");
    mongouri__arena_free(&arena);
    return rc;
}
