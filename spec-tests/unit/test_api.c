/*
 * The public surface: versioned parse options, argument checks, getters on
 * NULL and out of range, typed getters, names of codes, limits, and
 * mongouri_redact (offset mapping, malformed strings).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>

#include "unit.h"

Test(parse_options, init)
{
    mongouri_parse_options opts;

    memset(&opts, 0xab, sizeof opts);
    cr_expect_eq(mongouri_parse_options_init(&opts, MONGOURI_PARSE_OPTIONS_VERSION), MONGOURI_OK);
    cr_expect_eq(opts.version, MONGOURI_PARSE_OPTIONS_VERSION);
    cr_expect_eq(opts.flags, 0u);
    cr_expect_null(opts.keywords);
    cr_expect_eq(mongouri_parse_options_init(&opts, 0), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_parse_options_init(&opts, MONGOURI_PARSE_OPTIONS_VERSION + 1),
                 MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_parse_options_init(NULL, 1), MONGOURI_E_INVALID_ARG);
}

Test(parse_options, version_checked)
{
    static const unsigned int bad[] = { 0, MONGOURI_PARSE_OPTIONS_VERSION + 1, 1000, 0xffffffffu };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
        mongouri_uri *uri = (mongouri_uri *)(void *)&opts;
        mongouri_error err;
        opts.version = bad[i];
        cr_expect_eq(mongouri_uri_parse(&uri, "mongodb://h", &opts, &err), MONGOURI_E_INVALID_ARG,
                     "version %u", bad[i]);
        cr_expect_null(uri, "*out is NULL on failure");
        cr_expect_eq(err.code, MONGOURI_D_INVALID_ARG);
        cr_expect(strstr(err.message, "mongouri_parse_options version") != NULL &&
                      strstr(err.message, "this library knows 1 to") != NULL,
                  "the message names the struct and the versions known: %s", err.message);
    }
}

Test(parse_options, null_means_defaults)
{
    mongouri_uri *uri = NULL;

    cr_assert_eq(mongouri_uri_parse(&uri, "mongodb://h/?colour=blue", NULL, NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_uri_warning_count(uri), 1u, "spec mode: a warning, not an error");
    mongouri_uri_destroy(uri);
}

Test(parse_options, strict_flag)
{
    mongouri_error err;

    parse_fail_kw("mongodb://h/?colour=blue", MONGOURI_PARSE_STRICT, NULL, &err);
    cr_expect_eq(err.status, MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_str_eq(err.option, "colour");
    cr_expect_eq(err.offset, 13);
}

Test(parse, argument_checks)
{
    mongouri_uri *uri = (mongouri_uri *)(void *)&uri;
    mongouri_error err;

    cr_expect_eq(mongouri_uri_parse(NULL, "mongodb://h", NULL, &err), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(err.code, MONGOURI_D_INVALID_ARG);
    cr_expect_eq(mongouri_uri_parse(&uri, NULL, NULL, &err), MONGOURI_E_INVALID_ARG);
    cr_expect_null(uri);
    uri = (mongouri_uri *)(void *)&uri;
    cr_expect_eq(mongouri_uri_parse_len(&uri, NULL, 3, NULL, &err), MONGOURI_E_INVALID_ARG);
    cr_expect_null(uri);
    cr_expect_eq(mongouri_uri_parse(NULL, NULL, NULL, NULL), MONGOURI_E_INVALID_ARG);
}

Test(parse, error_cleared_on_success)
{
    mongouri_error err;
    mongouri_uri *uri = NULL;

    memset(&err, 0x5a, sizeof err);
    cr_assert_eq(mongouri_uri_parse(&uri, "mongodb://h", NULL, &err), MONGOURI_OK);
    cr_expect_eq(err.status, MONGOURI_OK);
    cr_expect_eq(err.code, MONGOURI_D_NONE);
    mongouri_uri_destroy(uri);
}

Test(parse, parse_len)
{
    static const char text[] = "mongodb://h1,h2/?appname=a";
    mongouri_uri *uri = NULL;
    mongouri_error err;

    /* a prefix that is not NUL-terminated */
    cr_assert_eq(mongouri_uri_parse_len(&uri, text, 12, NULL, &err), MONGOURI_OK, "%s",
                 err.message);
    cr_expect_eq(mongouri_uri_host_count(uri), 1u);
    cr_expect_str_eq(mongouri_uri_host(uri, 0), "h1");
    mongouri_uri_destroy(uri);
    /* an embedded NUL is an error at its offset */
    uri = NULL;
    cr_expect_eq(mongouri_uri_parse_len(&uri, "mongodb://h\0x", 13, NULL, &err), MONGOURI_E_SYNTAX);
    cr_expect_null(uri);
    cr_expect_eq(err.code, MONGOURI_D_NUL_BYTE);
    cr_expect_eq(err.offset, 11);
    /* length 0 */
    cr_expect_eq(mongouri_uri_parse_len(&uri, text, 0, NULL, &err), MONGOURI_E_SYNTAX);
    cr_expect_eq(err.code, MONGOURI_D_BAD_SCHEME);
}

