/*
 * Cross-option rules. The TLS conflict matrix is checked exhaustively: every
 * ordered pair of the TLS options that relax or select checks, with both
 * values, in the URI, as keyword + URI, and as two keywords (refused when
 * set). Conflicts are presence-based and name both options.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>

#include "rules_int.h"
#include "unit.h"

enum { I, C, H, O, R, L, A, NOPTS };

static const char *const names[NOPTS] = {
    "tlsInsecure", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames",
    "tlsDisableOCSPEndpointCheck", "tlsDisableCertificateRevocationCheck", "tlsCRLFile",
    "tlsCAFile",
};

/* The policy: the specification's seven pairs, and a CRL file against the
 * four options that turn verification or revocation off. */
static mongouri_diag expected_conflict(int a, int b)
{
    static const struct { int a, b; mongouri_diag d; } pairs[] = {
        { I, C, MONGOURI_D_TLS_CONFLICT }, { I, H, MONGOURI_D_TLS_CONFLICT },
        { I, O, MONGOURI_D_TLS_CONFLICT }, { I, R, MONGOURI_D_TLS_CONFLICT },
        { C, O, MONGOURI_D_TLS_CONFLICT }, { C, R, MONGOURI_D_TLS_CONFLICT },
        { O, R, MONGOURI_D_TLS_CONFLICT },
        { L, I, MONGOURI_D_REVOCATION_CONFLICT }, { L, C, MONGOURI_D_REVOCATION_CONFLICT },
        { L, R, MONGOURI_D_REVOCATION_CONFLICT }, { L, O, MONGOURI_D_REVOCATION_CONFLICT },
    };

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if ((pairs[i].a == a && pairs[i].b == b) || (pairs[i].a == b && pairs[i].b == a))
            return pairs[i].d;
    return MONGOURI_D_NONE;
}

static const char *value_of(int opt, bool v)
{
    if (opt == L)
        return "ca.crl";
    if (opt == A)
        return "ca.pem";
    return v ? "true" : "false";
}

typedef struct pair_case {
    int a, b;     /* a first, b second */
    bool va, vb;
} pair_case;


ParameterizedTestParameters(matrix, uri)
{
    static pair_case pair_cases[NOPTS * (NOPTS - 1) * 2];
    size_t n = 0;

    for (int a = 0; a < NOPTS; a++)
        for (int b = 0; b < NOPTS; b++) {
            if (a == b)
                continue;
            pair_cases[n++] = (pair_case){ a, b, true, (a + b) % 2 == 0 };
            pair_cases[n++] = (pair_case){ a, b, false, (a + b) % 2 != 0 };
        }
    return cr_make_param_array(pair_case, pair_cases, n);
}

static void check_conflict_error(const mongouri_error *err, const char *text, int a, int b,
                                 mongouri_diag want)
{
    cr_expect_eq(err->status, MONGOURI_E_CONFLICT, "%s: status %s", text,
                 mongouri_strerror(err->status));
    cr_expect_eq(err->code, want, "%s: diag %s, expected %s", text, mongouri_diag_name(err->code),
                 mongouri_diag_name(want));
    cr_expect_not_null(strstr(err->message, names[a]), "%s: the message names %s: %s", text,
                       names[a], err->message);
    cr_expect_not_null(strstr(err->message, names[b]), "%s: the message names %s: %s", text,
                       names[b], err->message);
}

ParameterizedTest(pair_case *c, matrix, uri)
{
    char text[256];
    mongouri_diag want = expected_conflict(c->a, c->b);
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    snprintf(text, sizeof text, "mongodb://h/?appname=x&%s=%s&%s=%s", names[c->a],
             value_of(c->a, c->va), names[c->b], value_of(c->b, c->vb));
    rc = mongouri_uri_parse(&uri, text, NULL, &err);
    if (want == MONGOURI_D_NONE) {
        cr_expect_eq(rc, MONGOURI_OK, "%s: no conflict expected, got [%s] %s", text,
                     mongouri_diag_name(err.code), err.message);
        cr_expect(mongouri_tls_enabled(mongouri_uri_tls(uri)), "%s: TLS is implied", text);
        mongouri_uri_destroy(uri);
        return;
    }
    cr_assert_eq(rc, MONGOURI_E_CONFLICT, "%s: a conflict expected", text);
    cr_expect_null(uri);
    check_conflict_error(&err, text, c->a, c->b, want);
    /* the later option is the one pointed at */
    cr_expect_str_eq(err.option, names[c->b], "%s: option", text);
    cr_expect_eq(err.offset, offset_of(text, names[c->b]), "%s: offset %ld", text, err.offset);
    cr_expect_eq(err.source, MONGOURI_SOURCE_URI, "%s: source", text);
    /* strict mode does not change a conflict */
    {
        mongouri_error err2;
        parse_fail_kw(text, MONGOURI_PARSE_STRICT, NULL, &err2);
        cr_expect_eq(err2.code, want, "%s: strict diag %s", text, mongouri_diag_name(err2.code));
    }
}

