/*
 * test_track.c - src/track: geodesy against published reference points,
 * the integrator against closed-form Kepler motion and conservation laws,
 * the EKF and UKF against naive reference implementations, the bound
 * against the Kalman covariance, the impact ellipse against Monte Carlo,
 * the tracker's handling of malformed and out-of-order plots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "track/dyn.h"
#include "track/filter.h"
#include "track/geo.h"
#include "track/mat.h"

/* A small deterministic generator for test data (SplitMix64). */
static uint64_t test_rng = 0x9E3779B97F4A7C15u;

static double urand(void)
{
    uint64_t z = (test_rng += 0x9E3779B97F4A7C15u);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
    double u = urand(), v = urand();

    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2 * log(u)) * cos(2 * GS_PI * v);
}

static struct gs_geodetic geod(double lat_deg, double lon_deg, double h)
{
    struct gs_geodetic g = {lat_deg * GS_DEG, lon_deg * GS_DEG, h};

    return g;
}

static double dms(int d, int m, double s)
{
    return d + m / 60.0 + s / 3600.0;
}

/* ---------------------------------------------------------------- geodesy */

static void geo_published_points(void **state)
{
    struct gs_geodetic g = geod(33.3, 44.4, 6000), back;
    struct gs_site site;
    double r[3], enu[3];
    double q[3] = {30000, 30000, 0};

    (void)state;
    /* GeographicLib CartConvert(1), EXAMPLES: 33.3 44.4 6000 =>
     * 3816209.60 3737108.55 3485109.57 (printed to the centimetre). */
    gs_geodetic_to_ecef(&g, r);
    assert_true(fabs(r[0] - 3816209.60) < 0.006);
    assert_true(fabs(r[1] - 3737108.55) < 0.006);
    assert_true(fabs(r[2] - 3485109.57) < 0.006);
    /* Same page: local cartesian at 33 44 20 => 37288.97 33374.29 5783.64.
     * The page cuts digits rather than rounding them (the exact up value,
     * checked by hand in double precision, is 5783.6466), hence 1 cm. */
    g = geod(33, 44, 20);
    gs_site_init(&site, &g);
    gs_site_enu(&site, r, enu);
    assert_true(fabs(enu[0] - 37288.97) < 0.01);
    assert_true(fabs(enu[1] - 33374.29) < 0.01);
    assert_true(fabs(enu[2] - 5783.64) < 0.01);
    /* Reverse of the published point. (The page's other reverse example,
     * 30000 30000 0, lies inside the evolute of the ellipsoid, 43 km from
     * the centre, where the foot point is not unique; geo.h excludes it.) */
    gs_ecef_to_geodetic((double[3]){3816209.60, 3737108.55, 3485109.57},
                        &back);
    assert_true(fabs(back.lat / GS_DEG - 33.3) < 1e-7);
    assert_true(fabs(back.lon / GS_DEG - 44.4) < 1e-7);
    assert_true(fabs(back.h - 6000) < 0.01);
    (void)q;
    /* The axes of the ellipsoid. */
    g = geod(0, 0, 0);
    gs_geodetic_to_ecef(&g, r);
    assert_true(fabs(r[0] - GS_WGS84_A) < 1e-6 && fabs(r[1]) < 1e-6);
    g = geod(90, 0, 0);
    gs_geodetic_to_ecef(&g, r);
    assert_true(fabs(r[2] - 6356752.314245) < 1e-5);
}

static void geo_round_trip(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 2000; i++) {
        struct gs_geodetic g = {(urand() - 0.5) * GS_PI,
                                (urand() - 0.5) * 2 * GS_PI,
                                -5000 + urand() * 8e6}, b;
        double r[3], r2[3];

        if (i == 0)
            g.lat = GS_PI / 2; /* the pole itself */
        gs_geodetic_to_ecef(&g, r);
        gs_ecef_to_geodetic(r, &b);
        gs_geodetic_to_ecef(&b, r2);
        assert_true(fabs(b.h - g.h) < 1e-6);
        assert_true(fabs(r2[0] - r[0]) < 1e-6 && fabs(r2[1] - r[1]) < 1e-6 &&
                    fabs(r2[2] - r[2]) < 1e-6);
    }
}

