/*
 * test_item.c - src/item: keys, sealing, decoding with its bounds, and
 * verification: every single flipped byte of an envelope is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include <sodium.h>
#include <string.h>

#include "base/err.h"
#include "item/item.h"
#include "item/payload.h"
#include "track/geo.h"

struct fixture {
    struct gs_policy *p;
    struct gs_signer kor, usa, jpn;
    struct gs_keyring kr; /* knows KOR and USA, not JPN */
    struct gs_arena *a;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_int_equal(gs_crypto_init(), 0);
    f->p = gs_policy_new();
    f->a = gs_arena_new();
    assert_int_equal(gs_signer_generate("KOR", &f->kor), 0);
    assert_int_equal(gs_signer_generate("USA", &f->usa), 0);
    assert_int_equal(gs_signer_generate("JPN", &f->jpn), 0);
    gs_keyring_init(&f->kr);
    gs_keyring_add(&f->kr, "KOR", f->kor.pk);
    gs_keyring_add(&f->kr, "USA", f->usa.pk);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    gs_keyring_free(&f->kr);
    gs_policy_free(f->p);
    gs_arena_free(f->a);
    gs_signer_wipe(&f->kor);
    free(f);
    return 0;
}

static void label_with(struct fixture *f, const char *originator,
                       const char *word, unsigned derivatives,
                       Gsomia__Label *pb)
{
    struct gs_label *l = gs_arena_alloc(f->a, 1, sizeof(*l));
    static char rel[2][GS_NATION_SIZE] = {"USA", "JPN"};
    static const char *cats[] = {"DPRK-MISSILE"};

    memcpy(l->originator, originator, GS_NATION_SIZE);
    l->classification = word;
    l->rank = 2;
    l->releasable_to = rel;
    l->n_releasable_to = 2;
    l->categories = cats;
    l->n_categories = 1;
    l->purpose = "missile-warning";
    l->created = 1700000000000000;
    l->derivatives = derivatives;
    gs_item_label_to_pb(l, f->a, pb);
}

static void label_of(struct fixture *f, const char *originator,
                     const char *word, Gsomia__Label *pb)
{
    label_with(f, originator, word, 0, pb);
}

/* A sealed report of signer s, into env; the label's originator is s's. */
static void make_report(struct fixture *f, const struct gs_signer *s,
                        const char *word, struct gs_buf *env,
                        uint8_t id[GS_ITEM_ID_LEN])
{
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Report report = GSOMIA__REPORT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};

    label_of(f, s->nation, word, &pb);
    report.title = "Launch";
    report.body = "An IRBM was launched at 07:22 from Jagang province.";
    body.kind = GSOMIA__KIND__REPORT;
    body.labels = pbs;
    body.n_labels = 1;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
    body.report = &report;
    gs_buf_init(env, GS_ITEM_MAX_BYTES);
    assert_int_equal(gs_item_seal(&body, s, 1700000000000000, env, id), 0);
}

static void seal_decode_verify(void **state)
{
    struct fixture *f = *state;
    struct gs_buf env;
    struct gs_item *it;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN], want[GS_ITEM_ID_LEN];

    make_report(f, &f->kor, "군사II급비밀", &env, id);
    gs_diag_init(&d);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, &d), 0);
    assert_memory_equal(it->id, id, GS_ITEM_ID_LEN);
    /* The id is SHA-256 of the body bytes exactly as signed. */
    crypto_hash_sha256(want, it->env->body.data, it->env->body.len);
    assert_memory_equal(want, id, GS_ITEM_ID_LEN);
    assert_int_equal(it->kind, GS_KIND_REPORT);
    assert_string_equal(it->originator, "KOR");
    assert_int_equal(it->n_labels, 1);
    assert_int_equal(it->labels[0]->rank, 2);
    assert_string_equal(it->body->report->title, "Launch");
    assert_int_equal(gs_item_verify(it, &f->kr, &d), 0);
    assert_true(gs_item_signed_by(it, &f->kr, "KOR"));
    assert_false(gs_item_signed_by(it, &f->kr, "USA"));
    gs_item_free(it);
    gs_diag_free(&d);
    gs_buf_free(&env);
}

