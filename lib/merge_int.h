/* Merging the option sources by level (merge.c): keyword > URI > TXT > default. */
#ifndef MONGOURI_MERGE_INT_H
#define MONGOURI_MERGE_INT_H

#include "mongouri/mongouri.h"
#include "options_int.h"
#include "uri_int.h"
#include "value_int.h"

/* Rank of a source in the merge: keyword 3, URI 2, TXT 1, default 0. */
int mongouri__rank(mongouri_source s);

/* One key=value occurrence from any source, its key already looked up (`k`:
 * mongouri__key_find's answer, NULL for an unknown key): checked against its
 * source and the occurrences before it, and typed when its level wins. */
mongouri_status mongouri__merge_found(mongouri__vctx *c, const mongouri__pair *p,
                                      const struct mongouri__key *k);

/* ------------------------------------------------------------------------ */
/* The common path, inline where the options are split: the first plain     */
/* appearance of a known URI option (merge.c's merge_first uses it too)     */
/* ------------------------------------------------------------------------ */

/* A new value for the first URI appearance of option k->id, not yet filled
 * in; NULL when out of memory. A secret option marks the result. */
static inline mongouri__value *mongouri__first_slot(mongouri_uri *uri, const mongouri__key *k)
{
    mongouri__value *slot;

    if (uri->nvals == uri->capvals) {
        if ((slot = mongouri__slot_grow(uri, k->id)) == NULL)
            return NULL;
    } else {
        slot = &uri->vals[uri->nvals];
        uri->slot[k->id] = ++uri->nvals;
    }
    if (k->secret)
        uri->has_secret = true;
    uri->present |= MONGOURI__BIT(k->id);
    return slot;
}

/* The first URI appearance noted as merge_slow notes it, with no value yet. */
static inline void mongouri__first_present(mongouri__value *slot, const mongouri__key *k,
                                           long offset, long length)
{
    *slot = (mongouri__value){.present = true,
                              .present_source = (uint8_t)MONGOURI_SOURCE_URI,
                              .id = (uint8_t)k->id,
                              .spelling = k->index,
                              .offset = -1,
                              .present_offset = (int32_t)offset,
                              .present_length = (int32_t)length};
}

/* The first URI appearance with its valid value, as store_value stores it. */
static inline void mongouri__first_set(mongouri__value *slot, const mongouri__key *k, long offset,
                                       long length, mongouri__payload v, bool is_string)
{
    *slot = (mongouri__value){.set = true,
                              .present = true,
                              .by_alias = k->alias,
                              .is_string = is_string,
                              .source = (uint8_t)MONGOURI_SOURCE_URI,
                              .present_source = (uint8_t)MONGOURI_SOURCE_URI,
                              .id = (uint8_t)k->id,
                              .spelling = k->index,
                              .set_spelling = k->index,
                              .offset = (int32_t)offset,
                              .length = (int32_t)length,
                              .present_offset = (int32_t)offset,
                              .present_length = (int32_t)length,
                              .v = v};
}

/* A URI occurrence that is the first of a known key with no warning on sight
 * (mongouri__merge_raw), and a plain one besides: a value, and no ';' in the
 * query (merge_first). */
static inline bool mongouri__first_known(const mongouri__vctx *c, const mongouri__key *k)
{
    return k != NULL && k->ordinary && c->uri->slot[k->id] == 0;
}
static inline bool mongouri__first_plain(const mongouri__vctx *c, const mongouri__key *k, size_t n)
{
    return mongouri__first_known(c, k) && n > 0 && !c->query_semicolon;
}

/* A URI occurrence of known key `k` whose raw value raw[0..n) already types
 * as it stands: the first appearance of a boolean, integer or enum option
 * spelled plainly (true, 5000, majority...); the caller calls it only when
 * the query holds no ';'. It is stored, and true returned, with no decoding; false when the
 * occurrence needs the whole path (mongouri__merge_found on the decoded value), which then decides
 * every message. `offset` and `length` are of key=value. */
static inline bool mongouri__merge_raw(mongouri__vctx *c, const mongouri__key *k, const char *raw,
                                       size_t n, long offset, long length)
{
    const mongouri__optdef *def;
    mongouri__payload v;
    mongouri__value *slot;
    int b;

    /* (no ';' in the query: the caller tested it once for all; an empty
     * value types as none of these) */
    if (!mongouri__first_known(c, k))
        return false;
    def = &mongouri__options[k->id];
    switch (k->type) {
    case MONGOURI_TYPE_BOOL:
        if ((b = mongouri__parse_bool(raw, n)) != 0 && b != 1)
            return false;
        v.i = 0;
        v.b = b == 1;
        break;
    case MONGOURI_TYPE_INT:
        if (def->check != MONGOURI__CHECK_NONE || !mongouri__parse_int(raw, n, &v.i) ||
            v.i < def->min || v.i > def->max)
            return false;
        break;
    case MONGOURI_TYPE_ENUM:
        /* a choice is plain ASCII: a raw match is the decoded value */
        v.i = 0;
        if ((v.s = mongouri__choice(def, raw, n)) == NULL)
            return false;
        break;
    default:
        return false;
    }
    if ((slot = mongouri__first_slot(c->uri, k)) == NULL)
        return false; /* the whole path reports it */
    mongouri__first_set(slot, k, offset, length, v, false);
    return true;
}

/* Every keyword of `kw` but the one at `skip` ((size_t)-1: none), merged in
 * order as source keyword, its value copied into the result's arena. */
mongouri_status mongouri__merge_keywords(mongouri__vctx *c, const mongouri_keywords *kw,
                                         size_t skip);

#endif /* MONGOURI_MERGE_INT_H */
