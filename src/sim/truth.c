/*
 * truth.c - flying the scenario's missiles, and the truth file; see
 * truth.h.
 */
#include "sim/truth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "track/dyn.h"
#include "track/jline.h"

#define MAX_FLIGHT 10800.0 /* s */
#define MAX_OBJECTS 256
#define MAX_SAMPLES 4000000

static const char *const kind_names[] = {"warhead", "stage", "debris"};

const char *gs_object_kind_name(enum gs_object_kind k)
{
    return kind_names[k];
}

void gs_truth_free(struct gs_truth *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->n_obj; i++)
        gs_free(t->obj[i].s);
    gs_free(t->obj);
    gs_free(t->det);
    memset(t, 0, sizeof(*t));
}

static struct gs_truth_object *new_object(struct gs_truth *t, const char *id,
                                          const char *missile,
                                          enum gs_object_kind kind)
{
    struct gs_truth_object *o;

    t->obj = gs_reallocarray(t->obj, t->n_obj + 1, sizeof(*t->obj));
    o = &t->obj[t->n_obj++];
    memset(o, 0, sizeof(*o));
    snprintf(o->id, sizeof(o->id), "%s", id);
    snprintf(o->missile, sizeof(o->missile), "%s", missile);
    o->kind = kind;
    return o;
}

static void add_sample(struct gs_truth_object *o, double t, const double x[6],
                       const double a[3], enum gs_phase ph)
{
    struct gs_truth_sample *s;

    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 1024;
        o->s = gs_reallocarray(o->s, o->cap, sizeof(*o->s));
    }
    s = &o->s[o->n++];
    s->t = t;
    memcpy(s->x, x, sizeof(s->x));
    memcpy(s->a, a, sizeof(s->a));
    s->phase = ph;
}

/* ------------------------------------------------------------- the boost */

struct thrust_ctx {
    const struct gs_missile *m;
    double t0;      /* launch-relative time at the start of a propagation */
    double d0[3];   /* the launch heading, a unit ECEF vector */
    double t_total; /* the last burnout, launch-relative */
};

/* The thrust acceleration at launch-relative time t (0 outside burns). */
static void thrust_at(const struct thrust_ctx *c, double t, const double x[6],
                      double acc[3])
{
    const struct gs_missile *m = c->m;
    double start = 0, a = 0, th, up[3], h[3], dn, hn;
    struct gs_geodetic g;
    int k, i;

    acc[0] = acc[1] = acc[2] = 0;
    for (k = 0; k < m->n_stages; k++) {
        const struct gs_stage *s = &m->stages[k];

        if (t >= start && t < start + s->burn) {
            double tau = (t - start) / s->burn;

            a = s->a0 / (1.0 - (1.0 - s->a0 / s->a1) * tau);
            break;
        }
        start += s->burn;
    }
    if (a == 0)
        return;
    if (t < m->vertical_time)
        th = GS_PI / 2;
    else if (t < m->pitch_time)
        th = GS_PI / 2 + (m->pitch_end - GS_PI / 2) * (t - m->vertical_time) /
                             (m->pitch_time - m->vertical_time);
    else
        th = m->pitch_end;
    gs_ecef_to_geodetic(x, &g);
    up[0] = cos(g.lat) * cos(g.lon);
    up[1] = cos(g.lat) * sin(g.lon);
    up[2] = sin(g.lat);
    dn = c->d0[0] * up[0] + c->d0[1] * up[1] + c->d0[2] * up[2];
    for (i = 0; i < 3; i++)
        h[i] = c->d0[i] - dn * up[i];
    hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    for (i = 0; i < 3; i++)
        acc[i] = a * (cos(th) * h[i] / hn + sin(th) * up[i]);
}

static void thrust_cb(void *ctx, double t, const double x[6], double acc[3])
{
    const struct thrust_ctx *c = ctx;

    thrust_at(c, c->t0 + t, x, acc);
}

/* Total acceleration: the model's forces plus thrust at launch-relative t
 * (thrust NULL for none), kappa for drag (0 for none). */
