/*
 * dyn.h - ballistic dynamics in the Earth-fixed frame, and their
 * integration with the state-transition matrix.
 *
 * The state of an object is, in this order: ECEF position r (m), ECEF
 * velocity v (m/s), then optionally kappa, the inverse ballistic
 * coefficient 1/beta (m^2/kg), and optionally a, a thrust acceleration
 * (m/s^2, ECEF) held constant between measurements (the boost model). So a
 * state has n = 6, 7 or 10 components. Forces, each switchable for tests:
 *
 *   gravity: point mass GM and the J2 zonal term of WGS84;
 *   frame:   Coriolis -2 w x v and centrifugal -w x (w x r) (w = Earth
 *            rotation about z), or none for an inertial frame;
 *   drag:    -kappa rho(h) |v| v / 2 with rho = 1.2 exp(-h / 7500 m), zero
 *            above GS_DYN_ATMOSPHERE_TOP; v is the ECEF velocity, i.e. the
 *            velocity relative to an atmosphere that turns with the Earth;
 *   thrust:  + a (when n = 10), which grows as a |a| / v_e when
 *            thrust_growth = 1 / v_e is set: constant thrust from a mass
 *            that burns away at exhaust speed v_e (the rocket equation);
 *   extra:   an acceleration from a callback, for the simulator's rocket
 *            (no state-transition matrix then).
 *
 * Integration is classical fourth-order Runge-Kutta with a step chosen
 * from the state (see gs_dyn_max_step): at most 20 s in vacuum, shorter in
 * the atmosphere where drag changes fast. The variational equations
 * dPhi/dt = A(x(t)) Phi are integrated with the same stages, so the
 * transition matrix Phi is consistent with the propagated state. Accuracy
 * (tests/unit/test_track.c): metres after a 90-minute flight, against the
 * closed-form Kepler orbit.
 */
#ifndef GS_TRACK_DYN_H
#define GS_TRACK_DYN_H

#include <stdbool.h>

#include "track/mat.h"

/* State layout. */
enum { GS_X_R = 0, GS_X_V = 3, GS_X_KAPPA = 6, GS_X_ACC = 7 };
#define GS_N_RV 6
#define GS_N_BALLISTIC 7
#define GS_N_BOOST 10

/* The atmosphere model ends here (rho is 4e-9 of its ground value). */
#define GS_DYN_ATMOSPHERE_TOP 150e3
#define GS_DYN_RHO0 1.2
#define GS_DYN_SCALE_HEIGHT 7500.0

struct gs_dyn {
    bool j2;       /* J2 zonal gravity */
    bool rotating; /* Earth-fixed frame: Coriolis and centrifugal terms */
    bool drag;     /* atmospheric drag through kappa (n >= 7) */
    double thrust_growth; /* 1 / v_e in s/m for da/dt = a |a| / v_e; 0 off */
    /* An extra acceleration at time t (seconds from the start of the
     * propagation) and state x (r, v); NULL for none. */
    void (*extra)(void *ctx, double t, const double x[6], double acc[3]);
    void *ctx;
};

/* The full model of REFERENCE.md: J2, rotating frame, drag. */
void gs_dyn_default(struct gs_dyn *m);

/*
 * The height used by the drag model: the distance from r to the ellipsoid
 * along the geocentric radius (within a metre of the geodetic height below
 * 150 km, and much cheaper).
 */
double gs_dyn_height(const double r[3]);
/* The air density at height h (kg/m^3), 0 above GS_DYN_ATMOSPHERE_TOP. */
double gs_dyn_density(double h);

/*
 * The acceleration acc at state x (n components, without the extra term),
 * and when A is not NULL the Jacobian of the state derivative f(x) =
 * (v, acc, 0...), n x n row-major.
 */
void gs_dyn_accel(const struct gs_dyn *m, const double *x, int n, double acc[3],
                  double *A);

/* The step the integrator takes at state x (seconds, > 0). */
double gs_dyn_max_step(const struct gs_dyn *m, const double *x, int n);

/*
 * Propagates x (n components) by dt seconds (negative goes back in time)
 * in place. When Phi is not NULL it receives the n x n state-transition
 * matrix dx(t + dt)/dx(t). Returns 0, or GS_ERR_INVALID when the state
 * stops being finite or falls inside the Earth's core (r < 1000 km), in
 * which case x is left at the last good value.
 */
int gs_dyn_propagate(const struct gs_dyn *m, double *x, int n, double dt,
                     double *Phi);

/* What gs_dyn_fly finds along a free flight. */
struct gs_flight {
    bool impact;     /* reached the ground height before t_max */
    double t_impact; /* seconds from the start */
    double x_impact[GS_MAT_MAX];
    bool apogee; /* the height peaked during the flight */
    double t_apogee, h_apogee;
};

/*
 * Flies x (n components) forward until its geodetic height falls to
 * h_ground or t_max seconds pass, recording where the height peaks (the
 * apogee, refined between steps) and the ground crossing (refined to a
 * millimetre). Returns 0, or GS_ERR_INVALID as gs_dyn_propagate.
 */
int gs_dyn_fly(const struct gs_dyn *m, const double *x, int n, double t_max,
               double h_ground, struct gs_flight *out);

/*
 * The discrete process noise of the models over dt seconds into Q (n x n):
 * white acceleration noise of spectral density q_acc (m^2/s^3) on the
 * velocity; a random walk of density q_kappa on kappa (n >= 7); and when
 * n = 10, white jerk noise of density q_jerk (m^2/s^5) driving the thrust
 * acceleration (the Wiener-process acceleration model).
 */
void gs_dyn_process_noise(int n, double dt, double q_acc, double q_kappa,
                          double q_jerk, double *Q);

#endif
