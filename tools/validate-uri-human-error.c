/*
 * validate-uri, human output: an error or a warning: its message, the
 * (redacted) URI with a caret under the offending bytes, a hint and the
 * diagnosis line.
 */
#include <stdlib.h>
#include <string.h>

#include "validate-uri-human.h"

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
void vu_print_caret(FILE *out, const vu_config *cfg, const char *input, long offset, long length,
                    const char *indent)
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
        vu_put_text(out, disp);
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
        size_t len = vu_utf8_len(s, end - i);
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
    fprintf(out, "%s^", vu_sty(cfg, C_RED));
    for (size_t i = ccol; i < ecol; i++)
        fputc('~', out);
    fprintf(out, "%s\n", vu_sty(cfg, C_RESET));
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
            const char *near = mongouri_option_suggest(key, n);
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

void vu_print_hint(FILE *out, const vu_config *cfg, const char *input, const mongouri_error *err,
                   const char *indent)
{
    char buf[320];
    const char *hint = err->hint;

    if (hint[0] == '\0') {
        fallback_hint(input, err, buf, sizeof buf);
        hint = buf;
    }
    if (hint[0] == '\0')
        return;
    fprintf(out, "%s%shint:%s ", indent, vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RESET));
    vu_put_text(out, hint);
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
void vu_print_diag_line(FILE *out, const vu_config *cfg, const mongouri_error *err,
                        const char *indent)
{
    fprintf(out, "%s%s(%s", indent, vu_sty(cfg, C_DIM), mongouri_diag_name(err->code));
    if (err->option[0] != '\0') {
        fputs(", option ", out);
        vu_put_text(out, err->option);
    }
    if (err->offset >= 0)
        fprintf(out, ", byte %ld", err->offset);
    fprintf(out, ", from %s)%s\n", source_phrase(err->source), vu_sty(cfg, C_RESET));
}

/* Message, URI with caret, hint, diagnosis. */
void vu_print_error(FILE *out, const vu_config *cfg, const char *input, const mongouri_error *err,
                    const char *indent, const char *color, bool show_uri)
{
    char sub[32];

    fprintf(out, "%s%serror:%s ", indent, vu_sty(cfg, color), vu_sty(cfg, C_RESET));
    vu_put_text(out, err->message);
    fputc('\n', out);
    snprintf(sub, sizeof sub, "%s    ", indent);
    if (err->offset >= 0 && err->source == MONGOURI_SOURCE_URI) {
        vu_print_caret(out, cfg, input, err->offset, err->length, sub);
    } else if (show_uri) {
        /* No position to point at: still show what was checked. */
        char *shown = cfg->show_secrets ? NULL : mongouri_redact(input, -1, NULL);
        fputs(sub, out);
        vu_put_text(out, cfg->show_secrets ? input : shown != NULL ? shown : "");
        fputc('\n', out);
        mongouri_free(shown);
    }
    vu_print_hint(out, cfg, input, err, indent);
    vu_print_diag_line(out, cfg, err, indent);
}
