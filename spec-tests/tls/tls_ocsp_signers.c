/*
 * The OCSP signer matrix: real handshakes on loopback against
 * `openssl s_server`, with PKIs generated at test time (pki_signers.sh)
 * and our loopback-only responder (ocsp_responder.c).
 *
 *   tls-ocsp-signers --pki PKI_SCRIPT --responder RESPONDER_BIN [FILTER]
 *
 * Every signer variant of RFC 6960 4.2.2.2 and its near misses, for a
 * leaf issued by the root and by an intermediate, x {stapled, from the
 * responder} x {ECDSA, RSA hierarchy} x {good, revoked}. Each scenario
 * asserts the exact category and the revocation source: an authorized
 * signer's answer is honoured (ok / revoked, from the staple or the
 * responder), an unauthorized one is refused (a staple: ocsp-invalid; a
 * responder's answer: soft-fail, the reason named). Then a silent
 * responder under a short connect deadline: the handshake keeps its share
 * and soft-fails, the responder named. Last line: "N passed, N failed".
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mongouri/mongouri.h"
#include "mongouri/openssl.h"
#include "tls_harness.h"

#define SCENARIO_ALARM_S 60

typedef struct variant {
    const char *name;
    const char *issuer; /* of the server certificate: root or int */
    const char *signer; /* of the OCSP responses */
    bool certs;         /* the signer's certificate is in the response */
    bool by_key;        /* responder ID by key hash (else by name) */
    bool authorized;    /* RFC 6960 4.2.2.2 allows this signer */
    const char *label;
} variant;

static const variant variants[] = {
    { "ca", "root", "root", true, false, true, "issuing CA, its certificate in the response" },
    { "ca-nocerts", "root", "root", false, false, true,
      "issuing CA, no certificate in the response" },
    { "del", "root", "del", true, false, true,
      "delegate with id-kp-OCSPSigning, with its certificate" },
    { "del-nocerts", "root", "del", false, false, false, "delegate without its certificate" },
    { "noeku", "root", "noeku", true, false, false, "delegate lacking id-kp-OCSPSigning" },
    { "odel", "root", "odel", true, false, false, "delegate issued by another (trusted) CA" },
    { "other", "root", "other", true, false, false, "another trusted CA itself" },
    { "ca-nocerts-bykey", "root", "root", false, true, true,
      "issuing CA, no certificate, responder ID by key hash" },
    { "del-bykey", "root", "del", true, true, true,
      "delegate with its certificate, responder ID by key hash" },
    { "other-nocerts-bykey", "root", "other", false, true, false,
      "another trusted CA, no certificate, responder ID by key hash" },
    { "int", "int", "int", true, false, true,
      "issuing intermediate, its certificate in the response" },
    { "int-nocerts", "int", "int", false, false, true, "issuing intermediate, no certificate" },
    { "intdel", "int", "intdel", true, false, true, "delegate of the issuing intermediate" },
    { "root", "int", "root", true, false, false, "the root, for a leaf of the intermediate" },
    { "root-nocerts", "int", "root", false, false, false,
      "the root without certificate, for a leaf of the intermediate" },
    { "rootdel", "int", "del", true, false, false,
      "a delegate of the root, for a leaf of the intermediate" },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

static const char *const keys[] = { "ec", "rsa" };

static char tmpdir[256];
static const char *responder_bin;
static int passed, failed;
static int hang_port;

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

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    int n = 0, c;

    if (f == NULL)
        return 0;
    while ((c = fgetc(f)) != EOF)
        if (c == '\n')
            n++;
    fclose(f);
    return n;
}

/* Start one responder; its port is written to `port_file`. */
static pid_t start_responder(const char *mode, const char *rdir, const char *port_file,
                             const char *log, bool no_certs, bool by_key)
{
    char out[400];
    char *argv[16];
    int n = 0;

    snprintf(out, sizeof out, "%s.out", port_file);
    argv[n++] = (char *)responder_bin;
    argv[n++] = "--port-file";
    argv[n++] = (char *)port_file;
    argv[n++] = "--mode";
    argv[n++] = (char *)mode;
    argv[n++] = "--dir";
    argv[n++] = (char *)rdir;
    argv[n++] = "--log";
    argv[n++] = (char *)log;
    if (no_certs)
        argv[n++] = "--no-certs";
    if (by_key)
        argv[n++] = "--by-key";
    argv[n] = NULL;
    return th_spawn(argv, out);
}

