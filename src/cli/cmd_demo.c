/*
 * cmd_demo.c - `gsomia demo`: the missile-warning chain end to end.
 *
 * Three nodes - KOR, USA (the hub) and JPN - are created with today's
 * agreements, started as real processes on 127.0.0.1, and fed the plots
 * that the scenario's Korean, US and Japanese radars would have seen,
 * accelerated. The demo subscribes to every node as its watch officer and
 * prints a timeline: first detection at each nation, first shared track
 * at each partner with the delivery latency of each hop, launch point,
 * impact prediction as it converges, overflight, the civil warning, the
 * end. Then the errors against the truth, latency percentiles per hop,
 * and `audit verify` of every node. The node folders stay for inspection.
 *
 * The nodes are set up through the library, exactly as the `gsomia`
 * commands do it; everything after setup goes through the nodes' sockets.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert/region.h"
#include "audit/log.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"
#include "cli/cli.h"
#include "cli/feeder.h"
#include "item/payload.h"
#include "node/client.h"
#include "node/covenant.h"
#include "node/holding.h"
#include "peer.pb-c.h"
#include "sim/radar.h"
#include "sim/scenario.h"
#include "sim/truth.h"
#include "track/geo.h"

#define N_NODES 3
#define KOR 0
#define USA 1
#define JPN 2
#define ITEMS_MAX (1u << 16) /* items followed, a power of two */
#define ALERTS_MAX 64        /* alerts followed per node */
#define DEFAULT_SPEED 12.0
#define DEFAULT_PORT 7741

static const char demo_usage[] =
    "usage: gsomia demo [--scenario FILE] [--speed X] [--dir DIR]\n"
    "                   [--port N] [--cot HOST:PORT] [--quiet]\n"
    "\n"
    "Runs the missile-warning chain end to end: three nodes - KOR, JPN and\n"
    "USA as the hub - with today's agreements (JPN-KOR 2016 GSOMIA, US-JPN,\n"
    "US-KOR), started as real processes on 127.0.0.1 and fed the plots of a\n"
    "scenario's Korean, US and Japanese radars, replayed SPEED times faster\n"
    "than real time. Prints a timeline a watch officer can follow, then the\n"
    "errors against the truth, the delivery latency of each hop, and the\n"
    "audit log check of every node. The node folders are left for\n"
    "inspection (logs, stores, CAP messages in jpn/warnings/).\n"
    "\n"
    "  --scenario FILE  the scenario (default: the IRBM over Japan of\n"
    "                   4 Oct 2022, examples/scenarios/irbm-over-japan.json)\n"
    "  --speed X        replay speed (default 12: about two minutes)\n"
    "  --dir DIR        where to make the nodes (default: a new folder in\n"
    "                   /tmp); must not exist or be empty\n"
    "  --port N         the nodes listen on N, N+1, N+2 (default 7741)\n"
    "  --cot HOST:PORT  also send Cursor-on-Target events there (UDP)\n"
    "  --quiet          print only the summary\n"
    "  --json FILE      also write the measured figures as JSON\n";

/* The cast: who each node is, its clearance word, how it marks tracks. */
static const struct {
    const char *nat, *lower, *name, *clearance, *label;
} cast[N_NODES] = {
    {"KOR", "kor", "seoul", "군사II급비밀",
     "{\"originator\": \"KOR\", \"classification\": \"군사II급비밀\",\n"
     " \"releasable_to\": [\"USA\", \"JPN\"],\n"
     " \"categories\": [\"DPRK-MISSILE\"], \"purpose\": \"missile-warning\",\n"
     " \"derivatives\": [\"civil-warning\"],\n"
     " \"created\": \"2024-01-10T00:00:00Z\", \"review\": null}\n"},
    {"USA", "usa", "indopacom", "SECRET",
     "{\"originator\": \"USA\", \"classification\": \"SECRET\",\n"
     " \"releasable_to\": [\"JPN\", \"KOR\"],\n"
     " \"categories\": [\"DPRK-MISSILE\"], \"purpose\": \"missile-warning\",\n"
     " \"derivatives\": [\"civil-warning\"],\n"
     " \"created\": \"2024-01-10T00:00:00Z\", \"review\": null}\n"},
    {"JPN", "jpn", "tokyo", "極秘",
     "{\"originator\": \"JPN\", \"classification\": \"極秘\",\n"
     " \"releasable_to\": [\"USA\", \"KOR\"],\n"
     " \"categories\": [\"DPRK-MISSILE\"], \"purpose\": \"missile-warning\",\n"
     " \"derivatives\": [\"civil-warning\"],\n"
     " \"created\": \"2024-01-10T00:00:00Z\", \"review\": null}\n"},
};

struct node_rt {
    char dir[1024];
    char address[32];
    pid_t pid;
    struct gs_client *sub;
    struct gs_feeder feed;
    bool has_feed;
    /* timeline */
    bool detected, launch_said, warned;
    bool got_from[N_NODES];
    double impact_said; /* semi-major axis last printed, m */
    char impact_alert[32];
};

/* An item followed across the nodes. */
struct followed {
    bool used;
    uint8_t id[GS_ITEM_ID_LEN];
    int originator; /* node index, -1 another nation */
    bool track, alert, fused;
    bool timed;     /* made upon a plot of time `time` (not a lost track's) */
    gs_time_t time; /* track time, or the alert's based_on */
    gs_time_t stored[N_NODES];
};

/* One node's own alert about one object: its latest estimates. */
struct alert_est {
    char id[32];
    bool has_launch, has_impact;
    struct gs_ground_point launch, impact;
    gs_time_t first_impact;
};

