/*
 * warning.c - civil warning decisions; see warning.h.
 */
#include "alert/warning.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/time.h"

#define PATH_STEP 10.0
#define PATH_MAX_TIME 7200
#define PATH_POINTS 800
#define ENDED_HEIGHT 20e3 /* m */
#define ENDED_MARGIN 30.0 /* s before the predicted impact */
#define SHELTER_AFTER 300 /* s after a lost track's predicted impact */

struct slot {
    bool used, issued, closed;
    char track[GS_TRACK_ID_SIZE];
    unsigned number;
    struct gs_warning_area areas[GS_WARNING_AREAS_MAX];
    int n_areas;
    gs_time_t launch_time, impact_time, last;
};

struct gs_warning_engine {
    gs_warning_areas_fn areas;
    void *ctx;
    struct slot slots[GS_WARNING_TRACKS_MAX];
    struct gs_path_point path[PATH_POINTS];
    struct gs_warning_area found[GS_WARNING_AREAS_MAX];
};

/* snprintf for text a person reads: truncation is acceptable there. */
static void text(char *dst, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void text(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(dst, n, fmt, ap);
    va_end(ap);
}

const char *gs_warning_type_name(enum gs_warning_type t)
{
    switch (t) {
    case GS_WARNING_ALERT:
        return "Alert";
    case GS_WARNING_UPDATE:
        return "Update";
    case GS_WARNING_CANCEL:
        return "Cancel";
    }
    return "?";
}

struct gs_warning_engine *gs_warning_engine_new(gs_warning_areas_fn areas,
                                                void *ctx)
{
    struct gs_warning_engine *e = gs_calloc(1, sizeof(*e));

    e->areas = areas;
    e->ctx = ctx;
    return e;
}

void gs_warning_engine_free(struct gs_warning_engine *e)
{
    gs_free(e);
}

static struct slot *find(struct gs_warning_engine *e, const char *track,
                         bool make)
{
    struct slot *free_slot = NULL, *oldest = NULL;
    size_t i;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];

        if (s->used && strcmp(s->track, track) == 0)
            return s;
        if (!s->used && free_slot == NULL)
            free_slot = s;
        if (s->used && (s->closed || !s->issued) &&
            (oldest == NULL || s->last < oldest->last))
            oldest = s;
    }
    if (!make)
        return NULL;
    if (free_slot == NULL)
        free_slot = oldest; /* a standing warning is never forgotten */
    if (free_slot != NULL) {
        memset(free_slot, 0, sizeof(*free_slot));
        free_slot->used = true;
        snprintf(free_slot->track, sizeof(free_slot->track), "%s", track);
    }
    return free_slot;
}

/* "07:27 UTC" */
static void hhmm(gs_time_t t, char out[16])
{
    char buf[GS_TIME_STRLEN];

    if (t == 0 || gs_time_format(t, buf, sizeof(buf)) < 0 || strlen(buf) < 16) {
        snprintf(out, 16, "unknown");
        return;
    }
    snprintf(out, 16, "%.5s UTC", buf + 11);
}

static void area_list(const struct slot *s, char *out, size_t n)
{
    size_t len = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < s->n_areas && len < n; i++)
        len += (size_t)snprintf(out + len, n - len, "%s%s",
                                i == 0                ? ""
                                : i == s->n_areas - 1 ? " and "
                                                      : ", ",
                                s->areas[i].name);
}

static struct gs_warning *emit(struct slot *s, enum gs_warning_type type,
                               enum gs_warning_response response, gs_time_t at,
                               struct gs_warning *out, size_t max, size_t *n)
{
    struct gs_warning *w;

    if (*n >= max)
        return NULL;
    w = &out[(*n)++];
    memset(w, 0, sizeof(*w));
    w->type = type;
    w->response = response;
    snprintf(w->track_id, sizeof(w->track_id), "%s", s->track);
    w->number = ++s->number;
    w->based_on = at;
    memcpy(w->areas, s->areas, sizeof(w->areas));
    w->n_areas = s->n_areas;
    w->launch_time = s->launch_time;
    w->impact_time = s->impact_time;
    return w;
}

/* Adds the areas found to the slot's; true when one was new. */
static bool unite(struct slot *s, const struct gs_warning_area *a, size_t k)
{
    bool grew = false;
    size_t i;
    int j;

    for (i = 0; i < k; i++) {
        for (j = 0; j < s->n_areas; j++)
            if (strcmp(s->areas[j].code, a[i].code) == 0)
                break;
        if (j == s->n_areas && s->n_areas < GS_WARNING_AREAS_MAX) {
            s->areas[s->n_areas++] = a[i];
            grew = true;
        }
    }
    return grew;
}

static void shelter_text(const struct slot *s, bool inside,
                         struct gs_warning *w)
{
    char names[400], launch[16], impact[16];

    area_list(s, names, sizeof(names));
    hhmm(s->launch_time, launch);
    hhmm(s->impact_time, impact);
    text(w->headline, sizeof(w->headline), "Missile launch: take shelter in %s",
         names);
    text(w->description, sizeof(w->description),
         "A ballistic missile was launched at about %s. It may %s %s. "
         "It is expected to come down at about %s%s.",
         launch, inside ? "fall in or pass over" : "pass over", names, impact,
         inside ? "" : ", outside these areas");
    text(w->instruction, sizeof(w->instruction),
         "Go inside a sturdy building or underground now. If there is "
         "none, take cover and protect your head. Stay away from "
         "windows.");
}

