/*
 * spec-runner: runs JSON fixtures in the formats of the MongoDB specification
 * tests (connection-string / uri-options, auth, initial-dns-seedlist-discovery)
 * and of our own fixtures (the same format plus a few optional keys), and
 * prints `N passed, N failed, N skipped` as its last line.
 *
 * usage: spec-runner [--dns-server IP:PORT] [--deviations FILE | --no-deviations]
 *                    [--verbose] PATH...
 *
 * The deviations of spec-tests/deviations.txt are compiled in and apply by
 * default. Unified-format files (auth/unified, ...) are skipped with a reason,
 * and so are seedlist fixtures when no --dns-server is given.
 *
 * Our own keys, all optional, on a case of the connection-string format:
 *   "strict": true                parse in strict mode
 *   "keywords": {"k": "v"}        keyword options (values as strings, or JSON
 *                                 booleans and numbers, which use the typed setters)
 *   "tls": {...}                  subset of the normalized TLS settings as in the JSON
 *                                 rendering ("enabled", "caFile", "revocation",
 *                                 "source": {...}, "detail": {...})
 *   "error": {"code", "option", "offset", "source"}   subset of the error
 *   "warnings": ["code", ...]     the exact list of warning codes, in order
 *   "secrets": ["..."]            strings that must not appear in the rendering,
 *                                 the error, the warnings or the redacted URI
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mongouri/mongouri.h"
#include "../support/readfile.h"
#include "deviations.h" /* builtin_deviations: spec-tests/deviations.txt, generated */

typedef struct deviation {
    char *file;
    char *description;
    char *reason;
} deviation;

static struct {
    const char *dns_server;
    bool verbose;
    deviation *dev;
    size_t ndev;
    unsigned passed, failed, skipped;
} g;

typedef struct report {
    char text[2048];
    size_t len;
} report;

static void say(report *r, const char *fmt, ...)
{
    va_list ap;

    if (r->len >= sizeof r->text - 1)
        return;
    va_start(ap, fmt);
    r->len += (size_t)vsnprintf(r->text + r->len, sizeof r->text - r->len, fmt, ap);
    va_end(ap);
    if (r->len > sizeof r->text - 1)
        r->len = sizeof r->text - 1;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static void free_deviations(void)
{
    for (size_t i = 0; i < g.ndev; i++) {
        free(g.dev[i].file);
        free(g.dev[i].description);
        free(g.dev[i].reason);
    }
    free(g.dev);
    g.dev = NULL;
    g.ndev = 0;
}

/* Lines: `file.json | description | reason`; '#' starts a comment line.
 * `buf` (from `path`, for messages) is consumed. */
static bool parse_deviations(char *buf, const char *path)
{
    char *line, *save = NULL;

    for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *a = trim(line), *b, *c;
        deviation *grown;
        if (*a == '#' || *a == '\0')
            continue;
        b = strstr(a, " | ");
        c = b != NULL ? strstr(b + 3, " | ") : NULL;
        if (b == NULL || c == NULL || *trim(c + 3) == '\0') {
            fprintf(stderr, "spec-runner: %s: a deviation needs 'file | description | reason': %s\n",
                    path, a);
            free(buf);
            return false;
        }
        *b = '\0';
        *c = '\0';
        grown = realloc(g.dev, (g.ndev + 1) * sizeof *grown);
        if (grown == NULL) {
            free(buf);
            return false;
        }
        g.dev = grown;
        g.dev[g.ndev].file = strdup(trim(a));
        g.dev[g.ndev].description = strdup(trim(b + 3));
        g.dev[g.ndev].reason = strdup(trim(c + 3));
        g.ndev++;
    }
    free(buf);
    return true;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s != NULL ? s + 1 : path;
}