Test(parse, length_limit)
{
    size_t n = MONGOURI_MAX_URI_LENGTH + 1;
    char *text = malloc(n + 1);
    mongouri_uri *uri = NULL;
    mongouri_error err;

    cr_assert_not_null(text);
    memcpy(text, "mongodb://h/?appname=", 21);
    memset(text + 21, 'a', n - 21);
    text[n] = '\0';
    cr_expect_eq(mongouri_uri_parse(&uri, text, NULL, &err), MONGOURI_E_LIMIT);
    cr_expect_eq(err.code, MONGOURI_D_LIMIT);
    cr_expect_null(uri);
    free(text);
}

Test(parse, option_count_limit)
{
    size_t n = MONGOURI_MAX_OPTIONS + 1;
    size_t cap = 32 + n * 4;
    char *text = malloc(cap);
    size_t len;
    mongouri_error err;

    cr_assert_not_null(text);
    len = (size_t)snprintf(text, cap, "mongodb://h/?");
    for (size_t i = 0; i < n; i++) {
        memcpy(text + len, "w=1&", 4);
        len += 4;
    }
    text[len] = '\0';
    cr_expect_eq(parse_fail(text, &err), MONGOURI_E_LIMIT);
    cr_expect_eq(err.code, MONGOURI_D_LIMIT);
    free(text);
}

Test(getters, on_null)
{
    bool b = true;
    int64_t i = 42;
    const char *s = "unchanged";

    mongouri_uri_destroy(NULL);
    mongouri_free(NULL);
    cr_expect_eq(mongouri_uri_warning_count(NULL), 0u);
    cr_expect_null(mongouri_uri_warning(NULL, 0));
    cr_expect_eq(mongouri_uri_scheme(NULL), MONGOURI_SCHEME_MONGODB);
    cr_expect_eq(mongouri_uri_host_count(NULL), 0u);
    cr_expect_null(mongouri_uri_host(NULL, 0));
    cr_expect_eq(mongouri_uri_host_port(NULL, 0), 0);
    cr_expect_eq(mongouri_uri_host_type(NULL, 0), MONGOURI_HOST_HOSTNAME);
    cr_expect_eq(mongouri_uri_host_source(NULL, 0), MONGOURI_SOURCE_DEFAULT);
    cr_expect_null(mongouri_uri_username(NULL));
    cr_expect_null(mongouri_uri_password(NULL));
    cr_expect_null(mongouri_uri_database(NULL));
    cr_expect_not(mongouri_uri_has_credential(NULL));
    cr_expect_null(mongouri_uri_auth_mechanism(NULL));
    cr_expect_null(mongouri_uri_auth_source(NULL));
    cr_expect_eq(mongouri_uri_auth_property_count(NULL), 0u);
    cr_expect_null(mongouri_uri_auth_property_key(NULL, 0));
    cr_expect_null(mongouri_uri_auth_property_value(NULL, 0));
    cr_expect_not(mongouri_uri_has_option(NULL, "tls"));
    cr_expect_eq(mongouri_uri_option_source(NULL, "tls"), MONGOURI_SOURCE_DEFAULT);
    cr_expect_eq(mongouri_uri_get_bool(NULL, "tls", &b), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_int(NULL, "w", &i), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_string(NULL, "appname", &s), MONGOURI_E_INVALID_ARG);
    cr_expect(b);
    cr_expect_eq(i, 42);
    cr_expect_str_eq(s, "unchanged");
    cr_expect_eq(mongouri_uri_compressor_count(NULL), 0u);
    cr_expect_null(mongouri_uri_compressor(NULL, 0));
    cr_expect_eq(mongouri_uri_tag_set_count(NULL), 0u);
    cr_expect_eq(mongouri_uri_tag_count(NULL, 0), 0u);
    cr_expect_null(mongouri_uri_tag_key(NULL, 0, 0));
    cr_expect_null(mongouri_uri_tag_value(NULL, 0, 0));
    cr_expect_null(mongouri_uri_tls(NULL));
    cr_expect_not(mongouri_tls_enabled(NULL));
    cr_expect_null(mongouri_tls_ca_file(NULL));
    cr_expect_null(mongouri_tls_certificate_key_file(NULL));
    cr_expect_null(mongouri_tls_certificate_key_file_password(NULL));
    cr_expect_null(mongouri_tls_crl_file(NULL));
    cr_expect_not(mongouri_tls_verify_certificates(NULL));
    cr_expect_not(mongouri_tls_verify_hostnames(NULL));
    cr_expect_eq(mongouri_tls_source(NULL, MONGOURI_TLS_ENABLED), MONGOURI_SOURCE_DEFAULT);
    cr_expect_not_null(mongouri_tls_source_detail(NULL, MONGOURI_TLS_ENABLED));
    cr_expect_null(mongouri_redact(NULL, 0, NULL));
    {
        char *j = mongouri_json_render(NULL, NULL, NULL, 0);
        cr_expect_not_null(j, "rendering nothing is still a JSON object");
        mongouri_free(j);
    }
}

