/* covenant.c - policy objects as signed items; see covenant.h. */
#include "node/covenant.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "node/exchange.h"
#include "node/holding.h"

bool gs_kind_is_addressed(enum gs_kind k)
{
    return k == GS_KIND_AGREEMENT || k == GS_KIND_CONSENT ||
           k == GS_KIND_REVOCATION || k == GS_KIND_RETRACTION ||
           k == GS_KIND_RECLASSIFICATION || k == GS_KIND_COMPROMISE ||
           k == GS_KIND_DESTRUCTION;
}

static const char *policy_text(const struct gs_item *it)
{
    const Gsomia__ItemBody *b = it->body;

    switch (b->payload_case) {
    case GSOMIA__ITEM_BODY__PAYLOAD_AGREEMENT:
        return b->agreement->json;
    case GSOMIA__ITEM_BODY__PAYLOAD_CONSENT:
        return b->consent->json;
    case GSOMIA__ITEM_BODY__PAYLOAD_REVOCATION:
        return b->revocation->json;
    default:
        return NULL;
    }
}

/* What one policy item amounts to. Strings live in a. */
struct examined {
    struct gs_covenant c;
    struct gs_jdoc doc; /* the parsed text; freed by the caller */
};

/*
 * Examines a policy item: parses its text against scratch (for schemes and,
 * for revocations, consents), checks who signed. Fills e->c; problem is
 * NULL when the item takes effect.
 */
static void examine(struct gs_node *n, struct gs_policy *scratch,
                    const struct gs_item *it, struct gs_arena *a,
                    struct examined *e)
{
    struct gs_diag d;
    struct gs_jctx c = {&e->doc, &d};
    const char *text = policy_text(it);
    char name[64], hex[GS_ITEM_ID_HEX];
    struct gs_buf who, missing;
    size_t i;

    memset(&e->c, 0, sizeof(e->c));
    memcpy(e->c.item, it->id, GS_ITEM_ID_LEN);
    e->c.kind = it->kind;
    gs_diag_init(&d);
    gs_buf_init(&who, 1024);
    gs_buf_init(&missing, 1024);
    gs_item_id_hex(it->id, hex);
    snprintf(name, sizeof(name), "%s item %.16s", gs_kind_name(it->kind), hex);
    for (i = 0; i < it->env->n_signatures; i++)
        if (gs_item_signed_by(it, &n->keyring, it->env->signatures[i]->nation))
            gs_buf_printf(&who, "%s%s", who.len ? ", " : "",
                          it->env->signatures[i]->nation);
    e->c.signed_by = gs_arena_strdup(a, gs_buf_str(&who));
    e->c.missing = "";
    if (text == NULL ||
        gs_jdoc_parse(&e->doc, name, text, strlen(text), &d) < 0) {
        e->c.problem = "its text is not valid JSON";
        goto out;
    }
    {
        const char *own = json_string_value(json_object_get(
            e->doc.root, it->kind == GS_KIND_REVOCATION ? "consent" : "id"));

        e->c.id = gs_arena_strdup(a, own != NULL ? own : "?");
    }
    if (it->kind == GS_KIND_AGREEMENT) {
        struct gs_agreement *ag;

        if (gs_agreement_from_json(scratch, &c, e->doc.root, a, &ag) < 0) {
            e->c.problem = gs_arena_strdup(a, gs_diag_first(&d));
            goto out;
        }
        e->c.title = ag->title;
        if (!gs_agreement_is_party(ag, it->originator)) {
            e->c.problem = "proposed by a nation that is not a party";
            goto out;
        }
        for (i = 0; i < ag->n_parties; i++)
            if (!gs_item_signed_by(it, &n->keyring, ag->parties[i]))
                gs_buf_printf(&missing, "%s%s", missing.len ? ", " : "",
                              ag->parties[i]);
        e->c.missing = gs_arena_strdup(a, gs_buf_str(&missing));
        if (missing.len > 0)
            e->c.problem = "not yet signed by every party";
    } else {
        const char *grantor =
            json_string_value(json_object_get(e->doc.root, "grantor"));

        if (grantor == NULL || strcmp(grantor, it->originator) != 0)
            e->c.problem = "not made by its grantor";
        else if (!gs_item_signed_by(it, &n->keyring, it->originator))
            e->c.problem = "its grantor's signature is not valid here";
    }
out:
    e->c.in_effect = e->c.problem == NULL;
    gs_buf_free(&who);
    gs_buf_free(&missing);
    gs_diag_free(&d);
}

