/*
 * store_impl.h - what a store backend implements. Private to src/store:
 * store.c holds the backend-independent part (encryption at rest) and
 * dispatches everything else through the ops table.
 */
#ifndef GS_STORE_IMPL_H
#define GS_STORE_IMPL_H

#include "store/store.h"

/* An item row as the backend keeps it: metadata and opaque blobs. */
struct gs_store_blob {
    const uint8_t *data;
    size_t len;
};

struct gs_store_ops {
    void (*close)(struct gs_store *s);
    int (*begin)(struct gs_store *s);
    int (*commit)(struct gs_store *s);
    void (*rollback)(struct gs_store *s);
    int (*checkpoint)(struct gs_store *s);
    int (*data_version)(struct gs_store *s, int64_t *version);

    /* key: the wrapped item key; box: the encrypted item. */
    int (*item_put)(struct gs_store *s, const struct gs_store_item *m,
                    struct gs_store_blob key, struct gs_store_blob box);
    /* key and box are left empty for an erased item. */
    int (*item_get)(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                    struct gs_store_item *m, struct gs_buf *key,
                    struct gs_buf *box);
    int (*item_replace)(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                        struct gs_store_blob key, struct gs_store_blob box);
    int (*item_set_state)(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                          enum gs_item_state state);
    int (*item_relabel)(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                        const char *labels, const char *marking);
    int (*item_erase)(struct gs_store *s, const uint8_t id[GS_HASH_LEN]);
    int (*item_list)(struct gs_store *s, int kind, int64_t after,
                     gs_store_item_cb cb, void *ctx);

    int (*relation_add)(struct gs_store *s, const uint8_t *child,
                        const uint8_t *parent, enum gs_relation rel);
    int (*children)(struct gs_store *s, const uint8_t *parent,
                    gs_store_relation_cb cb, void *ctx);
    int (*release_add)(struct gs_store *s, const uint8_t *id,
                       const char *nation, gs_time_t at);
    int (*releases)(struct gs_store *s, const uint8_t *id,
                    gs_store_release_cb cb, void *ctx);

    int (*user_put)(struct gs_store *s, const char *name, const char *json,
                    gs_time_t added);
    int (*user_get)(struct gs_store *s, const char *name,
                    struct gs_store_user *out);
    int (*user_list)(struct gs_store *s, gs_store_user_cb cb, void *ctx);

    int (*identity_put)(struct gs_store *s, const char *nation,
                        const char *name, const char *json);
    int (*identity_list)(struct gs_store *s, gs_store_identity_cb cb,
                         void *ctx);

    int (*audit_append)(struct gs_store *s, const char *data,
                        const uint8_t *leaf_hash, uint64_t *index);
    int (*audit_size)(struct gs_store *s, uint64_t *size);
    int (*audit_leaf)(struct gs_store *s, uint64_t index, uint8_t *leaf_hash);
    int (*audit_get)(struct gs_store *s, uint64_t index,
                     struct gs_store_record *out);
    int (*audit_list)(struct gs_store *s, uint64_t from, gs_store_record_cb cb,
                      void *ctx);

    int (*audit_node_put)(struct gs_store *s, unsigned level, uint64_t index,
                          const uint8_t *hash);
    int (*audit_node_get)(struct gs_store *s, unsigned level, uint64_t index,
                          uint8_t *hash);

    int (*head_put)(struct gs_store *s, const struct gs_tree_head *h);
    int (*head_latest)(struct gs_store *s, struct gs_tree_head *out);
    int (*head_list)(struct gs_store *s, gs_store_head_cb cb, void *ctx);

    int (*peer_put)(struct gs_store *s, const char *nation,
                    const char *address);
    int (*peer_list)(struct gs_store *s, gs_store_peer_cb cb, void *ctx);
    int (*peer_get)(struct gs_store *s, const char *nation,
                    struct gs_store_peer *out);
    int (*outbox_add)(struct gs_store *s, const char *peer, const uint8_t *item,
                      uint64_t *seq);
    int (*outbox_list)(struct gs_store *s, const char *peer, uint64_t after,
                       int limit, gs_store_outbox_cb cb, void *ctx);
    int (*outbox_acked)(struct gs_store *s, const char *peer, uint64_t seq);
    int (*peer_received)(struct gs_store *s, const char *peer, uint64_t seq);
    int (*witness_put)(struct gs_store *s, const struct gs_witness *w);
    int (*witness_latest)(struct gs_store *s, const char *nation,
                          struct gs_witness *out);
    int (*witness_list)(struct gs_store *s, gs_store_witness_cb cb, void *ctx);

    int (*meta_put)(struct gs_store *s, const char *key, const void *value,
                    size_t len);
    int (*meta_get)(struct gs_store *s, const char *key, struct gs_buf *out);
};

/* The common head of every backend's handle. */
struct gs_store {
    const struct gs_store_ops *ops;
    uint8_t storage_key[GS_STORAGE_KEY_LEN]; /* secret */
    char *path;
};

#endif
