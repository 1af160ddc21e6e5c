/*
 * Input limits (MONGOURI_MAX_*): each one just under (accepted) and just over
 * (MONGOURI_E_LIMIT with the diagnosis "limit"), through every way input
 * reaches the parser: the URI text, keyword options, and a DNS answer (SRV
 * records and the TXT record). Prints the failures, then
 * "N passed, N failed"; exit 0 only when nothing failed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uri_int.h"

static int passed, failed;

/* A growable string; on out-of-memory the program stops. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL) {
            fprintf(stderr, "test-limits: out of memory\n");
            exit(2);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_cat(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        fprintf(stderr, "test-limits: format too long\n");
        exit(2);
    }
    sb_add(b, tmp, (size_t)n);
}

static void sb_reset(sbuf *b)
{
    b->len = 0;
    if (b->p != NULL)
        b->p[0] = '\0';
}

static void check(bool ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s: ", name);
    {
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
    }
    putchar('\n');
}

/* The outcome of one parse, checked against "accepted" or "limit". */
static void expect(const char *name, mongouri_status rc, mongouri_uri *uri,
                   const mongouri_error *err, bool want_limit)
{
    if (want_limit) {
        check(rc == MONGOURI_E_LIMIT && uri == NULL && err->status == MONGOURI_E_LIMIT &&
                  strcmp(mongouri_diag_name(err->code), "limit") == 0 && err->message[0] != '\0',
              name, "want status %d and diagnosis \"limit\", got %d \"%s\": %s", MONGOURI_E_LIMIT,
              (int)rc, mongouri_diag_name(err->code), err->message);
    } else {
        check(rc == MONGOURI_OK && uri != NULL, name, "want accepted, got %d \"%s\": %s", (int)rc,
              mongouri_diag_name(err->code), err->message);
    }
}

static void parse_expect(const char *name, const char *text, size_t len, bool want_limit)
{
    mongouri_uri *uri = (mongouri_uri *)1;
    mongouri_error err;
    mongouri_status rc = mongouri_uri_parse_len(&uri, text, len, NULL, &err);

    expect(name, rc, uri, &err, want_limit);
    mongouri_uri_destroy(uri);
}

/* ------------------------------------------------------------------------ */
/* The URI text                                                              */
/* ------------------------------------------------------------------------ */

/* "mongodb://u:PPPP...@h/" of exactly `len` bytes. */
static char *uri_of_length(size_t len)
{
    static const char head[] = "mongodb://u:";
    static const char tail[] = "@h/";
    char *s = malloc(len + 1);

    if (s == NULL) {
        fprintf(stderr, "test-limits: out of memory\n");
        exit(2);
    }
    memcpy(s, head, sizeof head - 1);
    memset(s + sizeof head - 1, 'p', len - (sizeof head - 1) - (sizeof tail - 1));
    memcpy(s + len - (sizeof tail - 1), tail, sizeof tail);
    return s;
}

static void test_length(void)
{
    size_t max = MONGOURI_MAX_URI_LENGTH;
    char *at = uri_of_length(max);
    char *over = uri_of_length(max + 1);
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    parse_expect("length: MONGOURI_MAX_URI_LENGTH bytes (parse_len)", at, max, false);
    parse_expect("length: one byte more (parse_len)", over, max + 1, true);
    rc = mongouri_uri_parse(&uri, at, NULL, &err);
    expect("length: MONGOURI_MAX_URI_LENGTH bytes (parse)", rc, uri, &err, false);
    mongouri_uri_destroy(uri);
    rc = mongouri_uri_parse(&uri, over, NULL, &err);
    expect("length: one byte more (parse)", rc, uri, &err, true);
    mongouri_uri_destroy(uri);
    /* The limit is checked before anything else: a huge length is refused
     * without reading the text. */
    parse_expect("length: SIZE_MAX", over, (size_t)-1, true);
    free(at);
    free(over);
}

static void hosts_uri(sbuf *b, size_t n)
{
    sb_reset(b);
    sb_cat(b, "mongodb://");
    for (size_t i = 0; i < n; i++)
        sb_fmt(b, "%sh%zu.example.com:%zu", i == 0 ? "" : ",", i, 1024 + i % 60000);
    sb_cat(b, "/?replicaSet=rs0");
}

static void test_hosts(sbuf *b)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    hosts_uri(b, MONGOURI_MAX_HOSTS);
    rc = mongouri_uri_parse_len(&uri, b->p, b->len, NULL, &err);
    expect("hosts: MONGOURI_MAX_HOSTS", rc, uri, &err, false);
    check(uri != NULL && mongouri_uri_host_count(uri) == MONGOURI_MAX_HOSTS, "hosts: all kept",
          "got %zu hosts", uri != NULL ? mongouri_uri_host_count(uri) : 0);
    mongouri_uri_destroy(uri);

    hosts_uri(b, MONGOURI_MAX_HOSTS + 1);
    rc = mongouri_uri_parse_len(&uri, b->p, b->len, NULL, &err);
    expect("hosts: one more", rc, uri, &err, true);
    check(err.offset >= 0 && (size_t)err.offset <= b->len, "hosts: offset in the input",
          "offset %ld of %zu bytes", err.offset, b->len);
}