Test(getters, null_names_and_out_pointers)
{
    mongouri_uri *uri = parse_ok("mongodb://h/?appname=a&w=1&journal=true");

    cr_expect_not(mongouri_uri_has_option(uri, NULL));
    cr_expect_eq(mongouri_uri_option_source(uri, NULL), MONGOURI_SOURCE_DEFAULT);
    cr_expect_eq(mongouri_uri_get_bool(uri, NULL, NULL), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_bool(uri, "journal", NULL), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_int(uri, "w", NULL), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_string(uri, "appname", NULL), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_tls_source(mongouri_uri_tls(uri), MONGOURI_TLS__FIELDS),
                 MONGOURI_SOURCE_DEFAULT);
    cr_expect_not_null(mongouri_tls_source_detail(mongouri_uri_tls(uri), MONGOURI_TLS__FIELDS));
    mongouri_uri_destroy(uri);
}

Test(getters, typed)
{
    mongouri_uri *uri = parse_ok("mongodb://u:p@h/db?w=majority&journal=true&maxPoolSize=9"
                                 "&compressors=zstd,zlib&readPreference=nearest"
                                 "&readPreferenceTags=a:1,b:2&readPreferenceTags="
                                 "&authMechanism=SCRAM-SHA-256&ssl=true");
    bool b = false;
    int64_t i = 0;
    const char *s = NULL;

    cr_expect_eq(mongouri_uri_get_bool(uri, "JOURNAL", &b), MONGOURI_OK);
    cr_expect(b);
    cr_expect_eq(mongouri_uri_get_bool(uri, "ssl", &b), MONGOURI_OK, "an alias name works");
    cr_expect_eq(mongouri_uri_get_int(uri, "maxPoolSize", &i), MONGOURI_OK);
    cr_expect_eq(i, 9);
    i = 77;
    cr_expect_eq(mongouri_uri_get_int(uri, "w", &i), MONGOURI_E_INVALID_ARG, "w is a string here");
    cr_expect_eq(i, 77, "unchanged on failure");
    cr_expect_eq(mongouri_uri_get_string(uri, "w", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "majority");
    cr_expect_eq(mongouri_uri_get_string(uri, "readPreference", &s), MONGOURI_OK);
    cr_expect_str_eq(s, "nearest");
    s = NULL;
    cr_expect_eq(mongouri_uri_get_string(uri, "journal", &s), MONGOURI_E_INVALID_ARG);
    cr_expect_null(s);
    cr_expect_eq(mongouri_uri_get_bool(uri, "maxPoolSize", &b), MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_uri_get_int(uri, "appname", &i), MONGOURI_E_INVALID_ARG, "unset");
    cr_expect_eq(mongouri_uri_get_int(uri, "nosuchoption", &i), MONGOURI_E_INVALID_ARG);
    cr_expect(mongouri_uri_has_option(uri, "maxpoolsize"));
    cr_expect_not(mongouri_uri_has_option(uri, "appname"));
    cr_expect_not(mongouri_uri_has_option(uri, "nosuchoption"));
    cr_expect_eq(mongouri_uri_compressor_count(uri), 2u);
    cr_expect_str_eq(mongouri_uri_compressor(uri, 0), "zstd");
    cr_expect_str_eq(mongouri_uri_compressor(uri, 1), "zlib");
    cr_expect_null(mongouri_uri_compressor(uri, 2));
    cr_expect_eq(mongouri_uri_tag_set_count(uri), 2u);
    cr_expect_eq(mongouri_uri_tag_count(uri, 0), 2u);
    cr_expect_str_eq(mongouri_uri_tag_key(uri, 0, 1), "b");
    cr_expect_str_eq(mongouri_uri_tag_value(uri, 0, 1), "2");
    cr_expect_null(mongouri_uri_tag_key(uri, 0, 2));
    cr_expect_eq(mongouri_uri_tag_count(uri, 1), 0u);
    cr_expect_eq(mongouri_uri_tag_count(uri, 2), 0u);
    cr_expect_null(mongouri_uri_tag_value(uri, 5, 0));
    cr_expect(mongouri_uri_has_credential(uri));
    cr_expect_str_eq(mongouri_uri_auth_mechanism(uri), "SCRAM-SHA-256");
    cr_expect_str_eq(mongouri_uri_auth_source(uri), "db");
    cr_expect_eq(mongouri_uri_auth_property_count(uri), 0u);
    cr_expect_null(mongouri_uri_auth_property_key(uri, 0));
    cr_expect_null(mongouri_uri_warning(uri, 0));
    mongouri_uri_destroy(uri);
}

Test(getters, numeric_w_and_properties)
{
    mongouri_uri *uri = parse_ok("mongodb://u%40R@h/?w=2&authMechanism=GSSAPI"
                                 "&authMechanismProperties=SERVICE_REALM:R");
    int64_t i = 0;
    const char *s = NULL;

    cr_expect_eq(mongouri_uri_get_int(uri, "w", &i), MONGOURI_OK);
    cr_expect_eq(i, 2);
    cr_expect_eq(mongouri_uri_get_string(uri, "w", &s), MONGOURI_E_INVALID_ARG);
    cr_expect_str_eq(mongouri_uri_username(uri), "u@R");
    cr_expect_null(mongouri_uri_password(uri));
    cr_expect_str_eq(mongouri_uri_auth_source(uri), "$external");
    cr_assert_eq(mongouri_uri_auth_property_count(uri), 2u, "SERVICE_NAME added by default");
    for (size_t k = 0; k < 2; k++) {
        const char *key = mongouri_uri_auth_property_key(uri, k);
        const char *v = mongouri_uri_auth_property_value(uri, k);
        if (strcmp(key, "SERVICE_NAME") == 0)
            cr_expect_str_eq(v, "mongodb");
        else
            cr_expect(strcmp(key, "SERVICE_REALM") == 0 && strcmp(v, "R") == 0, "%s=%s", key, v);
    }
    mongouri_uri_destroy(uri);
}

Test(getters, tls_settings)
{
    mongouri_uri *uri = parse_ok("mongodb+srv://c.example.com/?tlsCAFile=ca.pem"
                                 "&tlsCertificateKeyFile=k.pem&tlsCertificateKeyFilePassword=pw"
                                 "&tlsCRLFile=x.crl&tlsAllowInvalidHostnames=true");
    const mongouri_tls_settings *t = mongouri_uri_tls(uri);

    cr_assert_not_null(t);
    cr_expect_eq(mongouri_uri_scheme(uri), MONGOURI_SCHEME_MONGODB_SRV);
    cr_expect(mongouri_tls_enabled(t));
    cr_expect_str_eq(mongouri_tls_ca_file(t), "ca.pem");
    cr_expect_str_eq(mongouri_tls_certificate_key_file(t), "k.pem");
    cr_expect_str_eq(mongouri_tls_certificate_key_file_password(t), "pw");
    cr_expect_str_eq(mongouri_tls_crl_file(t), "x.crl");
    cr_expect(mongouri_tls_verify_certificates(t));
    cr_expect_not(mongouri_tls_verify_hostnames(t));
    cr_expect_eq(mongouri_tls_revocation(t), MONGOURI_REVOCATION_CRL);
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_ENABLED), MONGOURI_SOURCE_IMPLIED);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_ENABLED), "implied by mongodb+srv");
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_VERIFY_HOSTNAMES), MONGOURI_SOURCE_URI);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_HOSTNAMES),
                     "URI option tlsAllowInvalidHostnames");
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_VERIFY_CERTIFICATES), MONGOURI_SOURCE_DEFAULT);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_CERTIFICATES), "default");
    mongouri_uri_destroy(uri);
}

