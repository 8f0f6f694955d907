/*
 * tracker.c - scans, association, track management, re-filtering, fusion
 * with partners and output; see tracker.h.
 *
 * Three tables, fixed in size at creation: local tracks (each with its
 * estimator, a ring of (plot, estimate after it) for re-filtering, and the
 * first plots for the launch point), partner tracks (the latest update of
 * each), and output tracks ("fused": one local track and/or some partner
 * tracks, one per nation at most, under one id). Indexes between tables
 * stay valid because slots never move.
 */
#include "track/tracker.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/time.h"
#include "track/assign.h"
#include "track/dyn.h"
#include "track/geo.h"
#include "track/predict.h"

#define US 1e-6
#define MAX_SCAN 64
#define EARLY_MAX 512
#define TENTATIVE_HISTORY 16
#define RESOLVE_FIRST 20.0 /* s after a split, its plots are re-sorted */
#define RESOLVE_AFTER 40.0 /* and again */
#define RESOLVE_GIVE_UP 120.0
#define RESOLVE_RADARS 6  /* at most 2^6 combinations are tried */
#define PREGATE 25e3      /* m; above SPAWN_DISTANCE */
#define PREGATE_ACC 300.0 /* m/s^2 */
#define MAX_FUSED_PARTNERS 8
#define PARTNER_GATE 30.0     /* chi-square, 6 degrees of freedom: 0.99996 */
#define PARTNER_DETACH 50.0   /* chi-square, 6 dof: 1 - 2e-9 */
#define SPAWN_DISTANCE 20e3   /* m: a plot this near a track may split off */
#define SPLIT_SIGMA_V 10.0    /* m/s: separation speeds are a few m/s */
#define SPLIT_SIGMA_R 30.0    /* m */
#define NO_BOOST 0.05         /* boost probability under which we predict */
#define SETTLE_TIME 3.0       /* s of ballistic flight before predicting */
#define IMPACT_CONFIDENT 50e3 /* m: semi-major axis of a settled ellipse */

struct hist {
    struct gs_plot plot;
    struct gs_est after;
};

struct track {
    bool used, confirmed;
    unsigned serial;
    uint64_t sensors; /* bit i: radar i's plots went into this track */
    struct gs_est est;
    struct hist *h;
    int h_head, h_len, h_cap; /* tentative tracks keep a short history */
    int hits, misses, dup;
    gs_time_t first_time, last_hit, burnout;
    struct gs_plot *early;
    int n_early;
    bool left_boost, launch_done;
    enum gs_launch_method launch_method;
    struct gs_ground_point launch;
    int fused;
    bool updated; /* by the scan being processed */
    /* A track split off another (split_track) remembers it, and the
     * widened estimate they shared, until the plots since are re-sorted
     * between the two (resolve_split). */
    bool split_pending;
    int split_round; /* resolutions done */
    int split_parent;
    unsigned split_parent_serial;
    gs_time_t split_time;
    struct gs_est split_est;
};

struct partner {
    bool used;
    struct gs_track_update u;
    int fused;
};

struct fused {
    bool used, reported;
    char id[GS_TRACK_ID_SIZE];
    int local;
    int partners[MAX_FUSED_PARTNERS];
    int n_partners;
    gs_time_t last_output;
    enum gs_phase last_phase;
    bool has_impact;
    struct gs_impact_prediction impact;
    gs_time_t impact_at;
    bool has_apogee;
    double apogee_height;
    gs_time_t apogee_time;
};

struct gs_tracker {
    struct gs_tracker_config c;
    struct gs_sensor *s;
    size_t n_s;
    struct track *tr;
    struct partner *pa;
    struct fused *fu;
    int n_fu;
    unsigned next_serial, next_output_id;
    gs_time_t latest;
    bool have_latest;
    struct gs_plot scan[MAX_SCAN];
    int n_scan;
    struct gs_track_update *q;
    size_t q_head, q_len;
    struct gs_tracker_stats st;
    /* Scratch of process_scan, one per track slot. */
    struct gs_est *pred;
    bool *valid, *late;
};

void gs_tracker_config_default(struct gs_tracker_config *c)
{
    memset(c, 0, sizeof(*c));
    memcpy(c->nation, "USA", 4);
    gs_est_config_default(&c->est);
    c->fusion = GS_FUSE_ICI;
    c->output_interval = 1.0;
    c->max_future = 3600;
    c->max_lateness = 60;
    c->gate = 25;
    c->confirm_hits = 3;
    c->tentative_misses = 2;
    c->coast_max = 7200;
    c->boost_coast_max = 30;
    c->partner_max_age = 10;
    c->history = 256;
    c->max_tracks = 48;
    c->max_partner_tracks = 128;
    c->max_pending = 8192;
}

int gs_tracker_new(const struct gs_tracker_config *c, const struct gs_sensor *s,
                   size_t n, struct gs_tracker **out)
{
    struct gs_tracker *t;

    *out = NULL;
    if (n == 0 || n > GS_SENSORS_MAX || c->history < 2 || c->history > 100000 ||
        c->max_tracks < 1 || c->max_tracks > 4096 ||
        c->max_partner_tracks < 0 || c->max_partner_tracks > 4096 ||
        c->max_pending < 1 || !(c->gate > 0) || c->confirm_hits < 1 ||
        !(c->output_interval >= 0) || !(c->max_future > 0) ||
        !(c->max_lateness >= 0))
        return GS_ERR_INVALID;
    t = gs_calloc(1, sizeof(*t));
    t->c = *c;
    t->s = gs_calloc(n, sizeof(*s));
    memcpy(t->s, s, n * sizeof(*s));
    t->n_s = n;
    t->tr = gs_calloc((size_t)c->max_tracks, sizeof(*t->tr));
    t->pa = gs_calloc((size_t)c->max_partner_tracks + 1, sizeof(*t->pa));
    t->n_fu = c->max_tracks + c->max_partner_tracks;
    t->fu = gs_calloc((size_t)t->n_fu, sizeof(*t->fu));
    t->q = gs_calloc((size_t)c->max_pending, sizeof(*t->q));
    t->pred = gs_calloc((size_t)c->max_tracks, sizeof(*t->pred));
    t->valid = gs_calloc((size_t)c->max_tracks, sizeof(*t->valid));
    t->late = gs_calloc((size_t)c->max_tracks, sizeof(*t->late));
    *out = t;
    return 0;
}

static void track_free(struct track *k)
{
    gs_free(k->h);
    gs_free(k->early);
    memset(k, 0, sizeof(*k));
}

void gs_tracker_free(struct gs_tracker *t)
{
    int i;

    if (t == NULL)
        return;
    for (i = 0; i < t->c.max_tracks; i++)
        track_free(&t->tr[i]);
    gs_free(t->tr);
    gs_free(t->pa);
    gs_free(t->fu);
    gs_free(t->q);
    gs_free(t->s);
    gs_free(t->pred);
    gs_free(t->valid);
    gs_free(t->late);
    gs_free(t);
}

const struct gs_sensor *gs_tracker_sensors(const struct gs_tracker *t,
                                           size_t *n)
{
    *n = t->n_s;
    return t->s;
}

void gs_tracker_stats(const struct gs_tracker *t, struct gs_tracker_stats *s)
{
    *s = t->st;
}

/* ------------------------------------------------------------ the queue */

static void push_update(struct gs_tracker *t, const struct gs_track_update *u)
{
    size_t cap = (size_t)t->c.max_pending;

    if (t->q_len == cap) {
        t->q_head = (t->q_head + 1) % cap;
        t->q_len--;
        t->st.updates_dropped++;
    }
    t->q[(t->q_head + t->q_len) % cap] = *u;
    t->q_len++;
    t->st.updates_out++;
}

size_t gs_tracker_poll(struct gs_tracker *t, struct gs_track_update *out,
                       size_t max)
{
    size_t k = 0, cap = (size_t)t->c.max_pending;

    while (k < max && t->q_len > 0) {
        out[k++] = t->q[t->q_head];
        t->q_head = (t->q_head + 1) % cap;
        t->q_len--;
    }
    return k;
}

/* ------------------------------------------------------------- history */

static struct hist *hist_at(struct track *k, struct gs_tracker *t, int i)
{
    (void)t;
    return &k->h[(k->h_head + i) % k->h_cap];
}

