/*
 * validate-uri: the command line: flags, -o KEY=VALUE keyword options, the
 * help text and the suggestion for a misspelt flag.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "validate-uri.h"

static const char *const flag_names[] = {
    "--json",    "--batch",      "--strict",      "--show-secrets", "--option",
    "--resolve", "--dns-server", "--check-files", "--connect",      "--timeout-ms",
    "--help",    "--version",    "--fix",
};

/* ------------------------------------------------------------------------ */
/* Help                                                                      */
/* ------------------------------------------------------------------------ */

static void print_help(FILE *out)
{
    size_t n = mongouri_option_count();

    fputs("Usage: validate-uri [FLAGS] URI\n"
          "       validate-uri --batch [FLAGS] < FILE\n"
          "\n"
          "Tells what a MongoDB connection string (mongodb:// or mongodb+srv://) really\n"
          "means and why it fails: hosts, credentials (password hidden), the TLS settings\n"
          "with where each value came from, the other options and every warning. Parsing\n"
          "is offline: nothing is looked up or opened unless a flag below asks for it.\n"
          "\n"
          "Flags:\n"
          "  --json                  print one JSON object instead of the human account\n"
          "  --batch                 read one URI per line on stdin and print one JSON object\n"
          "                          per line (implies --json)\n"
          "  --strict                every warning is an error\n"
          "  --show-secrets          show passwords and key passwords (hidden by default)\n"
          "  -o, --option KEY=VALUE  a keyword option, as a driver's code would pass it;\n"
          "                          repeatable; keywords win over the URI; strict: an\n"
          "                          unknown key or invalid value is an error\n"
          "  --resolve               look up the SRV and TXT records of a mongodb+srv://\n"
          "                          string and show each query (name, outcome, records,\n"
          "                          time), the seed list and the TXT options\n"
          "  --dns-server IP:PORT    DNS server for --resolve (IP literals; a comma-separated\n"
          "                          list is tried in order); implies --resolve\n"
          "  --check-files           open tlsCAFile, tlsCertificateKeyFile and tlsCRLFile and\n"
          "                          check them: missing, unreadable, no certificate, key\n"
          "                          encrypted without a password, wrong password, key not\n"
          "                          matching the certificate, expired, CRL unparseable\n"
          "  --connect               connect to every host (port 27017 when none is given) and\n"
          "                          run the TLS handshake: why it failed, the name expected\n"
          "                          against the certificate's names, its expiry, the TLS\n"
          "                          versions, revocation; resolves mongodb+srv:// first\n"
          "  --fix                   print the string corrected (percent-encoding, canonical\n"
          "                          option names, repeats, ignored options, defaults) and\n"
          "                          one line per change; refuses what needs your choice\n"
          "  --timeout-ms N          time limit in milliseconds for --resolve, and per host for\n"
          "                          --connect (default 5000)\n"
          "  -h, --help              show this help\n"
          "  --version               show the version\n"
          "\n"
          "A URI of \"-\" is read from the first line of stdin, which keeps a password out of\n"
          "the shell history and the process list.\n"
          "\n"
          "Exit status:\n"
          "  0 valid   1 invalid   2 usage error   3 DNS failure\n"
          "  4 TLS/connection failure   5 file check failure\n"
          "With --batch: 0 when every line passed, else the status of the first line that\n"
          "did not.\n"
          "\n"
          "Environment:\n"
          "  NO_COLOR   when set (not empty), no colour; colour is only used on a terminal\n"
          "\n",
          out);
    fprintf(out, "Connection string options (%zu; names are case-insensitive):\n", n);
    for (size_t i = 0; i < n; i++) {
        const mongouri_option_info *info = mongouri_option_at(i);

        if (info == NULL)
            continue;
        fprintf(out, "  %s  (%s", info->name, mongouri_option_type_name(info->type));
        if ((info->flags & MONGOURI_OPTION_TLS) != 0)
            fputs(", TLS", out);
        if ((info->flags & MONGOURI_OPTION_SECRET) != 0)
            fputs(", secret", out);
        if ((info->flags & MONGOURI_OPTION_SRV_ONLY) != 0)
            fputs(", mongodb+srv only", out);
        if ((info->flags & MONGOURI_OPTION_TXT_ALLOWED) != 0)
            fputs(", allowed in TXT", out);
        if ((info->flags & MONGOURI_OPTION_DEPRECATED) != 0)
            fputs(", deprecated", out);
        if ((info->flags & MONGOURI_OPTION_EXTENSION) != 0)
            fputs(", extension", out);
        fputs(")\n", out);
        if (info->description != NULL && info->description[0] != '\0')
            fprintf(out, "      %s\n", info->description);
        if (info->values != NULL && info->values[0] != '\0')
            fprintf(out, "      values: %s\n", info->values);
        if (info->aliases != NULL && info->aliases[0] != '\0')
            fprintf(out, "      aliases: %s\n", info->aliases);
    }
}

