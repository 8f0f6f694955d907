/*
 * store.c - the backend-independent part of the store: encryption of items
 * at rest, and dispatch to the backend (store.h, store_impl.h).
 *
 * An item is sealed as XChaCha20-Poly1305(item key, nonce, envelope,
 * ad = item id) and its key as XChaCha20-Poly1305(storage key, nonce, item
 * key, ad = item id); each blob is nonce || ciphertext. Binding both to the
 * id means a blob moved to another row does not decrypt.
 */
#include "store/store_impl.h"

#include <sodium.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define KEYLEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES

void gs_store_item_free(struct gs_store_item *m)
{
    if (m == NULL)
        return;
    gs_free(m->labels);
    gs_free(m->marking);
    m->labels = NULL;
    m->marking = NULL;
}

void gs_store_user_free(struct gs_store_user *u)
{
    gs_free(u->name);
    gs_free(u->json);
    u->name = NULL;
    u->json = NULL;
}

void gs_store_record_free(struct gs_store_record *r)
{
    gs_free(r->data);
    r->data = NULL;
}

void gs_store_close(struct gs_store *s)
{
    if (s != NULL)
        s->ops->close(s);
}

int gs_store_begin(struct gs_store *s)
{
    return s->ops->begin(s);
}

int gs_store_commit(struct gs_store *s)
{
    return s->ops->commit(s);
}

void gs_store_rollback(struct gs_store *s)
{
    s->ops->rollback(s);
}

/* nonce || AEAD(key, nonce, msg, ad = id), into a new buffer. */
static uint8_t *seal(const uint8_t *key, const uint8_t *msg, size_t len,
                     const uint8_t id[GS_HASH_LEN], size_t *out_len)
{
    uint8_t *box = gs_malloc(NONCE + len + TAG);
    unsigned long long clen;

    randombytes_buf(box, NONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE, &clen, msg, len, id,
                                               GS_HASH_LEN, NULL, box, key);
    *out_len = NONCE + (size_t)clen;
    return box;
}

/* Opens a box made by seal into out; GS_ERR_VERIFY when it does not
 * authenticate. */
static int open_box(const uint8_t *key, const uint8_t *box, size_t len,
                    const uint8_t id[GS_HASH_LEN], uint8_t *out,
                    size_t *out_len)
{
    unsigned long long mlen;

    if (len < NONCE + TAG)
        return GS_ERR_VERIFY;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
                                                   box + NONCE, len - NONCE, id,
                                                   GS_HASH_LEN, box, key) != 0)
        return GS_ERR_VERIFY;
    *out_len = (size_t)mlen;
    return 0;
}

/* Encrypts envelope under a new item key, and that key under the storage
 * key; then hands both blobs to put (a backend's item_put or
 * item_replace). */
static int encrypt_and(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                       const uint8_t *envelope, size_t len,
                       const struct gs_store_item *m, bool replace)
{
    uint8_t item_key[KEYLEN];
    uint8_t *wrapped, *box;
    size_t wrapped_len, box_len;
    struct gs_store_blob k, b;
    int rc;

    crypto_aead_xchacha20poly1305_ietf_keygen(item_key);
    box = seal(item_key, envelope, len, id, &box_len);
    wrapped = seal(s->storage_key, item_key, KEYLEN, id, &wrapped_len);
    sodium_memzero(item_key, sizeof(item_key));
    k = (struct gs_store_blob){wrapped, wrapped_len};
    b = (struct gs_store_blob){box, box_len};
    rc = replace ? s->ops->item_replace(s, id, k, b)
                 : s->ops->item_put(s, m, k, b);
    gs_free(wrapped);
    gs_free(box);
    return rc;
}

int gs_store_item_put(struct gs_store *s, const struct gs_store_item *m,
                      const uint8_t *envelope, size_t len)
{
    return encrypt_and(s, m->id, envelope, len, m, false);
}

int gs_store_item_replace(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                          const uint8_t *envelope, size_t len)
{
    return encrypt_and(s, id, envelope, len, NULL, true);
}

