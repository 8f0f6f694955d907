/*
 * holding.c - the holder's operations on items, users and compromise
 * reports; see holding.h. Every function here expects an open node
 * transaction and leaves committing to the caller.
 */
#include "node/holding.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/log.h"
#include "node/covenant.h"
#include "node/exchange.h"
#include "policy/scheme.h"

/* The labels as the store keeps them: a JSON array. */
static char *labels_json(const struct gs_label *const *labels, size_t n)
{
    json_t *arr = json_array();
    char *s;
    size_t i;

    for (i = 0; i < n; i++)
        json_array_append_new(arr, gs_label_to_json(labels[i]));
    s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

/* The stored labels back as labels, allocated in a. */
static int labels_parse(const struct gs_node *n, const char *text,
                        struct gs_arena *a, const struct gs_label ***out,
                        size_t *count)
{
    json_error_t err;
    json_t *arr = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    struct gs_jctx c = {NULL, NULL};
    struct gs_label **ls;
    size_t i, k;
    int rc = 0;

    *out = NULL;
    *count = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > GS_ITEM_MAX_LABELS) {
        json_decref(arr);
        return GS_ERR_INVALID;
    }
    k = json_array_size(arr);
    ls = gs_arena_alloc(a, k, sizeof(*ls));
    for (i = 0; i < k && rc == 0; i++)
        rc = gs_label_from_json(n->policy, &c, json_array_get(arr, i), a,
                                &ls[i]);
    json_decref(arr);
    if (rc < 0)
        return rc;
    *out = (const struct gs_label **)ls;
    *count = k;
    return 0;
}

char *gs_hold_marking(const struct gs_node *n,
                      const struct gs_label *const *labels, size_t count)
{
    const struct gs_scheme *mine = gs_policy_scheme(n->policy, n->cfg.nation);
    const struct gs_scheme *theirs;
    const char *word = NULL;
    struct gs_label dom;
    struct gs_arena *a = gs_arena_new();
    struct gs_buf b;
    gs_time_t now = gs_time_now();
    size_t i;
    char *s;

    gs_buf_init(&b, 4096);
    if (gs_label_dominant(labels, count, a, &dom, NULL) < 0) {
        gs_arena_free(a);
        return gs_strdup("(unmarkable: contributors disagree)");
    }
    if (strcmp(dom.originator, n->cfg.nation) == 0 && count == 1) {
        gs_label_marking(&dom, &b);
        goto out;
    }
    /* Our word: the agreement's with the originator, else our scheme's. */
    for (i = 0; i < n->policy->n_agreements && word == NULL; i++) {
        const struct gs_agreement *ag = n->policy->agreements[i];

        if (gs_agreement_is_party(ag, dom.originator) &&
            gs_agreement_is_party(ag, n->cfg.nation) &&
            gs_agreement_in_force(ag, now))
            word = gs_agreement_word(ag, dom.rank, n->cfg.nation);
    }
    for (i = 0; mine != NULL && i < mine->n_levels && word == NULL; i++)
        if (mine->levels[i].rank == dom.rank)
            word = mine->levels[i].word;
    theirs = gs_policy_scheme(n->policy, dom.originator);
    gs_buf_printf(&b, "%s — %s: ", word != NULL ? word : "?",
                  theirs != NULL ? theirs->government : dom.originator);
    gs_label_marking(&dom, &b);
out:
    s = gs_strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    gs_arena_free(a);
    return s;
}

static void id_hex(const uint8_t *id, char out[GS_ITEM_ID_HEX])
{
    gs_item_id_hex(id, out);
}

/* Stores an item already decoded and checked, with its relations. */
static int store_item(struct gs_node *n, const struct gs_item *it,
                      const uint8_t *env, size_t len, const char *source)
{
    struct gs_store_item m;
    size_t i;
    int rc;

    memset(&m, 0, sizeof(m));
    memcpy(m.id, it->id, GS_ITEM_ID_LEN);
    m.kind = it->kind;
    memcpy(m.originator, it->originator, GS_NATION_SIZE);
    m.created = it->created;
    m.received = gs_time_now();
    snprintf(m.source, sizeof(m.source), "%s", source);
    m.state = GS_STATE_ACTIVE;
    m.labels = labels_json(it->labels, it->n_labels);
    m.marking = gs_hold_marking(n, it->labels, it->n_labels);
    rc = gs_store_item_put(n->store, &m, env, len);
    for (i = 0; rc == 0 && i < it->body->n_parents; i++)
        rc = gs_store_relation_add(n->store, it->id, it->body->parents[i].data,
                                   (enum gs_relation)it->body->relation);
    gs_free(m.labels);
    gs_free(m.marking);
    return rc;
}

