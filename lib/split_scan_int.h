/*
 * The block scan of mongouri__split_text (split.c), written once for any
 * vector width and included once per width (no include guard): the includer
 * defines SCAN_W (bytes per block), SCAN_VEC (its vector type), SCAN_NAME(x)
 * (the names of this width), SCAN_ATTR (the target attribute) and the vector
 * operations SCAN_LOADU, SCAN_SET1, SCAN_EQ, SCAN_OR, SCAN_AND, SCAN_ANDNOT,
 * SCAN_XOR, SCAN_MINU8, SCAN_SUBS8, SCAN_MASK (bits of the high bytes),
 * SCAN_ZERO and SCAN_SUM (the sum of the unsigned bytes), all undefined at
 * the end.
 *
 * One scan, a block at a time, for the bytes that shape the string ('/',
 * '?', '@'), the host list's ',' (until the first '/'), and every '&', ';'
 * and NUL. The rules are those of split_plain, read in the order of the
 * bytes: until the first '/' the scan keeps the last '@', the first '?', the
 * first '?' after the last '@' and the ',' since that '@'; after a '/' that
 * ends the host list, it looks for the '?' that ends the database; then it
 * only counts. The ambiguous case (no '/', an '@' after a '?') is left to
 * split_plain. Needs len >= SCAN_W.
 */

/* The block at `pos` (< len), or the last SCAN_W bytes of the text, those
 * before `pos` replaced by a byte the scan ignores. */
static inline SCAN_ATTR SCAN_VEC SCAN_NAME(block_at)(const char *t, size_t len, size_t pos,
                                                     size_t *base)
{
    SCAN_VEC keep, v;

    if (len - pos >= SCAN_W) {
        *base = pos;
        return SCAN_LOADU(t + pos);
    }
    *base = len - SCAN_W;
    keep = SCAN_LOADU(scan_keep_last + 32 - SCAN_W + (len - pos));
    v = SCAN_LOADU(t + len - SCAN_W);
    return SCAN_OR(SCAN_AND(keep, v), SCAN_ANDNOT(keep, SCAN_SET1('a')));
}

/* Every block: count its '&' (per lane, saturated at 127), note a NUL or ';'. */
#define SCAN_COMMON(v, base)                                                                       \
    do {                                                                                           \
        amps = SCAN_SUBS8(amps, SCAN_EQ(v, SCAN_SET1('&')));                                       \
        /* NUL and ';' are the bytes whose minimum with their xor with ';' is 0 */                 \
        if (__builtin_expect(                                                                      \
                SCAN_MASK(SCAN_EQ(SCAN_MINU8(v, SCAN_XOR(v, SCAN_SET1(';'))), SCAN_ZERO)) != 0,    \
                0)) {                                                                              \
            unsigned z_ = SCAN_MASK(SCAN_EQ(v, SCAN_ZERO));                                        \
            unsigned s_ = SCAN_MASK(SCAN_EQ(v, SCAN_SET1(';')));                                   \
            if (z_ != 0 && nul == SCAN_NONE)                                                       \
                nul = (base) + (size_t)__builtin_ctz(z_);                                          \
            if (s_ != 0)                                                                           \
                semi = (base) + 31u - (size_t)__builtin_clz(s_);                                   \
        }                                                                                          \
    } while (0)