int gs_store_item_get(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                      struct gs_store_item *m, struct gs_buf *envelope)
{
    struct gs_store_item local;
    struct gs_buf key, box;
    uint8_t item_key[KEYLEN];
    size_t n;
    int rc;

    memset(&local, 0, sizeof(local));
    gs_buf_init(&key, 1024);
    gs_buf_init(&box, SIZE_MAX);
    rc = s->ops->item_get(s, id, m != NULL ? m : &local, &key, &box);
    if (rc < 0 || envelope == NULL || box.len == 0)
        goto out;
    rc = open_box(s->storage_key, key.data, key.len, id, item_key, &n);
    if (rc == 0 && n != KEYLEN)
        rc = GS_ERR_VERIFY;
    if (rc == 0) {
        uint8_t *plain = gs_malloc(box.len);

        rc = open_box(item_key, box.data, box.len, id, plain, &n);
        if (rc == 0)
            rc = gs_buf_append(envelope, plain, n);
        sodium_memzero(plain, box.len);
        gs_free(plain);
    }
    sodium_memzero(item_key, sizeof(item_key));
    if (rc == GS_ERR_VERIFY)
        GS_LOG_ERROR("stored item does not authenticate: the database was "
                     "changed outside gsomia, or the storage key is wrong");
out:
    gs_store_item_free(&local);
    gs_buf_free_secret(&key);
    gs_buf_free(&box);
    return rc;
}

int gs_store_item_set_state(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                            enum gs_item_state state)
{
    return s->ops->item_set_state(s, id, state);
}

int gs_store_item_relabel(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                          const char *labels, const char *marking)
{
    return s->ops->item_relabel(s, id, labels, marking);
}

int gs_store_item_erase(struct gs_store *s, const uint8_t id[GS_HASH_LEN])
{
    return s->ops->item_erase(s, id);
}

int gs_store_item_list(struct gs_store *s, int kind, int64_t after,
                       gs_store_item_cb cb, void *ctx)
{
    return s->ops->item_list(s, kind, after, cb, ctx);
}

int gs_store_relation_add(struct gs_store *s, const uint8_t child[GS_HASH_LEN],
                          const uint8_t parent[GS_HASH_LEN],
                          enum gs_relation rel)
{
    return s->ops->relation_add(s, child, parent, rel);
}

int gs_store_children(struct gs_store *s, const uint8_t parent[GS_HASH_LEN],
                      gs_store_relation_cb cb, void *ctx)
{
    return s->ops->children(s, parent, cb, ctx);
}

int gs_store_release_add(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                         const char *nation, gs_time_t at)
{
    return s->ops->release_add(s, id, nation, at);
}

int gs_store_releases(struct gs_store *s, const uint8_t id[GS_HASH_LEN],
                      gs_store_release_cb cb, void *ctx)
{
    return s->ops->releases(s, id, cb, ctx);
}

int gs_store_user_put(struct gs_store *s, const char *name, const char *json,
                      gs_time_t added)
{
    return s->ops->user_put(s, name, json, added);
}

int gs_store_user_get(struct gs_store *s, const char *name,
                      struct gs_store_user *out)
{
    return s->ops->user_get(s, name, out);
}

int gs_store_user_list(struct gs_store *s, gs_store_user_cb cb, void *ctx)
{
    return s->ops->user_list(s, cb, ctx);
}

int gs_store_identity_put(struct gs_store *s, const char *nation,
                          const char *name, const char *json)
{
    return s->ops->identity_put(s, nation, name, json);
}

int gs_store_identity_list(struct gs_store *s, gs_store_identity_cb cb,
                           void *ctx)
{
    return s->ops->identity_list(s, cb, ctx);
}

int gs_store_audit_append(struct gs_store *s, const char *data,
                          const uint8_t leaf_hash[GS_HASH_LEN], uint64_t *index)
{
    return s->ops->audit_append(s, data, leaf_hash, index);
}

