/*
 * predict.c - impact and launch prediction; see predict.h.
 */
#include "track/predict.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "track/dyn.h"
#include "track/filter.h"
#include "track/geo.h"
#include "track/mat.h"

#define US 1e-6

static gs_time_t add_seconds(gs_time_t t, double s)
{
    return t + (gs_time_t)llround(s * 1e6);
}

/* Sigma points of (x, P), with a little jitter if P is only semi-definite
 * (a kappa that never met the air keeps its prior, but rounding can make
 * the matrix lose definiteness). */
static int sigma_points(int n, const double *x, const double *P, double *pts,
                        double *wm, double *wc)
{
    struct gs_kf kf;
    int i, k;

    kf.n = n;
    memcpy(kf.x, x, sizeof(double) * (size_t)n);
    memcpy(kf.P, P, sizeof(double) * (size_t)(n * n));
    for (k = 0; k < 3; k++) {
        if (gs_ukf_sigma_points(&kf, pts, wm, wc) == 0)
            return 0;
        for (i = 0; i < n; i++)
            kf.P[i * n + i] += 1e-9 * fabs(kf.P[i * n + i]) + 1e-12;
    }
    return GS_ERR_INVALID;
}

/* East-north statistics of ECEF ground points r[i] (weights wm, wc) about
 * their mean: fills the impact point, C and time statistics. */
static void ground_stats(int np, const double (*r)[3], const double *tau,
                         const double *wm, const double *wc, gs_time_t t0,
                         struct gs_ground_point *g, double C[4])
{
    double rm[3] = {0, 0, 0}, tm = 0, d[2] = {0, 0}, vt = 0;
    double(*enu)[3] = gs_calloc((size_t)np, sizeof(*enu));
    struct gs_geodetic gm;
    struct gs_site site;
    int i, k;

    for (i = 0; i < np; i++) {
        for (k = 0; k < 3; k++)
            rm[k] += wm[i] * r[i][k];
        tm += wm[i] * tau[i];
    }
    gs_ecef_to_geodetic(rm, &gm);
    gm.h = 0;
    gs_site_init(&site, &gm);
    for (i = 0; i < np; i++) {
        gs_site_enu(&site, r[i], enu[i]);
        d[0] += wm[i] * enu[i][0];
        d[1] += wm[i] * enu[i][1];
    }
    C[0] = C[1] = C[2] = C[3] = 0;
    for (i = 0; i < np; i++) {
        double e = enu[i][0] - d[0], nn = enu[i][1] - d[1];

        C[0] += wc[i] * e * e;
        C[1] += wc[i] * e * nn;
        C[3] += wc[i] * nn * nn;
        vt += wc[i] * (tau[i] - tm) * (tau[i] - tm);
    }
    C[2] = C[1];
    {
        double off[3] = {d[0], d[1], 0}, rr[3];
        struct gs_geodetic gg;

        gs_site_from_enu(&site, off, rr);
        gs_ecef_to_geodetic(rr, &gg);
        g->lat = gg.lat / GS_DEG;
        g->lon = gg.lon / GS_DEG;
    }
    g->valid = true;
    g->time = add_seconds(t0, tm);
    g->time_sigma = sqrt(vt > 0 ? vt : 0);
    gs_ellipse_from_cov(C, &g->ellipse);
    gs_free(enu);
}

int gs_predict_impact(const double x[7], const double P[49], gs_time_t t,
                      double t_max, struct gs_impact_prediction *out)
{
    enum { N = 7, NP = 2 * N + 1 };
    double pts[NP * N], wm[NP], wc[NP], r[NP][3], tau[NP];
    struct gs_dyn m;
    int i, rc;

    memset(out, 0, sizeof(*out));
    gs_dyn_default(&m);
    rc = sigma_points(N, x, P, pts, wm, wc);
    if (rc < 0)
        return rc;
    for (i = 0; i < NP; i++) {
        struct gs_flight f;
        double *y = pts + i * N;

        /* Drag cannot push: a negative kappa is outside the model. */
        if (y[GS_X_KAPPA] < 0)
            y[GS_X_KAPPA] = 0;
        rc = gs_dyn_fly(&m, y, N, t_max, 0, &f);
        if (rc < 0)
            return rc;
        if (!f.impact)
            return GS_ERR_INVALID;
        memcpy(r[i], f.x_impact, sizeof(r[i]));
        tau[i] = f.t_impact;
        if (i == 0 && f.apogee) {
            out->has_apogee = true;
            out->apogee_height = f.h_apogee;
            out->apogee_time = add_seconds(t, f.t_apogee);
        }
    }
    ground_stats(NP, (const double(*)[3])r, tau, wm, wc, t, &out->impact,
                 out->C);
    return 0;
}

