/*
 * The JSON rendering (the validate-uri contract), parsed back with cJSON:
 * the keys and their types, secrets hidden unless asked, errors and
 * warnings in the same shape.
 */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "unit.h"

static cJSON *render(const char *input, const mongouri_uri *uri, const mongouri_error *err,
                     unsigned int flags)
{
    char *text = mongouri_json_render(input, uri, err, flags);
    cJSON *root;
    const char *end = NULL;

    cr_assert_not_null(text, "rendering failed");
    root = cJSON_ParseWithLengthOpts(text, strlen(text) + 1, &end, 1);
    cr_assert_not_null(root, "not JSON: %s", text);
    mongouri_free(text);
    return root;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    cr_assert_not_null(v, "key \"%s\" is missing", key);
    return v;
}

static void expect_string(const cJSON *o, const char *key, const char *want)
{
    const cJSON *v = get(o, key);

    if (want == NULL) {
        cr_expect(cJSON_IsNull(v), "%s must be null", key);
        return;
    }
    cr_assert(cJSON_IsString(v), "%s must be a string", key);
    cr_expect_str_eq(v->valuestring, want, "%s", key);
}

static void expect_diag_shape(const cJSON *d)
{
    const cJSON *offset = get(d, "offset");

    cr_assert(cJSON_IsObject(d));
    cr_expect(cJSON_IsString(get(d, "code")));
    cr_expect(cJSON_IsString(get(d, "option")) || cJSON_IsNull(get(d, "option")));
    cr_expect(cJSON_IsNumber(offset) || cJSON_IsNull(offset));
    cr_expect(cJSON_IsString(get(d, "message")));
}

Test(json, valid_shape)
{
    static const char text[] = "mongodb://alice:s3cret@a.example.com:27018,[::1]/app?replicaSet=rs"
                               "&w=majority&maxPoolSize=5&journal=true&compressors=zstd"
                               "&readPreference=secondary&readPreferenceTags=dc:ny&colour=blue"
                               "&tlsCAFile=ca.pem&tlsCertificateKeyFilePassword=k3y";
    mongouri_uri *uri = parse_ok(text);
    cJSON *root = render(text, uri, NULL, 0);
    const cJSON *hosts, *h, *auth, *opts, *tls, *src, *warns, *w;
    static const char *const fields[] = {
        "enabled", "caFile", "certificateKeyFile", "certificateKeyFilePassword", "crlFile",
        "verifyCertificates", "verifyHostnames", "revocation",
    };

    cr_expect(cJSON_IsTrue(get(root, "valid")));
    expect_string(root, "uri", "mongodb://alice:****@a.example.com:27018,[::1]/app?replicaSet=rs"
                               "&w=majority&maxPoolSize=5&journal=true&compressors=zstd"
                               "&readPreference=secondary&readPreferenceTags=dc:ny&colour=blue"
                               "&tlsCAFile=ca.pem&tlsCertificateKeyFilePassword=****");
    expect_string(root, "scheme", "mongodb");

    hosts = get(root, "hosts");
    cr_assert(cJSON_IsArray(hosts));
    cr_assert_eq(cJSON_GetArraySize(hosts), 2);
    h = cJSON_GetArrayItem(hosts, 0);
    expect_string(h, "host", "a.example.com");
    cr_expect_eq(get(h, "port")->valuedouble, 27018);
    expect_string(h, "type", "hostname");
    h = cJSON_GetArrayItem(hosts, 1);
    expect_string(h, "host", "::1");
    cr_expect(cJSON_IsNull(get(h, "port")), "no port given: null");
    expect_string(h, "type", "ip_literal");

    auth = get(root, "auth");
    expect_string(auth, "username", "alice");
    expect_string(auth, "password", "****");
    expect_string(auth, "db", "app");

    opts = get(root, "options");
    cr_assert(cJSON_IsObject(opts));
    expect_string(opts, "replicaSet", "rs");
    expect_string(opts, "w", "majority");
    cr_expect(cJSON_IsNumber(get(opts, "maxPoolSize")));
    cr_expect_eq(get(opts, "maxPoolSize")->valuedouble, 5);
    cr_expect(cJSON_IsTrue(get(opts, "journal")));
    cr_expect(cJSON_IsArray(get(opts, "compressors")));
    cr_expect(cJSON_IsArray(get(opts, "readPreferenceTags")));
    cr_expect(cJSON_IsObject(cJSON_GetArrayItem(get(opts, "readPreferenceTags"), 0)));
    expect_string(opts, "tlsCertificateKeyFilePassword", "****");
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(opts, "colour"), "unknown keys are not options");
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(opts, "appname"), "unset options are absent");

    tls = get(root, "tls");
    src = get(tls, "source");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const cJSON *s = get(src, fields[i]);
        get(tls, fields[i]);
        cr_expect(cJSON_IsString(s), "source.%s", fields[i]);
    }
    cr_expect(cJSON_IsTrue(get(tls, "enabled")));
    expect_string(tls, "caFile", "ca.pem");
    expect_string(tls, "certificateKeyFilePassword", "****");
    expect_string(tls, "crlFile", NULL);
    cr_expect(cJSON_IsTrue(get(tls, "verifyCertificates")));
    expect_string(tls, "revocation", "ocsp");
    expect_string(src, "enabled", "implied");
    expect_string(src, "caFile", "uri");

    warns = get(root, "warnings");
    cr_assert(cJSON_IsArray(warns));
    cr_assert_eq(cJSON_GetArraySize(warns), 1);
    w = cJSON_GetArrayItem(warns, 0);
    expect_diag_shape(w);
    expect_string(w, "code", "unknown-option");
    expect_string(w, "option", "colour");
    cr_expect_eq(get(w, "offset")->valuedouble, (double)offset_of(text, "colour"));
    cr_expect(cJSON_IsNull(get(root, "error")));
    cJSON_Delete(root);
    mongouri_uri_destroy(uri);
}

