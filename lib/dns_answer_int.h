/*
 * Private declarations of the DNS answer reader (dns_answer.c): a bounded
 * walk over the message, the SRV and TXT records of the queried name, and
 * DNS names in text form. Never installed.
 */
#ifndef MONGOURI_DNS_ANSWER_INT_H
#define MONGOURI_DNS_ANSWER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns_report_int.h"

/* Lower-case copy of s[0..n) without a trailing dot; NULL when out of memory. */
char *mongouri__dns_name_dup(const char *s, size_t n);
/* Equal DNS names in text form: ASCII case-insensitive, trailing dots ignored. */
bool mongouri__dns_same_name(const char *a, const char *b);

/*
 * Read the answer `abuf` (NOERROR, header checked) to the SRV (or TXT) query
 * `q` into `r`: the sorted SRV targets and ports and their lowest TTL (or the
 * first TXT record, raw and as shown). Returns ARES_SUCCESS, ARES_ENODATA,
 * ARES_ENOMEM (r->oom set), or ARES_EBADRESP with q->bad set.
 */
int mongouri__dns_parse_srv(mongouri_resolve_report *r, mongouri__dns_query *q,
                            const unsigned char *abuf, int alen);
int mongouri__dns_parse_txt(mongouri_resolve_report *r, mongouri__dns_query *q,
                            const unsigned char *abuf, int alen);

#endif /* MONGOURI_DNS_ANSWER_INT_H */
