/*
 * validate-uri --fix: a corrected connection string and one line per change.
 *
 * What is fixed is only what has one possible meaning:
 * - reserved characters left unescaped in the user name or password (when
 *   the '@' that ends them can be told apart), percent-encoded;
 * - option names: aliases and legacy spellings replaced by the canonical
 *   name (ssl -> tls, wtimeout -> wTimeoutMS, sslCAFile -> tlsCAFile), letter
 *   case made canonical;
 * - a key repeated with the same value, once;
 * - options the parse ignores: TLS options under tls=false, empty values;
 * - values written in a legacy or non-canonical form (journal=yes), and
 *   values equal to the default, which are not repeated.
 * Everything that needs a human choice is refused, the string left as is:
 * a key repeated with different values, an invalid value, an unknown option,
 * any error of the parse. The string is written by mongouri_uri_format().
 * Like every output of the tool it shows the password and secret values
 * masked unless --show-secrets.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uriparser/Uri.h>

#include "validate-uri.h"

#define FIX_MAX_LINES 256

typedef struct fix {
    const vu_config *cfg;
    char *changes[FIX_MAX_LINES];
    size_t nchanges;
    char *refusals[FIX_MAX_LINES];
    size_t nrefusals;
    char shown[4][256]; /* values redacted in part, for the lines */
    size_t nshown;
} fix;

static void add_line(char **lines, size_t *n, const char *fmt, ...)
{
    char buf[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < *n; i++)
        if (strcmp(lines[i], buf) == 0)
            return; /* said once */
    if (*n < FIX_MAX_LINES && (lines[*n] = strdup(buf)) != NULL)
        (*n)++;
}

#define CHANGE(f, ...) add_line((f)->changes, &(f)->nchanges, __VA_ARGS__)
#define REFUSE(f, ...) add_line((f)->refusals, &(f)->nrefusals, __VA_ARGS__)

static void free_str(char *s)
{
    if (s != NULL) {
        mongouri_wipe(s, strlen(s));
        free(s);
    }
}

static bool ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* ------------------------------------------------------------------------ */
/* The user name and password                                                */
/* ------------------------------------------------------------------------ */

static bool hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* s[0..n) decoded where it holds %XX, taken as it is elsewhere; reports the
 * characters the parse refuses unescaped. NULL when out of memory. */
static char *lenient_decode(fix *f, const char *s, size_t n, const char *what)
{
    char *out = malloc(n + 1);
    size_t k = 0;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%' && i + 2 < n && hex(s[i + 1]) && hex(s[i + 2])) {
            out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
            continue;
        }
        if (strchr("@:/?#[]% ", c) != NULL)
            CHANGE(f, "percent-encoded '%c' in the %s", c, what);
        out[k++] = c;
    }
    out[k] = '\0';
    return out;
}

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr(".-_:[],%", c) != NULL;
}

/*
 * The user name and password of `text` percent-encoded, when the parse
 * refused them for an unescaped character. The '@' that ends them is the
 * last one before the query (a '?' in a password must be encoded by hand),
 * and what follows it must look like a host list. NULL when nothing can be
 * done (a refusal says why) or out of memory.
 */
static char *repair_userinfo(fix *f, const char *text)
{
    const char *rest = strstr(text, "://"), *at = NULL, *colon, *end;
    size_t ulen, n;
    bool ok;
    char *user = NULL, *pass = NULL, *out = NULL, *eu = NULL, *ep = NULL;

    if (rest == NULL)
        return NULL;
    rest += 3;
    end = rest + strcspn(rest, "?");
    for (const char *p = rest; p < end; p++)
        if (*p == '@')
            at = p;
    n = at != NULL ? strcspn(at + 1, "/?") : 0;
    ok = n > 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = host_char(at[1 + i]);
    if (!ok) {
        REFUSE(f, "where the user name and password end cannot be told: write each '@', "
                  "'/' and '?' of the user name and password percent-encoded (%%40, %%2F, "
                  "%%3F) by hand");
        return NULL;
    }
    ulen = (size_t)(at - rest);
    colon = memchr(rest, ':', ulen);
    user = lenient_decode(f, rest, colon != NULL ? (size_t)(colon - rest) : ulen, "user name");
    if (colon != NULL)
        pass = lenient_decode(f, colon + 1, (size_t)(at - colon - 1), "password");
    if (user == NULL || (colon != NULL && pass == NULL))
        goto done;
    eu = malloc(3 * strlen(user) + 1);
    ep = pass != NULL ? malloc(3 * strlen(pass) + 1) : NULL;
    if (eu == NULL || (pass != NULL && ep == NULL))
        goto done;
    uriEscapeExA(user, user + strlen(user), eu, URI_FALSE, URI_FALSE);
    if (pass != NULL)
        uriEscapeExA(pass, pass + strlen(pass), ep, URI_FALSE, URI_FALSE);
    out = malloc((size_t)(rest - text) + strlen(eu) + (ep != NULL ? strlen(ep) + 1 : 0) +
                 strlen(at) + 1);
    if (out != NULL)
        sprintf(out, "%.*s%s%s%s%s", (int)(rest - text), text, eu, ep != NULL ? ":" : "",
                ep != NULL ? ep : "", at);
done:
    free_str(user);
    free_str(pass);
    free_str(eu);
    free_str(ep);
    return out;
}

