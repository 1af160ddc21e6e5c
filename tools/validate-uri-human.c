/*
 * validate-uri: the human account of one connection string — a verdict line,
 * then what it means (validate-uri-human-uri.c) and what the checks found
 * (validate-uri-human-checks.c); for an error, the message, the (redacted)
 * URI with a caret under the offending byte, and a hint
 * (validate-uri-human-error.c).
 */
#include "validate-uri-human.h"

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
            fprintf(out, "%s%svalid%s connection string\n", vu_sty(cfg, C_BOLD),
                    vu_sty(cfg, C_GREEN), vu_sty(cfg, C_RESET));
        else
            fprintf(out, "%s%svalid%s connection string, with %zu warning%s\n", vu_sty(cfg, C_BOLD),
                    vu_sty(cfg, C_YELLOW), vu_sty(cfg, C_RESET), warnings,
                    warnings == 1 ? "" : "s");
        break;
    case VU_EXIT_INVALID:
        fprintf(out, "%s%sinvalid%s connection string\n", vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RED),
                vu_sty(cfg, C_RESET));
        break;
    case VU_EXIT_DNS:
        fprintf(out, "%s%sDNS resolution failed%s for this connection string\n",
                vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RED), vu_sty(cfg, C_RESET));
        break;
    case VU_EXIT_FILES:
        fprintf(out, "valid connection string, but %s%sa TLS file is unusable%s\n",
                vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RED), vu_sty(cfg, C_RESET));
        break;
    case VU_EXIT_CONNECT:
        fprintf(out,
                "valid connection string, but %s%s%zu of %zu host%s failed the "
                "connection check%s\n",
                vu_sty(cfg, C_BOLD), vu_sty(cfg, C_RED), failed, r->nconnections,
                r->nconnections == 1 ? "" : "s", vu_sty(cfg, C_RESET));
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
        vu_print_error(out, cfg, r->input, &r->error, "", C_RED, true);
        return;
    }
    uri = vu_result_uri(r);
    {
        char *shown = cfg->show_secrets ? NULL : mongouri_redact(r->input, -1, NULL);
        fputs("  ", out);
        vu_put_text(out, cfg->show_secrets ? r->input : shown != NULL ? shown : "");
        fputc('\n', out);
        mongouri_free(shown);
    }
    vu_print_hosts(out, cfg, r);
    vu_print_credentials(out, cfg, uri);
    vu_print_tls(out, cfg, uri);
    vu_print_options(out, cfg, uri);
    vu_print_warnings(out, cfg, r);
    if (cfg->resolve)
        vu_print_resolution(out, cfg, r);
    if (r->files_done)
        vu_print_files(out, cfg, r);
    if (cfg->connect)
        vu_print_connections(out, cfg, r);
}
