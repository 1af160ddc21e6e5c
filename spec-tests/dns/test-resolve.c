/*
 * Resolver tests against real DNS servers on 127.0.0.1: dnsmasq serving
 * zone.txt, dns-forwarder instances that answer SERVFAIL or NXDOMAIN, a
 * silent socket and a closed port. Run through run-with-dns.sh:
 *
 *   test-resolve --dns-server IP:PORT --servfail-server IP:PORT
 *                --servfail-txt-server IP:PORT --nxdomain-txt-server IP:PORT
 *                [TEST-NAME-SUBSTRING]
 *
 * Prints each failure, then "N passed, N failed". Exit 0 only when none
 * failed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dns_check.h"
#include "mongouri/mongouri.h"

static const char *dns;          /* dnsmasq with zone.txt */
static const char *servfail_dns; /* SERVFAIL to everything */
static const char *servfail_txt_dns;
static const char *nxdomain_txt_dns;

/* ------------------------------------------------------------------------ */
/* One resolution                                                            */
/* ------------------------------------------------------------------------ */

typedef struct run {
    mongouri_uri *parsed;
    mongouri_uri *uri; /* the resolved result */
    mongouri_resolve_report *report;
    mongouri_error err;
    mongouri_status st;
    double ms;
    char seeds[4096]; /* sorted "host:port,host:port" */
} run;

/* Parse `text` with `flags`/`kw`, then resolve it with `opts`. */
static void resolve_opts(run *r, const char *text, unsigned flags, const mongouri_keywords *kw,
                         const mongouri_resolve_options *opts)
{
    mongouri_parse_options po = MONGOURI_PARSE_OPTIONS_INIT;
    double t0;

    memset(r, 0, sizeof *r);
    po.flags = flags;
    po.keywords = kw;
    r->st = mongouri_uri_parse(&r->parsed, text, &po, &r->err);
    if (r->st != MONGOURI_OK) {
        fprintf(stderr, "  (%s: parse failed: %s)\n", test_name(), r->err.message);
        return;
    }
    t0 = now_ms();
    r->st = mongouri_uri_resolve_ex(&r->uri, &r->report, r->parsed, opts, &r->err);
    r->ms = now_ms() - t0;
    if (r->st == MONGOURI_OK)
        seed_list(r->uri, r->seeds, sizeof r->seeds);
}

static void resolve_on(run *r, const char *text, const char *server)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;

    o.dns_servers = server;
    resolve_opts(r, text, 0, NULL, &o);
}

