/*
 * The option table: every option of the URI-options specification plus the
 * tlsCRLFile extension, with type, range, allowed values and aliases. It
 * drives parsing, type checks, the JSON output, --help and suggestions.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

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

#define T(type) MONGOURI_TYPE_##type
#define F_SECRET MONGOURI_OPTION_SECRET
#define F_TLS MONGOURI_OPTION_TLS
#define F_DEPR MONGOURI_OPTION_DEPRECATED
#define F_SRV MONGOURI_OPTION_SRV_ONLY
#define F_EXT MONGOURI_OPTION_EXTENSION
#define F_PATH MONGOURI_OPTION_PATH
#define F_TXT MONGOURI_OPTION_TXT_ALLOWED

/* Indexed by mongouri__opt; alphabetical by lower-case name. */
const mongouri__optdef mongouri__options[MONGOURI_OPT__COUNT] = {
    {{"appname", T(STRING), "text, at most 128 bytes",
      "application name sent in the handshake and shown in server logs", NULL, 0},
     0,
     0,
     NULL},
    {{"authMechanism", T(ENUM),
      "SCRAM-SHA-1, SCRAM-SHA-256, PLAIN, GSSAPI, MONGODB-X509, MONGODB-AWS, MONGODB-OIDC",
      "authentication mechanism (default: negotiated with the server)", NULL, 0},
     0,
     0,
     mechanisms},
    {{"authMechanismProperties", T(KEYVALUE), "KEY:value,KEY:value",
      "mechanism properties (SERVICE_NAME, CANONICALIZE_HOST_NAME, ENVIRONMENT, ...)",
      "gssapiServiceName", 0},
     0,
     0,
     NULL},
    {{"authSource", T(STRING), "database name, not empty",
      "database that holds the user's credentials", NULL, F_TXT},
     0,
     0,
     NULL},
    {{"compressors", T(LIST), "snappy, zlib, zstd (comma-separated, in priority order)",
      "wire compressors to offer", NULL, 0},
     0,
     0,
     compressors},
    {{"connectTimeoutMS", T(INT), "integer >= 0 (0: no limit)",
      "time limit for opening a connection", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"directConnection", T(BOOL), "true, false",
      "connect to the one host given, without discovering the deployment", NULL, 0},
     0,
     0,
     NULL},
    {{"enableOverloadRetargeting", T(BOOL), "true, false",
      "retry an overloaded operation on another server", NULL, 0},
     0,
     0,
     NULL},
    {{"heartbeatFrequencyMS", T(INT), "integer >= 500", "interval between server monitoring checks",
      NULL, 0},
     500,
     I32MAX,
     NULL},
    {{"journal", T(BOOL), "true, false", "write concern: wait for the journal", NULL, 0},
     0,
     0,
     NULL},
    {{"loadBalanced", T(BOOL), "true, false",
      "the host is a load balancer in front of a sharded cluster", NULL, F_TXT},
     0,
     0,
     NULL},
    {{"localThresholdMS", T(INT), "integer >= 0",
      "latency window for choosing among suitable servers", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"maxAdaptiveRetries", T(INT), "integer >= 0",
      "retries of an operation refused because a server is overloaded", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"maxConnecting", T(INT), "integer > 0", "connections a pool may be establishing at once",
      NULL, 0},
     1,
     I32MAX,
     NULL},
    {{"maxIdleTimeMS", T(INT), "integer >= 0 (0: no limit)",
      "time a pooled connection may stay idle", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"maxPoolSize", T(INT), "integer >= 0 (0: no limit)", "largest number of connections per pool",
      NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"maxStalenessSeconds", T(INT), "-1 (no limit) or integer >= 90",
      "how stale a secondary may be to be read from", NULL, 0},
     -1,
     I32MAX,
     NULL},
    {{"minPoolSize", T(INT), "integer >= 0", "smallest number of connections per pool", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"proxyHost", T(STRING), "host name or IP address", "SOCKS5 proxy host", NULL, 0}, 0, 0, NULL},
    {{"proxyPassword", T(STRING), "text", "SOCKS5 proxy password (secret)", NULL, F_SECRET},
     0,
     0,
     NULL},
    {{"proxyPort", T(INT), "1 to 65535 (default 1080)", "SOCKS5 proxy port", NULL, 0},
     1,
     65535,
     NULL},
    {{"proxyUsername", T(STRING), "text", "SOCKS5 proxy user name", NULL, 0}, 0, 0, NULL},
    {{"readConcernLevel", T(STRING), "local, majority, linearizable, available, snapshot, ...",
      "read concern level", NULL, 0},
     0,
     0,
     NULL},
    {{"readPreference", T(ENUM),
      "primary, primaryPreferred, secondary, secondaryPreferred, nearest",
      "which members reads may go to", NULL, 0},
     0,
     0,
     read_preferences},
    {{"readPreferenceTags", T(TAGSETS), "key:value,key:value (repeatable; empty: any)",
      "tag sets for choosing a member, in order of preference", NULL, 0},
     0,
     0,
     NULL},
    {{"replicaSet", T(STRING), "replica set name", "name of the replica set to connect to", NULL,
      F_TXT},
     0,
     0,
     NULL},
    {{"retryReads", T(BOOL), "true, false", "retry reads once after a transient error", NULL, 0},
     0,
     0,
     NULL},
    {{"retryWrites", T(BOOL), "true, false", "retry writes once after a transient error", NULL, 0},
     0,
     0,
     NULL},
    {{"serverMonitoringMode", T(ENUM), "stream, poll, auto", "how servers are monitored", NULL, 0},
     0,
     0,
     monitoring_modes},
    {{"serverSelectionTimeoutMS", T(INT), "integer > 0", "time limit for finding a suitable server",
      NULL, 0},
     1,
     I32MAX,
     NULL},
    {{"serverSelectionTryOnce", T(BOOL), "true, false",
      "single-threaded drivers: try server selection once", NULL, 0},
     0,
     0,
     NULL},
    {{"socketTimeoutMS", T(INT), "integer >= 0 (0: no limit)",
      "time limit for a network read or write (deprecated: use timeoutMS)", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"srvMaxHosts", T(INT), "integer >= 0 (0: no limit)",
      "largest number of hosts taken from the SRV answer", NULL, F_SRV},
     0,
     I32MAX,
     NULL},
    {{"srvServiceName", T(STRING), "service name (letters, digits, hyphens)",
      "SRV service name queried as _NAME._tcp.host (default mongodb)", NULL, F_SRV},
     0,
     0,
     NULL},
    {{"timeoutMS", T(INT), "integer >= 0 (0: no limit)", "time limit for a whole operation", NULL,
      0},
     0,
     I64MAX,
     NULL},
    {{"tls", T(BOOL), "true, false",
      "use TLS (default: true for mongodb+srv, else true when another TLS option is given)", "ssl",
      0},
     0,
     0,
     NULL},
    {{"tlsAllowInvalidCertificates", T(BOOL), "true, false",
      "do not verify the server's certificate chain (insecure)", "sslAllowInvalidCertificates",
      F_TLS},
     0,
     0,
     NULL},
    {{"tlsAllowInvalidHostnames", T(BOOL), "true, false",
      "do not check the server's name against its certificate (insecure)",
      "sslAllowInvalidHostnames", F_TLS},
     0,
     0,
     NULL},
    {{"tlsCAFile", T(STRING), "path to a PEM file",
      "certificate authorities to trust (default: the system store)", "sslCertificateAuthorityFile",
      F_TLS | F_PATH},
     0,
     0,
     NULL},
    {{"tlsCertificateKeyFile", T(STRING), "path to a PEM file",
      "client certificate and private key", "sslClientCertificateKeyFile", F_TLS | F_PATH},
     0,
     0,
     NULL},
    {{"tlsCertificateKeyFilePassword", T(STRING), "text",
      "password of the client private key (secret)", "sslClientCertificateKeyPassword",
      F_TLS | F_SECRET},
     0,
     0,
     NULL},
    {{"tlsCRLFile", T(STRING), "path to a PEM or DER CRL",
      "check the server's certificate against this revocation list (instead of OCSP)", NULL,
      F_TLS | F_EXT | F_PATH},
     0,
     0,
     NULL},
    {{"tlsDisableCertificateRevocationCheck", T(BOOL), "true, false",
      "no revocation checking at all (no OCSP, no staple)", NULL, F_TLS},
     0,
     0,
     NULL},
    {{"tlsDisableOCSPEndpointCheck", T(BOOL), "true, false",
      "never contact OCSP responders (stapled responses are still checked)", NULL, F_TLS},
     0,
     0,
     NULL},
    {{"tlsInsecure", T(BOOL), "true, false",
      "relax every check: invalid certificates and host names allowed, no OCSP (insecure)", NULL,
      F_TLS},
     0,
     0,
     NULL},
    {{"w", T(W), "integer >= 0, majority, or a tag set name", "write concern", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"waitQueueTimeoutMS", T(INT), "integer >= 0",
      "time limit for waiting for a pooled connection (deprecated: use timeoutMS)", NULL, 0},
     0,
     I32MAX,
     NULL},
    {{"wTimeoutMS", T(INT), "integer >= 0 (0: no limit)",
      "write concern time limit (deprecated: use timeoutMS)", "wtimeout", 0},
     0,
     I64MAX,
     NULL},
    {{"zlibCompressionLevel", T(INT), "-1 to 9 (-1: zlib's default)", "zlib compression level",
      NULL, 0},
     -1,
     9,
     NULL},
};

