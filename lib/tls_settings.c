/*
 * The normalized TLS settings of a result (SPEC-RULES.md A.4, with the
 * project's policy of DESIGN.md): each field with the source that decided
 * it. Runs after the rules, on a conflict-free option set.
 */
#include <string.h>

#include "uri_int.h"
#include "tls_settings_int.h"
#include "options_int.h"
#include "rules_int.h"
#include "value_int.h"

#define OPT(u, id) mongouri__val((u), MONGOURI_OPT_##id)
#define BIT(id) MONGOURI__BIT(MONGOURI_OPT_##id)

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

#define D "default"
/* Every field at its default: what a mongodb:// URI without TLS options gets. */
static const mongouri_tls_settings tls_off = {
    .revocation = MONGOURI_REVOCATION_NONE,
    .source = {[MONGOURI_TLS_REVOCATION] = MONGOURI_SOURCE_IMPLIED},
    .detail = {"default: off for mongodb://", D, D, D, D, D, D, "implied by TLS off"},
};
/* The fields no option has decided yet (verification on, OCSP). */
static const mongouri_tls_settings tls_on = {
    .enabled = true,
    .verify_certificates = true,
    .verify_hostnames = true,
    .revocation = MONGOURI_REVOCATION_OCSP,
    .detail = {D, D, D, D, D, D, D, D},
};
#undef D

/* The option flagged TLS that implies tls=true: keyword options first, then
 * the earliest in the URI. -1 when none is set. Out of line, as the rest of
 * the work on the TLS options, to keep the common path short. */
__attribute__((noinline)) static int first_tls_option(const mongouri_uri *uri)
{
    int first = -1;

    for (size_t k = 0; k < uri->nvals; k++) {
        const mongouri__value *v = &uri->vals[k];
        int i = v->id;
        if (!(mongouri__options[i].info.flags & MONGOURI_OPTION_TLS) || !v->set)
            continue;
        if (first < 0 ||
            (v->source == MONGOURI_SOURCE_KEYWORD &&
             mongouri__val(uri, first)->source != MONGOURI_SOURCE_KEYWORD) ||
            (v->source == mongouri__val(uri, first)->source &&
             v->offset < mongouri__val(uri, first)->offset))
            first = i;
    }
    return first;
}

/* The fields decided by the options flagged TLS (`present`, not 0), once
 * TLS is on. */
__attribute__((noinline)) static void apply_tls_options(mongouri_uri *uri, uint64_t present)
{
    mongouri_tls_settings *t = &uri->tls;
    bool insecure;

    if (present & BIT(TLSCAFILE))
        file_field(uri, MONGOURI_TLS_CA_FILE, MONGOURI_OPT_TLSCAFILE, &t->ca_file);
    if (present & BIT(TLSCERTIFICATEKEYFILE))
        file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE, MONGOURI_OPT_TLSCERTIFICATEKEYFILE,
                   &t->certificate_key_file);
    if (present & BIT(TLSCERTIFICATEKEYFILEPASSWORD))
        file_field(uri, MONGOURI_TLS_CERTIFICATE_KEY_FILE_PASSWORD,
                   MONGOURI_OPT_TLSCERTIFICATEKEYFILEPASSWORD, &t->certificate_key_file_password);
    if (present & BIT(TLSCRLFILE))
        file_field(uri, MONGOURI_TLS_CRL_FILE, MONGOURI_OPT_TLSCRLFILE, &t->crl_file);

    /* each option below is read only when it appeared (an absent one is unset) */
    insecure = (present & BIT(TLSINSECURE)) != 0 && is_true(OPT(uri, TLSINSECURE));
    if (insecure) {
        t->verify_certificates = false;
        t->verify_hostnames = false;
        set_field(t, MONGOURI_TLS_VERIFY_CERTIFICATES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
        set_field(t, MONGOURI_TLS_VERIFY_HOSTNAMES, MONGOURI_SOURCE_IMPLIED,
                  "implied by tlsInsecure");
    } else if ((present & (BIT(TLSALLOWINVALIDCERTIFICATES) | BIT(TLSALLOWINVALIDHOSTNAMES))) !=
               0) {
        const mongouri__value *aic = OPT(uri, TLSALLOWINVALIDCERTIFICATES);
        const mongouri__value *aih = OPT(uri, TLSALLOWINVALIDHOSTNAMES);
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
                  insecure ? "implied by tlsInsecure" : "implied by tlsAllowInvalidCertificates");
    } else if (t->crl_file != NULL) {
        t->revocation = MONGOURI_REVOCATION_CRL;
        set_field(t, MONGOURI_TLS_REVOCATION, MONGOURI_SOURCE_IMPLIED, "implied by tlsCRLFile");
    } else if ((present & (BIT(TLSDISABLECERTIFICATEREVOCATIONCHECK) |
                           BIT(TLSDISABLEOCSPENDPOINTCHECK))) != 0) {
        const mongouri__value *crc = OPT(uri, TLSDISABLECERTIFICATEREVOCATIONCHECK);
        const mongouri__value *ocsp = OPT(uri, TLSDISABLEOCSPENDPOINTCHECK);
        if (is_true(crc)) {
            t->revocation = MONGOURI_REVOCATION_NONE;
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
        } else if (is_true(ocsp)) {
            t->revocation = MONGOURI_REVOCATION_OCSP_STAPLE_ONLY;
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
        } else if (crc->set) {
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)crc->source, detail_of(crc));
        } else if (ocsp->set) {
            set_field(t, MONGOURI_TLS_REVOCATION, (mongouri_source)ocsp->source, detail_of(ocsp));
        }
    }
}

