/*
 * fuse.c - covariance intersection and inverse covariance intersection;
 * see fuse.h.
 */
#include "track/fuse.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/mat.h"

const char *gs_fusion_rule_name(enum gs_fusion_rule r)
{
    static const char *const names[] = {"ici", "ci", "naive"};

    return names[r];
}

/* The fused information matrix Y and vector y for weight w. */
static int combine(enum gs_fusion_rule rule, int n, const double *xa,
                   const double *Ia, const double *Pa, const double *xb,
                   const double *Ib, const double *Pb, double w, double *Y,
                   double *y)
{
    double Ka[GS_MAT_MAX * GS_MAT_MAX], Kb[GS_MAT_MAX * GS_MAT_MAX];
    int i, j, nn = n * n, rc;

    if (rule == GS_FUSE_ICI) {
        double G[GS_MAT_MAX * GS_MAT_MAX] = {0}, Gi[GS_MAT_MAX * GS_MAT_MAX];

        for (i = 0; i < nn; i++)
            G[i] = w * Pa[i] + (1 - w) * Pb[i];
        rc = gs_mat_inverse_spd(G, Gi, n);
        if (rc < 0)
            return rc;
        for (i = 0; i < nn; i++) {
            Ka[i] = Ia[i] - w * Gi[i];
            Kb[i] = Ib[i] - (1 - w) * Gi[i];
        }
    } else {
        double wa = rule == GS_FUSE_CI ? w : 1,
               wb = rule == GS_FUSE_CI ? 1 - w : 1;

        for (i = 0; i < nn; i++) {
            Ka[i] = wa * Ia[i];
            Kb[i] = wb * Ib[i];
        }
    }
    for (i = 0; i < nn; i++)
        Y[i] = Ka[i] + Kb[i];
    gs_mat_symmetrize(Y, n);
    for (i = 0; i < n; i++) {
        double s = 0;

        for (j = 0; j < n; j++)
            s += Ka[i * n + j] * xa[j] + Kb[i * n + j] * xb[j];
        y[i] = s;
    }
    return 0;
}

/* The size of P for weight w: log det P (= -log det Y), or the weighted
 * trace; +inf when Y is not definite. */
static double cost(enum gs_fusion_rule rule, int n, const double *xa,
                   const double *Ia, const double *Pa, const double *xb,
                   const double *Ib, const double *Pb, const double *W,
                   double w)
{
    double Y[GS_MAT_MAX * GS_MAT_MAX], y[GS_MAT_MAX], ld;
    double P[GS_MAT_MAX * GS_MAT_MAX], tr = 0;
    int i;

    if (combine(rule, n, xa, Ia, Pa, xb, Ib, Pb, w, Y, y) < 0 ||
        gs_mat_logdet_spd(Y, n, &ld) < 0)
        return INFINITY;
    if (W == NULL)
        return -ld;
    if (gs_mat_inverse_spd(Y, P, n) < 0)
        return INFINITY;
    for (i = 0; i < n; i++)
        tr += W[i] * P[i * n + i];
    return tr;
}

int gs_fuse(enum gs_fusion_rule rule, int n, const double *xa, const double *Pa,
            const double *xb, const double *Pb, const double *W, double *x,
            double *P)
{
    double Ia[GS_MAT_MAX * GS_MAT_MAX], Ib[GS_MAT_MAX * GS_MAT_MAX];
    double Y[GS_MAT_MAX * GS_MAT_MAX], y[GS_MAT_MAX];
    double w = 0.5;
    int rc;

    rc = gs_mat_inverse_spd(Pa, Ia, n);
    if (rc == 0)
        rc = gs_mat_inverse_spd(Pb, Ib, n);
    if (rc < 0)
        return rc;
    if (rule != GS_FUSE_NAIVE) {
        /* Golden-section search for the weight. The cost is convex in w
         * for CI; for ICI it is well behaved in practice, and the end
         * points (one estimate alone) are always candidates. */
        const double g = 0.6180339887498949;
        double lo = 0, hi = 1, a = hi - g * (hi - lo), b = lo + g * (hi - lo);
        double fa = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, a);
        double fb = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, b);
        double f0, f1, fw;
        int it;

        for (it = 0; it < 40; it++) {
            if (fa < fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - g * (hi - lo);
                fa = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, a);
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + g * (hi - lo);
                fb = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, b);
            }
        }
        w = 0.5 * (lo + hi);
        fw = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, w);
        f0 = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, 0);
        f1 = cost(rule, n, xa, Ia, Pa, xb, Ib, Pb, W, 1);
        if (f0 < fw && f0 <= f1)
            w = 0;
        else if (f1 < fw)
            w = 1;
    }
    rc = combine(rule, n, xa, Ia, Pa, xb, Ib, Pb, w, Y, y);
    if (rc == 0)
        rc = gs_mat_inverse_spd(Y, P, n);
    if (rc == 0)
        gs_mat_mul(P, y, x, n, n, 1);
    return rc;
}