/* Seals, checks and stores a new item of ours; records action. */
static int store_new(struct gs_node *n, Gsomia__ItemBody *body,
                     const char *actor, const char *action, const char *detail,
                     uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    struct gs_audit_record r;
    struct gs_item *it = NULL;
    struct gs_buf env;
    int rc;

    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    rc = gs_item_seal(body, &n->signer, gs_time_now(), &env, id);
    if (rc == GS_ERR_TOO_BIG)
        gs_diag_error(d, NULL, "the item would be larger than %u bytes",
                      GS_ITEM_MAX_BYTES);
    /* Our own items pass the same checks as anyone's. */
    if (rc == 0)
        rc = gs_item_decode(n->policy, env.data, env.len, &it, d);
    if (rc == 0)
        rc = store_item(n, it, env.data, env.len, "local");
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        r.action = action;
        r.actor = actor;
        r.item = id;
        r.detail = detail;
        rc = gs_node_audit(n, &r);
    }
    gs_item_free(it);
    gs_buf_free(&env);
    return rc;
}

int gs_hold_create(struct gs_node *n, Gsomia__ItemBody *body, const char *actor,
                   uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    enum gs_kind kind;
    char detail[128];

    if (gs_item_kind_from_pb(body->kind, &kind) < 0)
        return GS_ERR_INVALID;
    snprintf(detail, sizeof(detail), "%s item made here", gs_kind_name(kind));
    return store_new(n, body, actor, GS_AUDIT_CREATE, detail, id, d);
}

/* The lowest classified word of our scheme at rank (or above). */
static const char *our_word(const struct gs_node *n, int rank)
{
    const struct gs_scheme *s = gs_policy_scheme(n->policy, n->cfg.nation);
    size_t i;
    int r;

    for (r = rank; s != NULL && r <= GS_RANK_MAX; r++)
        for (i = 0; i < s->n_levels; i++)
            if (s->levels[i].rank == r)
                return s->levels[i].word;
    return NULL;
}

int gs_hold_report_compromise(struct gs_node *n, const uint8_t *item,
                              const char *to, const char *reason,
                              const char *detail, struct gs_diag *d)
{
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Compromise c = GSOMIA__COMPROMISE__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    struct gs_label l;
    struct gs_arena *a = gs_arena_new();
    char rel[1][GS_NATION_SIZE];
    uint8_t id[GS_ITEM_ID_LEN];
    struct gs_audit_record r;
    int rc;

    /* A report of our own, CONFIDENTIAL in our words, for the originator
     * only. */
    memset(&l, 0, sizeof(l));
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.classification = our_word(n, GS_RANK_CONFIDENTIAL);
    l.rank = GS_RANK_CONFIDENTIAL;
    memcpy(rel[0], to, GS_NATION_SIZE);
    l.releasable_to = rel;
    l.n_releasable_to = 1;
    l.purpose = "security-incident";
    l.created = gs_time_now();
    gs_item_label_to_pb(&l, a, &pb);
    body.kind = GSOMIA__KIND__COMPROMISE;
    body.labels = pbs;
    body.n_labels = 1;
    body.relation = GSOMIA__RELATION__ORIGINAL;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_COMPROMISE;
    body.compromise = &c;
    if (item != NULL) {
        c.item.data = (uint8_t *)item;
        c.item.len = GS_ITEM_ID_LEN;
    }
    c.addressed_to = (char *)to;
    c.reason = (char *)reason;
    c.detail = (char *)detail;
    c.detected_us = l.created;
    rc = store_new(n, &body, "node", GS_AUDIT_COMPROMISE, detail, id, d);
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_COMPROMISE;
        r.item = item;
        r.peer = to;
        r.reason = reason;
        r.detail = "compromise report made for the originator (Art. 17)";
        rc = gs_node_audit(n, &r);
    }
    gs_arena_free(a);
    return rc;
}

/* The nation an undecodable item claims to come from, if any. */
static bool claimed_originator(const uint8_t *buf, size_t len, char out[4])
{
    Gsomia__Envelope *env;
    bool ok = false;

    if (len > GS_ITEM_MAX_BYTES)
        return false;
    env = gsomia__envelope__unpack(NULL, len, buf);
    if (env != NULL && env->n_signatures > 0 &&
        gs_nation_valid(env->signatures[0]->nation)) {
        memcpy(out, env->signatures[0]->nation, GS_NATION_SIZE);
        ok = true;
    }
    if (env != NULL)
        gsomia__envelope__free_unpacked(env, NULL);
    return ok;
}

static int apply_change(struct gs_node *n, const struct gs_item *change);

/*
 * An agreement already held arrives again, perhaps with more signatures:
 * keep every valid signature of both copies. GS_ERR_EXISTS when the new
 * copy adds none.
 */
static int merge_signatures(struct gs_node *n, const struct gs_item *it,
                            const char *actor, const char *peer)
{
    struct gs_buf held, merged;
    struct gs_item *old = NULL;
    struct gs_audit_record r;
    size_t count = 0;
    int rc;

    gs_buf_init(&held, GS_ITEM_MAX_BYTES);
    gs_buf_init(&merged, GS_ITEM_MAX_BYTES);
    rc = gs_store_item_get(n->store, it->id, NULL, &held);
    if (rc == 0)
        rc = gs_item_decode(n->policy, held.data, held.len, &old, NULL);
    if (rc == 0)
        rc = gs_item_merge_signatures(old, it, &n->keyring, &merged, &count);
    if (rc == 0 && count <= old->env->n_signatures)
        rc = GS_ERR_EXISTS;
    if (rc == 0)
        rc = gs_store_item_replace(n->store, it->id, merged.data, merged.len);
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_COSIGN;
        r.actor = actor;
        r.item = it->id;
        r.peer = peer;
        r.detail = "a copy of the agreement with more signatures was received";
        rc = gs_node_audit(n, &r);
    }
    if (rc == 0)
        rc = gs_node_load_policy(n);
    /* Pass the new signatures on (not back to whoever sent them). */
    if (rc == 0)
        rc = gs_exchange_requeue(n, it->id, peer);
    gs_item_free(old);
    gs_buf_free(&held);
    gs_buf_free(&merged);
    return rc;
}

