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
 *   [watch]               ; this nation's radars (docs/alerting.md)
 *   sensors = sensors.json    ; the sensors file; no [watch]: no tracking
 *   label = track-label.json  ; the label of the tracks and alerts made
 *                             ; from them (required with sensors)
 *   label.KOR-GP1 = gp1.json  ; a radar's own label, for what it sees
 *   [warning]             ; civil warnings (OASIS CAP 1.2)
 *   cap = yes             ; issue them (default no)
 *   country = JPN         ; whose prefectures to warn (default: nation)
 *   status = Actual       ; Actual, Exercise or Test (default Actual)
 *   sender = jalert.example.jp  ; the CAP sender (default: the node's
 *                               ; name and nation)
 *   boundaries = FILE     ; the boundaries file (default: the build's)
 *   [cot]
 *   address = 127.0.0.1:6969  ; send Cursor-on-Target events (UDP)
 *
 * Relative file names are relative to the node's folder.
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

#define GS_PATH_MAX 512
#define GS_SENSOR_LABELS_MAX 16
#define GS_CAP_SENDER_MAX 64 /* CAP's identifier syntax, 63 at most */

/* A radar whose tracks take a label of their own. */
struct gs_sensor_label {
    char sensor[32];
    char label[GS_PATH_MAX];
};

struct gs_config {
    char nation[GS_NATION_SIZE];
    char name[GS_NODE_NAME_MAX + 1];
    bool hub;
    char listen[GS_ADDRESS_MAX]; /* "" when the node does not listen */
    enum gs_log_level log_level;
    /* [watch]: "" when the node has no radars */
    char sensors[GS_PATH_MAX];
    char label[GS_PATH_MAX];
    struct gs_sensor_label sensor_labels[GS_SENSOR_LABELS_MAX];
    size_t n_sensor_labels;
    /* [warning] */
    bool cap;
    char cap_country[GS_NATION_SIZE];
    char cap_status[16];
    char cap_sender[GS_CAP_SENDER_MAX];
    char boundaries[GS_PATH_MAX];
    /* [cot] */
    char cot[GS_ADDRESS_MAX]; /* "" when not sending */
};

/*
 * Splits "host:port" (IPv6 hosts in brackets: "[::1]:7400") into host
 * and port; GS_ERR_INVALID unless the port is 1..65535 and the host is
 * not empty.
 */
int gs_address_parse(const char *address, char *host, size_t host_n, int *port);

/* Reads path into cfg; GS_ERR_INVALID (or GS_ERR_NOT_FOUND) after
 * reporting to d. */
int gs_config_load(const char *path, struct gs_config *cfg, struct gs_diag *d);
/* Parses text (for tests and fuzzing); file names it in messages. */
int gs_config_parse(const char *file, const char *text, struct gs_config *cfg,
                    struct gs_diag *d);
/* Writes cfg to path, refusing to overwrite. */
int gs_config_write(const char *path, const struct gs_config *cfg,
                    struct gs_diag *d);

#endif
