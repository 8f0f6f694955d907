/*
 * merkle_gen - writes Merkle trees and proofs made by libgsomia as JSON
 * lines, for tests/tools/merkle_verify.py to check with its own code.
 *
 *     merkle_gen [SEED] > cases.jsonl
 *
 * Random trees of up to 260 leaves (roots with their leaves; inclusion and
 * consistency proofs), proofs in trees of up to 2^63 leaves (all leaves
 * equal but one or two, so that subtree hashes are known), and corrupted
 * copies of them all. Each line says what it is and whether it must verify
 * ("expect"): valid proofs true; corruptions false, except the few that
 * RFC 6962 cannot tell apart from a valid proof (another size of the same
 * shape, a new root after the empty tree), which are true. The program
 * checks gsomia's own verdict against "expect" and exits 1 if they differ;
 * the Python verifier then does the same with its own implementation.
 *
 * Lines:
 *   {"kind":"root","leaves":[hex...],"root":hex,"expect":bool,"what":str}
 *   {"kind":"inclusion","index":n,"size":n,"leaf_hash":hex,"path":[hex...],
 *    "root":hex,"expect":bool,"what":str}
 *   {"kind":"consistency","old_size":n,"new_size":n,"old_root":hex,
 *    "new_root":hex,"path":[hex...],"expect":bool,"what":str}
 * A test tool, not part of the library; deterministic for a given seed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/merkle.h"
#include "base/err.h"

#define HLEN GS_MERKLE_HASH_LEN
#define MAXP GS_MERKLE_MAX_PATH
#define MAX_LEAVES 260
#define LEAF_MAX 40

static uint64_t rng_state;

/* splitmix64 */
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static uint64_t below(uint64_t n)
{
    return rng() % n;
}

static unsigned long n_cases, n_mismatches;

static void print_hex(const uint8_t *p, size_t n)
{
    size_t i;

    putchar('"');
    for (i = 0; i < n; i++)
        printf("%02x", p[i]);
    putchar('"');
}

static void print_path(const uint8_t (*path)[HLEN], size_t n)
{
    size_t i;

    putchar('[');
    for (i = 0; i < n; i++) {
        if (i > 0)
            putchar(',');
        print_hex(path[i], HLEN);
    }
    putchar(']');
}

static void check_verdict(int r, int expect, const char *kind, const char *what)
{
    if ((r == 0) != (expect != 0)) {
        fprintf(stderr,
                "merkle_gen: gsomia says %s (%d) for %s case '%s', "
                "expected %s\n",
                r == 0 ? "valid" : "invalid", r, kind, what,
                expect ? "valid" : "invalid");
        n_mismatches++;
    }
}

static void emit_inclusion(uint64_t index, uint64_t size,
                           const uint8_t leaf[HLEN],
                           const uint8_t (*path)[HLEN], size_t n,
                           const uint8_t root[HLEN], int expect,
                           const char *what)
{
    int r = gs_merkle_verify_inclusion(index, size, leaf, path, n, root);

    check_verdict(r, expect, "inclusion", what);
    printf("{\"kind\":\"inclusion\",\"index\":%" PRIu64 ",\"size\":%" PRIu64
           ",\"leaf_hash\":",
           index, size);
    print_hex(leaf, HLEN);
    printf(",\"path\":");
    print_path(path, n);
    printf(",\"root\":");
    print_hex(root, HLEN);
    printf(",\"expect\":%s,\"what\":\"%s\"}\n", expect ? "true" : "false",
           what);
    n_cases++;
}

static void emit_consistency(uint64_t m, uint64_t n_size,
                             const uint8_t old_root[HLEN],
                             const uint8_t new_root[HLEN],
                             const uint8_t (*path)[HLEN], size_t n, int expect,
                             const char *what)
{
    int r =
        gs_merkle_verify_consistency(m, n_size, old_root, new_root, path, n);

    check_verdict(r, expect, "consistency", what);
    printf("{\"kind\":\"consistency\",\"old_size\":%" PRIu64
           ",\"new_size\":%" PRIu64 ",\"old_root\":",
           m, n_size);
    print_hex(old_root, HLEN);
    printf(",\"new_root\":");
    print_hex(new_root, HLEN);
    printf(",\"path\":");
    print_path(path, n);
    printf(",\"expect\":%s,\"what\":\"%s\"}\n", expect ? "true" : "false",
           what);
    n_cases++;
}

