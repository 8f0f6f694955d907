/*
 * bench_track.c - the tracking benchmark of issue 5: every scenario over
 * many seeds, through the same library code as `gsomia sim | gsomia track
 * | gsomia track-eval`, printing per scenario and per phase:
 *
 *   - position RMSE / sqrt(PCRLB) (RMS over all updates of all runs of
 *     the error, divided by the RMS of the bound at the same times);
 *   - ANEES (6-dimensional NEES averaged over the runs in 1-s bins after
 *     launch, divided by 6) with its two-sided 95 % band for that many
 *     runs, and the share of bins inside the band;
 *   - impact miss at 60, 120 and 300 s after launch, and of the last
 *     prediction; the share of predictions whose 95 % ellipse holds the
 *     true impact point; launch-point error; time from first detection to
 *     the first impact ellipse under 50 km;
 *   - for each nation alone (centralised fusion of its own radars) and for
 *     the fusion node (its radars plus the other nations' track updates,
 *     delivered --latency seconds late), and the gain of fused over the
 *     best single nation;
 *   - microseconds per plot: wall-clock time (CLOCK_MONOTONIC) inside
 *     gs_tracker_add_plot and gs_tracker_poll for every plot, divided by
 *     the plots - association, filtering, re-filtering, impact and launch
 *     predictions included - and, separately, per filter step.
 *
 * Runs are spread over --jobs threads (each with its own simulator and
 * trackers: the library has no global state).
 */
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/time.h"
#include "sim/eval.h"
#include "sim/radar.h"
#include "sim/scenario.h"
#include "track/tracker.h"

#define MAX_SCENARIOS 16
#define MAX_SYSTEMS 8 /* nations and the fused node */
#define MAX_BINS 6000 /* 1-s bins after launch */

struct opts {
    int seeds, jobs;
    double latency;
    enum gs_filter_kind filter;
    enum gs_fusion_rule fusion;
    bool impact_linear;
};

/* Figures of one system (a nation alone, or the fusion node). */
struct acc {
    double err2[3], bound2[3];
    size_t n[3], nb[3];
    double nees_bin[MAX_BINS];
    size_t n_bin[MAX_BINS], phase_bin[MAX_BINS][3];
    double miss_sum[GS_EVAL_MISS_TIMES];
    size_t miss_n[GS_EVAL_MISS_TIMES];
    double final_sum;
    size_t final_n;
    size_t n_impact, n_inside;
    double launch_err, launch_dt;
    size_t launch_n, launch_inside;
    double conf_sum;
    size_t conf_n, detected;
    double seconds, pred_seconds;
    size_t plots, predictions;
    size_t tracks, false_tracks, objects, object_tracks, swaps;
};

struct scen {
    char path[512];
    struct gs_scenario sc;
    char nations[MAX_SYSTEMS][4];
    int n_nations;
    struct acc sys[MAX_SYSTEMS]; /* nations, then the fusion node */
    int runs, failed;
};

struct work {
    const struct opts *o;
    struct scen *sc;
    int n_sc;
    int next; /* job counter */
    pthread_mutex_t lock;
};

/* ------------------------------------------------------------- one run */

struct updates {
    struct gs_track_update *u;
    size_t n, cap;
};

static void poll_all(struct gs_tracker *t, struct updates *ups)
{
    for (;;) {
        size_t k;

        if (ups->cap - ups->n < 64) {
            ups->cap = ups->cap ? 2 * ups->cap : 4096;
            ups->u = gs_reallocarray(ups->u, ups->cap, sizeof(*ups->u));
        }
        k = gs_tracker_poll(t, ups->u + ups->n, ups->cap - ups->n);
        ups->n += k;
        if (k == 0)
            break;
    }
}

struct partner_feed {
    const struct gs_track_update *u;
    gs_time_t at;
};

static int by_at(const void *a, const void *b)
{
    const struct partner_feed *x = a, *y = b;

    return x->at < y->at ? -1 : x->at > y->at;
}

