/*
 * The OCSP cache of a context: conclusive answers (good, revoked) kept
 * until their nextUpdate, the entry nearest to expiry evicted when full.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>

#include "tls/ocsp_cache.h"
#include "tls/ocsp_response.h"

struct mongouri__ocsp_cache {
    pthread_mutex_t mu;
    size_t cap;
    size_t n;
    mongouri__ocsp_cache_entry *entries;
};

mongouri__ocsp_cache *mongouri__ocsp_cache_new(size_t capacity)
{
    mongouri__ocsp_cache *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->cap = capacity;
    c->entries = calloc(capacity == 0 ? 1 : capacity, sizeof *c->entries);
    if (c->entries == NULL || pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->entries);
        free(c);
        return NULL;
    }
    return c;
}

void mongouri__ocsp_cache_free(mongouri__ocsp_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n; i++)
        free(c->entries[i].key);
    free(c->entries);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static void cache_remove_at(mongouri__ocsp_cache *c, size_t i)
{
    free(c->entries[i].key);
    c->entries[i] = c->entries[--c->n];
}

static ptrdiff_t cache_find(mongouri__ocsp_cache *c, const unsigned char *key, int len)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (c->entries[i].key_len == len && memcmp(c->entries[i].key, key, (size_t)len) == 0)
            return (ptrdiff_t)i;
    return -1;
}

/* A valid entry (thisUpdate <= now < nextUpdate) for `key`: true and its fields. */
bool mongouri__ocsp_cache_get(mongouri__ocsp_cache *c, const unsigned char *key, int len,
                              mongouri__ocsp_cache_entry *out)
{
    time_t now = time(NULL);
    ptrdiff_t i;
    bool hit = false;

    if (c == NULL)
        return false;
    pthread_mutex_lock(&c->mu);
    i = cache_find(c, key, len);
    if (i >= 0) {
        mongouri__ocsp_cache_entry *e = &c->entries[i];

        if (now + MONGOURI__OCSP_SKEW_SECONDS >= e->this_update && now < e->next_update) {
            *out = *e;
            out->key = NULL;
            hit = true;
        } else {
            cache_remove_at(c, (size_t)i);
        }
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

/* Remember a conclusive answer that has a nextUpdate in the future. */
void mongouri__ocsp_cache_put(mongouri__ocsp_cache *c, const unsigned char *key, int len,
                              int status, int reason, time_t this_update, time_t next_update,
                              const char *revoked_at)
{
    time_t now = time(NULL);
    mongouri__ocsp_cache_entry *e;
    ptrdiff_t i;

    if (c == NULL || c->cap == 0 || next_update <= now ||
        (status != V_OCSP_CERTSTATUS_GOOD && status != V_OCSP_CERTSTATUS_REVOKED))
        return;
    pthread_mutex_lock(&c->mu);
    i = cache_find(c, key, len);
    if (i >= 0) {
        /* A revocation always replaces the entry; otherwise only a newer
         * answer (a later thisUpdate) does. */
        if (status != V_OCSP_CERTSTATUS_REVOKED && c->entries[i].this_update > this_update)
            goto out;
        e = &c->entries[i];
    } else {
        size_t j, victim = 0;
        unsigned char *copy;

        for (j = c->n; j-- > 0;)
            if (c->entries[j].next_update <= now)
                cache_remove_at(c, j);
        if (c->n == c->cap) {
            for (j = 1; j < c->n; j++)
                if (c->entries[j].next_update < c->entries[victim].next_update)
                    victim = j;
            cache_remove_at(c, victim);
        }
        copy = malloc((size_t)len);
        if (copy == NULL)
            goto out;
        memcpy(copy, key, (size_t)len);
        e = &c->entries[c->n++];
        e->key = copy;
        e->key_len = len;
    }
    e->status = status;
    e->reason = reason;
    e->this_update = this_update;
    e->next_update = next_update;
    snprintf(e->revoked_at, sizeof e->revoked_at, "%s", revoked_at);
out:
    pthread_mutex_unlock(&c->mu);
}
