/*
 * test_alert.c - src/alert: boundaries against known geography (the file
 * the build generated from Natural Earth), the reach tests against a naive
 * sampling reference on a small hand-made file, the loader's diagnostics,
 * CAP 1.2 messages against gsomia's schema (in-process and with xmllint),
 * CoT events parsed back with libxml2; the predicted ground path against
 * the tracker's impact prediction, and the lives of alerts and of civil
 * warnings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert/cap.h"
#include "alert/cot.h"
#include "alert/path.h"
#include "alert/region.h"
#include "alert/rules.h"
#include "alert/standing.h"
#include "alert/warning.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/err.h"
#include "base/time.h"
#include "item/payload.h"
#include "track/geo.h"
#include "track/predict.h"
#include "track/update.h"

#define XSD GSOMIA_SOURCE_DIR "/data/cap/cap-1.2.xsd"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* The real boundaries, loaded once for the whole program. */
static struct gs_regions *world;

static int load_world(void **state)
{
    struct gs_diag d;
    int rc;

    (void)state;
    gs_diag_init(&d);
    rc = gs_regions_load(GSOMIA_BOUNDARIES, &world, &d);
    if (rc != 0)
        fprintf(stderr, "%s\n", gs_diag_first(&d));
    gs_diag_free(&d);
    return rc;
}

static int free_world(void **state)
{
    (void)state;
    gs_regions_free(world);
    return 0;
}

/* A small deterministic generator for test data (SplitMix64). */
static uint64_t test_rng = 0x243F6A8885A308D3u;

static double urand(void)
{
    uint64_t z = (test_rng += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static gs_time_t T(const char *s)
{
    gs_time_t t;

    assert_int_equal(gs_time_parse(s, &t), 0);
    return t;
}

static bool set_has(const struct gs_region_set *s, const char *code)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->r[i]->code, code) == 0)
            return true;
    return false;
}

static void set_print(const char *what, const struct gs_region_set *s)
{
    size_t i;

    printf("# %s:", what);
    for (i = 0; i < s->n; i++)
        printf(" %s", s->r[i]->code);
    printf("\n");
}

/* The point at distance d (m) and azimuth az (rad) on the mean sphere. */
static void sphere_direct(double lat, double lon, double az, double d,
                          double *olat, double *olon)
{
    double R = 6371008.8, p1 = lat * GS_DEG, l1 = lon * GS_DEG, s = d / R;
    double p2 = asin(sin(p1) * cos(s) + cos(p1) * sin(s) * cos(az));
    double l2 =
        l1 + atan2(sin(az) * sin(s) * cos(p1), cos(s) - sin(p1) * sin(p2));

    *olat = p2 / GS_DEG;
    *olon = gs_angle_wrap(l2) / GS_DEG;
}

/*
 * The ground track of the IRBM of 4 October 2022: launched near Mupyong-ni
 * (40.6 N, 126.4 E), over Aomori city, about 4,600 km along the great
 * circle, sampled every 10 km.
 */
static size_t irbm_path(struct gs_region_point *p, size_t max, double radius)
{
    double s, az, x;
    size_t n = 0;

    gs_geodesic_inverse(40.6 * GS_DEG, 126.4 * GS_DEG, 40.82 * GS_DEG,
                        140.74 * GS_DEG, &s, &az);
    for (x = 0; x <= 4600e3 + 1 && n < max; x += 10e3, n++) {
        sphere_direct(40.6, 126.4, az, x, &p[n].lat, &p[n].lon);
        p[n].radius = radius;
    }
    return n;
}

/* ----------------------------------------------------- real geography */

static void world_known_places(void **state)
{
    static const struct {
        const char *what;
        double lat, lon;
        const char *country, *pref;
    } cases[] = {
        {"Aomori city", 40.82, 140.74, "JPN", "JP-02"},
        {"Sapporo", 43.062, 141.354, "JPN", "JP-01"},
        {"Tokyo station", 35.681, 139.767, "JPN", "JP-13"},
        {"Osaka", 34.69, 135.50, "JPN", "JP-27"},
        {"Naha", 26.21, 127.68, "JPN", "JP-47"},
        {"Seoul", 37.566, 126.978, "KOR", NULL},
        {"Pyongyang", 39.039, 125.762, "PRK", NULL},
        {"Beijing", 39.904, 116.407, "CHN", NULL},
        {"Vladivostok", 43.115, 131.885, "RUS", NULL},
        {"Washington", 38.895, -77.036, "USA", NULL},
        {"Attu Island, west of 180", 52.9, 172.9, "USA", NULL},
        {"Paris", 48.857, 2.352, "FRA", NULL},
        {"Oslo", 59.914, 10.752, "NOR", NULL},
        {"Pacific, 40 N 150 E", 40.0, 150.0, NULL, NULL},
        {"Sea of Japan", 40.0, 135.0, NULL, NULL},
    };
    size_t i;

    (void)state;
    assert_true(gs_regions_count(world, NULL) > 200);
    assert_int_equal(gs_regions_count(world, "JPN"), 47);
    assert_int_equal(gs_regions_count(world, "KOR"), 0);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct gs_region *c =
            gs_regions_country_at(world, cases[i].lat, cases[i].lon);
        const struct gs_region *p =
            gs_regions_subdivision_at(world, "JPN", cases[i].lat, cases[i].lon);

        printf("# %s: %s %s\n", cases[i].what, c ? c->code : "sea",
               p ? p->code : "-");
        if (cases[i].country == NULL)
            assert_null(c);
        else
            assert_string_equal(c->code, cases[i].country);
        if (cases[i].pref == NULL) {
            assert_null(p);
        } else {
            assert_non_null(p);
            assert_string_equal(p->code, cases[i].pref);
            assert_string_equal(p->country, "JPN");
        }
    }
    assert_string_equal(gs_regions_find(world, "JP-02")->name, "Aomori");
    assert_string_equal(gs_regions_find(world, "JP-28")->name, "Hyogo");
    assert_string_equal(gs_regions_find(world, "PRK")->name, "North Korea");
    assert_null(gs_regions_find(world, "JP-48"));
    assert_null(gs_regions_country_at(world, 91, 0));
    assert_null(gs_regions_country_at(world, NAN, 0));
}

static void world_irbm_overflight(void **state)
{
    static struct gs_region_point p[500];
    struct gs_region_set s;
    size_t n = irbm_path(p, 500, 10e3), i;

    (void)state;
    assert_int_equal(n, 461);
    /* Japan's prefectures: the path crosses Aomori and only Aomori. */
    assert_int_equal(gs_regions_near_path(world, "JPN", p, n, &s), 0);
    set_print("prefectures within 10 km", &s);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "JP-02");
    /* Nations: North Korea (launch) and Japan (overflight); the rest of
     * the path is open Pacific. */
    assert_int_equal(gs_regions_near_path(world, NULL, p, n, &s), 0);
    set_print("countries within 10 km", &s);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.r[0]->code, "JPN");
    assert_string_equal(s.r[1]->code, "PRK");
    /* The points alone, with no uncertainty, say the same. */
    for (i = 0; i < n; i++)
        p[i].radius = 0;
    assert_int_equal(gs_regions_near_path(world, "JPN", p, n, &s), 0);
    assert_int_equal(s.n, 1);
    /* 50 km reaches China near the launch site and Akita and Iwate on
     * both sides of Aomori - and still nothing in Hokkaido's interior. */
    for (i = 0; i < n; i++)
        p[i].radius = 50e3;
    assert_int_equal(gs_regions_near_path(world, NULL, p, n, &s), 0);
    set_print("countries within 50 km", &s);
    assert_true(set_has(&s, "CHN") && set_has(&s, "JPN") && set_has(&s, "PRK"));
    assert_int_equal(gs_regions_near_path(world, "JPN", p, n, &s), 0);
    set_print("prefectures within 50 km", &s);
    assert_true(set_has(&s, "JP-02") && set_has(&s, "JP-03") &&
                set_has(&s, "JP-05"));
    assert_false(set_has(&s, "JP-13"));
    for (i = 1; i < s.n; i++)
        assert_true(strcmp(s.r[i - 1]->code, s.r[i]->code) < 0);
}

static void world_path_speed(void **state)
{
    static struct gs_region_point p[500];
    struct gs_region_set s;
    size_t n = irbm_path(p, 500, 10e3);
    int64_t best = INT64_MAX;
    int k;

    (void)state;
    /* The best of a few runs: the machine is shared. */
    for (k = 0; k < 7; k++) {
        int64_t t0 = gs_mono_ns();

        assert_int_equal(gs_regions_near_path(world, NULL, p, n, &s), 0);
        if (gs_mono_ns() - t0 < best)
            best = gs_mono_ns() - t0;
    }
    printf("# 4,600 km path, %zu points, all countries: %.2f ms\n", n,
           best / 1e6);
    assert_true(best < (SANITIZED ? 60 : 10) * INT64_C(1000000));
}

