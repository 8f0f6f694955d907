/*
 * pair.h - two objects that have parted (a spent stage and its warhead):
 * which plot is whose, decided by multiple hypotheses.
 *
 * After a separation at a few m/s two objects stay inside each other's
 * gates for tens of seconds, and a radar coarser than their separation
 * reports one plot at their centroid. A single assignment per scan (global
 * nearest neighbour) then hands each track plots of both objects and both
 * estimates end up biased while their covariances shrink. A pair is a
 * track-oriented multiple-hypothesis tracker for the two objects, A and B,
 * from the separation on: each hypothesis is one history of assignments
 * of the plots since the separation, with the two estimates (est.h) it
 * leads to and its log-likelihood. Each scan (the plots of one radar at
 * one time) branches every hypothesis into the assignments it allows:
 *
 *   - neither object detected;
 *   - one plot to A, or to B, the other object missed;
 *   - one plot to A and another to B (resolved);
 *   - one plot to both: the radar did not resolve them (their predicted
 *     separation is within its range and angle resolution) and reports
 *     their centroid;
 *
 * every plot not assigned being a false alarm, with the radar's detection
 * probability and a false-alarm density of false_alarms per scan spread
 * over its field of view (sensor.h). A plot takes part only inside the
 * chi-square gate of an object, or of the centroid, in some hypothesis.
 * The likelihood of a centroid plot is that of the centroid of the two
 * predicted measurements; each object is then updated with it as the
 * linearised measurement h(x_A)/2 + h(x_B)/2 with B's predicted
 * measurement and its uncertainty taken as known and independent of A
 * (exact for the marginal of A under that assumption), which the filter
 * takes as the plot 2 z - h(x_B) with noise 4 R + H_B P_B H_B^T (diagonal)
 * - doubled, because B takes the same plot the same way and the two
 * updates must not count it twice (covariance intersection with equal
 * weights).
 *
 * The best max_hyp branches survive, those more than `prune` below the
 * best in log-likelihood are dropped, and hypotheses with the same
 * estimates (to a hundredth of a standard deviation; differences in old
 * assignments that no longer matter) are merged, their probabilities
 * added - also when they are mirror images (A and B exchanged), since
 * which object is called A is arbitrary at the separation: each new
 * hypothesis is labelled as the best one before the scan labels the two.
 * Outside, A is the object that goes on like the missile did (still under
 * thrust while the other is not, or ahead: a spent stage is pushed back),
 * decided in the first 30 s.
 *
 * Late scans are handled exactly: the pair keeps the plots it took since
 * the separation and the hypotheses as they were every snapshot_interval
 * seconds; a scan older than the latest goes back to the last snapshot
 * before it and takes the later scans again, in time order.
 *
 * Memory: about 6 KB per hypothesis, GS_PAIR_MAX_HYP hypotheses in each of
 * GS_PAIR_SNAPSHOTS + 2 sets (about 0.6 MB), and the plots (at most
 * GS_PAIR_MAX_PLOTS). Cost per scan: for each hypothesis two predictions,
 * two innovations per plot and at most two updates per surviving branch.
 * Not thread-safe; the pair borrows the estimator configuration and the
 * sensors it is made with, which must outlive it.
 */
#ifndef GS_TRACK_PAIR_H
#define GS_TRACK_PAIR_H

#include <stdbool.h>

#include "track/est.h"
#include "track/plot.h"
#include "track/sensor.h"

#define GS_PAIR_MAX_HYP 16
#define GS_PAIR_SNAPSHOTS 12
#define GS_PAIR_MAX_PLOTS 4096
#define GS_PAIR_SCAN_MAX 8 /* plots of one scan considered */

struct gs_pair_config {
    int max_hyp;              /* hypotheses kept, 1..GS_PAIR_MAX_HYP */
    double gate;              /* chi-square gate on one plot's innovation */
    double prune;             /* log-likelihood below the best: dropped */
    double snapshot_interval; /* s */
};

/* max_hyp 8, gate 25, prune 15 (odds of 3e6 to 1), snapshots every 2 s. */
void gs_pair_config_default(struct gs_pair_config *c);

struct gs_pair;

/*
 * A pair of objects that were one at start->t: both begin as start. ec and
 * s[0..ns) are borrowed (plots index s). Returns 0, or GS_ERR_INVALID for
 * a configuration out of range.
 */
int gs_pair_new(const struct gs_pair_config *pc, const struct gs_est_config *ec,
                const struct gs_sensor *s, size_t ns,
                const struct gs_est *start, struct gs_pair **out);
/* Frees p; p may be NULL. */
void gs_pair_free(struct gs_pair *p);

/*
 * Takes one scan: the plots q[0..n) of one sensor at one time (n may be
 * 0; only the first GS_PAIR_SCAN_MAX are considered). The scan may be
 * older than scans already taken (see above). claimed[i] is set for the
 * plots the best hypothesis gives to an object, and cleared for the
 * others (which the pair still weighs, as false alarms in that hypothesis,
 * when inside some gate). Returns 0; GS_ERR_STATE (nothing
 * claimed) for a scan older than the separation; GS_ERR_TOO_BIG (nothing
 * claimed) when the pair already holds GS_PAIR_MAX_PLOTS plots.
 */
int gs_pair_scan(struct gs_pair *p, const struct gs_plot *q, int n,
                 bool *claimed);

/* What the pair says of object o (0: A, 1: B): the estimate of all its
 * hypotheses (moment-matched), the rest from the best one. */
struct gs_pair_object {
    struct gs_est est; /* at the latest scan, or after the latest plot */
    bool hit;          /* it took a plot of the latest scan */
    bool has_last;
    struct gs_plot last; /* that latest plot, as applied (a centroid plot
                            shifted and widened, see above) */
    int hits;            /* plots it took since the separation */
    int own_hits;        /* of which not shared with the other */
};

void gs_pair_best(const struct gs_pair *p, int o, struct gs_pair_object *out);

/* Probability of the best hypothesis among those kept. */
double gs_pair_best_probability(const struct gs_pair *p);

/*
 * Seconds, up to the latest scan, during which no scan was ambiguous: the
 * hypotheses that disagree with the best about the present estimates (by
 * more than one standard deviation) held under 1e-3 of the probability,
 * and for the best no plot was inside both objects' gates and no radar
 * had a chance over 1e-3 of merging them. How long the assignment has been
 * certain.
 */
double gs_pair_settled(const struct gs_pair *p);

/* Time of the separation, and of the latest scan taken. */
gs_time_t gs_pair_start(const struct gs_pair *p);
gs_time_t gs_pair_latest(const struct gs_pair *p);

/* Hypotheses held now. */
int gs_pair_hypotheses(const struct gs_pair *p);

#endif
