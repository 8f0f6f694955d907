/*
 * sensor.c - radars: the sensors file, coverage and noise; see sensor.h.
 */
#include "track/sensor.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "policy/nation.h"

static const char *const class_names[] = {"x-band", "s-band", "l-band", "uhf"};

const char *gs_radar_class_name(enum gs_radar_class c)
{
    return class_names[c];
}

void gs_sensor_class_defaults(struct gs_sensor *s, enum gs_radar_class c)
{
    /* REFERENCE.md, "Radars": orders of magnitude, our choice. Detection
     * probability, false alarms and resolution are ours too. */
    static const struct {
        double sr, sa, rate, range, minel, rres, ares;
    } d[] = {
        {10, 0.3e-3, 1.0, 1500e3, 2 * GS_DEG, 1, 0.005},
        {25, 1.0e-3, 1.0, 600e3, 2 * GS_DEG, 15, 0.03},
        {30, 1.5e-3, 0.5, 800e3, 3 * GS_DEG, 30, 0.035},
        {50, 2.0e-3, 0.2, 4000e3, 3 * GS_DEG, 75, 0.04},
    };

    s->cls = c;
    s->sigma_range = d[c].sr;
    s->sigma_az = d[c].sa;
    s->sigma_el = d[c].sa;
    s->sigma_rr = 0;
    s->update_rate = d[c].rate;
    s->max_range = d[c].range;
    s->min_elevation = d[c].minel;
    s->boresight = 0;
    s->field_of_view = 0;
    s->pd = 0.95;
    s->false_alarms = 0.05;
    s->range_resolution = d[c].rres;
    s->angle_resolution = d[c].ares;
}

static bool id_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n >= GS_SENSOR_ID_SIZE)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* A number member within [lo, hi]; absent is fine when def is not NULL. */
static int num(const struct gs_jctx *c, const json_t *v, const char *key,
               const double *def, double lo, double hi, const char *unit,
               double *out)
{
    bool present;
    /* def may point at out itself: keep the default before reading. */
    double dv = def ? *def : 0;
    int rc = gs_json_number(c, v, key, def == NULL, out, &present);

    if (rc < 0)
        return rc;
    if (!present) {
        *out = dv;
        return 0;
    }
    if (!(*out >= lo && *out <= hi)) {
        struct gs_pos p = gs_jpos_member(c->doc, v, key);

        gs_diag_error(c->diag, &p, "\"%s\" must be between %g and %g %s", key,
                      lo, hi, unit);
        return GS_ERR_INVALID;
    }
    return 0;
}

int gs_sensor_from_json(const struct gs_jctx *c, const json_t *v,
                        bool with_defaults, struct gs_sensor *out)
{
    static const char *const allowed[] = {"id",
                                          "nation",
                                          "class",
                                          "latitude",
                                          "longitude",
                                          "height",
                                          "sigma_range",
                                          "sigma_azimuth",
                                          "sigma_elevation",
                                          "sigma_range_rate",
                                          "update_rate",
                                          "max_range",
                                          "min_elevation",
                                          "boresight",
                                          "field_of_view",
                                          "detection_probability",
                                          "false_alarms",
                                          "range_resolution",
                                          "angle_resolution",
                                          NULL};
    const char *id, *nation, *cls;
    struct gs_sensor s;
    struct gs_geodetic g;
    double lat, lon, h;
    int rc, i, k = -1;

    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    rc = gs_json_object(c, v, "sensor", allowed);
    if (rc < 0)
        return rc;
    rc = gs_json_string(c, v, "id", true, &id);
    if (rc == 0 && !id_ok(id)) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "id");

        gs_diag_error(c->diag, &p,
                      "sensor id \"%s\" must be 1 to %d letters, "
                      "digits, '-', '_' or '.'",
                      id, GS_SENSOR_ID_SIZE - 1);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        rc = gs_json_string(c, v, "nation", true, &nation);
    if (rc == 0 && !gs_nation_valid(nation)) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "nation");

        gs_diag_error(c->diag, &p,
                      "\"%s\" is not an ISO 3166-1 alpha-3 "
                      "nation code such as \"JPN\"",
                      nation);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0)
        rc = gs_json_string(c, v, "class", true, &cls);
    if (rc == 0) {
        for (i = 0; i < 4; i++)
            if (strcmp(cls, class_names[i]) == 0)
                k = i;
        if (k < 0) {
            struct gs_pos p = gs_jpos_member(c->doc, v, "class");

            gs_diag_error(c->diag, &p,
                          "unknown radar class \"%s\"; expected "
                          "\"x-band\", \"s-band\", \"l-band\" or \"uhf\"",
                          cls);
            rc = GS_ERR_INVALID;
        }
    }
    if (rc < 0)
        return rc;
    gs_sensor_class_defaults(&s, (enum gs_radar_class)k);
    memcpy(s.id, id, strlen(id) + 1);
    memcpy(s.nation, nation, 4);
    rc = num(c, v, "latitude", NULL, -90, 90, "degrees", &lat);
    if (rc == 0)
        rc = num(c, v, "longitude", NULL, -180, 180, "degrees", &lon);
    if (rc == 0)
        rc = num(c, v, "height", NULL, -500, 10000, "metres", &h);
