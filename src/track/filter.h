/*
 * filter.h - the extended and unscented Kalman filters of the tracker.
 *
 * A filter is a mean x and covariance P of n <= GS_MAT_MAX components. The
 * EKF takes the model linearised by its caller (the propagated mean, the
 * transition matrix F and noise Q for a prediction; the predicted
 * measurement and Jacobian H for an update) and updates P in Joseph form,
 *   P = (I - K H) P (I - K H)^T + K R K^T,
 * which stays symmetric and positive semi-definite under rounding. The UKF
 * (scaled unscented transform: alpha = 1, beta = 2, kappa = 0, so 2n + 1
 * points at +- sqrt(n) standard deviations) calls the model through
 * callbacks instead. Angle components of a measurement (azimuth) are
 * marked so that innovations are wrapped to (-pi, pi].
 *
 * No allocation, no global state: filters are plain values that the
 * tracker copies into its history for re-filtering.
 */
#ifndef GS_TRACK_FILTER_H
#define GS_TRACK_FILTER_H

#include <stdbool.h>

#include "track/mat.h"

#define GS_MEAS_MAX 4

struct gs_kf {
    int n;
    double x[GS_MAT_MAX];
    double P[GS_MAT_MAX * GS_MAT_MAX];
};

/* A measurement: m values, their noise covariance R, which are angles. */
struct gs_meas {
    int m;
    double z[GS_MEAS_MAX];
    double R[GS_MEAS_MAX * GS_MEAS_MAX];
    bool angle[GS_MEAS_MAX];
};

/* What an update (or a trial of one) found. */
struct gs_innov {
    int m;
    double nu[GS_MEAS_MAX];              /* z - predicted, wrapped */
    double S[GS_MEAS_MAX * GS_MEAS_MAX]; /* innovation covariance */
    double nis;                          /* nu^T S^-1 nu */
    double loglik;                       /* log N(nu; 0, S) */
};

/* Sets x <- x_new and P <- F P F^T + Q (Q may be NULL for none). */
void gs_kf_predict(struct gs_kf *kf, const double *x_new, const double *F,
                   const double *Q);

/*
 * The innovation of measurement z against the prediction hx = h(x) with
 * Jacobian H (m x n), without changing the filter. GS_ERR_INVALID when S is
 * not positive definite.
 */
int gs_ekf_innovation(const struct gs_kf *kf, const struct gs_meas *z,
                      const double *hx, const double *H, struct gs_innov *out);

/*
 * The EKF update with z, hx and H as above, in Joseph form. inn (may be
 * NULL) receives the innovation. GS_ERR_INVALID (filter unchanged) when S
 * is not positive definite.
 */
int gs_ekf_update(struct gs_kf *kf, const struct gs_meas *z, const double *hx,
                  const double *H, struct gs_innov *inn);

/* Propagates a state in place; returns 0 or a negative GS_ERR_*. */
typedef int (*gs_ukf_fx)(void *ctx, double *x);
/* The measurement (m values) of state x. */
typedef void (*gs_ukf_hx)(void *ctx, const double *x, double *z);

/*
 * The UKF prediction: sigma points of (x, P) through f, plus Q (may be
 * NULL). GS_ERR_INVALID (filter unchanged) when P is not positive definite
 * or f fails for a point.
 */
int gs_ukf_predict(struct gs_kf *kf, gs_ukf_fx f, void *ctx, const double *Q);

/* The UKF update with z through h; errors as gs_ukf_predict. */
int gs_ukf_update(struct gs_kf *kf, const struct gs_meas *z, gs_ukf_hx h,
                  void *ctx, struct gs_innov *inn);

/*
 * The sigma points of (x, P) (n + 1 + n of them, the mean first) and their
 * mean and covariance weights, as the UKF uses them. pts holds
 * (2n + 1) x n values. GS_ERR_INVALID when P is not positive definite.
 */
int gs_ukf_sigma_points(const struct gs_kf *kf, double *pts, double *wm,
                        double *wc);

#endif