int gs_hold_receive(struct gs_node *n, const uint8_t *buf, size_t len,
                    const char *source, const char *actor,
                    uint8_t id[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    struct gs_audit_record r;
    struct gs_item *it = NULL;
    struct gs_diag why;
    char origin[GS_NATION_SIZE] = "", detail[512];
    const char *peer = gs_nation_valid(source) ? source : NULL;
    int rc, bad;

    memset(id, 0, GS_ITEM_ID_LEN);
    gs_diag_init(&why);
    rc = gs_item_decode(n->policy, buf, len, &it, &why);
    if (rc == 0) {
        memcpy(id, it->id, GS_ITEM_ID_LEN);
        memcpy(origin, it->originator, GS_NATION_SIZE);
        rc = gs_item_verify(it, &n->keyring, &why);
    } else if (!claimed_originator(buf, len, origin)) {
        origin[0] = '\0';
    }
    if (rc < 0) {
        /* Record the failure, tell the originator, keep nothing. */
        bad = rc;
        snprintf(detail, sizeof(detail), "rejected: %s", gs_diag_first(&why));
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_VERIFY_FAILED;
        r.actor = actor;
        r.item = it != NULL ? id : NULL;
        r.peer = peer;
        r.decision = "deny";
        r.detail = detail;
        rc = gs_node_audit(n, &r);
        if (rc == 0 && origin[0] != '\0' && strcmp(origin, n->cfg.nation) != 0)
            rc = gs_hold_report_compromise(
                n, it != NULL ? id : NULL, origin,
                bad == GS_ERR_VERIFY ? "BAD_SIGNATURE" : "MALFORMED_ITEM",
                detail, d);
        gs_diag_error(d, NULL, "%s", gs_diag_first(&why));
        gs_diag_free(&why);
        gs_item_free(it);
        return rc < 0 ? rc : bad;
    }
    gs_diag_free(&why);
    rc = gs_hold_receive_checked(n, it, buf, len, source, actor);
    gs_item_free(it);
    return rc;
}

int gs_hold_receive_checked(struct gs_node *n, const struct gs_item *it,
                            const uint8_t *buf, size_t len, const char *source,
                            const char *actor)
{
    struct gs_audit_record r;
    const char *peer = gs_nation_valid(source) ? source : NULL;
    char detail[512];
    int rc;

    rc = store_item(n, it, buf, len, source);
    if (rc == GS_ERR_EXISTS && it->kind == GS_KIND_AGREEMENT)
        rc = merge_signatures(n, it, actor, peer);
    else if (rc == GS_ERR_EXISTS) {
        return rc;
    } else if (rc == 0 &&
               (it->kind == GS_KIND_AGREEMENT || it->kind == GS_KIND_CONSENT ||
                it->kind == GS_KIND_REVOCATION)) {
        rc = gs_node_load_policy(n);
    } else if (rc == 0 && (it->kind == GS_KIND_RECLASSIFICATION ||
                           it->kind == GS_KIND_RETRACTION)) {
        rc = apply_change(n, it);
    }
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_RECEIPT;
        r.actor = actor;
        r.item = it->id;
        r.peer = peer;
        snprintf(detail, sizeof(detail), "%s item of %s, from %s",
                 gs_kind_name(it->kind), it->originator, source);
        r.detail = detail;
        rc = gs_node_audit(n, &r);
    }
    return rc;
}

int gs_hold_user(struct gs_node *n, const char *name, struct gs_arena *a,
                 struct gs_user **out, struct gs_diag *d)
{
    struct gs_store_user row;
    json_error_t err;
    json_t *v;
    struct gs_jctx c = {NULL, d};
    int rc;

    *out = NULL;
    rc = gs_store_user_get(n->store, name, &row);
    if (rc == GS_ERR_NOT_FOUND) {
        gs_diag_error(d, NULL,
                      "no user \"%s\" is in the register of cleared "
                      "people; add one with `gsomia user add`",
                      name);
        return rc;
    }
    if (rc < 0)
        return rc;
    v = json_loads(row.json, JSON_REJECT_DUPLICATES, &err);
    rc = v != NULL ? gs_user_from_json(n->policy, &c, v, a, out)
                   : GS_ERR_INVALID;
    json_decref(v);
    gs_store_user_free(&row);
    return rc;
}

int gs_hold_user_put(struct gs_node *n, const json_t *user, const char *actor,
                     struct gs_diag *d)
{
    struct gs_jctx c = {NULL, d};
    struct gs_arena *a = gs_arena_new();
    struct gs_audit_record r;
    struct gs_user *u;
    char *json = NULL, detail[512];
    int rc = gs_user_from_json(n->policy, &c, user, a, &u);

