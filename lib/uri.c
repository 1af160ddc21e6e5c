/*
 * The parse pipeline: split the connection string (scheme, userinfo, hosts,
 * database, query), type every option through the option table, merge
 * keyword options (and TXT options after a resolution), then run the
 * cross-option rules and normalize credentials and TLS.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_int.h"
#include "diag_int.h"
#include "error_int.h"
#include "host_int.h"
#include "uri_int.h"
#include "merge_int.h"
#include "value_int.h"
#include "rules_int.h"
#include "split_int.h"
#include "tls_settings_int.h"
#include "userinfo_int.h"
#include "util_int.h"
#include "options_int.h"
#include "opts_int.h"

#define SCHEME "mongodb://"
#define SCHEME_SRV "mongodb+srv://"

typedef struct ctx {
    mongouri_uri *uri;
    mongouri_error *err;
    const char *text; /* the input */
    size_t len;
    long srv_offset; /* the SRV host in the input: where TXT errors point */
    long srv_length;
    bool query_semicolon;      /* the query holds a ';' (raw or %3B) somewhere */
    mongouri__secrets secrets; /* the secret ranges of the input, found on first use */
} ctx;

/* Does input[start, end) touch a byte the tokenizer calls secret? */
static bool secret_at(ctx *c, size_t start, size_t end)
{
    return mongouri__secret_at(&c->secrets, start, end);
}

/* Point a TXT-record error at the SRV host name it came from. */
static mongouri_status txt_error(ctx *c, mongouri_status rc)
{
    return mongouri__txt_error(c->err, rc, c->srv_offset, c->srv_length);
}

static mongouri_status nomem(mongouri_error *err)
{
    return mongouri__nomem(err);
}

/* ------------------------------------------------------------------------ */
/* Options: typed by value.c, merged by level by merge.c                     */
/* ------------------------------------------------------------------------ */

typedef mongouri__pair pair;

static bool secret_in_text(void *vc, size_t start, size_t end)
{
    return secret_at(vc, start, end);
}

/* ------------------------------------------------------------------------ */
/* Splitting the connection string                                           */
/* ------------------------------------------------------------------------ */

static mongouri_status syntax(ctx *c, mongouri_diag code, size_t at, size_t len, const char *fmt,
                              const char *arg)
{
    return mongouri__syntax_error(c->err, code, at, len, fmt, arg);
}

static bool secret_cb(void *vc, size_t start, size_t end)
{
    return secret_at(vc, start, end);
}

/* A piece of a TXT record that is not key=value, or does not decode. */
static mongouri_status txt_malformed(ctx *c, const char *why)
{
    return txt_error(c, mongouri__error_set(c->err, MONGOURI_E_DNS, MONGOURI_D_TXT_MALFORMED, NULL,
                                            -1, 0, "the TXT record %s", why));
}

/* The error of a URI option piece that is not key=value. */
static mongouri_status piece_malformed(ctx *c, const mongouri__piece *pc)
{
    size_t i = pc->start, amp = pc->end;
    mongouri_status rc;

    if (pc->has_eq)
        return syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "%s",
                      "an option has a value but no name");
    {
        mongouri__key k = mongouri__option_lookup(c->text + i, amp - i);
        rc = syntax(c, MONGOURI_D_MALFORMED_OPTION, i, amp - i, "option '%s' has no '=value'",
                    k.id >= 0 ? mongouri__options[k.id].info.name : "?");
        if (k.id < 0 && c->err != NULL)
            snprintf(c->err->message, sizeof c->err->message, "an option has no '=value'");
    }
    mongouri__error_hint(c->err, "write options as key=value, separated by '&'");
    return rc;
}

/* The error of a URI option value that does not decode. */
static mongouri_status value_undecodable(ctx *c, const pair *p, size_t eq, size_t bad,
                                         mongouri_diag diag)
{
    mongouri__key k = mongouri__option_lookup(p->key, p->klen);
    mongouri_status rc;

    c->uri->has_secret = true; /* a partly decoded value stays in the arena */
    rc = mongouri__error_set(
        c->err, MONGOURI_E_SYNTAX, diag, k.id >= 0 ? mongouri__options[k.id].info.name : NULL,
        (long)(eq + 1 + bad), 1, "%s",
        diag == MONGOURI_D_BAD_ESCAPE ? "an option value has a '%' that is not followed by "
                                        "two hex digits"
        : diag == MONGOURI_D_NUL_BYTE ? "an option value decodes to a NUL byte"
                                      : "an option value decodes to invalid UTF-8");
    if (diag == MONGOURI_D_BAD_ESCAPE)
        mongouri__error_hint(c->err, "write a literal '%%' as %%25");
    return rc;
}

