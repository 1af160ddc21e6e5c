/*
 * Private declarations of mongodb+srv resolution (srv.c) for SRV polling
 * (srv_poll.c): the options, the checks of the connection string, the query
 * names, the seedlist rules and the random source. Never installed.
 */
#ifndef MONGOURI_SRV_INT_H
#define MONGOURI_SRV_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_report_int.h"

/* The effective options: `opts` (NULL: none) over the defaults. */
mongouri_status mongouri__srv_load_options(mongouri__resolve_cfg *cfg,
                                           const mongouri_resolve_options *opts,
                                           mongouri_error *err);
/* The checks every entry point makes on `uri`. */
mongouri_status mongouri__srv_check_uri(const mongouri_uri *uri, mongouri_error *err);
/* The SRV host of `uri` (lower case, no trailing dot; freed by the caller)
 * and the query names in `r`. */
mongouri_status mongouri__srv_prepare(mongouri_resolve_report *r, const mongouri_uri *uri,
                                      char **host, mongouri_error *err);

/* The parent domain of an SRV host (a suffix of `host`). */
const char *mongouri__srv_parent_domain(const char *host);
/* An SRV target as a seed: a URI host name inside `domain`; on refusal `why`
 * says why and the result is the diagnosis (MONGOURI_D_NONE: accepted). */
mongouri_diag mongouri__srv_check_target(const char *target, const char *domain, char *why,
                                         size_t cap);
/* A target as shown in a message: an empty one as ".". */
const char *mongouri__srv_shown_target(const char *t);

/* Uniform in [0, bound), without modulo bias (getrandom). */
uint32_t mongouri__srv_default_random(void *ctx, uint32_t bound);
/* cfg->random (`ctx` is the mongouri__resolve_cfg), kept inside [0, bound). */
uint32_t mongouri__srv_checked_random(void *ctx, uint32_t bound);

/* For the SRV fuzz harness (srv.c): a raw DNS message answering the SRV
 * (or TXT) query of `host`, read as a resolution reads it; `each` receives
 * every SRV target and whether it passes every check (for TXT, the record as
 * shown and whether it is valid UTF-8). Returns the ARES_* status. */
int mongouri__resolve_parse_raw(const unsigned char *msg, size_t len, bool txt, const char *host,
                                void (*each)(void *ctx, const char *text, bool accepted),
                                void *ctx);

#endif /* MONGOURI_SRV_INT_H */
