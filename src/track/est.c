/*
 * est.c - the per-object estimator: boost/ballistic IMM, then one
 * ballistic EKF or UKF; see est.h.
 *
 * Both IMM modes carry all 10 components so that mixing is the textbook
 * formula; the ballistic mode's model sets the thrust components and their
 * covariance to zero at the start of each prediction (a jump that says
 * "the motor is off"), so after mixing it never keeps thrust.
 */
#include "track/est.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/geo.h"

#define US 1e-6 /* seconds per microsecond */

void gs_est_config_default(struct gs_est_config *c)
{
    memset(c, 0, sizeof(*c));
    c->filter = GS_FILTER_AUTO;
    c->q_jerk = 4.0;
    c->q_jerk_jump = 4000.0;
    c->q_acc = 1e-6;
    c->q_kappa = 1e-14;
    c->kappa0 = 2e-4;
    c->sigma_kappa0 = 5e-4;
    c->sigma_v0 = 3000;
    c->sigma_a0 = 40;
    c->mu_boost0 = 0.5;
    c->lambda_bf = 1.0 / 30.0;
    c->lambda_fb = 1e-4;
    c->lambda_bj = 1.0 / 20.0;
    c->lambda_fj = 1e-3;
    c->lambda_jb = 1.0;
    c->lambda_jf = 0.2;
    c->collapse_prob = 0.99;
    c->collapse_time = 10.0;
}

void gs_est_models(struct gs_dyn *boost, struct gs_dyn *ballistic)
{
    gs_dyn_default(boost);
    boost->drag = false;
    boost->thrust_growth = 1.0 / GS_EST_EXHAUST_SPEED;
    gs_dyn_default(ballistic);
}

const char *gs_phase_name(enum gs_phase p)
{
    static const char *const names[] = {"boost", "midcourse", "re-entry"};

    return names[p];
}

/* The position of a plot and its covariance (noise through the Jacobian of
 * the polar-to-Cartesian map). */
static void plot_position(const struct gs_plot *p, const struct gs_sensor *s,
                          double r[3], double Pr[9])
{
    double ca = cos(p->az), sa = sin(p->az), ce = cos(p->el), se = sin(p->el);
    double J[9] = {ce * sa,
                   p->range * ce * ca,
                   -p->range * se * sa,
                   ce * ca,
                   -p->range * ce * sa,
                   -p->range * se * ca,
                   se,
                   0,
                   p->range * ce};
    double D[3] = {s->sigma_range * s->sigma_range, s->sigma_az * s->sigma_az,
                   s->sigma_el * s->sigma_el};
    double Penu[9], JD[9], E[9];
    int i, j;

    gs_radar_position(&s->site, p->range, p->az, p->el, r);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 3; j++)
            JD[i * 3 + j] = J[i * 3 + j] * D[j];
    gs_mat_mul_abt(JD, J, Penu, 3, 3, 3);
    /* ECEF = E^T ENU with E the rows east, north, up. */
    gs_mat_transpose(s->site.enu, E, 3, 3);
    memcpy(Pr, Penu, sizeof(Penu));
    gs_mat_congruence(E, Pr, 3);
}

