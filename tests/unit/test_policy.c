/*
 * test_policy.c - src/policy: schemes, agreements, labels, consents, the
 * release and access decisions (every reason code, every clause of rule 4,
 * lifecycle and validity boundaries to the microsecond, hub semantics),
 * dominant labels, STANAG 4774 XML, simulate and lint.
 *
 * Policy objects are written as JSON, as people write them, and parsed with
 * the real readers; the fixture holds the real agreements of REFERENCE.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/json.h"
#include "policy/decide.h"
#include "policy/lint.h"
#include "policy/policy.h"
#include "policy/simulate.h"
#include "policy/stanag4774.h"

/* ---- helpers ---------------------------------------------------------- */

static gs_time_t T(const char *s)
{
    gs_time_t t;

    assert_int_equal(gs_time_parse(s, &t), 0);
    return t;
}

typedef int (*add_fn)(struct gs_policy *, const struct gs_jctx *,
                      const json_t *);

/* Parses text and adds it with add; returns the result, keeps the first
 * diagnostic in msg (if not NULL). */
static int add_json(struct gs_policy *p, add_fn add, const char *text,
                    char *msg, size_t n)
{
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    int rc;

    gs_diag_init(&d);
    rc = gs_jdoc_parse(&doc, "test.json", text, strlen(text), &d);
    if (rc == 0)
        rc = add(p, &c, doc.root);
    if (msg != NULL)
        snprintf(msg, n, "%s", gs_diag_first(&d));
    else if (rc != 0)
        print_error("unexpected: %s\n", gs_diag_first(&d));
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return rc;
}

static void add_ok(struct gs_policy *p, add_fn add, const char *text)
{
    assert_int_equal(add_json(p, add, text, NULL, 0), 0);
}

/* Expects add to fail with a message containing want. */
static void add_fails(struct gs_policy *p, add_fn add, const char *text,
                      const char *want)
{
    char msg[1024];

    assert_int_equal(add_json(p, add, text, msg, sizeof(msg)), GS_ERR_INVALID);
    if (strstr(msg, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", msg, want);
}

static struct gs_label *label_in(struct gs_policy *p, const char *text,
                                 char *msg, size_t n)
{
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    struct gs_label *l = NULL;

    gs_diag_init(&d);
    if (gs_jdoc_parse(&doc, "label.json", text, strlen(text), &d) == 0)
        (void)gs_label_from_json(p, &c, doc.root, p->arena, &l);
    if (msg != NULL)
        snprintf(msg, n, "%s", gs_diag_first(&d));
    else if (l == NULL)
        print_error("label: %s\n", gs_diag_first(&d));
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return l;
}

/* A label from originator, word, releasable_to (a JSON array body),
 * categories, purpose and derivatives (a JSON array body, or NULL for no
 * such member). */
static struct gs_label *labd(struct gs_policy *p, const char *originator,
                             const char *word, const char *rel,
                             const char *cats, const char *purpose,
                             const char *ders)
{
    char text[1024], extra[256] = "";
    struct gs_label *l;

    if (ders != NULL)
        snprintf(extra, sizeof(extra), ", \"derivatives\": [%s]", ders);
    snprintf(text, sizeof(text),
             "{\"originator\": \"%s\", \"classification\": \"%s\", "
             "\"releasable_to\": [%s], \"categories\": [%s], "
             "\"purpose\": \"%s\", \"created\": \"2015-01-01T00:00:00Z\"%s}",
             originator, word, rel, cats, purpose, extra);
    l = label_in(p, text, NULL, 0);
    assert_non_null(l);
    return l;
}

static struct gs_label *lab(struct gs_policy *p, const char *originator,
                            const char *word, const char *rel, const char *cats,
                            const char *purpose)
{
    return labd(p, originator, word, rel, cats, purpose, NULL);
}

static struct gs_user *user_in(struct gs_policy *p, const char *text)
{
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    struct gs_user *u = NULL;

    gs_diag_init(&d);
    assert_int_equal(gs_jdoc_parse(&doc, "user.json", text, strlen(text), &d),
                     0);
    if (gs_user_from_json(p, &c, doc.root, p->arena, &u) < 0)
        fail_msg("user: %s", gs_diag_first(&d));
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return u;
}

/* An item of one or two contributors. */
struct item {
    const struct gs_label *labels[3];
    struct gs_item_ref ref;
};

static const struct gs_item_ref *item(struct item *it, const char *id,
                                      enum gs_kind kind,
                                      const struct gs_label *a,
                                      const struct gs_label *b)
{
    it->labels[0] = a;
    it->labels[1] = b;
    it->ref.id = id;
    it->ref.kind = kind;
    it->ref.state = GS_STATE_ACTIVE;
    it->ref.labels = it->labels;
    it->ref.n_labels = b != NULL ? 2 : 1;
    return &it->ref;
}

/* Decides a release and checks the reason (and marking when allowed). */
#define expect_release(p, h, r, at, x, reason, marking)                        \
    check_release(p, h, r, at, x, reason, marking, __LINE__)

static void check_release(const struct gs_policy *p, const char *h,
                          const char *r, gs_time_t at,
                          const struct gs_item_ref *x, enum gs_reason want,
                          const char *marking, int line)
{
    struct gs_decision d;
    int rc = gs_decide_release(p, h, r, at, x, &d);

    if (rc != 0 || d.reason != want)
        fail_msg("line %d: got %s (rc %d), want %s: %s", line,
                 gs_reason_code(d.reason), rc, gs_reason_code(want), d.detail);
    assert_true(d.detail[0] != '\0');
    if (want == GS_REASON_ALLOWED && marking != NULL &&
        strcmp(d.marking, marking) != 0)
        fail_msg("line %d: marking \"%s\", want \"%s\"", line, d.marking,
                 marking);
    if (want != GS_REASON_ALLOWED)
        assert_string_equal(d.marking, "");
}

/* ---- the fixture: the real agreements --------------------------------- */

static const char usa_kor[] =
    "{\"id\": \"USA-KOR-1987\", \"title\": \"US-ROK GSOMIA\", "
    "\"parties\": [\"USA\", \"KOR\"], \"in_force\": \"1987-09-24T00:00:00Z\", "
    "\"equivalence\": ["
    " {\"common\": \"TOP SECRET\", \"USA\": [\"TOP SECRET\"], "
    "  \"KOR\": [\"군사I급비밀\"]},"
    " {\"common\": \"SECRET\", \"USA\": [\"SECRET\"], "
    "  \"KOR\": [\"군사II급비밀\"]},"
    " {\"common\": \"CONFIDENTIAL\", \"USA\": [\"CONFIDENTIAL\"], "
    "  \"KOR\": [\"군사III급비밀\"]}]}";

static const char usa_jpn[] =
    "{\"id\": \"USA-JPN-2007\", \"title\": \"US-Japan GSOMIA\", "
    "\"parties\": [\"USA\", \"JPN\"], \"in_force\": \"2007-08-10T00:00:00Z\", "
    "\"equivalence\": ["
    " {\"common\": \"TOP SECRET\", \"USA\": [\"TOP SECRET\"], "
    "  \"JPN\": [\"機密\"]},"
    " {\"common\": \"SECRET\", \"USA\": [\"SECRET\"], "
    "  \"JPN\": [\"極秘\", \"特定秘密\"]},"
    " {\"common\": \"CONFIDENTIAL\", \"USA\": [\"CONFIDENTIAL\"], "
    "  \"JPN\": [\"秘\"]}]}";

static const char jpn_kor[] =
    "{\"id\": \"JPN-KOR-2016\", \"title\": \"Japan-ROK GSOMIA\", "
    "\"parties\": [\"JPN\", \"KOR\"], \"hub\": null, "
    "\"in_force\": \"2016-11-23T00:00:00Z\", "
    "\"notice_of_termination\": \"2019-08-23T00:00:00Z\", "
    "\"notice_withdrawn\": \"2023-03-21T00:00:00Z\", \"terminates\": null, "
    "\"purposes\": null, \"equivalence\": ["
    " {\"common\": \"SECRET\", \"JPN\": [\"極秘\", \"特定秘密\"], "
    "  \"KOR\": [\"군사II급비밀\"]},"
    " {\"common\": \"CONFIDENTIAL\", \"JPN\": [\"秘\"], "
    "  \"KOR\": [\"군사III급비밀\"]}]}";

static const char tisa[] =
    "{\"id\": \"TISA-2014\", \"title\": \"US-Japan-ROK TISA\", "
    "\"parties\": [\"USA\", \"JPN\", \"KOR\"], \"hub\": \"USA\", "
    "\"in_force\": \"2014-12-29T00:00:00Z\", "
    "\"purposes\": [\"missile-warning\", \"dprk-nuclear\"], "
    "\"equivalence\": ["
    " {\"common\": \"SECRET\", \"USA\": [\"SECRET\"], \"JPN\": [\"極秘\"], "
    "  \"KOR\": [\"군사II급비밀\"]},"
    " {\"common\": \"CONFIDENTIAL\", \"USA\": [\"CONFIDENTIAL\"], "
    "  \"JPN\": [\"秘\"], \"KOR\": [\"군사III급비밀\"]}]}";

static int setup_all(void **state)
{
    struct gs_policy *p = gs_policy_new();

    add_ok(p, gs_policy_add_agreement, usa_kor);
    add_ok(p, gs_policy_add_agreement, usa_jpn);
    add_ok(p, gs_policy_add_agreement, jpn_kor);
    add_ok(p, gs_policy_add_agreement, tisa);
    *state = p;
    return 0;
}

static int setup_empty(void **state)
{
    *state = gs_policy_new();
    return 0;
}

static int teardown(void **state)
{
    gs_policy_free(*state);
    return 0;
}

/* ---- schemes ---------------------------------------------------------- */

static void schemes_builtin_words_and_aliases(void **state)
{
    const struct gs_scheme *kor = gs_scheme_builtin("KOR");
    const struct gs_scheme *jpn = gs_scheme_builtin("JPN");

    (void)state;
    assert_non_null(kor);
    assert_int_equal(gs_scheme_find(kor, "군사II급비밀")->rank, 2);
    /* U+2161 ROMAN NUMERAL TWO is an alias of the same level. */
    assert_ptr_equal(gs_scheme_find(kor, "군사Ⅱ급비밀"),
                     gs_scheme_find(kor, "군사II급비밀"));
    assert_ptr_equal(gs_scheme_find(kor, "군사Ⅲ급비밀"),
                     gs_scheme_find(kor, "군사III급비밀"));
    assert_ptr_equal(gs_scheme_find(kor, "군사Ⅰ급비밀"),
                     gs_scheme_find(kor, "군사I급비밀"));
    assert_int_equal(gs_scheme_find(kor, "군사I급비밀")->rank, 3);
    assert_null(gs_scheme_find(kor, "SECRET"));
    assert_int_equal(gs_scheme_find(jpn, "秘")->rank, 1);
    assert_int_equal(gs_scheme_find(jpn, "極秘")->rank, 2);
    assert_int_equal(gs_scheme_find(jpn, "特定秘密")->rank, 2);
    assert_int_equal(gs_scheme_find(jpn, "機密")->rank, 3);
    assert_int_equal(gs_scheme_find(jpn, "UNCLASSIFIED")->rank, 0);
    assert_int_equal(
        gs_scheme_find(gs_scheme_builtin("USA"), "TOP SECRET")->rank, 3);
    assert_null(gs_scheme_builtin("GBR"));
}

static void schemes_from_files(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_scheme *gbr;

    add_ok(p, gs_policy_add_scheme,
           "{\"nation\": \"GBR\", \"levels\": ["
           " {\"word\": \"OFFICIAL-SENSITIVE\", \"rank\": 1, \"aliases\": "
           "  [\"OFFICIAL SENSITIVE\"]},"
           " {\"word\": \"SECRET\", \"rank\": 2},"
           " {\"word\": \"TOP SECRET\", \"rank\": 3}]}");
    gbr = gs_policy_scheme(p, "GBR");
    assert_non_null(gbr);
    assert_string_equal(gbr->government,
                        "United Kingdom of Great Britain and Northern Ireland");
    assert_int_equal(gs_scheme_find(gbr, "OFFICIAL SENSITIVE")->rank, 1);
    assert_int_equal(gs_scheme_find(gbr, "UNCLASSIFIED")->rank, 0);

    add_fails(p, gs_policy_add_scheme,
              "{\"nation\": \"JPN\", \"levels\": [{\"word\": \"X\", "
              "\"rank\": 1}]}",
              "already has a marking scheme (built in)");
    add_fails(p, gs_policy_add_scheme,
              "{\"nation\": \"FRA\", \"levels\": [{\"word\": \"X\", "
              "\"rank\": 4}]}",
              "rank must be 0");
    add_fails(p, gs_policy_add_scheme,
              "{\"nation\": \"FRA\", \"levels\": [{\"word\": \"X\", "
              "\"rank\": 1}, {\"word\": \"Y\", \"rank\": 2, "
              "\"aliases\": [\"X\"]}]}",
              "appears twice");
    add_fails(p, gs_policy_add_scheme,
              "{\"nation\": \"FRA\", \"levels\": [{\"word\": \"A//B\", "
              "\"rank\": 1}]}",
              "not a usable marking word");
    add_fails(p, gs_policy_add_scheme, "{\"nation\": \"XYZ\", \"levels\": []}",
              "not an ISO 3166-1 alpha-3");
    assert_null(gs_policy_scheme(p, "FRA"));
}

/* ---- agreements ------------------------------------------------------- */

static void agreement_lifecycle_boundaries(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_agreement *a;
    struct item it;
    const struct gs_item_ref *x;

    add_ok(p, gs_policy_add_agreement,
           "{\"id\": \"A\", \"title\": \"t\", \"parties\": [\"JPN\", "
           "\"KOR\"], \"in_force\": \"2016-11-23T00:00:00Z\", "
           "\"notice_of_termination\": \"2019-08-23T00:00:00Z\", "
           "\"terminates\": \"2019-11-23T00:00:00Z\", \"equivalence\": "
           "[{\"common\": \"SECRET\", \"JPN\": [\"極秘\"], \"KOR\": "
           "[\"군사II급비밀\"]}]}");
    a = gs_policy_agreement(p, "A");
    assert_non_null(a);
    assert_false(gs_agreement_in_force(a, T("2016-11-23T00:00:00Z") - 1));
    assert_true(gs_agreement_in_force(a, T("2016-11-23T00:00:00Z")));
    /* Notice of termination alone does not end it. */
    assert_true(gs_agreement_in_force(a, T("2019-09-01T00:00:00Z")));
    assert_true(gs_agreement_in_force(a, T("2019-11-23T00:00:00Z") - 1));
    assert_false(gs_agreement_in_force(a, T("2019-11-23T00:00:00Z")));

    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"JPN\"", "", "missile-warning"),
             NULL);
    expect_release(p, "KOR", "JPN", T("2016-11-23T00:00:00Z") - 1, x,
                   GS_REASON_AGREEMENT_NOT_IN_FORCE, NULL);
    expect_release(p, "KOR", "JPN", T("2016-11-23T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "KOR", "JPN", T("2019-11-23T00:00:00Z") - 1, x,
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "KOR", "JPN", T("2019-11-23T00:00:00Z"), x,
                   GS_REASON_AGREEMENT_NOT_IN_FORCE, NULL);
}

static void agreement_rejects_bad_files(void **state)
{
    struct gs_policy *p = *state;
    static const char head[] = "{\"id\": \"B\", \"title\": \"t\", "
                               "\"in_force\": \"2016-11-23T00:00:00Z\", ";
    char text[1024];

#define AGREEMENT(rest, want)                                                  \
    do {                                                                       \
        snprintf(text, sizeof(text), "%s%s}", head, rest);                     \
        add_fails(p, gs_policy_add_agreement, text, want);                     \
    } while (0)

    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": "
              "[{\"common\": \"SECRET\", \"JPN\": [\"秘\"], "
              "\"KOR\": [\"군사II급비밀\"]}]",
              "\"秘\" is CONFIDENTIAL in JPN's scheme but stands in the "
              "SECRET row");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": "
              "[{\"common\": \"SECRET\", \"JPN\": [\"極秘X\"], "
              "\"KOR\": [\"군사II급비밀\"]}]",
              "\"極秘X\" is not a word of JPN's scheme; at this level use "
              "極秘, 特定秘密");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": "
              "[{\"common\": \"SECRET\", \"JPN\": [\"極秘\"]}]",
              "the SECRET row has no words for KOR");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": "
              "[{\"common\": \"SECRET\", \"JPN\": [\"極秘\"], "
              "\"KOR\": [\"군사II급비밀\"], \"USA\": [\"SECRET\"]}]",
              "\"USA\" is not a party");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": "
              "[{\"common\": \"VERY SECRET\", \"JPN\": [\"極秘\"], "
              "\"KOR\": [\"군사II급비밀\"]}]",
              "not a common level");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalence\": []",
              "the equivalence table is empty");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"hub\": \"KOR\", "
              "\"equivalence\": [{\"common\": \"SECRET\", \"JPN\": "
              "[\"極秘\"], \"KOR\": [\"군사II급비밀\"]}]",
              "a bilateral agreement has no hub");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\", \"USA\"], \"hub\": \"GBR\", "
              "\"equivalence\": []",
              "the hub GBR is not one of the parties");
    AGREEMENT("\"parties\": [\"JPN\", \"JAP\"], \"equivalence\": []",
              "\"JAP\" is not an ISO 3166-1 alpha-3 nation code");
    AGREEMENT("\"parties\": [\"JPN\", \"JPN\"], \"equivalence\": []",
              "JPN is listed twice");
    AGREEMENT("\"parties\": [\"JPN\", \"FRA\"], \"equivalence\": []",
              "no marking scheme is known for FRA");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"terminates\": "
              "\"2016-01-01T00:00:00Z\", \"equivalence\": []",
              "terminates before it is in force");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"purposes\": [], "
              "\"equivalence\": [{\"common\": \"SECRET\", \"JPN\": "
              "[\"極秘\"], \"KOR\": [\"군사II급비밀\"]}]",
              "\"purposes\" is empty");
    AGREEMENT("\"parties\": [\"JPN\", \"KOR\"], \"equivalance\": []",
              "unknown member \"equivalance\"");