/*
 * The left/right decisions of RFC 6962's PATH and SUBPROOF recursions. Two
 * requests of the same shape are verified by the same computation, so a
 * proof for one is a proof for the other (see test_merkle.c).
 */
struct shape {
    char s[140];
    size_t n;
};

static uint64_t split_of(uint64_t n)
{
    uint64_t k = 1;

    while (k * 2 < n)
        k *= 2;
    return k;
}

static void shape_put(struct shape *sh, char c)
{
    if (sh->n + 1 < sizeof(sh->s)) {
        sh->s[sh->n++] = c;
        sh->s[sh->n] = '\0';
    }
}

static void shape_path(uint64_t m, uint64_t n, struct shape *sh)
{
    uint64_t k;

    if (n <= 1)
        return;
    k = split_of(n);
    if (m < k) {
        shape_path(m, k, sh);
        shape_put(sh, 'L');
    } else {
        shape_path(m - k, n - k, sh);
        shape_put(sh, 'R');
    }
}

static void shape_sub(uint64_t m, uint64_t n, int b, struct shape *sh)
{
    uint64_t k;

    if (m == n) {
        shape_put(sh, b ? 'E' : 'X');
        return;
    }
    k = split_of(n);
    if (m <= k) {
        shape_sub(m, k, b, sh);
        shape_put(sh, 'L');
    } else {
        shape_sub(m - k, n - k, 0, sh);
        shape_put(sh, 'R');
    }
}

static int same_inclusion_shape(uint64_t i1, uint64_t n1, uint64_t i2,
                                uint64_t n2)
{
    struct shape a = {{0}, 0}, b = {{0}, 0};

    shape_path(i1, n1, &a);
    shape_path(i2, n2, &b);
    return strcmp(a.s, b.s) == 0;
}

/* For 0 < m < n on both sides. */
static int same_consistency_shape(uint64_t m1, uint64_t n1, uint64_t m2,
                                  uint64_t n2)
{
    struct shape a = {{0}, 0}, b = {{0}, 0};

    shape_sub(m1, n1, 1, &a);
    shape_sub(m2, n2, 1, &b);
    return strcmp(a.s, b.s) == 0;
}

/* ---- leaf sources ------------------------------------------------------ */

struct tree {
    size_t n;
    uint8_t data[MAX_LEAVES][LEAF_MAX];
    size_t len[MAX_LEAVES];
    uint8_t hash[MAX_LEAVES][HLEN];
};

static struct tree tree;

static int tree_leaf(void *ctx, uint64_t index, uint8_t out[HLEN])
{
    struct tree *t = ctx;

    if (index >= t->n)
        return GS_ERR_NOT_FOUND;
    memcpy(out, t->hash[index], HLEN);
    return 0;
}

/* Leaves: a 4-byte index, so that no two are equal, then random bytes. */
static void tree_random(struct tree *t, size_t n)
{
    size_t i, j;

    t->n = n;
    for (i = 0; i < n; i++) {
        t->len[i] = 4 + (size_t)below(LEAF_MAX - 4 + 1);
        for (j = 0; j < 4; j++)
            t->data[i][j] = (uint8_t)(i >> (8 * j));
        for (j = 4; j < t->len[i]; j++)
            t->data[i][j] = (uint8_t)rng();
        gs_merkle_leaf_hash(t->data[i], t->len[i], t->hash[i]);
    }
}

/* All leaves equal but special[0..1]; see huge_trees in test_merkle.c. */
struct sparse {
    uint8_t plain[64][HLEN];
    uint64_t special[2];
    uint8_t special_hash[2][HLEN];
};

static struct sparse sparse;

