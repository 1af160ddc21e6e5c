/*
 * roundtrip [--mongoc] PATH...: for every fixture URI (with its keyword
 * options) that parses, mongouri_uri_format() writes a string that parses to
 * the same settings, and writing that again gives the same string.
 *
 * "The same settings" is the JSON rendering (secrets shown) without what the
 * writer changes on purpose: where values came from (optionSources, the TLS
 * sources and details; keyword options become URI options), the warnings
 * (aliases, repeats and ignored options are gone), and the options the writer
 * leaves out because they are defaults or ignored, each checked to be one.
 * The redacted form must not contain the password.
 *
 * With --mongoc (built only where libmongoc is installed), libmongoc must
 * read the written string as it read the original: hosts, user, password,
 * database, auth source and mechanism, and its options document except the
 * defaults mongouri leaves out.
 */
#include <dirent.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "format_int.h"
#include "../support/readfile.h"
#include "uri_int.h"

#ifdef MONGOURI_ROUNDTRIP_MONGOC
#include <mongoc/mongoc.h>
#endif

static struct {
    size_t checked, failed, skipped, refused;
    size_t mongoc_checked, mongoc_skipped;
    bool mongoc;
} g;

static void fail(const char *file, const char *uri, const char *fmt, const char *a, const char *b)
{
    char *shown = mongouri_redact(uri, -1, NULL);
    printf("FAIL %s: %s\n  ", file, shown != NULL ? shown : "(out of memory)");
    printf(fmt, a != NULL ? a : "(null)", b != NULL ? b : "(null)");
    printf("\n");
    mongouri_free(shown);
    g.failed++;
}

static int option_id(const char *name)
{
    const mongouri_option_info *info = mongouri_option_find(name);

    for (int id = 0; info != NULL && id < MONGOURI_OPT__COUNT; id++)
        if (&mongouri__options[id].info == info)
            return id;
    return -1;
}

