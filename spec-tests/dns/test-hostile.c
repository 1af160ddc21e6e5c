/*
 * The resolver against a hostile DNS server (hostile-dns.c) on 127.0.0.1,
 * which this program starts itself and stops by its PID (the servers also
 * end by themselves after 60 s):
 *
 *   test-hostile --server PATH-TO-hostile-dns [--validate-uri PATH] [--dump DIR]
 *                [--ares-first] [TEST-NAME-SUBSTRING]
 *
 * --ares-first: c-ares is initialised (ares_library_init) before anything,
 * as an application that uses c-ares itself does.
 *
 * Three instances: one answering by query name, one answering SERVFAIL to
 * everything, one dropping everything. Every test asserts the exact
 * diagnosis (or the exact seed list) and a bound on time. Prints each
 * failure, then "N passed, N failed"; exit 0 only when none failed.
 * With --dump, the answers the named instance sends are written to DIR
 * (the SRV fuzz harness's seeds).
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ares.h>

#include "ares_loop_int.h"
#include "dns_check.h"
#include "mongouri/mongouri.h"
#include "util_int.h"

extern char **environ;

static char dns[64];      /* by query name */
static char servfail[64]; /* SERVFAIL to everything */
static char silent[64];   /* drops everything */
static char closed[64];   /* nothing listens */
static char notcp[64];    /* by query name over UDP; TCP connections refused */
static const char *validate_uri;

#define EXPECT_FASTER(r, bound_ms)                                                                 \
    do {                                                                                           \
        if ((r)->ms > (bound_ms))                                                                  \
            fail_at(__LINE__, "took %.0f ms, more than %d", (r)->ms, (int)(bound_ms));             \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Servers                                                                   */
/* ------------------------------------------------------------------------ */

static pid_t pids[8];
static int npids;
static char workdir[256];

static void stop_servers(void)
{
    for (int i = 0; i < npids; i++) {
        kill(pids[i], SIGTERM);
        waitpid(pids[i], NULL, 0);
    }
    npids = 0;
}

static void start_server(const char *bin, const char *name, const char *all, const char *dump,
                         char *addr, size_t cap)
{
    char port_file[512];
    const char *argv[12];
    int n = 0;
    pid_t pid;

    snprintf(port_file, sizeof port_file, "%s/%s.port", workdir, name);
    argv[n++] = bin;
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    argv[n++] = "--lifetime-s";
    argv[n++] = "60";
    if (all != NULL) {
        argv[n++] = "--all";
        argv[n++] = all;
    }
    if (dump != NULL) {
        argv[n++] = "--dump";
        argv[n++] = dump;
    }
    if (strcmp(name, "notcp") == 0)
        argv[n++] = "--no-tcp";
    argv[n] = NULL;
    if (posix_spawn(&pid, bin, NULL, NULL, (char *const *)argv, environ) != 0) {
        perror("posix_spawn hostile-dns");
        exit(2);
    }
    pids[npids++] = pid;
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(port_file, "r");
        unsigned port = 0;

        if (f != NULL) {
            int ok = fscanf(f, "%u", &port);
            fclose(f);
            if (ok == 1 && port > 0) {
                snprintf(addr, cap, "127.0.0.1:%u", port);
                unlink(port_file);
                return;
            }
        }
        nanosleep(&(struct timespec){0, 20000000}, NULL);
    }
    fprintf(stderr, "hostile-dns %s did not start\n", name);
    stop_servers();
    exit(2);
}

static void closed_port(char *addr, size_t cap)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("closed port");
        exit(2);
    }
    snprintf(addr, cap, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    close(fd);
}

/* ------------------------------------------------------------------------ */
/* One resolution                                                            */
/* ------------------------------------------------------------------------ */

typedef struct run {
    mongouri_uri *parsed;
    mongouri_uri *uri;
    mongouri_resolve_report *report;
    mongouri_error err;
    mongouri_status st;
    double ms;
    char seeds[8192]; /* sorted "host:port,host:port" */
} run;

static void resolve_opts(run *r, const char *text, const mongouri_resolve_options *o)
{
    double t0;

    memset(r, 0, sizeof *r);
    r->st = mongouri_uri_parse(&r->parsed, text, NULL, &r->err);
    if (r->st != MONGOURI_OK) {
        fail_at(__LINE__, "parse of %s failed: %s", text, r->err.message);
        return;
    }
    t0 = now_ms();
    r->st = mongouri_uri_resolve_ex(&r->uri, &r->report, r->parsed, o, &r->err);
    r->ms = now_ms() - t0;
    if (r->st == MONGOURI_OK)
        seed_list(r->uri, r->seeds, sizeof r->seeds);
}

/* Against `servers` with short timeouts: 200 ms first try, 2 tries, 3 s deadline. */
static void resolve_on(run *r, const char *text, const char *servers)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;

    o.dns_servers = servers;
    o.timeout_ms = 200;
    o.deadline_ms = 3000;
    resolve_opts(r, text, &o);
}