void gs_est_init(struct gs_est *e, const struct gs_est_config *c,
                 const struct gs_plot *p, const struct gs_sensor *s,
                 const double *v0, double sigma_v)
{
    double r[3], Pr[9];
    struct gs_kf *k = &e->kf[0];
    int i, j, n = GS_N_BOOST;

    memset(e, 0, sizeof(*e));
    if (sigma_v <= 0)
        sigma_v = c->sigma_v0;
    plot_position(p, s, r, Pr);
    k->n = n;
    for (i = 0; i < 3; i++) {
        k->x[GS_X_R + i] = r[i];
        k->x[GS_X_V + i] = v0 ? v0[i] : 0;
        /* A prior ten times wider (in sd) than the plot: the update with
         * the plot itself, below, then carries its information. */
        for (j = 0; j < 3; j++)
            k->P[i * n + j] = 100.0 * Pr[i * 3 + j];
        k->P[(GS_X_V + i) * n + GS_X_V + i] = sigma_v * sigma_v;
        k->P[(GS_X_ACC + i) * n + GS_X_ACC + i] = c->sigma_a0 * c->sigma_a0;
    }
    k->x[GS_X_KAPPA] = c->kappa0;
    k->P[GS_X_KAPPA * n + GS_X_KAPPA] = c->sigma_kappa0 * c->sigma_kappa0;
    e->kf[1] = e->kf[0];
    e->kf[2] = e->kf[0];
    e->imm = true;
    e->mu[0] = c->mu_boost0;
    e->mu[1] = 1.0 - c->mu_boost0;
    e->mu[2] = 0;
    e->t = p->time;
    /* The first plot's own update: position and, if present, range rate. */
    {
        struct gs_est save = *e;

        if (gs_est_update(e, c, p, s) < 0)
            *e = save;
    }
}

/* ---------------------------------------------------------------- models */

struct ukf_prop {
    const struct gs_dyn *m;
    double dt;
};

static int ukf_fx(void *ctx, double *x)
{
    const struct ukf_prop *u = ctx;

    return gs_dyn_propagate(u->m, x, GS_N_BALLISTIC, u->dt, NULL);
}

struct ukf_meas {
    const struct gs_sensor *s;
    int m;
};

static void ukf_hx(void *ctx, const double *x, double *z)
{
    const struct ukf_meas *u = ctx;
    double zz[4];

    gs_radar_measure(&u->s->site, x, zz, NULL);
    memcpy(z, zz, sizeof(double) * (size_t)u->m);
}

static bool in_reentry(const double *x)
{
    double h = gs_dyn_height(x);
    double rv = x[0] * x[3] + x[1] * x[4] + x[2] * x[5];

    return h < GS_EST_REENTRY_HEIGHT && rv < 0;
}

static bool use_ukf(const struct gs_est *e, const struct gs_est_config *c)
{
    if (e->imm)
        return false;
    if (c->filter == GS_FILTER_UKF)
        return true;
    return c->filter == GS_FILTER_AUTO && in_reentry(e->kf[1].x);
}

/* Predicts mode j (or the collapsed filter) by dt seconds. */
static int predict_mode(struct gs_kf *k, int j, bool ukf,
                        const struct gs_est_config *c, double dt)
{
    struct gs_dyn mb, mf;
    double Phi[GS_MAT_MAX * GS_MAT_MAX], Q[GS_MAT_MAX * GS_MAT_MAX];
    double x[GS_MAT_MAX];
    int n = k->n, i, rc;

    gs_est_models(&mb, &mf);
    if (dt == 0)
        return 0;
    if (j != 1) {
        memcpy(x, k->x, sizeof(x));
        rc = gs_dyn_propagate(&mb, x, n, dt, Phi);
        if (rc < 0)
            return rc;
        gs_dyn_process_noise(n, dt, c->q_acc, 0,
                             j == 0 ? c->q_jerk : c->q_jerk_jump, Q);
        gs_kf_predict(k, x, Phi, Q);
        return 0;
    }
    if (n == GS_N_BOOST) {
        /* The ballistic mode of the IMM: thrust off, then 7 components. */
        struct gs_kf k7;
        int a, b;

        k7.n = GS_N_BALLISTIC;
        for (a = 0; a < 7; a++) {
            k7.x[a] = k->x[a];
            for (b = 0; b < 7; b++)
                k7.P[a * 7 + b] = k->P[a * n + b];
        }
        rc = predict_mode(&k7, 1, false, c, dt);
        if (rc < 0)
            return rc;
        memset(k->P, 0, sizeof(k->P));
        for (a = 0; a < 7; a++) {
            k->x[a] = k7.x[a];
            for (b = 0; b < 7; b++)
                k->P[a * n + b] = k7.P[a * 7 + b];
        }
        for (i = GS_X_ACC; i < n; i++)
            k->x[i] = 0;
        return 0;
    }
    gs_dyn_process_noise(n, dt, c->q_acc, c->q_kappa, 0, Q);
    if (ukf) {
        struct ukf_prop u = {&mf, dt};

        rc = gs_ukf_predict(k, ukf_fx, &u, Q);
        if (rc == 0)
            return 0;
        /* A covariance the UKF cannot factor: fall back to the EKF. */
    }
    memcpy(x, k->x, sizeof(x));
    rc = gs_dyn_propagate(&mf, x, n, dt, Phi);
    if (rc < 0)
        return rc;
    gs_kf_predict(k, x, Phi, Q);
    return 0;
}