struct demo {
    const char *base;
    double speed;
    bool quiet;
    struct node_rt node[N_NODES];
    struct gs_scenario sc;
    struct gs_truth truth;
    int warhead; /* truth object of the first warhead */
    gs_time_t launch;
    struct followed *items;
    size_t n_items;
    gs_time_t first_detection, first_warning, first_warning_wall;
    char warning_areas[256];
    int warnings;
    /* each node's own alerts, for the errors */
    struct alert_est est[N_NODES][ALERTS_MAX];
    size_t n_est[N_NODES];
    char overflown[64];         /* nations JPN said the path crosses */
    double fell[ALERTS_MAX][2]; /* where JPN said objects came down */
    size_t n_fell;
    struct gs_regions *regions; /* for the names of areas */
    gs_time_t sim0, wall0;
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int node_of(const char *nat)
{
    int i;

    for (i = 0; i < N_NODES; i++)
        if (strcmp(cast[i].nat, nat) == 0)
            return i;
    return -1;
}

/* ---- setting up -----------------------------------------------------------
 */

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        if (f != NULL)
            fclose(f);
        return GS_ERR_IO;
    }
    return 0;
}

static int append_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");

    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        cli_error("cannot write %s: %s", path, strerror(errno));
        return GS_ERR_IO;
    }
    return 0;
}

/* Runs fn(n, ctx) on the node of dir in one transaction. */
static int with_node(const char *dir,
                     int (*fn)(struct gs_node *n, void *ctx, struct gs_diag *d),
                     void *ctx)
{
    struct gs_node *n = NULL;
    struct gs_diag d;
    int rc;

    gs_diag_init(&d);
    rc = gs_node_open(dir, &n, &d);
    if (rc == 0)
        rc = gs_node_begin(n);
    if (rc == 0) {
        rc = fn(n, ctx, &d);
        if (rc == 0)
            rc = gs_node_commit(n);
        else
            gs_node_rollback(n);
    }
    if (rc < 0)
        cli_print_diag(&d);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc;
}

struct link_ctx {
    struct demo *dm;
    int self;
};

/* Every node knows every identity; KOR and JPN dial the hub; a watch
 * officer is registered. */
static int link_node(struct gs_node *n, void *ctx, struct gs_diag *d)
{
    struct link_ctx *lc = ctx;
    struct demo *dm = lc->dm;
    json_t *user;
    int i, rc = 0;

    for (i = 0; rc == 0 && i < N_NODES; i++) {
        char path[1100];
        struct gs_jdoc doc;
        struct gs_jctx c = {&doc, d};
        struct gs_identity id;
        char *text;

        if (i == lc->self)
            continue;
        snprintf(path, sizeof(path), "%s/%s.id", dm->base, cast[i].lower);
        rc = gs_jdoc_load(&doc, path, GS_JSON_MAX_FILE, d);
        if (rc == 0)
            rc = gs_identity_from_json(&c, doc.root, &id);
        if (rc == 0) {
            text = json_dumps(doc.root, JSON_COMPACT);
            rc = gs_node_identity_import(n, &id, text);
            free(text);
            if (rc == 0 && (lc->self == USA || i == USA))
                rc = gs_store_peer_put(n->store, cast[i].nat,
                                       i == USA ? dm->node[USA].address : "");
            gs_identity_free(&id);
        }
        gs_jdoc_free(&doc);
    }
    user = json_pack("{s:s,s:s,s:s,s:[s],s:[s],s:[s]}", "name", "watch",
                     "nationality", cast[lc->self].nat, "clearance",
                     cast[lc->self].clearance, "categories", "DPRK-MISSILE",
                     "purposes", "missile-warning", "roles", "watch-officer");
    if (rc == 0)
        rc = gs_hold_user_put(n, user, "node", d);
    json_decref(user);
    return rc;
}

static int export_identity(const char *dir, const char *path)
{
    struct gs_node *n = NULL;
    struct gs_diag d;
    json_t *id;
    int rc;

    gs_diag_init(&d);
    rc = gs_node_open(dir, &n, &d);
    if (rc == 0) {
        id = gs_node_identity(n);
        rc = json_dump_file(id, path, JSON_INDENT(2)) == 0 ? 0 : GS_ERR_IO;
        json_decref(id);
    }
    cli_print_diag(&d);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc;
}

