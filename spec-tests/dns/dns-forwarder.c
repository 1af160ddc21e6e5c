/*
 * A small DNS server for tests, on 127.0.0.1 (UDP) only.
 *
 *   dns-forwarder --port-file FILE [--upstream IP:PORT] [--delay-ms N]
 *                 [--answer servfail|refused|nxdomain] [--only-type SRV|TXT]
 *                 [--lifetime-s N]
 *
 * It binds a free port and writes the number to FILE once it is ready.
 * Every query is forwarded to the upstream server, and each answer is held
 * back until N ms after its query arrived, so every answer takes the same
 * fixed delay. With --answer, queries (or only those of --only-type) are
 * answered at once (after the delay) with that response code instead. The
 * process ends on SIGTERM or after --lifetime-s seconds (default 300), so a
 * test that dies cannot leave it behind for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PENDING 256
#define MAX_MSG 4096 /* UDP: c-ares asks without EDNS, answers fit in 512 */

struct pending {
    bool used;
    bool answered;
    int upstream_fd; /* -1 when the answer is made here */
    struct sockaddr_in client;
    double due_ms;
    size_t len;
    unsigned char msg[MAX_MSG]; /* the query, then the answer */
};

static struct pending pending[MAX_PENDING];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void usage(void)
{
    fprintf(stderr, "usage: dns-forwarder --port-file FILE [--upstream IP:PORT] [--delay-ms N]\n"
                    "                     [--answer servfail|refused|nxdomain] [--only-type SRV|TXT]\n"
                    "                     [--lifetime-s N]\n");
    exit(2);
}

static bool parse_addr(const char *text, struct sockaddr_in *out)
{
    char ip[64];
    const char *colon = strrchr(text, ':');
    long port;
    char *end;

    if (colon == NULL || (size_t)(colon - text) >= sizeof ip)
        return false;
    memcpy(ip, text, (size_t)(colon - text));
    ip[colon - text] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535)
        return false;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, ip, &out->sin_addr) == 1;
}

