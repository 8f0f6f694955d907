/*
 * cmd_watch.c - `gsomia feed`: radar plots into a running node;
 * `gsomia watch`: the live picture of a running node as a watch officer
 * sees it; `gsomia watch retract`: withdraw one of the node's tracks.
 */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"
#include "cli/cli.h"
#include "cli/feeder.h"
#include "item/payload.h"
#include "node/client.h"
#include "peer.pb-c.h"

static const char feed_usage[] =
    "usage: gsomia feed PLOTS [--node DIR] [--speed X]\n"
    "\n"
    "Replays a file of radar plots (JSON lines, docs/tracking.md) into the\n"
    "running node of DIR in real time, or X times faster, on the plots' own\n"
    "clock. The node checks every line: plots from unknown sensors and\n"
    "malformed lines are refused with FILE:LINE:COL messages (printed here)\n"
    "and counted; they never stop the node. If the node is down, plots that\n"
    "fall due are not delivered (counted) and the feed keeps trying.\n"
    "\n"
    "  --node DIR    the node (default: $GSOMIA_NODE)\n"
    "  --speed X     replay speed, 0.01 to 1000 (default 1: real time)\n"
    "\n"
    "Exit status 0 when every plot was taken, 1 otherwise.\n";

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void sleep_us(int64_t us)
{
    struct timespec ts;

    if (us <= 0)
        return;
    ts.tv_sec = (time_t)(us / 1000000);
    ts.tv_nsec = (long)(us % 1000000) * 1000;
    nanosleep(&ts, NULL);
}