/* Decodes and verifies; 0 only when both pass. */
static int accept(struct fixture *f, const uint8_t *buf, size_t len)
{
    struct gs_item *it = NULL;
    int rc = gs_item_decode(f->p, buf, len, &it, NULL);

    if (rc == 0)
        rc = gs_item_verify(it, &f->kr, NULL);
    gs_item_free(it);
    return rc;
}

static void every_flipped_byte_is_refused(void **state)
{
    struct fixture *f = *state;
    struct gs_buf env;
    uint8_t id[GS_ITEM_ID_LEN];
    uint8_t *copy;
    size_t i;
    int bit;

    make_report(f, &f->kor, "군사II급비밀", &env, id);
    assert_int_equal(accept(f, env.data, env.len), 0);
    copy = malloc(env.len);
    for (i = 0; i < env.len; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(copy, env.data, env.len);
            copy[i] ^= (uint8_t)(1u << bit);
            if (accept(f, copy, env.len) == 0)
                fail_msg("byte %zu bit %d flipped and still accepted", i, bit);
        }
    }
    /* Truncated anywhere: refused too. */
    for (i = 0; i < env.len; i++)
        assert_int_not_equal(accept(f, env.data, i), 0);
    free(copy);
    gs_buf_free(&env);
}

static void unknown_key_and_forged_originator(void **state)
{
    struct fixture *f = *state;
    struct gs_buf env;
    struct gs_item *it;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN];

    /* JPN's key is not in the keyring. */
    make_report(f, &f->jpn, "極秘", &env, id);
    gs_diag_init(&d);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, &d), 0);
    assert_int_equal(gs_item_verify(it, &f->kr, &d), GS_ERR_VERIFY);
    assert_non_null(strstr(gs_diag_first(&d), "does not know"));
    gs_item_free(it);
    gs_diag_free(&d);
    gs_buf_free(&env);
}

static void cosigned_agreement(void **state)
{
    struct fixture *f = *state;
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__PolicyText text = GSOMIA__POLICY_TEXT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    struct gs_buf env, both;
    struct gs_item *it;
    uint8_t id[GS_ITEM_ID_LEN];

    label_of(f, "KOR", "군사II급비밀", &pb);
    text.json = "{\"id\": \"x\"}";
    body.kind = GSOMIA__KIND__AGREEMENT;
    body.labels = pbs;
    body.n_labels = 1;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_AGREEMENT;
    body.agreement = &text;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    gs_buf_init(&both, GS_ITEM_MAX_BYTES);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
    assert_int_equal(gs_item_cosign(env.data, env.len, &f->usa, &both), 0);
    assert_int_equal(gs_item_decode(f->p, both.data, both.len, &it, NULL), 0);
    /* The second signature does not change the id. */
    assert_memory_equal(it->id, id, GS_ITEM_ID_LEN);
    assert_int_equal(it->env->n_signatures, 2);
    assert_int_equal(gs_item_verify(it, &f->kr, NULL), 0);
    assert_true(gs_item_signed_by(it, &f->kr, "USA"));
    assert_true(gs_item_signed_by(it, &f->kr, "KOR"));
    gs_item_free(it);
    gs_buf_free(&env);
    gs_buf_free(&both);
}