static void resolve(run *r, const char *behaviour)
{
    char text[256];

    snprintf(text, sizeof text, "mongodb+srv://%s.hostile.test/", behaviour);
    resolve_on(r, text, dns);
}

static void run_free(run *r)
{
    mongouri_uri_destroy(r->uri);
    mongouri_uri_destroy(r->parsed);
    mongouri_resolve_report_destroy(r->report);
    r->uri = r->parsed = NULL;
    r->report = NULL;
}

#define EXPECT_OK(r)                                                                               \
    do {                                                                                           \
        if ((r)->st != MONGOURI_OK)                                                                \
            fail_at(__LINE__, "expected success, got %s (%s): %s", mongouri_strerror((r)->st),     \
                    mongouri_diag_name((r)->err.code), (r)->err.message);                          \
    } while (0)

#define EXPECT_ERR(r, status, diag)                                                                \
    do {                                                                                           \
        if ((r)->st != (status) || (r)->err.code != (diag))                                        \
            fail_at(__LINE__, "expected %s/%s, got %s/%s: %s", mongouri_strerror(status),          \
                    mongouri_diag_name(diag), mongouri_strerror((r)->st),                          \
                    mongouri_diag_name((r)->err.code), (r)->err.message);                          \
        else                                                                                       \
            EXPECT((r)->uri == NULL);                                                              \
    } while (0)

/* ------------------------------------------------------------------------ */
/* 1. SRV targets are URI host names, inside the parent domain               */
/* ------------------------------------------------------------------------ */

static void expect_bad_target(const char *behaviour, const char *shown, int line)
{
    char want[400];
    run r;

    resolve(&r, behaviour);
    if (r.st != MONGOURI_E_DNS || r.err.code != MONGOURI_D_BAD_HOST)
        fail_at(line, "%s: expected dns/bad-host, got %s/%s: %s", behaviour,
                mongouri_strerror(r.st), mongouri_diag_name(r.err.code), r.err.message);
    snprintf(want, sizeof want,
             "SRV record \"_mongodb._tcp.%s.hostile.test\" port 27017 (from "
             "%s) is refused: ",
             behaviour, dns);
    if (strstr(r.err.message, want) == NULL)
        fail_at(line, "%s: message \"%s\" does not name the record (\"%s\")", behaviour,
                r.err.message, want);
    if (strstr(r.err.message, shown) == NULL)
        fail_at(line, "%s: message \"%s\" does not show the target \"%s\"", behaviour,
                r.err.message, shown);
    if (r.err.source != MONGOURI_SOURCE_TXT)
        fail_at(line, "%s: source is not txt", behaviour);
    if (r.uri != NULL || r.ms > 1000)
        fail_at(line, "%s: a result, or %.0f ms", behaviour, r.ms);
    run_free(&r);
}

static void test_bad_targets(void)
{
    expect_bad_target("nul", "target \"localhost\\000\\.evil\\.com.nul.hostile.test\"", __LINE__);
    expect_bad_target("nul", "not a host name: character '\\' is not allowed", __LINE__);
    expect_bad_target("dot", "target \"evil\\.com.dot.hostile.test\"", __LINE__);
    expect_bad_target("space", "target \"my host.space.hostile.test\"", __LINE__);
    expect_bad_target("space", "character ' ' is not allowed", __LINE__);
    expect_bad_target("high", "target \"caf\\195\\169.high.hostile.test\"", __LINE__);
    expect_bad_target("long", "268 characters, longer than a DNS name (253)", __LINE__);
}

static void test_parent_domain(void)
{
    run r;

    resolve(&r, "outside");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN);
    EXPECT_CONTAINS(r.err.message, "SRV record \"_mongodb._tcp.outside.hostile.test\" port "
                                   "27017");
    EXPECT_CONTAINS(r.err.message, "not inside the parent domain \"hostile.test\"");
    EXPECT_CONTAINS(r.err.message, "target \"node1.evil.example\"");
    EXPECT_FASTER(&r, 1000);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* 2. Only records of the queried name (or its CNAME chain) count            */
/* ------------------------------------------------------------------------ */

static void test_owners(void)
{
    run r;

    resolve(&r, "foreign");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS);
    EXPECT_CONTAINS(r.err.message, "no SRV record of that name; 1 record(s) of other names in "
                                   "the answer are ignored");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "NODATA");
    EXPECT(mongouri_resolve_report_query_ignored(r.report, 0) == 1);
    EXPECT(mongouri_resolve_report_srv_count(r.report) == 0);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    resolve(&r, "mixed");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.mixed.hostile.test:27017");
    EXPECT(mongouri_resolve_report_query_ignored(r.report, 0) == 1);
    EXPECT(mongouri_resolve_report_srv_count(r.report) == 1);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    resolve(&r, "cname");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.cname.hostile.test:27017");
    EXPECT(mongouri_resolve_report_query_ignored(r.report, 0) == 1);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    resolve(&r, "cnameloop");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* 3. TXT bytes that are not UTF-8                                           */
