/*
 * cmd_track.c - `gsomia sim`, `gsomia track` and `gsomia track-eval`: the
 * missile scenario simulator, the tracker on a plot stream, and the scoring
 * of its output against the truth. Thin wrappers: the work is in src/sim and
 * src/track, the same code bench/track runs.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "cli/cli.h"
#include "policy/nation.h"
#include "sim/eval.h"
#include "sim/radar.h"
#include "sim/scenario.h"
#include "track/plot.h"
#include "track/tracker.h"
#include "track/update.h"

/* At most this many --fuse-tracks files, and updates read from them. */
#define MAX_FUSE_FILES 16
#define MAX_PARTNER_UPDATES 4000000

/* ------------------------------------------------------------------ sim */

static const char sim_usage[] =
    "usage: gsomia sim SCENARIO [--seed N] [--out DIR]\n"
    "\n"
    "Flies the missiles of SCENARIO (a scenario file, see docs/tracking.md),\n"
    "simulates what its radars report, and writes into DIR (default .):\n"
    "  sensors.json         every radar (the sensors file)\n"
    "  plots.jsonl          every plot, in the order they arrive\n"
    "  sensors-NAT.json     the radars of nation NAT\n"
    "  plots-NAT.jsonl      their plots\n"
    "  truth.jsonl          the true flights and which radar saw what\n"
    "A summary goes to standard error.\n"
    "\n"
    "  --seed N   the random seed (default: the scenario's)\n"
    "  --out DIR  where to write (created if missing)\n"
    "  --help     print this help\n";

static FILE *open_out(const char *dir, const char *name, char *path, size_t n)
{
    FILE *f;

    snprintf(path, n, "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL)
        cli_error("cannot write %s: %s", path, strerror(errno));
    return f;
}

int cli_write_sensors(const char *dir, const char *name,
                      const struct gs_sensor *s, size_t n, const char *nation)
{
    struct gs_sensor *sel = gs_calloc(n, sizeof(*sel));
    char path[4096];
    size_t i, k = 0;
    json_t *j;
    FILE *f;
    int rc = 0;

    for (i = 0; i < n; i++)
        if (nation == NULL || strcmp(s[i].nation, nation) == 0)
            sel[k++] = s[i];
    f = open_out(dir, name, path, sizeof(path));
    if (f == NULL) {
        gs_free(sel);
        return GS_ERR_IO;
    }
    j = gs_sensors_to_json(sel, k);
    if (json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) < 0)
        rc = GS_ERR_IO;
    fputc('\n', f);
    json_decref(j);
    if (fclose(f) != 0)
        rc = GS_ERR_IO;
    gs_free(sel);
    return rc;
}

int cli_write_plots(const char *dir, const char *name,
                    const struct gs_scenario *sc, const struct gs_sim_plot *p,
                    size_t n, const char *nation, size_t *count)
{
    char path[4096];
    struct gs_buf b;
    size_t i;
    FILE *f = open_out(dir, name, path, sizeof(path));
    int rc = 0;

    *count = 0;
    if (f == NULL)
        return GS_ERR_IO;
    gs_buf_init(&b, 4096);
    for (i = 0; i < n && rc == 0; i++) {
        const struct gs_sensor *s = &sc->sensors[p[i].p.sensor];

        if (nation != NULL && strcmp(s->nation, nation) != 0)
            continue;
        gs_buf_reset(&b);
        rc = gs_plot_write(&b, &p[i].p, s);
        if (rc == 0 && fwrite(b.data, 1, b.len, f) != b.len)
            rc = GS_ERR_IO;
        (*count)++;
    }
    gs_buf_free(&b);
    if (fclose(f) != 0)
        rc = GS_ERR_IO;
    return rc;
}

