/*
 * validate-uri: the JSON object of the contract. The library gives the tree
 * of the parse (mongouri_json_tree); the checks beyond parsing add their
 * members (resolution, files, connections) before it is printed.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "validate-uri.h"

/* The library's JSON shape of one error, as member `key` of `o`. */
static bool add_error(cJSON *o, const char *key, const mongouri_error *err, unsigned int flags)
{
    cJSON *doc = mongouri_json_tree(NULL, NULL, err, flags);
    cJSON *item = doc != NULL ? cJSON_DetachItemFromObjectCaseSensitive(doc, "error") : NULL;
    bool ok = item != NULL && cJSON_AddItemToObject(o, key, item);

    if (!ok)
        mongouri_json_tree_free(item);
    mongouri_json_tree_free(doc);
    return ok;
}

/* A new object at the end of `arr`; NULL on OOM. */
static cJSON *push_object(cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();

    if (o != NULL && !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
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
        cJSON *q = push_object(queries);

        if (q == NULL)
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
        cJSON *rec = push_object(srv);

        if (rec == NULL)
            return false;
        if (!add_string_or_null(rec, "target", mongouri_resolve_report_srv_target(rep, i)) ||
            cJSON_AddNumberToObject(rec, "port", mongouri_resolve_report_srv_port(rep, i)) == NULL)
            return false;
    }
    txt = vu_txt_shown(r, show_secrets);
    ok = add_string_or_null(o, "txt", txt);
    if (txt != NULL) {
        mongouri_wipe(txt, strlen(txt));
        free(txt);
    }
    return ok;
}

static bool add_resolution(cJSON *root, const vu_result *r, bool show_secrets)
{
    cJSON *o = cJSON_AddObjectToObject(root, "resolution");

    if (o == NULL)
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
    cJSON *o = cJSON_AddObjectToObject(root, "files"), *checked;

    if (o == NULL)
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
    for (size_t i = 0; i < 3; i++) {
        cJSON *path = paths[i] != NULL ? cJSON_CreateString(paths[i]) : NULL;

        if (paths[i] != NULL && (path == NULL || !cJSON_AddItemToArray(checked, path))) {
            cJSON_Delete(path);
            return false;
        }
    }
    if (!add_string_or_null(o, "trustStore", r->trust_store))
        return false;
    if (r->files_ok)
        return cJSON_AddNullToObject(o, "error") != NULL;
    return add_error(o, "error", &r->files_error, flags);
}

static bool add_int_or_null(cJSON *o, const char *key, long value, long none)
{
    if (value == none)
        return cJSON_AddNullToObject(o, key) != NULL;
    return cJSON_AddNumberToObject(o, key, (double)value) != NULL;
}

/* Everything the handshake showed, field by field (report fields; "" and -1 are null). */
static bool add_tls_report(cJSON *o, const mongouri_tls_report *t)
{
    cJSON *rev;

    if (o == NULL)
        return false;
    if (!add_string_or_null(o, "expectedName", t->expected_name) ||
        !add_string_or_null(o, "peerSubject", t->peer_subject) ||
        !add_string_or_null(o, "peerNames", t->peer_names) ||
        !add_string_or_null(o, "peerNotAfter", t->peer_not_after) ||
        cJSON_AddNumberToObject(o, "verifyError", t->verify_error) == NULL ||
        !add_string_or_null(o, "verifyErrorText", vu_verify_error_text(t->verify_error)) ||
        !add_int_or_null(o, "verifyDepth", t->verify_depth, -1) ||
        !add_string_or_null(o, "verifySubject", t->verify_subject))
        return false;
    rev = cJSON_AddObjectToObject(o, "revocation");
    if (rev == NULL ||
        cJSON_AddStringToObject(
            rev, "source", mongouri_tls_revocation_source_name(t->revocation_source)) == NULL ||
        !add_string_or_null(rev, "status", t->revocation_status) ||
        !add_string_or_null(rev, "reason", t->revocation_reason) ||
        !add_string_or_null(rev, "detail", t->revocation_detail))
        return false;
    if (!add_string_or_null(o, "versionsOffered", t->versions_offered) ||
        !add_string_or_null(o, "version", t->version) ||
        !add_string_or_null(o, "serverVersion", t->server_version) ||
        !add_int_or_null(o, "alertReceived", t->alert_received, -1) ||
        !add_string_or_null(o, "alertReceivedText", vu_alert_text(t->alert_received)) ||
        !add_int_or_null(o, "alertSent", t->alert_sent, -1) ||
        !add_string_or_null(o, "alertSentText", vu_alert_text(t->alert_sent)) ||
        !add_string_or_null(o, "opensslError", t->openssl_error) ||
        !add_int_or_null(o, "elapsedMs", t->elapsed_ms, -1))
        return false;
    return true;
}

static bool add_connections(cJSON *root, const vu_result *r)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "connections");

    if (arr == NULL)
        return false;
    for (size_t i = 0; i < r->nconnections; i++) {
        const vu_connection *c = &r->connections[i];
        cJSON *o = push_object(arr);

        if (o == NULL)
            return false;
        if (cJSON_AddStringToObject(o, "host", c->host) == NULL ||
            (c->port != 0 ? cJSON_AddNumberToObject(o, "port", c->port)
                          : cJSON_AddNullToObject(o, "port")) == NULL ||
            cJSON_AddBoolToObject(o, "ok", c->ok) == NULL ||
            cJSON_AddStringToObject(o, "category",
                                    mongouri_tls_category_name(c->report.category)) == NULL ||
            cJSON_AddStringToObject(o, "detail", c->report.detail) == NULL ||
            cJSON_AddStringToObject(o, "hint", c->report.hint) == NULL ||
            !add_tls_report(cJSON_AddObjectToObject(o, "tls"), &c->report))
            return false;
    }
    return true;
}

bool vu_print_json(FILE *out, const vu_config *cfg, const vu_result *r, bool pretty)
{
    unsigned int flags = cfg->show_secrets ? MONGOURI_JSON_SHOW_SECRETS : 0u;
    const mongouri_error *err = NULL;
    const mongouri_uri *uri = NULL;
    bool extra = r->parsed != NULL;
    char *printed;
    cJSON *root;
    bool ok = false;

    if (r->parsed == NULL)
        err = &r->error;
    else if (r->resolve_done && !r->resolve_ok)
        err = &r->resolve_error;
    else
        uri = vu_result_uri(r);

    root = mongouri_json_tree(r->input, uri, err, flags);
    if (root == NULL)
        return false;
    /* The checks beyond parsing add their own members to the library's object. */
    if (extra && cfg->resolve && !add_resolution(root, r, cfg->show_secrets))
        goto done;
    if (extra && r->files_done && !add_files(root, r, flags))
        goto done;
    if (extra && cfg->connect && !add_connections(root, r))
        goto done;
    printed = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    if (printed == NULL)
        goto done;
    fputs(printed, out);
    fputc('\n', out);
    if (cfg->show_secrets)
        mongouri_wipe(printed, strlen(printed));
    cJSON_free(printed);
    ok = true;
done:
    mongouri_json_tree_free(root);
    return ok;
}
