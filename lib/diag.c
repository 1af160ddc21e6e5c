/*
 * Warnings of a parse: kept on the result (bounded), or, in strict mode,
 * the error that ends the parse. Every stage that warns (option values,
 * cross-option rules) comes here; this file calls none of them.
 */
#include <stdio.h>
#include <string.h>

#include "diag_int.h"
#include "error_int.h"
#include "uri_int.h"
#include "util_int.h"

/*
 * The strict wording of a warning template, into buf: strict mode refuses
 * the option instead of ignoring or overriding it. Only the template, our
 * own text, is looked at; what the arguments echo is never read here.
 */
static const char *strict_template(const char *fmt, char *buf, size_t cap)
{
    static const char *const dropped[] = {"; the option is ignored", "; the last value is used"};
    const char *at;
    size_t n = strlen(fmt);

    if (n >= cap)
        return fmt;
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
        if ((at = strstr(fmt, dropped[i])) != NULL) {
            memcpy(buf, fmt, (size_t)(at - fmt));
            buf[at - fmt] = '\0';
            return buf;
        }
    }
    if ((at = strstr(fmt, " is ignored")) != NULL) {
        memcpy(buf, fmt, n + 1);
        memcpy(buf + (at - fmt), " is refused", strlen(" is refused")); /* same length */
        return buf;
    }
    return fmt;
}

mongouri_status mongouri__warn(mongouri_uri *uri, mongouri_error *err, mongouri_diag code,
                               const char *option, mongouri_source source, long offset, long length,
                               const char *fmt, ...)
{
    mongouri_error *w;
    va_list ap;

    if (uri->flags & MONGOURI_PARSE_STRICT) {
        if (err != NULL) {
            char strict[256];
            const char *t = strict_template(fmt, strict, sizeof strict);

            mongouri__error_set(err, MONGOURI_E_OPTION, code, option, offset, length, "%s", "");
            err->source = source;
            va_start(ap, fmt);
            mongouri__text_vformat(err->message, sizeof err->message, t, ap);
            va_end(ap);
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
            return mongouri__error_set(err, MONGOURI_E_NOMEM, MONGOURI_D_NOMEM, NULL, -1, 0,
                                       "out of memory");
        if (uri->nwarnings > 0)
            memcpy(grown, uri->warnings, uri->nwarnings * sizeof *grown);
        uri->warnings = grown;
        uri->capwarnings = cap;
    }
    w = &uri->warnings[uri->nwarnings++];
    mongouri__error_set(w, MONGOURI_OK, code, option, offset, length, "%s", "");
    w->source = source;
    va_start(ap, fmt);
    mongouri__text_vformat(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
    return MONGOURI_OK;
}

void mongouri__warn_hint(mongouri_uri *uri, mongouri_error *err, const char *fmt, const char *arg)
{
    mongouri_error *target;

    if (uri->flags & MONGOURI_PARSE_STRICT)
        target = err;
    else
        target = uri->nwarnings > 0 ? &uri->warnings[uri->nwarnings - 1] : NULL;
    if (target != NULL)
        snprintf(target->hint, sizeof target->hint, fmt, arg);
}
