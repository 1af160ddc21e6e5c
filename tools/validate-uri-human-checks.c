/*
 * validate-uri, human output: what the checks beyond parsing found: the DNS
 * resolution (--resolve), the files (--check-files) and each connection
 * (--connect).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "validate-uri-human.h"

/* The TXT options the resolution merged, "key=value, ..." on one row. */
static void print_txt_options(FILE *out, const vu_config *cfg, const mongouri_uri *resolved)
{
    size_t n = mongouri_option_count(), txt = 0;

    vu_label(out, "TXT options");
    for (size_t k = 0; k < n; k++) {
        const mongouri_option_info *info = mongouri_option_at(k);

        if (info == NULL || mongouri_uri_option_source(resolved, info->name) != MONGOURI_SOURCE_TXT)
            continue;
        if (txt > 0)
            fputs(", ", out);
        fputs(info->name, out);
        fputc('=', out);
        vu_print_option_value(out, cfg, resolved, info);
        txt++;
    }
    fputs(txt == 0 ? "none\n" : "\n", out);
}

/* What was asked of whom, what came back and how long it took. */
static void print_resolve_report(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_resolve_report *rep = r->resolve_report;
    size_t nq = mongouri_resolve_report_query_count(rep);
    size_t ns = mongouri_resolve_report_srv_count(rep);
    char *txt;

    vu_label(out, "DNS server");
    vu_put_text(out, mongouri_resolve_report_servers(rep));
    fputc('\n', out);
    if (nq == 0) {
        fputs("  no query was sent\n", out);
        return;
    }
    for (size_t i = 0; i < nq; i++) {
        const char *type = mongouri_resolve_report_query_type(rep, i);
        const char *outcome = mongouri_resolve_report_query_outcome(rep, i);
        size_t records = mongouri_resolve_report_query_records(rep, i);
        char name[32];

        snprintf(name, sizeof name, "%s query", type != NULL ? type : "?");
        vu_label(out, name);
        vu_put_text(out, mongouri_resolve_report_query_name(rep, i) != NULL
                             ? mongouri_resolve_report_query_name(rep, i)
                             : "");
        fputs(": ", out);
        vu_put_text(out, outcome != NULL ? outcome : "?");
        fprintf(out, ", %zu record%s, %.1f ms\n", records, records == 1 ? "" : "s",
                mongouri_resolve_report_query_ms(rep, i));
        /* Several servers, or a retry: each attempt, in order. */
        if (mongouri_resolve_report_query_attempts(rep, i) != NULL &&
            strchr(mongouri_resolve_report_query_attempts(rep, i), ',') != NULL) {
            vu_label(out, "  attempts");
            vu_put_text(out, mongouri_resolve_report_query_attempts(rep, i));
            fputc('\n', out);
        }
    }
    vu_label(out, "SRV answer");
    if (ns == 0)
        fputs("none\n", out);
    for (size_t i = 0; i < ns; i++) {
        const char *target = mongouri_resolve_report_srv_target(rep, i);

        if (i > 0)
            vu_label(out, "");
        vu_put_text(out, target != NULL && target[0] != '\0' ? target : ".");
        fprintf(out, ":%u\n", (unsigned)mongouri_resolve_report_srv_port(rep, i));
    }
    vu_label(out, "TXT record");
    txt = vu_txt_shown(r, cfg->show_secrets);
    if (txt != NULL) {
        fputc('"', out);
        vu_put_text(out, txt);
        fputs("\"\n", out);
        mongouri_wipe(txt, strlen(txt));
        free(txt);
    } else {
        fputs("none\n", out);
    }
}

void vu_print_resolution(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = r->parsed;
    const char *service = NULL;
    size_t seeds;

    vu_heading(out, cfg, "DNS (--resolve)");
    if (!r->resolve_done) {
        fputs("  not needed: a mongodb:// string lists its hosts itself\n", out);
        return;
    }
    if (r->resolve_report != NULL) {
        print_resolve_report(out, cfg, r);
    } else {
        /* No report (the resolver refused the arguments): say what was meant. */
        if (mongouri_uri_get_string(uri, "srvServiceName", &service) != MONGOURI_OK ||
            service == NULL)
            service = "mongodb";
        fputs("  queries: SRV _", out);
        vu_put_text(out, service);
        fputs("._tcp.", out);
        vu_put_text(out, mongouri_uri_host(uri, 0) != NULL ? mongouri_uri_host(uri, 0) : "");
        fputs(" and TXT ", out);
        vu_put_text(out, mongouri_uri_host(uri, 0) != NULL ? mongouri_uri_host(uri, 0) : "");
        fputs(", server ", out);
        vu_put_text(out, cfg->dns_server != NULL ? cfg->dns_server : "system resolver");
        fputc('\n', out);
    }
    if (!r->resolve_ok) {
        fprintf(out, "  %sfailed%s after %.1f ms\n", vu_sty(cfg, C_RED), vu_sty(cfg, C_RESET),
                r->resolve_ms);
        vu_print_error(out, cfg, r->input, &r->resolve_error, "  ", C_RED, false);
        return;
    }
    seeds = mongouri_uri_host_count(r->resolved);
    vu_label(out, "seed list");
    fprintf(out, "%zu seed%s (listed under Hosts), answered in %.1f ms\n", seeds,
            seeds == 1 ? "" : "s", r->resolve_ms);
    print_txt_options(out, cfg, r->resolved);
}

