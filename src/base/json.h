/*
 * json.h - JSON documents people write, read strictly, with positions.
 *
 * A document is parsed with jansson (duplicate keys and NUL characters are
 * refused) and then walked once more to remember where every value stands in
 * the text, so that a later check ("unknown classification word") can say
 * FILE:LINE:COLUMN like a syntax error does. The helpers below read typed
 * members and report a clear error through a struct gs_diag when a member is
 * missing, has the wrong type or is not allowed. All of them accept a NULL
 * doc (positions unknown), for values that do not come from a file.
 */
#ifndef GS_BASE_JSON_H
#define GS_BASE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/time.h"

/* Files people write are small; refuse anything larger than this. */
#define GS_JSON_MAX_FILE (16u << 20)

struct gs_jpos;

struct gs_jdoc {
    json_t *root;
    char *file;          /* the name used in messages */
    struct gs_jpos *pos; /* sorted by (container, index) */
    size_t n_pos;
};

/*
 * Parses len bytes of text (no NUL needed) named file in messages. On error
 * reports "file:line:col: error: ..." to d, leaves doc empty and returns
 * GS_ERR_INVALID. The caller frees doc with gs_jdoc_free in either case.
 */
int gs_jdoc_parse(struct gs_jdoc *doc, const char *file, const char *text,
                  size_t len, struct gs_diag *d);
/* Reads path ("-" is standard input) of at most max bytes and parses it. */
int gs_jdoc_load(struct gs_jdoc *doc, const char *path, size_t max,
                 struct gs_diag *d);
void gs_jdoc_free(struct gs_jdoc *doc);

/*
 * Where things stand: the value of member key of object obj, element i of
 * array arr, or a container itself. A position with line 0 means unknown.
 */
struct gs_pos gs_jpos_member(const struct gs_jdoc *doc, const json_t *obj,
                             const char *key);
struct gs_pos gs_jpos_element(const struct gs_jdoc *doc, const json_t *arr,
                              size_t i);
struct gs_pos gs_jpos_value(const struct gs_jdoc *doc, const json_t *container);

/* What a reader needs to report: the document and where diagnostics go. */
struct gs_jctx {
    const struct gs_jdoc *doc; /* may be NULL */
    struct gs_diag *diag;      /* may be NULL */
};

/* The JSON type of v in words: "a string", "an array", "null"... */
const char *gs_json_type_name(const json_t *v);

/*
 * Checks that v is an object whose keys are all in allowed (NULL-terminated).
 * what names the object in messages ("agreement"). GS_ERR_INVALID with one
 * error per offending key otherwise, naming the keys that are allowed.
 */
int gs_json_object(const struct gs_jctx *c, const json_t *v, const char *what,
                   const char *const *allowed);

/*
 * Typed members of object obj. A member that is absent or null is "absent":
 * an error when required, otherwise *out is set to NULL (or *present to
 * false). Wrong types and empty strings are errors. Returns 0 or
 * GS_ERR_INVALID after reporting.
 */
int gs_json_string(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool required, const char **out);
int gs_json_array(const struct gs_jctx *c, const json_t *obj, const char *key,
                  bool required, const json_t **out);
int gs_json_time(const struct gs_jctx *c, const json_t *obj, const char *key,
                 bool required, gs_time_t *out, bool *present);
int gs_json_number(const struct gs_jctx *c, const json_t *obj, const char *key,
                   bool required, double *out, bool *present);
/* Element i of array arr must be a non-empty string. */
int gs_json_string_at(const struct gs_jctx *c, const json_t *arr, size_t i,
                      const char **out);

#endif
