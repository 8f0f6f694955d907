/*
 * test_sim.c - src/sim: the random numbers against the published
 * xoshiro256** sequence, scenario files, flights against the public
 * profiles, the radar horizon, plot noise statistics, the truth file, and
 * the evaluation of a perfect track.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/err.h"
#include "sim/eval.h"
#include "sim/radar.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/truth.h"
#include "track/geo.h"

#define SCEN(name) GSOMIA_SOURCE_DIR "/examples/scenarios/" name ".json"

static void rng_reference_sequence(void **state)
{
    struct gs_rng r;
    double s = 0, s2 = 0, u = 0;
    unsigned long pois = 0;
    int i;
    const int N = 200000;

    (void)state;
    /* The reference implementation from state {1, 2, 3, 4}. */
    memset(&r, 0, sizeof(r));
    r.s[0] = 1;
    r.s[1] = 2;
    r.s[2] = 3;
    r.s[3] = 4;
    assert_true(gs_rng_next(&r) == UINT64_C(11520));
    assert_true(gs_rng_next(&r) == UINT64_C(0));
    assert_true(gs_rng_next(&r) == UINT64_C(1509978240));
    assert_true(gs_rng_next(&r) == UINT64_C(1215971899390074240));
    /* Gaussians: mean 0, variance 1 (standard errors 0.0022, 0.0032). */
    gs_rng_seed(&r, 99);
    for (i = 0; i < N; i++) {
        double g = gs_rng_normal(&r), v = gs_rng_uniform(&r);

        s += g;
        s2 += g * g;
        u += v;
        assert_true(v >= 0 && v < 1);
        pois += gs_rng_poisson(&r, 0.7);
    }
    assert_true(fabs(s / N) < 0.012);
    assert_true(fabs(s2 / N - 1) < 0.016);
    assert_true(fabs(u / N - 0.5) < 0.004);
    assert_true(fabs((double)pois / N - 0.7) < 0.01);
    /* Seeds give different, reproducible streams. */
    {
        struct gs_rng a, b;

        gs_rng_seed(&a, 5);
        gs_rng_seed(&b, 5);
        assert_true(gs_rng_next(&a) == gs_rng_next(&b));
        gs_rng_seed(&b, 6);
        assert_true(gs_rng_next(&a) != gs_rng_next(&b));
    }
}

static void scenarios_load(void **state)
{
    static const char *const names[] = {
        SCEN("kn23-depressed"), SCEN("irbm-over-japan"), SCEN("icbm-lofted"),
        SCEN("srbm-salvo")};
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++) {
        struct gs_scenario sc;
        struct gs_diag d;

        gs_diag_init(&d);
        assert_int_equal(gs_scenario_load(names[i], &sc, &d), 0);
        assert_int_equal(d.errors, 0);
        assert_true(sc.n_missiles >= 1 && sc.n_sensors >= 3);
        gs_scenario_free(&sc);
        gs_diag_free(&d);
    }
}

static void scenario_errors_located(void **state)
{
    static const char text[] =
        "{\"name\": \"bad\",\n"
        " \"missiles\": [{\"id\": \"M1\", \"heading\": 1,\n"
        "   \"launch\": {\"latitude\": 40, \"longitude\": 126,\n"
        "              \"time\": \"2022-10-03T22:22:00Z\"},\n"
        "   \"profile\": {\"pitch_end\": 0.5,\n"
        "               \"stages\": [{\"burn\": 60, \"acceleration\": [50, "
        "20]}]}}],\n"
        " \"sensors\": [{\"id\": \"R\", \"nation\": \"KOR\", \"class\": "
        "\"l-band\",\n \"latitude\": 37, \"longitude\": 127, \"height\": "
        "0}]}\n";
    char path[] = "/tmp/gsomia-test-scenario-XXXXXX";
    int fd = mkstemp(path);
    struct gs_scenario sc;
    struct gs_diag d;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
    close(fd);
    gs_diag_init(&d);
    assert_int_equal(gs_scenario_load(path, &sc, &d), GS_ERR_INVALID);
    /* The decreasing acceleration, on line 6. */
    assert_non_null(strstr(gs_diag_first(&d), ":6:"));
    assert_non_null(strstr(gs_diag_first(&d), "acceleration"));
    gs_scenario_free(&sc);
    gs_diag_free(&d);
    unlink(path);
    /* The same text from memory (what the fuzz target reads), named as
     * the caller says. */
    gs_diag_init(&d);
    assert_int_equal(
        gs_scenario_parse(text, sizeof(text) - 1, "mem.json", &sc, &d),
        GS_ERR_INVALID);
    assert_non_null(strstr(gs_diag_first(&d), "mem.json:6:"));
    gs_scenario_free(&sc);
    gs_diag_free(&d);
}

