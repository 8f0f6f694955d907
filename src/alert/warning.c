/*
 * warning.c - civil warning decisions; see warning.h.
 *
 * A slot is one warning: the tracks it covers (the objects of one launch,
 * or of a salvo, flying close together), the areas named so far, and what
 * has been said. A track joins a standing warning when it is within
 * GROUP_DISTANCE of one of its tracks at about the same time, or of where
 * that track has flown by the joiner's time (a late or fresh track of the
 * same missile); a warning without a track takes up one that threatens its
 * areas in time.
 */
#include "alert/warning.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"
#include "track/geo.h"

#define PATH_STEP 10.0
#define PATH_MAX_TIME 7200
#define ENDED_HEIGHT 20e3    /* m */
#define ENDED_MARGIN 30.0    /* s before the predicted impact */
#define GROUP_DISTANCE 300e3 /* m */
#define GROUP_TIME 60.0      /* s */
#define FLOWN_TIME 300.0     /* s a track's flight is extrapolated over */
#define MEMBERS_MAX 32
#define PASS_MARGIN 30.0 /* s after the predicted passage or impact */
#define STALE 120.0      /* s without news or prediction: forgotten */
/* s a warning without a track and without an impact prediction waits for
 * one */
#define WAIT_WINDOW 1800.0
#define DAY (86400 * GS_USEC_PER_SEC)

struct member {
    char track[GS_TRACK_ID_SIZE];
    bool ended, came_down, clear;
    bool lost; /* its track ended in flight: its fate is unknown */
    enum gs_warning_where where; /* of its (predicted) impact */
    double lat, lon;             /* degrees, at time t */
    double x[6];                 /* ECEF state at time t */
    gs_time_t t;
    gs_time_t t_clear;  /* its path leaves the areas then (0: unknown) */
    gs_time_t t_impact; /* predicted impact (0: none) */
};

struct slot {
    bool used, closed, passed;
    /* Standing without a track: taken back after a restart, or its tracks
     * were lost in flight. The next track that threatens its areas joins
     * it (resumed), until waiting_until(). */
    bool waiting, resumed;
    /* The tracks it lost in flight: withdrawing them all withdraws it. */
    char lost[MEMBERS_MAX][GS_TRACK_ID_SIZE];
    int n_lost;
    unsigned id;
    struct member m[MEMBERS_MAX];
    int n_m;
    unsigned number;
    struct gs_warning_area areas[GS_WARNING_AREAS_MAX];
    int n_areas;
    gs_time_t launch_time, impact_time, last;
};

struct gs_warning_engine {
    gs_warning_areas_fn areas;
    void *ctx;
    unsigned next_id;
    struct slot slots[GS_WARNING_TRACKS_MAX];
    struct gs_path_point path[GS_PATH_POINTS_MAX];
    struct gs_warning_area found[GS_WARNING_AREAS_MAX];
    struct gs_warning_area spare[GS_WARNING_AREAS_MAX];
};

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

/* The standing warning that covers track, and its member index. */
static struct slot *member_of(struct gs_warning_engine *e, const char *track,
                              int *mi)
{
    size_t i;
    int k;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];

        for (k = 0; s->used && k < s->n_m; k++)
            if (strcmp(s->m[k].track, track) == 0) {
                *mi = k;
                return s;
            }
    }
    return NULL;
}

static double distance(double lat1, double lon1, double lat2, double lon2)
{
    double d = 0;

    gs_geodesic_inverse(lat1 * GS_DEG, lon1 * GS_DEG, lat2 * GS_DEG,
                        lon2 * GS_DEG, &d, NULL);
    return d;
}

/* Whether u is near member m: where m was, about then; or where m has
 * flown by u's time (free flight under central gravity, within FLOWN_TIME:
 * a partner's late track of the same missile, a fresh one started anew).
 * A second missile launched minutes later is far from where the first has
 * flown. */
static bool near_member(const struct member *m, const struct gs_track_update *u)
{
    double dt = (double)(u->time - m->t) * 1e-6, p[3], r;
    struct gs_geodetic g;
    int i;

    if (dt > -GROUP_TIME && dt < GROUP_TIME &&
        distance(u->lat, u->lon, m->lat, m->lon) < GROUP_DISTANCE)
        return true;
    if (!(fabs(dt) <= FLOWN_TIME))
        return false;
    r = sqrt(m->x[0] * m->x[0] + m->x[1] * m->x[1] + m->x[2] * m->x[2]);
    if (!(r > 1e6))
        return false;
    for (i = 0; i < 3; i++)
        p[i] = m->x[i] + m->x[3 + i] * dt -
               0.5 * GS_WGS84_GM * m->x[i] / (r * r * r) * dt * dt;
    gs_ecef_to_geodetic(p, &g);
    return distance(u->lat, u->lon, g.lat / GS_DEG, g.lon / GS_DEG) <
           GROUP_DISTANCE;
}

