/*
 * The TLS suite: real handshakes on loopback against `openssl s_server`
 * processes, with a throw-away PKI (pki.sh) and our loopback-only OCSP
 * responder (ocsp_responder.c). Every server and responder listens on
 * 127.0.0.1 (or ::1) on a port picked at run time, and is stopped by PID,
 * also on failure.
 *
 *   tls-matrix --pki PKI_SCRIPT --responder RESPONDER_BIN [--bench] [FILTER]
 *
 * Default mode runs the scenario matrix; --bench measures how long a
 * handshake takes when the OCSP responders are down or hang (the deadline
 * must bound it). Last line: "N passed, N failed". Exit 0 only when
 * nothing failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "mongouri/mongouri.h"
#include "mongouri/openssl.h"
#include "tls_harness.h"

#define SCENARIO_ALARM_S 60
#define SHORT_NEXT_UPDATE_S "2" /* answers of the "short" responder expire this fast */

static char tmpdir[256];

/* ------------------------------------------------------------------------ */
/* The PKI and the responders                                                */
/* ------------------------------------------------------------------------ */

static int good_port, hang_port, down_port, short_port, v6_port;
static char responder_log[300];

static int start_responder(const char *bin, const char *mode, const char *name,
                           const char *next_update, bool v6)
{
    char port_file[300], log[300];
    char *argv[16];
    int n = 0;

    snprintf(port_file, sizeof port_file, "%s/%s.port", tmpdir, name);
    snprintf(log, sizeof log, "%s/%s.out", tmpdir, name);
    argv[n++] = (char *)bin;
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    argv[n++] = "--mode";
    argv[n++] = (char *)mode;
    argv[n++] = "--dir";
    argv[n++] = tmpdir;
    argv[n++] = "--log";
    argv[n++] = responder_log;
    argv[n++] = "--next-update";
    argv[n++] = (char *)next_update;
    if (v6)
        argv[n++] = "--ipv6";
    argv[n] = NULL;
    if (th_spawn(argv, log) < 0)
        return -1;
    return th_read_port_file(port_file, 5000);
}

static int responder_requests(void)
{
    FILE *f = fopen(responder_log, "r");
    int n = 0, c;

    if (f == NULL)
        return 0;
    while ((c = fgetc(f)) != EOF)
        if (c == '\n')
            n++;
    fclose(f);
    return n;
}

/* ------------------------------------------------------------------------ */
/* Servers                                                                   */
/* ------------------------------------------------------------------------ */

enum {
    S_GOOD, S_GOOD_CA_SIGNED, S_RSA, S_NOSTAPLE, S_REVOKED_STAPLE, S_REVOKED, S_DOWN, S_HANG,
    S_PARALLEL, S_BYNAME, S_UNKNOWN, S_UNKNOWN_STAPLE, S_NOAIA, S_MUST_NOSTAPLE,
    S_MUST_STAPLE, S_BADSIG, S_WRONGSTAPLE, S_WRONGHOST, S_EXPIRED, S_NOTYET, S_FOREIGN,
    S_MTLS, S_MTLS12, S_TLS11, S_TLS12, S_IPV6, S_SHORT, S_SNI, S_V6RESPONDER,
    S_CACHE_GOOD, S_CACHE_REVOKED, S_NONEXT_FRESH, S_NONEXT_6D, S_NONEXT_8D,
    S__SERVERS,
    P_NOTHING = 100, /* a port nothing listens on */
    P_NOTLS = 101,   /* a TCP server that never answers (the hanging responder) */
    P_NONE = 102     /* no connection: file checks */
};

typedef struct server_def {
    const char *cert;
    const char *key;
    const char *extra; /* space-separated extra s_server arguments; %D = PKI dir */
    int family;
} server_def;

static const server_def servers[S__SERVERS] = {
    [S_GOOD] = { "server", "server", "-status_file %D/staple-good.der", AF_INET },
    [S_GOOD_CA_SIGNED] = { "server", "server", "-status_file %D/staple-good-by-ca.der", AF_INET },
    [S_RSA] = { "server-rsa", "server-rsa", "-status_file %D/staple-rsa-good.der", AF_INET },
    [S_NOSTAPLE] = { "server", "server", "", AF_INET },
    [S_REVOKED_STAPLE] = { "revoked", "revoked", "-status_file %D/staple-revoked.der", AF_INET },
    [S_REVOKED] = { "revoked", "revoked", "", AF_INET },
    [S_DOWN] = { "down", "down", "", AF_INET },
    [S_HANG] = { "hang", "hang", "", AF_INET },
    [S_PARALLEL] = { "parallel", "parallel", "", AF_INET },
    [S_BYNAME] = { "byname", "byname", "", AF_INET },
    [S_UNKNOWN] = { "unknown", "unknown", "", AF_INET },
    [S_UNKNOWN_STAPLE] = { "unknown", "unknown", "-status_file %D/staple-unknown.der", AF_INET },
    [S_NOAIA] = { "noaia", "noaia", "", AF_INET },
    [S_MUST_NOSTAPLE] = { "muststaple", "muststaple", "", AF_INET },
    [S_MUST_STAPLE] = { "muststaple", "muststaple", "-status_file %D/staple-muststaple.der",
                        AF_INET },
    [S_BADSIG] = { "server", "server", "-status_file %D/staple-badsig.der", AF_INET },
    [S_WRONGSTAPLE] = { "server", "server", "-status_file %D/staple-wronghost.der", AF_INET },
    [S_WRONGHOST] = { "wronghost", "wronghost", "-status_file %D/staple-wronghost.der", AF_INET },
    [S_EXPIRED] = { "expired", "expired", "", AF_INET },
    [S_NOTYET] = { "notyet", "notyet", "", AF_INET },
    [S_FOREIGN] = { "foreign", "foreign", "", AF_INET },
    [S_MTLS] = { "server", "server",
                 "-status_file %D/staple-good.der -Verify 1 -CAfile %D/ca.pem -verify_return_error",
                 AF_INET },
    [S_MTLS12] = { "server", "server",
                   "-status_file %D/staple-good.der -Verify 1 -CAfile %D/ca.pem "
                   "-verify_return_error -tls1_2",
                   AF_INET },
    [S_TLS11] = { "server", "server", "-tls1_1 -cipher DEFAULT:@SECLEVEL=0", AF_INET },
    [S_TLS12] = { "server", "server", "-status_file %D/staple-good.der -tls1_2", AF_INET },
    [S_IPV6] = { "server", "server", "-status_file %D/staple-good.der", AF_INET6 },
    [S_SHORT] = { "short", "short", "", AF_INET },
    /* The right certificate only for SNI "localhost"; any other SNI is a fatal alert. */
    [S_SNI] = { "wronghost", "wronghost",
                "-cert2 %D/server.pem -key2 %D/server.key -servername localhost "
                "-servername_fatal",
                AF_INET },
    [S_V6RESPONDER] = { "v6responder", "v6responder", "", AF_INET },
    /* The same certificate as S_GOOD: a good staple valid for days, a revoked one for an hour. */
    [S_CACHE_GOOD] = { "server", "server", "-status_file %D/staple-cache-good.der", AF_INET },
    [S_CACHE_REVOKED] = { "server", "server", "-status_file %D/staple-cache-revoked.der",
                          AF_INET },
    /* Good staples without nextUpdate; thisUpdate now, 6 days ago, 8 days ago. */
    [S_NONEXT_FRESH] = { "server", "server", "-status_file %D/staple-nonext-fresh.der", AF_INET },
    [S_NONEXT_6D] = { "server", "server", "-status_file %D/staple-nonext-6d.der", AF_INET },
    [S_NONEXT_8D] = { "server", "server", "-status_file %D/staple-nonext-8d.der", AF_INET },
};

static int server_port[S__SERVERS];
static pid_t server_pid[S__SERVERS];