/* A confirmed track gets the full history (tentative ones, mostly false
 * plots, keep TENTATIVE_HISTORY entries and cost little to start). */
static void hist_grow(struct gs_tracker *t, struct track *k)
{
    struct hist *h;
    int i;

    if (k->h_cap >= t->c.history)
        return;
    h = gs_calloc((size_t)t->c.history, sizeof(*h));
    for (i = 0; i < k->h_len; i++)
        h[i] = *hist_at(k, t, i);
    gs_free(k->h);
    k->h = h;
    k->h_head = 0;
    k->h_cap = t->c.history;
}

static void hist_push(struct gs_tracker *t, struct track *k,
                      const struct gs_plot *p, const struct gs_est *e)
{
    struct hist *h;

    if (k->h_len == k->h_cap) {
        k->h_head = (k->h_head + 1) % k->h_cap;
        k->h_len--;
    }
    h = hist_at(k, t, k->h_len);
    h->plot = *p;
    h->after = *e;
    k->h_len++;
}

static void early_insert(struct track *k, const struct gs_plot *p)
{
    int i;

    if (k->n_early == EARLY_MAX || k->left_boost)
        return;
    i = k->n_early;
    while (i > 0 && k->early[i - 1].time > p->time) {
        k->early[i] = k->early[i - 1];
        i--;
    }
    k->early[i] = *p;
    k->n_early++;
}

/*
 * The estimate of track k to use for a scan at time tm: its current one,
 * or for a late scan the one after its last plot at or before tm. Returns
 * false when the track has no state that early.
 */
static bool est_before(struct gs_tracker *t, struct track *k, gs_time_t tm,
                       struct gs_est *e, int *index)
{
    int i;

    *index = k->h_len;
    if (k->est.t <= tm) {
        *e = k->est;
        return true;
    }
    for (i = k->h_len - 1; i >= 0; i--) {
        struct hist *h = hist_at(k, t, i);

        if (h->plot.time <= tm) {
            *e = h->after;
            *index = i + 1;
            return true;
        }
    }
    return false;
}

/* Bookkeeping of the boost: when the motor was last seen burning. */
static void note_boost(struct track *k)
{
    if (gs_est_boost_probability(&k->est) >= 0.5)
        k->burnout = k->est.t;
    if (!k->est.imm || gs_est_boost_probability(&k->est) < NO_BOOST)
        k->left_boost = true;
}

/*
 * Applies plot p to track k. pred is k's estimate predicted to p's time
 * when p is not late. A late plot rewinds k to its estimate after the last
 * earlier plot and filters the later ones again, in time order.
 */
static int apply_plot(struct gs_tracker *t, struct track *k,
                      const struct gs_plot *p, const struct gs_est *pred)
{
    const struct gs_sensor *s = t->s;
    struct gs_est e;
    int rc;

    if (k->est.t <= p->time) {
        e = *pred;
        rc = gs_est_correct(&e, &t->c.est, p, &s[p->sensor]);
        if (rc < 0)
            return rc;
        k->est = e;
        hist_push(t, k, p, &e);
    } else {
        struct gs_plot later[MAX_SCAN * 8];
        struct gs_plot *lp = later;
        int idx, i, n_later;

        if (!est_before(t, k, p->time, &e, &idx) || idx == 0)
            return GS_ERR_STATE;
        n_later = k->h_len - idx;
        if (n_later > (int)(sizeof(later) / sizeof(later[0])))
            lp = gs_calloc((size_t)n_later, sizeof(*lp));
        for (i = 0; i < n_later; i++)
            lp[i] = hist_at(k, t, idx + i)->plot;
        /* Check the late plot first: a failure must leave k unchanged. */
        {
            struct gs_est trial = e;

            rc = gs_est_update(&trial, &t->c.est, p, &s[p->sensor]);
            if (rc < 0) {
                if (lp != later)
                    gs_free(lp);
                return rc;
            }
            k->h_len = idx;
            e = trial;
            hist_push(t, k, p, &e);
        }
        for (i = 0; i < n_later; i++) {
            if (gs_est_update(&e, &t->c.est, &lp[i], &s[lp[i].sensor]) == 0)
                hist_push(t, k, &lp[i], &e);
        }
        t->st.plots_refiltered += (size_t)n_later;
        k->est = e;
        if (lp != later)
            gs_free(lp);
    }
    early_insert(k, p);
    k->hits++;
    k->sensors |= UINT64_C(1) << p->sensor;
    k->misses = 0;
    if (p->time > k->last_hit)
        k->last_hit = p->time;
    k->updated = true;
    note_boost(k);
    t->st.plots_in_tracks++;
    return 0;
}

static struct track *new_track(struct gs_tracker *t, const struct gs_plot *p,
                               const double *v0, double sigma_v)
{
    int i;
    struct track *k = NULL;

    for (i = 0; i < t->c.max_tracks; i++) {
        if (!t->tr[i].used) {
            k = &t->tr[i];
            break;
        }
    }
    if (k == NULL)
        return NULL;
    memset(k, 0, sizeof(*k));
    k->used = true;
    k->serial = t->next_serial++;
    k->h_cap =
        t->c.history < TENTATIVE_HISTORY ? t->c.history : TENTATIVE_HISTORY;
    k->h = gs_calloc((size_t)k->h_cap, sizeof(*k->h));
    k->early = gs_calloc(EARLY_MAX, sizeof(*k->early));
    k->fused = -1;
    gs_est_init(&k->est, &t->c.est, p, &t->s[p->sensor], v0, sigma_v);
    hist_push(t, k, p, &k->est);
    early_insert(k, p);
    k->hits = 1;
    k->sensors = UINT64_C(1) << p->sensor;
    k->first_time = k->last_hit = p->time;
    k->burnout = p->time;
    k->updated = true;
    note_boost(k);
    t->st.tracks_started++;
    t->st.plots_in_tracks++;
    return k;
}

/* ---------------------------------------------------------- estimates */

/* The 6-state of track k at time tm (predicted forward if needed); x7 and
 * P7 also carry kappa. */
static void local_state(const struct gs_tracker *t, const struct track *k,
                        gs_time_t tm, double x7[7], double P7[49])
{
    struct gs_est e = k->est;

    if (tm > e.t && gs_est_predict(&e, &t->c.est, tm) < 0)
        e = k->est;
    gs_est_combined(&e, x7, P7);
}

static void block6(const double *P7, double *P6)
{
    int i, j;

    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            P6[i * 6 + j] = P7[i * 7 + j];
}

/* A partner's state predicted to tm (ballistic, with its reported kappa or
 * our prior; extra noise while it says the motor burns). */
static int partner_state(const struct gs_tracker *t, const struct partner *p,
                         gs_time_t tm, double x6[6], double P6[36])
{
    struct gs_dyn m;
    double x[7], Phi[49], Ph6[36];
    double dt = (double)(tm - p->u.time) * US;
    int i, j, rc;

    gs_dyn_default(&m);
    memcpy(x, p->u.x, 6 * sizeof(double));
    x[6] = p->u.has_kappa && p->u.kappa > 0 ? p->u.kappa : t->c.est.kappa0;
    rc = gs_dyn_propagate(&m, x, 7, dt, Phi);
    if (rc < 0)
        return rc;
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++)
            Ph6[i * 6 + j] = Phi[i * 7 + j];
    memcpy(x6, x, 6 * sizeof(double));
    memcpy(P6, p->u.P, 36 * sizeof(double));
    gs_mat_congruence(Ph6, P6, 6);
    if (p->u.phase == GS_PHASE_BOOST) {
        /* The unknown thrust over |dt|: 100 m/s^2 per sqrt(s) of white
         * acceleration is a wide margin for a motor. */
        double Q[49];

        gs_dyn_process_noise(6, dt, 1e4, 0, 0, Q);
        for (i = 0; i < 36; i++)
            P6[i] += Q[i];
    }
    return 0;
}

static double mahal6(const double *xa, const double *Pa, const double *xb,
                     const double *Pb)
{
    double S[36], d[6], v;
    int i;

    for (i = 0; i < 36; i++)
        S[i] = Pa[i] + Pb[i];
    for (i = 0; i < 6; i++)
        d[i] = xa[i] - xb[i];
    if (gs_mat_mahalanobis(S, d, 6, &v) < 0)
        return INFINITY;
    return v;
}

/* ---------------------------------------------------------------- output */

