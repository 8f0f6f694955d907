/*
 * rules.c - the life of alerts; see rules.h.
 *
 * One slot per track with an alert. A slot remembers what was last
 * announced (launch estimated or not, the last impact, the nations named)
 * so that an event is raised only when something a person would act on
 * has changed.
 */
#include "alert/rules.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/time.h"
#include "item/payload.h"
#include "track/geo.h"

#define PATH_STEP 10.0     /* s between points of the ground path */
#define PATH_MAX_TIME 7200 /* s */
#define MOVE_MIN 10e3      /* m: an impact moving less is not news */
#define TIME_MOVE 10.0     /* s */
#define ENDED_HEIGHT 20e3  /* m: a track lost this low has come down */
#define ENDED_MARGIN 30.0  /* s before the predicted impact */

struct slot {
    bool used, closed;
    char track[GS_TRACK_ID_SIZE];
    char alert[GS_ALERT_ID_SIZE];
    unsigned sequence;
    bool launch_estimated;
    struct gs_ground_point launch;
    bool has_impact;
    struct gs_ground_point impact; /* the last announced */
    char nations[GS_ALERT_NATIONS_MAX][4];
    int n_nations;
    gs_time_t last; /* the latest update's time, to recycle slots */
};

struct gs_alert_rules {
    char nation[4];
    unsigned next_serial;
    gs_alert_overflight_fn overflight;
    void *ctx;
    struct slot slots[GS_ALERT_RULES_MAX];
    struct gs_path_point path[GS_PATH_POINTS_MAX];
};

struct gs_alert_rules *gs_alert_rules_new(const char *nation,
                                          unsigned first_serial,
                                          gs_alert_overflight_fn overflight,
                                          void *ctx)
{
    struct gs_alert_rules *r = gs_calloc(1, sizeof(*r));

    snprintf(r->nation, sizeof(r->nation), "%s", nation);
    r->next_serial = first_serial > 0 ? first_serial : 1;
    r->overflight = overflight;
    r->ctx = ctx;
    return r;
}

void gs_alert_rules_free(struct gs_alert_rules *r)
{
    gs_free(r);
}

unsigned gs_alert_rules_next_serial(const struct gs_alert_rules *r)
{
    return r->next_serial;
}

static struct slot *find(const struct gs_alert_rules *r, const char *track)
{
    size_t i;

    for (i = 0; i < GS_ALERT_RULES_MAX; i++)
        if (r->slots[i].used && strcmp(r->slots[i].track, track) == 0)
            return (struct slot *)&r->slots[i];
    return NULL;
}

const char *gs_alert_rules_alert_of(const struct gs_alert_rules *r,
                                    const char *track_id)
{
    const struct slot *s = find(r, track_id);

    return s != NULL ? s->alert : NULL;
}

/* A free slot, else the closed one updated longest ago; NULL when every
 * slot holds an open alert. */
static struct slot *take(struct gs_alert_rules *r)
{
    struct slot *best = NULL;
    size_t i;

    for (i = 0; i < GS_ALERT_RULES_MAX; i++) {
        struct slot *s = &r->slots[i];

        if (!s->used)
            return s;
        if (s->closed && (best == NULL || s->last < best->last))
            best = s;
    }
    return best;
}

static struct gs_alert_event *event(struct slot *s, const char *type,
                                    const struct gs_track_update *u,
                                    struct gs_alert_event *out, size_t max,
                                    size_t *n)
{
    struct gs_alert_event *e;

    if (*n >= max)
        return NULL;
    e = &out[(*n)++];
    memset(e, 0, sizeof(*e));
    memcpy(e->alert_id, s->alert, sizeof(e->alert_id));
    memcpy(e->track_id, s->track, sizeof(e->track_id));
    e->type = type;
    e->sequence = ++s->sequence;
    e->based_on = u != NULL ? u->time : s->last;
    e->launch = s->launch;
    if (s->has_impact)
        e->impact = s->impact;
    memcpy(e->overflight, s->nations, sizeof(e->overflight));
    e->n_overflight = s->n_nations;
    return e;
}

/* "07:22:31 UTC" */
static void clock_of(gs_time_t t, char out[16])
{
    char buf[GS_TIME_STRLEN];

    if (gs_time_format(t, buf, sizeof(buf)) < 0 || strlen(buf) < 19) {
        snprintf(out, 16, "?");
        return;
    }
    snprintf(out, 16, "%.8s UTC", buf + 11);
}

