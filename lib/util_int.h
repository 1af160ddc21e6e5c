/*
 * Helpers of util.c: the arena of a result, wiping, ASCII and UTF-8 string
 * work, versioned option structs. Never installed.
 */
#ifndef MONGOURI_UTIL_INT_H
#define MONGOURI_UTIL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mongouri/mongouri.h"

/* Arena: one bump allocator per result, so a parse costs few mallocs. */

typedef struct mongouri__block {
    struct mongouri__block *next;
    size_t cap;
    size_t used;
    bool owned; /* false for a block that lives inside its owner's allocation */
    /* data follows, aligned to MONGOURI__ARENA_ALIGN */
} mongouri__block;

typedef struct mongouri__arena {
    mongouri__block *head;
} mongouri__arena;

/* The alignment of the arena's structures (pointers and 64-bit integers);
 * strings take no alignment. */
#define MONGOURI__ARENA_ALIGN 8u
#define MONGOURI__BLOCK_HEADER                                                                     \
    ((sizeof(mongouri__block) + MONGOURI__ARENA_ALIGN - 1u) & ~(size_t)(MONGOURI__ARENA_ALIGN - 1u))

/* Slow path of the arena: a new block for `n` bytes. */
void *mongouri__arena_alloc_block(mongouri__arena *a, size_t n);

/* `n` bytes aligned for any structure of the library, freed with the arena;
 * NULL when out of memory. */
static inline void *mongouri__arena_alloc(mongouri__arena *a, size_t n)
{
    mongouri__block *b = a->head;

    if (b != NULL) {
        size_t at = (b->used + MONGOURI__ARENA_ALIGN - 1u) & ~(size_t)(MONGOURI__ARENA_ALIGN - 1u);
        if (at <= b->cap && b->cap - at >= n) {
            b->used = at + n;
            return (char *)b + MONGOURI__BLOCK_HEADER + at;
        }
    }
    return mongouri__arena_alloc_block(a, n);
}

/* `n` bytes for characters (no alignment), freed with the arena. */
static inline char *mongouri__arena_chars(mongouri__arena *a, size_t n)
{
    mongouri__block *b = a->head;

    if (b != NULL && b->cap - b->used >= n) {
        char *p = (char *)b + MONGOURI__BLOCK_HEADER + b->used;
        b->used += n;
        return p;
    }
    return mongouri__arena_alloc_block(a, n);
}
char *mongouri__arena_strndup(mongouri__arena *a, const char *s, size_t n);
/* Use `mem` (16-byte aligned, `size` bytes) as the first block; it is not freed. */
static inline void mongouri__arena_adopt(mongouri__arena *a, void *mem, size_t size)
{
    mongouri__block *b = mem;

    if (a->head != NULL || size <= MONGOURI__BLOCK_HEADER + MONGOURI__ARENA_ALIGN)
        return;
    b->next = NULL;
    b->cap = (size - MONGOURI__BLOCK_HEADER) & ~(size_t)(MONGOURI__ARENA_ALIGN - 1u);
    b->used = 0;
    b->owned = false;
    a->head = b;
}
/* Slow path of mongouri__arena_free: every block, the owned ones freed. */
void mongouri__arena_free_blocks(mongouri__arena *a);
static inline void mongouri__arena_free(mongouri__arena *a)
{
    mongouri__block *b = a->head;

    if (b != NULL && b->next == NULL && !b->owned) {
        a->head = NULL; /* the one block lives in its owner's allocation */
        return;
    }
    mongouri__arena_free_blocks(a);
}

/* Overwrite `n` bytes in a way the compiler may not remove. */
static inline void mongouri__wipe(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return;
    memset(p, 0, n);
#if defined(__GNUC__)
    /* Tell the compiler the zeroed memory is still read: the memset stays. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    {
        volatile unsigned char *v = p;
        while (n-- > 0)
            *v++ = 0;
    }
#endif
}

/* Zero the used bytes of every block (secrets), before freeing. */
static inline void mongouri__arena_wipe(mongouri__arena *a)
{
    for (mongouri__block *b = a->head; b != NULL; b = b->next)
        mongouri__wipe((char *)b + MONGOURI__BLOCK_HEADER, b->used);
}

/* Wipe a NUL-terminated string in place (NULL is a no-op). */
void mongouri__wipe_str(char *s);

/* Strings */

/* ASCII-only case-insensitive comparisons (locale-independent). */
int mongouri__strncasecmp(const char *a, const char *b, size_t n);
int mongouri__strcasecmp(const char *a, const char *b);
bool mongouri__ieq(const char *a, size_t an, const char *b); /* a[0..an) == b, any case */

/*
 * Strict percent-decoding of src[0..n) into dst (capacity >= n + 1).
 * %XX only; %00 and invalid UTF-8 are errors. On error returns false and
 * sets *bad to the offset (relative to src) of the offending byte and
 * *diag to the diagnosis (*dst_len is then unspecified, as *bad is on
 * success: both may be used as scratch). dst and src do not overlap.
 */
bool mongouri__pct_decode(const char *src, size_t n, char *dst, size_t *dst_len, size_t *bad,
                          mongouri_diag *diag);
/* A hex digit's value with 0x10 set; 0 for any other byte. */
extern const unsigned char mongouri__hex[256];
/* True when src[0..n) is valid UTF-8; *bad receives the first bad offset. */
bool mongouri__utf8_valid(const char *src, size_t n, size_t *bad);
/* Offset in src[0..n) of the byte that decodes to decoded[index]. */
size_t mongouri__pct_source_index(const char *src, size_t n, size_t index);
/* Largest length <= n that does not cut a UTF-8 sequence of s. */
size_t mongouri__utf8_cut(const char *s, size_t n);

/* Edit distance bounded by `max` (returns max + 1 when larger), ASCII case folded. */
unsigned mongouri__edit_distance(const char *a, size_t an, const char *b, unsigned max);

#endif /* MONGOURI_UTIL_INT_H */
