/*
 * decide.c - release, access and derivative decisions; the rules are in
 * decide.h.
 *
 * Each rule is a small function that either passes or writes the denial
 * into the decision. Details name the agreement, consent or label that
 * decided, so that a security officer can check the decision by hand.
 */
#include "policy/decide.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/text.h"

static const char *const reason_codes[GS_REASON_COUNT] = {
    [GS_REASON_ALLOWED] = "ALLOWED",
    [GS_REASON_NO_AGREEMENT] = "NO_AGREEMENT",
    [GS_REASON_AGREEMENT_NOT_IN_FORCE] = "AGREEMENT_NOT_IN_FORCE",
    [GS_REASON_LEVEL_NOT_COVERED] = "LEVEL_NOT_COVERED",
    [GS_REASON_NOT_RELEASABLE] = "NOT_RELEASABLE",
    [GS_REASON_NO_CONSENT] = "NO_CONSENT",
    [GS_REASON_ORIGINATOR_NOT_COVERED] = "ORIGINATOR_NOT_COVERED",
    [GS_REASON_PURPOSE_NOT_PERMITTED] = "PURPOSE_NOT_PERMITTED",
    [GS_REASON_ITEM_NOT_ACTIVE] = "ITEM_NOT_ACTIVE",
    [GS_REASON_NATIONALITY] = "NATIONALITY",
    [GS_REASON_CLEARANCE_TOO_LOW] = "CLEARANCE_TOO_LOW",
    [GS_REASON_NEED_TO_KNOW] = "NEED_TO_KNOW",
    [GS_REASON_PURPOSE_NOT_SERVED] = "PURPOSE_NOT_SERVED",
    [GS_REASON_MALFORMED] = "MALFORMED",
    [GS_REASON_DERIVATIVE_NOT_PERMITTED] = "DERIVATIVE_NOT_PERMITTED",
};

const char *gs_reason_code(enum gs_reason r)
{
    if ((unsigned)r >= GS_REASON_COUNT)
        return "MALFORMED";
    return reason_codes[r];
}

int gs_reason_parse(const char *code, enum gs_reason *out)
{
    int i = gs_str_index(reason_codes, GS_REASON_COUNT, code);

    *out = GS_REASON_MALFORMED;
    if (i < 0)
        return GS_ERR_INVALID;
    *out = (enum gs_reason)i;
    return 0;
}

static const char *const state_names[] = {"active", "destroyed", "retracted",
                                          "superseded"};

const char *gs_item_state_name(enum gs_item_state s)
{
    if ((unsigned)s > GS_STATE_SUPERSEDED)
        return "?";
    return state_names[s];
}

int gs_item_state_parse(const char *name, enum gs_item_state *out)
{
    int i = gs_str_index(state_names, 4, name);

    *out = GS_STATE_DESTROYED;
    if (i < 0)
        return GS_ERR_INVALID;
    *out = (enum gs_item_state)i;
    return 0;
}

