/*
 * mongouri: MongoDB connection strings and keyword options, parsed into one
 * strict, normalized, immutable settings object.
 *
 * Conventions (the same for every function of the library):
 * - Every fallible call returns mongouri_status; 0 (MONGOURI_OK) is success.
 * - Detail goes into an optional caller-owned mongouri_error, always the last
 *   parameter; it may be NULL.
 * - Objects returned through `**out` belong to the caller and are released by
 *   the matching *_destroy() function, which accepts NULL. On failure `*out`
 *   is set to NULL.
 * - `const char *` results of getters are borrowed and stay valid until the
 *   object they came from is destroyed.
 * - Inputs are always copied. Secrets are wiped from memory when freed.
 */
#ifndef MONGOURI_MONGOURI_H
#define MONGOURI_MONGOURI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mongouri/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version: the macros of the headers (MONGOURI_VERSION_MAJOR, _MINOR, _PATCH,
 * _STRING, _NUMBER) and the library's at run time. */
#include "mongouri/version.h"
/** "MAJOR.MINOR.PATCH" of the library linked. Never NULL. */
MONGOURI_API const char *mongouri_version(void);
/** MONGOURI_VERSION_NUMBER of the library linked. */
MONGOURI_API unsigned int mongouri_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes and diagnostics                                              */
/* ------------------------------------------------------------------------ */

/** Broad outcome of a call. Numbers are frozen. */
typedef enum mongouri_status {
    MONGOURI_OK = 0,
    MONGOURI_E_INVALID_ARG = 1, /* NULL handle or out-pointer, bad options version */
    MONGOURI_E_NOMEM = 2,
    MONGOURI_E_SYNTAX = 3,   /* malformed connection string */
    MONGOURI_E_CONFLICT = 4, /* options that cannot be combined */
    MONGOURI_E_OPTION = 5,   /* invalid option (keyword options, strict mode) */
    MONGOURI_E_AUTH = 6,     /* credential rules of the auth specification */
    MONGOURI_E_LIMIT = 7,    /* an input limit was exceeded */
    MONGOURI_E_DNS = 8,      /* SRV/TXT resolution failed */
    MONGOURI_E_TLS = 9,      /* TLS set-up or handshake failed */
    MONGOURI_E_FILE = 10,    /* a certificate, key or CRL file is unusable */
    MONGOURI_E__LAST         /* not a real code; keep last */
} mongouri_status;

