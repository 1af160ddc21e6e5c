/*
 * libFuzzer harness: the JSON rendering round trip, and secrets.
 *
 * Input: as fuzz-parse (line 1 the connection string, then keyword lines).
 * For each input the harness
 *  1. parses and renders the result (or the error) as JSON, compact, pretty
 *     and with MONGOURI_JSON_SHOW_SECRETS;
 *  2. parses each rendering back with cJSON (strict: nothing may follow the
 *     value), checks it is UTF-8, and that it says what the API says (valid,
 *     uri, hosts, user name);
 *  3. changes every letter and digit of each secret in the input (every
 *     range the library's tokenizer, mongouri__secret_spans, calls secret: the
 *     password, the values of secret options and of near misses of them, the
 *     AWS_SESSION_TOKEN items and all that follows them; and the secret keyword
 *     options) and renders again
 *     without MONGOURI_JSON_SHOW_SECRETS: the output must not change by one
 *     byte. Any difference means some part of a secret reached the output.
 */
#include <cjson/cJSON.h>

#include "fuzz-common.h"
#include "uri_int.h"
#include "split_int.h"

static bool fuzz_secret_key_n(const char *key, size_t n)
{
    char *k = fuzz_strdup(key, n);
    bool secret = fuzz_secret_key(k);
    free(k);
    return secret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool mutate_span(void *ctx, size_t start, size_t end)
{
    fuzz_mutate_range((char *)ctx, start, end);
    return true;
}

/* A keyword option: its value when the key holds a secret, the secret items
 * of authMechanismProperties, as the library's tokenizer judges them. */
static void mutate_pair(char *key, size_t klen, char *value, size_t vlen)
{
    int kind = mongouri__key_kind(key, klen);

    if (kind == MONGOURI__KEY_SECRET && fuzz_secret_key_n(key, klen))
        fuzz_mutate_secret(value, vlen);
    else if (kind == MONGOURI__KEY_PROPERTIES)
        mongouri__property_spans(value, vlen, 0, false, mutate_span, value);
}

/* The secrets of a connection string: every range the tokenizer calls secret
 * (the one the parser and the redactor use). */
static void mutate_uri(char *t, size_t len)
{
    mongouri__secret_spans(t, len, mutate_span, t);
}

static cJSON *check_json(const char *json, bool valid)
{
    const char *end = NULL;
    size_t n = strlen(json);
    cJSON *root, *v;

    FUZZ_CHECK_AS("json-utf8", fuzz_utf8((const unsigned char *)json, n),
                  "JSON is not UTF-8: %.300s", json);
    root = cJSON_ParseWithLengthOpts(json, n + 1, &end, 1);
    FUZZ_CHECK(root != NULL, "cJSON rejects the JSON near byte %ld: %.300s",
               end != NULL ? (long)(end - json) : -1L, json);
    FUZZ_CHECK(cJSON_IsObject(root), "not an object");
    v = cJSON_GetObjectItemCaseSensitive(root, "valid");
    FUZZ_CHECK(cJSON_IsBool(v) && cJSON_IsTrue(v) == valid, "\"valid\" disagrees");
    v = cJSON_GetObjectItemCaseSensitive(root, "error");
    FUZZ_CHECK(valid ? cJSON_IsNull(v) : cJSON_IsObject(v), "\"error\" disagrees");
    return root;
}

/*
 * Parse and render one input; returns the compact rendering without secrets
 * (caller frees) and the status through *rc.
 */
static char *run(const uint8_t *data, size_t size, mongouri_status *rc_out)
{
    fuzz_line lines[FUZZ_MAX_LINES];
    size_t nlines = fuzz_lines(data, size, lines);
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_keywords *kw;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;
    unsigned flags;
    char *text, *plain, *pretty, *shown, *red;
    cJSON *root, *v;
    bool valid;

    kw = fuzz_keywords(lines, nlines, &flags);
    opts.flags = flags;
    opts.keywords = kw;
    text = fuzz_strdup(lines[0].p, lines[0].n);
    rc = mongouri_uri_parse(&uri, text, &opts, &err);
    valid = rc == MONGOURI_OK;
    plain = mongouri_json_render(text, uri, valid ? NULL : &err, 0);
    pretty = mongouri_json_render(text, uri, valid ? NULL : &err, MONGOURI_JSON_PRETTY);
    shown = mongouri_json_render(text, uri, valid ? NULL : &err, MONGOURI_JSON_SHOW_SECRETS);
    FUZZ_CHECK(plain != NULL && pretty != NULL && shown != NULL, "render failed");

    /* The redacted text as "uri", and the parts the API gives. */
    root = check_json(plain, valid);
    red = mongouri_redact(text, -1, NULL);
    v = cJSON_GetObjectItemCaseSensitive(root, "uri");
    /* Exactly the redacted text, except that bytes which are not UTF-8 are
     * shown as U+FFFD: then only the length may differ. */
    FUZZ_CHECK(red != NULL && cJSON_IsString(v) &&
                   (strcmp(v->valuestring, red) == 0 ||
                    (!fuzz_utf8((const unsigned char *)red, strlen(red)) &&
                     strstr(v->valuestring, "\xEF\xBF\xBD") != NULL)),
               "\"uri\" is not the redacted text");
    if (valid) {
        cJSON *hosts = cJSON_GetObjectItemCaseSensitive(root, "hosts");
        cJSON *auth = cJSON_GetObjectItemCaseSensitive(root, "auth");
        const char *user = mongouri_uri_username(uri);
        FUZZ_CHECK(cJSON_IsArray(hosts) &&
                       (size_t)cJSON_GetArraySize(hosts) == mongouri_uri_host_count(uri),
                   "hosts disagree");
        for (size_t i = 0; i < mongouri_uri_host_count(uri); i++) {
            cJSON *h = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(hosts, (int)i), "host");
            FUZZ_CHECK(cJSON_IsString(h) && strcmp(h->valuestring, mongouri_uri_host(uri, i)) == 0,
                       "host %zu disagrees", i);
        }
        v = cJSON_GetObjectItemCaseSensitive(auth, "username");
        FUZZ_CHECK(user == NULL ? cJSON_IsNull(v)
                                : cJSON_IsString(v) && strcmp(v->valuestring, user) == 0,
                   "username disagrees");
    }
    cJSON_Delete(root);
    cJSON_Delete(check_json(pretty, valid));

    /* With secrets shown, "uri" is the input itself. */
    root = check_json(shown, valid);
    v = cJSON_GetObjectItemCaseSensitive(root, "uri");
    FUZZ_CHECK(cJSON_IsString(v) && (strcmp(v->valuestring, text) == 0 ||
                                     (!fuzz_utf8((const unsigned char *)text, strlen(text)) &&
                                      strstr(v->valuestring, "\xEF\xBF\xBD") != NULL)),
               "\"uri\" with secrets shown is not the input");
    if (valid && mongouri_uri_password(uri) != NULL) {
        v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "auth"),
                                             "password");
        FUZZ_CHECK(cJSON_IsString(v) && strcmp(v->valuestring, mongouri_uri_password(uri)) == 0,
                   "password with secrets shown disagrees");
    }
    cJSON_Delete(root);

    mongouri_free(red);
    mongouri_free(pretty);
    mongouri_free(shown);
    mongouri_uri_destroy(uri);
    mongouri_keywords_destroy(kw);
    free(text);
    *rc_out = rc;
    return plain;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_line lines[FUZZ_MAX_LINES];
    size_t nlines;
    uint8_t *copy;
    mongouri_status rc, rc2;
    char *json, *json2;

    json = run(data, size, &rc);

    /* The same input with every secret changed. */
    copy = malloc(size + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    nlines = fuzz_lines(copy, size, lines);
    mutate_uri((char *)lines[0].p, strnlen(lines[0].p, lines[0].n));
    for (size_t i = 1; i < nlines; i++) {
        char *l = (char *)lines[i].p;
        char *eq = memchr(l, '=', lines[i].n);
        if (eq != NULL)
            mutate_pair(l, (size_t)(eq - l), eq + 1, lines[i].n - (size_t)(eq - l) - 1);
    }
    if (memcmp(copy, data, size) != 0) {
        json2 = run(copy, size, &rc2);
        FUZZ_CHECK_AS("json-secret", rc2 == rc && strcmp(json, json2) == 0,
                      "the output depends on a secret:\n  %.600s\n  %.600s", json, json2);
        mongouri_free(json2);
    }
    free(copy);
    mongouri_free(json);
    return 0;
}
