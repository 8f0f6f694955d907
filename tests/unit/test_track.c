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

#include "base/alloc.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/err.h"
#include "track/assign.h"
#include "track/dyn.h"
#include "track/est.h"
#include "track/filter.h"
#include "track/fuse.h"
#include "track/geo.h"
#include "track/mat.h"
#include "track/pair.h"
#include "track/pcrlb.h"
#include "track/plot.h"
#include "track/predict.h"
#include "track/sensor.h"
#include "track/tracker.h"
#include "track/update.h"

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
    gs_ecef_to_geodetic((double[3]){3816209.60, 3737108.55, 3485109.57}, &back);
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
                                -5000 + urand() * 8e6},
                           b;
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
                double d =
                    i == GS_Z_AZ ? gs_angle_wrap(zp[i] - zm[i]) : zp[i] - zm[i];
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
    double E0 = atan2(es, ec), M = E0 - es + n * t, E = M, dE, f, g, rr, fd, gd;
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
    double U =
        mu / rn + k * (1.0 / (r2 * rn) - 3.0 * x[2] * x[2] / (r2 * r2 * rn));

    return 0.5 * dot3(x + 3, x + 3) -
           0.5 * w * w * (x[0] * x[0] + x[1] * x[1]) - U;
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
static void check_stm(const struct gs_dyn *m, const double *x, int n, double dt)
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

/* ------------------------------------------------------ linear algebra */

/* Naive references: textbook Gauss-Jordan without pivoting tricks beyond
 * the obvious, and the product by definition. */
static void naive_mul(const double *a, const double *b, double *c, int n, int m,
                      int p)
{
    int i, j, k;

    for (i = 0; i < n; i++)
        for (j = 0; j < p; j++) {
            c[i * p + j] = 0;
            for (k = 0; k < m; k++)
                c[i * p + j] += a[i * m + k] * b[k * p + j];
        }
}

static void naive_inverse(const double *a, double *inv, int n)
{
    double w[GS_MAT_MAX * 2 * GS_MAT_MAX];
    int i, j, k, m = 2 * n;

    for (i = 0; i < n; i++)
        for (j = 0; j < m; j++)
            w[i * m + j] = j < n ? a[i * n + j] : (j - n == i ? 1 : 0);
    for (k = 0; k < n; k++) {
        double d = w[k * m + k];

        for (j = 0; j < m; j++)
            w[k * m + j] /= d;
        for (i = 0; i < n; i++) {
            double f = w[i * m + k];

            if (i == k)
                continue;
            for (j = 0; j < m; j++)
                w[i * m + j] -= f * w[k * m + j];
        }
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            inv[i * n + j] = w[i * m + n + j];
}

/* A random symmetric positive definite matrix, condition about 1e4. */
static void random_spd(double *a, int n)
{
    double b[GS_MAT_MAX * GS_MAT_MAX];
    int i, j, k;

    for (i = 0; i < n * n; i++)
        b[i] = nrand();
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            a[i * n + j] = i == j ? 0.01 * n : 0;
            for (k = 0; k < n; k++)
                a[i * n + j] += b[i * n + k] * b[j * n + k];
        }
}

static void mat_against_naive(void **state)
{
    double a[100], inv[100], ref[100], prod[100], l[100], llt[100];
    int n, t, i;

    (void)state;
    for (t = 0; t < 40; t++) {
        n = 1 + t % GS_MAT_MAX;
        random_spd(a, n);
        assert_int_equal(gs_mat_inverse_spd(a, inv, n), 0);
        naive_inverse(a, ref, n);
        for (i = 0; i < n * n; i++)
            assert_true(fabs(inv[i] - ref[i]) <= 1e-8 * (1 + fabs(ref[i])));
        assert_int_equal(gs_mat_inverse(a, inv, n), 0);
        for (i = 0; i < n * n; i++)
            assert_true(fabs(inv[i] - ref[i]) <= 1e-8 * (1 + fabs(ref[i])));
        naive_mul(a, inv, prod, n, n, n);
        for (i = 0; i < n * n; i++)
            assert_true(fabs(prod[i] - (i % (n + 1) == 0)) < 1e-8);
        assert_int_equal(gs_mat_cholesky(a, l, n), 0);
        gs_mat_mul_abt(l, l, llt, n, n, n);
        for (i = 0; i < n * n; i++)
            assert_true(fabs(llt[i] - a[i]) < 1e-9 * (1 + fabs(a[i])));
    }
    /* Not positive definite. */
    a[0] = 1;
    a[1] = 2;
    a[2] = 2;
    a[3] = 1;
    assert_int_equal(gs_mat_cholesky(a, l, 2), GS_ERR_INVALID);
}

/* Brute force over all injective partial assignments. */
static double brute_assign(const double *c, int rows, int cols, double miss,
                           int r, unsigned used)
{
    double best, v;
    int j;

    if (r == rows) {
        int k, free_cols = 0;

        for (k = 0; k < cols; k++)
            if (!(used & (1u << k)))
                free_cols++;
        return free_cols * miss;
    }
    best = miss + brute_assign(c, rows, cols, miss, r + 1, used);
    for (j = 0; j < cols; j++) {
        if (used & (1u << j) || c[r * cols + j] >= miss)
            continue;
        v = c[r * cols + j] +
            brute_assign(c, rows, cols, miss, r + 1, used | (1u << j));
        if (v < best)
            best = v;
    }
    return best;
}

static void assign_against_brute_force(void **state)
{
    int t;

    (void)state;
    for (t = 0; t < 300; t++) {
        int rows = 1 + t % 5, cols = 1 + (t / 5) % 5, i, j, r2c[8];
        double c[25], miss = 10, total = 0;
        bool seen[8] = {false};

        for (i = 0; i < rows * cols; i++)
            c[i] = urand() < 0.25 ? 1e9 : 12 * urand();
        gs_assign(c, rows, cols, miss, r2c);
        for (i = 0; i < rows; i++) {
            if (r2c[i] < 0) {
                total += miss;
                continue;
            }
            j = r2c[i];
            assert_false(seen[j]);
            seen[j] = true;
            assert_true(c[i * cols + j] < miss);
            total += c[i * cols + j];
        }
        for (j = 0; j < cols; j++)
            if (!seen[j])
                total += miss;
        assert_true(fabs(total - brute_assign(c, rows, cols, miss, 0, 0)) <
                    1e-9);
    }
}

/* -------------------------------------------------------------- filters */

/* The textbook EKF update: K = P H^T (H P H^T + R)^-1 by an explicit
 * inverse, x += K nu, P = (I - K H) P. */
static void naive_ekf_update(int n, int m, double *x, double *P,
                             const double *z, const double *hx, const double *H,
                             const double *R, const bool *angle)
{
    double Ht[40], PHt[40], S[16], Si[16], K[40], KH[100], IKH[100], P2[100];
    double nu[4];
    int i, j;

    for (i = 0; i < m; i++) {
        nu[i] = z[i] - hx[i];
        if (angle[i])
            nu[i] = gs_angle_wrap(nu[i]);
    }
    for (i = 0; i < m; i++)
        for (j = 0; j < n; j++)
            Ht[j * m + i] = H[i * n + j];
    naive_mul(P, Ht, PHt, n, n, m);
    naive_mul(H, PHt, S, m, n, m);
    for (i = 0; i < m * m; i++)
        S[i] += R[i];
    naive_inverse(S, Si, m);
    naive_mul(PHt, Si, K, n, m, m);
    for (i = 0; i < n; i++)
        for (j = 0; j < m; j++)
            x[i] += K[i * m + j] * nu[j];
    naive_mul(K, H, KH, n, m, n);
    for (i = 0; i < n * n; i++)
        IKH[i] = (i % (n + 1) == 0) - KH[i];
    naive_mul(IKH, P, P2, n, n, n);
    memcpy(P, P2, sizeof(double) * (size_t)(n * n));
}

