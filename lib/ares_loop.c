/*
 * The c-ares event loop of both libraries: the monotonic clock, the
 * initialisation of c-ares, and one loop over c-ares channels plus the
 * caller's own sockets (ares_getsock, ares_timeout, poll, ares_process_fd).
 *
 * libmongouri builds it with the counting allocator of the resolver. The
 * shared libmongouri-openssl carries a hidden copy of its own (built with
 * MONGOURI_ARES_PLAIN_INIT), since libmongouri.so exports none of its
 * internals: that copy initialises c-ares without an allocator, so that the
 * allocator libmongouri installs stays in place. On POSIX systems
 * ares_library_init() only counts its callers, so the two libraries each
 * calling it once is harmless.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "ares_loop_int.h"

double mongouri__clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int64_t mongouri__now_ms(void)
{
    return (int64_t)mongouri__clock_ms();
}

/* ------------------------------------------------------------------------ */
/* Initialisation                                                            */
/* ------------------------------------------------------------------------ */

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_status = ARES_SUCCESS;

#ifdef MONGOURI_ARES_PLAIN_INIT

static void ares_init_once(void)
{
    ares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
}

#else

/*
 * c-ares' allocations go through these wrappers, so that memory running out
 * inside c-ares (which then drops an answer and waits for a timeout) is seen
 * and reported as such. mongouri__resolve_fail_alloc is a test hook: when
 * set, it decides which allocations fail.
 *
 * The failures are counted per thread: c-ares (1.18: no threads of its own)
 * runs its allocations and our callbacks in the thread that calls it, and a
 * resolution calls it only from the thread that runs the resolution. So the
 * counter read before and after a resolution's own c-ares calls counts that
 * resolution's failures only, never another thread's.
 */
bool (*mongouri__resolve_fail_alloc)(size_t size) = NULL;
static _Thread_local unsigned long alloc_failures;

void *mongouri__dns_malloc(size_t n)
{
    void *p =
        mongouri__resolve_fail_alloc != NULL && mongouri__resolve_fail_alloc(n) ? NULL : malloc(n);

    if (p == NULL && n > 0)
        alloc_failures++;
    return p;
}

static void *dns_realloc(void *old, size_t n)
{
    void *p = mongouri__resolve_fail_alloc != NULL && mongouri__resolve_fail_alloc(n)
                  ? NULL
                  : realloc(old, n);

    if (p == NULL && n > 0)
        alloc_failures++;
    return p;
}

void *mongouri__dns_calloc(size_t count, size_t size)
{
    void *p;

    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    p = mongouri__dns_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

unsigned long mongouri__dns_alloc_failures(void)
{
    return alloc_failures;
}

static void ares_init_once(void)
{
    /*
     * Never cleaned up: c-ares keeps no resources for it on POSIX systems.
     * Always with our wrappers: ares_library_initialized() says ARES_SUCCESS
     * on every system but Windows, initialised or not, so whether the
     * application initialised c-ares first cannot be known. The wrappers are
     * malloc, realloc and free (plus the count), so memory c-ares allocated
     * before (with its default allocator) is freed correctly; an allocator
     * of the application's own must be set after this (see resolve.h).
     */
    ares_init_status =
        ares_library_init_mem(ARES_LIB_INIT_ALL, mongouri__dns_malloc, free, dns_realloc);
}

#endif /* MONGOURI_ARES_PLAIN_INIT */

int mongouri__ares_init(void)
{
    /* The one initialisation of c-ares for the whole library (resolution,
     * the probe and the OCSP responders): ares_library_init is not
     * thread-safe. */
    pthread_once(&ares_once, ares_init_once);
    return ares_init_status;
}

/* ------------------------------------------------------------------------ */
/* The loop                                                                  */
/* ------------------------------------------------------------------------ */

/* Add the sockets of `ch` to `pfd`; lower `*timeout` to its next timeout. */
static size_t channel_fds(ares_channel ch, int c, struct pollfd *pfd, int *owner, size_t npfd,
                          int *timeout)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    /* ARES_GETSOCK_WRITABLE() shifts a signed 1 into the sign bit: test bits unsigned. */
    unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    struct timeval maxtv, tv, *tvp;

    for (int k = 0; k < ARES_GETSOCK_MAXNUM && npfd < MONGOURI__ARES_LOOP_FDS; k++) {
        short ev = 0;

        if ((bits & (1u << k)) != 0)
            ev |= POLLIN;
        if ((bits & (1u << (k + ARES_GETSOCK_MAXNUM))) != 0)
            ev |= POLLOUT;
        if (ev == 0)
            continue;
        pfd[npfd].fd = socks[k];
        pfd[npfd].events = ev;
        pfd[npfd].revents = 0;
        owner[npfd++] = c;
    }
    maxtv.tv_sec = *timeout / 1000;
    maxtv.tv_usec = (*timeout % 1000) * 1000;
    tvp = ares_timeout(ch, &maxtv, &tv);
    if (tvp != NULL) {
        int t = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);

        if (t < *timeout)
            *timeout = t;
    }
    return npfd;
}

mongouri__ares_loop_end mongouri__ares_loop_run(const mongouri__ares_loop *loop)
{
    for (;;) {
        struct pollfd pfd[MONGOURI__ARES_LOOP_FDS];
        int tag[MONGOURI__ARES_LOOP_FDS];
        int owner[MONGOURI__ARES_LOOP_FDS]; /* channel index, or -1 for the caller's */
        size_t nextra = 0, npfd, i;
        int timeout, rc;
        int64_t now;

        if (loop->go_on != NULL && !loop->go_on(loop->arg))
            return MONGOURI__ARES_LOOP_STOPPED;
        now = mongouri__now_ms();
        if (now >= loop->deadline_ms)
            return MONGOURI__ARES_LOOP_DEADLINE;
        if (loop->fds != NULL)
            nextra = loop->fds(loop->arg, pfd, tag, MONGOURI__ARES_LOOP_FDS);
        if (nextra > MONGOURI__ARES_LOOP_FDS)
            nextra = MONGOURI__ARES_LOOP_FDS;
        for (i = 0; i < nextra; i++)
            owner[i] = -1;
        npfd = nextra;
        timeout = loop->deadline_ms - now > INT32_MAX ? INT32_MAX : (int)(loop->deadline_ms - now);
        for (int c = 0; c < MONGOURI__ARES_LOOP_CHANNELS; c++)
            if (loop->channels[c] != NULL)
                npfd = channel_fds(loop->channels[c], c, pfd, owner, npfd, &timeout);
        if (loop->max_wait_ms > 0 && timeout > loop->max_wait_ms)
            timeout = loop->max_wait_ms;
        rc = poll(pfd, (nfds_t)npfd, timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            return MONGOURI__ARES_LOOP_FAILED;
        }
        for (i = 0; rc > 0 && i < npfd; i++) {
            if (pfd[i].revents == 0)
                continue;
            if (owner[i] < 0) {
                if (loop->ready != NULL)
                    loop->ready(loop->arg, tag[i], pfd[i].revents);
            } else {
                ares_socket_t r = (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0
                                      ? pfd[i].fd
                                      : ARES_SOCKET_BAD;
                ares_socket_t w = (pfd[i].revents & POLLOUT) != 0 ? pfd[i].fd : ARES_SOCKET_BAD;

                ares_process_fd(loop->channels[owner[i]], r, w);
            }
        }
        /* The timeouts, whatever was ready. */
        for (int c = 0; c < MONGOURI__ARES_LOOP_CHANNELS; c++)
            if (loop->channels[c] != NULL)
                ares_process_fd(loop->channels[c], ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
}
