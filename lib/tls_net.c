/*
 * Small concurrent network jobs under one deadline: name resolution
 * (numeric, or c-ares for names), non-blocking connect over every address,
 * then an optional request/response exchange that ends when the peer
 * closes. Used for OCSP responders (all in parallel) and for the probe's
 * TCP connect.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <ares.h>

#include "tls_int.h"

#define NET_RESPONSE_MAX_DEFAULT (1024 * 1024)
#define NET_MAX_POLL 64

int64_t mongouri__now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void mongouri__net_job_init(mongouri__net_job *job, const char *host, const char *port)
{
    memset(job, 0, sizeof *job);
    snprintf(job->host, sizeof job->host, "%s", host);
    snprintf(job->port, sizeof job->port, "%s", port);
    job->fd = -1;
    job->state = MONGOURI__NET_RESOLVE;
    job->response_max = NET_RESPONSE_MAX_DEFAULT;
}

void mongouri__net_job_clear(mongouri__net_job *job)
{
    if (job->fd >= 0)
        close(job->fd);
    job->fd = -1;
    free(job->response);
    job->response = NULL;
    job->response_len = job->response_cap = 0;
}

static void job_fail(mongouri__net_job *job, const char *fmt, const char *a, const char *b)
{
    if (job->fd >= 0)
        close(job->fd);
    job->fd = -1;
    job->state = MONGOURI__NET_FAILED;
    /* Long host names are cut short: the message stays readable. */
    if (snprintf(job->error, sizeof job->error, fmt, a, b) < 0)
        job->error[0] = '\0';
}

/* The answer went over response_max: say so, with the limit. */
static void job_fail_too_large(mongouri__net_job *job)
{
    char limit[24];

    snprintf(limit, sizeof limit, "%zu", job->response_max);
    job_fail(job, "answer of %s is larger than the limit of %s bytes", job->host, limit);
}

/* Connect to the next address that does not fail at once. */
static void job_connect_next(mongouri__net_job *job)
{
    while (job->next_addr < job->naddrs) {
        int i = job->next_addr++;
        int fd = socket(job->addrs[i].ss_family, SOCK_STREAM, 0);
        int flags;

        if (fd < 0) {
            snprintf(job->last_connect_error, sizeof job->last_connect_error, "%s",
                     strerror(errno));
            continue;
        }
        flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            snprintf(job->last_connect_error, sizeof job->last_connect_error, "%s",
                     strerror(errno));
            close(fd);
            continue;
        }
        job->fd = fd;
        if (connect(fd, (struct sockaddr *)&job->addrs[i], job->addr_lens[i]) == 0) {
            job->state = job->request == NULL ? MONGOURI__NET_DONE : MONGOURI__NET_SEND;
            return;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            job->state = MONGOURI__NET_CONNECT;
            return;
        }
        snprintf(job->last_connect_error, sizeof job->last_connect_error, "%s", strerror(errno));
        close(fd);
        job->fd = -1;
    }
    job_fail(job, "cannot connect to %s: %s", job->host,
             job->last_connect_error[0] != '\0' ? job->last_connect_error : "no address");
}

static void job_add_addr(mongouri__net_job *job, const struct sockaddr *sa, socklen_t len)
{
    if (job->naddrs >= MONGOURI__NET_MAX_ADDRS || len > sizeof job->addrs[0])
        return;
    memcpy(&job->addrs[job->naddrs], sa, len);
    job->addr_lens[job->naddrs] = len;
    job->naddrs++;
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    mongouri__net_job *job = arg;
    struct ares_addrinfo_node *node;

    (void)timeouts;
    if (job->state != MONGOURI__NET_RESOLVE) {
        ares_freeaddrinfo(res);
        return;
    }
    if (status != ARES_SUCCESS || res == NULL) {
        job_fail(job, "cannot resolve %s: %s", job->host, ares_strerror(status));
        ares_freeaddrinfo(res);
        return;
    }
    for (node = res->nodes; node != NULL; node = node->ai_next)
        job_add_addr(job, node->ai_addr, node->ai_addrlen);
    ares_freeaddrinfo(res);
    job_connect_next(job);
}

