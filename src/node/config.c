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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "policy/parse.h"

/* Keys seen, to refuse duplicates and to check required ones. */
enum {
    K_NATION = 1 << 0,
    K_NAME = 1 << 1,
    K_LEVEL = 1 << 2,
    K_HUB = 1 << 3,
    K_LISTEN = 1 << 4,
    K_SENSORS = 1 << 5,
    K_LABEL = 1 << 6,
    K_CAP = 1 << 7,
    K_COUNTRY = 1 << 8,
    K_STATUS = 1 << 9,
    K_SENDER = 1 << 10,
    K_BOUNDARIES = 1 << 11,
    K_COT = 1 << 12,
    K_SENSOR_LABEL = 1 << 13 /* repeatable: checked per sensor */
};

static const struct {
    const char *section, *key;
    unsigned k;
} keys[] = {
    {"node", "nation", K_NATION},
    {"node", "name", K_NAME},
    {"node", "hub", K_HUB},
    {"listen", "address", K_LISTEN},
    {"log", "level", K_LEVEL},
    {"watch", "sensors", K_SENSORS},
    {"watch", "label", K_LABEL},
    {"warning", "cap", K_CAP},
    {"warning", "country", K_COUNTRY},
    {"warning", "status", K_STATUS},
    {"warning", "sender", K_SENDER},
    {"warning", "boundaries", K_BOUNDARIES},
    {"cot", "address", K_COT},
};

#define KNOWN_KEYS                                                             \
    "[node] nation, name, hub; [listen] address; [log] level; [watch] "        \
    "sensors, label, label.SENSOR; [warning] cap, country, status, sender, "   \
    "boundaries; [cot] address"

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

static int path_value(struct parse *p, const char *key, const char *value,
                      char out[GS_PATH_MAX])
{
    if (value[0] == '\0' || strlen(value) >= GS_PATH_MAX)
        return refuse(p, "%s must be a file name of 1 to %d bytes", key,
                      GS_PATH_MAX - 1);
    snprintf(out, GS_PATH_MAX, "%s", value);
    return 1;
}

static int sensor_label(struct parse *p, const char *sensor, const char *value)
{
    struct gs_config *c = p->cfg;
    size_t i, n = strlen(sensor);

    if (n == 0 || n >= sizeof(c->sensor_labels[0].sensor))
        return refuse(p,
                      "label.SENSOR names a sensor id of 1 to %zu characters",
                      sizeof(c->sensor_labels[0].sensor) - 1);
    for (i = 0; i < c->n_sensor_labels; i++)
        if (strcmp(c->sensor_labels[i].sensor, sensor) == 0)
            return refuse(p, "\"label.%s\" is set twice in [watch]", sensor);
    if (c->n_sensor_labels == GS_SENSOR_LABELS_MAX)
        return refuse(p, "at most %d sensors have labels of their own",
                      GS_SENSOR_LABELS_MAX);
    snprintf(c->sensor_labels[c->n_sensor_labels].sensor,
             sizeof(c->sensor_labels[0].sensor), "%s", sensor);
    if (path_value(p, "label.SENSOR", value,
                   c->sensor_labels[c->n_sensor_labels].label) == 0)
        return 0;
    c->n_sensor_labels++;
    return 1;
}

/* A CAP sender: 1 to 63 of A-Z a-z 0-9 . @ _ : - (what CAP messages
 * gsomia writes accept as an identifier). */
static bool sender_valid(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n >= GS_CAP_SENDER_MAX)
        return false;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr(".@_:-", s[i]) != NULL))
            return false;
    return true;
}