/** Precise diagnosis of an error or warning. Numbers and names are frozen. */
typedef enum mongouri_diag {
    MONGOURI_D_NONE = 0,
    MONGOURI_D_BAD_SCHEME = 1,           /* "bad-scheme" */
    MONGOURI_D_NO_HOST = 2,              /* "no-host" */
    MONGOURI_D_BAD_HOST = 3,             /* "bad-host" */
    MONGOURI_D_BAD_PORT = 4,             /* "bad-port" */
    MONGOURI_D_BAD_USERINFO = 5,         /* "bad-userinfo" */
    MONGOURI_D_BAD_ESCAPE = 6,           /* "bad-percent-escape" */
    MONGOURI_D_BAD_UTF8 = 7,             /* "bad-utf8" */
    MONGOURI_D_NUL_BYTE = 8,             /* "nul-byte" */
    MONGOURI_D_BAD_DATABASE = 9,         /* "bad-database" */
    MONGOURI_D_MALFORMED_OPTION = 10,    /* "malformed-option" */
    MONGOURI_D_UNKNOWN_OPTION = 11,      /* "unknown-option" */
    MONGOURI_D_INVALID_VALUE = 12,       /* "invalid-value" */
    MONGOURI_D_EMPTY_VALUE = 13,         /* "empty-value" */
    MONGOURI_D_REPEATED_OPTION = 14,     /* "repeated-option" */
    MONGOURI_D_DEPRECATED_OPTION = 15,   /* "deprecated-option" */
    MONGOURI_D_LEGACY_BOOLEAN = 16,      /* "legacy-boolean" */
    MONGOURI_D_TLS_IGNORED = 17,         /* "tls-option-ignored" */
    MONGOURI_D_TLS_CONFLICT = 18,        /* "tls-conflict" */
    MONGOURI_D_TLS_DISAGREE = 19,        /* "tls-ssl-disagree" */
    MONGOURI_D_REVOCATION_CONFLICT = 20, /* "revocation-conflict" */
    MONGOURI_D_SRV_ONLY = 21,            /* "srv-only-option" */
    MONGOURI_D_SRV_HOST = 22,            /* "bad-srv-host" */
    MONGOURI_D_DIRECT_CONNECTION = 23,   /* "direct-connection" */
    MONGOURI_D_LOAD_BALANCED = 24,       /* "load-balanced" */
    MONGOURI_D_PROXY = 25,               /* "proxy" */
    MONGOURI_D_AUTH = 26,                /* "auth" */
    MONGOURI_D_LIMIT = 27,               /* "limit" */
    MONGOURI_D_SRV_MAX_HOSTS = 28,       /* "srv-max-hosts" */
    MONGOURI_D_READ_PREFERENCE = 29,     /* "read-preference" */
    MONGOURI_D_INVALID_ARG = 30,         /* "invalid-argument" */
    MONGOURI_D_NOMEM = 31,               /* "out-of-memory" */
    MONGOURI_D_DNS_NXDOMAIN = 32,        /* "dns-nxdomain" */
    MONGOURI_D_DNS_NO_RECORDS = 33,      /* "dns-no-records" */
    MONGOURI_D_DNS_TIMEOUT = 34,         /* "dns-timeout" */
    MONGOURI_D_DNS_REFUSED = 35,         /* "dns-refused" */
    MONGOURI_D_DNS_FAILURE = 36,         /* "dns-failure" */
    MONGOURI_D_SRV_PARENT_DOMAIN = 37,   /* "srv-parent-domain" */
    MONGOURI_D_TXT_MULTIPLE = 38,        /* "txt-multiple-records" */
    MONGOURI_D_TXT_NOT_ALLOWED = 39,     /* "txt-option-not-allowed" */
    MONGOURI_D_TXT_MALFORMED = 40,       /* "txt-malformed" */
    MONGOURI_D_POOL = 41,                /* "pool-size" */
    MONGOURI_D_FILE_MISSING = 42,        /* "file-missing" */
    MONGOURI_D_FILE_UNREADABLE = 43,     /* "file-unreadable" */
    MONGOURI_D_FILE_NO_CERTIFICATE = 44, /* "no-certificate" */
    MONGOURI_D_FILE_NO_KEY = 45,         /* "no-private-key" */
    MONGOURI_D_KEY_NEEDS_PASSWORD = 46,  /* "key-needs-password" */
    MONGOURI_D_KEY_BAD_PASSWORD = 47,    /* "key-bad-password" */
    MONGOURI_D_KEY_MISMATCH = 48,        /* "key-certificate-mismatch" */
    MONGOURI_D_CERT_EXPIRED = 49,        /* "certificate-expired" */
    MONGOURI_D_CERT_NOT_YET_VALID = 50,  /* "certificate-not-yet-valid" */
    MONGOURI_D_CRL_UNPARSEABLE = 51,     /* "crl-unparseable" */
    MONGOURI_D_TLS_SETUP = 52,           /* "tls-setup" */
    MONGOURI_D_TLS_HANDSHAKE = 53,       /* "tls-handshake" */
    MONGOURI_D_CONNECT = 54,             /* "connect-failed" */
    MONGOURI_D_NOT_CA = 55,              /* "not-a-ca-certificate" */
    MONGOURI_D_CRL_EXPIRED = 56,         /* "crl-expired" */
    MONGOURI_D_CRL_NOT_YET_VALID = 57,   /* "crl-not-yet-valid" */
    MONGOURI_D_CRL_WRONG_ISSUER = 58,    /* "crl-wrong-issuer" */
    MONGOURI_D_TRUST_STORE_EMPTY = 59,   /* "trust-store-empty" */
    MONGOURI_D_WRITE_CONCERN = 60,       /* "write-concern" */
    MONGOURI_D__LAST                     /* not a real code; keep last */
} mongouri_diag;