static void resolve(run *r, const char *text)
{
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

static const char *opt_string(const mongouri_uri *uri, const char *name)
{
    const char *s = NULL;

    if (mongouri_uri_get_string(uri, name, &s) != MONGOURI_OK)
        return NULL;
    return s;
}

#define EXPECT_OK(r)                                                                             \
    do {                                                                                         \
        if ((r)->st != MONGOURI_OK)                                                              \
            fail_at(__LINE__, "expected success, got %s (%s): %s",                              \
                    mongouri_strerror((r)->st), mongouri_diag_name((r)->err.code),               \
                    (r)->err.message);                                                           \
    } while (0)

#define EXPECT_ERR(r, status, diag)                                                              \
    do {                                                                                         \
        if ((r)->st != (status) || (r)->err.code != (diag))                                      \
            fail_at(__LINE__, "expected %s/%s, got %s/%s: %s", mongouri_strerror(status),        \
                    mongouri_diag_name(diag), mongouri_strerror((r)->st),                        \
                    mongouri_diag_name((r)->err.code), (r)->err.message);                        \
        else                                                                                     \
            EXPECT((r)->uri == NULL);                                                            \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Random sources for srvMaxHosts                                            */
/* ------------------------------------------------------------------------ */

struct recorder {
    unsigned calls;
    uint32_t bounds[64];
};

static uint32_t always_zero(void *ctx, uint32_t bound)
{
    struct recorder *rec = ctx;

    if (rec->calls < 64)
        rec->bounds[rec->calls] = bound;
    rec->calls++;
    return 0;
}

static uint32_t always_last(void *ctx, uint32_t bound)
{
    (void)ctx;
    return bound - 1;
}

static uint32_t out_of_range(void *ctx, uint32_t bound)
{
    (void)ctx;
    return bound + 7; /* a broken source must not break the library */
}

/* ------------------------------------------------------------------------ */
/* A silent server and a closed port                                         */
/* ------------------------------------------------------------------------ */

/* A UDP socket on 127.0.0.1 that is never read: a server that never answers. */
static int silent_server(char *addr, size_t cap)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("silent server");
        exit(2);
    }
    snprintf(addr, cap, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    return fd;
}

/* A port nothing listens on (bound, then closed). */
static void closed_port(char *addr, size_t cap)
{
    close(silent_server(addr, cap));
}

/* ------------------------------------------------------------------------ */
/* Success, TXT merging and provenance                                       */
/* ------------------------------------------------------------------------ */

static void test_two_seeds_and_txt(void)
{
    run r;

    resolve(&r, "mongodb+srv://two.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017,node2.mongouri.test:27018");
    EXPECT(mongouri_uri_host_source(r.uri, 0) == MONGOURI_SOURCE_TXT);
    EXPECT(mongouri_uri_host_source(r.uri, 1) == MONGOURI_SOURCE_TXT);
    EXPECT_STR(opt_string(r.uri, "replicaSet"), "rs0");
    EXPECT(mongouri_uri_option_source(r.uri, "replicaSet") == MONGOURI_SOURCE_TXT);
    EXPECT_STR(opt_string(r.uri, "authSource"), "admin");
    EXPECT(mongouri_uri_option_source(r.uri, "authSource") == MONGOURI_SOURCE_TXT);
    EXPECT(mongouri_tls_enabled(mongouri_uri_tls(r.uri)));
    EXPECT(mongouri_tls_source(mongouri_uri_tls(r.uri), MONGOURI_TLS_ENABLED) !=
           MONGOURI_SOURCE_TXT);
    EXPECT(mongouri_uri_scheme(r.uri) == MONGOURI_SCHEME_MONGODB_SRV);
    /* The parsed handle is not changed. */
    EXPECT(mongouri_uri_host_count(r.parsed) == 1);
    EXPECT_STR(mongouri_uri_host(r.parsed, 0), "two.mongouri.test");
    EXPECT(!mongouri_uri_has_option(r.parsed, "replicaSet"));
    /* The report. */
    EXPECT_STR(mongouri_resolve_report_servers(r.report), dns);
    EXPECT(mongouri_resolve_report_query_count(r.report) == 2);
    EXPECT_STR(mongouri_resolve_report_query_type(r.report, 0), "SRV");
    EXPECT_STR(mongouri_resolve_report_query_type(r.report, 1), "TXT");
    EXPECT_STR(mongouri_resolve_report_query_name(r.report, 0), "_mongodb._tcp.two.mongouri.test");
    EXPECT_STR(mongouri_resolve_report_query_name(r.report, 1), "two.mongouri.test");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "NOERROR");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 1), "NOERROR");
    EXPECT(mongouri_resolve_report_query_records(r.report, 0) == 2);
    EXPECT(mongouri_resolve_report_query_records(r.report, 1) == 1);
    EXPECT(mongouri_resolve_report_query_ms(r.report, 0) >= 0.0);
    EXPECT(mongouri_resolve_report_query_ms(r.report, 1) >= 0.0);
    EXPECT(mongouri_resolve_report_query_ms(r.report, 2) < 0.0);
    EXPECT(mongouri_resolve_report_query_type(r.report, 2) == NULL);
    EXPECT(mongouri_resolve_report_total_ms(r.report) >=
           mongouri_resolve_report_query_ms(r.report, 0));
    EXPECT(mongouri_resolve_report_srv_count(r.report) == 2);
    EXPECT_STR(mongouri_resolve_report_srv_target(r.report, 0), "node1.mongouri.test");
    EXPECT(mongouri_resolve_report_srv_port(r.report, 1) == 27018);
    EXPECT(mongouri_resolve_report_srv_target(r.report, 2) == NULL);
    EXPECT_STR(mongouri_resolve_report_txt(r.report), "replicaSet=rs0&authSource=admin");
    run_free(&r);
}

static void test_host_case_insensitive(void)
{
    run r;

    resolve(&r, "mongodb+srv://TWO.MongoURI.Test/");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017,node2.mongouri.test:27018");
    EXPECT_STR(mongouri_resolve_report_query_name(r.report, 0), "_mongodb._tcp.two.mongouri.test");
    run_free(&r);
}

