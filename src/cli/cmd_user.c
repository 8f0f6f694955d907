/*
 * cmd_user.c - `gsomia user add|list|register`: the register of cleared
 * people (GSOMIA Art. 6(e)) a security officer keeps.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "cli/cli.h"
#include "node/holding.h"

struct user_opts {
    const char *node, *clearance, *nationality, *categories, *purposes;
    const char *roles, *as;
    bool json;
};

static int user_opts(int argc, char **argv, const char *usage, int nargs,
                     struct user_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"clearance", required_argument, NULL, 'c'},
        {"nationality", required_argument, NULL, 'n'},
        {"categories", required_argument, NULL, 'C'},
        {"purposes", required_argument, NULL, 'p'},
        {"roles", required_argument, NULL, 'r'},
        {"as", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    memset(o, 0, sizeof(*o));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            o->node = optarg;
            break;
        case 'c':
            o->clearance = optarg;
            break;
        case 'n':
            o->nationality = optarg;
            break;
        case 'C':
            o->categories = optarg;
            break;
        case 'p':
            o->purposes = optarg;
            break;
        case 'r':
            o->roles = optarg;
            break;
        case 'a':
            o->as = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != nargs) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* "a,b,c" as a JSON array of strings ([] for NULL or ""). */
static json_t *split(const char *list)
{
    json_t *arr = json_array();
    const char *p = list, *comma;

    while (p != NULL && *p != '\0') {
        comma = strchr(p, ',');
        json_array_append_new(
            arr, json_stringn(p, comma ? (size_t)(comma - p) : strlen(p)));
        p = comma ? comma + 1 : NULL;
    }
    return arr;
}

static const char add_usage[] =
    "usage: gsomia user add NAME --clearance WORD [--nationality NATION]\n"
    "                       [--categories C,...] [--purposes P,...]\n"
    "                       [--roles R,...] [--as OFFICER] [--node DIR]\n"
    "\n"
    "Adds NAME to the register of cleared people, or replaces their entry.\n"
    "The clearance is a word of the scheme of the user's nation (by default\n"
    "this node's): 極秘, 군사II급비밀, SECRET... Categories are the "
    "restrictive\n"
    "need-to-know categories held; purposes the duties served; roles one of\n"
    "watch-officer, analyst, security-officer, operator, civil-defence.\n";

static int cmd_add(int argc, char **argv)
{
    struct user_opts o;
    struct gs_node *n;
    struct gs_diag d;
    json_t *u;
    int rc = user_opts(argc, argv, add_usage, 1, &o);

    if (rc >= 0)
        return rc;
    if (o.clearance == NULL) {
        cli_error("user add needs --clearance");
        return EXIT_USAGE;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    u = json_object();
    json_object_set_new(u, "name", json_string(argv[optind]));
    json_object_set_new(
        u, "nationality",
        json_string(o.nationality ? o.nationality : n->cfg.nation));
    json_object_set_new(u, "clearance", json_string(o.clearance));
    json_object_set_new(u, "categories", split(o.categories));
    json_object_set_new(u, "purposes", split(o.purposes));
    json_object_set_new(u, "roles", split(o.roles));
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0) {
        rc = gs_hold_user_put(n, u, o.as ? o.as : "node", &d);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
    }
    cli_print_diag(&d);
    if (rc == 0)
        printf("%s registered\n", argv[optind]);
    gs_diag_free(&d);
    json_decref(u);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

struct list_ctx {
    bool json, doc;
    json_t *arr;
    size_t count;
};

static void join(const json_t *arr, char *out, size_t n)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < json_array_size(arr) && used + 2 < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? "," : "",
                                 json_string_value(json_array_get(arr, i)));
    if (json_array_size(arr) == 0)
        snprintf(out, n, "-");
}

static int list_one(void *ctx, const struct gs_store_user *u)
{
    struct list_ctx *lc = ctx;
    json_error_t err;
    json_t *v = json_loads(u->json, 0, &err);
    char when[GS_TIME_STRLEN], cats[256], purposes[256], roles[256];

    if (v == NULL)
        return 0;
    lc->count++;
    gs_time_format(u->added, when, sizeof(when));
    if (lc->json) {
        json_object_set_new(v, "registered", json_string(when));
        json_array_append(lc->arr, v);
    } else {
        join(json_object_get(v, "categories"), cats, sizeof(cats));
        join(json_object_get(v, "purposes"), purposes, sizeof(purposes));
        join(json_object_get(v, "roles"), roles, sizeof(roles));
        if (lc->doc)
            printf("%zu. %s (%s): cleared %s since %.10s; need to know: %s; "
                   "duties: %s; roles: %s\n",
                   lc->count, u->name,
                   json_string_value(json_object_get(v, "nationality")),
                   json_string_value(json_object_get(v, "clearance")), when,
                   cats, purposes, roles);
        else
            printf("%-16s %-3s %-14s %-24s %-20s %s\n", u->name,
                   json_string_value(json_object_get(v, "nationality")),
                   json_string_value(json_object_get(v, "clearance")), cats,
                   purposes, roles);
    }
    json_decref(v);
    return 0;
}

static const char list_usage[] =
    "usage: gsomia user list [--json] [--node DIR]\n"
    "\n"
    "Lists the register of cleared people: name, nationality, clearance,\n"
    "need-to-know categories, purposes, roles.\n";

static int run_list(int argc, char **argv, const char *usage, bool doc)
{
    struct user_opts o;
    struct gs_node *n;
    struct list_ctx lc = {false, doc, NULL, 0};
    char when[GS_TIME_STRLEN];
    int rc = user_opts(argc, argv, usage, 0, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    lc.json = o.json && !doc;
    lc.arr = json_array();
    if (doc) {
        gs_time_format(gs_time_now(), when, sizeof(when));
        printf("REGISTER OF CLEARED PERSONS (GSOMIA Art. 6(e))\n"
               "facility: gsomia node %s of %s\n"
               "as of:    %s\n\n",
               n->cfg.name, n->cfg.nation, when);
    } else if (!lc.json) {
        printf("%-16s %-3s %-14s %-24s %-20s %s\n", "NAME", "NAT", "CLEARANCE",
               "NEED TO KNOW", "PURPOSES", "ROLES");
    }
    rc = gs_store_user_list(n->store, list_one, &lc);
    if (lc.json) {
        char *s = json_dumps(lc.arr, JSON_INDENT(2));

        puts(s);
        gs_free(s);
    } else if (doc) {
        printf("\n%zu person%s. Access needs a clearance and a need to know "
               "for official duties, never rank or position alone (Art. 7).\n",
               lc.count, lc.count == 1 ? "" : "s");
    }
    json_decref(lc.arr);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int cmd_list(int argc, char **argv)
{
    return run_list(argc, argv, list_usage, false);
}

static const char register_usage[] =
    "usage: gsomia user register [--node DIR]\n"
    "\n"
    "Prints the register of cleared people of this facility as a document\n"
    "(GSOMIA Art. 6(e)), for the security officer to sign and keep.\n";

static int cmd_register(int argc, char **argv)
{
    return run_list(argc, argv, register_usage, true);
}

const struct cli_command cli_user_commands[] = {
    {"user", "add", "register a cleared person", cmd_add},
    {"user", "list", "list the register of cleared people", cmd_list},
    {"user", "register", "print the register as a document", cmd_register},
    {NULL, NULL, NULL, NULL},
};
