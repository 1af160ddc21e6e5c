/*
 * Certificate and host names as text. A certificate's names are shown so
 * that they hide nothing: a byte outside printable ASCII is escaped.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/x509v3.h>

#include "tls/names.h"

void mongouri__asn1_time_text(const ASN1_TIME *t, char *buf, size_t cap)
{
    struct tm tm;

    if (cap == 0)
        return;
    buf[0] = '\0';
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return;
    if (strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        buf[0] = '\0';
}

void mongouri__tls_name_text(const X509_NAME *name, char *buf, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    int n = 0;

    buf[0] = '\0';
    if (b == NULL)
        return;
    if (name != NULL && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
        n = BIO_read(b, buf, (int)cap - 1);
    buf[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

/*
 * `prefix` and the bytes of `str`, as text that hides nothing: a byte
 * outside printable ASCII is shown as \xNN and a backslash as \\ (a name
 * "localhost\0.evil.com" must not read as "localhost").
 */
static void escaped_item(char *item, size_t cap, const char *prefix, const ASN1_STRING *str)
{
    const unsigned char *d = ASN1_STRING_get0_data(str);
    int len = ASN1_STRING_length(str), i;
    size_t used = (size_t)snprintf(item, cap, "%s", prefix);

    for (i = 0; d != NULL && i < len && used + 5 < cap; i++) {
        if (d[i] == '\\')
            used += (size_t)snprintf(item + used, cap - used, "\\\\");
        else if (d[i] < 0x20 || d[i] > 0x7e)
            used += (size_t)snprintf(item + used, cap - used, "\\x%02X", d[i]);
        else
            item[used++] = (char)d[i];
    }
    item[used < cap ? used : cap - 1] = '\0';
}

/* "DNS:a, IP:127.0.0.1" of a certificate's subjectAltName, control bytes escaped. */
void mongouri__tls_san_text(X509 *x, char *buf, size_t cap)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    size_t used = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char item[300] = "";

        if (g->type == GEN_DNS) {
            escaped_item(item, sizeof item, "DNS:", g->d.dNSName);
        } else if (g->type == GEN_IPADD) {
            char ip[INET6_ADDRSTRLEN] = "?";
            int len = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);

            if (len == 4)
                inet_ntop(AF_INET, d, ip, sizeof ip);
            else if (len == 16)
                inet_ntop(AF_INET6, d, ip, sizeof ip);
            snprintf(item, sizeof item, "IP:%s", ip);
        } else if (g->type == GEN_EMAIL) {
            escaped_item(item, sizeof item, "email:", g->d.rfc822Name);
        } else if (g->type == GEN_URI) {
            escaped_item(item, sizeof item, "URI:", g->d.uniformResourceIdentifier);
        }
        if (item[0] != '\0' && used + 1 < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used == 0 ? "" : ", ", item);
        if (used >= cap)
            used = cap - 1;
    }
    GENERAL_NAMES_free(gens);
}

bool mongouri__tls_is_ip_literal(const char *host)
{
    unsigned char tmp[16];

    return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

/* Copy `host` without the brackets of an IPv6 literal. */
void mongouri__tls_host_copy(char *dst, size_t cap, const char *host)
{
    size_t n = strlen(host);

    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        snprintf(dst, cap, "%.*s", (int)(n - 2), host + 1);
    else
        snprintf(dst, cap, "%s", host);
}