static void test_uri_and_keywords_override_txt(void)
{
    mongouri_keywords *kw = NULL;
    mongouri_error e;
    run r;

    resolve(&r, "mongodb+srv://two.mongouri.test/?authSource=other");
    EXPECT_OK(&r);
    EXPECT_STR(opt_string(r.uri, "authSource"), "other");
    EXPECT(mongouri_uri_option_source(r.uri, "authSource") == MONGOURI_SOURCE_URI);
    EXPECT_STR(opt_string(r.uri, "replicaSet"), "rs0");
    run_free(&r);

    if (mongouri_keywords_new(&kw, &e) != MONGOURI_OK ||
        mongouri_keywords_set(kw, "replicaSet", "kw", &e) != MONGOURI_OK) {
        fail_at(__LINE__, "keywords: %s", e.message);
        mongouri_keywords_destroy(kw);
        return;
    }
    resolve_opts(&r, "mongodb+srv://two.mongouri.test/?replicaSet=uri", 0, kw,
                 &(mongouri_resolve_options){ .version = MONGOURI_RESOLVE_OPTIONS_VERSION,
                                              .dns_servers = dns });
    EXPECT_OK(&r);
    EXPECT_STR(opt_string(r.uri, "replicaSet"), "kw");
    EXPECT(mongouri_uri_option_source(r.uri, "replicaSet") == MONGOURI_SOURCE_KEYWORD);
    EXPECT_STR(opt_string(r.uri, "authSource"), "admin");
    run_free(&r);
    mongouri_keywords_destroy(kw);
}

static void test_tls_only_from_uri(void)
{
    run r;

    resolve(&r, "mongodb+srv://two.mongouri.test/?tls=false");
    EXPECT_OK(&r);
    EXPECT(r.uri != NULL && !mongouri_tls_enabled(mongouri_uri_tls(r.uri)));
    run_free(&r);

    resolve(&r, "mongodb+srv://txtssl.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED);
    EXPECT(r.err.source == MONGOURI_SOURCE_TXT);
    run_free(&r);

    resolve(&r, "mongodb+srv://txttls.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED);
    run_free(&r);
}

static void test_txt_rules(void)
{
    run r;

    resolve(&r, "mongodb+srv://chunks.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT_STR(opt_string(r.uri, "replicaSet"), "repl0");
    EXPECT(mongouri_resolve_report_query_records(r.report, 1) == 1);
    run_free(&r);

    resolve(&r, "mongodb+srv://notxt.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT(!mongouri_uri_has_option(r.uri, "replicaSet"));
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 1), "NODATA");
    EXPECT(mongouri_resolve_report_txt(r.report) == NULL);
    run_free(&r);

    resolve(&r, "mongodb+srv://txtempty.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT(!mongouri_uri_has_option(r.uri, "replicaSet"));
    EXPECT_STR(mongouri_resolve_report_txt(r.report), "");
    run_free(&r);

    resolve(&r, "mongodb+srv://twotxt.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_MULTIPLE);
    EXPECT_CONTAINS(r.err.message, "\"twotxt.mongouri.test\"");
    EXPECT_CONTAINS(r.err.message, "2 records");
    EXPECT_CONTAINS(r.err.message, dns);
    EXPECT(r.err.source == MONGOURI_SOURCE_TXT);
    run_free(&r);

    resolve(&r, "mongodb+srv://txtsocket.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED);
    EXPECT_STR(r.err.option, "socketTimeoutMS");
    run_free(&r);

    resolve(&r, "mongodb+srv://txtunknown.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_NOT_ALLOWED);
    EXPECT_CONTAINS(r.err.message, "colour");
    run_free(&r);

    resolve(&r, "mongodb+srv://txtnoeq.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED);
    run_free(&r);

    /* An invalid value of an allowed key: a warning in spec mode... */
    resolve(&r, "mongodb+srv://txtbadval.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT(!mongouri_uri_has_option(r.uri, "loadBalanced"));
    EXPECT(mongouri_uri_warning_count(r.uri) >= 1);
    run_free(&r);
    /* ...and an error in strict mode. */
    resolve_opts(&r, "mongodb+srv://txtbadval.mongouri.test/", MONGOURI_PARSE_STRICT, NULL,
                 &(mongouri_resolve_options){ .version = MONGOURI_RESOLVE_OPTIONS_VERSION,
                                              .dns_servers = dns });
    EXPECT(r.st != MONGOURI_OK && r.uri == NULL);
    run_free(&r);
}

static void test_large_txt_over_tcp(void)
{
    const char *rs;
    run r;

    resolve(&r, "mongodb+srv://longtxt.mongouri.test/");
    EXPECT_OK(&r);
    rs = opt_string(r.uri, "replicaSet");
    EXPECT(rs != NULL && strlen(rs) == 739);
    EXPECT(rs != NULL && rs[0] == 'a' && rs[239] == 'b' && rs[738] == 'c');
    run_free(&r);
}

static void test_load_balanced_from_txt(void)
{
    bool lb = false;
    run r;

    resolve(&r, "mongodb+srv://lb1.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT(r.uri != NULL && mongouri_uri_get_bool(r.uri, "loadBalanced", &lb) == MONGOURI_OK && lb);
    EXPECT(mongouri_uri_option_source(r.uri, "loadBalanced") == MONGOURI_SOURCE_TXT);
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017");
    run_free(&r);

    resolve(&r, "mongodb+srv://lb1.mongouri.test/?directConnection=false");
    EXPECT_OK(&r);
    run_free(&r);

    /* The rules run again on the merged set. */
    resolve(&r, "mongodb+srv://lb1.mongouri.test/?replicaSet=rs0");
    EXPECT(r.st != MONGOURI_OK && r.uri == NULL);
    EXPECT_CONTAINS(r.err.message, "replicaSet");
    run_free(&r);

    resolve(&r, "mongodb+srv://lb1.mongouri.test/?srvMaxHosts=1");
    EXPECT(r.st != MONGOURI_OK && r.uri == NULL);
    run_free(&r);

    resolve(&r, "mongodb+srv://lb2.mongouri.test/");
    EXPECT(r.st != MONGOURI_OK && r.uri == NULL);
    run_free(&r);

    /* srvMaxHosts with a replicaSet that came from TXT. */
    resolve(&r, "mongodb+srv://two.mongouri.test/?srvMaxHosts=1");
    EXPECT(r.st != MONGOURI_OK && r.uri == NULL);
    EXPECT_CONTAINS(r.err.message, "replicaSet");
    run_free(&r);
}

/* The JSON of a resolved handle says where seeds and options came from. */
static void test_json_provenance(void)
{
    const cJSON *hosts, *h, *srcs, *opts;
    cJSON *root = NULL;
    char *json = NULL;
    run r;

    resolve(&r, "mongodb+srv://two.mongouri.test/?authSource=other");
    EXPECT_OK(&r);
    if (r.uri == NULL)
        goto out;
    json = mongouri_json_render("mongodb+srv://two.mongouri.test/?authSource=other", r.uri, NULL,
                                0);
    root = json != NULL ? cJSON_Parse(json) : NULL;
    EXPECT(root != NULL);
    if (root == NULL)
        goto out;
    EXPECT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "resolved")));
    hosts = cJSON_GetObjectItemCaseSensitive(root, "hosts");
    EXPECT(cJSON_GetArraySize(hosts) == 2);
    cJSON_ArrayForEach(h, hosts) {
        EXPECT_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(h, "source")), "txt");
        EXPECT(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(h, "port")));
    }
    opts = cJSON_GetObjectItemCaseSensitive(root, "options");
    srcs = cJSON_GetObjectItemCaseSensitive(root, "optionSources");
    EXPECT_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(opts, "replicaSet")), "rs0");
    EXPECT_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(srcs, "replicaSet")), "txt");
    EXPECT_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(srcs, "authSource")), "uri");
