/* consent.c - consents and revocations; see consent.h. */
#include "policy/consent.h"

#include <string.h>

#include "base/err.h"
#include "base/text.h"
#include "policy/parse.h"

bool gs_consent_scope_covers(const struct gs_consent *c, const char *item_id,
                             enum gs_kind kind, const struct gs_label *l)
{
    size_t i;
    bool kind_ok = false;

    if (strcmp(c->purpose, l->purpose) != 0)
        return false;
    if (c->item_ids != NULL)
        return item_id != NULL &&
               gs_str_index(c->item_ids, c->n_item_ids, item_id) >= 0;
    for (i = 0; i < c->n_kinds; i++)
        kind_ok = kind_ok || c->kinds[i] == kind;
    if (!kind_ok)
        return false;
    for (i = 0; i < l->n_categories; i++)
        if (gs_str_index(c->categories, c->n_categories, l->categories[i]) < 0)
            return false;
    return true;
}

bool gs_consent_valid_at(const struct gs_consent *c, gs_time_t t)
{
    return c->valid_from <= t && t < c->valid_until;
}

bool gs_consent_is_derivative(const struct gs_consent *c)
{
    return c->derivatives != 0;
}

static int scope_from_json(const struct gs_jctx *c, const json_t *scope,
                           struct gs_arena *a, struct gs_consent *k)
{
    static const char *const keys[] = {"items", "kinds", "categories", NULL};
    const char **kinds;
    size_t i, n_kinds;
    struct gs_pos pos = gs_jpos_value(c->doc, scope);
    int rc;

    rc = gs_json_object(c, scope, "a consent scope", keys);
    if (rc < 0)
        return rc;
    if (json_object_get(scope, "items") != NULL) {
        if (json_object_size(scope) != 1) {
            gs_diag_error(c->diag, &pos,
                          "a scope lists either \"items\", or \"kinds\" and "
                          "\"categories\", not both");
            return GS_ERR_INVALID;
        }
        rc = pj_idents(c, scope, "items", true, "item id", a, &k->item_ids,
                       &k->n_item_ids);
        if (rc == 0 && k->n_item_ids == 0) {
            gs_diag_error(c->diag, &pos, "\"items\" is empty");
            rc = GS_ERR_INVALID;
        }
        return rc;
    }
    rc = pj_idents(c, scope, "kinds", true, "kind", a, &kinds, &n_kinds);
    if (rc == 0)
        rc = pj_idents(c, scope, "categories", true, "category", a,
                       &k->categories, &k->n_categories);
    if (rc < 0)
        return rc;
    if (n_kinds == 0) {
        gs_diag_error(c->diag, &pos,
                      "\"kinds\" is empty; name the kinds of "
                      "item the consent covers (%s)",
                      gs_kind_list());
        return GS_ERR_INVALID;
    }
    k->kinds = gs_arena_alloc(a, n_kinds, sizeof(*k->kinds));
    k->n_kinds = n_kinds;
    for (i = 0; i < n_kinds; i++) {
        if (gs_kind_parse(kinds[i], &k->kinds[i]) < 0) {
            pos = gs_jpos_element(c->doc, json_object_get(scope, "kinds"), i);
            gs_diag_error(c->diag, &pos,
                          "\"%s\" is not a kind of item; use one of %s",
                          kinds[i], gs_kind_list());
            return GS_ERR_INVALID;
        }
    }
    return 0;
}

