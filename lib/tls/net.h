/*
 * The network jobs of the OpenSSL applicator (tls/net.c): connections under
 * one deadline, for the OCSP responders and the probe.
 */
#ifndef MONGOURI_TLS_NET_H
#define MONGOURI_TLS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The clock of the network jobs is the c-ares loop's. */
#include "ares_loop_int.h"

/* ------------------------------------------------------------------------ */
/* Network jobs under one deadline (tls/net.c)                               */
/* ------------------------------------------------------------------------ */

#define MONGOURI__NET_MAX_ADDRS 8

typedef enum mongouri__net_state {
    MONGOURI__NET_RESOLVE = 0,
    MONGOURI__NET_CONNECT,
    MONGOURI__NET_SEND,
    MONGOURI__NET_RECEIVE,
    MONGOURI__NET_DONE,  /* finished: response received, or connected (connect-only) */
    MONGOURI__NET_FAILED /* `error` says why */
} mongouri__net_state;

/*
 * One connection: resolve host (numeric, or through c-ares), connect to
 * its addresses in turn, then either stop (connect-only, `request` NULL:
 * the caller takes `fd`) or send `request` and read until the peer closes.
 */
typedef struct mongouri__net_job {
    /* in */
    char host[256];
    char port[8];
    const unsigned char *request; /* borrowed; NULL = connect only */
    size_t request_len;
    size_t response_max; /* cap on the response size */
    /* out */
    mongouri__net_state state;
    int fd;                  /* connect-only: the connected socket; else -1 */
    unsigned char *response; /* malloc'ed; freed by mongouri__net_job_clear */
    size_t response_len;
    char error[160];
    /* private */
    struct sockaddr_storage addrs[MONGOURI__NET_MAX_ADDRS];
    socklen_t addr_lens[MONGOURI__NET_MAX_ADDRS];
    int naddrs;
    int next_addr;
    size_t sent;
    size_t response_cap;
    char last_connect_error[96];
} mongouri__net_job;

void mongouri__net_job_init(mongouri__net_job *job, const char *host, const char *port);
void mongouri__net_job_clear(mongouri__net_job *job);

/*
 * Run `jobs` concurrently until each has finished or failed, until `done`
 * (may be NULL) returns true for a finished job, or until the monotonic
 * time `deadline_ms`. Jobs still running at the end are FAILED with a
 * timeout message; their sockets are closed.
 */
void mongouri__net_run(mongouri__net_job *jobs, size_t n, int64_t deadline_ms,
                       bool (*done)(mongouri__net_job *job, void *arg), void *arg);

#endif /* MONGOURI_TLS_NET_H */
