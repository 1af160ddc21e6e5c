/* Conclusive OCSP answers of one SSL_CTX, keyed by the DER of the leaf's CertID. Thread-safe. */
#ifndef MONGOURI_TLS_OCSP_CACHE_H
#define MONGOURI_TLS_OCSP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct mongouri__ocsp_cache mongouri__ocsp_cache;

typedef struct mongouri__ocsp_cache_entry {
    unsigned char *key; /* DER of the SHA-1 CertID */
    int key_len;
    int status; /* V_OCSP_CERTSTATUS_GOOD or _REVOKED */
    int reason;
    time_t this_update;
    time_t next_update;
    char revoked_at[32];
} mongouri__ocsp_cache_entry;

/* At most `capacity` entries (0: keeps nothing); NULL when out of memory. */
mongouri__ocsp_cache *mongouri__ocsp_cache_new(size_t capacity);
void mongouri__ocsp_cache_free(mongouri__ocsp_cache *cache);

/* A valid entry for `key`: true and its fields (`out->key` NULL). `c` may be NULL. */
bool mongouri__ocsp_cache_get(mongouri__ocsp_cache *c, const unsigned char *key, int len,
                              mongouri__ocsp_cache_entry *out);
/* Remember a good or revoked answer whose nextUpdate is in the future. `c` may be NULL. */
void mongouri__ocsp_cache_put(mongouri__ocsp_cache *c, const unsigned char *key, int len,
                              int status, int reason, time_t this_update, time_t next_update,
                              const char *revoked_at);

#endif /* MONGOURI_TLS_OCSP_CACHE_H */
