/*
 * cmd_covenant.c - `gsomia agreement propose|sign|list` and `gsomia
 * consent grant|revoke`: policy objects as signed items (node/covenant.h).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "node/covenant.h"

#define NOTIFY_MAX 16

struct cov_opts {
    const char *node, *as, *at;
    const char *notify[NOTIFY_MAX];
    size_t n_notify;
};

static int cov_opts(int argc, char **argv, const char *usage, int nargs,
                    bool notify_ok, struct cov_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"as", required_argument, NULL, 'a'},
        {"at", required_argument, NULL, 't'},
        {"notify", required_argument, NULL, 'n'},
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
        case 'a':
            o->as = optarg;
            break;
        case 't':
            o->at = optarg;
            break;
        case 'n':
            if (o->n_notify == NOTIFY_MAX) {
                cli_error("--notify is given at most %d times", NOTIFY_MAX);
                return EXIT_USAGE;
            }
            o->notify[o->n_notify++] = optarg;
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
    if (o->n_notify > 0 && !notify_ok) {
        cli_error("--notify is an option of `agreement propose` only");
        return EXIT_USAGE;
    }
    return -1;
}

/* Makes a policy object of kind from text; prints its item id. */
static int propose(const struct cov_opts *o, enum gs_kind kind,
                   const char *text, const char *file)
{
    struct gs_node *n;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN];
    char hex[GS_ITEM_ID_HEX];
    int rc = cli_open_node(o->node, &n);

    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0) {
        rc = gs_node_propose(n, kind, text, file, o->as ? o->as : "node",
                             o->notify, o->n_notify, id, &d);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
    }
    cli_print_diag(&d);
    if (rc == 0) {
        gs_item_id_hex(id, hex);
        puts(hex);
    }
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int read_text(const char *path, struct gs_buf *b)
{
    gs_buf_init(b, GS_JSON_MAX_FILE);
    if (gs_buf_read_file(b, path) < 0) {
        cli_error("cannot read %s", path);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static const char propose_usage[] =
    "usage: gsomia agreement propose FILE [--notify NATION]... [--as USER]\n"
    "                                [--node DIR]\n"
    "\n"
    "Makes the agreement of FILE (docs/formats.md) an item signed by this\n"
    "node, which must be a party. It takes effect when every party has\n"
    "signed the same item: peers receive it by themselves; otherwise send it\n"
    "to them (`gsomia item export --to`), they import it and run `gsomia\n"
    "agreement sign`. --notify also sends it to a nation that is not a\n"
    "party, so that it knows the agreement exists: a partner that relays\n"
    "one party's information to the other needs to (the US hub, or Japan\n"
    "passing a fused track with Korean data to the US). Prints the item id.\n";

static int cmd_propose(int argc, char **argv)
{
    struct cov_opts o;
    struct gs_buf b;
    int rc = cov_opts(argc, argv, propose_usage, 1, true, &o);

    if (rc >= 0)
        return rc;
    rc = read_text(argv[optind], &b);
    if (rc == EXIT_OK)
        rc = propose(&o, GS_KIND_AGREEMENT, gs_buf_str(&b), argv[optind]);
    gs_buf_free(&b);
    return rc;
}

static const char sign_usage[] =
    "usage: gsomia agreement sign ITEM-ID [--as USER] [--node DIR]\n"
    "\n"
    "Adds this node's signature to an agreement item it holds and is a party\n"
    "to. Send the signed item back to the other parties.\n";

static int cmd_sign(int argc, char **argv)
{
    struct cov_opts o;
    struct gs_node *n;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN];
    int rc = cov_opts(argc, argv, sign_usage, 1, false, &o);

    if (rc >= 0)
        return rc;
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        return EXIT_USAGE;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0) {
        rc = gs_node_cosign(n, id, o.as ? o.as : "node", &d);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
    }
    cli_print_diag(&d);
    if (rc == 0)
        printf("signed by %s\n", n->cfg.nation);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int list_one(void *ctx, const struct gs_covenant *c)
{
    char hex[GS_ITEM_ID_HEX];

    (void)ctx;
    gs_item_id_hex(c->item, hex);
    printf("%.16s  %-10s %-16s %-11s signed by %s%s%s\n", hex,
           gs_kind_name(c->kind), c->id ? c->id : "?",
           c->in_effect ? "in effect" : "NOT IN EFFECT", c->signed_by,
           c->missing[0] ? "; awaiting " : "", c->missing);
    if (c->problem != NULL && c->missing[0] == '\0')
        printf("                  %s\n", c->problem);
    return 0;
}

static const char list_usage[] =
    "usage: gsomia agreement list [--node DIR]\n"
    "\n"
    "Lists the agreements, consents and revocations held, who signed them,\n"
    "and whether they take effect here (and why not).\n";

static int cmd_list(int argc, char **argv)
{
    struct cov_opts o;
    struct gs_node *n;
    int rc = cov_opts(argc, argv, list_usage, 0, false, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    rc = gs_node_covenants(n, list_one, NULL);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char grant_usage[] =
    "usage: gsomia consent grant FILE [--as USER] [--node DIR]\n"
    "\n"
    "Grants the consent of FILE (docs/formats.md): this node's nation, as\n"
    "originator, lets the holder pass its information to the third party,\n"
    "or (\"derivatives\") make the derivatives it names, such as civil\n"
    "warnings. Send the item to the holder. Prints the item id.\n";

static int cmd_grant(int argc, char **argv)
{
    struct cov_opts o;
    struct gs_buf b;
    int rc = cov_opts(argc, argv, grant_usage, 1, false, &o);

    if (rc >= 0)
        return rc;
    rc = read_text(argv[optind], &b);
    if (rc == EXIT_OK)
        rc = propose(&o, GS_KIND_CONSENT, gs_buf_str(&b), argv[optind]);
    gs_buf_free(&b);
    return rc;
}

static const char revoke_usage[] =
    "usage: gsomia consent revoke CONSENT-ID [--at TIME] [--as USER]\n"
    "                             [--node DIR]\n"
    "\n"
    "Revokes a consent this node's nation granted, from TIME (default now):\n"
    "every release decided at or after it is no longer covered. Send the\n"
    "revocation to the holder. Prints the item id.\n";

static int cmd_revoke(int argc, char **argv)
{
    struct cov_opts o;
    struct gs_node *n;
    char when[GS_TIME_STRLEN], text[512];
    gs_time_t at = gs_time_now();
    int rc = cov_opts(argc, argv, revoke_usage, 1, false, &o);

    if (rc >= 0)
        return rc;
    if (o.at != NULL && gs_time_parse(o.at, &at) < 0) {
        cli_error("--at %s is not an RFC 3339 time", o.at);
        return EXIT_USAGE;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_time_format(at, when, sizeof(when));
    {
        json_t *v = json_object();
        char *s;

        json_object_set_new(v, "consent", json_string(argv[optind]));
        json_object_set_new(v, "grantor", json_string(n->cfg.nation));
        json_object_set_new(v, "at", json_string(when));
        s = json_dumps(v, JSON_INDENT(2));
        snprintf(text, sizeof(text), "%s\n", s);
        free(s);
        json_decref(v);
    }
    gs_node_close(n);
    return propose(&o, GS_KIND_REVOCATION, text, "revocation");
}

const struct cli_command cli_covenant_commands[] = {
    {"agreement", "propose", "make an agreement item signed by this node",
     cmd_propose},
    {"agreement", "sign", "co-sign an agreement item as a party", cmd_sign},
    {"agreement", "list", "list agreements, consents, revocations", cmd_list},
    {"consent", "grant", "grant a consent as originator", cmd_grant},
    {"consent", "revoke", "revoke a consent granted", cmd_revoke},
    {NULL, NULL, NULL, NULL},
};