ParameterizedTestParameters(matrix, keyword_and_uri)
{
    static pair_case pair_cases[NOPTS * (NOPTS - 1)];
    size_t n = 0;

    for (int a = 0; a < NOPTS; a++)
        for (int b = 0; b < NOPTS; b++)
            if (a != b)
                pair_cases[n++] = (pair_case){ a, b, (a * 3 + b) % 2 == 0, (a + b) % 3 == 0 };
    return cr_make_param_array(pair_case, pair_cases, n);
}

ParameterizedTest(pair_case *c, matrix, keyword_and_uri)
{
    char text[256];
    mongouri_diag want = expected_conflict(c->a, c->b);
    mongouri_keywords *kw = NULL;
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, names[c->a], value_of(c->a, c->va), &err), MONGOURI_OK,
                 "%s alone is a valid keyword: %s", names[c->a], err.message);
    snprintf(text, sizeof text, "mongodb://h/?%s=%s", names[c->b], value_of(c->b, c->vb));
    opts.keywords = kw;
    rc = mongouri_uri_parse(&uri, text, &opts, &err);
    if (want == MONGOURI_D_NONE) {
        cr_expect_eq(rc, MONGOURI_OK, "keyword %s + %s: no conflict expected, got %s", names[c->a],
                     text, err.message);
    } else {
        cr_expect_eq(rc, MONGOURI_E_CONFLICT, "keyword %s + %s: a conflict expected", names[c->a],
                     text);
        check_conflict_error(&err, text, c->a, c->b, want);
        cr_expect_str_eq(err.option, names[c->b], "%s: option", text);
        cr_expect_eq(err.offset, 13, "%s: offset of the URI option", text);
        cr_expect_eq(err.source, MONGOURI_SOURCE_URI, "%s: source", text);
        cr_expect_not_null(strstr(err.message, "keyword"), "the message says where %s came from: %s",
                           names[c->a], err.message);
    }
    mongouri_uri_destroy(uri);
    mongouri_keywords_destroy(kw);
}

ParameterizedTestParameters(matrix, keywords_at_set_time)
{
    static pair_case pair_cases[NOPTS * (NOPTS - 1)];
    size_t n = 0;

    for (int a = 0; a < NOPTS; a++)
        for (int b = 0; b < NOPTS; b++)
            if (a != b)
                pair_cases[n++] = (pair_case){ a, b, (a + b) % 2 == 0, true };
    return cr_make_param_array(pair_case, pair_cases, n);
}

ParameterizedTest(pair_case *c, matrix, keywords_at_set_time)
{
    mongouri_diag want = expected_conflict(c->a, c->b);
    mongouri_keywords *kw = NULL;
    mongouri_error err;
    mongouri_status rc;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, names[c->a], value_of(c->a, c->va), &err), MONGOURI_OK);
    rc = mongouri_keywords_set(kw, names[c->b], value_of(c->b, c->vb), &err);
    if (want == MONGOURI_D_NONE) {
        cr_expect_eq(rc, MONGOURI_OK, "%s then %s: no conflict expected, got %s", names[c->a],
                     names[c->b], err.message);
        cr_expect_eq(mongouri_keywords_count(kw), 2u);
    } else {
        cr_expect_eq(rc, MONGOURI_E_CONFLICT, "%s then %s: refused", names[c->a], names[c->b]);
        check_conflict_error(&err, names[c->b], c->a, c->b, want);
        cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD, "the error is about a keyword");
        cr_expect_eq(err.offset, -1, "a keyword has no offset");
        cr_expect_eq(mongouri_keywords_count(kw), 1u, "the refused option is not added");
    }
    mongouri_keywords_destroy(kw);
}

