/*
 * radar.c - scans, detections, noise, clutter and delays; see radar.h.
 */
#include "sim/radar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

struct plots {
    struct gs_sim_plot *p;
    size_t n, cap;
};

static void push(struct plots *ps, const struct gs_sim_plot *p)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 4096;
        ps->p = gs_reallocarray(ps->p, ps->cap, sizeof(*ps->p));
    }
    ps->p[ps->n++] = *p;
}

static int by_arrival(const void *a, const void *b)
{
    const struct gs_sim_plot *x = a, *y = b;

    if (x->arrival != y->arrival)
        return x->arrival < y->arrival ? -1 : 1;
    if (x->p.time != y->p.time)
        return x->p.time < y->p.time ? -1 : 1;
    if (x->p.sensor != y->p.sensor)
        return x->p.sensor < y->p.sensor ? -1 : 1;
    /* Generation order breaks the remaining ties (qsort is not stable). */
    return x->p.range < y->p.range ? -1 : x->p.range > y->p.range;
}

static double angle_between(const double a[3], const double b[3])
{
    double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    double na = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    double nb = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    double c = d / (na * nb);

    return acos(c > 1 ? 1 : c < -1 ? -1 : c);
}

#define MAX_VISIBLE 64

static void scan(const struct gs_scenario *sc, struct gs_truth *t,
                 struct gs_rng *rng, int si, gs_time_t when, struct plots *ps)
{
    const struct gs_sensor *s = &sc->sensors[si];
    double tt = (double)(when - t->epoch) * 1e-6;
    double z[MAX_VISIBLE][4], los[MAX_VISIBLE][3];
    int obj[MAX_VISIBLE], cluster[MAX_VISIBLE], nv = 0, i, j, k;
    unsigned nfa;

    for (i = 0; i < (int)t->n_obj && nv < MAX_VISIBLE; i++) {
        double x[6];

        if (!gs_truth_state(&t->obj[i], tt, x, NULL))
            continue;
        if (!gs_sensor_sees(s, x, NULL))
            continue;
        gs_radar_measure(&s->site, x, z[nv], NULL);
        for (k = 0; k < 3; k++)
            los[nv][k] = x[k] - s->site.ecef[k];
        obj[nv] = i;
        cluster[nv] = nv;
        for (j = 0; j < nv; j++) {
            if (cluster[j] == j &&
                fabs(z[j][GS_Z_RANGE] - z[nv][GS_Z_RANGE]) <
                    s->range_resolution &&
                angle_between(los[j], los[nv]) < s->angle_resolution) {
                cluster[nv] = j;
                break;
            }
        }
        nv++;
    }
    for (i = 0; i < nv; i++) {
        struct gs_sim_plot sp;
        double m[4] = {0, 0, 0, 0};
        int members = 0;

        if (cluster[i] != i)
            continue;
        if (gs_rng_uniform(rng) >= s->pd)
            continue;
        /* The centroid of the cluster's measurements. */
        for (j = i; j < nv; j++) {
            if (cluster[j] != i)
                continue;
            m[0] += z[j][0];
            m[1] += z[i][1] + gs_angle_wrap(z[j][1] - z[i][1]);
            m[2] += z[j][2];
            m[3] += z[j][3];
            members++;
        }
        memset(&sp, 0, sizeof(sp));
        sp.p.time = when;
        sp.p.sensor = si;
        sp.p.range = m[0] / members + s->sigma_range * gs_rng_normal(rng);
        sp.p.az = m[1] / members + s->sigma_az * gs_rng_normal(rng);
        sp.p.az = fmod(sp.p.az, 2 * GS_PI);
        if (sp.p.az < 0)
            sp.p.az += 2 * GS_PI;
        sp.p.el = m[2] / members + s->sigma_el * gs_rng_normal(rng);
        if (sp.p.el > GS_PI / 2)
            sp.p.el = GS_PI / 2;
        if (s->sigma_rr > 0) {
            sp.p.has_rr = true;
            sp.p.rr = m[3] / members + s->sigma_rr * gs_rng_normal(rng);
        }
        sp.object = members == 1 ? obj[i] : -2;
        /* A merged plot measures the centroid: it counts as a detection of
         * an object in it (for the bound) only while the centroid is within
         * a tenth of a standard deviation of the object's own measurement
         * (a bias that small stays below the noise of a long average). */
        for (j = i; j < nv; j++) {
            double c0 = m[0] / members, c1 = m[1] / members,
                   c2 = m[2] / members;

            if (cluster[j] != i)
                continue;
            if (fabs(c0 - z[j][0]) <= 0.1 * s->sigma_range &&
                fabs(gs_angle_wrap(c1 - z[j][1])) * cos(z[j][2]) <=
                    0.1 * s->sigma_az &&
                fabs(c2 - z[j][2]) <= 0.1 * s->sigma_el)
                gs_truth_add_detection(t, tt, si, obj[j]);
        }
        sp.arrival = when;
        push(ps, &sp);
    }
    nfa = gs_rng_poisson(rng, s->false_alarms);
    for (k = 0; k < (int)nfa; k++) {
        struct gs_sim_plot sp;
        double fov = s->field_of_view > 0 ? s->field_of_view : 2 * GS_PI;

        memset(&sp, 0, sizeof(sp));
        sp.p.time = when;
        sp.p.sensor = si;
        sp.p.range = (0.05 + 0.95 * gs_rng_uniform(rng)) * s->max_range;
        sp.p.az =
            fmod(s->boresight + (gs_rng_uniform(rng) - 0.5) * fov + 4 * GS_PI,
                 2 * GS_PI);
        sp.p.el = s->min_elevation + 0.5 * gs_rng_uniform(rng);
        if (s->sigma_rr > 0) {
            sp.p.has_rr = true;
            sp.p.rr = (gs_rng_uniform(rng) - 0.5) * 10000;
        }
        sp.object = -1;
        sp.arrival = when;
        push(ps, &sp);
    }
}

