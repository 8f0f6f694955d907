/*
 * path.c - the predicted ground path; see path.h.
 */
#include "alert/path.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "track/dyn.h"
#include "track/est.h"
#include "track/geo.h"

/* The horizontal 1-sigma of a 3 x 3 block (position or velocity) at r:
 * the root of the trace of its east-north part. */
static double horizontal_sigma(const double P[36], int off,
                               const struct gs_geodetic *g)
{
    double m[9], s = 0;
    int row, i, j;

    gs_enu_matrix(g->lat, g->lon, m);
    for (row = 0; row < 2; row++)
        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++)
                s += m[row * 3 + i] * P[(off + i) * 6 + off + j] *
                     m[row * 3 + j];
    return sqrt(s > 0 ? s : 0);
}

static void point_at(const double x[7], double t, double sp, double sv,
                     struct gs_path_point *p)
{
    struct gs_geodetic g;
    double r;

    gs_ecef_to_geodetic(x, &g);
    p->lat = g.lat / GS_DEG;
    p->lon = g.lon / GS_DEG;
    p->height = g.h;
    p->t = t;
    r = 3 * sqrt(sp * sp + sv * sv * t * t);
    p->radius = r < GS_PATH_RADIUS_MIN   ? GS_PATH_RADIUS_MIN
                : r > GS_PATH_RADIUS_MAX ? GS_PATH_RADIUS_MAX
                                         : r;
}

int gs_path_predict(const struct gs_track_update *u, double step,
                    double max_time, struct gs_path_point *out, size_t max,
                    size_t *n)
{
    struct gs_dyn boost, ballistic;
    struct gs_est_config c;
    struct gs_geodetic g;
    double x[7], sp, sv, t = 0;

    *n = 0;
    if (max == 0 || !(step > 0))
        return GS_ERR_INVALID;
    gs_est_config_default(&c);
    gs_est_models(&boost, &ballistic);
    memcpy(x, u->x, 6 * sizeof(double));
    x[6] = u->has_kappa ? u->kappa : c.kappa0;
    gs_ecef_to_geodetic(x, &g);
    if (!isfinite(g.lat) || !isfinite(g.lon))
        return GS_ERR_INVALID;
    sp = horizontal_sigma(u->P, 0, &g);
    sv = horizontal_sigma(u->P, 3, &g);
    point_at(x, 0, sp, sv, &out[(*n)++]);
    while (*n < max && t < max_time && out[*n - 1].height > 0) {
        if (gs_dyn_propagate(&ballistic, x, 7, step, NULL) < 0)
            break;
        t += step;
        point_at(x, t, sp, sv, &out[*n]);
        if (out[*n].height <= 0) {
            /* The ground is crossed in this step: end the path there. */
            struct gs_path_point *a = &out[*n - 1], *b = &out[*n];
            double f = a->height / (a->height - b->height), dlon;

            dlon = b->lon - a->lon;
            if (dlon > 180)
                dlon -= 360;
            else if (dlon < -180)
                dlon += 360;
            b->lat = a->lat + f * (b->lat - a->lat);
            b->lon = a->lon + f * dlon;
            if (b->lon > 180)
                b->lon -= 360;
            else if (b->lon <= -180)
                b->lon += 360;
            b->t = a->t + f * step;
            b->height = 0;
        }
        (*n)++;
    }
    return 0;
}
