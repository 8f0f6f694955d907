/*
 * dyn.c - forces, their Jacobian, and Runge-Kutta integration with the
 * state-transition matrix; see dyn.h.
 *
 * The Jacobian A of f(x) = (v, acc(x), 0, ...) has a fixed shape: rows of
 * the position are the identity on the velocity, rows of the velocity hold
 * the gravity gradient (plus centrifugal and drag terms) on r, the Coriolis
 * and drag terms on v, the drag on kappa and the identity on a, and the
 * rows of kappa and a are zero. apply_jacobian() multiplies by that shape
 * directly, which keeps a 10-state step with its transition matrix to a few
 * thousand flops.
 */
#include "track/dyn.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/geo.h"

/* The non-zero blocks of A at one state. */
struct jac {
    double ar[9]; /* d acc / d r */
    double av[9]; /* d acc / d v */
    double ak[3]; /* d acc / d kappa */
    double aa[9]; /* d (da/dt) / d a, for thrust growth */
    bool growth;
};

void gs_dyn_default(struct gs_dyn *m)
{
    memset(m, 0, sizeof(*m));
    m->j2 = true;
    m->rotating = true;
    m->drag = true;
}

double gs_dyn_height(const double r[3])
{
    const double a = GS_WGS84_A, b = GS_WGS84_B;
    double p2 = r[0] * r[0] + r[1] * r[1];
    double rn = sqrt(p2 + r[2] * r[2]);
    double D = sqrt(b * b * p2 + a * a * r[2] * r[2]);

    return rn * (1.0 - a * b / D);
}

double gs_dyn_density(double h)
{
    if (h >= GS_DYN_ATMOSPHERE_TOP)
        return 0;
    return GS_DYN_RHO0 * exp(-h / GS_DYN_SCALE_HEIGHT);
}

/* Gradient of gs_dyn_height. */
static void height_gradient(const double r[3], double grad[3])
{
    const double a = GS_WGS84_A, b = GS_WGS84_B;
    double p2 = r[0] * r[0] + r[1] * r[1];
    double rn = sqrt(p2 + r[2] * r[2]);
    double D = sqrt(b * b * p2 + a * a * r[2] * r[2]);
    double c[3] = {b * b, b * b, a * a};
    int i;

    for (i = 0; i < 3; i++)
        grad[i] = r[i] / rn * (1.0 - a * b / D) +
                  rn * a * b * c[i] * r[i] / (D * D * D);
}

/* Gravity (point mass and J2) and, when G is not NULL, its gradient. */
static void gravity(bool j2, const double r[3], double g[3], double *G)
{
    const double mu = GS_WGS84_GM;
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    double rn = sqrt(r2);
    double ir2 = 1.0 / r2, ir3 = ir2 / rn, ir5 = ir3 * ir2, ir7 = ir5 * ir2;
    double z = r[2], k = 0;
    int i, j;

    if (j2)
        k = mu * GS_WGS84_J2 * GS_WGS84_A * GS_WGS84_A / 2.0;
    for (i = 0; i < 3; i++) {
        g[i] = -mu * ir3 * r[i];
        if (j2)
            g[i] += k * (-3.0 * ir5 + 15.0 * z * z * ir7) * r[i];
    }
    if (j2)
        g[2] += -6.0 * k * z * ir5;
    if (G == NULL)
        return;
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++) {
            double d = i == j ? 1.0 : 0.0;
            double v = -mu * (ir3 * d - 3.0 * ir5 * r[i] * r[j]);

            if (j2) {
                double ir9 = ir7 * ir2;

                v += -3.0 * k * (ir5 * d - 5.0 * ir7 * r[i] * r[j]);
                v += 15.0 * k *
                     ((j == 2 ? 2.0 * z * ir7 * r[i] : 0.0) -
                      7.0 * z * z * ir9 * r[i] * r[j] + z * z * ir7 * d);
                if (i == 2)
                    v += -6.0 * k *
                         ((j == 2 ? ir5 : 0.0) - 5.0 * z * ir7 * r[j]);
            }
            G[i * 3 + j] = v;
        }
    }
}