static int new_fused(struct gs_tracker *t)
{
    int i;

    for (i = 0; i < t->n_fu; i++) {
        if (!t->fu[i].used) {
            struct fused *f = &t->fu[i];

            memset(f, 0, sizeof(*f));
            f->used = true;
            f->local = -1;
            snprintf(f->id, sizeof(f->id), "%s-T%u", t->c.nation,
                     ++t->next_output_id);
            return i;
        }
    }
    return -1;
}

static void add_source(struct gs_track_update *u, const char *nation)
{
    int i;

    for (i = 0; i < u->n_sources; i++)
        if (strcmp(u->sources[i], nation) == 0)
            return;
    if (u->n_sources < GS_UPDATE_MAX_SOURCES)
        memcpy(u->sources[u->n_sources++], nation, 4);
}

static double ellipse_area(const struct gs_ground_point *g)
{
    return g->ellipse.semi_major * g->ellipse.semi_minor;
}

static void detach_partner(struct gs_tracker *t, int fi, int slot);

/* The size fusion minimises: position variance plus (100 s)^2 times the
 * velocity variance, what an impact prediction minutes ahead depends on. */
static const double fuse_weights[6] = {1, 1, 1, 1e4, 1e4, 1e4};

/*
 * Builds the output of fused track fi at time tm: the local estimate and
 * the fresh partner estimates fused, the predictions refreshed when due.
 */
static void emit(struct gs_tracker *t, int fi, gs_time_t tm,
                 enum gs_track_status status)
{
    struct fused *f = &t->fu[fi];
    struct gs_track_update u;
    double x7[7], P7[49], xf[6], Pf[36], xa[6], Pa[36], kap_sigma = 0;
    bool have = false, boosting = false, kappa_known = false;
    struct track *k = f->local >= 0 ? &t->tr[f->local] : NULL;
    int i, used_partners = 0;
    enum gs_phase phase = GS_PHASE_MIDCOURSE;

    memset(&u, 0, sizeof(u));
    memset(x7, 0, sizeof(x7));
    memset(P7, 0, sizeof(P7));
    memcpy(u.nation, t->c.nation, 4);
    memcpy(u.track, f->id, sizeof(u.track));
    u.time = tm;
    u.status = status;
    if (k != NULL) {
        struct gs_est e = k->est;

        if (tm > e.t)
            gs_est_predict(&e, &t->c.est, tm);
        local_state(t, k, tm, x7, P7);
        block6(P7, Pf);
        memcpy(xf, x7, sizeof(xf));
        memcpy(xa, xf, sizeof(xa));
        memcpy(Pa, Pf, sizeof(Pa));
        have = true;
        phase = gs_est_phase(&e);
        /* Impact predictions wait until the motor has been off for a
         * while: a brief lull at staging is not burnout. */
        boosting = e.imm && (gs_est_boost_probability(&e) >= NO_BOOST ||
                             e.ballistic_since < SETTLE_TIME);
        kappa_known = !e.imm;
        kap_sigma = sqrt(P7[48] > 0 ? P7[48] : 0);
        add_source(&u, t->c.nation);
        u.local = k->serial + 1;
        u.sensors = k->sensors;
    }
    /* Each fresh partner estimate, predicted to tm, is checked against the
     * first estimate (ours if we track it): one that no longer matches
     * (its track has moved to another object) leaves this output track. */
    for (i = 0; i < f->n_partners; i++) {
        struct partner *p = &t->pa[f->partners[i]];
        double xp[6], Pp[36], xo[6], Po[36];
        double age = fabs((double)(tm - p->u.time)) * US;

        if (age > t->c.partner_max_age)
            continue;
        if (partner_state(t, p, tm, xp, Pp) < 0)
            continue;
        if (have) {
            if (mahal6(xa, Pa, xp, Pp) > PARTNER_DETACH) {
                detach_partner(t, fi, i);
                i--;
                continue;
            }
            if (gs_fuse(t->c.fusion, 6, xf, Pf, xp, Pp, fuse_weights, xo, Po) <
                0)
                continue;
            memcpy(xf, xo, sizeof(xf));
            memcpy(Pf, Po, sizeof(Pf));
        } else {
            memcpy(xf, xp, sizeof(xf));
            memcpy(Pf, Pp, sizeof(Pf));
            memcpy(xa, xp, sizeof(xa));
            memcpy(Pa, Pp, sizeof(Pa));
            have = true;
            phase = p->u.phase;
        }
        if (p->u.phase == GS_PHASE_BOOST) {
            boosting = true;
            phase = GS_PHASE_BOOST;
        }
        /* A partner that predicts no impact yet thinks it too early. */
        if (k == NULL && !p->u.impact.valid)
            boosting = true;
        /* The ballistic coefficient: the best known of all. */
        if (p->u.has_kappa && (!kappa_known || p->u.kappa_sigma < kap_sigma)) {
            x7[6] = p->u.kappa;
            kap_sigma = p->u.kappa_sigma;
            kappa_known = true;
        }
        used_partners++;
        add_source(&u, p->u.nation);
        if (u.n_parts < GS_UPDATE_MAX_SOURCES) {
            memcpy(u.parts[u.n_parts].nation, p->u.nation, 4);
            memcpy(u.parts[u.n_parts].track, p->u.track, GS_TRACK_ID_SIZE);
            u.n_parts++;
        }
    }
    if (!have)
        return;
    if (!kappa_known && k == NULL) {
        x7[6] = t->c.est.kappa0;
        kap_sigma = t->c.est.sigma_kappa0;
    }
    memcpy(u.x, xf, sizeof(xf));
    memcpy(u.P, Pf, sizeof(Pf));
    {
        struct gs_geodetic g;

        gs_ecef_to_geodetic(xf, &g);
        u.lat = g.lat / GS_DEG;
        u.lon = g.lon / GS_DEG;
        u.h = g.h;
    }
    u.phase = phase;
    if (kappa_known) {
        u.has_kappa = true;
        u.kappa = x7[6];
        u.kappa_sigma = kap_sigma;
    }
    /* Impact, when the motor is off and the refresh is due. */
    if (boosting) {
        f->has_impact = false;
    } else {
        double interval = 1.0;

        /* Every second while the ellipse is still wide; then every
         * hundredth of the time to go, between 1 and 20 s. */
        if (f->has_impact &&
            f->impact.impact.ellipse.semi_major < IMPACT_CONFIDENT) {
            interval = (double)(f->impact.impact.time - tm) * US / 100.0;
            interval = interval < 1 ? 1 : interval > 20 ? 20 : interval;
        }
        if (!f->has_impact ||
            (double)(tm - f->impact_at) * US >= interval - 1e-9) {
            double xi[7], Pi[49];
            struct gs_impact_prediction ip;
            int a, b, rc;

            memcpy(xi, xf, sizeof(xf));
            xi[6] = x7[6];
            if (used_partners == 0 && k != NULL) {
                memcpy(Pi, P7, sizeof(Pi));
            } else {
                memset(Pi, 0, sizeof(Pi));
                for (a = 0; a < 6; a++)
                    for (b = 0; b < 6; b++)
                        Pi[a * 7 + b] = Pf[a * 6 + b];
                Pi[48] = kap_sigma * kap_sigma;
            }
            int64_t t0 = gs_mono_ns();

            rc = t->c.impact_linear
                     ? gs_predict_impact_linear(xi, Pi, tm, 3 * 3600.0, &ip)
                     : gs_predict_impact(xi, Pi, tm, 3 * 3600.0, &ip);
            t->st.prediction_seconds += (double)(gs_mono_ns() - t0) * 1e-9;
            t->st.predictions++;
            if (rc == 0) {
                f->impact = ip;
                f->has_impact = true;
                f->impact_at = tm;
                if (ip.has_apogee) {
                    f->has_apogee = true;
                    f->apogee_height = ip.apogee_height;
                    f->apogee_time = ip.apogee_time;
                }
            }
        }
    }
    if (f->has_impact)
        u.impact = f->impact.impact;
    if (f->has_apogee) {
        u.has_apogee = true;
        u.apogee_height = f->apogee_height;
        u.apogee_time = f->apogee_time;
    }
    /* Launch: ours, or the partner's with the smaller ellipse. */
    if (k != NULL && !k->launch_done && k->left_boost) {
        double xl[7], Pl[49];
        int64_t t0 = gs_mono_ns();

        gs_est_combined(&k->est, xl, Pl);
        if (gs_predict_launch(k->early, (size_t)k->n_early, t->s, k->burnout,
                              &t->c.est, xl, Pl, k->est.t, &k->launch,
                              &k->launch_method) < 0)
            k->launch.valid = false;
        t->st.prediction_seconds += (double)(gs_mono_ns() - t0) * 1e-9;
        t->st.predictions++;
        k->launch_done = true;
    }
    if (k != NULL && k->launch.valid)
        u.launch = k->launch;
    for (i = 0; i < f->n_partners; i++) {
        const struct gs_ground_point *g = &t->pa[f->partners[i]].u.launch;

        if (g->valid &&
            (!u.launch.valid || ellipse_area(g) < ellipse_area(&u.launch)))
            u.launch = *g;
    }
    push_update(t, &u);
    f->reported = true;
    f->last_output = tm;
    f->last_phase = phase;
}

