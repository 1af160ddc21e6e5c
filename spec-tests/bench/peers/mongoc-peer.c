/*
 * mongoc-peer: what one mongoc_uri_new_with_error() + mongoc_uri_destroy()
 * costs over a corpus, for spec-tests/bench/peers.sh.
 *
 *   mongoc-peer time CORPUS MIN_SECONDS
 *       Parses every line once (warm-up), then runs the measured loop over
 *       the corpus with 1, 2, 4, ... iterations until one run lasts at least
 *       MIN_SECONDS, runs that many iterations twice more and keeps the
 *       fastest of the three (the least disturbed by other processes), and
 *       prints key=value lines:
 *         uris=N invalid=N iterations=N ns_per_uri=... version=...
 *   mongoc-peer count CORPUS ITERATIONS
 *       Warm-up, then the measured loop ITERATIONS times, untimed (for
 *       callgrind: --toggle-collect=measure_mongoc counts the loop alone).
 *
 * The corpus has one connection string per line; blank lines and lines
 * starting with '#' are skipped. Exit status: 0, 1 when the corpus cannot
 * be read, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mongoc/mongoc.h>

#define NOINLINE __attribute__((noinline))

typedef struct corpus {
    size_t n;
    char **uris;
    char *buf;
} corpus;

static int corpus_load(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 65536, len = 0, got;
    char *p;

    memset(c, 0, sizeof *c);
    if (f == NULL) {
        fprintf(stderr, "mongoc-peer: %s: %s\n", path, strerror(errno));
        return -1;
    }
    c->buf = malloc(cap);
    while (c->buf != NULL && (got = fread(c->buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *nb = realloc(c->buf, cap * 2);
            if (nb == NULL) {
                free(c->buf);
                c->buf = NULL;
                break;
            }
            c->buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (c->buf == NULL) {
        fprintf(stderr, "mongoc-peer: out of memory\n");
        return -1;
    }
    c->buf[len] = '\0';
    c->uris = calloc(len / 2 + 1, sizeof *c->uris);
    if (c->uris == NULL) {
        fprintf(stderr, "mongoc-peer: out of memory\n");
        return -1;
    }
    for (p = strtok(c->buf, "\n"); p != NULL; p = strtok(NULL, "\n")) {
        size_t l = strlen(p);
        if (l > 0 && p[l - 1] == '\r')
            p[--l] = '\0';
        if (l > 0 && p[0] != '#')
            c->uris[c->n++] = p;
    }
    if (c->n == 0) {
        fprintf(stderr, "mongoc-peer: %s: no connection string\n", path);
        return -1;
    }
    return 0;
}

/* The measured loop: parse + destroy, `iterations` times over the corpus. */
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

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    corpus c;
    size_t invalid = 0;
    char *end;
    double arg;

    if (argc != 4 || (strcmp(argv[1], "time") != 0 && strcmp(argv[1], "count") != 0)) {
        fprintf(stderr, "usage: mongoc-peer time CORPUS MIN_SECONDS\n"
                        "       mongoc-peer count CORPUS ITERATIONS\n");
        return 2;
    }
    errno = 0;
    arg = strtod(argv[3], &end);
    if (errno != 0 || end == argv[3] || *end != '\0' || !(arg >= 0) || arg > 1e9) {
        fprintf(stderr, "mongoc-peer: bad number: %s\n", argv[3]);
        return 2;
    }
    if (corpus_load(&c, argv[2]) != 0)
        return 1;

    mongoc_init();
    /* No log output: "Unsupported URI option" warnings would be printed (and
     * timed) for every parse. */
    mongoc_log_set_handler(NULL, NULL);
    for (size_t i = 0; i < c.n; i++) {
        bson_error_t error;
        mongoc_uri_t *uri = mongoc_uri_new_with_error(c.uris[i], &error);
        invalid += uri == NULL;
        mongoc_uri_destroy(uri);
    }

    if (argv[1][0] == 'c') {
        measure_mongoc(&c, (unsigned long)arg);
        printf("uris=%zu\ninvalid=%zu\niterations=%lu\n", c.n, invalid, (unsigned long)arg);
    } else {
        unsigned long iterations = 1;
        double ns;
        for (;;) {
            double t0 = now_ns();
            measure_mongoc(&c, iterations);
            ns = now_ns() - t0;
            if (ns >= arg * 1e9 || iterations >= (1ul << 30))
                break;
            iterations *= 2;
        }
        for (int r = 0; r < 2; r++) {
            double t0 = now_ns(), again;
            measure_mongoc(&c, iterations);
            again = now_ns() - t0;
            if (again < ns)
                ns = again;
        }
        printf("uris=%zu\ninvalid=%zu\niterations=%lu\nns_per_uri=%.1f\nversion=%s\n", c.n, invalid,
               iterations, ns / ((double)iterations * (double)c.n), mongoc_get_version());
    }
    mongoc_cleanup();
    free(c.uris);
    free(c.buf);
    return 0;
}
