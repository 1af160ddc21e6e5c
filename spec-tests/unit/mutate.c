/*
 * mutate: robustness test over truncated and corrupted connection strings.
 *
 * usage: mutate [--every K] [--max-uris N] [--verbose] PATH...
 *
 * Every "uri" string of the JSON fixture files under PATH (files, or folders
 * searched recursively for *.json) is parsed as is, then every prefix of it,
 * every single-byte deletion, and every byte replaced by each of a few
 * interesting bytes (% @ / ? : [ ] , = & 0x80 0xff), in spec mode and in
 * strict mode. Each input is parsed both NUL-terminated and through
 * mongouri_uri_parse_len from a buffer of exactly its length (so a read past
 * the end is caught by valgrind or ASan), rendered as JSON and redacted.
 *
 * --every K takes one URI in K (a sample for slow runs such as valgrind);
 * --max-uris N stops after N URIs.
 *
 * A check fails when the two parses disagree, when a failure has no message
 * or no valid diagnosis, when an offset lies outside the input, when *out is
 * not NULL after a failure, when a warning is malformed, when the rendering
 * is not JSON, or when a redacted offset lies outside the redacted text. A
 * crash or a leak fails the test itself. The last line is
 * `N passed, N failed`; the exit status is 0 only when nothing failed.
 * Plain C, not Criterion, so that valgrind and ASan give honest exit codes.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mongouri/mongouri.h"
#include "../support/readfile.h"

static const unsigned char interesting[] = {
    '%', '@', '/', '?', ':', '[', ']', ',', '=', '&', 0x80, 0xff,
};

static struct {
    bool verbose;
    size_t max_uris;  /* 0: no limit */
    size_t every;     /* take one URI in `every` */
    char **uris;
    size_t nuris, capuris;
    unsigned long passed, failed;
    unsigned shown;   /* failures printed in full */
} g;

/* ------------------------------------------------------------------------ */
/* Collecting the fixture URIs                                               */
/* ------------------------------------------------------------------------ */

static bool add_uri(const char *s)
{
    char *copy;

    for (size_t i = 0; i < g.nuris; i++)
        if (strcmp(g.uris[i], s) == 0)
            return true; /* already there */
    if (g.nuris == g.capuris) {
        size_t cap = g.capuris == 0 ? 64 : g.capuris * 2;
        char **grown = realloc(g.uris, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        g.uris = grown;
        g.capuris = cap;
    }
    copy = strdup(s);
    if (copy == NULL)
        return false;
    g.uris[g.nuris++] = copy;
    return true;
}

/* Every string value under a key "uri", at any depth. */
static bool collect(const cJSON *node)
{
    const cJSON *child;

    if (node->string != NULL && strcmp(node->string, "uri") == 0 && cJSON_IsString(node))
        return add_uri(node->valuestring);
    cJSON_ArrayForEach(child, node)
    {
        if (!collect(child))
            return false;
    }
    return true;
}

static bool load_file(const char *path)
{
    size_t len = 0;
    char *buf = read_file(path, &len);
    const char *end = NULL;
    cJSON *root;
    bool ok;

    if (buf == NULL) {
        fprintf(stderr, "mutate: cannot read %s\n", path);
        return false;
    }
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    free(buf);
    if (root == NULL) {
        fprintf(stderr, "mutate: %s is not valid JSON\n", path);
        return false;
    }
    ok = collect(root);
    cJSON_Delete(root);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool load_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    bool ok = true;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "mutate: no such file or directory: %s\n", path);
        return false;
    }
    if (!S_ISDIR(st.st_mode))
        return load_file(path);
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "mutate: cannot open %s\n", path);
        return false;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char *full, **grown;
        if (e->d_name[0] == '.')
            continue;
        full = malloc(strlen(path) + l + 2);
        if (full == NULL) {
            ok = false;
            break;
        }
        sprintf(full, "%s/%s", path, e->d_name);
        if (stat(full, &st) != 0 ||
            (!S_ISDIR(st.st_mode) && (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0))) {
            free(full);
            continue;
        }
        grown = realloc(names, (n + 1) * sizeof *names);
        if (grown == NULL) {
            free(full);
            ok = false;
            break;
        }
        names = grown;
        names[n++] = full;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        ok = load_path(names[i]) && ok;
        free(names[i]);
    }
    free(names);
    return ok;
}

/* ------------------------------------------------------------------------ */
/* Checking one input                                                        */
/* ------------------------------------------------------------------------ */