static const deviation *find_deviation(const char *file, const char *description)
{
    for (size_t i = 0; i < g.ndev; i++) {
        if (strcmp(g.dev[i].file, base_name(file)) != 0 ||
            strcmp(g.dev[i].description, description) != 0)
            continue;
        /* "needs DNS" deviations only hold when no DNS server was given. */
        if (g.dns_server != NULL && strncmp(g.dev[i].reason, "needs DNS", 9) == 0)
            continue;
        return &g.dev[i];
    }
    return NULL;
}

static char *json_text(const cJSON *j)
{
    return j == NULL ? strdup("(absent)") : cJSON_PrintUnformatted(j);
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* Loose equality between an expected fixture value and our rendering. */
static bool same_value(const cJSON *want, const cJSON *got)
{
    if (want == NULL || got == NULL)
        return want == got;
    if (cJSON_IsBool(want)) {
        if (cJSON_IsBool(got))
            return cJSON_IsTrue(want) == cJSON_IsTrue(got);
        if (cJSON_IsString(got)) /* "CANONICALIZE_HOST_NAME": true vs "true" */
            return strcmp(got->valuestring, cJSON_IsTrue(want) ? "true" : "false") == 0;
        return false;
    }
    if (cJSON_IsNumber(want))
        return cJSON_IsNumber(got) && fabs(want->valuedouble - got->valuedouble) < 0.5;
    if (cJSON_IsString(want))
        return cJSON_IsString(got) && strcmp(want->valuestring, got->valuestring) == 0;
    if (cJSON_IsNull(want))
        return cJSON_IsNull(got);
    if (cJSON_IsArray(want)) {
        const cJSON *a, *b;
        if (!cJSON_IsArray(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got))
            return false;
        for (a = want->child, b = got->child; a != NULL; a = a->next, b = b->next)
            if (!same_value(a, b))
                return false;
        return true;
    }
    if (cJSON_IsObject(want)) {
        const cJSON *a;
        if (!cJSON_IsObject(got) || cJSON_GetArraySize(want) != cJSON_GetArraySize(got))
            return false;
        cJSON_ArrayForEach(a, want)
        {
            if (!same_value(a, cJSON_GetObjectItemCaseSensitive(got, a->string)))
                return false;
        }
        return true;
    }
    return false;
}

/* Subset check of `want` (an object) against `got`; keys case-insensitive. */
static bool subset(const cJSON *want, const cJSON *got, const char *what, report *r)
{
    const cJSON *w;
    bool ok = true;

    cJSON_ArrayForEach(w, want)
    {
        const cJSON *have = cJSON_GetObjectItem(got, w->string);
        if (cJSON_IsObject(w) && cJSON_IsObject(have) && strcmp(what, "options") != 0) {
            if (!subset(w, have, w->string, r))
                ok = false;
            continue;
        }
        if (!same_value(w, have)) {
            char *a = json_text(w), *b = json_text(have);
            say(r, "  %s.%s: expected %s, got %s\n", what, w->string, a, b);
            cJSON_free(a);
            cJSON_free(b);
            ok = false;
        }
    }
    return ok;
}

typedef struct outcome {
    mongouri_uri *uri;
    mongouri_status rc;
    mongouri_error err;
    cJSON *json;      /* rendering with secrets, for comparisons */
    char *redacted;   /* rendering without secrets */
} outcome;

static void outcome_free(outcome *o)
{
    mongouri_uri_destroy(o->uri);
    cJSON_Delete(o->json);
    mongouri_free(o->redacted);
}

static bool set_keywords(mongouri_keywords *kw, const cJSON *keywords, mongouri_error *err)
{
    const cJSON *k;

    cJSON_ArrayForEach(k, keywords)
    {
        mongouri_status rc;
        if (cJSON_IsBool(k))
            rc = mongouri_keywords_set_bool(kw, k->string, cJSON_IsTrue(k), err);
        else if (cJSON_IsNumber(k))
            rc = mongouri_keywords_set_int(kw, k->string, (int64_t)k->valuedouble, err);
        else if (cJSON_IsString(k))
            rc = mongouri_keywords_set(kw, k->string, k->valuestring, err);
        else
            rc = MONGOURI_E_INVALID_ARG;
        if (rc != MONGOURI_OK)
            return false;
    }
    return true;
}

/* Parse (and resolve, for +srv with a DNS server) one case. */
static void run_uri(const char *text, const cJSON *test, bool resolve, outcome *o)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_keywords *kw = NULL;
    const cJSON *keywords = get(test, "keywords");

    memset(o, 0, sizeof *o);
    if (cJSON_IsTrue(get(test, "strict")))
        opts.flags |= MONGOURI_PARSE_STRICT;
    if (cJSON_IsObject(keywords)) {
        if (mongouri_keywords_new(&kw, &o->err) != MONGOURI_OK)
            goto done;
        if (!set_keywords(kw, keywords, &o->err)) {
            o->rc = o->err.status != MONGOURI_OK ? o->err.status : MONGOURI_E_OPTION;
            goto done;
        }
        opts.keywords = kw;
    }
    o->rc = mongouri_uri_parse(&o->uri, text, &opts, &o->err);
    if (o->rc == MONGOURI_OK && resolve && g.dns_server != NULL &&
        mongouri_uri_scheme(o->uri) == MONGOURI_SCHEME_MONGODB_SRV) {
        mongouri_resolve_options ro = MONGOURI_RESOLVE_OPTIONS_INIT;
        mongouri_uri *resolved = NULL;
        ro.dns_servers = g.dns_server;
        o->rc = mongouri_uri_resolve(&resolved, o->uri, &ro, &o->err);
        mongouri_uri_destroy(o->uri);
        o->uri = resolved;
    }
    if (o->rc == MONGOURI_OK) {
        char *s = mongouri_json_render(text, o->uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
        o->json = s != NULL ? cJSON_Parse(s) : NULL;
        mongouri_free(s);
    }
    o->redacted = mongouri_json_render(text, o->uri, o->rc == MONGOURI_OK ? NULL : &o->err, 0);
done:
    mongouri_keywords_destroy(kw);
}

static bool check_hosts(const cJSON *want, const outcome *o, report *r)
{
    const cJSON *got = get(o->json, "hosts");
    const cJSON *w, *h;
    bool ok = true;

    if (cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
        say(r, "  hosts: expected %d, got %d\n", cJSON_GetArraySize(want), cJSON_GetArraySize(got));
        return false;
    }
    for (w = want->child, h = got->child; w != NULL; w = w->next, h = h->next) {
        const cJSON *port = get(w, "port"), *type = get(w, "type");
        if (!same_value(get(w, "host"), get(h, "host")) ||
            (port != NULL && !cJSON_IsNull(port) && !same_value(port, get(h, "port"))) ||
            (cJSON_IsString(type) && !same_value(type, get(h, "type")))) {
            char *a = json_text(w), *b = json_text(h);
            say(r, "  host: expected %s, got %s\n", a, b);
            cJSON_free(a);
            cJSON_free(b);
            ok = false;
        }
    }
    return ok;
}

static bool check_field(const cJSON *want_obj, const char *wkey, const cJSON *got_obj,
                        const char *gkey, report *r)
{
    const cJSON *w = get(want_obj, wkey);
    const cJSON *h = get(got_obj, gkey);

    if (w == NULL)
        return true;
    if (cJSON_IsNull(w) && h == NULL)
        return true;
    if (!same_value(w, h)) {
        char *a = json_text(w), *b = json_text(h);
        say(r, "  %s: expected %s, got %s\n", wkey, a, b);
        cJSON_free(a);
        cJSON_free(b);
        return false;
    }
    return true;
}

/* Fixture options against ours; "tls"/"ssl" compare TLS on/off. */
static bool check_options(const cJSON *want, const outcome *o, report *r)
{
    const cJSON *got = get(o->json, "options");
    const cJSON *tls = get(o->json, "tls");
    cJSON *w;
    bool ok = true;
    cJSON *rest = cJSON_Duplicate(want, 1);

    if (rest == NULL)
        return false;
    for (w = rest->child; w != NULL;) {
        cJSON *next = w->next;
        if (strcasecmp(w->string, "tls") == 0 || strcasecmp(w->string, "ssl") == 0) {
            if (!same_value(w, get(tls, "enabled"))) {
                say(r, "  options.%s: expected %s, got TLS %s\n", w->string,
                    cJSON_IsTrue(w) ? "true" : "false",
                    cJSON_IsTrue(get(tls, "enabled")) ? "on" : "off");
                ok = false;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(rest, w->string);
        }
        w = next;
    }
    ok = subset(rest, got, "options", r) && ok;
    cJSON_Delete(rest);
    return ok;
}

static bool check_secrets(const cJSON *secrets, const outcome *o, const char *text, report *r)
{
    const cJSON *s;
    bool ok = true;
    char *red = mongouri_redact(text, -1, NULL);

    cJSON_ArrayForEach(s, secrets)
    {
        const char *v = cJSON_IsString(s) ? s->valuestring : NULL;
        if (v == NULL || *v == '\0')
            continue;
        if ((o->redacted != NULL && strstr(o->redacted, v) != NULL) ||
            (red != NULL && strstr(red, v) != NULL) ||
            strstr(o->err.message, v) != NULL || strstr(o->err.hint, v) != NULL ||
            strstr(o->err.option, v) != NULL) {
            say(r, "  secret \"%s\" is shown\n", v);
            ok = false;
        }
        for (size_t i = 0; o->uri != NULL && i < mongouri_uri_warning_count(o->uri); i++) {
            const mongouri_error *w = mongouri_uri_warning(o->uri, i);
            if (strstr(w->message, v) != NULL || strstr(w->hint, v) != NULL ||
                strstr(w->option, v) != NULL) {
                say(r, "  secret \"%s\" is shown in a warning\n", v);
                ok = false;
            }
        }
    }
    mongouri_free(red);
    return ok;
}

static bool check_error(const cJSON *want, const outcome *o, report *r)
{
    bool ok = true;
    const cJSON *code = get(want, "code"), *opt = get(want, "option");
    const cJSON *offset = get(want, "offset"), *source = get(want, "source");

    if (cJSON_IsString(code) && strcmp(code->valuestring, mongouri_diag_name(o->err.code)) != 0) {
        say(r, "  error.code: expected %s, got %s\n", code->valuestring,
            mongouri_diag_name(o->err.code));
        ok = false;
    }
    if (cJSON_IsString(opt) && strcmp(opt->valuestring, o->err.option) != 0) {
        say(r, "  error.option: expected %s, got \"%s\"\n", opt->valuestring, o->err.option);
        ok = false;
    }
    if (cJSON_IsNumber(offset) && (long)offset->valuedouble != o->err.offset) {
        say(r, "  error.offset: expected %ld, got %ld\n", (long)offset->valuedouble,
            o->err.offset);
        ok = false;
    }
    if (cJSON_IsString(source) &&
        strcmp(source->valuestring, mongouri_source_name(o->err.source)) != 0) {
        say(r, "  error.source: expected %s, got %s\n", source->valuestring,
            mongouri_source_name(o->err.source));
        ok = false;
    }
    return ok;
}

static bool check_warning_codes(const cJSON *want, const outcome *o, report *r)
{
    size_t n = mongouri_uri_warning_count(o->uri);
    const cJSON *w;
    size_t i = 0;
    bool ok = (size_t)cJSON_GetArraySize(want) == n;

    cJSON_ArrayForEach(w, want)
    {
        const mongouri_error *got = mongouri_uri_warning(o->uri, i++);
        if (got == NULL || !cJSON_IsString(w) ||
            strcmp(w->valuestring, mongouri_diag_name(got->code)) != 0)
            ok = false;
    }
    if (!ok) {
        char *a = json_text(want);
        say(r, "  warnings: expected %s, got [", a);
        cJSON_free(a);
        for (i = 0; i < n; i++)
            say(r, "%s%s", i ? "," : "", mongouri_diag_name(mongouri_uri_warning(o->uri, i)->code));
        say(r, "]\n");
    }
    return ok;
}

static void describe_outcome(const outcome *o, report *r)
{
    if (o->rc != MONGOURI_OK)
        say(r, "  got error [%s] %s\n", mongouri_diag_name(o->err.code), o->err.message);
    for (size_t i = 0; o->uri != NULL && i < mongouri_uri_warning_count(o->uri); i++)
        say(r, "  got warning [%s] %s\n", mongouri_diag_name(mongouri_uri_warning(o->uri, i)->code),
            mongouri_uri_warning(o->uri, i)->message);
}

static void finish(const char *file, const char *description, bool ok, report *r)
{
    if (ok) {
        g.passed++;
        if (g.verbose)
            printf("PASS %s: %s\n", base_name(file), description);
        return;
    }
    g.failed++;
    printf("FAIL %s: %s\n%s", file, description, r->text);
}

static bool load_deviations(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);

    if (buf == NULL) {
        fprintf(stderr, "spec-runner: cannot read %s\n", path);
        return false;
    }
    return parse_deviations(buf, path);
}

/* The deviations documented in spec-tests/deviations.txt, built in. */
static bool load_builtin_deviations(void)
{
    char *buf = strdup((const char *)builtin_deviations);

    return buf != NULL && parse_deviations(buf, "(built-in deviations)");
}

/*
 * read-write-concern/connection-string: "writeConcern" {w, wtimeoutMS,
 * journal} and "readConcern" {level} say exactly which of those options the
 * string sets; {} means none.
 */
static bool check_concern(const cJSON *want, const outcome *o, const char *const *keys,
                          const char *const *names, size_t n, const char *what, report *r)
{
    const cJSON *got = get(o->json, "options");
    bool ok = true;

    for (size_t i = 0; i < n; i++) {
        const cJSON *w = get(want, keys[i]);
        const cJSON *h = get(got, names[i]);
        if (w == NULL ? h != NULL : !same_value(w, h)) {
            char *a = json_text(w), *b = json_text(h);
            say(r, "  %s.%s: expected %s, got %s\n", what, keys[i], a, b);
            cJSON_free(a);
            cJSON_free(b);
            ok = false;
        }
    }
    return ok;
}

static bool check_write_concern(const cJSON *want, const outcome *o, report *r)
{
    static const char *const keys[] = { "w", "wtimeoutMS", "journal" };
    static const char *const names[] = { "w", "wTimeoutMS", "journal" };

    return check_concern(want, o, keys, names, 3, "writeConcern", r);
}

static bool check_read_concern(const cJSON *want, const outcome *o, report *r)
{
    static const char *const keys[] = { "level" };
    static const char *const names[] = { "readConcernLevel" };

    return check_concern(want, o, keys, names, 1, "readConcern", r);
}

/* connection-string and uri-options format (and ours) */
static void run_uri_case(const char *file, const cJSON *t)
{
    const cJSON *uri = get(t, "uri"), *valid = get(t, "valid"), *warning = get(t, "warning");
    const cJSON *desc = get(t, "description");
    const char *description = cJSON_IsString(desc) ? desc->valuestring : "(no description)";
    report r = { "", 0 };
    outcome o;
    bool ok = true;

    if (!cJSON_IsString(uri)) {
        say(&r, "  the case has no uri\n");
        finish(file, description, false, &r);
        return;
    }
    say(&r, "  uri: %s\n", uri->valuestring);
    run_uri(uri->valuestring, t, true, &o);
    if (cJSON_IsFalse(valid)) {
        if (o.rc == MONGOURI_OK) {
            say(&r, "  expected an error, got a valid result\n");
            describe_outcome(&o, &r);
            ok = false;
        } else if (cJSON_IsObject(get(t, "error"))) {
            ok = check_error(get(t, "error"), &o, &r);
        }
    } else if (o.rc != MONGOURI_OK || o.json == NULL) {
        say(&r, "  expected a valid result\n");
        describe_outcome(&o, &r);
        ok = false;
    } else {
        size_t nw = mongouri_uri_warning_count(o.uri);
        if (cJSON_IsTrue(warning) && nw == 0) {
            say(&r, "  expected a warning, got none\n");
            ok = false;
        }
        if (cJSON_IsFalse(warning) && nw != 0) {
            say(&r, "  expected no warning\n");
            describe_outcome(&o, &r);
            ok = false;
        }
        if (cJSON_IsArray(get(t, "hosts")) && !check_hosts(get(t, "hosts"), &o, &r))
            ok = false;
        if (cJSON_IsObject(get(t, "auth"))) {
            const cJSON *a = get(t, "auth"), *ga = get(o.json, "auth");
            ok = check_field(a, "username", ga, "username", &r) && ok;
            ok = check_field(a, "password", ga, "password", &r) && ok;
            ok = check_field(a, "db", ga, "db", &r) && ok;
        }
        if (cJSON_IsObject(get(t, "options")) && !check_options(get(t, "options"), &o, &r))
            ok = false;
        if (cJSON_IsObject(get(t, "tls")) && !subset(get(t, "tls"), get(o.json, "tls"), "tls", &r))
            ok = false;
        if (cJSON_IsArray(get(t, "warnings")) && !check_warning_codes(get(t, "warnings"), &o, &r))
            ok = false;
        if (cJSON_IsObject(get(t, "writeConcern")) &&
            !check_write_concern(get(t, "writeConcern"), &o, &r))
            ok = false;
        if (cJSON_IsObject(get(t, "readConcern")) &&
            !check_read_concern(get(t, "readConcern"), &o, &r))
            ok = false;
    }
    if (cJSON_IsArray(get(t, "secrets")) && !check_secrets(get(t, "secrets"), &o, uri->valuestring, &r))
        ok = false;
    outcome_free(&o);
    finish(file, description, ok, &r);
}

/* auth/connection-string.json format */
static void run_auth_case(const char *file, const cJSON *t)
{
    const cJSON *uri = get(t, "uri"), *valid = get(t, "valid"), *cred = get(t, "credential");
    const cJSON *desc = get(t, "description");
    const char *description = cJSON_IsString(desc) ? desc->valuestring : "(no description)";
    report r = { "", 0 };
    outcome o;
    bool ok = true;

    say(&r, "  uri: %s\n", cJSON_IsString(uri) ? uri->valuestring : "(none)");
    run_uri(cJSON_IsString(uri) ? uri->valuestring : "", t, false, &o);
    if (cJSON_IsFalse(valid)) {
        if (o.rc == MONGOURI_OK) {
            say(&r, "  expected an error, got a valid result\n");
            ok = false;
        }
    } else if (o.rc != MONGOURI_OK || o.json == NULL) {
        say(&r, "  expected a valid result\n");
        describe_outcome(&o, &r);
        ok = false;
    } else if (cred == NULL || cJSON_IsNull(cred)) {
        if (mongouri_uri_has_credential(o.uri)) {
            say(&r, "  expected no credential, got one\n");
            ok = false;
        }
    } else {
        const cJSON *ga = get(o.json, "auth");
        const cJSON *props = get(cred, "mechanism_properties");
        if (!mongouri_uri_has_credential(o.uri)) {
            say(&r, "  expected a credential, got none\n");
            ok = false;
        }
        ok = check_field(cred, "username", ga, "username", &r) && ok;
        ok = check_field(cred, "password", ga, "password", &r) && ok;
        ok = check_field(cred, "source", ga, "source", &r) && ok;
        ok = check_field(cred, "mechanism", ga, "mechanism", &r) && ok;
        if (cJSON_IsObject(props)) {
            const cJSON *gp = get(ga, "mechanismProperties");
            if (!cJSON_IsObject(gp)) {
                say(&r, "  expected mechanism properties, got none\n");
                ok = false;
            } else if (!subset(props, gp, "mechanism_properties", &r)) {
                ok = false;
            }
        }
    }
    outcome_free(&o);
    finish(file, description, ok, &r);
}

/* initial-dns-seedlist-discovery format: one case per file. */
static void run_seedlist_file(const char *file, const cJSON *t)
{
    const cJSON *uri = get(t, "uri");
    const cJSON *seeds = get(t, "seeds"), *num = get(t, "numSeeds");
    const cJSON *opts = get(t, "options"), *parsed = get(t, "parsed_options");
    const char *description = base_name(file);
    report r = { "", 0 };
    outcome o;
    bool ok = true;

    if (g.dns_server == NULL) {
        g.skipped++;
        printf("SKIP %s (needs DNS (--dns-server))\n", base_name(file));
        return;
    }
    say(&r, "  uri: %s\n", cJSON_IsString(uri) ? uri->valuestring : "(none)");
    run_uri(cJSON_IsString(uri) ? uri->valuestring : "", t, true, &o);
    if (cJSON_IsTrue(get(t, "error"))) {
        if (o.rc == MONGOURI_OK) {
            say(&r, "  expected an error, got a valid result\n");
            ok = false;
        }
    } else if (o.rc != MONGOURI_OK || o.json == NULL) {
        say(&r, "  expected a valid result\n");
        describe_outcome(&o, &r);
        ok = false;
    } else {
        const cJSON *hosts = get(o.json, "hosts"), *h, *s;
        if (cJSON_IsArray(seeds)) {
            bool same = cJSON_GetArraySize(seeds) == cJSON_GetArraySize(hosts);
            cJSON_ArrayForEach(s, seeds)
            {
                bool found = false;
                cJSON_ArrayForEach(h, hosts)
                {
                    char hp[300];
                    snprintf(hp, sizeof hp, "%s:%d", get(h, "host")->valuestring,
                             cJSON_IsNumber(get(h, "port")) ? get(h, "port")->valueint : 27017);
                    found = found || (cJSON_IsString(s) && strcasecmp(hp, s->valuestring) == 0);
                }
                same = same && found;
            }
            if (!same) {
                char *a = json_text(seeds), *b = json_text(hosts);
                say(&r, "  seeds: expected %s, got %s\n", a, b);
                cJSON_free(a);
                cJSON_free(b);
                ok = false;
            }
        }
        if (cJSON_IsNumber(num) && num->valueint != cJSON_GetArraySize(hosts)) {
            say(&r, "  numSeeds: expected %d, got %d\n", num->valueint, cJSON_GetArraySize(hosts));
            ok = false;
        }
        if (cJSON_IsObject(opts) && !check_options(opts, &o, &r))
            ok = false;
        if (cJSON_IsObject(parsed)) {
            const cJSON *ga = get(o.json, "auth");
            ok = check_field(parsed, "user", ga, "username", &r) && ok;
            ok = check_field(parsed, "password", ga, "password", &r) && ok;
            ok = check_field(parsed, "db", ga, "db", &r) && ok;
            ok = check_field(parsed, "auth_database", ga, "db", &r) && ok;
            ok = check_field(parsed, "defaultDatabase", ga, "db", &r) && ok;
        }
    }
    outcome_free(&o);
    finish(file, description, ok, &r);
}

static void run_file(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);
    const char *end = NULL;
    cJSON *root;
    const cJSON *tests, *t;

    if (buf == NULL) {
        printf("FAIL %s: cannot read the file\n", path);
        g.failed++;
        return;
    }
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    free(buf);
    if (root == NULL) {
        printf("FAIL %s: not valid JSON\n", path);
        g.failed++;
        return;
    }
    tests = get(root, "tests");
    if (get(root, "schemaVersion") != NULL) {
        /* The unified test format (auth/unified, ...): operations against a
         * deployment, not connection strings. */
        int n = cJSON_IsArray(tests) ? cJSON_GetArraySize(tests) : 0;
        g.skipped += (unsigned)(n > 0 ? n : 1);
        printf("SKIP %s: %d case(s) (unified test format: runs operations against a "
               "server, not a connection-string fixture)\n",
               base_name(path), n);
    } else if (cJSON_IsArray(tests)) {
        cJSON_ArrayForEach(t, tests)
        {
            const cJSON *desc = get(t, "description");
            const deviation *dev = find_deviation(path, cJSON_IsString(desc) ? desc->valuestring : "");
            if (dev != NULL) {
                g.skipped++;
                printf("SKIP %s: %s (%s)\n", base_name(path), dev->description, dev->reason);
                continue;
            }
            if (get(t, "credential") != NULL)
                run_auth_case(path, t);
            else
                run_uri_case(path, t);
        }
    } else if (cJSON_IsString(get(root, "uri"))) {
        const deviation *dev = find_deviation(path, base_name(path));
        if (dev != NULL) {
            g.skipped++;
            printf("SKIP %s (%s)\n", base_name(path), dev->reason);
        } else {
            run_seedlist_file(path, root);
        }
    } else {
        printf("FAIL %s: not a fixture file (no \"tests\" and no \"uri\")\n", path);
        g.failed++;
    }
    cJSON_Delete(root);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    if (stat(path, &st) != 0) {
        printf("FAIL %s: no such file or directory\n", path);
        g.failed++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    d = opendir(path);
    if (d == NULL) {
        printf("FAIL %s: cannot open the directory\n", path);
        g.failed++;
        return;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char *full;
        char **grown;
        if (e->d_name[0] == '.')
            continue;
        full = malloc(strlen(path) + l + 2);
        if (full == NULL)
            break;
        sprintf(full, "%s/%s", path, e->d_name);
        if (stat(full, &st) != 0 || (!S_ISDIR(st.st_mode) && (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0))) {
            free(full);
            continue;
        }
        grown = realloc(names, (n + 1) * sizeof *names);
        if (grown == NULL) {
            free(full);
            break;
        }
        names = grown;
        names[n++] = full;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        run_path(names[i]);
        free(names[i]);
    }
    free(names);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: spec-runner [--dns-server IP:PORT] [--deviations FILE | --no-deviations] "
               "[--verbose] PATH...\n"
               "Runs MongoDB specification JSON fixtures (files, or folders searched for "
               "*.json).\n"
               "The documented deviations (spec-tests/deviations.txt) are built in and apply\n"
               "by default; --deviations FILE uses FILE instead, --no-deviations none.\n"
               "Without --dns-server, seedlist cases are skipped (needs DNS).\n");
}

