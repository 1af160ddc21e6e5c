/*
 * The normalized TLS settings of a result (SPEC-RULES.md A.4, with the
 * project's policy of DESIGN.md): each field with the source that decided
 * it. Runs after the rules, on a conflict-free option set.
 */
#include <string.h>

#include "uri_int.h"
#include "tls_settings_int.h"
#include "options_int.h"
#include "value_int.h"

#define OPT(u, id) mongouri__val((u), MONGOURI_OPT_##id)

static bool is_true(const mongouri__value *v)
{
    return v->set && v->v.b;
}

static const char *detail_of(const mongouri__value *v)
{
    return mongouri__key_detail(v->set_spelling, (mongouri_source)v->source);
}

static void set_field(mongouri_tls_settings *t, mongouri_tls_field f, mongouri_source s,
                      const char *detail)
{
    t->source[f] = (uint8_t)s;
    t->detail[f] = detail != NULL ? detail : "default";
}

static void file_field(mongouri_uri *uri, mongouri_tls_field f, int id, const char **dst)
{
    const mongouri__value *v = mongouri__val(uri, id);

    if (!v->set)
        return;
    *dst = v->v.s;
    set_field(&uri->tls, f, (mongouri_source)v->source, detail_of(v));
}

/* A.4: enabled, verification and revocation, each with its source. */
void mongouri__tls_normalize(mongouri_uri *uri)
{
    mongouri_tls_settings *t = &uri->tls;
    const mongouri__value *tls = OPT(uri, TLS);
    const mongouri__value *insecure = OPT(uri, TLSINSECURE);
    const mongouri__value *aic = OPT(uri, TLSALLOWINVALIDCERTIFICATES);
    const mongouri__value *aih = OPT(uri, TLSALLOWINVALIDHOSTNAMES);
    const mongouri__value *crc = OPT(uri, TLSDISABLECERTIFICATEREVOCATIONCHECK);
    const mongouri__value *ocsp = OPT(uri, TLSDISABLEOCSPENDPOINTCHECK);
    int first = -1;

    memset(t, 0, sizeof *t);
    for (int f = 0; f < MONGOURI_TLS__FIELDS; f++)
        set_field(t, (mongouri_tls_field)f, MONGOURI_SOURCE_DEFAULT, "default");

    for (size_t k = 0; k < uri->nvals; k++) {
        const mongouri__value *v = &uri->vals[k];
        int i = v->id;
        if (!(mongouri__options[i].info.flags & MONGOURI_OPTION_TLS) || !v->set)
            continue;
        /* keyword options first, then the earliest in the URI */
        if (first < 0 ||
            (v->source == MONGOURI_SOURCE_KEYWORD &&
             mongouri__val(uri, first)->source != MONGOURI_SOURCE_KEYWORD) ||
            (v->source == mongouri__val(uri, first)->source &&
             v->offset < mongouri__val(uri, first)->offset))
            first = i;
    }

    if (tls->set) {
        t->enabled = tls->v.b;
        set_field(t, MONGOURI_TLS_ENABLED, (mongouri_source)tls->source, detail_of(tls));
    } else if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        t->enabled = true;
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_IMPLIED, "implied by mongodb+srv");
    } else if (first >= 0) {
        t->enabled = true;
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_IMPLIED,
                  mongouri__key_detail(mongouri__key_canonical(first), MONGOURI_SOURCE_IMPLIED));
    } else {
        set_field(t, MONGOURI_TLS_ENABLED, MONGOURI_SOURCE_DEFAULT, "default: off for mongodb://");
    }
    if (!t->enabled) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED, "implied by TLS off");
        return;
    }

    file_field(uri, MONGOURI_TLS_CA_FILE, MONGOURI_OPT_TLSCAFILE, &t->ca_file);
    file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE, MONGOURI_OPT_TLSCERTIFICATEKEYFILE,
               &t->certificate_key_file);
    file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD,
               MONGOURI_OPT_TLSCERTIFICATEKEYFILEPASSWORD, &t->certificate_key_file_password);
    file_field(uri, MONGOURI_TLS_CRL_FILE, MONGOURI_OPT_TLSCRLFILE, &t->crl_file);

    t->verify_certificates = true;
    t->verify_hostnames = true;
    if (is_true(insecure)) {
        t->verify_certificates = false;
        t->verify_hostnames = false;
        set_field(t, MONGOURI_TLS_VERIFY_CERTIFICATES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
        set_field(t, MONGOURI_TLS_VERIFY_HOSTNAMES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
    } else {
        if (aic->set) {
            t->verify_certificates = !aic->v.b;
            set_field(t, MONGOURI_TLS_VERIFY_CERTIFICATES, (mongouri_source)aic->source,
                      detail_of(aic));
        }
        if (aih->set) {
            t->verify_hostnames = !aih->v.b;
            set_field(t, MONGOURI_TLS_VERIFY_HOSTNAMES, (mongouri_source)aih->source,
                      detail_of(aih));
        }
    }

    if (!t->verify_certificates) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED,
                  is_true(insecure) ? "implied by tlsInsecure"
                                    : "implied by tlsAllowInvalidCertificates");
    } else if (t->crl_file != NULL) {
        t->revocation = MONGOURI_REVOCATION_CRL;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED, "implied by tlsCRLFile");
    } else if (is_true(crc)) {
        t->revocation = MONGOURI_REVOCATION_NONE;
        set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
    } else if (is_true(ocsp)) {
        t->revocation = MONGOURI_REVOCATION_OCSP_STAPLE_ONLY;
        set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
    } else {
        t->revocation = MONGOURI_REVOCATION_OCSP;
        if (crc->set)
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
        else if (ocsp->set)
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
    }
}