static void fly(const char *path, struct gs_scenario *sc, struct gs_truth *t)
{
    struct gs_diag d;
    struct gs_rng r;

    gs_diag_init(&d);
    assert_int_equal(gs_scenario_load(path, sc, &d), 0);
    gs_diag_free(&d);
    gs_rng_seed(&r, 1);
    assert_int_equal(gs_truth_fly(sc, &r, t), 0);
}

static double range_km(const struct gs_truth_object *o)
{
    double s;

    gs_geodesic_inverse(o->launch.lat, o->launch.lon, o->impact.lat,
                        o->impact.lon, &s, NULL);
    return s / 1e3;
}

static void flights_match_profiles(void **state)
{
    /* REFERENCE.md: KN-23 ~600 km, ~50 km, ~4 min; IRBM of 4 Oct 2022
     * ~4,600 km, ~970 km, ~22 min; Hwasong-18 6,648 km, 1,001 km, 4,491 s. */
    static const struct {
        const char *path;
        double range, apogee, flight, tol;
    } p[] = {
        {SCEN("kn23-depressed"), 600, 50, 240, 0.1},
        {SCEN("irbm-over-japan"), 4600, 970, 1320, 0.05},
        {SCEN("icbm-lofted"), 1001, 6648, 4491, 0.05},
    };
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        struct gs_scenario sc;
        struct gs_truth t;
        const struct gs_truth_object *o;

        fly(p[i].path, &sc, &t);
        o = &t.obj[0];
        assert_int_equal(o->kind, GS_OBJ_WARHEAD);
        assert_true(fabs(range_km(o) / p[i].range - 1) < p[i].tol);
        assert_true(fabs(o->h_apogee / 1e3 / p[i].apogee - 1) < p[i].tol);
        assert_true(fabs((o->t_impact - o->t_launch) / p[i].flight - 1) <
                    p[i].tol);
        /* Down on the ellipsoid, having boosted first. */
        assert_true(fabs(t.obj[0].s[t.obj[0].n - 1].x[0]) > 0);
        assert_true(o->t_burnout > o->t_launch + 30);
        gs_truth_free(&t);
        gs_scenario_free(&sc);
    }
}

static void truth_interpolation(void **state)
{
    struct gs_scenario sc;
    struct gs_truth t;
    struct gs_dyn m;
    const struct gs_truth_object *o;
    double x[7], y[7], a[3];
    double t0;
    int i, k;

    (void)state;
    fly(SCEN("irbm-over-japan"), &sc, &t);
    o = &t.obj[0];
    gs_dyn_default(&m);
    /* Midcourse: a sample, flown 0.37 s, against the interpolation. */
    t0 = o->t_burnout + 100;
    assert_true(gs_truth_state(o, t0, x, a));
    x[6] = 1.0 / o->beta;
    for (k = 1; k < 10; k++) {
        memcpy(y, x, sizeof(y));
        assert_int_equal(gs_dyn_propagate(&m, y, 7, 0.37 * k, NULL), 0);
        assert_true(gs_truth_state(o, t0 + 0.37 * k, x, NULL));
        x[6] = 1.0 / o->beta;
        for (i = 0; i < 3; i++) {
            assert_true(fabs(x[i] - y[i]) < 1e-3);
            assert_true(fabs(x[3 + i] - y[3 + i]) < 1e-4);
        }
        memcpy(x, y, sizeof(y));
        t0 += 0.37 * k;
    }
    assert_false(gs_truth_state(o, o->t_impact + 1, x, NULL));
    assert_int_equal(gs_truth_phase(o, o->t_launch + 10), GS_PHASE_BOOST);
    assert_int_equal(gs_truth_phase(o, o->t_apogee), GS_PHASE_MIDCOURSE);
    assert_int_equal(gs_truth_phase(o, o->t_impact - 5), GS_PHASE_REENTRY);
    gs_truth_free(&t);
    gs_scenario_free(&sc);
}

