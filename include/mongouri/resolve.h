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

/*
 * c-ares and memory. The first resolution, rescan or TLS probe initialises
 * c-ares once for the process (ares_library_init_mem(), never cleaned up),
 * with allocation hooks that are malloc, realloc and free plus a count of
 * failures kept per thread, so that memory running out inside c-ares during
 * a resolution (c-ares then drops the answer) is this resolution's
 * out-of-memory, not a timeout, and another thread's failure is never
 * counted. c-ares cannot tell on POSIX systems whether it was initialised
 * before, so:
 *  - an application that uses c-ares itself with its default allocator,
 *    whether it called ares_library_init() before or after, needs nothing
 *    (the hooks are compatible with that allocator);
 *  - an application that gives c-ares an allocator of its own must call
 *    ares_library_init_mem() after the library's first resolution, not
 *    before (the hooks would replace it). Memory running out inside c-ares
 *    is then reported only where c-ares returns ARES_ENOMEM (queries that
 *    cannot be created or sent, names that cannot be expanded); an answer
 *    c-ares drops for want of memory ends as the timeout it causes — an
 *    error, never a success — and the library's own allocations are always
 *    reported as out-of-memory.
 * ares_library_init() is not thread-safe: the application must not run its
 * own initialisation concurrently with the library's first call.
 */

/** Versioned resolver options. NULL means the defaults. */
typedef struct mongouri_resolve_options {
    unsigned int version; /* MONGOURI_RESOLVE_OPTIONS_VERSION */
    /* "IP:PORT,IP:PORT" (at most 8), tried in that order: a server that times
     * out, fails (SERVFAIL twice, REFUSED, NOTIMP, FORMERR, other RCODEs), is
     * unreachable or sends a malformed answer hands the query to the next.
     * NULL = the system's resolvers. */
    const char *dns_servers;
    int timeout_ms;  /* first-try timeout per server; 0 = library default */
    int tries;       /* 0 = library default */
    int deadline_ms; /* overall bound for the whole resolution; 0 = default */
    /* Random source for srvMaxHosts selection: returns a value in [0, bound). NULL = library's. */
    uint32_t (*random)(void *ctx, uint32_t bound);
    void *random_ctx;
} mongouri_resolve_options;

#define MONGOURI_RESOLVE_OPTIONS_VERSION 1
#define MONGOURI_RESOLVE_OPTIONS_INIT                                                              \
    {                                                                                              \
        MONGOURI_RESOLVE_OPTIONS_VERSION, NULL, 0, 0, 0, NULL, NULL                                \
    }

/*
 * The defaults behind the zeros: 1000 ms first-try timeout, 2 tries per
 * server (a timeout is retried once), 5000 ms overall deadline. c-ares
 * doubles the timeout on the second try, so one silent server costs
 * 1000 + 2000 ms; the deadline bounds any server list. A SERVFAIL is asked
 * again once, of the same server, within the deadline.
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
 * What came back, one word: "NOERROR", "NXDOMAIN", "NODATA" (also when the
 * answer holds records of other names only), "SERVFAIL", "REFUSED",
 * "NOTIMP", "FORMERR", another RCODE by name ("YXDOMAIN", ..., "RCODE 15"),
 * "timeout" (no answer after every try), "unreachable" (connection refused),
 * "truncated" (UDP answer truncated, the TCP retry failed), "not-a-response"
 * (QR bit clear), "deadline" (stopped by deadline_ms), "malformed" (an
 * answer that does not parse), "out-of-memory" or "error". With several
 * servers, the outcome of the last one asked.
 */
MONGOURI_API const char *
mongouri_resolve_report_query_outcome(const mongouri_resolve_report *report, size_t i);
/** Records in the answer (TXT: records, not character-strings). */
MONGOURI_API size_t mongouri_resolve_report_query_records(const mongouri_resolve_report *report,
                                                          size_t i);
/** Milliseconds from sending the query to its answer (or its failure); -1 out of range. */
MONGOURI_API double mongouri_resolve_report_query_ms(const mongouri_resolve_report *report,
                                                     size_t i);
/** The server ("IP:PORT") whose answer or failure is the outcome; NULL out of range. */
MONGOURI_API const char *mongouri_resolve_report_query_server(const mongouri_resolve_report *report,
                                                              size_t i);
/**
 * Every attempt in order, "IP:PORT OUTCOME" separated by ", " (a SERVFAIL
 * asked again, a truncated UDP answer retried over TCP, the next server);
 * NULL out of range.
 */
MONGOURI_API const char *
mongouri_resolve_report_query_attempts(const mongouri_resolve_report *report, size_t i);
/** Records in the answer owned by another name (nor reached by CNAME): never used. */
MONGOURI_API size_t mongouri_resolve_report_query_ignored(const mongouri_resolve_report *report,
                                                          size_t i);

/**
 * The SRV answer as received (before validation and srvMaxHosts), sorted:
 * the records of the queried name (or of its CNAME chain) only.
 */
MONGOURI_API size_t mongouri_resolve_report_srv_count(const mongouri_resolve_report *report);
/** Target of SRV record `i`, lower-case, without the trailing dot; NULL out of range. */
MONGOURI_API const char *mongouri_resolve_report_srv_target(const mongouri_resolve_report *report,
                                                            size_t i);
/** Port of SRV record `i`; 0 out of range. */
MONGOURI_API uint16_t mongouri_resolve_report_srv_port(const mongouri_resolve_report *report,
                                                       size_t i);
/**
 * The TXT record, its character-strings joined; NULL when there was none.
 * Always valid UTF-8: a byte that is not (and NUL) is shown as "\xHH" (such
 * a record is refused by the resolution, txt-malformed).
 */