static void sparse_init(struct sparse *s, uint64_t s0, uint64_t s1)
{
    unsigned k;

    gs_merkle_leaf_hash("plain", 5, s->plain[0]);
    for (k = 1; k < 64; k++)
        gs_merkle_node_hash(s->plain[k - 1], s->plain[k - 1], s->plain[k]);
    s->special[0] = s0;
    s->special[1] = s1;
    gs_merkle_leaf_hash("special 0", 9, s->special_hash[0]);
    gs_merkle_leaf_hash("special 1", 9, s->special_hash[1]);
}

static int sparse_leaf(void *ctx, uint64_t index, uint8_t out[HLEN])
{
    struct sparse *s = ctx;

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

    for (i = 0; i < 2; i++)
        if (s->special[i] >= lo && s->special[i] < hi)
            return GS_ERR_NOT_FOUND;
    memcpy(out, s->plain[level], HLEN);
    return 0;
}

/* ---- cases --------------------------------------------------------------- */

/* Stops the program when a gsomia call that must succeed fails. */
static void must(int r, const char *what)
{
    if (r < 0) {
        fprintf(stderr, "merkle_gen: %s: %s\n", what, gs_strerror(r));
        exit(1);
    }
}

static void random_hash(uint8_t h[HLEN])
{
    size_t i;

    for (i = 0; i < HLEN; i++)
        h[i] = (uint8_t)rng();
}

/* A valid inclusion proof and corrupted copies of it. */
static void inclusion_cases(uint64_t index, uint64_t size,
                            const uint8_t leaf_in[HLEN],
                            uint8_t (*path_in)[HLEN], size_t n,
                            const uint8_t root_in[HLEN])
{
    uint8_t leaf[HLEN], root[HLEN], path[MAXP + 1][HLEN];
    char what[80];
    uint64_t other;
    size_t i;
    int k;

    memcpy(leaf, leaf_in, HLEN);
    memcpy(root, root_in, HLEN);
    memcpy(path, path_in, n * HLEN);
    emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path, n, root, 1,
                   "valid");

    for (k = 0; k < 4; k++) {
        unsigned bit = (unsigned)below(256);
        uint8_t mask = (uint8_t)(1u << (bit % 8));

        switch (below(9)) {
        case 0:
            leaf[bit / 8] ^= mask;
            snprintf(what, sizeof(what), "leaf bit %u", bit);
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, what);
            leaf[bit / 8] ^= mask;
            break;
        case 1:
            root[bit / 8] ^= mask;
            snprintf(what, sizeof(what), "root bit %u", bit);
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, what);
            root[bit / 8] ^= mask;
            break;
        case 2:
            if (n == 0)
                break;
            i = (size_t)below(n);
            path[i][bit / 8] ^= mask;
            snprintf(what, sizeof(what), "path[%zu] bit %u", i, bit);
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, what);
            path[i][bit / 8] ^= mask;
            break;
        case 3:
            if (n == 0)
                break;
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path,
                           n - 1, root, 0, "truncated");
            break;
        case 4:
            random_hash(path[n]);
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path,
                           n + 1, root, 0, "extended");
            break;
        case 5:
            other = index ^ (UINT64_C(1) << below(64));
            if (other >= size)
                other = index == 0 ? index + 1 : index - 1;
            if (other >= size)
                break;
            emit_inclusion(other, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, "other index");
            break;
        case 6:
            /* Another size: fails unless it has the same shape. */
            other = index + 1 + below(size + 3);
            if (other > GS_MERKLE_MAX_SIZE || other == size)
                break;
            emit_inclusion(
                index, other, leaf, (const uint8_t(*)[HLEN])path, n, root,
                same_inclusion_shape(index, size, index, other), "other size");
            break;
        case 7:
            if (n < 2)
                break;
            i = (size_t)below(n - 1);
            /* Equal neighbours (plain subtrees of a huge tree) would make
             * the swap a no-op. */
            if (memcmp(path_in[i], path_in[i + 1], HLEN) == 0)
                break;
            memcpy(path[i], path_in[i + 1], HLEN);
            memcpy(path[i + 1], path_in[i], HLEN);
            emit_inclusion(index, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, "two elements swapped");
            memcpy(path, path_in, n * HLEN);
            break;
        default:
            /* Sizes and indices that cannot be. */
            emit_inclusion(size, size, leaf, (const uint8_t(*)[HLEN])path, n,
                           root, 0, "index = size");
            emit_inclusion(index, GS_MERKLE_MAX_SIZE + 1 + below(1000), leaf,
                           (const uint8_t(*)[HLEN])path, n, root, 0,
                           "size over the limit");
            break;
        }
    }
}