/* ------------------------------------------------------------------------ */

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t bad;

    return mongouri__utf8_valid((const char *)s, n, &bad);
}

static void test_txt_not_utf8(void)
{
    run r;

    resolve(&r, "txtbin");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED);
    EXPECT_CONTAINS(r.err.message, "the TXT record of \"txtbin.hostile.test\" is not valid "
                                   "UTF-8 (byte 0xFF at offset 12); it is refused");
    EXPECT_STR(mongouri_resolve_report_txt(r.report), "replicaSet=r\\xFF\\xFE");
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    if (validate_uri != NULL) {
        char cmd[1024];
        unsigned char out[65536];
        size_t n;
        FILE *p;

        snprintf(cmd, sizeof cmd,
                 "'%s' --json --dns-server %s "
                 "'mongodb+srv://txtbin.hostile.test/' 2>&1",
                 validate_uri, dns);
        p = popen(cmd, "r");
        if (p == NULL) {
            fail_at(__LINE__, "popen: %s", strerror(errno));
            return;
        }
        n = fread(out, 1, sizeof out - 1, p);
        pclose(p);
        out[n] = '\0';
        EXPECT(n > 0);
        EXPECT(valid_utf8(out, n));
        EXPECT_CONTAINS((const char *)out, "\"txt\":\t\"replicaSet=r\\\\xFF\\\\xFE\"");
        EXPECT_CONTAINS((const char *)out, "txt-malformed");
    }
}

/* ------------------------------------------------------------------------ */
/* 4. Failures named for what they are                                        */
/* ------------------------------------------------------------------------ */

static void test_truncated_then_tcp_reset(void)
{
    run r;

    resolve(&r, "tcpreset");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    EXPECT_CONTAINS(r.err.message, "the UDP answer was truncated and the retry over TCP failed: "
                                   "the connection was refused or reset");
    EXPECT(strstr(r.err.message, "no DNS server is listening") == NULL);
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "truncated");
    EXPECT_FASTER(&r, 2000);
    run_free(&r);

    /* A server that answers over UDP but refuses TCP connections. */
    resolve_on(&r, "mongodb+srv://many.hostile.test/", notcp);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    EXPECT_CONTAINS(r.err.message, "the UDP answer was truncated and the retry over TCP failed: "
                                   "the connection was refused or reset");
    EXPECT(strstr(r.err.message, "no DNS server is listening") == NULL);
    EXPECT_CONTAINS(r.err.hint, "must accept DNS over TCP");
    EXPECT_FASTER(&r, 2000);
    run_free(&r);
}

static void test_qr_clear(void)
{
    run r;

    resolve(&r, "qr0");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    EXPECT_CONTAINS(r.err.message, "the reply is not a response (QR bit clear)");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "not-a-response");
    EXPECT_FASTER(&r, 1000);
    run_free(&r);
}

static void test_malformed(void)
{
    static const struct {
        const char *behaviour, *why;
    } cases[] = {
        {"loop", "the target of an SRV record of \"_mongodb._tcp.loop.hostile.test\" is not a "
                 "valid encoded name"},
        {"overrun", "answer record 1 has "},
        {"short", "has 4 bytes of data (at least 7 needed)"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run r;

        resolve(&r, cases[i].behaviour);
        EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
        EXPECT_CONTAINS(r.err.message, "malformed answer");
        EXPECT_CONTAINS(r.err.message, cases[i].why);
        EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "malformed");
        EXPECT_FASTER(&r, 1000);
        run_free(&r);
    }
}

/* A reply whose ID does not match is not an answer: c-ares waits for one. */
static void test_wrong_id(void)
{
    run r;

    resolve(&r, "badid");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT);
    EXPECT_FASTER(&r, 1500);
    run_free(&r);
}

/* Allocation failures, one after the other: never a timeout, never a crash. */
static unsigned long fail_countdown;
static bool fail_after(size_t size)
{
    (void)size;
    if (fail_countdown == 0)
        return false;
    return --fail_countdown == 0;
}

static void test_out_of_memory(void)
{
    int nomem = 0, ok = 0;

    mongouri__resolve_fail_alloc = fail_after;
    for (unsigned long k = 1; k <= 80; k++) {
        run r;

        fail_countdown = k;
        resolve(&r, "oom");
        if (fail_countdown != 0) { /* fewer allocations than k: all succeeded */
            EXPECT_OK(&r);
            fail_countdown = 0;
            run_free(&r);
            ok++;
            break;
        }
        if (r.st == MONGOURI_OK) {
            ok++;
        } else if (r.st == MONGOURI_E_NOMEM && r.err.code == MONGOURI_D_NOMEM) {
            nomem++;
        } else {
            fail_at(__LINE__, "allocation %lu failing: %s/%s: %s", k, mongouri_strerror(r.st),
                    mongouri_diag_name(r.err.code), r.err.message);
        }
        EXPECT_FASTER(&r, 1000);
        run_free(&r);
    }
    mongouri__resolve_fail_alloc = NULL;
    EXPECT(nomem > 5);
    EXPECT(ok > 0);
}