/*
 * The key=value pairs of t[at, end), a URI query or a TXT record, split by
 * the tokenizer's pieces, decoded and applied one by one as `source`.
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline mongouri_status
apply_pieces(ctx *c, const char *t, size_t at, size_t end, mongouri_source source)
{
    bool txt = source == MONGOURI_SOURCE_TXT;
    bool raw = !txt && !c->query_semicolon; /* plain first values may be typed undecoded */
    size_t count = 0;
    mongouri__piece pc;
    /* what the merge of each key=value occurrence works on */
    mongouri__vctx v = {c->uri,        c->err,       secret_in_text, c, c->query_semicolon,
                        c->srv_offset, c->srv_length};

    if (!mongouri__key_built)
        mongouri__key_index_ready();

    for (size_t i = at; mongouri__piece_next(t, end, &i, &pc);) {
        const mongouri__key *k;
        pair p;
        char *val;
        size_t bad;
        mongouri_diag diag;
        mongouri_status rc;

        if (++count > MONGOURI_MAX_OPTIONS)
            return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL,
                                       txt ? -1 : (long)pc.start, 0, "more than %u options%s",
                                       MONGOURI_MAX_OPTIONS, txt ? " in the TXT record" : "");
        if (!pc.has_eq || pc.eq == pc.start)
            return txt ? txt_malformed(c, "has an option without '=value'")
                       : piece_malformed(c, &pc);
        k = mongouri__key_probe(t + pc.start, pc.eq - pc.start); /* index ready, key not empty */
        if (raw && mongouri__merge_raw(&v, k, t + pc.eq + 1, pc.end - pc.eq - 1, (long)pc.start,
                                       (long)(pc.end - pc.start)))
            continue; /* a plain first value, typed without decoding */
        val = mongouri__arena_chars(&c->uri->arena, pc.end - pc.eq);
        if (val == NULL)
            return nomem(c->err);
        p.key = t + pc.start;
        p.klen = pc.eq - pc.start;
        if (!mongouri__pct_decode(t + pc.eq + 1, pc.end - pc.eq - 1, val, &p.vlen, &bad, &diag))
            return txt ? txt_malformed(c, "has a badly encoded value")
                       : value_undecodable(c, &p, pc.eq, bad, diag);
        p.val = val;
        p.source = source;
        p.offset = txt ? -1 : (long)pc.start;
        p.length = txt ? 0 : (long)(pc.end - pc.start);
        rc = mongouri__merge_found(&v, &p, k);
        if (rc != MONGOURI_OK)
            return rc;
    }
    return MONGOURI_OK;
}

static mongouri_status parse_query(ctx *c, size_t at, size_t end)
{
    /* c->query_semicolon: from the tokenizer's scan (mongouri__build) */
    return apply_pieces(c, c->text, at, end, MONGOURI_SOURCE_URI);
}

static mongouri_status nul_error(mongouri_error *err, size_t at)
{
    return mongouri__error_set(err, MONGOURI_E_SYNTAX, MONGOURI_D_NUL_BYTE, NULL, (long)at, 1,
                               "the connection string contains a NUL byte");
}

/* The scheme and the tokenizer's split of the string, before anything is
 * allocated: the split gives the result's size. A NUL byte comes first. */
