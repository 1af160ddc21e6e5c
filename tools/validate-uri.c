/*
 * validate-uri: tells what a MongoDB connection string really means and why
 * it fails. Command line, help text, single and batch modes.
 *
 * validate-uri [--json] [--strict] [--show-secrets] [-o KEY=VALUE]... [--resolve]
 *              [--dns-server IP:PORT] [--check-files] [--connect] [--timeout-ms N] URI
 * validate-uri --batch [same flags] < FILE
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "validate-uri.h"

static const char *const flag_names[] = {
    "--json",    "--batch",      "--strict",      "--show-secrets", "--option",
    "--resolve", "--dns-server", "--check-files", "--connect",      "--timeout-ms",
    "--help",    "--version",    "--fix",
};

/* ------------------------------------------------------------------------ */
/* Suggestions                                                               */
/* ------------------------------------------------------------------------ */

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

#define EDIT_MAX_LEN 128

unsigned vu_edit_distance(const char *a, size_t an, const char *b, size_t bn, unsigned max)
{
    unsigned row[EDIT_MAX_LEN + 1], prev, best;

    if (an > EDIT_MAX_LEN || bn > EDIT_MAX_LEN)
        return max + 1;
    if ((an > bn ? an - bn : bn - an) > max)
        return max + 1;
    for (size_t j = 0; j <= bn; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= an; i++) {
        prev = row[0];
        row[0] = (unsigned)i;
        best = row[0];
        for (size_t j = 1; j <= bn; j++) {
            unsigned cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0u : 1u;
            unsigned del = row[j] + 1, ins = row[j - 1] + 1, sub = prev + cost;
            unsigned v = del < ins ? del : ins;
            if (sub < v)
                v = sub;
            prev = row[j];
            row[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[bn] > max ? max + 1 : row[bn];
}

const char *vu_suggest_option(const char *key, size_t n)
{
    unsigned max = n <= 4 ? 1u : n <= 10 ? 2u : 3u, best = max + 1;
    const char *found = NULL;

    for (size_t i = 0; i < mongouri_option_count(); i++) {
        const mongouri_option_info *info = mongouri_option_at(i);
        const char *p;
        unsigned d;

        if (info == NULL)
            continue;
        d = vu_edit_distance(key, n, info->name, strlen(info->name), max);
        if (d < best) {
            best = d;
            found = info->name;
        }
        for (p = info->aliases; p != NULL && *p != '\0';) {
            size_t len = strcspn(p, ",");
            d = vu_edit_distance(key, n, p, len, max);
            if (d < best) {
                best = d;
                found = info->name;
            }
            p += len;
            while (*p == ',' || *p == ' ')
                p++;
        }
    }
    return found;
}

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

static void usage_error(const char *fmt, const char *arg, const char *suggest)
{
    fputs("validate-uri: ", stderr);
    fprintf(stderr, fmt, arg != NULL ? arg : "");
    fputc('\n', stderr);
    if (suggest != NULL)
        fprintf(stderr, "Did you mean %s?\n", suggest);
    fputs("Try 'validate-uri --help'.\n", stderr);
}

static const char *suggest_flag(const char *arg)
{
    size_t n = strcspn(arg, "=");
    unsigned best = 3;
    const char *found = NULL;

    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        unsigned d = vu_edit_distance(arg, n, flag_names[i], strlen(flag_names[i]), 2);
        if (d < best) {
            best = d;
            found = flag_names[i];
        }
    }
    return found;
}

typedef struct args {
    vu_config cfg;
    const char *uri;
    size_t nkw;
    const char **kw; /* "KEY=VALUE", borrowed from argv */
} args;

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

/* Parse argv into `a`. Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, args *a)
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
                usage_error("one URI at a time (use --batch for many)%s", NULL, NULL);
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
                usage_error("%s needs KEY=VALUE", arg, NULL);
                return VU_EXIT_USAGE;
            }
            a->kw[a->nkw++] = v;
        } else if (strncmp(arg, "-o", 2) == 0) {
            a->kw[a->nkw++] = arg + 2;
        } else if (is_flag(arg, "--dns-server")) {
            v = flag_value(argc, argv, &i, "--dns-server");
            if (v == NULL || v[0] == '\0') {
                usage_error("--dns-server needs IP:PORT%s", NULL, NULL);
                return VU_EXIT_USAGE;
            }
            a->cfg.dns_server = v;
            a->cfg.resolve = true;
        } else if (is_flag(arg, "--timeout-ms")) {
            char *end;
            long ms;

            v = flag_value(argc, argv, &i, "--timeout-ms");
            if (v == NULL) {
                usage_error("--timeout-ms needs a number of milliseconds%s", NULL, NULL);
                return VU_EXIT_USAGE;
            }
            errno = 0;
            ms = strtol(v, &end, 10);
            if (errno != 0 || end == v || *end != '\0' || ms <= 0 || ms > INT_MAX) {
                usage_error("--timeout-ms needs a positive number of milliseconds, not '%s'", v,
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
            usage_error("unknown flag '%s'", name, suggest_flag(arg));
            return VU_EXIT_USAGE;
        }
    }
    for (size_t k = 0; k < a->nkw; k++) {
        const char *eq = strchr(a->kw[k], '=');
        if (eq == NULL || eq == a->kw[k]) {
            /* The text may be a secret typed without its key: don't echo it. */
            char which[32];
            snprintf(which, sizeof which, "%zu", k + 1);
            usage_error("-o needs KEY=VALUE; keyword option number %s is not of that form", which,
                        NULL);
            return VU_EXIT_USAGE;
        }
    }
    if (a->cfg.batch && a->uri != NULL) {
        usage_error("--batch reads the URIs from stdin; no URI argument is allowed%s", NULL, NULL);
        return VU_EXIT_USAGE;
    }
    if (!a->cfg.batch && a->uri == NULL) {
        usage_error("missing URI%s", NULL, NULL);
        return VU_EXIT_USAGE;
    }
    if (a->cfg.fix && (a->cfg.json || a->cfg.batch || a->cfg.strict || a->nkw > 0 ||
                       a->cfg.resolve || a->cfg.check_files || a->cfg.connect)) {
        usage_error("--fix takes only --show-secrets and one URI%s", NULL, NULL);
        return VU_EXIT_USAGE;
    }
    /* --connect needs real hosts: a mongodb+srv:// string is resolved first. */
    if (a->cfg.connect)
        a->cfg.resolve = true;
    return -1;
}