/* An open warning with a track near u, or NULL. */
static struct slot *near_group(struct gs_warning_engine *e,
                               const struct gs_track_update *u)
{
    size_t i;
    int k;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];

        if (!s->used || s->closed || s->n_m == MEMBERS_MAX)
            continue;
        for (k = 0; k < s->n_m; k++)
            if (near_member(&s->m[k], u))
                return s;
    }
    return NULL;
}

/* When a warning without a track stops waiting for one. */
static gs_time_t waiting_until(const struct slot *s)
{
    return s->impact_time != 0 ? s->impact_time + (gs_time_t)(PASS_MARGIN * 1e6)
                               : s->last + (gs_time_t)(WAIT_WINDOW * 1e6);
}

static int shared_areas(const struct slot *s, const struct gs_warning_area *a,
                        size_t k)
{
    int shared = 0, j;
    size_t i;

    for (i = 0; i < k; i++)
        for (j = 0; j < s->n_areas; j++)
            if (strcmp(s->areas[j].code, a[i].code) == 0) {
                shared++;
                break;
            }
    return shared;
}

/* The warning without a track that u, threatening areas a[0..k), takes
 * up: one still waiting at u's time that named one of those areas; of
 * several, the one whose predicted impact is nearest u's, else the
 * oldest. NULL when none. */
static struct slot *waiting_group(struct gs_warning_engine *e,
                                  const struct gs_track_update *u,
                                  const struct gs_warning_area *a, size_t k)
{
    struct slot *best = NULL;
    double best_gap = 0;
    size_t i;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];
        double gap = 86400.0;

        if (!s->used || s->closed || !s->waiting ||
            u->time > waiting_until(s) || shared_areas(s, a, k) == 0)
            continue;
        if (u->impact.valid && s->impact_time != 0)
            gap = fabs((double)u->impact.time - (double)s->impact_time) * 1e-6;
        if (best == NULL || gap < best_gap ||
            (gap == best_gap && s->id < best->id)) {
            best = s;
            best_gap = gap;
        }
    }
    return best;
}

/* A free slot; else the closed one that ended longest ago (a standing
 * warning is never forgotten). */
static struct slot *new_group(struct gs_warning_engine *e)
{
    struct slot *best = NULL;
    size_t i;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];

        if (!s->used) {
            best = s;
            break;
        }
        if (s->closed && (best == NULL || s->last < best->last))
            best = s;
    }
    if (best != NULL)
        memset(best, 0, sizeof(*best));
    return best;
}

static void join(struct slot *s, const struct gs_track_update *u)
{
    struct member *m = &s->m[s->n_m++];

    memset(m, 0, sizeof(*m));
    snprintf(m->track, sizeof(m->track), "%s", u->track);
    s->used = true;
    s->waiting = false;
}

static struct gs_warning *emit(struct slot *s, enum gs_warning_type type,
                               enum gs_cap_situation situation,
                               const char *track, gs_time_t at,
                               struct gs_warning *out, size_t max, size_t *n)
{
    struct gs_warning *w;

    if (*n >= max)
        return NULL;
    w = &out[(*n)++];
    memset(w, 0, sizeof(*w));
    w->type = type;
    w->situation = situation;
    w->warning = s->id;
    snprintf(w->track_id, sizeof(w->track_id), "%s", track);
    w->number = ++s->number;
    w->based_on = at;
    memcpy(w->areas, s->areas, sizeof(w->areas));
    w->n_areas = s->n_areas;
    w->launch_time = s->launch_time;
    w->impact_time = s->impact_time;
    return w;
}

/* Adds the areas found to the warning's; true when one was new. */
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

/* The warning's last word, once every track of it has ended, the gravest
 * of what they did: fallen in the areas; lost in flight (nobody knows
 * where it went: the warning stands, waiting for a track that finds the
 * missile again); fallen at sea or elsewhere. Returns false when a track
 * is still flying, or when none came down or was lost (stages seen only in
 * boost): then nothing is said, and the warning, closed, stands until it
 * expires. */
static bool ended(struct slot *s, const char *track, gs_time_t at,
                  struct gs_warning *out, size_t max, size_t *n)
{
    bool land = false, sea = false, down = false, lost = false;
    int k;

