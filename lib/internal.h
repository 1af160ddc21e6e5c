/*
 * Private declarations shared by the files of lib/: the option table, the
 * typed values and the result struct. Never installed. Each module has its
 * own header (diag_int.h, error_int.h, host_int.h, split_int.h, util_int.h,
 * rules_int.h, auth_int.h, tls_settings_int.h, userinfo_int.h); a file
 * includes those it uses.
 */
#ifndef MONGOURI_INTERNAL_H
#define MONGOURI_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mongouri/mongouri.h"

/* The module headers the files not yet converted get from here. */
#include "diag_int.h"
#include "error_int.h"
#include "host_int.h"
#include "split_int.h"
#include "util_int.h"

/* ------------------------------------------------------------------------ */
/* The option table                                                          */
/* ------------------------------------------------------------------------ */

typedef enum mongouri__opt {
    MONGOURI_OPT_APPNAME,
    MONGOURI_OPT_AUTHMECHANISM,
    MONGOURI_OPT_AUTHMECHANISMPROPERTIES,
    MONGOURI_OPT_AUTHSOURCE,
    MONGOURI_OPT_COMPRESSORS,
    MONGOURI_OPT_CONNECTTIMEOUTMS,
    MONGOURI_OPT_DIRECTCONNECTION,
    MONGOURI_OPT_ENABLEOVERLOADRETARGETING,
    MONGOURI_OPT_HEARTBEATFREQUENCYMS,
    MONGOURI_OPT_JOURNAL,
    MONGOURI_OPT_LOADBALANCED,
    MONGOURI_OPT_LOCALTHRESHOLDMS,
    MONGOURI_OPT_MAXADAPTIVERETRIES,
    MONGOURI_OPT_MAXCONNECTING,
    MONGOURI_OPT_MAXIDLETIMEMS,
    MONGOURI_OPT_MAXPOOLSIZE,
    MONGOURI_OPT_MAXSTALENESSSECONDS,
    MONGOURI_OPT_MINPOOLSIZE,
    MONGOURI_OPT_PROXYHOST,
    MONGOURI_OPT_PROXYPASSWORD,
    MONGOURI_OPT_PROXYPORT,
    MONGOURI_OPT_PROXYUSERNAME,
    MONGOURI_OPT_READCONCERNLEVEL,
    MONGOURI_OPT_READPREFERENCE,
    MONGOURI_OPT_READPREFERENCETAGS,
    MONGOURI_OPT_REPLICASET,
    MONGOURI_OPT_RETRYREADS,
    MONGOURI_OPT_RETRYWRITES,
    MONGOURI_OPT_SERVERMONITORINGMODE,
    MONGOURI_OPT_SERVERSELECTIONTIMEOUTMS,
    MONGOURI_OPT_SERVERSELECTIONTRYONCE,
    MONGOURI_OPT_SOCKETTIMEOUTMS,
    MONGOURI_OPT_SRVMAXHOSTS,
    MONGOURI_OPT_SRVSERVICENAME,
    MONGOURI_OPT_TIMEOUTMS,
    MONGOURI_OPT_TLS,
    MONGOURI_OPT_TLSALLOWINVALIDCERTIFICATES,
    MONGOURI_OPT_TLSALLOWINVALIDHOSTNAMES,
    MONGOURI_OPT_TLSCAFILE,
    MONGOURI_OPT_TLSCERTIFICATEKEYFILE,
    MONGOURI_OPT_TLSCERTIFICATEKEYFILEPASSWORD,
    MONGOURI_OPT_TLSCRLFILE,
    MONGOURI_OPT_TLSDISABLECERTIFICATEREVOCATIONCHECK,
    MONGOURI_OPT_TLSDISABLEOCSPENDPOINTCHECK,
    MONGOURI_OPT_TLSINSECURE,
    MONGOURI_OPT_W,
    MONGOURI_OPT_WAITQUEUETIMEOUTMS,
    MONGOURI_OPT_WTIMEOUTMS,
    MONGOURI_OPT_ZLIBCOMPRESSIONLEVEL,
    MONGOURI_OPT__COUNT
} mongouri__opt;

/* Full table row: the public info plus what the parser needs. */
typedef struct mongouri__optdef {
    mongouri_option_info info;
    int64_t min, max;           /* integers: inclusive range */
    const char *const *choices; /* enums and lists: NULL-terminated canonical values */
} mongouri__optdef;

extern const mongouri__optdef mongouri__options[MONGOURI_OPT__COUNT];

/* Result of looking a key up. */
typedef struct mongouri__key {
    int id;              /* mongouri__opt, or -1 when unknown */
    bool deprecated;     /* a deprecated alias (warning on use) */
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
/* Self-check of the lookup table (sorted, every entry found). */
bool mongouri__keys_check(void);
/* Closest known name to key[0..n) when it is a plausible typo, else NULL. */
const char *mongouri__option_suggest(const char *key, size_t n);

/* ------------------------------------------------------------------------ */
/* Parsed values                                                             */
/* ------------------------------------------------------------------------ */

typedef struct mongouri__kv {
    const char *key;
    const char *value;
} mongouri__kv;

typedef struct mongouri__tagset {
    size_t n;
    mongouri__kv *tags;
} mongouri__tagset;

/* The typed value of an option. */
typedef union mongouri__payload {
    bool b;
    int64_t i;
    const char *s;
    struct {
        uint32_t n;
        const char **items;
    } list;
    struct {
        uint32_t n;
        mongouri__kv *items;
    } kv;
    struct {
        uint32_t n, cap;
        mongouri__tagset *sets;
    } tags;
} mongouri__payload;

typedef struct mongouri__value {
    bool set;               /* has a valid value */
    bool present;           /* the key appeared (valid value or not) */
    bool by_alias;          /* last set through a (deprecated) alias */
    bool is_string;         /* w: string rather than integer */
    uint8_t source;         /* mongouri_source of the value */
    uint8_t present_source; /* mongouri_source of the first appearance */
    uint8_t id;             /* mongouri__opt */
    uint8_t spelling;       /* key index of the name at first appearance */
    uint8_t set_spelling;   /* key index of the name that set the value */
    int32_t offset;         /* offset of the key=value pair in the URI, -1 if none */
    int32_t length;
    int32_t present_offset; /* first appearance */
    int32_t present_length;
    mongouri__payload v;
} mongouri__value;

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

#define MONGOURI__BIT(id) (UINT64_C(1) << (id))

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