static void where(double lat, double lon, char out[40])
{
    snprintf(out, 40, "%.2f%c %.2f%c", fabs(lat), lat >= 0 ? 'N' : 'S',
             fabs(lon), lon >= 0 ? 'E' : 'W');
}

static double distance(const struct gs_ground_point *a,
                       const struct gs_ground_point *b)
{
    double s = 0;

    gs_geodesic_inverse(a->lat * GS_DEG, a->lon * GS_DEG, b->lat * GS_DEG,
                        b->lon * GS_DEG, &s, NULL);
    return s;
}

static bool impact_moved(const struct slot *s, const struct gs_ground_point *p)
{
    double limit;

    if (!s->has_impact)
        return true;
    limit = 0.5 * s->impact.ellipse.semi_major;
    if (limit < MOVE_MIN)
        limit = MOVE_MIN;
    return distance(&s->impact, p) > limit ||
           p->ellipse.semi_major < 0.5 * s->impact.ellipse.semi_major ||
           fabs((double)(p->time - s->impact.time)) * 1e-6 > TIME_MOVE;
}

/* The first-seen point: below the missile, with the horizontal position
 * uncertainty as a circle. */
static void first_seen(const struct gs_track_update *u,
                       struct gs_ground_point *g)
{
    double s = sqrt((u->P[0] + u->P[7] + u->P[14]) / 3);

    memset(g, 0, sizeof(*g));
    g->valid = true;
    g->lat = u->lat;
    g->lon = u->lon;
    g->time = u->time;
    g->ellipse.semi_major = g->ellipse.semi_minor =
        sqrt(GS_CHI2_2_95) * (isfinite(s) ? s : 0);
}

static void overflight(struct gs_alert_rules *r, struct slot *s,
                       const struct gs_track_update *u,
                       struct gs_alert_event *out, size_t max, size_t *n)
{
    char found[GS_ALERT_NATIONS_MAX][4];
    size_t k, i, npath = 0;
    bool grew = false;
    struct gs_alert_event *e;

    if (r->overflight == NULL ||
        gs_path_predict(u, PATH_STEP, PATH_MAX_TIME, r->path,
                        GS_PATH_POINTS_MAX, &npath) < 0)
        return;
    k = r->overflight(r->ctx, r->path, npath, found, GS_ALERT_NATIONS_MAX);
    for (i = 0; i < k; i++) {
        int j;

        for (j = 0; j < s->n_nations; j++)
            if (strcmp(s->nations[j], found[i]) == 0)
                break;
        if (j == s->n_nations && s->n_nations < GS_ALERT_NATIONS_MAX) {
            memcpy(s->nations[s->n_nations++], found[i], 4);
            grew = true;
        }
    }
    if (!grew)
        return;
    e = event(s, GS_ALERT_OVERFLIGHT, u, out, max, n);
    if (e != NULL) {
        size_t len;
        int j;

        len = (size_t)snprintf(e->text, sizeof(e->text),
                               "The predicted path of %s crosses the "
                               "territory of",
                               s->track);
        for (j = 0; j < s->n_nations && len < sizeof(e->text); j++)
            len += (size_t)snprintf(e->text + len, sizeof(e->text) - len,
                                    "%s %s", j ? "," : "", s->nations[j]);
    }
}

size_t gs_alert_rules_update(struct gs_alert_rules *r,
                             const struct gs_track_update *u,
                             struct gs_alert_event *out, size_t max)
{
    struct slot *s = find(r, u->track);
    struct gs_alert_event *e;
    char when[16], at[40];
    size_t n = 0;