/* The rendering of `uri` with what the writer changes on purpose taken out. */
static cJSON *settings(const mongouri_uri *uri, const mongouri_uri *dropper)
{
    char *s = mongouri_json_render("", uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
    cJSON *j = s != NULL ? cJSON_Parse(s) : NULL, *opts, *tls;

    mongouri_free(s);
    if (j == NULL)
        return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(j, "uri");
    cJSON_DeleteItemFromObjectCaseSensitive(j, "optionSources");
    cJSON_DeleteItemFromObjectCaseSensitive(j, "warnings");
    tls = cJSON_GetObjectItemCaseSensitive(j, "tls");
    cJSON_DeleteItemFromObjectCaseSensitive(tls, "source");
    cJSON_DeleteItemFromObjectCaseSensitive(tls, "detail");
    for (cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hosts")->child; h != NULL; h = h->next)
        cJSON_DeleteItemFromObjectCaseSensitive(h, "source");
    opts = cJSON_GetObjectItemCaseSensitive(j, "options");
    for (int id = 0; id < MONGOURI_OPT__COUNT; id++)
        if (mongouri__format_drops(dropper, id) != MONGOURI__FORMAT_KEPT)
            cJSON_DeleteItemFromObjectCaseSensitive(opts, mongouri__options[id].info.name);
    /* tls is compared as tls.enabled, whether written or implied. */
    cJSON_DeleteItemFromObjectCaseSensitive(opts, "tls");
    return j;
}

/* Every option the writer leaves out really is unset, a default or ignored. */
static bool drops_explained(const mongouri_uri *uri, const char **why)
{
    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        mongouri__format_drop d = mongouri__format_drops(uri, id);
        if (d == MONGOURI__FORMAT_TLS_OFF && mongouri_tls_enabled(mongouri_uri_tls(uri))) {
            *why = mongouri__options[id].info.name;
            return false;
        }
    }
    return true;
}

#ifdef MONGOURI_ROUNDTRIP_MONGOC
static int by_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of `s` in sorted order (libmongoc keeps options in input order). */
static char *sorted_lines(char *s)
{
    char *lines[512], *out, *save = NULL;
    size_t n = 0, len = strlen(s);

    for (char *l = strtok_r(s, "\n", &save); l != NULL && n < 512; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    qsort(lines, n, sizeof lines[0], by_line);
    out = calloc(1, len + 2);
    for (size_t i = 0; out != NULL && i < n; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
    }
    free(s);
    return out;
}

static char *mongoc_view(const char *text)
{
    bson_error_t error;
    mongoc_uri_t *u = mongoc_uri_new_with_error(text, &error);
    const mongoc_host_list_t *h;
    const bson_t *opts;
    bson_iter_t it;
    char *out, *p;
    size_t cap = 8192, n = 0;

    if (u == NULL)
        return NULL;
    out = calloc(1, cap);
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (n < cap)                                                                               \
            n += (size_t)snprintf(out + n, cap - n, __VA_ARGS__);                                  \
    } while (0)
    for (h = mongoc_uri_get_hosts(u); h != NULL; h = h->next)
        ADD("host %s\n", h->host_and_port);
    if (mongoc_uri_get_srv_hostname(u) != NULL) {
        /* DNS names are case-insensitive; the writer lower-cases them */
        size_t at = n + strlen("service ");
        ADD("service %s\n", mongoc_uri_get_srv_hostname(u));
        for (; at < n && at < cap && out[at] != '\n'; at++)
            out[at] = (char)tolower((unsigned char)out[at]);
    }
    ADD("user %s\npassword %s\ndatabase %s\nauthSource %s\n%s",
        mongoc_uri_get_username(u) ? mongoc_uri_get_username(u) : "-",
        mongoc_uri_get_password(u) ? mongoc_uri_get_password(u) : "-",
        mongoc_uri_get_database(u) ? mongoc_uri_get_database(u) : "-",
        mongoc_uri_get_auth_source(u), "");
    ADD("tls %d\n", (int)mongoc_uri_get_tls(u));
    opts = mongoc_uri_get_options(u);
    if (bson_iter_init(&it, opts)) {
        while (bson_iter_next(&it)) {
            const char *key = bson_iter_key(&it);
            int id = option_id(key);
            if (strcmp(key, "tls") == 0 || strcmp(key, "ssl") == 0)
                continue; /* compared as mongoc_uri_get_tls(), which counts implied TLS */
            bson_t one = BSON_INITIALIZER;
            char *json;
            /* mongoc keeps what was written; mongouri does not repeat defaults. */
            if (id >= 0) {
                mongouri_uri *mine = NULL;
                if (mongouri_uri_parse(&mine, text, NULL, NULL) == MONGOURI_OK) {
                    mongouri__format_drop d = mongouri__format_drops(mine, id);
                    mongouri_uri_destroy(mine);
                    if (d == MONGOURI__FORMAT_DEFAULT || d == MONGOURI__FORMAT_TLS_IMPLIED ||
                        d == MONGOURI__FORMAT_TLS_OFF)
                        continue;
                }
            }
            bson_append_iter(&one, NULL, 0, &it);
            json = bson_as_canonical_extended_json(&one, NULL);
            ADD("option %s\n", json != NULL ? json : "?");
            bson_free(json);
            bson_destroy(&one);
        }
    }
    /* Credentials, one line per field, letter case folded: mongouri writes
     * mechanism names and property keys in their canonical case, which
     * libmongoc (and the servers) read case-insensitively. */
    if (bson_iter_init(&it, mongoc_uri_get_credentials(u))) {
        while (bson_iter_next(&it)) {
            bson_t one = BSON_INITIALIZER;
            char *json;
            bson_append_iter(&one, NULL, 0, &it);
            json = bson_as_canonical_extended_json(&one, NULL);
            for (char *c = json; c != NULL && *c != '\0'; c++)
                if (*c >= 'A' && *c <= 'Z')
                    *c = (char)(*c - 'A' + 'a');
            ADD("credential %s\n", json != NULL ? json : "?");
            bson_free(json);
            bson_destroy(&one);
        }
    }
#undef ADD
    mongoc_uri_destroy(u);
    p = sorted_lines(out);
    return p;
}

static void check_mongoc(const char *file, const char *text, const char *formatted)
{
    char *a = mongoc_view(text), *b;

    if (a == NULL) { /* libmongoc refuses the original: nothing to compare */
        g.mongoc_skipped++;
        return;
    }
    b = mongoc_view(formatted);
    if (b == NULL)
        fail(file, text, "libmongoc refuses the written string %s (%s)", formatted, "");
    else if (strcmp(a, b) != 0)
        fail(file, text, "libmongoc reads the original as\n%s  and the written string as\n%s", a,
             b);
    else
        g.mongoc_checked++;
    free(a);
    free(b);
}
#endif

static bool set_keywords(mongouri_keywords *kw, const cJSON *keywords)
{
    const cJSON *k;

    cJSON_ArrayForEach(k, keywords)
    {
        mongouri_status rc;
        if (cJSON_IsBool(k))
            rc = mongouri_keywords_set_bool(kw, k->string, cJSON_IsTrue(k), NULL);
        else if (cJSON_IsNumber(k))
            rc = mongouri_keywords_set_int(kw, k->string, (int64_t)k->valuedouble, NULL);
        else if (cJSON_IsString(k))
            rc = mongouri_keywords_set(kw, k->string, k->valuestring, NULL);
        else
            return false;
        if (rc != MONGOURI_OK)
            return false;
    }
    return true;
}

static void check_uri(const char *file, const char *text, const cJSON *keywords)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_keywords *kw = NULL;
    mongouri_uri *first = NULL, *second = NULL;
    mongouri_error err;
    char *written = NULL, *again = NULL, *redacted = NULL, *a, *b;
    cJSON *ja = NULL, *jb = NULL;
    const char *why = NULL;

    if (cJSON_IsObject(keywords)) {
        if (mongouri_keywords_new(&kw, NULL) != MONGOURI_OK || !set_keywords(kw, keywords)) {
            mongouri_keywords_destroy(kw);
            g.skipped++;
            return;
        }
        opts.keywords = kw;
    }
    if (mongouri_uri_parse(&first, text, &opts, &err) != MONGOURI_OK) {
        mongouri_keywords_destroy(kw);
        g.skipped++; /* not a valid URI: nothing to write */
        return;
    }
    if (mongouri_uri_format(first, 0, &written, &err) != MONGOURI_OK) {
        /* Refusing is right only when an option was ignored with a warning
         * (its presence may have kept a rule from applying). */
        if (err.status == MONGOURI_E_CONFLICT && mongouri_uri_warning_count(first) > 0) {
            g.refused++;
            goto done;
        }
        fail(file, text, "mongouri_uri_format failed: %s%s", err.message, "");
        goto done;
    }
    if (mongouri_uri_parse(&second, written, NULL, &err) != MONGOURI_OK) {
        fail(file, text, "the written string %s does not parse: %s", written, err.message);
        goto done;
    }
    ja = settings(first, first);
    jb = settings(second, first);
    if (ja == NULL || jb == NULL) {
        fail(file, text, "out of memory%s%s", "", "");
        goto done;
    }
    if (!cJSON_Compare(ja, jb, true)) {
        a = cJSON_PrintUnformatted(ja);
        b = cJSON_PrintUnformatted(jb);
        printf("  written: %s\n", written);
        fail(file, text, "settings differ:\n  parsed  %s\n  written %s", a, b);
        free(a);
        free(b);
        goto done;
    }
    if (!drops_explained(first, &why)) {
        fail(file, text, "%s left out for no reason (%s)", why, written);
        goto done;
    }
    if (mongouri_uri_format(second, 0, &again, &err) != MONGOURI_OK ||
        strcmp(again, written) != 0) {
        fail(file, text, "not a fixed point: %s then %s", written, again);
        goto done;
    }
    if (mongouri_uri_format(first, MONGOURI_FORMAT_REDACT, &redacted, &err) != MONGOURI_OK) {
        fail(file, text, "redacted form failed: %s%s", err.message, "");
        goto done;
    }
    if (mongouri_uri_password(first) != NULL && strlen(mongouri_uri_password(first)) >= 3) {
        /* The password, raw or as written, is nowhere in the redacted form. */
        const char *at = strstr(written, "@");
        char *pw = NULL;
        if (at != NULL) {
            const char *colon = memchr(written, ':', (size_t)(at - written));
            const char *start = strstr(written, "://") + 3;
            colon = start < at ? memchr(start, ':', (size_t)(at - start)) : NULL;
            if (colon != NULL)
                pw = strndup(colon + 1, (size_t)(at - colon - 1));
        }
        if ((pw != NULL && strstr(redacted, pw) != NULL &&
             strstr(mongouri_uri_host(first, 0), pw) == NULL &&
             (mongouri_uri_username(first) == NULL ||
              strcmp(mongouri_uri_username(first), mongouri_uri_password(first)) != 0)) ||
            strstr(redacted, "****") == NULL)
            fail(file, text, "the redacted form %s shows the password%s", redacted, "");
        free(pw);
    }
#ifdef MONGOURI_ROUNDTRIP_MONGOC
    /* Only strings mongouri reads without a warning: the writer leaves out
     * what mongouri ignores, which libmongoc may read otherwise. */
    if (g.mongoc && kw == NULL && mongouri_uri_warning_count(first) == 0)
        check_mongoc(file, text, written);
    else if (g.mongoc)
        g.mongoc_skipped++;
#endif
    g.checked++;
done:
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    mongouri_free(written);
    mongouri_free(again);
    mongouri_free(redacted);
    mongouri_uri_destroy(first);
    mongouri_uri_destroy(second);
    mongouri_keywords_destroy(kw);
}

