/*
 * The JSON rendering (the validate-uri contract), parsed back with cJSON:
 * the keys and their types, secrets hidden unless asked, errors and
 * warnings in the same shape; the tree (mongouri_json_tree) prints as the
 * rendering and belongs to the caller.
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

Test(json, auth_source_hidden_as_its_option)
{
    /* An authSource value holding a run-in secret: the credential's source
     * is that value, so it is hidden in auth.source as in the options. */
    static const char text[] = "mongodb://u:pw@h/db?authSource=x%26authMechanismProperties="
                               "AWS_SESSION_TOKEN:t0k3n-value";
    mongouri_uri *uri = parse_ok(text);
    cJSON *root = render(text, uri, NULL, 0);
    cJSON *auth = cJSON_GetObjectItem(root, "auth");
    char *all = mongouri_json_render(text, uri, NULL, 0);

    cr_assert_not_null(auth);
    cr_expect_str_eq(cJSON_GetObjectItem(auth, "source")->valuestring, "****");
    cr_expect_null(strstr(all, "t0k3n"), "%s", all);
    cJSON_Delete(root);
    mongouri_free(all);
    all = mongouri_json_render(text, uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
    cr_expect_not_null(strstr(all, "t0k3n"), "shown on request: %s", all);
    mongouri_free(all);
    mongouri_uri_destroy(uri);
}

/* Parse `text`: "s3cr3t" shows in none of the JSON, the redacted echo and
 * the redacted canonical form, and in the JSON with secrets shown. */
static mongouri_uri *parse_masked(const char *text)
{
    mongouri_uri *uri = parse_ok(text);
    char *all = mongouri_json_render(text, uri, NULL, 0);
    char *red = mongouri_redact(text, -1, NULL);
    char *fmt = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri_uri_format(uri, MONGOURI_FORMAT_REDACT, &fmt, &err), MONGOURI_OK);
    cr_assert_not_null(all);
    cr_assert_not_null(red);
    cr_expect_null(strstr(red, "s3cr3t"), "%s", red);
    cr_expect_null(strstr(all, "s3cr3t"), "%s", all);
    cr_expect_null(strstr(fmt, "s3cr3t"), "%s", fmt);
    mongouri_free(all);
    all = mongouri_json_render(text, uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
    cr_expect_not_null(strstr(all, "s3cr3t"), "shown on request: %s", all);
    mongouri_free(all);
    mongouri_free(red);
    mongouri_free(fmt);
    return uri;
}

Test(json, tag_set_hidden_when_a_secret_runs_into_it)
{
    /* A tag set that holds "name=" with a secret name (or a near miss of a
     * secret option's name) is read by the redactor as another option run
     * into it: the rest of that set is secret. The JSON, the public hidden
     * test and the redacted echo decide alike, for the URI and for keywords. */
    static const char *const texts[] = {
        "mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny,password=s3cr3t:1",
        "mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny,racgssapiServiceName=s3cr3t:1",
        "mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny&readPreferenceTags="
        "rack:1,authMechanismProperties=AWS_SESSION_TOKEN:s3cr3t",
        "mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny%2Cpass%3Ds3cr3t:1",
    };

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        mongouri_uri *uri = parse_masked(texts[i]);
        cr_expect(mongouri_uri_option_hidden(uri, "readPreferenceTags"), "%s", texts[i]);
        mongouri_uri_destroy(uri);
    }

    /* the same value as a keyword */
    {
        static const char text[] = "mongodb://h/?readPreference=secondary";
        mongouri_keywords *kw = NULL;
        mongouri_error err;
        mongouri_uri *uri;
        char *all;

        cr_assert_eq(mongouri_keywords_new(&kw, &err), MONGOURI_OK);
        cr_assert_eq(mongouri_keywords_set(kw, "readPreferenceTags", "dc:ny,password=s3cr3t:1",
                                           &err),
                     MONGOURI_OK);
        uri = parse_ok_kw(text, 0, kw);
        all = mongouri_json_render(text, uri, NULL, 0);
        cr_expect_null(strstr(all, "s3cr3t"), "%s", all);
        cr_expect(mongouri_uri_option_hidden(uri, "readPreferenceTags"));
        mongouri_free(all);
        mongouri_uri_destroy(uri);
        mongouri_keywords_destroy(kw);
    }

    /* a plain tag set is shown, and not called hidden */
    {
        static const char text[] =
            "mongodb://h/?readPreference=secondary&readPreferenceTags=dc:ny,gssapiServiceName=k:1";
        mongouri_uri *uri = parse_ok(text);
        char *all = mongouri_json_render(text, uri, NULL, 0);

        cr_expect_not_null(strstr(all, "\"gssapiServiceName=k\":\"1\""), "%s", all);
        cr_expect_not(mongouri_uri_option_hidden(uri, "readPreferenceTags"));
        mongouri_free(all);
        mongouri_uri_destroy(uri);
    }
}

