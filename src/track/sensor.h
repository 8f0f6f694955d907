/*
 * sensor.h - the radars a tracker takes plots from: the sensors file.
 *
 * A sensors file is what a nation tells its tracker (and what the
 * simulator writes) about each radar:
 *
 *   {"sensors": [
 *     {"id": "JPN-X1", "nation": "JPN", "class": "x-band",
 *      "latitude": 40.96, "longitude": 140.32, "height": 40,
 *      "sigma_range": 10, "sigma_azimuth": 0.0003, "sigma_elevation": 0.0003,
 *      "sigma_range_rate": 1.0, "update_rate": 1.0, "max_range": 1500000,
 *      "min_elevation": 0.035,
 *      "boresight": 4.71, "field_of_view": 2.09}]}
 *
 * latitude and longitude are in degrees (WGS84), height in metres above the
 * ellipsoid; every other angle is in radians; sigmas are one standard
 * deviation of the white Gaussian measurement noise; update_rate is scans
 * per second; sigma_range_rate is present only for radars that measure it.
 * Optional: boresight (azimuth of the centre of the field of view) and
 * field_of_view (full width; absent means all around), and for the
 * simulator detection_probability, false_alarms (mean false plots per
 * scan), range_resolution (m) and angle_resolution (rad).
 *
 * In a scenario file the sigmas, rate, range and elevation limit may be
 * left out and default to the radar class of REFERENCE.md.
 */
#ifndef GS_TRACK_SENSOR_H
#define GS_TRACK_SENSOR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/json.h"
#include "track/filter.h"
#include "track/geo.h"

#define GS_SENSOR_ID_SIZE 32 /* at most 31 characters and the NUL */
#define GS_SENSORS_MAX 64

enum gs_radar_class {
    GS_RADAR_X_BAND,
    GS_RADAR_S_BAND,
    GS_RADAR_L_BAND,
    GS_RADAR_UHF
};

struct gs_sensor {
    char id[GS_SENSOR_ID_SIZE];
    char nation[4];
    enum gs_radar_class cls;
    struct gs_site site;
    double sigma_range, sigma_az, sigma_el;
    double sigma_rr; /* 0: the radar does not measure range rate */
    double update_rate, max_range, min_elevation;
    double boresight, field_of_view; /* field_of_view 0: all around */
    double pd, false_alarms, range_resolution, angle_resolution;
};

/* "x-band", "s-band", "l-band", "uhf". */
const char *gs_radar_class_name(enum gs_radar_class c);

/* Sets the class defaults of REFERENCE.md (site and id untouched). */
void gs_sensor_class_defaults(struct gs_sensor *s, enum gs_radar_class c);

/*
 * Reads the object {"sensors": [...]} (when with_defaults, sensors may
 * leave out what their class provides). On success *out (n elements, at
 * least one) is the caller's to gs_free. Reports every problem to c and
 * returns GS_ERR_INVALID; ids must be unique and nations ISO 3166-1
 * alpha-3 codes.
 */
int gs_sensors_from_json(const struct gs_jctx *c, const json_t *root,
                         bool with_defaults, struct gs_sensor **out, size_t *n);

/* Reads the "sensors" member of any object (a scenario's radars). */
int gs_sensors_from_member(const struct gs_jctx *c, const json_t *obj,
                           bool with_defaults, struct gs_sensor **out,
                           size_t *n);

/* Reads one sensor object. */
int gs_sensor_from_json(const struct gs_jctx *c, const json_t *v,
                        bool with_defaults, struct gs_sensor *out);

/* Loads a sensors file; as gs_sensors_from_json. */
int gs_sensors_load(const char *path, struct gs_sensor **out, size_t *n,
                    struct gs_diag *d);

/* The sensors as a sensors-file object (new reference). */
json_t *gs_sensors_to_json(const struct gs_sensor *s, size_t n);

/* Index of the sensor named id, or -1. */
int gs_sensor_find(const struct gs_sensor *s, size_t n, const char *id);

/*
 * Whether the radar can see a target at ECEF position r: within its range,
 * inside its field of view, and above its minimum elevation as bent by
 * standard refraction (the 4/3 effective Earth radius, so that the radar
 * horizon at 1,000 km is about 59 km up). z (may be NULL) receives the
 * true (range, azimuth, elevation).
 */
bool gs_sensor_sees(const struct gs_sensor *s, const double r[3], double z[3]);

/* The measurement noise of the radar: m = 3, or 4 with range rate. */
void gs_sensor_noise(const struct gs_sensor *s, struct gs_meas *m);

#endif
