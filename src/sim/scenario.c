/*
 * scenario.c - reading scenario files; see scenario.h.
 */
#include "sim/scenario.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/json.h"
#include "policy/nation.h"

static int num(const struct gs_jctx *c, const json_t *v, const char *key,
               bool required, double def, double lo, double hi,
               const char *unit, double *out)
{
    bool present;
    int rc = gs_json_number(c, v, key, required, out, &present);

    if (rc < 0)
        return rc;
    if (!present) {
        *out = def;
        return 0;
    }
    if (!(*out >= lo && *out <= hi)) {
        struct gs_pos p = gs_jpos_member(c->doc, v, key);

        gs_diag_error(c->diag, &p, "\"%s\" must be between %g and %g%s%s", key,
                      lo, hi, unit[0] ? " " : "", unit);
        return GS_ERR_INVALID;
    }
    return 0;
}

static int stage(const struct gs_jctx *c, const json_t *v, struct gs_stage *s)
{
    static const char *const allowed[] = {"burn", "acceleration", "spent_beta",
                                          "separation_dv", NULL};
    const json_t *acc;
    int rc = gs_json_object(c, v, "stage", allowed);

    memset(s, 0, sizeof(*s));
    if (rc == 0)
        rc = num(c, v, "burn", true, 0, 1, 600, "s", &s->burn);
    if (rc == 0)
        rc = gs_json_array(c, v, "acceleration", true, &acc);
    if (rc == 0) {
        const json_t *a0 = json_array_get(acc, 0), *a1 = json_array_get(acc, 1);

        if (json_array_size(acc) != 2 || !json_is_number(a0) ||
            !json_is_number(a1) || !(json_number_value(a0) > 0) ||
            !(json_number_value(a1) >= json_number_value(a0)) ||
            json_number_value(a1) > 1000) {
            struct gs_pos p = gs_jpos_member(c->doc, v, "acceleration");

            gs_diag_error(c->diag, &p,
                          "\"acceleration\" must be [at "
                          "ignition, at burnout] in m/s^2, 0 < first <= "
                          "second <= 1000");
            rc = GS_ERR_INVALID;
        } else {
            s->a0 = json_number_value(a0);
            s->a1 = json_number_value(a1);
        }
    }
    if (rc == 0)
        rc =
            num(c, v, "spent_beta", false, 0, 0, 1e6, "kg/m^2", &s->spent_beta);
    if (rc == 0)
        rc = num(c, v, "separation_dv", false, 2, 0, 100, "m/s",
                 &s->separation_dv);
    return rc;
}

static int missile(const struct gs_jctx *c, const json_t *v,
                   struct gs_missile *m)
{
    static const char *const allowed[] = {"id", "launch", "heading", "profile",
                                          NULL};
    static const char *const launch_keys[] = {"latitude", "longitude", "height",
                                              "time", NULL};
    static const char *const profile_keys[] = {
        "vertical_time", "pitch_end", "pitch_time", "stages",
        "beta",          "debris",    NULL};
    static const char *const debris_keys[] = {"count", "dv", "beta", NULL};
    const json_t *launch, *profile, *stages, *debris;
    const char *id;
    double lat = 0, lon = 0, h = 0, count = 0;
    size_t i;
    int rc;

