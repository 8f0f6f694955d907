/*
 * merkle.h - the Merkle tree of the audit log: RFC 6962 hashing, roots,
 * inclusion and consistency proofs and their verification, and the compact
 * "frontier" that lets the log compute its root at every append.
 *
 * The tree is the one of RFC 6962 §2.1 (restated in RFC 9162 §2.1): the
 * leaves d(0) .. d(n-1) are audit records; MTH({}) is SHA-256 of the empty
 * string, MTH({d(0)}) = SHA-256(0x00 || d(0)), and for n > 1, with k the
 * largest power of two smaller than n,
 *     MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
 * Proofs are lists of 32-byte hashes in the order of the RFC (the audit path
 * from the leaf's sibling up to the child of the root).
 *
 * Purity: no I/O, no allocation, no logging, no global state apart from
 * libsodium's one-time initialisation (below). Leaf hashes come from the
 * caller through gs_merkle_leaf_fn; the audit store keeps them (and may keep
 * subtree hashes, see gs_merkle_node_fn) in SQLite. Failures are returned,
 * not logged: the caller knows which peer or which request to name.
 *
 * Untrusted input: the gs_merkle_verify_* functions take sizes, indices and
 * paths that partners send over the network. They accept any values: tree
 * sizes above GS_MERKLE_MAX_SIZE, indices outside the tree, paths of the
 * wrong length and n_path above GS_MERKLE_MAX_PATH are refused with
 * GS_ERR_INVALID before anything is read, and the work done is at most
 * two hash computations per path element (2 * GS_MERKLE_MAX_PATH). They
 * never read past path[n_path - 1].
 *
 * libsodium: SHA-256 is libsodium's crypto_hash_sha256. Every function here
 * that hashes calls sodium_init() itself the first time (thread-safely;
 * sodium_init is idempotent and may also be called by the program), so the
 * caller need not. If libsodium cannot initialise, the process aborts, as on
 * running out of memory.
 *
 * Threads: every function is reentrant. A struct gs_merkle_frontier has no
 * lock; the one thread that appends to the log owns it.
 */
#ifndef GS_AUDIT_MERKLE_H
#define GS_AUDIT_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define GS_MERKLE_HASH_LEN 32
/* The most hashes a proof or a frontier holds. */
#define GS_MERKLE_MAX_PATH 64
/*
 * The largest tree size accepted: 2^63 leaves. Up to this size every
 * inclusion and consistency proof has at most GS_MERKLE_MAX_PATH hashes (a
 * consistency proof into a larger tree can need 65).
 */
#define GS_MERKLE_MAX_SIZE (UINT64_C(1) << 63)

/* RFC 6962 §2.1: SHA-256(0x00 || data). data may be NULL when len is 0. */
void gs_merkle_leaf_hash(const void *data, size_t len,
                         uint8_t out[GS_MERKLE_HASH_LEN]);
/* RFC 6962 §2.1: SHA-256(0x01 || left || right). out may alias either. */
void gs_merkle_node_hash(const uint8_t left[GS_MERKLE_HASH_LEN],
                         const uint8_t right[GS_MERKLE_HASH_LEN],
                         uint8_t out[GS_MERKLE_HASH_LEN]);
/* The root of the empty tree: SHA-256 of the empty string (e3b0c442...). */
void gs_merkle_empty_root(uint8_t out[GS_MERKLE_HASH_LEN]);

/*
 * Reads the hash of leaf index (index < the tree size asked about) into out.
 * Returns 0, or a negative GS_ERR_* that aborts the computation: the gs_merkle
 * function then returns that same value (a positive value, which breaks this
 * contract, is returned as GS_ERR_STATE).
 */
typedef int (*gs_merkle_leaf_fn)(void *ctx, uint64_t index,
                                 uint8_t out[GS_MERKLE_HASH_LEN]);

/*
 * Optional cache of perfect subtrees: reads the root of the subtree of the
 * 2^level leaves [index << level, (index + 1) << level), level 1..63, into
 * out. Returns 0; GS_ERR_NOT_FOUND when it does not have that hash, and the
 * library then computes it from the subtree's two halves (asking again for
 * each); any other negative GS_ERR_* aborts as for gs_merkle_leaf_fn.
 *
 * Only complete subtrees are ever asked for (the whole range lies inside the
 * tree size of the request), and in an append-only log a complete subtree
 * never changes, so a cache entry never goes stale. A natural way to fill
 * it: after gs_merkle_frontier_append() makes the size s, the subtree at
 * level L = (number of trailing zero bits of s), index (s >> L) - 1, has
 * just been completed and its root is f->hashes[L]. Caching those (all
 * subtrees with an even index) bounds every computation below by
 * O(log^2 size) callback calls. The library trusts the cache: a wrong hash
 * there gives roots and proofs that verifiers will reject.
 */
