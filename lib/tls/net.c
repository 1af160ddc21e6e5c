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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ares.h>

#include "ares_loop_int.h"
#include "tls/net.h"
#include "util_int.h"

#define NET_RESPONSE_MAX_DEFAULT (1024 * 1024)

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

/* The jobs of one run, as the loop sees them. */
typedef struct net_run {
    mongouri__net_job *jobs;
    size_t n;
    bool *reported;
    bool (*done)(mongouri__net_job *job, void *arg);
    void *arg;
} net_run;

/* Report the jobs that finished since the last round; go on while one runs. */
static bool run_go_on(void *arg)
{
    net_run *run = arg;
    bool stop = false, running = false;

    for (size_t i = 0; i < run->n && !stop; i++) {
        if (run->jobs[i].state == MONGOURI__NET_DONE && !run->reported[i]) {
            run->reported[i] = true;
            if (run->done != NULL && run->done(&run->jobs[i], run->arg))
                stop = true;
        }
        if (job_running(&run->jobs[i]))
            running = true;
    }
    return !stop && running;
}

/* The sockets of the jobs that wait to connect, send or receive. */
static size_t run_fds(void *arg, struct pollfd *pfd, int *tag, size_t cap)
{
    const net_run *run = arg;
    size_t npfd = 0;

    for (size_t i = 0; i < run->n && npfd < cap; i++) {
        const mongouri__net_job *job = &run->jobs[i];
        short ev = 0;

        if (job->state == MONGOURI__NET_CONNECT || job->state == MONGOURI__NET_SEND)
            ev = POLLOUT;
        else if (job->state == MONGOURI__NET_RECEIVE)
            ev = POLLIN;
        if (ev == 0 || job->fd < 0)
            continue;
        pfd[npfd].fd = job->fd;
        pfd[npfd].events = ev;
        pfd[npfd].revents = 0;
        tag[npfd++] = (int)i;
    }
    return npfd;
}

static void run_ready(void *arg, int tag, short revents)
{
    net_run *run = arg;

    job_io(&run->jobs[tag], revents);
}

void mongouri__net_run(mongouri__net_job *jobs, size_t n, int64_t deadline_ms,
                       bool (*done)(mongouri__net_job *job, void *arg), void *arg)
{
    ares_channel ch = NULL;
    mongouri__ares_loop loop;
    net_run run;
    size_t i;

    run.jobs = jobs;
    run.n = n;
    run.done = done;
    run.arg = arg;
    run.reported = calloc(n == 0 ? 1 : n, sizeof *run.reported);
    if (run.reported == NULL) {
        for (i = 0; i < n; i++)
            job_fail(&jobs[i], "cannot reach %s: %s", jobs[i].host, "out of memory");
        return;
    }
    for (i = 0; i < n; i++)
        job_start(&jobs[i], &ch, (int)(deadline_ms - mongouri__now_ms()));

    memset(&loop, 0, sizeof loop);
    loop.channels[0] = ch; /* NULL when every host is numeric */
    loop.deadline_ms = deadline_ms;
    loop.go_on = run_go_on;
    loop.fds = run_fds;
    loop.ready = run_ready;
    loop.arg = &run;
    mongouri__ares_loop_run(&loop);

    for (i = 0; i < n; i++) {
        static const char *const what[] = {"resolving", "connecting to", "sending to",
                                           "waiting for the answer of"};

        if (job_running(&jobs[i]))
            job_fail(&jobs[i], "deadline passed while %s %s", what[jobs[i].state], jobs[i].host);
    }
    if (ch != NULL)
        ares_destroy(ch);
    free(run.reported);
}