out:
    cJSON_Delete(root);
    mongouri_free(json);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* Parent domain                                                             */
/* ------------------------------------------------------------------------ */

static void test_parent_domain(void)
{
    run r;

    resolve(&r, "mongodb+srv://evil.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN);
    EXPECT_CONTAINS(r.err.message, "\"node1.evil.test\"");
    EXPECT_CONTAINS(r.err.message, "\"mongouri.test\"");
    EXPECT(r.err.source == MONGOURI_SOURCE_TXT);
    EXPECT(mongouri_resolve_report_srv_count(r.report) == 2);
    run_free(&r);

    resolve(&r, "mongodb+srv://bare.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN);
    run_free(&r);

    resolve(&r, "mongodb+srv://glued.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN);
    EXPECT_CONTAINS(r.err.message, "node1.xmongouri.test");
    run_free(&r);

    resolve(&r, "mongodb+srv://deep.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "a.b.c.mongouri.test:27017");
    run_free(&r);
}

static void test_short_hosts(void)
{
    static const char *const good[][2] = {
        { "mongodb+srv://localhost/", "test_1.localhost:27017" },
        { "mongodb+srv://mongo.local/", "cluster_1.mongo.local:27017" },
        { "mongodb+srv://blogs.mongodb.com/", "cluster.mongodb.com:27017" },
    };
    static const char *const bad[][2] = {
        { "mongodb+srv://localhost/?srvServiceName=fail1", "localhost.mongodb" },
        { "mongodb+srv://mongo.local/?srvServiceName=fail1", "test_1.evil.local" },
        { "mongodb+srv://blogs.mongodb.com/?srvServiceName=fail1", "blogs.evil.com" },
        { "mongodb+srv://localhost/?srvServiceName=fail2", "\"localhost\"" },
        { "mongodb+srv://mongo.local/?srvServiceName=fail2", "\"mongo.local\"" },
        { "mongodb+srv://localhost/?srvServiceName=fail3", "test_1.cluster_1localhost" },
        { "mongodb+srv://mongo.local/?srvServiceName=fail3", "test_1.my_hostmongo.local" },
        { "mongodb+srv://blogs.mongodb.com/?srvServiceName=fail3", "cluster.testmongodb.com" },
    };
    size_t i;
    run r;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        resolve(&r, good[i][0]);
        EXPECT_OK(&r);
        EXPECT_STR(r.seeds, good[i][1]);
        run_free(&r);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resolve(&r, bad[i][0]);
        EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_SRV_PARENT_DOMAIN);
        EXPECT_CONTAINS(r.err.message, bad[i][1]);
        run_free(&r);
    }
}

/* ------------------------------------------------------------------------ */
/* Service name, ports, sizes                                                */
/* ------------------------------------------------------------------------ */

static void test_service_name_and_port(void)
{
    run r;

    resolve(&r, "mongodb+srv://custom.mongouri.test/?srvServiceName=custom-svc");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node7.mongouri.test:27019");
    EXPECT_STR(mongouri_resolve_report_query_name(r.report, 0),
               "_custom-svc._tcp.custom.mongouri.test");
    run_free(&r);

    resolve(&r, "mongodb+srv://custom.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NXDOMAIN);
    run_free(&r);

    /* An SRV port of 0 means the default port. */
    resolve(&r, "mongodb+srv://port0.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017");
    run_free(&r);
}

static void test_forty_records(void)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    struct recorder rec = { 0, { 0 } };
    size_t i;
    run r;

    resolve(&r, "mongodb+srv://big.mongouri.test/");
    EXPECT_OK(&r);
    EXPECT(mongouri_uri_host_count(r.uri) == 40);
    EXPECT(mongouri_resolve_report_query_records(r.report, 0) == 40);
    EXPECT_CONTAINS(r.seeds, "node01.mongouri.test:27001,");
    EXPECT_CONTAINS(r.seeds, "node40.mongouri.test:27040");
    run_free(&r);

    /* srvMaxHosts: Fisher-Yates over the sorted answer, with our random source. */
    o.dns_servers = dns;
    o.random = always_zero;
    o.random_ctx = &rec;
    resolve_opts(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=5", 0, NULL, &o);
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node01.mongouri.test:27001,node02.mongouri.test:27002,"
                        "node03.mongouri.test:27003,node04.mongouri.test:27004,"
                        "node05.mongouri.test:27005");
    EXPECT(rec.calls == 5);
    for (i = 0; i < 5 && i < rec.calls; i++)
        EXPECT(rec.bounds[i] == 40 - i);
    run_free(&r);

    /* Always the last: node40 swaps into place 0, then node01 (now last) into 1. */
    o.random = always_last;
    o.random_ctx = NULL;
    resolve_opts(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=2", 0, NULL, &o);
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node01.mongouri.test:27001,node40.mongouri.test:27040");
    EXPECT_STR(r.uri ? mongouri_uri_host(r.uri, 0) : NULL, "node40.mongouri.test");
    run_free(&r);

    o.random = out_of_range;
    resolve_opts(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=3", 0, NULL, &o);
    EXPECT_OK(&r);
    EXPECT(mongouri_uri_host_count(r.uri) == 3);
    run_free(&r);

    /* The library's own source: 7 distinct seeds out of the 40. */
    resolve(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=7");
    EXPECT_OK(&r);
    EXPECT(mongouri_uri_host_count(r.uri) == 7);
    for (i = 0; r.uri != NULL && i + 1 < mongouri_uri_host_count(r.uri); i++)
        EXPECT(strcmp(mongouri_uri_host(r.uri, i), mongouri_uri_host(r.uri, i + 1)) != 0);
    run_free(&r);

    /* srvMaxHosts of at least the record count: every record. */
    resolve(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=40");
    EXPECT_OK(&r);
    EXPECT(mongouri_uri_host_count(r.uri) == 40);
    run_free(&r);
    resolve(&r, "mongodb+srv://big.mongouri.test/?srvMaxHosts=0");
    EXPECT_OK(&r);
    EXPECT(mongouri_uri_host_count(r.uri) == 40);
    run_free(&r);
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                    */
/* ------------------------------------------------------------------------ */

static void test_nxdomain_and_nodata(void)
{
    run r;

    resolve(&r, "mongodb+srv://nx.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NXDOMAIN);
    EXPECT_CONTAINS(r.err.message, "SRV query for \"_mongodb._tcp.nx.mongouri.test\"");
    EXPECT_CONTAINS(r.err.message, dns);
    EXPECT_CONTAINS(r.err.message, "NXDOMAIN");
    EXPECT(r.err.offset == 14); /* the caret goes under the host */
    EXPECT(r.err.hint[0] != '\0');
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "NXDOMAIN");
    EXPECT(mongouri_resolve_report_query_records(r.report, 0) == 0);
    run_free(&r);

    resolve(&r, "mongodb+srv://nosrv.mongouri.test/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_NO_RECORDS);
    EXPECT_CONTAINS(r.err.message, "SRV query for \"_mongodb._tcp.nosrv.mongouri.test\"");
    EXPECT_CONTAINS(r.err.message, "NODATA");
    EXPECT_CONTAINS(r.err.message, dns);
    run_free(&r);

    /* TXT NXDOMAIN is no options, like NODATA. */
    resolve_on(&r, "mongodb+srv://two.mongouri.test/", nxdomain_txt_dns);
    EXPECT_OK(&r);
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 1), "NXDOMAIN");
    EXPECT(r.uri != NULL && !mongouri_uri_has_option(r.uri, "replicaSet"));
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017,node2.mongouri.test:27018");
    run_free(&r);
}

static void test_refused(void)
{
    char down[64];
    run r;

    /* dnsmasq answers REFUSED for names outside its zones. */
    resolve(&r, "mongodb+srv://db.elsewhere.example/");
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED);
    EXPECT_CONTAINS(r.err.message, "REFUSED");
    EXPECT_CONTAINS(r.err.message, "_mongodb._tcp.db.elsewhere.example");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "REFUSED");
    run_free(&r);

    /* Nothing listening: connection refused, at once. */
    closed_port(down, sizeof down);
    resolve_on(&r, "mongodb+srv://two.mongouri.test/", down);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_REFUSED);
    EXPECT_CONTAINS(r.err.message, "connection refused");
    EXPECT_CONTAINS(r.err.message, down);
    EXPECT(r.ms < 1000.0);
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "unreachable");
    run_free(&r);
}

static void test_servfail(void)
{
    run r;

    resolve_on(&r, "mongodb+srv://two.mongouri.test/", servfail_dns);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    EXPECT_CONTAINS(r.err.message, "SRV query for \"_mongodb._tcp.two.mongouri.test\"");
    EXPECT_CONTAINS(r.err.message, "SERVFAIL");
    EXPECT_CONTAINS(r.err.message, servfail_dns);
    run_free(&r);

    /* A TXT failure other than "no record" is an error too. */
    resolve_on(&r, "mongodb+srv://two.mongouri.test/", servfail_txt_dns);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_FAILURE);
    EXPECT_CONTAINS(r.err.message, "TXT query for \"two.mongouri.test\"");
    EXPECT_CONTAINS(r.err.message, "SERVFAIL");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "NOERROR");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 1), "SERVFAIL");
    run_free(&r);
}

