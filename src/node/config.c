/*
 * config.c - gsomia.conf with inih; see config.h. inih calls the handler
 * once per key; the handler keeps the first problem, and inih reports the
 * line of the first key the handler refused.
 */
#include "node/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "policy/parse.h"

/* Keys seen, to refuse duplicates and to check required ones. */
enum { K_NATION = 1, K_NAME = 2, K_LEVEL = 4 };

struct parse {
    struct gs_config *cfg;
    unsigned seen;
    char problem[256]; /* the first handler failure */
};

static int refuse(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keeps the first problem; returns 0, which tells inih the line failed. */
static int refuse(struct parse *p, const char *fmt, ...)
{
    va_list ap;

    if (p->problem[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(p->problem, sizeof(p->problem), fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int handler(void *user, const char *section, const char *key,
                   const char *value)
{
    struct parse *p = user;
    unsigned k = 0;

    if (strcmp(section, "node") == 0 && strcmp(key, "nation") == 0)
        k = K_NATION;
    else if (strcmp(section, "node") == 0 && strcmp(key, "name") == 0)
        k = K_NAME;
    else if (strcmp(section, "log") == 0 && strcmp(key, "level") == 0)
        k = K_LEVEL;
    else
        return refuse(p, "unknown key \"%s\" in section [%s]; known: [node] "
                      "nation, name; [log] level", key, section);
    if (p->seen & k)
        return refuse(p, "\"%s\" is set twice in [%s]", key, section);
    p->seen |= k;
    switch (k) {
    case K_NATION:
        if (!gs_nation_valid(value))
            return refuse(p, "nation \"%s\" is not an ISO 3166-1 alpha-3 "
                          "code such as KOR", value);
        memcpy(p->cfg->nation, value, GS_NATION_SIZE);
        break;
    case K_NAME:
        if (!pj_ident_valid(value))
            return refuse(p, "name \"%s\" must be 1 to 64 of A-Z a-z 0-9 . _ "
                          "-", value);
        snprintf(p->cfg->name, sizeof(p->cfg->name), "%s", value);
        break;
    case K_LEVEL:
        if (gs_log_level_parse(value, &p->cfg->log_level) < 0)
            return refuse(p, "log level \"%s\" must be error, warn, info or "
                          "debug", value);
        break;
    }
    return 1;
}

int gs_config_parse(const char *file, const char *text,
                    struct gs_config *cfg, struct gs_diag *d)
{
    struct parse p;
    struct gs_pos pos = {file, 0, 0};
    int line;

    memset(cfg, 0, sizeof(*cfg));
    cfg->log_level = GS_LOG_WARN;
    memset(&p, 0, sizeof(p));
    p.cfg = cfg;
    line = ini_parse_string(text, handler, &p);
    if (line != 0) {
        pos.line = line > 0 ? (unsigned)line : 0;
        gs_diag_error(d, &pos, "%s", p.problem[0] ? p.problem :
                      "not a valid INI line; write key = value under a "
                      "[section]");
        return GS_ERR_INVALID;
    }
    if (!(p.seen & K_NATION) || !(p.seen & K_NAME)) {
        gs_diag_error(d, &pos, "[node] needs both nation and name");
        return GS_ERR_INVALID;
    }
    return 0;
}

int gs_config_load(const char *path, struct gs_config *cfg,
                   struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos pos = {path, 0, 0};
    int rc;

    gs_buf_init(&b, 1 << 20);
    rc = gs_buf_read_file(&b, path);
    if (rc < 0)
        gs_diag_error(d, &pos, "%s", rc == GS_ERR_NOT_FOUND ? "no such file"
                      : "cannot read the file");
    else if (memchr(b.data, '\0', b.len) != NULL) {
        gs_diag_error(d, &pos, "contains a NUL byte");
        rc = GS_ERR_INVALID;
    } else
        rc = gs_config_parse(path, gs_buf_str(&b), cfg, d);
    gs_buf_free(&b);
    return rc;
}

int gs_config_write(const char *path, const struct gs_config *cfg,
                    struct gs_diag *d)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    struct gs_pos pos = {path, 0, 0};
    char text[512];
    int fd, n;

    n = snprintf(text, sizeof(text),
                 "# gsomia node configuration (docs/operations.md)\n"
                 "[node]\n"
                 "nation = %s\n"
                 "name = %s\n"
                 "\n"
                 "[log]\n"
                 "level = %s\n",
                 cfg->nation, cfg->name, levels[cfg->log_level]);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        gs_diag_error(d, &pos, "cannot create: %s", strerror(errno));
        return GS_ERR_IO;
    }
    if (write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
        close(fd);
        gs_diag_error(d, &pos, "cannot write");
        return GS_ERR_IO;
    }
    close(fd);
    return 0;
}