/** Where an option value (or a normalized TLS field) came from. */
typedef enum mongouri_source {
    MONGOURI_SOURCE_DEFAULT = 0, /* "default" */
    MONGOURI_SOURCE_URI = 1,     /* "uri" */
    MONGOURI_SOURCE_KEYWORD = 2, /* "keyword" */
    MONGOURI_SOURCE_TXT = 3,     /* "txt" (DNS TXT record or SRV answer) */
    MONGOURI_SOURCE_IMPLIED = 4  /* "implied" (derived from other settings) */
} mongouri_source;

#define MONGOURI_OPTION_NAME_MAX 64

/**
 * An error or a warning. Caller-owned, fixed size: filling it never
 * allocates. Strings are always NUL-terminated and never contain a password
 * or any other secret.
 */
typedef struct mongouri_error {
    mongouri_status status;                /* MONGOURI_OK for a warning */
    mongouri_diag code;                    /* precise diagnosis */
    mongouri_source source;                /* where the offending input came from */
    long offset;                           /* byte offset in the URI text, -1 if none */
    long length;                           /* bytes of the offending span, 0 if unknown */
    char option[MONGOURI_OPTION_NAME_MAX]; /* canonical option name, "" if none */
    char message[256];                     /* one sentence, no secrets */
    char hint[256];                        /* what to change, "" if no hint */
} mongouri_error;

/** Static text for a status ("syntax error", ...). Never NULL. */
MONGOURI_API const char *mongouri_strerror(mongouri_status status);
/** Stable name of a diagnosis ("bad-port", ...). Never NULL. */
MONGOURI_API const char *mongouri_diag_name(mongouri_diag code);
/** "default", "uri", "keyword", "txt" or "implied". Never NULL. */
MONGOURI_API const char *mongouri_source_name(mongouri_source source);

/* ------------------------------------------------------------------------ */
/* The option table                                                          */
/* ------------------------------------------------------------------------ */

typedef enum mongouri_option_type {
    MONGOURI_TYPE_BOOL = 0,
    MONGOURI_TYPE_INT = 1, /* 32-bit or 64-bit integer with a range */
    MONGOURI_TYPE_STRING = 2,
    MONGOURI_TYPE_ENUM = 3,     /* string from a fixed set */
    MONGOURI_TYPE_LIST = 4,     /* comma-separated list (compressors) */
    MONGOURI_TYPE_KEYVALUE = 5, /* k:v,k:v (authMechanismProperties) */
    MONGOURI_TYPE_TAGSETS = 6,  /* repeatable k:v,k:v (readPreferenceTags) */
    MONGOURI_TYPE_W = 7         /* integer >= 0 or any string */
} mongouri_option_type;

#define MONGOURI_OPTION_SECRET (1u << 0)      /* value is never shown */
#define MONGOURI_OPTION_TLS (1u << 1)         /* a TLS option (implies tls=true) */
#define MONGOURI_OPTION_DEPRECATED (1u << 2)  /* works, with a warning */
#define MONGOURI_OPTION_SRV_ONLY (1u << 3)    /* only with mongodb+srv:// */
#define MONGOURI_OPTION_EXTENSION (1u << 4)   /* not in the URI-options spec */
#define MONGOURI_OPTION_TXT_ALLOWED (1u << 5) /* may come from a DNS TXT record */
#define MONGOURI_OPTION_PATH (1u << 6)        /* a file path, shown as given */

/** Read-only description of one option, for help texts and tools. */
typedef struct mongouri_option_info {
    const char *name; /* canonical camelCase name */
    mongouri_option_type type;
    const char *values;      /* allowed values or range, human readable */
    const char *description; /* one line */
    const char *aliases;     /* comma-separated alias names, or NULL */
    unsigned int flags;      /* MONGOURI_OPTION_* */
} mongouri_option_info;

