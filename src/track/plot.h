/*
 * plot.h - radar plots: one detection, as a sensor reports it.
 *
 * The plot stream is JSON lines, one plot a line:
 *
 *   {"time": "2022-10-03T22:22:31.250000Z", "sensor": "JPN-X1",
 *    "range": 812345.2, "azimuth": 4.71, "elevation": 0.21,
 *    "range_rate": -2345.1}
 *
 * range in metres, azimuth clockwise from true north and elevation above
 * the local horizontal in radians, range_rate (optional) in metres per
 * second. Plots may arrive late and out of order; the tracker sorts that
 * out (tracker.h).
 *
 * Reading a plot checks what can be checked from the line alone: well-formed
 * JSON with exactly these members, a known sensor, finite numbers, range
 * > 0 and within twice the radar's maximum, |elevation| <= pi/2, azimuth in
 * [-2 pi, 2 pi] (normalised to [0, 2 pi)), |range_rate| < 20 km/s, and
 * range_rate only from a radar that measures it. Each refusal is a message
 * "FILE:LINE:COL: error: ..." naming what to fix.
 */
#ifndef GS_TRACK_PLOT_H
#define GS_TRACK_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/time.h"
#include "track/sensor.h"

struct gs_plot {
    gs_time_t time;
    int sensor; /* index into the tracker's sensors */
    double range, az, el, rr;
    bool has_rr;
    /* Variance added to the radar's noise (range, azimuth, elevation,
     * range rate): zero from a sensor; set by the tracker for a plot it
     * believes merges several objects (tracker.h). Not written out. */
    double extra_var[4];
};

/*
 * Reads one line (len bytes) of a plot stream, line number `line` of file,
 * against the sensors s[0..n). Returns 0, or GS_ERR_INVALID after
 * reporting to d (*out is then zero).
 */
int gs_plot_parse(const char *text, size_t len, const char *file, unsigned line,
                  const struct gs_sensor *s, size_t n, struct gs_plot *out,
                  struct gs_diag *d);

/*
 * Checks the values of a plot that did not come from text (a caller of the
 * library API): the same rules as gs_plot_parse. Returns 0, or
 * GS_ERR_INVALID with a reason in why (n bytes).
 */
int gs_plot_check(const struct gs_plot *p, const struct gs_sensor *s,
                  size_t n_sensors, char *why, size_t n);

/* Appends p as one JSON line (with the newline) to b. */
int gs_plot_write(struct gs_buf *b, const struct gs_plot *p,
                  const struct gs_sensor *s);

/* Fills a measurement (values and noise) from plot p of sensor s. */
void gs_plot_meas(const struct gs_plot *p, const struct gs_sensor *s,
                  struct gs_meas *m);

#endif