/* Replace every %D of `in` by the PKI directory. */
static void expand(char *out, size_t cap, const char *in)
{
    size_t used = 0;

    while (*in != '\0' && used + 1 < cap) {
        if (in[0] == '%' && in[1] == 'D') {
            used += (size_t)snprintf(out + used, cap - used, "%s", tmpdir);
            if (used >= cap)
                used = cap - 1;
            in += 2;
        } else {
            out[used++] = *in++;
        }
    }
    out[used] = '\0';
}

/* Start server `id` if it is not running; its port, or -1. */
static int server_start(int id)
{
    const server_def *d = &servers[id];
    int attempt;

    if (server_port[id] > 0)
        return server_port[id];
    for (attempt = 0; attempt < 3; attempt++) {
        char accept_arg[64], cert[300], key[300], extra[1024], log[300];
        char *argv[32], *save = NULL, *tok;
        int n = 0, port = th_free_port(d->family);
        long until;
        pid_t pid;

        if (port < 0)
            return -1;
        snprintf(accept_arg, sizeof accept_arg, d->family == AF_INET6 ? "[::1]:%d" : "127.0.0.1:%d",
                 port);
        snprintf(cert, sizeof cert, "%s/%s.pem", tmpdir, d->cert);
        snprintf(key, sizeof key, "%s/%s.key", tmpdir, d->key);
        snprintf(log, sizeof log, "%s/server-%d.out", tmpdir, id);
        expand(extra, sizeof extra, d->extra);
        argv[n++] = "openssl";
        argv[n++] = "s_server";
        argv[n++] = "-quiet";
        argv[n++] = "-accept";
        argv[n++] = accept_arg;
        argv[n++] = "-cert";
        argv[n++] = cert;
        argv[n++] = "-key";
        argv[n++] = key;
        for (tok = strtok_r(extra, " ", &save); tok != NULL && n < 30;
             tok = strtok_r(NULL, " ", &save))
            argv[n++] = tok;
        argv[n] = NULL;
        pid = th_spawn(argv, log);
        if (pid < 0)
            return -1;
        until = th_now_ms() + 5000;
        while (th_now_ms() < until) {
            int fd = th_connect(d->family, port);

            if (fd >= 0) {
                close(fd);
                server_port[id] = port;
                server_pid[id] = pid;
                return port;
            }
            if (waitpid(pid, NULL, WNOHANG) == pid) {
                th_forget(pid);
                break; /* the port was taken meanwhile: try another */
            }
            th_sleep_ms(20);
        }
        th_stop(pid);
    }
    fprintf(stderr, "tls-matrix: cannot start server %d (see %s/server-%d.out)\n", id, tmpdir,
            id);
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Scenarios                                                                 */
/* ------------------------------------------------------------------------ */

#define F_NO_RESPONDER (1u << 0)  /* no OCSP responder may be contacted */
#define F_RESPONDER (1u << 1)     /* the responder must be contacted */
#define F_FAST (1u << 2)          /* well under the OCSP deadline */
#define F_NO_SECRET (1u << 3)     /* no password, no "PEM lib" in the message */
#define REV(x) ((x) + 1)          /* expected revocation source (0: not checked here) */

typedef struct scenario {
    const char *name;
    int server;            /* S_*, P_* */
    const char *host;      /* default "localhost" */
    const char *options;   /* URI query; %D = PKI dir */
    int status;            /* expected mongouri_status */
    int expect;            /* category (connections) or diagnosis (file checks) */
    int rev;               /* REV(source) or 0 */
    const char *has;       /* substring of the detail / message, or NULL */
    unsigned flags;
    int ocsp_timeout_ms;   /* 0 = default */
    int timeout_ms;        /* 0 = 10000 */
} scenario;

#define CA "tls=true&tlsCAFile=%D/ca.pem"
#define CRL CA "&tlsCRLFile=%D/ca.crl"
#define CLIENT CA "&tlsCertificateKeyFile=%D/client-combined.pem"
#define ENC CA "&tlsCertificateKeyFile=%D/client-combined-enc.pem"

static const scenario matrix[] = {
    /* Trust, names and dates. */
    { "staple good, host name", S_GOOD, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_STAPLE), "localhost matches", F_NO_RESPONDER, 0, 0 },
    { "IPv4 literal host (IP SAN check)", S_GOOD, "127.0.0.1", CA, MONGOURI_OK, MONGOURI_TLS_OK,
      0, "127.0.0.1 matches", 0, 0, 0 },
    { "IPv6 literal host (IP SAN check)", S_IPV6, "::1", CA, MONGOURI_OK, MONGOURI_TLS_OK, 0,
      "::1 matches", 0, 0, 0 },
    { "IPv6 literal host in brackets", S_IPV6, "[::1]", CA, MONGOURI_OK, MONGOURI_TLS_OK, 0,
      NULL, 0, 0, 0 },
    { "TLS 1.2 server", S_TLS12, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_STAPLE), "TLSv1.2", 0, 0, 0 },
    { "no tlsCAFile: system store", S_GOOD, NULL, "tls=true", MONGOURI_E_TLS,
      MONGOURI_TLS_UNKNOWN_CA, 0, "the system store", 0, 0, 0 },
    { "tlsCAFile of another CA", S_GOOD, NULL, "tls=true&tlsCAFile=%D/other-ca.pem",
      MONGOURI_E_TLS, MONGOURI_TLS_UNKNOWN_CA, 0, "other-ca.pem", 0, 0, 0 },
    { "server of another CA", S_FOREIGN, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_UNKNOWN_CA, 0,
      "unable to get local issuer certificate", 0, 0, 0 },
    { "server of another CA + tlsAllowInvalidCertificates", S_FOREIGN, NULL,
      CA "&tlsAllowInvalidCertificates=true", MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_NOT_CHECKED), "not verified", F_NO_RESPONDER, 0, 0 },
    { "server of another CA + tlsInsecure", S_FOREIGN, NULL, CA "&tlsInsecure=true",
      MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, F_NO_RESPONDER, 0, 0 },
    { "no tlsCAFile + tlsInsecure", S_GOOD, NULL, "tls=true&tlsInsecure=true", MONGOURI_OK,
      MONGOURI_TLS_OK, 0, NULL, 0, 0, 0 },
    { "wrong host name", S_WRONGHOST, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_HOSTNAME_MISMATCH, 0,
      "DNS:wronghost.example.com", 0, 0, 0 },
    { "wrong IP address", S_WRONGHOST, "127.0.0.1", CA, MONGOURI_E_TLS,
      MONGOURI_TLS_HOSTNAME_MISMATCH, 0, "IP address 127.0.0.1", 0, 0, 0 },
    { "wrong host + tlsAllowInvalidHostnames", S_WRONGHOST, NULL,
      CA "&tlsAllowInvalidHostnames=true", MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_STAPLE), "name not checked", 0, 0, 0 },
    { "wrong host + tlsInsecure", S_WRONGHOST, NULL, CA "&tlsInsecure=true", MONGOURI_OK,
      MONGOURI_TLS_OK, 0, NULL, 0, 0, 0 },
    { "wrong host + tlsAllowInvalidCertificates", S_WRONGHOST, NULL,
      CA "&tlsAllowInvalidCertificates=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, 0, 0, 0 },
    { "expired", S_EXPIRED, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_EXPIRED, 0,
      "expired on 2020-01-02", 0, 0, 0 },
    { "expired + tlsAllowInvalidHostnames", S_EXPIRED, NULL,
      CA "&tlsAllowInvalidHostnames=true", MONGOURI_E_TLS, MONGOURI_TLS_EXPIRED, 0, NULL, 0, 0,
      0 },
    { "expired + tlsAllowInvalidCertificates", S_EXPIRED, NULL,
      CA "&tlsAllowInvalidCertificates=true", MONGOURI_OK, MONGOURI_TLS_OK, 0,
      "it would fail: certificate has expired", 0, 0, 0 },
    { "not yet valid", S_NOTYET, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_NOT_YET_VALID, 0,
      "not valid before 2099", 0, 0, 0 },
    { "SNI sent for a host name", S_SNI, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK, 0,
      "CN=localhost", 0, 0, 0 },
    { "no SNI for an IP literal", S_SNI, "127.0.0.1", CA, MONGOURI_E_TLS,
      MONGOURI_TLS_HOSTNAME_MISMATCH, 0, "CN=wronghost.example.com", 0, 0, 0 },
    { "ssl=true (alias of tls)", S_GOOD, NULL, "ssl=true&tlsCAFile=%D/ca.pem", MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), NULL, 0, 0, 0 },
    { "TLS implied by tlsCAFile", S_GOOD, NULL, "tlsCAFile=%D/ca.pem", MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), NULL, 0, 0, 0 },
    { "tlsAllowInvalidCertificates + tlsAllowInvalidHostnames", S_FOREIGN, NULL,
      CA "&tlsAllowInvalidCertificates=true&tlsAllowInvalidHostnames=true", MONGOURI_OK,
      MONGOURI_TLS_OK, 0, "tlsAllowInvalidCertificates", F_NO_RESPONDER, 0, 0 },
    { "wrong host + tlsAllowInvalidHostnames + tlsDisableOCSPEndpointCheck", S_WRONGHOST, NULL,
      CA "&tlsAllowInvalidHostnames=true&tlsDisableOCSPEndpointCheck=true", MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), "tlsAllowInvalidHostnames",
      F_NO_RESPONDER, 0, 0 },
    { "tlsAllowInvalidHostnames + tlsDisableCertificateRevocationCheck", S_REVOKED, NULL,
      CA "&tlsAllowInvalidHostnames=true&tlsDisableCertificateRevocationCheck=true",
      MONGOURI_OK, MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_NOT_CHECKED), NULL, F_NO_RESPONDER, 0,
      0 },

    /* OCSP integration matrix. */
    { "staple signed by the CA itself", S_GOOD_CA_SIGNED, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), "good per the stapled", F_NO_RESPONDER,
      0, 0 },
    { "RSA server, staple good", S_RSA, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_STAPLE), NULL, F_NO_RESPONDER, 0, 0 },
    { "staple revoked", S_REVOKED_STAPLE, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_REVOKED,
      REV(MONGOURI_TLS_REV_STAPLE), "keyCompromise", F_NO_RESPONDER, 0, 0 },
    { "no staple, responder good", S_NOSTAPLE, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_RESPONDER), "good per OCSP responder", F_RESPONDER, 0, 0 },
    { "no staple, responder revoked", S_REVOKED, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_REVOKED, REV(MONGOURI_TLS_REV_RESPONDER), "keyCompromise", F_RESPONDER, 0,
      0 },
    { "no staple, responder down: soft-fail", S_DOWN, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_SOFT_FAIL), "Connection refused", F_FAST, 0, 0 },
    { "no staple, responder hangs: soft-fail at the deadline", S_HANG, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_SOFT_FAIL), "no answer within 1000 ms", 0, 1000,
      0 },
    { "no staple, responder says unknown: soft-fail", S_UNKNOWN, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_SOFT_FAIL), "status unknown", F_RESPONDER, 0, 0 },
    { "staple unknown, responder unknown: soft-fail", S_UNKNOWN_STAPLE, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_SOFT_FAIL), "the staple says unknown",
      F_RESPONDER, 0, 0 },
    { "no staple, no responder listed: soft-fail", S_NOAIA, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_SOFT_FAIL), "names no OCSP responder",
      F_NO_RESPONDER, 0, 0 },
    { "responders in parallel: first conclusive answer wins", S_PARALLEL, NULL, CA,
      MONGOURI_E_TLS, MONGOURI_TLS_REVOKED, REV(MONGOURI_TLS_REV_RESPONDER), "keyCompromise",
      F_RESPONDER | F_FAST, 0, 0 },
    { "responder named by host name", S_BYNAME, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_REVOKED,
      REV(MONGOURI_TLS_REV_RESPONDER), "superseded", F_RESPONDER, 0, 0 },
    { "responder at an IPv6 address", S_V6RESPONDER, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_REVOKED, REV(MONGOURI_TLS_REV_RESPONDER), "cessationOfOperation",
      F_RESPONDER, 0, 0 },
    { "must-staple without staple", S_MUST_NOSTAPLE, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_MUST_STAPLE_MISSING, 0, "status_request", F_NO_RESPONDER, 0, 0 },
    { "must-staple with staple", S_MUST_STAPLE, NULL, CA, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_STAPLE), NULL, F_NO_RESPONDER, 0, 0 },
    { "must-staple without staple + tlsDisableOCSPEndpointCheck", S_MUST_NOSTAPLE, NULL,
      CA "&tlsDisableOCSPEndpointCheck=true", MONGOURI_E_TLS, MONGOURI_TLS_MUST_STAPLE_MISSING,
      0, NULL, F_NO_RESPONDER, 0, 0 },
    { "must-staple without staple + tlsDisableCertificateRevocationCheck", S_MUST_NOSTAPLE,
      NULL, CA "&tlsDisableCertificateRevocationCheck=true", MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_NOT_CHECKED), "revocation not checked", F_NO_RESPONDER, 0, 0 },
    { "must-staple without staple + tlsInsecure", S_MUST_NOSTAPLE, NULL, CA "&tlsInsecure=true",
      MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, F_NO_RESPONDER, 0, 0 },
    { "staple with a bad signature", S_BADSIG, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_OCSP_INVALID, REV(MONGOURI_TLS_REV_STAPLE), "signature", F_NO_RESPONDER, 0,
      0 },
    { "staple without nextUpdate, thisUpdate now", S_NONEXT_FRESH, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), "good per the stapled", F_NO_RESPONDER, 0,
      0 },
    { "staple without nextUpdate, thisUpdate 6 days ago", S_NONEXT_6D, NULL, CA, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_STAPLE), NULL, F_NO_RESPONDER, 0, 0 },
    { "staple without nextUpdate, thisUpdate 8 days ago (over 7 days)", S_NONEXT_8D, NULL, CA,
      MONGOURI_E_TLS, MONGOURI_TLS_OCSP_INVALID, REV(MONGOURI_TLS_REV_STAPLE),
      "nextUpdate none", F_NO_RESPONDER, 0, 0 },
    { "staple for another certificate", S_WRONGSTAPLE, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_OCSP_INVALID, 0, "does not cover", F_NO_RESPONDER, 0, 0 },
    { "bad staple + tlsDisableCertificateRevocationCheck", S_BADSIG, NULL,
      CA "&tlsDisableCertificateRevocationCheck=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "staple revoked + tlsInsecure", S_REVOKED_STAPLE, NULL, CA "&tlsInsecure=true",
      MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, F_NO_RESPONDER, 0, 0 },
    { "staple revoked + tlsAllowInvalidCertificates", S_REVOKED_STAPLE, NULL,
      CA "&tlsAllowInvalidCertificates=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "staple revoked + tlsAllowInvalidHostnames", S_REVOKED_STAPLE, NULL,
      CA "&tlsAllowInvalidHostnames=true", MONGOURI_E_TLS, MONGOURI_TLS_REVOKED, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "staple revoked + tlsDisableCertificateRevocationCheck", S_REVOKED_STAPLE, NULL,
      CA "&tlsDisableCertificateRevocationCheck=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "staple revoked + tlsDisableOCSPEndpointCheck (staple honoured)", S_REVOKED_STAPLE, NULL,
      CA "&tlsDisableOCSPEndpointCheck=true", MONGOURI_E_TLS, MONGOURI_TLS_REVOKED,
      REV(MONGOURI_TLS_REV_STAPLE), NULL, F_NO_RESPONDER, 0, 0 },
    { "no staple, revoked + tlsDisableOCSPEndpointCheck", S_REVOKED, NULL,
      CA "&tlsDisableOCSPEndpointCheck=true", MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_SOFT_FAIL), "responders not contacted", F_NO_RESPONDER, 0, 0 },
    { "no staple, revoked + tlsDisableCertificateRevocationCheck", S_REVOKED, NULL,
      CA "&tlsDisableCertificateRevocationCheck=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "no staple, revoked + tlsInsecure", S_REVOKED, NULL, CA "&tlsInsecure=true", MONGOURI_OK,
      MONGOURI_TLS_OK, 0, NULL, F_NO_RESPONDER, 0, 0 },
    { "no staple, revoked + tlsAllowInvalidCertificates", S_REVOKED, NULL,
      CA "&tlsAllowInvalidCertificates=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },

    /* CRL. */
    { "CRL: revoked leaf", S_REVOKED, NULL, CRL, MONGOURI_E_TLS, MONGOURI_TLS_REVOKED,
      REV(MONGOURI_TLS_REV_CRL), "revoked per tlsCRLFile (keyCompromise", F_NO_RESPONDER, 0,
      0 },
    { "CRL: good leaf", S_GOOD, NULL, CRL, MONGOURI_OK, MONGOURI_TLS_OK,
      REV(MONGOURI_TLS_REV_CRL), "not revoked per tlsCRLFile", F_NO_RESPONDER, 0, 0 },
    { "CRL in DER form: revoked leaf", S_REVOKED, NULL, CA "&tlsCRLFile=%D/ca.crl.der",
      MONGOURI_E_TLS, MONGOURI_TLS_REVOKED, REV(MONGOURI_TLS_REV_CRL), NULL, F_NO_RESPONDER, 0,
      0 },
    { "CRL of another CA", S_GOOD, NULL, CA "&tlsCRLFile=%D/other-ca.crl", MONGOURI_E_TLS,
      MONGOURI_TLS_HANDSHAKE_FAILED, 0, "has no CRL from the issuer", F_NO_RESPONDER, 0, 0 },
    { "CRL mode uses no OCSP (bad staple ignored)", S_BADSIG, NULL, CRL, MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_CRL), NULL, F_NO_RESPONDER, 0, 0 },
    { "CRL + wrong host + tlsAllowInvalidHostnames", S_WRONGHOST, NULL,
      CRL "&tlsAllowInvalidHostnames=true", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL,
      F_NO_RESPONDER, 0, 0 },
    { "CRL: expired server still expired", S_EXPIRED, NULL, CRL, MONGOURI_E_TLS,
      MONGOURI_TLS_EXPIRED, 0, NULL, 0, 0, 0 },

    /* Client certificates. */
    { "mTLS: unencrypted key", S_MTLS, NULL, CLIENT, MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, 0,
      0, 0 },
    { "mTLS: encrypted key, right password", S_MTLS, NULL,
      ENC "&tlsCertificateKeyFilePassword=hunter2", MONGOURI_OK, MONGOURI_TLS_OK, 0, NULL, 0, 0,
      0 },
    { "mTLS over TLS 1.2: right password", S_MTLS12, NULL,
      ENC "&tlsCertificateKeyFilePassword=hunter2", MONGOURI_OK, MONGOURI_TLS_OK, 0, "TLSv1.2",
      0, 0, 0 },
    { "mTLS: encrypted key, wrong password", S_MTLS, NULL,
      ENC "&tlsCertificateKeyFilePassword=wrongpass", MONGOURI_E_FILE,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "bad decrypt", F_NO_SECRET, 0, 0 },
    { "mTLS: encrypted key, no password (never prompts)", S_MTLS, NULL, ENC, MONGOURI_E_FILE,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "is encrypted", 0, 0, 0 },
    { "mTLS: no client certificate (TLS 1.3)", S_MTLS, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "requires a client certificate", 0, 0, 0 },
    { "mTLS: no client certificate (TLS 1.2)", S_MTLS12, NULL, CA, MONGOURI_E_TLS,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, NULL, 0, 0, 0 },
    { "mTLS: client certificate of another CA", S_MTLS, NULL,
      CA "&tlsCertificateKeyFile=%D/foreign-client-combined.pem", MONGOURI_E_TLS,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "rejected the client certificate", 0, 0, 0 },
    { "mTLS over TLS 1.2: client certificate of another CA", S_MTLS12, NULL,
      CA "&tlsCertificateKeyFile=%D/foreign-client-combined.pem", MONGOURI_E_TLS,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "rejected the client certificate", 0, 0, 0 },
    { "mTLS: expired client certificate", S_MTLS, NULL,
      CA "&tlsCertificateKeyFile=%D/client-expired-combined.pem", MONGOURI_E_FILE,
      MONGOURI_TLS_CLIENT_CERTIFICATE, 0, "expired", 0, 0, 0 },
    { "client certificate, server does not ask", S_GOOD, NULL, CLIENT, MONGOURI_OK,
      MONGOURI_TLS_OK, 0, NULL, 0, 0, 0 },
    { "mTLS + tlsInsecure", S_MTLS, NULL, CLIENT "&tlsInsecure=true", MONGOURI_OK,
      MONGOURI_TLS_OK, 0, "tlsInsecure", 0, 0, 0 },
    { "mTLS + CRL + tlsAllowInvalidHostnames", S_MTLS, NULL,
      CLIENT "&tlsCRLFile=%D/ca.crl&tlsAllowInvalidHostnames=true", MONGOURI_OK,
      MONGOURI_TLS_OK, REV(MONGOURI_TLS_REV_CRL), NULL, F_NO_RESPONDER, 0, 0 },

    /* Versions and transport. */
    { "TLS 1.1-only server", S_TLS11, NULL, CA, MONGOURI_E_TLS, MONGOURI_TLS_PROTOCOL_VERSION, 0,
      "TLSv1.1", 0, 0, 0 },
    { "TLS 1.1-only server + tlsInsecure (1.2 minimum stays)", S_TLS11, NULL,
      CA "&tlsInsecure=true", MONGOURI_E_TLS, MONGOURI_TLS_PROTOCOL_VERSION, 0, NULL, 0, 0, 0 },
    { "nothing listening", P_NOTHING, "127.0.0.1", CA, MONGOURI_E_TLS,
      MONGOURI_TLS_CONNECT_FAILED, 0, "Connection refused", 0, 0, 0 },
    { "server without TLS", P_NOTLS, "127.0.0.1", CA, MONGOURI_E_TLS,
      MONGOURI_TLS_HANDSHAKE_FAILED, 0, "no TLS answer", 0, 0, 1000 },
    { "tls=false: TCP only", S_GOOD, NULL, "tls=false", MONGOURI_OK, MONGOURI_TLS_OK, 0,
      "TLS is off", 0, 0, 0 },

    /* File checks, before any connection. */
    { "files: all good", P_NONE, NULL,
      CRL "&tlsCertificateKeyFile=%D/client-combined-enc.pem&tlsCertificateKeyFilePassword=hunter2",
      MONGOURI_OK, MONGOURI_D_NONE, 0, NULL, 0, 0, 0 },
    { "files: CA file missing", P_NONE, NULL, "tls=true&tlsCAFile=%D/nope.pem", MONGOURI_E_FILE,
      MONGOURI_D_FILE_MISSING, 0, "tlsCAFile: ", 0, 0, 0 },
    { "files: CA file is a directory", P_NONE, NULL, "tls=true&tlsCAFile=%D", MONGOURI_E_FILE,
      MONGOURI_D_FILE_UNREADABLE, 0, "is a directory", 0, 0, 0 },
    { "files: CA file without certificate", P_NONE, NULL, "tls=true&tlsCAFile=%D/garbage.pem",
      MONGOURI_E_FILE, MONGOURI_D_FILE_NO_CERTIFICATE, 0, NULL, 0, 0, 0 },
    { "files: CA file empty", P_NONE, NULL, "tls=true&tlsCAFile=%D/empty.pem", MONGOURI_E_FILE,
      MONGOURI_D_FILE_NO_CERTIFICATE, 0, NULL, 0, 0, 0 },
    { "files: key file missing", P_NONE, NULL, CA "&tlsCertificateKeyFile=%D/nope.pem",
      MONGOURI_E_FILE, MONGOURI_D_FILE_MISSING, 0, "tlsCertificateKeyFile", 0, 0, 0 },
    { "files: key file without key", P_NONE, NULL,
      CA "&tlsCertificateKeyFile=%D/client-certonly.pem", MONGOURI_E_FILE,
      MONGOURI_D_FILE_NO_KEY, 0, NULL, 0, 0, 0 },
    { "files: key file without certificate", P_NONE, NULL,
      CA "&tlsCertificateKeyFile=%D/client-keyonly.pem", MONGOURI_E_FILE,
      MONGOURI_D_FILE_NO_CERTIFICATE, 0, NULL, 0, 0, 0 },
    { "files: encrypted key without password", P_NONE, NULL, ENC, MONGOURI_E_FILE,
      MONGOURI_D_KEY_NEEDS_PASSWORD, 0, NULL, 0, 0, 0 },
    { "files: wrong password says bad decrypt", P_NONE, NULL,
      ENC "&tlsCertificateKeyFilePassword=wrongpass", MONGOURI_E_FILE,
      MONGOURI_D_KEY_BAD_PASSWORD, 0, "(bad decrypt)", F_NO_SECRET, 0, 0 },
    { "files: key does not match certificate", P_NONE, NULL,
      CA "&tlsCertificateKeyFile=%D/client-mismatch.pem", MONGOURI_E_FILE,
      MONGOURI_D_KEY_MISMATCH, 0, NULL, 0, 0, 0 },
    { "files: expired client certificate", P_NONE, NULL,
      CA "&tlsCertificateKeyFile=%D/client-expired-combined.pem", MONGOURI_E_FILE,
      MONGOURI_D_CERT_EXPIRED, 0, "expired on 2020-01-02", 0, 0, 0 },
    { "files: CRL file missing", P_NONE, NULL, CA "&tlsCRLFile=%D/nope.crl", MONGOURI_E_FILE,
      MONGOURI_D_FILE_MISSING, 0, "tlsCRLFile", 0, 0, 0 },
    { "files: CRL unparseable (bad PEM)", P_NONE, NULL, CA "&tlsCRLFile=%D/garbage.crl",
      MONGOURI_E_FILE, MONGOURI_D_CRL_UNPARSEABLE, 0, NULL, 0, 0, 0 },
    { "files: CRL unparseable (not DER)", P_NONE, NULL, CA "&tlsCRLFile=%D/garbage.pem",
      MONGOURI_E_FILE, MONGOURI_D_CRL_UNPARSEABLE, 0, NULL, 0, 0, 0 },
    { "files: CRL file holds a certificate", P_NONE, NULL, CA "&tlsCRLFile=%D/ca.pem",
      MONGOURI_E_FILE, MONGOURI_D_CRL_UNPARSEABLE, 0, NULL, 0, 0, 0 },
    { "files: CRL in DER form", P_NONE, NULL, CA "&tlsCRLFile=%D/ca.crl.der", MONGOURI_OK,
      MONGOURI_D_NONE, 0, NULL, 0, 0, 0 },
};

