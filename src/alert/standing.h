/*
 * standing.h - the standing civil warnings a node keeps across a restart:
 * the last message of each (warning.h) and the references of all its CAP
 * messages (cap.h), as JSON text for the store:
 *
 *   {"version": 1, "warnings": [
 *     {"warning": 1, "number": 2, "type": "Update", "situation": "launched",
 *      "track": "JPN-F1", "based_on": 1664835900000000,
 *      "launch_time": 1664835720000000, "impact_time": 1664837020000000,
 *      "areas": [["JP-01", "Hokkaido"], ["JP-02", "Aomori"]],
 *      "refs": [["gsomia.jpn", "JPN-W1", 1795932000000000]]}]}
 *
 * Times are microseconds since 1970 (0: unknown); refs are sender,
 * identifier and sent time of each message, oldest first. Only standing
 * warnings are kept (gs_warning_may_stand: the last message an Alert
 * (launched) or an Update (launched, passed, lost), its times within a day
 * of each other). The reader checks every field (a store can be damaged)
 * and refuses the whole text when one does not read.
 */
#ifndef GS_ALERT_STANDING_H
#define GS_ALERT_STANDING_H

#include <stddef.h>

#include "alert/cap.h"
#include "alert/warning.h"
#include "base/buf.h"

#define GS_STANDING_VERSION 1

struct gs_standing {
    struct gs_warning said; /* the last message issued */
    struct gs_cap_ref refs[GS_CAP_MAX_REFS];
    size_t n_refs; /* 1 to GS_CAP_MAX_REFS */
};

/* Appends the text of s[0..n) to b. GS_ERR_INVALID when one is not a
 * standing warning as above (or a string in it is not UTF-8);
 * GS_ERR_TOO_BIG when b is full. */
int gs_standing_write(const struct gs_standing *s, size_t n, struct gs_buf *b);

/*
 * Reads text[0..len) into out[0..max), *n the count. GS_ERR_INVALID (why
 * says which warning and what is wrong) when the text does not read or
 * holds more than max.
 */
int gs_standing_read(const char *text, size_t len, struct gs_standing *out,
                     size_t max, size_t *n, char *why, size_t why_size);

#endif