static void world_antimeridian(void **state)
{
    struct gs_region_point aleutians[2] = {{51.8, 170, 10e3},
                                           {51.8, -170, 10e3}};
    struct gs_region_point open_sea[2] = {{45, 170, 10e3}, {45, -170, 10e3}};
    /* The same Aleutian crossing with the points the other way round and
     * a point exactly on the antimeridian. */
    struct gs_region_point back[3] = {
        {51.8, -170, 10e3}, {51.8, 180, 10e3}, {51.8, 170, 10e3}};
    struct gs_region_set s;

    (void)state;
    assert_int_equal(gs_regions_near_path(world, NULL, aleutians, 2, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "USA");
    assert_int_equal(gs_regions_near_path(world, NULL, back, 3, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "USA");
    assert_int_equal(gs_regions_near_path(world, NULL, open_sea, 2, &s), 0);
    assert_int_equal(s.n, 0);
}

static void world_tokyo_ellipse(void **state)
{
    static const char *const kanto[] = {"JP-08", "JP-09", "JP-10", "JP-11",
                                        "JP-12", "JP-13", "JP-14", "JP-19"};
    struct gs_ellipse e = {50e3, 20e3, 0};
    struct gs_region_set s;
    size_t i, k;

    (void)state;
    for (k = 0; k < 6; k++) {
        e.orientation = k * GS_PI / 6;
        assert_int_equal(
            gs_regions_in_ellipse(world, "JPN", 35.681, 139.767, &e, &s), 0);
        set_print("50 x 20 km about Tokyo station", &s);
        /* Tokyo and the three neighbours within 20 km of the station. */
        assert_true(set_has(&s, "JP-13") && set_has(&s, "JP-11") &&
                    set_has(&s, "JP-12") && set_has(&s, "JP-14"));
        for (i = 0; i < s.n; i++) {
            bool near = false;
            size_t j;

            for (j = 0; j < sizeof(kanto) / sizeof(kanto[0]); j++)
                near = near || strcmp(s.r[i]->code, kanto[j]) == 0;
            assert_true(near);
        }
    }
    /* An ellipse wholly inside a prefecture. */
    e.semi_major = 1000;
    e.semi_minor = 500;
    assert_int_equal(gs_regions_in_ellipse(world, "JPN", 40.82, 140.74, &e, &s),
                     0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "JP-02");
    /* A prefecture wholly inside an ellipse centred at sea: Kanagawa
     * (JP-14) from the middle of Sagami Bay. */
    assert_null(gs_regions_country_at(world, 35.1, 139.4));
    e.semi_major = 120e3;
    e.semi_minor = 110e3;
    assert_int_equal(gs_regions_in_ellipse(world, "JPN", 35.1, 139.4, &e, &s),
                     0);
    set_print("120 x 110 km about Sagami Bay", &s);
    assert_true(set_has(&s, "JP-14"));
    /* A degenerate ellipse is a point. */
    e.semi_major = 0;
    e.semi_minor = 0;
    assert_int_equal(
        gs_regions_in_ellipse(world, NULL, 37.566, 126.978, &e, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "KOR");
}

static void world_bad_queries(void **state)
{
    struct gs_region_point p[2] = {{40, 140, 1e3}, {41, 141, 1e3}};
    struct gs_ellipse e = {1e3, 2e3, 0};
    struct gs_region_set s;

    (void)state;
    assert_int_equal(gs_regions_near_path(world, NULL, p, 0, &s),
                     GS_ERR_INVALID);
    p[1].lat = 91;
    assert_int_equal(gs_regions_near_path(world, NULL, p, 2, &s),
                     GS_ERR_INVALID);
    p[1].lat = 41;
    p[1].radius = -1;
    assert_int_equal(gs_regions_near_path(world, NULL, p, 2, &s),
                     GS_ERR_INVALID);
    p[1].radius = NAN;
    assert_int_equal(gs_regions_near_path(world, NULL, p, 2, &s),
                     GS_ERR_INVALID);
    p[1].radius = 1e3;
    assert_int_equal(gs_regions_near_path(world, "KOR", p, 2, &s),
                     GS_ERR_NOT_FOUND);
    assert_int_equal(s.n, 0);
    assert_int_equal(gs_regions_in_ellipse(world, NULL, 40, 140, &e, &s),
                     GS_ERR_INVALID);
    e.semi_minor = 500;
    e.orientation = INFINITY;
    assert_int_equal(gs_regions_in_ellipse(world, NULL, 40, 140, &e, &s),
                     GS_ERR_INVALID);
}

/* -------------------------------------- a small file, naive reference */

/*
 * AAA: the unit square at (0..1 E, 0..1 N) with a hole (0.4..0.6), and a
 * triangle east of it; subdivided in two halves. BBB: two squares on
 * either side of the antimeridian.
 */
static const char small_file[] =
    "{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
    "\"countries\":[\n"
    "{\"code\":\"AAA\",\"name\":\"Aland\",\"polygons\":[\n"
    " [[0,0,1,0,1,1,0,1],[0.4,0.4,0.6,0.4,0.6,0.6,0.4,0.6]],\n"
    " [[2,0,3,0,2.5,1]]]},\n"
    "{\"code\":\"BBB\",\"name\":\"Bland\",\"polygons\":[\n"
    " [[179,10,179.9,10,179.9,11,179,11]],\n"
    " [[-179.9,10,-179,10,-179,11,-179.9,11]]]}],\n"
    "\"subdivisions\":[\n"
    "{\"country\":\"AAA\",\"code\":\"AA-1\",\"name\":\"Fish & <Chips>\",\n"
    " \"polygons\":[[[0,0,0.5,0,0.5,1,0,1]]]},\n"
    "{\"country\":\"AAA\",\"code\":\"AA-2\",\"name\":\"East\",\n"
    " \"polygons\":[[[0.5,0,1,0,1,1,0.5,1]]]}]}\n";

static struct gs_regions *load_small(void)
{
    struct gs_regions *r;
    struct gs_diag d;

    gs_diag_init(&d);
    assert_int_equal(
        gs_regions_parse(small_file, strlen(small_file), "small", &r, &d), 0);
    gs_diag_free(&d);
    return r;
}

/* The rings of a test area, as the naive reference sees them. */
struct naive_area {
    const char *code;
    int n_rings;
    int n[3];
    double xy[3][8];
};

static const struct naive_area naive_areas[] = {
    {"AAA",
     3,
     {4, 4, 3},
     {{0, 0, 1, 0, 1, 1, 0, 1},
      {0.4, 0.4, 0.6, 0.4, 0.6, 0.6, 0.4, 0.6},
      {2, 0, 3, 0, 2.5, 1}}},
};

static bool naive_inside(const struct naive_area *a, double lat, double lon)
{
    bool in = false;
    int k, i;

    for (k = 0; k < a->n_rings; k++)
        for (i = 0; i < a->n[k]; i++) {
            const double *p = &a->xy[k][2 * i];
            const double *q = &a->xy[k][2 * ((i + 1) % a->n[k])];

            if ((p[1] > lat) != (q[1] > lat) &&
                lon < (q[0] - p[0]) * (lat - p[1]) / (q[1] - p[1]) + p[0])
                in = !in;
        }
    return in;
}

/* Distance (m) from (lat, lon) to the area's boundary, on a flat Earth
 * about the point (mean sphere): independent of the module's plane. */
static double naive_dist(const struct naive_area *a, double lat, double lon)
{
    double ky = 6371008.8 * GS_DEG, kx = ky * cos(lat * GS_DEG);
    double best = INFINITY;
    int k, i;

    for (k = 0; k < a->n_rings; k++)
        for (i = 0; i < a->n[k]; i++) {
            const double *p = &a->xy[k][2 * i];
            const double *q = &a->xy[k][2 * ((i + 1) % a->n[k])];
            double px = (p[0] - lon) * kx, py = (p[1] - lat) * ky;
            double dx = (q[0] - p[0]) * kx, dy = (q[1] - p[1]) * ky;
            double t = -(px * dx + py * dy) / (dx * dx + dy * dy);
            double ex, ey;

            t = t < 0 ? 0 : t > 1 ? 1 : t;
            ex = px + t * dx;
            ey = py + t * dy;
            best = fmin(best, hypot(ex, ey));
        }
    return best;
}

static void small_path_vs_naive(void **state)
{
    struct gs_regions *r = load_small();
    const struct naive_area *a = &naive_areas[0];
    int decided = 0, cases = 300, c;

    (void)state;
    for (c = 0; c < cases; c++) {
        struct gs_region_point p[4];
        struct gs_region_set s;
        double worst = INFINITY, margin;
        int n = 1 + (int)(urand() * 4), i;

        if (n > 4)
            n = 4;
        p[0].lat = -0.4 + 1.8 * urand();
        p[0].lon = -0.4 + 3.8 * urand();
        p[0].radius = urand() < 0.2 ? 0 : 40e3 * urand();
        for (i = 1; i < n; i++) {
            double az = 2 * GS_PI * urand();

            sphere_direct(p[i - 1].lat, p[i - 1].lon, az, 40e3 * urand(),
                          &p[i].lat, &p[i].lon);
            p[i].radius = urand() < 0.2 ? 0 : 40e3 * urand();
        }
        /* The reference: every 20 m along every segment, the margin by
         * which the interpolated disk misses the territory (< 0: hit). */
        for (i = 0; i < (n == 1 ? 1 : n - 1); i++) {
            const struct gs_region_point *u = &p[i],
                                         *v = &p[n == 1 ? 0 : i + 1];
            double len = hypot((v->lon - u->lon) * cos(u->lat * GS_DEG),
                               v->lat - u->lat) *
                         111195.0;
            int steps = 1 + (int)(len / 20), j;

            for (j = 0; j <= steps; j++) {
                double t = (double)j / steps;
                double lat = u->lat + t * (v->lat - u->lat);
                double lon = u->lon + t * (v->lon - u->lon);
                double rad = u->radius + t * (v->radius - u->radius);
                double m = naive_inside(a, lat, lon)
                               ? -1e9
                               : naive_dist(a, lat, lon) - rad;

                worst = fmin(worst, m);
            }
        }
        assert_int_equal(gs_regions_near_path(r, NULL, p, (size_t)n, &s), 0);
        /* Flat Earth, mean sphere and 20 m steps against the module's
         * WGS84 plane: only clear cases count. */
        margin = 100 + 0.01 * 40e3;
        if (worst < -margin) {
            assert_true(set_has(&s, "AAA"));
            decided++;
        } else if (worst > margin) {
            assert_false(set_has(&s, "AAA"));
            decided++;
        }
        assert_false(set_has(&s, "BBB"));
    }
    printf("# paths: %d of %d cases clear of the margin agree\n", decided,
           cases);
    assert_true(decided > cases * 8 / 10);
    gs_regions_free(r);
}

/* Is some point of the ellipse, scaled by k, inside the area? */
static bool naive_ellipse_hits(const struct naive_area *a, double lat,
                               double lon, const struct gs_ellipse *e, double k)
{
    double ky = 6371008.8 * GS_DEG, kx = ky * cos(lat * GS_DEG);
    double ux = sin(e->orientation), uy = cos(e->orientation);
    int i, j, v;

    for (i = 0; i <= 60; i++)
        for (j = 0; j < 240; j++) {
            double f = k * i / 60.0, th = 2 * GS_PI * j / 240;
            double s = f * e->semi_major * cos(th);
            double t = f * e->semi_minor * sin(th);
            double x = s * ux + t * uy, y = s * uy - t * ux;

            if (naive_inside(a, lat + y / ky, lon + x / kx))
                return true;
        }
    /* Corners of the area inside the scaled ellipse (slivers). */
    for (i = 0; i < a->n_rings; i++)
        for (v = 0; v < a->n[i]; v++) {
            double x = (a->xy[i][2 * v] - lon) * kx;
            double y = (a->xy[i][2 * v + 1] - lat) * ky;
            double s = (x * ux + y * uy) / (k * fmax(e->semi_major, 1));
            double t = (x * uy - y * ux) / (k * fmax(e->semi_minor, 1));

            if (s * s + t * t <= 1)
                return true;
        }
    return false;
}

static void small_ellipse_vs_naive(void **state)
{
    struct gs_regions *r = load_small();
    const struct naive_area *a = &naive_areas[0];
    int decided = 0, cases = 300, c;

    (void)state;
    for (c = 0; c < cases; c++) {
        struct gs_ellipse e;
        struct gs_region_set s;
        double lat = -0.5 + 2 * urand(), lon = -0.5 + 4 * urand();
        bool inner, outer;

        e.semi_major = 1e3 + 60e3 * urand();
        e.semi_minor = e.semi_major * (0.1 + 0.9 * urand());
        e.orientation = GS_PI * urand();
        inner = naive_ellipse_hits(a, lat, lon, &e, 0.97);
        outer = naive_ellipse_hits(a, lat, lon, &e, 1.03);
        assert_int_equal(gs_regions_in_ellipse(r, NULL, lat, lon, &e, &s), 0);
        if (inner) {
            assert_true(set_has(&s, "AAA"));
            decided++;
        } else if (!outer) {
            assert_false(set_has(&s, "AAA"));
            decided++;
        }
    }
    printf("# ellipses: %d of %d cases clear of the margin agree\n", decided,
           cases);
    assert_true(decided > cases * 8 / 10);
    gs_regions_free(r);
}

static void small_holes_and_subdivisions(void **state)
{
    struct gs_regions *r = load_small();
    struct gs_region_point in_hole = {0.5, 0.5, 1e3};
    struct gs_region_point dateline[2] = {{10.5, 179.5, 0}, {10.5, -179.5, 0}};
    struct gs_region_set s;
    const struct gs_region *g;

    (void)state;
    /* The hole is not territory; 1 km does not reach its edge (11 km). */
    assert_null(gs_regions_country_at(r, 0.5, 0.5));
    assert_string_equal(gs_regions_country_at(r, 0.2, 0.2)->code, "AAA");
    assert_int_equal(gs_regions_near_path(r, NULL, &in_hole, 1, &s), 0);
    assert_int_equal(s.n, 0);
    in_hole.radius = 12e3;
    assert_int_equal(gs_regions_near_path(r, NULL, &in_hole, 1, &s), 0);
    assert_int_equal(s.n, 1);
    /* Subdivisions, in code order. */
    g = gs_regions_subdivision_at(r, "AAA", 0.5, 0.25);
    assert_non_null(g);
    assert_string_equal(g->code, "AA-1");
    assert_string_equal(gs_regions_subdivision_at(r, "AAA", 0.5, 0.75)->code,
                        "AA-2");
    in_hole.lat = 0.2;
    in_hole.lon = 0.45;
    in_hole.radius = 6e3;
    assert_int_equal(gs_regions_near_path(r, "AAA", &in_hole, 1, &s), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.r[0]->code, "AA-1");
    assert_string_equal(s.r[1]->code, "AA-2");
    /* The orientation is the azimuth of the major axis: 40 km east-west
     * from 33 km west of AAA reaches it, north-south does not. */
    {
        struct gs_ellipse e = {40e3, 5e3, GS_PI / 2};

        assert_int_equal(gs_regions_in_ellipse(r, NULL, 0.5, -0.3, &e, &s), 0);
        assert_int_equal(s.n, 1);
        e.orientation = 0;
        assert_int_equal(gs_regions_in_ellipse(r, NULL, 0.5, -0.3, &e, &s), 0);
        assert_int_equal(s.n, 0);
        e.orientation = GS_PI / 2 - 0.8; /* 28 km east at most */
        assert_int_equal(gs_regions_in_ellipse(r, NULL, 0.5, -0.3, &e, &s), 0);
        assert_int_equal(s.n, 0);
    }
    /* Across the antimeridian, with no radius at all. */
    assert_int_equal(gs_regions_near_path(r, NULL, dateline, 2, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.r[0]->code, "BBB");
    gs_regions_free(r);
}

/* ------------------------------------------------ the loader's words */

static void expect_load_error(const char *text, const char *where,
                              const char *words)
{
    struct gs_regions *r = (struct gs_regions *)&r;
    struct gs_diag d;
    int rc;

    gs_diag_init(&d);
    rc = gs_regions_parse(text, strlen(text), "b.json", &r, &d);
    printf("# %s\n", gs_diag_first(&d));
    assert_true(rc < 0);
    assert_null(r);
    assert_true(strncmp(gs_diag_first(&d), where, strlen(where)) == 0);
    assert_non_null(strstr(gs_diag_first(&d), words));
    gs_diag_free(&d);
}

static void loader_errors(void **state)
{
    (void)state;
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[{\"code\":\"AAA\",\"name\":\"A\",\n"
                      "\"polygons\":[[[0,0,1,0,1,95]]]}],\n"
                      "\"subdivisions\":[]}",
                      "b.json:3:25: error:",
                      "point 3 of ring 1 of polygon 1 of country AAA: the "
                      "latitude must be a number of degrees between -90 "
                      "and 90");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[{\"code\":\"BBB\",\"name\":\"B\",\n"
                      "\"polygons\":[[[0,0,1,0,1,1]]]},\n"
                      "{\"code\":\"AAA\",\"name\":\"A\",\n"
                      "\"polygons\":[[[0,0,1,0,1,1]]]}],\n"
                      "\"subdivisions\":[]}",
                      "b.json:4:9: error:", "must be sorted");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[{\"code\":\"AAA\",\"name\":\"A\",\n"
                      "\"polygons\":[[[0,0,1,0]]]}],\"subdivisions\":[]}",
                      "b.json:3:14: error:", "at least 3 points");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[],\"subdivisions\":[\n"
                      "{\"country\":\"JPN\",\"code\":\"JP-02\",\"name\":\"A\","
                      "\"polygons\":[[[0,0,1,0,1,1]]]}]}",
                      "b.json:3:12: error:", "not one of the countries");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[{\"code\":\"Japan\",\"name\":\"A\","
                      "\"polygons\":[]}],\"subdivisions\":[]}",
                      "b.json:2:22: error:", "three capital letters");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":2,\n"
                      "\"countries\":[],\"subdivisions\":[]}",
                      "b.json:1:41: error:", "rebuild the file");
    expect_load_error("{\"format\":\"geojson\"}",
                      "b.json:1:11: error:", "scripts/boundaries");
    expect_load_error("{\"format\":\"gsomia-boundaries\",\"version\":1,\n"
                      "\"countries\":[],\"subdivisions\":[],\"extra\":1}",
                      "b.json:2:42: error:", "unknown member \"extra\"");
    expect_load_error("{\"format\":\"gsomia-boundaries\",,}",
                      "b.json:1:", "not valid JSON");
    {
        struct gs_regions *r;
        struct gs_diag d;

        gs_diag_init(&d);
        assert_int_equal(gs_regions_load("/nonexistent/b.json", &r, &d),
                         GS_ERR_NOT_FOUND);
        assert_null(r);
        assert_non_null(strstr(gs_diag_first(&d), "scripts/boundaries"));
        gs_diag_free(&d);
    }
}

/* ----------------------------------------------------------------- CAP */

/* The first J-Alert of 4 October 2022, as gsomia would write it. */
static void irbm_alert(struct gs_cap_message *m)
{
    memset(m, 0, sizeof(*m));
    m->msg_type = GS_CAP_ALERT;
    m->status = GS_CAP_EXERCISE;
    m->situation = GS_CAP_LAUNCHED;
    m->certainty = GS_CAP_LIKELY;
    snprintf(m->sender, sizeof(m->sender), "gsomia.jpn");
    snprintf(m->identifier, sizeof(m->identifier), "JPN-20221004-0001");
    m->sent = T("2022-10-03T22:27:41.5Z");
    m->expires = T("2022-10-03T23:27:00.25Z");
    m->launch_time = T("2022-10-03T22:22:38Z");
    m->utc_offset = 9 * 60;
    m->origin = gs_regions_find(world, "PRK");
    m->areas[0] = gs_regions_find(world, "JP-02");
    m->areas[1] = gs_regions_find(world, "JP-01");
    m->n_areas = 2;
}

static char *write_cap(const struct gs_cap_message *m)
{
    struct gs_buf b;
    char *s;

    gs_buf_init(&b, 1 << 20);
    assert_int_equal(gs_cap_write(m, &b), 0);
    s = strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    return s;
}

/* text with the first `from` replaced by `to` (which must be there). */
static char *replaced(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *s;

    assert_non_null(at);
    s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return s;
}

/* xmllint --noout --schema XSD on text; its exit status. */
static int xmllint(const char *text)
{
    char dir[] = "/tmp/gsomia-cap-XXXXXX", path[64], cmd[256];
    FILE *f;
    int st;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cap.xml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "xmllint --noout --nonet --schema '%s' '%s' >/dev/null 2>&1", XSD,
             path);
    st = system(cmd);
    unlink(path);
    rmdir(dir);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void cap_times(void **state)
{
    char s[32];

    (void)state;
    assert_int_equal(
        gs_cap_time(T("2022-10-03T22:27:59.999Z"), 540, s, sizeof(s)), 0);
    assert_string_equal(s, "2022-10-04T07:27:00+09:00");
    assert_int_equal(gs_cap_time(T("2022-10-03T22:27:00Z"), 0, s, sizeof(s)),
                     0);
    assert_string_equal(s, "2022-10-03T22:27:00-00:00");
    assert_int_equal(gs_cap_time(T("2022-10-03T02:00:30Z"), -300, s, sizeof(s)),
                     0);
    assert_string_equal(s, "2022-10-02T21:00:00-05:00");
    assert_int_equal(gs_cap_time(T("1969-12-31T23:59:30Z"), 0, s, sizeof(s)),
                     0);
    assert_string_equal(s, "1969-12-31T23:59:00-00:00");
    assert_int_equal(gs_cap_time(0, 15 * 60, s, sizeof(s)), GS_ERR_INVALID);
    assert_int_equal(gs_cap_time(0, 0, s, 10), GS_ERR_INVALID);
}

static void cap_alert_validates(void **state)
{
    struct gs_cap_message m;
    char why[256], *xml;

    (void)state;
    irbm_alert(&m);
    xml = write_cap(&m);
    printf("%s", xml);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), NULL, why, sizeof(why)),
                     0);
    assert_int_equal(xmllint(xml), 0);
    assert_non_null(strstr(xml, "<alert xmlns=\"" GS_CAP_NS "\">"));
    assert_non_null(strstr(xml, "<sent>2022-10-04T07:27:00+09:00</sent>"));
    assert_non_null(strstr(xml, "<msgType>Alert</msgType>"));
    assert_non_null(strstr(xml, "<status>Exercise</status>"));
    assert_non_null(strstr(xml, "<scope>Public</scope>"));
    assert_non_null(strstr(xml, "<responseType>Shelter</responseType>"));
    assert_non_null(strstr(xml, "<certainty>Likely</certainty>"));
    /* expires rounded up to the minute. */
    assert_non_null(
        strstr(xml, "<expires>2022-10-04T08:28:00+09:00</expires>"));
    assert_non_null(strstr(xml, "launched from North Korea at about 07:22 "
                                "(UTC+09:00)"));
    assert_non_null(strstr(xml, "fall in Aomori and Hokkaido."));
    assert_non_null(strstr(xml, "<areaDesc>Aomori</areaDesc>"));
    assert_non_null(strstr(xml, "<valueName>ISO3166-2</valueName>"));
    assert_non_null(strstr(xml, "<value>JP-02</value>"));
    assert_non_null(strstr(xml, "<value>JP-01</value>"));
    assert_null(strstr(xml, "<references>"));
    assert_null(strstr(xml, "Z<"));
    assert_null(strstr(xml, "<polygon>"));
    /* The example of docs/alerting.md is this very message. */
    {
        struct gs_buf ex;

        gs_buf_init(&ex, 1 << 20);
        assert_int_equal(gs_buf_read_file(&ex, GSOMIA_SOURCE_DIR
                                          "/examples/cap/alert-2022-10-04.xml"),
                         0);
        assert_string_equal(gs_buf_str(&ex), xml);
        gs_buf_free(&ex);
    }
    free(xml);
}

static void cap_update_and_cancel(void **state)
{
    struct gs_cap_message m;
    char why[256], *xml;

    (void)state;
    irbm_alert(&m);
    m.msg_type = GS_CAP_UPDATE;
    m.situation = GS_CAP_PASSED;
    m.certainty = GS_CAP_OBSERVED;
    snprintf(m.identifier, sizeof(m.identifier), "JPN-20221004-0002");
    m.refs[0] = (struct gs_cap_ref){"gsomia.jpn", "JPN-20221004-0001",
                                    T("2022-10-03T22:27:41.5Z")};
    m.n_refs = 1;
    m.sent = T("2022-10-03T22:29:10Z");
    xml = write_cap(&m);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_int_equal(xmllint(xml), 0);
    assert_non_null(strstr(xml, "<msgType>Update</msgType>"));
    assert_non_null(strstr(xml, "<references>gsomia.jpn,JPN-20221004-0001,"
                                "2022-10-04T07:27:00+09:00</references>"));
    assert_non_null(strstr(xml, "<incidents>JPN-20221004-0001</incidents>"));
    assert_non_null(strstr(xml, "appears to have passed over Aomori"));
    free(xml);

    m.msg_type = GS_CAP_CANCEL;
    m.situation = GS_CAP_FELL_AT_SEA;
    m.refs[1] = (struct gs_cap_ref){"gsomia.jpn", "JPN-20221004-0002",
                                    T("2022-10-03T22:29:10Z")};
    m.n_refs = 2;
    m.sent = T("2022-10-03T22:45:00Z");
    m.utc_offset = 0;
    xml = write_cap(&m);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_int_equal(xmllint(xml), 0);
    assert_non_null(strstr(xml, "<msgType>Cancel</msgType>"));
    assert_non_null(strstr(xml, "<responseType>AllClear</responseType>"));
    assert_non_null(strstr(xml, "<sent>2022-10-03T22:45:00-00:00</sent>"));
    assert_non_null(strstr(xml, "2022-10-03T22:27:00-00:00 gsomia.jpn,"
                                "JPN-20221004-0002,2022-10-03T22:29:00-00:00"
                                "</references>"));
    free(xml);

    m.situation = GS_CAP_WITHDRAWN;
    m.origin = NULL;
    m.launch_time = 0;
    xml = write_cap(&m);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_non_null(strstr(xml, "<responseType>None</responseType>"));
    assert_non_null(strstr(xml, "the missile launched is no longer"));
    free(xml);

    /* Fallen on land is an Update (people must keep away), never a
     * Cancel. */
    m.situation = GS_CAP_FELL_ON_LAND;
    {
        struct gs_buf b;

        gs_buf_init(&b, 1 << 16);
        assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
        gs_buf_free(&b);
    }
    m.msg_type = GS_CAP_UPDATE;
    xml = write_cap(&m);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_int_equal(xmllint(xml), 0);
    assert_non_null(strstr(xml, "<responseType>Avoid</responseType>"));
    assert_non_null(strstr(xml, "appears to have fallen in Aomori"));
    free(xml);

    /* Lost: an Update that keeps people sheltered, never a Cancel. */
    m.situation = GS_CAP_LOST;
    xml = write_cap(&m);
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    assert_int_equal(xmllint(xml), 0);
    assert_non_null(strstr(xml, "<responseType>Shelter</responseType>"));
    assert_non_null(strstr(xml, "<headline>Missile no longer tracked"));
    assert_non_null(strstr(xml, "is no longer tracked; whether it flew over "
                                "or fell in Aomori"));
    free(xml);
    m.msg_type = GS_CAP_CANCEL;
    {
        struct gs_buf b;

        gs_buf_init(&b, 1 << 16);
        assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
        gs_buf_free(&b);
    }
}

static void cap_writer_refuses(void **state)
{
    struct gs_cap_message m;
    struct gs_buf b;

    (void)state;
    gs_buf_init(&b, 1 << 20);
    irbm_alert(&m);
    m.n_refs = 1; /* an Alert refers to nothing */
    m.refs[0] = (struct gs_cap_ref){"a", "b", m.sent};
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.msg_type = GS_CAP_UPDATE; /* an Update must refer to something */
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.situation = GS_CAP_FELL_AT_SEA; /* only a Cancel says so */
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    snprintf(m.identifier, sizeof(m.identifier), "JPN 1");
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    snprintf(m.sender, sizeof(m.sender), "a,b");
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.areas[1] = gs_regions_find(world, "JPN"); /* a country, not an area */
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.n_areas = 0;
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.expires = m.sent;
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    irbm_alert(&m);
    m.utc_offset = 15 * 60;
    assert_int_equal(gs_cap_write(&m, &b), GS_ERR_INVALID);
    assert_int_equal(b.len, 0);
    gs_buf_free(&b);
}

static void cap_escapes_names(void **state)
{
    struct gs_regions *r = load_small();
    struct gs_cap_message m;
    char why[256], *xml;

    (void)state;
    irbm_alert(&m);
    m.origin = gs_regions_find(r, "BBB");
    m.areas[0] = gs_regions_find(r, "AA-1");
    m.n_areas = 1;
    xml = write_cap(&m);
    assert_non_null(strstr(xml, "<areaDesc>Fish &amp; &lt;Chips&gt;"
                                "</areaDesc>"));
    assert_int_equal(gs_cap_validate(xml, strlen(xml), XSD, why, sizeof(why)),
                     0);
    free(xml);
    gs_regions_free(r);
}

static void cap_broken_documents(void **state)
{
    static const struct {
        const char *what, *from, *to, *words;
    } cases[] = {
        {"missing sent", "<sent>2022-10-04T07:27:00+09:00</sent>", "",
         "status"},
        {"Z time", "07:27:00+09:00</sent>", "07:27:00Z</sent>", "sent"},
        {"+00:00 for UTC", "07:27:00+09:00</sent>", "07:27:00+00:00</sent>",
         "sent"},
        {"fraction of a second", "07:27:00+09:00</sent>",
         "07:27:00.5+09:00</sent>", "sent"},
        {"wrong msgType", "<msgType>Alert</msgType>",
         "<msgType>Warning</msgType>", "msgType"},
        {"wrong order", "<status>Exercise</status>\n  <msgType>Alert</msgType>",
         "<msgType>Alert</msgType>\n  <status>Exercise</status>", "msgType"},
        {"missing event", "<event>Ballistic missile</event>", "", "event"},
        {"space in identifier", "JPN-20221004-0001</identifier>",
         "JPN 20221004</identifier>", "identifier"},
        {"unknown element", "<scope>Public</scope>",
         "<scope>Public</scope><sensor>X-band</sensor>", "sensor"},
        {"wrong namespace", GS_CAP_NS, "urn:oasis:names:tc:emergency:cap:1.1",
         "alert"},
        {"bad polygon", "<areaDesc>Aomori</areaDesc>",
         "<areaDesc>Aomori</areaDesc><polygon>40,140 41,141</polygon>",
         "polygon"},
    };
    struct gs_cap_message m;
    char why[256], *xml;
    size_t i;

    (void)state;
    irbm_alert(&m);
    xml = write_cap(&m);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *bad = replaced(xml, cases[i].from, cases[i].to);

        assert_int_equal(
            gs_cap_validate(bad, strlen(bad), XSD, why, sizeof(why)),
            GS_ERR_INVALID);
        printf("# %s: %s\n", cases[i].what, why);
        assert_non_null(strstr(why, cases[i].words));
        assert_int_not_equal(xmllint(bad), 0);
        free(bad);
    }
    /* A polygon of the right form is accepted by the schema. */
    {
        char *ok = replaced(xml, "<areaDesc>Aomori</areaDesc>",
                            "<areaDesc>Aomori</areaDesc><polygon>40,140 "
                            "41,140 41,141 40,140</polygon><circle>40.8,"
                            "140.7 10.5</circle>");

        assert_int_equal(gs_cap_validate(ok, strlen(ok), XSD, why, sizeof(why)),
                         0);
        assert_int_equal(xmllint(ok), 0);
        free(ok);
    }
    /* Not XML, entities, a missing schema. */
    assert_int_equal(gs_cap_validate("<alert", 6, XSD, why, sizeof(why)),
                     GS_ERR_INVALID);
    {
        const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x "
                          "\"y\">]><alert/>";

        assert_int_equal(
            gs_cap_validate(dtd, strlen(dtd), XSD, why, sizeof(why)),
            GS_ERR_INVALID);
        assert_non_null(strstr(why, "document type"));
    }
    assert_int_equal(
        gs_cap_validate(xml, strlen(xml), "/nonexistent.xsd", why, sizeof(why)),
        GS_ERR_NOT_FOUND);
    free(xml);
}

/* ----------------------------------------------------------------- CoT */

/* The wall clock of the CoT events: 2026-11-29T06:00:00Z. */
#define NOW 1795932000000000

/* A midcourse track over Aomori: ENU velocity and covariance given. */
static void cot_update(struct gs_track_update *u)
{
    struct gs_geodetic g = {40.9 * GS_DEG, 141.0 * GS_DEG, 800e3};
    double M[9], venu[3] = {2500, 300, -100};
    double Cenu[9] = {100 * 100, 0, 0, 0, 200 * 200, 0, 0, 0, 50 * 50};
    double T1[9];
    int i, j, k;

    memset(u, 0, sizeof(*u));
    u->time = T("2022-10-03T22:28:30.25Z");
    snprintf(u->track, sizeof(u->track), "JPN-F3");
    memcpy(u->nation, "JPN", 4);
    memcpy(u->sources[0], "JPN", 4);
    memcpy(u->sources[1], "KOR", 4);
    u->n_sources = 2;
    u->status = GS_TRACK_CONFIRMED;
    u->phase = GS_PHASE_MIDCOURSE;
    u->lat = 40.9;
    u->lon = 141.0;
    u->h = 800e3;
    gs_geodetic_to_ecef(&g, u->x);
    gs_enu_matrix(g.lat, g.lon, M);
    /* ECEF = M^T ENU; P = M^T C M. */
    for (i = 0; i < 3; i++) {
        u->x[3 + i] = 0;
        for (k = 0; k < 3; k++)
            u->x[3 + i] += M[k * 3 + i] * venu[k];
    }
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            T1[i * 3 + j] = 0;
            for (k = 0; k < 3; k++)
                T1[i * 3 + j] += M[k * 3 + i] * Cenu[k * 3 + j];
        }
    for (i = 0; i < 6; i++)
        u->P[i * 6 + i] = 1;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++) {
            u->P[i * 6 + j] = 0;
            for (k = 0; k < 3; k++)
                u->P[i * 6 + j] += T1[i * 3 + k] * M[k * 3 + j];
        }
    u->impact.valid = true;
    u->impact.lat = 38.5;
    u->impact.lon = 170.25;
    u->impact.time = T("2022-10-03T22:44:10Z");
    u->impact.time_sigma = 3.5;
    u->impact.ellipse.semi_major = 24476.0; /* 10 km 1-sigma */
    u->impact.ellipse.semi_minor = 9000.0;
    u->impact.ellipse.orientation = 80 * GS_DEG;
}