/* Whether fused track fi should report at tm. */
static bool due(const struct gs_tracker *t, const struct fused *f, gs_time_t tm,
                enum gs_phase phase)
{
    return !f->reported || phase != f->last_phase ||
           (double)(tm - f->last_output) * US >= t->c.output_interval - 1e-9;
}

static void free_fused(struct gs_tracker *t, int fi, gs_time_t tm)
{
    struct fused *f = &t->fu[fi];
    int i;

    if (f->reported)
        emit(t, fi, tm, GS_TRACK_LOST);
    for (i = 0; i < f->n_partners; i++) {
        t->pa[f->partners[i]].fused = -1;
        t->pa[f->partners[i]].used = false;
    }
    if (f->local >= 0)
        t->tr[f->local].fused = -1;
    memset(f, 0, sizeof(*f));
}

/* Moves partner number `slot` of fused track fi to a fused track of its
 * own (it no longer matches). */
static void detach_partner(struct gs_tracker *t, int fi, int slot)
{
    struct fused *f = &t->fu[fi];
    int pi = f->partners[slot], nf;

    f->partners[slot] = f->partners[--f->n_partners];
    nf = new_fused(t);
    if (nf < 0) {
        t->pa[pi].used = false;
        t->pa[pi].fused = -1;
        return;
    }
    t->fu[nf].partners[0] = pi;
    t->fu[nf].n_partners = 1;
    t->pa[pi].fused = nf;
}

/* A track was confirmed: join the partner-only output track it matches
 * best, or start one. */
static void attach_local(struct gs_tracker *t, int ki)
{
    struct track *k = &t->tr[ki];
    double x7[7], P7[49], P6[36], best = PARTNER_GATE;
    int i, j, bi = -1;

    gs_est_combined(&k->est, x7, P7);
    block6(P7, P6);
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used || f->local >= 0 || f->n_partners == 0)
            continue;
        for (j = 0; j < f->n_partners; j++) {
            double xp[6], Pp[36], d;

            if (partner_state(t, &t->pa[f->partners[j]], k->est.t, xp, Pp) < 0)
                continue;
            d = mahal6(x7, P6, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
    }
    if (bi < 0)
        bi = new_fused(t);
    if (bi < 0)
        return;
    t->fu[bi].local = ki;
    k->fused = bi;
}

static void lose_track(struct gs_tracker *t, int ki)
{
    struct track *k = &t->tr[ki];

    if (k->confirmed) {
        t->st.tracks_lost++;
        if (k->fused >= 0) {
            struct fused *f = &t->fu[k->fused];

            if (f->n_partners == 0) {
                free_fused(t, k->fused, k->est.t);
            } else {
                f->local = -1;
                f->has_impact = false;
            }
        }
    }
    track_free(k);
}

/* ---------------------------------------------------------------- scans */

/* Widens an estimate by what a separation may change. */
static void widen_for_split(struct gs_est *e)
{
    int i, j;

    for (i = 0; i < GS_EST_MODES; i++) {
        struct gs_kf *f = &e->kf[i];

        if (!e->imm && i != 1)
            continue;
        for (j = 0; j < 3; j++) {
            f->P[j * f->n + j] += SPLIT_SIGMA_R * SPLIT_SIGMA_R;
            f->P[(3 + j) * f->n + 3 + j] += SPLIT_SIGMA_V * SPLIT_SIGMA_V;
        }
    }
}

/*
 * A plot that no track took, near a confirmed track: an object separating
 * from it (a booster, a warhead, debris). The new track starts as a copy of
 * that track's estimate, widened by what separation may change (SPLIT_SIGMA_V
 * in velocity, SPLIT_SIGMA_R in position), then takes the plot: everything
 * the parent knew about the common flight carries over. The parent is
 * widened too: it may have taken plots of either object since they parted.
 * Returns the new track, or NULL when no confirmed track is near (or the table
 * is full).
 */
static struct track *split_track(struct gs_tracker *t, const struct gs_plot *p,
                                 const struct gs_est *pred, const bool *valid)
{
    double r[3], best = SPAWN_DISTANCE;
    int i, j, bi = -1;
    struct track *k = NULL;
    struct gs_est e;

    gs_radar_position(&t->s[p->sensor].site, p->range, p->az, p->el, r);
    for (i = 0; i < t->c.max_tracks; i++) {
        double x7[7], P7[49], d = 0;

        if (!t->tr[i].used || !t->tr[i].confirmed || !valid[i])
            continue;
        gs_est_combined(&pred[i], x7, P7);
        for (j = 0; j < 3; j++)
            d += (x7[j] - r[j]) * (x7[j] - r[j]);
        d = sqrt(d);
        if (d < best) {
            best = d;
            bi = i;
        }
    }
    if (bi < 0)
        return NULL;
    e = pred[bi];
    widen_for_split(&e);
    if (gs_est_correct(&e, &t->c.est, p, &t->s[p->sensor]) < 0)
        return NULL;
    for (i = 0; i < t->c.max_tracks; i++) {
        if (!t->tr[i].used) {
            k = &t->tr[i];
            break;
        }
    }
    if (k == NULL)
        return NULL;
    {
        struct track *parent = &t->tr[bi];

        /* The parent may have taken plots of either object since they
         * parted: it is no surer than the new track. */
        widen_for_split(&parent->est);
        memset(k, 0, sizeof(*k));
        k->used = true;
        k->serial = t->next_serial++;
        k->h_cap =
            t->c.history < TENTATIVE_HISTORY ? t->c.history : TENTATIVE_HISTORY;
        k->h = gs_calloc((size_t)k->h_cap, sizeof(*k->h));
        k->early = gs_calloc(EARLY_MAX, sizeof(*k->early));
        k->fused = -1;
        k->est = e;
        hist_push(t, k, p, &k->est);
        /* The same missile up to here: its boost is ours too. */
        memcpy(k->early, parent->early,
               sizeof(*k->early) * (size_t)parent->n_early);
        k->n_early = parent->n_early;
        k->burnout = parent->burnout;
        k->left_boost = parent->left_boost;
        k->launch_done = parent->launch_done;
        k->launch = parent->launch;
        k->launch_method = parent->launch_method;
        k->hits = 1;
        k->sensors = parent->sensors | UINT64_C(1) << p->sensor;
        k->first_time = k->last_hit = p->time;
        k->updated = true;
        k->split_pending = true;
        k->split_parent = bi;
        k->split_parent_serial = parent->serial;
        k->split_time = p->time;
        k->split_est = pred[bi];
        widen_for_split(&k->split_est);
        t->st.tracks_started++;
        t->st.plots_in_tracks++;
    }
    return k;
}

/* The measurement (range, azimuth, elevation, range rate) the estimate e
 * predicts for sensor s. */
static void predicted_z(const struct gs_est *e, const struct gs_sensor *s,
                        double z[4])
{
    double x7[7], P7[49];

    gs_est_combined(e, x7, P7);
    gs_radar_measure(&s->site, x7, z, NULL);
}

/*
 * Objects closer than a radar's resolution make one plot at their centroid.
 * When confirmed tracks predict measurements within one resolution cell of
 * a track that took a plot, that plot is taken as merged: it updates each
 * of them (those without a plot of their own this scan) with its noise
 * widened by the spread of their predicted measurements - a centroid is
 * within that of each object - instead of pulling one track to the
 * centroid and starving the others.
 */
