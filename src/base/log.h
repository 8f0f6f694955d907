/*
 * log.h - the node's diagnostic log on standard error.
 *
 * One line per event: RFC 3339 UTC time, level, the function that detected
 * the condition, the message. Secrets never go into a log line: log the
 * fingerprint of a key, never the key. The level comes from gs_log_set_level
 * or, when that was never called, from the environment variable GSOMIA_LOG
 * (error, warn, info, debug); the default is warn. Safe to call from any
 * thread: each line is written with a single write(2).
 */
#ifndef GS_BASE_LOG_H
#define GS_BASE_LOG_H

enum gs_log_level {
    GS_LOG_ERROR = 0,
    GS_LOG_WARN = 1,
    GS_LOG_INFO = 2,
    GS_LOG_DEBUG = 3
};

void gs_log_set_level(enum gs_log_level level);
/* Parses "error", "warn", "info" or "debug"; GS_ERR_INVALID otherwise. */
int gs_log_level_parse(const char *name, enum gs_log_level *out);
int gs_log_enabled(enum gs_log_level level);

void gs_log(enum gs_log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define GS_LOG_ERROR(...) gs_log(GS_LOG_ERROR, __func__, __VA_ARGS__)
#define GS_LOG_WARN(...) gs_log(GS_LOG_WARN, __func__, __VA_ARGS__)
#define GS_LOG_INFO(...) gs_log(GS_LOG_INFO, __func__, __VA_ARGS__)
#define GS_LOG_DEBUG(...) gs_log(GS_LOG_DEBUG, __func__, __VA_ARGS__)

#endif