Test(json, secrets_shown_only_on_request)
{
    static const char text[] = "mongodb://u:pw-one@h/?tlsCertificateKeyFilePassword=pw-two"
                               "&proxyHost=p&proxyUsername=pu&proxyPassword=pw-three";
    static const char aws[] = "mongodb://h/?authMechanism=MONGODB-AWS"
                              "&authMechanismProperties=AWS_SESSION_TOKEN:t0k3n";
    mongouri_uri *uri = parse_ok(text);
    char *hidden = mongouri_json_render(text, uri, NULL, 0);
    char *shown = mongouri_json_render(text, uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
    mongouri_error err;

    cr_assert_not_null(hidden);
    cr_assert_not_null(shown);
    cr_expect_null(strstr(hidden, "pw-one"));
    cr_expect_null(strstr(hidden, "pw-two"));
    cr_expect_null(strstr(hidden, "pw-three"));
    cr_expect_not_null(strstr(shown, "pw-one"));
    cr_expect_not_null(strstr(shown, "pw-two"));
    cr_expect_not_null(strstr(shown, "pw-three"));
    mongouri_free(hidden);
    mongouri_free(shown);
    mongouri_uri_destroy(uri);

    /* the AWS session token, in an error */
    parse_fail(aws, &err);
    hidden = mongouri_json_render(aws, NULL, &err, 0);
    cr_assert_not_null(hidden);
    cr_expect_null(strstr(hidden, "t0k3n"), "%s", hidden);
    mongouri_free(hidden);
}

Test(json, invalid_shape)
{
    static const char text[] = "mongodb://alice:s3cret@h:0";
    mongouri_error err;
    cJSON *root;
    const cJSON *e;

    parse_fail(text, &err);
    root = render(text, NULL, &err, 0);
    cr_expect(cJSON_IsFalse(get(root, "valid")));
    expect_string(root, "uri", "mongodb://alice:****@h:0");
    cr_expect(cJSON_IsArray(get(root, "hosts")));
    cr_expect(cJSON_IsArray(get(root, "warnings")));
    e = get(root, "error");
    expect_diag_shape(e);
    expect_string(e, "code", "bad-port");
    cr_expect(cJSON_IsNull(get(e, "option")));
    cr_expect_eq(get(e, "offset")->valuedouble, 25);
    cJSON_Delete(root);
}

Test(json, error_with_option)
{
    static const char text[] = "mongodb://h/?tlsInsecure=true&tlsAllowInvalidCertificates=true";
    mongouri_error err;
    cJSON *root;
    const cJSON *e;

    parse_fail(text, &err);
    root = render(text, NULL, &err, 0);
    e = get(root, "error");
    expect_string(e, "code", "tls-conflict");
    expect_string(e, "option", "tlsAllowInvalidCertificates");
    cr_expect_eq(get(e, "offset")->valuedouble, 30);
    cr_expect_not_null(strstr(get(e, "message")->valuestring, "tlsInsecure"));
    cJSON_Delete(root);
}

Test(json, srv_and_tls_off)
{
    mongouri_uri *uri = parse_ok("mongodb+srv://c.example.com/?tls=false");
    cJSON *root = render("mongodb+srv://c.example.com/?tls=false", uri, NULL, 0);
    const cJSON *tls = get(root, "tls");

    expect_string(root, "scheme", "mongodb+srv");
    cr_expect(cJSON_IsFalse(get(tls, "enabled")));
    expect_string(get(tls, "source"), "enabled", "uri");
    cr_expect(cJSON_IsFalse(get(get(root, "options"), "tls")));
    cJSON_Delete(root);
    mongouri_uri_destroy(uri);
}

Test(json, unix_socket_and_empty_auth)
{
    mongouri_uri *uri = parse_ok("mongodb://%2Ftmp%2Fm.sock");
    cJSON *root = render("mongodb://%2Ftmp%2Fm.sock", uri, NULL, 0);
    const cJSON *h = cJSON_GetArrayItem(get(root, "hosts"), 0);
    const cJSON *auth = get(root, "auth");

    expect_string(h, "host", "/tmp/m.sock");
    expect_string(h, "type", "unix");
    expect_string(auth, "username", NULL);
    expect_string(auth, "password", NULL);
    expect_string(auth, "db", NULL);
    cr_expect_eq(cJSON_GetArraySize(get(root, "warnings")), 0);
    cJSON_Delete(root);
    mongouri_uri_destroy(uri);
}

Test(json, pretty_and_compact)
{
    mongouri_uri *uri = parse_ok("mongodb://h");
    char *compact = mongouri_json_render("mongodb://h", uri, NULL, 0);
    char *pretty = mongouri_json_render("mongodb://h", uri, NULL, MONGOURI_JSON_PRETTY);

    cr_assert_not_null(compact);
    cr_assert_not_null(pretty);
    cr_expect_null(strchr(compact, '\n'), "compact output is one line");
    cr_expect_not_null(strchr(pretty, '\n'), "pretty output is indented");
    mongouri_free(compact);
    mongouri_free(pretty);
    mongouri_uri_destroy(uri);
}

Test(json, no_input_no_result)
{
    cJSON *root = render(NULL, NULL, NULL, 0);

    cr_expect(cJSON_IsFalse(get(root, "valid")));
    cr_expect(cJSON_IsNull(get(root, "uri")));
    cr_expect(cJSON_IsNull(get(root, "error")));
    cJSON_Delete(root);
}
