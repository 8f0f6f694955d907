/*
 * cmd_audit.c - `gsomia audit log|verify|proof|check-proof`: reading and
 * verifying the tamper-evident audit log, and proving to a partner that a
 * record is in it.
 */
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "cli/cli.h"

struct audit_opts {
    const char *node, *item, *record, *identity;
    bool json;
};

static int audit_opts(int argc, char **argv, const char *usage, int nargs,
                      struct audit_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"item", required_argument, NULL, 'i'},
        {"record", required_argument, NULL, 'r'},
        {"identity", required_argument, NULL, 'I'},
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
        case 'i':
            o->item = optarg;
            break;
        case 'r':
            o->record = optarg;
            break;
        case 'I':
            o->identity = optarg;
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

struct log_ctx {
    const char *item; /* hex, or NULL for all */
    bool json;
};

static int log_one(void *ctx, const struct gs_store_record *r)
{
    struct log_ctx *lc = ctx;
    json_error_t err;
    json_t *v;

    if (lc->item != NULL) {
        v = json_loads(r->data, 0, &err);
        const char *item =
            v ? json_string_value(json_object_get(v, "item")) : NULL;

        if (item == NULL || strcmp(item, lc->item) != 0) {
            json_decref(v);
            return 0;
        }
        json_decref(v);
    }
    if (lc->json) {
        printf("{\"index\":%" PRIu64 ",\"record\":%s}\n", r->index, r->data);
        return 0;
    }
    v = json_loads(r->data, 0, &err);
    if (v == NULL)
        return 0;
    printf("%6" PRIu64 "  %s  %-19s %-12s", r->index,
           json_string_value(json_object_get(v, "time")),
           json_string_value(json_object_get(v, "action")),
           json_string_value(json_object_get(v, "actor")));
    if (json_object_get(v, "decision") != NULL)
        printf(" %s %s", json_string_value(json_object_get(v, "decision")),
               json_object_get(v, "reason")
                   ? json_string_value(json_object_get(v, "reason"))
                   : "");
    if (json_object_get(v, "peer") != NULL)
        printf(" peer %s", json_string_value(json_object_get(v, "peer")));
    if (json_object_get(v, "item") != NULL)
        printf(" item %.16s", json_string_value(json_object_get(v, "item")));
    if (json_object_get(v, "detail") != NULL)
        printf("\n        %s", json_string_value(json_object_get(v, "detail")));
    putchar('\n');
    json_decref(v);
    return 0;
}

static const char log_usage[] =
    "usage: gsomia audit log [--item ID] [--json] [--node DIR]\n"
    "\n"
    "Prints the audit log: every receipt, access, release, copy,\n"
    "translation, destruction, failed verification and suspected\n"
    "compromise, in order. --json prints each record's exact signed bytes.\n";