int gs_store_audit_size(struct gs_store *s, uint64_t *size)
{
    return s->ops->audit_size(s, size);
}

int gs_store_audit_leaf(struct gs_store *s, uint64_t index,
                        uint8_t leaf_hash[GS_HASH_LEN])
{
    return s->ops->audit_leaf(s, index, leaf_hash);
}

int gs_store_audit_get(struct gs_store *s, uint64_t index,
                       struct gs_store_record *out)
{
    return s->ops->audit_get(s, index, out);
}

int gs_store_audit_list(struct gs_store *s, uint64_t from,
                        gs_store_record_cb cb, void *ctx)
{
    return s->ops->audit_list(s, from, cb, ctx);
}

int gs_store_audit_node_put(struct gs_store *s, unsigned level, uint64_t index,
                            const uint8_t hash[GS_HASH_LEN])
{
    return s->ops->audit_node_put(s, level, index, hash);
}

int gs_store_audit_node_get(struct gs_store *s, unsigned level, uint64_t index,
                            uint8_t hash[GS_HASH_LEN])
{
    return s->ops->audit_node_get(s, level, index, hash);
}

int gs_store_head_put(struct gs_store *s, const struct gs_tree_head *h)
{
    return s->ops->head_put(s, h);
}

int gs_store_head_latest(struct gs_store *s, struct gs_tree_head *out)
{
    return s->ops->head_latest(s, out);
}

int gs_store_head_list(struct gs_store *s, gs_store_head_cb cb, void *ctx)
{
    return s->ops->head_list(s, cb, ctx);
}

void gs_store_peer_free(struct gs_store_peer *p)
{
    gs_free(p->address);
    p->address = NULL;
}

int gs_store_peer_put(struct gs_store *s, const char *nation,
                      const char *address)
{
    return s->ops->peer_put(s, nation, address);
}

int gs_store_peer_list(struct gs_store *s, gs_store_peer_cb cb, void *ctx)
{
    return s->ops->peer_list(s, cb, ctx);
}

int gs_store_peer_get(struct gs_store *s, const char *nation,
                      struct gs_store_peer *out)
{
    return s->ops->peer_get(s, nation, out);
}

int gs_store_outbox_add(struct gs_store *s, const char *peer,
                        const uint8_t item[GS_HASH_LEN], uint64_t *seq)
{
    return s->ops->outbox_add(s, peer, item, seq);
}

int gs_store_outbox_list(struct gs_store *s, const char *peer, uint64_t after,
                         int limit, gs_store_outbox_cb cb, void *ctx)
{
    return s->ops->outbox_list(s, peer, after, limit, cb, ctx);
}

int gs_store_outbox_acked(struct gs_store *s, const char *peer, uint64_t seq)
{
    return s->ops->outbox_acked(s, peer, seq);
}

int gs_store_peer_received(struct gs_store *s, const char *peer, uint64_t seq)
{
    return s->ops->peer_received(s, peer, seq);
}

int gs_store_witness_put(struct gs_store *s, const struct gs_witness *w)
{
    return s->ops->witness_put(s, w);
}

int gs_store_witness_latest(struct gs_store *s, const char *nation,
                            struct gs_witness *out)
{
    return s->ops->witness_latest(s, nation, out);
}

int gs_store_witness_list(struct gs_store *s, gs_store_witness_cb cb, void *ctx)
{
    return s->ops->witness_list(s, cb, ctx);
}

int gs_store_meta_put(struct gs_store *s, const char *key, const void *value,
                      size_t len)
{
    return s->ops->meta_put(s, key, value, len);
}

int gs_store_meta_get(struct gs_store *s, const char *key, struct gs_buf *value)
{
    return s->ops->meta_get(s, key, value);
}

int gs_store_checkpoint(struct gs_store *s)
{
    return s->ops->checkpoint(s);
}

int gs_store_data_version(struct gs_store *s, int64_t *version)
{
    return s->ops->data_version(s, version);
}

const char *gs_store_path(const struct gs_store *s)
{
    return s->path;
}
