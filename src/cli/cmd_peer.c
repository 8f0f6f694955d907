/*
 * cmd_peer.c - `gsomia serve`, `gsomia peer add|list|status` and `gsomia
 * audit witness`: running the node and watching its partners.
 */
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "node/client.h"
#include "node/serve.h"

struct peer_opts {
    const char *node, *address, *cot;
    bool json;
};

static int peer_opts(int argc, char **argv, const char *usage, int nargs,
                     bool cot_ok, struct peer_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"address", required_argument, NULL, 'a'},
        {"cot", required_argument, NULL, 'c'},
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
        case 'a':
            o->address = optarg;
            break;
        case 'c':
            o->cot = optarg;
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
    if (o->cot != NULL && !cot_ok) {
        cli_error("--cot is an option of `gsomia serve` only");
        return EXIT_USAGE;
    }
    return -1;
}

static const char serve_usage[] =
    "usage: gsomia serve [--cot HOST:PORT] [--node DIR]\n"
    "\n"
    "Runs the node: listens for peers ([listen] address of gsomia.conf),\n"
    "connects to the peers added with `gsomia peer add`, and shares items\n"
    "with them over mutual TLS 1.3 wherever the agreements allow. A node\n"
    "with radars ([watch]) takes their plots on its local socket (`gsomia\n"
    "feed`), tracks, fuses, alerts and, with [warning], issues civil\n"
    "warnings (docs/alerting.md). Stops cleanly on SIGTERM or SIGINT. Logs\n"
    "go to standard error.\n"
    "\n"
    "  --cot HOST:PORT  send the fused picture as Cursor-on-Target events\n"
    "                   over UDP (overrides [cot] address)\n";