int gs_predict_impact_linear(const double x[7], const double P[49], gs_time_t t,
                             double t_max, struct gs_impact_prediction *out)
{
    double y[7], Phi[49], up[3], G[21], J[14], JP[14], Jt[7], hdot, vt = 0;
    struct gs_flight f;
    struct gs_geodetic g;
    struct gs_dyn m;
    double enu[9];
    int i, j, rc;

    memset(out, 0, sizeof(*out));
    gs_dyn_default(&m);
    memcpy(y, x, sizeof(y));
    if (y[GS_X_KAPPA] < 0)
        y[GS_X_KAPPA] = 0;
    rc = gs_dyn_fly(&m, y, 7, t_max, 0, &f);
    if (rc < 0)
        return rc;
    if (!f.impact)
        return GS_ERR_INVALID;
    if (f.apogee) {
        out->has_apogee = true;
        out->apogee_height = f.h_apogee;
        out->apogee_time = add_seconds(t, f.t_apogee);
    }
    rc = gs_dyn_propagate(&m, y, 7, f.t_impact, Phi);
    if (rc < 0)
        return rc;
    gs_ecef_to_geodetic(f.x_impact, &g);
    gs_enu_matrix(g.lat, g.lon, enu);
    for (i = 0; i < 3; i++)
        up[i] = enu[6 + i];
    hdot =
        up[0] * f.x_impact[3] + up[1] * f.x_impact[4] + up[2] * f.x_impact[5];
    if (hdot >= 0)
        return GS_ERR_INVALID;
    /* A shift dx of the state moves the ground point by
     * G dx = Phi_r dx - v (u . Phi_r dx) / hdot. */
    for (j = 0; j < 7; j++) {
        double uphi = up[0] * Phi[0 * 7 + j] + up[1] * Phi[1 * 7 + j] +
                      up[2] * Phi[2 * 7 + j];

        for (i = 0; i < 3; i++)
            G[i * 7 + j] = Phi[i * 7 + j] - f.x_impact[3 + i] * uphi / hdot;
        Jt[j] = -uphi / hdot;
    }
    gs_mat_mul(enu, G, J, 2, 3, 7);
    gs_mat_mul(J, P, JP, 2, 7, 7);
    gs_mat_mul_abt(JP, J, out->C, 2, 7, 2);
    gs_mat_symmetrize(out->C, 2);
    for (i = 0; i < 7; i++)
        for (j = 0; j < 7; j++)
            vt += Jt[i] * P[i * 7 + j] * Jt[j];
    out->impact.valid = true;
    out->impact.lat = g.lat / GS_DEG;
    out->impact.lon = g.lon / GS_DEG;
    out->impact.time = add_seconds(t, f.t_impact);
    out->impact.time_sigma = sqrt(vt > 0 ? vt : 0);
    gs_ellipse_from_cov(out->C, &out->impact.ellipse);
    return 0;
}

/* ---------------------------------------------------------------- launch */

#define LAUNCH_MAX_PLOTS 512
#define BACK_MAX 400.0 /* s */

/* The thrust law flown backwards: |a| = 1 / (c0 + c1 (t - t1)) along the
 * velocity (a gravity turn), t seconds from the first plot. */
struct back_thrust {
    double c0, c1;
};

static void back_thrust_cb(void *ctx, double t, const double x[6],
                           double acc[3])
{
    const struct back_thrust *b = ctx;
    double s = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    double inv = b->c0 + b->c1 * t, a;
    int i;

    acc[0] = acc[1] = acc[2] = 0;
    if (inv <= 1e-3 || s < 1e-3)
        return;
    a = 1.0 / inv;
    for (i = 0; i < 3; i++)
        acc[i] = a * x[3 + i] / s;
}

/*
 * Flies the state x (6) back in time from the first plot under the law b
 * until the speed stops falling (the pad), the height goes below -1 km, or
 * BACK_MAX passes. *dt (negative) is the time flown; x ends at the pad.
 */
