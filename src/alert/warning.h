/*
 * warning.h - when to warn the public, and whom: the civil warning's
 * decisions, before they are written as OASIS CAP 1.2 (cap.h).
 *
 * Fed the tracks a node may use for public warnings (only those whose
 * every contributor permits unclassified civil-warning derivatives: the
 * caller's business), one warning per track, as CAP 1.2 messages (cap.h)
 * will say it:
 *
 *   Alert   (LAUNCHED) once the motor has burnt out and an impact is
 *           predicted, the first time the areas (the prefectures under the
 *           predicted ground path, path.h, or touching the 95 % impact
 *           ellipse) are not empty: take shelter;
 *   Update  (LAUNCHED) when more areas come under the path (areas only
 *           grow while a warning stands: people told to shelter are not
 *           told otherwise until it is over);
 *           (PASSED) when nothing is left under the rest of the path and
 *           the missile will fall outside the areas;
 *           (FELL_ON_LAND) when the track ends on the ground inside them;
 *           (LOST) when the track is lost in flight, before it comes
 *           down and before it passed: nobody knows any more where the
 *           missile goes, so the warning stands (people stay sheltered);
 *   Cancel  (FELL_AT_SEA) when the track ends at sea, or elsewhere
 *           outside them (WITHDRAWN);
 *           (WITHDRAWN) when the track is withdrawn by its originator.
 * With several objects (a salvo, stages), the last word waits for every
 * track and is the gravest: fallen on land, then lost, then fallen at sea;
 * a track withdrawn leaves the word to the others. After the last message
 * the warning is closed.
 *
 * A track joins a standing warning when it is within 300 km of one of
 * its tracks within a minute, or of where that track has flown by then
 * (free flight, up to 5 minutes): a partner's late track or a fresh track
 * of the same missile raises no second Alert, while a second missile
 * launched minutes later, far from where the first has flown, does.
 *
 * A warning without a track - its tracks lost in flight, or taken back
 * after a restart (gs_warning_engine_adopt) - waits for one: the first
 * track that would raise an Alert for one of the areas it named, seen
 * before the warning's predicted impact plus 30 s (or, with no impact
 * predicted, within 30 minutes of its last message), continues it instead.
 * Of several waiting, the one whose predicted impact is nearest the
 * track's takes it. A warning still waiting after that is closed without
 * a message and stands until its expiry (the caller sets expires after
 * the predicted impact).
 *
 * A warning names only areas and coarse times: no sensor, no coordinates.
 *
 * Pure and bounded like rules.h (GS_WARNING_TRACKS_MAX tracks).
 */
#ifndef GS_ALERT_WARNING_H
#define GS_ALERT_WARNING_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/cap.h"
#include "alert/path.h"
#include "track/update.h"

#define GS_WARNING_TRACKS_MAX 64
#define GS_WARNING_AREAS_MAX 64

struct gs_warning_area {
    char code[16]; /* ISO 3166-2, "JP-02" */
    char name[48]; /* "Aomori" */
};

/*
 * The areas under a predicted ground path p[0..n) (each point with its
 * radius) or touching the impact ellipse (impact may be invalid), at most
 * max, in a stable order. *where says where the impact point itself falls:
 * in one of the areas, at sea, or elsewhere (another country's land).
 */
enum gs_warning_where { GS_WHERE_AREAS, GS_WHERE_SEA, GS_WHERE_ELSEWHERE };
typedef size_t (*gs_warning_areas_fn)(void *ctx, const struct gs_path_point *p,
                                      size_t n,
                                      const struct gs_ground_point *impact,
                                      struct gs_warning_area *out, size_t max,
                                      enum gs_warning_where *where);

enum gs_warning_type { GS_WARNING_ALERT, GS_WARNING_UPDATE, GS_WARNING_CANCEL };

struct gs_warning {
    enum gs_warning_type type;
    enum gs_cap_situation situation;
    unsigned warning; /* which warning: 1, 2, ... in this engine */
    char track_id[GS_TRACK_ID_SIZE]; /* the track that moved it */
    unsigned number;                 /* 1, 2, ... within this track's warning */
    gs_time_t based_on;
    struct gs_warning_area areas[GS_WARNING_AREAS_MAX];
    int n_areas;
    gs_time_t launch_time, impact_time; /* 0 when unknown */
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

/*
 * The clock moves on to now (the latest plot time: the node's own clock
 * of events) with no news of some tracks - they have flown beyond the
 * radars. A warning whose every track's predicted path has left the areas
 * PASS_MARGIN ago (30 s), falling outside them, says the missile passed;
 * one whose every track has reached its predicted impact 30 s ago ends as
 * if it had come down there. A track quiet for 120 s that never had an
 * impact predicted no longer counts. Writes up to max warnings, returns how
 * many. A warning without a track is closed without a message once its
 * wait is over.
 */
size_t gs_warning_engine_tick(struct gs_warning_engine *e, gs_time_t now,
                              struct gs_warning *out, size_t max);

/* The track was withdrawn: its Cancel, if a warning stands (0 or 1). */
size_t gs_warning_engine_retract(struct gs_warning_engine *e,
                                 const char *track_id, gs_time_t at,
                                 struct gs_warning *out, size_t max);

/* Whether message w leaves its warning standing (an Alert, an Update
 * launched, passed or lost) or closes it. */
bool gs_warning_leaves_open(const struct gs_warning *w);

/* Whether w may be the last message of a standing warning, as adopt
 * below takes it. */
bool gs_warning_may_stand(const struct gs_warning *w);

/*
 * Takes back a standing warning after a restart, from the last message
 * issued for it (its number, count of messages, areas and times), so that
 * the engine continues it instead of raising a second Alert about the same
 * missile: it waits for a track, as above. GS_ERR_INVALID for warning
 * number 0, no message yet, a message that closed it, an Alert that is not
 * LAUNCHED, no areas, or launch and impact times more than a day from the
 * message's; GS_ERR_EXISTS when that warning is known; GS_ERR_TOO_BIG when
 * every slot holds a standing warning.
 */
int gs_warning_engine_adopt(struct gs_warning_engine *e,
                            const struct gs_warning *last);

/* The warning whose tracks include track, 0 when none; and whether
 * warning is standing. */
unsigned gs_warning_engine_warning_of(const struct gs_warning_engine *e,
                                      const char *track);
bool gs_warning_engine_is_open(const struct gs_warning_engine *e,
                               unsigned warning);

#endif