#undef AGREEMENT
    add_ok(p, gs_policy_add_agreement, jpn_kor);
    add_fails(p, gs_policy_add_agreement, jpn_kor,
              "there is already an agreement with id \"JPN-KOR-2016\"");
}

static void agreement_hub_semantics(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_agreement *t = gs_policy_agreement(p, "TISA-2014");

    assert_true(gs_agreement_links(t, "USA", "JPN"));
    assert_true(gs_agreement_links(t, "KOR", "USA"));
    assert_false(gs_agreement_links(t, "KOR", "JPN"));
    assert_false(gs_agreement_links(t, "JPN", "KOR"));
    assert_false(gs_agreement_links(t, "USA", "USA"));
    assert_false(gs_agreement_links(t, "USA", "GBR"));
}

/* ---- labels ----------------------------------------------------------- */

static void label_parse_and_marking(void **state)
{
    struct gs_policy *p = *state;
    struct gs_label *l;
    struct gs_buf b;
    char msg[512];

    l = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
            "missile-warning");
    assert_int_equal(l->rank, 2);
    gs_buf_init(&b, 1024);
    gs_label_marking(l, &b);
    assert_string_equal(gs_buf_str(&b), "군사II급비밀 // REL TO USA, JPN // "
                                        "DPRK-MISSILE // missile-warning");
    gs_buf_free(&b);

    l = lab(p, "KOR", "군사Ⅱ급비밀", "", "", "missile-warning");
    assert_int_equal(l->rank, 2);
    gs_buf_init(&b, 1024);
    gs_label_marking(l, &b);
    assert_string_equal(gs_buf_str(&b),
                        "군사Ⅱ급비밀 // NOT RELEASABLE // missile-warning");
    gs_buf_free(&b);

    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"極秘\", \"releasable_to\": [], \"purpose\": "
                         "\"x\", \"created\": \"2015-01-01T00:00:00Z\"}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "label.json:1:41: error: \"極秘\" is not a "
                                "classification of KOR's scheme"));
    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"군사II급비밀\", \"releasable_to\": [\"USA\"], "
                         "\"created\": \"2015-01-01T00:00:00Z\"}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "missing \"purpose\""));
    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"군사II급비밀\", \"releasable_to\": [\"USA\"], "
                         "\"purpose\": \"x\", \"categories\": "
                         "[\"DPRK MISSILE\"], "
                         "\"created\": \"2015-01-01T00:00:00Z\"}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "not a valid category"));
    assert_null(label_in(p,
                         "{\"originator\": \"PRK\", \"classification\": "
                         "\"SECRET\", \"releasable_to\": [], "
                         "\"purpose\": \"x\", "
                         "\"created\": \"2015-01-01T00:00:00Z\"}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "no marking scheme is known for PRK"));
}

static void label_dominant(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_label *ls[3];
    struct gs_label d;
    struct gs_diag diag;

    ls[0] = lab(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"",
                "\"DPRK-MISSILE\"", "missile-warning");
    ls[1] = lab(p, "USA", "SECRET", "\"JPN\", \"KOR\", \"AUS\"",
                "\"DPRK-MISSILE\", \"SLBM\"", "missile-warning");
    assert_int_equal(gs_label_dominant(ls, 2, p->arena, &d, NULL), 0);
    assert_int_equal(d.rank, 2);
    assert_string_equal(d.originator, "USA");
    assert_string_equal(d.classification, "SECRET");
    /* JPN: both allow it. KOR and USA: each allows the other and has its
     * own back. AUS: KOR does not allow it. */
    assert_int_equal(d.n_releasable_to, 3);
    assert_true(gs_label_releasable(&d, "JPN"));
    assert_true(gs_label_releasable(&d, "KOR"));
    assert_true(gs_label_releasable(&d, "USA"));
    assert_false(gs_label_releasable(&d, "AUS"));
    assert_int_equal(d.n_categories, 2);
    assert_true(gs_label_has_category(&d, "SLBM"));
    assert_string_equal(d.purpose, "missile-warning");

    /* One contributor: the label itself, unchanged. */
    assert_int_equal(gs_label_dominant(ls, 1, p->arena, &d, NULL), 0);
    assert_int_equal(d.n_releasable_to, 2);
    assert_false(gs_label_releasable(&d, "KOR"));

    ls[2] = lab(p, "JPN", "秘", "\"USA\"", "", "intelligence");
    gs_diag_init(&diag);
    assert_int_equal(gs_label_dominant(ls, 3, p->arena, &d, &diag),
                     GS_ERR_INVALID);
    assert_non_null(strstr(gs_diag_first(&diag), "different purposes"));
    gs_diag_free(&diag);
    assert_int_equal(gs_label_dominant(ls, 0, p->arena, &d, NULL),
                     GS_ERR_INVALID);
}

/* The JSON form with and without derivatives: a label that permits none
 * is written exactly as before derivatives existed. */
static void label_derivatives_json(void **state)
{
    struct gs_policy *p = *state;
    struct gs_label *l, *back;
    char *text, *again;
    json_t *j;

    l = lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
            "missile-warning");
    assert_int_equal(l->derivatives, 0);
    assert_false(gs_label_permits(l, GS_DERIVATIVE_CIVIL_WARNING));
    j = gs_label_to_json(l);
    text = json_dumps(j, JSON_COMPACT);
    assert_string_equal(text, "{\"originator\":\"KOR\",\"classification\":"
                              "\"군사II급비밀\",\"releasable_to\":[\"USA\"],"
                              "\"categories\":[\"DPRK-MISSILE\"],\"purpose\":"
                              "\"missile-warning\",\"created\":"
                              "\"2015-01-01T00:00:00Z\",\"review\":null}");
    free(text);
    json_decref(j);
    /* [] and null permit nothing, and write nothing. */
    l = labd(p, "KOR", "군사II급비밀", "\"USA\"", "", "missile-warning", "");
    assert_int_equal(l->derivatives, 0);
    j = gs_label_to_json(l);
    assert_null(json_object_get(j, "derivatives"));
    json_decref(j);

    l = labd(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
             "missile-warning", "\"civil-warning\"");
    assert_int_equal(l->derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    assert_true(gs_label_permits(l, GS_DERIVATIVE_CIVIL_WARNING));
    j = gs_label_to_json(l);
    text = json_dumps(j, JSON_COMPACT);
    assert_non_null(strstr(text, ",\"review\":null,\"derivatives\":"
                                 "[\"civil-warning\"]}"));
    json_decref(j);
    /* And back: the same label. */
    back = label_in(p, text, NULL, 0);
    assert_non_null(back);
    assert_int_equal(back->derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    j = gs_label_to_json(back);
    again = json_dumps(j, JSON_COMPACT);
    assert_string_equal(again, text);
    free(again);
    free(text);
    json_decref(j);
    /* The marking line does not change. */
    {
        struct gs_buf b;

        gs_buf_init(&b, 1024);
        gs_label_marking(l, &b);
        assert_string_equal(gs_buf_str(&b), "군사II급비밀 // REL TO USA // "
                                            "DPRK-MISSILE // missile-warning");
        gs_buf_free(&b);
    }
}

static void label_derivatives_errors(void **state)
{
    struct gs_policy *p = *state;
    char msg[512];

    /* An unknown word: where it stands, and the words there are. */
    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"군사II급비밀\", \"releasable_to\": [], "
                         "\"purpose\": \"x\", \"created\": "
                         "\"2015-01-01T00:00:00Z\",\n \"derivatives\": "
                         "[\"civil-warning\", \"press-release\"]}",
                         msg, sizeof(msg)));
    assert_string_equal(msg, "label.json:2:35: error: \"press-release\" is "
                             "not a derivative use; use one of: civil-warning");
    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"군사II급비밀\", \"releasable_to\": [], "
                         "\"purpose\": \"x\", \"created\": "
                         "\"2015-01-01T00:00:00Z\", \"derivatives\": "
                         "[\"civil-warning\", \"civil-warning\"]}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "\"civil-warning\" is listed twice in "
                                "\"derivatives\""));
    assert_null(label_in(p,
                         "{\"originator\": \"KOR\", \"classification\": "
                         "\"군사II급비밀\", \"releasable_to\": [], "
                         "\"purpose\": \"x\", \"created\": "
                         "\"2015-01-01T00:00:00Z\", \"derivatives\": "
                         "\"civil-warning\"}",
                         msg, sizeof(msg)));
    assert_non_null(strstr(msg, "\"derivatives\""));
    assert_non_null(strstr(msg, "array"));
    /* The names and their parser agree. */
    {
        enum gs_derivative use;

        assert_int_equal(gs_derivative_parse("civil-warning", &use), 0);
        assert_int_equal(use, GS_DERIVATIVE_CIVIL_WARNING);
        assert_string_equal(gs_derivative_name(use), "civil-warning");
        assert_int_equal(gs_derivative_parse("Civil-Warning", &use),
                         GS_ERR_INVALID);
        assert_string_equal(gs_derivative_name((enum gs_derivative)0), "?");
        assert_string_equal(gs_derivative_name((enum gs_derivative)6), "?");
        assert_false(gs_derivative_valid(1u << 5));
    }
}

