/*
 * test_alert_rules.c - the predicted ground path and the life of alerts
 * (src/alert/path.h, src/alert/rules.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "alert/path.h"
#include "alert/rules.h"
#include "alert/warning.h"
#include "item/payload.h"
#include "track/geo.h"
#include "track/predict.h"

#define T0 1664835720000000 /* 2022-10-03T22:22:00Z */

/* A missile 300 km above 40.6 N 131 E flying east at 5 km/s, climbing:
 * an IRBM a few minutes after burnout. */
static void midcourse(struct gs_track_update *u)
{
    struct gs_geodetic g = {40.6 * GS_DEG, 131.0 * GS_DEG, 300e3};
    double enu[9], v_enu[3] = {4800, 600, 1500};
    int i, j;

    memset(u, 0, sizeof(*u));
    u->time = T0 + 200 * 1000000LL;
    memcpy(u->track, "JPN-T1", 7);
    memcpy(u->nation, "JPN", 4);
    u->phase = GS_PHASE_MIDCOURSE;
    gs_geodetic_to_ecef(&g, u->x);
    gs_enu_matrix(g.lat, g.lon, enu);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            u->x[3 + i] += enu[j * 3 + i] * v_enu[j];
    for (i = 0; i < 3; i++) {
        u->P[i * 7] = 200.0 * 200.0;
        u->P[(i + 3) * 7] = 2.0 * 2.0;
    }
    u->lat = 40.6;
    u->lon = 131.0;
    u->h = 300e3;
}

static void path_reaches_the_predicted_impact(void **state)
{
    struct gs_track_update u;
    static struct gs_path_point p[800];
    struct gs_impact_prediction ip;
    double x7[7], P7[49], s;
    size_t n, i;
    int a, b;

    (void)state;
    midcourse(&u);
    assert_int_equal(gs_path_predict(&u, 10, 7200, p, 800, &n), 0);
    assert_true(n > 10 && n < 800);
    assert_true(fabs(p[0].lat - 40.6) < 1e-6 && fabs(p[0].lon - 131) < 1e-6);
    assert_true(p[n - 1].height == 0);
    for (i = 1; i < n; i++) {
        assert_true(p[i].t > p[i - 1].t);
        assert_true(p[i].radius >= p[i - 1].radius);
        assert_true(p[i].radius >= GS_PATH_RADIUS_MIN &&
                    p[i].radius <= GS_PATH_RADIUS_MAX);
    }
    /* The same flight as the tracker's impact prediction: the last point
     * is within a few km of its mean impact (the ellipse is some km). */
    memcpy(x7, u.x, sizeof(u.x));
    x7[6] = 2e-4;
    memset(P7, 0, sizeof(P7));
    for (a = 0; a < 6; a++)
        for (b = 0; b < 6; b++)
            P7[a * 7 + b] = u.P[a * 6 + b];
    P7[48] = 1e-10;
    assert_int_equal(gs_predict_impact(x7, P7, u.time, 7200, &ip), 0);
    gs_geodesic_inverse(p[n - 1].lat * GS_DEG, p[n - 1].lon * GS_DEG,
                        ip.impact.lat * GS_DEG, ip.impact.lon * GS_DEG, &s,
                        NULL);
    assert_true(s < 5e3);
    assert_true(fabs((double)(ip.impact.time - u.time) * 1e-6 - p[n - 1].t) <
                5);
}

/* Nations by longitude band, for the rules: "KOR" west of 130 E, "JPN"
 * between 139 and 146 E, "USA" east of 170 W. */
static size_t bands(void *ctx, const struct gs_path_point *p, size_t n,
                    char (*out)[4], size_t max)
{
    size_t i, k = 0;
    int *calls = ctx;
    bool jpn = false, usa = false;

    (*calls)++;
    for (i = 0; i < n; i++) {
        if (p[i].lon > 139 && p[i].lon < 146 && !jpn && k < max) {
            memcpy(out[k++], "JPN", 4);
            jpn = true;
        }
        if (p[i].lon < -170 && !usa && k < max) {
            memcpy(out[k++], "USA", 4);
            usa = true;
        }
    }
    return k;
}

