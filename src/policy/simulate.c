/* simulate.c - evaluate the cases of a simulate file; see simulate.h. */
#include "policy/simulate.h"

#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/text.h"
#include "policy/decide.h"
#include "policy/parse.h"
#include "policy/policy.h"

/* A case, checked and ready to evaluate: a release (to), an access (user)
 * or a derivative (derive). */
struct sim_case {
    const char *name;
    char holder[GS_NATION_SIZE], to[GS_NATION_SIZE];
    gs_time_t at;
    struct gs_user *user; /* NULL but for an access */
    bool derive;
    enum gs_derivative use; /* when derive */
    struct gs_item_ref item;
};

typedef int (*add_fn)(struct gs_policy *, const struct gs_jctx *,
                      const json_t *);

/* Adds v, or each element of v when it is an array, with add. */
static int add_value(struct gs_policy *p, const struct gs_jctx *c,
                     const json_t *v, add_fn add)
{
    size_t i;
    int rc, worst = 0;

    if (!json_is_array(v))
        return add(p, c, v);
    for (i = 0; i < json_array_size(v); i++) {
        rc = add(p, c, json_array_get(v, i));
        if (rc < 0)
            worst = rc;
    }
    return worst;
}

/* Adds each entry of the array member key with add; a string entry names
 * a file to read with the loader. */
static int add_all(struct gs_policy *p, const struct gs_jctx *c,
                   const struct gs_sim_loader *loader, const json_t *root,
                   const char *key, add_fn add)
{
    const json_t *arr;
    size_t i;
    int rc = gs_json_array(c, root, key, false, &arr), worst = 0;

    if (rc < 0 || arr == NULL)
        return rc;
    for (i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);

        if (json_is_string(v)) {
            struct gs_jdoc sub;
            struct gs_jctx sc = {&sub, c->diag};
            struct gs_pos pos = gs_jpos_element(c->doc, arr, i);

            if (loader == NULL) {
                gs_diag_error(c->diag, &pos,
                              "\"%s\" names a file, but "
                              "file references are not allowed here",
                              json_string_value(v));
                rc = GS_ERR_INVALID;
            } else {
                memset(&sub, 0, sizeof(sub));
                rc = loader->load(loader->ctx,
                                  c->doc != NULL ? c->doc->file : NULL,
                                  json_string_value(v), &sub, c->diag);
                if (rc == 0)
                    rc = add_value(p, &sc, sub.root, add);
                gs_jdoc_free(&sub);
            }
        } else {
            rc = add(p, c, v);
        }
        if (rc < 0)
            worst = rc;
    }
    return worst;
}

static int item_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                          const json_t *v, struct gs_arena *a,
                          struct gs_item_ref *x)
{
    static const char *const keys[] = {"id",    "kind",         "state",
                                       "label", "contributors", NULL};
    const char *kind, *state;
    const json_t *label = json_object_get(v, "label"), *contributors;
    struct gs_label **labels;
    struct gs_label dominant;
    struct gs_pos pos;
    size_t i, n;
    int rc;

    rc = gs_json_object(c, v, "an item", keys);
    if (rc == 0)
        rc = pj_ident(c, v, "id", true, "item id", &x->id);
    if (rc == 0)
        rc = gs_json_string(c, v, "kind", true, &kind);
    if (rc == 0)
        rc = gs_json_string(c, v, "state", true, &state);
    if (rc == 0)
        rc = gs_json_array(c, v, "contributors", false, &contributors);
    if (rc < 0)
        return rc;
    if (gs_kind_parse(kind, &x->kind) < 0) {
        pos = gs_jpos_member(c->doc, v, "kind");
        gs_diag_error(c->diag, &pos,
                      "\"%s\" is not a kind of item; use one of %s", kind,
                      gs_kind_list());
        return GS_ERR_INVALID;
    }
    if (gs_item_state_parse(state, &x->state) < 0) {
        pos = gs_jpos_member(c->doc, v, "state");
        gs_diag_error(c->diag, &pos,
                      "\"%s\" is not an item state; use "
                      "active, destroyed, retracted or superseded",
                      state);
        return GS_ERR_INVALID;
    }
    if ((label != NULL) == (contributors != NULL)) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "an item has either \"label\" (its "
                      "originator's) or \"contributors\" (the labels of a "
                      "derived item), exactly one of them");
        return GS_ERR_INVALID;
    }
    n = label != NULL ? 1 : json_array_size(contributors);
    if (n == 0) {
        pos = gs_jpos_member(c->doc, v, "contributors");
        gs_diag_error(c->diag, &pos, "\"contributors\" is empty");
        return GS_ERR_INVALID;
    }
    labels = gs_arena_alloc(a, n, sizeof(*labels));
    for (i = 0; i < n; i++) {
        rc = gs_label_from_json(
            p, c, label != NULL ? label : json_array_get(contributors, i), a,
            &labels[i]);
        if (rc < 0)
            return rc;
    }
    /* The same check the dominant label makes: one purpose for all. */
    if (gs_label_dominant((const struct gs_label *const *)labels, n, a,
                          &dominant, NULL) < 0) {
        pos = gs_jpos_member(c->doc, v, "contributors");
        gs_diag_error(c->diag, &pos,
                      "the contributors have different "
                      "purposes; information provided for one purpose "
                      "cannot be fused with another's");
        return GS_ERR_INVALID;
    }
    x->id = gs_arena_strdup(a, x->id);
    x->labels = (const struct gs_label *const *)labels;
    x->n_labels = n;
    return 0;
}

