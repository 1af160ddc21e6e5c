/*
 * validate-uri: the checks run on one connection string (parse, resolve,
 * file check, connection probes) and its JSON object.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "validate-uri.h"

const mongouri_uri *vu_result_uri(const vu_result *r)
{
    return r->resolved != NULL ? r->resolved : r->parsed;
}

void vu_wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;

    while (n-- > 0)
        *b++ = 0;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

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
    double t0;

    ro.dns_servers = cfg->dns_server;
    ro.deadline_ms = cfg->timeout_ms;
    r->resolve_done = true;
    t0 = now_ms();
    st = mongouri_uri_resolve_ex(&r->resolved, &r->resolve_report, r->parsed, &ro,
                                 &r->resolve_error);
    r->resolve_ms = now_ms() - t0;
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

char *vu_txt_shown(const vu_result *r, bool show_secrets)
{
    static const char prefix[] = "mongodb://txt/?";
    const char *txt = mongouri_resolve_report_txt(r->resolve_report);
    size_t n, plen = sizeof prefix - 1;
    char *wrapped, *redacted, *shown;

    if (txt == NULL)
        return NULL;
    n = strlen(txt);
    if (show_secrets)
        return strdup(txt);
    /* The record is a URI query: the library's redaction of a URI hides its secrets. */
    wrapped = malloc(plen + n + 1);
    if (wrapped == NULL)
        return NULL;
    memcpy(wrapped, prefix, plen);
    memcpy(wrapped + plen, txt, n + 1);
    redacted = mongouri_redact(wrapped, -1, NULL);
    vu_wipe(wrapped, plen + n);
    free(wrapped);
    if (redacted == NULL)
        return NULL;
    if (strncmp(redacted, prefix, plen) == 0)
        shown = strdup(redacted + plen);
    else
        shown = strdup("(hidden: the record could not be redacted)");
    mongouri_free(redacted);
    return shown;
}

const char *vu_verify_error_text(int verify_error)
{
    return verify_error == 0 ? "" : X509_verify_cert_error_string(verify_error);
}

const char *vu_alert_text(int alert)
{
    const char *text;

    if (alert < 0)
        return "";
    /* TLS 1.3 alerts OpenSSL 3.0 has no long text for (RFC 8446, 6.2; RFC 7301). */
    switch (alert) {
    case 109:
        return "missing extension";
    case 115:
        return "unknown PSK identity";
    case 116:
        return "certificate required";
    case 120:
        return "no application protocol";
    default:
        break;
    }
    text = SSL_alert_desc_string_long(alert);
    return text != NULL && strcmp(text, "unknown") != 0 ? text : "unknown alert";
}

