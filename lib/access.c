/* Read-only accessors of a parsed result and of its TLS settings. */
#include <string.h>

#include "uri_int.h"
#include "split_int.h"
#include "options_int.h"
#include "value_int.h"

size_t mongouri_uri_warning_count(const mongouri_uri *uri)
{
    return uri == NULL ? 0 : uri->nwarnings;
}

const mongouri_error *mongouri_uri_warning(const mongouri_uri *uri, size_t i)
{
    return uri == NULL || i >= uri->nwarnings ? NULL : &uri->warnings[i];
}

mongouri_scheme mongouri_uri_scheme(const mongouri_uri *uri)
{
    return uri == NULL ? MONGOURI_SCHEME_MONGODB : uri->scheme;
}

const char *mongouri_host_type_name(mongouri_host_type type)
{
    switch (type) {
    case MONGOURI_HOST_HOSTNAME:
        return "hostname";
    case MONGOURI_HOST_IPV4:
        return "ipv4";
    case MONGOURI_HOST_IP_LITERAL:
        return "ip_literal";
    case MONGOURI_HOST_UNIX:
        return "unix";
    }
    return "unknown";
}

size_t mongouri_uri_host_count(const mongouri_uri *uri)
{
    return uri == NULL ? 0 : uri->nhosts;
}

const char *mongouri_uri_host(const mongouri_uri *uri, size_t i)
{
    return uri == NULL || i >= uri->nhosts ? NULL : uri->hosts[i].host;
}

uint16_t mongouri_uri_host_port(const mongouri_uri *uri, size_t i)
{
    return uri == NULL || i >= uri->nhosts ? 0 : uri->hosts[i].port;
}

mongouri_host_type mongouri_uri_host_type(const mongouri_uri *uri, size_t i)
{
    return uri == NULL || i >= uri->nhosts ? MONGOURI_HOST_HOSTNAME
                                           : (mongouri_host_type)uri->hosts[i].type;
}

mongouri_source mongouri_uri_host_source(const mongouri_uri *uri, size_t i)
{
    return uri == NULL || i >= uri->nhosts ? MONGOURI_SOURCE_DEFAULT
                                           : (mongouri_source)uri->hosts[i].source;
}

const char *mongouri_uri_username(const mongouri_uri *uri)
{
    return uri == NULL ? NULL : uri->username;
}

const char *mongouri_uri_password(const mongouri_uri *uri)
{
    return uri == NULL ? NULL : uri->password;
}

const char *mongouri_uri_database(const mongouri_uri *uri)
{
    return uri == NULL ? NULL : uri->database;
}

bool mongouri_uri_has_credential(const mongouri_uri *uri)
{
    return uri != NULL && uri->has_credential;
}

const char *mongouri_uri_auth_mechanism(const mongouri_uri *uri)
{
    return uri == NULL ? NULL : uri->mechanism;
}

const char *mongouri_uri_auth_source(const mongouri_uri *uri)
{
    return uri == NULL || !uri->has_credential ? NULL : uri->auth_source;
}

size_t mongouri_uri_auth_property_count(const mongouri_uri *uri)
{
    return uri == NULL || !uri->has_credential ? 0 : uri->nprops;
}

const char *mongouri_uri_auth_property_key(const mongouri_uri *uri, size_t i)
{
    return i < mongouri_uri_auth_property_count(uri) ? uri->props[i].key : NULL;
}

const char *mongouri_uri_auth_property_value(const mongouri_uri *uri, size_t i)
{
    return i < mongouri_uri_auth_property_count(uri) ? uri->props[i].value : NULL;
}

mongouri_shown mongouri_uri_auth_property_shown(const mongouri_uri *uri, size_t i)
{
    size_t n = mongouri_uri_auth_property_count(uri), shown;
    int first;

    if (i >= n)
        return MONGOURI_SHOWN_NONE;
    shown = mongouri__items_shown(uri->props, n, true, &first);
    if (i < shown)
        return MONGOURI_SHOWN_ALL;
    return i == shown ? (mongouri_shown)first : MONGOURI_SHOWN_NONE;
}

static const mongouri__value *value_of(const mongouri_uri *uri, const char *name, int *id)
{
    mongouri__key k;

    if (uri == NULL || name == NULL)
        return NULL;
    k = mongouri__option_lookup(name, strlen(name));
    if (k.id < 0)
        return NULL;
    if (id != NULL)
        *id = k.id;
    return mongouri__val(uri, k.id);
}

bool mongouri_uri_has_option(const mongouri_uri *uri, const char *name)
{
    const mongouri__value *v = value_of(uri, name, NULL);

    return v != NULL && v->set;
}