static void share_merged(struct gs_tracker *t, struct gs_plot *plots, int n,
                         struct gs_est *pred, const bool *valid, const int *idx,
                         int rows, int *r2c)
{
    int r, q, m;

    (void)n;
    for (r = 0; r < rows; r++) {
        int members[8], nm = 0, j = r2c[r];
        const struct gs_sensor *s;
        double za[4], zmin[4], zmax[4];

        if (j < 0)
            continue;
        s = &t->s[plots[j].sensor];
        predicted_z(&pred[idx[r]], s, za);
        for (m = 0; m < 4; m++)
            zmin[m] = zmax[m] = za[m];
        members[nm++] = r;
        for (q = 0; q < rows && nm < 8; q++) {
            double zb[4], dang;

            if (q == r || r2c[q] >= 0 || !valid[idx[q]])
                continue;
            predicted_z(&pred[idx[q]], s, zb);
            dang =
                hypot(gs_angle_wrap(zb[1] - za[1]) * cos(za[2]), zb[2] - za[2]);
            if (fabs(zb[0] - za[0]) > s->range_resolution ||
                dang > s->angle_resolution)
                continue;
            members[nm++] = q;
            for (m = 0; m < 4; m++) {
                double v =
                    m == 1 ? za[1] + gs_angle_wrap(zb[1] - za[1]) : zb[m];

                if (v < zmin[m])
                    zmin[m] = v;
                if (v > zmax[m])
                    zmax[m] = v;
            }
        }
        if (nm < 2)
            continue;
        /* Each member's own measurement is within the spread of the
         * centroid; widen by the spread (squared) in each component. */
        for (m = 0; m < 4; m++)
            plots[j].extra_var[m] = (zmax[m] - zmin[m]) * (zmax[m] - zmin[m]);
        for (q = 1; q < nm; q++) {
            struct track *k = &t->tr[idx[members[q]]];
            double d2, ll;

            if (gs_est_innovation(&pred[idx[members[q]]], &t->c.est, &plots[j],
                                  s, &d2, &ll) < 0 ||
                d2 > t->c.gate)
                continue;
            if (apply_plot(t, k, &plots[j], &pred[idx[members[q]]]) == 0)
                t->st.plots_shared++;
        }
    }
}

/* Assigns plots (those with !taken) to the tracks with confirmed == conf:
 * confirmed tracks first, so that a new track cannot take their plots. */
static void associate(struct gs_tracker *t, struct gs_plot *plots, int n,
                      bool *taken, struct gs_est *pred, bool *valid, bool conf)
{
    int rows = 0, i, j, r;
    int *idx = gs_calloc((size_t)t->c.max_tracks, sizeof(int));
    double *cost;
    int *r2c;

    for (i = 0; i < t->c.max_tracks; i++)
        if (t->tr[i].used && t->tr[i].confirmed == conf && valid[i])
            idx[rows++] = i;
    if (rows == 0) {
        gs_free(idx);
        return;
    }
    cost = gs_calloc((size_t)(rows * n), sizeof(double));
    r2c = gs_calloc((size_t)rows, sizeof(int));
    for (r = 0; r < rows; r++) {
        for (j = 0; j < n; j++) {
            double d2 = INFINITY, ll;

            if (!taken[j] &&
                gs_est_innovation(&pred[idx[r]], &t->c.est, &plots[j],
                                  &t->s[plots[j].sensor], &d2, &ll) < 0)
                d2 = INFINITY;
            cost[r * n + j] = taken[j] || !isfinite(d2) ? INFINITY : d2;
        }
    }
    gs_assign(cost, rows, n, t->c.gate, r2c);
    if (conf)
        share_merged(t, plots, n, pred, valid, idx, rows, r2c);
    for (r = 0; r < rows; r++) {
        if (r2c[r] < 0)
            continue;
        if (apply_plot(t, &t->tr[idx[r]], &plots[r2c[r]], &pred[idx[r]]) == 0)
            taken[r2c[r]] = true;
    }
    gs_free(cost);
    gs_free(r2c);
    gs_free(idx);
}

static bool plausible(const struct track *k)
{
    double x7[7], P7[49], s;
    struct gs_geodetic g;

    gs_est_combined(&k->est, x7, P7);
    s = sqrt(x7[3] * x7[3] + x7[4] * x7[4] + x7[5] * x7[5]);
    gs_ecef_to_geodetic(x7, &g);
    return s < 9000 && g.h > -5000 && g.h < 2e7;
}

/* Duplicate tracks: a younger confirmed track that stays within the gate
 * of an older one for 5 scans in a row is dropped. */
static void check_duplicates(struct gs_tracker *t)
{
    int i, j;

    for (i = 0; i < t->c.max_tracks; i++) {
        struct track *a = &t->tr[i];
        bool dup = false;
        double xa[7], Pa[49], Pa6[36];

        if (!a->used || !a->confirmed || !a->updated)
            continue;
        gs_est_combined(&a->est, xa, Pa);
        block6(Pa, Pa6);
        for (j = 0; j < t->c.max_tracks && !dup; j++) {
            struct track *b = &t->tr[j];
            double xb[7], Pb[49], Pb6[36], dd = 0;
            int m;

            if (j == i || !b->used || !b->confirmed || b->serial > a->serial)
                continue;
            /* Two objects that have just parted look alike for a while:
             * the split is settled by resolve_split, not here. */
            if ((a->split_pending && a->split_parent == j) ||
                (b->split_pending && b->split_parent == i))
                continue;
            /* An older track at the same time: updated by this scan, or
             * predicted to it for the scan. */
            if (b->updated && b->est.t == a->est.t)
                gs_est_combined(&b->est, xb, Pb);
            else if (t->valid[j] && !t->late[j] && t->pred[j].t == a->est.t)
                gs_est_combined(&t->pred[j], xb, Pb);
            else
                continue;
            for (m = 0; m < 3; m++)
                dd += (xa[m] - xb[m]) * (xa[m] - xb[m]);
            if (dd > 25e6)
                continue;
            block6(Pb, Pb6);
            dup = mahal6(xa, Pa6, xb, Pb6) < 16;
        }
        a->dup = dup ? a->dup + 1 : 0;
        if (a->dup >= 5)
            lose_track(t, i);
    }
}

/*
 * Deferred decision on a split. While two objects are still close, which of
 * the two tracks took which plot is a guess, and a wrong guess biases both.
 * RESOLVE_AFTER seconds later, when both are ballistic and far apart in
 * state, their present estimates are flown back to every plot since the
 * split; each scan's plots go to the track they fit (global nearest
 * neighbour on those smoothed predictions), and both tracks are filtered
 * again from the shared estimate at the split. A fixed-lag smoother's
 * association, in effect, with the re-filtering machinery of late plots.
 */
struct back_est {
    double x[7], P[49];
    gs_time_t t;
};

/* An estimate flown back (or forward) to time tm with its covariance. */
static int fly_to(struct back_est *b, gs_time_t tm)
{
    struct gs_dyn m;
    double Phi[49];
    int rc;

    gs_dyn_default(&m);
    rc = gs_dyn_propagate(&m, b->x, 7, (double)(tm - b->t) * US, Phi);
    if (rc < 0)
        return rc;
    gs_mat_congruence(Phi, b->P, 7);
    b->t = tm;
    return 0;
}

/* The normalised innovation of plot p against the 7-state of b. */
static double back_nis(const struct gs_tracker *t, const struct back_est *b,
                       const struct gs_plot *p)
{
    struct gs_kf k;
    struct gs_meas z;
    struct gs_innov inn;
    double hx[4], H6[24], H[GS_MEAS_MAX * 7];
    int i, j;

    k.n = 7;
    memcpy(k.x, b->x, sizeof(b->x));
    memcpy(k.P, b->P, sizeof(b->P));
    gs_plot_meas(p, &t->s[p->sensor], &z);
    gs_radar_measure(&t->s[p->sensor].site, k.x, hx, H6);
    memset(H, 0, sizeof(H));
    for (i = 0; i < z.m; i++)
        for (j = 0; j < 6; j++)
            H[i * 7 + j] = H6[i * 6 + j];
    if (gs_ekf_innovation(&k, &z, hx, H, &inn) < 0)
        return INFINITY;
    return inn.nis;
}

static int by_time_desc(const void *a, const void *b)
{
    const struct gs_plot *x = a, *y = b;

    return x->time > y->time ? -1 : x->time < y->time;
}