static int passed, failed;

static void result(bool ok, const char *name, long ms, const char *fmt, ...)
{
    va_list ap;

    if (ok) {
        passed++;
        printf("ok   %s (%ld ms)\n", name, ms);
        return;
    }
    failed++;
    printf("FAIL %s (%ld ms): ", name, ms);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static mongouri_uri *parse(const char *host, int port, const char *options)
{
    char opts[2048], text[4096];
    mongouri_uri *uri = NULL;
    mongouri_error err;
    bool v6 = strchr(host, ':') != NULL && host[0] != '[';

    expand(opts, sizeof opts, options);
    snprintf(text, sizeof text, "mongodb://%s%s%s:%d/?%s", v6 ? "[" : "", host, v6 ? "]" : "",
             port > 0 ? port : 27017, opts);
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK) {
        printf("     cannot parse %s: %s\n", text, err.message);
        return NULL;
    }
    return uri;
}

static void run_scenario(const scenario *s)
{
    const char *host = s->host != NULL ? s->host : "localhost";
    mongouri_tls_report rep;
    mongouri_error err;
    mongouri_uri *uri;
    int port = 0, before, after, got;
    long t0 = th_now_ms(), ms;
    mongouri_status st;
    const char *text;
    char why[1400] = "";

    th_set_current(s->name);
    alarm(SCENARIO_ALARM_S);
    if (s->server < S__SERVERS) {
        port = server_start(s->server);
        if (port < 0) {
            result(false, s->name, 0, "server did not start");
            return;
        }
    } else if (s->server == P_NOTHING) {
        port = down_port;
    } else if (s->server == P_NOTLS) {
        port = hang_port;
    }
    uri = parse(host, port, s->options);
    if (uri == NULL) {
        result(false, s->name, 0, "URI rejected");
        return;
    }
    before = responder_requests();
    t0 = th_now_ms();
    memset(&err, 0, sizeof err);
    memset(&rep, 0xA5, sizeof rep); /* the library fills all of it, report_version included */
    if (s->server == P_NONE) {
        st = mongouri_tls_check_files(mongouri_uri_tls(uri), &err);
        got = err.code;
        text = err.message;
    } else if (s->ocsp_timeout_ms > 0) {
        mongouri_tls_options o = MONGOURI_TLS_OPTIONS_INIT;

        o.ocsp_timeout_ms = s->ocsp_timeout_ms;
        st = mongouri_tls_probe_settings(mongouri_uri_tls(uri), &o, host, (uint16_t)port,
                                         s->timeout_ms > 0 ? s->timeout_ms : 10000, &rep, &err);
        got = rep.category;
        text = rep.detail;
    } else {
        st = mongouri_tls_probe(uri, host, (uint16_t)port,
                                s->timeout_ms > 0 ? s->timeout_ms : 10000, &rep, &err);
        got = rep.category;
        text = rep.detail;
    }
    ms = th_now_ms() - t0;
    after = responder_requests();
    alarm(0);

    if ((int)st != s->status)
        snprintf(why, sizeof why, "status %s, expected %s", mongouri_strerror(st),
                 mongouri_strerror((mongouri_status)s->status));
    else if (got != s->expect)
        snprintf(why, sizeof why, "got %s, expected %s",
                 s->server == P_NONE ? mongouri_diag_name((mongouri_diag)got)
                                     : mongouri_tls_category_name((mongouri_tls_category)got),
                 s->server == P_NONE ? mongouri_diag_name((mongouri_diag)s->expect)
                                     : mongouri_tls_category_name(
                                           (mongouri_tls_category)s->expect));
    else if (s->has != NULL && strstr(text, s->has) == NULL)
        snprintf(why, sizeof why, "text lacks \"%s\"", s->has);
    else if (s->server != P_NONE && rep.report_version != MONGOURI_TLS_REPORT_VERSION)
        snprintf(why, sizeof why, "report version %u, expected %u", rep.report_version,
                 MONGOURI_TLS_REPORT_VERSION);
    else if (s->rev != 0 && s->server != P_NONE && (int)rep.revocation_source != s->rev - 1)
        snprintf(why, sizeof why, "revocation source %s, expected %s",
                 mongouri_tls_revocation_source_name(rep.revocation_source),
                 mongouri_tls_revocation_source_name(
                     (mongouri_tls_revocation_source)(s->rev - 1)));
    else if ((s->flags & F_NO_RESPONDER) != 0 && after != before)
        snprintf(why, sizeof why, "an OCSP responder was contacted");
    else if ((s->flags & F_RESPONDER) != 0 && after == before)
        snprintf(why, sizeof why, "the OCSP responder was not contacted");
    else if ((s->flags & F_FAST) != 0 && ms > 2000)
        snprintf(why, sizeof why, "took %ld ms", ms);
    else if ((s->flags & F_NO_SECRET) != 0 &&
             (strstr(text, "wrongpass") != NULL || strstr(err.message, "wrongpass") != NULL ||
              strstr(err.hint, "wrongpass") != NULL || strstr(text, "PEM lib") != NULL))
        snprintf(why, sizeof why, "the message shows the password or \"PEM lib\"");
    else if (s->ocsp_timeout_ms > 0 && (ms < s->ocsp_timeout_ms - 50 ||
                                        ms > s->ocsp_timeout_ms + 1500))
        snprintf(why, sizeof why, "took %ld ms with a %d ms OCSP deadline", ms,
                 s->ocsp_timeout_ms);
    if (why[0] != '\0')
        result(false, s->name, ms, "%s\n     detail: %s\n     hint: %s", why, text,
               s->server == P_NONE ? err.hint : rep.hint);
    else
        result(true, s->name, ms, "%s", "");
    if (getenv("TLS_MATRIX_VERBOSE") != NULL)
        printf("     [%s] %s\n     hint: %s\n",
               s->server == P_NONE ? mongouri_diag_name(err.code)
                                   : mongouri_tls_category_name(rep.category),
               text, s->server == P_NONE ? err.hint : rep.hint);
    mongouri_uri_destroy(uri);
    th_set_current(NULL);
}