static int cmd_feed(int argc, char **argv)
{
    static const struct option opts[] = {{"node", required_argument, 0, 'N'},
                                         {"speed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *node = NULL, *dir;
    double speed = 1;
    struct gs_feeder f;
    struct gs_diag d;
    gs_time_t sim0, wall0;
    char *end;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            node = optarg;
            break;
        case 's':
            speed = strtod(optarg, &end);
            if (*end != '\0' || !(speed >= 0.01 && speed <= 1000)) {
                cli_error("--speed must be a number from 0.01 to 1000");
                return EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(feed_usage, stdout);
            return EXIT_OK;
        default:
            fputs(feed_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fputs(feed_usage, stderr);
        return EXIT_USAGE;
    }
    dir = cli_node_dir(node);
    if (dir == NULL)
        return EXIT_USAGE;
    gs_diag_init(&d);
    rc = gs_feeder_load(&f, dir, argv[optind], &d);
    if (rc < 0) {
        cli_print_diag(&d);
        gs_diag_free(&d);
        return EXIT_FAIL;
    }
    gs_diag_free(&d);
    f.errors = stderr;
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    signal(SIGPIPE, SIG_IGN);
    sim0 = gs_feeder_start(&f);
    wall0 = gs_time_now();
    while (!gs_feeder_done(&f) && !interrupted) {
        gs_time_t now = gs_time_now();
        gs_time_t until = sim0 + (gs_time_t)((double)(now - wall0) * speed);
        gs_time_t next_wall;

        gs_feeder_step(&f, until);
        if (gs_feeder_done(&f))
            break;
        next_wall = wall0 + (gs_time_t)((double)(f.due[f.next] - sim0) / speed);
        now = gs_time_now();
        /* Wake for the next plot, and at least every 100 ms to read the
         * node's answers and retry a node that is down. */
        sleep_us(next_wall - now < 100000 ? next_wall - now : 100000);
    }
    gs_feeder_drain(&f, 5000);
    fprintf(stderr,
            "gsomia feed: %zu plots: %zu taken, %zu refused, %zu not "
            "delivered%s\n",
            f.n, f.accepted, f.refused, f.undelivered + (f.n - f.next),
            interrupted ? " (interrupted)" : "");
    rc = f.accepted == f.n ? EXIT_OK : EXIT_FAIL;
    gs_feeder_free(&f);
    return rc;
}

/* ---- gsomia watch -------------------------------------------------------- */

static const char watch_usage[] =
    "usage: gsomia watch [--node DIR] --user NAME [--json] [--for SECONDS]\n"
    "       gsomia watch retract TRACK --reason TEXT [--node DIR]\n"
    "\n"
    "The live picture of a running node: every item it stores from now on\n"
    "(tracks, fused tracks, alerts, and the rest) and every civil warning it\n"
    "issues, one line each. The content of an item is shown only when the\n"
    "user NAME (a cleared person in the node's register) may read it; each\n"
    "such read is decided and recorded in the audit log like any other.\n"
    "\n"
    "`watch retract` withdraws one of this node's tracks (a false track):\n"
    "every item of it is retracted, which reaches every nation that got it,\n"
    "and the alerts and civil warnings that rested on it say so.\n"
    "\n"
    "  --node DIR      the node (default: $GSOMIA_NODE)\n"
    "  --user NAME     read as this registered user\n"
    "  --json          one JSON object a line, for scripts\n"
    "  --for SECONDS   stop after this long (default: until interrupted)\n"
    "  --reason TEXT   why the track is withdrawn (recorded and sent)\n";

/* "22:24:31" of a time. */
static void clock_of(gs_time_t t, char out[16])
{
    char buf[GS_TIME_STRLEN];

    if (gs_time_format(t, buf, sizeof(buf)) < 0 || strlen(buf) < 19)
        snprintf(out, 16, "?");
    else
        snprintf(out, 16, "%.8s", buf + 11);
}

static void track_line(const Gsomia__ItemBody *b, const char *originator,
                       FILE *out)
{
    struct gs_track_update u;
    char when[16], why[160], it[16];

    if (gs_payload_track_from_pb(b->track, originator, &u, why, sizeof(why)) <
        0)
        return;
    clock_of(u.time, when);
    fprintf(out, "  %s %s %s %s %.2f %.2f %.0f km", u.track, when,
            u.status == GS_TRACK_LOST ? "lost" : gs_phase_name(u.phase),
            b->relation == GSOMIA__RELATION__DERIVATION ? "fused" : "own",
            u.lat, u.lon, u.h / 1000);
    if (u.impact.valid) {
        clock_of(u.impact.time, it);
        fprintf(out, "; impact %s %.2f %.2f +-%.1f km", it, u.impact.lat,
                u.impact.lon, u.impact.ellipse.semi_major / 1000);
    }
    fputc('\n', out);
}

static json_t *arrival_json(const Gsomia__Arrived *a)
{
    json_t *o = json_object();
    char hex[GS_ITEM_ID_HEX];
    Gsomia__ItemBody *b = NULL;

    if (a->id.len == GS_ITEM_ID_LEN) {
        gs_item_id_hex(a->id.data, hex);
        json_object_set_new(o, "id", json_string(hex));
    }
    json_object_set_new(o, "kind", json_string(a->kind));
    json_object_set_new(o, "originator", json_string(a->originator));
    json_object_set_new(o, "source", json_string(a->source));
    json_object_set_new(o, "stored_us", json_integer(a->stored_us));
    if (a->denied[0] != '\0')
        json_object_set_new(o, "denied", json_string(a->denied));
    if (a->body.len > 0)
        b = gsomia__item_body__unpack(NULL, a->body.len, a->body.data);
    if (b != NULL && b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_TRACK) {
        struct gs_track_update u;
        char why[160];

        json_object_set_new(
            o, "fused",
            json_boolean(b->relation == GSOMIA__RELATION__DERIVATION));
        if (gs_payload_track_from_pb(b->track, a->originator, &u, why,
                                     sizeof(why)) == 0) {
            json_t *src = json_array();
            int i;

            json_object_set_new(o, "track", json_string(u.track));
            json_object_set_new(o, "time_us", json_integer(u.time));
            json_object_set_new(o, "lost",
                                json_boolean(u.status == GS_TRACK_LOST));
            for (i = 0; i < u.n_sources; i++)
                json_array_append_new(src, json_string(u.sources[i]));
            json_object_set_new(o, "sources", src);
            if (u.impact.valid)
                json_object_set_new(
                    o, "impact",
                    json_pack("{s:f,s:f,s:I,s:f}", "latitude", u.impact.lat,
                              "longitude", u.impact.lon, "time_us",
                              (json_int_t)u.impact.time, "semi_major",
                              u.impact.ellipse.semi_major));
        }
    }
    if (b != NULL && b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_ALERT) {
        json_t *nations = json_array();
        size_t i;

        json_object_set_new(o, "alert", json_string(b->alert->alert_id));
        json_object_set_new(o, "type", json_string(b->alert->type));
        json_object_set_new(o, "track", json_string(b->alert->track_id));
        json_object_set_new(o, "text", json_string(b->alert->text));
        json_object_set_new(o, "based_on_us",
                            json_integer(b->alert->based_on_us));
        for (i = 0; i < b->alert->n_overflight; i++)
            json_array_append_new(nations,
                                  json_string(b->alert->overflight[i]));
        json_object_set_new(o, "overflight", nations);
    }
    if (b != NULL) {
        json_t *labels = json_array();
        size_t i, k;

        for (i = 0; i < b->n_labels; i++) {
            json_t *rel = json_array();

            for (k = 0; k < b->labels[i]->n_releasable_to; k++)
                json_array_append_new(
                    rel, json_string(b->labels[i]->releasable_to[k]));
            json_array_append_new(labels, json_pack("{s:s,s:o}", "originator",
                                                    b->labels[i]->originator,
                                                    "releasable_to", rel));
        }
        json_object_set_new(o, "labels", labels);
        gsomia__item_body__free_unpacked(b, NULL);
    }
    return o;
}

static void arrival_text(const Gsomia__Arrived *a, FILE *out)
{
    Gsomia__ItemBody *b = NULL;
    char when[16];

    clock_of(a->stored_us, when);
    fprintf(out, "%s %-11s from %s (%s)%s%s\n", when, a->kind, a->originator,
            a->source, a->denied[0] ? ": not readable, " : "", a->denied);
    if (a->body.len > 0)
        b = gsomia__item_body__unpack(NULL, a->body.len, a->body.data);
    if (b == NULL)
        return;
    if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_TRACK)
        track_line(b, a->originator, out);
    else if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_ALERT)
        fprintf(out, "  %s %s: %s\n", b->alert->alert_id, b->alert->type,
                b->alert->text);
    gsomia__item_body__free_unpacked(b, NULL);
}

static void warned_out(const Gsomia__Warned *w, bool json, FILE *out)
{
    size_t i;

    if (json) {
        json_t *o = json_object(), *areas = json_array();
        char *text;

        for (i = 0; i < w->n_areas; i++)
            json_array_append_new(areas, json_string(w->areas[i]));
        json_object_set_new(o, "kind", json_string("warning"));
        json_object_set_new(o, "identifier", json_string(w->identifier));
        json_object_set_new(o, "msg_type", json_string(w->msg_type));
        json_object_set_new(o, "situation", json_string(w->situation));
        json_object_set_new(o, "track", json_string(w->track_id));
        json_object_set_new(o, "areas", areas);
        json_object_set_new(o, "issued_us", json_integer(w->issued_us));
        json_object_set_new(o, "xml", json_string(w->xml));
        text = json_dumps(o, JSON_COMPACT);
        fprintf(out, "%s\n", text);
        free(text);
        json_decref(o);
        return;
    }
    fprintf(out, "CIVIL WARNING %s %s (%s) for", w->msg_type, w->situation,
            w->identifier);
    for (i = 0; i < w->n_areas; i++)
        fprintf(out, " %s", w->areas[i]);
    fputc('\n', out);
}

/* The running node of --node (or $GSOMIA_NODE): an exit status. */
static int open_node(const char *node, struct gs_client **c)
{
    const char *dir = cli_node_dir(node);

    if (dir == NULL)
        return EXIT_USAGE;
    if (gs_client_open(dir, c) < 0) {
        cli_error("the node of %s is not running (start it with `gsomia "
                  "serve`)",
                  dir);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int cmd_retract(int argc, char **argv)
{
    static const struct option opts[] = {{"node", required_argument, 0, 'N'},
                                         {"reason", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *node = NULL, *reason = NULL;
    struct gs_client *c;
    Gsomia__Frame *fr;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            node = optarg;
            break;
        case 'r':
            reason = optarg;
            break;
        case 'h':
            fputs(watch_usage, stdout);
            return EXIT_OK;
        default:
            fputs(watch_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1 || reason == NULL || reason[0] == '\0') {
        cli_error("`watch retract` needs a TRACK and a --reason");
        return EXIT_USAGE;
    }
    rc = open_node(node, &c);
    if (rc != EXIT_OK)
        return rc;
    rc = gs_client_retract_track(c, 1, argv[optind], reason);
    while (rc == 0 && (rc = gs_client_next(c, 30000, &fr)) == 0) {
        if (fr->kind_case == GSOMIA__FRAME__KIND_TRACK_RETRACTED) {
            if (fr->track_retracted->error[0] != '\0') {
                cli_error("%s", fr->track_retracted->error);
                rc = GS_ERR_INVALID;
            } else {
                printf("track %s withdrawn: %u items retracted\n", argv[optind],
                       fr->track_retracted->items);
            }
            gsomia__frame__free_unpacked(fr, NULL);
            break;
        }
        gsomia__frame__free_unpacked(fr, NULL);
    }
    gs_client_close(c);
    if (rc < 0 && rc != GS_ERR_INVALID)
        cli_error("no answer from the node");
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

static int cmd_watch(int argc, char **argv)
{
    static const struct option opts[] = {{"node", required_argument, 0, 'N'},
                                         {"user", required_argument, 0, 'u'},
                                         {"json", no_argument, 0, 'j'},
                                         {"for", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *node = NULL, *user = NULL;
    double seconds = -1;
    bool json = false;
    struct gs_client *c;
    gs_time_t stop;
    char *end;
    int opt, rc;

    if (argc >= 2 && strcmp(argv[1], "retract") == 0)
        return cmd_retract(argc - 1, argv + 1);
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'N':
            node = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'f':
            seconds = strtod(optarg, &end);
            if (*end != '\0' || !(seconds > 0)) {
                cli_error("--for must be a positive number of seconds");
                return EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(watch_usage, stdout);
            return EXIT_OK;
        default:
            fputs(watch_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc != optind || user == NULL) {
        fputs(watch_usage, stderr);
        return EXIT_USAGE;
    }
    rc = open_node(node, &c);
    if (rc != EXIT_OK)
        return rc;
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
    rc = gs_client_subscribe_as(c, user);
    stop = seconds > 0 ? gs_time_now() + (gs_time_t)(seconds * 1e6) : 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (rc == 0 && !interrupted && (stop == 0 || gs_time_now() < stop)) {
        Gsomia__Frame *fr;

        rc = gs_client_next(c, 200, &fr);
        if (rc == GS_ERR_STATE) {
            rc = 0;
            continue;
        }
        if (rc < 0)
            break;
        if (fr->kind_case == GSOMIA__FRAME__KIND_ARRIVED) {
            if (json) {
                json_t *o = arrival_json(fr->arrived);
                char *text = json_dumps(o, JSON_COMPACT);

                printf("%s\n", text);
                free(text);
                json_decref(o);
            } else {
                arrival_text(fr->arrived, stdout);
            }
        } else if (fr->kind_case == GSOMIA__FRAME__KIND_WARNED) {
            warned_out(fr->warned, json, stdout);
        }
        gsomia__frame__free_unpacked(fr, NULL);
    }
    gs_client_close(c);
    if (rc < 0) {
        cli_error("the node closed the connection");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

const struct cli_command cli_watch_commands[] = {
    {"feed", NULL, "replay radar plots into the running node", cmd_feed},
    {"watch", NULL, "the live picture; `watch retract` withdraws a track",
     cmd_watch},
    {NULL, NULL, NULL, NULL}};