/** Number of options the library knows. */
MONGOURI_API size_t mongouri_option_count(void);
/** Option `i` (0 <= i < count), in alphabetical order; NULL when out of range. */
MONGOURI_API const mongouri_option_info *mongouri_option_at(size_t i);
/** Look a name or alias up, case-insensitively. NULL when unknown. */
MONGOURI_API const mongouri_option_info *mongouri_option_find(const char *name);
/** "bool", "int", "string", "enum", "list", "key:value list", ... */
MONGOURI_API const char *mongouri_option_type_name(mongouri_option_type type);

/**
 * "Did you mean": the candidate nearest to word[0..len) (need not be
 * NUL-terminated), by edit distance (insertions, deletions, substitutions)
 * with ASCII letter case ignored; NULL when none is near enough. Near enough
 * means at most 1 edit for a word of up to 4 bytes, 2 for up to 9, 3 beyond;
 * words and candidates of 80 bytes or more are never matched. Of equally near
 * candidates the first in the array wins; NULL entries are skipped. Returns
 * an element of `candidates` (not a copy). The library's own suggestions
 * (unknown options) and validate-uri's (unknown flags) use this policy.
 */
MONGOURI_API const char *mongouri_suggest(const char *word, size_t len,
                                          const char *const *candidates, size_t n);
/**
 * The canonical name of the option whose name or alias is nearest to
 * key[0..len), by mongouri_suggest()'s policy; NULL when none is near enough.
 */
MONGOURI_API const char *mongouri_option_suggest(const char *key, size_t len);

/* ------------------------------------------------------------------------ */
/* Keyword options: what a driver's users pass in code                      */
/* ------------------------------------------------------------------------ */

typedef struct mongouri_keywords mongouri_keywords; /* opaque */

/** New empty keyword set in `*out`; release with mongouri_keywords_destroy(). */
MONGOURI_API mongouri_status mongouri_keywords_new(mongouri_keywords **out, mongouri_error *err);
/** NULL is a no-op. Secrets are wiped. */
MONGOURI_API void mongouri_keywords_destroy(mongouri_keywords *kw);
/**
 * Set option `key` (name or alias, any letter case) from its string form,
 * exactly as it would be written in a URI but not percent-encoded. Keyword
 * options are strict: an unknown key or an invalid value is an error and the
 * set is unchanged. Setting a key again replaces the earlier value, except
 * readPreferenceTags, where each call adds one tag set in order. An option
 * that conflicts with one already in the set (tlsInsecure with
 * tlsAllowInvalidCertificates, ...) is refused with MONGOURI_E_CONFLICT.
 * `key` and `value` are copied; neither may be NULL.
 */
MONGOURI_API mongouri_status mongouri_keywords_set(mongouri_keywords *kw, const char *key,
                                                   const char *value, mongouri_error *err);
/** Typed setter for a boolean option. */
MONGOURI_API mongouri_status mongouri_keywords_set_bool(mongouri_keywords *kw, const char *key,
                                                        bool value, mongouri_error *err);
/** Typed setter for an integer option (range-checked like the URI form). */
MONGOURI_API mongouri_status mongouri_keywords_set_int(mongouri_keywords *kw, const char *key,
                                                       int64_t value, mongouri_error *err);
/** Number of keyword options in the set. */
MONGOURI_API size_t mongouri_keywords_count(const mongouri_keywords *kw);

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

#define MONGOURI_PARSE_STRICT (1u << 0) /* every warning becomes an error */

/** Versioned parse options. NULL everywhere means the defaults. */
typedef struct mongouri_parse_options {
    unsigned int version;              /* MONGOURI_PARSE_OPTIONS_VERSION */
    unsigned int flags;                /* MONGOURI_PARSE_* */
    const mongouri_keywords *keywords; /* may be NULL; copied by the parse */
} mongouri_parse_options;

#define MONGOURI_PARSE_OPTIONS_VERSION 1
#define MONGOURI_PARSE_OPTIONS_INIT                                                                \
    {                                                                                              \
        MONGOURI_PARSE_OPTIONS_VERSION, 0u, NULL                                                   \
    }

