/*
 * The option table: 49 options (the 48 of the URI-options specification,
 * where ssl is the alias of tls, plus tlsCRLFile), their types, flags,
 * ranges and aliases; the sorted lookup table; "did you mean" suggestions.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define SECRET MONGOURI_OPTION_SECRET
#define TLS MONGOURI_OPTION_TLS
#define SRV MONGOURI_OPTION_SRV_ONLY
#define EXT MONGOURI_OPTION_EXTENSION
#define PATH MONGOURI_OPTION_PATH
#define TXT MONGOURI_OPTION_TXT_ALLOWED

typedef struct expected_option {
    const char *name;
    mongouri_option_type type;
    unsigned int flags;
    const char *aliases;
    int64_t min, max; /* integers only */
} expected_option;

#define I32 INT32_MAX
#define I64 INT64_MAX

/* In the order of mongouri__opt, which is alphabetical by lower-case name. */
static const expected_option expected[] = {
    { "appname", MONGOURI_TYPE_STRING, 0, NULL, 0, 0 },
    { "authMechanism", MONGOURI_TYPE_ENUM, 0, NULL, 0, 0 },
    { "authMechanismProperties", MONGOURI_TYPE_KEYVALUE, 0, "gssapiServiceName", 0, 0 },
    { "authSource", MONGOURI_TYPE_STRING, TXT, NULL, 0, 0 },
    { "compressors", MONGOURI_TYPE_LIST, 0, NULL, 0, 0 },
    { "connectTimeoutMS", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "directConnection", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "enableOverloadRetargeting", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "heartbeatFrequencyMS", MONGOURI_TYPE_INT, 0, NULL, 500, I32 },
    { "journal", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "loadBalanced", MONGOURI_TYPE_BOOL, TXT, NULL, 0, 0 },
    { "localThresholdMS", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "maxAdaptiveRetries", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "maxConnecting", MONGOURI_TYPE_INT, 0, NULL, 1, I32 },
    { "maxIdleTimeMS", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "maxPoolSize", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "maxStalenessSeconds", MONGOURI_TYPE_INT, 0, NULL, -1, I32 },
    { "minPoolSize", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "proxyHost", MONGOURI_TYPE_STRING, 0, NULL, 0, 0 },
    { "proxyPassword", MONGOURI_TYPE_STRING, SECRET, NULL, 0, 0 },
    { "proxyPort", MONGOURI_TYPE_INT, 0, NULL, 1, 65535 },
    { "proxyUsername", MONGOURI_TYPE_STRING, 0, NULL, 0, 0 },
    { "readConcernLevel", MONGOURI_TYPE_STRING, 0, NULL, 0, 0 },
    { "readPreference", MONGOURI_TYPE_ENUM, 0, NULL, 0, 0 },
    { "readPreferenceTags", MONGOURI_TYPE_TAGSETS, 0, NULL, 0, 0 },
    { "replicaSet", MONGOURI_TYPE_STRING, TXT, NULL, 0, 0 },
    { "retryReads", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "retryWrites", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "serverMonitoringMode", MONGOURI_TYPE_ENUM, 0, NULL, 0, 0 },
    { "serverSelectionTimeoutMS", MONGOURI_TYPE_INT, 0, NULL, 1, I32 },
    { "serverSelectionTryOnce", MONGOURI_TYPE_BOOL, 0, NULL, 0, 0 },
    { "socketTimeoutMS", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "srvMaxHosts", MONGOURI_TYPE_INT, SRV, NULL, 0, I32 },
    { "srvServiceName", MONGOURI_TYPE_STRING, SRV, NULL, 0, 0 },
    { "timeoutMS", MONGOURI_TYPE_INT, 0, NULL, 0, I64 },
    { "tls", MONGOURI_TYPE_BOOL, 0, "ssl", 0, 0 },
    { "tlsAllowInvalidCertificates", MONGOURI_TYPE_BOOL, TLS, "sslAllowInvalidCertificates", 0, 0 },
    { "tlsAllowInvalidHostnames", MONGOURI_TYPE_BOOL, TLS, "sslAllowInvalidHostnames", 0, 0 },
    { "tlsCAFile", MONGOURI_TYPE_STRING, TLS | PATH, "sslCertificateAuthorityFile", 0, 0 },
    { "tlsCertificateKeyFile", MONGOURI_TYPE_STRING, TLS | PATH, "sslClientCertificateKeyFile", 0, 0 },
    { "tlsCertificateKeyFilePassword", MONGOURI_TYPE_STRING, TLS | SECRET,
      "sslClientCertificateKeyPassword", 0, 0 },
    { "tlsCRLFile", MONGOURI_TYPE_STRING, TLS | EXT | PATH, NULL, 0, 0 },
    { "tlsDisableCertificateRevocationCheck", MONGOURI_TYPE_BOOL, TLS, NULL, 0, 0 },
    { "tlsDisableOCSPEndpointCheck", MONGOURI_TYPE_BOOL, TLS, NULL, 0, 0 },
    { "tlsInsecure", MONGOURI_TYPE_BOOL, TLS, NULL, 0, 0 },
    { "w", MONGOURI_TYPE_W, 0, NULL, 0, I32 },
    { "waitQueueTimeoutMS", MONGOURI_TYPE_INT, 0, NULL, 0, I32 },
    { "wTimeoutMS", MONGOURI_TYPE_INT, 0, "wtimeout", 0, I64 },
    { "zlibCompressionLevel", MONGOURI_TYPE_INT, 0, NULL, -1, 9 },
};