static void total_accel(const struct thrust_ctx *c, double t, const double *x,
                        double kappa, double a[3])
{
    struct gs_dyn m;
    double y[7], th[3];
    int i;

    gs_dyn_default(&m);
    memcpy(y, x, 6 * sizeof(double));
    y[6] = kappa;
    gs_dyn_accel(&m, y, 7, a, NULL);
    if (c != NULL) {
        thrust_at(c, t, x, th);
        for (i = 0; i < 3; i++)
            a[i] += th[i];
    }
}

static enum gs_phase coast_phase(const double *x)
{
    double rv = x[0] * x[3] + x[1] * x[4] + x[2] * x[5];

    return gs_dyn_height(x) < GS_EST_REENTRY_HEIGHT && rv < 0
               ? GS_PHASE_REENTRY
               : GS_PHASE_MIDCOURSE;
}

/*
 * Flies a ballistic object from epoch time t with state x and ballistic
 * coefficient beta to the ground, sampling o at whole seconds.
 */
static int coast(struct gs_truth_object *o, double t, const double *x,
                 double beta)
{
    struct gs_dyn m;
    double y[7], a[3];
    double t0 = t;
    bool apogee_seen = false;

    gs_dyn_default(&m);
    memcpy(y, x, 6 * sizeof(double));
    y[6] = 1.0 / beta;
    o->beta = beta;
    total_accel(NULL, 0, y, y[6], a);
    add_sample(o, t, y, a, coast_phase(y));
    while (t - t0 < MAX_FLIGHT) {
        double next = floor(t + 1e-9) + 1.0, dt = next - t;
        struct gs_flight f;

        if (gs_dyn_fly(&m, y, 7, dt, 0, &f) < 0)
            return GS_ERR_INVALID;
        if (f.apogee && !apogee_seen) {
            o->t_apogee = t + f.t_apogee;
            o->h_apogee = f.h_apogee;
            apogee_seen = true;
        }
        if (f.impact) {
            t += f.t_impact;
            total_accel(NULL, 0, f.x_impact, y[6], a);
            add_sample(o, t, f.x_impact, a, coast_phase(f.x_impact));
            o->t_impact = t;
            gs_ecef_to_geodetic(f.x_impact, &o->impact);
            return 0;
        }
        if (gs_dyn_propagate(&m, y, 7, dt, NULL) < 0)
            return GS_ERR_INVALID;
        t = next;
        total_accel(NULL, 0, y, y[6], a);
        add_sample(o, t, y, a, coast_phase(y));
    }
    return GS_ERR_INVALID;
}

/* A separated object at epoch time t: state x less dv along the velocity,
 * plus dv_random in a random direction. */
