/*
 * bench_store - durable items per second on this machine.
 *
 *   put, batch 1:    seal (Ed25519) + encrypt + store + audit record +
 *                    signed tree head + COMMIT (WAL, synchronous=FULL),
 *                    one item per transaction
 *   put, batch 100:  the same, 100 items per transaction
 *   verify:          decode + verify the signature of stored envelopes
 *
 * usage: bench_store [DIR] [ITEMS]   (a fresh node is made in DIR, by
 * default a temporary folder, and removed afterwards when temporary)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "node/holding.h"

static double seconds(int64_t ns)
{
    return (double)ns / 1e9;
}

/* Puts n items in batches of batch; returns the seconds taken. */
static double put(struct gs_node *n, int count, int batch,
                  uint8_t (*ids)[GS_ITEM_ID_LEN])
{
    struct gs_arena *a = gs_arena_new();
    struct gs_label l;
    struct gs_diag d;
    Gsomia__Label pb, *pbs[1] = {&pb};
    char rel[2][GS_NATION_SIZE] = {"USA", "JPN"};
    static const char *cats[] = {"DPRK-MISSILE"};
    /* About the size of a track update with its label: ~300 bytes. */
    char text[200];
    int64_t t0;
    int i;

    memset(&l, 0, sizeof(l));
    memcpy(l.originator, n->cfg.nation, GS_NATION_SIZE);
    l.classification = "군사II급비밀";
    l.rank = 2;
    l.releasable_to = rel;
    l.n_releasable_to = 2;
    l.categories = cats;
    l.n_categories = 1;
    l.purpose = "missile-warning";
    gs_diag_init(&d);
    memset(text, 'x', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    t0 = gs_mono_ns();
    for (i = 0; i < count; i++) {
        Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
        Gsomia__Report report = GSOMIA__REPORT__INIT;

        if (i % batch == 0 && gs_node_begin(n) < 0)
            exit(1);
        l.created = gs_time_now();
        gs_item_label_to_pb(&l, a, &pb);
        report.title = "track";
        report.body = text;
        body.kind = GSOMIA__KIND__REPORT;
        body.labels = pbs;
        body.n_labels = 1;
        body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_REPORT;
        body.report = &report;
        if (gs_hold_create(n, &body, "bench", ids[i], &d) < 0) {
            gs_diag_print(&d, stderr);
            exit(1);
        }
        if ((i + 1) % batch == 0 || i + 1 == count)
            if (gs_node_commit(n) < 0)
                exit(1);
    }
    gs_arena_free(a);
    return seconds(gs_mono_ns() - t0);
}

static double verify(struct gs_node *n, int count,
                     uint8_t (*ids)[GS_ITEM_ID_LEN], double *read_only)
{
    struct gs_buf env;
    int64_t t0, t_read = 0, t1;
    int i;

    gs_buf_init(&env, GS_ITEM_MAX_BYTES);
    t0 = gs_mono_ns();
    for (i = 0; i < count; i++) {
        struct gs_item *it = NULL;

        gs_buf_reset(&env);
        t1 = gs_mono_ns();
        if (gs_store_item_get(n->store, ids[i], NULL, &env) < 0)
            exit(1);
        t_read += gs_mono_ns() - t1;
        if (gs_item_decode(n->policy, env.data, env.len, &it, NULL) < 0 ||
            gs_item_verify(it, &n->keyring, NULL) < 0)
            exit(1);
        gs_item_free(it);
    }
    gs_buf_free(&env);
    *read_only = seconds(t_read);
    return seconds(gs_mono_ns() - t0);
}

int main(int argc, char **argv)
{
    char tmp[] = "/tmp/gsomia-bench-XXXXXX", dir[64];
    const char *base = argc > 1 ? argv[1] : NULL;
    int count = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20000;
    int single = count / 10;
    struct gs_node *n;
    struct gs_diag d;
    uint8_t(*ids)[GS_ITEM_ID_LEN];
    double t1, t100, tv, tread;
    char cmd[128];

    if (gs_crypto_init() < 0 || count < 100)
        return 2;
    if (base == NULL && mkdtemp(tmp) == NULL)
        return 1;
    snprintf(dir, sizeof(dir), "%s/node", base ? base : tmp);
    gs_diag_init(&d);
    if (gs_node_init(dir, "KOR", "bench", NULL, false, &d) < 0 ||
        gs_node_open(dir, &n, &d) < 0) {
        gs_diag_print(&d, stderr);
        return 1;
    }
    ids = calloc((size_t)count + (size_t)single, GS_ITEM_ID_LEN);
    t1 = put(n, single, 1, ids);
    t100 = put(n, count, 100, ids + single);
    tv = verify(n, count, ids + single, &tread);
    printf("bench_store: durable items on this machine (%d and %d items; "
           "SQLite WAL, synchronous=FULL)\n",
           single, count);
    printf("  %-44s %10.0f items/s  (%.1f us/item)\n",
           "put, batch 1 (sign+encrypt+store+audit+head)", single / t1,
           1e6 * t1 / single);
    printf("  %-44s %10.0f items/s  (%.1f us/item)\n", "put, batch 100",
           count / t100, 1e6 * t100 / count);
    printf("  %-44s %10.0f items/s  (%.1f us/item, of which read+decrypt "
           "%.1f us)\n",
           "read + decode + verify", count / tv, 1e6 * tv / count,
           1e6 * tread / count);
    gs_node_close(n);
    free(ids);
    if (base == NULL) {
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
        if (system(cmd) != 0)
            return 1;
    }
    return 0;
}
