/*
 * The probe's connections: TCP through the network jobs of tls/net.c, Unix
 * domain sockets, the non-blocking handshake, the hello exchange that
 * tells whether a MongoDB server accepted us, and the second connections
 * that learn what a refusing server speaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/err.h>

#include "tls/names.h"
#include "tls/probe_io.h"
#include "tls/report.h"
#include "tls/state.h"
#include "tls/net.h"
#include "ares_loop_int.h"

int mongouri__tls_remaining_ms(int64_t deadline)
{
    int64_t left = deadline - mongouri__now_ms();

    return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* A TCP connection to host:port, or -1 with `why` filled. */
int mongouri__tls_tcp_connect(const char *host, uint16_t port, int64_t deadline, char *why,
                              size_t cap)
{
    mongouri__net_job job;
    char port_text[8];
    int fd = -1;

    snprintf(port_text, sizeof port_text, "%u", (unsigned)port);
    mongouri__net_job_init(&job, host, port_text);
    mongouri__net_run(&job, 1, deadline, NULL, NULL);
    if (job.state == MONGOURI__NET_DONE) {
        fd = job.fd;
        job.fd = -1;
    } else {
        snprintf(why, cap, "%s", job.error);
    }
    mongouri__net_job_clear(&job);
    return fd;
}

