/*
 * update.c - track updates as JSON lines; see update.h.
 */
#include "track/update.h"

#include <math.h>
#include <string.h>

#include "base/err.h"
#include "policy/nation.h"
#include "track/jline.h"
#include "track/mat.h"

static const char *const status_names[] = {"confirmed", "lost"};
static const char *const phase_names[] = {"boost", "midcourse", "re-entry"};

void gs_ellipse_from_cov(const double C[4], struct gs_ellipse *e)
{
    double val[2], vec[4], o;

    gs_mat_eig2(C, val, vec);
    e->semi_major = sqrt((val[0] > 0 ? val[0] : 0) * GS_CHI2_2_95);
    e->semi_minor = sqrt((val[1] > 0 ? val[1] : 0) * GS_CHI2_2_95);
    /* The major axis (east vec[0], north vec[2]) as an azimuth. */
    o = atan2(vec[0], vec[2]);
    if (o < 0)
        o += GS_PI;
    if (o >= GS_PI)
        o -= GS_PI;
    e->orientation = o;
}

void gs_ellipse_to_cov(const struct gs_ellipse *e, double C[4])
{
    double a2 = e->semi_major * e->semi_major / GS_CHI2_2_95;
    double b2 = e->semi_minor * e->semi_minor / GS_CHI2_2_95;
    double u[2] = {sin(e->orientation), cos(e->orientation)};
    double w[2] = {cos(e->orientation), -sin(e->orientation)};
    int i, j;

    for (i = 0; i < 2; i++)
        for (j = 0; j < 2; j++)
            C[i * 2 + j] = a2 * u[i] * u[j] + b2 * w[i] * w[j];
}

static int put_time(struct gs_buf *b, const char *key, gs_time_t t)
{
    char s[GS_TIME_STRLEN];
    int rc = gs_time_format(t, s, sizeof(s));

    if (rc == 0)
        rc = gs_buf_printf(b, "\"%s\":\"%s\"", key, s);
    return rc;
}

static int put_ground(struct gs_buf *b, const char *key,
                      const struct gs_ground_point *g)
{
    int rc =
        gs_buf_printf(b, ",\"%s\":{\"latitude\":%.17g,\"longitude\":%.17g,",
                      key, g->lat, g->lon);

    if (rc == 0)
        rc = put_time(b, "time", g->time);
    if (rc == 0)
        rc = gs_buf_printf(b,
                           ",\"time_sigma\":%.17g,\"ellipse\":{"
                           "\"semi_major\":%.17g,\"semi_minor\":%.17g,"
                           "\"orientation\":%.17g}}",
                           g->time_sigma, g->ellipse.semi_major,
                           g->ellipse.semi_minor, g->ellipse.orientation);
    return rc;
}

int gs_track_update_write(const struct gs_track_update *u, struct gs_buf *b)
{
    int rc, i, j;

    rc = gs_buf_append_str(b, "{");
    if (rc == 0)
        rc = put_time(b, "time", u->time);
    if (rc == 0)
        rc = gs_buf_printf(b,
                           ",\"track\":\"%s\",\"nation\":\"%s\",\"sources\":[",
                           u->track, u->nation);
    for (i = 0; i < u->n_sources && rc == 0; i++)
        rc = gs_buf_printf(b, "%s\"%s\"", i ? "," : "", u->sources[i]);
    if (rc == 0)
        rc =
            gs_buf_printf(b,
                          "],\"status\":\"%s\",\"phase\":\"%s\","
                          "\"position\":[%.17g,%.17g,%.17g],"
                          "\"velocity\":[%.17g,%.17g,%.17g],"
                          "\"covariance\":[",
                          status_names[u->status], phase_names[u->phase],
                          u->x[0], u->x[1], u->x[2], u->x[3], u->x[4], u->x[5]);
    for (i = 0; i < 6 && rc == 0; i++) {
        rc = gs_buf_append_str(b, i ? ",[" : "[");
        for (j = 0; j < 6 && rc == 0; j++)
            rc = gs_buf_printf(b, "%s%.17g", j ? "," : "", u->P[i * 6 + j]);
        if (rc == 0)
            rc = gs_buf_append_str(b, "]");
    }
    if (rc == 0)
        rc = gs_buf_printf(b,
                           "],\"geodetic\":{\"latitude\":%.17g,"
                           "\"longitude\":%.17g,\"height\":%.17g}",
                           u->lat, u->lon, u->h);
    if (rc == 0 && u->has_kappa)
        rc = gs_buf_printf(b,
                           ",\"inverse_ballistic_coefficient\":{"
                           "\"value\":%.17g,\"sigma\":%.17g}",
                           u->kappa, u->kappa_sigma);
    if (rc == 0 && u->launch.valid)
        rc = put_ground(b, "launch", &u->launch);
    if (rc == 0 && u->impact.valid)
        rc = put_ground(b, "impact", &u->impact);
    if (rc == 0 && u->has_apogee) {
        rc = gs_buf_printf(b, ",\"apogee\":{\"height\":%.17g,",
                           u->apogee_height);
        if (rc == 0)
            rc = put_time(b, "time", u->apogee_time);
        if (rc == 0)
            rc = gs_buf_append_str(b, "}");
    }
    if (rc == 0)
        rc = gs_buf_append_str(b, "}\n");
    return rc;
}

