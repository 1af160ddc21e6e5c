/*
 * Host parsing (host.c): one element of the host list, an SRV target, and
 * the IPv4 test. Never installed.
 */
#ifndef MONGOURI_HOST_INT_H
#define MONGOURI_HOST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mongouri/mongouri.h"
#include "util_int.h"

typedef struct mongouri__host {
    const char *host;
    uint16_t port;
    uint8_t type;   /* mongouri_host_type */
    uint8_t source; /* mongouri_source */
    long offset;
    long length;
} mongouri__host;

/* What host parsing needs from its caller. Offsets are into `text`. */
typedef struct mongouri__host_ctx {
    const char *text;
    mongouri__arena *arena; /* holds the decoded host names */
    mongouri_error *err;
    bool srv; /* the host is the SRV name of mongodb+srv:// */
    /* Does text[start, end) touch a secret byte? (never echoed then) */
    bool (*secret_at)(void *ctx, size_t start, size_t end);
    void *secret_ctx;
} mongouri__host_ctx;

/* Parse the host that starts at text[at] and ends at the first ',' before
 * `end` (or at `end`) into *h (connection-string spec, B.1 step 4); *stop
 * receives where it ends (that ',' or `end`). */
mongouri_status mongouri__host_parse(const mongouri__host_ctx *c, size_t at, size_t end,
                                     mongouri__host *h, size_t *stop);

/* Dotted-quad IPv4 address, four decimal parts 0..255 without leading zeros. */
bool mongouri__is_ipv4(const char *s, size_t n);

/* For resolve.c: an SRV target, n bytes, checked exactly as a URI host
 * name (and refused when it is an IP address); the error offsets are in it. */
mongouri_status mongouri__check_srv_target(const char *host, size_t n, mongouri_error *err);

#endif /* MONGOURI_HOST_INT_H */