/* A connection to the Unix domain socket `path` (non-blocking afterwards), or -1. */
int mongouri__tls_unix_connect(const char *path, char *why, size_t cap)
{
    struct sockaddr_un a;
    int fd, flags;

    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) {
        snprintf(why, cap, "the Unix socket path %.60s... is longer than %zu bytes", path,
                 sizeof a.sun_path - 1);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(why, cap, "cannot connect to the Unix socket %.100s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    flags = fcntl(fd, F_GETFL, 0);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        snprintf(why, cap, "cannot use the Unix socket %.100s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static bool wait_fd(int fd, bool for_write, int timeout_ms)
{
    struct pollfd p;

    p.fd = fd;
    p.events = for_write ? POLLOUT : POLLIN;
    p.revents = 0;
    return poll(&p, 1, timeout_ms) > 0;
}

/* SSL_connect on a non-blocking socket until done, failed or past the deadline. */
int mongouri__tls_handshake(SSL *ssl, int fd, int64_t deadline, bool *timed_out)
{
    *timed_out = false;
    for (;;) {
        int ret = SSL_connect(ssl), e;

        if (ret == 1)
            return ret;
        e = SSL_get_error(ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return ret;
        if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, mongouri__tls_remaining_ms(deadline))) {
            *timed_out = true;
            return ret;
        }
    }
}

/*
 * After the handshake: a MongoDB "hello" (OP_MSG, opcode 2013) with the
 * document {hello: 1, $db: "admin"}, written out by hand (little-endian).
 */
#define HELLO_REQUEST_ID 0x6d6f6e67 /* "mong" */
static const unsigned char hello_msg[] = {
    52,   0,    0,    0,                               /* messageLength */
    0x67, 0x6e, 0x6f, 0x6d,                            /* requestID = HELLO_REQUEST_ID */
    0,    0,    0,    0,                               /* responseTo */
    0xdd, 0x07, 0,    0,                               /* opCode 2013: OP_MSG */
    0,    0,    0,    0,                               /* flagBits */
    0,                                                 /* section kind 0: body */
    31,   0,    0,    0,                               /* BSON document length */
    0x10, 'h',  'e',  'l',  'l', 'o', 0, 1, 0, 0,   0, /* hello: int32 1 */
    0x02, '$',  'd',  'b',  0,   6,   0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0, /* $db: "admin" */
    0                                                                      /* end of document */
};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * With TLS 1.3 a server refuses a missing or untrusted client certificate
 * only after SSL_connect succeeded. Send hello and read until the answer
 * decides: a reply (the server accepted us: an alert would have come
 * first, the stream is ordered), an alert, the end of the connection. A
 * TLS 1.3 server that asked for a certificate has processed our Finished
 * when its session ticket arrives; until then (or an alert, or a reply) we
 * wait up to the deadline, however slow the server; then, as after any
 * other handshake, up to `reply_ms` for the reply. `*fail_ret` is
 * the SSL_read result to diagnose after MONGOURI__AFTER_REFUSED.
 */
mongouri__tls_after mongouri__tls_after_handshake(SSL *ssl, int fd, int64_t deadline, int reply_ms,
                                                  int *fail_ret, bool *close_notify,
                                                  size_t *got_out)
{
    const mongouri__tls_ssl_state *st = mongouri__tls_ssl_state_get(ssl);
    bool need_ack = st != NULL && st->certificate_requested && SSL_version(ssl) == TLS1_3_VERSION &&
                    !st->ticket_received;
    int64_t until = need_ack ? deadline : mongouri__now_ms() + reply_ms;
    unsigned char head[16];
    size_t got = 0, sent = 0;

    *close_notify = false;
    *got_out = 0;
    if (until > deadline)
        until = deadline;
    while (sent < sizeof hello_msg) {
        int w, e;

        ERR_clear_error();
        w = SSL_write(ssl, hello_msg + sent, (int)(sizeof hello_msg - sent));
        if (w > 0) {
            sent += (size_t)w;
            continue;
        }
        e = SSL_get_error(ssl, w);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, mongouri__tls_remaining_ms(until)))
                return MONGOURI__AFTER_NO_REPLY;
            continue;
        }
        break; /* the read below tells why (alert, close) */
    }
    for (;;) {
        unsigned char buf[512];
        int ret, e;

        ERR_clear_error();
        ret = SSL_read(ssl, buf, sizeof buf);
        if (ret > 0) {
            size_t take = (size_t)ret < sizeof head - got ? (size_t)ret : sizeof head - got;

            memcpy(head + got, buf, take);
            got += take;
            *got_out += (size_t)ret;
            if (got == sizeof head) {
                uint32_t len = le32(head), to = le32(head + 8), op = le32(head + 12);

                return to == HELLO_REQUEST_ID && (op == 2013 || op == 1) && len >= 16 &&
                               len <= 48u * 1024 * 1024
                           ? MONGOURI__AFTER_REPLY
                           : MONGOURI__AFTER_OTHER_REPLY;
            }
            continue;
        }
        e = SSL_get_error(ssl, ret);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (need_ack && st->ticket_received) {
                need_ack = false; /* accepted: now only the reply is awaited */
                until = mongouri__now_ms() + reply_ms;
                if (until > deadline)
                    until = deadline;
            }
            if (!wait_fd(fd, e == SSL_ERROR_WANT_WRITE, mongouri__tls_remaining_ms(until)))
                return got > 0 ? MONGOURI__AFTER_OTHER_REPLY : MONGOURI__AFTER_NO_REPLY;
            continue;
        }
        if (e == SSL_ERROR_SSL && st != NULL && st->alert_received >= 0) {
            *fail_ret = ret;
            return MONGOURI__AFTER_REFUSED;
        }
        *close_notify = e == SSL_ERROR_ZERO_RETURN;
        ERR_clear_error();
        return MONGOURI__AFTER_CLOSED;
    }
}

