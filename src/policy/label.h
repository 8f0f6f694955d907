/*
 * label.h - confidentiality labels (after NATO STANAG 4774).
 *
 * A label says who originated the information, how that originator
 * classified it (a word of the originator's own scheme), which nations it may
 * be released to, which restrictive need-to-know categories a reader must
 * hold, and the purpose it was provided for. The originator's label is never
 * rewritten: a receiver adds its own equivalent marking beside it.
 *
 * A derived item (a fused track, an alert) carries the labels of all its
 * contributors; its dominant label, which is what people see, takes the
 * highest rank, the nations every contributor allows, and every category.
 */
#ifndef GS_POLICY_LABEL_H
#define GS_POLICY_LABEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/time.h"
#include "policy/nation.h"

struct gs_policy;

struct gs_label {
    char originator[GS_NATION_SIZE];
    const char *classification; /* as the originator wrote it */
    int rank;                   /* its common rank */
    char (*releasable_to)[GS_NATION_SIZE];
    size_t n_releasable_to;
    const char **categories;    /* restrictive: a reader needs every one */
    size_t n_categories;
    const char *purpose;
    gs_time_t created;
    bool has_review;
    gs_time_t review;
};

/* True when nation is in l's releasable_to list. */
bool gs_label_releasable(const struct gs_label *l, const char *nation);
/* True when l has category cat. */
bool gs_label_has_category(const struct gs_label *l, const char *cat);

/*
 * Reads a label object:
 *   {"originator": "KOR", "classification": "군사II급비밀",
 *    "releasable_to": ["USA", "JPN"], "categories": ["DPRK-MISSILE"],
 *    "purpose": "missile-warning", "created": "2024-01-10T00:00:00Z",
 *    "review": null}
 * The classification must be a word (or alias) of the originator's scheme
 * in p. Allocates in a; reports problems to c and returns GS_ERR_INVALID.
 */
int gs_label_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                       const json_t *v, struct gs_arena *a,
                       struct gs_label **out);

/* The label as a JSON object of the same form (new reference). */
json_t *gs_label_to_json(const struct gs_label *l);

/*
 * Appends the human marking line to b:
 *   군사II급비밀 // REL TO USA, JPN // DPRK-MISSILE // missile-warning
 * The categories part is left out when there are none; "NOT RELEASABLE"
 * stands for an empty releasable_to list.
 */
int gs_label_marking(const struct gs_label *l, struct gs_buf *b);

/*
 * The dominant label of the contributors labels[0..n) into *out (strings
 * point into the contributors or a): the highest rank, with the word and
 * originator of the first contributor at that rank; the nations every
 * contributor allows, counting each originator as allowed to receive its
 * own contribution back; all categories; the common purpose; the latest
 * creation and the earliest review time. With one contributor the result is
 * that label unchanged. GS_ERR_INVALID (reported to d) when n is 0 or the
 * contributors have different purposes.
 */
int gs_label_dominant(const struct gs_label *const *labels, size_t n,
                      struct gs_arena *a, struct gs_label *out,
                      struct gs_diag *d);

#endif