static void decode_refuses_bad_structure(void **state)
{
    struct fixture *f = *state;
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Report report = GSOMIA__REPORT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    struct gs_buf env;
    struct gs_diag d;
    struct gs_item *it;
    uint8_t id[GS_ITEM_ID_LEN];
    uint8_t big[16];

    report.title = "t";
    report.body = "b";
    body.labels = pbs;
    body.n_labels = 1;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
    body.report = &report;

    /* An original whose label names another originator. */
    label_of(f, "USA", "SECRET", &pb);
    body.kind = GSOMIA__KIND__REPORT;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
    gs_diag_init(&d);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, &d),
                     GS_ERR_INVALID);
    assert_null(it);
    assert_non_null(strstr(gs_diag_first(&d), "originator's"));
    gs_diag_free(&d);

    /* A kind that does not match the payload. */
    label_of(f, "KOR", "군사II급비밀", &pb);
    body.kind = GSOMIA__KIND__TRACK;
    gs_buf_reset(&env);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, NULL),
                     GS_ERR_INVALID);

    /* A label word that is not in the originator's scheme. */
    label_of(f, "KOR", "極秘", &pb);
    body.kind = GSOMIA__KIND__REPORT;
    gs_buf_reset(&env);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
    gs_diag_init(&d);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, &d),
                     GS_ERR_INVALID);
    assert_non_null(strstr(gs_diag_first(&d), "is not a classification"));
    gs_diag_free(&d);

    /* Too big, and not protobuf at all. */
    assert_int_equal(
        gs_item_decode(f->p, env.data, GS_ITEM_MAX_BYTES + 1, &it, NULL),
        GS_ERR_TOO_BIG);
    memset(big, 0xFF, sizeof(big));
    assert_int_equal(gs_item_decode(f->p, big, sizeof(big), &it, NULL),
                     GS_ERR_INVALID);
    assert_int_equal(gs_item_decode(f->p, big, 0, &it, NULL), GS_ERR_INVALID);
    gs_buf_free(&env);
}

/* A track update as a tracker writes it, with every optional part. */
static void sample_update(struct gs_track_update *u)
{
    int i;

    memset(u, 0, sizeof(*u));
    u->time = 1664835751250000;
    memcpy(u->track, "KOR-T3", 7);
    memcpy(u->nation, "KOR", 4);
    memcpy(u->sources[0], "KOR", 4);
    memcpy(u->sources[1], "USA", 4);
    u->n_sources = 2;
    u->phase = GS_PHASE_MIDCOURSE;
    u->x[0] = -3020000.5;
    u->x[1] = 3810000.25;
    u->x[2] = 4300000.125;
    u->x[3] = 1200.5;
    u->x[4] = -300.25;
    u->x[5] = 2100.75;
    for (i = 0; i < 6; i++)
        u->P[i * 7] = 100.0 * (i + 1);
    u->P[1] = u->P[6] = 20.5;
    u->lat = 40.1;
    u->lon = 131.2;
    u->h = 512345.6;
    u->has_kappa = true;
    u->kappa = 5e-5;
    u->kappa_sigma = 2e-5;
    u->impact.valid = true;
    u->impact.lat = 40.5;
    u->impact.lon = 179.5;
    u->impact.time = 1664837000000000;
    u->impact.time_sigma = 3.5;
    u->impact.ellipse.semi_major = 25000;
    u->impact.ellipse.semi_minor = 8000;
    u->impact.ellipse.orientation = 1.2;
    u->has_apogee = true;
    u->apogee_height = 969600;
    u->apogee_time = 1664836300000000;
}