/*
 * Memory running out in another thread's c-ares use is not this
 * resolution's: a thread failing every c-ares allocation it makes while the
 * resolutions run does not turn them into out-of-memory.
 */
static _Thread_local bool in_noise_thread;
static atomic_bool noise_stop;
static atomic_ulong noise_failures;

static bool fail_in_noise_thread(size_t size)
{
    (void)size;
    return in_noise_thread;
}

static void *noise(void *arg)
{
    (void)arg;
    in_noise_thread = true;
    while (!atomic_load(&noise_stop)) {
        unsigned char *q = NULL;
        int len = 0;
        int rc = ares_create_query("noise.example.", 1 /* IN */, 1 /* A */, 1, 1, &q, &len, 0);
        struct timespec ts = {0, 200000};

        if (rc == ARES_ENOMEM)
            atomic_fetch_add(&noise_failures, 1);
        else if (rc == ARES_SUCCESS)
            ares_free_string(q);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void test_oom_other_thread(void)
{
    int overlapped = 0;
    pthread_t t;

    EXPECT(mongouri__ares_init() == ARES_SUCCESS);
    mongouri__resolve_fail_alloc = fail_in_noise_thread;
    atomic_store(&noise_stop, false);
    atomic_store(&noise_failures, 0);
    if (pthread_create(&t, NULL, noise, NULL) != 0) {
        fail_at(__LINE__, "pthread_create failed");
        mongouri__resolve_fail_alloc = NULL;
        return;
    }
    for (int i = 0; i < 200 && atomic_load(&noise_failures) == 0; i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    /* Resolve until three resolutions overlapped the other thread's failures
     * (a loaded machine may not schedule it during every one), at most 100. */
    for (int i = 0; i < 100 && overlapped < 3; i++) {
        unsigned long before = atomic_load(&noise_failures);
        run r;

        resolve(&r, "ok");
        EXPECT_OK(&r);
        EXPECT_FASTER(&r, 1000);
        /* The other thread's allocations did fail meanwhile. */
        if (atomic_load(&noise_failures) > before)
            overlapped++;
        run_free(&r);
    }
    EXPECT(overlapped >= 3);
    atomic_store(&noise_stop, true);
    pthread_join(t, NULL);
    mongouri__resolve_fail_alloc = NULL;
}

/* ------------------------------------------------------------------------ */
/* 5. Truncation: 120 records over TCP, all used                             */
/* ------------------------------------------------------------------------ */

static void test_many_records(void)
{
    char want[8192];
    size_t used = 0;
    run r;

    for (unsigned i = 1; i <= 120; i++)
        used += (size_t)snprintf(want + used, sizeof want - used,
                                 "%snode%03u.many.hostile.test"
                                 ":27017",
                                 i > 1 ? "," : "", i);
    resolve(&r, "many");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, want);
    EXPECT(mongouri_resolve_report_srv_count(r.report) == 120);
    EXPECT_CONTAINS(mongouri_resolve_report_query_attempts(r.report, 0),
                    "truncated (UDP), retried over TCP");
    EXPECT_FASTER(&r, 1000);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* 6. Retries and several servers                                            */
/* ------------------------------------------------------------------------ */

static void test_retry_once(void)
{
    char want[200];
    run r;

    resolve(&r, "servfailonce");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.servfailonce.hostile.test:27017");
    snprintf(want, sizeof want, "%s SERVFAIL, retried, %s NOERROR", dns, dns);
    EXPECT_STR(mongouri_resolve_report_query_attempts(r.report, 0), want);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    resolve(&r, "droponce"); /* the first try times out (200 ms), the second answers */
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.droponce.hostile.test:27017");
    EXPECT_FASTER(&r, 1500);
    run_free(&r);

    /* SERVFAIL twice: an error, after exactly one retry. */
    resolve(&r, "servfail");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    snprintf(want, sizeof want, "%s SERVFAIL, retried, %s SERVFAIL", dns, dns);
    EXPECT_STR(mongouri_resolve_report_query_attempts(r.report, 0), want);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);
}

static void test_several_servers(void)
{
    char list[300], want[400];
    run r;

    /* SERVFAIL (twice), then the next server answers. */
    snprintf(list, sizeof list, "%s,%s", servfail, dns);
    resolve_on(&r, "mongodb+srv://ok.hostile.test/", list);
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.ok.hostile.test:27017,node2.ok.hostile.test:27018");
    EXPECT_STR(mongouri_resolve_report_query_server(r.report, 0), dns);
    EXPECT_STR(mongouri_resolve_report_query_server(r.report, 1), dns);
    snprintf(want, sizeof want, "%s SERVFAIL, retried, %s SERVFAIL, %s NOERROR", servfail, servfail,
             dns);
    EXPECT_STR(mongouri_resolve_report_query_attempts(r.report, 0), want);
    snprintf(want, sizeof want, "%s, %s", servfail, dns);
    EXPECT_STR(mongouri_resolve_report_servers(r.report), want);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    /* Silent (2 tries: 200 + 400 ms), then the next. */
    snprintf(list, sizeof list, "%s,%s", silent, dns);
    resolve_on(&r, "mongodb+srv://ok.hostile.test/", list);
    EXPECT_OK(&r);
    snprintf(want, sizeof want, "%s timeout, %s NOERROR", silent, dns);
    EXPECT_STR(mongouri_resolve_report_query_attempts(r.report, 0), want);
    EXPECT_FASTER(&r, 1500);
    run_free(&r);

    /* Nothing listening, then the next. */
    snprintf(list, sizeof list, "%s,%s", closed, dns);
    resolve_on(&r, "mongodb+srv://ok.hostile.test/", list);
    EXPECT_OK(&r);
    EXPECT_STR(mongouri_resolve_report_query_server(r.report, 0), dns);
    EXPECT_FASTER(&r, 1500);
    run_free(&r);

    /* NXDOMAIN is an answer: the next server is not asked. */
    snprintf(list, sizeof list, "%s,%s", dns, servfail);
    resolve_on(&r, "mongodb+srv://nxdomain.hostile.test/", list);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NXDOMAIN);
    snprintf(want, sizeof want, "%s NXDOMAIN", dns);
    EXPECT_STR(mongouri_resolve_report_query_attempts(r.report, 0), want);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    /* Every server fails: the last one is named, the hint lists each. */
    snprintf(list, sizeof list, "%s,%s", dns, servfail);
    resolve_on(&r, "mongodb+srv://refused.hostile.test/", list);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    snprintf(want, sizeof want, "against %s: SERVFAIL twice", servfail);
    EXPECT_CONTAINS(r.err.message, want);
    snprintf(want, sizeof want,
             "servers asked in order: %s REFUSED, %s SERVFAIL, retried, %s "
             "SERVFAIL",
             dns, servfail, servfail);
    EXPECT_CONTAINS(r.err.hint, want);
    EXPECT_FASTER(&r, 1000);
    run_free(&r);

    /* The deadline bounds any list of silent servers. */
    {
        mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;

        snprintf(list, sizeof list, "%s,%s,%s", silent, silent, silent);
        o.dns_servers = list;
        o.timeout_ms = 300;
        o.deadline_ms = 700;
        resolve_opts(&r, "mongodb+srv://ok.hostile.test/", &o);
        EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT);
        EXPECT_CONTAINS(r.err.message, "within the 700 ms deadline");
        EXPECT_FASTER(&r, 1000);
        run_free(&r);
    }

    if (validate_uri != NULL) {
        char cmd[1024], out[65536];
        size_t n;
        FILE *p;

        snprintf(cmd, sizeof cmd,
                 "'%s' --json --dns-server %s,%s "
                 "'mongodb+srv://ok.hostile.test/' 2>&1",
                 validate_uri, servfail, dns);
        p = popen(cmd, "r");
        if (p == NULL) {
            fail_at(__LINE__, "popen: %s", strerror(errno));
            return;
        }
        n = fread(out, 1, sizeof out - 1, p);
        EXPECT(pclose(p) == 0);
        out[n] = '\0';
        snprintf(want, sizeof want, "\"server\":\t\"%s\"", dns);
        EXPECT_CONTAINS(out, want);
        snprintf(want, sizeof want,
                 "\"attempts\":\t\"%s SERVFAIL, retried, %s SERVFAIL, %s "
                 "NOERROR\"",
                 servfail, servfail, dns);
        EXPECT_CONTAINS(out, want);
    }
}

