/* Private declarations shared by the files of lib/. Never installed. */
#ifndef MONGOURI_INTERNAL_H
#define MONGOURI_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mongouri/mongouri.h"
#include "options_int.h"
#include "value_int.h"

/* ------------------------------------------------------------------------ */
/* Arena: one bump allocator per result, so a parse costs few mallocs.       */
/* ------------------------------------------------------------------------ */

typedef struct mongouri__block {
    struct mongouri__block *next;
    size_t cap;
    size_t used;
    bool owned; /* false for a block that lives inside its owner's allocation */
    /* data follows, aligned to 16 bytes */
} mongouri__block;

typedef struct mongouri__arena {
    mongouri__block *head;
} mongouri__arena;

#define MONGOURI__BLOCK_HEADER ((sizeof(mongouri__block) + 15u) & ~(size_t)15u)

/* Slow path of mongouri__arena_alloc: a new block. `n` is already aligned. */
void *mongouri__arena_alloc_block(mongouri__arena *a, size_t n);

/* `n` bytes, 16-byte aligned, freed with the arena; NULL when out of memory. */
static inline void *mongouri__arena_alloc(mongouri__arena *a, size_t n)
{
    mongouri__block *b = a->head;

    n = n == 0 ? 16u : (n + 15u) & ~(size_t)15u;
    if (b != NULL && b->cap - b->used >= n) {
        char *p = (char *)b + MONGOURI__BLOCK_HEADER + b->used;
        b->used += n;
        return p;
    }
    return mongouri__arena_alloc_block(a, n);
}
char *mongouri__arena_strndup(mongouri__arena *a, const char *s, size_t n);
/* Use `mem` (16-byte aligned, `size` bytes) as the first block; it is not freed. */
void mongouri__arena_adopt(mongouri__arena *a, void *mem, size_t size);
void mongouri__arena_free(mongouri__arena *a);
/* Zero the used bytes of every block (secrets), before freeing. */
void mongouri__arena_wipe(mongouri__arena *a);

