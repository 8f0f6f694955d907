/*
 * plot.c - reading and writing radar plots; see plot.h.
 */
#include "track/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "track/jline.h"

#define MAX_RANGE_RATE 20000.0

static int check(const struct gs_plot *p, const struct gs_sensor *s,
                 size_t n_sensors, char *why, size_t n, const char **field)
{
    const struct gs_sensor *se;

    *field = NULL;
    if (p->sensor < 0 || (size_t)p->sensor >= n_sensors) {
        *field = "sensor";
        snprintf(why, n, "unknown sensor");
        return GS_ERR_INVALID;
    }
    se = &s[p->sensor];
    if (!isfinite(p->range) || p->range <= 0 || p->range > 2 * se->max_range) {
        *field = "range";
        snprintf(why, n,
                 "range %g is impossible: it must be a positive "
                 "number of metres, at most twice the %s maximum of %g m",
                 p->range, se->id, se->max_range);
        return GS_ERR_INVALID;
    }
    if (!isfinite(p->az) || fabs(p->az) > 2 * GS_PI) {
        *field = "azimuth";
        snprintf(why, n,
                 "azimuth %g is impossible: it must be in radians, "
                 "between -2 pi and 2 pi",
                 p->az);
        return GS_ERR_INVALID;
    }
    if (!isfinite(p->el) || fabs(p->el) > GS_PI / 2) {
        *field = "elevation";
        snprintf(why, n,
                 "elevation %g is impossible: it must be in radians, "
                 "between -pi/2 and pi/2",
                 p->el);
        return GS_ERR_INVALID;
    }
    if (p->has_rr && (!isfinite(p->rr) || fabs(p->rr) > MAX_RANGE_RATE)) {
        *field = "range_rate";
        snprintf(why, n,
                 "range_rate %g is impossible: it must be in metres "
                 "per second, under %g in size",
                 p->rr, MAX_RANGE_RATE);
        return GS_ERR_INVALID;
    }
    if (p->has_rr && se->sigma_rr <= 0) {
        *field = "range_rate";
        snprintf(why, n,
                 "sensor %s does not measure range rate (its "
                 "sensors-file entry has no sigma_range_rate)",
                 se->id);
        return GS_ERR_INVALID;
    }
    return 0;
}

int gs_plot_check(const struct gs_plot *p, const struct gs_sensor *s,
                  size_t n_sensors, char *why, size_t n)
{
    const char *field;

    return check(p, s, n_sensors, why, n, &field);
}

/* A number member that must be finite (JSON cannot say NaN, but a huge
 * exponent overflows to infinity in some readers; be sure). */
static int number(struct gs_jline *jl, const json_t *o, const char *key,
                  bool required, double *out, bool *present)
{
    int rc = gs_json_number(&jl->c, o, key, required, out, present);

    if (rc == 0 && (present == NULL || *present) && !isfinite(*out)) {
        gs_jline_error(jl, o, key, "\"%s\" must be a finite number", key);
        rc = GS_ERR_INVALID;
    }
    return rc;
}

int gs_plot_parse(const char *text, size_t len, const char *file, unsigned line,
                  const struct gs_sensor *s, size_t n, struct gs_plot *out,
                  struct gs_diag *d)
{
    static const char *const allowed[] = {
        "time", "sensor", "range", "azimuth", "elevation", "range_rate", NULL};
    struct gs_jline jl;
    struct gs_plot p;
    const json_t *o;
    const char *sensor = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    rc = gs_jline_parse(&jl, file, line, text, len, d);
    if (rc < 0)
        goto out;
    o = jl.doc.root;
    rc = gs_json_object(&jl.c, o, "plot", allowed);
    if (rc == 0)
        rc = gs_json_time(&jl.c, o, "time", true, &p.time, NULL);
    if (rc == 0)
        rc = gs_json_string(&jl.c, o, "sensor", true, &sensor);
    if (rc == 0) {
        p.sensor = gs_sensor_find(s, n, sensor);
        if (p.sensor < 0) {
            gs_jline_error(&jl, o, "sensor",
                           "unknown sensor \"%s\"; it is not in the sensors "
                           "file",
                           sensor);
            rc = GS_ERR_INVALID;
        }
    }
    if (rc == 0)
        rc = number(&jl, o, "range", true, &p.range, NULL);
    if (rc == 0)
        rc = number(&jl, o, "azimuth", true, &p.az, NULL);
    if (rc == 0)
        rc = number(&jl, o, "elevation", true, &p.el, NULL);
    if (rc == 0)
        rc = number(&jl, o, "range_rate", false, &p.rr, &p.has_rr);
    if (rc == 0) {
        char why[256];
        const char *field;

        rc = check(&p, s, n, why, sizeof(why), &field);
        if (rc < 0)
            gs_jline_error(&jl, o, field, "%s", why);
    }
    if (rc == 0) {
        if (p.az < 0)
            p.az += 2 * GS_PI;
        if (p.az >= 2 * GS_PI)
            p.az -= 2 * GS_PI;
        *out = p;
    }
out:
    gs_jline_done(&jl);
    return rc;
}

int gs_plot_write(struct gs_buf *b, const struct gs_plot *p,
                  const struct gs_sensor *s)
{
    char t[GS_TIME_STRLEN];
    int rc = gs_time_format(p->time, t, sizeof(t));

    if (rc < 0)
        return rc;
    rc = gs_buf_printf(b,
                       "{\"time\":\"%s\",\"sensor\":\"%s\",\"range\":%.17g,"
                       "\"azimuth\":%.17g,\"elevation\":%.17g",
                       t, s->id, p->range, p->az, p->el);
    if (rc == 0 && p->has_rr)
        rc = gs_buf_printf(b, ",\"range_rate\":%.17g", p->rr);
    if (rc == 0)
        rc = gs_buf_append_str(b, "}\n");
    return rc;
}

void gs_plot_meas(const struct gs_plot *p, const struct gs_sensor *s,
                  struct gs_meas *m)
{
    gs_sensor_noise(s, m);
    if (!p->has_rr)
        m->m = 3; /* noise R of a 3 x 3 is the top-left block: re-pack */
    if (m->m == 3 && s->sigma_rr > 0) {
        double R[GS_MEAS_MAX * GS_MEAS_MAX] = {0};
        int i, j;

        for (i = 0; i < 3; i++)
            for (j = 0; j < 3; j++)
                R[i * 3 + j] = m->R[i * 4 + j];
        memcpy(m->R, R, sizeof(R));
    }
    {
        int i;

        for (i = 0; i < m->m; i++)
            m->R[i * m->m + i] += p->extra_var[i];
    }
    m->z[GS_Z_RANGE] = p->range;
    m->z[GS_Z_AZ] = p->az;
    m->z[GS_Z_EL] = p->el;
    m->z[GS_Z_RR] = p->has_rr ? p->rr : 0;
}
