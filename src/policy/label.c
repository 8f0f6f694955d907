/* label.c - confidentiality labels: JSON form, marking line, dominance,
 * and the names of derivative uses. */
#include "policy/label.h"

#include <string.h>

#include "base/err.h"
#include "base/text.h"
#include "policy/parse.h"
#include "policy/policy.h"
#include "policy/scheme.h"

/* The names of the derivative uses, by bit number. */
static const char *const derivative_names[] = {"civil-warning"};
#define N_DERIVATIVES (sizeof(derivative_names) / sizeof(derivative_names[0]))
_Static_assert(N_DERIVATIVES == GS_DERIVATIVE_BITS,
               "every derivative use has a name");

bool gs_derivative_valid(unsigned use)
{
    return use != 0 && (use & (use - 1)) == 0 &&
           (use & ~GS_DERIVATIVE_ALL) == 0;
}

const char *gs_derivative_name(enum gs_derivative use)
{
    size_t i;

    if (!gs_derivative_valid((unsigned)use))
        return "?";
    for (i = 0; i < N_DERIVATIVES; i++)
        if ((unsigned)use == 1u << i)
            return derivative_names[i];
    return "?";
}

int gs_derivative_parse(const char *name, enum gs_derivative *out)
{
    int i = gs_str_index(derivative_names, N_DERIVATIVES, name);

    *out = GS_DERIVATIVE_CIVIL_WARNING;
    if (i < 0)
        return GS_ERR_INVALID;
    *out = (enum gs_derivative)(1u << i);
    return 0;
}

const char *gs_derivative_list(void)
{
    return "civil-warning";
}

int gs_derivative_words(unsigned set, struct gs_buf *b)
{
    size_t i;
    bool first = true;
    int rc = 0;

    for (i = 0; rc == 0 && i < N_DERIVATIVES; i++) {
        if (!(set & (1u << i)))
            continue;
        rc = gs_buf_printf(b, "%s%s", first ? "" : ", ", derivative_names[i]);
        first = false;
    }
    return rc;
}

bool gs_label_releasable(const struct gs_label *l, const char *nation)
{
    return pj_has_nation((const char(*)[GS_NATION_SIZE])l->releasable_to,
                         l->n_releasable_to, nation);
}

bool gs_label_has_category(const struct gs_label *l, const char *cat)
{
    return gs_str_index(l->categories, l->n_categories, cat) >= 0;
}

bool gs_label_permits(const struct gs_label *l, enum gs_derivative use)
{
    return gs_derivative_valid((unsigned)use) &&
           (l->derivatives & (unsigned)use) != 0;
}

int gs_label_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                       const json_t *v, struct gs_arena *a,
                       struct gs_label **out)
{
    static const char *const keys[] = {
        "originator", "classification", "releasable_to",
        "categories", "purpose",        "created",
        "review",     "derivatives",    NULL};
    const struct gs_scheme *scheme;
    const struct gs_level *level;
    const char *word;
    struct gs_label *l = gs_arena_alloc(a, 1, sizeof(*l));
    struct gs_pos pos;
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "a label", keys);
    if (rc == 0)
        rc = pj_nation(c, v, "originator", true, l->originator);
    if (rc == 0)
        rc = gs_json_string(c, v, "classification", true, &word);
    if (rc == 0)
        rc = pj_nations(c, v, "releasable_to", true, a, &l->releasable_to,
                        &l->n_releasable_to);
    if (rc == 0)
        rc = pj_idents(c, v, "categories", false, "category", a, &l->categories,
                       &l->n_categories);
    if (rc == 0)
        rc = pj_ident(c, v, "purpose", true, "purpose", &l->purpose);
    if (rc == 0)
        rc = gs_json_time(c, v, "created", true, &l->created, NULL);
    if (rc == 0)
        rc = gs_json_time(c, v, "review", false, &l->review, &l->has_review);
    if (rc == 0)
        rc = pj_derivatives(c, v, "derivatives", false, &l->derivatives);
    if (rc < 0)
        return rc;

    scheme = gs_policy_scheme(p, l->originator);
    if (scheme == NULL) {
        pos = gs_jpos_member(c->doc, v, "originator");
        gs_diag_error(c->diag, &pos,
                      "no marking scheme is known for %s: add a scheme file "
                      "for it",
                      l->originator);
        return GS_ERR_INVALID;
    }
    level = gs_scheme_find(scheme, word);
    if (level == NULL) {
        char words[512];

        gs_scheme_words(scheme, -1, words, sizeof(words));
        pos = gs_jpos_member(c->doc, v, "classification");
        gs_diag_error(c->diag, &pos,
                      "\"%s\" is not a classification of %s's scheme; use "
                      "one of: %s",
                      word, l->originator, words);
        return GS_ERR_INVALID;
    }
    if (l->has_review && l->review < l->created) {
        pos = gs_jpos_member(c->doc, v, "review");
        gs_diag_error(c->diag, &pos,
                      "the review time is before the creation time");
        return GS_ERR_INVALID;
    }
    l->classification = gs_arena_strdup(a, word);
    l->rank = level->rank;
    l->purpose = gs_arena_strdup(a, l->purpose);
    *out = l;
    return 0;
}

