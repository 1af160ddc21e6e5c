/* Helpers shared by the unit tests (Criterion). */
#ifndef MONGOURI_UNIT_H
#define MONGOURI_UNIT_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag_int.h"
#include "split_int.h"
#include "uri_int.h"

/* Parse `text` (with `flags` and optional keywords), asserting success. */
static inline mongouri_uri *parse_ok_kw(const char *text, unsigned int flags,
                                        const mongouri_keywords *kw)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    opts.flags = flags;
    opts.keywords = kw;
    rc = mongouri_uri_parse(&uri, text, &opts, &err);
    cr_assert_eq(rc, MONGOURI_OK, "parse of \"%s\" failed: [%s] %s", text,
                 mongouri_diag_name(err.code), err.message);
    cr_assert_not_null(uri, "parse of \"%s\" gave no handle", text);
    return uri;
}

static inline mongouri_uri *parse_ok(const char *text)
{
    return parse_ok_kw(text, 0, NULL);
}

/* Parse `text`, asserting failure; the error is returned in *err. */
static inline mongouri_status parse_fail_kw(const char *text, unsigned int flags,
                                            const mongouri_keywords *kw, mongouri_error *err)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    static char sentinel;
    mongouri_uri *uri = (mongouri_uri *)(void *)&sentinel; /* must be reset to NULL */
    mongouri_status rc;

    opts.flags = flags;
    opts.keywords = kw;
    rc = mongouri_uri_parse(&uri, text, &opts, err);
    cr_assert_neq(rc, MONGOURI_OK, "parse of \"%s\" succeeded, expected an error", text);
    cr_assert_null(uri, "a failed parse must set *out to NULL");
    cr_assert_eq(err->status, rc, "the error records the status returned");
    cr_assert_neq(err->message[0], '\0', "an error has a message");
    return rc;
}

static inline mongouri_status parse_fail(const char *text, mongouri_error *err)
{
    return parse_fail_kw(text, 0, NULL, err);
}

/* Offset of the first occurrence of `needle` in `hay` (asserted present). */
static inline long offset_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);

    cr_assert_not_null(p, "\"%s\" not found in \"%s\"", needle, hay);
    return (long)(p - hay);
}

#endif /* MONGOURI_UNIT_H */
