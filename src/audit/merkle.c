/*
 * merkle.c - RFC 6962 Merkle trees for the audit log; see merkle.h.
 *
 * How the tree is walked. Every hash a proof or a root needs is the MTH of a
 * range of leaves [lo, hi) that the RFC's recursion produces, and such a
 * range always starts at a multiple of the smallest power of two >= its
 * length (the left part of a split is a power of two, the right part is no
 * longer than the left). So the range is a run of perfect subtrees, one for
 * each bit of hi - lo from the highest down, each aligned to its own size,
 * and its MTH folds them from the right: MTH = H(P1, H(P2, ... Pk)). The
 * perfect subtrees are read from the optional node cache, or computed from
 * their halves down to the leaves (a recursion at most 63 deep).
 *
 * Proof generation first walks the RFC's recursion from the root down,
 * which only does arithmetic on sizes and collects at most 64 ranges, then
 * hashes each range. The ranges of a proof are disjoint, so no leaf is read
 * twice. Verification is the bit walk of RFC 9162 §2.1.3.2 and §2.1.4.2,
 * preceded by an exact length check, so it reads nothing it was not given
 * and does at most two hashes per path element.
 *
 * Expected workload: the audit log appends (frontier, O(log n) hashes) at
 * every recorded act; proofs are asked for by partners now and then;
 * verification runs on every proof a partner sends.
 */
#include "audit/merkle.h"

#include <assert.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

_Static_assert(GS_MERKLE_HASH_LEN == crypto_hash_sha256_BYTES,
               "a Merkle hash is a SHA-256 digest");

/* Set once sodium_init() has succeeded in this process. */
static atomic_int sodium_ready;

/*
 * sodium_init() is thread-safe and idempotent, so threads that race here
 * merely call it twice; the flag only saves its lock on later calls.
 */
static void sodium_ensure(void)
{
    if (atomic_load_explicit(&sodium_ready, memory_order_acquire))
        return;
    if (sodium_init() < 0) {
        fprintf(stderr, "gsomia: libsodium failed to initialise\n");
        abort();
    }
    atomic_store_explicit(&sodium_ready, 1, memory_order_release);
}

void gs_merkle_leaf_hash(const void *data, size_t len,
                         uint8_t out[GS_MERKLE_HASH_LEN])
{
    static const uint8_t prefix = 0x00;
    crypto_hash_sha256_state st;

    sodium_ensure();
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    if (len > 0)
        crypto_hash_sha256_update(&st, data, len);
    crypto_hash_sha256_final(&st, out);
}

void gs_merkle_node_hash(const uint8_t left[GS_MERKLE_HASH_LEN],
                         const uint8_t right[GS_MERKLE_HASH_LEN],
                         uint8_t out[GS_MERKLE_HASH_LEN])
{
    uint8_t buf[1 + 2 * GS_MERKLE_HASH_LEN];

    /* Copying first lets out alias left or right. */
    buf[0] = 0x01;
    memcpy(buf + 1, left, GS_MERKLE_HASH_LEN);
    memcpy(buf + 1 + GS_MERKLE_HASH_LEN, right, GS_MERKLE_HASH_LEN);
    sodium_ensure();
    crypto_hash_sha256(out, buf, sizeof(buf));
}

void gs_merkle_empty_root(uint8_t out[GS_MERKLE_HASH_LEN])
{
    static const uint8_t nothing[1];

    sodium_ensure();
    crypto_hash_sha256(out, nothing, 0);
}