/* ------------------------------------------------------------------------ */
/* Option names                                                              */
/* ------------------------------------------------------------------------ */

/* Spellings of other tools and of older drivers that are not aliases of the
 * specification but have exactly one meaning: the mongo shell's --ssl*
 * flags written as options, and pymongo 3's ssl_* options. */
static const struct {
    const char *from, *to;
} renames[] = {
    {"sslCAFile", "tlsCAFile"},
    {"sslPEMKeyFile", "tlsCertificateKeyFile"},
    {"sslPEMKeyPassword", "tlsCertificateKeyFilePassword"},
    {"sslCRLFile", "tlsCRLFile"},
    {"ssl_ca_certs", "tlsCAFile"},
    {"ssl_certfile", "tlsCertificateKeyFile"},
    {"ssl_pem_passphrase", "tlsCertificateKeyFilePassword"},
    {"ssl_crlfile", "tlsCRLFile"},
};

static const char *rename_of(const char *key)
{
    for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++)
        if (ieq(key, renames[i].from))
            return renames[i].to;
    return NULL;
}

static bool secret_value(const mongouri_option_info *info, const char *value)
{
    if (info == NULL)
        return false;
    if (info->flags & MONGOURI_OPTION_SECRET)
        return true;
    return strcmp(info->name, "authMechanismProperties") == 0 && value != NULL &&
           strstr(value, "AWS_SESSION_TOKEN") != NULL;
}

/* A value as it may be shown: a secret option's value never; any other as
 * the library's redaction of it in a query hides what it holds. */
static const char *shown(fix *f, const mongouri_option_info *info, const char *value)
{
    static const char prefix[] = "mongodb://h/?";
    const char *name = info != NULL ? info->name : "x";
    size_t plen = sizeof prefix - 1, klen = strlen(name), n;
    char *wrapped, *redacted, *slot;

    if (value == NULL)
        return "";
    if (f->cfg->show_secrets)
        return value;
    if (secret_value(info, value))
        return "****";
    n = strlen(value);
    wrapped = malloc(plen + klen + 1 + n + 1);
    if (wrapped == NULL)
        return "****";
    memcpy(wrapped, prefix, plen);
    memcpy(wrapped + plen, name, klen);
    wrapped[plen + klen] = '=';
    memcpy(wrapped + plen + klen + 1, value, n + 1);
    redacted = mongouri_redact(wrapped, -1, NULL);
    mongouri_wipe(wrapped, plen + klen + 1 + n);
    free(wrapped);
    if (redacted == NULL || strncmp(redacted, prefix, plen) != 0 ||
        strncmp(redacted + plen, name, klen) != 0 || redacted[plen + klen] != '=') {
        mongouri_free(redacted);
        return "****";
    }
    if (strcmp(redacted + plen + klen + 1, value) == 0) {
        mongouri_free(redacted);
        return value;
    }
    slot = f->shown[f->nshown++ % (sizeof f->shown / sizeof f->shown[0])];
    snprintf(slot, sizeof f->shown[0], "%s", redacted + plen + klen + 1);
    mongouri_free(redacted);
    return slot;
}

/* The query of `text`: after the first '?', which the parse accepted as such. */
static const char *query_of(const char *text)
{
    const char *q = strchr(text, '?');
    return q != NULL ? q + 1 : NULL;
}

