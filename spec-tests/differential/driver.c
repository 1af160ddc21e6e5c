/*
 * differential driver: what the library answers for each input, as one line.
 *
 * Reads inputs from stdin, one per line, hex-encoded (so any byte, NUL
 * included, can be given). Each input is parsed three times: default mode,
 * strict mode, and with a fixed set of keyword options. For each parse it
 * renders the status, the error (every field), every warning (every field),
 * the JSON with and without secrets and the redacted input, and prints one
 * line per input: its index and a 64-bit FNV-1a hash of all of that, or with
 * --full the rendering itself. Built once against each of two libraries, it
 * shows whether they answer every input identically (differential.sh).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mongouri/mongouri.h"

static int hexv(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void put_error(FILE *f, const char *tag, const mongouri_error *e)
{
    fprintf(f, "%s status=%d code=%s source=%d offset=%ld length=%ld option=[%s] message=[%s] "
               "hint=[%s]\n",
            tag, (int)e->status, mongouri_diag_name(e->code), (int)e->source, e->offset, e->length,
            e->option, e->message, e->hint);
}

static void put_text(FILE *f, const char *tag, char *s)
{
    fprintf(f, "%s=%s\n", tag, s != NULL ? s : "(null)");
    mongouri_free(s);
}

static void run(FILE *f, const char *buf, size_t n, unsigned flags, mongouri_keywords *kw)
{
    mongouri_parse_options o;
    mongouri_uri *u = NULL;
    mongouri_error err;
    mongouri_status rc;
    const mongouri_error *e;

    mongouri_parse_options_init(&o, MONGOURI_PARSE_OPTIONS_VERSION);
    o.flags = flags;
    o.keywords = kw;
    rc = mongouri_uri_parse_len(&u, buf, n, &o, &err);
    fprintf(f, "rc=%d\n", (int)rc);
    if (rc != MONGOURI_OK)
        put_error(f, "error", &err);
    for (size_t i = 0; u != NULL && i < mongouri_uri_warning_count(u); i++)
        if ((e = mongouri_uri_warning(u, i)) != NULL)
            put_error(f, "warning", e);
    if (memchr(buf, '\0', n) == NULL) {
        const mongouri_error *shown = rc == MONGOURI_OK ? NULL : &err;
        put_text(f, "json", mongouri_json_render(buf, u, shown, MONGOURI_JSON_SHOW_SECRETS));
        put_text(f, "json-redacted", mongouri_json_render(buf, u, shown, 0));
        put_text(f, "redacted", mongouri_redact(buf, -1, NULL));
    }
    mongouri_uri_destroy(u);
}

int main(int argc, char **argv)
{
    static char line[1 << 23], buf[1 << 22];
    bool full = argc > 1 && strcmp(argv[1], "--full") == 0;
    mongouri_keywords *kw = NULL;
    mongouri_error e;
    unsigned long index = 0;

    if (mongouri_keywords_new(&kw, &e) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "appName", "keyword-app", &e) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "tls", "true", &e) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "maxPoolSize", "7", &e) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "readPreference", "nearest", &e) != MONGOURI_OK) {
        fprintf(stderr, "driver: keywords: %s\n", e.message);
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        char *out = NULL;
        size_t outlen = 0, n = 0;
        FILE *f = open_memstream(&out, &outlen);

        if (f == NULL)
            return 1;
        for (char *p = line; p[0] != '\0' && p[1] != '\0' && p[0] != '\n'; p += 2)
            buf[n++] = (char)(hexv(p[0]) * 16 + hexv(p[1]));
        buf[n] = '\0';
        run(f, buf, n, 0, NULL);
        run(f, buf, n, MONGOURI_PARSE_STRICT, NULL);
        run(f, buf, n, 0, kw);
        fclose(f);
        if (full) {
            printf("== input %lu (%zu bytes)\n%s", index, n, out);
        } else {
            uint64_t h = UINT64_C(0xcbf29ce484222325);
            for (size_t i = 0; i < outlen; i++)
                h = (h ^ (unsigned char)out[i]) * UINT64_C(0x100000001b3);
            printf("%lu %016llx\n", index, (unsigned long long)h);
        }
        free(out);
        index++;
    }
    mongouri_keywords_destroy(kw);
    return 0;
}
