/*
 * eval.h - scoring a tracker's output against the truth.
 *
 * Each update is matched to the true object it follows: the one with the
 * smallest NEES among those within 50 km, a track switching objects only
 * after three updates in a row nearer another (counted as a swap). Each
 * warhead's updates are then scored against it:
 *
 *   - the position error and the NEES of position and velocity,
 *     e^T P^-1 e with the update's own 6 x 6 covariance, per update,
 *     with the flight phase and the posterior Cramer-Rao bound at that
 *     time (pcrlb.h; from the radars of `use`);
 *   - the impact miss distance of the latest prediction at 60, 120 and
 *     300 s after launch, and of the last one;
 *   - how many impact predictions contain the true impact point in their
 *     95 % ellipse;
 *   - the launch-point error (distance and time) of the last estimate, and
 *     whether its ellipse contains the true pad;
 *   - the time from the object's first detection (by the radars of `use`)
 *     to the first impact ellipse with a semi-major axis under 50 km.
 *
 * `gsomia track-eval` prints these for one run; bench/track aggregates
 * them over many.
 */
#ifndef GS_SIM_EVAL_H
#define GS_SIM_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/truth.h"
#include "track/est.h"
#include "track/update.h"

#define GS_EVAL_MISS_TIMES 3
extern const double gs_eval_miss_times[GS_EVAL_MISS_TIMES]; /* 60 120 300 */

struct gs_eval_sample {
    double t;            /* seconds after the object's launch */
    enum gs_phase phase; /* the true phase */
    double err2;         /* squared position error, m^2 */
    double nees;         /* 6-dimensional NEES */
    double bound2;       /* trace of the bound's position block, m^2 */
    bool has_bound;
};

struct gs_eval_object {
    int object;
    const char *id;
    struct gs_eval_sample *s;
    size_t n;
    bool has_miss[GS_EVAL_MISS_TIMES];
    double miss[GS_EVAL_MISS_TIMES]; /* m */
    bool has_final_miss;
    double final_miss;
    size_t n_impact, n_inside;
    bool has_launch, launch_inside;
    double launch_err, launch_dt; /* m, s */
    bool detected, has_confident;
    double t_detect, t_confident; /* s after launch */
    int n_tracks;                 /* output tracks matched to it */
};

struct gs_eval {
    struct gs_eval_object *o; /* the warheads */
    size_t n;
    int n_tracks, n_false_tracks; /* output tracks; matched to nothing */
    int n_swaps;                  /* tracks switching objects */
};

/*
 * Scores the updates u[0..n) against truth t, the bound using the radars
 * s[0..ns) for which use[i] (use NULL: all). c is the estimator
 * configuration (the bound's models). Returns 0, or GS_ERR_INVALID when
 * the bound fails. Free with gs_eval_free.
 */
int gs_eval_run(const struct gs_truth *t, const struct gs_sensor *s, size_t ns,
                const bool *use, const struct gs_est_config *c,
                const struct gs_track_update *u, size_t n, struct gs_eval *out);
void gs_eval_free(struct gs_eval *e);

/* Prints a human summary of e. */
void gs_eval_print(const struct gs_eval *e, FILE *out);

/* The 2.5 % and 97.5 % points of chi-square with k degrees of freedom
 * divided by k (Wilson-Hilferty; within 0.5 % for k >= 6). */
void gs_chi2_band(double k, double *lo, double *hi);

#endif
