/* log.c - leveled log lines on standard error; see log.h. */
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/time.h"

/* -1 until set, then a gs_log_level; atomic because any thread may log. */
static atomic_int log_level = -1;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void gs_log_set_level(enum gs_log_level level)
{
    atomic_store(&log_level, (int)level);
}

int gs_log_level_parse(const char *name, enum gs_log_level *out)
{
    size_t i;

    for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (enum gs_log_level)i;
            return 0;
        }
    }
    return GS_ERR_INVALID;
}

int gs_log_enabled(enum gs_log_level level)
{
    int current = atomic_load(&log_level);

    if (current < 0) {
        const char *env = getenv("GSOMIA_LOG");
        enum gs_log_level parsed = GS_LOG_WARN;

        if (env != NULL && gs_log_level_parse(env, &parsed) < 0)
            parsed = GS_LOG_WARN;
        current = (int)parsed;
        atomic_store(&log_level, current);
    }
    return (int)level <= current;
}

void gs_log(enum gs_log_level level, const char *func, const char *fmt, ...)
{
    char line[1024], when[GS_TIME_STRLEN];
    va_list ap;
    int n, m;

    if (!gs_log_enabled(level))
        return;
    gs_time_format(gs_time_now(), when, sizeof(when));
    n = snprintf(line, sizeof(line), "%s %s %s: ", when,
                 level_names[(int)level], func);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n += m;
    if ((size_t)n >= sizeof(line) - 1)
        n = (int)sizeof(line) - 2; /* truncated: still end the line */
    line[n++] = '\n';
    /* One write per line keeps lines from different threads whole. */
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return;
}