/* An s_server for `cert` (key DIR/K/leaf.key); its port, or -1. */
static int start_server(const char *k, const char *cert, bool chain, const char *staple,
                        bool tls12, pid_t *pid_out)
{
    int attempt;

    for (attempt = 0; attempt < 3; attempt++) {
        char accept_arg[64], certp[400], keyp[400], chainp[400], staplep[400], log[400];
        char *argv[24];
        int n = 0, port = th_free_port(AF_INET);
        long until;
        pid_t pid;

        if (port < 0)
            return -1;
        snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%d", port);
        snprintf(certp, sizeof certp, "%s/%s/%s.pem", tmpdir, k, cert);
        snprintf(keyp, sizeof keyp, "%s/%s/leaf.key", tmpdir, k);
        snprintf(chainp, sizeof chainp, "%s/%s/int.pem", tmpdir, k);
        snprintf(log, sizeof log, "%s/server.out", tmpdir);
        argv[n++] = "openssl";
        argv[n++] = "s_server";
        argv[n++] = "-quiet";
        argv[n++] = "-accept";
        argv[n++] = accept_arg;
        argv[n++] = "-cert";
        argv[n++] = certp;
        argv[n++] = "-key";
        argv[n++] = keyp;
        if (chain) {
            argv[n++] = "-cert_chain";
            argv[n++] = chainp;
        }
        if (staple != NULL) {
            snprintf(staplep, sizeof staplep, "%s/%s/%s", tmpdir, k, staple);
            argv[n++] = "-status_file";
            argv[n++] = staplep;
        }
        if (tls12)
            argv[n++] = "-tls1_2";
        argv[n] = NULL;
        pid = th_spawn(argv, log);
        if (pid < 0)
            return -1;
        until = th_now_ms() + 5000;
        while (th_now_ms() < until) {
            int fd = th_connect(AF_INET, port);

            if (fd >= 0) {
                close(fd);
                *pid_out = pid;
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
    fprintf(stderr, "tls-ocsp-signers: cannot start a server for %s/%s\n", k, cert);
    return -1;
}

static mongouri_uri *parse(int port, const char *k)
{
    char text[1024];
    mongouri_uri *uri = NULL;
    mongouri_error err;

    snprintf(text, sizeof text, "mongodb://localhost:%d/?tls=true&tlsCAFile=%s/%s/trust.pem",
             port, tmpdir, k);
    if (mongouri_uri_parse(&uri, text, NULL, &err) != MONGOURI_OK) {
        printf("     cannot parse %s: %s\n", text, err.message);
        return NULL;
    }
    return uri;
}

/* `text` in the report's detail or revocation detail. */
static bool has(const mongouri_tls_report *rep, const char *text)
{
    return strstr(rep->detail, text) != NULL || strstr(rep->revocation_detail, text) != NULL;
}

static void signer_scenario(const char *k, const variant *v, bool staple, bool revoked)
{
    char name[300], cert[64], staple_file[96], log[400], why[1200] = "";
    mongouri_tls_report rep;
    mongouri_error err;
    mongouri_uri *uri;
    mongouri_tls_category want_cat;
    mongouri_tls_revocation_source want_src;
    mongouri_status st;
    pid_t pid = -1;
    int port, before, after;
    long t0;

    snprintf(name, sizeof name, "%s, %s, %s %s: %s", k, staple ? "staple" : "responder",
             revoked ? "revoked" : "good", v->name, v->label);
    th_set_current(name);
    alarm(SCENARIO_ALARM_S);
    snprintf(cert, sizeof cert, "%s-%s", revoked ? "revoked" : "good", v->name);
    snprintf(staple_file, sizeof staple_file, "staple-%s-%s.der", v->name,
             revoked ? "revoked" : "good");
    snprintf(log, sizeof log, "%s/%s/resp-%s/log", tmpdir, k, v->name);
    port = start_server(k, cert, strcmp(v->issuer, "int") == 0, staple ? staple_file : NULL,
                        false, &pid);
    uri = port < 0 ? NULL : parse(port, k);
    if (uri == NULL) {
        result(false, name, 0, "set-up failed");
        goto out;
    }
    if (v->authorized) {
        want_cat = revoked ? MONGOURI_TLS_REVOKED : MONGOURI_TLS_OK;
        want_src = staple ? MONGOURI_TLS_REV_STAPLE : MONGOURI_TLS_REV_RESPONDER;
    } else {
        want_cat = staple ? MONGOURI_TLS_OCSP_INVALID : MONGOURI_TLS_OK;
        want_src = staple ? MONGOURI_TLS_REV_STAPLE : MONGOURI_TLS_REV_SOFT_FAIL;
    }
    before = count_lines(log);
    t0 = th_now_ms();
    memset(&err, 0, sizeof err);
    st = mongouri_tls_probe(uri, "localhost", (uint16_t)port, 10000, &rep, &err);
    after = count_lines(log);
    if (rep.category != want_cat)
        snprintf(why, sizeof why, "got %s, expected %s", mongouri_tls_category_name(rep.category),
                 mongouri_tls_category_name(want_cat));
    else if (rep.revocation_source != want_src)
        snprintf(why, sizeof why, "revocation source %s, expected %s",
                 mongouri_tls_revocation_source_name(rep.revocation_source),
                 mongouri_tls_revocation_source_name(want_src));
    else if ((st == MONGOURI_OK) != (want_cat == MONGOURI_TLS_OK))
        snprintf(why, sizeof why, "status %s", mongouri_strerror(st));
    else if (staple && after != before)
        snprintf(why, sizeof why, "the OCSP responder was contacted");
    else if (!staple && after == before)
        snprintf(why, sizeof why, "the OCSP responder was not contacted");
    else if (revoked && v->authorized && !has(&rep, "keyCompromise"))
        snprintf(why, sizeof why, "detail lacks the reason keyCompromise");
    else if (!v->authorized && !has(&rep, "signature does not verify"))
        snprintf(why, sizeof why, "detail does not say why the answer is refused");
    result(why[0] == '\0', name, th_now_ms() - t0, "%s\n     detail: %s\n     revocation: %s",
           why, rep.detail, rep.revocation_detail);
    if (getenv("TLS_MATRIX_VERBOSE") != NULL)
        printf("     [%s/%s] %s\n", mongouri_tls_category_name(rep.category),
               mongouri_tls_revocation_source_name(rep.revocation_source), rep.detail);
out:
    alarm(0);
    th_stop(pid);
    mongouri_uri_destroy(uri);
    th_set_current(NULL);
}

/*
 * A responder that accepts and never answers, a TLS 1.2 server, a 2000 ms
 * connect deadline and the default (longer) OCSP deadline: the OCSP wait
 * leaves the handshake its share, the connection goes ahead (soft-fail),
 * and the report names the silent responder. Repeated: it must hold every
 * time, not most of the time.
 */
static void silent_responder_scenarios(void)
{
    char name[160], url[64], why[1200];
    int run;

    snprintf(url, sizeof url, "http://127.0.0.1:%d/", hang_port);
    for (run = 1; run <= 5; run++) {
        mongouri_tls_report rep;
        mongouri_error err;
        mongouri_uri *uri = NULL;
        mongouri_status st;
        pid_t pid = -1;
        int port;
        long t0, ms;

        snprintf(name, sizeof name,
                 "silent responder, TLS 1.2, --timeout-ms 2000: soft-fail, run %d of 5", run);
        th_set_current(name);
        alarm(SCENARIO_ALARM_S);
        why[0] = '\0';
        port = start_server("ec", "hang", false, NULL, true, &pid);
        uri = port < 0 ? NULL : parse(port, "ec");
        if (uri == NULL) {
            result(false, name, 0, "set-up failed");
            goto next;
        }
        t0 = th_now_ms();
        st = mongouri_tls_probe(uri, "localhost", (uint16_t)port, 2000, &rep, &err);
        ms = th_now_ms() - t0;
        if (st != MONGOURI_OK || rep.category != MONGOURI_TLS_OK)
            snprintf(why, sizeof why, "status %s, category %s", mongouri_strerror(st),
                     mongouri_tls_category_name(rep.category));
        else if (rep.revocation_source != MONGOURI_TLS_REV_SOFT_FAIL)
            snprintf(why, sizeof why, "revocation source %s, expected soft-fail",
                     mongouri_tls_revocation_source_name(rep.revocation_source));
        else if (strstr(rep.revocation_detail, url) == NULL ||
                 strstr(rep.revocation_detail, "no answer within") == NULL)
            snprintf(why, sizeof why, "the silent responder %s is not named", url);
        else if (strstr(rep.version, "TLSv1.2") == NULL)
            snprintf(why, sizeof why, "negotiated %s, expected TLSv1.2", rep.version);
        else if (ms > 2300)
            snprintf(why, sizeof why, "took %ld ms with a 2000 ms deadline", ms);
        result(why[0] == '\0', name, ms, "%s\n     detail: %s\n     revocation: %s", why,
               rep.detail, rep.revocation_detail);
    next:
        alarm(0);
        th_stop(pid);
        mongouri_uri_destroy(uri);
        th_set_current(NULL);
    }
}

static void remove_tree(void)
{
    char *argv[] = { "rm", "-rf", tmpdir, NULL };

    if (tmpdir[0] != '\0' && getenv("TLS_MATRIX_KEEP") == NULL)
        th_run_wait(argv, "/dev/null");
}

static int setup(const char *pki)
{
    char path[320], port_file[400], log[400], hp[16], pki_log[400];
    char *argv[NVARIANTS + 5];
    char specs[NVARIANTS][96];
    size_t i, j;
    int n = 0;

    for (i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, keys[i]);
        if (mkdir(path, 0700) != 0)
            return -1;
        for (j = 0; j < NVARIANTS; j++) {
            snprintf(path, sizeof path, "%s/%s/resp-%s", tmpdir, keys[i], variants[j].name);
            snprintf(port_file, sizeof port_file, "%s/port", path);
            snprintf(log, sizeof log, "%s/log", path);
            if (mkdir(path, 0700) != 0 ||
                start_responder("answer", path, port_file, log, !variants[j].certs,
                                variants[j].by_key) < 0)
                return -1;
        }
    }
    snprintf(port_file, sizeof port_file, "%s/hang.port", tmpdir);
    snprintf(log, sizeof log, "%s/hang.log", tmpdir);
    if (start_responder("hang", tmpdir, port_file, log, false, false) < 0)
        return -1;
    hang_port = th_read_port_file(port_file, 5000);
    for (i = 0; i < 2; i++) {
        for (j = 0; j < NVARIANTS; j++) {
            snprintf(port_file, sizeof port_file, "%s/%s/resp-%s/port", tmpdir, keys[i],
                     variants[j].name);
            if (th_read_port_file(port_file, 5000) < 0)
                return -1;
        }
    }
    if (hang_port < 0)
        return -1;
    snprintf(hp, sizeof hp, "%d", hang_port);
    argv[n++] = "bash";
    argv[n++] = (char *)pki;
    argv[n++] = tmpdir;
    argv[n++] = hp;
    for (j = 0; j < NVARIANTS; j++) {
        snprintf(specs[j], sizeof specs[j], "%s:%s:%s:%s%s", variants[j].name,
                 variants[j].issuer, variants[j].signer, variants[j].certs ? "certs" : "nocerts",
                 variants[j].by_key ? "-bykey" : "");
        argv[n++] = specs[j];
    }
    argv[n] = NULL;
    snprintf(pki_log, sizeof pki_log, "%s/pki.log", tmpdir);
    if (th_run_wait(argv, pki_log) != 0) {
        FILE *f = fopen(pki_log, "r");
        char line[512];

        while (f != NULL && fgets(line, sizeof line, f) != NULL)
            fputs(line, stderr);
        if (f != NULL)
            fclose(f);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *pki = NULL, *filter = NULL;
    size_t k, j;
    int a, s, r;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--pki") == 0 && a + 1 < argc)
            pki = argv[++a];
        else if (strcmp(argv[a], "--responder") == 0 && a + 1 < argc)
            responder_bin = argv[++a];
        else
            filter = argv[a];
    }
    if (pki == NULL || responder_bin == NULL) {
        fprintf(stderr, "usage: tls-ocsp-signers --pki PKI_SCRIPT --responder BIN [FILTER]\n");
        return 2;
    }
    setsid();
    th_install_signals();
    snprintf(tmpdir, sizeof tmpdir, "%s/mongouri-signers-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("tls-ocsp-signers: mkdtemp");
        return 1;
    }
    alarm(SCENARIO_ALARM_S * 2);
    if (setup(pki) != 0) {
        fprintf(stderr, "tls-ocsp-signers: set-up failed\n");
        th_stop_all();
        remove_tree();
        printf("0 passed, 1 failed\n");
        return 1;
    }
    alarm(0);
    printf("PKI in %s; silent responder 127.0.0.1:%d\n", tmpdir, hang_port);
    for (k = 0; k < 2; k++)
        for (j = 0; j < NVARIANTS; j++)
            for (s = 0; s < 2; s++)
                for (r = 0; r < 2; r++) {
                    char label[200];

                    snprintf(label, sizeof label, "%s, %s, %s %s: %s", keys[k],
                             s == 0 ? "staple" : "responder", r ? "revoked" : "good",
                             variants[j].name, variants[j].label);
                    if (filter == NULL || strstr(label, filter) != NULL)
                        signer_scenario(keys[k], &variants[j], s == 0, r != 0);
                }
    if (filter == NULL || strstr("silent responder", filter) != NULL)
        silent_responder_scenarios();
    th_stop_all();
    remove_tree();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