#define D(f) (with_defaults ? &s.f : NULL)
    if (rc == 0)
        rc = num(c, v, "sigma_range", D(sigma_range), 1e-3, 1e4, "metres",
                 &s.sigma_range);
    if (rc == 0)
        rc = num(c, v, "sigma_azimuth", D(sigma_az), 1e-7, 0.1, "radians",
                 &s.sigma_az);
    if (rc == 0)
        rc = num(c, v, "sigma_elevation", D(sigma_el), 1e-7, 0.1, "radians",
                 &s.sigma_el);
    if (rc == 0)
        rc = num(c, v, "sigma_range_rate", &s.sigma_rr, 1e-4, 1e3,
                 "metres per second", &s.sigma_rr);
    if (rc == 0)
        rc = num(c, v, "update_rate", D(update_rate), 1e-3, 100,
                 "scans per second", &s.update_rate);
    if (rc == 0)
        rc = num(c, v, "max_range", D(max_range), 1e3, 5e7, "metres",
                 &s.max_range);
    if (rc == 0)
        rc = num(c, v, "min_elevation", D(min_elevation), -0.1, 1.5, "radians",
                 &s.min_elevation);
#undef D
    if (rc == 0)
        rc = num(c, v, "boresight", &s.boresight, -2 * GS_PI, 2 * GS_PI,
                 "radians", &s.boresight);
    if (rc == 0)
        rc = num(c, v, "field_of_view", &s.field_of_view, 0, 2 * GS_PI,
                 "radians", &s.field_of_view);
    if (rc == 0)
        rc = num(c, v, "detection_probability", &s.pd, 0.01, 1, "", &s.pd);
    if (rc == 0)
        rc = num(c, v, "false_alarms", &s.false_alarms, 0, 100,
                 "plots per scan", &s.false_alarms);
    if (rc == 0)
        rc = num(c, v, "range_resolution", &s.range_resolution, 0, 1e5,
                 "metres", &s.range_resolution);
    if (rc == 0)
        rc = num(c, v, "angle_resolution", &s.angle_resolution, 0, 1, "radians",
                 &s.angle_resolution);
    if (rc < 0)
        return rc;
    g.lat = lat * GS_DEG;
    g.lon = lon * GS_DEG;
    g.h = h;
    gs_site_init(&s.site, &g);
    *out = s;
    return 0;
}

int gs_sensors_from_json(const struct gs_jctx *c, const json_t *root,
                         bool with_defaults, struct gs_sensor **out, size_t *n)
{
    static const char *const allowed[] = {"sensors", NULL};
    int rc;

    *out = NULL;
    *n = 0;
    rc = gs_json_object(c, root, "sensors file", allowed);
    if (rc < 0)
        return rc;
    return gs_sensors_from_member(c, root, with_defaults, out, n);
}

int gs_sensors_from_member(const struct gs_jctx *c, const json_t *obj,
                           bool with_defaults, struct gs_sensor **out,
                           size_t *n)
{
    const json_t *arr, *root = obj;
    struct gs_sensor *s = NULL;
    size_t i, j, k;
    int rc;

    *out = NULL;
    *n = 0;
    rc = gs_json_array(c, root, "sensors", true, &arr);
    if (rc < 0)
        return rc;
    k = json_array_size(arr);
    if (k == 0 || k > GS_SENSORS_MAX) {
        struct gs_pos p = gs_jpos_member(c->doc, root, "sensors");

        gs_diag_error(c->diag, &p, "\"sensors\" must list 1 to %d radars",
                      GS_SENSORS_MAX);
        return GS_ERR_INVALID;
    }
    s = gs_calloc(k, sizeof(*s));
    for (i = 0; i < k; i++) {
        if (gs_sensor_from_json(c, json_array_get(arr, i), with_defaults,
                                &s[i]) < 0) {
            rc = GS_ERR_INVALID;
            continue;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(s[j].id, s[i].id) == 0) {
                struct gs_pos p = gs_jpos_element(c->doc, arr, i);

                gs_diag_error(c->diag, &p, "sensor id \"%s\" is used twice",
                              s[i].id);
                rc = GS_ERR_INVALID;
            }
        }
    }
    if (rc < 0) {
        gs_free(s);
        return rc;
    }
    *out = s;
    *n = k;
    return 0;
}