static void set(struct gs_decision *d, enum gs_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set(struct gs_decision *d, enum gs_reason r, const char *fmt, ...)
{
    va_list ap;

    d->reason = r;
    va_start(ap, fmt);
    vsnprintf(d->detail, sizeof(d->detail), fmt, ap);
    va_end(ap);
}

static void decision_init(struct gs_decision *d)
{
    memset(d, 0, sizeof(*d));
    d->reason = GS_REASON_MALFORMED;
}

static const char *fmt_time(gs_time_t t, char buf[GS_TIME_STRLEN])
{
    gs_time_format(t, buf, GS_TIME_STRLEN);
    return buf;
}

/* "releasable to USA, JPN" or "releasable to no other nation". */
static void rel_words(const struct gs_label *l, struct gs_buf *b)
{
    size_t i;

    if (l->n_releasable_to == 0)
        gs_buf_append_str(b, "releasable to no other nation");
    for (i = 0; i < l->n_releasable_to; i++)
        gs_buf_printf(b, "%s%s", i ? ", " : "releasable to ",
                      l->releasable_to[i]);
}

/* Checks the item itself; fills *rank with the dominant rank. */
static int check_item(const struct gs_item_ref *x, struct gs_decision *d,
                      int *rank)
{
    size_t i;

    *rank = 0;
    if (x == NULL || x->n_labels == 0 || x->labels == NULL) {
        set(d, GS_REASON_MALFORMED,
            "the item has no label; an unlabelled "
            "item is never released or read");
        return GS_ERR_INVALID;
    }
    for (i = 0; i < x->n_labels; i++) {
        const struct gs_label *l = x->labels[i];

        if (l == NULL || l->purpose == NULL || l->rank < 0 ||
            l->rank > GS_RANK_MAX || !gs_nation_valid(l->originator) ||
            (l->derivatives & ~GS_DERIVATIVE_ALL) != 0) {
            set(d, GS_REASON_MALFORMED, "contributor label %zu is incomplete",
                i + 1);
            return GS_ERR_INVALID;
        }
        if (strcmp(l->purpose, x->labels[0]->purpose) != 0) {
            set(d, GS_REASON_MALFORMED,
                "the contributors have different purposes (\"%s\" from %s, "
                "\"%s\" from %s); such an item cannot exist",
                x->labels[0]->purpose, x->labels[0]->originator, l->purpose,
                l->originator);
            return GS_ERR_INVALID;
        }
        if (l->rank > *rank)
            *rank = l->rank;
    }
    return 0;
}

/* Rule 0 of every decision; what says what is refused ("released or
 * read"). */
static bool item_active(const struct gs_item_ref *x, const char *what,
                        struct gs_decision *d)
{
    if (x->state == GS_STATE_ACTIVE)
        return true;
    set(d, GS_REASON_ITEM_NOT_ACTIVE,
        "item %s is %s: nothing destroyed, retracted or superseded is %s",
        x->id ? x->id : "(no id)", gs_item_state_name(x->state), what);
    return false;
}

/* Rule 2: the agreement between H and R that gets furthest. */
enum stage { ST_NONE, ST_LINKED, ST_IN_FORCE, ST_COVERS, ST_PURPOSE };

static enum stage agreement_stage(const struct gs_agreement *a, gs_time_t t,
                                  int rank, const char *purpose)
{
    if (!gs_agreement_in_force(a, t))
        return ST_LINKED;
    if (gs_agreement_row(a, rank) == NULL)
        return ST_IN_FORCE;
    if (!gs_agreement_permits(a, purpose))
        return ST_COVERS;
    return ST_PURPOSE;
}

static const struct gs_agreement *
pick_agreement(const struct gs_policy *p, const char *h, const char *r,
               gs_time_t t, int rank, const char *purpose, enum stage *best)
{
    const struct gs_agreement *chosen = NULL;
    size_t i;

    *best = ST_NONE;
    for (i = 0; i < p->n_agreements; i++) {
        const struct gs_agreement *a = p->agreements[i];
        enum stage s;

        if (!gs_agreement_links(a, h, r))
            continue;
        s = agreement_stage(a, t, rank, purpose);
        if (s > *best) {
            *best = s;
            chosen = a;
        }
    }
    return chosen;
}

/* An agreement with both as parties that only covers them through a hub,
 * for explaining a NO_AGREEMENT. */
static const struct gs_agreement *hub_only(const struct gs_policy *p,
                                           const char *h, const char *r)
{
    size_t i;

    for (i = 0; i < p->n_agreements; i++) {
        const struct gs_agreement *a = p->agreements[i];

        if (gs_agreement_is_party(a, h) && gs_agreement_is_party(a, r) &&
            a->hub[0] != '\0')
            return a;
    }
    return NULL;
}

static bool rule2(const struct gs_policy *p, const char *h, const char *r,
                  gs_time_t t, int rank, const struct gs_item_ref *x,
                  struct gs_decision *d, enum stage *stage)
{
    const char *purpose = x->labels[0]->purpose;
    const struct gs_agreement *a =
        pick_agreement(p, h, r, t, rank, purpose, stage);
    char when[GS_TIME_STRLEN];
    struct gs_buf b;

    if (a == NULL) {
        const struct gs_agreement *hub = hub_only(p, h, r);

        if (hub != NULL)
            set(d, GS_REASON_NO_AGREEMENT,
                "no agreement covers a transfer from %s to %s: %s (%s) "
                "covers them only through its hub %s",
                h, r, hub->id, hub->title, hub->hub);
        else
            set(d, GS_REASON_NO_AGREEMENT,
                "there is no agreement between %s and %s", h, r);
        return false;
    }
    d->agreement = a;
    gs_buf_init(&b, GS_DETAIL_MAX);
    if (*stage == ST_LINKED) {
        gs_agreement_status(a, t, &b);
        set(d, GS_REASON_AGREEMENT_NOT_IN_FORCE,
            "agreement %s (%s) between %s and %s is %s at %s", a->id, a->title,
            h, r, gs_buf_str(&b), fmt_time(t, when));
        gs_buf_free(&b);
        return false;
    }
    if (*stage == ST_IN_FORCE) {
        gs_agreement_levels(a, &b);
        set(d, GS_REASON_LEVEL_NOT_COVERED,
            "this item is %s, and agreement %s (%s) covers only %s: it "
            "cannot be released under it",
            gs_rank_name(rank), a->id, a->title, gs_buf_str(&b));
        gs_buf_free(&b);
        return false;
    }
    gs_buf_free(&b);
    return true;
}

/* Rule 3: what H originated must be releasable to R. */
static bool rule3(const char *h, const char *r, const struct gs_item_ref *x,
                  struct gs_decision *d)
{
    size_t i;

    for (i = 0; i < x->n_labels; i++) {
        const struct gs_label *l = x->labels[i];
        struct gs_buf b;

        if (strcmp(l->originator, h) != 0 || gs_label_releasable(l, r))
            continue;
        gs_buf_init(&b, 256);
        rel_words(l, &b);
        set(d, GS_REASON_NOT_RELEASABLE,
            "%s marked its information %s; %s is not among them", h,
            gs_buf_str(&b), r);
        gs_buf_free(&b);
        return false;
    }
    return true;
}

/* Rule 4, path one: an agreement between O and R that covers l. Sets
 * *purpose_bad to one that would, but for the purpose. */
static const struct gs_agreement *
originator_agreement(const struct gs_policy *p, const char *h, const char *r,
                     gs_time_t t, const struct gs_label *l,
                     const struct gs_agreement **purpose_bad)
{
    size_t i;

    *purpose_bad = NULL;
    for (i = 0; i < p->n_agreements; i++) {
        const struct gs_agreement *a = p->agreements[i];

        if (!gs_agreement_is_party(a, l->originator) ||
            !gs_agreement_is_party(a, r))
            continue;
        if (a->hub[0] != '\0' && strcmp(a->hub, h) != 0)
            continue;
        if (!gs_agreement_in_force(a, t) ||
            gs_agreement_row(a, l->rank) == NULL)
            continue;
        if (gs_agreement_permits(a, l->purpose))
            return a;
        *purpose_bad = a;
    }
    return NULL;
}

/*
 * A consent of O (l's originator) to holder h that covers item x at t:
 * for a release (r not NULL) a release consent whose third party is r, for
 * a derivative (r NULL) a derivative consent that names use. Scope and
 * purpose, validity and revocation are checked alike for both. When none
 * covers, *near names a consent of the same kind between the same nations
 * that does not, and *why says why, for the denial.
 */
static const struct gs_consent *
covering_consent(const struct gs_policy *p, const char *h, const char *r,
                 unsigned use, gs_time_t t, const struct gs_item_ref *x,
                 const struct gs_label *l, const struct gs_consent **near,
                 char *why, size_t why_n)
{
    char a[GS_TIME_STRLEN], b[GS_TIME_STRLEN];
    size_t i;

    *near = NULL;
    why[0] = '\0';
    for (i = 0; i < p->n_consents; i++) {
        const struct gs_consent *k = p->consents[i];
        const struct gs_revocation *rev;

        if (strcmp(k->grantor, l->originator) != 0 || strcmp(k->holder, h) != 0)
            continue;
        /* A derivative consent authorises no release, and a release
         * consent no derivative. */
        if (r != NULL &&
            (gs_consent_is_derivative(k) || strcmp(k->third_party, r) != 0))
            continue;
        if (r == NULL && (k->derivatives & use) == 0)
            continue;
        rev = gs_policy_revocation(p, k->id);
        if (!gs_consent_scope_covers(k, x->id, x->kind, l)) {
            if (*near == NULL) {
                *near = k;
                snprintf(why, why_n,
                         "consent %s does not cover this item "
                         "(its scope, or its purpose \"%s\")",
                         k->id, k->purpose);
            }
            continue;
        }
        if (!gs_consent_valid_at(k, t)) {
            *near = k;
            snprintf(why, why_n, "consent %s is valid only from %s until %s",
                     k->id, fmt_time(k->valid_from, a),
                     fmt_time(k->valid_until, b));
            continue;
        }
        if (rev != NULL && rev->at <= t) {
            *near = k;
            snprintf(why, why_n, "consent %s was revoked by %s on %s", k->id,
                     rev->grantor, fmt_time(rev->at, a));
            continue;
        }
        return k;
    }
    return NULL;
}

/* Rule 4 for every other originator; the agreements that would serve but
 * for the purpose go to *purpose_bad for rule 5. used describes the paths. */
static bool rule4(const struct gs_policy *p, const char *h, const char *r,
                  gs_time_t t, const struct gs_item_ref *x,
                  struct gs_decision *d,
                  const struct gs_agreement **purpose_bad, struct gs_buf *used)
{
    size_t i;

    *purpose_bad = NULL;
    for (i = 0; i < x->n_labels; i++) {
        const struct gs_label *l = x->labels[i];
        const struct gs_agreement *a = NULL, *bad = NULL;
        const struct gs_consent *k, *near;
        const char *o = l->originator;
        char why[320];
        bool rel = gs_label_releasable(l, r);

        if (strcmp(o, h) == 0 || strcmp(o, r) == 0)
            continue;
        if (rel) {
            a = originator_agreement(p, h, r, t, l, &bad);
            if (a != NULL) {
                gs_buf_printf(used,
                              "; %s marked its information releasable "
                              "to %s, and %s covers %s and %s",
                              o, r, a->id, o, r);
                continue;
            }
        }
        /* Rule 4, path two: a consent of O that covers (X, H, R,
         * purpose) at t. */
        k = covering_consent(p, h, r, 0, t, x, l, &near, why, sizeof(why));
        if (k != NULL) {
            gs_buf_printf(used,
                          "; consent %s of %s lets %s pass its "
                          "information to %s",
                          k->id, o, h, r);
            continue;
        }
        if (bad != NULL) {
            if (*purpose_bad == NULL)
                *purpose_bad = bad;
            gs_buf_printf(used,
                          "; %s marked its information releasable to "
                          "%s under %s",
                          o, r, bad->id);
            continue;
        }
        if (!rel) {
            struct gs_buf b;

            gs_buf_init(&b, 256);
            rel_words(l, &b);
            set(d, GS_REASON_NO_CONSENT,
                "%s marked its information %s, and no consent of %s lets %s "
                "pass it to %s at this time%s%s",
                o, gs_buf_str(&b), o, h, r, why[0] ? ": " : "", why);
            gs_buf_free(&b);
        } else {
            set(d, GS_REASON_ORIGINATOR_NOT_COVERED,
                "%s marked its information releasable to %s, but no "
                "agreement in force between %s and %s covers %s (a "
                "multilateral one counts only if %s is its hub or it has "
                "none)%s%s",
                o, r, o, r, gs_rank_name(l->rank), h, why[0] ? "; " : "", why);
        }
        return false;
    }
    return true;
}

static void purposes_words(const struct gs_agreement *a, struct gs_buf *b)
{
    size_t i;

    for (i = 0; i < a->n_purposes; i++)
        gs_buf_printf(b, "%s%s", i ? ", " : "", a->purposes[i]);
}

int gs_decide_release(const struct gs_policy *p, const char *holder,
                      const char *recipient, gs_time_t at,
                      const struct gs_item_ref *x, struct gs_decision *d)
{
    const struct gs_agreement *bad = NULL, *a;
    const struct gs_label *top;
    const char *word;
    struct gs_buf used, b;
    enum stage stage;
    size_t i;
    int rank, rc;
    bool all_r = true;

    decision_init(d);
    if (!gs_nation_valid(holder) || !gs_nation_valid(recipient)) {
        set(d, GS_REASON_MALFORMED,
            "holder and recipient must be ISO 3166-1 alpha-3 nation codes");
        return GS_ERR_INVALID;
    }
    if (strcmp(holder, recipient) == 0) {
        set(d, GS_REASON_MALFORMED,
            "holder and recipient are both %s; a "
            "release goes to another nation",
            holder);
        return GS_ERR_INVALID;
    }
    rc = check_item(x, d, &rank);
    if (rc < 0)
        return rc;
    if (!item_active(x, "released or read", d))
        return 0;

    /* Rule 1. */
    top = x->labels[0];
    for (i = 0; i < x->n_labels; i++) {
        all_r = all_r && strcmp(x->labels[i]->originator, recipient) == 0;
        if (x->labels[i]->rank > top->rank)
            top = x->labels[i];
    }
    if (all_r) {
        set(d, GS_REASON_ALLOWED,
            "%s originated this item: an originator "
            "may always receive its own information back",
            recipient);
        snprintf(d->marking, sizeof(d->marking), "%s", top->classification);
        return 0;
    }

    if (!rule2(p, holder, recipient, at, rank, x, d, &stage))
        return 0;
    if (!rule3(holder, recipient, x, d))
        return 0;
    gs_buf_init(&used, GS_DETAIL_MAX);
    if (!rule4(p, holder, recipient, at, x, d, &bad, &used)) {
        gs_buf_free(&used);
        return 0;
    }

    /* Rule 5: the H-R agreement first, then those of rule 4. */
    a = stage == ST_COVERS ? d->agreement : bad;
    if (a != NULL) {
        gs_buf_init(&b, 256);
        purposes_words(a, &b);
        set(d, GS_REASON_PURPOSE_NOT_PERMITTED,
            "agreement %s (%s) permits information only for %s; this item "
            "was provided for \"%s\"",
            a->id, a->title, gs_buf_str(&b), x->labels[0]->purpose);
        gs_buf_free(&b);
        gs_buf_free(&used);
        return 0;
    }

    a = d->agreement;
    word = gs_agreement_word(a, rank, recipient);
    if (word == NULL) {
        /* Cannot happen for a parsed agreement: every row has every
         * party. Deny rather than release without a marking. */
        set(d, GS_REASON_MALFORMED, "agreement %s has no %s word for %s", a->id,
            recipient, gs_rank_name(rank));
        gs_buf_free(&used);
        return GS_ERR_INVALID;
    }
    snprintf(d->marking, sizeof(d->marking), "%s", word);
    /* A notice of termination does not stop releases, but the officer
     * should see it. */
    gs_buf_init(&b, 256);
    if (a->has_notice && a->notice <= at) {
        gs_buf_append_str(&b, " (");
        gs_agreement_status(a, at, &b);
        gs_buf_append_str(&b, ")");
    }
    set(d, GS_REASON_ALLOWED,
        "%s may pass this %s item to %s under %s "
        "(%s)%s, where %s marks it %s%s",
        holder, gs_rank_name(rank), recipient, a->id, a->title, gs_buf_str(&b),
        recipient, word, gs_buf_str(&used));
    gs_buf_free(&b);
    gs_buf_free(&used);
    return 0;
}

int gs_decide_access(const struct gs_policy *p, const char *holder,
                     const struct gs_user *u, const struct gs_item_ref *x,
                     struct gs_decision *d)
{
    const struct gs_scheme *s;
    const char *purpose;
    char words[256] = "";
    size_t i, j;
    int rank, rc;

    decision_init(d);
    if (u == NULL || !gs_nation_valid(holder)) {
        set(d, GS_REASON_MALFORMED, "the reader or the holder is missing");
        return GS_ERR_INVALID;
    }
    rc = check_item(x, d, &rank);
    if (rc < 0)
        return rc;
    if (!item_active(x, "released or read", d))
        return 0;
    if (strcmp(u->nationality, holder) != 0) {
        set(d, GS_REASON_NATIONALITY,
            "%s is a national of %s; at this %s node only %s nationals may "
            "read what %s holds",
            u->name, u->nationality, holder, holder, holder);
        return 0;
    }
    if (u->rank < rank) {
        s = gs_policy_scheme(p, holder);
        if (s != NULL)
            gs_scheme_words(s, rank, words, sizeof(words));
        set(d, GS_REASON_CLEARANCE_TOO_LOW,
            "%s is cleared for %s (%s); this item is %s%s%s%s", u->name,
            u->clearance, gs_rank_name(u->rank), gs_rank_name(rank),
            words[0] ? " (" : "", words, words[0] ? ")" : "");
        return 0;
    }
    for (i = 0; i < x->n_labels; i++) {
        const struct gs_label *l = x->labels[i];

        for (j = 0; j < l->n_categories; j++) {
            if (gs_str_index(u->categories, u->n_categories, l->categories[j]) <
                0) {
                set(d, GS_REASON_NEED_TO_KNOW,
                    "%s has no need to know for %s, a restrictive category "
                    "of this item; clearance alone never gives access",
                    u->name, l->categories[j]);
                return 0;
            }
        }
    }
    purpose = x->labels[0]->purpose;
    if (gs_str_index(u->purposes, u->n_purposes, purpose) < 0) {
        set(d, GS_REASON_PURPOSE_NOT_SERVED,
            "this item was provided for \"%s\", which %s's duties do not serve",
            purpose, u->name);
        return 0;
    }
    set(d, GS_REASON_ALLOWED,
        "%s is cleared for %s, holds every category "
        "of this item and serves its purpose \"%s\"",
        u->name, u->clearance, purpose);
    return 0;
}

int gs_decide_derive(const struct gs_policy *p, const char *holder,
                     gs_time_t at, const struct gs_item_ref *x,
                     enum gs_derivative use, struct gs_decision *d)
{
    const char *name;
    struct gs_buf used;
    size_t i;
    int rank, rc;

    decision_init(d);
    if (p == NULL || !gs_nation_valid(holder)) {
        set(d, GS_REASON_MALFORMED,
            "the holder must be an ISO 3166-1 alpha-3 nation code, and a "
            "policy set is needed");
        return GS_ERR_INVALID;
    }
    if (!gs_derivative_valid((unsigned)use)) {
        set(d, GS_REASON_MALFORMED,
            "a derivative decision is about exactly one use of: %s",
            gs_derivative_list());
        return GS_ERR_INVALID;
    }
    name = gs_derivative_name(use);
    rc = check_item(x, d, &rank);
    if (rc < 0)
        return rc;
    if (!item_active(x, "used for a derivative", d))
        return 0;

    gs_buf_init(&used, GS_DETAIL_MAX);
    for (i = 0; i < x->n_labels; i++) {
        const struct gs_label *l = x->labels[i];
        const char *o = l->originator;
        const struct gs_consent *k, *near;
        char why[320];

        /* The originator decides about its own information. */
        if (strcmp(o, holder) == 0) {
            gs_buf_printf(&used, "%s%s's own contribution needs no permission",
                          used.len ? "; " : "", o);
            continue;
        }
        if (gs_label_permits(l, use)) {
            gs_buf_printf(&used, "%s%s's label permits %s derivatives",
                          used.len ? "; " : "", o, name);
            continue;
        }
        k = covering_consent(p, holder, NULL, (unsigned)use, at, x, l, &near,
                             why, sizeof(why));
        if (k != NULL) {
            gs_buf_printf(&used,
                          "%sconsent %s of %s lets %s make %s derivatives of "
                          "it",
                          used.len ? "; " : "", k->id, o, holder, name);
            continue;
        }
        set(d, GS_REASON_DERIVATIVE_NOT_PERMITTED,
            "%s's label does not permit %s derivatives, and no consent of "
            "%s lets %s make them from this item at this time%s%s%s; %s "
            "would have to add \"%s\" to the \"derivatives\" of its label, "
            "or grant %s a consent with \"derivatives\": [\"%s\"] that "
            "covers this item",
            o, name, o, holder, why[0] ? " (" : "", why, why[0] ? ")" : "", o,
            name, holder, name);
        gs_buf_free(&used);
        return 0;
    }
    set(d, GS_REASON_ALLOWED, "%s may make a %s derivative of this item: %s",
        holder, name, gs_buf_str(&used));
    gs_buf_free(&used);
    return 0;
}