/* The dominant label permits a use only if every contributor does. */
static void label_dominant_derivatives(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_label *ls[2];
    struct gs_label d;

    ls[0] = labd(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"", "",
                 "missile-warning", "\"civil-warning\"");
    ls[1] = labd(p, "USA", "SECRET", "\"JPN\", \"KOR\"", "", "missile-warning",
                 "\"civil-warning\"");
    assert_int_equal(gs_label_dominant(ls, 2, p->arena, &d, NULL), 0);
    assert_int_equal(d.derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    ls[1] = lab(p, "USA", "SECRET", "\"JPN\", \"KOR\"", "", "missile-warning");
    assert_int_equal(gs_label_dominant(ls, 2, p->arena, &d, NULL), 0);
    assert_int_equal(d.derivatives, 0);
    /* Whichever comes first. */
    ls[0] = ls[1];
    ls[1] = labd(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"", "",
                 "missile-warning", "\"civil-warning\"");
    assert_int_equal(gs_label_dominant(ls, 2, p->arena, &d, NULL), 0);
    assert_int_equal(d.derivatives, 0);
    /* One contributor: its own. */
    assert_int_equal(gs_label_dominant(ls + 1, 1, p->arena, &d, NULL), 0);
    assert_int_equal(d.derivatives, GS_DERIVATIVE_CIVIL_WARNING);
}

/* ---- release decisions ------------------------------------------------ */

static void release_rule2_reasons(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;

    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\", \"CHN\"",
                 "\"DPRK-MISSILE\"", "missile-warning"),
             NULL);
    /* No agreement at all between KOR and CHN. */
    expect_release(p, "KOR", "CHN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_NO_AGREEMENT, NULL);
    /* 2015: the JPN-KOR GSOMIA exists but is not yet in force. */
    expect_release(p, "KOR", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_AGREEMENT_NOT_IN_FORCE, NULL);
    gs_decide_release(p, "KOR", "JPN", T("2015-06-01T00:00:00Z"), x, &d);
    assert_ptr_equal(d.agreement, gs_policy_agreement(p, "JPN-KOR-2016"));
    assert_non_null(strstr(d.detail, "not yet in force"));
    /* During the 2019 notice of termination it is still in force. */
    expect_release(p, "KOR", "JPN", T("2019-09-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    gs_decide_release(p, "KOR", "JPN", T("2019-09-01T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "JPN-KOR-2016"));
    /* A ROK Level I item is covered by no agreement with Japan. */
    x = item(
        &it, "t2", GS_KIND_TRACK,
        lab(p, "KOR", "군사I급비밀", "\"USA\", \"JPN\"", "", "missile-warning"),
        NULL);
    expect_release(p, "KOR", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_LEVEL_NOT_COVERED, NULL);
    gs_decide_release(p, "KOR", "JPN", T("2024-01-10T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "TOP SECRET"));
    assert_non_null(strstr(d.detail, "CONFIDENTIAL, SECRET"));
    /* ... but the US-ROK agreement covers it. */
    expect_release(p, "KOR", "USA", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "TOP SECRET");
    /* Unclassified has no row in any of these agreements. */
    x = item(&it, "t3", GS_KIND_TRACK,
             lab(p, "KOR", "UNCLASSIFIED", "\"JPN\"", "", "missile-warning"),
             NULL);
    expect_release(p, "KOR", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_LEVEL_NOT_COVERED, NULL);
}

static void release_no_agreement_between_members(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;

    /* Only TISA: Japan and Korea cannot exchange directly under it. */
    add_ok(p, gs_policy_add_agreement, tisa);
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "",
                 "missile-warning"),
             NULL);
    expect_release(p, "KOR", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_NO_AGREEMENT, NULL);
    gs_decide_release(p, "KOR", "JPN", T("2015-06-01T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "only through its hub USA"));
    /* Through the hub it works: KOR to USA, then USA to JPN. */
    expect_release(p, "KOR", "USA", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "SECRET");
    expect_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
}

static void release_rule3_holder_originated(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;

    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\"", "", "missile-warning"),
             NULL);
    expect_release(p, "KOR", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_NOT_RELEASABLE, NULL);
    expect_release(p, "KOR", "USA", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "SECRET");
}

static void release_rule1_back_to_originator(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;

    /* A JPN item, not releasable to anyone, held by the US (somehow): it
     * may always go back to Japan, marked in Japan's own word. */
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "JPN", "特定秘密", "", "", "missile-warning"), NULL);
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "特定秘密");
    /* Even with no agreement at all. */
    expect_release(p, "GBR", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "特定秘密");
    /* But not once destroyed. */
    it.ref.state = GS_STATE_DESTROYED;
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ITEM_NOT_ACTIVE, NULL);
}

static void release_rule4_clauses(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    const struct gs_label *rel_jpn, *rel_usa;

    rel_jpn = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"",
                  "\"DPRK-MISSILE\"", "missile-warning");
    rel_usa = lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
                  "missile-warning");

    /* (a) R in O's releasable_to, O-R bilateral in force: the US relays a
     * Korean track to Japan in 2024 under the JPN-KOR GSOMIA. */
    x = item(&it, "t1", GS_KIND_TRACK, rel_jpn, NULL);
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    /* (b) 2015: no JPN-KOR bilateral yet; TISA with hub H=USA covers. */
    expect_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    /* (c) Before TISA and the bilateral: nothing covers KOR and JPN. */
    expect_release(p, "USA", "JPN", T("2014-06-01T00:00:00Z"), x,
                   GS_REASON_ORIGINATOR_NOT_COVERED, NULL);
    /* (d) R not in O's releasable_to, no consent. */
    x = item(&it, "t2", GS_KIND_TRACK, rel_usa, NULL);
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);
}

static void release_rule4_hub_must_be_holder(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;

    /* Japan holds a Korean item and passes it to the US. With only TISA
     * (hub USA) between Korea and the US, the hub is not the holder: the
     * multilateral agreement does not cover KOR-USA for this transfer. */
    add_ok(p, gs_policy_add_agreement, usa_jpn);
    add_ok(p, gs_policy_add_agreement, tisa);
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "",
                 "missile-warning"),
             NULL);
    expect_release(p, "JPN", "USA", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ORIGINATOR_NOT_COVERED, NULL);
    /* A multilateral agreement without a hub covers any two parties. */
    add_ok(p, gs_policy_add_agreement,
           "{\"id\": \"M\", \"title\": \"no hub\", \"parties\": [\"USA\", "
           "\"JPN\", \"KOR\"], \"in_force\": \"2020-01-01T00:00:00Z\", "
           "\"equivalence\": [{\"common\": \"SECRET\", \"USA\": "
           "[\"SECRET\"], \"JPN\": [\"極秘\"], \"KOR\": [\"군사II급비밀\"]}]}");
    expect_release(p, "JPN", "USA", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "SECRET");
}

static void release_rule4_level_of_originator(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;

    /* USA passes a fused item to JPN: KOR's contribution is Level I, which
     * the JPN-KOR agreement does not cover, so KOR's part is not covered
     * even though KOR allows JPN. The dominant level (TOP SECRET) is
     * covered between USA and JPN. */
    x = item(
        &it, "f1", GS_KIND_TRACK,
        lab(p, "KOR", "군사I급비밀", "\"USA\", \"JPN\"", "", "missile-warning"),
        lab(p, "USA", "TOP SECRET", "\"JPN\", \"KOR\"", "", "missile-warning"));
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ORIGINATOR_NOT_COVERED, NULL);
}

