/*
 * item.h - signed items: the unit gsomia stores and shares.
 *
 * An item is an Envelope (proto/item.proto) around the exact bytes of an
 * ItemBody: kind, originator nation and key id, creation time, labels,
 * parents, and a typed payload. The id is SHA-256 of the body bytes; the
 * originator's Ed25519 signature covers the same bytes, so label and
 * payload are bound together (STANAG 4778). Bodies are encoded once, by
 * gs_item_seal, and never re-encoded: verification always works on the
 * bytes that were received.
 *
 * Decoding (gs_item_decode) checks structure and every bound before trusting
 * anything: the size, the version, the kind against the payload, nation
 * codes, key ids, labels against the schemes, parents against the relation.
 * Verification (gs_item_verify) then checks signatures against a keyring.
 * Both report to a struct gs_diag in words a security officer understands.
 */
#ifndef GS_ITEM_ITEM_H
#define GS_ITEM_ITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/time.h"
#include "item.pb-c.h"
#include "item/key.h"
#include "policy/kind.h"
#include "policy/label.h"
#include "policy/policy.h"

#define GS_ITEM_ID_LEN 32
#define GS_ITEM_ID_HEX (2 * GS_ITEM_ID_LEN + 1)
/* The largest encoded envelope accepted from anywhere. */
#define GS_ITEM_MAX_BYTES (16u << 20)
#define GS_ITEM_MAX_LABELS 64
#define GS_ITEM_MAX_PARENTS 256
#define GS_ITEM_MAX_SIGNATURES 16
/* The signature context of item bodies. */
#define GS_ITEM_CONTEXT "gsomia item v1"

struct gs_item {
    uint8_t id[GS_ITEM_ID_LEN];
    Gsomia__Envelope *env;  /* owned; env->body holds the signed bytes */
    Gsomia__ItemBody *body; /* owned; decoded from env->body */
    enum gs_kind kind;
    char originator[GS_NATION_SIZE];
    gs_time_t created;
    const struct gs_label **labels; /* one per contributor, in arena */
    size_t n_labels;
    struct gs_arena *arena;
};

/*
 * Decodes len bytes of an encoded Envelope and checks its structure (not
 * its signatures). Labels are checked against the schemes of p. On success
 * *out is a new item the caller frees with gs_item_free; on failure
 * GS_ERR_INVALID (or GS_ERR_TOO_BIG) after reporting to d, *out NULL.
 */
int gs_item_decode(const struct gs_policy *p, const uint8_t *buf, size_t len,
                   struct gs_item **out, struct gs_diag *d);
void gs_item_free(struct gs_item *it);

/*
 * Checks that the first signature is the originator's, made with a key of
 * kr of the originator's nation, and valid; and that every other signature
 * is valid too. Returns 0, or GS_ERR_VERIFY after reporting to d.
 */
int gs_item_verify(const struct gs_item *it, const struct gs_keyring *kr,
                   struct gs_diag *d);
/* True when it carries a valid signature of a key of nation in kr. */
bool gs_item_signed_by(const struct gs_item *it, const struct gs_keyring *kr,
                       const char *nation);

/*
 * Completes body (version, originator, key id, creation time), encodes it,
 * signs it with s and writes the envelope to out; id gets the item id.
 * The caller owns body and everything it points to; originator and key_id
 * are given back as they were, version and created_us keep the values
 * sealed.
 */
int gs_item_seal(Gsomia__ItemBody *body, const struct gs_signer *s,
                 gs_time_t now, struct gs_buf *out, uint8_t id[GS_ITEM_ID_LEN]);
/* Adds s's signature to an encoded envelope (a co-signed agreement). */
int gs_item_cosign(const uint8_t *env, size_t len, const struct gs_signer *s,
                   struct gs_buf *out);

/*
 * Joins the signatures of two envelopes of the same body (two copies of a
 * co-signed agreement) into out, keeping only signatures that verify with
 * kr, each once. *count gets how many out carries. GS_ERR_INVALID when the
 * bodies differ.
 */
int gs_item_merge_signatures(const struct gs_item *a, const struct gs_item *b,
                             const struct gs_keyring *kr, struct gs_buf *out,
                             size_t *count);

/* The item id of a body, SHA-256. */
void gs_item_id_of(const uint8_t *body, size_t len, uint8_t id[GS_ITEM_ID_LEN]);
void gs_item_id_hex(const uint8_t id[GS_ITEM_ID_LEN], char out[GS_ITEM_ID_HEX]);
/* Parses 64 hex digits; GS_ERR_INVALID otherwise. */
int gs_item_id_parse(const char *hex, uint8_t id[GS_ITEM_ID_LEN]);

/*
 * Label conversions. gs_item_label_to_pb fills out with pointers into l
 * and arrays allocated in a; a label that permits no derivative use has no
 * field 8 and encodes as labels did before that field existed.
 * gs_item_label_from_pb checks pb exactly like a label file
 * (gs_label_from_json) and allocates the result in a; text that is not
 * UTF-8 is refused, never dropped.
 */
void gs_item_label_to_pb(const struct gs_label *l, struct gs_arena *a,
                         Gsomia__Label *out);
int gs_item_label_from_pb(const struct gs_policy *p, const Gsomia__Label *pb,
                          struct gs_arena *a, struct gs_label **out,
                          struct gs_diag *d);

/* Kinds of the wire and of the policy module. */
Gsomia__Kind gs_item_kind_to_pb(enum gs_kind k);
int gs_item_kind_from_pb(Gsomia__Kind k, enum gs_kind *out);

#endif
