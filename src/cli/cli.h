/*
 * cli.h - what the subcommands of `gsomia` share.
 *
 * Exit status: 0 success; 1 the command ran but failed (bad input, a check
 * found errors); 2 it was called wrongly (unknown option, missing argument).
 * Errors go to standard error and say what to fix; results go to standard
 * output, as JSON where scripts need them.
 */
#ifndef GS_CLI_CLI_H
#define GS_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "item/item.h"
#include "node/node.h"
#include "policy/policy.h"
#include "policy/simulate.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/*
 * A command: `gsomia GROUP NAME ...`, run with argv[0] NAME; or, when name
 * is NULL, `gsomia GROUP ...`, run with argv[0] GROUP. A table of commands
 * ends with an entry whose group is NULL.
 */
struct cli_command {
    const char *group, *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

extern const struct cli_command cli_node_commands[];
extern const struct cli_command cli_item_commands[];
extern const struct cli_command cli_user_commands[];
extern const struct cli_command cli_audit_commands[];
extern const struct cli_command cli_covenant_commands[];
extern const struct cli_command cli_peer_commands[];
extern const struct cli_command cli_policy_commands[];
extern const struct cli_command cli_label_commands[];
extern const struct cli_command cli_track_commands[];
extern const struct cli_command cli_watch_commands[];
extern const struct cli_command cli_demo_commands[];

/* Prints "gsomia: MESSAGE" to standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the diagnostics of d to standard error. */
void cli_print_diag(const struct gs_diag *d);

/*
 * Adds the scheme files paths[0..n) to p, reporting to d. For commands
 * that take --scheme FILE.
 */
int cli_load_schemes(struct gs_policy *p, char *const *paths, int n,
                     struct gs_diag *d);

/* The node folder: opt (from --node), else $GSOMIA_NODE; NULL (after
 * saying so) when neither is set. */
const char *cli_node_dir(const char *opt);
/* Opens the node of cli_node_dir(opt); prints why not. Returns an exit
 * status: EXIT_OK with *out set, or EXIT_FAIL / EXIT_USAGE. */
int cli_open_node(const char *opt, struct gs_node **out);
/* Writes data to path ("-": standard output), mode 0600, never
 * overwriting. Returns an exit status. */
int cli_write_file(const char *path, const void *data, size_t len);
/* Parses an item id given on the command line; EXIT_USAGE if bad. */
int cli_parse_id(const char *hex, uint8_t id[GS_ITEM_ID_LEN]);

struct gs_scenario;
struct gs_sensor;
struct gs_sim_plot;
/* The files of `gsomia sim` in dir: a sensors file and a plots file of the
 * radars of nation (NULL: all). count gets the number of plots written.
 * Return 0 or GS_ERR_IO (said). */
int cli_write_sensors(const char *dir, const char *name,
                      const struct gs_sensor *s, size_t n, const char *nation);
int cli_write_plots(const char *dir, const char *name,
                    const struct gs_scenario *sc, const struct gs_sim_plot *p,
                    size_t n, const char *nation, size_t *count);

/* Resolves the file references of simulate files: relative to the folder
 * of the file that names them. */
extern const struct gs_sim_loader cli_sim_loader;

#endif
