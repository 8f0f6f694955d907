/* exchange.c - peers' items under the rules; see exchange.h. */
#include "node/exchange.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "node/covenant.h"
#include "node/holding.h"

/* Was the sender allowed to give it to us (GSOMIA Art. 6, from our
 * side)? Fills dec. */
static void sender_check(struct gs_node *n, const char *sender,
                         const struct gs_item *it, struct gs_decision *dec)
{
    struct gs_item_ref ref;
    char hex[GS_ITEM_ID_HEX];

    memset(dec, 0, sizeof(*dec));
    if (gs_kind_is_addressed(it->kind)) {
        /* Messages: from their originator, or to us, or a change of an
         * item of that originator (a hub passes them along). */
        if (strcmp(it->originator, sender) == 0 ||
            gs_label_releasable(it->labels[0], n->cfg.nation) ||
            it->kind == GS_KIND_RECLASSIFICATION ||
            it->kind == GS_KIND_RETRACTION) {
            dec->reason = GS_REASON_ALLOWED;
            snprintf(dec->detail, sizeof(dec->detail), "%s item for %s",
                     gs_kind_name(it->kind), n->cfg.nation);
        } else {
            dec->reason = GS_REASON_NOT_RELEASABLE;
            snprintf(dec->detail, sizeof(dec->detail),
                     "a %s not addressed to %s", gs_kind_name(it->kind),
                     n->cfg.nation);
        }
        return;
    }
    gs_item_id_hex(it->id, hex);
    ref.id = hex;
    ref.kind = it->kind;
    ref.state = GS_STATE_ACTIVE;
    ref.labels = it->labels;
    ref.n_labels = it->n_labels;
    (void)gs_decide_release(n->policy, sender, n->cfg.nation, gs_time_now(),
                            &ref, dec);
}

int gs_exchange_receive(struct gs_node *n, const char *sender,
                        const uint8_t *env, size_t len,
                        uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    struct gs_item *it = NULL;
    struct gs_decision dec;
    struct gs_audit_record r;
    struct gs_diag why;
    char detail[GS_DETAIL_MAX + 64];
    size_t i, j;
    int rc;

    /* Structure and signatures, checked once. What fails them is refused,
     * recorded and reported by gs_hold_receive's path for bad items. */
    gs_diag_init(&why);
    if (gs_item_decode(n->policy, env, len, &it, &why) < 0 ||
        gs_item_verify(it, &n->keyring, &why) < 0) {
        gs_item_free(it);
        gs_diag_free(&why);
        return gs_hold_receive(n, env, len, sender, sender, id, d);
    }
    gs_diag_free(&why);
    memcpy(id, it->id, GS_ITEM_ID_LEN);
    sender_check(n, sender, it, &dec);
    if (gs_decision_allowed(&dec)) {
        rc = gs_hold_receive_checked(n, it, env, len, sender, sender);
        gs_item_free(it);
        return rc;
    }
    snprintf(detail, sizeof(detail),
             "refused from %s, who may not give it to %s: %s", sender,
             n->cfg.nation, dec.detail);
    memset(&r, 0, sizeof(r));
    r.action = GS_AUDIT_RECEIPT;
    r.actor = sender;
    r.item = id;
    r.peer = sender;
    r.decision = "deny";
    r.reason = gs_reason_code(dec.reason);
    r.detail = detail;
    rc = gs_node_audit(n, &r);
    /* Tell each originator: its information reached someone who passed
     * it on wrongly (Art. 17). */
    for (i = 0; rc == 0 && i < it->n_labels; i++) {
        const char *o = it->labels[i]->originator;
        bool seen = strcmp(o, n->cfg.nation) == 0;

        for (j = 0; j < i && !seen; j++)
            seen = strcmp(it->labels[j]->originator, o) == 0;
        if (!seen)
            rc = gs_hold_report_compromise(n, id, o, "UNAUTHORISED_RELEASE",
                                           detail, d);
    }
    gs_diag_error(d, NULL, "%s", detail);
    gs_item_free(it);
    return rc < 0 ? rc : GS_ERR_DENIED;
}

/* Route: the cursor over the store's order of arrival. */
#define ROUTED_KEY "routed_seq"

struct pending {
    uint8_t id[GS_ITEM_ID_LEN];
    enum gs_kind kind;
    char originator[GS_NATION_SIZE]; /* who made and signed it */
    char source[GS_NATION_SIZE + 8];
    int64_t seq;
};

struct collect {
    const struct gs_node *n;
    struct pending *p;
    size_t count;
    int64_t last;
};