#define NEXPECTED (sizeof expected / sizeof expected[0])

Test(options, count)
{
    cr_assert_eq(NEXPECTED, 49u);
    cr_assert_eq(mongouri_option_count(), 49u, "48 specification options + tlsCRLFile");
    cr_assert_eq(MONGOURI_OPT__COUNT, 49);
    cr_expect_null(mongouri_option_at(49));
    cr_expect_null(mongouri_option_at((size_t)-1));
}

Test(options, table_matches)
{
    for (size_t i = 0; i < NEXPECTED; i++) {
        const mongouri_option_info *info = mongouri_option_at(i);
        const expected_option *e = &expected[i];
        cr_assert_not_null(info, "option %zu", i);
        cr_expect_str_eq(info->name, e->name, "option %zu is %s, expected %s", i, info->name,
                         e->name);
        cr_expect_eq(info->type, e->type, "%s: type %s, expected %s", e->name,
                     mongouri_option_type_name(info->type), mongouri_option_type_name(e->type));
        cr_expect_eq(info->flags & ~MONGOURI_OPTION_DEPRECATED, e->flags,
                     "%s: flags 0x%x, expected 0x%x", e->name, info->flags, e->flags);
        cr_expect_eq(info->flags & MONGOURI_OPTION_DEPRECATED, 0u,
                     "%s: canonical options are not deprecated (only aliases are)", e->name);
        if (e->aliases == NULL)
            cr_expect_null(info->aliases, "%s: no aliases expected, got %s", e->name,
                           info->aliases);
        else
            cr_expect_str_eq(info->aliases != NULL ? info->aliases : "(null)", e->aliases,
                             "%s: aliases", e->name);
        cr_expect_not_null(info->values, "%s: a description of the allowed values", e->name);
        cr_expect_not_null(info->description, "%s: a description", e->name);
        /* the internal row is the public one */
        cr_expect_eq(&mongouri__options[i].info, info, "%s: internal row", e->name);
        if (e->type == MONGOURI_TYPE_INT || e->type == MONGOURI_TYPE_W) {
            cr_expect_eq(mongouri__options[i].min, e->min, "%s: min %lld, expected %lld", e->name,
                         (long long)mongouri__options[i].min, (long long)e->min);
            cr_expect_eq(mongouri__options[i].max, e->max, "%s: max %lld, expected %lld", e->name,
                         (long long)mongouri__options[i].max, (long long)e->max);
        }
        if (e->type == MONGOURI_TYPE_ENUM || e->type == MONGOURI_TYPE_LIST)
            cr_expect_not_null(mongouri__options[i].choices, "%s: allowed values", e->name);
    }
}

Test(options, alphabetical)
{
    for (size_t i = 1; i < mongouri_option_count(); i++) {
        const char *a = mongouri_option_at(i - 1)->name, *b = mongouri_option_at(i)->name;
        cr_expect_lt(mongouri__strcasecmp(a, b), 0, "%s must sort before %s", a, b);
    }
}