/* The measurement of a plot and the prediction of it (EKF) for filter k. */
static int measure(const struct gs_kf *k, const struct gs_plot *p,
                   const struct gs_sensor *s, struct gs_meas *z, double hx[4],
                   double *H)
{
    double H6[24], d[3];
    int i, j, m;

    gs_plot_meas(p, s, z);
    m = z->m;
    for (i = 0; i < 3; i++)
        d[i] = k->x[i] - s->site.ecef[i];
    /* Azimuth is undefined straight above the radar, and the EKF's
     * Jacobian blows up near it; such a plot is not usable. */
    {
        double l[3];

        gs_site_enu(&s->site, k->x, l);
        if (l[0] * l[0] + l[1] * l[1] <
            1e-8 * (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]))
            return GS_ERR_INVALID;
    }
    gs_radar_measure(&s->site, k->x, hx, H6);
    memset(H, 0, sizeof(double) * (size_t)(m * k->n));
    for (i = 0; i < m; i++)
        for (j = 0; j < 6; j++)
            H[i * k->n + j] = H6[i * 6 + j];
    return 0;
}

/*
 * Drag cannot push: kappa is kept non-negative (a truncation of the
 * estimate; its variance stays). Without it the ballistic mode of the IMM
 * explains the thrust of a burning motor as negative drag, and after
 * burnout keeps a kappa that no longer fits.
 */
static void clamp_kappa(struct gs_kf *k)
{
    if (k->n >= GS_N_BALLISTIC && k->x[GS_X_KAPPA] < 0)
        k->x[GS_X_KAPPA] = 0;
}

static int update_mode(struct gs_kf *k, bool ukf, const struct gs_plot *p,
                       const struct gs_sensor *s, bool dry,
                       struct gs_innov *inn)
{
    struct gs_meas z;
    double hx[4], H[GS_MEAS_MAX * GS_MAT_MAX];
    int rc = measure(k, p, s, &z, hx, H);

    if (rc < 0)
        return rc;
    if (ukf) {
        struct ukf_meas u = {s, z.m};

        if (dry) {
            struct gs_kf tmp = *k;

            rc = gs_ukf_update(&tmp, &z, ukf_hx, &u, inn);
        } else {
            rc = gs_ukf_update(k, &z, ukf_hx, &u, inn);
            clamp_kappa(k);
        }
        if (rc == 0)
            return 0;
    }
    if (dry)
        return gs_ekf_innovation(k, &z, hx, H, inn);
    rc = gs_ekf_update(k, &z, hx, H, inn);
    clamp_kappa(k);
    return rc;
}

/* Transition probabilities over dt: pi[i][j] = P(mode j now | i before),
 * from the rates of the configuration (exact for two states only; for dt
 * of a few seconds the first-order terms dominate). */