/* A valid consistency proof and corrupted copies of it. */
static void consistency_cases(uint64_t m, uint64_t n_size,
                              const uint8_t old_in[HLEN],
                              const uint8_t new_in[HLEN],
                              uint8_t (*path_in)[HLEN], size_t n)
{
    uint8_t old_root[HLEN], new_root[HLEN], path[MAXP + 1][HLEN];
    int trivial = m == 0 || m == n_size;
    char what[80];
    uint64_t other;
    size_t i;
    int k;

    memcpy(old_root, old_in, HLEN);
    memcpy(new_root, new_in, HLEN);
    memcpy(path, path_in, n * HLEN);
    emit_consistency(m, n_size, old_root, new_root,
                     (const uint8_t(*)[HLEN])path, n, 1, "valid");

    for (k = 0; k < 4; k++) {
        unsigned bit = (unsigned)below(256);
        uint8_t mask = (uint8_t)(1u << (bit % 8));

        switch (below(8)) {
        case 0:
            old_root[bit / 8] ^= mask;
            snprintf(what, sizeof(what), "old root bit %u", bit);
            emit_consistency(m, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n, 0, what);
            old_root[bit / 8] ^= mask;
            break;
        case 1:
            new_root[bit / 8] ^= mask;
            snprintf(what, sizeof(what), "new root bit %u", bit);
            /* Any tree extends the empty one. */
            emit_consistency(m, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n,
                             m == 0 && n_size > 0, what);
            new_root[bit / 8] ^= mask;
            break;
        case 2:
            if (n == 0)
                break;
            i = (size_t)below(n);
            path[i][bit / 8] ^= mask;
            snprintf(what, sizeof(what), "path[%zu] bit %u", i, bit);
            emit_consistency(m, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n, 0, what);
            path[i][bit / 8] ^= mask;
            break;
        case 3:
            if (n == 0)
                break;
            emit_consistency(m, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n - 1, 0,
                             "truncated");
            break;
        case 4:
            random_hash(path[n]);
            emit_consistency(m, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n + 1, 0,
                             "extended");
            break;
        case 5:
            if (trivial)
                break;
            emit_consistency(m, n_size, new_root, old_root,
                             (const uint8_t(*)[HLEN])path, n, 0,
                             "roots swapped");
            break;
        case 6:
            /* Another old size strictly between 0 and the new size. */
            if (trivial || n_size < 3)
                break;
            other = 1 + below(n_size - 1);
            if (other == m)
                break;
            emit_consistency(other, n_size, old_root, new_root,
                             (const uint8_t(*)[HLEN])path, n,
                             same_consistency_shape(m, n_size, other, n_size),
                             "other old size");
            break;
        default:
            /* Another new size above the old one. */
            if (trivial)
                break;
            other = m + 1 + below(n_size + 3);
            if (other > GS_MERKLE_MAX_SIZE || other == n_size)
                break;
            emit_consistency(
                m, other, old_root, new_root, (const uint8_t(*)[HLEN])path, n,
                same_consistency_shape(m, n_size, m, other), "other new size");
            break;
        }
    }
    emit_consistency(n_size + 1, n_size, old_root, new_root,
                     (const uint8_t(*)[HLEN])path, n, 0, "old after new");
}

