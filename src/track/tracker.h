/*
 * tracker.h - the missile tracker: radar plots and partner tracks in, track
 * updates out.
 *
 * One tracker serves one nation's node. It takes that nation's radar plots
 * (centralised fusion: every radar's plots update the same tracks, which is
 * the optimal way to combine them) and the track updates partner nations
 * share (track-to-track fusion, fuse.h), and produces track updates
 * (update.h): launch point and time, trajectory, impact point and time,
 * each with its uncertainty.
 *
 *     struct gs_tracker *t;
 *     gs_tracker_new(&cfg, sensors, n, &t);
 *     for each plot:      gs_tracker_add_plot(t, &plot, why, sizeof(why));
 *     for each partner:   gs_tracker_add_partner(t, &update, why, ...);
 *     after a batch:      gs_tracker_flush(t);
 *     while ((k = gs_tracker_poll(t, out, 16)) > 0) ... share out[0..k)
 *     gs_tracker_free(t);
 *
 * Plots. A plot is checked (plot.h rules; a time more than max_future
 * seconds after the latest accepted plot, or more than max_lateness seconds
 * before it, is refused) and refused plots never touch a track. Plots of
 * one radar with one time form a scan; a scan is processed when a plot of
 * another radar or time arrives, or at gs_tracker_flush. Each scan is
 * assigned to the tracks at once (global nearest neighbour, normalised
 * innovation gated at chi-square `gate`), first to confirmed tracks, then
 * to tentative ones; what is left starts tentative tracks, which are
 * confirmed after confirm_hits plots. A plot close to a confirmed track
 * that the track did not take (a separating booster) starts its track from
 * that track's estimate; once confirmed, the two tracks become a pair
 * (pair.h): from their separation on, multiple hypotheses decide which
 * plot is whose, until that has been certain for a while. A late scan
 * (older than a track's latest plot)
 * is handled exactly: the track is rewound to its state just before the
 * scan (each track keeps `history` states) and its later plots are
 * filtered again in time order, so the result is the same as if the plots
 * had come in order.
 *
 * Tracks end ("lost") when their predicted impact has passed, when the
 * radars that should have seen them missed them confirmed_misses scans in
 * a row, when they have had no plot for coast_max seconds (boost_coast_max
 * while the motor
 * may still burn: a ballistic track coasts through gaps in coverage, which
 * a lofted ICBM makes long), or when they duplicate an older track.
 *
 * Partner updates. The latest update of each partner track is kept; it is
 * matched (6-dimensional gate) to one of our tracks or to other partner
 * tracks, and every output fuses them (ICI by default) after predicting
 * them to the output time. Partner updates from our own nation are
 * ignored, so two nodes feeding each other do not loop.
 *
 * Output. Every output track has an id "<nation>-T<n>". A track is
 * reported when confirmed, then at most every output_interval seconds of
 * plot time and whenever its phase changes, and a last time as "lost".
 * Impact predictions are refreshed every second while their ellipse is
 * wider than 50 km, then every time_to_impact / 100 seconds (between 1 and
 * 20 s); the launch point is estimated once, when the track
 * leaves boost. Updates wait in a queue of max_pending for gs_tracker_poll;
 * past that the oldest are dropped (and counted).
 *
 * Memory is bounded by the configuration (max_tracks x history estimates
 * of about 3 KB, max_partner_tracks updates, max_pending updates). No
 * global state; not thread-safe: one owner at a time.
 */
#ifndef GS_TRACK_TRACKER_H
#define GS_TRACK_TRACKER_H

#include <stdbool.h>
#include <stddef.h>

#include "track/est.h"
#include "track/fuse.h"
#include "track/pair.h"
#include "track/plot.h"
#include "track/sensor.h"
#include "track/update.h"

struct gs_tracker_config {
    char nation[4];             /* the node's nation */
    struct gs_est_config est;   /* the estimator's models */
    enum gs_fusion_rule fusion; /* partner fusion rule */
    bool impact_linear;         /* linearised impact instead of unscented */
    double output_interval;     /* s between updates of one track */
    double max_future, max_lateness; /* s, relative to the latest plot */
    double gate;                     /* chi-square gate on the innovation */
    int confirm_hits, tentative_misses, confirmed_misses;
    double coast_max, boost_coast_max; /* s */
    double partner_max_age; /* s: older partner updates are not fused */
    int history;            /* estimates kept per track */
    int max_tracks, max_partner_tracks, max_pending;
    int pair_hypotheses; /* hypotheses kept for two parting objects */
};

/* The defaults: 1 s output, 1 h future, 60 s lateness, gate 25, 3 hits to
 * confirm, 2 misses to drop a tentative track, coast 2 h (30 s in boost),
 * 10 to drop a confirmed one (scans in a row of radars that should have
 * seen it), partners fused while 10 s fresh, history 256, 48 tracks, 128
 * partner tracks, 8192 pending updates, GS_PAIR_MAX_HYP hypotheses per pair.
 * nation "USA" (set it). */
void gs_tracker_config_default(struct gs_tracker_config *c);

struct gs_tracker_stats {
    size_t plots_accepted, plots_rejected, plots_too_late;
    size_t plots_in_tracks, plots_refiltered;
    size_t tracks_started, tracks_confirmed, tracks_lost;
    size_t pairs_formed; /* separations given multiple hypotheses */
    size_t pairs_ended;  /* of which settled (or too old) */
    size_t plots_shared; /* merged plots given to a second track */
    size_t partner_accepted, partner_rejected;
    size_t updates_out, updates_dropped;
    size_t predictions;        /* impact and launch predictions made */
    double prediction_seconds; /* wall-clock time spent in them */
};

struct gs_tracker;

/*
 * A tracker for the radars s[0..n) (copied). Returns 0, or GS_ERR_INVALID
 * for a configuration out of range (nothing allocated).
 */
int gs_tracker_new(const struct gs_tracker_config *c, const struct gs_sensor *s,
                   size_t n, struct gs_tracker **out);
/* Frees t and everything it holds; t may be NULL. */
void gs_tracker_free(struct gs_tracker *t);

/* The radars the tracker was made with (indexes of plots refer to them). */
const struct gs_sensor *gs_tracker_sensors(const struct gs_tracker *t,
                                           size_t *n);

/*
 * Takes one plot. Returns 0 when accepted (it will be used or start a
 * track), or GS_ERR_INVALID when refused, with the reason in why (n bytes;
 * why may be NULL). A refused plot changes nothing but the counts.
 */
int gs_tracker_add_plot(struct gs_tracker *t, const struct gs_plot *p,
                        char *why, size_t n);

/* Processes the pending scan, if any. */
void gs_tracker_flush(struct gs_tracker *t);

/*
 * Takes a partner nation's track update (as read by gs_track_update_parse).
 * Returns 0, or GS_ERR_INVALID with why (an update from our own nation, or
 * one older than the partner's latest for that track, is refused).
 */
int gs_tracker_add_partner(struct gs_tracker *t,
                           const struct gs_track_update *u, char *why,
                           size_t n);

/* Moves up to max queued updates, oldest first, into out; returns how
 * many. */
size_t gs_tracker_poll(struct gs_tracker *t, struct gs_track_update *out,
                       size_t max);

/*
 * Ends every track: processes the pending scan and queues a "lost" update
 * for each reported track (end of a stream).
 */
void gs_tracker_finish(struct gs_tracker *t);

void gs_tracker_stats(const struct gs_tracker *t, struct gs_tracker_stats *s);

#endif