static void radar_horizon(void **state)
{
    struct gs_sensor s;
    struct gs_geodetic site = {0, 0, 0}, tg;
    double r[3];
    /* 1,000 km along the ground is 8.99 degrees of arc on the sphere the
     * horizon uses. */
    double arc = 1000e3 / 6371000.0;

    (void)state;
    memset(&s, 0, sizeof(s));
    gs_sensor_class_defaults(&s, GS_RADAR_UHF);
    s.min_elevation = 0;
    gs_site_init(&s.site, &site);
    tg.lat = 0;
    tg.lon = arc;
    /* REFERENCE.md: ~59 km at 1,000 km. */
    tg.h = 61e3;
    gs_geodetic_to_ecef(&tg, r);
    assert_true(gs_sensor_sees(&s, r, NULL));
    tg.h = 57e3;
    gs_geodetic_to_ecef(&tg, r);
    assert_false(gs_sensor_sees(&s, r, NULL));
    /* ~235 km at 2,000 km by d^2 / (2 k R); the exact geometry of the 4/3
     * sphere, k R (1 / cos(d / k R) - 1), gives 241 km. */
    tg.lon = 2 * arc;
    tg.h = 244e3;
    gs_geodetic_to_ecef(&tg, r);
    assert_true(gs_sensor_sees(&s, r, NULL));
    tg.h = 238e3;
    gs_geodetic_to_ecef(&tg, r);
    assert_false(gs_sensor_sees(&s, r, NULL));
    /* And the range limit. */
    s.max_range = 1000e3;
    tg.lon = arc * 1.2;
    tg.h = 300e3;
    gs_geodetic_to_ecef(&tg, r);
    assert_false(gs_sensor_sees(&s, r, NULL));
}

static void plot_noise_statistics(void **state)
{
    struct gs_scenario sc;
    struct gs_truth t;
    struct gs_sim_plot *p;
    size_t n, i, used = 0;
    double sum[4] = {0, 0, 0, 0};

    (void)state;
    fly(SCEN("kn23-depressed"), &sc, &t);
    gs_truth_free(&t);
    assert_int_equal(gs_sim_run(&sc, 11, &t, &p, &n), 0);
    for (i = 0; i < n; i++) {
        const struct gs_sensor *s = &sc.sensors[p[i].p.sensor];
        double x[6], z[4], tt = (double)(p[i].p.time - t.epoch) * 1e-6;

        if (p[i].object < 0)
            continue;
        assert_true(gs_truth_state(&t.obj[p[i].object], tt, x, NULL));
        gs_radar_measure(&s->site, x, z, NULL);
        sum[0] += pow((p[i].p.range - z[0]) / s->sigma_range, 2);
        sum[1] += pow(gs_angle_wrap(p[i].p.az - z[1]) / s->sigma_az, 2);
        sum[2] += pow((p[i].p.el - z[2]) / s->sigma_el, 2);
        used++;
    }
    /* Each normalised squared residual averages 1 (chi-square, 1 degree of
     * freedom; sd of the mean sqrt(2 / n) ~ 0.05 here). */
    assert_true(used > 500);
    for (i = 0; i < 3; i++)
        assert_true(fabs(sum[i] / (double)used - 1) < 0.2);
    /* Plots arrive in order of arrival; some late. */
    {
        size_t late = 0;

        for (i = 1; i < n; i++) {
            assert_true(p[i].arrival >= p[i - 1].arrival);
            late += p[i].p.time < p[i - 1].p.time;
        }
        assert_true(late > 0);
    }
    gs_free(p);
    gs_truth_free(&t);
    gs_scenario_free(&sc);
}

static void truth_file_round_trip(void **state)
{
    struct gs_scenario sc;
    struct gs_truth t, back;
    struct gs_sim_plot *p;
    struct gs_diag d;
    char path[] = "/tmp/gsomia-test-truth-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    size_t n, i;
    double x[6], y[6];

    (void)state;
    assert_true(fd >= 0);
    fly(SCEN("srbm-salvo"), &sc, &t);
    gs_truth_free(&t);
    assert_int_equal(gs_sim_run(&sc, 3, &t, &p, &n), 0);
    f = fdopen(fd, "w");
    assert_int_equal(gs_truth_write(&t, sc.sensors, f), 0);
    fclose(f);
    gs_diag_init(&d);
    assert_int_equal(gs_truth_load(path, sc.sensors, sc.n_sensors, &back, &d),
                     0);
    assert_int_equal(back.n_obj, t.n_obj);
    assert_int_equal(back.n_det, t.n_det);
    for (i = 0; i < t.n_obj; i++) {
        double tt = t.obj[i].t_launch + 100 + 0.3;

        assert_string_equal(back.obj[i].id, t.obj[i].id);
        assert_int_equal(back.obj[i].n, t.obj[i].n);
        assert_true(gs_truth_state(&t.obj[i], tt, x, NULL));
        assert_true(gs_truth_state(
            &back.obj[i], tt - (double)(back.epoch - t.epoch) * 1e-6, y, NULL));
        assert_true(fabs(x[0] - y[0]) < 1e-6 && fabs(x[5] - y[5]) < 1e-9);
    }
    gs_truth_free(&back);
    gs_diag_free(&d);
    gs_free(p);
    gs_truth_free(&t);
    gs_scenario_free(&sc);
    unlink(path);
}

