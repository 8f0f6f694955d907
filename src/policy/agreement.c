/* agreement.c - agreements: JSON form, coverage, lifecycle; see agreement.h */
#include "policy/agreement.h"

#include <string.h>

#include "base/err.h"
#include "base/text.h"
#include "policy/parse.h"
#include "policy/policy.h"
#include "policy/scheme.h"

bool gs_agreement_is_party(const struct gs_agreement *a, const char *nation)
{
    return pj_has_nation((const char(*)[GS_NATION_SIZE])a->parties,
                         a->n_parties, nation);
}

bool gs_agreement_in_force(const struct gs_agreement *a, gs_time_t t)
{
    return a->in_force <= t && (!a->has_terminates || t < a->terminates);
}

const struct gs_equiv_row *gs_agreement_row(const struct gs_agreement *a,
                                            int rank)
{
    size_t i;

    for (i = 0; i < a->n_rows; i++)
        if (a->rows[i].rank == rank)
            return &a->rows[i];
    return NULL;
}

const char *gs_agreement_word(const struct gs_agreement *a, int rank,
                              const char *nation)
{
    const struct gs_equiv_row *row = gs_agreement_row(a, rank);
    size_t i;

    if (row == NULL)
        return NULL;
    for (i = 0; i < row->n_cols; i++)
        if (strcmp(row->cols[i].nation, nation) == 0)
            return row->cols[i].words[0];
    return NULL;
}

bool gs_agreement_links(const struct gs_agreement *a, const char *from,
                        const char *to)
{
    if (strcmp(from, to) == 0 || !gs_agreement_is_party(a, from) ||
        !gs_agreement_is_party(a, to))
        return false;
    if (a->hub[0] == '\0')
        return true;
    return strcmp(a->hub, from) == 0 || strcmp(a->hub, to) == 0;
}

bool gs_agreement_permits(const struct gs_agreement *a, const char *purpose)
{
    return a->purposes == NULL ||
           gs_str_index(a->purposes, a->n_purposes, purpose) >= 0;
}

int gs_agreement_levels(const struct gs_agreement *a, struct gs_buf *b)
{
    int rank, rc = 0;
    bool first = true;

    /* In rank order, whatever the order of the rows in the file. */
    for (rank = 0; rc == 0 && rank <= 3; rank++) {
        if (gs_agreement_row(a, rank) == NULL)
            continue;
        rc = gs_buf_printf(b, "%s%s", first ? "" : ", ", gs_rank_name(rank));
        first = false;
    }
    if (rc == 0 && first)
        rc = gs_buf_append_str(b, "no level");
    return rc;
}

int gs_agreement_status(const struct gs_agreement *a, gs_time_t t,
                        struct gs_buf *b)
{
    char when[GS_TIME_STRLEN], end[GS_TIME_STRLEN];
    int rc;

    gs_time_format(a->in_force, when, sizeof(when));
    if (a->has_terminates)
        gs_time_format(a->terminates, end, sizeof(end));
    if (t < a->in_force)
        return gs_buf_printf(b, "not yet in force (in force from %s)", when);
    if (a->has_terminates && t >= a->terminates)
        return gs_buf_printf(b, "terminated on %s", end);
    rc = gs_buf_printf(b, "in force since %s", when);
    if (rc == 0 && a->has_notice && a->notice <= t) {
        gs_time_format(a->notice, when, sizeof(when));
        if (a->has_notice_withdrawn && a->notice_withdrawn <= t) {
            gs_time_format(a->notice_withdrawn, end, sizeof(end));
            rc = gs_buf_printf(b,
                               "; the notice of termination of %s was "
                               "withdrawn on %s",
                               when, end);
        } else if (a->has_terminates) {
            rc = gs_buf_printf(b,
                               "; notice of termination given %s, it "
                               "ends on %s",
                               when, end);
        } else {
            rc = gs_buf_printf(b, "; notice of termination given %s", when);
        }
    }
    return rc;
}