static void track_payload_round_trip(void **state)
{
    struct fixture *f = *state;
    struct gs_track_update u, back;
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Track pb;
    Gsomia__Label lpb, *lpbs[1] = {&lpb};
    struct gs_item *it = NULL;
    struct gs_buf env;
    uint8_t id[GS_ITEM_ID_LEN];
    char why[160];
    int i;

    sample_update(&u);
    gs_payload_track_to_pb(&u, f->a, &pb);
    label_of(f, "KOR", "군사II급비밀", &lpb);
    body.kind = GSOMIA__KIND__TRACK;
    body.labels = lpbs;
    body.n_labels = 1;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_TRACK;
    body.track = &pb;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, NULL), 0);
    assert_int_equal(gs_payload_track_from_pb(it->body->track, "KOR", &back,
                                              why, sizeof(why)),
                     0);
    assert_string_equal(back.track, "KOR-T3");
    assert_string_equal(back.nation, "KOR");
    assert_int_equal(back.n_sources, 2);
    assert_string_equal(back.sources[1], "USA");
    assert_int_equal(back.time, u.time);
    assert_memory_equal(back.x, u.x, sizeof(u.x));
    assert_memory_equal(back.P, u.P, sizeof(u.P));
    assert_true(back.has_kappa && back.kappa == u.kappa);
    assert_true(back.impact.valid && !back.launch.valid);
    assert_true(fabs(back.impact.ellipse.orientation - 1.2) < 1e-12);
    assert_int_equal(back.impact.time, u.impact.time);
    assert_true(back.has_apogee && back.apogee_height == u.apogee_height);
    assert_int_equal(back.status, GS_TRACK_CONFIRMED);
    gs_item_free(it);

    /* A covariance that is not one, and a nan, are refused at decode. */
    for (i = 0; i < 2; i++) {
        gs_payload_track_to_pb(&u, f->a, &pb);
        if (i == 0)
            pb.covariance[1] = 1e6; /* |P01| > sqrt(P00 P11) */
        else
            pb.position_ecef[2] = NAN;
        gs_buf_reset(&env);
        assert_int_equal(gs_item_seal(&body, &f->kor, 1, &env, id), 0);
        assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, NULL),
                         GS_ERR_INVALID);
        assert_int_equal(gs_payload_track_check(&pb, why, sizeof(why)),
                         GS_ERR_INVALID);
    }
    gs_buf_free(&env);
}

static void alert_payload_checks(void **state)
{
    struct fixture *f = *state;
    struct gs_ground_point g;
    Gsomia__Alert a = GSOMIA__ALERT__INIT;
    char *nations[2] = {"JPN", "XXX"};
    char why[160], bad_text[] = "bad \x01 text";

    memset(&g, 0, sizeof(g));
    g.valid = true;
    g.lat = 40.5;
    g.lon = 179.5;
    g.time = 1664837000000000;
    g.ellipse.semi_major = 20000;
    g.ellipse.semi_minor = 10000;
    a.alert_id = "USA-A1";
    a.type = "impact";
    a.track_id = "USA-T1";
    a.impact = gs_payload_ground_to_pb(&g, f->a);
    a.text = "impact predicted";
    a.based_on_us = 1664836000000000;
    a.sequence = 2;
    a.overflight = nations;
    a.n_overflight = 1;
    assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)), 0);
    a.n_overflight = 2;
    assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)),
                     GS_ERR_INVALID);
    assert_non_null(strstr(why, "nation"));
    a.n_overflight = 1;
    a.type = "scary";
    assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)),
                     GS_ERR_INVALID);
    a.type = "lost";
    a.impact->ellipse95->semi_minor_m = 30000; /* minor > major */
    assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)),
                     GS_ERR_INVALID);
    a.impact->ellipse95->semi_minor_m = 10000;
    a.text = bad_text;
    assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)),
                     GS_ERR_INVALID);
}

/* A list element that is not UTF-8 refuses the label: it is never read
 * as if the element were not there (a dropped category widens access). */
static void label_lists_must_be_utf8(void **state)
{
    struct fixture *f = *state;
    Gsomia__Label pb;
    struct gs_label *l;
    struct gs_diag d;
    char *bad[] = {"DPRK-MISSILE", "\xff\xfe"};

    label_of(f, "KOR", "군사II급비밀", &pb);
    assert_int_equal(gs_item_label_from_pb(f->p, &pb, f->a, &l, NULL), 0);
    assert_int_equal(l->n_categories, 1);
    pb.categories = bad;
    pb.n_categories = 2;
    gs_diag_init(&d);
    assert_int_equal(gs_item_label_from_pb(f->p, &pb, f->a, &l, &d),
                     GS_ERR_INVALID);
    assert_null(l);
    assert_non_null(strstr(gs_diag_first(&d), "not valid UTF-8"));
    gs_diag_free(&d);
    pb.n_categories = 1;
    pb.releasable_to = bad + 1;
    pb.n_releasable_to = 1;
    assert_int_equal(gs_item_label_from_pb(f->p, &pb, f->a, &l, NULL),
                     GS_ERR_INVALID);
}