/* ------------------------------------------------------------------------ */
/* Scenarios through the context API: cache, misuse                          */
/* ------------------------------------------------------------------------ */

/* One blocking handshake with `ctx`, the way a driver does it. */
static mongouri_tls_category handshake_with(SSL_CTX *ctx, int port, mongouri_tls_report *rep)
{
    int fd = th_connect(AF_INET, port), ret;
    SSL *ssl;
    mongouri_tls_category cat;

    if (fd < 0) {
        memset(rep, 0, sizeof *rep);
        return rep->category = MONGOURI_TLS_CONNECT_FAILED;
    }
    ssl = SSL_new(ctx);
    if (ssl == NULL || mongouri_tls_ssl_prepare(ssl, "localhost", NULL) != MONGOURI_OK ||
        !SSL_set_fd(ssl, fd)) {
        SSL_free(ssl);
        close(fd);
        memset(rep, 0, sizeof *rep);
        return rep->category = MONGOURI_TLS_HANDSHAKE_FAILED;
    }
    ERR_clear_error();
    ret = SSL_connect(ssl);
    cat = mongouri_tls_diagnose(ssl, ret, rep);
    if (ret == 1)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    ERR_clear_error();
    return cat;
}

static void cache_scenario(const char *name, int server, mongouri_tls_category expect)
{
    mongouri_uri *uri;
    SSL_CTX *ctx = NULL, *ctx2 = NULL;
    mongouri_tls_report r1, r2, r3;
    mongouri_error err;
    int port = server_start(server), n0, n1, n2, n3;
    long t0 = th_now_ms();
    char why[512] = "";

    uri = port < 0 ? NULL : parse("localhost", port, CA);
    if (uri == NULL ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, &err) != MONGOURI_OK ||
        mongouri_tls_ctx_new(&ctx2, mongouri_uri_tls(uri), NULL, &err) != MONGOURI_OK) {
        result(false, name, 0, "set-up failed");
        goto out;
    }
    n0 = responder_requests();
    handshake_with(ctx, port, &r1);
    n1 = responder_requests();
    handshake_with(ctx, port, &r2);
    n2 = responder_requests();
    handshake_with(ctx2, port, &r3);
    n3 = responder_requests();
    if (r1.category != expect || r2.category != expect || r3.category != expect)
        snprintf(why, sizeof why, "categories %s/%s/%s, expected %s",
                 mongouri_tls_category_name(r1.category), mongouri_tls_category_name(r2.category),
                 mongouri_tls_category_name(r3.category), mongouri_tls_category_name(expect));
    else if (n1 - n0 != 1 || n2 != n1 || n3 - n2 != 1)
        snprintf(why, sizeof why, "responder asked %d, %d, %d times (expected 1, 0, 1)",
                 n1 - n0, n2 - n1, n3 - n2);
    else if (r1.revocation_source != MONGOURI_TLS_REV_RESPONDER ||
             r2.revocation_source != MONGOURI_TLS_REV_CACHE)
        snprintf(why, sizeof why, "sources %s then %s",
                 mongouri_tls_revocation_source_name(r1.revocation_source),
                 mongouri_tls_revocation_source_name(r2.revocation_source));
    result(why[0] == '\0', name, th_now_ms() - t0, "%s (%s)", why, r2.detail);
