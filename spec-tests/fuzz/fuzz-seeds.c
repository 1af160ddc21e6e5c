/*
 * fuzz-seeds: inputs and dictionaries for the fuzz harnesses.
 *
 *   fuzz-seeds corpus OUTDIR PATH...
 *       Every "uri" string of the JSON fixtures under PATH (files or folders,
 *       searched recursively for *.json) and every line of *.txt files
 *       becomes a seed: OUTDIR/parse/ and OUTDIR/json/ get the connection
 *       string (some with keyword lines added), OUTDIR/srv/ gets each
 *       mongodb+srv string with a TXT record (from the fixture's "options"
 *       when it has them) and the SRV targets (its "seeds", or a default).
 *       Files are named by a hash of their content, so reruns add nothing.
 *   fuzz-seeds dict FILE
 *       A libFuzzer dictionary: every option name and alias followed by '=',
 *       the schemes, mechanism names, and escapes that matter.
 *   fuzz-seeds show FILE
 *       A crash input made readable: the connection string as a JSON string
 *       (ready for a fixture's "uri"), then the other lines, also as JSON
 *       strings.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mongouri/mongouri.h"

static const char *outdir;
static size_t written;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (f == NULL) {
        fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;
        if (n + 4096 + 1 > cap) {
            char *nb;
            cap = cap == 0 ? 65536 : cap * 2;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void write_seed(const char *kind, const char *data, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    char path[4096];
    FILE *f;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)data[i]) * 0x100000001b3ull;
    snprintf(path, sizeof path, "%s/%s", outdir, kind);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s/%016llx", outdir, kind, (unsigned long long)h);
    f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
        return;
    }
    fwrite(data, 1, n, f);
    fclose(f);
    written++;
}

/* Keyword lines added to some seeds, so the harnesses start with keywords. */
static const char *const keyword_tails[] = {
    "",
    "\nstrict",
    "\ntls=true\nappName=fuzz",
    "\ntlsCertificateKeyFilePassword=hunter2secret",
    "\nauthMechanismProperties=AWS_SESSION_TOKEN:t0kenValue",
    "\nproxyHost=proxy.example.com\nproxyPassword=pr0xyPass\nproxyUsername=u",
    "\nreadPreference=secondary\nreadPreferenceTags=dc:east,rack:1",
    "\ntlsInsecure=true",
};

static void seed_uri(const char *uri, size_t index)
{
    size_t n = strlen(uri);
    const char *tail = keyword_tails[index % (sizeof keyword_tails / sizeof *keyword_tails)];
    char *buf = malloc(n + strlen(tail) + 1);

    if (buf == NULL)
        return;
    write_seed("parse", uri, n);
    write_seed("json", uri, n);
    if (tail[0] != '\0') {
        memcpy(buf, uri, n);
        memcpy(buf + n, tail, strlen(tail) + 1);
        write_seed("parse", buf, strlen(buf));
        write_seed("json", buf, strlen(buf));
    }
    free(buf);
}

/* A TXT record from a fixture's expected "options" (what TXT may carry). */
static void txt_from_options(const cJSON *options, char *out, size_t cap)
{
    const cJSON *o;
    size_t n = 0;

    out[0] = '\0';
    cJSON_ArrayForEach(o, options) {
        char v[256];
        int k;
        if (o->string == NULL)
            continue;
        if (cJSON_IsString(o))
            snprintf(v, sizeof v, "%s", o->valuestring);
        else if (cJSON_IsBool(o))
            snprintf(v, sizeof v, "%s", cJSON_IsTrue(o) ? "true" : "false");
        else if (cJSON_IsNumber(o))
            snprintf(v, sizeof v, "%.0f", o->valuedouble);
        else
            continue;
        k = snprintf(out + n, cap - n, "%s%s=%s", n == 0 ? "" : "&", o->string, v);
        if (k < 0 || (size_t)k >= cap - n) {
            out[n] = '\0';
            return;
        }
        n += (size_t)k;
    }
}

static void seed_srv(const char *uri, const cJSON *parent, size_t index)
{
    const cJSON *seeds = parent != NULL ? cJSON_GetObjectItemCaseSensitive(parent, "seeds") : NULL;
    const cJSON *options = parent != NULL ? cJSON_GetObjectItemCaseSensitive(parent, "options")
                                          : NULL;
    static const char *const txts[] = {
        "replicaSet=repl0&authSource=thisDB", "loadBalanced=true", "-", "authSource=admin",
        "ssl=false", "replicaSet=repl0&", "loadBalanced=true&replicaSet=x",
    };
    char txt[1024], buf[8192];
    const cJSON *s;
    size_t n;

    if (cJSON_IsObject(options))
        txt_from_options(options, txt, sizeof txt);
    else
        snprintf(txt, sizeof txt, "%s", txts[index % (sizeof txts / sizeof *txts)]);
    n = (size_t)snprintf(buf, sizeof buf, "%s\n%s", uri, txt[0] != '\0' ? txt : "-");
    if (cJSON_IsArray(seeds) && cJSON_GetArraySize(seeds) > 0) {
        cJSON_ArrayForEach(s, seeds) {
            if (cJSON_IsString(s) && n < sizeof buf)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "\n%s", s->valuestring);
        }
    } else if (n < sizeof buf) {
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "\nlocalhost.test.build.10gen.cc:27017"
                              "\nlocalhost.test.build.10gen.cc:27018");
    }
    if (n < sizeof buf)
        write_seed("srv", buf, n);
}