static void ekf_against_naive(void **state)
{
    struct gs_geodetic g = geod(37.0, 128.0, 100);
    struct gs_site site;
    int t, i;

    (void)state;
    gs_site_init(&site, &g);
    for (t = 0; t < 50; t++) {
        struct gs_kf kf;
        struct gs_meas z;
        double x[10], P[100], hx[4], H6[24], H[40], r[3];
        int n = t % 2 ? 6 : 10, m = 4, j;

        memset(&z, 0, sizeof(z));
        kf.n = n;
        gs_radar_position(&site, 3e5 + urand() * 5e5, urand() * 6,
                          0.1 + urand(), r);
        for (i = 0; i < n; i++)
            kf.x[i] = i < 3 ? r[i] : nrand() * 2000;
        random_spd(kf.P, n);
        for (i = 0; i < n * n; i++)
            kf.P[i] *= 1e4;
        memcpy(x, kf.x, sizeof(x));
        memcpy(P, kf.P, sizeof(P));
        gs_radar_measure(&site, kf.x, hx, H6);
        memset(H, 0, sizeof(H));
        for (i = 0; i < m; i++)
            for (j = 0; j < 6; j++)
                H[i * n + j] = H6[i * 6 + j];
        z.m = m;
        z.R[0] = 100;
        z.R[5] = 1e-6;
        z.R[10] = 1e-6;
        z.R[15] = 1;
        z.angle[1] = true;
        for (i = 0; i < m; i++)
            z.z[i] = hx[i] + sqrt(z.R[i * 5]) * nrand();
        z.z[1] = fmod(z.z[1] + 2 * GS_PI, 2 * GS_PI);
        assert_int_equal(gs_ekf_update(&kf, &z, hx, H, NULL), 0);
        naive_ekf_update(n, m, x, P, z.z, hx, H, z.R, z.angle);
        /* Joseph and the short form agree for the optimal gain. */
        for (i = 0; i < n; i++)
            assert_true(fabs(kf.x[i] - x[i]) <= 1e-6 * (1 + fabs(x[i])));
        for (i = 0; i < n * n; i++)
            assert_true(
                fabs(kf.P[i] - P[i]) <=
                1e-6 * sqrt(fabs(P[(i / n) * (n + 1)] * P[(i % n) * (n + 1)])) +
                    1e-9);
    }
}

/* A naive UKF: the same sigma points (alpha 1, beta 2, kappa 0) written
 * out without the library's helpers. */
struct lin {
    int n, m;
    double F[100], H[40];
};

static int lin_fx(void *ctx, double *x)
{
    const struct lin *l = ctx;
    double y[10];

    naive_mul(l->F, x, y, l->n, l->n, 1);
    memcpy(x, y, sizeof(double) * (size_t)l->n);
    return 0;
}

static void lin_hx(void *ctx, const double *x, double *z)
{
    const struct lin *l = ctx;

    naive_mul(l->H, x, z, l->m, l->n, 1);
}

static void ukf_equals_kalman_on_linear(void **state)
{
    int t, i;

    (void)state;
    for (t = 0; t < 30; t++) {
        struct lin l;
        struct gs_kf a, b;
        struct gs_meas z;
        double Q[100], hx[4];
        int n = 2 + t % 8, m = 1 + t % 4;

        memset(&z, 0, sizeof(z));
        l.n = n;
        l.m = m;
        for (i = 0; i < n * n; i++)
            l.F[i] = (i % (n + 1) == 0) + 0.1 * nrand();
        for (i = 0; i < m * n; i++)
            l.H[i] = nrand();
        a.n = n;
        for (i = 0; i < n; i++)
            a.x[i] = nrand();
        random_spd(a.P, n);
        random_spd(Q, n);
        b = a;
        /* Prediction: UKF through f, KF with F. */
        assert_int_equal(gs_ukf_predict(&a, lin_fx, &l, Q), 0);
        {
            double x2[10];

            naive_mul(l.F, b.x, x2, n, n, 1);
            gs_kf_predict(&b, x2, l.F, Q);
        }
        for (i = 0; i < n; i++)
            assert_true(fabs(a.x[i] - b.x[i]) < 1e-9 * (1 + fabs(b.x[i])));
        for (i = 0; i < n * n; i++)
            assert_true(fabs(a.P[i] - b.P[i]) < 1e-8 * (1 + fabs(b.P[i])));
        /* Update. */
        z.m = m;
        random_spd(z.R, m);
        for (i = 0; i < m; i++)
            z.z[i] = nrand();
        assert_int_equal(gs_ukf_update(&a, &z, lin_hx, &l, NULL), 0);
        naive_mul(l.H, b.x, hx, m, n, 1);
        assert_int_equal(gs_ekf_update(&b, &z, hx, l.H, NULL), 0);
        for (i = 0; i < n; i++)
            assert_true(fabs(a.x[i] - b.x[i]) < 1e-8 * (1 + fabs(b.x[i])));
        for (i = 0; i < n * n; i++)
            assert_true(fabs(a.P[i] - b.P[i]) < 1e-7 * (1 + fabs(b.P[i])));
    }
}

struct radar_ctx {
    const struct gs_site *site;
};

static void radar_hx(void *ctx, const double *x, double *z)
{
    const struct radar_ctx *c = ctx;
    double zz[4];

    gs_radar_measure(c->site, x, zz, NULL);
    memcpy(z, zz, 3 * sizeof(double));
}

/* Naive unscented update through the radar: sigma points from the
 * Cholesky factor, weights 0/2 at the centre and 1/(2n) elsewhere. */
static void naive_ukf_update(int n, double *x, double *P, const double *z,
                             const double *R, const struct gs_site *site)
{
    double L[100], pts[21][10], zs[21][3], zm[3] = {0, 0, 0};
    double S[9] = {0}, Pxz[30] = {0}, Si[9], K[30], wm[21], wc[21];
    int i, j, k, np = 2 * n + 1;

    gs_mat_cholesky(P, L, n);
    for (i = 0; i < np; i++) {
        for (j = 0; j < n; j++) {
            double d = 0;

            if (i >= 1 && i <= n)
                d = sqrt((double)n) * L[j * n + (i - 1)];
            else if (i > n)
                d = -sqrt((double)n) * L[j * n + (i - 1 - n)];
            pts[i][j] = x[j] + d;
        }
        wm[i] = i == 0 ? 0 : 0.5 / n;
        wc[i] = i == 0 ? 2 : 0.5 / n;
        {
            double zz[4];

            gs_radar_measure(site, pts[i], zz, NULL);
            for (k = 0; k < 3; k++)
                zs[i][k] = zz[k];
        }
    }
    for (i = 0; i < np; i++)
        for (k = 0; k < 3; k++)
            zm[k] += wm[i] * zs[i][k];
    for (i = 0; i < np; i++)
        for (j = 0; j < 3; j++) {
            for (k = 0; k < 3; k++)
                S[j * 3 + k] += wc[i] * (zs[i][j] - zm[j]) * (zs[i][k] - zm[k]);
            for (k = 0; k < n; k++)
                Pxz[k * 3 + j] +=
                    wc[i] * (pts[i][k] - x[k]) * (zs[i][j] - zm[j]);
        }
    for (i = 0; i < 9; i++)
        S[i] += R[i];
    naive_inverse(S, Si, 3);
    naive_mul(Pxz, Si, K, n, 3, 3);
    for (i = 0; i < n; i++)
        for (j = 0; j < 3; j++)
            x[i] += K[i * 3 + j] * (z[j] - zm[j]);
    for (i = 0; i < n; i++)
        for (k = 0; k < n; k++)
            for (j = 0; j < 3; j++)
                P[i * n + k] -= K[i * 3 + j] * Pxz[k * 3 + j];
}

