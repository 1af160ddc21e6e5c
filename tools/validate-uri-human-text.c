/*
 * validate-uri, human output: the text primitives: colour, input text made
 * safe for a terminal, headings and labels.
 */
#include <string.h>

#include "validate-uri-human.h"

const char *vu_sty(const vu_config *cfg, const char *code)
{
    return cfg->color ? code : "";
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
size_t vu_utf8_len(const unsigned char *s, size_t n)
{
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

/*
 * Print text that came from the input: control bytes and invalid UTF-8 are
 * escaped as \xNN, so a connection string cannot drive the terminal.
 */
void vu_put_text(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);

    for (size_t i = 0; i < n;) {
        size_t len = vu_utf8_len(s + i, n - i);

        if (len == 0 || s[i] < 0x20 || s[i] == 0x7F) {
            fprintf(out, "\\x%02X", s[i]);
            i++;
            continue;
        }
        fwrite(s + i, 1, len, out);
        i += len;
    }
}

void vu_heading(FILE *out, const vu_config *cfg, const char *title)
{
    fprintf(out, "\n%s%s%s\n", vu_sty(cfg, C_BOLD), title, vu_sty(cfg, C_RESET));
}

void vu_label(FILE *out, const char *name)
{
    fprintf(out, "  %-*s ", LABEL_WIDTH, name);
}
