/*
 * bench-parse: what one parse costs.
 *
 *   bench-parse [--no-mongoc] FILE [ITERATIONS]
 *       Loads the connection strings of FILE (one per line; blank lines and
 *       lines starting with '#' are skipped), parses each once as a warm-up,
 *       then ITERATIONS times (parse + destroy, default mode, no keywords, no
 *       DNS, no files) and prints key=value lines:
 *         uris=N iterations=N invalid=N
 *         ns_per_uri=...            wall-clock nanoseconds per parse + destroy
 *         allocations_per_uri=...   malloc + calloc + realloc calls per parse
 *       When built against libmongoc (MONGOURI_BENCH_MONGOC), the same corpus
 *       is then parsed with mongoc_uri_new_with_error() in the same run and
 *       the tool adds mongoc_ns_per_uri, mongoc_allocations_per_uri,
 *       mongoc_invalid and ratio (libmongoc time / mongouri time).
 *
 *   bench-parse --linear [MAX_BYTES]
 *       Parses generated connection strings of 1 KiB, 4 KiB, ... up to
 *       MAX_BYTES (default 1 MiB) in several shapes (many hosts, long tag
 *       sets, a long percent-encoded password, repeated and unknown options)
 *       and prints the cost per byte of each, so that growth that is not
 *       linear shows up as a rising ns_per_byte.
 *
 *   bench-parse --shape NAME BYTES [ITERATIONS]
 *       One input of that shape and size, parsed ITERATIONS times (default
 *       1) inside measure_one(), for an instruction count per byte
 *       (spec-tests/bench/linear-callgrind.sh).
 *
 * The measured loops are the functions measure_mongouri(), measure_mongoc()
 * and measure_one(): spec-tests/bench/callgrind.sh counts the instructions
 * spent inside each of the first two.
 *
 * Exit status: 0, or 1 when the input cannot be read or a generated string
 * that must be valid is rejected. Timing never fails the tool.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mongouri/mongouri.h"

#ifdef MONGOURI_BENCH_MONGOC
#include <mongoc/mongoc.h>
#endif

#define NOINLINE __attribute__((noinline))

/* ------------------------------------------------------------------------ */
/* Counting allocations                                                      */
/* ------------------------------------------------------------------------ */

/*
 * The bench binary defines malloc, calloc, realloc and free itself, counts
 * the calls while `counting` is set, and forwards to glibc's allocator. Every
 * allocation in the process (the library's, libmongoc's, libc's own) goes
 * through these, so the count is exact. Under a sanitizer the interposer is
 * left out (the sanitizer owns malloc) and the count is reported as n/a.
 */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_NO_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define BENCH_NO_COUNT 1
#endif
#endif
#if !defined(__GLIBC__)
#define BENCH_NO_COUNT 1
#endif

static bool counting;
static unsigned long long nallocs;

#ifndef BENCH_NO_COUNT
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

/* Exported (the project builds with hidden visibility, and the bench links
 * with ENABLE_EXPORTS) so that shared libraries such as libmongoc bind to
 * these definitions too. */
#define INTERPOSE __attribute__((visibility("default")))

INTERPOSE void *malloc(size_t size)
{
    if (counting)
        nallocs++;
    return __libc_malloc(size);
}

INTERPOSE void *calloc(size_t n, size_t size)
{
    if (counting)
        nallocs++;
    return __libc_calloc(n, size);
}

INTERPOSE void *realloc(void *p, size_t size)
{
    if (counting)
        nallocs++;
    return __libc_realloc(p, size);
}

