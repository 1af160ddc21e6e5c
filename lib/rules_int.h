/*
 * Cross-option rules (rules.c): on the merged option set, and on one
 * occurrence of an option as it is merged. Never installed.
 */
#ifndef MONGOURI_RULES_INT_H
#define MONGOURI_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options_int.h"
#include "value_int.h"

/*
 * Masks over the options present (mongouri_uri.present, bit `id` for
 * MONGOURI_OPT_<id>), built at compile time from the flags column of
 * options.def: a rule group, or a part of the TLS settings, whose options
 * are all absent is skipped at the cost of one test. A value that is set
 * has its bit set (the key appeared).
 */
_Static_assert(MONGOURI_OPT__COUNT <= 64, "the option masks are 64 bits wide");
#include "options_flags.h"
#define OPT(id, name, type, lo, hi, choices, flags, ...)                                           \
    | (((flags)&MONGOURI__MASK_FLAG) != 0 ? UINT64_C(1) << MONGOURI_OPT_##id : 0)
/* The options flagged MONGOURI_OPTION_TLS (every tls* option but tls itself). */
#define MONGOURI__MASK_FLAG MONGOURI_OPTION_TLS
static const uint64_t mongouri__mask_tls = 0
#include "options.def"
    ;
#undef MONGOURI__MASK_FLAG
/* The options flagged MONGOURI_OPTION_SRV_ONLY (srvMaxHosts, srvServiceName). */
#define MONGOURI__MASK_FLAG MONGOURI_OPTION_SRV_ONLY
static const uint64_t mongouri__mask_srv_only = 0
#include "options.def"
    ;
#undef MONGOURI__MASK_FLAG
#undef OPT
#undef F_SECRET
#undef F_TLS
#undef F_DEPR
#undef F_SRV
#undef F_EXT
#undef F_PATH
#undef F_TXT

/* Every rule on the merged set (keyword + URI + TXT), in a fixed order. */
mongouri_status mongouri__rules_check(mongouri_uri *uri, mongouri_error *err);

/* The rules on the options alone, whatever the hosts, scheme or credentials
 * (the first of mongouri__rules_check): the write concern (w=0 with
 * journal=true) and the TLS conflict matrix (A.2 rules 1-7, the CRL pairs,
 * other TLS options under tls=false). The keyword set is checked by these. */
mongouri_status mongouri__rules_check_options(mongouri_uri *uri, mongouri_error *err);

/* Error about option `id` where it first appeared; `fmt` holds one %s, for
 * `arg`. Shared with the auth rules. */
mongouri_status mongouri__rule_error(mongouri_uri *uri, mongouri_error *err, mongouri_status status,
                                     mongouri_diag code, int id, const char *fmt, const char *arg);

/* One occurrence of an option: how it is named and where it is. */
typedef struct mongouri__occurrence {
    const char *spelled; /* the name as written (its canonical spelling) */
    const char *shown;   /* the value fit for a message ("(hidden)" for a secret) */
    mongouri_source source;
    long offset; /* of key=value in the URI, -1 elsewhere */
    long length;
} mongouri__occurrence;

/* Every tls and ssl occurrence carries one value (A.2 rule 8): `b` is the
 * occurrence's boolean (1/2 true, 0/3 false), `tls` the value kept so far;
 * `repeat` when both come from one source. */
mongouri_status mongouri__rule_tls_agree(mongouri_error *err, const mongouri__value *tls, int b,
                                         bool repeat, const mongouri__occurrence *o);

/* Options that may not be repeated at all (B.2: the proxy options). */
mongouri_status mongouri__rule_no_repeat(mongouri_error *err, int id,
                                         const mongouri__occurrence *o);

/* Only authSource, replicaSet and loadBalanced come from TXT (D.3): `id`
 * the option (-1 unknown), `name` its spelling, `deprecated_alias` for
 * gssapiServiceName. OK when the option may come from DNS. */
mongouri_status mongouri__rule_txt_allowed(mongouri_error *err, int id, const char *name,
                                           bool deprecated_alias);

#endif /* MONGOURI_RULES_INT_H */