/* ------------------------------------------------------------------------ */
/* Every RCODE                                                               */
/* ------------------------------------------------------------------------ */

static void test_rcodes(void)
{
    static const struct {
        const char *behaviour;
        mongouri_diag diag;
        const char *outcome, *message;
    } cases[] = {
        {"formerr", MONGOURI_D_DNS_FAILURE, "FORMERR",
         "FORMERR, the server could not read the query"},
        {"servfail", MONGOURI_D_DNS_FAILURE, "SERVFAIL",
         "SERVFAIL twice, the server could not answer"},
        {"nxdomain", MONGOURI_D_DNS_NXDOMAIN, "NXDOMAIN", "NXDOMAIN, the name does not exist"},
        {"notimp", MONGOURI_D_DNS_FAILURE, "NOTIMP",
         "NOTIMP, the server does not implement SRV queries"},
        {"refused", MONGOURI_D_DNS_REFUSED, "REFUSED", "the server refused the query (REFUSED"},
        {"yxdomain", MONGOURI_D_DNS_FAILURE, "YXDOMAIN", "RCODE 6 (YXDOMAIN), not an answer"},
        {"rcode15", MONGOURI_D_DNS_FAILURE, "RCODE 15", "RCODE 15 (unassigned), not an answer"},
        {"empty", MONGOURI_D_DNS_NO_RECORDS, "NODATA", "the name has no SRV records (NODATA"},
    };
    char want[300];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run r;

        resolve(&r, cases[i].behaviour);
        if (r.st != MONGOURI_E_DNS || r.err.code != cases[i].diag)
            fail_at(__LINE__, "%s: got %s/%s: %s", cases[i].behaviour, mongouri_strerror(r.st),
                    mongouri_diag_name(r.err.code), r.err.message);
        snprintf(want, sizeof want,
                 "SRV query for \"_mongodb._tcp.%s.hostile.test\" against "
                 "%s: %s",
                 cases[i].behaviour, dns, cases[i].message);
        EXPECT_CONTAINS(r.err.message, want);
        EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), cases[i].outcome);
        EXPECT_FASTER(&r, 1000);
        run_free(&r);
    }
}