Test(names, stable)
{
    static const struct { mongouri_diag d; const char *name; } diags[] = {
        { MONGOURI_D_NONE, NULL },
        { MONGOURI_D_BAD_SCHEME, "bad-scheme" }, { MONGOURI_D_NO_HOST, "no-host" },
        { MONGOURI_D_BAD_HOST, "bad-host" }, { MONGOURI_D_BAD_PORT, "bad-port" },
        { MONGOURI_D_BAD_USERINFO, "bad-userinfo" }, { MONGOURI_D_BAD_ESCAPE, "bad-percent-escape" },
        { MONGOURI_D_BAD_UTF8, "bad-utf8" }, { MONGOURI_D_NUL_BYTE, "nul-byte" },
        { MONGOURI_D_BAD_DATABASE, "bad-database" },
        { MONGOURI_D_MALFORMED_OPTION, "malformed-option" },
        { MONGOURI_D_UNKNOWN_OPTION, "unknown-option" },
        { MONGOURI_D_INVALID_VALUE, "invalid-value" }, { MONGOURI_D_EMPTY_VALUE, "empty-value" },
        { MONGOURI_D_REPEATED_OPTION, "repeated-option" },
        { MONGOURI_D_DEPRECATED_OPTION, "deprecated-option" },
        { MONGOURI_D_LEGACY_BOOLEAN, "legacy-boolean" },
        { MONGOURI_D_TLS_IGNORED, "tls-option-ignored" }, { MONGOURI_D_TLS_CONFLICT, "tls-conflict" },
        { MONGOURI_D_TLS_DISAGREE, "tls-ssl-disagree" },
        { MONGOURI_D_REVOCATION_CONFLICT, "revocation-conflict" },
        { MONGOURI_D_SRV_ONLY, "srv-only-option" }, { MONGOURI_D_SRV_HOST, "bad-srv-host" },
        { MONGOURI_D_DIRECT_CONNECTION, "direct-connection" },
        { MONGOURI_D_LOAD_BALANCED, "load-balanced" }, { MONGOURI_D_PROXY, "proxy" },
        { MONGOURI_D_AUTH, "auth" }, { MONGOURI_D_LIMIT, "limit" },
        { MONGOURI_D_SRV_MAX_HOSTS, "srv-max-hosts" },
        { MONGOURI_D_READ_PREFERENCE, "read-preference" },
        { MONGOURI_D_INVALID_ARG, "invalid-argument" }, { MONGOURI_D_NOMEM, "out-of-memory" },
        { MONGOURI_D_POOL, "pool-size" }, { MONGOURI_D_CONNECT, "connect-failed" },
    };

    for (size_t i = 0; i < sizeof diags / sizeof diags[0]; i++) {
        const char *got = mongouri_diag_name(diags[i].d);
        cr_assert_not_null(got);
        if (diags[i].name != NULL)
            cr_expect_str_eq(got, diags[i].name, "diag %d", (int)diags[i].d);
    }
    /* every code has a distinct name */
    for (int a = 1; a < MONGOURI_D__LAST; a++)
        for (int b = a + 1; b < MONGOURI_D__LAST; b++)
            cr_expect_str_neq(mongouri_diag_name((mongouri_diag)a), mongouri_diag_name((mongouri_diag)b),
                              "codes %d and %d", a, b);
    cr_expect_not_null(mongouri_diag_name(MONGOURI_D__LAST));
    cr_expect_not_null(mongouri_diag_name((mongouri_diag)-1));
    for (int s = 0; s <= MONGOURI_E__LAST; s++)
        cr_expect_not_null(mongouri_strerror((mongouri_status)s));
    cr_expect_not_null(mongouri_strerror((mongouri_status)-5));
    cr_expect_str_eq(mongouri_source_name(MONGOURI_SOURCE_DEFAULT), "default");
    cr_expect_str_eq(mongouri_source_name(MONGOURI_SOURCE_URI), "uri");
    cr_expect_str_eq(mongouri_source_name(MONGOURI_SOURCE_KEYWORD), "keyword");
    cr_expect_str_eq(mongouri_source_name(MONGOURI_SOURCE_TXT), "txt");
    cr_expect_str_eq(mongouri_source_name(MONGOURI_SOURCE_IMPLIED), "implied");
    cr_expect_not_null(mongouri_source_name((mongouri_source)77));
    cr_expect_str_eq(mongouri_revocation_name(MONGOURI_REVOCATION_OCSP), "ocsp");
    cr_expect_str_eq(mongouri_revocation_name(MONGOURI_REVOCATION_OCSP_STAPLE_ONLY),
                     "ocsp-staple-only");
    cr_expect_str_eq(mongouri_revocation_name(MONGOURI_REVOCATION_CRL), "crl");
    cr_expect_str_eq(mongouri_revocation_name(MONGOURI_REVOCATION_NONE), "none");
    cr_expect_str_eq(mongouri_tls_field_name(MONGOURI_TLS_ENABLED), "enabled");
    cr_expect_str_eq(mongouri_tls_field_name(MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD),
                     "certificateKeyFilePassword");
    cr_expect_str_eq(mongouri_tls_field_name(MONGOURI_TLS_REVOCATION), "revocation");
    cr_expect_not_null(mongouri_tls_field_name(MONGOURI_TLS__FIELDS));
}

