/*
 * config.h - gsomia.conf, the node's configuration (INI).
 *
 *   [node]
 *   nation = KOR          ; ISO 3166-1 alpha-3, required
 *   name = seoul          ; the node's name, an identifier
 *   hub = no              ; yes: forward what it receives to its other
 *                         ; peers wherever the policy allows (the US in
 *                         ; the trilateral mechanism)
 *   [listen]
 *   address = 127.0.0.1:7400  ; where `gsomia serve` accepts peers
 *   [log]
 *   level = warn          ; error, warn, info, debug
 *
 * Unknown sections and keys are errors reported as FILE:LINE, so a typo is
 * never silently ignored; so are duplicate keys and bad values.
 */
#ifndef GS_NODE_CONFIG_H
#define GS_NODE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/log.h"
#include "policy/nation.h"

#define GS_NODE_NAME_MAX 64

#define GS_ADDRESS_MAX 128

struct gs_config {
    char nation[GS_NATION_SIZE];
    char name[GS_NODE_NAME_MAX + 1];
    bool hub;
    char listen[GS_ADDRESS_MAX]; /* "" when the node does not listen */
    enum gs_log_level log_level;
};

/*
 * Splits "host:port" (IPv6 hosts in brackets: "[::1]:7400") into host
 * and port; GS_ERR_INVALID unless the port is 1..65535 and the host is
 * not empty.
 */
int gs_address_parse(const char *address, char *host, size_t host_n,
                     int *port);

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
