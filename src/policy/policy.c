/* policy.c - the policy set: ownership, lookups, adding objects. */
#include "policy/policy.h"

#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

struct gs_policy *gs_policy_new(void)
{
    struct gs_policy *p = gs_calloc(1, sizeof(*p));

    p->arena = gs_arena_new();
    return p;
}

void gs_policy_free(struct gs_policy *p)
{
    if (p == NULL)
        return;
    gs_free(p->schemes);
    gs_free(p->agreements);
    gs_free(p->consents);
    gs_free(p->revocations);
    gs_arena_free(p->arena);
    gs_free(p);
}

const struct gs_scheme *gs_policy_scheme(const struct gs_policy *p,
                                         const char *nation)
{
    size_t i;

    for (i = 0; p != NULL && i < p->n_schemes; i++)
        if (strcmp(p->schemes[i]->nation, nation) == 0)
            return p->schemes[i];
    return gs_scheme_builtin(nation);
}

const struct gs_agreement *gs_policy_agreement(const struct gs_policy *p,
                                               const char *id)
{
    size_t i;

    for (i = 0; i < p->n_agreements; i++)
        if (strcmp(p->agreements[i]->id, id) == 0)
            return p->agreements[i];
    return NULL;
}

const struct gs_consent *gs_policy_consent(const struct gs_policy *p,
                                           const char *id)
{
    size_t i;

    for (i = 0; i < p->n_consents; i++)
        if (strcmp(p->consents[i]->id, id) == 0)
            return p->consents[i];
    return NULL;
}

const struct gs_revocation *gs_policy_revocation(const struct gs_policy *p,
                                                 const char *consent_id)
{
    const struct gs_revocation *first = NULL;
    size_t i;

    for (i = 0; i < p->n_revocations; i++) {
        const struct gs_revocation *r = p->revocations[i];

        if (strcmp(r->consent, consent_id) == 0 &&
            (first == NULL || r->at < first->at))
            first = r;
    }
    return first;
}

/* Appends item to the growable array list of n elements. */
#define PUSH(list, n, item)                                                    \
    do {                                                                       \
        (list) = gs_reallocarray((list), (n) + 1, sizeof(*(list)));            \
        (list)[(n)++] = (item);                                                \
    } while (0)

int gs_policy_add_scheme(struct gs_policy *p, const struct gs_jctx *c,
                         const json_t *v)
{
    struct gs_scheme *s;
    int rc = gs_scheme_from_json(c, v, p->arena, &s);

    if (rc < 0)
        return rc;
    if (gs_policy_scheme(p, s->nation) != NULL) {
        struct gs_pos pos = gs_jpos_member(c->doc, v, "nation");

        gs_diag_error(c->diag, &pos,
                      "%s already has a marking scheme%s; a nation has one",
                      s->nation,
                      gs_scheme_builtin(s->nation) ? " (built in)" : "");
        return GS_ERR_INVALID;
    }
    PUSH(p->schemes, p->n_schemes, s);
    return 0;
}

static int duplicate_id(const struct gs_jctx *c, const json_t *v,
                        const char *what, const char *id)
{
    struct gs_pos pos = gs_jpos_member(c->doc, v, "id");

    gs_diag_error(c->diag, &pos, "there is already %s with id \"%s\"", what,
                  id);
    return GS_ERR_INVALID;
}

int gs_policy_add_agreement(struct gs_policy *p, const struct gs_jctx *c,
                            const json_t *v)
{
    struct gs_agreement *a;
    int rc = gs_agreement_from_json(p, c, v, p->arena, &a);

    if (rc < 0)
        return rc;
    if (gs_policy_agreement(p, a->id) != NULL)
        return duplicate_id(c, v, "an agreement", a->id);
    PUSH(p->agreements, p->n_agreements, a);
    return 0;
}

int gs_policy_add_consent(struct gs_policy *p, const struct gs_jctx *c,
                          const json_t *v)
{
    struct gs_consent *k;
    int rc = gs_consent_from_json(c, v, p->arena, &k);

    if (rc < 0)
        return rc;
    if (gs_policy_consent(p, k->id) != NULL)
        return duplicate_id(c, v, "a consent", k->id);
    PUSH(p->consents, p->n_consents, k);
    return 0;
}

int gs_policy_add_revocation(struct gs_policy *p, const struct gs_jctx *c,
                             const json_t *v)
{
    const struct gs_consent *k;
    struct gs_revocation *r;
    struct gs_pos pos;
    int rc = gs_revocation_from_json(c, v, p->arena, &r);

    if (rc < 0)
        return rc;
    k = gs_policy_consent(p, r->consent);
    if (k == NULL) {
        pos = gs_jpos_member(c->doc, v, "consent");
        gs_diag_error(c->diag, &pos,
                      "no consent has the id \"%s\"; list the "
                      "consent before its revocation",
                      r->consent);
        return GS_ERR_INVALID;
    }
    if (strcmp(k->grantor, r->grantor) != 0) {
        pos = gs_jpos_member(c->doc, v, "grantor");
        gs_diag_error(c->diag, &pos,
                      "consent %s was granted by %s; only %s can revoke it",
                      k->id, k->grantor, k->grantor);
        return GS_ERR_INVALID;
    }
    PUSH(p->revocations, p->n_revocations, r);
    return 0;
}

const char *gs_policy_object_kind(const json_t *v)
{
    if (!json_is_object(v))
        return NULL;
    if (json_object_get(v, "cases") != NULL)
        return "simulation";
    if (json_object_get(v, "levels") != NULL)
        return "scheme";
    if (json_object_get(v, "equivalence") != NULL)
        return "agreement";
    if (json_object_get(v, "grantor") != NULL &&
        json_object_get(v, "holder") != NULL)
        return "consent";
    if (json_object_get(v, "consent") != NULL &&
        json_object_get(v, "at") != NULL)
        return "revocation";
    if (json_object_get(v, "clearance") != NULL)
        return "user";
    if (json_object_get(v, "classification") != NULL)
        return "label";
    return NULL;
}