/* Reads one equivalence row; rows[0..i) are already read. */
static int row_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                         const struct gs_agreement *ag, const json_t *rows,
                         size_t i, struct gs_arena *a, struct gs_equiv_row *out)
{
    const json_t *v = json_array_get(rows, i);
    const char *common, *key;
    json_t *member;
    struct gs_pos pos;
    size_t j, k;
    int rc;

    if (!json_is_object(v)) {
        pos = gs_jpos_element(c->doc, rows, i);
        gs_diag_error(c->diag, &pos,
                      "an equivalence row must be an object "
                      "like {\"common\": \"SECRET\", \"JPN\": [\"極秘\"], "
                      "\"KOR\": [\"군사II급비밀\"]}");
        return GS_ERR_INVALID;
    }
    rc = gs_json_string(c, v, "common", true, &common);
    if (rc < 0)
        return rc;
    pos = gs_jpos_member(c->doc, v, "common");
    if (gs_rank_parse(common, &out->rank) < 0) {
        gs_diag_error(c->diag, &pos,
                      "\"%s\" is not a common level; use UNCLASSIFIED, "
                      "CONFIDENTIAL, SECRET or TOP SECRET",
                      common);
        return GS_ERR_INVALID;
    }
    for (j = 0; j < i; j++) {
        if (ag->rows[j].rank == out->rank) {
            gs_diag_error(c->diag, &pos, "%s has two rows", common);
            return GS_ERR_INVALID;
        }
    }
    out->cols = gs_arena_alloc(a, ag->n_parties, sizeof(*out->cols));
    out->n_cols = ag->n_parties;
    json_object_foreach((json_t *)v, key, member)
    {
        int party = -1;

        if (strcmp(key, "common") == 0)
            continue;
        for (j = 0; j < ag->n_parties; j++)
            if (strcmp(ag->parties[j], key) == 0)
                party = (int)j;
        pos = gs_jpos_member(c->doc, v, key);
        if (party < 0) {
            gs_diag_error(c->diag, &pos,
                          "\"%s\" is not a party to this agreement; a row "
                          "has \"common\" and one list of words per party",
                          key);
            return GS_ERR_INVALID;
        }
        if (!json_is_array(member) || json_array_size(member) == 0) {
            gs_diag_error(c->diag, &pos,
                          "%s needs a list of at least one word at %s", key,
                          common);
            return GS_ERR_INVALID;
        }
        {
            struct gs_equiv_words *col = &out->cols[party];
            const struct gs_scheme *s = gs_policy_scheme(p, key);

            memcpy(col->nation, key, GS_NATION_SIZE);
            col->n_words = json_array_size(member);
            col->words = gs_arena_alloc(a, col->n_words, sizeof(char *));
            for (k = 0; k < col->n_words; k++) {
                const struct gs_level *l;
                const char *w;

                rc = gs_json_string_at(c, member, k, &w);
                if (rc < 0)
                    return rc;
                pos = gs_jpos_element(c->doc, member, k);
                l = s != NULL ? gs_scheme_find(s, w) : NULL;
                if (l == NULL) {
                    char words[512] = "";

                    if (s != NULL)
                        gs_scheme_words(s, out->rank, words, sizeof(words));
                    gs_diag_error(c->diag, &pos,
                                  "\"%s\" is not a word of %s's scheme%s%s", w,
                                  key, words[0] ? "; at this level use " : "",
                                  words);
                    return GS_ERR_INVALID;
                }
                if (l->rank != out->rank) {
                    gs_diag_error(c->diag, &pos,
                                  "\"%s\" is %s in %s's scheme but stands in "
                                  "the %s row: equal words must have the "
                                  "same rank",
                                  w, gs_rank_name(l->rank), key, common);
                    return GS_ERR_INVALID;
                }
                col->words[k] = gs_arena_strdup(a, w);
            }
        }
    }
    for (j = 0; j < ag->n_parties; j++) {
        if (out->cols[j].n_words == 0) {
            pos = gs_jpos_value(c->doc, v);
            gs_diag_error(c->diag, &pos, "the %s row has no words for %s",
                          common, ag->parties[j]);
            return GS_ERR_INVALID;
        }
    }
    return 0;
}

/* Times must come in lifecycle order. */
static int check_dates(const struct gs_jctx *c, const json_t *v,
                       const struct gs_agreement *ag)
{
    const char *key = NULL, *why = NULL;

    if (ag->has_notice && ag->notice < ag->in_force) {
        key = "notice_of_termination";
        why = "notice of termination is given before the agreement is in "
              "force";
    } else if (ag->has_notice_withdrawn && !ag->has_notice) {
        key = "notice_withdrawn";
        why = "a notice is withdrawn but none was given; set "
              "\"notice_of_termination\"";
    } else if (ag->has_notice_withdrawn && ag->notice_withdrawn < ag->notice) {
        key = "notice_withdrawn";
        why = "the notice is withdrawn before it was given";
    } else if (ag->has_terminates && ag->terminates <= ag->in_force) {
        key = "terminates";
        why = "the agreement terminates before it is in force";
    } else if (ag->has_terminates && ag->has_notice &&
               ag->terminates < ag->notice) {
        key = "terminates";
        why = "the agreement terminates before notice of termination";
    }
    if (key != NULL) {
        struct gs_pos pos = gs_jpos_member(c->doc, v, key);

        gs_diag_error(c->diag, &pos, "%s", why);
        return GS_ERR_INVALID;
    }
    return 0;
}