    if (rc == 0) {
        json = json_dumps(user, JSON_COMPACT | JSON_SORT_KEYS);
        rc = gs_store_user_put(n->store, u->name, json, gs_time_now());
    }
    if (rc == 0) {
        memset(&r, 0, sizeof(r));
        snprintf(detail, sizeof(detail), "%s (%s) registered with clearance %s",
                 u->name, u->nationality, u->clearance);
        r.action = GS_AUDIT_USER;
        r.actor = actor;
        r.detail = detail;
        rc = gs_node_audit(n, &r);
    }
    gs_free(json);
    gs_arena_free(a);
    return rc;
}

/* Records an access decision; on a denial of a partner's item, reports it
 * to each foreign originator (a forbidden access attempt, Art. 17). */
static int record_access(struct gs_node *n, const uint8_t *id, const char *user,
                         const char *what, const struct gs_decision *dec,
                         const struct gs_label *const *labels, size_t count,
                         struct gs_diag *d)
{
    struct gs_audit_record r;
    char detail[GS_DETAIL_MAX + 32];
    size_t i, j;
    int rc;

    memset(&r, 0, sizeof(r));
    snprintf(detail, sizeof(detail), "%s: %s", what, dec->detail);
    r.action = GS_AUDIT_ACCESS;
    r.actor = user;
    r.item = id;
    r.decision = gs_decision_allowed(dec) ? "allow" : "deny";
    r.reason = gs_reason_code(dec->reason);
    r.detail = detail;
    rc = gs_node_audit(n, &r);
    if (rc < 0 || gs_decision_allowed(dec) ||
        dec->reason == GS_REASON_ITEM_NOT_ACTIVE)
        return rc;
    for (i = 0; rc == 0 && i < count; i++) {
        const char *o = labels[i]->originator;
        bool seen = strcmp(o, n->cfg.nation) == 0;

        for (j = 0; j < i && !seen; j++)
            seen = strcmp(labels[j]->originator, o) == 0;
        if (!seen)
            rc =
                gs_hold_report_compromise(n, id, o, "ACCESS_DENIED", detail, d);
    }
    return rc;
}

int gs_hold_read(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                 const char *user, const char *what, struct gs_item **out,
                 struct gs_store_item *meta, struct gs_decision *dec,
                 struct gs_diag *d)
{
    struct gs_store_item m;
    struct gs_arena *a = gs_arena_new();
    struct gs_buf env;
    struct gs_user *u = NULL;
    const struct gs_label **labels = NULL;
    struct gs_item_ref ref;
    size_t count = 0;
    char hex[GS_ITEM_ID_HEX];
    int rc;

    *out = NULL;
    memset(&m, 0, sizeof(m));
    memset(dec, 0, sizeof(*dec));
    dec->reason = GS_REASON_MALFORMED;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    rc = gs_store_item_get(n->store, id, &m, &env);
    if (rc == GS_ERR_NOT_FOUND) {
        id_hex(id, hex);
        gs_diag_error(d, NULL, "no item %s is held here", hex);
        goto out;
    }
    if (rc == 0)
        rc = labels_parse(n, m.labels, a, &labels, &count);
    if (rc < 0)
        goto out;
    rc = gs_hold_user(n, user, a, &u, d);
    if (rc < 0) {
        /* Someone not in the register asked: record it as a denial. */
        snprintf(dec->detail, sizeof(dec->detail),
                 "\"%s\" is not in the register of cleared people", user);
        dec->reason = GS_REASON_MALFORMED;
        rc = record_access(n, id, user, what, dec, labels, count, d);
        rc = rc < 0 ? rc : GS_ERR_DENIED;
        goto out;
    }
    id_hex(id, hex);
    ref.id = hex;
    ref.kind = m.kind;
    ref.state = m.state;
    ref.labels = labels;
    ref.n_labels = count;
    rc = gs_decide_access(n->policy, n->cfg.nation, u, &ref, dec);
    if (rc == 0)
        rc = record_access(n, id, u->name, what, dec, labels, count, d);
    if (rc < 0)
        goto out;
    if (!gs_decision_allowed(dec)) {
        gs_diag_error(d, NULL, "denied (%s): %s", gs_reason_code(dec->reason),
                      dec->detail);
        rc = GS_ERR_DENIED;
        goto out;
    }
    rc = gs_item_decode(n->policy, env.data, env.len, out, d);
    if (rc == 0 && meta != NULL) {
        *meta = m;
        memset(&m, 0, sizeof(m)); /* transferred */
    }
out:
    gs_store_item_free(&m);
    gs_buf_free_secret(&env);
    gs_arena_free(a);
    return rc;
}

int gs_hold_copy(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                 const char *user, uint8_t copy[GS_ITEM_ID_LEN],
                 struct gs_decision *dec, struct gs_diag *d)
{
    Gsomia__ItemBody body;
    ProtobufCBinaryData parent;
    struct gs_item *it;
    char hex[GS_ITEM_ID_HEX], detail[128];
    int rc = gs_hold_read(n, id, user, "copy", &it, NULL, dec, d);