/* A TXT failure is an error too, whatever the SRV answer. */
static void test_txt_failure(void)
{
    run r;

    resolve(&r, "ok");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.ok.hostile.test:27017,node2.ok.hostile.test:27018");
    EXPECT_STR(mongouri_resolve_report_txt(r.report), "replicaSet=rs0");
    run_free(&r);

    resolve(&r, "dup");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.dup.hostile.test:27017");
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* 7. TTL and SRV polling                                                    */
/* ------------------------------------------------------------------------ */

static void test_ttl(void)
{
    run r;

    resolve(&r, "ttl");
    EXPECT_OK(&r);
    EXPECT(mongouri_resolve_report_srv_ttl(r.report) == 30);
    EXPECT(mongouri_resolve_report_rescan_ms(r.report) == 60000);
    run_free(&r);

    resolve(&r, "ok");
    EXPECT_OK(&r);
    EXPECT(mongouri_resolve_report_srv_ttl(r.report) == 120);
    EXPECT(mongouri_resolve_report_rescan_ms(r.report) == 120000);
    run_free(&r);

    EXPECT(mongouri_resolve_report_srv_ttl(NULL) == 0);
    EXPECT(mongouri_resolve_report_rescan_ms(NULL) == 60000);
}

typedef struct poll_run {
    mongouri_srv_poll_result *res;
    mongouri_status st;
    mongouri_error err;
    double ms;
    char seeds[1024];
} poll_run;

static int cmp_seed(const void *a, const void *b)
{
    const mongouri_seed *x = a, *y = b;
    int c = strcmp(x->host, y->host);

    return c != 0 ? c : (int)x->port - (int)y->port;
}

static void do_poll(poll_run *p, const char *text, const char *const *current, size_t n,
                    const char *servers)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    mongouri_seed cur[8];
    mongouri_uri *uri = NULL;
    size_t used = 0;
    double t0;

    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        const char *colon = strrchr(current[i], ':');
        cur[i].host = strndup(current[i], (size_t)(colon - current[i]));
        cur[i].port = (uint16_t)atoi(colon + 1);
    }
    o.dns_servers = servers;
    o.timeout_ms = 200;
    o.deadline_ms = 2000;
    if (mongouri_uri_parse(&uri, text, NULL, &p->err) != MONGOURI_OK) {
        fail_at(__LINE__, "parse %s: %s", text, p->err.message);
        goto out;
    }
    t0 = now_ms();
    p->st = mongouri_srv_poll(&p->res, uri, cur, n, &o, &p->err);
    p->ms = now_ms() - t0;
    if (p->st == MONGOURI_OK) {
        size_t ns = mongouri_srv_poll_result_seed_count(p->res);
        mongouri_seed sorted[16];

        EXPECT(ns <= 16);
        EXPECT(ns == 0 || mongouri_srv_poll_result_seeds(p->res) != NULL);
        for (size_t i = 0; i < ns && i < 16; i++) {
            sorted[i].host = (char *)mongouri_srv_poll_result_seed_host(p->res, i);
            sorted[i].port = mongouri_srv_poll_result_seed_port(p->res, i);
            EXPECT(mongouri_srv_poll_result_seeds(p->res)[i].port == sorted[i].port);
        }
        EXPECT(mongouri_srv_poll_result_seed_host(p->res, ns) == NULL);
        EXPECT(mongouri_srv_poll_result_seed_port(p->res, ns) == 0);
        qsort(sorted, ns < 16 ? ns : 16, sizeof *sorted, cmp_seed);
        for (size_t i = 0; i < ns && i < 16; i++)
            used += (size_t)snprintf(p->seeds + used, sizeof p->seeds - used, "%s%s:%u",
                                     i ? "," : "", sorted[i].host, (unsigned)sorted[i].port);
    } else {
        EXPECT(p->res == NULL);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(cur[i].host);
    mongouri_uri_destroy(uri);
}