static void ukf_against_naive(void **state)
{
    struct gs_geodetic g = geod(36.0, 128.2, 300);
    struct gs_site site;
    struct radar_ctx ctx = {&site};
    int t, i;

    (void)state;
    gs_site_init(&site, &g);
    for (t = 0; t < 20; t++) {
        struct gs_kf kf;
        struct gs_meas z;
        double x[10], P[100], r[3];
        int n = 6;

        memset(&z, 0, sizeof(z));
        kf.n = n;
        /* Azimuth away from north so that no wrap is involved. */
        gs_radar_position(&site, 4e5 + urand() * 4e5, 1 + urand() * 4,
                          0.2 + urand() * 0.5, r);
        for (i = 0; i < n; i++)
            kf.x[i] = i < 3 ? r[i] : nrand() * 1000;
        random_spd(kf.P, n);
        for (i = 0; i < n * n; i++)
            kf.P[i] *= 1e3;
        memcpy(x, kf.x, sizeof(x));
        memcpy(P, kf.P, sizeof(P));
        z.m = 3;
        z.R[0] = 400;
        z.R[4] = 1e-6;
        z.R[8] = 1e-6;
        {
            double zz[4];

            gs_radar_measure(&site, kf.x, zz, NULL);
            for (i = 0; i < 3; i++)
                z.z[i] = zz[i] + sqrt(z.R[i * 4]) * nrand();
        }
        assert_int_equal(gs_ukf_update(&kf, &z, radar_hx, &ctx, NULL), 0);
        naive_ukf_update(n, x, P, z.z, z.R, &site);
        for (i = 0; i < n; i++)
            assert_true(fabs(kf.x[i] - x[i]) <= 1e-7 * (1 + fabs(x[i])));
        for (i = 0; i < n * n; i++)
            assert_true(
                fabs(kf.P[i] - P[i]) <=
                1e-6 * sqrt(fabs(P[(i / n) * (n + 1)] * P[(i % n) * (n + 1)])) +
                    1e-9);
    }
}

/* ---------------------------------------------------------------- bound */

/* On a linear-Gaussian system the information recursion of the bound and
 * the Kalman filter's covariance are the same matrix. */
static void bound_equals_kalman_on_linear(void **state)
{
    /* Constant velocity in 3-D, position measured, white acceleration. */
    double F[36], Q[36], H[18], R[9], J[36], Jinv[36];
    struct gs_kf kf;
    int step, i, j;

    (void)state;
    memset(H, 0, sizeof(H));
    memset(R, 0, sizeof(R));
    gs_mat_identity(F, 6);
    for (i = 0; i < 3; i++) {
        F[i * 6 + 3 + i] = 2.0;
        H[i * 6 + i] = 1;
        R[i * 4] = 25.0 + 10 * i;
    }
    gs_dyn_process_noise(6, 2.0, 0.5, 0, 0, Q);
    kf.n = 6;
    memset(kf.x, 0, sizeof(kf.x));
    random_spd(kf.P, 6);
    for (i = 0; i < 36; i++)
        kf.P[i] *= 100;
    assert_int_equal(gs_mat_inverse_spd(kf.P, J, 6), 0);
    for (step = 0; step < 50; step++) {
        struct gs_meas z;
        double x2[6], hx[3] = {0, 0, 0};

        memset(&z, 0, sizeof(z));
        z.m = 3;
        memcpy(z.R, R, sizeof(R));
        naive_mul(F, kf.x, x2, 6, 6, 1);
        gs_kf_predict(&kf, x2, F, Q);
        assert_int_equal(gs_ekf_update(&kf, &z, hx, H, NULL), 0);
        assert_int_equal(gs_pcrlb_info_step(6, J, F, Q, H, R, 3), 0);
        assert_int_equal(gs_mat_inverse_spd(J, Jinv, 6), 0);
        for (i = 0; i < 6; i++)
            for (j = 0; j < 6; j++)
                assert_true(fabs(Jinv[i * 6 + j] - kf.P[i * 6 + j]) <=
                            1e-8 * sqrt(kf.P[i * 7] * kf.P[j * 7]));
    }
}

/* ----------------------------------------------------- impact ellipses */

static void impact_ellipse_against_monte_carlo(void **state)
{
    struct gs_dyn m;
    double x[7], P[49], L[49];
    struct gs_impact_prediction ut, lin;
    int k, i, j, inside_ut = 0, inside_lin = 0, n = 0;
    const int N = 1500;
    double mean[2] = {0, 0}, C[4] = {0, 0, 0, 0};
    double(*en)[2] = gs_calloc(N, sizeof(*en));
    struct gs_geodetic gm;
    struct gs_site site;

    (void)state;
    gs_dyn_default(&m);
    /* A warhead after burnout, 150 km up, six minutes from the ground,
     * known to 200 m and 3 m/s: an ellipse of tens of kilometres. */
    start_state(x, 4500, 25);
    x[6] = 5e-5;
    memset(P, 0, sizeof(P));
    for (i = 0; i < 3; i++) {
        P[i * 8] = 200 * 200;
        P[(3 + i) * 8] = 3 * 3;
    }
    P[1] = P[7] = 0.5 * 200 * 200;
    P[3 * 7 + 4] = P[4 * 7 + 3] = -0.5 * 9;
    P[48] = 2e-5 * 2e-5;
    assert_int_equal(gs_predict_impact(x, P, 0, 7200, &ut), 0);
    assert_int_equal(gs_predict_impact_linear(x, P, 0, 7200, &lin), 0);
    gm.lat = ut.impact.lat * GS_DEG;
    gm.lon = ut.impact.lon * GS_DEG;
    gm.h = 0;
    gs_site_init(&site, &gm);
    assert_int_equal(gs_mat_cholesky(P, L, 7), 0);
    for (k = 0; k < N; k++) {
        double y[7], w[7], enu[3], d2;
        struct gs_flight f;

        for (i = 0; i < 7; i++)
            w[i] = nrand();
        for (i = 0; i < 7; i++) {
            y[i] = x[i];
            for (j = 0; j <= i; j++)
                y[i] += L[i * 7 + j] * w[j];
        }
        if (y[6] < 0)
            y[6] = 0;
        assert_int_equal(gs_dyn_fly(&m, y, 7, 7200, 0, &f), 0);
        assert_true(f.impact);
        gs_site_enu(&site, f.x_impact, enu);
        en[n][0] = enu[0];
        en[n][1] = enu[1];
        n++;
        mean[0] += enu[0] / N;
        mean[1] += enu[1] / N;
        assert_int_equal(gs_mat_mahalanobis(ut.C, enu, 2, &d2), 0);
        inside_ut += d2 <= GS_CHI2_2_95;
        {
            /* The linear ellipse is centred on its own point. */
            struct gs_geodetic gl = {lin.impact.lat * GS_DEG,
                                     lin.impact.lon * GS_DEG, 0};
            struct gs_site sl;

            gs_site_init(&sl, &gl);
            gs_site_enu(&sl, f.x_impact, enu);
            assert_int_equal(gs_mat_mahalanobis(lin.C, enu, 2, &d2), 0);
            inside_lin += d2 <= GS_CHI2_2_95;
        }
    }
    for (k = 0; k < n; k++) {
        double d0 = en[k][0] - mean[0], d1 = en[k][1] - mean[1];

        C[0] += d0 * d0 / (N - 1);
        C[1] += d0 * d1 / (N - 1);
        C[3] += d1 * d1 / (N - 1);
    }
    C[2] = C[1];
    {
        struct gs_ellipse mc;

        gs_ellipse_from_cov(C, &mc);
        /* Semi-axes within 10 % and the orientation within 3 degrees of
         * the Monte Carlo's (sampling error with 1500 draws: ~2 %). */
        assert_true(fabs(ut.impact.ellipse.semi_major / mc.semi_major - 1) <
                    0.1);
        assert_true(fabs(ut.impact.ellipse.semi_minor / mc.semi_minor - 1) <
                    0.1);
        assert_true(fabs(gs_angle_wrap(
                        2 * (ut.impact.ellipse.orientation - mc.orientation))) /
                        2 <
                    3 * GS_DEG);
        assert_true(fabs(lin.impact.ellipse.semi_major / mc.semi_major - 1) <
                    0.1);
        /* The mean impact: within a tenth of the semi-minor axis. */
        assert_true(hypot(mean[0], mean[1]) < 0.1 * mc.semi_minor);
    }
    /* Coverage 95 % within sampling error (sd 0.56 % at N = 1500). */
    assert_true(fabs((double)inside_ut / N - 0.95) < 0.02);
    assert_true(fabs((double)inside_lin / N - 0.95) < 0.03);
    gs_free(en);
}

