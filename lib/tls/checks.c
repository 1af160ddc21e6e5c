/*
 * What the files mean: a tlsCAFile that holds a usable CA, CRLs that are
 * current and issued by a CA of tlsCAFile, a system trust store that is not
 * empty; and mongouri_tls_check_files(), which loads and judges them all.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "mongouri/openssl.h"
#include "tls/checks.h"
#include "tls/errors.h"
#include "tls/files.h"
#include "tls/names.h"
#include "error_int.h"

/*
 * A check of a file that could not run (X509_cmp_current_time() answers 0,
 * a signature check fails without a verdict): out of memory, or a file
 * whose contents cannot be judged; never a pass.
 */
static mongouri_status cannot_judge(mongouri_error *err, mongouri_diag code, const char *option,
                                    const char *path, const char *what)
{
    mongouri__tls_error_scan es;
    char why[96];

    mongouri__tls_scan_errors(&es);
    if (es.oom)
        return mongouri__tls_out_of_memory(err, option, "checking the files");
    mongouri__tls_error_text(es.first, why, sizeof why);
    return mongouri__tls_file_error(err, code, option,
                                    "Check the file with openssl x509/crl -text.",
                                    "%s: %s of %s cannot be checked (%s)", option, what, path, why);
}

/* X509_cmp_current_time(), with its error (0) told apart from a verdict. */
static int compare_now(const ASN1_TIME *t)
{
    return t == NULL ? 0 : X509_cmp_current_time(t);
}

/*
 * tlsCAFile must hold at least one certificate OpenSSL can use as a trust
 * anchor today: a CA certificate, or a self-signed one (a pinned server
 * certificate), current. When none is, the first one says why.
 */
static mongouri_status check_ca_certs(const char *path, STACK_OF(X509) * certs, mongouri_error *err)
{
    const char *opt = "tlsCAFile";
    int i, n = sk_X509_num(certs), why = 0;
    X509 *bad = NULL;
    char subject[256], when[32], lead[600];

    ERR_clear_error();
    for (i = 0; i < n; i++) {
        X509 *x = sk_X509_value(certs, i), *copy = NULL;
        int reason = 0, after, before, is_ca;
        uint32_t flags = X509_get_extension_flags(x);
        bool self_signed;

        /*
         * Extensions that could not be cached say nothing about CA:TRUE.
         * OpenSSL 3 does not always queue a failed allocation there, so the
         * certificate is decoded again: invalid twice is the certificate's
         * own fault; a copy that cannot be made is memory.
         */
        if ((flags & EXFLAG_INVALID) != 0) {
            ERR_clear_error();
            copy = X509_dup(x);
            if (copy == NULL)
                return mongouri__tls_out_of_memory(err, opt, "checking the certificates");
            flags = X509_get_extension_flags(copy);
            if ((flags & EXFLAG_INVALID) != 0) {
                X509_free(copy);
                return cannot_judge(err, MONGOURI_D_FILE_NO_CERTIFICATE, opt, path,
                                    "the extensions of a certificate");
            }
            x = copy;
        }
        self_signed = (flags & EXFLAG_SS) != 0;
        is_ca = X509_check_ca(x);
        X509_free(copy); /* x is only read for its dates below, from the original */
        x = sk_X509_value(certs, i);
        if (is_ca == 0 && !self_signed) {
            reason = 1;
        } else {
            after = compare_now(X509_get0_notAfter(x));
            before = after == 0 ? 0 : compare_now(X509_get0_notBefore(x));
            if (after == 0 || before == 0)
                return cannot_judge(err, MONGOURI_D_FILE_NO_CERTIFICATE, opt, path,
                                    "the validity dates of a certificate");
            if (after < 0)
                reason = 2;
            else if (before > 0)
                reason = 3;
        }
        if (reason == 0)
            return MONGOURI_OK;
        if (bad == NULL) {
            bad = x;
            why = reason;
        }
    }
    if (bad == NULL)
        return MONGOURI_OK;
    mongouri__tls_name_text(X509_get_subject_name(bad), subject, sizeof subject);
    if (n == 1)
        snprintf(lead, sizeof lead, "the %scertificate in %s (%s)", why == 1 ? "" : "CA ", path,
                 subject);
    else
        snprintf(lead, sizeof lead,
                 "none of the %d certificates in %s is a usable CA; the first (%s)", n, path,
                 subject);
    if (why == 1)
        return mongouri__tls_file_error(
            err, MONGOURI_D_NOT_CA, opt,
            "tlsCAFile must hold the certificate of the CA that signed the "
            "server's certificate (basicConstraints CA:TRUE), not the server's "
            "own certificate.",
            "%s: %s is not a CA certificate", opt, lead);
    if (why == 2) {
        mongouri__asn1_time_text(X509_get0_notAfter(bad), when, sizeof when);
        return mongouri__tls_file_error(
            err, MONGOURI_D_CERT_EXPIRED, opt,
            "The CA certificate itself has expired: get the CA's current "
            "certificate from whoever runs the CA and put it in tlsCAFile (and "
            "check the clock of this machine).",
            "%s: %s expired on %s", opt, lead, when);
    }
    mongouri__asn1_time_text(X509_get0_notBefore(bad), when, sizeof when);
    return mongouri__tls_file_error(
        err, MONGOURI_D_CERT_NOT_YET_VALID, opt,
        "Check the clock of this machine; the CA certificate is not valid yet.",
        "%s: %s is not valid before %s", opt, lead, when);
}

