/*
 * cmd_policy.c - `gsomia policy simulate` and `gsomia policy lint`: the
 * security officer's tools for trying agreements, consents and labels
 * before they are used.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/json.h"
#include "base/text.h"
#include "cli/cli.h"
#include "policy/lint.h"
#include "policy/simulate.h"

static const char simulate_usage[] =
    "usage: gsomia policy simulate [--table] FILE\n"
    "\n"
    "Evaluates the release, access and derivative (\"derive\":\n"
    "\"civil-warning\") cases of FILE against the schemes, agreements,\n"
    "consents and revocations it holds (docs/formats.md), and prints one\n"
    "JSON object per case, in order:\n"
    "  {\"name\", \"decision\": \"allow\"|\"deny\", \"reason\", \"detail\",\n"
    "   \"marking\" (allowed releases)}\n"
    "An entry of \"agreements\" (or schemes, consents, revocations) may be\n"
    "a file name, relative to FILE's folder, instead of an object.\n"
    "FILE is checked whole first: on any error nothing is evaluated, the\n"
    "errors are printed as FILE:LINE:COLUMN and the exit status is 1.\n"
    "\n"
    "  --table   print an aligned table for people instead of JSON\n"
    "  --help    print this help\n";

static void pad(const char *s, size_t width)
{
    size_t w = gs_utf8_width(s);

    fputs(s, stdout);
    for (; w < width; w++)
        putchar(' ');
}

static const char *field(const json_t *row, const char *key)
{
    const char *s = json_string_value(json_object_get(row, key));

    return s != NULL ? s : "";
}

static void print_table(const json_t *results)
{
    static const char *const cols[] = {"name", "decision", "reason", "marking"};
    static const char *const heads[] = {"CASE", "DECISION", "REASON",
                                        "MARKING"};
    size_t width[4], i, k;
    const json_t *row;

    for (k = 0; k < 4; k++)
        width[k] = gs_utf8_width(heads[k]);
    json_array_foreach(results, i, row)
    {
        for (k = 0; k < 4; k++) {
            size_t w = gs_utf8_width(field(row, cols[k]));

            if (w > width[k])
                width[k] = w;
        }
    }
    for (k = 0; k < 4; k++) {
        pad(heads[k], k < 3 ? width[k] + 2 : 0);
    }
    putchar('\n');
    json_array_foreach(results, i, row)
    {
        for (k = 0; k < 4; k++)
            pad(field(row, cols[k]), k < 3 ? width[k] + 2 : 0);
        printf("\n    %s\n", field(row, "detail"));
    }
}

static int policy_simulate(int argc, char **argv)
{
    static const struct option opts[] = {{"table", no_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct gs_diag d;
    struct gs_jdoc doc;
    json_t *results = NULL, *row;
    bool table = false;
    size_t i;
    int opt, rc = EXIT_FAIL;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 't':
            table = true;
            break;
        case 'h':
            fputs(simulate_usage, stdout);
            return EXIT_OK;
        default:
            fputs(simulate_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("policy simulate needs exactly one FILE");
        fputs(simulate_usage, stderr);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    if (gs_jdoc_load(&doc, argv[optind], GS_JSON_MAX_FILE, &d) == 0 &&
        gs_simulate(&doc, &cli_sim_loader, &d, &results) == 0) {
        if (table) {
            print_table(results);
        } else {
            json_array_foreach(results, i, row)
            {
                char *line = json_dumps(row, JSON_COMPACT);

                puts(line);
                gs_free(line);
            }
        }
        rc = EXIT_OK;
    }
    cli_print_diag(&d);
    json_decref(results);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return rc;
}

static const char lint_usage[] =
    "usage: gsomia policy lint [--at TIME] [--strict] FILE...\n"
    "\n"
    "Checks agreement, scheme, label, consent, revocation, user and simulate\n"
    "files (a file holds one object or an array of them) and reports every\n"
    "problem as FILE:LINE:COLUMN: unknown words, equivalence rows whose words\n"
    "differ in rank, bad dates, overlapping agreements, expired consents.\n"
    "Files may use each other: schemes are read before the agreements that\n"
    "use their words, consents before their revocations.\n"
    "\n"
    "  --at TIME   judge expiry at this RFC 3339 time instead of now\n"
    "  --strict    fail (exit 1) on warnings too\n"
    "  --help      print this help\n";

static int policy_lint(int argc, char **argv)
{
    static const struct option opts[] = {{"at", required_argument, NULL, 'a'},
                                         {"strict", no_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct gs_jdoc *docs;
    struct gs_diag d;
    gs_time_t now = gs_time_now();
    bool strict = false;
    int opt, i, n, rc;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if (gs_time_parse(optarg, &now) < 0) {
                cli_error("--at: \"%s\" is not an RFC 3339 time such as "
                          "2024-01-10T00:00:00Z",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            strict = true;
            break;
        case 'h':
            fputs(lint_usage, stdout);
            return EXIT_OK;
        default:
            fputs(lint_usage, stderr);
            return EXIT_USAGE;
        }
    }
    n = argc - optind;
    if (n < 1) {
        cli_error("policy lint needs at least one FILE");
        fputs(lint_usage, stderr);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    docs = gs_calloc((size_t)n, sizeof(*docs));
    /* A file that cannot be read is reported; the others are still
     * checked (gs_policy_lint skips documents without a root). */
    for (i = 0; i < n; i++)
        (void)gs_jdoc_load(&docs[i], argv[optind + i], GS_JSON_MAX_FILE, &d);
    gs_policy_lint(docs, (size_t)n, now, &cli_sim_loader, &d);
    cli_print_diag(&d);
    rc = d.errors > 0 || (strict && d.warnings > 0) ? EXIT_FAIL : EXIT_OK;
    if (rc == EXIT_OK)
        printf("%d file%s checked: %zu error%s, %zu warning%s\n", n,
               n == 1 ? "" : "s", d.errors, d.errors == 1 ? "" : "s",
               d.warnings, d.warnings == 1 ? "" : "s");
    else
        fprintf(stderr, "%d file%s checked: %zu error%s, %zu warning%s\n", n,
                n == 1 ? "" : "s", d.errors, d.errors == 1 ? "" : "s",
                d.warnings, d.warnings == 1 ? "" : "s");
    for (i = 0; i < n; i++)
        gs_jdoc_free(&docs[i]);
    gs_free(docs);
    gs_diag_free(&d);
    return rc;
}

const struct cli_command cli_policy_commands[] = {
    {"policy", "simulate", "evaluate what-if release and access cases",
     policy_simulate},
    {"policy", "lint", "check policy files before they are used", policy_lint},
    {NULL, NULL, NULL, NULL},
};