/* A.4 with options flagged TLS (`options`, not 0): enabled, verification
 * and revocation, each with its source. */
__attribute__((noinline)) static void
normalize_with_options(mongouri_uri *uri, const mongouri__value *tls, uint64_t options)
{
    mongouri_tls_settings *t = &uri->tls;
    const mongouri_tls_settings *base = &tls_on;
    mongouri_source source = MONGOURI_SOURCE_IMPLIED;
    const char *detail;
    int first;

    if (tls->set) {
        base = tls->v.b ? &tls_on : &tls_off;
        source = (mongouri_source)tls->source;
        detail = detail_of(tls);
    } else if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        detail = "implied by mongodb+srv";
    } else if ((first = first_tls_option(uri)) >= 0) {
        detail = mongouri__key_detail(mongouri__key_canonical(first), MONGOURI_SOURCE_IMPLIED);
    } else {
        base = &tls_off;
        source = MONGOURI_SOURCE_DEFAULT;
        detail = "default: off for mongodb://";
    }
    /* one copy of a template (chosen at run time: copied, not rebuilt) */
    *t = *base;
    set_field(t, MONGOURI_TLS_ENABLED, source, detail);
    if (base == &tls_on)
        apply_tls_options(uri, options);
}

/* A.4: enabled, verification and revocation, each with its source. Without
 * an option flagged TLS (mongouri__mask_tls) every field but `enabled` keeps
 * its default. */
void mongouri__tls_normalize(mongouri_uri *uri)
{
    const mongouri__value *tls = OPT(uri, TLS);
    uint64_t options = uri->present & mongouri__mask_tls;
    const mongouri_tls_settings *base = &tls_off;
    mongouri_source source = MONGOURI_SOURCE_DEFAULT;
    const char *detail = tls_off.detail[MONGOURI_TLS_ENABLED];

    if (options != 0) {
        normalize_with_options(uri, tls, options);
        return;
    }
    if (tls->set) {
        base = tls->v.b ? &tls_on : &tls_off;
        source = (mongouri_source)tls->source;
        detail = detail_of(tls);
    } else if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        base = &tls_on;
        source = MONGOURI_SOURCE_IMPLIED;
        detail = "implied by mongodb+srv";
    }
    /* one copy of a template (chosen at run time: copied, not rebuilt) */
    uri->tls = *base;
    set_field(&uri->tls, MONGOURI_TLS_ENABLED, source, detail);
}
