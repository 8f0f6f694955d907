/*
 * est.h - the estimator of one object's state, from its plots.
 *
 * A missile may be first seen while its motor still burns, so an estimate
 * starts as an interacting multiple model (IMM, Blom and Bar-Shalom) of
 * three modes over the same 10-component state (r, v, kappa, a):
 *
 *   boost:     gravity + thrust a; a grows as a |a| / v_e (constant thrust
 *              from a burning mass, v_e = GS_EST_EXHAUST_SPEED) and is
 *              driven by white jerk; no separate drag (a absorbs it);
 *   ballistic: gravity + drag(kappa), a held at zero;
 *   staging:   the boost model with a thousand times the jerk noise, for
 *              the steps of thrust at staging and ignition.
 *
 * Burnout is a switch boost -> ballistic (rate lambda_bf); staging a short
 * visit to the staging mode. All modes use the EKF (Joseph form). Once the
 * ballistic mode has held probability
 * >= collapse_prob for collapse_time seconds, the estimate collapses to one
 * ballistic filter of 7 components (r, v, kappa) - there is no way back to
 * boost - which is an EKF in vacuum and, with GS_FILTER_AUTO, a UKF below
 * GS_EST_REENTRY_HEIGHT on the way down, where drag makes the model
 * strongly non-linear and the ballistic coefficient becomes observable.
 *
 * An estimate is a plain value (about 3 KB): the tracker copies it into its
 * history to re-filter late plots, so nothing here may point elsewhere.
 */
#ifndef GS_TRACK_EST_H
#define GS_TRACK_EST_H

#include <stdbool.h>

#include "base/time.h"
#include "track/dyn.h"
#include "track/filter.h"
#include "track/plot.h"
#include "track/sensor.h"

/* The exhaust speed of the boost model's rocket law, m/s (Isp near 200 s:
 * the order of ballistic missiles' motors). */
#define GS_EST_EXHAUST_SPEED 2000.0

/* Atmospheric re-entry: descending below this height. */
#define GS_EST_REENTRY_HEIGHT 100e3

enum gs_filter_kind { GS_FILTER_AUTO, GS_FILTER_EKF, GS_FILTER_UKF };

enum gs_phase { GS_PHASE_BOOST, GS_PHASE_MIDCOURSE, GS_PHASE_REENTRY };

/* The models' tuning; gs_est_config_default gives the values we use. */
struct gs_est_config {
    enum gs_filter_kind filter;
    double q_jerk;      /* boost: thrust-acceleration noise, m^2/s^5 */
    double q_jerk_jump; /* staging mode's, m^2/s^5 */
    double q_acc;       /* ballistic: white acceleration noise, m^2/s^3 */
    double q_kappa;     /* ballistic: kappa random walk, (m^2/kg)^2/s */
    double kappa0, sigma_kappa0; /* prior of kappa, m^2/kg */
    double sigma_v0;             /* prior velocity sd per axis, m/s */
    double sigma_a0;  /* prior thrust acceleration sd per axis, m/s^2 */
    double mu_boost0; /* prior probability of boost */
    /* Mode switch rates, 1/s: boost, ballistic (free), staging (jump). */
    double lambda_bf, lambda_fb, lambda_bj, lambda_fj, lambda_jb, lambda_jf;
    double collapse_prob, collapse_time;
};

void gs_est_config_default(struct gs_est_config *c);

/* The force models the estimator uses for the boost and ballistic modes. */
void gs_est_models(struct gs_dyn *boost, struct gs_dyn *ballistic);

#define GS_EST_MODES 3

struct gs_est {
    gs_time_t t; /* time of the estimate */
    bool imm;    /* true: three modes; false: collapsed */
    /* [0] boost, [1] ballistic (n 10, or 7 once collapsed), [2] staging */
    struct gs_kf kf[GS_EST_MODES];
    double mu[GS_EST_MODES];
    double ballistic_since; /* seconds mu[1] has held >= collapse_prob */
    double dt_pending;      /* predicted since the last update, s */
    int updates;
};

/*
 * Starts an estimate from one plot of sensor s: the position from the plot
 * with the covariance of its noise mapped through the polar-to-Cartesian
 * Jacobian; the velocity v0 (m/s, ECEF; NULL for zero) with sd sigma_v
 * (<= 0 for the configured prior); kappa and thrust from the priors.
 */
void gs_est_init(struct gs_est *e, const struct gs_est_config *c,
                 const struct gs_plot *p, const struct gs_sensor *s,
                 const double *v0, double sigma_v);

/*
 * The innovation a plot would have against e predicted to the plot's time,
 * without changing e: d2 the smallest normalised innovation of the modes,
 * loglik the log-likelihood of the mixture. GS_ERR_INVALID when it cannot
 * be computed (degenerate geometry or a diverged filter).
 */
int gs_est_try(const struct gs_est *e, const struct gs_est_config *c,
               const struct gs_plot *p, const struct gs_sensor *s, double *d2,
               double *loglik);

/*
 * Predicts e to the time of p and updates it with p. Returns 0, or
 * GS_ERR_INVALID with e unchanged (the plot is then not used).
 */
int gs_est_update(struct gs_est *e, const struct gs_est_config *c,
                  const struct gs_plot *p, const struct gs_sensor *s);

/*
 * Predicts e to time t >= e->t (no measurement): IMM mixing and both modes'
 * predictions, the mode probabilities becoming the predicted ones. Returns
 * 0, GS_ERR_STATE for a time in the past, or GS_ERR_INVALID when the
 * propagation fails (e unchanged in both cases). gs_est_update(p) is
 * exactly gs_est_predict(p->time) then gs_est_correct(p).
 */
int gs_est_predict(struct gs_est *e, const struct gs_est_config *c,
                   gs_time_t t);

/* The innovation of p against e, which must already be at p's time (else
 * GS_ERR_STATE); as gs_est_try. */
int gs_est_innovation(const struct gs_est *e, const struct gs_est_config *c,
                      const struct gs_plot *p, const struct gs_sensor *s,
                      double *d2, double *loglik);

/* The update with p of e, which must already be at p's time: mode
 * probabilities, and the collapse to one ballistic filter when due.
 * Errors leave e unchanged. */
int gs_est_correct(struct gs_est *e, const struct gs_est_config *c,
                   const struct gs_plot *p, const struct gs_sensor *s);

/*
 * The moment-matched mixture of a (weight wa) and b (weight wb), into a:
 * for each mode, the mean and covariance (with the spread of the means) of
 * the two, weighted by weight times mode probability; the mode
 * probabilities averaged. Both must be at the same time and both IMM or
 * both collapsed (else GS_ERR_STATE, a unchanged); weights > 0.
 */
int gs_est_merge(struct gs_est *a, double wa, const struct gs_est *b,
                 double wb);

/* The combined estimate of (r, v, kappa): x[7] and P[7 x 7]. */
void gs_est_combined(const struct gs_est *e, double x[7], double P[49]);

/* The thrust acceleration of the boost mode (zero once collapsed). */
void gs_est_thrust(const struct gs_est *e, double a[3]);

/* Probability that the motor still burns (boost or staging mode; 0 once
 * collapsed). */
double gs_est_boost_probability(const struct gs_est *e);

/* The flight phase the estimate is in. */
enum gs_phase gs_est_phase(const struct gs_est *e);

/* Name of a phase: "boost", "midcourse", "re-entry". */
const char *gs_phase_name(enum gs_phase p);

#endif