/* acc at x, and the blocks of the Jacobian when J is not NULL. */
static void accel(const struct gs_dyn *m, const double *x, int n, double acc[3],
                  struct jac *J)
{
    const double w = GS_WGS84_OMEGA;
    int i, j;

    gravity(m->j2, x, acc, J ? J->ar : NULL);
    if (J != NULL) {
        memset(J->av, 0, sizeof(J->av));
        memset(J->ak, 0, sizeof(J->ak));
    }
    if (m->rotating) {
        acc[0] += w * w * x[0] + 2.0 * w * x[4];
        acc[1] += w * w * x[1] - 2.0 * w * x[3];
        if (J != NULL) {
            J->ar[0] += w * w;
            J->ar[4] += w * w;
            J->av[1] = 2.0 * w;
            J->av[3] = -2.0 * w;
        }
    }
    if (m->drag && n >= GS_N_BALLISTIC) {
        double h = gs_dyn_height(x);
        double rho = gs_dyn_density(h);

        if (rho > 0) {
            const double *v = x + GS_X_V;
            double kap = x[GS_X_KAPPA];
            double s = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);

            for (i = 0; i < 3; i++)
                acc[i] += -0.5 * kap * rho * s * v[i];
            if (J != NULL && s > 0) {
                double grad[3];

                height_gradient(x, grad);
                for (i = 0; i < 3; i++) {
                    J->ak[i] = -0.5 * rho * s * v[i];
                    for (j = 0; j < 3; j++) {
                        J->av[i * 3 + j] +=
                            -0.5 * kap * rho *
                            ((i == j ? s : 0.0) + v[i] * v[j] / s);
                        J->ar[i * 3 + j] += 0.5 * kap * rho * s * v[i] *
                                            grad[j] / GS_DYN_SCALE_HEIGHT;
                    }
                }
            }
        }
    }
    if (n == GS_N_BOOST)
        for (i = 0; i < 3; i++)
            acc[i] += x[GS_X_ACC + i];
    if (J != NULL) {
        J->growth = n == GS_N_BOOST && m->thrust_growth > 0;
        if (J->growth) {
            const double *a = x + GS_X_ACC;
            double am = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);

            for (i = 0; i < 3; i++)
                for (j = 0; j < 3; j++)
                    J->aa[i * 3 + j] =
                        am > 0 ? m->thrust_growth *
                                     ((i == j ? am : 0.0) + a[i] * a[j] / am)
                               : 0.0;
        }
    }
}

/* The thrust's rate of change under the growth law (zeros without it). */
static void thrust_rate(const struct gs_dyn *m, const double *x, int n,
                        double *da)
{
    int i;

    for (i = 0; i < 3; i++)
        da[i] = 0;
    if (n == GS_N_BOOST && m->thrust_growth > 0) {
        const double *a = x + GS_X_ACC;
        double am = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);

        for (i = 0; i < 3; i++)
            da[i] = m->thrust_growth * am * a[i];
    }
}

void gs_dyn_accel(const struct gs_dyn *m, const double *x, int n, double acc[3],
                  double *A)
{
    struct jac J;
    int i, j;

    accel(m, x, n, acc, A ? &J : NULL);
    if (A == NULL)
        return;
    memset(A, 0, sizeof(double) * (size_t)(n * n));
    for (i = 0; i < 3; i++) {
        A[i * n + 3 + i] = 1.0;
        for (j = 0; j < 3; j++) {
            A[(3 + i) * n + j] = J.ar[i * 3 + j];
            A[(3 + i) * n + 3 + j] = J.av[i * 3 + j];
        }
        if (n >= GS_N_BALLISTIC)
            A[(3 + i) * n + GS_X_KAPPA] = J.ak[i];
        if (n == GS_N_BOOST)
            A[(3 + i) * n + GS_X_ACC + i] = 1.0;
        if (J.growth)
            for (j = 0; j < 3; j++)
                A[(GS_X_ACC + i) * n + GS_X_ACC + j] = J.aa[i * 3 + j];
    }
}