/* ---------------------------------------------------------------- reader */

static int finite_num(struct gs_jline *jl, const json_t *o, const char *key,
                      bool required, double lo, double hi, double *out,
                      bool *present)
{
    int rc = gs_json_number(&jl->c, o, key, required, out, present);

    if (rc < 0 || (present != NULL && !*present))
        return rc;
    if (!isfinite(*out) || *out < lo || *out > hi) {
        gs_jline_error(jl, o, key, "\"%s\" must be a number between %g and %g",
                       key, lo, hi);
        return GS_ERR_INVALID;
    }
    return 0;
}

static int numbers(struct gs_jline *jl, const json_t *o, const char *key,
                   size_t n, double lim, double *out)
{
    const json_t *arr;
    size_t i;
    int rc = gs_json_array(&jl->c, o, key, true, &arr);

    if (rc < 0)
        return rc;
    if (json_array_size(arr) != n) {
        gs_jline_error(jl, o, key, "\"%s\" must hold %zu numbers", key, n);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        double v = json_number_value(e);

        if (!json_is_number(e) || !isfinite(v) || fabs(v) > lim) {
            gs_jline_error(jl, o, key,
                           "element %zu of \"%s\" must be a "
                           "finite number under %g in size",
                           i + 1, key, lim);
            return GS_ERR_INVALID;
        }
        out[i] = v;
    }
    return 0;
}

static int covariance(struct gs_jline *jl, const json_t *o, double *P)
{
    const json_t *arr;
    size_t i, j;
    int rc = gs_json_array(&jl->c, o, "covariance", true, &arr);

    if (rc < 0)
        return rc;
    if (json_array_size(arr) != 6) {
        gs_jline_error(jl, o, "covariance",
                       "\"covariance\" must hold 6 rows of 6 numbers");
        return GS_ERR_INVALID;
    }
    for (i = 0; i < 6; i++) {
        const json_t *row = json_array_get(arr, i);

        if (!json_is_array(row) || json_array_size(row) != 6) {
            gs_jline_error(jl, o, "covariance",
                           "row %zu of \"covariance\" must hold 6 numbers",
                           i + 1);
            return GS_ERR_INVALID;
        }
        for (j = 0; j < 6; j++) {
            const json_t *e = json_array_get(row, j);
            double v = json_number_value(e);

            if (!json_is_number(e) || !isfinite(v) || fabs(v) > 1e30) {
                gs_jline_error(jl, o, "covariance",
                               "covariance element "
                               "(%zu, %zu) must be a finite number",
                               i + 1, j + 1);
                return GS_ERR_INVALID;
            }
            P[i * 6 + j] = v;
        }
    }
    for (i = 0; i < 6; i++) {
        if (!(P[i * 6 + i] > 0)) {
            gs_jline_error(jl, o, "covariance",
                           "covariance diagonal element %zu must be positive",
                           i + 1);
            return GS_ERR_INVALID;
        }
        for (j = 0; j < i; j++) {
            double scale = sqrt(P[i * 6 + i] * P[j * 6 + j]);

            if (fabs(P[i * 6 + j] - P[j * 6 + i]) > 1e-9 * scale ||
                fabs(P[i * 6 + j]) > scale * (1 + 1e-9)) {
                gs_jline_error(jl, o, "covariance",
                               "covariance is not "
                               "symmetric or not a covariance at (%zu, %zu)",
                               i + 1, j + 1);
                return GS_ERR_INVALID;
            }
        }
    }
    return 0;
}