static json_t *time_json(gs_time_t t)
{
    char buf[GS_TIME_STRLEN];

    if (gs_time_format(t, buf, sizeof(buf)) < 0)
        return json_null();
    return json_string(buf);
}

json_t *gs_label_to_json(const struct gs_label *l)
{
    json_t *o = json_object(), *rel = json_array(), *cats = json_array();
    size_t i;

    for (i = 0; i < l->n_releasable_to; i++)
        json_array_append_new(rel, json_string(l->releasable_to[i]));
    for (i = 0; i < l->n_categories; i++)
        json_array_append_new(cats, json_string(l->categories[i]));
    json_object_set_new(o, "originator", json_string(l->originator));
    json_object_set_new(o, "classification", json_string(l->classification));
    json_object_set_new(o, "releasable_to", rel);
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "purpose", json_string(l->purpose));
    json_object_set_new(o, "created", time_json(l->created));
    json_object_set_new(o, "review",
                        l->has_review ? time_json(l->review) : json_null());
    /* Only when some use is permitted: the JSON of every label made before
     * derivatives existed stays byte for byte what it was. */
    if (l->derivatives != 0) {
        json_t *ders = json_array();

        for (i = 0; i < N_DERIVATIVES; i++)
            if (l->derivatives & (1u << i))
                json_array_append_new(ders, json_string(derivative_names[i]));
        json_object_set_new(o, "derivatives", ders);
    }
    return o;
}

int gs_label_marking(const struct gs_label *l, struct gs_buf *b)
{
    size_t i;
    int rc = gs_buf_append_str(b, l->classification);

    if (rc == 0 && l->n_releasable_to == 0)
        rc = gs_buf_append_str(b, " // NOT RELEASABLE");
    for (i = 0; rc == 0 && i < l->n_releasable_to; i++)
        rc = gs_buf_printf(b, "%s%s", i ? ", " : " // REL TO ",
                           l->releasable_to[i]);
    for (i = 0; rc == 0 && i < l->n_categories; i++)
        rc = gs_buf_printf(b, "%s%s", i ? ", " : " // ", l->categories[i]);
    if (rc == 0)
        rc = gs_buf_printf(b, " // %s", l->purpose);
    return rc;
}

/* True when every contributor lets nation have its contribution. */
static bool all_allow(const struct gs_label *const *labels, size_t n,
                      const char *nation)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(labels[i]->originator, nation) != 0 &&
            !gs_label_releasable(labels[i], nation))
            return false;
    return true;
}

int gs_label_dominant(const struct gs_label *const *labels, size_t n,
                      struct gs_arena *a, struct gs_label *out,
                      struct gs_diag *d)
{
    const struct gs_label *top;
    size_t i, j, max_rel = 0, max_cat = 0;

    memset(out, 0, sizeof(*out));
    if (n == 0) {
        gs_diag_error(d, NULL,
                      "a derived item needs at least one contributor label");
        return GS_ERR_INVALID;
    }
    top = labels[0];
    for (i = 0; i < n; i++) {
        if (strcmp(labels[i]->purpose, labels[0]->purpose) != 0) {
            gs_diag_error(d, NULL,
                          "contributors have different purposes (\"%s\" from "
                          "%s, \"%s\" from %s); information provided for one "
                          "purpose cannot be combined with another's",
                          labels[0]->purpose, labels[0]->originator,
                          labels[i]->purpose, labels[i]->originator);
            return GS_ERR_INVALID;
        }
        if (labels[i]->rank > top->rank)
            top = labels[i];
        max_rel += labels[i]->n_releasable_to + 1;
        max_cat += labels[i]->n_categories;
    }
    if (n == 1) {
        *out = *labels[0];
        return 0;
    }
    memcpy(out->originator, top->originator, GS_NATION_SIZE);
    out->classification = top->classification;
    out->rank = top->rank;
    out->purpose = top->purpose;
    out->releasable_to = gs_arena_alloc(a, max_rel, GS_NATION_SIZE);
    out->categories = gs_arena_alloc(a, max_cat, sizeof(char *));
    out->created = labels[0]->created;
    out->derivatives = GS_DERIVATIVE_ALL;
    for (i = 0; i < n; i++) {
        const struct gs_label *l = labels[i];

        /* A use holds for the whole only if every contributor permits it
         * for its part (STANAG 4774 combines permissive categories the
         * same way). */
        out->derivatives &= l->derivatives;

        /* Candidates: every nation a contributor names, and the
         * originators themselves. */
        for (j = 0; j <= l->n_releasable_to; j++) {
            const char *nation =
                j < l->n_releasable_to ? l->releasable_to[j] : l->originator;

            if (!gs_label_releasable(out, nation) &&
                all_allow(labels, n, nation))
                memcpy(out->releasable_to[out->n_releasable_to++], nation,
                       GS_NATION_SIZE);
        }
        for (j = 0; j < l->n_categories; j++)
            if (!gs_label_has_category(out, l->categories[j]))
                out->categories[out->n_categories++] = l->categories[j];
        if (l->created > out->created)
            out->created = l->created;
        if (l->has_review && (!out->has_review || l->review < out->review)) {
            out->review = l->review;
            out->has_review = true;
        }
    }
    return 0;
}
