/*
 * time.c - RFC 3339 parsing and printing over microseconds since the epoch.
 * Conversions between civil dates and day numbers use the proleptic
 * Gregorian calendar (the days_from_civil algorithm of H. Hinnant), so no
 * time zone database or timegm() is involved.
 */
#include "base/time.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n decimal digits at *p, advancing it. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        char c = (*p)[i];

        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

int gs_time_parse(const char *s, gs_time_t *out)
{
    const char *p = s;
    int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
    int64_t usec = 0, scale = 100000, t;

    *out = 0;
    if (!digits(&p, 4, &year) || !expect(&p, '-') || !digits(&p, 2, &mon) ||
        !expect(&p, '-') || !digits(&p, 2, &day))
        return GS_ERR_INVALID;
    if (*p != 'T' && *p != 't')
        return GS_ERR_INVALID;
    p++;
    if (!digits(&p, 2, &hour) || !expect(&p, ':') || !digits(&p, 2, &min) ||
        !expect(&p, ':') || !digits(&p, 2, &sec))
        return GS_ERR_INVALID;
    if (*p == '.') {
        int n = 0;

        p++;
        while (*p >= '0' && *p <= '9') {
            if (n < 6) {
                usec += (*p - '0') * scale;
                scale /= 10;
            }
            n++;
            p++;
        }
        if (n == 0 || n > 9)
            return GS_ERR_INVALID;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '+' ? 1 : -1;
        p++;
        if (!digits(&p, 2, &oh) || !expect(&p, ':') || !digits(&p, 2, &om) ||
            oh > 23 || om > 59)
            return GS_ERR_INVALID;
    } else {
        return GS_ERR_INVALID;
    }
    if (*p != '\0')
        return GS_ERR_INVALID;
    if (year < 1 || mon < 1 || mon > 12 || day < 1 ||
        day > days_in_month(year, mon) || hour > 23 || min > 59 || sec > 59)
        return GS_ERR_INVALID;

    t = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
    t -= sign * (oh * 3600 + om * 60);
    t = t * GS_USEC_PER_SEC + usec;
    if (t < GS_TIME_MIN || t > GS_TIME_MAX)
        return GS_ERR_INVALID;
    *out = t;
    return 0;
}

int gs_time_format(gs_time_t t, char *buf, size_t n)
{
    int64_t secs, days, y, rem;
    int m, d, usec;

    if (n < GS_TIME_STRLEN || t < GS_TIME_MIN || t > GS_TIME_MAX) {
        if (n > 0)
            buf[0] = '\0';
        return GS_ERR_INVALID;
    }
    secs = t / GS_USEC_PER_SEC;
    usec = (int)(t % GS_USEC_PER_SEC);
    if (usec < 0) {
        usec += (int)GS_USEC_PER_SEC;
        secs--;
    }
    days = secs / 86400;
    rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    if (usec != 0)
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (int)y, m, d,
                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
                 usec);
    else
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d,
                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return 0;
}

gs_time_t gs_time_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (gs_time_t)ts.tv_sec * GS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t gs_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