static int cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = ".";
    struct gs_scenario sc;
    struct gs_truth truth;
    struct gs_sim_plot *p = NULL;
    struct gs_diag d;
    char nations[GS_SENSORS_MAX][4], path[4096];
    size_t n = 0, i, k, n_nat = 0, count;
    unsigned long long seed = 0;
    bool have_seed = false;
    int opt, rc, status = EXIT_FAIL;
    FILE *f;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's': {
            char *end;

            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || optarg[0] == '-' ||
                optarg[0] == '\0') {
                cli_error("--seed needs a whole number from 0 to 2^64-1, not "
                          "\"%s\"",
                          optarg);
                return EXIT_USAGE;
            }
            have_seed = true;
            break;
        }
        case 'o':
            dir = optarg;
            break;
        case 'h':
            fputs(sim_usage, stdout);
            return EXIT_OK;
        default:
            fputs(sim_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("exactly one SCENARIO file is needed");
        fputs(sim_usage, stderr);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    rc = gs_scenario_load(argv[optind], &sc, &d);
    cli_print_diag(&d);
    gs_diag_free(&d);
    if (rc < 0) {
        gs_scenario_free(&sc);
        return EXIT_FAIL;
    }
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        cli_error("cannot create %s: %s", dir, strerror(errno));
        gs_scenario_free(&sc);
        return EXIT_FAIL;
    }
    if (!have_seed)
        seed = sc.seed;
    memset(&truth, 0, sizeof(truth));
    if (gs_sim_run(&sc, (uint64_t)seed, &truth, &p, &n) < 0) {
        cli_error("%s: a flight did not come down within 3 hours; check the "
                  "profile",
                  argv[optind]);
        goto out;
    }
    for (i = 0; i < sc.n_sensors; i++) {
        for (k = 0; k < n_nat; k++)
            if (strcmp(nations[k], sc.sensors[i].nation) == 0)
                break;
        if (k == n_nat)
            memcpy(nations[n_nat++], sc.sensors[i].nation, 4);
    }
    if (cli_write_sensors(dir, "sensors.json", sc.sensors, sc.n_sensors, NULL) <
            0 ||
        cli_write_plots(dir, "plots.jsonl", &sc, p, n, NULL, &count) < 0)
        goto out;
    for (k = 0; k < n_nat; k++) {
        char name[64];
        size_t c;

        snprintf(name, sizeof(name), "sensors-%s.json", nations[k]);
        if (cli_write_sensors(dir, name, sc.sensors, sc.n_sensors, nations[k]) <
            0)
            goto out;
        snprintf(name, sizeof(name), "plots-%s.jsonl", nations[k]);
        if (cli_write_plots(dir, name, &sc, p, n, nations[k], &c) < 0)
            goto out;
        fprintf(stderr, "gsomia sim: %s: %zu plots\n", nations[k], c);
    }
    f = open_out(dir, "truth.jsonl", path, sizeof(path));
    if (f == NULL)
        goto out;
    rc = gs_truth_write(&truth, sc.sensors, f);
    if (fclose(f) != 0 || rc < 0) {
        cli_error("cannot write %s", path);
        goto out;
    }
    for (i = 0; i < truth.n_obj; i++) {
        const struct gs_truth_object *o = &truth.obj[i];
        double s;

        gs_geodesic_inverse(o->launch.lat, o->launch.lon, o->impact.lat,
                            o->impact.lon, &s, NULL);
        fprintf(stderr,
                "gsomia sim: %-8s %-7s range %7.1f km, apogee "
                "%7.1f km, flight %6.1f s\n",
                o->id, gs_object_kind_name(o->kind), s / 1e3, o->h_apogee / 1e3,
                o->t_impact - o->t_launch);
    }
    fprintf(stderr, "gsomia sim: seed %llu, %zu plots written to %s\n", seed,
            count, dir);
    status = EXIT_OK;
out:
    gs_free(p);
    gs_truth_free(&truth);
    gs_scenario_free(&sc);
    return status;
}

/* ---------------------------------------------------------------- track */