static void transition(const struct gs_est_config *c, double dt,
                       double pi[GS_EST_MODES][GS_EST_MODES])
{
    double rate[GS_EST_MODES][GS_EST_MODES] = {{0, c->lambda_bf, c->lambda_bj},
                                               {c->lambda_fb, 0, c->lambda_fj},
                                               {c->lambda_jb, c->lambda_jf, 0}};
    int i, j;

    for (i = 0; i < GS_EST_MODES; i++) {
        double out = 0;

        for (j = 0; j < GS_EST_MODES; j++)
            out += rate[i][j];
        for (j = 0; j < GS_EST_MODES; j++) {
            double leave = out > 0 ? 1.0 - exp(-out * dt) : 0;

            pi[i][j] =
                i == j ? 1.0 - leave : (out > 0 ? leave * rate[i][j] / out : 0);
        }
    }
}

/* IMM mixing into e (in place); cbar receives the predicted mode
 * probabilities. */
static void mix(struct gs_est *e, const struct gs_est_config *c, double dt,
                double cbar[GS_EST_MODES])
{
    double pi[GS_EST_MODES][GS_EST_MODES], w[GS_EST_MODES][GS_EST_MODES];
    struct gs_kf out[GS_EST_MODES];
    int i, j, a, b, n = GS_N_BOOST;

    transition(c, dt, pi);
    for (j = 0; j < GS_EST_MODES; j++) {
        cbar[j] = 0;
        for (i = 0; i < GS_EST_MODES; i++)
            cbar[j] += pi[i][j] * e->mu[i];
        for (i = 0; i < GS_EST_MODES; i++)
            w[i][j] = cbar[j] > 0 ? pi[i][j] * e->mu[i] / cbar[j]
                                  : (i == j ? 1.0 : 0.0);
    }
    for (j = 0; j < GS_EST_MODES; j++) {
        out[j].n = n;
        memset(out[j].x, 0, sizeof(out[j].x));
        memset(out[j].P, 0, sizeof(out[j].P));
        for (i = 0; i < GS_EST_MODES; i++)
            for (a = 0; a < n; a++)
                out[j].x[a] += w[i][j] * e->kf[i].x[a];
        for (i = 0; i < GS_EST_MODES; i++) {
            double d[GS_MAT_MAX];

            if (w[i][j] == 0)
                continue;
            for (a = 0; a < n; a++)
                d[a] = e->kf[i].x[a] - out[j].x[a];
            for (a = 0; a < n; a++)
                for (b = 0; b < n; b++)
                    out[j].P[a * n + b] +=
                        w[i][j] * (e->kf[i].P[a * n + b] + d[a] * d[b]);
        }
        gs_mat_symmetrize(out[j].P, n);
    }
    for (j = 0; j < GS_EST_MODES; j++)
        e->kf[j] = out[j];
}

int gs_est_predict(struct gs_est *e, const struct gs_est_config *c, gs_time_t t)
{
    struct gs_est tmp = *e;
    double dt = (double)(t - e->t) * US, cbar[GS_EST_MODES];
    int j, rc = 0;

    if (dt < 0)
        return GS_ERR_STATE;
    if (dt == 0)
        return 0;
    if (!tmp.imm) {
        rc = predict_mode(&tmp.kf[1], 1, use_ukf(&tmp, c), c, dt);
    } else {
        mix(&tmp, c, dt, cbar);
        for (j = 0; j < GS_EST_MODES && rc == 0; j++)
            rc = predict_mode(&tmp.kf[j], j, false, c, dt);
        for (j = 0; j < GS_EST_MODES; j++)
            tmp.mu[j] = cbar[j];
    }
    if (rc < 0)
        return rc;
    tmp.t = t;
    tmp.dt_pending += dt;
    *e = tmp;
    return 0;
}

/* The update with p of e, already predicted to p's time; dry: only the
 * innovation statistics. */
