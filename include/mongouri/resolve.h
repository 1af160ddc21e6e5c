/*
 * mongodb+srv seed-list discovery: SRV and TXT lookups (c-ares), the
 * seedlist rules, and the merge of TXT options. Included by mongouri.h.
 */
#ifndef MONGOURI_RESOLVE_H
#define MONGOURI_RESOLVE_H

#include "mongouri/mongouri.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Versioned resolver options. NULL means the defaults. */
typedef struct mongouri_resolve_options {
    unsigned int version;    /* MONGOURI_RESOLVE_OPTIONS_VERSION */
    const char *dns_servers; /* "IP:PORT,IP:PORT"; NULL = the system's resolvers */
    int timeout_ms;          /* first-try timeout per server; 0 = library default */
    int tries;               /* 0 = library default */
    int deadline_ms;         /* overall bound for the whole resolution; 0 = default */
    /* Random source for srvMaxHosts selection: returns a value in [0, bound). NULL = library's. */
    uint32_t (*random)(void *ctx, uint32_t bound);
    void *random_ctx;
} mongouri_resolve_options;

#define MONGOURI_RESOLVE_OPTIONS_VERSION 1
#define MONGOURI_RESOLVE_OPTIONS_INIT { MONGOURI_RESOLVE_OPTIONS_VERSION, NULL, 0, 0, 0, NULL, NULL }

/*
 * The defaults behind the zeros: 1000 ms first-try timeout, 2 tries per
 * server, 5000 ms overall deadline. c-ares doubles the timeout on each pass
 * over the server list, so one silent server costs 1000 + 2000 ms; the
 * deadline bounds any server list.
 */
#define MONGOURI_RESOLVE_DEFAULT_TIMEOUT_MS 1000
#define MONGOURI_RESOLVE_DEFAULT_TRIES 2
#define MONGOURI_RESOLVE_DEFAULT_DEADLINE_MS 5000

/** Fill `opts` with the defaults of `version`. */
MONGOURI_API mongouri_status mongouri_resolve_options_init(mongouri_resolve_options *opts,
                                                           unsigned int version);

/**
 * Resolve a mongodb+srv result: SRV and TXT queries in flight together,
 * seedlist rules, TXT options merged (URI and keywords win), cross-option
 * rules run again. On MONGOURI_OK `*out` is a new, resolved handle (the seeds
 * as hosts, provenance "txt"), released with mongouri_uri_destroy(); `uri` is
 * not changed. A mongodb:// input is MONGOURI_E_INVALID_ARG.
 */
MONGOURI_API mongouri_status mongouri_uri_resolve(mongouri_uri **out, const mongouri_uri *uri,
                                                  const mongouri_resolve_options *opts,
                                                  mongouri_error *err);


/* ------------------------------------------------------------------------ */
/* What a resolution did: the queries, their outcome and timing              */
/* ------------------------------------------------------------------------ */

typedef struct mongouri_resolve_report mongouri_resolve_report; /* opaque */

/**
 * mongouri_uri_resolve() that also describes what it did. When `report` is
 * not NULL, `*report` receives a new report, on success and on failure alike
 * (it is NULL only when the arguments are invalid or memory ran out), which
 * the caller releases with mongouri_resolve_report_destroy().
 */
MONGOURI_API mongouri_status mongouri_uri_resolve_ex(mongouri_uri **out,
                                                     mongouri_resolve_report **report,
                                                     const mongouri_uri *uri,
                                                     const mongouri_resolve_options *opts,
                                                     mongouri_error *err);
/** NULL is a no-op. */
MONGOURI_API void mongouri_resolve_report_destroy(mongouri_resolve_report *report);

/** The DNS servers asked, "IP:PORT" separated by ", ". Never NULL. */
MONGOURI_API const char *mongouri_resolve_report_servers(const mongouri_resolve_report *report);
/** Wall-clock milliseconds of the whole resolution (both queries). */
MONGOURI_API double mongouri_resolve_report_total_ms(const mongouri_resolve_report *report);

/** Number of queries sent: 2 (SRV, then TXT), or 0 when none could be sent. */
MONGOURI_API size_t mongouri_resolve_report_query_count(const mongouri_resolve_report *report);
/** "SRV" or "TXT"; NULL when `i` is out of range. */
MONGOURI_API const char *mongouri_resolve_report_query_type(const mongouri_resolve_report *report,
                                                            size_t i);
/** The name queried, without the trailing dot ("_mongodb._tcp.example.com"). */
MONGOURI_API const char *mongouri_resolve_report_query_name(const mongouri_resolve_report *report,
                                                            size_t i);
/**
 * What came back, one word: "NOERROR", "NXDOMAIN", "NODATA", "SERVFAIL",
 * "REFUSED", "NOTIMP", "FORMERR", "timeout" (no answer after every try),
 * "unreachable" (connection refused), "deadline" (stopped by deadline_ms),
 * "malformed" (an answer that does not parse) or "error".
 */
MONGOURI_API const char *mongouri_resolve_report_query_outcome(
    const mongouri_resolve_report *report, size_t i);
/** Records in the answer (TXT: records, not character-strings). */
MONGOURI_API size_t mongouri_resolve_report_query_records(const mongouri_resolve_report *report,
                                                          size_t i);
/** Milliseconds from sending the query to its answer (or its failure); -1 out of range. */
MONGOURI_API double mongouri_resolve_report_query_ms(const mongouri_resolve_report *report,
                                                     size_t i);

/** The SRV answer as received (before validation and srvMaxHosts), sorted. */
MONGOURI_API size_t mongouri_resolve_report_srv_count(const mongouri_resolve_report *report);
/** Target of SRV record `i`, lower-case, without the trailing dot; NULL out of range. */
MONGOURI_API const char *mongouri_resolve_report_srv_target(const mongouri_resolve_report *report,
                                                            size_t i);
/** Port of SRV record `i`; 0 out of range. */
MONGOURI_API uint16_t mongouri_resolve_report_srv_port(const mongouri_resolve_report *report,
                                                       size_t i);
/** The TXT record, its character-strings joined; NULL when there was none. */
MONGOURI_API const char *mongouri_resolve_report_txt(const mongouri_resolve_report *report);

#ifdef __cplusplus
}
#endif

#endif /* MONGOURI_RESOLVE_H */