static int by_time_asc(const void *a, const void *b)
{
    const struct gs_plot *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->sensor - y->sensor;
}

/* Filters track k again from estimate e over plots q[0..n) (time order),
 * its history rebuilt from entry `keep` on. */
static void refilter_from(struct gs_tracker *t, struct track *k, int keep,
                          struct gs_est e, const struct gs_plot *q, int n)
{
    int i;

    k->h_len = keep;
    for (i = 0; i < n; i++)
        if (gs_est_update(&e, &t->c.est, &q[i], &t->s[q[i].sensor]) == 0)
            hist_push(t, k, &q[i], &e);
    k->est = e;
}

/*
 * Sorts the plots all[0..n) (newest first) between two trajectories given
 * by their estimates at the end, flown back: owner[i] 0, 1 or -1 (neither).
 * Returns the number of plots whose owner changed, or -1 on failure.
 */
static int sort_plots(const struct gs_tracker *t, const struct gs_plot *all,
                      int n, struct back_est bp, struct back_est bc, int *owner)
{
    int i, j, m, changed = 0;

    for (i = 0; i < n; i = j) {
        double cost[2 * MAX_SCAN];
        int r2c[2], old[MAX_SCAN];

        for (j = i; j < n && j - i < MAX_SCAN && all[j].time == all[i].time &&
                    all[j].sensor == all[i].sensor;
             j++)
            ;
        if (fly_to(&bp, all[i].time) < 0 || fly_to(&bc, all[i].time) < 0)
            return -1;
        for (m = i; m < j; m++) {
            cost[m - i] = back_nis(t, &bp, &all[m]);
            cost[(j - i) + (m - i)] = back_nis(t, &bc, &all[m]);
            old[m - i] = owner[m];
            owner[m] = -1;
        }
        gs_assign(cost, 2, j - i, t->c.gate, r2c);
        if (r2c[0] >= 0)
            owner[i + r2c[0]] = 0;
        if (r2c[1] >= 0)
            owner[i + r2c[1]] = 1;
        for (m = i; m < j; m++)
            changed += owner[m] != old[m - i];
    }
    return changed;
}

/* Filters e over the plots of all[0..n) (newest first) owned by `who`, in
 * time order; q receives them. Returns how many. */
static int collect(const struct gs_plot *all, const int *owner, int n, int who,
                   struct gs_plot *q)
{
    int i, k = 0;

    for (i = 0; i < n; i++)
        if (owner[i] == who)
            q[k++] = all[i];
    qsort(q, (size_t)k, sizeof(*q), by_time_asc);
    return k;
}

/* Minus the log-likelihood of plots q[0..n) (time order) filtered from e:
 * how well one trajectory explains them. */
static double trial_cost(struct gs_tracker *t, struct gs_est e,
                         const struct gs_plot *q, int n)
{
    double cost = 0;
    int i;

    for (i = 0; i < n; i++) {
        double d2, ll;

        if (gs_est_try(&e, &t->c.est, &q[i], &t->s[q[i].sensor], &d2, &ll) < 0)
            continue;
        cost -= ll;
        gs_est_update(&e, &t->c.est, &q[i], &t->s[q[i].sensor]);
    }
    return cost;
}

static void trial_filter(struct gs_tracker *t, struct gs_est e,
                         const struct gs_plot *q, int n, struct back_est *b)
{
    int i;

    for (i = 0; i < n; i++)
        gs_est_update(&e, &t->c.est, &q[i], &t->s[q[i].sensor]);
    gs_est_combined(&e, b->x, b->P);
    b->t = e.t;
}

static bool is_shared(const struct gs_plot *p)
{
    return p->extra_var[0] > 0 || p->extra_var[1] > 0 || p->extra_var[2] > 0;
}

/* The difference of two plots of one scan, in units of their noise. */
static void plot_diff(const struct gs_tracker *t, const struct gs_plot *a,
                      const struct gs_plot *b, double d[4])
{
    const struct gs_sensor *s = &t->s[a->sensor];

    d[0] = (a->range - b->range) / s->sigma_range;
    d[1] = gs_angle_wrap(a->az - b->az) * cos(a->el) / s->sigma_az;
    d[2] = (a->el - b->el) / s->sigma_el;
    d[3] = a->has_rr && b->has_rr && s->sigma_rr > 0
               ? (a->rr - b->rr) / s->sigma_rr
               : 0;
}

/*
 * Labels the scans where a radar resolved both objects. Two objects part
 * steadily, so the difference between the two plots of a scan turns
 * slowly: orienting each scan's difference like the previous one (of the
 * same radar) gives every plot a consistent side, A or B, for that radar.
 * side[i] is +1 (A), -1 (B) or 0 (not a two-plot scan). all[] is newest
 * first.
 */
static void label_sides(const struct gs_tracker *t, const struct gs_plot *all,
                        int n, int *side)
{
    size_t si;
    int i;

    for (i = 0; i < n; i++)
        side[i] = 0;
    for (si = 0; si < t->n_s; si++) {
        double prev[4] = {0, 0, 0, 0};
        bool have = false;

        /* Oldest first, so that the differences grow. */
        for (i = n - 1; i >= 1; i--) {
            double d[4], dot = 0;
            int m;

            if (all[i].sensor != (int)si || all[i - 1].sensor != (int)si ||
                all[i].time != all[i - 1].time ||
                (i >= 2 && all[i - 2].time == all[i].time &&
                 all[i - 2].sensor == (int)si) ||
                (i + 1 < n && all[i + 1].time == all[i].time &&
                 all[i + 1].sensor == (int)si))
                continue;
            plot_diff(t, &all[i], &all[i - 1], d);
            for (m = 0; m < 4; m++)
                dot += d[m] * prev[m];
            if (have && dot < 0) {
                side[i] = -1;
                side[i - 1] = 1;
                for (m = 0; m < 4; m++)
                    d[m] = -d[m];
            } else {
                side[i] = 1;
                side[i - 1] = -1;
            }
            /* A running direction, dominated by the recent (larger)
             * differences. */
            for (m = 0; m < 4; m++)
                prev[m] = 0.5 * prev[m] + d[m];
            have = true;
        }
    }
}

