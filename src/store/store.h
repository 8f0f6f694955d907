/*
 * store.h - the node's durable memory: items, their relations and
 * releases, users, partners' identities, the audit log and its signed tree
 * heads.
 *
 * An interface with one backend today (SQLite, store_sqlite.c: WAL,
 * synchronous=FULL, secure_delete) and room for others (PostgreSQL): every
 * call goes through the ops table of the handle. Callers group calls in
 * transactions: gs_store_begin ... gs_store_commit; nothing is durable, and
 * nothing may be acknowledged to anyone, before gs_store_commit returned 0.
 *
 * Items are kept encrypted (store.c, above the backend): each item's bytes
 * under its own random key (XChaCha20-Poly1305, the item id as associated
 * data), that key wrapped by the node's storage key. Destruction erases the
 * wrapped key and the ciphertext (crypto-erase): the row stays, with its
 * labels and state, so the inventory and the audit log still account for
 * the item, but its content is gone for good.
 *
 * One handle is used by one thread at a time; the SQLite backend lets
 * several processes share the file (a running node and `gsomia` commands).
 */
#ifndef GS_STORE_STORE_H
#define GS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/time.h"
#include "policy/decide.h"
#include "policy/kind.h"
#include "policy/nation.h"

#define GS_STORAGE_KEY_LEN 32
#define GS_HASH_LEN 32

struct gs_store;

/* What is kept in clear about an item, for listing and decisions. */
struct gs_store_item {
    uint8_t id[GS_HASH_LEN];
    int64_t seq; /* order of arrival at this node, from 1 */
    enum gs_kind kind;
    char originator[GS_NATION_SIZE];
    gs_time_t created;               /* by the originator */
    gs_time_t received;              /* stored here */
    char source[GS_NATION_SIZE + 8]; /* "local", "import" or a nation */
    enum gs_item_state state;
    char *labels;  /* JSON array of the contributors' labels */
    char *marking; /* this node's marking line (Art. 4) */
    bool erased;   /* content crypto-erased */
};

void gs_store_item_free(struct gs_store_item *m);

/* How an item relates to another (copies, translations, derivations). */
enum gs_relation {
    GS_REL_COPY = 1,
    GS_REL_TRANSLATION = 2,
    GS_REL_DERIVATION = 3
};

struct gs_store_user {
    char *name;
    char *json; /* the user file (docs/formats.md) */
    gs_time_t added;
};

struct gs_store_identity {
    char nation[GS_NATION_SIZE];
    char *name;
    char *json; /* the identity file */
};

struct gs_store_record {
    uint64_t index;
    char *data; /* the canonical JSON of the record: the Merkle leaf data */
};

struct gs_tree_head {
    uint64_t size;
    uint8_t root[GS_HASH_LEN];
    gs_time_t time;
    uint8_t signature[64];
};

/* Opens (creating if needed) the SQLite store at path. storage_key is
 * copied and wiped on close. */
int gs_store_open_sqlite(const char *path,
                         const uint8_t storage_key[GS_STORAGE_KEY_LEN],
                         struct gs_store **out);
/* Closes the store; s may be NULL. An open transaction is rolled back. */
void gs_store_close(struct gs_store *s);

int gs_store_begin(struct gs_store *s);
int gs_store_commit(struct gs_store *s);
void gs_store_rollback(struct gs_store *s);

/*
 * Items. gs_store_item_put encrypts envelope and stores it with m (m->seq
 * and m->erased are ignored); GS_ERR_EXISTS if the id is already there.
 * gs_store_item_get decrypts into envelope (left empty when erased);
 * GS_ERR_NOT_FOUND for an unknown id, GS_ERR_VERIFY if the stored bytes do
 * not authenticate. m is filled when not NULL (free with
 * gs_store_item_free).
 */
int gs_store_item_put(struct gs_store *s, const struct gs_store_item *m,
                      const uint8_t *envelope, size_t len);
