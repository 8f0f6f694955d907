/*
 * predict.h - where a missile will fall and where it came from.
 *
 * Impact: the estimate (r, v, kappa) with its covariance is pushed through
 * the ballistic model (drag included) down to the ellipsoid, either by the
 * unscented transform (15 sigma points, each flown to the ground: the
 * default) or by linearisation (the state-transition matrix to the nominal
 * impact, with the impact-time correction that keeps the point on the
 * ground). The 2 x 2 east-north covariance at the mean impact point gives
 * the 95 % ellipse (semi-axes sqrt(5.991 lambda)). tests/unit/test_track.c
 * checks both against Monte Carlo.
 *
 * Launch: the early track, while the motor burns, is smoothed (a boost-mode
 * EKF forward over the plots, Rauch-Tung-Striebel backward) to the first
 * plot; the smoothed thrust history gives the rocket's law (1/|a| linear in
 * time, as for constant thrust and mass flow) and its pitch program (thrust
 * elevation linear in time); the smoothed first state is then flown back in
 * time under that thrust until the speed vanishes - the pad. The ellipse is
 * the unscented transform of the smoothed state's covariance, widened by a
 * model-error term (the law is extrapolated). A track first seen after
 * burnout has no boost to smooth: it is flown back ballistically to the
 * ground, which overshoots the pad by roughly the boost's ground distance,
 * and the ellipse says so.
 */
#ifndef GS_TRACK_PREDICT_H
#define GS_TRACK_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/time.h"
#include "track/est.h"
#include "track/plot.h"
#include "track/sensor.h"
#include "track/update.h"

/* What flying the estimate forward finds. */
struct gs_impact_prediction {
    struct gs_ground_point impact;
    double C[4];     /* east-north covariance at the impact, m^2 */
    bool has_apogee; /* the apogee is still ahead */
    double apogee_height;
    gs_time_t apogee_time;
};

/*
 * Predicts the impact of the state x (7: r, v, kappa) with covariance P
 * (7 x 7) at time t, flying at most t_max seconds. GS_ERR_INVALID when some
 * sigma point does not come down within t_max (or P is not positive
 * definite, or the flight diverges).
 */
int gs_predict_impact(const double x[7], const double P[49], gs_time_t t,
                      double t_max, struct gs_impact_prediction *out);

/* The same by linearisation about the nominal flight. */
int gs_predict_impact_linear(const double x[7], const double P[49], gs_time_t t,
                             double t_max, struct gs_impact_prediction *out);

/* How the launch point was found. */
enum gs_launch_method { GS_LAUNCH_BOOST, GS_LAUNCH_BALLISTIC };

/*
 * Estimates the launch point and time from the plots p[0..n) of one object
 * (time order, the first ones of its track), taken by sensors s. burnout is
 * the tracker's estimate of when the motor stopped (plots after it are not
 * used for the boost fit). Falls back to the ballistic method, given the
 * estimate (x, P) at time t, when fewer than 8 plots precede burnout or
 * the boost fit fails. GS_ERR_INVALID when neither works.
 */
int gs_predict_launch(const struct gs_plot *p, size_t n,
                      const struct gs_sensor *s, gs_time_t burnout,
                      const struct gs_est_config *c, const double x[7],
                      const double P[49], gs_time_t t,
                      struct gs_ground_point *out,
                      enum gs_launch_method *method);

#endif