    if (rc < 0)
        return rc;
    /* The same labels and payload; a new envelope signed here. */
    body = *it->body;
    parent.data = it->id;
    parent.len = GS_ITEM_ID_LEN;
    body.parents = &parent;
    body.n_parents = 1;
    body.relation = GSOMIA__RELATION__COPY;
    body.language = (char *)"";
    body.supersedes.len = 0;
    id_hex(id, hex);
    snprintf(detail, sizeof(detail), "copy of %s", hex);
    rc = store_new(n, &body, user, GS_AUDIT_COPY, detail, copy, d);
    gs_item_free(it);
    return rc;
}

int gs_hold_translate(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                      const char *user, const char *lang, const uint8_t *text,
                      size_t len, uint8_t out_id[GS_ITEM_ID_LEN],
                      struct gs_decision *dec, struct gs_diag *d)
{
    Gsomia__ItemBody body;
    Gsomia__Report report;
    Gsomia__Document doc;
    ProtobufCBinaryData parent;
    struct gs_item *it;
    char *s = NULL, hex[GS_ITEM_ID_HEX], detail[160];
    int rc = gs_hold_read(n, id, user, "translate", &it, NULL, dec, d);

    if (rc < 0)
        return rc;
    body = *it->body;
    if (it->kind == GS_KIND_REPORT) {
        /* The translated text replaces the body; attachments are not
         * translated with it. */
        report = *it->body->report;
        s = gs_strndup((const char *)text, len);
        if (strlen(s) != len) {
            gs_diag_error(d, NULL, "the translation contains a NUL byte");
            rc = GS_ERR_INVALID;
            goto out;
        }
        report.body = s;
        report.attachments = NULL;
        report.n_attachments = 0;
        body.report = &report;
    } else if (it->kind == GS_KIND_DOCUMENT) {
        doc = *it->body->document;
        doc.data.data = (uint8_t *)text;
        doc.data.len = len;
        body.document = &doc;
    } else {
        gs_diag_error(d, NULL,
                      "only reports and documents are translated, not a %s",
                      gs_kind_name(it->kind));
        rc = GS_ERR_INVALID;
        goto out;
    }
    parent.data = it->id;
    parent.len = GS_ITEM_ID_LEN;
    body.parents = &parent;
    body.n_parents = 1;
    body.relation = GSOMIA__RELATION__TRANSLATION;
    body.language = (char *)lang;
    body.supersedes.len = 0;
    id_hex(id, hex);
    snprintf(detail, sizeof(detail), "translation into %s of %s", lang, hex);
    rc = store_new(n, &body, user, GS_AUDIT_TRANSLATION, detail, out_id, d);
out:
    gs_free(s);
    gs_item_free(it);
    return rc;
}

int gs_hold_destroy(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *operator_, const char *witness,
                    const char *method, uint8_t record[GS_ITEM_ID_LEN],
                    struct gs_diag *d)
{
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Destruction x = GSOMIA__DESTRUCTION__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    struct gs_arena *a = gs_arena_new();
    struct gs_store_item m;
    struct gs_user *op, *wit;
    const struct gs_label **labels;
    struct gs_label l, dom;
    char rel[GS_ITEM_MAX_LABELS][GS_NATION_SIZE];
    char hex[GS_ITEM_ID_HEX], detail[256];
    size_t count, i;
    int rc;

    memset(&m, 0, sizeof(m));
    if (strcmp(operator_, witness) == 0) {
        gs_diag_error(d, NULL,
                      "the operator and the witness must be two "
                      "different people");
        rc = GS_ERR_INVALID;
        goto out;
    }
    rc = gs_hold_user(n, operator_, a, &op, d);
    if (rc == 0)
        rc = gs_hold_user(n, witness, a, &wit, d);
    if (rc == 0) {
        rc = gs_store_item_get(n->store, id, &m, NULL);
        if (rc == GS_ERR_NOT_FOUND) {
            id_hex(id, hex);
            gs_diag_error(d, NULL, "no item %s is held here", hex);
        }
    }
    if (rc == 0 && m.state == GS_STATE_DESTROYED) {
        gs_diag_error(d, NULL, "the item was already destroyed");
        rc = GS_ERR_STATE;
    }
    if (rc == 0)
        rc = labels_parse(n, m.labels, a, &labels, &count);
    if (rc == 0)
        rc = gs_label_dominant(labels, count, a, &dom, d);
    if (rc < 0)
        goto out;
    rc = gs_store_item_erase(n->store, id);
    if (rc == 0)
        rc = gs_store_item_set_state(n->store, id, GS_STATE_DESTROYED);
    if (rc < 0)
        goto out;
    /* The record: ours, at the item's level in our words, releasable to
     * the originators, for the item's purpose. */
    memset(&l, 0, sizeof(l));
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.rank = dom.rank;
    l.classification = our_word(n, dom.rank);
    l.releasable_to = rel;
    for (i = 0; i < count; i++)
        if (strcmp(labels[i]->originator, n->cfg.nation) != 0 &&
            !gs_label_releasable(&l, labels[i]->originator))
            memcpy(rel[l.n_releasable_to++], labels[i]->originator,
                   GS_NATION_SIZE);
    l.purpose = dom.purpose;
    l.created = gs_time_now();
    gs_item_label_to_pb(&l, a, &pb);
    body.kind = GSOMIA__KIND__DESTRUCTION;
    body.labels = pbs;
    body.n_labels = 1;
    body.relation = GSOMIA__RELATION__ORIGINAL;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_DESTRUCTION;
    body.destruction = &x;
    x.item.data = (uint8_t *)id;
    x.item.len = GS_ITEM_ID_LEN;
    x.operator_ = (char *)op->name;
    x.witness = (char *)wit->name;
    x.method = (char *)method;
    x.time_us = l.created;
    id_hex(id, hex);
    snprintf(detail, sizeof(detail), "the destruction record of %s", hex);
    rc = store_new(n, &body, op->name, GS_AUDIT_CREATE, detail, record, d);
    if (rc == 0) {
        struct gs_audit_record r;

        id_hex(record, hex);
        snprintf(detail, sizeof(detail),
                 "destroyed by %s, witnessed by %s "
                 "(%s): its content key is erased; record %s",
                 op->name, wit->name, method, hex);
        memset(&r, 0, sizeof(r));
        r.action = GS_AUDIT_DESTRUCTION;
        r.actor = op->name;
        r.item = id;
        r.detail = detail;
        rc = gs_node_audit(n, &r);
    }
out:
    gs_store_item_free(&m);
    gs_arena_free(a);
    return rc;
}

