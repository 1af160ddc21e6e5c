/*
 * mongouri_srv_apply(): a rescan's SRV answer applied to a driver's seed
 * list, one test per rule of the polling-srv-records-for-mongos-discovery
 * prose tests (1-5, 8, 10-12; 6, 7, 9 and 13 need DNS and are in
 * test-hostile.c) and per rule of the spec the tests do not spell out.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mongouri/mongouri.h"

#define H "localhost.test.build.10gen.cc"

static const mongouri_seed initial[] = { { (char *)H, 27017 }, { (char *)H, 27018 } };

/* "host:port,host:port" in the list's own order. */
static void show(char *dst, size_t cap, const mongouri_seed *s, size_t n)
{
    size_t used = 0;

    dst[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(dst + used, cap - used, "%s%s:%u", i ? "," : "", s[i].host,
                                 (unsigned)s[i].port);
}

static uint32_t pick_last(void *ctx, uint32_t bound)
{
    (void)ctx;
    return bound - 1;
}

static uint32_t pick_first(void *ctx, uint32_t bound)
{
    (void)ctx;
    (void)bound;
    return 0;
}

static uint32_t broken(void *ctx, uint32_t bound)
{
    (void)ctx;
    return bound * 3 + 11; /* out of range: the library must stay in bounds */
}

/* Apply `answer` to `current` and compare with `want` (in order). */
static void check(const mongouri_seed *current, size_t ncur, const mongouri_seed *answer,
                  size_t nans, uint32_t max, uint32_t (*rnd)(void *, uint32_t),
                  const char *want)
{
    mongouri_seed *out = NULL;
    size_t n = 0;
    mongouri_error err;
    char got[1024];

    cr_assert_eq(mongouri_srv_apply(&out, &n, current, ncur, answer, nans, max, rnd, NULL, &err),
                 MONGOURI_OK, "%s", err.message);
    show(got, sizeof got, out, n);
    cr_expect_str_eq(got, want);
    mongouri_seeds_free(out, n);
}

/* 1. Addition of a new DNS record. */
Test(srv_apply, prose_1_addition)
{
    const mongouri_seed a[] = { { (char *)H, 27017 }, { (char *)H, 27018 }, { (char *)H, 27019 } };

    check(initial, 2, a, 3, 0, NULL, H ":27017," H ":27018," H ":27019");
}

/* 2. Removal of an existing DNS record. */
Test(srv_apply, prose_2_removal)
{
    const mongouri_seed a[] = { { (char *)H, 27017 } };

    check(initial, 2, a, 1, 0, NULL, H ":27017");
}

/* 3. Replacement of a DNS record. */
Test(srv_apply, prose_3_replacement)
{
    const mongouri_seed a[] = { { (char *)H, 27017 }, { (char *)H, 27019 } };

    check(initial, 2, a, 2, 0, NULL, H ":27017," H ":27019");
}

/* 4. Both records replaced with one new record. */
Test(srv_apply, prose_4_both_replaced_by_one)
{
    const mongouri_seed a[] = { { (char *)H, 27019 } };

    check(initial, 2, a, 1, 0, NULL, H ":27019");
}

/* 5. Both records replaced with two new records. */
Test(srv_apply, prose_5_both_replaced_by_two)
{
    const mongouri_seed a[] = { { (char *)H, 27019 }, { (char *)H, 27020 } };

    check(initial, 2, a, 2, 0, NULL, H ":27019," H ":27020");
}

/* 6-8. A failed or empty answer: the list is never emptied, never changed. */
Test(srv_apply, prose_8_no_record_keeps_the_list)
{
    check(initial, 2, NULL, 0, 0, NULL, H ":27017," H ":27018");
    check(initial, 2, NULL, 0, 1, NULL, H ":27017," H ":27018");
}

/* 10. srvMaxHosts = 0: every record. */
Test(srv_apply, prose_10_max_hosts_zero)
{
    const mongouri_seed a[] = { { (char *)H, 27017 }, { (char *)H, 27019 }, { (char *)H, 27020 } };

    check(initial, 2, a, 3, 0, NULL, H ":27017," H ":27019," H ":27020");
}

/* 11. srvMaxHosts >= records: every record. */
Test(srv_apply, prose_11_max_hosts_at_least_records)
{
    const mongouri_seed a[] = { { (char *)H, 27019 }, { (char *)H, 27020 } };

    check(initial, 2, a, 2, 2, NULL, H ":27019," H ":27020");
}

/* 12. srvMaxHosts > 0 and fewer than the records: the kept host, then one new at random. */
Test(srv_apply, prose_12_new_hosts_at_random)
{
    const mongouri_seed a[] = { { (char *)H, 27017 }, { (char *)H, 27019 }, { (char *)H, 27020 } };
    bool saw19 = false, saw20 = false;

    check(initial, 2, a, 3, 2, pick_first, H ":27017," H ":27019");
    check(initial, 2, a, 3, 2, pick_last, H ":27017," H ":27020");
    check(initial, 2, a, 3, 2, broken, H ":27017," H ":27020");
    /* The library's own source: always 2 hosts, 27017 always one of them. */
    for (int i = 0; i < 200 && !(saw19 && saw20); i++) {
        mongouri_seed *out = NULL;
        size_t n = 0;

        cr_assert_eq(mongouri_srv_apply(&out, &n, initial, 2, a, 3, 2, NULL, NULL, NULL),
                     MONGOURI_OK);
        cr_assert_eq(n, 2);
        cr_expect_eq(out[0].port, 27017);
        saw19 = saw19 || out[1].port == 27019;
        saw20 = saw20 || out[1].port == 27020;
        mongouri_seeds_free(out, n);
    }
    cr_expect(saw19 && saw20, "the new host is chosen at random");
}

/* Hosts still present are kept where they were, not removed and re-added. */
Test(srv_apply, kept_hosts_keep_their_place)
{
    const mongouri_seed cur[] = { { (char *)"b.example.com", 1 }, { (char *)"a.example.com", 2 } };
    const mongouri_seed a[] = { { (char *)"c.example.com", 3 }, { (char *)"A.Example.COM", 2 },
                                { (char *)"b.example.com", 1 } };

    check(cur, 2, a, 3, 0, NULL, "b.example.com:1,a.example.com:2,c.example.com:3");
}

/* srvMaxHosts already reached by the kept hosts: nothing is added, nothing dropped. */
Test(srv_apply, full_list_gets_no_new_host)
{
    const mongouri_seed a[] = { { (char *)H, 27017 }, { (char *)H, 27018 }, { (char *)H, 27019 } };

    check(initial, 2, a, 3, 2, pick_first, H ":27017," H ":27018");
    check(initial, 2, a, 3, 1, pick_first, H ":27017," H ":27018");
}

/* Duplicates in the answer count once; port 0 is the default port. */
Test(srv_apply, duplicates_and_default_port)
{
    const mongouri_seed a[] = { { (char *)"x.example.com", 0 }, { (char *)"X.example.com", 27017 },
                                { (char *)"y.example.com", 5 } };

    check(NULL, 0, a, 3, 0, NULL, "x.example.com:27017,y.example.com:5");
}

Test(srv_apply, arguments)
{
    mongouri_seed *out = (mongouri_seed *)initial;
    const mongouri_seed nohost[] = { { NULL, 1 } };
    size_t n = 7;
    mongouri_error err;

    cr_expect_eq(mongouri_srv_apply(NULL, &n, initial, 2, NULL, 0, 0, NULL, NULL, &err),
                 MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_srv_apply(&out, &n, NULL, 2, NULL, 0, 0, NULL, NULL, &err),
                 MONGOURI_E_INVALID_ARG);
    cr_expect_eq(mongouri_srv_apply(&out, &n, initial, 2, nohost, 1, 0, NULL, NULL, &err),
                 MONGOURI_E_INVALID_ARG);
    cr_expect(out == NULL && n == 0);
    mongouri_seeds_free(NULL, 3);
}