static size_t counter;

static void walk_json(const cJSON *node, const cJSON *parent)
{
    const cJSON *c;

    if (node == NULL)
        return;
    if (cJSON_IsString(node) && node->string != NULL && strcmp(node->string, "uri") == 0) {
        seed_uri(node->valuestring, counter);
        if (strncmp(node->valuestring, "mongodb+srv://", 14) == 0)
            seed_srv(node->valuestring, parent, counter);
        counter++;
        return;
    }
    cJSON_ArrayForEach(c, node)
        walk_json(c, node);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void add_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        if (d == NULL)
            return;
        while ((e = readdir(d)) != NULL) {
            char sub[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            add_path(sub);
        }
        closedir(d);
        return;
    }
    if (ends_with(path, ".json")) {
        size_t n;
        char *text = read_file(path, &n);
        cJSON *root = text != NULL ? cJSON_ParseWithLength(text, n) : NULL;
        if (text != NULL && root == NULL)
            fprintf(stderr, "fuzz-seeds: %s: not JSON, skipped\n", path);
        walk_json(root, NULL);
        cJSON_Delete(root);
        free(text);
    } else if (ends_with(path, ".txt")) {
        size_t n;
        char *text = read_file(path, &n);
        char *line = text, *save = NULL;
        if (text == NULL)
            return;
        for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, "mongodb", 7) != 0)
                continue;
            seed_uri(line, counter);
            if (strncmp(line, "mongodb+srv://", 14) == 0)
                seed_srv(line, NULL, counter);
            counter++;
        }
        free(text);
    }
}

/* One dictionary entry: "token", escaped for libFuzzer. */
static void dict_entry(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\x%02X", c);
        else
            fputc(c, f);
    }
    fputs("\"\n", f);
}

static int dict(const char *path)
{
    static const char *const tokens[] = {
        "mongodb://", "mongodb+srv://", "@", ":", "/?", "&", "=", ",", "[::1]", "[", "]",
        ".sock", "%2F", "%40", "%3A", "%25", "%00", "%FF", "%C3%A9", "%E2%82", "%2C",
        "true", "false", "TRUE", "1", "yes", "-1", "0", "majority", "primary",
        "primaryPreferred", "secondary", "secondaryPreferred", "nearest", "local",
        "available", "linearizable", "snapshot", "SCRAM-SHA-1", "SCRAM-SHA-256", "MONGODB-X509",
        "GSSAPI", "PLAIN", "MONGODB-AWS", "MONGODB-OIDC", "MONGODB-CR", "$external", "%24external",
        "AWS_SESSION_TOKEN:", "SERVICE_NAME:", "CANONICALIZE_HOST_NAME:", "ENVIRONMENT:",
        "TOKEN_RESOURCE:", "SERVICE_REALM:", "ALLOWED_HOSTS:", "zlib", "zstd", "snappy",
        "dc:ny", "stream", "poll", "auto", "2147483647", "9223372036854775807", "27017",
        "65536", "localhost", "test.build.10gen.cc", "-", "strict", "\n",
    };
    FILE *f = fopen(path, "w");

    if (f == NULL) {
        fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < mongouri_option_count(); i++) {
        const mongouri_option_info *info = mongouri_option_at(i);
        char buf[256];
        snprintf(buf, sizeof buf, "%s=", info->name);
        dict_entry(f, buf);
        if (info->aliases != NULL) {
            char aliases[512];
            char *a, *save = NULL;
            snprintf(aliases, sizeof aliases, "%s", info->aliases);
            for (a = strtok_r(aliases, ", ", &save); a != NULL; a = strtok_r(NULL, ", ", &save)) {
                snprintf(buf, sizeof buf, "%s=", a);
                dict_entry(f, buf);
            }
        }
    }
    for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++)
        dict_entry(f, tokens[i]);
    fclose(f);
    return 0;
}

static int show(const char *path)
{
    size_t n;
    char *data = read_file(path, &n);
    size_t i = 0;
    bool first = true;

    if (data == NULL)
        return 1;
    while (i <= n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t end = nl != NULL ? (size_t)(nl - data) : n;
        char *line = malloc(end - i + 1);
        cJSON *s;
        char *printed;
        if (line == NULL)
            break;
        memcpy(line, data + i, end - i);
        line[end - i] = '\0';
        s = cJSON_CreateString(line);
        printed = s != NULL ? cJSON_PrintUnformatted(s) : NULL;
        if (memchr(data + i, '\0', end - i) != NULL)
            printf("%s(contains a NUL byte at %zu; shown up to it)\n", first ? "uri: " : "",
                   (size_t)((char *)memchr(data + i, '\0', end - i) - (data + i)));
        printf("%s%s\n", first ? "uri: " : "line: ", printed != NULL ? printed : "?");
        cJSON_free(printed);
        cJSON_Delete(s);
        free(line);
        first = false;
        if (nl == NULL)
            break;
        i = end + 1;
    }
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "corpus") == 0) {
        outdir = argv[2];
        mkdir(outdir, 0777);
        for (int i = 3; i < argc; i++)
            add_path(argv[i]);
        printf("fuzz-seeds: %zu connection strings, %zu seed files\n", counter, written);
        return counter > 0 ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "dict") == 0)
        return dict(argv[2]);
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return show(argv[2]);
    fprintf(stderr, "usage: fuzz-seeds corpus OUTDIR PATH...\n"
                    "       fuzz-seeds dict FILE\n"
                    "       fuzz-seeds show FILE\n");
    return 2;
}