int gs_agreement_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                           const json_t *v, struct gs_arena *a,
                           struct gs_agreement **out)
{
    static const char *const keys[] = {"id",
                                       "title",
                                       "parties",
                                       "hub",
                                       "in_force",
                                       "notice_of_termination",
                                       "notice_withdrawn",
                                       "terminates",
                                       "purposes",
                                       "equivalence",
                                       NULL};
    struct gs_agreement *ag = gs_arena_alloc(a, 1, sizeof(*ag));
    const json_t *rows;
    struct gs_pos pos;
    size_t i;
    int rc;

    *out = NULL;
    rc = gs_json_object(c, v, "an agreement", keys);
    if (rc == 0)
        rc = pj_ident(c, v, "id", true, "agreement id", &ag->id);
    if (rc == 0)
        rc = gs_json_string(c, v, "title", true, &ag->title);
    if (rc == 0)
        rc = pj_nations(c, v, "parties", true, a, &ag->parties, &ag->n_parties);
    if (rc == 0)
        rc = pj_nation(c, v, "hub", false, ag->hub);
    if (rc == 0)
        rc = gs_json_time(c, v, "in_force", true, &ag->in_force, NULL);
    if (rc == 0)
        rc = gs_json_time(c, v, "notice_of_termination", false, &ag->notice,
                          &ag->has_notice);
    if (rc == 0)
        rc = gs_json_time(c, v, "notice_withdrawn", false,
                          &ag->notice_withdrawn, &ag->has_notice_withdrawn);
    if (rc == 0)
        rc = gs_json_time(c, v, "terminates", false, &ag->terminates,
                          &ag->has_terminates);
    if (rc == 0)
        rc = pj_idents(c, v, "purposes", false, "purpose", a, &ag->purposes,
                       &ag->n_purposes);
    if (rc == 0)
        rc = gs_json_array(c, v, "equivalence", true, &rows);
    if (rc == 0)
        rc = check_dates(c, v, ag);
    if (rc < 0)
        return rc;

    if (ag->n_parties < 2) {
        pos = gs_jpos_member(c->doc, v, "parties");
        gs_diag_error(c->diag, &pos, "an agreement needs at least two parties");
        return GS_ERR_INVALID;
    }
    if (ag->hub[0] != '\0' && !gs_agreement_is_party(ag, ag->hub)) {
        pos = gs_jpos_member(c->doc, v, "hub");
        gs_diag_error(c->diag, &pos, "the hub %s is not one of the parties",
                      ag->hub);
        return GS_ERR_INVALID;
    }
    if (ag->hub[0] != '\0' && ag->n_parties == 2) {
        pos = gs_jpos_member(c->doc, v, "hub");
        gs_diag_error(c->diag, &pos,
                      "a bilateral agreement has no hub; set \"hub\" to null");
        return GS_ERR_INVALID;
    }
    for (i = 0; i < ag->n_parties; i++) {
        if (gs_policy_scheme(p, ag->parties[i]) == NULL) {
            pos = gs_jpos_member(c->doc, v, "parties");
            gs_diag_error(c->diag, &pos,
                          "no marking scheme is known for %s: add a scheme "
                          "file for it",
                          ag->parties[i]);
            return GS_ERR_INVALID;
        }
    }
    /* A purposes list that is present must say something: [] would make the
     * agreement permit nothing, which is surely a mistake. */
    if (json_is_array(json_object_get(v, "purposes")) && ag->n_purposes == 0) {
        pos = gs_jpos_member(c->doc, v, "purposes");
        gs_diag_error(c->diag, &pos,
                      "\"purposes\" is empty; list the "
                      "permitted purposes, or use null for any purpose");
        return GS_ERR_INVALID;
    }
    ag->n_rows = json_array_size(rows);
    if (ag->n_rows == 0) {
        pos = gs_jpos_member(c->doc, v, "equivalence");
        gs_diag_error(c->diag, &pos,
                      "the equivalence table is empty: the "
                      "agreement would cover no level");
        return GS_ERR_INVALID;
    }
    ag->rows = gs_arena_alloc(a, ag->n_rows, sizeof(*ag->rows));
    for (i = 0; i < ag->n_rows; i++) {
        rc = row_from_json(p, c, ag, rows, i, a, &ag->rows[i]);
        if (rc < 0)
            return rc;
    }
    ag->id = gs_arena_strdup(a, ag->id);
    ag->title = gs_arena_strdup(a, ag->title);
    *out = ag;
    return 0;
}
