/*
 * Keyword options: strict checks at set time, replacement, typed setters,
 * conflicts refused at once, and merging into a parse (keywords win over
 * the URI and are recorded with source "keyword").
 */
#include <criterion/criterion.h>

#include "unit.h"

static mongouri_keywords *kw;

static void setup(void)
{
    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_not_null(kw);
}

static void teardown(void)
{
    mongouri_keywords_destroy(kw);
    kw = NULL;
}

TestSuite(keywords, .init = setup, .fini = teardown);

Test(keywords, new_and_destroy)
{
    mongouri_error err;

    cr_expect_eq(mongouri_keywords_count(kw), 0u);
    cr_expect_eq(mongouri_keywords_count(NULL), 0u);
    cr_expect_eq(mongouri_keywords_new(NULL, &err), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_ARG);
    mongouri_keywords_destroy(NULL); /* a no-op */
}

Test(keywords, null_arguments)
{
    mongouri_error err;

    cr_expect_eq(mongouri_keywords_set(NULL, "tls", "true", &err), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_keywords_set(kw, NULL, "true", &err), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_keywords_set(kw, "tls", NULL, &err), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_ARG);
    cr_expect_neq(mongouri_keywords_set_bool(NULL, "tls", true, NULL), MONGOURI_OK);
    cr_expect_neq(mongouri_keywords_set_int(NULL, "w", 1, NULL), MONGOURI_OK);
    cr_expect_neq(mongouri_keywords_set_bool(kw, NULL, true, NULL), MONGOURI_OK);
    cr_expect_neq(mongouri_keywords_set_int(kw, NULL, 1, NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 0u);
    /* err may be NULL */
    cr_expect_eq(mongouri_keywords_set(kw, "appname", "x", NULL), MONGOURI_OK);
}

Test(keywords, set_and_replace)
{
    mongouri_uri *uri;
    const char *s = NULL;

    cr_assert_eq(mongouri_keywords_set(kw, "appname", "first", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "APPNAME", "second", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 1u, "setting a key again replaces it");
    uri = parse_ok_kw("mongodb://h/?appname=uri", 0, kw);
    cr_assert_eq(mongouri_uri_get_string(uri, "appname", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "second");
    cr_expect_eq(mongouri_uri_option_source(uri, "appname"), MONGOURI_SOURCE_KEYWORD);
    cr_expect_eq(mongouri_uri_warning_count(uri), 0u, "a keyword over a URI option is silent");
    mongouri_uri_destroy(uri);
}

Test(keywords, replace_through_alias)
{
    mongouri_uri *uri;

    cr_assert_eq(mongouri_keywords_set(kw, "tls", "true", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "ssl", "true", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 1u, "ssl and tls are one option");
    uri = parse_ok_kw("mongodb://h", 0, kw);
    cr_expect(mongouri_tls_enabled(mongouri_uri_tls(uri)));
    mongouri_uri_destroy(uri);
}

Test(keywords, tls_and_ssl_that_disagree_are_refused)
{
    mongouri_error err;
    mongouri_uri *uri;

    /* a silent flip of TLS is never a replacement */
    cr_assert_eq(mongouri_keywords_set(kw, "tls", "true", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "ssl", "false", &err), MONGOURI_E_CONFLICT);
    cr_expect_eq(err.code, MONGOURI_D_TLS_DISAGREE);
    cr_expect_eq(mongouri_keywords_count(kw), 1u, "the set is unchanged");
    uri = parse_ok_kw("mongodb://h", 0, kw);
    cr_expect(mongouri_tls_enabled(mongouri_uri_tls(uri)), "TLS stays on");
    mongouri_uri_destroy(uri);
    /* the same spelling again is a plain replacement */
    cr_expect_eq(mongouri_keywords_set(kw, "tls", "false", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "SSL", "false", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "ssl", "true", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "tls", "false", &err), MONGOURI_E_CONFLICT);
}

Test(keywords, replace_can_lift_a_conflict)
{
    /* Replacing an option checks the set without the older value. */
    cr_assert_eq(mongouri_keywords_set(kw, "tls", "false", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "tls", "true", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "tlsCAFile", "ca.pem", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 2u);
}

Test(keywords, read_preference_tags_append)
{
    mongouri_uri *uri;

    cr_assert_eq(mongouri_keywords_set(kw, "readPreference", "secondary", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "readPreferenceTags", "dc:ny", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "readPreferenceTags", "", NULL), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h/?readPreferenceTags=dc:sf", 0, kw);
    cr_assert_eq(mongouri_uri_tag_set_count(uri), 2u, "the keyword tag sets replace the URI's");
    cr_expect_str_eq(mongouri_uri_tag_key(uri, 0, 0), "dc");
    cr_expect_str_eq(mongouri_uri_tag_value(uri, 0, 0), "ny");
    cr_expect_eq(mongouri_uri_tag_count(uri, 1), 0u);
    mongouri_uri_destroy(uri);
}

Test(keywords, unknown_key)
{
    mongouri_error err;

    cr_expect_eq(mongouri_keywords_set(kw, "tlsCAFle", "ca.pem", &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD);
    cr_expect_eq(err.offset, -1);
    cr_expect_not_null(strstr(err.message, "tlsCAFle"), "%s", err.message);
    cr_expect_not_null(strstr(err.hint, "tlsCAFile"), "did you mean: %s", err.hint);
    cr_expect_eq(mongouri_keywords_count(kw), 0u);
    cr_expect_eq(mongouri_keywords_set_bool(kw, "nosuchflag", true, &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_eq(mongouri_keywords_set_int(kw, "nosuchnumber", 1, &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_UNKNOWN_OPTION);
}

typedef struct strict_case {
    const char *key, *value;
    mongouri_diag diag;
} strict_case;

Test(keywords, strict_values)
{
    static const strict_case cases[] = {
        { "maxPoolSize", "-1", MONGOURI_D_INVALID_VALUE },
        { "maxPoolSize", "ten", MONGOURI_D_INVALID_VALUE },
        { "zlibCompressionLevel", "10", MONGOURI_D_INVALID_VALUE },
        { "journal", "yes", MONGOURI_D_LEGACY_BOOLEAN },
        { "journal", "maybe", MONGOURI_D_INVALID_VALUE },
        { "replicaSet", "", MONGOURI_D_EMPTY_VALUE },
        { "readPreference", "closest", MONGOURI_D_INVALID_VALUE },
        { "compressors", "lz4", MONGOURI_D_INVALID_VALUE },
        { "readPreferenceTags", "nocolon", MONGOURI_D_INVALID_VALUE },
        { "wtimeout", "5", MONGOURI_D_DEPRECATED_OPTION },
        { "sslCertificateAuthorityFile", "ca.pem", MONGOURI_D_DEPRECATED_OPTION },
        { "srvServiceName", "bad_name", MONGOURI_D_INVALID_VALUE },
        { "appname", "x%zz", MONGOURI_D_NONE }, /* not percent-decoded: a valid value */
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mongouri_error err;
        mongouri_status rc = mongouri_keywords_set(kw, cases[i].key, cases[i].value, &err);
        if (cases[i].diag == MONGOURI_D_NONE) {
            cr_expect_eq(rc, MONGOURI_OK, "%s=%s: %s", cases[i].key, cases[i].value, err.message);
            continue;
        }
        cr_expect_neq(rc, MONGOURI_OK, "%s=%s must be refused", cases[i].key, cases[i].value);
        cr_expect_eq(err.code, cases[i].diag, "%s=%s: diag %s, expected %s", cases[i].key,
                     cases[i].value, mongouri_diag_name(err.code),
                     mongouri_diag_name(cases[i].diag));
        cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD, "%s: source", cases[i].key);
        cr_expect_eq(err.offset, -1, "%s: a keyword has no offset", cases[i].key);
    }
    cr_expect_eq(mongouri_keywords_count(kw), 1u, "only the valid value was added");
}

Test(keywords, refused_value_keeps_the_old_one)
{
    mongouri_uri *uri;
    int64_t v = 0;

    cr_assert_eq(mongouri_keywords_set(kw, "maxPoolSize", "7", NULL), MONGOURI_OK);
    cr_assert_neq(mongouri_keywords_set(kw, "maxPoolSize", "-7", NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 1u);
    uri = parse_ok_kw("mongodb://h", 0, kw);
    cr_assert_eq(mongouri_uri_get_int(uri, "maxPoolSize", &v), MONGOURI_OK);
    cr_expect_eq(v, 7);
    mongouri_uri_destroy(uri);
}

Test(keywords, typed_setters)
{
    mongouri_error err;
    mongouri_uri *uri;
    bool b = false;
    int64_t i = 0;

    cr_assert_eq(mongouri_keywords_set_bool(kw, "retryWrites", false, &err), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set_bool(kw, "TLS", true, &err), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set_int(kw, "wTimeoutMS", INT64_C(5000000000), &err), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set_int(kw, "w", 3, &err), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h", 0, kw);
    cr_expect_eq(mongouri_uri_get_bool(uri, "retryWrites", &b), MONGOURI_OK);
    cr_expect_not(b);
    cr_expect_eq(mongouri_uri_get_int(uri, "wTimeoutMS", &i), MONGOURI_OK);
    cr_expect_eq(i, INT64_C(5000000000));
    cr_expect_eq(mongouri_uri_get_int(uri, "w", &i), MONGOURI_OK);
    cr_expect_eq(i, 3);
    cr_expect(mongouri_tls_enabled(mongouri_uri_tls(uri)));
    cr_expect_eq(mongouri_tls_source(mongouri_uri_tls(uri), MONGOURI_TLS_ENABLED),
                 MONGOURI_SOURCE_KEYWORD);
    mongouri_uri_destroy(uri);
}

Test(keywords, typed_setters_check_the_type)
{
    mongouri_error err;

    cr_expect_eq(mongouri_keywords_set_bool(kw, "maxPoolSize", true, &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_VALUE);
    cr_expect_str_eq(err.option, "maxPoolSize");
    cr_expect_eq(mongouri_keywords_set_int(kw, "journal", 1, &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_VALUE);
    cr_expect_eq(mongouri_keywords_set_int(kw, "appname", 1, &err), MONGOURI_E_OPTION);
    cr_expect_eq(mongouri_keywords_set_int(kw, "maxPoolSize", -1, &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_VALUE);
    cr_expect_eq(mongouri_keywords_set_int(kw, "connectTimeoutMS", INT64_C(2147483648), &err),
                 MONGOURI_E_OPTION, "32-bit options are range-checked");
    cr_expect_eq(mongouri_keywords_set_int(kw, "timeoutMS", INT64_MAX, &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 1u);
}

Test(keywords, conflict_at_set_time)
{
    mongouri_error err;

    cr_assert_eq(mongouri_keywords_set(kw, "tlsInsecure", "false", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "tlsAllowInvalidHostnames", "false", &err),
                 MONGOURI_E_CONFLICT, "presence-based: the values do not matter");
    cr_expect_eq(err.code, MONGOURI_D_TLS_CONFLICT);
    cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD);
    cr_expect_not_null(strstr(err.message, "tlsInsecure"), "%s", err.message);
    cr_expect_not_null(strstr(err.message, "tlsAllowInvalidHostnames"), "%s", err.message);
    cr_expect_eq(mongouri_keywords_count(kw), 1u);
    cr_expect_eq(mongouri_keywords_set(kw, "tlsCRLFile", "ca.crl", &err), MONGOURI_E_CONFLICT);
    cr_expect_eq(err.code, MONGOURI_D_REVOCATION_CONFLICT);
    /* a non-conflicting option still goes in */
    cr_expect_eq(mongouri_keywords_set(kw, "tlsCAFile", "ca.pem", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_count(kw), 2u);
}

Test(keywords, context_rules_wait_for_the_parse)
{
    /* Rules that depend on the URI are checked when parsing, not when set. */
    mongouri_error err;

    cr_expect_eq(mongouri_keywords_set(kw, "directConnection", "true", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "srvServiceName", "custom", &err), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "authMechanism", "PLAIN", &err), MONGOURI_OK);
    parse_fail_kw("mongodb+srv://u@cluster0.example.com", 0, kw, &err);
    cr_expect_eq(err.code, MONGOURI_D_DIRECT_CONNECTION);
    cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD);
}

Test(keywords, uri_rules_do_not_hide_option_rules)
{
    /* A rule that waits for the URI (srvServiceName needs mongodb+srv://,
     * proxyPassword needs proxyHost, tags need a mode other than primary)
     * must not hide one about the keywords alone: MONGODB-X509 takes its
     * credentials from $external whatever the URI says. */
    static const char *const first[][2] = {
        {"srvServiceName", "custom"},
        {"proxyPassword", "secret"},
        {"readPreferenceTags", "dc:ny"},
    };

    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        mongouri_keywords *own = NULL;
        mongouri_error err;

        cr_assert_eq(mongouri_keywords_new(&own, NULL), MONGOURI_OK);
        cr_assert_eq(mongouri_keywords_set(own, first[i][0], first[i][1], &err), MONGOURI_OK,
                     "%s: %s", first[i][0], err.message);
        cr_assert_eq(mongouri_keywords_set(own, "authMechanism", "MONGODB-X509", &err),
                     MONGOURI_OK, "%s", err.message);
        cr_expect_eq(mongouri_keywords_set(own, "authSource", "admin", &err), MONGOURI_E_AUTH,
                     "beside %s, authSource=admin with MONGODB-X509 is refused", first[i][0]);
        cr_expect_eq(err.code, MONGOURI_D_AUTH);
        cr_expect_str_eq(err.option, "authSource");
        cr_expect_str_eq(err.message, "authSource must be $external for MONGODB-X509");
        cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD);
        cr_expect_eq(err.offset, -1);
        cr_expect_eq(mongouri_keywords_count(own), 2u, "the set is unchanged");
        mongouri_keywords_destroy(own);
    }
}

Test(keywords, merge_with_the_uri)
{
    mongouri_uri *uri;
    const mongouri_tls_settings *tls;
    const char *s = NULL;

    cr_assert_eq(mongouri_keywords_set(kw, "tlsCAFile", "kw.pem", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "replicaSet", "kw-rs", NULL), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h/?tlsCAFile=uri.pem&replicaSet=uri-rs&appname=app", 0, kw);
    tls = mongouri_uri_tls(uri);
    cr_expect_str_eq(mongouri_tls_ca_file(tls), "kw.pem");
    cr_expect_eq(mongouri_tls_source(tls, MONGOURI_TLS_CA_FILE), MONGOURI_SOURCE_KEYWORD);
    cr_expect_str_eq(mongouri_tls_source_detail(tls, MONGOURI_TLS_CA_FILE), "keyword tlsCAFile");
    cr_expect_eq(mongouri_tls_source(tls, MONGOURI_TLS_ENABLED), MONGOURI_SOURCE_IMPLIED);
    cr_expect_str_eq(mongouri_tls_source_detail(tls, MONGOURI_TLS_ENABLED), "implied by tlsCAFile");
    cr_expect_eq(mongouri_uri_get_string(uri, "replicaSet", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "kw-rs");
    cr_expect_eq(mongouri_uri_option_source(uri, "replicaSet"), MONGOURI_SOURCE_KEYWORD);
    cr_expect_eq(mongouri_uri_option_source(uri, "appname"), MONGOURI_SOURCE_URI);
    cr_expect_eq(mongouri_uri_option_source(uri, "journal"), MONGOURI_SOURCE_DEFAULT);
    mongouri_uri_destroy(uri);
}

Test(keywords, copied_by_the_parse)
{
    /* The parse copies the keyword set: destroying it afterwards is safe. */
    mongouri_keywords *own = NULL;
    mongouri_uri *uri;
    const char *s = NULL;

    cr_assert_eq(mongouri_keywords_new(&own, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(own, "appname", "copied", NULL), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h", 0, own);
    mongouri_keywords_destroy(own);
    cr_assert_eq(mongouri_uri_get_string(uri, "appname", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "copied");
    mongouri_uri_destroy(uri);
}

Test(keywords, values_are_copied)
{
    char key[16] = "appname", value[16] = "mine";
    mongouri_uri *uri;
    const char *s = NULL;

    cr_assert_eq(mongouri_keywords_set(kw, key, value, NULL), MONGOURI_OK);
    memset(key, 'x', sizeof key - 1);
    memset(value, 'y', sizeof value - 1);
    uri = parse_ok_kw("mongodb://h", 0, kw);
    cr_assert_eq(mongouri_uri_get_string(uri, "appname", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "mine");
    mongouri_uri_destroy(uri);
}

Test(keywords, strict_flag_does_not_change_keywords)
{
    mongouri_uri *uri;

    cr_assert_eq(mongouri_keywords_set(kw, "journal", "true", NULL), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h", MONGOURI_PARSE_STRICT, kw);
    mongouri_uri_destroy(uri);
}