/* ------------------------------------------------------------------------ */
/* mongouri_redact                                                           */
/* ------------------------------------------------------------------------ */

typedef struct redact_case {
    char in[128];
    char out[128];
} redact_case;

ParameterizedTestParameters(redact, table)
{
    static redact_case cases[] = {
        { "mongodb://h", "mongodb://h" },
        { "mongodb://alice@h", "mongodb://alice@h" },
        { "mongodb://alice:secret@h/db", "mongodb://alice:****@h/db" },
        { "mongodb://alice:@h", "mongodb://alice:@h" },
        { "mongodb+srv://a:b@c.example.com", "mongodb+srv://a:****@c.example.com" },
        { "mongodb://a:s%40f@h", "mongodb://a:****@h" },
        { "mongodb://a:p@ss@h", "mongodb://a:****@h" },
        { "mongodb://a:pa/ss@h", "mongodb://a:****@h" },
        { "mongodb://a:pa?ss@h/?w=1", "mongodb://a:****@h/?w=1" },
        { "mongodb://a:pa:ss@h", "mongodb://a:****@h" },
        { "mongo://a:secret@h", "mongo://a:****@h" },
        { "mongodb:/a:secret@h", "mongodb:****@h" },
        { "a:secret@h", "a:****@h" },
        { "mongodb://h/db?replicaSet=my@rs", "mongodb://h/db?replicaSet=my@rs" },
        { "mongodb://h/?tlsCertificateKeyFilePassword=kp&w=1",
          "mongodb://h/?tlsCertificateKeyFilePassword=****&w=1" },
        { "mongodb://h/?TLSCERTIFICATEKEYFILEPASSWORD=kp", "mongodb://h/?TLSCERTIFICATEKEYFILEPASSWORD=****" },
        { "mongodb://h/?sslClientCertificateKeyPassword=kp",
          "mongodb://h/?sslClientCertificateKeyPassword=****" },
        { "mongodb://h/?proxyPassword=pp&proxyUsername=u", "mongodb://h/?proxyPassword=****&proxyUsername=u" },
        { "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:tok,X:y",
          "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:****" },
        { "mongodb://h/?authMechanismProperties=X:y,AWS_SESSION_TOKEN%3Atok",
          "mongodb://h/?authMechanismProperties=X:y,AWS_SESSION_TOKEN%3A****" },
        { "mongodb://u:p@h/?proxyPassword=pp", "mongodb://u:****@h/?proxyPassword=****" },
        { "mongodb://h/?authMechanismProperties=AWS%5FSESSION%5FTOKEN:tok",
          "mongodb://h/?authMechanismProperties=AWS%5FSESSION%5FTOKEN:****" },
        { "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:a,AWS_SESSION_TOKEN:tok",
          "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN:****" },
        /* near misses of AWS_SESSION_TOKEN, and a token cut by a comma */
        { "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN=tok",
          "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN****" },
        { "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN-tok,X:y",
          "mongodb://h/?authMechanismProperties=AWS_SESSION_TOKEN****" },
        { "mongodb://h/?authMechanismProperties=AWS_SESION_TOKN:tok",
          "mongodb://h/?authMechanismProperties=AWS_SESION_TOKN:****" },
        { "mongodb://h/?authMechanismProperties=X:y,AWS_SESSION_TOKEN:to,ken",
          "mongodb://h/?authMechanismProperties=X:y,AWS_SESSION_TOKEN:****" },
        { "mongodb://h/?authMechanismProperies=AWS_SESSION_TOKEN:tok",
          "mongodb://h/?authMechanismProperies=AWS_SESSION_TOKEN:****" },
        /* a password without "@host", with its end cut (a NUL in a --batch line) */
        { "mongodb://alice:Pw0rd-S3CR3T", "mongodb://alice:****" },
        { "mongodb://alice:Pw0rd-S3CR3T/db", "mongodb://alice:****/db" },
        { "mongodb://h1,alice:Pw0rd", "mongodb://h1,alice:****" },
        { "mongodb://h:27017,[::1]:27018/", "mongodb://h:27017,[::1]:27018/" },
        /* a nameless option: nothing says its value is not a secret */
        { "mongodb://h/?=S3CR3T&w=1", "mongodb://h/?=****&w=1" },
        /* a '?' in the userinfo, with and without a '/' */
        { "mongodb://al?ice:s3cretpw@localhost/db?w=1", "mongodb://al?ice:****@localhost/db?w=1" },
        { "mongodb://us?r:pa?s@localhost?w=1", "mongodb://us?r:****@localhost?w=****" },
        { "mongodb://h/?authMechanismProperties=SERVICE_NAME:AWS_SESSION_TOKEN,AWS_SESSION_TOKEN:tok",
          "mongodb://h/?authMechanismProperties=SERVICE_NAME:AWS_SESSION_TOKEN,AWS_SESSION_TOKEN:****" },
        { "mongodb://h/?tlsCertificateKeyFilPassword=kp", "mongodb://h/?tlsCertificateKeyFilPassword=****" },
        { "mongodb://h/?proxyPasswrd=pp", "mongodb://h/?proxyPasswrd=****" },
        { "mongodb://h/?proxyPassword=", "mongodb://h/?proxyPassword=" },
        { "", "" },
        { "mongodb://", "mongodb://" },
    };
    return cr_make_param_array(redact_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(redact_case *c, redact, table)
{
    char *got = mongouri_redact(c->in, -1, NULL);

    cr_assert_not_null(got);
    cr_expect_str_eq(got, c->out, "redact(%s)", c->in);
    mongouri_free(got);
}

Test(redact, offset_mapping)
{
    /* "mongodb://alice:secret@h:99999" -> "mongodb://alice:****@h:99999" */
    static const char text[] = "mongodb://alice:secret@h:99999";
    static const struct { long in, out; } map[] = {
        { 0, 0 },    /* before the secret: unchanged */
        { 15, 15 },  /* the ':' */
        { 16, 16 },  /* first byte of the secret: start of the mask */
        { 20, 16 },  /* inside the secret: start of the mask */
        { 22, 20 },  /* the '@' after the secret */
        { 25, 23 },  /* the port */
        { 29, 27 },  /* the last byte */
        { 30, 28 },  /* one past the end */
        { 40, 38 },  /* far past the end: shifted alike */
    };
    long ro;

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        char *got = mongouri_redact(text, map[i].in, &ro);
        cr_assert_not_null(got);
        cr_expect_eq(ro, map[i].out, "offset %ld maps to %ld, expected %ld", map[i].in, ro,
                     map[i].out);
        mongouri_free(got);
    }
    /* offset -1: nothing to map; the out-pointer may be NULL */
    {
        char *got = mongouri_redact(text, -1, &ro);
        cr_expect_eq(ro, -1);
        mongouri_free(got);
        got = mongouri_redact(text, 5, NULL);
        cr_expect_not_null(got);
        mongouri_free(got);
    }
}

Test(redact, offset_with_two_spans)
{
    static const char text[] = "mongodb://u:pw@h/?tlsCertificateKeyFilePassword=longsecret&w=1";
    char *got;
    long ro;
    long w = offset_of(text, "&w=1");

    got = mongouri_redact(text, w, &ro);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, "mongodb://u:****@h/?tlsCertificateKeyFilePassword=****&w=1");
    cr_expect_eq(ro, offset_of(got, "&w=1"), "the '&' after both masks");
    mongouri_free(got);
}