static int collect_new(void *ctx, const struct gs_store_item *m)
{
    struct collect *c = ctx;
    struct pending *p;

    c->last = m->seq;
    if (m->state != GS_STATE_ACTIVE)
        return 0;
    c->p = gs_reallocarray(c->p, c->count + 1, sizeof(*c->p));
    p = &c->p[c->count++];
    memcpy(p->id, m->id, GS_ITEM_ID_LEN);
    p->kind = m->kind;
    memcpy(p->originator, m->originator, GS_NATION_SIZE);
    p->seq = m->seq;
    snprintf(p->source, sizeof(p->source), "%s", m->source);
    return 0;
}

struct peers {
    char (*nations)[GS_NATION_SIZE];
    size_t n;
};

static int collect_peer(void *ctx, const struct gs_store_peer *p)
{
    struct peers *ps = ctx;

    ps->nations = gs_reallocarray(ps->nations, ps->n + 1, GS_NATION_SIZE);
    memcpy(ps->nations[ps->n++], p->nation, GS_NATION_SIZE);
    return 0;
}

/* Should item p go to peer at all (before the policy says whether it
 * may)? */
static bool candidate(const struct gs_node *n, const struct pending *p,
                      const char *peer)
{
    bool local =
        strcmp(p->source, "local") == 0 || strcmp(p->source, "import") == 0;

    /* Not back to where it came from, nor to the nation that made it. A
     * contributor to a derived item does get it: it learns what the
     * others added (the policy decides, as for anyone). */
    if (strcmp(p->source, peer) == 0 || strcmp(p->originator, peer) == 0)
        return false;
    return local || n->cfg.hub;
}

int gs_exchange_route(struct gs_node *n, size_t *queued)
{
    struct collect c = {n, NULL, 0, 0};
    struct peers ps = {NULL, 0};
    struct gs_buf cursor;
    struct gs_decision dec;
    struct gs_diag d;
    char text[32];
    size_t i, j;
    uint64_t seq;
    int64_t start;
    int rc;

    *queued = 0;
    gs_buf_init(&cursor, 32);
    rc = gs_store_meta_get(n->store, ROUTED_KEY, &cursor);
    if (rc == 0)
        c.last = strtoll(gs_buf_str(&cursor), NULL, 10);
    else if (rc == GS_ERR_NOT_FOUND)
        rc = 0;
    start = c.last;
    gs_buf_free(&cursor);
    if (rc == 0)
        rc = gs_store_item_list(n->store, -1, c.last, collect_new, &c);
    if (rc == 0 && c.count > 0)
        rc = gs_store_peer_list(n->store, collect_peer, &ps);
    gs_diag_init(&d);
    for (i = 0; rc == 0 && i < c.count; i++) {
        for (j = 0; rc == 0 && j < ps.n; j++) {
            if (!candidate(n, &c.p[i], ps.nations[j]))
                continue;
            rc = gs_hold_release_check(n, c.p[i].id, ps.nations[j], &dec, &d);
            if (rc == GS_ERR_DENIED) {
                rc = 0;
                continue;
            }
            if (rc == 0)
                rc = gs_store_outbox_add(n->store, ps.nations[j], c.p[i].id,
                                         &seq);
            if (rc == 0)
                (*queued)++;
        }
    }
    /* Write the cursor only when it moved: an idle job writes nothing,
     * and a commit without writes costs no disk sync. */
    if (rc == 0 && c.last > start) {
        snprintf(text, sizeof(text), "%lld", (long long)c.last);
        rc = gs_store_meta_put(n->store, ROUTED_KEY, text, strlen(text));
    }
    gs_free(c.p);
    gs_free(ps.nations);
    gs_diag_free(&d);
    return rc;
}