/*
 * Runs one tracker of nation `nat` over the plots of its radars, with the
 * partner updates feed[0..nf) (delivered at their `at`). Fills ups and
 * the timing.
 */
static void run_tracker(const struct opts *o, const struct gs_scenario *sc,
                        const char *nat, const struct gs_sim_plot *p, size_t n,
                        const struct partner_feed *feed, size_t nf,
                        struct updates *ups, double *secs, size_t *plots,
                        struct gs_tracker_stats *st)
{
    struct gs_tracker_config c;
    struct gs_sensor ss[GS_SENSORS_MAX];
    int map[GS_SENSORS_MAX];
    struct gs_tracker *t;
    size_t ns = 0, i, k = 0;
    int64_t t0, total = 0;

    for (i = 0; i < sc->n_sensors; i++) {
        map[i] = -1;
        if (strcmp(sc->sensors[i].nation, nat) == 0) {
            map[i] = (int)ns;
            ss[ns++] = sc->sensors[i];
        }
    }
    gs_tracker_config_default(&c);
    memcpy(c.nation, nat, 4);
    c.est.filter = o->filter;
    c.fusion = o->fusion;
    c.impact_linear = o->impact_linear;
    if (gs_tracker_new(&c, ss, ns, &t) < 0)
        abort();
    *plots = 0;
    for (i = 0; i < n; i++) {
        struct gs_plot q;

        if (map[p[i].p.sensor] < 0)
            continue;
        q = p[i].p;
        q.sensor = map[q.sensor];
        t0 = gs_mono_ns();
        while (k < nf && feed[k].at <= p[i].arrival) {
            gs_tracker_add_partner(t, feed[k].u, NULL, 0);
            k++;
        }
        gs_tracker_add_plot(t, &q, NULL, 0);
        poll_all(t, ups);
        total += gs_mono_ns() - t0;
        (*plots)++;
    }
    t0 = gs_mono_ns();
    for (; k < nf; k++)
        gs_tracker_add_partner(t, feed[k].u, NULL, 0);
    gs_tracker_finish(t);
    poll_all(t, ups);
    total += gs_mono_ns() - t0;
    *secs = (double)total * 1e-9;
    gs_tracker_stats(t, st);
    gs_tracker_free(t);
}

static void accumulate(struct acc *a, const struct gs_eval *e, double secs,
                       size_t plots, const struct gs_tracker_stats *st)
{
    size_t i, k;

    a->seconds += secs;
    a->plots += plots;
    a->pred_seconds += st->prediction_seconds;
    a->predictions += st->predictions;
    a->tracks += (size_t)e->n_tracks;
    a->false_tracks += (size_t)e->n_false_tracks;
    a->swaps += (size_t)e->n_swaps;
    for (i = 0; i < e->n; i++) {
        const struct gs_eval_object *o = &e->o[i];

        a->objects++;
        a->object_tracks += (size_t)o->n_tracks;
        for (k = 0; k < o->n; k++) {
            const struct gs_eval_sample *s = &o->s[k];
            int b = (int)floor(s->t);

            a->err2[s->phase] += s->err2;
            a->n[s->phase]++;
            if (s->has_bound) {
                a->bound2[s->phase] += s->bound2;
                a->nb[s->phase]++;
            }
            if (b >= 0 && b < MAX_BINS && isfinite(s->nees)) {
                /* One sample per run and bin: the first. */
                if (k > 0 && (int)floor(o->s[k - 1].t) == b)
                    continue;
                a->nees_bin[b] += s->nees;
                a->n_bin[b]++;
                a->phase_bin[b][s->phase]++;
            }
        }
        for (k = 0; k < GS_EVAL_MISS_TIMES; k++) {
            if (o->has_miss[k]) {
                a->miss_sum[k] += o->miss[k];
                a->miss_n[k]++;
            }
        }
        if (o->has_final_miss) {
            a->final_sum += o->final_miss;
            a->final_n++;
        }
        a->n_impact += o->n_impact;
        a->n_inside += o->n_inside;
        if (o->has_launch) {
            a->launch_err += o->launch_err;
            a->launch_dt += fabs(o->launch_dt);
            a->launch_n++;
            a->launch_inside += o->launch_inside;
        }
        if (o->detected) {
            a->detected++;
            if (o->has_confident) {
                a->conf_sum += o->t_confident - o->t_detect;
                a->conf_n++;
            }
        }
    }
}

