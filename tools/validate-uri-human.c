/*
 * validate-uri: the human account of one connection string — a verdict line,
 * then hosts, credentials, the normalized TLS settings with the provenance of
 * each value, the other options and every warning; for an error, the message,
 * the (redacted) URI with a caret under the offending byte, and a hint.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

#include "validate-uri.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

#define LABEL_WIDTH 22

static const char *sty(const vu_config *cfg, const char *code)
{
    return cfg->color ? code : "";
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/*
 * Print text that came from the input: control bytes and invalid UTF-8 are
 * escaped as \xNN, so a connection string cannot drive the terminal.
 */
static void put_text(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);

    for (size_t i = 0; i < n;) {
        size_t len = utf8_len(s + i, n - i);

        if (len == 0 || s[i] < 0x20 || s[i] == 0x7F) {
            fprintf(out, "\\x%02X", s[i]);
            i++;
            continue;
        }
        fwrite(s + i, 1, len, out);
        i += len;
    }
}

static void heading(FILE *out, const vu_config *cfg, const char *title)
{
    fprintf(out, "\n%s%s%s\n", sty(cfg, C_BOLD), title, sty(cfg, C_RESET));
}

static void label(FILE *out, const char *name)
{
    fprintf(out, "  %-*s ", LABEL_WIDTH, name);
}

/* ------------------------------------------------------------------------ */
/* The URI with a caret                                                      */
/* ------------------------------------------------------------------------ */

#define CARET_WINDOW 70

/*
 * Print the input (redacted unless --show-secrets) on one line and, under
 * it, a caret at byte `offset` with a tilde run covering `length` bytes.
 * Columns count characters, not bytes; long strings are cut around the
 * caret.
 */
static void print_caret(FILE *out, const vu_config *cfg, const char *input, long offset,
                        long length, const char *indent)
{
    size_t ilen = strlen(input);
    long doff = -1, dend = -1;
    char *disp;
    size_t dlen, start = 0, end, col = 0, ccol = 0, ecol = 0;
    bool cset = false, eset = false;

    if (cfg->show_secrets) {
        disp = malloc(ilen + 1);
        if (disp == NULL)
            return;
        memcpy(disp, input, ilen + 1);
        doff = offset;
        dend = offset + (length > 1 ? length - 1 : 0);
    } else {
        disp = mongouri_redact(input, offset, &doff);
        if (disp == NULL)
            return;
        dend = doff;
        if (length > 1) {
            long e = -1;
            char *tmp = mongouri_redact(input, offset + length - 1, &e);
            mongouri_free(tmp);
            if (e >= doff)
                dend = e;
        }
    }
    dlen = strlen(disp);
    if (doff < 0 && offset >= (long)ilen)
        doff = (long)dlen;
    if (doff < 0) {
        /* No position to point at: show the string alone. */
        fputs(indent, out);
        put_text(out, disp);
        fputc('\n', out);
        goto done;
    }
    if ((size_t)doff > dlen)
        doff = (long)dlen;
    if (dend < doff)
        dend = doff;
    if ((size_t)dend > dlen)
        dend = (long)dlen;

    end = dlen;
    if (dlen > 2 * CARET_WINDOW + 20) {
        start = (size_t)doff > CARET_WINDOW ? (size_t)doff - CARET_WINDOW : 0;
        end = (size_t)doff + CARET_WINDOW < dlen ? (size_t)doff + CARET_WINDOW : dlen;
        while (start > 0 && ((unsigned char)disp[start] & 0xC0) == 0x80)
            start--;
        while (end < dlen && ((unsigned char)disp[end] & 0xC0) == 0x80)
            end++;
    }

    fputs(indent, out);
    if (start > 0) {
        fputs("...", out);
        col = 3;
    }
    for (size_t i = start; i < end;) {
        const unsigned char *s = (const unsigned char *)disp + i;
        size_t len = utf8_len(s, end - i);
        bool plain = len != 0 && s[0] >= 0x20 && s[0] != 0x7F;

        if (!plain)
            len = 1;
        for (size_t j = i; j < i + len; j++) {
            if ((long)j == doff) {
                ccol = col;
                cset = true;
            }
            if ((long)j == dend) {
                ecol = col;
                eset = true;
            }
        }
        if (plain)
            fwrite(s, 1, len, out);
        else
            fputc('?', out);
        col++;
        i += len;
    }
    if (end < dlen)
        fputs("...", out);
    fputc('\n', out);
    if (!cset)
        ccol = col;
    if (!eset)
        ecol = ccol > col ? ccol : col;
    if (ecol < ccol)
        ecol = ccol;

    fputs(indent, out);
    for (size_t i = 0; i < ccol; i++)
        fputc(' ', out);
    fprintf(out, "%s^", sty(cfg, C_RED));
    for (size_t i = ccol; i < ecol; i++)
        fputc('~', out);
    fprintf(out, "%s\n", sty(cfg, C_RESET));
done:
    if (cfg->show_secrets)
        free(disp);
    else
        mongouri_free(disp);
}

