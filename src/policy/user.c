/* user.c - users as the access decision sees them; see user.h. */
#include "policy/user.h"

#include "base/err.h"
#include "base/text.h"
#include "policy/parse.h"
#include "policy/policy.h"
#include "policy/scheme.h"

static const char *const roles[] = {"watch-officer", "analyst",
                                    "security-officer", "operator",
                                    "civil-defence"};
#define N_ROLES (sizeof(roles) / sizeof(roles[0]))

const char *gs_user_role_list(void)
{
    return "watch-officer, analyst, security-officer, operator, "
           "civil-defence";
}

int gs_user_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                      const json_t *v, struct gs_arena *a, struct gs_user **out)
{
    static const char *const keys[] = {"name",       "nationality", "clearance",
                                       "categories", "purposes",    "roles",
                                       NULL};
    struct gs_user *u = gs_arena_alloc(a, 1, sizeof(*u));
    const struct gs_scheme *s;
    const struct gs_level *l;
    const char *clearance;
    struct gs_pos pos;
    size_t i;
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "a user", keys);
    if (rc == 0)
        rc = pj_ident(c, v, "name", true, "user name", &u->name);
    if (rc == 0)
        rc = pj_nation(c, v, "nationality", true, u->nationality);
    if (rc == 0)
        rc = gs_json_string(c, v, "clearance", true, &clearance);
    if (rc == 0)
        rc = pj_idents(c, v, "categories", false, "category", a, &u->categories,
                       &u->n_categories);
    if (rc == 0)
        rc = pj_idents(c, v, "purposes", false, "purpose", a, &u->purposes,
                       &u->n_purposes);
    if (rc == 0)
        rc = pj_idents(c, v, "roles", false, "role", a, &u->roles, &u->n_roles);
    if (rc < 0)
        return rc;
    for (i = 0; i < u->n_roles; i++) {
        if (gs_str_index(roles, N_ROLES, u->roles[i]) < 0) {
            pos = gs_jpos_element(c->doc, json_object_get(v, "roles"), i);
            gs_diag_error(c->diag, &pos, "\"%s\" is not a role; use %s",
                          u->roles[i], gs_user_role_list());
            return GS_ERR_INVALID;
        }
    }
    s = gs_policy_scheme(p, u->nationality);
    l = s != NULL ? gs_scheme_find(s, clearance) : NULL;
    if (l == NULL) {
        char words[512] = "";

        if (s != NULL)
            gs_scheme_words(s, -1, words, sizeof(words));
        pos = gs_jpos_member(c->doc, v, "clearance");
        if (s == NULL)
            gs_diag_error(c->diag, &pos, "no marking scheme is known for %s",
                          u->nationality);
        else
            gs_diag_error(c->diag, &pos,
                          "\"%s\" is not a classification of "
                          "%s's scheme; use one of: %s",
                          clearance, u->nationality, words);
        return GS_ERR_INVALID;
    }
    u->name = gs_arena_strdup(a, u->name);
    u->clearance = gs_arena_strdup(a, clearance);
    u->rank = l->rank;
    *out = u;
    return 0;
}