    for (k = 0; k < s->n_m; k++) {
        if (!s->m[k].ended)
            return false;
        lost = lost || s->m[k].lost;
        if (!s->m[k].came_down)
            continue;
        down = true;
        land = land || s->m[k].where == GS_WHERE_AREAS;
        sea = sea || s->m[k].where == GS_WHERE_SEA;
    }
    if (lost && !land) {
        emit(s, GS_WARNING_UPDATE, GS_CAP_LOST, track, at, out, max, n);
        for (k = 0; k < s->n_m; k++)
            if (s->m[k].lost && s->n_lost < MEMBERS_MAX)
                memcpy(s->lost[s->n_lost++], s->m[k].track, sizeof(s->lost[0]));
        s->n_m = 0;
        s->waiting = true;
        s->resumed = s->passed = false;
        s->last = at;
        return true;
    }
    s->closed = true;
    if (land)
        emit(s, GS_WARNING_UPDATE, GS_CAP_FELL_ON_LAND, track, at, out, max, n);
    else if (down)
        emit(s, GS_WARNING_CANCEL, sea ? GS_CAP_FELL_AT_SEA : GS_CAP_WITHDRAWN,
             track, at, out, max, n);
    return land || down;
}

/* Seconds after the path's first point from which nothing of it touches
 * an area: the first point of the shortest empty suffix (by bisection:
 * a suffix of an empty suffix is empty). */
static double clear_after(struct gs_warning_engine *e, size_t npath)
{
    struct gs_ground_point none;
    enum gs_warning_where where;
    size_t lo = 0, hi = npath; /* suffix from hi is empty; from lo not */

    memset(&none, 0, sizeof(none));
    if (npath == 0)
        return 0;
    if (e->areas(e->ctx, e->path, npath, &none, e->spare, GS_WARNING_AREAS_MAX,
                 &where) == 0)
        return e->path[0].t;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (e->areas(e->ctx, e->path + mid, npath - mid, &none, e->spare,
                     GS_WARNING_AREAS_MAX, &where) == 0)
            hi = mid;
        else
            lo = mid;
    }
    return hi < npath ? e->path[hi].t : e->path[npath - 1].t;
}

size_t gs_warning_engine_update(struct gs_warning_engine *e,
                                const struct gs_track_update *u,
                                struct gs_warning *out, size_t max)
{
    int mi = 0, k;
    struct slot *s = member_of(e, u->track, &mi);
    struct member *m = s != NULL ? &s->m[mi] : NULL;
    size_t n = 0, found, npath = 0;
    enum gs_warning_where where = GS_WHERE_SEA;