int gs_sensors_load(const char *path, struct gs_sensor **out, size_t *n,
                    struct gs_diag *d)
{
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, d};
    int rc = gs_jdoc_load(&doc, path, GS_JSON_MAX_FILE, d);

    *out = NULL;
    *n = 0;
    if (rc == 0)
        rc = gs_sensors_from_json(&c, doc.root, false, out, n);
    gs_jdoc_free(&doc);
    return rc;
}

json_t *gs_sensors_to_json(const struct gs_sensor *s, size_t n)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; i < n; i++) {
        json_t *o = json_object();

        json_object_set_new(o, "id", json_string(s[i].id));
        json_object_set_new(o, "nation", json_string(s[i].nation));
        json_object_set_new(o, "class", json_string(class_names[s[i].cls]));
        json_object_set_new(o, "latitude", json_real(s[i].site.g.lat / GS_DEG));
        json_object_set_new(o, "longitude",
                            json_real(s[i].site.g.lon / GS_DEG));
        json_object_set_new(o, "height", json_real(s[i].site.g.h));
        json_object_set_new(o, "sigma_range", json_real(s[i].sigma_range));
        json_object_set_new(o, "sigma_azimuth", json_real(s[i].sigma_az));
        json_object_set_new(o, "sigma_elevation", json_real(s[i].sigma_el));
        if (s[i].sigma_rr > 0)
            json_object_set_new(o, "sigma_range_rate",
                                json_real(s[i].sigma_rr));
        json_object_set_new(o, "update_rate", json_real(s[i].update_rate));
        json_object_set_new(o, "max_range", json_real(s[i].max_range));
        json_object_set_new(o, "min_elevation", json_real(s[i].min_elevation));
        if (s[i].field_of_view > 0) {
            json_object_set_new(o, "boresight", json_real(s[i].boresight));
            json_object_set_new(o, "field_of_view",
                                json_real(s[i].field_of_view));
        }
        json_object_set_new(o, "detection_probability", json_real(s[i].pd));
        json_object_set_new(o, "false_alarms", json_real(s[i].false_alarms));
        json_object_set_new(o, "range_resolution",
                            json_real(s[i].range_resolution));
        json_object_set_new(o, "angle_resolution",
                            json_real(s[i].angle_resolution));
        json_array_append_new(arr, o);
    }
    return json_pack("{s:o}", "sensors", arr);
}

int gs_sensor_find(const struct gs_sensor *s, size_t n, const char *id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(s[i].id, id) == 0)
            return (int)i;
    return -1;
}

bool gs_sensor_sees(const struct gs_sensor *s, const double r[3], double z[3])
{
    const double kR = 4.0 / 3.0 * 6371000.0;
    double x[6] = {r[0], r[1], r[2], 0, 0, 0}, m[4];
    double us[3], ut[3], ns, nt, cosang, theta, rs, rt, el_eff;
    struct gs_geodetic gt;
    int i;

    gs_radar_measure(&s->site, x, m, NULL);
    if (z != NULL) {
        z[0] = m[GS_Z_RANGE];
        z[1] = m[GS_Z_AZ];
        z[2] = m[GS_Z_EL];
    }
    if (m[GS_Z_RANGE] > s->max_range || m[GS_Z_RANGE] < 100)
        return false;
    if (s->field_of_view > 0 && s->field_of_view < 2 * GS_PI &&
        fabs(gs_angle_wrap(m[GS_Z_AZ] - s->boresight)) > s->field_of_view / 2)
        return false;
    /* Elevation over the effective Earth: the central angle between site
     * and target scaled by R / kR, the heights kept. */
    ns = sqrt(s->site.ecef[0] * s->site.ecef[0] +
              s->site.ecef[1] * s->site.ecef[1] +
              s->site.ecef[2] * s->site.ecef[2]);
    nt = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    for (i = 0; i < 3; i++) {
        us[i] = s->site.ecef[i] / ns;
        ut[i] = r[i] / nt;
    }
    cosang = us[0] * ut[0] + us[1] * ut[1] + us[2] * ut[2];
    if (cosang > 1)
        cosang = 1;
    theta = acos(cosang) * 6371000.0 / kR;
    gs_ecef_to_geodetic(r, &gt);
    rs = kR + s->site.g.h;
    rt = kR + gt.h;
    el_eff = atan2(rt * cos(theta) - rs, rt * sin(theta));
    return el_eff >= s->min_elevation;
}

void gs_sensor_noise(const struct gs_sensor *s, struct gs_meas *m)
{
    memset(m, 0, sizeof(*m));
    m->m = s->sigma_rr > 0 ? 4 : 3;
    m->R[0] = s->sigma_range * s->sigma_range;
    m->R[m->m + 1] = s->sigma_az * s->sigma_az;
    m->R[2 * m->m + 2] = s->sigma_el * s->sigma_el;
    if (m->m == 4)
        m->R[15] = s->sigma_rr * s->sigma_rr;
    m->angle[GS_Z_AZ] = true;
}
