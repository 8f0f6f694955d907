/*
 * mat.c - small dense matrices; see mat.h.
 *
 * Plain loops: at these sizes (at most 10 x 10) a compiler does better with
 * them than any blocking, and the code stays easy to check against the
 * textbook formulas.
 */
#include "track/mat.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "base/err.h"

void gs_mat_mul(const double *a, const double *b, double *c, int n, int m,
                int p)
{
    int i, j, k;

    assert(n <= GS_MAT_MAX && m <= GS_MAT_MAX && p <= GS_MAT_MAX);
    for (i = 0; i < n; i++) {
        for (j = 0; j < p; j++) {
            double s = 0;

            for (k = 0; k < m; k++)
                s += a[i * m + k] * b[k * p + j];
            c[i * p + j] = s;
        }
    }
}

void gs_mat_mul_abt(const double *a, const double *b, double *c, int n, int m,
                    int p)
{
    int i, j, k;

    assert(n <= GS_MAT_MAX && m <= GS_MAT_MAX && p <= GS_MAT_MAX);
    for (i = 0; i < n; i++) {
        for (j = 0; j < p; j++) {
            double s = 0;

            for (k = 0; k < m; k++)
                s += a[i * m + k] * b[j * m + k];
            c[i * p + j] = s;
        }
    }
}

void gs_mat_mul_atb(const double *a, const double *b, double *c, int n, int m,
                    int p)
{
    int i, j, k;

    assert(n <= GS_MAT_MAX && m <= GS_MAT_MAX && p <= GS_MAT_MAX);
    for (i = 0; i < n; i++) {
        for (j = 0; j < p; j++) {
            double s = 0;

            for (k = 0; k < m; k++)
                s += a[k * n + i] * b[k * p + j];
            c[i * p + j] = s;
        }
    }
}

void gs_mat_congruence(const double *a, double *p, int n)
{
    double t[GS_MAT_MAX * GS_MAT_MAX];

    gs_mat_mul(a, p, t, n, n, n);
    gs_mat_mul_abt(t, a, p, n, n, n);
    gs_mat_symmetrize(p, n);
}

void gs_mat_transpose(const double *a, double *at, int n, int m)
{
    int i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < m; j++)
            at[j * n + i] = a[i * m + j];
}

void gs_mat_symmetrize(double *a, int n)
{
    int i, j;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            double s = 0.5 * (a[i * n + j] + a[j * n + i]);

            a[i * n + j] = s;
            a[j * n + i] = s;
        }
    }
}

void gs_mat_identity(double *a, int n)
{
    int i;

    memset(a, 0, sizeof(double) * (size_t)(n * n));
    for (i = 0; i < n; i++)
        a[i * n + i] = 1;
}