static mongouri_status scheme_split(const char *s, size_t len, mongouri_error *err,
                                    mongouri_scheme *scheme, mongouri__split *sp)
{
    size_t start;
    mongouri_status rc;

    if (len >= sizeof SCHEME_SRV - 1 && memcmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0) {
        *scheme = MONGOURI_SCHEME_MONGODB_SRV;
        start = sizeof SCHEME_SRV - 1;
    } else if (len >= sizeof SCHEME - 1 && memcmp(s, SCHEME, sizeof SCHEME - 1) == 0) {
        *scheme = MONGOURI_SCHEME_MONGODB;
        start = sizeof SCHEME - 1;
    } else {
        size_t sl = 0;
        const char *nul = memchr(s, '\0', len);
        if (nul != NULL)
            return nul_error(err, (size_t)(nul - s));
        while (sl < len && s[sl] != ':' && sl < 32)
            sl++;
        rc = mongouri__syntax_error(err, MONGOURI_D_BAD_SCHEME, 0, sl, "%s",
                                    len == 0 ? "the connection string is empty"
                                             : "a connection string starts with mongodb:// or "
                                               "mongodb+srv://");
        if ((len >= sizeof SCHEME - 1 &&
             mongouri__strncasecmp(s, SCHEME, sizeof SCHEME - 1) == 0) ||
            (len >= sizeof SCHEME_SRV - 1 &&
             mongouri__strncasecmp(s, SCHEME_SRV, sizeof SCHEME_SRV - 1) == 0))
            mongouri__error_hint(err, "write the scheme in lower case");
        return rc;
    }
    /* The tokenizer: the host information ends at the first '/', the
     * userinfo at the last '@' before it. */
    mongouri__split_text(s, len, start, sp);
    if (sp->nul < len)
        return nul_error(err, sp->nul);
    if (sp->problem == MONGOURI__SPLIT_AMBIGUOUS) {
        rc = mongouri__syntax_error(err, MONGOURI_D_BAD_USERINFO, sp->problem_at, 1, "%s",
                                    "an '@' after '?' with no '/' before it is ambiguous: either "
                                    "the user name or password holds an unescaped '?', or an "
                                    "option value holds an unescaped '@'");
        mongouri__error_hint(err, "percent-encode '?' in a user name or password as "
                                  "%%3F, or '@' in an option value as %%40");
        return rc;
    }
    return MONGOURI_OK;
}

static mongouri_status stray_userinfo(ctx *c, size_t at)
{
    mongouri_status rc = syntax(c, MONGOURI_D_BAD_USERINFO, at, 1, "%s",
                                "the user name or password seems to contain an unescaped '/' or "
                                "'?'");

    mongouri__error_hint(c->err, "percent-encode '/' as %%2F and '?' as %%3F in a user name or "
                                 "password");
    return rc;
}

/*
 * An error after the hosts were read, unless an '@' lies in the database and
 * a ':' among the hosts. The tokenizer reads what follows that ':' as a
 * password split early by an unescaped '/', and calls it secret. Every way
 * on fails (the database refuses the '@'), and whether those bytes read as a
 * port or an address must not choose how: the error is the unescaped '/'
 * (a host that fails to parse gives it too).
 */
static __attribute__((noinline, cold)) mongouri_status
after_hosts_failed(ctx *c, const mongouri__split *sp, mongouri_status rc)
{
    const char *s = c->text;

    if (rc != MONGOURI_E_NOMEM && !sp->has_userinfo && sp->has_db &&
        memchr(s + sp->db_start, '@', sp->db_end - sp->db_start) != NULL &&
        memchr(s + sp->start, ':', sp->hosts_end - sp->start) != NULL)
        return stray_userinfo(c, sp->hosts_end);
    return rc;
}