static void resolve_split(struct gs_tracker *t, int ci)
{
    struct track *c = &t->tr[ci], *pa = &t->tr[c->split_parent];
    struct back_est bp, bc;
    struct gs_plot *all, *to_p, *to_c, *shared;
    int *owner, *side;
    int n = 0, ns = 0, np = 0, nc = 0, i, keep = -1;

    /* Once early (the tracks' output is wrong while they mix), once when
     * the objects are well apart. */
    c->split_pending = c->split_round++ == 0;
    if (!pa->used || pa->serial != c->split_parent_serial || !c->confirmed ||
        !pa->confirmed || c->est.imm || pa->est.imm)
        return;
    /* The parent's state just before the split must still be held. */
    for (i = 0; i < pa->h_len; i++)
        if (hist_at(pa, t, i)->plot.time >= c->split_time) {
            keep = i;
            break;
        }
    if (keep <= 0)
        return;
    all = gs_calloc((size_t)(pa->h_len + c->h_len), sizeof(*all));
    shared = gs_calloc((size_t)pa->h_len + 1, sizeof(*shared));
    owner = gs_calloc((size_t)(pa->h_len + c->h_len), sizeof(int));
    side = gs_calloc((size_t)(pa->h_len + c->h_len), sizeof(int));
    to_p = gs_calloc((size_t)(2 * (pa->h_len + c->h_len)) + 1, sizeof(*to_p));
    to_c = gs_calloc((size_t)(2 * (pa->h_len + c->h_len)) + 1, sizeof(*to_c));
    /* The plots of both since the split; a merged plot that both took
     * (share_merged) is set aside and given to both again. */
    for (i = keep; i < pa->h_len; i++) {
        const struct gs_plot *q = &hist_at(pa, t, i)->plot;

        if (is_shared(q))
            shared[ns++] = *q;
        else
            all[n++] = *q;
    }
    for (i = 0; i < c->h_len; i++) {
        const struct gs_plot *q = &hist_at(c, t, i)->plot;

        if (q->time >= c->split_time && !is_shared(q))
            all[n++] = *q;
    }
    /* Newest first; within a scan by range, for the side labels. */
    {
        int a, b;

        qsort(all, (size_t)n, sizeof(*all), by_time_desc);
        for (a = 0; a < n; a = b) {
            for (b = a; b < n && all[b].time == all[a].time; b++)
                ;
            qsort(all + a, (size_t)(b - a), sizeof(*all), by_time_asc);
        }
    }
    label_sides(t, all, n, side);
    /*
     * Which side of each radar is the parent's: every combination of the
     * radars that resolved the pair is tried, both trajectories fitted to
     * the plots it gives them, and the most likely kept. Deciding radar by
     * radar could hand a track one object's plots from one radar and the
     * other's from another, a mixture that fits neither.
     */
    {
        int radars[RESOLVE_RADARS], nr = 0, best_mask = -1, mask, r;
        double best = INFINITY;

        for (i = 0; i < n; i++) {
            if (side[i] == 0)
                continue;
            for (r = 0; r < nr; r++)
                if (radars[r] == all[i].sensor)
                    break;
            if (r == nr) {
                if (nr == RESOLVE_RADARS)
                    goto out;
                radars[nr++] = all[i].sensor;
            }
        }
        if (nr == 0)
            goto out;
        for (mask = 0; mask < (1 << nr); mask++) {
            double cost;

            for (i = 0; i < n; i++) {
                owner[i] = -1;
                if (side[i] == 0)
                    continue;
                for (r = 0; radars[r] != all[i].sensor; r++)
                    ;
                owner[i] = (side[i] > 0) == !((mask >> r) & 1) ? 0 : 1;
            }
            np = collect(all, owner, n, 0, to_p);
            nc = collect(all, owner, n, 1, to_c);
            cost = trial_cost(t, c->split_est, to_p, np) +
                   trial_cost(t, c->split_est, to_c, nc);
            if (cost < best) {
                best = cost;
                best_mask = mask;
            }
        }
        for (i = 0; i < n; i++) {
            owner[i] = -1;
            if (side[i] == 0)
                continue;
            for (r = 0; radars[r] != all[i].sensor; r++)
                ;
            owner[i] = (side[i] > 0) == !((best_mask >> r) & 1) ? 0 : 1;
        }
    }
    /* The trajectories of the resolved plots; then the single plots (one
     * object missed, or both merged) go to the one they fit. */
    np = collect(all, owner, n, 0, to_p);
    nc = collect(all, owner, n, 1, to_c);
    trial_filter(t, c->split_est, to_p, np, &bp);
    trial_filter(t, c->split_est, to_c, nc, &bc);
    {
        int *singles = gs_calloc((size_t)n + 1, sizeof(int));

        for (i = 0; i < n; i++)
            singles[i] = side[i] == 0 ? -1 : owner[i];
        if (sort_plots(t, all, n, bp, bc, owner) < 0) {
            gs_free(singles);
            goto out;
        }
        for (i = 0; i < n; i++)
            if (singles[i] >= 0)
                owner[i] = singles[i];
        gs_free(singles);
    }
    np = collect(all, owner, n, 0, to_p);
    nc = collect(all, owner, n, 1, to_c);
    if (np < 3 || nc < 3)
        goto out;
    memcpy(to_p + np, shared, sizeof(*shared) * (size_t)ns);
    memcpy(to_c + nc, shared, sizeof(*shared) * (size_t)ns);
    np += ns;
    nc += ns;
    qsort(to_p, (size_t)np, sizeof(*to_p), by_time_asc);
    qsort(to_c, (size_t)nc, sizeof(*to_c), by_time_asc);
    refilter_from(t, pa, keep, c->split_est, to_p, np);
    refilter_from(t, c, 0, c->split_est, to_c, nc);
    t->st.splits_resolved++;
out:
    gs_free(to_p);
    gs_free(to_c);
    gs_free(all);
    gs_free(shared);
    gs_free(owner);
    gs_free(side);
}

/* Tracks that end: tentative ones that miss, confirmed ones that stop
 * getting plots or have come down. */
static void maintain(struct gs_tracker *t)
{
    int i;

    for (i = 0; i < t->c.max_tracks; i++) {
        struct track *k = &t->tr[i];
        double quiet;

        if (!k->used)
            continue;
        quiet = (double)(t->latest - k->last_hit) * US;
        if (!k->confirmed) {
            if (k->misses >= t->c.tentative_misses || quiet > 10) {
                track_free(k);
                continue;
            }
            if (k->hits >= t->c.confirm_hits && plausible(k)) {
                hist_grow(t, k);
                k->confirmed = true;
                t->st.tracks_confirmed++;
                attach_local(t, i);
            }
            continue;
        }
        if (quiet > (k->est.imm ? t->c.boost_coast_max : t->c.coast_max)) {
            lose_track(t, i);
            continue;
        }
        if (k->split_pending &&
            (double)(t->latest - k->split_time) * US >=
                (k->split_round == 0 ? RESOLVE_FIRST : RESOLVE_AFTER)) {
            /* Both ballistic by now, or the chance has passed. */
            if (!k->est.imm ||
                (double)(t->latest - k->split_time) * US > RESOLVE_GIVE_UP)
                resolve_split(t, i);
        }
        if (k->fused >= 0) {
            struct fused *f = &t->fu[k->fused];

            if (f->has_impact &&
                f->impact.impact.time + 5 * GS_USEC_PER_SEC < t->latest &&
                k->last_hit < f->impact.impact.time)
                lose_track(t, i);
        }
    }
    /* Partner-only output tracks whose partners went quiet. */
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];
        gs_time_t last = 0;
        int j;

        if (!f->used || f->local >= 0)
            continue;
        for (j = 0; j < f->n_partners; j++)
            if (t->pa[f->partners[j]].u.time > last)
                last = t->pa[f->partners[j]].u.time;
        if (f->n_partners == 0 ||
            (double)(t->latest - last) * US > t->c.coast_max)
            free_fused(t, i, last);
    }
}

/*
 * Whether track k might take a plot at one of the positions pos[0..n) at
 * time tm: within PREGATE metres plus three standard deviations, after
 * moving along its velocity and with up to PREGATE_ACC of acceleration.
 */
static bool near_scan(const struct track *k, gs_time_t tm,
                      const double (*pos)[3], int n)
{
    double x7[7], P7[49], dt = fabs((double)(tm - k->est.t)) * US;
    double sp, sv, radius;
    int j, m;

    gs_est_combined(&k->est, x7, P7);
    sp = sqrt(P7[0] + P7[8] + P7[16]);
    sv = sqrt(P7[24] + P7[32] + P7[40]);
    radius = PREGATE + 3 * sp + 3 * sv * dt + 0.5 * PREGATE_ACC * dt * dt;
    for (j = 0; j < n; j++) {
        double d2 = 0;

        for (m = 0; m < 3; m++) {
            double dd = pos[j][m] - (x7[m] + x7[3 + m] * dt);

            d2 += dd * dd;
        }
        if (d2 < radius * radius)
            return true;
    }
    return false;
}

static void process_scan(struct gs_tracker *t)
{
    int n = t->n_scan, i, j, nt = t->c.max_tracks;
    struct gs_plot plots[MAX_SCAN];
    double pos[MAX_SCAN][3];
    bool taken[MAX_SCAN];
    struct gs_est *pred;
    bool *valid, *late;
    gs_time_t tm;
    const struct gs_sensor *s;

    if (n == 0)
        return;
    memcpy(plots, t->scan, sizeof(plots[0]) * (size_t)n);
    t->n_scan = 0;
    tm = plots[0].time;
    s = &t->s[plots[0].sensor];
    memset(taken, 0, sizeof(taken));
    pred = t->pred;
    valid = t->valid;
    late = t->late;
    for (j = 0; j < n; j++)
        gs_radar_position(&t->s[plots[j].sensor].site, plots[j].range,
                          plots[j].az, plots[j].el, pos[j]);
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];
        int idx;

        valid[i] = false;
        if (!k->used)
            continue;
        k->updated = false;
        late[i] = k->est.t > tm;
        /* Only tracks that could reach a plot of the scan are predicted
         * (a prediction is most of the cost of a scan). */
        if (!near_scan(k, tm, pos, n))
            continue;
        if (!est_before(t, k, tm, &pred[i], &idx))
            continue;
        valid[i] = gs_est_predict(&pred[i], &t->c.est, tm) == 0;
    }
    associate(t, plots, n, taken, pred, valid, true);
    associate(t, plots, n, taken, pred, valid, false);
    for (j = 0; j < n; j++) {
        if (taken[j])
            continue;
        if (split_track(t, &plots[j], pred, valid) != NULL)
            continue;
        new_track(t, &plots[j], NULL, 0);
    }
    /* Misses: a track this radar should have seen, in a scan not older
     * than the track. */
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];
        double x7[7], P7[49];

        if (!k->used || late[i] || k->updated)
            continue;
        if (valid[i]) {
            gs_est_combined(&pred[i], x7, P7);
        } else {
            /* Not predicted (far from every plot): where it roughly is. */
            double dt = (double)(tm - k->est.t) * US;
            int m;

            gs_est_combined(&k->est, x7, P7);
            for (m = 0; m < 3; m++)
                x7[m] += x7[3 + m] * dt;
        }
        if (gs_sensor_sees(s, x7, NULL))
            k->misses++;
    }
    maintain(t);
    check_duplicates(t);
    for (i = 0; i < nt; i++) {
        struct track *k = &t->tr[i];

        if (!k->used || !k->confirmed || !k->updated || k->fused < 0)
            continue;
        if (due(t, &t->fu[k->fused], k->est.t, gs_est_phase(&k->est)))
            emit(t, k->fused, k->est.t, GS_TRACK_CONFIRMED);
    }
}

