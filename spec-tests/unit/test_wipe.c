/*
 * Secrets do not outlive their use: every block the library frees while a
 * secret is in play is searched for it. free() is interposed for the whole
 * process (the library, cJSON and the test), so a copy freed unwiped is found
 * whoever made it. Not under ASan, which owns malloc and free itself.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <string.h>

#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#ifndef NO_INTERPOSE
extern void __libc_free(void *p);

static const char *watched; /* the secret searched for, NULL: none */
static size_t leaks;

void free(void *p)
{
    if (p != NULL && watched != NULL) {
        size_t n = malloc_usable_size(p), m = strlen(watched);
        if (n >= m && memmem(p, n, watched, m) != NULL)
            leaks++;
    }
    __libc_free(p);
}
#endif

#ifndef NO_INTERPOSE
static void render_and_destroy(const char *text, unsigned int flags)
{
    mongouri_uri *uri = NULL;
    mongouri_error err;
    mongouri_status rc = mongouri_uri_parse(&uri, text, NULL, &err);
    char *json = mongouri_json_render(text, uri, rc == MONGOURI_OK ? NULL : &err, flags);

    cr_assert_not_null(json);
    /* the caller's own copy: it wipes what it was given */
    mongouri__wipe(json, strlen(json));
    mongouri_free(json);
    mongouri_uri_destroy(uri);
}
#endif

static void check_no_leak(const char *text, const char *secret, unsigned int flags)
{
#ifdef NO_INTERPOSE
    (void)text;
    (void)secret;
    (void)flags;
    cr_skip_test("free() cannot be interposed under ASan");
#else
    leaks = 0;
    watched = secret;
    render_and_destroy(text, flags);
    watched = NULL;
    cr_expect_eq(leaks, 0u, "%zu freed blocks still held \"%s\" (%s)", leaks, secret, text);
#endif
}

/* The interposed free() finds a secret in a freed block: the test can fail. */
Test(wipe, the_check_can_fail)
{
#ifdef NO_INTERPOSE
    cr_skip_test("free() cannot be interposed under ASan");
#else
    char *p = strdup("mongodb://u:Zq-Wipe-Me-7@h");
    cr_assert_not_null(p);
    leaks = 0;
    watched = "Zq-Wipe-Me-7";
    mongouri_free(p); /* the library's free(), as the library's own blocks */
    watched = NULL;
    cr_expect_eq(leaks, 1u);
#endif
}

Test(wipe, json_show_secrets_on_input_that_is_not_utf8)
{
    check_no_leak("mongodb://user:Zq-S3CR3T-9@localhost/?appName=\xff\xfe", "Zq-S3CR3T-9",
                  MONGOURI_JSON_SHOW_SECRETS);
}

Test(wipe, json_show_secrets_valid)
{
    check_no_leak("mongodb://user:Zq-S3CR3T-9@localhost/?appName=caf\xc3\xa9", "Zq-S3CR3T-9",
                  MONGOURI_JSON_SHOW_SECRETS | MONGOURI_JSON_PRETTY);
}

Test(wipe, json_redacted_on_input_that_is_not_utf8)
{
    check_no_leak("mongodb://user:Zq-S3CR3T-9@localhost/?appName=\xff", "Zq-S3CR3T-9", 0);
}

Test(wipe, key_password_and_token)
{
    check_no_leak("mongodb://localhost/?tlsCertificateKeyFile=k.pem&"
                  "tlsCertificateKeyFilePassword=Zq-K3Y-8&appName=\xff",
                  "Zq-K3Y-8", MONGOURI_JSON_SHOW_SECRETS);
    check_no_leak("mongodb://localhost/?authMechanism=MONGODB-AWS&"
                  "authMechanismProperties=AWS_SESSION_TOKEN:Zq-T0K-8,\xff",
                  "Zq-T0K-8", MONGOURI_JSON_SHOW_SECRETS);
}