static const char consent_kinds[] =
    "{\"id\": \"C1\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
    "\"third_party\": \"JPN\", \"scope\": {\"kinds\": [\"track\", "
    "\"launch\"], \"categories\": [\"DPRK-MISSILE\", \"SLBM\"]}, "
    "\"purpose\": \"missile-warning\", "
    "\"valid_from\": \"2024-01-01T00:00:00Z\", "
    "\"valid_until\": \"2025-01-01T00:00:00Z\"}";

static void release_consent_scope(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    gs_time_t t = T("2024-02-01T00:00:00Z");
    const struct gs_label *l, *cat2, *other_purpose;

    add_ok(p, gs_policy_add_consent, consent_kinds);
    add_ok(p, gs_policy_add_consent,
           "{\"id\": \"C2\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
           "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"r7\"]}, "
           "\"purpose\": \"missile-warning\", "
           "\"valid_from\": \"2024-01-01T00:00:00Z\", "
           "\"valid_until\": \"2025-01-01T00:00:00Z\"}");
    l = lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
            "missile-warning");
    cat2 = lab(p, "KOR", "군사II급비밀", "\"USA\"",
               "\"DPRK-MISSILE\", \"NUCLEAR\"", "missile-warning");
    other_purpose = lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
                        "intelligence");

    /* By kind and categories. */
    expect_release(p, "USA", "JPN", t, item(&it, "t1", GS_KIND_TRACK, l, NULL),
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "USA", "JPN", t, item(&it, "t1", GS_KIND_LAUNCH, l, NULL),
                   GS_REASON_ALLOWED, "極秘");
    /* A kind the consent does not name. */
    expect_release(p, "USA", "JPN", t, item(&it, "t1", GS_KIND_REPORT, l, NULL),
                   GS_REASON_NO_CONSENT, NULL);
    /* A category the consent does not name. */
    expect_release(p, "USA", "JPN", t,
                   item(&it, "t1", GS_KIND_TRACK, cat2, NULL),
                   GS_REASON_NO_CONSENT, NULL);
    /* By item id, whatever the kind. */
    expect_release(p, "USA", "JPN", t,
                   item(&it, "r7", GS_KIND_REPORT, cat2, NULL),
                   GS_REASON_ALLOWED, "極秘");
    /* Another purpose than the consent's. */
    expect_release(p, "USA", "JPN", t,
                   item(&it, "r7", GS_KIND_REPORT, other_purpose, NULL),
                   GS_REASON_NO_CONSENT, NULL);
    /* Another holder or third party. */
    expect_release(p, "KOR", "JPN", t, item(&it, "t1", GS_KIND_TRACK, l, NULL),
                   GS_REASON_NOT_RELEASABLE, NULL);
    add_ok(p, gs_policy_add_scheme,
           "{\"nation\": \"AUS\", \"levels\": [{\"word\": \"SECRET\", "
           "\"rank\": 2}]}");
    add_ok(p, gs_policy_add_agreement,
           "{\"id\": \"USA-AUS\", \"title\": \"t\", \"parties\": [\"USA\", "
           "\"AUS\"], \"in_force\": \"2000-01-01T00:00:00Z\", "
           "\"equivalence\": [{\"common\": \"SECRET\", \"USA\": "
           "[\"SECRET\"], \"AUS\": [\"SECRET\"]}]}");
    expect_release(p, "USA", "AUS", t, item(&it, "t1", GS_KIND_TRACK, l, NULL),
                   GS_REASON_NO_CONSENT, NULL);
}

static void release_consent_window_and_revocation(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;

    add_ok(p, gs_policy_add_consent, consent_kinds);
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
                 "missile-warning"),
             NULL);
    expect_release(p, "USA", "JPN", T("2024-01-01T00:00:00Z") - 1, x,
                   GS_REASON_NO_CONSENT, NULL);
    gs_decide_release(p, "USA", "JPN", T("2024-01-01T00:00:00Z") - 1, x, &d);
    assert_non_null(strstr(d.detail, "consent C1 is valid only from"));
    expect_release(p, "USA", "JPN", T("2024-01-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "USA", "JPN", T("2025-01-01T00:00:00Z") - 1, x,
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "USA", "JPN", T("2025-01-01T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);

    /* Revoked at an instant: a release at that very instant is denied, one
     * a microsecond before is not. */
    add_ok(p, gs_policy_add_revocation,
           "{\"consent\": \"C1\", \"grantor\": \"KOR\", "
           "\"at\": \"2024-06-01T00:00:00Z\"}");
    expect_release(p, "USA", "JPN", T("2024-06-01T00:00:00Z") - 1, x,
                   GS_REASON_ALLOWED, "極秘");
    expect_release(p, "USA", "JPN", T("2024-06-01T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);
    gs_decide_release(p, "USA", "JPN", T("2024-06-01T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "consent C1 was revoked by KOR"));
    expect_release(p, "USA", "JPN", T("2024-07-01T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);
}

static void revocation_only_by_grantor(void **state)
{
    struct gs_policy *p = *state;

    add_ok(p, gs_policy_add_consent, consent_kinds);
    add_fails(p, gs_policy_add_revocation,
              "{\"consent\": \"C1\", \"grantor\": \"USA\", "
              "\"at\": \"2024-06-01T00:00:00Z\"}",
              "consent C1 was granted by KOR; only KOR can revoke it");
    add_fails(p, gs_policy_add_revocation,
              "{\"consent\": \"C9\", \"grantor\": \"KOR\", "
              "\"at\": \"2024-06-01T00:00:00Z\"}",
              "no consent has the id \"C9\"");
    assert_int_equal(p->n_revocations, 0);
}

static void consent_rejects_bad_files(void **state)
{
    struct gs_policy *p = *state;

    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"C\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
              "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"a\"], "
              "\"kinds\": [\"track\"]}, \"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", "
              "\"valid_until\": \"2025-01-01T00:00:00Z\"}",
              "either \"items\", or \"kinds\"");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"C\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
              "\"third_party\": \"JPN\", \"scope\": {\"kinds\": [\"tracks\"], "
              "\"categories\": []}, \"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", "
              "\"valid_until\": \"2025-01-01T00:00:00Z\"}",
              "\"tracks\" is not a kind of item");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"C\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
              "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"a\"]}, "
              "\"purpose\": \"p\", "
              "\"valid_from\": \"2025-01-01T00:00:00Z\", "
              "\"valid_until\": \"2025-01-01T00:00:00Z\"}",
              "must be after");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"C\", \"grantor\": \"KOR\", \"holder\": \"KOR\", "
              "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"a\"]}, "
              "\"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", "
              "\"valid_until\": \"2025-01-01T00:00:00Z\"}",
              "three different nations");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"C\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
              "\"third_party\": \"JPN\", \"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", "
              "\"valid_until\": \"2025-01-01T00:00:00Z\"}",
              "missing \"scope\"");
    assert_int_equal(p->n_consents, 0);
}

/* KOR lets JPN make civil warnings from its DPRK-MISSILE tracks. */
static const char consent_civil[] =
    "{\"id\": \"D1\", \"grantor\": \"KOR\", \"holder\": \"JPN\", "
    "\"derivatives\": [\"civil-warning\"], "
    "\"scope\": {\"kinds\": [\"track\", \"alert\"], "
    "\"categories\": [\"DPRK-MISSILE\"]}, \"purpose\": \"missile-warning\", "
    "\"valid_from\": \"2024-03-01T00:00:00Z\", "
    "\"valid_until\": \"2025-03-01T00:00:00Z\"}";

static void consent_derivatives(void **state)
{
    struct gs_policy *p = *state;
    const struct gs_consent *k;
    char msg[1024];

    add_ok(p, gs_policy_add_consent, consent_civil);
    k = gs_policy_consent(p, "D1");
    assert_non_null(k);
    assert_true(gs_consent_is_derivative(k));
    assert_int_equal(k->derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    assert_string_equal(k->third_party, "");
    assert_string_equal(k->holder, "JPN");
    /* A release consent is none. */
    add_ok(p, gs_policy_add_consent, consent_kinds);
    assert_false(gs_consent_is_derivative(gs_policy_consent(p, "C1")));
    assert_int_equal(gs_policy_consent(p, "C1")->derivatives, 0);
    /* Revoked like any consent, by its grantor only. */
    add_fails(p, gs_policy_add_revocation,
              "{\"consent\": \"D1\", \"grantor\": \"JPN\", "
              "\"at\": \"2024-06-01T00:00:00Z\"}",
              "only KOR can revoke it");
    add_ok(p, gs_policy_add_revocation,
           "{\"consent\": \"D1\", \"grantor\": \"KOR\", "
           "\"at\": \"2024-06-01T00:00:00Z\"}");

    /* Both a third party and derivatives: where, and what to do. */
    assert_int_equal(
        add_json(p, gs_policy_add_consent,
                 "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
                 "\"USA\", \"third_party\": \"JPN\", \"derivatives\": "
                 "[\"civil-warning\"], \"scope\": {\"items\": [\"a\"]}, "
                 "\"purpose\": \"p\", \"valid_from\": "
                 "\"2024-01-01T00:00:00Z\", \"valid_until\": "
                 "\"2025-01-01T00:00:00Z\"}",
                 msg, sizeof(msg)),
        GS_ERR_INVALID);
    assert_non_null(strstr(msg, "test.json:1:85: error: a consent has either "
                                "\"third_party\" (a release) or "
                                "\"derivatives\""));
    assert_non_null(strstr(msg, "not both"));
    /* Neither. */
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
              "\"USA\", \"scope\": {\"items\": [\"a\"]}, "
              "\"purpose\": \"p\", \"valid_from\": "
              "\"2024-01-01T00:00:00Z\", \"valid_until\": "
              "\"2025-01-01T00:00:00Z\"}",
              "missing \"third_party\" (the nation the holder may pass the "
              "information to) or \"derivatives\" (the derivative uses the "
              "holder may make of it: civil-warning)");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
              "\"USA\", \"derivatives\": null, \"scope\": {\"items\": "
              "[\"a\"]}, \"purpose\": \"p\", \"valid_from\": "
              "\"2024-01-01T00:00:00Z\", \"valid_until\": "
              "\"2025-01-01T00:00:00Z\"}",
              "missing \"third_party\"");
    /* An empty list or an unknown use. */
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
              "\"USA\", \"derivatives\": [], \"scope\": {\"items\": "
              "[\"a\"]}, \"purpose\": \"p\", \"valid_from\": "
              "\"2024-01-01T00:00:00Z\", \"valid_until\": "
              "\"2025-01-01T00:00:00Z\"}",
              "\"derivatives\" is empty; name the derivative uses permitted "
              "(civil-warning)");
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
              "\"USA\", \"derivatives\": [\"public-release\"], "
              "\"scope\": {\"items\": [\"a\"]}, \"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", \"valid_until\": "
              "\"2025-01-01T00:00:00Z\"}",
              "test.json:1:64: error: \"public-release\" is not a derivative "
              "use; use one of: civil-warning");
    /* The grantor does not consent to itself. */
    add_fails(p, gs_policy_add_consent,
              "{\"id\": \"X\", \"grantor\": \"KOR\", \"holder\": "
              "\"KOR\", \"derivatives\": [\"civil-warning\"], "
              "\"scope\": {\"items\": [\"a\"]}, \"purpose\": \"p\", "
              "\"valid_from\": \"2024-01-01T00:00:00Z\", \"valid_until\": "
              "\"2025-01-01T00:00:00Z\"}",
              "grantor and holder must be two different nations");
    assert_int_equal(p->n_consents, 2);
}

