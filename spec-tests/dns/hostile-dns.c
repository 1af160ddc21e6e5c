/*
 * A hostile DNS server for the resolver tests, on 127.0.0.1 only, UDP and TCP
 * on the same port.
 *
 *   hostile-dns --port-file FILE [--lifetime-s N] [--all RCODE|drop]
 *               [--dump DIR] [--no-tcp]
 *
 * It binds a free port (UDP and TCP), writes the number to FILE once ready,
 * and answers every query by a behaviour chosen from the queried name: the
 * label before ".hostile.test" (for SRV, the name is
 * "_<service>._tcp.<behaviour>.hostile.test"; for TXT "<behaviour>.hostile.test").
 * The behaviours are listed in the table `behaviours` below. Over UDP an
 * answer longer than 512 bytes is truncated (TC set, no records), as a server
 * without EDNS must; over TCP it is sent whole.
 *
 * --all answers every query with that RCODE (servfail, refused, ...) or drops
 * it (drop), whatever the name. --dump writes every answer sent to
 * DIR/<qname>-<qtype>-<udp|tcp>.bin (the SRV fuzz harness's seeds).
 * --no-tcp keeps the TCP port bound but never listens: a TCP connection
 * is refused.
 *
 * The process ends on SIGTERM or after --lifetime-s seconds (default 120),
 * so a test that dies cannot leave it behind for long.
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

#define MSG_MAX 65535
#define UDP_MAX 512
#define ZONE "hostile.test"
#define T_TXT 16
#define T_SRV 33
#define T_CNAME 5
#define MAX_CLIENTS 16

enum { RC_NOERROR = 0, RC_FORMERR = 1, RC_SERVFAIL = 2, RC_NXDOMAIN = 3, RC_NOTIMP = 4,
       RC_REFUSED = 5 };

static const char *dump_dir;
static int all_rcode = -1;   /* --all RCODE */
static bool all_drop;        /* --all drop */
static bool no_tcp;          /* --no-tcp */

/* ------------------------------------------------------------------------ */
/* Building an answer                                                        */
/* ------------------------------------------------------------------------ */

typedef struct msg {
    unsigned char b[MSG_MAX];
    size_t n;
    bool overflow;
} msg;