typedef int (*gs_merkle_node_fn)(void *ctx, unsigned level, uint64_t index,
                                 uint8_t out[GS_MERKLE_HASH_LEN]);

/*
 * MTH(D[0:size]) into out. size 0 gives the empty root without any callback.
 * Cost: size leaf reads and size - 1 node hashes; with a node cache,
 * O(log^2 size) calls. Returns 0; GS_ERR_INVALID (out zeroed) when size >
 * GS_MERKLE_MAX_SIZE; a callback's error (out zeroed).
 */
int gs_merkle_root(uint64_t size, gs_merkle_leaf_fn leaf, void *ctx,
                   uint8_t out[GS_MERKLE_HASH_LEN]);
/* gs_merkle_root with an optional node cache (node may be NULL). */
int gs_merkle_root_cached(uint64_t size, gs_merkle_leaf_fn leaf,
                          gs_merkle_node_fn node, void *ctx,
                          uint8_t out[GS_MERKLE_HASH_LEN]);

/*
 * The audit path PATH(index, D[0:size]) of RFC 6962 §2.1.1: the leaf's
 * sibling first, the child of the root last. path must have room for
 * GS_MERKLE_MAX_PATH hashes; *n_path gets the count (0 for a tree of one
 * leaf). Cost: size - 1 leaf reads (each leaf other than index, once); with
 * a node cache, O(log^2 size) calls. The caller must bound size by its own
 * log's size before calling: without a cache the cost is linear in it.
 *
 * Returns 0; GS_ERR_INVALID when size > GS_MERKLE_MAX_SIZE or index >= size;
 * a callback's error. On error *n_path is 0 and path is zeroed.
 */
int gs_merkle_inclusion_proof(uint64_t index, uint64_t size,
                              gs_merkle_leaf_fn leaf, void *ctx,
                              uint8_t path[][GS_MERKLE_HASH_LEN],
                              size_t *n_path);
int gs_merkle_inclusion_proof_cached(uint64_t index, uint64_t size,
                                     gs_merkle_leaf_fn leaf,
                                     gs_merkle_node_fn node, void *ctx,
                                     uint8_t path[][GS_MERKLE_HASH_LEN],
                                     size_t *n_path);

/*
 * The number of hashes in the audit path of index in a tree of size leaves,
 * into *len. Returns 0, or GS_ERR_INVALID (*len = 0) for index >= size or
 * size > GS_MERKLE_MAX_SIZE. A peer can check a proof's length with this
 * before reading it.
 */
int gs_merkle_inclusion_path_len(uint64_t index, uint64_t size, size_t *len);

/*
 * Returns 0 when leaf_hash is the hash of leaf index in the tree of size
 * leaves whose root is root, as proven by path (the RFC 9162 §2.1.3.2
 * algorithm); GS_ERR_VERIFY when the hashes do not lead to root;
 * GS_ERR_INVALID for arguments no proof can have: size 0 or above
 * GS_MERKLE_MAX_SIZE, index >= size, n_path other than the length the sizes
 * require (gs_merkle_inclusion_path_len), path NULL with n_path > 0.
 * Reads path[0 .. n_path-1] only, and only once those checks passed.
 */
int gs_merkle_verify_inclusion(uint64_t index, uint64_t size,
                               const uint8_t leaf_hash[GS_MERKLE_HASH_LEN],
                               const uint8_t path[][GS_MERKLE_HASH_LEN],
                               size_t n_path,
                               const uint8_t root[GS_MERKLE_HASH_LEN]);

/*
 * The consistency proof PROOF(old_size, D[0:new_size]) of RFC 6962 §2.1.2
 * (SUBPROOF with b = true): empty when old_size is 0 or equal to new_size.
 * path must have room for GS_MERKLE_MAX_PATH hashes; *n_path gets the count.
 * Cost: at most new_size leaf reads (each leaf at most once); with a node
 * cache, O(log^2 new_size) calls. Bound new_size by the log's own size first.
 *
 * Returns 0; GS_ERR_INVALID when old_size > new_size or new_size >
 * GS_MERKLE_MAX_SIZE; a callback's error. On error *n_path is 0 and path is
 * zeroed.
 */