static void test_silent_server(void)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    char silent[64];
    int fd = silent_server(silent, sizeof silent);
    run r;

    /* 100 ms, then 200 ms: c-ares gives up after about 300 ms. */
    o.dns_servers = silent;
    o.timeout_ms = 100;
    o.tries = 2;
    resolve_opts(&r, "mongodb+srv://two.mongouri.test/", 0, NULL, &o);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT);
    EXPECT_CONTAINS(r.err.message, "timed out after");
    EXPECT_CONTAINS(r.err.message, silent);
    EXPECT_CONTAINS(r.err.message, "_mongodb._tcp.two.mongouri.test");
    EXPECT(r.ms >= 250.0 && r.ms < 1500.0);
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "timeout");
    run_free(&r);

    /* The deadline stops it earlier than the tries would. */
    o.timeout_ms = 1000;
    o.tries = 3;
    o.deadline_ms = 400;
    resolve_opts(&r, "mongodb+srv://two.mongouri.test/", 0, NULL, &o);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT);
    EXPECT_CONTAINS(r.err.message, "400 ms deadline");
    EXPECT(r.ms >= 390.0 && r.ms < 1200.0);
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 0), "deadline");
    EXPECT_STR(mongouri_resolve_report_query_outcome(r.report, 1), "deadline");
    run_free(&r);

    /* The defaults are bounded: 1000 + 2000 ms, far from c-ares' 75 s. */
    resolve_on(&r, "mongodb+srv://two.mongouri.test/", silent);
    EXPECT_ERR(&r, MONGOURI_E_DNS, MONGOURI_D_DNS_TIMEOUT);
    EXPECT(r.ms >= 2900.0 && r.ms <= 5500.0);
    run_free(&r);
    close(fd);
}