/* ------------------------------------------------------------------------ */
/* Command line                                                              */
/* ------------------------------------------------------------------------ */

void vu_usage_error(const char *fmt, const char *arg, const char *suggest)
{
    fputs("validate-uri: ", stderr);
    fprintf(stderr, fmt, arg != NULL ? arg : "");
    fputc('\n', stderr);
    if (suggest != NULL)
        fprintf(stderr, "Did you mean %s?\n", suggest);
    fputs("Try 'validate-uri --help'.\n", stderr);
}

/* The flag nearest to a misspelt one (the name before any '='), or NULL. */
static const char *suggest_flag(const char *arg)
{
    return mongouri_suggest(arg, strcspn(arg, "="), flag_names,
                            sizeof flag_names / sizeof flag_names[0]);
}

/* The value of a flag: "--flag=VALUE" or "--flag VALUE". NULL when missing. */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_flag(const char *a, const char *name)
{
    size_t n = strlen(name);

    return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

int vu_parse_args(int argc, char **argv, vu_args *a)
{
    bool flags_done = false;

    a->kw = calloc((size_t)argc, sizeof *a->kw);
    if (a->kw == NULL) {
        fputs("validate-uri: out of memory\n", stderr);
        return VU_EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;

        if (flags_done || arg[0] != '-' || arg[1] == '\0') {
            if (a->uri != NULL) {
                vu_usage_error("one URI at a time (use --batch for many)%s", NULL, NULL);
                return VU_EXIT_USAGE;
            }
            a->uri = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            flags_done = true;
        } else if (strcmp(arg, "--json") == 0) {
            a->cfg.json = true;
        } else if (strcmp(arg, "--batch") == 0) {
            a->cfg.batch = true;
        } else if (strcmp(arg, "--strict") == 0) {
            a->cfg.strict = true;
        } else if (strcmp(arg, "--show-secrets") == 0) {
            a->cfg.show_secrets = true;
        } else if (strcmp(arg, "--resolve") == 0) {
            a->cfg.resolve = true;
        } else if (strcmp(arg, "--check-files") == 0) {
            a->cfg.check_files = true;
        } else if (strcmp(arg, "--connect") == 0) {
            a->cfg.connect = true;
        } else if (strcmp(arg, "--fix") == 0) {
            a->cfg.fix = true;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            print_help(stdout);
            return fflush(stdout) == 0 ? VU_EXIT_VALID : VU_EXIT_USAGE;
        } else if (strcmp(arg, "--version") == 0) {
            printf("validate-uri (mongouri) %s\n", MONGOURI_VERSION_STRING);
            return VU_EXIT_VALID;
        } else if (strcmp(arg, "-o") == 0 || is_flag(arg, "--option")) {
            v = strcmp(arg, "-o") == 0 ? (i + 1 < argc ? argv[++i] : NULL)
                                       : flag_value(argc, argv, &i, "--option");
            if (v == NULL) {
                vu_usage_error("%s needs KEY=VALUE", arg, NULL);
                return VU_EXIT_USAGE;
            }
            a->kw[a->nkw++] = v;
        } else if (strncmp(arg, "-o", 2) == 0) {
            a->kw[a->nkw++] = arg + 2;
        } else if (is_flag(arg, "--dns-server")) {
            v = flag_value(argc, argv, &i, "--dns-server");
            if (v == NULL || v[0] == '\0') {
                vu_usage_error("--dns-server needs IP:PORT%s", NULL, NULL);
                return VU_EXIT_USAGE;
            }
            a->cfg.dns_server = v;
            a->cfg.resolve = true;
        } else if (is_flag(arg, "--timeout-ms")) {
            char *end;
            long ms;

            v = flag_value(argc, argv, &i, "--timeout-ms");
            if (v == NULL) {
                vu_usage_error("--timeout-ms needs a number of milliseconds%s", NULL, NULL);
                return VU_EXIT_USAGE;
            }
            errno = 0;
            ms = strtol(v, &end, 10);
            if (errno != 0 || end == v || *end != '\0' || ms <= 0 || ms > INT_MAX) {
                vu_usage_error("--timeout-ms needs a positive number of milliseconds, not '%s'", v,
                               NULL);
                return VU_EXIT_USAGE;
            }
            a->cfg.timeout_ms = (int)ms;
        } else {
            /* Never echo the argument after '=': it may hold a secret. */
            char name[64];
            size_t n = strcspn(arg, "=");
            if (n >= sizeof name)
                n = sizeof name - 1;
            memcpy(name, arg, n);
            name[n] = '\0';
            vu_usage_error("unknown flag '%s'", name, suggest_flag(arg));
            return VU_EXIT_USAGE;
        }
    }
    for (size_t k = 0; k < a->nkw; k++) {
        const char *eq = strchr(a->kw[k], '=');
        if (eq == NULL || eq == a->kw[k]) {
            /* The text may be a secret typed without its key: don't echo it. */
            char which[32];
            snprintf(which, sizeof which, "%zu", k + 1);
            vu_usage_error("-o needs KEY=VALUE; keyword option number %s is not of that form",
                           which, NULL);
            return VU_EXIT_USAGE;
        }
    }
    if (a->cfg.batch && a->uri != NULL) {
        vu_usage_error("--batch reads the URIs from stdin; no URI argument is allowed%s", NULL,
                       NULL);
        return VU_EXIT_USAGE;
    }
    if (!a->cfg.batch && a->uri == NULL) {
        vu_usage_error("missing URI%s", NULL, NULL);
        return VU_EXIT_USAGE;
    }
    if (a->cfg.fix && (a->cfg.json || a->cfg.batch || a->cfg.strict || a->nkw > 0 ||
                       a->cfg.resolve || a->cfg.check_files || a->cfg.connect)) {
        vu_usage_error("--fix takes only --show-secrets and one URI%s", NULL, NULL);
        return VU_EXIT_USAGE;
    }
    /* --connect needs real hosts: a mongodb+srv:// string is resolved first. */
    if (a->cfg.connect)
        a->cfg.resolve = true;
    return -1;
}

int vu_build_keywords(vu_args *a)
{
    mongouri_error err;
    mongouri_status st;

    if (a->nkw == 0)
        return -1;
    memset(&err, 0, sizeof err);
    st = mongouri_keywords_new(&a->cfg.keywords, &err);
    if (st != MONGOURI_OK || a->cfg.keywords == NULL) {
        fprintf(stderr, "validate-uri: cannot create the keyword options: %s\n",
                mongouri_strerror(st));
        return VU_EXIT_INVALID;
    }
    for (size_t k = 0; k < a->nkw; k++) {
        const char *kv = a->kw[k], *eq = strchr(kv, '=');
        size_t klen = (size_t)(eq - kv);
        char *key = malloc(klen + 1);

        if (key == NULL) {
            fputs("validate-uri: out of memory\n", stderr);
            return VU_EXIT_INVALID;
        }
        memcpy(key, kv, klen);
        key[klen] = '\0';
        memset(&err, 0, sizeof err);
        st = mongouri_keywords_set(a->cfg.keywords, key, eq + 1, &err);
        free(key);
        if (st != MONGOURI_OK) {
            a->cfg.keyword_failed = true;
            a->cfg.keyword_error = err;
            a->cfg.keyword_error.source = MONGOURI_SOURCE_KEYWORD;
            a->cfg.keyword_error.offset = -1;
            a->cfg.keyword_error.length = 0;
            if (a->cfg.keyword_error.status == MONGOURI_OK)
                a->cfg.keyword_error.status = st;
            if (a->cfg.keyword_error.message[0] == '\0')
                snprintf(a->cfg.keyword_error.message, sizeof a->cfg.keyword_error.message,
                         "keyword option %zu was refused: %s", k + 1, mongouri_strerror(st));
            /* -o options are keyword options, strict whatever --strict says. */
            if (!a->cfg.strict && strstr(a->cfg.keyword_error.hint, "strict mode") != NULL)
                snprintf(a->cfg.keyword_error.hint, sizeof a->cfg.keyword_error.hint,
                         "-o options are keyword options, which are always checked strictly "
                         "(what a warning would be in a URI is an error)");
            break;
        }
    }
    return -1;
}

void vu_args_free(vu_args *a)
{
    mongouri_keywords_destroy(a->cfg.keywords);
    free(a->kw);
    memset(a, 0, sizeof *a);
}