int gs_store_item_get(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                      struct gs_store_item *m, struct gs_buf *envelope);
/* Replaces the stored bytes of an item with a new envelope of the same id
 * (an agreement that gained a signature). */
int gs_store_item_replace(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                          const uint8_t *envelope, size_t len);
int gs_store_item_set_state(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                            enum gs_item_state state);
/* Replaces an item's labels (JSON array) and marking: the originator
 * reclassified it. */
int gs_store_item_relabel(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                          const char *labels, const char *marking);
/* Crypto-erases the content of an item; its row stays. */
int gs_store_item_erase(struct gs_store *s, const uint8_t id[GS_HASH_LEN]);

/* Items in order of arrival, after seq after; cb returns non-zero to
 * stop (that value is returned). kind < 0 lists every kind. */
typedef int (*gs_store_item_cb)(void *ctx, const struct gs_store_item *m);
int gs_store_item_list(struct gs_store *s, int kind, int64_t after,
                       gs_store_item_cb cb, void *ctx);

int gs_store_relation_add(struct gs_store *s, const uint8_t child[GS_HASH_LEN],
                          const uint8_t parent[GS_HASH_LEN],
                          enum gs_relation rel);
/* The children of parent (copies, translations, derived items). */
typedef int (*gs_store_relation_cb)(void *ctx, const uint8_t child[GS_HASH_LEN],
                                    enum gs_relation rel);
int gs_store_children(struct gs_store *s, const uint8_t parent[GS_HASH_LEN],
                      gs_store_relation_cb cb, void *ctx);

/* Releases of an item to partners (the inventory). */
int gs_store_release_add(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                         const char *nation, gs_time_t at);
typedef int (*gs_store_release_cb)(void *ctx, const char *nation, gs_time_t at);
int gs_store_releases(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                      gs_store_release_cb cb, void *ctx);

/* Users: the register of cleared people (Art. 6(e)). Put replaces. */
int gs_store_user_put(struct gs_store *s, const char *name, const char *json,
                      gs_time_t added);
int gs_store_user_get(struct gs_store *s, const char *name,
                      struct gs_store_user *out);
typedef int (*gs_store_user_cb)(void *ctx, const struct gs_store_user *u);
int gs_store_user_list(struct gs_store *s, gs_store_user_cb cb, void *ctx);
void gs_store_user_free(struct gs_store_user *u);

/* Partners' public identities. Put replaces one of the same nation. */
int gs_store_identity_put(struct gs_store *s, const char *nation,
                          const char *name, const char *json);
typedef int (*gs_store_identity_cb)(void *ctx,
                                    const struct gs_store_identity *id);
int gs_store_identity_list(struct gs_store *s, gs_store_identity_cb cb,
                           void *ctx);

/*
 * The audit log: records in order from index 0, with their leaf hashes.
 * gs_store_audit_append stores a record at the next index (returned).
 */
int gs_store_audit_append(struct gs_store *s, const char *data,
                          const uint8_t leaf_hash[GS_HASH_LEN],
                          uint64_t *index);
int gs_store_audit_size(struct gs_store *s, uint64_t *size);
int gs_store_audit_leaf(struct gs_store *s, uint64_t index,
                        uint8_t leaf_hash[GS_HASH_LEN]);
int gs_store_audit_get(struct gs_store *s, uint64_t index,
                       struct gs_store_record *out);
void gs_store_record_free(struct gs_store_record *r);
typedef int (*gs_store_record_cb)(void *ctx, const struct gs_store_record *r);
int gs_store_audit_list(struct gs_store *s, uint64_t from,
                        gs_store_record_cb cb, void *ctx);

/*
 * Cached hashes of complete subtrees of the audit tree: the subtree of
 * 2^level leaves starting at leaf index << level. They make roots and proofs
 * cost O(log n) reads (audit/merkle.h). GS_ERR_NOT_FOUND when not cached.
 */
int gs_store_audit_node_put(struct gs_store *s, unsigned level, uint64_t index,
                            const uint8_t hash[GS_HASH_LEN]);