Test(matrix, refused_keyword_is_named)
{
    /* When a keyword is refused, the error's option is the one being set. */
    mongouri_keywords *kw = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "tlsAllowInvalidCertificates", "true", &err),
                 MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "tlsInsecure", "true", &err), MONGOURI_E_CONFLICT);
    cr_expect_str_eq(err.option, "tlsInsecure");
    mongouri_keywords_destroy(kw);
}

Test(matrix, alias_spelling_in_message)
{
    mongouri_error err;
    const char *text = "mongodb://h/?tlsInsecure=true&sslAllowInvalidHostnames=true";

    parse_fail(text, &err);
    cr_expect_eq(err.code, MONGOURI_D_TLS_CONFLICT);
    cr_expect_str_eq(err.option, "tlsAllowInvalidHostnames", "the canonical name");
    cr_expect_eq(err.offset, offset_of(text, "sslAllow"));
    cr_expect_not_null(strstr(err.message, "sslAllowInvalidHostnames"),
                       "the message uses the name as written: %s", err.message);
}

Test(matrix, three_options_one_error)
{
    mongouri_error err;

    parse_fail("mongodb://h/?tlsInsecure=true&tlsAllowInvalidCertificates=true"
               "&tlsAllowInvalidHostnames=true", &err);
    cr_expect_eq(err.code, MONGOURI_D_TLS_CONFLICT);
    cr_expect_neq(err.message[0], '\0');
}

Test(tls_ssl, disagreement)
{
    static const char *const bad[] = {
        "mongodb://h/?tls=true&ssl=false", "mongodb://h/?ssl=false&tls=true",
        "mongodb://h/?tls=true&tls=false", "mongodb://h/?ssl=true&ssl=false",
        "mongodb://h/?tls=false&appname=a&ssl=true",
    };
    static const char *const good[] = {
        "mongodb://h/?tls=true&ssl=true", "mongodb://h/?ssl=false&tls=false",
        "mongodb://h/?tls=TRUE&ssl=true&tls=True",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mongouri_error err;
        const char *second = strrchr(bad[i], '&') + 1;
        parse_fail(bad[i], &err);
        cr_expect_eq(err.status, MONGOURI_E_CONFLICT, "%s", bad[i]);
        cr_expect_eq(err.code, MONGOURI_D_TLS_DISAGREE, "%s", bad[i]);
        cr_expect_str_eq(err.option, "tls", "%s", bad[i]);
        cr_expect_eq(err.offset, (long)(second - bad[i]), "%s: offset of the contradiction",
                     bad[i]);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mongouri_uri *uri = parse_ok(good[i]);
        cr_expect_eq(mongouri_uri_warning_count(uri), 0u, "%s: agreeing values are silent", good[i]);
        mongouri_uri_destroy(uri);
    }
}

typedef struct rule_case {
    char uri[112];
    mongouri_diag diag;
    char option[40];
} rule_case;

/* Offset of the last "name=" in `text`. */
static long last_offset_of(const char *text, const char *name)
{
    char key[48];
    const char *p, *last = NULL;

    snprintf(key, sizeof key, "%s=", name);
    for (p = strstr(text, key); p != NULL; p = strstr(p + 1, key))
        last = p;
    cr_assert_not_null(last, "%s not in %s", key, text);
    return (long)(last - text);
}

