/*
 * user.h - people at a node, as the access decision sees them.
 *
 * GSOMIA Art. 7: access only with a clearance and a need to know for
 * official duties, never by rank or position alone. A user has a nationality,
 * a clearance (a word of the scheme of that nation), the restrictive
 * categories they hold, the purposes their duties serve, and roles. Roles
 * say what a person does at the node (watch-officer, analyst,
 * security-officer, operator, civil-defence); no role bypasses a rule.
 */
#ifndef GS_POLICY_USER_H
#define GS_POLICY_USER_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "policy/nation.h"

struct gs_policy;

struct gs_user {
    const char *name;
    char nationality[GS_NATION_SIZE];
    const char *clearance; /* as written */
    int rank;              /* the clearance's common rank */
    const char **categories;
    size_t n_categories;
    const char **purposes;
    size_t n_purposes;
    const char **roles;
    size_t n_roles;
};

/* The roles a user may have, joined by ", ", for messages. */
const char *gs_user_role_list(void);

/*
 * Reads {"name": "sato", "nationality": "JPN", "clearance": "極秘",
 * "categories": ["DPRK-MISSILE"], "purposes": ["missile-warning"],
 * "roles": ["analyst"]}. The clearance must be a word of the scheme of the
 * user's nation in p. Allocates in a.
 */
int gs_user_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                      const json_t *v, struct gs_arena *a,
                      struct gs_user **out);

#endif