Test(redact, error_offsets_point_at_the_same_byte)
{
    /* The caret of an error goes under the same byte of the redacted copy. */
    static const char *const inputs[] = {
        "mongodb://alice:topsecret@h:0",
        "mongodb://alice:topsecret@h/?tlsCertificateKeyFilePassword=kp&w=-5&journal=x",
        "mongodb://alice:topsecret@h/?tlsCertificateKeyFilePassword=kp&colour=x",
    };

    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
        mongouri_uri *uri = NULL;
        mongouri_error err;
        char *red;
        long ro;
        opts.flags = MONGOURI_PARSE_STRICT;
        cr_assert_neq(mongouri_uri_parse(&uri, inputs[i], &opts, &err), MONGOURI_OK);
        cr_assert_geq(err.offset, 0, "%s has an offset", inputs[i]);
        red = mongouri_redact(inputs[i], err.offset, &ro);
        cr_assert_not_null(red);
        cr_expect_eq(red[ro], inputs[i][err.offset], "%s: byte at %ld is '%c', redacted at %ld '%c'",
                     inputs[i], err.offset, inputs[i][err.offset], ro, red[ro]);
        cr_expect_null(strstr(red, "topsecret"));
        mongouri_free(red);
    }
}

Test(redact, long_inputs)
{
    size_t n = 100000;
    char *text = malloc(n + 64);
    char *got;

    cr_assert_not_null(text);
    strcpy(text, "mongodb://u:");
    memset(text + 12, 'p', n);
    strcpy(text + 12 + n, "@h/?proxyPassword=x");
    got = mongouri_redact(text, -1, NULL);
    cr_assert_not_null(got);
    cr_expect_str_eq(got, "mongodb://u:****@h/?proxyPassword=****");
    mongouri_free(got);
    free(text);
}