static void lower_copy(char *dst, const char *src, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n && src[i] != '\0'; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

static void check_resolves(const char *spelling, int id, bool alias)
{
    char low[64], up[64];
    mongouri__key k = mongouri__option_lookup(spelling, strlen(spelling));
    const mongouri_option_info *info;

    cr_assert_eq(k.id, id, "%s resolves to %d, expected %d", spelling, k.id, id);
    cr_expect_eq(k.alias, alias, "%s: alias flag", spelling);
    cr_expect_str_eq(k.spelled != NULL ? k.spelled : "(null)", spelling,
                     "%s: the canonical spelling of the name used", spelling);
    /* any letter case, through the public lookup too */
    lower_copy(low, spelling, sizeof low);
    for (size_t i = 0; i <= strlen(spelling); i++)
        up[i] = (char)toupper((unsigned char)spelling[i]);
    cr_expect_eq(mongouri__option_lookup(low, strlen(low)).id, id, "%s in lower case", spelling);
    cr_expect_eq(mongouri__option_lookup(up, strlen(up)).id, id, "%s in upper case", spelling);
    info = mongouri_option_find(up);
    cr_expect_eq(info, &mongouri__options[id].info, "mongouri_option_find(%s)", up);
}

Test(options, every_name_and_alias_resolves)
{
    size_t spellings = 0;

    for (size_t i = 0; i < NEXPECTED; i++) {
        const char *aliases = expected[i].aliases;
        check_resolves(expected[i].name, (int)i, false);
        spellings++;
        while (aliases != NULL && *aliases != '\0') {
            char one[64];
            size_t n = strcspn(aliases, ",");
            cr_assert_lt(n, sizeof one);
            memcpy(one, aliases, n);
            one[n] = '\0';
            check_resolves(one, (int)i, true);
            spellings++;
            aliases += n;
            if (*aliases == ',')
                aliases++;
        }
    }
    cr_expect_eq(spellings, 57u, "49 names and 8 aliases");
}

Test(options, deprecated_aliases)
{
    static const char *const deprecated[] = {
        "sslAllowInvalidCertificates", "sslAllowInvalidHostnames", "sslCertificateAuthorityFile",
        "sslClientCertificateKeyFile", "sslClientCertificateKeyPassword", "wtimeout",
    };
    mongouri__key ssl = mongouri__option_lookup("ssl", 3);

    for (size_t i = 0; i < sizeof deprecated / sizeof deprecated[0]; i++) {
        mongouri__key k = mongouri__option_lookup(deprecated[i], strlen(deprecated[i]));
        cr_expect_geq(k.id, 0, "%s is known", deprecated[i]);
        cr_expect(k.deprecated, "%s is a deprecated alias", deprecated[i]);
    }
    cr_expect_eq(ssl.id, MONGOURI_OPT_TLS);
    cr_expect(ssl.alias, "ssl is an alias");
    cr_expect_not(ssl.deprecated, "ssl is the specification's alias of tls, not deprecated");
    for (size_t i = 0; i < NEXPECTED; i++)
        cr_expect_not(mongouri__option_lookup(expected[i].name, strlen(expected[i].name)).deprecated,
                      "%s is not deprecated", expected[i].name);
}

Test(options, unknown_and_odd_keys)
{
    static const char *const unknown[] = {
        "", "x", "tlscafile ", " tls", "tls=", "sslCAFile", "tlsCAFiles", "ssl_", "wtimeoutms2",
        "authmechanismpropertiesXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    };

    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        cr_expect_lt(mongouri__option_lookup(unknown[i], strlen(unknown[i])).id, 0,
                     "\"%s\" is not an option", unknown[i]);
        cr_expect_null(mongouri_option_find(unknown[i]), "\"%s\" is not an option", unknown[i]);
    }
    /* Only the first n bytes count; an embedded NUL never matches. */
    cr_expect_eq(mongouri__option_lookup("tlsXYZ", 3).id, MONGOURI_OPT_TLS);
    cr_expect_lt(mongouri__option_lookup("tl\0s", 4).id, 0);
    cr_expect_lt(mongouri__option_lookup("w", 0).id, 0);
    cr_expect_null(mongouri_option_find(NULL));
}

Test(options, type_names)
{
    cr_expect_str_eq(mongouri_option_type_name(MONGOURI_TYPE_BOOL), "bool");
    cr_expect_str_eq(mongouri_option_type_name(MONGOURI_TYPE_INT), "int");
    cr_expect_str_eq(mongouri_option_type_name(MONGOURI_TYPE_STRING), "string");
    cr_expect_str_eq(mongouri_option_type_name(MONGOURI_TYPE_ENUM), "enum");
    cr_expect_str_eq(mongouri_option_type_name(MONGOURI_TYPE_LIST), "list");
    cr_expect_not_null(mongouri_option_type_name(MONGOURI_TYPE_KEYVALUE));
    cr_expect_not_null(mongouri_option_type_name(MONGOURI_TYPE_TAGSETS));
    cr_expect_not_null(mongouri_option_type_name(MONGOURI_TYPE_W));
    cr_expect_not_null(mongouri_option_type_name((mongouri_option_type)42));
}

/*
 * The table is generated from lib/options.def, one OPT(...) row per option:
 * the rows are the options in the order of mongouri__opt, each with its
 * name and alias, read from the source. The generated lookup index must
 * find every spelling (the library's self-check), and the lookup costs the
 * same whatever the row order.
 */
Test(options, one_row_per_option)
{
    FILE *f = fopen(MONGOURI_OPTIONS_SOURCE, "rb");
    char *buf, *p;
    size_t rows = 0, aliases = 0;
    long n;

    cr_assert_not_null(f, "cannot open %s", MONGOURI_OPTIONS_SOURCE);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    cr_assert_gt(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    /* Rows: OPT(ID, "name", TYPE, min, max, choices, flags, check, "alias", ...) */
    for (p = strstr(buf, "\nOPT("); p != NULL; p = strstr(p + 1, "\nOPT(")) {
        char name[80], alias[80];
        const mongouri_option_info *info = mongouri_option_at(rows);
        char *q = strchr(p, '"'), *e;
        cr_assert_not_null(q);
        e = strchr(q + 1, '"');
        cr_assert_not_null(e);
        cr_assert_lt((size_t)(e - q - 1), sizeof name);
        memcpy(name, q + 1, (size_t)(e - q - 1));
        name[e - q - 1] = '\0';
        /* the alias is the string after the eighth comma */
        q = e;
        for (int commas = 0; commas < 7; q++) {
            cr_assert_neq(*q, '\0');
            commas += *q == ',';
        }
        q = strchr(q, '"');
        cr_assert_not_null(q);
        e = strchr(q + 1, '"');
        cr_assert_not_null(e);
        cr_assert_lt((size_t)(e - q - 1), sizeof alias);
        memcpy(alias, q + 1, (size_t)(e - q - 1));
        alias[e - q - 1] = '\0';
        cr_assert_not_null(info, "row %zu (%s) has no option", rows, name);
        cr_expect_str_eq(info->name, name, "row %zu is %s", rows, name);
        if (alias[0] != '\0') {
            cr_expect_str_eq(info->aliases != NULL ? info->aliases : "(null)", alias,
                             "%s: the alias of its row", name);
            cr_expect_eq(mongouri__option_lookup(alias, strlen(alias)).id, (int)rows, "%s resolves",
                         alias);
            aliases++;
        } else {
            cr_expect_null(info->aliases, "%s has no alias", name);
        }
        rows++;
    }
    free(buf);
    cr_expect_eq(rows, mongouri_option_count(), "one row per option (found %zu)", rows);
    cr_expect_eq(aliases, 8u, "8 aliases (found %zu)", aliases);
    cr_expect(mongouri__keys_check(), "the library's self-check of the lookup index");
}

/* The canonical spelling of option id is its own name, with its detail texts. */
Test(options, spellings_and_details)
{
    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        unsigned c = mongouri__key_canonical(id);
        char want[96];
        cr_expect_str_eq(mongouri__key_spelled(c), mongouri__options[id].info.name);
        snprintf(want, sizeof want, "keyword %s", mongouri__options[id].info.name);
        cr_expect_str_eq(mongouri__key_detail(c, MONGOURI_SOURCE_KEYWORD), want);
        snprintf(want, sizeof want, "URI option %s", mongouri__options[id].info.name);
        cr_expect_str_eq(mongouri__key_detail(c, MONGOURI_SOURCE_URI), want);
        snprintf(want, sizeof want, "TXT record %s", mongouri__options[id].info.name);
        cr_expect_str_eq(mongouri__key_detail(c, MONGOURI_SOURCE_TXT), want);
        snprintf(want, sizeof want, "implied by %s", mongouri__options[id].info.name);
        cr_expect_str_eq(mongouri__key_detail(c, MONGOURI_SOURCE_IMPLIED), want);
    }
    cr_expect_str_eq(
        mongouri__key_detail(mongouri__option_lookup("ssl", 3).index, MONGOURI_SOURCE_TXT),
        "TXT record ssl");
    cr_expect_str_eq(mongouri__key_detail(9999, MONGOURI_SOURCE_URI), "default");
    cr_expect_str_eq(mongouri__key_spelled(9999), "?");
}

typedef struct suggest_case {
    char key[48];
    char want[48]; /* "" means no suggestion */
} suggest_case;

ParameterizedTestParameters(suggest, table)
{
    static suggest_case cases[] = {
        { "tlsCAFiles", "tlsCAFile" },
        { "tlscafle", "tlsCAFile" },
        { "replicaset2", "replicaSet" },
        { "replicSet", "replicaSet" },
        { "retryWrite", "retryWrites" },
        { "journl", "journal" },
        { "tlsInsecur", "tlsInsecure" },
        { "TLSINSECURE1", "tlsInsecure" },
        { "maxPoolSzie", "maxPoolSize" },
        { "authSourse", "authSource" },
        { "readPreferenceTag", "readPreferenceTags" },
        { "wtimout", "wTimeoutMS" },           /* near an alias: the canonical name */
        { "sslAllowInvalidCertificate", "tlsAllowInvalidCertificates" },
        { "tlsCRLFiles", "tlsCRLFile" },
        { "directConection", "directConnection" },
        { "zzzzzzzzzzzz", "" },
        { "colour", "" },
        { "completelyUnrelatedOptionName", "" },
    };
    return cr_make_param_array(suggest_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(suggest_case *c, suggest, table)
{
    const char *got = mongouri__option_suggest(c->key, strlen(c->key));

    if (c->want[0] == '\0') {
        cr_expect_null(got, "%s: no suggestion expected, got %s", c->key, got);
        return;
    }
    cr_assert_not_null(got, "%s: expected the suggestion %s", c->key, c->want);
    cr_expect_str_eq(got, c->want, "%s: suggested %s, expected %s", c->key, got, c->want);
    cr_expect_not_null(mongouri_option_find(got), "a suggestion is a canonical option name");
}

Test(suggest, in_warning_hints)
{
    mongouri_uri *uri = parse_ok("mongodb://h/?tlsCAFiles=ca.pem&colour=blue");
    const mongouri_error *w0, *w1;

    cr_assert_eq(mongouri_uri_warning_count(uri), 2u);
    w0 = mongouri_uri_warning(uri, 0);
    w1 = mongouri_uri_warning(uri, 1);
    cr_expect_eq(w0->code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_not_null(strstr(w0->hint, "tlsCAFile"), "hint \"%s\" suggests tlsCAFile", w0->hint);
    cr_expect_str_eq(w0->option, "tlsCAFiles", "the option of the warning is the key as written");
    cr_expect_eq(w0->offset, 13);
    cr_expect_eq(w1->code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_null(strstr(w1->hint, "did you mean"), "no suggestion for colour: \"%s\"", w1->hint);
    mongouri_uri_destroy(uri);
}

Test(suggest, in_keyword_errors)
{
    mongouri_keywords *kw = NULL;
    mongouri_error err;

    cr_assert_eq(mongouri_keywords_new(&kw, NULL), MONGOURI_OK);
    cr_expect_eq(mongouri_keywords_set(kw, "replicaset2", "rs", &err), MONGOURI_E_OPTION);
    cr_expect_eq(err.code, MONGOURI_D_UNKNOWN_OPTION);
    cr_expect_not_null(strstr(err.hint, "replicaSet"), "hint \"%s\"", err.hint);
    cr_expect_eq(mongouri_keywords_count(kw), 0u);
    mongouri_keywords_destroy(kw);
}

/*
 * Each flag of a row drives one behaviour; these pin it for every option,
 * so that a flag set or cleared in lib/options.def changes the answer.
 */
static const char *valid_value(int id, char *buf, size_t cap)
{
    const mongouri__optdef *def = &mongouri__options[id];

    switch (def->info.type) {
    case MONGOURI_TYPE_BOOL:
        return "true";
    case MONGOURI_TYPE_INT:
        snprintf(buf, cap, "%lld", (long long)(def->min > 0 ? def->min : def->max > 90 ? 90 : 1));
        return buf;
    case MONGOURI_TYPE_ENUM:
    case MONGOURI_TYPE_LIST:
        return def->choices[0];
    case MONGOURI_TYPE_KEYVALUE:
    case MONGOURI_TYPE_TAGSETS:
        return "a:b";
    case MONGOURI_TYPE_W:
        return "1";
    default:
        return "x";
    }
}

Test(options, flag_srv_only_refuses_mongodb_scheme)
{
    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        const mongouri_option_info *info = &mongouri__options[id].info;
        char text[160], num[32];
        mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
        mongouri_uri *uri = NULL;
        mongouri_error err;
        mongouri_status rc;
        snprintf(text, sizeof text, "mongodb://a/?%s=%s", info->name, valid_value(id, num, sizeof num));
        rc = mongouri_uri_parse(&uri, text, &opts, &err);
        mongouri_uri_destroy(uri);
        if (info->flags & MONGOURI_OPTION_SRV_ONLY)
            cr_expect(rc != MONGOURI_OK && err.code == MONGOURI_D_SRV_ONLY, "%s: srv only", text);
        else
            cr_expect(rc == MONGOURI_OK || err.code != MONGOURI_D_SRV_ONLY, "%s: not srv only (%s)",
                      text, err.message);
    }
}

Test(options, flag_txt_allowed_decides_dns)
{
    static const char *const hosts[] = {"a.h.example.com"};
    static const uint16_t ports[] = {27017};

    for (int id = 0; id < MONGOURI_OPT__COUNT; id++) {
        const mongouri_option_info *info = &mongouri__options[id].info;
        char txt[160], num[32];
        mongouri__srv_answer srv = {1, hosts, ports, txt, NULL, NULL};
        const char *text = "mongodb+srv://h.example.com/";
        mongouri_uri *uri = NULL;
        mongouri_error err;
        mongouri_status rc;
        memset(&err, 0, sizeof err);
        snprintf(txt, sizeof txt, "%s=%s", info->name, valid_value(id, num, sizeof num));
        rc = mongouri__build(&uri, text, strlen(text), 0, NULL, &srv, &err);
        mongouri_uri_destroy(uri);
        if (info->flags & MONGOURI_OPTION_TXT_ALLOWED)
            cr_expect(rc == MONGOURI_OK || err.code != MONGOURI_D_TXT_NOT_ALLOWED,
                      "TXT %s: allowed (%s)", txt, err.message);
        else
            cr_expect(rc != MONGOURI_OK && err.code == MONGOURI_D_TXT_NOT_ALLOWED,
                      "TXT %s: refused", txt);
    }
}

/* Every spelling with MONGOURI_OPTION_DEPRECATED (in the alias column of its
 * row) works with one deprecation warning; every other spelling without. */
Test(options, flag_deprecated_spelling_warns)
{
    size_t deprecated = 0;

    for (unsigned i = 0; i < 2u * MONGOURI_OPT__COUNT; i++) {
        const char *spelled = mongouri__key_spelled(i);
        mongouri__key k = mongouri__option_lookup(spelled, strlen(spelled));
        char text[160], num[32];
        mongouri_uri *uri;
        bool warned = false;
        if (spelled[0] == '\0')
            continue; /* no alias */
        cr_assert_eq(k.index, i, "%s", spelled);
        snprintf(text, sizeof text, "mongodb+srv://h.example.com/?%s=%s", spelled,
                 valid_value(k.id, num, sizeof num));
        uri = NULL;
        {
            mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
            mongouri_error err;
            if (mongouri_uri_parse(&uri, text, &opts, &err) != MONGOURI_OK)
                continue; /* refused for another reason (credentials, proxy...) */
        }
        for (size_t w = 0; w < mongouri_uri_warning_count(uri); w++)
            warned = warned || mongouri_uri_warning(uri, w)->code == MONGOURI_D_DEPRECATED_OPTION;
        mongouri_uri_destroy(uri);
        cr_expect_eq(warned, k.deprecated, "%s: deprecation warning %d, flag %d", text, warned,
                     k.deprecated);
        deprecated += k.deprecated;
    }
    cr_expect_eq(deprecated, 7u, "7 deprecated spellings parse with a warning");
}