/* --------------------------------------------------------------- fusion */

static void fusion_is_consistent(void **state)
{
    /* Two estimates of one 6-state whose errors are correlated through a
     * common part (as tracks sharing a prior): the true covariance of each
     * fused error, by Monte Carlo, must not exceed the claimed one. */
    double A[36], B[36], Cc[36], Pa[36], Pb[36], La[36], Lb[36], Lc[36];
    int rule, i, j, k, trial;
    const int N = 4000;

    (void)state;
    random_spd(A, 6);
    random_spd(B, 6);
    random_spd(Cc, 6);
    for (i = 0; i < 36; i++) {
        A[i] *= 4;
        Cc[i] *= 3;
        Pa[i] = A[i] + Cc[i];
        Pb[i] = B[i] + Cc[i];
    }
    gs_mat_cholesky(A, La, 6);
    gs_mat_cholesky(B, Lb, 6);
    gs_mat_cholesky(Cc, Lc, 6);
    for (rule = 0; rule < 3; rule++) {
        double S[36] = {0}, x[6], P[36], detP = 0, detS = 0;
        double zero[6] = {0, 0, 0, 0, 0, 0};

        assert_int_equal(gs_fuse((enum gs_fusion_rule)rule, 6, zero, Pa, zero,
                                 Pb, NULL, x, P),
                         0);
        for (trial = 0; trial < N; trial++) {
            double wa[6], wb[6], wc[6], ea[6], eb[6], e[6], Pi_a[36], Pi_b[36];

            (void)Pi_a;
            (void)Pi_b;
            for (i = 0; i < 6; i++) {
                wa[i] = nrand();
                wb[i] = nrand();
                wc[i] = nrand();
            }
            for (i = 0; i < 6; i++) {
                double c = 0;

                ea[i] = eb[i] = 0;
                for (j = 0; j <= i; j++) {
                    ea[i] += La[i * 6 + j] * wa[j];
                    eb[i] += Lb[i * 6 + j] * wb[j];
                    c += Lc[i * 6 + j] * wc[j];
                }
                ea[i] += c;
                eb[i] += c;
            }
            assert_int_equal(gs_fuse((enum gs_fusion_rule)rule, 6, ea, Pa, eb,
                                     Pb, NULL, e, P),
                             0);
            for (i = 0; i < 6; i++)
                for (k = 0; k < 6; k++)
                    S[i * 6 + k] += e[i] * e[k] / N;
        }
        gs_mat_logdet_spd(P, 6, &detP);
        gs_mat_logdet_spd(S, 6, &detS);
        if (rule == GS_FUSE_NAIVE) {
            /* Independence assumed, wrongly here: overconfident. */
            assert_true(detS > detP);
        } else {
            /* P - S positive semi-definite, within sampling error: every
             * eigen-direction, checked through the generalised ratio. */
            double Pi[36], M[36], L2[36];

            assert_int_equal(gs_mat_inverse_spd(P, Pi, 6), 0);
            naive_mul(Pi, S, M, 6, 6, 6);
            /* trace(P^-1 S) <= 6 (1 + sampling margin), and each
             * diagonal of S no larger than P's. */
            {
                double tr = 0;

                for (i = 0; i < 6; i++)
                    tr += M[i * 7];
                assert_true(tr <= 6 * 1.08);
            }
            for (i = 0; i < 6; i++)
                assert_true(S[i * 7] <= P[i * 7] * 1.08);
            (void)L2;
        }
    }
    {
        /* ICI is never looser than CI. */
        double x1[6], P1[36], x2[6], P2[36], z[6] = {0}, d1, d2;

        gs_fuse(GS_FUSE_CI, 6, z, Pa, z, Pb, NULL, x1, P1);
        gs_fuse(GS_FUSE_ICI, 6, z, Pa, z, Pb, NULL, x2, P2);
        gs_mat_logdet_spd(P1, 6, &d1);
        gs_mat_logdet_spd(P2, 6, &d2);
        assert_true(d2 <= d1 + 1e-9);
    }
}

/* -------------------------------------------------------------- formats */

static const char sensors_json[] =
    "{\"sensors\": [\n"
    " {\"id\": \"T-X1\", \"nation\": \"JPN\", \"class\": \"x-band\",\n"
    "  \"latitude\": 40.95, \"longitude\": 140.32, \"height\": 40,\n"
    "  \"sigma_range\": 10, \"sigma_azimuth\": 0.0003,\n"
    "  \"sigma_elevation\": 0.0003, \"sigma_range_rate\": 1,\n"
    "  \"update_rate\": 2, \"max_range\": 1500000, \"min_elevation\": 0.0},\n"
    " {\"id\": \"T-S1\", \"nation\": \"JPN\", \"class\": \"s-band\",\n"
    "  \"latitude\": 38.6, \"longitude\": 132.0, \"height\": 25,\n"
    "  \"sigma_range\": 25, \"sigma_azimuth\": 0.001,\n"
    "  \"sigma_elevation\": 0.001, \"update_rate\": 1,\n"
    "  \"max_range\": 1500000, \"min_elevation\": 0.0}]}\n";

static struct gs_sensor *load_sensors(const char *text, size_t *n,
                                      struct gs_diag *d)
{
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, d};
    struct gs_sensor *s = NULL;

    *n = 0;
    if (gs_jdoc_parse(&doc, "sensors.json", text, strlen(text), d) == 0)
        gs_sensors_from_json(&c, doc.root, false, &s, n);
    gs_jdoc_free(&doc);
    return s;
}