static void one_run(const struct opts *o, struct scen *s, int seed,
                    pthread_mutex_t *lock)
{
    struct gs_truth truth;
    struct gs_sim_plot *p;
    size_t n, i, j, nf = 0;
    struct updates ups[MAX_SYSTEMS];
    struct gs_eval ev[MAX_SYSTEMS];
    double secs[MAX_SYSTEMS];
    size_t plots[MAX_SYSTEMS];
    struct gs_tracker_stats st[MAX_SYSTEMS];
    struct partner_feed *feed;
    bool use[GS_SENSORS_MAX];
    struct gs_est_config ec;
    int nn = s->n_nations, k, fusion = 0;

    memset(ups, 0, sizeof(ups));
    memset(ev, 0, sizeof(ev));
    if (gs_sim_run(&s->sc, (uint64_t)seed, &truth, &p, &n) < 0) {
        pthread_mutex_lock(lock);
        s->failed++;
        pthread_mutex_unlock(lock);
        return;
    }
    for (k = 0; k < nn; k++) {
        run_tracker(o, &s->sc, s->nations[k], p, n, NULL, 0, &ups[k], &secs[k],
                    &plots[k], &st[k]);
        if (strcmp(s->nations[k], s->sc.fusion_node) == 0)
            fusion = k;
    }
    /* The fusion node: its radars, and the others' updates. */
    for (k = 0; k < nn; k++)
        if (k != fusion)
            nf += ups[k].n;
    feed = gs_calloc(nf + 1, sizeof(*feed));
    nf = 0;
    for (k = 0; k < nn; k++) {
        if (k == fusion)
            continue;
        for (i = 0; i < ups[k].n; i++) {
            feed[nf].u = &ups[k].u[i];
            feed[nf].at =
                ups[k].u[i].time + (gs_time_t)llround(o->latency * 1e6);
            nf++;
        }
    }
    qsort(feed, nf, sizeof(*feed), by_at);
    run_tracker(o, &s->sc, s->nations[fusion], p, n, feed, nf, &ups[nn],
                &secs[nn], &plots[nn], &st[nn]);
    gs_est_config_default(&ec);
    ec.filter = o->filter;
    for (k = 0; k <= nn; k++) {
        for (j = 0; j < s->sc.n_sensors; j++)
            use[j] =
                k == nn || strcmp(s->sc.sensors[j].nation, s->nations[k]) == 0;
        gs_eval_run(&truth, s->sc.sensors, s->sc.n_sensors, use, &ec, ups[k].u,
                    ups[k].n, &ev[k]);
    }
    pthread_mutex_lock(lock);
    for (k = 0; k <= nn; k++)
        accumulate(&s->sys[k], &ev[k], secs[k], plots[k], &st[k]);
    s->runs++;
    pthread_mutex_unlock(lock);
    for (k = 0; k <= nn; k++) {
        gs_eval_free(&ev[k]);
        gs_free(ups[k].u);
    }
    gs_free(feed);
    gs_free(p);
    gs_truth_free(&truth);
}

static void *worker(void *arg)
{
    struct work *w = arg;

    for (;;) {
        int job, si, seed;

        pthread_mutex_lock(&w->lock);
        job = w->next++;
        pthread_mutex_unlock(&w->lock);
        if (job >= w->n_sc * w->o->seeds)
            return NULL;
        si = job / w->o->seeds;
        seed = 1 + job % w->o->seeds;
        one_run(w->o, &w->sc[si], seed, &w->lock);
    }
}

