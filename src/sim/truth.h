/*
 * truth.h - the true flights of a scenario, and the truth file.
 *
 * gs_truth_fly integrates each missile from the pad: boost under the
 * scenario's thrust and pitch program (gravity with J2 in the Earth-fixed
 * frame; no separate drag, as the thrust profile is the net acceleration),
 * then every separated object ballistically with its own ballistic
 * coefficient, drag included, down to the ellipsoid (h = 0) - the very
 * force model the tracker's ballistic mode assumes. States are kept at
 * whole seconds from the epoch and at every event (end of vertical rise,
 * staging, burnout, apogee, impact); between samples they are interpolated
 * with cubic Hermite polynomials on position and velocity (velocity from
 * the acceleration), which is exact to well under a millimetre.
 *
 * The truth file (JSON lines) starts with one record per object, then the
 * states, then the detections (which radar saw which object when; what the
 * bound needs):
 *
 *   {"type": "object", "id": "M1", "missile": "M1", "kind": "warhead",
 *    "ballistic_coefficient": 20000,
 *    "launch": {"latitude": .., "longitude": .., "time": ".."},
 *    "burnout": "..", "apogee": {"height": .., "time": ".."},
 *    "impact": {"latitude": .., "longitude": .., "time": ".."}}
 *   {"type": "state", "object": "M1", "time": "..", "position": [x, y, z],
 *    "velocity": [..], "acceleration": [..], "phase": "boost"}
 *   {"type": "detection", "object": "M1", "sensor": "KOR-GP1",
 *    "time": ".."}
 */
#ifndef GS_SIM_TRUTH_H
#define GS_SIM_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/time.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "track/est.h"

enum gs_object_kind { GS_OBJ_WARHEAD, GS_OBJ_STAGE, GS_OBJ_DEBRIS };

struct gs_truth_sample {
    double t;    /* seconds from the truth's epoch */
    double x[6]; /* ECEF position and velocity */
    double a[3]; /* acceleration */
    enum gs_phase phase;
};

struct gs_truth_object {
    char id[32];
    char missile[GS_SIM_ID_SIZE];
    enum gs_object_kind kind;
    double beta; /* kg/m^2 (after separation) */
    struct gs_truth_sample *s;
    size_t n, cap;
    double t_launch, t_burnout, t_apogee, t_impact; /* from the epoch */
    struct gs_geodetic launch, impact;
    double h_apogee;
};

struct gs_detection {
    double t;
    int sensor, object;
};

struct gs_truth {
    gs_time_t epoch;
    struct gs_truth_object *obj;
    size_t n_obj;
    struct gs_detection *det;
    size_t n_det, cap_det;
};

/* Frees everything the truth holds; t may be zeroed or NULL. */
void gs_truth_free(struct gs_truth *t);

/*
 * Flies every missile of scenario sc (debris directions drawn from rng)
 * into t, whose epoch is the first launch. Returns 0, or GS_ERR_INVALID if
 * a flight diverges or lasts beyond 3 hours (a profile that goes to orbit).
 */
int gs_truth_fly(const struct gs_scenario *sc, struct gs_rng *rng,
                 struct gs_truth *t);

/* The state (and acceleration, a may be NULL) of object o at time t
 * (seconds from the epoch); false when o does not exist then. */
bool gs_truth_state(const struct gs_truth_object *o, double t, double x[6],
                    double a[3]);

/* The phase of o at t (o must exist then). */
enum gs_phase gs_truth_phase(const struct gs_truth_object *o, double t);

/* Index of the object named id, or -1. */
int gs_truth_find(const struct gs_truth *t, const char *id);

/* Records a detection. */
void gs_truth_add_detection(struct gs_truth *t, double time, int sensor,
                            int object);

/* Writes the truth file; sensors name the detections' radars. */
int gs_truth_write(const struct gs_truth *t, const struct gs_sensor *s,
                   FILE *out);

/*
 * Reads a truth file (path, "-" for standard input) with the sensors its
 * detections name. Reports problems to d as FILE:LINE:COL and returns
 * GS_ERR_INVALID.
 */
int gs_truth_load(const char *path, const struct gs_sensor *s, size_t n,
                  struct gs_truth *out, struct gs_diag *d);

/* "warhead", "stage", "debris". */
const char *gs_object_kind_name(enum gs_object_kind k);

#endif