static void sensors_file_checked(void **state)
{
    static const char *const bad[] = {
        /* missing sigma */
        "{\"sensors\": [{\"id\": \"A\", \"nation\": \"JPN\", \"class\": "
        "\"x-band\", \"latitude\": 1, \"longitude\": 2, \"height\": 3}]}",
        /* unknown class */
        "{\"sensors\": [{\"id\": \"A\", \"nation\": \"JPN\", \"class\": "
        "\"k-band\"}]}",
        /* a nation that is not one */
        "{\"sensors\": [{\"id\": \"A\", \"nation\": \"JAP\", \"class\": "
        "\"uhf\"}]}",
        /* latitude out of range */
        "{\"sensors\": [{\"id\": \"A\", \"nation\": \"JPN\", \"class\": "
        "\"uhf\", \"latitude\": 91}]}",
        /* unknown member */
        "{\"sensors\": [], \"extra\": 1}",
    };
    struct gs_diag d;
    struct gs_sensor *s;
    size_t n, i;

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &n, &d);
    assert_non_null(s);
    assert_int_equal(n, 2);
    assert_string_equal(s[0].id, "T-X1");
    assert_true(s[0].sigma_rr == 1 && s[1].sigma_rr == 0);
    gs_free(s);
    gs_diag_free(&d);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        gs_diag_init(&d);
        s = load_sensors(bad[i], &n, &d);
        assert_null(s);
        assert_true(d.errors > 0);
        /* Every message says where: "sensors.json:LINE:COL: error:". */
        assert_non_null(strstr(gs_diag_first(&d), "sensors.json:1:"));
        gs_diag_free(&d);
    }
}

static void plots_checked(void **state)
{
    static const struct {
        const char *line, *where, *what;
    } bad[] = {
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-X1\", "
         "\"range\": NaN, \"azimuth\": 1, \"elevation\": 0.2}",
         "plots:7:", "not valid JSON"},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-X1\", "
         "\"range\": -1, \"azimuth\": 1, \"elevation\": 0.2}",
         "plots:7:61:", "range -1 is impossible"},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"NOPE\", "
         "\"range\": 5e5, \"azimuth\": 1, \"elevation\": 0.2}",
         "plots:7:", "unknown sensor \"NOPE\""},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-X1\", "
         "\"range\": 5e5, \"azimuth\": 1, \"elevation\": 1.6}",
         "plots:7:", "elevation 1.6 is impossible"},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-S1\", "
         "\"range\": 5e5, \"azimuth\": 1, \"elevation\": 0.2, "
         "\"range_rate\": 3}",
         "plots:7:", "does not measure range rate"},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-X1\", "
         "\"range\": 5e5, \"azimuth\": 1, \"elevation\": 0.2, \"x\": 1}",
         "plots:7:", "unknown member \"x\""},
        {"{\"time\": \"2022-10-03\", \"sensor\": \"T-X1\", "
         "\"range\": 5e5, \"azimuth\": 1, \"elevation\": 0.2}",
         "plots:7:", "not an RFC 3339 time"},
        {"{\"time\": \"2022-10-03T22:22:31Z\", \"sensor\": \"T-X1\", "
         "\"range\": 1e999, \"azimuth\": 1, \"elevation\": 0.2}",
         "plots:7:65:", "real number overflow"},
    };
    struct gs_diag d;
    struct gs_sensor *s;
    struct gs_plot p;
    struct gs_buf b;
    size_t n, i;
    const char *good = "{\"time\": \"2022-10-03T22:22:31.25Z\", \"sensor\": "
                       "\"T-X1\", \"range\": 812345.2, \"azimuth\": -0.5, "
                       "\"elevation\": 0.21, \"range_rate\": -2345.1}";

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &n, &d);
    assert_int_equal(
        gs_plot_parse(good, strlen(good), "plots", 1, s, n, &p, &d), 0);
    assert_int_equal(p.sensor, 0);
    assert_true(p.has_rr && p.rr == -2345.1);
    /* Azimuth normalised to [0, 2 pi). */
    assert_true(fabs(p.az - (2 * GS_PI - 0.5)) < 1e-12);
    /* Written and read back: the same plot. */
    gs_buf_init(&b, 4096);
    assert_int_equal(gs_plot_write(&b, &p, &s[0]), 0);
    {
        struct gs_plot q;

        assert_int_equal(
            gs_plot_parse(gs_buf_str(&b), b.len - 1, "plots", 2, s, n, &q, &d),
            0);
        assert_memory_equal(&p, &q, sizeof(p));
    }
    gs_buf_free(&b);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct gs_diag e;

        gs_diag_init(&e);
        assert_int_equal(gs_plot_parse(bad[i].line, strlen(bad[i].line),
                                       "plots", 7, s, n, &p, &e),
                         GS_ERR_INVALID);
        assert_non_null(strstr(gs_diag_first(&e), bad[i].where));
        assert_non_null(strstr(gs_diag_first(&e), bad[i].what));
        gs_diag_free(&e);
    }
    gs_free(s);
    gs_diag_free(&d);
}

static void update_round_trip(void **state)
{
    struct gs_track_update u, v;
    struct gs_buf a, b;
    struct gs_diag d;
    int i, j;

    (void)state;
    memset(&u, 0, sizeof(u));
    u.time = INT64_C(1664835751) * GS_USEC_PER_SEC + 250000;
    memcpy(u.track, "JPN-T3", 7);
    memcpy(u.nation, "JPN", 4);
    memcpy(u.sources[0], "JPN", 4);
    memcpy(u.sources[1], "KOR", 4);
    u.n_sources = 2;
    u.phase = GS_PHASE_MIDCOURSE;
    for (i = 0; i < 6; i++) {
        u.x[i] = nrand() * 1e6 / (i < 3 ? 1 : 1000);
        for (j = 0; j <= i; j++)
            u.P[i * 6 + j] = u.P[j * 6 + i] = i == j ? 100 + urand() : 0.1 / 3;
    }
    u.lat = 40.123456789012345;
    u.lon = 131.1;
    u.h = 512345.678;
    u.has_kappa = true;
    u.kappa = 5e-5;
    u.kappa_sigma = 1e-5;
    u.impact.valid = true;
    u.impact.lat = 41.1;
    u.impact.lon = 137.5;
    u.impact.time = u.time + 600 * GS_USEC_PER_SEC;
    u.impact.time_sigma = 1.5;
    u.impact.ellipse.semi_major = 3100.5;
    u.impact.ellipse.semi_minor = 900.25;
    u.impact.ellipse.orientation = 1.2;
    u.launch = u.impact;
    u.has_apogee = true;
    u.apogee_height = 969600;
    u.apogee_time = u.time + 60 * GS_USEC_PER_SEC;
    gs_buf_init(&a, 1 << 16);
    gs_buf_init(&b, 1 << 16);
    gs_diag_init(&d);
    assert_int_equal(gs_track_update_write(&u, &a), 0);
    assert_int_equal(
        gs_track_update_parse(gs_buf_str(&a), a.len - 1, "u", 1, &v, &d), 0);
    /* Signed items: reading and writing again gives the same bytes. */
    assert_int_equal(gs_track_update_write(&v, &b), 0);
    assert_string_equal(gs_buf_str(&a), gs_buf_str(&b));
    assert_true(v.x[4] == u.x[4] && v.P[7] == u.P[7] && v.lat == u.lat);
    /* A covariance that is not symmetric is refused. */
    {
        char *t = gs_strdup(gs_buf_str(&a));
        char *c = strstr(t, "\"covariance\":[[");
        struct gs_diag e;

        assert_non_null(c);
        /* The (1,2) element: make it differ from (2,1). */
        c = strchr(c + 15, ',');
        memcpy(c + 1, "7", 1);
        gs_diag_init(&e);
        assert_int_equal(
            gs_track_update_parse(t, strlen(t) - 1, "u", 9, &v, &e),
            GS_ERR_INVALID);
        assert_non_null(strstr(gs_diag_first(&e), "u:9:"));
        gs_diag_free(&e);
        gs_free(t);
    }
    gs_buf_free(&a);
    gs_buf_free(&b);
    gs_diag_free(&d);
}