static int handler(void *user, const char *section, const char *key,
                   const char *value)
{
    struct parse *p = user;
    unsigned k = 0;
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(section, keys[i].section) == 0 &&
            strcmp(key, keys[i].key) == 0)
            k = keys[i].k;
    if (k == 0 && strcmp(section, "watch") == 0 &&
        strncmp(key, "label.", 6) == 0)
        k = K_SENSOR_LABEL;
    if (k == 0)
        return refuse(p,
                      "unknown key \"%s\" in section [%s]; known: " KNOWN_KEYS,
                      key, section);
    if (p->seen & k & ~(unsigned)K_SENSOR_LABEL)
        return refuse(p, "\"%s\" is set twice in [%s]", key, section);
    p->seen |= k;
    switch (k) {
    case K_NATION:
        if (!gs_nation_valid(value))
            return refuse(p,
                          "nation \"%s\" is not an ISO 3166-1 alpha-3 "
                          "code such as KOR",
                          value);
        memcpy(p->cfg->nation, value, GS_NATION_SIZE);
        break;
    case K_NAME:
        if (!pj_ident_valid(value))
            return refuse(p, "name \"%s\" must be 1 to 64 of A-Z a-z 0-9 . _ -",
                          value);
        snprintf(p->cfg->name, sizeof(p->cfg->name), "%s", value);
        break;
    case K_HUB:
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
            p->cfg->hub = true;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
            p->cfg->hub = false;
        else
            return refuse(p, "hub \"%s\" must be yes or no", value);
        break;
    case K_LISTEN: {
        char host[GS_ADDRESS_MAX];
        int port;

        if (gs_address_parse(value, host, sizeof(host), &port) < 0)
            return refuse(p,
                          "address \"%s\" must be HOST:PORT, such as "
                          "127.0.0.1:7400",
                          value);
        snprintf(p->cfg->listen, sizeof(p->cfg->listen), "%s", value);
        break;
    }
    case K_LEVEL:
        if (gs_log_level_parse(value, &p->cfg->log_level) < 0)
            return refuse(p,
                          "log level \"%s\" must be error, warn, info or debug",
                          value);
        break;
    case K_SENSORS:
        return path_value(p, key, value, p->cfg->sensors);
    case K_LABEL:
        return path_value(p, key, value, p->cfg->label);
    case K_BOUNDARIES:
        return path_value(p, key, value, p->cfg->boundaries);
    case K_SENSOR_LABEL:
        return sensor_label(p, key + 6, value);
    case K_CAP:
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
            p->cfg->cap = true;
        else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
            p->cfg->cap = false;
        else
            return refuse(p, "cap \"%s\" must be yes or no", value);
        break;
    case K_COUNTRY:
        if (!gs_nation_valid(value))
            return refuse(p,
                          "country \"%s\" is not an ISO 3166-1 alpha-3 "
                          "code such as JPN",
                          value);
        memcpy(p->cfg->cap_country, value, GS_NATION_SIZE);
        break;
    case K_STATUS:
        if (strcmp(value, "Actual") != 0 && strcmp(value, "Exercise") != 0 &&
            strcmp(value, "Test") != 0)
            return refuse(p,
                          "status \"%s\" must be Actual, Exercise or "
                          "Test (CAP 1.2)",
                          value);
        snprintf(p->cfg->cap_status, sizeof(p->cfg->cap_status), "%s", value);
        break;
    case K_SENDER:
        if (!sender_valid(value))
            return refuse(p,
                          "sender \"%s\" must be 1 to %d of A-Z a-z 0-9 "
                          ". @ _ : -",
                          value, GS_CAP_SENDER_MAX - 1);
        snprintf(p->cfg->cap_sender, sizeof(p->cfg->cap_sender), "%s", value);
        break;
    case K_COT: {
        char host[GS_ADDRESS_MAX];
        int port;

        if (gs_address_parse(value, host, sizeof(host), &port) < 0)
            return refuse(p,
                          "address \"%s\" must be HOST:PORT, such as "
                          "127.0.0.1:6969",
                          value);
        snprintf(p->cfg->cot, sizeof(p->cfg->cot), "%s", value);
        break;
    }
    }
    return 1;
}

int gs_address_parse(const char *address, char *host, size_t host_n, int *port)
{
    const char *colon, *start = address, *end;
    char *stop;
    long n;

    *port = 0;
    if (host_n > 0)
        host[0] = '\0';
    if (address[0] == '[') {
        end = strchr(address, ']');
        if (end == NULL || end[1] != ':')
            return GS_ERR_INVALID;
        start = address + 1;
        colon = end + 1;
    } else {
        colon = strrchr(address, ':');
        if (colon == NULL)
            return GS_ERR_INVALID;
        end = colon;
    }
    if (end == start || (size_t)(end - start) >= host_n)
        return GS_ERR_INVALID;
    n = strtol(colon + 1, &stop, 10);
    if (colon[1] == '\0' || *stop != '\0' || n < 1 || n > 65535)
        return GS_ERR_INVALID;
    memcpy(host, start, (size_t)(end - start));
    host[end - start] = '\0';
    *port = (int)n;
    return 0;
}

int gs_config_parse(const char *file, const char *text, struct gs_config *cfg,
                    struct gs_diag *d)
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
        gs_diag_error(d, &pos, "%s",
                      p.problem[0]
                          ? p.problem
                          : "not a valid INI line; write key = value under a "
                            "[section]");
        return GS_ERR_INVALID;
    }
    if (!(p.seen & K_NATION) || !(p.seen & K_NAME)) {
        gs_diag_error(d, &pos, "[node] needs both nation and name");
        return GS_ERR_INVALID;
    }
    if ((cfg->sensors[0] != '\0') != (cfg->label[0] != '\0') ||
        (cfg->n_sensor_labels > 0 && cfg->sensors[0] == '\0')) {
        gs_diag_error(d, &pos,
                      "[watch] needs both sensors and label: the "
                      "radars, and how what they see is marked");
        return GS_ERR_INVALID;
    }
    if (cfg->cap && cfg->sensors[0] == '\0') {
        gs_diag_error(d, &pos,
                      "[warning] cap = yes needs [watch]: a node "
                      "warns from the tracks it makes");
        return GS_ERR_INVALID;
    }
    if (cfg->cap_country[0] == '\0')
        memcpy(cfg->cap_country, cfg->nation, GS_NATION_SIZE);
    if (cfg->cap_status[0] == '\0')
        snprintf(cfg->cap_status, sizeof(cfg->cap_status), "Actual");
    if (cfg->cap_sender[0] == '\0')
        snprintf(cfg->cap_sender, sizeof(cfg->cap_sender), "%.40s.%s.gsomia",
                 cfg->name, cfg->nation);
    return 0;
}

int gs_config_load(const char *path, struct gs_config *cfg, struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos pos = {path, 0, 0};
    int rc;

    gs_buf_init(&b, 1 << 20);
    rc = gs_buf_read_file(&b, path);
    if (rc < 0)
        gs_diag_error(d, &pos, "%s",
                      rc == GS_ERR_NOT_FOUND ? "no such file"
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
                 "hub = %s\n"
                 "%s%s%s"
                 "\n"
                 "[log]\n"
                 "level = %s\n",
                 cfg->nation, cfg->name, cfg->hub ? "yes" : "no",
                 cfg->listen[0] ? "\n[listen]\naddress = " : "", cfg->listen,
                 cfg->listen[0] ? "\n" : "", levels[cfg->log_level]);
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