void vu_print_files(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));
    const char *names[3] = {"tlsCAFile", "tlsCertificateKeyFile", "tlsCRLFile"};
    const char *paths[3] = {NULL, NULL, NULL};
    size_t named = 0;

    vu_heading(out, cfg, "Files (--check-files)");
    if (tls != NULL) {
        paths[0] = mongouri_tls_ca_file(tls);
        paths[1] = mongouri_tls_certificate_key_file(tls);
        paths[2] = mongouri_tls_crl_file(tls);
    }
    if (r->trust_store[0] != '\0') {
        vu_label(out, "system trust store");
        vu_put_text(out, r->trust_store);
        fputc('\n', out);
    }
    if (!r->files_ok) {
        vu_print_error(out, cfg, r->input, &r->files_error, "  ", C_RED, false);
        return;
    }
    for (size_t i = 0; i < 3; i++) {
        if (paths[i] == NULL)
            continue;
        vu_label(out, names[i]);
        vu_put_text(out, paths[i]);
        fprintf(out, "  %sok%s\n", vu_sty(cfg, C_GREEN), vu_sty(cfg, C_RESET));
        named++;
    }
    if (r->trust_store[0] != '\0') {
        vu_label(out, "trust");
        fprintf(out, "no tlsCAFile: the system trust store above  %sok%s\n", vu_sty(cfg, C_GREEN),
                vu_sty(cfg, C_RESET));
        named++;
    }
    if (named == 0)
        fputs("  nothing to check: no tlsCAFile, tlsCertificateKeyFile or tlsCRLFile is set\n",
              out);
}

#define ROW_INDENT "      "
#define ROW_WIDTH 20

static void row(FILE *out, const char *name)
{
    fprintf(out, ROW_INDENT "%-*s ", ROW_WIDTH, name);
}

/* A row of text from the report, skipped when empty. */
static void text_row(FILE *out, const char *name, const char *value, const char *suffix)
{
    if (value[0] == '\0')
        return;
    row(out, name);
    vu_put_text(out, value);
    fputs(suffix, out);
    fputc('\n', out);
}

/* The chain check: passed, failed and why, or not enforced. */
static void print_chain_row(FILE *out, const mongouri_tls_report *t, bool verify)
{
    const char *why = vu_verify_error_text(t->verify_error);

    if (t->verify_error == 0 && t->peer_subject[0] == '\0' && t->version[0] == '\0')
        return; /* the handshake never got that far */
    row(out, "chain check");
    if (!verify) {
        fputs("off (certificates are not verified)", out);
        if (t->verify_error != 0)
            fprintf(out, "; it would fail: %s (X.509 error %d)", why, t->verify_error);
    } else if (t->verify_error == 0) {
        fputs(t->version[0] != '\0' ? "passed" : "no failure seen", out);
    } else {
        fprintf(out, "certificate verify failed: %s (X.509 error %d", why, t->verify_error);
        if (t->verify_depth >= 0)
            fprintf(out, " at depth %d", t->verify_depth);
        if (t->verify_subject[0] != '\0') {
            fputs(", ", out);
            vu_put_text(out, t->verify_subject);
        }
        fputc(')', out);
    }
    fputc('\n', out);
}

static void print_versions_row(FILE *out, const mongouri_tls_report *t)
{
    if (t->versions_offered[0] == '\0')
        return;
    row(out, "TLS versions");
    fprintf(out, "offered %s", t->versions_offered);
    if (t->version[0] != '\0')
        fprintf(out, ", negotiated %s", t->version);
    else if (t->server_version[0] != '\0')
        fprintf(out, "; the server speaks %s", t->server_version);
    else
        fputs(", none negotiated", out);
    fputc('\n', out);
}

static void print_alerts_row(FILE *out, const mongouri_tls_report *t)
{
    if (t->alert_received < 0 && t->alert_sent < 0)
        return;
    row(out, "TLS alert");
    if (t->alert_received >= 0)
        fprintf(out, "received %s (%d)", vu_alert_text(t->alert_received), t->alert_received);
    if (t->alert_sent >= 0)
        fprintf(out, "%ssent %s (%d)", t->alert_received >= 0 ? "; " : "",
                vu_alert_text(t->alert_sent), t->alert_sent);
    fputc('\n', out);
}

