/*
 * update.h - track updates: what a tracker says about one object at one
 * time, and what nations share.
 *
 * A track update is one JSON object on one line:
 *
 *   {"time": "2022-10-03T22:24:31.250000Z", "track": "JPN-T3",
 *    "nation": "JPN", "sources": ["JPN", "KOR"], "status": "confirmed",
 *    "phase": "midcourse",
 *    "position": [x, y, z], "velocity": [vx, vy, vz],
 *    "covariance": [[6 numbers], ... 6 rows],
 *    "geodetic": {"latitude": 40.1, "longitude": 131.2, "height": 512345.6},
 *    "inverse_ballistic_coefficient": {"value": 5e-05, "sigma": 2e-05},
 *    "launch": {"latitude": 40.6, "longitude": 126.4,
 *               "time": "2022-10-03T22:22:00.4Z", "time_sigma": 1.5,
 *               "ellipse": {"semi_major": 3100, "semi_minor": 900,
 *                           "orientation": 1.2}},
 *    "impact": {"latitude": .., "longitude": .., "time": "..",
 *               "time_sigma": .., "ellipse": {...}},
 *    "apogee": {"height": 969600, "time": ".."}}
 *
 * position and velocity are ECEF (WGS84) in metres and metres per second;
 * covariance is their 6 x 6 covariance (row-major, m^2, m^2/s, m^2/s^2),
 * symmetric; geodetic repeats the position as latitude and longitude in
 * degrees and height in metres. Ellipses are 95 % regions on the ground:
 * semi-axes in metres, orientation the azimuth of the major axis in
 * radians clockwise from north, in [0, pi). time_sigma is one standard
 * deviation in seconds. launch, impact, apogee and
 * inverse_ballistic_coefficient appear once they can be estimated. status
 * is "confirmed", or "lost" in the last update of a track. sources are the
 * nations whose sensors contributed (a fused track lists several).
 *
 * Numbers are written with 17 significant digits, so that reading an
 * update and writing it again gives the same bytes - updates are signed.
 * For the same reason the struct keeps latitudes and longitudes in degrees,
 * as the text has them (everywhere else in src/track they are radians).
 */
#ifndef GS_TRACK_UPDATE_H
#define GS_TRACK_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/time.h"
#include "track/est.h"
#include "track/geo.h"

#define GS_TRACK_ID_SIZE 32
#define GS_UPDATE_MAX_SOURCES 8

enum gs_track_status { GS_TRACK_CONFIRMED, GS_TRACK_LOST };

/* A 95 % ground ellipse. */
struct gs_ellipse {
    double semi_major, semi_minor; /* metres */
    double orientation;            /* radians from north, [0, pi) */
};

/* A point on the ground, when, and how sure. */
struct gs_ground_point {
    bool valid;
    double lat, lon; /* degrees */
    gs_time_t time;
    double time_sigma;
    struct gs_ellipse ellipse;
};

struct gs_track_update {
    gs_time_t time;
    char track[GS_TRACK_ID_SIZE];
    char nation[4];
    char sources[GS_UPDATE_MAX_SOURCES][4];
    int n_sources;
    enum gs_track_status status;
    enum gs_phase phase;
    double x[6];
    double P[36];
    double lat, lon, h; /* geodetic position: degrees, metres */
    bool has_kappa;
    double kappa, kappa_sigma;
    struct gs_ground_point launch, impact;
    bool has_apogee;
    double apogee_height;
    gs_time_t apogee_time;
    /* What went into this update, for the node that labels it; not part
     * of the text form. local: 1 + the serial of the tracker's own track
     * in it (0: none), stable for the life of that track and the same in
     * every tracker fed the same plots; sensors: bit i set when radar i of
     * the tracker contributed plots to it; parts: the partner tracks fused
     * in. */
    unsigned local;
    uint64_t sensors;
    struct gs_track_part {
        char nation[4];
        char track[GS_TRACK_ID_SIZE];
    } parts[GS_UPDATE_MAX_SOURCES];
    int n_parts;
};

/* Appends u to b as one JSON line (with the newline). */
int gs_track_update_write(const struct gs_track_update *u, struct gs_buf *b);

/*
 * Reads one line (len bytes) of a track-update stream, line `line` of
 * file. Checks every member: finite numbers, a symmetric covariance with a
 * positive diagonal, known phase and status, ISO nation codes, ids of 1 to
 * 31 letters, digits, '-', '_' or '.'. Returns 0, or GS_ERR_INVALID after
 * reporting FILE:LINE:COL to d (*out is then zeroed).
 */
int gs_track_update_parse(const char *text, size_t len, const char *file,
                          unsigned line, struct gs_track_update *out,
                          struct gs_diag *d);

/* A track id: 1 to 31 letters, digits, '-', '_' or '.'. */
bool gs_track_id_valid(const char *s);

/* The 95 % ellipse of a 2 x 2 east-north covariance (m^2). */
void gs_ellipse_from_cov(const double C[4], struct gs_ellipse *e);
/* The east-north covariance of a 95 % ellipse. */
void gs_ellipse_to_cov(const struct gs_ellipse *e, double C[4]);

/* chi-square with 2 degrees of freedom at 95 %: -2 ln 0.05. */
#define GS_CHI2_2_95 5.991464547107979

#endif