/* Every CRL must be current and, with tlsCAFile, issued and signed by one of its CAs. */
static mongouri_status check_crls(const char *path, STACK_OF(X509_CRL) * crls, const char *ca_path,
                                  STACK_OF(X509) * cas, bool unknown_ok, mongouri_error *err)
{
    const char *opt = "tlsCRLFile";
    int i, j;

    for (i = 0; i < sk_X509_CRL_num(crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(crls, i);
        const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
        const ASN1_TIME *last = X509_CRL_get0_lastUpdate(crl);
        char issuer[256], when[32];
        int next_cmp, last_cmp;

        mongouri__tls_name_text(X509_CRL_get_issuer(crl), issuer, sizeof issuer);
        if (cas != NULL) {
            X509 *ca = NULL;

            for (j = 0; j < sk_X509_num(cas) && ca == NULL; j++)
                if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
                                  X509_get_subject_name(sk_X509_value(cas, j))) == 0)
                    ca = sk_X509_value(cas, j);
            if (ca == NULL && unknown_ok)
                continue; /* maybe an intermediate's: the handshake will tell */
            if (ca == NULL)
                return mongouri__tls_file_error(
                    err, MONGOURI_D_CRL_WRONG_ISSUER, opt,
                    "Give the CRL published by the CA that issued the server's "
                    "certificate (if it is the CRL of an intermediate CA, add "
                    "that intermediate to tlsCAFile).",
                    "%s: the CRL in %s is issued by %s, which is not a CA of "
                    "tlsCAFile %s",
                    opt, path, issuer, ca_path);
            ERR_clear_error();
            /* OpenSSL 3 does not always queue a failed allocation: a signature
             * that does not verify is checked once more before it is called
             * wrong (a real mismatch fails both times). */
            if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1 &&
                X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1) {
                mongouri__tls_error_scan es;

                mongouri__tls_scan_errors(&es);
                if (es.oom)
                    return mongouri__tls_out_of_memory(err, opt, "checking the CRL's signature");
                return mongouri__tls_file_error(
                    err, MONGOURI_D_CRL_WRONG_ISSUER, opt,
                    "The CRL names the right CA but was signed by another key: "
                    "download the CRL again from that CA.",
                    "%s: the signature of the CRL in %s does not verify with the "
                    "key of %s in tlsCAFile %s",
                    opt, path, issuer, ca_path);
            }
        }
        ERR_clear_error();
        /* Each compared once: a second call could fail where the first did not. */
        next_cmp = next == NULL ? 1 : compare_now(next);
        last_cmp = next_cmp == 0 ? 0 : compare_now(last);
        if (next_cmp == 0 || last_cmp == 0)
            return cannot_judge(err, MONGOURI_D_CRL_UNPARSEABLE, opt, path,
                                "the update times of a CRL");
        if (next_cmp < 0) {
            mongouri__asn1_time_text(next, when, sizeof when);
            return mongouri__tls_file_error(
                err, MONGOURI_D_CRL_EXPIRED, opt,
                "Download the current CRL from the CA into tlsCRLFile; OpenSSL "
                "refuses every certificate checked against an expired CRL.",
                "%s: the CRL in %s (issuer %s) expired on %s (its nextUpdate)", opt, path, issuer,
                when);
        }
        if (last_cmp > 0) {
            mongouri__asn1_time_text(last, when, sizeof when);
            return mongouri__tls_file_error(
                err, MONGOURI_D_CRL_NOT_YET_VALID, opt,
                "Check the clock of this machine; the CRL is not valid yet.",
                "%s: the CRL in %s (issuer %s) is not valid before %s", opt, path, issuer, when);
        }
    }
    return MONGOURI_OK;
}

