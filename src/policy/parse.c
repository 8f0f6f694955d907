/* parse.c - JSON readers shared by the policy parsers; see parse.h. */
#include "policy/parse.h"

#include <string.h>

#include "base/err.h"
#include "base/text.h"
#include "policy/label.h"

bool pj_ident_valid(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 64)
        return false;
    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

bool pj_has_nation(const char (*list)[GS_NATION_SIZE], size_t n,
                   const char *nation)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(list[i], nation) == 0)
            return true;
    return false;
}

static void bad_nation(const struct gs_jctx *c, const struct gs_pos *p,
                       const char *code)
{
    gs_diag_error(c->diag, p,
                  "\"%s\" is not an ISO 3166-1 alpha-3 nation code; write "
                  "it like JPN, KOR or USA",
                  code);
}

int pj_nation(const struct gs_jctx *c, const json_t *obj, const char *key,
              bool required, char out[GS_NATION_SIZE])
{
    const char *s;
    int rc = gs_json_string(c, obj, key, required, &s);

    out[0] = '\0';
    if (rc < 0 || s == NULL)
        return rc;
    if (!gs_nation_valid(s)) {
        struct gs_pos p = gs_jpos_member(c->doc, obj, key);

        bad_nation(c, &p, s);
        return GS_ERR_INVALID;
    }
    memcpy(out, s, GS_NATION_SIZE);
    return 0;
}

int pj_nations(const struct gs_jctx *c, const json_t *obj, const char *key,
               bool required, struct gs_arena *a, char (**out)[GS_NATION_SIZE],
               size_t *n)
{
    const json_t *arr;
    char(*list)[GS_NATION_SIZE];
    size_t i, count;
    int rc = gs_json_array(c, obj, key, required, &arr);

    *out = NULL;
    *n = 0;
    if (rc < 0 || arr == NULL)
        return rc;
    count = json_array_size(arr);
    list = gs_arena_alloc(a, count, sizeof(*list));
    for (i = 0; i < count; i++) {
        const char *s;
        struct gs_pos p = gs_jpos_element(c->doc, arr, i);

        rc = gs_json_string_at(c, arr, i, &s);
        if (rc < 0)
            return rc;
        if (!gs_nation_valid(s)) {
            bad_nation(c, &p, s);
            return GS_ERR_INVALID;
        }
        if (pj_has_nation((const char(*)[GS_NATION_SIZE])list, i, s)) {
            gs_diag_error(c->diag, &p, "%s is listed twice in \"%s\"", s, key);
            return GS_ERR_INVALID;
        }
        memcpy(list[i], s, GS_NATION_SIZE);
    }
    *out = list;
    *n = count;
    return 0;
}

static void bad_ident(const struct gs_jctx *c, const struct gs_pos *p,
                      const char *what, const char *s)
{
    gs_diag_error(c->diag, p,
                  "\"%s\" is not a valid %s: use 1 to 64 characters from "
                  "A-Z, a-z, 0-9, \".\", \"_\" and \"-\"",
                  s, what);
}

int pj_ident(const struct gs_jctx *c, const json_t *obj, const char *key,
             bool required, const char *what, const char **out)
{
    int rc = gs_json_string(c, obj, key, required, out);

    if (rc < 0 || *out == NULL)
        return rc;
    if (!pj_ident_valid(*out)) {
        struct gs_pos p = gs_jpos_member(c->doc, obj, key);

        bad_ident(c, &p, what, *out);
        *out = NULL;
        return GS_ERR_INVALID;
    }
    return 0;
}

int pj_idents(const struct gs_jctx *c, const json_t *obj, const char *key,
              bool required, const char *what, struct gs_arena *a,
              const char ***out, size_t *n)
{
    const json_t *arr;
    const char **list;
    size_t i, count;
    int rc = gs_json_array(c, obj, key, required, &arr);

    *out = NULL;
    *n = 0;
    if (rc < 0 || arr == NULL)
        return rc;
    count = json_array_size(arr);
    list = gs_arena_alloc(a, count, sizeof(*list));
    for (i = 0; i < count; i++) {
        const char *s;
        struct gs_pos p = gs_jpos_element(c->doc, arr, i);

        rc = gs_json_string_at(c, arr, i, &s);
        if (rc < 0)
            return rc;
        if (!pj_ident_valid(s)) {
            bad_ident(c, &p, what, s);
            return GS_ERR_INVALID;
        }
        if (gs_str_index(list, i, s) >= 0) {
            gs_diag_error(c->diag, &p, "\"%s\" is listed twice in \"%s\"", s,
                          key);
            return GS_ERR_INVALID;
        }
        list[i] = gs_arena_strdup(a, s);
    }
    *out = list;
    *n = count;
    return 0;
}

int pj_derivatives(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool non_empty, unsigned *out)
{
    const json_t *arr;
    size_t i;
    int rc = gs_json_array(c, obj, key, false, &arr);

    *out = 0;
    if (rc < 0 || arr == NULL)
        return rc;
    if (non_empty && json_array_size(arr) == 0) {
        struct gs_pos p = gs_jpos_member(c->doc, obj, key);

        gs_diag_error(c->diag, &p,
                      "\"%s\" is empty; name the derivative "
                      "uses permitted (%s)",
                      key, gs_derivative_list());
        return GS_ERR_INVALID;
    }
    for (i = 0; i < json_array_size(arr); i++) {
        enum gs_derivative use;
        const char *s;
        struct gs_pos p = gs_jpos_element(c->doc, arr, i);

        rc = gs_json_string_at(c, arr, i, &s);
        if (rc < 0)
            return rc;
        if (gs_derivative_parse(s, &use) < 0) {
            gs_diag_error(c->diag, &p,
                          "\"%s\" is not a derivative use; use one of: %s", s,
                          gs_derivative_list());
            *out = 0;
            return GS_ERR_INVALID;
        }
        if (*out & (unsigned)use) {
            gs_diag_error(c->diag, &p, "\"%s\" is listed twice in \"%s\"", s,
                          key);
            *out = 0;
            return GS_ERR_INVALID;
        }
        *out |= (unsigned)use;
    }
    return 0;
}