static void options_uri(sbuf *b, size_t n)
{
    /* Alternating options, so that most are repeats (warnings, not errors). */
    static const char *const pairs[] = {
        "appName=a", "w=1", "maxPoolSize=5", "retryWrites=true", "unknownKey=1",
    };
    sb_reset(b);
    sb_cat(b, "mongodb://h/?");
    for (size_t i = 0; i < n; i++)
        sb_fmt(b, "%s%s", i == 0 ? "" : "&", pairs[i % 5]);
}

static void test_options(sbuf *b)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    options_uri(b, MONGOURI_MAX_OPTIONS);
    rc = mongouri_uri_parse_len(&uri, b->p, b->len, NULL, &err);
    expect("options: MONGOURI_MAX_OPTIONS", rc, uri, &err, false);
    mongouri_uri_destroy(uri);

    options_uri(b, MONGOURI_MAX_OPTIONS + 1);
    rc = mongouri_uri_parse_len(&uri, b->p, b->len, NULL, &err);
    expect("options: one more", rc, uri, &err, true);
    check(err.offset >= 0 && (size_t)err.offset <= b->len, "options: offset in the input",
          "offset %ld of %zu bytes", err.offset, b->len);

    /* Empty pieces ("&&") are not options. */
    sb_reset(b);
    sb_cat(b, "mongodb://h/?appName=a");
    for (size_t i = 0; i < MONGOURI_MAX_OPTIONS + 10; i++)
        sb_cat(b, "&");
    parse_expect("options: empty pieces do not count", b->p, b->len, false);
}

/* The value of a list-like option of `n` items. */
static void list_value(sbuf *b, const char *kind, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : ",";
        if (strcmp(kind, "compressors") == 0)
            sb_fmt(b, "%s%s", sep, i % 2 ? "zlib" : "zstd");
        else if (strcmp(kind, "authMechanismProperties") == 0)
            sb_fmt(b, "%s%s", sep, i == 0 ? "SERVICE_NAME:mongodb" : "SERVICE_REALM:R");
        else
            sb_fmt(b, "%sk%zu:v%zu", sep, i, i);
    }
}

static void list_uri(sbuf *b, const char *kind, size_t n)
{
    sb_reset(b);
    if (strcmp(kind, "compressors") == 0)
        sb_cat(b, "mongodb://h/?compressors=");
    else if (strcmp(kind, "authMechanismProperties") == 0)
        sb_cat(b, "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties=");
    else
        sb_cat(b, "mongodb://h/?readPreference=secondary&readPreferenceTags=");
    list_value(b, kind, n);
}

static void test_lists(sbuf *b)
{
    static const char *const kinds[] = {
        "compressors",
        "authMechanismProperties",
        "readPreferenceTags",
    };
    char name[128];

    for (size_t k = 0; k < 3; k++) {
        list_uri(b, kinds[k], MONGOURI_MAX_LIST_ITEMS);
        snprintf(name, sizeof name, "list: %s with MONGOURI_MAX_LIST_ITEMS items", kinds[k]);
        parse_expect(name, b->p, b->len, false);
        list_uri(b, kinds[k], MONGOURI_MAX_LIST_ITEMS + 1);
        snprintf(name, sizeof name, "list: %s with one item more", kinds[k]);
        parse_expect(name, b->p, b->len, true);
    }
}

static void tagsets_uri(sbuf *b, size_t n)
{
    sb_reset(b);
    sb_cat(b, "mongodb://h/?readPreference=nearest");
    for (size_t i = 0; i < n; i++)
        sb_fmt(b, "&readPreferenceTags=dc:d%zu,rack:r%zu", i, i);
    sb_cat(b, "&readPreferenceTags=");
}

static void test_tagsets(sbuf *b)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    /* n sets plus the final empty set. */
    tagsets_uri(b, MONGOURI_MAX_TAG_SETS - 1);
    rc = mongouri_uri_parse_len(&uri, b->p, b->len, NULL, &err);
    expect("tag sets: MONGOURI_MAX_TAG_SETS", rc, uri, &err, false);
    check(uri != NULL && mongouri_uri_tag_set_count(uri) == MONGOURI_MAX_TAG_SETS,
          "tag sets: all kept", "got %zu sets", uri != NULL ? mongouri_uri_tag_set_count(uri) : 0);
    mongouri_uri_destroy(uri);

    tagsets_uri(b, MONGOURI_MAX_TAG_SETS);
    parse_expect("tag sets: one more", b->p, b->len, true);
}