Test(json, property_holding_a_run_in_option_hidden)
{
    /* A mechanism property whose value holds another option run into it is
     * masked from there on, as the redactor masks the echo: given as
     * authMechanismProperties, or as gssapiServiceName (its SERVICE_NAME). */
    static const char props[] = "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties="
                                "SERVICE_NAME:svc;proxyPassword=s3cr3t";
    static const char alias[] = "mongodb://u@h/?authMechanism=GSSAPI&gssapiServiceName="
                                "svc;authMechanismPropeeName=s3cr3t";
    static const char plain[] = "mongodb://u@h/?authMechanism=GSSAPI&authMechanismProperties="
                                "SERVICE_NAME:svc,SERVICE_REALM:r";
    const char *const texts[] = {props, alias};

    for (size_t i = 0; i < 2; i++) {
        mongouri_uri *uri = parse_masked(texts[i]);

        cr_expect_str_eq(mongouri_uri_auth_property_key(uri, 0), "SERVICE_NAME");
        cr_expect_eq(mongouri_uri_auth_property_shown(uri, 0), MONGOURI_SHOWN_KEY, "%s", texts[i]);
        cr_expect(mongouri_uri_option_hidden(uri, "authMechanismProperties"), "%s", texts[i]);
        cr_expect(mongouri_uri_option_hidden(uri, "gssapiServiceName"), "%s", texts[i]);
        cr_expect_eq(mongouri_uri_auth_property_shown(uri, 1), MONGOURI_SHOWN_NONE);
        mongouri_uri_destroy(uri);
    }

    /* plain properties are shown */
    {
        mongouri_uri *uri = parse_ok(plain);
        cr_expect_eq(mongouri_uri_auth_property_shown(uri, 0), MONGOURI_SHOWN_ALL);
        cr_expect_eq(mongouri_uri_auth_property_shown(uri, 1), MONGOURI_SHOWN_ALL);
        cr_expect_eq(mongouri_uri_auth_property_shown(uri, 2), MONGOURI_SHOWN_NONE);
        cr_expect_not(mongouri_uri_option_hidden(uri, "authMechanismProperties"));
        mongouri_uri_destroy(uri);
    }
}

Test(json, property_error_shows_no_secret_name)
{
    /* An item that is not a property of the mechanism is named in the error
     * only where the redactor shows its name. */
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,"
         "TOKEN_x=s3cr3t:foo",
         "authMechanismProperties: a property whose name holds a secret is not a property of "
         "MONGODB-OIDC"},
        {"mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,"
         "AWS_SESSION_TOKEN:s3cr3t",
         "authMechanismProperties: AWS_SESSION_TOKEN is not a property of MONGODB-OIDC"},
        /* after a secret item, whatever the items are (right or wrong) */
        {"mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,"
         "AWS_SESSION_TOKEN:s3cr3t,s3cr3t:1",
         "authMechanismProperties: a property follows a secret one (or another option run into one), "
         "and cannot be checked without showing the secret"},
        {"mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:a;"
         "proxyPassword=s3cr3t,TOKEN_RESOURCE:x",
         "authMechanismProperties: a property follows a secret one (or another option run into one), "
         "and cannot be checked without showing the secret"},
        {"mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:a;"
         "proxyPassword=s3cr3t,UPLFO_SFTPVSDF:x",
         "authMechanismProperties: a property follows a secret one (or another option run into one), "
         "and cannot be checked without showing the secret"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mongouri_error err;
        char *all;

        parse_fail(cases[i].text, &err);
        cr_expect_str_eq(err.message, cases[i].message, "%s", cases[i].text);
        all = mongouri_json_render(cases[i].text, NULL, &err, 0);
        cr_expect_null(strstr(all, "s3cr3t"), "%s", all);
        mongouri_free(all);
    }
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

/* ------------------------------------------------------------------------ */
/* The tree: the same object, for callers that add members of their own     */
/* ------------------------------------------------------------------------ */

/* Printing the tree gives the rendered text, byte for byte. */
static void expect_tree_is_render(const char *input, const mongouri_uri *uri,
                                  const mongouri_error *err, unsigned int flags)
{
    char *text = mongouri_json_render(input, uri, err, flags);
    char *pretty = mongouri_json_render(input, uri, err, flags | MONGOURI_JSON_PRETTY);
    cJSON *tree = mongouri_json_tree(input, uri, err, flags);
    char *printed, *printed_pretty;

    cr_assert_not_null(text);
    cr_assert_not_null(pretty);
    cr_assert_not_null(tree);
    printed = cJSON_PrintUnformatted(tree);
    printed_pretty = cJSON_Print(tree);
    cr_assert_not_null(printed);
    cr_assert_not_null(printed_pretty);
    cr_expect_str_eq(printed, text, "the tree of %s prints as its rendering", input);
    cr_expect_str_eq(printed_pretty, pretty, "the tree of %s prints as its pretty rendering",
                     input);
    cJSON_free(printed);
    cJSON_free(printed_pretty);
    mongouri_json_tree_free(tree);
    mongouri_free(text);
    mongouri_free(pretty);
}