/* What happened after a good handshake, appended to the success detail. */
void mongouri__tls_describe_after(mongouri_tls_report *r, mongouri__tls_after o, bool close_notify,
                                  size_t got, int waited_ms)
{
    size_t n = strlen(r->detail);

    switch (o) {
    case MONGOURI__AFTER_REPLY:
        mongouri__tls_set_text(r->detail + n, sizeof r->detail - n, "; MongoDB answered hello");
        break;
    case MONGOURI__AFTER_OTHER_REPLY:
        mongouri__tls_set_text(
            r->detail + n, sizeof r->detail - n,
            "; TLS ok, but the answer to hello (%zu bytes) is not a MongoDB reply", got);
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The server speaks TLS but not the MongoDB protocol: check the host and port.");
        break;
    case MONGOURI__AFTER_NO_REPLY:
        mongouri__tls_set_text(r->detail + n, sizeof r->detail - n,
                               "; TLS ok, no MongoDB reply to hello within %d ms", waited_ms);
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The server accepted the TLS connection but did not answer a MongoDB hello: "
            "is it a MongoDB server (or a proxy in front of one)?");
        break;
    case MONGOURI__AFTER_CLOSED:
        mongouri__tls_set_text(
            r->detail + n, sizeof r->detail - n,
            "; TLS handshake ok, then the server closed the connection %s, without "
            "answering hello",
            close_notify ? "(close_notify)" : "without close_notify");
        mongouri__tls_set_text(
            r->hint, sizeof r->hint,
            "The server ended the connection right after the handshake: check its log "
            "(connection limits, client certificate policy, a proxy).");
        break;
    case MONGOURI__AFTER_REFUSED:
        break;
    }
}

/*
 * The server refused every cipher or group offered: connect once more
 * offering all that OpenSSL knows (no certificate check, nothing is sent
 * over it) and say what the server picks.
 */
void mongouri__tls_learn_server_choice(const char *host, uint16_t port, bool unix_path,
                                       int64_t deadline, mongouri_tls_report *r)
{
    char why[160];
    int fd = unix_path ? mongouri__tls_unix_connect(host, why, sizeof why)
                       : mongouri__tls_tcp_connect(host, port, deadline, why, sizeof why);
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    bool timed_out;
    size_t n = strlen(r->detail);

    if (fd < 0)
        return;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        goto out;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
                                  "TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:"
                                  "TLS_AES_128_CCM_8_SHA256");
    if (!SSL_CTX_set1_groups_list(ctx, "x25519:secp256r1:x448:secp521r1:secp384r1:secp224r1:"
                                       "secp192r1:brainpoolP256r1:brainpoolP384r1:"
                                       "brainpoolP512r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:"
                                       "ffdhe8192"))
        ERR_clear_error();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd))
        goto out;
    if (!unix_path && !mongouri__tls_is_ip_literal(host))
        SSL_set_tlsext_host_name(ssl, host);
    if (mongouri__tls_handshake(ssl, fd, deadline, &timed_out) == 1) {
        const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
        int g = SSL_get_negotiated_group(ssl);
        const char *gname = g != 0 ? SSL_group_to_name(ssl, g) : NULL;

        mongouri__tls_set_text(r->detail + n, sizeof r->detail - n,
                               "; offered every cipher and group, the server picks %s%s%s (%s)",
                               c != NULL ? SSL_CIPHER_get_name(c) : "?",
                               gname != NULL ? " with group " : "", gname != NULL ? gname : "",
                               SSL_get_version(ssl));
    } else if (!timed_out) {
        mongouri__tls_set_text(
            r->detail + n, sizeof r->detail - n,
            "; offered every cipher and group OpenSSL knows, the server still refuses");
    }
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    ERR_clear_error();
}

/* Find out which older version a server speaks, for the protocol-version detail. */
void mongouri__tls_learn_server_version(const char *host, uint16_t port, int64_t deadline,
                                        mongouri_tls_report *r)
{
    char why[160];
    int fd = mongouri__tls_tcp_connect(host, port, deadline, why, sizeof why);
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    bool timed_out;

    if (fd < 0)
        return;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        goto out;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    ssl = SSL_new(ctx);
    if (ssl == NULL || !SSL_set_fd(ssl, fd))
        goto out;
    if (mongouri__tls_handshake(ssl, fd, deadline, &timed_out) == 1)
        mongouri__tls_set_text(r->server_version, sizeof r->server_version, "%s",
                               SSL_get_version(ssl));
out:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    ERR_clear_error();
}