/** Fill `opts` with the defaults of `version`. */
MONGOURI_API mongouri_status mongouri_parse_options_init(mongouri_parse_options *opts,
                                                         unsigned int version);

/* Input limits; exceeding one is MONGOURI_E_LIMIT. */
#define MONGOURI_MAX_URI_LENGTH (4u * 1024u * 1024u)
#define MONGOURI_MAX_HOSTS 10000u
#define MONGOURI_MAX_OPTIONS 10000u
#define MONGOURI_MAX_LIST_ITEMS 1000u /* items of one list or key:value option */
#define MONGOURI_MAX_TAG_SETS 1000u

typedef struct mongouri_uri mongouri_uri; /* opaque, immutable */

/**
 * Parse the NUL-terminated connection string `text` merged with the keyword
 * options of `opts` (keywords win over the URI). Never touches the file
 * system or the network. On MONGOURI_OK `*out` is a new handle released with
 * mongouri_uri_destroy(); otherwise `*out` is NULL and `err` says why.
 */
MONGOURI_API mongouri_status mongouri_uri_parse(mongouri_uri **out, const char *text,
                                                const mongouri_parse_options *opts,
                                                mongouri_error *err);
/** Same, for a text of `len` bytes that need not be NUL-terminated. */
MONGOURI_API mongouri_status mongouri_uri_parse_len(mongouri_uri **out, const char *text,
                                                    size_t len, const mongouri_parse_options *opts,
                                                    mongouri_error *err);
/** NULL is a no-op. Passwords are wiped before the memory is freed. */
MONGOURI_API void mongouri_uri_destroy(mongouri_uri *uri);

/* Warnings: invalid values or unknown keys that were ignored (spec mode). */
MONGOURI_API size_t mongouri_uri_warning_count(const mongouri_uri *uri);
/** Borrowed; NULL when `i` is out of range. */
MONGOURI_API const mongouri_error *mongouri_uri_warning(const mongouri_uri *uri, size_t i);

/* ------------------------------------------------------------------------ */
/* Reading the result                                                        */
/* ------------------------------------------------------------------------ */

typedef enum mongouri_scheme {
    MONGOURI_SCHEME_MONGODB = 0,    /* mongodb:// */
    MONGOURI_SCHEME_MONGODB_SRV = 1 /* mongodb+srv:// */
} mongouri_scheme;

typedef enum mongouri_host_type {
    MONGOURI_HOST_HOSTNAME = 0,   /* "hostname" */
    MONGOURI_HOST_IPV4 = 1,       /* "ipv4" */
    MONGOURI_HOST_IP_LITERAL = 2, /* "ip_literal" (IPv6, brackets stripped) */
    MONGOURI_HOST_UNIX = 3        /* "unix" (socket path, percent-decoded) */
} mongouri_host_type;

MONGOURI_API mongouri_scheme mongouri_uri_scheme(const mongouri_uri *uri);
/** "hostname", "ipv4", "ip_literal" or "unix". */
MONGOURI_API const char *mongouri_host_type_name(mongouri_host_type type);

/** Number of hosts (the seed list after resolution, for a resolved +srv URI). */
MONGOURI_API size_t mongouri_uri_host_count(const mongouri_uri *uri);
/** Host `i`, decoded, without brackets. NULL when out of range. */
MONGOURI_API const char *mongouri_uri_host(const mongouri_uri *uri, size_t i);
/** Port of host `i`; 0 when the URI gave none (27017 applies). */
MONGOURI_API uint16_t mongouri_uri_host_port(const mongouri_uri *uri, size_t i);
MONGOURI_API mongouri_host_type mongouri_uri_host_type(const mongouri_uri *uri, size_t i);
/** MONGOURI_SOURCE_URI, or MONGOURI_SOURCE_TXT for seeds found by SRV. */
MONGOURI_API mongouri_source mongouri_uri_host_source(const mongouri_uri *uri, size_t i);

