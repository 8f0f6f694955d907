/* lint.c - checks of policy files; see lint.h. */
#include "policy/lint.h"

#include <string.h>

#include "base/err.h"
#include "policy/policy.h"
#include "policy/simulate.h"

/* Objects are added in dependency order: schemes before anything that
 * uses their words, consents before their revocations. */
static const char *const order[] = {"scheme",     "agreement", "consent",
                                    "revocation", "user",      "label",
                                    "simulation"};
#define N_ORDER (sizeof(order) / sizeof(order[0]))

static int lint_object(struct gs_policy *p, const char *kind,
                       const struct gs_jdoc *doc, const json_t *v,
                       gs_time_t now, const struct gs_sim_loader *loader,
                       struct gs_diag *d)
{
    struct gs_jctx c = {doc, d};
    struct gs_arena *a;
    int rc;

    if (strcmp(kind, "scheme") == 0)
        return gs_policy_add_scheme(p, &c, v);
    if (strcmp(kind, "agreement") == 0)
        return gs_policy_add_agreement(p, &c, v);
    if (strcmp(kind, "consent") == 0)
        return gs_policy_add_consent(p, &c, v);
    if (strcmp(kind, "revocation") == 0)
        return gs_policy_add_revocation(p, &c, v);
    if (strcmp(kind, "simulation") == 0) {
        /* A simulate file is self-contained: check it on its own. */
        struct gs_jdoc sub = *doc;
        json_t *results = NULL;

        sub.root = (json_t *)v;
        rc = gs_simulate(&sub, loader, d, &results);
        json_decref(results);
        return rc;
    }
    a = gs_arena_new();
    if (strcmp(kind, "user") == 0) {
        struct gs_user *u;

        rc = gs_user_from_json(p, &c, v, a, &u);
    } else {
        struct gs_label *l;

        rc = gs_label_from_json(p, &c, v, a, &l);
        if (rc == 0 && l->has_review && l->review <= now) {
            struct gs_pos pos = gs_jpos_member(doc, v, "review");

            gs_diag_warn(d, &pos, "this label is past its review time");
        }
    }
    gs_arena_free(a);
    return rc;
}

/* Calls lint_object for each object of doc whose kind is kind. */
static int lint_kind(struct gs_policy *p, const char *kind,
                     const struct gs_jdoc *doc, gs_time_t now,
                     const struct gs_sim_loader *loader, struct gs_diag *d)
{
    const json_t *root = doc->root;
    size_t i, n = json_is_array(root) ? json_array_size(root) : 1;
    int worst = 0;

    for (i = 0; i < n; i++) {
        const json_t *v = json_is_array(root) ? json_array_get(root, i) : root;
        const char *k = gs_policy_object_kind(v);
        int rc;

        if (k == NULL || strcmp(k, kind) != 0)
            continue;
        rc = lint_object(p, kind, doc, v, now, loader, d);
        if (rc < 0)
            worst = rc;
    }
    return worst;
}

/* Reports objects that are no policy object at all. */
static int lint_unknown(const struct gs_jdoc *doc, struct gs_diag *d)
{
    const json_t *root = doc->root;
    size_t i, n = json_is_array(root) ? json_array_size(root) : 1;
    int rc = 0;

    for (i = 0; i < n; i++) {
        const json_t *v = json_is_array(root) ? json_array_get(root, i) : root;

        if (gs_policy_object_kind(v) == NULL) {
            struct gs_pos pos = json_is_array(root)
                                    ? gs_jpos_element(doc, root, i)
                                    : gs_jpos_value(doc, root);

            gs_diag_error(d, &pos,
                          "this is not a policy object: expected a scheme "
                          "(\"levels\"), agreement (\"equivalence\"), consent "
                          "(\"grantor\", \"holder\"), revocation (\"consent\", "
                          "\"at\"), user (\"clearance\"), label "
                          "(\"classification\") or simulate file (\"cases\")");
            rc = GS_ERR_INVALID;
        }
    }
    return rc;
}

