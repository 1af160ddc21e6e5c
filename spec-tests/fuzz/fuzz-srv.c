/*
 * libFuzzer harness: what a mongodb+srv resolution hands to the builder.
 *
 * Input lines:
 *   1   the connection string (must parse offline as mongodb+srv://, as
 *       mongouri_uri_resolve() requires; other inputs are skipped)
 *   2   the joined TXT record, or "-" for no TXT record
 *   3+  "?key=value" a keyword option, "?strict" strict mode, anything else
 *       an SRV target "host[:port]" (lower-cased, trailing dots removed, as
 *       the resolver hands them over)
 * The builder gets exactly what lib/srv.c would give it: the text, flags
 * and keywords of the offline parse, the seeds, the TXT text and a random
 * source (drawn from the input, so runs are reproducible).
 *
 * An input that starts with "#dns srv HOST\n" (or "#dns txt HOST\n") is a
 * raw DNS message instead, read by the resolver's answer walker and target
 * checks as the answer to HOST's SRV (or TXT) query. Seeds of that form come
 * from the hostile DNS server's answers (dns-seeds.sh).
 */
#include "fuzz-common.h"
#include "srv_int.h"
#include "uri_int.h"
#include "util_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct rng {
    uint64_t state;
} rng;

static uint32_t draw(void *ctx, uint32_t bound)
{
    rng *r = ctx;
    r->state ^= r->state << 13;
    r->state ^= r->state >> 7;
    r->state ^= r->state << 17;
    return bound == 0 ? 0 : (uint32_t)(r->state % bound);
}

/* Every accepted SRV target is a plain DNS name; every TXT shown is UTF-8. */
static void check_raw(void *ctx, const char *text, bool accepted)
{
    const bool txt = *(const bool *)ctx;
    size_t n = strlen(text);

    if (txt) {
        FUZZ_CHECK(mongouri__utf8_valid(text, n, &(size_t){0}), "TXT shown is not UTF-8");
        return;
    }
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(!(text[i] >= 'A' && text[i] <= 'Z'), "target %s is not lower case", text);
    if (!accepted)
        return;
    FUZZ_CHECK(n >= 1 && n <= 253, "accepted target of %zu characters", n);
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                       c == '_' || c == '~',
                   "accepted target %s has byte 0x%02x", text, (unsigned char)c);
    }
}