static mongouri_status parse_text(ctx *c, const mongouri__split *split, size_t nhosts)
{
    const char *s = c->text;
    size_t len = c->len;
    size_t start = split->start, hend = split->hosts_end, at_pos = split->at, i;
    bool have_at = split->has_userinfo;
    const mongouri__split *sp = split;
    mongouri__host_ctx hc;
    mongouri_status rc;

    i = start;
    if (have_at) {
        rc = mongouri__userinfo_parse(s, start, at_pos - start, &c->uri->arena, c->err,
                                      &c->uri->username, &c->uri->password, &c->uri->has_secret);
        if (rc != MONGOURI_OK)
            return rc;
        c->uri->has_userinfo = true;
        i = at_pos + 1;
    }

    if (i == hend) {
        rc = syntax(c, MONGOURI_D_NO_HOST, i, 0, "%s", "no host is given");
        if (hend < len && s[hend] == '/' && !have_at)
            mongouri__error_hint(c->err, "a unix socket path must be percent-encoded: "
                                         "%%2Ftmp%%2Fmongodb-27017.sock");
        return rc;
    }
    if (nhosts > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, (long)i, 0,
                                   "more than %u hosts", MONGOURI_MAX_HOSTS);
    c->uri->hosts = mongouri__arena_alloc(&c->uri->arena, nhosts * sizeof *c->uri->hosts);
    if (c->uri->hosts == NULL)
        return nomem(c->err);
    hc.text = s;
    hc.arena = &c->uri->arena;
    hc.err = c->err;
    hc.srv = c->uri->scheme == MONGOURI_SCHEME_MONGODB_SRV;
    hc.secret_at = secret_cb;
    hc.secret_ctx = c;
    for (size_t k = 0; k < nhosts; k++) {
        size_t e;
        rc = mongouri__host_parse(&hc, i, hend, &c->uri->hosts[k], &e);
        if (rc != MONGOURI_OK) {
            /* An unescaped '/' or '?' in a password splits the string early. */
            if (!have_at && hend < len && mongouri__stray_at(s, hend, len))
                rc = stray_userinfo(c, hend);
            return rc;
        }
        c->uri->nhosts++;
        i = e + 1;
    }

    if (c->uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        const mongouri__host *h = &c->uri->hosts[0];
        if (nhosts != 1) {
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)c->uri->hosts[1].offset,
                        (size_t)c->uri->hosts[1].length, "%s",
                        "mongodb+srv:// takes exactly one host name");
            mongouri__error_hint(c->err, "list several hosts only with mongodb://");
            return after_hosts_failed(c, sp, rc);
        }
        if (h->type != MONGOURI_HOST_HOSTNAME)
            return after_hosts_failed(
                c, sp,
                syntax(c, MONGOURI_D_SRV_HOST, (size_t)h->offset, (size_t)h->length, "%s",
                       "mongodb+srv:// needs a DNS name, not an IP address or socket path"));
        /* an empty label, which cannot be looked up, parse_host refused */
        if (h->port != 0) {
            const char *colon = memchr(s + h->offset, ':', (size_t)h->length);
            rc = syntax(c, MONGOURI_D_SRV_HOST, (size_t)(colon - s),
                        (size_t)(h->offset + h->length - (colon - s)), "%s",
                        "mongodb+srv:// takes no port: the ports come from the SRV records");
            return after_hosts_failed(c, sp, rc);
        }
    }

    if (hend == len)
        return MONGOURI_OK;
    if (sp->has_db &&
        (rc = mongouri__database_parse(s, sp->db_start, sp->db_end - sp->db_start, &c->uri->arena,
                                       c->err, &c->uri->database)) != MONGOURI_OK)
        return after_hosts_failed(c, sp, rc);
    if (sp->has_query)
        return parse_query(c, sp->query, len);
    return MONGOURI_OK;
}

/* ------------------------------------------------------------------------ */
/* Keywords and TXT                                                          */
/* ------------------------------------------------------------------------ */

static mongouri_status apply_keywords(ctx *c, const mongouri_keywords *kw)
{
    mongouri__vctx v = {c->uri,        c->err,       secret_in_text, c, c->query_semicolon,
                        c->srv_offset, c->srv_length};

    return mongouri__merge_keywords(&v, kw, (size_t)-1);
}

/* The options of the TXT record (D.3), through the same pieces and pair
 * step as the URI's; the text is kept in the arena while they are used. */
static mongouri_status apply_txt(ctx *c, const char *txt)
{
    size_t n = strlen(txt);
    char *copy = mongouri__arena_strndup(&c->uri->arena, txt, n);

    if (copy == NULL)
        return nomem(c->err);
    return apply_pieces(c, copy, 0, n, MONGOURI_SOURCE_TXT);
}