Test(json_tree, prints_as_the_rendering)
{
    static const char valid[] = "mongodb://alice:s3cret@a.example.com:27018,[::1]/app?w=majority"
                                "&colour=blue&tlsCertificateKeyFile=/k.pem"
                                "&tlsCertificateKeyFilePassword=kp&tls=true";
    static const char invalid[] = "mongodb://bob:pw@h:99999/?tls=true";
    mongouri_uri *uri = parse_ok(valid);
    mongouri_error err;

    expect_tree_is_render(valid, uri, NULL, 0);
    expect_tree_is_render(valid, uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
    memset(&err, 0, sizeof err);
    parse_fail(invalid, &err);
    expect_tree_is_render(invalid, NULL, &err, 0);
    expect_tree_is_render(invalid, NULL, &err, MONGOURI_JSON_SHOW_SECRETS);
    expect_tree_is_render(NULL, NULL, NULL, 0);
    mongouri_uri_destroy(uri);
}

Test(json_tree, secrets_hidden_in_the_tree)
{
    mongouri_uri *uri = parse_ok("mongodb://alice:s3cret@h/");
    cJSON *tree = mongouri_json_tree("mongodb://alice:s3cret@h/", uri, NULL, 0);
    char *printed;

    cr_assert_not_null(tree);
    printed = cJSON_PrintUnformatted(tree);
    cr_assert_not_null(printed);
    cr_expect_null(strstr(printed, "s3cret"), "no password in the tree: %s", printed);
    expect_string(get(tree, "auth"), "password", "****");
    cJSON_free(printed);
    mongouri_json_tree_free(tree);
    mongouri_uri_destroy(uri);
}

/* The caller owns the tree: it adds, detaches and frees with cJSON and the free call. */
Test(json_tree, caller_adds_and_detaches)
{
    mongouri_uri *uri = parse_ok("mongodb://h/?appName=x");
    cJSON *tree = mongouri_json_tree("mongodb://h/?appName=x", uri, NULL, 0);
    cJSON *opts, *extra, *detached;

    cr_assert_not_null(tree);
    extra = cJSON_AddObjectToObject(tree, "resolution");
    cr_assert_not_null(extra);
    cr_assert_not_null(cJSON_AddStringToObject(extra, "txt", "authSource=admin"));
    /* Strings the tree only refers to, and constant names, are not wiped. */
    cr_assert(cJSON_AddItemToObject(extra, "ref", cJSON_CreateStringReference("literal")));
    cr_assert(cJSON_AddItemToObjectCS(extra, "constName", cJSON_CreateString("v")));
    opts = cJSON_GetObjectItemCaseSensitive(tree, "options");
    cr_assert_not_null(opts);
    detached = cJSON_DetachItemFromObjectCaseSensitive(opts, "appname");
    cr_assert(cJSON_IsString(detached));
    cr_expect_str_eq(detached->valuestring, "x");
    mongouri_json_tree_free(detached);
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(opts, "appname"));
    mongouri_json_tree_free(tree);
    mongouri_json_tree_free(NULL);
    mongouri_uri_destroy(uri);
}

Test(json_tree, render_is_the_tree_printed_for_every_input_kind)
{
    static const char *const inputs[] = {
        "mongodb+srv://u:p@cluster.example.com/?tls=false",
        "mongodb:///tmp%2Fm.sock,h:1/?readPreferenceTags=dc:ny,rack:1&readPreferenceTags=",
        "mongodb://h/?authMechanism=GSSAPI&gssapiServiceName=svc&authSource=$external",
        "mongodb://\xff\xfe@h/",
    };

    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        mongouri_uri *uri = NULL;
        mongouri_error err;

        memset(&err, 0, sizeof err);
        if (mongouri_uri_parse(&uri, inputs[i], NULL, &err) == MONGOURI_OK) {
            expect_tree_is_render(inputs[i], uri, NULL, 0);
            expect_tree_is_render(inputs[i], uri, NULL, MONGOURI_JSON_SHOW_SECRETS);
        } else {
            expect_tree_is_render(inputs[i], NULL, &err, 0);
        }
        mongouri_uri_destroy(uri);
    }
}