static int separate(struct gs_truth *tr, const char *id,
                    const struct gs_missile *m, enum gs_object_kind kind,
                    double t, const double *x, double dv, double dv_random,
                    double beta, struct gs_rng *rng)
{
    struct gs_truth_object *o = new_object(tr, id, m->id, kind);
    double y[6], s = sqrt(x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
    double u[3], un;
    int i;

    memcpy(y, x, sizeof(y));
    for (i = 0; i < 3; i++)
        y[3 + i] -= dv * x[3 + i] / s;
    if (dv_random > 0) {
        for (i = 0; i < 3; i++)
            u[i] = gs_rng_normal(rng);
        un = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        for (i = 0; i < 3; i++)
            y[3 + i] += dv_random * u[i] / un;
    }
    o->t_launch = tr->obj[0].t_launch; /* overwritten by the caller */
    return coast(o, t, y, beta);
}

static int fly_missile(const struct gs_missile *m, struct gs_truth *tr,
                       struct gs_rng *rng)
{
    struct thrust_ctx c;
    struct gs_dyn dyn;
    struct gs_truth_object *o;
    double x[6], a[3], t_l, t = 0, stage_start = 0, enu[9];
    size_t idx;
    int k, i, rc;
    char id[32];

    memset(&c, 0, sizeof(c));
    c.m = m;
    for (k = 0; k < m->n_stages; k++)
        c.t_total += m->stages[k].burn;
    gs_enu_matrix(m->site.lat, m->site.lon, enu);
    for (i = 0; i < 3; i++)
        c.d0[i] = sin(m->heading) * enu[i] + cos(m->heading) * enu[3 + i];
    t_l = (double)(m->launch_time - tr->epoch) * 1e-6;
    gs_dyn_default(&dyn);
    dyn.drag = false;
    dyn.extra = thrust_cb;
    dyn.ctx = &c;
    idx = tr->n_obj;
    o = new_object(tr, m->id, m->id, GS_OBJ_WARHEAD);
    o->t_launch = t_l;
    o->launch = m->site;
    gs_geodetic_to_ecef(&m->site, x);
    x[3] = x[4] = x[5] = 0;
    total_accel(&c, 0, x, 0, a);
    add_sample(o, t_l, x, a, GS_PHASE_BOOST);
    for (k = 0; k < m->n_stages; k++) {
        double end = stage_start + m->stages[k].burn;

        while (t < end - 1e-9) {
            /* Whole epoch seconds, and the end of the vertical rise. */
            double next = floor(t_l + t + 1e-9) + 1.0 - t_l;

            if (next > end)
                next = end;
            if (t < m->vertical_time && next > m->vertical_time)
                next = m->vertical_time;
            if (t < m->pitch_time && next > m->pitch_time)
                next = m->pitch_time;
            c.t0 = t;
            if (gs_dyn_propagate(&dyn, x, 6, next - t, NULL) < 0)
                return GS_ERR_INVALID;
            t = next;
            o = &tr->obj[idx];
            /* At the end of a burn the acceleration is the limit from
             * before; the sample after the staging gets the one after. */
            total_accel(&c, t - (t >= end - 1e-9 ? 1e-9 : 0), x, 0, a);
            add_sample(o, t_l + t, x, a, GS_PHASE_BOOST);
        }
        t = end;
        stage_start = end;
        if (k + 1 < m->n_stages) {
            total_accel(&c, t, x, 0, a);
            add_sample(&tr->obj[idx], t_l + t, x, a, GS_PHASE_BOOST);
            if (m->stages[k].spent_beta > 0) {
                snprintf(id, sizeof(id), "%s-S%d", m->id, k + 1);
                rc = separate(tr, id, m, GS_OBJ_STAGE, t_l + t, x,
                              m->stages[k].separation_dv, 0,
                              m->stages[k].spent_beta, rng);
                if (rc < 0)
                    return rc;
                tr->obj[tr->n_obj - 1].t_launch = t_l;
                tr->obj[tr->n_obj - 1].launch = m->site;
                tr->obj[tr->n_obj - 1].t_burnout = t_l + t;
            }
        }
    }
    o = &tr->obj[idx];
    o->t_burnout = t_l + t;
    /* The warhead coasts on from burnout (coast adds the sample after the
     * burnout, without thrust). */
    {
        struct gs_truth_object tmp = *o;

        rc = coast(&tmp, t_l + t, x, m->beta);
        tr->obj[idx] = tmp;
        if (rc < 0)
            return rc;
    }
    k = m->n_stages - 1;
    if (m->stages[k].spent_beta > 0) {
        snprintf(id, sizeof(id), "%s-S%d", m->id, k + 1);
        rc = separate(tr, id, m, GS_OBJ_STAGE, t_l + t, x,
                      m->stages[k].separation_dv, 0, m->stages[k].spent_beta,
                      rng);
        if (rc < 0)
            return rc;
        tr->obj[tr->n_obj - 1].t_launch = t_l;
        tr->obj[tr->n_obj - 1].launch = m->site;
        tr->obj[tr->n_obj - 1].t_burnout = t_l + t;
    }
    for (i = 0; i < m->n_debris; i++) {
        snprintf(id, sizeof(id), "%s-D%d", m->id, i + 1);
        rc = separate(tr, id, m, GS_OBJ_DEBRIS, t_l + t, x, 0, m->debris_dv,
                      m->debris_beta, rng);
        if (rc < 0)
            return rc;
        tr->obj[tr->n_obj - 1].t_launch = t_l;
        tr->obj[tr->n_obj - 1].launch = m->site;
        tr->obj[tr->n_obj - 1].t_burnout = t_l + t;
    }
    return 0;
}

int gs_truth_fly(const struct gs_scenario *sc, struct gs_rng *rng,
                 struct gs_truth *t)
{
    int i, rc = 0;

    memset(t, 0, sizeof(*t));
    t->epoch = gs_scenario_epoch(sc);
    for (i = 0; i < sc->n_missiles && rc == 0; i++)
        rc = fly_missile(&sc->missiles[i], t, rng);
    return rc;
}

/* ------------------------------------------------------- interpolation */

static size_t find_interval(const struct gs_truth_object *o, double t)
{
    size_t lo = 0, hi = o->n - 1;

    /* The last sample at or before t (the later of two equal times). */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;

        if (o->s[mid].t <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

bool gs_truth_state(const struct gs_truth_object *o, double t, double x[6],
                    double a[3])
{
    const struct gs_truth_sample *p, *q;
    double h, s, s2, s3, h00, h10, h01, h11;
    size_t i;
    int k;

    if (o->n == 0 || t < o->s[0].t || t > o->s[o->n - 1].t)
        return false;
    if (o->n == 1 || t == o->s[o->n - 1].t) {
        memcpy(x, o->s[o->n - 1].x, 6 * sizeof(double));
        if (a != NULL)
            memcpy(a, o->s[o->n - 1].a, 3 * sizeof(double));
        return true;
    }
    i = find_interval(o, t);
    p = &o->s[i];
    q = &o->s[i + 1];
    h = q->t - p->t;
    if (h <= 0) {
        memcpy(x, q->x, 6 * sizeof(double));
        if (a != NULL)
            memcpy(a, q->a, 3 * sizeof(double));
        return true;
    }
    s = (t - p->t) / h;
    s2 = s * s;
    s3 = s2 * s;
    h00 = 2 * s3 - 3 * s2 + 1;
    h10 = s3 - 2 * s2 + s;
    h01 = -2 * s3 + 3 * s2;
    h11 = s3 - s2;
    for (k = 0; k < 3; k++) {
        x[k] = h00 * p->x[k] + h10 * h * p->x[3 + k] + h01 * q->x[k] +
               h11 * h * q->x[3 + k];
        x[3 + k] = h00 * p->x[3 + k] + h10 * h * p->a[k] + h01 * q->x[3 + k] +
                   h11 * h * q->a[k];
        if (a != NULL)
            a[k] = (1 - s) * p->a[k] + s * q->a[k];
    }
    return true;
}

enum gs_phase gs_truth_phase(const struct gs_truth_object *o, double t)
{
    double x[6];

    if (o->kind == GS_OBJ_WARHEAD && t < o->t_burnout)
        return GS_PHASE_BOOST;
    if (!gs_truth_state(o, t, x, NULL))
        return GS_PHASE_MIDCOURSE;
    return coast_phase(x);
}

int gs_truth_find(const struct gs_truth *t, const char *id)
{
    size_t i;

    for (i = 0; i < t->n_obj; i++)
        if (strcmp(t->obj[i].id, id) == 0)
            return (int)i;
    return -1;
}

void gs_truth_add_detection(struct gs_truth *t, double time, int sensor,
                            int object)
{
    if (t->n_det == t->cap_det) {
        t->cap_det = t->cap_det ? 2 * t->cap_det : 4096;
        t->det = gs_reallocarray(t->det, t->cap_det, sizeof(*t->det));
    }
    t->det[t->n_det].t = time;
    t->det[t->n_det].sensor = sensor;
    t->det[t->n_det].object = object;
    t->n_det++;
}

/* ------------------------------------------------------------ the file */

static gs_time_t to_time(const struct gs_truth *t, double s)
{
    return t->epoch + (gs_time_t)llround(s * 1e6);
}

static void put_time(FILE *out, const char *key, gs_time_t t)
{
    char b[GS_TIME_STRLEN];

    gs_time_format(t, b, sizeof(b));
    fprintf(out, "\"%s\":\"%s\"", key, b);
}

int gs_truth_write(const struct gs_truth *t, const struct gs_sensor *s,
                   FILE *out)
{
    static const char *const phases[] = {"boost", "midcourse", "re-entry"};
    size_t i, j;

    for (i = 0; i < t->n_obj; i++) {
        const struct gs_truth_object *o = &t->obj[i];

        fprintf(out,
                "{\"type\":\"object\",\"id\":\"%s\",\"missile\":\"%s\","
                "\"kind\":\"%s\",\"ballistic_coefficient\":%.17g,"
                "\"launch\":{\"latitude\":%.17g,\"longitude\":%.17g,",
                o->id, o->missile, kind_names[o->kind], o->beta,
                o->launch.lat / GS_DEG, o->launch.lon / GS_DEG);
        put_time(out, "time", to_time(t, o->t_launch));
        fputs("},", out);
        put_time(out, "burnout", to_time(t, o->t_burnout));
        fprintf(out, ",\"apogee\":{\"height\":%.17g,", o->h_apogee);
        put_time(out, "time", to_time(t, o->t_apogee));
        fprintf(out, "},\"impact\":{\"latitude\":%.17g,\"longitude\":%.17g,",
                o->impact.lat / GS_DEG, o->impact.lon / GS_DEG);
        put_time(out, "time", to_time(t, o->t_impact));
        fputs("}}\n", out);
    }
    for (i = 0; i < t->n_obj; i++) {
        const struct gs_truth_object *o = &t->obj[i];

        for (j = 0; j < o->n; j++) {
            const struct gs_truth_sample *p = &o->s[j];

            fprintf(out, "{\"type\":\"state\",\"object\":\"%s\",", o->id);
            put_time(out, "time", to_time(t, p->t));
            fprintf(out,
                    ",\"position\":[%.17g,%.17g,%.17g],"
                    "\"velocity\":[%.17g,%.17g,%.17g],"
                    "\"acceleration\":[%.17g,%.17g,%.17g],\"phase\":\"%s\"}\n",
                    p->x[0], p->x[1], p->x[2], p->x[3], p->x[4], p->x[5],
                    p->a[0], p->a[1], p->a[2], phases[p->phase]);
        }
    }
    for (i = 0; i < t->n_det; i++) {
        fprintf(out,
                "{\"type\":\"detection\",\"object\":\"%s\",\"sensor\":\"%s\",",
                t->obj[t->det[i].object].id, s[t->det[i].sensor].id);
        put_time(out, "time", to_time(t, t->det[i].t));
        fputs("}\n", out);
    }
    return ferror(out) ? GS_ERR_IO : 0;
}

/* Reads a JSON array of three finite numbers. */
static int vec3(struct gs_jline *jl, const json_t *o, const char *key,
                double v[3])
{
    const json_t *arr;
    size_t i;
    int rc = gs_json_array(&jl->c, o, key, true, &arr);

    if (rc < 0)
        return rc;
    if (json_array_size(arr) != 3) {
        gs_jline_error(jl, o, key, "\"%s\" must hold 3 numbers", key);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < 3; i++) {
        const json_t *e = json_array_get(arr, i);

        if (!json_is_number(e) || !isfinite(json_number_value(e))) {
            gs_jline_error(jl, o, key, "\"%s\" must hold 3 finite numbers",
                           key);
            return GS_ERR_INVALID;
        }
        v[i] = json_number_value(e);
    }
    return 0;
}

/* A {"latitude", "longitude", "time"} place. */
static int place(struct gs_jline *jl, const struct gs_truth *t, const json_t *o,
                 const char *key, struct gs_geodetic *g, double *time)
{
    static const char *const allowed[] = {"latitude", "longitude", "time",
                                          NULL};
    const json_t *v = json_object_get(o, key);
    gs_time_t tt;
    double lat, lon;
    int rc;

    if (v == NULL) {
        gs_jline_error(jl, o, NULL, "missing \"%s\"", key);
        return GS_ERR_INVALID;
    }
    rc = gs_json_object(&jl->c, v, key, allowed);
    if (rc == 0)
        rc = gs_json_number(&jl->c, v, "latitude", true, &lat, NULL);
    if (rc == 0)
        rc = gs_json_number(&jl->c, v, "longitude", true, &lon, NULL);
    if (rc == 0)
        rc = gs_json_time(&jl->c, v, "time", true, &tt, NULL);
    if (rc < 0)
        return rc;
    g->lat = lat * GS_DEG;
    g->lon = lon * GS_DEG;
    g->h = 0;
    *time = (double)(tt - t->epoch) * 1e-6;
    return 0;
}

static int parse_phase(struct gs_jline *jl, const json_t *o, enum gs_phase *ph)
{
    static const char *const phases[] = {"boost", "midcourse", "re-entry"};
    const char *s;
    int i, rc = gs_json_string(&jl->c, o, "phase", true, &s);

    if (rc < 0)
        return rc;
    for (i = 0; i < 3; i++) {
        if (strcmp(s, phases[i]) == 0) {
            *ph = (enum gs_phase)i;
            return 0;
        }
    }
    gs_jline_error(jl, o, "phase", "unknown phase \"%s\"", s);
    return GS_ERR_INVALID;
}

static int truth_line(struct gs_jline *jl, const struct gs_sensor *s,
                      size_t n_sensors, struct gs_truth *t, size_t *samples)
{
    static const char *const obj_keys[] = {
        "type",   "id",      "missile", "kind",   "ballistic_coefficient",
        "launch", "burnout", "apogee",  "impact", NULL};
    static const char *const state_keys[] = {
        "type",     "object",       "time",  "position",
        "velocity", "acceleration", "phase", NULL};
    static const char *const det_keys[] = {"type", "object", "sensor", "time",
                                           NULL};
    const json_t *o = jl->doc.root;
    const char *type, *id;
    gs_time_t tt;
    int rc, k;

    if (!json_is_object(o)) {
        gs_jline_error(jl, o, NULL, "a truth record must be a JSON object");
        return GS_ERR_INVALID;
    }
    rc = gs_json_string(&jl->c, o, "type", true, &type);
    if (rc < 0)
        return rc;
    if (strcmp(type, "object") == 0) {
        struct gs_truth_object *ob;
        const char *missile, *kind;
        const json_t *ap;
        double dummy;
        struct gs_geodetic g;

        rc = gs_json_object(&jl->c, o, "object record", obj_keys);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "id", true, &id);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "missile", true, &missile);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "kind", true, &kind);
        if (rc < 0)
            return rc;
        if (t->n_obj >= MAX_OBJECTS || gs_truth_find(t, id) >= 0 ||
            strlen(id) >= sizeof(ob->id) || strlen(missile) >= GS_SIM_ID_SIZE) {
            gs_jline_error(jl, o, "id",
                           "object \"%s\" is a duplicate, too "
                           "long or one too many",
                           id);
            return GS_ERR_INVALID;
        }
        for (k = 0; k < 3; k++)
            if (strcmp(kind, kind_names[k]) == 0)
                break;
        if (k == 3) {
            gs_jline_error(jl, o, "kind", "unknown kind \"%s\"", kind);
            return GS_ERR_INVALID;
        }
        ob = new_object(t, id, missile, (enum gs_object_kind)k);
        rc = gs_json_number(&jl->c, o, "ballistic_coefficient", true, &ob->beta,
                            NULL);
        if (rc == 0)
            rc = place(jl, t, o, "launch", &ob->launch, &ob->t_launch);
        if (rc == 0)
            rc = place(jl, t, o, "impact", &ob->impact, &ob->t_impact);
        if (rc == 0)
            rc = gs_json_time(&jl->c, o, "burnout", true, &tt, NULL);
        if (rc == 0)
            ob->t_burnout = (double)(tt - t->epoch) * 1e-6;
        ap = json_object_get(o, "apogee");
        if (rc == 0 && json_is_object(ap)) {
            rc =
                gs_json_number(&jl->c, ap, "height", true, &ob->h_apogee, NULL);
            if (rc == 0)
                rc = gs_json_time(&jl->c, ap, "time", true, &tt, NULL);
            ob->t_apogee = (double)(tt - t->epoch) * 1e-6;
        }
        (void)dummy;
        (void)g;
        return rc;
    }
    if (strcmp(type, "state") == 0) {
        struct gs_truth_sample p;
        struct gs_truth_object *ob;

        memset(&p, 0, sizeof(p));
        rc = gs_json_object(&jl->c, o, "state record", state_keys);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "object", true, &id);
        if (rc < 0)
            return rc;
        k = gs_truth_find(t, id);
        if (k < 0) {
            gs_jline_error(jl, o, "object",
                           "object \"%s\" has no object record before it", id);
            return GS_ERR_INVALID;
        }
        ob = &t->obj[k];
        rc = gs_json_time(&jl->c, o, "time", true, &tt, NULL);
        if (rc == 0)
            rc = vec3(jl, o, "position", p.x);
        if (rc == 0)
            rc = vec3(jl, o, "velocity", p.x + 3);
        if (rc == 0)
            rc = vec3(jl, o, "acceleration", p.a);
        if (rc == 0)
            rc = parse_phase(jl, o, &p.phase);
        if (rc < 0)
            return rc;
        p.t = (double)(tt - t->epoch) * 1e-6;
        if (ob->n > 0 && p.t < ob->s[ob->n - 1].t) {
            gs_jline_error(jl, o, "time",
                           "states of an object must come in time order");
            return GS_ERR_INVALID;
        }
        if (++*samples > MAX_SAMPLES) {
            gs_jline_error(jl, o, NULL, "more than %d states", MAX_SAMPLES);
            return GS_ERR_TOO_BIG;
        }
        add_sample(ob, p.t, p.x, p.a, p.phase);
        return 0;
    }
    if (strcmp(type, "detection") == 0) {
        const char *sensor;
        int si;

        rc = gs_json_object(&jl->c, o, "detection record", det_keys);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "object", true, &id);
        if (rc == 0)
            rc = gs_json_string(&jl->c, o, "sensor", true, &sensor);
        if (rc == 0)
            rc = gs_json_time(&jl->c, o, "time", true, &tt, NULL);
        if (rc < 0)
            return rc;
        k = gs_truth_find(t, id);
        si = gs_sensor_find(s, n_sensors, sensor);
        if (k < 0 || si < 0) {
            gs_jline_error(jl, o, k < 0 ? "object" : "sensor",
                           "unknown %s \"%s\"", k < 0 ? "object" : "sensor",
                           k < 0 ? id : sensor);
            return GS_ERR_INVALID;
        }
        if (t->n_det >= MAX_SAMPLES) {
            gs_jline_error(jl, o, NULL, "too many detections");
            return GS_ERR_TOO_BIG;
        }
        gs_truth_add_detection(t, (double)(tt - t->epoch) * 1e-6, si, k);
        return 0;
    }
    gs_jline_error(jl, o, "type",
                   "unknown record type \"%s\"; expected "
                   "\"object\", \"state\" or \"detection\"",
                   type);
    return GS_ERR_INVALID;
}