out:
    SSL_CTX_free(ctx);
    SSL_CTX_free(ctx2);
    mongouri_uri_destroy(uri);
}

/* A cache of one entry forgets the first server when a second one is checked. */
static void cache_bound_scenario(void)
{
    const char *name = "cache: bounded (size 1 evicts, default keeps)";
    mongouri_tls_options one = MONGOURI_TLS_OPTIONS_INIT;
    mongouri_uri *uri;
    SSL_CTX *small = NULL, *big = NULL;
    mongouri_tls_report r;
    int good = server_start(S_NOSTAPLE), revoked = server_start(S_REVOKED);
    int asked[6], i, n;
    long t0 = th_now_ms();

    one.ocsp_cache_size = 1;
    uri = good < 0 || revoked < 0 ? NULL : parse("localhost", good, CA);
    if (uri == NULL ||
        mongouri_tls_ctx_new(&small, mongouri_uri_tls(uri), &one, NULL) != MONGOURI_OK ||
        mongouri_tls_ctx_new(&big, mongouri_uri_tls(uri), NULL, NULL) != MONGOURI_OK) {
        result(false, name, 0, "set-up failed");
        goto out;
    }
    for (i = 0; i < 6; i++) {
        n = responder_requests();
        handshake_with(i < 3 ? small : big, i % 2 == 0 ? good : revoked, &r);
        asked[i] = responder_requests() - n;
    }
    result(asked[0] == 1 && asked[1] == 1 && asked[2] == 1 && asked[3] == 1 && asked[4] == 1 &&
               asked[5] == 0,
           name, th_now_ms() - t0, "responder asked %d %d %d / %d %d %d (expected 1 1 1 / 1 1 0)",
           asked[0], asked[1], asked[2], asked[3], asked[4], asked[5]);
out:
    SSL_CTX_free(small);
    SSL_CTX_free(big);
    mongouri_uri_destroy(uri);
}