/* ------------------------------------------------------------------------ */
/* Hints the library did not give                                            */
/* ------------------------------------------------------------------------ */

static void fallback_hint(const char *input, const mongouri_error *err, char *buf, size_t size)
{
    size_t ilen = strlen(input);

    buf[0] = '\0';
    switch (err->code) {
    case MONGOURI_D_UNKNOWN_OPTION:
        if (err->offset >= 0 && (size_t)err->offset < ilen) {
            const char *key = input + err->offset;
            size_t n = strcspn(key, "=&");
            const char *near = vu_suggest_option(key, n);
            if (near != NULL)
                snprintf(buf, size, "did you mean %s?", near);
        }
        break;
    case MONGOURI_D_BAD_USERINFO:
    case MONGOURI_D_BAD_ESCAPE:
        if (err->offset >= 0 && (size_t)err->offset < ilen &&
            strchr("@:/?#[]%", input[err->offset]) != NULL) {
            char c = input[err->offset];
            snprintf(buf, size,
                     "a '%c' in the user name or password must be percent-encoded: "
                     "write it as %%%02X",
                     c, (unsigned)(unsigned char)c);
        } else {
            snprintf(buf, size,
                     "percent-encode reserved characters in the user name and password: "
                     "@ as %%40, : as %%3A, / as %%2F, ? as %%3F, # as %%23, %% as %%25");
        }
        break;
    case MONGOURI_D_BAD_SCHEME:
        snprintf(buf, size,
                 "a connection string starts with mongodb:// (a list of hosts) "
                 "or mongodb+srv:// (one DNS name)");
        break;
    case MONGOURI_D_BAD_PORT:
        snprintf(buf, size,
                 "a port is a number from 1 to 65535; "
                 "an IPv6 address goes in brackets, as in [::1]:27017");
        break;
    case MONGOURI_D_MALFORMED_OPTION:
        snprintf(buf, size, "write each option as key=value and separate options with &");
        break;
    default:
        break;
    }
}

static void print_hint(FILE *out, const vu_config *cfg, const char *input,
                       const mongouri_error *err, const char *indent)
{
    char buf[320];
    const char *hint = err->hint;

    if (hint[0] == '\0') {
        fallback_hint(input, err, buf, sizeof buf);
        hint = buf;
    }
    if (hint[0] == '\0')
        return;
    fprintf(out, "%s%shint:%s ", indent, sty(cfg, C_BOLD), sty(cfg, C_RESET));
    put_text(out, hint);
    fputc('\n', out);
}

static const char *source_phrase(mongouri_source s)
{
    switch (s) {
    case MONGOURI_SOURCE_URI:
        return "the URI";
    case MONGOURI_SOURCE_KEYWORD:
        return "a keyword option";
    case MONGOURI_SOURCE_TXT:
        return "DNS";
    case MONGOURI_SOURCE_IMPLIED:
        return "the combined settings";
    default:
        return "the settings";
    }
}

