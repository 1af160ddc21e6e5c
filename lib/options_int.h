/* The option table (options.c, generated from options.def): ids, rows, spellings, lookup. */
#ifndef MONGOURI_OPTIONS_INT_H
#define MONGOURI_OPTIONS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mongouri/mongouri.h"

typedef enum mongouri__opt {
#define OPT(id, ...) MONGOURI_OPT_##id,
#include "options.def"
#undef OPT
    MONGOURI_OPT__COUNT
} mongouri__opt;

/* A constraint of a value beyond its type and range (the check column). */
typedef enum mongouri__check {
    MONGOURI__CHECK_NONE,
    MONGOURI__CHECK_MAX128,    /* at most 128 bytes */
    MONGOURI__CHECK_STALENESS, /* -1 or >= 90 */
    MONGOURI__CHECK_SERVICE    /* an RFC 6335 service name */
} mongouri__check;

/* Full table row: the public info plus what the parser needs. */
typedef struct mongouri__optdef {
    mongouri_option_info info;
    int64_t min, max;           /* integers: inclusive range */
    const char *const *choices; /* enums and lists: NULL-terminated canonical values */
    uint8_t check;              /* mongouri__check */
} mongouri__optdef;

extern const mongouri__optdef mongouri__options[MONGOURI_OPT__COUNT];

/* Result of looking a key up. */
typedef struct mongouri__key {
    int id;              /* mongouri__opt, or -1 when unknown */
    bool deprecated;     /* a deprecated spelling (MONGOURI_OPTION_DEPRECATED: warning on use) */
    bool alias;          /* spelled as an alias (ssl, sslCAFile, ...) */
    const char *spelled; /* canonical spelling of the name used (for messages) */
    uint8_t index;       /* index of the spelling, for mongouri__key_* */
    /* From the row, for the merge's common path: */
    uint8_t type;  /* mongouri_option_type */
    bool secret;   /* the value is secret (the SECRET flag, or authMechanismProperties) */
    bool ordinary; /* neither deprecated nor gssapiServiceName: no warning on sight */
} mongouri__key;

/*
 * The lookup index, built once from the table (options.c): an open-addressing
 * hash of the lower-case spellings whose multiplier is chosen when it is built
 * so that no two spellings share a slot: a key is compared with one name.
 */
#define MONGOURI__KEY_MAX 48     /* longer keys are unknown */
#define MONGOURI__KEY_SLOTS 256u /* a power of two */
typedef struct mongouri__key_slot {
    mongouri__key key; /* the answer */
    uint8_t len;       /* 0: empty */
    char lower[MONGOURI__KEY_MAX + 1];
} mongouri__key_slot;
extern mongouri__key_slot mongouri__key_slots[MONGOURI__KEY_SLOTS];
extern uint64_t mongouri__key_seed;
void mongouri__key_index_ready(void); /* builds the index when the constructor did not */

/* The length and five bytes of the key (the first two, the last two, the
 * middle one; letters folded with bit 0x20), multiplied: a key with other
 * bytes hashes anywhere and matches nothing. */
static inline unsigned mongouri__key_hash(const char *k, size_t n, uint64_t seed)
{
    uint16_t first, last;
    uint64_t x;

    if (n >= 2) {
        memcpy(&first, k, 2);
        memcpy(&last, k + n - 2, 2);
    } else {
        first = last = (uint16_t)((unsigned char)k[0] * 0x101u);
    }
    x = (uint64_t)n | (uint64_t)first << 8 | (uint64_t)last << 24 |
        (uint64_t)(unsigned char)k[n / 2] << 40;
    x |= UINT64_C(0x0000202020202000);
    return (unsigned)((x * seed) >> 56) & (MONGOURI__KEY_SLOTS - 1u);
}

/* Does key[0..n) equal the lower-case name[0..n) in any letter case? Names
 * are lower-case letters only, so setting bit 0x20 of each key byte folds
 * A-Z and can make no other byte equal to a name's byte. Words at a time,
 * the last one overlapping. */