struct walk {
    struct gs_node *n;
    struct gs_policy *p; /* being built */
    struct gs_arena *a;
    gs_covenant_cb cb; /* NULL when building the policy */
    void *ctx;
    uint8_t (*ids)[GS_ITEM_ID_LEN];
    size_t n_ids;
};

static int collect(void *ctx, const struct gs_store_item *m)
{
    struct walk *w = ctx;

    if (m->state != GS_STATE_ACTIVE)
        return 0;
    w->ids = gs_reallocarray(w->ids, w->n_ids + 1, sizeof(*w->ids));
    memcpy(w->ids[w->n_ids++], m->id, GS_ITEM_ID_LEN);
    return 0;
}

/* Examines every active item of kind (collected first: the store cannot
 * be used from inside its own listing). */
static int walk_kind(struct walk *w, enum gs_kind kind)
{
    struct gs_buf env;
    size_t i;
    int rc;

    w->n_ids = 0;
    rc = gs_store_item_list(w->n->store, (int)kind, 0, collect, w);
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    for (i = 0; rc == 0 && i < w->n_ids; i++) {
        struct gs_item *it = NULL;
        struct examined e;
        struct gs_diag d;
        struct gs_jctx c = {&e.doc, &d};

        memset(&e, 0, sizeof(e));
        gs_buf_reset(&env);
        if (gs_store_item_get(w->n->store, w->ids[i], NULL, &env) < 0 ||
            gs_item_decode(w->n->policy, env.data, env.len, &it, NULL) < 0)
            continue;
        examine(w->n, w->p, it, w->a, &e);
        gs_diag_init(&d);
        if (e.c.in_effect && e.doc.root != NULL) {
            int added = kind == GS_KIND_AGREEMENT
                            ? gs_policy_add_agreement(w->p, &c, e.doc.root)
                        : kind == GS_KIND_CONSENT
                            ? gs_policy_add_consent(w->p, &c, e.doc.root)
                            : gs_policy_add_revocation(w->p, &c, e.doc.root);

            if (added < 0) {
                e.c.in_effect = false;
                e.c.problem = gs_arena_strdup(w->a, gs_diag_first(&d));
            }
        }
        if (!e.c.in_effect)
            GS_LOG_INFO("%s %s does not take effect: %s", gs_kind_name(kind),
                        e.c.id ? e.c.id : "?", e.c.problem);
        if (w->cb != NULL)
            rc = w->cb(w->ctx, &e.c);
        gs_diag_free(&d);
        gs_jdoc_free(&e.doc);
        gs_item_free(it);
    }
    gs_buf_free_secret(&env);
    return rc;
}

static int walk_all(struct gs_node *n, gs_covenant_cb cb, void *ctx,
                    struct gs_policy **out)
{
    struct walk w;
    int rc;

    memset(&w, 0, sizeof(w));
    w.n = n;
    w.p = gs_policy_new();
    w.a = gs_arena_new();
    w.cb = cb;
    w.ctx = ctx;
    /* Consents before their revocations. */
    rc = walk_kind(&w, GS_KIND_AGREEMENT);
    if (rc == 0)
        rc = walk_kind(&w, GS_KIND_CONSENT);
    if (rc == 0)
        rc = walk_kind(&w, GS_KIND_REVOCATION);
    gs_free(w.ids);
    gs_arena_free(w.a);
    if (rc == 0 && out != NULL) {
        *out = w.p;
        w.p = NULL; /* transferred */
    }
    gs_policy_free(w.p);
    return rc;
}

