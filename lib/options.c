/*
 * The option table: every option of the URI-options specification plus the
 * tlsCRLFile extension, with type, range, allowed values and aliases. It
 * drives parsing, type checks, the JSON output, --help and suggestions.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "options_int.h"
#include "uri_int.h"

#define I32MAX INT32_MAX
#define I64MAX INT64_MAX

static const char *const mechanisms[] = {
    "SCRAM-SHA-1",  "SCRAM-SHA-256", "PLAIN",        "GSSAPI",
    "MONGODB-X509", "MONGODB-AWS",   "MONGODB-OIDC", NULL,
};
static const char *const compressors[] = {"snappy", "zlib", "zstd", NULL};
static const char *const read_preferences[] = {
    "primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest", NULL,
};
static const char *const monitoring_modes[] = {"stream", "poll", "auto", NULL};

#define F_SECRET MONGOURI_OPTION_SECRET
#define F_TLS MONGOURI_OPTION_TLS
#define F_DEPR MONGOURI_OPTION_DEPRECATED
#define F_SRV MONGOURI_OPTION_SRV_ONLY
#define F_EXT MONGOURI_OPTION_EXTENSION
#define F_PATH MONGOURI_OPTION_PATH
#define F_TXT MONGOURI_OPTION_TXT_ALLOWED

/* Indexed by mongouri__opt. */
const mongouri__optdef mongouri__options[MONGOURI_OPT__COUNT] = {
#define OPT(id, name, type, lo, hi, choices, flags, check, alias, aflags, values, desc)            \
    {{name, MONGOURI_TYPE_##type, values, desc, sizeof alias > 1 ? alias : NULL, flags},           \
     lo,                                                                                           \
     hi,                                                                                           \
     choices,                                                                                      \
     MONGOURI__CHECK_##check},
#include "options.def"
#undef OPT
};

/*
 * Every spelling the parser accepts: entry 2 * id is the name of option id,
 * 2 * id + 1 its alias ("" when none). Each entry carries the static texts
 * that say where a value came from.
 */
typedef struct key_entry {
    const char *spelled; /* "" for no alias */
    uint8_t len;
    uint8_t flags;         /* MONGOURI_OPTION_DEPRECATED: a deprecated spelling (warning) */
    const char *detail[4]; /* "URI option X", "keyword X", "TXT record X", "implied by X" */
} key_entry;

#define SPELLING(s, f)                                                                             \
    {                                                                                              \
        s, (uint8_t)(sizeof s - 1), f,                                                             \
        {                                                                                          \
            "URI option " s, "keyword " s, "TXT record " s, "implied by " s                        \
        }                                                                                          \
    }
static const key_entry keys[] = {
#define OPT(id, name, type, lo, hi, choices, flags, check, alias, aflags, values, desc)            \
    SPELLING(name, 0), SPELLING(alias, aflags),
#include "options.def"
#include "util_int.h"
#undef OPT
};
#undef SPELLING

#define NKEYS (sizeof keys / sizeof keys[0])
#define KEY_MAX 48 /* longer keys are unknown */

/*
 * Built once from the table: the lookup index, an open-addressing hash of
 * the lower-case spellings (a key is compared with about one name), and the
 * spellings ordered by length and then by name, the order in which
 * suggestions are weighed.
 */
#define HASH_SLOTS 128u /* a power of two, more than twice NKEYS */

typedef struct index_entry {
    mongouri__key key; /* the answer */
    uint8_t len;
    char lower[KEY_MAX + 1];
} index_entry;

static index_entry hashed[HASH_SLOTS]; /* len 0: empty */
static uint8_t order[NKEYS];
static size_t nspellings;
static atomic_bool index_ready;

/* Letters fold with bit 0x20; a key with other bytes hashes anywhere and matches nothing. */
static unsigned key_hash(const char *k, size_t n)
{
    unsigned a = (unsigned char)k[0] | 0x20u, z = (unsigned char)k[n - 1] | 0x20u;
    unsigned m = (unsigned char)k[n / 2] | 0x20u;

    return ((unsigned)n * 5u + a * 5u + m * 37u + z * 7u) & (HASH_SLOTS - 1u);
}

static int spelling_cmp(unsigned a, unsigned b)
{
    if (keys[a].len != keys[b].len)
        return keys[a].len < keys[b].len ? -1 : 1;
    return mongouri__strcasecmp(keys[a].spelled, keys[b].spelled);
}

static void build_index(void)
{
    size_t n = 0;

    for (unsigned i = 0; i < NKEYS; i++) {
        size_t j = n;
        unsigned h;
        if (keys[i].len == 0 || keys[i].len > KEY_MAX)
            continue; /* no alias (a longer name is refused by keys_check) */
        while (j > 0 && spelling_cmp(order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
        n++;
        h = key_hash(keys[i].spelled, keys[i].len);
        while (hashed[h].len != 0)
            h = (h + 1u) & (HASH_SLOTS - 1u);
        for (size_t c = 0; c < keys[i].len; c++)
            hashed[h].lower[c] = (char)((unsigned char)keys[i].spelled[c] | 0x20u);
        hashed[h].len = keys[i].len;
        hashed[h].key.id = (int)(i / 2u);
        hashed[h].key.alias = (i & 1u) != 0;
        hashed[h].key.deprecated = (keys[i].flags & MONGOURI_OPTION_DEPRECATED) != 0;
        hashed[h].key.spelled = keys[i].spelled;
        hashed[h].key.index = (uint8_t)i;
    }
    nspellings = n;
}

static void index_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, build_index);
    atomic_store_explicit(&index_ready, true, memory_order_release);
}

/* Built when the library is loaded; index_once covers a missed constructor. */
__attribute__((constructor)) static void index_at_load(void)
{
    index_once();
}

mongouri__key mongouri__option_lookup(const char *key, size_t n)
{
    static const mongouri__key unknown = {-1, false, false, NULL, 0};
    unsigned h;

    if (!atomic_load_explicit(&index_ready, memory_order_acquire))
        index_once();
    if (n == 0 || n > KEY_MAX)
        return unknown;
    for (h = key_hash(key, n); hashed[h].len != 0; h = (h + 1u) & (HASH_SLOTS - 1u)) {
        const char *name = hashed[h].lower;
        size_t j = 0;
        if (hashed[h].len != n)
            continue;
        /* Names are lower-case letters only, so setting bit 0x20 of each key
         * byte folds A-Z and can make no other byte equal to a name's byte.
         * Eight bytes at a time, the last eight overlapping; short keys byte
         * by byte. */
        if (n >= 8) {
            uint64_t a, b;
            for (; j + 8 < n; j += 8) {
                memcpy(&a, key + j, 8);
                memcpy(&b, name + j, 8);
                if ((a | UINT64_C(0x2020202020202020)) != b)
                    break;
            }
            if (j + 8 < n)
                continue;
            memcpy(&a, key + n - 8, 8);
            memcpy(&b, name + n - 8, 8);
            j = (a | UINT64_C(0x2020202020202020)) == b ? n : 0;
        } else {
            while (j < n && ((unsigned char)key[j] | 0x20u) == (unsigned char)name[j])
                j++;
        }
        if (j == n)
            return hashed[h].key;
    }
    return unknown;
}

const char *mongouri__key_spelled(unsigned index)
{
    return index < NKEYS ? keys[index].spelled : "?";
}

const char *mongouri__key_detail(unsigned index, mongouri_source source)
{
    if (index >= NKEYS)
        return "default";
    switch (source) {
    case MONGOURI_SOURCE_KEYWORD:
        return keys[index].detail[1];
    case MONGOURI_SOURCE_TXT:
        return keys[index].detail[2];
    case MONGOURI_SOURCE_IMPLIED:
        return keys[index].detail[3];
    default:
        return keys[index].detail[0];
    }
}

unsigned mongouri__key_canonical(int id)
{
    return id >= 0 && id < MONGOURI_OPT__COUNT ? 2u * (unsigned)id : (unsigned)NKEYS;
}

bool mongouri__keys_check(void)
{
    size_t spellings = 0;

    for (size_t i = 0; i < NKEYS; i++) {
        const char *s = keys[i].spelled;
        mongouri__key k;
        if (keys[i].len == 0)
            continue;
        spellings++;
        for (size_t j = 0; j < keys[i].len; j++)
            if (!((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
                return false; /* the lookup's case folding needs letters only */
        k = mongouri__option_lookup(s, keys[i].len);
        if (k.index != i || keys[i].len > KEY_MAX)
            return false;
    }
    for (size_t i = 1; i < spellings; i++)
        if (spelling_cmp(order[i - 1], order[i]) >= 0)
            return false;
    return spellings == nspellings;
}

const char *mongouri__option_suggest(const char *key, size_t n)
{
    /* Names and aliases in table order: that order breaks ties. */
    const char *names[NKEYS];
    size_t m = 0;
    const char *near;

    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].len != 0)
            names[m++] = keys[i].spelled;
    near = mongouri_suggest(key, n, names, m);
    for (size_t i = 0; near != NULL && i < NKEYS; i++)
        if (keys[i].spelled == near)
            return mongouri__options[i / 2].info.name;
    return NULL;
}

const char *mongouri_option_suggest(const char *key, size_t len)
{
    return key != NULL ? mongouri__option_suggest(key, len) : NULL;
}

size_t mongouri_option_count(void)
{
    return MONGOURI_OPT__COUNT;
}

const mongouri_option_info *mongouri_option_at(size_t i)
{
    return i < MONGOURI_OPT__COUNT ? &mongouri__options[i].info : NULL;
}

const mongouri_option_info *mongouri_option_find(const char *name)
{
    mongouri__key k;

    if (name == NULL)
        return NULL;
    k = mongouri__option_lookup(name, strlen(name));
    return k.id < 0 ? NULL : &mongouri__options[k.id].info;
}

const char *mongouri_option_type_name(mongouri_option_type type)
{
    switch (type) {
    case MONGOURI_TYPE_BOOL:
        return "bool";
    case MONGOURI_TYPE_INT:
        return "int";
    case MONGOURI_TYPE_STRING:
        return "string";
    case MONGOURI_TYPE_ENUM:
        return "enum";
    case MONGOURI_TYPE_LIST:
        return "list";
    case MONGOURI_TYPE_KEYVALUE:
        return "key:value list";
    case MONGOURI_TYPE_TAGSETS:
        return "tag sets";
    case MONGOURI_TYPE_W:
        return "int or string";
    }
    return "unknown";
}