/* The number of significant bits of x: 0 for 0, 64 for 2^63 and above. */
static unsigned bit_length(uint64_t x)
{
    return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

/* The largest power of two smaller than n, for n >= 2 (the RFC's k). */
static uint64_t split_point(uint64_t n)
{
    assert(n >= 2);
    return UINT64_C(1) << (bit_length(n - 1) - 1);
}

static int hash_equal(const uint8_t a[GS_MERKLE_HASH_LEN],
                      const uint8_t b[GS_MERKLE_HASH_LEN])
{
    return sodium_memcmp(a, b, GS_MERKLE_HASH_LEN) == 0;
}

/* Where hashes come from. */
struct source {
    gs_merkle_leaf_fn leaf;
    gs_merkle_node_fn node; /* may be NULL */
    void *ctx;
};

/* A callback's return value as ours: positive values break its contract. */
static int callback_result(int r)
{
    return r > 0 ? GS_ERR_STATE : r;
}

/* The root of the perfect subtree of 2^level leaves starting at
 * index << level. */
static int perfect_hash(const struct source *src, unsigned level,
                        uint64_t index, uint8_t out[GS_MERKLE_HASH_LEN])
{
    uint8_t left[GS_MERKLE_HASH_LEN], right[GS_MERKLE_HASH_LEN];
    int r;

    if (level == 0)
        return callback_result(src->leaf(src->ctx, index, out));
    if (src->node != NULL) {
        r = src->node(src->ctx, level, index, out);
        if (r != GS_ERR_NOT_FOUND)
            return callback_result(r);
    }
    r = perfect_hash(src, level - 1, 2 * index, left);
    if (r < 0)
        return r;
    r = perfect_hash(src, level - 1, 2 * index + 1, right);
    if (r < 0)
        return r;
    gs_merkle_node_hash(left, right, out);
    return 0;
}

/*
 * MTH(D[lo:hi]) for a range the RFC's recursion produces (see the note at
 * the top): lo < hi and lo aligned to the power of two >= hi - lo.
 */
static int range_hash(const struct source *src, uint64_t lo, uint64_t hi,
                      uint8_t out[GS_MERKLE_HASH_LEN])
{
    uint8_t sub[GS_MERKLE_HASH_LEN];
    uint64_t n = hi - lo, pos = hi;
    unsigned level;
    int have = 0, r;

    assert(lo < hi);
    for (level = 0; level < 64; level++) {
        if (((n >> level) & 1) == 0)
            continue;
        pos -= UINT64_C(1) << level;
        assert((pos & ((UINT64_C(1) << level) - 1)) == 0);
        r = perfect_hash(src, level, pos >> level, sub);
        if (r < 0)
            return r;
        if (have)
            gs_merkle_node_hash(sub, out, out);
        else
            memcpy(out, sub, GS_MERKLE_HASH_LEN);
        have = 1;
    }
    return 0;
}

int gs_merkle_root_cached(uint64_t size, gs_merkle_leaf_fn leaf,
                          gs_merkle_node_fn node, void *ctx,
                          uint8_t out[GS_MERKLE_HASH_LEN])
{
    struct source src = {leaf, node, ctx};
    int r;

    memset(out, 0, GS_MERKLE_HASH_LEN);
    if (size > GS_MERKLE_MAX_SIZE)
        return GS_ERR_INVALID;
    if (size == 0) {
        gs_merkle_empty_root(out);
        return 0;
    }
    r = range_hash(&src, 0, size, out);
    if (r < 0)
        memset(out, 0, GS_MERKLE_HASH_LEN);
    return r;
}

int gs_merkle_root(uint64_t size, gs_merkle_leaf_fn leaf, void *ctx,
                   uint8_t out[GS_MERKLE_HASH_LEN])
{
    return gs_merkle_root_cached(size, leaf, NULL, ctx, out);
}

/* A range of leaves [lo, hi) whose MTH is one element of a proof. */
struct range {
    uint64_t lo, hi;
};

/*
 * Hashes the n ranges, collected from the root down, into path in the RFC's
 * order (from the leaves up).
 */
static int hash_ranges(const struct source *src, const struct range *rs,
                       size_t n, uint8_t path[][GS_MERKLE_HASH_LEN],
                       size_t *n_path)
{
    size_t i;
    int r;

    for (i = 0; i < n; i++) {
        r = range_hash(src, rs[n - 1 - i].lo, rs[n - 1 - i].hi, path[i]);
        if (r < 0) {
            memset(path, 0, n * GS_MERKLE_HASH_LEN);
            return r;
        }
    }
    *n_path = n;
    return 0;
}

int gs_merkle_inclusion_path_len(uint64_t index, uint64_t size, size_t *len)
{
    unsigned inner;

    *len = 0;
    if (size == 0 || size > GS_MERKLE_MAX_SIZE || index >= size)
        return GS_ERR_INVALID;
    /*
     * Below the level where the paths to index and to the last leaf part,
     * every level has a sibling; above it, only the levels where index's
     * ancestor is a right child do (a left child there has no complete
     * right sibling and is lifted as is). With size <= 2^63, inner <= 63.
     */
    inner = bit_length(index ^ (size - 1));
    *len = inner + (size_t)__builtin_popcountll(index >> inner);
    return 0;
}

int gs_merkle_inclusion_proof_cached(uint64_t index, uint64_t size,
                                     gs_merkle_leaf_fn leaf,
                                     gs_merkle_node_fn node, void *ctx,
                                     uint8_t path[][GS_MERKLE_HASH_LEN],
                                     size_t *n_path)
{
    struct source src = {leaf, node, ctx};
    struct range rs[GS_MERKLE_MAX_PATH];
    uint64_t lo = 0, hi = size, k;
    size_t n = 0, want;

    *n_path = 0;
    memset(path, 0, GS_MERKLE_MAX_PATH * GS_MERKLE_HASH_LEN);
    if (gs_merkle_inclusion_path_len(index, size, &want) < 0)
        return GS_ERR_INVALID;
    /* PATH(m, D[n]): descend to the leaf, keeping the other half each time;
     * the tree is at most 63 levels deep. */
    while (hi - lo > 1) {
        k = split_point(hi - lo);
        if (index < lo + k) {
            rs[n++] = (struct range){lo + k, hi};
            hi = lo + k;
        } else {
            rs[n++] = (struct range){lo, lo + k};
            lo += k;
        }
    }
    assert(n == want);
    return hash_ranges(&src, rs, n, path, n_path);
}

int gs_merkle_inclusion_proof(uint64_t index, uint64_t size,
                              gs_merkle_leaf_fn leaf, void *ctx,
                              uint8_t path[][GS_MERKLE_HASH_LEN],
                              size_t *n_path)
{
    return gs_merkle_inclusion_proof_cached(index, size, leaf, NULL, ctx, path,
                                            n_path);
}

int gs_merkle_verify_inclusion(uint64_t index, uint64_t size,
                               const uint8_t leaf_hash[GS_MERKLE_HASH_LEN],
                               const uint8_t path[][GS_MERKLE_HASH_LEN],
                               size_t n_path,
                               const uint8_t root[GS_MERKLE_HASH_LEN])
{
    uint8_t r[GS_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i, want;

    if (gs_merkle_inclusion_path_len(index, size, &want) < 0)
        return GS_ERR_INVALID;
    if (n_path != want || (n_path > 0 && path == NULL))
        return GS_ERR_INVALID;
    /* RFC 9162 §2.1.3.2, step for step. */
    fn = index;
    sn = size - 1;
    memcpy(r, leaf_hash, GS_MERKLE_HASH_LEN);
    for (i = 0; i < n_path; i++) {
        /* Unreachable after the length check; kept as the RFC has it. */
        if (sn == 0)
            return GS_ERR_INVALID;
        if ((fn & 1) || fn == sn) {
            gs_merkle_node_hash(path[i], r, r);
            /* A last node with no right sibling rises unchanged. */
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            gs_merkle_node_hash(r, path[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return GS_ERR_INVALID;
    return hash_equal(r, root) ? 0 : GS_ERR_VERIFY;
}

int gs_merkle_consistency_path_len(uint64_t old_size, uint64_t new_size,
                                   size_t *len)
{
    uint64_t fn, sn;
    size_t n;

    *len = 0;
    if (new_size > GS_MERKLE_MAX_SIZE || old_size > new_size)
        return GS_ERR_INVALID;
    if (old_size == 0 || old_size == new_size)
        return 0;
    /*
     * Counts the steps of the RFC 9162 §2.1.4.2 walk (as in
     * gs_merkle_verify_consistency, without hashing): one path element per
     * step, plus the first element unless old_size is a power of two, when
     * old_root itself takes its place. sn loses a bit every step, so there
     * are at most 63 steps.
     */
    fn = old_size - 1;
    sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    n = (old_size & (old_size - 1)) != 0;
    while (sn != 0) {
        if ((fn & 1) == 0 && fn == sn) {
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        }
        n++;
        fn >>= 1;
        sn >>= 1;
    }
    *len = n;
    return 0;
}

int gs_merkle_consistency_proof_cached(uint64_t old_size, uint64_t new_size,
                                       gs_merkle_leaf_fn leaf,
                                       gs_merkle_node_fn node, void *ctx,
                                       uint8_t path[][GS_MERKLE_HASH_LEN],
                                       size_t *n_path)
{
    struct source src = {leaf, node, ctx};
    struct range rs[GS_MERKLE_MAX_PATH];
    uint64_t lo = 0, hi = new_size, m = old_size, k;
    size_t n = 0, want;
    int whole_old_tree = 1;

    *n_path = 0;
    memset(path, 0, GS_MERKLE_MAX_PATH * GS_MERKLE_HASH_LEN);
    if (gs_merkle_consistency_path_len(old_size, new_size, &want) < 0)
        return GS_ERR_INVALID;
    if (old_size == 0 || old_size == new_size)
        return 0;
    /*
     * SUBPROOF(m, D[lo:hi], b) of RFC 6962 §2.1.2, unrolled: m counts the
     * old leaves within [lo, hi); b (whole_old_tree) stays true while
     * [lo, lo + m) is the whole old tree, whose root the verifier has.
     */
    while (m != hi - lo) {
        k = split_point(hi - lo);
        if (m <= k) {
            rs[n++] = (struct range){lo + k, hi};
            hi = lo + k;
        } else {
            rs[n++] = (struct range){lo, lo + k};
            lo += k;
            m -= k;
            whole_old_tree = 0;
        }
    }
    if (!whole_old_tree)
        rs[n++] = (struct range){lo, hi};
    assert(n == want);
    return hash_ranges(&src, rs, n, path, n_path);
}

int gs_merkle_consistency_proof(uint64_t old_size, uint64_t new_size,
                                gs_merkle_leaf_fn leaf, void *ctx,
                                uint8_t path[][GS_MERKLE_HASH_LEN],
                                size_t *n_path)
{
    return gs_merkle_consistency_proof_cached(old_size, new_size, leaf, NULL,
                                              ctx, path, n_path);
}

int gs_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                                 const uint8_t old_root[GS_MERKLE_HASH_LEN],
                                 const uint8_t new_root[GS_MERKLE_HASH_LEN],
                                 const uint8_t path[][GS_MERKLE_HASH_LEN],
                                 size_t n_path)
{
    uint8_t fr[GS_MERKLE_HASH_LEN], sr[GS_MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i, want;

    if (gs_merkle_consistency_path_len(old_size, new_size, &want) < 0)
        return GS_ERR_INVALID;
    if (n_path != want || (n_path > 0 && path == NULL))
        return GS_ERR_INVALID;
    if (old_size == 0) {
        /* Every tree extends the empty one, which has but one root. */
        gs_merkle_empty_root(fr);
        if (!hash_equal(fr, old_root))
            return GS_ERR_VERIFY;
        return new_size > 0 || hash_equal(fr, new_root) ? 0 : GS_ERR_VERIFY;
    }
    if (old_size == new_size)
        return hash_equal(old_root, new_root) ? 0 : GS_ERR_VERIFY;

    /* RFC 9162 §2.1.4.2. When old_size is a power of two the old tree is a
     * node of the new one and old_root stands for the first element. */
    i = 0;
    if ((old_size & (old_size - 1)) == 0) {
        memcpy(fr, old_root, GS_MERKLE_HASH_LEN);
    } else {
        memcpy(fr, path[0], GS_MERKLE_HASH_LEN);
        i = 1;
    }
    memcpy(sr, fr, GS_MERKLE_HASH_LEN);
    fn = old_size - 1;
    sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n_path; i++) {
        /* Unreachable after the length check; kept as the RFC has it. */
        if (sn == 0)
            return GS_ERR_INVALID;
        if ((fn & 1) || fn == sn) {
            gs_merkle_node_hash(path[i], fr, fr);
            gs_merkle_node_hash(path[i], sr, sr);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            gs_merkle_node_hash(sr, path[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return GS_ERR_INVALID;
    return hash_equal(fr, old_root) && hash_equal(sr, new_root) ? 0
                                                                : GS_ERR_VERIFY;
}

void gs_merkle_frontier_init(struct gs_merkle_frontier *f)
{
    memset(f, 0, sizeof(*f));
}

int gs_merkle_frontier_append(struct gs_merkle_frontier *f,
                              const uint8_t leaf_hash[GS_MERKLE_HASH_LEN])
{
    uint8_t h[GS_MERKLE_HASH_LEN];
    unsigned level = 0;

    if (f->size >= GS_MERKLE_MAX_SIZE)
        return GS_ERR_TOO_BIG;
    /* Binary addition of one leaf: each set low bit is a subtree of the
     * same size as the carry, merged into the carry one level up. As size <
     * 2^63 here, level stays below 63. */
    memcpy(h, leaf_hash, GS_MERKLE_HASH_LEN);
    while ((f->size >> level) & 1) {
        gs_merkle_node_hash(f->hashes[level], h, h);
        memset(f->hashes[level], 0, GS_MERKLE_HASH_LEN);
        level++;
    }
    memcpy(f->hashes[level], h, GS_MERKLE_HASH_LEN);
    f->size++;
    return 0;
}

void gs_merkle_frontier_root(const struct gs_merkle_frontier *f,
                             uint8_t out[GS_MERKLE_HASH_LEN])
{
    unsigned level;
    int have = 0;

    if (f->size == 0) {
        gs_merkle_empty_root(out);
        return;
    }
    /* The smallest subtree is the rightmost: fold from there leftwards. */
    for (level = 0; level < 64; level++) {
        if (((f->size >> level) & 1) == 0)
            continue;
        if (have)
            gs_merkle_node_hash(f->hashes[level], out, out);
        else
            memcpy(out, f->hashes[level], GS_MERKLE_HASH_LEN);
        have = 1;
    }
}

int gs_merkle_frontier_compute(struct gs_merkle_frontier *f, uint64_t size,
                               gs_merkle_leaf_fn leaf, gs_merkle_node_fn node,
                               void *ctx)
{
    struct source src = {leaf, node, ctx};
    uint64_t pos = 0;
    unsigned level;
    int r;

    gs_merkle_frontier_init(f);
    if (size > GS_MERKLE_MAX_SIZE)
        return GS_ERR_INVALID;
    for (level = 64; level-- > 0;) {
        if (((size >> level) & 1) == 0)
            continue;
        r = perfect_hash(&src, level, pos >> level, f->hashes[level]);
        if (r < 0) {
            gs_merkle_frontier_init(f);
            return r;
        }
        pos += UINT64_C(1) << level;
    }
    f->size = size;
    return 0;
}