/* out = A * P for the structured A of J (both n x n). */
static void apply_jacobian(const struct jac *J, int n, const double *P,
                           double *out)
{
    int i, j, c;

    memset(out, 0, sizeof(double) * (size_t)(n * n));
    for (c = 0; c < n; c++) {
        for (i = 0; i < 3; i++) {
            double s = 0;

            out[i * n + c] = P[(3 + i) * n + c];
            for (j = 0; j < 3; j++)
                s += J->ar[i * 3 + j] * P[j * n + c] +
                     J->av[i * 3 + j] * P[(3 + j) * n + c];
            if (n >= GS_N_BALLISTIC)
                s += J->ak[i] * P[GS_X_KAPPA * n + c];
            if (n == GS_N_BOOST)
                s += P[(GS_X_ACC + i) * n + c];
            out[(3 + i) * n + c] = s;
            if (J->growth) {
                s = 0;
                for (j = 0; j < 3; j++)
                    s += J->aa[i * 3 + j] * P[(GS_X_ACC + j) * n + c];
                out[(GS_X_ACC + i) * n + c] = s;
            }
        }
    }
}

/* The derivative of the state (and of Phi when Phi is not NULL). */
static void deriv(const struct gs_dyn *m, double t, const double *x, int n,
                  const double *Phi, double *dx, double *dPhi)
{
    struct jac J;
    double acc[3];
    int i;

    accel(m, x, n, acc, Phi ? &J : NULL);
    if (m->extra != NULL) {
        double e[3];

        m->extra(m->ctx, t, x, e);
        for (i = 0; i < 3; i++)
            acc[i] += e[i];
    }
    for (i = 0; i < 3; i++) {
        dx[i] = x[3 + i];
        dx[3 + i] = acc[i];
    }
    for (i = 6; i < n; i++)
        dx[i] = 0;
    if (n == GS_N_BOOST)
        thrust_rate(m, x, n, dx + GS_X_ACC);
    if (Phi != NULL)
        apply_jacobian(&J, n, Phi, dPhi);
}

double gs_dyn_max_step(const struct gs_dyn *m, const double *x, int n)
{
    double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    double s = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    /* About 600 steps per orbital period at this radius. */
    double hs = 0.0105 * sqrt(r * r * r / GS_WGS84_GM);

    if (hs > 20.0)
        hs = 20.0;
    if (m->drag && n >= GS_N_BALLISTIC) {
        double h = gs_dyn_height(x);
        double rho = gs_dyn_density(h);

        if (rho > 0) {
            double ad = 0.5 * fabs(x[GS_X_KAPPA]) * rho * s * s;

            /* Density changes by at most e^0.25 and speed by at most 5 %
             * within a step. */
            if (hs > 2.0)
                hs = 2.0;
            if (s > 0 && hs > 0.25 * GS_DYN_SCALE_HEIGHT / s)
                hs = 0.25 * GS_DYN_SCALE_HEIGHT / s;
            if (ad > 0 && hs > 0.05 * s / ad)
                hs = 0.05 * s / ad;
        }
    }
    if (n == GS_N_BOOST && hs > 2.0)
        hs = 2.0;
    if (m->extra != NULL && hs > 0.1)
        hs = 0.1;
    if (hs < 1e-3)
        hs = 1e-3;
    return hs;
}

static bool state_ok(const double *x, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return x[0] * x[0] + x[1] * x[1] + x[2] * x[2] > 1e12;
}

/* One Runge-Kutta step of h seconds from time t; Phi (may be NULL) is
 * advanced as well. */