static double num_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    double d;

    assert_non_null(v);
    d = strtod((const char *)v, NULL);
    xmlFree(v);
    return d;
}

static void str_attr(xmlNodePtr n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

    assert_non_null(v);
    assert_string_equal((const char *)v, want);
    xmlFree(v);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (n = n->children; n != NULL; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            return n;
    fail_msg("no <%s>", name);
    return NULL;
}

static xmlDocPtr parse(const struct gs_buf *b)
{
    xmlDocPtr doc = xmlReadMemory(gs_buf_str(b), (int)b->len, "cot.xml", NULL,
                                  XML_PARSE_NONET);

    assert_non_null(doc);
    return doc;
}

static void cot_track_event(void **state)
{
    struct gs_track_update u;
    struct gs_buf b;
    xmlDocPtr doc;
    xmlNodePtr ev, pt, det, tr, rm;
    xmlChar *text;

    (void)state;
    cot_update(&u);
    gs_buf_init(&b, 1 << 16);
    assert_int_equal(gs_cot_track(&u, NOW, 5, &b), 0);
    printf("%s", gs_buf_str(&b));
    doc = parse(&b);
    ev = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)ev->name, "event");
    str_attr(ev, "version", "2.0");
    str_attr(ev, "uid", "gsomia.JPN-F3");
    str_attr(ev, "type", "a-h-A-W-M-S-S");
    str_attr(ev, "how", "m-f");
    /* Made now, true at the update's time, stale 5 s after now: a replay
     * of 2022 shows on a TAK screen of 2026. */
    str_attr(ev, "time", "2026-11-29T06:00:00Z");
    str_attr(ev, "start", "2022-10-03T22:28:30.250000Z");
    str_attr(ev, "stale", "2026-11-29T06:00:05Z");
    pt = child(ev, "point");
    assert_float_equal(num_attr(pt, "lat"), 40.9, 1e-7);
    assert_float_equal(num_attr(pt, "lon"), 141.0, 1e-7);
    assert_float_equal(num_attr(pt, "hae"), 800e3, 0.1);
    assert_float_equal(num_attr(pt, "ce"), 200, 0.1);
    assert_float_equal(num_attr(pt, "le"), 50, 0.1);
    det = child(ev, "detail");
    tr = child(det, "track");
    assert_float_equal(num_attr(tr, "course"), atan2(2500, 300) / GS_DEG, 0.01);
    assert_float_equal(num_attr(tr, "speed"), hypot(2500, 300), 0.1);
    rm = child(det, "remarks");
    text = xmlNodeGetContent(rm);
    assert_non_null(strstr((const char *)text, "JPN-F3"));
    assert_non_null(strstr((const char *)text, "midcourse"));
    xmlFree(text);
    xmlFreeDoc(doc);

    /* One nation's track, then the same track lost. */
    u.n_sources = 1;
    u.status = GS_TRACK_LOST;
    gs_buf_reset(&b);
    assert_int_equal(gs_cot_track(&u, NOW, 5, &b), 0);
    doc = parse(&b);
    ev = xmlDocGetRootElement(doc);
    str_attr(ev, "how", "m-a");
    str_attr(ev, "stale", "2026-11-29T06:00:00Z");
    xmlFreeDoc(doc);
    gs_buf_reset(&b);
    assert_int_equal(gs_cot_track(&u, NOW, 0, &b), GS_ERR_INVALID);
    u.P[7] = 0;
    assert_int_equal(gs_cot_track(&u, NOW, 5, &b), GS_ERR_INVALID);
    assert_int_equal(b.len, 0);
    gs_buf_free(&b);
}