/*
 * Policy objects, compromise reports and destruction records are not
 * information released under an agreement but messages addressed to the
 * nations their label names (covenant.h): they go to those, and no one
 * else.
 */
static int released_to(void *ctx, const char *nation, gs_time_t at)
{
    (void)at;
    return strcmp(nation, ctx) == 0 ? 1 : 0;
}

/* A reclassification or retraction goes wherever its item went. */
static bool follows_item(const struct gs_node *n, const struct gs_store_item *m,
                         const char *to)
{
    struct gs_buf env;
    struct gs_item *it = NULL;
    const uint8_t *target = NULL;
    bool yes = false;

    if (m->kind != GS_KIND_RECLASSIFICATION && m->kind != GS_KIND_RETRACTION)
        return false;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    if (gs_store_item_get(n->store, m->id, NULL, &env) == 0 &&
        gs_item_decode(n->policy, env.data, env.len, &it, NULL) == 0) {
        target = m->kind == GS_KIND_RECLASSIFICATION
                     ? it->body->reclassification->item.data
                     : it->body->retraction->item.data;
        yes = gs_store_releases(n->store, target, released_to, (void *)to) == 1;
    }
    gs_item_free(it);
    gs_buf_free(&env);
    return yes;
}

static int decide_addressed(const struct gs_node *n,
                            const struct gs_store_item *m,
                            const struct gs_label **labels, size_t count,
                            const char *to, struct gs_decision *dec)
{
    memset(dec, 0, sizeof(*dec));
    if (m->state != GS_STATE_ACTIVE) {
        dec->reason = GS_REASON_ITEM_NOT_ACTIVE;
        snprintf(dec->detail, sizeof(dec->detail), "the %s is %s",
                 gs_kind_name(m->kind), gs_item_state_name(m->state));
    } else if (count == 1 &&
               (gs_label_releasable(labels[0], to) || follows_item(n, m, to))) {
        dec->reason = GS_REASON_ALLOWED;
        snprintf(dec->detail, sizeof(dec->detail), "%s item addressed to %s",
                 gs_kind_name(m->kind), to);
        snprintf(dec->marking, sizeof(dec->marking), "%s",
                 labels[0]->classification);
    } else {
        dec->reason = GS_REASON_NOT_RELEASABLE;
        snprintf(dec->detail, sizeof(dec->detail),
                 "this %s is not addressed to %s", gs_kind_name(m->kind), to);
    }
    return 0;
}

/* The release decision for id to `to`; records it (an allowed one only
 * when `sending`); when sending and allowed, env gets the envelope and the
 * inventory the release. */
static int release(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                   const char *to, bool sending, struct gs_buf *env,
                   struct gs_decision *dec, struct gs_diag *d)
{
    struct gs_store_item m;
    struct gs_arena *a = gs_arena_new();
    const struct gs_label **labels = NULL;
    struct gs_audit_record r;
    struct gs_item_ref ref;
    char hex[GS_ITEM_ID_HEX], detail[GS_DETAIL_MAX + 64];
    gs_time_t now = gs_time_now();
    size_t count = 0;
    int rc;