/* An answer is reused until its nextUpdate, then asked for again. */
static void cache_expiry_scenario(void)
{
    const char *name = "cache: entry expires at nextUpdate";
    mongouri_uri *uri;
    SSL_CTX *ctx = NULL;
    mongouri_tls_report r1, r2, r3;
    int port = server_start(S_SHORT), n0, n1, n2, n3;
    long t0 = th_now_ms();

    uri = port < 0 ? NULL : parse("localhost", port, CA);
    if (uri == NULL ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, NULL) != MONGOURI_OK) {
        result(false, name, 0, "set-up failed");
        goto out;
    }
    n0 = responder_requests();
    handshake_with(ctx, port, &r1);
    n1 = responder_requests();
    handshake_with(ctx, port, &r2);
    n2 = responder_requests();
    th_sleep_ms(atol(SHORT_NEXT_UPDATE_S) * 1000 + 100);
    handshake_with(ctx, port, &r3);
    n3 = responder_requests();
    result(r1.category == MONGOURI_TLS_OK && r2.category == MONGOURI_TLS_OK &&
               r3.category == MONGOURI_TLS_OK && n1 - n0 == 1 && n2 == n1 && n3 - n2 == 1 &&
               r2.revocation_source == MONGOURI_TLS_REV_CACHE &&
               r3.revocation_source == MONGOURI_TLS_REV_RESPONDER,
           name, th_now_ms() - t0, "asked %d, %d, %d times; sources %s, %s, %s", n1 - n0, n2 - n1,
           n3 - n2, mongouri_tls_revocation_source_name(r1.revocation_source),
           mongouri_tls_revocation_source_name(r2.revocation_source),
           mongouri_tls_revocation_source_name(r3.revocation_source));
