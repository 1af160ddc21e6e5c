/*
 * json-get: reads one JSON document per line of stdin (or one document
 * spanning all of stdin with --whole) and prints the value at PATH, for the
 * validate-uri tests (jq is not guaranteed on the test machines).
 *
 *   json-get PATH            value at PATH of each line's document
 *   json-get --whole PATH    value at PATH of the whole input as one document
 *   json-get --keys PATH     keys of the object at PATH, one per line
 *   json-get --length PATH   number of items of the array/object at PATH
 *   json-get --type PATH     object, array, string, number, bool or null
 *
 * PATH is "." for the root, or a chain of .key and [index] steps:
 * .hosts[0].host, .tls.source.enabled. Strings print raw, numbers as
 * integers when integral, booleans as true/false, null as null, objects and
 * arrays as compact JSON. Exit 0; 3 when the path is missing; 2 when the
 * input is not JSON (trailing garbage included) or the usage is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

enum mode { MODE_VALUE, MODE_KEYS, MODE_LENGTH, MODE_TYPE };

static const cJSON *walk(const cJSON *node, const char *path)
{
    const char *p = path;

    if (strcmp(p, ".") == 0)
        return node;
    while (*p != '\0' && node != NULL) {
        if (*p == '.') {
            char key[256];
            size_t n = strcspn(p + 1, ".[");
            if (n >= sizeof key)
                return NULL;
            memcpy(key, p + 1, n);
            key[n] = '\0';
            if (!cJSON_IsObject(node))
                return NULL;
            node = cJSON_GetObjectItemCaseSensitive(node, key);
            p += 1 + n;
        } else if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (*end != ']' || i < 0 || !cJSON_IsArray(node))
                return NULL;
            node = cJSON_GetArrayItem(node, (int)i);
            p = end + 1;
        } else {
            return NULL;
        }
    }
    return node;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "object";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "bool";
    return "null";
}

static int show(const char *text, size_t len, const char *path, enum mode mode)
{
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    const cJSON *v;
    int rc = 0;

    if (doc == NULL) {
        fprintf(stderr, "json-get: not JSON: %.60s\n", text);
        return 2;
    }
    v = walk(doc, path);
    if (v == NULL) {
        fprintf(stderr, "json-get: no %s\n", path);
        rc = 3;
    } else if (mode == MODE_TYPE) {
        puts(type_name(v));
    } else if (mode == MODE_LENGTH) {
        printf("%d\n", cJSON_IsArray(v) || cJSON_IsObject(v) ? cJSON_GetArraySize(v) : -1);
    } else if (mode == MODE_KEYS) {
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
            if (c->string != NULL)
                puts(c->string);
    } else if (cJSON_IsString(v)) {
        puts(v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        if (v->valuedouble == (double)(long long)v->valuedouble)
            printf("%lld\n", (long long)v->valuedouble);
        else
            printf("%g\n", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        puts(cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        puts("null");
    } else {
        char *s = cJSON_PrintUnformatted(v);
        puts(s != NULL ? s : "");
        cJSON_free(s);
    }
    cJSON_Delete(doc);
    return rc;
}

int main(int argc, char **argv)
{
    enum mode mode = MODE_VALUE;
    int whole = 0, rc = 0, argi = 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;

    for (; argi < argc - 1; argi++) {
        if (strcmp(argv[argi], "--whole") == 0)
            whole = 1;
        else if (strcmp(argv[argi], "--keys") == 0)
            mode = MODE_KEYS;
        else if (strcmp(argv[argi], "--length") == 0)
            mode = MODE_LENGTH;
        else if (strcmp(argv[argi], "--type") == 0)
            mode = MODE_TYPE;
        else
            break;
    }
    if (argi != argc - 1) {
        fputs("usage: json-get [--whole] [--keys|--length|--type] PATH < JSON\n", stderr);
        return 2;
    }
    if (whole) {
        size_t len = 0;
        char buf[4096];
        size_t n;
        char *all = NULL;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
            char *grown = realloc(all, len + n + 1);
            if (grown == NULL) {
                free(all);
                return 2;
            }
            all = grown;
            memcpy(all + len, buf, n);
            len += n;
        }
        if (all == NULL)
            return 2;
        all[len] = '\0';
        rc = show(all, len, argv[argi], mode);
        free(all);
        return rc;
    }
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)got;
        int r;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        r = show(line, len, argv[argi], mode);
        if (r > rc)
            rc = r;
    }
    free(line);
    return rc;
}
