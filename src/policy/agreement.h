/*
 * agreement.h - security agreements between nations (GSOMIA and the like).
 *
 * An agreement has two parties (bilateral) or more (multilateral, with an
 * optional hub, like the 2014 US-Japan-ROK TISA where the US relays). It
 * holds the equivalence table: for each common level it covers, the words of
 * each party that are equal at that level. It covers exactly the levels that
 * have a row; a level without a row cannot be released under it. It may limit
 * the purposes information is provided for. It is in force at T when
 * in_force <= T < terminates; a notice of termination alone does not end it,
 * and what was received before termination stays protected afterwards.
 *
 * Which transfers an agreement covers (gs_agreement_links): a bilateral one
 * and a multilateral one without a hub, any two of its parties; one with a
 * hub, transfers between the hub and a member (including a member's items
 * the hub relays to another member), never directly between two members.
 */
#ifndef GS_POLICY_AGREEMENT_H
#define GS_POLICY_AGREEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/time.h"
#include "policy/nation.h"

struct gs_policy;

struct gs_equiv_words {
    char nation[GS_NATION_SIZE];
    const char **words; /* in the nation's scheme, all of the row's rank */
    size_t n_words;
};

struct gs_equiv_row {
    int rank;                    /* the common level */
    struct gs_equiv_words *cols; /* one per party, in party order */
    size_t n_cols;
};

struct gs_agreement {
    const char *id, *title;
    char (*parties)[GS_NATION_SIZE];
    size_t n_parties;
    char hub[GS_NATION_SIZE]; /* "" when there is none */
    gs_time_t in_force;
    bool has_notice, has_notice_withdrawn, has_terminates;
    gs_time_t notice, notice_withdrawn, terminates;
    const char **purposes; /* NULL with n_purposes 0: any purpose */
    size_t n_purposes;
    struct gs_equiv_row *rows;
    size_t n_rows;
};

bool gs_agreement_is_party(const struct gs_agreement *a, const char *nation);
/* in_force <= t < terminates (no terminates: for ever after in_force). */
bool gs_agreement_in_force(const struct gs_agreement *a, gs_time_t t);
/* The row for rank, or NULL when the agreement does not cover it. */
const struct gs_equiv_row *gs_agreement_row(const struct gs_agreement *a,
                                            int rank);
/* nation's first word at rank, or NULL. */
const char *gs_agreement_word(const struct gs_agreement *a, int rank,
                              const char *nation);
/* True when a covers a direct transfer from one party to another. */
bool gs_agreement_links(const struct gs_agreement *a, const char *from,
                        const char *to);
/* True when purpose is permitted (always, when no purposes are listed). */
bool gs_agreement_permits(const struct gs_agreement *a, const char *purpose);

/* Appends "CONFIDENTIAL, SECRET" (the covered levels) to b. */
int gs_agreement_levels(const struct gs_agreement *a, struct gs_buf *b);
/*
 * Appends the lifecycle at t in words to b, e.g. "in force since
 * 2016-11-23T00:00:00Z; notice of termination given 2019-08-23T00:00:00Z".
 */
int gs_agreement_status(const struct gs_agreement *a, gs_time_t t,
                        struct gs_buf *b);

/*
 * Reads an agreement object (docs/formats.md):
 *   {"id": "JPN-KOR-2016", "title": "...", "parties": ["JPN", "KOR"],
 *    "hub": null, "in_force": "...", "notice_of_termination": null,
 *    "notice_withdrawn": null, "terminates": null, "purposes": null,
 *    "equivalence": [{"common": "SECRET", "JPN": ["極秘", "特定秘密"],
 *                     "KOR": ["군사II급비밀"]}, ...]}
 * Every row names a common level once and words for every party, each a
 * word of that party's scheme in p at the row's rank. Allocates in a.
 */
int gs_agreement_from_json(const struct gs_policy *p, const struct gs_jctx *c,
                           const json_t *v, struct gs_arena *a,
                           struct gs_agreement **out);

#endif