static int fuzz_raw_dns(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 300 ? size : 300);
    char host[300];
    bool txt;
    size_t n;

    if (nl == NULL || (size_t)(nl - data) < 9)
        return 0;
    txt = memcmp(data + 5, "txt ", 4) == 0;
    if (!txt && memcmp(data + 5, "srv ", 4) != 0)
        return 0;
    n = (size_t)(nl - data) - 9;
    memcpy(host, data + 9, n);
    host[n] = '\0';
    mongouri__resolve_parse_raw(nl + 1, size - (size_t)(nl + 1 - data), txt, host, check_raw, &txt);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_line lines[FUZZ_MAX_LINES], kwlines[FUZZ_MAX_LINES];
    size_t nlines = fuzz_lines(data, size, lines), nkw = 1, nseeds = 0;
    const fuzz_line *u = &lines[0];
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    const char *hosts[FUZZ_MAX_LINES];
    char *owned[FUZZ_MAX_LINES];
    uint16_t ports[FUZZ_MAX_LINES];
    mongouri__srv_answer answer;
    mongouri_keywords *kw;
    mongouri_uri *offline = NULL, *uri = NULL;
    mongouri_error err;
    mongouri_status rc;
    unsigned flags;
    char *txt = NULL, *text = NULL;
    rng r = {0x9E3779B97F4A7C15ull};

    if (size > 5 && memcmp(data, "#dns ", 5) == 0)
        return fuzz_raw_dns(data, size);
    for (size_t i = 0; i < size; i++)
        r.state = (r.state ^ data[i]) * 0x100000001B3ull;
    if (r.state == 0)
        r.state = 1;

    /* Keyword lines ("?..."), then the offline parse resolve starts from. */
    kwlines[0] = lines[0];
    for (size_t i = 2; i < nlines; i++) {
        if (lines[i].n > 0 && lines[i].p[0] == '?') {
            kwlines[nkw].p = lines[i].p + 1;
            kwlines[nkw].n = lines[i].n - 1;
            nkw++;
        }
    }
    kw = fuzz_keywords(kwlines, nkw, &flags);
    opts.flags = flags;
    opts.keywords = kw;
    /* fuzz-parse covers raw bytes; here the text is a C string, as from a
     * handle that resolve receives. */
    text = fuzz_strdup(u->p, u->n);
    if (mongouri_uri_parse(&offline, text, &opts, NULL) != MONGOURI_OK ||
        mongouri_uri_scheme(offline) != MONGOURI_SCHEME_MONGODB_SRV)
        goto out;

    if (nlines > 1 && !fuzz_line_is(&lines[1], "-"))
        txt = fuzz_strdup(lines[1].p, lines[1].n); /* a NUL ends it, as resolve checks */

    /* The SRV targets, normalized and without consecutive duplicates. */
    for (size_t i = 2; i < nlines; i++) {
        const fuzz_line *l = &lines[i];
        size_t n = l->n;
        const char *colon;
        unsigned long port = 0;
        char *h;
        if (n > 0 && l->p[0] == '?')
            continue;
        colon = NULL;
        for (size_t k = n; k > 0; k--) {
            if (l->p[k - 1] == ':') {
                colon = l->p + k - 1;
                break;
            }
        }
        if (colon != NULL && colon + 1 < l->p + n) {
            const char *d = colon + 1;
            while (d < l->p + n && *d >= '0' && *d <= '9' && port <= 65535)
                port = port * 10 + (unsigned long)(*d++ - '0');
            if (d == l->p + n && port <= 65535)
                n = (size_t)(colon - l->p);
            else
                port = 0;
        }
        h = fuzz_strdup(l->p, n);
        n = strlen(h);
        while (n > 0 && h[n - 1] == '.')
            h[--n] = '\0';
        for (size_t k = 0; k < n; k++)
            if (h[k] >= 'A' && h[k] <= 'Z')
                h[k] = (char)(h[k] - 'A' + 'a');
        if (n == 0 || (nseeds > 0 && strcmp(hosts[nseeds - 1], h) == 0 &&
                       ports[nseeds - 1] == (port != 0 ? port : 27017))) {
            free(h);
            continue;
        }
        owned[nseeds] = h;
        hosts[nseeds] = h;
        ports[nseeds] = (uint16_t)(port != 0 ? port : 27017);
        nseeds++;
    }
    if (nseeds == 0)
        goto out; /* resolve stops earlier: no SRV record is an error */

    memset(&answer, 0, sizeof answer);
    answer.nseeds = nseeds;
    answer.seed_hosts = hosts;
    answer.seed_ports = ports;
    answer.txt = txt;
    answer.random = draw;
    answer.random_ctx = &r;
    rc = mongouri__build(&uri, offline->text, offline->text_len, offline->flags, offline->keywords,
                         &answer, &err);
    FUZZ_CHECK((rc == MONGOURI_OK) == (uri != NULL), "rc %d", (int)rc);
    if (rc == MONGOURI_OK) {
        size_t n = mongouri_uri_host_count(uri);
        int64_t max = 0;
        fuzz_read_all(uri, offline->text_len);
        FUZZ_CHECK(n >= 1 && n <= nseeds, "%zu hosts from %zu seeds", n, nseeds);
        if (mongouri_uri_get_int(uri, "srvMaxHosts", &max) == MONGOURI_OK && max > 0)
            FUZZ_CHECK(n <= (uint64_t)max, "%zu hosts, srvMaxHosts=%lld", n, (long long)max);
        for (size_t i = 0; i < n; i++) {
            bool found = false;
            for (size_t k = 0; k < nseeds && !found; k++)
                found = strcmp(hosts[k], mongouri_uri_host(uri, i)) == 0 &&
                        ports[k] == mongouri_uri_host_port(uri, i);
            FUZZ_CHECK(found, "host %s is no seed", mongouri_uri_host(uri, i));
            FUZZ_CHECK(mongouri_uri_host_source(uri, i) == MONGOURI_SOURCE_TXT, "host source");
        }
        mongouri_free(mongouri_json_render(offline->text, uri, NULL, 0));
    } else {
        FUZZ_CHECK(rc == err.status, "rc %d, err.status %d", (int)rc, (int)err.status);
        fuzz_check_diag(&err, offline->text_len, false);
        mongouri_free(mongouri_json_render(offline->text, NULL, &err, 0));
    }
    mongouri_uri_destroy(uri);
    for (size_t i = 0; i < nseeds; i++)
        free(owned[i]);
out:
    free(txt);
    free(text);
    mongouri_uri_destroy(offline);
    mongouri_keywords_destroy(kw);
    return 0;
}