int main(int argc, char **argv)
{
    int first = 1;
    int npaths = 0;
    bool own = false; /* --deviations or --no-deviations replaced the built-in list */

    if (!load_builtin_deviations()) {
        fprintf(stderr, "spec-runner: the built-in deviations do not parse\n");
        return 2;
    }

    for (; first < argc; first++) {
        if (strcmp(argv[first], "--dns-server") == 0 && first + 1 < argc) {
            g.dns_server = argv[++first];
        } else if (strcmp(argv[first], "--deviations") == 0 && first + 1 < argc) {
            if (!own)
                free_deviations();
            own = true;
            if (!load_deviations(argv[++first]))
                return 2;
        } else if (strcmp(argv[first], "--no-deviations") == 0) {
            free_deviations();
            own = true;
        } else if (strcmp(argv[first], "--verbose") == 0) {
            g.verbose = true;
        } else if (strcmp(argv[first], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[first][0] == '-') {
            usage(stderr);
            return 2;
        } else {
            break;
        }
    }
    for (int i = first; i < argc; i++, npaths++)
        run_path(argv[i]);
    if (npaths == 0) {
        usage(stderr);
        return 2;
    }
    free_deviations();
    printf("%u passed, %u failed, %u skipped\n", g.passed, g.failed, g.skipped);
    return g.failed == 0 ? 0 : 1;
}
