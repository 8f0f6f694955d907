/*
 * config.h - gsomia.conf, the node's configuration (INI).
 *
 *   [node]
 *   nation = KOR          ; ISO 3166-1 alpha-3, required
 *   name = seoul          ; the node's name, an identifier
 *   [log]
 *   level = warn          ; error, warn, info, debug
 *
 * Unknown sections and keys are errors reported as FILE:LINE, so a typo is
 * never silently ignored; so are duplicate keys and bad values.
 */
#ifndef GS_NODE_CONFIG_H
#define GS_NODE_CONFIG_H

#include "base/diag.h"
#include "base/log.h"
#include "policy/nation.h"

#define GS_NODE_NAME_MAX 64

struct gs_config {
    char nation[GS_NATION_SIZE];
    char name[GS_NODE_NAME_MAX + 1];
    enum gs_log_level log_level;
};

/* Reads path into cfg; GS_ERR_INVALID (or GS_ERR_NOT_FOUND) after
 * reporting to d. */
int gs_config_load(const char *path, struct gs_config *cfg,
                   struct gs_diag *d);
/* Parses text (for tests and fuzzing); file names it in messages. */
int gs_config_parse(const char *file, const char *text,
                    struct gs_config *cfg, struct gs_diag *d);
/* Writes cfg to path, refusing to overwrite. */
int gs_config_write(const char *path, const struct gs_config *cfg,
                    struct gs_diag *d);

#endif
