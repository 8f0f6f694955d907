/*
 * consent.h - an originator's written approval to pass its information on
 * to a third nation, and the revocation of such an approval.
 *
 * GSOMIA Art. 6: information is not released to a third government without
 * the originator's prior written approval. A consent names the grantor (the
 * originator), the holder who may pass the information, the third party who
 * may receive it, a purpose and a period, and a scope: either item ids, or
 * kinds and categories. A revocation ends a consent from its time on: every
 * release decided at or after it is no longer covered.
 *
 * A derivative consent instead lets the holder make derivatives of the
 * covered items ("derivatives": ["civil-warning"]: unclassified public
 * warnings) although the grantor's labels do not permit them. It authorises
 * no release, so it has no third party; scope, purpose, period and
 * revocation work as for a release consent. A consent is one kind or the
 * other, never both.
 */
#ifndef GS_POLICY_CONSENT_H
#define GS_POLICY_CONSENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/time.h"
#include "policy/kind.h"
#include "policy/label.h"
#include "policy/nation.h"

struct gs_consent {
    const char *id;
    char grantor[GS_NATION_SIZE];
    char holder[GS_NATION_SIZE];
    char third_party[GS_NATION_SIZE]; /* "" for a derivative consent */
    /* A derivative consent: the uses (enum gs_derivative bits) the holder
     * may make; 0 for a release consent. */
    unsigned derivatives;
    /* Scope: item ids, or else kinds and categories. */
    const char **item_ids;
    size_t n_item_ids;
    enum gs_kind *kinds;
    size_t n_kinds;
    const char **categories;
    size_t n_categories;
    const char *purpose;
    gs_time_t valid_from, valid_until; /* valid_from <= T < valid_until */
};

struct gs_revocation {
    const char *consent; /* the id of the consent revoked */
    char grantor[GS_NATION_SIZE];
    gs_time_t at;
};

/*
 * True when the scope and purpose of c cover an item: its id is listed, or
 * its kind is listed and every category of l (the grantor's label on it) is
 * among the consent's categories; and l's purpose is the consent's. Parties
 * and time are the caller's to check.
 */
bool gs_consent_scope_covers(const struct gs_consent *c, const char *item_id,
                             enum gs_kind kind, const struct gs_label *l);

/* valid_from <= t < valid_until. */
bool gs_consent_valid_at(const struct gs_consent *c, gs_time_t t);

/* True for a derivative consent (it authorises no release). */
bool gs_consent_is_derivative(const struct gs_consent *c);

/*
 * Reads a consent object:
 *   {"id": "KOR-2024-0007", "grantor": "KOR", "holder": "USA",
 *    "third_party": "JPN", "scope": {"kinds": ["track"],
 *    "categories": ["DPRK-MISSILE"]}, "purpose": "missile-warning",
 *    "valid_from": "...", "valid_until": "..."}
 * or with "scope": {"items": ["id", ...]}; a derivative consent has
 * "derivatives": ["civil-warning"] (at least one use) instead of
 * "third_party". Grantor, holder and third party are different nations.
 * Allocates in a; reports problems to c and returns GS_ERR_INVALID.
 */
int gs_consent_from_json(const struct gs_jctx *c, const json_t *v,
                         struct gs_arena *a, struct gs_consent **out);

/* Reads {"consent": "KOR-2024-0007", "grantor": "KOR", "at": "..."}. */
int gs_revocation_from_json(const struct gs_jctx *c, const json_t *v,
                            struct gs_arena *a, struct gs_revocation **out);

#endif