/*
 * Every spelling the parser accepts, sorted by length and then by lower-case
 * name, so that a lookup only compares the few names of the key's length.
 * Each entry carries the static texts that say where a value came from.
 */
typedef struct key_entry {
    const char *lower;
    uint8_t len;
    uint8_t id;
    uint8_t alias;      /* 1: alias */
    uint8_t deprecated; /* 1: deprecated alias (warning) */
    const char *spelled;
    const char *detail[4]; /* "URI option X", "keyword X", "TXT record X", "implied by X" */
} key_entry;

#define K(lower, id, alias, depr, spelled)                                                         \
    {                                                                                              \
        lower, (uint8_t)(sizeof lower - 1), MONGOURI_OPT_##id, alias, depr, spelled,               \
        {                                                                                          \
            "URI option " spelled, "keyword " spelled, "TXT record " spelled,                      \
                "implied by " spelled                                                              \
        }                                                                                          \
    }
static const key_entry keys[] = {
    K("w", W, 0, 0, "w"),
    K("ssl", TLS, 1, 0, "ssl"),
    K("tls", TLS, 0, 0, "tls"),
    K("appname", APPNAME, 0, 0, "appname"),
    K("journal", JOURNAL, 0, 0, "journal"),
    K("wtimeout", WTIMEOUTMS, 1, 1, "wtimeout"),
    K("proxyhost", PROXYHOST, 0, 0, "proxyHost"),
    K("proxyport", PROXYPORT, 0, 0, "proxyPort"),
    K("timeoutms", TIMEOUTMS, 0, 0, "timeoutMS"),
    K("tlscafile", TLSCAFILE, 0, 0, "tlsCAFile"),
    K("authsource", AUTHSOURCE, 0, 0, "authSource"),
    K("replicaset", REPLICASET, 0, 0, "replicaSet"),
    K("retryreads", RETRYREADS, 0, 0, "retryReads"),
    K("tlscrlfile", TLSCRLFILE, 0, 0, "tlsCRLFile"),
    K("wtimeoutms", WTIMEOUTMS, 0, 0, "wTimeoutMS"),
    K("compressors", COMPRESSORS, 0, 0, "compressors"),
    K("maxpoolsize", MAXPOOLSIZE, 0, 0, "maxPoolSize"),
    K("minpoolsize", MINPOOLSIZE, 0, 0, "minPoolSize"),
    K("retrywrites", RETRYWRITES, 0, 0, "retryWrites"),
    K("srvmaxhosts", SRVMAXHOSTS, 0, 0, "srvMaxHosts"),
    K("tlsinsecure", TLSINSECURE, 0, 0, "tlsInsecure"),
    K("loadbalanced", LOADBALANCED, 0, 0, "loadBalanced"),
    K("authmechanism", AUTHMECHANISM, 0, 0, "authMechanism"),
    K("maxconnecting", MAXCONNECTING, 0, 0, "maxConnecting"),
    K("maxidletimems", MAXIDLETIMEMS, 0, 0, "maxIdleTimeMS"),
    K("proxypassword", PROXYPASSWORD, 0, 0, "proxyPassword"),
    K("proxyusername", PROXYUSERNAME, 0, 0, "proxyUsername"),
    K("readpreference", READPREFERENCE, 0, 0, "readPreference"),
    K("srvservicename", SRVSERVICENAME, 0, 0, "srvServiceName"),
    K("sockettimeoutms", SOCKETTIMEOUTMS, 0, 0, "socketTimeoutMS"),
    K("connecttimeoutms", CONNECTTIMEOUTMS, 0, 0, "connectTimeoutMS"),
    K("directconnection", DIRECTCONNECTION, 0, 0, "directConnection"),
    K("localthresholdms", LOCALTHRESHOLDMS, 0, 0, "localThresholdMS"),
    K("readconcernlevel", READCONCERNLEVEL, 0, 0, "readConcernLevel"),
    K("gssapiservicename", AUTHMECHANISMPROPERTIES, 1, 1, "gssapiServiceName"),
    K("maxadaptiveretries", MAXADAPTIVERETRIES, 0, 0, "maxAdaptiveRetries"),
    K("readpreferencetags", READPREFERENCETAGS, 0, 0, "readPreferenceTags"),
    K("waitqueuetimeoutms", WAITQUEUETIMEOUTMS, 0, 0, "waitQueueTimeoutMS"),
    K("maxstalenessseconds", MAXSTALENESSSECONDS, 0, 0, "maxStalenessSeconds"),
    K("heartbeatfrequencyms", HEARTBEATFREQUENCYMS, 0, 0, "heartbeatFrequencyMS"),
    K("servermonitoringmode", SERVERMONITORINGMODE, 0, 0, "serverMonitoringMode"),
    K("zlibcompressionlevel", ZLIBCOMPRESSIONLEVEL, 0, 0, "zlibCompressionLevel"),
    K("tlscertificatekeyfile", TLSCERTIFICATEKEYFILE, 0, 0, "tlsCertificateKeyFile"),
    K("serverselectiontryonce", SERVERSELECTIONTRYONCE, 0, 0, "serverSelectionTryOnce"),
    K("authmechanismproperties", AUTHMECHANISMPROPERTIES, 0, 0, "authMechanismProperties"),
    K("serverselectiontimeoutms", SERVERSELECTIONTIMEOUTMS, 0, 0, "serverSelectionTimeoutMS"),
    K("sslallowinvalidhostnames", TLSALLOWINVALIDHOSTNAMES, 1, 1, "sslAllowInvalidHostnames"),
    K("tlsallowinvalidhostnames", TLSALLOWINVALIDHOSTNAMES, 0, 0, "tlsAllowInvalidHostnames"),
    K("enableoverloadretargeting", ENABLEOVERLOADRETARGETING, 0, 0, "enableOverloadRetargeting"),
    K("sslallowinvalidcertificates", TLSALLOWINVALIDCERTIFICATES, 1, 1,
      "sslAllowInvalidCertificates"),
    K("sslcertificateauthorityfile", TLSCAFILE, 1, 1, "sslCertificateAuthorityFile"),
    K("sslclientcertificatekeyfile", TLSCERTIFICATEKEYFILE, 1, 1, "sslClientCertificateKeyFile"),
    K("tlsallowinvalidcertificates", TLSALLOWINVALIDCERTIFICATES, 0, 0,
      "tlsAllowInvalidCertificates"),
    K("tlsdisableocspendpointcheck", TLSDISABLEOCSPENDPOINTCHECK, 0, 0,
      "tlsDisableOCSPEndpointCheck"),
    K("tlscertificatekeyfilepassword", TLSCERTIFICATEKEYFILEPASSWORD, 0, 0,
      "tlsCertificateKeyFilePassword"),
    K("sslclientcertificatekeypassword", TLSCERTIFICATEKEYFILEPASSWORD, 1, 1,
      "sslClientCertificateKeyPassword"),
    K("tlsdisablecertificaterevocationcheck", TLSDISABLECERTIFICATEREVOCATIONCHECK, 0, 0,
      "tlsDisableCertificateRevocationCheck"),
};
#undef K