/* Numeric hosts resolve at once; names go to c-ares (channel made on demand). */
/* "localhost", "LOCALHOST.", "db.localhost": names RFC 6761 reserves for loopback. */
static bool is_localhost(const char *host)
{
    size_t n = strlen(host);

    if (n > 0 && host[n - 1] == '.')
        n--;
    if (n >= 9 && mongouri__strncasecmp(host + n - 9, "localhost", 9) == 0)
        return n == 9 || host[n - 10] == '.';
    return false;
}

static void job_start(mongouri__net_job *job, ares_channel *ch, int budget_ms)
{
    struct addrinfo hints, *res = NULL, *ai;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(job->host, job->port, &hints, &res) == 0) {
        for (ai = res; ai != NULL; ai = ai->ai_next)
            job_add_addr(job, ai->ai_addr, ai->ai_addrlen);
        freeaddrinfo(res);
        job_connect_next(job);
        return;
    }
    if (is_localhost(job->host)) {
        /* RFC 6761: localhost names are the loopback addresses, with or
         * without /etc/hosts and whatever the DNS servers say. */
        static const char *const loopback[] = {"127.0.0.1", "::1"};
        for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
            if (getaddrinfo(loopback[i], job->port, &hints, &res) == 0) {
                for (ai = res; ai != NULL; ai = ai->ai_next)
                    job_add_addr(job, ai->ai_addr, ai->ai_addrlen);
                freeaddrinfo(res);
            }
        }
        job_connect_next(job);
        return;
    }
    if (*ch == NULL) {
        struct ares_options o;

        memset(&o, 0, sizeof o);
        o.timeout = budget_ms < 400 ? 200 : budget_ms / 2 > 2000 ? 2000 : budget_ms / 2;
        o.tries = 2;
        if (mongouri__ares_init() != ARES_SUCCESS ||
            ares_init_options(ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) {
            *ch = NULL;
            job_fail(job, "cannot resolve %s: %s", job->host, "resolver unavailable");
            return;
        }
    }
    {
        struct ares_addrinfo_hints ah;

        memset(&ah, 0, sizeof ah);
        ah.ai_family = AF_UNSPEC;
        ah.ai_socktype = SOCK_STREAM;
        ah.ai_flags = ARES_AI_NUMERICSERV;
        ares_getaddrinfo(*ch, job->host, job->port, &ah, on_addrinfo, job);
    }
}

static bool job_running(const mongouri__net_job *job)
{
    return job->state != MONGOURI__NET_DONE && job->state != MONGOURI__NET_FAILED;
}