static void cot_impact_event(void **state)
{
    struct gs_track_update u;
    struct gs_buf b;
    xmlDocPtr doc;
    xmlNodePtr ev, pt, el;

    (void)state;
    cot_update(&u);
    gs_buf_init(&b, 1 << 16);
    assert_int_equal(gs_cot_impact(&u, NOW, 10, &b), 0);
    printf("%s", gs_buf_str(&b));
    doc = parse(&b);
    ev = xmlDocGetRootElement(doc);
    str_attr(ev, "uid", "gsomia.JPN-F3.impact");
    str_attr(ev, "type", "b-m-p");
    str_attr(ev, "how", "m-p");
    str_attr(ev, "start", "2022-10-03T22:28:30.250000Z");
    str_attr(ev, "stale", "2026-11-29T06:00:10Z");
    pt = child(ev, "point");
    assert_float_equal(num_attr(pt, "lat"), 38.5, 1e-7);
    assert_float_equal(num_attr(pt, "lon"), 170.25, 1e-7);
    assert_float_equal(num_attr(pt, "hae"), 0, 1e-9);
    assert_float_equal(num_attr(pt, "ce"), 24476.0 / sqrt(GS_CHI2_2_95), 0.1);
    assert_float_equal(num_attr(pt, "le"), GS_COT_UNKNOWN_ERROR, 0.1);
    el = child(child(child(ev, "detail"), "shape"), "ellipse");
    assert_float_equal(num_attr(el, "major"), 24476.0, 0.1);
    assert_float_equal(num_attr(el, "minor"), 9000.0, 0.1);
    assert_float_equal(num_attr(el, "angle"), 80, 0.01);
    xmlFreeDoc(doc);
    u.impact.valid = false;
    gs_buf_reset(&b);
    assert_int_equal(gs_cot_impact(&u, NOW, 10, &b), GS_ERR_STATE);
    gs_buf_free(&b);
}

