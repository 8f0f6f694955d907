/*
 * cmd_label.c - `gsomia label show|export|import`: read a label file, show
 * its marking, and convert it to and from STANAG 4774 XML.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "cli/cli.h"
#include "policy/label.h"
#include "policy/scheme.h"
#include "policy/stanag4774.h"

#define MAX_SCHEMES 16
/* parse_opts returns this when the command should go on, else an exit
 * status (--help, or wrong usage). */
#define OPTS_CONTINUE (-1)

/* Options every label command takes. */
struct label_opts {
    char *schemes[MAX_SCHEMES];
    int n_schemes;
    bool json, stanag;
};

static int parse_opts(int argc, char **argv, const char *usage,
                      bool allow_stanag, bool allow_json, struct label_opts *o)
{
    static const struct option opts[] = {
        {"scheme", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"stanag4774", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    memset(o, 0, sizeof(*o));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (o->n_schemes == MAX_SCHEMES) {
                cli_error("at most %d --scheme files", MAX_SCHEMES);
                return EXIT_USAGE;
            }
            o->schemes[o->n_schemes++] = optarg;
            break;
        case 'j':
            if (!allow_json)
                goto bad;
            o->json = true;
            break;
        case 'x':
            if (!allow_stanag)
                goto bad;
            o->stanag = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            goto bad;
        }
    }
    if (argc - optind != 1) {
        cli_error("exactly one FILE is needed");
        goto bad;
    }
    return OPTS_CONTINUE;
bad:
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/* Reads a label from a JSON file, or from XML when it starts with '<'. */
static int load_label(struct gs_policy *p, const char *path, struct gs_arena *a,
                      struct gs_label **out, struct gs_diag *d)
{
    struct gs_buf b;
    struct gs_pos pos = {path, 0, 0};
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    size_t i = 0;
    int rc;

    *out = NULL;
    gs_buf_init(&b, GS_JSON_MAX_FILE);
    rc = gs_buf_read_file(&b, path);
    if (rc < 0) {
        gs_diag_error(d, &pos, "%s",
                      rc == GS_ERR_NOT_FOUND ? "no such file"
                      : rc == GS_ERR_TOO_BIG ? "the file is too large"
                                             : "cannot read the file");
        gs_buf_free(&b);
        return rc;
    }
    while (i < b.len && (b.data[i] == ' ' || b.data[i] == '\n' ||
                         b.data[i] == '\t' || b.data[i] == '\r'))
        i++;
    if (i < b.len && b.data[i] == '<') {
        rc = gs_stanag4774_read(p, gs_buf_str(&b), b.len, name, a, out, d);
    } else {
        struct gs_jdoc doc;
        struct gs_jctx c = {&doc, d};

        rc = gs_jdoc_parse(&doc, name, gs_buf_str(&b), b.len, d);
        if (rc == 0)
            rc = gs_label_from_json(p, &c, doc.root, a, out);
        /* The label's strings live in the arena, not in doc. */
        gs_jdoc_free(&doc);
    }
    gs_buf_free(&b);
    return rc;
}

/* Loads the schemes and the label; on failure prints why. */
static int setup(const struct label_opts *o, const char *path,
                 struct gs_policy **p, struct gs_arena **a, struct gs_label **l)
{
    struct gs_diag d;
    int rc;

    gs_diag_init(&d);
    *p = gs_policy_new();
    *a = gs_arena_new();
    rc = cli_load_schemes(*p, o->schemes, o->n_schemes, &d);
    if (rc == 0)
        rc = load_label(*p, path, *a, l, &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    return rc;
}

static void print_json(json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2));

    puts(s);
    gs_free(s);
}

static const char show_usage[] =
    "usage: gsomia label show [--json] [--scheme FILE]... FILE\n"
    "\n"
    "Reads a label (JSON, or STANAG 4774 XML) and prints its marking line\n"
    "and fields.\n"
    "\n"
    "  --json         print the label as JSON, with its marking\n"
    "  --scheme FILE  a marking scheme file for a nation not built in\n"
    "  --help         print this help\n";