static int fly_back(const struct back_thrust *b, double *x, double *dt)
{
    struct gs_dyn m;
    double t = 0, prev[6], s_prev;
    const double step = 0.25;

    gs_dyn_default(&m);
    m.drag = false;
    m.extra = back_thrust_cb;
    m.ctx = (void *)b;
    s_prev = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    while (-t < BACK_MAX) {
        struct back_thrust bb = *b;
        double s;
        struct gs_geodetic g;

        memcpy(prev, x, sizeof(prev));
        /* The callback's time starts at 0 for each call: shift the law. */
        bb.c0 = b->c0 + b->c1 * t;
        m.ctx = &bb;
        if (gs_dyn_propagate(&m, x, 6, -step, NULL) < 0)
            return GS_ERR_INVALID;
        s = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
        gs_ecef_to_geodetic(x, &g);
        if (s > s_prev || g.h < -1000) {
            memcpy(x, prev, sizeof(prev));
            break;
        }
        s_prev = s;
        t -= step;
    }
    *dt = t;
    return 0;
}

/* Boost-mode filter and smoother over plots p[0..n). On success xs, Ps are
 * the smoothed state (10) and covariance at the first plot, and a_inv
 * receives the fitted law. */
static int smooth_boost(const struct gs_plot *p, size_t n,
                        const struct gs_sensor *s,
                        const struct gs_est_config *c, double *xs, double *Ps,
                        struct back_thrust *law)
{
    enum { N = GS_N_BOOST, NN = N * N };
    struct gs_est_config cb = *c;
    double *xf = gs_calloc(n, N * sizeof(double));
    double *Pf = gs_calloc(n, NN * sizeof(double));
    double *xp = gs_calloc(n, N * sizeof(double));
    double *Pp = gs_calloc(n, NN * sizeof(double));
    double *F = gs_calloc(n, NN * sizeof(double));
    double *xsm = gs_calloc(n, N * sizeof(double));
    struct gs_est e;
    struct gs_dyn mb, mf;
    size_t k;
    int rc = 0;
    double sw = 0, st = 0, sy = 0;

    gs_est_models(&mb, &mf);
    /* A pure boost filter: the IMM with the ballistic mode made
     * unreachable and never collapsing. */
    cb.mu_boost0 = 1.0 - 1e-9;
    cb.lambda_bf = cb.lambda_fb = cb.lambda_bj = 0;
    cb.lambda_fj = cb.lambda_jb = cb.lambda_jf = 0;
    cb.collapse_time = 1e9;
    gs_est_init(&e, &cb, &p[0], &s[p[0].sensor], NULL, 0);
    memcpy(xf, e.kf[0].x, sizeof(double) * N);
    memcpy(Pf, e.kf[0].P, sizeof(double) * NN);
    memcpy(xp, xf, sizeof(double) * N);
    memcpy(Pp, Pf, sizeof(double) * NN);
    gs_mat_identity(F, N);
    for (k = 1; k < n && rc == 0; k++) {
        double dt = (double)(p[k].time - p[k - 1].time) * US;
        double x[GS_MAT_MAX], Q[NN];
        struct gs_kf kf = e.kf[0];

        memcpy(x, kf.x, sizeof(x));
        rc = gs_dyn_propagate(&mb, x, N, dt, F + k * NN);
        if (rc < 0)
            break;
        gs_dyn_process_noise(N, dt, c->q_acc, 0, c->q_jerk, Q);
        gs_kf_predict(&kf, x, F + k * NN, Q);
        memcpy(xp + k * N, kf.x, sizeof(double) * N);
        memcpy(Pp + k * NN, kf.P, sizeof(double) * NN);
        e.kf[0] = e.kf[1] = e.kf[2] = kf;
        e.t = p[k].time;
        /* The update at zero elapsed time: just the measurement. */
        if (gs_est_update(&e, &cb, &p[k], &s[p[k].sensor]) < 0) {
            e.kf[0] = kf;
            e.t = p[k].time;
        }
        memcpy(xf + k * N, e.kf[0].x, sizeof(double) * N);
        memcpy(Pf + k * NN, e.kf[0].P, sizeof(double) * NN);
    }
    if (rc < 0)
        goto out;
    /* Rauch-Tung-Striebel, backwards. */
    memcpy(xsm + (n - 1) * N, xf + (n - 1) * N, sizeof(double) * N);
    memcpy(Ps, Pf + (n - 1) * NN, sizeof(double) * NN);
    for (k = n - 1; k-- > 0;) {
        double Ppi[NN], FP[NN], Cg[NN], d[N], T[NN], T2[NN];
        int i, j;

        rc = gs_mat_inverse_spd(Pp + (k + 1) * NN, Ppi, N);
        if (rc < 0)
            goto out;
        /* C = Pf F^T Pp^-1 */
        gs_mat_mul_abt(Pf + k * NN, F + (k + 1) * NN, FP, N, N, N);
        gs_mat_mul(FP, Ppi, Cg, N, N, N);
        for (i = 0; i < N; i++)
            d[i] = xsm[(k + 1) * N + i] - xp[(k + 1) * N + i];
        for (i = 0; i < N; i++) {
            double v = xf[k * N + i];

            for (j = 0; j < N; j++)
                v += Cg[i * N + j] * d[j];
            xsm[k * N + i] = v;
        }
        for (i = 0; i < NN; i++)
            T[i] = Ps[i] - Pp[(k + 1) * NN + i];
        gs_mat_mul(Cg, T, T2, N, N, N);
        gs_mat_mul_abt(T2, Cg, T, N, N, N);
        for (i = 0; i < NN; i++)
            Ps[i] = Pf[k * NN + i] + T[i];
        gs_mat_symmetrize(Ps, N);
    }
    memcpy(xs, xsm, sizeof(double) * N);
    /* The rocket law from the smoothed thrust: 1/|a| linear in time with
     * the slope -1/v_e of constant thrust from a burning mass (the boost
     * model's own exhaust speed); only the level is fitted. A slope fitted
     * to the thrust seen over a few tens of seconds is too uncertain to
     * fly back over the unseen burn before it. */
    for (k = 0; k < n; k++) {
        const double *a = xsm + k * N + GS_X_ACC;
        double am = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        double tk = (double)(p[k].time - p[0].time) * US;

        if (am < 3.0)
            continue;
        sw += 1;
        st += tk;
        sy += 1.0 / am;
    }
    if (sw < 3) {
        rc = GS_ERR_INVALID;
        goto out;
    }
    law->c1 = -1.0 / GS_EST_EXHAUST_SPEED;
    law->c0 = (sy - law->c1 * st) / sw;
    if (!(law->c0 > 0))
        rc = GS_ERR_INVALID;
out:
    gs_free(xf);
    gs_free(Pf);
    gs_free(xp);
    gs_free(Pp);
    gs_free(F);
    gs_free(xsm);
    return rc;
}