static void test_failover(void)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    char silent[64], down[64], list[200];
    int fd = silent_server(silent, sizeof silent);
    run r;

    o.timeout_ms = 200;
    snprintf(list, sizeof list, "%s,%s", silent, dns);
    o.dns_servers = list;
    resolve_opts(&r, "mongodb+srv://two.mongouri.test/", 0, NULL, &o);
    EXPECT_OK(&r);
    EXPECT_STR(r.seeds, "node1.mongouri.test:27017,node2.mongouri.test:27018");
    EXPECT_CONTAINS(mongouri_resolve_report_servers(r.report), ", ");
    run_free(&r);

    closed_port(down, sizeof down);
    snprintf(list, sizeof list, "%s,%s", down, dns);
    resolve_opts(&r, "mongodb+srv://two.mongouri.test/", 0, NULL, &o);
    EXPECT_OK(&r);
    run_free(&r);
    close(fd);
}

/* ------------------------------------------------------------------------ */
/* Arguments                                                                 */
/* ------------------------------------------------------------------------ */

static void test_arguments(void)
{
    mongouri_resolve_options o;
    mongouri_uri *plain = NULL, *srv = NULL, *out = (mongouri_uri *)&o;
    mongouri_resolve_report *rep = (mongouri_resolve_report *)&o;
    mongouri_error e;
    run r;

    EXPECT(mongouri_resolve_options_init(&o, MONGOURI_RESOLVE_OPTIONS_VERSION) == MONGOURI_OK);
    EXPECT(o.version == MONGOURI_RESOLVE_OPTIONS_VERSION && o.dns_servers == NULL &&
           o.timeout_ms == 0 && o.random == NULL);
    EXPECT(mongouri_resolve_options_init(&o, 0) == MONGOURI_E_INVALID_ARG);
    EXPECT(mongouri_resolve_options_init(NULL, 1) == MONGOURI_E_INVALID_ARG);

    if (mongouri_uri_parse(&plain, "mongodb://a.example.com/", NULL, &e) != MONGOURI_OK ||
        mongouri_uri_parse(&srv, "mongodb+srv://two.mongouri.test/", NULL, &e) != MONGOURI_OK) {
        fail_at(__LINE__, "parse: %s", e.message);
        goto out;
    }
    EXPECT(mongouri_uri_resolve_ex(&out, &rep, plain, NULL, &e) == MONGOURI_E_INVALID_ARG);
    EXPECT(out == NULL && rep == NULL);
    EXPECT(e.code == MONGOURI_D_INVALID_ARG);
    EXPECT(mongouri_uri_resolve(NULL, srv, NULL, &e) == MONGOURI_E_INVALID_ARG);
    EXPECT(mongouri_uri_resolve(&out, NULL, NULL, NULL) == MONGOURI_E_INVALID_ARG);

    mongouri_resolve_options_init(&o, 1);
    o.version = 2;
    EXPECT(mongouri_uri_resolve(&out, srv, &o, &e) == MONGOURI_E_INVALID_ARG);
    EXPECT_CONTAINS(e.message, "version 2");
    o.version = 0;
    EXPECT(mongouri_uri_resolve(&out, srv, &o, &e) == MONGOURI_E_INVALID_ARG);
    mongouri_resolve_options_init(&o, 1);
    o.timeout_ms = -1;
    EXPECT(mongouri_uri_resolve(&out, srv, &o, &e) == MONGOURI_E_INVALID_ARG);
    mongouri_resolve_options_init(&o, 1);
    o.dns_servers = "localhost:53";
    EXPECT(mongouri_uri_resolve(&out, srv, &o, &e) == MONGOURI_E_INVALID_ARG);
    EXPECT_CONTAINS(e.message, "localhost:53");
    o.dns_servers = "";
    EXPECT(mongouri_uri_resolve(&out, srv, &o, &e) == MONGOURI_E_INVALID_ARG);
    EXPECT(out == NULL);

    /* A resolved handle is not resolved again. */
    resolve(&r, "mongodb+srv://two.mongouri.test/");
    EXPECT_OK(&r);
    if (r.uri != NULL) {
        EXPECT(mongouri_uri_resolve(&out, r.uri, NULL, &e) == MONGOURI_E_INVALID_ARG);
        EXPECT(out == NULL);
    }
    run_free(&r);

    /* Getters accept NULL. */
    mongouri_resolve_report_destroy(NULL);
    EXPECT(mongouri_resolve_report_query_count(NULL) == 0);
    EXPECT(mongouri_resolve_report_txt(NULL) == NULL);
    EXPECT_STR(mongouri_resolve_report_servers(NULL), "");
out:
    mongouri_uri_destroy(plain);
    mongouri_uri_destroy(srv);
}

