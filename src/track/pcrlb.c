/*
 * pcrlb.c - the posterior Cramer-Rao bound; see pcrlb.h.
 */
#include "track/pcrlb.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/dyn.h"
#include "track/geo.h"
#include "track/mat.h"

int gs_pcrlb_info_step(int n, double *J, const double *F, const double *Q,
                       const double *H, const double *R, int m)
{
    double P[GS_MAT_MAX * GS_MAT_MAX], Ri[GS_MEAS_MAX * GS_MEAS_MAX];
    double HtRi[GS_MAT_MAX * GS_MEAS_MAX], I[GS_MAT_MAX * GS_MAT_MAX];
    int i, rc;

    rc = gs_mat_inverse_spd(J, P, n);
    if (rc < 0)
        return rc;
    gs_mat_congruence(F, P, n);
    if (Q != NULL)
        for (i = 0; i < n * n; i++)
            P[i] += Q[i];
    rc = gs_mat_inverse_spd(P, J, n);
    if (rc < 0 || m == 0)
        return rc;
    rc = gs_mat_inverse_spd(R, Ri, m);
    if (rc < 0)
        return rc;
    gs_mat_mul_atb(H, Ri, HtRi, n, m, m);
    gs_mat_mul(HtRi, H, I, n, m, n);
    for (i = 0; i < n * n; i++)
        J[i] += I[i];
    gs_mat_symmetrize(J, n);
    return 0;
}

/* The recursion's state: information in scaled coordinates. */
struct bound {
    int n; /* 10 in boost, 7 after */
    double t;
    double J[GS_MAT_MAX * GS_MAT_MAX];
    double d[GS_MAT_MAX]; /* scale: x_scaled = x / d */
};

static void scales(const struct gs_est_config *c, int n, double *d)
{
    int i;

    for (i = 0; i < 3; i++) {
        d[i] = 1000.0;
        d[3 + i] = c->sigma_v0;
    }
    d[GS_X_KAPPA] = c->sigma_kappa0;
    for (i = GS_X_ACC; i < n; i++)
        d[i] = c->sigma_a0;
}

/* The true state in the model's components at t. */
static int truth_x(const struct gs_pcrlb_truth *tr, int n, double t, double *x)
{
    double a[3], g[3];
    struct gs_dyn mb, mf;
    int i;

    if (!tr->state(tr->ctx, t, x, a))
        return GS_ERR_INVALID;
    x[GS_X_KAPPA] = tr->kappa;
    if (n == GS_N_BOOST) {
        /* The thrust: what the boost model's forces do not explain. */
        gs_est_models(&mb, &mf);
        gs_dyn_accel(&mb, x, GS_N_BALLISTIC, g, NULL);
        for (i = 0; i < 3; i++)
            x[GS_X_ACC + i] = a[i] - g[i];
    }
    return 0;
}

/* Predicts the bound from b->t to t (no burnout in between). */
static int predict(const struct gs_est_config *c,
                   const struct gs_pcrlb_truth *tr, struct bound *b, double t)
{
    struct gs_dyn mb, mf;
    double x[GS_MAT_MAX], F[GS_MAT_MAX * GS_MAT_MAX];
    double Q[GS_MAT_MAX * GS_MAT_MAX];
    double dt = t - b->t;
    int n = b->n, i, j, rc;

    if (dt <= 0)
        return 0;
    gs_est_models(&mb, &mf);
    rc = truth_x(tr, n, b->t, x);
    if (rc == 0)
        rc = gs_dyn_propagate(n == GS_N_BOOST ? &mb : &mf, x, n, dt, F);
    if (rc < 0)
        return rc;
    gs_dyn_process_noise(n, dt, c->q_acc, n == GS_N_BOOST ? 0 : c->q_kappa,
                         c->q_jerk, Q);
    /* To scaled coordinates: F_s = D^-1 F D, Q_s = D^-1 Q D^-1. */
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            F[i * n + j] *= b->d[j] / b->d[i];
            Q[i * n + j] /= b->d[i] * b->d[j];
        }
    rc = gs_pcrlb_info_step(n, b->J, F, Q, NULL, NULL, 0);
    if (rc == 0)
        b->t = t;
    return rc;
}

/* Adds the information of a plot of sensor s at the truth. */
static int measure(const struct gs_pcrlb_truth *tr, struct bound *b,
                   const struct gs_sensor *s)
{
    double x[GS_MAT_MAX], z[4], H6[24], H[GS_MEAS_MAX * GS_MAT_MAX];
    double F[GS_MAT_MAX * GS_MAT_MAX];
    struct gs_meas mm;
    int n = b->n, i, j, rc;

    rc = truth_x(tr, n, b->t, x);
    if (rc < 0)
        return rc;
    gs_sensor_noise(s, &mm);
    gs_radar_measure(&s->site, x, z, H6);
    memset(H, 0, sizeof(H));
    for (i = 0; i < mm.m; i++)
        for (j = 0; j < 6; j++)
            H[i * n + j] = H6[i * 6 + j] * b->d[j];
    gs_mat_identity(F, n);
    return gs_pcrlb_info_step(n, b->J, F, NULL, H, mm.R, mm.m);
}

