/*
 * warning.h - when to warn the public, and whom: the civil warning's
 * decisions, before they are written as OASIS CAP 1.2 (cap.h).
 *
 * Fed the tracks a node may use for public warnings (only those whose
 * every contributor permits unclassified civil-warning derivatives: the
 * caller's business), one warning per track:
 *
 *   Alert   once the motor has burnt out and an impact is predicted, the
 *           first time the areas (the prefectures under the predicted
 *           ground path, path.h, or touching the 95 % impact ellipse) are
 *           not empty: take shelter;
 *   Update  when more areas come under the path (the areas only grow
 *           while a warning stands: people already told to shelter are
 *           not told otherwise until it is over);
 *           when the missile has passed: no area is under the rest of
 *           its path and it will fall outside them: all clear;
 *           when the track ends: all clear if it came down, and if it
 *           was lost before, how long to stay sheltered (until the
 *           predicted impact time plus 5 minutes);
 *   Cancel  when the track is withdrawn by its originator.
 * After all clear, lost or cancel the warning is closed.
 *
 * A warning names only areas and coarse times: no sensor, no coordinates,
 * no covariance. Times are rounded to the minute by the CAP writer.
 *
 * Pure and bounded like rules.h (GS_WARNING_TRACKS_MAX tracks).
 */
#ifndef GS_ALERT_WARNING_H
#define GS_ALERT_WARNING_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/path.h"
#include "track/update.h"

#define GS_WARNING_TRACKS_MAX 64
#define GS_WARNING_AREAS_MAX 64
#define GS_WARNING_TEXT_SIZE 512

struct gs_warning_area {
    char code[16]; /* ISO 3166-2, "JP-02" */
    char name[48]; /* "Aomori" */
};

/*
 * The areas under a predicted ground path p[0..n) (each point with its
 * radius) or touching the impact ellipse (impact may be invalid), at most
 * max, in a stable order; *impact_inside says whether the impact point
 * itself falls inside one of them.
 */
typedef size_t (*gs_warning_areas_fn)(void *ctx, const struct gs_path_point *p,
                                      size_t n,
                                      const struct gs_ground_point *impact,
                                      struct gs_warning_area *out, size_t max,
                                      bool *impact_inside);

enum gs_warning_type { GS_WARNING_ALERT, GS_WARNING_UPDATE, GS_WARNING_CANCEL };
enum gs_warning_response { GS_RESPONSE_SHELTER, GS_RESPONSE_ALL_CLEAR };

struct gs_warning {
    enum gs_warning_type type;
    enum gs_warning_response response;
    char track_id[GS_TRACK_ID_SIZE];
    unsigned number; /* 1, 2, ... within this track's warning */
    gs_time_t based_on;
    struct gs_warning_area areas[GS_WARNING_AREAS_MAX];
    int n_areas;
    gs_time_t launch_time, impact_time; /* 0 when unknown */
    char headline[160];
    char description[GS_WARNING_TEXT_SIZE];
    char instruction[GS_WARNING_TEXT_SIZE];
};

const char *gs_warning_type_name(enum gs_warning_type t); /* "Alert" ... */

struct gs_warning_engine;

/* A warning engine asking areas (with ctx) which areas a path touches. */
struct gs_warning_engine *gs_warning_engine_new(gs_warning_areas_fn areas,
                                                void *ctx);
void gs_warning_engine_free(struct gs_warning_engine *e);

/* Takes update u; writes up to max warnings to out, returns how many. */
size_t gs_warning_engine_update(struct gs_warning_engine *e,
                                const struct gs_track_update *u,
                                struct gs_warning *out, size_t max);

/* The track was withdrawn: its Cancel, if a warning stands (0 or 1). */
size_t gs_warning_engine_retract(struct gs_warning_engine *e,
                                 const char *track_id, gs_time_t at,
                                 struct gs_warning *out, size_t max);

#endif
