/*
 * The strict percent decoder (mongouri__pct_decode) and the UTF-8 check
 * (mongouri__utf8_valid): %XX only, '+' stays '+', %00 and invalid UTF-8
 * are errors reported at the offending source byte.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "unit.h"

/* Self-contained case: no pointers, so it survives the copy into the child. */
typedef struct decode_case {
    char in[48];
    size_t in_len;  /* 0: strlen(in) */
    bool ok;
    char out[48];
    size_t out_len; /* 0: strlen(out) */
    size_t bad;     /* offending offset in `in` when !ok */
    mongouri_diag diag;
} decode_case;

#define GOOD(in, out) { in, 0, true, out, 0, 0, MONGOURI_D_NONE }
#define BAD(in, at, d) { in, 0, false, "", 0, at, MONGOURI_D_##d }

ParameterizedTestParameters(pct_decode, table)
{
    static decode_case cases[] = {
        GOOD("", ""),
        GOOD("plain", "plain"),
        GOOD("a+b", "a+b"),                 /* '+' is not a space */
        GOOD("%2B", "+"),
        GOOD("%20", " "),
        GOOD("%41%42c", "ABc"),
        GOOD("%2f%2F", "//"),               /* hex digits in either case */
        GOOD("%25", "%"),
        GOOD("100%2525", "100%25"),         /* decoded once only */
        GOOD("%3A%40%2C%3F%26%3D", ":@,?&="),
        GOOD("%C3%A9", "\xc3\xa9"),
        GOOD("\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"), /* raw UTF-8 kept */
        GOOD("%E2%82%AC", "\xe2\x82\xac"),
        GOOD("%F0%9F%8D%83", "\xf0\x9f\x8d\x83"),
        GOOD("%F4%8F%BF%BF", "\xf4\x8f\xbf\xbf"), /* U+10FFFF */
        GOOD("%7F", "\x7f"),
        GOOD("%01", "\x01"),
        BAD("%", 0, BAD_ESCAPE),
        BAD("%4", 0, BAD_ESCAPE),
        BAD("ab%4", 2, BAD_ESCAPE),
        BAD("%G0", 0, BAD_ESCAPE),
        BAD("%0G", 0, BAD_ESCAPE),
        BAD("x%zz", 1, BAD_ESCAPE),
        BAD("%%41", 0, BAD_ESCAPE),
        BAD("%+1", 0, BAD_ESCAPE),
        BAD("% 1", 0, BAD_ESCAPE),
        BAD("ok%41%", 5, BAD_ESCAPE),
        BAD("%00", 0, NUL_BYTE),
        BAD("abc%00def", 3, NUL_BYTE),
        BAD("%C3%A9%00", 6, NUL_BYTE),
        BAD("%FF", 0, BAD_UTF8),
        BAD("%80", 0, BAD_UTF8),
        BAD("ab%C3", 2, BAD_UTF8),          /* truncated sequence */
        BAD("ab%C3%28", 2, BAD_UTF8),       /* bad continuation */
        BAD("%C0%AF", 0, BAD_UTF8),         /* overlong '/' */
        BAD("%C1%BF", 0, BAD_UTF8),         /* overlong */
        BAD("%E0%80%AF", 0, BAD_UTF8),      /* overlong, three bytes */
        BAD("%ED%A0%80", 0, BAD_UTF8),      /* surrogate U+D800 */
        BAD("%F4%90%80%80", 0, BAD_UTF8),   /* above U+10FFFF */
        BAD("%F5%80%80%80", 0, BAD_UTF8),
        BAD("x\xff", 1, BAD_UTF8),          /* raw invalid byte */
        BAD("xy%41\xc3", 5, BAD_UTF8),      /* raw truncated after an escape */
        BAD("%41%42\xe2\x82", 6, BAD_UTF8),
        BAD("\xc3\xa9%E2%82", 2, BAD_UTF8),
        /* the first escape or NUL error wins over an earlier UTF-8 error */
        BAD("%FF%4", 3, BAD_ESCAPE),
        BAD("\xff%00", 1, NUL_BYTE),
        BAD("%C3%00%zz", 3, NUL_BYTE),
        /* runs of eight and more bytes between escapes */
        GOOD("abcdefgh%41ijklmnop%42qrstuvwx", "abcdefghAijklmnopBqrstuvwx"),
        GOOD("abcdefghijklmnopqrstuvwxyz01234", "abcdefghijklmnopqrstuvwxyz01234"),
        GOOD("abcdefg\xc3\xa9hijklmn%C3%A9opqrs", "abcdefg\xc3\xa9hijklmn\xc3\xa9opqrs"),
        BAD("abcdefghijklmnop%4", 16, BAD_ESCAPE),
        BAD("abcdefghijklmnopqrstu%00", 21, NUL_BYTE),
        BAD("abcdefghijklmnop\xffqrs", 16, BAD_UTF8),
        BAD("abcdefgh%41ijklmnop\xe2\x82", 19, BAD_UTF8),
        BAD("%41%42%43%44%45%46%47%48%49\xc3", 27, BAD_UTF8),
        /* a raw NUL is kept when nothing is escaped, an error otherwise */
        { "ab\0cdefghijk", 13, true, "ab\0cdefghijk", 13, 0, MONGOURI_D_NONE },
        { "abcdefghij\0k%41", 16, false, "", 0, 10, MONGOURI_D_NUL_BYTE },
        { "%41abcdefghij\0k", 16, false, "", 0, 13, MONGOURI_D_NUL_BYTE },
        { "%41\0%zz", 8, false, "", 0, 3, MONGOURI_D_NUL_BYTE },
        { "%zz\0", 4, false, "", 0, 0, MONGOURI_D_BAD_ESCAPE },
    };
    return cr_make_param_array(decode_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(decode_case *c, pct_decode, table)
{
    size_t n = c->in_len != 0 ? c->in_len : strlen(c->in);
    char dst[64];
    size_t dlen = 12345, bad = 12345;
    mongouri_diag diag = MONGOURI_D_NONE;
    bool ok = mongouri__pct_decode(c->in, n, dst, &dlen, &bad, &diag);

    cr_assert_eq(ok, c->ok, "decode(\"%s\"): expected %s", c->in, c->ok ? "success" : "failure");
    if (c->ok) {
        size_t want = c->out_len != 0 ? c->out_len : strlen(c->out);
        cr_expect_eq(dlen, want, "decode(\"%s\"): length %zu, expected %zu", c->in, dlen, want);
        cr_expect_eq(memcmp(dst, c->out, want), 0, "decode(\"%s\"): wrong bytes", c->in);
        cr_expect_eq(dst[dlen], '\0', "decode(\"%s\"): output not NUL-terminated", c->in);
    } else {
        cr_expect_eq(diag, c->diag, "decode(\"%s\"): diag %s, expected %s", c->in,
                     mongouri_diag_name(diag), mongouri_diag_name(c->diag));
        cr_expect_eq(bad, c->bad, "decode(\"%s\"): bad offset %zu, expected %zu", c->in, bad,
                     c->bad);
    }
}

Test(pct_decode, length_bounds_the_input)
{
    /* Only the first n bytes are read: an escape cut by n is an error. */
    char dst[16];
    size_t dlen, bad;
    mongouri_diag diag;

    cr_assert(mongouri__pct_decode("abc%41", 3, dst, &dlen, &bad, &diag));
    cr_expect_str_eq(dst, "abc");
    cr_assert_not(mongouri__pct_decode("abc%41", 5, dst, &dlen, &bad, &diag));
    cr_expect_eq(diag, MONGOURI_D_BAD_ESCAPE);
    cr_expect_eq(bad, 3u);
    /* A raw NUL next to escapes is an error, never a terminator (the parser
     * refuses raw NUL bytes before decoding anything). */
    cr_assert_not(mongouri__pct_decode("ab\0%41", 6, dst, &dlen, &bad, &diag));
    cr_expect_eq(diag, MONGOURI_D_NUL_BYTE);
    cr_expect_eq(bad, 2u);
}

Test(pct_decode, in_place_capacity)
{
    /* The documented capacity n + 1 is always enough. */
    const char *src = "%41%42%43xyz";
    char dst[13];
    size_t dlen, bad;
    mongouri_diag diag;

    cr_assert(mongouri__pct_decode(src, strlen(src), dst, &dlen, &bad, &diag));
    cr_expect_str_eq(dst, "ABCxyz");
    cr_expect_eq(dlen, 6u);
}

typedef struct utf8_case {
    char in[24];
    size_t n; /* 0: strlen */
    bool ok;
    size_t bad;
} utf8_case;

ParameterizedTestParameters(utf8, table)
{
    static utf8_case cases[] = {
        { "", 0, true, 0 },
        { "ascii only", 0, true, 0 },
        { "b\xc3\xbc" "cher", 0, true, 0 },
        { "\xe2\x82\xac", 0, true, 0 },
        { "\xf0\x9f\x8d\x83", 0, true, 0 },
        { "\xef\xbf\xbf", 0, true, 0 },         /* U+FFFF is a valid scalar */
        { "\xc2\x80", 0, true, 0 },             /* smallest two-byte */
        { "a\x80", 0, false, 1 },               /* lone continuation */
        { "ab\xc3", 0, false, 2 },              /* truncated */
        { "\xc3\xa9\xc3(", 0, false, 2 },
        { "\xc0\x80", 0, false, 0 },            /* overlong NUL */
        { "\xe0\x9f\xbf", 0, false, 0 },        /* overlong three-byte */
        { "\xed\xbf\xbf", 0, false, 0 },        /* surrogate */
        { "\xf0\x8f\xbf\xbf", 0, false, 0 },    /* overlong four-byte */
        { "\xf4\x90\x80\x80", 0, false, 0 },    /* above U+10FFFF */
        { "ok\xfe", 0, false, 2 },
        { "ok\xff", 0, false, 2 },
        { "\xe2\x82\xac", 2, false, 0 },        /* cut by the length */
    };
    return cr_make_param_array(utf8_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(utf8_case *c, utf8, table)
{
    size_t n = c->n != 0 ? c->n : strlen(c->in);
    size_t bad = 999;
    bool ok = mongouri__utf8_valid(c->in, n, &bad);

    cr_assert_eq(ok, c->ok, "utf8_valid(case with %zu bytes): expected %s", n,
                 c->ok ? "valid" : "invalid");
    if (!c->ok)
        cr_expect_eq(bad, c->bad, "first bad byte at %zu, expected %zu", bad, c->bad);
}

Test(utf8, bad_may_be_null)
{
    cr_expect(mongouri__utf8_valid("abc", 3, NULL));
    cr_expect_not(mongouri__utf8_valid("\xff", 1, NULL));
}

/* The decoder as used by the parser: each part of the string decodes strictly. */
Test(pct_decode, through_the_parser)
{
    mongouri_uri *uri = parse_ok("mongodb://us%2Ber:p%40+w@h/d%62+x?appname=a%20b+c");

    cr_expect_str_eq(mongouri_uri_username(uri), "us+er");
    cr_expect_str_eq(mongouri_uri_password(uri), "p@+w");
    cr_expect_str_eq(mongouri_uri_database(uri), "db+x");
    {
        const char *app = NULL;
        cr_assert_eq(mongouri_uri_get_string(uri, "appname", &app), MONGOURI_OK);
        cr_expect_str_eq(app, "a b+c");
    }
    mongouri_uri_destroy(uri);
}

typedef struct part_case {
    char uri[64];
    mongouri_diag diag;
    long offset;
} part_case;

ParameterizedTestParameters(pct_decode, errors_in_each_part)
{
    static part_case cases[] = {
        { "mongodb://u%4:p@h", MONGOURI_D_BAD_ESCAPE, 11 },
        { "mongodb://u:p%4x@h", MONGOURI_D_BAD_ESCAPE, 13 },
        { "mongodb://h/d%x1", MONGOURI_D_BAD_ESCAPE, 13 },
        { "mongodb://h/?appname=a%", MONGOURI_D_BAD_ESCAPE, 22 },
        { "mongodb://u%00:p@h", MONGOURI_D_NUL_BYTE, 11 },
        { "mongodb://u:%00@h", MONGOURI_D_NUL_BYTE, 12 },
        { "mongodb://h/%00", MONGOURI_D_NUL_BYTE, 12 },
        { "mongodb://h/?w=%00", MONGOURI_D_NUL_BYTE, 15 },
        { "mongodb://%FF:p@h", MONGOURI_D_BAD_UTF8, 10 },
        { "mongodb://u:ab%C3@h", MONGOURI_D_BAD_UTF8, 14 },
        { "mongodb://h/x%E2%82", MONGOURI_D_BAD_UTF8, 13 },
        { "mongodb://h/?appname=ok%C0%AF", MONGOURI_D_BAD_UTF8, 23 },
        { "mongodb://u\xff:p@h", MONGOURI_D_BAD_UTF8, 11 },
        { "mongodb://h/?appname=\xc3", MONGOURI_D_BAD_UTF8, 21 },
        { "mongodb://h\xff", MONGOURI_D_BAD_UTF8, 11 },
        { "mongodb://h%zz", MONGOURI_D_BAD_ESCAPE, 11 },
        /* the reserved characters of the userinfo come before its escapes */
        { "mongodb://u%zz:p@x@h", MONGOURI_D_BAD_USERINFO, 16 },
        { "mongodb://u%zz:p:q@h", MONGOURI_D_BAD_USERINFO, 16 },
        { "mongodb://u:p%zz[@h", MONGOURI_D_BAD_USERINFO, 16 },
        { "mongodb://u%FF:p%zz@h", MONGOURI_D_BAD_UTF8, 11 },
        { "mongodb://u:%FF%zz@h", MONGOURI_D_BAD_ESCAPE, 15 },
        { "mongodb://u:p%E2%82@h", MONGOURI_D_BAD_UTF8, 13 },
        { "mongodb://longusername:longpassword%00@h", MONGOURI_D_NUL_BYTE, 35 },
        { "mongodb://u\x01:p@h", MONGOURI_D_BAD_USERINFO, 11 },
        { "mongodb://u:p\x7f@h", MONGOURI_D_BAD_USERINFO, 13 },
        { "mongodb://u:p q@h", MONGOURI_D_BAD_USERINFO, 13 },
        /* a database byte refused raw or decoded, at its source offset */
        { "mongodb://h/d%41b%2Fx", MONGOURI_D_BAD_DATABASE, 17 },
        { "mongodb://h/%C3%A9%24", MONGOURI_D_BAD_DATABASE, 18 },
        { "mongodb://h/ab%20c", MONGOURI_D_BAD_DATABASE, 14 },
        { "mongodb://h/a%41\\", MONGOURI_D_BAD_DATABASE, 16 },
        { "mongodb://h/a\"b", MONGOURI_D_BAD_DATABASE, 13 },
        { "mongodb://h/a$b%zz", MONGOURI_D_BAD_ESCAPE, 15 },
        { "mongodb://h/a%40b", MONGOURI_D_BAD_DATABASE, 13 },
        { "mongodb://h/a%FF%24", MONGOURI_D_BAD_UTF8, 13 },
    };
    return cr_make_param_array(part_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(part_case *c, pct_decode, errors_in_each_part)
{
    mongouri_error err;

    parse_fail(c->uri, &err);
    cr_expect_eq(err.code, c->diag, "%s: diag %s, expected %s", c->uri,
                 mongouri_diag_name(err.code), mongouri_diag_name(c->diag));
    cr_expect_eq(err.offset, c->offset, "%s: offset %ld, expected %ld", c->uri, err.offset,
                 c->offset);
    cr_expect_eq(err.status, MONGOURI_E_SYNTAX, "%s: a decoding error is a syntax error", c->uri);
}