/* "(bad-port, option tlsCAFile, byte 12, from the URI)" */
static void print_diag_line(FILE *out, const vu_config *cfg, const mongouri_error *err,
                            const char *indent)
{
    fprintf(out, "%s%s(%s", indent, sty(cfg, C_DIM), mongouri_diag_name(err->code));
    if (err->option[0] != '\0') {
        fputs(", option ", out);
        put_text(out, err->option);
    }
    if (err->offset >= 0)
        fprintf(out, ", byte %ld", err->offset);
    fprintf(out, ", from %s)%s\n", source_phrase(err->source), sty(cfg, C_RESET));
}

/* Message, URI with caret, hint, diagnosis. */
static void print_error(FILE *out, const vu_config *cfg, const char *input,
                        const mongouri_error *err, const char *indent, const char *color,
                        bool show_uri)
{
    char sub[32];

    fprintf(out, "%s%serror:%s ", indent, sty(cfg, color), sty(cfg, C_RESET));
    put_text(out, err->message);
    fputc('\n', out);
    snprintf(sub, sizeof sub, "%s    ", indent);
    if (err->offset >= 0 && err->source == MONGOURI_SOURCE_URI) {
        print_caret(out, cfg, input, err->offset, err->length, sub);
    } else if (show_uri) {
        /* No position to point at: still show what was checked. */
        char *shown = cfg->show_secrets ? NULL : mongouri_redact(input, -1, NULL);
        fputs(sub, out);
        put_text(out, cfg->show_secrets ? input : shown != NULL ? shown : "");
        fputc('\n', out);
        mongouri_free(shown);
    }
    print_hint(out, cfg, input, err, indent);
    print_diag_line(out, cfg, err, indent);
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                  */
/* ------------------------------------------------------------------------ */

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

static void print_hosts(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = vu_result_uri(r);
    bool srv = mongouri_uri_scheme(uri) == MONGOURI_SCHEME_MONGODB_SRV;
    size_t n = mongouri_uri_host_count(uri);

    if (srv && r->resolve_ok)
        heading(out, cfg, "Hosts (seed list from DNS SRV)");
    else
        heading(out, cfg, "Hosts");
    for (size_t i = 0; i < n; i++) {
        const char *host = mongouri_uri_host(uri, i);
        uint16_t port = mongouri_uri_host_port(uri, i);
        mongouri_host_type type = mongouri_uri_host_type(uri, i);

        fputs("  ", out);
        if (type == MONGOURI_HOST_IP_LITERAL)
            fputc('[', out);
        put_text(out, host != NULL ? host : "");
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
        put_text(out, value);
    else
        fputs("**** (hidden; --show-secrets shows it)", out);
}

static bool is_secret_property(const char *key)
{
    static const char name[] = "AWS_SESSION_TOKEN";

    if (key == NULL || strlen(key) != sizeof name - 1)
        return false;
    for (size_t i = 0; name[i] != '\0'; i++) {
        char c = key[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != name[i])
            return false;
    }
    return true;
}

/* Text from the input, then spaces up to the provenance column. */
static void put_padded(FILE *out, const char *text)
{
    size_t width = 0;

    put_text(out, text);
    for (const char *p = text; *p != '\0'; p++)
        width += ((unsigned char)*p & 0xC0) != 0x80;
    fprintf(out, "%*s", width < 30 ? (int)(30 - width) : 2, "");
}

static void print_credentials(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    const char *db = mongouri_uri_database(uri);

    heading(out, cfg, "Credentials");
    if (!mongouri_uri_has_credential(uri)) {
        fputs("  none: no authentication\n", out);
    } else {
        const char *user = mongouri_uri_username(uri);
        const char *mech = mongouri_uri_auth_mechanism(uri);
        const char *src = mongouri_uri_auth_source(uri);
        size_t np = mongouri_uri_auth_property_count(uri);

        label(out, "username");
        if (user != NULL)
            put_text(out, user);
        else
            fputs("none", out);
        fputc('\n', out);
        label(out, "password");
        print_secret(out, cfg, mongouri_uri_password(uri));
        fputc('\n', out);
        label(out, "mechanism");
        if (mech != NULL) {
            put_padded(out, mech);
            fprintf(out, "%s%s%s\n", sty(cfg, C_DIM),
                    source_word(mongouri_uri_option_source(uri, "authMechanism")),
                    sty(cfg, C_RESET));
        } else {
            fputs("not set: negotiated with the server (SCRAM-SHA-256 or SCRAM-SHA-1)\n", out);
        }
        label(out, "auth source");
        if (src != NULL) {
            mongouri_source s = mongouri_uri_option_source(uri, "authSource");
            const char *why = source_word(s);
            if (s == MONGOURI_SOURCE_DEFAULT)
                why = db != NULL && strcmp(db, src) == 0 ? "the database of the path"
                                                         : "default for the mechanism";
            put_padded(out, src);
            fprintf(out, "%s%s%s\n", sty(cfg, C_DIM), why, sty(cfg, C_RESET));
        } else {
            fputs("none\n", out);
        }
        for (size_t i = 0; i < np; i++) {
            const char *k = mongouri_uri_auth_property_key(uri, i);
            label(out, i == 0 ? "mechanism properties" : "");
            put_text(out, k != NULL ? k : "");
            fputc('=', out);
            if (is_secret_property(k))
                print_secret(out, cfg, mongouri_uri_auth_property_value(uri, i));
            else
                put_text(out, mongouri_uri_auth_property_value(uri, i) != NULL
                                  ? mongouri_uri_auth_property_value(uri, i)
                                  : "");
            fputc('\n', out);
        }
    }
    if (db != NULL) {
        label(out, "database");
        put_text(out, db);
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

    label(out, tls_labels[f]);
    if (secret) {
        if (value == NULL) {
            w = fprintf(out, "none");
        } else if (cfg->show_secrets) {
            put_text(out, value);
            w = (int)strlen(value);
        } else {
            w = fprintf(out, "****");
        }
    } else if (value != NULL) {
        put_text(out, value);
        w = (int)strlen(value);
    } else {
        w = fprintf(out, "%s", none);
    }
    snprintf(buf, sizeof buf, "%*s", w < 30 ? 30 - w : 1, "");
    fputs(buf, out);
    fprintf(out, "%s", sty(cfg, C_DIM));
    put_text(out, mongouri_tls_source_detail(tls, f));
    fprintf(out, "%s\n", sty(cfg, C_RESET));
}

static void print_tls(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(uri);
    const char *ca, *cert, *crl;
    bool on;

    if (tls == NULL) {
        heading(out, cfg, "TLS");
        fputs("  (no TLS settings)\n", out);
        return;
    }
    on = mongouri_tls_enabled(tls);
    ca = mongouri_tls_ca_file(tls);
    cert = mongouri_tls_certificate_key_file(tls);
    crl = mongouri_tls_crl_file(tls);
    heading(out, cfg, on ? "TLS: on" : "TLS: off");
    print_tls_row(out, cfg, tls, MONGOURI_TLS_ENABLED, on ? "yes" : "no", false, "");
    if (!on) {
        fprintf(out, "  %sThe connection is not encrypted.%s\n", sty(cfg, C_YELLOW),
                sty(cfg, C_RESET));
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
            put_text(out, ca);
        } else {
            fputs("the system's trust store", out);
        }
        fputs(".", out);
    } else {
        fprintf(out,
                "\n  %sThe server's certificate is NOT checked: anyone on the network "
                "path can pose as the server.%s",
                sty(cfg, C_YELLOW), sty(cfg, C_RESET));
    }
    if (mongouri_tls_verify_hostnames(tls))
        fputs("\n  The certificate must name the host connected to.", out);
    else
        fprintf(out, "\n  %sThe host name in the certificate is NOT checked.%s", sty(cfg, C_YELLOW),
                sty(cfg, C_RESET));
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
        put_text(out, crl != NULL ? crl : "the CRL file");
        fputs(".", out);
        break;
    default:
        fputs("\n  Revocation: not checked.", out);
        break;
    }
    if (cert != NULL) {
        fputs("\n  A client certificate is presented from ", out);
        put_text(out, cert);
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

static void print_option_value(FILE *out, const vu_config *cfg, const mongouri_uri *uri,
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
        put_text(out, s);
        return;
    }
    if (strcmp(info->name, "compressors") == 0) {
        size_t n = mongouri_uri_compressor_count(uri);
        for (size_t k = 0; k < n; k++) {
            if (k > 0)
                fputc(',', out);
            put_text(out, mongouri_uri_compressor(uri, k));
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
                put_text(out, mongouri_uri_tag_key(uri, k, t));
                fputc(':', out);
                put_text(out, mongouri_uri_tag_value(uri, k, t));
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
        put_text(out, s);
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
        print_option_value(out, cfg, uri, info);
        fputs("  ", out);
        return;
    }
    print_option_value(mem, cfg, uri, info);
    fclose(mem);
    fputs(text, out);
    for (size_t i = 0; i < len; i++)
        width += ((unsigned char)text[i] & 0xC0) != 0x80;
    fprintf(out, "%*s", width < 30 ? (int)(30 - width) : 2, "");
    if (cfg->show_secrets)
        vu_wipe(text, len);
    free(text);
}

static void print_options(FILE *out, const vu_config *cfg, const mongouri_uri *uri)
{
    size_t n = mongouri_option_count(), shown = 0;

    heading(out, cfg, "Options");
    for (size_t k = 0; k < n; k++) {
        const mongouri_option_info *info = mongouri_option_at(k);

        if (info == NULL || shown_elsewhere(info) || !mongouri_uri_has_option(uri, info->name))
            continue;
        label(out, info->name);
        print_padded_value(out, cfg, uri, info);
        fprintf(out, "%s%s%s\n", sty(cfg, C_DIM),
                source_word(mongouri_uri_option_source(uri, info->name)), sty(cfg, C_RESET));
        shown++;
    }
    if (shown == 0)
        fputs("  none besides the above\n", out);
}

static void print_warnings(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = vu_result_uri(r);
    size_t n = mongouri_uri_warning_count(uri);

    heading(out, cfg, "Warnings");
    if (n == 0) {
        fputs("  none\n", out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const mongouri_error *w = mongouri_uri_warning(uri, i);

        if (w == NULL)
            continue;
        fprintf(out, "  %s%zu.%s ", sty(cfg, C_YELLOW), i + 1, sty(cfg, C_RESET));
        put_text(out, w->message);
        fputc('\n', out);
        if (w->offset >= 0 && w->source == MONGOURI_SOURCE_URI)
            print_caret(out, cfg, r->input, w->offset, w->length, "       ");
        print_hint(out, cfg, r->input, w, "     ");
        print_diag_line(out, cfg, w, "     ");
    }
    if (!cfg->strict)
        fputs("  An unknown option or an invalid value is ignored; --strict turns every "
              "warning\n  into an error.\n",
              out);
}

/* The TXT options the resolution merged, "key=value, ..." on one row. */
static void print_txt_options(FILE *out, const vu_config *cfg, const mongouri_uri *resolved)
{
    size_t n = mongouri_option_count(), txt = 0;

    label(out, "TXT options");
    for (size_t k = 0; k < n; k++) {
        const mongouri_option_info *info = mongouri_option_at(k);

        if (info == NULL || mongouri_uri_option_source(resolved, info->name) != MONGOURI_SOURCE_TXT)
            continue;
        if (txt > 0)
            fputs(", ", out);
        fputs(info->name, out);
        fputc('=', out);
        print_option_value(out, cfg, resolved, info);
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

    label(out, "DNS server");
    put_text(out, mongouri_resolve_report_servers(rep));
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
        label(out, name);
        put_text(out, mongouri_resolve_report_query_name(rep, i) != NULL
                          ? mongouri_resolve_report_query_name(rep, i)
                          : "");
        fputs(": ", out);
        put_text(out, outcome != NULL ? outcome : "?");
        fprintf(out, ", %zu record%s, %.1f ms\n", records, records == 1 ? "" : "s",
                mongouri_resolve_report_query_ms(rep, i));
        /* Several servers, or a retry: each attempt, in order. */
        if (mongouri_resolve_report_query_attempts(rep, i) != NULL &&
            strchr(mongouri_resolve_report_query_attempts(rep, i), ',') != NULL) {
            label(out, "  attempts");
            put_text(out, mongouri_resolve_report_query_attempts(rep, i));
            fputc('\n', out);
        }
    }
    label(out, "SRV answer");
    if (ns == 0)
        fputs("none\n", out);
    for (size_t i = 0; i < ns; i++) {
        const char *target = mongouri_resolve_report_srv_target(rep, i);

        if (i > 0)
            label(out, "");
        put_text(out, target != NULL && target[0] != '\0' ? target : ".");
        fprintf(out, ":%u\n", (unsigned)mongouri_resolve_report_srv_port(rep, i));
    }
    label(out, "TXT record");
    txt = vu_txt_shown(r, cfg->show_secrets);
    if (txt != NULL) {
        fputc('"', out);
        put_text(out, txt);
        fputs("\"\n", out);
        vu_wipe(txt, strlen(txt));
        free(txt);
    } else {
        fputs("none\n", out);
    }
}

static void print_resolution(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri = r->parsed;
    const char *service = NULL;
    size_t seeds;

    heading(out, cfg, "DNS (--resolve)");
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
        put_text(out, service);
        fputs("._tcp.", out);
        put_text(out, mongouri_uri_host(uri, 0) != NULL ? mongouri_uri_host(uri, 0) : "");
        fputs(" and TXT ", out);
        put_text(out, mongouri_uri_host(uri, 0) != NULL ? mongouri_uri_host(uri, 0) : "");
        fputs(", server ", out);
        put_text(out, cfg->dns_server != NULL ? cfg->dns_server : "system resolver");
        fputc('\n', out);
    }
    if (!r->resolve_ok) {
        fprintf(out, "  %sfailed%s after %.1f ms\n", sty(cfg, C_RED), sty(cfg, C_RESET),
                r->resolve_ms);
        print_error(out, cfg, r->input, &r->resolve_error, "  ", C_RED, false);
        return;
    }
    seeds = mongouri_uri_host_count(r->resolved);
    label(out, "seed list");
    fprintf(out, "%zu seed%s (listed under Hosts), answered in %.1f ms\n", seeds,
            seeds == 1 ? "" : "s", r->resolve_ms);
    print_txt_options(out, cfg, r->resolved);
}

static void print_files(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));
    const char *names[3] = {"tlsCAFile", "tlsCertificateKeyFile", "tlsCRLFile"};
    const char *paths[3] = {NULL, NULL, NULL};
    size_t named = 0;

    heading(out, cfg, "Files (--check-files)");
    if (tls != NULL) {
        paths[0] = mongouri_tls_ca_file(tls);
        paths[1] = mongouri_tls_certificate_key_file(tls);
        paths[2] = mongouri_tls_crl_file(tls);
    }
    if (r->trust_store[0] != '\0') {
        label(out, "system trust store");
        put_text(out, r->trust_store);
        fputc('\n', out);
    }
    if (!r->files_ok) {
        print_error(out, cfg, r->input, &r->files_error, "  ", C_RED, false);
        return;
    }
    for (size_t i = 0; i < 3; i++) {
        if (paths[i] == NULL)
            continue;
        label(out, names[i]);
        put_text(out, paths[i]);
        fprintf(out, "  %sok%s\n", sty(cfg, C_GREEN), sty(cfg, C_RESET));
        named++;
    }
    if (r->trust_store[0] != '\0') {
        label(out, "trust");
        fprintf(out, "no tlsCAFile: the system trust store above  %sok%s\n", sty(cfg, C_GREEN),
                sty(cfg, C_RESET));
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
    put_text(out, value);
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
            put_text(out, t->verify_subject);
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
        put_text(out, t->revocation_status);
    }
    if (t->revocation_reason[0] != '\0') {
        fputs(", reason ", out);
        put_text(out, t->revocation_reason);
    }
    if (t->revocation_detail[0] != '\0') {
        fputs("; ", out);
        put_text(out, t->revocation_detail);
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
    put_text(out, c->report.detail);
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
    put_text(out, c->host);
    if (v6)
        fputc(']', out);
    if (c->port != 0)
        fprintf(out, ":%u", (unsigned)c->port);
    if (c->ok)
        fprintf(out, "  %sok%s", sty(cfg, C_GREEN), sty(cfg, C_RESET));
    else
        fprintf(out, "  %sFAILED: %s%s", sty(cfg, C_RED), mongouri_tls_category_name(t->category),
                sty(cfg, C_RESET));
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
        fprintf(out, ROW_INDENT "%shint:%s ", sty(cfg, C_BOLD), sty(cfg, C_RESET));
        put_text(out, t->hint);
        fputc('\n', out);
    }
}

static void print_connections(FILE *out, const vu_config *cfg, const vu_result *r)
{
    int timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : VU_DEFAULT_CONNECT_TIMEOUT_MS;
    const mongouri_tls_settings *tls = mongouri_uri_tls(vu_result_uri(r));

    heading(out, cfg, "Connections (--connect)");
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

/* ------------------------------------------------------------------------ */
/* The whole account                                                         */
/* ------------------------------------------------------------------------ */

static void print_verdict(FILE *out, const vu_config *cfg, const vu_result *r)
{
    size_t warnings = r->parsed != NULL ? mongouri_uri_warning_count(vu_result_uri(r)) : 0;
    size_t failed = 0;

    for (size_t i = 0; i < r->nconnections; i++)
        failed += r->connections[i].ok ? 0 : 1;
    switch (r->exit_code) {
    case VU_EXIT_VALID:
        if (warnings == 0)
            fprintf(out, "%s%svalid%s connection string\n", sty(cfg, C_BOLD), sty(cfg, C_GREEN),
                    sty(cfg, C_RESET));
        else
            fprintf(out, "%s%svalid%s connection string, with %zu warning%s\n", sty(cfg, C_BOLD),
                    sty(cfg, C_YELLOW), sty(cfg, C_RESET), warnings, warnings == 1 ? "" : "s");
        break;
    case VU_EXIT_INVALID:
        fprintf(out, "%s%sinvalid%s connection string\n", sty(cfg, C_BOLD), sty(cfg, C_RED),
                sty(cfg, C_RESET));
        break;
    case VU_EXIT_DNS:
        fprintf(out, "%s%sDNS resolution failed%s for this connection string\n", sty(cfg, C_BOLD),
                sty(cfg, C_RED), sty(cfg, C_RESET));
        break;
    case VU_EXIT_FILES:
        fprintf(out, "valid connection string, but %s%sa TLS file is unusable%s\n",
                sty(cfg, C_BOLD), sty(cfg, C_RED), sty(cfg, C_RESET));
        break;
    case VU_EXIT_CONNECT:
        fprintf(out,
                "valid connection string, but %s%s%zu of %zu host%s failed the "
                "connection check%s\n",
                sty(cfg, C_BOLD), sty(cfg, C_RED), failed, r->nconnections,
                r->nconnections == 1 ? "" : "s", sty(cfg, C_RESET));
        break;
    default:
        break;
    }
}

void vu_human(FILE *out, const vu_config *cfg, const vu_result *r)
{
    const mongouri_uri *uri;

    print_verdict(out, cfg, r);
    if (r->parsed == NULL) {
        print_error(out, cfg, r->input, &r->error, "", C_RED, true);
        return;
    }
    uri = vu_result_uri(r);
    {
        char *shown = cfg->show_secrets ? NULL : mongouri_redact(r->input, -1, NULL);
        fputs("  ", out);
        put_text(out, cfg->show_secrets ? r->input : shown != NULL ? shown : "");
        fputc('\n', out);
        mongouri_free(shown);
    }
    print_hosts(out, cfg, r);
    print_credentials(out, cfg, uri);
    print_tls(out, cfg, uri);
    print_options(out, cfg, uri);
    print_warnings(out, cfg, r);
    if (cfg->resolve)
        print_resolution(out, cfg, r);
    if (r->files_done)
        print_files(out, cfg, r);
    if (cfg->connect)
        print_connections(out, cfg, r);
}