static void geo_geodesic_published(void **state)
{
    double s, az;

    (void)state;
    /* GeographicLib GeodSolve(1), EXAMPLES: JFK to Singapore Changi,
     * 15347628 m (to the metre), azimuth 003:18:29.9. */
    assert_int_equal(gs_geodesic_inverse(dms(40, 38, 23) * GS_DEG,
                                         -dms(73, 46, 44) * GS_DEG,
                                         dms(1, 21, 33) * GS_DEG,
                                         dms(103, 59, 22) * GS_DEG, &s, &az),
                     0);
    assert_true(fabs(s - 15347628) < 1.0);
    assert_true(fabs(az / GS_DEG - dms(3, 18, 29.9)) < 0.1 / 3600);
    /* Geoscience Australia's example (GRS80, whose flattening differs from
     * WGS84's by 1e-12: well under a millimetre here): Flinders Peak to
     * Buninyong, 54972.271 m. */
    assert_int_equal(gs_geodesic_inverse(-dms(37, 57, 3.72030) * GS_DEG,
                                         dms(144, 25, 29.52440) * GS_DEG,
                                         -dms(37, 39, 10.15610) * GS_DEG,
                                         dms(143, 55, 35.38390) * GS_DEG, &s,
                                         NULL),
                     0);
    assert_true(fabs(s - 54972.271) < 0.002);
}

static void geo_radar_jacobian(void **state)
{
    struct gs_geodetic g = geod(40.9, 140.3, 50);
    struct gs_site site;
    double x[6], z[4], H[24], r[3];
    int t, i, j;

    (void)state;
    gs_site_init(&site, &g);
    for (t = 0; t < 50; t++) {
        double az = urand() * 2 * GS_PI, el = 0.02 + urand() * 1.2;

        gs_radar_position(&site, 2e5 + urand() * 1.5e6, az, el, r);
        for (i = 0; i < 3; i++) {
            x[i] = r[i];
            x[3 + i] = nrand() * 3000;
        }
        gs_radar_measure(&site, x, z, H);
        assert_true(fabs(gs_angle_wrap(z[GS_Z_AZ] - az)) < 1e-9);
        assert_true(fabs(z[GS_Z_EL] - el) < 1e-9);
        /* Central differences. */
        for (j = 0; j < 6; j++) {
            double xp[6], xm[6], zp[4], zm[4], hstep = j < 3 ? 1.0 : 0.01;

            memcpy(xp, x, sizeof(x));
            memcpy(xm, x, sizeof(x));
            xp[j] += hstep;
            xm[j] -= hstep;
            gs_radar_measure(&site, xp, zp, NULL);
            gs_radar_measure(&site, xm, zm, NULL);
            for (i = 0; i < 4; i++) {
                double d = i == GS_Z_AZ ? gs_angle_wrap(zp[i] - zm[i])
                                        : zp[i] - zm[i];
                double num = d / (2 * hstep), ana = H[i * 6 + j];

                assert_true(fabs(num - ana) <=
                            1e-6 * fabs(ana) + 1e-12 + (i == 3 ? 1e-7 : 0));
            }
        }
    }
}

/* ------------------------------------------------------------- dynamics */

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static double norm3(const double *a)
{
    return sqrt(dot3(a, a));
}

/*
 * Closed-form two-body motion: the state t seconds after (r0, v0) on an
 * ellipse, by Kepler's equation and the f and g functions.
 */
static void kepler(const double r0[3], const double v0[3], double t,
                   double r[3], double v[3])
{
    const double mu = GS_WGS84_GM;
    double rn = norm3(r0), v2 = dot3(v0, v0), rv = dot3(r0, v0);
    double a = 1.0 / (2.0 / rn - v2 / mu);
    double n = sqrt(mu / (a * a * a));
    double ec = 1.0 - rn / a, es = rv / sqrt(mu * a);
    double e = sqrt(ec * ec + es * es);
    double E0 = atan2(es, ec), M = E0 - es + n * t, E = M, dE, f, g, rr, fd,
           gd;
    int i;

    for (i = 0; i < 50; i++)
        E -= (E - e * sin(E) - M) / (1.0 - e * cos(E));
    dE = E - E0;
    f = 1.0 - a / rn * (1.0 - cos(dE));
    g = t - (dE - sin(dE)) / n;
    for (i = 0; i < 3; i++)
        r[i] = f * r0[i] + g * v0[i];
    rr = norm3(r);
    fd = -sqrt(mu * a) * sin(dE) / (rr * rn);
    gd = 1.0 - a / rr * (1.0 - cos(dE));
    for (i = 0; i < 3; i++)
        v[i] = fd * r0[i] + gd * v0[i];
}

/* A suborbital arc and an orbit, both starting 200 km up over Korea. */
static void start_state(double x[6], double speed, double climb_deg)
{
    struct gs_geodetic g = geod(38.0, 127.0, 200e3);
    double m[9];
    double c = cos(climb_deg * GS_DEG), s = sin(climb_deg * GS_DEG);
    int i;

    gs_geodetic_to_ecef(&g, x);
    gs_enu_matrix(g.lat, g.lon, m);
    /* Heading north-east: east and north components equal. */
    for (i = 0; i < 3; i++)
        x[3 + i] = speed * (c * (m[i] + m[3 + i]) / sqrt(2.0) + s * m[6 + i]);
}

