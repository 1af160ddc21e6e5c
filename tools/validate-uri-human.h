/*
 * validate-uri, human output: declarations shared by validate-uri-human*.c.
 * validate-uri-human.c (the account) -> -checks.c, -uri.c (the sections;
 * -checks.c shows option values through -uri.c) -> -error.c (errors and
 * warnings) -> -text.c (primitives).
 */
#ifndef VALIDATE_URI_HUMAN_H
#define VALIDATE_URI_HUMAN_H

#include "validate-uri.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

#define LABEL_WIDTH 22

/* validate-uri-human-text.c */

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
size_t vu_utf8_len(const unsigned char *s, size_t n);
/* `code` when colour is on, else "". */
const char *vu_sty(const vu_config *cfg, const char *code);
/*
 * Print text that came from the input: control bytes and invalid UTF-8 are
 * escaped as \xNN, so a connection string cannot drive the terminal.
 */
void vu_put_text(FILE *out, const char *text);
/* A blank line and a bold section title. */
void vu_heading(FILE *out, const vu_config *cfg, const char *title);
/* A row label, padded to the value column. */
void vu_label(FILE *out, const char *name);

/* validate-uri-human-error.c */

/*
 * The input (redacted unless --show-secrets) on one line and, under it, a
 * caret at byte `offset` with a tilde run covering `length` bytes.
 */
void vu_print_caret(FILE *out, const vu_config *cfg, const char *input, long offset, long length,
                    const char *indent);
/* The library's hint, else one of ours when we have one. */
void vu_print_hint(FILE *out, const vu_config *cfg, const char *input, const mongouri_error *err,
                   const char *indent);
/* "(bad-port, option tlsCAFile, byte 12, from the URI)" */
void vu_print_diag_line(FILE *out, const vu_config *cfg, const mongouri_error *err,
                        const char *indent);
/* Message, URI with caret, hint, diagnosis. */
void vu_print_error(FILE *out, const vu_config *cfg, const char *input, const mongouri_error *err,
                    const char *indent, const char *color, bool show_uri);

/* validate-uri-human-uri.c */

void vu_print_hosts(FILE *out, const vu_config *cfg, const vu_result *r);
void vu_print_credentials(FILE *out, const vu_config *cfg, const mongouri_uri *uri);
void vu_print_tls(FILE *out, const vu_config *cfg, const mongouri_uri *uri);
/* The value of one option as set in `uri` (hidden when secret, unless --show-secrets). */
void vu_print_option_value(FILE *out, const vu_config *cfg, const mongouri_uri *uri,
                           const mongouri_option_info *info);
void vu_print_options(FILE *out, const vu_config *cfg, const mongouri_uri *uri);
void vu_print_warnings(FILE *out, const vu_config *cfg, const vu_result *r);

/* validate-uri-human-checks.c */

void vu_print_resolution(FILE *out, const vu_config *cfg, const vu_result *r);
void vu_print_files(FILE *out, const vu_config *cfg, const vu_result *r);
void vu_print_connections(FILE *out, const vu_config *cfg, const vu_result *r);

#endif /* VALIDATE_URI_HUMAN_H */
