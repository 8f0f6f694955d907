/*
 * payload.c - track and alert payloads; see payload.h.
 */
#include "item/payload.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/text.h"
#include "base/time.h"
#include "policy/nation.h"
#include "track/geo.h"

#define ALERT_TEXT_MAX 2000

static bool in(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

static bool time_ok(int64_t t)
{
    return t >= GS_TIME_MIN && t <= GS_TIME_MAX;
}

Gsomia__GroundPoint *gs_payload_ground_to_pb(const struct gs_ground_point *g,
                                             struct gs_arena *a)
{
    Gsomia__GroundPoint *pb;
    Gsomia__Ellipse *e;

    if (!g->valid)
        return NULL;
    pb = gs_arena_alloc(a, 1, sizeof(*pb));
    e = gs_arena_alloc(a, 1, sizeof(*e));
    gsomia__ground_point__init(pb);
    gsomia__ellipse__init(e);
    pb->lat_deg = g->lat;
    pb->lon_deg = g->lon;
    pb->time_us = g->time;
    pb->time_sigma_s = g->time_sigma;
    e->semi_major_m = g->ellipse.semi_major;
    e->semi_minor_m = g->ellipse.semi_minor;
    e->orientation_deg = g->ellipse.orientation / GS_DEG;
    pb->ellipse95 = e;
    return pb;
}

int gs_payload_ground_from_pb(const Gsomia__GroundPoint *pb,
                              struct gs_ground_point *g, char *why, size_t n)
{
    const Gsomia__Ellipse *e;

    memset(g, 0, sizeof(*g));
    if (pb == NULL)
        return 0;
    e = pb->ellipse95;
    if (!in(pb->lat_deg, -90, 90) || !in(pb->lon_deg, -180, 180) ||
        !time_ok(pb->time_us) || !in(pb->time_sigma_s, 0, 1e6)) {
        snprintf(why, n,
                 "a ground point's latitude, longitude or time is "
                 "out of range");
        return GS_ERR_INVALID;
    }
    if (e == NULL || !in(e->semi_major_m, 0, 4e7) ||
        !in(e->semi_minor_m, 0, e->semi_major_m) ||
        !in(e->orientation_deg, 0, 180)) {
        snprintf(why, n,
                 "a ground point needs a 95 %% ellipse with "
                 "0 <= minor <= major <= 40,000 km and an orientation in "
                 "[0, 180] degrees");
        return GS_ERR_INVALID;
    }
    g->valid = true;
    g->lat = pb->lat_deg;
    g->lon = pb->lon_deg;
    g->time = pb->time_us;
    g->time_sigma = pb->time_sigma_s;
    g->ellipse.semi_major = e->semi_major_m;
    g->ellipse.semi_minor = e->semi_minor_m;
    g->ellipse.orientation = e->orientation_deg * GS_DEG;
    /* 180 degrees is the same axis as 0; keep radians in [0, pi). */
    if (g->ellipse.orientation >= GS_PI)
        g->ellipse.orientation = 0;
    return 0;
}

void gs_payload_track_to_pb(const struct gs_track_update *u, struct gs_arena *a,
                            Gsomia__Track *pb)
{
    double *pos = gs_arena_alloc(a, 3, sizeof(double));
    double *vel = gs_arena_alloc(a, 3, sizeof(double));
    double *cov = gs_arena_alloc(a, 21, sizeof(double));
    int i, j, k = 0;

    gsomia__track__init(pb);
    pb->track_id = (char *)u->track;
    pb->time_us = u->time;
    memcpy(pos, u->x, 3 * sizeof(double));
    memcpy(vel, u->x + 3, 3 * sizeof(double));
    for (i = 0; i < 6; i++)
        for (j = i; j < 6; j++)
            cov[k++] = u->P[i * 6 + j];
    pb->position_ecef = pos;
    pb->n_position_ecef = 3;
    pb->velocity_ecef = vel;
    pb->n_velocity_ecef = 3;
    pb->covariance = cov;
    pb->n_covariance = 21;
    pb->lat_deg = u->lat;
    pb->lon_deg = u->lon;
    pb->height_m = u->h;
    switch (u->phase) {
    case GS_PHASE_BOOST:
        pb->phase = GSOMIA__PHASE__BOOST;
        break;
    case GS_PHASE_MIDCOURSE:
        pb->phase = GSOMIA__PHASE__MIDCOURSE;
        break;
    case GS_PHASE_REENTRY:
        pb->phase = GSOMIA__PHASE__REENTRY;
        break;
    }
    pb->launch = gs_payload_ground_to_pb(&u->launch, a);
    pb->impact = gs_payload_ground_to_pb(&u->impact, a);
    if (u->has_apogee) {
        Gsomia__Apogee *ap = gs_arena_alloc(a, 1, sizeof(*ap));

        gsomia__apogee__init(ap);
        ap->height_m = u->apogee_height;
        ap->time_us = u->apogee_time;
        pb->apogee = ap;
    }
    pb->n_sources = (size_t)u->n_sources;
    pb->sources = gs_arena_alloc(a, (size_t)u->n_sources + 1, sizeof(char *));
    for (i = 0; i < u->n_sources; i++)
        pb->sources[i] = (char *)u->sources[i];
    pb->lost = u->status == GS_TRACK_LOST;
    if (u->has_kappa) {
        Gsomia__Ballistic *b = gs_arena_alloc(a, 1, sizeof(*b));

        gsomia__ballistic__init(b);
        b->kappa = u->kappa;
        b->sigma = u->kappa_sigma;
        pb->ballistic = b;
    }
}

int gs_payload_track_check(const Gsomia__Track *pb, char *why, size_t n)
{
    struct gs_track_update u;

    return gs_payload_track_from_pb(pb, NULL, &u, why, n);
}

int gs_payload_track_from_pb(const Gsomia__Track *pb, const char *originator,
                             struct gs_track_update *u, char *why, size_t n)
{
    size_t i, j, k = 0;

    memset(u, 0, sizeof(*u));
    if (pb->track_id == NULL || !gs_track_id_valid(pb->track_id)) {
        snprintf(why, n,
                 "a track id is 1 to %d letters, digits, '-', '_' or '.'",
                 GS_TRACK_ID_SIZE - 1);
        return GS_ERR_INVALID;
    }
    if (pb->n_position_ecef != 3 || pb->n_velocity_ecef != 3 ||
        pb->n_covariance != 21) {
        snprintf(why, n,
                 "a track needs 3 position, 3 velocity and 21 "
                 "covariance values");
        return GS_ERR_INVALID;
    }
    if (!time_ok(pb->time_us)) {
        snprintf(why, n, "the track's time is out of range");
        return GS_ERR_INVALID;
    }
    for (i = 0; i < 3; i++) {
        /* Inside the Moon's orbit, slower than light: loose bounds that
         * keep later arithmetic finite. */
        if (!in(pb->position_ecef[i], -4e8, 4e8) ||
            !in(pb->velocity_ecef[i], -3e5, 3e5)) {
            snprintf(why, n,
                     "the track's position or velocity is not a "
                     "finite number in range");
            return GS_ERR_INVALID;
        }
        u->x[i] = pb->position_ecef[i];
        u->x[3 + i] = pb->velocity_ecef[i];
    }
    for (i = 0; i < 6; i++) {
        for (j = i; j < 6; j++) {
            double v = pb->covariance[k++];

            if (!in(v, -1e30, 1e30)) {
                snprintf(why, n,
                         "covariance element (%zu, %zu) is not a finite number",
                         i + 1, j + 1);
                return GS_ERR_INVALID;
            }
            u->P[i * 6 + j] = u->P[j * 6 + i] = v;
        }
    }
    for (i = 0; i < 6; i++) {
        if (!(u->P[i * 6 + i] > 0)) {
            snprintf(why, n, "covariance diagonal element %zu must be positive",
                     i + 1);
            return GS_ERR_INVALID;
        }
        for (j = 0; j < i; j++)
            if (fabs(u->P[i * 6 + j]) >
                sqrt(u->P[i * 6 + i] * u->P[j * 6 + j]) * (1 + 1e-9)) {
                snprintf(why, n,
                         "the covariance is not a covariance at (%zu, %zu)",
                         i + 1, j + 1);
                return GS_ERR_INVALID;
            }
    }
    if (!in(pb->lat_deg, -90, 90) || !in(pb->lon_deg, -180, 180) ||
        !in(pb->height_m, -1e5, 4e8)) {
        snprintf(why, n,
                 "the track's latitude, longitude or height is out of range");
        return GS_ERR_INVALID;
    }
    switch (pb->phase) {
    case GSOMIA__PHASE__BOOST:
        u->phase = GS_PHASE_BOOST;
        break;
    case GSOMIA__PHASE__MIDCOURSE:
        u->phase = GS_PHASE_MIDCOURSE;
        break;
    case GSOMIA__PHASE__REENTRY:
        u->phase = GS_PHASE_REENTRY;
        break;
    default:
        snprintf(why, n, "the track's phase is unknown");
        return GS_ERR_INVALID;
    }
    if (gs_payload_ground_from_pb(pb->launch, &u->launch, why, n) < 0 ||
        gs_payload_ground_from_pb(pb->impact, &u->impact, why, n) < 0)
        return GS_ERR_INVALID;
    if (pb->apogee != NULL) {
        if (!in(pb->apogee->height_m, -1e5, 4e8) ||
            !time_ok(pb->apogee->time_us)) {
            snprintf(why, n, "the apogee is out of range");
            return GS_ERR_INVALID;
        }
        u->has_apogee = true;
        u->apogee_height = pb->apogee->height_m;
        u->apogee_time = pb->apogee->time_us;
    }
    if (pb->n_sources > GS_UPDATE_MAX_SOURCES) {
        snprintf(why, n, "a track lists at most %d sources",
                 GS_UPDATE_MAX_SOURCES);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < pb->n_sources; i++) {
        if (!gs_nation_valid(pb->sources[i])) {
            snprintf(why, n, "source %zu is not a nation code", i + 1);
            return GS_ERR_INVALID;
        }
        memcpy(u->sources[i], pb->sources[i], 4);
    }
    u->n_sources = (int)pb->n_sources;
    if (pb->ballistic != NULL) {
        if (!in(pb->ballistic->kappa, -1, 1) ||
            !in(pb->ballistic->sigma, 0, 1)) {
            snprintf(why, n, "the ballistic coefficient is out of range");
            return GS_ERR_INVALID;
        }
        u->has_kappa = true;
        u->kappa = pb->ballistic->kappa;
        u->kappa_sigma = pb->ballistic->sigma;
    }
    u->time = pb->time_us;
    snprintf(u->track, sizeof(u->track), "%s", pb->track_id);
    snprintf(u->nation, sizeof(u->nation), "%s",
             originator != NULL ? originator : "");
    u->status = pb->lost ? GS_TRACK_LOST : GS_TRACK_CONFIRMED;
    u->lat = pb->lat_deg;
    u->lon = pb->lon_deg;
    u->h = pb->height_m;
    return 0;
}

static bool text_ok(const char *s)
{
    size_t i, len = strlen(s), start = 0;

    if (len > ALERT_TEXT_MAX)
        return false;
    for (i = 0; i <= len; i++) {
        if (i == len || s[i] == '\n') {
            if (!gs_utf8_printable(s + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

int gs_payload_alert_check(const Gsomia__Alert *pb, char *why, size_t n)
{
    static const char *const types[] = {GS_ALERT_LAUNCH,     GS_ALERT_IMPACT,
                                        GS_ALERT_OVERFLIGHT, GS_ALERT_LOST,
                                        GS_ALERT_RETRACTED,  GS_ALERT_ENDED};
    struct gs_ground_point g;
    size_t i;
    bool known = false;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        known = known || strcmp(pb->type, types[i]) == 0;
    if (!known) {
        snprintf(why, n, "unknown alert type \"%.32s\"", pb->type);
        return GS_ERR_INVALID;
    }
    if (pb->alert_id == NULL || pb->track_id == NULL ||
        !gs_track_id_valid(pb->alert_id) || !gs_track_id_valid(pb->track_id)) {
        snprintf(why, n,
                 "an alert names its alert and track with ids of 1 "
                 "to %d letters, digits, '-', '_' or '.'",
                 GS_TRACK_ID_SIZE - 1);
        return GS_ERR_INVALID;
    }
    if (!text_ok(pb->text)) {
        snprintf(why, n,
                 "an alert's text is printable UTF-8 of at most %d bytes",
                 ALERT_TEXT_MAX);
        return GS_ERR_INVALID;
    }
    if (pb->n_overflight > GS_NATIONS_MAX_OVERFLIGHT) {
        snprintf(why, n, "an alert names at most %d nations",
                 GS_NATIONS_MAX_OVERFLIGHT);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < pb->n_overflight; i++)
        if (!gs_nation_valid(pb->overflight[i])) {
            snprintf(why, n, "overflight nation %zu is not a nation code",
                     i + 1);
            return GS_ERR_INVALID;
        }
    if (pb->sequence < 1 || !time_ok(pb->based_on_us)) {
        snprintf(why, n,
                 "an alert counts its events from 1 and says when "
                 "its track estimate was made");
        return GS_ERR_INVALID;
    }
    if (gs_payload_ground_from_pb(pb->launch, &g, why, n) < 0 ||
        gs_payload_ground_from_pb(pb->impact, &g, why, n) < 0)
        return GS_ERR_INVALID;
    return 0;
}
