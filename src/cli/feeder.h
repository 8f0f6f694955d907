/*
 * feeder.h - replaying a radar plots file into a running node, on the
 * plots' own clock (`gsomia feed`, `gsomia demo`, bench/warning).
 *
 * Each line is sent when the replay clock reaches the latest plot time
 * seen up to it, so plots that the file holds late (out of time order, as
 * radars deliver them) are sent late too. Lines without a readable time
 * are sent with the line before them: the node refuses them with a
 * message. Plots due in one step go in one Plots frame. A node that is
 * down is retried every step; plots that fall due meanwhile are counted
 * as not delivered, as a radar's would be.
 */
#ifndef GS_CLI_FEEDER_H
#define GS_CLI_FEEDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/diag.h"
#include "base/time.h"
#include "node/client.h"

/* When the plots of one time entered the node, by its clock. */
struct gs_entered {
    gs_time_t plot_time;
    gs_time_t entered;
};

struct gs_feeder {
    char *dir;    /* the node */
    char *source; /* the file, for messages */
    char **lines;
    gs_time_t *due; /* per line: the plot time it is sent at */
    size_t n, next;
    struct gs_client *c;
    bool down_said;
    uint64_t tag, answered;
    size_t sent, accepted, refused, undelivered;
    FILE *errors;               /* where refusals are printed (NULL: not) */
    struct gs_entered *entered; /* per batch sent, when answered */
    size_t n_entered;
    gs_time_t *batch_time; /* plot time of each tag, to match answers */
    size_t n_batches;
    gs_time_t clock_sent; /* wall time the clock was last sent */
};

/* Reads path's lines for the node of dir. Reports to d. */
int gs_feeder_load(struct gs_feeder *f, const char *dir, const char *path,
                   struct gs_diag *d);
void gs_feeder_free(struct gs_feeder *f);

/* The first plot time of the file (0 when it has none). */
gs_time_t gs_feeder_start(const struct gs_feeder *f);

/* Sends every line due by plot time `until`, then reads the node's
 * answers without waiting. Returns 0, or GS_ERR_IO when the node went
 * away (the lines are counted as undelivered; the next step reconnects). */
int gs_feeder_step(struct gs_feeder *f, gs_time_t until);

/* True when every line has been sent (or given up). */
bool gs_feeder_done(const struct gs_feeder *f);

/* Waits up to timeout_ms for the answers still owed. */
void gs_feeder_drain(struct gs_feeder *f, int timeout_ms);

/* When the node read the plots of plot time t (the first batch at or
 * after it), or 0 when unknown. */
gs_time_t gs_feeder_entered(const struct gs_feeder *f, gs_time_t t);
/* The same for a batch whose latest plot time is exactly t, or 0. */
gs_time_t gs_feeder_entered_exact(const struct gs_feeder *f, gs_time_t t);

#endif
