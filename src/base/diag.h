/*
 * diag.h - diagnostics for people: what is wrong with their input, where,
 * and what to do about it.
 *
 * Parsers of files people write (agreements, labels, consents, config) report
 * each problem here as "FILE:LINE:COLUMN: error: MESSAGE" and return
 * GS_ERR_INVALID; the command prints them. A checker such as `policy lint`
 * keeps going and reports every problem; a loader stops at the first error.
 * Columns count characters, not bytes, as editors show them.
 */
#ifndef GS_BASE_DIAG_H
#define GS_BASE_DIAG_H

#include <stdio.h>
#include <stddef.h>

/* A place in a file; line and col are 1-based, 0 when unknown. */
struct gs_pos {
    const char *file;
    unsigned line, col;
};

struct gs_diag {
    char **msgs; /* the first GS_DIAG_KEEP messages */
    size_t n_msgs;
    size_t errors; /* all errors, including those not kept */
    size_t warnings;
};

/* Messages past this many are counted but not kept. */
#define GS_DIAG_KEEP 200

void gs_diag_init(struct gs_diag *d);
void gs_diag_free(struct gs_diag *d);

/* Records an error at pos (which may be NULL); d may be NULL to discard. */
void gs_diag_error(struct gs_diag *d, const struct gs_pos *pos, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
void gs_diag_warn(struct gs_diag *d, const struct gs_pos *pos, const char *fmt,
                  ...) __attribute__((format(printf, 3, 4)));

/* Prints every kept message, one a line, and a count of any not kept. */
void gs_diag_print(const struct gs_diag *d, FILE *out);

/* The first kept message, or "" when there is none. */
const char *gs_diag_first(const struct gs_diag *d);

#endif