/* A derivative consent never lets anything be released. */
static void release_ignores_derivative_consents(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;

    /* KOR lets the US make civil warnings from its tracks; its label
     * allows the US only. Passing the track to Japan is still denied. */
    add_ok(p, gs_policy_add_consent,
           "{\"id\": \"D2\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
           "\"derivatives\": [\"civil-warning\"], "
           "\"scope\": {\"items\": [\"t1\"]}, \"purpose\": "
           "\"missile-warning\", \"valid_from\": \"2024-01-01T00:00:00Z\", "
           "\"valid_until\": \"2025-01-01T00:00:00Z\"}");
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\"", "", "missile-warning"),
             NULL);
    expect_release(p, "USA", "JPN", T("2024-06-01T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);
    gs_decide_release(p, "USA", "JPN", T("2024-06-01T00:00:00Z"), x, &d);
    assert_null(strstr(d.detail, "D2"));
}

static void release_rule4_consent_when_not_covered(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;

    /* 2014, before TISA: KOR allowed JPN, but no KOR-JPN agreement is in
     * force; a consent of KOR to the US still covers the transfer. */
    add_ok(p, gs_policy_add_consent,
           "{\"id\": \"C3\", \"grantor\": \"KOR\", \"holder\": \"USA\", "
           "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"t1\"]}, "
           "\"purpose\": \"missile-warning\", "
           "\"valid_from\": \"2014-01-01T00:00:00Z\", "
           "\"valid_until\": \"2015-01-01T00:00:00Z\"}");
    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "",
                 "missile-warning"),
             NULL);
    expect_release(p, "USA", "JPN", T("2014-06-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
}

static void release_rule5_purposes(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;

    /* 2015: KOR's part reaches JPN only under TISA, which is limited to
     * missile warning and DPRK nuclear information. */
    x = item(&it, "t1", GS_KIND_REPORT,
             lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "", "fisheries"),
             NULL);
    expect_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_PURPOSE_NOT_PERMITTED, NULL);
    gs_decide_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "TISA-2014"));
    assert_non_null(strstr(d.detail, "fisheries"));
    /* 2024: the JPN-KOR GSOMIA (no purpose limit) covers it instead. */
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");

    /* An H-R agreement with purposes. */
    gs_policy_free(p);
    p = gs_policy_new();
    *state = p;
    add_ok(p, gs_policy_add_agreement, tisa);
    x = item(&it, "t1", GS_KIND_REPORT,
             lab(p, "USA", "SECRET", "\"JPN\"", "", "fisheries"), NULL);
    expect_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_PURPOSE_NOT_PERMITTED, NULL);
    x = item(&it, "t1", GS_KIND_REPORT,
             lab(p, "USA", "SECRET", "\"JPN\"", "", "dprk-nuclear"), NULL);
    expect_release(p, "USA", "JPN", T("2015-06-01T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
}

static void release_item_states(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    enum gs_item_state s;

    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"JPN\"", "", "missile-warning"),
             NULL);
    for (s = GS_STATE_DESTROYED; s <= GS_STATE_SUPERSEDED; s++) {
        it.ref.state = s;
        expect_release(p, "KOR", "JPN", T("2024-01-10T00:00:00Z"), x,
                       GS_REASON_ITEM_NOT_ACTIVE, NULL);
    }
}

static void release_derived_items(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;
    const struct gs_label *kor_rel, *kor_norel, *usa;

    kor_rel = lab(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"",
                  "\"DPRK-MISSILE\"", "missile-warning");
    kor_norel = lab(p, "KOR", "군사III급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
                    "missile-warning");
    usa = lab(p, "USA", "SECRET", "\"JPN\", \"KOR\"", "\"DPRK-MISSILE\"",
              "missile-warning");

    /* Both originators allow Japan: the dominant level is SECRET. */
    x = item(&it, "f1", GS_KIND_TRACK, kor_rel, usa);
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "極秘");
    gs_decide_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x, &d);
    assert_non_null(strstr(d.detail, "KOR marked its information "
                                     "releasable to JPN"));
    /* Korea did not allow Japan: the fused track cannot go there. */
    x = item(&it, "f1", GS_KIND_TRACK, kor_norel, usa);
    expect_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_NO_CONSENT, NULL);
    /* Back to Korea it can: Korea's own part needs nothing, the US part
     * is releasable to KOR. */
    expect_release(p, "USA", "KOR", T("2024-01-10T00:00:00Z"), x,
                   GS_REASON_ALLOWED, "군사II급비밀");
    /* Different purposes make no valid item. */
    x = item(&it, "f2", GS_KIND_TRACK, kor_rel,
             lab(p, "USA", "SECRET", "\"JPN\"", "", "intelligence"));
    assert_int_equal(
        gs_decide_release(p, "USA", "JPN", T("2024-01-10T00:00:00Z"), x, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    assert_false(gs_decision_allowed(&d));
}

static void release_malformed_fails_closed(void **state)
{
    struct gs_policy *p = *state;
    struct gs_item_ref x = {"t", GS_KIND_TRACK, GS_STATE_ACTIVE, NULL, 0};
    struct item it;
    struct gs_decision d;

    assert_int_equal(gs_decide_release(p, "KOR", "JPN", 0, &x, &d),
                     GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    item(&it, "t", GS_KIND_TRACK,
         lab(p, "KOR", "군사II급비밀", "\"JPN\"", "", "p"), NULL);
    assert_int_equal(gs_decide_release(p, "KOR", "XXX", 0, &it.ref, &d),
                     GS_ERR_INVALID);
    assert_int_equal(gs_decide_release(p, "KOR", "KOR", 0, &it.ref, &d),
                     GS_ERR_INVALID);
    assert_false(gs_decision_allowed(&d));
}

/* ---- derivative decisions --------------------------------------------- */

/* Decides a civil-warning derivative and checks the reason; returns the
 * detail for further checks. */
#define expect_derive(p, h, at, x, reason)                                     \
    check_derive(p, h, at, x, reason, __LINE__)

static const char *check_derive(const struct gs_policy *p, const char *h,
                                gs_time_t at, const struct gs_item_ref *x,
                                enum gs_reason want, int line)
{
    static struct gs_decision d;
    int rc = gs_decide_derive(p, h, at, x, GS_DERIVATIVE_CIVIL_WARNING, &d);

    if (rc != 0 || d.reason != want)
        fail_msg("line %d: got %s (rc %d), want %s: %s", line,
                 gs_reason_code(d.reason), rc, gs_reason_code(want), d.detail);
    assert_true(d.detail[0] != '\0');
    /* Nothing is released: no marking, no agreement. */
    assert_string_equal(d.marking, "");
    assert_null(d.agreement);
    return d.detail;
}

static void has(const char *detail, const char *want)
{
    if (strstr(detail, want) == NULL)
        fail_msg("detail \"%s\" lacks \"%s\"", detail, want);
}

static void derive_own_and_label(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    gs_time_t t = T("2024-04-01T00:00:00Z");
    const struct gs_label *jpn, *kor_civil, *kor;
    const char *detail;

    jpn =
        lab(p, "JPN", "極秘", "\"USA\"", "\"DPRK-MISSILE\"", "missile-warning");
    kor_civil =
        labd(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
             "missile-warning", "\"civil-warning\"");
    kor = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
              "missile-warning");

    /* Japan's own track: its label says nothing, Japan decides. */
    detail =
        expect_derive(p, "JPN", t, item(&it, "j1", GS_KIND_TRACK, jpn, NULL),
                      GS_REASON_ALLOWED);
    assert_string_equal(detail, "JPN may make a civil-warning derivative of "
                                "this item: JPN's own contribution needs no "
                                "permission");
    /* Korea's track whose label permits it. */
    detail = expect_derive(p, "JPN", t,
                           item(&it, "k1", GS_KIND_TRACK, kor_civil, NULL),
                           GS_REASON_ALLOWED);
    has(detail, "KOR's label permits civil-warning derivatives");
    /* A fused JPN+KOR track: each part allowed its own way. */
    detail = expect_derive(p, "JPN", t,
                           item(&it, "f1", GS_KIND_TRACK, jpn, kor_civil),
                           GS_REASON_ALLOWED);
    assert_string_equal(detail, "JPN may make a civil-warning derivative of "
                                "this item: JPN's own contribution needs no "
                                "permission; KOR's label permits "
                                "civil-warning derivatives");
    /* Korea's track whose label does not, and no consent: denied, saying
     * what would allow it. */
    detail =
        expect_derive(p, "JPN", t, item(&it, "k1", GS_KIND_TRACK, kor, NULL),
                      GS_REASON_DERIVATIVE_NOT_PERMITTED);
    assert_string_equal(
        detail, "KOR's label does not permit civil-warning derivatives, and "
                "no consent of KOR lets JPN make them from this item at this "
                "time; KOR would have to add \"civil-warning\" to the "
                "\"derivatives\" of its label, or grant JPN a consent with "
                "\"derivatives\": [\"civil-warning\"] that covers this item");
    /* Korea itself may always make one from its own track. */
    expect_derive(p, "KOR", t, item(&it, "k1", GS_KIND_TRACK, kor, NULL),
                  GS_REASON_ALLOWED);
}

/* One of two contributors does not permit it: denied, naming it, in either
 * order. */
static void derive_one_contributor_short(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    gs_time_t t = T("2024-04-01T00:00:00Z");
    const struct gs_label *usa_civil, *kor, *usa, *kor_civil;
    const char *detail;

    usa_civil = labd(p, "USA", "SECRET", "\"JPN\", \"KOR\"", "\"DPRK-MISSILE\"",
                     "missile-warning", "\"civil-warning\"");
    usa = lab(p, "USA", "SECRET", "\"JPN\", \"KOR\"", "\"DPRK-MISSILE\"",
              "missile-warning");
    kor = lab(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
              "missile-warning");
    kor_civil =
        labd(p, "KOR", "군사III급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
             "missile-warning", "\"civil-warning\"");

    detail = expect_derive(p, "JPN", t,
                           item(&it, "f1", GS_KIND_TRACK, usa_civil, kor),
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "KOR's label does not permit civil-warning derivatives");
    has(detail, "KOR would have to add");
    detail = expect_derive(p, "JPN", t,
                           item(&it, "f1", GS_KIND_TRACK, kor, usa_civil),
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "KOR's label does not permit");
    detail = expect_derive(p, "JPN", t,
                           item(&it, "f1", GS_KIND_TRACK, usa, kor_civil),
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "USA's label does not permit");
    /* The US holds it: its own part is fine, Korea's is not. */
    detail =
        expect_derive(p, "USA", t, item(&it, "f1", GS_KIND_TRACK, usa, kor),
                      GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "no consent of KOR lets USA make them");
    /* Both permit it. */
    expect_derive(p, "JPN", t,
                  item(&it, "f1", GS_KIND_TRACK, usa_civil, kor_civil),
                  GS_REASON_ALLOWED);
}

static void derive_by_consent(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    const struct gs_label *kor, *cat2, *other_purpose;
    const char *detail;
    gs_time_t t = T("2024-04-01T00:00:00Z");

    add_ok(p, gs_policy_add_consent, consent_civil);
    kor = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
              "missile-warning");
    cat2 = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"",
               "\"DPRK-MISSILE\", \"NUCLEAR\"", "missile-warning");
    other_purpose = lab(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"",
                        "\"DPRK-MISSILE\"", "intelligence");

    x = item(&it, "k1", GS_KIND_TRACK, kor, NULL);
    detail = expect_derive(p, "JPN", t, x, GS_REASON_ALLOWED);
    assert_string_equal(detail, "JPN may make a civil-warning derivative of "
                                "this item: consent D1 of KOR lets JPN make "
                                "civil-warning derivatives of it");
    expect_derive(p, "JPN", t, item(&it, "a1", GS_KIND_ALERT, kor, NULL),
                  GS_REASON_ALLOWED);
    /* Outside its scope: another kind, another category, another
     * purpose. */
    detail =
        expect_derive(p, "JPN", t, item(&it, "r1", GS_KIND_REPORT, kor, NULL),
                      GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "(consent D1 does not cover this item");
    expect_derive(p, "JPN", t, item(&it, "k2", GS_KIND_TRACK, cat2, NULL),
                  GS_REASON_DERIVATIVE_NOT_PERMITTED);
    expect_derive(p, "JPN", t,
                  item(&it, "k3", GS_KIND_TRACK, other_purpose, NULL),
                  GS_REASON_DERIVATIVE_NOT_PERMITTED);
    /* For another holder: the consent is JPN's, not the US's. */
    detail =
        expect_derive(p, "USA", t, item(&it, "k1", GS_KIND_TRACK, kor, NULL),
                      GS_REASON_DERIVATIVE_NOT_PERMITTED);
    assert_null(strstr(detail, "D1"));
    has(detail, "grant USA a consent");
}

