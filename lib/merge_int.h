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
/* The same, with the key already looked up (`k`: mongouri__key_find's answer,
 * NULL for an unknown key). */
struct mongouri__key;
mongouri_status mongouri__merge_found(mongouri__vctx *c, const mongouri__pair *p,
                                      const struct mongouri__key *k);

/* A URI occurrence of known key `k` whose raw value raw[0..n) already types
 * as it stands: the first appearance of a boolean, integer or enum option
 * spelled plainly (true, 5000, majority...), with no ';' in the query. It
 * is stored, and true returned, with no decoding; false when the occurrence
 * needs the whole path (mongouri__merge_found on the decoded value), which
 * then decides every message. `offset` and `length` are of key=value. */
bool mongouri__merge_raw(mongouri__vctx *c, const struct mongouri__key *k, const char *raw,
                         size_t n, long offset, long length);

/* Every keyword of `kw` but the one at `skip` ((size_t)-1: none), merged in
 * order as source keyword, its value copied into the result's arena. */
mongouri_status mongouri__merge_keywords(mongouri__vctx *c, const mongouri_keywords *kw,
                                         size_t skip);

#endif /* MONGOURI_MERGE_INT_H */
