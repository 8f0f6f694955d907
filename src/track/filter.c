/*
 * filter.c - EKF (Joseph form) and UKF; see filter.h.
 */
#include "track/filter.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/geo.h"

#define LOG_2PI 1.8378770664093453

void gs_kf_predict(struct gs_kf *kf, const double *x_new, const double *F,
                   const double *Q)
{
    int n = kf->n, i;

    memmove(kf->x, x_new, sizeof(double) * (size_t)n);
    gs_mat_congruence(F, kf->P, n);
    if (Q != NULL)
        for (i = 0; i < n * n; i++)
            kf->P[i] += Q[i];
    gs_mat_symmetrize(kf->P, n);
}

/* Fills the innovation statistics from nu and S. */
static int innov_stats(struct gs_innov *o)
{
    double ld;
    int rc = gs_mat_mahalanobis(o->S, o->nu, o->m, &o->nis);

    if (rc == 0)
        rc = gs_mat_logdet_spd(o->S, o->m, &ld);
    if (rc < 0)
        return rc;
    o->loglik = -0.5 * (o->nis + ld + o->m * LOG_2PI);
    return 0;
}

int gs_ekf_innovation(const struct gs_kf *kf, const struct gs_meas *z,
                      const double *hx, const double *H, struct gs_innov *out)
{
    double PHt[GS_MAT_MAX * GS_MEAS_MAX];
    int n = kf->n, m = z->m, i;

    memset(out, 0, sizeof(*out));
    out->m = m;
    for (i = 0; i < m; i++) {
        out->nu[i] = z->z[i] - hx[i];
        if (z->angle[i])
            out->nu[i] = gs_angle_wrap(out->nu[i]);
    }
    gs_mat_mul_abt(kf->P, H, PHt, n, n, m);
    gs_mat_mul(H, PHt, out->S, m, n, m);
    for (i = 0; i < m * m; i++)
        out->S[i] += z->R[i];
    gs_mat_symmetrize(out->S, m);
    return innov_stats(out);
}

int gs_ekf_update(struct gs_kf *kf, const struct gs_meas *z, const double *hx,
                  const double *H, struct gs_innov *inn)
{
    double PHt[GS_MAT_MAX * GS_MEAS_MAX], Kt[GS_MEAS_MAX * GS_MAT_MAX];
    double K[GS_MAT_MAX * GS_MEAS_MAX], IKH[GS_MAT_MAX * GS_MAT_MAX];
    double KR[GS_MAT_MAX * GS_MEAS_MAX], P[GS_MAT_MAX * GS_MAT_MAX];
    struct gs_innov o;
    int n = kf->n, m = z->m, i, j, rc;

    rc = gs_ekf_innovation(kf, z, hx, H, &o);
    if (inn != NULL)
        *inn = o;
    if (rc < 0)
        return rc;
    gs_mat_mul_abt(kf->P, H, PHt, n, n, m);
    /* K = P H^T S^-1, computed as K^T = S^-1 (P H^T)^T. */
    gs_mat_transpose(PHt, Kt, n, m);
    rc = gs_mat_solve_spd(o.S, Kt, Kt, m, n);
    if (rc < 0)
        return rc;
    gs_mat_transpose(Kt, K, m, n);
    for (i = 0; i < n; i++)
        for (j = 0; j < m; j++)
            kf->x[i] += K[i * m + j] * o.nu[j];
    gs_mat_mul(K, H, IKH, n, m, n);
    for (i = 0; i < n * n; i++)
        IKH[i] = -IKH[i];
    for (i = 0; i < n; i++)
        IKH[i * n + i] += 1.0;
    memcpy(P, kf->P, sizeof(P[0]) * (size_t)(n * n));
    gs_mat_congruence(IKH, P, n);
    gs_mat_mul(K, z->R, KR, n, m, m);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            double s = 0;
            int k;

            for (k = 0; k < m; k++)
                s += KR[i * m + k] * K[j * m + k];
            P[i * n + j] += s;
        }
    gs_mat_symmetrize(P, n);
    memcpy(kf->P, P, sizeof(P[0]) * (size_t)(n * n));
    return 0;
}

int gs_ukf_sigma_points(const struct gs_kf *kf, double *pts, double *wm,
                        double *wc)
{
    double L[GS_MAT_MAX * GS_MAT_MAX];
    int n = kf->n, i, j, rc;
    /* alpha = 1, beta = 2, kappa = 0: lambda = 0. */
    double scale = sqrt((double)n);

    rc = gs_mat_cholesky(kf->P, L, n);
    if (rc < 0)
        return rc;
    memcpy(pts, kf->x, sizeof(double) * (size_t)n);
    wm[0] = 0.0;
    wc[0] = 2.0;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            pts[(1 + i) * n + j] = kf->x[j] + scale * L[j * n + i];
            pts[(1 + n + i) * n + j] = kf->x[j] - scale * L[j * n + i];
        }
        wm[1 + i] = wm[1 + n + i] = 0.5 / n;
        wc[1 + i] = wc[1 + n + i] = 0.5 / n;
    }
    return 0;
}

