/*
 * rules.h - alerts: what a node announces about each missile it tracks,
 * from launch to the end, as events of one alert per track.
 *
 * The node feeds every update of its fused picture (tracker.h output) to
 * gs_alert_rules_update; each update may raise events, in this order:
 *
 *   launch      the first update of a track: when and where it was first
 *               seen (the sub-missile point); again, once, when the
 *               tracker has estimated the launch point and time;
 *   impact      the first impact prediction, and again whenever it moves
 *               by more than max(10 km, half the last ellipse's semi-major
 *               axis), its ellipse shrinks to half, or its time moves by
 *               more than 10 s;
 *   overflight  the nations whose territory lies under the predicted
 *               ground path (path.h) from now to the ground, united with
 *               those already named: raised when that set grows, checked
 *               with every impact event;
 *   lost        the track ended before its predicted impact;
 *   ended       the track ended at or after it (or below 20 km);
 *   retracted   the originator withdrew the track (gs_alert_rules_retract).
 * After lost, ended or retracted the alert is closed: later updates of
 * that track are ignored.
 *
 * Alert ids are "<nation>-A<serial>", serials counting up from the
 * caller's first_serial (which it keeps across restarts, so that ids are
 * never reused). Events of one alert count `sequence` from 1.
 *
 * Pure: no I/O, no clock (times are the tracks'); bounded (at most
 * GS_ALERT_RULES_MAX open alerts; the oldest closed ones are forgotten).
 * Not thread-safe: one owner.
 */
#ifndef GS_ALERT_RULES_H
#define GS_ALERT_RULES_H

#include <stddef.h>

#include "alert/path.h"
#include "track/update.h"

#define GS_ALERT_RULES_MAX 256
#define GS_ALERT_ID_SIZE 32
#define GS_ALERT_NATIONS_MAX 16
#define GS_ALERT_TEXT_SIZE 320

/*
 * The nations whose territory lies within the radius of the points of a
 * ground path (path.h), in the order they are first met; returns how many
 * were written to out (at most max).
 */
typedef size_t (*gs_alert_overflight_fn)(void *ctx,
                                         const struct gs_path_point *p,
                                         size_t n, char (*out)[4], size_t max);

struct gs_alert_event {
    char alert_id[GS_ALERT_ID_SIZE];
    const char *type; /* GS_ALERT_* of item/payload.h */
    char track_id[GS_TRACK_ID_SIZE];
    unsigned sequence;
    gs_time_t based_on; /* the time of the update that raised it */
    struct gs_ground_point launch, impact;
    char overflight[GS_ALERT_NATIONS_MAX][4];
    int n_overflight;
    char text[GS_ALERT_TEXT_SIZE];
};

struct gs_alert_rules;

/* Rules for nation's alerts; overflight (may be NULL: never raised) is
 * called with ctx. */
struct gs_alert_rules *gs_alert_rules_new(const char *nation,
                                          unsigned first_serial,
                                          gs_alert_overflight_fn overflight,
                                          void *ctx);
void gs_alert_rules_free(struct gs_alert_rules *r);

/* Takes update u; writes up to max events to out and returns how many. */
size_t gs_alert_rules_update(struct gs_alert_rules *r,
                             const struct gs_track_update *u,
                             struct gs_alert_event *out, size_t max);

/* The track was withdrawn by its originator at time at: the retracted
 * event of its alert, if it has an open one (0 or 1 events). */
size_t gs_alert_rules_retract(struct gs_alert_rules *r, const char *track_id,
                              gs_time_t at, const char *reason,
                              struct gs_alert_event *out, size_t max);

/*
 * The clock moves on to now (the sensors' time) with no news of some
 * tracks: an open alert whose predicted impact is 30 s past, and whose
 * track said nothing since, ends there ("ended", as predicted: the
 * missile came down beyond the radars). Writes up to max events.
 */
size_t gs_alert_rules_tick(struct gs_alert_rules *r, gs_time_t now,
                           struct gs_alert_event *out, size_t max);

/* The alert id of a track's alert, or NULL when it has none. */
const char *gs_alert_rules_alert_of(const struct gs_alert_rules *r,
                                    const char *track_id);

/* The serial the next alert will take (to keep across restarts). */
unsigned gs_alert_rules_next_serial(const struct gs_alert_rules *r);

#endif