/* The prior at the first plot: est.h's. */
static int start(const struct gs_est_config *c, const struct gs_pcrlb_truth *tr,
                 struct bound *b, double t, const struct gs_sensor *s)
{
    double x[GS_MAT_MAX], z[4], P[GS_MAT_MAX * GS_MAT_MAX];
    double ca, sa, ce, se, J[9], D[3], JD[9], Penu[9], E[9];
    int n, i, j, rc;

    memset(b, 0, sizeof(*b));
    n = b->n = t < tr->t_burnout ? GS_N_BOOST : GS_N_BALLISTIC;
    b->t = t;
    scales(c, n, b->d);
    rc = truth_x(tr, n, t, x);
    if (rc < 0)
        return rc;
    gs_radar_measure(&s->site, x, z, NULL);
    ca = cos(z[1]);
    sa = sin(z[1]);
    ce = cos(z[2]);
    se = sin(z[2]);
    {
        double Jm[9] = {ce * sa,
                        z[0] * ce * ca,
                        -z[0] * se * sa,
                        ce * ca,
                        -z[0] * ce * sa,
                        -z[0] * se * ca,
                        se,
                        0,
                        z[0] * ce};

        memcpy(J, Jm, sizeof(J));
    }
    D[0] = s->sigma_range * s->sigma_range;
    D[1] = s->sigma_az * s->sigma_az;
    D[2] = s->sigma_el * s->sigma_el;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            JD[i * 3 + j] = J[i * 3 + j] * D[j];
    gs_mat_mul_abt(JD, J, Penu, 3, 3, 3);
    gs_mat_transpose(s->site.enu, E, 3, 3);
    gs_mat_congruence(E, Penu, 3);
    memset(P, 0, sizeof(P));
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 3; j++)
            P[i * n + j] = 100.0 * Penu[i * 3 + j];
        P[(3 + i) * n + 3 + i] = c->sigma_v0 * c->sigma_v0;
    }
    P[GS_X_KAPPA * n + GS_X_KAPPA] = c->sigma_kappa0 * c->sigma_kappa0;
    for (i = GS_X_ACC; i < n; i++)
        P[i * n + i] = c->sigma_a0 * c->sigma_a0;
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            P[i * n + j] /= b->d[i] * b->d[j];
    return gs_mat_inverse_spd(P, b->J, n);
}

/* At burnout: the thrust is known to be zero from now on; keep the
 * (r, v, kappa) marginal. */
static int to_ballistic(struct bound *b)
{
    double P[GS_MAT_MAX * GS_MAT_MAX], P7[49];
    int i, j, rc = gs_mat_inverse_spd(b->J, P, b->n);

    if (rc < 0)
        return rc;
    for (i = 0; i < 7; i++)
        for (j = 0; j < 7; j++)
            P7[i * 7 + j] = P[i * b->n + j];
    b->n = GS_N_BALLISTIC;
    return gs_mat_inverse_spd(P7, b->J, 7);
}

static int advance(const struct gs_est_config *c,
                   const struct gs_pcrlb_truth *tr, struct bound *b, double t)
{
    int rc = 0;

    if (b->n == GS_N_BOOST && t >= tr->t_burnout) {
        rc = predict(c, tr, b, tr->t_burnout);
        if (rc == 0)
            rc = to_ballistic(b);
    }
    if (rc == 0)
        rc = predict(c, tr, b, t);
    return rc;
}

static int covariance(const struct bound *b, double *P6)
{
    double P[GS_MAT_MAX * GS_MAT_MAX];
    int i, j, rc = gs_mat_inverse_spd(b->J, P, b->n);

    if (rc < 0)
        return rc;
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P[i * b->n + j] * b->d[i] * b->d[j];
    return 0;
}

int gs_pcrlb(const struct gs_est_config *c, const struct gs_pcrlb_truth *tr,
             const struct gs_sensor *s, const struct gs_pcrlb_meas *m,
             size_t nm, const double *tq, size_t nq, double (*P)[36],
             bool *valid)
{
    struct bound b;
    size_t im = 0, iq;
    bool started = false;
    int rc = 0;

    for (iq = 0; iq < nq; iq++)
        valid[iq] = false;
    for (iq = 0; iq < nq && rc == 0; iq++) {
        /* Every plot at or before the query time. */
        while (im < nm && m[im].t <= tq[iq] && rc == 0) {
            if (!started) {
                rc = start(c, tr, &b, m[im].t, &s[m[im].sensor]);
                started = true;
            } else {
                rc = advance(c, tr, &b, m[im].t);
            }
            if (rc == 0)
                rc = measure(tr, &b, &s[m[im].sensor]);
            im++;
        }
        if (!started || rc < 0)
            continue;
        rc = advance(c, tr, &b, tq[iq]);
        if (rc == 0)
            rc = covariance(&b, P[iq]);
        if (rc == 0)
            valid[iq] = true;
    }
    return rc;
}
