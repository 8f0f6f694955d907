/*
 * test_merkle.c - src/audit/merkle: RFC 6962 hashing, roots, inclusion and
 * consistency proofs, their verification, the frontier.
 *
 * Three kinds of evidence:
 *   - the published test vectors of the Certificate Transparency reference
 *     implementations (hashes and proof structures);
 *   - a naive reference written straight from the definitions of RFC 6962
 *     §2.1 (MTH, PATH, SUBPROOF as recursions on leaf data, hashing with
 *     libsodium directly, not through gs_merkle_*), compared exhaustively
 *     on small trees, with every proof mutated in many ways;
 *   - trees of up to 2^63 leaves, made cheap by a leaf source in which all
 *     leaves but one or two are equal, so that subtree hashes are known.
 * tests/tools/merkle_verify.py adds a verifier in another language.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/merkle.h"
#include "base/err.h"

#define HLEN GS_MERKLE_HASH_LEN
#define MAXP GS_MERKLE_MAX_PATH

/* ---- helpers ------------------------------------------------------------- */

static void unhex(const char *s, uint8_t *out, size_t n)
{
    size_t i;
    unsigned v;

    assert_int_equal(strlen(s), 2 * n);
    for (i = 0; i < n; i++) {
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void assert_hash_hex(const uint8_t h[HLEN], const char *hex)
{
    uint8_t want[HLEN];

    unhex(hex, want, HLEN);
    assert_memory_equal(h, want, HLEN);
}

/* splitmix64: deterministic, so a failure can be reproduced. */
static uint64_t rng_state = 0x6a09e667f3bcc908u;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void flip_bit(uint8_t h[HLEN], unsigned bit)
{
    h[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/*
 * Calls the verifiers with the path copied into a heap block of exactly
 * n_path hashes (NULL for none), so that ASan reports any read past it.
 */
static int verify_incl(uint64_t index, uint64_t size, const uint8_t *leaf,
                       uint8_t (*path)[HLEN], size_t n, const uint8_t *root)
{
    uint8_t(*copy)[HLEN] = NULL;
    int r;

    if (n > 0) {
        copy = malloc(n * HLEN);
        assert_non_null(copy);
        memcpy(copy, path, n * HLEN);
    }
    r = gs_merkle_verify_inclusion(index, size, leaf,
                                   (const uint8_t(*)[HLEN])copy, n, root);
    free(copy);
    return r;
}

static int verify_cons(uint64_t old_size, uint64_t new_size,
                       const uint8_t *old_root, const uint8_t *new_root,
                       uint8_t (*path)[HLEN], size_t n)
{
    uint8_t(*copy)[HLEN] = NULL;
    int r;

    if (n > 0) {
        copy = malloc(n * HLEN);
        assert_non_null(copy);
        memcpy(copy, path, n * HLEN);
    }
    r = gs_merkle_verify_consistency(old_size, new_size, old_root, new_root,
                                     (const uint8_t(*)[HLEN])copy, n);
    free(copy);
    return r;
}

/* ---- a small tree held in memory, and the naive reference ---------------- */

#define MAX_LEAVES 320

struct tree {
    size_t n;
    uint8_t data[MAX_LEAVES][32];
    size_t len[MAX_LEAVES];
    uint8_t hash[MAX_LEAVES][HLEN]; /* via gs_merkle_leaf_hash */
    uint64_t limit;                 /* reads at or past this fail the test */
    unsigned reads[MAX_LEAVES];
    uint64_t fail_at; /* the leaf read that returns fail_code */
    int fail_code;
    int cache;             /* answer node queries with an even index */
    uint64_t node_fail_at; /* level << 56 | index that returns fail_code */
    unsigned node_calls, node_hits;
};

static struct tree tree; /* large: static, not on the stack */

static void tree_reset_counts(struct tree *t, uint64_t limit)
{
    memset(t->reads, 0, sizeof(t->reads));
    t->limit = limit;
    t->fail_at = UINT64_MAX;
    t->node_fail_at = UINT64_MAX;
    t->fail_code = 0;
    t->cache = 0;
    t->node_calls = t->node_hits = 0;
}

static void tree_add(struct tree *t, const void *data, size_t len)
{
    assert_true(t->n < MAX_LEAVES && len <= sizeof(t->data[0]));
    memcpy(t->data[t->n], data, len);
    t->len[t->n] = len;
    gs_merkle_leaf_hash(data, len, t->hash[t->n]);
    t->n++;
}

/* n distinct leaves of 2..22 bytes; the first two bytes are the index. */
static void tree_make(struct tree *t, size_t n)
{
    uint8_t d[32];
    size_t i, j, len;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < n; i++) {
        len = 2 + i % 21;
        d[0] = (uint8_t)i;
        d[1] = (uint8_t)(i >> 8);
        for (j = 2; j < len; j++)
            d[j] = (uint8_t)(i * 131 + j * 7 + 3);
        tree_add(t, d, len);
    }
    tree_reset_counts(t, n);
}

static int tree_leaf(void *ctx, uint64_t index, uint8_t out[HLEN])
{
    struct tree *t = ctx;

    assert_true(index < t->limit);
    t->reads[index]++;
    if (index == t->fail_at)
        return t->fail_code;
    memcpy(out, t->hash[index], HLEN);
    return 0;
}

static void ref_mth(const struct tree *t, size_t lo, size_t hi,
                    uint8_t out[HLEN]);

static int tree_node(void *ctx, unsigned level, uint64_t index,
                     uint8_t out[HLEN])
{
    struct tree *t = ctx;
    uint64_t lo = index << level, hi = (index + 1) << level;

    t->node_calls++;
    assert_true(level >= 1 && level < 64);
    assert_true(hi <= t->limit);
    if (((uint64_t)level << 56 | index) == t->node_fail_at)
        return t->fail_code;
    if (!t->cache || index % 2 != 0)
        return GS_ERR_NOT_FOUND;
    t->node_hits++;
    ref_mth(t, (size_t)lo, (size_t)hi, out);
    return 0;
}

/* The reference hashes, from the bytes of RFC 6962 §2.1 by libsodium. */
static void ref_leaf(const uint8_t *d, size_t len, uint8_t out[HLEN])
{
    uint8_t buf[1 + 32];

    buf[0] = 0x00;
    memcpy(buf + 1, d, len);
    crypto_hash_sha256(out, buf, 1 + len);
}

static void ref_node(const uint8_t l[HLEN], const uint8_t r[HLEN],
                     uint8_t out[HLEN])
{
    uint8_t buf[1 + 2 * HLEN];

    buf[0] = 0x01;
    memcpy(buf + 1, l, HLEN);
    memcpy(buf + 1 + HLEN, r, HLEN);
    crypto_hash_sha256(out, buf, sizeof(buf));
}

/* "k is the largest power of two smaller than n" */
static uint64_t ref_split(uint64_t n)
{
    uint64_t k = 1;

    while (k * 2 < n)
        k *= 2;
    return k;
}

/* MTH(D[lo:hi]), RFC 6962 §2.1. */
static void ref_mth(const struct tree *t, size_t lo, size_t hi,
                    uint8_t out[HLEN])
{
    uint8_t l[HLEN], r[HLEN];
    size_t k;

    if (hi == lo) {
        crypto_hash_sha256(out, (const uint8_t *)"", 0);
    } else if (hi - lo == 1) {
        ref_leaf(t->data[lo], t->len[lo], out);
    } else {
        k = (size_t)ref_split(hi - lo);
        ref_mth(t, lo, lo + k, l);
        ref_mth(t, lo + k, hi, r);
        ref_node(l, r, out);
    }
}

/* PATH(m, D[lo:hi]), RFC 6962 §2.1.1, appended to out. */
static void ref_path(const struct tree *t, size_t m, size_t lo, size_t hi,
                     uint8_t out[][HLEN], size_t *n)
{
    size_t k;

    if (hi - lo <= 1)
        return;
    k = (size_t)ref_split(hi - lo);
    if (m < k) {
        ref_path(t, m, lo, lo + k, out, n);
        ref_mth(t, lo + k, hi, out[(*n)++]);
    } else {
        ref_path(t, m - k, lo + k, hi, out, n);
        ref_mth(t, lo, lo + k, out[(*n)++]);
    }
}

/* SUBPROOF(m, D[lo:hi], b), RFC 6962 §2.1.2, appended to out. */
static void ref_subproof(const struct tree *t, size_t m, size_t lo, size_t hi,
                         int b, uint8_t out[][HLEN], size_t *n)
{
    size_t k;

    if (m == hi - lo) {
        if (!b)
            ref_mth(t, lo, hi, out[(*n)++]);
        return;
    }
    k = (size_t)ref_split(hi - lo);
    if (m <= k) {
        ref_subproof(t, m, lo, lo + k, b, out, n);
        ref_mth(t, lo + k, hi, out[(*n)++]);
    } else {
        ref_subproof(t, m - k, lo + k, hi, 0, out, n);
        ref_mth(t, lo, lo + k, out[(*n)++]);
    }
}

/*
 * The "shape" of a proof: the left/right decisions of the RFC's recursion.
 * Verification of a given path is the same computation for two (index,
 * size) pairs of the same shape, so a proof for one is, by construction,
 * also a valid proof for the other with the same root: (index 0, size 3) and
 * (index 0, size 4) both hash H(H(leaf, p0), p1). No verifier can tell them
 * apart without knowing which path elements are leaves; the tree head binds
 * size and root together. A changed index or size must therefore fail
 * exactly when the shape changes.
 */
struct shape {
    char s[80];
    size_t n;
};

static void shape_put(struct shape *sh, char c)
{
    assert_true(sh->n + 1 < sizeof(sh->s));
    sh->s[sh->n++] = c;
    sh->s[sh->n] = '\0';
}

static void shape_path(uint64_t m, uint64_t n, struct shape *sh)
{
    uint64_t k;

    if (n <= 1)
        return;
    k = ref_split(n);
    if (m < k) {
        shape_path(m, k, sh);
        shape_put(sh, 'L');
    } else {
        shape_path(m - k, n - k, sh);
        shape_put(sh, 'R');
    }
}

static void shape_inclusion(uint64_t m, uint64_t n, struct shape *sh)
{
    sh->n = 0;
    sh->s[0] = '\0';
    shape_path(m, n, sh);
}

static void shape_subproof(uint64_t m, uint64_t n, int b, struct shape *sh)
{
    uint64_t k;

    if (m == n) {
        shape_put(sh, b ? 'E' : 'X');
        return;
    }
    k = ref_split(n);
    if (m <= k) {
        shape_subproof(m, k, b, sh);
        shape_put(sh, 'L');
    } else {
        shape_subproof(m - k, n - k, 0, sh);
        shape_put(sh, 'R');
    }
}

static void shape_consistency(uint64_t m, uint64_t n, struct shape *sh)
{
    sh->n = 0;
    sh->s[0] = '\0';
    if (m == 0)
        shape_put(sh, '0');
    else if (m == n)
        shape_put(sh, '=');
    else
        shape_subproof(m, n, 1, sh);
}

/* ---- mutation harnesses -------------------------------------------------- */

/* Which bits of each hash to flip: all, or a sample that varies per call. */
static size_t pick_bits(int all, unsigned *bits)
{
    size_t n = 0;
    unsigned b;

    if (all) {
        for (b = 0; b < 256; b++)
            bits[n++] = b;
        return n;
    }
    bits[n++] = 0;
    bits[n++] = 255;
    bits[n++] = (unsigned)(rng() % 256);
    bits[n++] = (unsigned)(rng() % 256);
    return n;
}

/*
 * Checks that (index, size, leaf, path, root) verifies and that every
 * mutation of it is rejected, or accepted exactly when it must be (same
 * shape, see above).
 */
static void check_inclusion(uint64_t index, uint64_t size,
                            const uint8_t leaf_in[HLEN], uint8_t (*path)[HLEN],
                            size_t n, const uint8_t root_in[HLEN], int all_bits)
{
    uint8_t leaf[HLEN], root[HLEN], longer[MAXP + 1][HLEN];
    unsigned bits[256];
    size_t nb, i, j;
    struct shape want, got;
    const uint64_t idx[] = {index - 1, index + 1, index ^ 1, index ^ 2,
                            index ^ 4, index + 8, 0,         size - 1,
                            size,      UINT64_MAX};
    const uint64_t sizes[] = {size - 1,
                              size + 1,
                              size + 2,
                              size * 2,
                              size / 2,
                              size ^ 1,
                              index + 1,
                              GS_MERKLE_MAX_SIZE,
                              GS_MERKLE_MAX_SIZE + 1,
                              UINT64_MAX,
                              0};
    int r;

    memcpy(leaf, leaf_in, HLEN);
    memcpy(root, root_in, HLEN);
    assert_int_equal(verify_incl(index, size, leaf, path, n, root), 0);

    nb = pick_bits(all_bits, bits);
    for (j = 0; j < nb; j++) {
        flip_bit(leaf, bits[j]);
        assert_int_equal(verify_incl(index, size, leaf, path, n, root),
                         GS_ERR_VERIFY);
        flip_bit(leaf, bits[j]);
        flip_bit(root, bits[j]);
        assert_int_equal(verify_incl(index, size, leaf, path, n, root),
                         GS_ERR_VERIFY);
        flip_bit(root, bits[j]);
        for (i = 0; i < n; i++) {
            flip_bit(path[i], bits[j]);
            assert_int_equal(verify_incl(index, size, leaf, path, n, root),
                             GS_ERR_VERIFY);
            flip_bit(path[i], bits[j]);
        }
    }

    /* Truncated, extended, shifted paths. */
    if (n > 0) {
        assert_int_equal(verify_incl(index, size, leaf, path, n - 1, root),
                         GS_ERR_INVALID);
        assert_int_equal(verify_incl(index, size, leaf, path + 1, n - 1, root),
                         GS_ERR_INVALID);
    }
    memcpy(longer, path, n * HLEN);
    memcpy(longer[n], root, HLEN);
    assert_int_equal(verify_incl(index, size, leaf, longer, n + 1, root),
                     GS_ERR_INVALID);
    memset(longer[n], 0, HLEN);
    assert_int_equal(verify_incl(index, size, leaf, longer, n + 1, root),
                     GS_ERR_INVALID);
    memcpy(longer[0], leaf, HLEN);
    memcpy(longer + 1, path, n * HLEN);
    assert_int_equal(verify_incl(index, size, leaf, longer, n + 1, root),
                     GS_ERR_INVALID);
    if (n > 1) {
        /* A duplicated middle element. */
        memcpy(longer, path, n * HLEN);
        memmove(longer[n / 2 + 1], longer[n / 2], (n - n / 2) * HLEN);
        assert_int_equal(verify_incl(index, size, leaf, longer, n + 1, root),
                         GS_ERR_INVALID);
    }
    /* Two elements swapped (unless they are equal, as plain subtrees of the
     * huge trees below can be). */
    if (n > 1 && memcmp(path[0], path[1], HLEN) != 0) {
        memcpy(longer, path, n * HLEN);
        memcpy(longer[0], path[1], HLEN);
        memcpy(longer[1], path[0], HLEN);
        assert_int_equal(verify_incl(index, size, leaf, longer, n, root),
                         GS_ERR_VERIFY);
    }

    /* Another index, another size. */
    shape_inclusion(index, size, &want);
    for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
        if (idx[i] == index)
            continue;
        r = verify_incl(idx[i], size, leaf, path, n, root);
        if (idx[i] >= size) {
            assert_int_equal(r, GS_ERR_INVALID);
            continue;
        }
        shape_inclusion(idx[i], size, &got);
        assert_string_not_equal(got.s, want.s); /* shapes name the index */
        assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
    }
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if (sizes[i] == size)
            continue;
        r = verify_incl(index, sizes[i], leaf, path, n, root);
        if (index >= sizes[i] || sizes[i] > GS_MERKLE_MAX_SIZE) {
            assert_int_equal(r, GS_ERR_INVALID);
            continue;
        }
        shape_inclusion(index, sizes[i], &got);
        if (strcmp(got.s, want.s) == 0)
            assert_int_equal(r, 0);
        else
            assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
    }
}

/*
 * Whether a consistency claim for sizes (m2, n2) must hold, given roots and
 * a path made for (m, n). The trivial claims compare roots only; the others
 * hold exactly when the verification is the same computation (same shape).
 */
static int consistency_must_hold(uint64_t m2, uint64_t n2, uint64_t m,
                                 uint64_t n, const uint8_t *old_root,
                                 const uint8_t *new_root, size_t n_path)
{
    struct shape a, b;
    uint8_t e[HLEN];

    crypto_hash_sha256(e, (const uint8_t *)"", 0);
    if (m2 == 0)
        return n_path == 0 && memcmp(old_root, e, HLEN) == 0 &&
               (n2 > 0 || memcmp(new_root, e, HLEN) == 0);
    if (m2 == n2)
        return n_path == 0 && memcmp(old_root, new_root, HLEN) == 0;
    if (m == 0 || m == n)
        return 0; /* no path, but (m2, n2) needs one */
    shape_consistency(m2, n2, &a);
    shape_consistency(m, n, &b);
    return strcmp(a.s, b.s) == 0;
}

static void check_consistency(uint64_t m, uint64_t n_size,
                              const uint8_t old_in[HLEN],
                              const uint8_t new_in[HLEN], uint8_t (*path)[HLEN],
                              size_t n, int all_bits)
{
    uint8_t old_root[HLEN], new_root[HLEN], longer[MAXP + 1][HLEN];
    unsigned bits[256];
    size_t nb, i, j;
    const uint64_t olds[] = {m - 1, m + 1, m ^ 1,  m ^ 2,      m * 2,
                             m / 2, 0,     n_size, n_size + 1, UINT64_MAX};
    const uint64_t news[] = {n_size - 1,
                             n_size + 1,
                             n_size + 2,
                             n_size * 2,
                             n_size / 2,
                             n_size ^ 1,
                             m,
                             0,
                             GS_MERKLE_MAX_SIZE,
                             GS_MERKLE_MAX_SIZE + 1,
                             UINT64_MAX};
    int r;

    memcpy(old_root, old_in, HLEN);
    memcpy(new_root, new_in, HLEN);
    assert_int_equal(verify_cons(m, n_size, old_root, new_root, path, n), 0);

    nb = pick_bits(all_bits, bits);
    for (j = 0; j < nb; j++) {
        flip_bit(old_root, bits[j]);
        assert_int_equal(verify_cons(m, n_size, old_root, new_root, path, n),
                         GS_ERR_VERIFY);
        flip_bit(old_root, bits[j]);
        flip_bit(new_root, bits[j]);
        /* Every tree extends the empty tree, whatever its root. */
        assert_int_equal(verify_cons(m, n_size, old_root, new_root, path, n),
                         m == 0 && n_size > 0 ? 0 : GS_ERR_VERIFY);
        flip_bit(new_root, bits[j]);
        for (i = 0; i < n; i++) {
            flip_bit(path[i], bits[j]);
            assert_int_equal(
                verify_cons(m, n_size, old_root, new_root, path, n),
                GS_ERR_VERIFY);
            flip_bit(path[i], bits[j]);
        }
    }
    if (m > 0 && m < n_size) {
        assert_int_equal(verify_cons(m, n_size, new_root, old_root, path, n),
                         GS_ERR_VERIFY);
        assert_int_equal(verify_cons(m, n_size, new_root, new_root, path, n),
                         GS_ERR_VERIFY);
        assert_int_equal(verify_cons(m, n_size, old_root, old_root, path, n),
                         GS_ERR_VERIFY);
    }

    if (n > 0) {
        assert_int_equal(
            verify_cons(m, n_size, old_root, new_root, path, n - 1),
            GS_ERR_INVALID);
        assert_int_equal(
            verify_cons(m, n_size, old_root, new_root, path + 1, n - 1),
            GS_ERR_INVALID);
        assert_int_equal(verify_cons(m, n_size, old_root, new_root, path, 0),
                         GS_ERR_INVALID);
    }
    memcpy(longer, path, n * HLEN);
    memcpy(longer[n], new_root, HLEN);
    assert_int_equal(verify_cons(m, n_size, old_root, new_root, longer, n + 1),
                     GS_ERR_INVALID);
    memcpy(longer[n], old_root, HLEN);
    assert_int_equal(verify_cons(m, n_size, old_root, new_root, longer, n + 1),
                     GS_ERR_INVALID);
    memcpy(longer[0], old_root, HLEN);
    memcpy(longer + 1, path, n * HLEN);
    assert_int_equal(verify_cons(m, n_size, old_root, new_root, longer, n + 1),
                     GS_ERR_INVALID);
    if (n > 1 && memcmp(path[0], path[1], HLEN) != 0) {
        memcpy(longer, path, n * HLEN);
        memcpy(longer[0], path[1], HLEN);
        memcpy(longer[1], path[0], HLEN);
        assert_int_equal(verify_cons(m, n_size, old_root, new_root, longer, n),
                         GS_ERR_VERIFY);
    }

    for (i = 0; i < sizeof(olds) / sizeof(olds[0]); i++) {
        if (olds[i] == m)
            continue;
        r = verify_cons(olds[i], n_size, old_root, new_root, path, n);
        if (olds[i] > n_size)
            assert_int_equal(r, GS_ERR_INVALID);
        else if (consistency_must_hold(olds[i], n_size, m, n_size, old_root,
                                       new_root, n))
            assert_int_equal(r, 0);
        else
            assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
    }
    for (i = 0; i < sizeof(news) / sizeof(news[0]); i++) {
        if (news[i] == n_size)
            continue;
        r = verify_cons(m, news[i], old_root, new_root, path, n);
        if (m > news[i] || news[i] > GS_MERKLE_MAX_SIZE)
            assert_int_equal(r, GS_ERR_INVALID);
        else if (consistency_must_hold(m, news[i], m, n_size, old_root,
                                       new_root, n))
            assert_int_equal(r, 0);
        else
            assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
    }
}

/* ---- published vectors --------------------------------------------------- */

/*
 * The reference tree of Certificate Transparency: its eight leaves, the
 * roots of its first 1..8 leaves, audit paths and consistency proofs. From
 * google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
 * (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs), the same values as
 * transparency-dev/merkle proof/verify_test.go (leaves, roots,
 * inclusionProofs, consistencyProofs). There the leaf of a path is numbered
 * from 1; here it is the 0-based index.
 */
static const char *const ct_inputs[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

static const char *const ct_empty_root =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static const char *const ct_roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct ct_proof {
    uint64_t a, b; /* index and size, or old and new size */
    size_t n;
    const char *hashes[3];
};

static const struct ct_proof ct_paths[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     3,
     1,
     {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct ct_proof ct_consistency[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    /* From transparency-dev/merkle proof/verify_test.go only. */
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

static void ct_tree(struct tree *t)
{
    uint8_t d[16];
    size_t i, len;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < 8; i++) {
        len = strlen(ct_inputs[i]) / 2;
        unhex(ct_inputs[i], d, len);
        tree_add(t, d, len);
    }
    tree_reset_counts(t, 8);
}

static void rfc_vectors_hashes_and_roots(void **state)
{
    struct gs_merkle_frontier f;
    uint8_t h[HLEN];
    uint64_t size;

    (void)state;
    ct_tree(&tree);
    gs_merkle_empty_root(h);
    assert_hash_hex(h, ct_empty_root);
    gs_merkle_leaf_hash(NULL, 0, h);
    assert_hash_hex(h, ct_roots[0]); /* the one-leaf tree of "" */

    gs_merkle_frontier_init(&f);
    gs_merkle_frontier_root(&f, h);
    assert_hash_hex(h, ct_empty_root);
    assert_int_equal(gs_merkle_root(0, tree_leaf, &tree, h), 0);
    assert_hash_hex(h, ct_empty_root);
    for (size = 1; size <= 8; size++) {
        assert_int_equal(gs_merkle_root(size, tree_leaf, &tree, h), 0);
        assert_hash_hex(h, ct_roots[size - 1]);
        assert_int_equal(gs_merkle_frontier_append(&f, tree.hash[size - 1]), 0);
        gs_merkle_frontier_root(&f, h);
        assert_hash_hex(h, ct_roots[size - 1]);
    }
    /* The node hash: MTH of two leaves. */
    gs_merkle_node_hash(tree.hash[0], tree.hash[1], h);
    assert_hash_hex(h, ct_roots[1]);
    memcpy(h, tree.hash[0], HLEN);
    gs_merkle_node_hash(h, tree.hash[1], h); /* out aliases left */
    assert_hash_hex(h, ct_roots[1]);
}

static void rfc_vectors_inclusion(void **state)
{
    uint8_t path[MAXP][HLEN];
    size_t i, j, n;

    (void)state;
    ct_tree(&tree);
    for (i = 0; i < sizeof(ct_paths) / sizeof(ct_paths[0]); i++) {
        const struct ct_proof *v = &ct_paths[i];
        uint8_t root[HLEN];

        assert_int_equal(
            gs_merkle_inclusion_proof(v->a, v->b, tree_leaf, &tree, path, &n),
            0);
        assert_int_equal(n, v->n);
        for (j = 0; j < n; j++)
            assert_hash_hex(path[j], v->hashes[j]);
        unhex(ct_roots[v->b - 1], root, HLEN);
        check_inclusion(v->a, v->b, tree.hash[v->a], path, n, root, 1);
    }
    /* The published invalid cases: nothing is in an empty tree, no index
     * past the end. */
    {
        uint8_t some[HLEN], empty[HLEN];

        unhex("abacaba000000000000000000000000000000000000000000060061e00"
              "123456",
              some, HLEN);
        gs_merkle_empty_root(empty);
        assert_int_equal(gs_merkle_verify_inclusion(0, 0, some, NULL, 0, empty),
                         GS_ERR_INVALID);
        assert_int_equal(gs_merkle_verify_inclusion(1, 0, some, NULL, 0, empty),
                         GS_ERR_INVALID);
        assert_int_equal(gs_merkle_verify_inclusion(2, 1, some, NULL, 0, empty),
                         GS_ERR_INVALID);
        assert_int_equal(gs_merkle_verify_inclusion(0, 1, some, NULL, 0, empty),
                         GS_ERR_VERIFY);
        assert_int_equal(gs_merkle_verify_inclusion(0, 1, some, NULL, 0, some),
                         0);
    }
}

static void rfc_vectors_consistency(void **state)
{
    uint8_t path[MAXP][HLEN], old_root[HLEN], new_root[HLEN], e[HLEN];
    uint8_t any[HLEN];
    size_t i, j, n;

    (void)state;
    ct_tree(&tree);
    for (i = 0; i < sizeof(ct_consistency) / sizeof(ct_consistency[0]); i++) {
        const struct ct_proof *v = &ct_consistency[i];

        assert_int_equal(
            gs_merkle_consistency_proof(v->a, v->b, tree_leaf, &tree, path, &n),
            0);
        assert_int_equal(n, v->n);
        for (j = 0; j < n; j++)
            assert_hash_hex(path[j], v->hashes[j]);
        unhex(ct_roots[v->a - 1], old_root, HLEN);
        unhex(ct_roots[v->b - 1], new_root, HLEN);
        check_consistency(v->a, v->b, old_root, new_root, path, n, 1);
    }
    /*
     * The published trivial and invalid cases (TestVerifyConsistency), with
     * one deliberate difference: for old size 0 the old root must be the
     * empty root (CT accepts any). Time travel, an empty proof for a real
     * extension, a proof where none is needed, roots that differ for equal
     * sizes: all refused.
     */
    gs_merkle_empty_root(e);
    memset(any, 0x5a, HLEN);
    assert_int_equal(gs_merkle_verify_consistency(0, 0, e, e, NULL, 0), 0);
    assert_int_equal(gs_merkle_verify_consistency(0, 1, e, any, NULL, 0), 0);
    assert_int_equal(gs_merkle_verify_consistency(0, 0, any, any, NULL, 0),
                     GS_ERR_VERIFY);
    assert_int_equal(gs_merkle_verify_consistency(0, 0, e, any, NULL, 0),
                     GS_ERR_VERIFY);
    assert_int_equal(gs_merkle_verify_consistency(1, 1, any, any, NULL, 0), 0);
    assert_int_equal(gs_merkle_verify_consistency(1, 1, e, any, NULL, 0),
                     GS_ERR_VERIFY);
    assert_int_equal(gs_merkle_verify_consistency(1, 0, e, e, NULL, 0),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(2, 1, e, e, NULL, 0),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(1, 2, e, any, NULL, 0),
                     GS_ERR_INVALID);
    memcpy(path[0], e, HLEN);
    assert_int_equal(gs_merkle_verify_consistency(
                         0, 0, e, e, (const uint8_t(*)[HLEN])path, 1),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(
                         0, 1, e, e, (const uint8_t(*)[HLEN])path, 1),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(
                         1, 1, e, e, (const uint8_t(*)[HLEN])path, 1),
                     GS_ERR_INVALID);
}

/*
 * Which nodes a proof consists of, from transparency-dev/merkle
 * proof/proof_test.go (TestInclusion, TestConsistency). There nodes are
 * named (level, index) and rehash(begin, end) marks runs that the client
 * hashes into one node; here each element is written as the range of
 * leaves [lo, hi) whose MTH it is, e.g. for size 7, index 0 "b h l" with
 * l = hash(i, j) is [1,2) [2,4) [4,7).
 */
struct published_shape {
    uint64_t a, b; /* index and size, or old and new size */
    size_t n;
    uint64_t r[9][2];
};

static const struct published_shape shapes_inclusion[] = {
    {0, 1, 0, {{0}}},
    {0, 2, 1, {{1, 2}}},
    {1, 2, 1, {{0, 1}}},
    {1, 3, 2, {{0, 1}, {2, 3}}},
    {0, 7, 3, {{1, 2}, {2, 4}, {4, 7}}},
    {1, 7, 3, {{0, 1}, {2, 4}, {4, 7}}},
    {2, 7, 3, {{3, 4}, {0, 2}, {4, 7}}},
    {3, 7, 3, {{2, 3}, {0, 2}, {4, 7}}},
    {4, 7, 3, {{5, 6}, {6, 7}, {0, 4}}},
    {5, 7, 3, {{4, 5}, {6, 7}, {0, 4}}},
    {6, 7, 2, {{4, 6}, {0, 4}}},
    {2, 4, 2, {{3, 4}, {0, 2}}},
    {3, 5, 3, {{2, 3}, {0, 2}, {4, 5}}},
    {3, 6, 3, {{2, 3}, {0, 2}, {4, 6}}},
    {4, 6, 2, {{5, 6}, {0, 4}}},
    {10, 15, 4, {{11, 12}, {8, 10}, {12, 15}, {0, 8}}},
    {24, 31, 5, {{25, 26}, {26, 28}, {28, 31}, {16, 24}, {0, 16}}},
    {81, 95, 6, {{80, 81}, {82, 84}, {84, 88}, {88, 95}, {64, 80}, {0, 64}}},
};

static const struct published_shape shapes_consistency[] = {
    {1, 2, 1, {{1, 2}}},
    {1, 4, 2, {{1, 2}, {2, 4}}},
    {1, 6, 3, {{1, 2}, {2, 4}, {4, 6}}},
    {2, 3, 1, {{2, 3}}},
    {2, 8, 2, {{2, 4}, {4, 8}}},
    {3, 7, 4, {{2, 3}, {3, 4}, {0, 2}, {4, 7}}},
    {4, 7, 1, {{4, 7}}},
    {5, 7, 4, {{4, 5}, {5, 6}, {6, 7}, {0, 4}}},
    {6, 7, 3, {{4, 6}, {6, 7}, {0, 4}}},
    {7, 8, 4, {{6, 7}, {7, 8}, {4, 6}, {0, 4}}},
    {1, 1, 0, {{0}}},
    {2, 2, 0, {{0}}},
    {3, 3, 0, {{0}}},
    {4, 4, 0, {{0}}},
    {5, 5, 0, {{0}}},
    {7, 7, 0, {{0}}},
    {8, 8, 0, {{0}}},
    {2, 4, 1, {{2, 4}}},
    {3, 5, 4, {{2, 3}, {3, 4}, {0, 2}, {4, 5}}},
    {3, 6, 4, {{2, 3}, {3, 4}, {0, 2}, {4, 6}}},
    {4, 6, 1, {{4, 6}}},
    {1, 7, 3, {{1, 2}, {2, 4}, {4, 7}}},
    {10, 15, 4, {{8, 10}, {10, 12}, {12, 15}, {0, 8}}},
    {24, 31, 3, {{16, 24}, {24, 31}, {0, 16}}},
    {81,
     95,
     7,
     {{80, 81}, {81, 82}, {82, 84}, {84, 88}, {88, 95}, {64, 80}, {0, 64}}},
};

static void published_proof_shapes(void **state)
{
    uint8_t path[MAXP][HLEN], h[HLEN];
    size_t i, j, n, len;

    (void)state;
    tree_make(&tree, 100);
    for (i = 0; i < sizeof(shapes_inclusion) / sizeof(shapes_inclusion[0]);
         i++) {
        const struct published_shape *s = &shapes_inclusion[i];

        assert_int_equal(
            gs_merkle_inclusion_proof(s->a, s->b, tree_leaf, &tree, path, &n),
            0);
        assert_int_equal(n, s->n);
        assert_int_equal(gs_merkle_inclusion_path_len(s->a, s->b, &len), 0);
        assert_int_equal(len, s->n);
        for (j = 0; j < n; j++) {
            ref_mth(&tree, (size_t)s->r[j][0], (size_t)s->r[j][1], h);
            assert_memory_equal(path[j], h, HLEN);
        }
    }
    for (i = 0; i < sizeof(shapes_consistency) / sizeof(shapes_consistency[0]);
         i++) {
        const struct published_shape *s = &shapes_consistency[i];

        assert_int_equal(
            gs_merkle_consistency_proof(s->a, s->b, tree_leaf, &tree, path, &n),
            0);
        assert_int_equal(n, s->n);
        assert_int_equal(gs_merkle_consistency_path_len(s->a, s->b, &len), 0);
        assert_int_equal(len, s->n);
        for (j = 0; j < n; j++) {
            ref_mth(&tree, (size_t)s->r[j][0], (size_t)s->r[j][1], h);
            assert_memory_equal(path[j], h, HLEN);
        }
    }
    /* The published invalid requests. */
    assert_int_equal(
        gs_merkle_inclusion_proof(0, 0, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_inclusion_proof(1, 0, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_inclusion_proof(2, 1, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_inclusion_proof(8, 7, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_consistency_proof(5, 0, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_consistency_proof(9, 8, tree_leaf, &tree, path, &n),
        GS_ERR_INVALID);
    assert_int_equal(n, 0);
}

/* ---- against the naive reference ----------------------------------------- */

static void roots_match_reference(void **state)
{
    struct gs_merkle_frontier f, g;
    uint8_t want[HLEN], h[HLEN];
    size_t size, i;

    (void)state;
    tree_make(&tree, 300);
    gs_merkle_frontier_init(&f);
    for (size = 0; size <= 300; size++) {
        ref_mth(&tree, 0, size, want);

        tree_reset_counts(&tree, size);
        assert_int_equal(gs_merkle_root(size, tree_leaf, &tree, h), 0);
        assert_memory_equal(h, want, HLEN);
        for (i = 0; i < size; i++)
            assert_int_equal(tree.reads[i], 1);

        gs_merkle_frontier_root(&f, h);
        assert_memory_equal(h, want, HLEN);
        assert_true(f.size == size);

        tree_reset_counts(&tree, size);
        assert_int_equal(
            gs_merkle_frontier_compute(&g, size, tree_leaf, NULL, &tree), 0);
        assert_memory_equal(&g, &f, sizeof(f));

        tree_reset_counts(&tree, size);
        tree.cache = 1;
        assert_int_equal(
            gs_merkle_root_cached(size, tree_leaf, tree_node, &tree, h), 0);
        assert_memory_equal(h, want, HLEN);
        assert_int_equal(
            gs_merkle_frontier_compute(&g, size, tree_leaf, tree_node, &tree),
            0);
        assert_memory_equal(&g, &f, sizeof(f));

        if (size < 300)
            assert_int_equal(gs_merkle_frontier_append(&f, tree.hash[size]), 0);
    }
}

static void inclusion_proofs_match_reference(void **state)
{
    uint8_t path[MAXP][HLEN], want[MAXP][HLEN], root[HLEN];
    size_t n, n_want, len;
    uint64_t size, index, i;

    (void)state;
    tree_make(&tree, 70);
    for (size = 1; size <= 64; size++) {
        ref_mth(&tree, 0, (size_t)size, root);
        for (index = 0; index < size; index++) {
            n_want = 0;
            ref_path(&tree, (size_t)index, 0, (size_t)size, want, &n_want);

            tree_reset_counts(&tree, size);
            assert_int_equal(gs_merkle_inclusion_proof(index, size, tree_leaf,
                                                       &tree, path, &n),
                             0);
            assert_int_equal(n, n_want);
            assert_memory_equal(path, want, n * HLEN);
            assert_int_equal(gs_merkle_inclusion_path_len(index, size, &len),
                             0);
            assert_int_equal(len, n);
            /* Every other leaf once; the proven leaf never. */
            for (i = 0; i < size; i++)
                assert_int_equal(tree.reads[i], i == index ? 0 : 1);

            check_inclusion(index, size, tree.hash[index], path, n, root,
                            size <= 8);
        }
    }
}

static void consistency_proofs_match_reference(void **state)
{
    uint8_t path[MAXP][HLEN], want[MAXP][HLEN];
    uint8_t roots[65][HLEN];
    size_t n, n_want, len;
    uint64_t old_size, new_size, i;

    (void)state;
    tree_make(&tree, 70);
    for (new_size = 0; new_size <= 64; new_size++)
        ref_mth(&tree, 0, (size_t)new_size, roots[new_size]);
    for (new_size = 0; new_size <= 64; new_size++) {
        for (old_size = 0; old_size <= new_size; old_size++) {
            n_want = 0;
            if (old_size > 0 && old_size < new_size)
                ref_subproof(&tree, (size_t)old_size, 0, (size_t)new_size, 1,
                             want, &n_want);

            tree_reset_counts(&tree, new_size);
            assert_int_equal(gs_merkle_consistency_proof(old_size, new_size,
                                                         tree_leaf, &tree, path,
                                                         &n),
                             0);
            assert_int_equal(n, n_want);
            assert_memory_equal(path, want, n * HLEN);
            assert_int_equal(
                gs_merkle_consistency_path_len(old_size, new_size, &len), 0);
            assert_int_equal(len, n);
            for (i = 0; i < new_size; i++)
                assert_true(tree.reads[i] <= 1);

            check_consistency(old_size, new_size, roots[old_size],
                              roots[new_size], path, n, new_size <= 8);
        }
    }
}

/* Proofs across trees of up to 300 leaves: with and without a node cache,
 * spot checks against the reference. */
static void proofs_with_node_cache(void **state)
{
    uint8_t path[MAXP][HLEN], cached[MAXP][HLEN], want[MAXP][HLEN];
    uint8_t root[HLEN], old_root[HLEN];
    size_t n, nc, n_want, reads, i;
    uint64_t size, index, old_size;

    (void)state;
    tree_make(&tree, 300);
    for (size = 1; size <= 300; size += 1 + size / 8) {
        ref_mth(&tree, 0, (size_t)size, root);
        for (index = 0; index < size; index += 1 + size / 5) {
            tree_reset_counts(&tree, size);
            assert_int_equal(gs_merkle_inclusion_proof(index, size, tree_leaf,
                                                       &tree, path, &n),
                             0);
            tree_reset_counts(&tree, size);
            tree.cache = 1;
            assert_int_equal(
                gs_merkle_inclusion_proof_cached(index, size, tree_leaf,
                                                 tree_node, &tree, cached, &nc),
                0);
            assert_int_equal(nc, n);
            assert_memory_equal(cached, path, n * HLEN);
            n_want = 0;
            ref_path(&tree, (size_t)index, 0, (size_t)size, want, &n_want);
            assert_int_equal(n_want, n);
            assert_memory_equal(want, path, n * HLEN);
            /* The cache answers all left children: O(log^2) reads. */
            for (reads = 0, i = 0; i < size; i++)
                reads += tree.reads[i];
            assert_true(reads <= 9 * 9);
            assert_int_equal(
                verify_incl(index, size, tree.hash[index], path, n, root), 0);
        }
        for (old_size = 0; old_size <= size; old_size += 1 + size / 5) {
            ref_mth(&tree, 0, (size_t)old_size, old_root);
            tree_reset_counts(&tree, size);
            assert_int_equal(gs_merkle_consistency_proof(
                                 old_size, size, tree_leaf, &tree, path, &n),
                             0);
            tree_reset_counts(&tree, size);
            tree.cache = 1;
            assert_int_equal(
                gs_merkle_consistency_proof_cached(
                    old_size, size, tree_leaf, tree_node, &tree, cached, &nc),
                0);
            assert_int_equal(nc, n);
            assert_memory_equal(cached, path, n * HLEN);
            for (reads = 0, i = 0; i < size; i++)
                reads += tree.reads[i];
            assert_true(reads <= 9 * 9);
            assert_int_equal(
                verify_cons(old_size, size, old_root, root, path, n), 0);
        }
    }
}

/* ---- callbacks that fail ------------------------------------------------- */

static void callback_errors_abort(void **state)
{
    uint8_t path[MAXP][HLEN], h[HLEN], zero[MAXP][HLEN];
    struct gs_merkle_frontier f;
    size_t n;

    (void)state;
    memset(zero, 0, sizeof(zero));
    tree_make(&tree, 40);

    tree_reset_counts(&tree, 40);
    tree.fail_at = 17;
    tree.fail_code = GS_ERR_IO;
    memset(h, 0xee, HLEN);
    assert_int_equal(gs_merkle_root(40, tree_leaf, &tree, h), GS_ERR_IO);
    assert_memory_equal(h, zero, HLEN);

    n = 99;
    memset(path, 0xee, sizeof(path));
    assert_int_equal(
        gs_merkle_inclusion_proof(3, 40, tree_leaf, &tree, path, &n),
        GS_ERR_IO);
    assert_int_equal(n, 0);
    assert_memory_equal(path, zero, sizeof(path));

    tree.fail_code = GS_ERR_NOT_FOUND;
    n = 99;
    assert_int_equal(
        gs_merkle_consistency_proof(5, 40, tree_leaf, &tree, path, &n),
        GS_ERR_NOT_FOUND);
    assert_int_equal(n, 0);
    assert_memory_equal(path, zero, sizeof(path));
    /* The failing leaf is not needed here: no error. */
    assert_int_equal(
        gs_merkle_consistency_proof(5, 16, tree_leaf, &tree, path, &n), 0);

    /* A callback that breaks its contract by returning > 0. */
    tree.fail_code = 1;
    assert_int_equal(gs_merkle_root(40, tree_leaf, &tree, h), GS_ERR_STATE);
    assert_int_equal(gs_merkle_frontier_compute(&f, 40, tree_leaf, NULL, &tree),
                     GS_ERR_STATE);
    assert_true(f.size == 0);

    /* Node callback errors other than "not found" abort too. */
    tree_reset_counts(&tree, 40);
    tree.cache = 1;
    tree.fail_code = GS_ERR_IO;
    tree.node_fail_at = (uint64_t)3 << 56 | 4; /* leaves [32, 40) */
    assert_int_equal(gs_merkle_root_cached(40, tree_leaf, tree_node, &tree, h),
                     GS_ERR_IO);
    assert_int_equal(gs_merkle_inclusion_proof_cached(
                         0, 40, tree_leaf, tree_node, &tree, path, &n),
                     GS_ERR_IO);
    assert_int_equal(n, 0);
    tree.node_fail_at = UINT64_MAX;
    assert_int_equal(gs_merkle_root_cached(40, tree_leaf, tree_node, &tree, h),
                     0);
}

/* ---- hostile input to the verifiers -------------------------------------- */

static void verifiers_refuse_impossible_arguments(void **state)
{
    uint8_t h[HLEN], big[MAXP + 1][HLEN];
    size_t len;
    uint64_t max = GS_MERKLE_MAX_SIZE;

    (void)state;
    memset(h, 7, HLEN);
    memset(big, 9, sizeof(big));
    /* Sizes past the limit, indices past the end. */
    assert_int_equal(gs_merkle_verify_inclusion(0, max + 1, h, NULL, 0, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_inclusion(0, UINT64_MAX, h, NULL, 0, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_inclusion(max, max, h, NULL, 0, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_inclusion(UINT64_MAX, 5, h, NULL, 0, h),
                     GS_ERR_INVALID);
    /* n_path larger than any proof; path NULL; huge n_path with a small
     * buffer must not be read. */
    assert_int_equal(gs_merkle_verify_inclusion(
                         0, max, h, (const uint8_t(*)[HLEN])big, MAXP + 1, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_inclusion(
                         0, max, h, (const uint8_t(*)[HLEN])big, SIZE_MAX, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_inclusion(0, 2, h, NULL, 1, h),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(
                         3, max, h, h, (const uint8_t(*)[HLEN])big, SIZE_MAX),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(
                         3, max, h, h, (const uint8_t(*)[HLEN])big, MAXP + 1),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(3, 4, h, h, NULL, 3),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(0, max + 1, h, h, NULL, 0),
                     GS_ERR_INVALID);
    assert_int_equal(
        gs_merkle_verify_consistency(UINT64_MAX, UINT64_MAX, h, h, NULL, 0),
        GS_ERR_INVALID);
    assert_int_equal(gs_merkle_verify_consistency(max, max, h, h, NULL, 0), 0);

    /* The length functions at the limits: the longest proofs are 63 and 64
     * hashes (old size 3 into 2^63: 61 right siblings, then 3; 2^63 - 1
     * into 2^63: 63 left siblings, then the last old leaf). */
    assert_int_equal(gs_merkle_inclusion_path_len(max - 1, max, &len), 0);
    assert_int_equal(len, 63);
    assert_int_equal(gs_merkle_inclusion_path_len(0, max - 1, &len), 0);
    assert_int_equal(len, 63);
    assert_int_equal(gs_merkle_inclusion_path_len(0, 1, &len), 0);
    assert_int_equal(len, 0);
    assert_int_equal(gs_merkle_consistency_path_len(3, max, &len), 0);
    assert_int_equal(len, 64);
    assert_int_equal(gs_merkle_consistency_path_len(max - 1, max, &len), 0);
    assert_int_equal(len, 64);
    assert_int_equal(gs_merkle_consistency_path_len(max / 2, max, &len), 0);
    assert_int_equal(len, 1);
    assert_int_equal(gs_merkle_inclusion_path_len(0, max + 1, &len),
                     GS_ERR_INVALID);
    assert_int_equal(len, 0);
    assert_int_equal(gs_merkle_consistency_path_len(3, max + 1, &len),
                     GS_ERR_INVALID);
    assert_int_equal(gs_merkle_consistency_path_len(4, 3, &len),
                     GS_ERR_INVALID);

    /* Generators refuse the same. */
    {
        uint8_t path[MAXP][HLEN];
        size_t n = 5;

        assert_int_equal(
            gs_merkle_inclusion_proof(0, max + 1, tree_leaf, NULL, path, &n),
            GS_ERR_INVALID);
        assert_int_equal(n, 0);
        assert_int_equal(gs_merkle_consistency_proof(1, UINT64_MAX, tree_leaf,
                                                     NULL, path, &n),
                         GS_ERR_INVALID);
        assert_int_equal(gs_merkle_root(max + 1, tree_leaf, NULL, h),
                         GS_ERR_INVALID);
    }
}

/*
 * Random sizes, indices and path bytes, lengths right and wrong, in buffers
 * of exactly n_path hashes: the verifiers must refuse them all, read
 * nothing past the buffer (ASan) and return in bounded time.
 */
static void verifiers_survive_random_input(void **state)
{
    uint8_t(*path)[HLEN];
    uint8_t a[HLEN], b[HLEN];
    uint64_t x, y;
    size_t n, want, i;
    int iter, r;

    (void)state;
    for (iter = 0; iter < 20000; iter++) {
        switch (iter % 4) {
        case 0: /* anything */
            x = rng();
            y = rng();
            break;
        case 1: /* small */
            x = rng() % 70;
            y = rng() % 70;
            break;
        case 2: /* near the limit */
            x = GS_MERKLE_MAX_SIZE - rng() % 1000;
            y = GS_MERKLE_MAX_SIZE - rng() % 1000 + rng() % 3;
            break;
        default: /* powers of two and neighbours */
            x = (UINT64_C(1) << (rng() % 64)) + rng() % 3 - 1;
            y = (UINT64_C(1) << (rng() % 64)) + rng() % 3 - 1;
            break;
        }
        if (rng() % 2) {
            uint64_t t = x;

            x = y;
            y = t;
        }
        /* The right length half of the time, else anything up to 66. */
        n = rng() % 67;
        if (rng() % 2) {
            if (iter % 8 < 4 && gs_merkle_inclusion_path_len(x, y, &want) == 0)
                n = want;
            else if (gs_merkle_consistency_path_len(x, y, &want) == 0)
                n = want;
        }
        path = n ? malloc(n * HLEN) : NULL;
        for (i = 0; i < n * HLEN; i++)
            ((uint8_t *)path)[i] = (uint8_t)rng();
        for (i = 0; i < HLEN; i++) {
            a[i] = (uint8_t)rng();
            b[i] = (uint8_t)rng();
        }
        r = gs_merkle_verify_inclusion(x, y, a, (const uint8_t(*)[HLEN])path, n,
                                       b);
        assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
        r = gs_merkle_verify_consistency(x, y, a, b,
                                         (const uint8_t(*)[HLEN])path, n);
        /* Only the empty tree's consistency may hold: its root is fixed. */
        assert_true(r == GS_ERR_VERIFY || r == GS_ERR_INVALID);
        free(path);
    }
}

/* ---- trees of up to 2^63 leaves ------------------------------------------ */

/*
 * Every leaf is the same, c, except up to two special ones. The root of a
 * perfect subtree of 2^k plain leaves is then plain[k], and the node
 * callback answers for every subtree without a special leaf, so roots and
 * proofs of any size cost O(log^2) calls.
 */
struct sparse {
    uint8_t plain[64][HLEN];
    uint64_t special[2];
    uint8_t special_hash[2][HLEN];
    uint64_t limit;
    unsigned calls;
};

static struct sparse sparse;

static void sparse_init(struct sparse *s, uint64_t s0, uint64_t s1,
                        uint64_t limit)
{
    unsigned k;

    gs_merkle_leaf_hash("plain", 5, s->plain[0]);
    for (k = 1; k < 64; k++)
        gs_merkle_node_hash(s->plain[k - 1], s->plain[k - 1], s->plain[k]);
    s->special[0] = s0;
    s->special[1] = s1;
    gs_merkle_leaf_hash("special 0", 9, s->special_hash[0]);
    gs_merkle_leaf_hash("special 1", 9, s->special_hash[1]);
    s->limit = limit;
    s->calls = 0;
}

static int sparse_leaf(void *ctx, uint64_t index, uint8_t out[HLEN])
{
    struct sparse *s = ctx;

    assert_true(index < s->limit);
    s->calls++;
    if (index == s->special[0])
        memcpy(out, s->special_hash[0], HLEN);
    else if (index == s->special[1])
        memcpy(out, s->special_hash[1], HLEN);
    else
        memcpy(out, s->plain[0], HLEN);
    return 0;
}

static int sparse_node(void *ctx, unsigned level, uint64_t index,
                       uint8_t out[HLEN])
{
    struct sparse *s = ctx;
    uint64_t lo = index << level, hi = (index + 1) << level;
    int i;

    assert_true(level >= 1 && level < 64 && hi <= s->limit && lo < hi);
    s->calls++;
    for (i = 0; i < 2; i++)
        if (s->special[i] >= lo && s->special[i] < hi)
            return GS_ERR_NOT_FOUND;
    memcpy(out, s->plain[level], HLEN);
    return 0;
}

static void huge_trees(void **state)
{
    const uint64_t max = GS_MERKLE_MAX_SIZE;
    const uint64_t sizes[] = {max,
                              max - 1,
                              max / 2 + 1,
                              max - 12345,
                              max / 3,
                              (max / 2) + (max / 4) + 5,
                              UINT64_C(1) << 40,
                              (UINT64_C(1) << 40) + 3};
    uint8_t path[MAXP][HLEN], root[HLEN], old_root[HLEN];
    size_t i, n, len;
    uint64_t size, index, old_size;

    (void)state;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size = sizes[i];
        /* Inclusion of a special leaf at the start, the end, inside. */
        for (index = 0; index < 3; index++) {
            uint64_t at = index == 0 ? 0 : index == 1 ? size - 1 : size / 3;

            sparse_init(&sparse, at, UINT64_MAX, size);
            assert_int_equal(gs_merkle_root_cached(size, sparse_leaf,
                                                   sparse_node, &sparse, root),
                             0);
            assert_int_equal(
                gs_merkle_inclusion_proof_cached(
                    at, size, sparse_leaf, sparse_node, &sparse, path, &n),
                0);
            assert_true(sparse.calls < 5000);
            assert_int_equal(gs_merkle_inclusion_path_len(at, size, &len), 0);
            assert_int_equal(n, len);
            check_inclusion(at, size, sparse.special_hash[0], path, n, root, 0);
        }
        /* Consistency with a special leaf on each side of old_size. */
        for (index = 0; index < 4; index++) {
            old_size = index == 0   ? 3
                       : index == 1 ? size - 1
                       : index == 2 ? size / 2 + 1
                                    : (size / 7) | 1;
            if (old_size == 0 || old_size >= size)
                continue;
            sparse_init(&sparse, old_size - 1, old_size, size);
            sparse.limit = old_size;
            assert_int_equal(gs_merkle_root_cached(old_size, sparse_leaf,
                                                   sparse_node, &sparse,
                                                   old_root),
                             0);
            sparse.limit = size;
            assert_int_equal(gs_merkle_root_cached(size, sparse_leaf,
                                                   sparse_node, &sparse, root),
                             0);
            assert_int_equal(gs_merkle_consistency_proof_cached(
                                 old_size, size, sparse_leaf, sparse_node,
                                 &sparse, path, &n),
                             0);
            assert_int_equal(
                gs_merkle_consistency_path_len(old_size, size, &len), 0);
            assert_int_equal(n, len);
            check_consistency(old_size, size, old_root, root, path, n, 0);
        }
    }
    /* The longest proof there is: 64 hashes. */
    sparse_init(&sparse, 2, max - 1, max);
    sparse.limit = 3;
    assert_int_equal(
        gs_merkle_root_cached(3, sparse_leaf, sparse_node, &sparse, old_root),
        0);
    sparse.limit = max;
    assert_int_equal(
        gs_merkle_root_cached(max, sparse_leaf, sparse_node, &sparse, root), 0);
    assert_int_equal(gs_merkle_consistency_proof_cached(
                         3, max, sparse_leaf, sparse_node, &sparse, path, &n),
                     0);
    assert_int_equal(n, MAXP);
    check_consistency(3, max, old_root, root, path, n, 0);
}

static void frontier_at_the_limit(void **state)
{
    const uint64_t max = GS_MERKLE_MAX_SIZE;
    struct gs_merkle_frontier f, g;
    uint8_t h[HLEN], want[HLEN];
    unsigned k;

    (void)state;
    sparse_init(&sparse, UINT64_MAX, UINT64_MAX, max);
    /* A frontier of 2^63 - 1 plain leaves, built by hand: all 63 levels. */
    gs_merkle_frontier_init(&f);
    f.size = max - 1;
    for (k = 0; k < 63; k++)
        memcpy(f.hashes[k], sparse.plain[k], HLEN);
    assert_int_equal(gs_merkle_frontier_compute(&g, max - 1, sparse_leaf,
                                                sparse_node, &sparse),
                     0);
    assert_memory_equal(&g, &f, sizeof(f));
    gs_merkle_frontier_root(&f, h);
    assert_int_equal(
        gs_merkle_root_cached(max - 1, sparse_leaf, sparse_node, &sparse, want),
        0);
    assert_memory_equal(h, want, HLEN);

    /* The last leaf carries through all 63 levels. */
    assert_int_equal(gs_merkle_frontier_append(&f, sparse.plain[0]), 0);
    assert_true(f.size == max);
    gs_merkle_frontier_root(&f, h);
    assert_memory_equal(h, sparse.plain[63], HLEN);
    for (k = 0; k < 63; k++)
        assert_memory_equal(f.hashes[k], (uint8_t[HLEN]){0}, HLEN);

    /* And no further. */
    g = f;
    assert_int_equal(gs_merkle_frontier_append(&f, sparse.plain[0]),
                     GS_ERR_TOO_BIG);
    assert_memory_equal(&g, &f, sizeof(f));
    f.size = UINT64_MAX;
    assert_int_equal(gs_merkle_frontier_append(&f, sparse.plain[0]),
                     GS_ERR_TOO_BIG);
    gs_merkle_frontier_root(&f, h); /* any size is safe to read */
    assert_int_equal(gs_merkle_frontier_compute(&f, max + 1, sparse_leaf,
                                                sparse_node, &sparse),
                     GS_ERR_INVALID);
    assert_true(f.size == 0);
}

/*
 * What the verifiers cannot know, shown once: the audit path of leaf 0 in a
 * tree of 3 ([leaf 1, leaf 2]) also proves leaf 0 in a tree of 4 whose
 * right half would hash to leaf 2's hash. Sizes are trusted only together
 * with the root, from one signed tree head; consistency has the same
 * property (2 -> 3 and 2 -> 4 are both one hash).
 */
static void sizes_are_bound_by_the_tree_head(void **state)
{
    uint8_t path[MAXP][HLEN], r2[HLEN], r3[HLEN];
    size_t n;

    (void)state;
    tree_make(&tree, 4);
    ref_mth(&tree, 0, 3, r3);
    ref_mth(&tree, 0, 2, r2);
    assert_int_equal(
        gs_merkle_inclusion_proof(0, 3, tree_leaf, &tree, path, &n), 0);
    assert_int_equal(verify_incl(0, 3, tree.hash[0], path, n, r3), 0);
    assert_int_equal(verify_incl(0, 4, tree.hash[0], path, n, r3), 0);
    assert_int_equal(verify_incl(0, 5, tree.hash[0], path, n, r3),
                     GS_ERR_INVALID);
    assert_int_equal(verify_incl(1, 4, tree.hash[0], path, n, r3),
                     GS_ERR_VERIFY);
    assert_int_equal(
        gs_merkle_consistency_proof(2, 3, tree_leaf, &tree, path, &n), 0);
    assert_int_equal(verify_cons(2, 3, r2, r3, path, n), 0);
    assert_int_equal(verify_cons(2, 4, r2, r3, path, n), 0);
    assert_int_equal(verify_cons(3, 4, r2, r3, path, n), GS_ERR_INVALID);
}

static int setup(void **state)
{
    (void)state;
    /* The reference hashes with libsodium directly. */
    return sodium_init() < 0 ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_vectors_hashes_and_roots),
        cmocka_unit_test(rfc_vectors_inclusion),
        cmocka_unit_test(rfc_vectors_consistency),
        cmocka_unit_test(published_proof_shapes),
        cmocka_unit_test(roots_match_reference),
        cmocka_unit_test(inclusion_proofs_match_reference),
        cmocka_unit_test(consistency_proofs_match_reference),
        cmocka_unit_test(proofs_with_node_cache),
        cmocka_unit_test(callback_errors_abort),
        cmocka_unit_test(verifiers_refuse_impossible_arguments),
        cmocka_unit_test(verifiers_survive_random_input),
        cmocka_unit_test(huge_trees),
        cmocka_unit_test(frontier_at_the_limit),
        cmocka_unit_test(sizes_are_bound_by_the_tree_head),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