/* Overwrite `n` bytes in a way the compiler may not remove. */
void mongouri__wipe(void *p, size_t n);
/* Wipe a NUL-terminated string in place (NULL is a no-op). */
void mongouri__wipe_str(char *s);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* Record a diagnosis into `err` (which may be NULL) and return `status`. */
mongouri_status mongouri__error_set(mongouri_error *err, mongouri_status status, mongouri_diag code,
                                    const char *option, long offset, long length, const char *fmt,
                                    ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
void mongouri__error_hint(mongouri_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mongouri__error_clear(mongouri_error *err);

/* ------------------------------------------------------------------------ */
/* Strings                                                                   */
/* ------------------------------------------------------------------------ */

/* ASCII-only case-insensitive comparisons (locale-independent). */
int mongouri__strncasecmp(const char *a, const char *b, size_t n);
int mongouri__strcasecmp(const char *a, const char *b);
bool mongouri__ieq(const char *a, size_t an, const char *b); /* a[0..an) == b, any case */

/*
 * Strict percent-decoding of src[0..n) into dst (capacity >= n + 1).
 * %XX only; %00 and invalid UTF-8 are errors. On error returns false and
 * sets *bad to the offset (relative to src) of the offending byte and
 * *diag to the diagnosis.
 */
bool mongouri__pct_decode(const char *src, size_t n, char *dst, size_t *dst_len, size_t *bad,
                          mongouri_diag *diag);
/* True when src[0..n) is valid UTF-8; *bad receives the first bad offset. */
bool mongouri__utf8_valid(const char *src, size_t n, size_t *bad);
/* Offset in src[0..n) of the byte that decodes to decoded[index]. */
size_t mongouri__pct_source_index(const char *src, size_t n, size_t index);
/* Largest length <= n that does not cut a UTF-8 sequence of s. */
size_t mongouri__utf8_cut(const char *s, size_t n);

/* Edit distance bounded by `max` (returns max + 1 when larger), ASCII case folded. */
unsigned mongouri__edit_distance(const char *a, size_t an, const char *b, unsigned max);

/* Versioned option structs, whose first member is `unsigned int version`:
 * init copies the defaults and sets the caller's version (1..known);
 * check says, as an error, that a struct's version is not one this library knows. */
mongouri_status mongouri__opts_init(void *opts, const void *defaults, size_t size,
                                    unsigned int version, unsigned int known);
mongouri_status mongouri__opts_check(const char *type, unsigned int version, unsigned int known,
                                     mongouri_error *err);

/* ------------------------------------------------------------------------ */
/* The tokenizer (split.c): the parts of a connection string, and its secrets */
/* ------------------------------------------------------------------------ */

enum { MONGOURI__SPLIT_OK = 0, MONGOURI__SPLIT_AMBIGUOUS = 1 };

typedef struct mongouri__split {
    size_t start;      /* first byte after the scheme */
    bool has_userinfo; /* userinfo is [start, at) */
    size_t at;
    size_t hosts_start, hosts_end;
    bool has_db; /* database is [db_start, db_end) */
    size_t db_start, db_end;
    bool has_query; /* options are [query, len) */
    size_t query;
    int problem;       /* MONGOURI__SPLIT_*: why the string cannot be split */
    size_t problem_at; /* the offending byte */
} mongouri__split;

/* Split t[0..len) whose scheme ends at `start`, per the connection-string spec. */
void mongouri__split_text(const char *t, size_t len, size_t start, mongouri__split *out);

/* Calls fn(ctx, start, end) for every secret byte range of t[0..len), in
 * order of the parts; stops (false) when fn returns false. Works on any text. */
typedef bool (*mongouri__span_fn)(void *ctx, size_t start, size_t end);
bool mongouri__secret_spans(const char *t, size_t len, mongouri__span_fn fn, void *ctx);

enum { MONGOURI__KEY_PLAIN = 0, MONGOURI__KEY_SECRET = 1, MONGOURI__KEY_PROPERTIES = 2 };
/* What the value of an option named k[0..n) holds; a near miss of a secret
 * option, a name that says password, token or secret, or no name: secret. */
int mongouri__key_kind(const char *k, size_t n);
/* An authMechanismProperties item name whose value is secret (or a near miss). */
bool mongouri__property_secret(const char *k, size_t n);
/* The secret ranges (offset by `base`) of an authMechanismProperties value
 * v[0..n): percent-encoded as in a URI when `esc`, else as given (keywords). */
bool mongouri__property_spans(const char *v, size_t n, size_t base, bool esc, mongouri__span_fn fn,
                              void *ctx);

/* The secret ranges (offset by `base`) of the value v[0..n) of the option
 * k[0..n): all of it for a secret key, the secret items of properties, and
 * in a plain value what follows a secret "name=" run into it or a secret
 * property item of an unknown option. The one judgement of a pair. */
bool mongouri__pair_spans(const char *k, size_t kn, const char *v, size_t n, size_t base, bool esc,
                          mongouri__span_fn fn, void *ctx);
/* Whether option `id`'s value is shown masked (public: mongouri_uri_option_hidden). */
bool mongouri__value_hidden(const mongouri_uri *uri, int id);

typedef struct mongouri__host {
    const char *host;
    uint16_t port;
    uint8_t type;   /* mongouri_host_type */
    uint8_t source; /* mongouri_source */
    long offset;
    long length;
} mongouri__host;

struct mongouri_tls_settings {
    bool enabled;
    bool verify_certificates;
    bool verify_hostnames;
    mongouri_revocation revocation;
    const char *ca_file;
    const char *certificate_key_file;
    const char *certificate_key_file_password;
    const char *crl_file;
    uint8_t source[MONGOURI_TLS__FIELDS];
    const char *detail[MONGOURI_TLS__FIELDS];
};

struct mongouri_keywords {
    size_t n, cap;
    struct {
        int id;
        char *key;   /* as given */
        char *value; /* string form */
    } * items;
};

struct mongouri_uri {
    mongouri__arena arena;
    mongouri_scheme scheme;
    unsigned int flags; /* MONGOURI_PARSE_* used */
    char *text;         /* copy of the input (arena), for resolve */
    size_t text_len;
    mongouri_keywords *keywords; /* deep copy, for resolve; NULL when none */

    size_t nhosts;
    mongouri__host *hosts;
    const char *username;
    const char *password; /* secret */
    const char *database;
    bool has_userinfo;
    bool resolved;
    bool has_secret;         /* a secret was decoded: wipe the arena on destroy */
    uint8_t gssapi_source;   /* mongouri_source of gssapi_service_name */
    size_t warnings_dropped; /* warnings beyond MONGOURI__MAX_WARNINGS */

    /* Option values, dense: slot[id] is 1 + the index in vals, 0 when absent. */
    uint8_t slot[MONGOURI_OPT__COUNT];
    uint64_t present; /* bit id: the option appeared (valid value or not) */
    uint8_t nvals, capvals;
    mongouri__value *vals;

    /* credential, derived */
    bool has_credential;
    const char *mechanism;
    const char *auth_source;
    size_t nprops;
    mongouri__kv *props;
    /* gssapiServiceName, the deprecated form of SERVICE_NAME; NULL when absent */
    const char *gssapi_service_name;
    int32_t gssapi_offset, gssapi_length;

    mongouri_tls_settings tls;

    size_t nwarnings, capwarnings;
    mongouri_error *warnings;
};

/*
 * What a resolution found, handed to the builder so that the TXT options are
 * merged and every rule runs again on the merged set.
 */
typedef struct mongouri__srv_answer {
    size_t nseeds;
    const char *const *seed_hosts; /* validated targets, lower-case, no trailing dot */
    const uint16_t *seed_ports;
    const char *txt; /* the one TXT record, joined; NULL when none */
    uint32_t (*random)(void *ctx,
                       uint32_t bound); /* srvMaxHosts selection; NULL: the first seeds */
    void *random_ctx;
} mongouri__srv_answer;

/*
 * The whole pipeline: split, options, keywords, (TXT), rules, normalization.
 * `srv` is NULL for an offline parse.
 */
mongouri_status mongouri__build(mongouri_uri **out, const char *text, size_t len,
                                unsigned int flags, const mongouri_keywords *kw,
                                const mongouri__srv_answer *srv, mongouri_error *err);

/* Copy of a keyword set (NULL in, NULL out on success). */
mongouri_status mongouri__keywords_clone(mongouri_keywords **out, const mongouri_keywords *kw);

/* Record a warning on `uri`; in strict mode it is turned into the error instead. */
mongouri_status mongouri__warn(mongouri_uri *uri, mongouri_error *err, mongouri_diag code,
                               const char *option, mongouri_source source, long offset, long length,
                               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

#define MONGOURI__BIT(id) (UINT64_C(1) << (id))

/* Warnings kept per result; beyond it they are counted in one last warning. */
#define MONGOURI__MAX_WARNINGS 64u

/* The value of option `id`: a static unset value when the option is absent. */
extern const mongouri__value mongouri__unset;
static inline const mongouri__value *mongouri__val(const mongouri_uri *u, int id)
{
    return u->slot[id] != 0 ? &u->vals[u->slot[id] - 1] : &mongouri__unset;
}
/* The writable value of option `id`, created on first use; NULL when out of memory. */
mongouri__value *mongouri__slot(mongouri_uri *u, int id);

/* Initialise c-ares once for the process (resolve.c); returns its ARES_* status. */
int mongouri__ares_init(void);

/* Cross-option rules (rules.c) and derived settings. */
mongouri_status mongouri__rules_check(mongouri_uri *uri, mongouri_error *err);
mongouri_status mongouri__credential_derive(mongouri_uri *uri, mongouri_error *err);
void mongouri__tls_normalize(mongouri_uri *uri);

/* For resolve.c (uri.c): an SRV target, n bytes, checked exactly as a URI host
 * name (and refused when it is an IP address); the error offsets are in it. */
mongouri_status mongouri__check_srv_target(const char *host, size_t n, mongouri_error *err);

/* Test hook (resolve.c): when set, the allocations of c-ares and of the
 * answer handling for which it returns true fail. */
extern bool (*mongouri__resolve_fail_alloc)(size_t size);

/* For the SRV fuzz harness (resolve.c): a raw DNS message answering the SRV
 * (or TXT) query of `host`, read as a resolution reads it; `each` receives
 * every SRV target and whether it passes every check (for TXT, the record as
 * shown and whether it is valid UTF-8). Returns the ARES_* status. */
int mongouri__resolve_parse_raw(const unsigned char *msg, size_t len, bool txt, const char *host,
                                void (*each)(void *ctx, const char *text, bool accepted),
                                void *ctx);

#endif /* MONGOURI_INTERNAL_H */