static void rk4_step(const struct gs_dyn *m, double t, double *x, int n,
                     double h, double *Phi)
{
    double k[4][GS_MAT_MAX], y[GS_MAT_MAX];
    double K[4][GS_MAT_MAX * GS_MAT_MAX], Y[GS_MAT_MAX * GS_MAT_MAX];
    static const double c[4] = {0, 0.5, 0.5, 1.0};
    int s, i, nn = n * n;

    for (s = 0; s < 4; s++) {
        double f = h * c[s];

        for (i = 0; i < n; i++)
            y[i] = s == 0 ? x[i] : x[i] + f * k[s - 1][i];
        if (Phi != NULL)
            for (i = 0; i < nn; i++)
                Y[i] = s == 0 ? Phi[i] : Phi[i] + f * K[s - 1][i];
        deriv(m, t + f, y, n, Phi ? Y : NULL, k[s], Phi ? K[s] : NULL);
    }
    for (i = 0; i < n; i++)
        x[i] += h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
    if (Phi != NULL)
        for (i = 0; i < nn; i++)
            Phi[i] +=
                h / 6.0 * (K[0][i] + 2.0 * K[1][i] + 2.0 * K[2][i] + K[3][i]);
}

int gs_dyn_propagate(const struct gs_dyn *m, double *x, int n, double dt,
                     double *Phi)
{
    double t = 0, dir = dt < 0 ? -1.0 : 1.0, left = fabs(dt);
    double save[GS_MAT_MAX];

    if (Phi != NULL)
        gs_mat_identity(Phi, n);
    while (left > 0) {
        double h = gs_dyn_max_step(m, x, n);

        /* Stretch the last step a little rather than leave a sliver. */
        if (h >= left * 0.999)
            h = left;
        memcpy(save, x, sizeof(double) * (size_t)n);
        rk4_step(m, t, x, n, dir * h, Phi);
        if (!state_ok(x, n)) {
            memcpy(x, save, sizeof(double) * (size_t)n);
            return GS_ERR_INVALID;
        }
        t += dir * h;
        left -= h;
    }
    return 0;
}

/* The geodetic height and its rate (up . v) at state x. */
static void height_rate(const double *x, double *h, double *hdot)
{
    struct gs_geodetic g;
    double sl, cl, so, co;

    gs_ecef_to_geodetic(x, &g);
    sl = sin(g.lat);
    cl = cos(g.lat);
    so = sin(g.lon);
    co = cos(g.lon);
    *h = g.h;
    *hdot = cl * co * x[3] + cl * so * x[4] + sl * x[5];
}

/*
 * Finds tau in [0, hs] where what(step(x, tau)) = 0, given the values f0 at
 * 0 and f1 at hs of opposite signs (what: 0 height - target, 1 height
 * rate). Illinois regula falsi; y receives the state at tau.
 */
static double refine(const struct gs_dyn *m, double t, const double *x, int n,
                     double hs, double f0, double f1, int what, double target,
                     double *y)
{
    double a = 0, b = hs, fa = f0, fb = f1, c = hs;
    int side = 0, it;

    memcpy(y, x, sizeof(double) * (size_t)n);
    for (it = 0; it < 60; it++) {
        double h, hd, fc;

        c = (a * fb - b * fa) / (fb - fa);
        memcpy(y, x, sizeof(double) * (size_t)n);
        rk4_step(m, t, y, n, c, NULL);
        height_rate(y, &h, &hd);
        fc = what == 0 ? h - target : hd;
        if (fabs(fc) < (what == 0 ? 1e-4 : 1e-6) || b - a < 1e-9)
            break;
        if ((fc < 0) == (fb < 0)) {
            b = c;
            fb = fc;
            if (side == -1)
                fa /= 2;
            side = -1;
        } else {
            a = c;
            fa = fc;
            if (side == 1)
                fb /= 2;
            side = 1;
        }
    }
    return c;
}

/* The sign of the geocentric radial velocity: a cheap stand-in for the
 * height rate, refined with the exact one where it matters. */
static double radial_rate(const double *x)
{
    return x[0] * x[3] + x[1] * x[4] + x[2] * x[5];
}

