/*
 * Private declarations of the DNS engine (dns_engine.c): the servers in
 * order, a UDP and a TCP channel on each, the queries in flight together,
 * retries. Never installed.
 */
#ifndef MONGOURI_DNS_ENGINE_INT_H
#define MONGOURI_DNS_ENGINE_INT_H

#include <stddef.h>

#include "dns_report_int.h"

/*
 * Ask the first `nq` queries of `r` (Q_SRV, then Q_TXT; their types and
 * names already set) of the configured servers (or the system's), server
 * after server, until each has an outcome or no server is left; fills the
 * report, its server list included. `*nservers` receives how many servers
 * there are. An error only when the servers or the channels cannot be set
 * up, a name cannot be asked for, or waiting fails; a query's own failure is
 * its outcome in the report.
 */
mongouri_status mongouri__dns_ask(mongouri_resolve_report *r, const mongouri__resolve_cfg *cfg,
                                  int nq, size_t *nservers, mongouri_error *err);

#endif /* MONGOURI_DNS_ENGINE_INT_H */