static SCAN_ATTR void SCAN_NAME(split)(const char *t, size_t len, size_t start,
                                       mongouri__split *out)
{
    size_t pos = start, base = start, at = SCAN_NONE, q1 = SCAN_NONE, qa = SCAN_NONE;
    size_t slash = SCAN_NONE, qdb = SCAN_NONE, commas = 0, c_qa = 0, nul = SCAN_NONE;
    size_t semi = SCAN_NONE, hend;
    SCAN_VEC amps = SCAN_ZERO, v = amps;
    unsigned above = 0;

    while (pos < len) {
        unsigned bits;
        v = SCAN_NAME(block_at)(t, len, pos, &base);
        SCAN_COMMON(v, base);
        bits = SCAN_MASK(SCAN_OR(SCAN_OR(SCAN_EQ(v, SCAN_SET1('/')), SCAN_EQ(v, SCAN_SET1('?'))),
                                 SCAN_OR(SCAN_EQ(v, SCAN_SET1('@')), SCAN_EQ(v, SCAN_SET1(',')))));
        pos = base + SCAN_W;
        while (bits != 0) {
            unsigned b = (unsigned)__builtin_ctz(bits);
            char ch = t[base + b];
            bits &= bits - 1;
            if (ch == ',') {
                commas++; /* since the last '@' */
            } else if (ch == '@') {
                at = base + b;
                commas = 0;
                qa = SCAN_NONE;
            } else if (ch == '?') {
                if (q1 == SCAN_NONE)
                    q1 = base + b;
                if (qa == SCAN_NONE) {
                    qa = base + b;
                    c_qa = commas;
                }
            } else {
                slash = base + b;
                above = ~0u << b << 1;
                goto after_slash;
            }
        }
    }
    if (q1 != SCAN_NONE && at != SCAN_NONE && at > q1) {
        split_plain(t, len, start, out); /* ambiguous: an error */
        return;
    }
    goto done;
after_slash:
    /* a '?' after the userinfo ends the host list: then there is no database */
    if (qa == SCAN_NONE) {
        for (;;) {
            unsigned q = SCAN_MASK(SCAN_EQ(v, SCAN_SET1('?'))) & above;
            if (q != 0) {
                qdb = base + (size_t)__builtin_ctz(q);
                break;
            }
            if (pos >= len)
                break;
            above = ~0u;
            v = SCAN_NAME(block_at)(t, len, pos, &base);
            SCAN_COMMON(v, base);
            pos = base + SCAN_W;
        }
    }
    while (pos < len) {
        v = SCAN_NAME(block_at)(t, len, pos, &base);
        SCAN_COMMON(v, base);
        pos = base + SCAN_W;
    }
done:
    out->start = start;
    out->problem = MONGOURI__SPLIT_OK;
    out->problem_at = 0;
    out->has_userinfo = at != SCAN_NONE;
    out->at = at != SCAN_NONE ? at : 0;
    out->hosts_start = at != SCAN_NONE ? at + 1 : start;
    out->has_db = false;
    out->db_start = out->db_end = 0;
    out->has_query = false;
    out->query = len;
    if (qa != SCAN_NONE) {
        /* the host list ends at a '?' (with or without a '/' after it) */
        hend = qa;
        commas = c_qa;
        out->has_query = true;
        out->query = qa + 1;
    } else if (slash != SCAN_NONE) {
        hend = slash;
        out->has_db = true;
        out->db_start = slash + 1;
        out->db_end = qdb != SCAN_NONE ? qdb : len;
        if (qdb != SCAN_NONE) {
            out->has_query = true;
            out->query = qdb + 1;
        }
    } else {
        hend = len;
    }
    out->hosts_end = hend;
    out->nhosts = hend > out->hosts_start ? commas + 1 : 0;
    out->nopts = 0;
    if (out->has_query) {
        size_t na = SCAN_SUM(amps) + 1;
        out->nopts = na < MONGOURI_OPT__COUNT ? na : MONGOURI_OPT__COUNT;
    }
    out->query_semicolon = out->has_query && semi != SCAN_NONE && semi >= out->query;
    out->nul = nul != SCAN_NONE ? nul : len;
}
#undef SCAN_COMMON
/* the parameters, for the next width */
#undef SCAN_W
#undef SCAN_VEC
#undef SCAN_NAME
#undef SCAN_ATTR
#undef SCAN_LOADU
#undef SCAN_SET1
#undef SCAN_EQ
#undef SCAN_OR
#undef SCAN_AND
#undef SCAN_ANDNOT
#undef SCAN_XOR
#undef SCAN_MINU8
#undef SCAN_SUBS8
#undef SCAN_MASK
#undef SCAN_ZERO
#undef SCAN_SUM