int gs_exchange_requeue(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                        const char *skip)
{
    struct peers ps = {NULL, 0};
    struct gs_decision dec;
    struct gs_diag d;
    uint64_t seq;
    size_t j;
    int rc = gs_store_peer_list(n->store, collect_peer, &ps);

    gs_diag_init(&d);
    for (j = 0; rc == 0 && j < ps.n; j++) {
        if (skip != NULL && strcmp(ps.nations[j], skip) == 0)
            continue;
        rc = gs_hold_release_check(n, id, ps.nations[j], &dec, &d);
        if (rc == GS_ERR_DENIED) {
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = gs_store_outbox_add(n->store, ps.nations[j], id, &seq);
    }
    gs_free(ps.nations);
    gs_diag_free(&d);
    return rc;
}

struct fill {
    uint64_t *seqs;
    uint8_t (*ids)[GS_ITEM_ID_LEN];
    size_t n;
};

static int collect_entry(void *ctx, uint64_t seq,
                         const uint8_t item[GS_ITEM_ID_LEN])
{
    struct fill *f = ctx;

    f->seqs = gs_reallocarray(f->seqs, f->n + 1, sizeof(*f->seqs));
    f->ids = gs_reallocarray(f->ids, f->n + 1, sizeof(*f->ids));
    f->seqs[f->n] = seq;
    memcpy(f->ids[f->n], item, GS_ITEM_ID_LEN);
    f->n++;
    return 0;
}

int gs_exchange_fill(struct gs_node *n, const char *peer, uint64_t after,
                     int limit, gs_exchange_fill_cb cb, void *ctx)
{
    struct fill f = {NULL, NULL, 0};
    struct gs_decision dec;
    struct gs_store_item m;
    struct gs_buf env;
    struct gs_diag d;
    size_t i;
    int rc =
        gs_store_outbox_list(n->store, peer, after, limit, collect_entry, &f);

    gs_diag_init(&d);
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    for (i = 0; rc == 0 && i < f.n; i++) {
        gs_buf_reset(&env);
        rc = gs_hold_release(n, f.ids[i], peer, &env, &dec, &d);
        if (rc == GS_ERR_DENIED || rc == GS_ERR_NOT_FOUND) {
            rc = cb(ctx, f.seqs[i], false, NULL, 0); /* recorded; skipped */
            continue;
        }
        memset(&m, 0, sizeof(m));
        if (rc == 0)
            rc = gs_store_item_get(n->store, f.ids[i], &m, NULL);
        if (rc == 0)
            rc = cb(ctx, f.seqs[i], m.kind == GS_KIND_COMPROMISE, env.data,
                    env.len);
        gs_store_item_free(&m);
    }
    gs_buf_free_secret(&env);
    gs_diag_free(&d);
    gs_free(f.seqs);
    gs_free(f.ids);
    return rc;
}

struct concern {
    struct gs_node *n;
    const char *asker;
    uint64_t *indices;
    size_t count, max, scanned, scan;
    uint64_t last;
    /* The last item looked up, and whether it is the asker's. */
    uint8_t item[GS_ITEM_ID_LEN];
    bool item_known, item_theirs;
};

static int consider(void *ctx, const struct gs_store_record *r)
{
    struct concern *c = ctx;
    json_error_t err;
    json_t *v;
    const char *hex;
    uint8_t id[GS_ITEM_ID_LEN];

    if (c->scanned >= c->scan || c->count >= c->max)
        return 1; /* stop: enough for one answer */
    c->scanned++;
    c->last = r->index;
    v = json_loads(r->data, 0, &err);
    hex = json_string_value(json_object_get(v, "item"));
    if (hex != NULL && gs_item_id_parse(hex, id) == 0) {
        if (!c->item_known || memcmp(id, c->item, GS_ITEM_ID_LEN) != 0) {
            struct gs_store_item m;

            memcpy(c->item, id, GS_ITEM_ID_LEN);
            c->item_known = true;
            c->item_theirs = false;
            if (gs_store_item_get(c->n->store, id, &m, NULL) == 0) {
                c->item_theirs = strcmp(m.originator, c->asker) == 0;
                gs_store_item_free(&m);
            }
        }
        if (c->item_theirs) {
            c->indices =
                gs_reallocarray(c->indices, c->count + 1, sizeof(*c->indices));
            c->indices[c->count++] = r->index;
        }
    }
    json_decref(v);
    return 0;
}

int gs_exchange_records_for(struct gs_node *n, const char *asker, uint64_t from,
                            size_t max, size_t scan, gs_exchange_proof_cb cb,
                            void *ctx, uint64_t *next)
{
    struct concern c;
    struct gs_tree_head h;
    size_t i;
    int rc;

    memset(&c, 0, sizeof(c));
    c.n = n;
    c.asker = asker;
    c.max = max;
    c.scan = scan;
    *next = 0;
    rc = gs_store_head_latest(n->store, &h);
    if (rc == GS_ERR_NOT_FOUND)
        return 0;
    if (rc < 0)
        return rc;
    if (from >= h.size)
        return 0;
    rc = gs_store_audit_list(n->store, from, consider, &c);
    if (rc == 1)
        rc = 0; /* stopped early: there is more */
    for (i = 0; rc == 0 && i < c.count; i++) {
        json_t *proof = NULL;
        char *text;

        if (c.indices[i] >= h.size)
            break; /* not under the signed head yet */
        rc = gs_audit_proof(n->store, &n->signer, c.indices[i], &h, &proof);
        if (rc < 0)
            break;
        text = json_dumps(proof, JSON_COMPACT);
        json_decref(proof);
        rc = cb(ctx, text);
        free(text);
    }
    /* Ask again after what was read, unless the signed log was read to
     * its end. */
    if (rc == 0 && c.scanned > 0 && c.last + 1 < h.size)
        *next = c.last + 1;
    gs_free(c.indices);
    return rc;
}