/* ---- the ground path, alerts and civil warnings ---------------------- */

#define T0 1664835720000000 /* 2022-10-03T22:22:00Z */

/* A missile 300 km above 40.6 N 131 E flying east at 5 km/s, climbing:
 * an IRBM a few minutes after burnout. */
/* A track over (lat, lon, h) flying v_enu (m/s east, north, up). */
static void flying(struct gs_track_update *u, double lat, double lon, double h,
                   const double v_enu[3])
{
    struct gs_geodetic g = {lat * GS_DEG, lon * GS_DEG, h};
    double enu[9];
    int i, j;

    memset(u->x, 0, sizeof(u->x));
    gs_geodetic_to_ecef(&g, u->x);
    gs_enu_matrix(g.lat, g.lon, enu);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            u->x[3 + i] += enu[j * 3 + i] * v_enu[j];
    u->lat = lat;
    u->lon = lon;
    u->h = h;
}

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
    assert_int_equal(
        gs_alert_rules_retract(r, "JPN-T3", u.time, "false track", ev, 8), 1);
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

    /* A third, lost high up long before its predicted impact: an Update
     * saying so, the warning stands, waiting for the missile to be found
     * again; nobody finds it, and after its predicted impact it is closed
     * without a word. */
    midcourse(&u);
    memcpy(u.track, "JPN-T3", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    assert_int_equal(w[0].number, 2);
    assert_true(gs_warning_leaves_open(&w[0]));
    assert_true(gs_warning_engine_is_open(e, w[0].warning));
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1330 * 1000000LL, w, 4), 0);
    assert_true(gs_warning_engine_is_open(e, w[0].warning));
    assert_int_equal(gs_warning_engine_tick(e, T0 + 2000 * 1000000LL, w, 4), 0);
    assert_false(gs_warning_engine_is_open(e, w[0].warning));
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T3", u.time, w, 4), 0);

    /* A salvo of two: one lost in flight, the other comes down at sea.
     * The last word waits for both and is not an all clear. */
    midcourse(&u);
    memcpy(u.track, "JPN-T5", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    memcpy(u.track, "JPN-T6", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T5", 7);
    u.time = T0 + 1300 * 1000000LL;
    u.h = 3000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 2000 * 1000000LL, w, 4), 0);

    /* A stage seen only in boost, lost with nothing predicted, beside a
     * missile that comes down at sea: all clear. */
    midcourse(&u);
    memcpy(u.track, "JPN-T7", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    memcpy(u.track, "JPN-T8", 7);
    u.impact.valid = false;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T7", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    u.time = T0 + 1300 * 1000000LL;
    u.h = 3000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_CANCEL);
    assert_int_equal(w[0].situation, GS_CAP_FELL_AT_SEA);

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

