/*
 * validate-uri, human output: what the connection string means: hosts,
 * credentials, the normalized TLS settings with the provenance of each
 * value, the other options and every warning.
 */
#include <stdlib.h>
#include <string.h>

#include "validate-uri-human.h"

static const char *source_word(mongouri_source s)
{
    switch (s) {
    case MONGOURI_SOURCE_URI:
        return "URI";
    case MONGOURI_SOURCE_KEYWORD:
        return "keyword";
    case MONGOURI_SOURCE_TXT:
        return "DNS TXT record";
    case MONGOURI_SOURCE_IMPLIED:
        return "implied";
    default:
        return "default";
    }
}

void vu_print_hosts(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = vu_result_uri(r);
    bool srv = mongouri_uri_scheme(uri) == MONGOURI_SCHEME_MONGODB_SRV;
    size_t n = mongouri_uri_host_count(uri);

    if (srv && r->resolve_ok)
        vu_heading(out, cfg, "Hosts (seed list from DNS SRV)");
    else
        vu_heading(out, cfg, "Hosts");
    for (size_t i = 0; i < n; i++) {
        const char *host = mongouri_uri_host(uri, i);
        uint16_t port = mongouri_uri_host_port(uri, i);
        mongouri_host_type type = mongouri_uri_host_type(uri, i);

        fputs("  ", out);
        if (type == MONGOURI_HOST_IP_LITERAL)
            fputc('[', out);
        vu_put_text(out, host != NULL ? host : "");
        if (type == MONGOURI_HOST_IP_LITERAL)
            fputc(']', out);
        if (srv && !r->resolve_ok) {
            fprintf(out, "  SRV name: DNS turns it into the seed list%s\n",
                    r->resolve_done ? "" : " (--resolve looks it up)");
            continue;
        }
        if (type == MONGOURI_HOST_UNIX)
            fputs("  unix socket", out);
        else if (port != 0)
            fprintf(out, ":%u  %s", (unsigned)port, mongouri_host_type_name(type));
        else
            fprintf(out, ":%d (default port)  %s", VU_DEFAULT_PORT, mongouri_host_type_name(type));
        if (mongouri_uri_host_source(uri, i) == MONGOURI_SOURCE_TXT)
            fputs("  from DNS SRV", out);
        fputc('\n', out);
    }
}

static void print_secret(FILE *out, const vu_config *cfg, const char *value)
{
    if (value == NULL)
        fputs("none", out);
    else if (value[0] == '\0')
        fputs("(empty)", out);
    else if (cfg->show_secrets)
        vu_put_text(out, value);
    else
        fputs("**** (hidden; --show-secrets shows it)", out);
}

/* Text from the input, then spaces up to the provenance column. */
static void put_padded(FILE *out, const char *text)
{
    size_t width = 0;

    vu_put_text(out, text);
    for (const char *p = text; *p != '\0'; p++)
        width += ((unsigned char)*p & 0xC0) != 0x80;
    fprintf(out, "%*s", width < 30 ? (int)(30 - width) : 2, "");
}