int gs_store_audit_node_get(struct gs_store *s, unsigned level, uint64_t index,
                            uint8_t hash[GS_HASH_LEN]);

int gs_store_head_put(struct gs_store *s, const struct gs_tree_head *h);
/* The head of the largest size; GS_ERR_NOT_FOUND when none was signed. */
int gs_store_head_latest(struct gs_store *s, struct gs_tree_head *out);
typedef int (*gs_store_head_cb)(void *ctx, const struct gs_tree_head *h);
int gs_store_head_list(struct gs_store *s, gs_store_head_cb cb, void *ctx);

/*
 * Federation. Peers are the partner nations this node connects to. Each
 * peer has an outbox: items queued for it, numbered from 1 in the order
 * they were queued, never reused; acked_out is the highest number the peer
 * confirmed it stored, received_in the highest of the peer's numbers this
 * node stored.
 */
struct gs_store_peer {
    char nation[GS_NATION_SIZE];
    char *address; /* "host:port" to dial, or "" to wait for the peer */
    uint64_t next_out, acked_out, received_in;
};

int gs_store_peer_put(struct gs_store *s, const char *nation,
                      const char *address);
typedef int (*gs_store_peer_cb)(void *ctx, const struct gs_store_peer *p);
int gs_store_peer_list(struct gs_store *s, gs_store_peer_cb cb, void *ctx);
/* GS_ERR_NOT_FOUND when nation is not a peer. */
int gs_store_peer_get(struct gs_store *s, const char *nation,
                      struct gs_store_peer *out);
void gs_store_peer_free(struct gs_store_peer *p);
/* Queues item for peer; *seq gets its number. */
int gs_store_outbox_add(struct gs_store *s, const char *peer,
                        const uint8_t item[GS_HASH_LEN], uint64_t *seq);
/* Up to limit entries of peer's outbox after seq, in order. */
typedef int (*gs_store_outbox_cb)(void *ctx, uint64_t seq,
                                  const uint8_t item[GS_HASH_LEN]);
int gs_store_outbox_list(struct gs_store *s, const char *peer, uint64_t after,
                         int limit, gs_store_outbox_cb cb, void *ctx);
/* The peer stored everything up to seq: forget those entries. */
int gs_store_outbox_acked(struct gs_store *s, const char *peer, uint64_t seq);
/* This node stored the peer's items up to seq. */
int gs_store_peer_received(struct gs_store *s, const char *peer, uint64_t seq);

/* Partners' signed tree heads, as witnessed here. */
struct gs_witness {
    char nation[GS_NATION_SIZE];
    struct gs_tree_head head;
    gs_time_t received;
};
int gs_store_witness_put(struct gs_store *s, const struct gs_witness *w);
/* nation's largest head; GS_ERR_NOT_FOUND when none. */
int gs_store_witness_latest(struct gs_store *s, const char *nation,
                            struct gs_witness *out);
typedef int (*gs_store_witness_cb)(void *ctx, const struct gs_witness *w);
int gs_store_witness_list(struct gs_store *s, gs_store_witness_cb cb,
                          void *ctx);

/* Small named values of the node (schema version, audit frontier). */
int gs_store_meta_put(struct gs_store *s, const char *key, const void *value,
                      size_t len);
/* GS_ERR_NOT_FOUND when key has no value. */
int gs_store_meta_get(struct gs_store *s, const char *key,
                      struct gs_buf *value);

/*
 * Moves committed changes into the main file and truncates the write-ahead
 * log, so that erased content does not linger there (after destruction).
 * Outside a transaction.
 */
int gs_store_checkpoint(struct gs_store *s);

/*
 * A number that changes whenever another process (or another handle)
 * commits to the store: a running node checks it before each job and
 * reloads what `gsomia` commands may have changed.
 */
int gs_store_data_version(struct gs_store *s, int64_t *version);

/* The files that hold the store, for tests and operators. */
const char *gs_store_path(const struct gs_store *s);

#endif