/* The scenario's plots and radars, one file each per nation. */
static int simulate(struct demo *dm, const char *scenario)
{
    struct gs_sim_plot *p = NULL;
    struct gs_diag d;
    char dir[1100];
    size_t n = 0, i, count;
    int rc;

    gs_diag_init(&d);
    rc = gs_scenario_load(scenario, &dm->sc, &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    if (rc < 0)
        return rc;
    if (gs_sim_run(&dm->sc, dm->sc.seed, &dm->truth, &p, &n) < 0) {
        cli_error("%s: a flight did not come down; check the profile",
                  scenario);
        return GS_ERR_INVALID;
    }
    snprintf(dir, sizeof(dir), "%s/sim", dm->base);
    mkdir(dir, 0755);
    for (i = 0; rc == 0 && i < N_NODES; i++) {
        char name[64];

        snprintf(name, sizeof(name), "sensors-%s.json", cast[i].nat);
        rc = cli_write_sensors(dir, name, dm->sc.sensors, dm->sc.n_sensors,
                               cast[i].nat);
        snprintf(name, sizeof(name), "plots-%s.jsonl", cast[i].nat);
        if (rc == 0)
            rc = cli_write_plots(dir, name, &dm->sc, p, n, cast[i].nat, &count);
    }
    gs_free(p);
    dm->warhead = -1;
    for (i = 0; i < dm->truth.n_obj; i++)
        if (dm->truth.obj[i].kind == GS_OBJ_WARHEAD) {
            dm->warhead = (int)i;
            break;
        }
    dm->launch = gs_scenario_epoch(&dm->sc);
    return rc;
}

static int setup(struct demo *dm, const char *scenario, int port,
                 const char *cot)
{
    struct gs_diag d;
    int i, rc = 0;

    if (mkdir(dm->base, 0700) != 0 && errno != EEXIST) {
        cli_error("cannot create %s: %s", dm->base, strerror(errno));
        return GS_ERR_IO;
    }
    rc = simulate(dm, scenario);
    for (i = 0; rc == 0 && i < N_NODES; i++) {
        struct node_rt *nd = &dm->node[i];
        char path[1200], conf[512];

        snprintf(nd->dir, sizeof(nd->dir), "%s/%s", dm->base, cast[i].lower);
        snprintf(nd->address, sizeof(nd->address), "127.0.0.1:%d", port + i);
        gs_diag_init(&d);
        rc = gs_node_init(nd->dir, cast[i].nat, cast[i].name, nd->address,
                          i == USA, &d);
        cli_print_diag(&d);
        gs_diag_free(&d);
        if (rc < 0)
            break;
        snprintf(path, sizeof(path), "%s/track-label.json", nd->dir);
        rc = write_text(path, cast[i].label);
        snprintf(path, sizeof(path), "%s/sim/sensors-%s.json", dm->base,
                 cast[i].nat);
        snprintf(conf, sizeof(conf),
                 "\n[watch]\nsensors = ../sim/sensors-%s.json\n"
                 "label = track-label.json\n%s%s%s%s",
                 cast[i].nat,
                 i == JPN ? "\n[warning]\ncap = yes\nstatus = Exercise\n"
                            "sender = tokyo.JPN.gsomia\n"
                          : "",
                 cot != NULL ? "\n[cot]\naddress = " : "",
                 cot != NULL ? cot : "", cot != NULL ? "\n" : "");
        snprintf(path, sizeof(path), "%s/gsomia.conf", nd->dir);
        if (rc == 0)
            rc = append_text(path, conf);
        snprintf(path, sizeof(path), "%s/%s.id", dm->base, cast[i].lower);
        if (rc == 0)
            rc = export_identity(nd->dir, path);
    }
    for (i = 0; rc == 0 && i < N_NODES; i++) {
        struct link_ctx lc = {dm, i};

        rc = with_node(dm->node[i].dir, link_node, &lc);
    }
    return rc;
}

/* ---- the node processes -----------------------------------------------------
 */

static int start_node(struct demo *dm, int i)
{
    struct node_rt *nd = &dm->node[i];
    char log[1100], sock[1100];
    pid_t pid;
    int k;

    snprintf(log, sizeof(log), "%s/%s.log", dm->base, cast[i].lower);
    snprintf(sock, sizeof(sock), "%s/run/node.sock", nd->dir);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return GS_ERR_IO;
    if (pid == 0) {
        FILE *f = freopen(log, "a", stderr);

        (void)f;
        setenv("GSOMIA_LOG", "info", 0);
        execl("/proc/self/exe", "gsomia", "serve", "--node", nd->dir,
              (char *)NULL);
        _exit(127);
    }
    nd->pid = pid;
    for (k = 0; k < 100; k++) {
        struct stat st;
        int status;

        if (stat(sock, &st) == 0)
            return 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            nd->pid = 0;
            cli_error("the %s node stopped at once; see %s", cast[i].nat, log);
            return GS_ERR_STATE;
        }
        usleep(100000);
    }
    cli_error("the %s node did not start within 10 s; see %s", cast[i].nat,
              log);
    return GS_ERR_STATE;
}

static void stop_node(struct node_rt *nd)
{
    int k, status;

    if (nd->pid <= 0)
        return;
    kill(nd->pid, SIGTERM);
    for (k = 0; k < 100; k++) {
        if (waitpid(nd->pid, &status, WNOHANG) == nd->pid) {
            nd->pid = 0;
            return;
        }
        usleep(50000);
    }
    kill(nd->pid, SIGKILL);
    waitpid(nd->pid, &status, 0);
    nd->pid = 0;
}

/* ---- agreements -------------------------------------------------------------
 */

struct propose_ctx {
    const char *path;
    const char *notify[2];
    size_t n_notify;
};

static int propose_one(struct gs_node *n, void *ctx, struct gs_diag *d)
{
    struct propose_ctx *pc = ctx;
    struct gs_buf b;
    uint8_t id[GS_ITEM_ID_LEN];
    int rc;

    gs_buf_init(&b, GS_JSON_MAX_FILE);
    rc = gs_buf_read_file(&b, pc->path);
    if (rc < 0)
        gs_diag_error(d, NULL, "cannot read %s", pc->path);
    else
        rc = gs_node_propose(n, GS_KIND_AGREEMENT, gs_buf_str(&b), pc->path,
                             "node", pc->notify, pc->n_notify, id, d);
    gs_buf_free(&b);
    return rc;
}

struct sign_ctx {
    const char *agreement; /* "USA-KOR-1987" */
    const char *nat;
    bool found, signed_now;
};

static int find_unsigned(void *ctx, const struct gs_covenant *c)
{
    struct sign_ctx *sc = ctx;

    if (c->kind == GS_KIND_AGREEMENT && strcmp(c->id, sc->agreement) == 0 &&
        strstr(c->missing, sc->nat) != NULL)
        sc->found = true;
    return 0;
}

struct item_ctx {
    const char *agreement;
    uint8_t item[GS_ITEM_ID_LEN];
    bool found, in_effect;
};

static int find_item(void *ctx, const struct gs_covenant *c)
{
    struct item_ctx *ic = ctx;

    if (c->kind == GS_KIND_AGREEMENT && strcmp(c->id, ic->agreement) == 0) {
        memcpy(ic->item, c->item, GS_ITEM_ID_LEN);
        ic->found = true;
        ic->in_effect = ic->in_effect || c->in_effect;
    }
    return 0;
}

