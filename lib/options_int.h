/* The option table (options.c, generated from options.def): ids, rows, spellings, lookup. */
#ifndef MONGOURI_OPTIONS_INT_H
#define MONGOURI_OPTIONS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
} mongouri__key;

mongouri__key mongouri__option_lookup(const char *key, size_t n);
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