static const char track_usage[] =
    "usage: gsomia track --sensors FILE [--nation NAT] [--fuse-tracks "
    "FILE]...\n"
    "                    [--output-interval S] [--partner-latency S]\n"
    "                    [--filter auto|ekf|ukf] [--fusion ici|ci]\n"
    "                    [--impact unscented|linear] < PLOTS > UPDATES\n"
    "\n"
    "Tracks the missiles in a stream of radar plots (JSON lines on standard\n"
    "input) and writes track updates (JSON lines): launch point and time,\n"
    "trajectory, impact point and time, with their uncertainty. Malformed or\n"
    "impossible plots are refused with FILE:LINE:COLUMN messages on standard\n"
    "error and never touch a track; the stream goes on. docs/tracking.md\n"
    "describes every format.\n"
    "\n"
    "  --sensors FILE        the radars the plots come from (required)\n"
    "  --nation NAT          the nation this node acts for (default: that of\n"
    "                        the first radar); names the output tracks\n"
    "  --fuse-tracks FILE    track updates of a partner nation to fuse\n"
    "                        (repeatable); each is used once the plot stream\n"
    "                        reaches its time plus the partner latency\n"
    "  --partner-latency S   seconds partner updates take to arrive (0)\n"
    "  --output-interval S   seconds between updates of one track (1)\n"
    "  --filter KIND         auto (EKF, UKF in re-entry; default), ekf, ukf\n"
    "  --fusion RULE         ici (default) or ci for partner tracks\n"
    "  --impact METHOD       unscented (default) or linear\n"
    "  --help                print this help\n";

struct partner_in {
    struct gs_track_update u;
    gs_time_t at;
};

static int by_arrival(const void *a, const void *b)
{
    const struct partner_in *x = a, *y = b;

    return x->at < y->at ? -1 : x->at > y->at;
}

/* Reads a track-update file; bad lines are reported and skipped. */
static int read_updates(const char *path, struct partner_in **v, size_t *n,
                        size_t *cap, gs_time_t latency, size_t *bad)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned lineno = 0;

    if (f == NULL) {
        cli_error("cannot open %s: %s", path, strerror(errno));
        return GS_ERR_NOT_FOUND;
    }
    while ((len = getline(&line, &lcap, f)) >= 0) {
        struct gs_diag d;
        struct gs_track_update u;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        gs_diag_init(&d);
        if (gs_track_update_parse(line, (size_t)len, path, lineno, &u, &d) <
            0) {
            cli_print_diag(&d);
            (*bad)++;
        } else if (*n < MAX_PARTNER_UPDATES) {
            if (*n == *cap) {
                *cap = *cap ? 2 * *cap : 1024;
                *v = gs_reallocarray(*v, *cap, sizeof(**v));
            }
            (*v)[*n].u = u;
            (*v)[*n].at = u.time + latency;
            (*n)++;
        }
        gs_diag_free(&d);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return 0;
}