/* The report without a resolved handle, and with err == NULL. */
static void test_report_on_failure(void)
{
    mongouri_resolve_options o = MONGOURI_RESOLVE_OPTIONS_INIT;
    mongouri_resolve_report *rep = NULL;
    mongouri_uri *parsed = NULL, *out = NULL;

    o.dns_servers = dns;
    if (mongouri_uri_parse(&parsed, "mongodb+srv://evil.mongouri.test/", NULL, NULL) !=
        MONGOURI_OK) {
        fail_at(__LINE__, "parse failed");
        return;
    }
    EXPECT(mongouri_uri_resolve_ex(&out, &rep, parsed, &o, NULL) == MONGOURI_E_DNS);
    EXPECT(out == NULL && rep != NULL);
    EXPECT(mongouri_resolve_report_srv_count(rep) == 2);
    EXPECT_STR(mongouri_resolve_report_srv_target(rep, 1), "node1.mongouri.test");
    EXPECT_STR(mongouri_resolve_report_srv_target(rep, 0), "node1.evil.test");
    mongouri_resolve_report_destroy(rep);
    mongouri_uri_destroy(parsed);
}

/* ------------------------------------------------------------------------ */

static const named_test tests[] = {
    { "two_seeds_and_txt", test_two_seeds_and_txt },
    { "host_case_insensitive", test_host_case_insensitive },
    { "uri_and_keywords_override_txt", test_uri_and_keywords_override_txt },
    { "tls_only_from_uri", test_tls_only_from_uri },
    { "txt_rules", test_txt_rules },
    { "large_txt_over_tcp", test_large_txt_over_tcp },
    { "load_balanced_from_txt", test_load_balanced_from_txt },
    { "json_provenance", test_json_provenance },
    { "parent_domain", test_parent_domain },
    { "short_hosts", test_short_hosts },
    { "service_name_and_port", test_service_name_and_port },
    { "forty_records", test_forty_records },
    { "nxdomain_and_nodata", test_nxdomain_and_nodata },
    { "refused", test_refused },
    { "servfail", test_servfail },
    { "silent_server", test_silent_server },
    { "failover", test_failover },
    { "arguments", test_arguments },
    { "report_on_failure", test_report_on_failure },
};

static void usage(void)
{
    fprintf(stderr, "usage: test-resolve --dns-server IP:PORT --servfail-server IP:PORT\n"
                    "                    --servfail-txt-server IP:PORT --nxdomain-txt-server "
                    "IP:PORT [NAME]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *filter = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dns-server") == 0 && i + 1 < argc)
            dns = argv[++i];
        else if (strcmp(argv[i], "--servfail-server") == 0 && i + 1 < argc)
            servfail_dns = argv[++i];
        else if (strcmp(argv[i], "--servfail-txt-server") == 0 && i + 1 < argc)
            servfail_txt_dns = argv[++i];
        else if (strcmp(argv[i], "--nxdomain-txt-server") == 0 && i + 1 < argc)
            nxdomain_txt_dns = argv[++i];
        else if (argv[i][0] != '-' && filter == NULL)
            filter = argv[i];
        else
            usage();
    }
    if (dns == NULL || servfail_dns == NULL || servfail_txt_dns == NULL ||
        nxdomain_txt_dns == NULL)
        usage();

    return run_tests(tests, sizeof tests / sizeof tests[0], filter);
}
