/*
 * cmd_item.c - `gsomia item put|list|show|get|copy|translate|destroy|
 * import`: the analyst's and the security officer's work on items. Every
 * read names the person (--as USER) and goes through the access decision;
 * every action is in the audit log.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "node/holding.h"
#include "policy/scheme.h"

struct item_opts {
    const char *node, *as, *kind, *label, *title, *type, *out, *lang;
    const char *operator_, *witness, *method, *to, *reason;
    bool json;
};

/* Parses the options in allowed (letters of the table below); returns an
 * exit status, or -1 to carry on. */
static int item_opts(int argc, char **argv, const char *usage,
                     const char *allowed, int nargs, struct item_opts *o)
{
    static const struct option opts[] = {
        {"node", required_argument, NULL, 'N'},
        {"as", required_argument, NULL, 'a'},
        {"kind", required_argument, NULL, 'k'},
        {"label", required_argument, NULL, 'l'},
        {"title", required_argument, NULL, 't'},
        {"type", required_argument, NULL, 'T'},
        {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, 'L'},
        {"operator", required_argument, NULL, 'O'},
        {"witness", required_argument, NULL, 'W'},
        {"method", required_argument, NULL, 'M'},
        {"to", required_argument, NULL, 'r'},
        {"reason", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    memset(o, 0, sizeof(*o));
    o->method = "crypto-erase";
    optind = 0;
    while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (opt == '?' || (opt != 'N' && strchr(allowed, opt) == NULL)) {
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
        switch (opt) {
        case 'N':
            o->node = optarg;
            break;
        case 'a':
            o->as = optarg;
            break;
        case 'k':
            o->kind = optarg;
            break;
        case 'l':
            o->label = optarg;
            break;
        case 't':
            o->title = optarg;
            break;
        case 'T':
            o->type = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'L':
            o->lang = optarg;
            break;
        case 'O':
            o->operator_ = optarg;
            break;
        case 'W':
            o->witness = optarg;
            break;
        case 'M':
            o->method = optarg;
            break;
        case 'r':
            o->to = optarg;
            break;
        case 'R':
            o->reason = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        }
    }
    if (argc - optind != nargs) {
        cli_error("expected %d argument%s", nargs, nargs == 1 ? "" : "s");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return -1;
}

static int read_all(const char *path, size_t max, struct gs_buf *b)
{
    int rc;

    gs_buf_init(b, max);
    rc = gs_buf_read_file(b, path);
    if (rc == GS_ERR_TOO_BIG)
        cli_error("%s is larger than %zu bytes", path, max);
    else if (rc < 0)
        cli_error("cannot read %s", path);
    return rc;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* Runs op inside a node transaction, committing even when op fails with
 * keep_on_fail (the failure itself was recorded). */
static int in_transaction(struct gs_node *n, int rc_op, bool keep)
{
    if (rc_op == 0 || keep) {
        int rc = gs_node_commit(n);

        if (rc < 0) {
            cli_error("cannot commit to the store: %s", gs_strerror(rc));
            return rc;
        }
        return rc_op;
    }
    gs_node_rollback(n);
    return rc_op;
}

static const char put_usage[] =
    "usage: gsomia item put --kind report|document --label LABEL.json\n"
    "                       [--title TITLE] [--type MEDIA-TYPE] [--as USER]\n"
    "                       [--node DIR] FILE\n"
    "\n"
    "Makes an item of this node from FILE, labelled with LABEL.json (whose\n"
    "originator is this node's nation), signs and stores it encrypted, and\n"
    "prints its id once it is durable. A report's body is FILE's text (its\n"
    "title --title, or FILE's name); a document is FILE's bytes.\n";

static int cmd_put(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n = NULL;
    struct gs_diag d;
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, &d};
    struct gs_arena *a = gs_arena_new();
    struct gs_label *l = NULL;
    struct gs_buf file;
    Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
    Gsomia__Report report = GSOMIA__REPORT__INIT;
    Gsomia__Document document = GSOMIA__DOCUMENT__INIT;
    Gsomia__Label pb, *pbs[1] = {&pb};
    uint8_t id[GS_ITEM_ID_LEN];
    char hex[GS_ITEM_ID_HEX];
    enum gs_kind kind;
    int rc = item_opts(argc, argv, put_usage, "aklTt", 1, &o);

    if (rc >= 0) {
        gs_arena_free(a);
        return rc;
    }
    gs_diag_init(&d);
    gs_buf_init(&file, 0);
    memset(&doc, 0, sizeof(doc));
    if (o.kind == NULL || o.label == NULL) {
        cli_error("item put needs --kind and --label");
        rc = EXIT_USAGE;
        goto out;
    }
    if (gs_kind_parse(o.kind, &kind) < 0 ||
        (kind != GS_KIND_REPORT && kind != GS_KIND_DOCUMENT)) {
        cli_error("--kind %s: `item put` makes reports and documents; tracks "
                  "and alerts come from the tracker, policy objects from "
                  "`gsomia agreement` and `gsomia consent`",
                  o.kind);
        rc = EXIT_USAGE;
        goto out;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        goto out;
    rc = EXIT_FAIL;
    if (gs_jdoc_load(&doc, o.label, GS_JSON_MAX_FILE, &d) < 0 ||
        gs_label_from_json(n->policy, &c, doc.root, a, &l) < 0)
        goto out;
    if (strcmp(l->originator, n->cfg.nation) != 0) {
        cli_error("%s: an item made here is %s's: its label's originator "
                  "must be %s, not %s",
                  o.label, n->cfg.nation, n->cfg.nation, l->originator);
        goto out;
    }
    if (read_all(argv[optind], GS_ITEM_MAX_BYTES - 65536, &file) < 0)
        goto out;
    gs_item_label_to_pb(l, a, &pb);
    body.kind = gs_item_kind_to_pb(kind);
    body.labels = pbs;
    body.n_labels = 1;
    if (kind == GS_KIND_REPORT) {
        if (memchr(file.data, '\0', file.len) != NULL) {
            cli_error("%s is not text; put it as --kind document",
                      argv[optind]);
            goto out;
        }
        report.title = (char *)(o.title ? o.title : base_name(argv[optind]));
        report.body = (char *)gs_buf_str(&file);
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
        body.report = &report;
    } else {
        document.name = (char *)base_name(argv[optind]);
        document.media_type =
            (char *)(o.type ? o.type : "application/octet-stream");
        document.data.data = file.data;
        document.data.len = file.len;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_DOCUMENT;
        body.document = &document;
    }
    rc = gs_node_begin(n);
    if (rc == 0)
        rc = in_transaction(
            n, gs_hold_create(n, &body, o.as ? o.as : "node", id, &d), false);
    if (rc == 0) {
        gs_item_id_hex(id, hex);
        puts(hex);
        rc = EXIT_OK;
    } else {
        rc = EXIT_FAIL;
    }
out:
    cli_print_diag(&d);
    gs_diag_free(&d);
    gs_jdoc_free(&doc);
    gs_buf_free_secret(&file);
    gs_arena_free(a);
    gs_node_close(n);
    return rc;
}

struct list_ctx {
    bool json;
    json_t *arr;
};

static int list_one(void *ctx, const struct gs_store_item *m)
{
    struct list_ctx *lc = ctx;
    char hex[GS_ITEM_ID_HEX], when[GS_TIME_STRLEN];

    gs_item_id_hex(m->id, hex);
    gs_time_format(m->created, when, sizeof(when));
    if (lc->json) {
        json_t *o = json_object();
        json_error_t err;

        json_object_set_new(o, "id", json_string(hex));
        json_object_set_new(o, "seq", json_integer(m->seq));
        json_object_set_new(o, "kind", json_string(gs_kind_name(m->kind)));
        json_object_set_new(o, "originator", json_string(m->originator));
        json_object_set_new(o, "created", json_string(when));
        json_object_set_new(o, "source", json_string(m->source));
        json_object_set_new(o, "state",
                            json_string(gs_item_state_name(m->state)));
        json_object_set_new(o, "marking",
                            json_string(m->marking ? m->marking : ""));
        json_object_set_new(o, "labels", json_loads(m->labels, 0, &err));
        json_array_append_new(lc->arr, o);
    } else {
        printf("%.16s  %-11s %-3s %s  %-10s %s\n", hex, gs_kind_name(m->kind),
               m->originator, when, gs_item_state_name(m->state),
               m->marking ? m->marking : "");
    }
    return 0;
}

static const char list_usage[] =
    "usage: gsomia item list [--kind KIND] [--json] [--node DIR]\n"
    "\n"
    "Lists the items held here in order of arrival: id, kind, originator,\n"
    "creation time, state and this node's marking. Listing shows markings,\n"
    "not content, and is not an access.\n";

static int cmd_list(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct list_ctx lc = {false, NULL};
    enum gs_kind kind;
    int rc = item_opts(argc, argv, list_usage, "kj", 0, &o);

    if (rc >= 0)
        return rc;
    if (o.kind != NULL && gs_kind_parse(o.kind, &kind) < 0) {
        cli_error("--kind %s: use one of %s", o.kind, gs_kind_list());
        return EXIT_USAGE;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    lc.json = o.json;
    lc.arr = json_array();
    if (!o.json)
        printf("%-16s  %-11s %-3s %-20s  %-10s %s\n", "ID", "KIND", "ORG",
               "CREATED", "STATE", "MARKING");
    rc =
        gs_store_item_list(n->store, o.kind ? (int)kind : -1, 0, list_one, &lc);
    if (o.json && rc == 0) {
        char *s = json_dumps(lc.arr, JSON_INDENT(2));

        puts(s);
        gs_free(s);
    }
    json_decref(lc.arr);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int print_child(void *ctx, const uint8_t child[GS_ITEM_ID_LEN],
                       enum gs_relation rel)
{
    char hex[GS_ITEM_ID_HEX];

    (void)ctx;
    gs_item_id_hex(child, hex);
    printf("  %s  %s\n", hex,
           rel == GS_REL_COPY          ? "copy"
           : rel == GS_REL_TRANSLATION ? "translation"
                                       : "derived");
    return 0;
}

static int print_release(void *ctx, const char *nation, gs_time_t at)
{
    char when[GS_TIME_STRLEN];

    (void)ctx;
    gs_time_format(at, when, sizeof(when));
    printf("  %s  at %s\n", nation, when);
    return 0;
}

static void show_item(struct gs_node *n, const struct gs_item *it,
                      const struct gs_store_item *m)
{
    const Gsomia__ItemBody *b = it->body;
    char hex[GS_ITEM_ID_HEX], when[GS_TIME_STRLEN];
    size_t i;

    gs_item_id_hex(it->id, hex);
    printf("id:          %s\n", hex);
    printf("kind:        %s\n", gs_kind_name(it->kind));
    printf("marking:     %s\n", m->marking ? m->marking : "");
    gs_time_format(it->created, when, sizeof(when));
    printf("originator:  %s, created %s\n", it->originator, when);
    gs_time_format(m->received, when, sizeof(when));
    printf("held since:  %s (from %s)\n", when, m->source);
    printf("state:       %s\n", gs_item_state_name(m->state));
    for (i = 0; i < b->n_parents; i++) {
        gs_item_id_hex(b->parents[i].data, hex);
        printf("%s %s%s%s\n",
               b->relation == GSOMIA__RELATION__COPY          ? "copy of:    "
               : b->relation == GSOMIA__RELATION__TRANSLATION ? "translation:"
                                                              : "derived from:",
               hex, b->language[0] ? " into " : "", b->language);
    }
    switch (b->payload_case) {
    case GSOMIA__ITEM_BODY__PAYLOAD_REPORT:
        printf("title:       %s\n\n%s\n", b->report->title, b->report->body);
        if (b->report->body[0] != '\0' &&
            b->report->body[strlen(b->report->body) - 1] != '\n')
            putchar('\n');
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_DOCUMENT:
        printf("document:    %s (%s, %zu bytes); `gsomia item get` writes "
               "it\n",
               b->document->name, b->document->media_type,
               b->document->data.len);
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_DESTRUCTION:
        gs_item_id_hex(b->destruction->item.data, hex);
        gs_time_format(b->destruction->time_us, when, sizeof(when));
        printf("destroyed:   %s\n             by %s, witness %s, %s, at %s\n",
               hex, b->destruction->operator_, b->destruction->witness,
               b->destruction->method, when);
        break;
    case GSOMIA__ITEM_BODY__PAYLOAD_COMPROMISE:
        printf("compromise:  to %s, %s: %s\n", b->compromise->addressed_to,
               b->compromise->reason, b->compromise->detail);
        break;
    default:
        break;
    }
    printf("copies, translations, derived items:\n");
    gs_store_children(n->store, it->id, print_child, NULL);
    printf("released to:\n");
    gs_store_releases(n->store, it->id, print_release, NULL);
}

/* Reads an item for --as USER; prints the denial. */
static int read_for(struct gs_node *n, const struct item_opts *o,
                    const char *hex, const char *what, struct gs_item **it,
                    struct gs_store_item *m)
{
    uint8_t id[GS_ITEM_ID_LEN];
    struct gs_decision dec;
    struct gs_diag d;
    int rc;

    if (o->as == NULL) {
        cli_error("who reads? give --as USER (a name in `gsomia user "
                  "list`)");
        return EXIT_USAGE;
    }
    if (cli_parse_id(hex, id) != EXIT_OK)
        return EXIT_USAGE;
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0)
        rc = in_transaction(
            n, gs_hold_read(n, id, o->as, what, it, m, &dec, &d), true);
    cli_print_diag(&d);
    gs_diag_free(&d);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char show_usage[] =
    "usage: gsomia item show ID --as USER [--node DIR]\n"
    "\n"
    "Shows an item to USER, if USER may read it: its marking, origin, state,\n"
    "content, and its inventory (copies, translations, releases). The read\n"
    "is recorded, allowed or denied.\n";

static int cmd_show(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_item *it = NULL;
    struct gs_store_item m;
    int rc = item_opts(argc, argv, show_usage, "a", 1, &o);

    if (rc >= 0)
        return rc;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    memset(&m, 0, sizeof(m));
    rc = read_for(n, &o, argv[optind], GS_READ_SHOW, &it, &m);
    if (rc == EXIT_OK)
        show_item(n, it, &m);
    gs_store_item_free(&m);
    gs_item_free(it);
    gs_node_close(n);
    return rc;
}

static const char get_usage[] =
    "usage: gsomia item get ID --as USER -o FILE [--node DIR]\n"
    "\n"
    "Writes the content of an item (a report's text, a document's bytes) to\n"
    "FILE (mode 0600, never overwritten; - for standard output), if USER may\n"
    "read it. The read is recorded, allowed or denied.\n";

static int cmd_get(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_item *it = NULL;
    int rc = item_opts(argc, argv, get_usage, "ao", 1, &o);

    if (rc >= 0)
        return rc;
    if (o.out == NULL) {
        cli_error("where to? give -o FILE");
        return EXIT_USAGE;
    }
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    rc = read_for(n, &o, argv[optind], GS_READ_GET, &it, NULL);
    if (rc == EXIT_OK) {
        const Gsomia__ItemBody *b = it->body;

        if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_REPORT)
            rc =
                cli_write_file(o.out, b->report->body, strlen(b->report->body));
        else if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_DOCUMENT)
            rc = cli_write_file(o.out, b->document->data.data,
                                b->document->data.len);
        else {
            cli_error("a %s has no file content; use `gsomia item show`",
                      gs_kind_name(it->kind));
            rc = EXIT_FAIL;
        }
    }
    gs_item_free(it);
    gs_node_close(n);
    return rc;
}

/* Prints a new item's id, or the failure. */
static int finish(struct gs_node *n, int rc_op, const uint8_t *id,
                  struct gs_diag *d)
{
    char hex[GS_ITEM_ID_HEX];
    /* A denied read was recorded: keep the record. */
    int rc = in_transaction(n, rc_op, rc_op == GS_ERR_DENIED);

    cli_print_diag(d);
    if (rc == 0) {
        gs_item_id_hex(id, hex);
        puts(hex);
        return EXIT_OK;
    }
    return EXIT_FAIL;
}

static const char copy_usage[] =
    "usage: gsomia item copy ID --as USER [--node DIR]\n"
    "\n"
    "Makes a copy of an item (GSOMIA Art. 12): the same marking and\n"
    "content, controlled like the original and recorded as its copy. USER\n"
    "must be allowed to read the original. Prints the copy's id.\n";

static int cmd_copy(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_decision dec;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN], copy[GS_ITEM_ID_LEN];
    int rc = item_opts(argc, argv, copy_usage, "a", 1, &o);

    if (rc >= 0)
        return rc;
    if (o.as == NULL) {
        cli_error("who copies? give --as USER");
        return EXIT_USAGE;
    }
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        return EXIT_USAGE;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0)
        rc = finish(n, gs_hold_copy(n, id, o.as, copy, &dec, &d), copy, &d);
    else
        rc = EXIT_FAIL;
    gs_diag_free(&d);
    gs_node_close(n);
    return rc;
}

static const char translate_usage[] =
    "usage: gsomia item translate ID --lang LANG --as USER [--node DIR] FILE\n"
    "\n"
    "Records FILE as the translation into LANG (\"ko\", \"ja\", \"en\") of a\n"
    "report or document (GSOMIA Art. 12): marked and controlled like the\n"
    "original. USER must be allowed to read the original. Prints its id.\n";

static int cmd_translate(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_decision dec;
    struct gs_diag d;
    struct gs_buf file;
    uint8_t id[GS_ITEM_ID_LEN], out[GS_ITEM_ID_LEN];
    int rc = item_opts(argc, argv, translate_usage, "aL", 2, &o);

    if (rc >= 0)
        return rc;
    if (o.as == NULL || o.lang == NULL) {
        cli_error("item translate needs --lang and --as");
        return EXIT_USAGE;
    }
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        return EXIT_USAGE;
    if (read_all(argv[optind + 1], GS_ITEM_MAX_BYTES - 65536, &file) < 0) {
        gs_buf_free(&file);
        return EXIT_FAIL;
    }
    rc = cli_open_node(o.node, &n);
    if (rc == EXIT_OK) {
        gs_diag_init(&d);
        rc = gs_node_begin(n);
        if (rc == 0)
            rc = finish(n,
                        gs_hold_translate(n, id, o.as, o.lang, file.data,
                                          file.len, out, &dec, &d),
                        out, &d);
        else
            rc = EXIT_FAIL;
        gs_diag_free(&d);
        gs_node_close(n);
    }
    gs_buf_free_secret(&file);
    return rc;
}

static const char destroy_usage[] =
    "usage: gsomia item destroy ID --operator USER --witness USER\n"
    "                           [--method METHOD] [--node DIR]\n"
    "\n"
    "Destroys an item: its content key is erased for good (crypto-erase)\n"
    "and a destruction record naming the operator, the witness (two\n"
    "different registered people), the method and the time is kept. Prints\n"
    "the record's id.\n";

static int cmd_destroy(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN], record[GS_ITEM_ID_LEN];
    int rc = item_opts(argc, argv, destroy_usage, "OWM", 1, &o);

    if (rc >= 0)
        return rc;
    if (o.operator_ == NULL || o.witness == NULL) {
        cli_error("a destruction needs --operator and --witness");
        return EXIT_USAGE;
    }
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        return EXIT_USAGE;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    rc = gs_node_begin(n);
    if (rc == 0)
        rc = finish(n,
                    gs_hold_destroy(n, id, o.operator_, o.witness, o.method,
                                    record, &d),
                    record, &d);
    else
        rc = EXIT_FAIL;
    /* Leave no old copy of the erased key in the write-ahead log. */
    if (rc == EXIT_OK && gs_store_checkpoint(n->store) < 0)
        cli_error("warning: the write-ahead log could not be truncated");
    gs_diag_free(&d);
    gs_node_close(n);
    return rc;
}

static const char import_usage[] =
    "usage: gsomia item import [--as USER] [--node DIR] FILE\n"
    "\n"
    "Stores a signed item made elsewhere (an envelope file) after checking\n"
    "its structure, labels and signatures against the imported identities.\n"
    "An item that fails is refused, recorded, and reported to its\n"
    "originator as a suspected compromise (Art. 17).\n";

static int cmd_import(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_diag d;
    struct gs_buf file;
    uint8_t id[GS_ITEM_ID_LEN];
    char hex[GS_ITEM_ID_HEX];
    int rc = item_opts(argc, argv, import_usage, "a", 1, &o), op;

    if (rc >= 0)
        return rc;
    if (read_all(argv[optind], GS_ITEM_MAX_BYTES, &file) < 0) {
        gs_buf_free(&file);
        return EXIT_FAIL;
    }
    rc = cli_open_node(o.node, &n);
    if (rc == EXIT_OK) {
        gs_diag_init(&d);
        rc = gs_node_begin(n);
        op = rc;
        if (rc == 0) {
            op = gs_hold_receive(n, file.data, file.len, "import",
                                 o.as ? o.as : "node", id, &d);
            /* A refusal was recorded: commit it. */
            rc = in_transaction(n, op,
                                op == GS_ERR_VERIFY || op == GS_ERR_INVALID);
        }
        cli_print_diag(&d);
        gs_item_id_hex(id, hex);
        if (rc == 0) {
            puts(hex);
            rc = EXIT_OK;
        } else if (rc == GS_ERR_EXISTS) {
            printf("%s (already held)\n", hex);
            rc = EXIT_OK;
        } else {
            cli_error("refused: the item was not stored");
            rc = EXIT_FAIL;
        }
        gs_diag_free(&d);
        gs_node_close(n);
    }
    gs_buf_free_secret(&file);
    return rc;
}

static const char export_usage[] =
    "usage: gsomia item export ID --to NATION -o FILE [--node DIR]\n"
    "\n"
    "Releases an item to NATION as a signed envelope file (for a government-\n"
    "to-government channel; `item import` reads it). The release decision is\n"
    "taken as for any release (docs/policy.md) against the agreements and\n"
    "consents this node holds, and recorded, allowed or denied.\n";

static int cmd_export(int argc, char **argv)
{
    struct item_opts o;
    struct gs_node *n;
    struct gs_buf env;
    struct gs_decision dec;
    struct gs_diag d;
    uint8_t id[GS_ITEM_ID_LEN];
    int rc = item_opts(argc, argv, export_usage, "or", 1, &o);

    if (rc >= 0)
        return rc;
    if (o.out == NULL || o.to == NULL) {
        cli_error("item export needs --to NATION and -o FILE");
        return EXIT_USAGE;
    }
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        return EXIT_USAGE;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        return rc;
    gs_diag_init(&d);
    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    rc = gs_node_begin(n);
    if (rc == 0)
        rc = in_transaction(n, gs_hold_release(n, id, o.to, &env, &dec, &d),
                            true);
    cli_print_diag(&d);
    if (rc == 0)
        rc = cli_write_file(o.out, env.data, env.len) == EXIT_OK ? 0 : -1;
    gs_buf_free_secret(&env);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static const char reclassify_usage[] =
    "usage: gsomia item reclassify ID --label LABEL.json [--reason TEXT]\n"
    "                              [--as USER] [--node DIR]\n"
    "\n"
    "Changes the label of an item this node's nation originated (GSOMIA\n"
    "Art. 6): a reclassification item, signed here, relabels the item and\n"
    "its copies and translations, and goes to every nation the item was\n"
    "released to, where it is applied too. Prints its id.\n";

static const char retract_usage[] =
    "usage: gsomia item retract ID [--reason TEXT] [--as USER] [--node DIR]\n"
    "\n"
    "Withdraws an item this node's nation originated: a retraction item,\n"
    "signed here, makes it and its copies and translations retracted (no\n"
    "longer read or released) and goes to every nation the item was\n"
    "released to. Prints its id.\n";

static int change(int argc, char **argv, bool reclassify)
{
    struct item_opts o;
    struct gs_node *n = NULL;
    struct gs_diag d;
    struct gs_jdoc doc;
    struct gs_jctx c = {&doc, &d};
    struct gs_arena *a = gs_arena_new();
    struct gs_label *l = NULL;
    uint8_t id[GS_ITEM_ID_LEN], out[GS_ITEM_ID_LEN];
    int rc =
        item_opts(argc, argv, reclassify ? reclassify_usage : retract_usage,
                  reclassify ? "alR" : "aR", 1, &o);

    memset(&doc, 0, sizeof(doc));
    gs_diag_init(&d);
    if (rc >= 0)
        goto out;
    rc = EXIT_USAGE;
    if (reclassify && o.label == NULL) {
        cli_error("the new label? give --label LABEL.json");
        goto out;
    }
    if (cli_parse_id(argv[optind], id) != EXIT_OK)
        goto out;
    rc = cli_open_node(o.node, &n);
    if (rc != EXIT_OK)
        goto out;
    rc = EXIT_FAIL;
    if (reclassify && (gs_jdoc_load(&doc, o.label, GS_JSON_MAX_FILE, &d) < 0 ||
                       gs_label_from_json(n->policy, &c, doc.root, a, &l) < 0))
        goto out;
    if (gs_node_begin(n) < 0)
        goto out;
    rc = finish(n,
                reclassify ? gs_hold_reclassify(n, id, l, o.reason,
                                                o.as ? o.as : "node", out, &d)
                           : gs_hold_retract(n, id, o.reason,
                                             o.as ? o.as : "node", out, &d),
                out, &d);
    gs_diag_free(&d); /* finish printed them */
    gs_diag_init(&d);
out:
    cli_print_diag(&d);
    gs_diag_free(&d);
    gs_jdoc_free(&doc);
    gs_arena_free(a);
    gs_node_close(n);
    return rc;
}

static int cmd_reclassify(int argc, char **argv)
{
    return change(argc, argv, true);
}

static int cmd_retract(int argc, char **argv)
{
    return change(argc, argv, false);
}

const struct cli_command cli_item_commands[] = {
    {"item", "put", "make a report or document item", cmd_put},
    {"item", "list", "list the items held here", cmd_list},
    {"item", "show", "show an item to a cleared user", cmd_show},
    {"item", "get", "write an item's content to a file", cmd_get},
    {"item", "copy", "copy an item (recorded, marked alike)", cmd_copy},
    {"item", "translate", "record a translation of an item", cmd_translate},
    {"item", "destroy", "destroy an item with a witness", cmd_destroy},
    {"item", "import", "store a signed item made elsewhere", cmd_import},
    {"item", "reclassify", "change the label of an item of ours",
     cmd_reclassify},
    {"item", "retract", "withdraw an item of ours", cmd_retract},
    {"item", "export", "release an item to a nation as a file", cmd_export},
    {NULL, NULL, NULL, NULL},
};
