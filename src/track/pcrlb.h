/*
 * pcrlb.h - the posterior Cramer-Rao lower bound along a true trajectory.
 *
 * No unbiased estimator of a state can have a smaller error covariance than
 * the inverse of the Fisher information J, whose recursion along the true
 * trajectory (Tichavsky, Muravchik and Nehorai 1998, for additive Gaussian
 * noise) is
 *
 *   J(k+1) = (Q + F J(k)^-1 F^T)^-1 + sum over sensors of H^T R^-1 H,
 *
 * F the state-transition matrix and H the measurement Jacobians at the
 * truth, J(0) = P(0)^-1. We evaluate it with the tracker's own models
 * (est.h): while the true motor burns, the boost model (thrust as a
 * Wiener-process acceleration, so the bound knows the burn is a random
 * process of that power, not its profile); after the true burnout, the
 * ballistic model (r, v, kappa) with its small noise. The bound knows when
 * burnout happens - an estimator must find it - so in boost and just after
 * it no estimator reaches it. P(0) is the tracker's prior made from the
 * first plot: a position ten standard deviations of that plot wide, and
 * the velocity, thrust and kappa priors of est.h.
 *
 * The recursion runs in information form on a scaled state (each component
 * divided by its prior standard deviation) so that metres, metres per
 * second and kappa (1e-4 m^2/kg) stay well conditioned.
 */
#ifndef GS_TRACK_PCRLB_H
#define GS_TRACK_PCRLB_H

#include <stdbool.h>
#include <stddef.h>

#include "track/est.h"
#include "track/sensor.h"

/*
 * One information step: J <- (Q + F J^-1 F^T)^-1 + H^T R^-1 H for n
 * components (J n x n, in place), m measurements (H m x n, R m x m; m may
 * be 0). Q may be NULL (no noise). GS_ERR_INVALID when a matrix that must
 * be inverted is not positive definite.
 */
int gs_pcrlb_info_step(int n, double *J, const double *F, const double *Q,
                       const double *H, const double *R, int m);

/* The truth the bound follows: the state (r, v) and total acceleration at
 * t seconds, whether the motor burns then, and kappa after burnout. */
struct gs_pcrlb_truth {
    bool (*state)(void *ctx, double t, double x[6], double a[3]);
    double t_burnout; /* the true last burnout (-inf: never boosted) */
    double kappa;     /* the true 1/beta after burnout */
    void *ctx;
};

/* A plot of the object: when and by which radar. */
struct gs_pcrlb_meas {
    double t;
    int sensor;
};

/*
 * The bound at the query times tq[0..nq) (increasing), from the plots
 * m[0..nm) (increasing in time) of sensors s: P[k] (6 x 6, position and
 * velocity) includes every plot at or before tq[k]; valid[k] is false
 * before the first plot. Returns 0 or GS_ERR_INVALID (the truth ran out,
 * or the recursion lost definiteness).
 */
int gs_pcrlb(const struct gs_est_config *c, const struct gs_pcrlb_truth *tr,
             const struct gs_sensor *s, const struct gs_pcrlb_meas *m,
             size_t nm, const double *tq, size_t nq, double (*P)[36],
             bool *valid);

#endif