/** Decoded user name, NULL when absent. */
MONGOURI_API const char *mongouri_uri_username(const mongouri_uri *uri);
/** Decoded password (a secret): NULL when absent, "" when empty. */
MONGOURI_API const char *mongouri_uri_password(const mongouri_uri *uri);
/** Decoded database of the path, NULL when absent or empty. */
MONGOURI_API const char *mongouri_uri_database(const mongouri_uri *uri);

/** True when a credential is configured (userinfo present, or authMechanism). */
MONGOURI_API bool mongouri_uri_has_credential(const mongouri_uri *uri);
/** Mechanism name, NULL when none was chosen (negotiated later). */
MONGOURI_API const char *mongouri_uri_auth_mechanism(const mongouri_uri *uri);
/** Effective authentication database, NULL without a credential. */
MONGOURI_API const char *mongouri_uri_auth_source(const mongouri_uri *uri);
/** Mechanism properties after defaults (SERVICE_NAME=mongodb for GSSAPI). */
MONGOURI_API size_t mongouri_uri_auth_property_count(const mongouri_uri *uri);
MONGOURI_API const char *mongouri_uri_auth_property_key(const mongouri_uri *uri, size_t i);
/** Borrowed; AWS_SESSION_TOKEN is a secret (see mongouri_uri_auth_property_shown). */
MONGOURI_API const char *mongouri_uri_auth_property_value(const mongouri_uri *uri, size_t i);

/** How much of a key:value item may be shown, as the redactor decides. */
typedef enum mongouri_shown {
    MONGOURI_SHOWN_ALL = 0, /* the key and the value */
    MONGOURI_SHOWN_KEY = 1, /* the key; the value is masked */
    MONGOURI_SHOWN_NONE = 2 /* neither: mask the item and, as one, all after it */
} mongouri_shown;

/**
 * What of mechanism property `i` may be shown: the value of a secret
 * property (AWS_SESSION_TOKEN, or a near miss of it) is masked, and so is
 * every item after it, names included; a key or value that holds another
 * option run into it (`SERVICE_NAME:x;proxyPassword=y`) is masked likewise.
 * The same decision as the redacted echo and the JSON. MONGOURI_SHOWN_NONE
 * when `i` is out of range.
 */
MONGOURI_API mongouri_shown mongouri_uri_auth_property_shown(const mongouri_uri *uri, size_t i);

/** True when option `name` (name or alias, any case) has a value. */
MONGOURI_API bool mongouri_uri_has_option(const mongouri_uri *uri, const char *name);
/** Where option `name` came from; MONGOURI_SOURCE_DEFAULT when unset. */
MONGOURI_API mongouri_source mongouri_uri_option_source(const mongouri_uri *uri, const char *name);
/**
 * Typed reads. MONGOURI_E_INVALID_ARG when the option is unknown, unset, or
 * not of that type (w: int when numeric, string otherwise). `*out` is left
 * unchanged on failure. Strings are borrowed.
 */
MONGOURI_API mongouri_status mongouri_uri_get_bool(const mongouri_uri *uri, const char *name,
                                                   bool *out);
MONGOURI_API mongouri_status mongouri_uri_get_int(const mongouri_uri *uri, const char *name,
                                                  int64_t *out);
MONGOURI_API mongouri_status mongouri_uri_get_string(const mongouri_uri *uri, const char *name,
                                                     const char **out);

/**
 * Whether the value of option `name` is shown masked: a secret option, or a
 * value that holds what the tokenizer calls secret (another option run into
 * it, `appname=a&proxyPassword=x` percent-encoded). The same decision as the
 * redacted echo and the JSON. false when the option is unknown, or not a
 * secret option and unset.
 */
MONGOURI_API bool mongouri_uri_option_hidden(const mongouri_uri *uri, const char *name);

/** compressors, in priority order (unknown names already dropped). */
MONGOURI_API size_t mongouri_uri_compressor_count(const mongouri_uri *uri);
MONGOURI_API const char *mongouri_uri_compressor(const mongouri_uri *uri, size_t i);

