/*
 * lint.h - checks of the policy files people write, before they are used
 * (`gsomia policy lint`).
 *
 * Every object of every document is parsed with the same strict readers the
 * node uses; problems are errors. On top of that, warnings for what parses
 * but is probably a mistake: two agreements between the same parties in
 * force at the same time for the same level, consents that have expired or
 * whose parties have no agreement in force, labels past their review time.
 */
#ifndef GS_POLICY_LINT_H
#define GS_POLICY_LINT_H

#include <stddef.h>

#include "base/diag.h"
#include "base/json.h"
#include "base/time.h"
#include "policy/simulate.h"

/*
 * Lints docs[0..n); a document holds one policy object or an array of them
 * (schemes, agreements, consents, revocations, users, labels, simulate
 * files); a document without a root (one that failed to load) is skipped.
 * now is the time against which expiry is judged; loader resolves the file
 * references of simulate files (NULL refuses them). Returns 0, or
 * GS_ERR_INVALID when there was at least one error; warnings alone return 0.
 */
int gs_policy_lint(const struct gs_jdoc *docs, size_t n, gs_time_t now,
                   const struct gs_sim_loader *loader, struct gs_diag *d);

#endif
