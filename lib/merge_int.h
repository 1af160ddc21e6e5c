/* Merging the option sources by level (merge.c): keyword > URI > TXT > default. */
#ifndef MONGOURI_MERGE_INT_H
#define MONGOURI_MERGE_INT_H

#include "mongouri/mongouri.h"
#include "value_int.h"

/* Rank of a source in the merge: keyword 3, URI 2, TXT 1, default 0. */
int mongouri__rank(mongouri_source s);

/* One key=value occurrence from any source: looked up, checked against its
 * source and the occurrences before it, and typed when its level wins. */
mongouri_status mongouri__merge_pair(mongouri__vctx *c, const mongouri__pair *p);

/* Every keyword of `kw` but the one at `skip` ((size_t)-1: none), merged in
 * order as source keyword, its value copied into the result's arena. */
mongouri_status mongouri__merge_keywords(mongouri__vctx *c, const mongouri_keywords *kw,
                                         size_t skip);

#endif /* MONGOURI_MERGE_INT_H */
