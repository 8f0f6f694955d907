/*
 * path.h - the predicted ground path of a tracked missile: where, on the
 * ground, it will pass from now until it falls, and how sure that is.
 *
 * The track's state (ECEF position and velocity, and its inverse ballistic
 * coefficient when known) is flown forward under the estimator's ballistic
 * model (gravity with J2, Earth rotation, drag) in steps of `step`
 * seconds, each point taken to the ground below it, until the missile
 * reaches the ground or max_time passes. Each point carries a radius that
 * covers the uncertainty: three standard deviations of the horizontal
 * position now, grown by three of the velocity times the time ahead,
 * between GS_PATH_RADIUS_MIN and GS_PATH_RADIUS_MAX. That is what warnings
 * need (who might be under it), not what a weapon system needs.
 *
 * Cost: one propagation of up to a few hundred steps, a fraction of a
 * millisecond.
 */
#ifndef GS_ALERT_PATH_H
#define GS_ALERT_PATH_H

#include <stddef.h>

#include "track/update.h"

#define GS_PATH_RADIUS_MIN 10e3  /* m */
#define GS_PATH_RADIUS_MAX 300e3 /* m */
/* Points in a path of two hours at 10 s, with room to spare. */
#define GS_PATH_POINTS_MAX 800

struct gs_path_point {
    double lat, lon; /* degrees */
    double height;   /* of the missile above the point, m */
    double radius;   /* m */
    double t;        /* seconds after the update's time */
};

/*
 * Fills out[0..max) with the ground path of u; *n gets the number of
 * points (the first is below the missile now, the last on the ground when
 * it was reached). Returns 0, or GS_ERR_INVALID when the flight diverges
 * before the first point.
 */
int gs_path_predict(const struct gs_track_update *u, double step,
                    double max_time, struct gs_path_point *out, size_t max,
                    size_t *n);

#endif