static void print_revocation_row(FILE *out, const mongouri_tls_report *t)
{
    row(out, "revocation");
    fprintf(out, "source %s", mongouri_tls_revocation_source_name(t->revocation_source));
    if (t->revocation_status[0] != '\0') {
        fputs(", status ", out);
        vu_put_text(out, t->revocation_status);
    }
    if (t->revocation_reason[0] != '\0') {
        fputs(", reason ", out);
        vu_put_text(out, t->revocation_reason);
    }
    if (t->revocation_detail[0] != '\0') {
        fputs("; ", out);
        vu_put_text(out, t->revocation_detail);
    }
    fputc('\n', out);
}

/* The failure in the troubleshooting guide's words, then the library's detail. */
static void print_detail_line(FILE *out, const vu_connection *c, bool verify)
{
    const char *term = c->ok ? NULL : vu_tls_guide_term(&c->report, verify);

    if (c->report.detail[0] == '\0' && term == NULL)
        return;
    fputs(ROW_INDENT, out);
    if (term != NULL && strstr(c->report.detail, term) == NULL) {
        fputs(term, out);
        if (c->report.detail[0] != '\0')
            fputs(": ", out);
    }
    vu_put_text(out, c->report.detail);
    fputc('\n', out);
}

static void print_connection(FILE *out, const vu_config *cfg, const vu_connection *c,
                             const mongouri_tls_settings *tls)
{
    const mongouri_tls_report *t = &c->report;
    bool on = tls != NULL && mongouri_tls_enabled(tls);
    bool verify = on && mongouri_tls_verify_certificates(tls);
    bool names = verify && mongouri_tls_verify_hostnames(tls);
    bool v6 = strchr(c->host, ':') != NULL && c->host[0] != '/';

    fputs(v6 ? "  [" : "  ", out);
    vu_put_text(out, c->host);
    if (v6)
        fputc(']', out);
    if (c->port != 0)
        fprintf(out, ":%u", (unsigned)c->port);
    if (c->ok)
        fprintf(out, "  %sok%s", vu_sty(cfg, C_GREEN), vu_sty(cfg, C_RESET));
    else
        fprintf(out, "  %sFAILED: %s%s", vu_sty(cfg, C_RED),
                mongouri_tls_category_name(t->category), vu_sty(cfg, C_RESET));
    if (t->elapsed_ms >= 0)
        fprintf(out, "  (%ld ms)", t->elapsed_ms);
    fputc('\n', out);
    print_detail_line(out, c, verify);
    if (on && t->category != MONGOURI_TLS_CONNECT_FAILED) {
        text_row(out, "name expected", t->expected_name,
                 !names ? " (not checked)"
                 : t->category == MONGOURI_TLS_HOSTNAME_MISMATCH
                     ? " (not among the certificate's names)"
                     : "");
        if (t->peer_subject[0] != '\0' && t->peer_names[0] == '\0')
            text_row(out, "certificate names", "none (no subjectAltName)", "");
        else
            text_row(out, "certificate names", t->peer_names, "");
        text_row(out, "certificate subject", t->peer_subject, "");
        text_row(out, "certificate expires", t->peer_not_after,
                 t->verify_error == X509_V_ERR_CERT_HAS_EXPIRED && t->verify_depth == 0
                     ? " (expired)"
                     : "");
        print_chain_row(out, t, verify);
        print_versions_row(out, t);
        print_alerts_row(out, t);
        if (t->versions_offered[0] != '\0')
            print_revocation_row(out, t);
        if (!c->ok)
            text_row(out, "OpenSSL error", t->openssl_error, "");
    }
    if (t->hint[0] != '\0') {
        fprintf(out, ROW_INDENT "%shint:%s ", vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RESET));
        vu_put_text(out, t->hint);
        fputc('\n', out);
    }
}

void vu_print_connections(FILE *out, const vu_config *cfg, const vu_result *r)
{
    int timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : VU_DEFAULT_CONNECT_TIMEOUT_MS;
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));

    vu_heading(out, cfg, "Connections (--connect)");
    if (r->resolve_done && !r->resolve_ok) {
        fputs("  not attempted: DNS resolution failed\n", out);
        return;
    }
    if (r->files_done && !r->files_ok) {
        fputs("  not attempted: a file check failed\n", out);
        return;
    }
    fprintf(out, "  timeout %d ms per host\n", timeout);
    for (size_t i = 0; i < r->nconnections; i++)
        print_connection(out, cfg, &r->connections[i], tls);
}
