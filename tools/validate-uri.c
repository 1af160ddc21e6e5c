/*
 * validate-uri: tells what a MongoDB connection string really means and why
 * it fails. The driver: one URI or a batch, each run through the checks and
 * printed as JSON or for humans.
 *
 * validate-uri [--json] [--strict] [--show-secrets] [-o KEY=VALUE]... [--resolve]
 *              [--dns-server IP:PORT] [--check-files] [--connect] [--timeout-ms N] URI
 * validate-uri --batch [same flags] < FILE
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "validate-uri.h"

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
        mongouri_wipe(line, cap);
        lines++;
    }
    if (line != NULL)
        mongouri_wipe(line, cap);
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
            vu_usage_error("no URI on stdin%s", NULL, NULL);
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
            mongouri_wipe(line, cap);
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
        mongouri_wipe(line, cap);
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
    vu_args a;
    int status;

    memset(&a, 0, sizeof a);
    status = vu_parse_args(argc, argv, &a);
    if (status < 0)
        status = vu_build_keywords(&a);
    if (status < 0) {
        a.cfg.color = !a.cfg.json && !a.cfg.batch && use_color();
        status = a.cfg.batch ? run_batch(&a.cfg) : run_single(&a.cfg, a.uri);
    }
    vu_args_free(&a);
    return status;
}