static int cmd_serve(int argc, char **argv)
{
    struct peer_opts o;
    struct gs_diag d;
    const char *dir;
    int rc = peer_opts(argc, argv, serve_usage, 0, true, &o);

    if (rc >= 0)
        return rc;
    if (o.cot != NULL) {
        char host[GS_ADDRESS_MAX];
        int port;

        if (gs_address_parse(o.cot, host, sizeof(host), &port) < 0) {
            cli_error("--cot must be HOST:PORT, such as 127.0.0.1:6969");
            return EXIT_USAGE;
        }
    }
    dir = cli_node_dir(o.node);
    if (dir == NULL)
        return EXIT_USAGE;
    gs_diag_init(&d);
    rc = gs_serve(dir, o.cot, &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char add_usage[] =
    "usage: gsomia peer add IDENTITY-FILE [--address HOST:PORT] [--node DIR]\n"
    "\n"
    "Makes the nation of IDENTITY-FILE a peer: imports its identity (its\n"
    "signing key and CA; compare `gsomia identity show IDENTITY-FILE` with\n"
    "the partner first) and, with --address, dials it there. Without an\n"
    "address the node waits for the peer to connect.\n";

static int cmd_add(int argc, char **argv)
{
    struct peer_opts o;
    struct gs_node *n = NULL;
    struct gs_identity id;
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    char host[GS_ADDRESS_MAX], *text = NULL;
    int port, rc = peer_opts(argc, argv, add_usage, 1, false, &o);

    if (rc >= 0)
        return rc;
    if (o.address != NULL &&
        (strlen(o.address) >= GS_ADDRESS_MAX ||
         gs_address_parse(o.address, host, sizeof(host), &port) < 0)) {
        cli_error("--address %s must be HOST:PORT, such as 127.0.0.1:7401",
                  o.address);
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
        cli_error("%s is this node's own nation", id.nation);
        rc = -1;
    }
    if (rc == 0) {
        text = json_dumps(doc.root, JSON_COMPACT | JSON_SORT_KEYS);
        rc = gs_node_begin(n);
        if (rc == 0)
            rc = gs_node_identity_import(n, &id, text);
        if (rc == 0)
            rc = gs_store_peer_put(n->store, id.nation,
                                   o.address ? o.address : "");
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
        if (rc == 0)
            printf("%s (%s) is a peer%s%s\n", id.nation, id.name,
                   o.address ? ", at " : "; it will connect to this node",
                   o.address ? o.address : "");
    }
    free(text);
    gs_identity_free(&id);
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int list_one(void *ctx, const struct gs_store_peer *p)
{
    (void)ctx;
    printf("%-3s  %-24s queued %llu, acknowledged up to %llu, received up "
           "to %llu\n",
           p->nation, p->address[0] ? p->address : "(waits)",
           (unsigned long long)(p->next_out - 1 - p->acked_out),
           (unsigned long long)p->acked_out,
           (unsigned long long)p->received_in);
    return 0;
}

static const char list_usage[] =
    "usage: gsomia peer list [--node DIR]\n"
    "\n"
    "Lists the peers of this node, their addresses and queues.\n";

static int cmd_list(int argc, char **argv)
{
    struct peer_opts o;
    struct gs_node *n;
    int rc = peer_opts(argc, argv, list_usage, 0, false, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    rc = gs_store_peer_list(n->store, list_one, NULL);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char status_usage[] =
    "usage: gsomia peer status [--json] [--node DIR]\n"
    "\n"
    "Shows the running node's peers: connected or not, since when, items\n"
    "queued, last acknowledged, round-trip time. Read from the node's\n"
    "DIR/run/status.json, written every second while it runs.\n";

static int cmd_status(int argc, char **argv)
{
    struct peer_opts o;
    struct gs_jdoc doc;
    struct gs_diag d;
    const char *dir;
    char *path;
    struct gs_buf b;
    const json_t *peers, *p;
    gs_time_t updated = 0;
    size_t i;
    int rc = peer_opts(argc, argv, status_usage, 0, false, &o);

    if (rc >= 0)
        return rc;
    dir = cli_node_dir(o.node);
    if (dir == NULL)
        return EXIT_USAGE;
    gs_buf_init(&b, 4096);
    gs_buf_printf(&b, "%s/run/status.json", dir);
    path = gs_strdup(gs_buf_str(&b));
    gs_buf_free(&b);
    gs_diag_init(&d);
    rc = gs_jdoc_load(&doc, path, GS_JSON_MAX_FILE, NULL);
    gs_free(path);
    if (rc < 0) {
        cli_error("the node of %s is not running (no run/status.json); start "
                  "it with `gsomia serve`",
                  dir);
        gs_diag_free(&d);
        return EXIT_FAIL;
    }
    gs_time_parse(json_string_value(json_object_get(doc.root, "updated"))
                      ? json_string_value(json_object_get(doc.root, "updated"))
                      : "",
                  &updated);
    if (gs_time_now() - updated > 5 * GS_USEC_PER_SEC ||
        kill((pid_t)json_integer_value(json_object_get(doc.root, "pid")), 0) !=
            0) {
        cli_error("the node of %s is not running (its status is stale)", dir);
        gs_jdoc_free(&doc);
        gs_diag_free(&d);
        return EXIT_FAIL;
    }
    if (o.json) {
        char *s = json_dumps(doc.root, JSON_INDENT(2));

        puts(s);
        free(s);
    } else {
        printf("node %s of %s, serving since %s%s\n",
               json_string_value(json_object_get(doc.root, "name")),
               json_string_value(json_object_get(doc.root, "nation")),
               json_string_value(json_object_get(doc.root, "started")),
               json_is_true(json_object_get(doc.root, "hub")) ? " (hub)" : "");
        printf("%-3s  %-9s %-29s %8s %12s %10s\n", "", "STATE", "SINCE",
               "QUEUED", "LAST ACKED", "RTT");
        peers = json_object_get(doc.root, "peers");
        json_array_foreach(peers, i, p)
        {
            const json_t *rtt = json_object_get(p, "rtt_ms");
            char rtts[32] = "-";

            if (rtt != NULL)
                snprintf(rtts, sizeof(rtts), "%.3f ms", json_number_value(rtt));
            printf(
                "%-3s  %-9s %-29s %8lld %12lld %10s\n",
                json_string_value(json_object_get(p, "nation")),
                json_is_true(json_object_get(p, "connected")) ? "connected"
                                                              : "down",
                json_object_get(p, "since")
                    ? json_string_value(json_object_get(p, "since"))
                    : "-",
                (long long)json_integer_value(json_object_get(p, "queued")),
                (long long)json_integer_value(json_object_get(p, "last_acked")),
                rtts);
        }
    }
    gs_jdoc_free(&doc);
    gs_diag_free(&d);
    return EXIT_OK;
}

static int print_witness(void *ctx, const struct gs_witness *w)
{
    size_t *count = ctx;
    char when[GS_TIME_STRLEN], root[17];
    size_t i;

    for (i = 0; i < 8; i++)
        snprintf(root + 2 * i, 3, "%02x", w->head.root[i]);
    gs_time_format(w->head.time, when, sizeof(when));
    printf("%-3s  size %-8llu root %s...  signed %s\n", w->nation,
           (unsigned long long)w->head.size, root, when);
    (*count)++;
    return 0;
}

struct alerts {
    size_t count;
};

static int print_alert(void *ctx, const struct gs_store_record *r)
{
    struct alerts *a = ctx;
    json_error_t err;
    json_t *v = json_loads(r->data, 0, &err);
    const char *action = json_string_value(json_object_get(v, "action"));

    if (action != NULL && strcmp(action, "witness") == 0) {
        printf("INCONSISTENT  %s  %s\n",
               json_string_value(json_object_get(v, "time")),
               json_string_value(json_object_get(v, "detail")));
        a->count++;
    }
    json_decref(v);
    return 0;
}

static const char witness_usage[] =
    "usage: gsomia audit witness [--node DIR]\n"
    "\n"
    "Shows the partners' signed audit tree heads this node received and\n"
    "checked (each new head must be consistent with the previous one), and\n"
    "every inconsistency found. Exit status 1 when there is one.\n";

static int cmd_witness(int argc, char **argv)
{
    struct peer_opts o;
    struct gs_node *n;
    struct alerts a = {0};
    size_t count = 0;
    int rc = peer_opts(argc, argv, witness_usage, 0, false, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    rc = gs_store_witness_list(n->store, print_witness, &count);
    if (rc == 0)
        rc = gs_store_audit_list(n->store, 0, print_alert, &a);
    printf("%zu partner tree heads held; %zu inconsistenc%s\n", count, a.count,
           a.count == 1 ? "y" : "ies");
    gs_node_close(n);
    return rc == 0 && a.count == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char ask_usage[] =
    "usage: gsomia audit ask NATION [-o FILE] [--node DIR]\n"
    "\n"
    "Asks the peer NATION, through the running node, for the records of its\n"
    "audit log that concern items this node's nation originated (\"how was\n"
    "my data handled?\"), each with an inclusion proof against its signed\n"
    "tree head. Checks every proof with NATION's identity key, prints the\n"
    "records, and writes the proofs, one JSON object a line, to FILE.\n";

/* The public key of nation's identity held by the node. */
struct find_key {
    const char *nation;
    uint8_t pk[GS_PK_LEN];
    bool found;
};

static int find_identity(void *ctx, const struct gs_store_identity *id)
{
    struct find_key *k = ctx;
    struct gs_identity ident;
    struct gs_jctx c = {NULL, NULL};
    json_error_t err;
    json_t *v;

    if (strcmp(id->nation, k->nation) != 0)
        return 0;
    v = json_loads(id->json, 0, &err);
    if (v != NULL && gs_identity_from_json(&c, v, &ident) == 0) {
        memcpy(k->pk, ident.pk, GS_PK_LEN);
        k->found = true;
        gs_identity_free(&ident);
    }
    json_decref(v);
    return 0;
}

static int cmd_ask(int argc, char **argv)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *node = NULL, *out_path = NULL, *dir;
    struct find_key k;
    struct gs_node *n;
    struct gs_client *c = NULL;
    struct gs_buf saved;
    size_t ok = 0, bad = 0;
    uint64_t from = 0;
    int opt, rc;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            node = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            fputs(ask_usage, stdout);
            return EXIT_OK;
        default:
            fputs(ask_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1 || !gs_nation_valid(argv[optind])) {
        fputs(ask_usage, stderr);
        return EXIT_USAGE;
    }
    dir = cli_node_dir(node);
    if (dir == NULL)
        return EXIT_USAGE;
    rc = cli_open_node(node, &n);
    if (rc != EXIT_OK)
        return rc;
    memset(&k, 0, sizeof(k));
    k.nation = argv[optind];
    gs_store_identity_list(n->store, find_identity, &k);
    gs_node_close(n);
    if (!k.found) {
        cli_error("no identity of %s is held: import it first", k.nation);
        return EXIT_FAIL;
    }
    if (gs_client_open(dir, &c) < 0) {
        cli_error("the node of %s is not running: start it with `gsomia "
                  "serve`",
                  dir);
        return EXIT_FAIL;
    }
    gs_buf_init(&saved, SIZE_MAX);
    rc = 0;
    do {
        Gsomia__Frame *f = NULL;
        size_t i;

        if (gs_client_ask_records(c, k.nation, from) < 0 ||
            gs_client_next(c, 30000, &f) < 0 ||
            f->kind_case != GSOMIA__FRAME__KIND_RECORDS) {
            cli_error("no answer from %s", k.nation);
            if (f != NULL)
                gsomia__frame__free_unpacked(f, NULL);
            rc = -1;
            break;
        }
        if (f->records->error[0] != '\0') {
            cli_error("%s: %s", k.nation, f->records->error);
            gsomia__frame__free_unpacked(f, NULL);
            rc = -1;
            break;
        }
        for (i = 0; i < f->records->n_proofs; i++) {
            json_error_t err;
            json_t *proof = json_loads(f->records->proofs[i], 0, &err);
            json_t *rec;
            struct gs_diag d;

            gs_diag_init(&d);
            if (proof != NULL && gs_audit_check_proof(proof, k.pk, &d) == 0) {
                ok++;
                gs_buf_printf(&saved, "%s\n", f->records->proofs[i]);
                rec = json_loads(
                    json_string_value(json_object_get(proof, "record")), 0,
                    &err);
                printf("%6lld  %s  %-19s %s%s%s\n",
                       (long long)json_integer_value(
                           json_object_get(proof, "index")),
                       json_string_value(json_object_get(rec, "time")),
                       json_string_value(json_object_get(rec, "action")),
                       json_object_get(rec, "decision")
                           ? json_string_value(json_object_get(rec, "decision"))
                           : "",
                       json_object_get(rec, "peer") ? " peer " : "",
                       json_object_get(rec, "peer")
                           ? json_string_value(json_object_get(rec, "peer"))
                           : "");
                json_decref(rec);
            } else {
                bad++;
                cli_error("a record from %s does NOT verify: %s", k.nation,
                          gs_diag_first(&d));
            }
            gs_diag_free(&d);
            json_decref(proof);
        }
        from = f->records->next_index;
        gsomia__frame__free_unpacked(f, NULL);
    } while (from != 0);
    gs_client_close(c);
    if (rc == 0 && out_path != NULL && saved.len > 0 &&
        cli_write_file(out_path, saved.data, saved.len) != EXIT_OK)
        rc = -1;
    gs_buf_free(&saved);
    if (rc == 0)
        printf("%zu records of %s about this nation's items, %zu verified "
               "against %s's signed tree head, %zu not\n",
               ok + bad, k.nation, ok, k.nation, bad);
    return rc == 0 && bad == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cli_peer_commands[] = {
    {"serve", NULL, "run the node: share items with its peers", cmd_serve},
    {"peer", "add", "make a partner's node a peer", cmd_add},
    {"peer", "list", "list the peers and their queues", cmd_list},
    {"peer", "status", "show the running node's connections", cmd_status},
    {"audit", "witness", "show partners' tree heads and inconsistencies",
     cmd_witness},
    {"audit", "ask", "ask a partner how it handled our items", cmd_ask},
    {NULL, NULL, NULL, NULL},
};