ParameterizedTestParameters(rules, other_errors)
{
    static rule_case cases[] = {
        { "mongodb://a,b/?directConnection=true", MONGOURI_D_DIRECT_CONNECTION, "directConnection" },
        { "mongodb+srv://c.example.com/?directConnection=true", MONGOURI_D_DIRECT_CONNECTION,
          "directConnection" },
        { "mongodb://a,b/?loadBalanced=true", MONGOURI_D_LOAD_BALANCED, "loadBalanced" },
        { "mongodb://a/?loadBalanced=true&replicaSet=r", MONGOURI_D_LOAD_BALANCED, "replicaSet" },
        { "mongodb://a/?directConnection=true&loadBalanced=true", MONGOURI_D_LOAD_BALANCED,
          "loadBalanced" },
        { "mongodb://a/?srvMaxHosts=1", MONGOURI_D_SRV_ONLY, "srvMaxHosts" },
        { "mongodb://a/?srvServiceName=x", MONGOURI_D_SRV_ONLY, "srvServiceName" },
        /* both: srvServiceName is reported, in either order */
        { "mongodb://a/?srvMaxHosts=1&srvServiceName=x", MONGOURI_D_SRV_ONLY, "srvServiceName" },
        { "mongodb://a/?srvServiceName=x&srvMaxHosts=1", MONGOURI_D_SRV_ONLY, "srvServiceName" },
        { "mongodb+srv://c.example.com/?replicaSet=r&srvMaxHosts=1", MONGOURI_D_SRV_MAX_HOSTS,
          "srvMaxHosts" },
        { "mongodb+srv://c.example.com/?loadBalanced=true&srvMaxHosts=1", MONGOURI_D_SRV_MAX_HOSTS,
          "srvMaxHosts" },
        { "mongodb://a/?proxyPort=1", MONGOURI_D_PROXY, "proxyPort" },
        { "mongodb://a/?proxyHost=p&proxyUsername=u", MONGOURI_D_PROXY, "proxyUsername" },
        { "mongodb://a/?proxyHost=p&proxyPassword=x", MONGOURI_D_PROXY, "proxyPassword" },
        { "mongodb://a/?proxyHost=p&proxyHost=p", MONGOURI_D_PROXY, "proxyHost" },
        { "mongodb://a/?readPreferenceTags=a:b", MONGOURI_D_READ_PREFERENCE, "readPreferenceTags" },
        { "mongodb://a/?maxStalenessSeconds=100", MONGOURI_D_READ_PREFERENCE, "maxStalenessSeconds" },
        { "mongodb://a/?minPoolSize=2&maxPoolSize=1", MONGOURI_D_POOL, "maxPoolSize" },
    };
    return cr_make_param_array(rule_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(rule_case *c, rules, other_errors)
{
    mongouri_error err;

    parse_fail(c->uri, &err);
    cr_expect_eq(err.status, MONGOURI_E_CONFLICT, "%s: status %s", c->uri,
                 mongouri_strerror(err.status));
    cr_expect_eq(err.code, c->diag, "%s: diag %s, expected %s", c->uri,
                 mongouri_diag_name(err.code), mongouri_diag_name(c->diag));
    cr_expect_str_eq(err.option, c->option, "%s: option", c->uri);
    cr_expect_eq(err.offset, last_offset_of(c->uri, c->option),
                 "%s: offset %ld (the later of the options involved)", c->uri, err.offset);
    cr_expect_eq(err.source, MONGOURI_SOURCE_URI, "%s: source", c->uri);
}

Test(rules, srv_only_options_name_themselves)
{
    /* Every option flagged srv-only in the table is refused with mongodb://,
     * from the URI or a keyword; of two, srvServiceName is reported. */
    mongouri_keywords *kw = NULL;
    mongouri_error err;

    parse_fail("mongodb://a/?srvMaxHosts=0", &err);
    cr_expect_str_eq(err.message, "srvMaxHosts is only valid with mongodb+srv://");
    parse_fail("mongodb://a/?srvMaxHosts=2&srvServiceName=custom", &err);
    cr_expect_str_eq(err.message, "srvServiceName is only valid with mongodb+srv://");
    cr_expect_eq(err.offset, (long)strlen("mongodb://a/?srvMaxHosts=2&"));
    for (size_t i = 0; i < mongouri_option_count(); i++) {
        const mongouri_option_info *o = mongouri_option_at(i);
        char uri[96];
        if (!(o->flags & MONGOURI_OPTION_SRV_ONLY))
            continue;
        snprintf(uri, sizeof uri, "mongodb://a/?%s=1", o->name);
        parse_fail(uri, &err);
        cr_expect_eq(err.code, MONGOURI_D_SRV_ONLY, "%s", uri);
        cr_expect_str_eq(err.option, o->name, "%s", uri);
    }
    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "srvMaxHosts", "2", NULL), MONGOURI_OK);
    parse_fail_kw("mongodb://a/?srvServiceName=custom", 0, kw, &err);
    cr_expect_eq(err.code, MONGOURI_D_SRV_ONLY);
    cr_expect_str_eq(err.option, "srvServiceName");
    cr_expect_eq(err.source, MONGOURI_SOURCE_URI);
    parse_fail_kw("mongodb://a", 0, kw, &err);
    cr_expect_str_eq(err.option, "srvMaxHosts");
    cr_expect_eq(err.source, MONGOURI_SOURCE_KEYWORD);
    cr_expect_eq(err.offset, -1);
    mongouri_keywords_destroy(kw);
}

