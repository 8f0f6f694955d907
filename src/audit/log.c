/*
 * log.c - the audit log over the store; see log.h.
 *
 * The log keeps a frontier (audit/merkle.h) in memory so that every append
 * costs O(log n) hashes, and caches the root of each subtree an append
 * completes in the store, so that after a restart, or when another process
 * appended, the frontier is rebuilt with O(log^2 n) reads and proofs cost
 * as much.
 */
#include "audit/log.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"

struct gs_audit {
    struct gs_store *store;
    const struct gs_signer *signer;
    struct gs_merkle_frontier frontier; /* of the committed log + appends */
};

static int leaf_cb(void *ctx, uint64_t index, uint8_t out[GS_HASH_LEN])
{
    return gs_store_audit_leaf(ctx, index, out);
}

static int node_cb(void *ctx, unsigned level, uint64_t index,
                   uint8_t out[GS_HASH_LEN])
{
    return gs_store_audit_node_get(ctx, level, index, out);
}

char *gs_audit_record_json(const struct gs_audit_record *r)
{
    json_t *o = json_object();
    char when[GS_TIME_STRLEN], hex[65];
    char *s;

    gs_time_format(r->time, when, sizeof(when));
    json_object_set_new(o, "time", json_string(when));
    json_object_set_new(o, "action", json_string(r->action));
    json_object_set_new(o, "actor", json_string(r->actor ? r->actor : "node"));
    if (r->item != NULL) {
        sodium_bin2hex(hex, sizeof(hex), r->item, GS_HASH_LEN);
        json_object_set_new(o, "item", json_string(hex));
    }
    if (r->peer != NULL)
        json_object_set_new(o, "peer", json_string(r->peer));
    if (r->decision != NULL)
        json_object_set_new(o, "decision", json_string(r->decision));
    if (r->reason != NULL)
        json_object_set_new(o, "reason", json_string(r->reason));
    if (r->detail != NULL)
        json_object_set_new(o, "detail", json_string(r->detail));
    /* Canonical: sorted keys, no spaces; non-ASCII stays UTF-8. */
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (s == NULL)
        abort(); /* only on out of memory or invalid UTF-8 from our code */
    return s;
}

/* Brings the frontier to the size of the log in the store. */
static int sync_frontier(struct gs_audit *a)
{
    uint64_t size;
    int rc = gs_store_audit_size(a->store, &size);

    if (rc < 0 || size == a->frontier.size)
        return rc;
    return gs_merkle_frontier_compute(&a->frontier, size, leaf_cb, node_cb,
                                      a->store);
}

int gs_audit_open(struct gs_store *s, const struct gs_signer *signer,
                  struct gs_audit **out)
{
    struct gs_audit *a = gs_calloc(1, sizeof(*a));
    int rc;

    a->store = s;
    a->signer = signer;
    gs_merkle_frontier_init(&a->frontier);
    rc = sync_frontier(a);
    if (rc < 0) {
        GS_LOG_ERROR("cannot read the audit log: %s", gs_strerror(rc));
        gs_free(a);
        *out = NULL;
        return rc;
    }
    *out = a;
    return 0;
}

void gs_audit_close(struct gs_audit *a)
{
    gs_free(a);
}

int gs_audit_append(struct gs_audit *a, const struct gs_audit_record *r,
                    uint64_t *index)
{
    uint8_t leaf[GS_HASH_LEN];
    char *data = gs_audit_record_json(r);
    uint64_t at = 0;
    unsigned level;
    int rc;

    gs_merkle_leaf_hash(data, strlen(data), leaf);
    rc = sync_frontier(a);
    if (rc == 0)
        rc = gs_store_audit_append(a->store, data, leaf, &at);
    if (rc == 0 && at != a->frontier.size)
        rc = GS_ERR_STATE; /* the store and the frontier disagree */
    if (rc == 0)
        rc = gs_merkle_frontier_append(&a->frontier, leaf);
    if (rc == 0) {
        level = (unsigned)__builtin_ctzll(a->frontier.size);
        if (level > 0)
            rc = gs_store_audit_node_put(a->store, level,
                                         (a->frontier.size >> level) - 1,
                                         a->frontier.hashes[level]);
    }
    free(data);
    if (rc == 0 && index != NULL)
        *index = at;
    return rc;
}

