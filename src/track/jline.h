/*
 * jline.h - one line of a JSON-lines stream (plots, track updates), read
 * with the strict helpers of base/json.h.
 *
 * base/json.h reports positions within the text it parsed; a stream is
 * parsed a line at a time, so those positions say line 1. A gs_jline
 * collects the messages of one line and hands them on with the line number
 * of the stream ("plots.jsonl:17:42: error: ..."), keeping the column.
 *
 *     struct gs_jline jl;
 *     if (gs_jline_parse(&jl, "plots.jsonl", 17, text, len, d) == 0)
 *         rc = read_things(&jl.c, jl.doc.root);
 *     gs_jline_done(&jl);          // always; moves messages to d
 */
#ifndef GS_TRACK_JLINE_H
#define GS_TRACK_JLINE_H

#include <stddef.h>

#include "base/diag.h"
#include "base/json.h"

/* A line of a stream longer than this is refused. */
#define GS_JLINE_MAX 65536

struct gs_jline {
    struct gs_jdoc doc;
    struct gs_diag tmp;
    struct gs_jctx c; /* what readers use: the doc and tmp */
    const char *file;
    unsigned line;
    struct gs_diag *out;
};

/*
 * Parses text (len bytes, no newline needed) as line `line` of file. On a
 * syntax error, or a line longer than GS_JLINE_MAX, reports it and returns
 * GS_ERR_INVALID. Call gs_jline_done in every case.
 */
int gs_jline_parse(struct gs_jline *jl, const char *file, unsigned line,
                   const char *text, size_t len, struct gs_diag *out);

/* Reports an error at member key of obj (obj's own place if key is NULL). */
void gs_jline_error(struct gs_jline *jl, const json_t *obj, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Moves the collected messages to out with the stream's line number and
 * frees the parsed document. */
void gs_jline_done(struct gs_jline *jl);

#endif
