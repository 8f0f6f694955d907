/*
 * crash_writer - the writer of the crash test (tests/integration/
 * test_crash.sh).
 *
 *   crash_writer write DIR SEED   makes report items in batches of 1 to 10
 *                                 per transaction, for ever, and prints the
 *                                 id of each item once its batch is
 *                                 committed (acknowledged), one per line
 *   crash_writer check DIR FILE   checks that every id in FILE (complete
 *                                 lines only) is held, decrypts, decodes,
 *                                 and hashes to its id; prints how many
 *
 * The test kills `write` with SIGKILL at random moments and runs `check`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "node/holding.h"

/* A small deterministic generator (xorshift64*); not for secrets. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static int write_loop(const char *dir, uint64_t seed)
{
    struct gs_node *n;
    struct gs_diag d;
    struct gs_label l;
    struct gs_arena *a = gs_arena_new();
    Gsomia__Label pb, *pbs[1] = {&pb};
    char rel[1][GS_NATION_SIZE] = {"USA"}, body_text[128], title[64];
    char hex[GS_ITEM_ID_HEX];
    uint8_t ids[10][GS_ITEM_ID_LEN];
    uint64_t count = 0;
    int i, batch;

    gs_diag_init(&d);
    if (gs_node_open(dir, &n, &d) < 0) {
        gs_diag_print(&d, stderr);
        return 1;
    }
    memset(&l, 0, sizeof(l));
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.classification = "군사II급비밀";
    l.rank = 2;
    l.releasable_to = rel;
    l.n_releasable_to = 1;
    l.purpose = "missile-warning";
    for (;;) {
        batch = 1 + (int)(next(&seed) % 10);
        if (gs_node_begin(n) < 0)
            return 1;
        for (i = 0; i < batch; i++) {
            Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
            Gsomia__Report report = GSOMIA__REPORT__INIT;

            l.created = gs_time_now();
            gs_item_label_to_pb(&l, a, &pb);
            snprintf(title, sizeof(title), "report %llu",
                     (unsigned long long)count);
            snprintf(body_text, sizeof(body_text), "crash test %llu %llu",
                     (unsigned long long)count,
                     (unsigned long long)next(&seed));
            report.title = title;
            report.body = body_text;
            body.kind = GSOMIA__KIND__REPORT;
            body.labels = pbs;
            body.n_labels = 1;
            body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
            body.report = &report;
            if (gs_hold_create(n, &body, "writer", ids[i], &d) < 0) {
                gs_diag_print(&d, stderr);
                return 1;
            }
            count++;
        }
        if (gs_node_commit(n) < 0)
            return 1;
        /* Acknowledged: durable now, so say so. */
        for (i = 0; i < batch; i++) {
            gs_item_id_hex(ids[i], hex);
            printf("%s\n", hex);
        }
        fflush(stdout);
    }
}

static int check(const char *dir, const char *file)
{
    struct gs_node *n;
    struct gs_diag d;
    FILE *f = fopen(file, "r");
    char line[256];
    size_t ok = 0, bad = 0;

    gs_diag_init(&d);
    if (f == NULL || gs_node_open(dir, &n, &d) < 0) {
        gs_diag_print(&d, stderr);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        uint8_t id[GS_ITEM_ID_LEN];
        struct gs_buf env;
        struct gs_item *it = NULL;

        if (strlen(line) != 2 * GS_ITEM_ID_LEN + 1 ||
            line[2 * GS_ITEM_ID_LEN] != '\n')
            continue; /* the line being written when the writer died */
        line[2 * GS_ITEM_ID_LEN] = '\0';
        gs_buf_init(&env, GS_ITEM_MAX_BYTES);
        if (gs_item_id_parse(line, id) < 0 ||
            gs_store_item_get(n->store, id, NULL, &env) < 0 ||
            gs_item_decode(n->policy, env.data, env.len, &it, NULL) < 0 ||
            memcmp(it->id, id, GS_ITEM_ID_LEN) != 0) {
            fprintf(stderr, "acknowledged item %s is missing or unreadable\n",
                    line);
            bad++;
        } else {
            ok++;
        }
        gs_item_free(it);
        gs_buf_free(&env);
    }
    fclose(f);
    gs_node_close(n);
    printf("%zu acknowledged items present and readable, %zu missing\n", ok,
           bad);
    return bad == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (gs_crypto_init() < 0)
        return 1;
    if (argc == 4 && strcmp(argv[1], "write") == 0)
        return write_loop(argv[2], strtoull(argv[3], NULL, 10) | 1);
    if (argc == 4 && strcmp(argv[1], "check") == 0)
        return check(argv[2], argv[3]);
    fprintf(stderr, "usage: crash_writer write DIR SEED | check DIR FILE\n");
    return 2;
}