static int dissect(const char *text, UriQueryListA **list)
{
    const char *q = query_of(text);
    int count = 0;

    *list = NULL;
    if (q == NULL || *q == '\0')
        return 0;
    if (uriDissectQueryMallocExA(list, &count, q, q + strlen(q), URI_FALSE, URI_BR_DONT_TOUCH) !=
        URI_SUCCESS)
        return -1;
    return count;
}

static void free_list(UriQueryListA *list)
{
    for (UriQueryListA *p = list; p != NULL; p = p->next) {
        if (p->value != NULL)
            mongouri_wipe((char *)p->value, strlen(p->value));
    }
    uriFreeQueryListA(list);
}

/* `text` with the renamed keys of its query, or NULL when none was renamed. */
static char *apply_renames(fix *f, const char *text)
{
    UriQueryListA *list;
    int n = dissect(text, &list);
    bool renamed = false;
    char *query = NULL, *out = NULL;
    const char *q;

    if (n <= 0)
        return NULL;
    for (UriQueryListA *p = list; p != NULL; p = p->next) {
        const char *to;
        if (mongouri_option_find(p->key) != NULL || (to = rename_of(p->key)) == NULL)
            continue;
        CHANGE(f, "%s → %s", p->key, to);
        free((char *)p->key);
        p->key = strdup(to);
        if (p->key == NULL) {
            p->key = "";
            free_list(list);
            return NULL;
        }
        renamed = true;
    }
    if (renamed && uriComposeQueryMallocExA(&query, list, URI_FALSE, URI_FALSE) == URI_SUCCESS) {
        q = query_of(text);
        out = malloc((size_t)(q - text) + strlen(query) + 1);
        if (out != NULL)
            sprintf(out, "%.*s%s", (int)(q - text), text, query);
    }
    free_str(query);
    free_list(list);
    return out;
}

/* ------------------------------------------------------------------------ */
/* What changed                                                              */
/* ------------------------------------------------------------------------ */

/* Value of `name` (canonical) in the list, NULL when absent. */
static const UriQueryListA *find_key(const UriQueryListA *list, const char *name)
{
    for (; list != NULL; list = list->next)
        if (strcmp(list->key, name) == 0)
            return list;
    return NULL;
}

static bool same_value(const mongouri_option_info *info, const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (info->type == MONGOURI_TYPE_BOOL || info->type == MONGOURI_TYPE_ENUM)
        return ieq(a, b);
    return strcmp(a, b) == 0;
}

/* Occurrences the library merges, not repeats: gssapiServiceName is the
 * SERVICE_NAME item of authMechanismProperties, which the writer puts among
 * the other items (a SERVICE_NAME of another value the parse refused). */
static bool merged(const mongouri_option_info *info, const char *a, const char *b)
{
    return strcmp(info->name, "authMechanismProperties") == 0 &&
           ieq(a, "gssapiServiceName") != ieq(b, "gssapiServiceName");
}

/* The first occurrence of option `info` that `q` is a repeat of, if not q. */
static const UriQueryListA *repeat_of(const UriQueryListA *in, const UriQueryListA *q,
                                      const mongouri_option_info *info)
{
    for (; in != q; in = in->next)
        if (mongouri_option_find(in->key) == info && !merged(info, in->key, q->key))
            return in;
    return NULL;
}

/* Some later occurrence of option `info` has another value than `p`'s. */
static bool repeated_values(const UriQueryListA *in, const UriQueryListA *p,
                            const mongouri_option_info *info)
{
    const UriQueryListA *r;

    for (const UriQueryListA *q = p->next; q != NULL; q = q->next)
        if (mongouri_option_find(q->key) == info && (r = repeat_of(in, q, info)) != NULL &&
            !same_value(info, q->value, r->value))
            return true;
    return false;
}

static bool ignored_by_warning(const mongouri_uri *uri, const char *name, mongouri_diag code)
{
    for (size_t i = 0; i < mongouri_uri_warning_count(uri); i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);
        if (w->code == code && ieq(w->option, name))
            return true;
    }
    return false;
}