static void test_poll(void)
{
    static const char *const two[] = {"localhost.polla.hostile.test:27017",
                                      "localhost.polla.hostile.test:27018"};
    static const char *const twob[] = {"localhost.pollb.hostile.test:27017",
                                       "localhost.pollb.hostile.test:27018"};
    poll_run p;

    /* Unchanged records: nothing changes, rescan after the TTL (60 s). */
    do_poll(&p, "mongodb+srv://polla.hostile.test/", two, 2, dns);
    EXPECT(p.st == MONGOURI_OK);
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017,localhost.polla.hostile.test:27018");
    EXPECT(!mongouri_srv_poll_result_changed(p.res));
    EXPECT(mongouri_srv_poll_result_rescan_ms(p.res) == 60000);
    EXPECT(mongouri_srv_poll_result_reason(p.res)->status == MONGOURI_OK);
    EXPECT(mongouri_resolve_report_query_count(mongouri_srv_poll_result_report(p.res)) ==
           1); /* no TXT query */
    EXPECT(p.ms < 1000);
    mongouri_srv_poll_result_destroy(p.res);

    /* The records change between two rescans (prose test 5). */
    do_poll(&p, "mongodb+srv://pollb.hostile.test/", twob, 2, dns);
    EXPECT(!mongouri_srv_poll_result_changed(p.res));
    mongouri_srv_poll_result_destroy(p.res);
    do_poll(&p, "mongodb+srv://pollb.hostile.test/", twob, 2, dns);
    EXPECT(p.st == MONGOURI_OK && mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.pollb.hostile.test:27019,localhost.pollb.hostile.test:27020");
    mongouri_srv_poll_result_destroy(p.res);

    /* 6. timeout, 7. NXDOMAIN, 8. no record: unchanged, rescan after heartbeatFrequencyMS. */
    do_poll(&p, "mongodb+srv://timeout.hostile.test/?heartbeatFrequencyMS=1500", two, 2, dns);
    EXPECT(p.st == MONGOURI_OK && !mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017,localhost.polla.hostile.test:27018");
    EXPECT(mongouri_srv_poll_result_reason(p.res)->code == MONGOURI_D_DNS_TIMEOUT);
    EXPECT(mongouri_srv_poll_result_rescan_ms(p.res) == 1500);
    EXPECT(p.ms < 1500);
    mongouri_srv_poll_result_destroy(p.res);

    do_poll(&p, "mongodb+srv://nxdomain.hostile.test/", two, 2, dns);
    EXPECT(p.st == MONGOURI_OK && !mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017,localhost.polla.hostile.test:27018");
    EXPECT(mongouri_srv_poll_result_reason(p.res)->code == MONGOURI_D_DNS_NXDOMAIN);
    EXPECT(mongouri_srv_poll_result_rescan_ms(p.res) == 10000);
    mongouri_srv_poll_result_destroy(p.res);

    do_poll(&p, "mongodb+srv://empty.hostile.test/", two, 2, dns);
    EXPECT(p.st == MONGOURI_OK && !mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017,localhost.polla.hostile.test:27018");
    EXPECT(mongouri_srv_poll_result_reason(p.res)->code == MONGOURI_D_DNS_NO_RECORDS);
    mongouri_srv_poll_result_destroy(p.res);

    /* A record outside the parent domain is left out, not an error. */
    do_poll(&p, "mongodb+srv://pollmixed.hostile.test/", two, 2, dns);
    EXPECT(p.st == MONGOURI_OK && mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.pollmixed.hostile.test:27019");
    EXPECT(mongouri_srv_poll_result_ignored(p.res) == 1);
    EXPECT(mongouri_srv_poll_result_reason(p.res)->code == MONGOURI_D_SRV_PARENT_DOMAIN);
    EXPECT_CONTAINS(mongouri_srv_poll_result_reason(p.res)->message, "localhost.evil.example");
    mongouri_srv_poll_result_destroy(p.res);

    /* 9. loadBalanced: no polling at all. */
    do_poll(&p, "mongodb+srv://pollb.hostile.test/?loadBalanced=true", twob, 1, dns);
    EXPECT(p.st == MONGOURI_OK && !mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.pollb.hostile.test:27017");
    EXPECT(mongouri_srv_poll_result_report(p.res) == NULL);
    EXPECT_CONTAINS(mongouri_srv_poll_result_reason(p.res)->message, "loadBalanced=true");
    mongouri_srv_poll_result_destroy(p.res);

    /* 13. srvServiceName: the custom service is queried. */
    do_poll(&p, "mongodb+srv://polla.hostile.test/?srvServiceName=customname", two, 1, dns);
    EXPECT(p.st == MONGOURI_OK && mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017,localhost.polla.hostile.test:27018");
    EXPECT_STR(mongouri_resolve_report_query_name(mongouri_srv_poll_result_report(p.res), 0),
               "_customname._tcp.polla.hostile.test");
    mongouri_srv_poll_result_destroy(p.res);

    /* srvMaxHosts from the URI: 1 host kept, none added. */
    do_poll(&p, "mongodb+srv://polla.hostile.test/?srvMaxHosts=1", two, 1, dns);
    EXPECT(p.st == MONGOURI_OK && !mongouri_srv_poll_result_changed(p.res));
    EXPECT_STR(p.seeds, "localhost.polla.hostile.test:27017");
    mongouri_srv_poll_result_destroy(p.res);

    /* Arguments: bad DNS servers are an error, not a DNS failure. */
    EXPECT(mongouri_srv_poll(NULL, NULL, NULL, 0, NULL, NULL) == MONGOURI_E_INVALID_ARG);
    do_poll(&p, "mongodb+srv://polla.hostile.test/", two, 2, "dns.example.com:53");
    EXPECT(p.st == MONGOURI_E_INVALID_ARG && p.err.code == MONGOURI_D_INVALID_ARG);
    EXPECT(p.res == NULL);
    do_poll(&p, "mongodb://polla.hostile.test/", two, 2, dns);
    EXPECT(p.st == MONGOURI_E_INVALID_ARG);
    EXPECT(p.res == NULL);
    mongouri_srv_poll_result_destroy(NULL);
    EXPECT(mongouri_srv_poll_result_seed_count(NULL) == 0);
    EXPECT(mongouri_srv_poll_result_seed_host(NULL, 0) == NULL);
    EXPECT(mongouri_srv_poll_result_seeds(NULL) == NULL);
    EXPECT(!mongouri_srv_poll_result_changed(NULL));
    EXPECT(mongouri_srv_poll_result_rescan_ms(NULL) == 10000);
    EXPECT(mongouri_srv_poll_result_ignored(NULL) == 0);
    EXPECT(mongouri_srv_poll_result_reason(NULL)->status == MONGOURI_OK);
    EXPECT(mongouri_srv_poll_result_report(NULL) == NULL);

    /* A result's list is the next rescan's current list. */
    do_poll(&p, "mongodb+srv://polla.hostile.test/", two, 1, dns);
    EXPECT(p.st == MONGOURI_OK && mongouri_srv_poll_result_changed(p.res));
    if (p.st == MONGOURI_OK) {
        mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
        mongouri_srv_poll_result *again = NULL;
        mongouri_uri *u = NULL;

        o.dns_servers = dns;
        EXPECT(mongouri_uri_parse(&u, "mongodb+srv://polla.hostile.test/", NULL, NULL) ==
               MONGOURI_OK);
        EXPECT(mongouri_srv_poll(&again, u, mongouri_srv_poll_result_seeds(p.res),
                                 mongouri_srv_poll_result_seed_count(p.res), &o,
                                 NULL) == MONGOURI_OK);
        EXPECT(!mongouri_srv_poll_result_changed(again));
        EXPECT(mongouri_srv_poll_result_seed_count(again) == 2);
        mongouri_srv_poll_result_destroy(again);
        mongouri_uri_destroy(u);
    }
    mongouri_srv_poll_result_destroy(p.res);
}

/* ------------------------------------------------------------------------ */

static const named_test tests[] = {
    {"bad_targets", test_bad_targets},
    {"parent_domain", test_parent_domain},
    {"owners", test_owners},
    {"txt_not_utf8", test_txt_not_utf8},
    {"truncated_then_tcp_reset", test_truncated_then_tcp_reset},
    {"qr_clear", test_qr_clear},
    {"malformed", test_malformed},
    {"wrong_id", test_wrong_id},
    {"out_of_memory", test_out_of_memory},
    {"oom_other_thread", test_oom_other_thread},
    {"many_records", test_many_records},
    {"retry_once", test_retry_once},
    {"several_servers", test_several_servers},
    {"rcodes", test_rcodes},
    {"txt_failure", test_txt_failure},
    {"ttl", test_ttl},
    {"poll", test_poll},
};

static void usage(void)
{
    fprintf(stderr, "usage: test-hostile --server PATH [--validate-uri PATH] [--dump DIR] "
                    "[--ares-first] [NAME]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *server = NULL, *filter = NULL, *dump = NULL;
    bool ares_first = false;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
            server = argv[++i];
        else if (strcmp(argv[i], "--validate-uri") == 0 && i + 1 < argc)
            validate_uri = argv[++i];
        else if (strcmp(argv[i], "--ares-first") == 0)
            ares_first = true;
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else if (argv[i][0] != '-' && filter == NULL)
            filter = argv[i];
        else
            usage();
    }
    if (server == NULL)
        usage();
    /* As an application that uses c-ares itself and initialised it first. */
    if (ares_first && ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
        fprintf(stderr, "ares_library_init failed\n");
        return 2;
    }
    snprintf(workdir, sizeof workdir, "%s/mongouri-hostile.XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(workdir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    start_server(server, "named", NULL, dump, dns, sizeof dns);
    start_server(server, "servfail", "servfail", NULL, servfail, sizeof servfail);
    start_server(server, "silent", "drop", NULL, silent, sizeof silent);
    start_server(server, "notcp", NULL, NULL, notcp, sizeof notcp);
    closed_port(closed, sizeof closed);

    rc = run_tests(tests, sizeof tests / sizeof tests[0], filter);
    stop_servers();
    if (ares_first)
        ares_library_cleanup();
    rmdir(workdir);
    return rc;
}
