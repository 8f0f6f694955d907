/*
 * main.c - `gsomia`, the one command: finds the subcommand and runs it.
 * Each group of subcommands lives in its own cmd_*.c file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "item/key.h"

static const struct cli_command *const groups[] = {
    cli_node_commands,   cli_peer_commands,     cli_item_commands,
    cli_user_commands,   cli_covenant_commands, cli_audit_commands,
    cli_policy_commands, cli_label_commands,    cli_track_commands,
    cli_watch_commands,  cli_demo_commands,
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(FILE *out)
{
    size_t g;
    const struct cli_command *c;

    fprintf(out,
            "usage: gsomia COMMAND [SUBCOMMAND] [OPTIONS] [ARGS]\n"
            "\n"
            "gsomia shares classified military information between allied\n"
            "nations under their security agreements, and enforces them.\n"
            "\n"
            "Commands:\n");
    for (g = 0; g < N_GROUPS; g++)
        for (c = groups[g]; c->group != NULL; c++)
            fprintf(out, "  %-10s %-10s %s\n", c->group, c->name ? c->name : "",
                    c->summary);
    fprintf(out, "\n"
                 "Run `gsomia COMMAND SUBCOMMAND --help` for the options of "
                 "each.\n"
                 "Exit status: 0 success, 1 failure, 2 wrong usage.\n");
}

int main(int argc, char **argv)
{
    if (gs_crypto_init() < 0) {
        cli_error("cannot initialise the cryptographic library");
        return EXIT_FAIL;
    }
    const struct cli_command *c;
    bool known_group = false;
    size_t g;

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("gsomia %s\n", GSOMIA_VERSION);
        return EXIT_OK;
    }
    for (g = 0; g < N_GROUPS; g++) {
        for (c = groups[g]; c->group != NULL; c++) {
            if (strcmp(c->group, argv[1]) != 0)
                continue;
            if (c->name == NULL)
                return c->run(argc - 1, argv + 1);
            known_group = true;
            if (argc >= 3 && strcmp(c->name, argv[2]) == 0)
                return c->run(argc - 2, argv + 2);
        }
    }
    if (known_group) {
        if (argc < 3)
            cli_error("`%s` needs a subcommand; see `gsomia --help`", argv[1]);
        else if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
            for (g = 0; g < N_GROUPS; g++)
                for (c = groups[g]; c->group != NULL; c++)
                    if (strcmp(c->group, argv[1]) == 0)
                        printf("gsomia %s %-10s %s\n", c->group, c->name,
                               c->summary);
            return EXIT_OK;
        } else
            cli_error("`%s %s` is not a command; see `gsomia --help`", argv[1],
                      argv[2]);
        return EXIT_USAGE;
    }
    cli_error("`%s` is not a command; see `gsomia --help`", argv[1]);
    return EXIT_USAGE;
}
