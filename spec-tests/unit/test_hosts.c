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

/*
 * Every result of the host parser pinned byte for byte: the decoded host,
 * its type, port, offset and length, or the error's status, diagnosis,
 * offset, length, message and hint. "{N}" in a case stands for N times 'a'.
 */
typedef struct pinned_case {
    const char *uri;
    const char *want;
} pinned_case;

static void expand(const char *pat, char *out, size_t cap)
{
    size_t o = 0;

    for (const char *p = pat; *p != '\0';) {
        char *end;
        unsigned long n;
        if (p[0] == '{' && (n = strtoul(p + 1, &end, 10)) > 0 && *end == '}') {
            for (unsigned long k = 0; k < n && o + 1 < cap; k++)
                out[o++] = 'a';
            p = end + 1;
        } else if (o + 1 < cap) {
            out[o++] = *p++;
        } else {
            p++;
        }
    }
    out[o] = '\0';
}

static void render_error(const mongouri_error *err, char *out, size_t cap)
{
    snprintf(out, cap, "E %s %s %ld+%ld '%s' hint='%s'", mongouri_strerror(err->status),
             mongouri_diag_name(err->code), err->offset, err->length, err->message, err->hint);
}

static void render_uri(const char *text, char *out, size_t cap)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_uri *uri = NULL;
    mongouri_error err;
    size_t o = 0;

    if (mongouri_uri_parse(&uri, text, &opts, &err) != MONGOURI_OK) {
        render_error(&err, out, cap);
        return;
    }
    out[0] = '\0';
    for (size_t i = 0; i < uri->nhosts && o < cap; i++) {
        const mongouri__host *h = &uri->hosts[i];
        o += (size_t)snprintf(out + o, cap - o, "%s%s/%s/%u/%ld+%ld", i ? " " : "", h->host,
                              mongouri_host_type_name((mongouri_host_type)h->type), h->port,
                              h->offset, h->length);
    }
    mongouri_uri_destroy(uri);
}

static void render_srv_target(const char *name, char *out, size_t cap)
{
    mongouri_error err;

    memset(&err, 0, sizeof err);
    if (mongouri__check_srv_target(name, strlen(name), &err) == MONGOURI_OK)
        snprintf(out, cap, "ok");
    else
        render_error(&err, out, cap);
}

