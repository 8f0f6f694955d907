/*
 * label.h - confidentiality labels (after NATO STANAG 4774).
 *
 * A label says who originated the information, how that originator
 * classified it (a word of the originator's own scheme), which nations it may
 * be released to, which restrictive need-to-know categories a reader must
 * hold, and the purpose it was provided for. The originator's label is never
 * rewritten: a receiver adds its own equivalent marking beside it.
 *
 * A label may also say which derivative uses the originator permits of its
 * information: today only "civil-warning", an unclassified public warning
 * (OASIS CAP) made from the item. None is permitted unless listed.
 *
 * A derived item (a fused track, an alert) carries the labels of all its
 * contributors; its dominant label, which is what people see, takes the
 * highest rank, the nations every contributor allows, every category, and
 * the derivative uses every contributor permits.
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

/*
 * Derivative uses an originator may permit of its information, as bits of a
 * set (an unsigned). A derivative is a new item made from the information
 * that leaves its classification behind, so it is never made unless the
 * originator allows it, in its label or in a consent (decide.h).
 *   GS_DERIVATIVE_CIVIL_WARNING  "civil-warning": an unclassified public
 *                                warning (OASIS CAP, J-Alert) derived from
 *                                the item.
 * New uses take the next bit, a name in label.c and one more in
 * GS_DERIVATIVE_BITS; GS_DERIVATIVE_ALL is the set of every defined one.
 */
enum gs_derivative {
    GS_DERIVATIVE_CIVIL_WARNING = 1u << 0,
};
#define GS_DERIVATIVE_BITS 1
#define GS_DERIVATIVE_ALL ((1u << GS_DERIVATIVE_BITS) - 1)

/* The name of one use ("civil-warning"); "?" for anything but exactly one
 * defined bit. */
const char *gs_derivative_name(enum gs_derivative use);
/* Parses a use's name; GS_ERR_INVALID for an unknown one. */
int gs_derivative_parse(const char *name, enum gs_derivative *out);
/* Every defined use's name joined by ", ", for messages. */
const char *gs_derivative_list(void);
/* True when set (bits) is exactly one defined use. */
bool gs_derivative_valid(unsigned use);
/* Appends the names of the defined uses in set to b, joined by ", ", in
 * bit order; nothing for an empty set. */
int gs_derivative_words(unsigned set, struct gs_buf *b);

struct gs_label {
    char originator[GS_NATION_SIZE];
    const char *classification; /* as the originator wrote it */
    int rank;                   /* its common rank */
    char (*releasable_to)[GS_NATION_SIZE];
    size_t n_releasable_to;
    const char **categories; /* restrictive: a reader needs every one */
    size_t n_categories;
    const char *purpose;
    gs_time_t created;
    bool has_review;
    gs_time_t review;
    unsigned derivatives; /* enum gs_derivative bits; 0: none permitted */
};

/* True when nation is in l's releasable_to list. */
bool gs_label_releasable(const struct gs_label *l, const char *nation);
/* True when l has category cat. */
bool gs_label_has_category(const struct gs_label *l, const char *cat);
/* True when l's originator permits derivative use on it. */
bool gs_label_permits(const struct gs_label *l, enum gs_derivative use);

/*
 * Reads a label object:
 *   {"originator": "KOR", "classification": "군사II급비밀",
 *    "releasable_to": ["USA", "JPN"], "categories": ["DPRK-MISSILE"],
 *    "purpose": "missile-warning", "created": "2024-01-10T00:00:00Z",
 *    "review": null, "derivatives": ["civil-warning"]}
 * The classification must be a word (or alias) of the originator's scheme
 * in p; "derivatives" (optional: absent, null or [] permit none) lists
 * distinct uses of gs_derivative_list(). Allocates in a; reports problems
 * to c and returns GS_ERR_INVALID.
 */
int gs_label_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                       const json_t *v, struct gs_arena *a,
                       struct gs_label **out);

/* The label as a JSON object of the same form (new reference).
 * "derivatives" is written only when some use is permitted, so the JSON of
 * a label without any is what it was before derivatives existed. */
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
 * creation and the earliest review time; and the derivative uses every
 * contributor permits (the intersection: a derived item may be used so
 * only if each originator allows it for its part). With one contributor
 * the result is that label unchanged. GS_ERR_INVALID (reported to d) when
 * n is 0 or the contributors have different purposes.
 */
int gs_label_dominant(const struct gs_label *const *labels, size_t n,
                      struct gs_arena *a, struct gs_label *out,
                      struct gs_diag *d);

#endif
