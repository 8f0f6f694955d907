/*
 * node.h - a node directory, and the node opened from it.
 *
 * `gsomia init DIR` lays out (docs/operations.md):
 *   DIR/gsomia.conf         the configuration (node/config.h)
 *   DIR/keys/signing.key    Ed25519 seed, hex, mode 0600
 *   DIR/keys/storage.key    the key wrapping item keys, hex, mode 0600
 *   DIR/tls/ca.crt ca.key   the nation CA (key 0600)
 *   DIR/tls/node.crt node.key  the node's TLS certificate (key 0600)
 *   DIR/store.db            the store (SQLite, with -wal and -shm)
 * Keys readable by group or others are refused, as ssh does.
 *
 * An open node holds its configuration, signing key, store, audit log,
 * keyring (its own key and the partners' imported identities) and policy
 * set. It is used by one thread.
 */
#ifndef GS_NODE_NODE_H
#define GS_NODE_NODE_H

#include <jansson.h>

#include "audit/log.h"
#include "base/diag.h"
#include "item/key.h"
#include "node/config.h"
#include "policy/policy.h"
#include "store/store.h"

struct gs_node {
    char *dir;
    struct gs_config cfg;
    struct gs_signer signer; /* secret: wiped on close */
    struct gs_store *store;
    struct gs_audit *audit;
    struct gs_keyring keyring;
    struct gs_policy *policy;
};

/* Creates a node directory; refuses a DIR that exists and is not empty. */
int gs_node_init(const char *dir, const char *nation, const char *name,
                 struct gs_diag *d);
int gs_node_open(const char *dir, struct gs_node **out, struct gs_diag *d);
/* Closes n (NULL allowed), rolling back an open transaction. */
void gs_node_close(struct gs_node *n);

/* A transaction over the store and the audit log. gs_node_commit signs a
 * tree head for what was appended, then commits: on return 0 everything
 * is durable. */
int gs_node_begin(struct gs_node *n);
int gs_node_commit(struct gs_node *n);
void gs_node_rollback(struct gs_node *n);

/* Appends an audit record stamped now, inside a transaction. */
int gs_node_audit(struct gs_node *n, const struct gs_audit_record *r);

/*
 * The node's public identity, the file partners exchange out of band:
 *   {"nation", "name", "signing_key" (hex), "key_id" (hex),
 *    "ca_certificate" (PEM)}
 */
json_t *gs_node_identity(const struct gs_node *n);

struct gs_identity {
    char nation[GS_NATION_SIZE];
    char name[GS_NODE_NAME_MAX + 1];
    uint8_t pk[GS_PK_LEN];
    char *ca_pem; /* owned */
};

/* Reads and checks an identity file's JSON (the CA must be the nation's). */
int gs_identity_from_json(const struct gs_jctx *c, const json_t *v,
                          struct gs_identity *out);
void gs_identity_free(struct gs_identity *id);
/* Prints fingerprints a person can read over the phone: key and CA. */
void gs_identity_fingerprints(const struct gs_identity *id, char *key_fp,
                              size_t key_n, char *ca_fp, size_t ca_n);

/* Records a partner's identity (replacing the nation's earlier one),
 * inside a transaction; the keyring learns its key. */
int gs_node_identity_import(struct gs_node *n, const struct gs_identity *id,
                            const char *json);

#endif