    if (s == NULL) {
        if (u->status == GS_TRACK_LOST)
            return 0;
        s = take(r);
        if (s == NULL)
            return 0;
        memset(s, 0, sizeof(*s));
        s->used = true;
        memcpy(s->track, u->track, sizeof(s->track));
        snprintf(s->alert, sizeof(s->alert), "%s-A%u", r->nation,
                 r->next_serial++);
        s->last = u->time;
        if (u->launch.valid) {
            s->launch = u->launch;
            s->launch_estimated = true;
        } else {
            first_seen(u, &s->launch);
        }
        e = event(s, GS_ALERT_LAUNCH, u, out, max, &n);
        if (e != NULL) {
            clock_of(s->launch.time, when);
            where(s->launch.lat, s->launch.lon, at);
            snprintf(e->text, sizeof(e->text),
                     "%s: missile %s at %s, %s (%s phase)", s->track,
                     s->launch_estimated ? "launched" : "first seen", when, at,
                     gs_phase_name(u->phase));
        }
    }
    if (s->closed || u->time < s->last)
        return n;
    s->last = u->time;
    if (u->status == GS_TRACK_LOST) {
        bool ended =
            u->h < ENDED_HEIGHT ||
            (s->has_impact &&
             (double)(u->time - s->impact.time) * 1e-6 >= -ENDED_MARGIN);

        s->closed = true;
        e = event(s, ended ? GS_ALERT_ENDED : GS_ALERT_LOST, u, out, max, &n);
        if (e != NULL) {
            clock_of(u->time, when);
            where(u->lat, u->lon, at);
            if (ended && s->has_impact) {
                char fell[40], t[16];

                where(s->impact.lat, s->impact.lon, fell);
                clock_of(s->impact.time, t);
                snprintf(e->text, sizeof(e->text),
                         "%s: the missile came down at about %s near %s",
                         s->track, t, fell);
            } else {
                snprintf(e->text, sizeof(e->text),
                         "%s: track %s at %s, last seen at %s, %.0f km up",
                         s->track, ended ? "ended" : "lost", when, at,
                         u->h / 1000);
            }
        }
        return n;
    }
    if (!s->launch_estimated && u->launch.valid) {
        s->launch = u->launch;
        s->launch_estimated = true;
        e = event(s, GS_ALERT_LAUNCH, u, out, max, &n);
        if (e != NULL) {
            clock_of(s->launch.time, when);
            where(s->launch.lat, s->launch.lon, at);
            snprintf(e->text, sizeof(e->text),
                     "%s: launched at %s from %s (95 %% within %.1f km)",
                     s->track, when, at, s->launch.ellipse.semi_major / 1000);
        }
    }
    if (u->impact.valid && impact_moved(s, &u->impact)) {
        s->impact = u->impact;
        s->has_impact = true;
        e = event(s, GS_ALERT_IMPACT, u, out, max, &n);
        if (e != NULL) {
            clock_of(s->impact.time, when);
            where(s->impact.lat, s->impact.lon, at);
            snprintf(e->text, sizeof(e->text),
                     "%s: impact predicted at %s near %s (95 %% within "
                     "%.1f x %.1f km)",
                     s->track, when, at, s->impact.ellipse.semi_major / 1000,
                     s->impact.ellipse.semi_minor / 1000);
        }
        overflight(r, s, u, out, max, &n);
    }
    return n;
}

size_t gs_alert_rules_tick(struct gs_alert_rules *r, gs_time_t now,
                           struct gs_alert_event *out, size_t max)
{
    size_t i, n = 0;

    for (i = 0; i < GS_ALERT_RULES_MAX && n < max; i++) {
        struct slot *s = &r->slots[i];
        struct gs_alert_event *e;
        char when[16], at[40];

        if (!s->used || s->closed || !s->has_impact ||
            s->impact.time + ENDED_MARGIN * GS_USEC_PER_SEC > now ||
            s->last >= s->impact.time)
            continue;
        s->closed = true;
        e = event(s, GS_ALERT_ENDED, NULL, out, max, &n);
        if (e == NULL)
            break;
        e->based_on = s->impact.time;
        clock_of(s->impact.time, when);
        where(s->impact.lat, s->impact.lon, at);
        snprintf(e->text, sizeof(e->text),
                 "%s: the missile came down at about %s near %s, as "
                 "predicted (beyond the radars)",
                 s->track, when, at);
    }
    return n;
}

size_t gs_alert_rules_retract(struct gs_alert_rules *r, const char *track_id,
                              gs_time_t at, const char *reason,
                              struct gs_alert_event *out, size_t max)
{
    struct slot *s = find(r, track_id);
    struct gs_alert_event *e;
    size_t n = 0;

    if (s == NULL || s->closed)
        return 0;
    s->closed = true;
    if (at > s->last)
        s->last = at;
    e = event(s, GS_ALERT_RETRACTED, NULL, out, max, &n);
    if (e != NULL)
        snprintf(e->text, sizeof(e->text),
                 "%s: withdrawn by its originator: %s", s->track, reason);
    return n;
}