static int one_of(struct gs_jline *jl, const json_t *o, const char *key,
                  const char *const *names, int n, int *out)
{
    const char *s;
    int i, rc = gs_json_string(&jl->c, o, key, true, &s);

    *out = 0;
    if (rc < 0)
        return rc;
    for (i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    gs_jline_error(jl, o, key, "unknown %s \"%s\"", key, s);
    return GS_ERR_INVALID;
}

bool gs_track_id_valid(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n >= GS_TRACK_ID_SIZE)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static int ground(struct gs_jline *jl, const json_t *o, const char *key,
                  struct gs_ground_point *g)
{
    static const char *const keys[] = {"latitude",   "longitude", "time",
                                       "time_sigma", "ellipse",   NULL};
    static const char *const ekeys[] = {"semi_major", "semi_minor",
                                        "orientation", NULL};
    const json_t *v = json_object_get(o, key), *e;
    double lat, lon;
    int rc;

    memset(g, 0, sizeof(*g));
    if (v == NULL)
        return 0;
    rc = gs_json_object(&jl->c, v, key, keys);
    if (rc == 0)
        rc = finite_num(jl, v, "latitude", true, -90, 90, &lat, NULL);
    if (rc == 0)
        rc = finite_num(jl, v, "longitude", true, -180, 180, &lon, NULL);
    if (rc == 0)
        rc = gs_json_time(&jl->c, v, "time", true, &g->time, NULL);
    if (rc == 0)
        rc =
            finite_num(jl, v, "time_sigma", true, 0, 1e6, &g->time_sigma, NULL);
    e = json_object_get(v, "ellipse");
    if (rc == 0 && e == NULL) {
        gs_jline_error(jl, v, NULL, "\"%s\" needs an \"ellipse\"", key);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        rc = gs_json_object(&jl->c, e, "ellipse", ekeys);
    if (rc == 0)
        rc = finite_num(jl, e, "semi_major", true, 0, 4e7,
                        &g->ellipse.semi_major, NULL);
    if (rc == 0)
        rc = finite_num(jl, e, "semi_minor", true, 0, g->ellipse.semi_major,
                        &g->ellipse.semi_minor, NULL);
    if (rc == 0)
        rc = finite_num(jl, e, "orientation", true, 0, GS_PI,
                        &g->ellipse.orientation, NULL);
    if (rc < 0)
        return rc;
    g->lat = lat;
    g->lon = lon;
    g->valid = true;
    return 0;
}

int gs_track_update_parse(const char *text, size_t len, const char *file,
                          unsigned line, struct gs_track_update *out,
                          struct gs_diag *d)
{
    static const char *const keys[] = {"time",
                                       "track",
                                       "nation",
                                       "sources",
                                       "status",
                                       "phase",
                                       "position",
                                       "velocity",
                                       "covariance",
                                       "geodetic",
                                       "inverse_ballistic_coefficient",
                                       "launch",
                                       "impact",
                                       "apogee",
                                       NULL};
    static const char *const gkeys[] = {"latitude", "longitude", "height",
                                        NULL};
    static const char *const kkeys[] = {"value", "sigma", NULL};
    static const char *const akeys[] = {"height", "time", NULL};
    struct gs_jline jl;
    struct gs_track_update u;
    const json_t *o, *v, *src;
    const char *s;
    size_t i;
    int rc, k = 0;

    memset(out, 0, sizeof(*out));
    memset(&u, 0, sizeof(u));
    rc = gs_jline_parse(&jl, file, line, text, len, d);
    if (rc < 0)
        goto out;
    o = jl.doc.root;
    rc = gs_json_object(&jl.c, o, "track update", keys);
    if (rc == 0)
        rc = gs_json_time(&jl.c, o, "time", true, &u.time, NULL);
    if (rc == 0)
        rc = gs_json_string(&jl.c, o, "track", true, &s);
    if (rc == 0 && !gs_track_id_valid(s)) {
        gs_jline_error(&jl, o, "track",
                       "track id \"%s\" must be 1 to %d "
                       "letters, digits, '-', '_' or '.'",
                       s, GS_TRACK_ID_SIZE - 1);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        memcpy(u.track, s, strlen(s) + 1);
    if (rc == 0)
        rc = gs_json_string(&jl.c, o, "nation", true, &s);
    if (rc == 0 && !gs_nation_valid(s)) {
        gs_jline_error(&jl, o, "nation", "\"%s\" is not a nation code", s);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        memcpy(u.nation, s, 4);
    if (rc == 0)
        rc = gs_json_array(&jl.c, o, "sources", true, &src);
    if (rc == 0 && (json_array_size(src) == 0 ||
                    json_array_size(src) > GS_UPDATE_MAX_SOURCES)) {
        gs_jline_error(&jl, o, "sources",
                       "\"sources\" must list 1 to %d nations",
                       GS_UPDATE_MAX_SOURCES);
        rc = GS_ERR_INVALID;
    }
    for (i = 0; rc == 0 && i < json_array_size(src); i++) {
        rc = gs_json_string_at(&jl.c, src, i, &s);
        if (rc == 0 && !gs_nation_valid(s)) {
            gs_jline_error(&jl, o, "sources", "\"%s\" is not a nation code", s);
            rc = GS_ERR_INVALID;
        }
        if (rc == 0)
            memcpy(u.sources[u.n_sources++], s, 4);
    }
    if (rc == 0)
        rc = one_of(&jl, o, "status", status_names, 2, &k);
    u.status = (enum gs_track_status)k;
    if (rc == 0)
        rc = one_of(&jl, o, "phase", phase_names, 3, &k);
    u.phase = (enum gs_phase)k;
    if (rc == 0)
        rc = numbers(&jl, o, "position", 3, 1e9, u.x);
    if (rc == 0)
        rc = numbers(&jl, o, "velocity", 3, 1e5, u.x + 3);
    if (rc == 0)
        rc = covariance(&jl, o, u.P);
    v = json_object_get(o, "geodetic");
    if (rc == 0 && v == NULL) {
        gs_jline_error(&jl, o, NULL, "missing \"geodetic\"");
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        rc = gs_json_object(&jl.c, v, "geodetic", gkeys);
    if (rc == 0)
        rc = finite_num(&jl, v, "latitude", true, -90, 90, &u.lat, NULL);
    if (rc == 0)
        rc = finite_num(&jl, v, "longitude", true, -180, 180, &u.lon, NULL);
    if (rc == 0)
        rc = finite_num(&jl, v, "height", true, -1e7, 1e9, &u.h, NULL);
    v = json_object_get(o, "inverse_ballistic_coefficient");
    if (rc == 0 && v != NULL) {
        rc = gs_json_object(&jl.c, v, "inverse_ballistic_coefficient", kkeys);
        if (rc == 0)
            rc = finite_num(&jl, v, "value", true, -1, 1, &u.kappa, NULL);
        if (rc == 0)
            rc = finite_num(&jl, v, "sigma", true, 0, 1, &u.kappa_sigma, NULL);
        u.has_kappa = rc == 0;
    }
    if (rc == 0)
        rc = ground(&jl, o, "launch", &u.launch);
    if (rc == 0)
        rc = ground(&jl, o, "impact", &u.impact);
    v = json_object_get(o, "apogee");
    if (rc == 0 && v != NULL) {
        rc = gs_json_object(&jl.c, v, "apogee", akeys);
        if (rc == 0)
            rc = finite_num(&jl, v, "height", true, -1e7, 1e9, &u.apogee_height,
                            NULL);
        if (rc == 0)
            rc = gs_json_time(&jl.c, v, "time", true, &u.apogee_time, NULL);
        u.has_apogee = rc == 0;
    }
    if (rc == 0)
        *out = u;
out:
    gs_jline_done(&jl);
    return rc;
}
