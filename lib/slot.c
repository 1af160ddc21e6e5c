/*
 * The option slots of a result: the dense array of values a parse fills, and
 * the unset value an absent option reads as (mongouri__val, uri_int.h).
 */
#include <string.h>

#include "uri_int.h"

const mongouri__value mongouri__unset = {.offset = -1, .present_offset = -1};

mongouri__value *mongouri__slot_grow(mongouri_uri *u, int id)
{
    /* Values move when the array grows: callers hold no value pointer
     * across the creation of another. */
    uint8_t cap = u->capvals == 0
                      ? 8
                      : (uint8_t)(u->capvals * 2 > MONGOURI_OPT__COUNT ? MONGOURI_OPT__COUNT
                                                                       : u->capvals * 2);
    mongouri__value *grown = mongouri__arena_alloc(&u->arena, cap * sizeof *grown);

    if (grown == NULL)
        return NULL;
    if (u->nvals > 0)
        memcpy(grown, u->vals, u->nvals * sizeof *grown);
    u->vals = grown;
    u->capvals = cap;
    return mongouri__slot_new(u, id);
}