static void impact_at(struct gs_track_update *u, double lat, double lon,
                      double major, double secs)
{
    u->impact.valid = true;
    u->impact.lat = lat;
    u->impact.lon = lon;
    u->impact.time = T0 + (int64_t)(secs * 1e6);
    u->impact.ellipse.semi_major = major;
    u->impact.ellipse.semi_minor = major / 3;
}

static void alert_life(void **state)
{
    struct gs_alert_rules *r;
    struct gs_alert_event ev[8];
    struct gs_track_update u;
    int calls = 0;
    size_t n;

    (void)state;
    r = gs_alert_rules_new("JPN", 7, bands, &calls);
    midcourse(&u);
    u.phase = GS_PHASE_BOOST;
    u.time = T0 + 60 * 1000000LL;

    /* First seen: one launch event, not yet estimated. */
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].type, GS_ALERT_LAUNCH);
    assert_string_equal(ev[0].alert_id, "JPN-A7");
    assert_string_equal(ev[0].track_id, "JPN-T1");
    assert_int_equal(ev[0].sequence, 1);
    assert_non_null(strstr(ev[0].text, "first seen"));
    assert_true(ev[0].launch.valid && ev[0].launch.time == u.time);
    assert_string_equal(gs_alert_rules_alert_of(r, "JPN-T1"), "JPN-A7");

    /* Nothing new: nothing said. */
    u.time += 1000000;
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 0);

    /* The launch point estimated, then an impact predicted: launch,
     * impact, and the nations under the path. */
    midcourse(&u);
    u.launch.valid = true;
    u.launch.lat = 40.3;
    u.launch.lon = 126.4;
    u.launch.time = T0;
    u.launch.ellipse.semi_major = 3000;
    u.launch.ellipse.semi_minor = 1000;
    impact_at(&u, 41, 175, 200e3, 1300);
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_int_equal(n, 3);
    assert_string_equal(ev[0].type, GS_ALERT_LAUNCH);
    assert_non_null(strstr(ev[0].text, "launched"));
    assert_string_equal(ev[1].type, GS_ALERT_IMPACT);
    assert_int_equal(ev[1].sequence, 3);
    assert_true(ev[1].impact.valid && ev[1].impact.lon == 175);
    assert_string_equal(ev[2].type, GS_ALERT_OVERFLIGHT);
    assert_true(ev[2].n_overflight >= 1);
    assert_int_equal(calls, 1);

    /* The same prediction again, or one moved a little: no event. */
    u.time += 1000000;
    impact_at(&u, 41.1, 175, 200e3, 1301);
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 0);
    /* Moved by more than half the ellipse: an impact event, and the path
     * checked again (no new nation: no overflight event). */
    u.time += 1000000;
    impact_at(&u, 41, 178, 100e3, 1302);
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].type, GS_ALERT_IMPACT);
    assert_int_equal(calls, 2);
    /* A much tighter ellipse at the same place is news too. */
    u.time += 1000000;
    impact_at(&u, 41, 178, 20e3, 1302);
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 1);

    /* Lost long before the predicted impact, high up: lost, then
     * closed. */
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].type, GS_ALERT_LOST);
    u.status = GS_TRACK_CONFIRMED;
    u.time += 1000000;
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 0);
    assert_int_equal(gs_alert_rules_retract(r, "JPN-T1", u.time, "x", ev, 8),
                     0);

    /* A second track: a new alert id; it ends at its impact. */
    midcourse(&u);
    memcpy(u.track, "JPN-T2", 7);
    impact_at(&u, 41, 178, 20e3, 1300);
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_string_equal(ev[0].alert_id, "JPN-A8");
    assert_true(n >= 2);
    u.time = T0 + 1290 * 1000000LL;
    u.h = 5000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 1);
    assert_string_equal(ev[0].type, GS_ALERT_ENDED);
    assert_non_null(strstr(ev[0].text, "came down"));

    /* A third, withdrawn by its originator. */
    midcourse(&u);
    memcpy(u.track, "JPN-T3", 7);
    assert_int_equal(gs_alert_rules_update(r, &u, ev, 8), 1);
    assert_int_equal(gs_alert_rules_retract(r, "JPN-T3", u.time,
                                            "false "
                                            "track",
                                            ev, 8),
                     1);
    assert_string_equal(ev[0].type, GS_ALERT_RETRACTED);
    assert_string_equal(ev[0].alert_id, "JPN-A9");
    assert_non_null(strstr(ev[0].text, "false track"));
    assert_int_equal(gs_alert_rules_next_serial(r), 10);
    gs_alert_rules_free(r);
}

