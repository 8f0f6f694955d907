/*
 * log.h - the audit log: every receipt, access, release, copy, translation,
 * reclassification, destruction, failed verification and suspected
 * compromise, as a tamper-evident record that a partner can verify.
 *
 * A record is a small JSON object in canonical form (keys sorted, no
 * spaces), and those exact bytes are a leaf of an RFC 6962 Merkle tree
 * (audit/merkle.h). The node signs tree heads — size, root and time — with
 * its Ed25519 key; a partner holding only the node's public identity can
 * check that a record is in a signed head (an inclusion proof) and that a
 * later head extends an earlier one (a consistency proof).
 *
 * Records are appended inside the store transaction of the action they
 * record, so an action and its record are durable together or not at all.
 * One appender per store at a time (the store's write lock serialises
 * processes); a gs_audit follows records appended by other processes.
 */
#ifndef GS_AUDIT_LOG_H
#define GS_AUDIT_LOG_H

#include <jansson.h>
#include <stdint.h>

#include "audit/merkle.h"
#include "base/diag.h"
#include "item/key.h"
#include "store/store.h"

/* The signature context of tree heads. */
#define GS_HEAD_CONTEXT "gsomia tree head v1"

/* What happened. Strings, not an enum: they are read by people and by
 * partners' tools, and new ones must not renumber old ones. */
#define GS_AUDIT_CREATE "create"   /* an item made here */
#define GS_AUDIT_RECEIPT "receipt" /* an item received or imported */
#define GS_AUDIT_ACCESS "access"   /* a read, allowed or denied */
#define GS_AUDIT_RELEASE "release" /* sent to a partner, or denied */
#define GS_AUDIT_COPY "copy"
#define GS_AUDIT_TRANSLATION "translation"
#define GS_AUDIT_RECLASSIFICATION "reclassification"
#define GS_AUDIT_DESTRUCTION "destruction"
#define GS_AUDIT_RETRACTION "retraction"
#define GS_AUDIT_VERIFY_FAILED "verification-failed"
#define GS_AUDIT_COMPROMISE "suspected-compromise"
#define GS_AUDIT_USER "user"             /* the register of cleared people */
#define GS_AUDIT_IDENTITY "identity"     /* a partner's identity imported */
#define GS_AUDIT_COSIGN "co-signature"   /* an agreement signed by a party */
#define GS_AUDIT_CONNECTION "connection" /* a peer connection refused */
#define GS_AUDIT_WITNESS "witness"       /* a partner's tree head checked */
#define GS_AUDIT_DERIVATIVE                                                    \
    "derivative" /* a public derivative (civil warning) made from an item */

struct gs_audit_record {
    gs_time_t time;
    const char *action;   /* GS_AUDIT_* */
    const char *actor;    /* a user's name, "node", or a nation */
    const uint8_t *item;  /* the item concerned, or NULL */
    const char *peer;     /* the partner nation involved, or NULL */
    const char *decision; /* "allow", "deny", or NULL */
    const char *reason;   /* a reason code (policy/decide.h), or NULL */
    const char *detail;   /* a sentence, or NULL */
};

/* The canonical JSON of r (a new string the caller frees with free()). */
char *gs_audit_record_json(const struct gs_audit_record *r);

struct gs_audit;

/* Opens the log of s; heads are signed with signer (borrowed: it must
 * outlive the log). */
int gs_audit_open(struct gs_store *s, const struct gs_signer *signer,
                  struct gs_audit **out);
void gs_audit_close(struct gs_audit *a);

/* Appends r; inside a store transaction. *index (may be NULL) gets its
 * index. */
int gs_audit_append(struct gs_audit *a, const struct gs_audit_record *r,
                    uint64_t *index);
/*
 * Signs a head for the current size, unless the latest head already has it;
 * inside a store transaction. *out (may be NULL) gets the latest head.
 */
int gs_audit_sign_head(struct gs_audit *a, gs_time_t now,
                       struct gs_tree_head *out);
/* To call after the store transaction was rolled back. */
void gs_audit_rollback(struct gs_audit *a);

/* Checks h's signature by pk. 0 or GS_ERR_VERIFY. */
int gs_audit_head_verify(const struct gs_tree_head *h,
                         const uint8_t pk[GS_PK_LEN]);

struct gs_audit_report {
    uint64_t records, heads;
    struct gs_tree_head latest; /* valid when heads > 0 */
};

/*
 * Verifies the whole log of s against the node's public key pk: every
 * record's stored leaf hash is the hash of its bytes; every signed head is
 * validly signed, matches the root recomputed from the records, is no
 * older than the head before it, and is consistent with it (a consistency
 * proof built and checked); no head is larger than the log. Returns 0, or
 * GS_ERR_VERIFY after reporting each problem to d.
 */
int gs_audit_verify(struct gs_store *s, const uint8_t pk[GS_PK_LEN],
                    struct gs_audit_report *rep, struct gs_diag *d);

/*
 * An inclusion proof of record index against head h (from s) as JSON:
 *   {"nation", "key_id", "index", "record": "<the exact leaf data>",
 *    "tree_head": {"size", "root", "time_us", "signature"},
 *    "path": ["<hex>", ...]}
 * (new reference). GS_ERR_NOT_FOUND when index is not below h->size.
 */
int gs_audit_proof(struct gs_store *s, const struct gs_signer *signer,
                   uint64_t index, const struct gs_tree_head *h, json_t **out);
/*
 * Checks a proof made by gs_audit_proof with only the public key pk of the
 * nation that made it: the head's signature and the record's inclusion.
 * Returns 0, GS_ERR_INVALID for a malformed proof, GS_ERR_VERIFY for one
 * that does not hold; reports why to d.
 */
int gs_audit_check_proof(const json_t *proof, const uint8_t pk[GS_PK_LEN],
                         struct gs_diag *d);

/* A consistency proof between two sizes of s's log, into path. */
int gs_audit_consistency(struct gs_store *s, uint64_t old_size,
                         uint64_t new_size,
                         uint8_t path[GS_MERKLE_MAX_PATH][GS_HASH_LEN],
                         size_t *n_path);

#endif