    memset(&m, 0, sizeof(m));
    memset(dec, 0, sizeof(*dec));
    dec->reason = GS_REASON_MALFORMED;
    if (!gs_nation_valid(to)) {
        gs_diag_error(d, NULL, "\"%s\" is not a nation code", to);
        rc = GS_ERR_INVALID;
        goto out;
    }
    rc = gs_store_item_get(n->store, id, &m, sending ? env : NULL);
    if (rc == GS_ERR_NOT_FOUND) {
        gs_item_id_hex(id, hex);
        gs_diag_error(d, NULL, "no item %s is held here", hex);
    }
    if (rc == 0)
        rc = labels_parse(n, m.labels, a, &labels, &count);
    if (rc < 0)
        goto out;
    gs_item_id_hex(id, hex);
    ref.id = hex;
    ref.kind = m.kind;
    ref.state = m.state;
    ref.labels = labels;
    ref.n_labels = count;
    if (gs_kind_is_addressed(m.kind))
        rc = decide_addressed(n, &m, labels, count, to, dec);
    else
        rc = gs_decide_release(n->policy, n->cfg.nation, to, now, &ref, dec);
    if (rc < 0 && dec->reason != GS_REASON_MALFORMED)
        goto out;
    if (!sending && gs_decision_allowed(dec)) {
        rc = 0; /* recorded when it is actually sent */
        goto out;
    }
    memset(&r, 0, sizeof(r));
    snprintf(detail, sizeof(detail), "%s", dec->detail);
    r.time = now;
    r.action = GS_AUDIT_RELEASE;
    r.item = id;
    r.peer = to;
    r.decision = gs_decision_allowed(dec) ? "allow" : "deny";
    r.reason = gs_reason_code(dec->reason);
    r.detail = detail;
    rc = gs_node_audit(n, &r);
    if (rc == 0 && gs_decision_allowed(dec))
        rc = gs_store_release_add(n->store, id, to, now);
    if (rc == 0 && !gs_decision_allowed(dec)) {
        gs_diag_error(d, NULL, "release to %s denied (%s): %s", to,
                      gs_reason_code(dec->reason), dec->detail);
        if (env != NULL)
            gs_buf_reset(env);
        rc = GS_ERR_DENIED;
    }
out:
    gs_store_item_free(&m);
    gs_arena_free(a);
    return rc;
}

int gs_hold_release(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *to, struct gs_buf *env, struct gs_decision *dec,
                    struct gs_diag *d)
{
    return release(n, id, to, true, env, dec, d);
}

int gs_hold_release_check(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                          const char *to, struct gs_decision *dec,
                          struct gs_diag *d)
{
    return release(n, id, to, false, NULL, dec, d);
}

/* Relabels (or retracts) item target and its copies and translations. */
struct change_ctx {
    uint8_t (*ids)[GS_ITEM_ID_LEN];
    size_t n;
};

static int collect_children(void *ctx, const uint8_t child[GS_ITEM_ID_LEN],
                            enum gs_relation rel)
{
    struct change_ctx *c = ctx;

    if (rel == GS_REL_COPY || rel == GS_REL_TRANSLATION) {
        c->ids = gs_reallocarray(c->ids, c->n + 1, sizeof(*c->ids));
        memcpy(c->ids[c->n++], child, GS_ITEM_ID_LEN);
    }
    return 0;
}

/*
 * Applies a reclassification or retraction item `change` (already checked
 * and stored) to what it concerns, if held here and made by the same
 * originator. Recorded. An unknown target is not an error: the change is
 * kept for the record.
 */
