/*
 * cmd_node.c - `gsomia init` and `gsomia identity export|show|import`:
 * creating a node, and exchanging public identities with partners.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "cli/cli.h"

static const char init_usage[] =
    "usage: gsomia init DIR --nation NATION [--name NAME]\n"
    "                   [--listen HOST:PORT] [--hub]\n"
    "\n"
    "Creates a node in DIR (which must not exist, or be empty): its\n"
    "configuration, Ed25519 signing key, storage key, nation CA and TLS\n"
    "certificate, and its store with the first audit record.\n"
    "\n"
    "  --nation NATION  the nation the node acts for (JPN, KOR, USA, ...)\n"
    "  --name NAME      the node's name (default: the nation in lower case)\n"
    "  --listen ADDR    where `gsomia serve` accepts partners' connections\n"
    "  --hub            forward what is received to the other peers\n"
    "                   wherever the policy allows (a hub nation)\n";

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"nation", required_argument, NULL, 'n'},
        {"name", required_argument, NULL, 'm'},
        {"listen", required_argument, NULL, 'l'},
        {"hub", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *nation = NULL, *name = NULL, *listen = NULL;
    bool hub = false;
    char lower[GS_NATION_SIZE];
    struct gs_diag d;
    int opt, rc, i;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            nation = optarg;
            break;
        case 'm':
            name = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 'H':
            hub = true;
            break;
        case 'h':
            fputs(init_usage, stdout);
            return EXIT_OK;
        default:
            fputs(init_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1 || nation == NULL) {
        cli_error("init needs DIR and --nation");
        fputs(init_usage, stderr);
        return EXIT_USAGE;
    }
    if (name == NULL && strlen(nation) == 3) {
        for (i = 0; i < 3; i++)
            lower[i] = (char)(nation[i] | 0x20);
        lower[3] = '\0';
        name = lower;
    }
    gs_diag_init(&d);
    rc = gs_node_init(argv[optind], nation, name ? name : "node", listen, hub,
                      &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    if (rc < 0)
        return EXIT_FAIL;
    printf("node %s of %s created in %s\n", name, nation, argv[optind]);
    printf("next: `gsomia identity show --node %s`, then exchange identity "
           "files with your partners\n",
           argv[optind]);
    return EXIT_OK;
}

/* Options of the identity commands; id_opts returns an exit status, or
 * -1 to carry on. */
struct id_opts {
    const char *node, *out;
};

static int id_opts(int argc, char **argv, const char *usage, int nargs,
                   struct id_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    memset(o, 0, sizeof(*o));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            o->node = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > nargs) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return -1; /* carry on */
}

static const char export_usage[] =
    "usage: gsomia identity export [--node DIR] [-o FILE]\n"
    "\n"
    "Writes this node's public identity (nation, name, signing key, CA\n"
    "certificate) as JSON, for partners to import. Nothing secret is in it.\n";

static int cmd_identity_export(int argc, char **argv)
{
    struct id_opts o;
    struct gs_node *n;
    json_t *id;
    char *text;
    int rc = id_opts(argc, argv, export_usage, 0, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    id = gs_node_identity(n);
    text = json_dumps(id, JSON_INDENT(2));
    {
        struct gs_buf b;

        gs_buf_init(&b, GS_JSON_MAX_FILE);
        gs_buf_printf(&b, "%s\n", text);
        rc = cli_write_file(o.out != NULL ? o.out : "-", b.data, b.len);
        gs_buf_free(&b);
    }
    gs_free(text);
    json_decref(id);
    gs_node_close(n);
    return rc;
}

static int print_fingerprints(const json_t *v, const char *file)
{
    struct gs_identity id;
    struct gs_diag d;
    struct gs_jctx c = {NULL, &d};
    char key[64], ca[64];
    int rc;

    gs_diag_init(&d);
    rc = gs_identity_from_json(&c, v, &id);
    if (rc < 0) {
        cli_error("%s: %s", file, gs_diag_first(&d));
        gs_diag_free(&d);
        return EXIT_FAIL;
    }
    gs_identity_fingerprints(&id, key, sizeof(key), ca, sizeof(ca));
    printf("nation:       %s\n", id.nation);
    printf("node:         %s\n", id.name);
    printf("signing key:  %s\n", key);
    printf("CA:           %s\n", ca);
    gs_identity_free(&id);
    gs_diag_free(&d);
    return EXIT_OK;
}

static const char show_usage[] =
    "usage: gsomia identity show [--node DIR] [FILE]\n"
    "\n"
    "Prints the fingerprints of this node's identity, or of the identity\n"
    "file FILE, for two people to compare over the phone before a partner's\n"
    "identity is imported.\n";

static int cmd_identity_show(int argc, char **argv)
{
    struct id_opts o;
    struct gs_node *n;
    struct gs_jdoc doc;
    struct gs_diag d;
    json_t *id;
    int rc = id_opts(argc, argv, show_usage, 1, &o);

    if (rc >= 0)
        return rc;
    if (optind < argc) {
        gs_diag_init(&d);
        rc = gs_jdoc_load(&doc, argv[optind], GS_JSON_MAX_FILE, &d);
        cli_print_diag(&d);
        if (rc == 0)
            rc = print_fingerprints(doc.root, argv[optind]);
        else
            rc = EXIT_FAIL;
        gs_jdoc_free(&doc);
        gs_diag_free(&d);
        return rc;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    id = gs_node_identity(n);
    rc = print_fingerprints(id, "this node");
    json_decref(id);
    gs_node_close(n);
    return rc;
}

static const char import_usage[] =
    "usage: gsomia identity import [--node DIR] FILE\n"
    "\n"
    "Imports a partner's identity file: its signing key verifies the items\n"
    "and tree heads that nation signs, its CA the nation's TLS certificates.\n"
    "Compare `gsomia identity show FILE` with the partner first.\n";

static int cmd_identity_import(int argc, char **argv)
{
    struct id_opts o;
    struct gs_node *n = NULL;
    struct gs_identity id;
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    char *text = NULL;
    int rc = id_opts(argc, argv, import_usage, 1, &o);

    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        fputs(import_usage, stderr);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    memset(&id, 0, sizeof(id));
    rc = gs_jdoc_load(&doc, argv[optind], GS_JSON_MAX_FILE, &d);
    if (rc == 0)
        rc = gs_identity_from_json(&c, doc.root, &id);
    cli_print_diag(&d);
    if (rc == 0 && cli_open_node(o.node, &n) != EXIT_OK)
        rc = -1;
    if (rc == 0 && strcmp(id.nation, n->cfg.nation) == 0) {
        cli_error("%s is this node's own nation; import partners' "
                  "identities",
                  id.nation);
        rc = -1;
    }
    if (rc == 0) {
        text = json_dumps(doc.root, JSON_COMPACT | JSON_SORT_KEYS);
        rc = gs_node_begin(n);
        if (rc == 0)
            rc = gs_node_identity_import(n, &id, text);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
        if (rc == 0)
            printf("identity of %s (%s) imported\n", id.nation, id.name);
        else
            cli_error("cannot import the identity");
    }
    gs_free(text);
    gs_identity_free(&id);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cli_node_commands[] = {
    {"init", NULL, "create a node directory", cmd_init},
    {"identity", "export", "write this node's public identity",
     cmd_identity_export},
    {"identity", "show", "print identity fingerprints to compare",
     cmd_identity_show},
    {"identity", "import", "trust a partner's identity file",
     cmd_identity_import},
    {NULL, NULL, NULL, NULL},
};