static inline bool mongouri__key_eq(const char *key, const char *name, size_t n)
{
    if (n >= 8) {
        uint64_t a, b, c, d;
        if (n <= 16) { /* most names: two words, the second overlapping */
            memcpy(&a, key, 8);
            memcpy(&b, name, 8);
            memcpy(&c, key + n - 8, 8);
            memcpy(&d, name + n - 8, 8);
            return (a | UINT64_C(0x2020202020202020)) == b &&
                   (c | UINT64_C(0x2020202020202020)) == d;
        }
        for (size_t j = 0; j + 8 < n; j += 8) {
            memcpy(&a, key + j, 8);
            memcpy(&b, name + j, 8);
            if ((a | UINT64_C(0x2020202020202020)) != b)
                return false;
        }
        memcpy(&a, key + n - 8, 8);
        memcpy(&b, name + n - 8, 8);
        return (a | UINT64_C(0x2020202020202020)) == b;
    }
    if (n >= 4) {
        uint32_t a, b, c, d;
        memcpy(&a, key, 4);
        memcpy(&b, name, 4);
        memcpy(&c, key + n - 4, 4);
        memcpy(&d, name + n - 4, 4);
        return (a | 0x20202020u) == b && (c | 0x20202020u) == d;
    }
    for (size_t j = 0; j < n; j++)
        if (((unsigned char)key[j] | 0x20u) != (unsigned char)name[j])
            return false;
    return true;
}

extern _Atomic(bool) mongouri__key_built;
extern bool mongouri__key_perfect;

/* The spelling key[0..n) names (n >= 1), in any letter case, or NULL when
 * unknown, once the index is built (mongouri__key_find makes sure of it).
 * With the collision-free multiplier a known key sits in its home slot, so
 * one slot is compared; probing is for a table the search found none for. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline const mongouri__key *
mongouri__key_probe(const char *key, size_t n)
{
    unsigned h = mongouri__key_hash(key, n, mongouri__key_seed);
    const mongouri__key_slot *e = &mongouri__key_slots[h];

    if (e->len == n && mongouri__key_eq(key, e->lower, n))
        return &e->key;
    if (mongouri__key_perfect)
        return NULL;
    for (; e->len != 0; h = (h + 1u) & (MONGOURI__KEY_SLOTS - 1u), e = &mongouri__key_slots[h])
        if (e->len == n && mongouri__key_eq(key, e->lower, n))
            return &e->key;
    return NULL;
}

/* The spelling key[0..n) names, in any letter case, or NULL when unknown. */
static inline const mongouri__key *mongouri__key_find(const char *key, size_t n)
{
    if (!mongouri__key_built)
        mongouri__key_index_ready();
    if (n == 0 || n > MONGOURI__KEY_MAX)
        return NULL;
    return mongouri__key_probe(key, n);
}

mongouri__key mongouri__option_lookup(const char *key, size_t n);
/* The canonical spelling of s[0..n) among the choices of an enum or list row
 * (which differ in more than letter case), in any letter case, or NULL. */
const char *mongouri__choice(const mongouri__optdef *def, const char *s, size_t n);
/* The spelling of entry `index` ("ssl", "tlsCAFile", ...). */
const char *mongouri__key_spelled(unsigned index);
/* Static "URI option X" / "keyword X" / "TXT record X" / "implied by X". */
const char *mongouri__key_detail(unsigned index, mongouri_source source);
/* Index of the canonical spelling of option `id`. */
unsigned mongouri__key_canonical(int id);
/* Self-check of the lookup index (every spelling found, ordered by length). */
bool mongouri__keys_check(void);
/* Closest known name to key[0..n) when it is a plausible typo, else NULL. */
const char *mongouri__option_suggest(const char *key, size_t n);

#endif /* MONGOURI_OPTIONS_INT_H */