/* --------------------------------------------------------------- tracker */

/* Plots of one ballistic object seen by the two sensors of sensors_json,
 * 200 s from a state 300 km up over the Sea of Japan, with noise. */
static size_t make_plots(const struct gs_sensor *s, struct gs_plot *out,
                         size_t max, gs_time_t t0, uint64_t seed)
{
    struct gs_dyn m;
    struct gs_geodetic g = geod(39.5, 134.0, 300e3);
    double x[7], enu[9];
    size_t n = 0;
    int k, si;

    test_rng = seed;
    gs_dyn_default(&m);
    gs_geodetic_to_ecef(&g, x);
    gs_enu_matrix(g.lat, g.lon, enu);
    for (k = 0; k < 3; k++)
        x[3 + k] = 3000 * enu[k] + 1000 * enu[3 + k] + 500 * enu[6 + k];
    x[6] = 1e-4;
    for (k = 0; k < 400 && n < max; k++) {
        /* X-band every 0.5 s, S-band every second (offset 0.3 s). */
        for (si = 0; si < 2 && n < max; si++) {
            double y[7], z[4], dt = si == 0 ? 0.5 * k : k + 0.3;
            struct gs_plot *p = &out[n];

            if (si == 1 && k >= 200)
                continue;
            memcpy(y, x, sizeof(y));
            gs_dyn_propagate(&m, y, 7, dt, NULL);
            gs_radar_measure(&s[si].site, y, z, NULL);
            memset(p, 0, sizeof(*p));
            p->time = t0 + (gs_time_t)llround(dt * 1e6);
            p->sensor = si;
            p->range = z[0] + s[si].sigma_range * nrand();
            p->az =
                fmod(z[1] + s[si].sigma_az * nrand() + 2 * GS_PI, 2 * GS_PI);
            p->el = z[2] + s[si].sigma_el * nrand();
            if (s[si].sigma_rr > 0) {
                p->has_rr = true;
                p->rr = z[3] + s[si].sigma_rr * nrand();
            }
            n++;
        }
    }
    return n;
}

static int by_plot_time(const void *a, const void *b)
{
    const struct gs_plot *x = a, *y = b;

    return x->time < y->time ? -1 : x->time > y->time;
}

/* Runs a tracker over plots p[0..n) and returns its last update. */
static size_t run_tracker(const struct gs_sensor *s, size_t ns,
                          const struct gs_plot *p, size_t n,
                          struct gs_track_update *last, size_t *rejected)
{
    struct gs_tracker_config c;
    struct gs_tracker *t;
    struct gs_track_update u[64];
    size_t i, k, total = 0;

    *rejected = 0;
    gs_tracker_config_default(&c);
    memcpy(c.nation, "JPN", 4);
    assert_int_equal(gs_tracker_new(&c, s, ns, &t), 0);
    for (i = 0; i < n; i++) {
        if (gs_tracker_add_plot(t, &p[i], NULL, 0) < 0)
            (*rejected)++;
        while ((k = gs_tracker_poll(t, u, 64)) > 0) {
            *last = u[k - 1];
            total += k;
        }
    }
    gs_tracker_finish(t);
    while ((k = gs_tracker_poll(t, u, 64)) > 0) {
        *last = u[k - 1];
        total += k;
    }
    gs_tracker_free(t);
    return total;
}

static void tracker_late_plots_exact(void **state)
{
    struct gs_diag d;
    struct gs_sensor *s;
    struct gs_plot *p = gs_calloc(1000, sizeof(*p)), *q;
    struct gs_track_update a, b;
    size_t ns, n, i, rej;
    gs_time_t t0 = INT64_C(1664835751) * GS_USEC_PER_SEC;

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &ns, &d);
    n = make_plots(s, p, 1000, t0, 42);
    qsort(p, n, sizeof(*p), by_plot_time);
    q = gs_calloc(n, sizeof(*q));
    memcpy(q, p, n * sizeof(*q));
    run_tracker(s, ns, p, n, &a, &rej);
    assert_int_equal(rej, 0);
    assert_int_equal(a.status, GS_TRACK_LOST);
    assert_string_equal(a.track, "JPN-T1");
    /* Deliver a fifth of the plots up to 4 s late: the stream is out of
     * order, and the final estimate must be the same to the bit. */
    test_rng = 7;
    for (i = 10; i + 8 < n; i++) {
        if (urand() < 0.2) {
            size_t j = i + 1 + (size_t)(urand() * 6);
            struct gs_plot tmp = q[i];

            memmove(&q[i], &q[i + 1], (j - i) * sizeof(*q));
            q[j] = tmp;
            i = j;
        }
    }
    run_tracker(s, ns, q, n, &b, &rej);
    assert_int_equal(rej, 0);
    assert_true(a.time == b.time);
    for (i = 0; i < 6; i++)
        assert_true(a.x[i] == b.x[i]);
    for (i = 0; i < 36; i++)
        assert_true(a.P[i] == b.P[i]);
    gs_free(p);
    gs_free(q);
    gs_free(s);
    gs_diag_free(&d);
}