static int sign_one(struct gs_node *n, void *ctx, struct gs_diag *d)
{
    struct sign_ctx *sc = ctx;
    struct item_ctx ic;
    int rc;

    memset(&ic, 0, sizeof(ic));
    ic.agreement = sc->agreement;
    sc->found = false;
    rc = gs_node_covenants(n, find_unsigned, sc);
    if (rc == 0 && sc->found)
        rc = gs_node_covenants(n, find_item, &ic);
    if (rc == 0 && sc->found && ic.found) {
        rc = gs_node_cosign(n, ic.item, "node", d);
        sc->signed_now = rc == 0;
    }
    return rc;
}

static int check_in_effect(struct gs_node *n, void *ctx, struct gs_diag *d)
{
    struct item_ctx *ic = ctx;

    (void)d;
    ic->found = ic->in_effect = false;
    return gs_node_covenants(n, find_item, ic);
}

/* Waits until pred holds for the node of dir (10 s at most). */
static bool wait_for(const char *dir,
                     int (*fn)(struct gs_node *n, void *ctx, struct gs_diag *d),
                     void *ctx, bool *flag)
{
    int k;

    for (k = 0; k < 100 && !stop_requested; k++) {
        if (with_node(dir, fn, ctx) == 0 && *flag)
            return true;
        usleep(100000);
    }
    return false;
}

static int agreements(struct demo *dm, const char *examples)
{
    static const struct {
        const char *file, *id;
        int proposer, signer;
        const char *notify;
    } ag[] = {
        {"USA-KOR-1987.json", "USA-KOR-1987", KOR, USA, "JPN"},
        {"USA-JPN-2007.json", "USA-JPN-2007", JPN, USA, "KOR"},
        {"JPN-KOR-2016.json", "JPN-KOR-2016", KOR, JPN, "USA"},
    };
    size_t a;
    int i;

    for (a = 0; a < sizeof(ag) / sizeof(ag[0]); a++) {
        char path[1100];
        struct propose_ctx pc;
        struct sign_ctx sc;

        snprintf(path, sizeof(path), "%s/agreements/%s", examples, ag[a].file);
        memset(&pc, 0, sizeof(pc));
        pc.path = path;
        pc.notify[0] = ag[a].notify;
        pc.n_notify = 1;
        if (with_node(dm->node[ag[a].proposer].dir, propose_one, &pc) < 0)
            return GS_ERR_STATE;
        memset(&sc, 0, sizeof(sc));
        sc.agreement = ag[a].id;
        sc.nat = cast[ag[a].signer].nat;
        if (!wait_for(dm->node[ag[a].signer].dir, sign_one, &sc,
                      &sc.signed_now)) {
            cli_error("agreement %s did not reach %s to be signed", ag[a].id,
                      sc.nat);
            return GS_ERR_STATE;
        }
    }
    for (a = 0; a < sizeof(ag) / sizeof(ag[0]); a++)
        for (i = 0; i < N_NODES; i++) {
            struct item_ctx ic;

            memset(&ic, 0, sizeof(ic));
            ic.agreement = ag[a].id;
            if (!wait_for(dm->node[i].dir, check_in_effect, &ic,
                          &ic.in_effect)) {
                cli_error("agreement %s is not in effect at %s", ag[a].id,
                          cast[i].nat);
                return GS_ERR_STATE;
            }
        }
    return 0;
}

/* ---- following the items
 * ------------------------------------------------------ */

static struct followed *follow(struct demo *dm, const uint8_t *id)
{
    size_t h, k;

    memcpy(&h, id, sizeof(h));
    for (k = 0; k < ITEMS_MAX; k++) {
        struct followed *f = &dm->items[(h + k) & (ITEMS_MAX - 1)];

        if (!f->used) {
            if (dm->n_items >= ITEMS_MAX * 3 / 4)
                return NULL;
            memset(f, 0, sizeof(*f));
            f->used = true;
            memcpy(f->id, id, GS_ITEM_ID_LEN);
            dm->n_items++;
            return f;
        }
        if (memcmp(f->id, id, GS_ITEM_ID_LEN) == 0)
            return f;
    }
    return NULL;
}

/* Seconds since launch, as the timeline shows them: "T+03:12.4". */
static void since_launch(const struct demo *dm, gs_time_t t, char out[16])
{
    double s = (double)(t - dm->launch) * 1e-6;
    int m;

    if (s < 0)
        s = 0;
    m = (int)(s / 60);
    snprintf(out, 16, "T+%02d:%04.1f", m, s - 60 * m);
}

/* The simulated time now, from the replay clock. */
static gs_time_t sim_now(const struct demo *dm)
{
    return dm->sim0 +
           (gs_time_t)((double)(gs_time_now() - dm->wall0) * dm->speed);
}

static double ground_distance(double lat1, double lon1, double lat2,
                              double lon2)
{
    double s = 0;

    gs_geodesic_inverse(lat1 * GS_DEG, lon1 * GS_DEG, lat2 * GS_DEG,
                        lon2 * GS_DEG, &s, NULL);
    return s;
}

/* The hops an item took to node i, as text: "KOR→USA 3.1 ms, USA→JPN
 * 2.9 ms". */
static void hops(const struct followed *f, int i, char *out, size_t n)
{
    int o = f->originator;

    out[0] = '\0';
    if (o < 0 || f->stored[o] == 0)
        return;
    if (o != USA && i != USA && f->stored[USA] != 0)
        snprintf(out, n, "%s→USA %.1f ms, USA→%s %.1f ms", cast[o].nat,
                 (double)(f->stored[USA] - f->stored[o]) / 1e3, cast[i].nat,
                 (double)(f->stored[i] - f->stored[USA]) / 1e3);
    else
        snprintf(out, n, "%s→%s %.1f ms", cast[o].nat, cast[i].nat,
                 (double)(f->stored[i] - f->stored[o]) / 1e3);
}