/* ------------------------------------------------------------ printing */

static const char *const phase_names[] = {"boost", "midcourse", "re-entry"};

static void print_scenario(const struct opts *o, const struct scen *s)
{
    int k, p, nn = s->n_nations;
    size_t b;

    printf("\n== %s: %d runs (%d failed), fusion node %s, partner latency "
           "%.1f s\n",
           s->sc.name, s->runs, s->failed, s->sc.fusion_node, o->latency);
    printf("%-7s %-9s %9s %8s %17s %8s %9s\n", "system", "phase", "RMSE/rtB",
           "RMSE m", "ANEES [95% band]", "in band", "updates");
    for (k = 0; k <= nn; k++) {
        const struct acc *a = &s->sys[k];
        const char *name = k < nn ? s->nations[k] : "fused";

        for (p = 0; p < 3; p++) {
            double ratio = NAN, anees = 0, lo, hi;
            size_t bins = 0, inband = 0, runs_min = 0;

            if (a->n[p] == 0)
                continue;
            if (a->nb[p] > 0 && a->bound2[p] > 0)
                ratio = sqrt(a->err2[p] / (double)a->n[p]) /
                        sqrt(a->bound2[p] / (double)a->nb[p]);
            for (b = 0; b < MAX_BINS; b++) {
                double bl, bh, v;

                if (a->n_bin[b] < 2)
                    continue;
                /* The bin's phase: the most common in it. */
                if (a->phase_bin[b][p] * 2 <= a->n_bin[b])
                    continue;
                v = a->nees_bin[b] / (double)a->n_bin[b] / 6.0;
                gs_chi2_band(6.0 * (double)a->n_bin[b], &bl, &bh);
                anees += v;
                bins++;
                inband += v >= bl && v <= bh;
                if (runs_min == 0 || a->n_bin[b] < runs_min)
                    runs_min = a->n_bin[b];
            }
            gs_chi2_band(6.0 * (double)(runs_min ? runs_min : 1), &lo, &hi);
            printf("%-7s %-9s %9.2f %8.1f %7.2f [%4.2f,%4.2f] %7.0f%% %9zu\n",
                   name, phase_names[p], ratio,
                   sqrt(a->err2[p] / (double)a->n[p]),
                   bins ? anees / (double)bins : NAN, lo, hi,
                   bins ? 100.0 * (double)inband / (double)bins : 0.0, a->n[p]);
        }
    }
    printf("%-7s %8s %8s %8s %8s %8s %9s %8s %7s %8s %8s %8s\n", "system",
           "miss60", "miss120", "miss300", "last", "cover", "launch", "dt",
           "pad in", "to<50km", "us/plot", "ms/pred");
    printf("%-7s %8s %8s %8s %8s %8s %9s %8s %7s %8s %8s %8s\n", "", "km", "km",
           "km", "km", "95%ell", "km", "s", "ell", "s", "no pred", "");
    for (k = 0; k <= nn; k++) {
        const struct acc *a = &s->sys[k];
        const char *name = k < nn ? s->nations[k] : "fused";
        int m;

        printf("%-7s", name);
        for (m = 0; m < GS_EVAL_MISS_TIMES; m++) {
            if (a->miss_n[m])
                printf(" %8.2f", a->miss_sum[m] / (double)a->miss_n[m] / 1e3);
            else
                printf(" %8s", "-");
        }
        if (a->final_n)
            printf(" %8.3f", a->final_sum / (double)a->final_n / 1e3);
        else
            printf(" %8s", "-");
        if (a->n_impact)
            printf(" %7.1f%%",
                   100.0 * (double)a->n_inside / (double)a->n_impact);
        else
            printf(" %8s", "-");
        if (a->launch_n)
            printf(" %9.2f %8.1f %6.0f%%",
                   a->launch_err / (double)a->launch_n / 1e3,
                   a->launch_dt / (double)a->launch_n,
                   100.0 * (double)a->launch_inside / (double)a->launch_n);
        else
            printf(" %9s %8s %7s", "-", "-", "-");
        if (a->conf_n)
            printf(" %8.1f", a->conf_sum / (double)a->conf_n);
        else
            printf(" %8s", "-");
        printf(" %8.1f %8.2f\n",
               a->plots
                   ? (a->seconds - a->pred_seconds) * 1e6 / (double)a->plots
                   : 0.0,
               a->predictions ? a->pred_seconds * 1e3 / (double)a->predictions
                              : 0.0);
    }
    /* Fused over the best single nation (means of the miss). */
    printf("fused / best nation, impact miss:");
    {
        int m;
        const struct acc *f = &s->sys[nn];

        for (m = 0; m <= GS_EVAL_MISS_TIMES; m++) {
            double best = INFINITY, fv;
            const char *bn = "-";

            for (k = 0; k < nn; k++) {
                const struct acc *a = &s->sys[k];
                double v = m < GS_EVAL_MISS_TIMES
                               ? (a->miss_n[m] && a->miss_n[m] * 10 >=
                                                      (size_t)s->runs * 9
                                      ? a->miss_sum[m] / (double)a->miss_n[m]
                                      : INFINITY)
                               : (a->final_n ? a->final_sum / (double)a->final_n
                                             : INFINITY);

                if (v < best) {
                    best = v;
                    bn = s->nations[k];
                }
            }
            fv = m < GS_EVAL_MISS_TIMES
                     ? (f->miss_n[m] ? f->miss_sum[m] / (double)f->miss_n[m]
                                     : INFINITY)
                     : (f->final_n ? f->final_sum / (double)f->final_n
                                   : INFINITY);
            if (m < GS_EVAL_MISS_TIMES)
                printf(" %3.0f s", gs_eval_miss_times[m]);
            else
                printf(" last");
            if (isfinite(best) && isfinite(fv))
                printf(" %.2f (%s)", fv / best, bn);
            else
                printf(" -");
            printf(m < GS_EVAL_MISS_TIMES ? "," : "\n");
        }
    }
    {
        int m;

        printf("tracks per warhead:");
        for (m = 0; m <= nn; m++)
            printf(" %s %.2f", m < nn ? s->nations[m] : "fused",
                   s->sys[m].objects ? (double)s->sys[m].object_tracks /
                                           (double)s->sys[m].objects
                                     : 0.0);
        printf("; per run, tracks on nothing:");
        for (m = 0; m <= nn; m++)
            printf(" %.2f",
                   s->runs ? (double)s->sys[m].false_tracks / (double)s->runs
                           : 0.0);
        printf(", swaps:");
        for (m = 0; m <= nn; m++)
            printf(" %.2f",
                   s->runs ? (double)s->sys[m].swaps / (double)s->runs : 0.0);
        printf("\n");
    }
}