static void walk_json(const char *file, const cJSON *node)
{
    const cJSON *c;

    if (cJSON_IsObject(node)) {
        const cJSON *uri = cJSON_GetObjectItemCaseSensitive(node, "uri");
        if (cJSON_IsString(uri))
            check_uri(file, uri->valuestring, cJSON_GetObjectItemCaseSensitive(node, "keywords"));
    }
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        cJSON_ArrayForEach(c, node) walk_json(file, c);
}

static void run_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        printf("FAIL %s: no such file or directory\n", path);
        g.failed++;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        if (d == NULL)
            return;
        while ((e = readdir(d)) != NULL) {
            char full[4096];
            size_t l = strlen(e->d_name);
            if (e->d_name[0] == '.')
                continue;
            snprintf(full, sizeof full, "%s/%s", path, e->d_name);
            if (stat(full, &st) == 0 &&
                (S_ISDIR(st.st_mode) || (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)))
                run_path(full);
        }
        closedir(d);
        return;
    }
    {
        size_t len;
        char *text = read_file(path, &len);
        cJSON *root = text != NULL ? cJSON_Parse(text) : NULL;
        if (root == NULL) {
            printf("FAIL %s: not JSON\n", path);
            g.failed++;
        } else {
            walk_json(path, root);
        }
        cJSON_Delete(root);
        free(text);
    }
}