mongouri_source mongouri_uri_option_source(const mongouri_uri *uri, const char *name)
{
    const mongouri__value *v = value_of(uri, name, NULL);

    return v == NULL || !v->set ? MONGOURI_SOURCE_DEFAULT : (mongouri_source)v->source;
}

mongouri_status mongouri_uri_get_bool(const mongouri_uri *uri, const char *name, bool *out)
{
    int id = -1;
    const mongouri__value *v = value_of(uri, name, &id);

    if (v == NULL || !v->set || out == NULL ||
        mongouri__options[id].info.type != MONGOURI_TYPE_BOOL)
        return MONGOURI_E_INVALID_ARG;
    *out = v->v.b;
    return MONGOURI_OK;
}

mongouri_status mongouri_uri_get_int(const mongouri_uri *uri, const char *name, int64_t *out)
{
    int id = -1;
    const mongouri__value *v = value_of(uri, name, &id);
    mongouri_option_type t;

    if (v == NULL || !v->set || out == NULL)
        return MONGOURI_E_INVALID_ARG;
    t = mongouri__options[id].info.type;
    if (t != MONGOURI_TYPE_INT && !(t == MONGOURI_TYPE_W && !v->is_string))
        return MONGOURI_E_INVALID_ARG;
    *out = v->v.i;
    return MONGOURI_OK;
}

mongouri_status mongouri_uri_get_string(const mongouri_uri *uri, const char *name, const char **out)
{
    int id = -1;
    const mongouri__value *v = value_of(uri, name, &id);
    mongouri_option_type t;

    if (v == NULL || !v->set || out == NULL)
        return MONGOURI_E_INVALID_ARG;
    t = mongouri__options[id].info.type;
    if (t != MONGOURI_TYPE_STRING && t != MONGOURI_TYPE_ENUM &&
        !(t == MONGOURI_TYPE_W && v->is_string))
        return MONGOURI_E_INVALID_ARG;
    *out = v->v.s;
    return MONGOURI_OK;
}

static bool hit(void *ctx, size_t start, size_t end)
{
    (void)start;
    (void)end;
    *(bool *)ctx = true;
    return true;
}

bool mongouri__value_hidden(const mongouri_uri *uri, int id)
{
    const mongouri__optdef *def = &mongouri__options[id];
    const mongouri__value *v = mongouri__val(uri, id);
    const char *name = def->info.name;
    bool hidden = false;

    if (def->info.flags & MONGOURI_OPTION_SECRET)
        return true;
    /* gssapiServiceName stands for authMechanismProperties' SERVICE_NAME */
    if (id == MONGOURI_OPT_AUTHMECHANISMPROPERTIES && uri->gssapi_service_name != NULL &&
        mongouri__item_shown("SERVICE_NAME", uri->gssapi_service_name, true) != MONGOURI_SHOWN_ALL)
        return true;
    if (!v->set)
        return false;
    switch (def->info.type) {
    case MONGOURI_TYPE_W:
        if (!v->is_string)
            break;
        /* fall through */
    case MONGOURI_TYPE_STRING:
    case MONGOURI_TYPE_ENUM:
        if (v->v.s != NULL)
            mongouri__pair_spans(name, strlen(name), v->v.s, strlen(v->v.s), 0, false, hit,
                                 &hidden);
        break;
    case MONGOURI_TYPE_LIST:
        for (uint32_t i = 0; !hidden && i < v->v.list.n; i++)
            mongouri__pair_spans(name, strlen(name), v->v.list.items[i], strlen(v->v.list.items[i]),
                                 0, false, hit, &hidden);
        break;
    case MONGOURI_TYPE_TAGSETS:
        /* A set is one value of the option, "k:v,k:v": an '=' and the name
         * before it lie within one key or one value, so judging those alone
         * reads the set as the redactor reads it. */
        for (uint32_t s = 0; !hidden && s < v->v.tags.n; s++) {
            int first;
            hidden = mongouri__items_shown(v->v.tags.sets[s].tags, v->v.tags.sets[s].n, false,
                                           &first) < v->v.tags.sets[s].n;
        }
        break;
    case MONGOURI_TYPE_KEYVALUE: {
        int first;
        hidden = mongouri__items_shown(v->v.kv.items, v->v.kv.n, true, &first) < v->v.kv.n;
        break;
    }
    default:
        break;
    }
    return hidden;
}

bool mongouri_uri_option_hidden(const mongouri_uri *uri, const char *name)
{
    int id = -1;
    const mongouri__value *v = value_of(uri, name, &id);

    return v != NULL && id >= 0 && mongouri__value_hidden(uri, id);
}

