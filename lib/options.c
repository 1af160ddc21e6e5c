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

#include "options_flags.h"

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
#define KEY_MAX MONGOURI__KEY_MAX
#define HASH_SLOTS MONGOURI__KEY_SLOTS

/*
 * Built once from the table: the lookup index (options_int.h) and the
 * spellings ordered by length and then by name, the order in which
 * suggestions are weighed.
 */
mongouri__key_slot mongouri__key_slots[MONGOURI__KEY_SLOTS];
uint64_t mongouri__key_seed = 1u;
_Atomic(bool) mongouri__key_built;
bool mongouri__key_perfect; /* every spelling in its home slot */
static uint8_t order[NKEYS];
static size_t nspellings;
static unsigned max_probes; /* 1 when the seed gave every spelling its own slot */

static int spelling_cmp(unsigned a, unsigned b)
{
    if (keys[a].len != keys[b].len)
        return keys[a].len < keys[b].len ? -1 : 1;
    return mongouri__strcasecmp(keys[a].spelled, keys[b].spelled);
}

/* The lengths of each row's choices, filled with the index: a choice is
 * compared only with a value of its length. */
#define MAX_CHOICES 8
static uint8_t choice_len[MONGOURI_OPT__COUNT][MAX_CHOICES];

static void measure_choices(void)
{
    for (size_t id = 0; id < MONGOURI_OPT__COUNT; id++)
        for (size_t i = 0; mongouri__options[id].choices != NULL &&
                           mongouri__options[id].choices[i] != NULL && i < MAX_CHOICES;
             i++)
            choice_len[id][i] = (uint8_t)strlen(mongouri__options[id].choices[i]);
}

const char *mongouri__choice(const mongouri__optdef *def, const char *s, size_t n)
{
    const uint8_t *len = choice_len[def - mongouri__options];

    if (!mongouri__key_built)
        mongouri__key_index_ready();
    for (size_t i = 0; def->choices[i] != NULL; i++) {
        const char *c = def->choices[i];
        size_t j = 0;
        if (i < MAX_CHOICES ? len[i] != n : strlen(c) != n)
            continue;
        if (memcmp(s, c, n) == 0) /* as the table spells it: the common case */
            return c;
        /* same length: the bytes, letters in any case */
        while (j < n && (s[j] == c[j] ||
                         ((unsigned)(s[j] | 0x20) - 'a' < 26u && (s[j] | 0x20) == (c[j] | 0x20))))
            j++;
        if (j == n)
            return c;
    }
    return NULL;
}

/* Does `seed` give each spelling a slot of its own? */
static bool seed_is_perfect(uint64_t seed)
{
    uint8_t used[HASH_SLOTS] = {0};

    for (unsigned i = 0; i < NKEYS; i++) {
        unsigned h;
        if (keys[i].len == 0 || keys[i].len > KEY_MAX)
            continue;
        h = mongouri__key_hash(keys[i].spelled, keys[i].len, seed);
        if (used[h])
            return false;
        used[h] = 1;
    }
    return true;
}

static void build_index(void)
{
    size_t n = 0;
    /* The first multiplier that separates every spelling of this table; a
     * changed table continues the search along a fixed sequence of odd
     * multipliers (a few hundred tries). With none, probing still finds
     * every key, and keys_check says so. */
    uint64_t seed = UINT64_C(0x38d67f0f1849e6bf);

    for (unsigned t = 0; t < 4096u; t++)
        if (seed_is_perfect(seed | 1u))
            break;
        else
            seed = seed * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    mongouri__key_seed = seed | 1u;
    max_probes = 0;
    for (unsigned i = 0; i < NKEYS; i++) {
        size_t j = n;
        unsigned h, probes = 1;
        mongouri__key_slot *e;
        if (keys[i].len == 0 || keys[i].len > KEY_MAX)
            continue; /* no alias (a longer name is refused by keys_check) */
        while (j > 0 && spelling_cmp(order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
        n++;
        h = mongouri__key_hash(keys[i].spelled, keys[i].len, mongouri__key_seed);
        while (mongouri__key_slots[h].len != 0) {
            h = (h + 1u) & (HASH_SLOTS - 1u);
            probes++;
        }
        if (probes > max_probes)
            max_probes = probes;
        e = &mongouri__key_slots[h];
        for (size_t c = 0; c < keys[i].len; c++)
            e->lower[c] = (char)((unsigned char)keys[i].spelled[c] | 0x20u);
        e->len = keys[i].len;
        e->key.id = (int)(i / 2u);
        e->key.alias = (i & 1u) != 0;
        e->key.deprecated = (keys[i].flags & MONGOURI_OPTION_DEPRECATED) != 0;
        e->key.spelled = keys[i].spelled;
        e->key.index = (uint8_t)i;
        e->key.type = (uint8_t)mongouri__options[i / 2u].info.type;
        e->key.secret = (mongouri__options[i / 2u].info.flags & MONGOURI_OPTION_SECRET) != 0 ||
                        i / 2u == MONGOURI_OPT_AUTHMECHANISMPROPERTIES;
        e->key.ordinary =
            !e->key.deprecated && !(i / 2u == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && e->key.alias);
    }
    nspellings = n;
    mongouri__key_perfect = max_probes == 1;
    measure_choices();
}

void mongouri__key_index_ready(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, build_index);
    atomic_store_explicit(&mongouri__key_built, true, memory_order_release);
}

/* Built when the library is loaded; mongouri__key_index_ready covers a missed constructor. */
__attribute__((constructor)) static void index_at_load(void)
{
    mongouri__key_index_ready();
}

mongouri__key mongouri__option_lookup(const char *key, size_t n)
{
    static const mongouri__key unknown = {.id = -1};
    const mongouri__key *k = mongouri__key_find(key, n);

    return k != NULL ? *k : unknown;
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
    /* every spelling in its own slot: one comparison per lookup */
    return spellings == nspellings && max_probes == 1;
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