static void put(msg *m, const void *p, size_t n)
{
    if (m->n + n > sizeof m->b) {
        m->overflow = true;
        return;
    }
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void put8(msg *m, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(m, &c, 1);
}

static void put16(msg *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put32(msg *m, uint32_t v)
{
    put16(m, v >> 16);
    put16(m, v & 0xffff);
}

/* A name from dotted text (no escapes); "" is the root. */
static void put_name(msg *m, const char *text)
{
    while (*text != '\0') {
        const char *dot = strchr(text, '.');
        size_t n = dot != NULL ? (size_t)(dot - text) : strlen(text);

        put8(m, (unsigned)n);
        put(m, text, n);
        text += n;
        if (*text == '.')
            text++;
    }
    put8(m, 0);
}

/* One raw label (any bytes). */
static void put_label(msg *m, const void *p, size_t n)
{
    put8(m, (unsigned)n);
    put(m, p, n);
}

/* Record header; returns the offset of RDLENGTH, to be patched by end_rr(). */
static size_t begin_rr(msg *m, unsigned type, uint32_t ttl)
{
    size_t at;

    put16(m, type);
    put16(m, 1); /* IN */
    put32(m, ttl);
    at = m->n;
    put16(m, 0);
    return at;
}

static void end_rr(msg *m, size_t at)
{
    size_t len = m->n - at - 2;

    if (m->overflow || at + 2 > m->n)
        return;
    m->b[at] = (unsigned char)(len >> 8);
    m->b[at + 1] = (unsigned char)(len & 0xff);
}

/* Owner: a pointer to the question's name (offset 12). */
static void put_qname_ptr(msg *m)
{
    put16(m, 0xC00C);
}

static void srv_begin(msg *m, uint32_t ttl, unsigned port, size_t *at)
{
    put_qname_ptr(m);
    *at = begin_rr(m, T_SRV, ttl);
    put16(m, 0); /* priority */
    put16(m, 0); /* weight */
    put16(m, port);
}

/* An SRV record for the queried name with a plain target. */
static void srv(msg *m, uint32_t ttl, unsigned port, const char *target)
{
    size_t at;

    srv_begin(m, ttl, port, &at);
    put_name(m, target);
    end_rr(m, at);
}

static void txt(msg *m, uint32_t ttl, const void *s, size_t n)
{
    size_t at;

    put_qname_ptr(m);
    at = begin_rr(m, T_TXT, ttl);
    put_label(m, s, n);
    end_rr(m, at);
}

/* ------------------------------------------------------------------------ */
/* Behaviours                                                                */
/* ------------------------------------------------------------------------ */

typedef struct query {
    unsigned id, flags, qtype;
    char name[256];      /* lower case, dotted, no trailing dot */
    char behaviour[64];  /* the label before ".hostile.test" */
    char host[128];      /* behaviour + ".hostile.test" */
    size_t qlen;         /* header + question */
    bool tcp;
} query;

/* How many times each (behaviour, type) was asked: for the "-once" behaviours. */
static struct {
    char key[80];
    unsigned n;
} seen[256];

static unsigned count_query(const query *q)
{
    char key[80];
    size_t i;

    snprintf(key, sizeof key, "%s/%u", q->behaviour, q->qtype);
    for (i = 0; i < sizeof seen / sizeof seen[0]; i++) {
        if (seen[i].key[0] == '\0')
            snprintf(seen[i].key, sizeof seen[i].key, "%s", key);
        if (strcmp(seen[i].key, key) == 0)
            return ++seen[i].n;
    }
    return 1;
}

/* What to do with a query: an answer in `m` (return 1), no answer (0), or
 * for TCP, close the connection with a reset (-1). `rcode` and `flags` are
 * set by the behaviour; the header is written by the caller. */
typedef struct answer {
    int rcode;
    bool qr_clear;
    bool wrong_id;
    unsigned ancount;
    bool drop;
    bool reset_tcp;
} answer;

static void srv_behaviour(const query *q, msg *m, answer *a)
{
    const char *b = q->behaviour;
    char t[512];
    size_t at;
    unsigned i;

    if (strcmp(b, "ok") == 0 || strcmp(b, "oom") == 0 || strcmp(b, "txtbin") == 0 ||
        strcmp(b, "txtctl") == 0) {
        snprintf(t, sizeof t, "node1.%s", q->host);
        srv(m, 300, 27017, t);
        snprintf(t, sizeof t, "node2.%s", q->host);
        srv(m, 120, 27018, t);
        a->ancount = 2;
    } else if (strcmp(b, "ttl") == 0) {
        srv(m, 3600, 27017, "node1.ttl." ZONE);
        srv(m, 30, 27018, "node2.ttl." ZONE);
        srv(m, 900, 27019, "node3.ttl." ZONE);
        a->ancount = 3;
    } else if (strcmp(b, "nul") == 0) {
        /* c-ares shows this target as localhost\000\.evil\.com.nul.hostile.test */
        srv_begin(m, 60, 27017, &at);
        put_label(m, "localhost\0.evil.com", 19);
        put_name(m, "nul." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "dot") == 0) {
        srv_begin(m, 60, 27017, &at);
        put_label(m, "evil.com", 8);
        put_name(m, "dot." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "space") == 0) {
        srv_begin(m, 60, 27017, &at);
        put_label(m, "my host", 7);
        put_name(m, "space." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "high") == 0) {
        srv_begin(m, 60, 27017, &at);
        put_label(m, "caf\xc3\xa9", 5);
        put_name(m, "high." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "long") == 0) {
        /* labels of 62, 62, 62, 61 + "long.hostile.test": 268 characters in
         * text form, 270 bytes on the wire (the limit is 255) */
        srv_begin(m, 60, 27017, &at);
        for (i = 0; i < 4; i++) {
            memset(t, 'a' + (int)i, 62);
            put_label(m, t, i == 3 ? 61 : 62);
        }
        put_name(m, "long." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "outside") == 0) {
        srv(m, 60, 27017, "node1.outside." ZONE);
        srv(m, 60, 27017, "node1.evil.example");
        a->ancount = 2;
    } else if (strcmp(b, "foreign") == 0) {
        /* Only records owned by another name. */
        put_name(m, "_mongodb._tcp.other." ZONE);
        at = begin_rr(m, T_SRV, 60);
        put16(m, 0); put16(m, 0); put16(m, 27017);
        put_name(m, "node1.foreign." ZONE);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "mixed") == 0) {
        /* One record of the queried name, one of another name. */
        srv(m, 60, 27017, "node1.mixed." ZONE);
        put_name(m, "_mongodb._tcp.other." ZONE);
        at = begin_rr(m, T_SRV, 60);
        put16(m, 0); put16(m, 0); put16(m, 27017);
        put_name(m, "attacker.mixed." ZONE);
        end_rr(m, at);
        a->ancount = 2;
    } else if (strcmp(b, "cname") == 0) {
        /* _mongodb._tcp.cname -> _mongodb._tcp.real, whose SRV record counts;
         * a record of a third name does not. */
        put_qname_ptr(m);
        at = begin_rr(m, T_CNAME, 60);
        put_name(m, "_mongodb._tcp.real." ZONE);
        end_rr(m, at);
        put_name(m, "_mongodb._tcp.real." ZONE);
        at = begin_rr(m, T_SRV, 60);
        put16(m, 0); put16(m, 0); put16(m, 27017);
        put_name(m, "node1.cname." ZONE);
        end_rr(m, at);
        put_name(m, "_mongodb._tcp.third." ZONE);
        at = begin_rr(m, T_SRV, 60);
        put16(m, 0); put16(m, 0); put16(m, 27017);
        put_name(m, "attacker.cname." ZONE);
        end_rr(m, at);
        a->ancount = 3;
    } else if (strcmp(b, "cnameloop") == 0) {
        /* a CNAME to itself and no SRV record */
        put_qname_ptr(m);
        at = begin_rr(m, T_CNAME, 60);
        put_qname_ptr(m);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "many") == 0 || strcmp(b, "tcpreset") == 0) {
        /* 120 records: more than 512 bytes, so UDP is truncated */
        if (strcmp(b, "tcpreset") == 0 && q->tcp) {
            a->reset_tcp = true;
            return;
        }
        for (i = 1; i <= 120; i++) {
            snprintf(t, sizeof t, "node%03u.%s", i, q->host);
            srv(m, 60, 27017, t);
        }
        a->ancount = 120;
    } else if (strcmp(b, "loop") == 0) {
        /* a target whose compression pointer points at itself */
        srv_begin(m, 60, 27017, &at);
        put16(m, 0xC000 | (unsigned)m->n);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "overrun") == 0) {
        /* RDLENGTH beyond the end of the message */
        put_qname_ptr(m);
        put16(m, T_SRV);
        put16(m, 1);
        put32(m, 60);
        put16(m, 400);
        put16(m, 0);
        a->ancount = 1;
    } else if (strcmp(b, "short") == 0) {
        /* an SRV RDATA of 4 bytes */
        put_qname_ptr(m);
        at = begin_rr(m, T_SRV, 60);
        put16(m, 0);
        put16(m, 0);
        end_rr(m, at);
        a->ancount = 1;
    } else if (strcmp(b, "empty") == 0) {
        a->ancount = 0; /* NOERROR, no record: NODATA */
    } else if (strcmp(b, "qr0") == 0) {
        srv(m, 60, 27017, "node1.qr0." ZONE);
        a->ancount = 1;
        a->qr_clear = true;
    } else if (strcmp(b, "badid") == 0) {
        srv(m, 60, 27017, "node1.badid." ZONE);
        a->ancount = 1;
        a->wrong_id = true;
    } else if (strcmp(b, "servfailonce") == 0 || strcmp(b, "droponce") == 0) {
        if (count_query(q) == 1) {
            if (b[0] == 's')
                a->rcode = RC_SERVFAIL;
            else
                a->drop = true;
            return;
        }
        srv(m, 60, 27017, b[0] == 's' ? "node1.servfailonce." ZONE : "node1.droponce." ZONE);
        a->ancount = 1;
    } else if (strcmp(b, "servfail") == 0) {
        a->rcode = RC_SERVFAIL;
    } else if (strcmp(b, "formerr") == 0) {
        a->rcode = RC_FORMERR;
    } else if (strcmp(b, "nxdomain") == 0) {
        a->rcode = RC_NXDOMAIN;
    } else if (strcmp(b, "notimp") == 0) {
        a->rcode = RC_NOTIMP;
    } else if (strcmp(b, "refused") == 0) {
        a->rcode = RC_REFUSED;
    } else if (strcmp(b, "yxdomain") == 0) {
        a->rcode = 6;
    } else if (strcmp(b, "rcode15") == 0) {
        a->rcode = 15;
    } else if (strcmp(b, "timeout") == 0) {
        a->drop = true;
    } else if (strcmp(b, "dup") == 0) {
        srv(m, 60, 27017, "node1.dup." ZONE);
        srv(m, 60, 27017, "NODE1.dup." ZONE);
        a->ancount = 2;
    } else if (strcmp(b, "pollb") == 0 || strcmp(b, "polla") == 0) {
        /* polla: 27017, 27018; pollb: first query 27017, 27018, later 27019, 27020 */
        if (b[4] == 'b' && count_query(q) > 1) {
            srv(m, 60, 27019, "localhost.pollb." ZONE);
            srv(m, 60, 27020, "localhost.pollb." ZONE);
        } else {
            snprintf(t, sizeof t, "localhost.%s", q->host);
            srv(m, 60, 27017, t);
            srv(m, 60, 27018, t);
        }
        a->ancount = 2;
    } else if (strcmp(b, "pollmixed") == 0) {
        /* one valid record, one outside the parent domain */
        srv(m, 60, 27019, "localhost.pollmixed." ZONE);
        srv(m, 60, 27020, "localhost.evil.example");
        a->ancount = 2;
    } else {
        a->rcode = RC_NXDOMAIN;
    }
}