/** readPreferenceTags: an ordered list of tag sets; an empty set matches all. */
MONGOURI_API size_t mongouri_uri_tag_set_count(const mongouri_uri *uri);
MONGOURI_API size_t mongouri_uri_tag_count(const mongouri_uri *uri, size_t set);
MONGOURI_API const char *mongouri_uri_tag_key(const mongouri_uri *uri, size_t set, size_t i);
MONGOURI_API const char *mongouri_uri_tag_value(const mongouri_uri *uri, size_t set, size_t i);

/* ------------------------------------------------------------------------ */
/* Normalized TLS settings                                                   */
/* ------------------------------------------------------------------------ */

typedef enum mongouri_revocation {
    MONGOURI_REVOCATION_OCSP = 0,             /* "ocsp": staple, then responders, soft-fail */
    MONGOURI_REVOCATION_OCSP_STAPLE_ONLY = 1, /* "ocsp-staple-only": never contact responders */
    MONGOURI_REVOCATION_CRL = 2,              /* "crl": the leaf against tlsCRLFile */
    MONGOURI_REVOCATION_NONE = 3              /* "none" */
} mongouri_revocation;

typedef enum mongouri_tls_field {
    MONGOURI_TLS_ENABLED = 0,
    MONGOURI_TLS_CA_FILE = 1,
    MONGOURI_TLS_CERTIFICATE_KEY_FILE = 2,
    MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD = 3,
    MONGOURI_TLS_CRL_FILE = 4,
    MONGOURI_TLS_VERIFY_CERTIFICATES = 5,
    MONGOURI_TLS_VERIFY_HOSTNAMES = 6,
    MONGOURI_TLS_REVOCATION = 7,
    MONGOURI_TLS__FIELDS
} mongouri_tls_field;

typedef struct mongouri_tls_settings mongouri_tls_settings; /* opaque */

/** Borrowed; valid until the URI is destroyed. Never NULL for a valid URI. */
MONGOURI_API const mongouri_tls_settings *mongouri_uri_tls(const mongouri_uri *uri);
MONGOURI_API bool mongouri_tls_enabled(const mongouri_tls_settings *tls);
/** File paths, NULL when not given. */
MONGOURI_API const char *mongouri_tls_ca_file(const mongouri_tls_settings *tls);
MONGOURI_API const char *mongouri_tls_certificate_key_file(const mongouri_tls_settings *tls);
/** The key password (a secret), NULL when not given. */
MONGOURI_API const char *
mongouri_tls_certificate_key_file_password(const mongouri_tls_settings *tls);
MONGOURI_API const char *mongouri_tls_crl_file(const mongouri_tls_settings *tls);
MONGOURI_API bool mongouri_tls_verify_certificates(const mongouri_tls_settings *tls);
MONGOURI_API bool mongouri_tls_verify_hostnames(const mongouri_tls_settings *tls);
MONGOURI_API mongouri_revocation mongouri_tls_revocation(const mongouri_tls_settings *tls);
/** Where a field's value came from. */
MONGOURI_API mongouri_source mongouri_tls_source(const mongouri_tls_settings *tls,
                                                 mongouri_tls_field field);
/**
 * A short human account of that provenance: "implied by mongodb+srv",
 * "implied by tlsCAFile", "keyword tls", "URI option tlsInsecure",
 * "default". Never NULL.
 */
MONGOURI_API const char *mongouri_tls_source_detail(const mongouri_tls_settings *tls,
                                                    mongouri_tls_field field);
/** "enabled", "caFile", ... (the JSON key of a field). */
MONGOURI_API const char *mongouri_tls_field_name(mongouri_tls_field field);
/** "ocsp", "ocsp-staple-only", "crl" or "none". */
MONGOURI_API const char *mongouri_revocation_name(mongouri_revocation revocation);

/* ------------------------------------------------------------------------ */
/* JSON rendering and redaction                                              */
/* ------------------------------------------------------------------------ */

#define MONGOURI_JSON_SHOW_SECRETS (1u << 0) /* include passwords and key passwords */
#define MONGOURI_JSON_PRETTY (1u << 1)       /* indented output */