const char *vu_tls_guide_term(const mongouri_tls_report *t, bool verify_certificates)
{
    switch (t->category) {
    case MONGOURI_TLS_UNKNOWN_CA:
    case MONGOURI_TLS_EXPIRED:
    case MONGOURI_TLS_NOT_YET_VALID:
    case MONGOURI_TLS_HOSTNAME_MISMATCH:
        return "certificate verify failed";
    case MONGOURI_TLS_REVOKED:
        return t->revocation_source == MONGOURI_TLS_REV_CRL ? "certificate verify failed"
                                                            : "invalid status response";
    case MONGOURI_TLS_OCSP_INVALID:
    case MONGOURI_TLS_MUST_STAPLE_MISSING:
        return "invalid status response";
    case MONGOURI_TLS_PROTOCOL_VERSION:
        return t->alert_received == 70 ? "tlsv1 alert protocol version" : "unsupported protocol";
    case MONGOURI_TLS_CLIENT_CERTIFICATE:
    case MONGOURI_TLS_HANDSHAKE_FAILED:
        if (verify_certificates && t->verify_error != 0 && t->alert_received < 0)
            return "certificate verify failed";
        if (t->alert_received == 40)
            return "sslv3 alert handshake failure";
        if (t->alert_received == 116)
            return "tlsv13 alert certificate required";
        return NULL;
    default:
        return NULL;
    }
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

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

/* The library's JSON shape of one error, as a detached cJSON item. */
static cJSON *error_item(const vu_result *r, const mongouri_error *err, unsigned int flags)
{
    char *text = mongouri_json_render(r->input, NULL, err, flags);
    cJSON *doc, *item = NULL;

    if (text == NULL)
        return NULL;
    doc = cJSON_Parse(text);
    mongouri_free(text);
    if (doc != NULL)
        item = cJSON_DetachItemFromObjectCaseSensitive(doc, "error");
    cJSON_Delete(doc);
    return item;
}

static bool add_item(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return false;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static bool push_item(cJSON *arr, cJSON *item)
{
    if (item == NULL)
        return false;
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

/* Milliseconds rounded to the microsecond, for stable-looking numbers. */
static double round_ms(double ms)
{
    return (double)(long long)(ms * 1000.0 + (ms >= 0 ? 0.5 : -0.5)) / 1000.0;
}

static bool add_string_or_null(cJSON *o, const char *key, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddStringToObject(o, key, value) != NULL;
}

/* The queries, the raw SRV answer and the TXT record of a resolution. */
static bool add_resolve_report(cJSON *o, const vu_result *r, bool show_secrets)
{
    const mongouri_resolve_report *rep = r->resolve_report;
    size_t nq = mongouri_resolve_report_query_count(rep);
    size_t ns = mongouri_resolve_report_srv_count(rep);
    cJSON *queries, *srv;
    char *txt;
    bool ok;

    if (!add_string_or_null(o, "servers",
                            rep != NULL ? mongouri_resolve_report_servers(rep) : NULL))
        return false;
    if ((queries = cJSON_AddArrayToObject(o, "queries")) == NULL)
        return false;
    for (size_t i = 0; i < nq; i++) {
        cJSON *q = cJSON_CreateObject();

        if (!push_item(queries, q))
            return false;
        if (!add_string_or_null(q, "type", mongouri_resolve_report_query_type(rep, i)) ||
            !add_string_or_null(q, "name", mongouri_resolve_report_query_name(rep, i)) ||
            !add_string_or_null(q, "outcome", mongouri_resolve_report_query_outcome(rep, i)) ||
            !add_string_or_null(q, "server", mongouri_resolve_report_query_server(rep, i)) ||
            !add_string_or_null(q, "attempts", mongouri_resolve_report_query_attempts(rep, i)) ||
            cJSON_AddNumberToObject(
                q, "records", (double)mongouri_resolve_report_query_records(rep, i)) == NULL ||
            cJSON_AddNumberToObject(q, "ms", round_ms(mongouri_resolve_report_query_ms(rep, i))) ==
                NULL)
            return false;
    }
    if ((srv = cJSON_AddArrayToObject(o, "srv")) == NULL)
        return false;
    for (size_t i = 0; i < ns; i++) {
        cJSON *rec = cJSON_CreateObject();

        if (!push_item(srv, rec))
            return false;
        if (!add_string_or_null(rec, "target", mongouri_resolve_report_srv_target(rep, i)) ||
            cJSON_AddNumberToObject(rec, "port", mongouri_resolve_report_srv_port(rep, i)) == NULL)
            return false;
    }
    txt = vu_txt_shown(r, show_secrets);
    ok = add_string_or_null(o, "txt", txt);
    if (txt != NULL) {
        vu_wipe(txt, strlen(txt));
        free(txt);
    }
    return ok;
}

static bool add_resolution(cJSON *root, const vu_result *r, bool show_secrets)
{
    cJSON *o = cJSON_CreateObject();

    if (!add_item(root, "resolution", o))
        return false;
    if (cJSON_AddBoolToObject(o, "performed", r->resolve_done) == NULL ||
        cJSON_AddBoolToObject(o, "ok", !r->resolve_done || r->resolve_ok) == NULL)
        return false;
    if (r->resolve_done && cJSON_AddNumberToObject(o, "elapsedMs", round_ms(r->resolve_ms)) == NULL)
        return false;
    return add_resolve_report(o, r, show_secrets);
}

static bool add_files(cJSON *root, const vu_result *r, unsigned int flags)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));
    const char *paths[3] = {NULL, NULL, NULL};
    cJSON *o = cJSON_CreateObject(), *checked;

    if (!add_item(root, "files", o))
        return false;
    if (cJSON_AddBoolToObject(o, "ok", r->files_ok) == NULL)
        return false;
    if ((checked = cJSON_AddArrayToObject(o, "checked")) == NULL)
        return false;
    if (tls != NULL) {
        paths[0] = mongouri_tls_ca_file(tls);
        paths[1] = mongouri_tls_certificate_key_file(tls);
        paths[2] = mongouri_tls_crl_file(tls);
    }
    for (size_t i = 0; i < 3; i++)
        if (paths[i] != NULL && !push_item(checked, cJSON_CreateString(paths[i])))
            return false;
    if (!add_string_or_null(o, "trustStore", r->trust_store))
        return false;
    if (r->files_ok)
        return cJSON_AddNullToObject(o, "error") != NULL;
    return add_item(o, "error", error_item(r, &r->files_error, flags));
}

static bool add_int_or_null(cJSON *o, const char *key, long value, long none)
{
    if (value == none)
        return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddNumberToObject(o, key, (double)value) != NULL;
}

