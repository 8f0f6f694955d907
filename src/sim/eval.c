/*
 * eval.c - metrics of a tracker run against the truth; see eval.h.
 */
#include "sim/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "track/geo.h"
#include "track/mat.h"
#include "track/pcrlb.h"

#define US 1e-6
#define MATCH_DISTANCE 50e3
#define CONFIDENT 50e3

const double gs_eval_miss_times[GS_EVAL_MISS_TIMES] = {60, 120, 300};

void gs_chi2_band(double k, double *lo, double *hi)
{
    /* Wilson-Hilferty: (X/k)^(1/3) ~ N(1 - 2/(9k), 2/(9k)). */
    double m = 1 - 2 / (9 * k), s = sqrt(2 / (9 * k)), z = 1.959963984540054;

    *lo = pow(m - z * s, 3);
    *hi = pow(m + z * s, 3);
}

static double seconds(const struct gs_truth *t, gs_time_t tm)
{
    return (double)(tm - t->epoch) * US;
}

struct obj_ctx {
    const struct gs_truth_object *o;
};

static bool truth_cb(void *ctx, double t, double x[6], double a[3])
{
    const struct obj_ctx *c = ctx;

    return gs_truth_state(c->o, t, x, a);
}

static int by_time(const void *a, const void *b)
{
    const struct gs_pcrlb_meas *x = a, *y = b;

    return x->t < y->t ? -1 : x->t > y->t;
}

static double ground_distance(double lat1, double lon1, double lat2,
                              double lon2)
{
    double s;

    gs_geodesic_inverse(lat1, lon1, lat2, lon2, &s, NULL);
    return s;
}

/* Whether the true point (lat, lon, radians) is inside the 95 % ellipse
 * of g. */
static bool inside(const struct gs_ground_point *g, double lat, double lon)
{
    struct gs_geodetic c = {g->lat * GS_DEG, g->lon * GS_DEG, 0};
    struct gs_geodetic p = {lat, lon, 0};
    struct gs_site site;
    double r[3], enu[3], C[4], d2;

    gs_site_init(&site, &c);
    gs_geodetic_to_ecef(&p, r);
    gs_site_enu(&site, r, enu);
    gs_ellipse_to_cov(&g->ellipse, C);
    if (gs_mat_mahalanobis(C, enu, 2, &d2) < 0)
        return false;
    return d2 <= GS_CHI2_2_95;
}