    memset(m, 0, sizeof(*m));
    rc = gs_json_object(c, v, "missile", allowed);
    if (rc == 0)
        rc = gs_json_string(c, v, "id", true, &id);
    if (rc == 0 && strlen(id) >= GS_SIM_ID_SIZE) {
        struct gs_pos p = gs_jpos_member(c->doc, v, "id");

        gs_diag_error(c->diag, &p,
                      "missile id \"%s\" is longer than %d characters", id,
                      GS_SIM_ID_SIZE - 1);
        rc = GS_ERR_INVALID;
    }
    if (rc < 0)
        return rc;
    memcpy(m->id, id, strlen(id) + 1);
    launch = json_object_get(v, "launch");
    profile = json_object_get(v, "profile");
    if (launch == NULL || profile == NULL) {
        struct gs_pos p = gs_jpos_value(c->doc, v);

        gs_diag_error(c->diag, &p,
                      "missile \"%s\" needs \"launch\" and \"profile\"", id);
        return GS_ERR_INVALID;
    }
    rc = gs_json_object(c, launch, "launch", launch_keys);
    if (rc == 0)
        rc = num(c, launch, "latitude", true, 0, -90, 90, "degrees", &lat);
    if (rc == 0)
        rc = num(c, launch, "longitude", true, 0, -180, 180, "degrees", &lon);
    if (rc == 0)
        rc = num(c, launch, "height", false, 0, -500, 9000, "m", &h);
    if (rc == 0)
        rc = gs_json_time(c, launch, "time", true, &m->launch_time, NULL);
    if (rc == 0)
        rc = num(c, v, "heading", true, 0, -2 * GS_PI, 2 * GS_PI, "radians",
                 &m->heading);
    if (rc == 0)
        rc = gs_json_object(c, profile, "profile", profile_keys);
    if (rc == 0)
        rc = num(c, profile, "vertical_time", false, 5, 0, 120, "s",
                 &m->vertical_time);
    if (rc == 0)
        rc = num(c, profile, "pitch_end", true, 0, -0.5, GS_PI / 2, "radians",
                 &m->pitch_end);
    if (rc == 0)
        rc = num(c, profile, "pitch_time", false, 0, 0, 1800, "s",
                 &m->pitch_time);
    if (rc == 0)
        rc = num(c, profile, "beta", false, 20000, 10, 1e6, "kg/m^2", &m->beta);
    if (rc == 0)
        rc = gs_json_array(c, profile, "stages", true, &stages);
    if (rc < 0)
        return rc;
    if (json_array_size(stages) == 0 ||
        json_array_size(stages) > GS_SIM_MAX_STAGES) {
        struct gs_pos p = gs_jpos_member(c->doc, profile, "stages");

        gs_diag_error(c->diag, &p, "\"stages\" must list 1 to %d stages",
                      GS_SIM_MAX_STAGES);
        return GS_ERR_INVALID;
    }
    for (i = 0; i < json_array_size(stages) && rc == 0; i++)
        rc = stage(c, json_array_get(stages, i), &m->stages[i]);
    m->n_stages = (int)json_array_size(stages);
    if (rc == 0) {
        double total = 0;

        for (i = 0; i < (size_t)m->n_stages; i++)
            total += m->stages[i].burn;
        if (m->pitch_time == 0 || m->pitch_time > total)
            m->pitch_time = total;
        if (m->vertical_time >= m->pitch_time) {
            struct gs_pos p = gs_jpos_member(c->doc, profile, "vertical_time");

            gs_diag_error(c->diag, &p,
                          "\"vertical_time\" must end before "
                          "the pitch-over does (%g s)",
                          m->pitch_time);
            rc = GS_ERR_INVALID;
        }
    }
    debris = json_object_get(profile, "debris");
    if (rc == 0 && debris != NULL) {
        rc = gs_json_object(c, debris, "debris", debris_keys);
        if (rc == 0)
            rc = num(c, debris, "count", false, 0, 0, 8, "", &count);
        if (rc == 0 && count != floor(count)) {
            struct gs_pos p = gs_jpos_member(c->doc, debris, "count");

            gs_diag_error(c->diag, &p, "\"count\" must be a whole number");
            rc = GS_ERR_INVALID;
        }
        if (rc == 0)
            rc = num(c, debris, "dv", false, 5, 0, 200, "m/s", &m->debris_dv);
        if (rc == 0)
            rc = num(c, debris, "beta", false, 300, 1, 1e6, "kg/m^2",
                     &m->debris_beta);
        m->n_debris = (int)count;
    }
    m->site.lat = lat * GS_DEG;
    m->site.lon = lon * GS_DEG;
    m->site.h = h;
    return rc;
}

/* Reads the scenario of a parsed document into out (zeroed first). */
static int scenario_from_doc(const struct gs_jdoc *doc, struct gs_scenario *out,
                             struct gs_diag *d)
{
    static const char *const allowed[] = {
        "name", "description", "seed",    "fusion_node",
        "late", "missiles",    "sensors", NULL};
    static const char *const late_keys[] = {"fraction", "max_delay", NULL};
    struct gs_jctx c = {doc, d};
    const json_t *root, *missiles, *late;
    const char *name, *desc, *node = NULL;
    double seed = 1;
    size_t i, j;
    int rc;

