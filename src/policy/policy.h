/*
 * policy.h - a policy set: the schemes, agreements, consents and revocations
 * that decisions are taken against.
 *
 * A node holds one set; `policy simulate` builds one from its input file.
 * The set owns everything added to it (an arena freed by gs_policy_free).
 * Ids are unique within a set. A revocation must name a consent of the set
 * and its grantor, so that nobody but the originator can end a consent.
 * Pure data and lookups, no I/O.
 */
#ifndef GS_POLICY_POLICY_H
#define GS_POLICY_POLICY_H

#include <jansson.h>

#include "base/arena.h"
#include "base/json.h"
#include "policy/agreement.h"
#include "policy/consent.h"
#include "policy/label.h"
#include "policy/scheme.h"
#include "policy/user.h"

struct gs_policy {
    struct gs_arena *arena;
    const struct gs_scheme **schemes; /* from files; built-ins are implied */
    size_t n_schemes;
    const struct gs_agreement **agreements;
    size_t n_agreements;
    const struct gs_consent **consents;
    size_t n_consents;
    const struct gs_revocation **revocations;
    size_t n_revocations;
};

struct gs_policy *gs_policy_new(void);
/* Frees the set and everything in it; p may be NULL. */
void gs_policy_free(struct gs_policy *p);

/* nation's scheme: one added from a file, else the built-in, else NULL. */
const struct gs_scheme *gs_policy_scheme(const struct gs_policy *p,
                                         const char *nation);
const struct gs_agreement *gs_policy_agreement(const struct gs_policy *p,
                                               const char *id);
const struct gs_consent *gs_policy_consent(const struct gs_policy *p,
                                           const char *id);
/* The earliest revocation of consent id, or NULL when none. */
const struct gs_revocation *gs_policy_revocation(const struct gs_policy *p,
                                                 const char *consent_id);

/*
 * Parse a JSON object and add it to the set. Adding a scheme for a nation
 * that already has one, or an id that is already taken, is an error, as is
 * a revocation of an unknown consent or by anyone but its grantor. Returns 0
 * or GS_ERR_INVALID after reporting to c->diag; the set is unchanged then.
 */
int gs_policy_add_scheme(struct gs_policy *p, const struct gs_jctx *c,
                         const json_t *v);
int gs_policy_add_agreement(struct gs_policy *p, const struct gs_jctx *c,
                            const json_t *v);
int gs_policy_add_consent(struct gs_policy *p, const struct gs_jctx *c,
                          const json_t *v);
int gs_policy_add_revocation(struct gs_policy *p, const struct gs_jctx *c,
                             const json_t *v);

/*
 * The kind of policy object v looks like, from its distinctive members:
 * "scheme" (levels), "agreement" (equivalence), "consent" (grantor and
 * holder), "revocation" (consent and at), "user" (clearance), "label"
 * (classification), "simulation" (cases); NULL when none fits.
 */
const char *gs_policy_object_kind(const json_t *v);

#endif