void vu_print_credentials(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    const char *db = mongouri_uri_database(uri);

    vu_heading(out, cfg, "Credentials");
    if (!mongouri_uri_has_credential(uri)) {
        fputs("  none: no authentication\n", out);
    } else {
        const char *user = mongouri_uri_username(uri);
        const char *mech = mongouri_uri_auth_mechanism(uri);
        const char *src = mongouri_uri_auth_source(uri);
        size_t np = mongouri_uri_auth_property_count(uri);

        vu_label(out, "username");
        if (user != NULL)
            vu_put_text(out, user);
        else
            fputs("none", out);
        fputc('\n', out);
        vu_label(out, "password");
        print_secret(out, cfg, mongouri_uri_password(uri));
        fputc('\n', out);
        vu_label(out, "mechanism");
        if (mech != NULL) {
            put_padded(out, mech);
            fprintf(out, "%s%s%s\n", vu_sty(cfg, C_DIM),
                    source_word(mongouri_uri_option_source(uri, "authMechanism")),
                    vu_sty(cfg, C_RESET));
        } else {
            fputs("not set: negotiated with the server (SCRAM-SHA-256 or SCRAM-SHA-1)\n", out);
        }
        vu_label(out, "auth source");
        if (src != NULL) {
            mongouri_source s = mongouri_uri_option_source(uri, "authSource");
            const char *why = source_word(s);
            if (s == MONGOURI_SOURCE_DEFAULT)
                why = db != NULL && strcmp(db, src) == 0 ? "the database of the path"
                                                         : "default for the mechanism";
            /* the tokenizer's judgement of the authSource value, as in the echo */
            if (!cfg->show_secrets && mongouri_uri_option_hidden(uri, "authSource"))
                src = "****";
            put_padded(out, src);
            fprintf(out, "%s%s%s\n", vu_sty(cfg, C_DIM), why, vu_sty(cfg, C_RESET));
        } else {
            fputs("none\n", out);
        }
        for (size_t i = 0; i < np; i++) {
            const char *k = mongouri_uri_auth_property_key(uri, i);
            const char *v = mongouri_uri_auth_property_value(uri, i);
            mongouri_shown shown = mongouri_uri_auth_property_shown(uri, i);
            vu_label(out, i == 0 ? "mechanism properties" : "");
            if (!cfg->show_secrets && shown == MONGOURI_SHOWN_NONE) {
                /* this item and every one after it, names included */
                fputs("**** (hidden; --show-secrets shows it)\n", out);
                break;
            }
            vu_put_text(out, k != NULL ? k : "");
            fputc('=', out);
            if (shown != MONGOURI_SHOWN_ALL)
                print_secret(out, cfg, v);
            else
                vu_put_text(out, v != NULL ? v : "");
            fputc('\n', out);
        }
    }
    if (db != NULL) {
        vu_label(out, "database");
        vu_put_text(out, db);
        fputc('\n', out);
    }
}

static const char *const tls_labels[MONGOURI_TLS__FIELDS] = {
    "enabled",          "CA file",    "certificate/key file",
    "key password",     "CRL file",   "verify certificates",
    "verify hostnames", "revocation",
};

static void print_tls_row(FILE *out, const vu_config *cfg, const mongouri_tls_settings *tls,
                          mongouri_tls_field f, const char *value, bool secret, const char *none)
{
    char buf[64];
    int w;

    vu_label(out, tls_labels[f]);
    if (secret) {
        if (value == NULL) {
            w = fprintf(out, "none");
        } else if (cfg->show_secrets) {
            vu_put_text(out, value);
            w = (int)strlen(value);
        } else {
            w = fprintf(out, "****");
        }
    } else if (value != NULL) {
        vu_put_text(out, value);
        w = (int)strlen(value);
    } else {
        w = fprintf(out, "%s", none);
    }
    snprintf(buf, sizeof buf, "%*s", w < 30 ? 30 - w : 1, "");
    fputs(buf, out);
    fprintf(out, "%s", vu_sty(cfg, C_DIM));
    vu_put_text(out, mongouri_tls_source_detail(tls, f));
    fprintf(out, "%s\n", vu_sty(cfg, C_RESET));
}

