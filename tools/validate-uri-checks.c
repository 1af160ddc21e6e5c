/*
 * validate-uri: the checks run on one connection string: the parse, the
 * resolution of a mongodb+srv:// string, the file checks and the connection
 * probes; each sets the result and its exit code.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validate-uri.h"

/*
 * A failing library call must never look like a success: when it reports a
 * failure without a message (or returns OK without a result), say so.
 */
static void ensure_message(mongouri_error *err, mongouri_status st, const char *what)
{
    if (err->message[0] != '\0')
        return;
    if (st == MONGOURI_OK)
        st = MONGOURI_E_INVALID_ARG;
    err->status = st;
    err->offset = -1;
    err->length = 0;
    snprintf(err->message, sizeof err->message, "%s failed: %s", what, mongouri_strerror(st));
}

/* Errors of the connection string itself, as opposed to DNS failures. */
static bool is_validation_status(mongouri_status st)
{
    return st == MONGOURI_E_SYNTAX || st == MONGOURI_E_CONFLICT || st == MONGOURI_E_OPTION ||
           st == MONGOURI_E_AUTH || st == MONGOURI_E_LIMIT;
}

static void run_resolve(const vu_config *cfg, vu_result *r)
{
    mongouri_resolve_options ro = MONGOURI_RESOLVE_OPTIONS_INIT;
    mongouri_status st;

    ro.dns_servers = cfg->dns_server;
    ro.deadline_ms = cfg->timeout_ms;
    r->resolve_done = true;
    st = mongouri_uri_resolve_ex(&r->resolved, &r->resolve_report, r->parsed, &ro,
                                 &r->resolve_error);
    /* the library's clock: how long the resolution took (-1: none ran) */
    r->resolve_ms = mongouri_resolve_report_total_ms(r->resolve_report);
    if (r->resolve_ms < 0)
        r->resolve_ms = 0;
    if (st == MONGOURI_OK && r->resolved != NULL) {
        r->resolve_ok = true;
        return;
    }
    if (st == MONGOURI_OK) {
        /* OK without a result: report it rather than pretend. */
        st = MONGOURI_E_DNS;
        r->resolve_error.message[0] = '\0';
    }
    mongouri_uri_destroy(r->resolved);
    r->resolved = NULL;
    ensure_message(&r->resolve_error, st, "DNS resolution");
    r->exit_code = is_validation_status(st) ? VU_EXIT_INVALID : VU_EXIT_DNS;
}

static void run_check_files(vu_result *r)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));
    mongouri_status st;

    r->files_done = true;
    if (tls == NULL) {
        st = MONGOURI_E_INVALID_ARG;
        snprintf(r->files_error.message, sizeof r->files_error.message, "no TLS settings to check");
    } else {
        st = mongouri_tls_check_files(tls, &r->files_error);
        /* Without tlsCAFile the system store is the trust: say which it is. */
        if (mongouri_tls_enabled(tls) && mongouri_tls_verify_certificates(tls) &&
            mongouri_tls_ca_file(tls) == NULL)
            mongouri_tls_system_store(r->trust_store, sizeof r->trust_store, NULL);
    }
    if (st == MONGOURI_OK) {
        r->files_ok = true;
        return;
    }
    ensure_message(&r->files_error, st, "the file check");
    if (r->exit_code == VU_EXIT_VALID)
        r->exit_code = VU_EXIT_FILES;
}

static void run_connect(const vu_config *cfg, vu_result *r)
{
    const mongouri_uri *uri = vu_result_uri(r);
    size_t n = mongouri_uri_host_count(uri);
    int timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : VU_DEFAULT_CONNECT_TIMEOUT_MS;
    bool failed = false;

    if (n == 0)
        return;
    r->connections = calloc(n, sizeof *r->connections);
    if (r->connections == NULL) {
        fprintf(stderr, "validate-uri: out of memory\n");
        exit(VU_EXIT_CONNECT);
    }
    r->nconnections = n;
    for (size_t i = 0; i < n; i++) {
        vu_connection *c = &r->connections[i];
        const char *host = mongouri_uri_host(uri, i);
        mongouri_error err;
        mongouri_status st;

        memset(&err, 0, sizeof err);
        c->host = strdup(host != NULL ? host : "");
        if (c->host == NULL) {
            fprintf(stderr, "validate-uri: out of memory\n");
            exit(VU_EXIT_CONNECT);
        }
        c->port = mongouri_uri_host_port(uri, i);
        if (c->port == 0 && mongouri_uri_host_type(uri, i) != MONGOURI_HOST_UNIX)
            c->port = VU_DEFAULT_PORT;
        c->report.category = MONGOURI_TLS_HANDSHAKE_FAILED;
        st = mongouri_tls_probe(uri, c->host, c->port, timeout, &c->report, &err);
        c->ok = st == MONGOURI_OK && c->report.category == MONGOURI_TLS_OK;
        if (!c->ok) {
            failed = true;
            if (c->report.category == MONGOURI_TLS_OK)
                c->report.category = MONGOURI_TLS_HANDSHAKE_FAILED;
            if (c->report.detail[0] == '\0') {
                ensure_message(&err, st, "the connection check");
                snprintf(c->report.detail, sizeof c->report.detail, "%s", err.message);
            }
            if (c->report.hint[0] == '\0' && err.hint[0] != '\0')
                snprintf(c->report.hint, sizeof c->report.hint, "%s", err.hint);
        }
    }
    if (failed && r->exit_code == VU_EXIT_VALID)
        r->exit_code = VU_EXIT_CONNECT;
}

void vu_run(const vu_config *cfg, const char *input, size_t len, vu_result *r)
{
    mongouri_parse_options opts = MONGOURI_PARSE_OPTIONS_INIT;
    mongouri_status st;

    memset(r, 0, sizeof *r);
    r->input = input;
    r->input_len = len;
    r->exit_code = VU_EXIT_VALID;
    if (cfg->keyword_failed) {
        r->error = cfg->keyword_error;
        r->exit_code = VU_EXIT_INVALID;
        return;
    }
    opts.flags = cfg->strict ? MONGOURI_PARSE_STRICT : 0u;
    opts.keywords = cfg->keywords;
    st = mongouri_uri_parse_len(&r->parsed, input, len, &opts, &r->error);
    if (st != MONGOURI_OK || r->parsed == NULL) {
        mongouri_uri_destroy(r->parsed);
        r->parsed = NULL;
        ensure_message(&r->error, st, "parsing");
        r->exit_code = VU_EXIT_INVALID;
        return;
    }
    if (cfg->resolve && mongouri_uri_scheme(r->parsed) == MONGOURI_SCHEME_MONGODB_SRV)
        run_resolve(cfg, r);
    if (cfg->check_files)
        run_check_files(r);
    /* Probing needs real hosts and usable files. */
    if (cfg->connect && (!r->resolve_done || r->resolve_ok) && (!r->files_done || r->files_ok))
        run_connect(cfg, r);
}

void vu_result_free(vu_result *r)
{
    mongouri_uri_destroy(r->parsed);
    mongouri_uri_destroy(r->resolved);
    mongouri_resolve_report_destroy(r->resolve_report);
    for (size_t i = 0; i < r->nconnections; i++)
        free(r->connections[i].host);
    free(r->connections);
    memset(r, 0, sizeof *r);
}