void gs_audit_rollback(struct gs_audit *a)
{
    /* The next append rebuilds it from what was committed. */
    gs_merkle_frontier_init(&a->frontier);
    a->frontier.size = UINT64_MAX;
}

/* The signed bytes of a head: be64 size || root || be64 time. */
static void head_message(const struct gs_tree_head *h, uint8_t out[48])
{
    int i;

    for (i = 0; i < 8; i++) {
        out[i] = (uint8_t)(h->size >> (56 - 8 * i));
        out[40 + i] = (uint8_t)((uint64_t)h->time >> (56 - 8 * i));
    }
    memcpy(out + 8, h->root, GS_HASH_LEN);
}

int gs_audit_head_verify(const struct gs_tree_head *h,
                         const uint8_t pk[GS_PK_LEN])
{
    uint8_t msg[48];

    head_message(h, msg);
    return gs_verify(pk, GS_HEAD_CONTEXT, msg, sizeof(msg), h->signature);
}

int gs_audit_sign_head(struct gs_audit *a, gs_time_t now,
                       struct gs_tree_head *out)
{
    struct gs_tree_head h, latest;
    uint8_t msg[48];
    int rc = sync_frontier(a);

    if (rc < 0)
        return rc;
    rc = gs_store_head_latest(a->store, &latest);
    if (rc == 0 && latest.size == a->frontier.size) {
        if (out != NULL)
            *out = latest;
        return 0;
    }
    if (rc < 0 && rc != GS_ERR_NOT_FOUND)
        return rc;
    memset(&h, 0, sizeof(h));
    h.size = a->frontier.size;
    gs_merkle_frontier_root(&a->frontier, h.root);
    /* Head times never go backwards, even if the clock does. */
    h.time = rc == 0 && latest.time > now ? latest.time : now;
    head_message(&h, msg);
    gs_sign(a->signer, GS_HEAD_CONTEXT, msg, sizeof(msg), h.signature);
    rc = gs_store_head_put(a->store, &h);
    if (rc == 0 && out != NULL)
        *out = h;
    return rc;
}

int gs_audit_consistency(struct gs_store *s, uint64_t old_size,
                         uint64_t new_size,
                         uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN],
                         size_t *n_path)
{
    return gs_merkle_consistency_proof_cached(old_size, new_size, leaf_cb,
                                              node_cb, s, path, n_path);
}

/* State of gs_audit_verify while it walks the records. */
struct verify {
    struct gs_store *store;
    struct gs_merkle_frontier f;
    struct gs_tree_head *heads;
    size_t n_heads, cap_heads, next_head;
    const uint8_t *pk;
    struct gs_diag *d;
    bool bad;
};

static int collect_head(void *ctx, const struct gs_tree_head *h)
{
    struct verify *v = ctx;

    if (v->n_heads == v->cap_heads) {
        v->cap_heads = v->cap_heads ? 2 * v->cap_heads : 16;
        v->heads = gs_reallocarray(v->heads, v->cap_heads, sizeof(*h));
    }
    v->heads[v->n_heads++] = *h;
    return 0;
}

/* Checks every head of the current frontier size. */
static void check_heads_at(struct verify *v)
{
    uint8_t root[GS_HASH_LEN];

    gs_merkle_frontier_root(&v->f, root);
    while (v->next_head < v->n_heads &&
           v->heads[v->next_head].size == v->f.size) {
        const struct gs_tree_head *h = &v->heads[v->next_head];

        if (gs_audit_head_verify(h, v->pk) < 0) {
            gs_diag_error(v->d, NULL,
                          "the tree head of size %llu is not "
                          "signed by this node's key",
                          (unsigned long long)h->size);
            v->bad = true;
        }
        if (sodium_memcmp(root, h->root, GS_HASH_LEN) != 0) {
            gs_diag_error(v->d, NULL,
                          "the records do not hash to the signed "
                          "root of size %llu: the log was changed after it "
                          "was signed",
                          (unsigned long long)h->size);
            v->bad = true;
        }
        v->next_head++;
    }
}