void gs_sim_radars(const struct gs_scenario *sc, struct gs_truth *t,
                   struct gs_rng *rng, struct gs_sim_plot **out, size_t *n)
{
    struct plots ps = {NULL, 0, 0};
    double end = 0;
    size_t i, si;

    for (i = 0; i < t->n_obj; i++)
        if (t->obj[i].t_impact > end)
            end = t->obj[i].t_impact;
    for (si = 0; si < sc->n_sensors; si++) {
        const struct gs_sensor *s = &sc->sensors[si];
        double period = 1.0 / s->update_rate;
        double phase = gs_rng_uniform(rng) * period;
        long k;

        for (k = 0;; k++) {
            double tt = phase + (double)k * period;
            gs_time_t when;

            if (tt > end)
                break;
            when = t->epoch + (gs_time_t)llround(tt * 1e6);
            scan(sc, t, rng, (int)si, when, &ps);
        }
    }
    /* Delays, drawn after all plots so that they do not disturb the noise
     * of a seed when the share changes. */
    for (i = 0; i < ps.n; i++) {
        if (sc->late_fraction > 0 && gs_rng_uniform(rng) < sc->late_fraction)
            ps.p[i].arrival += (gs_time_t)llround(gs_rng_uniform(rng) *
                                                  sc->late_max_delay * 1e6);
    }
    if (ps.n > 0)
        qsort(ps.p, ps.n, sizeof(*ps.p), by_arrival);
    *out = ps.p;
    *n = ps.n;
}

int gs_sim_run(const struct gs_scenario *sc, uint64_t seed, struct gs_truth *t,
               struct gs_sim_plot **plots, size_t *n)
{
    struct gs_rng rng;
    int rc;

    *plots = NULL;
    *n = 0;
    gs_rng_seed(&rng, seed);
    rc = gs_truth_fly(sc, &rng, t);
    if (rc < 0) {
        gs_truth_free(t);
        return rc;
    }
    gs_sim_radars(sc, t, &rng, plots, n);
    return 0;
}