Test(warnings, legacy_boolean_names_the_canonical_form)
{
    mongouri_uri *uri = parse_ok("mongodb://h/?journal=yes&retryReads=0");
    const mongouri_error *w0, *w1;

    cr_assert_eq(mongouri_uri_warning_count(uri), 2u);
    w0 = mongouri_uri_warning(uri, 0);
    w1 = mongouri_uri_warning(uri, 1);
    cr_expect_eq(w0->code, MONGOURI_D_LEGACY_BOOLEAN);
    cr_expect_not_null(strstr(w0->message, "journal=true"), "%s", w0->message);
    cr_expect_str_eq(w0->option, "journal");
    cr_expect_eq(w0->offset, 13);
    cr_expect_eq(w0->source, MONGOURI_SOURCE_URI);
    cr_expect_eq(w1->code, MONGOURI_D_LEGACY_BOOLEAN);
    cr_expect_not_null(strstr(w1->message, "retryReads=false"), "%s", w1->message);
    cr_expect_eq(w1->offset, 25);
    mongouri_uri_destroy(uri);
}

/* Strict mode words a warning as a refusal when the message is built: the
 * echoed input is never rewritten, even when it says "is ignored". */
Test(strict, echoed_text_is_not_reworded)
{
    static const struct {
        const char *uri, *want;
    } cases[] = {
        {"mongodb://h/?x is ignored=1", "unknown option 'x is ignored' is refused"},
        {"mongodb://h/?compressors=zz is ignored",
         "compressors: unknown compressor 'zz is ignored' is refused"},
        {"mongodb://h/?appName=", "appname has an empty value"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mongouri_error err;
        parse_fail_kw(cases[i].uri, MONGOURI_PARSE_STRICT, NULL, &err);
        cr_expect_str_eq(err.message, cases[i].want, "%s", cases[i].uri);
        cr_expect_str_eq(err.hint, i == 2 ? "allowed: text, at most 128 bytes"
                                          : "strict mode turns this warning into an error");
    }
    /* the same keys as warnings keep their wording */
    {
        mongouri_uri *uri = parse_ok("mongodb://h/?x is ignored=1");
        cr_expect_str_eq(mongouri_uri_warning(uri, 0)->message,
                         "unknown option 'x is ignored' is ignored");
        mongouri_uri_destroy(uri);
    }
}

/* A message longer than the record is cut before a UTF-8 sequence, never
 * inside one, in strict mode and as a warning; the echoed text is intact. */
Test(strict, long_message_is_cut_on_a_utf8_boundary)
{
    /* "appName: invalid value '" (24) + "x is ignored! " (14): every 'é' then
     * starts at an even offset, so the 256-byte record ends inside one */
    static const char echo_start[] = "x is ignored! ";
    char value[300];
    size_t n = sizeof echo_start - 1;
    mongouri_error err;
    size_t bad;

    memcpy(value, echo_start, n);
    while (n + 2 < sizeof value) {
        value[n++] = '\xc3';
        value[n++] = '\xa9';
    }
    value[n] = '\0';
    for (int strict = 0; strict < 2; strict++) {
        mongouri_uri *uri = parse_ok_kw("mongodb://h", strict ? MONGOURI_PARSE_STRICT : 0, NULL);
        const char *msg;
        mongouri_status rc =
            mongouri__warn(uri, &err, MONGOURI_D_INVALID_VALUE, "appName", MONGOURI_SOURCE_URI, 13,
                           1, "%s: invalid value '%s'; the option is ignored", "appName", value);
        cr_expect_eq(rc, strict ? MONGOURI_E_OPTION : MONGOURI_OK);
        msg = strict ? err.message : mongouri_uri_warning(uri, 0)->message;
        cr_expect(mongouri__utf8_valid(msg, strlen(msg), &bad), "invalid UTF-8 at byte %zu", bad);
        cr_expect_geq(strlen(msg), sizeof err.message - 3, "cut more than one sequence");
        cr_expect_eq(strncmp(msg, "appName: invalid value 'x is ignored! \xc3\xa9", 40), 0,
                     "the echoed text is changed: %s", msg);
        mongouri_uri_destroy(uri);
    }
}

Test(review, option_name_not_utf8)
{
    static const char text[] = "mongodb://h/?ab\xff=1";
    mongouri_uri *uri = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri_uri_parse(&uri, text, NULL, &err), MONGOURI_E_SYNTAX);
    cr_expect_eq(err.code, MONGOURI_D_BAD_UTF8);
    cr_expect_eq(err.offset, 15, "the offset points at the bad byte, got %ld", err.offset);
    cr_expect_null(uri);
}