/* Tracks lost and found, passed then lost, and withdrawn beside others
 * that ended: the warning says what is known, never an all clear too
 * early. */
static void civil_warning_lost_and_found(void **state)
{
    struct gs_warning_engine *e = gs_warning_engine_new(prefectures, NULL);
    struct gs_warning w[4];
    struct gs_track_update u;
    struct gs_geodetic past = {40.8 * GS_DEG, 150.0 * GS_DEG, 600e3};
    unsigned id;

    (void)state;
    /* Lost in flight, found again under a new id: the same warning goes
     * on, no second Alert. */
    midcourse(&u);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    id = w[0].warning;
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    midcourse(&u);
    memcpy(u.track, "JPN-T2", 7);
    u.time += 20 * 1000000LL;
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T2"), id);
    u.time += 1000000;
    impact_at(&u, 35.7, 139.7, 30e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LAUNCHED);
    assert_int_equal(w[0].warning, id);
    assert_int_equal(w[0].number, 3);

    /* Past the areas, then lost beyond the radars: nothing said of the
     * loss; its prediction stands and the clock gives the all clear. */
    u.time += 300 * 1000000LL;
    gs_geodetic_to_ecef(&past, u.x);
    impact_at(&u, 41, 175, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].situation, GS_CAP_PASSED);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1320 * 1000000LL, w, 4), 0);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1331 * 1000000LL, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_CANCEL);
    assert_int_equal(w[0].situation, GS_CAP_FELL_AT_SEA);
    assert_false(gs_warning_engine_is_open(e, id));

    /* A salvo: one lost in flight while the other passes: nothing has
     * passed. The other withdrawn: the last word is the lost one's. */
    midcourse(&u);
    memcpy(u.track, "JPN-T3", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    memcpy(u.track, "JPN-T4", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    midcourse(&u);
    memcpy(u.track, "JPN-T3", 7);
    u.time += 300 * 1000000LL;
    gs_geodetic_to_ecef(&past, u.x);
    impact_at(&u, 41, 175, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_tick(e, u.time + 60 * 1000000LL, w, 4),
                     0);
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T3", u.time, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1400 * 1000000LL, w, 4), 0);

    /* Lost, then withdrawn by its originator while the warning waits:
     * nothing to wait for any more. */
    midcourse(&u);
    memcpy(u.track, "JPN-T7", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    id = w[0].warning;
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T7", u.time, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_CANCEL);
    assert_int_equal(w[0].situation, GS_CAP_WITHDRAWN);
    assert_int_equal(w[0].warning, id);
    assert_false(gs_warning_engine_is_open(e, id));

    /* One lost in flight beside a stage seen only in boost that goes
     * quiet: once the stage no longer counts, the word is lost. */
    midcourse(&u);
    memcpy(u.track, "JPN-T8", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    id = w[0].warning;
    memcpy(u.track, "JPN-T9", 7);
    u.impact.valid = false;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    memcpy(u.track, "JPN-T8", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    u.time += 1000000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_tick(e, u.time + 200 * 1000000LL, w, 4),
                     1);
    assert_int_equal(w[0].situation, GS_CAP_LOST);
    assert_int_equal(w[0].warning, id);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1400 * 1000000LL, w, 4), 0);

    /* One fallen in Tokyo, then the other withdrawn: the last word says
     * fallen, not withdrawn. */
    midcourse(&u);
    memcpy(u.track, "JPN-T5", 7);
    impact_at(&u, 35.7, 139.7, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    memcpy(u.track, "JPN-T6", 7);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    u.time = T0 + 1300 * 1000000LL;
    u.h = 1000;
    u.status = GS_TRACK_LOST;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T5", u.time, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_FELL_ON_LAND);

    /* A fresh track of the same missile, two minutes on from the
     * warning's track (a partner's, late): not near where that track was,
     * but near where it has flown; it joins, no second Alert. A second
     * missile at the first one's place five minutes later is far from
     * where the first has flown: its own Alert. */
    midcourse(&u);
    memcpy(u.track, "JPN-TA", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    id = w[0].warning;
    {
        struct gs_track_update v = u;
        struct gs_geodetic g;
        int i;

        memcpy(v.track, "JPN-TB", 7);
        v.time += 120 * 1000000LL;
        for (i = 0; i < 3; i++)
            v.x[i] += 120 * v.x[3 + i];
        gs_ecef_to_geodetic(v.x, &g);
        v.lat = g.lat / GS_DEG;
        v.lon = g.lon / GS_DEG;
        v.h = g.h;
        assert_int_equal(gs_warning_engine_update(e, &v, w, 4), 0);
        assert_int_equal(gs_warning_engine_warning_of(e, "JPN-TB"), id);
    }
    memcpy(u.track, "JPN-TC", 7);
    u.time += 300 * 1000000LL;
    impact_at(&u, 41, 175, 200e3, 1600);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    assert_true(w[0].warning != id);
    gs_warning_engine_free(e);
}

/* A node restarted while a warning stands takes it back from its last
 * message: the same missile, under new track ids, continues it; no second
 * Alert. */
static void civil_warning_after_restart(void **state)
{
    struct gs_warning_engine *e = gs_warning_engine_new(prefectures, NULL);
    struct gs_warning w[4], last;
    struct gs_track_update u;
    struct gs_geodetic past = {40.8 * GS_DEG, 150.0 * GS_DEG, 600e3};

    (void)state;
    midcourse(&u);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    assert_true(gs_warning_leaves_open(&w[0]));
    last = w[0];
    gs_warning_engine_free(e);

    /* The restart. */
    e = gs_warning_engine_new(prefectures, NULL);
    assert_int_equal(gs_warning_engine_adopt(e, &last), 0);
    assert_int_equal(gs_warning_engine_adopt(e, &last), GS_ERR_EXISTS);
    assert_true(gs_warning_engine_is_open(e, last.warning));
    /* A track whose path threatens nothing any more does not take it. */
    midcourse(&u);
    memcpy(u.track, "JPN-T6", 7);
    u.time += 90 * 1000000LL;
    gs_geodetic_to_ecef(&past, u.x);
    impact_at(&u, 41, 175, 20e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T6"), 0);
    /* The missile again, 90 s later under a new id: it continues the
     * warning, silently while the areas stay the same. */
    midcourse(&u);
    memcpy(u.track, "JPN-T7", 7);
    u.time += 90 * 1000000LL;
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T7"), last.warning);
    /* More areas: an Update of the same warning, numbered on. */
    u.time += 1000000;
    impact_at(&u, 35.7, 139.7, 30e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].warning, last.warning);
    assert_int_equal(w[0].number, 2);
    assert_int_equal(w[0].n_areas, 2);
    /* That track withdrawn (a false track, say): what the warning stood
     * for before the restart is still unknown, so it waits again, without
     * a word; the next track of the missile takes it up. */
    assert_int_equal(gs_warning_engine_retract(e, "JPN-T7", u.time, w, 4), 0);
    assert_true(gs_warning_engine_is_open(e, last.warning));
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T7"), 0);
    memcpy(u.track, "JPN-T8", 7);
    u.time += 1000000;
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T8"), last.warning);
    /* A track threatening none of its prefectures, at the same time,
     * starts its own. */
    midcourse(&u);
    memcpy(u.track, "JPN-T5", 7);
    {
        const double east[3] = {2500, 0, 500};

        flying(&u, 35.8, 137.0, 100e3, east); /* towards Tokyo */
    }
    impact_at(&u, 35.7, 139.7, 20e3, 400);
    {
        struct gs_warning_engine *f = gs_warning_engine_new(prefectures, NULL);
        struct gs_warning okinawa;

        assert_int_equal(gs_warning_engine_adopt(f, &last), 0);
        assert_int_equal(gs_warning_engine_update(f, &u, &okinawa, 1), 1);
        assert_int_equal(okinawa.type, GS_WARNING_ALERT);
        assert_true(okinawa.warning != last.warning);
        gs_warning_engine_free(f);
    }
    gs_warning_engine_free(e);
    {
        struct gs_warning cancel = last;

        cancel.type = GS_WARNING_CANCEL;
        cancel.situation = GS_CAP_WITHDRAWN;
        assert_false(gs_warning_leaves_open(&cancel));
        e = gs_warning_engine_new(prefectures, NULL);
        assert_int_equal(gs_warning_engine_adopt(e, &cancel), GS_ERR_INVALID);
        gs_warning_engine_free(e);
    }

    /* Taken back from "passed": a new track over the same prefectures
     * takes it up without a word (people were told to stay sheltered);
     * one that threatens more says so. */
    e = gs_warning_engine_new(prefectures, NULL);
    {
        struct gs_warning passed = last;

        passed.type = GS_WARNING_UPDATE;
        passed.situation = GS_CAP_PASSED;
        passed.number = 3;
        assert_int_equal(gs_warning_engine_adopt(e, &passed), 0);
    }
    midcourse(&u);
    memcpy(u.track, "JPN-T6", 7);
    impact_at(&u, 41, 175, 200e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T6"), last.warning);
    u.time += 1000000;
    impact_at(&u, 35.7, 139.7, 30e3, 1300);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_UPDATE);
    assert_int_equal(w[0].situation, GS_CAP_LAUNCHED);
    assert_int_equal(w[0].number, 4);
    gs_warning_engine_free(e);

    /* Taken back, but no track comes before its predicted impact: closed
     * without a word; a missile after that is a new warning, numbered
     * after the old one. */
    e = gs_warning_engine_new(prefectures, NULL);
    assert_int_equal(gs_warning_engine_adopt(e, &last), 0);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1320 * 1000000LL, w, 4), 0);
    assert_true(gs_warning_engine_is_open(e, last.warning));
    assert_int_equal(gs_warning_engine_tick(e, T0 + 1331 * 1000000LL, w, 4), 0);
    assert_false(gs_warning_engine_is_open(e, last.warning));
    midcourse(&u);
    u.time = T0 + 1400 * 1000000LL;
    impact_at(&u, 41, 175, 200e3, 2500);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 1);
    assert_int_equal(w[0].type, GS_WARNING_ALERT);
    assert_int_equal(w[0].warning, last.warning + 1);
    gs_warning_engine_free(e);

    /* Two taken back: a missile continues the one whose predicted impact
     * it shares. */
    e = gs_warning_engine_new(prefectures, NULL);
    {
        struct gs_warning b = last;

        b.warning = 2;
        b.impact_time = T0 + 1900 * 1000000LL;
        assert_int_equal(gs_warning_engine_adopt(e, &last), 0);
        assert_int_equal(gs_warning_engine_adopt(e, &b), 0);
    }
    midcourse(&u);
    memcpy(u.track, "JPN-T9", 7);
    impact_at(&u, 41, 175, 200e3, 1890);
    assert_int_equal(gs_warning_engine_update(e, &u, w, 4), 0);
    assert_int_equal(gs_warning_engine_warning_of(e, "JPN-T9"), 2);
    gs_warning_engine_free(e);

    /* With no impact predicted, one waits 30 minutes after its last
     * message. */
    e = gs_warning_engine_new(prefectures, NULL);
    last.impact_time = 0;
    last.based_on = T0 + 200 * 1000000LL;
    assert_int_equal(gs_warning_engine_adopt(e, &last), 0);
    assert_int_equal(gs_warning_engine_tick(e, T0 + 2000 * 1000000LL, w, 4), 0);
    assert_true(gs_warning_engine_is_open(e, last.warning));
    assert_int_equal(gs_warning_engine_tick(e, T0 + 2001 * 1000000LL, w, 4), 0);
    assert_false(gs_warning_engine_is_open(e, last.warning));
    gs_warning_engine_free(e);

    /* What cannot be a standing warning is refused. */
    e = gs_warning_engine_new(prefectures, NULL);
    last.impact_time = last.based_on + 2 * 86400 * 1000000LL;
    assert_int_equal(gs_warning_engine_adopt(e, &last), GS_ERR_INVALID);
    last.impact_time = 0;
    last.situation = GS_CAP_PASSED; /* an Alert says launched */
    assert_int_equal(gs_warning_engine_adopt(e, &last), GS_ERR_INVALID);
    last.situation = GS_CAP_LAUNCHED;
    last.n_areas = 0;
    assert_int_equal(gs_warning_engine_adopt(e, &last), GS_ERR_INVALID);
    last.n_areas = 1;
    last.warning = 0;
    assert_int_equal(gs_warning_engine_adopt(e, &last), GS_ERR_INVALID);
    gs_warning_engine_free(e);
}