void gs_tracker_flush(struct gs_tracker *t)
{
    process_scan(t);
}

int gs_tracker_add_plot(struct gs_tracker *t, const struct gs_plot *p,
                        char *why, size_t n)
{
    char buf[256];
    int rc;

    if (why == NULL || n == 0) {
        why = buf;
        n = sizeof(buf);
    }
    why[0] = '\0';
    rc = gs_plot_check(p, t->s, t->n_s, why, n);
    if (rc == 0 && t->have_latest &&
        (double)(p->time - t->latest) * US > t->c.max_future) {
        snprintf(why, n,
                 "time is %.0f s after the latest plot; more than "
                 "%.0f s in the future is refused (a wrong clock?)",
                 (double)(p->time - t->latest) * US, t->c.max_future);
        rc = GS_ERR_INVALID;
    }
    if (rc == 0 && t->have_latest &&
        (double)(t->latest - p->time) * US > t->c.max_lateness) {
        snprintf(why, n,
                 "plot is %.1f s older than the latest plot; plots "
                 "later than %.0f s cannot be used",
                 (double)(t->latest - p->time) * US, t->c.max_lateness);
        t->st.plots_too_late++;
        rc = GS_ERR_INVALID;
    }
    if (rc < 0) {
        t->st.plots_rejected++;
        return rc;
    }
    if (t->n_scan > 0 && (t->scan[0].sensor != p->sensor ||
                          t->scan[0].time != p->time || t->n_scan == MAX_SCAN))
        process_scan(t);
    t->scan[t->n_scan++] = *p;
    if (!t->have_latest || p->time > t->latest) {
        t->latest = p->time;
        t->have_latest = true;
    }
    t->st.plots_accepted++;
    return 0;
}

/* --------------------------------------------------------------- partners */

static int find_partner(const struct gs_tracker *t,
                        const struct gs_track_update *u)
{
    int i;

    for (i = 0; i < t->c.max_partner_tracks; i++)
        if (t->pa[i].used && strcmp(t->pa[i].u.nation, u->nation) == 0 &&
            strcmp(t->pa[i].u.track, u->track) == 0)
            return i;
    return -1;
}

static bool has_nation(const struct gs_tracker *t, const struct fused *f,
                       const char *nation)
{
    int i;

    for (i = 0; i < f->n_partners; i++)
        if (strcmp(t->pa[f->partners[i]].u.nation, nation) == 0)
            return true;
    return false;
}

/* The output track partner pi belongs with, or a new one. */
static void match_partner(struct gs_tracker *t, int pi)
{
    struct partner *p = &t->pa[pi];
    double best = PARTNER_GATE;
    int i, j, bi = -1;

    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used || f->n_partners >= MAX_FUSED_PARTNERS ||
            has_nation(t, f, p->u.nation))
            continue;
        if (f->local >= 0) {
            struct track *k = &t->tr[f->local];
            double x7[7], P7[49], P6[36], xp[6], Pp[36], d;

            gs_est_combined(&k->est, x7, P7);
            block6(P7, P6);
            if (partner_state(t, p, k->est.t, xp, Pp) < 0)
                continue;
            d = mahal6(x7, P6, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
            continue;
        }
        for (j = 0; j < f->n_partners; j++) {
            const struct partner *q = &t->pa[f->partners[j]];
            double xq[6], Pq[36], xp[6], Pp[36], d;

            if (partner_state(t, q, p->u.time, xq, Pq) < 0 ||
                partner_state(t, p, p->u.time, xp, Pp) < 0)
                continue;
            d = mahal6(xq, Pq, xp, Pp);
            if (d < best) {
                best = d;
                bi = i;
            }
        }
    }
    if (bi < 0)
        bi = new_fused(t);
    if (bi < 0)
        return;
    t->fu[bi].partners[t->fu[bi].n_partners++] = pi;
    p->fused = bi;
}

int gs_tracker_add_partner(struct gs_tracker *t,
                           const struct gs_track_update *u, char *why, size_t n)
{
    char buf[256];
    int pi, i;

    if (why == NULL || n == 0) {
        why = buf;
        n = sizeof(buf);
    }
    why[0] = '\0';
    if (strcmp(u->nation, t->c.nation) == 0) {
        snprintf(why, n, "track %s is our own nation's", u->track);
        t->st.partner_rejected++;
        return GS_ERR_INVALID;
    }
    pi = find_partner(t, u);
    if (pi >= 0 && u->time <= t->pa[pi].u.time) {
        snprintf(why, n, "track %s: not newer than its update already held",
                 u->track);
        t->st.partner_rejected++;
        return GS_ERR_INVALID;
    }
    if (pi < 0) {
        if (u->status == GS_TRACK_LOST) {
            t->st.partner_accepted++;
            return 0;
        }
        for (i = 0; i < t->c.max_partner_tracks; i++)
            if (!t->pa[i].used)
                break;
        if (i == t->c.max_partner_tracks) {
            snprintf(why, n, "more than %d partner tracks",
                     t->c.max_partner_tracks);
            t->st.partner_rejected++;
            return GS_ERR_INVALID;
        }
        pi = i;
        memset(&t->pa[pi], 0, sizeof(t->pa[pi]));
        t->pa[pi].used = true;
        t->pa[pi].fused = -1;
    }
    t->pa[pi].u = *u;
    t->st.partner_accepted++;
    if (u->status == GS_TRACK_LOST) {
        int fi = t->pa[pi].fused;

        if (fi >= 0) {
            struct fused *f = &t->fu[fi];

            for (i = 0; i < f->n_partners; i++)
                if (f->partners[i] == pi)
                    f->partners[i] = f->partners[--f->n_partners];
            if (f->n_partners == 0 && f->local < 0)
                free_fused(t, fi, u->time);
        }
        memset(&t->pa[pi], 0, sizeof(t->pa[pi]));
        return 0;
    }
    if (t->pa[pi].fused < 0)
        match_partner(t, pi);
    if (t->pa[pi].fused >= 0) {
        struct fused *f = &t->fu[t->pa[pi].fused];
        gs_time_t tm = u->time;

        /* Report at the partner's time if our own plots do not already
         * keep this track fresh. */
        if (f->local >= 0 && t->tr[f->local].est.t > tm)
            return 0;
        if (due(t, f, tm, u->phase))
            emit(t, t->pa[pi].fused, tm, GS_TRACK_CONFIRMED);
    }
    return 0;
}

void gs_tracker_finish(struct gs_tracker *t)
{
    int i;

    process_scan(t);
    for (i = 0; i < t->n_fu; i++) {
        struct fused *f = &t->fu[i];

        if (!f->used)
            continue;
        if (f->reported) {
            gs_time_t tm = f->last_output;

            if (f->local >= 0 && t->tr[f->local].est.t > tm)
                tm = t->tr[f->local].est.t;
            emit(t, i, tm, GS_TRACK_LOST);
        }
        memset(f, 0, sizeof(*f));
    }
    for (i = 0; i < t->c.max_tracks; i++)
        track_free(&t->tr[i]);
    for (i = 0; i < t->c.max_partner_tracks; i++)
        t->pa[i].used = false;
}