static void show_input(const char *text, size_t len)
{
    fputs("  input: \"", stdout);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    printf("\" (%zu bytes)\n", len);
}

static bool fail(const char *text, size_t len, unsigned int flags, const char *what,
                 const char *detail)
{
    g.failed++;
    if (g.shown < 25) {
        g.shown++;
        printf("FAIL %s%s: %s\n", what, (flags & MONGOURI_PARSE_STRICT) ? " (strict)" : "",
               detail != NULL ? detail : "");
        show_input(text, len);
    }
    return false;
}

static bool valid_diag(mongouri_diag code)
{
    const char *name = mongouri_diag_name(code);

    return code > MONGOURI_D_NONE && code < MONGOURI_D__LAST && name != NULL && name[0] != '\0';
}

static bool valid_record(const mongouri_error *e, size_t len)
{
    return memchr(e->message, '\0', sizeof e->message) != NULL && e->message[0] != '\0' &&
           memchr(e->hint, '\0', sizeof e->hint) != NULL &&
           memchr(e->option, '\0', sizeof e->option) != NULL && valid_diag(e->code) &&
           e->offset >= -1 && (e->offset == -1 || (size_t)e->offset <= len) && e->length >= 0;
}

static bool is_json(const char *s)
{
    const char *end = NULL;
    cJSON *j;

    if (s == NULL)
        return false;
    j = cJSON_ParseWithLengthOpts(s, strlen(s) + 1, &end, 1);
    if (j == NULL)
        return false;
    cJSON_Delete(j);
    return true;
}

/* Parse `text` (NUL-terminated, `len` bytes) both ways and check everything. */
static bool check(const char *text, size_t len, unsigned int flags)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_uri *uri = NULL, *uri2 = NULL;
    mongouri_error err, err2;
    mongouri_status rc, rc2;
    char *exact = malloc(len > 0 ? len : 1);
    char *json = NULL, *json_secret = NULL, *red = NULL;
    char detail[512];
    long ro = -2;
    bool ok = false;

    if (exact == NULL)
        return fail(text, len, flags, "out of memory", NULL);
    memcpy(exact, text, len);
    opts.flags = flags;
    rc = mongouri_uri_parse(&uri, text, &opts, &err);
    rc2 = mongouri_uri_parse_len(&uri2, exact, len, &opts, &err2);

    if (rc != rc2 || (rc != MONGOURI_OK && (err.code != err2.code || err.offset != err2.offset))) {
        snprintf(detail, sizeof detail, "parse gives %s [%s], parse_len gives %s [%s]",
                 mongouri_strerror(rc), mongouri_diag_name(err.code), mongouri_strerror(rc2),
                 mongouri_diag_name(err2.code));
        fail(text, len, flags, "parse and parse_len disagree", detail);
        goto out;
    }
    if (rc != MONGOURI_OK) {
        if (uri != NULL || uri2 != NULL) {
            fail(text, len, flags, "*out is not NULL after a failure", NULL);
            goto out;
        }
        if (err.status != rc || !valid_record(&err, len)) {
            snprintf(detail, sizeof detail, "status %d/%d, code %d (%s), offset %ld, message \"%.200s\"",
                     (int)err.status, (int)rc, (int)err.code, mongouri_diag_name(err.code),
                     err.offset, err.message);
            fail(text, len, flags, "malformed error", detail);
            goto out;
        }
    } else {
        if (uri == NULL || uri2 == NULL) {
            fail(text, len, flags, "success without a handle", NULL);
            goto out;
        }
        for (size_t i = 0; i < mongouri_uri_warning_count(uri); i++) {
            const mongouri_error *w = mongouri_uri_warning(uri, i);
            if (w == NULL || w->status != MONGOURI_OK || !valid_record(w, len)) {
                snprintf(detail, sizeof detail, "warning %zu: code %d, offset %ld, message \"%.200s\"",
                         i, w != NULL ? (int)w->code : -1, w != NULL ? w->offset : -9,
                         w != NULL ? w->message : "(null)");
                fail(text, len, flags, "malformed warning", detail);
                goto out;
            }
        }
        if (mongouri_uri_warning_count(uri) != mongouri_uri_warning_count(uri2)) {
            fail(text, len, flags, "parse and parse_len warn differently", NULL);
            goto out;
        }
        if ((flags & MONGOURI_PARSE_STRICT) && mongouri_uri_warning_count(uri) != 0) {
            fail(text, len, flags, "a warning in strict mode", NULL);
            goto out;
        }
        /* the getters on every host and the TLS settings */
        for (size_t i = 0; i < mongouri_uri_host_count(uri); i++) {
            const char *h = mongouri_uri_host(uri, i);
            if (h == NULL || mongouri_host_type_name(mongouri_uri_host_type(uri, i)) == NULL) {
                fail(text, len, flags, "a host without a name", NULL);
                goto out;
            }
        }
        if (mongouri_uri_host_count(uri) == 0 || mongouri_uri_tls(uri) == NULL) {
            fail(text, len, flags, "a valid result without hosts or TLS settings", NULL);
            goto out;
        }
    }

    json = mongouri_json_render(text, uri, rc == MONGOURI_OK ? NULL : &err, 0);
    json_secret = mongouri_json_render(text, uri, rc == MONGOURI_OK ? NULL : &err,
                                       MONGOURI_JSON_SHOW_SECRETS);
    if (!is_json(json) || !is_json(json_secret)) {
        fail(text, len, flags, "the rendering is not JSON", json);
        goto out;
    }
    red = mongouri_redact(text, rc == MONGOURI_OK ? (long)(len / 2) : err.offset, &ro);
    if (red == NULL) {
        fail(text, len, flags, "redaction failed", NULL);
        goto out;
    }
    if (rc != MONGOURI_OK && err.offset >= 0 && (ro < 0 || (size_t)ro > strlen(red))) {
        snprintf(detail, sizeof detail, "offset %ld maps to %ld in \"%.200s\"", err.offset, ro, red);
        fail(text, len, flags, "redacted offset out of range", detail);
        goto out;
    }
    ok = true;
    g.passed++;