/* ------------------------------------------------------------------------ */
/* Keyword options                                                           */
/* ------------------------------------------------------------------------ */

static void test_keywords(sbuf *b)
{
    static const char *const kinds[] = {
        "compressors",
        "authMechanismProperties",
        "readPreferenceTags",
    };
    char name[128];

    for (size_t k = 0; k < 3; k++) {
        mongouri_keywords *kw = NULL;
        mongouri_error err;
        mongouri_status rc;

        if (mongouri_keywords_new(&kw, &err) != MONGOURI_OK) {
            check(false, "keywords: new", "%s", err.message);
            return;
        }
        sb_reset(b);
        list_value(b, kinds[k], MONGOURI_MAX_LIST_ITEMS);
        rc = mongouri_keywords_set(kw, kinds[k], b->p, &err);
        snprintf(name, sizeof name, "keyword %s with MONGOURI_MAX_LIST_ITEMS items", kinds[k]);
        check(rc == MONGOURI_OK, name, "got %d \"%s\": %s", (int)rc, mongouri_diag_name(err.code),
              err.message);

        sb_reset(b);
        list_value(b, kinds[k], MONGOURI_MAX_LIST_ITEMS + 1);
        rc = mongouri_keywords_set(kw, kinds[k], b->p, &err);
        snprintf(name, sizeof name, "keyword %s with one item more", kinds[k]);
        check(rc == MONGOURI_E_LIMIT && strcmp(mongouri_diag_name(err.code), "limit") == 0, name,
              "want status %d and \"limit\", got %d \"%s\": %s", MONGOURI_E_LIMIT, (int)rc,
              mongouri_diag_name(err.code), err.message);
        mongouri_keywords_destroy(kw);
    }
}

/* ------------------------------------------------------------------------ */
/* DNS answers: SRV records and the TXT record                               */
/* ------------------------------------------------------------------------ */

static mongouri_status build_srv(mongouri_uri **out, size_t nseeds, const char *txt,
                                 mongouri_error *err)
{
    static const char text[] = "mongodb+srv://cluster0.example.com/";
    const char **hosts = calloc(nseeds + 1, sizeof *hosts);
    uint16_t *ports = calloc(nseeds + 1, sizeof *ports);
    char *names = malloc((nseeds + 1) * 48);
    mongouri__srv_answer answer;
    mongouri_status rc;

    if (hosts == NULL || ports == NULL || names == NULL) {
        fprintf(stderr, "test-limits: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < nseeds; i++) {
        snprintf(names + i * 48, 48, "s%zu.example.com", i);
        hosts[i] = names + i * 48;
        ports[i] = (uint16_t)(27017 + i % 1000);
    }
    memset(&answer, 0, sizeof answer);
    answer.nseeds = nseeds;
    answer.seed_hosts = hosts;
    answer.seed_ports = ports;
    answer.txt = txt;
    *out = NULL;
    rc = mongouri__build(out, text, sizeof text - 1, 0, NULL, &answer, err);
    free(hosts);
    free(ports);
    free(names);
    return rc;
}

static void test_dns(sbuf *b)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    rc = build_srv(&uri, MONGOURI_MAX_HOSTS, NULL, &err);
    expect("SRV: MONGOURI_MAX_HOSTS records", rc, uri, &err, false);
    check(uri != NULL && mongouri_uri_host_count(uri) == MONGOURI_MAX_HOSTS, "SRV: all kept",
          "got %zu hosts", uri != NULL ? mongouri_uri_host_count(uri) : 0);
    mongouri_uri_destroy(uri);
    rc = build_srv(&uri, MONGOURI_MAX_HOSTS + 1, NULL, &err);
    expect("SRV: one record more", rc, uri, &err, true);
    mongouri_uri_destroy(uri);

    /* Options of the TXT record count like options of the URI. */
    sb_reset(b);
    for (size_t i = 0; i < MONGOURI_MAX_OPTIONS; i++)
        sb_cat(b, i == 0 ? "authSource=admin" : "&authSource=admin");
    rc = build_srv(&uri, 1, b->p, &err);
    expect("TXT: MONGOURI_MAX_OPTIONS options", rc, uri, &err, false);
    mongouri_uri_destroy(uri);
    sb_cat(b, "&authSource=admin");
    rc = build_srv(&uri, 1, b->p, &err);
    expect("TXT: one option more", rc, uri, &err, true);
    mongouri_uri_destroy(uri);
}

int main(void)
{
    sbuf b = {NULL, 0, 0};

    test_length();
    test_hosts(&b);
    test_options(&b);
    test_lists(&b);
    test_tagsets(&b);
    test_keywords(&b);
    test_dns(&b);
    free(b.p);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
