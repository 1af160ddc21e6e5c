/* The host parser, through mongouri_uri_parse and the host getters. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

typedef struct host_case {
    char uri[96];
    size_t count;
    char host[3][48];
    uint16_t port[3];
    mongouri_host_type type[3];
} host_case;

#define HN MONGOURI_HOST_HOSTNAME
#define V4 MONGOURI_HOST_IPV4
#define V6 MONGOURI_HOST_IP_LITERAL
#define UX MONGOURI_HOST_UNIX

ParameterizedTestParameters(hosts, valid)
{
    static host_case cases[] = {
        { "mongodb://localhost", 1, { "localhost" }, { 0 }, { HN } },
        { "mongodb://localhost:27017", 1, { "localhost" }, { 27017 }, { HN } },
        { "mongodb://a:1,b:65535,c", 3, { "a", "b", "c" }, { 1, 65535, 0 }, { HN, HN, HN } },
        { "mongodb://127.0.0.1:27018", 1, { "127.0.0.1" }, { 27018 }, { V4 } },
        { "mongodb://0.0.0.0,255.255.255.255", 2, { "0.0.0.0", "255.255.255.255" }, { 0, 0 },
          { V4, V4 } },
        { "mongodb://256.0.0.1", 1, { "256.0.0.1" }, { 0 }, { HN } },
        { "mongodb://1.2.3.4.5", 1, { "1.2.3.4.5" }, { 0 }, { HN } },
        { "mongodb://01.2.3.4", 1, { "01.2.3.4" }, { 0 }, { HN } },
        { "mongodb://[::1]", 1, { "::1" }, { 0 }, { V6 } },
        { "mongodb://[::1]:27019", 1, { "::1" }, { 27019 }, { V6 } },
        { "mongodb://[2001:DB8::1]:1,[::ffff:10.0.0.1]", 2, { "2001:db8::1", "::ffff:10.0.0.1" },
          { 1, 0 }, { V6, V6 } },
        { "mongodb://%2Ftmp%2Fmongodb-27017.sock", 1, { "/tmp/mongodb-27017.sock" }, { 0 },
          { UX } },
        { "mongodb://%2fTmp%2fA%20B.sock/db", 1, { "/Tmp/A B.sock" }, { 0 }, { UX } },
        { "mongodb://rel%2Fx.sock,%2Fa.sock", 2, { "rel/x.sock", "/a.sock" }, { 0, 0 }, { UX, UX } },
        { "mongodb://x.sock", 1, { "x.sock" }, { 0 }, { HN } },
        { "mongodb://b\xc3\xbc" "cher.example:1", 1, { "b\xc3\xbc" "cher.example" }, { 1 }, { HN } },
        { "mongodb://b%C3%BCcher.example", 1, { "b\xc3\xbc" "cher.example" }, { 0 }, { HN } },
        { "mongodb://user:pw@h1,h2:2/?w=1", 2, { "h1", "h2" }, { 0, 2 }, { HN, HN } },
        { "mongodb://h?w=1", 1, { "h" }, { 0 }, { HN } },
        { "mongodb://a-b_c~d.E", 1, { "a-b_c~d.e" }, { 0 }, { HN } },
        { "mongodb://h:0027017", 1, { "h" }, { 27017 }, { HN } },
        { "mongodb+srv://cluster0.example.com", 1, { "cluster0.example.com" }, { 0 }, { HN } },
        { "mongodb+srv://localhost/db", 1, { "localhost" }, { 0 }, { HN } },
    };
    return cr_make_param_array(host_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(host_case *c, hosts, valid)
{
    mongouri_uri *uri = parse_ok(c->uri);

    cr_assert_eq(mongouri_uri_host_count(uri), c->count, "%s: %zu hosts, expected %zu", c->uri,
                 mongouri_uri_host_count(uri), c->count);
    for (size_t i = 0; i < c->count; i++) {
        cr_expect_str_eq(mongouri_uri_host(uri, i), c->host[i], "%s: host %zu", c->uri, i);
        cr_expect_eq(mongouri_uri_host_port(uri, i), c->port[i], "%s: port %zu is %u, expected %u",
                     c->uri, i, mongouri_uri_host_port(uri, i), c->port[i]);
        cr_expect_eq(mongouri_uri_host_type(uri, i), c->type[i], "%s: type %zu is %s, expected %s",
                     c->uri, i, mongouri_host_type_name(mongouri_uri_host_type(uri, i)),
                     mongouri_host_type_name(c->type[i]));
        cr_expect_eq(mongouri_uri_host_source(uri, i), MONGOURI_SOURCE_URI, "%s: source %zu",
                     c->uri, i);
    }
    /* Past the end: NULL, 0, and the neutral values. */
    cr_expect_null(mongouri_uri_host(uri, c->count));
    cr_expect_eq(mongouri_uri_host_port(uri, c->count), 0);
    cr_expect_eq(mongouri_uri_host_source(uri, c->count), MONGOURI_SOURCE_DEFAULT);
    mongouri_uri_destroy(uri);
}