static int score_object(const struct gs_truth *t, int oi,
                        const struct gs_sensor *s, size_t ns, const bool *use,
                        const struct gs_est_config *c,
                        const struct gs_track_update *u, size_t n,
                        const int *match, struct gs_eval_object *e)
{
    const struct gs_truth_object *o = &t->obj[oi];
    struct gs_pcrlb_meas *m = gs_calloc(t->n_det + 1, sizeof(*m));
    double *tq = gs_calloc(n + 1, sizeof(double));
    double(*P)[36] = gs_calloc(n + 1, sizeof(*P));
    bool *valid = gs_calloc(n + 1, sizeof(bool));
    size_t *ui = gs_calloc(n + 1, sizeof(size_t));
    size_t nm = 0, nq = 0, i, k;
    struct obj_ctx ctx = {o};
    struct gs_pcrlb_truth tr;
    int rc;

    (void)ns;
    memset(e, 0, sizeof(*e));
    e->object = oi;
    e->id = o->id;
    for (i = 0; i < t->n_det; i++) {
        if (t->det[i].object != oi || (use && !use[t->det[i].sensor]))
            continue;
        m[nm].t = t->det[i].t;
        m[nm].sensor = t->det[i].sensor;
        nm++;
    }
    qsort(m, nm, sizeof(*m), by_time);
    if (nm > 0) {
        e->detected = true;
        e->t_detect = m[0].t - o->t_launch;
    }
    /* The updates of tracks matched to this object, in time order (they
     * come in time order per track; merge by sorting indexes). */
    for (i = 0; i < n; i++) {
        double tt = seconds(t, u[i].time);

        if (match[i] != oi || u[i].status != GS_TRACK_CONFIRMED)
            continue;
        if (tt < o->s[0].t || tt > o->s[o->n - 1].t)
            continue;
        ui[nq++] = i;
    }
    for (i = 1; i < nq; i++) {
        size_t v = ui[i], j = i;

        while (j > 0 && u[ui[j - 1]].time > u[v].time) {
            ui[j] = ui[j - 1];
            j--;
        }
        ui[j] = v;
    }
    for (i = 0; i < nq; i++)
        tq[i] = seconds(t, u[ui[i]].time);
    tr.state = truth_cb;
    tr.ctx = &ctx;
    tr.t_burnout = o->kind == GS_OBJ_WARHEAD ? o->t_burnout : -INFINITY;
    tr.kappa = 1.0 / o->beta;
    rc = gs_pcrlb(c, &tr, s, m, nm, tq, nq, P, valid);
    if (rc < 0) {
        /* A bound that fails is reported as absent, not as an error. */
        memset(valid, 0, (nq + 1) * sizeof(bool));
    }
    e->s = gs_calloc(nq + 1, sizeof(*e->s));
    for (k = 0; k < nq; k++) {
        const struct gs_track_update *up = &u[ui[k]];
        struct gs_eval_sample *sm = &e->s[e->n];
        double x[6], d[6];
        int j;

        if (!gs_truth_state(o, tq[k], x, NULL))
            continue;
        for (j = 0; j < 6; j++)
            d[j] = up->x[j] - x[j];
        sm->t = tq[k] - o->t_launch;
        sm->phase = gs_truth_phase(o, tq[k]);
        sm->err2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (gs_mat_mahalanobis(up->P, d, 6, &sm->nees) < 0)
            sm->nees = INFINITY;
        if (valid[k]) {
            sm->has_bound = true;
            sm->bound2 = P[k][0] + P[k][7] + P[k][14];
        }
        e->n++;
        if (up->impact.valid) {
            double miss = ground_distance(up->impact.lat * GS_DEG,
                                          up->impact.lon * GS_DEG,
                                          o->impact.lat, o->impact.lon);

            e->n_impact++;
            if (inside(&up->impact, o->impact.lat, o->impact.lon))
                e->n_inside++;
            for (j = 0; j < GS_EVAL_MISS_TIMES; j++) {
                if (sm->t <= gs_eval_miss_times[j]) {
                    e->has_miss[j] = true;
                    e->miss[j] = miss;
                }
            }
            e->has_final_miss = true;
            e->final_miss = miss;
            if (!e->has_confident &&
                up->impact.ellipse.semi_major < CONFIDENT) {
                e->has_confident = true;
                e->t_confident = sm->t;
            }
        }
        if (up->launch.valid) {
            e->has_launch = true;
            e->launch_err = ground_distance(up->launch.lat * GS_DEG,
                                            up->launch.lon * GS_DEG,
                                            o->launch.lat, o->launch.lon);
            e->launch_dt = seconds(t, up->launch.time) - o->t_launch;
            e->launch_inside =
                inside(&up->launch, o->launch.lat, o->launch.lon);
        }
    }
    /* A miss at a time needs a prediction made by then. */
    for (k = 0; k < GS_EVAL_MISS_TIMES; k++)
        (void)k;
    gs_free(m);
    gs_free(tq);
    gs_free(P);
    gs_free(valid);
    gs_free(ui);
    return 0;
}

/* Whether update u is within MATCH_DISTANCE of object o. */
static bool within(const struct gs_truth *t, const struct gs_track_update *u,
                   int o)
{
    double x[6];

    if (!gs_truth_state(&t->obj[o], seconds(t, u->time), x, NULL))
        return false;
    return hypot(hypot(x[0] - u->x[0], x[1] - u->x[1]), x[2] - u->x[2]) <
           MATCH_DISTANCE;
}