/* True when needle[0..n) occurs in hay[0..len). */
static bool contains(const uint8_t *hay, size_t len, const uint8_t *needle,
                     size_t n)
{
    size_t i;

    for (i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

/* A label that permits civil warnings keeps it through sealing and
 * decoding, in field 8 of the signed bytes. */
static void label_derivatives_survive_sealing(void **state)
{
    struct fixture *f = *state;
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Report report = GSOMIA__REPORT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    static const uint8_t field8[] = "\x42\x0d"
                                    "civil-warning";
    struct gs_buf env;
    struct gs_item *it;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN];
    json_t *j;

    label_with(f, "KOR", "군사II급비밀", GS_DERIVATIVE_CIVIL_WARNING, &pb);
    assert_int_equal(pb.n_derivatives, 1);
    report.title = "Launch";
    report.body = "b";
    body.kind = GSOMIA__KIND__REPORT;
    body.labels = pbs;
    body.n_labels = 1;
    body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
    body.report = &report;
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    assert_int_equal(gs_item_seal(&body, &f->kor, 1700000000000000, &env, id),
                     0);
    gs_diag_init(&d);
    assert_int_equal(gs_item_decode(f->p, env.data, env.len, &it, &d), 0);
    assert_int_equal(gs_item_verify(it, &f->kr, &d), 0);
    assert_int_equal(it->labels[0]->derivatives, GS_DERIVATIVE_CIVIL_WARNING);
    assert_true(gs_label_permits(it->labels[0], GS_DERIVATIVE_CIVIL_WARNING));
    assert_int_equal(it->body->labels[0]->n_derivatives, 1);
    assert_string_equal(it->body->labels[0]->derivatives[0], "civil-warning");
    /* Tag 8, length-delimited, inside the signed body. */
    assert_true(contains(it->env->body.data, it->env->body.len, field8,
                         sizeof(field8) - 1));
    j = gs_label_to_json(it->labels[0]);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "derivatives"), 0)),
        "civil-warning");
    json_decref(j);
    gs_item_free(it);
    gs_diag_free(&d);
    gs_buf_free(&env);
}

/* A KOR report sealed by the code of the commit before labels had
 * derivatives (9282224), with the fixed key of seed {7}: the label of
 * label_of with a review time, created and sealed at 2024-01-10. */