static void say(const struct demo *dm, gs_time_t t, int node, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

static void say(const struct demo *dm, gs_time_t t, int node, const char *fmt,
                ...)
{
    char when[16];
    va_list ap;

    if (dm->quiet)
        return;
    since_launch(dm, t, when);
    printf("  %s  %s  ", when, cast[node].nat);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void on_track(struct demo *dm, int i, const Gsomia__Arrived *a,
                     const Gsomia__ItemBody *b, struct followed *f)
{
    struct node_rt *nd = &dm->node[i];
    struct gs_track_update u;
    char why[160], via[160];
    int o = node_of(a->originator);

    if (gs_payload_track_from_pb(b->track, a->originator, &u, why,
                                 sizeof(why)) < 0)
        return;
    f->track = true;
    f->fused = b->relation == GSOMIA__RELATION__DERIVATION;
    f->time = u.time;
    f->timed = u.status != GS_TRACK_LOST;
    if (o == i && !f->fused && !nd->detected) {
        nd->detected = true;
        if (dm->first_detection == 0 || u.time < dm->first_detection)
            dm->first_detection = u.time;
        say(dm, u.time, i,
            "first detection: %s, %s, %.0f km up over %.2f%c %.2f%c", u.track,
            gs_phase_name(u.phase), u.h / 1000, fabs(u.lat),
            u.lat >= 0 ? 'N' : 'S', fabs(u.lon), u.lon >= 0 ? 'E' : 'W');
    }
    if (o >= 0 && o != i && !f->fused && !nd->got_from[o]) {
        nd->got_from[o] = true;
        hops(f, i, via, sizeof(via));
        say(dm, u.time, i, "first %s track received: %s (%s)", cast[o].nat,
            u.track, via[0] ? via : "hops pending");
    }
}

static struct alert_est *est_of(struct demo *dm, int i, const char *id)
{
    size_t k;

    for (k = 0; k < dm->n_est[i]; k++)
        if (strcmp(dm->est[i][k].id, id) == 0)
            return &dm->est[i][k];
    if (dm->n_est[i] == ALERTS_MAX)
        return NULL;
    k = dm->n_est[i]++;
    snprintf(dm->est[i][k].id, sizeof(dm->est[i][k].id), "%s", id);
    return &dm->est[i][k];
}

static void on_alert(struct demo *dm, int i, const Gsomia__Arrived *a,
                     const Gsomia__ItemBody *b, struct followed *f)
{
    const Gsomia__Alert *al = b->alert;
    struct node_rt *nd = &dm->node[i];
    int o = node_of(a->originator);
    struct gs_ground_point g;
    struct alert_est *e;
    char why[160];

    f->alert = true;
    f->fused = b->relation == GSOMIA__RELATION__DERIVATION;
    f->time = al->based_on_us;
    f->timed = strcmp(al->type, GS_ALERT_LAUNCH) == 0 ||
               strcmp(al->type, GS_ALERT_IMPACT) == 0 ||
               strcmp(al->type, GS_ALERT_OVERFLIGHT) == 0;
    if (o != i)
        return; /* each node's own assessment */
    e = est_of(dm, i, al->alert_id);
    if (e != NULL && strcmp(al->type, GS_ALERT_LAUNCH) == 0 &&
        al->launch != NULL &&
        gs_payload_ground_from_pb(al->launch, &g, why, sizeof(why)) == 0 &&
        strstr(al->text, "launched") != NULL) {
        e->has_launch = true;
        e->launch = g;
        if (!nd->launch_said) {
            nd->launch_said = true;
            say(dm, al->based_on_us, i,
                "launch point %.2f%c %.2f%c (95 %% within %.1f km)",
                fabs(g.lat), g.lat >= 0 ? 'N' : 'S', fabs(g.lon),
                g.lon >= 0 ? 'E' : 'W', g.ellipse.semi_major / 1000);
        }
    }
    if (e != NULL && strcmp(al->type, GS_ALERT_IMPACT) == 0 &&
        al->impact != NULL &&
        gs_payload_ground_from_pb(al->impact, &g, why, sizeof(why)) == 0) {
        const struct gs_truth_object *w =
            dm->warhead >= 0 ? &dm->truth.obj[dm->warhead] : NULL;
        double miss =
            w != NULL ? ground_distance(g.lat, g.lon, w->impact.lat / GS_DEG,
                                        w->impact.lon / GS_DEG)
                      : -1;

        e->has_impact = true;
        e->impact = g;
        if (e->first_impact == 0)
            e->first_impact = al->based_on_us;
        /* The Japanese picture of the warhead, as it converges. */
        if (i == JPN && w != NULL && miss < 300e3 &&
            (nd->impact_said == 0 ||
             g.ellipse.semi_major < 0.5 * nd->impact_said)) {
            char when[16];

            nd->impact_said = g.ellipse.semi_major;
            since_launch(dm, g.time, when);
            say(dm, al->based_on_us, i,
                "impact predicted at %s, "
                "%.2f%c %.2f%c, 95 %% ellipse %.0f x %.0f km (%.0f km "
                "from the truth)",
                when, fabs(g.lat), g.lat >= 0 ? 'N' : 'S', fabs(g.lon),
                g.lon >= 0 ? 'E' : 'W', g.ellipse.semi_major / 1000,
                g.ellipse.semi_minor / 1000, miss / 1000);
        }
    }
    if (i == JPN && strcmp(al->type, GS_ALERT_OVERFLIGHT) == 0) {
        size_t k, len = strlen(dm->overflown);
        bool grew = false;

        for (k = 0; k < al->n_overflight; k++)
            if (strstr(dm->overflown, al->overflight[k]) == NULL &&
                len + 6 < sizeof(dm->overflown)) {
                len += (size_t)snprintf(dm->overflown + len,
                                        sizeof(dm->overflown) - len, "%s%s",
                                        len ? ", " : "", al->overflight[k]);
                grew = true;
            }
        if (grew)
            say(dm, al->based_on_us, i,
                "overflight: predicted paths cross the territory of %s",
                dm->overflown);
    }
    if (i == JPN && strcmp(al->type, GS_ALERT_ENDED) == 0 &&
        strstr(al->text, "came down") != NULL && e != NULL && e->has_impact) {
        size_t k;

        /* Once per place: several tracks may follow one object. */
        for (k = 0; k < dm->n_fell; k++)
            if (ground_distance(dm->fell[k][0], dm->fell[k][1], e->impact.lat,
                                e->impact.lon) < 50e3)
                return;
        if (dm->n_fell < ALERTS_MAX) {
            dm->fell[dm->n_fell][0] = e->impact.lat;
            dm->fell[dm->n_fell++][1] = e->impact.lon;
        }
        say(dm, al->based_on_us, i, "%s", al->text);
    }
}

static void on_arrived(struct demo *dm, int i, const Gsomia__Arrived *a)
{
    struct followed *f;
    Gsomia__ItemBody *b;

    if (a->id.len != GS_ITEM_ID_LEN)
        return;
    f = follow(dm, a->id.data);
    if (f == NULL)
        return;
    f->originator = node_of(a->originator);
    f->stored[i] = a->stored_us;
    if (a->body.len == 0)
        return;
    b = gsomia__item_body__unpack(NULL, a->body.len, a->body.data);
    if (b == NULL)
        return;
    if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_TRACK)
        on_track(dm, i, a, b, f);
    else if (b->payload_case == GSOMIA__ITEM_BODY__PAYLOAD_ALERT)
        on_alert(dm, i, a, b, f);
    gsomia__item_body__free_unpacked(b, NULL);
}

static void on_warned(struct demo *dm, int i, const Gsomia__Warned *w)
{
    gs_time_t t = sim_now(dm);
    size_t k, len = 0;
    char list[256] = "";

    dm->warnings++;
    for (k = 0; k < w->n_areas && len < sizeof(list) - 8; k++) {
        const struct gs_region *r =
            dm->regions != NULL ? gs_regions_find(dm->regions, w->areas[k])
                                : NULL;

        len +=
            (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                             k ? ", " : "", r != NULL ? r->name : w->areas[k]);
    }
    if (dm->first_warning == 0 && strcmp(w->msg_type, "Alert") == 0) {
        dm->first_warning = t;
        dm->first_warning_wall = w->issued_us;
        snprintf(dm->warning_areas, sizeof(dm->warning_areas), "%s", list);
    }
    say(dm, t, i, "CIVIL WARNING %s (CAP %s, %s) for %s", w->identifier,
        w->msg_type, w->situation, list);
}

static void drain(struct demo *dm)
{
    int i;

    for (i = 0; i < N_NODES; i++) {
        Gsomia__Frame *fr;

        while (dm->node[i].sub != NULL &&
               gs_client_next(dm->node[i].sub, 0, &fr) == 0) {
            if (fr->kind_case == GSOMIA__FRAME__KIND_ARRIVED)
                on_arrived(dm, i, fr->arrived);
            else if (fr->kind_case == GSOMIA__FRAME__KIND_WARNED)
                on_warned(dm, i, fr->warned);
            gsomia__frame__free_unpacked(fr, NULL);
        }
    }
}

/* ---- figures
 * ------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

struct series {
    const char *name;
    double *v;
    size_t n;
};

static void add(struct series *s, double v)
{
    s->v = gs_reallocarray(s->v, s->n + 1, sizeof(double));
    s->v[s->n++] = v;
}

static double pct(const struct series *s, double p)
{
    size_t k;

    if (s->n == 0)
        return NAN;
    k = (size_t)ceil(p / 100.0 * (double)s->n);
    if (k < 1)
        k = 1;
    return s->v[k - 1];
}

static void print_series(struct series *s, json_t *out)
{
    if (s->n == 0)
        return;
    qsort(s->v, s->n, sizeof(double), cmp_double);
    printf("    %-22s %6zu  %8.2f  %8.2f  %8.2f\n", s->name, s->n, pct(s, 50),
           pct(s, 99), s->v[s->n - 1]);
    json_object_set_new(out, s->name,
                        json_pack("{s:I,s:f,s:f,s:f}", "n", (json_int_t)s->n,
                                  "p50_ms", pct(s, 50), "p99_ms", pct(s, 99),
                                  "max_ms", s->v[s->n - 1]));
}

static int verify_node(const char *dir, size_t *records)
{
    struct gs_node *n = NULL;
    struct gs_audit_report rep;
    struct gs_diag d;
    int rc;

    gs_diag_init(&d);
    memset(&rep, 0, sizeof(rep));
    rc = gs_node_open(dir, &n, &d);
    if (rc == 0)
        rc = gs_audit_verify(n->store, n->signer.pk, &rep, &d);
    *records = (size_t)rep.records;
    if (rc < 0)
        cli_print_diag(&d);
    gs_diag_free(&d);
    gs_node_close(n);
    return rc;
}

static int summary(struct demo *dm, const char *json_path)
{
    struct series hop[7] = {
        {"KOR->USA", NULL, 0},           {"USA->JPN", NULL, 0},
        {"JPN->USA", NULL, 0},           {"USA->KOR", NULL, 0},
        {"KOR->JPN (2 hops)", NULL, 0},  {"KOR plot->JPN", NULL, 0},
        {"KOR plot->JPN fused", NULL, 0}};
    json_t *out = json_object(), *lat = json_object();
    const struct gs_truth_object *w =
        dm->warhead >= 0 ? &dm->truth.obj[dm->warhead] : NULL;
    size_t k, records;
    int i, status = 0;

    for (k = 0; k < ITEMS_MAX; k++) {
        const struct followed *f = &dm->items[k];
        const gs_time_t *s = f->stored;

        if (!f->used || !(f->track || f->alert))
            continue;
        if (f->originator == KOR && s[KOR] && s[USA])
            add(&hop[0], (double)(s[USA] - s[KOR]) / 1e3);
        if (f->originator != JPN && s[USA] && s[JPN])
            add(&hop[1], (double)(s[JPN] - s[USA]) / 1e3);
        if (f->originator == JPN && s[JPN] && s[USA])
            add(&hop[2], (double)(s[USA] - s[JPN]) / 1e3);
        if (f->originator != KOR && s[USA] && s[KOR])
            add(&hop[3], (double)(s[KOR] - s[USA]) / 1e3);
        if (f->originator == KOR && s[KOR] && s[JPN])
            add(&hop[4], (double)(s[JPN] - s[KOR]) / 1e3);
        /* From the Korean plot's entry into the Korean node to the
         * Japanese node: Korean tracks and alerts, made from the plots of
         * their time. */
        if (f->originator == KOR && s[JPN] && dm->node[KOR].has_feed &&
            (f->alert || !f->fused) && f->timed) {
            gs_time_t in = gs_feeder_entered(&dm->node[KOR].feed, f->time);

            if (in != 0 && s[JPN] >= in)
                add(&hop[5], (double)(s[JPN] - in) / 1e3);
        }
        /* Japan's own fused tracks and alerts made the moment a Korean
         * track arrived: their time is that Korean plot's. */
        if (f->originator == JPN && f->fused && s[JPN] && f->timed &&
            dm->node[KOR].has_feed) {
            gs_time_t in =
                gs_feeder_entered_exact(&dm->node[KOR].feed, f->time);

            if (in != 0 && s[JPN] >= in)
                add(&hop[6], (double)(s[JPN] - in) / 1e3);
        }
    }
    printf("\nErrors against the truth (%s, the warhead; each nation's own "
           "alert about it):\n",
           w != NULL ? w->id : "none");
    for (i = 0; i < N_NODES && w != NULL; i++) {
        const struct alert_est *best = NULL;
        double best_miss = 0;
        char fi[16] = "-";

        /* The alert about the warhead: the one whose last impact is
         * nearest its true impact. */
        for (k = 0; k < dm->n_est[i]; k++) {
            const struct alert_est *e = &dm->est[i][k];
            double miss;

            if (!e->has_impact)
                continue;
            miss =
                ground_distance(e->impact.lat, e->impact.lon,
                                w->impact.lat / GS_DEG, w->impact.lon / GS_DEG);
            if (best == NULL || miss < best_miss) {
                best = e;
                best_miss = miss;
            }
        }
        if (best == NULL) {
            printf("    %s  no impact prediction\n", cast[i].nat);
            continue;
        }
        since_launch(dm, best->first_impact, fi);
        printf("    %s  %s: launch point ", cast[i].nat, best->id);
        if (best->has_launch)
            printf("%.1f km off",
                   ground_distance(best->launch.lat, best->launch.lon,
                                   w->launch.lat / GS_DEG,
                                   w->launch.lon / GS_DEG) /
                       1000);
        else
            printf("not estimated");
        printf("; first impact prediction at %s, last %.1f km off\n", fi,
               best_miss / 1000);
    }
    if (dm->first_warning != 0) {
        char a[16];

        since_launch(dm, dm->first_warning, a);
        printf("\nFirst civil warning at %s: %.0f s after the first "
               "detection, for %s.\n",
               a, (double)(dm->first_warning - dm->first_detection) * 1e-6,
               dm->warning_areas);
        json_object_set_new(
            out, "warning_after_detection_s",
            json_real((double)(dm->first_warning - dm->first_detection) *
                      1e-6));
        json_object_set_new(
            out, "warning_after_launch_s",
            json_real((double)(dm->first_warning - dm->launch) * 1e-6));
    } else {
        printf("\nNo civil warning was issued.\n");
    }
    printf("\nDelivery latency (ms, wall clock; items stored at one node "
           "to stored at the next):\n"
           "    %-22s %6s  %8s  %8s  %8s\n",
           "hop", "items", "p50", "p99", "max");
    for (k = 0; k < sizeof(hop) / sizeof(hop[0]); k++) {
        print_series(&hop[k], lat);
        gs_free(hop[k].v);
    }
    json_object_set_new(out, "latency", lat);
    printf("\nAudit logs:\n");
    for (i = 0; i < N_NODES; i++) {
        int rc = verify_node(dm->node[i].dir, &records);

        printf("    %s  audit verify %s (%zu records)\n", cast[i].nat,
               rc == 0 ? "passed" : "FAILED", records);
        if (rc < 0)
            status = GS_ERR_VERIFY;
    }
    if (json_path != NULL && json_dump_file(out, json_path, JSON_INDENT(2)))
        cli_error("cannot write %s", json_path);
    json_decref(out);
    return status;
}

