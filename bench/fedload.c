/*
 * fedload - drives running nodes through their local sockets, for the
 * federation tests and benchmark.
 *
 *   fedload submit DIR COUNT RATE LABEL.json [LABEL2.json]
 *       makes COUNT track items at RATE per second (0: as fast as
 *       possible), labelled LABEL (and, with LABEL2, every other one with
 *       LABEL2); prints "ID N" per item once the node has stored it, N
 *       being 1 or 2 for the label used
 *   fedload watch DIR COUNT SECONDS
 *       prints "ID KIND ORIGINATOR SOURCE LATENCY_US" for each item the
 *       node stores, until COUNT arrived or SECONDS passed; LATENCY_US is
 *       from the item's creation to the node's commit
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/json.h"
#include "item/item.h"
#include "node/client.h"

static int label_pb(const char *path, struct gs_policy *p, struct gs_arena *a,
                    Gsomia__Label *out)
{
    struct gs_jdoc doc;
    struct gs_diag d;
    struct gs_jctx c = {&doc, &d};
    struct gs_label *l;
    int rc;

    gs_diag_init(&d);
    rc = gs_jdoc_load(&doc, path, GS_JSON_MAX_FILE, &d);
    if (rc == 0)
        rc = gs_label_from_json(p, &c, doc.root, a, &l);
    if (rc == 0)
        gs_item_label_to_pb(l, a, out);
    gs_diag_print(&d, stderr);
    gs_diag_free(&d);
    gs_jdoc_free(&doc);
    return rc;
}

static int submit(const char *dir, long count, double rate, const char *l1,
                  const char *l2)
{
    struct gs_policy *p = gs_policy_new();
    struct gs_arena *a = gs_arena_new();
    struct gs_client *c;
    Gsomia__Label labels[2], *pbs[1];
    double pos[3] = {-3.0e6, 4.0e6, 3.9e6}, vel[3] = {1200, -800, 2500};
    double cov[21];
    char track_id[32];
    char hex[GS_ITEM_ID_HEX];
    int64_t start = gs_mono_ns();
    long sent = 0, done = 0;
    int i, rc;

    if (label_pb(l1, p, a, &labels[0]) < 0 ||
        (l2 != NULL && label_pb(l2, p, a, &labels[1]) < 0))
        return 2;
    if (gs_client_open(dir, &c) < 0) {
        fprintf(stderr, "fedload: the node of %s is not running\n", dir);
        return 1;
    }
    for (i = 0; i < 21; i++)
        cov[i] = (i == 0 || i == 6 || i == 11 || i == 15 || i == 18 || i == 20)
                     ? 100.0
                     : 0.0;
    while (done < count) {
        Gsomia__Frame *f;
        int64_t due = rate > 0 ? start + (int64_t)(sent * 1e9 / rate) : 0;

        /* Send what is due; keep at most 10000 unanswered. */
        while (sent < count && sent - done < 10000 &&
               (rate <= 0 || gs_mono_ns() >= due)) {
            Gsomia__ItemBody body = GSOMIA__ITEM_BODY__INIT;
            Gsomia__Track t = GSOMIA__TRACK__INIT;
            int which = l2 != NULL && sent % 2 == 1 ? 1 : 0;

            snprintf(track_id, sizeof(track_id), "T%ld", sent);
            t.track_id = track_id;
            t.time_us = gs_time_now();
            t.position_ecef = pos;
            t.n_position_ecef = 3;
            t.velocity_ecef = vel;
            t.n_velocity_ecef = 3;
            t.covariance = cov;
            t.n_covariance = 21;
            t.phase = GSOMIA__PHASE__MIDCOURSE;
            pbs[0] = &labels[which];
            pbs[0]->created_us = gs_time_now();
            body.kind = GSOMIA__KIND__TRACK;
            body.labels = pbs;
            body.n_labels = 1;
            body.payload_case = GSOMIA__ITEM_BODY__PAYLOAD_TRACK;
            body.track = &t;
            if (gs_client_submit(c, &body, (uint64_t)which + 1) < 0)
                return 1;
            sent++;
            if (rate > 0)
                due = start + (int64_t)(sent * 1e9 / rate);
        }
        rc = gs_client_next(c, sent < count && rate > 0 ? 1 : 5000, &f);
        if (rc == GS_ERR_STATE)
            continue;
        if (rc < 0) {
            fprintf(stderr, "fedload: the node closed the socket\n");
            return 1;
        }
        if (f->kind_case == GSOMIA__FRAME__KIND_SUBMITTED) {
            if (f->submitted->id.len != GS_ITEM_ID_LEN) {
                fprintf(stderr, "fedload: refused: %s\n", f->submitted->error);
                return 1;
            }
            gs_item_id_hex(f->submitted->id.data, hex);
            printf("%s %" PRIu64 "\n", hex, f->submitted->tag);
            done++;
        }
        gsomia__frame__free_unpacked(f, NULL);
    }
    fflush(stdout);
    gs_client_close(c);
    gs_arena_free(a);
    gs_policy_free(p);
    return 0;
}

static int watch(const char *dir, long count, double seconds)
{
    struct gs_client *c;
    int64_t end = gs_mono_ns() + (int64_t)(seconds * 1e9);
    char hex[GS_ITEM_ID_HEX];
    long got = 0;

    if (gs_client_open(dir, &c) < 0 || gs_client_subscribe(c) < 0) {
        fprintf(stderr, "fedload: the node of %s is not running\n", dir);
        return 1;
    }
    /* Tell whoever waits for us that we are listening. */
    fprintf(stderr, "fedload: watching\n");
    while (got < count && gs_mono_ns() < end) {
        Gsomia__Frame *f;
        int left = (int)((end - gs_mono_ns()) / 1000000);
        int rc = gs_client_next(c, left > 0 ? left : 1, &f);

        if (rc == GS_ERR_STATE)
            continue;
        if (rc < 0)
            break;
        if (f->kind_case == GSOMIA__FRAME__KIND_ARRIVED) {
            gs_item_id_hex(f->arrived->id.data, hex);
            printf("%s %s %s %s %" PRId64 "\n", hex, f->arrived->kind,
                   f->arrived->originator, f->arrived->source,
                   gs_time_now() - f->arrived->created_us);
            got++;
        }
        gsomia__frame__free_unpacked(f, NULL);
    }
    fflush(stdout);
    gs_client_close(c);
    return got >= count ? 0 : 3;
}

int main(int argc, char **argv)
{
    if (gs_crypto_init() < 0)
        return 1;
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "submit") == 0)
        return submit(argv[2], strtol(argv[3], NULL, 10), strtod(argv[4], NULL),
                      argv[5], argc == 7 ? argv[6] : NULL);
    if (argc == 5 && strcmp(argv[1], "watch") == 0)
        return watch(argv[2], strtol(argv[3], NULL, 10), strtod(argv[4], NULL));
    fprintf(stderr, "usage: fedload submit DIR COUNT RATE LABEL [LABEL2] | "
                    "watch DIR COUNT SECONDS\n");
    return 2;
}
