/*
 * validate-uri: explains what a MongoDB connection string means and why it
 * fails. Declarations shared by the files of the tool (tools/validate-uri*.c):
 * validate-uri.c (main) -> args, checks, json, human, fix -> common; no
 * file calls back into one that calls it.
 */
#ifndef VALIDATE_URI_H
#define VALIDATE_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mongouri/mongouri.h>
#include <mongouri/openssl.h>

/* Exit codes of the validate-uri contract. */
enum {
    VU_EXIT_VALID = 0,
    VU_EXIT_INVALID = 1,
    VU_EXIT_USAGE = 2,
    VU_EXIT_DNS = 3,
    VU_EXIT_CONNECT = 4,
    VU_EXIT_FILES = 5
};

#define VU_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define VU_DEFAULT_PORT 27017

/* Everything the command line asked for; the same for every URI of a run. */
typedef struct vu_config {
    bool json;
    bool batch;
    bool strict;
    bool show_secrets;
    bool resolve;
    bool check_files;
    bool connect;
    bool color;                  /* human output only */
    bool fix;                    /* --fix: print a corrected string (validate-uri-fix.c) */
    const char *dns_server;      /* --dns-server, NULL = system resolvers */
    int timeout_ms;              /* --timeout-ms, 0 = not given */
    mongouri_keywords *keywords; /* -o options; NULL when none */
    bool keyword_failed;         /* a -o option was refused: every URI is invalid */
    mongouri_error keyword_error;
} vu_config;

/* One host probed by --connect. */
typedef struct vu_connection {
    char *host;
    uint16_t port;
    bool ok;
    mongouri_tls_report report;
} vu_connection;

/* What happened to one connection string. */
typedef struct vu_result {
    const char *input; /* borrowed, NUL-terminated */
    size_t input_len;
    int exit_code;

    mongouri_uri *parsed; /* offline parse; NULL when it failed */
    mongouri_error error; /* the parse error when parsed == NULL */

    bool resolve_done; /* a resolution was attempted */
    bool resolve_ok;
    double resolve_ms;
    mongouri_uri *resolved; /* resolved result; NULL unless resolve_ok */
    mongouri_error resolve_error;
    mongouri_resolve_report *resolve_report; /* the queries; NULL when none was made */

    bool files_done;
    bool files_ok;
    mongouri_error files_error;
    char trust_store[1024]; /* the system store used without tlsCAFile; "" when not */

    size_t nconnections;
    vu_connection *connections;
} vu_result;

/* validate-uri-args.c: the command line. */
typedef struct vu_args {
    vu_config cfg;
    const char *uri;
    size_t nkw;
    const char **kw; /* "KEY=VALUE", borrowed from argv */
} vu_args;

/* Parse argv into `a` (zeroed by the caller). Returns -1 to go on, else the exit status. */
int vu_parse_args(int argc, char **argv, vu_args *a);
/* Build the keyword set of the -o options; a refusal makes every URI invalid. -1 to go on. */
int vu_build_keywords(vu_args *a);
void vu_args_free(vu_args *a);
/* "validate-uri: " fmt (with arg), the suggestion if any, and the pointer to --help, on stderr. */
void vu_usage_error(const char *fmt, const char *arg, const char *suggest);

/* validate-uri-checks.c: run every check the configuration asks for on `input` (len bytes). */
void vu_run(const vu_config *cfg, const char *input, size_t len, vu_result *r);
void vu_result_free(vu_result *r);

/* validate-uri-json.c: print the JSON object of the contract and a newline; false on OOM. */
bool vu_print_json(FILE *out, const vu_config *cfg, const vu_result *r, bool pretty);

/* validate-uri-human*.c: the human account. */
void vu_human(FILE *out, const vu_config *cfg, const vu_result *r);

/* validate-uri-fix.c: --fix: the corrected string of `input` and one line per
 * change, or what needs a choice of the user's; returns the exit status. */
int vu_fix(FILE *out, const vu_config *cfg, const char *input, size_t len);

/* validate-uri-common.c: what both outputs show the same way. */

/* The result to describe: resolved when resolved, else the offline parse. */
const mongouri_uri *vu_result_uri(const vu_result *r);

/*
 * The joined TXT record of a resolution as it may be shown: secret option
 * values replaced by "****" unless `show_secrets`. NULL when there was no
 * TXT record (or memory ran out); otherwise the caller free()s it.
 */
char *vu_txt_shown(const vu_result *r, bool show_secrets);

/*
 * The term of the TLS troubleshooting guide for a failed connection
 * ("certificate verify failed", "tlsv1 alert protocol version", "invalid
 * status response", "sslv3 alert handshake failure"), or NULL.
 */
const char *vu_tls_guide_term(const mongouri_tls_report *report, bool verify_certificates);
/* X.509 verify error text ("hostname mismatch"); "" for 0. */
const char *vu_verify_error_text(int verify_error);
/* TLS alert description ("protocol version"); "" for -1. */
const char *vu_alert_text(int alert);

#endif /* VALIDATE_URI_H */
