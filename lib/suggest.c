/*
 * "Did you mean": the one suggestion engine of the library and its tools.
 * The nearest candidate by case-folded edit distance, within a bound that
 * grows with the length of the word (see mongouri_suggest in mongouri.h).
 */
#include <string.h>

#include "options_int.h"
#include "util_int.h"

/* The largest distance still worth a suggestion for a word of `len` bytes. */
static unsigned suggest_bound(size_t len)
{
    return len <= 4 ? 1u : len <= 9 ? 2u : 3u;
}

const char *mongouri_suggest(const char *word, size_t len, const char *const *candidates, size_t n)
{
    unsigned max, best_d;
    const char *best = NULL;

    if (word == NULL || len == 0 || candidates == NULL)
        return NULL;
    max = suggest_bound(len);
    best_d = max + 1;
    for (size_t i = 0; i < n; i++) {
        unsigned d;

        if (candidates[i] == NULL)
            continue;
        d = mongouri__edit_distance(word, len, candidates[i], max);
        /* strictly nearer only: of equally near candidates the first wins */
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