out:
    SSL_CTX_free(ctx);
    mongouri_uri_destroy(uri);
}

/*
 * A verified revocation replaces a cached good answer even when the good one
 * stays valid longer: good staple (days), revoked staple (an hour), then no
 * staple; responders are off (tlsDisableOCSPEndpointCheck), so the third
 * handshake can only learn from the cache.
 */
static void cache_revocation_scenario(void)
{
    const char *name = "cache: a revoked staple replaces a longer-lived good answer";
    mongouri_uri *uri;
    SSL_CTX *ctx = NULL;
    mongouri_tls_report r1, r2, r3;
    int good = server_start(S_CACHE_GOOD), revoked = server_start(S_CACHE_REVOKED);
    int none = server_start(S_NOSTAPLE), n0;
    long t0 = th_now_ms();
    char why[512] = "";

    uri = good < 0 || revoked < 0 || none < 0
              ? NULL
              : parse("localhost", good, CA "&tlsDisableOCSPEndpointCheck=true");
    if (uri == NULL ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, NULL) != MONGOURI_OK) {
        result(false, name, 0, "set-up failed");
        goto out;
    }
    n0 = responder_requests();
    handshake_with(ctx, good, &r1);
    handshake_with(ctx, revoked, &r2);
    handshake_with(ctx, none, &r3);
    if (r1.category != MONGOURI_TLS_OK || r2.category != MONGOURI_TLS_REVOKED ||
        r3.category != MONGOURI_TLS_REVOKED)
        snprintf(why, sizeof why, "categories %s/%s/%s, expected ok/revoked/revoked",
                 mongouri_tls_category_name(r1.category), mongouri_tls_category_name(r2.category),
                 mongouri_tls_category_name(r3.category));
    else if (r1.revocation_source != MONGOURI_TLS_REV_STAPLE ||
             r2.revocation_source != MONGOURI_TLS_REV_STAPLE ||
             r3.revocation_source != MONGOURI_TLS_REV_CACHE)
        snprintf(why, sizeof why, "sources %s/%s/%s, expected staple/staple/cache",
                 mongouri_tls_revocation_source_name(r1.revocation_source),
                 mongouri_tls_revocation_source_name(r2.revocation_source),
                 mongouri_tls_revocation_source_name(r3.revocation_source));
    else if (responder_requests() != n0)
        snprintf(why, sizeof why, "an OCSP responder was contacted");
    result(why[0] == '\0', name, th_now_ms() - t0, "%s (%s)", why, r3.revocation_detail);
out:
    SSL_CTX_free(ctx);
    mongouri_uri_destroy(uri);
}

/* prepare refuses host names that would check nothing or another name. */
static void prepare_host_scenarios(void)
{
    static const struct {
        const char *label;
        size_t len; /* 0: `host` as is; else that many letters */
        const char *host;
        mongouri_status want;
    } cases[] = {
        { "empty", 0, "", MONGOURI_E_INVALID_ARG },
        { "\"[]\"", 0, "[]", MONGOURI_E_INVALID_ARG },
        { "256 bytes", 256, NULL, MONGOURI_E_INVALID_ARG },
        { "300 bytes", 300, NULL, MONGOURI_E_INVALID_ARG },
        { "255 bytes", 255, NULL, MONGOURI_OK },
        { "\"localhost\"", 0, "localhost", MONGOURI_OK },
        { "\"[::1]\"", 0, "[::1]", MONGOURI_OK },
    };
    mongouri_uri *uri = parse("localhost", 0, CA);
    SSL_CTX *ctx = NULL;
    mongouri_tls_report rep;
    mongouri_error err;
    char name[160], long_host[301];
    size_t i;
    int port;

    if (uri == NULL ||
        mongouri_tls_ctx_new(&ctx, mongouri_uri_tls(uri), NULL, NULL) != MONGOURI_OK) {
        result(false, "prepare: host names", 0, "set-up failed");
        goto out;
    }
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SSL *ssl = SSL_new(ctx);
        const char *host = cases[i].host;
        mongouri_status st;

        if (cases[i].len > 0) {
            memset(long_host, 'a', cases[i].len);
            long_host[cases[i].len] = '\0';
            host = long_host;
        }
        memset(&err, 0, sizeof err);
        st = ssl == NULL ? MONGOURI_E_NOMEM : mongouri_tls_ssl_prepare(ssl, host, &err);
        snprintf(name, sizeof name, "prepare: host %s %s", cases[i].label,
                 cases[i].want == MONGOURI_OK ? "accepted" : "refused");
        result(st == cases[i].want &&
                   (st == MONGOURI_OK || strstr(err.message, "host name") != NULL),
               name, 0, "status %s (%s), expected %s", mongouri_strerror(st), err.message,
               mongouri_strerror(cases[i].want));
        SSL_free(ssl);
    }
    /* The same context still completes a checked handshake after the refusals. */
    port = server_start(S_GOOD);
    result(port > 0 && handshake_with(ctx, port, &rep) == MONGOURI_TLS_OK,
           "prepare: refusals leave the context usable", 0, "%s",
           port > 0 ? mongouri_tls_category_name(rep.category) : "server did not start");
out:
    SSL_CTX_free(ctx);
    mongouri_uri_destroy(uri);
}

static void misuse_scenarios(void)
{
    SSL_CTX *plain = SSL_CTX_new(TLS_client_method());
    SSL *ssl = plain == NULL ? NULL : SSL_new(plain);
    mongouri_error err;
    mongouri_tls_report rep;
    mongouri_tls_options o;
    mongouri_status st;

    st = mongouri_tls_ssl_prepare(ssl, "localhost", &err);
    result(st == MONGOURI_E_INVALID_ARG, "prepare refuses an SSL of a foreign context", 0,
           "status %s", mongouri_strerror(st));
    memset(&rep, 0xA5, sizeof rep);
    st = mongouri_tls_probe(NULL, "localhost", 1, 100, &rep, &err);
    result(st == MONGOURI_E_INVALID_ARG, "probe refuses a NULL URI", 0, "status %s",
           mongouri_strerror(st));
    result(rep.report_version == MONGOURI_TLS_REPORT_VERSION, "probe sets the report version", 0,
           "report_version %u", rep.report_version);
    memset(&rep, 0xA5, sizeof rep);
    mongouri_tls_diagnose(NULL, -1, &rep);
    result(rep.report_version == MONGOURI_TLS_REPORT_VERSION, "diagnose sets the report version",
           0, "report_version %u", rep.report_version);
    memset(&rep, 0xA5, sizeof rep);
    mongouri_tls_diagnose(ssl, -1, &rep);
    result(rep.report_version == MONGOURI_TLS_REPORT_VERSION &&
               rep.category == MONGOURI_TLS_HANDSHAKE_FAILED,
           "diagnose of a foreign SSL sets the report version", 0,
           "report_version %u, category %s", rep.report_version,
           mongouri_tls_category_name(rep.category));
    st = mongouri_tls_options_init(&o, 2);
    result(st == MONGOURI_E_INVALID_ARG && mongouri_tls_options_init(&o, 1) == MONGOURI_OK &&
               o.ocsp_timeout_ms == 0,
           "options versions", 0, "status %s", mongouri_strerror(st));
    result(strcmp(mongouri_tls_category_name(MONGOURI_TLS_MUST_STAPLE_MISSING),
                  "must-staple-missing") == 0 &&
               strcmp(mongouri_tls_category_name(MONGOURI_TLS__CATEGORIES), "unknown") == 0,
           "category names", 0, "%s", "wrong name");
    SSL_free(ssl);
    SSL_CTX_free(plain);
}