static void tracker_refuses_bad_plots(void **state)
{
    struct gs_diag d;
    struct gs_sensor *s;
    struct gs_plot *p = gs_calloc(1000, sizeof(*p)), *q;
    struct gs_track_update a, b;
    size_t ns, n, i, rej, k = 0;
    gs_time_t t0 = INT64_C(1664835751) * GS_USEC_PER_SEC;
    struct gs_tracker_config c;
    struct gs_tracker *t;
    char why[256];

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &ns, &d);
    n = make_plots(s, p, 1000, t0, 43);
    qsort(p, n, sizeof(*p), by_plot_time);
    run_tracker(s, ns, p, n, &a, &rej);
    /* The same stream with impossible plots mixed in. */
    q = gs_calloc(n + 50, sizeof(*q));
    for (i = 0; i < n; i++) {
        q[k++] = p[i];
        if (i % 40 == 20) {
            struct gs_plot z = p[i];

            switch ((i / 40) % 5) {
            case 0:
                z.range = NAN;
                break;
            case 1:
                z.range = -100;
                break;
            case 2:
                z.sensor = 7;
                break;
            case 3:
                z.time += 2 * 3600 * GS_USEC_PER_SEC;
                break;
            default:
                z.el = 2.0;
                break;
            }
            q[k++] = z;
        }
    }
    run_tracker(s, ns, q, k, &b, &rej);
    assert_int_equal(rej, k - n);
    assert_true(a.time == b.time);
    for (i = 0; i < 6; i++)
        assert_true(a.x[i] == b.x[i]);
    /* Each refusal says why. */
    gs_tracker_config_default(&c);
    assert_int_equal(gs_tracker_new(&c, s, ns, &t), 0);
    assert_int_equal(gs_tracker_add_plot(t, &p[100], why, sizeof(why)), 0);
    {
        struct gs_plot z = p[100];

        z.time += 3601 * GS_USEC_PER_SEC;
        assert_int_equal(gs_tracker_add_plot(t, &z, why, sizeof(why)),
                         GS_ERR_INVALID);
        assert_non_null(strstr(why, "in the future"));
        z = p[100];
        z.time -= 61 * GS_USEC_PER_SEC;
        assert_int_equal(gs_tracker_add_plot(t, &z, why, sizeof(why)),
                         GS_ERR_INVALID);
        assert_non_null(strstr(why, "older than the latest"));
        z = p[100];
        z.range = INFINITY;
        assert_int_equal(gs_tracker_add_plot(t, &z, why, sizeof(why)),
                         GS_ERR_INVALID);
        assert_non_null(strstr(why, "range"));
    }
    {
        struct gs_tracker_stats st;

        gs_tracker_stats(t, &st);
        assert_int_equal(st.plots_rejected, 3);
        assert_int_equal(st.plots_too_late, 1);
        assert_int_equal(st.plots_accepted, 1);
    }
    gs_tracker_free(t);
    gs_free(p);
    gs_free(q);
    gs_free(s);
    gs_diag_free(&d);
}

static void tracker_estimate_and_impact(void **state)
{
    struct gs_diag d;
    struct gs_sensor *s;
    struct gs_plot *p = gs_calloc(1000, sizeof(*p));
    size_t ns, n, i, k, updates = 0, with_impact = 0;
    gs_time_t t0 = INT64_C(1664835751) * GS_USEC_PER_SEC;
    struct gs_tracker_config c;
    struct gs_tracker *t;
    struct gs_track_update u[64];
    double nees_sum = 0;
    struct gs_dyn m;
    struct gs_flight f;
    double x[7], enu[9];
    struct gs_geodetic g = geod(39.5, 134.0, 300e3), gi;

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &ns, &d);
    n = make_plots(s, p, 1000, t0, 44);
    qsort(p, n, sizeof(*p), by_plot_time);
    /* The truth, as make_plots flies it. */
    gs_dyn_default(&m);
    gs_geodetic_to_ecef(&g, x);
    gs_enu_matrix(g.lat, g.lon, enu);
    for (k = 0; k < 3; k++)
        x[3 + k] = 3000 * enu[k] + 1000 * enu[3 + k] + 500 * enu[6 + k];
    x[6] = 1e-4;
    assert_int_equal(gs_dyn_fly(&m, x, 7, 7200, 0, &f), 0);
    gs_ecef_to_geodetic(f.x_impact, &gi);
    gs_tracker_config_default(&c);
    assert_int_equal(gs_tracker_new(&c, s, ns, &t), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(gs_tracker_add_plot(t, &p[i], NULL, 0), 0);
        while ((k = gs_tracker_poll(t, u, 64)) > 0) {
            size_t j;

            for (j = 0; j < k; j++) {
                double y[7], e[6], v;
                int a;
                double dt = (double)(u[j].time - t0) * 1e-6;

                assert_string_equal(u[j].track, "USA-T1");
                memcpy(y, x, sizeof(y));
                gs_dyn_propagate(&m, y, 7, dt, NULL);
                for (a = 0; a < 6; a++)
                    e[a] = u[j].x[a] - y[a];
                assert_int_equal(gs_mat_mahalanobis(u[j].P, e, 6, &v), 0);
                if (dt > 60) {
                    nees_sum += v;
                    updates++;
                }
                if (u[j].impact.valid && dt > 60) {
                    double miss;

                    with_impact++;
                    gs_geodesic_inverse(u[j].impact.lat * GS_DEG,
                                        u[j].impact.lon * GS_DEG, gi.lat,
                                        gi.lon, &miss, NULL);
                    /* Well inside the 95 % ellipse's major axis. */
                    assert_true(miss < 3 * u[j].impact.ellipse.semi_major + 10);
                }
            }
        }
    }
    /* One track, consistent: mean NEES near 6 (it is 6 dimensions; the
     * bounds are loose, this is one run of correlated samples). */
    assert_true(updates > 100 && with_impact > 100);
    assert_true(nees_sum / (double)updates > 2 &&
                nees_sum / (double)updates < 15);
    gs_tracker_free(t);
    gs_free(p);
    gs_free(s);
    gs_diag_free(&d);
}

/* ------------------------------------------------------------------ pair */

/*
 * Two objects part at 3 m/s (a spent stage pushed back from its warhead)
 * under the radars of sensors_json: the X-band resolves them in range
 * from a metre on, the S-band only from 15 m (until then it reports their
 * centroid). The scans of n_s seconds from the separation go to q[] (in
 * time order) and the true states at the end to xa, xb.
 */
static size_t parting_scans(const struct gs_sensor *s, gs_time_t t0,
                            const double *x0, double secs, struct gs_plot *q,
                            size_t max, double xa[6], double xb[6])
{
    struct gs_dyn m;
    double xs[2][7], vn;
    size_t n = 0;
    int k, si, o;

    gs_dyn_default(&m);
    for (o = 0; o < 2; o++)
        memcpy(xs[o], x0, sizeof(xs[o]));
    vn = sqrt(x0[3] * x0[3] + x0[4] * x0[4] + x0[5] * x0[5]);
    for (k = 0; k < 3; k++)
        xs[1][3 + k] -= 3.0 * x0[3 + k] / vn;
    for (k = 1; k <= (int)(2 * secs); k++) {
        for (si = 0; si < 2; si++) {
            double y[2][7], z[2][4], dt = 0.5 * k;
            bool merged;

            if (si == 1 && k % 2 == 0)
                continue;
            for (o = 0; o < 2; o++) {
                memcpy(y[o], xs[o], sizeof(y[o]));
                gs_dyn_propagate(&m, y[o], 7, dt, NULL);
                gs_radar_measure(&s[si].site, y[o], z[o], NULL);
            }
            merged = fabs(z[0][0] - z[1][0]) < s[si].range_resolution;
            for (o = 0; o < (merged ? 1 : 2) && n < max; o++) {
                struct gs_plot *p = &q[n];
                double c[4];
                int i;

                for (i = 0; i < 4; i++)
                    c[i] = merged ? 0.5 * (z[0][i] + z[1][i]) : z[o][i];
                if (urand() > s[si].pd)
                    continue;
                memset(p, 0, sizeof(*p));
                p->time = t0 + (gs_time_t)llround(dt * 1e6);
                p->sensor = si;
                p->range = c[0] + s[si].sigma_range * nrand();
                p->az = fmod(c[1] + s[si].sigma_az * nrand() + 2 * GS_PI,
                             2 * GS_PI);
                p->el = c[2] + s[si].sigma_el * nrand();
                if (s[si].sigma_rr > 0) {
                    p->has_rr = true;
                    p->rr = c[3] + s[si].sigma_rr * nrand();
                }
                n++;
            }
        }
    }
    for (o = 0; o < 2; o++) {
        gs_dyn_propagate(&m, xs[o], 7, secs, NULL);
        memcpy(o ? xb : xa, xs[o], 6 * sizeof(double));
    }
    return n;
}