    if (s != NULL && (s->closed || m->ended || u->time < m->t))
        return 0;
    if (u->status == GS_TRACK_LOST) {
        struct gs_ground_point none;

        if (m == NULL)
            return 0;
        m->ended = true;
        m->came_down =
            u->h < ENDED_HEIGHT ||
            (u->impact.valid &&
             (double)(u->time - u->impact.time) * 1e-6 >= -ENDED_MARGIN);
        /* Past the areas, falling outside them: its prediction stands and
         * the tick ends it there, as for a track beyond the radars. */
        if (!m->came_down && m->clear && m->t_impact != 0) {
            m->ended = false;
            return 0;
        }
        /* Lost in flight with an impact predicted: where it went is not
         * known. A track lost with nothing predicted (a stage seen only in
         * boost) says nothing either way, like one that went quiet. */
        m->lost = !m->came_down && (u->impact.valid || m->t_impact != 0);
        memset(&none, 0, sizeof(none));
        if (m->came_down)
            e->areas(e->ctx, NULL, 0, u->impact.valid ? &u->impact : &none,
                     e->found, GS_WARNING_AREAS_MAX, &m->where);
        s->last = u->time;
        (void)ended(s, u->track, u->time, out, max, &n);
        return n;
    }
    /* The path from now: ballistic from the current state. In boost that
     * is the least the missile will fly - it keeps accelerating - so what
     * lies under it is threatened already. */
    if (gs_path_predict(u, PATH_STEP, PATH_MAX_TIME, e->path,
                        GS_PATH_POINTS_MAX, &npath) < 0)
        return 0;
    {
        struct gs_ground_point none;

        memset(&none, 0, sizeof(none));
        found = e->areas(e->ctx, e->path, npath,
                         u->impact.valid ? &u->impact : &none, e->found,
                         GS_WARNING_AREAS_MAX, &where);
    }
    if (s == NULL) {
        if (found == 0)
            return 0;
        s = near_group(e, u);
        if (s == NULL) {
            s = waiting_group(e, u, e->found, found);
            if (s != NULL)
                s->resumed = true;
        }
        if (s == NULL) {
            s = new_group(e);
            if (s == NULL)
                return 0;
            s->id = ++e->next_id;
            join(s, u);
            m = &s->m[0];
        } else {
            join(s, u);
            m = &s->m[s->n_m - 1];
        }
    }
    m->lat = u->lat;
    m->lon = u->lon;
    memcpy(m->x, u->x, sizeof(m->x));
    m->t = u->time;
    m->t_clear = u->time + (gs_time_t)(clear_after(e, npath) * 1e6);
    m->where = where;
    m->t_impact = u->impact.valid ? u->impact.time : 0;
    /* Passed: nothing left under its path, falling outside the areas. */
    m->clear = found == 0 && u->impact.valid && u->phase != GS_PHASE_BOOST &&
               where != GS_WHERE_AREAS;
    s->last = u->time;
    if (u->launch.valid && s->launch_time == 0)
        s->launch_time = u->launch.time;
    if (u->impact.valid && u->impact.time > s->impact_time &&
        u->impact.time <= GS_TIME_MAX - DAY)
        s->impact_time = u->impact.time;
    if (s->number == 0) {
        unite(s, e->found, found);
        emit(s, GS_WARNING_ALERT, GS_CAP_LAUNCHED, u->track, u->time, out, max,
             &n);
        return n;
    }
    /* More areas: take shelter. (A new track that joins after "passed"
     * and threatens only the areas named is not news: people were told
     * to stay sheltered; fresh tracks' wide paths would otherwise make
     * the warning swing between launched and passed.) */
    if (unite(s, e->found, found)) {
        s->passed = false;
        emit(s, GS_WARNING_UPDATE, GS_CAP_LAUNCHED, u->track, u->time, out, max,
             &n);
        return n;
    }
    /* Passed: no track has anything left under its path, and each falls
     * outside the areas. */
    if (!s->passed) {
        bool all = true;

        for (k = 0; k < s->n_m; k++)
            all = all && ((s->m[k].ended && !s->m[k].lost) || s->m[k].clear);
        if (all) {
            s->passed = true;
            emit(s, GS_WARNING_UPDATE, GS_CAP_PASSED, u->track, u->time, out,
                 max, &n);
        }
    }
    return n;
}

/* The standing warning that lost track in flight, and its index there. */
static struct slot *lost_by(struct gs_warning_engine *e, const char *track,
                            int *li)
{
    size_t i;
    int k;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];

        for (k = 0; s->used && !s->closed && k < s->n_lost; k++)
            if (strcmp(s->lost[k], track) == 0) {
                *li = k;
                return s;
            }
    }
    return NULL;
}

size_t gs_warning_engine_retract(struct gs_warning_engine *e,
                                 const char *track_id, gs_time_t at,
                                 struct gs_warning *out, size_t max)
{
    int mi = 0, k;
    struct slot *s = member_of(e, track_id, &mi);
    size_t n = 0;
    bool others = false;

    if (s == NULL) {
        /* A track it lost: once all are withdrawn and no other track has
         * taken the warning up, there is nothing to wait for. */
        s = lost_by(e, track_id, &mi);
        if (s == NULL)
            return 0;
        memcpy(s->lost[mi], s->lost[--s->n_lost], sizeof(s->lost[0]));
        if (s->n_lost > 0 || !s->waiting)
            return 0;
        s->closed = true;
        emit(s, GS_WARNING_CANCEL, GS_CAP_WITHDRAWN, track_id, at, out, max,
             &n);
        return n;
    }
    if (s->closed)
        return 0;
    /* It no longer counts; the warning stands on the others, if any, and
     * when they have all ended, what they did is its last word. */
    s->m[mi] = s->m[--s->n_m];
    for (k = 0; k < s->n_m; k++)
        others = others || !s->m[k].ended;
    if (others)
        return 0;
    if (s->n_m == 0 && s->resumed) {
        /* It had taken up a warning without a track: what that warning
         * waited for is still unknown; it waits again. */
        s->waiting = true;
        s->resumed = false;
        return 0;
    }
    if (!ended(s, track_id, at, out, max, &n)) {
        s->closed = true;
        emit(s, GS_WARNING_CANCEL, GS_CAP_WITHDRAWN, track_id, at, out, max,
             &n);
    }
    return n;
}

size_t gs_warning_engine_tick(struct gs_warning_engine *e, gs_time_t now,
                              struct gs_warning *out, size_t max)
{
    gs_time_t margin = (gs_time_t)(PASS_MARGIN * 1e6);
    size_t i, n = 0;
    int k;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        struct slot *s = &e->slots[i];
        bool passed = true, down = true;
        const char *track = NULL;