static int correct(struct gs_est *e, const struct gs_est_config *c,
                   const struct gs_plot *p, const struct gs_sensor *s, bool dry,
                   double *d2, double *loglik)
{
    struct gs_innov inn[GS_EST_MODES];
    double lik[GS_EST_MODES], total = 0, lmax = -INFINITY, dt;
    int j, rc;

    *d2 = INFINITY;
    *loglik = -INFINITY;
    if (p->time != e->t)
        return GS_ERR_STATE;
    if (!e->imm) {
        rc = update_mode(&e->kf[1], use_ukf(e, c), p, s, dry, &inn[1]);
        if (rc < 0)
            return rc;
        *d2 = inn[1].nis;
        *loglik = inn[1].loglik;
        if (!dry) {
            e->dt_pending = 0;
            e->updates++;
        }
        return 0;
    }
    for (j = 0; j < GS_EST_MODES; j++) {
        rc = update_mode(&e->kf[j], false, p, s, dry, &inn[j]);
        if (rc < 0)
            return rc;
        if (inn[j].nis < *d2)
            *d2 = inn[j].nis;
        if (inn[j].loglik > lmax)
            lmax = inn[j].loglik;
    }
    /* Mode probabilities, scaled by the largest likelihood. */
    for (j = 0; j < GS_EST_MODES; j++) {
        lik[j] = e->mu[j] * exp(inn[j].loglik - lmax);
        total += lik[j];
    }
    *loglik = lmax + log(total);
    if (dry)
        return 0;
    for (j = 0; j < GS_EST_MODES; j++)
        e->mu[j] = total > 0 ? lik[j] / total : 1.0 / GS_EST_MODES;
    /* Keep every mode reachable: probabilities never reach exactly 0. */
    for (j = 0; j < GS_EST_MODES; j++)
        if (e->mu[j] < 1e-9)
            e->mu[j] = 1e-9;
    dt = e->dt_pending;
    e->dt_pending = 0;
    e->updates++;
    if (e->mu[1] >= c->collapse_prob)
        e->ballistic_since += dt;
    else
        e->ballistic_since = 0;
    if (e->ballistic_since >= c->collapse_time) {
        struct gs_kf k7;
        int a, b, n = GS_N_BOOST;

        k7.n = GS_N_BALLISTIC;
        for (a = 0; a < 7; a++) {
            k7.x[a] = e->kf[1].x[a];
            for (b = 0; b < 7; b++)
                k7.P[a * 7 + b] = e->kf[1].P[a * n + b];
        }
        e->kf[1] = k7;
        e->imm = false;
        e->mu[0] = e->mu[2] = 0;
        e->mu[1] = 1;
    }
    return 0;
}

int gs_est_innovation(const struct gs_est *e, const struct gs_est_config *c,
                      const struct gs_plot *p, const struct gs_sensor *s,
                      double *d2, double *loglik)
{
    struct gs_est tmp = *e;

    return correct(&tmp, c, p, s, true, d2, loglik);
}

int gs_est_correct(struct gs_est *e, const struct gs_est_config *c,
                   const struct gs_plot *p, const struct gs_sensor *s)
{
    struct gs_est tmp = *e;
    double d2, ll;
    int rc = correct(&tmp, c, p, s, false, &d2, &ll);

    if (rc == 0)
        *e = tmp;
    return rc;
}

int gs_est_try(const struct gs_est *e, const struct gs_est_config *c,
               const struct gs_plot *p, const struct gs_sensor *s, double *d2,
               double *loglik)
{
    struct gs_est tmp = *e;
    int rc = gs_est_predict(&tmp, c, p->time);

    *d2 = INFINITY;
    *loglik = -INFINITY;
    if (rc < 0)
        return rc;
    return gs_est_innovation(&tmp, c, p, s, d2, loglik);
}

int gs_est_update(struct gs_est *e, const struct gs_est_config *c,
                  const struct gs_plot *p, const struct gs_sensor *s)
{
    struct gs_est tmp = *e;
    int rc = gs_est_predict(&tmp, c, p->time);

    if (rc == 0)
        rc = gs_est_correct(&tmp, c, p, s);
    if (rc == 0)
        *e = tmp;
    return rc;
}