/* Advance a job whose socket is ready. */
static void job_io(mongouri__net_job *job, short revents)
{
    if (job->state == MONGOURI__NET_CONNECT) {
        int soerr = 0;
        socklen_t len = sizeof soerr;

        if (getsockopt(job->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            soerr = errno;
        if (soerr == 0 && (revents & POLLOUT) != 0) {
            job->state = job->request == NULL ? MONGOURI__NET_DONE : MONGOURI__NET_SEND;
            return;
        }
        if (soerr == 0)
            soerr = ECONNREFUSED;
        snprintf(job->last_connect_error, sizeof job->last_connect_error, "%s", strerror(soerr));
        close(job->fd);
        job->fd = -1;
        job_connect_next(job);
        return;
    }
    if (job->state == MONGOURI__NET_SEND) {
        ssize_t w =
            send(job->fd, job->request + job->sent, job->request_len - job->sent, MSG_NOSIGNAL);

        if (w < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                job_fail(job, "cannot send to %s: %s", job->host, strerror(errno));
            return;
        }
        job->sent += (size_t)w;
        if (job->sent == job->request_len)
            job->state = MONGOURI__NET_RECEIVE;
        return;
    }
    if (job->state == MONGOURI__NET_RECEIVE) {
        ssize_t r;

        if (job->response_len == job->response_cap) {
            size_t cap = job->response_cap == 0 ? 4096 : job->response_cap * 2;
            unsigned char *p;

            if (cap > job->response_max + 1)
                cap = job->response_max + 1;
            if (cap <= job->response_len) {
                job_fail_too_large(job);
                return;
            }
            p = realloc(job->response, cap);
            if (p == NULL) {
                job_fail(job, "cannot read from %s: %s", job->host, "out of memory");
                return;
            }
            job->response = p;
            job->response_cap = cap;
        }
        r = recv(job->fd, job->response + job->response_len, job->response_cap - job->response_len,
                 0);
        if (r < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                job_fail(job, "cannot read from %s: %s", job->host, strerror(errno));
            return;
        }
        if (r == 0) {
            close(job->fd);
            job->fd = -1;
            job->state = MONGOURI__NET_DONE;
            return;
        }
        job->response_len += (size_t)r;
        if (job->response_len > job->response_max)
            job_fail_too_large(job);
    }
}

void mongouri__net_run(mongouri__net_job *jobs, size_t n, int64_t deadline_ms,
                       bool (*done)(mongouri__net_job *job, void *arg), void *arg)
{
    ares_channel ch = NULL;
    bool stop = false;
    bool *reported = calloc(n == 0 ? 1 : n, sizeof *reported);
    size_t i;

    if (reported == NULL) {
        for (i = 0; i < n; i++)
            job_fail(&jobs[i], "cannot reach %s: %s", jobs[i].host, "out of memory");
        return;
    }
    for (i = 0; i < n; i++)
        job_start(&jobs[i], &ch, (int)(deadline_ms - mongouri__now_ms()));

    while (!stop) {
        struct pollfd pfd[NET_MAX_POLL];
        int owner[NET_MAX_POLL]; /* job index, or -1 for a resolver socket */
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        int npfd = 0, timeout, rc;
        bool running = false;
        int64_t now;

        /* Report jobs that finished since the last round. */
        for (i = 0; i < n && !stop; i++) {
            if (jobs[i].state == MONGOURI__NET_DONE && !reported[i]) {
                reported[i] = true;
                if (done != NULL && done(&jobs[i], arg))
                    stop = true;
            }
            if (job_running(&jobs[i]))
                running = true;
        }
        now = mongouri__now_ms();
        if (stop || !running || now >= deadline_ms)
            break;

        for (i = 0; i < n && npfd < NET_MAX_POLL; i++) {
            short ev = 0;

            if (jobs[i].state == MONGOURI__NET_CONNECT || jobs[i].state == MONGOURI__NET_SEND)
                ev = POLLOUT;
            else if (jobs[i].state == MONGOURI__NET_RECEIVE)
                ev = POLLIN;
            if (ev == 0 || jobs[i].fd < 0)
                continue;
            pfd[npfd].fd = jobs[i].fd;
            pfd[npfd].events = ev;
            pfd[npfd].revents = 0;
            owner[npfd++] = (int)i;
        }
        timeout = (int)(deadline_ms - now);
        if (ch != NULL) {
            /* ARES_GETSOCK_WRITABLE shifts a signed 1 into the sign bit: test bits unsigned. */
            unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
            struct timeval maxtv, tv, *tvp;
            int k;

            for (k = 0; k < ARES_GETSOCK_MAXNUM && npfd < NET_MAX_POLL; k++) {
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
                owner[npfd++] = -1;
            }
            maxtv.tv_sec = timeout / 1000;
            maxtv.tv_usec = (timeout % 1000) * 1000;
            tvp = ares_timeout(ch, &maxtv, &tv);
            if (tvp != NULL) {
                int t = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);

                if (t < timeout)
                    timeout = t;
            }
        }
        rc = poll(pfd, (nfds_t)npfd, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        for (i = 0; rc > 0 && i < (size_t)npfd; i++) {
            if (pfd[i].revents == 0)
                continue;
            if (owner[i] >= 0) {
                job_io(&jobs[owner[i]], pfd[i].revents);
            } else {
                ares_socket_t r = (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0
                                      ? pfd[i].fd
                                      : ARES_SOCKET_BAD;
                ares_socket_t w = (pfd[i].revents & POLLOUT) != 0 ? pfd[i].fd : ARES_SOCKET_BAD;

                ares_process_fd(ch, r, w);
            }
        }
        if (ch != NULL)
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }

    for (i = 0; i < n; i++) {
        static const char *const what[] = {"resolving", "connecting to", "sending to",
                                           "waiting for the answer of"};

        if (job_running(&jobs[i]))
            job_fail(&jobs[i], "deadline passed while %s %s", what[jobs[i].state], jobs[i].host);
    }
    if (ch != NULL)
        ares_destroy(ch);
    free(reported);
}