int gs_ukf_predict(struct gs_kf *kf, gs_ukf_fx f, void *ctx, const double *Q)
{
    double pts[(2 * GS_MAT_MAX + 1) * GS_MAT_MAX];
    double wm[2 * GS_MAT_MAX + 1], wc[2 * GS_MAT_MAX + 1];
    double x[GS_MAT_MAX], P[GS_MAT_MAX * GS_MAT_MAX];
    int n = kf->n, np = 2 * n + 1, i, j, k, rc;

    rc = gs_ukf_sigma_points(kf, pts, wm, wc);
    if (rc < 0)
        return rc;
    for (i = 0; i < np; i++) {
        rc = f(ctx, pts + i * n);
        if (rc < 0)
            return rc;
    }
    memset(x, 0, sizeof(x));
    for (i = 0; i < np; i++)
        for (j = 0; j < n; j++)
            x[j] += wm[i] * pts[i * n + j];
    memset(P, 0, sizeof(P));
    for (i = 0; i < np; i++)
        for (j = 0; j < n; j++)
            for (k = 0; k < n; k++)
                P[j * n + k] +=
                    wc[i] * (pts[i * n + j] - x[j]) * (pts[i * n + k] - x[k]);
    if (Q != NULL)
        for (i = 0; i < n * n; i++)
            P[i] += Q[i];
    gs_mat_symmetrize(P, n);
    memcpy(kf->x, x, sizeof(double) * (size_t)n);
    memcpy(kf->P, P, sizeof(double) * (size_t)(n * n));
    return 0;
}

int gs_ukf_update(struct gs_kf *kf, const struct gs_meas *z, gs_ukf_hx h,
                  void *ctx, struct gs_innov *inn)
{
    double pts[(2 * GS_MAT_MAX + 1) * GS_MAT_MAX];
    double zs[(2 * GS_MAT_MAX + 1) * GS_MEAS_MAX];
    double wm[2 * GS_MAT_MAX + 1], wc[2 * GS_MAT_MAX + 1];
    double zm[GS_MEAS_MAX], Pxz[GS_MAT_MAX * GS_MEAS_MAX];
    double Kt[GS_MEAS_MAX * GS_MAT_MAX];
    struct gs_innov o;
    int n = kf->n, m = z->m, np = 2 * n + 1, i, j, k, rc;

    memset(&o, 0, sizeof(o));
    o.m = m;
    if (inn != NULL)
        *inn = o;
    rc = gs_ukf_sigma_points(kf, pts, wm, wc);
    if (rc < 0)
        return rc;
    for (i = 0; i < np; i++)
        h(ctx, pts + i * n, zs + i * m);
    /* Angles are averaged as offsets from the first point's value, so that
     * points on both sides of north do not average to south. */
    for (j = 0; j < m; j++) {
        double ref = zs[j], s = 0;

        for (i = 0; i < np; i++) {
            double d = zs[i * m + j] - ref;

            if (z->angle[j])
                d = gs_angle_wrap(d);
            zs[i * m + j] = ref + d;
            s += wm[i] * d;
        }
        zm[j] = ref + s;
    }
    memset(Pxz, 0, sizeof(Pxz));
    for (i = 0; i < np; i++)
        for (j = 0; j < m; j++) {
            double dz = zs[i * m + j] - zm[j];

            for (k = 0; k < m; k++)
                o.S[j * m + k] += wc[i] * dz * (zs[i * m + k] - zm[k]);
            for (k = 0; k < n; k++)
                Pxz[k * m + j] += wc[i] * (pts[i * n + k] - kf->x[k]) * dz;
        }
    for (i = 0; i < m * m; i++)
        o.S[i] += z->R[i];
    gs_mat_symmetrize(o.S, m);
    for (j = 0; j < m; j++) {
        o.nu[j] = z->z[j] - zm[j];
        if (z->angle[j])
            o.nu[j] = gs_angle_wrap(o.nu[j]);
    }
    rc = innov_stats(&o);
    if (inn != NULL)
        *inn = o;
    if (rc < 0)
        return rc;
    /* K^T = S^-1 Pxz^T; x += K nu; P -= K S K^T = Pxz K^T. */
    gs_mat_transpose(Pxz, Kt, n, m);
    rc = gs_mat_solve_spd(o.S, Kt, Kt, m, n);
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++)
        for (j = 0; j < m; j++)
            kf->x[i] += Kt[j * n + i] * o.nu[j];
    for (i = 0; i < n; i++)
        for (k = 0; k < n; k++) {
            double s = 0;

            for (j = 0; j < m; j++)
                s += Pxz[i * m + j] * Kt[j * n + k];
            kf->P[i * n + k] -= s;
        }
    gs_mat_symmetrize(kf->P, n);
    return 0;
}