static void explain_options(fix *f, const mongouri_uri *uri, const char *text, const char *written)
{
    UriQueryListA *in = NULL, *out = NULL;
    bool tags_checked = false;

    if (dissect(text, &in) < 0 || dissect(written, &out) < 0) {
        REFUSE(f, "out of memory");
        goto done;
    }
    /* Warnings: what the parse ignored or could not read. */
    for (size_t i = 0; i < mongouri_uri_warning_count(uri); i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);
        switch (w->code) {
        case MONGOURI_D_TLS_IGNORED:
            CHANGE(f, "removed %s: ignored because tls=false", w->option);
            break;
        case MONGOURI_D_EMPTY_VALUE:
            CHANGE(f, "removed %s=: an empty value is ignored", w->option);
            break;
        case MONGOURI_D_LEGACY_BOOLEAN:
        case MONGOURI_D_REPEATED_OPTION:
        case MONGOURI_D_DEPRECATED_OPTION:
            break; /* below, from the options themselves */
        case MONGOURI_D_UNKNOWN_OPTION:
            REFUSE(f, "%s%s%s: correct or remove it by hand", w->message,
                   w->hint[0] != '\0' ? "; " : "", w->hint);
            break;
        default:
            REFUSE(f, "%s: correct or remove it by hand", w->message);
            break;
        }
    }
    /* Each option given, by its first appearance. */
    for (const UriQueryListA *p = in; p != NULL; p = p->next) {
        const mongouri_option_info *info = mongouri_option_find(p->key);
        const UriQueryListA *first = NULL, *now;
        bool repeated_other = false;
        size_t times = 0;

        if (info == NULL)
            continue; /* refused above */
        for (const UriQueryListA *q = in; q != NULL; q = q->next)
            if (mongouri_option_find(q->key) == info) {
                if (first == NULL)
                    first = q;
                times++;
            }
        if (first != p)
            continue; /* handled with the first */
        now = find_key(out, info->name);
        if (strcmp(p->key, info->name) != 0 && (now != NULL || repeated_values(in, p, info)))
            CHANGE(f, "%s → %s", p->key, info->name);
        if (info->type == MONGOURI_TYPE_TAGSETS) {
            tags_checked = true;
            continue; /* every readPreferenceTags is a tag set of its own */
        }
        for (const UriQueryListA *q = p->next; q != NULL; q = q->next) {
            const UriQueryListA *r;
            if (mongouri_option_find(q->key) != info || (r = repeat_of(in, q, info)) == NULL)
                continue;
            if (same_value(info, q->value, r->value))
                CHANGE(f, "dropped repeated %s=%s", q->key, shown(f, info, q->value));
            else
                repeated_other = true;
        }
        if (repeated_other) {
            char values[512] = "";
            size_t used = 0;
            for (const UriQueryListA *q = p; q != NULL && used < sizeof values - 1; q = q->next)
                if (mongouri_option_find(q->key) == info)
                    used +=
                        (size_t)snprintf(values + used, sizeof values - used, "%s%s=%s",
                                         used > 0 ? ", " : "", q->key, shown(f, info, q->value));
            REFUSE(f, "%s is given %zu times with different values (%s): keep the one you mean",
                   info->name, times, values);
            continue;
        }
        if (ignored_by_warning(uri, info->name, MONGOURI_D_TLS_IGNORED) ||
            ignored_by_warning(uri, info->name, MONGOURI_D_EMPTY_VALUE) ||
            ignored_by_warning(uri, info->name, MONGOURI_D_INVALID_VALUE))
            continue;
        if (now == NULL) {
            if (strcmp(info->name, "tls") == 0)
                CHANGE(f, "removed %s=%s: %s", p->key, shown(f, info, p->value),
                       mongouri_uri_scheme(uri) == MONGOURI_SCHEME_MONGODB_SRV
                           ? "mongodb+srv implies it"
                       : mongouri_tls_enabled(mongouri_uri_tls(uri))
                           ? "the TLS options given imply it"
                           : "the default for mongodb://");
            else if (strcmp(info->name, "compressors") == 0)
                CHANGE(f, "removed %s=%s: no compressor named is known", p->key,
                       shown(f, info, p->value));
            else
                CHANGE(f, "removed %s=%s: the default", p->key, shown(f, info, p->value));
        } else if (now->value == NULL || p->value == NULL || strcmp(now->value, p->value) != 0) {
            CHANGE(f, "%s=%s → %s=%s", p->key, shown(f, info, p->value), now->key,
                   shown(f, info, now->value));
        }
    }
    (void)tags_checked;
    /* Options written that were not given: tls, when what implied it was a default. */
    for (const UriQueryListA *q = out; q != NULL; q = q->next) {
        bool given = false;
        for (const UriQueryListA *p = in; p != NULL && !given; p = p->next)
            given = mongouri_option_find(p->key) == mongouri_option_find(q->key);
        if (!given)
            CHANGE(f, "added %s=%s: what the options left out implied", q->key,
                   shown(f, mongouri_option_find(q->key), q->value));
    }