/* Every event passes the checks a receiving node applies. */
static void events_are_valid_payloads(void **state)
{
    struct gs_alert_rules *r;
    struct gs_alert_event ev[8];
    struct gs_track_update u;
    int calls = 0;
    size_t n, i;

    (void)state;
    r = gs_alert_rules_new("JPN", 1, bands, &calls);
    midcourse(&u);
    impact_at(&u, 41, 175, 200e3, 1300);
    n = gs_alert_rules_update(r, &u, ev, 8);
    assert_true(n >= 2);
    for (i = 0; i < n; i++) {
        Gsomia__Alert a = GSOMIA__ALERT__INIT;
        struct gs_arena *ar = gs_arena_new();
        char *nations[GS_ALERT_NATIONS_MAX];
        char why[160];
        int k;

        a.alert_id = ev[i].alert_id;
        a.type = (char *)ev[i].type;
        a.track_id = ev[i].track_id;
        a.text = ev[i].text;
        a.sequence = ev[i].sequence;
        a.based_on_us = ev[i].based_on;
        a.launch = gs_payload_ground_to_pb(&ev[i].launch, ar);
        a.impact = gs_payload_ground_to_pb(&ev[i].impact, ar);
        for (k = 0; k < ev[i].n_overflight; k++)
            nations[k] = ev[i].overflight[k];
        a.overflight = nations;
        a.n_overflight = (size_t)ev[i].n_overflight;
        assert_int_equal(gs_payload_alert_check(&a, why, sizeof(why)), 0);
        gs_arena_free(ar);
    }
    gs_alert_rules_free(r);
}

/* "Aomori" when the path passes between 139 and 142 E within 40 to 42 N,
 * "Tokyo" when the impact point is near 35.7 N 139.7 E (then inside);
 * impacts east of 160 E are at sea, others elsewhere. */
static size_t prefectures(void *ctx, const struct gs_path_point *p, size_t n,
                          const struct gs_ground_point *impact,
                          struct gs_warning_area *out, size_t max,
                          enum gs_warning_where *where)
{
    size_t i, k = 0;

    (void)ctx;
    *where =
        impact->valid && impact->lon > 160 ? GS_WHERE_SEA : GS_WHERE_ELSEWHERE;
    for (i = 0; i < n && k < max; i++)
        if (p[i].lon > 139 && p[i].lon < 142 && p[i].lat > 40 &&
            p[i].lat < 42) {
            memcpy(out[k].code, "JP-02", 6);
            memcpy(out[k].name, "Aomori", 7);
            k++;
            break;
        }
    if (impact->valid && fabs(impact->lat - 35.7) < 0.5 &&
        fabs(impact->lon - 139.7) < 0.5 && k < max) {
        memcpy(out[k].code, "JP-13", 6);
        memcpy(out[k].name, "Tokyo", 6);
        k++;
        *where = GS_WHERE_AREAS;
    }
    return k;
}