/* Hashed certificate names ("5ed36f99.0") in one directory, at most `limit` looked at. */
static long count_hashed(const char *path, bool *exists)
{
    DIR *d = opendir(path);
    struct dirent *e;
    long n = 0, seen = 0;

    *exists = d != NULL;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL && seen++ < 1000000L) {
        const char *p = e->d_name;
        size_t k;

        for (k = 0; k < 8 && isxdigit((unsigned char)p[k]); k++) {
            /* eight hex digits */
        }
        if (k == 8 && p[8] == '.' && isdigit((unsigned char)p[9]) &&
            strspn(p + 9, "0123456789") == strlen(p + 9))
            n++;
    }
    closedir(d);
    return n;
}

mongouri_status mongouri_tls_system_store(char *buf, size_t cap, mongouri_error *err)
{
    const char *fenv = X509_get_default_cert_file_env(), *denv = X509_get_default_cert_dir_env();
    const char *file = getenv(fenv), *dirs = getenv(denv);
    bool file_from_env = file != NULL && file[0] != '\0';
    bool dir_from_env = dirs != NULL && dirs[0] != '\0';
    char ftext[512], dtext[1024] = "";
    long ncerts = 0, nhashed = 0;
    size_t used = 0;
    mongouri_error ferr;
    bool file_bad = false; /* the context would refuse the file (see load_system_store) */

    mongouri__error_clear(err);
    ERR_set_mark(); /* the caller's OpenSSL errors stay as they are */
    if (!file_from_env)
        file = X509_get_default_cert_file();
    if (!dir_from_env)
        dirs = X509_get_default_cert_dir();
    memset(&ferr, 0, sizeof ferr);
    {
        /* As load_system_store() reads it: a file that is there must be read
         * whole and every certificate block must decode. */
        struct stat sb;

        if (stat(file, &sb) != 0) {
            snprintf(ftext, sizeof ftext, "file %s (%s) does not exist", file,
                     file_from_env ? fenv : "OpenSSL's default");
        } else {
            unsigned char *data = NULL;
            size_t len = 0;
            STACK_OF(X509) *certs = NULL;

            if (mongouri__tls_read_whole(file, "tlsCAFile", &data, &len, &ferr) == MONGOURI_OK &&
                mongouri__tls_read_certificates(data, len, file, "tlsCAFile", &certs, &ferr) ==
                    MONGOURI_OK) {
                ncerts = sk_X509_num(certs);
                snprintf(ftext, sizeof ftext, "file %s (%s) with %ld certificate%s", file,
                         file_from_env ? fenv : "OpenSSL's default", ncerts,
                         ncerts == 1 ? "" : "s");
            } else {
                file_bad = true;
                snprintf(ftext, sizeof ftext, "file %s (%s) cannot be used", file,
                         file_from_env ? fenv : "OpenSSL's default");
            }
            sk_X509_pop_free(certs, X509_free);
            mongouri__tls_free_wiped(data, len);
        }
    }
    {
        const char *p = dirs;

        while (*p != '\0') {
            size_t k = strcspn(p, ":");
            char one[512];
            bool exists;
            long h;

            snprintf(one, sizeof one, "%.*s", (int)(k < sizeof one ? k : sizeof one - 1), p);
            if (one[0] != '\0') {
                h = count_hashed(one, &exists);
                nhashed += h;
                if (used < sizeof dtext) {
                    int w = exists ? snprintf(dtext + used, sizeof dtext - used,
                                              "%sdirectory %s (%s) with %ld hashed "
                                              "certificate%s",
                                              used == 0 ? "" : "; ", one,
                                              dir_from_env ? denv : "OpenSSL's default", h,
                                              h == 1 ? "" : "s")
                                   : snprintf(dtext + used, sizeof dtext - used,
                                              "%sdirectory %s (%s) does not exist",
                                              used == 0 ? "" : "; ", one,
                                              dir_from_env ? denv : "OpenSSL's default");
                    used = w < 0 ? used : used + (size_t)w;
                }
            }
            p += k;
            if (*p == ':')
                p++;
        }
    }
    ERR_pop_to_mark();
    if (buf != NULL && cap > 0)
        snprintf(buf, cap, "%s; %s", ftext, dtext[0] != '\0' ? dtext : "no directory");
    if (file_bad) {
        /* ferr.message is "tlsCAFile: <why>"; no tlsCAFile was given. */
        const char *why =
            strncmp(ferr.message, "tlsCAFile: ", 11) == 0 ? ferr.message + 11 : ferr.message;

        mongouri__error_set(err, ferr.status, ferr.code, "tlsCAFile", -1, 0,
                            "no tlsCAFile, and the system trust store %s: %s", ftext, why);
        if (ferr.status != MONGOURI_E_NOMEM)
            mongouri__error_hint(err,
                                 "Repair or replace the system's CA bundle (Debian: "
                                 "update-ca-certificates), point %s at a readable PEM "
                                 "bundle, or give the CA certificate with tlsCAFile.",
                                 fenv);
        return ferr.status;
    }
    if (ncerts == 0 && nhashed == 0) {
        mongouri__error_set(err, MONGOURI_E_FILE, MONGOURI_D_TRUST_STORE_EMPTY, "tlsCAFile", -1, 0,
                            "no tlsCAFile, and the system trust store is empty: %s; %s", ftext,
                            dtext[0] != '\0' ? dtext : "no directory");
        mongouri__error_hint(err,
                             "Give the CA certificate with tlsCAFile, install the "
                             "system's CA certificates (Debian: ca-certificates), or point "
                             "%s at a PEM bundle.",
                             fenv);
        return MONGOURI_E_FILE;
    }
    return MONGOURI_OK;
}