int gs_eval_run(const struct gs_truth *t, const struct gs_sensor *s, size_t ns,
                const bool *use, const struct gs_est_config *c,
                const struct gs_track_update *u, size_t n, struct gs_eval *out)
{
    int *near = gs_calloc(n + 1, sizeof(int));
    int *match = gs_calloc(n + 1, sizeof(int));
    size_t i, j;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    /* The object each update follows: the one with the smallest NEES
     * (position and velocity, with the update's covariance) among those
     * within 50 km. */
    for (i = 0; i < n; i++) {
        double best = INFINITY, tt = seconds(t, u[i].time);

        near[i] = -1;
        for (j = 0; j < t->n_obj; j++) {
            double x[6], d[6], dist, nees;
            int k;

            if (!gs_truth_state(&t->obj[j], tt, x, NULL))
                continue;
            for (k = 0; k < 6; k++)
                d[k] = u[i].x[k] - x[k];
            dist = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            if (dist > MATCH_DISTANCE)
                continue;
            if (gs_mat_mahalanobis(u[i].P, d, 6, &nees) < 0)
                nees = 1e300;
            if (nees < best) {
                best = nees;
                near[i] = (int)j;
            }
        }
    }
    /* Each track follows one object at a time, switching only after three
     * updates in a row nearer another (a swap). Updates of a track come in
     * time order. */
    for (i = 0; i < n; i++) {
        int cur = -1, run = 0;
        bool seen_any = false;

        for (j = 0; j < i; j++)
            if (strcmp(u[j].track, u[i].track) == 0)
                break;
        if (j < i)
            continue;
        out->n_tracks++;
        for (j = i; j < n; j++) {
            if (strcmp(u[j].track, u[i].track) != 0)
                continue;
            if (near[j] < 0) {
                match[j] = -1;
                continue;
            }
            seen_any = true;
            if (cur < 0 || !within(t, &u[j], cur)) {
                /* The object it followed is far away now: no hysteresis. */
                if (cur >= 0 && cur != near[j])
                    out->n_swaps++;
                cur = near[j];
                run = 0;
            } else if (near[j] != cur) {
                if (++run >= 3) {
                    cur = near[j];
                    run = 0;
                    out->n_swaps++;
                }
            } else {
                run = 0;
            }
            match[j] = cur;
        }
        if (!seen_any)
            out->n_false_tracks++;
    }
    for (i = 0; i < t->n_obj; i++)
        if (t->obj[i].kind == GS_OBJ_WARHEAD)
            out->n++;
    out->o = gs_calloc(out->n + 1, sizeof(*out->o));
    out->n = 0;
    for (i = 0; i < t->n_obj && rc == 0; i++) {
        struct gs_eval_object *e;

        if (t->obj[i].kind != GS_OBJ_WARHEAD)
            continue;
        e = &out->o[out->n++];
        rc = score_object(t, (int)i, s, ns, use, c, u, n, match, e);
        {
            /* Distinct tracks matched to it. */
            size_t a, b;

            for (a = 0; a < n; a++) {
                if (match[a] != (int)i)
                    continue;
                for (b = 0; b < a; b++)
                    if (match[b] == (int)i &&
                        strcmp(u[b].track, u[a].track) == 0)
                        break;
                if (b == a)
                    e->n_tracks++;
            }
        }
    }
    gs_free(near);
    gs_free(match);
    return rc;
}

void gs_eval_free(struct gs_eval *e)
{
    size_t i;

    if (e == NULL)
        return;
    for (i = 0; i < e->n; i++)
        gs_free(e->o[i].s);
    gs_free(e->o);
    memset(e, 0, sizeof(*e));
}

void gs_eval_print(const struct gs_eval *e, FILE *out)
{
    static const char *const phases[] = {"boost", "midcourse", "re-entry"};
    size_t i, k;
    int p;

    fprintf(out, "output tracks: %d (%d matched to no object), %d swaps\n",
            e->n_tracks, e->n_false_tracks, e->n_swaps);
    for (i = 0; i < e->n; i++) {
        const struct gs_eval_object *o = &e->o[i];

        fprintf(out, "object %s: %d track(s), %zu updates\n", o->id,
                o->n_tracks, o->n);
        for (p = 0; p < 3; p++) {
            double se = 0, sb = 0, sn = 0;
            size_t c = 0, cb = 0;

            for (k = 0; k < o->n; k++) {
                if (o->s[k].phase != (enum gs_phase)p)
                    continue;
                se += o->s[k].err2;
                sn += o->s[k].nees;
                c++;
                if (o->s[k].has_bound) {
                    sb += o->s[k].bound2;
                    cb++;
                }
            }
            if (c == 0)
                continue;
            fprintf(out,
                    "  %-9s RMSE %9.1f m  bound %9.1f m  ratio %5.2f"
                    "  mean NEES %7.2f (6 expected)\n",
                    phases[p], sqrt(se / c), cb ? sqrt(sb / cb) : NAN,
                    cb ? sqrt(se / c) / sqrt(sb / cb) : NAN, sn / c);
        }
        for (k = 0; k < GS_EVAL_MISS_TIMES; k++) {
            if (o->has_miss[k])
                fprintf(out, "  impact miss at %3.0f s after launch: %.1f km\n",
                        gs_eval_miss_times[k], o->miss[k] / 1e3);
            else
                fprintf(out,
                        "  impact miss at %3.0f s after launch: no "
                        "prediction yet\n",
                        gs_eval_miss_times[k]);
        }
        if (o->has_final_miss)
            fprintf(out, "  last impact prediction: miss %.2f km\n",
                    o->final_miss / 1e3);
        if (o->n_impact > 0)
            fprintf(out, "  impact ellipse coverage: %zu of %zu (%.1f %%)\n",
                    o->n_inside, o->n_impact,
                    100.0 * (double)o->n_inside / (double)o->n_impact);
        if (o->has_launch)
            fprintf(out,
                    "  launch point: error %.1f km, %+.1f s, %s its ellipse\n",
                    o->launch_err / 1e3, o->launch_dt,
                    o->launch_inside ? "inside" : "outside");
        if (o->detected)
            fprintf(out, "  first detection %.1f s after launch", o->t_detect);
        if (o->has_confident)
            fprintf(out, "; impact ellipse under 50 km %.1f s after it",
                    o->t_confident - o->t_detect);
        if (o->detected)
            fputc('\n', out);
    }
}
