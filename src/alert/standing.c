/*
 * standing.c - standing civil warnings as JSON; see standing.h.
 */
#include "alert/standing.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

static bool standing_ok(const struct gs_standing *s)
{
    const struct gs_warning *g = &s->said;
    size_t i;

    if (!gs_warning_may_stand(g) || s->n_refs < 1 ||
        s->n_refs > GS_CAP_MAX_REFS ||
        strnlen(g->track_id, sizeof(g->track_id)) == 0 ||
        strnlen(g->track_id, sizeof(g->track_id)) == sizeof(g->track_id))
        return false;
    for (i = 0; i < s->n_refs; i++)
        if (!gs_cap_id_ok(s->refs[i].sender) ||
            !gs_cap_id_ok(s->refs[i].identifier) || s->refs[i].sent <= 0)
            return false;
    for (i = 0; i < (size_t)g->n_areas; i++)
        if (strnlen(g->areas[i].code, sizeof(g->areas[i].code)) == 0 ||
            strnlen(g->areas[i].code, sizeof(g->areas[i].code)) ==
                sizeof(g->areas[i].code) ||
            strnlen(g->areas[i].name, sizeof(g->areas[i].name)) ==
                sizeof(g->areas[i].name))
            return false;
    return true;
}

/* Sets key of o to v (taking it); false when v could not be made. */
static bool put(json_t *o, const char *key, json_t *v)
{
    return v != NULL && json_object_set_new(o, key, v) == 0;
}

/* One warning as JSON, or NULL when a string is not UTF-8 (or memory ran
 * out). */
static json_t *one(const struct gs_standing *s)
{
    const struct gs_warning *g = &s->said;
    json_t *o = json_object(), *areas = json_array(), *refs = json_array();
    bool ok = o != NULL && areas != NULL && refs != NULL;
    size_t i;

    for (i = 0; ok && i < (size_t)g->n_areas; i++)
        ok = json_array_append_new(areas, json_pack("[ss]", g->areas[i].code,
                                                    g->areas[i].name)) == 0;
    for (i = 0; ok && i < s->n_refs; i++)
        ok = json_array_append_new(refs,
                                   json_pack("[ssI]", s->refs[i].sender,
                                             s->refs[i].identifier,
                                             (json_int_t)s->refs[i].sent)) == 0;
    ok =
        ok && put(o, "warning", json_integer(g->warning)) &&
        put(o, "number", json_integer(g->number)) &&
        put(o, "type", json_string(gs_warning_type_name(g->type))) &&
        put(o, "situation", json_string(gs_cap_situation_name(g->situation))) &&
        put(o, "track", json_string(g->track_id)) &&
        put(o, "based_on", json_integer(g->based_on)) &&
        put(o, "launch_time", json_integer(g->launch_time)) &&
        put(o, "impact_time", json_integer(g->impact_time)) &&
        put(o, "areas", json_incref(areas)) &&
        put(o, "refs", json_incref(refs));
    json_decref(areas);
    json_decref(refs);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int gs_standing_write(const struct gs_standing *s, size_t n, struct gs_buf *b)
{
    json_t *root, *list;
    char *text;
    size_t i;
    int rc;

    for (i = 0; i < n; i++)
        if (!standing_ok(&s[i]))
            return GS_ERR_INVALID;
    root = json_object();
    list = json_array();
    for (i = 0; i < n; i++)
        if (json_array_append_new(list, one(&s[i])) < 0)
            break;
    json_object_set_new(root, "version", json_integer(GS_STANDING_VERSION));
    json_object_set_new(root, "warnings", list);
    /* A name that is not UTF-8 makes its warning fail: refused whole. */
    text = i == n ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (text == NULL)
        return GS_ERR_INVALID;
    rc = gs_buf_append(b, text, strlen(text));
    free(text);
    return rc;
}

static int fail(char *why, size_t size, size_t k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t size, size_t k, const char *fmt, ...)
{
    va_list ap;
    int used = snprintf(why, size, "warning %zu: ", k + 1);

    va_start(ap, fmt);
    if (used >= 0 && (size_t)used < size)
        vsnprintf(why + used, size - (size_t)used, fmt, ap);
    va_end(ap);
    return GS_ERR_INVALID;
}

/* (Strings hold no NUL: the text is parsed without JSON_ALLOW_NUL.) */
static bool str_into(const json_t *v, char *out, size_t size)
{
    const char *t = json_string_value(v);
    size_t len = t != NULL ? json_string_length(v) : 0;

    if (t == NULL || len >= size)
        return false;
    memcpy(out, t, len + 1);
    return true;
}

static bool time_of(const json_t *o, const char *key, gs_time_t *out)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > GS_TIME_MAX)
        return false;
    *out = (gs_time_t)json_integer_value(v);
    return true;
}

static bool count_of(const json_t *o, const char *key, unsigned *out)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > 1000000000)
        return false;
    *out = (unsigned)json_integer_value(v);
    return true;
}

static bool situation_of(const char *name, enum gs_cap_situation *out)
{
    int k;

    for (k = GS_CAP_LAUNCHED; name != NULL && k <= GS_CAP_LOST; k++)
        if (strcmp(gs_cap_situation_name((enum gs_cap_situation)k), name) ==
            0) {
            *out = (enum gs_cap_situation)k;
            return true;
        }
    return false;
}