/* Flies back the sigma points of (x, P) over the first 9 components (r, v,
 * a; kappa does not matter in boost) and collects the pads. */
static int launch_from_boost(const double *xs, const double *Ps,
                             const struct back_thrust *law, gs_time_t t1,
                             struct gs_ground_point *out)
{
    enum { N = 9, NP = 2 * N + 1 };
    double x9[N], P9[N * N], pts[NP * N], wm[NP], wc[NP];
    double r[NP][3], tau[NP], C[4];
    static const int idx[N] = {0, 1, 2, 3, 4, 5, 7, 8, 9};
    int i, j, rc;

    for (i = 0; i < N; i++) {
        x9[i] = xs[idx[i]];
        for (j = 0; j < N; j++)
            P9[i * N + j] = Ps[idx[i] * GS_N_BOOST + idx[j]];
    }
    rc = sigma_points(N, x9, P9, pts, wm, wc);
    if (rc < 0)
        return rc;
    for (i = 0; i < NP; i++) {
        double y[6], dt;
        const double *pt = pts + i * N;
        /* Each point carries its own thrust now: rescale the law so that
         * it matches at the first plot. */
        double am = sqrt(pt[6] * pt[6] + pt[7] * pt[7] + pt[8] * pt[8]);
        struct back_thrust b = *law;

        if (am > 1.0 && law->c0 > 0) {
            double scale = (1.0 / am) / law->c0;

            b.c0 *= scale;
            b.c1 *= scale;
        }
        memcpy(y, pt, sizeof(y));
        rc = fly_back(&b, y, &dt);
        if (rc < 0)
            return rc;
        memcpy(r[i], y, sizeof(r[i]));
        tau[i] = dt;
    }
    ground_stats(NP, (const double(*)[3])r, tau, wm, wc, t1, out, C);
    {
        /* Model error: the law is extrapolated over the unseen burn. The
         * margins (5 % of the distance flown back, and of the time) are
         * our choice; bench/track reports the coverage they give. */
        double d[3], x0[3], dist, tb = -tau[0];
        struct gs_geodetic g = {out->lat * GS_DEG, out->lon * GS_DEG, 0};
        int k;

        gs_geodetic_to_ecef(&g, x0);
        for (k = 0; k < 3; k++)
            d[k] = xs[k] - x0[k];
        dist = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        C[0] += 0.0025 * dist * dist;
        C[3] += 0.0025 * dist * dist;
        gs_ellipse_from_cov(C, &out->ellipse);
        out->time_sigma =
            sqrt(out->time_sigma * out->time_sigma + 0.0025 * tb * tb);
    }
    return 0;
}

