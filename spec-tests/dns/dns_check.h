/*
 * The runner shared by the resolver test programs (test-resolve.c,
 * test-hostile.c): named tests, failures reported with their line, the
 * EXPECT checks, and a clock for time bounds.
 */
#ifndef MONGOURI_DNS_CHECK_H
#define MONGOURI_DNS_CHECK_H

#include <stddef.h>
#include <string.h>

#include "mongouri/mongouri.h"

typedef struct named_test {
    const char *name;
    void (*fn)(void);
} named_test;

/* The name of the running test. */
const char *test_name(void);
/* Report a failure of the running test at `line`. */
void fail_at(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Milliseconds of a monotonic clock. */
double now_ms(void);
/* Run the tests whose name contains `filter` (NULL: all), then print
 * "N passed, N failed". Returns the exit status: 0 only when none failed. */
int run_tests(const named_test *tests, size_t n, const char *filter);

/* The hosts of `uri` as "host:port", sorted, joined by ',' into out[0..cap). */
void seed_list(const mongouri_uri *uri, char *out, size_t cap);

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail_at(__LINE__, "%s", #cond);                                                        \
    } while (0)

#define EXPECT_STR(got, want)                                                                      \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_) != 0)                             \
            fail_at(__LINE__, "%s: got \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)",             \
                    w_ ? w_ : "(null)");                                                           \
    } while (0)

#define EXPECT_CONTAINS(text, part)                                                                \
    do {                                                                                           \
        const char *t_ = (text), *p_ = (part);                                                     \
        if (t_ == NULL || strstr(t_, p_) == NULL)                                                  \
            fail_at(__LINE__, "%s: \"%s\" does not contain \"%s\"", #text, t_ ? t_ : "(null)",     \
                    p_);                                                                           \
    } while (0)

#endif /* MONGOURI_DNS_CHECK_H */