static int write_updates(struct gs_tracker *t, struct gs_buf *b)
{
    struct gs_track_update u[32];
    size_t k, i;
    int rc = 0;

    while ((k = gs_tracker_poll(t, u, 32)) > 0) {
        for (i = 0; i < k && rc == 0; i++) {
            gs_buf_reset(b);
            rc = gs_track_update_write(&u[i], b);
            if (rc == 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
                rc = GS_ERR_IO;
        }
    }
    fflush(stdout);
    return rc;
}

static bool parse_seconds(const char *s, double lo, double hi, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && *end == '\0' && end != s && *out >= lo && *out <= hi;
}

static int cmd_track(int argc, char **argv)
{
    static const struct option opts[] = {
        {"sensors", required_argument, NULL, 's'},
        {"nation", required_argument, NULL, 'n'},
        {"fuse-tracks", required_argument, NULL, 'f'},
        {"partner-latency", required_argument, NULL, 'l'},
        {"output-interval", required_argument, NULL, 'i'},
        {"filter", required_argument, NULL, 'k'},
        {"fusion", required_argument, NULL, 'u'},
        {"impact", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *sensors = NULL, *nation = NULL, *fuse[MAX_FUSE_FILES];
    int n_fuse = 0, opt, status = EXIT_FAIL;
    double latency = 0;
    struct gs_tracker_config c;
    struct gs_sensor *s = NULL;
    struct gs_tracker *t = NULL;
    struct partner_in *pv = NULL;
    size_t ns = 0, np = 0, pcap = 0, pk = 0, bad_partner = 0, i;
    size_t lines = 0, refused = 0;
    struct gs_diag d;
    struct gs_buf out;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned lineno = 0;

    gs_tracker_config_default(&c);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            sensors = optarg;
            break;
        case 'n':
            nation = optarg;
            break;
        case 'f':
            if (n_fuse == MAX_FUSE_FILES) {
                cli_error("at most %d --fuse-tracks files", MAX_FUSE_FILES);
                return EXIT_USAGE;
            }
            fuse[n_fuse++] = optarg;
            break;
        case 'l':
            if (!parse_seconds(optarg, 0, 3600, &latency)) {
                cli_error("--partner-latency needs seconds from 0 to 3600");
                return EXIT_USAGE;
            }
            break;
        case 'i':
            if (!parse_seconds(optarg, 0, 3600, &c.output_interval)) {
                cli_error("--output-interval needs seconds from 0 to 3600");
                return EXIT_USAGE;
            }
            break;
        case 'k':
            if (strcmp(optarg, "auto") == 0)
                c.est.filter = GS_FILTER_AUTO;
            else if (strcmp(optarg, "ekf") == 0)
                c.est.filter = GS_FILTER_EKF;
            else if (strcmp(optarg, "ukf") == 0)
                c.est.filter = GS_FILTER_UKF;
            else {
                cli_error("--filter is auto, ekf or ukf, not \"%s\"", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'u':
            if (strcmp(optarg, "ici") == 0)
                c.fusion = GS_FUSE_ICI;
            else if (strcmp(optarg, "ci") == 0)
                c.fusion = GS_FUSE_CI;
            else {
                cli_error("--fusion is ici or ci, not \"%s\"", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'm':
            if (strcmp(optarg, "unscented") == 0)
                c.impact_linear = false;
            else if (strcmp(optarg, "linear") == 0)
                c.impact_linear = true;
            else {
                cli_error("--impact is unscented or linear, not \"%s\"",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(track_usage, stdout);
            return EXIT_OK;
        default:
            fputs(track_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (sensors == NULL || optind != argc) {
        cli_error(sensors == NULL ? "--sensors FILE is required"
                                  : "unexpected argument \"%s\"",
                  argv[optind < argc ? optind : 0]);
        fputs(track_usage, stderr);
        return EXIT_USAGE;
    }
    if (nation != NULL && !gs_nation_valid(nation)) {
        cli_error("--nation \"%s\" is not an ISO 3166-1 alpha-3 code", nation);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    if (gs_sensors_load(sensors, &s, &ns, &d) < 0) {
        cli_print_diag(&d);
        gs_diag_free(&d);
        return EXIT_FAIL;
    }
    gs_diag_free(&d);
    memcpy(c.nation, nation != NULL ? nation : s[0].nation, 4);
    for (i = 0; i < (size_t)n_fuse; i++)
        if (read_updates(fuse[i], &pv, &np, &pcap,
                         (gs_time_t)llround(latency * 1e6), &bad_partner) < 0)
            goto out;
    if (np > 0)
        qsort(pv, np, sizeof(*pv), by_arrival);
    if (gs_tracker_new(&c, s, ns, &t) < 0) {
        cli_error("bad tracker configuration");
        goto out;
    }
    gs_buf_init(&out, 1 << 16);
    while ((len = getline(&line, &lcap, stdin)) >= 0) {
        struct gs_plot p;
        char why[512];

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        lines++;
        gs_diag_init(&d);
        if (gs_plot_parse(line, (size_t)len, "<stdin>", lineno, s, ns, &p, &d) <
            0) {
            cli_print_diag(&d);
            gs_diag_free(&d);
            refused++;
            continue;
        }
        gs_diag_free(&d);
        /* Partner updates that have arrived by this plot's time. */
        while (pk < np && pv[pk].at <= p.time) {
            gs_tracker_add_partner(t, &pv[pk].u, NULL, 0);
            pk++;
        }
        if (gs_tracker_add_plot(t, &p, why, sizeof(why)) < 0) {
            fprintf(stderr, "<stdin>:%u: error: %s\n", lineno, why);
            refused++;
        }
        if (write_updates(t, &out) < 0) {
            cli_error("cannot write the track updates");
            gs_buf_free(&out);
            goto out;
        }
    }
    for (; pk < np; pk++)
        gs_tracker_add_partner(t, &pv[pk].u, NULL, 0);
    gs_tracker_finish(t);
    if (write_updates(t, &out) < 0) {
        cli_error("cannot write the track updates");
        gs_buf_free(&out);
        goto out;
    }
    gs_buf_free(&out);
    {
        struct gs_tracker_stats st;

        gs_tracker_stats(t, &st);
        fprintf(stderr,
                "gsomia track: %zu plots, %zu refused; %zu partner "
                "updates (%zu unreadable); %zu tracks confirmed; %zu "
                "updates\n",
                lines, refused, np, bad_partner, st.tracks_confirmed,
                st.updates_out);
    }
    status = EXIT_OK;
out:
    free(line);
    gs_tracker_free(t);
    gs_free(pv);
    gs_free(s);
    return status;
}

/* ----------------------------------------------------------- track-eval */

static const char eval_usage[] =
    "usage: gsomia track-eval --truth FILE --sensors FILE [--nation NAT]\n"
    "                         [--json] < UPDATES\n"
    "\n"
    "Scores track updates (JSON lines on standard input, as `gsomia track`\n"
    "writes them) against the truth `gsomia sim` wrote: per warhead and\n"
    "flight phase, position RMSE against the posterior Cramer-Rao bound and\n"
    "the NEES; impact miss distance at 60, 120 and 300 s after launch;\n"
    "the share of impact ellipses that hold the true impact point; the\n"
    "launch-point error; the time from first detection to an impact ellipse\n"
    "under 50 km.\n"
    "\n"
    "  --truth FILE    truth.jsonl from `gsomia sim` (required)\n"
    "  --sensors FILE  the full sensors file of the run (required)\n"
    "  --nation NAT    the bound from this nation's radars only (default:\n"
    "                  all radars, for fused output)\n"
    "  --json          print JSON instead of text\n"
    "  --help          print this help\n";

static json_t *eval_json(const struct gs_eval *e)
{
    static const char *const phases[] = {"boost", "midcourse", "re-entry"};
    json_t *root = json_object(), *objs = json_array();
    size_t i, k;
    int p;

    json_object_set_new(root, "tracks", json_integer(e->n_tracks));
    json_object_set_new(root, "tracks_on_nothing",
                        json_integer(e->n_false_tracks));
    json_object_set_new(root, "swaps", json_integer(e->n_swaps));
    for (i = 0; i < e->n; i++) {
        const struct gs_eval_object *o = &e->o[i];
        json_t *jo = json_object(), *ph = json_object(), *miss = json_object();

        json_object_set_new(jo, "object", json_string(o->id));
        json_object_set_new(jo, "tracks", json_integer(o->n_tracks));
        for (p = 0; p < 3; p++) {
            double se = 0, sb = 0, sn = 0;
            size_t c = 0, cb = 0;
            json_t *q;

            for (k = 0; k < o->n; k++) {
                if (o->s[k].phase != (enum gs_phase)p)
                    continue;
                se += o->s[k].err2;
                sn += o->s[k].nees;
                c++;
                if (o->s[k].has_bound) {
                    sb += o->s[k].bound2;
                    cb++;
                }
            }
            if (c == 0)
                continue;
            q = json_object();
            json_object_set_new(q, "updates", json_integer((json_int_t)c));
            json_object_set_new(q, "rmse", json_real(sqrt(se / (double)c)));
            if (cb > 0 && sb > 0) {
                json_object_set_new(q, "bound",
                                    json_real(sqrt(sb / (double)cb)));
                json_object_set_new(
                    q, "ratio",
                    json_real(sqrt(se / (double)c) / sqrt(sb / (double)cb)));
            }
            if (isfinite(sn))
                json_object_set_new(q, "mean_nees", json_real(sn / (double)c));
            json_object_set_new(ph, phases[p], q);
        }
        json_object_set_new(jo, "phases", ph);
        for (k = 0; k < GS_EVAL_MISS_TIMES; k++) {
            char key[16];

            snprintf(key, sizeof(key), "%.0f", gs_eval_miss_times[k]);
            json_object_set_new(miss, key,
                                o->has_miss[k] ? json_real(o->miss[k])
                                               : json_null());
        }
        json_object_set_new(jo, "impact_miss_after_launch", miss);
        if (o->has_final_miss)
            json_object_set_new(jo, "final_impact_miss",
                                json_real(o->final_miss));
        json_object_set_new(jo, "impact_predictions",
                            json_integer((json_int_t)o->n_impact));
        json_object_set_new(jo, "impact_inside_ellipse",
                            json_integer((json_int_t)o->n_inside));
        if (o->has_launch) {
            json_object_set_new(jo, "launch_error", json_real(o->launch_err));
            json_object_set_new(jo, "launch_time_error",
                                json_real(o->launch_dt));
            json_object_set_new(jo, "launch_inside_ellipse",
                                json_boolean(o->launch_inside));
        }
        if (o->detected)
            json_object_set_new(jo, "first_detection_after_launch",
                                json_real(o->t_detect));
        if (o->has_confident)
            json_object_set_new(jo, "confident_impact_after_detection",
                                json_real(o->t_confident - o->t_detect));
        json_array_append_new(objs, jo);
    }
    json_object_set_new(root, "warheads", objs);
    return root;
}

static int cmd_track_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"truth", required_argument, NULL, 't'},
        {"sensors", required_argument, NULL, 's'},
        {"nation", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *truth_path = NULL, *sensors = NULL, *nation = NULL;
    bool as_json = false, *use = NULL;
    struct gs_sensor *s = NULL;
    struct gs_truth truth;
    struct gs_track_update *u = NULL;
    struct gs_est_config ec;
    struct gs_eval e;
    struct gs_diag d;
    size_t ns = 0, n = 0, cap = 0, i, bad = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    unsigned lineno = 0;
    int opt, status = EXIT_FAIL;

    memset(&truth, 0, sizeof(truth));
    memset(&e, 0, sizeof(e));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 't':
            truth_path = optarg;
            break;
        case 's':
            sensors = optarg;
            break;
        case 'n':
            nation = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            fputs(eval_usage, stdout);
            return EXIT_OK;
        default:
            fputs(eval_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (truth_path == NULL || sensors == NULL || optind != argc) {
        cli_error("--truth FILE and --sensors FILE are required");
        fputs(eval_usage, stderr);
        return EXIT_USAGE;
    }
    gs_diag_init(&d);
    if (gs_sensors_load(sensors, &s, &ns, &d) < 0 ||
        gs_truth_load(truth_path, s, ns, &truth, &d) < 0) {
        cli_print_diag(&d);
        gs_diag_free(&d);
        goto out;
    }
    gs_diag_free(&d);
    use = gs_calloc(ns, sizeof(bool));
    for (i = 0; i < ns; i++)
        use[i] = nation == NULL || strcmp(s[i].nation, nation) == 0;
    while ((len = getline(&line, &lcap, stdin)) >= 0) {
        struct gs_track_update up;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        gs_diag_init(&d);
        if (gs_track_update_parse(line, (size_t)len, "<stdin>", lineno, &up,
                                  &d) < 0) {
            cli_print_diag(&d);
            bad++;
        } else if (n < MAX_PARTNER_UPDATES) {
            if (n == cap) {
                cap = cap ? 2 * cap : 4096;
                u = gs_reallocarray(u, cap, sizeof(*u));
            }
            u[n++] = up;
        }
        gs_diag_free(&d);
    }
    gs_est_config_default(&ec);
    if (gs_eval_run(&truth, s, ns, use, &ec, u, n, &e) < 0) {
        cli_error("the evaluation failed");
        goto out;
    }
    if (as_json) {
        json_t *j = eval_json(&e);
        char *txt = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

        puts(txt);
        gs_free(txt);
        json_decref(j);
    } else {
        printf("%zu track updates read (%zu unreadable)\n", n, bad);
        gs_eval_print(&e, stdout);
    }
    status = EXIT_OK;
out:
    free(line);
    gs_eval_free(&e);
    gs_truth_free(&truth);
    gs_free(u);
    gs_free(use);
    gs_free(s);
    return status;
}

const struct cli_command cli_track_commands[] = {
    {"sim", NULL, "simulate a missile scenario: radars, plots, truth", cmd_sim},
    {"track", NULL, "track missiles from radar plots (and partner tracks)",
     cmd_track},
    {"track-eval", NULL, "score track updates against the truth",
     cmd_track_eval},
    {NULL, NULL, NULL, NULL},
};