static void dyn_kepler_inertial(void **state)
{
    struct gs_dyn m = {.j2 = false, .rotating = false, .drag = false};
    double x[6], y[6], r[3], v[3];
    int i, k;

    (void)state;
    start_state(x, 7600, 5);
    /* One call over 90 minutes, then 5400 one-second calls as a filter
     * makes them: both within a metre of the closed form. */
    memcpy(y, x, sizeof(x));
    assert_int_equal(gs_dyn_propagate(&m, y, 6, 5400, NULL), 0);
    kepler(x, x + 3, 5400, r, v);
    for (i = 0; i < 3; i++) {
        assert_true(fabs(y[i] - r[i]) < 1.0);
        assert_true(fabs(y[3 + i] - v[i]) < 1e-3);
    }
    memcpy(y, x, sizeof(x));
    for (k = 0; k < 5400; k++)
        assert_int_equal(gs_dyn_propagate(&m, y, 6, 1.0, NULL), 0);
    for (i = 0; i < 3; i++)
        assert_true(fabs(y[i] - r[i]) < 1.0);
    /* Backwards returns to the start. */
    assert_int_equal(gs_dyn_propagate(&m, y, 6, -5400, NULL), 0);
    for (i = 0; i < 3; i++)
        assert_true(fabs(y[i] - x[i]) < 1.0);
}

static void dyn_kepler_rotating(void **state)
{
    struct gs_dyn m = {.j2 = false, .rotating = true, .drag = false};
    const double w = GS_WGS84_OMEGA, T = 5400;
    double xi[6], xe[6], r[3], v[3], re[3], ve[3];
    double c = cos(w * T), s = sin(w * T);
    int i;

    (void)state;
    /* The frames agree at t = 0; the Earth-fixed velocity lacks w x r. */
    start_state(xi, 7000, 20);
    memcpy(xe, xi, sizeof(xi));
    xe[3] += w * xi[1];
    xe[4] -= w * xi[0];
    assert_int_equal(gs_dyn_propagate(&m, xe, 6, T, NULL), 0);
    kepler(xi, xi + 3, T, r, v);
    /* Inertial to Earth-fixed at T: rotate by -w T, subtract w x r. */
    re[0] = c * r[0] + s * r[1];
    re[1] = -s * r[0] + c * r[1];
    re[2] = r[2];
    ve[0] = c * v[0] + s * v[1] + w * re[1];
    ve[1] = -s * v[0] + c * v[1] - w * re[0];
    ve[2] = v[2];
    for (i = 0; i < 3; i++) {
        assert_true(fabs(xe[i] - re[i]) < 1.0);
        assert_true(fabs(xe[3 + i] - ve[i]) < 1e-3);
    }
}

/* The Jacobi integral of the rotating frame with J2 gravity. */
static double jacobi(const double *x)
{
    const double mu = GS_WGS84_GM, w = GS_WGS84_OMEGA;
    double r2 = dot3(x, x), rn = sqrt(r2);
    double k = mu * GS_WGS84_J2 * GS_WGS84_A * GS_WGS84_A / 2.0;
    double U = mu / rn + k * (1.0 / (r2 * rn) - 3.0 * x[2] * x[2] /
                                                    (r2 * r2 * rn));

    return 0.5 * dot3(x + 3, x + 3) - 0.5 * w * w * (x[0] * x[0] + x[1] * x[1]) -
           U;
}

static void dyn_conservation(void **state)
{
    struct gs_dyn m = {.j2 = true, .rotating = true, .drag = false};
    double x[6], c0, w = GS_WGS84_OMEGA;
    double hz0, hz;
    int k;

    (void)state;
    start_state(x, 7400, 10);
    c0 = jacobi(x);
    /* The inertial angular momentum about z: J2 is axisymmetric. */
    hz0 = x[0] * (x[4] + w * x[0]) - x[1] * (x[3] - w * x[1]);
    for (k = 0; k < 90; k++) {
        assert_int_equal(gs_dyn_propagate(&m, x, 6, 60, NULL), 0);
        assert_true(fabs(jacobi(x) - c0) < 1e-4 * fabs(c0) * 1e-4);
    }
    hz = x[0] * (x[4] + w * x[0]) - x[1] * (x[3] - w * x[1]);
    assert_true(fabs(hz - hz0) < 1e-9 * fabs(hz0));
}