/* ------------------------------------------------------------------------ */
/* Benchmark: how long a handshake takes when the responders are unhelpful   */
/* ------------------------------------------------------------------------ */

static void bench_one(const char *label, int server, int ocsp_timeout_ms, long max_ms,
                      mongouri_tls_category expect)
{
    mongouri_tls_report rep;
    mongouri_error err;
    mongouri_uri *uri;
    mongouri_tls_options o = MONGOURI_TLS_OPTIONS_INIT;
    int port = server_start(server);
    long t0, ms;

    uri = port < 0 ? NULL : parse("localhost", port, CA);
    if (uri == NULL) {
        result(false, label, 0, "set-up failed");
        return;
    }
    o.ocsp_timeout_ms = ocsp_timeout_ms;
    alarm(SCENARIO_ALARM_S);
    t0 = th_now_ms();
    mongouri_tls_probe_settings(mongouri_uri_tls(uri), ocsp_timeout_ms > 0 ? &o : NULL,
                                "localhost", (uint16_t)port, 30000, &rep, &err);
    ms = th_now_ms() - t0;
    alarm(0);
    printf("bench %-44s %6ld ms  (OCSP deadline %d ms; %s; %s)\n", label, ms,
           ocsp_timeout_ms > 0 ? ocsp_timeout_ms : MONGOURI_TLS_OCSP_TIMEOUT_MS_DEFAULT,
           mongouri_tls_category_name(rep.category), rep.revocation_detail);
    result(rep.category == expect && ms <= max_ms, label, ms, "expected %s within %ld ms, got %s",
           mongouri_tls_category_name(expect), max_ms, mongouri_tls_category_name(rep.category));
    mongouri_uri_destroy(uri);
}

static void run_bench(void)
{
    bench_one("responder down (connection refused)", S_DOWN, 0, 1000, MONGOURI_TLS_OK);
    bench_one("responder hangs, default deadline", S_HANG, 0,
              MONGOURI_TLS_OCSP_TIMEOUT_MS_DEFAULT + 750, MONGOURI_TLS_OK);
    bench_one("responder hangs, 1500 ms deadline", S_HANG, 1500, 1500 + 750, MONGOURI_TLS_OK);
    bench_one("hanging + refused + good responders (parallel)", S_PARALLEL, 0, 1000,
              MONGOURI_TLS_REVOKED);
}

/* ------------------------------------------------------------------------ */

/*
 * Good staples for server.pem without nextUpdate whose thisUpdate lies 6 and
 * 8 days back (openssl ocsp always puts "now"): our responder signs them.
 */
static int make_old_staples(const char *responder, const char *log)
{
    static const struct { const char *age, *file; } staples[] = {
        { "518400", "staple-nonext-6d.der" },
        { "691200", "staple-nonext-8d.der" },
    };
    char req[300], out[300];
    size_t i;

    snprintf(req, sizeof req, "%s/server-ocsp.req", tmpdir);
    for (i = 0; i < sizeof staples / sizeof staples[0]; i++) {
        char *argv[] = { (char *)responder, "--request", req, "--out", out,
                         "--dir", tmpdir, "--next-update", "none", "--this-update-age",
                         (char *)staples[i].age, NULL };

        snprintf(out, sizeof out, "%s/%s", tmpdir, staples[i].file);
        if (th_run_wait(argv, log) != 0)
            return -1;
    }
    return 0;
}

static void print_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];

    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        fputs(line, stderr);
    if (f != NULL)
        fclose(f);
}

static void remove_tree(void)
{
    char *argv[] = { "rm", "-rf", tmpdir, NULL };

    if (tmpdir[0] != '\0' && getenv("TLS_MATRIX_KEEP") == NULL)
        th_run_wait(argv, "/dev/null");
}

int main(int argc, char **argv)
{
    const char *pki = NULL, *responder = NULL, *filter = NULL;
    bool bench = false;
    char pki_log[300], gp[16], hp[16], dp[16], sp[16], vp[16];
    size_t i;
    int a;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--pki") == 0 && a + 1 < argc)
            pki = argv[++a];
        else if (strcmp(argv[a], "--responder") == 0 && a + 1 < argc)
            responder = argv[++a];
        else if (strcmp(argv[a], "--bench") == 0)
            bench = true;
        else
            filter = argv[a];
    }
    if (pki == NULL || responder == NULL) {
        fprintf(stderr, "usage: tls-matrix --pki PKI_SCRIPT --responder BIN [--bench] [FILTER]\n");
        return 2;
    }
    /* No controlling terminal: a prompt could never be answered, so it must not happen. */
    setsid();
    th_install_signals();

    snprintf(tmpdir, sizeof tmpdir, "%s/mongouri-tls-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("tls-matrix: mkdtemp");
        return 1;
    }
    snprintf(responder_log, sizeof responder_log, "%s/responder.log", tmpdir);
    alarm(SCENARIO_ALARM_S);
    good_port = start_responder(responder, "answer", "good", "86400", false);
    hang_port = start_responder(responder, "hang", "hang", "86400", false);
    short_port = start_responder(responder, "answer", "short", SHORT_NEXT_UPDATE_S, false);
    v6_port = start_responder(responder, "answer", "v6", "86400", true);
    down_port = th_free_port(AF_INET);
    snprintf(gp, sizeof gp, "%d", good_port);
    snprintf(hp, sizeof hp, "%d", hang_port);
    snprintf(dp, sizeof dp, "%d", down_port);
    snprintf(sp, sizeof sp, "%d", short_port);
    snprintf(vp, sizeof vp, "%d", v6_port);
    snprintf(pki_log, sizeof pki_log, "%s/pki.log", tmpdir);
    {
        char *pargv[] = { "bash", (char *)pki, tmpdir, gp, hp, dp, sp, vp, NULL };

        if (good_port < 0 || hang_port < 0 || down_port < 0 || short_port < 0 || v6_port < 0 ||
            th_run_wait(pargv, pki_log) != 0 ||
            make_old_staples(responder, pki_log) != 0) {
            fprintf(stderr, "tls-matrix: set-up failed (responders %d %d %d %d)\n", good_port,
                    hang_port, short_port, v6_port);
            print_file(pki_log);
            th_stop_all();
            remove_tree();
            printf("0 passed, 1 failed\n");
            return 1;
        }
    }
    alarm(0);
    printf("PKI in %s; OCSP responder 127.0.0.1:%d, hanging responder 127.0.0.1:%d, "
           "nothing on %d\n",
           tmpdir, good_port, hang_port, down_port);

    if (bench) {
        run_bench();
    } else {
        for (i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
            if (filter == NULL || strstr(matrix[i].name, filter) != NULL)
                run_scenario(&matrix[i]);
        if (filter == NULL || strstr("cache", filter) != NULL) {
            alarm(SCENARIO_ALARM_S);
            cache_scenario("cache: good answer reused by the same context", S_NOSTAPLE,
                           MONGOURI_TLS_OK);
            cache_scenario("cache: revoked answer reused by the same context", S_REVOKED,
                           MONGOURI_TLS_REVOKED);
            cache_bound_scenario();
            cache_expiry_scenario();
            cache_revocation_scenario();
            misuse_scenarios();
            prepare_host_scenarios();
            alarm(0);
        }
    }
    th_stop_all();
    remove_tree();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
