/*
 * exchange.h - what a node does with its peers' items, under the rules;
 * run by the daemon (serve.c) inside store transactions on its worker.
 *
 *   receive: an item from a peer is checked like any import (structure,
 *            labels, signatures), then from this node's side: was the
 *            sender allowed to give it to us? Anything that fails is not
 *            stored, is recorded, and is reported to the originator.
 *   route:   every item newly held (made here, or received) is queued for
 *            each peer the release decision allows — items received are
 *            forwarded only by a hub — and each denial is recorded. Items
 *            never go back to the peer they came from or to their
 *            originators.
 *   fill:    the next queued items of a peer, each released again just
 *            before it is sent (a consent may have been revoked since).
 */
#ifndef GS_NODE_EXCHANGE_H
#define GS_NODE_EXCHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "item/item.h"
#include "node/node.h"

/*
 * Receives an envelope from peer sender. Returns 0 when stored,
 * GS_ERR_EXISTS for an item already held, or a negative GS_ERR_* when it
 * was refused (recorded, and reported to the originator where possible).
 */
int gs_exchange_receive(struct gs_node *n, const char *sender,
                        const uint8_t *env, size_t len,
                        uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d);

/* Queues every item held since the last call for the peers that may have
 * it. *queued gets how many outbox entries were made. */
int gs_exchange_route(struct gs_node *n, size_t *queued);

/* Queues item id again for every peer but skip (NULL: none) that may have
 * it: an agreement that gained a signature goes round again. */
int gs_exchange_requeue(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                        const char *skip);

/* Calls cb for each of peer's next queued items after seq `after` (at most
 * limit), in order: with its envelope when it may still be released now,
 * or with env NULL when it may not (skipped, not sent). The decision is
 * recorded either way. */
typedef int (*gs_exchange_fill_cb)(void *ctx, uint64_t seq, bool notice,
                                   const uint8_t *env, size_t len);
int gs_exchange_fill(struct gs_node *n, const char *peer, uint64_t after,
                     int limit, gs_exchange_fill_cb cb, void *ctx);

/*
 * "How was my data handled?" (asked by partner `asker`): the records of
 * this node's audit log from index from on that concern items asker
 * originated, each as an inclusion proof against the latest signed head
 * (audit/log.h), at most max of them, scanning at most scan records. cb
 * gets each proof as compact JSON. *next gets the index to ask from next
 * time, 0 when the log was read to its end.
 */
typedef int (*gs_exchange_proof_cb)(void *ctx, const char *proof);
int gs_exchange_records_for(struct gs_node *n, const char *asker, uint64_t from,
                            size_t max, size_t scan, gs_exchange_proof_cb cb,
                            void *ctx, uint64_t *next);

#endif