void vu_print_tls(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(uri);
    const char *ca, *cert, *crl;
    bool on;

    if (tls == NULL) {
        vu_heading(out, cfg, "TLS");
        fputs("  (no TLS settings)\n", out);
        return;
    }
    on = mongouri_tls_enabled(tls);
    ca = mongouri_tls_ca_file(tls);
    cert = mongouri_tls_certificate_key_file(tls);
    crl = mongouri_tls_crl_file(tls);
    vu_heading(out, cfg, on ? "TLS: on" : "TLS: off");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_ENABLED, on ? "yes" : "no", false, "");
    if (!on) {
        fprintf(out, "  %sThe connection is not encrypted.%s\n", vu_sty(cfg, C_YELLOW),
                vu_sty(cfg, C_RESET));
        return;
    }
    print_tls_row(out, cfg, tls, MONGOURI_TLS_CA_FILE, ca, false, "none: system trust store");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_CERTIFICATE_KEY_FILE, cert, false,
                  "none: no client certificate");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD,
                  mongouri_tls_certificate_key_file_password(tls), true, "none");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_CRL_FILE, crl, false, "none");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_VERIFY_CERTIFICATES,
                  mongouri_tls_verify_certificates(tls) ? "yes" : "no", false, "");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_VERIFY_HOSTNAMES,
                  mongouri_tls_verify_hostnames(tls) ? "yes" : "no", false, "");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_REVOCATION,
                  mongouri_revocation_name(mongouri_tls_revocation(tls)), false, "");

    /* The same, in sentences. */
    fputs("  The connection is encrypted.", out);
    if (mongouri_tls_verify_certificates(tls)) {
        fputs("\n  The server's certificate chain is checked against ", out);
        if (ca != NULL) {
            fputs("the CA certificates in ", out);
            vu_put_text(out, ca);
        } else {
            fputs("the system's trust store", out);
        }
        fputs(".", out);
    } else {
        fprintf(out,
                "\n  %sThe server's certificate is NOT checked: anyone on the network "
                "path can pose as the server.%s",
                vu_sty(cfg, C_YELLOW), vu_sty(cfg, C_RESET));
    }
    if (mongouri_tls_verify_hostnames(tls))
        fputs("\n  The certificate must name the host connected to.", out);
    else
        fprintf(out, "\n  %sThe host name in the certificate is NOT checked.%s",
                vu_sty(cfg, C_YELLOW), vu_sty(cfg, C_RESET));
    switch (mongouri_tls_revocation(tls)) {
    case MONGOURI_REVOCATION_OCSP:
        fputs("\n  Revocation: a stapled OCSP response, else the certificate's OCSP "
              "responders; allowed when neither answers.",
              out);
        break;
    case MONGOURI_REVOCATION_OCSP_STAPLE_ONLY:
        fputs("\n  Revocation: only a stapled OCSP response; responders are never "
              "contacted.",
              out);
        break;
    case MONGOURI_REVOCATION_CRL:
        fputs("\n  Revocation: the server's certificate is checked against the CRL in ", out);
        vu_put_text(out, crl != NULL ? crl : "the CRL file");
        fputs(".", out);
        break;
    default:
        fputs("\n  Revocation: not checked.", out);
        break;
    }
    if (cert != NULL) {
        fputs("\n  A client certificate is presented from ", out);
        vu_put_text(out, cert);
        fputs(mongouri_tls_certificate_key_file_password(tls) != NULL
                  ? " (its key is decrypted with the given password)."
                  : ".",
              out);
    }
    fputc('\n', out);
}

/* True for the options shown in the credentials or TLS sections instead. */
static bool shown_elsewhere(const mongouri_option_info *info)
{
    static const char *const names[] = {"tls", "authMechanism", "authSource",
                                        "authMechanismProperties"};

    if ((info->flags & MONGOURI_OPTION_TLS) != 0)
        return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(info->name, names[i]) == 0)
            return true;
    return false;
}