/* The provenance of the option a file diagnosis names. */
static void error_source(mongouri_error *err, const mongouri_tls_settings *tls)
{
    static const struct {
        const char *option;
        mongouri_tls_field field;
    } map[] = {
        {"tlsCAFile", MONGOURI_TLS_CA_FILE},
        {"tlsCertificateKeyFile", MONGOURI_TLS_CERTIFICATE_KEY_FILE},
        {"tlsCertificateKeyFilePassword", MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD},
        {"tlsCRLFile", MONGOURI_TLS_CRL_FILE},
    };
    size_t i;

    if (err == NULL)
        return;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(err->option, map[i].option) == 0) {
            err->source = err->code == MONGOURI_D_TRUST_STORE_EMPTY
                              ? MONGOURI_SOURCE_DEFAULT
                              : mongouri_tls_source(tls, map[i].field);
            return;
        }
}

/*
 * `before_connect`: a CRL whose issuer is not in tlsCAFile may be that of an
 * intermediate the server sends; the handshake decides, not the file check.
 */
mongouri_status mongouri__tls_check_files(const mongouri_tls_settings *tls, bool before_connect,
                                          mongouri_error *err)
{
    const char *ca, *key, *crl;
    STACK_OF(X509) *cas = NULL;
    mongouri_status st = MONGOURI_OK;

    mongouri__error_clear(err);
    if (tls == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "no TLS settings given");
    ca = mongouri_tls_ca_file(tls);
    key = mongouri_tls_certificate_key_file(tls);
    crl = mongouri_tls_crl_file(tls);
    ERR_set_mark();
    if (ca != NULL) {
        st = mongouri__tls_load_ca_file(ca, &cas, err);
        if (st == MONGOURI_OK)
            st = check_ca_certs(ca, cas, err);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (key != NULL) {
        mongouri__tls_client_identity id;

        st = mongouri__tls_load_key_file(key, mongouri_tls_certificate_key_file_password(tls), &id,
                                         err);
        mongouri__tls_client_identity_clear(&id);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (crl != NULL) {
        STACK_OF(X509_CRL) *crls = NULL;

        st = mongouri__tls_load_crl_file(crl, &crls, err);
        if (st == MONGOURI_OK)
            st = check_crls(crl, crls, ca, cas, before_connect, err);
        sk_X509_CRL_pop_free(crls, X509_CRL_free);
        if (st != MONGOURI_OK)
            goto out;
    }
    if (ca == NULL && mongouri_tls_enabled(tls) && mongouri_tls_verify_certificates(tls))
        st = mongouri_tls_system_store(NULL, 0, err);
out:
    if (st != MONGOURI_OK)
        error_source(err, tls);
    sk_X509_pop_free(cas, X509_free);
    ERR_pop_to_mark();
    return st;
}

mongouri_status mongouri_tls_check_files(const mongouri_tls_settings *tls, mongouri_error *err)
{
    return mongouri__tls_check_files(tls, false, err);
}
