/*
 * covenant.h - agreements, consents and revocations as signed items, and
 * the node's policy set built from them.
 *
 * Policy objects travel between nodes as items whose payload is the JSON
 * text people wrote (docs/formats.md). They take effect only when properly
 * signed:
 *   - an agreement, when every party has signed the same text (the
 *     proposer signs first; each other party co-signs the same item, so
 *     the id never changes);
 *   - a consent or a revocation, when its grantor made it.
 * The node's policy set (n->policy) is rebuilt from the items held that
 * take effect; items that do not (yet) are listed with the reason.
 * Policy objects are UNCLASSIFIED and addressed: an agreement to its other
 * parties, a consent or revocation to its holder and third party.
 */
#ifndef GS_NODE_COVENANT_H
#define GS_NODE_COVENANT_H

#include <stdbool.h>

#include "item/item.h"
#include "node/node.h"

/* Rebuilds n->policy from the items held. Items that do not take effect
 * are skipped (logged at info level). */
int gs_node_load_policy(struct gs_node *n);

/*
 * Makes a policy object of kind (GS_KIND_AGREEMENT, GS_KIND_CONSENT or
 * GS_KIND_REVOCATION) from the JSON text of a file (file names it in
 * messages), signed by this node: a party to the agreement, or the grantor
 * of the consent or revocation. Inside a transaction; id gets its id.
 * An agreement is addressed to its parties and to the nations
 * notify[0..n_notify) that are to know of it: a partner that relays a
 * party's information to another party can apply the rules only if it
 * knows the agreement between them.
 */
int gs_node_propose(struct gs_node *n, enum gs_kind kind, const char *text,
                    const char *file, const char *actor,
                    const char *const *notify, size_t n_notify,
                    uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d);

/* Adds this node's signature to an agreement item it holds and is a party
 * to. Inside a transaction. */
int gs_node_cosign(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                   const char *actor, struct gs_diag *d);

/* One policy object held, as `gsomia agreement list` shows it. */
struct gs_covenant {
    uint8_t item[GS_ITEM_ID_LEN];
    enum gs_kind kind;
    const char *id;        /* the object's own id ("JPN-KOR-2016") */
    const char *title;     /* agreements; NULL otherwise */
    const char *signed_by; /* "KOR, JPN" */
    const char *missing;   /* parties yet to sign ("" when none) */
    const char *problem;   /* why it does not take effect, or NULL */
    bool in_effect;
};

typedef int (*gs_covenant_cb)(void *ctx, const struct gs_covenant *c);
/* Calls cb for every policy object held, in order of arrival. */
int gs_node_covenants(struct gs_node *n, gs_covenant_cb cb, void *ctx);

/* True for the kinds that are addressed rather than released under the
 * agreements: policy objects, compromise reports, destruction records. */
bool gs_kind_is_addressed(enum gs_kind k);

#endif
