/*
 * watch.h - the node's missile watch: its radars' plots into tracks, its
 * partners' tracks fused in, alerts raised, civil warnings issued, and
 * Cursor-on-Target events sent (docs/alerting.md).
 *
 * Three trackers (track/tracker.h) take the same plots:
 *   local    this nation's radars only: its tracks are the node's own
 *            original TRACK items ("KOR-T4"), labelled by the node's
 *            configuration (the dominant label of the radars that saw it)
 *            and shared with every peer the policy allows;
 *   picture  plus every partner's original tracks: the fused picture.
 *            An output that combines several sources becomes a DERIVATION
 *            TRACK item ("KOR-F2") whose parents are the tracks it fused
 *            and whose labels are theirs, so it reaches only nations every
 *            originator allows. Every output feeds the alert rules
 *            (alert/rules.h): ALERT items derived from the same tracks;
 *   warning  (with [warning] cap = yes) plus only the partner tracks this
 *            node may use for public warnings (policy: gs_decide_derive):
 *            its outputs feed the civil warnings (alert/warning.h), written
 *            as CAP 1.2 into DIR/warnings/ and recorded in the audit log
 *            with every contributing partner item.
 * Partners' derived items are stored and shown, never fused again, so no
 * information is counted twice around the hub.
 *
 * Ids stay unique across restarts: the next track, fused-track and alert
 * numbers live in the store (meta), advanced in the transaction that uses
 * them. A restart forgets the trackers' state; tracks start afresh.
 *
 * Threads: everything here runs inside the node's store jobs (serve.c),
 * one at a time, in the job's transaction; the loop thread reads only the
 * sensors (immutable after gs_watch_open) to check plots as they come.
 */
#ifndef GS_NODE_WATCH_H
#define GS_NODE_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "item/item.h"
#include "node/node.h"
#include "track/plot.h"
#include "track/sensor.h"

struct gs_watch;

struct gs_watch_stats {
    uint64_t plots_taken, plots_refused;      /* by the trackers */
    uint64_t tracks, fused, alerts, warnings; /* items and CAP messages */
    uint64_t partner_used, partner_refused;   /* partner track items */
    uint64_t items_failed; /* an item that could not be made */
};

/* A civil warning issued, for the node's subscribers. */
struct gs_watch_warning {
    char identifier[96];
    char msg_type[8];
    char situation[16]; /* launched, passed, fell-at-sea, ... */
    char track_id[32];
    char (*areas)[16];
    size_t n_areas;
    char *xml;
};

void gs_watch_warning_free(struct gs_watch_warning *w);

/*
 * The watch of node n as its configuration describes it ([watch],
 * [warning], [cot]); *out is NULL when the node has no [watch]. Reads the
 * sensors and labels files, the boundaries when warnings are on, and the
 * id counters from the store. Reports problems to d.
 */
int gs_watch_open(struct gs_node *n, struct gs_watch **out, struct gs_diag *d);
void gs_watch_free(struct gs_watch *w);

/* The radars plots may come from (owned by w; immutable). */
const struct gs_sensor *gs_watch_sensors(const struct gs_watch *w, size_t *n);

/*
 * In a transaction: the plots p[0..np) (already checked against the
 * sensors) go to the trackers; the tracks, fused tracks, alerts and
 * warnings they produce are made and stored. Returns 0, or the store's
 * error (a refused plot or an item that cannot be made is counted, never
 * an error).
 */
int gs_watch_plots(struct gs_watch *w, struct gs_node *n,
                   const struct gs_plot *p, size_t np);

/* In a transaction: the sensors' clock says it is now t (later plot
 * times move it too): warnings of missiles beyond the radars end when
 * their predictions say. */
int gs_watch_clock(struct gs_watch *w, struct gs_node *n, gs_time_t t);

/* In a transaction: an item this node has just stored from a peer
 * (partner tracks are fused; retractions withdraw what used them). */
int gs_watch_received(struct gs_watch *w, struct gs_node *n,
                      const struct gs_item *it);

/*
 * In a transaction: withdraws this node's track track_id ("KOR-T4"): every
 * item of it is retracted (and so travels to every nation that got it),
 * the alerts and warnings that used it say so, and it is no longer
 * reported. *items gets the number of items retracted. GS_ERR_NOT_FOUND
 * when no track of ours has that id.
 */
int gs_watch_retract(struct gs_watch *w, struct gs_node *n,
                     const char *track_id, const char *reason, unsigned *items,
                     struct gs_diag *d);

/* Moves the warnings issued since the last call to *out (n of them; the
 * caller frees each with gs_watch_warning_free and the array with
 * gs_free). */
void gs_watch_take_warnings(struct gs_watch *w, struct gs_watch_warning **out,
                            size_t *n);

/* Moves the ids of the items made since the last call to *ids (n of
 * them; the caller frees the array with gs_free). */
void gs_watch_take_made(struct gs_watch *w, uint8_t (**ids)[GS_ITEM_ID_LEN],
                        size_t *n);

void gs_watch_stats(const struct gs_watch *w, struct gs_watch_stats *out);

#endif