Test(review, keyword_not_utf8)
{
    mongouri_keywords *kw = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "appname", "bad\xff", &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_BAD_UTF8);
    cr_expect_eq(mongouri_keywords_count(kw), 0u);
    mongouri_keywords_destroy(kw);
}

Test(review, warnings_are_bounded)
{
    /* 5000 unknown options: memory stays bounded, the last warning counts the rest */
    size_t n = 5000;
    char *text = malloc(16 + n * 4);
    size_t len;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    const mongouri_error *last;

    cr_assert_not_null(text);
    len = (size_t)sprintf(text, "mongodb://h/?");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "x=1&");
    cr_assert_eq(mongouri_uri_parse(&uri, text, NULL, &err), MONGOURI_OK);
    cr_expect_eq(mongouri_uri_warning_count(uri), 64u);
    last = mongouri_uri_warning(uri, 63);
    cr_assert_not_null(last);
    cr_expect_eq(last->code, MONGOURI_D_LIMIT);
    cr_expect_not_null(strstr(last->message, "4937 more warnings"), "%s", last->message);
    mongouri_uri_destroy(uri);
    free(text);
}

Test(review, json_is_utf8_for_invalid_input)
{
    static const char text[] = "mongodb://h\xff/";
    mongouri_uri *uri = NULL;
    mongouri_error err;
    char *json;
    size_t bad;

    cr_assert_neq(mongouri_uri_parse(&uri, text, NULL, &err), MONGOURI_OK);
    json = mongouri_json_render(text, NULL, &err, 0);
    cr_assert_not_null(json);
    cr_expect(mongouri__utf8_valid(json, strlen(json), &bad), "invalid UTF-8 at %zu: %s", bad, json);
    cr_expect_not_null(strstr(json, "\xEF\xBF\xBD"), "the bad byte is shown as U+FFFD: %s", json);
    mongouri_free(json);
}

Test(review, redaction_after_stray_at_and_question_mark)
{
    static const char *const leaky[] = {
        "mongodb://h/?a@b=1&proxyHost=p&proxyUsername=u&proxyPassword=s3cretPass",
        "mongodb://h/?a@b&proxyPassword=s3cretPass",
        "mongodb://a:pa?ss@h/?proxyPassword=s3cretPass",
        "mongodb://a:p?tlsCertificateKeyFilePassword=s3cretPass@h",
    };

    for (size_t i = 0; i < sizeof leaky / sizeof leaky[0]; i++) {
        char *red = mongouri_redact(leaky[i], -1, NULL);
        cr_assert_not_null(red);
        cr_expect_null(strstr(red, "s3cret"), "%s -> %s", leaky[i], red);
        mongouri_free(red);
    }
}

Test(api, wipe_zeroes_exactly_the_bytes_given)
{
    char buf[12] = "s3cret:pass";

    mongouri_wipe(buf, 6);
    for (size_t i = 0; i < 6; i++)
        cr_expect_eq(buf[i], 0, "byte %zu wiped", i);
    cr_expect_str_eq(buf + 6, ":pass", "the bytes after n are left as they were");
    mongouri_wipe(buf + 6, 0);
    cr_expect_str_eq(buf + 6, ":pass", "n = 0 changes nothing");
    mongouri_wipe(NULL, 8); /* a no-op */
}
