/*
 * simulate.h - "what if": evaluate release and access cases against a
 * policy set, as a security officer does before changing an agreement or
 * granting a consent (`gsomia policy simulate`).
 *
 * Input (docs/formats.md):
 *   {"schemes": [...], "agreements": [...], "consents": [...],
 *    "revocations": [...],
 *    "cases": [{"name": "...", "holder": "USA", "to": "JPN", "at": "...",
 *               "item": {"id": "t1", "kind": "track", "state": "active",
 *                        "label": {...}}},          // or "contributors"
 *              {"name": "...", "holder": "JPN", "user": {...},
 *               "item": {...}},
 *              {"name": "...", "holder": "JPN", "derive": "civil-warning",
 *               "at": "...", "item": {...}}]}
 * A case has exactly one of "to" (a release), "user" (an access) and
 * "derive" (a derivative use: gs_decide_derive). The whole file is checked
 * before any case is evaluated, so output is all or nothing.
 *
 * An entry of "schemes", "agreements", "consents" or "revocations" may be a
 * string instead of an object: the name of a file that holds one object or
 * an array of them, so that a simulation can use the very files a node
 * uses. Reading files is the caller's business (this module does no I/O):
 * it passes a loader, or NULL to refuse such references.
 */
#ifndef GS_POLICY_SIMULATE_H
#define GS_POLICY_SIMULATE_H

#include <jansson.h>

#include "base/diag.h"
#include "base/json.h"

/*
 * Loads the file named ref, as written in the simulate file named from
 * (relative names are relative to from's folder), into out; gs_simulate
 * frees out. Reports to d and returns a negative GS_ERR_* on failure.
 */
struct gs_sim_loader {
    int (*load)(void *ctx, const char *from, const char *ref,
                struct gs_jdoc *out, struct gs_diag *d);
    void *ctx;
};

/*
 * Evaluates every case of doc. On success *results is a new JSON array with
 * one object per case, in order: {"name", "decision": "allow"|"deny",
 * "reason", "detail"} plus "marking" on allowed releases (never on an
 * access or a derivative). Returns 0, or GS_ERR_INVALID after reporting
 * every problem found to d (*results NULL).
 */
int gs_simulate(const struct gs_jdoc *doc, const struct gs_sim_loader *loader,
                struct gs_diag *d, json_t **results);

#endif
