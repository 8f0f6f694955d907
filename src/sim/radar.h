/*
 * radar.h - what the scenario's radars report of the true flights.
 *
 * Each radar scans at its update rate from the first launch to the last
 * impact, with a random phase. At a scan it sees every object inside its
 * coverage (gs_sensor_sees: range, field of view, elevation over the 4/3
 * Earth horizon); objects closer together than its resolution in both range
 * and angle make one plot at their centroid (a separating booster is at
 * first one blob with its warhead); each plot is detected with the radar's
 * probability and carries white Gaussian noise of its sigmas; and false
 * plots, Poisson in number with the radar's mean, fall uniformly in its
 * coverage. A share of plots (the scenario's "late") is delivered up to
 * max_delay seconds late, so the stream is out of order.
 *
 * Resolved detections of one object are recorded in the truth: the bound
 * uses them.
 */
#ifndef GS_SIM_RADAR_H
#define GS_SIM_RADAR_H

#include <stddef.h>

#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/truth.h"
#include "track/plot.h"

struct gs_sim_plot {
    struct gs_plot p;
    gs_time_t arrival; /* when it reaches the tracker */
    int object;        /* the object it comes from; -1 false, -2 merged */
};

/*
 * The plots of every radar of sc over truth t (whose detections are
 * recorded), sorted by arrival. *out (n elements) is the caller's to
 * gs_free.
 */
void gs_sim_radars(const struct gs_scenario *sc, struct gs_truth *t,
                   struct gs_rng *rng, struct gs_sim_plot **out, size_t *n);

/*
 * The whole simulation for one seed: flights, then plots. On failure (a
 * flight that diverges) returns GS_ERR_INVALID with nothing allocated.
 */
int gs_sim_run(const struct gs_scenario *sc, uint64_t seed, struct gs_truth *t,
               struct gs_sim_plot **plots, size_t *n);

#endif