int gs_truth_load(const char *path, const struct gs_sensor *s, size_t n,
                  struct gs_truth *out, struct gs_diag *d)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, samples = 0, i;
    ssize_t len;
    unsigned lineno = 0;
    int rc = 0;
    bool have_epoch = false;

    memset(out, 0, sizeof(*out));
    if (f == NULL) {
        struct gs_pos p = {path, 0, 0};

        gs_diag_error(d, &p, "cannot open the truth file");
        return GS_ERR_NOT_FOUND;
    }
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        struct gs_jline jl;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        rc = gs_jline_parse(&jl, path, lineno, line, (size_t)len, d);
        if (rc == 0 && !have_epoch) {
            /* The epoch: the first object's launch time. */
            const json_t *l = json_object_get(jl.doc.root, "launch");
            const char *ts = json_string_value(json_object_get(l, "time"));

            if (ts != NULL && gs_time_parse(ts, &out->epoch) == 0)
                have_epoch = true;
        }
        if (rc == 0)
            rc = truth_line(&jl, s, n, out, &samples);
        gs_jline_done(&jl);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    for (i = 0; rc == 0 && i < out->n_obj; i++) {
        if (out->obj[i].n == 0) {
            struct gs_pos p = {path, 0, 0};

            gs_diag_error(d, &p, "object \"%s\" has no states", out->obj[i].id);
            rc = GS_ERR_INVALID;
        }
    }
    if (rc == 0 && out->n_obj == 0) {
        struct gs_pos p = {path, 0, 0};

        gs_diag_error(d, &p, "the truth file has no objects");
        rc = GS_ERR_INVALID;
    }
    if (rc < 0)
        gs_truth_free(out);
    return rc;
}