Test(rules, tls_false_warnings_name_each_option)
{
    mongouri_uri *uri = parse_ok("mongodb://h/?tls=false&tlsCAFile=a&tlsInsecure=true");

    cr_assert_eq(mongouri_uri_warning_count(uri), 2u);
    for (size_t i = 0; i < 2; i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);
        cr_expect_eq(w->code, MONGOURI_D_TLS_IGNORED);
        cr_expect_eq(w->status, MONGOURI_OK, "a warning has status OK");
        cr_expect_not_null(strstr(w->message, w->option), "\"%s\" names %s", w->message, w->option);
    }
    cr_expect_str_eq(mongouri_uri_warning(uri, 0)->option, "tlsCAFile");
    cr_expect_eq(mongouri_uri_warning(uri, 0)->offset, 23);
    cr_expect_str_eq(mongouri_uri_warning(uri, 1)->option, "tlsInsecure");
    cr_expect_not(mongouri_tls_enabled(mongouri_uri_tls(uri)));
    cr_expect_null(mongouri_tls_ca_file(mongouri_uri_tls(uri)));
    mongouri_uri_destroy(uri);
}

/* Of several conflicting TLS options, the first pair of the policy's table
 * is reported (tlsInsecure against tlsAllowInvalidCertificates before either
 * against tlsCRLFile), whatever the order in the URI. */
Test(matrix, first_pair_of_the_table_wins)
{
    mongouri_error err;
    const char *text = "mongodb://h/?tlsCRLFile=a.crl&tlsAllowInvalidCertificates=true"
                       "&tlsInsecure=false";

    parse_fail(text, &err);
    cr_expect_eq(err.code, MONGOURI_D_TLS_CONFLICT);
    cr_expect_str_eq(err.option, "tlsInsecure");
    cr_expect_eq(err.offset, offset_of(text, "tlsInsecure"));
    cr_expect_str_eq(err.message,
                     "tlsInsecure (URI) and tlsAllowInvalidCertificates (URI) cannot be used "
                     "together: both decide whether certificates are checked, and the "
                     "specification forbids giving both, whatever their values");
    cr_expect_str_eq(err.hint, "remove one of tlsInsecure and tlsAllowInvalidCertificates");
    parse_fail("mongodb://h/?tlsDisableOCSPEndpointCheck=true&tlsCRLFile=a.crl", &err);
    cr_expect_eq(err.code, MONGOURI_D_REVOCATION_CONFLICT);
    cr_expect_str_eq(err.option, "tlsCRLFile", "the later of the two is pointed at");
}

/* The rules run in a fixed order: the TLS rules (here tls=false, which is
 * an error in strict mode) before the topology rules. */
Test(rules, order_of_the_rule_groups)
{
    mongouri_error err;
    mongouri_uri *uri;

    parse_fail_kw("mongodb://h/?tls=false&tlsCAFile=a&srvMaxHosts=1", MONGOURI_PARSE_STRICT, NULL,
                  &err);
    cr_expect_eq(err.code, MONGOURI_D_TLS_IGNORED);
    cr_expect_str_eq(err.option, "tlsCAFile");
    parse_fail("mongodb://h/?tls=false&tlsCAFile=a&srvMaxHosts=1", &err);
    cr_expect_eq(err.code, MONGOURI_D_SRV_ONLY);
    parse_fail("mongodb://h/?w=0&journal=true&tlsInsecure=true&tlsAllowInvalidHostnames=true",
               &err);
    cr_expect_eq(err.code, MONGOURI_D_WRITE_CONCERN, "the write concern is checked first");
    parse_fail("mongodb://a,b/?proxyPort=1&directConnection=true", &err);
    cr_expect_eq(err.code, MONGOURI_D_DIRECT_CONNECTION, "topology before the proxy");
    parse_fail("mongodb://a/?maxStalenessSeconds=100&proxyPort=1", &err);
    cr_expect_eq(err.code, MONGOURI_D_PROXY, "the proxy before the read preference");
    parse_fail("mongodb://a/?minPoolSize=2&maxPoolSize=1&readPreferenceTags=a:b", &err);
    cr_expect_eq(err.code, MONGOURI_D_READ_PREFERENCE, "the read preference before the pool");
    /* no rule fires on options without their partner */
    uri = parse_ok("mongodb://a/?minPoolSize=2&w=0&readPreference=secondary&replicaSet=r");
    cr_expect_eq(mongouri_uri_warning_count(uri), 0u);
    mongouri_uri_destroy(uri);
}