static void derive_consent_window_and_revocation(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    const char *detail;

    add_ok(p, gs_policy_add_consent, consent_civil);
    x = item(&it, "k1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"USA\"", "\"DPRK-MISSILE\"",
                 "missile-warning"),
             NULL);
    /* Valid from 2024-03-01 (inclusive) to 2025-03-01 (exclusive). */
    detail = expect_derive(p, "JPN", T("2024-03-01T00:00:00Z") - 1, x,
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "(consent D1 is valid only from 2024-03-01T00:00:00Z until "
                "2025-03-01T00:00:00Z)");
    expect_derive(p, "JPN", T("2024-03-01T00:00:00Z"), x, GS_REASON_ALLOWED);
    expect_derive(p, "JPN", T("2025-03-01T00:00:00Z") - 1, x,
                  GS_REASON_ALLOWED);
    /* Expired. */
    detail = expect_derive(p, "JPN", T("2025-03-01T00:00:00Z"), x,
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "consent D1 is valid only from");

    /* Revoked: at that very instant and after, no longer. */
    add_ok(p, gs_policy_add_revocation,
           "{\"consent\": \"D1\", \"grantor\": \"KOR\", "
           "\"at\": \"2024-06-01T00:00:00Z\"}");
    expect_derive(p, "JPN", T("2024-06-01T00:00:00Z") - 1, x,
                  GS_REASON_ALLOWED);
    detail = expect_derive(p, "JPN", T("2024-06-01T00:00:00Z"), x,
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    has(detail, "(consent D1 was revoked by KOR on 2024-06-01T00:00:00Z)");
    expect_derive(p, "JPN", T("2024-07-01T00:00:00Z"), x,
                  GS_REASON_DERIVATIVE_NOT_PERMITTED);
}

/* A release consent never permits a derivative. */
static void derive_ignores_release_consents(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const char *detail;

    /* C1: KOR lets the US pass its tracks to Japan. */
    add_ok(p, gs_policy_add_consent, consent_kinds);
    detail = expect_derive(p, "USA", T("2024-04-01T00:00:00Z"),
                           item(&it, "k1", GS_KIND_TRACK,
                                lab(p, "KOR", "군사II급비밀", "\"USA\"",
                                    "\"DPRK-MISSILE\"", "missile-warning"),
                                NULL),
                           GS_REASON_DERIVATIVE_NOT_PERMITTED);
    assert_null(strstr(detail, "C1"));
}

static void derive_item_states(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    enum gs_item_state s;
    const char *detail;

    /* Even the holder's own item, even a label that permits it. */
    x = item(
        &it, "j1", GS_KIND_TRACK,
        labd(p, "JPN", "極秘", "", "", "missile-warning", "\"civil-warning\""),
        NULL);
    for (s = GS_STATE_DESTROYED; s <= GS_STATE_SUPERSEDED; s++) {
        it.ref.state = s;
        detail = expect_derive(p, "JPN", T("2024-04-01T00:00:00Z"), x,
                               GS_REASON_ITEM_NOT_ACTIVE);
        has(detail, "item j1 is");
    }
    it.ref.state = GS_STATE_RETRACTED;
    has(expect_derive(p, "JPN", T("2024-04-01T00:00:00Z"), x,
                      GS_REASON_ITEM_NOT_ACTIVE),
        "item j1 is retracted");
}