/* Phi from the variational equations against central differences. */
static void check_stm(const struct gs_dyn *m, const double *x, int n,
                      double dt)
{
    double Phi[GS_MAT_MAX * GS_MAT_MAX], y[GS_MAT_MAX];
    int i, j;

    memcpy(y, x, sizeof(double) * (size_t)n);
    assert_int_equal(gs_dyn_propagate(m, y, n, dt, Phi), 0);
    for (j = 0; j < n; j++) {
        double xp[GS_MAT_MAX], xm[GS_MAT_MAX];
        double hstep = j < 3 ? 10.0 : j < 6 ? 0.1 : j == 6 ? 1e-5 : 0.1;

        memcpy(xp, x, sizeof(double) * (size_t)n);
        memcpy(xm, x, sizeof(double) * (size_t)n);
        xp[j] += hstep;
        xm[j] -= hstep;
        assert_int_equal(gs_dyn_propagate(m, xp, n, dt, NULL), 0);
        assert_int_equal(gs_dyn_propagate(m, xm, n, dt, NULL), 0);
        for (i = 0; i < n; i++) {
            double num = (xp[i] - xm[i]) / (2 * hstep);
            double ana = Phi[i * n + j];

            assert_true(fabs(num - ana) <= 1e-4 * fabs(ana) + 1e-7);
        }
    }
}

static void dyn_stm_finite_differences(void **state)
{
    struct gs_dyn m;
    double x[GS_MAT_MAX];
    struct gs_geodetic g = geod(37.0, 135.0, 60e3);
    int i;

    (void)state;
    gs_dyn_default(&m);
    /* Exo-atmospheric, 100 s. */
    start_state(x, 6000, 30);
    check_stm(&m, x, 6, 100);
    /* Descending through 60 km at 3 km/s with kappa = 1e-3: drag. */
    gs_geodetic_to_ecef(&g, x);
    for (i = 0; i < 3; i++)
        x[3 + i] = -3000 * x[i] / norm3(x) + 500 * (i == 0);
    x[GS_X_KAPPA] = 1e-3;
    check_stm(&m, x, 7, 2.0);
    /* Boost model: thrust acceleration in the state, growing as the
     * rocket equation says. */
    x[7] = 10;
    x[8] = -5;
    x[9] = 20;
    check_stm(&m, x, 10, 1.0);
    m.thrust_growth = 1.0 / 2000.0;
    check_stm(&m, x, 10, 2.0);
}

static void dyn_fly_finds_ground(void **state)
{
    struct gs_dyn m;
    struct gs_flight f;
    struct gs_geodetic g;
    double x[GS_MAT_MAX], y[GS_MAT_MAX];
    int i;

    (void)state;
    gs_dyn_default(&m);
    start_state(x, 4000, 40);
    x[GS_X_KAPPA] = 1e-4;
    assert_int_equal(gs_dyn_fly(&m, x, 7, 7200, 0, &f), 0);
    assert_true(f.impact && f.apogee);
    assert_true(f.t_apogee > 0 && f.t_apogee < f.t_impact);
    gs_ecef_to_geodetic(f.x_impact, &g);
    assert_true(fabs(g.h) < 1e-3);
    /* The same time through gs_dyn_propagate lands at the same place. */
    memcpy(y, x, sizeof(x));
    assert_int_equal(gs_dyn_propagate(&m, y, 7, f.t_impact, NULL), 0);
    for (i = 0; i < 3; i++)
        assert_true(fabs(y[i] - f.x_impact[i]) < 0.5);
    /* The apogee is the highest point: a little before and after are
     * lower, by the parabola of a ballistic peak. */
    memcpy(y, x, sizeof(x));
    assert_int_equal(gs_dyn_propagate(&m, y, 7, f.t_apogee - 2, NULL), 0);
    gs_ecef_to_geodetic(y, &g);
    assert_true(g.h < f.h_apogee && g.h > f.h_apogee - 30);
    assert_int_equal(gs_dyn_propagate(&m, y, 7, 4, NULL), 0);
    gs_ecef_to_geodetic(y, &g);
    assert_true(g.h < f.h_apogee && g.h > f.h_apogee - 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(geo_published_points),
        cmocka_unit_test(geo_round_trip),
        cmocka_unit_test(geo_geodesic_published),
        cmocka_unit_test(geo_radar_jacobian),
        cmocka_unit_test(dyn_kepler_inertial),
        cmocka_unit_test(dyn_kepler_rotating),
        cmocka_unit_test(dyn_conservation),
        cmocka_unit_test(dyn_stm_finite_differences),
        cmocka_unit_test(dyn_fly_finds_ground),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
