/*
 * json.c - strict JSON documents with value positions; see json.h.
 *
 * Positions: jansson keeps no positions, so after a successful parse the text
 * is walked a second time, in step with the parsed tree. Object members come
 * out of jansson in insertion order (jansson >= 2.8), which is text order, so
 * the i-th member met in the text is the i-th member of the iterator. Every
 * position is recorded against (container, index) rather than against the
 * value, because jansson shares one value for all nulls and booleans.
 */
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#define POS_SELF ((size_t)-1) /* index of a container's own position */

struct gs_jpos {
    const json_t *container;
    size_t index;
    unsigned line, col;
};

struct walker {
    const unsigned char *p, *end;
    unsigned line, chars; /* chars already read on this line */
    struct gs_jpos *pos;
    size_t n_pos, cap_pos;
};

static void w_adv(struct walker *w)
{
    unsigned char c = *w->p++;

    if (c == '\n') {
        w->line++;
        w->chars = 0;
    } else if ((c & 0xC0) != 0x80) {
        w->chars++;
    }
}

static void w_ws(struct walker *w)
{
    while (w->p < w->end &&
           (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r'))
        w_adv(w);
}

static void w_record(struct walker *w, const json_t *container, size_t index)
{
    if (w->n_pos == w->cap_pos) {
        w->cap_pos = w->cap_pos ? w->cap_pos * 2 : 64;
        w->pos = gs_reallocarray(w->pos, w->cap_pos, sizeof(*w->pos));
    }
    w->pos[w->n_pos].container = container;
    w->pos[w->n_pos].index = index;
    w->pos[w->n_pos].line = w->line;
    w->pos[w->n_pos].col = w->chars + 1;
    w->n_pos++;
}

static void w_skip_string(struct walker *w)
{
    w_adv(w); /* the opening quote */
    while (w->p < w->end && *w->p != '"') {
        if (*w->p == '\\' && w->p + 1 < w->end)
            w_adv(w);
        w_adv(w);
    }
    if (w->p < w->end)
        w_adv(w);
}

/* Walks the value at w->p, which jansson parsed as v. False on mismatch. */
static bool w_value(struct walker *w, const json_t *v)
{
    size_t i = 0;

    w_ws(w);
    if (w->p >= w->end)
        return false;
    if (*w->p == '{') {
        void *it = json_object_iter((json_t *)v);

        w_record(w, v, POS_SELF);
        w_adv(w);
        for (;;) {
            w_ws(w);
            if (w->p >= w->end)
                return false;
            if (*w->p == '}') {
                w_adv(w);
                return true;
            }
            if (*w->p == ',') {
                w_adv(w);
                continue;
            }
            if (*w->p != '"' || it == NULL)
                return false;
            w_skip_string(w);
            w_ws(w);
            if (w->p >= w->end || *w->p != ':')
                return false;
            w_adv(w);
            w_ws(w);
            w_record(w, v, i++);
            if (!w_value(w, json_object_iter_value(it)))
                return false;
            it = json_object_iter_next((json_t *)v, it);
        }
    }
    if (*w->p == '[') {
        w_record(w, v, POS_SELF);
        w_adv(w);
        for (;;) {
            w_ws(w);
            if (w->p >= w->end)
                return false;
            if (*w->p == ']') {
                w_adv(w);
                return true;
            }
            if (*w->p == ',') {
                w_adv(w);
                continue;
            }
            if (i >= json_array_size(v))
                return false;
            w_record(w, v, i);
            if (!w_value(w, json_array_get(v, i)))
                return false;
            i++;
        }
    }
    if (*w->p == '"') {
        w_skip_string(w);
        return true;
    }
    while (w->p < w->end && strchr("+-.0123456789eEtruefalsn", *w->p) &&
           *w->p != '\0')
        w_adv(w);
    return true;
}

static int pos_cmp(const void *a, const void *b)
{
    const struct gs_jpos *x = a, *y = b;

    if (x->container != y->container)
        return (uintptr_t)x->container < (uintptr_t)y->container ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return 0;
}

int gs_jdoc_parse(struct gs_jdoc *doc, const char *file, const char *text,
                  size_t len, struct gs_diag *d)
{
    struct walker w;
    json_error_t err;

    memset(doc, 0, sizeof(*doc));
    doc->file = gs_strdup(file);
    doc->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (doc->root == NULL) {
        struct gs_pos p = {doc->file, err.line > 0 ? (unsigned)err.line : 0,
                           err.column > 0 ? (unsigned)err.column : 0};

        gs_diag_error(d, &p, "not valid JSON: %s", err.text);
        return GS_ERR_INVALID;
    }
    memset(&w, 0, sizeof(w));
    w.p = (const unsigned char *)text;
    w.end = w.p + len;
    w.line = 1;
    /* A mismatch cannot happen for text jansson accepted; if it did, the
     * positions found so far are still right and the rest are unknown. */
    (void)w_value(&w, doc->root);
    qsort(w.pos, w.n_pos, sizeof(*w.pos), pos_cmp);
    doc->pos = w.pos;
    doc->n_pos = w.n_pos;
    return 0;
}

int gs_jdoc_load(struct gs_jdoc *doc, const char *path, size_t max,
                 struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos p = {path, 0, 0};
    int rc;

    memset(doc, 0, sizeof(*doc));
    gs_buf_init(&b, max);
    rc = gs_buf_read_file(&b, path);
    if (rc == GS_ERR_TOO_BIG)
        gs_diag_error(d, &p, "file is larger than %zu bytes", max);
    else if (rc == GS_ERR_NOT_FOUND)
        gs_diag_error(d, &p, "no such file");
    else if (rc < 0)
        gs_diag_error(d, &p, "cannot read the file");
    if (rc == 0)
        rc = gs_jdoc_parse(doc, strcmp(path, "-") == 0 ? "<stdin>" : path,
                           gs_buf_str(&b), b.len, d);
    gs_buf_free(&b);
    return rc;
}

void gs_jdoc_free(struct gs_jdoc *doc)
{
    json_decref(doc->root);
    gs_free(doc->file);
    gs_free(doc->pos);
    memset(doc, 0, sizeof(*doc));
}

static struct gs_pos jpos_find(const struct gs_jdoc *doc, const json_t *c,
                               size_t index)
{
    struct gs_pos none = {NULL, 0, 0};
    struct gs_jpos key = {c, index, 0, 0};
    const struct gs_jpos *hit;

    if (doc == NULL)
        return none;
    none.file = doc->file;
    if (doc->pos == NULL)
        return none;
    hit = bsearch(&key, doc->pos, doc->n_pos, sizeof(*doc->pos), pos_cmp);
    if (hit == NULL)
        return none;
    return (struct gs_pos){doc->file, hit->line, hit->col};
}

struct gs_pos gs_jpos_member(const struct gs_jdoc *doc, const json_t *obj,
                             const char *key)
{
    const char *k;
    json_t *v;
    size_t i = 0;

    json_object_foreach((json_t *)obj, k, v)
    {
        if (strcmp(k, key) == 0)
            return jpos_find(doc, obj, i);
        i++;
    }
    return gs_jpos_value(doc, obj);
}

struct gs_pos gs_jpos_element(const struct gs_jdoc *doc, const json_t *arr,
                              size_t i)
{
    return jpos_find(doc, arr, i);
}

struct gs_pos gs_jpos_value(const struct gs_jdoc *doc, const json_t *container)
{
    return jpos_find(doc, container, POS_SELF);
}

const char *gs_json_type_name(const json_t *v)
{
    if (v == NULL)
        return "nothing";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

int gs_json_object(const struct gs_jctx *c, const json_t *v, const char *what,
                   const char *const *allowed)
{
    const char *k;
    json_t *member;
    int rc = 0;

    if (!json_is_object(v)) {
        struct gs_pos p = gs_jpos_value(c->doc, v);

        gs_diag_error(c->diag, &p, "%s must be a JSON object", what);
        return GS_ERR_INVALID;
    }
    json_object_foreach((json_t *)v, k, member)
    {
        size_t i;
        bool ok = false;

        for (i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            struct gs_pos p = gs_jpos_member(c->doc, v, k);
            struct gs_buf names;

            gs_buf_init(&names, 1024);
            for (i = 0; allowed[i] != NULL; i++)
                gs_buf_printf(&names, "%s\"%s\"", i ? ", " : "", allowed[i]);
            gs_diag_error(c->diag, &p,
                          "unknown member \"%s\" in %s; expected one of %s", k,
                          what, gs_buf_str(&names));
            gs_buf_free(&names);
            rc = GS_ERR_INVALID;
        }
    }
    return rc;
}

/* Fetches obj[key], treating null like absence; reports a missing one. */
static int member(const struct gs_jctx *c, const json_t *obj, const char *key,
                  bool required, const char *expected, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (required) {
            struct gs_pos p = v ? gs_jpos_member(c->doc, obj, key)
                                : gs_jpos_value(c->doc, obj);

            gs_diag_error(c->diag, &p, "missing \"%s\" (%s)", key, expected);
            return GS_ERR_INVALID;
        }
        return 0;
    }
    *out = v;
    return 0;
}

static int wrong_type(const struct gs_jctx *c, const json_t *obj,
                      const char *key, const json_t *v, const char *expected)
{
    struct gs_pos p = gs_jpos_member(c->doc, obj, key);

    gs_diag_error(c->diag, &p, "\"%s\" must be %s, not %s", key, expected,
                  gs_json_type_name(v));
    return GS_ERR_INVALID;
}

int gs_json_string(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool required, const char **out)
{
    const json_t *v;
    int rc = member(c, obj, key, required, "a string", &v);

    *out = NULL;
    if (rc < 0 || v == NULL)
        return rc;
    if (!json_is_string(v))
        return wrong_type(c, obj, key, v, "a string");
    if (json_string_length(v) == 0) {
        struct gs_pos p = gs_jpos_member(c->doc, obj, key);

        gs_diag_error(c->diag, &p, "\"%s\" must not be empty", key);
        return GS_ERR_INVALID;
    }
    *out = json_string_value(v);
    return 0;
}

int gs_json_array(const struct gs_jctx *c, const json_t *obj, const char *key,
                  bool required, const json_t **out)
{
    const json_t *v;
    int rc = member(c, obj, key, required, "an array", &v);

    *out = NULL;
    if (rc < 0 || v == NULL)
        return rc;
    if (!json_is_array(v))
        return wrong_type(c, obj, key, v, "an array");
    *out = v;
    return 0;
}

int gs_json_time(const struct gs_jctx *c, const json_t *obj, const char *key,
                 bool required, gs_time_t *out, bool *present)
{
    const char *s;
    int rc = gs_json_string(c, obj, key, required, &s);

    *out = 0;
    if (present != NULL)
        *present = false;
    if (rc < 0 || s == NULL)
        return rc;
    if (gs_time_parse(s, out) < 0) {
        struct gs_pos p = gs_jpos_member(c->doc, obj, key);

        gs_diag_error(c->diag, &p,
                      "\"%s\": \"%s\" is not an RFC 3339 time; write it like "
                      "\"2016-11-23T00:00:00Z\"",
                      key, s);
        return GS_ERR_INVALID;
    }
    if (present != NULL)
        *present = true;
    return 0;
}

int gs_json_number(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool required, double *out, bool *present)
{
    const json_t *v;
    int rc = member(c, obj, key, required, "a number", &v);

    *out = 0;
    if (present != NULL)
        *present = false;
    if (rc < 0 || v == NULL)
        return rc;
    if (!json_is_number(v))
        return wrong_type(c, obj, key, v, "a number");
    *out = json_number_value(v);
    if (present != NULL)
        *present = true;
    return 0;
}

int gs_json_string_at(const struct gs_jctx *c, const json_t *arr, size_t i,
                      const char **out)
{
    const json_t *v = json_array_get(arr, i);

    *out = NULL;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        struct gs_pos p = gs_jpos_element(c->doc, arr, i);

        gs_diag_error(c->diag, &p,
                      "element %zu must be a non-empty string, not %s", i + 1,
                      v && json_is_string(v) ? "\"\"" : gs_json_type_name(v));
        return GS_ERR_INVALID;
    }
    *out = json_string_value(v);
    return 0;
}