size_t mongouri_uri_compressor_count(const mongouri_uri *uri)
{
    const mongouri__value *v;

    if (uri == NULL)
        return 0;
    v = mongouri__val(uri, MONGOURI_OPT_COMPRESSORS);
    return v->set ? v->v.list.n : 0;
}

const char *mongouri_uri_compressor(const mongouri_uri *uri, size_t i)
{
    return i < mongouri_uri_compressor_count(uri)
               ? mongouri__val(uri, MONGOURI_OPT_COMPRESSORS)->v.list.items[i]
               : NULL;
}

size_t mongouri_uri_tag_set_count(const mongouri_uri *uri)
{
    const mongouri__value *v;

    if (uri == NULL)
        return 0;
    v = mongouri__val(uri, MONGOURI_OPT_READPREFERENCETAGS);
    return v->set ? v->v.tags.n : 0;
}

static const mongouri__tagset *tag_set(const mongouri_uri *uri, size_t set)
{
    return set < mongouri_uri_tag_set_count(uri)
               ? &mongouri__val(uri, MONGOURI_OPT_READPREFERENCETAGS)->v.tags.sets[set]
               : NULL;
}

size_t mongouri_uri_tag_count(const mongouri_uri *uri, size_t set)
{
    const mongouri__tagset *s = tag_set(uri, set);

    return s == NULL ? 0 : s->n;
}

const char *mongouri_uri_tag_key(const mongouri_uri *uri, size_t set, size_t i)
{
    const mongouri__tagset *s = tag_set(uri, set);

    return s == NULL || i >= s->n ? NULL : s->tags[i].key;
}

const char *mongouri_uri_tag_value(const mongouri_uri *uri, size_t set, size_t i)
{
    const mongouri__tagset *s = tag_set(uri, set);

    return s == NULL || i >= s->n ? NULL : s->tags[i].value;
}

/* TLS settings ------------------------------------------------------------ */

const mongouri_tls_settings *mongouri_uri_tls(const mongouri_uri *uri)
{
    return uri == NULL ? NULL : &uri->tls;
}

bool mongouri_tls_enabled(const mongouri_tls_settings *tls)
{
    return tls != NULL && tls->enabled;
}

const char *mongouri_tls_ca_file(const mongouri_tls_settings *tls)
{
    return tls == NULL ? NULL : tls->ca_file;
}

const char *mongouri_tls_certificate_key_file(const mongouri_tls_settings *tls)
{
    return tls == NULL ? NULL : tls->certificate_key_file;
}

const char *mongouri_tls_certificate_key_file_password(const mongouri_tls_settings *tls)
{
    return tls == NULL ? NULL : tls->certificate_key_file_password;
}

const char *mongouri_tls_crl_file(const mongouri_tls_settings *tls)
{
    return tls == NULL ? NULL : tls->crl_file;
}

bool mongouri_tls_verify_certificates(const mongouri_tls_settings *tls)
{
    return tls != NULL && tls->verify_certificates;
}

bool mongouri_tls_verify_hostnames(const mongouri_tls_settings *tls)
{
    return tls != NULL && tls->verify_hostnames;
}

mongouri_revocation mongouri_tls_revocation(const mongouri_tls_settings *tls)
{
    return tls == NULL ? MONGOURI_REVOCATION_NONE : tls->revocation;
}

mongouri_source mongouri_tls_source(const mongouri_tls_settings *tls, mongouri_tls_field field)
{
    if (tls == NULL || (unsigned)field >= MONGOURI_TLS__FIELDS)
        return MONGOURI_SOURCE_DEFAULT;
    return (mongouri_source)tls->source[field];
}

const char *mongouri_tls_source_detail(const mongouri_tls_settings *tls, mongouri_tls_field field)
{
    if (tls == NULL || (unsigned)field >= MONGOURI_TLS__FIELDS || tls->detail[field] == NULL)
        return "default";
    return tls->detail[field];
}

const char *mongouri_tls_field_name(mongouri_tls_field field)
{
    static const char *const names[MONGOURI_TLS__FIELDS] = {
        "enabled",
        "caFile",
        "certificateKeyFile",
        "certificateKeyFilePassword",
        "crlFile",
        "verifyCertificates",
        "verifyHostnames",
        "revocation",
    };

    return (unsigned)field < MONGOURI_TLS__FIELDS ? names[field] : "unknown";
}

const char *mongouri_revocation_name(mongouri_revocation revocation)
{
    switch (revocation) {
    case MONGOURI_REVOCATION_OCSP:
        return "ocsp";
    case MONGOURI_REVOCATION_OCSP_STAPLE_ONLY:
        return "ocsp-staple-only";
    case MONGOURI_REVOCATION_CRL:
        return "crl";
    case MONGOURI_REVOCATION_NONE:
        return "none";
    }
    return "unknown";
}
