/*
 * holding.h - what a node does with the items it holds, under the rules:
 * create, import, read, copy, translate, destroy; users and their
 * register. Every operation runs inside a node transaction
 * (gs_node_begin/commit) and records itself in the audit log in that same
 * transaction: the caller commits, and only then tells anyone the result.
 *
 * Reads go through the access decision (policy/decide.h) and are recorded,
 * allowed or denied. A denied read of a partner's item, and an item that
 * fails verification, also produce a compromise report addressed to the
 * originator (GSOMIA Art. 17), an item that federation delivers.
 */
#ifndef GS_NODE_HOLDING_H
#define GS_NODE_HOLDING_H

#include <jansson.h>

#include "item/item.h"
#include "node/node.h"
#include "policy/decide.h"

/* Actions a read is for, as the audit log names them. */
#define GS_READ_SHOW "show"
#define GS_READ_GET "get"

/*
 * Seals body with the node's key and stores it as an item made here;
 * actor is the user (or "node") who made it. id gets the item id.
 */
int gs_hold_create(struct gs_node *n, Gsomia__ItemBody *body, const char *actor,
                   uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d);

/*
 * Stores an item made elsewhere (buf, len: an encoded envelope) after
 * checking it: structure, labels, and signatures against the keyring.
 * source names where it came from ("import" or a nation). A duplicate is
 * GS_ERR_EXISTS (nothing recorded). An item that fails its checks is not
 * stored: the failure is recorded, a compromise report is made when the
 * originator is known, and GS_ERR_VERIFY or GS_ERR_INVALID is returned —
 * the caller still commits, so that the record is kept.
 */
int gs_hold_receive(struct gs_node *n, const uint8_t *buf, size_t len,
                    const char *source, const char *actor,
                    uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d);

/* gs_hold_receive for an item already decoded and verified (the bytes it
 * came from: buf, len). */
int gs_hold_receive_checked(struct gs_node *n, const struct gs_item *it,
                            const uint8_t *buf, size_t len, const char *source,
                            const char *actor);

/*
 * Reads an item for user (a name in the register) for the purpose `what`
 * (GS_READ_*, "copy", "translate"). On ALLOWED, *out is the decoded item
 * (free with gs_item_free) and meta (if not NULL) its stored metadata.
 * Otherwise GS_ERR_DENIED with dec saying why, or GS_ERR_NOT_FOUND. Both
 * outcomes are recorded.
 */
int gs_hold_read(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                 const char *user, const char *what, struct gs_item **out,
                 struct gs_store_item *meta, struct gs_decision *dec,
                 struct gs_diag *d);

/* A copy (Art. 12): same labels and payload, signed by this node, child of
 * the original. The user must be allowed to read the original. */
int gs_hold_copy(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                 const char *user, uint8_t copy[GS_ITEM_ID_LEN],
                 struct gs_decision *dec, struct gs_diag *d);
/* A translation into lang of a report (text: the translated body) or a
 * document (text: the translated file); marked like the original. */
int gs_hold_translate(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                      const char *user, const char *lang, const uint8_t *text,
                      size_t len, uint8_t out_id[GS_ITEM_ID_LEN],
                      struct gs_decision *dec, struct gs_diag *d);

/*
 * Destroys an item: crypto-erases its content, marks it destroyed, and
 * stores a destruction record (an item) naming the operator and the
 * witness — two different registered users — the method and the time.
 * record gets the record's id.
 */
int gs_hold_destroy(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *operator_, const char *witness,
                    const char *method, uint8_t record[GS_ITEM_ID_LEN],
                    struct gs_diag *d);

/*
 * Releases item id to nation `to` now: takes the release decision against
 * the node's policy (policy/decide.h) and records it, allowed or denied. On
 * ALLOWED the envelope is appended to env and the release is added to the
 * inventory; otherwise GS_ERR_DENIED with dec saying why.
 */
int gs_hold_release(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *to, struct gs_buf *env, struct gs_decision *dec,
                    struct gs_diag *d);

/* The same decision taken when an item is queued for a peer: recorded only
 * when denied (an allowed release is recorded when it is sent). 0, or
 * GS_ERR_DENIED with dec saying why. */
int gs_hold_release_check(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                          const char *to, struct gs_decision *dec,
                          struct gs_diag *d);

/*
 * The originator's changes to an item it made (GSOMIA Art. 6): a new label
 * (reclassification) or its withdrawal (retraction), each made as an item
 * signed here and applied at once: the held item and its copies and
 * translations are relabelled, or become retracted. Both travel to every
 * nation the item was released to. change gets the new item's id.
 */
int gs_hold_reclassify(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                       const struct gs_label *label, const char *reason,
                       const char *actor, uint8_t change[GS_ITEM_ID_LEN],
                       struct gs_diag *d);
int gs_hold_retract(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *reason, const char *actor,
                    uint8_t change[GS_ITEM_ID_LEN], struct gs_diag *d);

/*
 * Makes a compromise report addressed to the originator `to` about item
 * (NULL when unknown): reason is a code, detail a sentence. Also recorded.
 */
int gs_hold_report_compromise(struct gs_node *n, const uint8_t *item,
                              const char *to, const char *reason,
                              const char *detail, struct gs_diag *d);

/*
 * This node's marking of labels (one per contributor), GSOMIA Art. 4: its
 * own equivalent word, with the originating government's name and the
 * originator's marking line. A new string (free with gs_free).
 */
char *gs_hold_marking(const struct gs_node *n,
                      const struct gs_label *const *labels, size_t count);

/* Adds or replaces a user (docs/formats.md) given as JSON; recorded. */
int gs_hold_user_put(struct gs_node *n, const json_t *user, const char *actor,
                     struct gs_diag *d);
/* The user name, parsed and checked, allocated in a. */
int gs_hold_user(struct gs_node *n, const char *name, struct gs_arena *a,
                 struct gs_user **out, struct gs_diag *d);

#endif