/* ---- the run
 * ------------------------------------------------------------------ */

static int replay(struct demo *dm)
{
    gs_time_t start = 0, end_sim = 0;
    size_t k;
    int i;

    for (i = 0; i < N_NODES; i++) {
        char path[1100];
        struct gs_diag d;

        snprintf(path, sizeof(path), "%s/sim/plots-%s.jsonl", dm->base,
                 cast[i].nat);
        gs_diag_init(&d);
        if (gs_feeder_load(&dm->node[i].feed, dm->node[i].dir, path, &d) == 0) {
            dm->node[i].has_feed = true;
            if (start == 0 || (gs_feeder_start(&dm->node[i].feed) != 0 &&
                               gs_feeder_start(&dm->node[i].feed) < start))
                start = gs_feeder_start(&dm->node[i].feed);
        }
        cli_print_diag(&d);
        gs_diag_free(&d);
        if (gs_client_open(dm->node[i].dir, &dm->node[i].sub) < 0 ||
            gs_client_subscribe_as(dm->node[i].sub, "watch") < 0) {
            cli_error("cannot follow the %s node", cast[i].nat);
            return GS_ERR_IO;
        }
    }
    for (k = 0; k < dm->truth.n_obj; k++) {
        gs_time_t t =
            dm->truth.epoch + (gs_time_t)(dm->truth.obj[k].t_impact * 1e6);

        if (t > end_sim)
            end_sim = t;
    }
    dm->sim0 = dm->launch < start ? dm->launch : start;
    dm->wall0 = gs_time_now();
    for (;;) {
        gs_time_t now = sim_now(dm);
        bool fed = true;

        for (i = 0; i < N_NODES; i++) {
            if (!dm->node[i].has_feed)
                continue;
            gs_feeder_step(&dm->node[i].feed, now);
            fed = fed && gs_feeder_done(&dm->node[i].feed);
        }
        drain(dm);
        if (stop_requested || (fed && now > end_sim + 60 * GS_USEC_PER_SEC))
            break;
        usleep(2000);
    }
    /* What is still on its way. */
    for (k = 0; k < 50; k++) {
        drain(dm);
        usleep(20000);
    }
    for (i = 0; i < N_NODES; i++)
        if (dm->node[i].has_feed)
            gs_feeder_drain(&dm->node[i].feed, 2000);
    return 0;
}