static int case_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                          const json_t *v, struct gs_arena *a,
                          struct sim_case *sc)
{
    static const char *const keys[] = {"name", "holder", "to",   "at",
                                       "user", "derive", "item", NULL};
    const json_t *user = json_object_get(v, "user"), *item;
    const char *derive = NULL;
    struct gs_pos pos;
    int rc, n_kinds;

    rc = gs_json_object(c, v, "a case", keys);
    if (rc == 0)
        rc = gs_json_string(c, v, "name", true, &sc->name);
    if (rc == 0)
        rc = pj_nation(c, v, "holder", true, sc->holder);
    if (rc == 0)
        rc = pj_nation(c, v, "to", false, sc->to);
    if (rc == 0)
        rc = gs_json_string(c, v, "derive", false, &derive);
    if (rc < 0)
        return rc;
    if (user != NULL && json_is_null(user))
        user = NULL;
    n_kinds = (sc->to[0] != '\0') + (user != NULL) + (derive != NULL);
    if (n_kinds != 1) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "a case has either \"to\" (a nation, for a release), "
                      "\"user\" (for an access) or \"derive\" (a derivative "
                      "use, for a derivative: %s), exactly one of them",
                      gs_derivative_list());
        return GS_ERR_INVALID;
    }
    if (derive != NULL) {
        if (gs_derivative_parse(derive, &sc->use) < 0) {
            pos = gs_jpos_member(c->doc, v, "derive");
            gs_diag_error(c->diag, &pos,
                          "\"%s\" is not a derivative use; use one of: %s",
                          derive, gs_derivative_list());
            return GS_ERR_INVALID;
        }
        sc->derive = true;
    }
    if (sc->to[0] != '\0' && strcmp(sc->to, sc->holder) == 0) {
        pos = gs_jpos_member(c->doc, v, "to");
        gs_diag_error(c->diag, &pos,
                      "\"to\" is the holder itself; a release "
                      "goes to another nation");
        return GS_ERR_INVALID;
    }
    /* A release or a derivative happens at a time; an access decision
     * does not use it. */
    rc = gs_json_time(c, v, "at", user == NULL, &sc->at, NULL);
    if (rc == 0 && user != NULL)
        rc = gs_user_from_json(p, c, user, a, &sc->user);
    if (rc < 0)
        return rc;
    item = json_object_get(v, "item");
    if (item == NULL) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos, "missing \"item\" (an object)");
        return GS_ERR_INVALID;
    }
    return item_from_json(p, c, item, a, &sc->item);
}

static json_t *evaluate(const struct gs_policy *p, const struct sim_case *sc)
{
    struct gs_decision d;
    json_t *o = json_object();

    if (sc->user != NULL)
        (void)gs_decide_access(p, sc->holder, sc->user, &sc->item, &d);
    else if (sc->derive)
        (void)gs_decide_derive(p, sc->holder, sc->at, &sc->item, sc->use, &d);
    else
        (void)gs_decide_release(p, sc->holder, sc->to, sc->at, &sc->item, &d);
    json_object_set_new(o, "name", json_string(sc->name));
    json_object_set_new(
        o, "decision", json_string(gs_decision_allowed(&d) ? "allow" : "deny"));
    json_object_set_new(o, "reason", json_string(gs_reason_code(d.reason)));
    json_object_set_new(o, "detail", json_string(d.detail));
    if (gs_decision_allowed(&d) && sc->to[0] != '\0')
        json_object_set_new(o, "marking", json_string(d.marking));
    return o;
}

int gs_simulate(const struct gs_jdoc *doc, const struct gs_sim_loader *loader,
                struct gs_diag *d, json_t **results)
{
    static const char *const keys[] = {"schemes",     "agreements", "consents",
                                       "revocations", "cases",      NULL};
    struct gs_jctx c = {doc, d};
    struct gs_policy *p = gs_policy_new();
    struct sim_case *cases = NULL;
    const json_t *arr;
    json_t *out = NULL;
    size_t i, n = 0;
    int rc;

    *results = NULL;
    rc = gs_json_object(&c, doc->root, "a simulate file", keys);
    if (rc < 0)
        goto out;
    /* Schemes first: agreements, labels and users use their words. */
    rc = add_all(p, &c, loader, doc->root, "schemes", gs_policy_add_scheme);
    if (rc == 0)
        rc = add_all(p, &c, loader, doc->root, "agreements",
                     gs_policy_add_agreement);
    if (rc == 0)
        rc = add_all(p, &c, loader, doc->root, "consents",
                     gs_policy_add_consent);
    if (rc == 0)
        rc = add_all(p, &c, loader, doc->root, "revocations",
                     gs_policy_add_revocation);
    if (rc == 0)
        rc = gs_json_array(&c, doc->root, "cases", true, &arr);
    if (rc < 0)
        goto out;
    n = json_array_size(arr);
    cases = gs_calloc(n, sizeof(*cases));
    for (i = 0; i < n; i++) {
        const json_t *v = json_array_get(arr, i);
        size_t j;

        if (case_from_json(p, &c, v, p->arena, &cases[i]) < 0) {
            rc = GS_ERR_INVALID;
            continue; /* report the problems of every case */
        }
        for (j = 0; j < i; j++) {
            if (cases[j].name != NULL &&
                strcmp(cases[j].name, cases[i].name) == 0) {
                struct gs_pos pos = gs_jpos_member(doc, v, "name");

                gs_diag_error(d, &pos, "another case is already named \"%s\"",
                              cases[i].name);
                rc = GS_ERR_INVALID;
            }
        }
    }
    if (rc < 0)
        goto out;
    out = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(out, evaluate(p, &cases[i]));
    *results = out;
out:
    gs_free(cases);
    gs_policy_free(p);
    return rc;
}