/* The standing warnings as the store keeps them: written, read back the
 * same; a damaged text refused as a whole, saying where. */
static void standing_text(void **state)
{
    static struct gs_standing in[2], out[4];
    struct gs_buf b;
    char why[256];
    size_t n = 0;
    const char *bad[] = {
        "{\"version\":1,\"warnings\":[",
        "{\"version\":2,\"warnings\":[]}",
        "{\"version\":1,\"warnings\":[],\"extra\":1}",
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Cancel\",\"situation\":\"withdrawn\",\"track\":\"T\","
        "\"based_on\":1,\"launch_time\":0,\"impact_time\":0,"
        "\"areas\":[[\"JP-02\",\"Aomori\"]],"
        "\"refs\":[[\"gsomia.jpn\",\"JPN-W1\",1]]}]}",
        /* an Update that closed its warning */
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Update\",\"situation\":\"fell-on-land\","
        "\"track\":\"T\",\"based_on\":1,\"launch_time\":0,"
        "\"impact_time\":0,\"areas\":[[\"JP-02\",\"Aomori\"]],"
        "\"refs\":[[\"gsomia.jpn\",\"JPN-W1\",1]]}]}",
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Alert\",\"situation\":\"launched\",\"track\":\"T\","
        "\"based_on\":1,\"launch_time\":0,\"impact_time\":0,"
        "\"areas\":[[\"JP-02\",\"Aomori\"]],"
        "\"refs\":[[\"gsomia.jpn\",\"JPN W1\",1]]}]}",
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Alert\",\"situation\":\"launched\",\"track\":\"T\","
        "\"based_on\":-5,\"launch_time\":0,\"impact_time\":0,"
        "\"areas\":[[\"JP-02\",\"Aomori\"]],"
        "\"refs\":[[\"gsomia.jpn\",\"JPN-W1\",1]]}]}",
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Alert\",\"situation\":\"launched\",\"track\":\"T\","
        "\"based_on\":1,\"launch_time\":0,\"impact_time\":0,"
        "\"areas\":[],\"refs\":[[\"gsomia.jpn\",\"JPN-W1\",1]]}]}",
        /* a NUL inside a string (jansson refuses it) */
        "{\"version\":1,\"warnings\":[{\"warning\":1,\"number\":1,"
        "\"type\":\"Alert\",\"situation\":\"launched\","
        "\"track\":\"T\\u0000U\",\"based_on\":1,\"launch_time\":0,"
        "\"impact_time\":0,\"areas\":[[\"JP-02\",\"Aomori\"]],"
        "\"refs\":[[\"gsomia.jpn\",\"JPN-W1\",1]]}]}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        struct gs_warning *g = &in[i].said;

        g->type = i == 0 ? GS_WARNING_ALERT : GS_WARNING_UPDATE;
        g->situation = i == 0 ? GS_CAP_LAUNCHED : GS_CAP_LOST;
        g->warning = (unsigned)i + 1;
        g->number = (unsigned)i + 1;
        snprintf(g->track_id, sizeof(g->track_id), "JPN-F%zu", i + 1);
        g->based_on = T0 + 200 * 1000000LL;
        g->impact_time = i == 0 ? 0 : T0 + 1300 * 1000000LL;
        g->n_areas = 2;
        memcpy(g->areas[0].code, "JP-01", 6);
        memcpy(g->areas[0].name, "Hokkaido", 9);
        memcpy(g->areas[1].code, "JP-02", 6);
        memcpy(g->areas[1].name, "Aomori", 7);
        in[i].n_refs = i + 1;
        in[i].refs[i] = (struct gs_cap_ref){"gsomia.jpn", "JPN-W9", NOW};
        in[i].refs[0] = (struct gs_cap_ref){"gsomia.jpn", "JPN-W1", NOW};
    }
    gs_buf_init(&b, 1 << 20);
    assert_int_equal(gs_standing_write(in, 2, &b), 0);
    assert_int_equal(gs_standing_read((const char *)b.data, b.len, out, 4, &n,
                                      why, sizeof(why)),
                     0);
    assert_int_equal(n, 2);
    for (i = 0; i < 2; i++) {
        assert_int_equal(out[i].said.type, in[i].said.type);
        assert_int_equal(out[i].said.situation, in[i].said.situation);
        assert_int_equal(out[i].said.warning, in[i].said.warning);
        assert_int_equal(out[i].said.number, in[i].said.number);
        assert_string_equal(out[i].said.track_id, in[i].said.track_id);
        assert_int_equal(out[i].said.based_on, in[i].said.based_on);
        assert_int_equal(out[i].said.impact_time, in[i].said.impact_time);
        assert_int_equal(out[i].said.n_areas, 2);
        assert_string_equal(out[i].said.areas[1].name, "Aomori");
        assert_int_equal(out[i].n_refs, in[i].n_refs);
        assert_string_equal(out[i].refs[out[i].n_refs - 1].identifier,
                            in[i].refs[in[i].n_refs - 1].identifier);
        assert_int_equal(out[i].refs[0].sent, NOW);
    }
    /* More than the reader takes. */
    assert_int_equal(gs_standing_read((const char *)b.data, b.len, out, 1, &n,
                                      why, sizeof(why)),
                     GS_ERR_INVALID);
    assert_non_null(strstr(why, "more than 1"));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = '\0';
        assert_int_equal(gs_standing_read(bad[i], strlen(bad[i]), out, 4, &n,
                                          why, sizeof(why)),
                         GS_ERR_INVALID);
        assert_int_equal(n, 0);
        assert_true(why[0] != '\0');
        printf("# %s\n", why);
    }
    /* A closing message is not a standing warning: not written. */
    in[1].said.type = GS_WARNING_CANCEL;
    in[1].said.situation = GS_CAP_FELL_AT_SEA;
    gs_buf_reset(&b);
    assert_int_equal(gs_standing_write(in, 2, &b), GS_ERR_INVALID);
    gs_buf_free(&b);
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
        cmocka_unit_test(world_known_places),
        cmocka_unit_test(world_irbm_overflight),
        cmocka_unit_test(world_path_speed),
        cmocka_unit_test(world_antimeridian),
        cmocka_unit_test(world_tokyo_ellipse),
        cmocka_unit_test(world_bad_queries),
        cmocka_unit_test(small_path_vs_naive),
        cmocka_unit_test(small_ellipse_vs_naive),
        cmocka_unit_test(small_holes_and_subdivisions),
        cmocka_unit_test(loader_errors),
        cmocka_unit_test(cap_times),
        cmocka_unit_test(cap_alert_validates),
        cmocka_unit_test(cap_update_and_cancel),
        cmocka_unit_test(cap_writer_refuses),
        cmocka_unit_test(cap_escapes_names),
        cmocka_unit_test(cap_broken_documents),
        cmocka_unit_test(cot_track_event),
        cmocka_unit_test(cot_impact_event),
        cmocka_unit_test(path_reaches_the_predicted_impact),
        cmocka_unit_test(alert_life),
        cmocka_unit_test(events_are_valid_payloads),
        cmocka_unit_test(civil_warning_life),
        cmocka_unit_test(civil_warning_lost_and_found),
        cmocka_unit_test(civil_warning_after_restart),
        cmocka_unit_test(standing_text),
        cmocka_unit_test(alert_ends_by_the_clock),
    };
    int rc = cmocka_run_group_tests(tests, load_world, free_world);

    xmlCleanupParser();
    return rc;
}