/* Back in time without thrust, to the ground (at most BACK_MAX). */
static int fly_back_ballistic(double *x, double *dt)
{
    struct gs_dyn m;
    double t = 0, prev[7];
    const double step = 1.0;

    gs_dyn_default(&m);
    while (-t < 3 * BACK_MAX) {
        struct gs_geodetic g;

        memcpy(prev, x, sizeof(prev));
        if (gs_dyn_propagate(&m, x, 7, -step, NULL) < 0)
            return GS_ERR_INVALID;
        gs_ecef_to_geodetic(x, &g);
        if (g.h <= 0) {
            /* Bisect the last second. */
            double lo = 0, hi = step;
            int it;

            for (it = 0; it < 30; it++) {
                double mid = 0.5 * (lo + hi), y[7];

                memcpy(y, prev, sizeof(y));
                gs_dyn_propagate(&m, y, 7, -mid, NULL);
                gs_ecef_to_geodetic(y, &g);
                if (g.h > 0)
                    lo = mid;
                else
                    hi = mid;
            }
            memcpy(x, prev, sizeof(prev));
            gs_dyn_propagate(&m, x, 7, -lo, NULL);
            *dt = t - lo;
            return 0;
        }
        t -= step;
    }
    return GS_ERR_INVALID;
}

static int launch_ballistic(const double x[7], const double P[49], gs_time_t t,
                            struct gs_ground_point *out)
{
    enum { N = 7, NP = 2 * N + 1 };
    double pts[NP * N], wm[NP], wc[NP], r[NP][3], tau[NP], C[4];
    double back, d[3];
    int i, rc;

    rc = sigma_points(N, x, P, pts, wm, wc);
    if (rc < 0)
        return rc;
    for (i = 0; i < NP; i++) {
        double *y = pts + i * N, dt;

        /* No drag on the way back: flown backwards, drag feeds on itself
         * (the speed grows as the air thickens), and before burnout the
         * thrust, not drag, ruled the flight anyway. */
        y[GS_X_KAPPA] = 0;
        rc = fly_back_ballistic(y, &dt);
        if (rc < 0)
            return rc;
        memcpy(r[i], y, sizeof(r[i]));
        tau[i] = dt;
    }
    ground_stats(NP, (const double(*)[3])r, tau, wm, wc, t, out, C);
    /* The boost was not seen: the ballistic arc overshoots the pad by about
     * the ground distance the motor covered, unknown here. Our margin: 60
     * km plus a fifth of the distance flown back; 40 s in time. */
    for (i = 0; i < 3; i++)
        d[i] = x[i] - r[0][i];
    back = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    C[0] += (60e3 + 0.2 * back) * (60e3 + 0.2 * back);
    C[3] += (60e3 + 0.2 * back) * (60e3 + 0.2 * back);
    gs_ellipse_from_cov(C, &out->ellipse);
    out->time_sigma = sqrt(out->time_sigma * out->time_sigma + 1600.0);
    return 0;
}

int gs_predict_launch(const struct gs_plot *p, size_t n,
                      const struct gs_sensor *s, gs_time_t burnout,
                      const struct gs_est_config *c, const double x[7],
                      const double P[49], gs_time_t t,
                      struct gs_ground_point *out,
                      enum gs_launch_method *method)
{
    size_t m = 0;
    int rc = GS_ERR_INVALID;

    memset(out, 0, sizeof(*out));
    *method = GS_LAUNCH_BALLISTIC;
    while (m < n && m < LAUNCH_MAX_PLOTS &&
           p[m].time < burnout - 2 * GS_USEC_PER_SEC)
        m++;
    if (m >= 8) {
        double xs[GS_N_BOOST], Ps[GS_N_BOOST * GS_N_BOOST];
        struct back_thrust law;

        rc = smooth_boost(p, m, s, c, xs, Ps, &law);
        if (rc == 0)
            rc = launch_from_boost(xs, Ps, &law, p[0].time, out);
        if (rc == 0) {
            *method = GS_LAUNCH_BOOST;
            return 0;
        }
    }
    return launch_ballistic(x, P, t, out);
}