/* Everything the handshake showed, field by field (report fields; "" and -1 are null). */
static cJSON *tls_report_item(const mongouri_tls_report *t)
{
    cJSON *o = cJSON_CreateObject(), *rev;

    if (o == NULL)
        return NULL;
    if (!add_string_or_null(o, "expectedName", t->expected_name) ||
        !add_string_or_null(o, "peerSubject", t->peer_subject) ||
        !add_string_or_null(o, "peerNames", t->peer_names) ||
        !add_string_or_null(o, "peerNotAfter", t->peer_not_after) ||
        cJSON_AddNumberToObject(o, "verifyError", t->verify_error) == NULL ||
        !add_string_or_null(o, "verifyErrorText", vu_verify_error_text(t->verify_error)) ||
        !add_int_or_null(o, "verifyDepth", t->verify_depth, -1) ||
        !add_string_or_null(o, "verifySubject", t->verify_subject))
        goto fail;
    rev = cJSON_AddObjectToObject(o, "revocation");
    if (rev == NULL ||
        cJSON_AddStringToObject(
            rev, "source", mongouri_tls_revocation_source_name(t->revocation_source)) == NULL ||
        !add_string_or_null(rev, "status", t->revocation_status) ||
        !add_string_or_null(rev, "reason", t->revocation_reason) ||
        !add_string_or_null(rev, "detail", t->revocation_detail))
        goto fail;
    if (!add_string_or_null(o, "versionsOffered", t->versions_offered) ||
        !add_string_or_null(o, "version", t->version) ||
        !add_string_or_null(o, "serverVersion", t->server_version) ||
        !add_int_or_null(o, "alertReceived", t->alert_received, -1) ||
        !add_string_or_null(o, "alertReceivedText", vu_alert_text(t->alert_received)) ||
        !add_int_or_null(o, "alertSent", t->alert_sent, -1) ||
        !add_string_or_null(o, "alertSentText", vu_alert_text(t->alert_sent)) ||
        !add_string_or_null(o, "opensslError", t->openssl_error) ||
        !add_int_or_null(o, "elapsedMs", t->elapsed_ms, -1))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static bool add_connections(cJSON *root, const vu_result *r)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "connections");

    if (arr == NULL)
        return false;
    for (size_t i = 0; i < r->nconnections; i++) {
        const vu_connection *c = &r->connections[i];
        cJSON *o = cJSON_CreateObject();

        if (!push_item(arr, o))
            return false;
        if (cJSON_AddStringToObject(o, "host", c->host) == NULL ||
            (c->port != 0 ? cJSON_AddNumberToObject(o, "port", c->port)
                          : cJSON_AddNullToObject(o, "port")) == NULL ||
            cJSON_AddBoolToObject(o, "ok", c->ok) == NULL ||
            cJSON_AddStringToObject(o, "category",
                                    mongouri_tls_category_name(c->report.category)) == NULL ||
            cJSON_AddStringToObject(o, "detail", c->report.detail) == NULL ||
            cJSON_AddStringToObject(o, "hint", c->report.hint) == NULL ||
            !add_item(o, "tls", tls_report_item(&c->report)))
            return false;
    }
    return true;
}

bool vu_print_json(FILE *out, const vu_config *cfg, const vu_result *r, bool pretty)
{
    unsigned int flags = cfg->show_secrets ? MONGOURI_JSON_SHOW_SECRETS : 0u;
    const mongouri_error *err = NULL;
    const mongouri_uri *uri = NULL;
    bool extra = r->parsed != NULL && (cfg->resolve || cfg->check_files || cfg->connect);
    char *text, *printed;
    cJSON *root;
    bool ok = false;

    if (r->parsed == NULL)
        err = &r->error;
    else if (r->resolve_done && !r->resolve_ok)
        err = &r->resolve_error;
    else
        uri = vu_result_uri(r);

    text = mongouri_json_render(r->input, uri, err,
                                flags | (pretty && !extra ? MONGOURI_JSON_PRETTY : 0u));
    if (text == NULL)
        return false;
    if (!extra) {
        fputs(text, out);
        fputc('\n', out);
        mongouri_free(text);
        return true;
    }
    /* The checks beyond parsing add their own keys to the library's object. */
    root = cJSON_Parse(text);
    mongouri_free(text);
    if (root == NULL)
        return false;
    if (cfg->resolve && !add_resolution(root, r, cfg->show_secrets))
        goto done;
    if (r->files_done && !add_files(root, r, flags))
        goto done;
    if (cfg->connect && !add_connections(root, r))
        goto done;
    printed = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    if (printed == NULL)
        goto done;
    fputs(printed, out);
    fputc('\n', out);
    cJSON_free(printed);
    ok = true;
done:
    cJSON_Delete(root);
    return ok;
}