static void civil_warning_life(void **state)
{
    struct gs_warning_engine *e = gs_warning_engine_new(prefectures, NULL);
    struct gs_warning w[4];
    struct gs_track_update u;
    struct gs_geodetic g = {40.8 * GS_DEG, 150.0 * GS_DEG, 600e3};
    int i;

    (void)state;
    /* In boost, too slow yet to reach Japan if the motor stopped now:
     * nothing. */
    midcourse(&u);
    u.phase = GS_PHASE_BOOST;
    for (i = 3; i < 6; i++)
        u.x[i] *= 0.3;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);

    /* Fast enough to cross Aomori even so: an Alert to shelter, naming
     * it, before any impact is predicted. */
    midcourse(&u);
    u.phase = GS_PHASE_BOOST;
    u.time += 1000000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    assert_int_equal(w[0].situation, GS_CAP_LAUNCHED);
    assert_int_equal(w[0].n_areas, 1);
    assert_string_equal(w[0].areas[0].code, "JP-02");
    assert_string_equal(gs_warning_type_name(w[0].type), "Alert");
    /* Burnt out, the same places: nothing new. */
    u.phase = GS_PHASE_MIDCOURSE;
    impact_at(&u, 41, 175, 200e3, 1300);
    u.time += 1000000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    /* A second object of the same launch, close by: the same warning. */
    memcpy(u.track, "JPN-T9", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T1", 7);
    /* Impact now predicted in Tokyo: an Update naming both. */
    u.time += 1000000;
    impact_at(&u, 35.7, 139.7, 30e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LAUNCHED);
    assert_int_equal(w[0].n_areas, 2);
    assert_int_equal(w[0].number, 2);
    /* Past Japan, falling in the Pacific: once both objects are, the
     * warning says the missile passed. */
    u.time += 300000000;
    gs_geodetic_to_ecef(&g, u.x);
    impact_at(&u, 41, 175, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T9", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_PASSED);
    u.time += 1000000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    /* Both come down at sea: Cancel, all clear, once the last is down;
     * then the warning is closed. */
    u.time = T0 + 1300 * 1000000LL;
    u.h = 3000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T1", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_CANCEL);
    assert_int_equal(w[0].situation, GS_CAP_FELL_AT_SEA);
    assert_int_equal(gs_warning_engine_retract(e, u.track, u.time, w, 4), 0);

    /* Another track, withdrawn: Cancel. */
    midcourse(&u);
    memcpy(u.track, "JPN-T2", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T2", u.time, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_CANCEL);
    assert_int_equal(w[0].situation, GS_CAP_WITHDRAWN);
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T2", u.time, w, 4), 0);

    /* A third, lost high up: no message, the warning stands. */
    midcourse(&u);
    memcpy(u.track, "JPN-T3", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);

    /* A fourth falls in Tokyo: Update, fallen on land. */
    midcourse(&u);
    memcpy(u.track, "JPN-T4", 7);
    impact_at(&u, 35.7, 139.7, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    u.time = T0 + 1300 * 1000000LL;
    u.h = 1000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_FELL_ON_LAND);
    gs_warning_engine_free(e);
}

/* A missile beyond the radars: its alert ends when the clock passes the
 * predicted impact, not before. */
static void alert_ends_by_the_clock(void **state)
{
    struct gs_alert_rules *r = gs_alert_rules_new("USA", 1, NULL, NULL);
    struct gs_alert_event ev[8];
    struct gs_track_update u;

    (void)state;
    midcourse(&u);
    impact_at(&u, 41, 175, 20e3, 1300);
    assert_true(gs_alert_rules_update(r, &u, ev, 8) >= 2);
    assert_int_equal(gs_alert_rules_tick(r, T0 + 1310 * 1000000LL, ev, 8), 0);
    assert_int_equal(gs_alert_rules_tick(r, T0 + 1331 * 1000000LL, ev, 8), 1);
    assert_string_equal(ev[0].type, GS_ALERT_ENDED);
    assert_non_null(strstr(ev[0].text, "as predicted"));
    assert_int_equal(ev[0].based_on, T0 + 1300 * 1000000LL);
    /* Closed: said once. */
    assert_int_equal(gs_alert_rules_tick(r, T0 + 1400 * 1000000LL, ev, 8), 0);
    gs_alert_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_reaches_the_predicted_impact),
        cmocka_unit_test(alert_life),
        cmocka_unit_test(events_are_valid_payloads),
        cmocka_unit_test(civil_warning_life),
        cmocka_unit_test(alert_ends_by_the_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