MONGOURI_API const char *mongouri_resolve_report_txt(const mongouri_resolve_report *report);

/** Lowest TTL (seconds) of the SRV records used; 0 when there was none. */
MONGOURI_API uint32_t mongouri_resolve_report_srv_ttl(const mongouri_resolve_report *report);
/**
 * When to rescan the SRV records (polling-srv-records-for-mongos-discovery):
 * the lowest TTL, but never less than 60 s, in milliseconds.
 */
MONGOURI_API int64_t mongouri_resolve_report_rescan_ms(const mongouri_resolve_report *report);

/* ------------------------------------------------------------------------ */
/* SRV polling for drivers (polling-srv-records-for-mongos-discovery)        */
/* ------------------------------------------------------------------------ */

/** One seed: a host name (lower case, no trailing dot) and a port. */
typedef struct mongouri_seed {
    char *host;
    uint16_t port; /* 0 in an input means 27017 */
} mongouri_seed;

/** Free a list made by this library. NULL is a no-op. */
MONGOURI_API void mongouri_seeds_free(mongouri_seed *seeds, size_t n);

/**
 * Apply a new SRV answer (validated seeds) to a driver's current seed list:
 * the hosts still present stay (in their order, untouched), the missing are
 * dropped, the new ones are added: all of them when srv_max_hosts is 0 or
 * leaves room, otherwise chosen at random (`random` in [0, bound), NULL =
 * the library's) until the list has srv_max_hosts hosts. An empty answer
 * leaves the list as it is: it is never emptied. Host names compare
 * ASCII-case-insensitively. On MONGOURI_OK `*out` is a new list of `*nout`
 * seeds, released with mongouri_seeds_free().
 */
MONGOURI_API mongouri_status mongouri_srv_apply(mongouri_seed **out, size_t *nout,
                                                const mongouri_seed *current, size_t ncurrent,
                                                const mongouri_seed *answer, size_t nanswer,
                                                uint32_t srv_max_hosts,
                                                uint32_t (*random)(void *ctx, uint32_t bound),
                                                void *random_ctx, mongouri_error *err);

typedef struct mongouri_srv_poll_result mongouri_srv_poll_result; /* opaque */

/**
 * A rescan: the SRV query of `uri` (a parsed, not resolved, mongodb+srv
 * handle; no TXT query), its targets validated as in a resolution, except
 * that an invalid one is left out rather than failing the answer; then
 * mongouri_srv_apply() with the uri's srvMaxHosts. A DNS failure, no
 * record, no valid record or loadBalanced=true leave the list unchanged and
 * are no error (see mongouri_srv_poll_result_reason()). Errors: invalid
 * arguments and out of memory. `out`, `uri` must not be NULL; `current` may
 * be NULL when `ncurrent` is 0 (it is copied); `opts` NULL = defaults; `err`
 * may be NULL. On MONGOURI_OK `*out` is a new result the caller releases
 * with mongouri_srv_poll_result_destroy(); otherwise `*out` is NULL.
 */
MONGOURI_API mongouri_status mongouri_srv_poll(mongouri_srv_poll_result **out,
                                               const mongouri_uri *uri,
                                               const mongouri_seed *current, size_t ncurrent,
                                               const mongouri_resolve_options *opts,
                                               mongouri_error *err);
/** NULL is a no-op. Every pointer borrowed from the result dies with it. */
MONGOURI_API void mongouri_srv_poll_result_destroy(mongouri_srv_poll_result *res);

/*
 * The getters take a result that may be NULL (then: 0, false, NULL, or the
 * value named). Strings and arrays are borrowed until the result is destroyed.
 */

/** Seeds in the new list (the current one when nothing applied). */
MONGOURI_API size_t mongouri_srv_poll_result_seed_count(const mongouri_srv_poll_result *res);
/** Host of seed `i` (lower case, no trailing dot); NULL out of range. */
MONGOURI_API const char *mongouri_srv_poll_result_seed_host(const mongouri_srv_poll_result *res,
                                                            size_t i);
/** Port of seed `i`; 0 out of range. */
MONGOURI_API uint16_t mongouri_srv_poll_result_seed_port(const mongouri_srv_poll_result *res,
                                                         size_t i);
/**
 * The new list as an array of mongouri_srv_poll_result_seed_count() seeds, e.g. the
 * `current` of the next mongouri_srv_poll(); NULL when empty. Read only.
 */
MONGOURI_API const mongouri_seed *
mongouri_srv_poll_result_seeds(const mongouri_srv_poll_result *res);
/** Whether the new list differs from the current one. */
MONGOURI_API bool mongouri_srv_poll_result_changed(const mongouri_srv_poll_result *res);
/**
 * Milliseconds to the next rescan: max(lowest TTL, 60 s), or
 * heartbeatFrequencyMS (default 10000) when no valid record came back;
 * 10000 for NULL.
 */
MONGOURI_API int64_t mongouri_srv_poll_result_rescan_ms(const mongouri_srv_poll_result *res);
/** Records left out: not a host name, outside the parent domain. */
MONGOURI_API size_t mongouri_srv_poll_result_ignored(const mongouri_srv_poll_result *res);
/**
 * Why the list was left alone, or the first record left out; its status is
 * MONGOURI_OK when there is nothing to say. Never NULL (for NULL: a static
 * empty error).
 */
MONGOURI_API const mongouri_error *
mongouri_srv_poll_result_reason(const mongouri_srv_poll_result *res);
/** The SRV query's report; NULL for loadBalanced=true (nothing asked). */
MONGOURI_API const mongouri_resolve_report *
mongouri_srv_poll_result_report(const mongouri_srv_poll_result *res);

#ifdef __cplusplus
}
#endif

#endif /* MONGOURI_RESOLVE_H */