/* Feeds scans q[0..n) (grouped by time and sensor, in the given order)
 * to a new pair started from e. */
static struct gs_pair *run_pair(const struct gs_est_config *c,
                                const struct gs_sensor *s, size_t ns,
                                const struct gs_est *e, const struct gs_plot *q,
                                size_t n)
{
    struct gs_pair_config pc;
    struct gs_pair *p;
    size_t i, j;

    gs_pair_config_default(&pc);
    assert_int_equal(gs_pair_new(&pc, c, s, ns, e, &p), 0);
    for (i = 0; i < n; i = j) {
        bool claimed[GS_PAIR_SCAN_MAX];

        for (j = i; j < n && j - i < GS_PAIR_SCAN_MAX &&
                    q[j].time == q[i].time && q[j].sensor == q[i].sensor;
             j++)
            ;
        assert_int_equal(gs_pair_scan(p, &q[i], (int)(j - i), claimed), 0);
    }
    return p;
}

/* NEES (6 dimensions) of object o of pair p against true state x at
 * time t. */
static double pair_nees(const struct gs_pair *p, const struct gs_est_config *c,
                        int o, gs_time_t t, const double *x)
{
    struct gs_pair_object b;
    double x7[7], P7[49], P6[36], d[6], v;
    int i, j;

    gs_pair_best(p, o, &b);
    assert_int_equal(gs_est_predict(&b.est, c, t), 0);
    gs_est_combined(&b.est, x7, P7);
    for (i = 0; i < 6; i++) {
        d[i] = x7[i] - x[i];
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
    }
    assert_int_equal(gs_mat_mahalanobis(P6, d, 6, &v), 0);
    return v;
}

static void pair_keeps_parting_objects(void **state)
{
    struct gs_diag d;
    struct gs_sensor *s;
    struct gs_est_config c;
    struct gs_est e;
    struct gs_plot *p = gs_calloc(1000, sizeof(*p)), *q, *r;
    struct gs_pair *a, *b;
    struct gs_dyn m;
    double x0[7], xa[6], xb[6], aa, ab, ba, bb;
    gs_time_t t0 = INT64_C(1664835751) * GS_USEC_PER_SEC, ts, tend;
    size_t ns, n, nq, i, j, k;

    (void)state;
    gs_diag_init(&d);
    s = load_sensors(sensors_json, &ns, &d);
    gs_est_config_default(&c);
    /* One object for 40 s: the estimate the pair starts from. */
    n = make_plots(s, p, 1000, t0, 11);
    qsort(p, n, sizeof(*p), by_plot_time);
    gs_est_init(&e, &c, &p[0], &s[p[0].sensor], NULL, 0);
    ts = t0 + 40 * GS_USEC_PER_SEC;
    for (i = 1; i < n && p[i].time < ts; i++)
        gs_est_update(&e, &c, &p[i], &s[p[i].sensor]);
    assert_false(e.imm);
    /* Widened as the tracker widens a split (30 m, 10 m/s). */
    for (k = 0; k < 3; k++) {
        e.kf[1].P[k * 7 + k] += 900;
        e.kf[1].P[(3 + k) * 7 + 3 + k] += 100;
    }
    /* The true state at the estimate's time, as make_plots flies it. */
    {
        struct gs_geodetic g = geod(39.5, 134.0, 300e3);
        double enu[9];

        gs_dyn_default(&m);
        gs_geodetic_to_ecef(&g, x0);
        gs_enu_matrix(g.lat, g.lon, enu);
        for (k = 0; k < 3; k++)
            x0[3 + k] = 3000 * enu[k] + 1000 * enu[3 + k] + 500 * enu[6 + k];
        x0[6] = 1e-4;
        gs_dyn_propagate(&m, x0, 7, (double)(e.t - t0) * 1e-6, NULL);
    }
    q = gs_calloc(1000, sizeof(*q));
    test_rng = 23;
    nq = parting_scans(s, e.t, x0, 60, q, 1000, xa, xb);
    tend = e.t + 60 * GS_USEC_PER_SEC;
    a = run_pair(&c, s, ns, &e, q, nq);
    /* Each track on its own object, consistent, and not on the other (no
     * coalescence on their centroid). */
    aa = pair_nees(a, &c, 0, tend, xa);
    ab = pair_nees(a, &c, 0, tend, xb);
    ba = pair_nees(a, &c, 1, tend, xa);
    bb = pair_nees(a, &c, 1, tend, xb);
    if (aa + bb > ab + ba) {
        double t1 = aa, t2 = bb;

        aa = ab;
        bb = ba;
        ab = t1;
        ba = t2;
    }
    assert_true(aa < 30 && bb < 30);
    assert_true(ab > 100 && ba > 100);
    /* The same scans with every fifth coming two scans late: the same
     * estimates, to the bit. */
    r = gs_calloc(nq + 1, sizeof(*r));
    memcpy(r, q, nq * sizeof(*r));
    for (i = 5; i + 12 < nq; i += 10) {
        struct gs_plot tmp[GS_PAIR_SCAN_MAX];
        size_t len, after;

        for (j = i;
             j < nq && r[j].time == r[i].time && r[j].sensor == r[i].sensor;
             j++)
            ;
        len = j - i;
        /* Move the scan at i behind the next two scans. */
        for (after = j, k = 0; k < 2 && after < nq; k++) {
            size_t e2;

            for (e2 = after; e2 < nq && r[e2].time == r[after].time &&
                             r[e2].sensor == r[after].sensor;
                 e2++)
                ;
            after = e2;
        }
        memcpy(tmp, &r[i], len * sizeof(*r));
        memmove(&r[i], &r[j], (after - j) * sizeof(*r));
        memcpy(&r[after - len], tmp, len * sizeof(*r));
    }
    b = run_pair(&c, s, ns, &e, r, nq);
    for (k = 0; k < 2; k++) {
        struct gs_pair_object oa, ob;

        gs_pair_best(a, (int)k, &oa);
        gs_pair_best(b, (int)k, &ob);
        assert_true(oa.est.t == ob.est.t);
        for (i = 0; i < 7; i++)
            assert_true(oa.est.kf[1].x[i] == ob.est.kf[1].x[i]);
        for (i = 0; i < 49; i++)
            assert_true(oa.est.kf[1].P[i] == ob.est.kf[1].P[i]);
    }
    gs_pair_free(a);
    gs_pair_free(b);
    gs_free(p);
    gs_free(q);
    gs_free(r);
    gs_free(s);
    gs_diag_free(&d);
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
        cmocka_unit_test(mat_against_naive),
        cmocka_unit_test(assign_against_brute_force),
        cmocka_unit_test(ekf_against_naive),
        cmocka_unit_test(ukf_equals_kalman_on_linear),
        cmocka_unit_test(ukf_against_naive),
        cmocka_unit_test(bound_equals_kalman_on_linear),
        cmocka_unit_test(impact_ellipse_against_monte_carlo),
        cmocka_unit_test(fusion_is_consistent),
        cmocka_unit_test(sensors_file_checked),
        cmocka_unit_test(plots_checked),
        cmocka_unit_test(update_round_trip),
        cmocka_unit_test(tracker_late_plots_exact),
        cmocka_unit_test(tracker_refuses_bad_plots),
        cmocka_unit_test(tracker_estimate_and_impact),
        cmocka_unit_test(pair_keeps_parting_objects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