static int read_one(const json_t *o, size_t k, struct gs_standing *s, char *why,
                    size_t size)
{
    static const char *const keys[] = {
        "warning",  "number",      "type",        "situation", "track",
        "based_on", "launch_time", "impact_time", "areas",     "refs"};
    struct gs_warning *g = &s->said;
    const json_t *areas, *refs, *v;
    const char *type, *key;
    size_t i, j;

    memset(s, 0, sizeof(*s));
    if (!json_is_object(o))
        return fail(why, size, k, "not an object");
    json_object_foreach((json_t *)o, key, v)
    {
        for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
            if (strcmp(key, keys[j]) == 0)
                break;
        if (j == sizeof(keys) / sizeof(keys[0]))
            return fail(why, size, k, "unknown member \"%.32s\"", key);
    }
    type = json_string_value(json_object_get(o, "type"));
    if (!count_of(o, "warning", &g->warning) ||
        !count_of(o, "number", &g->number))
        return fail(why, size, k, "warning and number must be 1 or more");
    if (type != NULL && strcmp(type, "Alert") == 0)
        g->type = GS_WARNING_ALERT;
    else if (type != NULL && strcmp(type, "Update") == 0)
        g->type = GS_WARNING_UPDATE;
    else
        return fail(why, size, k, "type must be \"Alert\" or \"Update\"");
    if (!situation_of(json_string_value(json_object_get(o, "situation")),
                      &g->situation))
        return fail(why, size, k, "unknown situation");
    if (!str_into(json_object_get(o, "track"), g->track_id,
                  sizeof(g->track_id)))
        return fail(why, size, k, "track must be a short string");
    if (!time_of(o, "based_on", &g->based_on) ||
        !time_of(o, "launch_time", &g->launch_time) ||
        !time_of(o, "impact_time", &g->impact_time))
        return fail(why, size, k,
                    "based_on, launch_time and impact_time must be "
                    "microseconds since 1970");
    areas = json_object_get(o, "areas");
    if (!json_is_array(areas) || json_array_size(areas) < 1 ||
        json_array_size(areas) > GS_WARNING_AREAS_MAX)
        return fail(why, size, k, "areas must list 1 to %d areas",
                    GS_WARNING_AREAS_MAX);
    json_array_foreach(areas, i, v)
    {
        if (!json_is_array(v) || json_array_size(v) != 2 ||
            !str_into(json_array_get(v, 0), g->areas[i].code,
                      sizeof(g->areas[i].code)) ||
            !str_into(json_array_get(v, 1), g->areas[i].name,
                      sizeof(g->areas[i].name)))
            return fail(why, size, k, "area %zu must be [code, name]", i + 1);
    }
    g->n_areas = (int)json_array_size(areas);
    refs = json_object_get(o, "refs");
    if (!json_is_array(refs) || json_array_size(refs) < 1 ||
        json_array_size(refs) > GS_CAP_MAX_REFS)
        return fail(why, size, k, "refs must list 1 to %d messages",
                    GS_CAP_MAX_REFS);
    json_array_foreach(refs, i, v)
    {
        const json_t *sent = json_array_get(v, 2);

        if (!json_is_array(v) || json_array_size(v) != 3 ||
            !str_into(json_array_get(v, 0), s->refs[i].sender,
                      sizeof(s->refs[i].sender)) ||
            !str_into(json_array_get(v, 1), s->refs[i].identifier,
                      sizeof(s->refs[i].identifier)) ||
            !json_is_integer(sent) || json_integer_value(sent) > GS_TIME_MAX)
            return fail(why, size, k,
                        "ref %zu must be [sender, identifier, sent]", i + 1);
        s->refs[i].sent = (gs_time_t)json_integer_value(sent);
    }
    s->n_refs = json_array_size(refs);
    if (!standing_ok(s))
        return fail(why, size, k,
                    "not a standing warning (a closing message, an Alert "
                    "that is not launched, or a reference that is not a "
                    "CAP identifier)");
    return 0;
}

int gs_standing_read(const char *text, size_t len, struct gs_standing *out,
                     size_t max, size_t *n, char *why, size_t why_size)
{
    json_error_t err;
    json_t *root, *list, *v;
    size_t i;
    int rc = 0;

    *n = 0;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        snprintf(why, why_size, "not JSON (%s, at byte %d)", err.text,
                 err.position);
        return GS_ERR_INVALID;
    }
    list = json_object_get(root, "warnings");
    if (!json_is_object(root) || json_object_size(root) != 2 ||
        !json_is_integer(json_object_get(root, "version")) ||
        json_integer_value(json_object_get(root, "version")) !=
            GS_STANDING_VERSION ||
        !json_is_array(list)) {
        snprintf(why, why_size,
                 "expected {\"version\": %d, \"warnings\": [...]}",
                 GS_STANDING_VERSION);
        rc = GS_ERR_INVALID;
    } else if (json_array_size(list) > max) {
        snprintf(why, why_size, "%zu warnings, more than %zu",
                 json_array_size(list), max);
        rc = GS_ERR_INVALID;
    }
    json_array_foreach(list, i, v)
    {
        if (rc < 0)
            break;
        rc = read_one(v, i, &out[i], why, why_size);
    }
    if (rc == 0)
        *n = json_array_size(list);
    json_decref(root);
    return rc;
}