int gs_node_load_policy(struct gs_node *n)
{
    struct gs_policy *p = NULL;
    int rc = walk_all(n, NULL, NULL, &p);

    if (rc == 0) {
        gs_policy_free(n->policy);
        n->policy = p;
    }
    return rc;
}

int gs_node_covenants(struct gs_node *n, gs_covenant_cb cb, void *ctx)
{
    return walk_all(n, cb, ctx, NULL);
}

int gs_node_propose(struct gs_node *n, enum gs_kind kind, const char *text,
                    const char *file, const char *actor,
                    const char *const *notify, size_t n_notify,
                    uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__PolicyText pt = GSOMIA__POLICY_TEXT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    struct gs_arena *a = gs_arena_new();
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, d};
    struct gs_label l;
    char to[GS_ITEM_MAX_LABELS][GS_NATION_SIZE];
    size_t i;
    int rc;

    memset(&l, 0, sizeof(l));
    l.releasable_to = to;
    rc = gs_jdoc_parse(&doc, file, text, strlen(text), d);
    if (rc < 0)
        goto out;
    if (kind == GS_KIND_AGREEMENT) {
        struct gs_agreement *ag;

        rc = gs_agreement_from_json(n->policy, &c, doc.root, a, &ag);
        if (rc == 0 && !gs_agreement_is_party(ag, n->cfg.nation)) {
            gs_diag_error(d, NULL,
                          "%s is not a party to %s: only a party "
                          "proposes or signs an agreement",
                          n->cfg.nation, ag->id);
            rc = GS_ERR_DENIED;
        }
        /* Addressed to every party: each sends it on with its signature;
         * and to the nations to be told of it. */
        for (i = 0; rc == 0 && i < ag->n_parties; i++)
            memcpy(to[l.n_releasable_to++], ag->parties[i], GS_NATION_SIZE);
        for (i = 0; rc == 0 && i < n_notify; i++) {
            size_t k;

            if (!gs_nation_valid(notify[i])) {
                gs_diag_error(d, NULL,
                              "--notify %s is not an ISO 3166-1 alpha-3 code",
                              notify[i]);
                rc = GS_ERR_INVALID;
                break;
            }
            for (k = 0; k < l.n_releasable_to; k++)
                if (strcmp(to[k], notify[i]) == 0)
                    break;
            if (k < l.n_releasable_to)
                continue;
            if (l.n_releasable_to == GS_ITEM_MAX_LABELS) {
                gs_diag_error(d, NULL,
                              "an agreement is addressed to at most %d nations",
                              GS_ITEM_MAX_LABELS);
                rc = GS_ERR_INVALID;
                break;
            }
            memcpy(to[l.n_releasable_to++], notify[i], GS_NATION_SIZE);
        }
        body.kind = GSOMIA__KIND__AGREEMENT;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_AGREEMENT;
        body.agreement = &pt;
    } else if (kind == GS_KIND_CONSENT) {
        struct gs_consent *k;

        rc = gs_consent_from_json(&c, doc.root, a, &k);
        if (rc == 0 && strcmp(k->grantor, n->cfg.nation) != 0) {
            gs_diag_error(d, NULL,
                          "only the originator grants consent to "
                          "pass its information: the grantor must be %s",
                          n->cfg.nation);
            rc = GS_ERR_DENIED;
        }
        /* Addressed to the holder, and to the third party of a release
         * consent (a derivative consent has none). */
        if (rc == 0) {
            memcpy(to[l.n_releasable_to++], k->holder, GS_NATION_SIZE);
            if (!gs_consent_is_derivative(k))
                memcpy(to[l.n_releasable_to++], k->third_party, GS_NATION_SIZE);
        }
        body.kind = GSOMIA__KIND__CONSENT;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_CONSENT;
        body.consent = &pt;
    } else if (kind == GS_KIND_REVOCATION) {
        struct gs_revocation *r;
        const struct gs_consent *k = NULL;

        rc = gs_revocation_from_json(&c, doc.root, a, &r);
        if (rc == 0) {
            k = gs_policy_consent(n->policy, r->consent);
            if (k == NULL || strcmp(r->grantor, n->cfg.nation) != 0 ||
                strcmp(k->grantor, n->cfg.nation) != 0) {
                gs_diag_error(d, NULL,
                              "%s revokes only consents it granted "
                              "and that are in effect here",
                              n->cfg.nation);
                rc = GS_ERR_DENIED;
            }
        }
        if (rc == 0) {
            memcpy(to[l.n_releasable_to++], k->holder, GS_NATION_SIZE);
            if (!gs_consent_is_derivative(k))
                memcpy(to[l.n_releasable_to++], k->third_party, GS_NATION_SIZE);
        }
        body.kind = GSOMIA__KIND__REVOCATION;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REVOCATION;
        body.revocation = &pt;
    } else {
        rc = GS_ERR_INVALID;
    }
    if (rc < 0)
        goto out;
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.classification = "UNCLASSIFIED";
    l.rank = GS_RANK_UNCLASSIFIED;
    l.purpose = "policy";
    l.created = gs_time_now();
    gs_item_label_to_pb(&l, a, &pb);
    pt.json = (char *)text;
    body.labels = pbs;
    body.n_labels = 1;
    rc = gs_hold_create(n, &body, actor, id, d);
    if (rc == 0)
        rc = gs_node_load_policy(n);