/* Length of the header and the question of a query; 0 when malformed. */
static size_t question_end(const unsigned char *m, size_t len, unsigned *qtype)
{
    size_t i = 12;

    if (len < 12 || m[4] != 0 || m[5] != 1) /* exactly one question */
        return 0;
    while (i < len && m[i] != 0) {
        if ((m[i] & 0xc0) != 0)
            return 0; /* no compression in a question */
        i += 1u + m[i];
    }
    if (i + 5 > len)
        return 0;
    *qtype = (unsigned)m[i + 1] << 8 | m[i + 2];
    return i + 5;
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *answer = NULL, *only_type = NULL;
    struct sockaddr_in upstream, bound;
    socklen_t blen = sizeof bound;
    bool have_upstream = false;
    long delay_ms = 0, lifetime_s = 300;
    unsigned only = 0;
    int rcode = 0, fd, i;
    double end_ms;
    FILE *f;
    char tmp[4096];

    for (i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[++i];
        else if (strcmp(argv[i], "--upstream") == 0) {
            if (!parse_addr(argv[++i], &upstream))
                usage();
            have_upstream = true;
        } else if (strcmp(argv[i], "--delay-ms") == 0)
            delay_ms = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--answer") == 0)
            answer = argv[++i];
        else if (strcmp(argv[i], "--only-type") == 0)
            only_type = argv[++i];
        else if (strcmp(argv[i], "--lifetime-s") == 0)
            lifetime_s = strtol(argv[++i], NULL, 10);
        else
            usage();
    }
    if (port_file == NULL || delay_ms < 0 || lifetime_s <= 0)
        usage();
    if (answer != NULL) {
        if (strcmp(answer, "servfail") == 0)
            rcode = 2;
        else if (strcmp(answer, "refused") == 0)
            rcode = 5;
        else if (strcmp(answer, "nxdomain") == 0)
            rcode = 3;
        else
            usage();
    }
    if (only_type != NULL) {
        if (strcmp(only_type, "SRV") == 0)
            only = 33;
        else if (strcmp(only_type, "TXT") == 0)
            only = 16;
        else
            usage();
    }
    if (!have_upstream && (answer == NULL || only_type != NULL)) {
        fprintf(stderr, "dns-forwarder: --upstream is needed to forward queries\n");
        return 2;
    }

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&bound, 0, sizeof bound);
    bound.sin_family = AF_INET;
    bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&bound, sizeof bound) != 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &blen) != 0) {
        perror("dns-forwarder: bind");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    f = fopen(tmp, "w");
    if (f == NULL || fprintf(f, "%u\n", (unsigned)ntohs(bound.sin_port)) < 0 || fclose(f) != 0 ||
        rename(tmp, port_file) != 0) {
        perror("dns-forwarder: port file");
        return 1;
    }

    end_ms = now_ms() + (double)lifetime_s * 1000.0;
    for (;;) {
        struct pollfd pfd[1 + MAX_PENDING];
        int map[1 + MAX_PENDING];
        nfds_t n = 1;
        double now = now_ms(), next = end_ms;
        int k, wait;

        if (now >= end_ms)
            return 0;
        /* Send what is due; find the next deadline. */
        for (k = 0; k < MAX_PENDING; k++) {
            struct pending *p = &pending[k];

            if (!p->used)
                continue;
            if (p->answered && p->due_ms <= now) {
                sendto(fd, p->msg, p->len, 0, (struct sockaddr *)&p->client, sizeof p->client);
                if (p->upstream_fd >= 0)
                    close(p->upstream_fd);
                p->used = false;
                continue;
            }
            if (p->answered && p->due_ms < next)
                next = p->due_ms;
            if (!p->answered) {
                if (now - p->due_ms > 10000.0) { /* upstream never answered: drop */
                    close(p->upstream_fd);
                    p->used = false;
                    continue;
                }
                pfd[n].fd = p->upstream_fd;
                pfd[n].events = POLLIN;
                map[n] = k;
                n++;
            }
        }
        pfd[0].fd = fd;
        pfd[0].events = POLLIN;
        wait = (int)(next - now + 0.999);
        if (wait < 0)
            wait = 0;
        if (poll(pfd, n, wait) < 0) {
            if (errno == EINTR)
                continue;
            perror("dns-forwarder: poll");
            return 1;
        }
        for (k = 1; k < (int)n; k++) {
            struct pending *p = &pending[map[k]];
            ssize_t got;

            if (!(pfd[k].revents & (POLLIN | POLLERR)))
                continue;
            got = recv(p->upstream_fd, p->msg, sizeof p->msg, 0);
            if (got <= 0) {
                close(p->upstream_fd);
                p->used = false;
                continue;
            }
            p->len = (size_t)got;
            p->answered = true;
        }
        if (pfd[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t flen = sizeof from;
            struct pending *p = NULL;
            unsigned qtype = 0;
            size_t qend;
            ssize_t got;

            for (k = 0; k < MAX_PENDING && p == NULL; k++)
                if (!pending[k].used)
                    p = &pending[k];
            if (p == NULL) { /* full: drop the query */
                recv(fd, tmp, sizeof tmp, 0);
                continue;
            }
            got = recvfrom(fd, p->msg, sizeof p->msg, 0, (struct sockaddr *)&from, &flen);
            if (got <= 0)
                continue;
            p->len = (size_t)got;
            p->client = from;
            p->due_ms = now_ms() + (double)delay_ms;
            p->upstream_fd = -1;
            qend = question_end(p->msg, p->len, &qtype);
            if (qend == 0)
                continue; /* not a query we understand: ignore it */
            if (answer != NULL && (only == 0 || qtype == only)) {
                /* Header and question only, QR and RA set, the chosen RCODE. */
                p->msg[2] = (unsigned char)(0x80 | (p->msg[2] & 0x79));
                p->msg[3] = (unsigned char)(0x80 | rcode);
                memset(p->msg + 6, 0, 6);
                p->len = qend;
                p->answered = true;
                p->used = true;
                continue;
            }
            p->upstream_fd = socket(AF_INET, SOCK_DGRAM, 0);
            if (p->upstream_fd < 0 ||
                connect(p->upstream_fd, (struct sockaddr *)&upstream, sizeof upstream) != 0 ||
                send(p->upstream_fd, p->msg, p->len, 0) < 0) {
                if (p->upstream_fd >= 0)
                    close(p->upstream_fd);
                continue;
            }
            p->answered = false;
            p->used = true;
        }
    }
}