/* ----------------------------------------------- filter step micro-bench */

/*
 * Times single estimator updates on the plots of the IRBM-like warhead of
 * the first scenario with a boost, seed 1: the IMM (boost and ballistic
 * modes), the collapsed EKF and the UKF, each over the same plots.
 */
static void filter_steps(const struct scen *s, int n_sc)
{
    int i;

    for (i = 0; i < n_sc; i++) {
        struct gs_truth truth;
        struct gs_sim_plot *p;
        size_t n, k, used[3] = {0, 0, 0};
        int64_t ns[3] = {0, 0, 0};
        int kind, rep;

        if (gs_sim_run(&s[i].sc, 1, &truth, &p, &n) < 0)
            continue;
        for (kind = 0; kind < 3; kind++) {
            struct gs_est_config c;

            gs_est_config_default(&c);
            c.filter = kind == 2 ? GS_FILTER_UKF : GS_FILTER_EKF;
            for (rep = 0; rep < 5; rep++) {
                struct gs_est e;
                bool started = false;

                for (k = 0; k < n; k++) {
                    int64_t t0;
                    bool imm;

                    if (p[k].object != 0)
                        continue;
                    if (!started) {
                        gs_est_init(&e, &c, &p[k].p,
                                    &s[i].sc.sensors[p[k].p.sensor], NULL, 0);
                        started = true;
                        continue;
                    }
                    if (p[k].p.time < e.t)
                        continue;
                    imm = e.imm;
                    t0 = gs_mono_ns();
                    gs_est_update(&e, &c, &p[k].p,
                                  &s[i].sc.sensors[p[k].p.sensor]);
                    t0 = gs_mono_ns() - t0;
                    /* kind 0: IMM steps; 1: EKF after collapse; 2: UKF. */
                    if ((kind == 0 && imm) || (kind > 0 && !imm)) {
                        ns[kind] += t0;
                        used[kind]++;
                    }
                }
            }
        }
        /* The whole tracker, alone on a core: each nation's tracker on
         * seed 1, plot by plot. */
        {
            struct opts o1 = {1, 1, 1.0, GS_FILTER_AUTO, GS_FUSE_ICI, false};
            double secs_all = 0, pred = 0;
            size_t plots_all = 0, preds = 0;
            int na;

            for (na = 0; na < s[i].n_nations; na++) {
                struct updates ups;
                struct gs_tracker_stats st;
                double secs;
                size_t np;

                memset(&ups, 0, sizeof(ups));
                run_tracker(&o1, &s[i].sc, s[i].nations[na], p, n, NULL, 0,
                            &ups, &secs, &np, &st);
                secs_all += secs;
                plots_all += np;
                pred += st.prediction_seconds;
                preds += st.predictions;
                gs_free(ups.u);
            }
            printf("tracker (%s, seed 1, one thread): %.1f us per plot in "
                   "all, %.1f us without impact/launch predictions; %.2f ms "
                   "per prediction (%zu)\n",
                   s[i].sc.name,
                   plots_all ? secs_all * 1e6 / (double)plots_all : 0,
                   plots_all ? (secs_all - pred) * 1e6 / (double)plots_all : 0,
                   preds ? pred * 1e3 / (double)preds : 0, preds);
        }
        printf("filter step (%s, warhead plots, seed 1): IMM boost/ballistic "
               "%.1f us (%zu), EKF %.1f us (%zu), UKF %.1f us (%zu)\n",
               s[i].sc.name,
               used[0] ? (double)ns[0] / 1e3 / (double)used[0] : 0, used[0],
               used[1] ? (double)ns[1] / 1e3 / (double)used[1] : 0, used[1],
               used[2] ? (double)ns[2] / 1e3 / (double)used[2] : 0, used[2]);
        gs_free(p);
        gs_truth_free(&truth);
    }
}