static bool same_parties(const struct gs_agreement *a,
                         const struct gs_agreement *b)
{
    size_t i;

    if (a->n_parties != b->n_parties)
        return false;
    for (i = 0; i < a->n_parties; i++)
        if (!gs_agreement_is_party(b, a->parties[i]))
            return false;
    return true;
}

static void warn_overlaps(const struct gs_policy *p, struct gs_diag *d)
{
    size_t i, j;
    int rank;

    for (i = 0; i < p->n_agreements; i++) {
        for (j = i + 1; j < p->n_agreements; j++) {
            const struct gs_agreement *a = p->agreements[i];
            const struct gs_agreement *b = p->agreements[j];
            bool a_ends_first, b_ends_first;

            if (!same_parties(a, b))
                continue;
            /* Windows [in_force, terminates) overlap unless one ends before
             * the other starts. */
            a_ends_first = a->has_terminates && a->terminates <= b->in_force;
            b_ends_first = b->has_terminates && b->terminates <= a->in_force;
            if (a_ends_first || b_ends_first)
                continue;
            for (rank = 0; rank <= GS_RANK_MAX; rank++) {
                if (gs_agreement_row(a, rank) && gs_agreement_row(b, rank)) {
                    gs_diag_warn(d, NULL,
                                 "agreements %s and %s are between the same "
                                 "parties, both cover %s and are in force at "
                                 "the same time; which one governs is "
                                 "ambiguous",
                                 a->id, b->id, gs_rank_name(rank));
                    break;
                }
            }
        }
    }
}

static bool any_link(const struct gs_policy *p, const char *from,
                     const char *to, gs_time_t from_t, gs_time_t until_t)
{
    size_t i;

    for (i = 0; i < p->n_agreements; i++) {
        const struct gs_agreement *a = p->agreements[i];

        if (gs_agreement_links(a, from, to) && a->in_force < until_t &&
            (!a->has_terminates || a->terminates > from_t))
            return true;
    }
    return false;
}

static void warn_consents(const struct gs_policy *p, gs_time_t now,
                          struct gs_diag *d)
{
    char when[GS_TIME_STRLEN];
    size_t i;

    for (i = 0; i < p->n_consents; i++) {
        const struct gs_consent *k = p->consents[i];

        if (k->valid_until <= now) {
            gs_time_format(k->valid_until, when, sizeof(when));
            gs_diag_warn(d, NULL, "consent %s expired on %s", k->id, when);
        }
        /* A derivative consent passes nothing to anyone: no agreement to
         * look for. */
        if (p->n_agreements > 0 && !gs_consent_is_derivative(k) &&
            !any_link(p, k->holder, k->third_party, k->valid_from,
                      k->valid_until))
            gs_diag_warn(d, NULL,
                         "consent %s lets %s pass information to %s, but no "
                         "agreement between them is in force during its "
                         "period: it can never be used",
                         k->id, k->holder, k->third_party);
    }
}

int gs_policy_lint(const struct gs_jdoc *docs, size_t n, gs_time_t now,
                   const struct gs_sim_loader *loader, struct gs_diag *d)
{
    struct gs_policy *p = gs_policy_new();
    size_t i, k;
    int worst = 0, rc;

    for (i = 0; i < n; i++) {
        if (docs[i].root == NULL)
            continue;
        rc = lint_unknown(&docs[i], d);
        if (rc < 0)
            worst = rc;
    }
    for (k = 0; k < N_ORDER; k++) {
        for (i = 0; i < n; i++) {
            if (docs[i].root == NULL)
                continue;
            rc = lint_kind(p, order[k], &docs[i], now, loader, d);
            if (rc < 0)
                worst = rc;
        }
    }
    warn_overlaps(p, d);
    warn_consents(p, now, d);
    gs_policy_free(p);
    return worst;
}