size_t gs_warning_engine_update(struct gs_warning_engine *e,
                                const struct gs_track_update *u,
                                struct gs_warning *out, size_t max)
{
    struct slot *s = find(e, u->track, u->status != GS_TRACK_LOST);
    struct gs_warning *w;
    size_t n = 0, k, npath = 0;
    bool inside = false;
    char names[400], when[16];

    if (s == NULL || s->closed || u->time < s->last)
        return 0;
    s->last = u->time;
    if (u->launch.valid)
        s->launch_time = u->launch.time;
    if (u->impact.valid)
        s->impact_time = u->impact.time;
    if (u->status == GS_TRACK_LOST) {
        bool came_down =
            u->h < ENDED_HEIGHT ||
            (s->impact_time != 0 &&
             (double)(u->time - s->impact_time) * 1e-6 >= -ENDED_MARGIN);

        s->closed = true;
        if (!s->issued)
            return 0;
        w = emit(s, GS_WARNING_UPDATE,
                 came_down ? GS_RESPONSE_ALL_CLEAR : GS_RESPONSE_SHELTER,
                 u->time, out, max, &n);
        if (w == NULL)
            return n;
        area_list(s, names, sizeof(names));
        hhmm(s->impact_time, when);
        if (came_down) {
            text(w->headline, sizeof(w->headline),
                 "All clear: the missile has come down");
            text(w->description, sizeof(w->description),
                 "The missile came down at about %s. The danger to %s "
                 "is over.",
                 when, names);
            text(w->instruction, sizeof(w->instruction),
                 "Do not approach anything that may have fallen; "
                 "report it to the police.");
        } else {
            hhmm(s->impact_time + SHELTER_AFTER * GS_USEC_PER_SEC, when);
            text(w->headline, sizeof(w->headline),
                 "Missile tracking lost: stay sheltered");
            text(w->description, sizeof(w->description),
                 "The missile is no longer being tracked. It may still "
                 "threaten %s.",
                 names);
            text(w->instruction, sizeof(w->instruction),
                 "Stay inside a sturdy building or underground until "
                 "%s.",
                 when);
        }
        return n;
    }
    if (u->phase == GS_PHASE_BOOST || !u->impact.valid)
        return 0;
    if (gs_path_predict(u, PATH_STEP, PATH_MAX_TIME, e->path, PATH_POINTS,
                        &npath) < 0)
        return 0;
    k = e->areas(e->ctx, e->path, npath, &u->impact, e->found,
                 GS_WARNING_AREAS_MAX, &inside);
    if (!s->issued) {
        if (k == 0)
            return 0;
        unite(s, e->found, k);
        s->issued = true;
        w = emit(s, GS_WARNING_ALERT, GS_RESPONSE_SHELTER, u->time, out, max,
                 &n);
        if (w != NULL)
            shelter_text(s, inside, w);
        return n;
    }
    if (k > 0 && unite(s, e->found, k)) {
        w = emit(s, GS_WARNING_UPDATE, GS_RESPONSE_SHELTER, u->time, out, max,
                 &n);
        if (w != NULL)
            shelter_text(s, inside, w);
        return n;
    }
    if (k == 0) {
        /* Nothing left under its path, and it falls elsewhere: passed. */
        s->closed = true;
        w = emit(s, GS_WARNING_UPDATE, GS_RESPONSE_ALL_CLEAR, u->time, out, max,
                 &n);
        if (w != NULL) {
            area_list(s, names, sizeof(names));
            hhmm(s->impact_time, when);
            text(w->headline, sizeof(w->headline),
                 "All clear: the missile has passed");
            text(w->description, sizeof(w->description),
                 "The missile has passed %s. It is expected to come "
                 "down at about %s, outside these areas.",
                 names, when);
            text(w->instruction, sizeof(w->instruction),
                 "Do not approach anything that may have fallen; "
                 "report it to the police.");
        }
    }
    return n;
}

size_t gs_warning_engine_retract(struct gs_warning_engine *e,
                                 const char *track_id, gs_time_t at,
                                 struct gs_warning *out, size_t max)
{
    struct slot *s = find(e, track_id, false);
    struct gs_warning *w;
    size_t n = 0;
    char names[400];

    if (s == NULL || s->closed)
        return 0;
    s->closed = true;
    if (!s->issued)
        return 0;
    w = emit(s, GS_WARNING_CANCEL, GS_RESPONSE_ALL_CLEAR, at, out, max, &n);
    if (w != NULL) {
        area_list(s, names, sizeof(names));
        text(w->headline, sizeof(w->headline),
             "Cancelled: the missile warning was issued in error");
        text(w->description, sizeof(w->description),
             "The earlier missile warning for %s is cancelled: the "
             "track it was based on has been withdrawn.",
             names);
        text(w->instruction, sizeof(w->instruction),
             "You may resume normal activities.");
    }
    return n;
}
