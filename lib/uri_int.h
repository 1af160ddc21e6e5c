/*
 * The result of the parse pipeline (struct mongouri_uri, its TLS settings,
 * the keyword set it copies) and the driver that builds it (uri.c). Never
 * installed. Every other module has its own header; a file includes those
 * it uses.
 */
#ifndef MONGOURI_URI_INT_H
#define MONGOURI_URI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host_int.h"
#include "mongouri/mongouri.h"
#include "options_int.h"
#include "util_int.h"
#include "value_int.h"

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
    size_t warnings_dropped; /* warnings beyond MONGOURI__MAX_WARNINGS */

    /* Option values, dense: slot[id] is 1 + the index in vals, 0 when absent. */
    uint64_t present; /* bit id: the option appeared (valid value or not) */
    mongouri__value *vals;
    uint8_t slot[MONGOURI_OPT__COUNT];
    uint8_t nvals, capvals;
    /* (the small fields together: no padding between them) */
    bool has_userinfo;
    bool resolved;
    bool has_secret;       /* a secret was decoded: wipe the arena on destroy */
    uint8_t gssapi_source; /* mongouri_source of gssapi_service_name */
    bool has_credential;

    /* credential, derived */
    const char *mechanism;
    const char *auth_source;
    size_t nprops;
    mongouri__kv *props;
    /* gssapiServiceName, the deprecated form of SERVICE_NAME; NULL when absent */
    const char *gssapi_service_name;
    int32_t gssapi_offset, gssapi_length;

    size_t nwarnings, capwarnings;
    mongouri_error *warnings;

    /* Last: the builder zeroes what comes before it; the TLS normalization
     * writes every field of it. */
    mongouri_tls_settings tls;
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

#define MONGOURI__BIT(id) (UINT64_C(1) << (id))

/* The value of option `id`: a static unset value when the option is absent. */
extern const mongouri__value mongouri__unset;
static inline const mongouri__value *mongouri__val(const mongouri_uri *u, int id)
{
    return u->slot[id] != 0 ? &u->vals[u->slot[id] - 1] : &mongouri__unset;
}
/* A new value for option `id` (absent so far) when the array is full: it
 * grows; NULL when out of memory. */
mongouri__value *mongouri__slot_grow(mongouri_uri *u, int id);
/* A new value for option `id`, absent so far; NULL when out of memory. */
static inline mongouri__value *mongouri__slot_new(mongouri_uri *u, int id)
{
    mongouri__value *v;

    if (u->nvals == u->capvals)
        return mongouri__slot_grow(u, id);
    v = &u->vals[u->nvals];
    *v = mongouri__unset;
    v->id = (uint8_t)id;
    u->slot[id] = ++u->nvals;
    return v;
}
/* The writable value of option `id`, created on first use; NULL when out of memory. */
static inline mongouri__value *mongouri__slot(mongouri_uri *u, int id)
{
    return u->slot[id] != 0 ? &u->vals[u->slot[id] - 1] : mongouri__slot_new(u, id);
}

#endif /* MONGOURI_URI_INT_H */