    memset(out, 0, sizeof(*out));
    root = doc->root;
    rc = gs_json_object(&c, root, "scenario", allowed);
    if (rc == 0)
        rc = gs_json_string(&c, root, "name", true, &name);
    if (rc == 0)
        rc = gs_json_string(&c, root, "description", false, &desc);
    if (rc == 0)
        rc = num(&c, root, "seed", false, 1, 0, 9007199254740991.0, "", &seed);
    if (rc == 0)
        rc = gs_json_string(&c, root, "fusion_node", false, &node);
    if (rc == 0 && node != NULL && !gs_nation_valid(node)) {
        struct gs_pos p = gs_jpos_member(doc, root, "fusion_node");

        gs_diag_error(d, &p, "\"%s\" is not a nation code", node);
        rc = GS_ERR_INVALID;
    }
    if (rc < 0)
        goto out;
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->seed = (uint64_t)seed;
    late = json_object_get(root, "late");
    if (late != NULL) {
        rc = gs_json_object(&c, late, "late", late_keys);
        if (rc == 0)
            rc = num(&c, late, "fraction", false, 0, 0, 1, "",
                     &out->late_fraction);
        if (rc == 0)
            rc = num(&c, late, "max_delay", false, 5, 0, 60, "s",
                     &out->late_max_delay);
        if (rc < 0)
            goto out;
    }
    rc = gs_json_array(&c, root, "missiles", true, &missiles);
    if (rc < 0)
        goto out;
    if (json_array_size(missiles) == 0 ||
        json_array_size(missiles) > GS_SIM_MAX_MISSILES) {
        struct gs_pos p = gs_jpos_member(doc, root, "missiles");

        gs_diag_error(d, &p, "\"missiles\" must list 1 to %d missiles",
                      GS_SIM_MAX_MISSILES);
        rc = GS_ERR_INVALID;
        goto out;
    }
    for (i = 0; i < json_array_size(missiles); i++) {
        if (missile(&c, json_array_get(missiles, i), &out->missiles[i]) < 0)
            rc = GS_ERR_INVALID;
        for (j = 0; j < i && rc == 0; j++) {
            if (strcmp(out->missiles[i].id, out->missiles[j].id) == 0) {
                struct gs_pos p = gs_jpos_element(doc, missiles, i);

                gs_diag_error(d, &p, "missile id \"%s\" is used twice",
                              out->missiles[i].id);
                rc = GS_ERR_INVALID;
            }
        }
    }
    out->n_missiles = (int)json_array_size(missiles);
    if (rc < 0)
        goto out;
    rc = gs_sensors_from_member(&c, root, true, &out->sensors, &out->n_sensors);
    if (rc < 0)
        goto out;
    if (node != NULL)
        memcpy(out->fusion_node, node, 4);
    else
        memcpy(out->fusion_node, out->sensors[0].nation, 4);
out:
    return rc;
}

int gs_scenario_parse(const char *text, size_t len, const char *file,
                      struct gs_scenario *out, struct gs_diag *d)
{
    struct gs_jdoc doc;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gs_jdoc_parse(&doc, file, text, len, d);
    if (rc == 0)
        rc = scenario_from_doc(&doc, out, d);
    gs_jdoc_free(&doc);
    return rc;
}

int gs_scenario_load(const char *path, struct gs_scenario *out,
                     struct gs_diag *d)
{
    struct gs_jdoc doc;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = gs_jdoc_load(&doc, path, GS_JSON_MAX_FILE, d);
    if (rc == 0)
        rc = scenario_from_doc(&doc, out, d);
    gs_jdoc_free(&doc);
    return rc;
}

void gs_scenario_free(struct gs_scenario *s)
{
    if (s == NULL)
        return;
    gs_free(s->sensors);
    memset(s, 0, sizeof(*s));
}

gs_time_t gs_scenario_epoch(const struct gs_scenario *s)
{
    gs_time_t t = s->missiles[0].launch_time;
    int i;

    for (i = 1; i < s->n_missiles; i++)
        if (s->missiles[i].launch_time < t)
            t = s->missiles[i].launch_time;
    return t;
}