int gs_dyn_fly(const struct gs_dyn *m, const double *x0, int n, double t_max,
               double h_ground, struct gs_flight *out)
{
    double x[GS_MAT_MAX], xn[GS_MAT_MAX], y[GS_MAT_MAX];
    double t = 0, h0, hd0, ch0, rr0;

    memset(out, 0, sizeof(*out));
    memcpy(x, x0, sizeof(double) * (size_t)n);
    height_rate(x, &h0, &hd0);
    if (h0 <= h_ground) {
        out->impact = true;
        memcpy(out->x_impact, x, sizeof(double) * (size_t)n);
        return 0;
    }
    ch0 = gs_dyn_height(x);
    rr0 = radial_rate(x);
    while (t < t_max) {
        double hs = gs_dyn_max_step(m, x, n), h1, hd1, ch1, rr1;
        bool exact;

        if (hs > t_max - t)
            hs = t_max - t;
        memcpy(xn, x, sizeof(double) * (size_t)n);
        rk4_step(m, t, xn, n, hs, NULL);
        if (!state_ok(xn, n))
            return GS_ERR_INVALID;
        /* The exact height only near the ground or near the top: the
         * cheap one is within a kilometre of it (and within a metre near
         * the surface). */
        ch1 = gs_dyn_height(xn);
        rr1 = radial_rate(xn);
        exact = ch1 < h_ground + 2000 || ch0 < h_ground + 2000 ||
                (rr0 > 0) != (rr1 > 0) || (hd0 > 0 && rr1 <= 0);
        if (exact) {
            height_rate(xn, &h1, &hd1);
        } else {
            h1 = ch1;
            hd1 = rr1 > 0 ? 1 : -1;
        }
        if (hd0 > 0 && hd1 <= 0) {
            double tau, ha, hda;

            if (!exact)
                height_rate(xn, &h1, &hd1);
            tau = refine(m, t, x, n, hs, hd0, hd1, 1, 0, y);
            height_rate(y, &ha, &hda);
            out->apogee = true;
            out->t_apogee = t + tau;
            out->h_apogee = ha;
        }
        if (h1 <= h_ground) {
            double tau;

            if (!exact)
                height_rate(xn, &h1, &hd1);
            if (!(h0 > h_ground))
                height_rate(x, &h0, &hd0);
            tau = refine(m, t, x, n, hs, h0 - h_ground, h1 - h_ground, 0,
                         h_ground, y);
            out->impact = true;
            out->t_impact = t + tau;
            memcpy(out->x_impact, y, sizeof(double) * (size_t)n);
            return 0;
        }
        memcpy(x, xn, sizeof(double) * (size_t)n);
        h0 = h1;
        hd0 = hd1;
        ch0 = ch1;
        rr0 = rr1;
        t += hs;
    }
    return 0;
}

void gs_dyn_process_noise(int n, double dt, double q_acc, double q_kappa,
                          double q_jerk, double *Q)
{
    double d = fabs(dt), d2 = d * d, d3 = d2 * d;
    int i;

    memset(Q, 0, sizeof(double) * (size_t)(n * n));
    for (i = 0; i < 3; i++) {
        int r = GS_X_R + i, v = GS_X_V + i;

        Q[r * n + r] += q_acc * d3 / 3.0;
        Q[r * n + v] += q_acc * d2 / 2.0;
        Q[v * n + r] += q_acc * d2 / 2.0;
        Q[v * n + v] += q_acc * d;
        if (n == GS_N_BOOST) {
            int a = GS_X_ACC + i;

            Q[r * n + r] += q_jerk * d3 * d2 / 20.0;
            Q[r * n + v] += q_jerk * d2 * d2 / 8.0;
            Q[v * n + r] += q_jerk * d2 * d2 / 8.0;
            Q[r * n + a] += q_jerk * d3 / 6.0;
            Q[a * n + r] += q_jerk * d3 / 6.0;
            Q[v * n + v] += q_jerk * d3 / 3.0;
            Q[v * n + a] += q_jerk * d2 / 2.0;
            Q[a * n + v] += q_jerk * d2 / 2.0;
            Q[a * n + a] += q_jerk * d;
        }
    }
    if (n >= GS_N_BALLISTIC)
        Q[GS_X_KAPPA * n + GS_X_KAPPA] += q_kappa * d;
}