int gs_merkle_consistency_proof(uint64_t old_size, uint64_t new_size,
                                gs_merkle_leaf_fn leaf, void *ctx,
                                uint8_t path[][GS_MERKLE_HASH_LEN],
                                size_t *n_path);
int gs_merkle_consistency_proof_cached(uint64_t old_size, uint64_t new_size,
                                       gs_merkle_leaf_fn leaf,
                                       gs_merkle_node_fn node, void *ctx,
                                       uint8_t path[][GS_MERKLE_HASH_LEN],
                                       size_t *n_path);

/*
 * The number of hashes in the consistency proof between old_size and
 * new_size, into *len. Returns 0, or GS_ERR_INVALID (*len = 0) when old_size
 * > new_size or new_size > GS_MERKLE_MAX_SIZE.
 */
int gs_merkle_consistency_path_len(uint64_t old_size, uint64_t new_size,
                                   size_t *len);

/*
 * Returns 0 when the tree of old_size leaves with root old_root is a prefix
 * of the tree of new_size leaves with root new_root, as proven by path (the
 * RFC 9162 §2.1.4.2 algorithm); GS_ERR_VERIFY when the hashes disagree;
 * GS_ERR_INVALID for arguments no proof can have: old_size > new_size,
 * new_size > GS_MERKLE_MAX_SIZE, n_path other than the length the sizes
 * require (gs_merkle_consistency_path_len), path NULL with n_path > 0.
 *
 * The trivial cases take an empty path and still check the roots: for
 * old_size == new_size the roots must be equal; for old_size 0, old_root must
 * be the empty root, and new_root is then unconstrained (every tree extends
 * the empty one) unless new_size is 0 too. Reads path[0 .. n_path-1] only,
 * after those checks.
 */
int gs_merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                                 const uint8_t old_root[GS_MERKLE_HASH_LEN],
                                 const uint8_t new_root[GS_MERKLE_HASH_LEN],
                                 const uint8_t path[][GS_MERKLE_HASH_LEN],
                                 size_t n_path);

/*
 * A compact range ("frontier"): the roots of the perfect subtrees that cover
 * the leaves [0, size), one for each bit set in size. hashes[k] is the root
 * of the subtree of 2^k leaves in it, meaningful only when bit k of size is
 * set (the others are zero after gs_merkle_frontier_* calls); the subtree
 * for the highest bit starts at leaf 0, each lower one right after the one
 * above it. Appending and taking the root cost O(log size) hashes and no
 * callback, so the log can compute its root at every append.
 *
 * A plain struct the caller owns (2 KiB + 8 bytes); copy it freely. To
 * rebuild it after a restart use gs_merkle_frontier_compute().
 */
struct gs_merkle_frontier {
    uint64_t size;
    uint8_t hashes[GS_MERKLE_MAX_PATH][GS_MERKLE_HASH_LEN];
};

/* The frontier of the empty tree. */
void gs_merkle_frontier_init(struct gs_merkle_frontier *f);
/*
 * Appends the leaf with hash leaf_hash (already gs_merkle_leaf_hash'ed).
 * Returns 0, or GS_ERR_TOO_BIG (f unchanged) when f->size is already
 * GS_MERKLE_MAX_SIZE or more.
 */
int gs_merkle_frontier_append(struct gs_merkle_frontier *f,
                              const uint8_t leaf_hash[GS_MERKLE_HASH_LEN]);
/*
 * MTH of the f->size leaves into out; the empty root for size 0. Reads only
 * f->hashes[k] for the bits k set in f->size, so any size is safe, though
 * only sizes up to GS_MERKLE_MAX_SIZE are ever built here.
 */
void gs_merkle_frontier_root(const struct gs_merkle_frontier *f,
                             uint8_t out[GS_MERKLE_HASH_LEN]);
/*
 * Sets f to the frontier of the first size leaves, read through the
 * callbacks (node may be NULL): one perfect subtree per bit of size, so
 * size leaf reads without a cache, O(log^2 size) calls with one. Returns 0;
 * GS_ERR_INVALID for size > GS_MERKLE_MAX_SIZE; a callback's error. On error
 * f is the empty frontier.
 */
int gs_merkle_frontier_compute(struct gs_merkle_frontier *f, uint64_t size,
                               gs_merkle_leaf_fn leaf, gs_merkle_node_fn node,
                               void *ctx);

#endif
