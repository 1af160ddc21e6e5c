/* read_file for the test programs: header only, included by the .c files that use it. */
#ifndef MONGOURI_SPEC_READFILE_H
#define MONGOURI_SPEC_READFILE_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file at PATH, NUL-terminated, its length (without the NUL) in *len;
 * NULL when it cannot be read. The caller frees it. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n + 1);
    if (buf == NULL)
        goto out;
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    *len = (size_t)n;
out:
    fclose(f);
    return buf;
}

#endif