static int label_show(int argc, char **argv)
{
    struct label_opts o;
    struct gs_policy *p;
    struct gs_arena *a;
    struct gs_label *l;
    const struct gs_scheme *s;
    struct gs_buf b;
    size_t i;
    int rc = parse_opts(argc, argv, show_usage, false, true, &o);

    if (rc != OPTS_CONTINUE)
        return rc;
    rc = setup(&o, argv[optind], &p, &a, &l);
    if (rc == 0) {
        gs_buf_init(&b, 4096);
        gs_label_marking(l, &b);
        s = gs_policy_scheme(p, l->originator);
        if (o.json) {
            json_t *j = gs_label_to_json(l);

            json_object_set_new(j, "marking", json_string(gs_buf_str(&b)));
            json_object_set_new(j, "rank", json_string(gs_rank_name(l->rank)));
            print_json(j);
            json_decref(j);
        } else {
            char when[GS_TIME_STRLEN];

            printf("marking:         %s\n", gs_buf_str(&b));
            printf("originator:      %s (%s)\n", l->originator, s->government);
            printf("classification:  %s (%s)\n", l->classification,
                   gs_rank_name(l->rank));
            printf("releasable to:   ");
            for (i = 0; i < l->n_releasable_to; i++)
                printf("%s%s", i ? ", " : "", l->releasable_to[i]);
            printf("%s\ncategories:      ", l->n_releasable_to ? "" : "-");
            for (i = 0; i < l->n_categories; i++)
                printf("%s%s", i ? ", " : "", l->categories[i]);
            printf("%s\npurpose:         %s\n", l->n_categories ? "" : "-",
                   l->purpose);
            gs_buf_reset(&b);
            gs_derivative_words(l->derivatives, &b);
            printf("derivatives:     %s\n",
                   l->derivatives ? gs_buf_str(&b) : "- (none permitted)");
            gs_time_format(l->created, when, sizeof(when));
            printf("created:         %s\n", when);
            if (l->has_review) {
                gs_time_format(l->review, when, sizeof(when));
                printf("review:          %s\n", when);
            }
        }
        gs_buf_free(&b);
    }
    gs_arena_free(a);
    gs_policy_free(p);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char export_usage[] =
    "usage: gsomia label export --stanag4774 [--scheme FILE]... FILE\n"
    "\n"
    "Writes the label of FILE as a STANAG 4774 originator confidentiality\n"
    "label (XML) to standard output.\n";

static int label_export(int argc, char **argv)
{
    struct label_opts o;
    struct gs_policy *p;
    struct gs_arena *a;
    struct gs_label *l;
    struct gs_buf b;
    int rc = parse_opts(argc, argv, export_usage, true, false, &o);

    if (rc != OPTS_CONTINUE)
        return rc;
    if (!o.stanag) {
        cli_error("say which format: --stanag4774 (the only one for now)");
        return EXIT_USAGE;
    }
    rc = setup(&o, argv[optind], &p, &a, &l);
    if (rc == 0) {
        gs_buf_init(&b, GS_STANAG4774_MAX);
        rc = gs_stanag4774_write(l, &b);
        if (rc == 0)
            fwrite(b.data, 1, b.len, stdout);
        gs_buf_free(&b);
    }
    gs_arena_free(a);
    gs_policy_free(p);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char import_usage[] =
    "usage: gsomia label import [--scheme FILE]... FILE.xml\n"
    "\n"
    "Reads a STANAG 4774 originator confidentiality label and writes it as a\n"
    "gsomia label (JSON) to standard output. Anything the label holds that\n"
    "gsomia cannot honour (another policy, an unknown category) is an error,\n"
    "never dropped.\n";

static int label_import(int argc, char **argv)
{
    struct label_opts o;
    struct gs_policy *p;
    struct gs_arena *a;
    struct gs_label *l;
    int rc = parse_opts(argc, argv, import_usage, false, false, &o);

    if (rc != OPTS_CONTINUE)
        return rc;
    rc = setup(&o, argv[optind], &p, &a, &l);
    if (rc == 0) {
        json_t *j = gs_label_to_json(l);

        print_json(j);
        json_decref(j);
    }
    gs_arena_free(a);
    gs_policy_free(p);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cli_label_commands[] = {
    {"label", "show", "print a label's marking and fields", label_show},
    {"label", "export", "write a label as STANAG 4774 XML", label_export},
    {"label", "import", "read a STANAG 4774 XML label", label_import},
    {NULL, NULL, NULL, NULL},
};