/* Exact strings for the writer's rules, and its argument checks. */
static void api_checks(void)
{
    static const struct {
        const char *in, *out, *redacted;
    } cases[] = {
        {"mongodb://u%2Bx:p%40s%2B%20s@h1,H2:27018,[::1]:7,%2Ftmp%2Fm.sock/d%2Eb?appName=a+b%20c",
         "mongodb://u%2Bx:p%40s%2B%20s@h1,h2:27018,[::1]:7,%2Ftmp%2Fm.sock/d.b?appname=a%2Bb%20c",
         "mongodb://u%2Bx:****@h1,h2:27018,[::1]:7,%2Ftmp%2Fm.sock/d.b?appname=a%2Bb%20c"},
        {"mongodb://h/"
         "?ssl=true&SSL=true&wtimeout=5&w=1&w=1&retryWrites=true&readPreference=SECONDARY&"
         "readPreferenceTags=dc:ny,rack:1&readPreferenceTags=",
         "mongodb://h/"
         "?readPreference=secondary&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=&tls=true&w="
         "1&wTimeoutMS=5",
         NULL},
        {"mongodb://h/?tls=false&tlsCAFile=/ca.pem&compressors=zstd,snappy&journal=yes",
         "mongodb://h/?compressors=zstd,snappy&journal=true", NULL},
        {"mongodb+srv://c.example.com/?tls=true&tlsCertificateKeyFile=/"
         "k.pem&tlsCertificateKeyFilePassword=K%26y",
         "mongodb+srv://c.example.com/?tlsCertificateKeyFile=/"
         "k.pem&tlsCertificateKeyFilePassword=K%26y",
         "mongodb+srv://c.example.com/?tlsCertificateKeyFile=/"
         "k.pem&tlsCertificateKeyFilePassword=****"},
        {"mongodb://h/?tlsAllowInvalidHostnames=false", "mongodb://h/?tls=true", NULL},
        {"mongodb://h/?proxyHost=p.example.net&proxyUsername=u&proxyPassword=P%40w",
         "mongodb://h/?proxyHost=p.example.net&proxyPassword=P%40w&proxyUsername=u",
         "mongodb://h/?proxyHost=p.example.net&proxyPassword=****&proxyUsername=u"},
    };
    mongouri_uri *u = NULL;
    mongouri_error err;
    char *out = (char *)"x";

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (mongouri_uri_parse(&u, cases[i].in, NULL, &err) != MONGOURI_OK) {
            fail("api", cases[i].in, "does not parse: %s%s", err.message, "");
            continue;
        }
        if (mongouri_uri_format(u, 0, &out, &err) != MONGOURI_OK || strcmp(out, cases[i].out) != 0)
            fail("api", cases[i].in, "written %s, wanted %s", out, cases[i].out);
        mongouri_free(out);
        out = NULL;
        if (cases[i].redacted != NULL &&
            (mongouri_uri_format(u, MONGOURI_FORMAT_REDACT, &out, &err) != MONGOURI_OK ||
             strcmp(out, cases[i].redacted) != 0))
            fail("api", cases[i].in, "redacted %s, wanted %s", out, cases[i].redacted);
        mongouri_free(out);
        out = (char *)"x";
        if (mongouri_uri_format(u, 1u << 7, &out, &err) != MONGOURI_E_INVALID_ARG || out != NULL)
            fail("api", cases[i].in, "an unknown flag is not refused%s%s", "", "");
        mongouri_uri_destroy(u);
        g.checked++;
    }
    out = (char *)"x";
    if (mongouri_uri_format(NULL, 0, &out, &err) != MONGOURI_E_INVALID_ARG || out != NULL ||
        err.code != MONGOURI_D_INVALID_ARG)
        fail("api", "", "format(NULL) is not refused%s%s", "", "");
    if (mongouri_uri_parse(&u, "mongodb://h/", NULL, &err) == MONGOURI_OK) {
        if (mongouri_uri_format(u, 0, NULL, &err) != MONGOURI_E_INVALID_ARG)
            fail("api", "", "format without out is not refused%s%s", "", "");
        mongouri_uri_destroy(u);
    }
}

int main(int argc, char **argv)
{
    int i = 1;

    api_checks();

    if (i < argc && strcmp(argv[i], "--mongoc") == 0) {
#ifdef MONGOURI_ROUNDTRIP_MONGOC
        g.mongoc = true;
        mongoc_init();
#else
        printf("built without libmongoc\n");
        return 77;
#endif
        i++;
    }
    for (; i < argc; i++)
        run_path(argv[i]);
#ifdef MONGOURI_ROUNDTRIP_MONGOC
    if (g.mongoc)
        mongoc_cleanup();
#endif
    if (g.mongoc)
        printf("libmongoc: %zu read alike, %zu not compared (refused by libmongoc, keyword "
               "options or mongouri warnings)\n",
               g.mongoc_checked, g.mongoc_skipped);
    printf("round trip: %zu URIs, %zu failed, %zu not valid (skipped), %zu refused by the writer "
           "(an ignored option mattered)\n",
           g.checked, g.failed, g.skipped, g.refused);
    return g.failed == 0 && g.checked > 0 ? 0 : 1;
}