static void derive_malformed_fails_closed(void **state)
{
    struct gs_policy *p = *state;
    struct gs_item_ref none = {"t", GS_KIND_TRACK, GS_STATE_ACTIVE, NULL, 0};
    struct gs_label odd;
    struct item it;
    struct gs_decision d;
    const struct gs_item_ref *x;
    gs_time_t t = T("2024-04-01T00:00:00Z");
    static const unsigned bad_uses[] = {0, 2, 3, 1u << 31};
    size_t i;

    assert_int_equal(
        gs_decide_derive(p, "JPN", t, &none, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    assert_int_equal(
        gs_decide_derive(p, "JPN", t, NULL, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    x = item(&it, "k1", GS_KIND_TRACK,
             labd(p, "KOR", "군사II급비밀", "\"JPN\"", "", "missile-warning",
                  "\"civil-warning\""),
             NULL);
    assert_int_equal(
        gs_decide_derive(p, "XXX", t, x, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    assert_int_equal(
        gs_decide_derive(NULL, "JPN", t, x, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    /* Not exactly one defined use. */
    for (i = 0; i < sizeof(bad_uses) / sizeof(bad_uses[0]); i++) {
        assert_int_equal(gs_decide_derive(p, "JPN", t, x,
                                          (enum gs_derivative)bad_uses[i], &d),
                         GS_ERR_INVALID);
        assert_int_equal(d.reason, GS_REASON_MALFORMED);
        assert_false(gs_decision_allowed(&d));
    }
    /* A label with a use no one defined. */
    odd = *x->labels[0];
    odd.derivatives |= 1u << 7;
    x = item(&it, "k1", GS_KIND_TRACK, &odd, NULL);
    assert_int_equal(
        gs_decide_derive(p, "JPN", t, x, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    /* Contributors with different purposes. */
    x = item(&it, "f1", GS_KIND_TRACK,
             labd(p, "KOR", "군사II급비밀", "\"JPN\"", "", "missile-warning",
                  "\"civil-warning\""),
             labd(p, "USA", "SECRET", "\"JPN\"", "", "intelligence",
                  "\"civil-warning\""));
    assert_int_equal(
        gs_decide_derive(p, "JPN", t, x, GS_DERIVATIVE_CIVIL_WARNING, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.reason, GS_REASON_MALFORMED);
    assert_false(gs_decision_allowed(&d));
}

/* ---- access decisions ------------------------------------------------- */

static void access_every_reason(void **state)
{
    struct gs_policy *p = *state;
    struct item it;
    const struct gs_item_ref *x;
    struct gs_decision d;
    struct gs_user *sato, *low, *no_ntk, *other_purpose, *kim, *kim_roman;

    sato = user_in(p, "{\"name\": \"sato\", \"nationality\": \"JPN\", "
                      "\"clearance\": \"極秘\", \"categories\": "
                      "[\"DPRK-MISSILE\"], \"purposes\": "
                      "[\"missile-warning\"], \"roles\": [\"analyst\"]}");
    low = user_in(p, "{\"name\": \"suzuki\", \"nationality\": \"JPN\", "
                     "\"clearance\": \"秘\", \"categories\": "
                     "[\"DPRK-MISSILE\"], \"purposes\": "
                     "[\"missile-warning\"]}");
    no_ntk = user_in(p, "{\"name\": \"tanaka\", \"nationality\": \"JPN\", "
                        "\"clearance\": \"機密\", \"purposes\": "
                        "[\"missile-warning\"], \"roles\": "
                        "[\"security-officer\"]}");
    other_purpose = user_in(p, "{\"name\": \"ito\", \"nationality\": "
                               "\"JPN\", \"clearance\": \"特定秘密\", "
                               "\"categories\": [\"DPRK-MISSILE\"], "
                               "\"purposes\": [\"intelligence\"]}");
    kim = user_in(p, "{\"name\": \"kim\", \"nationality\": \"KOR\", "
                     "\"clearance\": \"군사I급비밀\", \"categories\": "
                     "[\"DPRK-MISSILE\"], \"purposes\": "
                     "[\"missile-warning\"]}");
    kim_roman = user_in(p, "{\"name\": \"kim2\", \"nationality\": \"KOR\", "
                           "\"clearance\": \"군사Ⅱ급비밀\", \"categories\": "
                           "[\"DPRK-MISSILE\"], \"purposes\": "
                           "[\"missile-warning\"]}");
    assert_int_equal(kim_roman->rank, 2);

    x = item(&it, "t1", GS_KIND_TRACK,
             lab(p, "KOR", "군사II급비밀", "\"JPN\"", "\"DPRK-MISSILE\"",
                 "missile-warning"),
             NULL);
    assert_int_equal(gs_decide_access(p, "JPN", sato, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_ALLOWED);
    assert_int_equal(gs_decide_access(p, "JPN", low, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_CLEARANCE_TOO_LOW);
    assert_non_null(strstr(d.detail, "極秘"));
    /* A high clearance without the category is not enough (Art. 7). */
    assert_int_equal(gs_decide_access(p, "JPN", no_ntk, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_NEED_TO_KNOW);
    assert_non_null(strstr(d.detail, "DPRK-MISSILE"));
    assert_int_equal(gs_decide_access(p, "JPN", other_purpose, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_PURPOSE_NOT_SERVED);
    /* A Korean at the Japanese node. */
    assert_int_equal(gs_decide_access(p, "JPN", kim, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_NATIONALITY);
    /* The Roman-numeral clearance equals the Hangul one. */
    assert_int_equal(gs_decide_access(p, "KOR", kim_roman, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_ALLOWED);
    it.ref.state = GS_STATE_RETRACTED;
    assert_int_equal(gs_decide_access(p, "JPN", sato, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_ITEM_NOT_ACTIVE);
    /* A derived item: every contributor's categories are needed. */
    x = item(&it, "f1", GS_KIND_TRACK,
             lab(p, "KOR", "군사III급비밀", "\"JPN\"", "\"DPRK-MISSILE\"",
                 "missile-warning"),
             lab(p, "USA", "CONFIDENTIAL", "\"JPN\"", "\"SLBM\"",
                 "missile-warning"));
    assert_int_equal(gs_decide_access(p, "JPN", sato, x, &d), 0);
    assert_int_equal(d.reason, GS_REASON_NEED_TO_KNOW);
    assert_non_null(strstr(d.detail, "SLBM"));
}

static void users_reject_bad_files(void **state)
{
    struct gs_policy *p = *state;
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    struct gs_user *u;
    static const char *const bad[][2] = {
        {"{\"name\": \"a\", \"nationality\": \"JPN\", \"clearance\": "
         "\"SECRET\"}",
         "not a classification of JPN's scheme"},
        {"{\"name\": \"a\", \"nationality\": \"JPN\", \"clearance\": "
         "\"秘\", \"roles\": [\"admiral\"]}",
         "\"admiral\" is not a role"},
        {"{\"name\": \"a b\", \"nationality\": \"JPN\", \"clearance\": "
         "\"秘\"}",
         "not a valid user name"},
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gs_diag_init(&d);
        assert_int_equal(
            gs_jdoc_parse(&doc, "u.json", bad[i][0], strlen(bad[i][0]), &d), 0);
        assert_int_equal(gs_user_from_json(p, &c, doc.root, p->arena, &u),
                         GS_ERR_INVALID);
        if (strstr(gs_diag_first(&d), bad[i][1]) == NULL)
            fail_msg("\"%s\" lacks \"%s\"", gs_diag_first(&d), bad[i][1]);
        gs_jdoc_free(&doc);
        gs_diag_free(&d);
    }
}

static void reason_codes_are_stable(void **state)
{
    static const char *const codes[] = {"ALLOWED",
                                        "NO_AGREEMENT",
                                        "AGREEMENT_NOT_IN_FORCE",
                                        "LEVEL_NOT_COVERED",
                                        "NOT_RELEASABLE",
                                        "NO_CONSENT",
                                        "ORIGINATOR_NOT_COVERED",
                                        "PURPOSE_NOT_PERMITTED",
                                        "ITEM_NOT_ACTIVE",
                                        "NATIONALITY",
                                        "CLEARANCE_TOO_LOW",
                                        "NEED_TO_KNOW",
                                        "PURPOSE_NOT_SERVED",
                                        "MALFORMED",
                                        "DERIVATIVE_NOT_PERMITTED"};
    enum gs_reason r;
    size_t i;

    (void)state;
    assert_int_equal(sizeof(codes) / sizeof(codes[0]), GS_REASON_COUNT);
    for (i = 0; i < GS_REASON_COUNT; i++) {
        assert_string_equal(gs_reason_code((enum gs_reason)i), codes[i]);
        assert_int_equal(gs_reason_parse(codes[i], &r), 0);
        assert_int_equal(r, i);
    }
    /* Values already written to audit logs never move. */
    assert_int_equal(GS_REASON_ITEM_NOT_ACTIVE, 8);
    assert_int_equal(GS_REASON_MALFORMED, 13);
    assert_int_equal(GS_REASON_DERIVATIVE_NOT_PERMITTED, 14);
    assert_int_equal(gs_reason_parse("OK", &r), GS_ERR_INVALID);
}

/* ---- STANAG 4774 ------------------------------------------------------ */

static void stanag4774_round_trip(void **state)
{
    struct gs_policy *p = *state;
    struct gs_label *l, *back;
    struct gs_buf b;
    struct gs_diag d;
    json_t *j1, *j2;

    l = label_in(p,
                 "{\"originator\": \"KOR\", \"classification\": "
                 "\"군사Ⅱ급비밀\", \"releasable_to\": [\"USA\", \"JPN\"], "
                 "\"categories\": [\"DPRK-MISSILE\", \"SLBM\"], "
                 "\"purpose\": \"missile-warning\", "
                 "\"created\": \"2024-01-10T09:30:00.5Z\", "
                 "\"review\": \"2034-01-10T00:00:00Z\"}",
                 NULL, 0);
    assert_non_null(l);
    gs_buf_init(&b, GS_STANAG4774_MAX);
    assert_int_equal(gs_stanag4774_write(l, &b), 0);
    assert_non_null(strstr(gs_buf_str(&b), GS_STANAG4774_NS));
    assert_non_null(strstr(gs_buf_str(&b),
                           "<slab:Classification>"
                           "군사Ⅱ급비밀</slab:Classification>"));
    assert_non_null(strstr(gs_buf_str(&b), "Type=\"RESTRICTIVE\""));
    gs_diag_init(&d);
    assert_int_equal(gs_stanag4774_read(p, gs_buf_str(&b), b.len, "l.xml",
                                        p->arena, &back, &d),
                     0);
    j1 = gs_label_to_json(l);
    j2 = gs_label_to_json(back);
    assert_true(json_equal(j1, j2));
    json_decref(j1);
    json_decref(j2);
    gs_diag_free(&d);
    gs_buf_free(&b);
}

/* Derivatives travel as a PERMISSIVE category of their own, and only when
 * some use is permitted. */
static void stanag4774_derivatives(void **state)
{
    struct gs_policy *p = *state;
    struct gs_label *l, *back;
    struct gs_buf b;
    struct gs_diag d;
    json_t *j1, *j2;
    char xml[2048], *at;

    l = labd(p, "KOR", "군사II급비밀", "\"USA\", \"JPN\"", "\"DPRK-MISSILE\"",
             "missile-warning", "\"civil-warning\"");
    gs_buf_init(&b, GS_STANAG4774_MAX);
    assert_int_equal(gs_stanag4774_write(l, &b), 0);
    assert_non_null(strstr(gs_buf_str(&b),
                           "<slab:Category Type=\"PERMISSIVE\" "
                           "TagName=\"Derivatives\">\n      "
                           "<slab:GenericValue>civil-warning"
                           "</slab:GenericValue>\n    </slab:Category>"));
    gs_diag_init(&d);
    assert_int_equal(gs_stanag4774_read(p, gs_buf_str(&b), b.len, "l.xml",
                                        p->arena, &back, &d),
                     0);
    assert_int_equal(back->derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    j1 = gs_label_to_json(l);
    j2 = gs_label_to_json(back);
    assert_true(json_equal(j1, j2));
    json_decref(j1);
    json_decref(j2);

    /* Type must be PERMISSIVE; the values must be known uses. */
    snprintf(xml, sizeof(xml), "%s", gs_buf_str(&b));
    at = strstr(xml, "PERMISSIVE\" TagName=\"Derivatives");
    assert_non_null(at);
    memcpy(at, "INFORMATIV", 10);
    assert_int_equal(
        gs_stanag4774_read(p, xml, strlen(xml), "l.xml", p->arena, &back, &d),
        GS_ERR_INVALID);
    assert_non_null(strstr(d.msgs[d.n_msgs - 1],
                           "category \"Derivatives\" must have "
                           "Type=\"PERMISSIVE\""));
    snprintf(xml, sizeof(xml), "%s", gs_buf_str(&b));
    at = strstr(xml, ">civil-warning<");
    assert_non_null(at);
    memcpy(at + 1, "civil-whining", 13);
    assert_int_equal(
        gs_stanag4774_read(p, xml, strlen(xml), "l.xml", p->arena, &back, &d),
        GS_ERR_INVALID);
    assert_non_null(strstr(d.msgs[d.n_msgs - 1],
                           "\"civil-whining\" is not a derivative use; use "
                           "one of: civil-warning"));
    gs_diag_free(&d);

    /* None permitted: no such category at all. */
    l = lab(p, "KOR", "군사II급비밀", "\"USA\"", "", "missile-warning");
    gs_buf_reset(&b);
    assert_int_equal(gs_stanag4774_write(l, &b), 0);
    assert_null(strstr(gs_buf_str(&b), "Derivatives"));
    gs_buf_free(&b);
}

static void stanag4774_rejects(void **state)
{
    struct gs_policy *p = *state;
    static const char ns[] =
        "xmlns:slab=\"urn:nato:stanag:4774:confidentialitymetadatalabel:1:0\"";
    static const char *const bad[][2] = {
        {"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x/>",
         "document type declarations are not accepted"},
        {"<slab:originatorConfidentialityLabel %s>", "not a valid XML label"},
        {"<other/>", "not a STANAG 4774 originator label"},
        {"<slab:originatorConfidentialityLabel %s>"
         "<slab:ConfidentialityInformation>"
         "<slab:PolicyIdentifier>KOR</slab:PolicyIdentifier>"
         "<slab:Classification>군사II급비밀</slab:Classification>"
         "<slab:Category Type=\"RESTRICTIVE\" TagName=\"Special Handling\">"
         "<slab:GenericValue>X</slab:GenericValue></slab:Category>"
         "</slab:ConfidentialityInformation>"
         "</slab:originatorConfidentialityLabel>",
         "category \"Special Handling\" is not one gsomia can honour"},
        {"<slab:originatorConfidentialityLabel %s>"
         "<slab:ConfidentialityInformation>"
         "<slab:PolicyIdentifier>KOR</slab:PolicyIdentifier>"
         "<slab:Classification>SECRET</slab:Classification>"
         "<slab:Category Type=\"PERMISSIVE\" TagName=\"Releasable To\">"
         "</slab:Category><slab:Category Type=\"INFORMATIVE\" "
         "TagName=\"Purpose\"><slab:GenericValue>p</slab:GenericValue>"
         "</slab:Category></slab:ConfidentialityInformation>"
         "<slab:CreationDateTime>2024-01-01T00:00:00Z</slab:CreationDateTime>"
         "</slab:originatorConfidentialityLabel>",
         "\"SECRET\" is not a classification of KOR's scheme"},
        {"<slab:originatorConfidentialityLabel %s>"
         "<slab:ConfidentialityInformation>"
         "<slab:PolicyIdentifier>KOR</slab:PolicyIdentifier>"
         "<slab:Classification>군사II급비밀</slab:Classification>"
         "<slab:Category Type=\"PERMISSIVE\" TagName=\"Releasable To\">"
         "</slab:Category><slab:Category Type=\"INFORMATIVE\" "
         "TagName=\"Purpose\"><slab:GenericValue>p</slab:GenericValue>"
         "</slab:Category></slab:ConfidentialityInformation>"
         "<slab:OriginatorID IDType=\"ISO3166-1-alpha-3\">JPN"
         "</slab:OriginatorID>"
         "<slab:CreationDateTime>2024-01-01T00:00:00Z</slab:CreationDateTime>"
         "</slab:originatorConfidentialityLabel>",
         "name different nations"},
    };
    char xml[2048];
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct gs_diag d;
        struct gs_label *l;

        const char *hole = strstr(bad[i][0], "%s");

        /* Put the namespace declaration where the case has "%s". */
        if (hole != NULL)
            snprintf(xml, sizeof(xml), "%.*s%s%s", (int)(hole - bad[i][0]),
                     bad[i][0], ns, hole + 2);
        else
            snprintf(xml, sizeof(xml), "%s", bad[i][0]);
        gs_diag_init(&d);
        assert_int_equal(
            gs_stanag4774_read(p, xml, strlen(xml), "b.xml", p->arena, &l, &d),
            GS_ERR_INVALID);
        assert_null(l);
        if (strstr(gs_diag_first(&d), bad[i][1]) == NULL)
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, gs_diag_first(&d),
                     bad[i][1]);
        gs_diag_free(&d);
    }
}

/* ---- simulate and lint ------------------------------------------------ */

static int simulate_text(const char *text, json_t **results, struct gs_diag *d)
{
    struct gs_jdoc doc;
    int rc = gs_jdoc_parse(&doc, "sim.json", text, strlen(text), d);

    if (rc == 0)
        rc = gs_simulate(&doc, NULL, d, results);
    gs_jdoc_free(&doc);
    return rc;
}

static void simulate_evaluates_cases_in_order(void **state)
{
    char text[8192];
    struct gs_diag d;
    json_t *r = NULL;

    (void)state;
    snprintf(text, sizeof(text),
             "{\"agreements\": [%s, %s], \"cases\": ["
             "{\"name\": \"via-hub\", \"holder\": \"USA\", \"to\": \"JPN\", "
             " \"at\": \"2024-01-10T00:00:00Z\", \"item\": {\"id\": \"t1\", "
             " \"kind\": \"track\", \"state\": \"active\", \"label\": "
             " {\"originator\": \"USA\", \"classification\": \"SECRET\", "
             "  \"releasable_to\": [\"JPN\"], \"purpose\": \"mw\", "
             "  \"created\": \"2024-01-10T00:00:00Z\"}}},"
             "{\"name\": \"reader\", \"holder\": \"JPN\", \"user\": "
             " {\"name\": \"sato\", \"nationality\": \"JPN\", \"clearance\": "
             "  \"秘\", \"purposes\": [\"mw\"]}, \"item\": {\"id\": \"t1\", "
             " \"kind\": \"track\", \"state\": \"active\", \"label\": "
             " {\"originator\": \"USA\", \"classification\": \"SECRET\", "
             "  \"releasable_to\": [\"JPN\"], \"purpose\": \"mw\", "
             "  \"created\": \"2024-01-10T00:00:00Z\"}}}]}",
             usa_jpn, usa_kor);
    gs_diag_init(&d);
    assert_int_equal(simulate_text(text, &r, &d), 0);
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r, 0), "name")),
        "via-hub");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r, 0), "decision")),
        "allow");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r, 0), "marking")),
        "極秘");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r, 1), "reason")),
        "CLEARANCE_TOO_LOW");
    assert_null(json_object_get(json_array_get(r, 1), "marking"));
    json_decref(r);
    gs_diag_free(&d);
}

static void simulate_reports_every_bad_case(void **state)
{
    static const char text[] =
        "{\"cases\": [\n"
        "{\"name\": \"a\", \"holder\": \"USA\", \"to\": \"JPN\",\n"
        " \"at\": \"2024-01-10T00:00:00Z\", \"item\": {\"id\": \"t1\",\n"
        " \"kind\": \"track\", \"state\": \"active\", \"label\":\n"
        " {\"originator\": \"USA\", \"classification\": \"SECRIT\",\n"
        "  \"releasable_to\": [\"JPN\"], \"purpose\": \"mw\",\n"
        "  \"created\": \"2024-01-10T00:00:00Z\"}}},\n"
        "{\"name\": \"b\", \"holder\": \"USA\", \"to\": \"JPN\",\n"
        " \"item\": {}}]}";
    struct gs_diag d;
    json_t *r = NULL;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(simulate_text(text, &r, &d), GS_ERR_INVALID);
    assert_null(r);
    assert_int_equal(d.errors, 2);
    assert_non_null(strstr(d.msgs[0], "sim.json:5:42: error: \"SECRIT\""));
    assert_non_null(strstr(d.msgs[1], "sim.json:8:1: error: missing \"at\""));
    gs_diag_free(&d);
}

static void simulate_derive_cases(void **state)
{
    static const char kor_label[] =
        "{\"originator\": \"KOR\", \"classification\": \"군사II급비밀\", "
        "\"releasable_to\": [\"JPN\"], \"categories\": "
        "[\"DPRK-MISSILE\"], \"purpose\": \"missile-warning\", "
        "\"created\": \"2024-01-10T00:00:00Z\"}";
    char text[8192];
    struct gs_diag d;
    json_t *r = NULL, *row;

    (void)state;
    snprintf(text, sizeof(text),
             "{\"consents\": [%s], \"cases\": ["
             "{\"name\": \"with consent\", \"holder\": \"JPN\", "
             " \"derive\": \"civil-warning\", "
             " \"at\": \"2024-04-01T00:00:00Z\", \"item\": {\"id\": "
             " \"t1\", \"kind\": \"track\", \"state\": \"active\", "
             " \"label\": %s}},"
             "{\"name\": \"before it\", \"holder\": \"JPN\", "
             " \"derive\": \"civil-warning\", "
             " \"at\": \"2024-01-10T00:00:00Z\", \"item\": {\"id\": "
             " \"t1\", \"kind\": \"track\", \"state\": \"active\", "
             " \"label\": %s}}]}",
             consent_civil, kor_label, kor_label);
    gs_diag_init(&d);
    assert_int_equal(simulate_text(text, &r, &d), 0);
    assert_int_equal(json_array_size(r), 2);
    row = json_array_get(r, 0);
    assert_string_equal(json_string_value(json_object_get(row, "decision")),
                        "allow");
    assert_non_null(strstr(json_string_value(json_object_get(row, "detail")),
                           "consent D1 of KOR lets JPN make civil-warning "
                           "derivatives"));
    /* Nothing is released: no marking. */
    assert_null(json_object_get(row, "marking"));
    row = json_array_get(r, 1);
    assert_string_equal(json_string_value(json_object_get(row, "reason")),
                        "DERIVATIVE_NOT_PERMITTED");
    assert_null(json_object_get(row, "marking"));
    json_decref(r);
    gs_diag_free(&d);

    /* An unknown use, where it stands; "derive" with "to"; no "at". */
    snprintf(text, sizeof(text),
             "{\"cases\": [\n"
             "{\"name\": \"a\", \"holder\": \"JPN\", \"derive\": "
             "\"press\",\n \"at\": \"2024-04-01T00:00:00Z\", \"item\": "
             "{\"id\": \"t1\", \"kind\": \"track\", \"state\": "
             "\"active\", \"label\": %s}},\n"
             "{\"name\": \"b\", \"holder\": \"JPN\", \"to\": \"USA\", "
             "\"derive\": \"civil-warning\", \"at\": "
             "\"2024-04-01T00:00:00Z\", \"item\": {\"id\": \"t1\", "
             "\"kind\": \"track\", \"state\": \"active\", \"label\": "
             "%s}},\n"
             "{\"name\": \"c\", \"holder\": \"JPN\", \"derive\": "
             "\"civil-warning\", \"item\": {\"id\": \"t1\", \"kind\": "
             "\"track\", \"state\": \"active\", \"label\": %s}}]}",
             kor_label, kor_label, kor_label);
    gs_diag_init(&d);
    assert_int_equal(simulate_text(text, &r, &d), GS_ERR_INVALID);
    assert_null(r);
    assert_int_equal(d.errors, 3);
    assert_string_equal(d.msgs[0], "sim.json:2:42: error: \"press\" is not a "
                                   "derivative use; use one of: civil-warning");
    assert_non_null(strstr(d.msgs[1], "sim.json:4:1: error: a case has "
                                      "either \"to\""));
    assert_non_null(strstr(d.msgs[1], "\"derive\" (a derivative use"));
    assert_non_null(strstr(d.msgs[2], "sim.json:5:1: error: missing \"at\""));
    gs_diag_free(&d);
}

static void lint_warns_and_errs(void **state)
{
    static const char agreements[] =
        "[{\"id\": \"A1\", \"title\": \"t\", \"parties\": [\"JPN\", "
        "\"KOR\"], \"in_force\": \"2016-11-23T00:00:00Z\", \"equivalence\": "
        "[{\"common\": \"SECRET\", \"JPN\": [\"極秘\"], \"KOR\": "
        "[\"군사II급비밀\"]}]},\n"
        " {\"id\": \"A2\", \"title\": \"t\", \"parties\": [\"KOR\", "
        "\"JPN\"], \"in_force\": \"2020-01-01T00:00:00Z\", \"equivalence\": "
        "[{\"common\": \"SECRET\", \"JPN\": [\"特定秘密\"], \"KOR\": "
        "[\"군사II급비밀\"]}]}]";
    static const char consent[] =
        "{\"id\": \"C1\", \"grantor\": \"USA\", \"holder\": \"KOR\", "
        "\"third_party\": \"JPN\", \"scope\": {\"items\": [\"x\"]}, "
        "\"purpose\": \"p\", \"valid_from\": \"2020-01-01T00:00:00Z\", "
        "\"valid_until\": \"2021-01-01T00:00:00Z\"}";
    static const char junk[] = "{\"hello\": 1}";
    struct gs_jdoc docs[3];
    struct gs_diag d;
    size_t i;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(
        gs_jdoc_parse(&docs[0], "a.json", agreements, strlen(agreements), &d),
        0);
    assert_int_equal(
        gs_jdoc_parse(&docs[1], "c.json", consent, strlen(consent), &d), 0);
    assert_int_equal(gs_jdoc_parse(&docs[2], "j.json", junk, strlen(junk), &d),
                     0);
    assert_int_equal(
        gs_policy_lint(docs, 2, T("2024-01-01T00:00:00Z"), NULL, &d), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 2);
    assert_non_null(strstr(d.msgs[0], "agreements A1 and A2"));
    assert_non_null(strstr(d.msgs[1], "consent C1 expired"));
    gs_diag_free(&d);
    gs_diag_init(&d);
    assert_int_equal(
        gs_policy_lint(docs, 3, T("2020-06-01T00:00:00Z"), NULL, &d),
        GS_ERR_INVALID);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.msgs[0], "j.json:1:1: error: this is not a "
                                      "policy object"));
    for (i = 0; i < 3; i++)
        gs_jdoc_free(&docs[i]);
    gs_diag_free(&d);
}