static const pinned_case pinned_uris[] = {
    { "mongodb://localhost",
      "localhost/hostname/0/10+9" },
    { "mongodb://localhost:27017",
      "localhost/hostname/27017/10+15" },
    { "mongodb://a",
      "a/hostname/0/10+1" },
    { "mongodb://a:1,b:65535,c",
      "a/hostname/1/10+3 b/hostname/65535/14+7 c/hostname/0/22+1" },
    { "mongodb://EXAMPLE.Com:27017",
      "example.com/hostname/27017/10+17" },
    { "mongodb://A",
      "a/hostname/0/10+1" },
    { "mongodb://Z.z,Y",
      "z.z/hostname/0/10+3 y/hostname/0/14+1" },
    { "mongodb://MiXeD-CaSe_~.Example.ORG",
      "mixed-case_~.example.org/hostname/0/10+24" },
    { "mongodb://a_b",
      "a_b/hostname/0/10+3" },
    { "mongodb://a~b",
      "a~b/hostname/0/10+3" },
    { "mongodb://-a-",
      "-a-/hostname/0/10+3" },
    { "mongodb://_",
      "_/hostname/0/10+1" },
    { "mongodb://~",
      "~/hostname/0/10+1" },
    { "mongodb://a-b_c~d.E",
      "a-b_c~d.e/hostname/0/10+9" },
    { "mongodb://h:0027017",
      "h/hostname/27017/10+9" },
    { "mongodb://h:000000065535",
      "h/hostname/65535/10+14" },
    { "mongodb://h:00000",
      "E malformed connection string bad-port 12+5 'port 00000 is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:1/db",
      "h/hostname/1/10+3" },
    { "mongodb://h:65535?w=1",
      "h/hostname/65535/10+7" },
    { "mongodb://u:p@h1,h2:2/?w=1",
      "h1/hostname/0/14+2 h2/hostname/2/17+4" },
    { "mongodb://h?w=1",
      "h/hostname/0/10+1" },
    { "mongodb://h/",
      "h/hostname/0/10+1" },
    { "mongodb://{63}.com",
      "{63}.com/hostname/0/10+67" },
    { "mongodb://{64}.com",
      "E malformed connection string bad-host 10+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://x.{63}",
      "x.{63}/hostname/0/10+65" },
    { "mongodb://x.{64}",
      "E malformed connection string bad-host 12+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{64}",
      "E malformed connection string bad-host 10+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{63}",
      "{63}/hostname/0/10+63" },
    { "mongodb://x.{64}.com:1",
      "E malformed connection string bad-host 12+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{64}.com,b",
      "E malformed connection string bad-host 10+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://b,{64}.com",
      "E malformed connection string bad-host 12+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{61}",
      "{63}.{63}.{63}.{61}/hostname/0/10+253" },
    { "mongodb://{63}.{63}.{63}.{62}",
      "E malformed connection string bad-host 202+62 'the host name has 254 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{61}.",
      "{63}.{63}.{63}.{61}./hostname/0/10+254" },
    { "mongodb://{63}.{63}.{63}.{62}.",
      "E malformed connection string bad-host 202+62 'the host name has 254 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{63}",
      "E malformed connection string bad-host 202+63 'the host name has 255 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{61}:27017",
      "{63}.{63}.{63}.{61}/hostname/27017/10+259" },
    { "mongodb://{63}.{63}.{63}.{61}.:27017",
      "{63}.{63}.{63}.{61}./hostname/27017/10+260" },
    { "mongodb://{63}.{63}.{63}.{62}:27017",
      "E malformed connection string bad-host 202+62 'the host name has 254 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{62},b",
      "E malformed connection string bad-host 202+62 'the host name has 254 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{63}.{63}",
      "E malformed connection string bad-host 202+63 'the host name has 319 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{63}.",
      "E malformed connection string bad-host 202+63 'the host name has 255 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://b.{63}.{63}.{63}.{62}",
      "E malformed connection string bad-host 204+62 'the host name has 256 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{60}..",
      "E malformed connection string bad-host 263+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://{250}",
      "E malformed connection string bad-host 10+250 'a label of the host name has 250 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{300}",
      "E malformed connection string bad-host 10+300 'a label of the host name has 300 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{61}.a",
      "E malformed connection string bad-host 202+61 'the host name has 255 characters, longer than a DNS name (253)' hint=''" },
    { "mongodb://{63}.{63}.{63}.{61}..",
      "E malformed connection string bad-host 264+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a.",
      "a./hostname/0/10+2" },
    { "mongodb://a.:1",
      "a./hostname/1/10+4" },
    { "mongodb://.",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://.:1",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://..",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a..",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a..b",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://.a",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a.b.",
      "a.b./hostname/0/10+4" },
    { "mongodb://a.b..",
      "E malformed connection string bad-host 14+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a..b:1",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://.a,b",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://b,.a",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://h:0",
      "E malformed connection string bad-port 12+1 'port 0 is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:65535",
      "h/hostname/65535/10+7" },
    { "mongodb://h:65536",
      "E malformed connection string bad-port 12+5 'port 65536 is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:99999",
      "E malformed connection string bad-port 12+5 'port 99999 is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:99999999",
      "E malformed connection string bad-port 12+8 'the port is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:4294967297",
      "E malformed connection string bad-port 12+10 'the port is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:",
      "E malformed connection string bad-port 11+1 'a ':' must be followed by a port' hint=''" },
    { "mongodb://h:,b",
      "E malformed connection string bad-port 11+1 'a ':' must be followed by a port' hint=''" },
    { "mongodb://h:1,b:",
      "E malformed connection string bad-port 15+1 'a ':' must be followed by a port' hint=''" },
    { "mongodb://h:-1",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:+1",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:1x",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h::1",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:1:2",
      "E malformed connection string bad-port 12+3 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:1,i:99999",
      "E malformed connection string bad-port 16+5 'port 99999 is out of range (1 to 65535)' hint=''" },
    { "mongodb://:1",
      "E malformed connection string no-host 10+2 'a port without a host name' hint=''" },
    { "mongodb://:",
      "E malformed connection string no-host 10+1 'a port without a host name' hint=''" },
    { "mongodb://h:1 ",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h: 1",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:%31",
      "E malformed connection string bad-port 12+3 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://h:0000000",
      "E malformed connection string bad-port 12+7 'the port is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:1234567",
      "E malformed connection string bad-port 12+7 'the port is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:123456",
      "E malformed connection string bad-port 12+6 'port 123456 is out of range (1 to 65535)' hint=''" },
    { "mongodb://h:000001",
      "h/hostname/1/10+8" },
    { "mongodb://a.:0",
      "E malformed connection string bad-port 13+1 'port 0 is out of range (1 to 65535)' hint=''" },
    { "mongodb://a..b:0",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://1.2.3",
      "1.2.3/hostname/0/10+5" },
    { "mongodb://1.2.3.4",
      "1.2.3.4/ipv4/0/10+7" },
    { "mongodb://01.2.3.4",
      "01.2.3.4/hostname/0/10+8" },
    { "mongodb://256.1.1.1",
      "256.1.1.1/hostname/0/10+9" },
    { "mongodb://1.2.3.4.",
      "1.2.3.4./hostname/0/10+8" },
    { "mongodb://1.2.3.4:27017",
      "1.2.3.4/ipv4/27017/10+13" },
    { "mongodb://1.2.3.4.5",
      "1.2.3.4.5/hostname/0/10+9" },
    { "mongodb://1a.b",
      "1a.b/hostname/0/10+4" },
    { "mongodb://0",
      "0/hostname/0/10+1" },
    { "mongodb://123",
      "123/hostname/0/10+3" },
    { "mongodb://1.2.3.4a",
      "1.2.3.4a/hostname/0/10+8" },
    { "mongodb://255.255.255.255",
      "255.255.255.255/ipv4/0/10+15" },
    { "mongodb://0.0.0.0",
      "0.0.0.0/ipv4/0/10+7" },
    { "mongodb://1..2.3",
      "E malformed connection string bad-host 12+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://1.2.3.",
      "1.2.3./hostname/0/10+6" },
    { "mongodb://9abc.com:1",
      "9abc.com/hostname/1/10+10" },
    { "mongodb://1.2.3.4-x",
      "1.2.3.4-x/hostname/0/10+9" },
    { "mongodb://1.2.3.04",
      "1.2.3.04/hostname/0/10+8" },
    { "mongodb://1.2.3.255",
      "1.2.3.255/ipv4/0/10+9" },
    { "mongodb://1.2.3.256",
      "1.2.3.256/hostname/0/10+9" },
    { "mongodb://1234.1.1.1",
      "1234.1.1.1/hostname/0/10+10" },
    { "mongodb://1.2.3.4:0",
      "E malformed connection string bad-port 18+1 'port 0 is out of range (1 to 65535)' hint=''" },
    { "mongodb://1.2.3.4,5.6.7.8:9",
      "1.2.3.4/ipv4/0/10+7 5.6.7.8/ipv4/9/18+9" },
    { "mongodb://.1.2.3.4",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://1.2.3.4..",
      "E malformed connection string bad-host 18+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://b\xc3\xbc" "cher.example",
      "b\xc3\xbc" "cher.example/hostname/0/10+15" },
    { "mongodb://b\xc3\xbc" "cher.example:1",
      "b\xc3\xbc" "cher.example/hostname/1/10+17" },
    { "mongodb://\xc3\xbc",
      "\xc3\xbc/hostname/0/10+2" },
    { "mongodb://a\xff",
      "E malformed connection string bad-utf8 11+1 'the host name is not valid UTF-8' hint=''" },
    { "mongodb://\xc3",
      "E malformed connection string bad-utf8 10+1 'the host name is not valid UTF-8' hint=''" },
    { "mongodb://B\xc3\x9c" "CHER",
      "b\xc3\x9c" "cher/hostname/0/10+7" },
    { "mongodb://b%C3%BCcher.example",
      "b\xc3\xbc" "cher.example/hostname/0/10+19" },
    { "mongodb://a%2Eb",
      "a.b/hostname/0/10+5" },
    { "mongodb://%41",
      "a/hostname/0/10+3" },
    { "mongodb://a%2",
      "E malformed connection string bad-percent-escape 11+1 ''%' must be followed by two hex digits in a host' hint=''" },
    { "mongodb://a%00",
      "E malformed connection string nul-byte 11+1 'the host decodes to an invalid byte' hint=''" },
    { "mongodb://a%FF",
      "E malformed connection string bad-utf8 11+1 'the host name is not valid UTF-8' hint=''" },
    { "mongodb://a%20b",
      "E malformed connection string bad-host 11+1 'the decoded host name has a character that is not allowed' hint=''" },
    { "mongodb://%2Ftmp%2Fmongodb-27017.sock",
      "/tmp/mongodb-27017.sock/unix/0/10+27" },
    { "mongodb://%2Ftmp%2FX.sock:1",
      "E malformed connection string bad-port 25+2 'a unix socket takes no port' hint=''" },
    { "mongodb://%2fa.sock,b",
      "/a.sock/unix/0/10+9 b/hostname/0/20+1" },
    { "mongodb://%2Ftmp%2Fx",
      "E malformed connection string bad-host 10+10 'a host with '/' must be a unix socket path ending in .sock' hint=''" },
    { "mongodb://%2fTmp%2fA%20B.sock/db",
      "/Tmp/A B.sock/unix/0/10+19" },
    { "mongodb://rel%2Fx.sock,%2Fa.sock",
      "rel/x.sock/unix/0/10+12 /a.sock/unix/0/23+9" },
    { "mongodb://x.sock",
      "x.sock/hostname/0/10+6" },
    { "mongodb://%2E",
      "E malformed connection string bad-host 10+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://a%2E%2Eb",
      "E malformed connection string bad-host 14+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "mongodb://%7B64%7D",
      "E malformed connection string bad-host 10+1 'the decoded host name has a character that is not allowed' hint=''" },
    { "mongodb://%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61%61.com",
      "E malformed connection string bad-host 10+192 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "mongodb://A%42c",
      "abc/hostname/0/10+5" },
    { "mongodb://a\x01" "b",
      "E malformed connection string bad-host 11+1 'character 0x01 is not allowed in a host name' hint=''" },
    { "mongodb://a\x7f" "b",
      "E malformed connection string bad-host 11+1 'character 0x7f is not allowed in a host name' hint=''" },
    { "mongodb://a\x09" "b",
      "E malformed connection string bad-host 11+1 'character 0x09 is not allowed in a host name' hint=''" },
    { "mongodb://a b",
      "E malformed connection string bad-host 11+1 'character ' ' is not allowed in a host name' hint='percent-encode a unix socket path: %2Ftmp%2Fmongodb-27017.sock'" },
    { "mongodb://u:p@a b",
      "E malformed connection string bad-host 15+1 'character ' ' is not allowed in a host name' hint='percent-encode a unix socket path: %2Ftmp%2Fmongodb-27017.sock'" },
    { "mongodb://a#b",
      "E malformed connection string bad-host 11+1 'character '#' is not allowed in a host name' hint=''" },
    { "mongodb://a<b>",
      "E malformed connection string bad-host 11+1 'character '<' is not allowed in a host name' hint=''" },
    { "mongodb://a!b",
      "E malformed connection string bad-host 11+1 'character '!' is not allowed in a host name' hint=''" },
    { "mongodb://a*b",
      "E malformed connection string bad-host 11+1 'character '*' is not allowed in a host name' hint=''" },
    { "mongodb://a(b",
      "E malformed connection string bad-host 11+1 'character '(' is not allowed in a host name' hint=''" },
    { "mongodb://a'b",
      "E malformed connection string bad-host 11+1 'character ''' is not allowed in a host name' hint=''" },
    { "mongodb://a\"b",
      "E malformed connection string bad-host 11+1 'character '\"' is not allowed in a host name' hint=''" },
    { "mongodb://a;b",
      "E malformed connection string bad-host 11+1 'character ';' is not allowed in a host name' hint=''" },
    { "mongodb://a=b",
      "E malformed connection string bad-host 11+1 'character '=' is not allowed in a host name' hint=''" },
    { "mongodb://a+b",
      "E malformed connection string bad-host 11+1 'character '+' is not allowed in a host name' hint=''" },
    { "mongodb://a$b",
      "E malformed connection string bad-host 11+1 'character '$' is not allowed in a host name' hint=''" },
    { "mongodb://a[b",
      "E malformed connection string bad-host 11+1 'character '[' is not allowed in a host name' hint=''" },
    { "mongodb://a]b",
      "E malformed connection string bad-host 11+1 'character ']' is not allowed in a host name' hint=''" },
    { "mongodb://a\\b",
      "E malformed connection string bad-host 11+1 'character '\\' is not allowed in a host name' hint=''" },
    { "mongodb://a|b",
      "E malformed connection string bad-host 11+1 'character '|' is not allowed in a host name' hint=''" },
    { "mongodb://a^b",
      "E malformed connection string bad-host 11+1 'character '^' is not allowed in a host name' hint=''" },
    { "mongodb://a`b",
      "E malformed connection string bad-host 11+1 'character '`' is not allowed in a host name' hint=''" },
    { "mongodb://a{b",
      "E malformed connection string bad-host 11+1 'character '{' is not allowed in a host name' hint=''" },
    { "mongodb://a\x80",
      "E malformed connection string bad-utf8 11+1 'the host name is not valid UTF-8' hint=''" },
    { "mongodb://\x01",
      "E malformed connection string bad-host 10+1 'character 0x01 is not allowed in a host name' hint=''" },
    { "mongodb://h:1\x01",
      "E malformed connection string bad-port 12+2 'the port is not a number' hint='a port is 1 to 65535; an IPv6 address goes in brackets, [::1]:27017'" },
    { "mongodb://ab\x1f:1",
      "E malformed connection string bad-host 12+1 'character 0x1f is not allowed in a host name' hint=''" },
    { "mongodb://a,,b",
      "E malformed connection string no-host 12+0 'empty host name' hint=''" },
    { "mongodb://a,",
      "E malformed connection string no-host 12+0 'empty host name' hint=''" },
    { "mongodb://,a",
      "E malformed connection string no-host 10+0 'empty host name' hint=''" },
    { "mongodb://a,b,c",
      "a/hostname/0/10+1 b/hostname/0/12+1 c/hostname/0/14+1" },
    { "mongodb://a:1,b:2",
      "a/hostname/1/10+3 b/hostname/2/14+3" },
    { "mongodb://,",
      "E malformed connection string no-host 10+0 'empty host name' hint=''" },
    { "mongodb://a,b,",
      "E malformed connection string no-host 14+0 'empty host name' hint=''" },
    { "mongodb://",
      "E malformed connection string no-host 10+0 'no host is given' hint=''" },
    { "mongodb://u:p@",
      "E malformed connection string no-host 14+0 'no host is given' hint=''" },
    { "mongodb:///db",
      "E malformed connection string no-host 10+0 'no host is given' hint='a unix socket path must be percent-encoded: %2Ftmp%2Fmongodb-27017.sock'" },
    { "mongodb://?w=1",
      "E malformed connection string no-host 10+0 'no host is given' hint=''" },
    { "mongodb://[::1]",
      "::1/ip_literal/0/10+5" },
    { "mongodb://[::1]:27017",
      "::1/ip_literal/27017/10+11" },
    { "mongodb://[::1]:",
      "E malformed connection string bad-port 15+1 'a ':' must be followed by a port' hint=''" },
    { "mongodb://[::1]:65536",
      "E malformed connection string bad-port 16+5 'port 65536 is out of range (1 to 65535)' hint=''" },
    { "mongodb://[::1",
      "E malformed connection string bad-host 10+4 ''[' without a closing ']'' hint=''" },
    { "mongodb://[]",
      "E malformed connection string bad-host 10+2 'not an IPv6 address' hint=''" },
    { "mongodb://[::1]x",
      "E malformed connection string bad-host 15+1 'only ':port' may follow ']'' hint=''" },
    { "mongodb://[1.2.3.4]",
      "E malformed connection string bad-host 11+7 ''1.2.3.4' is not an IPv6 address' hint=''" },
    { "mongodb://[fe80::1%25eth0]",
      "E malformed connection string bad-host 11+14 'IPv6 zone identifiers are not supported' hint=''" },
    { "mongodb://[2001:DB8::1]:1,[::ffff:10.0.0.1]",
      "2001:db8::1/ip_literal/1/10+15 ::ffff:10.0.0.1/ip_literal/0/26+17" },
    { "mongodb://user:pa/ss@h",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb://user:pa?ss@h",
      "E malformed connection string bad-userinfo 17+1 'an '@' after '?' with no '/' before it is ambiguous: either the user name or password holds an unescaped '?', or an option value holds an unescaped '@'' hint='percent-encode '?' in a user name or password as %3F, or '@' in an option value as %40'" },
    { "mongodb://u:p/x@h:99999",
      "E malformed connection string bad-userinfo 13+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    /* an '@' in the database with a ':' among the hosts: what follows the
     * ':' is a password to the redactor, so whether it reads as a port or an
     * address does not choose the error */
    { "mongodb://h:27017/db@x",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb://[::1]:0/x@",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb://[::1]:1/x@",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb+srv://h:1/x@",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb+srv://h:0/x@",
      "E malformed connection string bad-userinfo 17+1 'the user name or password seems to contain an unescaped '/' or '?'' hint='percent-encode '/' as %2F and '?' as %3F in a user name or password'" },
    { "mongodb+srv://cluster0.example.com",
      "cluster0.example.com/hostname/0/14+20" },
    { "mongodb+srv://Cluster0.Example.COM",
      "cluster0.example.com/hostname/0/14+20" },
    { "mongodb+srv://localhost/db",
      "localhost/hostname/0/14+9" },
    { "mongodb+srv://{64}.example.com",
      "E malformed connection string bad-srv-host 14+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint='write the full DNS name, e.g. cluster0.example.com'" },
    { "mongodb+srv://a..b.com",
      "E malformed connection string bad-srv-host 16+1 'the host name has an empty label (a '.' at the start or two in a row)' hint='write the full DNS name, e.g. cluster0.example.com'" },
    { "mongodb+srv://1.2.3.4",
      "E malformed connection string bad-srv-host 14+7 'mongodb+srv:// needs a DNS name, not an IP address or socket path' hint=''" },
    { "mongodb+srv://a.b.c.",
      "a.b.c./hostname/0/14+6" },
    { "mongodb+srv://{63}.{63}.{63}.{62}",
      "E malformed connection string bad-srv-host 206+62 'the host name has 254 characters, longer than a DNS name (253)' hint='write the full DNS name, e.g. cluster0.example.com'" },
    { "mongodb+srv://a,b",
      "E malformed connection string bad-srv-host 16+1 'mongodb+srv:// takes exactly one host name' hint='list several hosts only with mongodb://'" },
    { "mongodb+srv://a:27017",
      "E malformed connection string bad-srv-host 15+6 'mongodb+srv:// takes no port: the ports come from the SRV records' hint=''" },
    { "mongodb+srv://[::1]",
      "E malformed connection string bad-srv-host 14+5 'mongodb+srv:// needs a DNS name, not an IP address or socket path' hint=''" },
    { "mongodb+srv://%2Fx.sock",
      "E malformed connection string bad-srv-host 14+9 'mongodb+srv:// needs a DNS name, not an IP address or socket path' hint=''" },
    { "mongodb+srv://.a.com",
      "E malformed connection string bad-srv-host 14+1 'the host name has an empty label (a '.' at the start or two in a row)' hint='write the full DNS name, e.g. cluster0.example.com'" },
    { "mongodb+srv://a:",
      "E malformed connection string bad-port 15+1 'a ':' must be followed by a port' hint=''" },
    { "mongodb+srv://a:0",
      "E malformed connection string bad-port 16+1 'port 0 is out of range (1 to 65535)' hint=''" },
};

static const pinned_case pinned_srv_targets[] = {
    { "cluster0.example.com",
      "ok" },
    { "a..b",
      "E malformed connection string bad-host 2+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
    { "A.B",
      "ok" },
    { "1.2.3.4",
      "E malformed connection string bad-host 0+7 'an SRV target must be a host name, not an IP address' hint=''" },
    { "a.",
      "E malformed connection string bad-host 1+1 'the host name has an empty label' hint=''" },
    { "{64}.com",
      "E malformed connection string bad-host 0+64 'a label of the host name has 64 characters (1 to 63 allowed)' hint=''" },
    { "{63}.com",
      "ok" },
    { "a_b",
      "ok" },
    { "a b",
      "E malformed connection string bad-host 1+1 'character ' ' is not allowed in a host name' hint='percent-encode a unix socket path: %2Ftmp%2Fmongodb-27017.sock'" },
    { "",
      "E malformed connection string no-host 0+0 'empty host name' hint=''" },
    { "a:1",
      "E malformed connection string bad-host 1+1 'character ':' is not allowed in a host name' hint=''" },
    { ".",
      "E malformed connection string bad-host 0+1 'the host name has an empty label' hint=''" },
    { "{63}.{63}.{63}.{61}",
      "ok" },
    { "{63}.{63}.{63}.{62}",
      "E malformed connection string bad-host 192+62 'the host name has 254 characters, longer than a DNS name (253)' hint=''" },
    { "01.2.3.4",
      "ok" },
    { "a,b",
      "E malformed connection string bad-host 1+1 'character ',' is not allowed in a host name' hint=''" },
    { "a%41",
      "E malformed connection string bad-host 1+1 'character '%' is not allowed in a host name' hint=''" },
    { "b\xc3\xbc",
      "E malformed connection string bad-host 1+1 'character '\xc3' is not allowed in a host name' hint=''" },
    { ".a",
      "E malformed connection string bad-host 0+1 'the host name has an empty label (a '.' at the start or two in a row)' hint=''" },
};

static void check_pinned(const pinned_case *cases, size_t n,
                         void (*render)(const char *, char *, size_t))
{
    bool dump = getenv("MONGOURI_PIN_DUMP") != NULL;

    for (size_t i = 0; i < n; i++) {
        char text[1024], want[1024], got[1024];
        expand(cases[i].uri, text, sizeof text);
        render(text, got, sizeof got);
        if (dump) {
            printf("PIN %s\n", got);
            continue;
        }
        cr_assert_not_null(cases[i].want, "%s: no expected result", cases[i].uri);
        expand(cases[i].want, want, sizeof want);
        cr_expect_str_eq(got, want, "%s:\n got  %s\n want %s", cases[i].uri, got, want);
    }
}

Test(hosts, pinned_results)
{
    check_pinned(pinned_uris, sizeof pinned_uris / sizeof pinned_uris[0], render_uri);
}

Test(hosts, pinned_srv_targets)
{
    check_pinned(pinned_srv_targets, sizeof pinned_srv_targets / sizeof pinned_srv_targets[0],
                 render_srv_target);
}
