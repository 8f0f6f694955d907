/*
 * scenario.h - what the simulator simulates: missiles and radars.
 *
 * A scenario file (the files under examples/scenarios):
 *
 *   {"name": "irbm-2022-10-04",
 *    "description": "Hwasong-12 over Japan",
 *    "seed": 1,
 *    "fusion_node": "JPN",
 *    "late": {"fraction": 0.05, "max_delay": 5},
 *    "missiles": [
 *      {"id": "M1",
 *       "launch": {"latitude": 40.6, "longitude": 126.4, "height": 300,
 *                  "time": "2022-10-03T22:22:00Z"},
 *       "heading": 1.38,
 *       "profile": {"vertical_time": 8, "pitch_end": 0.55, "pitch_time": 90,
 *                   "stages": [{"burn": 140, "acceleration": [13, 55],
 *                               "spent_beta": 800, "separation_dv": 3}],
 *                   "beta": 20000,
 *                   "debris": {"count": 0, "dv": 5, "beta": 300}}}],
 *    "sensors": [ ... sensor objects, see track/sensor.h ... ]}
 *
 * Latitude and longitude in degrees, every other angle in radians (heading
 * clockwise from north; pitch_end is the elevation of the thrust above the
 * local horizontal after the pitch-over). The pitch program holds the
 * thrust vertical for vertical_time seconds, then tilts it linearly in time
 * towards the heading, reaching pitch_end at pitch_time seconds after launch
 * (default: the last burnout), and holds it there. Each stage burns `burn`
 * seconds at constant thrust, its acceleration rising from the first to the
 * second value as propellant is spent; the next stage lights at once. A
 * stage with spent_beta > 0 becomes an object of its own when it separates
 * (retro velocity separation_dv, ballistic coefficient spent_beta in
 * kg/m^2); the last stage separates from the warhead (ballistic coefficient
 * beta) at burnout, with the debris if any. Radars may leave out what their
 * class provides. "late" delays that share of plots by up to max_delay
 * seconds, so that they arrive out of order.
 */
#ifndef GS_SIM_SCENARIO_H
#define GS_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/time.h"
#include "track/geo.h"
#include "track/sensor.h"

#define GS_SIM_MAX_MISSILES 8
#define GS_SIM_MAX_STAGES 4
#define GS_SIM_ID_SIZE 16

struct gs_stage {
    double burn;          /* s */
    double a0, a1;        /* thrust acceleration at ignition and burnout */
    double spent_beta;    /* kg/m^2; 0: the stage is not simulated after */
    double separation_dv; /* m/s, retro */
};

struct gs_missile {
    char id[GS_SIM_ID_SIZE];
    struct gs_geodetic site;
    gs_time_t launch_time;
    double heading;
    double vertical_time, pitch_end, pitch_time;
    struct gs_stage stages[GS_SIM_MAX_STAGES];
    int n_stages;
    double beta;
    int n_debris;
    double debris_dv, debris_beta;
};

struct gs_scenario {
    char name[64];
    uint64_t seed;
    char fusion_node[4];
    double late_fraction, late_max_delay;
    struct gs_missile missiles[GS_SIM_MAX_MISSILES];
    int n_missiles;
    struct gs_sensor *sensors; /* owned */
    size_t n_sensors;
};

/*
 * Loads a scenario file. Reports every problem to d and returns
 * GS_ERR_INVALID (or the error of reading the file). Free with
 * gs_scenario_free, on failure too.
 */
int gs_scenario_load(const char *path, struct gs_scenario *out,
                     struct gs_diag *d);
/* The same from len bytes of text, named file in messages. */
int gs_scenario_parse(const char *text, size_t len, const char *file,
                      struct gs_scenario *out, struct gs_diag *d);
void gs_scenario_free(struct gs_scenario *s);

/* The earliest launch time of the scenario: the epoch of its truth. */
gs_time_t gs_scenario_epoch(const struct gs_scenario *s);

#endif