static void txt_behaviour(const query *q, msg *m, answer *a)
{
    const char *b = q->behaviour;

    if (strcmp(b, "ok") == 0 || strcmp(b, "oom") == 0) {
        txt(m, 300, "replicaSet=rs0", 14);
        a->ancount = 1;
    } else if (strcmp(b, "txtbin") == 0) {
        txt(m, 300, "replicaSet=r\xff\xfe", 14);
        a->ancount = 1;
    } else if (strcmp(b, "txtctl") == 0) {
        txt(m, 300, "replicaSet=a\x01" "b", 14);
        a->ancount = 1;
    } else if (strcmp(b, "servfail") == 0) {
        a->rcode = RC_SERVFAIL;
    } else if (strcmp(b, "timeout") == 0) {
        a->drop = true;
    } else if (strcmp(b, "nxdomain") == 0 || strcmp(b, "formerr") == 0 ||
               strcmp(b, "notimp") == 0 || strcmp(b, "refused") == 0 ||
               strcmp(b, "yxdomain") == 0 || strcmp(b, "rcode15") == 0) {
        srv_behaviour(q, m, a); /* the same RCODE for both */
    } else {
        a->ancount = 0; /* NODATA: no TXT record */
    }
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                   */
/* ------------------------------------------------------------------------ */

static bool parse_query(const unsigned char *p, size_t n, query *q)
{
    size_t at = 12, used = 0;
    const char *zone;
    char *lab;

    if (n < 12 || ((p[4] << 8) | p[5]) != 1)
        return false;
    q->id = (unsigned)(p[0] << 8 | p[1]);
    q->flags = (unsigned)(p[2] << 8 | p[3]);
    for (;;) {
        size_t len;

        if (at >= n)
            return false;
        len = p[at++];
        if (len == 0)
            break;
        if (len > 63 || at + len > n || used + len + 2 > sizeof q->name)
            return false;
        if (used > 0)
            q->name[used++] = '.';
        for (size_t i = 0; i < len; i++) {
            unsigned char c = p[at + i];
            q->name[used++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        at += len;
    }
    q->name[used] = '\0';
    if (at + 4 > n)
        return false;
    q->qtype = (unsigned)(p[at] << 8 | p[at + 1]);
    q->qlen = at + 4;
    /* behaviour: the label before ".hostile.test" */
    q->behaviour[0] = '\0';
    zone = strstr(q->name, "." ZONE);
    if (zone != NULL && zone[sizeof ZONE] == '\0') {
        const char *start = zone;
        while (start > q->name && start[-1] != '.')
            start--;
        if ((size_t)(zone - start) < sizeof q->behaviour) {
            memcpy(q->behaviour, start, (size_t)(zone - start));
            q->behaviour[zone - start] = '\0';
        }
    }
    lab = q->behaviour;
    snprintf(q->host, sizeof q->host, "%s.%s", lab, ZONE);
    return true;
}

static void dump(const query *q, const msg *m)
{
    char path[1024];
    FILE *f;

    if (dump_dir == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s-%s-%s.bin", dump_dir, q->name,
             q->qtype == T_SRV ? "srv" : q->qtype == T_TXT ? "txt" : "other",
             q->tcp ? "tcp" : "udp");
    f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(m->b, 1, m->n, f);
    fclose(f);
}

/* 1: answer in m; 0: no answer; -1: reset the TCP connection. */
static int respond(const unsigned char *p, size_t n, bool tcp, msg *m)
{
    query q;
    answer a;
    unsigned flags;

    memset(&q, 0, sizeof q);
    memset(&a, 0, sizeof a);
    m->n = 0;
    m->overflow = false;
    if (!parse_query(p, n, &q))
        return 0;
    q.tcp = tcp;
    /* header and question; records appended by the behaviour */
    put16(m, q.id);
    put16(m, 0);
    put16(m, 1);
    put16(m, 0);
    put16(m, 0);
    put16(m, 0);
    put(m, p + 12, q.qlen - 12);
    if (all_drop)
        return 0;
    if (all_rcode >= 0)
        a.rcode = all_rcode;
    else if (q.qtype == T_SRV)
        srv_behaviour(&q, m, &a);
    else if (q.qtype == T_TXT)
        txt_behaviour(&q, m, &a);
    if (a.drop)
        return 0;
    if (a.reset_tcp)
        return -1;
    if (m->overflow)
        return 0;
    if (!tcp && m->n > UDP_MAX) {
        m->n = q.qlen; /* truncated: no records */
        a.ancount = 0;
        flags = 0x8000 | 0x0400 | 0x0200 | (q.flags & 0x0100) | 0x0080;
    } else {
        flags = 0x8000 | 0x0400 | (q.flags & 0x0100) | 0x0080;
    }
    if (a.rcode != RC_NOERROR)
        m->n = q.qlen, a.ancount = 0;
    if (a.qr_clear)
        flags &= ~0x8000u;
    flags |= (unsigned)a.rcode & 0xf;
    m->b[2] = (unsigned char)(flags >> 8);
    m->b[3] = (unsigned char)(flags & 0xff);
    m->b[6] = (unsigned char)(a.ancount >> 8);
    m->b[7] = (unsigned char)(a.ancount & 0xff);
    if (a.wrong_id)
        m->b[0] ^= 0x5a;
    dump(&q, m);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                   */
/* ------------------------------------------------------------------------ */

struct client {
    int fd;
    size_t have;
    unsigned char buf[2 + MSG_MAX];
};

static void usage(void)
{
    fprintf(stderr, "usage: hostile-dns --port-file FILE [--lifetime-s N] "
                    "[--all servfail|refused|nxdomain|formerr|notimp|drop] [--dump DIR] "
                    "[--no-tcp]\n");
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* UDP and TCP sockets on the same free port of 127.0.0.1. */
static bool bind_both(int *udp, int *tcp, unsigned *port)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        struct sockaddr_in sa;
        socklen_t len = sizeof sa;
        int one = 1;

        *udp = socket(AF_INET, SOCK_DGRAM, 0);
        *tcp = socket(AF_INET, SOCK_STREAM, 0);
        if (*udp < 0 || *tcp < 0)
            return false;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(*udp, (struct sockaddr *)&sa, sizeof sa) != 0 ||
            getsockname(*udp, (struct sockaddr *)&sa, &len) != 0)
            return false;
        setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(*tcp, (struct sockaddr *)&sa, sizeof sa) == 0 &&
            (no_tcp || listen(*tcp, 16) == 0)) {
            *port = ntohs(sa.sin_port);
            return true;
        }
        close(*udp);
        close(*tcp);
    }
    return false;
}

static void reset_close(int fd)
{
    struct linger lg = { 1, 0 };

    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static void send_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    static msg m;
    static struct client clients[MAX_CLIENTS];
    const char *port_file = NULL;
    double lifetime = 120, end;
    unsigned port;
    int udp, tcp;
    FILE *f;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port-file") == 0 && i + 1 < argc) {
            port_file = argv[++i];
        } else if (strcmp(argv[i], "--lifetime-s") == 0 && i + 1 < argc) {
            lifetime = atof(argv[++i]);
        } else if (strcmp(argv[i], "--no-tcp") == 0) {
            no_tcp = true;
        } else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
            dump_dir = argv[++i];
        } else if (strcmp(argv[i], "--all") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            all_rcode = strcmp(v, "servfail") == 0   ? RC_SERVFAIL
                        : strcmp(v, "refused") == 0  ? RC_REFUSED
                        : strcmp(v, "nxdomain") == 0 ? RC_NXDOMAIN
                        : strcmp(v, "formerr") == 0  ? RC_FORMERR
                        : strcmp(v, "notimp") == 0   ? RC_NOTIMP
                                                     : -1;
            all_drop = strcmp(v, "drop") == 0;
            if (all_rcode < 0 && !all_drop)
                usage();
        } else {
            usage();
        }
    }
    if (port_file == NULL || lifetime <= 0)
        usage();
    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;
    if (!bind_both(&udp, &tcp, &port)) {
        perror("hostile-dns: bind");
        return 1;
    }
    {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        f = fopen(tmp, "w");
        if (f == NULL || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            perror("hostile-dns: port file");
            return 1;
        }
    }
    end = now_s() + lifetime;
    while (now_s() < end) {
        struct pollfd pfd[2 + MAX_CLIENTS];
        int map[2 + MAX_CLIENTS];
        nfds_t nf = 0;

        pfd[nf].fd = udp, pfd[nf].events = POLLIN, map[nf++] = -1;
        if (!no_tcp)
            pfd[nf].fd = tcp, pfd[nf].events = POLLIN, map[nf++] = -2;
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (clients[i].fd >= 0)
                pfd[nf].fd = clients[i].fd, pfd[nf].events = POLLIN, map[nf++] = i;
        if (poll(pfd, nf, 200) < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        for (nfds_t k = 0; k < nf; k++) {
            if (pfd[k].revents == 0)
                continue;
            if (map[k] == -1) {
                unsigned char in[MSG_MAX];
                struct sockaddr_in from;
                socklen_t flen = sizeof from;
                ssize_t r = recvfrom(udp, in, sizeof in, 0, (struct sockaddr *)&from, &flen);

                if (r > 0 && respond(in, (size_t)r, false, &m) == 1)
                    sendto(udp, m.b, m.n, 0, (struct sockaddr *)&from, flen);
            } else if (map[k] == -2) {
                int fd = accept(tcp, NULL, NULL);
                int slot = -1;

                for (int i = 0; fd >= 0 && i < MAX_CLIENTS; i++)
                    if (clients[i].fd < 0) {
                        slot = i;
                        break;
                    }
                if (fd >= 0 && slot < 0)
                    close(fd);
                else if (fd >= 0)
                    clients[slot].fd = fd, clients[slot].have = 0;
            } else {
                struct client *c = &clients[map[k]];
                ssize_t r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
                size_t need;

                if (r <= 0) {
                    close(c->fd);
                    c->fd = -1;
                    continue;
                }
                c->have += (size_t)r;
                while (c->fd >= 0 && c->have >= 2 &&
                       c->have >= 2 + (need = (size_t)(c->buf[0] << 8 | c->buf[1]))) {
                    int rc = respond(c->buf + 2, need, true, &m);

                    if (rc < 0) {
                        reset_close(c->fd);
                        c->fd = -1;
                        break;
                    }
                    if (rc == 1) {
                        unsigned char len[2] = { (unsigned char)(m.n >> 8),
                                                 (unsigned char)(m.n & 0xff) };
                        send_all(c->fd, len, 2);
                        send_all(c->fd, m.b, m.n);
                    }
                    memmove(c->buf, c->buf + 2 + need, c->have - 2 - need);
                    c->have -= 2 + need;
                }
            }
        }
    }
    return 0;
}
