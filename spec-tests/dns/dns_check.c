/* The runner shared by the resolver test programs (see dns_check.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dns_check.h"

static const char *current; /* name of the running test */
static int current_failures;

const char *test_name(void)
{
    return current;
}

void fail_at(int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "FAIL %s (line %d): ", current, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    current_failures++;
}

double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int run_tests(const named_test *tests, size_t n, const char *filter)
{
    int passed = 0, failed = 0;

    for (size_t t = 0; t < n; t++) {
        if (filter != NULL && strstr(tests[t].name, filter) == NULL)
            continue;
        current = tests[t].name;
        current_failures = 0;
        tests[t].fn();
        if (current_failures == 0)
            passed++;
        else
            failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void seed_list(const mongouri_uri *uri, char *out, size_t cap)
{
    size_t n = mongouri_uri_host_count(uri), i, used = 0;
    char **items = calloc(n ? n : 1, sizeof *items);

    out[0] = '\0';
    if (items == NULL)
        return;
    for (i = 0; i < n; i++) {
        const char *h = mongouri_uri_host(uri, i);
        items[i] = malloc(strlen(h) + 8);
        if (items[i] == NULL)
            goto out;
        sprintf(items[i], "%s:%u", h, (unsigned)mongouri_uri_host_port(uri, i));
    }
    qsort(items, n, sizeof *items, cmp_str);
    for (i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "", items[i]);
out:
    for (i = 0; i < n; i++)
        free(items[i]);
    free(items);
}