/* TLS settings of options given only as keywords, or given twice: each field
 * names its source; TLS is implied by the keyword option first, else by the
 * URI option whose (last) value comes first. */
Test(tls_settings, keyword_only_and_repeated_options)
{
    mongouri_keywords *kw = NULL;
    mongouri_uri *uri;
    const mongouri_tls_settings *t;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "tlsAllowInvalidHostnames", "true", NULL), MONGOURI_OK);
    cr_assert_eq(mongouri_keywords_set(kw, "tlsCRLFile", "k.crl", NULL), MONGOURI_OK);
    uri = parse_ok_kw("mongodb://h/?tlsCAFile=a.pem", 0, kw);
    t = mongouri_uri_tls(uri);
    cr_expect(mongouri_tls_enabled(t));
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_ENABLED), MONGOURI_SOURCE_IMPLIED);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_ENABLED),
                     "implied by tlsAllowInvalidHostnames");
    cr_expect_not(mongouri_tls_verify_hostnames(t));
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_VERIFY_HOSTNAMES), MONGOURI_SOURCE_KEYWORD);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_HOSTNAMES),
                     "keyword tlsAllowInvalidHostnames");
    cr_expect(mongouri_tls_verify_certificates(t));
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_CERTIFICATES), "default");
    cr_expect_str_eq(mongouri_tls_crl_file(t), "k.crl");
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_CRL_FILE), "keyword tlsCRLFile");
    cr_expect_eq(mongouri_tls_revocation(t), MONGOURI_REVOCATION_CRL);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_REVOCATION),
                     "implied by tlsCRLFile");
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_CA_FILE), "URI option tlsCAFile");
    cr_expect_eq(mongouri_tls_source(t, MONGOURI_TLS_CERTIFICATE_KEY_FILE),
                 MONGOURI_SOURCE_DEFAULT);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_CERTIFICATE_KEY_FILE), "default");
    mongouri_uri_destroy(uri);
    mongouri_keywords_destroy(kw);

    /* repeated: the value (the last occurrence) decides the order */
    uri = parse_ok("mongodb://h/?tlsAllowInvalidHostnames=true&tlsCAFile=a.pem"
                   "&tlsAllowInvalidHostnames=false");
    t = mongouri_uri_tls(uri);
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_ENABLED), "implied by tlsCAFile");
    cr_expect(mongouri_tls_verify_hostnames(t));
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_HOSTNAMES),
                     "URI option tlsAllowInvalidHostnames");
    mongouri_uri_destroy(uri);

    /* an invalid value (a warning) implies nothing */
    uri = parse_ok("mongodb://h/?tlsAllowInvalidHostnames=maybe");
    t = mongouri_uri_tls(uri);
    cr_expect_not(mongouri_tls_enabled(t));
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_ENABLED),
                     "default: off for mongodb://");
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_REVOCATION), "implied by TLS off");
    cr_expect_str_eq(mongouri_tls_source_detail(t, MONGOURI_TLS_VERIFY_HOSTNAMES), "default");
    mongouri_uri_destroy(uri);
}