static void random_tree_cases(void)
{
    uint8_t path[MAXP + 1][HLEN], root[HLEN], old_root[HLEN];
    uint64_t size, index, old_size;
    size_t n, i;
    int k;

    tree_random(&tree,
                (size_t)(below(5) == 0 ? below(9) : below(MAX_LEAVES + 1)));

    must(gs_merkle_root(tree.n, tree_leaf, &tree, root), "root");
    printf("{\"kind\":\"root\",\"leaves\":[");
    for (i = 0; i < tree.n; i++) {
        if (i > 0)
            putchar(',');
        print_hex(tree.data[i], tree.len[i]);
    }
    printf("],\"root\":");
    print_hex(root, HLEN);
    printf(",\"expect\":true,\"what\":\"root\"}\n");
    root[below(HLEN)] ^= (uint8_t)(1u << below(8));
    printf("{\"kind\":\"root\",\"leaves\":[");
    for (i = 0; i < tree.n; i++) {
        if (i > 0)
            putchar(',');
        print_hex(tree.data[i], tree.len[i]);
    }
    printf("],\"root\":");
    print_hex(root, HLEN);
    printf(",\"expect\":false,\"what\":\"root bit\"}\n");
    n_cases += 2;

    if (tree.n == 0)
        return;
    for (k = 0; k < 4; k++) {
        size = 1 + below(tree.n);
        index = below(size);
        must(gs_merkle_root(size, tree_leaf, &tree, root), "root");
        must(gs_merkle_inclusion_proof(index, size, tree_leaf, &tree, path, &n),
             "inclusion");
        inclusion_cases(index, size, tree.hash[index], path, n, root);
    }
    for (k = 0; k < 4; k++) {
        size = 1 + below(tree.n);
        switch (below(6)) {
        case 0:
            old_size = 0;
            break;
        case 1:
            old_size = size;
            break;
        default:
            old_size = below(size + 1);
        }
        must(gs_merkle_root(size, tree_leaf, &tree, root), "root");
        must(gs_merkle_root(old_size, tree_leaf, &tree, old_root), "root");
        must(gs_merkle_consistency_proof(old_size, size, tree_leaf, &tree, path,
                                         &n),
             "consistency");
        consistency_cases(old_size, size, old_root, root, path, n);
    }
}

static uint64_t huge_size(void)
{
    switch (below(4)) {
    case 0:
        return GS_MERKLE_MAX_SIZE - below(3);
    case 1:
        return (UINT64_C(1) << below(64)) + below(5);
    default:
        return 1 + below(GS_MERKLE_MAX_SIZE);
    }
}

static void huge_tree_cases(void)
{
    uint8_t path[MAXP + 1][HLEN], root[HLEN], old_root[HLEN];
    uint64_t size, at, old_size;
    size_t n;

    size = huge_size();
    if (size > GS_MERKLE_MAX_SIZE || size < 2)
        size = GS_MERKLE_MAX_SIZE;
    at = below(3) == 0 ? size - 1 : below(size);
    sparse_init(&sparse, at, UINT64_MAX);
    must(gs_merkle_root_cached(size, sparse_leaf, sparse_node, &sparse, root),
         "huge root");
    must(gs_merkle_inclusion_proof_cached(at, size, sparse_leaf, sparse_node,
                                          &sparse, path, &n),
         "huge inclusion");
    inclusion_cases(at, size, sparse.special_hash[0], path, n, root);

    old_size = below(4) == 0 ? size - 1 : 1 + below(size - 1);
    sparse_init(&sparse, old_size - 1, old_size + below(size - old_size));
    must(gs_merkle_root_cached(old_size, sparse_leaf, sparse_node, &sparse,
                               old_root),
         "huge root");
    must(gs_merkle_root_cached(size, sparse_leaf, sparse_node, &sparse, root),
         "huge root");
    must(gs_merkle_consistency_proof_cached(old_size, size, sparse_leaf,
                                            sparse_node, &sparse, path, &n),
         "huge consistency");
    consistency_cases(old_size, size, old_root, root, path, n);
}

int main(int argc, char **argv)
{
    int i;

    rng_state = argc > 1 ? strtoull(argv[1], NULL, 0) : 20141222u;
    for (i = 0; i < 120; i++)
        random_tree_cases();
    for (i = 0; i < 60; i++)
        huge_tree_cases();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("merkle_gen: stdout");
        return 1;
    }
    fprintf(stderr, "merkle_gen: %lu cases, %lu where gsomia disagreed\n",
            n_cases, n_mismatches);
    return n_mismatches == 0 ? 0 : 1;
}