INTERPOSE void free(void *p)
{
    __libc_free(p);
}
#endif

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct corpus {
    size_t n;
    char **uris;
    size_t *lens;
    char *buf;
} corpus;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void corpus_free(corpus *c)
{
    free(c->uris);
    free(c->lens);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

/* Read FILE whole, then cut it into lines in place. */
static int corpus_load(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, len = 0, lines = 0;
    char *p;

    memset(c, 0, sizeof *c);
    if (f == NULL) {
        fprintf(stderr, "bench-parse: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;
        if (len + 4096 + 1 > cap) {
            char *nb;
            cap = cap == 0 ? 65536 : cap * 2;
            nb = realloc(c->buf, cap);
            if (nb == NULL)
                goto oom;
            c->buf = nb;
        }
        got = fread(c->buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "bench-parse: %s: read error\n", path);
        goto fail;
    }
    fclose(f);
    f = NULL;
    c->buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        lines += c->buf[i] == '\n';
    lines++;
    c->uris = calloc(lines, sizeof *c->uris);
    c->lens = calloc(lines, sizeof *c->lens);
    if (c->uris == NULL || c->lens == NULL)
        goto oom;
    p = c->buf;
    while (p < c->buf + len) {
        char *nl = memchr(p, '\n', (size_t)(c->buf + len - p));
        char *end = nl != NULL ? nl : c->buf + len;
        *end = '\0';
        if (end > p && end[-1] == '\r')
            *--end = '\0';
        if (end > p && p[0] != '#') {
            c->uris[c->n] = p;
            c->lens[c->n] = (size_t)(end - p);
            c->n++;
        }
        p = nl != NULL ? nl + 1 : c->buf + len;
    }
    if (c->n == 0) {
        fprintf(stderr, "bench-parse: %s: no connection string\n", path);
        goto fail;
    }
    return 0;
oom:
    fprintf(stderr, "bench-parse: out of memory\n");
fail:
    if (f != NULL)
        fclose(f);
    corpus_free(c);
    return -1;
}

static void print_allocs(const char *key, unsigned long long n, double parses)
{
#ifdef BENCH_NO_COUNT
    (void)n;
    (void)parses;
    printf("%s=n/a\n", key);
#else
    printf("%s=%.2f\n", key, (double)n / parses);
#endif
}

/* ------------------------------------------------------------------------ */
/* mongouri                                                                  */
/* ------------------------------------------------------------------------ */

/* Parse every string once; returns how many were rejected. */
static size_t warm_mongouri(const corpus *c, bool verbose)
{
    size_t invalid = 0;
    for (size_t i = 0; i < c->n; i++) {
        mongouri_uri *uri = NULL;
        mongouri_error err;
        if (mongouri_uri_parse_len(&uri, c->uris[i], c->lens[i], NULL, &err) != MONGOURI_OK) {
            invalid++;
            if (verbose)
                fprintf(stderr, "bench-parse: mongouri rejects line %zu: %s: %s\n", i + 1,
                        mongouri_diag_name(err.code), err.message);
        }
        mongouri_uri_destroy(uri);
    }
    return invalid;
}

/* The measured loop: parse + destroy, `iterations` times over the corpus. */
NOINLINE void measure_mongouri(const corpus *c, unsigned long iterations);
NOINLINE void measure_mongouri(const corpus *c, unsigned long iterations)
{
    for (unsigned long it = 0; it < iterations; it++) {
        for (size_t i = 0; i < c->n; i++) {
            mongouri_uri *uri = NULL;
            mongouri_error err;
            (void)mongouri_uri_parse_len(&uri, c->uris[i], c->lens[i], NULL, &err);
            mongouri_uri_destroy(uri);
        }
    }
}

static double run_mongouri(const corpus *c, unsigned long iterations, unsigned long long *allocs)
{
    double t0, t1;

    nallocs = 0;
    counting = true;
    t0 = now_ns();
    measure_mongouri(c, iterations);
    t1 = now_ns();
    counting = false;
    *allocs = nallocs;
    return (t1 - t0) / ((double)iterations * (double)c->n);
}

/* ------------------------------------------------------------------------ */
/* libmongoc                                                                 */
/* ------------------------------------------------------------------------ */

#ifdef MONGOURI_BENCH_MONGOC
static size_t warm_mongoc(const corpus *c, bool verbose)
{
    size_t invalid = 0;
    for (size_t i = 0; i < c->n; i++) {
        bson_error_t error;
        mongoc_uri_t *uri = mongoc_uri_new_with_error(c->uris[i], &error);
        if (uri == NULL) {
            invalid++;
            if (verbose)
                fprintf(stderr, "bench-parse: libmongoc rejects line %zu: %s\n", i + 1,
                        error.message);
        }
        mongoc_uri_destroy(uri);
    }
    return invalid;
}

NOINLINE void measure_mongoc(const corpus *c, unsigned long iterations);
NOINLINE void measure_mongoc(const corpus *c, unsigned long iterations)
{
    for (unsigned long it = 0; it < iterations; it++) {
        for (size_t i = 0; i < c->n; i++) {
            bson_error_t error;
            mongoc_uri_destroy(mongoc_uri_new_with_error(c->uris[i], &error));
        }
    }
}

static double run_mongoc(const corpus *c, unsigned long iterations, unsigned long long *allocs)
{
    double t0, t1;

    nallocs = 0;
    counting = true;
    t0 = now_ns();
    measure_mongoc(c, iterations);
    t1 = now_ns();
    counting = false;
    *allocs = nallocs;
    return (t1 - t0) / ((double)iterations * (double)c->n);
}
#endif

/* ------------------------------------------------------------------------ */
/* Corpus mode                                                               */
/* ------------------------------------------------------------------------ */

static int bench_file(const char *path, unsigned long iterations, bool with_mongoc)
{
    corpus c;
    size_t invalid;
    unsigned long long allocs;
    double ns, parses;

    if (corpus_load(&c, path) != 0)
        return 1;
    parses = (double)iterations * (double)c.n;
    invalid = warm_mongouri(&c, true);
    printf("file=%s\nuris=%zu\niterations=%lu\ninvalid=%zu\n", path, c.n, iterations, invalid);
    ns = run_mongouri(&c, iterations, &allocs);
    printf("ns_per_uri=%.1f\n", ns);
    print_allocs("allocations_per_uri", allocs, parses);
    fflush(stdout);

#ifdef MONGOURI_BENCH_MONGOC
    if (with_mongoc) {
        double mns;
        mongoc_init();
        /* No log output: "Unsupported URI option" warnings would be
         * printed (and timed) for every parse. */
        mongoc_log_set_handler(NULL, NULL);
        invalid = warm_mongoc(&c, true);
        mns = run_mongoc(&c, iterations, &allocs);
        printf("mongoc_version=%s\nmongoc_invalid=%zu\nmongoc_ns_per_uri=%.1f\n",
               mongoc_get_version(), invalid, mns);
        print_allocs("mongoc_allocations_per_uri", allocs, parses);
        printf("ratio=%.1f\n", ns > 0 ? mns / ns : 0.0);
        mongoc_cleanup();
    }
#else
    (void)with_mongoc;
#endif
    corpus_free(&c);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Linearity mode                                                            */
/* ------------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static bool sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 4096 : b->cap;
        char *np;
        while (b->len + n + 1 > cap)
            cap *= 2;
        np = realloc(b->p, cap);
        if (np == NULL)
            return false;
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

static bool sb_fmt(sbuf *b, const char *fmt, unsigned long a)
{
    char tmp[256];
    int n = snprintf(tmp, sizeof tmp, fmt, a);
    return n > 0 && (size_t)n < sizeof tmp && sb_add(b, tmp, (size_t)n);
}

enum shape { S_HOSTS, S_TAGS, S_PASSWORD, S_REPEATED, S_UNKNOWN, S__COUNT };

static const char *const shape_names[S__COUNT] = {"hosts", "tag-sets", "password",
                                                  "repeated-options", "unknown-options"};

/* One connection string of about `size` bytes (never more) in `shape`. */
static bool generate(sbuf *b, enum shape shape, size_t size)
{
    unsigned long i = 0;

    b->len = 0;
    switch (shape) {
    case S_HOSTS:
        /* ~110 bytes a host: 1 MiB stays under MONGOURI_MAX_HOSTS. */
        if (!sb_add(b, "mongodb://", 10))
            return false;
        while (b->len + 120 < size) {
            if (!sb_fmt(b,
                        i == 0 ? "h%06lu.member-of-a-rather-large-replica-set-with-long"
                                 "-names.datacenter-one.region-eu-west.example.com:27017"
                               : ",h%06lu.member-of-a-rather-large-replica-set-with-long"
                                 "-names.datacenter-one.region-eu-west.example.com:27017",
                        i))
                return false;
            i++;
        }
        return sb_add(b, "/?replicaSet=rs0", 16);
    case S_TAGS:
        /* readPreferenceTags sets of 100 tags (~1.5 KiB): 1 MiB stays under
         * MONGOURI_MAX_TAG_SETS and MONGOURI_MAX_LIST_ITEMS. */
        if (!sb_add(b, "mongodb://db.example.com/?readPreference=secondary", 50))
            return false;
        while (b->len + 40 < size) {
            if (i % 100 == 0 ? !sb_fmt(b, "&readPreferenceTags=dc%06lu:east", i)
                             : !sb_fmt(b, ",rack%06lu:r17", i))
                return false;
            i++;
        }
        return true;
    case S_PASSWORD:
        if (!sb_add(b, "mongodb://user:", 15))
            return false;
        while (b->len + 40 < size)
            if (!sb_add(b, "p%40ss%2Fw0rd-", 14))
                return false;
        return sb_add(b, "@db.example.com/admin", 21);
    case S_REPEATED:
        /* ~125 bytes an option: 1 MiB stays under MONGOURI_MAX_OPTIONS. */
        if (!sb_add(b, "mongodb://db.example.com/?appName=first", 39))
            return false;
        while (b->len + 130 < size) {
            if (!sb_fmt(b,
                        "&appName=service-%06lu-with-a-long-application-name-that-"
                        "identifies-the-client-in-the-server-logs-and-in-the-profiler",
                        i))
                return false;
            i++;
        }
        return true;
    case S_UNKNOWN:
        if (!sb_add(b, "mongodb://db.example.com/?", 26))
            return false;
        while (b->len + 130 < size) {
            if (!sb_fmt(b,
                        i == 0 ? "customSetting%06lu=value-of-a-setting-that-this-library"
                                 "-does-not-know-about-at-all-00000000000000000000000000"
                               : "&customSetting%06lu=value-of-a-setting-that-this-libra"
                                 "ry-does-not-know-about-at-all-00000000000000000000000000",
                        i))
                return false;
            i++;
        }
        return true;
    default:
        return false;
    }
}

NOINLINE void measure_one(const char *text, size_t len, unsigned long iterations);
NOINLINE void measure_one(const char *text, size_t len, unsigned long iterations)
{
    for (unsigned long it = 0; it < iterations; it++) {
        mongouri_uri *uri = NULL;
        mongouri_error err;
        (void)mongouri_uri_parse_len(&uri, text, len, NULL, &err);
        mongouri_uri_destroy(uri);
    }
}

static int bench_linear(size_t max_bytes)
{
    sbuf b = {NULL, 0, 0};
    int rc = 0;

    printf("max_bytes=%zu\n", max_bytes);
    for (int s = 0; s < S__COUNT; s++) {
        double first = 0, mid = 0, last = 0;
        for (size_t size = 1024; size <= max_bytes; size *= 4) {
            mongouri_uri *uri = NULL;
            mongouri_error err;
            unsigned long iterations;
            double t0, ns, per_byte;
            size_t warnings;

            if (!generate(&b, (enum shape)s, size)) {
                fprintf(stderr, "bench-parse: out of memory\n");
                rc = 1;
                goto out;
            }
            if (mongouri_uri_parse_len(&uri, b.p, b.len, NULL, &err) != MONGOURI_OK) {
                fprintf(stderr, "bench-parse: %s input of %zu bytes rejected: %s: %s\n",
                        shape_names[s], b.len, mongouri_diag_name(err.code), err.message);
                rc = 1;
                goto out;
            }
            warnings = mongouri_uri_warning_count(uri);
            mongouri_uri_destroy(uri);
            /* About 8 MiB of input per size, at least 3 parses. */
            iterations = (unsigned long)((8u << 20) / b.len);
            if (iterations < 3)
                iterations = 3;
            t0 = now_ns();
            measure_one(b.p, b.len, iterations);
            ns = (now_ns() - t0) / (double)iterations;
            per_byte = ns / (double)b.len;
            printf("shape=%s bytes=%zu warnings=%zu iterations=%lu ns_per_uri=%.0f "
                   "ns_per_byte=%.3f\n",
                   shape_names[s], b.len, warnings, iterations, ns, per_byte);
            fflush(stdout);
            if (size == 1024)
                first = per_byte;
            if (size == 16 * 1024)
                mid = per_byte;
            last = per_byte;
        }
        /* Growth of the per-byte cost: ~1 means linear (16 KiB removes the
         * fixed cost that dominates 1 KiB). */
        printf("shape=%s ns_per_byte_1KiB=%.3f ns_per_byte_16KiB=%.3f ns_per_byte_max=%.3f "
               "growth_max_vs_16KiB=%.2f\n",
               shape_names[s], first, mid, last, mid > 0 ? last / mid : 0.0);
    }
out:
    free(b.p);
    return rc;
}

/* ------------------------------------------------------------------------ */

/* One generated input, parsed `iterations` times inside measure_one (for
 * callgrind: spec-tests/bench/linear-callgrind.sh counts instructions there). */
static int bench_shape(const char *name, size_t size, unsigned long iterations)
{
    sbuf b = {NULL, 0, 0};
    mongouri_uri *uri = NULL;
    mongouri_error err;
    int s;

    for (s = 0; s < S__COUNT && strcmp(shape_names[s], name) != 0; s++)
        ;
    if (s == S__COUNT) {
        fprintf(stderr, "bench-parse: no shape '%s'\n", name);
        return 2;
    }
    if (!generate(&b, (enum shape)s, size)) {
        fprintf(stderr, "bench-parse: out of memory\n");
        return 1;
    }
    if (mongouri_uri_parse_len(&uri, b.p, b.len, NULL, &err) != MONGOURI_OK) {
        fprintf(stderr, "bench-parse: %s input of %zu bytes rejected: %s: %s\n", name, b.len,
                mongouri_diag_name(err.code), err.message);
        free(b.p);
        return 1;
    }
    printf("shape=%s bytes=%zu warnings=%zu iterations=%lu\n", name, b.len,
           mongouri_uri_warning_count(uri), iterations);
    mongouri_uri_destroy(uri);
    measure_one(b.p, b.len, iterations);
    free(b.p);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-parse [--no-mongoc] FILE [ITERATIONS]\n"
                    "       bench-parse --linear [MAX_BYTES]\n"
                    "       bench-parse --shape NAME BYTES [ITERATIONS]\n");
}

static bool parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-')
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    unsigned long iterations = 10000;
    bool with_mongoc = true;
    int i = 1;

    if (argc >= 2 && strcmp(argv[1], "--linear") == 0) {
        unsigned long max = 1024ul * 1024ul;
        if (argc > 3 || (argc == 3 && !parse_ulong(argv[2], &max)) ||
            max > MONGOURI_MAX_URI_LENGTH) {
            usage();
            return 2;
        }
        return bench_linear((size_t)max);
    }
    if (argc >= 2 && strcmp(argv[1], "--shape") == 0) {
        unsigned long bytes, n = 1;
        if (argc < 4 || argc > 5 || !parse_ulong(argv[3], &bytes) ||
            bytes > MONGOURI_MAX_URI_LENGTH || (argc == 5 && !parse_ulong(argv[4], &n))) {
            usage();
            return 2;
        }
        return bench_shape(argv[2], (size_t)bytes, n);
    }
    if (i < argc && strcmp(argv[i], "--no-mongoc") == 0) {
        with_mongoc = false;
        i++;
    }
    if (argc - i < 1 || argc - i > 2 || (argc - i == 2 && !parse_ulong(argv[i + 1], &iterations))) {
        usage();
        return 2;
    }
    return bench_file(argv[i], iterations, with_mongoc);
}