/**
 * Render one result as the JSON object of the validate-uri contract.
 * `input` is the text that was parsed (shown redacted unless
 * MONGOURI_JSON_SHOW_SECRETS); `uri` is the parse result or NULL; `err` is
 * the error when `uri` is NULL. Returns a heap string freed with
 * mongouri_free(), or NULL when out of memory.
 */
MONGOURI_API char *mongouri_json_render(const char *input, const mongouri_uri *uri,
                                        const mongouri_error *err, unsigned int flags);

struct cJSON; /* cJSON's node (<cjson/cJSON.h>); this header does not need cJSON's */

/**
 * The same object as mongouri_json_render() (MONGOURI_JSON_PRETTY aside) as a
 * cJSON tree, for a caller that adds members of its own before printing it.
 * The caller owns the tree: it may add, replace or detach items with cJSON's
 * functions (the tree is allocated through cJSON, with whatever hooks cJSON
 * was given) and must release it with mongouri_json_tree_free(), which
 * wipes its strings first (with MONGOURI_JSON_SHOW_SECRETS they hold the
 * secrets). The caller then links cJSON itself. NULL when out of memory.
 */
MONGOURI_API struct cJSON *mongouri_json_tree(const char *input, const mongouri_uri *uri,
                                              const mongouri_error *err, unsigned int flags);
/**
 * Zero every string of `tree` (values and member names it owns) and free it
 * with cJSON_Delete(). NULL is a no-op. Items detached from a tree are the
 * caller's to free the same way.
 */
MONGOURI_API void mongouri_json_tree_free(struct cJSON *tree);

/**
 * Copy of `text` with the password of the userinfo and the values of secret
 * options replaced by "****". Works on malformed strings too (anything that
 * looks like a password is hidden). When `offset` >= 0, `*redacted_offset`
 * (if not NULL) receives the position of that input byte in the copy.
 * Returns a heap string freed with mongouri_free(), NULL when out of memory.
 */
MONGOURI_API char *mongouri_redact(const char *text, long offset, long *redacted_offset);

/* ------------------------------------------------------------------------ */
/* Writing a connection string                                               */
/* ------------------------------------------------------------------------ */

#define MONGOURI_FORMAT_REDACT (1u << 0) /* passwords and secret values as "****" (for logs) */

/**
 * Write `uri` back as a connection string in canonical form: the hosts in
 * their order, then one key=value per option with a value (URI and keyword
 * options), under its canonical name, in alphabetical order. Aliases are
 * replaced (ssl -> tls, wtimeout -> wTimeoutMS), a repeated key appears once
 * with the value the parse kept, options ignored by the parse (TLS options
 * under tls=false, invalid values) are left out, and so are values equal to
 * their specified default (retryWrites=true, readPreference=primary, tls=true
 * when the scheme or another TLS option implies it, ...). Every component is
 * percent-encoded except the unreserved characters of RFC 3986 ('+' is
 * %2B, a space %20), but for '/' and ':' in option values and ',' between
 * list items. Parsing the result gives the same settings.
 * With MONGOURI_FORMAT_REDACT the password and secret values are "****"
 * (the string then no longer parses to the same credentials).
 * A resolved mongodb+srv URI is refused (MONGOURI_E_INVALID_ARG).
 * On MONGOURI_OK `*out` is a heap string freed with mongouri_free(); it holds
 * the password unless redacted: wipe it before freeing.
 */
MONGOURI_API mongouri_status mongouri_uri_format(const mongouri_uri *uri, unsigned int flags,
                                                 char **out, mongouri_error *err);

/** Free memory returned by the library. NULL is a no-op. */
MONGOURI_API void mongouri_free(void *ptr);

/**
 * Overwrite p[0..n) with zeros in a way the compiler may not remove: for a
 * buffer that held a connection string, a password or a rendering with
 * secrets, before it is freed or reused. The library wipes its own copies.
 * NULL is a no-op.
 */
MONGOURI_API void mongouri_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif

#include "mongouri/resolve.h"

#endif /* MONGOURI_MONGOURI_H */