static const uint8_t old_report[] = {
    0x0a, 0xb3, 0x01, 0x08, 0x01, 0x10, 0x04, 0x1a, 0x03, 0x4b, 0x4f, 0x52,
    0x22, 0x08, 0x4e, 0x40, 0x12, 0x0b, 0x72, 0x1f, 0x4d, 0x3b, 0x28, 0x80,
    0x80, 0xce, 0xe5, 0xc1, 0xd1, 0x83, 0x03, 0x32, 0x55, 0x0a, 0x03, 0x4b,
    0x4f, 0x52, 0x12, 0x11, 0xea, 0xb5, 0xb0, 0xec, 0x82, 0xac, 0x49, 0x49,
    0xea, 0xb8, 0x89, 0xeb, 0xb9, 0x84, 0xeb, 0xb0, 0x80, 0x1a, 0x03, 0x55,
    0x53, 0x41, 0x1a, 0x03, 0x4a, 0x50, 0x4e, 0x22, 0x0c, 0x44, 0x50, 0x52,
    0x4b, 0x2d, 0x4d, 0x49, 0x53, 0x53, 0x49, 0x4c, 0x45, 0x2a, 0x0f, 0x6d,
    0x69, 0x73, 0x73, 0x69, 0x6c, 0x65, 0x2d, 0x77, 0x61, 0x72, 0x6e, 0x69,
    0x6e, 0x67, 0x30, 0x80, 0x80, 0xce, 0xe5, 0xc1, 0xd1, 0x83, 0x03, 0x3a,
    0x09, 0x08, 0x80, 0xc0, 0x81, 0xf8, 0x9e, 0xb3, 0xcb, 0x03, 0xa2, 0x01,
    0x3d, 0x0a, 0x06, 0x4c, 0x61, 0x75, 0x6e, 0x63, 0x68, 0x12, 0x33, 0x41,
    0x6e, 0x20, 0x49, 0x52, 0x42, 0x4d, 0x20, 0x77, 0x61, 0x73, 0x20, 0x6c,
    0x61, 0x75, 0x6e, 0x63, 0x68, 0x65, 0x64, 0x20, 0x61, 0x74, 0x20, 0x30,
    0x37, 0x3a, 0x32, 0x32, 0x20, 0x66, 0x72, 0x6f, 0x6d, 0x20, 0x4a, 0x61,
    0x67, 0x61, 0x6e, 0x67, 0x20, 0x70, 0x72, 0x6f, 0x76, 0x69, 0x6e, 0x63,
    0x65, 0x2e, 0x12, 0x51, 0x0a, 0x03, 0x4b, 0x4f, 0x52, 0x12, 0x08, 0x4e,
    0x40, 0x12, 0x0b, 0x72, 0x1f, 0x4d, 0x3b, 0x1a, 0x40, 0xd0, 0xd3, 0x8f,
    0x62, 0xe7, 0x10, 0x12, 0x13, 0xcc, 0x1f, 0x18, 0x1a, 0x0d, 0xb0, 0x1f,
    0xac, 0x4a, 0x39, 0x00, 0xc2, 0x07, 0x73, 0xee, 0x84, 0x35, 0x03, 0x0d,
    0x11, 0x58, 0x92, 0x91, 0x02, 0x2d, 0x17, 0x72, 0x87, 0xb1, 0xc2, 0x4e,
    0xfe, 0x86, 0x02, 0x06, 0x87, 0x74, 0x7c, 0x09, 0xc6, 0xfd, 0x4c, 0x60,
    0x8a, 0xb1, 0x87, 0xd7, 0x5c, 0x65, 0x3f, 0xd5, 0x31, 0x5e, 0x3d, 0x6b,
    0x0a,
};

/* Items signed before derivatives existed verify and decode as before, and
 * the same label sealed today gives the very same bytes. */
static void old_items_decode_the_same(void **state)
{
    struct fixture *f = *state;
    static const uint8_t seed[GS_SEED_LEN] = {7};
    struct gs_signer kor7;
    struct gs_keyring kr;
    struct gs_item *it;
    struct gs_diag d;
    struct gs_label *l;
    Gsomia__Label pb, *pbs[1] = {&pb}, **orig;
    struct gs_buf again;
    uint8_t id[GS_ITEM_ID_LEN];
    json_t *j;
    char *text;

    assert_int_equal(gs_signer_from_seed("KOR", seed, &kor7), 0);
    gs_keyring_init(&kr);
    gs_keyring_add(&kr, "KOR", kor7.pk);
    gs_diag_init(&d);
    assert_int_equal(
        gs_item_decode(f->p, old_report, sizeof(old_report), &it, &d), 0);
    if (gs_item_verify(it, &kr, &d) != 0)
        fail_msg("%s", gs_diag_first(&d));
    assert_int_equal(it->n_labels, 1);
    assert_int_equal(it->body->labels[0]->n_derivatives, 0);
    assert_int_equal(it->labels[0]->derivatives, 0);
    j = gs_label_to_json(it->labels[0]);
    text = json_dumps(j, JSON_COMPACT);
    assert_string_equal(text, "{\"originator\":\"KOR\",\"classification\":"
                              "\"군사II급비밀\",\"releasable_to\":[\"USA\","
                              "\"JPN\"],\"categories\":[\"DPRK-MISSILE\"],"
                              "\"purpose\":\"missile-warning\",\"created\":"
                              "\"2024-01-10T00:00:00Z\",\"review\":"
                              "\"2034-01-10T00:00:00Z\"}");
    free(text);
    json_decref(j);

    /* Through today's label conversions and sealing: the same bytes. */
    assert_int_equal(
        gs_item_label_from_pb(f->p, it->body->labels[0], f->a, &l, &d), 0);
    gs_item_label_to_pb(l, f->a, &pb);
    orig = it->body->labels;
    it->body->labels = pbs;
    gs_buf_init(&again, GS_ITEM_MAX_BYTES);
    assert_int_equal(
        gs_item_seal(it->body, &kor7, it->body->created_us, &again, id), 0);
    it->body->labels = orig;
    assert_memory_equal(id, it->id, GS_ITEM_ID_LEN);
    assert_int_equal(again.len, sizeof(old_report));
    assert_memory_equal(again.data, old_report, sizeof(old_report));
    gs_buf_free(&again);
    gs_item_free(it);
    gs_diag_free(&d);
    gs_keyring_free(&kr);
    gs_signer_wipe(&kor7);
}