out:
    gs_jdoc_free(&doc);
    gs_arena_free(a);
    return rc;
}

int gs_node_cosign(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                   const char *actor, struct gs_diag *d)
{
    struct gs_arena *a = gs_arena_new();
    struct gs_policy *scratch = gs_policy_new();
    struct gs_buf env, out;
    struct gs_item *it = NULL;
    struct examined e;
    struct gs_audit_record r;
    char detail[160];
    int rc;

    memset(&e, 0, sizeof(e));
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    gs_buf_init(&out, GS_ITEM_MAX_BYTES);
    rc = gs_store_item_get(n->store, id, NULL, &env);
    if (rc == GS_ERR_NOT_FOUND)
        gs_diag_error(d, NULL,
                      "no such item here; import the agreement item first");
    if (rc == 0)
        rc = gs_item_decode(n->policy, env.data, env.len, &it, d);
    if (rc == 0 && it->kind != GS_KIND_AGREEMENT) {
        gs_diag_error(d, NULL, "item is a %s; only agreements are co-signed",
                      gs_kind_name(it->kind));
        rc = GS_ERR_INVALID;
    }
    if (rc == 0) {
        examine(n, scratch, it, a, &e);
        if (e.doc.root == NULL || e.c.title == NULL) {
            gs_diag_error(d, NULL, "the agreement does not read: %s",
                          e.c.problem);
            rc = GS_ERR_INVALID;
        } else if (strstr(e.c.missing, n->cfg.nation) == NULL) {
            gs_diag_error(d, NULL, "%s",
                          strstr(e.c.signed_by, n->cfg.nation)
                              ? "this node already signed it"
                              : "this node is not a party");
            rc = GS_ERR_STATE;
        }
    }
    if (rc == 0)
        rc = gs_item_cosign(env.data, env.len, &n->signer, &out);
    if (rc == 0)
        rc = gs_store_item_replace(n->store, id, out.data, out.len);
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        snprintf(detail, sizeof(detail), "%s signed agreement %s",
                 n->cfg.nation, e.c.id);
        r.action = GS_AUDIT_COSIGN;
        r.actor = actor;
        r.item = id;
        r.detail = detail;
        rc = gs_node_audit(n, &r);
    }
    if (rc == 0)
        rc = gs_node_load_policy(n);
    /* The other parties need this signature too. */
    if (rc == 0)
        rc = gs_exchange_requeue(n, id, NULL);
    gs_jdoc_free(&e.doc);
    gs_item_free(it);
    gs_buf_free(&env);
    gs_buf_free(&out);
    gs_policy_free(scratch);
    gs_arena_free(a);
    return rc;
}