/* A derivative consent passes nothing on: lint looks for no agreement
 * between its holder and a third party it does not have. */
static void lint_derivative_consent(void **state)
{
    struct gs_jdoc docs[2];
    struct gs_diag d;

    (void)state;
    gs_diag_init(&d);
    assert_int_equal(
        gs_jdoc_parse(&docs[0], "a.json", usa_kor, strlen(usa_kor), &d), 0);
    assert_int_equal(gs_jdoc_parse(&docs[1], "c.json", consent_civil,
                                   strlen(consent_civil), &d),
                     0);
    assert_int_equal(
        gs_policy_lint(docs, 2, T("2024-06-01T00:00:00Z"), NULL, &d), 0);
    if (d.errors != 0 || d.warnings != 0)
        fail_msg("unexpected: %s", gs_diag_first(&d));
    gs_diag_free(&d);
    /* Once expired, it says so like any consent. */
    gs_diag_init(&d);
    assert_int_equal(
        gs_policy_lint(docs, 2, T("2025-06-01T00:00:00Z"), NULL, &d), 0);
    assert_int_equal(d.warnings, 1);
    assert_non_null(strstr(d.msgs[0], "consent D1 expired"));
    gs_diag_free(&d);
    gs_jdoc_free(&docs[0]);
    gs_jdoc_free(&docs[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schemes_builtin_words_and_aliases),
        cmocka_unit_test_setup_teardown(schemes_from_files, setup_empty,
                                        teardown),
        cmocka_unit_test_setup_teardown(agreement_lifecycle_boundaries,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(agreement_rejects_bad_files,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(agreement_hub_semantics, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_parse_and_marking, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_dominant, setup_all, teardown),
        cmocka_unit_test_setup_teardown(label_derivatives_json, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_derivatives_errors, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_dominant_derivatives, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_rule2_reasons, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_no_agreement_between_members,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(release_rule3_holder_originated,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(release_rule1_back_to_originator,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(release_rule4_clauses, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_rule4_hub_must_be_holder,
                                        setup_empty, teardown),
        cmocka_unit_test_setup_teardown(release_rule4_level_of_originator,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(release_consent_scope, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_consent_window_and_revocation,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(revocation_only_by_grantor, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(consent_derivatives, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_ignores_derivative_consents,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(consent_rejects_bad_files, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_rule4_consent_when_not_covered,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(release_rule5_purposes, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_item_states, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_derived_items, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(release_malformed_fails_closed,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(derive_own_and_label, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(derive_one_contributor_short, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(derive_by_consent, setup_all, teardown),
        cmocka_unit_test_setup_teardown(derive_consent_window_and_revocation,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(derive_ignores_release_consents,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(derive_item_states, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(derive_malformed_fails_closed,
                                        setup_all, teardown),
        cmocka_unit_test_setup_teardown(access_every_reason, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(users_reject_bad_files, setup_all,
                                        teardown),
        cmocka_unit_test(reason_codes_are_stable),
        cmocka_unit_test_setup_teardown(stanag4774_round_trip, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(stanag4774_derivatives, setup_all,
                                        teardown),
        cmocka_unit_test_setup_teardown(stanag4774_rejects, setup_all,
                                        teardown),
        cmocka_unit_test(simulate_evaluates_cases_in_order),
        cmocka_unit_test(simulate_reports_every_bad_case),
        cmocka_unit_test(simulate_derive_cases),
        cmocka_unit_test(lint_warns_and_errs),
        cmocka_unit_test(lint_derivative_consent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
