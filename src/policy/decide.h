/*
 * decide.h - the release, access and derivative decisions: may holder H
 * send item X to nation R at time T, may user U at H read X, and may H make
 * a derivative (an unclassified civil warning) of X at T. Pure functions of
 * their arguments: no I/O, no clock, no global state.
 *
 * Release (docs/policy.md gives the reasoning and examples). In this order:
 *  0. X must be active: not destroyed, retracted or superseded
 *     (ITEM_NOT_ACTIVE). Nothing else matters for such an item.
 *  1. If R originated X (every originator is R): allow.
 *  2. An agreement between H and R (gs_agreement_links) must be in force at
 *     T (NO_AGREEMENT if none links them, AGREEMENT_NOT_IN_FORCE if one does
 *     but not at T) and cover X's common level (LEVEL_NOT_COVERED).
 *  3. If H originated part of X, R must be in H's releasable_to
 *     (NOT_RELEASABLE).
 *  4. For each originator O other than H and R, either R is in O's
 *     releasable_to and O and R are parties to an agreement in force at T
 *     that covers O's level (bilateral, or multilateral whose hub is H or
 *     that has no hub), or a consent of O covers (X, H, R, purpose), valid
 *     at T and not revoked at or before T. Otherwise NO_CONSENT when R is
 *     not in O's releasable_to, ORIGINATOR_NOT_COVERED when it is.
 *  5. Every agreement used that lists purposes must list X's purpose
 *     (PURPOSE_NOT_PERMITTED).
 * Rules 3 and 4 use each contributor's own label; rule 2 the dominant rank.
 * When several agreements could serve, the one that gets furthest is used.
 * On allow, the marking is R's first word for X's level in the agreement
 * between H and R (R's own word when R originated X).
 *
 * Access by user U at holder H: X active (ITEM_NOT_ACTIVE), U's nationality
 * is H (NATIONALITY), U's clearance rank at least X's (CLEARANCE_TOO_LOW),
 * U holds every category of X (NEED_TO_KNOW), U serves X's purpose
 * (PURPOSE_NOT_SERVED).
 *
 * Derivative: may holder H make a derivative of use D (civil-warning) from
 * X at T? X must be active (ITEM_NOT_ACTIVE). Then, for every contributor
 * label of X, one of: H is its originator (an originator decides about its
 * own information); the label permits D; or a derivative consent of its
 * originator to H that names D covers X (scope and purpose as for a
 * release consent), valid at T and not revoked at or before T. Otherwise
 * DERIVATIVE_NOT_PERMITTED, naming that contributor and what would allow
 * it. No agreement is involved: nothing is released to another nation.
 *
 * Fail closed: malformed input (no label, contributors with different
 * purposes, an unknown nation, not exactly one defined derivative use) is
 * GS_ERR_INVALID with a MALFORMED denial.
 */
#ifndef GS_POLICY_DECIDE_H
#define GS_POLICY_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/time.h"
#include "policy/kind.h"
#include "policy/label.h"
#include "policy/policy.h"
#include "policy/user.h"

/* Stable reason codes: they are written to audit logs and compared by
 * scripts, so existing values never change meaning. */
enum gs_reason {
    GS_REASON_ALLOWED = 0,
    GS_REASON_NO_AGREEMENT,
    GS_REASON_AGREEMENT_NOT_IN_FORCE,
    GS_REASON_LEVEL_NOT_COVERED,
    GS_REASON_NOT_RELEASABLE,
    GS_REASON_NO_CONSENT,
    GS_REASON_ORIGINATOR_NOT_COVERED,
    GS_REASON_PURPOSE_NOT_PERMITTED,
    GS_REASON_ITEM_NOT_ACTIVE,
    GS_REASON_NATIONALITY,
    GS_REASON_CLEARANCE_TOO_LOW,
    GS_REASON_NEED_TO_KNOW,
    GS_REASON_PURPOSE_NOT_SERVED,
    GS_REASON_MALFORMED,
    GS_REASON_DERIVATIVE_NOT_PERMITTED, /* new codes go last */
    GS_REASON_COUNT
};

/* "ALLOWED", "NO_AGREEMENT", ... */
const char *gs_reason_code(enum gs_reason r);
/* Parses a code; GS_ERR_INVALID for an unknown one. */
int gs_reason_parse(const char *code, enum gs_reason *out);

enum gs_item_state {
    GS_STATE_ACTIVE,
    GS_STATE_DESTROYED,
    GS_STATE_RETRACTED,
    GS_STATE_SUPERSEDED
};

const char *gs_item_state_name(enum gs_item_state s);
int gs_item_state_parse(const char *name, enum gs_item_state *out);

/* An item as decisions see it: nothing but its identity and labels. */
struct gs_item_ref {
    const char *id;
    enum gs_kind kind;
    enum gs_item_state state;
    const struct gs_label *const *labels; /* one per contributor */
    size_t n_labels;
};

#define GS_DETAIL_MAX 768
#define GS_MARKING_MAX 128

struct gs_decision {
    enum gs_reason reason;
    char detail[GS_DETAIL_MAX];   /* a sentence for a security officer */
    char marking[GS_MARKING_MAX]; /* allowed releases: R's marking */
    const struct gs_agreement *agreement; /* releases: the H-R agreement */
};

static inline bool gs_decision_allowed(const struct gs_decision *d)
{
    return d->reason == GS_REASON_ALLOWED;
}

/*
 * May holder send x to recipient at time at? Sets *d in every case. Returns
 * 0 when a decision was taken (allowed or not), GS_ERR_INVALID for malformed
 * input, with d a MALFORMED denial saying what is wrong.
 */
int gs_decide_release(const struct gs_policy *p, const char *holder,
                      const char *recipient, gs_time_t at,
                      const struct gs_item_ref *x, struct gs_decision *d);

/* May user u, at holder, read x? Same contract as gs_decide_release. */
int gs_decide_access(const struct gs_policy *p, const char *holder,
                     const struct gs_user *u, const struct gs_item_ref *x,
                     struct gs_decision *d);

/*
 * May holder make a derivative of kind use (exactly one defined use, e.g.
 * GS_DERIVATIVE_CIVIL_WARNING) from x at time at? Same contract as
 * gs_decide_release; an allowed decision's detail names, for every
 * contributor, what permits it (own contribution, label or consent), and
 * marking and agreement stay empty.
 */
int gs_decide_derive(const struct gs_policy *p, const char *holder,
                     gs_time_t at, const struct gs_item_ref *x,
                     enum gs_derivative use, struct gs_decision *d);

#endif
