/*
 * time.h - instants in UTC, and their RFC 3339 text form.
 *
 * An instant is a gs_time_t: microseconds since 1970-01-01T00:00:00Z on the
 * POSIX time scale (no leap seconds), covering the years 0001 to 9999.
 * Microseconds are enough for radar plots (the finest times we exchange) and
 * 64 bits leave room for every date a person writes.
 */
#ifndef GS_BASE_TIME_H
#define GS_BASE_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t gs_time_t;

#define GS_USEC_PER_SEC INT64_C(1000000)
/* Room for "YYYY-MM-DDTHH:MM:SS.ffffffZ" and the NUL. */
#define GS_TIME_STRLEN 32
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z. */
#define GS_TIME_MIN (INT64_C(-62135596800) * GS_USEC_PER_SEC)
#define GS_TIME_MAX (INT64_C(253402300800) * GS_USEC_PER_SEC - 1)

/*
 * Parses an RFC 3339 date-time: "2016-11-23T00:00:00Z", with an optional
 * fraction of one to nine digits (kept to the microsecond, the rest dropped)
 * and "Z" or a numeric offset "+09:00". Every field is range-checked,
 * including the day of the month; a leap second (":60") is refused because
 * the POSIX scale cannot name it. Returns 0 or GS_ERR_INVALID, setting *out
 * to 0 on error.
 */
int gs_time_parse(const char *s, gs_time_t *out);

/*
 * Writes t in UTC as "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" before the Z
 * when t has a fraction of a second. n must be at least GS_TIME_STRLEN.
 * Returns 0, or GS_ERR_INVALID if t is out of range (buf then holds "").
 */
int gs_time_format(gs_time_t t, char *buf, size_t n);

/* The current UTC time from the system clock. */
gs_time_t gs_time_now(void);

/* A monotonic clock in nanoseconds, for measuring intervals only. */
int64_t gs_mono_ns(void);

#endif