#define NKEYS (sizeof keys / sizeof keys[0])
#define KEY_MAX 37 /* longer keys are unknown */

/* first[n]: index of the first entry whose name has at least n characters. */
static const uint8_t first[KEY_MAX + 2] = {0,  0,  1,  1,  3,  3,  3,  3,  5,  6,  10, 15, 21,
                                           22, 27, 29, 30, 34, 35, 38, 39, 42, 43, 44, 45, 48,
                                           49, 49, 54, 54, 55, 55, 56, 56, 56, 56, 56, 57, 57};

mongouri__key mongouri__option_lookup(const char *key, size_t n)
{
    mongouri__key r = {-1, false, false, NULL, 0};

    if (n == 0 || n >= KEY_MAX)
        return r;
    for (size_t i = first[n]; i < first[n + 1]; i++) {
        const char *name = keys[i].lower;
        size_t j = 0;
        /* Names are lower-case letters only, so setting bit 0x20 of each key
         * byte folds A-Z and can make no other byte equal to a name's byte.
         * Eight bytes at a time, then the tail. */
        for (; j + 8 <= n; j += 8) {
            uint64_t a, b;
            memcpy(&a, key + j, 8);
            memcpy(&b, name + j, 8);
            if ((a | UINT64_C(0x2020202020202020)) != b)
                break;
        }
        if (j + 8 <= n)
            continue;
        while (j < n && ((unsigned char)key[j] | 0x20u) == (unsigned char)name[j])
            j++;
        if (j == n) {
            r.id = keys[i].id;
            r.alias = keys[i].alias != 0;
            r.deprecated = keys[i].deprecated != 0;
            r.spelled = keys[i].spelled;
            r.index = (uint8_t)i;
            return r;
        }
    }
    return r;
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
    for (unsigned i = 0; i < NKEYS; i++)
        if (keys[i].id == id && !keys[i].alias)
            return i;
    return (unsigned)NKEYS;
}

bool mongouri__keys_check(void)
{
    for (size_t i = 0; i < NKEYS; i++) {
        mongouri__key k = mongouri__option_lookup(keys[i].lower, keys[i].len);
        if (k.index != i || strlen(keys[i].lower) != keys[i].len ||
            (i > 0 &&
             (keys[i - 1].len > keys[i].len ||
              (keys[i - 1].len == keys[i].len && strcmp(keys[i - 1].lower, keys[i].lower) >= 0))))
            return false;
    }
    return true;
}

const char *mongouri__option_suggest(const char *key, size_t n)
{
    /* Names and aliases, lower-cased, in table order: that order breaks ties. */
    const char *names[NKEYS];
    const char *near;

    for (size_t i = 0; i < NKEYS; i++)
        names[i] = keys[i].lower;
    near = mongouri_suggest(key, n, names, NKEYS);
    for (size_t i = 0; near != NULL && i < NKEYS; i++)
        if (names[i] == near)
            return mongouri__options[keys[i].id].info.name;
    return NULL;
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