int gs_mat_cholesky(const double *a, double *l, int n)
{
    int i, j, k;

    assert(n <= GS_MAT_MAX);
    memset(l, 0, sizeof(double) * (size_t)(n * n));
    for (j = 0; j < n; j++) {
        double d = a[j * n + j];

        for (k = 0; k < j; k++)
            d -= l[j * n + k] * l[j * n + k];
        if (!(d > 0) || !isfinite(d)) {
            memset(l, 0, sizeof(double) * (size_t)(n * n));
            return GS_ERR_INVALID;
        }
        d = sqrt(d);
        l[j * n + j] = d;
        for (i = j + 1; i < n; i++) {
            double s = a[i * n + j];

            for (k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = s / d;
        }
    }
    return 0;
}

int gs_mat_solve_spd(const double *a, const double *b, double *x, int n, int m)
{
    double l[GS_MAT_MAX * GS_MAT_MAX];
    int i, j, k;

    if (gs_mat_cholesky(a, l, n) < 0) {
        memset(x, 0, sizeof(double) * (size_t)(n * m));
        return GS_ERR_INVALID;
    }
    if (x != b)
        memcpy(x, b, sizeof(double) * (size_t)(n * m));
    for (j = 0; j < m; j++) {
        /* Forward: l y = b, then backward: l^T x = y, column by column. */
        for (i = 0; i < n; i++) {
            double s = x[i * m + j];

            for (k = 0; k < i; k++)
                s -= l[i * n + k] * x[k * m + j];
            x[i * m + j] = s / l[i * n + i];
        }
        for (i = n - 1; i >= 0; i--) {
            double s = x[i * m + j];

            for (k = i + 1; k < n; k++)
                s -= l[k * n + i] * x[k * m + j];
            x[i * m + j] = s / l[i * n + i];
        }
    }
    return 0;
}

int gs_mat_inverse_spd(const double *a, double *inv, int n)
{
    double id[GS_MAT_MAX * GS_MAT_MAX];
    int rc;

    gs_mat_identity(id, n);
    rc = gs_mat_solve_spd(a, id, inv, n, n);
    if (rc == 0)
        gs_mat_symmetrize(inv, n);
    return rc;
}

int gs_mat_inverse(const double *a, double *inv, int n)
{
    double w[GS_MAT_MAX * GS_MAT_MAX];
    int i, j, k;

    assert(n <= GS_MAT_MAX);
    memcpy(w, a, sizeof(double) * (size_t)(n * n));
    gs_mat_identity(inv, n);
    for (k = 0; k < n; k++) {
        int piv = k;
        double best = fabs(w[k * n + k]), d;

        for (i = k + 1; i < n; i++) {
            if (fabs(w[i * n + k]) > best) {
                best = fabs(w[i * n + k]);
                piv = i;
            }
        }
        if (!(best > 1e-300) || !isfinite(best))
            return GS_ERR_INVALID;
        if (piv != k) {
            for (j = 0; j < n; j++) {
                double t = w[k * n + j];

                w[k * n + j] = w[piv * n + j];
                w[piv * n + j] = t;
                t = inv[k * n + j];
                inv[k * n + j] = inv[piv * n + j];
                inv[piv * n + j] = t;
            }
        }
        d = w[k * n + k];
        for (j = 0; j < n; j++) {
            w[k * n + j] /= d;
            inv[k * n + j] /= d;
        }
        for (i = 0; i < n; i++) {
            double f = w[i * n + k];

            if (i == k || f == 0)
                continue;
            for (j = 0; j < n; j++) {
                w[i * n + j] -= f * w[k * n + j];
                inv[i * n + j] -= f * inv[k * n + j];
            }
        }
    }
    return 0;
}

int gs_mat_logdet_spd(const double *a, int n, double *out)
{
    double l[GS_MAT_MAX * GS_MAT_MAX];
    double s = 0;
    int i;

    *out = 0;
    if (gs_mat_cholesky(a, l, n) < 0)
        return GS_ERR_INVALID;
    for (i = 0; i < n; i++)
        s += log(l[i * n + i]);
    *out = 2 * s;
    return 0;
}

void gs_mat_eig2(const double a[4], double val[2], double vec[4])
{
    double p = 0.5 * (a[0] + a[3]);
    double q = 0.5 * (a[0] - a[3]);
    double b = 0.5 * (a[1] + a[2]);
    double r = sqrt(q * q + b * b);
    double th = 0.5 * atan2(2 * b, a[0] - a[3]);

    val[0] = p + r;
    val[1] = p - r;
    /* The major axis makes the angle th with the first coordinate axis. */
    vec[0] = cos(th);
    vec[2] = sin(th);
    vec[1] = -sin(th);
    vec[3] = cos(th);
}

int gs_mat_mahalanobis(const double *a, const double *x, int n, double *out)
{
    double y[GS_MAT_MAX];
    double s = 0;
    int i, rc = gs_mat_solve_spd(a, x, y, n, 1);

    *out = 0;
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++)
        s += x[i] * y[i];
    *out = s;
    return 0;
}