/* Filter a becomes the mixture of a and b with weights wa and wb. */
static void merge_kf(struct gs_kf *a, double wa, const struct gs_kf *b,
                     double wb)
{
    double w = wa + wb, x[GS_MAT_MAX], da[GS_MAT_MAX], db[GS_MAT_MAX];
    int i, j, n = a->n;

    for (i = 0; i < n; i++) {
        x[i] = (wa * a->x[i] + wb * b->x[i]) / w;
        da[i] = a->x[i] - x[i];
        db[i] = b->x[i] - x[i];
    }
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            a->P[i * n + j] = (wa * (a->P[i * n + j] + da[i] * da[j]) +
                               wb * (b->P[i * n + j] + db[i] * db[j])) /
                              w;
    memcpy(a->x, x, sizeof(double) * (size_t)n);
    gs_mat_symmetrize(a->P, n);
}

int gs_est_merge(struct gs_est *a, double wa, const struct gs_est *b, double wb)
{
    int j;

    if (a->t != b->t || a->imm != b->imm || !(wa > 0) || !(wb > 0))
        return GS_ERR_STATE;
    if (!a->imm) {
        merge_kf(&a->kf[1], wa, &b->kf[1], wb);
        clamp_kappa(&a->kf[1]);
        return 0;
    }
    for (j = 0; j < GS_EST_MODES; j++) {
        double ma = wa * a->mu[j], mb = wb * b->mu[j];

        if (ma > 0 && mb > 0)
            merge_kf(&a->kf[j], ma, &b->kf[j], mb);
        else if (mb > 0)
            a->kf[j] = b->kf[j];
        a->mu[j] = (ma + mb) / (wa + wb);
    }
    if (wb > wa) {
        a->ballistic_since = b->ballistic_since;
        a->dt_pending = b->dt_pending;
        a->updates = b->updates;
    }
    return 0;
}

void gs_est_combined(const struct gs_est *e, double x[7], double P[49])
{
    int i, a, b, n = e->kf[1].n;

    if (!e->imm) {
        memcpy(x, e->kf[1].x, sizeof(double) * 7);
        memcpy(P, e->kf[1].P, sizeof(double) * 49);
        return;
    }
    memset(x, 0, sizeof(double) * 7);
    memset(P, 0, sizeof(double) * 49);
    for (i = 0; i < GS_EST_MODES; i++)
        for (a = 0; a < 7; a++)
            x[a] += e->mu[i] * e->kf[i].x[a];
    for (i = 0; i < GS_EST_MODES; i++) {
        double d[7];

        for (a = 0; a < 7; a++)
            d[a] = e->kf[i].x[a] - x[a];
        for (a = 0; a < 7; a++)
            for (b = 0; b < 7; b++)
                P[a * 7 + b] +=
                    e->mu[i] * (e->kf[i].P[a * n + b] + d[a] * d[b]);
    }
    gs_mat_symmetrize(P, 7);
}

void gs_est_thrust(const struct gs_est *e, double a[3])
{
    int i;

    double w = e->mu[0] + e->mu[2];

    for (i = 0; i < 3; i++)
        a[i] = e->imm && w > 0 ? (e->mu[0] * e->kf[0].x[GS_X_ACC + i] +
                                  e->mu[2] * e->kf[2].x[GS_X_ACC + i]) /
                                     w
                               : 0;
}

double gs_est_boost_probability(const struct gs_est *e)
{
    return e->imm ? e->mu[0] + e->mu[2] : 0;
}

enum gs_phase gs_est_phase(const struct gs_est *e)
{
    double x[7], P[49];

    if (gs_est_boost_probability(e) > 0.5)
        return GS_PHASE_BOOST;
    gs_est_combined(e, x, P);
    return in_reentry(x) ? GS_PHASE_REENTRY : GS_PHASE_MIDCOURSE;
}