/* A derivative use this node does not know is refused like any bad label
 * word, naming the uses there are. */
static void unknown_derivative_on_the_wire(void **state)
{
    struct fixture *f = *state;
    Gsomia__Label pb;
    struct gs_label *l;
    struct gs_diag d;
    char *ders[] = {"civil-warning", "press-release"}, *bad[] = {"\xff"};

    label_of(f, "KOR", "군사II급비밀", &pb);
    pb.derivatives = ders;
    pb.n_derivatives = 2;
    gs_diag_init(&d);
    assert_int_equal(gs_item_label_from_pb(f->p, &pb, f->a, &l, &d),
                     GS_ERR_INVALID);
    assert_non_null(strstr(gs_diag_first(&d), "\"press-release\" is not a "
                                              "derivative use; use one of: "
                                              "civil-warning"));
    gs_diag_free(&d);
    pb.derivatives = bad;
    pb.n_derivatives = 1;
    assert_int_equal(gs_item_label_from_pb(f->p, &pb, f->a, &l, NULL),
                     GS_ERR_INVALID);
}

static void ids_in_hex(void **state)
{
    uint8_t id[GS_ITEM_ID_LEN], back[GS_ITEM_ID_LEN];
    char hex[GS_ITEM_ID_HEX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(id); i++)
        id[i] = (uint8_t)(i * 7);
    gs_item_id_hex(id, hex);
    assert_int_equal(strlen(hex), 64);
    assert_int_equal(gs_item_id_parse(hex, back), 0);
    assert_memory_equal(id, back, sizeof(id));
    hex[63] = 'g';
    assert_int_equal(gs_item_id_parse(hex, back), GS_ERR_INVALID);
    assert_int_equal(gs_item_id_parse("abc", back), GS_ERR_INVALID);
}

static void signatures_have_a_context(void **state)
{
    struct fixture *f = *state;
    uint8_t sig[GS_SIG_LEN];
    static const uint8_t msg[] = "tree head bytes";

    gs_sign(&f->kor, "gsomia tree head v1", msg, sizeof(msg), sig);
    assert_int_equal(
        gs_verify(f->kor.pk, "gsomia tree head v1", msg, sizeof(msg), sig), 0);
    /* The same bytes under another context do not verify. */
    assert_int_equal(
        gs_verify(f->kor.pk, GS_ITEM_CONTEXT, msg, sizeof(msg), sig),
        GS_ERR_VERIFY);
    assert_int_equal(
        gs_verify(f->usa.pk, "gsomia tree head v1", msg, sizeof(msg), sig),
        GS_ERR_VERIFY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(seal_decode_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(every_flipped_byte_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_key_and_forged_originator,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(cosigned_agreement, setup, teardown),
        cmocka_unit_test_setup_teardown(decode_refuses_bad_structure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(track_payload_round_trip, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(alert_payload_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(label_lists_must_be_utf8, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(label_derivatives_survive_sealing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(old_items_decode_the_same, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_derivative_on_the_wire, setup,
                                        teardown),
        cmocka_unit_test(ids_in_hex),
        cmocka_unit_test_setup_teardown(signatures_have_a_context, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