typedef struct bad_host_case {
    char uri[64];
    mongouri_diag diag;
    long offset;
} bad_host_case;

ParameterizedTestParameters(hosts, invalid)
{
    static bad_host_case cases[] = {
        { "mongodb://", MONGOURI_D_NO_HOST, 10 },
        { "mongodb://u:p@", MONGOURI_D_NO_HOST, 14 },
        { "mongodb:///db", MONGOURI_D_NO_HOST, 10 },
        { "mongodb://?w=1", MONGOURI_D_NO_HOST, 10 },
        { "mongodb://a,", MONGOURI_D_NO_HOST, 12 },
        { "mongodb://,a", MONGOURI_D_NO_HOST, 10 },
        { "mongodb://a,,b", MONGOURI_D_NO_HOST, 12 },
        { "mongodb://:1", MONGOURI_D_NO_HOST, 10 },
        { "mongodb://h:", MONGOURI_D_BAD_PORT, 11 }, /* the ":" */
        { "mongodb://h:0", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:65536", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:4294967297", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:-1", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:+1", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:1x", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h::1", MONGOURI_D_BAD_PORT, 12 },
        { "mongodb://h:1,i:99999", MONGOURI_D_BAD_PORT, 16 },
        { "mongodb://[::1]:", MONGOURI_D_BAD_PORT, 15 }, /* the ":" */
        { "mongodb://[::1]:65536", MONGOURI_D_BAD_PORT, 16 },
        { "mongodb://[::1", MONGOURI_D_BAD_HOST, 10 },
        { "mongodb://[]", MONGOURI_D_BAD_HOST, 10 },
        { "mongodb://[::1]x", MONGOURI_D_BAD_HOST, 15 },
        { "mongodb://[1.2.3.4]", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://[fe80::1%25eth0]", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://a b", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://a\tb", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://a#b", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://a<b>", MONGOURI_D_BAD_HOST, 11 },
        { "mongodb://a%20b", MONGOURI_D_BAD_HOST, 11 }, /* the %20 */
        { "mongodb://%2Ftmp%2Fx", MONGOURI_D_BAD_HOST, 10 },
        { "mongodb://%2Ftmp%2Fx.sock:1", MONGOURI_D_BAD_PORT, 25 },
        { "mongodb://a%2", MONGOURI_D_BAD_ESCAPE, 11 },
        { "mongodb://a%00", MONGOURI_D_NUL_BYTE, 11 },
        { "mongodb://a%FF", MONGOURI_D_BAD_UTF8, 11 },
        { "mongodb+srv://a,b", MONGOURI_D_SRV_HOST, 16 },
        { "mongodb+srv://a:27017", MONGOURI_D_SRV_HOST, 15 },
        { "mongodb+srv://10.0.0.1", MONGOURI_D_SRV_HOST, 14 },
        { "mongodb+srv://[::1]", MONGOURI_D_SRV_HOST, 14 },
        { "mongodb+srv://%2Fx.sock", MONGOURI_D_SRV_HOST, 14 },
    };
    return cr_make_param_array(bad_host_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(bad_host_case *c, hosts, invalid)
{
    mongouri_error err;

    parse_fail(c->uri, &err);
    cr_expect_eq(err.code, c->diag, "%s: diag %s, expected %s", c->uri,
                 mongouri_diag_name(err.code), mongouri_diag_name(c->diag));
    cr_expect_eq(err.offset, c->offset, "%s: offset %ld, expected %ld", c->uri, err.offset,
                 c->offset);
    cr_expect_eq(err.status, MONGOURI_E_SYNTAX, "%s: status %s", c->uri,
                 mongouri_strerror(err.status));
    cr_expect_eq(err.source, MONGOURI_SOURCE_URI, "%s: source", c->uri);
}

Test(hosts, type_names)
{
    cr_expect_str_eq(mongouri_host_type_name(MONGOURI_HOST_HOSTNAME), "hostname");
    cr_expect_str_eq(mongouri_host_type_name(MONGOURI_HOST_IPV4), "ipv4");
    cr_expect_str_eq(mongouri_host_type_name(MONGOURI_HOST_IP_LITERAL), "ip_literal");
    cr_expect_str_eq(mongouri_host_type_name(MONGOURI_HOST_UNIX), "unix");
    cr_expect_not_null(mongouri_host_type_name((mongouri_host_type)99));
}

Test(hosts, many_hosts)
{
    /* 500 hosts, each kept in order with its port. */
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "mongodb://");
    mongouri_uri *uri;

    for (unsigned i = 0; i < 500; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%sh%u:%u", i ? "," : "", i,
                                1000 + i);
    uri = parse_ok(text);
    cr_assert_eq(mongouri_uri_host_count(uri), 500u);
    cr_expect_str_eq(mongouri_uri_host(uri, 499), "h499");
    cr_expect_eq(mongouri_uri_host_port(uri, 499), 1499);
    mongouri_uri_destroy(uri);
}

Test(hosts, too_many_hosts)
{
    /* One host more than MONGOURI_MAX_HOSTS is refused as a limit. */
    size_t n = MONGOURI_MAX_HOSTS + 1;
    size_t cap = 16 + n * 2;
    char *text = malloc(cap);
    mongouri_error err;
    size_t len;

    cr_assert_not_null(text);
    len = (size_t)snprintf(text, cap, "mongodb://");
    for (size_t i = 0; i < n; i++) {
        text[len++] = 'h';
        text[len++] = ',';
    }
    text[len - 1] = '\0';
    cr_expect_eq(parse_fail(text, &err), MONGOURI_E_LIMIT);
    cr_expect_eq(err.code, MONGOURI_D_LIMIT);
    free(text);
}

/* SDAM: host names are lower-cased in the result; the echo of the input is not. */
Test(hosts, lower_case_result_typed_echo)
{
    mongouri_uri *uri = parse_ok("mongodb://Example.COM,localHOST:27019,[Fe80::1],%2FTmp%2FMongo.sock/?appName=X");
    char *json;

    cr_expect_str_eq(mongouri_uri_host(uri, 0), "example.com");
    cr_expect_str_eq(mongouri_uri_host(uri, 1), "localhost");
    cr_expect_str_eq(mongouri_uri_host(uri, 2), "fe80::1");
    cr_expect_str_eq(mongouri_uri_host(uri, 3), "/Tmp/Mongo.sock", "a socket path keeps its case");
    json = mongouri_json_render("mongodb://Example.COM,localHOST:27019,[Fe80::1],%2FTmp%2FMongo.sock/?appName=X",
                                uri, NULL, 0);
    cr_assert_not_null(json);
    cr_expect_not_null(strstr(json, "\"uri\":\"mongodb://Example.COM,localHOST:27019,[Fe80::1]"),
                       "the echo stays as typed: %s", json);
    cr_expect_not_null(strstr(json, "\"host\":\"example.com\""), "%s", json);
    mongouri_free(json);
    mongouri_uri_destroy(uri);
}