static int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"scenario", required_argument, 0, 's'},
        {"speed", required_argument, 0, 'x'},
        {"dir", required_argument, 0, 'd'},
        {"port", required_argument, 0, 'p'},
        {"cot", required_argument, 0, 'c'},
        {"quiet", no_argument, 0, 'q'},
        {"json", required_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    static char tmpl[] = "/tmp/gsomia-demo.XXXXXX";
    char examples[1024], scenario_buf[1100];
    const char *scenario = NULL, *dir = NULL, *cot = NULL, *json_path = NULL;
    struct demo *dm;
    double speed = DEFAULT_SPEED;
    int port = DEFAULT_PORT, opt, rc, i;
    bool quiet = false;
    char *end;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            scenario = optarg;
            break;
        case 'x':
            speed = strtod(optarg, &end);
            if (*end != '\0' || !(speed >= 0.1 && speed <= 100)) {
                cli_error("--speed must be a number from 0.1 to 100");
                return EXIT_USAGE;
            }
            break;
        case 'd':
            dir = optarg;
            break;
        case 'p':
            port = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || port < 1024 || port > 65533) {
                cli_error("--port must be from 1024 to 65533");
                return EXIT_USAGE;
            }
            break;
        case 'c': {
            char host[128];
            int p;

            if (gs_address_parse(optarg, host, sizeof(host), &p) < 0) {
                cli_error("--cot must be HOST:PORT");
                return EXIT_USAGE;
            }
            cot = optarg;
            break;
        }
        case 'q':
            quiet = true;
            break;
        case 'j':
            json_path = optarg;
            break;
        case 'h':
            fputs(demo_usage, stdout);
            return EXIT_OK;
        default:
            fputs(demo_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc != optind) {
        fputs(demo_usage, stderr);
        return EXIT_USAGE;
    }
    snprintf(examples, sizeof(examples), "%s", GSOMIA_EXAMPLES);
    if (scenario == NULL) {
        snprintf(scenario_buf, sizeof(scenario_buf),
                 "%s/scenarios/irbm-over-japan.json", examples);
        scenario = scenario_buf;
    }
    if (dir == NULL) {
        dir = mkdtemp(tmpl);
        if (dir == NULL) {
            cli_error("cannot make a folder in /tmp: %s", strerror(errno));
            return EXIT_FAIL;
        }
    }
    dm = gs_calloc(1, sizeof(*dm));
    dm->base = dir;
    dm->speed = speed;
    dm->quiet = quiet;
    dm->items = gs_calloc(ITEMS_MAX, sizeof(*dm->items));
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGPIPE, SIG_IGN);
    printf("gsomia demo: %s, replayed %gx faster than real time\n",
           strrchr(scenario, '/') != NULL ? strrchr(scenario, '/') + 1
                                          : scenario,
           speed);
    printf("Nodes in %s: KOR (seoul) and JPN (tokyo) linked through USA "
           "(indopacom), the hub.\n",
           dir);
    fflush(stdout);
    {
        struct gs_diag d;

        gs_diag_init(&d);
        if (gs_regions_load(GSOMIA_BOUNDARIES, &dm->regions, &d) < 0)
            dm->regions = NULL; /* names become codes */
        gs_diag_free(&d);
    }
    rc = setup(dm, scenario, port, cot);
    for (i = 0; rc == 0 && i < N_NODES; i++)
        rc = start_node(dm, i);
    if (rc == 0)
        rc = agreements(dm, examples);
    if (rc == 0) {
        printf("Agreements in effect everywhere: JPN-KOR-2016 (GSOMIA), "
               "USA-JPN-2007, USA-KOR-1987.\n\nTimeline (simulated time "
               "since launch; delivery latency of each hop):\n");
        fflush(stdout);
        rc = replay(dm);
    }
    if (rc == 0)
        rc = summary(dm, json_path);
    for (i = 0; i < N_NODES; i++) {
        gs_client_close(dm->node[i].sub);
        if (dm->node[i].has_feed)
            gs_feeder_free(&dm->node[i].feed);
        stop_node(&dm->node[i]);
    }
    printf("\nThe nodes are stopped; their folders stay in %s (logs "
           "*.log, CAP messages in jpn/warnings/).\n",
           dir);
    gs_free(dm->items);
    gs_regions_free(dm->regions);
    gs_truth_free(&dm->truth);
    gs_scenario_free(&dm->sc);
    gs_free(dm);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

const struct cli_command cli_demo_commands[] = {
    {"demo", NULL, "the missile-warning chain end to end, three nodes",
     cmd_demo},
    {NULL, NULL, NULL, NULL}};