static mongouri_status apply_srv(ctx *c, const mongouri__srv_answer *srv)
{
    mongouri_uri *uri = c->uri;
    mongouri__host *hosts;

    if (srv->nseeds > MONGOURI_MAX_HOSTS)
        return mongouri__error_set(c->err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "more than %u SRV records", MONGOURI_MAX_HOSTS);
    hosts = mongouri__arena_alloc(&uri->arena, (srv->nseeds ? srv->nseeds : 1) * sizeof *hosts);
    if (hosts == NULL)
        return nomem(c->err);
    for (size_t i = 0; i < srv->nseeds; i++) {
        size_t n = strlen(srv->seed_hosts[i]);
        hosts[i].host = mongouri__arena_strndup(&uri->arena, srv->seed_hosts[i], n);
        if (hosts[i].host == NULL)
            return nomem(c->err);
        hosts[i].port = srv->seed_ports[i] != 0 ? srv->seed_ports[i] : 27017;
        hosts[i].type =
            mongouri__is_ipv4(hosts[i].host, n) ? MONGOURI_HOST_IPV4 : MONGOURI_HOST_HOSTNAME;
        hosts[i].source = MONGOURI_SOURCE_TXT;
        hosts[i].offset = -1;
        hosts[i].length = 0;
    }
    if (uri->nhosts > 0) {
        c->srv_offset = uri->hosts[0].offset;
        c->srv_length = uri->hosts[0].length;
    }
    uri->hosts = hosts;
    uri->nhosts = srv->nseeds;
    uri->resolved = true;
    if (srv->txt != NULL)
        return apply_txt(c, srv->txt);
    return MONGOURI_OK;
}

static void select_seeds(mongouri_uri *uri, const mongouri__srv_answer *srv)
{
    const mongouri__value *max = mongouri__val(uri, MONGOURI_OPT_SRVMAXHOSTS);
    size_t k;

    if (!max->set || max->v.i <= 0 || (uint64_t)max->v.i >= uri->nhosts)
        return;
    k = (size_t)max->v.i;
    if (srv->random == NULL) { /* resolution always gives one; keep the first k */
        uri->nhosts = k;
        return;
    }
    /* Fisher-Yates, stopped after the first k positions. */
    for (size_t i = 0; i < k; i++) {
        size_t j = i + srv->random(srv->random_ctx, (uint32_t)(uri->nhosts - i));
        mongouri__host t;
        if (j >= uri->nhosts)
            j = uri->nhosts - 1;
        t = uri->hosts[i];
        uri->hosts[i] = uri->hosts[j];
        uri->hosts[j] = t;
    }
    uri->nhosts = k;
}

/* ------------------------------------------------------------------------ */
/* The pipeline                                                              */
/* ------------------------------------------------------------------------ */

mongouri_status mongouri__build(mongouri_uri **out, const char *text, size_t len,
                                unsigned int flags, const mongouri_keywords *kw,
                                const mongouri__srv_answer *srv, mongouri_error *err)
{
    mongouri_uri *uri;
    ctx c;
    mongouri_status rc;

    mongouri_scheme scheme = MONGOURI_SCHEME_MONGODB;
    mongouri__split sp;
    size_t nhosts = 0, nopts = 0, head, room;

    if ((rc = scheme_split(text, len, err, &scheme, &sp)) != MONGOURI_OK)
        return rc;
    /* One allocation holds the result and the first arena block, sized from
     * the split's ',' and '&' counts (the exact hosts, at least the options
     * up to MONGOURI_OPT__COUNT): the hosts, the option values, and the
     * decoded strings, which take at most the bytes of the text they come from. */
    nhosts = sp.nhosts;
    nopts = sp.nopts;
    head = (sizeof *uri + MONGOURI__ARENA_ALIGN - 1u) & ~(size_t)(MONGOURI__ARENA_ALIGN - 1u);
    room = MONGOURI__BLOCK_HEADER + nopts * sizeof(mongouri__value) +
           (nhosts <= MONGOURI_MAX_HOSTS ? nhosts * sizeof(mongouri__host) : 0) + (len - sp.start) +
           nhosts + nopts + 3 + 2 * MONGOURI__ARENA_ALIGN;
    if (scheme == MONGOURI_SCHEME_MONGODB_SRV)
        room += len + 1; /* the text, kept for the resolution */
    uri = malloc(head + room);
    if (uri == NULL)
        return nomem(err);
    memset(uri, 0,
           offsetof(struct mongouri_uri, tls)); /* tls: written by mongouri__tls_normalize */
    uri->scheme = scheme;
    uri->flags = flags;
    mongouri__arena_adopt(&uri->arena, (char *)uri + head, room);
    if (nopts > 0) {
        uri->vals = mongouri__arena_alloc(&uri->arena, nopts * sizeof *uri->vals);
        if (uri->vals == NULL) {
            free(uri);
            return nomem(err);
        }
        uri->capvals = (uint8_t)nopts;
    }
    c.uri = uri;
    c.err = err;
    c.text = text;
    c.len = len;
    c.srv_offset = -1;
    c.srv_length = 0;
    c.query_semicolon = sp.query_semicolon;
    mongouri__secrets_init(&c.secrets, text, len);

    if ((rc = parse_text(&c, &sp, nhosts)) != MONGOURI_OK)
        goto fail;
    if (uri->scheme == MONGOURI_SCHEME_MONGODB_SRV) {
        /* kept (and wiped on destroy) for a later resolution */
        uri->text = mongouri__arena_strndup(&uri->arena, text, len);
        if (uri->text == NULL) {
            rc = nomem(err);
            goto fail;
        }
        uri->text_len = len;
    }
    if (kw != NULL && kw->n > 0 && (rc = apply_keywords(&c, kw)) != MONGOURI_OK)
        goto fail;
    if (srv != NULL && (rc = apply_srv(&c, srv)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__rules_check(uri, err)) != MONGOURI_OK)
        goto fail;
    if ((rc = mongouri__credential_derive(uri, err)) != MONGOURI_OK)
        goto fail;
    mongouri__tls_normalize(uri);
    if (srv != NULL)
        select_seeds(uri, srv);
    if (kw != NULL && kw->n > 0 &&
        (rc = mongouri__keywords_clone(&uri->keywords, kw)) != MONGOURI_OK) {
        nomem(err);
        goto fail;
    }
    mongouri__secrets_free(&c.secrets);
    *out = uri;
    return MONGOURI_OK;
fail:
    mongouri__secrets_free(&c.secrets);
    mongouri_uri_destroy(uri);
    return rc;
}