void vu_print_option_value(FILE *out, const vu_config *cfg, const mongouri_uri *uri,
                           const mongouri_option_info *info)
{
    bool b;
    int64_t i;
    const char *s = NULL;

    if (mongouri_uri_option_hidden(uri, info->name) && !cfg->show_secrets) {
        fputs("****", out);
        return;
    }
    if ((info->flags & MONGOURI_OPTION_SECRET) != 0) {
        if (mongouri_uri_get_string(uri, info->name, &s) != MONGOURI_OK || s == NULL)
            s = "";
        vu_put_text(out, s);
        return;
    }
    if (strcmp(info->name, "compressors") == 0) {
        size_t n = mongouri_uri_compressor_count(uri);
        for (size_t k = 0; k < n; k++) {
            if (k > 0)
                fputc(',', out);
            vu_put_text(out, mongouri_uri_compressor(uri, k));
        }
        if (n == 0)
            fputs("(none usable)", out);
        return;
    }
    if (info->type == MONGOURI_TYPE_TAGSETS) {
        size_t n = mongouri_uri_tag_set_count(uri);
        for (size_t k = 0; k < n; k++) {
            size_t m = mongouri_uri_tag_count(uri, k);
            fputs(k > 0 ? ", {" : "{", out);
            for (size_t t = 0; t < m; t++) {
                if (t > 0)
                    fputc(',', out);
                vu_put_text(out, mongouri_uri_tag_key(uri, k, t));
                fputc(':', out);
                vu_put_text(out, mongouri_uri_tag_value(uri, k, t));
            }
            fputc('}', out);
        }
        return;
    }
    if (mongouri_uri_get_bool(uri, info->name, &b) == MONGOURI_OK) {
        fputs(b ? "true" : "false", out);
        return;
    }
    if (mongouri_uri_get_int(uri, info->name, &i) == MONGOURI_OK) {
        fprintf(out, "%lld", (long long)i);
        return;
    }
    if (mongouri_uri_get_string(uri, info->name, &s) == MONGOURI_OK && s != NULL) {
        vu_put_text(out, s);
        return;
    }
    fputs("(set)", out);
}

/* The value, then spaces up to the provenance column. */
static void print_padded_value(FILE *out, const vu_config *cfg, const mongouri_uri *uri,
                               const mongouri_option_info *info)
{
    char *text = NULL;
    size_t len = 0, width = 0;
    FILE *mem = open_memstream(&text, &len);

    if (mem == NULL) {
        vu_print_option_value(out, cfg, uri, info);
        fputs("  ", out);
        return;
    }
    vu_print_option_value(mem, cfg, uri, info);
    fclose(mem);
    fputs(text, out);
    for (size_t i = 0; i < len; i++)
        width += ((unsigned char)text[i] & 0xC0) != 0x80;
    fprintf(out, "%*s", width < 30 ? (int)(30 - width) : 2, "");
    if (cfg->show_secrets)
        mongouri_wipe(text, len);
    free(text);
}

void vu_print_options(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    size_t n = mongouri_option_count(), shown = 0;

    vu_heading(out, cfg, "Options");
    for (size_t k = 0; k < n; k++) {
        const mongouri_option_info *info = mongouri_option_at(k);

        if (info == NULL || shown_elsewhere(info) || !mongouri_uri_has_option(uri, info->name))
            continue;
        vu_label(out, info->name);
        print_padded_value(out, cfg, uri, info);
        fprintf(out, "%s%s%s\n", vu_sty(cfg, C_DIM),
                source_word(mongouri_uri_option_source(uri, info->name)), vu_sty(cfg, C_RESET));
        shown++;
    }
    if (shown == 0)
        fputs("  none besides the above\n", out);
}

void vu_print_warnings(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = vu_result_uri(r);
    size_t n = mongouri_uri_warning_count(uri);

    vu_heading(out, cfg, "Warnings");
    if (n == 0) {
        fputs("  none\n", out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);

        if (w == NULL)
            continue;
        fprintf(out, "  %s%zu.%s ", vu_sty(cfg, C_YELLOW), i + 1, vu_sty(cfg, C_RESET));
        vu_put_text(out, w->message);
        fputc('\n', out);
        if (w->offset >= 0 && w->source == MONGOURI_SOURCE_URI)
            vu_print_caret(out, cfg, r->input, w->offset, w->length, "       ");
        vu_print_hint(out, cfg, r->input, w, "     ");
        vu_print_diag_line(out, cfg, w, "     ");
    }
    if (!cfg->strict)
        fputs("  An unknown option or an invalid value is ignored; --strict turns every "
              "warning\n  into an error.\n",
              out);
}