static int verify_record(void *ctx, const struct gs_store_record *r)
{
    struct verify *v = ctx;
    uint8_t leaf[GS_HASH_LEN], stored[GS_HASH_LEN];
    int rc;

    if (r->index != v->f.size) {
        gs_diag_error(v->d, NULL, "record %llu is missing",
                      (unsigned long long)v->f.size);
        v->bad = true;
        return GS_ERR_VERIFY;
    }
    gs_merkle_leaf_hash(r->data, strlen(r->data), leaf);
    rc = gs_store_audit_leaf(v->store, r->index, stored);
    if (rc < 0 || sodium_memcmp(leaf, stored, GS_HASH_LEN) != 0) {
        gs_diag_error(v->d, NULL,
                      "record %llu was changed: its bytes do not "
                      "hash to its leaf",
                      (unsigned long long)r->index);
        v->bad = true;
    }
    /* Continue with the hash of the bytes as they are, so a changed record
     * also breaks every signed root after it. */
    gs_merkle_frontier_append(&v->f, leaf);
    check_heads_at(v);
    return 0;
}

int gs_audit_verify(struct gs_store *s, const uint8_t pk[GS_PK_LEN],
                    struct gs_audit_report *rep, struct gs_diag *d)
{
    uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN];
    struct verify v;
    size_t i, n;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(rep, 0, sizeof(*rep));
    v.store = s;
    v.pk = pk;
    v.d = d;
    gs_merkle_frontier_init(&v.f);
    rc = gs_store_head_list(s, collect_head, &v);
    if (rc == 0) {
        check_heads_at(&v); /* heads of size 0 */
        rc = gs_store_audit_list(s, 0, verify_record, &v);
    }
    if (rc < 0 && rc != GS_ERR_VERIFY)
        goto out;
    if (v.next_head < v.n_heads) {
        gs_diag_error(d, NULL,
                      "a tree head of size %llu was signed, but the "
                      "log has only %llu records: records were removed",
                      (unsigned long long)v.heads[v.next_head].size,
                      (unsigned long long)v.f.size);
        v.bad = true;
    }
    for (i = 1; i < v.n_heads && !v.bad; i++) {
        const struct gs_tree_head *a = &v.heads[i - 1], *b = &v.heads[i];

        if (b->time < a->time) {
            gs_diag_error(d, NULL,
                          "the head of size %llu is older than the "
                          "head of size %llu",
                          (unsigned long long)b->size,
                          (unsigned long long)a->size);
            v.bad = true;
            break;
        }
        rc = gs_audit_consistency(s, a->size, b->size, path, &n);
        if (rc == 0)
            rc =
                gs_merkle_verify_consistency(a->size, b->size, a->root, b->root,
                                             (const uint8_t(*)[32])path, n);
        if (rc < 0) {
            gs_diag_error(d, NULL,
                          "the head of size %llu is not consistent "
                          "with the head of size %llu",
                          (unsigned long long)b->size,
                          (unsigned long long)a->size);
            v.bad = true;
        }
    }
    rep->records = v.f.size;
    rep->heads = v.n_heads;
    if (v.n_heads > 0)
        rep->latest = v.heads[v.n_heads - 1];
    rc = v.bad ? GS_ERR_VERIFY : 0;
out:
    gs_free(v.heads);
    return rc;
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char hex[2 * 64 + 1];

    sodium_bin2hex(hex, sizeof(hex), b, n);
    return json_string(hex);
}