out:
    mongouri_free(json);
    mongouri_free(json_secret);
    mongouri_free(red);
    mongouri_uri_destroy(uri);
    mongouri_uri_destroy(uri2);
    free(exact);
    return ok;
}

static void check_both(const char *text, size_t len)
{
    check(text, len, 0);
    check(text, len, MONGOURI_PARSE_STRICT);
}

/* All the mutations of one URI. */
static void mutate(const char *uri)
{
    size_t len = strlen(uri);
    char *buf = malloc(len + 1);

    if (buf == NULL) {
        fail(uri, len, 0, "out of memory", NULL);
        return;
    }
    check_both(uri, len);
    /* every prefix */
    for (size_t n = 0; n < len; n++) {
        memcpy(buf, uri, n);
        buf[n] = '\0';
        check_both(buf, n);
    }
    /* every single-byte deletion */
    for (size_t i = 0; i < len; i++) {
        memcpy(buf, uri, i);
        memcpy(buf + i, uri + i + 1, len - i - 1);
        buf[len - 1] = '\0';
        check_both(buf, len - 1);
    }
    /* every byte replaced by each interesting byte */
    memcpy(buf, uri, len + 1);
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof interesting; k++) {
            if ((unsigned char)uri[i] == interesting[k])
                continue;
            buf[i] = (char)interesting[k];
            check_both(buf, len);
        }
        buf[i] = uri[i];
    }
    free(buf);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: mutate [--every K] [--max-uris N] [--verbose] PATH...\n"
               "Parses truncated and corrupted versions of every \"uri\" of the JSON fixtures\n"
               "under PATH (files or folders) and checks that each outcome is well formed.\n");
}

int main(int argc, char **argv)
{
    int i = 1;
    bool loaded = true;
    size_t n;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--max-uris") == 0 && i + 1 < argc) {
            g.max_uris = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--every") == 0 && i + 1 < argc) {
            g.every = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--verbose") == 0) {
            g.verbose = true;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i == argc) {
        usage(stderr);
        return 2;
    }
    for (; i < argc; i++)
        loaded = load_path(argv[i]) && loaded;
    if (!loaded || g.nuris == 0) {
        fprintf(stderr, "mutate: no fixture URIs were loaded\n");
        g.failed++;
    }
    if (g.every == 0)
        g.every = 1;
    n = 0;
    for (size_t k = 0; k < g.nuris; k += g.every) {
        unsigned long before = g.failed;
        if (g.max_uris != 0 && n == g.max_uris)
            break;
        mutate(g.uris[k]);
        n++;
        if (g.verbose)
            printf("%s %s\n", g.failed == before ? "ok  " : "FAIL", g.uris[k]);
    }
    for (size_t k = 0; k < g.nuris; k++)
        free(g.uris[k]);
    free(g.uris);
    printf("%zu URIs, %lu inputs\n", n, g.passed + g.failed);
    printf("%lu passed, %lu failed\n", g.passed, g.failed);
    return g.failed == 0 ? 0 : 1;
}