/* ---------------------------------------------------------------- main */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char usage[] =
    "usage: bench-track [--seeds N] [--jobs N] [--latency S]\n"
    "                   [--filter auto|ekf|ukf] [--fusion ici|ci|naive]\n"
    "                   [--impact ut|linear] [SCENARIO.json...]\n"
    "Default: every file of examples/scenarios, 100 seeds, 2 jobs.\n";

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"seeds", required_argument, NULL, 's'},
        {"jobs", required_argument, NULL, 'j'},
        {"latency", required_argument, NULL, 'l'},
        {"filter", required_argument, NULL, 'f'},
        {"fusion", required_argument, NULL, 'u'},
        {"impact", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct opts o = {100, 2, 1.0, GS_FILTER_AUTO, GS_FUSE_ICI, false};
    static struct scen sc[MAX_SCENARIOS];
    char *paths[MAX_SCENARIOS];
    int n_paths = 0, opt, i, k;
    struct work w;
    pthread_t th[64];
    int64_t t0;

    while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (opt) {
        case 's':
            o.seeds = (int)strtol(optarg, NULL, 10);
            break;
        case 'j':
            o.jobs = (int)strtol(optarg, NULL, 10);
            break;
        case 'l':
            o.latency = strtod(optarg, NULL);
            break;
        case 'f':
            o.filter = strcmp(optarg, "ekf") == 0   ? GS_FILTER_EKF
                       : strcmp(optarg, "ukf") == 0 ? GS_FILTER_UKF
                                                    : GS_FILTER_AUTO;
            break;
        case 'u':
            o.fusion = strcmp(optarg, "ci") == 0      ? GS_FUSE_CI
                       : strcmp(optarg, "naive") == 0 ? GS_FUSE_NAIVE
                                                      : GS_FUSE_ICI;
            break;
        case 'i':
            o.impact_linear = strcmp(optarg, "linear") == 0;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (o.seeds < 1 || o.jobs < 1 || o.jobs > 64) {
        fputs(usage, stderr);
        return 2;
    }
    for (i = optind; i < argc && n_paths < MAX_SCENARIOS; i++)
        paths[n_paths++] = gs_strdup(argv[i]);
    if (n_paths == 0) {
        DIR *d = opendir(GSOMIA_SOURCE_DIR "/examples/scenarios");
        struct dirent *de;

        while (d != NULL && (de = readdir(d)) != NULL &&
               n_paths < MAX_SCENARIOS) {
            size_t l = strlen(de->d_name);
            char buf[600];

            if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
                continue;
            snprintf(buf, sizeof(buf), "%s/examples/scenarios/%s",
                     GSOMIA_SOURCE_DIR, de->d_name);
            paths[n_paths++] = gs_strdup(buf);
        }
        if (d != NULL)
            closedir(d);
        qsort(paths, (size_t)n_paths, sizeof(paths[0]), cmp_str);
    }
    for (i = 0; i < n_paths; i++) {
        struct gs_diag d;
        size_t j;

        gs_diag_init(&d);
        snprintf(sc[i].path, sizeof(sc[i].path), "%s", paths[i]);
        if (gs_scenario_load(paths[i], &sc[i].sc, &d) < 0) {
            gs_diag_print(&d, stderr);
            return 1;
        }
        gs_diag_free(&d);
        for (j = 0; j < sc[i].sc.n_sensors; j++) {
            for (k = 0; k < sc[i].n_nations; k++)
                if (strcmp(sc[i].nations[k], sc[i].sc.sensors[j].nation) == 0)
                    break;
            if (k == sc[i].n_nations && k < MAX_SYSTEMS - 1)
                memcpy(sc[i].nations[sc[i].n_nations++],
                       sc[i].sc.sensors[j].nation, 4);
        }
        gs_free(paths[i]);
    }
    printf("bench-track: %d scenario(s) x %d seeds, %d jobs, filter %s, "
           "fusion %s, impact %s\n",
           n_paths, o.seeds, o.jobs,
           o.filter == GS_FILTER_AUTO  ? "auto (EKF; UKF in re-entry)"
           : o.filter == GS_FILTER_EKF ? "ekf"
                                       : "ukf",
           gs_fusion_rule_name(o.fusion),
           o.impact_linear ? "linearised" : "unscented");
    memset(&w, 0, sizeof(w));
    w.o = &o;
    w.sc = sc;
    w.n_sc = n_paths;
    pthread_mutex_init(&w.lock, NULL);
    t0 = gs_mono_ns();
    for (i = 0; i < o.jobs; i++)
        pthread_create(&th[i], NULL, worker, &w);
    for (i = 0; i < o.jobs; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < n_paths; i++)
        print_scenario(&o, &sc[i]);
    printf("\n");
    filter_steps(sc, n_paths);
    printf("wall time %.1f s\n", (double)(gs_mono_ns() - t0) * 1e-9);
    for (i = 0; i < n_paths; i++)
        gs_scenario_free(&sc[i].sc);
    pthread_mutex_destroy(&w.lock);
    return 0;
}