static int apply_change(struct gs_node *n, const struct gs_item *change)
{
    const Gsomia__ItemBody *b = change->body;
    const uint8_t *target = change->kind == GS_KIND_RECLASSIFICATION
                                ? b->reclassification->item.data
                                : b->retraction->item.data;
    struct change_ctx cc = {NULL, 0};
    struct gs_store_item m;
    struct gs_arena *a = gs_arena_new();
    struct gs_label *l = NULL;
    const struct gs_label *ls[1];
    struct gs_audit_record r;
    char *labels = NULL, *marking = NULL, detail[512];
    size_t i;
    int rc;

    memset(&m, 0, sizeof(m));
    rc = gs_store_item_get(n->store, target, &m, NULL);
    if (rc == GS_ERR_NOT_FOUND) {
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    if (strcmp(m.originator, change->originator) != 0) {
        GS_LOG_WARN("%s tried to change an item of %s: ignored",
                    change->originator, m.originator);
        goto out;
    }
    memset(&r, 0, sizeof(r));
    r.item = target;
    if (change->kind == GS_KIND_RECLASSIFICATION) {
        rc = gs_item_label_from_pb(n->policy, b->reclassification->label, a, &l,
                                   NULL);
        if (rc < 0 || strcmp(l->originator, change->originator) != 0) {
            rc = 0; /* checked when the change was made; skip if not */
            goto out;
        }
        ls[0] = l;
        labels = labels_json(ls, 1);
        marking = gs_hold_marking(n, ls, 1);
        snprintf(detail, sizeof(detail), "reclassified by %s: %s (was %s)%s%s",
                 change->originator, marking, m.marking ? m.marking : "?",
                 b->reclassification->reason[0] ? "; " : "",
                 b->reclassification->reason);
        r.action = GS_AUDIT_RECLASSIFICATION;
    } else {
        snprintf(detail, sizeof(detail), "retracted by %s%s%s",
                 change->originator, b->retraction->reason[0] ? ": " : "",
                 b->retraction->reason);
        r.action = GS_AUDIT_RETRACTION;
    }
    rc = gs_store_children(n->store, target, collect_children, &cc);
    /* The item itself, then each copy and translation of it. */
    for (i = 0; rc == 0 && i <= cc.n; i++) {
        const uint8_t *id = i == 0 ? target : cc.ids[i - 1];

        if (change->kind == GS_KIND_RECLASSIFICATION)
            rc = gs_store_item_relabel(n->store, id, labels, marking);
        else
            rc = gs_store_item_set_state(n->store, id, GS_STATE_RETRACTED);
        if (rc == 0) {
            r.item = id;
            r.detail = detail;
            rc = gs_node_audit(n, &r);
        }
    }
out:
    gs_free(cc.ids);
    gs_free(labels);
    gs_free(marking);
    gs_store_item_free(&m);
    gs_arena_free(a);
    return rc;
}

/* Makes and applies a change of kind to an item this node originated. */
static int make_change(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                       enum gs_kind kind, const struct gs_label *label,
                       const char *reason, const char *actor,
                       uint8_t change[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Reclassification rc_pb = GSOMIA__RECLASSIFICATION__INIT;
    Gsomia__Retraction rt_pb = GSOMIA__RETRACTION__INIT;
    Gsomia__Label pb, newpb, *pbs[1] = {&pb};
    struct gs_arena *a = gs_arena_new();
    struct gs_store_item m;
    struct gs_label l;
    struct gs_buf env;
    struct gs_item *it = NULL;
    char hex[GS_ITEM_ID_HEX], detail[160];
    int rc;

    memset(&m, 0, sizeof(m));
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    rc = gs_store_item_get(n->store, id, &m, NULL);
    if (rc == GS_ERR_NOT_FOUND) {
        gs_item_id_hex(id, hex);
        gs_diag_error(d, NULL, "no item %s is held here", hex);
    }
    if (rc == 0 && strcmp(m.originator, n->cfg.nation) != 0) {
        gs_diag_error(d, NULL,
                      "only the originator (%s) changes the "
                      "classification of its item or retracts it",
                      m.originator);
        rc = GS_ERR_DENIED;
    }
    if (rc == 0 && label != NULL &&
        strcmp(label->originator, n->cfg.nation) != 0) {
        gs_diag_error(d, NULL, "the new label's originator must be %s",
                      n->cfg.nation);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0 && m.state != GS_STATE_ACTIVE) {
        gs_diag_error(d, NULL, "the item is %s", gs_item_state_name(m.state));
        rc = GS_ERR_STATE;
    }
    if (rc < 0)
        goto out;
    /* UNCLASSIFIED, for the nations of the new label; a change also goes
     * wherever the item went (decide_addressed). */
    memset(&l, 0, sizeof(l));
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.classification = "UNCLASSIFIED";
    l.purpose = "policy";
    l.created = gs_time_now();
    if (label != NULL) {
        l.releasable_to = label->releasable_to;
        l.n_releasable_to = label->n_releasable_to;
    }
    gs_item_label_to_pb(&l, a, &pb);
    body.labels = pbs;
    body.n_labels = 1;
    if (kind == GS_KIND_RECLASSIFICATION) {
        gs_item_label_to_pb(label, a, &newpb);
        rc_pb.item.data = (uint8_t *)id;
        rc_pb.item.len = GS_ITEM_ID_LEN;
        rc_pb.label = &newpb;
        rc_pb.reason = (char *)(reason ? reason : "");
        body.kind = GSOMIA__KIND__RECLASSIFICATION;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_RECLASSIFICATION;
        body.reclassification = &rc_pb;
        body.supersedes.data = (uint8_t *)id;
        body.supersedes.len = GS_ITEM_ID_LEN;
    } else {
        rt_pb.item.data = (uint8_t *)id;
        rt_pb.item.len = GS_ITEM_ID_LEN;
        rt_pb.reason = (char *)(reason ? reason : "");
        body.kind = GSOMIA__KIND__RETRACTION;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_RETRACTION;
        body.retraction = &rt_pb;
    }
    gs_item_id_hex(id, hex);
    snprintf(detail, sizeof(detail), "%s of %s", gs_kind_name(kind), hex);
    rc = store_new(n, &body, actor, GS_AUDIT_CREATE, detail, change, d);
    if (rc == 0)
        rc = gs_store_item_get(n->store, change, NULL, &env);
    if (rc == 0)
        rc = gs_item_decode(n->policy, env.data, env.len, &it, d);
    if (rc == 0)
        rc = apply_change(n, it);
out:
    gs_item_free(it);
    gs_buf_free(&env);
    gs_store_item_free(&m);
    gs_arena_free(a);
    return rc;
}

int gs_hold_reclassify(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                       const struct gs_label *label, const char *reason,
                       const char *actor, uint8_t change[GS_ITEM_ID_LEN],
                       struct gs_diag *d)
{
    return make_change(n, id, GS_KIND_RECLASSIFICATION, label, reason, actor,
                       change, d);
}

int gs_hold_retract(struct gs_node *n, const uint8_t id[GS_ITEM_ID_LEN],
                    const char *reason, const char *actor,
                    uint8_t change[GS_ITEM_ID_LEN], struct gs_diag *d)
{
    return make_change(n, id, GS_KIND_RETRACTION, NULL, reason, actor, change,
                       d);
}
