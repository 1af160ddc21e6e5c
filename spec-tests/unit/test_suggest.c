/*
 * "Did you mean": mongouri_suggest, the one engine behind the library's
 * suggestions for unknown options and validate-uri's for unknown flags:
 * a near miss, a far word, the bound growing with the length, ties, case,
 * and the option suggestion built on it.
 */
#include <criterion/criterion.h>

#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *suggest(const char *word, const char *const *cands, size_t n)
{
    return mongouri_suggest(word, strlen(word), cands, n);
}

Test(suggest, near_miss)
{
    static const char *const flags[] = {"--json", "--batch", "--strict", "--dns-server"};

    cr_expect_eq(suggest("--jsno", flags, N(flags)), flags[0], "returns the candidate itself");
    cr_expect_str_eq(suggest("--dns-srever", flags, N(flags)), "--dns-server");
    cr_expect_str_eq(suggest("--batc", flags, N(flags)), "--batch");
}

Test(suggest, far_word)
{
    static const char *const flags[] = {"--json", "--batch", "--strict"};

    cr_expect_null(suggest("--colour", flags, N(flags)));
    cr_expect_null(suggest("zzzzzzzzzzzz", flags, N(flags)));
}

/* At most 1 edit up to 4 bytes, 2 up to 9, 3 beyond. */
Test(suggest, bound_grows_with_length)
{
    static const char *const four[] = {"abcd"};
    static const char *const nine[] = {"abcdefghi"};
    static const char *const ten[] = {"abcdefghij"};

    cr_expect_not_null(suggest("abcx", four, 1), "4 bytes, 1 edit");
    cr_expect_null(suggest("abxy", four, 1), "4 bytes, 2 edits");
    cr_expect_not_null(suggest("abcdefgxy", nine, 1), "9 bytes, 2 edits");
    cr_expect_null(suggest("abcdefxyz", nine, 1), "9 bytes, 3 edits");
    cr_expect_not_null(suggest("abcdefgxyz", ten, 1), "10 bytes, 3 edits");
    cr_expect_null(suggest("abcdefwxyz", ten, 1), "10 bytes, 4 edits");
    /* insertions and deletions count as one edit each */
    cr_expect_not_null(suggest("abcdefghijk", ten, 1), "one byte more");
    cr_expect_not_null(suggest("abcdefghj", ten, 1), "one byte less");
}

Test(suggest, ties_go_to_the_first_candidate)
{
    static const char *const ab[] = {"abcd", "abce"};
    static const char *const ba[] = {"abce", "abcd"};
    static const char *const nearer_later[] = {"abxd", "abcd"};

    cr_expect_str_eq(suggest("abcf", ab, N(ab)), "abcd");
    cr_expect_str_eq(suggest("abcf", ba, N(ba)), "abce");
    cr_expect_str_eq(suggest("abcd", nearer_later, N(nearer_later)), "abcd",
                     "a nearer candidate later in the array wins");
}

Test(suggest, letter_case_is_ignored)
{
    static const char *const names[] = {"tlsCAFile", "tlsCRLFile"};

    cr_expect_str_eq(suggest("TLSCAFILE", names, N(names)), "tlsCAFile", "case only: 0 edits");
    cr_expect_str_eq(suggest("tlscafiles", names, N(names)), "tlsCAFile");
    cr_expect_str_eq(suggest("TLSCRLFIL", names, N(names)), "tlsCRLFile");
}

Test(suggest, word_is_a_length)
{
    static const char *const flags[] = {"--json", "--dns-server"};

    /* The name before '=' of "--dns-srever=127.0.0.1:53". */
    cr_expect_str_eq(mongouri_suggest("--dns-srever=127.0.0.1:53", 12, flags, N(flags)),
                     "--dns-server");
    cr_expect_null(mongouri_suggest("--json", 0, flags, N(flags)), "an empty word");
}

Test(suggest, bad_arguments_and_long_words)
{
    static const char *const with_null[] = {NULL, "replicaSet", NULL};
    char longword[100];

    cr_expect_null(mongouri_suggest(NULL, 3, with_null, N(with_null)));
    cr_expect_null(mongouri_suggest("abc", 3, NULL, 3));
    cr_expect_null(suggest("abc", with_null, 0));
    cr_expect_str_eq(suggest("replicaset", with_null, N(with_null)), "replicaSet",
                     "NULL candidates are skipped");
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    {
        const char *const self[] = {longword};
        cr_expect_null(suggest(longword, self, 1), "80 bytes or more are never matched");
    }
}

Test(suggest, option_names_and_aliases)
{
    cr_expect_str_eq(mongouri_option_suggest("tlsCAFil", 8), "tlsCAFile");
    cr_expect_str_eq(mongouri_option_suggest("TLSCAFILES", 10), "tlsCAFile");
    cr_expect_str_eq(mongouri_option_suggest("replicaset", 10), "replicaSet");
    cr_expect_str_eq(mongouri_option_suggest("wtimeoutms", 10), "wTimeoutMS");
    cr_expect_null(mongouri_option_suggest("colour", 6));
    cr_expect_null(mongouri_option_suggest(NULL, 3));
    /* the internal call the parser uses is the same engine */
    cr_expect_str_eq(mongouri_option_suggest("sslAllowInvalidHostname", 23),
                     "tlsAllowInvalidHostnames", "an alias suggests the canonical name");
    cr_expect_eq(mongouri__option_suggest("tlsAllowInvalidHostname", 23),
                 mongouri_option_suggest("tlsAllowInvalidHostname", 23));
}
