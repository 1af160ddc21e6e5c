/*
 * libFuzzer harness: the parser with keyword options.
 *
 * Input: line 1 is the connection string (raw bytes), each further line a
 * keyword option "key=value" or "strict" (see fuzz-common.h). The harness
 * parses, reads every part of the result, renders it as JSON, and redacts the
 * text, checking the invariants of errors, warnings and offsets on the way.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_line lines[FUZZ_MAX_LINES];
    size_t nlines = fuzz_lines(data, size, lines);
    const fuzz_line *u = &lines[0];
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_keywords *kw;
    mongouri_uri *uri = (mongouri_uri *)&opts; /* must be overwritten */
    mongouri_error err;
    mongouri_status rc;
    unsigned flags;
    char *text, *json, *red;
    long roff = -2;

    kw = fuzz_keywords(lines, nlines, &flags);
    opts.flags = flags;
    opts.keywords = kw;

    /* The raw bytes, NUL bytes included. */
    rc = mongouri_uri_parse_len(&uri, u->p, u->n, &opts, &err);
    FUZZ_CHECK((rc == MONGOURI_OK) == (uri != NULL), "rc %d with uri %p", (int)rc, (void *)uri);
    if (rc == MONGOURI_OK) {
        fuzz_read_all(uri, u->n);
        if (flags & MONGOURI_PARSE_STRICT)
            FUZZ_CHECK(mongouri_uri_warning_count(uri) == 0, "warnings in strict mode");
    } else {
        FUZZ_CHECK(rc == err.status, "rc %d, err.status %d", (int)rc, (int)err.status);
        fuzz_check_diag(&err, u->n, false);
    }

    /* The NUL-terminated entry point agrees with the length one. */
    text = fuzz_strdup(u->p, u->n);
    if (strlen(text) == u->n) {
        mongouri_uri *again = NULL;
        mongouri_error err2;
        mongouri_status rc2 = mongouri_uri_parse(&again, text, &opts, &err2);
        FUZZ_CHECK(rc2 == rc && (rc == MONGOURI_OK || err2.code == err.code),
                   "parse %d / parse_len %d", (int)rc2, (int)rc);
        mongouri_uri_destroy(again);
    }

    json = mongouri_json_render(text, uri, rc == MONGOURI_OK ? NULL : &err, 0);
    FUZZ_CHECK(json != NULL, "render failed");
    mongouri_free(json);

    /* An offset inside the text maps to one inside the redacted copy. */
    {
        long off = rc == MONGOURI_OK ? (long)(strlen(text) / 2) : err.offset;
        red = mongouri_redact(text, off, &roff);
        FUZZ_CHECK(red != NULL, "redact failed");
        if (off >= 0 && (size_t)off <= strlen(text))
            FUZZ_CHECK(roff >= 0 && (size_t)roff <= strlen(red), "offset %ld -> %ld of %zu",
                       off, roff, strlen(red));
    }
    mongouri_free(red);

    mongouri_uri_destroy(uri);
    mongouri_keywords_destroy(kw);
    free(text);
    return 0;
}
