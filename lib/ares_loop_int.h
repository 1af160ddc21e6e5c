/*
 * Private declarations of the c-ares event loop (ares_loop.c): the one
 * monotonic clock, the one initialisation of c-ares (with the counting
 * allocator of the resolver) and the one loop that runs c-ares channels,
 * with a caller's own sockets beside them, until done or a deadline.
 * Used by the DNS engine (dns_engine.c) and the network jobs of the
 * applicator (tls/net.c). Never installed.
 */
#ifndef MONGOURI_ARES_LOOP_INT_H
#define MONGOURI_ARES_LOOP_INT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h> /* fd_set, which <ares.h> needs under strict C11 */

#include <ares.h>

/* Milliseconds of a monotonic clock, with their fraction. */
double mongouri__clock_ms(void);
/* The same, in whole milliseconds. */
int64_t mongouri__now_ms(void);

/* Initialise c-ares once for the process; returns its ARES_* status. */
int mongouri__ares_init(void);

/*
 * The allocator c-ares runs with (malloc, realloc, free), which counts the
 * allocations that fail in the calling thread; the DNS answer handling
 * allocates through it too. Not in the applicator's private copy.
 */
void *mongouri__dns_malloc(size_t n);
void *mongouri__dns_calloc(size_t count, size_t size);
/* Allocations of this thread that failed so far. */
unsigned long mongouri__dns_alloc_failures(void);
/* Test hook: when set, the allocations for which it returns true fail. */
extern bool (*mongouri__resolve_fail_alloc)(size_t size);

/* Sockets of the loop's caller and of its channels waited on per round. */
#define MONGOURI__ARES_LOOP_FDS 64
#define MONGOURI__ARES_LOOP_CHANNELS 2

/* What one run of the loop waits for. */
typedef struct mongouri__ares_loop {
    ares_channel channels[MONGOURI__ARES_LOOP_CHANNELS]; /* NULL: none */
    int64_t deadline_ms;                                 /* on mongouri__now_ms()'s clock */
    int max_wait_ms; /* the longest single wait; 0: up to the deadline */
    /* Before each round: false ends the run. NULL: run to the deadline. */
    bool (*go_on)(void *arg);
    /* The caller's own sockets: fills at most `cap` entries of `pfd` (and a
     * tag of its choosing for each), returns how many. May be NULL. */
    size_t (*fds)(void *arg, struct pollfd *pfd, int *tag, size_t cap);
    /* One of those sockets is ready. */
    void (*ready)(void *arg, int tag, short revents);
    void *arg;
} mongouri__ares_loop;

typedef enum mongouri__ares_loop_end {
    MONGOURI__ARES_LOOP_STOPPED,  /* go_on said so */
    MONGOURI__ARES_LOOP_DEADLINE, /* the deadline passed (nothing is cancelled) */
    MONGOURI__ARES_LOOP_FAILED    /* poll() failed; errno says why */
} mongouri__ares_loop_end;

/* Wait on the sockets and timeouts of the channels and of the caller, and
 * let c-ares process them, round after round, until go_on says stop or the
 * deadline passes. */
mongouri__ares_loop_end mongouri__ares_loop_run(const mongouri__ares_loop *loop);

#endif /* MONGOURI_ARES_LOOP_INT_H */