/* The settings of a URI without any option: every field at its default. */
Test(tls_settings, no_options)
{
    static const char *const want[MONGOURI_TLS__FIELDS] = {
        [MONGOURI_TLS_ENABLED] = "default: off for mongodb://",
        [MONGOURI_TLS_REVOCATION] = "implied by TLS off",
    };
    mongouri_uri *uri = parse_ok("mongodb://localhost");
    const mongouri_tls_settings *t = mongouri_uri_tls(uri);

    cr_expect_not(mongouri_tls_enabled(t));
    cr_expect_not(mongouri_tls_verify_certificates(t));
    cr_expect_not(mongouri_tls_verify_hostnames(t));
    cr_expect_eq(mongouri_tls_revocation(t), MONGOURI_REVOCATION_NONE);
    for (int f = 0; f < MONGOURI_TLS__FIELDS; f++) {
        mongouri_source s = f == MONGOURI_TLS_REVOCATION ? MONGOURI_SOURCE_IMPLIED
                                                         : MONGOURI_SOURCE_DEFAULT;
        cr_expect_eq(mongouri_tls_source(t, (mongouri_tls_field)f), s, "field %d", f);
        cr_expect_str_eq(mongouri_tls_source_detail(t, (mongouri_tls_field)f),
                         want[f] != NULL ? want[f] : "default", "field %d", f);
    }
    cr_expect_null(mongouri_tls_ca_file(t));
    cr_expect_null(mongouri_tls_crl_file(t));
    cr_expect_not(mongouri_uri_has_credential(uri));
    cr_expect_null(mongouri_uri_auth_mechanism(uri));
    cr_expect_null(mongouri_uri_auth_source(uri));
    mongouri_uri_destroy(uri);
}

/* Rules that only options of a TXT record can set off (D.3, D.4). */
Test(rules, txt_options_are_checked)
{
    static const char *const hosts[] = {"a.example.com", "b.example.com"};
    static const uint16_t ports[] = {27017, 27017};
    static const char *text = "mongodb+srv://c.example.com/";
    mongouri__srv_answer two = {2, hosts, ports, "loadBalanced=true", NULL, NULL};
    mongouri__srv_answer one = {1, hosts, ports, "loadBalanced=true&replicaSet=r", NULL, NULL};
    mongouri__srv_answer src = {1, hosts, ports, "authSource=users", NULL, NULL};
    mongouri_uri *uri = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri__build(&uri, text, strlen(text), 0, NULL, &two, &err),
                 MONGOURI_E_CONFLICT);
    cr_expect_eq(err.code, MONGOURI_D_LOAD_BALANCED);
    cr_expect_str_eq(err.message, "loadBalanced=true needs exactly one SRV record");
    cr_expect_eq(err.source, MONGOURI_SOURCE_TXT);
    cr_expect_eq(err.offset, -1);
    cr_assert_eq(mongouri__build(&uri, text, strlen(text), 0, NULL, &one, &err),
                 MONGOURI_E_CONFLICT);
    cr_expect_eq(err.code, MONGOURI_D_LOAD_BALANCED);
    cr_expect_str_eq(err.option, "replicaSet");
    cr_expect_str_eq(err.message, "loadBalanced (TXT record) and replicaSet (TXT record) cannot "
                                  "be used together: a load balancer hides the replica set");
    cr_assert_eq(mongouri__build(&uri, "mongodb+srv://u:p@c.example.com/",
                                 strlen("mongodb+srv://u:p@c.example.com/"), 0, NULL, &src, &err),
                 MONGOURI_OK);
    cr_expect_str_eq(mongouri_uri_auth_source(uri), "users");
    cr_expect_str_eq(mongouri_tls_source_detail(mongouri_uri_tls(uri), MONGOURI_TLS_ENABLED),
                     "implied by mongodb+srv");
    mongouri_uri_destroy(uri);
}

/* The masks the rules and the TLS settings test are those of the table's flags. */
Test(rules, option_masks_follow_the_table)
{
    uint64_t tls = 0, srv = 0;

    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        if (mongouri__options[id].info.flags & MONGOURI_OPTION_TLS)
            tls |= MONGOURI__BIT(id);
        if (mongouri__options[id].info.flags & MONGOURI_OPTION_SRV_ONLY)
            srv |= MONGOURI__BIT(id);
    }
    cr_expect_eq(mongouri__mask_tls, tls);
    cr_expect_eq(mongouri__mask_srv_only, srv);
    cr_expect_eq(srv, MONGOURI__BIT(MONGOURI_OPT_SRVMAXHOSTS) |
                          MONGOURI__BIT(MONGOURI_OPT_SRVSERVICENAME));
    cr_expect(tls & MONGOURI__BIT(MONGOURI_OPT_TLSCRLFILE));
    cr_expect_not(tls & MONGOURI__BIT(MONGOURI_OPT_TLS), "tls itself is not flagged");
}