mongouri_status mongouri_parse_options_init(mongouri_parse_options *opts, unsigned int version)
{
    const mongouri_parse_options defaults = MONGOURI_PARSE_OPTIONS_INIT;

    return mongouri__opts_init(opts, &defaults, sizeof defaults, version,
                               MONGOURI_PARSE_OPTIONS_VERSION);
}

/* A NUL byte in text[0..len) is refused by mongouri__build's first scan. */
static mongouri_status parse_checked(mongouri_uri **out, const char *text, size_t len,
                                     const mongouri_parse_options *opts, mongouri_error *err)
{
    unsigned int flags = 0;
    const mongouri_keywords *kw = NULL;

    mongouri__error_clear(err);
    if (out == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "out must not be NULL");
    *out = NULL;
    if (text == NULL)
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    if (opts != NULL) {
        mongouri_status rc = mongouri__opts_check("mongouri_parse_options", opts->version,
                                                  MONGOURI_PARSE_OPTIONS_VERSION, err);

        if (rc != MONGOURI_OK)
            return rc;
        flags = opts->flags;
        kw = opts->keywords;
    }
    if (len > MONGOURI_MAX_URI_LENGTH)
        return mongouri__error_set(err, MONGOURI_E_LIMIT, MONGOURI_D_LIMIT, NULL, -1, 0,
                                   "the connection string is longer than %u bytes",
                                   MONGOURI_MAX_URI_LENGTH);
    return mongouri__build(out, text, len, flags, kw, NULL, err);
}

mongouri_status mongouri_uri_parse_len(mongouri_uri **out, const char *text, size_t len,
                                       const mongouri_parse_options *opts, mongouri_error *err)
{
    return parse_checked(out, text, len, opts, err);
}

mongouri_status mongouri_uri_parse(mongouri_uri **out, const char *text,
                                   const mongouri_parse_options *opts, mongouri_error *err)
{
    if (text == NULL) {
        mongouri__error_clear(err);
        if (out != NULL)
            *out = NULL;
        return mongouri__error_set(err, MONGOURI_E_INVALID_ARG, MONGOURI_D_INVALID_ARG, NULL, -1, 0,
                                   "text must not be NULL");
    }
    return parse_checked(out, text, strnlen(text, MONGOURI_MAX_URI_LENGTH + 1), opts, err);
}

void mongouri_uri_destroy(mongouri_uri *uri)
{
    if (uri == NULL)
        return;
    /* Every secret lives in the arena (the password, secret option values,
     * values of unknown keys, the kept input): wipe it all when there was one. */
    if (uri->has_secret)
        mongouri__arena_wipe(&uri->arena);
    if (uri->keywords != NULL)
        mongouri_keywords_destroy(uri->keywords);
    mongouri__arena_free(&uri->arena);
    free(uri);
}