int gs_audit_proof(struct gs_store *s, const struct gs_signer *signer,
                   uint64_t index, const struct gs_tree_head *h, json_t **out)
{
    uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN];
    struct gs_store_record r;
    json_t *o, *head, *arr;
    size_t n, i;
    int rc;

    *out = NULL;
    if (index >= h->size)
        return GS_ERR_NOT_FOUND;
    rc = gs_store_audit_get(s, index, &r);
    if (rc < 0)
        return rc;
    rc = gs_merkle_inclusion_proof_cached(index, h->size, leaf_cb, node_cb, s,
                                          path, &n);
    if (rc < 0) {
        gs_store_record_free(&r);
        return rc;
    }
    o = json_object();
    head = json_object();
    arr = json_array();
    json_object_set_new(o, "nation", json_string(signer->nation));
    json_object_set_new(o, "key_id", hex_json(signer->key_id, GS_KEY_ID_LEN));
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "record", json_string(r.data));
    json_object_set_new(head, "size", json_integer((json_int_t)h->size));
    json_object_set_new(head, "root", hex_json(h->root, GS_HASH_LEN));
    json_object_set_new(head, "time_us", json_integer(h->time));
    json_object_set_new(head, "signature",
                        hex_json(h->signature, sizeof(h->signature)));
    json_object_set_new(o, "tree_head", head);
    for (i = 0; i < n; i++)
        json_array_append_new(arr, hex_json(path[i], GS_HASH_LEN));
    json_object_set_new(o, "path", arr);
    gs_store_record_free(&r);
    *out = o;
    return 0;
}

/* Reads a hex member of exactly n bytes. */
static int hex_member(const json_t *o, const char *key, uint8_t *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    size_t len = 0;

    if (s == NULL || strlen(s) != 2 * n ||
        sodium_hex2bin(out, n, s, strlen(s), NULL, &len, NULL) != 0 || len != n)
        return GS_ERR_INVALID;
    return 0;
}

static int uint_member(const json_t *o, const char *key, uint64_t *out)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return GS_ERR_INVALID;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int gs_audit_check_proof(const json_t *proof, const uint8_t pk[GS_PK_LEN],
                         struct gs_diag *d)
{
    uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN], leaf[GS_HASH_LEN];
    const json_t *head = json_object_get(proof, "tree_head");
    const json_t *arr = json_object_get(proof, "path");
    const char *record = json_string_value(json_object_get(proof, "record"));
    struct gs_tree_head h;
    uint64_t index, size, t;
    size_t i, n;
    int rc;

    memset(&h, 0, sizeof(h));
    if (!json_is_object(head) || !json_is_array(arr) || record == NULL ||
        uint_member(proof, "index", &index) < 0 ||
        uint_member(head, "size", &size) < 0 ||
        uint_member(head, "time_us", &t) < 0 ||
        hex_member(head, "root", h.root, GS_HASH_LEN) < 0 ||
        hex_member(head, "signature", h.signature, sizeof(h.signature)) < 0 ||
        json_array_size(arr) > GS_MERKLE_MAX_PATH) {
        gs_diag_error(d, NULL,
                      "this is not an audit proof as `gsomia audit "
                      "proof` writes it");
        return GS_ERR_INVALID;
    }
    n = json_array_size(arr);
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        const char *s = json_string_value(e);
        size_t len = 0;

        if (s == NULL || strlen(s) != 2 * GS_HASH_LEN ||
            sodium_hex2bin(path[i], GS_HASH_LEN, s, strlen(s), NULL, &len,
                           NULL) != 0 ||
            len != GS_HASH_LEN) {
            gs_diag_error(d, NULL, "path element %zu is not a hash", i + 1);
            return GS_ERR_INVALID;
        }
    }
    h.size = size;
    h.time = (gs_time_t)t;
    if (gs_audit_head_verify(&h, pk) < 0) {
        gs_diag_error(d, NULL,
                      "the tree head is not signed by this identity's key");
        return GS_ERR_VERIFY;
    }
    gs_merkle_leaf_hash(record, strlen(record), leaf);
    rc = gs_merkle_verify_inclusion(index, size, leaf,
                                    (const uint8_t(*)[32])path, n, h.root);
    if (rc < 0) {
        gs_diag_error(d, NULL,
                      "record %llu is not in the signed tree of size %llu",
                      (unsigned long long)index, (unsigned long long)size);
        return GS_ERR_VERIFY;
    }
    return 0;
}