/* Build the keyword set of the -o options; a refusal makes every URI invalid. */
static int build_keywords(args *a)
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

static bool use_color(void)
{
    const char *no = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (no != NULL && no[0] != '\0')
        return false;
    if (term != NULL && strcmp(term, "dumb") == 0)
        return false;
    return isatty(STDOUT_FILENO) == 1;
}

static void strip_eol(char *line, size_t *len)
{
    if (*len > 0 && line[*len - 1] == '\n')
        line[--*len] = '\0';
    if (*len > 0 && line[*len - 1] == '\r')
        line[--*len] = '\0';
}

static int run_batch(const vu_config *cfg)
{
    static char outbuf[1 << 16];
    char *line = NULL;
    size_t cap = 0, lines = 0;
    ssize_t got;
    int status = VU_EXIT_VALID;

    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)got;
        vu_result r;

        strip_eol(line, &len);
        vu_run(cfg, line, len, &r);
        if (!vu_print_json(stdout, cfg, &r, false)) {
            fprintf(stderr, "validate-uri: out of memory on line %zu\n", lines + 1);
            vu_result_free(&r);
            status = VU_EXIT_INVALID;
            break;
        }
        if (status == VU_EXIT_VALID)
            status = r.exit_code;
        vu_result_free(&r);
        vu_wipe(line, cap);
        lines++;
    }
    if (line != NULL)
        vu_wipe(line, cap);
    free(line);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("validate-uri: cannot write the output\n", stderr);
        return VU_EXIT_USAGE;
    }
    return status;
}

static int run_single(const vu_config *cfg, const char *uri)
{
    char *line = NULL;
    size_t cap = 0, len;
    vu_result r;
    int status;

    if (strcmp(uri, "-") == 0) {
        ssize_t got = getline(&line, &cap, stdin);
        if (got < 0) {
            free(line);
            usage_error("no URI on stdin%s", NULL, NULL);
            return VU_EXIT_USAGE;
        }
        len = (size_t)got;
        strip_eol(line, &len);
        uri = line;
    } else {
        len = strlen(uri);
    }
    if (cfg->fix) {
        status = vu_fix(stdout, cfg, uri, len);
        if (line != NULL)
            vu_wipe(line, cap);
        free(line);
        return fflush(stdout) == 0 ? status : VU_EXIT_USAGE;
    }
    vu_run(cfg, uri, len, &r);
    status = r.exit_code;
    if (cfg->json) {
        if (!vu_print_json(stdout, cfg, &r, true)) {
            fputs("validate-uri: out of memory\n", stderr);
            if (status == VU_EXIT_VALID)
                status = VU_EXIT_INVALID;
        }
    } else {
        vu_human(stdout, cfg, &r);
    }
    vu_result_free(&r);
    if (line != NULL)
        vu_wipe(line, cap);
    free(line);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("validate-uri: cannot write the output\n", stderr);
        if (status == VU_EXIT_VALID)
            status = VU_EXIT_USAGE;
    }
    return status;
}

int main(int argc, char **argv)
{
    args a;
    int status;

    memset(&a, 0, sizeof a);
    status = parse_args(argc, argv, &a);
    if (status < 0)
        status = build_keywords(&a);
    if (status < 0) {
        a.cfg.color = !a.cfg.json && !a.cfg.batch && use_color();
        status = a.cfg.batch ? run_batch(&a.cfg) : run_single(&a.cfg, a.uri);
    }
    mongouri_keywords_destroy(a.cfg.keywords);
    free(a.kw);
    return status;
}