static void eval_of_a_perfect_track(void **state)
{
    struct gs_scenario sc;
    struct gs_truth t;
    struct gs_sim_plot *p;
    struct gs_track_update *u;
    struct gs_est_config c;
    struct gs_eval e;
    const struct gs_truth_object *o;
    size_t n, k = 0, i;
    double tt;

    (void)state;
    fly(SCEN("kn23-depressed"), &sc, &t);
    gs_truth_free(&t);
    assert_int_equal(gs_sim_run(&sc, 5, &t, &p, &n), 0);
    o = &t.obj[0];
    u = gs_calloc(400, sizeof(*u));
    for (tt = o->t_launch + 45; tt < o->t_impact - 1 && k < 400; tt += 1) {
        struct gs_track_update *up = &u[k++];
        double x[6];

        assert_true(gs_truth_state(o, tt, x, NULL));
        memcpy(up->x, x, sizeof(x));
        for (i = 0; i < 6; i++)
            up->P[i * 7] = i < 3 ? 100.0 : 1.0;
        up->time = t.epoch + (gs_time_t)llround(tt * 1e6);
        memcpy(up->track, "KOR-T1", 7);
        memcpy(up->nation, "KOR", 4);
        up->status = GS_TRACK_CONFIRMED;
        up->impact.valid = true;
        up->impact.lat = o->impact.lat / GS_DEG;
        up->impact.lon = o->impact.lon / GS_DEG;
        up->impact.ellipse.semi_major = 1000;
        up->impact.ellipse.semi_minor = 500;
    }
    gs_est_config_default(&c);
    assert_int_equal(
        gs_eval_run(&t, sc.sensors, sc.n_sensors, NULL, &c, u, k, &e), 0);
    assert_int_equal(e.n, 1);
    assert_int_equal(e.n_tracks, 1);
    assert_int_equal(e.n_false_tracks, 0);
    assert_int_equal(e.o[0].n, k);
    for (i = 0; i < e.o[0].n; i++) {
        assert_true(e.o[0].s[i].err2 < 1e-6);
        assert_true(e.o[0].s[i].nees < 1e-6);
        assert_true(e.o[0].s[i].has_bound && e.o[0].s[i].bound2 > 0);
    }
    assert_true(e.o[0].has_miss[1] && e.o[0].miss[1] < 1e-3);
    assert_int_equal(e.o[0].n_inside, e.o[0].n_impact);
    /* The bound from every radar is tighter than from one nation's. */
    {
        struct gs_eval one;
        bool *use = gs_calloc(sc.n_sensors, sizeof(bool));

        for (i = 0; i < sc.n_sensors; i++)
            use[i] = strcmp(sc.sensors[i].nation, "KOR") == 0;
        assert_int_equal(
            gs_eval_run(&t, sc.sensors, sc.n_sensors, use, &c, u, k, &one), 0);
        assert_true(one.o[0].s[k - 1].bound2 > e.o[0].s[k - 1].bound2);
        gs_eval_free(&one);
        gs_free(use);
    }
    gs_eval_free(&e);
    gs_free(u);
    gs_free(p);
    gs_truth_free(&t);
    gs_scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_reference_sequence),
        cmocka_unit_test(scenarios_load),
        cmocka_unit_test(scenario_errors_located),
        cmocka_unit_test(flights_match_profiles),
        cmocka_unit_test(truth_interpolation),
        cmocka_unit_test(radar_horizon),
        cmocka_unit_test(plot_noise_statistics),
        cmocka_unit_test(truth_file_round_trip),
        cmocka_unit_test(eval_of_a_perfect_track),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