done:
    free_list(in);
    free_list(out);
}

/* The part before the query, without a trailing '/'. */
static size_t head_len(const char *s)
{
    size_t n = strcspn(s, "?");
    return n > 0 && s[n - 1] == '/' ? n - 1 : n;
}

/* ------------------------------------------------------------------------ */
/* --fix                                                                     */
/* ------------------------------------------------------------------------ */

int vu_fix(FILE *out, const vu_config *cfg, const char *input, size_t len)
{
    fix f = {.cfg = cfg};
    char *text = NULL, *next, *written = NULL, *display = NULL;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    int status = VU_EXIT_INVALID;

    if (memchr(input, '\0', len) != NULL) {
        fputs("validate-uri: cannot fix: the connection string contains a NUL byte\n", out);
        return VU_EXIT_INVALID;
    }
    text = strndup(input, len);
    if (text == NULL)
        goto oom;
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK &&
        (err.code == MONGOURI_D_BAD_USERINFO || err.code == MONGOURI_D_BAD_ESCAPE)) {
        size_t before = f.nrefusals;
        next = repair_userinfo(&f, text);
        if (next == NULL && f.nrefusals == before)
            goto oom;
        if (next != NULL) {
            free_str(text);
            text = next;
        }
    }
    mongouri_uri_destroy(uri);
    uri = NULL;
    if (f.nrefusals == 0 && (next = apply_renames(&f, text)) != NULL) {
        free_str(text);
        text = next;
    }
    if (f.nrefusals == 0 && mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK)
        REFUSE(&f, "%s%s%s", err.message, err.hint[0] != '\0' ? "; " : "", err.hint);
    if (f.nrefusals == 0 && mongouri_uri_format(uri, 0, &written, &err) != MONGOURI_OK)
        REFUSE(&f, "%s", err.message);
    if (f.nrefusals == 0)
        explain_options(&f, uri, text, written);
    if (f.nrefusals == 0) {
        size_t a = head_len(text), b = head_len(written);
        bool userinfo_line = false;
        for (size_t i = 0; i < f.nchanges; i++)
            userinfo_line = userinfo_line || strncmp(f.changes[i], "percent-encoded", 15) == 0;
        if (!userinfo_line && (a != b || strncmp(text, written, a) != 0))
            CHANGE(&f, "wrote the user name, password, hosts and database in canonical "
                       "percent-encoding");
    }
    if (f.nrefusals > 0) {
        fprintf(out,
                "validate-uri: cannot fix this connection string without a choice of yours:\n");
        for (size_t i = 0; i < f.nrefusals; i++)
            fprintf(out, "  %s\n", f.refusals[i]);
        goto done;
    }
    if (cfg->show_secrets) {
        display = strdup(written);
    } else if (mongouri_uri_format(uri, MONGOURI_FORMAT_REDACT, &display, &err) != MONGOURI_OK) {
        display = NULL;
    }
    if (display == NULL)
        goto oom;
    fprintf(out, "%s\n", display);
    for (size_t i = 0; i < f.nchanges; i++)
        fprintf(out, "  %s\n", f.changes[i]);
    if (f.nchanges == 0 && strcmp(written, text) == 0)
        fprintf(out, "  no change: the connection string is canonical\n");
    else if (f.nchanges == 0)
        fprintf(out, "  options in canonical order\n");
    status = VU_EXIT_VALID;
    goto done;
oom:
    fputs("validate-uri: out of memory\n", out);
done:
    for (size_t i = 0; i < f.nchanges; i++)
        free_str(f.changes[i]);
    for (size_t i = 0; i < f.nrefusals; i++)
        free_str(f.refusals[i]);
    free_str(text);
    free_str(written);
    free_str(display);
    mongouri_uri_destroy(uri);
    return status;
}
