/*
 * The fast path of the host parser against the general code it stands in
 * for: host.c is compiled into this test, so that host_parse_slow (the code
 * every host went through before the fast path) can be called directly.
 * For pseudo-random host lists built from the bytes and pieces that matter
 * (letters in both cases, digits, dots, ':', ',', '%', UTF-8, brackets, long
 * labels, ports), both must give the same status, error (every field),
 * host, type, port, offset and length, and the fast path must stop at the
 * first ','.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "host.c"

static bool no_secret_here(void *ctx, size_t start, size_t end)
{
    (void)ctx;
    (void)start;
    (void)end;
    return false;
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(rng_state >> 33) % n;
}

static const char *const pieces[] = {
    "a", "b", "Z", "A", "0", "1", "2", "5", "9", ".", ".", ":", ",", "-", "_", "~",
    "%", "/", " ", "\xc3", "\xbc", "[", "]", "\x01", "%2F", "%41", "65535", "65536", "27017",
    "255", "256", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ".sock",
    "a.b", "1.2.3.4", "00000", "[::1]", "\x7f", "?", "@",
};

static size_t build(char *text, size_t cap)
{
    size_t len = 0;
    unsigned parts = rnd(12), plain = rnd(4) != 0;

    for (unsigned i = 0; i < parts && len + 80 < cap; i++) {
        const char *p = pieces[rnd(plain ? 16 : sizeof pieces / sizeof pieces[0])];
        size_t n = strlen(p);
        memcpy(text + len, p, n);
        len += n;
    }
    if (rnd(8) == 0) { /* long labels and names */
        unsigned labels = rnd(6);
        for (unsigned l = 0; l < labels && len + 80 < cap; l++) {
            unsigned ll = 55 + rnd(12);
            for (unsigned j = 0; j < ll; j++)
                text[len++] = (char)("aBc"[rnd(3)]);
            if (rnd(4) != 0)
                text[len++] = '.';
        }
        if (rnd(2) != 0 && len + 8 < cap) {
            memcpy(text + len, ":27017", 6);
            len += 6;
        }
    }
    text[len] = '\0';
    return len;
}

Test(host_fast, same_as_general_code)
{
    static char text[2048];
    unsigned long accepted = 0;

    for (unsigned long it = 0; it < 200000; it++) {
        size_t len = build(text, sizeof text);
        const char *comma = memchr(text, ',', len);
        size_t n = comma != NULL ? (size_t)(comma - text) : len;

        for (int srv = 0; srv < 2; srv++) {
            mongouri__arena a1 = {NULL}, a2 = {NULL};
            mongouri_error e1, e2;
            mongouri__host h1, h2;
            mongouri__host_ctx c1 = {text, &a1, &e1, srv != 0, no_secret_here, NULL};
            mongouri__host_ctx c2 = {text, &a2, &e2, srv != 0, no_secret_here, NULL};
            mongouri_status r1, r2;
            size_t stop = (size_t)-1;

            memset(&e1, 0, sizeof e1);
            memset(&e2, 0, sizeof e2);
            memset(&h1, 0, sizeof h1);
            memset(&h2, 0, sizeof h2);
            if (rnd(2) != 0) /* the copy goes to the arena's free space or to the stack */
                cr_assert_not_null(mongouri__arena_alloc(&a2, 16));
            r1 = host_parse_slow(&c1, 0, n, &h1);
            r2 = mongouri__host_parse(&c2, 0, len, &h2, &stop);
            cr_assert_eq(r2, r1, "[%s] status %d, expected %d (%s)", text, r2, r1, e1.message);
            cr_assert_eq(memcmp(&e1, &e2, sizeof e1), 0, "[%s] error '%s' at %ld+%ld, expected '%s' at %ld+%ld",
                         text, e2.message, e2.offset, e2.length, e1.message, e1.offset, e1.length);
            if (r1 == MONGOURI_OK) {
                accepted++;
                cr_assert_str_eq(h2.host, h1.host, "[%s]", text);
                cr_assert_eq(h2.port, h1.port, "[%s] port %u, expected %u", text, h2.port, h1.port);
                cr_assert_eq(h2.type, h1.type, "[%s] type", text);
                cr_assert_eq(h2.source, h1.source, "[%s] source", text);
                cr_assert_eq(h2.offset, h1.offset, "[%s] offset", text);
                cr_assert_eq(h2.length, h1.length, "[%s] length", text);
                cr_assert_eq(stop, n, "[%s] stops at %zu, expected %zu", text, stop, n);
            }
            mongouri__arena_free(&a1);
            mongouri__arena_free(&a2);
        }
    }
    /* the inputs reach both outcomes */
    cr_expect_gt(accepted, 100000ul, "only %lu hosts accepted", accepted);
    cr_expect_lt(accepted, 350000ul, "%lu of 400000 accepted", accepted);
}