        if (!s->used || s->closed || s->number == 0)
            continue;
        if (s->waiting) {
            if (now > waiting_until(s))
                s->closed = true;
            continue;
        }
        for (k = 0; k < s->n_m; k++) {
            struct member *m = &s->m[k];

            /* A track that went quiet with nothing predicted (a stage
             * seen only in boost, say) says nothing either way. */
            if (!m->ended && m->t_impact == 0 &&
                m->t + (gs_time_t)(STALE * 1e6) <= now)
                m->ended = true;
            if (m->ended) {
                /* One lost in flight may be anywhere: nothing passed. */
                passed = passed && !m->lost;
                continue;
            }
            track = m->track;
            passed = passed && m->t_clear != 0 && m->t_clear + margin <= now &&
                     m->where != GS_WHERE_AREAS && m->t_impact != 0;
            down = down && m->t_impact != 0 && m->t_impact + margin <= now;
        }
        if (track == NULL) {
            /* The last tracks went quiet: the others' last word now. */
            if (s->n_m > 0)
                (void)ended(s, s->m[s->n_m - 1].track, now, out, max, &n);
            continue;
        }
        if (down) {
            /* Every object has come down by its prediction: the tracks
             * lost sight of them (beyond the radars), the predictions
             * stand. */
            for (k = 0; k < s->n_m; k++)
                if (!s->m[k].ended) {
                    s->m[k].ended = true;
                    s->m[k].came_down = true;
                }
            (void)ended(s, track, now, out, max, &n);
        } else if (passed && !s->passed) {
            s->passed = true;
            emit(s, GS_WARNING_UPDATE, GS_CAP_PASSED, track, now, out, max, &n);
        }
    }
    return n;
}

bool gs_warning_leaves_open(const struct gs_warning *w)
{
    return w->type == GS_WARNING_ALERT ||
           (w->type == GS_WARNING_UPDATE &&
            (w->situation == GS_CAP_LAUNCHED || w->situation == GS_CAP_PASSED ||
             w->situation == GS_CAP_LOST));
}

static bool near_in_time(gs_time_t t, gs_time_t ref)
{
    return t == 0 || (t > ref - DAY && t < ref + DAY);
}

bool gs_warning_may_stand(const struct gs_warning *w)
{
    return w->warning != 0 && w->number != 0 && gs_warning_leaves_open(w) &&
           (w->type != GS_WARNING_ALERT || w->situation == GS_CAP_LAUNCHED) &&
           w->n_areas >= 1 && w->n_areas <= GS_WARNING_AREAS_MAX &&
           w->based_on > 0 && w->based_on <= GS_TIME_MAX - DAY &&
           near_in_time(w->launch_time, w->based_on) &&
           near_in_time(w->impact_time, w->based_on);
}

int gs_warning_engine_adopt(struct gs_warning_engine *e,
                            const struct gs_warning *last)
{
    struct slot *s;
    int k;

    if (!gs_warning_may_stand(last))
        return GS_ERR_INVALID;
    for (k = 0; k < GS_WARNING_TRACKS_MAX; k++)
        if (e->slots[k].used && e->slots[k].id == last->warning)
            return GS_ERR_EXISTS;
    s = new_group(e);
    if (s == NULL)
        return GS_ERR_TOO_BIG;
    s->used = true;
    s->waiting = true;
    s->id = last->warning;
    s->number = last->number;
    s->passed = last->situation == GS_CAP_PASSED;
    memcpy(s->areas, last->areas, sizeof(s->areas));
    s->n_areas = last->n_areas;
    s->launch_time = last->launch_time;
    s->impact_time = last->impact_time;
    s->last = last->based_on;
    if (e->next_id < s->id)
        e->next_id = s->id;
    return 0;
}

unsigned gs_warning_engine_warning_of(const struct gs_warning_engine *e,
                                      const char *track)
{
    size_t i;
    int k;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++) {
        const struct slot *s = &e->slots[i];

        for (k = 0; s->used && k < s->n_m; k++)
            if (strcmp(s->m[k].track, track) == 0)
                return s->id;
    }
    return 0;
}

bool gs_warning_engine_is_open(const struct gs_warning_engine *e,
                               unsigned warning)
{
    size_t i;

    for (i = 0; i < GS_WARNING_TRACKS_MAX; i++)
        if (e->slots[i].used && e->slots[i].id == warning)
            return !e->slots[i].closed;
    return false;
}