static int cmd_log(int argc, char **argv)
{
    struct audit_opts o;
    struct gs_node *n;
    struct log_ctx lc;
    uint8_t id[GS_ITEM_ID_LEN];
    int rc = audit_opts(argc, argv, log_usage, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.item != NULL && cli_parse_id(o.item, id) != EXIT_OK)
        return EXIT_USAGE;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    lc.item = o.item;
    lc.json = o.json;
    rc = gs_store_audit_list(n->store, 0, log_one, &lc);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char verify_usage[] =
    "usage: gsomia audit verify [--node DIR]\n"
    "\n"
    "Recomputes the Merkle tree of the whole audit log and checks every\n"
    "signed tree head against it: its signature, its root, its time, and a\n"
    "consistency proof from the head before it. Exit status 1 on any\n"
    "failure, with what failed.\n";

static int cmd_verify(int argc, char **argv)
{
    struct audit_opts o;
    struct gs_node *n;
    struct gs_audit_report rep;
    struct gs_diag d;
    char root[65], when[GS_TIME_STRLEN];
    int rc = audit_opts(argc, argv, verify_usage, 0, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    rc = gs_audit_verify(n->store, n->signer.pk, &rep, &d);
    cli_print_diag(&d);
    if (rc == 0) {
        sodium_bin2hex(root, sizeof(root), rep.latest.root, 32);
        gs_time_format(rep.latest.time, when, sizeof(when));
        printf("audit log verified: %" PRIu64 " records, %" PRIu64
               " signed tree heads, all consistent\n"
               "latest head: size %" PRIu64 ", root %s, signed %s\n",
               rep.records, rep.heads, rep.latest.size, root, when);
    } else {
        cli_error("the audit log does NOT verify");
    }
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char proof_usage[] =
    "usage: gsomia audit proof --record N [--node DIR]\n"
    "\n"
    "Writes, as JSON, record N with a proof of its inclusion in the latest\n"
    "signed tree head, for a partner to check with `gsomia audit\n"
    "check-proof` and nothing but this node's public identity.\n";

static int cmd_proof(int argc, char **argv)
{
    struct audit_opts o;
    struct gs_node *n;
    struct gs_tree_head h;
    json_t *proof = NULL;
    char *end = NULL, *s;
    unsigned long long index;
    int rc = audit_opts(argc, argv, proof_usage, 0, &o);

    if (rc >= 0)
        return rc;
    if (o.record == NULL) {
        cli_error("which record? give --record N");
        return EXIT_USAGE;
    }
    index = strtoull(o.record, &end, 10);
    if (end == o.record || *end != '\0' || o.record[0] == '-') {
        cli_error("--record %s is not a record number", o.record);
        return EXIT_USAGE;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    rc = gs_store_head_latest(n->store, &h);
    if (rc == 0)
        rc = gs_audit_proof(n->store, &n->signer, index, &h, &proof);
    if (rc == 0) {
        s = json_dumps(proof, JSON_INDENT(2));
        puts(s);
        gs_free(s);
    } else if (rc == GS_ERR_NOT_FOUND) {
        cli_error("record %llu is not in the latest signed head", index);
    } else {
        cli_error("cannot make the proof: %s", gs_strerror(rc));
    }
    json_decref(proof);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char check_usage[] =
    "usage: gsomia audit check-proof PROOF --identity FILE\n"
    "\n"
    "Checks a proof made by `gsomia audit proof` using only the public\n"
    "identity FILE of the nation that made it: the tree head's signature and\n"
    "the record's inclusion. Needs no node.\n";

static int cmd_check(int argc, char **argv)
{
    struct audit_opts o;
    struct gs_jdoc proof, idoc;
    struct gs_diag d;
    struct gs_jctx c = {&idoc, &d};
    struct gs_identity id;
    const char *nation;
    int rc = audit_opts(argc, argv, check_usage, 1, &o);

    if (rc >= 0)
        return rc;
    if (o.identity == NULL) {
        cli_error("whose proof? give --identity FILE");
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    memset(&id, 0, sizeof(id));
    memset(&idoc, 0, sizeof(idoc));
    rc = gs_jdoc_load(&proof, argv[optind], GS_JSON_MAX_FILE, &d);
    if (rc == 0)
        rc = gs_jdoc_load(&idoc, o.identity, GS_JSON_MAX_FILE, &d);
    if (rc == 0)
        rc = gs_identity_from_json(&c, idoc.root, &id);
    if (rc == 0) {
        nation = json_string_value(json_object_get(proof.root, "nation"));
        if (nation == NULL || strcmp(nation, id.nation) != 0) {
            gs_diag_error(&d, NULL, "the proof is %s's, the identity %s's",
                          nation ? nation : "nobody", id.nation);
            rc = GS_ERR_VERIFY;
        }
    }
    if (rc == 0)
        rc = gs_audit_check_proof(proof.root, id.pk, &d);
    cli_print_diag(&d);
    if (rc == 0)
        printf("proof verified: the record is in %s's signed audit log\n",
               id.nation);
    else
        cli_error("the proof does NOT verify");
    gs_identity_free(&id);
    gs_jdoc_free(&proof);
    gs_jdoc_free(&idoc);
    gs_diag_free(&d);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cli_audit_commands[] = {
    {"audit", "log", "print the audit log", cmd_log},
    {"audit", "verify", "verify the audit log and its signed heads",
     cmd_verify},
    {"audit", "proof", "prove a record is in the signed log", cmd_proof},
    {"audit", "check-proof", "check a partner's proof with its identity",
     cmd_check},
    {NULL, NULL, NULL, NULL},
};