int gs_consent_from_json(const struct gs_jctx *c, const json_t *v,
                         struct gs_arena *a, struct gs_consent **out)
{
    static const char *const keys[] = {
        "id",    "grantor", "holder",     "third_party", "derivatives",
        "scope", "purpose", "valid_from", "valid_until", NULL};
    struct gs_consent *k = gs_arena_alloc(a, 1, sizeof(*k));
    const json_t *scope;
    struct gs_pos pos;
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "a consent", keys);
    if (rc == 0)
        rc = pj_ident(c, v, "id", true, "consent id", &k->id);
    if (rc == 0)
        rc = pj_nation(c, v, "grantor", true, k->grantor);
    if (rc == 0)
        rc = pj_nation(c, v, "holder", true, k->holder);
    if (rc == 0)
        rc = pj_nation(c, v, "third_party", false, k->third_party);
    if (rc == 0)
        rc = pj_derivatives(c, v, "derivatives", true, &k->derivatives);
    if (rc == 0)
        rc = pj_ident(c, v, "purpose", true, "purpose", &k->purpose);
    if (rc == 0)
        rc = gs_json_time(c, v, "valid_from", true, &k->valid_from, NULL);
    if (rc == 0)
        rc = gs_json_time(c, v, "valid_until", true, &k->valid_until, NULL);
    if (rc < 0)
        return rc;
    /* One approval, one meaning: a release to a third party, or
     * derivatives made by the holder. A derivative consent must never be
     * read as a release. */
    if (k->derivatives != 0 && k->third_party[0] != '\0') {
        pos = gs_jpos_member(c->doc, v, "derivatives");
        gs_diag_error(c->diag, &pos,
                      "a consent has either \"third_party\" (a release) or "
                      "\"derivatives\" (derivatives the holder may make), "
                      "not both: a derivative consent releases nothing; "
                      "grant two consents");
        return GS_ERR_INVALID;
    }
    if (k->derivatives == 0 && k->third_party[0] == '\0') {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "missing \"third_party\" (the nation the holder may "
                      "pass the information to) or \"derivatives\" (the "
                      "derivative uses the holder may make of it: %s)",
                      gs_derivative_list());
        return GS_ERR_INVALID;
    }
    scope = json_object_get(v, "scope");
    if (scope == NULL || json_is_null(scope)) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "missing \"scope\": {\"items\": [...]} or "
                      "{\"kinds\": [...], \"categories\": [...]}");
        return GS_ERR_INVALID;
    }
    rc = scope_from_json(c, scope, a, k);
    if (rc < 0)
        return rc;
    if (k->derivatives != 0 && strcmp(k->grantor, k->holder) == 0) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "grantor and holder must be two different nations: "
                      "an originator needs no consent for its own "
                      "information");
        return GS_ERR_INVALID;
    }
    if (k->derivatives == 0 && (strcmp(k->grantor, k->holder) == 0 ||
                                strcmp(k->grantor, k->third_party) == 0 ||
                                strcmp(k->holder, k->third_party) == 0)) {
        pos = gs_jpos_value(c->doc, v);
        gs_diag_error(c->diag, &pos,
                      "grantor, holder and third party must "
                      "be three different nations");
        return GS_ERR_INVALID;
    }
    if (k->valid_until <= k->valid_from) {
        pos = gs_jpos_member(c->doc, v, "valid_until");
        gs_diag_error(c->diag, &pos,
                      "\"valid_until\" must be after \"valid_from\"");
        return GS_ERR_INVALID;
    }
    k->id = gs_arena_strdup(a, k->id);
    k->purpose = gs_arena_strdup(a, k->purpose);
    *out = k;
    return 0;
}

int gs_revocation_from_json(const struct gs_jctx *c, const json_t *v,
                            struct gs_arena *a, struct gs_revocation **out)
{
    static const char *const keys[] = {"consent", "grantor", "at", NULL};
    struct gs_revocation *r = gs_arena_alloc(a, 1, sizeof(*r));
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "a revocation", keys);
    if (rc == 0)
        rc = pj_ident(c, v, "consent", true, "consent id", &r->consent);
    if (rc == 0)
        rc = pj_nation(c, v, "grantor", true, r->grantor);
    if (rc == 0)
        rc = gs_json_time(c, v, "at", true, &r->at, NULL);
    if (rc < 0)
        return rc;
    r->consent = gs_arena_strdup(a, r->consent);
    *out = r;
    return 0;
}
